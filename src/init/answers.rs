//! The answers `init` renders from: one value per question, whether it
//! came from detection (`--defaults`), a file (`--answers FILE`, TOML with
//! the same keys as the questions) or the wizard. Nothing here is about
//! Compose: the answers describe the app (its processes, port, health
//! route, the data services it uses, its limits), so another target can
//! render from them too.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::detect::{self, Detection, Worker};
use crate::error::InputError;
use crate::settings::Category;

/// Log levels the wizard offers (the names most frameworks read).
pub const LOG_LEVELS: &[&str] = &["DEBUG", "INFO", "WARNING", "ERROR"];

/// Probe styles (`[health] style`).
pub const PROBE_STYLES: &[&str] = &["auto", "instruction", "stage"];

/// Every answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    /// The stack (detected; an answer may only confirm it).
    pub stack: String,
    /// The app's start command (plain words, no shell).
    pub start: String,
    /// The port it listens on; `None`: it serves nothing.
    pub port: Option<u16>,
    /// Its health route; `None`: probes only check that it answers.
    pub health_path: Option<String>,
    /// Processes that run beside it from the same image.
    pub workers: Vec<Worker>,
    /// Data services it uses (`[[service]]` names of `data/stacks.toml`).
    pub services: Vec<String>,
    /// Its service category (limits and metrics ports).
    pub category: String,
    /// Its memory limit (`256M`).
    pub memory: String,
    /// Its CPU limit (`0.5`).
    pub cpus: String,
    /// The `LOG_LEVEL` it is given.
    pub log_level: String,
    /// How its probe is built (`[health] style`).
    pub probe_style: String,
    /// Whether to write a health endpoint module for it (when its code
    /// declares no health route and its framework has one).
    pub health_scaffold: bool,
    /// The GitHub Action that runs `seaworthy check` in CI
    /// (`owner/repo@ref`); `None`: no workflow is written.
    pub ci_action: Option<String>,
}

impl Answers {
    /// The answers detection suggests: what `--defaults` and Enter take.
    pub fn defaults(detection: &Detection) -> Answers {
        let category = Category::Core;
        let (memory, cpus) = category.limits();
        Answers {
            stack: detection.stack.value.clone(),
            start: detection.start.value.clone(),
            port: detection.port.as_ref().map(|p| p.value),
            health_path: detection.health.as_ref().map(|h| h.value.clone()),
            workers: detection.workers.iter().map(|w| w.value.clone()).collect(),
            services: detection.services.iter().map(|s| s.value.clone()).collect(),
            category: category.name().into(),
            memory: detection.memory.clone().unwrap_or_else(|| memory.into()),
            cpus: cpus.into(),
            log_level: "INFO".into(),
            probe_style: "auto".into(),
            ci_action: None,
            health_scaffold: detection.health.is_none()
                && detection.port.is_some()
                && detect::scaffold(detection).is_some(),
        }
    }

