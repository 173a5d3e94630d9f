//! SW205: `depends_on` in short form although a dependency has a healthcheck.

use foldhash::HashSet;

use super::{diagnostic, has_healthcheck, services, sw201_healthcheck, Ctx};
use crate::diagnostic::Diagnostic;
use crate::edit::{Edit, Fix};
use crate::registry::{Change, Level, Owned, RuleMeta, Scope, Severity, Target};
use crate::syntax::yaml::splice::{self, plain_or_quoted};
use crate::syntax::yaml::tree::{Kind, Node};

/// What the fix may touch: the form of `depends_on`, never whom it names.
const OWNS: &[Owned] = &[Owned {
    key: "depends_on",
    level: Level::Service,
    change: Change::Reshape,
}];

/// SW205's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW205",
    name: "compose-depends-on-healthy",
    target: Target::Compose,
    severity: Severity::Error,
    scope: Scope::Service,
    owns: OWNS,
    summary: "`depends_on` short form on a service whose dependencies have health checks",
    fix_title: "Wait with `condition: service_healthy`",
    doc: r#"## What it does
Rewrites `depends_on` from a list (`[db, redis]` or `- db`) to the long form,
with `condition: service_healthy` for every dependency that has (or gets, in
the same run) a health check and `service_started` for the others. Comments
between the items stay.

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
health check exists. A dependency only counts as healthy when it has a
health check that is not disabled (`disable: true`, `test: ["NONE"]`), or when
SW201 will really add one in this run (not ignored, and its service can be
edited). A worker (a service that builds the same image as a server but
runs its own command and publishes no port; see `seaworthy rules SW201`)
never counts as healthy through its image's HEALTHCHECK: it can never pass
there. A list shared through an anchor is left alone."#,
};

/// Finds short-form `depends_on` lists worth rewriting.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let file = ctx.file;
    let all = file.services();
    let gets_one: HashSet<&str> = if ctx.policy.enabled(sw201_healthcheck::META.code) {
        services(ctx, sw201_healthcheck::META.code)
            .iter()
            .filter(|s| splice::key_column(&file.text, s.node).is_some())
            .filter(|s| matches!(ctx.health_plan(s), Ok(Some(_))))
            .map(|s| s.name)
            .collect()
    } else {
        HashSet::default()
    };
    let healthy: HashSet<&str> = all
        .iter()
        .filter(|s| has_healthcheck(ctx, s) || gets_one.contains(s.name))
        // A worker's inherited image check probes what it never serves.
        .filter(|s| s.meaning.get("healthcheck").is_some() || ctx.worker(s).is_none())
        .map(|s| s.name)
        .collect();
    let mut out = Vec::new();
    for service in services(ctx, META.code) {
        let Some(entry) = service.node.entry("depends_on") else {
            continue;
        };
        let Kind::Seq(flow, items) = &entry.value.kind else {
            continue;
        };
        let names: Vec<&str> = items.iter().filter_map(|i| i.scalar()).collect();
        let unique: HashSet<&str> = names.iter().copied().collect();
        if entry.value.is_shared()
            || names.len() != items.len()
            || unique.len() != names.len()
            || !names.iter().any(|n| healthy.contains(n))
        {
            continue;
        }
        let condition = |n: &str| {
            if healthy.contains(n) {
                "service_healthy"
            } else {
                "service_started"
            }
        };
        let edits = if *flow {
            flow_rewrite(&entry.value, items, &condition)
        } else {
            vec![block_rewrite(ctx, entry.key.start, items, &condition)]
        };
        let waits: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| healthy.contains(n))
            .collect();
        out.push(diagnostic(
            &META,
            &service,
            format!(
                "service `{}` starts before {} {} healthy: wait with `condition: service_healthy`",
                service.name,
                waits.join(", "),
                if waits.len() == 1 { "is" } else { "are" }
            ),
            Some(Ok(Fix::safe(edits))),
        ));
    }
    out
}

/// Rewrites a block list line by line: each `- name # note` becomes
/// `name: # note` plus its condition; comment and blank lines stay.
/// A flow list rewritten in place as a flow mapping: the brackets become
/// braces and each name `name: {condition: …}`; commas, line breaks and
/// comments between the items stay where they are.
fn flow_rewrite(seq: &Node, items: &[Node], condition: &dyn Fn(&str) -> &'static str) -> Vec<Edit> {
    let mut edits = vec![
        Edit::replace(seq.start..seq.start + 1, "{"),
        Edit::replace(seq.end - 1..seq.end, "}"),
    ];
    edits.extend(items.iter().map(|item| {
        let name = item.scalar().unwrap_or_default();
        Edit::replace(
            item.start..item.end,
            format!(
                "{}: {{condition: {}}}",
                plain_or_quoted(name),
                condition(name)
            ),
        )
    }));
    edits
}

fn block_rewrite(
    ctx: &Ctx,
    key_start: usize,
    items: &[Node],
    condition: &dyn Fn(&str) -> &'static str,
) -> Edit {
    let file = ctx.file;
    let text = &file.text;
    let unit = " ".repeat(file.layout().unit);
    let indent = " ".repeat(splice::column(text, key_start) + file.layout().unit);
    let eol = file.layout().eol;
    let start = splice::line_start(text, items[0].start);
    let end = splice::after_line(text, items[items.len() - 1].end);
    let mut out = String::new();
    let mut offset = start;
    for line in text[start..end].split_inclusive('\n') {
        let line_end = offset + line.len();
        let ending = if line.ends_with('\n') { eol } else { "" };
        match items
            .iter()
            .find(|i| i.start >= offset && i.start < line_end)
        {
            Some(item) => {
                let name = item.scalar().unwrap_or_default();
                let after = text[item.end..line_end].trim_end_matches(['\r', '\n']);
                out.push_str(&format!("{indent}{}:{after}{eol}", plain_or_quoted(name)));
                out.push_str(&format!(
                    "{indent}{unit}condition: {}{ending}",
                    condition(name)
                ));
            }
            None => out.push_str(line),
        }
        offset = line_end;
    }
    Edit::replace(start..end, out)
}
