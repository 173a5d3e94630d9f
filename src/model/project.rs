//! What one file's rules need to know about the others: the Dockerfiles
//! Compose services build, as they will be after this run's fixes.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use crate::discover::{ignored, listed, listing, IgnoreLists};
use crate::model::compose;
use crate::model::log_level::{self, LogLevel};
use crate::paths::PathMap;
use crate::settings::policy::ServiceHint;
use crate::syntax::dockerfile::{Dockerfile, Stage};

/// The project's Dockerfiles, after fixing, by canonical path, and the
/// Compose services (of every file in the run) that build each.
#[derive(Debug, Default)]
pub struct Project {
    // Keyed by the bytes of each [`key`]: rules look a Dockerfile up for
    // every service in every pass, and hashing a `Path` walks its parts.
    dockerfiles: PathMap<OsString, Dockerfile>,
    builders: PathMap<OsString, Arc<[ServiceHint]>>,
}

/// Files a build context search reads at most: a context at the top of a
/// large repository must not make a run slow. What is left unread is
/// treated as not mentioning the word.
const SEARCH_FILES: usize = 5_000;

/// Larger files are not read by a context search (data, bundles, images).
const SEARCH_FILE_BYTES: u64 = 512 * 1024;

/// The Dockerfile stage a service runs, as far as it can be found.
#[derive(Debug)]
pub enum Built<'a> {
    /// The service runs an image; nothing is built.
    No,
    /// The Dockerfile cannot be read or parsed.
    Unreadable(PathBuf),
    /// The stage (the target, or the final stage) of the Dockerfile.
    Stage(&'a Dockerfile, &'a Stage, PathBuf),
}

/// A stable key for a path: absolute, with `.` and `..` resolved lexically
/// (no file system calls but one look at the current folder: rules ask for
/// it many times per pass).
pub fn key(path: &Path) -> PathBuf {
    // Most paths are already keys: absolute, with no `.`, `..` or empty
    // part. Taking them apart costs more than the rest of a lookup.
    if cfg!(unix) && path.is_absolute() && crate::paths::nothing_to_clean(path) {
        return path.to_path_buf();
    }
    crate::paths::lexical(path, true)
}

/// The Dockerfile a service builds, and its target stage.
pub fn dockerfile_of(compose_path: &Path, service: &Value) -> Option<(PathBuf, Option<String>)> {
    let (context, dockerfile, target) = compose::build(service)?;
    if context.contains("://") || context.starts_with("git@") {
        return None;
    }
    let dir = compose_path.parent().unwrap_or(Path::new("."));
    Some((dir.join(context).join(dockerfile), target))
}

impl Project {
    /// How the service's app takes its log level (SW207): a start command
    /// that runs a server with a variable of its own
    /// (`data/log_level.toml`: uvicorn reads `UVICORN_LOG_LEVEL`), or sets
    /// the level with that server's flag; else `LOG_LEVEL` when something
    /// shows the app reads it: its base image does (`data/images.toml`),
    /// its Dockerfile names it, or a file of its build context names it
    /// (`os.environ["LOG_LEVEL"]`, `process.env.LOG_LEVEL`, an
    /// `.env.example` that lists it). The search follows `.gitignore` and
    /// `.dockerignore`, as `docker build` sends the context.
    pub fn log_level(&self, compose_path: &Path, service: &Value) -> LogLevel {
        const WORD: &str = "LOG_LEVEL";
        let Built::Stage(doc, stage, _) = self.built(compose_path, service) else {
            return LogLevel::Unknown;
        };
        let words = start_words(doc, stage, service);
        if let Some((server, flagged)) = log_level::server_in(&words) {
            return if flagged {
                LogLevel::SetByCommand(server.flag.clone())
            } else {
                LogLevel::Reads {
                    variable: server.variable.clone(),
                    value: server.value.clone(),
                    evidence: format!(
                        "it runs `{}`, which reads {}, not LOG_LEVEL",
                        server.program, server.variable
                    ),
                }
            };
        }
        let reads = |evidence: String| LogLevel::Reads {
            variable: WORD.to_string(),
            value: "INFO".to_string(),
            evidence,
        };
        let base = doc.base_image(stage);
        if crate::model::images::lookup(&base).is_some_and(|image| image.reads_log_level) {
            return reads(format!("its base image `{base}` reads it"));
        }
        if memchr::memmem::find(&doc.source.bytes, WORD.as_bytes()).is_some() {
            return reads("its Dockerfile names it".to_string());
        }
        let Some((context, _, _)) = compose::build(service) else {
            return LogLevel::Unknown;
        };
        let dir = compose_path
            .parent()
            .unwrap_or(Path::new("."))
            .join(context);
        match search(&dir, WORD) {
            Some(file) => {
                let shown = file.strip_prefix(&dir).unwrap_or(&file);
                reads(format!(
                    "`{}` in its build context names it",
                    shown.display()
                ))
            }
            None => LogLevel::Unknown,
        }
    }

