//! SW104: the probed port or the metrics port is not EXPOSEd.

use super::{place, Ctx};
use crate::diagnostic::Diagnostic;
use crate::edit::Fix;
use crate::health::{check, port};
use crate::registry::{RuleMeta, Scope, Severity, Target};

/// SW104's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW104",
    name: "expose-health-ports",
    target: Target::Dockerfile,
    severity: Severity::Error,
    scope: Scope::Service,
    owns: &[],
    summary: "health or metrics port not EXPOSEd",
    fix_title: "EXPOSE the port",
    doc: r#"## What it does
Reads the port the final stage's HEALTHCHECK probes and the port its start
command exports metrics on (`--export-prom :PORT`), and adds an `EXPOSE` line
for each one the image does not expose yet, itself or through a well-known
base image (after the last EXPOSE, or before the health check; before the
last instruction when the file ends inside its line continuation). Ports are
compared as numbers: `EXPOSE 19091` does not expose 9091. A probed port
that nothing in the image listens on by the evidence (EXPOSE 8000, the
server started on 8000, a check on 8080) is not exposed: that check can
never pass, and SW107 reports it.

## Why is this bad?
EXPOSE documents which ports the image serves; Compose, scanners and people
read it to wire the health and metrics ports up.

## Example
```dockerfile
CMD ["healthcheck", "--export-prom", ":9091", "--", "app"]
```

Use instead:
```dockerfile
EXPOSE 9091
CMD ["healthcheck", "--export-prom", ":9091", "--", "app"]
```

## Fix safety
Safe: EXPOSE publishes nothing by itself. It is a separate line, never an
inline comment (Docker would read a comment as more ports)."#,
};

/// Finds health and metrics ports the final stage does not expose.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let doc = ctx.doc;
    let stage = doc.final_stage();
    let inherited = crate::model::images::lookup(&doc.base_image(stage)).map(|i| i.expose.clone());
    let exposed: Vec<u16> = doc
        .exposed_ports(stage)
        .into_iter()
        .map(|(p, _)| p)
        .chain(inherited.into_iter().flatten())
        .collect();
    let healthcheck = doc.last_inherited(stage, "HEALTHCHECK");
    let mut wanted: Vec<(u16, &str, usize)> = Vec::new();
    if let Some(h) = healthcheck {
        // A port nothing listens on is SW107's finding: exposing it would
        // make a probe that can only fail look served.
        let probed = port::probed_port(&doc.instructions()[h].args.text())
            .filter(|&p| check::unserved(doc, stage, ctx.policy, p, true).is_none());
        if let Some(p) = probed {
            wanted.push((p, "the HEALTHCHECK probes it", h));
        }
    }
    let start = doc.start_command(stage);
    if let Some(index) = start.entrypoint.or(start.cmd) {
        for p in port::metrics_ports(doc, stage) {
            wanted.push((p, "the start command exports metrics on it", index));
        }
    }
    let Some(&(missing, why, anchor)) = wanted.iter().find(|(p, _, _)| !exposed.contains(p)) else {
        return Vec::new();
    };
    let last_expose = (stage.from + 1..stage.end)
        .rev()
        .find(|&i| doc.instructions()[i].keyword == "EXPOSE");
    let own_healthcheck = healthcheck.filter(|&h| doc.stage_of(h) == Some(stage));
    let at = match (last_expose, own_healthcheck) {
        (Some(e), _) => doc.after_instruction(e),
        (None, Some(h)) => doc.line_start(doc.attached_comment_start(h)),
        (None, None) => place::before_start_command(doc, stage),
    };
    let instr = &doc.instructions()[anchor];
    let span = instr.keyword_start..instr.keyword_start + instr.keyword.len();
    let message = format!("port {missing} is not EXPOSEd but {why}: add `EXPOSE {missing}`");
    let (message, fix) = match place::insert_lines(doc, at, &[format!("EXPOSE {missing}")]) {
        Ok(edit) => (message, Some(Fix::safe(vec![edit]))),
        Err(because) => (
            format!("port {missing} is not EXPOSEd but {why}; {because}"),
            None,
        ),
    };
    vec![Diagnostic {
        severity: None,
        rule: &META,
        span,
        message,
        fix,
    }]
}
