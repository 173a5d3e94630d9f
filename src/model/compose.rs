//! Compose files: the positioned tree (where to edit), the meaning with
//! merge keys applied (what is there), and the facts rules ask about a
//! service (published ports, image, what it builds). A file of several
//! YAML documents is one Compose file, merged in order as Compose does: a
//! service is edited in the first document that defines it.

use serde_json::Value;

use crate::error::InputError;
use crate::settings::policy::ServiceHint;
use crate::source::Source;
use crate::syntax::yaml::tree::{Entry, Kind, Node};
use crate::syntax::yaml::Stream;

/// A parsed Compose file: a YAML stream whose `services` are mappings.
#[derive(Debug, Clone)]
pub struct ComposeFile {
    doc: Stream,
}

impl std::ops::Deref for ComposeFile {
    type Target = Stream;

    fn deref(&self) -> &Stream {
        &self.doc
    }
}

/// One service, as rules see it.
#[derive(Debug, Clone, Copy)]
pub struct Service<'a> {
    /// Its name.
    pub name: &'a str,
    /// The key node (for positions).
    pub key: &'a Node,
    /// The service's mapping in the text.
    pub node: &'a Node,
    /// The service's meaning, merges applied.
    pub meaning: &'a Value,
}

impl ComposeFile {
    /// Parses and validates the shape of a Compose file.
    pub fn parse(source: Source) -> Result<ComposeFile, InputError> {
        let doc = Stream::parse(source)?;
        let documents = doc.tree.documents.iter().zip(&doc.documents);
        for (tree, meaning) in documents {
            let Some(services) = tree.root.as_ref().and_then(|r| r.get("services")) else {
                continue;
            };
            let shaped = services.entries().is_some() || services.is_empty_scalar();
            let meant = matches!(
                meaning.get("services"),
                Some(Value::Object(_)) | Some(Value::Null) | None
            );
            if !shaped || !meant {
                let (line, col) = doc.source.line_col(services.start);
                return Err(InputError::at(
                    &doc.source.path,
                    line,
                    col,
                    "`services` must be a mapping of service names to services",
                ));
            }
        }
        Ok(ComposeFile { doc })
    }

    /// The `services` mapping node of each document that has one.
    pub fn services_nodes(&self) -> impl Iterator<Item = &Node> {
        self.tree.roots().filter_map(|root| root.get("services"))
    }

    /// Every service entry of the file once (the first of a repeated name),
    /// in file order, with what it means: what [`ComposeFile::services`]
    /// and [`ComposeFile::left_alone`] sort.
    fn service_entries(&self) -> impl Iterator<Item = (&str, &Entry, &Value)> {
        let mut seen = foldhash::HashSet::default();
        self.services_nodes()
            .filter_map(Node::entries)
            .flatten()
            .filter_map(move |entry| {
                let name = entry.key.scalar()?;
                if !seen.insert(name) {
                    return None;
                }
                let meaning = self.meaning().get("services")?.get(name)?;
                Some((name, entry, meaning))
            })
    }

