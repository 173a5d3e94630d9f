//! Asking before writing: only where the one who answers can have seen the
//! diff.

use std::io::IsTerminal;

/// Why there can be no question, if there cannot: it needs a terminal to
/// answer on (stdin) and one the diff went to (stdout), else a pager or a
/// pipe could take the diff while the question is answered unseen.
pub(super) fn cannot_ask() -> Option<&'static str> {
    if !std::io::stdin().is_terminal() {
        Some("standard input is not a terminal")
    } else if !std::io::stdout().is_terminal() {
        Some("standard output is not a terminal, so the diff may not have been seen")
    } else {
        None
    }
}

/// Asks `question` (default no) on the terminal; true for a yes.
pub(super) fn confirm(question: &str) -> bool {
    matches!(
        inquire::Confirm::new(question).with_default(false).prompt(),
        Ok(true)
    )
}
