//! Compose rules, one file each, and what they share: which services a rule
//! looks at (ignores), nested insertion that follows the file's layout, and
//! the guard that refuses an edit whose meaning is not the intended one.

pub mod sw201_healthcheck;
pub mod sw202_limits;
pub mod sw203_logging;
pub mod sw204_restart;
pub mod sw205_depends_on;
pub mod sw206_metrics_port;
pub mod sw207_log_level;
pub mod sw208_data_volume;

use serde_json::Value;

use super::{Diagnostic, RuleMeta};
use crate::compose::{ComposeFile, Service};
use crate::edit::Edit;
use crate::engine::{self, Outcome};
use crate::error::InputError;
use crate::policy::Policy;
use crate::project::Project;
use crate::source::{Source, Span};
use crate::yaml::splice;
use crate::yaml::tree::{Kind, Node};
use crate::yaml::Document;

/// What a Compose rule reads.
pub struct Ctx<'a> {
    /// The file.
    pub file: &'a ComposeFile,
    /// Config and overrides.
    pub policy: &'a Policy,
    /// The project's Dockerfiles, after fixes.
    pub project: &'a Project,
    /// The file's editable services with the lines each occupies, and its
    /// ignore comments (offset, codes): read once per pass for all rules.
    scope: Scope<'a>,
}

/// See [`Ctx::scope`].
struct Scope<'a> {
    services: Vec<(Service<'a>, Span)>,
    ignores: Vec<(usize, Vec<String>)>,
    /// SW201's plan for each service, made when first asked (SW205 asks too).
    health: std::cell::OnceCell<Vec<HealthPlanResult>>,
}

/// What [`sw201_healthcheck::plan`] returns.
pub type HealthPlanResult = Result<Option<sw201_healthcheck::HealthPlan>, String>;

impl<'a> Ctx<'a> {
    /// What every rule reads about `file`; `partial` names the services
    /// this file only overlays (defined in a base Compose file beside it):
    /// partial by design, so no rule looks at them.
    pub fn new(
        file: &'a ComposeFile,
        policy: &'a Policy,
        project: &'a Project,
        partial: &'a [String],
    ) -> Ctx<'a> {
        let boundaries = key_starts(file);
        let services = file
            .services()
            .into_iter()
            .filter(|s| !partial.iter().any(|p| p == s.name))
            .map(|s| {
                let lines = service_lines(file, &boundaries, &s);
                (s, lines)
            })
            .collect();
        let ignores = file
            .tree
            .comments
            .iter()
            .filter_map(|c| Some((c.start, crate::rules::ignore_comment(&c.text)?)))
            .collect();
        Ctx {
            file,
            policy,
            project,
            scope: Scope {
                services,
                ignores,
                health: std::cell::OnceCell::new(),
            },
        }
    }

    /// What SW201 would insert for `service`, planned once per pass.
    pub fn health_plan(&self, service: &Service) -> HealthPlanResult {
        let plans = self.scope.health.get_or_init(|| {
            self.scope
                .services
                .iter()
                .map(|(s, _)| sw201_healthcheck::plan(self, s))
                .collect()
        });
        match self
            .scope
            .services
            .iter()
            .position(|(s, _)| s.name == service.name)
        {
            Some(at) => plans[at].clone(),
            None => sw201_healthcheck::plan(self, service),
        }
    }
}

/// A Compose rule's check.
pub type Check = fn(&Ctx) -> Vec<Diagnostic>;

/// Every Compose rule with its check and the service keys its fix may touch
/// (the guard allows changes there only).
pub const RULES: &[(RuleMeta, Check, &[&str])] = &[
    (
        sw201_healthcheck::META,
        sw201_healthcheck::check,
        &["healthcheck"],
    ),
    (sw202_limits::META, sw202_limits::check, &["deploy"]),
    (sw203_logging::META, sw203_logging::check, &["logging"]),
    (sw204_restart::META, sw204_restart::check, &["restart"]),
    (
        sw205_depends_on::META,
        sw205_depends_on::check,
        &["depends_on"],
    ),
    (
        sw206_metrics_port::META,
        sw206_metrics_port::check,
        &["ports", "labels"],
    ),
    (
        sw207_log_level::META,
        sw207_log_level::check,
        &["environment"],
    ),
    (
        sw208_data_volume::META,
        sw208_data_volume::check,
        &["volumes"],
    ),
];

