//! SW209: a service's own `healthcheck.test` can never pass, or can hang.

use serde_json::Value;

use super::{diagnostic, services, Ctx};
use crate::diagnostic::Diagnostic;
use crate::edit::{Applicability, Edit, Fix};
use crate::health::check::{self, UserCheck};
use crate::health::plan::test_of;
use crate::health::{port, probe};
use crate::model::compose::{self, Service};
use crate::model::project::Built;
use crate::registry::{Change, Level, Owned, RuleMeta, Scope, Severity, Target};
use crate::settings::Style;
use crate::syntax::dockerfile::{words, Dockerfile, Stage};
use crate::syntax::yaml::splice::quoted;

/// What the fix may touch: `healthcheck.test`, nothing else of it.
const OWNS: &[Owned] = &[Owned {
    key: "healthcheck",
    level: Level::Service,
    change: Change::Within("test"),
}];

/// SW209's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW209",
    name: "compose-broken-healthcheck",
    target: Target::Compose,
    severity: Severity::Error,
    scope: Scope::Service,
    owns: OWNS,
    summary: "a service's healthcheck test that can never pass, or has no client timeout",
    fix_title: "Replace the healthcheck test with the probe seaworthy would write",
    doc: r#"## What it does
Reads a service's own `healthcheck.test` and reports it on the evidence
SW107 uses for a Dockerfile HEALTHCHECK (`seaworthy rules SW107`), read
from the image the service runs: the Dockerfile stage it builds, or its
`image:` (with its `command:` and port variables) as the Dockerfile it
amounts to. An error when the test can never pass: it runs a program the
image does not have (`curl` in `python:3.12-slim`; `CMD-SHELL` needs
`/bin/sh`), probes a port nothing listens on (the service's `ports:` and
`expose:` and its command count too), or requires a health route the app's
code contradicts. A warning when its HTTP client (curl, wget, python's
urlopen, node's http.get) has no time limit and the image is known to have
that client. A service with `network_mode:`
shares another network namespace, where others may serve the port: its
ports are not judged.
Nothing is said where the evidence is missing (an image seaworthy does not
know). `healthcheck: {disable: true}` and `test: ["NONE"]` are respected.

## Why is this bad?
A service whose check can only fail is unhealthy forever, and every service
that waits on it with `condition: service_healthy` never starts.

## Example
```yaml
services:
  api:
    image: python:3.12-slim
    command: ["python", "-m", "http.server", "8000"]
    ports: ["8000:8000"]
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/"]
```

Use instead:
```yaml
services:
  api:
    image: python:3.12-slim
    command: ["python", "-m", "http.server", "8000"]
    ports: ["8000:8000"]
    healthcheck:
      test: ["CMD", "python", "-c", "import urllib.request as r\nr.urlopen('http://127.0.0.1:8000/', timeout=4)"]
```

## Fix safety
Unsafe: it replaces a check the user wrote. Only `test` changes (the
probe SW201 would insert, on the check's own port and route, or the ones
the evidence gives where those are what is wrong); `interval`, `timeout`
and the rest are kept."#,
};