    /// Every service the rules can edit, in file order: services that are
    /// aliases or anchored (editing them would change others too) and
    /// services that `extends` another (what they inherit is elsewhere) are
    /// left out.
    pub fn services(&self) -> Vec<Service<'_>> {
        self.service_entries()
            .filter_map(|(name, entry, meaning)| {
                let own = meaning.is_object()
                    && !entry.value.is_shared()
                    && meaning.get("extends").is_none();
                own.then_some(Service {
                    name,
                    key: &entry.key,
                    node: &entry.value,
                    meaning,
                })
            })
            .collect()
    }

    /// The services [`ComposeFile::services`] leaves out, each with why:
    /// anchored (`web: &web`), an alias (`web: *base`), or `extends`.
    pub fn left_alone(&self) -> Vec<(String, String)> {
        self.service_entries()
            .filter_map(|(name, entry, meaning)| {
                let why = if let Some(anchor) = &entry.value.anchor {
                    format!(
                        "it is anchored (`&{}`), so an edit would change every service that reuses it",
                        anchor.name
                    )
                } else if matches!(entry.value.kind, Kind::Alias(_)) {
                    "it is an alias of another mapping, so an edit would change that one too"
                        .to_string()
                } else if meaning.get("extends").is_some() {
                    "it `extends` another service, whose settings it inherits".to_string()
                } else {
                    return None;
                };
                Some((name.to_string(), why))
            })
            .collect()
    }

    /// The anchor of a top-level `x-…` logging block
    /// (`x-logging: &default-logging {driver: …}`) that services can alias:
    /// defined before `services:`, and defined only once in the file (a
    /// later definition of the same name would capture the alias).
    pub fn logging_anchor(&self) -> Option<String> {
        if self.tree.documents.len() != 1 {
            return None;
        }
        let root = self.root();
        let entries = root.entries()?;
        let services_at = entries
            .iter()
            .position(|e| e.key.scalar() == Some("services"))
            .unwrap_or(entries.len());
        entries[..services_at].iter().find_map(|entry| {
            let key = entry.key.scalar()?;
            if !key.starts_with("x-") || !key.contains("log") {
                return None;
            }
            self.meaning().get(key)?.get("driver")?;
            let name = entry.value.anchor.clone()?.name;
            (count_anchors(root, &name) == 1).then_some(name)
        })
    }
}

/// How many nodes under `node` (itself included) define anchor `name`.
fn count_anchors(node: &Node, name: &str) -> usize {
    let own = usize::from(node.anchor.as_ref().is_some_and(|a| a.name == name));
    own + match &node.kind {
        Kind::Seq(_, items) => items.iter().map(|n| count_anchors(n, name)).sum(),
        Kind::Map(_, entries) => entries
            .iter()
            .map(|e| count_anchors(&e.key, name) + count_anchors(&e.value, name))
            .sum(),
        _ => 0,
    }
}

/// What a service tells the rules of the Dockerfile it builds (and the
/// health plan of its own stage): its name, ports, target stage and platform.
pub fn service_hint(compose: &std::path::Path, name: &str, service: &Value) -> ServiceHint {
    ServiceHint {
        name: name.to_string(),
        compose: compose.to_path_buf(),
        ports: container_ports(service),
        target: build(service).and_then(|(_, _, target)| target),
        platform: service
            .get("platform")
            .and_then(Value::as_str)
            .map(str::to_string),
        runtime_ports: Vec::new(),
        start: start(service),
        plain_port_off: None,
        context: build(service)
            .filter(|(context, _, _)| !context.contains("://") && !context.starts_with("git@"))
            .map(|(context, _, _)| {
                compose
                    .parent()
                    .unwrap_or(std::path::Path::new("."))
                    .join(context)
            }),
        probe_disabled: probe_disabled(service),
    }
}

/// Whether a service turns its image's HEALTHCHECK off: `healthcheck:
/// {disable: true}` or `test: ["NONE"]` (the Compose specification's two
/// forms).
pub fn probe_disabled(service: &Value) -> bool {
    let Some(check) = service.get("healthcheck") else {
        return false;
    };
    check.get("disable").and_then(Value::as_bool) == Some(true)
        || check
            .get("test")
            .and_then(Value::as_array)
            .and_then(|t| t.first())
            .and_then(Value::as_str)
            == Some("NONE")
}

/// A service's own `entrypoint:` and `command:` as JSON text, `None` when it
/// sets neither (it runs the image's start command).
pub fn start(service: &Value) -> Option<String> {
    let own = |key| service.get(key).filter(|v| !v.is_null());
    match (own("entrypoint"), own("command")) {
        (None, None) => None,
        (entrypoint, command) => Some(serde_json::json!([entrypoint, command]).to_string()),
    }
}

