//! What a project is, read from its files (`data/stacks.toml`, embedded at
//! build time): the stack and its package manager, the framework and the
//! start command, the port, the health route (the route reader of
//! [`crate::model::routes`]), worker processes, and the data services the
//! code uses. Every fact carries its evidence: the file and line it was
//! read from, or the documented default it falls back to.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::pattern::{self, Captures, Regex};
use serde::Deserialize;

use crate::error::InputError;
use crate::model::routes::{self, Choice};

/// A detected value and why it is believed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact<T> {
    /// The value.
    pub value: T,
    /// Where it was read (`app/main.py:3`), or the default it comes from.
    pub evidence: String,
}

impl<T> Fact<T> {
    fn new(value: T, evidence: impl Into<String>) -> Fact<T> {
        Fact {
            value,
            evidence: evidence.into(),
        }
    }
}

/// How the image installs the project's dependencies (a `[[manager]]` row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manager {
    /// `pip`, `uv`, `npm`, `cargo`…
    pub name: String,
    /// What the dependency layer copies before the code.
    pub copy: Vec<String>,
    /// The command that installs the dependencies.
    pub install: String,
    /// The command that drops development dependencies (Node), if any.
    pub prune: Option<String>,
    /// The command that builds the artifact (Java), if any.
    pub package: Option<String>,
    /// The program that runs a Node project when it is not Node (`bun`):
    /// the image is that program's, and package.json scripts run with it
    /// (`node` in that image is the program in Node's mode).
    pub runtime: Option<String>,
}

/// A process that runs beside the app from the same image, with no port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worker {
    /// Its name (`worker`, `celery`).
    pub name: String,
    /// Its command line.
    pub command: String,
}