/// Runs the Compose rules on `source` until a fixed point, each pass guarded.
pub fn fix(
    source: &Source,
    policy: &Policy,
    project: &Project,
    partial: &[String],
) -> Result<Outcome, InputError> {
    fix_parsed(
        ComposeFile::parse(source.clone())?,
        policy,
        project,
        partial,
    )
}

/// [`fix`] for a file already parsed (the planner parses every Compose file
/// once up front to learn which Dockerfiles it builds).
pub fn fix_parsed(
    file: ComposeFile,
    policy: &Policy,
    project: &Project,
    partial: &[String],
) -> Result<Outcome, InputError> {
    let source = file.source.clone();
    let parsed = Memo::default();
    parsed.0.borrow_mut().push(std::rc::Rc::new(file));
    engine::fix_to_fixed_point(
        &source,
        policy,
        |current| {
            let file = parsed.get(current)?;
            let ctx = Ctx::new(&file, policy, project, partial);
            Ok(RULES
                .iter()
                .filter(|(meta, _, _)| policy.enabled(meta.code))
                .flat_map(|(_, check, _)| check(&ctx))
                .collect())
        },
        |before, after, applied| guard(&parsed, before, after, applied),
    )
}

/// The last few parses of a file: each pass's text is parsed by the check,
/// by the guard (as "after") and by the next guard (as "before"); once is enough.
#[derive(Default)]
struct Memo(std::cell::RefCell<Vec<std::rc::Rc<ComposeFile>>>);

impl Memo {
    fn get(&self, source: &Source) -> Result<std::rc::Rc<ComposeFile>, InputError> {
        if let Some(file) = self
            .0
            .borrow()
            .iter()
            .find(|f| f.source.bytes == source.bytes)
        {
            return Ok(file.clone());
        }
        let file = std::rc::Rc::new(ComposeFile::parse(source.clone())?);
        let mut cache = self.0.borrow_mut();
        if cache.len() >= 2 {
            cache.remove(0);
        }
        cache.push(file.clone());
        Ok(file)
    }
}

/// The services rule `code` looks at: not ignored by `[services.NAME]
/// ignore` or by a `# seaworthy: ignore[…]` comment in the service (or above
/// `services:` for the whole file).
pub fn services<'a>(ctx: &Ctx<'a>, code: &str) -> Vec<Service<'a>> {
    let services_start = ctx.file.services_node().map_or(usize::MAX, |n| n.start);
    let silenced = |range: &Span| {
        ctx.scope.ignores.iter().any(|(at, codes)| {
            (*at < services_start || range.contains(at))
                && (codes.is_empty() || codes.iter().any(|c| crate::rules::matches(code, c)))
        })
    };
    ctx.scope
        .services
        .iter()
        .filter(|(s, lines)| !ctx.policy.ignored_for_service(s.name, code) && !silenced(lines))
        .map(|(s, _)| *s)
        .collect()
}

/// Where every service key and every top-level key starts, sorted: the
/// places a service's lines end.
fn key_starts(file: &ComposeFile) -> Vec<usize> {
    let keys = |node: Option<&Node>| -> Vec<usize> {
        node.and_then(Node::entries)
            .map(|entries| entries.iter().map(|e| e.key.start).collect())
            .unwrap_or_default()
    };
    let mut starts = keys(file.services_node());
    starts.extend(keys(file.tree.root.as_ref()));
    starts.sort_unstable();
    starts
}

/// The lines a service occupies: from its key's line to the next service's
/// key line (or the next top-level key), trailing comments included.
fn service_lines(file: &ComposeFile, boundaries: &[usize], service: &Service) -> Span {
    let text = &file.text;
    let start = splice::line_start(text, service.key.start);
    let next = boundaries.partition_point(|&k| k <= service.key.start);
    let end = boundaries
        .get(next)
        .map_or(text.len(), |&k| splice::line_start(text, k));
    start..end.max(start)
}

/// The span diagnostics about a service point at: its name.
pub fn name_span(service: &Service) -> Span {
    service.key.start..service.key.end
}

/// A diagnostic about `service`.
pub fn diagnostic(
    meta: &RuleMeta,
    service: &Service,
    message: String,
    fix: Option<crate::edit::Fix>,
) -> Diagnostic {
    Diagnostic {
        rule: meta.code,
        span: name_span(service),
        message,
        fix,
    }
}