/// Container ports a service publishes (`ports:` and `expose:`), TCP only.
pub fn container_ports(service: &Value) -> Vec<u16> {
    let mut ports = Vec::new();
    for key in ["ports", "expose"] {
        let Some(Value::Array(items)) = service.get(key) else {
            continue;
        };
        for item in items {
            let text = match item {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Object(long) => {
                    if long
                        .get("protocol")
                        .and_then(Value::as_str)
                        .is_some_and(|p| p != "tcp")
                    {
                        continue;
                    }
                    match long.get("target") {
                        Some(Value::Number(n)) => n.to_string(),
                        Some(Value::String(s)) => s.clone(),
                        _ => continue,
                    }
                }
                _ => continue,
            };
            let (spec, protocol) = text.split_once('/').unwrap_or((&text, "tcp"));
            if protocol != "tcp" {
                continue;
            }
            let container = outside_braces(spec).pop().unwrap_or(spec);
            if let Some(port) = with_default(container)
                .parse::<u16>()
                .ok()
                .filter(|&p| p > 0)
            {
                ports.push(port);
            }
        }
    }
    ports.sort();
    ports.dedup();
    ports
}

/// The parts of a port spec between `:`s that are not inside `${…}`
/// (`${PORT:-8080}:8080` is two parts, not three).
fn outside_braces(spec: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in spec.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => {
                parts.push(&spec[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&spec[start..]);
    parts
}

/// A value as Compose reads it when the variable is unset: the default of
/// `${VAR:-N}` or `${VAR-N}`; anything else as written.
fn with_default(value: &str) -> &str {
    value
        .strip_prefix("${")
        .and_then(|v| v.strip_suffix('}'))
        .and_then(|inner| inner.split_once(":-").or_else(|| inner.split_once('-')))
        .map_or(value, |(_, default)| default)
}

/// Host ports a service publishes (`"9091:9091"` → 9091; a range such as
/// `"9090-9095:8000-8005"` counts every port of it).
pub fn host_ports(service: &Value) -> Vec<u16> {
    let Some(Value::Array(items)) = service.get("ports") else {
        return Vec::new();
    };
    let range = |text: &str| -> Vec<u16> {
        match text.split_once('-') {
            Some((lo, hi)) => match (lo.parse::<u16>(), hi.parse::<u16>()) {
                (Ok(lo), Ok(hi)) if lo <= hi => (lo..=hi).collect(),
                _ => Vec::new(),
            },
            None => text.parse().ok().into_iter().collect(),
        }
    };
    items
        .iter()
        .flat_map(|item| match item {
            Value::String(s) => {
                let spec = s.split('/').next().unwrap_or(s);
                let parts: Vec<&str> = spec.split(':').collect();
                if parts.len() >= 2 {
                    range(parts[parts.len() - 2])
                } else {
                    Vec::new()
                }
            }
            Value::Object(long) => match long.get("published") {
                Some(Value::Number(n)) => n
                    .as_u64()
                    .and_then(|n| u16::try_from(n).ok())
                    .into_iter()
                    .collect(),
                Some(Value::String(s)) => range(s),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        })
        .collect()
}

/// The host address each published port of a service binds (`None`: every
/// interface), in the short (`127.0.0.1:8080:80`, `[::1]:8080:80`) and the
/// long (`host_ip`) syntax; ports that publish nothing are left out.
pub fn host_ips(service: &Value) -> Vec<Option<String>> {
    let Some(Value::Array(items)) = service.get("ports") else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| match item {
            Value::String(s) => {
                let spec = s.split('/').next().unwrap_or(s);
                if let Some(rest) = spec.strip_prefix('[') {
                    let (ip, _) = rest.split_once(']')?;
                    return Some(Some(format!("[{ip}]")));
                }
                let parts: Vec<&str> = spec.split(':').collect();
                match parts.len() {
                    0 | 1 => None,
                    2 => Some(None),
                    n => Some(Some(parts[..n - 2].join(":")).filter(|ip| !ip.is_empty())),
                }
            }
            Value::Object(long) => {
                long.get("published")?;
                // The short syntax takes an IPv6 address in brackets.
                Some(long.get("host_ip").and_then(Value::as_str).map(|ip| {
                    if ip.contains(':') && !ip.starts_with('[') {
                        format!("[{ip}]")
                    } else {
                        ip.to_string()
                    }
                }))
            }
            _ => None,
        })
        .collect()
}

/// Whether a `KEY=value` list or a mapping (`environment`, `labels`) sets `key`.
pub fn sets(value: Option<&Value>, key: &str) -> bool {
    match value {
        Some(Value::Object(map)) => map.contains_key(key),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .any(|item| item.split('=').next() == Some(key)),
        _ => false,
    }
}

/// The value a `KEY=value` list or a mapping (`environment`, `labels`)
/// gives `key`, as text; `None` when unset or set without a value.
pub fn setting(value: &Value, key: &str) -> Option<String> {
    match value {
        Value::Object(map) => match map.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        },
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .find_map(|item| item.split_once('=').filter(|(k, _)| *k == key))
            .map(|(_, v)| v.to_string()),
        _ => None,
    }
}

/// What a service's `env_file:` files say about one variable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvFiles {
    /// Whether one of them that exists sets it.
    pub sets: bool,
    /// The files named that do not exist (as written).
    pub missing: Vec<String>,
}

