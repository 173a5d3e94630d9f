//! Text output of findings and the closing summary (stderr), kept apart
//! from the diff (stdout) so the diff can be piped to `git apply`.

use std::io::Write;

use anstyle::{AnsiColor, Style};

use crate::plan::Plan;
use crate::plan::Status;

/// The style for `colour` (none when colour is off).
fn styled(style: Style, colour: bool) -> Style {
    if colour {
        style
    } else {
        Style::new()
    }
}

/// Writes one line per finding: `path:line:col: SW101 [*] message`.
pub fn findings(out: &mut impl Write, plan: &Plan, colour: bool) -> std::io::Result<()> {
    let code = styled(AnsiColor::Red.on_default().bold(), colour);
    let warn = styled(AnsiColor::Yellow.on_default(), colour);
    for file in plan.files.iter().filter(|f| !f.findings.is_empty()) {
        let shown = crate::paths::display(&file.path);
        for finding in &file.findings {
            finding_line(out, &shown, finding, code, warn)?;
        }
    }
    Ok(())
}

/// One finding's line, under the file's display name `shown`.
fn finding_line(
    out: &mut impl Write,
    shown: &str,
    finding: &crate::plan::Finding,
    code: Style,
    warn: Style,
) -> std::io::Result<()> {
    let mark = match finding.status {
        Status::Fixed => "[*]",
        Status::UnsafeFix => "[unsafe fix: --unsafe-fixes]",
        Status::Warning => "[warning]",
    };
    let style = if finding.status == Status::Warning {
        warn
    } else {
        code
    };
    writeln!(
        out,
        "{shown}:{}:{}: {style}{}{style:#} {mark} {}",
        finding.start.line, finding.start.col, finding.rule.code, finding.message
    )
}

/// Writes bad-input errors, one per line, as compilers do:
/// `path:line:col: error: message` (`path: error: message` for an error
/// about the path itself), which editors and problem matchers parse.
pub fn errors(out: &mut impl Write, plan: &Plan, colour: bool) -> std::io::Result<()> {
    let style = styled(AnsiColor::Red.on_default().bold(), colour);
    for error in &plan.errors {
        writeln!(
            out,
            "{}: {style}error{style:#}: {}",
            error.location(),
            error.message
        )?;
    }
    Ok(())
}

/// Writes the notes (files passed over, services left alone, and why), one
/// per line: `path:line:col: note: message`.
pub fn notes(out: &mut impl Write, plan: &Plan, colour: bool) -> std::io::Result<()> {
    let style = styled(AnsiColor::Yellow.on_default(), colour);
    for note in &plan.notes {
        writeln!(
            out,
            "{}: {style}note{style:#}: {}",
            note.location(),
            note.message
        )?;
    }
    Ok(())
}

/// One line: what was found and what would change.
pub fn summary(plan: &Plan, verb: &str) -> String {
    let total = plan.findings().count();
    let fixable = plan
        .findings()
        .filter(|(_, f)| f.status == Status::Fixed)
        .count();
    let changed = plan.changed().count();
    let files = plan.files.len();
    let mut text = format!(
        "{files} file{} checked: {total} finding{} ({fixable} fixable), {changed} file{} {verb}",
        plural(files),
        plural(total),
        plural(changed),
    );
    if !plan.errors.is_empty() {
        text.push_str(&format!(
            ", {} error{}",
            plan.errors.len(),
            plural(plan.errors.len())
        ));
    }
    text
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