/// Sets `name` in a service's `KEY=value` list or mapping under `key`
/// (`environment`, `labels`), in the style the service uses; a service
/// without `key` gets it as a mapping.
pub fn add_setting(
    file: &ComposeFile,
    service: &Service,
    key: &str,
    name: &str,
    value: &str,
) -> Result<Edit, String> {
    let item = splice::plain_or_quoted(&format!("{name}={value}"));
    let value = splice::plain_or_quoted(value);
    match service.node.get(key) {
        Some(node) if node.is_shared() => {
            Err(format!("`{key}` is shared through an anchor or alias"))
        }
        Some(node) if matches!(node.kind, Kind::Seq(..)) => {
            splice::append_to_seq(&file.text, file.layout(), node, &item)
                .ok_or_else(|| format!("`{key}` cannot be extended"))
        }
        Some(node) => splice::add_to_map(&file.text, file.layout(), node, name, &value)
            .ok_or_else(|| format!("`{key}` cannot be extended")),
        None if service.meaning.get(key).is_some() => Err(format!(
            "`{key}` comes from a merge key (`<<`): add it there"
        )),
        None => {
            let unit = " ".repeat(file.layout().unit);
            insert_nested(
                file,
                service,
                &[],
                &[format!("{key}:"), format!("{unit}{name}: {value}")],
            )
        }
    }
}

/// Inserts `lines` under `parents` in a service (see [`insert_under`]).
pub fn insert_nested(
    file: &ComposeFile,
    service: &Service,
    parents: &[&str],
    lines: &[String],
) -> Result<Edit, String> {
    insert_under(file, service.node, service.meaning, parents, lines)
        .map_err(|why| why.replace("{node}", &format!("service `{}`", service.name)))
}

/// Inserts `lines` (relative indentation) under `parents` in the block
/// mapping `node` (whose meaning is `meaning`), descending through the block
/// mappings that exist and writing the rest. `Err` says why it cannot be
/// done in place.
pub fn insert_under(
    doc: &Document,
    node: &Node,
    meaning: &Value,
    parents: &[&str],
    lines: &[String],
) -> Result<Edit, String> {
    let unit = doc.layout().unit;
    let mut node = node;
    let mut meaning = Some(meaning);
    for (depth, key) in parents.iter().enumerate() {
        let path = parents[..=depth].join(".");
        match node.get(key) {
            Some(child) if child.is_shared() => {
                return Err(format!("`{path}` is shared through an anchor or alias: editing it would change other places"))
            }
            Some(child) if splice::key_column(&doc.text, child).is_some() => {
                node = child;
                meaning = meaning.and_then(|m| m.get(*key));
            }
            Some(_) => {
                return Err(format!(
                    "`{path}` is not a block mapping seaworthy can add to"
                ))
            }
            None if meaning.and_then(|m| m.get(*key)).is_some() => {
                return Err(format!(
                    "`{path}` comes from a merge key (`<<`): add it there"
                ))
            }
            None => {
                let mut nested = Vec::new();
                for (level, k) in parents[depth..].iter().enumerate() {
                    nested.push(format!("{}{k}:", " ".repeat(unit * level)));
                }
                let pad = " ".repeat(unit * (parents.len() - depth));
                nested.extend(lines.iter().map(|l| format!("{pad}{l}")));
                return splice::append_to_map(&doc.text, doc.layout(), node, &nested)
                    .ok_or_else(|| "{node} is not a block mapping".to_string());
            }
        }
    }
    splice::append_to_map(&doc.text, doc.layout(), node, lines)
        .ok_or_else(|| "{node} is not a block mapping".to_string())
}

/// Whether `old` is contained in `new`: every key and item of `old` is there.
fn contained(old: &Value, new: &Value) -> bool {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => a
            .iter()
            .all(|(k, v)| b.get(k).is_some_and(|w| contained(v, w))),
        (Value::Array(a), Value::Array(b)) => a.iter().all(|v| b.contains(v)),
        _ => old == new,
    }
}

/// Dependency names of a `depends_on` in any form.
fn dependency_names(value: &Value) -> Vec<String> {
    let mut names: Vec<String> = match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Value::Object(map) => map.keys().cloned().collect(),
        _ => Vec::new(),
    };
    names.sort();
    names
}

fn services_of(root: &serde_json::Map<String, Value>) -> Option<&serde_json::Map<String, Value>> {
    root.get("services").and_then(Value::as_object)
}

