//! Renders the answers into files with `minijinja` (ADR 011): templates
//! under `templates/`, embedded at build time and overridable one by one
//! from a folder (`init --templates DIR`). Templates hold no probe, no
//! log rotation, no restart policy: the rules insert those afterwards, so
//! they are written by the same code as everywhere else.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::answers::Answers;
use super::detect::{self, Detection};
use crate::error::InputError;

/// The embedded templates: (name in `templates/`, text).
const TEMPLATES: &[(&str, &str)] = &[
    (
        "python.Dockerfile",
        include_str!("../../templates/python.Dockerfile"),
    ),
    (
        "ruby.Dockerfile",
        include_str!("../../templates/ruby.Dockerfile"),
    ),
    (
        "java.Dockerfile",
        include_str!("../../templates/java.Dockerfile"),
    ),
    (
        "dotnet.Dockerfile",
        include_str!("../../templates/dotnet.Dockerfile"),
    ),
    (
        "php.Dockerfile",
        include_str!("../../templates/php.Dockerfile"),
    ),
    (
        "node.Dockerfile",
        include_str!("../../templates/node.Dockerfile"),
    ),
    (
        "go.Dockerfile",
        include_str!("../../templates/go.Dockerfile"),
    ),
    (
        "rust.Dockerfile",
        include_str!("../../templates/rust.Dockerfile"),
    ),
    (
        "static.Dockerfile",
        include_str!("../../templates/static.Dockerfile"),
    ),
    (
        "other.Dockerfile",
        include_str!("../../templates/other.Dockerfile"),
    ),
    ("compose.yaml", include_str!("../../templates/compose.yaml")),
    ("dockerignore", include_str!("../../templates/dockerignore")),
    ("env.example", include_str!("../../templates/env.example")),
    (
        "seaworthy.toml",
        include_str!("../../templates/seaworthy.toml"),
    ),
    (
        "github-workflow.yml",
        include_str!("../../templates/github-workflow.yml"),
    ),
    (
        "health/fastapi.py",
        include_str!("../../templates/health/fastapi.py"),
    ),
    (
        "health/flask.py",
        include_str!("../../templates/health/flask.py"),
    ),
    (
        "health/django.py",
        include_str!("../../templates/health/django.py"),
    ),
    (
        "health/aiohttp.py",
        include_str!("../../templates/health/aiohttp.py"),
    ),
    (
        "health/express.js",
        include_str!("../../templates/health/express.js"),
    ),
];

/// One rendered file: its path in the project and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The file's path, relative to the project (`Dockerfile`, `app/health.py`).
    pub name: PathBuf,
    /// Its text.
    pub text: String,
    /// What the user should know about it (how to mount a health endpoint).
    pub note: Option<String>,
}

#[derive(Serialize)]
struct Manager<'a> {
    name: &'a str,
    copy: Vec<&'a str>,
    /// `copy` as COPY instructions, one per destination folder: a nested
    /// file (`requirements/base.txt`) or folder keeps its place, where one
    /// COPY of all of them into `./` would put each at the top.
    copies: Vec<CopyInto<'a>>,
    install: &'a str,
    prune: Option<&'a str>,
    package: Option<&'a str>,
    runtime: Option<&'a str>,
}

/// One COPY instruction of the dependency layer.
#[derive(Serialize)]
struct CopyInto<'a> {
    from: Vec<&'a str>,
    to: String,
}

/// `files` (paths in the project, or `.`) as COPY instructions into the
/// same paths in the image: grouped by destination folder, in order.
fn copies<'a>(root: &Path, files: &[&'a str]) -> Vec<CopyInto<'a>> {
    let mut copies: Vec<CopyInto<'a>> = Vec::new();
    for file in files {
        let path = Path::new(file);
        let dir = if root.join(path).is_dir() {
            path
        } else {
            path.parent().unwrap_or(Path::new(""))
        };
        let to = match crate::paths::slashed(dir) {
            dir if dir.is_empty() || dir == "." => "./".to_string(),
            dir => format!("{dir}/"),
        };
        match copies.iter_mut().find(|c| c.to == to) {
            Some(copy) => copy.from.push(file),
            None => copies.push(CopyInto {
                from: vec![file],
                to,
            }),
        }
    }
    copies
}

#[derive(Serialize)]
struct Process {
    name: String,
    argv: String,
}

#[derive(Serialize)]
struct Service<'a> {
    name: &'a str,
    image: &'a str,
    env: Vec<Variable>,
}

#[derive(Serialize)]
struct Variable {
    name: String,
    value: String,
}

