//! Health routes an app declares in its own code (`data/routes.toml`,
//! embedded at build time; ADR 009): `@app.get("/health")`,
//! `path("health/live", …)`, `app.get('/healthz', …)`. Read as evidence,
//! with the file and line, from the files a Dockerfile copies out of its
//! build context; never from tests or docs. A regex-level reader, exact on
//! the forms the table lists and silent on everything else.

use foldhash::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::pattern::{self, Regex};
use serde::Deserialize;

use crate::model::project::{remembered, RunCache};
use crate::syntax::dockerfile::Dockerfile;

/// What a health route is for (Kubernetes needs them apart; a Docker
/// HEALTHCHECK uses the liveness route, else the general one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Liveness: `/health/live`, `/livez`.
    Live,
    /// Readiness: `/health/ready`, `/readyz`.
    Ready,
    /// Startup: `/health/startup`, `/startupz`.
    Startup,
    /// A general health route: `/health`, `/healthz`, `/health/ping`.
    General,
}

/// A health route found in the app's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The full path, prefixes included (`/health/live`).
    pub path: String,
    /// What it is for.
    pub kind: Kind,
    /// The file that declares it.
    pub file: PathBuf,
    /// The line (1-based) of the declaration.
    pub line: usize,
    /// The framework form that declared it (a row of `data/routes.toml`).
    pub framework: &'static str,
    /// The port it is served on when not the app's own
    /// (`management.server.port=8081`), and where that is set.
    pub port: Option<(u16, String)>,
}

impl Route {
    /// Where it was found, for messages: `app/main.py:12`.
    pub fn at(&self) -> String {
        format!("{}:{}", crate::paths::display(&self.file), self.line)
    }
}

/// The route a Docker HEALTHCHECK should probe, as the code declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// One liveness route, else one general route.
    Route(Route),
    /// Several different candidates: reported, not guessed.
    Ambiguous(String),
    /// Nothing usable; with why, when a route was seen but not trusted.
    None(Option<String>),
}

/// What the code of one build context declares.
#[derive(Debug, Default)]
pub struct Found {
    /// Health routes, in file and line order.
    pub routes: Vec<Route>,
    /// Health routes seen but not trusted, with why (`file:line: …`).
    pub refused: Vec<String>,
}

