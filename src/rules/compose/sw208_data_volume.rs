//! SW208: a data folder is bind-mounted instead of a named volume.

use foldhash::{HashMap, HashSet};

use super::{diagnostic, services, Ctx};
use crate::diagnostic::Diagnostic;
use crate::edit::{Applicability, Edit, Fix};
use crate::registry::{Change, Level, Owned, RuleMeta, Scope, Severity, Target};
use crate::syntax::yaml::splice;
use crate::syntax::yaml::tree::Kind;

/// What the fix may touch: mounts, one for one, in any service, and the
/// top-level `volumes` it declares them in.
const OWNS: &[Owned] = &[
    Owned {
        key: "volumes",
        level: Level::Service,
        change: Change::Replace,
    },
    Owned {
        key: "volumes",
        level: Level::Root,
        change: Change::Extend,
    },
];

/// SW208's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW208",
    name: "compose-data-volume",
    target: Target::Compose,
    severity: Severity::Error,
    scope: Scope::File,
    owns: OWNS,
    summary: "a data folder is bind-mounted (`./data:/app/data`)",
    fix_title: "Use named volumes",
    doc: r#"## What it does
Finds a relative bind mount of a data folder (`./data:/app/data`,
`./pgdata:/var/lib/postgresql/data`) and replaces it with a named volume
declared under the top-level `volumes:`.

## Why is this bad?
Bind-mounted data depends on the host folder's owner and permissions, breaks
when the project folder moves, and is easy to delete with the checkout.

## Example
```yaml
    volumes:
      - ./data:/app/data
```

Use instead:
```yaml
    volumes:
      - app-data:/app/data
volumes:
  app-data:
```

## Fix safety
Unsafe (applied only with `--unsafe-fixes`): the data already in ./data stays
there and the new volume starts empty; copy it over before switching."#,
};

/// Folder names that hold data.
const DATA_NAMES: &[&str] = &[
    "data", "db", "pgdata", "mysql", "mongo", "redis", "storage", "uploads",
];

fn is_data_mount(spec: &str) -> Option<(String, String)> {
    let mut parts = spec.splitn(3, ':');
    let source = parts.next()?;
    let target = parts.next()?;
    if !(source.starts_with("./") || source.starts_with("../")) {
        return None;
    }
    let last = source.trim_end_matches('/').rsplit('/').next()?;
    let data_like = DATA_NAMES.contains(&last)
        || last.ends_with("-data")
        || last.ends_with("_data")
        || target.trim_end_matches('/').ends_with("/data");
    (data_like && !last.contains('.')).then(|| (source.to_string(), last.to_string()))
}

/// Finds bind-mounted data folders. All of a file's mounts are fixed by one
/// fix, so the top-level `volumes:` is written once, and mounts of the same
/// folder share one named volume.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let file = ctx.file;
    let declared = file
        .meaning()
        .get("volumes")
        .and_then(|v| v.as_object())
        .cloned()
        .unwrap_or_default();
    // The named volume of each mounted folder, in the order found, and
    // where each source and name is in it.
    let mut names: Vec<(String, String)> = Vec::new();
    let mut by_source: HashMap<String, usize> = HashMap::default();
    let mut taken: HashSet<String> = HashSet::default();
    let mut edits = Vec::new();
    let mut mounts = Vec::new();
    let mut anchor = None;
    for service in services(ctx, META.code) {
        let Some(volumes) = service.node.get("volumes").filter(|v| !v.is_shared()) else {
            continue;
        };
        let Kind::Seq(false, items) = &volumes.kind else {
            continue;
        };
        for item in items
            .iter()
            .filter(|i| i.is_inline_scalar() && !i.is_shared())
        {
            let Some(spec) = item.scalar() else { continue };
            let Some((source, folder)) = is_data_mount(spec) else {
                continue;
            };
            let name = match by_source.get(&source) {
                Some(&at) => names[at].1.clone(),
                None => {
                    let name = format!("{}-{}", service.name, folder.trim_start_matches('.'));
                    if declared.contains_key(&name) || taken.contains(&name) {
                        continue;
                    }
                    by_source.insert(source.clone(), names.len());
                    taken.insert(name.clone());
                    names.push((source.clone(), name.clone()));
                    name
                }
            };
            let raw = &file.text[item.start..item.end];
            let Some(at) = raw.find(&source) else {
                continue;
            };
            edits.push(Edit::replace(
                item.start + at..item.start + at + source.len(),
                name.clone(),
            ));
            mounts.push(format!("`{source}` of `{}` → `{name}`", service.name));
            anchor.get_or_insert(service);
        }
    }
    let Some(service) = anchor else {
        return Vec::new();
    };
    let new_names: Vec<String> = names.into_iter().map(|(_, n)| n).collect();
    let message = format!(
        "data folders are bind-mounted: use named volumes ({}); the data already in those folders stays there, copy it first",
        mounts.join(", ")
    );
    let fix = declare(ctx, &new_names).map(|edit| {
        edits.push(edit);
        Fix {
            edits,
            applicability: Applicability::Unsafe,
        }
    });
    vec![diagnostic(&META, &service, message, Some(fix))]
}

/// The edit that declares `names` under the top-level `volumes:`.
fn declare(ctx: &Ctx, names: &[String]) -> Result<Edit, String> {
    let file = ctx.file;
    let root = file.root();
    let unit = " ".repeat(file.layout().unit);
    match root.entry("volumes") {
        Some(entry) if entry.value.is_shared() => {
            Err("the top-level `volumes` is shared through an anchor".into())
        }
        Some(entry) if entry.value.is_flow() => {
            let items: Vec<String> = names.iter().map(|n| format!("{n}: {{}}")).collect();
            let at = match entry.value.entries() {
                Some([.., last]) => {
                    return Ok(Edit::insert(
                        last.value.end,
                        format!(", {}", items.join(", ")),
                    ))
                }
                _ => entry.value.start + 1,
            };
            Ok(Edit::insert(at, items.join(", ")))
        }
        Some(entry) if entry.value.entries().is_some() => {
            let lines: Vec<String> = names.iter().map(|n| format!("{n}:")).collect();
            splice::append_to_map(&file.text, file.layout(), &entry.value, &lines)
                .ok_or_else(|| "the top-level `volumes` cannot be extended".into())
        }
        Some(entry) if entry.value.is_empty_scalar() => {
            let at = splice::after_line(&file.text, entry.key.end);
            let lines: Vec<String> = names.iter().map(|n| format!("{unit}{n}:")).collect();
            Ok(Edit::insert(
                at,
                splice::lines_at(&file.text, file.layout(), at, 0, &lines),
            ))
        }
        Some(_) => Err("the top-level `volumes` is not a mapping".into()),
        None => {
            let at = splice::after_line(&file.text, root.end);
            let lines: Vec<String> = std::iter::once("volumes:".to_string())
                .chain(names.iter().map(|n| format!("{unit}{n}:")))
                .collect();
            Ok(Edit::insert(
                at,
                splice::lines_at(&file.text, file.layout(), at, 0, &lines),
            ))
        }
    }
}
