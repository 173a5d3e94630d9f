//! Services that build the same Dockerfile stage, and which of them are
//! workers (DESIGN.md, truth 3: only servers get probes). An image's
//! HEALTHCHECK is inherited by every service that runs the image; a worker
//! built from the web app's Dockerfile (redash's `scheduler` and `worker`)
//! would inherit a probe of a port it never serves.
//!
//! A service is a **worker** when all of these hold:
//! 1. another service builds the same Dockerfile stage (same file, same
//!    `build.target`, or both the final stage);
//! 2. it publishes no container port (`ports:`, `expose:`) and its own
//!    `command:` and `environment:` name none (`--port N`, `PORT=N`);
//! 3. it sets its own `command:` or `entrypoint:`;
//! 4. one of those other services serves (it publishes or names a port, or
//!    runs the image's own start command) and starts differently.
//!
//! Such a service runs something else than the server the Dockerfile
//! describes, so the Dockerfile's port evidence (EXPOSE, its CMD's flags)
//! is not about it.

use crate::settings::policy::ServiceHint;

/// Whether a service shows that it serves: it publishes or names a port,
/// or runs the image's own start command (which the Dockerfile's evidence
/// describes).
pub fn serves(hint: &ServiceHint) -> bool {
    !hint.ports.is_empty() || !hint.runtime_ports.is_empty() || hint.start.is_none()
}

/// Why `hint` is a worker among `builders` (every service that builds the
/// same stage, `hint` among them), or `None` when it is not one.
pub fn worker(hint: &ServiceHint, builders: &[ServiceHint]) -> Option<String> {
    if serves(hint) {
        return None;
    }
    let servers: Vec<String> = builders
        .iter()
        .filter(|b| b.name != hint.name && serves(b) && b.start != hint.start)
        .map(|b| format!("`{}`", b.name))
        .collect();
    (!servers.is_empty()).then(|| {
        format!(
            "it runs its own `command:`/`entrypoint:` and publishes no port, while {}, built from the same image, serves (a worker)",
            servers.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(name: &str, ports: &[u16], start: Option<&str>) -> ServiceHint {
        ServiceHint {
            name: name.into(),
            compose: "compose.yaml".into(),
            ports: ports.to_vec(),
            target: None,
            platform: None,
            runtime_ports: Vec::new(),
            start: start.map(str::to_string),
            plain_port_off: None,
            context: None,
            probe_disabled: false,
        }
    }

    #[test]
    fn workers_differ_from_a_serving_sibling() {
        let server = hint("server", &[5000], Some("server"));
        let worker_ = hint("worker", &[], Some("worker"));
        let replica = hint("replica", &[], Some("server"));
        let all = [server.clone(), worker_.clone(), replica.clone()];
        assert!(worker(&server, &all).is_none());
        assert!(worker(&worker_, &all).unwrap().contains("`server`"));
        assert!(worker(&replica, &all).is_none(), "runs what a server runs");
        let alone = [worker_.clone()];
        assert!(worker(&worker_, &alone).is_none(), "no sibling");
        let image_start = hint("web", &[], None);
        assert!(worker(&worker_, &[image_start, worker_.clone()]).is_some());
        let two_workers = [worker_.clone(), hint("beat", &[], Some("beat"))];
        assert!(worker(&worker_, &two_workers).is_none(), "no server");
    }
}
