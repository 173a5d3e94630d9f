//! SW106: the probe is copied from a path the health stage image does not have.

use super::{copies_from_health_stage, Ctx, HEALTH_STAGE};
use crate::diagnostic::Diagnostic;
use crate::edit::{Edit, Fix};
use crate::health::probe;
use crate::registry::{RuleMeta, Scope, Severity, Target};
use crate::settings::DEFAULT_STAGE_IMAGE;
use crate::syntax::dockerfile::words::leading_flags;
use crate::syntax::dockerfile::Dockerfile;

/// SW106's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW106",
    name: "health-stage-path",
    target: Target::Dockerfile,
    severity: Severity::Error,
    scope: Scope::Service,
    owns: &[],
    summary: "probe copied from a path the health stage image does not have",
    fix_title: "Copy the probe from the stage image's path",
    doc: r#"## What it does
When the `healthcheck` stage uses the configured `[health] stage_image`, checks
that every `COPY --from=healthcheck SRC DEST` copies the binary from where that
image keeps it (`[health] stage_binary`), and corrects SRC.

## Why is this bad?
A wrong source path fails the build (`not found`), or, with a wildcard,
silently copies nothing and leaves a HEALTHCHECK that can never pass.

## Example
```dockerfile
FROM alfred/healthcheck:0.4.0 AS healthcheck
FROM debian:bookworm-slim
COPY --from=healthcheck /healthcheck /usr/local/bin/healthcheck
```

Use instead:
```dockerfile
FROM alfred/healthcheck:0.4.0 AS healthcheck
FROM debian:bookworm-slim
COPY --from=healthcheck /usr/local/bin/healthcheck /usr/local/bin/healthcheck
```

## Fix safety
Safe: only the source path changes. A stage built from another image than the
configured one is the user's choice and is not checked."#,
};

/// Binaries the default stage image ships.
const DEFAULT_IMAGE_BINARIES: &[&str] = &[
    "/bin/httpcheck",
    "/bin/httpscheck",
    "/bin/portcheck",
    "/bin/parallel",
];

/// The path a single-source COPY puts `source` at.
fn copied_path(source: &str, destination: &str) -> String {
    match destination.strip_suffix('/') {
        Some(dir) => format!("{dir}/{}", source.rsplit('/').next().unwrap_or(source)),
        None => destination.to_string(),
    }
}

/// Whether the final stage runs `path`: its HEALTHCHECK names it, or its
/// start command starts with it (by path, or by name from a folder on PATH).
/// Only such a copy is the probe; any other (a CA bundle) is the user's.
fn runs(doc: &Dockerfile, path: &str) -> bool {
    let stage = doc.final_stage();
    let name = path.rsplit('/').next().unwrap_or(path);
    let on_path = probe::on_path(path);
    let names = |word: &str| {
        let word = word.trim_matches(|c| c == '"' || c == '\'' || c == '[' || c == ']' || c == ',');
        word == path || (on_path && word == name)
    };
    let healthcheck = doc.last_inherited(stage, "HEALTHCHECK").is_some_and(|i| {
        doc.instructions()[i]
            .args
            .text()
            .split_whitespace()
            .any(names)
    });
    let start = doc.start_command(stage);
    let wraps = [start.entrypoint, start.cmd]
        .into_iter()
        .flatten()
        .any(|i| doc.argv(i).first().is_some_and(|a| names(a)));
    healthcheck || wraps
}

/// Finds copies from a path the stage image does not have.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let doc = ctx.doc;
    let policy = ctx.policy;
    let health = &policy.config.health;
    let Some(stage) = doc.stage_named(HEALTH_STAGE) else {
        return Vec::new();
    };
    if !stage.image.eq_ignore_ascii_case(&health.stage_image) {
        return Vec::new();
    }
    let expected = probe::stage_binary(health);
    let default_layout = health.stage_image == DEFAULT_STAGE_IMAGE && health.stage_binary.is_none();
    let valid =
        |src: &str| src == expected || (default_layout && DEFAULT_IMAGE_BINARIES.contains(&src));
    let mut diagnostics = Vec::new();
    for i in 0..doc.instructions().len() {
        if !copies_from_health_stage(doc, i) {
            continue;
        }
        let words = doc.words(i);
        let (_, first) = leading_flags(words);
        let [source, destination] = &words[first..] else {
            continue;
        };
        if valid(&source.value) || !runs(doc, &copied_path(&source.value, &destination.value)) {
            continue;
        }
        let instr = &doc.instructions()[i];
        diagnostics.push(Diagnostic {
            severity: None,
            rule: &META,
            span: instr.args.file_span(source.span.clone()),
            message: format!(
                "`{}` is not where `{}` keeps its probe: copy `{expected}`",
                source.value, health.stage_image
            ),
            fix: Some(Fix::safe(vec![Edit::replace(
                instr.args.file_span(source.span.clone()),
                expected.clone(),
            )])),
        });
    }
    diagnostics
}