    /// Records a Dockerfile (after fixes) and the services that build it.
    pub fn add(&mut self, doc: Dockerfile, builders: Arc<[ServiceHint]>) {
        let path = key(&doc.source.path).into_os_string();
        self.builders.insert(path.clone(), builders);
        self.dockerfiles.insert(path, doc);
    }

    /// Whether the Dockerfile at `key` (a [`key`]) is recorded already.
    pub fn has(&self, key: &Path) -> bool {
        self.dockerfiles.contains_key(key.as_os_str())
    }

    /// Why `service` (named `name`, in the Compose file at `compose_path`)
    /// is a worker ([`crate::model::workers`]), if it is one: only the
    /// services that build the same stage count as its siblings.
    pub fn worker(&self, compose_path: &Path, name: &str, service: &Value) -> Option<String> {
        let Built::Stage(doc, stage, path) = self.built(compose_path, service) else {
            return None;
        };
        let final_stage = stage.index == doc.final_stage().index;
        let builders = self.builders.get(key(&path).as_os_str())?;
        // The same spelling (the usual case) needs no key.
        let same_file = |other: &Path| {
            other.as_os_str() == compose_path.as_os_str() || key(other) == key(compose_path)
        };
        let own = builders.iter().find(|h| {
            h.name == name && h.runs(stage.name.as_deref(), final_stage) && same_file(&h.compose)
        })?;
        if crate::model::workers::serves(own) {
            return None;
        }
        let group: Vec<&ServiceHint> = builders
            .iter()
            .filter(|h| h.runs(stage.name.as_deref(), final_stage))
            .collect();
        crate::model::workers::worker(own, &group)
    }

    /// The stage `service` (in the Compose file at `compose_path`) runs.
    pub fn built(&self, compose_path: &Path, service: &Value) -> Built<'_> {
        let Some((path, target)) = dockerfile_of(compose_path, service) else {
            return Built::No;
        };
        let Some(doc) = self.dockerfiles.get(key(&path).as_os_str()) else {
            return Built::Unreadable(path);
        };
        let stage = match target {
            Some(name) => match doc.stage_named(&name) {
                Some(stage) => stage,
                None => return Built::Unreadable(path),
            },
            None => doc.final_stage(),
        };
        Built::Stage(doc, stage, path)
    }
}

/// The first file of the app under `dir` (as `docker build` would send
/// it: ignored files left out) that holds `word`. Only ignore files inside
/// the context count: `docker build` reads the context's own
/// `.dockerignore` and never one above it, so a `.dockerignore` or
/// `.gitignore` in a parent folder (the repository's, say) says nothing of
/// what this context sends. Each (folder, word) is searched once per run:
/// rules ask in every fixing pass, for every service of the context.
pub fn search(dir: &Path, word: &str) -> Option<PathBuf> {
    static SEARCHED: RunCache<(OsString, String), Option<PathBuf>> = RunCache::new();
    // The first file that has the word, relative to the folder: another
    // spelling of the same folder gets it under its own.
    let found = remembered(
        &SEARCHED,
        (key(dir).into_os_string(), word.to_string()),
        |_| {
            let finder = memchr::memmem::Finder::new(word.as_bytes());
            context_files(dir)
                .find(|path| {
                    crate::source::read_bytes(path, u64::MAX)
                        .is_ok_and(|bytes| finder.find(&bytes).is_some())
                })
                .and_then(|path| path.strip_prefix(dir).ok().map(Path::to_path_buf))
        },
    );
    found.map(|relative| dir.join(relative))
}

