//! Which probe an image can run, and its exact command. Probes exit 0 or 1
//! only (Docker reserves 2): interpreters and static probes run in exec
//! form (no shell at all); curl, wget and nc, whose exit codes go past 1, run
//! as `/bin/sh -c "… || exit 1"` with the URL single-quoted (a route can hold
//! no quote, see [`valid_route`]).

use crate::health::installed::{Base, Installed};
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

/// What a probe runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// `python -c` with the standard library (urllib, or a socket for TCP).
    Python,
    /// The same for Python 2 images (`urllib2`).
    Python2,
    /// `node -e` with the http module (or net for TCP).
    Node,
    /// curl, installed by the Dockerfile (and not removed).
    Curl,
    /// busybox wget (and nc for a TCP check).
    Busybox,
    /// bash's `/dev/tcp` under coreutils `timeout`: a TCP check in a glibc
    /// distribution's image that has no other client.
    Bash,
    /// A static probe binary copied from a `healthcheck` stage.
    Stage,
    /// `pg_isready`, in an image that installs PostgreSQL.
    PgIsready,
    /// `redis-cli ping`, in an image that installs Redis.
    RedisCli,
    /// The documented check of a known server image the stage is built on
    /// (`data/images.toml`), as Compose writes it.
    Image(&'static [String]),
}

impl Client {
    /// A short name for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Client::Python => "python urllib probe",
            Client::Python2 => "python 2 urllib2 probe",
            Client::Node => "node http probe",
            Client::Curl => "curl probe",
            Client::Busybox => "busybox probe",
            Client::Bash => "bash /dev/tcp probe",
            Client::Stage => "static probe copied from a `healthcheck` stage",
            Client::PgIsready => "pg_isready probe",
            Client::RedisCli => "redis-cli probe",
            Client::Image(_) => "documented check of its base image",
        }
    }
}

