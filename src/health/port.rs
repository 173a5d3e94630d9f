//! Which port a probe targets, first match wins, each answer naming its
//! evidence (DESIGN.md, "What a probe targets"). No evidence, no probe.

use crate::settings::policy::Policy;
use crate::syntax::dockerfile::document::substitute;
use crate::syntax::dockerfile::{Dockerfile, Stage};

use crate::settings::policy::ServiceHint;
use crate::settings::FALLBACK_PORT;

/// A chosen port and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortChoice {
    /// The port.
    pub port: u16,
    /// Where it came from, for the diagnostic (`EXPOSE 8000 at line 12`).
    pub source: String,
}

/// Environment variables servers read their port from.
pub const PORT_VARS: &[&str] = &[
    "PORT",
    "FLASK_RUN_PORT",
    "UVICORN_PORT",
    "HTTP_PORT",
    "SERVER_PORT",
];

/// Resolves the probe port of a Dockerfile's `stage`; `Err` says why there is none.
pub fn resolve(doc: &Dockerfile, stage: &Stage, policy: &Policy) -> Result<PortChoice, String> {
    // A Compose service's evidence is about the stage it runs only.
    let hint = policy.service.as_ref().filter(|h| {
        h.runs(
            stage.name.as_deref(),
            stage.index == doc.final_stage().index,
        )
    });
    if let Some(port) = policy.overrides.port {
        return Ok(PortChoice {
            port,
            source: format!("--port {port}"),
        });
    }
    if let Some(hint) = hint {
        if let Some(port) = policy
            .service_config(&hint.name)
            .and_then(|s| s.health_port)
        {
            return Ok(PortChoice {
                port,
                source: format!(
                    "[services.{}] health_port in {}",
                    hint.name,
                    policy.config_name()
                ),
            });
        }
    }
    // A server with its plain port off: nothing a probe can reach.
    let own_start = hint.is_some_and(|h| h.start.is_some());
    if let Some(why) = hint
        .and_then(|h| h.plain_port_off.clone())
        .or_else(|| (!own_start).then(|| plain_port_off(doc, stage)).flatten())
    {
        return Err(why);
    }
    // The port the service really listens on, by its own command or
    // environment, beats the Dockerfile's EXPOSE and image defaults.
    if let Some([(port, source)]) = hint.map(|h| h.runtime_ports.as_slice()) {
        return Ok(PortChoice {
            port: *port,
            source: source.clone(),
        });
    }
    if let Some(port) = policy.config.health.port {
        return Ok(PortChoice {
            port,
            source: format!("[health] port in {}", policy.config_name()),
        });
    }
    if let Some(app) = &policy.app_port {
        return Ok(PortChoice {
            port: app.port,
            source: app.source.clone(),
        });
    }
    let metrics = metrics_ports(doc, stage);
    let mut exposed: Vec<(u16, usize)> = doc
        .exposed_ports(stage)
        .into_iter()
        .filter(|(p, _)| !metrics.contains(p))
        .collect();
    exposed.sort();
    exposed.dedup_by_key(|(p, _)| *p);
    if let [(port, at)] = exposed.as_slice() {
        let line = doc.instructions()[*at].first_line + 1;
        return Ok(PortChoice {
            port: *port,
            source: format!("EXPOSE {port} at line {line}"),
        });
    }
    if let Some(hint) = hint.filter(|_| exposed.is_empty()) {
        if let [port] = hint.ports.as_slice() {
            return Ok(PortChoice {
                port: *port,
                source: format!(
                    "service `{}` publishes container port {port} in {}",
                    hint.name,
                    crate::paths::display(&hint.compose)
                ),
            });
        }
    }
    let named = command_ports(doc, stage);
    let mut distinct: Vec<u16> = named.iter().map(|c| c.port).collect();
    distinct.sort();
    distinct.dedup();
    if distinct.len() == 1 {
        return Ok(named.into_iter().next().expect("one port"));
    }
    if exposed.is_empty() {
        let base = doc.base_image(stage);
        if let Some(known) = crate::model::images::lookup(&base) {
            if let [port] = known.expose.as_slice() {
                return Ok(PortChoice {
                    port: *port,
                    source: format!("EXPOSE {port} of base image {base}, per data/images.toml"),
                });
            }
        }
    }
    if policy.overrides.requested {
        return Ok(PortChoice {
            port: FALLBACK_PORT,
            source: format!("no port named anywhere, so the default {FALLBACK_PORT}"),
        });
    }
    if exposed.len() > 1 || distinct.len() > 1 {
        let mut all: Vec<u16> = exposed.iter().map(|(p, _)| *p).chain(distinct).collect();
        all.sort();
        all.dedup();
        let list: Vec<String> = all.iter().map(u16::to_string).collect();
        return Err(format!(
            "several ports ({}) and nothing says which serves health: {}",
            list.join(", "),
            match hint {
                Some(h) => format!("set `[services.{}] health_port`", h.name),
                None => "set `[services.NAME] health_port` for the Compose service that runs it, or `--port`".to_string(),
            }
        ));
    }
    // One port for every file ([health] port) would send a worker's probe to
    // the web app's port: the advice is per file, or per service.
    Err(match hint {
        Some(h) => format!(
            "no port to probe: if service `{}` serves, EXPOSE its port in its Dockerfile or set `[services.{}] health_port`; if it is a worker, it needs no probe (`# seaworthy: ignore[SW101]` above its FROM says so)",
            h.name, h.name
        ),
        None => "no port to probe: if it serves, EXPOSE its port in this Dockerfile (or set `[services.NAME] health_port` for the Compose service that runs it); if it is a worker, it needs no probe (`# seaworthy: ignore[SW101]` above its FROM says so)".to_string(),
    })
}

