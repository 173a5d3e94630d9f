//! Compose rules, one file each, and their context: the file, its settings,
//! the project's Dockerfiles, and which services a rule may look at.

pub mod sw201_healthcheck;
pub mod sw202_limits;
pub mod sw203_logging;
pub mod sw204_restart;
pub mod sw205_depends_on;
pub mod sw206_metrics_port;
pub mod sw207_log_level;
pub mod sw208_data_volume;
pub mod sw209_broken_healthcheck;

use serde_json::Value;

use super::Rule;
use crate::diagnostic::Diagnostic;
use crate::edit::{Edit, Fix, Written};
use crate::health::plan::{self as health_plan, HealthPlan};
use crate::model::compose::{is_fragment, ComposeFile, Service};
use crate::model::project::{Built, Project};
use crate::registry::{RuleMeta, Suppressions};
use crate::settings::policy::Policy;
use crate::source::Span;
use crate::syntax::yaml::splice;

/// What a Compose rule reads about one file, built once per pass.
pub struct Ctx<'a> {
    /// The file.
    pub file: &'a ComposeFile,
    /// Config and overrides.
    pub policy: &'a Policy,
    /// The project's Dockerfiles, after fixes.
    pub project: &'a Project,
    /// The file's editable services (not the ones it only overlays).
    services: Vec<Service<'a>>,
    /// Ignore comments and `[services.NAME] ignore`, by place.
    suppressions: &'a Suppressions,
    /// The health plan of each of `services`, made when first asked
    /// (SW201 and SW205 both ask).
    health: std::cell::OnceCell<Vec<HealthPlanResult>>,
    /// Why each of `services` is a worker, if it is one, found when first
    /// asked (SW201, SW205 and the health plans all ask).
    workers: std::cell::OnceCell<Vec<Option<String>>>,
    /// The one-shot jobs of the file, with their evidence.
    jobs: foldhash::HashMap<String, String>,
    /// Where each of `services` is in it, by name.
    index: foldhash::HashMap<&'a str, usize>,
    /// The text earlier passes of this run wrote.
    written: &'a Written,
}

/// What [`health_plan::plan`] returns for one service.
pub type HealthPlanResult = Result<Option<HealthPlan>, String>;

impl<'a> Ctx<'a> {
    /// What every rule reads about `file`; `partial` names the services
    /// this file only overlays (defined in a base Compose file beside it):
    /// partial by design, so no rule looks at them. `written` is the text
    /// earlier passes of this run wrote.
    pub fn new(
        file: &'a ComposeFile,
        policy: &'a Policy,
        project: &'a Project,
        partial: &[String],
        suppressions: &'a Suppressions,
        written: &'a Written,
    ) -> Ctx<'a> {
        let partial: foldhash::HashSet<&str> = partial.iter().map(String::as_str).collect();
        let services: Vec<Service<'a>> = file
            .services()
            .into_iter()
            .filter(|s| !partial.contains(s.name) && !is_fragment(s.meaning))
            .collect();
        let index = services
            .iter()
            .enumerate()
            .map(|(at, s)| (s.name, at))
            .collect();
        Ctx {
            file,
            policy,
            project,
            services,
            suppressions,
            health: std::cell::OnceCell::new(),
            workers: std::cell::OnceCell::new(),
            jobs: crate::model::compose::one_shot_jobs(file),
            index,
            written,
        }
    }

    /// Whether earlier passes of this run wrote all of `span`.
    pub fn written(&self, span: &Span) -> bool {
        self.written.holds(span)
    }

    /// Why `service` is a one-shot job (no probe, no restart policy, never
    /// gated on health), if it is one.
    pub fn one_shot(&self, service: &Service) -> Option<&str> {
        self.jobs.get(service.name).map(String::as_str)
    }

    /// Why `service` is a worker built from the same image as a server
    /// ([`crate::model::workers`]: no probe, never gated on health), if it
    /// is one.
    pub fn worker(&self, service: &Service) -> Option<String> {
        let find = |s: &Service| {
            self.project
                .worker(&self.file.source.path, s.name, s.meaning)
        };
        let workers = self
            .workers
            .get_or_init(|| self.services.iter().map(find).collect());
        match self.index.get(service.name) {
            Some(&at) => workers[at].clone(),
            None => find(service),
        }
    }

    /// What SW201 would insert for `service`, planned once per pass.
    pub fn health_plan(&self, service: &Service) -> HealthPlanResult {
        let plans = self.health.get_or_init(|| {
            self.services
                .iter()
                .map(|s| {
                    if self.one_shot(s).is_some() || self.worker(s).is_some() {
                        Ok(None)
                    } else {
                        health_plan::plan(self.file, self.policy, self.project, s)
                    }
                })
                .collect()
        });
        match self.index.get(service.name) {
            Some(&at) => plans[at].clone(),
            None => health_plan::plan(self.file, self.policy, self.project, service),
        }
    }
}

