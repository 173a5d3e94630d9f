//! `seaworthy fix`: applies every enabled rule's fix, and the flow every
//! writing command shares: show the diff, confirm, write.

use std::path::PathBuf;

use super::prompt::{self, Answer};
use super::{show, Global, Selection, WriteFlags};
use crate::engine::planner;
use crate::output::text as report;
use crate::plan::Plan;
use crate::settings::policy::Overrides;
use crate::settings::resolver::Resolver;
use crate::write;

/// The arguments of `fix`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Files or folders (default: the current folder).
    paths: Vec<PathBuf>,
    #[command(flatten)]
    pub(super) selection: Selection,
    /// Also apply fixes that change behaviour or move data.
    #[arg(long)]
    unsafe_fixes: bool,
    #[command(flatten)]
    write: WriteFlags,
}

/// Runs `fix` and returns the exit code (an error only from stdout).
pub(super) fn run(args: Args, resolver: &Resolver, global: &Global) -> std::io::Result<i32> {
    let Args {
        paths,
        selection,
        unsafe_fixes,
        write,
    } = args;
    let overrides = Overrides {
        unsafe_fixes,
        ..selection.into_overrides()
    };
    let plan = planner::build(&super::default_paths(paths), resolver, &overrides);
    apply(&plan, &write, global)
}

/// Shows `plan`, asks (unless `--yes` or `--dry-run` decided already), and
/// writes every changed file; returns the exit code. When stdout fails,
/// the diff was not seen, so nothing is written and the error is returned.
pub(super) fn apply(plan: &Plan, flags: &WriteFlags, global: &Global) -> std::io::Result<i32> {
    show::show(plan, global)?;
    Ok(confirm_and_write(plan, flags, global))
}

/// The part of [`apply`] after the diff was shown.
fn confirm_and_write(plan: &Plan, flags: &WriteFlags, global: &Global) -> i32 {
    let say = |text: &str| {
        if !global.quiet {
            stderr!("{text}");
        }
    };
    if !plan.errors.is_empty() {
        say("nothing written: fix the errors above first");
        return 2;
    }
    let changed: Vec<_> = plan.changed().collect();
    if changed.is_empty() {
        say(&report::summary(plan, "to change"));
        return 0;
    }
    say(&report::summary(plan, "would change"));
    if flags.dry_run {
        say("dry run: nothing written");
        return 0;
    }
    if !flags.yes {
        if let Some(why) = prompt::cannot_ask() {
            stderr!(
                "error: {why}: pass --yes to write these changes (or --dry-run to only show them)"
            );
            return 2;
        }
        let question = format!("Write these changes to {} file(s)?", changed.len());
        match prompt::confirm(&question) {
            Answer::Yes => {}
            Answer::No => {
                say("nothing written");
                return 1;
            }
            Answer::Interrupted => {
                say("nothing written");
                return 130;
            }
        }
    }
    let blocked: Vec<_> = changed
        .iter()
        .filter_map(|c| write::check_writable(c).err().map(|e| (c, e)))
        .collect();
    if !blocked.is_empty() {
        for (change, e) in blocked {
            stderr!("{}: error: {e}", crate::paths::display(&change.path));
        }
        say("nothing written: every file must be writable first");
        return 2;
    }
    let mut failed = 0;
    for change in &changed {
        if let Err(e) = write::write(change) {
            stderr!("{}: error: {e}", crate::paths::display(&change.path));
            failed += 1;
        }
    }
    say(&format!("wrote {} file(s)", changed.len() - failed));
    if failed > 0 {
        2
    } else {
        0
    }
}
