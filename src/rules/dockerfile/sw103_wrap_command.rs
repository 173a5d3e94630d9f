//! SW103: the health stage is in use but the start command is not wrapped
//! by its metrics exporter.

use super::{
    copied_to, copies_from, first_health_stage_user, place, probe_stage, stage_start, Ctx,
    HEALTH_STAGE,
};
use crate::diagnostic::Diagnostic;
use crate::edit::{Edit, Fix};
use crate::health::port;
use crate::health::probe;
use crate::registry::{RuleMeta, Scope, Severity, Target};
use crate::settings::Style;
use crate::syntax::dockerfile::{words, Dockerfile};

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
A shell-form command is wrapped as `"/bin/sh", "-c", "…"` (or the shell a
`SHELL` instruction sets), its text unchanged: comment lines and line
continuations inside it stay where they are.

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
    let probes = probe_stage(doc, health);
    let in_use = doc
        .inherited(stage)
        .into_iter()
        .any(|i| copies_from(doc, i, probes));
    // `style = "stage"` is a platform standard: every server follows the
    // whole pattern, also one with a HEALTHCHECK of its own.
    let standard = policy.style() == Style::Stage && port::resolve(doc, stage, policy).is_ok();
    if !health.stage_wraps || !(in_use || standard) {
        return Vec::new();
    }
    let start = doc.start_command(stage);
    let Some(index) = start.entrypoint.or(start.cmd) else {
        return Vec::new();
    };
    let argv = doc.argv(index);
    let binary = probe::stage_binary(health);
    if already_wrapped(&argv, &probe::wrapper_name(health)) {
        return Vec::new();
    }
    let instr = &doc.instructions()[index];
    let span = instr.keyword_start..instr.keyword_start + instr.keyword.len();
    let keyword = instr.keyword.clone();
    let refuse = |why: String| {
        vec![Diagnostic::new(
            &META,
            span.clone(),
            format!("{keyword} is not wrapped by the health stage's exporter; not done: {why}"),
        )]
    };
    if probe::uses_default_layout(health) {
        return refuse(
            "`stage_wraps = true`, but the default stage image's probes (`/bin/httpcheck`, `/bin/portcheck`) cannot run a command: set [health] stage_image and stage_binary to an image whose binary can, or stage_wraps = false"
            .to_string());
    }
    if stage.name.as_deref() == Some(probes) {
        return refuse(format!("the final stage is itself named `{probes}`"));
    }
    // The binary the start command calls is always in the image: copied
    // before, or by this same fix.
    let mut edits = Vec::new();
    let wrapper = match copied_to(doc, stage, probes, &binary) {
        Some(path) if probe::on_path(&path) => path.rsplit('/').next().unwrap_or(&path).to_string(),
        Some(path) => path,
        None => {
            if doc.stage_named(probes).is_none() {
                let user = match probes {
                    HEALTH_STAGE => {
                        first_health_stage_user(doc).map_or(stage.index, |u| u.min(stage.index))
                    }
                    _ => stage.index,
                };
                let position = match place::health_stage_position(doc, user, None) {
                    Ok(position) => position,
                    Err(why) => return refuse(why),
                };
                let at = stage_start(doc, position);
                edits.push(Edit::insert(
                    at,
                    place::lines_at(
                        doc,
                        at,
                        &[
                            format!("FROM {} AS {probes}", health.stage_image),
                            String::new(),
                        ],
                    ),
                ));
            }
            let copy = format!("COPY --from={probes} {binary} {binary}");
            match place::insert_lines(doc, doc.after_instruction(stage.from), &[copy]) {
                Ok(edit) => edits.push(edit),
                Err(why) => return refuse(why),
            }
            probe::wrapper_name(health)
        }
    };
    if doc.stage_of(index) != Some(stage) {
        return vec![Diagnostic::new(&META, span, format!(
                "the final stage inherits its {keyword} (line {}) from another stage: wrap it there with `{wrapper} --export-prom :{} --`",
                instr.first_line + 1,
                health.metrics_port
            ))];
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
        None => match wrap_shell_form(doc, index, &prefix) {
            Some(edit) => edit,
            None if instr.args.text().trim().is_empty() => return Vec::new(),
            None => {
                return vec![Diagnostic::new(&META, span, format!(
                        "the health stage is in use but {keyword} is not wrapped, and its text is not valid UTF-8: wrap it by hand with `{wrapper} --export-prom :{} --`",
                        health.metrics_port
                    ))]
            }
        },
    };
    let copied = if edits.is_empty() {
        String::new()
    } else {
        format!(" (copying `{binary}` in from the `{probes}` stage)")
    };
    edits.push(edit);
    let why = if in_use {
        "the health stage is in use"
    } else {
        "`style = \"stage\"` makes every server follow the health-stage pattern"
    };
    vec![Diagnostic {
        severity: None,
        rule: &META,
        span,
        message: format!(
            "{why} but {keyword} is not wrapped: run it under `{wrapper} --export-prom :{} --` to export metrics{copied}",
            health.metrics_port
        ),
        fix: Some(Fix::safe(edits)),
    }]
}

/// The edit that turns the shell-form command of instruction `index` into
/// the exec form `[prefix…, shell…, "SCRIPT"]`, where the shell is the one in
/// effect ([`Dockerfile::shell`]) and SCRIPT the text Docker would hand it.
/// The layout stays: each piece of the text is JSON-escaped where it stands,
/// and the line continuations, comment and blank lines between the pieces
/// are kept byte for byte. Docker removes those before it reads the JSON, so
/// the array holds exactly the text the shell ran before. `None` when there
/// is no text, or it is not valid UTF-8 (JSON could not hold it unchanged).
fn wrap_shell_form(doc: &Dockerfile, index: usize, prefix: &[String]) -> Option<Edit> {
    let args = &doc.instructions()[index].args;
    let text = std::str::from_utf8(&args.bytes).ok()?;
    let lead = text.len() - text.trim_start().len();
    let end = text.trim_end().len();
    if lead >= end {
        return None;
    }
    let range = args.offsets[lead]..args.offsets[end - 1] + 1;
    std::str::from_utf8(&doc.source.bytes[range.clone()]).ok()?;
    let escaped = |piece: &str| {
        let quoted = serde_json::to_string(piece).expect("strings serialise");
        quoted[1..quoted.len() - 1].to_string()
    };
    let head: Vec<String> = prefix
        .iter()
        .cloned()
        .chain(doc.shell(index))
        .map(|a| serde_json::to_string(&a).expect("strings serialise"))
        .collect();
    let mut out = format!("[{}, \"", head.join(", "));
    let mut piece = lead;
    for j in lead + 1..=end {
        if j < end && args.offsets[j] == args.offsets[j - 1] + 1 {
            continue;
        }
        out.push_str(&escaped(text.get(piece..j)?));
        if j < end {
            let between = &doc.source.bytes[args.offsets[j - 1] + 1..args.offsets[j]];
            out.push_str(std::str::from_utf8(between).ok()?);
        }
        piece = j;
    }
    out.push_str("\"]");
    Some(Edit::replace(range, out))
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