/// Everything detection found in a project.
#[derive(Debug, Clone)]
pub struct Detection {
    /// The stack (`python`, `node`, `go`, `rust`) and its marker file.
    pub stack: Fact<String>,
    /// The package manager, by lockfile.
    pub manager: Fact<Manager>,
    /// The framework (`FastAPI`, `Express`, `program`…) and its entry file.
    pub framework: Fact<String>,
    /// The command that starts the app.
    pub start: Fact<String>,
    /// The port the app listens on; `None`: it serves nothing (a worker or
    /// a script).
    pub port: Option<Fact<u16>>,
    /// The health route the code declares.
    pub health: Option<Fact<String>>,
    /// Worker processes.
    pub workers: Vec<Fact<Worker>>,
    /// Data services (`postgres`, `redis`…), by their `[[service]]` name.
    pub services: Vec<Fact<String>>,
    /// A server package the start command needs that the manifests do not
    /// declare (`uvicorn`): the image installs it.
    pub server: Option<String>,
    /// The program to build and run (Go, Rust), and the package or crate
    /// path it is built from (`./cmd/api`, a workspace member).
    pub binary: Option<(String, String)>,
    /// Whether `package.json` has a `build` script (Node).
    pub build_script: bool,
    /// Variables the framework needs from `.env` (`SECRET_KEY_BASE`).
    pub secrets: Vec<String>,
    /// A memory limit the framework needs above its category's default.
    pub memory: Option<String>,
    /// The folder a static site's build writes (`dist`), which a static
    /// server serves; `None`: the app is a server of its own.
    pub output: Option<String>,
    /// The file that makes the app (`app/main.py`), and its variable.
    pub entry: (PathBuf, Option<String>),
    /// The folder the app's modules are imported from, relative to the
    /// project (empty: its root; a Django project's: the folder of its
    /// `manage.py`): the start command and the workers name modules from
    /// there.
    pub import_root: PathBuf,
    /// What was seen but not used, with why.
    pub notes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StackRow {
    name: String,
    markers: Vec<String>,
    #[allow(dead_code)]
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestRow {
    stack: String,
    file: String,
    /// A pattern for where a text manifest declares `{name}`.
    #[serde(default)]
    dependency: Option<String>,
    /// Where a TOML manifest declares dependencies: dotted paths of arrays
    /// of PEP 508 strings or of tables keyed by name.
    #[serde(default)]
    tables: Vec<String>,
    /// A pattern for a line that includes another file of the same form
    /// (`(?P<file>…)`, a path from the including file's folder).
    #[serde(default)]
    include: Option<String>,
    #[allow(dead_code)]
    source: String,
}

impl ManifestRow {
    /// Whether `path` has this manifest's file name.
    fn names(&self, path: &Path) -> bool {
        routes::wildcard(
            &self.file,
            &path.file_name().unwrap_or_default().to_string_lossy(),
        )
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManagerRow {
    stack: String,
    name: String,
    #[serde(default)]
    lockfile: Option<String>,
    copy: Vec<String>,
    install: String,
    #[serde(default)]
    prune: Option<String>,
    #[serde(default)]
    package: Option<String>,
    #[serde(default)]
    signs: Vec<Sign>,
    #[serde(default)]
    runtime: Option<String>,
    #[allow(dead_code)]
    source: String,
}

/// A file at the project's root that shows which version of a package
/// manager it is for: by being there, or by matching `pattern`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sign {
    file: String,
    #[serde(default)]
    pattern: Option<String>,
}

impl Sign {
    /// Where `root` shows this sign (`package.json:5`, `.yarnrc.yml
    /// exists`), if it does.
    fn shown(&self, root: &Path) -> Option<String> {
        let path = Path::new(&self.file);
        let Some(pattern) = &self.pattern else {
            return root
                .join(path)
                .is_file()
                .then(|| format!("{} exists", self.file));
        };
        let text = std::fs::read_to_string(root.join(path)).ok()?;
        let found = compile(pattern).find(text.as_bytes())?;
        Some(at(path, &text, found.start()))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameworkRow {
    stack: String,
    name: String,
    dependency: String,
    entry_files: Vec<String>,
    entry: String,
    start: String,
    #[serde(default)]
    server: Option<String>,
    #[serde(default)]
    port: Option<u16>,
    #[serde(default)]
    secrets: Vec<String>,
    #[serde(default)]
    memory: Option<String>,
    #[serde(default)]
    root_file: Option<String>,
    #[serde(default)]
    unless: Option<String>,
    #[serde(default)]
    output: Option<String>,
    #[serde(default)]
    output_from: Option<OutputFrom>,
    #[allow(dead_code)]
    source: String,
}

/// Where a static site names a build folder of its own (Vite's
/// `build.outDir`): the first of `files` at the project's root, where
/// `pattern` captures the folder as `dir` (see [`output_named`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutputFrom {
    files: Vec<String>,
    /// The setting's name, shown in notes (`outDir`).
    key: String,
    pattern: String,
    /// A setting that moves the folder (Vite's `root`): none is read then.
    #[serde(default)]
    unless: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PortRow {
    stack: String,
    files: Vec<String>,
    pattern: String,
    #[allow(dead_code)]
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkerRow {
    stack: String,
    name: String,
    dependency: String,
    entry_files: Vec<String>,
    entry: String,
    command: String,
    #[allow(dead_code)]
    source: String,
}

/// A data service: what compose runs and how the app reaches it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceRow {
    /// Its name, which is also the Compose service's.
    pub name: String,
    /// The image Compose runs.
    pub image: String,
    /// The variable the app is given to reach it.
    pub url_env: String,
    /// Its value (Compose interpolates it).
    pub url: String,
    /// What `.env` must set for it.
    pub variables: Vec<String>,
    dependencies: Vec<String>,
    env: Vec<String>,
    #[allow(dead_code)]
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScaffoldRow {
    framework: String,
    template: String,
    file: String,
    mount: String,
    #[allow(dead_code)]
    source: String,
}

/// A health endpoint init can write for an app that has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scaffold {
    /// The template, under `templates/`.
    pub template: &'static str,
    /// The new file, beside the entry file (relative to the project).
    pub file: PathBuf,
    /// The one line the user adds to mount it, in words.
    pub mount: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaveatRow {
    framework: String,
    file: String,
    present: String,
    absent: String,
    note: String,
    #[allow(dead_code)]
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectionRow {
    framework: String,
    service: String,
    env: Vec<(String, String)>,
    #[allow(dead_code)]
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    stack: Vec<StackRow>,
    manifest: Vec<ManifestRow>,
    manager: Vec<ManagerRow>,
    framework: Vec<FrameworkRow>,
    port: Vec<PortRow>,
    worker: Vec<WorkerRow>,
    service: Vec<ServiceRow>,
    scaffold: Vec<ScaffoldRow>,
    connection: Vec<ConnectionRow>,
    caveat: Vec<CaveatRow>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| crate::model::data_table!("stacks" as Table))
}

/// The stacks detection knows, in the table's order.
pub fn stacks() -> Vec<&'static str> {
    table().stack.iter().map(|s| s.name.as_str()).collect()
}

/// The data services detection knows, in the table's order.
pub fn services() -> &'static [ServiceRow] {
    &table().service
}

/// The variables an app of `framework` is given to reach `service`: the
/// framework's own (`[[connection]]`), else the service's URL variable.
pub fn connection(framework: &str, service: &ServiceRow) -> Vec<(String, String)> {
    table()
        .connection
        .iter()
        .find(|c| c.framework == framework && c.service == service.name)
        .map_or_else(
            || vec![(service.url_env.clone(), service.url.clone())],
            |c| c.env.clone(),
        )
}

fn compile(text: &str) -> Regex {
    pattern::compile(text).expect("data/stacks.toml patterns are valid (a unit test checks them)")
}

/// The project's files, relative and in path order, with their text
/// (tests, docs and vendored code left out, as the route reader does).
struct Files {
    texts: Vec<(PathBuf, String)>,
    /// Folders whose manifests declare the app's dependencies: the root,
    /// and the workspace member that is built.
    manifest_dirs: Vec<PathBuf>,
    /// Files the manifests at the root include (pip's `-r` and `-c`, and
    /// what those include in turn), each after the root manifest it is
    /// reached from.
    included: Vec<(PathBuf, PathBuf)>,
}

impl Files {
    fn read(root: &Path) -> Files {
        let mut texts: Vec<(PathBuf, String)> = crate::model::project::context_files(root)
            .filter_map(|path| {
                let relative = path.strip_prefix(root).ok()?.to_path_buf();
                // Files at the root are the project's own (requirements.txt
                // is not a doc), and so is all of Maven's and Gradle's
                // src/main (whose packages are often com.example…).
                let own = relative.components().count() == 1 || relative.starts_with("src/main");
                if routes::skipped(&relative) && !own {
                    return None;
                }
                let text = std::fs::read_to_string(&path).ok()?;
                Some((relative, text))
            })
            .collect();
        texts.sort();
        let mut files = Files {
            texts,
            manifest_dirs: vec![PathBuf::new()],
            included: Vec::new(),
        };
        files.follow_includes(root);
        files
    }

    /// Follows the includes of the manifests at the root (`include` in
    /// `[[manifest]]`), reading the included files even where they would
    /// be skipped (`requirements/base.txt`).
    fn follow_includes(&mut self, root: &Path) {
        let inside = crate::model::project::key(root);
        for row in &table().manifest {
            let Some(include) = &row.include else {
                continue;
            };
            let includes = compile(include);
            let tops: Vec<PathBuf> = self
                .texts
                .iter()
                .map(|(path, _)| path)
                .filter(|path| path.parent() == Some(Path::new("")) && row.names(path))
                .cloned()
                .collect();
            for top in tops {
                let mut pending = vec![top.clone()];
                while let Some(file) = pending.pop() {
                    let text = self.at(&file).unwrap_or_default().to_string();
                    let dir = file.parent().unwrap_or(Path::new(""));
                    for found in includes.captures_iter(text.as_bytes()) {
                        let target = root.join(dir).join(pattern::text(&found["file"]));
                        let Ok(path) = crate::model::project::key(&target)
                            .strip_prefix(&inside)
                            .map(Path::to_path_buf)
                        else {
                            continue;
                        };
                        if path == top || self.included.iter().any(|(_, p)| *p == path) {
                            continue;
                        }
                        if self.at(&path).is_none() {
                            let Ok(text) = std::fs::read_to_string(root.join(&path)) else {
                                continue;
                            };
                            self.texts.push((path.clone(), text));
                        }
                        self.included.push((top.clone(), path.clone()));
                        pending.push(path);
                    }
                }
            }
        }
    }

    /// The files `row` reads the dependencies from: its manifests in
    /// [`Files::manifest_dirs`], then the files those at the root include.
    fn manifests<'a>(
        &'a self,
        row: &'a ManifestRow,
    ) -> impl Iterator<Item = &'a (PathBuf, String)> + 'a {
        let own = self.manifest_dirs.iter().flat_map(move |dir| {
            self.texts
                .iter()
                .filter(move |(path, _)| path.parent() == Some(dir.as_path()) && row.names(path))
        });
        let included = self
            .included
            .iter()
            .filter(|(top, _)| row.names(top))
            .filter_map(|(_, path)| self.texts.iter().find(|(p, _)| p == path));
        own.chain(included)
    }

    /// The text of a file at the root.
    fn at_root(&self, name: &str) -> Option<&str> {
        self.at(Path::new(name))
    }

    /// The text of a file, by its path in the project.
    fn at(&self, path: &Path) -> Option<&str> {
        self.texts
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.as_str())
    }

    /// Files whose name matches one of `patterns` (`*.py`, `wsgi.py`).
    fn named<'a>(
        &'a self,
        patterns: &'a [String],
    ) -> impl Iterator<Item = &'a (PathBuf, String)> + 'a {
        self.texts.iter().filter(move |(path, _)| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            patterns.iter().any(|p| routes::wildcard(p, &name))
        })
    }
}

