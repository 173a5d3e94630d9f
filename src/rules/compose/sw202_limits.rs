//! SW202: a service has no `deploy.resources.limits`.

use super::{diagnostic, insert_nested, services, Ctx};
use crate::diagnostic::Diagnostic;
use crate::edit::Fix;
use crate::model::category;
use crate::registry::{Owned, RuleMeta, Scope, Severity, Target};

/// What the fix may touch: the service's `deploy`.
const OWNS: &[Owned] = &[Owned::extends("deploy")];

/// SW202's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW202",
    name: "compose-resource-limits",
    target: Target::Compose,
    severity: Severity::Error,
    scope: Scope::Service,
    owns: OWNS,
    summary: "service has no `deploy.resources.limits`",
    fix_title: "Add memory and CPU limits by category",
    doc: r#"## What it does
Adds memory and CPU limits (whichever of the two is missing) chosen by the
service's category: core 256M /
0.5 CPU, infrastructure 128M / 0.5, database 512M / 1.0, monitoring 256M /
0.5 (`[services.NAME] category` overrides the guess from image and name).
Images that need more memory than their category allows (Elasticsearch,
Cassandra: JVMs with large default heaps) get the limit `data/images.toml`
records for them, so the limit never kills the service it protects.

## Why is this bad?
One leaking service without limits takes the host's memory and every other
service with it.

## Example
```yaml
services:
  db:
    image: postgres:16
```

Use instead:
```yaml
services:
  db:
    image: postgres:16
    deploy:
      resources:
        limits:
          memory: 512M
          cpus: "1.0"
```

## Fix safety
Safe: it adds limits where there were none. Existing `deploy` and
`resources` blocks are extended, not replaced; limits that come from a merge
key count as present."#,
};

/// Finds services without limits.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for service in services(ctx, META.code) {
        let limits = service.meaning.pointer("/deploy/resources/limits");
        let has = |key: &str| limits.and_then(|l| l.get(key)).is_some();
        if has("memory") && has("cpus") {
            continue;
        }
        let category = category::of(service.name, service.meaning, ctx.policy);
        let (default_memory, cpus) = category.limits();
        let known =
            crate::model::compose::image(service.meaning).and_then(crate::model::images::lookup);
        let memory = known
            .and_then(|k| k.memory.as_deref())
            .unwrap_or(default_memory);
        let mut lines = Vec::new();
        let mut what = Vec::new();
        if !has("memory") {
            lines.push(format!("memory: {memory}"));
            what.push(format!("memory {memory}"));
        }
        if !has("cpus") {
            lines.push(format!("cpus: \"{cpus}\""));
            what.push(format!("cpus {cpus}"));
        }
        let message = format!(
            "service `{}` has no {} limit: add {} ({} service)",
            service.name,
            if lines.len() == 2 {
                "resource"
            } else if has("memory") {
                "CPU"
            } else {
                "memory"
            },
            what.join(" and "),
            category.name()
        );
        let edit = insert_nested(
            ctx.file,
            &service,
            &["deploy", "resources", "limits"],
            &lines,
        );
        let fix = edit.map(|edit| Fix::safe(vec![edit]));
        out.push(diagnostic(&META, &service, message, Some(fix)));
    }
    out
}
