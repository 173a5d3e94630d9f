//! SW207: a locally built service has no `LOG_LEVEL` in its environment.

use super::{add_setting, diagnostic, services, Ctx};
use crate::diagnostic::Diagnostic;
use crate::edit::Fix;
use crate::model::compose;
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
    summary: "locally built service has no `LOG_LEVEL` in its environment",
    fix_title: "Set `LOG_LEVEL=INFO`",
    doc: r#"## What it does
Adds `LOG_LEVEL=INFO` to the environment of services built from a local
Dockerfile, in the style the service already uses (list or map).

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
        if meaning.get("build").is_none()
            || crate::model::compose::sets(meaning.get("environment"), "LOG_LEVEL")
        {
            continue;
        }
        let env_files = compose::env_files(&file.source.path, meaning, "LOG_LEVEL");
        if env_files.sets {
            continue;
        }
        let value = match env_files.missing.as_slice() {
            [] => "INFO",
            [only] if only == ".env" => "${LOG_LEVEL:-INFO}",
            missing => {
                out.push(diagnostic(
                    &META,
                    &service,
                    format!(
                        "service `{}` sets no LOG_LEVEL, and its env_file {} is absent here, so seaworthy cannot tell whether it sets one: add LOG_LEVEL=INFO to that file, or to `environment:`",
                        service.name,
                        missing.join(", ")
                    ),
                    None,
                ));
                continue;
            }
        };
        let edit = add_setting(file, &service, "environment", "LOG_LEVEL", value);
        let message = format!(
            "service `{}` sets no LOG_LEVEL: add LOG_LEVEL={value}{}",
            service.name,
            if value == "INFO" {
                ""
            } else {
                " (its `.env` is absent here; a level set there still wins)"
            }
        );
        let fix = edit.map(|edit| Fix::safe(vec![edit]));
        out.push(diagnostic(&META, &service, message, Some(fix)));
    }
    out
}
