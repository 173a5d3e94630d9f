//! Dockerfile rules, one file each, named by ID and slug.

pub mod sw101_healthcheck;
pub mod sw102_stage_order;
pub mod sw103_wrap_command;
pub mod sw104_expose;
pub mod sw106_stage_path;
pub mod sw107_broken_healthcheck;

use super::Rule;
use crate::diagnostic::Diagnostic;
use crate::edit::Written;
use crate::settings::policy::Policy;
use crate::syntax::dockerfile::Dockerfile;

/// What a Dockerfile rule reads: the parsed file and the settings for it.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The Dockerfile as it is in this pass.
    pub doc: &'a Dockerfile,
    /// The settings that apply to it.
    pub policy: &'a Policy,
    /// The text earlier passes of this run wrote.
    pub written: &'a Written,
}

/// A Dockerfile rule's check.
pub type Check = fn(&Ctx) -> Vec<Diagnostic>;

/// Every Dockerfile rule, in ID order.
pub const RULES: &[Rule<Check>] = &[
    Rule {
        meta: &sw101_healthcheck::META,
        check: sw101_healthcheck::check,
    },
    Rule {
        meta: &sw102_stage_order::META,
        check: sw102_stage_order::check,
    },
    Rule {
        meta: &sw103_wrap_command::META,
        check: sw103_wrap_command::check,
    },
    Rule {
        meta: &sw104_expose::META,
        check: sw104_expose::check,
    },
    Rule {
        meta: &sw106_stage_path::META,
        check: sw106_stage_path::check,
    },
    Rule {
        meta: &sw107_broken_healthcheck::META,
        check: sw107_broken_healthcheck::check,
    },
];

/// Shared placement logic: where new instructions go in a stage, and how
/// they are written so that they follow the file's own conventions.
pub mod place {
    use crate::edit::Edit;
    use crate::syntax::dockerfile::{Dockerfile, Stage};

    /// Offset before which instructions belonging just before the start
    /// command go: before the stage's first own CMD/ENTRYPOINT (and the
    /// comment right above it), or at the end of the stage.
    pub fn before_start_command(doc: &Dockerfile, stage: &Stage) -> usize {
        let first = (stage.from + 1..stage.end)
            .find(|&i| matches!(doc.instructions()[i].keyword.as_str(), "CMD" | "ENTRYPOINT"));
        match first {
            Some(i) => doc.line_start(doc.attached_comment_start(i)),
            None => end_of_stage(doc, stage),
        }
    }

    /// Offset just after the stage's last instruction.
    pub fn end_of_stage(doc: &Dockerfile, stage: &Stage) -> usize {
        doc.after_instruction(stage.end - 1)
    }

    /// Text for new lines inserted at `offset`: `lines` joined with the
    /// file's line ending, a line break first when `offset` is the end of a
    /// file without a final newline (and none after, to keep that style),
    /// and a blank line first when it would follow a heredoc terminator.
    pub fn lines_at(doc: &Dockerfile, offset: usize, lines: &[String]) -> String {
        let eol = doc.source.line_ending.as_str();
        let bytes = &doc.source.bytes;
        let at_unterminated_end = offset == bytes.len() && !doc.source.ends_with_newline();
        let line_index = doc
            .lexed
            .lines
            .iter()
            .position(|l| l.start == offset)
            .unwrap_or(doc.lexed.lines.len());
        let blank = if doc.follows_heredoc(line_index) {
            eol
        } else {
            ""
        };
        let body = crate::source::whole_lines(
            lines.iter().map(String::as_str),
            0,
            eol,
            at_unterminated_end,
        );
        format!("{blank}{body}")
    }

    /// The line-continuation sequence of this file (escape char).
    pub fn continuation(doc: &Dockerfile) -> char {
        doc.lexed.escape as char
    }

