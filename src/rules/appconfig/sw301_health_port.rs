//! SW301: the app config has no `health_port` at the configured key.

use crate::appconfig::{self, Format};
use crate::edit::{Edit, Fix};
use crate::engine::{self, Outcome};
use crate::error::InputError;
use crate::health::port::FALLBACK_PORT;
use crate::policy::Policy;
use crate::rules::compose::insert_under;
use crate::rules::{Diagnostic, RuleMeta};
use crate::source::Source;
use crate::yaml::Document;

/// SW301's identity and documentation.
pub const META: RuleMeta = RuleMeta {
    code: "SW301",
    name: "app-config-health-port",
    target: "app config",
    summary: "no `health_port` at the configured key of the app's config",
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

/// Runs SW301 on the app config file `source`.
pub fn fix(source: &Source, policy: &Policy, key: &str) -> Result<Outcome, InputError> {
    engine::fix_to_fixed_point(
        source,
        policy,
        |current| check(current, policy, key),
        |_, _, _| Ok(()),
    )
}

fn check(source: &Source, policy: &Policy, key: &str) -> Result<Vec<Diagnostic>, InputError> {
    if !policy.enabled(META.code) {
        return Ok(Vec::new());
    }
    let format = appconfig::format_of(&source.path);
    if format == Format::Yaml {
        Document::parse(source.clone())?;
    } else {
        let text = std::str::from_utf8(&source.bytes)
            .map_err(|_| InputError::file(&source.path, "not UTF-8 text"))?;
        text.parse::<toml_edit::DocumentMut>().map_err(|e| {
            let (line, col) = e
                .span()
                .map_or((1, 1), |s| crate::source::line_col(&source.bytes, s.start));
            InputError::at(
                &source.path,
                line,
                col,
                format!("invalid TOML: {}", e.message()),
            )
        })?;
    }
    if appconfig::lookup(&source.path, &source.bytes, key).is_some() {
        return Ok(Vec::new());
    }
    let port = policy.config.health.port.unwrap_or(FALLBACK_PORT);
    let message =
        format!("`{key}` is not set: add it with the health port the probes use ({port})");
    let (parents, last) = match key.rsplit_once('.') {
        Some((parents, last)) => (parents.split('.').collect::<Vec<_>>(), last),
        None => (Vec::new(), key),
    };
    let edit = match format {
        Format::Yaml => {
            let doc = Document::parse(source.clone())?;
            let root = doc.tree.root.as_ref().expect("parse checks the root");
            insert_under(
                &doc,
                root,
                &doc.meaning,
                &parents,
                &[format!("{last}: {port}")],
            )
            .map_err(|why| why.replace("{node}", "the top level"))
        }
        Format::Toml => toml_insert(source, &parents, last, port),
    };
    Ok(vec![Diagnostic {
        rule: META.code,
        span: 0..0,
        message: match &edit {
            Ok(_) => message,
            Err(why) => format!("{message}; not done: {why}"),
        },
        fix: edit.ok().map(|e| Fix::safe(vec![e])),
    }])
}

/// Inserts `last = port` into the table `parents` with toml_edit, then puts
/// back the line endings and final newline toml_edit normalises.
fn toml_insert(source: &Source, parents: &[&str], last: &str, port: u16) -> Result<Edit, String> {
    let text = String::from_utf8_lossy(&source.bytes).into_owned();
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    let mut table = doc.as_table_mut() as &mut dyn toml_edit::TableLike;
    for part in parents {
        let item = table
            .entry(part)
            .or_insert(toml_edit::Item::Table(toml_edit::Table::new()));
        table = item
            .as_table_like_mut()
            .ok_or_else(|| format!("`{part}` is not a table"))?;
    }
    table.insert(last, toml_edit::value(i64::from(port)));
    let mut out = doc.to_string().replace("\r\n", "\n");
    if source.line_ending == crate::source::LineEnding::CrLf {
        out = out.replace('\n', "\r\n");
    }
    if !source.ends_with_newline() {
        while out.ends_with('\n') {
            out.pop();
            if out.ends_with('\r') {
                out.pop();
            }
        }
    }
    Ok(Edit::replace(0..source.bytes.len(), out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::sync::Arc;

    fn fixed(name: &str, text: &str) -> String {
        let config = crate::config::Config::parse(
            Path::new("seaworthy.toml"),
            "[app_config]\npath = \"x\"\nkey = \"gateway.health_port\"\n",
        )
        .unwrap();
        let policy = Policy::new(Arc::new(config), Default::default());
        let source = Source::new(name, text.as_bytes().to_vec());
        let outcome = fix(&source, &policy, "gateway.health_port").unwrap();
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
