//! `seaworthy rules [ID]`: lists the rules, or explains one.

use std::io::Write;

use crate::rules;

/// The arguments of `rules`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// A rule ID, e.g. SW101.
    id: Option<String>,
}

/// Runs `rules` and returns the exit code (an error only from stdout).
pub(super) fn run(args: &Args) -> std::io::Result<i32> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.id.as_deref() {
        None => {
            for rule in rules::all() {
                writeln!(
                    out,
                    "{:<7} {:<27} {:<11} {}",
                    rule.code,
                    rule.name,
                    rule.target.name(),
                    rule.summary
                )?;
            }
        }
        Some(id) => match rules::find(id) {
            Some(rule) => writeln!(
                out,
                "# {} ({})\n\n{}\n\n{}",
                rule.code, rule.name, rule.summary, rule.doc
            )?,
            None => {
                stderr!("error: no rule `{id}`; `seaworthy rules` lists them");
                return Ok(2);
            }
        },
    }
    out.flush()?;
    Ok(0)
}
