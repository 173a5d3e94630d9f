//! The `init` wizard, answered in a pseudo-terminal the way a person
//! would: Enter takes every default, one answer changed, Esc leaves with
//! nothing written (exit 1), Ctrl-C too (exit 130), and a project of no
//! stack it knows gets a skeleton once the person says yes.
//!
//! Every test runs the real binary on a temporary copy of a fixture, on a
//! terminal of a fixed size, and keeps what the person sees as snapshots:
//! the output is drawn by a terminal emulator (`vt100`), so a snapshot is
//! the screen's text, not the escape codes that drew it.

#![cfg(unix)]

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{spawn_command, PtySession};
use tempfile::TempDir;

mod common;

/// Long enough for a loaded machine; a prompt that never comes fails here.
const TIMEOUT_MS: u64 = 30_000;

/// The terminal's size, set before the program starts: every line wraps
/// at the same column on every run.
const ROWS: u16 = 40;
const COLS: u16 = 100;

/// What inquire writes last when it has drawn a frame (crossterm's
/// `cursor::Show`): a question's screen is complete once it comes.
const FRAME_END: &str = "\x1b[?25h";

/// The questions for the fastapi-postgres fixture, in order, with the name
/// of each one's snapshot.
const QUESTIONS: &[(&str, &str)] = &[
    ("Start command", "start_command"),
    ("Port it listens on", "port"),
    ("Health route", "health_route"),
    ("Worker processes", "workers"),
    ("Data services", "data_services"),
    ("Service category", "category"),
    ("Memory limit", "memory"),
    ("CPU limit", "cpus"),
    ("Log level", "log_level"),
    ("Probe style", "probe_style"),
    ("GitHub Actions workflow", "ci_workflow"),
];

/// The confirmation `init` ends with.
const CONFIRM: &str = "Write these changes to 5 file(s)?";

/// The question for a project of no stack init knows.
const SKELETON: &str = "Write a Dockerfile skeleton";

