//! The one writer: atomic (temporary file in the same folder, fsync,
//! rename), keeps permissions, and skips a file that changed since it was
//! read. A file the plan creates is created the same way, with its parent
//! folders, and never over a file that appeared meanwhile.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::plan::FileChange;

/// Why a file was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The file on disk no longer holds what was read: written by someone else.
    Changed,
    /// A file to create exists now: someone else made it.
    Appeared,
    /// The file is read-only: its owner does not want it changed.
    ReadOnly,
    /// The file system said no.
    Io(std::io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Changed => write!(f, "changed since it was read; not written (run again)"),
            WriteError::Appeared => write!(
                f,
                "exists now, though it did not when planned; not written (run again)"
            ),
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
    if change.creates() {
        if change.path.exists() {
            return Err(WriteError::Appeared);
        }
        let mut dir = change.path.parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
            dir = d.parent();
        }
        let dir = dir
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if fs::metadata(dir)?.permissions().readonly() {
            return Err(WriteError::ReadOnly);
        }
        return Ok(());
    }
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
    let Some(before) = &change.before else {
        return create(change);
    };
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
    if fs::read(path)? != *before {
        return Err(WriteError::Changed);
    }
    temp.persist(path).map_err(|e| WriteError::Io(e.error))?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Creates `change.path` with `change.after`: parent folders first, then a
/// temporary file in the same folder, fsynced and linked into place only if
/// nothing exists there (a hard link fails on an existing name, unlike a
/// rename), then removed.
fn create(change: &FileChange) -> Result<(), WriteError> {
    let path = &change.path;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".seaworthy-")
        .tempfile_in(dir)?;
    temp.write_all(&change.after)?;
    temp.as_file().sync_all()?;
    temp.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            WriteError::Appeared
        } else {
            WriteError::Io(e.error)
        }
    })?;
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
            before: Some(b"old".to_vec()),
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

    #[test]
    fn creates_new_files_with_their_folders_and_never_over_another() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deploy/k8s/.dockerignore");
        let change = FileChange {
            path: path.clone(),
            before: None,
            after: b".git\n".to_vec(),
            findings: vec![],
        };
        write(&change).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b".git\n");
        assert!(matches!(write(&change), Err(WriteError::Appeared)));
        assert_eq!(fs::read(&path).unwrap(), b".git\n");
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
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
            before: Some(b"old".to_vec()),
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
