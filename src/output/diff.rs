//! The one diff renderer: unified diffs with `a/` and `b/` headers relative
//! to the current folder, so `seaworthy check > p && git apply p` works.

use std::io::Write;

use anstyle::{AnsiColor, Style};
use similar::TextDiff;

use crate::plan::FileChange;

/// The unified diff of one file change (empty when nothing changes); a file
/// the plan creates is diffed from `/dev/null`, as git writes it.
pub fn unified(change: &FileChange) -> String {
    if !change.changes() {
        return String::new();
    }
    let name = crate::paths::display(&change.path);
    let before = text(change.before.as_deref().unwrap_or_default());
    let after = text(&change.after);
    let old_header = match change.before {
        Some(_) => format!("a/{name}"),
        None => "/dev/null".to_string(),
    };
    TextDiff::from_lines(before.as_ref(), after.as_ref())
        .unified_diff()
        .context_radius(3)
        .header(&old_header, &format!("b/{name}"))
        .to_string()
}

/// The bytes as text (checked the fast way first: nearly every file is UTF-8).
fn text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Writes `diff` to `out`, coloured by line kind when `colour` is on.
pub fn write(out: &mut impl Write, diff: &str, colour: bool) -> std::io::Result<()> {
    if !colour {
        return out.write_all(diff.as_bytes());
    }
    let header = Style::new().bold();
    let added = AnsiColor::Green.on_default();
    let removed = AnsiColor::Red.on_default();
    let hunk = AnsiColor::Cyan.on_default();
    for line in diff.split_inclusive('\n') {
        let style = if line.starts_with("+++") || line.starts_with("---") {
            header
        } else if line.starts_with('+') {
            added
        } else if line.starts_with('-') {
            removed
        } else if line.starts_with("@@") {
            hunk
        } else {
            Style::new()
        };
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        write!(out, "{style}{body}{style:#}{end}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_missing_newline() {
        let change = FileChange {
            path: "x/Dockerfile".into(),
            before: Some(b"FROM a\nCMD b".to_vec()),
            after: b"FROM a\nEXPOSE 1\nCMD b".to_vec(),
            findings: vec![],
        };
        let diff = unified(&change);
        assert!(
            diff.starts_with("--- a/x/Dockerfile\n+++ b/x/Dockerfile\n"),
            "{diff}"
        );
        assert!(diff.contains("+EXPOSE 1\n"));
        assert!(diff.contains("\\ No newline at end of file"));
    }

    #[test]
    fn new_files_come_from_dev_null() {
        let change = FileChange {
            path: "x/.dockerignore".into(),
            before: None,
            after: b".git\n.env\n".to_vec(),
            findings: vec![],
        };
        let diff = unified(&change);
        assert!(
            diff.starts_with(
                "--- /dev/null\n+++ b/x/.dockerignore\n@@ -0,0 +1,2 @@\n+.git\n+.env\n"
            ),
            "{diff}"
        );
    }
}
