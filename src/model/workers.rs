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
pub fn worker(hint: &ServiceHint, builders: &[&ServiceHint]) -> Option<String> {
    if serves(hint) {
        return None;
    }
    let servers: Vec<&str> = builders
        .iter()
        .filter(|b| b.name != hint.name && serves(b) && b.start != hint.start)
        .map(|b| b.name.as_str())
        .collect();
    (!servers.is_empty()).then(|| {
        format!(
            "it runs its own `command:`/`entrypoint:` and publishes no port, while {}, built from the same image, {} (a worker)",
            listed(&servers),
            if servers.len() == 1 { "serves" } else { "serve" }
        )
    })
}

/// Names shown in a message about one service: at most three, then how
/// many more (a service among a thousand built from one image gets a
/// message of one line, not a thousand names).
fn listed(names: &[&str]) -> String {
    const SHOWN: usize = 3;
    let shown: Vec<String> = names.iter().take(SHOWN).map(|n| format!("`{n}`")).collect();
    match names.len() {
        n if n <= SHOWN => shown.join(", "),
        n => format!("{} and {} more", shown.join(", "), n - SHOWN),
    }
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
        let all = [&server, &worker_, &replica];
        assert!(worker(&server, &all).is_none());
        assert!(worker(&worker_, &all).unwrap().contains("`server`"));
        assert!(worker(&replica, &all).is_none(), "runs what a server runs");
        let alone = [&worker_];
        assert!(worker(&worker_, &alone).is_none(), "no sibling");
        let image_start = hint("web", &[], None);
        assert!(worker(&worker_, &[&image_start, &worker_]).is_some());
        let beat = hint("beat", &[], Some("beat"));
        let two_workers = [&worker_, &beat];
        assert!(worker(&worker_, &two_workers).is_none(), "no server");
    }

    /// A worker beside many servers gets a one-line reason: three names,
    /// then how many more.
    #[test]
    fn a_reason_names_at_most_three_servers() {
        let servers: Vec<ServiceHint> = (0..1000)
            .map(|i| hint(&format!("web{i}"), &[8000], None))
            .collect();
        let worker_ = hint("worker", &[], Some("worker"));
        let mut all: Vec<&ServiceHint> = servers.iter().collect();
        all.push(&worker_);
        let why = worker(&worker_, &all).unwrap();
        assert!(why.contains("`web0`, `web1`, `web2` and 997 more"), "{why}");
        assert!(!why.contains("web3"), "{why}");
    }
}
