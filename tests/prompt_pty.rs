//! The question `fix` asks before writing, answered in a pseudo-terminal
//! the way a person would: y writes; n, Enter and Esc write nothing (exit
//! 1); Ctrl-C writes nothing (exit 130). It is asked only when stdin and
//! stdout are both terminals, and it has no colour when colour is off.
//!
//! Every test runs the real binary on a temporary copy of a fixture.

#![cfg(unix)]

use std::fs;
use std::path::Path;
use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{spawn_command, PtySession};
use tempfile::TempDir;

const PYTHON_SLIM: &[u8] = include_bytes!("../fixtures/dockerfile/python-slim/Dockerfile");
const QUESTION: &str = "Write these changes to 1 file(s)?";
/// Long enough for a loaded machine; a prompt that never comes fails here.
const TIMEOUT_MS: u64 = 30_000;

/// A temporary folder with the python-slim Dockerfile (which has drift).
fn project() -> TempDir {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("Dockerfile"), PYTHON_SLIM).unwrap();
    dir
}

/// `program ARGS...` in `dir` on a fresh pseudo-terminal (stdin, stdout and
/// stderr), with a colour-capable terminal and no colour settings.
fn spawn(program: &Path, args: &[&str], dir: &Path, env: &[(&str, &str)]) -> PtySession {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(dir)
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE");
    for (key, value) in env {
        cmd.env(key, value);
    }
    spawn_command(cmd, Some(TIMEOUT_MS)).expect("spawn in a pseudo-terminal")
}

