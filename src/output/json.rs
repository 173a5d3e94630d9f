//! `check --format json`: one document with every finding (where, what,
//! its fix), each changed file's unified diff, the bad inputs and the
//! counts. Its shape is `docs/schema/check-output.json`; [`VERSION`] grows
//! when a field changes meaning or goes away (adding a field does not).

use serde_json::{json, Value};

use crate::edit::Applicability;
use crate::output::diff::{self, Base};
use crate::output::statistics;
use crate::plan::{FileChange, Finding, Plan, Position, Status};

/// The version of the document's shape.
pub const VERSION: u32 = 1;

/// The document for `plan`, pretty-printed, with a final newline.
pub fn render(plan: &Plan) -> String {
    let mut text = serde_json::to_string_pretty(&document(plan)).expect("JSON values serialise");
    text.push('\n');
    text
}

/// The document for `plan`.
pub fn document(plan: &Plan) -> Value {
    let changed: Vec<&FileChange> = plan.changed().collect();
    let base = Base::of_plan(plan);
    let findings: Vec<Value> = plan.findings().map(|(f, x)| finding(f, x)).collect();
    let diffs: Vec<Value> = changed
        .iter()
        .map(|change| {
            json!({
                "path": crate::paths::display(&change.path),
                "created": change.creates(),
                "diff": diff::unified_from(change, &base),
            })
        })
        .collect();
    let errors: Vec<Value> = plan
        .errors
        .iter()
        .map(|e| {
            json!({
                "path": crate::paths::display(&e.path),
                // null: the error is about the path itself, not its text.
                "line": (e.line > 0).then_some(e.line),
                "column": (e.line > 0).then_some(e.col),
                "message": e.message,
            })
        })
        .collect();
    let statistics: Vec<Value> = statistics::counts(plan)
        .into_iter()
        .map(|c| {
            json!({
                "rule": c.rule.code,
                "name": c.rule.name,
                "count": c.findings,
                "fixable": c.fixable,
            })
        })
        .collect();
    json!({
        "version": VERSION,
        "tool": {"name": "seaworthy", "version": env!("CARGO_PKG_VERSION")},
        "summary": {
            "files": plan.files.len(),
            "findings": findings.len(),
            "fixable": plan.findings().filter(|(_, f)| f.status == Status::Fixed).count(),
            "changed": changed.len(),
            "errors": errors.len(),
        },
        "findings": findings,
        "diffs": diffs,
        "diff_base": base.note().map(|_| match &base {
            Base::Repository(dir) | Base::Folder(dir) => dir.display().to_string(),
            Base::Current => String::new(),
        }),
        "errors": errors,
        "statistics": statistics,
    })
}

fn position(p: Position) -> Value {
    json!({"line": p.line, "column": p.col, "byte": p.byte})
}

fn finding(file: &FileChange, finding: &Finding) -> Value {
    let status = match finding.status {
        Status::Fixed => "fixed",
        Status::UnsafeFix => "unsafe-fix",
        Status::Warning => "warning",
    };
    let applicability = finding.applicability().map(|a| match a {
        Applicability::Safe => "safe",
        Applicability::Unsafe => "unsafe",
    });
    let fix = finding.fix.as_ref().map(|(pass, fix)| {
        let mut edits: Vec<_> = fix.edits.iter().collect();
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        json!({
            "title": finding.rule.fix_title,
            "pass": pass,
            "applied": finding.status == Status::Fixed,
            "edits": edits.iter().map(|e| json!({
                "start_byte": e.range.start,
                "end_byte": e.range.end,
                "content": e.text,
            })).collect::<Vec<_>>(),
        })
    });
    json!({
        "rule": finding.rule.code,
        "name": finding.rule.name,
        "severity": finding.severity.name(),
        "status": status,
        "path": crate::paths::display(&file.path),
        "start": position(finding.start),
        "end": position(finding.end),
        "message": finding.message,
        "fixable": finding.status == Status::Fixed,
        "applicability": applicability,
        "fix": fix,
    })
}
