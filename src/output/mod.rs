//! What the user sees: the one unified diff renderer and one module per
//! report format (as hadolint keeps its formatters), every one fed by the
//! same [`crate::plan::Plan`]. Rules never print.

pub mod diff;
pub mod github;
pub mod json;
pub mod sarif;
pub mod statistics;
pub mod text;

use crate::plan::{FileChange, Position};

/// The 1-based column of `pos` in UTF-16 code units (what SARIF counts by
/// default and what GitHub's annotations take), from the file's original
/// bytes; `pos.col` counts bytes.
pub fn utf16_col(file: &FileChange, pos: Position) -> usize {
    let bytes = file.before_bytes();
    let end = pos.byte.min(bytes.len());
    let start = end.saturating_sub(pos.col.saturating_sub(1));
    crate::source::lossy(&bytes[start..end])
        .encode_utf16()
        .count()
        + 1
}