#[derive(Serialize)]
struct Context<'a> {
    stack: &'a str,
    framework: &'a str,
    manager: Manager<'a>,
    server: Option<&'a str>,
    binary: Option<&'a str>,
    build_path: Option<&'a str>,
    build_script: bool,
    /// The folder the app's modules are imported from, when it is not the
    /// project's root (`src`).
    import_root: Option<String>,
    /// The folder a static site's build writes (`dist`).
    output: Option<&'a str>,
    locked: bool,
    start_argv: String,
    port: Option<u16>,
    health_path: Option<&'a str>,
    workers: Vec<Process>,
    services: Vec<Service<'a>>,
    variables: Vec<&'a str>,
    secrets: &'a [String],
    service_names: &'a [String],
    rails_assets: bool,
    docroot: String,
    /// The app's `[services.…]` key in seaworthy.toml (quoted where TOML
    /// needs it); `None` when an existing Compose file has no service that
    /// builds the project's folder.
    app_key: Option<String>,
    category: &'a str,
    memory: &'a str,
    cpus: &'a str,
    log_level: &'a str,
    /// The app's log level setting (`LOG_LEVEL: INFO`, or the variable of
    /// the server that is the whole app).
    app_log_level: (&'a str, String),
    probe_style: &'a str,
    mount: String,
    critical: String,
    ci_action: Option<&'a str>,
}

/// A command line as an exec-form JSON array (the answers hold no quotes).
fn argv(command: &str) -> String {
    let words: Vec<String> = command.split_whitespace().map(String::from).collect();
    crate::health::probe::json_array(&words)
}

/// The text of template `name`: from `dir` when it has one, else embedded.
fn template(name: &str, dir: Option<&Path>) -> Result<String, InputError> {
    if let Some(path) = dir.map(|d| d.join(name)).filter(|p| p.is_file()) {
        return std::fs::read_to_string(&path)
            .map_err(|e| InputError::path(&path, format!("cannot read template: {e}")));
    }
    Ok(TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .expect("every template rendered is embedded")
        .1
        .to_string())
}

/// The Compose service that runs the app: `app` in the compose.yaml init
/// writes; in one that exists, the service that builds the project's
/// folder (`build: .`), if one does.
fn app_service(root: &Path) -> Option<String> {
    let Some(path) = super::existing_compose(root) else {
        return Some("app".into());
    };
    let bytes = std::fs::read(&path).ok()?;
    let file =
        crate::model::compose::ComposeFile::parse(crate::source::Source::new(&path, bytes)).ok()?;
    let here = |dir: &str| matches!(dir.trim_end_matches('/'), "." | "");
    file.services().into_iter().find_map(|service| {
        let build = service.meaning.get("build")?;
        let context = build
            .as_str()
            .or_else(|| build.get("context").and_then(|c| c.as_str()))
            .unwrap_or(".");
        here(context).then(|| service.name.to_string())
    })
}

