//! The planner: turns the paths a command names into a [`Plan`], running
//! each kind's driver in the order cross-file reasoning needs. Compose files
//! are read first (which service builds which Dockerfile, on which ports),
//! then Dockerfiles (with that evidence), then Compose files again with the
//! fixed Dockerfiles in view; last, the app configs the configs name.

use foldhash::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::discover::{self, FileKind};
use crate::engine::{self, Outcome};
use crate::error::InputError;
use crate::model::appconfig;
use crate::model::compose::{self, ComposeFile};
use crate::model::project::{self, Project};
use crate::paths::PathMap;
use crate::plan::{FileChange, Plan};
use crate::settings::policy::{AppPort, Overrides, Policy, ServiceHint};
use crate::settings::resolver::Resolver;
use crate::settings::Config;
use crate::source::Source;
use crate::syntax::dockerfile::document::NOT_A_DOCKERFILE;
use crate::syntax::dockerfile::Dockerfile;

/// Inputs larger than this are refused (bounded memory; no real Dockerfile or
/// Compose file comes near it).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Reads a file, refusing one too large to be a real input.
pub fn read(path: &Path) -> Result<Source, InputError> {
    if let Some(bytes) = crate::source::overlay_for(path) {
        return Ok(Source::new(path, bytes.to_vec()));
    }
    let cannot = |e: std::io::Error| InputError::file(path, format!("cannot read: {e}"));
    let bytes = crate::source::read_bytes(path, MAX_FILE_BYTES).map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let size = std::fs::metadata(path).map_err(cannot)?.len();
        return Err(InputError::file(
            path,
            format!(
                "{size} bytes is too large for a file seaworthy edits ({MAX_FILE_BYTES} at most)"
            ),
        ));
    }
    Ok(Source::new(path, bytes))
}

/// What planning reads settings with: the resolver, the command line, and
/// the app config's health port, read once per config (settings read no
/// documents, so the planner does it for them).
struct Settings<'a> {
    resolver: &'a Resolver,
    overrides: &'a Overrides,
    app_ports: Mutex<HashMap<Option<PathBuf>, Option<AppPort>>>,
}

impl<'a> Settings<'a> {
    fn new(resolver: &'a Resolver, overrides: &'a Overrides) -> Settings<'a> {
        Settings {
            resolver,
            overrides,
            app_ports: Mutex::new(HashMap::default()),
        }
    }

    /// The policy for `config` with `overrides`, its app port filled in.
    fn policy(&self, config: Arc<Config>, overrides: Overrides) -> Policy {
        let origin = config.origin.clone();
        let cached = self
            .app_ports
            .lock()
            .expect("app ports")
            .get(&origin)
            .cloned();
        let app_port = cached.unwrap_or_else(|| {
            let port = appconfig::health_port(&config);
            self.app_ports
                .lock()
                .expect("app ports")
                .insert(origin, port.clone());
            port
        });
        Policy {
            app_port,
            ..Policy::new(config, overrides)
        }
    }

    /// The policy for the file at `path`.
    fn for_file(&self, path: &Path) -> Result<Policy, InputError> {
        Ok(self.policy(self.resolver.for_file(path)?, self.overrides.clone()))
    }
}