/// `seaworthy ARGS...` on a pseudo-terminal.
fn seaworthy(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> PtySession {
    spawn(&assert_cmd::cargo::cargo_bin("seaworthy"), args, dir, env)
}

/// Reads the rest of the output, then returns it and the exit code (None
/// when a signal ended the process).
fn finish(mut session: PtySession) -> (String, Option<i32>) {
    let rest = session.exp_eof().expect("the process ends");
    let code = match session.process().wait().expect("wait") {
        WaitStatus::Exited(_, code) => Some(code),
        _ => None,
    };
    (rest, code)
}

fn dockerfile(dir: &Path) -> Vec<u8> {
    fs::read(dir.join("Dockerfile")).unwrap()
}

/// Asks, answers with `keys`, and returns what followed and the exit code.
fn answer(keys: &str, dir: &Path) -> (String, Option<i32>) {
    let mut session = seaworthy(&["fix"], dir, &[]);
    session.exp_string(QUESTION).expect("the question");
    session.send(keys).unwrap();
    session.flush().unwrap();
    finish(session)
}

#[test]
fn y_writes() {
    let dir = project();
    let (rest, code) = answer("y\r", dir.path());
    assert_eq!(code, Some(0), "{rest}");
    assert!(rest.contains("wrote 1 file(s)"), "{rest}");
    let after = String::from_utf8(dockerfile(dir.path())).unwrap();
    assert!(after.contains("HEALTHCHECK"), "{after}");
}

#[test]
fn n_writes_nothing() {
    let dir = project();
    let (rest, code) = answer("n\r", dir.path());
    assert_eq!(code, Some(1), "{rest}");
    assert!(rest.contains("nothing written"), "{rest}");
    assert_eq!(dockerfile(dir.path()), PYTHON_SLIM);
}

#[test]
fn enter_alone_takes_the_default_no() {
    let dir = project();
    let (rest, code) = answer("\r", dir.path());
    assert_eq!(code, Some(1), "{rest}");
    assert_eq!(dockerfile(dir.path()), PYTHON_SLIM);
}

#[test]
fn esc_writes_nothing_and_exits_1() {
    let dir = project();
    let (rest, code) = answer("\x1b", dir.path());
    assert_eq!(code, Some(1), "{rest}");
    assert!(rest.contains("nothing written"), "{rest}");
    assert_eq!(dockerfile(dir.path()), PYTHON_SLIM);
}

#[test]
fn ctrl_c_writes_nothing_and_exits_130() {
    let dir = project();
    let (rest, code) = answer("\x03", dir.path());
    assert_eq!(code, Some(130), "{rest}");
    assert!(rest.contains("nothing written"), "{rest}");
    assert_eq!(dockerfile(dir.path()), PYTHON_SLIM);
}

#[test]
fn the_single_file_command_asks_the_same_way() {
    let dir = project();
    let mut session = seaworthy(
        &["fix-dockerfile-healthcheck", "Dockerfile"],
        dir.path(),
        &[],
    );
    session.exp_string(QUESTION).expect("the question");
    session.send("\x03").unwrap();
    session.flush().unwrap();
    let (rest, code) = finish(session);
    assert_eq!(code, Some(130), "{rest}");
    assert_eq!(dockerfile(dir.path()), PYTHON_SLIM);
}

#[test]
fn no_question_when_stdout_is_a_pipe() {
    // stdin is the terminal, stdout goes through `cat` (as to a pager): the
    // diff may never be seen, so fix does what it does without a terminal.
    let dir = project();
    let script = r#"{ "$0" fix; echo "seaworthy exited $?" >&2; } | cat"#;
    let binary = assert_cmd::cargo::cargo_bin("seaworthy");
    let mut session = spawn(
        Path::new("sh"),
        &["-c", script, binary.to_str().unwrap()],
        dir.path(),
        &[("NO_COLOR", "1")],
    );
    let before = session
        .exp_string("seaworthy exited ")
        .expect("fix ends without waiting for an answer");
    let (rest, code) = finish(session);
    assert_eq!(code, Some(0), "{rest}");
    assert!(rest.starts_with('2'), "exit code {rest}");
    // The diff passes through `cat`, a second process, so it may reach the
    // terminal after the shell's line on stderr: read the whole transcript.
    let whole = format!("{before}{rest}");
    assert!(!whole.contains("Write these changes"), "{whole}");
    assert!(before.contains("--yes"), "{before}");
    assert!(whole.contains("--- a/Dockerfile"), "the diff: {whole}");
    assert_eq!(dockerfile(dir.path()), PYTHON_SLIM);
}

/// Whether `text` holds an SGR sequence (ESC `[` … `m`), which is how
/// terminals are told colours and attributes; cursor movements end in
/// other letters.
fn has_sgr(text: &str) -> bool {
    text.split('\x1b').skip(1).any(|rest| {
        rest.strip_prefix('[').is_some_and(|params| {
            let end = params.find(|c: char| !(c.is_ascii_digit() || c == ';'));
            end.is_some_and(|i| params[i..].starts_with('m'))
        })
    })
}

/// Everything written up to and including the question's line, then a no.
fn transcript_to_question(args: &[&str], env: &[(&str, &str)]) -> String {
    let dir = project();
    let mut session = seaworthy(args, dir.path(), env);
    let mut seen = session.exp_string(QUESTION).expect("the question");
    // the rest of the question's line (the hint, drawn after the text)
    seen.push_str(QUESTION);
    seen.push_str(&session.exp_string("y/N").expect("the hint"));
    session.send("n\r").unwrap();
    session.flush().unwrap();
    let (rest, code) = finish(session);
    assert_eq!(code, Some(1), "{rest}");
    assert_eq!(dockerfile(dir.path()), PYTHON_SLIM);
    seen
}

#[test]
fn the_question_is_coloured_on_a_colour_terminal() {
    // the control for the two tests below: colour is visible here
    let seen = transcript_to_question(&["fix"], &[]);
    let question_line = &seen[seen.rfind("\n").map_or(0, |i| i + 1)..];
    assert!(has_sgr(question_line), "{question_line:?}");
}

#[test]
fn no_color_reaches_the_question() {
    let seen = transcript_to_question(&["fix", "--no-color"], &[]);
    assert!(!has_sgr(&seen), "{seen:?}");
}

#[test]
fn no_color_variable_reaches_the_question() {
    let seen = transcript_to_question(&["fix"], &[("NO_COLOR", "1")]);
    assert!(!has_sgr(&seen), "{seen:?}");
}
