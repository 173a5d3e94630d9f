//! Where ignores apply, per kind of document: the one reading of
//! `# seaworthy: ignore[…]` comments (and `[services.NAME] ignore`) into
//! [`Suppressions`] that the engine and the rules both ask.
//!
//! - Dockerfile: a directive above the first `FROM` covers the file; one
//!   inside a stage covers that stage.
//! - Compose: a directive above `services:` covers the file; one inside a
//!   service covers that service, and so does `[services.NAME] ignore`.

use crate::model::compose::ComposeFile;
use crate::registry::{ignore_directive, Suppressions};
use crate::settings::policy::Policy;
use crate::syntax::dockerfile::Dockerfile;
use crate::syntax::yaml::splice;
use crate::syntax::yaml::tree::Node;

/// Everything after byte 0: a directive that covers the whole file.
const WHOLE_FILE: std::ops::Range<usize> = 0..usize::MAX;

/// The ignores of a Dockerfile.
pub fn dockerfile(doc: &Dockerfile) -> Suppressions {
    let mut out = Suppressions::default();
    let instructions = doc.instructions();
    let first_from_line = instructions[doc.stages[0].from].first_line;
    let stage_start = |index: usize| instructions[doc.stages[index].from].keyword_start;
    let last = instructions.len() - 1;
    for (line, text) in doc.comment_text() {
        let Some(codes) = ignore_directive(text) else {
            continue;
        };
        if line < first_from_line {
            out.add(WHOLE_FILE, codes);
            continue;
        }
        let next = instructions
            .iter()
            .position(|i| i.first_line > line)
            .unwrap_or(last);
        if let Some(stage) = doc.stage_of(next) {
            let end = doc
                .stages
                .get(stage.index + 1)
                .map_or(usize::MAX, |_| stage_start(stage.index + 1));
            out.add(stage_start(stage.index)..end, codes);
        }
    }
    out
}

/// The ignores of a Compose file, with the `[services.NAME] ignore` of the
/// policy that applies to it.
pub fn compose(file: &ComposeFile, policy: &Policy) -> Suppressions {
    let mut out = Suppressions::default();
    let boundaries = key_starts(file);
    let services_start = file.services_nodes().next().map_or(usize::MAX, |n| n.start);
    let services: Vec<(&str, std::ops::Range<usize>)> = file
        .services()
        .iter()
        .map(|s| (s.name, service_lines(file, &boundaries, s.key)))
        .collect();
    for comment in &file.tree.comments {
        let Some(codes) = ignore_directive(&comment.text) else {
            continue;
        };
        if comment.start < services_start {
            out.add(WHOLE_FILE, codes);
        } else if let Some((_, lines)) = services.iter().find(|(_, l)| l.contains(&comment.start)) {
            out.add(lines.clone(), codes);
        }
    }
    for (name, lines) in &services {
        if let Some(section) = policy.service_config(name) {
            if !section.ignore.is_empty() {
                out.add(lines.clone(), section.ignore.clone());
            }
        }
    }
    out
}

/// Where every service key and every top-level key starts, sorted: the
/// places a service's lines end.
fn key_starts(file: &ComposeFile) -> Vec<usize> {
    let keys = |node: &Node| -> Vec<usize> {
        node.entries()
            .map(|entries| entries.iter().map(|e| e.key.start).collect())
            .unwrap_or_default()
    };
    let mut starts: Vec<usize> = file.services_nodes().flat_map(keys).collect();
    starts.extend(file.tree.roots().flat_map(keys));
    starts.sort_unstable();
    starts
}

/// The lines a service occupies: from its key's line to the next service's
/// key line (or the next top-level key), trailing comments included.
fn service_lines(file: &ComposeFile, boundaries: &[usize], key: &Node) -> std::ops::Range<usize> {
    let text = &file.text;
    let start = splice::line_start(text, key.start);
    let next = boundaries.partition_point(|&k| k <= key.start);
    let end = boundaries
        .get(next)
        .map_or(text.len(), |&k| splice::line_start(text, k));
    start..end.max(start)
}
