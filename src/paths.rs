//! How paths are shown to users: relative to the current folder when they
//! are below it, so diffs apply with `git apply` and messages stay short.

use std::path::{Component, Path, PathBuf};

/// `path` relative to the current folder when it is below it, without `./`.
pub fn relative(path: &Path) -> PathBuf {
    let cleaned: PathBuf = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    if cleaned.is_absolute() {
        if let Ok(cwd) = std::env::current_dir() {
            if let Ok(rest) = cleaned.strip_prefix(&cwd) {
                return rest.to_path_buf();
            }
        }
    }
    cleaned
}

/// The display form of `path` (relative, `/`-separated).
pub fn display(path: &Path) -> String {
    relative(path).to_string_lossy().replace('\\', "/")
}