/// What the probed port speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaks {
    /// HTTP (the default: most servers a Dockerfile builds are web apps).
    Http,
    /// Something else whose server speaks first (`greets` in
    /// `data/ports.toml`: an SMTP banner, an SSH version line, MySQL's
    /// handshake): the probe connects and waits for its first byte, so a
    /// server that accepts and never answers fails it.
    Greets(&'static str),
    /// Something else whose client speaks first, with a short request every
    /// live server answers (`hello` in `data/ports.toml`): the probe sends
    /// it and waits for the answer's first byte.
    Asked(&'static str, &'static [u8]),
    /// Something else whose client speaks first, with no such request
    /// known: no probe short of the protocol's own client can tell a hung
    /// server from a live one, so seaworthy writes none.
    Other(&'static str),
}

impl Speaks {
    /// The protocol, when it is not HTTP.
    pub fn protocol(self) -> Option<&'static str> {
        match self {
            Speaks::Http => None,
            Speaks::Other(protocol) | Speaks::Greets(protocol) | Speaks::Asked(protocol, _) => {
                Some(protocol)
            }
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
    /// What the port speaks.
    pub speaks: Speaks,
}

impl Target {
    /// A target on `port`: HTTP unless the port is known not to be, and
    /// strict when `route` is declared (a declared route says it is HTTP).
    pub fn new(port: u16, route: Option<String>) -> Target {
        let speaks = match crate::model::ports::not_http(port) {
            Some(known) if route.is_none() => match (&known.hello, known.greets) {
                (_, true) => Speaks::Greets(known.protocol.as_str()),
                (Some(hello), false) => Speaks::Asked(known.protocol.as_str(), hello),
                (None, false) => Speaks::Other(known.protocol.as_str()),
            },
            _ => Speaks::Http,
        };
        Target {
            port,
            route,
            speaks,
        }
    }

    /// The URL probed.
    pub fn url(&self) -> String {
        format!(
            "http://127.0.0.1:{}{}",
            self.port,
            self.route.as_deref().unwrap_or("/")
        )
    }

    /// What a probe of this target with `client` accepts, for the message:
    /// each client's own rule, never a promise it does not keep.
    pub fn accepts(&self, client: Client, health: &Health) -> String {
        let server_itself = matches!(
            client,
            Client::PgIsready | Client::RedisCli | Client::Image(_)
        );
        if server_itself {
            return "it asks the server itself".to_string();
        }
        let route = match (&self.route, self.speaks) {
            (_, Speaks::Other(protocol)) => {
                return format!(
                    "it checks that port {} accepts TCP connections ({protocol} is not HTTP, per data/ports.toml)",
                    self.port
                )
            }
            (_, Speaks::Asked(protocol, _)) => {
                return format!(
                    "it sends port {} a short {protocol} request and requires an answer within {PROBE_SECONDS} s ({protocol} is not HTTP, and its client speaks first, per data/ports.toml)",
                    self.port
                )
            }
            (_, Speaks::Greets(protocol)) => {
                return format!(
                    "it checks that port {} accepts a TCP connection and sends its first byte ({protocol} is not HTTP, and its server speaks first, per data/ports.toml)",
                    self.port
                )
            }
            (None, Speaks::Http) if client == Client::Stage => {
                return format!("it requires an answer the configured stage probe accepts from {}; declare a health route ([health] path) to make it strict", self.url())
            }
            (None, Speaks::Http) => {
                return "it only checks that the server answers HTTP, with any status; declare a health route ([health] path) to make it strict".to_string()
            }
            (Some(route), Speaks::Http) => route,
        };
        let rule = match client {
            Client::Python | Client::Python2 | Client::Busybox => {
                "a 2xx answer (redirects followed)"
            }
            Client::Bash => "a 2xx answer (redirects not followed)",
            Client::Node | Client::Curl => {
                "a status below 400 (2xx or 3xx; redirects not followed)"
            }
            Client::Stage if uses_default_layout(health) => "a 2xx answer",
            _ => "an answer the configured stage probe accepts",
        };
        format!("it requires {rule} from {route}")
    }
}

/// Whether a package brings `pg_isready`: `postgresql`, a versioned server
/// or client (`postgresql-16`, `postgresql16-client`, `postgresql-client-15`).
fn brings_pg_isready(package: &str) -> bool {
    package.strip_prefix("postgresql").is_some_and(|rest| {
        let rest = rest.trim_start_matches('-');
        let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        let rest = rest.trim_start_matches('-');
        rest.is_empty() || rest.starts_with("client")
    })
}

/// Package names that bring `redis-cli`.
const REDIS_PACKAGES: &[&str] = &["redis-server", "redis-tools", "redis"];

/// The client `stage` can run for `target` and why; `Err` says why there is
/// none (a Windows image, or an unknown image with `style = instruction`).
pub fn choose(
    doc: &Dockerfile,
    stage: &Stage,
    style: Style,
    target: &Target,
) -> Result<(Client, String), String> {
    let base = Base::of(doc, stage);
    let image = base.image.as_str();
    let reference = &base.reference;
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
    if target.route.is_none() {
        let known = crate::model::images::lookup(image).and_then(|k| k.health_at(reference));
        if let Some((test, _)) = known {
            return Ok((
                Client::Image(test),
                format!("{because}, per data/images.toml"),
            ));
        }
    }
    let installed = Installed::of(doc, stage);
    match target.speaks.protocol() {
        Some("PostgreSQL") => {
            if let Some(line) = installed.has_matching(brings_pg_isready) {
                return Ok((
                    Client::PgIsready,
                    format!("PostgreSQL installed at line {line}"),
                ));
            }
        }
        Some("Redis (RESP)") => {
            if let Some(line) = installed.has(REDIS_PACKAGES) {
                return Ok((Client::RedisCli, format!("Redis installed at line {line}")));
            }
        }
        _ => {}
    }
    let tcp = target.speaks.protocol().is_some();
    let busybox_base = base.busybox;
    let glibc_base = base.glibc || installed.uses_glibc_manager;
    let choice = if base.bare {
        None
    } else if base.python {
        let client = if base.python2 {
            Client::Python2
        } else {
            Client::Python
        };
        Some((client, because))
    } else if base.node {
        Some((Client::Node, because))
    } else if tcp && (busybox_base || installed.uses_apk) {
        Some((Client::Busybox, because))
    } else if tcp && glibc_base {
        Some((Client::Bash, format!("{because}: bash and coreutils")))
    } else if let Some(line) = installed.has(&["curl"]) {
        Some((Client::Curl, format!("curl installed at line {line}")))
    } else if busybox_base {
        Some((Client::Busybox, because))
    } else if glibc_base && target.route.is_none() {
        Some((Client::Bash, format!("{because}: bash and coreutils")))
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

/// Why no probe can run in `stage` when its platform is not Linux (a
/// `FROM --platform=wasi/wasm` in its chain, or the `platform:` of the
/// Compose service that builds it): seaworthy's probes are Linux programs.
pub fn platform_refusal(doc: &Dockerfile, stage: &Stage, service: Option<&str>) -> Option<String> {
    let from_flags = doc.chain(stage).into_iter().find_map(|s| {
        let words = doc.words(s.from);
        let (flags, _) = crate::syntax::dockerfile::words::leading_flags(words);
        flags
            .into_iter()
            .find(|(name, _)| name == "platform")
            .map(|(_, value)| value)
    });
    not_linux(service.map(str::to_string).or(from_flags).as_deref())
}

/// Why no probe for a `platform` that is not Linux (`None` for Linux, an
/// unset platform, or one given by a build variable).
pub fn not_linux(platform: Option<&str>) -> Option<String> {
    let platform = platform?.trim().to_ascii_lowercase();
    if platform.is_empty() || platform.starts_with("linux") || platform.contains('$') {
        return None;
    }
    Some(format!(
        "its platform `{platform}` is not Linux, and seaworthy's probes are Linux programs: write its health check by hand if the runtime supports one"
    ))
}

/// Whether the stage image is the default one with its own layout
/// (`/bin/httpcheck`, `/bin/portcheck`), whose probes cannot wrap a command.
pub fn uses_default_layout(health: &Health) -> bool {
    health.stage_image == DEFAULT_STAGE_IMAGE
        && health.stage_binary.is_none()
        && health.stage_probe_args.is_none()
}

/// The probe binary and its arguments for the copied-probe stage (the
/// default image's `/bin/httpcheck` takes the URL).
pub fn stage_command(health: &Health, target: &Target) -> Vec<String> {
    let args = health
        .stage_probe_args
        .clone()
        .unwrap_or_else(|| vec!["{url}".to_string()]);
    std::iter::once(stage_binary(health))
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

/// Whether `path` is in a folder on every image's PATH (so it can be
/// called by name).
pub fn on_path(path: &str) -> bool {
    path.rsplit_once('/')
        .is_some_and(|(dir, _)| PATH_DIRS.contains(&dir))
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

/// Seconds a probe waits at most: under the Dockerfile check's 5 s timeout
/// (and Compose's 10 s), so it gives up by itself and leaves nothing behind.
pub const PROBE_SECONDS: u32 = 4;

/// The probe command for `client` on `target`; `Err` when no command of
/// that client can both pass on the live server and fail on a hung one (a
/// client-first protocol with no known request, the default stage image
/// without a route, a configured stage probe that only takes a URL on a
/// port that does not speak HTTP).
pub fn command(client: Client, target: &Target, health: &Health) -> Result<Probe, String> {
    let url = target.url();
    let port = target.port;
    let t = PROBE_SECONDS;
    let strict = target.route.is_some();
    let shell = |line: String| Ok(Probe::Shell(format!("{line} || exit 1")));
    let exec = |argv: Vec<String>| Ok(Probe::Exec(argv));
    let server_itself = matches!(
        client,
        Client::PgIsready | Client::RedisCli | Client::Image(_)
    );
    // What the probe sends before it waits for the server's first byte: a
    // request the server answers. `None` for HTTP, which has its own forms.
    let ask: Option<&[u8]> = match target.speaks {
        Speaks::Http => None,
        Speaks::Greets(_) => Some(&[]),
        Speaks::Asked(_, hello) => Some(hello),
        Speaks::Other(protocol) if !server_itself => {
            return Err(format!(
                "port {port} speaks {protocol}, whose client speaks first, and seaworthy knows no short request every {protocol} server answers (data/ports.toml): a bare TCP connect passes on a server that accepts and never answers, so write the check with {protocol}'s own client"
            ))
        }
        Speaks::Other(_) => None,
    };
    let lenient_stage =
        client == Client::Stage && uses_default_layout(health) && (ask.is_some() || !strict);
    if lenient_stage {
        return Err(match ask {
            Some(_) => format!(
                "port {port} does not speak HTTP, and the default stage image's only probe for it (`/bin/portcheck`) is a bare TCP connect, which passes on a server that accepts and never answers: install bash, busybox or python in the image, or write the check with the server's own client"
            ),
            None => format!(
                "no health route is known for port {port}, and the default stage image's HTTP probe (`/bin/httpcheck`) requires a 2xx answer (its `/bin/portcheck` is a bare TCP connect, which passes on a hung server): declare the route ([services.NAME] health_path, or [health] path)"
            ),
        });
    }
    // The code that sends `hello`, each byte written by `byte`, between
    // `before` and `after`; nothing for a server that speaks first.
    let sending = |hello: &[u8], byte: fn(&u8) -> String, before: &str, after: &str| {
        if hello.is_empty() {
            return String::new();
        }
        let bytes: String = hello.iter().map(byte).collect();
        format!("{before}{bytes}{after}")
    };
    // A byte as printf's octal escape (POSIX printf, bash's and busybox's
    // alike).
    let octal: fn(&u8) -> String = |b| format!("\\{b:03o}");
    // A route holds no quote or backslash (see [`valid_route`]).
    let http_request = format!(
        "GET {} HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n",
        target.route.as_deref().unwrap_or("/")
    );
    // bash: run `send` (the request, if any) on the connection, then
    // `check` the answer: its first byte (NUL and a line break counted
    // too), or for HTTP the status line.
    let bash = |send: &str, check: &str| {
        shell(format!(
            "timeout {t} bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port}{send} && {check}'"
        ))
    };
    // The clause that writes `text` (printf escapes) to the connection.
    let printf_to_bash = |text: &str| {
        if text.is_empty() {
            return String::new();
        }
        format!(" && printf \"{text}\" >&3")
    };
    let first_byte = "[ -n \"$(head -c 1 <&3 | tr \"\\0\\n\" xx)\" ]";
    match (client, ask) {
        (Client::Python | Client::Python2, Some(hello)) => {
            // A bytes literal in Python 3, a str (bytes) in Python 2.
            let send = sending(hello, |b| format!("\\x{b:02x}"), "s.sendall(b'", "')\n");
            exec(vec![
                "python".into(),
                "-c".into(),
                format!("import socket\ns = socket.create_connection(('127.0.0.1', {port}), {t})\ns.settimeout({t})\n{send}assert s.recv(1)"),
            ])
        }
        (Client::Node, Some(hello)) => {
            let send = sending(
                hello,
                |b| format!("{b:02x}"),
                ", () => s.write(Buffer.from('",
                "', 'hex'))",
            );
            exec(vec![
                "node".into(),
                "-e".into(),
                format!(
                    "const s = require('net').connect({{port: {port}, host: '127.0.0.1', timeout: {t}000}}{send}).on('data', () => process.exit(0)).on('error', () => process.exit(1)).on('timeout', () => process.exit(1)).on('end', () => process.exit(1))"
                ),
            ])
        }
        (Client::Curl | Client::Bash, Some(hello)) => {
            bash(&printf_to_bash(&sending(hello, octal, "", "")), first_byte)
        }
        // The status line: any for "answers", `HTTP/1.x 2..` when strict
        // (characters 1 to 5 and 10 of it).
        (Client::Bash, None) if strict => bash(
            &printf_to_bash(&http_request),
            "[ \"$(head -c 12 <&3 | cut -c 1-5,10)\" = HTTP/2 ]",
        ),
        (Client::Bash, None) => bash(
            &printf_to_bash(&http_request),
            "[ \"$(head -c 5 <&3)\" = HTTP/ ]",
        ),
        // busybox nc waits -w for the connect and -w again for more after
        // the first byte (the server waits for the client's next command):
        // one second each keeps the whole check well inside the timeout.
        (Client::Busybox, Some(hello)) => shell(format!(
            "[ -n \"$(printf '{}' | nc -w 1 127.0.0.1 {port} | head -c 1 | tr '\\0\\n' xx)\" ]",
            sending(hello, octal, "", "")
        )),
        (Client::Python, None) => {
            let code = if strict {
                format!("import urllib.request as r\nr.urlopen('{url}', timeout={t})")
            } else {
                format!(
                    "import urllib.request as r, urllib.error as e\ntry: r.urlopen('{url}', timeout={t})\nexcept e.HTTPError: pass"
                )
            };
            exec(vec!["python".into(), "-c".into(), code])
        }
        (Client::Python2, None) => {
            let code = if strict {
                format!("import urllib2\nurllib2.urlopen('{url}', timeout={t})")
            } else {
                format!(
                    "import urllib2\ntry: urllib2.urlopen('{url}', timeout={t})\nexcept urllib2.HTTPError: pass"
                )
            };
            exec(vec!["python".into(), "-c".into(), code])
        }
        (Client::Node, None) => {
            let on_response = if strict {
                "r => process.exit(r.statusCode < 400 ? 0 : 1)"
            } else {
                "() => process.exit(0)"
            };
            exec(vec![
                "node".into(),
                "-e".into(),
                format!(
                    "require('http').get('{url}', {on_response}).on('error', () => process.exit(1)).setTimeout({t}000, () => process.exit(1))"
                ),
            ])
        }
        (Client::Curl, None) if strict => {
            shell(format!("curl -fsS --max-time {t} -o /dev/null '{url}'"))
        }
        (Client::Curl, None) => shell(format!("curl -sS --max-time {t} -o /dev/null '{url}'")),
        (Client::Busybox, None) if strict => shell(format!("wget -q -T {t} --spider '{url}'")),
        // busybox wget cannot tell a 404 from a dead server, and a bare TCP
        // connect cannot tell a hung or non-HTTP one: ask over nc and accept
        // any HTTP answer. busybox nc's -w bounds the connect and the final
        // read apart, so each gets half the budget.
        (Client::Busybox, None) => shell(format!(
            "printf '{http_request}' | nc -w {} 127.0.0.1 {port} | grep -q '^HTTP/'",
            t / 2
        )),
        (Client::PgIsready, _) => shell(format!(
            "pg_isready -h 127.0.0.1 -p {port} -t {t} -U postgres"
        )),
        (Client::RedisCli, _) => {
            shell(format!("timeout {t} redis-cli -h 127.0.0.1 -p {port} ping"))
        }
        (Client::Image(test), _) => match test {
            [kind, argv @ ..] if kind == "CMD" && !argv.is_empty() => exec(argv.to_vec()),
            [kind, line] if kind == "CMD-SHELL" => Ok(Probe::Shell(line.replace("$$", "$"))),
            _ => Err("its image's documented check is not a command".into()),
        },
        (Client::Stage, _) => {
            let takes_port = health
                .stage_probe_args
                .iter()
                .flatten()
                .any(|a| a.contains("{port}"));
            if ask.is_some() && !takes_port {
                return Err(format!(
                    "port {port} does not speak HTTP and the configured stage probe takes only a URL: set `stage_probe_args` with `{{port}}` for a TCP check, or write the HEALTHCHECK by hand"
                ));
            }
            exec(stage_command(health, target))
        }
    }
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
    crate::settings::route_problem(route).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    fn client_for(text: &str, port: u16) -> Option<Client> {
        let doc = Dockerfile::parse(Source::new("Dockerfile", text.as_bytes().to_vec())).unwrap();
        choose(
            &doc,
            doc.final_stage(),
            Style::Auto,
            &Target::new(port, None),
        )
        .ok()
        .map(|(c, _)| c)
    }

    fn client_of(text: &str) -> Option<Client> {
        client_for(text, 8000)
    }

    #[test]
    fn chooses_by_base_image() {
        assert_eq!(client_of("FROM python:3.12-slim\n"), Some(Client::Python));
        assert_eq!(
            client_of("FROM tiangolo/uvicorn-gunicorn-fastapi:python3.9-slim\n"),
            Some(Client::Python)
        );
        assert_eq!(client_of("FROM python:2.7-slim\n"), Some(Client::Python2));
        assert_eq!(client_of("FROM python:2\n"), Some(Client::Python2));
        assert_eq!(client_of("FROM node:20-alpine\n"), Some(Client::Node));
        assert_eq!(
            client_of("FROM registry.local/library/node:20\n"),
            Some(Client::Node)
        );
        assert_eq!(
            client_of("FROM prom/node-exporter:v1.8.2\n"),
            Some(Client::Stage),
            "matched by name, never by a part of the reference"
        );
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
            Some(Client::Bash),
            "the curl of another stage does not count; debian has bash"
        );
        assert_eq!(
            client_of("FROM php:8.0.9-apache\n"),
            Some(Client::Bash),
            "data/images.toml: php is built on Debian"
        );
        assert_eq!(
            client_of("FROM mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled\n"),
            Some(Client::Stage)
        );
        assert_eq!(
            client_of(
                "FROM alpine:3.20\nRUN apk add --virtual .b curl-dev gcc && make && apk del .b\n"
            ),
            Some(Client::Busybox),
            "curl-dev is not curl, and the group is gone"
        );
    }

    #[test]
    fn ports_that_do_not_speak_http_get_tcp_or_their_server_client() {
        let postfix = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y postfix curl\nEXPOSE 25\n";
        assert_eq!(client_for(postfix, 25), Some(Client::Bash));
        let pg = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y postgresql-15\nEXPOSE 5432\n";
        assert_eq!(client_for(pg, 5432), Some(Client::PgIsready));
        assert_eq!(
            client_for("FROM alpine\nRUN apk add redis\n", 6379),
            Some(Client::RedisCli)
        );
        assert_eq!(client_for("FROM alpine\n", 1883), Some(Client::Busybox));
        assert!(matches!(
            client_for("FROM postgres:16\n", 5432),
            Some(Client::Image(_))
        ));
        let health = Health::default();
        let smtp = Target::new(25, None);
        assert_eq!(smtp.speaks, Speaks::Greets("SMTP"));
        assert_eq!(
            command(Client::Bash, &smtp, &health).unwrap(),
            Probe::Shell("timeout 4 bash -c 'exec 3<>/dev/tcp/127.0.0.1/25 && [ -n \"$(head -c 1 <&3 | tr \"\\0\\n\" xx)\" ]' || exit 1".into())
        );
        let kafka = Target::new(9092, None);
        assert_eq!(kafka.speaks, Speaks::Other("Kafka"));
        for client in [Client::Bash, Client::Python, Client::Node, Client::Busybox] {
            let why = command(client, &kafka, &health).unwrap_err();
            assert!(why.contains("no short request"), "{why}");
        }
        let pg = Target::new(5432, None);
        assert!(matches!(pg.speaks, Speaks::Asked("PostgreSQL", _)));
        assert_eq!(
            command(Client::Bash, &pg, &health).unwrap(),
            Probe::Shell("timeout 4 bash -c 'exec 3<>/dev/tcp/127.0.0.1/5432 && printf \"\\000\\000\\000\\010\\004\\322\\026\\057\" >&3 && [ -n \"$(head -c 1 <&3 | tr \"\\0\\n\" xx)\" ]' || exit 1".into())
        );
        assert_eq!(
            command(Client::Python, &pg, &health).unwrap(),
            Probe::Exec(vec![
                "python".into(),
                "-c".into(),
                "import socket\ns = socket.create_connection(('127.0.0.1', 5432), 4)\ns.settimeout(4)\ns.sendall(b'\\x00\\x00\\x00\\x08\\x04\\xd2\\x16\\x2f')\nassert s.recv(1)".into()
            ])
        );
        assert!(command(Client::Node, &pg, &health)
            .unwrap()
            .render()
            .contains("s.write(Buffer.from('0000000804d2162f', 'hex'))"));
        assert!(command(Client::Python, &smtp, &health)
            .unwrap()
            .render()
            .contains("create_connection(('127.0.0.1', 25), 4)"));
        let why = command(Client::Stage, &smtp, &health).unwrap_err();
        assert!(why.contains("bare TCP connect"), "{why}");
        let custom = Health {
            stage_binary: Some("/usr/local/bin/healthcheck".into()),
            stage_probe_args: Some(vec!["--http".into(), "{url}".into()]),
            ..Health::default()
        };
        assert!(command(Client::Stage, &smtp, &custom).is_err());
    }

    #[test]
    fn no_probe_where_the_platform_is_not_linux() {
        let doc = |text: &str| {
            Dockerfile::parse(Source::new("Dockerfile", text.as_bytes().to_vec())).unwrap()
        };
        let wasm = doc("FROM --platform=wasi/wasm scratch\nCOPY app.wasm /app.wasm\n");
        assert!(platform_refusal(&wasm, wasm.final_stage(), None).is_some());
        let linux = doc(
            "FROM --platform=$BUILDPLATFORM golang AS b\nFROM --platform=linux/amd64 scratch\n",
        );
        assert!(platform_refusal(&linux, linux.final_stage(), None).is_none());
        assert!(platform_refusal(&linux, linux.final_stage(), Some("wasi/wasm")).is_some());
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
    fn every_probe_gives_up_by_itself_and_exits_0_or_1() {
        let health = Health::default();
        let lenient = Target::new(8000, None);
        let strict = Target::new(8000, Some("/healthz".into()));
        let why = command(Client::Stage, &lenient, &health).unwrap_err();
        assert!(why.contains("declare the route"), "{why}");
        assert_eq!(
            command(Client::Bash, &lenient, &health).unwrap(),
            Probe::Shell("timeout 4 bash -c 'exec 3<>/dev/tcp/127.0.0.1/8000 && printf \"GET / HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n\" >&3 && [ \"$(head -c 5 <&3)\" = HTTP/ ]' || exit 1".into())
        );
        assert!(command(Client::Bash, &strict, &health)
            .unwrap()
            .render()
            .contains("GET /healthz HTTP/1.0"));
        assert_eq!(
            command(Client::Stage, &strict, &health).unwrap().render(),
            r#"["/bin/httpcheck", "http://127.0.0.1:8000/healthz"]"#
        );
        assert_eq!(
            command(Client::Curl, &strict, &health).unwrap().render(),
            r#"["/bin/sh", "-c", "curl -fsS --max-time 4 -o /dev/null 'http://127.0.0.1:8000/healthz' || exit 1"]"#
        );
        assert_eq!(
            command(Client::Busybox, &lenient, &health).unwrap(),
            Probe::Shell("printf 'GET / HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' | nc -w 2 127.0.0.1 8000 | grep -q '^HTTP/' || exit 1".into())
        );
        assert!(command(Client::Busybox, &strict, &health)
            .unwrap()
            .render()
            .contains("wget -q -T 4 --spider"));
        assert!(command(Client::Python, &lenient, &health)
            .unwrap()
            .render()
            .contains("HTTPError"));
        assert!(command(Client::Python2, &strict, &health)
            .unwrap()
            .render()
            .contains("urllib2.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"));
        for client in [
            Client::Curl,
            Client::Busybox,
            Client::Bash,
            Client::PgIsready,
            Client::RedisCli,
        ] {
            for target in [&lenient, &strict] {
                if let Probe::Shell(line) = command(client, target, &health).unwrap() {
                    assert!(line.ends_with(" || exit 1"), "{line}");
                }
            }
        }
    }

    #[test]
    fn messages_say_what_each_probe_accepts() {
        let health = Health::default();
        let strict = Target::new(8000, Some("/healthz".into()));
        assert!(strict
            .accepts(Client::Stage, &health)
            .contains("a 2xx answer from /healthz"));
        assert!(strict.accepts(Client::Curl, &health).contains("below 400"));
        assert!(Target::new(5432, None)
            .accepts(Client::Bash, &health)
            .contains("PostgreSQL is not HTTP"));
    }
}
