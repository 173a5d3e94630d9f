//! The command line: parses arguments, builds the plan, and hands it to the
//! diff renderer, the report and the writer. Exit codes: 0 nothing to do or
//! done, 1 drift found or declined, 2 error, 130 interrupted at the prompt.
//!
//! This file holds the clap parser, the flags every command takes, and the
//! dispatch; each command has its own file, and `show` shows a plan.
//!
//! Output never panics: a command returns an error only when stdout cannot
//! be written, and a reader that went away (`seaworthy rules | head -1`)
//! ends the run quietly with exit 0, as ripgrep does. Messages on stderr
//! go through `stderr!`, which drops what a closed stderr cannot take.

/// `eprintln!` that never panics: a closed stderr only loses the message.
macro_rules! stderr {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod check;
mod completions;
mod fix;
mod fix_dockerfile_healthcheck;
mod init;
mod man;
mod prompt;
mod rules;
mod show;

use std::io;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::settings::policy::Overrides;
use crate::settings::resolver::Resolver;

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

/// The commands, each with its arguments (in the file of the same name).
#[derive(Debug, Subcommand)]
enum Command {
    /// Give one Dockerfile a HEALTHCHECK (or a health stage): diff, confirm, write.
    FixDockerfileHealthcheck(fix_dockerfile_healthcheck::Args),
    /// Apply every enabled rule's fix: diff, confirm, write.
    Fix(fix::Args),
    /// Print what fix would change and exit 1 if anything would (for CI).
    Check(check::Args),
    /// Detect the stack, ask a few questions, and write a production-ready
    /// Dockerfile, compose.yaml, .dockerignore, .env.example and seaworthy.toml.
    Init(init::Args),
    /// List the rules, or explain one.
    Rules(rules::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::Args),
    /// Print the manual page (roff), or write one page per command.
    Man(man::Args),
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

/// Runs the command line and returns the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    // Generated from the parser alone: no config is read, none can fail.
    let early = match &cli.command {
        Command::Completions(args) => Some(completions::run(args)),
        Command::Man(args) => Some(man::run(args)),
        _ => None,
    };
    if let Some(result) = early {
        return exit_code(result);
    }
    if cli.global.no_color {
        anstream::ColorChoice::Never.write_global();
    }
    let resolver = match Resolver::new(cli.global.config.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            stderr!("{e}");
            return 2;
        }
    };
    if let Command::Check(check::Args { selection, .. })
    | Command::Fix(fix::Args { selection, .. }) = &cli.command
    {
        if let Err(why) = selection.check() {
            stderr!("error: {why}");
            return 2;
        }
    }
    let result = match cli.command {
        Command::Rules(args) => rules::run(&args),
        Command::Check(args) => check::run(args, &resolver, &cli.global),
        Command::Fix(args) => fix::run(args, &resolver, &cli.global),
        Command::Init(args) => init::run(args, &resolver, &cli.global),
        Command::FixDockerfileHealthcheck(args) => {
            fix_dockerfile_healthcheck::run(args, &resolver, &cli.global)
        }
        Command::Completions(_) | Command::Man(_) => unreachable!("handled above"),
    };
    exit_code(result)
}

/// The exit code of a command's result: a reader that went away is no error.
fn exit_code(result: io::Result<i32>) -> i32 {
    match result {
        Ok(code) => code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            stderr!("error: cannot write to standard output: {e}");
            2
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
