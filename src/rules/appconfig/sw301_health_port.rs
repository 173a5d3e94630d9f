//! SW301: the app config has no `health_port` at the configured key.

use super::{Ctx, Parsed};
use crate::diagnostic::Diagnostic;
use crate::edit::Fix;
use crate::model::appconfig;
use crate::registry::{RuleMeta, Scope, Severity, Target};
use crate::settings::FALLBACK_PORT;
use crate::syntax::toml;
use crate::syntax::yaml::splice;

/// SW301's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW301",
    name: "app-config-health-port",
    target: Target::AppConfig,
    severity: Severity::Error,
    scope: Scope::Service,
    owns: &[],
    summary: "no `health_port` at the configured key of the app's config",
    fix_title: "Add the health port to the app config",
    doc: r#"## What it does
With `[app_config] path` and `key` set in seaworthy.toml, checks that the
app's own config file (YAML or TOML) has that key, and inserts it with the
health port the probes use (`[health] port`, default 8080), keeping the
file's comments, order, line endings and final newline.

## Why is this bad?
The probes ask the app for its health on that port; an app that does not
know the port serves no health route there, and the probe can only fail.

## Example
```yaml
gateway:
  port: 8080
```

Use instead:
```yaml
gateway:
  port: 8080
  health_port: 8080
```

## Fix safety
Safe: it adds a key the app did not have. A key present with any value is
the user's choice and is left alone."#,
};

/// Finds a missing health port key and inserts it, in the file's own format.
pub fn check(ctx: &Ctx) -> Vec<Diagnostic> {
    let key = ctx.key;
    if appconfig::lookup(&ctx.source.path, &ctx.source.bytes, key).is_some() {
        return Vec::new();
    }
    let port = ctx.policy.config.health.port.unwrap_or(FALLBACK_PORT);
    let message =
        format!("`{key}` is not set: add it with the health port the probes use ({port})");
    let (parents, last) = match key.rsplit_once('.') {
        Some((parents, last)) => (parents.split('.').collect::<Vec<_>>(), last),
        None => (Vec::new(), key),
    };
    let edit = match ctx.parsed {
        Parsed::Yaml(doc) => splice::insert_under(
            doc,
            doc.root(),
            doc.meaning(),
            &parents,
            &[format!("{last}: {port}")],
        )
        .map_err(|why| why.replace("{node}", "the top level")),
        Parsed::Toml(doc) => toml::insert_key(ctx.source, doc, &parents, last, &port.to_string()),
    };
    vec![Diagnostic::new(&META, 0..0, message).with_fix(edit.map(|e| Fix::safe(vec![e])))]
}

#[cfg(test)]
mod tests {
    use crate::settings::policy::Policy;
    use crate::source::Source;
    use std::sync::Arc;

    fn fixed(name: &str, text: &str) -> String {
        let config = crate::settings::Config {
            app_config: Some(crate::settings::AppConfig {
                path: "x".into(),
                key: "gateway.health_port".into(),
            }),
            ..Default::default()
        };
        let policy = Policy::new(Arc::new(config), Default::default());
        let source = Source::new(name, text.as_bytes().to_vec());
        let outcome =
            crate::engine::appconfig::fix(&source, &policy, "gateway.health_port").unwrap();
        String::from_utf8(outcome.after).unwrap()
    }

    #[test]
    fn toml_keeps_crlf_comments_and_missing_final_newline() {
        let text = "# app\r\n[gateway]\r\nport = 1 # p\r\n\r\n[gateway.tls]\r\non = true";
        assert_eq!(
            fixed("app.toml", text),
            "# app\r\n[gateway]\r\nport = 1 # p\r\nhealth_port = 8080\r\n\r\n[gateway.tls]\r\non = true"
        );
    }

    #[test]
    fn toml_and_yaml_create_missing_tables() {
        assert!(fixed("app.toml", "a = 1\n").contains("[gateway]\nhealth_port = 8080\n"));
        assert_eq!(
            fixed("app.yaml", "a: 1\n"),
            "a: 1\ngateway:\n  health_port: 8080\n"
        );
        assert_eq!(
            fixed("app.yaml", "gateway:\n    port: 1"),
            "gateway:\n    port: 1\n    health_port: 8080"
        );
    }

    #[test]
    fn an_existing_key_is_left_alone() {
        assert_eq!(
            fixed("app.yaml", "gateway:\n  health_port: 9\n"),
            "gateway:\n  health_port: 9\n"
        );
        assert_eq!(
            fixed("app.toml", "[gateway]\nhealth_port = 9\n"),
            "[gateway]\nhealth_port = 9\n"
        );
    }
}
