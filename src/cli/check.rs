//! `seaworthy check`: reports what `fix` would change, in the format asked
//! for, and exits 1 if anything would (or, with `--fail-on warning`, if
//! anything was found).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::{show, Global, Selection};
use crate::engine::planner;
use crate::output::{github, json, sarif, statistics, text as report};
use crate::plan::Plan;
use crate::settings::resolver::Resolver;

/// The arguments of `check`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Files or folders (default: the current folder); `-` reads standard
    /// input (name it with `--stdin-filename`).
    paths: Vec<PathBuf>,
    #[command(flatten)]
    pub(super) selection: Selection,
    /// Warnings (findings without a fix) fail the run too: `--fail-on warning`.
    #[arg(long, conflicts_with = "fail_on")]
    strict: bool,
    /// Which findings fail the run: `error` (drift: something `fix` would
    /// change; the default) or `warning` (any finding).
    #[arg(long, value_enum, value_name = "LEVEL")]
    fail_on: Option<FailOn>,
    /// Exit 0 even when something was found (bad input still exits 2).
    #[arg(long)]
    exit_zero: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the report (what the format prints on stdout) to FILE instead.
    #[arg(long, short = 'o', value_name = "FILE")]
    output_file: Option<PathBuf>,
    /// Count the findings of each rule (text: instead of the diff).
    #[arg(long)]
    statistics: bool,
    /// The name standard input (`-`) is checked under; its kind comes from it.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,
    /// Also show the fixes that change behaviour or move data (`fix
    /// --unsafe-fixes` applies them).
    #[arg(long)]
    unsafe_fixes: bool,
    /// `check` never writes: this only says to use `seaworthy fix`.
    #[arg(long, hide = true)]
    fix: bool,
}

/// Which findings fail `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// Drift: a fix that would change a file.
    Error,
    /// Any finding, fixable or not.
    Warning,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Diff on stdout, findings on stderr.
    Text,
    /// One JSON document (docs/schema/check-output.json).
    Json,
    /// GitHub Actions annotations, and a summary to $GITHUB_STEP_SUMMARY.
    Github,
    /// SARIF 2.1.0, with fixes.
    Sarif,
}

/// Runs `check` and returns the exit code (an error only from stdout).
pub(super) fn run(args: Args, resolver: &Resolver, global: &Global) -> std::io::Result<i32> {
    let Args {
        paths,
        selection,
        strict,
        fail_on,
        exit_zero,
        format,
        output_file,
        statistics,
        stdin_filename,
        unsafe_fixes,
        fix,
    } = args;
    if fix {
        stderr!("error: `check` never writes; `seaworthy fix` applies the fixes (`--yes` without asking)");
        return Ok(2);
    }
    let fail_on = match (strict, fail_on) {
        (true, _) => FailOn::Warning,
        (false, level) => level.unwrap_or(FailOn::Error),
    };
    let paths = match stdin_paths(paths, stdin_filename) {
        Ok(paths) => paths,
        Err(why) => {
            stderr!("error: {why}");
            return Ok(2);
        }
    };
    let overrides = crate::settings::policy::Overrides {
        unsafe_fixes,
        ..selection.into_overrides()
    };
    let plan = planner::build(&super::default_paths(paths), resolver, &overrides);
    let report = Report {
        format,
        output_file: output_file.as_deref(),
        statistics,
    };
    if let Err(e) = report.write(&plan, global) {
        if e.kind() == std::io::ErrorKind::BrokenPipe || output_file.is_none() {
            return Err(e);
        }
        stderr!(
            "error: cannot write {}: {e}",
            output_file.as_deref().unwrap_or(Path::new("-")).display()
        );
        return Ok(2);
    }
    let failed = plan.changed().next().is_some()
        || (fail_on == FailOn::Warning && plan.findings().next().is_some());
    Ok(if !plan.errors.is_empty() {
        2
    } else if failed && !exit_zero {
        1
    } else {
        0
    })
}

/// The paths with `-` resolved: standard input is read once and checked
/// under `--stdin-filename`.
fn stdin_paths(paths: Vec<PathBuf>, name: Option<PathBuf>) -> Result<Vec<PathBuf>, String> {
    let dashes = paths.iter().filter(|p| p.as_os_str() == "-").count();
    match (dashes, name) {
        (0, None) => Ok(paths),
        (0, Some(_)) => Err("--stdin-filename names standard input: pass `-` as the path".into()),
        (1, Some(name)) => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .take(planner::MAX_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            if bytes.len() as u64 > planner::MAX_FILE_BYTES {
                return Err(format!(
                    "standard input is too large for a file seaworthy edits ({} bytes at most)",
                    planner::MAX_FILE_BYTES
                ));
            }
            crate::source::set_stdin(name.clone(), bytes);
            Ok(paths
                .into_iter()
                .map(|p| if p.as_os_str() == "-" { name.clone() } else { p })
                .collect())
        }
        (1, None) => Err(
            "`-` reads standard input: name it with --stdin-filename (e.g. Dockerfile or compose.yaml), which gives its kind"
                .into(),
        ),
        _ => Err("`-` (standard input) can be given once".into()),
    }
}

/// Where and how the report goes.
struct Report<'a> {
    format: Format,
    output_file: Option<&'a Path>,
    statistics: bool,
}

impl Report<'_> {
    fn write(&self, plan: &Plan, global: &Global) -> std::io::Result<()> {
        if self.format == Format::Text && self.output_file.is_none() && !self.statistics {
            show::show(plan, global)?;
            if !global.quiet {
                stderr!("{}", report::summary(plan, "would change"));
            }
            return Ok(());
        }
        let body: Vec<u8> = match self.format {
            Format::Text if self.statistics => {
                let mut out = Vec::new();
                statistics::write(&mut out, plan)?;
                out
            }
            Format::Text => show::diffs(plan).into_bytes(),
            Format::Json => json::render(plan).into_bytes(),
            Format::Sarif => sarif::render(plan).into_bytes(),
            Format::Github => {
                let mut out = Vec::new();
                github::write(&mut out, plan)?;
                if let Err(e) = github::write_step_summary(plan) {
                    stderr!("warning: cannot write the step summary ($GITHUB_STEP_SUMMARY): {e}");
                }
                out
            }
        };
        match self.output_file {
            Some(path) => std::fs::write(path, &body)?,
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(&body)?;
                out.flush()?;
            }
        }
        if self.format == Format::Text && !self.statistics {
            show::stderr_report(plan, global, &crate::output::diff::Base::of_plan(plan));
        } else {
            let colour = show::colour(&std::io::stderr());
            let _ = report::errors(&mut std::io::stderr().lock(), plan, colour);
        }
        if self.statistics && self.format != Format::Text && !global.quiet {
            let mut err = std::io::stderr().lock();
            let _ = statistics::write(&mut err, plan);
        }
        if !global.quiet {
            stderr!("{}", report::summary(plan, "would change"));
        }
        Ok(())
    }
}
