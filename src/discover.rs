//! Which files seaworthy reads: walked folders (respecting the project's
//! .gitignore and .ignore files) and files recognised by name; backups and
//! editor leftovers never count.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

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
    let text = crate::source::lossy(&head);
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

/// The ignore files the walk reads, in precedence order: a matching
/// `.ignore` line wins over a `.gitignore` one, as in the `ignore` crate.
const WALK_LISTS: &[&[&str]] = &[&[".ignore"], &[".gitignore"]];

/// Walks `root`: reads each folder's listing once, which already says which
/// ignore files it has, and matches with the `ignore` crate's `Gitignore`
/// as its walker does (ADR 006): the nearest `.ignore` that matches, else
/// the nearest `.gitignore`, first in the folders walked, then in those
/// above `root` (matched with the path from `root`'s canonical form). Only
/// ignore files that are part of the project count: a user's global git
/// excludes and .git/info/exclude would make `check` on a laptop differ
/// from CI. Hidden entries are passed over (the folders, not `.git`, are
/// remembered so `--verbose` can name them), and links are not followed.
fn walk(
    root: &Path,
    names: &Names,
    found_now: &(dyn Fn(&Path, FileKind) + Sync),
    found: &mut Vec<(PathBuf, FileKind)>,
    errors: &mut Vec<InputError>,
    hidden: &mut Vec<PathBuf>,
) {
    let canonical = root.canonicalize().ok();
    let mut above = Vec::new();
    let mut problems = Vec::new();
    if let Some(canonical) = &canonical {
        let mut parents: Vec<&Path> = canonical.ancestors().skip(1).collect();
        parents.reverse();
        for parent in parents {
            let (lists, problem) =
                IgnoreLists::read(parent, WALK_LISTS, |name| parent.join(name).exists());
            problems.extend(problem);
            above.push(lists);
        }
    }
    if let Some(problem) = combined(problems) {
        let path = match &problem {
            ignore::Error::WithPath { path, .. } => path.clone(),
            _ => root.to_path_buf(),
        };
        errors.push(InputError::file(&path, format!("cannot walk: {problem}")));
    }
    let walk = Walk {
        root,
        absolute: canonical.filter(|_| above.iter().any(IgnoreLists::any)),
        above,
        names,
        found_now,
    };
    walk.visit(root, &mut Vec::new(), found, errors, hidden);
}

/// What [`walk`] keeps for the whole walk.
struct Walk<'a> {
    root: &'a Path,
    /// `root`'s canonical form, when a folder above it has ignore lines.
    absolute: Option<PathBuf>,
    /// The lists of the folders above `root`, outermost first.
    above: Vec<IgnoreLists>,
    names: &'a Names,
    found_now: &'a (dyn Fn(&Path, FileKind) + Sync),
}

impl Walk<'_> {
    /// Whether `path` is ignored (`levels`: the lists from `root` down).
    fn ignored(&self, levels: &[IgnoreLists], path: &Path, is_dir: bool) -> bool {
        let absolute = self.absolute.as_ref().map(|base| {
            let relative = path.strip_prefix("./").unwrap_or(path);
            let relative = match self.root.strip_prefix("./").unwrap_or(self.root) {
                root if root == Path::new(".") => relative,
                root => relative.strip_prefix(root).unwrap_or(relative),
            };
            base.join(relative)
        });
        ignored(levels, &self.above, path, absolute.as_deref(), is_dir)
    }

    fn visit(
        &self,
        folder: &Path,
        levels: &mut Vec<IgnoreLists>,
        found: &mut Vec<(PathBuf, FileKind)>,
        errors: &mut Vec<InputError>,
        hidden: &mut Vec<PathBuf>,
    ) {
        let mut entries = match listing(folder) {
            Ok(entries) => entries,
            Err(e) => {
                // As the crate's walker says it (walkdir's message).
                let shown = folder.display();
                errors.push(InputError::file(
                    folder,
                    format!("cannot walk: {shown}: IO error for operation on {shown}: {e}"),
                ));
                return;
            }
        };
        // By name: the files are then found in the order they are sorted
        // in (sorting them costs one comparison each), and folders that
        // cannot be read are reported in that order too, whatever order
        // the file system lists them in.
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // A bad line in a folder's own ignore file is passed over, as the
        // crate's walker does (it hands the error to the folder's entry).
        levels.push(IgnoreLists::read(folder, WALK_LISTS, |name| listed(&entries, name)).0);
        for (name, kind) in &entries {
            let path = folder.join(name);
            if self.ignored(levels, &path, kind.is_dir()) {
                continue;
            }
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                if kind.is_dir() && name != ".git" {
                    hidden.push(path);
                }
                continue;
            }
            if kind.is_dir() {
                self.visit(&path, levels, found, errors, hidden);
            } else if kind.is_file() {
                if let Some(kind) = self.names.kind_of(&name) {
                    (self.found_now)(&path, kind);
                    found.push((path, kind));
                }
            }
        }
        levels.pop();
    }
}

