//! Which probe an image can run, and its exact command. Probes exit 0 or 1
//! only (Docker reserves 2): interpreters and static probes run in exec
//! form (no shell at all); curl, wget and nc, whose exit codes go past 1, run
//! as `/bin/sh -c "… || exit 1"` with the URL single-quoted (a route can hold
//! no quote, see [`valid_route`]).

use crate::settings::{Health, Style, DEFAULT_STAGE_IMAGE};
use crate::syntax::dockerfile::{Dockerfile, Stage};

/// The HEALTHCHECK options seaworthy writes.
pub const OPTIONS: &str = "--interval=30s --timeout=5s --start-period=10s --retries=3";

/// Folders on every image's PATH: a wrapper there can be called by name.
const PATH_DIRS: &[&str] = &[
    "/usr/local/bin",
    "/usr/bin",
    "/bin",
    "/usr/local/sbin",
    "/usr/sbin",
    "/sbin",
];

/// The HTTP client a probe uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// `python -c` with the standard library's urllib.
    Python,
    /// `node -e` with the http module.
    Node,
    /// curl, installed by the Dockerfile.
    Curl,
    /// busybox wget (and nc for a plain TCP check).
    Busybox,
    /// A static probe binary copied from a `healthcheck` stage.
    Stage,
}

impl Client {
    /// A short name for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Client::Python => "python urllib probe",
            Client::Node => "node http probe",
            Client::Curl => "curl probe",
            Client::Busybox => "busybox probe",
            Client::Stage => "static probe copied from a `healthcheck` stage",
        }
    }
}

/// What a probe checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The port.
    pub port: u16,
    /// A declared health route (strict check); `None` checks that the server answers.
    pub route: Option<String>,
}

impl Target {
    /// The URL probed.
    pub fn url(&self) -> String {
        format!(
            "http://127.0.0.1:{}{}",
            self.port,
            self.route.as_deref().unwrap_or("/")
        )
    }
}

/// The client `stage` can run and why; `Err` says why there is none (a
/// Windows image, or an unknown image with `style = instruction`).
pub fn choose(doc: &Dockerfile, stage: &Stage, style: Style) -> Result<(Client, String), String> {
    let image = doc.base_image(stage).to_ascii_lowercase();
    let without_digest = image.split('@').next().unwrap_or("");
    let last = without_digest.rsplit('/').next().unwrap_or("");
    let (name, tag) = last.split_once(':').unwrap_or((last, ""));
    let because = format!("base image {image}");
    if ["windows", "servercore", "nanoserver"]
        .iter()
        .any(|w| image.contains(w))
    {
        return Err(format!(
            "its base image `{image}` is a Windows image, and seaworthy's probes are Linux programs: write its HEALTHCHECK by hand"
        ));
    }
    if style == Style::Stage {
        return Ok((Client::Stage, "style = stage".into()));
    }
    let choice = if name == "scratch" || image.contains("distroless") {
        None
    } else if name.starts_with("python") || tag.contains("python") {
        Some((Client::Python, because))
    } else if name.starts_with("node") {
        Some((Client::Node, because))
    } else if let Some(line) = installs_curl(doc, stage) {
        Some((Client::Curl, format!("curl installed at line {line}")))
    } else if name == "alpine" || name == "busybox" || tag.contains("alpine") {
        Some((Client::Busybox, because))
    } else {
        None
    };
    match (choice, style) {
        (Some(c), _) => Ok(c),
        (None, Style::Instruction) => Err(format!(
            "its base image `{image}` has no HTTP client seaworthy knows"
        )),
        (None, _) => Ok((
            Client::Stage,
            format!("base image {image} has no known HTTP client"),
        )),
    }
}

