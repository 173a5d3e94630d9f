//! SW202: a service has no `deploy.resources.limits`.

use super::{diagnostic, insert_nested, services, Ctx};
use crate::diagnostic::Diagnostic;
use crate::edit::Fix;
use crate::model::compose::Service;
use crate::model::images::KnownImage;
use crate::model::{category, compose, memory};
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
Services named `db` or `database` (or with such a part, `app-db`) are
databases. A limit never kills the service it protects:
- images that need more memory than their category allows (Elasticsearch,
  Cassandra, Keycloak, Mattermost) get the minimum `data/images.toml`
  records for them, with its source;
- a service that declares how much memory it will use (a JVM's `-Xmx` in
  its command or in `JAVA_OPTS`/`ES_JAVA_OPTS`, `--innodb-buffer-pool-size`,
  Redis `--maxmemory`, PostgreSQL `shared_buffers`) gets room for it, as
  `data/memory.toml` computes it (size x factor + extra, each row cited);
- a service whose image's vendor says a small limit breaks it (ClickHouse),
  or beside which a comment of the file warns about memory limits, gets no
  memory limit: a warning says why.
The message says which default it used and why it raised it.

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

/// Keys that limit a service outside `deploy` (Compose refuses a
/// `deploy.resources.limits` beside them: "can't set distinct values on
/// 'pids_limit' and 'deploy.resources.limits.pids'").
const LEGACY_LIMITS: &[&str] = &[
    "mem_limit",
    "memswap_limit",
    "cpus",
    "cpu_quota",
    "cpu_count",
    "cpu_percent",
    "pids_limit",
];

/// A memory size as Compose writes it (`512M`, `1g`, `1.5G`, `268435456`),
/// in bytes.
fn bytes(size: &serde_json::Value) -> Option<f64> {
    if let Some(n) = size.as_f64() {
        return Some(n);
    }
    let text = size.as_str()?.trim().to_ascii_lowercase();
    let text = text.trim_end_matches('b');
    let (number, unit) = match text.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((at, _)) => (&text[..at], &text[at..]),
        None => (text, ""),
    };
    let factor = match unit {
        "" => 1.0,
        "k" => 1024.0,
        "m" => 1024.0 * 1024.0,
        "g" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    number.trim().parse::<f64>().ok().map(|n| n * factor)
}

/// Words that, in a comment beside a service, say that memory limits harm
/// it: one of `LIMIT_WORDS` and one of `HARM_WORDS` in the same comment.
const LIMIT_WORDS: &[&str] = &["limit", "mem_limit", "memory"];
const HARM_WORDS: &[&str] = &[
    "crash", "break", "oom", "kill", "do not", "don't", "never", "fail",
];

/// Why no automatic memory limit suits the service, if something says so:
/// its image's vendor (`limits_break` in `data/images.toml`), or a comment
/// of the file's own beside the service.
fn limits_break(ctx: &Ctx, service: &Service, known: Option<&KnownImage>) -> Option<String> {
    if let Some(why) = known.and_then(|k| k.limits_break.as_deref()) {
        return Some(why.to_string());
    }
    compose::comments(ctx.file, service)
        .into_iter()
        .find(|comment| {
            let comment = comment.to_ascii_lowercase();
            LIMIT_WORDS.iter().any(|w| comment.contains(w))
                && HARM_WORDS.iter().any(|w| comment.contains(w))
        })
        .map(|comment| format!("a comment beside it warns about memory limits (\"{comment}\")"))
}

/// Finds services without limits.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for service in services(ctx, META.code) {
        let limits =
            crate::model::compose::nested(service.meaning, &["deploy", "resources", "limits"]);
        let has = |key: &str| limits.and_then(|l| l.get(key)).is_some();
        // A service limited with the legacy keys limits itself, and Compose
        // refuses `deploy.resources.limits` beside them.
        if (has("memory") && has("cpus"))
            || LEGACY_LIMITS
                .iter()
                .any(|k| service.meaning.get(*k).is_some())
        {
            continue;
        }
        let known =
            crate::model::compose::image(service.meaning).and_then(crate::model::images::lookup);
        if !has("memory") {
            if let Some(why) = limits_break(ctx, &service, known) {
                let message = format!(
                    "service `{}` has no memory limit, and none is added: {why}; write a limit you have measured",
                    service.name
                );
                out.push(diagnostic(&META, &service, message, None));
                continue;
            }
        }
        let category = category::of(service.name, service.meaning, ctx.policy);
        let (default_memory, cpus) = category.limits();
        let table_memory = known.and_then(|k| k.memory.as_deref());
        let mut memory = table_memory.unwrap_or(default_memory).to_string();
        // Room for what the service declares it will use (`-Xmx`, the
        // InnoDB buffer pool, `maxmemory`, `shared_buffers`).
        let mut room = String::new();
        if let Some(need) = memory::declared(service.meaning) {
            let base = memory::parse_size(&memory).unwrap_or(0);
            if need.bytes > base {
                memory = memory::format_size(need.bytes);
                room = format!(", raised to leave room for {}", need.evidence);
            }
        }
        let memory = memory.as_str();
        // Never below what the service reserves: Docker refuses to start it.
        let reserved = |key: &str| {
            crate::model::compose::nested(
                service.meaning,
                &["deploy", "resources", "reservations", key],
            )
        };
        let reserved_memory = reserved("memory").filter(|r| {
            bytes(r)
                .zip(bytes(&serde_json::Value::from(memory)))
                .is_some_and(|(r, m)| r > m)
        });
        let reserved_cpus = reserved("cpus").filter(|r| {
            let r = r
                .as_f64()
                .or_else(|| r.as_str().and_then(|s| s.parse().ok()));
            r.zip(cpus.parse::<f64>().ok()).is_some_and(|(r, c)| r > c)
        });
        let memory = match reserved_memory {
            Some(r) => r
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| r.to_string()),
            None => memory.to_string(),
        };
        let cpus = match reserved_cpus {
            Some(r) => r
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| r.to_string()),
            None => cpus.to_string(),
        };
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
        let reserves = if reserved_memory.is_some() || reserved_cpus.is_some() {
            ", raised to what it reserves"
        } else {
            ""
        };
        let default = match table_memory {
            Some(_) => format!(
                "the documented need of its image over the {} service default",
                category.name()
            ),
            None => format!("{} service default", category.name()),
        };
        let message = format!(
            "service `{}` has no {} limit: add {} ({default}{room}{reserves}; write your own limit, or set `[services.{}] category`)",
            service.name,
            if lines.len() == 2 {
                "resource"
            } else if has("memory") {
                "CPU"
            } else {
                "memory"
            },
            what.join(" and "),
            service.name
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