/// Reads the env files of `service` (paths relative to the Compose file's
/// folder; string, list, or `{path, required}` entries) for `key`.
pub fn env_files(compose: &std::path::Path, service: &Value, key: &str) -> EnvFiles {
    let names: Vec<String> = match service.get("env_file") {
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(path) => Some(path.clone()),
                Value::Object(long) => long.get("path").and_then(Value::as_str).map(str::to_string),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let dir = compose.parent().unwrap_or(std::path::Path::new("."));
    let mut out = EnvFiles::default();
    for name in names {
        match std::fs::read_to_string(dir.join(&name)) {
            Ok(text) => {
                out.sets |= text.lines().any(|line| {
                    let line = line.trim_start();
                    let line = line.strip_prefix("export ").unwrap_or(line);
                    line.split_once('=').is_some_and(|(k, _)| k.trim() == key)
                })
            }
            Err(_) => out.missing.push(name.trim_start_matches("./").to_string()),
        }
    }
    out
}

/// Words that make a command a one-shot job: migrations, seeds, tests,
/// set-up (`manage.py migrate`, `alembic upgrade`, `npm test`, `cypress run`).
const JOB_WORDS: &[&str] = &[
    "migrate",
    "migration",
    "migrations",
    "db:migrate",
    "db:seed",
    "seed",
    "upgrade",
    "test",
    "tests",
    "pytest",
    "jest",
    "cypress",
    "setup",
    "init",
];

/// The services of `file` that are one-shot jobs, each with its evidence
/// (DESIGN.md, truth 3): something waits for it with
/// `service_completed_successfully`; or it publishes no port and it sets
/// `restart: "no"`, its command is a migration, seed, test or set-up
/// command, or its file is a test file.
pub fn one_shot_jobs(file: &ComposeFile) -> foldhash::HashMap<String, String> {
    let mut jobs = foldhash::HashMap::default();
    let services = file.meaning().get("services").and_then(Value::as_object);
    let Some(services) = services else {
        return jobs;
    };
    for (name, service) in services {
        if let Some(Value::Object(deps)) = service.get("depends_on") {
            for (dep, how) in deps {
                if how.get("condition").and_then(Value::as_str)
                    == Some("service_completed_successfully")
                {
                    jobs.entry(dep.clone()).or_insert_with(|| {
                        format!("service `{name}` waits for it with `condition: service_completed_successfully`")
                    });
                }
            }
        }
    }
    let test_file = file
        .source
        .path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|n| {
            n.split(['.', '-', '_'])
                .any(|part| part == "test" || part == "tests" || part == "ci")
        });
    for (name, service) in services {
        if jobs.contains_key(name) {
            continue;
        }
        // A service that publishes a port serves: only a dependant that
        // waits for its completion makes it a job.
        if !container_ports(service).is_empty() {
            continue;
        }
        let evidence = if service.get("restart").and_then(Value::as_str) == Some("no") {
            Some("it sets `restart: \"no\"` and publishes no port".to_string())
        } else if let Some(word) = command_words(service)
            .into_iter()
            .find(|w| JOB_WORDS.contains(&w.as_str()))
        {
            Some(format!("its command runs `{word}`"))
        } else if test_file
            && container_ports(service).is_empty()
            && service
                .get("image")
                .is_none_or(|_| service.get("command").is_some())
        {
            Some("it is in a test file and publishes no port".to_string())
        } else {
            None
        };
        if let Some(evidence) = evidence {
            jobs.insert(name.clone(), evidence);
        }
    }
    jobs
}