/// The line (1-based) of a RUN in `stage`'s chain that installs curl with a
/// package manager.
pub fn installs_curl(doc: &Dockerfile, stage: &Stage) -> Option<usize> {
    doc.inherited(stage).into_iter().find_map(|i| {
        if doc.instructions()[i].keyword != "RUN" {
            return None;
        }
        let script = doc.script(i);
        let installs = script.split(['\n', ';', '&', '|']).any(|segment| {
            let words: Vec<&str> = segment.split_whitespace().collect();
            let manager = words.iter().position(|w| {
                matches!(
                    *w,
                    "apt-get" | "apt" | "apk" | "dnf" | "yum" | "microdnf" | "zypper"
                )
            });
            let Some(m) = manager else { return false };
            let verb = words[m + 1..]
                .iter()
                .any(|w| matches!(*w, "install" | "add" | "in"));
            verb && words[m + 1..]
                .iter()
                .any(|w| *w == "curl" || w.starts_with("curl=") || w.starts_with("curl-"))
        });
        installs.then(|| doc.instructions()[i].first_line + 1)
    })
}

/// The probe binary and its arguments for the copied-probe stage.
pub fn stage_command(health: &Health, target: &Target) -> Vec<String> {
    let default_layout = health.stage_image == DEFAULT_STAGE_IMAGE
        && health.stage_binary.is_none()
        && health.stage_probe_args.is_none();
    let (binary, args) = if default_layout && target.route.is_none() {
        (
            "/bin/portcheck".to_string(),
            vec!["--port".to_string(), "{port}".to_string()],
        )
    } else {
        (
            stage_binary(health),
            health
                .stage_probe_args
                .clone()
                .unwrap_or_else(|| vec!["{url}".to_string()]),
        )
    };
    std::iter::once(binary)
        .chain(args.into_iter().map(|a| {
            a.replace("{url}", &target.url())
                .replace("{port}", &target.port.to_string())
        }))
        .collect()
}

/// Where the stage image keeps its probe binary.
pub fn stage_binary(health: &Health) -> String {
    health
        .stage_binary
        .clone()
        .unwrap_or_else(|| "/bin/httpcheck".to_string())
}

/// How the start command calls the wrapper: by name when it sits on PATH.
pub fn wrapper_name(health: &Health) -> String {
    let binary = stage_binary(health);
    match binary.rsplit_once('/') {
        Some((dir, name)) if PATH_DIRS.contains(&dir) => name.to_string(),
        _ => binary,
    }
}

/// A probe command: exec form, or a shell line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// `["python", "-c", "…"]`, run without a shell.
    Exec(Vec<String>),
    /// `curl … || exit 1`, run by the image's shell (written as
    /// `["/bin/sh", "-c", "…"]` in a Dockerfile: hadolint's DL3025 wants
    /// JSON notation, and `CMD-SHELL` in Compose).
    Shell(String),
}

impl Probe {
    /// The text after `HEALTHCHECK … CMD `.
    pub fn render(&self) -> String {
        match self {
            Probe::Exec(argv) => json_array(argv),
            Probe::Shell(line) => {
                json_array(&["/bin/sh".to_string(), "-c".to_string(), line.clone()])
            }
        }
    }
}

/// The probe command for `client`.
pub fn command(client: Client, target: &Target, health: &Health) -> Probe {
    let url = target.url();
    let strict = target.route.is_some();
    let shell = |line: String| Probe::Shell(format!("{line} || exit 1"));
    Probe::Exec(match client {
        Client::Python => {
            let code = if strict {
                format!("import urllib.request as r\nr.urlopen('{url}', timeout=4)")
            } else {
                format!(
                    "import urllib.request as r, urllib.error as e\ntry: r.urlopen('{url}', timeout=4)\nexcept e.HTTPError: pass"
                )
            };
            vec!["python".into(), "-c".into(), code]
        }
        Client::Node => {
            let on_response = if strict {
                "r => process.exit(r.statusCode < 400 ? 0 : 1)"
            } else {
                "() => process.exit(0)"
            };
            let code = format!(
                "require('http').get('{url}', {on_response}).on('error', () => process.exit(1)).setTimeout(4000, () => process.exit(1))"
            );
            vec!["node".into(), "-e".into(), code]
        }
        Client::Curl if strict => return shell(format!("curl -fsS -o /dev/null '{url}'")),
        Client::Curl => return shell(format!("curl -sS -o /dev/null '{url}'")),
        Client::Busybox if strict => return shell(format!("wget -q --spider '{url}'")),
        Client::Busybox => return shell(format!("nc -z 127.0.0.1 {}", target.port)),
        Client::Stage => stage_command(health, target),
    })
}

