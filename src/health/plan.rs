//! The per-service health plan: the healthcheck a Compose service would get
//! (its image's documented check, or the probe of the Dockerfile it builds),
//! on evidence, or why it gets none. SW201 inserts it; SW205 asks whether a
//! dependency will have one.

use crate::health::port;
use crate::health::probe::{self, Probe, Target};
use crate::model::compose::{self, ComposeFile, Service};
use crate::model::images::Reference;
use crate::model::project::{Built, Project};
use crate::settings::policy::Policy;
use crate::settings::Style;

/// The healthcheck SW201 would insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthPlan {
    /// The `test` array.
    pub test: Vec<String>,
    /// A start period other than the default.
    pub start_period: Option<String>,
    /// Where the command and port come from.
    pub evidence: String,
}

/// A probe as a Compose `test` array: exec form after `CMD`, a shell line
/// as `CMD-SHELL` with `$` escaped from Compose's interpolation.
pub fn test_of(probe: Probe) -> Vec<String> {
    match probe {
        Probe::Exec(argv) => std::iter::once("CMD".to_string()).chain(argv).collect(),
        Probe::Shell(line) => vec!["CMD-SHELL".to_string(), line.replace('$', "$$")],
    }
}

/// What SW201 would insert for a service in `file` (`None`: it needs nothing), or why it cannot.
pub fn plan(
    file: &ComposeFile,
    policy: &Policy,
    project: &Project,
    service: &Service,
) -> Result<Option<HealthPlan>, String> {
    let platform = service.meaning.get("platform").and_then(|p| p.as_str());
    if service.meaning.get("healthcheck").is_none() {
        if let Some(why) = probe::not_linux(platform) {
            return Err(why);
        }
    }
    if service.meaning.get("healthcheck").is_some() {
        return Ok(None);
    }
    match project.built(&file.source.path, service.meaning) {
        Built::Stage(doc, stage, path) => {
            if doc.last_inherited(stage, "HEALTHCHECK").is_some() {
                return Ok(None);
            }
            let policy = policy.clone().for_service(Some(port::service_hint(
                &file.source.path,
                service.name,
                service.meaning,
            )));
            let found = crate::health::route::evidence(doc, &policy);
            let choice = match found.own_port(&policy) {
                Some(own) => own,
                None => port::resolve(doc, stage, &policy)?,
            };
            let route = found.route_on(choice.port).map(|(p, _)| p);
            if route.as_deref().is_some_and(|r| !probe::valid_route(r)) {
                return Err("its health route is not a plain URL path".into());
            }
            let target = Target::new(choice.port, route);
            let (client, why) = probe::choose(doc, stage, Style::Instruction, &target).map_err(|why| {
                format!(
                    "{why}: give the Dockerfile a HEALTHCHECK (`seaworthy fix-dockerfile-healthcheck {}`)",
                    crate::paths::display(&path)
                )
            })?;
            let test = test_of(probe::command(client, &target, &policy.config.health)?);
            let mut evidence = format!(
                "the {} of its Dockerfile's image ({why}) on port {} ({})",
                client.describe(),
                choice.port,
                choice.source
            );
            if let (true, Some((_, from))) = (found.from_code, found.route_on(choice.port)) {
                evidence.push_str(&format!(
                    "; {} ({from})",
                    target.accepts(client, &policy.config.health)
                ));
            }
            if let Some(note) = &found.note {
                evidence.push_str(&format!("; {note}"));
            }
            Ok(Some(HealthPlan {
                test,
                start_period: None,
                evidence,
            }))
        }
        Built::Unreadable(path) => Err(format!(
            "its Dockerfile `{}` (or its target stage) cannot be read",
            crate::paths::display(&path)
        )),
        Built::No if compose::image(service.meaning).is_none() => Err(
            "it builds from a remote or inline Dockerfile seaworthy cannot read: add a healthcheck"
                .into(),
        ),
        Built::No => {
            let image = compose::image(service.meaning).unwrap_or("");
            let reference = Reference::parse(image);
            let known = crate::model::images::lookup(image);
            if known.is_some_and(|k| k.has_healthcheck) {
                return Ok(None);
            }
            // The documented checks speak the plain port, the default one.
            let started = port::as_dockerfile(&file.source.path, "scratch", service.meaning);
            if let Some(doc) = &started {
                if let Some(why) = port::plain_port_off(doc, doc.final_stage()) {
                    return Err(why);
                }
                let moved =
                    known
                        .and_then(|k| Some((k.health_port?, k)))
                        .and_then(|(default, k)| {
                            port::command_ports(doc, doc.final_stage())
                                .into_iter()
                                .find(|choice| choice.port != default)
                                .map(|choice| (default, choice, k))
                        });
                if let Some((default, choice, k)) = moved {
                    // The stand-in Dockerfile's line numbers mean nothing
                    // to the user: name the Compose key instead.
                    let what = match choice.source.rsplit_once(" in ") {
                        Some((flag, _)) => format!("{flag} in its `command:`"),
                        None => format!("{} in its `environment:`", choice.source),
                    };
                    return Err(format!(
                        "its command moves the server to port {} ({what}), but the documented check of `{}` talks to its default port {default}: write a healthcheck for port {}",
                        choice.port, k.name, choice.port
                    ));
                }
            }
            match known.and_then(|k| Some((k.health_at(&reference)?, k))) {
                Some(((test, older), known)) => Ok(Some(HealthPlan {
                    test: test.to_vec(),
                    start_period: known.start_period.clone(),
                    evidence: if older {
                        format!("the check that `{}` images before the documented one have (tag {} predates it; data/images.toml cites its source)", known.name, reference.tag)
                    } else {
                        format!("the documented check of `{}` (data/images.toml cites its source)", known.name)
                    },
                })),
                None if RUNTIMES.contains(&reference.name()) => {
                    runtime_plan(file, policy, service, image)
                }
                None => Err(format!(
                    "no health command is known for image `{image}`: add a healthcheck, or add the image to data/images.toml"
                )),
            }
        }
    }
}