/// A Compose rule's check.
pub type Check = fn(&Ctx) -> Vec<Diagnostic>;

/// Every Compose rule, in ID order.
pub const RULES: &[Rule<Check>] = &[
    Rule {
        meta: &sw201_healthcheck::META,
        check: sw201_healthcheck::check,
    },
    Rule {
        meta: &sw202_limits::META,
        check: sw202_limits::check,
    },
    Rule {
        meta: &sw203_logging::META,
        check: sw203_logging::check,
    },
    Rule {
        meta: &sw204_restart::META,
        check: sw204_restart::check,
    },
    Rule {
        meta: &sw205_depends_on::META,
        check: sw205_depends_on::check,
    },
    Rule {
        meta: &sw206_metrics_port::META,
        check: sw206_metrics_port::check,
    },
    Rule {
        meta: &sw207_log_level::META,
        check: sw207_log_level::check,
    },
    Rule {
        meta: &sw208_data_volume::META,
        check: sw208_data_volume::check,
    },
    Rule {
        meta: &sw209_broken_healthcheck::META,
        check: sw209_broken_healthcheck::check,
    },
];

/// The services rule `code` looks at: those no ignore silences.
pub fn services<'a>(ctx: &Ctx<'a>, code: &str) -> Vec<Service<'a>> {
    ctx.services
        .iter()
        .filter(|s| !ctx.suppressions.silences(code, s.key.start))
        .copied()
        .collect()
}

/// The span diagnostics about a service point at: its name.
pub fn name_span(service: &Service) -> Span {
    service.key.start..service.key.end
}

/// A diagnostic of `rule` about `service`: with the fix, or, when placing
/// it failed, the message says why it was not done.
pub fn diagnostic(
    rule: &'static RuleMeta,
    service: &Service,
    message: String,
    fix: Option<Result<Fix, String>>,
) -> Diagnostic {
    let diagnostic = Diagnostic::new(rule, name_span(service), message);
    match fix {
        Some(fix) => diagnostic.with_fix(fix),
        None => diagnostic,
    }
}

/// Sets `name` in a service's `KEY=value` list or mapping under `key`
/// (`environment`, `labels`), in the style the service uses.
pub fn add_setting(
    file: &ComposeFile,
    service: &Service,
    key: &str,
    name: &str,
    value: &str,
) -> Result<Edit, String> {
    splice::add_setting(file, service.node, service.meaning, key, name, value)
        .map_err(|why| why.replace("{node}", &format!("service `{}`", service.name)))
}

/// Inserts `lines` under `parents` in a service (see [`splice::insert_under`]).
pub fn insert_nested(
    file: &ComposeFile,
    service: &Service,
    parents: &[&str],
    lines: &[String],
) -> Result<Edit, String> {
    splice::insert_under(file, service.node, service.meaning, parents, lines)
        .map_err(|why| why.replace("{node}", &format!("service `{}`", service.name)))
}

/// Whether a service has a health check: its own (not disabled) or its
/// image's HEALTHCHECK (from the Dockerfile it builds, after this run).
pub fn has_healthcheck(ctx: &Ctx, service: &Service) -> bool {
    if let Some(h) = service.meaning.get("healthcheck") {
        let none = h
            .get("test")
            .and_then(Value::as_array)
            .is_some_and(|t| t.first().and_then(Value::as_str) == Some("NONE"));
        return h.get("disable") != Some(&Value::Bool(true)) && !none;
    }
    inherits_healthcheck(ctx, service)
}

/// Whether the image `service` builds has a HEALTHCHECK (not `NONE`), from
/// the Dockerfile after this run.
pub fn inherits_healthcheck(ctx: &Ctx, service: &Service) -> bool {
    match ctx.project.built(&ctx.file.source.path, service.meaning) {
        Built::Stage(doc, stage, _) => doc.last_inherited(stage, "HEALTHCHECK").is_some_and(|i| {
            !doc.instructions()[i]
                .args
                .text()
                .trim()
                .eq_ignore_ascii_case("NONE")
        }),
        _ => false,
    }
}
