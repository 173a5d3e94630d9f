//! Before → after of every fixture, as insta snapshots of the findings and
//! the diff that `check` reports.

mod common;

use std::path::Path;

use seaworthy::engine::planner;
use seaworthy::settings::policy::Overrides;
use seaworthy::settings::resolver::Resolver;

fn render(folder: &Path, overrides: &Overrides) -> String {
    let relative = folder.strip_prefix(common::root()).unwrap().to_path_buf();
    let plan = planner::build(&[relative], &Resolver::new(None).unwrap(), overrides);
    assert!(plan.errors.is_empty(), "{:?}", plan.errors);
    let mut text = String::new();
    common::push_report(&mut text, &plan);
    text
}

fn folders(kind: &str) -> Vec<std::path::PathBuf> {
    let mut folders: Vec<_> = std::fs::read_dir(common::root().join("fixtures").join(kind))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    folders
}

#[test]
fn every_fixture_folder() {
    std::env::set_current_dir(common::root()).unwrap();
    let dockerfiles = folders("dockerfile");
    let composes = folders("compose");
    assert!(
        dockerfiles.len() >= 12 && composes.len() >= 8,
        "fixtures went missing"
    );
    for folder in dockerfiles {
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(name, render(&folder, &Overrides::default()));
    }
    for folder in composes {
        let name = format!("compose-{}", folder.file_name().unwrap().to_string_lossy());
        insta::assert_snapshot!(name, render(&folder, &Overrides::default()));
    }
    let unsafe_fixes = Overrides {
        unsafe_fixes: true,
        ..Overrides::default()
    };
    let selfhosted = common::root().join("fixtures/compose/selfhosted");
    insta::assert_snapshot!(
        "compose-selfhosted-unsafe",
        render(&selfhosted, &unsafe_fixes)
    );
}
