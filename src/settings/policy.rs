//! What the rules are asked to do for one file: the config that applies to
//! it plus the command line's overrides.

use std::sync::Arc;

use crate::registry;
use crate::settings::{Config, Style};

/// Command-line choices that outrank the config file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--port`.
    pub port: Option<u16>,
    /// `--path`.
    pub path: Option<String>,
    /// `--style`.
    pub style: Option<Style>,
    /// `--select` (replaces the config's select).
    pub select: Option<Vec<String>>,
    /// `--ignore` (added to the config's ignore).
    pub ignore: Vec<String>,
    /// `--unsafe-fixes`.
    pub unsafe_fixes: bool,
    /// The user asked for a health check on this one file
    /// (`fix-dockerfile-healthcheck`): with no port evidence, use 8080 and say so.
    pub requested: bool,
}

/// What a Compose service says about the Dockerfile it builds: its name
/// (for `[services.NAME]`) and the container ports it publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceHint {
    /// The service name.
    pub name: String,
    /// The Compose file that names it.
    pub compose: std::path::PathBuf,
    /// Container ports from `ports:` and `expose:`.
    pub ports: Vec<u16>,
    /// The stage it builds (`build.target`); `None`: the final stage.
    pub target: Option<String>,
    /// Its `platform:` (`linux/amd64`, `wasi/wasm`), if set.
    pub platform: Option<String>,
    /// Ports its own `command:` or `environment:` names, with where.
    pub runtime_ports: Vec<(u16, String)>,
    /// Its own `entrypoint:` and `command:` as written (JSON text); `None`
    /// when it sets neither and so runs the image's start command.
    pub start: Option<String>,
    /// Why nothing can probe it, when its own `command:` turns the plain
    /// port off (`--port 0`).
    pub plain_port_off: Option<String>,
    /// Its build context (`build.context` beside the Compose file), when
    /// it builds from a local folder: where its app's code is read.
    pub context: Option<std::path::PathBuf>,
    /// Whether it turns the image's HEALTHCHECK off
    /// (`healthcheck: {disable: true}`, `test: ["NONE"]`): what the image
    /// declares is not run for it.
    pub probe_disabled: bool,
}

impl ServiceHint {
    /// Whether the service runs the stage named `name` (`final_stage`:
    /// whether that stage is the Dockerfile's last): its evidence is about
    /// that stage only, never another's.
    pub fn runs(&self, name: Option<&str>, final_stage: bool) -> bool {
        match &self.target {
            None => final_stage,
            Some(target) => name.is_some_and(|n| n.eq_ignore_ascii_case(target)),
        }
    }
}

/// The health port the app's own config declares (`[app_config]`), and
/// where it was read: read once per config by the planner, since settings
/// read no documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPort {
    /// The port.
    pub port: u16,
    /// Where it came from, for diagnostics.
    pub source: String,
}

/// The config for one file and the overrides, with the questions rules ask.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The config that applies to the file.
    pub config: Arc<Config>,
    /// The command line's choices.
    pub overrides: Overrides,
    /// For a Dockerfile one Compose service builds: that service.
    pub service: Option<ServiceHint>,
    /// Every Compose service that builds the Dockerfile (when several do,
    /// `service` is `None`: none of them speaks for the image alone).
    pub builders: Arc<[ServiceHint]>,
    /// The health port of the configured app config, when there is one.
    pub app_port: Option<AppPort>,
}

impl Policy {
    /// A policy from a config and overrides.
    pub fn new(config: Arc<Config>, overrides: Overrides) -> Policy {
        Policy {
            config,
            overrides,
            service: None,
            builders: Arc::from([]),
            app_port: None,
        }
    }

    /// The same policy for the Dockerfile of a Compose service.
    pub fn for_service(mut self, hint: Option<ServiceHint>) -> Policy {
        self.service = hint;
        self
    }

    /// The same policy for a Dockerfile that the Compose services
    /// `builders` build: the one that does speaks for the image.
    pub fn for_builders(self, builders: Arc<[ServiceHint]>) -> Policy {
        let hint = match &*builders {
            [one] => Some(one.clone()),
            _ => None,
        };
        Policy {
            builders,
            ..self.for_service(hint)
        }
    }

    /// The `[services.NAME]` section for `name`.
    pub fn service_config(&self, name: &str) -> Option<&crate::settings::Service> {
        self.config.services.get(name)
    }

    /// Whether `code` is ignored for service `name` by its config section.
    pub fn ignored_for_service(&self, name: &str, code: &str) -> bool {
        self.service_config(name)
            .is_some_and(|s| s.ignore.iter().any(|p| registry::matches(code, p)))
    }

    /// Defaults only (tests and benchmarks).
    pub fn defaults() -> Policy {
        Policy::new(Arc::new(Config::default()), Overrides::default())
    }

    /// Whether rule `code` runs, by select and ignore prefixes.
    pub fn enabled(&self, code: &str) -> bool {
        let select = self
            .overrides
            .select
            .as_ref()
            .unwrap_or(&self.config.rules.select);
        let selected = select.is_empty() || select.iter().any(|p| registry::matches(code, p));
        let ignored = self
            .config
            .rules
            .ignore
            .iter()
            .chain(&self.overrides.ignore)
            .any(|p| registry::matches(code, p));
        selected && !ignored
    }

    /// The health check style in force.
    pub fn style(&self) -> Style {
        self.overrides.style.unwrap_or(self.config.health.style)
    }

    /// The declared health route, if any, and where it was declared: one
    /// written in settings ([`Policy::written_route`]), else the one an
    /// `[app_config]` implies.
    pub fn declared_route(&self) -> Option<(String, String)> {
        self.written_route().or_else(|| self.app_config_route())
    }

    /// The `/healthz` an `[app_config]` section says the app serves, if any.
    pub fn app_config_route(&self) -> Option<(String, String)> {
        self.config.app_config.as_ref().map(|_| {
            (
                "/healthz".into(),
                format!(
                    "[app_config] in {}: the app serves /healthz",
                    self.config_name()
                ),
            )
        })
    }

    /// The health route written in settings (`--path`, `[services.NAME]
    /// health_path`, `[health] path`), if any, and where: it beats what
    /// the app's code declares.
    pub fn written_route(&self) -> Option<(String, String)> {
        if let Some(path) = &self.overrides.path {
            return Some((path.clone(), "--path".into()));
        }
        if let Some(hint) = &self.service {
            if let Some(path) = self
                .service_config(&hint.name)
                .and_then(|s| s.health_path.clone())
            {
                return Some((
                    path,
                    format!(
                        "[services.{}] health_path in {}",
                        hint.name,
                        self.config_name()
                    ),
                ));
            }
        }
        if let Some(path) = &self.config.health.path {
            return Some((
                path.clone(),
                format!("[health] path in {}", self.config_name()),
            ));
        }
        None
    }

    /// How the config file is named in messages.
    pub fn config_name(&self) -> String {
        self.config
            .origin
            .as_deref()
            .map_or_else(|| "defaults".into(), crate::paths::display)
    }
}
