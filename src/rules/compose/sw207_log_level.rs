//! SW207: a locally built service has no `LOG_LEVEL` in its environment.

use super::{add_setting, diagnostic, services, Ctx};
use crate::diagnostic::Diagnostic;
use crate::edit::Fix;
use crate::model::compose;
use crate::model::log_level::LogLevel;
use crate::registry::{Owned, RuleMeta, Scope, Severity, Target};

/// What the fix may touch: the service's `environment`.
const OWNS: &[Owned] = &[Owned::extends("environment")];

/// SW207's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW207",
    name: "compose-log-level",
    target: Target::Compose,
    severity: Severity::Error,
    scope: Scope::Service,
    owns: OWNS,
    summary: "locally built service has no `LOG_LEVEL` (or its server's own log level variable) in its environment",
    fix_title: "Set `LOG_LEVEL=INFO` (or the variable its server reads)",
    doc: r#"## What it does
Adds `LOG_LEVEL=INFO` to the environment of services built from a local
Dockerfile whose app reads it, in the style the service already uses (list
or map). A service whose start command runs a server that reads its own
variable gets that one instead (`data/log_level.toml`: uvicorn reads
`UVICORN_LOG_LEVEL`, value `info`), and nothing when the command passes the
server's flag (`--log-level`). Evidence that an app reads `LOG_LEVEL`: its base image does (`data/images.toml`,
the tiangolo uvicorn-gunicorn images), its Dockerfile names `LOG_LEVEL`, or
a file of its build context does (`os.environ["LOG_LEVEL"]`,
`process.env.LOG_LEVEL`, an `.env.example` listing it; the search skips
what `.gitignore` and `.dockerignore` leave out and reads at most 5,000
files of up to 512 KiB). Without evidence nothing is added: a note, once
per file, names those services, since a variable nothing reads only
misleads whoever reads the file.

## Why is this bad?
Without an explicit level, the app's default decides, often DEBUG in
development builds: noisy, and sometimes leaking secrets into logs.

## Example
```yaml
    environment:
      - DATABASE_URL=postgres://db/app
```

Use instead:
```yaml
    environment:
      - DATABASE_URL=postgres://db/app
      - LOG_LEVEL=INFO
```

## Fix safety
Safe. A service with `env_file:` is read with its env files: when one sets
`LOG_LEVEL`, nothing is done (an `environment` entry would override it); when
all of them exist and none sets it, it gets `LOG_LEVEL=INFO`; when the only
absent one is the project's `.env` (usually git-ignored), it gets
`LOG_LEVEL=${LOG_LEVEL:-INFO}`, which keeps a level set there working; when
another is absent, a warning says what to do. Images like postgres don't read
it and get nothing."#,
};

/// Finds locally built services without a log level.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let file = ctx.file;
    let mut out = Vec::new();
    for service in services(ctx, META.code) {
        let meaning = service.meaning;
        if meaning.get("build").is_none() || compose::sets(meaning.get("environment"), "LOG_LEVEL")
        {
            continue;
        }
        // Only an app that reads a level gets one (the planner notes the
        // rest), in the variable it reads.
        let LogLevel::Reads {
            variable,
            value,
            evidence,
        } = ctx.project.log_level(&file.source.path, meaning)
        else {
            continue;
        };
        if compose::sets(meaning.get("environment"), &variable) {
            continue;
        }
        let env_files = compose::env_files(&file.source.path, meaning, &variable);
        if env_files.sets || compose::env_files(&file.source.path, meaning, "LOG_LEVEL").sets {
            continue;
        }
        let value = match env_files.missing.as_slice() {
            [] => value,
            [only] if only == ".env" => format!("${{{variable}:-{value}}}"),
            missing => {
                out.push(diagnostic(
                    &META,
                    &service,
                    format!(
                        "service `{}` sets no {variable}, which its app reads ({evidence}), and its env_file {} is absent here, so seaworthy cannot tell whether it sets one: add {variable}={value} to that file, or to `environment:`",
                        service.name,
                        missing.join(", ")
                    ),
                    None,
                ));
                continue;
            }
        };
        let edit = add_setting(file, &service, "environment", &variable, &value);
        let message = format!(
            "service `{}` sets no {variable}, and its app reads it ({evidence}): add {variable}={value}{}",
            service.name,
            if value.starts_with("${") {
                " (its `.env` is absent here; a level set there still wins)"
            } else {
                ""
            }
        );
        let fix = edit.map(|edit| Fix::safe(vec![edit]));
        out.push(diagnostic(&META, &service, message, Some(fix)));
    }
    out
}
