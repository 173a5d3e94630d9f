//! The plan: every file's before and after, with its findings. Every command
//! ends in a plan; the diff renderer, the report and the writer read it. A
//! file that does not exist yet is a change too (`before: None`).

use std::path::PathBuf;

use crate::edit::{Applicability, Fix};
use crate::error::InputError;
use crate::registry::{RuleMeta, Severity};

/// What happened to a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Its fix is part of the output.
    Fixed,
    /// It has an unsafe fix that was not applied (`--unsafe-fixes` applies it).
    UnsafeFix,
    /// It has no fix: a warning.
    Warning,
}

/// A place in the original file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (bytes).
    pub col: usize,
    /// 0-based byte offset.
    pub byte: usize,
}

/// A finding as reported to the user and to machine formats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule.
    pub rule: &'static RuleMeta,
    /// Error or warning (a finding with no fix applied or offered is a warning).
    pub severity: Severity,
    /// Where it starts in the original file.
    pub start: Position,
    /// Where it ends in the original file.
    pub end: Position,
    /// What was found and what the fix does.
    pub message: String,
    /// Fixed, unsafe or warning.
    pub status: Status,
    /// The fix (safe or unsafe), if any, and the pass that computed it:
    /// pass 0's edits are offsets into the original file; a later pass's
    /// are offsets into the text the passes before it made.
    pub fix: Option<(usize, Fix)>,
}

impl Finding {
    /// The rule's ID.
    pub fn code(&self) -> &'static str {
        self.rule.code
    }

    /// How its fix applies: `None` when it has none.
    pub fn applicability(&self) -> Option<Applicability> {
        self.fix.as_ref().map(|(_, f)| f.applicability)
    }
}

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
    /// Hidden folders the walk passed over (listed with `--verbose`).
    pub hidden: Vec<PathBuf>,
    /// Files passed over, and why (a walked `Dockerfile.fix` that holds no
    /// instruction): said, never an error.
    pub notes: Vec<InputError>,
    /// The `seaworthy.toml` that applies to each file read (none: the
    /// defaults), listed with `--verbose`.
    pub settings_of: std::collections::BTreeMap<PathBuf, PathBuf>,
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
