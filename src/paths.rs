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
    lexical(path, false)
}

/// `path` made absolute against the current folder, without `.` or empty
/// parts, and with each `..` taking away the part before it when
/// `resolve_parents` (no file system calls: with it, this is the key the
/// project model looks files up by).
pub fn lexical(path: &Path, resolve_parents: bool) -> PathBuf {
    #[cfg(unix)]
    {
        // The parts as bytes: `Path::components` costs several times more,
        // and both callers run for every file and service. A relative path
        // goes on from the current folder (`getcwd` gives an absolute path
        // with no `.` or `..`).
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        let cwd = match current_dir() {
            Some(dir) if path.is_relative() => dir.as_os_str().as_bytes(),
            _ => b"",
        };
        // Without a current folder a relative path stays relative.
        let relative = path.is_relative() && cwd.is_empty();
        let mut out: Vec<u8> = Vec::with_capacity(cwd.len() + bytes.len() + 1);
        out.extend_from_slice(cwd.strip_suffix(b"/").unwrap_or(cwd));
        let mut from = 0;
        for end in memchr::memchr_iter(b'/', bytes).chain([bytes.len()]) {
            let part = &bytes[from..end];
            from = end + 1;
            match part {
                b"" | b"." => {}
                b".." if resolve_parents => {
                    let cut = out.iter().rposition(|&b| b == b'/').unwrap_or(0);
                    out.truncate(cut);
                }
                part => {
                    if !(relative && out.is_empty()) {
                        out.push(b'/');
                    }
                    out.extend_from_slice(part);
                }
            }
        }
        if out.is_empty() && !relative {
            out.push(b'/');
        }
        PathBuf::from(std::ffi::OsStr::from_bytes(&out))
    }
    #[cfg(not(unix))]
    by_components(path, resolve_parents)
}

/// [`lexical`] by `Path::components`: the walk on systems whose paths are
/// not plain bytes, and what the byte-wise one is tested against.
#[cfg(any(not(unix), test))]
fn by_components(path: &Path, resolve_parents: bool) -> PathBuf {
    let joined = match current_dir() {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path.to_path_buf(),
    };
    let mut out = PathBuf::with_capacity(joined.as_os_str().len());
    for part in joined.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if resolve_parents => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to the current folder when it is below it, without `./`.
pub fn relative(path: &Path) -> PathBuf {
    #[cfg(unix)]
    if let Some(plain) = relative_plain(path) {
        return plain;
    }
    relative_by_parts(path)
}

/// [`relative`], part by part.
fn relative_by_parts(path: &Path) -> PathBuf {
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

/// Whether `path` has nothing to clean, so that it can be used as it is
/// where [`lexical`] or [`relative`] would take it apart: not empty, no
/// final `/`, and no part that starts with `.` or is empty (a hidden name
/// fails too, which only sends it the longer way). Most paths a run meets
/// pass; checking is one `memchr` pass over the bytes.
pub fn nothing_to_clean(path: &Path) -> bool {
    let bytes = path.as_os_str().as_encoded_bytes();
    !bytes.is_empty()
        && !bytes.starts_with(b".")
        && !bytes.ends_with(b"/")
        && !memchr::memchr_iter(b'/', bytes)
            .any(|at| matches!(bytes.get(at + 1), Some(b'.' | b'/')))
}

/// [`relative`] without taking `path` apart, for the usual path that has
/// [`nothing_to_clean`]: `None` for any other, or when the current folder
/// is the root.
#[cfg(unix)]
fn relative_plain(path: &Path) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    if !nothing_to_clean(path) {
        return None;
    }
    let bytes = path.as_os_str().as_bytes();
    if path.is_relative() {
        return Some(path.to_path_buf());
    }
    let cwd = current_dir()?.as_os_str().as_bytes();
    match bytes.strip_prefix(cwd) {
        Some([]) => Some(PathBuf::new()),
        Some([b'/', rest @ ..]) if cwd != b"/" => {
            Some(PathBuf::from(std::ffi::OsStr::from_bytes(rest)))
        }
        Some(_) if cwd == b"/" => None,
        _ => Some(path.to_path_buf()),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_are_made_relative_as_part_by_part() {
        let cwd = current_dir().unwrap().display().to_string();
        let mut paths: Vec<String> = [
            "a", "a/b", ".a/b", "../a", "a/..", "..", ".", "./a", "a/./b", "a//b", "a/", "a/.",
            "/", "/a", "/a/b/", "/a//b", "/a/./b",
        ]
        .iter()
        .map(|p| p.to_string())
        .collect();
        for rest in ["", "/", "/x", "/x/y", "x", "/./x", "//x", "/x/"] {
            paths.push(format!("{cwd}{rest}"));
        }
        let parent = std::path::Path::new(&cwd)
            .parent()
            .unwrap()
            .display()
            .to_string();
        paths.push(format!("{parent}/"));
        paths.push(parent);
        for path in &paths {
            let path = Path::new(path);
            assert_eq!(relative(path), relative_by_parts(path), "{path:?}");
        }
    }

    #[test]
    fn lexical_paths_are_the_components_walk() {
        for path in [
            "",
            ".",
            "./",
            "a",
            "a/",
            "./a/./b",
            "a//b///c/",
            "../a",
            "a/../../b",
            "/",
            "//",
            "/a/./b/../c",
            "/a/b/..",
            "/..",
            "/a/.hidden/..b/b..",
        ] {
            for resolve in [false, true] {
                assert_eq!(
                    lexical(Path::new(path), resolve),
                    by_components(Path::new(path), resolve),
                    "{path:?} (resolving `..`: {resolve})"
                );
            }
        }
    }
}
