//! The rule catalogue. Every family has one shape: a context type (what its
//! rules read about one file, built once per pass) and a `RULES` table of
//! [`Rule`]s, each a [`RuleMeta`] and a check `fn(&Ctx) -> Vec<Diagnostic>`.
//! Rules read; they never print, write, or decide whether they run: the
//! engine selects, suppresses, applies and guards.

pub mod appconfig;
pub mod compose;
pub mod dockerfile;

use crate::registry::RuleMeta;

/// One rule of a family: what it is, and its check (`F` is the family's
/// `fn(&Ctx) -> Vec<Diagnostic>`).
#[derive(Debug, Clone, Copy)]
pub struct Rule<F> {
    /// Identity, documentation and what its fix may touch.
    pub meta: &'static RuleMeta,
    /// The check.
    pub check: F,
}

/// Every rule, in ID order.
pub fn all() -> Vec<&'static RuleMeta> {
    dockerfile::RULES
        .iter()
        .map(|r| r.meta)
        .chain(compose::RULES.iter().map(|r| r.meta))
        .chain(appconfig::RULES.iter().map(|r| r.meta))
        .collect()
}

/// The rule with ID `code` (case-insensitive).
pub fn find(code: &str) -> Option<&'static RuleMeta> {
    all()
        .into_iter()
        .find(|m| m.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_lists_every_rule() {
        let codes: Vec<&str> = all().iter().map(|m| m.code).collect();
        assert_eq!(codes, crate::registry::CODES);
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
            assert!(!rule.fix_title.is_empty(), "{} has no fix title", rule.code);
        }
    }
}