/// Every port the evidence says `stage`'s server may listen on, with where
/// each comes from: the ports settings name, the published and command
/// ports of the Compose services that run it, EXPOSE, the start command and environment,
/// a wrapper's metrics port, the base image's own EXPOSE. Empty when there
/// is no evidence at all (then nothing can be said about a port).
pub fn served_ports(doc: &Dockerfile, stage: &Stage, policy: &Policy) -> Vec<PortChoice> {
    let choice = |port: u16, source: String| PortChoice { port, source };
    // Every Compose service that runs the stage: any of them may serve.
    let hints = policy
        .service
        .iter()
        .chain(policy.builders.iter())
        .filter(|h| {
            h.runs(
                stage.name.as_deref(),
                stage.index == doc.final_stage().index,
            )
        });
    let mut out: Vec<PortChoice> = Vec::new();
    out.extend(
        policy
            .overrides
            .port
            .map(|p| choice(p, format!("--port {p}"))),
    );
    out.extend(
        policy
            .config
            .health
            .port
            .map(|p| choice(p, format!("[health] port in {}", policy.config_name()))),
    );
    out.extend(policy.app_port.clone().map(|a| choice(a.port, a.source)));
    for hint in hints {
        out.extend(
            policy
                .service_config(&hint.name)
                .and_then(|s| s.health_port)
                .map(|p| choice(p, format!("[services.{}] health_port", hint.name))),
        );
        out.extend(
            hint.runtime_ports
                .iter()
                .map(|(p, source)| choice(*p, source.clone())),
        );
        out.extend(hint.ports.iter().map(|p| {
            choice(
                *p,
                format!("service `{}` publishes container port {p}", hint.name),
            )
        }));
    }
    out.extend(doc.exposed_ports(stage).into_iter().map(|(p, at)| {
        let line = doc.instructions()[at].first_line + 1;
        choice(p, format!("EXPOSE {p} at line {line}"))
    }));
    out.extend(command_ports(doc, stage));
    out.extend(
        metrics_ports(doc, stage)
            .into_iter()
            .map(|p| choice(p, format!("the metrics port {p} of the start command"))),
    );
    let base = doc.base_image(stage);
    if let Some(known) = crate::model::images::lookup(&base) {
        out.extend(known.expose.iter().map(|p| {
            choice(
                *p,
                format!("EXPOSE {p} of base image {base}, per data/images.toml"),
            )
        }));
        out.extend(known.health_port.map(|p| {
            choice(
                p,
                format!("the default port {p} of base image {base}, per data/images.toml"),
            )
        }));
    }
    out
}

