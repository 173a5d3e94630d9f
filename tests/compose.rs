//! Compose files over the shared corpus and the fixtures: fixing is
//! idempotent, keeps every original line in order (except the lines a
//! `depends_on` rewrite replaces), and output that started valid against
//! the Compose JSON schema stays valid.

mod common;

use std::path::{Path, PathBuf};

use seaworthy::engine::planner;
use seaworthy::plan::Plan;
use seaworthy::settings::policy::Overrides;
use seaworthy::settings::resolver::Resolver;

fn schema() -> Option<jsonschema::Validator> {
    let path = common::root().join("../shared/schemas/compose-spec.json");
    let text = std::fs::read_to_string(path).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    Some(jsonschema::validator_for(&value).unwrap())
}

fn meaning(bytes: &[u8]) -> serde_json::Value {
    serde_saphyr::from_str(std::str::from_utf8(bytes).unwrap()).unwrap()
}

/// seaworthy reads a file's meaning from its own positioned tree (ADR 005);
/// serde-saphyr, reading the text on its own with YAML 1.2 booleans as
/// Compose does, must agree on every file before and after the fix.
fn assert_same_meaning(name: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap();
    let oracle: serde_json::Value =
        serde_saphyr::from_str_with_options(text, serde_saphyr::options! { strict_booleans: true })
            .unwrap();
    let ours = seaworthy::syntax::yaml::Stream::parse(seaworthy::source::Source::new(
        name,
        bytes.to_vec(),
    ))
    .unwrap();
    assert_eq!(
        ours.meaning(),
        &oracle,
        "{name}: meaning differs from serde-saphyr's"
    );
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walk(from) {
        let target = to.join(entry.strip_prefix(from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
        let mut perms = std::fs::metadata(&target).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&target, perms).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn build(dir: &Path, unsafe_fixes: bool) -> Plan {
    let overrides = Overrides {
        unsafe_fixes,
        ..Overrides::default()
    };
    planner::build(
        &[dir.to_path_buf()],
        &Resolver::new(None).unwrap(),
        &overrides,
    )
}

fn write_all(plan: &Plan) {
    for change in plan.changed() {
        std::fs::write(&change.path, &change.after).unwrap();
    }
}

fn is_compose(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    name.ends_with(".yaml") || name.ends_with(".yml")
}

/// Fixes a copy of `source` twice and checks every property on the way.
fn assert_tree_properties(source: &Path, unsafe_fixes: bool) -> (usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(source, dir.path());
    let first = build(dir.path(), unsafe_fixes);
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    let validator = schema();
    let mut fixed = 0;
    let mut unchanged = 0;
    for change in first.files.iter().filter(|c| is_compose(&c.path)) {
        let name = change.path.display();
        assert_same_meaning(&name.to_string(), change.before_bytes());
        assert_same_meaning(&name.to_string(), &change.after);
        if !change.changes() {
            unchanged += 1;
            continue;
        }
        fixed += 1;
        if let (Some(v), false) = (&validator, change.path.ends_with("config.example.yaml")) {
            if v.is_valid(&meaning(change.before_bytes())) {
                let after = meaning(&change.after);
                let errors: Vec<String> = v.iter_errors(&after).map(|e| e.to_string()).collect();
                assert!(
                    errors.is_empty(),
                    "{name}: schema-valid input became invalid: {errors:?}"
                );
            }
        }
        let before = String::from_utf8(change.before_bytes().to_vec()).unwrap();
        let after = String::from_utf8(change.after.clone()).unwrap();
        let rewritten = change
            .findings
            .iter()
            .any(|f| matches!(f.code(), "SW205" | "SW208"));
        // SW209 replaces a healthcheck's `test` value (unsafe fixes only).
        let tests_replaced = change.findings.iter().any(|f| f.code() == "SW209");
        let mut lines = after.lines();
        for line in before.lines() {
            let may_change = (rewritten
                && (line.trim_start().starts_with("- ") || line.contains("depends_on")))
                || (tests_replaced && line.trim_start().starts_with("test:"));
            if may_change {
                continue;
            }
            assert!(
                lines.any(|l| l == line),
                "{name}: lost or moved line {line:?}"
            );
        }
        if before.contains("\r\n") && !before.replace("\r\n", "").contains('\n') {
            assert!(
                !after.replace("\r\n", "").contains('\n'),
                "{name}: bare LF in a CRLF file"
            );
        }
        assert_eq!(
            before.ends_with('\n'),
            after.ends_with('\n'),
            "{name}: final newline changed"
        );
    }
    write_all(&first);
    let second = build(dir.path(), unsafe_fixes);
    assert!(second.errors.is_empty(), "{:?}", second.errors);
    let again: Vec<_> = second
        .changed()
        .map(|c| c.path.display().to_string())
        .collect();
    assert!(again.is_empty(), "second fix changed {again:?}");
    // Every probe the first run wrote passes its judge in a run of its own
    // (the confirming pass of a run does not judge what it just wrote): the
    // judges find on the fixed files nothing they did not find before.
    let judged = |plan: &Plan, path: &Path| -> Vec<(&'static str, String)> {
        let mut found: Vec<(&'static str, String)> = plan
            .files
            .iter()
            .filter(|c| c.path == path)
            .flat_map(|c| &c.findings)
            .filter(|f| matches!(f.code(), "SW107" | "SW209"))
            .map(|f| (f.code(), f.message.clone()))
            .collect();
        found.sort();
        found
    };
    for change in first.changed() {
        let before = judged(&first, &change.path);
        for finding in judged(&second, &change.path) {
            assert!(
                before.contains(&finding),
                "{}: a probe seaworthy wrote fails its judge: {finding:?}",
                change.path.display()
            );
        }
    }
    (fixed, unchanged)
}

#[test]
fn corpus_compose_files_hold_the_properties() {
    let corpus = common::root().join("../shared/corpus");
    if !corpus.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must see ../shared/corpus"
        );
        return;
    }
    let (fixed, unchanged) = assert_tree_properties(&corpus, false);
    assert_eq!(fixed + unchanged, 39, "every corpus compose file is read");
    assert!(fixed >= 35, "fixed {fixed}");
    assert_tree_properties(&corpus, true);
}

#[test]
fn compose_fixtures_hold_the_properties() {
    let fixtures = common::root().join("fixtures/compose");
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let folder = entry.unwrap().path();
        for unsafe_fixes in [false, true] {
            assert_tree_properties(&folder, unsafe_fixes);
        }
    }
}

#[test]
fn complete_fixture_is_left_alone() {
    let plan = build(&common::root().join("fixtures/compose/complete"), true);
    assert!(plan.errors.is_empty());
    assert_eq!(plan.changed().count(), 0);
    assert!(
        plan.findings().next().is_none(),
        "{:?}",
        plan.findings().map(|(_, f)| f).collect::<Vec<_>>()
    );
}

#[test]
fn the_schema_is_live() {
    let Some(validator) = schema() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must see the Compose schema"
        );
        return;
    };
    assert!(validator.is_valid(&meaning(b"services:\n  a:\n    image: x\n")));
    assert!(!validator.is_valid(&meaning(
        b"services:\n  a:\n    image: x\n    restart_policy: 1\n"
    )));
    assert!(!validator.is_valid(&meaning(
        b"services:\n  a:\n    deploy:\n      resources:\n        limits:\n          memory: [1]\n"
    )));
}

#[test]
fn fix_then_check_exits_0_through_the_binary() {
    for entry in std::fs::read_dir(common::root().join("fixtures/compose")).unwrap() {
        let folder = entry.unwrap().path();
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&folder, dir.path());
        let run = |args: &[&str]| {
            assert_cmd::Command::cargo_bin("seaworthy")
                .unwrap()
                .current_dir(dir.path())
                .env("NO_COLOR", "1")
                .args(args)
                .output()
                .unwrap()
        };
        let fixed = run(&["fix", "--yes", "--unsafe-fixes"]);
        assert_eq!(
            fixed.status.code(),
            Some(0),
            "{}: {}",
            folder.display(),
            String::from_utf8_lossy(&fixed.stderr)
        );
        let checked = run(&["check"]);
        assert_eq!(
            checked.status.code(),
            Some(0),
            "{}: {}",
            folder.display(),
            String::from_utf8_lossy(&checked.stderr)
        );
    }
}