impl Found {
    /// The route a Docker HEALTHCHECK probes: the liveness route, else the
    /// general one; two different ones are reported, never guessed.
    pub fn for_docker(&self) -> Choice {
        for kind in [Kind::Live, Kind::General] {
            let of_kind: Vec<&Route> = self.routes.iter().filter(|r| r.kind == kind).collect();
            let Some(first) = of_kind.first() else {
                continue;
            };
            let mut paths: Vec<&str> = of_kind.iter().map(|r| r.path.as_str()).collect();
            paths.sort_unstable();
            paths.dedup();
            if paths.len() == 1 {
                return Choice::Route((*first).clone());
            }
            let listed: Vec<String> = of_kind
                .iter()
                .map(|r| format!("`{}` at {}", r.path, r.at()))
                .collect();
            return Choice::Ambiguous(format!(
                "the code declares several {} health routes ({}), so none is guessed: set `[health] path`",
                if kind == Kind::Live { "liveness" } else { "general" },
                listed.join(", ")
            ));
        }
        Choice::None(self.refused.first().cloned())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Names {
    health: Vec<String>,
    live: Vec<String>,
    ready: Vec<String>,
    startup: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Skip {
    dirs: Vec<String>,
    files: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiverRow {
    #[allow(dead_code)]
    framework: String,
    files: Vec<String>,
    pattern: String,
    router: bool,
    #[serde(default)]
    prefix_argument: Option<String>,
    #[allow(dead_code)]
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteRow {
    framework: String,
    files: Vec<String>,
    pattern: String,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    leading_slash: bool,
    #[serde(default)]
    regex_path: bool,
    #[serde(default)]
    health: bool,
    #[allow(dead_code)]
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DependencyRow {
    framework: String,
    files: Vec<String>,
    pattern: String,
    routes: Vec<String>,
    refuse_files: Vec<String>,
    refuse: String,
    #[serde(default)]
    port: Option<String>,
    #[allow(dead_code)]
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MountRow {
    framework: String,
    files: Vec<String>,
    pattern: String,
    #[serde(default)]
    scope_only: bool,
    #[allow(dead_code)]
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    names: Names,
    skip: Skip,
    receiver: Vec<ReceiverRow>,
    route: Vec<RouteRow>,
    mount: Vec<MountRow>,
    dependency: Vec<DependencyRow>,
}

/// File name patterns (`*.py`, `test_*.py`, `urls.py`: `*` is the only
/// wildcard), matched without compiling anything: most contexts hold no
/// file a row reads, and `check` must not pay for what it does not use.
struct FileNames(Vec<String>);

impl FileNames {
    fn is_match(&self, name: &std::ffi::OsStr) -> bool {
        let name = name.to_string_lossy();
        self.0.iter().any(|pattern| wildcard(pattern, &name))
    }
}

/// Whether `name` matches `pattern`, where `*` stands for any text.
pub fn wildcard(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// A row's pattern, compiled when first used (only contexts that hold a
/// file of the row's type pay for it), as every pattern is (see
/// [`crate::pattern`]).
struct Pattern {
    text: String,
    compiled: OnceLock<Regex>,
}

impl Pattern {
    fn new(text: String) -> Pattern {
        Pattern {
            text,
            compiled: OnceLock::new(),
        }
    }

    fn get(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            pattern::compile(&self.text)
                .expect("data/routes.toml patterns are valid (a unit test checks them)")
        })
    }
}

struct Receiver {
    files: FileNames,
    pattern: Pattern,
    router: bool,
    prefix_argument: Option<String>,
}

struct RouteForm {
    framework: String,
    files: FileNames,
    pattern: Pattern,
    scope: Option<Pattern>,
    leading_slash: bool,
    regex_path: bool,
    health: bool,
}

/// A dependency that serves health routes by itself.
struct Dependency {
    framework: String,
    files: FileNames,
    pattern: Pattern,
    routes: Vec<String>,
    refuse_files: FileNames,
    refuse: Pattern,
    port: Option<Pattern>,
}

struct Mount {
    framework: String,
    files: FileNames,
    pattern: Pattern,
    scope_only: bool,
}

struct Table {
    names: Names,
    skip_dirs: Vec<String>,
    skip_files: FileNames,
    receivers: Vec<Receiver>,
    routes: Vec<RouteForm>,
    mounts: Vec<Mount>,
    dependencies: Vec<Dependency>,
    /// Every file name some row reads.
    any: FileNames,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let raw: Raw = crate::model::data_table!("routes" as Raw);
        let all: Vec<String> = raw
            .receiver
            .iter()
            .flat_map(|r| r.files.clone())
            .chain(raw.route.iter().flat_map(|r| r.files.clone()))
            .chain(raw.mount.iter().flat_map(|r| r.files.clone()))
            .chain(
                raw.dependency
                    .iter()
                    .flat_map(|d| d.files.iter().chain(&d.refuse_files).cloned()),
            )
            .collect();
        Table {
            skip_dirs: raw.skip.dirs.clone(),
            skip_files: FileNames(raw.skip.files.clone()),
            receivers: raw
                .receiver
                .into_iter()
                .map(|r| Receiver {
                    files: FileNames(r.files.clone()),
                    pattern: Pattern::new(r.pattern.clone()),
                    router: r.router,
                    prefix_argument: r.prefix_argument,
                })
                .collect(),
            routes: raw
                .route
                .into_iter()
                .map(|r| RouteForm {
                    files: FileNames(r.files.clone()),
                    pattern: Pattern::new(r.pattern.clone()),
                    scope: r.scope.clone().map(Pattern::new),
                    framework: r.framework,
                    leading_slash: r.leading_slash,
                    regex_path: r.regex_path,
                    health: r.health,
                })
                .collect(),
            mounts: raw
                .mount
                .into_iter()
                .map(|m| Mount {
                    files: FileNames(m.files.clone()),
                    pattern: Pattern::new(m.pattern.clone()),
                    framework: m.framework,
                    scope_only: m.scope_only,
                })
                .collect(),
            dependencies: raw
                .dependency
                .into_iter()
                .map(|d| Dependency {
                    files: FileNames(d.files),
                    pattern: Pattern::new(d.pattern),
                    routes: d.routes,
                    refuse_files: FileNames(d.refuse_files),
                    refuse: Pattern::new(d.refuse),
                    port: d.port.map(Pattern::new),
                    framework: d.framework,
                })
                .collect(),
            names: raw.names,
            any: FileNames(all),
        }
    })
}

/// What a path is for, when it is a health route: one of its segments is
/// a health word; the last segment says the kind.
pub fn kind_of(path: &str) -> Option<Kind> {
    let names = &table().names;
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    if !segments.iter().any(|s| names.health.contains(s)) {
        return None;
    }
    let last = segments.last()?;
    Some(if names.live.contains(last) {
        Kind::Live
    } else if names.ready.contains(last) {
        Kind::Ready
    } else if names.startup.contains(last) {
        Kind::Startup
    } else {
        Kind::General
    })
}

/// `prefix` and `path` joined with one slash, led by one.
fn join(prefix: &str, path: &str) -> String {
    let prefix = prefix.trim_matches('/');
    let path = path.trim_start_matches('/');
    match (prefix.is_empty(), path.is_empty()) {
        (true, _) => format!("/{path}"),
        (false, true) => format!("/{prefix}"),
        (false, false) => format!("/{prefix}/{path}"),
    }
}

/// The literal path a Django `re_path` pattern matches, when it is one
/// (`^health/live/?$` → `health/live`); `None` when it is a real pattern.
fn literal_regex_path(pattern: &str) -> Option<String> {
    let body = pattern.strip_prefix('^').unwrap_or(pattern);
    let body = body.strip_suffix('$').unwrap_or(body);
    let body = body.strip_suffix("/?").unwrap_or(body);
    (!body.contains([
        '\\', '.', '^', '$', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|',
    ]))
    .then(|| body.to_string())
}

/// A route as one file declares it, before mounts and Django includes.
struct Declared {
    route: Route,
    on_router: bool,
    scoped: bool,
    /// For a Django `urls.py`: its module path (`health.urls` is read from
    /// `src/health/urls.py` as `src.health.urls`).
    module: Option<String>,
}

/// What one file says.
#[derive(Default)]
struct FileFacts {
    declared: Vec<Declared>,
    refused: Vec<String>,
    /// Django includes: (module, prefix, file module).
    includes: Vec<(String, String, String)>,
    /// A mount with a prefix: (framework, scoped only, file:line).
    mounts: Vec<(String, bool, String)>,
    /// Settings that move a dependency's routes: (framework, file:line).
    moved: Vec<(&'static str, String)>,
    /// Ports a dependency's routes are served on: (framework, port, where).
    ports: Vec<(&'static str, u16, String)>,
    /// The modules it imports or requires, by last name (see
    /// [`imported_names`]).
    imports: Vec<String>,
    /// The file, to tell its own imports from the others'.
    file: PathBuf,
    /// It mounts a router itself (`include_router(`, `register_blueprint(`,
    /// `.use(`, `add_routes(`): a router it declares is served from it.
    mounts_routers: bool,
}

fn line_of(text: &str, at: usize) -> usize {
    memchr::memchr_iter(b'\n', &text.as_bytes()[..at]).count() + 1
}

/// Whether a file (relative to the context) is a test, a doc or vendored
/// code rather than the app.
pub fn skipped(relative: &Path) -> bool {
    let table = table();
    let name = relative.file_name().unwrap_or_default();
    table.skip_files.is_match(name)
        || relative.parent().is_some_and(|dir| {
            dir.components().any(|c| {
                let part = c.as_os_str().to_string_lossy().to_ascii_lowercase();
                table.skip_dirs.contains(&part)
            })
        })
}

/// Reads one file of the app.
fn read_file(file: &Path, relative: &Path, text: &str) -> FileFacts {
    let table = table();
    let name = relative.file_name().unwrap_or_default();
    let shown = |line: usize| format!("{}:{line}", crate::paths::display(file));
    // Only a Python or JavaScript file imports (or mounts) a module of its
    // kind; other files are not scanned for it.
    let by_name = imports_by_name(relative);
    let mut facts = FileFacts {
        imports: if by_name {
            imported_names(text)
        } else {
            Vec::new()
        },
        file: file.to_path_buf(),
        mounts_routers: by_name && mounts_routers(text),
        ..FileFacts::default()
    };
    for mount in table.mounts.iter().filter(|m| m.files.is_match(name)) {
        if let Some(m) = mount.pattern.get().find(text.as_bytes()) {
            facts.mounts.push((
                mount.framework.clone(),
                mount.scope_only,
                shown(line_of(text, m.start())),
            ));
        }
    }
    for dependency in &table.dependencies {
        if dependency.files.is_match(name) {
            if let Some(m) = dependency.pattern.get().find(text.as_bytes()) {
                let line = line_of(text, m.start());
                for path in &dependency.routes {
                    facts.declared.push(Declared {
                        route: Route {
                            path: path.clone(),
                            kind: kind_of(path).unwrap_or(Kind::General),
                            file: file.to_path_buf(),
                            line,
                            framework: dependency.framework.as_str(),
                            port: None,
                        },
                        on_router: false,
                        scoped: false,
                        module: None,
                    });
                }
            }
        }
        if let (true, Some(port)) = (dependency.refuse_files.is_match(name), &dependency.port) {
            if let Some(caps) = port.get().captures(text.as_bytes()) {
                if let Ok(number) = pattern::text(&caps["port"]).parse::<u16>() {
                    let at = caps.get(0).map_or(0, |m| m.start());
                    let written = caps
                        .get(0)
                        .map_or("", |m| pattern::text(m.as_bytes()))
                        .trim();
                    facts.ports.push((
                        dependency.framework.as_str(),
                        number,
                        format!("`{written}` at {}", shown(line_of(text, at))),
                    ));
                }
            }
        }
        if dependency.refuse_files.is_match(name) {
            if let Some(m) = dependency.refuse.get().find(text.as_bytes()) {
                facts.moved.push((
                    dependency.framework.as_str(),
                    shown(line_of(text, m.start())),
                ));
            }
        }
    }
    let lower = text.to_ascii_lowercase();
    let mentions = table
        .names
        .health
        .iter()
        .any(|w| memchr::memmem::find(lower.as_bytes(), w.as_bytes()).is_some());
    let django = name == "urls.py";
    let module = django.then(|| {
        relative
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(".")
    });
    if !mentions && !django {
        return facts;
    }
    // The app and router variables of this file: name → (router, prefix, unsure).
    let mut receivers: HashMap<String, (bool, Option<String>, bool)> = HashMap::default();
    for receiver in table.receivers.iter().filter(|r| r.files.is_match(name)) {
        for caps in receiver.pattern.get().captures_iter(text.as_bytes()) {
            let var = pattern::text(&caps["var"]).to_string();
            let prefix = caps
                .name("prefix")
                .map(|p| pattern::text(p.as_bytes()).to_string());
            // A prefix argument that is not a literal (`prefix=settings.X`)
            // makes every route on the variable unsure.
            let call_end = text[caps.get(0).map_or(0, |m| m.end())..]
                .find(')')
                .map_or(text.len(), |i| caps.get(0).map_or(0, |m| m.end()) + i);
            let call = &text[caps.get(0).map_or(0, |m| m.start())..call_end];
            let unsure = prefix.is_none()
                && receiver.prefix_argument.as_deref().is_some_and(|arg| {
                    call.contains(&format!("{arg}=")) || call.contains(&format!("{arg} ="))
                });
            receivers.insert(var, (receiver.router, prefix, unsure));
        }
    }
    for form in table.routes.iter().filter(|r| r.files.is_match(name)) {
        for caps in form.pattern.get().captures_iter(text.as_bytes()) {
            let at = caps.get(0).map_or(0, |m| m.start());
            let line = line_of(text, at);
            let written = caps
                .name("path")
                .map_or("", |p| pattern::text(p.as_bytes()));
            // `methods=["POST"]`: a route a GET probe gets 405 from.
            let end = caps.get(0).map_or(0, |m| m.end());
            let rest = &text[end..text[end..].find(')').map_or(text.len(), |i| end + i)];
            if rest.contains("methods") && !rest.to_ascii_uppercase().contains("GET") {
                continue;
            }
            if let (Some(module), Some(included)) = (&module, caps.name("module")) {
                facts.includes.push((
                    pattern::text(included.as_bytes()).to_string(),
                    written.to_string(),
                    module.clone(),
                ));
                continue;
            }
            let written = if form.regex_path {
                match literal_regex_path(written) {
                    Some(path) => path,
                    None => {
                        if kind_of(written).is_some() {
                            facts.refused.push(format!(
                                "{}: `{written}` is a pattern, not a path",
                                shown(line)
                            ));
                        }
                        continue;
                    }
                }
            } else {
                written.to_string()
            };
            let mut path = if form.leading_slash {
                join("", &written)
            } else {
                written.clone()
            };
            let mut on_router = false;
            if let Some(recv) = caps.name("recv") {
                match receivers.get(pattern::text(recv.as_bytes())) {
                    // Not an app or router of this file: `requests.get`,
                    // `axios.get`, a client; never a route.
                    None => continue,
                    Some((_, _, true)) => {
                        if kind_of(&path).is_some() {
                            facts.refused.push(format!(
                                "{}: `{path}` is on `{}`, whose prefix is not a literal",
                                shown(line),
                                pattern::text(recv.as_bytes())
                            ));
                        }
                        continue;
                    }
                    Some((router, prefix, false)) => {
                        on_router = *router;
                        if let Some(prefix) = prefix {
                            path = join(prefix, &path);
                        }
                    }
                }
            }
            let scoped = form.scope.is_some();
            if let Some(scope) = &form.scope {
                let Some(prefix) = scope
                    .get()
                    .captures_iter(&text.as_bytes()[..at])
                    .last()
                    .map(|c| {
                        c.name("prefix")
                            .map_or("", |p| pattern::text(p.as_bytes()))
                            .to_string()
                    })
                else {
                    continue;
                };
                path = join(&prefix, &written);
            }
            // A Django URLconf's routes are read whole once its includes
            // give their prefix (`path("live", …)` under `health/`).
            let Some(kind) =
                kind_of(&path).or((module.is_some() || form.health).then_some(Kind::General))
            else {
                continue;
            };
            facts.declared.push(Declared {
                route: Route {
                    path,
                    kind,
                    file: file.to_path_buf(),
                    line,
                    framework: form.framework.as_str(),
                    port: None,
                },
                on_router,
                scoped,
                module: module.clone(),
            });
        }
    }
    facts
}

/// The folders and files (relative to the context) that the Dockerfile
/// copies from its build context (`COPY`/`ADD` without `--from`, in any
/// stage: a builder stage's files reach the final one through it); an
/// empty path is the whole context. Globs count from their first literal
/// folder.
pub fn copied_sources(doc: &Dockerfile) -> Vec<PathBuf> {
    use crate::syntax::dockerfile::words;
    let mut roots = Vec::new();
    for (index, instruction) in doc.instructions().iter().enumerate() {
        if !matches!(instruction.keyword.as_str(), "COPY" | "ADD") {
            continue;
        }
        let all = doc.words(index);
        let (flags, skip) = words::leading_flags(all);
        if flags.iter().any(|(name, _)| name == "from") {
            continue;
        }
        let rest = &all[skip..];
        let values: Vec<String> = match words::exec_form(&instruction.args.bytes) {
            Some(argv) => argv,
            None => rest.iter().map(|w| w.value.clone()).collect(),
        };
        let Some((_, sources)) = values.split_last() else {
            continue;
        };
        for source in sources {
            if source.contains("://") || source.starts_with("git@") || source.starts_with("<<") {
                continue;
            }
            let mut root = PathBuf::new();
            for part in Path::new(source).components() {
                match part {
                    std::path::Component::Normal(p)
                        if !p.to_string_lossy().contains(['*', '?', '[', '$']) =>
                    {
                        root.push(p)
                    }
                    std::path::Component::CurDir => {}
                    std::path::Component::Normal(_) => break,
                    // `/` or `..`: outside what a context holds; read all.
                    _ => {
                        root = PathBuf::new();
                        break;
                    }
                }
            }
            roots.push(root);
        }
    }
    roots.sort();
    roots.dedup();
    roots
}

/// Health routes declared in the files of `context` that the Dockerfile
/// copies into its image, read once per run for each context and set of
/// copied paths.
pub fn discover(doc: &Dockerfile, context: &Path) -> Arc<Found> {
    static FOUND: RunCache<(PathBuf, Vec<PathBuf>), Arc<Found>> = RunCache::new();
    let key = (crate::model::project::key(context), copied_sources(doc));
    remembered(&FOUND, key, |(_, roots)| {
        Arc::new(read_context(context, roots))
    })
}

/// Health routes declared anywhere in `context` (tests and docs left out):
/// what a Dockerfile that copies the whole context (`COPY . .`) would have
/// read. `init` reads a project this way before any Dockerfile exists.
pub fn in_context(context: &Path) -> Found {
    read_context(context, &[PathBuf::new()])
}

/// Reads the app files under `context` that lie under one of `roots`.
fn read_context(context: &Path, roots: &[PathBuf]) -> Found {
    let table = table();
    if roots.is_empty() {
        return Found::default();
    }
    let mut files: Vec<FileFacts> = Vec::new();
    for path in crate::model::project::context_files(context) {
        let Ok(relative) = path.strip_prefix(context) else {
            continue;
        };
        let name = relative.file_name().unwrap_or_default();
        if !table.any.is_match(name)
            || skipped(relative)
            || !roots.iter().any(|r| relative.starts_with(r))
        {
            continue;
        }
        let Ok(bytes) = crate::source::read_bytes(&path, u64::MAX) else {
            continue;
        };
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let relative = relative.to_path_buf();
        files.push(read_file(&path, &relative, text));
    }
    resolve(files)
}

/// The modules `text` imports (Python `import`/`from … import`, JavaScript
/// `require`/`import … from`), each by its last name without extension, and
/// the names a `from … import a, b` brings (each may be a module). A route
/// declared on a router in a module no other file names is not served yet
/// (a health router `init` wrote and the user has not mounted): it is
/// refused rather than probed strictly.
fn imported_names(text: &str) -> Vec<String> {
    static PATTERNS: OnceLock<[Regex; 3]> = OnceLock::new();
    let [from, import, js] = PATTERNS.get_or_init(|| {
        [
            r"(?m)^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+\(?([\w, \t]+)",
            r"(?m)^[ \t]*import[ \t]+([\w., \t]+)",
            r#"(?:require\(\s*|\bfrom\s+|import\s*\(\s*)['"]([^'"]+)['"]"#,
        ]
        .map(|p| pattern::compile(p).expect("valid"))
    });
    let text = text.as_bytes();
    let last = |path: &str| -> String {
        let part = path
            .rsplit(['.', '/'])
            .find(|p| !p.is_empty())
            .unwrap_or(path);
        part.to_string()
    };
    let mut names = Vec::new();
    let words = |list: &str| {
        list.split(',')
            .filter_map(|w| w.split_whitespace().next())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    for caps in from.captures_iter(text) {
        names.push(last(pattern::text(&caps[1])));
        names.extend(words(pattern::text(&caps[2])));
    }
    for caps in import.captures_iter(text) {
        names.extend(words(pattern::text(&caps[1])).iter().map(|w| last(w)));
    }
    for caps in js.captures_iter(text) {
        let path = pattern::text(&caps[1]);
        let file = path.rsplit('/').next().unwrap_or(path);
        let stem = file.split('.').next().unwrap_or(file);
        names.push(stem.to_string());
    }
    names
}

/// Whether `text` mounts a router in code: a line that starts with
/// `X.include_router(`, `X.register_blueprint(`, `X.use(` or
/// `X.add_routes(` (a mention in a docstring or comment does not count).
fn mounts_routers(text: &str) -> bool {
    static MOUNT: OnceLock<Regex> = OnceLock::new();
    MOUNT
        .get_or_init(|| {
            pattern::compile(
                r"(?m)^[ \t]*[\w.]+\.(?:include_router|register_blueprint|use|add_routes)\(",
            )
            .expect("valid")
        })
        .is_match(text.as_bytes())
}

/// Whether other files import `file` by its name: Python and JavaScript
/// modules, not Go files (a package is every file of its folder).
fn imports_by_name(file: &Path) -> bool {
    file.extension()
        .is_some_and(|e| matches!(e.to_str(), Some("py" | "js" | "cjs" | "mjs" | "ts")))
}

/// The name other files import `file` by: its stem, or its folder's name
/// for a package's `__init__.py` or a folder's `index.js`.
fn module_name(file: &Path) -> String {
    let stem = file.file_stem().unwrap_or_default().to_string_lossy();
    if stem == "__init__" || stem == "index" {
        if let Some(dir) = file.parent().and_then(Path::file_name) {
            return dir.to_string_lossy().into_owned();
        }
    }
    stem.into_owned()
}

/// Applies mounts and Django includes across the files.
fn resolve(files: Vec<FileFacts>) -> Found {
    let mounts: Vec<&(String, bool, String)> = files.iter().flat_map(|f| &f.mounts).collect();
    let includes: Vec<&(String, String, String)> = files.iter().flat_map(|f| &f.includes).collect();
    let moved: Vec<&(&'static str, String)> = files.iter().flat_map(|f| &f.moved).collect();
    let served_on: Vec<&(&'static str, u16, String)> =
        files.iter().flat_map(|f| &f.ports).collect();
    let mut found = Found::default();
    for facts in &files {
        found.refused.extend(facts.refused.iter().cloned());
        for declared in &facts.declared {
            let mut route = declared.route.clone();
            let mounted = mounts.iter().find(|(_, scope_only, _)| {
                if *scope_only {
                    declared.scoped
                } else {
                    declared.on_router
                }
            });
            if let Some((_, at)) = moved.iter().find(|(f, _)| *f == route.framework) {
                found.refused.push(format!(
                    "{}: `{}` is moved by the settings at {at} (another path or port)",
                    route.at(),
                    route.path
                ));
                continue;
            }
            if declared.on_router && imports_by_name(&facts.file) && !facts.mounts_routers {
                let name = module_name(&facts.file);
                let named = files
                    .iter()
                    .any(|other| other.file != facts.file && other.imports.contains(&name));
                if !named {
                    found.refused.push(format!(
                        "{}: `{}` is declared on a router in a module no other file imports: not served yet",
                        route.at(),
                        route.path
                    ));
                    continue;
                }
            }
            if let Some((framework, _, at)) = mounted {
                found.refused.push(format!(
                    "{}: `{}` may be served under a prefix ({framework} mount at {at})",
                    route.at(),
                    route.path
                ));
                continue;
            }
            if let Some(module) = &declared.module {
                match django_prefix(module, &includes) {
                    Ok(prefix) => {
                        route.path = join(&prefix, &route.path);
                        match kind_of(&route.path) {
                            Some(kind) => route.kind = kind,
                            None => continue,
                        }
                    }
                    Err(why) => {
                        found
                            .refused
                            .push(format!("{}: `{}` {why}", route.at(), route.path));
                        continue;
                    }
                }
            }
            let ports: Vec<_> = served_on
                .iter()
                .filter(|(f, _, _)| *f == route.framework)
                .collect();
            match ports.as_slice() {
                [] => {}
                [(_, port, at)] => route.port = Some((*port, at.clone())),
                _ => {
                    found.refused.push(format!(
                        "{}: `{}` is on a port set in several places",
                        route.at(),
                        route.path
                    ));
                    continue;
                }
            }
            found.routes.push(route);
        }
    }
    found
        .routes
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    found.routes.dedup();
    found
}

/// The prefix Django serves the URLconf `module` under: the literal
/// `path("P/", include("…module"))` that includes it, through every level;
/// empty for a URLconf nothing includes (the root one).
fn django_prefix(module: &str, includes: &[&(String, String, String)]) -> Result<String, String> {
    let mut prefix = String::new();
    let mut current = module.to_string();
    for _ in 0..8 {
        let by: Vec<&&(String, String, String)> = includes
            .iter()
            .filter(|(included, _, _)| {
                current == *included || current.ends_with(&format!(".{included}"))
            })
            .collect();
        match by.as_slice() {
            [] => return Ok(prefix),
            [(_, p, parent)] => {
                prefix = join(p, &prefix).trim_start_matches('/').to_string();
                current = parent.clone();
            }
            _ => return Err("is included under several prefixes".into()),
        }
    }
    Err("is included too deep to follow".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_valid() {
        let table = table();
        assert!(!table.routes.is_empty());
        let patterns = table
            .receivers
            .iter()
            .map(|r| &r.pattern)
            .chain(table.routes.iter().map(|r| &r.pattern))
            .chain(table.routes.iter().filter_map(|r| r.scope.as_ref()))
            .chain(table.mounts.iter().map(|m| &m.pattern))
            .chain(
                table
                    .dependencies
                    .iter()
                    .flat_map(|d| [Some(&d.pattern), Some(&d.refuse), d.port.as_ref()])
                    .flatten(),
            );
        for pattern in patterns {
            pattern.get();
        }
    }

    #[test]
    fn file_names() {
        assert!(wildcard("*.py", "app.py"));
        assert!(wildcard("test_*.py", "test_app.py"));
        assert!(!wildcard("test_*.py", "app.py"));
        assert!(wildcard("urls.py", "urls.py"));
        assert!(!wildcard("urls.py", "myurls.py"));
        assert!(wildcard("*.spec.ts", "a.spec.ts"));
        assert!(!wildcard("*_test.py", "_test.p"));
    }

    #[test]
    fn kinds() {
        assert_eq!(kind_of("/health/live"), Some(Kind::Live));
        assert_eq!(kind_of("/livez"), Some(Kind::Live));
        assert_eq!(kind_of("/readyz"), Some(Kind::Ready));
        assert_eq!(kind_of("/health/startup"), Some(Kind::Startup));
        assert_eq!(kind_of("/health/ping"), Some(Kind::General));
        assert_eq!(kind_of("/healthz"), Some(Kind::General));
        assert_eq!(kind_of("/users/live"), None);
        assert_eq!(kind_of("/"), None);
    }

    #[test]
    fn django_regex_paths() {
        assert_eq!(
            literal_regex_path("^health/live/?$").as_deref(),
            Some("health/live")
        );
        assert_eq!(literal_regex_path("^health/(?P<x>\\w+)$"), None);
    }

    /// The routes of `name` in an app whose main file imports it.
    fn read(name: &str, text: &str) -> Vec<(String, usize)> {
        read_beside(
            name,
            text,
            &format!("import {}\n", module_name(Path::new(name))),
        )
    }

    /// The routes of `name` beside a `main.py` holding `main`.
    fn read_beside(name: &str, text: &str, main: &str) -> Vec<(String, usize)> {
        let facts = read_file(Path::new(name), Path::new(name), text);
        let main = read_file(Path::new("main.py"), Path::new("main.py"), main);
        resolve(vec![facts, main])
            .routes
            .into_iter()
            .map(|r| (r.path, r.line))
            .collect()
    }

    #[test]
    fn a_router_no_other_file_imports_is_not_served_yet() {
        let router = "from fastapi import APIRouter\nrouter = APIRouter()\n\n@router.get(\"/health\")\ndef health(): ...\n";
        assert!(read_beside("inventory/health.py", router, "app = FastAPI()\n").is_empty());
        // Its docstring saying how to mount it does not mount it.
        let told = format!("\"\"\"Add `api.include_router(router)` to api.py.\"\"\"\n{router}");
        assert!(read_beside("inventory/health.py", &told, "app = FastAPI()\n").is_empty());
        for mounted in [
            "from inventory.health import router\n",
            "from .health import router as health_router\n",
            "from inventory import health, models\n",
            "import inventory.health\n",
        ] {
            assert_eq!(
                read_beside("inventory/health.py", router, mounted),
                [("/health".to_string(), 4)],
                "{mounted}"
            );
        }
        let express = "const express = require('express')\nconst router = express.Router()\nrouter.get('/health', (req, res) => res.json({}))\nmodule.exports = router\n";
        assert!(read_beside("health.cjs", express, "").is_empty());
        assert_eq!(
            read_beside("health.cjs", express, "app.use(require('./health.cjs'))\n"),
            [("/health".to_string(), 3)]
        );
        // A router the same file mounts needs no import.
        let koa =
            "const router = new Router()\nrouter.get('/healthz', h)\napp.use(router.routes())\n";
        assert_eq!(
            read_beside("server.js", koa, ""),
            [("/healthz".to_string(), 2)]
        );
        // A route on the app itself needs no import.
        let app = "app = FastAPI()\n@app.get(\"/healthz\")\ndef h(): ...\n";
        assert_eq!(
            read_beside("api.py", app, ""),
            [("/healthz".to_string(), 2)]
        );
    }

    #[test]
    fn clients_are_not_routes() {
        assert!(read("main.py", "import requests\nrequests.get('/health')\n").is_empty());
        assert!(read("app.js", "const r = await axios.get('/health')\n").is_empty());
    }

    #[test]
    fn post_only_and_head_routes_are_not_probed() {
        let text = "app = Flask(__name__)\n@app.route(\"/health\", methods=[\"POST\"])\ndef h(): ...\n@app.head(\"/healthz\")\ndef z(): ...\n";
        assert!(read("app.py", text).is_empty());
        let get = "app = Flask(__name__)\n@app.route(\"/health\", methods=[\"GET\", \"HEAD\"])\ndef h(): ...\n";
        assert_eq!(read("app.py", get), [("/health".to_string(), 2)]);
    }

    #[test]
    fn router_prefixes() {
        let text = "from fastapi import APIRouter\nrouter = APIRouter(prefix=\"/health\")\n\n@router.get(\"/live\")\ndef live(): ...\n";
        assert_eq!(read("h.py", text), [("/health/live".to_string(), 4)]);
        let unsure =
            "router = APIRouter(prefix=settings.HEALTH)\n@router.get(\"/health\")\ndef h(): ...\n";
        assert!(read("h.py", unsure).is_empty());
    }
}
