//! Which health route a probe targets, first match wins, each answer
//! naming its evidence (DESIGN.md, "What a probe targets"): a route written
//! in settings, else the one the app's own code declares (file and line,
//! [`crate::model::routes`]), else the `/healthz` an `[app_config]` implies.
//! No route: the probe only checks that the server answers.

use std::path::PathBuf;

use crate::health::port::PortChoice;
use crate::model::routes::{self, Choice};
use crate::settings::policy::Policy;
use crate::syntax::dockerfile::Dockerfile;

/// The route a probe targets, and what the message says about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteEvidence {
    /// The route and where it comes from; `None`: a lenient probe.
    pub route: Option<(String, String)>,
    /// Whether it was read from the app's code (the message names it).
    pub from_code: bool,
    /// The port the route is served on when the code says it is not the
    /// app's own (Spring's `management.server.port`), and where.
    pub port: Option<(u16, String)>,
    /// What the code showed but did not settle (several routes, or a route
    /// whose prefix is unsure), for the message.
    pub note: Option<String>,
}

/// The build context of the Dockerfile `doc` as the policy sees it: the
/// one of the Compose service that builds it, or the one every service
/// that builds it shares, else the Dockerfile's own folder.
pub fn context(doc: &Dockerfile, policy: &Policy) -> PathBuf {
    if let Some(context) = policy.service.as_ref().and_then(|h| h.context.clone()) {
        return context;
    }
    let mut shared = policy.builders.iter().map(|h| h.context.clone());
    if let Some(Some(first)) = shared.next() {
        if shared.all(|c| c.as_ref() == Some(&first)) {
            return first;
        }
    }
    match doc.source.path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The route a probe of `doc`'s image targets.
pub fn evidence(doc: &Dockerfile, policy: &Policy) -> RouteEvidence {
    if let Some(route) = policy.written_route() {
        return RouteEvidence {
            route: Some(route),
            ..RouteEvidence::default()
        };
    }
    let found = routes::discover(doc, &context(doc, policy));
    let (route, note) = match found.for_docker() {
        Choice::Route(route) => {
            return RouteEvidence {
                route: Some((
                    route.path.clone(),
                    format!("`{}` declared at {}", route.path, route.at()),
                )),
                from_code: true,
                port: route.port.clone(),
                note: None,
            }
        }
        Choice::Ambiguous(why) => (None, Some(why)),
        Choice::None(refused) => (
            None,
            refused.map(|why| format!("a health route in the code is not used: {why}")),
        ),
    };
    RouteEvidence {
        route: route.or_else(|| policy.app_config_route()),
        from_code: false,
        port: None,
        note,
    }
}

impl RouteEvidence {
    /// The route to probe on `port`: a route read from code is about the
    /// app's HTTP server, so it is not put on a port known not to speak
    /// HTTP (`data/ports.toml`: 5432, 6379…); a route written in settings
    /// is the user's word and always kept.
    pub fn route_on(&self, port: u16) -> Option<(String, String)> {
        if self.from_code && crate::model::ports::not_http(port).is_some() {
            return None;
        }
        self.route.clone()
    }

    /// The port the route is served on, when the code says it is not the
    /// app's own and no port is written in settings (`--port`,
    /// `[services.NAME] health_port`, `[health] port`, which win): it beats
    /// the image's EXPOSEd ports, since it names which one serves health.
    pub fn own_port(&self, policy: &Policy) -> Option<PortChoice> {
        let written = policy.overrides.port.is_some()
            || policy.config.health.port.is_some()
            || policy
                .service
                .as_ref()
                .and_then(|h| policy.service_config(&h.name))
                .is_some_and(|s| s.health_port.is_some());
        let (port, at) = self.port.as_ref().filter(|_| !written)?;
        Some(PortChoice {
            port: *port,
            source: format!("the health route's own port: {at}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_from_code_is_not_put_on_a_port_that_is_not_http() {
        let found = RouteEvidence {
            route: Some(("/health".into(), "`/health` declared at app.py:3".into())),
            from_code: true,
            ..RouteEvidence::default()
        };
        assert_eq!(found.route_on(5432), None);
        assert!(found.route_on(8000).is_some());
        let written = RouteEvidence {
            from_code: false,
            ..found
        };
        assert!(written.route_on(5432).is_some());
    }
}
