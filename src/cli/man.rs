//! `seaworthy man [--dir DIR]`: the manual page (clap_mangen), generated
//! from the same parser the binary uses.

use std::io::Write;
use std::path::PathBuf;

use clap::CommandFactory;

/// The arguments of `man`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Write seaworthy.1 and one page per command (seaworthy-check.1 …)
    /// into DIR instead of printing seaworthy.1 on stdout.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Prints the page, or writes the pages (an error only from stdout).
pub(super) fn run(args: &Args) -> std::io::Result<i32> {
    let cmd = super::Cli::command();
    if let Some(dir) = &args.dir {
        let written =
            std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(cmd, dir));
        return match written {
            Ok(()) => Ok(0),
            Err(e) => {
                stderr!("error: {}: {e}", dir.display());
                Ok(2)
            }
        };
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut page)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&page)?;
    out.flush()?;
    Ok(0)
}
