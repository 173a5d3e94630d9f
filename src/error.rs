//! The one error users see for bad input: `path:line:col: message`.

use std::fmt;
use std::path::{Path, PathBuf};

/// An input that cannot be processed; printed as `path:line:col: message`
/// and turned into exit code 2.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InputError {
    /// The file at fault.
    pub path: PathBuf,
    /// 1-based line (0: the error is about the path, not its text).
    pub line: usize,
    /// 1-based column (0 with line 0).
    pub col: usize,
    /// What is wrong, and where useful, what to do.
    pub message: String,
}

impl InputError {
    /// An error at a given line and column.
    pub fn at(path: &Path, line: usize, col: usize, message: impl Into<String>) -> InputError {
        InputError {
            path: path.to_path_buf(),
            line,
            col,
            message: message.into(),
        }
    }

    /// An error about the whole file, reported at 1:1.
    pub fn file(path: &Path, message: impl Into<String>) -> InputError {
        InputError::at(path, 1, 1, message)
    }

    /// An error about a path itself (it does not exist, it is a folder):
    /// no line or column, since there is no text to point into.
    pub fn path(path: &Path, message: impl Into<String>) -> InputError {
        InputError::at(path, 0, 0, message)
    }
}

impl InputError {
    /// Where it is, as `path:line:col` (or the path alone, for an error
    /// about the path itself): the start of a GNU-style message line.
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.path.display().to_string()
        } else {
            format!(
                "{}:{}:{}",
                crate::paths::display(&self.path),
                self.line,
                self.col
            )
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            // The path as the user wrote it (`nope/` keeps its slash).
            return write!(f, "{}: {}", self.path.display(), self.message);
        }
        write!(
            f,
            "{}:{}:{}: {}",
            crate::paths::display(&self.path),
            self.line,
            self.col,
            self.message
        )
    }
}

impl std::error::Error for InputError {}