    /// Where lines meant for `offset` go so that they start instructions of
    /// their own. When the file ends inside the continuation of its last
    /// instruction (see [`Dockerfile::open_continuation`]), nothing can go
    /// after that instruction's first line: Docker would read it as more of
    /// that instruction, and comment or blank lines do not end it. Such
    /// lines go right before that instruction (and the comment above it)
    /// instead, which is the same stage; `Err` says why not when that
    /// instruction is its stage's `FROM` (nothing before it is in its stage).
    pub fn clear_of_open_continuation(doc: &Dockerfile, offset: usize) -> Result<usize, String> {
        let Some(open) = doc.open_continuation() else {
            return Ok(offset);
        };
        let instr = &doc.instructions()[open];
        if offset <= doc.line_start(instr.first_line) {
            return Ok(offset);
        }
        if instr.keyword == "FROM" {
            return Err(format!(
                "the file ends inside the line continuation of its last instruction ({} at line {}), so nothing can be added to its stage: end that line without `{}`",
                instr.keyword,
                instr.first_line + 1,
                continuation(doc)
            ));
        }
        Ok(doc.line_start(doc.attached_comment_start(open)))
    }

    /// An insertion of whole `lines` meant for `offset`, moved clear of an
    /// open continuation ([`clear_of_open_continuation`]) and written by
    /// [`lines_at`].
    pub fn insert_lines(doc: &Dockerfile, offset: usize, lines: &[String]) -> Result<Edit, String> {
        let at = clear_of_open_continuation(doc, offset)?;
        Ok(Edit::insert(at, lines_at(doc, at, lines)))
    }

    /// The position (stage index) at which the health stage can be declared,
    /// or moved up to from position `moved`, for the stage at position
    /// `user` that copies from it, without changing what any reference to a
    /// stage by position (`COPY --from=0`, see
    /// [`Dockerfile::positional_references`]) names: the top of the file
    /// when that shifts no such stage, else right before `user`. `Err` says
    /// why not when even that would shift one.
    pub fn health_stage_position(
        doc: &Dockerfile,
        user: usize,
        moved: Option<usize>,
    ) -> Result<usize, String> {
        // Declaring a stage at position p shifts the stages from p on by one
        // (moving one up from h shifts p..h and h itself): a reference to
        // any of them would name another stage afterwards.
        let last_shifted = moved.unwrap_or(usize::MAX);
        let references = doc.positional_references();
        let shifts = |p: usize| {
            references.iter().find(|(i, position)| match position {
                Some(k) => (p..=last_shifted).contains(k),
                // A variable may name any stage before its own.
                None => doc.stage_of(*i).is_some_and(|s| p < s.index),
            })
        };
        for p in [0, user] {
            if shifts(p).is_none() {
                return Ok(p);
            }
        }
        let (i, _) = *shifts(user).expect("a reference shifts");
        let instr = &doc.instructions()[i];
        Err(format!(
            "line {} names a stage by its position, and declaring the `{}` stage before the stage that copies from it would make it name another one: name that stage (`AS name`) and refer to it by name",
            instr.first_line + 1,
            super::HEALTH_STAGE
        ))
    }
}

/// The edits that make `command` (run by `client`) the HEALTHCHECK of
/// `stage`, as SW101 inserts it and SW107 puts it in place of a check
/// that can never pass: for a copied probe, the probe stage (declared where
/// no stage reference shifts) and the `COPY` of its binary (unless the
/// stage copies it already), then the HEALTHCHECK edit that `healthcheck`
/// makes from the rendered command. `Err` says why it cannot be placed.
pub fn probe_edits(
    doc: &Dockerfile,
    stage: &crate::syntax::dockerfile::Stage,
    health: &crate::settings::Health,
    client: crate::health::probe::Client,
    mut command: crate::health::probe::Probe,
    healthcheck: impl FnOnce(&str) -> Result<crate::edit::Edit, String>,
) -> Result<Vec<crate::edit::Edit>, String> {
    use crate::edit::Edit;
    use crate::health::probe::{Client, Probe};
    let mut edits = Vec::new();
    if let (Client::Stage, Probe::Exec(argv)) = (client, &mut command) {
        let probes = probe_stage(doc, health);
        if stage.name.as_deref() == Some(probes) {
            return Err(format!(
                "it is itself named `{probes}`, so it cannot copy a probe from the `{probes}` stage: rename it, or write its HEALTHCHECK by hand"
            ));
        }
        if doc.stage_named(probes).is_none() {
            let user = match probes {
                HEALTH_STAGE => {
                    first_health_stage_user(doc).map_or(stage.index, |u| u.min(stage.index))
                }
                _ => stage.index,
            };
            let position = place::health_stage_position(doc, user, None)?;
            let at = stage_start(doc, position);
            let text = place::lines_at(
                doc,
                at,
                &[
                    format!("FROM {} AS {probes}", health.stage_image),
                    String::new(),
                ],
            );
            edits.push(Edit::insert(at, text));
        }
        match copied_to(doc, stage, probes, &argv[0]) {
            Some(destination) => argv[0] = destination,
            None => {
                let copy = format!("COPY --from={probes} {0} {0}", argv[0]);
                edits.push(place::insert_lines(
                    doc,
                    doc.after_instruction(stage.from),
                    &[copy],
                )?);
            }
        }
    }
    let healthcheck = healthcheck(&command.render())?;
    match edits
        .iter_mut()
        .find(|e| e.range.start == healthcheck.range.start && e.range.is_empty())
    {
        Some(edit) if healthcheck.range.is_empty() => edit.text.push_str(&healthcheck.text),
        _ => edits.push(healthcheck),
    }
    Ok(edits)
}