/// Finds services whose own healthcheck test can never pass or can hang.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let path = &ctx.file.source.path;
    let mut out = Vec::new();
    for service in services(ctx, META.code) {
        let Some((user, shell_form)) = user_check(service.meaning) else {
            continue;
        };
        if written_by_this_run(ctx, &service) {
            continue;
        }
        let policy = ctx.policy.clone().for_service(Some(port::service_hint(
            path,
            service.name,
            service.meaning,
        )));
        // In another's network namespace, another container may serve the port.
        let own_network = service.meaning.get("network_mode").is_none();
        let judged = |doc: &Dockerfile, stage: &Stage| {
            // Docker runs `CMD-SHELL` with the image's SHELL, when it sets one.
            let mut user = user.clone();
            if let Some(shell) = doc
                .last_inherited(stage, "SHELL")
                .and_then(|i| words::exec_form(&doc.instructions()[i].args.bytes))
                .and_then(|shell| shell.into_iter().next())
                .filter(|_| shell_form)
            {
                user.shell = Some(shell);
            }
            let (defects, target) = check::judge(doc, stage, &policy, &user, own_network);
            let test = target.and_then(|(target, source)| {
                let (client, why) = probe::choose(doc, stage, Style::Instruction, &target)?;
                let test = test_of(probe::command(client, &target, &policy.config.health)?);
                Ok((
                    test,
                    format!(
                        "replace it with the {} ({why}) on port {} ({source}); {}",
                        client.describe(),
                        target.port,
                        target.accepts(client, &policy.config.health)
                    ),
                ))
            });
            (defects, test)
        };
        let (defects, test) = match ctx.project.built(path, service.meaning) {
            Built::Stage(doc, stage, _) => judged(doc, stage),
            Built::No => {
                let Some(doc) = compose::image(service.meaning)
                    .and_then(|image| port::as_dockerfile(path, image, service.meaning))
                else {
                    continue;
                };
                judged(&doc, doc.final_stage())
            }
            Built::Unreadable(_) => continue,
        };
        if defects.is_empty() {
            continue;
        }
        let fatal = defects.iter().any(|d| d.fatal());
        let what: Vec<String> = defects.iter().map(|d| d.describe()).collect();
        let message = format!(
            "the healthcheck of service `{}` {}: {}",
            service.name,
            if fatal {
                "can never pass"
            } else {
                "is fragile"
            },
            what.join("; ")
        );
        let (message, fix) = match test {
            Ok((test, how)) => (
                format!("{message}: {how}"),
                replace_test(ctx, &service, &test),
            ),
            Err(why) => (message, Err(why)),
        };
        let mut found = diagnostic(&META, &service, message, Some(fix));
        if !fatal {
            found.severity = Some(Severity::Warning);
        }
        out.push(found);
    }
    out
}

/// Whether an earlier pass of this run wrote the service's `test`: then it
/// is the probe SW201 (or this rule's fix) chose on the very evidence
/// judged here, and judging it again, in the pass that confirms the fix,
/// would only derive it once more. The property tests judge every probe
/// seaworthy writes, in a run of its own.
fn written_by_this_run(ctx: &Ctx, service: &Service) -> bool {
    service
        .node
        .get("healthcheck")
        .and_then(|healthcheck| healthcheck.entry("test"))
        .is_some_and(|test| ctx.written(&(test.value.start..test.value.end)))
}

/// The service's own healthcheck test, read, and whether it is a shell
/// form (`CMD-SHELL`, a string) the image's shell runs; `None` when it has
/// none, it is disabled (`disable: true`, `test: ["NONE"]`), or its form is
/// not one Compose runs.
fn user_check(service: &Value) -> Option<(UserCheck, bool)> {
    let healthcheck = service.get("healthcheck")?;
    if healthcheck.get("disable") == Some(&Value::Bool(true)) {
        return None;
    }
    // Compose's interpolation turns `$$` into `$` before the check runs.
    let unescape = |s: &Value| s.as_str().map(|s| s.replace("$$", "$"));
    match healthcheck.get("test")? {
        Value::String(line) => Some((UserCheck::shell(&line.replace("$$", "$")), true)),
        Value::Array(items) => {
            let words: Vec<String> = items.iter().map(unescape).collect::<Option<_>>()?;
            match words.split_first() {
                Some((kind, argv)) if kind == "CMD" && !argv.is_empty() => {
                    Some((UserCheck::exec(argv), false))
                }
                Some((kind, [line])) if kind == "CMD-SHELL" => Some((UserCheck::shell(line), true)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The edit that puts `test` in place of the service's `healthcheck.test`
/// value, as a flow sequence; the rest of the mapping is left as it is.
fn replace_test(ctx: &Ctx, service: &Service, test: &[String]) -> Result<Fix, String> {
    let shared = "its `healthcheck` is shared through an anchor, alias or merge key: editing it would change other services";
    let healthcheck = service.node.get("healthcheck").ok_or(shared)?;
    if healthcheck.is_shared() {
        return Err(shared.into());
    }
    let entry = healthcheck.entry("test").ok_or(shared)?;
    if entry.value.is_shared() {
        return Err(shared.into());
    }
    let text = &ctx.file.text;
    let colon = text[entry.key.end..entry.value.start]
        .find(':')
        .map(|at| entry.key.end + at + 1)
        .ok_or("its `test` key is written in a form seaworthy cannot edit")?;
    let items: Vec<String> = test.iter().map(|t| quoted(t)).collect();
    Ok(Fix {
        edits: vec![Edit::replace(
            colon..entry.value.end,
            format!(" [{}]", items.join(", ")),
        )],
        applicability: Applicability::Unsafe,
    })
}
