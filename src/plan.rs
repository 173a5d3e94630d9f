//! The plan: every file's before and after, with its findings. Every command
//! ends in a plan; the diff renderer, the report and the writer read it.

use std::path::PathBuf;

use crate::config::Resolver;
use crate::discover::{self, FileKind};
use crate::engine::{self, Finding, Status};
use crate::error::InputError;
use crate::policy::{Overrides, Policy};
use crate::source::Source;

/// One file: what it was, what it would become, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// The file.
    pub path: PathBuf,
    /// Its bytes as read.
    pub before: Vec<u8>,
    /// Its bytes after every applicable fix.
    pub after: Vec<u8>,
    /// What the rules found.
    pub findings: Vec<Finding>,
}

impl FileChange {
    /// Whether writing would change the file.
    pub fn changes(&self) -> bool {
        self.before != self.after
    }
}

/// Every file's change plus the inputs that could not be processed.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files read, in path order.
    pub files: Vec<FileChange>,
    /// Bad inputs (exit code 2).
    pub errors: Vec<InputError>,
}

impl Plan {
    /// Files that would change.
    pub fn changed(&self) -> impl Iterator<Item = &FileChange> {
        self.files.iter().filter(|f| f.changes())
    }

    /// Findings of every file with their path.
    pub fn findings(&self) -> impl Iterator<Item = (&FileChange, &Finding)> {
        self.files
            .iter()
            .flat_map(|f| f.findings.iter().map(move |x| (f, x)))
    }

    /// Whether any finding is a warning (no fix, or an unsafe fix not applied).
    pub fn has_warnings(&self) -> bool {
        self.findings().any(|(_, f)| f.status != Status::Fixed)
    }
}

/// Builds the plan for `paths`: discover, read, resolve config, run rules,
/// spread over the machine's cores.
pub fn build(paths: &[PathBuf], resolver: &Resolver, overrides: &Overrides) -> Plan {
    let (files, mut errors) = discover::files(paths);
    let results = parallel_map(&files, |(path, kind)| {
        plan_file(path, *kind, resolver, overrides)
    });
    let mut plan = Plan::default();
    for result in results {
        match result {
            Ok(change) => plan.files.push(change),
            Err(e) => errors.push(e),
        }
    }
    plan.errors = errors;
    plan
}

/// Plans one file.
pub fn plan_file(
    path: &std::path::Path,
    kind: FileKind,
    resolver: &Resolver,
    overrides: &Overrides,
) -> Result<FileChange, InputError> {
    let source =
        Source::read(path).map_err(|e| InputError::file(path, format!("cannot read: {e}")))?;
    let config = resolver.for_file(path)?;
    let policy = Policy::new(config, overrides.clone());
    let outcome = match kind {
        FileKind::Dockerfile => engine::fix_dockerfile(&source, &policy)?,
    };
    Ok(FileChange {
        path: path.to_path_buf(),
        before: source.bytes,
        after: outcome.after,
        findings: outcome.findings,
    })
}

/// Maps `f` over `items` on all cores, keeping the order.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len().max(1));
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker panicked"))
            .collect()
    })
}