/// A folder's entries, names and types (links not followed), in the order
/// the file system lists them.
pub fn listing(folder: &Path) -> std::io::Result<Vec<(OsString, std::fs::FileType)>> {
    Ok(std::fs::read_dir(folder)?
        .filter_map(Result::ok)
        .filter_map(|entry| Some((entry.file_name(), entry.file_type().ok()?)))
        .collect())
}

/// Whether a listing holds `name`.
pub fn listed(entries: &[(OsString, std::fs::FileType)], name: &str) -> bool {
    entries.iter().any(|(entry, _)| entry == name)
}

/// The ignore lists of one folder, one per group of file names: a group's
/// files are read as one list, in order (a later file's lines take
/// precedence), as the `ignore` crate reads its custom ignore files.
pub struct IgnoreLists(Vec<Option<Gitignore>>);

impl IgnoreLists {
    /// The lists of `folder` for `groups`; `holds(name)` says whether it has
    /// the file (from its listing, or by asking the file system). A file
    /// that cannot be read counts as empty; lines that are no pattern are
    /// passed over and returned as an error, as the crate builds it.
    pub fn read(
        folder: &Path,
        groups: &[&[&str]],
        holds: impl Fn(&str) -> bool,
    ) -> (IgnoreLists, Option<ignore::Error>) {
        let mut problems = Vec::new();
        let lists = groups
            .iter()
            .map(|names| {
                let present: Vec<&&str> = names.iter().filter(|name| holds(name)).collect();
                if present.is_empty() {
                    return None;
                }
                let mut builder = GitignoreBuilder::new(folder);
                let mut own = Vec::new();
                for name in present {
                    own.extend(builder.add(folder.join(name)).filter(|e| !e.is_io()));
                }
                let list = builder.build().map_err(|e| own.push(e)).ok();
                problems.extend(combined(own));
                list
            })
            .collect();
        (IgnoreLists(lists), combined(problems))
    }

    /// Whether any list has a line.
    fn any(&self) -> bool {
        self.0.iter().flatten().any(|list| !list.is_empty())
    }
}

/// Errors as the `ignore` crate gathers them: one alone, several as one.
fn combined(mut errors: Vec<ignore::Error>) -> Option<ignore::Error> {
    match errors.len() {
        0 => None,
        1 => errors.pop(),
        _ => Some(ignore::Error::Partial(errors)),
    }
}