/// Language runtime images: a service that runs one with a server command
/// gets the probe a Dockerfile on the same base would get.
const RUNTIMES: &[&str] = &["python", "pypy", "node"];

/// The health plan of a service that runs a language runtime image
/// directly: the service is read as the Dockerfile it amounts to (`FROM
/// image`, its port variables as `ENV`, its `command:` as `CMD`), so the
/// probe and the port come from the same evidence SW101 reads.
fn runtime_plan(
    file: &ComposeFile,
    policy: &Policy,
    service: &Service,
    image: &str,
) -> Result<Option<HealthPlan>, String> {
    let unknown = || {
        format!("no health command is known for image `{image}` and its service gives no port to probe: add a healthcheck")
    };
    let doc = port::as_dockerfile(&file.source.path, image, service.meaning).ok_or_else(unknown)?;
    let stage = doc.final_stage();
    let policy = policy.clone().for_service(Some(port::service_hint(
        &file.source.path,
        service.name,
        service.meaning,
    )));
    let choice = port::resolve(&doc, stage, &policy).map_err(|_| unknown())?;
    let route = policy.declared_route().map(|(p, _)| p);
    if route.as_deref().is_some_and(|r| !probe::valid_route(r)) {
        return Err("its health route is not a plain URL path".into());
    }
    let target = Target::new(choice.port, route);
    let (client, why) = probe::choose(&doc, stage, Style::Instruction, &target)?;
    let test = test_of(probe::command(client, &target, &policy.config.health)?);
    // The service's own ports come first (its hint), so the evidence names
    // its keys, not lines of the Dockerfile it was read as.
    let source = &choice.source;
    Ok(Some(HealthPlan {
        test,
        start_period: None,
        evidence: format!(
            "the {} of its runtime image ({why}) on port {} ({source}); {}",
            client.describe(),
            choice.port,
            target.accepts(client, &policy.config.health)
        ),
    }))
}
