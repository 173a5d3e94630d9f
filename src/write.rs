//! The one writer: atomic (temporary file in the same folder, fsync,
//! rename), keeps permissions, and skips a file that changed since it was read.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::plan::FileChange;

/// Why a file was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The file on disk no longer holds what was read: written by someone else.
    Changed,
    /// The file is read-only: its owner does not want it changed.
    ReadOnly,
    /// The file system said no.
    Io(std::io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Changed => write!(f, "changed since it was read; not written (run again)"),
            WriteError::ReadOnly => write!(f, "read-only; not written"),
            WriteError::Io(e) => write!(f, "cannot write: {e}"),
        }
    }
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> WriteError {
        WriteError::Io(e)
    }
}

/// Whether `change` could be written: the file (or the file a link points
/// to) exists and is not read-only. `fix` asks this of every file before it
/// writes any, so one read-only file means nothing is written.
pub fn check_writable(change: &FileChange) -> Result<(), WriteError> {
    let metadata = fs::metadata(fs::canonicalize(&change.path)?)?;
    if metadata.permissions().readonly() {
        return Err(WriteError::ReadOnly);
    }
    Ok(())
}

/// Writes `change.after` over `change.path`, atomically. A symbolic link is
/// followed: the file it points to is replaced, the link stays a link.
pub fn write(change: &FileChange) -> Result<(), WriteError> {
    check_writable(change)?;
    let path = &fs::canonicalize(&change.path)?;
    let metadata = fs::metadata(path)?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".seaworthy-")
        .tempfile_in(dir)?;
    temp.write_all(&change.after)?;
    temp.as_file().sync_all()?;
    fs::set_permissions(temp.path(), metadata.permissions())?;
    if fs::read(path)? != change.before {
        return Err(WriteError::Changed);
    }
    temp.persist(path).map_err(|e| WriteError::Io(e.error))?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_atomically_and_refuses_changed_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        fs::write(&path, "old").unwrap();
        let change = FileChange {
            path: path.clone(),
            before: b"old".to_vec(),
            after: b"new".to_vec(),
            findings: vec![],
        };
        write(&change).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert!(matches!(write(&change), Err(WriteError::Changed)));
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    #[cfg(unix)]
    #[test]
    fn writes_through_symbolic_links() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.yaml");
        let link = dir.path().join("compose.yaml");
        fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let change = FileChange {
            path: link.clone(),
            before: b"old".to_vec(),
            after: b"new".to_vec(),
            findings: vec![],
        };
        write(&change).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new");
    }
}
