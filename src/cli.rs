//! The command line: parses arguments, builds the plan, and hands it to the
//! diff renderer, the report and the writer. Exit codes: 0 nothing to do or
//! done, 1 drift found or declined, 2 error.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::engine::planner;
use crate::output::{diff, text as report};
use crate::plan::Plan;
use crate::settings::policy::Overrides;
use crate::settings::resolver::Resolver;
use crate::settings::Style;
use crate::{rules, write};

/// Makes container setups production-ready: health checks and what
/// production needs, as minimal edits that keep every byte of your files.
#[derive(Debug, Parser)]
#[command(name = "seaworthy", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    global: Global,
}

/// Flags every command takes.
#[derive(Debug, Args)]
struct Global {
    /// Use this config file instead of the nearest seaworthy.toml.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print only errors and the diff.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Also list every file read.
    #[arg(long, short, global = true)]
    verbose: bool,
    /// Never colour the output.
    #[arg(long, global = true)]
    no_color: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Give one Dockerfile a HEALTHCHECK (or a health stage): diff, confirm, write.
    FixDockerfileHealthcheck {
        /// The Dockerfile.
        file: PathBuf,
        /// auto: a client the image has, else a copied probe; instruction; stage.
        #[arg(long, value_enum)]
        style: Option<Style>,
        /// The port to probe (otherwise from evidence, else 8080).
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
        port: Option<u16>,
        /// A health route the app serves (makes the probe strict).
        #[arg(long)]
        path: Option<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Apply every enabled rule's fix: diff, confirm, write.
    Fix {
        /// Files or folders (default: the current folder).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        selection: Selection,
        /// Also apply fixes that change behaviour or move data.
        #[arg(long)]
        unsafe_fixes: bool,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Print what fix would change and exit 1 if anything would (for CI).
    Check {
        /// Files or folders (default: the current folder).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        selection: Selection,
        /// Warnings (findings without a fix) fail the run too.
        #[arg(long)]
        strict: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List the rules, or explain one.
    Rules {
        /// A rule ID, e.g. SW101.
        id: Option<String>,
    },
}

/// `--select` and `--ignore`.
#[derive(Debug, Args)]
struct Selection {
    /// Only these rules (IDs or prefixes, comma-separated); replaces the config's.
    #[arg(long, value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Not these rules (IDs or prefixes, comma-separated).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
}

/// `--yes` and `--dry-run`.
#[derive(Debug, Args)]
struct WriteFlags {
    /// Write without asking.
    #[arg(long, short, conflicts_with = "dry_run")]
    yes: bool,
    /// Show the diff, never write.
    #[arg(long)]
    dry_run: bool,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Diff on stdout, findings on stderr.
    Text,
}

/// Runs the command line and returns the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    if cli.global.no_color {
        anstream::ColorChoice::Never.write_global();
    }
    let resolver = match Resolver::new(cli.global.config.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if let Command::Check { selection, .. } | Command::Fix { selection, .. } = &cli.command {
        if let Err(why) = selection.check() {
            eprintln!("error: {why}");
            return 2;
        }
    }
    match cli.command {
        Command::Rules { id } => rules_command(id.as_deref()),
        Command::Check {
            paths,
            selection,
            strict,
            format: Format::Text,
        } => {
            let overrides = selection.into_overrides();
            let plan = planner::build(&default_paths(paths), &resolver, &overrides);
            check(&plan, strict, &cli.global)
        }
        Command::Fix {
            paths,
            selection,
            unsafe_fixes,
            write,
        } => {
            let overrides = Overrides {
                unsafe_fixes,
                ..selection.into_overrides()
            };
            let plan = planner::build(&default_paths(paths), &resolver, &overrides);
            fix(&plan, &write, &cli.global)
        }
        Command::FixDockerfileHealthcheck {
            file,
            style,
            port,
            path,
            write,
        } => {
            let overrides = Overrides {
                port,
                path,
                style,
                select: Some(vec!["SW1".into()]),
                requested: true,
                ..Overrides::default()
            };
            let mut plan = Plan::default();
            match planner::plan_dockerfile(&file, &resolver, &overrides, None) {
                Ok(change) => plan.files.push(change),
                Err(e) => plan.errors.push(e),
            }
            fix(&plan, &write, &cli.global)
        }
    }
}

impl Selection {
    /// Every pattern must name a rule or a prefix of one.
    fn check(&self) -> Result<(), String> {
        self.select
            .iter()
            .flatten()
            .chain(&self.ignore)
            .try_for_each(|p| crate::registry::check_pattern(p))
    }

    fn into_overrides(self) -> Overrides {
        Overrides {
            select: self.select,
            ignore: self.ignore,
            ..Overrides::default()
        }
    }
}

fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    }
}

/// Prints diffs (stdout) and findings (stderr) of a plan.
/// Whether to colour what goes to `stream`: `--no-color`, `NO_COLOR`,
/// `CLICOLOR_FORCE` and whether it is a terminal decide.
fn colour<S: anstream::stream::RawStream>(stream: &S) -> bool {
    anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never
}

/// Writes the diff (stdout) and the findings (stderr), buffered: a large
/// plan is thousands of lines.
fn show(plan: &Plan, global: &Global) {
    let diff_colour = colour(&std::io::stdout());
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let changed: Vec<_> = plan.changed().collect();
    for diff in crate::parallel::map(&changed, |change| diff::unified(change)) {
        let _ = diff::write(&mut out, &diff, diff_colour);
    }
    let _ = out.flush();
    let report_colour = colour(&std::io::stderr());
    let mut err = std::io::BufWriter::new(std::io::stderr().lock());
    if global.verbose {
        for file in &plan.files {
            let _ = writeln!(err, "read {}", crate::paths::display(&file.path));
        }
    }
    if !global.quiet {
        let _ = report::findings(&mut err, plan, report_colour);
    }
    let _ = report::errors(&mut err, plan, report_colour);
    let _ = err.flush();
}

fn check(plan: &Plan, strict: bool, global: &Global) -> i32 {
    show(plan, global);
    if !global.quiet {
        eprintln!("{}", report::summary(plan, "would change"));
    }
    if !plan.errors.is_empty() {
        2
    } else if plan.changed().next().is_some() || (strict && plan.has_warnings()) {
        1
    } else {
        0
    }
}

fn fix(plan: &Plan, flags: &WriteFlags, global: &Global) -> i32 {
    show(plan, global);
    let say = |text: &str| {
        if !global.quiet {
            eprintln!("{text}");
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
        if !std::io::stdin().is_terminal() {
            eprintln!("error: standard input is not a terminal: pass --yes to write these changes (or --dry-run to only show them)");
            return 2;
        }
        let question = format!("Write these changes to {} file(s)?", changed.len());
        match inquire::Confirm::new(&question)
            .with_default(false)
            .prompt()
        {
            Ok(true) => {}
            _ => {
                say("nothing written");
                return 1;
            }
        }
    }
    let blocked: Vec<_> = changed
        .iter()
        .filter_map(|c| write::check_writable(c).err().map(|e| (c, e)))
        .collect();
    if !blocked.is_empty() {
        for (change, e) in blocked {
            eprintln!("error: {}: {e}", crate::paths::display(&change.path));
        }
        say("nothing written: every file must be writable first");
        return 2;
    }
    let mut failed = 0;
    for change in &changed {
        if let Err(e) = write::write(change) {
            eprintln!("error: {}: {e}", crate::paths::display(&change.path));
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

fn rules_command(id: Option<&str>) -> i32 {
    match id {
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
