//! SW207: a locally built service has no `LOG_LEVEL` in its environment.

use super::{add_setting, diagnostic, services, Ctx};
use crate::diagnostic::Diagnostic;
use crate::edit::Fix;
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
Safe. Services with an `env_file` are left alone (it may set the level, and an
`environment` entry would override it); images like postgres don't read it and
get nothing."#,
};

/// Finds locally built services without a log level.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let file = ctx.file;
    let mut out = Vec::new();
    for service in services(ctx, META.code) {
        let meaning = service.meaning;
        if meaning.get("build").is_none()
            || meaning.get("env_file").is_some()
            || crate::model::compose::sets(meaning.get("environment"), "LOG_LEVEL")
        {
            continue;
        }
        let edit = add_setting(file, &service, "environment", "LOG_LEVEL", "INFO");
        let message = format!(
            "service `{}` sets no LOG_LEVEL: add LOG_LEVEL=INFO",
            service.name
        );
        let fix = edit.map(|edit| Fix::safe(vec![edit]));
        out.push(diagnostic(&META, &service, message, Some(fix)));
    }
    out
}
