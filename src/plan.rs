//! The plan: every file's before and after, with its findings. Every command
//! ends in a plan; the diff renderer, the report and the writer read it.
//!
//! Files are planned in the order cross-file reasoning needs: Compose files
//! are read first (which service builds which Dockerfile, on which ports),
//! then Dockerfiles (with that evidence), then Compose files again with the
//! fixed Dockerfiles in view.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::compose::{self, ComposeFile};
use crate::config::Resolver;
use crate::discover::{self, FileKind};
use crate::dockerfile::Dockerfile;
use crate::engine::{self, Finding, Status};
use crate::error::InputError;
use crate::policy::{Overrides, Policy, ServiceHint};
use crate::project::{self, Project};
use crate::rules;
use crate::source::Source;

/// Inputs larger than this are refused (bounded memory; no real Dockerfile or
/// Compose file comes near it).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

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

/// Reads a file, refusing one too large to be a real input.
pub fn read(path: &Path) -> Result<Source, InputError> {
    use std::io::Read;
    let cannot = |e: std::io::Error| InputError::file(path, format!("cannot read: {e}"));
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let size = file.metadata().map_err(cannot)?.len();
    if size > MAX_FILE_BYTES {
        return Err(InputError::file(
            path,
            format!(
                "{size} bytes is too large for a file seaworthy edits ({MAX_FILE_BYTES} at most)"
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.read_to_end(&mut bytes).map_err(cannot)?;
    Ok(Source::new(path, bytes))
}

/// Builds the plan for `paths`: discover, read, resolve config, run rules,
/// spread over the machine's cores.
pub fn build(paths: &[PathBuf], resolver: &Resolver, overrides: &Overrides) -> Plan {
    // The pool's threads start, and one reads the image table, while this
    // thread walks the folders.
    rayon::spawn(crate::images::preload);
    let (files, mut errors) = discover::files(paths);
    let mut plan = Plan::default();

    let compose_paths: Vec<&PathBuf> = files
        .iter()
        .filter(|(_, k)| *k == FileKind::Compose)
        .map(|(p, _)| p)
        .collect();
    let composes: Vec<Result<ComposeFile, InputError>> =
        crate::parallel::map(&compose_paths, |path| {
            read(path).and_then(ComposeFile::parse)
        });

    let mut hints: HashMap<PathBuf, Vec<(ServiceHint, PathBuf)>> = HashMap::new();
    for file in composes.iter().flatten() {
        for service in file.services() {
            if let Some((dockerfile, _)) =
                project::dockerfile_of(&file.source.path, service.meaning)
            {
                let hint = ServiceHint {
                    name: service.name.to_string(),
                    compose: file.source.path.clone(),
                    ports: compose::container_ports(service.meaning),
                };
                hints
                    .entry(project::key(&dockerfile))
                    .or_default()
                    .push((hint, dockerfile));
            }
        }
    }

    let mut dockerfiles: Vec<(PathBuf, bool)> = files
        .iter()
        .filter(|(_, k)| *k == FileKind::Dockerfile)
        .map(|(p, _)| (p.clone(), true))
        .collect();
    let walked: HashSet<PathBuf> = dockerfiles.iter().map(|(p, _)| project::key(p)).collect();
    let mut extra: Vec<PathBuf> = hints
        .iter()
        .filter(|(key, _)| !walked.contains(*key) && key.is_file())
        .map(|(_, refs)| refs[0].1.clone())
        .collect();
    extra.sort();
    dockerfiles.extend(extra.into_iter().map(|p| (p, false)));

    // One parallel step for both kinds: each Dockerfile is planned once (at
    // the path the walk found), by its own item or by the first Compose file
    // that needs its fixed text, so no thread waits at a step boundary (a
    // sleeping pool thread wakes late on a virtual machine).
    let slots: HashMap<PathBuf, (&PathBuf, std::sync::OnceLock<DockerfilePlan>)> = dockerfiles
        .iter()
        .map(|(path, _)| (project::key(path), (path, std::sync::OnceLock::new())))
        .collect();
    let planned_dockerfile = |key: &PathBuf| {
        let (path, slot) = &slots[key];
        slot.get_or_init(|| {
            let hint = match hints.get(key).map(Vec::as_slice) {
                Some([(hint, _)]) => Some(hint.clone()),
                _ => None,
            };
            plan_dockerfile_parsed(path, resolver, overrides, hint)
        })
    };
    let items: Vec<Item> = (0..dockerfiles.len())
        .map(Item::Dockerfile)
        .chain(composes.into_iter().map(|c| Item::Compose(Box::new(c))))
        .collect();
    let planned = crate::parallel::map(items, |item| match item {
        Item::Dockerfile(index) => {
            planned_dockerfile(&project::key(&dockerfiles[index].0));
            None
        }
        Item::Compose(parsed) => Some((*parsed).and_then(|file| {
            let mut project = Project::default();
            for service in file.services() {
                let Some((path, _)) = project::dockerfile_of(&file.source.path, service.meaning)
                else {
                    continue;
                };
                let key = project::key(&path);
                if let Some(Ok((_, fixed))) =
                    slots.contains_key(&key).then(|| planned_dockerfile(&key))
                {
                    project.add(fixed.clone());
                }
            }
            plan_compose(file, resolver, overrides, &project)
        })),
    });
    let mut slots = slots;
    for (path, selected) in &dockerfiles {
        let planned = slots
            .remove(&project::key(path))
            .and_then(|(_, slot)| slot.into_inner());
        match planned {
            Some(Ok((change, _))) if *selected => plan.files.push(change),
            Some(Err(e)) if *selected => errors.push(e),
            _ => {}
        }
    }
    for result in planned.into_iter().flatten() {
        match result {
            Ok(change) => plan.files.push(change),
            Err(e) => errors.push(e),
        }
    }
    for config in resolver.loaded() {
        let Some((path, key)) = crate::appconfig::location(&config) else {
            continue;
        };
        if !path.is_file()
            || plan
                .files
                .iter()
                .any(|f| project::key(&f.path) == project::key(&path))
        {
            continue;
        }
        let policy = Policy::new(config.clone(), overrides.clone());
        match read(&path).and_then(|source| {
            let outcome = rules::appconfig::sw301_health_port::fix(&source, &policy, key)?;
            Ok(change(source, outcome))
        }) {
            Ok(change) => plan.files.push(change),
            Err(e) => errors.push(e),
        }
    }
    plan.files.sort_by(|a, b| a.path.cmp(&b.path));
    plan.errors = errors;
    plan
}

/// A Dockerfile's change and the parse of its fixed text (what Compose
/// rules read about the image a service builds).
type DockerfilePlan = Result<(FileChange, Dockerfile), InputError>;

/// One unit of the parallel step: a Dockerfile (by index) or a parsed
/// Compose file.
enum Item {
    Dockerfile(usize),
    Compose(Box<Result<ComposeFile, InputError>>),
}

/// Plans one Dockerfile; `hint` is the Compose service that builds it.
pub fn plan_dockerfile(
    path: &Path,
    resolver: &Resolver,
    overrides: &Overrides,
    hint: Option<ServiceHint>,
) -> Result<FileChange, InputError> {
    plan_dockerfile_parsed(path, resolver, overrides, hint).map(|(change, _)| change)
}

/// [`plan_dockerfile`], also handing back the fixed Dockerfile's parse.
fn plan_dockerfile_parsed(
    path: &Path,
    resolver: &Resolver,
    overrides: &Overrides,
    hint: Option<ServiceHint>,
) -> Result<(FileChange, Dockerfile), InputError> {
    let source = read(path)?;
    let config = resolver.for_file(path)?;
    let mut overrides = overrides.clone();
    if let Some(name) = hint.as_ref().map(|h| h.name.clone()) {
        if let Some(section) = config.services.get(&name) {
            overrides.ignore.extend(section.ignore.iter().cloned());
        }
    }
    let policy = Policy::new(config, overrides).for_service(hint);
    let (outcome, fixed) = engine::fix_dockerfile_parsed(&source, &policy)?;
    Ok((change(source, outcome), fixed))
}

fn plan_compose(
    file: ComposeFile,
    resolver: &Resolver,
    overrides: &Overrides,
    project: &Project,
) -> Result<FileChange, InputError> {
    let source = file.source.clone();
    let policy = Policy::new(resolver.for_file(&source.path)?, overrides.clone());
    let partial = overlaid_services(&source.path);
    let outcome = rules::compose::fix_parsed(file, &policy, project, &partial)?;
    Ok(change(source, outcome))
}

/// Base Compose files, which overlays (`compose.override.yaml`,
/// `docker-compose.prod.yml`, …) beside them extend.
const BASE_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// For an overlay file, the services a base file beside it defines: the
/// overlay only adds to them.
fn overlaid_services(path: &Path) -> Vec<String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if BASE_NAMES.contains(&name.as_str()) {
        return Vec::new();
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    BASE_NAMES
        .iter()
        .filter_map(|base| read(&dir.join(base)).ok())
        .filter_map(|source| ComposeFile::parse(source).ok())
        .flat_map(|file| {
            file.services()
                .iter()
                .map(|s| s.name.to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn change(source: Source, outcome: engine::Outcome) -> FileChange {
    FileChange {
        path: source.path,
        before: source.bytes,
        after: outcome.after,
        findings: outcome.findings,
    }
}
