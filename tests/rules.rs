//! Per-rule tests, in ruff's spirit: every folder `tests/rules/SWnnn/CASE/`
//! is a small project run with only rule SWnnn selected (unless the case
//! has a `seaworthy.toml` with a `[rules]` table, which then decides), with
//! unsafe fixes on; its findings and diff are one insta snapshot,
//! `rules__SWnnn-CASE.snap`. Each fixed defect keeps its reproducer here.

mod common;

use std::path::{Path, PathBuf};

use seaworthy::engine::planner;
use seaworthy::settings::policy::Overrides;
use seaworthy::settings::resolver::Resolver;

/// Findings and diff of one case folder (relative to the crate root).
fn render(folder: &Path, code: &str) -> String {
    let own_rules = std::fs::read_to_string(folder.join("seaworthy.toml"))
        .is_ok_and(|text| text.contains("[rules]"));
    let overrides = Overrides {
        select: (!own_rules).then(|| vec![code.to_string()]),
        unsafe_fixes: true,
        ..Overrides::default()
    };
    let relative = folder.strip_prefix(common::root()).unwrap().to_path_buf();
    let plan = planner::build(&[relative], &Resolver::new(None).unwrap(), &overrides);
    let mut text = String::new();
    for error in &plan.errors {
        text.push_str(&format!("error: {error}\n"));
    }
    for note in &plan.notes {
        text.push_str(&format!("note: {note}\n"));
    }
    common::push_report(&mut text, &plan);
    text
}

fn folders(dir: &Path) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    folders
}

#[test]
fn every_rule_case() {
    std::env::set_current_dir(common::root()).unwrap();
    let root = common::root().join("tests/rules");
    let mut tested = Vec::new();
    for rule in folders(&root) {
        let code = rule.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            seaworthy::registry::CODES.contains(&code.as_str()),
            "tests/rules/{code} is not a rule"
        );
        for case in folders(&rule) {
            let name = format!("{code}-{}", case.file_name().unwrap().to_string_lossy());
            insta::assert_snapshot!(name, render(&case, &code));
        }
        tested.push(code);
    }
    let untested: Vec<&&str> = seaworthy::registry::CODES
        .iter()
        .filter(|c| !tested.iter().any(|t| t == *c))
        .collect();
    assert!(untested.is_empty(), "rules without a case: {untested:?}");
}

/// SW107/SW209: a check that can only fail is an error, a merely fragile
/// one (no client timeout) a warning, whether or not its fix is applied.
#[test]
fn broken_checks_are_errors_and_fragile_ones_warnings() {
    use seaworthy::registry::Severity;
    let severity = |case: &str, unsafe_fixes: bool| {
        let overrides = Overrides {
            select: Some(vec![case[..5].to_string()]),
            unsafe_fixes,
            ..Overrides::default()
        };
        let plan = planner::build(
            &[common::root().join("tests/rules").join(case)],
            &Resolver::new(None).unwrap(),
            &overrides,
        );
        let severities: Vec<Severity> = plan.findings().map(|(_, f)| f.severity).collect();
        assert_eq!(severities.len(), 1, "{case}");
        severities[0]
    };
    for unsafe_fixes in [false, true] {
        assert_eq!(
            severity("SW107/python-slim-curl", unsafe_fixes),
            Severity::Error
        );
        assert_eq!(severity("SW107/wrong-port", unsafe_fixes), Severity::Error);
        assert_eq!(
            severity("SW107/curl-no-timeout", unsafe_fixes),
            Severity::Warning
        );
        assert_eq!(
            severity("SW209/python-image-curl", unsafe_fixes),
            Severity::Error
        );
        assert_eq!(
            severity("SW209/built-flask-no-timeout", unsafe_fixes),
            Severity::Warning
        );
    }
}
