//! Showing a plan: the diff on stdout; where its paths start (when not
//! here), the files read, findings and errors on stderr.

use std::io::Write;

use super::Global;
use crate::output::{diff, text as report};
use crate::plan::Plan;

/// Whether to colour what goes to `stream`: `--no-color`, `NO_COLOR`,
/// `CLICOLOR_FORCE` and whether it is a terminal decide.
pub(super) fn colour<S: anstream::stream::RawStream>(stream: &S) -> bool {
    anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never
}

/// Writes the diff (stdout) and the findings (stderr), buffered: a large
/// plan is thousands of lines. The error is stdout's (stderr's are
/// dropped); the findings are not shown after it.
pub(super) fn show(plan: &Plan, global: &Global) -> std::io::Result<()> {
    let diff_colour = colour(&std::io::stdout());
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let base = diff::Base::of_plan(plan);
    for diff in rendered(plan, &base) {
        diff::write(&mut out, &diff, diff_colour)?;
    }
    out.flush()?;
    drop(out);
    stderr_report(plan, global, &base);
    Ok(())
}

/// Every changed file's diff, uncoloured, as one text (for a file).
pub(super) fn diffs(plan: &Plan) -> String {
    rendered(plan, &diff::Base::of_plan(plan)).concat()
}

/// The diff of each file `plan` changes, in order, with paths from `base`
/// (rendered on all cores).
fn rendered(plan: &Plan, base: &diff::Base) -> Vec<String> {
    let changed: Vec<_> = plan.changed().collect();
    crate::parallel::map(&changed, |change| diff::unified_from(change, base))
}

/// Writes what goes on stderr beside the diff: where the diff's paths
/// start (when not here: `base`, the diffs' base), the files read, notes,
/// findings and errors.
pub(super) fn stderr_report(plan: &Plan, global: &Global, base: &diff::Base) {
    let report_colour = colour(&std::io::stderr());
    let mut err = std::io::BufWriter::new(std::io::stderr().lock());
    if let Some(note) = base.note().filter(|_| !global.quiet) {
        let _ = writeln!(err, "{note}");
    }
    if global.verbose {
        for file in &plan.files {
            let settings = match plan.settings_of.get(&file.path) {
                Some(config) => format!("settings: {}", crate::paths::display(config)),
                None => "no seaworthy.toml applies: defaults".to_string(),
            };
            let _ = writeln!(
                err,
                "read {} ({settings})",
                crate::paths::display(&file.path)
            );
        }
        for folder in &plan.hidden {
            let _ = writeln!(
                err,
                "skipped hidden folder {}/ (name it to check it)",
                crate::paths::display(folder)
            );
        }
    }
    if !global.quiet {
        let _ = report::notes(&mut err, plan, report_colour);
        let _ = report::findings(&mut err, plan, report_colour);
    }
    let _ = report::errors(&mut err, plan, report_colour);
    let _ = err.flush();
}