/// The guard: the new text parses, every line outside replaced ranges
/// survives in order, and the meaning changed only where the applied fixes
/// meant to change it (the old value is still contained in the new one).
fn guard(
    parsed: &Memo,
    before: &Source,
    after: &Source,
    applied: &[&Diagnostic],
) -> Result<(), String> {
    let old = parsed.get(before).map_err(|e| e.message)?;
    let new = parsed.get(after).map_err(|e| {
        format!(
            "the edited file would not parse ({}:{}: {})",
            e.line, e.col, e.message
        )
    })?;

    let at_line_start =
        |offset: usize| offset == 0 || old.text.as_bytes().get(offset - 1) == Some(&b'\n');
    let replaced: Vec<Span> = applied
        .iter()
        .flat_map(|d| d.fix.iter().flat_map(|f| f.edits.iter()))
        .filter(|e| !e.range.is_empty() || !at_line_start(e.range.start))
        .map(|e| e.range.start..e.range.end.max(e.range.start + 1))
        .collect();
    let mut kept = Vec::new();
    let mut offset = 0;
    for line in old.text.split_inclusive('\n') {
        let range = offset..offset + line.len();
        if !replaced
            .iter()
            .any(|r| r.start < range.end && range.start < r.end)
        {
            kept.push(line.trim_end_matches(['\r', '\n']));
        }
        offset += line.len();
    }
    let mut new_lines = new.text.lines();
    if !kept
        .iter()
        .all(|line| new_lines.any(|l| l.trim_end_matches('\r') == *line))
    {
        return Err("an original line would be lost or moved".into());
    }

    let touched = |key: &Span| -> Vec<&str> {
        applied
            .iter()
            .filter(|d| {
                let file_wide = d.rule == sw208_data_volume::META.code;
                file_wide || (d.span.start >= key.start && d.span.end <= key.end)
            })
            .flat_map(|d| {
                RULES
                    .iter()
                    .filter(move |(meta, _, _)| meta.code == d.rule)
                    .flat_map(|(_, _, keys)| keys.iter().copied())
            })
            .collect()
    };
    let empty = serde_json::Map::new();
    let old_root = old.meaning.as_object().unwrap_or(&empty);
    let new_root = new.meaning.as_object().unwrap_or(&empty);
    for (key, value) in old_root {
        let ok = match key.as_str() {
            "services" => true,
            "volumes" => value.is_null() || new_root.get(key).is_some_and(|n| contained(value, n)),
            _ => new_root.get(key) == Some(value),
        };
        if !ok {
            return Err(format!("top-level `{key}` would change"));
        }
    }
    let old_services = services_of(old_root).unwrap_or(&empty);
    let new_services = services_of(new_root).unwrap_or(&empty);
    for (name, was_service) in old_services {
        let Some(now_service) = new_services.get(name) else {
            return Err(format!("service `{name}` would disappear"));
        };
        let key = old
            .services_node()
            .and_then(|n| n.entry(name))
            .map_or(0..0, |e| e.key.start..e.key.end);
        let allowed = touched(&key);
        let before = was_service.as_object().unwrap_or(&empty);
        let after = now_service.as_object().unwrap_or(&empty);
        for (key, value) in after {
            let was = before.get(key);
            let ok = match (was, allowed.contains(&key.as_str())) {
                (Some(was), false) => was == value,
                (None, false) => false,
                (None, true) => true,
                (Some(was), true) if key == "depends_on" => {
                    dependency_names(was) == dependency_names(value)
                }
                (Some(was), true) if key == "volumes" => {
                    was.as_array().map(Vec::len) == value.as_array().map(Vec::len)
                }
                (Some(was), true) => contained(was, value),
            };
            if !ok {
                return Err(format!(
                    "`{}` of service `{}` would change unexpectedly",
                    key, name
                ));
            }
        }
        if let Some(lost) = before.keys().find(|k| !after.contains_key(*k)) {
            return Err(format!("`{lost}` of service `{}` would be lost", name));
        }
    }
    Ok(())
}

/// Whether a service has a health check: its own (not disabled) or its
/// image's HEALTHCHECK (from the Dockerfile it builds, after this run).
pub fn has_healthcheck(ctx: &Ctx, service: &Service) -> bool {
    if let Some(h) = service.meaning.get("healthcheck") {
        let none = h
            .get("test")
            .and_then(Value::as_array)
            .is_some_and(|t| t.first().and_then(Value::as_str) == Some("NONE"));
        return h.get("disable") != Some(&Value::Bool(true)) && !none;
    }
    match ctx.project.built(&ctx.file.source.path, service.meaning) {
        crate::project::Built::Stage(doc, stage, _) => {
            doc.last_inherited(stage, "HEALTHCHECK").is_some_and(|i| {
                !doc.instructions()[i]
                    .args
                    .text()
                    .trim()
                    .eq_ignore_ascii_case("NONE")
            })
        }
        _ => false,
    }
}
