//! SW201: a service has no healthcheck (and its image has none).

use super::{diagnostic, insert_nested, services, Ctx};
use crate::compose::{self, Service};
use crate::config::Style;
use crate::edit::Fix;
use crate::health::port;
use crate::health::probe::{self, Probe, Target};
use crate::policy::ServiceHint;
use crate::project::Built;
use crate::rules::{Diagnostic, RuleMeta};
use crate::yaml::splice::quoted;

/// SW201's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW201",
    name: "compose-healthcheck",
    target: "compose",
    summary: "service has no healthcheck (and its image has none)",
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

## Fix safety
Safe. `healthcheck: {disable: true}` is respected; a service with no port
evidence or an image seaworthy does not know gets a warning, never a probe
that can only fail."#,
};

/// The healthcheck SW201 would insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthPlan {
    /// The `test` array.
    pub test: Vec<String>,
    /// A start period other than the default.
    pub start_period: Option<String>,
    /// Where the command and port come from.
    pub evidence: String,
}

/// What SW201 would insert for a service (`None`: it needs nothing), or why it cannot.
pub fn plan(ctx: &Ctx, service: &Service) -> Result<Option<HealthPlan>, String> {
    if service.meaning.get("healthcheck").is_some() {
        return Ok(None);
    }
    match ctx.project.built(&ctx.file.source.path, service.meaning) {
        Built::Stage(doc, stage, path) => {
            if doc.last_inherited(stage, "HEALTHCHECK").is_some() {
                return Ok(None);
            }
            let (client, why) = probe::choose(doc, stage, Style::Instruction).map_err(|why| {
                format!(
                    "{why}: give the Dockerfile a HEALTHCHECK (`seaworthy fix-dockerfile-healthcheck {}`)",
                    crate::paths::display(&path)
                )
            })?;
            let policy = ctx.policy.clone().for_service(Some(ServiceHint {
                name: service.name.to_string(),
                compose: ctx.file.source.path.clone(),
                ports: compose::container_ports(service.meaning),
            }));
            let choice = port::resolve(doc, stage, &policy)?;
            let route = policy.declared_route().map(|(p, _)| p);
            if route.as_deref().is_some_and(|r| !probe::valid_route(r)) {
                return Err("its health route is not a plain URL path".into());
            }
            let target = Target {
                port: choice.port,
                route,
            };
            let test = match probe::command(client, &target, &policy.config.health) {
                Probe::Exec(argv) => std::iter::once("CMD".to_string()).chain(argv).collect(),
                Probe::Shell(line) => vec!["CMD-SHELL".to_string(), line],
            };
            Ok(Some(HealthPlan {
                test,
                start_period: None,
                evidence: format!(
                    "the {} of its Dockerfile's image ({why}) on port {} ({})",
                    client.describe(),
                    choice.port,
                    choice.source
                ),
            }))
        }
        Built::Unreadable(path) => Err(format!(
            "its Dockerfile `{}` (or its target stage) cannot be read",
            crate::paths::display(&path)
        )),
        Built::No if compose::image(service.meaning).is_none() => Err(
            "it builds from a remote or inline Dockerfile seaworthy cannot read: add a healthcheck"
                .into(),
        ),
        Built::No => {
            let image = compose::image(service.meaning).unwrap_or("");
            match crate::images::lookup(image).and_then(|k| k.health.clone().map(|h| (h, k))) {
                Some((test, known)) => Ok(Some(HealthPlan {
                    test,
                    start_period: known.start_period.clone(),
                    evidence: format!("the documented check of `{}` (data/images.toml cites its source)", known.name),
                })),
                None => Err(format!(
                    "no health command is known for image `{image}`: add a healthcheck, or add the image to data/images.toml"
                )),
            }
        }
    }
}

/// Finds services without a health check.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for service in services(ctx, META.code) {
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
                out.push(match insert_nested(ctx.file, &service, &[], &lines) {
                    Ok(edit) => diagnostic(&META, &service, message, Some(Fix::safe(vec![edit]))),
                    Err(why) => {
                        diagnostic(&META, &service, format!("{message}; not done: {why}"), None)
                    }
                });
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