/// Whether a stage has a `COPY --from=healthcheck` (the health stage is in use).
pub fn copies_from_health_stage(doc: &Dockerfile, index: usize) -> bool {
    copies_from(doc, index, HEALTH_STAGE)
}

/// Whether instruction `index` is a `COPY --from=<stage>`.
pub fn copies_from(doc: &Dockerfile, index: usize, stage: &str) -> bool {
    let instr = &doc.instructions()[index];
    if instr.keyword != "COPY" {
        return false;
    }
    let (flags, _) = crate::syntax::dockerfile::words::leading_flags(doc.words(index));
    flags
        .iter()
        .any(|(name, value)| name == "from" && value.eq_ignore_ascii_case(stage))
}

/// The name seaworthy declares its probe stage under when a stage of the
/// user's is already called `healthcheck` with another image.
pub const PROBE_STAGE_ALT: &str = "seaworthy-probe";

/// The stage seaworthy copies probes from: `healthcheck` when no stage has
/// that name or the one that has it is the configured stage image; else
/// [`PROBE_STAGE_ALT`]. A user's own `healthcheck` stage (`FROM golang AS
/// healthcheck`) is never assumed to hold a probe.
pub fn probe_stage(doc: &Dockerfile, health: &crate::settings::Health) -> &'static str {
    match doc.stage_named(HEALTH_STAGE) {
        Some(s) if !s.image.eq_ignore_ascii_case(&health.stage_image) => PROBE_STAGE_ALT,
        _ => HEALTH_STAGE,
    }
}

/// Where `stage`'s chain copies `binary` from the probe stage `from` to (the
/// path the image has it at), if it does.
pub fn copied_to(
    doc: &Dockerfile,
    stage: &crate::syntax::dockerfile::Stage,
    from: &str,
    binary: &str,
) -> Option<String> {
    use crate::syntax::dockerfile::words::leading_flags;
    doc.inherited(stage).into_iter().find_map(|i| {
        if !copies_from(doc, i, from) {
            return None;
        }
        let words = doc.words(i);
        let (_, first) = leading_flags(words);
        let paths = &words[first..];
        let (destination, sources) = paths.split_last()?;
        if !sources.iter().any(|s| s.value == binary) {
            return None;
        }
        let name = binary.rsplit('/').next().unwrap_or(binary);
        Some(if destination.value.ends_with('/') {
            format!("{}{name}", destination.value)
        } else if sources.len() > 1 {
            format!("{}/{name}", destination.value)
        } else {
            destination.value.clone()
        })
    })
}

/// Position of the first stage that copies from the health stage, if any.
pub fn first_health_stage_user(doc: &Dockerfile) -> Option<usize> {
    (0..doc.instructions().len())
        .find(|&i| copies_from_health_stage(doc, i))
        .and_then(|i| doc.stage_of(i))
        .map(|s| s.index)
}

/// Byte offset where a stage declared at position `position` goes: before
/// that stage's `FROM` and the comment above it.
pub fn stage_start(doc: &Dockerfile, position: usize) -> usize {
    doc.line_start(doc.attached_comment_start(doc.stages[position].from))
}

/// The name of the stage that holds the probe binary.
pub const HEALTH_STAGE: &str = "healthcheck";
