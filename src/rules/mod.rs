//! The rule catalogue. A rule reads a document and a policy and returns
//! diagnostics, each with an optional fix; rules never print or write.

pub mod appconfig;
pub mod compose;
pub mod dockerfile;

use crate::edit::Fix;
use crate::source::Span;

/// What a rule is, for `seaworthy rules` and for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable ID (`SW101`).
    pub code: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    /// Which files it reads.
    pub target: &'static str,
    /// One line: what it finds.
    pub summary: &'static str,
    /// The user documentation: what it does, why, example, fix safety.
    pub doc: &'static str,
}

/// One finding of one rule in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule's ID.
    pub rule: &'static str,
    /// Where in the file (byte range) it points.
    pub span: Span,
    /// What was found and, with a fix, what the fix does and on what evidence.
    pub message: String,
    /// The edits that resolve it; `None` makes it a warning.
    pub fix: Option<Fix>,
}

/// Whether `code` is selected by `pattern` (an ID or a prefix like `SW1`;
/// `ALL` selects every rule).
pub fn matches(code: &str, pattern: &str) -> bool {
    let pattern = pattern.trim().to_ascii_uppercase();
    pattern == "ALL" || code.starts_with(&pattern)
}

/// Checks a `--select`/`--ignore` pattern: `ALL`, or an ID or prefix of at
/// least one rule (a typo must not turn a check off silently).
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    let upper = pattern.trim().to_ascii_uppercase();
    if upper == "ALL"
        || (upper.starts_with("SW") && all().iter().any(|r| r.code.starts_with(&upper)))
    {
        return Ok(());
    }
    Err(format!(
        "`{pattern}` is not a rule ID or prefix (`seaworthy rules` lists them)"
    ))
}

/// Every rule, in ID order.
pub fn all() -> Vec<RuleMeta> {
    dockerfile::RULES
        .iter()
        .map(|(meta, _)| *meta)
        .chain(compose::RULES.iter().map(|(meta, _, _)| *meta))
        .chain(appconfig::RULES.iter().copied())
        .collect()
}

/// The rule with ID `code` (case-insensitive).
pub fn find(code: &str) -> Option<RuleMeta> {
    all()
        .into_iter()
        .find(|m| m.code.eq_ignore_ascii_case(code))
}

/// Codes named by a `# seaworthy: ignore[SW101, SW104]` comment; an empty
/// list (`# seaworthy: ignore`) means every rule.
pub fn ignore_comment(text: &str) -> Option<Vec<String>> {
    let rest = text.trim().strip_prefix("seaworthy:")?.trim_start();
    let rest = rest.strip_prefix("ignore")?;
    if rest.trim().is_empty() {
        return Some(Vec::new());
    }
    let inner = rest.trim().strip_prefix('[')?.split(']').next()?;
    Some(
        inner
            .split(',')
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_select() {
        assert!(matches("SW101", "SW1"));
        assert!(matches("SW101", "sw101"));
        assert!(matches("SW101", "ALL"));
        assert!(!matches("SW201", "SW1"));
    }

    #[test]
    fn patterns_are_checked() {
        for ok in ["SW1", "sw101", "ALL", "SW", "SW20"] {
            assert!(check_pattern(ok).is_ok(), "{ok}");
        }
        for bad in ["SW2O1", "SW999", "E501", ""] {
            assert!(check_pattern(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_ignore_comments() {
        assert_eq!(
            ignore_comment("seaworthy: ignore[SW101, sw104]"),
            Some(vec!["SW101".into(), "SW104".into()])
        );
        assert_eq!(ignore_comment("seaworthy: ignore"), Some(vec![]));
        assert_eq!(ignore_comment("just a comment"), None);
    }

    #[test]
    fn every_rule_is_documented() {
        for rule in all() {
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Fix safety",
            ] {
                assert!(rule.doc.contains(section), "{} lacks {section}", rule.code);
            }
        }
    }
}