/// A cache kept for the whole run (the rules ask again in every fixing
/// pass, for every service): see [`remembered`].
pub type RunCache<K, V> = OnceLock<Mutex<PathMap<K, V>>>;

/// The value `cache` holds for `key`, or `compute(&key)` stored there. It is
/// computed outside the lock, so other lookups go on meanwhile (two threads
/// asking at once may both compute it; the results are equal).
pub fn remembered<K, V>(cache: &RunCache<K, V>, key: K, compute: impl FnOnce(&K) -> V) -> V
where
    K: Eq + std::hash::Hash,
    V: Clone,
{
    let cache = cache.get_or_init(Mutex::default);
    let known = cache
        .lock()
        .expect("no compute panics holding it")
        .get(&key)
        .cloned();
    known.unwrap_or_else(|| {
        let value = compute(&key);
        cache
            .lock()
            .expect("no compute panics holding it")
            .insert(key, value.clone());
        value
    })
}

/// The files of the app under `dir`, as `docker build` would send them
/// (`.gitignore`d and `.dockerignore`d files left out, `.git` too), without
/// the Compose files, Dockerfiles and seaworthy settings (they are not the
/// app), bounded so that a context at the top of a large repository keeps a
/// run fast: at most [`SEARCH_FILES`] files, none larger than
/// [`SEARCH_FILE_BYTES`]. What is left out is treated as saying nothing.
/// Each folder is walked once per run: the log-level search and the route
/// reader both read it, in every fixing pass.
pub fn context_files(dir: &Path) -> impl Iterator<Item = PathBuf> + use<'_> {
    static WALKED: RunCache<OsString, Arc<[PathBuf]>> = RunCache::new();
    let files = remembered(&WALKED, key(dir).into_os_string(), |_| {
        Arc::<[PathBuf]>::from(walk(dir))
    });
    (0..files.len()).map(move |i| dir.join(&files[i]))
}

/// The walk behind [`context_files`], paths relative to `dir`, depth first
/// in the folders' listing order. Ignore files are read as plain ignore
/// files, in `dir` and below only: `docker build` never reads one above its
/// context, and there is then no need to look for the repository around
/// it. In each folder `.gitignore` and `.dockerignore` are one list, the
/// latter's lines last (they take precedence: it is what `docker build`
/// obeys); the nearest folder whose list matches decides, and `.ignore`
/// files count only where no such list matches (as the `ignore` crate's
/// walker orders them). Walked as the project is ([`crate::discover`]),
/// from each folder's listing, which already says which ignore files it
/// has: the crate's walker asks the file system for each name in each
/// folder, and stats the context twice more, which made a monorepo's check
/// spend more time in system calls than in its rules (ADR 006).
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    visit(dir, &mut Vec::new(), &mut found);
    found
        .into_iter()
        .filter(|path| std::fs::symlink_metadata(path).is_ok_and(|m| m.len() <= SEARCH_FILE_BYTES))
        .filter_map(|path| path.strip_prefix(dir).ok().map(Path::to_path_buf))
        .collect()
}

/// The ignore files of a build context, in precedence order: in each
/// folder `.gitignore` and `.dockerignore` as one list (the latter's lines
/// last), then `.ignore`.
const CONTEXT_LISTS: &[&[&str]] = &[&[".gitignore", ".dockerignore"], &[".ignore"]];

