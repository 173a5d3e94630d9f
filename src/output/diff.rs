//! The one diff renderer: unified diffs with `a/` and `b/` headers relative
//! to the current folder, so `seaworthy check > p && git apply p` works.
//!
//! `git apply` takes the paths of such a diff from the folder it runs in
//! and refuses any with `..` or a leading `/`, so a run that changes files
//! outside the current folder names them from another [`Base`]: the top of
//! the git work tree that holds them all, else their deepest common folder,
//! and says so in a note.

use std::io::Write;
use std::path::{Path, PathBuf};

use anstyle::{AnsiColor, Style};
use similar::TextDiff;

use crate::plan::FileChange;

/// The folder the `a/` and `b/` paths of one run's diffs are relative to:
/// one for the whole run, so that one `git apply` in it takes them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// The current folder, which holds every file (the usual case).
    Current,
    /// The top of the git work tree that holds every file (found by its
    /// `.git`), when some file is outside the current folder.
    Repository(PathBuf),
    /// The deepest folder that holds every file, when some file is outside
    /// the current folder and no one git work tree holds them all.
    Folder(PathBuf),
}

impl Base {
    /// The base for diffs of the files at `paths`.
    pub fn of<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Base {
        let Some(cwd) = crate::paths::current_dir() else {
            return Base::Current;
        };
        let files: Vec<PathBuf> = paths.into_iter().map(crate::model::project::key).collect();
        if files.iter().all(|file| file.starts_with(cwd)) {
            return Base::Current;
        }
        let mut trees = files.iter().map(|file| work_tree(file));
        if let Some(Some(first)) = trees.next() {
            if trees.all(|tree| tree.as_ref() == Some(&first)) {
                return Base::Repository(first);
            }
        }
        Base::Folder(common_folder(&files))
    }

    /// `path` as the diff names it: relative to the base, `/`-separated.
    pub fn name(&self, path: &Path) -> String {
        let base = match self {
            Base::Current => match crate::paths::current_dir() {
                Some(cwd) => cwd,
                None => return crate::paths::display(path),
            },
            Base::Repository(dir) | Base::Folder(dir) => dir.as_path(),
        };
        let absolute = crate::model::project::key(path);
        match absolute.strip_prefix(base) {
            Ok(rest) => rest.to_string_lossy().replace('\\', "/"),
            Err(_) => crate::paths::display(path),
        }
    }

    /// One line for stderr when the paths are not relative to the current
    /// folder: where to run `git apply`.
    pub fn note(&self) -> Option<String> {
        match self {
            Base::Current => None,
            Base::Repository(root) => Some(format!(
                "note: the diff's paths are relative to the git repository at {}, \
                 not to the current folder: run `git apply` there",
                root.display()
            )),
            Base::Folder(dir) => Some(format!(
                "note: the diff's paths are relative to {} (no one git repository holds \
                 these files): run `git apply` there, or above it with `--directory`",
                dir.display()
            )),
        }
    }
}

/// The top of the git work tree that holds `file`: the nearest folder
/// above it with a `.git` (a folder, or a file in a linked work tree).
fn work_tree(file: &Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The deepest folder that holds every file of `files` (absolute paths).
fn common_folder(files: &[PathBuf]) -> PathBuf {
    let mut common = files
        .first()
        .and_then(|file| file.parent())
        .map(Path::to_path_buf)
        .unwrap_or_default();
    for file in files {
        while !file.starts_with(&common) && common.pop() {}
    }
    common
}

/// The unified diff of one file change (empty when nothing changes), with
/// paths relative to the current folder; a file the plan creates is diffed
/// from `/dev/null`, as git writes it.
pub fn unified(change: &FileChange) -> String {
    unified_from(change, &Base::Current)
}

/// The unified diff of one file change (empty when nothing changes), with
/// paths relative to `base`; a file the plan creates is diffed from
/// `/dev/null`, as git writes it.
pub fn unified_from(change: &FileChange, base: &Base) -> String {
    if !change.changes() {
        return String::new();
    }
    let name = base.name(&change.path);
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

    #[test]
    fn common_folder_of_files() {
        let files = |paths: &[&str]| paths.iter().map(PathBuf::from).collect::<Vec<_>>();
        assert_eq!(
            common_folder(&files(&["/w/x/Dockerfile"])),
            Path::new("/w/x")
        );
        assert_eq!(
            common_folder(&files(&[
                "/w/x/a/Dockerfile",
                "/w/x/b/compose.yaml",
                "/w/x/c"
            ])),
            Path::new("/w/x")
        );
        assert_eq!(
            common_folder(&files(&["/w/xy/Dockerfile", "/w/x/Dockerfile"])),
            Path::new("/w")
        );
        assert_eq!(
            common_folder(&files(&["/a/Dockerfile", "/b/Dockerfile"])),
            Path::new("/")
        );
    }
}