/// Builds the plan for `paths`: discover, read, resolve config, run rules,
/// spread over the machine's cores.
pub fn build(paths: &[PathBuf], resolver: &Resolver, overrides: &Overrides) -> Plan {
    let settings = Settings::new(resolver, overrides);
    // The pool's threads start, and one reads the image table, while this
    // thread walks the folders.
    rayon::spawn(crate::model::images::preload);
    // `[files]` patterns come from the config of each folder named.
    let roots: Vec<Arc<Config>> = paths
        .iter()
        .filter_map(|p| {
            let probe = if p.is_dir() {
                p.join(crate::settings::FILE_NAME)
            } else {
                p.clone()
            };
            resolver.for_file(&probe).ok()
        })
        .collect();
    let names = discover::Names::new(&roots.iter().map(|c| &c.files).collect::<Vec<_>>());
    // Each Compose file is parsed, and what its services tell the
    // Dockerfiles they build is read, as soon as the walk meets it: the
    // pool parses while the walk goes on.
    let parse = |path: &Path| -> ParsedCompose {
        let file = read(path).and_then(ComposeFile::parse)?;
        let built = file
            .services()
            .iter()
            .filter_map(|service| {
                let (dockerfile, _) = project::dockerfile_of(&file.source.path, service.meaning)?;
                let hint = crate::health::port::service_hint(
                    &file.source.path,
                    service.name,
                    service.meaning,
                );
                Some((project::key(&dockerfile), hint, dockerfile))
            })
            .collect();
        Ok((file, built))
    };
    let early: Mutex<PathMap<PathBuf, ParsedCompose>> = Mutex::default();
    let walked = rayon::scope(|scope| {
        discover::files_named(paths, &names, &|path, kind| {
            if kind != FileKind::Compose {
                return;
            }
            let (path, parse, early) = (path.to_path_buf(), &parse, &early);
            scope.spawn(move |_| {
                let parsed = parse(&path);
                early
                    .lock()
                    .expect("no parse panics holding it")
                    .insert(path, parsed);
            });
        })
    });
    let (files, mut errors) = (walked.found, walked.errors);
    let named: HashSet<PathBuf> = paths
        .iter()
        .filter(|p| p.is_file() || crate::source::overlay_for(p).is_some())
        .map(|p| project::key(p))
        .collect();
    let mut plan = Plan {
        hidden: walked.hidden,
        ..Plan::default()
    };
    // A folder named with nothing seaworthy reads in it: say so (not an
    // error: an empty folder is in order, only maybe not the one meant).
    for folder in paths.iter().filter(|p| p.is_dir()) {
        if !files.iter().any(|(file, _)| file.starts_with(folder)) {
            plan.notes.push(InputError::path(
                folder,
                "no Dockerfile, Compose file or seaworthy.toml here (hidden folders are skipped unless named): nothing to check",
            ));
        }
    }
    for (path, _) in files.iter().filter(|(_, k)| *k == FileKind::Settings) {
        if let Err(e) = resolver.for_file(path) {
            errors.push(e);
        }
    }

    let compose_paths: Vec<&PathBuf> = files
        .iter()
        .filter(|(_, k)| *k == FileKind::Compose)
        .map(|(p, _)| p)
        .collect();
    let mut early = early.into_inner().expect("no parse panics holding it");
    let parsed: Vec<ParsedCompose> = compose_paths
        .iter()
        .map(|path| early.remove(*path).unwrap_or_else(|| parse(path)))
        .collect();
    let mut hints: HashMap<PathBuf, Vec<(ServiceHint, PathBuf)>> = HashMap::default();
    for (key, hint, dockerfile) in parsed.iter().flatten().flat_map(|(_, built)| built) {
        hints
            .entry(key.clone())
            .or_default()
            .push((hint.clone(), dockerfile.clone()));
    }
    let composes: Vec<Result<ComposeFile, InputError>> = parsed
        .into_iter()
        .map(|parsed| parsed.map(|(file, _)| file))
        .collect();

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
    // Every service that builds a Dockerfile, whichever Compose file names
    // it: one shared list per Dockerfile (a file of a thousand services
    // that build one image must not copy it a thousand times).
    let shared: HashMap<&PathBuf, Arc<[ServiceHint]>> = hints
        .iter()
        .map(|(key, list)| (key, list.iter().map(|(hint, _)| hint.clone()).collect()))
        .collect();
    let builders = |key: &PathBuf| -> Arc<[ServiceHint]> {
        shared.get(key).cloned().unwrap_or_else(|| Arc::from([]))
    };
    let planned_dockerfile = |key: &PathBuf| {
        let (path, slot) = &slots[key];
        slot.get_or_init(|| plan_dockerfile_parsed(path, &settings, builders(key)))
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
                if project.has(&key) {
                    continue;
                }
                if let Some(Ok((_, fixed))) =
                    slots.contains_key(&key).then(|| planned_dockerfile(&key))
                {
                    project.add(fixed.clone(), builders(&key));
                }
            }
            plan_compose(file, &settings, &project)
        })),
    });
    let mut slots = slots;
    for (path, selected) in &dockerfiles {
        let planned = slots
            .remove(&project::key(path))
            .and_then(|(_, slot)| slot.into_inner());
        match planned {
            Some(Ok((change, _))) if *selected => plan.files.push(change),
            // A walked file named like a Dockerfile that holds no
            // instruction is not one: passed over with a note.
            Some(Err(e))
                if *selected
                    && e.message == NOT_A_DOCKERFILE
                    && !named.contains(&project::key(path)) =>
            {
                plan.notes.push(InputError::file(
                    path,
                    "skipped: named like a Dockerfile, but it holds no instruction",
                ))
            }
            Some(Err(e)) if *selected => errors.push(e),
            _ => {}
        }
    }
    for result in planned.into_iter().flatten() {
        match result {
            Ok((change, note)) => {
                plan.files.push(change);
                plan.notes.extend(note);
            }
            Err(e) => errors.push(e),
        }
    }
    for file in &plan.files {
        if plan.settings_of.contains_key(&file.path) {
            continue;
        }
        if let Some(origin) = resolver
            .for_file(&file.path)
            .ok()
            .and_then(|config| config.origin.clone())
        {
            plan.settings_of.insert(file.path.clone(), origin);
        }
    }
    // Directives that do nothing (a typo in `ignore[…]`, an unknown ID),
    // said where they are, once per file.
    for file in &plan.files {
        let Some(before) = file.before.as_deref() else {
            continue;
        };
        // Only lines with a `#` are decoded: most have none.
        for (at, line) in before.split(|&b| b == b'\n').enumerate() {
            let Some(hash) = memchr::memchr(b'#', line) else {
                continue;
            };
            let comment = crate::source::lossy(&line[hash + 1..]);
            let comment = comment.strip_suffix('\r').unwrap_or(&comment);
            if let Some(problem) = crate::registry::directive_problem(comment) {
                let col = crate::source::lossy(&line[..hash]).chars().count() + 1;
                plan.notes
                    .push(InputError::at(&file.path, at + 1, col, problem));
            }
        }
    }
    for config in resolver.loaded() {
        let Some((path, key)) = crate::model::appconfig::location(&config) else {
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
        let policy = settings.policy(config.clone(), overrides.clone());
        match read(&path).and_then(|source| {
            let outcome = engine::appconfig::fix(&source, &policy, key)?;
            Ok(change(source, outcome))
        }) {
            Ok(change) => {
                if let Some(origin) = &config.origin {
                    plan.settings_of.insert(change.path.clone(), origin.clone());
                }
                plan.files.push(change);
            }
            Err(e) => errors.push(e),
        }
    }
    plan.files.sort_by(|a, b| a.path.cmp(&b.path));
    // A bad config is met by every file below it: say it once.
    let mut seen = HashSet::default();
    errors.retain(|e| seen.insert(e.clone()));
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
    plan_dockerfile_parsed(
        path,
        &Settings::new(resolver, overrides),
        hint.into_iter().collect(),
    )
    .map(|(change, _)| change)
}

