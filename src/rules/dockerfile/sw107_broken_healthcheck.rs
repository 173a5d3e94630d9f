//! SW107: an existing HEALTHCHECK that can never pass, or that can hang.

use super::Ctx;
use crate::diagnostic::Diagnostic;
use crate::edit::{Applicability, Edit, Fix};
use crate::health::check::{self, UserCheck};
use crate::health::probe;
use crate::registry::{self, RuleMeta, Scope, Severity};
use crate::syntax::dockerfile::words;

/// SW107's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW107",
    name: "dockerfile-broken-healthcheck",
    target: registry::Target::Dockerfile,
    severity: Severity::Error,
    scope: Scope::Service,
    owns: &[],
    summary: "an existing HEALTHCHECK that can never pass, or has no client timeout",
    fix_title: "Replace the HEALTHCHECK with the probe seaworthy would write",
    doc: r#"## What it does
Reads the HEALTHCHECK the image already has and reports it when, by the
evidence seaworthy also uses to choose its own probes, it can never pass:
- it runs a program the final image does not have: `curl` in
  `python:3.12-slim` (exit 127, unhealthy forever), a shell form (which
  Docker runs with `/bin/sh`, or with the image's `SHELL` when it sets one)
  in a distroless or scratch image, a package the
  Dockerfile installs and later removes (`apk del`, `apt-get purge`);
- it probes a port nothing listens on by the evidence: EXPOSE, the ports
  the start command and environment name, the ports settings name, the
  base image's own (`data/images.toml`), and, for a Compose service, the
  ports it publishes;
- it requires an answer from a health route (`/health`, `/healthz`, …) that
  the app's code does not declare while it declares another (read as for
  SW101: `@app.get("/healthz")`, `app.get('/healthz', …)`, …).

It also reports, as a warning, a check whose HTTP client has no time limit
(curl without `-m`/`--max-time`, wget without `-T`/`--timeout`, python's
`urlopen` without `timeout=`, node's `http.get` without a timeout, and no
`timeout N` around it) in an image known to have that client: on a hung
server it runs past the check's timeout.

It says nothing where the evidence is missing. Programs are judged only for
the clients seaworthy knows (curl, wget, nc, python, node, bash, sh), and
only when the image is known not to ship them: the Dockerfile does not
install them, nothing in the chain copies, downloads or runs them, and the
base image is listed in `data/images.toml` (`[[clients]]`, each with its
source), or is scratch or distroless. An image seaworthy does not know
gets no finding for its programs or its ports. `HEALTHCHECK NONE` is
respected.

## Why is this bad?
A check that can only fail keeps the container unhealthy forever: every
service that waits on it with `condition: service_healthy` never starts,
and orchestrators restart a working app. A client with no timeout stays
behind in the container after every check a hung server fails.

## Example
```dockerfile
FROM python:3.12-slim
EXPOSE 8000
HEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1
CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]
```

Use instead:
```dockerfile
FROM python:3.12-slim
EXPOSE 8000
HEALTHCHECK CMD ["python", "-c", "import urllib.request as r\nr.urlopen('http://127.0.0.1:8000/health', timeout=4)"]
CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]
```

## Fix safety
Unsafe: it replaces a check the user wrote. The replacement is the probe
SW101 would insert, chosen by the same code, on the check's own port and
route (on the port and route the evidence gives when those are what is
wrong); the HEALTHCHECK's options are kept. A copied probe brings its
`healthcheck` stage and `COPY`, as in SW101."#,
};

/// Finds a final-stage HEALTHCHECK that can never pass or can hang.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let doc = ctx.doc;
    let stage = doc.final_stage();
    let Some(index) = doc.last_inherited(stage, "HEALTHCHECK") else {
        return Vec::new();
    };
    let instr = &doc.instructions()[index];
    let all = doc.words(index);
    let (_, first) = words::leading_flags(all);
    let Some(cmd) = all
        .get(first)
        .filter(|w| w.value.eq_ignore_ascii_case("CMD"))
    else {
        // `HEALTHCHECK NONE`, or nothing seaworthy can read.
        return Vec::new();
    };
    // A HEALTHCHECK an earlier pass of this run wrote is the probe SW101
    // (or this rule's fix) chose on the very evidence judged here: judging
    // it again, in the pass that confirms the fix, would only derive it
    // once more. The property tests judge every probe seaworthy writes,
    // in a run of its own.
    let args = instr.args.file_span(0..instr.args.bytes.len());
    if ctx.written.holds(&(instr.keyword_start..args.end)) {
        return Vec::new();
    }
    let command = &instr.args.bytes[cmd.span.end..];
    let user = match words::exec_form(command) {
        Some(argv) if !argv.is_empty() => UserCheck::exec(&argv),
        Some(_) => return Vec::new(),
        None => {
            let mut user = UserCheck::shell(crate::source::lossy(command).trim());
            // Docker runs a shell-form check with the image's SHELL.
            user.shell = doc.shell(index).into_iter().next();
            user
        }
    };
    let (defects, target) = check::judge(doc, stage, ctx.policy, &user, true);
    if defects.is_empty() {
        return Vec::new();
    }
    let fatal = defects.iter().any(|d| d.fatal());
    let what: Vec<String> = defects.iter().map(|d| d.describe()).collect();
    let span = instr.keyword_start..instr.keyword_start + instr.keyword.len();
    let message = format!(
        "the HEALTHCHECK {}: {}",
        if fatal {
            "can never pass"
        } else {
            "is fragile"
        },
        what.join("; ")
    );
    let replacement = target.and_then(|(target, source)| {
        let health = &ctx.policy.config.health;
        let (client, why) = probe::choose(doc, stage, ctx.policy.style(), &target)?;
        let command = probe::command(client, &target, health)?;
        let cmd_span = instr.args.file_span(cmd.span.start..instr.args.bytes.len());
        let edits = super::probe_edits(doc, stage, health, client, command, |command| {
            Ok(Edit::replace(cmd_span, format!("CMD {command}")))
        })?;
        Ok((
            edits,
            format!(
                "replace it with a {} ({why}) on port {} ({source}); {}",
                client.describe(),
                target.port,
                target.accepts(client, health)
            ),
        ))
    });
    let diagnostic = Diagnostic {
        rule: &META,
        span,
        message,
        fix: None,
        severity: (!fatal).then_some(Severity::Warning),
    };
    vec![match replacement {
        Ok((edits, how)) => Diagnostic {
            message: format!("{}: {how}", diagnostic.message),
            fix: Some(Fix {
                edits,
                applicability: Applicability::Unsafe,
            }),
            ..diagnostic
        },
        Err(why) => diagnostic.with_fix(Err(why)),
    }]
}
