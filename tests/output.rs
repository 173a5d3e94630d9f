//! What the binary does when its output cannot be written: a reader that
//! went away (`seaworthy rules | head -1`) ends the run quietly with exit 0,
//! like ripgrep; any other error writing stdout is an error (exit 2); a
//! closed stderr never makes it panic.
//!
//! A pipe whose reader is gone is made deterministically: a child that
//! exits at once without reading (`seaworthy --version`) gets a piped
//! stdin, and once it has exited, the write end of that pipe (its
//! `ChildStdin`) has no reader left.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

const PYTHON_SLIM: &[u8] = include_bytes!("../fixtures/dockerfile/python-slim/Dockerfile");

/// The write end of a pipe whose read end is closed.
fn closed_pipe() -> Stdio {
    let mut reader = Command::new(binary())
        .arg("--version")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("run `seaworthy --version`");
    let write_end = reader.stdin.take().expect("piped stdin");
    reader.wait().expect("wait for `seaworthy --version`");
    Stdio::from(write_end)
}

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("seaworthy")
}

/// A temporary folder with the python-slim Dockerfile (which has drift).
fn project() -> TempDir {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("Dockerfile"), PYTHON_SLIM).unwrap();
    dir
}

/// `seaworthy ARGS...` in `dir` with colour off and stdin empty.
fn seaworthy(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(binary());
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null());
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs with stdout a pipe nobody reads; returns the exit code and stderr.
fn with_closed_stdout(dir: &Path, args: &[&str]) -> Output {
    seaworthy(dir, args)
        .stdout(closed_pipe())
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn a_closed_stdout_ends_every_printing_command_quietly() {
    for args in [
        &["rules"][..],
        &["rules", "SW101"],
        &["check"],
        &["check", "--strict", "."],
        &["fix", "--dry-run"],
        &["fix"],
        &["fix-dockerfile-healthcheck", "Dockerfile", "--dry-run"],
    ] {
        let dir = project();
        let out = with_closed_stdout(dir.path(), args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?} was not quiet: {stderr}");
        assert_eq!(
            fs::read(dir.path().join("Dockerfile")).unwrap(),
            PYTHON_SLIM,
            "{args:?}"
        );
    }
}

#[test]
fn a_closed_stdout_means_fix_yes_writes_nothing() {
    // The diff could not be shown, so nothing is written: the run ends
    // where the output did.
    for args in [
        &["fix", "--yes"][..],
        &["fix-dockerfile-healthcheck", "Dockerfile", "--yes"],
    ] {
        let dir = project();
        let out = with_closed_stdout(dir.path(), args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
        assert_eq!(
            fs::read(dir.path().join("Dockerfile")).unwrap(),
            PYTHON_SLIM
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

#[test]
fn a_closed_stderr_never_panics() {
    // `seaworthy check 2>&1 | head -1` can close stderr after the diff went
    // through: the exit code stays the command's own.
    for (args, code) in [
        (&["check"][..], 1),
        (&["rules", "SW999"], 2),
        (&["fix"], 2),
        (&["fix", "--dry-run"], 0),
    ] {
        let dir = project();
        let out = seaworthy(dir.path(), args)
            .stdout(Stdio::piped())
            .stderr(closed_pipe())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_stdout_is_an_error() {
    let dir = project();
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    for args in [&["check"][..], &["rules"], &["fix", "--yes"]] {
        let out = seaworthy(dir.path(), args)
            .stdout(full.try_clone().unwrap())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("standard output"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(
            fs::read(dir.path().join("Dockerfile")).unwrap(),
            PYTHON_SLIM
        );
    }
}
