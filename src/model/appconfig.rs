//! The app's own config file (`[app_config]`): where it is, which format it
//! has, and the health port it declares.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::settings::policy::AppPort;
use crate::settings::{Config, FALLBACK_PORT};
use crate::source::Source;
use crate::syntax::yaml::Stream;

/// The formats an app config can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.yaml` / `.yml` (and anything not `.toml`).
    Yaml,
    /// `.toml`.
    Toml,
}

/// The format of an app config, by its extension.
pub fn format_of(path: &Path) -> Format {
    match path.extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("toml") => Format::Toml,
        _ => Format::Yaml,
    }
}

/// The app config's path (resolved from the config file's folder) and key.
pub fn location(config: &Config) -> Option<(PathBuf, &str)> {
    let app = config.app_config.as_ref()?;
    let base = config.base_dir().unwrap_or(Path::new("."));
    Some((base.join(&app.path), app.key.as_str()))
}

/// The value at a dotted `key` of a YAML or TOML text, as JSON.
pub fn lookup(path: &Path, bytes: &[u8], key: &str) -> Option<Value> {
    let root: Value = match format_of(path) {
        Format::Toml => {
            let table: toml::Table = toml::from_str(std::str::from_utf8(bytes).ok()?).ok()?;
            serde_json::to_value(table).ok()?
        }
        Format::Yaml => Stream::parse(Source::new(path, bytes.to_vec()))
            .ok()?
            .meaning()
            .clone(),
    };
    key.split('.')
        .try_fold(&root, |v, part| v.get(part))
        .cloned()
}

/// The health port the app config declares (DESIGN.md step 3), or the
/// default 8080 when the key is not there yet (SW301 adds it); `None`
/// without `[app_config]`. Reads the file: the planner asks once per config.
pub fn health_port(config: &Config) -> Option<AppPort> {
    let (path, key) = location(config)?;
    let shown = crate::paths::display(&path);
    let declared = std::fs::read(&path)
        .ok()
        .and_then(|bytes| lookup(&path, &bytes, key))
        .and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
        .and_then(|n| u16::try_from(n).ok());
    Some(match declared {
        Some(port) => AppPort {
            port,
            source: format!("`{key}: {port}` in {shown}"),
        },
        None => AppPort {
            port: FALLBACK_PORT,
            source: format!("the [app_config] default; `{key}` is not in {shown} yet"),
        },
    })
}
