//! SW201: a service has no healthcheck (and its image has none).

use super::{diagnostic, inherits_healthcheck, insert_nested, services, Ctx};
use crate::diagnostic::Diagnostic;
use crate::edit::{Applicability, Fix};
use crate::health::plan::HealthPlan;
use crate::registry::{Owned, RuleMeta, Scope, Severity, Target};
use crate::syntax::yaml::splice::quoted;

/// What the fix may touch: the service's `healthcheck`.
const OWNS: &[Owned] = &[Owned::extends("healthcheck")];

/// SW201's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW201",
    name: "compose-healthcheck",
    target: Target::Compose,
    severity: Severity::Error,
    scope: Scope::Service,
    owns: OWNS,
    summary: "service has no healthcheck (and its image has none)",
    fix_title: "Add a healthcheck chosen by image",
    doc: r#"## What it does
Gives a service without a health check one chosen by its image:
well-known images use their documented command (`data/images.toml`: postgres
`pg_isready`, redis `redis-cli ping`, …); a service built from a local
Dockerfile uses the same probe SW101 would write, on the same port. When the
Dockerfile has (or gets, in the same run) a HEALTHCHECK, the service needs
none: the image's own counts.

## Why is this bad?
`depends_on: condition: service_healthy` cannot wait for a service without a
health check, and `docker compose ps` cannot tell a hung service from a
working one.

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
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER:-postgres} -d $${POSTGRES_DB:-postgres}"]
      interval: 30s
      timeout: 10s
      retries: 3
      start_period: 40s
```

A service whose `command:` sets `--port 0` (`redis-server --port 0
--tls-port 6379`) gets no probe and a warning: the documented checks speak
the plain port, and a TLS probe would need a client certificate seaworthy
cannot know.

## Workers
Only servers get probes. A service is a **worker** when another service
builds the same Dockerfile stage (same file, same `build.target`), it
publishes no container port (`ports:`, `expose:`) and its own `command:` and
`environment:` name none, it sets its own `command:` or `entrypoint:`, and a
sibling that serves (one that publishes or names a port, or runs the image's
own start command) starts differently: redash's `scheduler` and `worker`
beside its `server`. SW101 then leaves the Dockerfile without a HEALTHCHECK
(every service would inherit it) and SW201 puts the probe on the serving
services only, each on its own port; workers get nothing. The same happens
when the services that build one image would be probed on different ports.
When the Dockerfile already has a HEALTHCHECK (the user's own), a worker
gets `healthcheck: {disable: true}` as an unsafe fix, saying why.

## Fix safety
Safe. `healthcheck: {disable: true}` is respected; a service with no port
evidence or an image seaworthy does not know gets a warning, never a probe
that can only fail. Disabling a worker's inherited HEALTHCHECK is unsafe: it
turns off a check the user wrote."#,
};

/// Finds services without a health check.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for service in services(ctx, META.code) {
        if let Some(why) = ctx.worker(&service) {
            if ctx.one_shot(&service).is_none()
                && service.meaning.get("healthcheck").is_none()
                && inherits_healthcheck(ctx, &service)
            {
                let unit = " ".repeat(ctx.file.layout().unit);
                let lines = ["healthcheck:".to_string(), format!("{unit}disable: true")];
                let fix = insert_nested(ctx.file, &service, &[], &lines).map(|edit| Fix {
                    edits: vec![edit],
                    applicability: Applicability::Unsafe,
                });
                let message = format!(
                    "service `{}` inherits its image's HEALTHCHECK, but {why}: the check probes what it never serves and would keep it unhealthy forever; disable it here",
                    service.name
                );
                out.push(diagnostic(&META, &service, message, Some(fix)));
            }
            continue;
        }
        match ctx.health_plan(&service) {
            Ok(None) => {}
            Ok(Some(HealthPlan {
                test,
                start_period,
                evidence,
            })) => {
                let items: Vec<String> = test.iter().map(|t| quoted(t)).collect();
                let lines = vec![
                    "healthcheck:".to_string(),
                    format!("  test: [{}]", items.join(", ")),
                    "  interval: 30s".into(),
                    "  timeout: 10s".into(),
                    "  retries: 3".into(),
                    format!(
                        "  start_period: {}",
                        start_period.as_deref().unwrap_or("40s")
                    ),
                ];
                let unit = " ".repeat(ctx.file.layout().unit);
                let lines: Vec<String> = lines
                    .into_iter()
                    .map(|l| l.replacen("  ", &unit, 1))
                    .collect();
                let message = format!(
                    "service `{}` has no healthcheck: add {evidence}",
                    service.name
                );
                let fix = insert_nested(ctx.file, &service, &[], &lines)
                    .map(|edit| Fix::safe(vec![edit]));
                out.push(diagnostic(&META, &service, message, Some(fix)));
            }
            Err(why) => out.push(diagnostic(
                &META,
                &service,
                format!("service `{}` has no healthcheck; {why}", service.name),
                None,
            )),
        }
    }
    out
}
