//! The one fix loop, shared by every kind of file: parse, run the enabled
//! rules, drop what an ignore silences, apply the fixes that do not
//! conflict, guard the result, and repeat on the new text until nothing
//! changes (as ruff does), so each rule sees the others' work. Findings are
//! reported at their place in the original file.
//!
//! A kind of file plugs in as a [`Driver`]: how to parse it, how to run its
//! rule family on a parse, and what a pass may change ([`Driver::guard`]).
//! The planner ([`planner`]) runs the drivers over a project.

pub mod appconfig;
pub mod compose;
pub mod dockerfile;
pub mod planner;
pub mod suppression;

use crate::diagnostic::Diagnostic;
use crate::edit::{self, Applicability, Edit, Written};
use crate::error::InputError;
use crate::plan::{Finding, Position, Status};
use crate::registry::{Severity, Suppressions};
use crate::rules::Rule;
use crate::settings::policy::Policy;
use crate::source::Source;

/// Passes after which a file that keeps changing is a bug, not a fix.
const MAX_PASSES: usize = 16;

/// The result for one file: the fixed text and the findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The text after every applicable fix.
    pub after: Vec<u8>,
    /// Findings, in file order.
    pub findings: Vec<Finding>,
}

/// One kind of file, as the fix loop sees it.
pub trait Driver {
    /// The parsed document.
    type Parsed;

    /// Parses the current text (an error names line and column).
    fn parse(&self, source: &Source) -> Result<Self::Parsed, InputError>;

    /// The diagnostics of the family's rules on `parsed`: only the rules
    /// the policy enables, minus what an ignore silences (see [`run`]).
    /// `written` is the text earlier passes of this run wrote.
    fn check(&self, parsed: &Self::Parsed, written: &Written) -> Vec<Diagnostic>;

    /// May refuse a pass (before, after, the diagnostics whose fixes were
    /// applied) with a reason; by default every pass that parses is fine.
    fn guard(
        &self,
        _before: &Self::Parsed,
        _after: &Self::Parsed,
        _applied: &[&Diagnostic],
    ) -> Result<(), String> {
        Ok(())
    }
}

/// Runs `rules` that `policy` enables with `call`, and keeps the diagnostics
/// `suppressions` do not silence: the one place rules are selected and
/// silenced, whatever the family.
pub fn run<F>(
    rules: &[Rule<F>],
    policy: &Policy,
    suppressions: &Suppressions,
    call: impl Fn(&F) -> Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    rules
        .iter()
        .filter(|rule| policy.enabled(rule.meta.code))
        .flat_map(|rule| call(&rule.check))
        .filter(|d| !suppressions.silences(d.rule.code, d.span.start))
        .collect()
}