/// Adds the app's files under `folder` to `found` (up to [`SEARCH_FILES`]),
/// its subfolders first where the listing has them first.
fn visit(folder: &Path, levels: &mut Vec<IgnoreLists>, found: &mut Vec<PathBuf>) {
    let Ok(mut entries) = listing(folder) else {
        return;
    };
    entries.retain(|(name, _)| name != ".git");
    levels.push(IgnoreLists::read(folder, CONTEXT_LISTS, |name| listed(&entries, name)).0);
    for (name, kind) in entries {
        if found.len() >= SEARCH_FILES {
            break;
        }
        let path = folder.join(&name);
        if kind.is_dir() {
            if !ignored(levels, &[], &path, None, true) {
                visit(&path, levels, found);
            }
        } else if kind.is_file()
            && !ignored(levels, &[], &path, None, false)
            && crate::discover::kind_of(&name.to_string_lossy()).is_none()
        {
            found.push(path);
        }
    }
    levels.pop();
}

/// The words of what the service starts with: Compose's `entrypoint` and
/// `command` where set (an `entrypoint` there drops the image's CMD, as
/// Compose does), else the stage's effective ENTRYPOINT and CMD; shell
/// forms split at white space.
fn start_words(doc: &Dockerfile, stage: &Stage, service: &Value) -> Vec<String> {
    let compose_words = |key: &str| -> Option<Vec<String>> {
        match service.get(key)? {
            Value::String(line) => Some(vec![line.clone()]),
            Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
            ),
            _ => None,
        }
    };
    let start = doc.start_command(stage);
    let entrypoint = compose_words("entrypoint")
        .or_else(|| start.entrypoint.map(|i| doc.argv(i)))
        .unwrap_or_default();
    let command = compose_words("command")
        .or_else(|| {
            if service.get("entrypoint").is_some() {
                None
            } else {
                start.cmd.map(|i| doc.argv(i))
            }
        })
        .unwrap_or_default();
    entrypoint
        .iter()
        .chain(&command)
        .flat_map(|part| part.split_whitespace())
        .map(|w| w.trim_matches(['"', '\'']).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{key, search};
    use std::path::Path;

    /// A path that is already a key comes back as it is; any other is
    /// resolved, whichever way it is spelled.
    #[test]
    fn keys_resolve_dots_and_doubled_slashes() {
        for (path, want) in [
            ("/srv/app/compose.yaml", "/srv/app/compose.yaml"),
            ("/srv/app/./compose.yaml", "/srv/app/compose.yaml"),
            ("/srv/app/../app/compose.yaml", "/srv/app/compose.yaml"),
            ("/srv//app/compose.yaml", "/srv/app/compose.yaml"),
            ("/srv/app/", "/srv/app"),
            ("/srv/.config/x", "/srv/.config/x"),
            ("/srv/..", "/"),
            ("/../srv/./a/..", "/srv"),
        ] {
            assert_eq!(key(Path::new(path)), Path::new(want), "{path}");
        }
        let here = crate::paths::current_dir().unwrap();
        assert_eq!(key(Path::new("a/../b")), here.join("b"));
    }

    /// A `.dockerignore` above the build context (the repository's own,
    /// leaving out everything but its sources) does not hide the context's
    /// files: `docker build` never reads it.
    #[test]
    fn an_ignore_file_above_the_context_does_not_count() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join(".dockerignore"), "*\n").unwrap();
        std::fs::write(root.path().join(".gitignore"), "*.env\n").unwrap();
        let context = root.path().join("app");
        std::fs::create_dir(&context).unwrap();
        std::fs::write(context.join("app.env"), "LOG_LEVEL=x\n").unwrap();
        assert_eq!(search(&context, "LOG_LEVEL"), Some(context.join("app.env")));
    }

    /// The context's own `.dockerignore` still leaves files out.
    #[test]
    fn the_contexts_own_ignore_file_counts() {
        let context = tempfile::tempdir().unwrap();
        std::fs::write(context.path().join(".dockerignore"), "*.env\n").unwrap();
        std::fs::write(context.path().join("app.env"), "LOG_LEVEL=x\n").unwrap();
        assert_eq!(search(context.path(), "LOG_LEVEL"), None);
    }

    /// The walk as the `ignore` crate's walker makes it, with the ignore
    /// files [`super::walk`] reads: the oracle it must agree with.
    fn walked_by_the_ignore_crate(dir: &Path) -> Vec<std::path::PathBuf> {
        ignore::WalkBuilder::new(dir)
            .parents(false)
            .git_ignore(false)
            .git_exclude(false)
            .git_global(false)
            .add_custom_ignore_filename(".gitignore")
            .add_custom_ignore_filename(".dockerignore")
            .hidden(false)
            .filter_entry(|entry| entry.file_name() != ".git")
            .build()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
            .filter(|entry| {
                crate::discover::kind_of(&entry.file_name().to_string_lossy()).is_none()
            })
            .take(super::SEARCH_FILES)
            .filter(|entry| {
                entry
                    .metadata()
                    .is_ok_and(|m| m.len() <= super::SEARCH_FILE_BYTES)
            })
            .filter_map(|entry| entry.path().strip_prefix(dir).ok().map(Path::to_path_buf))
            .collect()
    }

    /// The same files, in the same order, as the `ignore` crate's walker:
    /// nested lists, a deeper list taking a file back (`!`), folder-only
    /// patterns, `.ignore` where no other list matches, `.git`, hidden
    /// files, links, a list that is a folder, a file too large.
    #[test]
    fn the_walk_is_the_ignore_crates() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        let write = |path: &str, text: &str| {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(".gitignore", "*.log\nbuild/\n/top.txt\ncache\n");
        write(".dockerignore", "*.tmp\n!keep.log\nsecret*\n");
        write(".ignore", "*.bak\nnotes/\n");
        for file in [
            "app.py",
            "keep.log",
            "drop.log",
            "x.tmp",
            "top.txt",
            "secret.env",
            "a.bak",
            ".hidden",
            ".env",
            "Dockerfile",
            "compose.yaml",
            "seaworthy.toml",
            "build/out.js",
            "src/build",
            "src/main.py",
            "src/top.txt",
            "src/deep/a.log",
            "src/deep/b.bak",
            "cache/x",
            "notes/n.md",
            ".git/config",
            "sub/.git",
            "sub/ok.py",
        ] {
            write(file, "LOG_LEVEL\n");
        }
        write("src/.gitignore", "!a.log\n*.py\n");
        write("src/deep/.dockerignore", "!*.py\n");
        write("src/deep/c.py", "x");
        write("src/.ignore", "!b.bak\n");
        write(
            "big.txt",
            &"x".repeat(super::SEARCH_FILE_BYTES as usize + 1),
        );
        std::fs::create_dir_all(dir.join("odd/.gitignore")).unwrap();
        write("odd/file.txt", "x");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("app.py"), dir.join("link.py")).unwrap();
            std::os::unix::fs::symlink(dir.join("src"), dir.join("linked-src")).unwrap();
        }
        let mut ours = super::walk(dir);
        let mut theirs = walked_by_the_ignore_crate(dir);
        assert_eq!(ours, theirs, "same files in the same order");
        assert!(ours.contains(&"keep.log".into()) && !ours.contains(&"drop.log".into()));
        assert!(ours.contains(&"src/deep/a.log".into()), "{ours:?}");
        ours.sort();
        theirs.sort();
        assert_eq!(ours, theirs);
        // Every folder of the shared corpus, taken as a build context.
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        let mut folders = 0;
        for entry in ignore::WalkBuilder::new(&corpus)
            .hidden(false)
            .build()
            .flatten()
        {
            if entry.file_type().is_some_and(|t| t.is_dir()) {
                assert_eq!(
                    super::walk(entry.path()),
                    walked_by_the_ignore_crate(entry.path())
                );
                folders += 1;
            }
        }
        assert!(folders > 50 || !corpus.is_dir(), "{folders} folders");
    }
}
