//! Which files are read, through the real binary: named files are
//! recognised by content when their name says nothing, and a walked file
//! named like a Dockerfile that holds no instruction is passed over with a
//! note instead of stopping the run.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn seaworthy(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("seaworthy").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

#[test]
fn named_files_are_recognised_by_content() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("Dockerfile-prod"),
        "# syntax=docker/dockerfile:1\nARG V=3.12\nFROM python:${V}-slim\nEXPOSE 8000\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("crlf-compose.yaml"),
        "services:\r\n  db:\r\n    image: postgres:16\r\n",
    )
    .unwrap();
    fs::write(dir.path().join("notes.txt"), "hello\n").unwrap();
    seaworthy(dir.path())
        .args(["check", "Dockerfile-prod", "crlf-compose.yaml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Dockerfile-prod:3:1: SW101"))
        .stderr(predicate::str::contains("crlf-compose.yaml:2:3: SW201"));
    seaworthy(dir.path())
        .args(["check", "notes.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "notes.txt:1:1: error: not a file seaworthy knows",
        ));
}

#[test]
fn a_walked_file_without_instructions_is_a_note_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("Dockerfile.fix"), "").unwrap();
    fs::write(
        dir.path().join("Dockerfile"),
        "FROM python:3.12-slim\nEXPOSE 8000\n",
    )
    .unwrap();
    seaworthy(dir.path())
        .args(["fix", "--yes", "."])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "Dockerfile.fix:1:1: note: skipped",
        ))
        .stderr(predicate::str::contains("wrote 1 file"));
    seaworthy(dir.path())
        .args(["check", "Dockerfile.fix"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no FROM instruction"));
}

#[test]
fn the_walk_recognises_names_the_config_adds() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("seaworthy.toml"),
        "[files]\ndockerfile = [\"Containerfile\", \"*.containerfile\"]\ncompose = [\"stack-*.yml\"]\n",
    )
    .unwrap();
    fs::create_dir(dir.path().join("app")).unwrap();
    fs::write(
        dir.path().join("app/Containerfile"),
        "FROM python:3.12-slim\nEXPOSE 8000\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("stack-prod.yml"),
        "services:\n  db:\n    image: postgres:16\n",
    )
    .unwrap();
    seaworthy(dir.path())
        .args(["check", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("app/Containerfile:1:1: SW101"))
        .stderr(predicate::str::contains("stack-prod.yml:2:3: SW201"));
    fs::write(
        dir.path().join("seaworthy.toml"),
        "[files]\ndockerfile = [\"[\"]\n",
    )
    .unwrap();
    seaworthy(dir.path())
        .args(["check", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a glob pattern"));
}

#[test]
fn hidden_folders_are_named_in_verbose_and_can_be_named() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".devcontainer")).unwrap();
    fs::write(
        dir.path().join(".devcontainer/Dockerfile"),
        "FROM python:3.12\nEXPOSE 80\n",
    )
    .unwrap();
    seaworthy(dir.path())
        .args(["check", "--verbose", "."])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "skipped hidden folder .devcontainer/",
        ));
    seaworthy(dir.path())
        .args(["check", ".devcontainer"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            ".devcontainer/Dockerfile:1:1: SW101",
        ));
}
