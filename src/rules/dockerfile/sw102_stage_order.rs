//! SW102: `COPY --from=healthcheck` before the `healthcheck` stage exists.

use super::{copies_from_health_stage, place, stage_start, Ctx, HEALTH_STAGE};
use crate::diagnostic::Diagnostic;
use crate::edit::{Edit, Fix};
use crate::registry::{RuleMeta, Scope, Severity, Target};
use crate::syntax::dockerfile::{Dockerfile, Stage};

/// SW102's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW102",
    name: "health-stage-order",
    target: Target::Dockerfile,
    severity: Severity::Error,
    scope: Scope::Service,
    owns: &[],
    summary: "`COPY --from=healthcheck` comes before the `healthcheck` stage is declared",
    fix_title: "Declare the health stage first",
    doc: r#"## What it does
Finds a `COPY --from=healthcheck` that comes before the stage named
`healthcheck` (or with no such stage at all), and moves the stage declaration
to the top of the file (or declares it there with `[health] stage_image`).
When a stage above the one that copies is referred to by its position
(`COPY --from=0`, `RUN --mount=from=0`), the stage goes right before the stage
that copies from it instead, so every position still names the same stage;
when even that would shift a referenced stage, it is a warning.

## Why is this bad?
BuildKit resolves `--from=NAME` to an earlier stage only; a later or missing
stage makes it pull an image literally called `healthcheck` from Docker Hub,
and the build fails or, worse, copies from a stranger's image.

## Example
```dockerfile
FROM debian:bookworm-slim
COPY --from=healthcheck /bin/httpcheck /bin/httpcheck
FROM ghcr.io/tarampampam/microcheck:1 AS healthcheck
```

Use instead:
```dockerfile
FROM ghcr.io/tarampampam/microcheck:1 AS healthcheck

FROM debian:bookworm-slim
COPY --from=healthcheck /bin/httpcheck /bin/httpcheck
```

## Fix safety
Safe: the stage keeps its image (the user's choice) and its instructions; only
its place changes, and a stage referred to by position keeps its position. A
`healthcheck` stage that is the final stage is not moved (that would change
what the build produces); it gets a warning."#,
};

/// Finds a forward (or dangling) reference to the health stage.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let doc = ctx.doc;
    let policy = ctx.policy;
    let Some(copy) = (0..doc.instructions().len()).find(|&i| copies_from_health_stage(doc, i))
    else {
        return Vec::new();
    };
    let instr = &doc.instructions()[copy];
    let span = instr.keyword_start..instr.keyword_start + instr.keyword.len();
    let warn = |message: String| vec![Diagnostic::new(&META, span.clone(), message)];
    let user = doc.stage_of(copy).expect("instructions after a FROM").index;
    let Some(stage) = doc.stage_named(HEALTH_STAGE) else {
        let position = match place::health_stage_position(doc, user, None) {
            Ok(position) => position,
            Err(why) => {
                return warn(format!(
                "`COPY --from={HEALTH_STAGE}` but no stage is named `{HEALTH_STAGE}` (Docker would pull an image of that name); {why}"
            ))
            }
        };
        let at = stage_start(doc, position);
        let text = place::lines_at(
            doc,
            at,
            &[
                format!(
                    "FROM {} AS {HEALTH_STAGE}",
                    policy.config.health.stage_image
                ),
                String::new(),
            ],
        );
        return vec![Diagnostic {
            severity: None,
            rule: &META,
            span,
            message: format!(
                "`COPY --from={HEALTH_STAGE}` but no stage is named `{HEALTH_STAGE}` (Docker would pull an image of that name): declare it {}",
                where_(position, "at")
            ),
            fix: Some(Fix::safe(vec![Edit::insert(at, text)])),
        }];
    };
    if stage.from < copy {
        return Vec::new();
    }
    let line = doc.instructions()[stage.from].first_line + 1;
    if stage.index + 1 == doc.stages.len() {
        return final_health_stage(doc, policy, stage, user, line, span);
    }
    let position = match place::health_stage_position(doc, user, Some(stage.index)) {
        Ok(position) => position,
        Err(why) => {
            return warn(format!(
                "`COPY --from={HEALTH_STAGE}` comes before the `{HEALTH_STAGE}` stage is declared (line {line}); {why}"
            ))
        }
    };
    let top = stage_start(doc, position);
    let start = doc.line_start(doc.attached_comment_start(stage.from));
    let end = doc.line_start(doc.attached_comment_start(stage.end));
    let bytes = &doc.source.bytes[start..end];
    let mut moved = crate::source::lossy(bytes).into_owned();
    let eol = doc.source.line_ending.as_str();
    let ends_blank = moved.ends_with(&format!("{eol}{eol}")) || moved.is_empty();
    if !ends_blank {
        moved.push_str(eol);
    }
    vec![Diagnostic {
        severity: None,
        rule: &META,
        span,
        message: format!(
            "`COPY --from={HEALTH_STAGE}` comes before the `{HEALTH_STAGE}` stage is declared (line {line}): move the stage {}",
            where_(position, "to")
        ),
        fix: Some(Fix::safe(vec![
            Edit::insert(top, moved),
            Edit::delete(start..end),
        ])),
    }]
}

