//! How paths are shown to users: relative to the current folder when they
//! are below it, so diffs apply with `git apply` and messages stay short.

use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

/// The current folder, read once: paths are made absolute many times per
/// run, and each `std::env::current_dir` is a system call.
pub fn current_dir() -> Option<&'static Path> {
    static CURRENT: OnceLock<Option<PathBuf>> = OnceLock::new();
    CURRENT
        .get_or_init(|| std::env::current_dir().ok())
        .as_deref()
}

/// `path` made absolute against the current folder, without `.` parts (as
/// `std::path::absolute` does; `..` is kept).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = match current_dir() {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path.to_path_buf(),
    };
    joined
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

/// `path` relative to the current folder when it is below it, without `./`.
pub fn relative(path: &Path) -> PathBuf {
    let cleaned: PathBuf = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    if cleaned.is_absolute() {
        if let Some(cwd) = current_dir() {
            if let Ok(rest) = cleaned.strip_prefix(cwd) {
                return rest.to_path_buf();
            }
        }
    }
    cleaned
}

/// The display form of `path` (relative, `/`-separated).
pub fn display(path: &Path) -> String {
    slashed(&relative(path))
}

/// `path` as Dockerfiles, Compose files and diffs write it: with `/`
/// between its parts, whatever the system's separator.
pub fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// A map keyed by paths (alone or with a name), hashed with foldhash: a
/// `Path` hashes each of its parts as a separate write, which SipHash makes
/// a noticeable share of a run, and these maps are looked up many times per
/// fixing pass. The run caches built on it (`model::project::RunCache`)
/// also key short names, such as image references. Keys are the user's own
/// file and image names, so flooding one with collisions is no concern.
pub type PathMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
