//! SW204: a service has no restart policy.

use super::{diagnostic, insert_nested, services, Ctx};
use crate::diagnostic::Diagnostic;
use crate::edit::Fix;
use crate::registry::{Owned, RuleMeta, Scope, Severity, Target};

/// What the fix may touch: the service's `restart`.
const OWNS: &[Owned] = &[Owned::extends("restart")];

/// SW204's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW204",
    name: "compose-restart",
    target: Target::Compose,
    severity: Severity::Error,
    scope: Scope::Service,
    owns: OWNS,
    summary: "service has no restart policy",
    fix_title: "Add `restart: unless-stopped`",
    doc: r#"## What it does
Adds `restart: unless-stopped` to a service with no `restart` and no
`deploy.restart_policy`.

## Why is this bad?
Without a restart policy a crashed service, or every service after a host
reboot, stays down.

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
    restart: unless-stopped
```

## Fix safety
Safe: `unless-stopped` never restarts a service someone stopped."#,
};

/// Finds services without a restart policy.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for service in services(ctx, META.code) {
        if service.meaning.get("restart").is_some()
            || crate::model::compose::nested(service.meaning, &["deploy", "restart_policy"])
                .is_some()
            || ctx.one_shot(&service).is_some()
        {
            continue;
        }
        let message = format!(
            "service `{}` has no restart policy: add `restart: unless-stopped`",
            service.name
        );
        let fix = insert_nested(ctx.file, &service, &[], &["restart: unless-stopped".into()])
            .map(|edit| Fix::safe(vec![edit]));
        out.push(diagnostic(&META, &service, message, Some(fix)));
    }
    out
}