/// The words of a service's `command:` and `entrypoint:` (list or string),
/// lower case, split at spaces and shell operators; a path counts by its
/// last part only when it is the program (`./bin/migrate`), never as an
/// argument (`/etc/app/init`).
fn command_words(service: &Value) -> Vec<String> {
    let mut words = Vec::new();
    for key in ["entrypoint", "command"] {
        let parts: Vec<String> = match service.get(key) {
            Some(Value::String(line)) => vec![line.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => continue,
        };
        for (i, part) in parts.iter().enumerate() {
            for (j, word) in part
                .split(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|')
                .filter(|w| !w.is_empty())
                .enumerate()
            {
                let word = word.trim_matches(['"', '\'']).to_ascii_lowercase();
                let program = i == 0 && j == 0;
                match word.rsplit_once('/') {
                    Some((_, last)) if program => words.push(last.to_string()),
                    Some(_) => {}
                    None => words.push(word),
                }
            }
        }
    }
    words
}

/// The comments that go with a service: the comment lines right above
/// its name and every comment inside its mapping, each as its text after
/// `#`. A `#` inside a quoted value is taken for a comment too: what reads
/// these looks for warnings, and a false one only makes it more careful.
/// Only the service's own lines are read (a file of many services reads
/// each line about once).
pub fn comments<'a>(file: &'a ComposeFile, service: &Service) -> Vec<&'a str> {
    let text = file.text.as_str();
    let start = text[..service.key.start].rfind('\n').map_or(0, |at| at + 1);
    let end = text[service.node.end..]
        .find('\n')
        .map_or(text.len(), |at| service.node.end + at);
    let mut above: Vec<&str> = text[..start]
        .lines()
        .rev()
        .take_while(|line| line.trim_start().starts_with('#'))
        .collect();
    above.reverse();
    let mut found: Vec<&str> = above
        .into_iter()
        .filter_map(|line| line.split_once('#').map(|(_, comment)| comment.trim()))
        .collect();
    // The service's own lines: from each line's first `#` to its end,
    // found with one search per comment rather than one per line.
    let own = &text[start..end];
    let bytes = own.as_bytes();
    let mut from = 0;
    while let Some(at) = memchr::memchr(b'#', &bytes[from..]) {
        let hash = from + at;
        let line_end = memchr::memchr(b'\n', &bytes[hash..]).map_or(own.len(), |e| hash + e);
        found.push(own[hash + 1..line_end].trim());
        from = line_end;
    }
    found
}

/// Whether a service is a fragment of an overlay: it has neither `image`,
/// `build` nor `extends`, so what it runs is defined in a base file
/// elsewhere (DESIGN.md, truth 5).
pub fn is_fragment(service: &Value) -> bool {
    ["image", "build", "extends"]
        .iter()
        .all(|k| service.get(*k).is_none())
}

/// The value under `keys`, one mapping key after another
/// (`["deploy", "resources", "limits"]`): what `Value::pointer` finds for
/// `/deploy/resources/limits`, without splitting and unescaping a pointer.
pub fn nested<'a>(value: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(value, |value, key| value.get(key))
}

