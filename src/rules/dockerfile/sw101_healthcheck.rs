//! SW101: the final stage has no HEALTHCHECK.

use super::{place, Ctx};
use crate::diagnostic::Diagnostic;
use crate::edit::Fix;
use crate::health::port::{self, PortChoice};
use crate::health::probe::{self, Target};
use crate::model::workers;
use crate::registry::{self, RuleMeta, Scope, Severity};
use crate::settings::policy::ServiceHint;

/// SW101's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW101",
    name: "dockerfile-healthcheck",
    target: registry::Target::Dockerfile,
    severity: Severity::Error,
    scope: Scope::Service,
    owns: &[],
    summary: "final stage has no HEALTHCHECK",
    fix_title: "Add a HEALTHCHECK chosen by base image",
    doc: r#"## What it does
Checks that the image a Dockerfile builds (its final stage, or a stage it
builds on) declares a HEALTHCHECK, and inserts one chosen from the base image:
python → stdlib urllib, node → `node -e` with http, curl installed by the
Dockerfile → curl, alpine/busybox → wget (or `nc -z` for a plain TCP check),
distroless, scratch or anything else → a static probe copied from a
`healthcheck` stage (`[health] stage_image`).

## Why is this bad?
Without a health check Docker reports a container as running while the app
inside is dead or deadlocked, and `depends_on: condition: service_healthy`
cannot wait for it.

## Which port and route
The port comes from evidence, first match wins: `--port`, `[health] port`,
the single EXPOSEd port, a port the start command or environment names
(`--port N`, `--bind HOST:N`, `ENV PORT=N`). Without evidence `check` and
`fix` warn instead of inserting a probe that can only fail;
`fix-dockerfile-healthcheck` uses 8080 and says so. A start command that
sets `--port 0` (`redis-server --port 0 --tls-port 6379`: TLS only, whose
probe would need a client certificate seaworthy cannot know; elsewhere a
random port) gets no probe and a warning that says why. With a declared health
route the probe requires a 2xx/3xx answer; otherwise it only checks that the
server answers. The route, first match wins: `--path`, `[services.NAME]
health_path`, `[health] path`, the route the app's own code declares (read
from the files the Dockerfile copies out of its build context, tests and
docs left out: `@app.get("/health")`, Django's `path("health/", …)`,
`app.get('/healthz', …)`, NestJS `@Controller('health')`; the liveness
route when there is one; the message names its file and line; two different
candidates are reported, not guessed; `data/routes.toml`), then the
`/healthz` an `[app_config]` implies. The build context is the Compose
service's when one builds the Dockerfile, else the Dockerfile's folder.

## Images several services build
When several Compose services build the Dockerfile's final stage, every one
inherits its HEALTHCHECK. If some of them are workers (they run their own
`command:` and publish no port while a sibling serves; see `seaworthy rules
SW201`), or the services would be probed on different ports, no HEALTHCHECK
is inserted: a warning says why, and SW201 puts a probe in Compose on each
serving service, with its own port. When they all agree on one port, the
HEALTHCHECK uses it. A service that turns the image's check off
(`healthcheck: {disable: true}` or `test: ["NONE"]`) does not count: it
never runs the HEALTHCHECK.

## Where it goes
The HEALTHCHECK goes right before the final stage's CMD or ENTRYPOINT, or at
the end of the stage. When the file ends inside a line continuation (its last
line ends in `\` or the `# escape=` character; comment and blank lines after
it do not end it), everything goes before that last instruction instead:
after it, Docker would read it as more of that instruction. When that
instruction is the stage's FROM, it is a warning.

A copied probe's `healthcheck` stage is declared at the top of the file, or
right before the final stage when a stage above it is referred to by position
(`COPY --from=0`, `RUN --mount=from=0`, `FROM 0`), so that every position
still names the same stage. When no place keeps every position, or the final
stage is itself named `healthcheck` (it would copy from itself), it is a
warning.

## Example
```dockerfile
FROM python:3.12-slim
EXPOSE 8000
CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]
```

Use instead:
```dockerfile
FROM python:3.12-slim
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request as r, urllib.error as e\ntry: r.urlopen('http://127.0.0.1:8000/', timeout=4)\nexcept e.HTTPError: pass"]
CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]
```

## Fix safety
Safe: it adds an instruction and changes nothing the image already does.
`HEALTHCHECK NONE`, an existing HEALTHCHECK and `# seaworthy: ignore[SW101]`
are respected."#,
};

