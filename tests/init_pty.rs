//! The `init` wizard, answered in a pseudo-terminal the way a person
//! would: Enter takes every default, one answer changed, Esc leaves with
//! nothing written (exit 1), Ctrl-C too (exit 130).
//!
//! Every test runs the real binary on a temporary copy of a fixture.

#![cfg(unix)]

use std::fs;
use std::path::Path;
use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{spawn_command, PtySession};
use tempfile::TempDir;

mod common;

/// Long enough for a loaded machine; a prompt that never comes fails here.
const TIMEOUT_MS: u64 = 30_000;

/// The questions for the fastapi-postgres fixture, in order.
const QUESTIONS: &[&str] = &[
    "Start command",
    "Port it listens on",
    "Health route",
    "Worker processes",
    "Data services",
    "Service category",
    "Memory limit",
    "CPU limit",
    "Log level",
    "Probe style",
    "GitHub Actions workflow",
];

fn project() -> TempDir {
    let from = common::root().join("fixtures/init/fastapi-postgres");
    let dir = TempDir::new().unwrap();
    let mut stack = vec![(from, dir.path().to_path_buf())];
    while let Some((from, to)) = stack.pop() {
        fs::create_dir_all(&to).unwrap();
        for entry in fs::read_dir(&from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                stack.push((entry.path(), target));
            } else if entry.file_name() != "expected.toml" {
                fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    dir
}

fn init(dir: &Path) -> PtySession {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("seaworthy"));
    cmd.arg("init")
        .current_dir(dir)
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1");
    spawn_command(cmd, Some(TIMEOUT_MS)).expect("spawn in a pseudo-terminal")
}

fn finish(mut session: PtySession) -> (String, Option<i32>) {
    let rest = session.exp_eof().expect("the process ends");
    let code = match session.process().wait().expect("wait") {
        WaitStatus::Exited(_, code) => Some(code),
        _ => None,
    };
    (rest, code)
}

/// Waits for `question`, then types `keys`.
fn answer(session: &mut PtySession, question: &str, keys: &str) {
    session
        .exp_string(question)
        .unwrap_or_else(|e| panic!("{question}: {e}"));
    session.send(keys).unwrap();
    session.flush().unwrap();
}

fn written(dir: &Path) -> bool {
    [
        "Dockerfile",
        "compose.yaml",
        ".env.example",
        "seaworthy.toml",
    ]
    .iter()
    .any(|f| dir.join(f).exists())
}

#[test]
fn enter_takes_every_default_and_the_files_pass_check_strict() {
    let dir = project();
    let mut session = init(dir.path());
    session.exp_string("detected in").expect("the summary");
    session
        .exp_string("health      /health (app/main.py:9)")
        .expect("the route's evidence");
    for question in QUESTIONS {
        answer(&mut session, question, "\r");
    }
    answer(&mut session, "Write these changes to 5 file(s)?", "y\r");
    let (rest, code) = finish(session);
    assert_eq!(code, Some(0), "{rest}");
    assert!(rest.contains("wrote 5 file(s)"), "{rest}");
    let check = Command::new(assert_cmd::cargo::cargo_bin("seaworthy"))
        .args(["check", "--strict", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{check:?}");
}

#[test]
fn a_changed_answer_is_rendered() {
    let dir = project();
    let mut session = init(dir.path());
    answer(&mut session, QUESTIONS[0], "\r");
    // The port field holds 8000: erase it, type 9000.
    answer(&mut session, QUESTIONS[1], "\x7f\x7f\x7f\x7f9000\r");
    for question in &QUESTIONS[2..] {
        answer(&mut session, question, "\r");
    }
    answer(&mut session, "Write these changes", "y\r");
    let (rest, code) = finish(session);
    assert_eq!(code, Some(0), "{rest}");
    let dockerfile = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(dockerfile.contains("EXPOSE 9000\n"), "{dockerfile}");
}

#[test]
fn esc_leaves_with_nothing_written_and_exit_1() {
    let dir = project();
    let mut session = init(dir.path());
    answer(&mut session, QUESTIONS[0], "\r");
    answer(&mut session, QUESTIONS[1], "\x1b");
    let (rest, code) = finish(session);
    assert_eq!(code, Some(1), "{rest}");
    assert!(rest.contains("nothing written"), "{rest}");
    assert!(!written(dir.path()));
}

#[test]
fn ctrl_c_leaves_with_nothing_written_and_exit_130() {
    let dir = project();
    let mut session = init(dir.path());
    answer(&mut session, QUESTIONS[0], "\r");
    answer(&mut session, QUESTIONS[1], "\r");
    answer(&mut session, QUESTIONS[2], "\x03");
    let (rest, code) = finish(session);
    assert_eq!(code, Some(130), "{rest}");
    assert!(rest.contains("nothing written"), "{rest}");
    assert!(!written(dir.path()));
}

#[test]
fn ctrl_c_at_the_last_question_writes_nothing() {
    let dir = project();
    let mut session = init(dir.path());
    for question in QUESTIONS {
        answer(&mut session, question, "\r");
    }
    answer(&mut session, "Write these changes", "\x03");
    let (rest, code) = finish(session);
    assert_eq!(code, Some(130), "{rest}");
    assert!(!written(dir.path()));
}

#[test]
fn the_stack_is_asked_when_the_files_show_several() {
    let dir = project();
    fs::write(
        dir.path().join("package.json"),
        "{\"dependencies\": {\"express\": \"4\"}, \"scripts\": {\"start\": \"node server.js\"}}\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("server.js"),
        "const express = require('express');\nconst app = express();\napp.listen(3000);\n",
    )
    .unwrap();
    let mut session = init(dir.path());
    // python (requirements.txt) first, node second: down, Enter.
    answer(&mut session, "Stack", "\x1b[B\r");
    session
        .exp_string("stack       node (package.json exists)")
        .expect("the chosen stack");
    answer(&mut session, QUESTIONS[0], "\x1b");
    let (rest, code) = finish(session);
    assert_eq!(code, Some(1), "{rest}");
    assert!(!written(dir.path()));
}
