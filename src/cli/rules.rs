//! `seaworthy rules [ID]`: lists the rules, or explains one.

use std::io::Write;

use crate::rules;

/// The arguments of `rules`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// A rule ID (SW101), or a prefix (SW1) to list the rules it selects.
    id: Option<String>,
}

/// Runs `rules` and returns the exit code (an error only from stdout).
pub(super) fn run(args: &Args) -> std::io::Result<i32> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.id.as_deref() {
        None => {
            for rule in rules::all() {
                list(&mut out, rule)?;
            }
        }
        Some(id) => match rules::find(id) {
            Some(rule) => writeln!(
                out,
                "# {} ({})\n\n{}\n\n{}",
                rule.code, rule.name, rule.summary, rule.doc
            )?,
            // A prefix (`SW1`, `SW20`) lists the rules it selects, as
            // `--select` reads it.
            None if crate::registry::check_pattern(id).is_ok() => {
                for rule in rules::all()
                    .into_iter()
                    .filter(|r| crate::registry::matches(r.code, id))
                {
                    list(&mut out, rule)?;
                }
            }
            None => {
                stderr!("error: no rule `{id}`; `seaworthy rules` lists them");
                return Ok(2);
            }
        },
    }
    out.flush()?;
    Ok(0)
}

/// One line of the rule list, its name padded to the longest rule name so
/// the columns line up.
fn list(out: &mut impl Write, rule: &crate::registry::RuleMeta) -> std::io::Result<()> {
    let width = rules::all().iter().map(|r| r.name.len()).max().unwrap_or(0);
    writeln!(
        out,
        "{:<7} {:<width$} {:<11} {}",
        rule.code,
        rule.name,
        rule.target.name(),
        rule.summary
    )
}
