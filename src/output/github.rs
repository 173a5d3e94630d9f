//! `check --format github`: GitHub Actions workflow commands
//! (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=SW101::…`,
//! warnings as `::warning`), at most [`CAP`] per level because GitHub shows
//! no more than ten of each per step, then one `::notice` that says how many
//! were left out and how to see them; and a Markdown summary for
//! `$GITHUB_STEP_SUMMARY`.

use std::io::Write;

use crate::output::statistics;
use crate::plan::{Plan, Status};
use crate::registry::Severity;

/// Annotations of one level GitHub shows per step.
pub const CAP: usize = 10;

/// `%`, CR and LF escaped, as a command's message needs.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// [`escape_data`], plus `:` and `,`, as a property's value needs.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One annotation before it is written.
struct Annotation {
    level: Severity,
    properties: String,
    message: String,
}

/// Writes the annotations: findings, then bad inputs (as errors).
pub fn write(out: &mut impl Write, plan: &Plan) -> std::io::Result<()> {
    let mut all = Vec::new();
    for (file, finding) in plan.findings() {
        let properties = format!(
            "file={},line={},col={},endLine={},endColumn={},title={}",
            escape_property(&crate::paths::display(&file.path)),
            finding.start.line,
            super::utf16_col(file, finding.start),
            finding.end.line,
            super::utf16_col(file, finding.end),
            finding.rule.code,
        );
        let hint = match finding.status {
            Status::Fixed => " (`seaworthy fix` fixes this)",
            Status::UnsafeFix => " (`seaworthy fix --unsafe-fixes` fixes this)",
            Status::Warning => "",
        };
        all.push(Annotation {
            level: finding.severity,
            properties,
            message: format!("{}{hint}", finding.message),
        });
    }
    for error in &plan.errors {
        all.push(Annotation {
            level: Severity::Error,
            properties: if error.line == 0 {
                // About the path itself: no line to annotate.
                format!(
                    "file={},title=seaworthy",
                    escape_property(&crate::paths::display(&error.path))
                )
            } else {
                format!(
                    "file={},line={},col={},title=seaworthy",
                    escape_property(&crate::paths::display(&error.path)),
                    error.line,
                    error.col
                )
            },
            message: error.message.clone(),
        });
    }
    let mut left_out = [0usize; 2];
    let mut shown = [0usize; 2];
    for a in &all {
        let i = usize::from(a.level == Severity::Warning);
        if shown[i] == CAP {
            left_out[i] += 1;
            continue;
        }
        shown[i] += 1;
        writeln!(
            out,
            "::{} {}::{}",
            a.level.name(),
            a.properties,
            escape_data(&a.message)
        )?;
    }
    if left_out != [0, 0] {
        writeln!(
            out,
            "::notice title=seaworthy::{} more error{} and {} more warning{} not annotated \
             (GitHub shows {CAP} of each per step); run `seaworthy check` to see them all, \
             or `seaworthy check --format json`",
            left_out[0],
            plural(left_out[0]),
            left_out[1],
            plural(left_out[1]),
        )?;
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `|` and line breaks made safe for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// The Markdown summary of the run: the totals, the counts per rule, and
/// every finding.
pub fn summary(plan: &Plan) -> String {
    let mut md = String::from("## seaworthy check\n\n");
    md.push_str(&super::text::summary(plan, "would change"));
    md.push_str(".\n\n");
    let counts = statistics::counts(plan);
    if counts.is_empty() && plan.errors.is_empty() {
        md.push_str("Nothing to do.\n");
        return md;
    }
    if !counts.is_empty() {
        md.push_str("| Rule | Name | Findings | Fixable |\n|---|---|---:|---:|\n");
        for c in &counts {
            md.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                c.rule.code, c.rule.name, c.findings, c.fixable
            ));
        }
        md.push_str("\n<details><summary>Findings</summary>\n\n");
        md.push_str("| Where | Rule | Level | Message |\n|---|---|---|---|\n");
        for (file, f) in plan.findings() {
            md.push_str(&format!(
                "| `{}:{}:{}` | {} | {} | {} |\n",
                crate::paths::display(&file.path),
                f.start.line,
                f.start.col,
                f.rule.code,
                f.severity.name(),
                cell(&f.message)
            ));
        }
        md.push_str("\n</details>\n\n");
    }
    for error in &plan.errors {
        md.push_str(&format!("- error: {}\n", cell(&error.to_string())));
    }
    if plan.changed().next().is_some() {
        md.push_str("\nRun `seaworthy fix --yes` to apply the fixes.\n");
    }
    md
}

/// Appends [`summary`] to the file `$GITHUB_STEP_SUMMARY` names, when set.
pub fn write_step_summary(plan: &Plan) -> std::io::Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(summary(plan).as_bytes())
}
