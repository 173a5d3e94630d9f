//! Which files seaworthy reads: walked folders (respecting the project's
//! .gitignore and .ignore files) and files recognised by name; backups and
//! editor leftovers never count.

use std::path::{Path, PathBuf};

use crate::error::InputError;

/// The kinds of file seaworthy knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    /// A Dockerfile.
    Dockerfile,
    /// A Compose file.
    Compose,
    /// A `seaworthy.toml`: read so that the app config it names is checked
    /// even where no Dockerfile or Compose file sits beside it.
    Settings,
}

/// Suffixes of backup and editor files: never treated as inputs.
const LEFTOVERS: &[&str] = &[".bak", ".orig", ".rej", ".swp", "~", ".dockerignore"];

/// The kind of file `name` is, by name alone.
pub fn kind_of(name: &str) -> Option<FileKind> {
    if LEFTOVERS.iter().any(|s| name.ends_with(s)) {
        return None;
    }
    if name == crate::settings::FILE_NAME {
        return Some(FileKind::Settings);
    }
    let lower = name.to_ascii_lowercase();
    if lower == "dockerfile" || lower.starts_with("dockerfile.") || lower.ends_with(".dockerfile") {
        return Some(FileKind::Dockerfile);
    }
    let stem = lower
        .strip_suffix(".yaml")
        .or_else(|| lower.strip_suffix(".yml"))?;
    let compose = ["compose", "docker-compose"].iter().any(|base| {
        stem == *base
            || stem
                .strip_prefix(base)
                .is_some_and(|rest| rest.starts_with('.'))
    });
    compose.then_some(FileKind::Compose)
}

/// The kind of a file named on the command line whose name says nothing
/// (`Dockerfile-prod`, `crlf-compose.yaml`): a Dockerfile when its first
/// instruction (after comments, parser directives and ARGs) is FROM, a
/// Compose file when it is YAML with a top-level `services:` key. Only the
/// first 64 KiB are read.
fn kind_by_content(path: &Path) -> Option<FileKind> {
    use std::io::Read;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .ok()?;
    let text = String::from_utf8_lossy(&head);
    let yaml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let mut lines = text
        .lines()
        .map(|l| l.trim_start_matches('\u{feff}'))
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    if yaml {
        return text
            .lines()
            .any(|l| l.trim_end() == "services:" || l.starts_with("services:"))
            .then_some(FileKind::Compose);
    }
    lines
        .find(|l| !l.trim_start().to_ascii_uppercase().starts_with("ARG "))
        .filter(|l| l.trim_start().to_ascii_uppercase().starts_with("FROM "))
        .map(|_| FileKind::Dockerfile)
}

/// More names the walk recognises (`[files]` of `seaworthy.toml`).
#[derive(Debug, Clone, Default)]
pub struct Names {
    dockerfile: globset::GlobSet,
    compose: globset::GlobSet,
}

impl Names {
    /// The patterns of `files` (checked when the config was read).
    pub fn new(files: &[&crate::settings::Files]) -> Names {
        let set = |patterns: &mut dyn Iterator<Item = &String>| {
            let mut builder = globset::GlobSetBuilder::new();
            for pattern in patterns {
                if let Ok(glob) = globset::Glob::new(pattern) {
                    builder.add(glob);
                }
            }
            builder.build().unwrap_or_default()
        };
        Names {
            dockerfile: set(&mut files.iter().flat_map(|f| f.dockerfile.iter())),
            compose: set(&mut files.iter().flat_map(|f| f.compose.iter())),
        }
    }