/// Ports a health-stage wrapper in the start command exports metrics on
/// (`--export-prom :9091`).
pub fn metrics_ports(doc: &Dockerfile, stage: &Stage) -> Vec<u16> {
    let start = doc.start_command(stage);
    let mut ports = Vec::new();
    for index in [start.entrypoint, start.cmd].into_iter().flatten() {
        let argv = doc.argv(index);
        let tokens: Vec<&str> = argv.iter().flat_map(|a| a.split_whitespace()).collect();
        for pair in tokens.windows(2) {
            if pair[0] == "--export-prom" {
                ports.extend(host_port(pair[1]));
            }
        }
        for token in &tokens {
            if let Some(value) = token.strip_prefix("--export-prom=") {
                ports.extend(host_port(value));
            }
        }
    }
    ports
}

/// A Compose service read as the Dockerfile it amounts to: `FROM image`, its
/// port variables (`environment:` PORT=N) as ENV, its `command:` as CMD; so
/// its port evidence is read exactly as a Dockerfile's. `None` when that
/// text does not parse (an image reference with odd characters). Each text
/// is parsed once per run: every pass asks again, for several rules.
pub fn as_dockerfile(
    compose: &std::path::Path,
    image: &str,
    service: &serde_json::Value,
) -> Option<std::sync::Arc<Dockerfile>> {
    use crate::model::project::{remembered, RunCache};
    static PARSED: RunCache<(std::ffi::OsString, String), Option<std::sync::Arc<Dockerfile>>> =
        RunCache::new();
    let mut text = format!("FROM {image}\n");
    if let Some(env) = service.get("environment") {
        for name in PORT_VARS {
            if let Some(value) = crate::model::compose::setting(env, name)
                .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
            {
                text.push_str(&format!("ENV {name}={value}\n"));
            }
        }
    }
    match service.get("command") {
        Some(serde_json::Value::Array(items)) => {
            let argv: Vec<String> = items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            text.push_str(&format!(
                "CMD {}\n",
                crate::health::probe::json_array(&argv)
            ));
        }
        Some(serde_json::Value::String(line)) if !line.contains(['\n', '\r', '\\']) => {
            text.push_str(&format!("CMD {line}\n"));
        }
        _ => {}
    }
    remembered(
        &PARSED,
        (compose.as_os_str().to_owned(), text),
        |(path, text)| {
            Dockerfile::parse(crate::source::Source::new(path, text.clone().into_bytes()))
                .ok()
                .map(std::sync::Arc::new)
        },
    )
}

/// What a Compose service tells the rules of the Dockerfile it builds,
/// with the ports its own `command:` and `environment:` name (they beat
/// the Dockerfile's EXPOSE: the service really listens there).
pub fn service_hint(
    compose: &std::path::Path,
    name: &str,
    service: &serde_json::Value,
) -> ServiceHint {
    let mut hint = crate::model::compose::service_hint(compose, name, service);
    if let Some(doc) = as_dockerfile(compose, "scratch", service) {
        let mut ports: Vec<(u16, String)> = command_ports(&doc, doc.final_stage())
            .into_iter()
            .map(|c| {
                let source = match c.source.split_once(" in CMD at line ") {
                    Some((flag, _)) => format!("{flag} in the `command:` of service `{name}`"),
                    None => format!(
                        "{} in the `environment:` of service `{name}`",
                        c.source.replace("ENV ", "")
                    ),
                };
                (c.port, source)
            })
            .collect();
        ports.sort();
        ports.dedup_by_key(|(p, _)| *p);
        hint.runtime_ports = ports;
        hint.plain_port_off = plain_port_off(&doc, doc.final_stage());
    }
    hint
}

