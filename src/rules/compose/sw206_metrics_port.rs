//! SW206: a service that exports metrics has no metrics port published.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{add_setting, diagnostic, insert_nested, services, Ctx};
use crate::diagnostic::Diagnostic;
use crate::edit::Fix;
use crate::health::port;
use crate::model::project::Built;
use crate::model::{category, compose};
use crate::registry::{Owned, RuleMeta, Scope, Severity, Target};
use crate::syntax::yaml::splice::{self, quoted};

/// What the fix may touch: the service's `ports` and `labels`.
const OWNS: &[Owned] = &[Owned::extends("ports"), Owned::extends("labels")];

/// SW206's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW206",
    name: "compose-metrics-port",
    target: Target::Compose,
    severity: Severity::Error,
    scope: Scope::Service,
    owns: OWNS,
    summary: "service exports metrics but publishes no metrics port",
    fix_title: "Publish a metrics port and label it",
    doc: r#"## What it does
For a service whose image runs the health-stage wrapper
(`healthcheck --export-prom :PORT -- …`), publishes the metrics port on a host
port from its category's range (core 9091–9099, infrastructure 9101–9103,
database 9120–9124, monitoring 9100, 9187) and adds the label
`metrics_port=PORT`. Allocation is deterministic: ports already in the file
are kept, a new one takes the lowest free port of the range, and no host port
is used twice; a full range is reported with the category and range. The
metrics port is never published wider than the service's own ports: it binds
the address they all bind (`127.0.0.1:8003:8000` gives `127.0.0.1:9091:9091`),
loopback when they bind different ones, and every interface only when they
do too.

## Why is this bad?
Prometheus discovery on the network finds the service by its label; without
the port and label, the metrics the wrapper exports are never scraped.

## Example
```yaml
services:
  api:
    build: ./api
```

Use instead:
```yaml
services:
  api:
    build: ./api
    ports:
      - "9091:9091"
    labels:
      metrics_port: "9091"
```

## Fix safety
Safe. Services that export no metrics get nothing: a port mapping to a
container port where nothing listens is noise."#,
};

fn exported_port(ctx: &Ctx, service: &Value) -> Option<u16> {
    match ctx.project.built(&ctx.file.source.path, service) {
        Built::Stage(doc, stage, _) => port::metrics_ports(doc, stage).into_iter().next(),
        _ => None,
    }
}

fn has_label(service: &Value) -> bool {
    compose::sets(service.get("labels"), "metrics_port")
}

/// Finds services that export metrics without a published port and label.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let file = ctx.file;
    // Host ports in use: a set, not a flag per port, because a check runs
    // once per file and most files publish a handful of ports.
    let mut used: BTreeSet<u16> = file
        .services()
        .iter()
        .flat_map(|s| compose::host_ports(s.meaning))
        .collect();
    let mut out = Vec::new();
    for service in services(ctx, META.code) {
        let Some(metrics) = exported_port(ctx, service.meaning) else {
            continue;
        };
        // A service in another's network namespace cannot publish ports.
        if let Some(mode) = service
            .meaning
            .get("network_mode")
            .and_then(serde_json::Value::as_str)
            .filter(|m| {
                *m == "host"
                    || *m == "none"
                    || m.starts_with("service:")
                    || m.starts_with("container:")
            })
        {
            let message = format!(
                "service `{}` exports metrics on {metrics}, but with `network_mode: {mode}` it cannot publish ports: publish the metrics port on the service that owns the network namespace (or none is needed with `host`)",
                service.name
            );
            out.push(diagnostic(&META, &service, message, None));
            continue;
        }
        let published = compose::container_ports(service.meaning).contains(&metrics)
            && service.meaning.get("ports").is_some();
        if published && has_label(service.meaning) {
            continue;
        }
        let category = category::of(service.name, service.meaning, ctx.policy);
        let range = category.metrics_ports();
        let mut edits = Vec::new();
        let mut what = Vec::new();
        if !published {
            let Some(host) = range.iter().copied().find(|p| !used.contains(p)) else {
                out.push(diagnostic(
                    &META,
                    &service,
                    format!(
                        "service `{}` exports metrics on {metrics}, but the {} range of host ports ({}-{}) is full: set ports by hand",
                        service.name,
                        category.name(),
                        range[0],
                        range[range.len() - 1]
                    ),
                    None,
                ));
                continue;
            };
            // Never wider than the service's own ports: the address they
            // all bind, loopback when they bind different ones, every
            // interface only when they do too (or publish nothing yet).
            let ips = compose::host_ips(service.meaning);
            let bind = match ips.first() {
                Some(first) if ips.iter().all(|ip| ip == first) => first.clone(),
                Some(_) if ips.iter().any(Option::is_some) => Some("127.0.0.1".to_string()),
                _ => None,
            };
            let spec = match &bind {
                Some(ip) => format!("{ip}:{host}:{metrics}"),
                None => format!("{host}:{metrics}"),
            };
            let mapping = quoted(&spec);
            let edit = match service.node.get("ports") {
                Some(ports) if ports.is_shared() => {
                    Err("`ports` is shared through an anchor or alias".to_string())
                }
                Some(ports) => splice::append_to_seq(&file.text, file.layout(), ports, &mapping)
                    .ok_or_else(|| "`ports` is not a list seaworthy can add to".to_string()),
                None => insert_nested(
                    file,
                    &service,
                    &[],
                    &["ports:".into(), seq_item(ctx, &mapping)],
                ),
            };
            match edit {
                Ok(edit) => {
                    used.insert(host);
                    edits.push(edit)
                }
                Err(why) => {
                    let message = format!("service `{}` publishes no metrics port", service.name);
                    out.push(diagnostic(&META, &service, message, Some(Err(why))));
                    continue;
                }
            }
            what.push(format!("publish {spec}"));
        }
        if !has_label(service.meaning) {
            match add_setting(
                file,
                &service,
                "labels",
                "metrics_port",
                &metrics.to_string(),
            ) {
                Ok(edit) => edits.push(edit),
                Err(why) => {
                    let message = format!("service `{}` has no metrics_port label", service.name);
                    out.push(diagnostic(&META, &service, message, Some(Err(why))));
                    continue;
                }
            }
            what.push(format!("label metrics_port={metrics}"));
        }
        if edits.is_empty() {
            continue;
        }
        out.push(diagnostic(
            &META,
            &service,
            format!(
                "service `{}` exports metrics on container port {metrics} ({} service): {}",
                service.name,
                category.name(),
                what.join(", ")
            ),
            Some(Ok(Fix::safe(edits))),
        ));
    }
    out
}

/// A one-item block list under a new key, indented as the file indents lists.
fn seq_item(ctx: &Ctx, item: &str) -> String {
    let pad = if ctx.file.layout().seq_indented {
        " ".repeat(ctx.file.layout().unit)
    } else {
        String::new()
    };
    format!("{pad}- {item}")
}
