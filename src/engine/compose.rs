//! The Compose driver: parse, run the Compose rules with the project's
//! Dockerfiles in view, and guard every pass: the new text parses, every
//! original line survives, and the meaning changed only in the keys the
//! applied rules own, in the way they declare ([`Owned`]).

use serde_json::{Map, Value};

use super::{fix_to_fixed_point, run, suppression, Driver, Outcome};
use crate::diagnostic::Diagnostic;
use crate::edit::Written;
use crate::error::InputError;
use crate::model::compose::ComposeFile;
use crate::model::project::Project;
use crate::registry::{Change, Level, Owned, Scope};
use crate::rules::compose::{Ctx, RULES};
use crate::settings::policy::Policy;
use crate::source::Source;
use crate::syntax::yaml::guard::{contained, lines_kept};

/// Runs the Compose rules of one file.
struct Composes<'a> {
    policy: &'a Policy,
    project: &'a Project,
    /// Services the file only overlays (defined in a base file beside it).
    partial: &'a [String],
}

impl Driver for Composes<'_> {
    type Parsed = ComposeFile;

    fn parse(&self, source: &Source) -> Result<ComposeFile, InputError> {
        ComposeFile::parse(source.clone())
    }

    fn check(&self, file: &ComposeFile, written: &Written) -> Vec<Diagnostic> {
        let suppressions = suppression::compose(file, self.policy);
        let ctx = Ctx::new(
            file,
            self.policy,
            self.project,
            self.partial,
            &suppressions,
            written,
        );
        run(RULES, self.policy, &suppressions, |check| check(&ctx))
    }

    fn guard(
        &self,
        before: &ComposeFile,
        after: &ComposeFile,
        applied: &[&Diagnostic],
    ) -> Result<(), String> {
        lines_kept(
            &before.text,
            &after.text,
            applied
                .iter()
                .flat_map(|d| d.fix.iter().flat_map(|f| f.edits.iter())),
        )?;
        meaning_kept(before, after, applied)
    }
}

/// Runs the Compose rules on `source` until a fixed point, each pass
/// guarded; `partial` names the services it only overlays.
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
    let driver = Composes {
        policy,
        project,
        partial,
    };
    fix_to_fixed_point(&source, file, &driver, policy.overrides.unsafe_fixes)
        .map(|(outcome, _)| outcome)
}

/// What the applied fixes may change, by place: the owned keys of each
/// service-scoped fix under the start of the name it points at, and those
/// of file-scoped fixes for every service; read once per pass, so the guard
/// is one look-up per service, not a scan of every fix.
struct Ownership {
    by_service: foldhash::HashMap<usize, Vec<&'static Owned>>,
    everywhere: Vec<&'static Owned>,
}

impl Ownership {
    fn new(applied: &[&Diagnostic]) -> Ownership {
        let mut by_service: foldhash::HashMap<usize, Vec<&'static Owned>> =
            foldhash::HashMap::default();
        let mut everywhere = Vec::new();
        for d in applied {
            match d.rule.scope {
                Scope::File => everywhere.extend(d.rule.owns.iter()),
                Scope::Service => by_service
                    .entry(d.span.start)
                    .or_default()
                    .extend(d.rule.owns.iter()),
            }
        }
        Ownership {
            by_service,
            everywhere,
        }
    }

    /// The keys at `level` fixes may change in the service whose name
    /// starts at `key` (`None`: the top level, which any fix may own).
    fn at(&self, level: Level, key: Option<usize>) -> Vec<&'static Owned> {
        let own: Box<dyn Iterator<Item = &&'static Owned>> = match key {
            Some(start) => Box::new(self.by_service.get(&start).into_iter().flatten()),
            None => Box::new(self.by_service.values().flatten()),
        };
        own.chain(&self.everywhere)
            .copied()
            .filter(|o| o.level == level)
            .collect()
    }
}

/// Whether `was` may become `now` under `change`.
fn allowed(change: Change, was: &Value, now: &Value) -> bool {
    match change {
        Change::Extend => contained(was, now),
        Change::Reshape => entry_names(was) == entry_names(now),
        Change::Replace => was.as_array().map(Vec::len) == now.as_array().map(Vec::len),
        Change::Within(inner) => match (was.as_object(), now.as_object()) {
            (Some(was), Some(now)) => {
                was.len() == now.len()
                    && was
                        .iter()
                        .all(|(k, v)| now.get(k).is_some_and(|n| k == inner || n == v))
            }
            _ => false,
        },
    }
}

/// The names a list or mapping holds (`depends_on` in either form).
fn entry_names(value: &Value) -> Vec<String> {
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

/// Checks one mapping's keys: those no applied rule owns keep their value,
/// owned ones change only as declared, none is lost; `what` names the
/// mapping in messages.
fn keys_kept(
    before: &Map<String, Value>,
    after: &Map<String, Value>,
    owners: &[&Owned],
    what: &dyn Fn(&str) -> String,
) -> Result<(), String> {
    for (key, now) in after {
        let change = owners.iter().find(|o| o.key == key).map(|o| o.change);
        let ok = match (before.get(key), change) {
            (Some(was), None) => was == now,
            (None, None) => false,
            (None, Some(_)) => true,
            (Some(was), Some(change)) => allowed(change, was, now),
        };
        if !ok {
            return Err(format!("{} would change unexpectedly", what(key)));
        }
    }
    if let Some(lost) = before.keys().find(|k| !after.contains_key(*k)) {
        return Err(format!("{} would be lost", what(lost)));
    }
    Ok(())
}

/// The meaning half of the guard.
fn meaning_kept(
    old: &ComposeFile,
    new: &ComposeFile,
    applied: &[&Diagnostic],
) -> Result<(), String> {
    let ownership = Ownership::new(applied);
    let root_owned = ownership.at(Level::Root, None);
    let empty = Map::new();
    let old_root = old.meaning().as_object().unwrap_or(&empty);
    let new_root = new.meaning().as_object().unwrap_or(&empty);
    for (key, value) in old_root {
        let ok = match key.as_str() {
            "services" => true,
            _ => match root_owned.iter().find(|o| o.key == key) {
                Some(o) => {
                    value.is_null()
                        || new_root
                            .get(key)
                            .is_some_and(|n| allowed(o.change, value, n))
                }
                None => new_root.get(key) == Some(value),
            },
        };
        if !ok {
            return Err(format!("top-level `{key}` would change"));
        }
    }
    fn services(root: &Map<String, Value>) -> Option<&Map<String, Value>> {
        root.get("services").and_then(Value::as_object)
    }
    let old_services = services(old_root).unwrap_or(&empty);
    let new_services = services(new_root).unwrap_or(&empty);
    let mut old_keys: foldhash::HashMap<&str, std::ops::Range<usize>> =
        foldhash::HashMap::default();
    for entry in old.services_nodes().filter_map(|n| n.entries()).flatten() {
        if let Some(name) = entry.key.scalar() {
            old_keys
                .entry(name)
                .or_insert(entry.key.start..entry.key.end);
        }
    }
    for (name, was_service) in old_services {
        let Some(now_service) = new_services.get(name) else {
            return Err(format!("service `{name}` would disappear"));
        };
        let key = old_keys.get(name.as_str()).cloned().unwrap_or(0..0);
        keys_kept(
            was_service.as_object().unwrap_or(&empty),
            now_service.as_object().unwrap_or(&empty),
            &ownership.at(Level::Service, Some(key.start)),
            &|k| format!("`{k}` of service `{name}`"),
        )?;
    }
    Ok(())
}