/// The health stage is the final stage by mistake: the app's steps follow
/// its `FROM` (the "circular dependency" users of the stage pattern hit).
/// When that stage is the configured stage image and copies nothing from
/// elsewhere, its `FROM` line alone moves up, as the pattern's own docs
/// say: the steps after it then belong to the app stage again. Otherwise a
/// warning: moving more would change what the build produces.
fn final_health_stage(
    doc: &Dockerfile,
    policy: &crate::settings::policy::Policy,
    stage: &Stage,
    user: usize,
    line: usize,
    span: std::ops::Range<usize>,
) -> Vec<Diagnostic> {
    let warn = |why: String| {
        vec![Diagnostic::new(&META, span.clone(), format!(
                "`COPY --from={HEALTH_STAGE}` comes before the `{HEALTH_STAGE}` stage (line {line}), which is the final stage: {why}; move it yourself"
            ))]
    };
    let image = &policy.config.health.stage_image;
    if !stage.image.eq_ignore_ascii_case(image) {
        return warn(format!(
            "its image is not the configured stage image `{image}`, so moving it would change what the build produces"
        ));
    }
    if (stage.from + 1..stage.end).any(|i| {
        let (flags, _) = crate::syntax::dockerfile::words::leading_flags(doc.words(i));
        flags.iter().any(|(name, _)| name == "from")
    }) {
        return warn("it copies from another stage, so it is not only the probe stage".into());
    }
    let position = match place::health_stage_position(doc, user, Some(stage.index)) {
        Ok(position) => position,
        Err(why) => return warn(why),
    };
    let from_line = doc.line_start(stage.from);
    let from_end = doc.after_instruction(stage.from);
    // A FROM on the last line of a file without a final newline takes the
    // line break before it along, so the file still ends without one.
    let eol = doc.source.line_ending.as_str().len();
    let unterminated = from_end == doc.source.bytes.len() && !doc.source.ends_with_newline();
    let delete_from = if unterminated && from_line >= eol {
        from_line - eol
    } else {
        from_line
    };
    let top = stage_start(doc, position);
    let text = place::lines_at(
        doc,
        top,
        &[
            crate::source::lossy(&doc.source.bytes[from_line..from_end])
                .trim_end_matches(['\r', '\n'])
                .to_string(),
            String::new(),
        ],
    );
    vec![Diagnostic {
        severity: None,
        rule: &META,
        span,
        message: format!(
            "`COPY --from={HEALTH_STAGE}` comes before the `{HEALTH_STAGE}` stage (line {line}), and the app's steps follow its FROM, so it became the final stage: move its FROM line {} (the steps after it belong to the app stage again)",
            where_(position, "to")
        ),
        fix: Some(Fix::safe(vec![
            Edit::insert(top, text),
            Edit::delete(delete_from..from_end),
        ])),
    }]
}

/// Where a stage declared at `position` goes, in words (`at`/`to` the top).
fn where_(position: usize, preposition: &str) -> String {
    if position == 0 {
        format!("{preposition} the top")
    } else {
        "right before the stage that copies from it (a stage above is referred to by position)"
            .into()
    }
}