/// Renders every file init can write, from `answers` and what
/// `detection` found (the package manager, the program to build).
pub fn render(
    root: &Path,
    detection: &Detection,
    answers: &Answers,
    templates: Option<&Path>,
) -> Result<Vec<Rendered>, InputError> {
    let services: Vec<Service> = detect::services()
        .iter()
        .filter(|s| answers.services.contains(&s.name))
        .map(|s| Service {
            name: &s.name,
            image: &s.image,
            env: detect::connection(&detection.framework.value, s)
                .into_iter()
                .map(|(name, value)| Variable { name, value })
                .collect(),
        })
        .collect();
    let variables = detect::services()
        .iter()
        .filter(|s| answers.services.contains(&s.name))
        .flat_map(|s| s.variables.iter().map(String::as_str))
        .chain(detection.secrets.iter().map(String::as_str))
        .collect();
    let scaffold = detect::scaffold(detection).filter(|_| answers.health_scaffold);
    let manager = &detection.manager.value;
    // A file the project lacks (an optional settings.gradle) is left out:
    // COPY fails on a missing file.
    let copy: Vec<&str> = manager
        .copy
        .iter()
        .map(String::as_str)
        .filter(|f| *f == "." || f.contains('*') || root.join(f).exists())
        .collect();
    let context = Context {
        stack: &answers.stack,
        framework: &detection.framework.value,
        manager: Manager {
            name: &manager.name,
            copies: copies(root, &copy),
            copy,
            install: &manager.install,
            prune: manager.prune.as_deref(),
            package: manager.package.as_deref(),
            runtime: manager.runtime.as_deref(),
        },
        server: detection.server.as_deref(),
        binary: detection.binary.as_ref().map(|(b, _)| b.as_str()),
        build_path: detection.binary.as_ref().map(|(_, p)| p.as_str()),
        build_script: detection.build_script,
        import_root: (detection.import_root != Path::new(""))
            .then(|| crate::paths::slashed(&detection.import_root)),
        output: detection.output.as_deref(),
        locked: root.join("Cargo.lock").is_file(),
        start_argv: argv(&answers.start),
        port: answers.port,
        health_path: answers.health_path.as_deref(),
        workers: answers
            .workers
            .iter()
            .map(|w| Process {
                name: w.name.clone(),
                argv: argv(&w.command),
            })
            .collect(),
        services,
        variables,
        secrets: &detection.secrets,
        service_names: &answers.services,
        rails_assets: root.join("app/assets").is_dir(),
        app_key: app_service(root).map(|name| {
            let bare = name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if bare {
                name
            } else {
                format!("{name:?}")
            }
        }),
        // The web root: the folder of the entry file (public/ for Laravel).
        docroot: Path::new("/var/www/html")
            .join(detection.entry.0.parent().unwrap_or(Path::new("")))
            .to_string_lossy()
            .trim_end_matches('/')
            .to_string(),
        category: &answers.category,
        memory: &answers.memory,
        cpus: &answers.cpus,
        log_level: &answers.log_level,
        app_log_level: app_log_level(detection, answers),
        probe_style: &answers.probe_style,
        mount: scaffold
            .as_ref()
            .map(|s| s.mount.clone())
            .unwrap_or_default(),
        critical: critical(&answers.services),
        ci_action: answers.ci_action.as_deref(),
    };
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    // A static site is served by a static server, whatever built it.
    let dockerfile = match detection.output {
        Some(_) => "static.Dockerfile".to_string(),
        None => format!("{}.Dockerfile", answers.stack),
    };
    let mut files: Vec<(PathBuf, &str, Option<String>)> = vec![
        ("Dockerfile".into(), &dockerfile, None),
        ("compose.yaml".into(), "compose.yaml", None),
        (".dockerignore".into(), "dockerignore", None),
        (".env.example".into(), "env.example", None),
        ("seaworthy.toml".into(), "seaworthy.toml", None),
    ];
    if answers.ci_action.is_some() {
        files.push((
            ".github/workflows/seaworthy.yml".into(),
            "github-workflow.yml",
            None,
        ));
    }
    if let Some(scaffold) = &scaffold {
        files.push((
            scaffold.file.clone(),
            scaffold.template,
            Some(format!(
                "a new health endpoint: to serve it, {}; then `[health] path = \"/health\"` in seaworthy.toml makes the probe strict",
                scaffold.mount
            )),
        ));
    }
    files
        .into_iter()
        .map(|(name, source, note)| {
            let text = template(source, templates)?;
            let fail = |e: minijinja::Error| {
                let at = templates
                    .map(|d| d.join(source))
                    .filter(|p| p.is_file())
                    .unwrap_or_else(|| Path::new("templates").join(source));
                InputError::at(
                    &at,
                    e.line().unwrap_or(1),
                    1,
                    format!("template error: {e}"),
                )
            };
            let rendered = env.render_str(&text, &context).map_err(fail)?;
            Ok(Rendered {
                name,
                text: format!("{}\n", rendered.trim_end()),
                note,
            })
        })
        .collect()
}

/// The variable and value that set the app's log level: `LOG_LEVEL`, but
/// for a static site, whose server is the whole app and reads a variable of
/// its own (`data/log_level.toml`: static-web-server's `SERVER_LOG_LEVEL`,
/// with its names of the levels). The wizard's question names the same
/// variable.
pub fn app_log_level<'a>(detection: &Detection, answers: &'a Answers) -> (&'a str, String) {
    let words: Vec<String> = answers.start.split_whitespace().map(String::from).collect();
    match crate::model::log_level::server_in(&words).filter(|_| detection.output.is_some()) {
        Some((server, _)) => (&server.variable, server.level(&answers.log_level)),
        None => ("LOG_LEVEL", answers.log_level.clone()),
    }
}

/// The data services a health endpoint checks, as a literal both Python
/// and JavaScript read: `{"postgres": "DATABASE_URL"}`.
fn critical(services: &[String]) -> String {
    let pairs: Vec<String> = detect::services()
        .iter()
        .filter(|s| services.contains(&s.name))
        .map(|s| format!("{:?}: {:?}", s.name, s.url_env))
        .collect();
    format!("{{{}}}", pairs.join(", "))
}