    /// `defaults` with the answers of the TOML file at `path` over them;
    /// an unknown key or a bad value is an error at its line and column.
    pub fn load(path: &Path, defaults: Answers) -> Result<Answers, InputError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| InputError::path(path, format!("cannot read answers: {e}")))?;
        let file: File = crate::settings::from_toml(path, &text)?;
        let error = |span: std::ops::Range<usize>, message: String| {
            let (line, col) = crate::source::line_col(text.as_bytes(), span.start);
            InputError::at(path, line, col, message)
        };
        let mut answers = defaults;
        if let Some(stack) = file.stack {
            if *stack.get_ref() != answers.stack {
                return Err(error(
                    stack.span(),
                    format!(
                        "the project is a {} project: init renders it from its own files, so `stack` can only say so",
                        answers.stack
                    ),
                ));
            }
        }
        let set = |value: Option<Spanned<String>>,
                   slot: &mut String,
                   check: &dyn Fn(&str) -> Option<String>|
         -> Result<(), InputError> {
            if let Some(value) = value {
                if let Some(why) = check(value.get_ref()) {
                    return Err(error(value.span(), why));
                }
                *slot = value.into_inner();
            }
            Ok(())
        };
        let start_given = file.start.is_some();
        set(file.start, &mut answers.start, &start_problem)?;
        if answers.start.is_empty() {
            return Err(InputError::file(
                path,
                format!("`start` is needed: init found no start command for this project (stack `{}`), so the answers give it: the program and its arguments, as plain words", answers.stack),
            ));
        }
        set(file.category, &mut answers.category, &category_problem)?;
        set(file.memory, &mut answers.memory, &memory_problem)?;
        set(file.cpus, &mut answers.cpus, &cpus_problem)?;
        set(file.log_level, &mut answers.log_level, &|v| {
            one_of(v, LOG_LEVELS)
        })?;
        set(file.probe_style, &mut answers.probe_style, &|v| {
            one_of(v, PROBE_STYLES)
        })?;
        if let Some(action) = file.ci_action {
            if let Some(why) = action_problem(action.get_ref()) {
                return Err(error(action.span(), why));
            }
            let action = action.into_inner();
            answers.ci_action = (!action.is_empty()).then_some(action);
        }
        if let Some(scaffold) = file.health_scaffold {
            answers.health_scaffold = *scaffold.get_ref();
        }
        // A start command that names its port decides it, unless the
        // answers name one too.
        if let Some(named) = detect::start_port(&answers.start) {
            answers.port = Some(named);
        }
        if let Some(port) = file.port {
            answers.port = (*port.get_ref() != 0).then_some(*port.get_ref());
            // The start command listens where the answers say, unless the
            // answers give the start command too.
            if let (Some(port), false) = (answers.port, start_given) {
                answers.start = detect::with_port(&answers.start, port);
            }
        }
        if let Some(route) = file.health_path {
            if let Some(why) = route_problem(route.get_ref()) {
                return Err(error(route.span(), why));
            }
            let route = route.into_inner();
            answers.health_path = (!route.is_empty()).then_some(route);
        }
        if let Some(services) = file.services {
            answers.services = Vec::new();
            for service in services {
                if let Some(why) = service_problem(service.get_ref()) {
                    return Err(error(service.span(), why));
                }
                answers.services.push(service.into_inner());
            }
        }
        if let Some(workers) = file.workers {
            answers.workers = Vec::new();
            for worker in workers {
                let span = worker.span();
                let worker = worker.into_inner();
                let taken = worker.name == "app"
                    || answers.services.contains(&worker.name)
                    || answers.workers.iter().any(|w| w.name == worker.name);
                let why = start_problem(&worker.command)
                    .or_else(|| name_problem(&worker.name))
                    .or_else(|| {
                        taken.then(|| {
                            format!(
                                "`{}` is taken (by the app, a data service or another worker): name the worker otherwise",
                                worker.name
                            )
                        })
                    });
                if let Some(why) = why {
                    return Err(error(span, why));
                }
                answers.workers.push(Worker {
                    name: worker.name,
                    command: worker.command,
                });
            }
        }
        if answers.port.is_none() {
            answers.health_path = None;
            answers.health_scaffold = false;
        }
        Ok(answers)
    }
}

/// The stack an answers file asks for (read before detection, which it
/// steers): one of `candidates`, the stacks whose marker files the project
/// has, or [`detect::OTHER`] (a skeleton, for any project), else an error
/// at its place.
pub fn stack_of(path: &Path, candidates: &[(&str, String)]) -> Result<Option<String>, InputError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::path(path, format!("cannot read answers: {e}")))?;
    let file: File = crate::settings::from_toml(path, &text)?;
    let Some(stack) = file.stack else {
        return Ok(None);
    };
    if stack.get_ref() == detect::OTHER
        || candidates.iter().any(|(name, _)| name == stack.get_ref())
    {
        return Ok(Some(stack.into_inner()));
    }
    let (line, col) = crate::source::line_col(text.as_bytes(), stack.span().start);
    let found: Vec<String> = candidates
        .iter()
        .map(|(name, marker)| format!("{name} ({marker})"))
        .collect();
    Err(InputError::at(
        path,
        line,
        col,
        format!(
            "`{}` is not a stack this project has files of; it has: {}; or `{}`, a Dockerfile skeleton to complete",
            stack.get_ref(),
            if found.is_empty() {
                "none".to_string()
            } else {
                found.join(", ")
            },
            detect::OTHER
        ),
    ))
}