/// The image a service runs, if named.
pub fn image(service: &Value) -> Option<&str> {
    service.get("image").and_then(Value::as_str)
}

/// Where a service's Dockerfile is: (build context, Dockerfile path
/// relative to it, target stage).
pub fn build(service: &Value) -> Option<(String, String, Option<String>)> {
    match service.get("build")? {
        Value::String(context) => Some((context.clone(), "Dockerfile".into(), None)),
        Value::Object(build) => {
            if build.contains_key("dockerfile_inline") {
                return None;
            }
            let context = build
                .get("context")
                .and_then(Value::as_str)
                .unwrap_or(".")
                .to_string();
            let dockerfile = build
                .get("dockerfile")
                .and_then(Value::as_str)
                .unwrap_or("Dockerfile")
                .to_string();
            let target = build
                .get("target")
                .and_then(Value::as_str)
                .map(str::to_string);
            Some((context, dockerfile, target))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ComposeFile, InputError> {
        ComposeFile::parse(Source::new("compose.yaml", text.as_bytes().to_vec()))
    }

    #[test]
    fn a_services_comments_are_those_above_it_and_on_its_lines() {
        let text = "services:\r\n  # above: keep\r\n  api:   # on the key\r\n    image: \"a#b\"\r\n    # inside # twice\r\n    mem_limit: 1g #last";
        let file = parse(text).unwrap();
        let api = file.services().into_iter().next().unwrap();
        assert_eq!(
            comments(&file, &api),
            ["above: keep", "on the key", "b\"", "inside # twice", "last"]
        );
    }

    #[test]
    fn services_with_merges() {
        let file = parse("x-logging: &log\n  driver: json-file\nx-c: &c\n  restart: always\nservices:\n  api:\n    <<: *c\n    image: nginx\n").unwrap();
        let services = file.services();
        let api = services.iter().find(|s| s.name == "api").unwrap();
        assert_eq!(api.meaning["restart"], "always");
        assert_eq!(file.logging_anchor().as_deref(), Some("log"));
    }

    #[test]
    fn several_documents_are_one_file() {
        let text = "services:\n  api:\n    image: nginx\n---\nservices:\n  api:\n    restart: always\n  db:\n    image: postgres\n";
        let file = parse(text).unwrap();
        let services = file.services();
        let names: Vec<&str> = services.iter().map(|s| s.name).collect();
        assert_eq!(names, ["api", "db"]);
        assert_eq!(services[0].meaning["restart"], "always", "merged meaning");
        assert!(
            services[0].node.end < text.find("---").unwrap(),
            "edited where defined"
        );
        assert!(services[1].key.start > text.find("---").unwrap());
    }

    #[test]
    fn bad_shapes_are_errors() {
        let err = parse("services:\n  - api\n").unwrap_err();
        assert_eq!((err.line, err.col), (2, 3));
        assert!(parse("services:\n  api:\n    image: [\n").is_err());
        assert!(parse("- a\n").is_err());
        let err = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(err.line, 2);
    }

    #[test]
    fn ports() {
        let v: Value = serde_json::json!({"ports": ["8080:80", "127.0.0.1:9000:9000/tcp", "53:53/udp", {"target": 443, "published": 8443}], "expose": ["3000"]});
        assert_eq!(container_ports(&v), vec![80, 443, 3000, 9000]);
        assert_eq!(host_ports(&v), vec![8080, 9000, 53, 8443]);
        let v: Value = serde_json::json!({"ports": ["${PORT:-8080}:8080", "127.0.0.1:9000:${APP_PORT:-3000}"]});
        assert_eq!(container_ports(&v), vec![3000, 8080]);
        let v: Value = serde_json::json!({"ports": ["9090-9092:8000-8002"]});
        assert_eq!(host_ports(&v), vec![9090, 9091, 9092]);
    }
}
