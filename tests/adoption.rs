//! The repository's own adoption files: its Dockerfile passes its own
//! `check --strict`, and the declared licence has its texts.

use std::path::PathBuf;

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn own_dockerfile_passes_check_strict() {
    Command::cargo_bin("seaworthy")
        .unwrap()
        .current_dir(root())
        .args(["check", "--strict", "--no-color", "Dockerfile"])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn own_dockerfile_is_multi_stage_static_and_non_root() {
    let text = std::fs::read_to_string(root().join("Dockerfile")).unwrap();
    let froms: Vec<&str> = text.lines().filter(|l| l.starts_with("FROM ")).collect();
    assert_eq!(froms.len(), 2, "{froms:?}");
    assert!(froms[0].starts_with("FROM rust:"), "{froms:?}");
    assert_eq!(froms[1], "FROM scratch");
    assert!(
        text.contains("-unknown-linux-musl"),
        "not a static musl build"
    );
    let final_stage = text.split("FROM scratch").nth(1).unwrap();
    let user = final_stage
        .lines()
        .find_map(|l| l.strip_prefix("USER "))
        .expect("no USER in the final stage");
    assert!(
        !user.starts_with('0') && !user.starts_with("root"),
        "{user}"
    );
    // Everything the build COPYs is let through .dockerignore.
    let ignore = std::fs::read_to_string(root().join(".dockerignore")).unwrap();
    for line in text
        .lines()
        .filter(|l| l.starts_with("COPY ") && !l.contains("--from"))
    {
        for source in line
            .split_whitespace()
            .skip(1)
            .collect::<Vec<_>>()
            .split_last()
            .unwrap()
            .1
        {
            let kept = format!("!{}", source.trim_end_matches('/'));
            assert!(
                ignore.lines().any(|l| l.trim_end_matches('/') == kept),
                ".dockerignore drops {source}"
            );
        }
    }
}

#[test]
fn declared_licence_has_its_texts() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    assert!(manifest.contains("license = \"MIT OR Apache-2.0\""));
    let mit = std::fs::read_to_string(root().join("LICENSE-MIT")).unwrap();
    assert!(mit.contains("Copyright (c) The seaworthy authors"));
    assert!(mit.contains("Permission is hereby granted, free of charge"));
    let apache = std::fs::read_to_string(root().join("LICENSE-APACHE")).unwrap();
    assert!(apache.contains("Apache License\n                           Version 2.0, January 2004"));
    assert!(apache.contains("END OF TERMS AND CONDITIONS"));
}