/// `file:line` of byte `at` in `text`.
fn at(path: &Path, text: &str, at: usize) -> String {
    let line = text[..at].matches('\n').count() + 1;
    format!("{}:{line}", path.display())
}

/// Where the manifests of `stack` declare the dependency `name`.
fn declared(files: &Files, stack: &str, name: &str) -> Option<String> {
    if name.is_empty() {
        return None;
    }
    let manifests = table().manifest.iter().filter(|m| m.stack == stack);
    manifests
        .flat_map(|m| files.manifests(m).map(move |file| (m, file)))
        .find_map(|(m, (path, text))| {
            let offset = match &m.dependency {
                Some(dependency) => {
                    let dependency = dependency.replace("{name}", &pattern::escape(name));
                    compile(&dependency).find(text.as_bytes())?.start()
                }
                None => in_toml(text, &m.tables, name)?,
            };
            Some(at(path, text, offset))
        })
}

/// Where the TOML manifest `text` declares `name` in one of `tables`
/// (dotted paths of an array of PEP 508 strings, such as PEP 621's
/// `project.dependencies`, or of a table keyed by name, such as Poetry's):
/// the byte offset. Names compare as PEP 503 normalizes them (case, and
/// runs of `-`, `_` and `.`, do not matter).
fn in_toml(text: &str, tables: &[String], name: &str) -> Option<usize> {
    let normalized = |name: &str| {
        let words: Vec<String> = name
            .split(['-', '_', '.'])
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        words.join("-")
    };
    let wanted = normalized(name);
    let doc = toml_edit::ImDocument::parse(text).ok()?;
    tables.iter().find_map(|dotted| {
        let item = dotted
            .split('.')
            .try_fold(doc.as_item(), |item, key| item.get(key))?;
        if let Some(array) = item.as_array() {
            return array.iter().find_map(|value| {
                let requirement = value.as_str()?.trim_start();
                let end = requirement
                    .find(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)))
                    .unwrap_or(requirement.len());
                if normalized(&requirement[..end]) != wanted {
                    return None;
                }
                value.span().map(|span| span.start)
            });
        }
        let table = item.as_table_like()?;
        let (key, _) = table.iter().find(|(key, _)| normalized(key) == wanted)?;
        table.get_key_value(key)?.0.span().map(|span| span.start)
    })
}

/// The first file at `root` whose name matches `pattern` (`*` stands for
/// any text: `*.csproj`).
fn at_root_matching(root: &Path, pattern: &str) -> Option<String> {
    if !pattern.contains('*') {
        return root.join(pattern).is_file().then(|| pattern.to_string());
    }
    let mut names: Vec<String> = std::fs::read_dir(root)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| routes::wildcard(pattern, name))
        .collect();
    names.sort();
    names.into_iter().next()
}

/// The Python module of a file, imported from the folder `root`:
/// `app/main.py` → `app.main`; a package's `app/__init__.py` → `app`
/// (importing `app.__init__` would run the file a second time as another
/// module, with an app none of its routes reach). A file outside `root`
/// is named from the project's root.
fn module(root: &Path, path: &Path) -> String {
    let mut parts: Vec<String> = path
        .strip_prefix(root)
        .unwrap_or(path)
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.len() > 1 && parts.last().is_some_and(|p| p == "__init__") {
        parts.pop();
    }
    parts.join(".")
}

/// The first file among `patterns` where `entry` matches: the file, the
/// evidence, and the `var` group if the pattern has one.
fn entry<'a>(
    files: &'a Files,
    patterns: &'a [String],
    entry: &str,
) -> Option<(&'a Path, String, Option<String>)> {
    let regex = compile(entry);
    files.named(patterns).find_map(|(path, text)| {
        let found = regex.captures(text.as_bytes())?;
        let whole = found.get(0).expect("group 0");
        let var = found
            .name("var")
            .map(|v| pattern::text(v.as_bytes()).to_string());
        Some((path.as_path(), at(path, text, whole.start()), var))
    })
}

/// The stacks whose marker files `root` has, in the table's order, each
/// with the first marker found: the first is the one detection picks.
pub fn candidates(root: &Path) -> Vec<(&'static str, String)> {
    table()
        .stack
        .iter()
        .filter_map(|s| {
            s.markers
                .iter()
                .find_map(|m| at_root_matching(root, m))
                .map(|m| (s.name.as_str(), m))
        })
        .collect()
}

