//! Turns the `data/` tables (TOML: written and reviewed by people, each row
//! citing its source) into JSON in `OUT_DIR`, which the binary embeds:
//! reading JSON at start-up costs a fraction of parsing TOML, and every run
//! reads the tables. The TOML files stay the one source of truth.

use std::path::Path;

/// Every table: `check` and `fix` read the first five on every run, `init`
/// reads `stacks` too.
const TABLES: &[&str] = &["images", "ports", "routes", "memory", "log_level", "stacks"];

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for name in TABLES {
        let source = format!("data/{name}.toml");
        println!("cargo:rerun-if-changed={source}");
        let text = std::fs::read_to_string(&source).expect("the data table is readable");
        let value: toml::Value =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{source} is not valid TOML: {e}"));
        let json = serde_json::to_string(&value).expect("a TOML value is JSON");
        std::fs::write(Path::new(&out).join(format!("{name}.json")), json)
            .expect("OUT_DIR is writable");
    }
}
