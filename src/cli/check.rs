//! `seaworthy check`: prints what `fix` would change and exits 1 if
//! anything would.

use std::path::PathBuf;

use clap::ValueEnum;

use super::{show, Global, Selection};
use crate::engine::planner;
use crate::output::text as report;
use crate::plan::Plan;
use crate::settings::resolver::Resolver;

/// The arguments of `check`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Files or folders (default: the current folder).
    paths: Vec<PathBuf>,
    #[command(flatten)]
    pub(super) selection: Selection,
    /// Warnings (findings without a fix) fail the run too.
    #[arg(long)]
    strict: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Diff on stdout, findings on stderr.
    Text,
}

/// Runs `check` and returns the exit code (an error only from stdout).
pub(super) fn run(args: Args, resolver: &Resolver, global: &Global) -> std::io::Result<i32> {
    let Args {
        paths,
        selection,
        strict,
        format: Format::Text,
    } = args;
    let overrides = selection.into_overrides();
    let plan = planner::build(&super::default_paths(paths), resolver, &overrides);
    check(&plan, strict, global)
}

fn check(plan: &Plan, strict: bool, global: &Global) -> std::io::Result<i32> {
    show::show(plan, global)?;
    if !global.quiet {
        stderr!("{}", report::summary(plan, "would change"));
    }
    Ok(if !plan.errors.is_empty() {
        2
    } else if plan.changed().next().is_some() || (strict && plan.has_warnings()) {
        1
    } else {
        0
    })
}