    /// The kind of file `name` is: by the built-in names, then these.
    pub fn kind_of(&self, name: &str) -> Option<FileKind> {
        kind_of(name).or_else(|| {
            if LEFTOVERS.iter().any(|s| name.ends_with(s)) {
                None
            } else if self.dockerfile.is_match(name) {
                Some(FileKind::Dockerfile)
            } else if self.compose.is_match(name) {
                Some(FileKind::Compose)
            } else {
                None
            }
        })
    }
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walked {
    /// The files to check, sorted, with their kind.
    pub found: Vec<(PathBuf, FileKind)>,
    /// Paths that do not exist, files named that seaworthy cannot read.
    pub errors: Vec<InputError>,
    /// Hidden folders the walk passed over (`.devcontainer/`): name one to
    /// check it (`--verbose` lists them).
    pub hidden: Vec<PathBuf>,
}

/// Expands `paths` into the files to check, sorted; a path that does not
/// exist, or a file given by name that seaworthy cannot read, is an error.
pub fn files(paths: &[PathBuf]) -> (Vec<(PathBuf, FileKind)>, Vec<InputError>) {
    let walked = files_named(paths, &Names::default(), &|_, _| {});
    (walked.found, walked.errors)
}

/// [`files`], also recognising `names`, and saying which hidden folders
/// were passed over. `found` is told of each file as the walk meets it, so
/// that work on it can start while the walk goes on.
pub fn files_named(
    paths: &[PathBuf],
    names: &Names,
    found_now: &(dyn Fn(&Path, FileKind) + Sync),
) -> Walked {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut hidden = Vec::new();
    for path in paths {
        let from_stdin = crate::source::overlay_for(path).is_some();
        if from_stdin || path.is_file() {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let by_content = || (!from_stdin).then(|| kind_by_content(path)).flatten();
            match names.kind_of(&name).or_else(by_content) {
                Some(kind) => {
                    found_now(path, kind);
                    found.push((path.clone(), kind));
                }
                None => errors.push(InputError::file(
                    path,
                    "not a file seaworthy knows: its name is not a Dockerfile's or a Compose file's (Dockerfile, Dockerfile.*, *.Dockerfile, compose.yaml, docker-compose.yml, compose.*.yaml, …), and it holds neither a FROM instruction nor a top-level `services:`",
                )),
            }
            continue;
        }
        if !path.exists() {
            errors.push(InputError::path(path, "no such file or folder"));
            continue;
        }
        if !path.is_dir() {
            errors.push(InputError::file(path, "not a regular file or a folder"));
            continue;
        }
        walk(path, names, found_now, &mut found, &mut errors, &mut hidden);
    }
    found.sort();
    found.dedup();
    hidden.sort();
    Walked {
        found,
        errors,
        hidden,
    }
}

fn walk(
    root: &Path,
    names: &Names,
    found_now: &(dyn Fn(&Path, FileKind) + Sync),
    found: &mut Vec<(PathBuf, FileKind)>,
    errors: &mut Vec<InputError>,
    hidden: &mut Vec<PathBuf>,
) {
    // Only ignore files that are part of the project: a user's global git
    // excludes and .git/info/exclude would make `check` on a laptop differ
    // from CI (and reading git's config costs more than the whole walk).
    // Hidden entries are passed over as the `ignore` crate does by default,
    // but by this filter, which remembers the folders (not `.git`) so
    // `--verbose` can name them.
    let passed_over = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = passed_over.clone();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .filter_entry(move |entry| {
            let is_hidden =
                entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
            if is_hidden
                && entry.file_name() != ".git"
                && entry.file_type().is_some_and(|t| t.is_dir())
            {
                seen.lock()
                    .expect("hidden folders")
                    .push(entry.path().to_path_buf());
            }
            !is_hidden
        })
        .require_git(false)
        .follow_links(false)
        .git_global(false)
        .git_exclude(false)
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                let name = entry.file_name().to_string_lossy();
                if let Some(kind) = names.kind_of(&name) {
                    found_now(entry.path(), kind);
                    found.push((entry.path().to_path_buf(), kind));
                }
            }
            Err(e) => {
                let path = match &e {
                    ignore::Error::WithPath { path, .. } => path.clone(),
                    _ => root.to_path_buf(),
                };
                errors.push(InputError::file(&path, format!("cannot walk: {e}")));
            }
        }
    }
    hidden.append(&mut passed_over.lock().expect("hidden folders"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_names() {
        for yes in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.prod",
            "api.Dockerfile",
        ] {
            assert_eq!(kind_of(yes), Some(FileKind::Dockerfile), "{yes}");
        }
        for yes in [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yml",
            "docker-compose.override.yml",
            "compose.prod.yaml",
        ] {
            assert_eq!(kind_of(yes), Some(FileKind::Compose), "{yes}");
        }
        for no in [
            "Dockerfile.bak",
            "Dockerfile.orig",
            "Dockerfile.rej",
            "Dockerfile.swp",
            "Dockerfile~",
            "Dockerfile.dockerignore",
            "README.md",
            "compose.yaml.bak",
            "my-compose.yaml",
        ] {
            assert_eq!(kind_of(no), None, "{no}");
        }
    }
}
