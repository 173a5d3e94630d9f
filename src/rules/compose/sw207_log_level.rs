//! SW207: a locally built service has no `LOG_LEVEL` in its environment.

use super::{diagnostic, insert_nested, services, Ctx};
use crate::edit::Fix;
use crate::rules::{Diagnostic, RuleMeta};
use crate::yaml::splice::{self, quoted};
use crate::yaml::tree::Kind;

/// SW207's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW207",
    name: "compose-log-level",
    target: "compose",
    summary: "locally built service has no `LOG_LEVEL` in its environment",
    doc: r#"## What it does
Adds `LOG_LEVEL=INFO` to the environment of services built from a local
Dockerfile, in the style the service already uses (list or map).

## Why is this bad?
Without an explicit level, the app's default decides, often DEBUG in
development builds: noisy, and sometimes leaking secrets into logs.

## Example
```yaml
    environment:
      - DATABASE_URL=postgres://db/app
```

Use instead:
```yaml
    environment:
      - DATABASE_URL=postgres://db/app
      - LOG_LEVEL=INFO
```

## Fix safety
Safe. Services with an `env_file` are left alone (it may set the level, and an
`environment` entry would override it); images like postgres don't read it and
get nothing."#,
};

/// Finds locally built services without a log level.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let file = ctx.file;
    let mut out = Vec::new();
    for service in services(ctx, META.code) {
        let meaning = service.meaning;
        if meaning.get("build").is_none()
            || meaning.get("env_file").is_some()
            || crate::compose::sets(meaning.get("environment"), "LOG_LEVEL")
        {
            continue;
        }
        let edit = match service.node.get("environment") {
            Some(env) if env.is_shared() => {
                Err("`environment` is shared through an anchor or alias".to_string())
            }
            Some(env) if matches!(env.kind, Kind::Seq(..)) => {
                splice::append_to_seq(&file.text, &file.layout, env, &plain_item(env.is_flow()))
                    .ok_or_else(|| "`environment` cannot be extended".to_string())
            }
            Some(env) => splice::add_to_map(&file.text, &file.layout, env, "LOG_LEVEL", "INFO")
                .ok_or_else(|| "`environment` cannot be extended".to_string()),
            None if meaning.get("environment").is_some() => {
                Err("`environment` comes from a merge key (`<<`): add it there".into())
            }
            None => {
                let unit = " ".repeat(file.layout.unit);
                insert_nested(
                    file,
                    &service,
                    &[],
                    &["environment:".into(), format!("{unit}LOG_LEVEL: INFO")],
                )
            }
        };
        let message = format!(
            "service `{}` sets no LOG_LEVEL: add LOG_LEVEL=INFO",
            service.name
        );
        out.push(match edit {
            Ok(edit) => diagnostic(&META, &service, message, Some(Fix::safe(vec![edit]))),
            Err(why) => diagnostic(&META, &service, format!("{message}; not done: {why}"), None),
        });
    }
    out
}

fn plain_item(flow: bool) -> String {
    if flow {
        quoted("LOG_LEVEL=INFO")
    } else {
        "LOG_LEVEL=INFO".to_string()
    }
}