/// Why a probe cannot reach the server `stage` starts: its start command
/// turns the plain TCP port off (`--port 0`, as in `redis-server --port 0
/// --tls-port 6379`). A probe of the TLS port would need the client
/// certificate the server asks for, which seaworthy cannot know; a plain
/// probe of any port can only fail.
pub fn plain_port_off(doc: &Dockerfile, stage: &Stage) -> Option<String> {
    let env = doc.env(stage);
    let start = doc.start_command(stage);
    let tokens: Vec<String> = [start.entrypoint, start.cmd]
        .into_iter()
        .flatten()
        .flat_map(|index| doc.argv(index))
        .flat_map(|a| {
            a.split_whitespace()
                .map(|t| substitute(t.trim_matches(|c| c == '"' || c == '\''), &env))
                .collect::<Vec<_>>()
        })
        .collect();
    let value = |flag: &str| {
        tokens
            .iter()
            .enumerate()
            .find_map(|(i, t)| match t.split_once('=') {
                Some((f, v)) if f == flag => Some(v.to_string()),
                _ if t == flag => tokens.get(i + 1).cloned(),
                _ => None,
            })
    };
    if value("--port").as_deref() != Some("0") {
        return None;
    }
    Some(match value("--tls-port") {
        Some(tls) => format!(
            "its command sets `--port 0` and serves TLS only (`--tls-port {tls}`): a probe would need the client certificate the server asks for, which seaworthy cannot know, so none is added; write a healthcheck that passes it (e.g. `redis-cli --tls --cert … --key … --cacert … -p {tls} ping`)"
        ),
        None => "its command sets `--port 0` (no plain port, or a random one): no probe can know where to reach it, so none is added".to_string(),
    })
}

/// Ports named by the start command (`--port N`, `-p N`, `--bind HOST:N`,
/// …) or by the environment (`PORT=N`).
pub fn command_ports(doc: &Dockerfile, stage: &Stage) -> Vec<PortChoice> {
    let env = doc.env(stage);
    let mut found = Vec::new();
    let start = doc.start_command(stage);
    for index in [start.entrypoint, start.cmd].into_iter().flatten() {
        let line = doc.instructions()[index].first_line + 1;
        let keyword = &doc.instructions()[index].keyword;
        let argv = doc.argv(index);
        let tokens: Vec<String> = argv
            .iter()
            .flat_map(|a| a.split_whitespace())
            .map(|t| substitute(t.trim_matches(|c| c == '"' || c == '\''), &env))
            .collect();
        let mut i = 0;
        while i < tokens.len() {
            let token = tokens[i].as_str();
            let next = tokens.get(i + 1).map(String::as_str);
            let (flag, value) = match token.split_once('=') {
                Some((f, v)) if f.starts_with('-') => (f, Some(v)),
                _ => (token, next),
            };
            let port = match (flag, value) {
                ("--port" | "--http-port" | "-p", Some(v)) => v.parse::<u16>().ok(),
                ("-b" | "--bind" | "--listen" | "--addr" | "--address", Some(v)) => host_port(v),
                ("runserver", Some(v)) => host_port(v).or_else(|| v.parse().ok()),
                _ => None,
            };
            if let Some(port) = port.filter(|&p| p > 0) {
                found.push(PortChoice {
                    port,
                    source: format!(
                        "`{flag} {}` in {keyword} at line {line}",
                        value.unwrap_or("")
                    ),
                });
            }
            i += 1;
        }
    }
    for var in PORT_VARS {
        if let Some(port) = env.get(*var).and_then(|v| v.trim().parse::<u16>().ok()) {
            found.push(PortChoice {
                port,
                source: format!("ENV {var}={port}"),
            });
        }
    }
    found
}

/// The port of `HOST:PORT`, `:PORT` or `[::]:PORT` (not unix sockets).
fn host_port(value: &str) -> Option<u16> {
    if value.starts_with("unix:") {
        return None;
    }
    let (_, port) = value.rsplit_once(':')?;
    port.parse().ok().filter(|&p| p > 0)
}

