//! `seaworthy init [DIR]`: detects the stack, settles the answers (the
//! wizard, `--defaults` or `--answers FILE`), renders the files the
//! project lacks, fixes the ones it has, and ends like `fix`: one diff,
//! confirm, write.

use std::path::{Path, PathBuf};

use super::{fix, prompt, show, Global, WriteFlags};
use crate::init::answers::{self, Answers};
use crate::init::detect::{self, Detection};
use crate::init::wizard::{self, Stop};
use crate::init::{self as scaffold, render};
use crate::settings::resolver::Resolver;

/// The arguments of `init`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The project's folder (default: the current folder).
    dir: Option<PathBuf>,
    /// Take every detected default without asking.
    #[arg(long, conflicts_with = "answers")]
    defaults: bool,
    /// Take the answers from this TOML file (the questions' keys; the
    /// detected defaults for the rest), without asking.
    #[arg(long, value_name = "FILE")]
    answers: Option<PathBuf>,
    /// Use the templates in this folder instead of the built-in ones, file
    /// by file (python.Dockerfile, compose.yaml, env.example…).
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    #[command(flatten)]
    write: WriteFlags,
}

/// Runs `init` and returns the exit code (an error only from stdout).
pub(super) fn run(args: Args, resolver: &Resolver, global: &Global) -> std::io::Result<i32> {
    let root = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        stderr!("{}: error: not a folder", root.display());
        return Ok(2);
    }
    // A templates folder that is not there would silently render the
    // built-in templates: say so before any question is asked.
    if let Some(dir) = args.templates.as_deref().filter(|d| !d.is_dir()) {
        stderr!(
            "{}: error: --templates names no folder (a folder of template files: python.Dockerfile, compose.yaml, env.example…)",
            dir.display()
        );
        return Ok(2);
    }
    let candidates = detect::candidates(&root);
    let interactive = args.answers.is_none() && !args.defaults;
    if interactive {
        if let Some(why) = prompt::cannot_ask() {
            stderr!(
                "error: {why}: pass --defaults or --answers FILE to run init without questions"
            );
            return Ok(2);
        }
    }
    let mut terminal = wizard::Terminal::new(show::colour(&std::io::stderr()));
    let stack = match &args.answers {
        Some(file) => match answers::stack_of(file, &candidates) {
            Ok(stack) => stack,
            Err(e) => {
                stderr!("{e}");
                return Ok(2);
            }
        },
        None if interactive && candidates.len() > 1 => {
            match wizard::ask_stack(&mut terminal, &candidates) {
                Ok(stack) => Some(stack),
                Err(stop) => return Ok(stopped(stop)),
            }
        }
        None => None,
    };
    let detection = match stack.as_deref() {
        Some(detect::OTHER) => detect::other(),
        _ => match detect::detect(&root, stack.as_deref()) {
            Ok(d) => d,
            Err(e) => {
                stderr!("{e}");
                // The wizard offers a skeleton instead; --defaults has
                // nothing to take, so it stays an error (ADR 014).
                if !interactive {
                    stderr!(
                        "{}: note: `seaworthy init` on a terminal, or an answers file with `stack = \"{}\"`, writes a Dockerfile skeleton to complete",
                        root.display(),
                        detect::OTHER
                    );
                    return Ok(2);
                }
                match wizard::ask_other(&mut terminal) {
                    Ok(true) => detect::other(),
                    Ok(false) => return Ok(stopped(Stop::Cancelled)),
                    Err(stop) => return Ok(stopped(stop)),
                }
            }
        },
    };
    if !global.quiet {
        stderr!("{}", summary(&root, &detection));
    }
    let defaults = Answers::defaults(&detection);
    let answers = if let Some(file) = &args.answers {
        match Answers::load(file, defaults) {
            Ok(a) => a,
            Err(e) => {
                stderr!("{e}");
                return Ok(2);
            }
        }
    } else if args.defaults {
        defaults
    } else {
        match wizard::ask(&mut terminal, &detection, defaults) {
            Ok(a) => a,
            Err(stop) => return Ok(stopped(stop)),
        }
    };
    let rendered = match render::render(&root, &detection, &answers, args.templates.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            stderr!("{e}");
            return Ok(2);
        }
    };
    let plan = scaffold::plan(&root, rendered, resolver);
    fix::apply(&plan, &args.write, global)
}

/// Says that nothing was written, and returns the exit code of `stop`.
fn stopped(stop: Stop) -> i32 {
    stderr!("nothing written");
    match stop {
        Stop::Cancelled => 1,
        Stop::Interrupted => 130,
    }
}

/// What detection found, one fact a line with its evidence.
fn summary(root: &Path, d: &Detection) -> String {
    if d.stack.value == detect::OTHER {
        return format!(
            "detected in {}:\n  stack       {} ({})",
            root.display(),
            d.stack.value,
            d.stack.evidence
        );
    }
    let mut lines = vec![
        format!("detected in {}:", root.display()),
        format!("  stack       {} ({})", d.stack.value, d.stack.evidence),
        format!(
            "  packages    {} ({})",
            d.manager.value.name, d.manager.evidence
        ),
        format!(
            "  framework   {} ({})",
            d.framework.value, d.framework.evidence
        ),
        format!("  start       {} ({})", d.start.value, d.start.evidence),
    ];
    lines.push(match &d.port {
        Some(p) => format!("  port        {} ({})", p.value, p.evidence),
        None => "  port        none found: it serves nothing".into(),
    });
    lines.push(match &d.health {
        Some(h) => format!("  health      {} ({})", h.value, h.evidence),
        None => "  health      no route in the code: probes check that the app answers".into(),
    });
    for w in &d.workers {
        lines.push(format!(
            "  worker      {}: {} ({})",
            w.value.name, w.value.command, w.evidence
        ));
    }
    for s in &d.services {
        lines.push(format!("  service     {} ({})", s.value, s.evidence));
    }
    for note in &d.notes {
        lines.push(format!("  note        {note}"));
    }
    lines.join("\n")
}
