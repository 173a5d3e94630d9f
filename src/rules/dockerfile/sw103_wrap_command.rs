//! SW103: the health stage is in use but the start command is not wrapped
//! by its metrics exporter.

use super::{copies_from_health_stage, Ctx};
use crate::diagnostic::Diagnostic;
use crate::edit::{Edit, Fix};
use crate::health::probe;
use crate::registry::{RuleMeta, Scope, Severity, Target};
use crate::syntax::dockerfile::words;

/// SW103's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW103",
    name: "wrap-start-command",
    target: Target::Dockerfile,
    severity: Severity::Error,
    scope: Scope::Service,
    owns: &[],
    summary:
        "health stage in use but the start command is not wrapped by `healthcheck --export-prom`",
    fix_title: "Wrap the start command",
    doc: r#"## What it does
When the final stage copies its probe from the `healthcheck` stage and that
stage's binary can wrap a command (`[health] stage_wraps = true`), wraps the
start command so the binary runs the app as a child and exports metrics:
`CMD ["a", "b"]` becomes `CMD ["healthcheck", "--export-prom", ":9091", "--", "a", "b"]`.
With an ENTRYPOINT, the ENTRYPOINT is wrapped and CMD stays its arguments.
A shell-form command is wrapped as `"/bin/sh", "-c", "…"`.

## Why is this bad?
Without the wrapper the app exports no process metrics, and the metrics port
the rest of the setup expects (SW104, SW206) has nothing behind it.

## Example
```dockerfile
COPY --from=healthcheck /usr/local/bin/healthcheck /usr/local/bin/healthcheck
CMD ["uvicorn", "app:app"]
```

Use instead:
```dockerfile
COPY --from=healthcheck /usr/local/bin/healthcheck /usr/local/bin/healthcheck
CMD ["healthcheck", "--export-prom", ":9091", "--", "uvicorn", "app:app"]
```

## Fix safety
Safe: the same command runs, as a child of the wrapper, which forwards
signals. A command that already runs the wrapper (even inside `sh -c`) is
left alone, and so is a start command inherited from another stage (a
warning says to wrap it there)."#,
};

/// Finds an unwrapped start command in a stage that uses the health stage.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let doc = ctx.doc;
    let policy = ctx.policy;
    let health = &policy.config.health;
    let stage = doc.final_stage();
    if !health.stage_wraps
        || !doc
            .inherited(stage)
            .into_iter()
            .any(|i| copies_from_health_stage(doc, i))
    {
        return Vec::new();
    }
    let start = doc.start_command(stage);
    let Some(index) = start.entrypoint.or(start.cmd) else {
        return Vec::new();
    };
    let argv = doc.argv(index);
    let wrapper = probe::wrapper_name(health);
    if already_wrapped(&argv, &wrapper) {
        return Vec::new();
    }
    let instr = &doc.instructions()[index];
    let span = instr.keyword_start..instr.keyword_start + instr.keyword.len();
    let keyword = instr.keyword.clone();
    if doc.stage_of(index) != Some(stage) {
        return vec![Diagnostic {
            rule: &META,
            span,
            message: format!(
                "the final stage inherits its {keyword} (line {}) from another stage: wrap it there with `{wrapper} --export-prom :{} --`",
                instr.first_line + 1,
                health.metrics_port
            ),
            fix: None,
        }];
    }
    let prefix = [
        wrapper.clone(),
        "--export-prom".into(),
        format!(":{}", health.metrics_port),
        "--".into(),
    ];
    let args = &instr.args;
    let edit = match words::exec_form(&args.bytes) {
        Some(existing) if existing.is_empty() => return Vec::new(),
        Some(_) => {
            let open = args
                .bytes
                .iter()
                .position(|&b| b == b'[')
                .expect("exec form");
            let first = open
                + 1
                + args.bytes[open + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_whitespace())
                    .count();
            let separator = if args.text().contains("\", \"") || argv.len() == 1 {
                ", "
            } else {
                ","
            };
            let quoted: Vec<String> = prefix
                .iter()
                .map(|p| serde_json::to_string(p).expect("strings serialise"))
                .collect();
            let at = args.file_span(first..first).start;
            Edit::insert(at, format!("{}{separator}", quoted.join(separator)))
        }
        None => {
            let text = args.text();
            let trimmed = text.trim();
            let lead = text.len() - text.trim_start().len();
            let range = args.file_span(lead..lead + trimmed.len());
            let wrapped: Vec<String> = prefix
                .into_iter()
                .chain(["/bin/sh".into(), "-c".into(), trimmed.to_string()])
                .collect();
            Edit::replace(range, probe::json_array(&wrapped))
        }
    };
    vec![Diagnostic {
        rule: &META,
        span,
        message: format!(
            "the health stage is in use but {keyword} is not wrapped: run it under `{wrapper} --export-prom :{} --` to export metrics",
            health.metrics_port
        ),
        fix: Some(Fix::safe(vec![edit])),
    }]
}

/// Whether a command already runs the wrapper: it starts with it, or any
/// argument (a `sh -c` script included) passes `--export-prom`.
fn already_wrapped(argv: &[String], wrapper: &str) -> bool {
    let name = wrapper.rsplit('/').next().unwrap_or(wrapper);
    let starts_with_wrapper = argv
        .first()
        .is_some_and(|a| a.rsplit('/').next() == Some(name));
    starts_with_wrapper
        || argv.iter().any(|a| {
            a.split_whitespace()
                .any(|t| t == "--export-prom" || t.starts_with("--export-prom="))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn recognises_wrapped_commands() {
        assert!(already_wrapped(
            &argv(&["healthcheck", "--export-prom", ":9091", "--", "app"]),
            "healthcheck"
        ));
        assert!(already_wrapped(
            &argv(&[
                "bash",
                "-c",
                "healthcheck serve --export-prom :9091 & exec uvicorn app:app"
            ]),
            "healthcheck"
        ));
        assert!(!already_wrapped(
            &argv(&["uvicorn", "app:app"]),
            "healthcheck"
        ));
        assert!(!already_wrapped(
            &argv(&["/bin/sh", "-c", "echo healthcheck"]),
            "healthcheck"
        ));
    }
}