/// [`plan_dockerfile`], also handing back the fixed Dockerfile's parse;
/// `builders` are every Compose service that builds it.
fn plan_dockerfile_parsed(
    path: &Path,
    settings: &Settings,
    builders: Arc<[ServiceHint]>,
) -> Result<(FileChange, Dockerfile), InputError> {
    let source = read(path)?;
    let config = settings.resolver.for_file(path)?;
    let mut overrides = settings.overrides.clone();
    if let [hint] = &*builders {
        if let Some(section) = config.services.get(&hint.name) {
            overrides.ignore.extend(section.ignore.iter().cloned());
        }
    }
    let policy = settings.policy(config, overrides).for_builders(builders);
    let (outcome, fixed) = engine::dockerfile::fix_parsed(&source, &policy)?;
    Ok((change(source, outcome), fixed))
}

/// Plans one Compose file; also hands back notes for its overlay fragments,
/// its one-shot jobs, the built services that show no sign of reading
/// `LOG_LEVEL` and the services left alone (anchored, aliases, `extends`),
/// each said once per file, not once per service.
fn plan_compose(
    file: ComposeFile,
    settings: &Settings,
    project: &Project,
) -> Result<(FileChange, Vec<InputError>), InputError> {
    let source = file.source.clone();
    let policy = settings.for_file(&source.path)?;
    let partial = overlaid_services(&source.path);
    let fragments: Vec<String> = file
        .services()
        .iter()
        .filter(|s| !partial.iter().any(|p| p == s.name) && compose::is_fragment(s.meaning))
        .map(|s| format!("`{}`", s.name))
        .collect();
    let jobs = compose::one_shot_jobs(&file);
    let mut jobs: Vec<String> = jobs
        .iter()
        .filter(|(name, _)| !partial.iter().any(|p| p == *name))
        .map(|(name, why)| format!("`{name}` ({why})"))
        .collect();
    jobs.sort();
    let jobs_note = (!jobs.is_empty()).then(|| {
        InputError::file(
            &source.path,
            format!(
                "one-shot jobs get no restart policy and no health check, and nothing waits for them to be healthy: {}",
                jobs.join(", ")
            ),
        )
    });
    let note = (!fragments.is_empty()).then(|| {
        InputError::file(
            &source.path,
            format!(
                "service{} {} {} neither image, build nor extends: overlay fragments whose base is elsewhere, so nothing is added to them (on merge it would override the base's own choices)",
                if fragments.len() == 1 { "" } else { "s" },
                fragments.join(", "),
                if fragments.len() == 1 { "has" } else { "have" }
            ),
        )
    });
    let quiet: Vec<String> = if policy.enabled(crate::rules::compose::sw207_log_level::META.code) {
        file.services()
            .iter()
            .filter(|s| {
                s.meaning.get("build").is_some()
                    && !partial.iter().any(|p| p == s.name)
                    && !compose::sets(s.meaning.get("environment"), "LOG_LEVEL")
                    && !compose::env_files(&source.path, s.meaning, "LOG_LEVEL").sets
                    && project.log_level(&source.path, s.meaning)
                        == crate::model::log_level::LogLevel::Unknown
            })
            .map(|s| format!("`{}`", s.name))
            .collect()
    } else {
        Vec::new()
    };
    let log_level_note = (!quiet.is_empty()).then(|| {
        InputError::file(
            &source.path,
            format!(
                "no LOG_LEVEL is set for {}: nothing shows that {} (no mention in the base image, the Dockerfile or the build context)",
                quiet.join(", "),
                if quiet.len() == 1 { "its app reads it" } else { "their apps read it" }
            ),
        )
    });
    let left_alone = file.left_alone();
    let left_alone_note = (!left_alone.is_empty()).then(|| {
        InputError::file(
            &source.path,
            format!(
                "left alone: {}",
                left_alone
                    .iter()
                    .map(|(name, why)| format!("`{name}` ({why})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    });
    let outcome = engine::compose::fix_parsed(file, &policy, project, &partial)?;
    Ok((
        change(source, outcome),
        note.into_iter()
            .chain(jobs_note)
            .chain(log_level_note)
            .chain(left_alone_note)
            .collect(),
    ))
}

/// Base Compose files, which overlays (`compose.override.yaml`,
/// `docker-compose.prod.yml`, …) beside them extend.
const BASE_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// A parsed Compose file and, for each service that builds a Dockerfile,
/// that Dockerfile's key, what the service tells it, and its path.
type ParsedCompose = Result<(ComposeFile, Vec<(PathBuf, ServiceHint, PathBuf)>), InputError>;

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

fn change(source: Source, outcome: Outcome) -> FileChange {
    FileChange {
        path: source.path,
        before: Some(source.bytes),
        after: outcome.after,
        findings: outcome.findings,
    }
}

#[cfg(test)]
mod tests {
    /// A file over the size limit is refused with its size, and one at the
    /// limit is read whole (the reader stops one byte past the limit).
    #[test]
    fn a_file_too_large_is_refused_with_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(super::MAX_FILE_BYTES + 5).unwrap();
        let error = super::read(&path).unwrap_err();
        assert_eq!(
            error.message,
            format!(
                "{} bytes is too large for a file seaworthy edits ({} at most)",
                super::MAX_FILE_BYTES + 5,
                super::MAX_FILE_BYTES
            )
        );
        file.set_len(super::MAX_FILE_BYTES).unwrap();
        assert_eq!(
            super::read(&path).unwrap().bytes.len() as u64,
            super::MAX_FILE_BYTES
        );
    }
}
