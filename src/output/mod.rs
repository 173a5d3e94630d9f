//! What the user sees: the one unified diff renderer and the text report
//! (one file per format, as hadolint keeps its formatters).

pub mod diff;
pub mod text;
