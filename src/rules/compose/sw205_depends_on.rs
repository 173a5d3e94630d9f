//! SW205: `depends_on` in short form although a dependency has a healthcheck.

use super::{diagnostic, has_healthcheck, services, sw201_healthcheck, Ctx};
use crate::edit::{Edit, Fix};
use crate::rules::{Diagnostic, RuleMeta};
use crate::yaml::splice::{self, plain_or_quoted};
use crate::yaml::tree::Kind;

/// SW205's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW205",
    name: "compose-depends-on-healthy",
    target: "compose",
    summary: "`depends_on` short form on a service whose dependencies have health checks",
    doc: r#"## What it does
Rewrites `depends_on` from a list (`[db, redis]` or `- db`) to the long form,
with `condition: service_healthy` for every dependency that has (or gets, in
the same run) a health check and `service_started` for the others.

## Why is this bad?
The short form only waits for the container to start: the app then races the
database and crashes or retries on every deploy.

## Example
```yaml
    depends_on:
      - db
```

Use instead:
```yaml
    depends_on:
      db:
        condition: service_healthy
```

## Fix safety
Safe: the same services are waited for; only the condition changes where a
health check exists."#,
};

/// Finds short-form `depends_on` lists worth rewriting.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let file = ctx.file;
    let all = file.services();
    let healthy = |name: &str| {
        all.iter().find(|s| s.name == name).is_some_and(|dep| {
            has_healthcheck(ctx, dep)
                || (ctx.policy.enabled(sw201_healthcheck::META.code)
                    && !ctx
                        .policy
                        .ignored_for_service(dep.name, sw201_healthcheck::META.code)
                    && matches!(sw201_healthcheck::plan(ctx, dep), Ok(Some(_))))
        })
    };
    let mut out = Vec::new();
    for service in services(ctx, META.code) {
        let Some(entry) = service.node.entry("depends_on") else {
            continue;
        };
        let Kind::Seq(flow, items) = &entry.value.kind else {
            continue;
        };
        let names: Vec<&str> = items.iter().filter_map(|i| i.scalar()).collect();
        if names.len() != items.len() || names.is_empty() || !names.iter().any(|n| healthy(n)) {
            continue;
        }
        let condition = |n: &str| {
            if healthy(n) {
                "service_healthy"
            } else {
                "service_started"
            }
        };
        let edit = if *flow {
            let parts: Vec<String> = names
                .iter()
                .map(|n| format!("{}: {{condition: {}}}", plain_or_quoted(n), condition(n)))
                .collect();
            Edit::replace(
                entry.value.start..entry.value.end,
                format!("{{{}}}", parts.join(", ")),
            )
        } else {
            let text = &file.text;
            let unit = file.layout.unit;
            let indent = splice::column(text, entry.key.start) + unit;
            let mut lines = Vec::new();
            for n in &names {
                lines.push(format!("{}:", plain_or_quoted(n)));
                lines.push(format!("{}condition: {}", " ".repeat(unit), condition(n)));
            }
            let start = splice::line_start(text, items[0].start);
            let end = splice::after_line(text, entry.value.end);
            let mut replacement = splice::lines_at(text, &file.layout, end, indent, &lines);
            if end == text.len() && !file.layout.final_newline {
                replacement = replacement.trim_start_matches(['\r', '\n']).to_string();
            }
            Edit::replace(start..end, replacement)
        };
        let healthy_names: Vec<&str> = names.iter().copied().filter(|n| healthy(n)).collect();
        out.push(diagnostic(
            &META,
            &service,
            format!(
                "service `{}` starts before {} {} healthy: wait with `condition: service_healthy`",
                service.name,
                healthy_names.join(", "),
                if healthy_names.len() == 1 {
                    "is"
                } else {
                    "are"
                }
            ),
            Some(Fix::safe(vec![edit])),
        ));
    }
    out
}