/// Runs `driver`'s rules on `source`, whose parse is `parsed` (a caller
/// that already parsed the file for other files' sake passes that parse,
/// so no file is parsed twice), until a fixed point; also hands back the
/// parse of the final text (other files' rules may read it).
///
/// When the guard refuses a pass, each of its fixes is tried alone: one the
/// guard refuses on its own is set aside for the rest of the run and
/// reported as a warning saying why (its service keeps its meaning), and
/// the others are applied. Only a refusal no single fix explains refuses
/// the file.
pub fn fix_to_fixed_point<D: Driver>(
    source: &Source,
    parsed: D::Parsed,
    driver: &D,
    unsafe_fixes: bool,
) -> Result<(Outcome, D::Parsed), InputError> {
    let original = &source.bytes;
    let lines = crate::source::LineIndex::new(original);
    let mut current = source.clone();
    let mut parsed = parsed;
    // Each pass's edits, ready to map a finding's offset back to the text
    // before that pass.
    let mut history: Vec<edit::BackMap> = Vec::new();
    let mut findings = Vec::new();
    let mut written = Written::default();
    // Fixes the guard refused on their own: (rule, message, why).
    let mut set_aside: Vec<(&'static str, String, String)> = Vec::new();
    let refuse = |reason: String| {
        InputError::file(
            &source.path,
            format!("refusing to change this file: {reason}"),
        )
    };
    let reparse = |bytes: Vec<u8>| {
        let next = Source::new(&source.path, bytes);
        driver
            .parse(&next)
            .map(|parsed| (next, parsed))
            .map_err(|e| {
                format!(
                    "the edited file would not parse ({}:{}: {}); this is a bug in seaworthy",
                    e.line, e.col, e.message
                )
            })
    };
    for pass in 0..MAX_PASSES {
        let diagnostics = driver.check(&parsed, &written);
        let map_back = |offset: usize| history.iter().rev().fold(offset, |at, edits| edits.map(at));
        let position = |offset: usize| {
            let (line, col) = lines.line_col(original, offset);
            Position {
                line,
                col,
                byte: offset,
            }
        };
        let report = |d: &Diagnostic, status: Status, findings: &mut Vec<Finding>| {
            let start = map_back(d.span.start);
            let end = map_back(d.span.end).max(start);
            findings.push(Finding {
                rule: d.rule,
                severity: match status {
                    Status::Warning => Severity::Warning,
                    _ => d.severity.unwrap_or(d.rule.severity),
                },
                start: position(start),
                end: position(end),
                message: d.message.clone(),
                status,
                fix: d.fix.clone().map(|f| (pass, f)),
            });
        };
        // Accept, apply and guard; a fix the guard refuses alone is set
        // aside and the rest tried again.
        let (accepted, edits, next, next_parsed) = loop {
            let mut accepted: Vec<&Diagnostic> = Vec::new();
            let mut accepted_fixes = edit::Accepted::new();
            for d in &diagnostics {
                let Some(fix) = &d.fix else { continue };
                let allowed = fix.applicability == Applicability::Safe || unsafe_fixes;
                if allowed
                    && why_set_aside(&set_aside, d).is_none()
                    && !accepted_fixes.conflicts(fix)
                {
                    accepted_fixes.push(fix);
                    accepted.push(d);
                }
            }
            if accepted.is_empty() {
                for d in &diagnostics {
                    match why_set_aside(&set_aside, d) {
                        Some(why) => {
                            let d = Diagnostic {
                                message: format!(
                                    "{}; not done: it would change what the file means ({why})",
                                    d.message
                                ),
                                fix: None,
                                ..d.clone()
                            };
                            report(&d, Status::Warning, &mut findings);
                        }
                        None if d.fix.is_some() => report(d, Status::UnsafeFix, &mut findings),
                        None => report(d, Status::Warning, &mut findings),
                    }
                }
                findings.sort_by(|a, b| {
                    (a.start.line, a.start.col, a.rule.code).cmp(&(
                        b.start.line,
                        b.start.col,
                        b.rule.code,
                    ))
                });
                return Ok((
                    Outcome {
                        after: current.bytes,
                        findings,
                    },
                    parsed,
                ));
            }
            let edits: Vec<Edit> = accepted
                .iter()
                .flat_map(|d| d.fix.as_ref().expect("accepted fixes exist").edits.clone())
                .collect();
            let (next, next_parsed) = reparse(edit::apply(
                &current.bytes,
                &edits.iter().collect::<Vec<_>>(),
            ))
            .map_err(refuse)?;
            let reason = match driver.guard(&parsed, &next_parsed, &accepted) {
                Ok(()) => break (accepted, edits, next, next_parsed),
                Err(reason) => reason,
            };
            let alone: Vec<(&'static str, String, String)> = accepted
                .iter()
                .filter_map(|d| {
                    let fix = d.fix.as_ref()?;
                    let bytes = edit::apply(&current.bytes, &fix.edits.iter().collect::<Vec<_>>());
                    let why = match reparse(bytes) {
                        Ok((_, solo)) => driver.guard(&parsed, &solo, &[*d]).err()?,
                        Err(why) => why,
                    };
                    Some((d.rule.code, d.message.clone(), why))
                })
                .collect();
            if alone.is_empty() {
                return Err(refuse(reason));
            }
            set_aside.extend(alone);
        };
        for d in &accepted {
            report(d, Status::Fixed, &mut findings);
        }
        written = written.after(&edits.iter().collect::<Vec<_>>());
        history.push(edit::BackMap::new(&edits));
        current = next;
        parsed = next_parsed;
    }
    Err(InputError::file(
        &source.path,
        format!("refusing to write: fixes did not settle after {MAX_PASSES} passes; this is a bug in seaworthy"),
    ))
}

/// Why the fix of `d` was set aside, if it was (see [`fix_to_fixed_point`]).
fn why_set_aside(set_aside: &[(&'static str, String, String)], d: &Diagnostic) -> Option<String> {
    set_aside
        .iter()
        .find(|(code, message, _)| *code == d.rule.code && *message == d.message)
        .map(|(_, _, why)| why.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Fix;
    use crate::rules::compose::{sw203_logging, sw204_restart};

    /// Appends `a` and `b` to a text; its guard refuses any `b`.
    struct Toy;

    impl Driver for Toy {
        type Parsed = String;

        fn parse(&self, source: &Source) -> Result<String, InputError> {
            Ok(crate::source::lossy(&source.bytes).into_owned())
        }

        fn check(&self, text: &String, _: &Written) -> Vec<Diagnostic> {
            [("a", &sw203_logging::META), ("b", &sw204_restart::META)]
                .into_iter()
                .filter(|(word, _)| !text.contains(word))
                .map(|(word, meta)| {
                    Diagnostic::new(meta, 0..0, format!("no {word}"))
                        .with_fix(Ok(Fix::safe(vec![Edit::insert(text.len(), word)])))
                })
                .collect()
        }

        fn guard(&self, _: &String, after: &String, _: &[&Diagnostic]) -> Result<(), String> {
            match after.contains('b') {
                true => Err("`b` would change the meaning".into()),
                false => Ok(()),
            }
        }
    }

    #[test]
    fn a_fix_the_guard_refuses_alone_is_set_aside_and_the_rest_applied() {
        let source = Source::new("toy", b"x".to_vec());
        let (outcome, _) = fix_to_fixed_point(&source, "x".into(), &Toy, false).unwrap();
        assert_eq!(outcome.after, b"xa");
        let statuses: Vec<(&str, Status, &str)> = outcome
            .findings
            .iter()
            .map(|f| (f.rule.code, f.status, f.message.as_str()))
            .collect();
        assert_eq!(
            statuses,
            [
                ("SW203", Status::Fixed, "no a"),
                (
                    "SW204",
                    Status::Warning,
                    "no b; not done: it would change what the file means (`b` would change the meaning)"
                ),
            ]
        );
    }
}
