//! Asking before writing: only where the one who answers can have seen the
//! diff, and in the colours the rest of the output uses.

use std::io::IsTerminal;

use inquire::ui::RenderConfig;
use inquire::InquireError;

use super::show;

/// What the question got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Answer {
    /// Write.
    Yes,
    /// Do not write: a no, Esc, or a prompt that failed.
    No,
    /// Ctrl-C: do not write, and stop as an interrupted program does.
    Interrupted,
}

/// Why there can be no question, if there cannot: it needs a terminal to
/// answer on (stdin) and one the diff went to (stdout), else a pager or a
/// pipe could take the diff while the question is answered unseen.
pub(super) fn cannot_ask() -> Option<&'static str> {
    if !std::io::stdin().is_terminal() {
        Some("standard input is not a terminal")
    } else if !std::io::stdout().is_terminal() {
        Some("standard output is not a terminal, so the diff may not have been seen")
    } else if !std::io::stderr().is_terminal() {
        Some("standard error is not a terminal, so the question would not be seen")
    } else {
        None
    }
}

/// Asks `question` (default no) on the terminal; the prompt is drawn on
/// stderr, coloured only when the rest of stderr is (`--no-color`,
/// `NO_COLOR`).
pub(super) fn confirm(question: &str) -> Answer {
    let render = if show::colour(&std::io::stderr()) {
        RenderConfig::default_colored()
    } else {
        RenderConfig::empty()
    };
    match inquire::Confirm::new(question)
        .with_default(false)
        .with_render_config(render)
        .prompt()
    {
        Ok(true) => Answer::Yes,
        Err(InquireError::OperationInterrupted) => Answer::Interrupted,
        Ok(false) | Err(_) => Answer::No,
    }
}