/// The stack of a project init renders no template for: a Dockerfile
/// skeleton the user completes (ADR 014). Never detected, only chosen.
pub const OTHER: &str = "other";

/// A project of stack [`OTHER`]: nothing is detected, so every answer is
/// the user's (the start command has no default).
pub fn other() -> Detection {
    Detection {
        stack: Fact::new(
            OTHER.to_string(),
            "chosen: a Dockerfile skeleton to complete, from no stack's template",
        ),
        manager: Fact::new(
            Manager {
                name: "none".into(),
                copy: Vec::new(),
                install: String::new(),
                prune: None,
                package: None,
                runtime: None,
            },
            "no stack, so no package manager: the skeleton installs nothing",
        ),
        framework: Fact::new("none".into(), "no stack, so no framework"),
        start: Fact::new(String::new(), "no stack, so no start command"),
        port: None,
        health: None,
        workers: Vec::new(),
        services: Vec::new(),
        server: None,
        binary: None,
        build_script: false,
        secrets: Vec::new(),
        memory: None,
        output: None,
        entry: (PathBuf::new(), None),
        import_root: PathBuf::new(),
        notes: Vec::new(),
    }
}

/// Reads the project at `root` as a project of `stack` (default: the
/// first candidate whose entry point is found): an error when no stack,
/// or not that one, is recognised.
pub fn detect(root: &Path, stack: Option<&str>) -> Result<Detection, InputError> {
    // Without a stack named, the first candidate whose entry point is found
    // (a Python project with a package.json for its assets is still Python;
    // a package.json beside a pyproject.toml with no app in it is Node).
    if stack.is_none() {
        let found = candidates(root);
        if found.len() > 1 {
            let mut first_error = None;
            for (name, _) in &found {
                match detect_stack(root, Some(name)) {
                    Ok(detection) => return Ok(detection),
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
            }
            return Err(first_error.expect("several candidates were tried"));
        }
    }
    detect_stack(root, stack)
}

/// [`detect`] for one stack (`None`: the first candidate).
fn detect_stack(root: &Path, stack: Option<&str>) -> Result<Detection, InputError> {
    let table = table();
    let found = candidates(root);
    let chosen = match stack {
        Some(wanted) => found.iter().find(|(name, _)| *name == wanted),
        None => found.first(),
    };
    let Some((name, marker)) = chosen.cloned() else {
        let markers = |rows: &mut dyn Iterator<Item = &StackRow>| {
            rows.flat_map(|s| s.markers.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(InputError::path(
            root,
            match stack {
                Some(wanted) => format!(
                    "not a {wanted} project: it has none of {}",
                    markers(&mut table.stack.iter().filter(|s| s.name == wanted))
                ),
                None => format!(
                    "no stack recognised: init knows {} projects (by {}); write the Dockerfile by hand, then `seaworthy fix` it",
                    stacks().join(", "),
                    markers(&mut table.stack.iter())
                ),
            },
        ));
    };
    let mut files = Files::read(root);
    let mut notes = Vec::new();
    let mut manager = table
        .manager
        .iter()
        .filter(|m| m.stack == name)
        .find_map(|m| match &m.lockfile {
            Some(lock) => {
                let lock = at_root_matching(root, lock)?;
                if m.signs.is_empty() {
                    return Some((m, format!("{lock} exists")));
                }
                let sign = m.signs.iter().find_map(|s| s.shown(root))?;
                Some((m, format!("{lock} exists; {sign}")))
            }
            None => Some((m, format!("no lockfile: {}'s plain install", m.name))),
        })
        .map(|(m, why)| {
            Fact::new(
                Manager {
                    name: m.name.clone(),
                    copy: m.copy.clone(),
                    install: m.install.clone(),
                    prune: m.prune.clone(),
                    package: m.package.clone(),
                    runtime: m.runtime.clone(),
                },
                why,
            )
        })
        .expect("every stack has a fallback manager row");
    // A manifest the dependency layer copies needs the files it includes.
    let included: Vec<String> = files
        .included
        .iter()
        .filter(|(top, _)| manager.value.copy.iter().any(|c| Path::new(c) == top))
        .map(|(_, path)| crate::paths::slashed(path))
        .collect();
    manager.value.copy.extend(included);

    let binary = binary(root, name, &files, &mut notes);
    if let Some((_, dir)) = binary
        .as_ref()
        .filter(|(_, dir)| name == "rust" && dir != ".")
    {
        files.manifest_dirs.push(PathBuf::from(dir));
    }
    let (framework, entry_file, var, entry_evidence) = table
        .framework
        .iter()
        .filter(|f| f.stack == name)
        .find_map(|f| {
            let dependency = if f.dependency.is_empty() {
                None
            } else {
                Some(declared(&files, name, &f.dependency)?)
            };
            let (file, at_entry, var) = entry(&files, &f.entry_files, &f.entry)?;
            let ruled_out = f.unless.as_deref().is_some_and(|unless| {
                files
                    .at(file)
                    .is_some_and(|text| compile(unless).is_match(text.as_bytes()))
            });
            if ruled_out {
                return None;
            }
            let evidence = match dependency {
                Some(dep) => format!("{} declared at {dep}, app at {at_entry}", f.dependency),
                None => at_entry.clone(),
            };
            Some((Fact::new(f, evidence), file, var, at_entry))
        })
        .ok_or_else(|| {
            InputError::path(
                root,
                format!("a {name} project ({marker}), but no entry point init knows was found (data/stacks.toml lists the forms)"),
            )
        })?;
    let row = framework.value;
    // The nearest folder above the entry file that holds the framework's
    // root file (Django's manage.py, which puts its folder on the path).
    let import_root = row
        .root_file
        .as_ref()
        .and_then(|name| {
            entry_file
                .ancestors()
                .skip(1)
                .find(|dir| root.join(dir).join(name).is_file())
        })
        .map(Path::to_path_buf)
        .unwrap_or_default();

    let mut port = existing_port(root).or_else(|| port(&files, name, row));
    let fill = |template: &str| {
        template
            .replace("{module}", &module(&import_root, entry_file))
            .replace("{file}", &entry_file.display().to_string())
            .replace("{var}", var.as_deref().unwrap_or("app"))
            .replace("{port}", &port.as_ref().map_or(0, |p| p.value).to_string())
            .replace(
                "{binary}",
                binary.as_ref().map_or("app", |(b, _)| b.as_str()),
            )
    };
    let mut start = Fact::new(
        fill(&row.start),
        match row
            .root_file
            .as_ref()
            .filter(|_| import_root != Path::new(""))
        {
            Some(name) => format!(
                "the {} app at {}; modules named from {}/, where its {name} is",
                row.name,
                entry_evidence,
                import_root.display()
            ),
            None => format!("the {} app at {}", row.name, entry_evidence),
        },
    );
    // A static site's build folder: the one its config names, else the
    // framework's default.
    let output = row.output.as_ref().map(|default| {
        row.output_from
            .as_ref()
            .and_then(|from| output_named(from, &files, &mut notes))
            .unwrap_or_else(|| (default.clone(), format!("{}'s default", row.name)))
    });
    let mut build_script = false;
    match &output {
        // A static site is built by its build script (the entry) and served
        // by the row's start command: CRA's start script is a development
        // server.
        Some((dir, from)) => {
            build_script = true;
            start.evidence = format!(
                "serves {dir}/ ({from}), which the build script at {entry_evidence} writes"
            );
        }
        None if name == "node" => node_start(&files, &mut start, &mut build_script, entry_file),
        None => {}
    }
    let mut workers = Vec::new();
    if let Some(text) = files.at_root("Procfile") {
        for (index, line) in text.lines().enumerate() {
            let Some((kind, command)) = line.split_once(':') else {
                continue;
            };
            let (kind, command) = (kind.trim(), command.trim());
            let evidence = format!("Procfile:{}", index + 1);
            if command.contains(['$', '"', '\'']) {
                notes.push(format!(
                    "{evidence}: `{kind}` is not used: its command needs a shell (variables or quotes)"
                ));
                continue;
            }
            match kind {
                "web" => {
                    // The port its flags name is the one it listens on.
                    if let Some(named) = start_port(command) {
                        port = Some(Fact::new(named, format!("the web command at {evidence}")));
                    }
                    start = Fact::new(command.to_string(), evidence);
                }
                "release" => {}
                _ => workers.push(Fact::new(
                    Worker {
                        name: kind.to_string(),
                        command: command.to_string(),
                    },
                    evidence,
                )),
            }
        }
    }
    for w in table.worker.iter().filter(|w| w.stack == name) {
        if workers.iter().any(|f| f.value.name == w.name) {
            continue;
        }
        let Some(dep) = declared(&files, name, &w.dependency) else {
            continue;
        };
        if let Some((file, evidence, _)) = entry(&files, &w.entry_files, &w.entry) {
            workers.push(Fact::new(
                Worker {
                    name: w.name.clone(),
                    command: w.command.replace("{module}", &module(&import_root, file)),
                },
                format!("{} declared at {dep}, app at {evidence}", w.dependency),
            ));
        }
    }

    // A project that runs on another program (Bun) runs its scripts with
    // it: its image has no npm (its `node` is that program in Node's mode).
    if let Some(runtime) = &manager.value.runtime {
        let why = format!("; run with {runtime}: {}", manager.evidence);
        let commands = std::iter::once((&mut start.value, &mut start.evidence)).chain(
            workers
                .iter_mut()
                .map(|w| (&mut w.value.command, &mut w.evidence)),
        );
        for (command, evidence) in commands {
            match on_runtime(command, runtime) {
                OnRuntime::As(restated) => {
                    *command = restated;
                    evidence.push_str(&why);
                }
                OnRuntime::Lacks(program) => notes.push(format!(
                    "`{command}` ({evidence}) runs {program}, which the {runtime} image lacks: write it with {runtime} (`{runtime} run SCRIPT`, or `node FILE`)"
                )),
                OnRuntime::Same => {}
            }
        }
    }

    let server = row.server.clone().filter(|s| {
        let missing = declared(&files, name, s).is_none();
        if missing {
            notes.push(format!(
                "`{s}` is not among the dependencies: the image installs it to run `{}`",
                start.value
            ));
        }
        missing
    });
    for caveat in table.caveat.iter().filter(|c| c.framework == row.name) {
        let Some(text) = files.at(Path::new(&caveat.file)) else {
            continue;
        };
        if let Some(found) = compile(&caveat.present).find(text.as_bytes()) {
            if !compile(&caveat.absent).is_match(text.as_bytes()) {
                let at = at(Path::new(&caveat.file), text, found.start());
                notes.push(format!("{at}: {}", caveat.note));
            }
        }
    }
    let health = match routes::in_context(root).for_docker() {
        // A static site's paths are its files (and index.html for the
        // rest): the server answers `/` with the build's index.html.
        _ if output.is_some() => output.as_ref().map(|(dir, _)| {
            Fact::new(
                "/".to_string(),
                format!("{dir}/index.html of the build, which the static server answers / with"),
            )
        }),
        Choice::Route(route) => Some(Fact::new(route.path.clone(), route.at())),
        Choice::Ambiguous(why) => {
            notes.push(why);
            None
        }
        Choice::None(why) => {
            notes.extend(why);
            None
        }
    };
    let services = table
        .service
        .iter()
        .filter_map(|s| {
            let by_dependency = s
                .dependencies
                .iter()
                .find_map(|d| declared(&files, name, d).map(|at| format!("{d} declared at {at}")));
            let evidence = by_dependency.or_else(|| {
                s.env.iter().find_map(|var| {
                    let word = compile(&format!(r"\b{}\b", pattern::escape(var)));
                    files
                        .texts
                        .iter()
                        .find_map(|(p, t)| word.find(t.as_bytes()).map(|m| at(p, t, m.start())))
                        .map(|at| format!("{var} read at {at}"))
                })
            })?;
            Some(Fact::new(s.name.clone(), evidence))
        })
        .collect();
    Ok(Detection {
        stack: Fact::new(name.to_string(), format!("{marker} exists")),
        manager,
        framework: Fact::new(row.name.clone(), framework.evidence),
        start,
        port,
        health,
        workers,
        services,
        server,
        binary,
        build_script,
        secrets: row.secrets.clone(),
        memory: row.memory.clone(),
        output: output.map(|(dir, _)| dir),
        entry: (entry_file.to_path_buf(), var),
        import_root,
        notes,
    })
}

/// The health endpoint init can write for the app `detection` found, when
/// its framework has one (`[[scaffold]]`).
pub fn scaffold(detection: &Detection) -> Option<Scaffold> {
    let row = table()
        .scaffold
        .iter()
        .find(|s| s.framework == detection.framework.value)?;
    let (entry, var) = &detection.entry;
    let dir = entry.parent().unwrap_or(Path::new(""));
    let file = dir.join(&row.file);
    let mount = row
        .mount
        .replace("{module}", &module(&detection.import_root, &file))
        .replace("{var}", var.as_deref().unwrap_or("app"))
        .replace("{entry}", &crate::paths::slashed(entry))
        .replace("{dir}", &crate::paths::slashed(dir));
    Some(Scaffold {
        template: &row.template,
        file,
        mount,
    })
}

/// The port a start command's flags name (`--port N`, `--bind HOST:N`,
/// `-p N`), read as the rules read a Dockerfile's CMD.
pub fn start_port(command: &str) -> Option<u16> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let service = serde_json::json!({ "command": words });
    let doc = crate::health::port::as_dockerfile(Path::new("Procfile"), "scratch", &service)?;
    let found = crate::health::port::command_ports(&doc, doc.final_stage());
    match found.as_slice() {
        [one] => Some(one.port),
        _ => None,
    }
}

/// `command` listening on `port`: where its flags name another port (the
/// `--port 8000`, `--bind 0.0.0.0:8000`, `-p 3000` of a framework's start
/// command), that port is replaced; a command that names none is returned
/// as it is.
pub fn with_port(command: &str, port: u16) -> String {
    let Some(old) = start_port(command).filter(|old| *old != port) else {
        return command.to_string();
    };
    let (old, new) = (old.to_string(), port.to_string());
    command
        .split(' ')
        .map(|word| {
            if word == old {
                return new.clone();
            }
            for separator in [':', '='] {
                if let Some(head) = word.strip_suffix(&old).filter(|h| h.ends_with(separator)) {
                    return format!("{head}{new}");
                }
            }
            word.to_string()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The port an existing Dockerfile's final stage EXPOSEs, when it names
/// one: init keeps that Dockerfile (the rules fix it), so the Compose port
/// and the probe must be the port it serves.
fn existing_port(root: &Path) -> Option<Fact<u16>> {
    let path = root.join("Dockerfile");
    let bytes = std::fs::read(&path).ok()?;
    let doc =
        crate::syntax::dockerfile::Dockerfile::parse(crate::source::Source::new(&path, bytes))
            .ok()?;
    match doc.exposed_ports(doc.final_stage()).as_slice() {
        [(port, index)] => Some(Fact::new(
            *port,
            format!(
                "EXPOSE at Dockerfile:{}, which init keeps",
                doc.instructions()[*index].first_line + 1
            ),
        )),
        _ => None,
    }
}

/// The port: named in code or an env file, else the framework's default.
fn port(files: &Files, stack: &str, row: &FrameworkRow) -> Option<Fact<u16>> {
    let named = table()
        .port
        .iter()
        .filter(|p| p.stack == stack || p.stack.is_empty())
        // A static site's code names no port it is served on.
        .filter(|_| row.output.is_none())
        .find_map(|p| {
            let regex = compile(&p.pattern);
            files.named(&p.files).find_map(|(path, text)| {
                let found = regex.captures(text.as_bytes())?;
                let port: u16 = pattern::text(found.name("port")?.as_bytes()).parse().ok()?;
                let start = found.get(0)?.start();
                (port > 0).then(|| Fact::new(port, at(path, text, start)))
            })
        });
    named.or_else(|| {
        row.port.map(|p| {
            let whose = match row.output {
                Some(_) => "the static server's port".to_string(),
                None => format!("{}'s default", row.name),
            };
            Fact::new(p, format!("{whose}; data/stacks.toml cites it"))
        })
    })
}

/// The build folder a static site's config names (`from`), and where: only
/// a plain folder inside the project, outside comments. A config that names
/// one another way (computed, outside the project, or beside a `root`
/// that moves it) gets a note, and the framework's default stands.
fn output_named(
    from: &OutputFrom,
    files: &Files,
    notes: &mut Vec<String>,
) -> Option<(String, String)> {
    let (file, text) = from
        .files
        .iter()
        .find_map(|file| files.at_root(file).map(|text| (file, text)))?;
    let code = without_comments(text);
    if !code.contains(&from.key) {
        return None;
    }
    let plain = |dir: &str| {
        let dir = dir.trim_start_matches("./").trim_end_matches('/');
        let parts_ok = dir.split('/').all(|part| {
            !matches!(part, "" | "." | "..")
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-@+".contains(&b))
        });
        (parts_ok && !dir.starts_with('.')).then(|| dir.to_string())
    };
    let found = compile(&from.pattern)
        .captures(code.as_bytes())
        .and_then(|c| c.name("dir"))
        .and_then(|dir| Some((plain(pattern::text(dir.as_bytes()))?, dir.start())));
    let moved = from
        .unless
        .as_deref()
        .is_some_and(|unless| compile(unless).is_match(code.as_bytes()));
    match found {
        Some((dir, start)) if !moved => Some((
            dir,
            format!("{} at {}", from.key, at(Path::new(file), text, start)),
        )),
        _ => {
            notes.push(format!(
                "{file} sets `{}` in a way init does not read (only a folder of the project, written as a string in `build: {{ … }}`{}): the Dockerfile copies the default folder; check its COPY line",
                from.key,
                if moved { ", with no `root`" } else { "" }
            ));
            None
        }
    }
}

/// `text` with JavaScript comments blanked (`// …` to the end of a line
/// that starts with it, and `/* … */`), byte offsets kept: each byte of a
/// comment but a line break becomes a space, so an offset found in the
/// result is one in `text` (a character of several bytes takes as many
/// spaces).
fn without_comments(text: &str) -> String {
    let comments = compile(r"(?ms)^[ \t]*//[^\n]*|/\*.*?\*/");
    let blanked = comments.replace_all(text.as_bytes(), |c: &Captures| {
        c[0].iter()
            .map(|&b| if b == b'\n' { b'\n' } else { b' ' })
            .collect::<Vec<u8>>()
    });
    // Every match starts and ends at an ASCII mark, so the text stays UTF-8.
    pattern::text(&blanked).to_string()
}

/// A command as another runtime's image runs it (see [`on_runtime`]).
#[derive(Debug, PartialEq, Eq)]
enum OnRuntime {
    /// It runs as it is (`node server.js`: the image's `node` is the
    /// runtime in Node's mode, which runs a file as Node does).
    Same,
    /// It runs a package.json script, restated for the runtime.
    As(String),
    /// It needs a package manager the image lacks (`npx`, `yarn`, npm with
    /// flags): the user rewrites it.
    Lacks(&'static str),
}

/// `command` as `runtime`'s image runs it: `npm start` and `npm run build`
/// become `bun run start` and `bun run build`; `node …` and any program of
/// the project stay; any other npm, npx, yarn, pnpm or corepack command
/// names a program the image lacks.
fn on_runtime(command: &str, runtime: &str) -> OnRuntime {
    let words: Vec<&str> = command.split_whitespace().collect();
    let script = |script: &str, rest: &[&str]| {
        let words: Vec<&str> = [runtime, "run", script]
            .into_iter()
            .chain(rest.iter().copied())
            .collect();
        OnRuntime::As(words.join(" "))
    };
    match words.as_slice() {
        ["npm", "start", rest @ ..] => script("start", rest),
        ["npm", "run" | "run-script", name, rest @ ..] if !name.starts_with('-') => {
            script(name, rest)
        }
        [first, ..] => match ["npm", "npx", "yarn", "pnpm", "corepack"]
            .into_iter()
            .find(|manager| first == manager)
        {
            Some(manager) => OnRuntime::Lacks(manager),
            None => OnRuntime::Same,
        },
        [] => OnRuntime::Same,
    }
}

/// Node's start command from `package.json`: `npm start` when it has a
/// start script, else `node` with its `main` or the entry file.
fn node_start(files: &Files, start: &mut Fact<String>, build: &mut bool, entry: &Path) {
    let Some(text) = files.at_root("package.json") else {
        return;
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    let line_of = |needle: &str| {
        text.find(needle)
            .map(|i| at(Path::new("package.json"), text, i))
    };
    *build = json.pointer("/scripts/build").is_some();
    if json.pointer("/scripts/start").is_some() {
        let evidence = line_of("\"start\"").unwrap_or_else(|| "package.json".into());
        *start = Fact::new("npm start".into(), format!("scripts.start at {evidence}"));
    } else if let Some(main) = json.get("main").and_then(|m| m.as_str()) {
        let evidence = line_of("\"main\"").unwrap_or_else(|| "package.json".into());
        *start = Fact::new(format!("node {main}"), format!("main at {evidence}"));
    } else {
        *start = Fact::new(
            format!("node {}", entry.display()),
            format!(
                "no start script or main: the entry file {}",
                entry.display()
            ),
        );
    }
}

/// The program to build (Go, Rust) and where it is built from.
fn binary(
    root: &Path,
    stack: &str,
    files: &Files,
    notes: &mut Vec<String>,
) -> Option<(String, String)> {
    match stack {
        "go" => {
            let mut commands: Vec<String> = files
                .texts
                .iter()
                .filter_map(|(p, t)| {
                    let mut parts = p.components();
                    let first = parts.next()?.as_os_str();
                    let name = parts.next()?.as_os_str().to_string_lossy().into_owned();
                    (first == "cmd"
                        && parts.count() == 1
                        && p.extension().is_some_and(|e| e == "go")
                        && t.contains("package main"))
                    .then_some(name)
                })
                .collect();
            commands.dedup();
            if let Some(first) = commands.first() {
                if commands.len() > 1 {
                    notes.push(format!(
                        "several programs under cmd/ ({}): `{first}` is built",
                        commands.join(", ")
                    ));
                }
                return Some((first.clone(), format!("./cmd/{first}")));
            }
            let module = files.at_root("go.mod")?.lines().find_map(|l| {
                l.strip_prefix("module ")
                    .map(|m| m.trim().rsplit('/').next().unwrap_or("app").to_string())
            })?;
            Some((module, ".".into()))
        }
        "dotnet" => {
            let project = at_root_matching(root, "*.csproj")?;
            let text = files.at_root(&project).unwrap_or_default();
            let assembly = compile(r"<AssemblyName>\s*([^<\s]+)\s*</AssemblyName>")
                .captures(text.as_bytes())
                .map(|c| pattern::text(&c[1]).to_string());
            let stem = Path::new(&project).with_extension("");
            Some((
                assembly.unwrap_or_else(|| stem.to_string_lossy().into_owned()),
                project,
            ))
        }
        "rust" => {
            let manifest: toml::Table = files.at_root("Cargo.toml")?.parse().ok()?;
            let members: Vec<String> = manifest
                .get("workspace")
                .and_then(|w| w.get("members"))
                .and_then(|m| m.as_array())
                .map(|m| {
                    m.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            let crate_at = |dir: &str| -> Option<(String, toml::Table)> {
                let text = std::fs::read_to_string(root.join(dir).join("Cargo.toml")).ok()?;
                let table: toml::Table = text.parse().ok()?;
                let name = table
                    .get("bin")
                    .and_then(|b| b.as_array())
                    .and_then(|b| b.first())
                    .and_then(|b| b.get("name"))
                    .or_else(|| table.get("package").and_then(|p| p.get("name")))
                    .and_then(|n| n.as_str())?
                    .to_string();
                Some((name, table))
            };
            if members.is_empty() {
                return crate_at(".").map(|(name, _)| (name, ".".into()));
            }
            let binaries: Vec<(String, String)> = members
                .iter()
                .filter(|m| root.join(m).join("src/main.rs").is_file())
                .filter_map(|m| crate_at(m).map(|(name, _)| (name, m.clone())))
                .collect();
            let first = binaries.first()?.clone();
            if binaries.len() > 1 {
                notes.push(format!(
                    "several binaries in the workspace ({}): `{}` is built",
                    binaries
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    first.0
                ));
            }
            Some(first)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_port_is_written_into_the_start_commands_flags() {
        assert_eq!(
            with_port("gunicorn app:app --bind 0.0.0.0:8000", 9000),
            "gunicorn app:app --bind 0.0.0.0:9000"
        );
        assert_eq!(
            with_port("uvicorn main:app --host 0.0.0.0 --port 8000", 9000),
            "uvicorn main:app --host 0.0.0.0 --port 9000"
        );
        assert_eq!(
            with_port("bundle exec rails server -b 0.0.0.0 -p 3000", 4000),
            "bundle exec rails server -b 0.0.0.0 -p 4000"
        );
        assert_eq!(with_port("npm start", 4000), "npm start");
        assert_eq!(
            with_port("uvicorn main:app --port 8000", 8000),
            "uvicorn main:app --port 8000"
        );
    }

    #[test]
    fn npm_scripts_are_restated_for_another_runtime_and_other_managers_named() {
        let bun = |command| on_runtime(command, "bun");
        let restated = |command: &str| OnRuntime::As(command.to_string());
        assert_eq!(bun("npm start"), restated("bun run start"));
        assert_eq!(
            bun("npm run serve -- -p 3000"),
            restated("bun run serve -- -p 3000")
        );
        // `bun build` would be Bun's bundler, `bun worker` a script named
        // worker: the image's node runs the file, as Node does.
        assert_eq!(bun("node build"), OnRuntime::Same);
        assert_eq!(bun("./bin/server"), OnRuntime::Same);
        assert_eq!(bun("npm run"), OnRuntime::Lacks("npm"));
        assert_eq!(bun("npm -s start"), OnRuntime::Lacks("npm"));
        assert_eq!(bun("npx tsx src/index.ts"), OnRuntime::Lacks("npx"));
        assert_eq!(bun("yarn start"), OnRuntime::Lacks("yarn"));
    }

    #[test]
    fn table_is_valid() {
        let table = table();
        for row in &table.manifest {
            match &row.dependency {
                Some(pattern) => {
                    assert!(row.tables.is_empty(), "{}", row.file);
                    compile(&pattern.replace("{name}", "x"));
                }
                None => assert!(!row.tables.is_empty(), "{}", row.file),
            }
            if let Some(include) = &row.include {
                assert!(compile(include).capture_names().any(|n| n == Some("file")));
            }
        }
        for row in &table.framework {
            compile(&row.entry);
            if let Some(unless) = &row.unless {
                compile(unless);
            }
            assert!(stacks().contains(&row.stack.as_str()), "{}", row.name);
        }
        for row in &table.port {
            assert!(compile(&row.pattern)
                .capture_names()
                .any(|n| n == Some("port")));
        }
        for row in &table.worker {
            compile(&row.entry);
        }
        for row in &table.caveat {
            compile(&row.present);
            compile(&row.absent);
        }
        for sign in table.manager.iter().flat_map(|m| &m.signs) {
            if let Some(pattern) = &sign.pattern {
                compile(pattern);
            }
        }
        for stack in stacks() {
            assert!(
                table
                    .manager
                    .iter()
                    .any(|m| m.stack == stack && m.lockfile.is_none()),
                "{stack} has no fallback manager"
            );
        }
    }

    #[test]
    fn comments_are_blanked_byte_for_byte() {
        let text = "/* é © */ build: {\n  // ü\n  outDir: 'www' }\n";
        let code = without_comments(text);
        assert_eq!(code.len(), text.len());
        assert_eq!(code.find("outDir"), text.find("outDir"));
        assert!(!code.contains('é') && !code.contains('ü'), "{code}");
    }

    #[test]
    fn a_toml_manifest_declares_what_its_tables_list() {
        let text = "[project]\nname = \"fastapi-demo\"\nkeywords = [\"redis\"]\ndependencies = [\"FastAPI>=0.110\", \"psycopg[binary]\"]\n\n[project.optional-dependencies]\ncache = [\"redis\"]\n\n[tool.poetry.dependencies]\nPsycopg2_Binary = \"^2.9\"\n";
        let tables = [
            "project.dependencies".into(),
            "tool.poetry.dependencies".into(),
        ];
        let found = |name| {
            in_toml(text, &tables, name).map(|offset| at(Path::new("pyproject.toml"), text, offset))
        };
        assert_eq!(found("fastapi").as_deref(), Some("pyproject.toml:4"));
        assert_eq!(found("psycopg").as_deref(), Some("pyproject.toml:4"));
        assert_eq!(
            found("psycopg2-binary").as_deref(),
            Some("pyproject.toml:10")
        );
        assert_eq!(found("redis"), None, "a keyword or an optional extra");
        assert_eq!(found("fastapi-demo"), None, "the project's own name");
    }

    #[test]
    fn a_module_is_its_path_with_dots() {
        let top = Path::new("");
        assert_eq!(module(top, Path::new("app/main.py")), "app.main");
        assert_eq!(module(top, Path::new("mysite/wsgi.py")), "mysite.wsgi");
        assert_eq!(module(top, Path::new("app/__init__.py")), "app");
        let src = Path::new("src");
        assert_eq!(module(src, Path::new("src/mysite/wsgi.py")), "mysite.wsgi");
        assert_eq!(module(src, Path::new("tasks/jobs.py")), "tasks.jobs");
    }
}
