//! `seaworthy fix-dockerfile-healthcheck FILE`: gives exactly one
//! Dockerfile a HEALTHCHECK (or a health stage), then shows, confirms and
//! writes like `fix`.

use std::path::PathBuf;

use super::{fix, Global, WriteFlags};
use crate::engine::planner;
use crate::plan::Plan;
use crate::settings::policy::Overrides;
use crate::settings::resolver::Resolver;
use crate::settings::Style;

/// The arguments of `fix-dockerfile-healthcheck`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The Dockerfile.
    file: PathBuf,
    /// auto: a client the image has, else a copied probe; instruction; stage.
    #[arg(long, value_enum)]
    style: Option<Style>,
    /// The port to probe (otherwise from evidence, else 8080).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    port: Option<u16>,
    /// A health route the app serves, e.g. /healthz (makes the probe strict).
    #[arg(long, value_parser = route)]
    path: Option<String>,
    #[command(flatten)]
    write: WriteFlags,
}

/// Runs `fix-dockerfile-healthcheck` and returns the exit code (an error
/// only from stdout).
pub(super) fn run(args: Args, resolver: &Resolver, global: &Global) -> std::io::Result<i32> {
    let Args {
        file,
        style,
        port,
        path,
        write,
    } = args;
    let overrides = Overrides {
        port,
        path,
        style,
        select: Some(vec!["SW1".into()]),
        requested: true,
        ..Overrides::default()
    };
    let mut plan = Plan::default();
    match not_a_dockerfile(&file) {
        Some(e) => plan.errors.push(e),
        None => match planner::plan_dockerfile(&file, resolver, &overrides, None) {
            Ok(change) => plan.files.push(change),
            Err(e) => plan.errors.push(e),
        },
    }
    fix::apply(&plan, &write, global)
}

/// Why `file` is no Dockerfile to give a HEALTHCHECK, when the path says
/// so before its text is read: it is missing, a folder (the Dockerfile in
/// it is suggested), or a Compose file (`fix` is suggested).
fn not_a_dockerfile(file: &std::path::Path) -> Option<crate::error::InputError> {
    use crate::error::InputError;
    if file.is_dir() {
        let inside = file.join("Dockerfile");
        let hint = if inside.is_file() {
            format!(": did you mean `{}`?", inside.display())
        } else {
            ", not a Dockerfile".to_string()
        };
        return Some(InputError::path(file, format!("is a folder{hint}")));
    }
    if !file.exists() {
        return Some(InputError::path(file, "no such file"));
    }
    let name = file.file_name()?.to_string_lossy();
    (crate::discover::kind_of(&name) == Some(crate::discover::FileKind::Compose)).then(|| {
        InputError::path(
            file,
            format!(
                "is a Compose file: `seaworthy fix {}` gives its services health checks",
                file.display()
            ),
        )
    })
}

/// Reads `--path`: a URL path, or an error that says what to write.
fn route(value: &str) -> Result<String, String> {
    match crate::settings::route_problem(value) {
        None => Ok(value.to_string()),
        Some(why) => Err(why),
    }
}
