//! SW208: a data folder is bind-mounted instead of a named volume.

use super::{diagnostic, services, Ctx};
use crate::edit::{Applicability, Edit, Fix};
use crate::rules::{Diagnostic, RuleMeta};
use crate::yaml::splice;
use crate::yaml::tree::Kind;

/// SW208's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW208",
    name: "compose-data-volume",
    target: "compose",
    summary: "a data folder is bind-mounted (`./data:/app/data`)",
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

/// Finds bind-mounted data folders.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let file = ctx.file;
    let declared = file
        .meaning
        .get("volumes")
        .and_then(|v| v.as_object())
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::new();
    for service in services(ctx, META.code) {
        let Some(Kind::Seq(false, items)) = service.node.get("volumes").map(|v| &v.kind) else {
            continue;
        };
        for item in items {
            let Some(spec) = item.scalar() else { continue };
            let Some((source, folder)) = is_data_mount(spec) else {
                continue;
            };
            let name = format!("{}-{}", service.name, folder.trim_start_matches('.'));
            if declared.contains_key(&name) || !item.is_inline_scalar() {
                continue;
            }
            let raw = &file.text[item.start..item.end];
            let Some(at) = raw.find(&source) else {
                continue;
            };
            let mut edits = vec![Edit::replace(
                item.start + at..item.start + at + source.len(),
                name.clone(),
            )];
            match declare(ctx, &name) {
                Some(edit) => edits.push(edit),
                None => continue,
            }
            out.push(diagnostic(
                &META,
                &service,
                format!(
                    "service `{}` bind-mounts the data folder `{source}`: use the named volume `{name}` (the data in {source} stays there; copy it first)",
                    service.name
                ),
                Some(Fix {
                    edits,
                    applicability: Applicability::Unsafe,
                }),
            ));
        }
    }
    out
}

/// The edit that declares volume `name` under the top-level `volumes:`.
fn declare(ctx: &Ctx, name: &str) -> Option<Edit> {
    let file = ctx.file;
    let root = file.tree.root.as_ref()?;
    match root.get("volumes") {
        Some(volumes) if volumes.entries().is_some() => {
            splice::add_to_map(&file.text, &file.layout, volumes, name, "{}").map(|mut e| {
                if !volumes.is_flow() {
                    e.text = e.text.replacen(": {}", ":", 1);
                }
                e
            })
        }
        Some(_) => None,
        None => {
            let at = file.text.len();
            let unit = " ".repeat(file.layout.unit);
            Some(Edit::insert(
                at,
                splice::lines_at(
                    &file.text,
                    &file.layout,
                    at,
                    0,
                    &["volumes:".into(), format!("{unit}{name}:")],
                ),
            ))
        }
    }
}
