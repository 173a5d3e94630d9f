//! The plan: every file's before and after, with its findings. Every command
//! ends in a plan; the diff renderer, the report and the writer read it. A
//! file that does not exist yet is a change too (`before: None`).

use std::path::PathBuf;

use crate::engine::{Finding, Status};
use crate::error::InputError;

/// One file: what it was, what it would become, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// The file.
    pub path: PathBuf,
    /// Its bytes as read; `None` for a file the plan creates.
    pub before: Option<Vec<u8>>,
    /// Its bytes after every applicable fix.
    pub after: Vec<u8>,
    /// What the rules found.
    pub findings: Vec<Finding>,
}

impl FileChange {
    /// Whether writing would change the file (a new file always does).
    pub fn changes(&self) -> bool {
        self.before.as_deref() != Some(self.after.as_slice())
    }

    /// Its bytes as read (empty for a file the plan creates).
    pub fn before_bytes(&self) -> &[u8] {
        self.before.as_deref().unwrap_or_default()
    }

    /// Whether the plan creates this file.
    pub fn creates(&self) -> bool {
        self.before.is_none()
    }
}

/// Every file's change plus the inputs that could not be processed.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files read, in path order.
    pub files: Vec<FileChange>,
    /// Bad inputs (exit code 2).
    pub errors: Vec<InputError>,
}

impl Plan {
    /// Files that would change.
    pub fn changed(&self) -> impl Iterator<Item = &FileChange> {
        self.files.iter().filter(|f| f.changes())
    }

    /// Findings of every file with their path.
    pub fn findings(&self) -> impl Iterator<Item = (&FileChange, &Finding)> {
        self.files
            .iter()
            .flat_map(|f| f.findings.iter().map(move |x| (f, x)))
    }

    /// Whether any finding is a warning (no fix, or an unsafe fix not applied).
    pub fn has_warnings(&self) -> bool {
        self.findings().any(|(_, f)| f.status != Status::Fixed)
    }
}
