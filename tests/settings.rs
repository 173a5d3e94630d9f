//! Settings through the real binary: values are typed and checked once,
//! and a configuration can never direct a write outside its own folder.

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
fn a_bad_config_is_reported_once_not_once_per_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("seaworthy.toml"), "[health]\nprot = 1\n").unwrap();
    for sub in ["a", "b", "c"] {
        fs::create_dir(dir.path().join(sub)).unwrap();
        fs::write(
            dir.path().join(sub).join("Dockerfile"),
            "FROM python:3.12\nEXPOSE 80\n",
        )
        .unwrap();
    }
    let output = seaworthy(dir.path()).args(["check", "."]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.matches("unknown key `prot`").count(), 1, "{stderr}");
}

#[test]
fn an_app_config_outside_the_project_is_refused_and_nothing_is_written() {
    let root = tempfile::tempdir().unwrap();
    let victim = root.path().join("victim");
    let project = root.path().join("project");
    fs::create_dir_all(&victim).unwrap();
    fs::create_dir_all(&project).unwrap();
    fs::write(victim.join("settings.yaml"), "a: 1\n").unwrap();
    fs::write(
        project.join("seaworthy.toml"),
        "[app_config]\npath = \"../victim/settings.yaml\"\nkey = \"health_port\"\n",
    )
    .unwrap();
    fs::write(project.join("Dockerfile"), "FROM python:3.12\nEXPOSE 80\n").unwrap();
    seaworthy(&project)
        .args(["fix", "--yes", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "outside the folder of this seaworthy.toml",
        ));
    assert_eq!(
        fs::read_to_string(victim.join("settings.yaml")).unwrap(),
        "a: 1\n"
    );
}

#[test]
fn a_missing_app_config_is_an_error_not_a_silent_8080() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("seaworthy.toml"),
        "[app_config]\npath = \"config.yaml\"\nkey = \"gateway.health_port\"\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("Dockerfile"),
        "FROM python:3.12\nEXPOSE 80\n",
    )
    .unwrap();
    seaworthy(dir.path())
        .args(["check", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "seaworthy.toml:1:1: error: [app_config] path: `config.yaml` does not exist",
        ));
}

#[test]
fn an_app_config_alone_in_its_folder_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("seaworthy.toml"),
        "[app_config]\npath = \"config.yaml\"\nkey = \"health_port\"\n",
    )
    .unwrap();
    fs::write(dir.path().join("config.yaml"), "a: 1\n").unwrap();
    seaworthy(dir.path())
        .args(["check", "."])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("+health_port: 8080"))
        .stderr(predicate::str::contains("1 file checked"));
}

#[test]
fn port_zero_and_unknown_categories_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("Dockerfile"), "FROM python:3.12\n").unwrap();
    seaworthy(dir.path())
        .args([
            "fix-dockerfile-healthcheck",
            "--dry-run",
            "--port",
            "0",
            "Dockerfile",
        ])
        .assert()
        .code(2);
    fs::write(
        dir.path().join("seaworthy.toml"),
        "[services.db]\ncategory = \"databse\"\n",
    )
    .unwrap();
    seaworthy(dir.path())
        .args(["check", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown value `databse`; did you mean `database`?",
        ));
}