/// Finds a final stage without HEALTHCHECK and builds the probe.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let doc = ctx.doc;
    let policy = ctx.policy;
    let stage = doc.final_stage();
    if doc.last_inherited(stage, "HEALTHCHECK").is_some() {
        return Vec::new();
    }
    let from = &doc.instructions()[stage.from];
    let span = from.keyword_start..from.keyword_start + from.keyword.len();
    let warn = |message: String| vec![Diagnostic::new(&META, span.clone(), message)];
    let service_platform = policy.service.as_ref().and_then(|h| h.platform.as_deref());
    if let Some(why) = probe::platform_refusal(doc, stage, service_platform) {
        return warn(format!("final stage has no HEALTHCHECK; {why}"));
    }
    let evidence = crate::health::route::evidence(doc, policy);
    let choice = match (shared_port(doc, stage, policy), evidence.own_port(policy)) {
        (Some(Err(why)), _) => return warn(format!("final stage has no HEALTHCHECK; {why}")),
        (_, Some(own)) => own,
        (Some(Ok(choice)), None) => choice,
        (None, None) => match port::resolve(doc, stage, policy) {
            Ok(choice) => choice,
            Err(why) => return warn(format!("final stage has no HEALTHCHECK; {why}")),
        },
    };
    let route = evidence.route_on(choice.port);
    if let Some((path, from)) = &route {
        if !probe::valid_route(path) {
            return warn(format!(
                "final stage has no HEALTHCHECK; the health route `{}` ({from}) is not a plain URL path, so it is not put in a probe",
                path.chars()
                    .map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() })
                    .collect::<String>()
            ));
        }
    }
    let target = Target::new(choice.port, route.as_ref().map(|(p, _)| p.clone()));
    let (client, client_reason) = match probe::choose(doc, stage, policy.style(), &target) {
        Ok(choice) => choice,
        Err(why) if policy.style() == crate::settings::Style::Instruction => {
            return warn(format!(
            "final stage has no HEALTHCHECK; {why}: use `--style stage` to copy in a static probe"
        ))
        }
        Err(why) => return warn(format!("final stage has no HEALTHCHECK; {why}")),
    };
    let health = &policy.config.health;
    let command = match probe::command(client, &target, health) {
        Ok(command) => command,
        Err(why) => return warn(format!("final stage has no HEALTHCHECK; {why}")),
    };
    let edits = match super::probe_edits(doc, stage, health, client, command, |command| {
        let lines = [
            format!(
                "HEALTHCHECK {} {}",
                probe::OPTIONS,
                place::continuation(doc)
            ),
            format!("    CMD {command}"),
        ];
        place::insert_lines(doc, place::before_start_command(doc, stage), &lines)
    }) {
        Ok(edits) => edits,
        Err(why) => return warn(format!("final stage has no HEALTHCHECK; {why}")),
    };

    let mut strictness = match &route {
        Some((_, from)) => format!("{} ({from})", target.accepts(client, health)),
        None => target.accepts(client, health),
    };
    if let Some(note) = &evidence.note {
        strictness.push_str(&format!("; {note}"));
    }
    vec![Diagnostic {
        severity: None,
        rule: &META,
        span,
        message: format!(
            "final stage has no HEALTHCHECK: add a {} ({client_reason}) on port {} ({}); {strictness}",
            client.describe(),
            choice.port,
            choice.source
        ),
        fix: Some(Fix::safe(edits)),
    }]
}

/// When several Compose services build the final stage: the port every one
/// of them would be probed on, or why the probe belongs in Compose instead
/// (some are workers, or they listen on different ports); `None` when one
/// service or none builds it, or none of them names a port.
fn shared_port(
    doc: &crate::syntax::dockerfile::Dockerfile,
    stage: &crate::syntax::dockerfile::Stage,
    policy: &crate::settings::policy::Policy,
) -> Option<Result<PortChoice, String>> {
    // A service that turns the image's HEALTHCHECK off does not run it,
    // so a worker that does so takes no harm from one.
    let builders: Vec<&ServiceHint> = policy
        .builders
        .iter()
        .filter(|h| h.runs(stage.name.as_deref(), true) && !h.probe_disabled)
        .collect();
    if builders.len() < 2 {
        return None;
    }
    let names = |workers: bool| -> Vec<String> {
        builders
            .iter()
            .filter(|h| workers::worker(h, &builders).is_some() == workers)
            .map(|h| format!("`{}`", h.name))
            .collect()
    };
    let (idle, serving) = (names(true), names(false));
    if !idle.is_empty() {
        return Some(Err(format!(
            "service{} {} build{} this image but run{} {} own `command:` and publish{} no port (worker{}): a HEALTHCHECK here would keep {} unhealthy forever, so the probe goes in Compose, on {} only (SW201)",
            plural(idle.len()),
            idle.join(", "),
            verb(idle.len()),
            verb(idle.len()),
            if idle.len() == 1 { "its" } else { "their" },
            verb(idle.len()),
            plural(idle.len()),
            if idle.len() == 1 { "it" } else { "them" },
            serving.join(", ")
        )));
    }
    let choices: Vec<(&str, Result<PortChoice, String>)> = builders
        .iter()
        .map(|h| {
            let policy = policy.clone().for_service(Some((*h).clone()));
            (h.name.as_str(), port::resolve(doc, stage, &policy))
        })
        .collect();
    if choices.iter().all(|(_, c)| c.is_err()) {
        return None;
    }
    let first = choices[0].1.as_ref().ok().map(|c| c.port);
    if first.is_some()
        && choices
            .iter()
            .all(|(_, c)| c.as_ref().ok().map(|c| c.port) == first)
    {
        return choices.into_iter().next().map(|(_, c)| c);
    }
    let each: Vec<String> = choices
        .iter()
        .map(|(name, choice)| match choice {
            Ok(c) => format!("`{name}` on {} ({})", c.port, c.source),
            Err(_) => format!("`{name}` on no known port"),
        })
        .collect();
    Some(Err(format!(
        "the services that build this image listen on different ports ({}): the probe goes in Compose, on each service with its own port (SW201)",
        each.join("; ")
    )))
}

/// `s` after a noun when there are several.
fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `s` after a verb when there is one subject.
fn verb(n: usize) -> &'static str {
    if n == 1 {
        "s"
    } else {
        ""
    }
}
