//! Before → after of every fixture, as insta snapshots of the diff and the
//! findings that `check` reports.

mod common;

use seaworthy::config::Resolver;
use seaworthy::diff;
use seaworthy::plan;
use seaworthy::policy::Overrides;

#[test]
fn every_fixture_folder() {
    std::env::set_current_dir(common::root()).unwrap();
    let fixtures = common::root().join("fixtures/dockerfile");
    let mut folders: Vec<_> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    assert!(folders.len() >= 12, "fixtures went missing");
    let resolver = Resolver::new(None).unwrap();
    for folder in folders {
        let relative = folder.strip_prefix(common::root()).unwrap().to_path_buf();
        let plan = plan::build(&[relative], &resolver, &Overrides::default());
        assert!(plan.errors.is_empty(), "{:?}", plan.errors);
        let mut text = String::new();
        for (file, finding) in plan.findings() {
            text.push_str(&format!(
                "{}:{}:{}: {} {:?} {}\n",
                seaworthy::paths::display(&file.path),
                finding.line,
                finding.col,
                finding.rule,
                finding.status,
                finding.message
            ));
        }
        text.push('\n');
        for change in &plan.files {
            text.push_str(&diff::unified(change));
        }
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(name, text);
    }
}
