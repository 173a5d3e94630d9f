//! `seaworthy rules [ID]`: lists the rules, or explains one.

use crate::rules;

/// The arguments of `rules`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// A rule ID, e.g. SW101.
    id: Option<String>,
}

/// Runs `rules` and returns the exit code.
pub(super) fn run(args: &Args) -> i32 {
    match args.id.as_deref() {
        None => {
            for rule in rules::all() {
                println!(
                    "{:<7} {:<27} {:<11} {}",
                    rule.code,
                    rule.name,
                    rule.target.name(),
                    rule.summary
                );
            }
            0
        }
        Some(id) => match rules::find(id) {
            Some(rule) => {
                println!(
                    "# {} ({})\n\n{}\n\n{}",
                    rule.code, rule.name, rule.summary, rule.doc
                );
                0
            }
            None => {
                eprintln!("error: no rule `{id}`; `seaworthy rules` lists them");
                2
            }
        },
    }
}