/// `--answers FILE`: every key optional, no other key allowed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    stack: Option<Spanned<String>>,
    start: Option<Spanned<String>>,
    port: Option<Spanned<u16>>,
    health_path: Option<Spanned<String>>,
    workers: Option<Vec<Spanned<WorkerAnswer>>>,
    services: Option<Vec<Spanned<String>>>,
    category: Option<Spanned<String>>,
    memory: Option<Spanned<String>>,
    cpus: Option<Spanned<String>>,
    log_level: Option<Spanned<String>>,
    probe_style: Option<Spanned<String>>,
    health_scaffold: Option<Spanned<bool>>,
    ci_action: Option<Spanned<String>>,
}

/// `[[workers]]` in an answers file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkerAnswer {
    name: String,
    command: String,
}

fn one_of(value: &str, allowed: &[&str]) -> Option<String> {
    (!allowed.contains(&value)).then(|| format!("`{value}` is not one of {}", allowed.join(", ")))
}

/// Why a start command cannot be an exec-form command, if it cannot.
pub fn start_problem(command: &str) -> Option<String> {
    if command.split_whitespace().next().is_none() {
        return Some("a command is needed".into());
    }
    command.contains(['$', '"', '\'', '`', '|', '&', ';', '<', '>']).then(|| {
        "quotes, variables and shell operators need a shell: write the program and its arguments as plain words".into()
    })
}

/// Why a GitHub Action reference is wrong, if it is (empty: none):
/// `owner/repo@ref`, or `owner/repo/path@ref`.
pub fn action_problem(action: &str) -> Option<String> {
    if action.is_empty() {
        return None;
    }
    let ok = action.split_once('@').is_some_and(|(path, reference)| {
        let part = |p: &str| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        };
        let parts: Vec<&str> = path.split('/').collect();
        parts.len() >= 2
            && parts.iter().all(|p| part(p))
            && !reference.is_empty()
            && reference
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    });
    (!ok).then(|| {
        format!("`{action}` is not an action reference like owner/seaworthy@v1 (the repository that holds seaworthy's action.yml, and a tag, branch or commit)")
    })
}

/// Why a health route cannot be probed, if it cannot (empty: none).
pub fn route_problem(route: &str) -> Option<String> {
    (!route.is_empty())
        .then(|| crate::settings::route_problem(route))
        .flatten()
}

/// Why a category name is wrong, if it is.
pub fn category_problem(name: &str) -> Option<String> {
    Category::parse(name)
        .is_none()
        .then(|| one_of(name, &["core", "infrastructure", "database", "monitoring"]))
        .flatten()
}

/// Why a memory limit is wrong, if it is (`256M`, `1G`).
pub fn memory_problem(value: &str) -> Option<String> {
    let digits = value.trim_end_matches(['k', 'K', 'm', 'M', 'g', 'G']);
    let ok = !digits.is_empty()
        && digits.len() + 1 == value.len()
        && digits.bytes().all(|b| b.is_ascii_digit());
    (!ok).then(|| format!("`{value}` is not a memory size like 256M or 1G"))
}

/// Why a CPU limit is wrong, if it is (`0.5`, `2`).
pub fn cpus_problem(value: &str) -> Option<String> {
    match value.parse::<f64>() {
        Ok(n) if n > 0.0 && n.is_finite() => None,
        _ => Some(format!("`{value}` is not a number of CPUs like 0.5 or 2")),
    }
}

fn service_problem(name: &str) -> Option<String> {
    let known: Vec<&str> = detect::services().iter().map(|s| s.name.as_str()).collect();
    one_of(name, &known)
}

fn name_problem(name: &str) -> Option<String> {
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    (!ok).then(|| format!("`{name}` is not a process name (lowercase letters, digits, - and _)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked() {
        assert!(memory_problem("256M").is_none());
        assert!(memory_problem("256").is_some());
        assert!(memory_problem("M").is_some());
        assert!(cpus_problem("0.5").is_none());
        assert!(cpus_problem("-1").is_some());
        assert!(start_problem("uvicorn app:app --port 8000").is_none());
        assert!(start_problem("gunicorn -b 0.0.0.0:$PORT app:app").is_some());
        assert!(route_problem("").is_none());
        assert!(route_problem("health").is_some());
        assert!(action_problem("acme/seaworthy@v1").is_none());
        assert!(action_problem("").is_none());
        assert!(action_problem("seaworthy@v1").is_some());
        assert!(action_problem("acme/seaworthy@v1; rm -rf /").is_some());
    }
}