/// The questions for a skeleton after its start command and port (no
/// workers or health endpoint to offer).
const SKELETON_QUESTIONS: &[&str] = &[
    "Health route",
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

/// `seaworthy init` running in a pseudo-terminal, and the screen a person
/// would see: everything read from it so far, drawn by a terminal emulator.
struct Wizard {
    session: PtySession,
    terminal: vt100::Parser,
    /// The project's folder, as a snapshot names it: `[project]`.
    dir: String,
}

impl Wizard {
    /// Starts `seaworthy init` in `dir` on a terminal of [`ROWS`] × [`COLS`].
    fn start(dir: &Path) -> Wizard {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("seaworthy"));
        cmd.arg("init")
            .current_dir(dir)
            .env("TERM", "xterm-256color")
            .env("NO_COLOR", "1");
        // SAFETY: the hook runs in the child between fork and exec, where
        // rexpect has made the pseudo-terminal its stdin; it calls ioctl
        // only, which is async-signal-safe.
        unsafe {
            cmd.pre_exec(|| {
                let size = libc::winsize {
                    ws_row: ROWS,
                    ws_col: COLS,
                    ws_xpixel: 0,
                    ws_ypixel: 0,
                };
                if libc::ioctl(0, libc::TIOCSWINSZ, &size) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let session = spawn_command(cmd, Some(TIMEOUT_MS)).expect("spawn in a pseudo-terminal");
        let size = |n: u16| std::num::NonZeroU16::new(n).unwrap();
        Wizard {
            session,
            terminal: vt100::Parser::new(size(ROWS), size(COLS), 0),
            dir: dir.display().to_string(),
        }
    }

    /// Draws what was read (rexpect hands over each byte as one char).
    fn draw(&mut self, text: &str) {
        let bytes: Vec<u8> = text.chars().map(|c| c as u8).collect();
        self.terminal.process(&bytes);
    }

    /// Reads up to and including `text`.
    fn read_to(&mut self, text: &str) {
        let before = self
            .session
            .exp_string(text)
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
        self.draw(&before);
        self.draw(text);
    }

    /// Waits until `text` is drawn in full (the frame that draws it ends),
    /// and returns the screen.
    fn shown(&mut self, text: &str) -> String {
        self.read_to(text);
        self.read_to(FRAME_END);
        self.screen()
    }

    /// Types `keys`.
    fn send(&mut self, keys: &str) {
        self.session.send(keys).unwrap();
        self.session.flush().unwrap();
    }

    /// Waits for `question`, then types `keys`.
    fn answer(&mut self, question: &str, keys: &str) {
        self.shown(question);
        self.send(keys);
    }

    /// The screen as text: one line a row, without trailing blanks, and
    /// the project's temporary folder written `[project]`.
    fn screen(&self) -> String {
        let rows: Vec<String> = self
            .terminal
            .screen()
            .rows(0, COLS)
            .map(|row| row.trim_end().to_string())
            .collect();
        rows.join("\n").trim_end().replace(&self.dir, "[project]")
    }

    /// Reads the rest, and returns the final screen and the exit code.
    fn finish(mut self) -> (String, Option<i32>) {
        let rest = self.session.exp_eof().expect("the process ends");
        self.draw(&rest);
        let code = match self.session.process().wait().expect("wait") {
            WaitStatus::Exited(_, code) => Some(code),
            _ => None,
        };
        (self.screen(), code)
    }
}

/// A project of no stack init knows: a C program.
fn unknown_project() -> TempDir {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("main.c"), "int main(void) { return 0; }\n").unwrap();
    dir
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
    let mut wizard = Wizard::start(dir.path());
    for (number, (question, name)) in QUESTIONS.iter().enumerate() {
        let screen = wizard.shown(question);
        if number == 0 {
            assert!(screen.contains("detected in ."), "the summary: {screen}");
            assert!(
                screen.contains("health      /health (app/main.py:9)"),
                "the route's evidence: {screen}"
            );
        }
        insta::assert_snapshot!(format!("defaults_{:02}_{name}", number + 1), screen);
        wizard.send("\r");
    }
    insta::assert_snapshot!("defaults_12_confirm", wizard.shown(CONFIRM));
    wizard.send("y\r");
    let (screen, code) = wizard.finish();
    assert_eq!(code, Some(0), "{screen}");
    assert!(screen.contains("wrote 5 file(s)"), "{screen}");
    insta::assert_snapshot!("defaults_13_written", screen);
    passes_check_strict(dir.path());
}

#[test]
fn a_changed_answer_is_rendered() {
    let dir = project();
    let mut wizard = Wizard::start(dir.path());
    wizard.answer(QUESTIONS[0].0, "\r");
    // The port field holds 8000: erase it, type 9000.
    wizard.answer(QUESTIONS[1].0, "\x7f\x7f\x7f\x7f9000\r");
    for (question, _) in &QUESTIONS[2..] {
        wizard.answer(question, "\r");
    }
    wizard.answer(CONFIRM, "y\r");
    let (screen, code) = wizard.finish();
    assert_eq!(code, Some(0), "{screen}");
    insta::assert_snapshot!("changed_port_written", screen);
    let dockerfile = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(dockerfile.contains("EXPOSE 9000\n"), "{dockerfile}");
}

#[test]
fn esc_leaves_with_nothing_written_and_exit_1() {
    let dir = project();
    let mut wizard = Wizard::start(dir.path());
    wizard.answer(QUESTIONS[0].0, "\r");
    wizard.answer(QUESTIONS[1].0, "\x1b");
    let (screen, code) = wizard.finish();
    assert_eq!(code, Some(1), "{screen}");
    assert!(screen.contains("nothing written"), "{screen}");
    insta::assert_snapshot!("esc_at_the_port", screen);
    assert!(!written(dir.path()));
}

#[test]
fn ctrl_c_leaves_with_nothing_written_and_exit_130() {
    let dir = project();
    let mut wizard = Wizard::start(dir.path());
    wizard.answer(QUESTIONS[0].0, "\r");
    wizard.answer(QUESTIONS[1].0, "\r");
    wizard.answer(QUESTIONS[2].0, "\x03");
    let (screen, code) = wizard.finish();
    assert_eq!(code, Some(130), "{screen}");
    assert!(screen.contains("nothing written"), "{screen}");
    insta::assert_snapshot!("ctrl_c_at_the_health_route", screen);
    assert!(!written(dir.path()));
}

#[test]
fn ctrl_c_at_the_last_question_writes_nothing() {
    let dir = project();
    let mut wizard = Wizard::start(dir.path());
    for (question, _) in QUESTIONS {
        wizard.answer(question, "\r");
    }
    wizard.answer(CONFIRM, "\x03");
    let (screen, code) = wizard.finish();
    assert_eq!(code, Some(130), "{screen}");
    insta::assert_snapshot!("ctrl_c_at_the_confirmation", screen);
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
    let mut wizard = Wizard::start(dir.path());
    insta::assert_snapshot!("stack_question", wizard.shown("Stack"));
    // python (requirements.txt) first, node second: down, Enter.
    wizard.send("\x1b[B\r");
    let screen = wizard.shown(QUESTIONS[0].0);
    assert!(
        screen.contains("stack       node (package.json exists)"),
        "the chosen stack: {screen}"
    );
    wizard.send("\x1b");
    let (screen, code) = wizard.finish();
    assert_eq!(code, Some(1), "{screen}");
    insta::assert_snapshot!("stack_chosen_then_esc", screen);
    assert!(!written(dir.path()));
}

#[test]
fn a_project_init_does_not_know_gets_a_skeleton_to_complete() {
    let dir = unknown_project();
    let mut wizard = Wizard::start(dir.path());
    insta::assert_snapshot!("skeleton_question", wizard.shown(SKELETON));
    wizard.send("\r");
    // No start command was found: Enter alone is refused.
    insta::assert_snapshot!("skeleton_start_command", wizard.shown("Start command"));
    wizard.send("\r");
    insta::assert_snapshot!(
        "skeleton_start_command_needed",
        wizard.shown("a command is needed")
    );
    wizard.send("/app/server --port 7000\r");
    wizard.answer("Port it listens on", "\r");
    for question in SKELETON_QUESTIONS {
        wizard.answer(question, "\r");
    }
    wizard.answer(CONFIRM, "y\r");
    let (screen, code) = wizard.finish();
    assert_eq!(code, Some(0), "{screen}");
    insta::assert_snapshot!("skeleton_written", screen);
    let dockerfile = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(
        dockerfile.contains("EXPOSE 7000\n") && dockerfile.contains("HEALTHCHECK NONE\n"),
        "{dockerfile}"
    );
    passes_check_strict(dir.path());
}

#[test]
fn declining_the_skeleton_writes_nothing_and_exits_1() {
    let dir = unknown_project();
    let mut wizard = Wizard::start(dir.path());
    wizard.answer(SKELETON, "n\r");
    let (screen, code) = wizard.finish();
    assert_eq!(code, Some(1), "{screen}");
    assert!(screen.contains("nothing written"), "{screen}");
    assert!(!written(dir.path()));
}

/// `seaworthy check --strict` finds nothing to do in `dir`.
fn passes_check_strict(dir: &Path) {
    let check = Command::new(assert_cmd::cargo::cargo_bin("seaworthy"))
        .args(["check", "--strict", "."])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{check:?}");
}
