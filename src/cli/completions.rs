//! `seaworthy completions SHELL`: prints a shell completion script
//! (clap_complete), generated from the same parser the binary uses, so it
//! always knows every command and flag.

use std::io::Write;

use clap::CommandFactory;

/// The arguments of `completions`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Prints the script on stdout (an error only from stdout).
pub(super) fn run(args: &Args) -> std::io::Result<i32> {
    let mut cmd = super::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "seaworthy", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(0)
}
