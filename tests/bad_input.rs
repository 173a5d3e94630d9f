//! Bad Compose and app-config input through the real binary: a clear
//! `path:line:col: message`, exit 2, no panic, nothing written, bounded time.

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;

fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::cargo_bin("seaworthy")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (output.status.code().unwrap_or(-1), stderr)
}

/// Writes `content` as compose.yaml beside a good Dockerfile and checks that
/// both `check` and `fix --yes` refuse with `expected` and write nothing.
fn refused(content: &[u8], expected: &str) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), content).unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM python:3.12-slim\nEXPOSE 8000\n",
    )
    .unwrap();
    for args in [&["check"][..], &["fix", "--yes"][..]] {
        let started = Instant::now();
        let (code, stderr) = run(dir.path(), args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{args:?}: expected {expected:?} in {stderr}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "too slow: {:?}",
            started.elapsed()
        );
    }
    assert_eq!(
        std::fs::read(dir.path().join("compose.yaml")).unwrap(),
        content
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        "FROM python:3.12-slim\nEXPOSE 8000\n",
        "nothing is written when any input is bad"
    );
}

#[test]
fn invalid_yaml() {
    refused(b"services:\n  api:\n    image: [nginx\n", "compose.yaml:");
}

#[test]
fn truncated_yaml_and_tabs() {
    refused(b"services:\n  api:\n    image: \"ngi", "compose.yaml:");
    refused(b"services:\n\tapi:\n\t\timage: nginx\n", "compose.yaml:2:");
}

#[test]
fn duplicate_keys() {
    refused(
        b"services:\n  api:\n    image: a\n    image: b\n",
        "compose.yaml:4:",
    );
}

#[test]
fn services_as_a_list() {
    refused(
        b"services:\n  - api\n  - db\n",
        "compose.yaml:2:3: `services` must be a mapping",
    );
}

#[test]
fn alias_bomb() {
    let mut text = String::from(
        "x-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut previous = "a";
    for name in names {
        text.push_str(&format!("x-{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]\n"));
        previous = name;
    }
    text.push_str("services:\n  api:\n    image: nginx\n");
    refused(text.as_bytes(), "compose.yaml:");
}

#[test]
fn fifty_megabytes() {
    let mut text = b"services:\n  api:\n    image: nginx\n".to_vec();
    let line = b"# padding padding padding padding padding padding padding padding\n";
    while text.len() < 50 * 1024 * 1024 {
        text.extend_from_slice(line);
    }
    refused(&text, "compose.yaml:1:1: ");
}

#[test]
fn invalid_utf8_and_binary() {
    refused(
        b"services:\n  api:\n    image: \xff\xfe\n",
        "compose.yaml:3:",
    );
    refused(b"\x00\x01\x02services", "compose.yaml:1:1:");
}

#[test]
fn bad_app_config_toml() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("seaworthy.toml"),
        "[app_config]\npath = \"app.toml\"\nkey = \"gateway.health_port\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("app.toml"), "[gateway\nport = 1\n").unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM python:3.12-slim\nEXPOSE 8000\n",
    )
    .unwrap();
    let (code, stderr) = run(dir.path(), &["fix", "--yes"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("app.toml:1:"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("app.toml")).unwrap(),
        "[gateway\nport = 1\n"
    );
}