/// Whether `path` (a folder when `is_dir`) is ignored, as the `ignore`
/// crate's walker decides: for each group of lists in order, the nearest
/// folder whose list matches, first among `levels` (the walked folders,
/// outermost first), then among `above` (folders above the walk,
/// outermost first, matched with `absolute`); the first group with a match
/// decides, and a `!` line takes a path back.
pub fn ignored<'a>(
    levels: &'a [IgnoreLists],
    above: &'a [IgnoreLists],
    path: &Path,
    absolute: Option<&Path>,
    is_dir: bool,
) -> bool {
    let groups = levels
        .iter()
        .chain(above)
        .map(|l| l.0.len())
        .max()
        .unwrap_or(0);
    (0..groups)
        .find_map(|group| {
            let list = |lists: &'a IgnoreLists| lists.0.get(group).and_then(Option::as_ref);
            let walked = levels
                .iter()
                .rev()
                .filter_map(list)
                .map(|gitignore| gitignore.matched(path, is_dir))
                .find(|m| !m.is_none());
            walked.or_else(|| {
                let absolute = absolute?;
                above
                    .iter()
                    .rev()
                    .filter_map(list)
                    .map(|gitignore| gitignore.matched(absolute, is_dir))
                    .find(|m| !m.is_none())
            })
        })
        .is_some_and(|m| m.is_ignore())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk as the `ignore` crate's walker makes it, set up as
    /// seaworthy used it: the oracle [`walk`] must agree with.
    fn walked_by_the_ignore_crate(root: &Path) -> Walked {
        let (mut found, mut errors, mut hidden) = (Vec::new(), Vec::new(), Vec::new());
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
                    seen.lock().unwrap().push(entry.path().to_path_buf());
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
                    if let Some(kind) = kind_of(&name) {
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
        hidden.append(&mut passed_over.lock().unwrap());
        found.sort();
        hidden.sort();
        Walked {
            found,
            errors,
            hidden,
        }
    }

    /// A fresh folder for one test, under the project's `target/`, removed
    /// when the test ends.
    fn scratch(prefix: &str) -> tempfile::TempDir {
        std::fs::create_dir_all("target").unwrap();
        tempfile::Builder::new()
            .prefix(prefix)
            .tempdir_in("target")
            .unwrap()
    }

    fn ours(root: &Path) -> Walked {
        files_named(&[root.to_path_buf()], &Names::default(), &|_, _| {})
    }

    fn assert_same_walk(root: &Path) {
        let (ours, theirs) = (ours(root), walked_by_the_ignore_crate(root));
        assert_eq!(ours.found, theirs.found, "found under {}", root.display());
        assert_eq!(
            ours.hidden,
            theirs.hidden,
            "hidden under {}",
            root.display()
        );
        let messages = |w: &Walked| w.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>();
        assert_eq!(
            messages(&ours),
            messages(&theirs),
            "errors under {}",
            root.display()
        );
    }

    /// The same files, hidden folders and errors as the `ignore` crate's
    /// walker: lists above the root (one with a line that is no pattern),
    /// nested lists, `.ignore` over `.gitignore`, `!` lines, folder-only
    /// patterns, anchored patterns, hidden files and folders (one of them
    /// ignored), `.git`, links, a list that is a folder; the root named
    /// absolute, relative and with `./`; and every folder of the corpus.
    #[test]
    fn the_walk_is_the_ignore_crates() {
        let top = scratch("walk-oracle");
        let write = |path: &str, text: &str| {
            let path = top.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            ".gitignore",
            "skipped/\n/project/top-only\n*.old.yaml\n[z-a]\n",
        );
        write(".ignore", "!keep.old.yaml\n{a,b\n");
        write("a/.gitignore", "{unclosed\n");
        for file in [
            "project/Dockerfile",
            "project/compose.yaml",
            "project/keep.old.yaml",
            "project/x.old.yaml",
            "project/skipped/Dockerfile",
            "project/top-only/Dockerfile",
            "project/svc/top-only/Dockerfile",
            "project/svc/Dockerfile",
            "project/svc/compose.override.yml",
            "project/svc/build/Dockerfile",
            "project/svc/deep/Dockerfile.prod",
            "project/svc/deep/api.Dockerfile",
            "project/.devcontainer/Dockerfile",
            "project/.cache/compose.yaml",
            "project/.git/Dockerfile",
            "project/.hidden.yaml",
            "project/seaworthy.toml",
            "project/notes/Dockerfile",
            "a/b/project2/Dockerfile",
        ] {
            write(file, "FROM scratch\n");
        }
        write("project/.gitignore", "build/\n.cache/\n*.yml\n{bad\n");
        write("project/svc/.gitignore", "!compose.override.yml\n");
        write("project/svc/.ignore", "deep/api.Dockerfile\n");
        write("project/.ignore", "notes\n");
        std::fs::create_dir_all(top.path().join("project/odd/.gitignore")).unwrap();
        write("project/odd/Dockerfile", "FROM scratch\n");
        #[cfg(unix)]
        {
            let project = top.path().join("project").canonicalize().unwrap();
            std::fs::create_dir_all(project.join("link")).unwrap();
            let link = |to: &str, name: &str| {
                std::os::unix::fs::symlink(project.join(to), project.join(name)).unwrap()
            };
            link("Dockerfile", "link/Dockerfile");
            link("svc", "linked-svc");
        }
        let relative = top.path().join("project");
        let absolute = relative.canonicalize().unwrap();
        let walked = ours(&absolute);
        assert!(walked.found.len() >= 6, "{:?}", walked.found);
        assert!(!walked.hidden.is_empty(), "{walked:?}");
        assert!(!walked.errors.is_empty(), "{walked:?}");
        for root in [
            absolute.clone(),
            relative.clone(),
            Path::new(".").join(&relative),
            top.path().join("a"),
            top.path().to_path_buf(),
        ] {
            assert_same_walk(&root);
        }
        let corpus = Path::new("../shared/corpus");
        if corpus.is_dir() {
            assert_same_walk(corpus);
            for entry in std::fs::read_dir(corpus).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    assert_same_walk(&path);
                }
            }
        }
    }

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

    /// Folders that cannot be read are reported in the order of their
    /// names, whatever order the file system lists them in: each branch
    /// here goes deeper than a path can name (`File name too long`, which
    /// root meets too, where an unreadable folder would not stop it).
    #[test]
    fn folders_that_cannot_be_walked_are_reported_in_name_order() {
        let top = scratch("walk-errors");
        // Each folder is made relative to the one above it, by descriptor:
        // no path passed to the system is too long to make.
        let part = std::ffi::CString::new("d".repeat(250)).unwrap();
        let root = std::ffi::CString::new(top.path().as_os_str().as_encoded_bytes()).unwrap();
        for branch in ["z", "q", "m", "b", "a"] {
            let branch = std::ffi::CString::new(branch).unwrap();
            // SAFETY: every pointer is a live NUL-terminated string, and
            // each descriptor is closed once, after its last use.
            unsafe {
                let mut fd = libc::open(root.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY);
                for name in std::iter::once(&branch).chain(std::iter::repeat_n(&part, 18)) {
                    assert_eq!(libc::mkdirat(fd, name.as_ptr(), 0o755), 0);
                    let next = libc::openat(fd, name.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY);
                    libc::close(fd);
                    assert!(next >= 0);
                    fd = next;
                }
                libc::close(fd);
            }
        }
        let walked = files_named(&[top.path().to_path_buf()], &Names::new(&[]), &|_, _| {});
        let branches: Vec<String> = walked
            .errors
            .iter()
            .map(|e| {
                assert!(e.message.contains("os error 36"), "{}", e.message);
                let rest = e.path.strip_prefix(top.path()).unwrap();
                rest.components()
                    .next()
                    .unwrap()
                    .as_os_str()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(branches, ["a", "b", "m", "q", "z"]);
    }
}
