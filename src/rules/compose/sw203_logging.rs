//! SW203: a service has no log rotation.

use super::{diagnostic, insert_nested, services, Ctx};
use crate::diagnostic::Diagnostic;
use crate::edit::Fix;
use crate::registry::{Owned, RuleMeta, Scope, Severity, Target};

/// What the fix may touch: the service's `logging`.
const OWNS: &[Owned] = &[Owned::extends("logging")];

/// SW203's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW203",
    name: "compose-log-rotation",
    target: Target::Compose,
    severity: Severity::Error,
    scope: Scope::Service,
    owns: OWNS,
    summary: "service has no log rotation",
    fix_title: "Rotate json-file logs",
    doc: r#"## What it does
Adds `logging` with the json-file driver rotated at 10m × 3 files, or
`logging: *ANCHOR` when the file already defines an anchored `x-logging`
block.

## Why is this bad?
Docker's default json-file log grows without bound until the disk is full.

## Example
```yaml
services:
  api:
    image: ghcr.io/acme/api:1
```

Use instead:
```yaml
services:
  api:
    image: ghcr.io/acme/api:1
    logging:
      driver: json-file
      options:
        max-size: 10m
        max-file: "3"
```

## Fix safety
Safe. Logging that comes from a merge key (`<<: *defaults`) counts as
present."#,
};

/// Finds services without logging config.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let anchor = ctx.file.logging_anchor();
    let mut out = Vec::new();
    for service in services(ctx, META.code) {
        if service.meaning.get("logging").is_some() {
            continue;
        }
        let (lines, what) = match &anchor {
            Some(name) => (
                vec![format!("logging: *{name}")],
                format!("reuse the `&{name}` logging block"),
            ),
            None => {
                let unit = " ".repeat(ctx.file.layout().unit);
                (
                    vec![
                        "logging:".to_string(),
                        format!("{unit}driver: json-file"),
                        format!("{unit}options:"),
                        format!("{unit}{unit}max-size: 10m"),
                        format!("{unit}{unit}max-file: \"3\""),
                    ],
                    "rotate json-file logs at 10m × 3".to_string(),
                )
            }
        };
        let message = format!("service `{}` has no log rotation: {what}", service.name);
        let fix = insert_nested(ctx.file, &service, &[], &lines).map(|edit| Fix::safe(vec![edit]));
        out.push(diagnostic(&META, &service, message, Some(fix)));
    }
    out
}
