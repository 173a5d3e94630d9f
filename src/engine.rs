//! The fix loop shared by every command: parse, run the rules, apply the
//! fixes that do not conflict, and repeat on the new text until nothing
//! changes (as ruff does), so each rule sees the others' work. Findings are
//! reported at their position in the original file.

use crate::dockerfile::Dockerfile;
use crate::edit::{self, Applicability, Edit};
use crate::error::InputError;
use crate::policy::Policy;
use crate::rules::{self, dockerfile::RULES, Diagnostic};
use crate::source::Source;

/// Passes after which a file that keeps changing is a bug, not a fix.
const MAX_PASSES: usize = 16;

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

/// A finding as reported to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's ID.
    pub rule: &'static str,
    /// 1-based line in the original file.
    pub line: usize,
    /// 1-based column in the original file.
    pub col: usize,
    /// What was found and what the fix does.
    pub message: String,
    /// Fixed, unsafe or warning.
    pub status: Status,
}

/// The result for one file: the fixed text and the findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The text after every applicable fix.
    pub after: Vec<u8>,
    /// Findings, in file order.
    pub findings: Vec<Finding>,
}

/// Runs the Dockerfile rules on `source` until a fixed point.
pub fn fix_dockerfile(source: &Source, policy: &Policy) -> Result<Outcome, InputError> {
    fix_dockerfile_parsed(source, policy).map(|(outcome, _)| outcome)
}

/// [`fix_dockerfile`], also handing back the parse of the fixed text (the
/// loop's last pass made it; Compose rules read it).
pub fn fix_dockerfile_parsed(
    source: &Source,
    policy: &Policy,
) -> Result<(Outcome, Dockerfile), InputError> {
    let last = std::cell::RefCell::new(None);
    let outcome = fix_to_fixed_point(
        source,
        policy,
        |current| {
            let doc = Dockerfile::parse(current.clone())?;
            let diagnostics = run_rules(&doc, policy);
            *last.borrow_mut() = Some(doc);
            Ok(diagnostics)
        },
        |_, _, _| Ok(()),
    )?;
    let doc = last.into_inner().expect("the loop parses the final text");
    Ok((outcome, doc))
}

/// The fix loop for any kind of file: `check` parses the current text and
/// returns the diagnostics; `guard` may refuse a pass (before, after, the
/// diagnostics whose fixes were applied) with a reason.
pub fn fix_to_fixed_point(
    source: &Source,
    policy: &Policy,
    check: impl Fn(&Source) -> Result<Vec<Diagnostic>, InputError>,
    guard: impl Fn(&Source, &Source, &[&Diagnostic]) -> Result<(), String>,
) -> Result<Outcome, InputError> {
    let original = source.bytes.clone();
    let mut current = source.clone();
    let mut history: Vec<Vec<Edit>> = Vec::new();
    let mut findings = Vec::new();
    for pass in 0..MAX_PASSES {
        let diagnostics = match check(&current) {
            Ok(diagnostics) => diagnostics,
            Err(e) if pass == 0 => return Err(e),
            Err(e) => {
                return Err(InputError::file(
                    &source.path,
                    format!("refusing to write: the fixed file does not parse again ({}); this is a bug in seaworthy", e.message),
                ))
            }
        };
        let mut accepted: Vec<&Diagnostic> = Vec::new();
        for d in &diagnostics {
            let Some(fix) = &d.fix else { continue };
            let allowed = fix.applicability == Applicability::Safe || policy.overrides.unsafe_fixes;
            if allowed
                && !accepted
                    .iter()
                    .any(|a| a.fix.as_ref().is_some_and(|f| f.conflicts_with(fix)))
            {
                accepted.push(d);
            }
        }
        let report = |d: &Diagnostic, status: Status, findings: &mut Vec<Finding>| {
            let offset = history.iter().rev().fold(d.span.start, |at, edits| {
                edit::map_back(at, &edits.iter().collect::<Vec<_>>())
            });
            let (line, col) = crate::source::line_col(&original, offset);
            findings.push(Finding {
                rule: d.rule,
                line,
                col,
                message: d.message.clone(),
                status,
            });
        };
        if accepted.is_empty() {
            for d in &diagnostics {
                let status = if d.fix.is_some() {
                    Status::UnsafeFix
                } else {
                    Status::Warning
                };
                report(d, status, &mut findings);
            }
            findings.sort_by_key(|f| (f.line, f.col, f.rule));
            return Ok(Outcome {
                after: current.bytes,
                findings,
            });
        }
        for d in &accepted {
            report(d, Status::Fixed, &mut findings);
        }
        let edits: Vec<Edit> = accepted
            .iter()
            .flat_map(|d| d.fix.as_ref().expect("accepted fixes exist").edits.clone())
            .collect();
        let next = Source::new(
            &source.path,
            edit::apply(&current.bytes, &edits.iter().collect::<Vec<_>>()),
        );
        guard(&current, &next, &accepted).map_err(|reason| {
            InputError::file(
                &source.path,
                format!("refusing to change this file: {reason}"),
            )
        })?;
        history.push(edits);
        current = next;
    }
    Err(InputError::file(
        &source.path,
        format!("refusing to write: fixes did not settle after {MAX_PASSES} passes; this is a bug in seaworthy"),
    ))
}

/// Runs every enabled rule, minus those an ignore comment silences.
fn run_rules(doc: &Dockerfile, policy: &Policy) -> Vec<Diagnostic> {
    let ignores = ignore_comments(doc);
    RULES
        .iter()
        .filter(|(meta, _)| policy.enabled(meta.code))
        .flat_map(|(_, check)| check(doc, policy))
        .filter(|d| !silenced(doc, &ignores, d))
        .collect()
}

/// `# seaworthy: ignore[...]` comments: the stage they apply to (`None`:
/// the whole file, for comments above the first FROM) and the codes.
fn ignore_comments(doc: &Dockerfile) -> Vec<(Option<usize>, Vec<String>)> {
    let first_from_line = doc.instructions()[doc.stages[0].from].first_line;
    let last = doc.instructions().len() - 1;
    doc.comment_text()
        .filter_map(|(line, text)| {
            let codes = rules::ignore_comment(text)?;
            let stage = if line < first_from_line {
                None
            } else {
                let next = doc
                    .instructions()
                    .iter()
                    .position(|i| i.first_line > line)
                    .unwrap_or(last);
                doc.stage_of(next).map(|s| s.index)
            };
            Some((stage, codes))
        })
        .collect()
}

fn silenced(doc: &Dockerfile, ignores: &[(Option<usize>, Vec<String>)], d: &Diagnostic) -> bool {
    let at = doc
        .instructions()
        .iter()
        .rposition(|i| i.keyword_start <= d.span.start)
        .unwrap_or(0);
    let stage = doc.stage_of(at).map(|s| s.index);
    ignores.iter().any(|(scope, codes)| {
        (scope.is_none() || *scope == stage)
            && (codes.is_empty() || codes.iter().any(|c| rules::matches(d.rule, c)))
    })
}
