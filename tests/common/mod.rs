//! Helpers shared by the integration tests: where the fixtures and the
//! shared corpus are, and how to run the engine on one file.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use seaworthy::discover::{self, FileKind};
use seaworthy::engine::planner;
use seaworthy::plan::FileChange;
use seaworthy::settings::policy::Overrides;
use seaworthy::settings::resolver::Resolver;

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every Dockerfile under `fixtures/`.
pub fn fixture_dockerfiles() -> Vec<PathBuf> {
    dockerfiles_in(&root().join("fixtures"))
}

/// Every Dockerfile in `../shared/corpus/`; empty (with a note) when the
/// folder is absent, except under CI, where its absence fails the run.
pub fn corpus_dockerfiles() -> Vec<PathBuf> {
    let corpus = root().join("../shared/corpus");
    if !corpus.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must see ../shared/corpus"
        );
        eprintln!("note: ../shared/corpus is absent; corpus checks skipped");
        return Vec::new();
    }
    dockerfiles_in(&corpus)
}

fn dockerfiles_in(dir: &Path) -> Vec<PathBuf> {
    let (files, errors) = discover::files(&[dir.to_path_buf()]);
    assert!(errors.is_empty(), "{errors:?}");
    files
        .into_iter()
        .filter(|(_, kind)| *kind == FileKind::Dockerfile)
        .map(|(path, _)| path)
        .collect()
}

/// Plans one Dockerfile with the config that applies to it.
pub fn plan(path: &Path) -> FileChange {
    let resolver = Resolver::new(None).unwrap();
    planner::plan_dockerfile(path, &resolver, &Overrides::default(), None)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The full health-stage pattern (copied probe, wrapped start command), as
/// a `seaworthy.toml`: the settings the stage tests run under.
/// A declared health route: what a scratch or distroless image needs for a
/// probe (the default stage image's probe requires a 2xx answer from it).
pub const ROUTE_CONFIG: &str = "[health]\npath = \"/healthz\"\n";

pub const STAGE_CONFIG: &str = r#"
[health]
style = "stage"
stage_image = "alfred/healthcheck:0.4.0"
stage_binary = "/usr/local/bin/healthcheck"
stage_probe_args = ["--http", "{url}"]
stage_wraps = true
metrics_port = 9091
"#;

/// Appends what `check` reports of `plan` to `text`: a line per finding
/// (path:line:col: rule status message), a blank line, then every diff.
/// The form the rule and fixture snapshots are kept in.
pub fn push_report(text: &mut String, plan: &seaworthy::plan::Plan) {
    for (file, finding) in plan.findings() {
        text.push_str(&format!(
            "{}:{}:{}: {} {:?} {}\n",
            seaworthy::paths::display(&file.path),
            finding.start.line,
            finding.start.col,
            finding.rule.code,
            finding.status,
            finding.message
        ));
    }
    text.push('\n');
    for change in &plan.files {
        text.push_str(&seaworthy::output::diff::unified(change));
    }
}