/// The port a HEALTHCHECK command targets, read from its text
/// (`127.0.0.1:8000`, `/dev/tcp/127.0.0.1/25`, `('127.0.0.1', 25)`,
/// `--port 8000`, `-p 5432`, `nc -z -w 4 127.0.0.1 8000`).
pub fn probed_port(text: &str) -> Option<u16> {
    let digits_after = |at: usize| -> Option<u16> {
        let digits: String = text[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    for host in [
        "127.0.0.1:",
        "localhost:",
        "[::1]:",
        "0.0.0.0:",
        "/dev/tcp/127.0.0.1/",
        "/dev/tcp/localhost/",
        "'127.0.0.1', ",
        "port: ",
    ] {
        if let Some(pos) = text.find(host) {
            if let Some(port) = digits_after(pos + host.len()) {
                return Some(port);
            }
        }
    }
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '"' || c == ',' || c == '[' || c == ']')
        .filter(|t| !t.is_empty())
        .collect();
    for (i, token) in tokens.iter().enumerate() {
        if let Some(v) = token.strip_prefix("--port=") {
            return v.parse().ok();
        }
        let next = tokens.get(i + 1).and_then(|v| v.parse().ok());
        if matches!(*token, "--port" | "-p") && next.is_some() {
            return next;
        }
        if matches!(*token, "127.0.0.1" | "localhost" | "::1") && next.is_some() {
            return next;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    fn port_of(text: &str) -> Result<u16, String> {
        let doc = Dockerfile::parse(Source::new("Dockerfile", text.as_bytes().to_vec())).unwrap();
        resolve(&doc, doc.final_stage(), &Policy::defaults()).map(|c| c.port)
    }

    #[test]
    fn evidence_order() {
        assert_eq!(port_of("FROM python\nEXPOSE 8000\n"), Ok(8000));
        assert_eq!(
            port_of("FROM python\nCMD uvicorn app:app --port 8001\n"),
            Ok(8001)
        );
        assert_eq!(
            port_of("FROM python\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:8002\", \"a:b\"]\n"),
            Ok(8002)
        );
        assert_eq!(
            port_of("FROM node\nENV PORT=3000\nCMD node s.js\n"),
            Ok(3000)
        );
        assert_eq!(
            port_of("FROM python\nCMD [\"manage.py\", \"runserver\", \"0.0.0.0:8000\"]\n"),
            Ok(8000)
        );
        assert!(port_of("FROM python\nCMD [\"python\", \"-m\", \"worker\"]\n").is_err());
        assert!(port_of("FROM python\nEXPOSE 8000 9000\n")
            .unwrap_err()
            .contains("8000, 9000"));
        assert_eq!(
            port_of("FROM python\nEXPOSE 8000 9000\nENV PORT=9000\n"),
            Ok(9000)
        );
        assert_eq!(
            port_of("FROM python\nARG PORT=8001\nEXPOSE $PORT\n"),
            Ok(8001)
        );
        assert_eq!(
            port_of("ARG PORT=8002\nFROM python\nARG PORT\nEXPOSE ${PORT}\n"),
            Ok(8002)
        );
        assert_eq!(
            port_of("FROM python\nENV PORT=8003\nCMD uvicorn app:app --port $PORT\n"),
            Ok(8003)
        );
    }

    #[test]
    fn metrics_port_is_not_the_health_port() {
        let text = "FROM python\nEXPOSE 8000 9091\nCMD [\"healthcheck\", \"--export-prom\", \":9091\", \"--\", \"app\"]\n";
        assert_eq!(port_of(text), Ok(8000));
    }

    #[test]
    fn reads_probed_ports() {
        assert_eq!(
            probed_port("CMD curl -f http://localhost:8080/ready || exit 1"),
            Some(8080)
        );
        assert_eq!(
            probed_port(r#"CMD ["/bin/portcheck", "--port", "3000"]"#),
            Some(3000)
        );
        assert_eq!(
            probed_port(r#"CMD ["nc", "-z", "127.0.0.1", "5000"]"#),
            Some(5000)
        );
        assert_eq!(
            probed_port(r#"CMD ["/bin/sh", "-c", "nc -z -w 4 127.0.0.1 5000 || exit 1"]"#),
            Some(5000)
        );
        assert_eq!(
            probed_port("CMD timeout 4 bash -c ': </dev/tcp/127.0.0.1/25' || exit 1"),
            Some(25)
        );
        assert_eq!(
            probed_port("CMD pg_isready -h 127.0.0.1 -p 5433 -t 4 -U postgres || exit 1"),
            Some(5433)
        );
        assert_eq!(probed_port("CMD true"), None);
    }
}
