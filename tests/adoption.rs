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

/// Every file the code embeds (`include_str!`/`include_bytes!`: data
/// tables, init's templates) is in a folder the image build COPYs: a
/// folder left out compiles here and fails only inside `docker build`
/// (it did once, when init's templates arrived).
#[test]
fn own_dockerfile_copies_every_embedded_file() {
    let text = std::fs::read_to_string(root().join("Dockerfile")).unwrap();
    let copied: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with("COPY ") && !l.contains("--from"))
        .flat_map(|l| {
            let words: Vec<&str> = l.split_whitespace().skip(1).collect();
            let sources = words.split_last().map_or(&[][..], |(_, rest)| rest);
            sources
                .iter()
                .map(|s| s.trim_end_matches('/').to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut embedded = Vec::new();
    for entry in walk(&root().join("src")) {
        let code = std::fs::read_to_string(&entry).unwrap();
        for (at, _) in code.match_indices("include_") {
            let rest = &code[at..];
            let Some(open) = rest.find("!(\"") else {
                continue;
            };
            if !rest.starts_with("include_str!") && !rest.starts_with("include_bytes!") {
                continue;
            }
            let path = &rest[open + 3..];
            let path = &path[..path.find('"').unwrap()];
            let file = entry.parent().unwrap().join(path);
            let file = std::fs::canonicalize(&file).unwrap_or(file);
            let relative = file.strip_prefix(root()).unwrap().to_path_buf();
            embedded.push(relative);
        }
    }
    assert!(embedded.len() > 5, "{embedded:?}");
    for file in embedded {
        let top = file
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .to_string();
        assert!(
            copied.contains(&top),
            "{} is embedded but the Dockerfile does not COPY {top}/",
            file.display()
        );
    }
}

/// Every `.rs` file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
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