/// `argv` as a JSON array, the exec form Docker reads.
pub fn json_array(argv: &[String]) -> String {
    let items: Vec<String> = argv
        .iter()
        .map(|a| serde_json::to_string(a).expect("strings serialise"))
        .collect();
    format!("[{}]", items.join(", "))
}

/// Whether a route is safe to put in a URL inside a probe: it starts with
/// `/` and holds only URL characters, no quotes, spaces or shell syntax.
pub fn valid_route(route: &str) -> bool {
    route.starts_with('/')
        && route
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-._~%?=&+:@".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    fn client_of(text: &str) -> Option<Client> {
        let doc = Dockerfile::parse(Source::new("Dockerfile", text.as_bytes().to_vec())).unwrap();
        choose(&doc, doc.final_stage(), Style::Auto)
            .ok()
            .map(|(c, _)| c)
    }

    #[test]
    fn chooses_by_base_image() {
        assert_eq!(client_of("FROM python:3.12-slim\n"), Some(Client::Python));
        assert_eq!(
            client_of("FROM tiangolo/uvicorn-gunicorn-fastapi:python3.9-slim\n"),
            Some(Client::Python)
        );
        assert_eq!(client_of("FROM node:20-alpine\n"), Some(Client::Node));
        assert_eq!(client_of("FROM nginx:1.27-alpine\n"), Some(Client::Busybox));
        assert_eq!(
            client_of("FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"),
            None
        );
        assert_eq!(
            client_of("FROM gcr.io/distroless/nodejs20-debian12\n"),
            Some(Client::Stage)
        );
        assert_eq!(client_of("FROM scratch\n"), Some(Client::Stage));
        assert_eq!(
            client_of("FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"),
            Some(Client::Curl)
        );
        assert_eq!(
            client_of("FROM python:3.12 AS b\nFROM b\n"),
            Some(Client::Python)
        );
        assert_eq!(
            client_of("FROM debian:12 AS b\nRUN apk add curl\nFROM debian:12\n"),
            Some(Client::Stage)
        );
    }

    #[test]
    fn routes_with_shell_syntax_are_refused() {
        assert!(valid_route("/healthz"));
        assert!(valid_route("/api/v1/health?full=1"));
        for bad in [
            "healthz", "/a'b", "/a b", "/$(id)", "/`id`", "/a;b", "/a\"b", "/a\nb",
        ] {
            assert!(!valid_route(bad), "{bad:?}");
        }
    }

    #[test]
    fn lenient_and_strict_commands() {
        let health = Health::default();
        let lenient = Target {
            port: 8000,
            route: None,
        };
        let strict = Target {
            port: 8000,
            route: Some("/healthz".into()),
        };
        assert_eq!(
            command(Client::Stage, &lenient, &health).render(),
            r#"["/bin/portcheck", "--port", "8000"]"#
        );
        assert_eq!(
            command(Client::Stage, &strict, &health).render(),
            r#"["/bin/httpcheck", "http://127.0.0.1:8000/healthz"]"#
        );
        assert_eq!(
            command(Client::Curl, &strict, &health).render(),
            r#"["/bin/sh", "-c", "curl -fsS -o /dev/null 'http://127.0.0.1:8000/healthz' || exit 1"]"#
        );
        assert_eq!(
            command(Client::Busybox, &lenient, &health),
            Probe::Shell("nc -z 127.0.0.1 8000 || exit 1".into())
        );
        assert!(command(Client::Python, &lenient, &health)
            .render()
            .contains("HTTPError"));
    }
}
