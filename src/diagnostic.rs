//! What a rule returns: a finding at a place in the current text, with the
//! fix that resolves it, or the reason there is none.

use crate::edit::Fix;
use crate::registry::{RuleMeta, Severity};
use crate::source::Span;

/// One finding of one rule in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule.
    pub rule: &'static RuleMeta,
    /// Where in the file (byte range) it points.
    pub span: Span,
    /// What was found and, with a fix, what the fix does and on what evidence.
    pub message: String,
    /// The edits that resolve it; `None` makes it a warning.
    pub fix: Option<Fix>,
    /// A severity below the rule's own for this finding (a check that is
    /// merely fragile, where the rule's other findings can only fail);
    /// `None`: the rule's.
    pub severity: Option<Severity>,
}

impl Diagnostic {
    /// A finding of `rule` at `span`, without a fix (a warning).
    pub fn new(rule: &'static RuleMeta, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            rule,
            span,
            message: message.into(),
            fix: None,
            severity: None,
        }
    }

    /// Sets the fix when there is one; otherwise says why not in the
    /// message (`…; not done: why`) and stays a warning. Every rule that
    /// may fail to place its fix goes through here (ruff's `try_set_fix`).
    pub fn with_fix(mut self, fix: Result<Fix, String>) -> Diagnostic {
        match fix {
            Ok(fix) => self.fix = Some(fix),
            Err(why) => {
                self.message = format!("{}; not done: {why}", self.message);
                self.fix = None;
            }
        }
        self
    }
}
