//! Executes every probe form seaworthy can write against live local servers.
//!
//! The promise (DESIGN.md, "Truth" 1 and 2): a probe can pass, and it fails
//! cleanly when the server is down, hung or wrong: exit 1 (never 2, which
//! Docker reserves, nor any other code), within the check's timeout, with no
//! process left behind.
//!
//! The forms come from the public API, never from strings copied here:
//! - Dockerfile probes: `probe::command` for every [`Client`] (listed once, in
//!   [`next_client`], whose `match` stops compiling when a variant is added),
//!   strict (route `/healthz`) and lenient (no route);
//! - Compose probes: the `health` test arrays of `data/images.toml`, read
//!   through `images::lookup` (and any other `health…` key holding a test
//!   array, such as a check for older tags); `CMD` runs as argv,
//!   `CMD-SHELL` through `/bin/sh -c`, both with Compose's `$$` unescaped;
//! - replacements: the probe each SW107/SW209 rule case under
//!   `tests/rules/` writes in place of a broken check, read back from the
//!   fixed file (a HEALTHCHECK's exec form, a Compose `test`) and run on
//!   the port it names, strict or lenient as its message says.
//!
//! Each probe runs in its own process group under a hard limit
//! ([`HARD_LIMIT`]): one that never gives up is killed and reported, it does
//! not hang the suite. Servers are started here: HTTP 200/404/500, nothing
//! listening, a socket that accepts and never answers, an SMTP banner, and a
//! real PostgreSQL and Redis from Debian's packages. As root, with `unshare`,
//! everything runs inside a private network namespace (the test runs itself
//! again under `unshare --net`); otherwise on this machine's 127.0.0.1.
//!
//! Forms × scenarios that fail today are listed in [`KNOWN_FAILING`]: the
//! suite fails when an unlisted one fails or a listed one passes. Run with
//! `cargo test --test probes -- --nocapture` to see the table.
//!
//! The programs come from `scripts/probe-tools`. `wget` and `nc` are busybox's,
//! as in the alpine/busybox images the forms target: a busybox that script
//! builds with alpine's wget and nc features (`wget -T`, `nc -z`), which
//! Debian's busybox lacks. Without it (outside CI) Debian's busybox stands in,
//! netcat-openbsd's `nc` for `nc -z`, and a form passing `-T` to wget is not
//! run; the run says so. `SEAWORTHY_PROBES_HOST_NETWORK=1` skips the network
//! namespace.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{ErrorKind, Read, Seek, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::unix::fs::{chown, symlink};
use std::os::unix::net::UnixListener;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

mod common;

use seaworthy::engine::planner;
use seaworthy::health::probe::{self, Client, Probe, Speaks, Target};
use seaworthy::model::images::{self, KnownImage};
use seaworthy::settings::Health;

/// Form × scenario pairs that fail today, each with why. The suite passes
/// while exactly these fail: a listed pair that passes, or an unlisted one
/// that fails, fails the suite, so the list follows the probes.
const KNOWN_FAILING: &[(&str, &str, &str)] = &[];

/// The Dockerfile HEALTHCHECK's `--timeout` (src/health/probe.rs `OPTIONS`).
const DOCKERFILE_TIMEOUT: Duration = Duration::from_secs(5);
/// The Compose healthcheck's `timeout` (DESIGN.md defaults).
const COMPOSE_TIMEOUT: Duration = Duration::from_secs(10);
/// How soon a probe must see that nothing listens.
const DOWN_BOUND: Duration = Duration::from_secs(2);
/// A probe still running after this is killed (its whole process group) and
/// reported as never giving up.
const HARD_LIMIT: Duration = Duration::from_secs(15);
/// Marks the run inside the private network namespace; its value is the
/// network namespace of the run that made it, which the inner run checks it
/// has left before it touches `lo`.
const INNER: &str = "SEAWORTHY_PROBES_INNER";
/// Set (to anything) to skip the network namespace and use this machine's
/// 127.0.0.1, as a run without root does.
const HOST_NETWORK: &str = "SEAWORTHY_PROBES_HOST_NETWORK";
/// What the banner server says, like an SMTP server.
const BANNER: &[u8] = b"220 smtp.example ESMTP\r\n";
/// The route of strict Dockerfile forms.
const ROUTE: &str = "/healthz";
/// The request of the `asked` forms (any bytes: the fake server answers only
/// once it has read exactly these, so a form that does not send them fails).
const HELLO: &[u8] = b"\x00ping\n\xd2\x16/";
/// What the fake server answers [`HELLO`] with.
const ANSWER: &[u8] = b"N";

// ---------------------------------------------------------------------------
// The forms

/// Every [`Client`], in one place. The `match` has no wildcard: a new variant
/// does not compile until it is put in this chain (and in [`client_forms`]),
/// so no form is forgotten.
fn next_client(after: Option<Client>) -> Option<Client> {
    match after {
        None => Some(Client::Python),
        Some(Client::Python) => Some(Client::Python2),
        Some(Client::Python2) => Some(Client::Node),
        Some(Client::Node) => Some(Client::Curl),
        Some(Client::Curl) => Some(Client::Busybox),
        Some(Client::Busybox) => Some(Client::Bash),
        Some(Client::Bash) => Some(Client::Stage),
        Some(Client::Stage) => Some(Client::PgIsready),
        Some(Client::PgIsready) => Some(Client::RedisCli),
        Some(Client::RedisCli) => None,
        // Its forms are the image table's checks: see `image_forms`.
        Some(Client::Image(_)) => None,
    }
}

/// What a Dockerfile form targets: the [`Target`] it is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// An HTTP port with a declared route (`/healthz`).
    Strict,
    /// An HTTP port, no route: "the server answers".
    Lenient,
    /// A port that does not speak HTTP, whose server speaks first (SMTP):
    /// a TCP connect and a wait for the first byte.
    Tcp,
    /// A port that does not speak HTTP, whose client speaks first, with a
    /// request its servers answer (`hello` in data/ports.toml): the
    /// request, then a wait for the answer's first byte.
    Asked,
    /// A client-first port with no such request (Kafka): seaworthy writes
    /// no probe, and says why.
    Unasked,
    /// PostgreSQL's request (SSLRequest) on 5432, against the real server.
    PostgresAsked,
    /// Redis's request (PING) on 6379, against the real server.
    RedisAsked,
    /// The request of the protocol on this port (data/ports.toml), against
    /// the real server of [`DAEMONS`].
    Daemon(u16),
    /// PostgreSQL on 5432.
    Postgres,
    /// Redis on 6379.
    Redis,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Strict => "strict",
            Mode::Lenient => "lenient",
            Mode::Tcp => "tcp",
            Mode::Asked => "asked",
            Mode::Unasked => "unasked",
            Mode::PostgresAsked => "postgres-asked",
            Mode::RedisAsked => "redis-asked",
            Mode::Daemon(11211) => "memcached-asked",
            Mode::Daemon(1883) => "mqtt-asked",
            Mode::Daemon(53) => "dns-asked",
            Mode::Daemon(_) => "daemon-asked",
            Mode::Postgres => "postgres",
            Mode::Redis => "redis",
        }
    }

    fn target(self, port: u16) -> Target {
        let (port, route, speaks) = match self {
            Mode::Strict => (port, Some(ROUTE.to_string()), Speaks::Http),
            Mode::Lenient => (port, None, Speaks::Http),
            Mode::Tcp => (port, None, Speaks::Greets("SMTP")),
            Mode::Asked => (port, None, Speaks::Asked("test protocol", HELLO)),
            Mode::Unasked => (port, None, Speaks::Other("Kafka")),
            Mode::PostgresAsked => return Target::new(5432, None),
            Mode::RedisAsked => return Target::new(6379, None),
            Mode::Daemon(port) => return Target::new(port, None),
            Mode::Postgres => (5432, None, Speaks::Other("PostgreSQL")),
            Mode::Redis => (6379, None, Speaks::Other("Redis (RESP)")),
        };
        Target {
            port,
            route,
            speaks,
        }
    }

    fn kind(self) -> Kind {
        match self {
            Mode::Strict | Mode::Lenient => Kind::Http {
                strict: self == Mode::Strict,
                port: None,
            },
            Mode::Tcp | Mode::Unasked => Kind::Tcp,
            Mode::Asked => Kind::Asked,
            Mode::Postgres => Kind::Postgres,
            Mode::Redis => Kind::Redis,
            Mode::PostgresAsked => Kind::PostgresAsked,
            Mode::RedisAsked => Kind::RedisAsked,
            Mode::Daemon(port) => Kind::Daemon(port),
        }
    }
}

/// Every target a client that speaks HTTP and raw TCP (python, node,
/// busybox, bash) is asked for.
const EVERY_MODE: &[Mode] = &[
    Mode::Strict,
    Mode::Lenient,
    Mode::Tcp,
    Mode::Asked,
    Mode::Unasked,
    Mode::PostgresAsked,
    Mode::RedisAsked,
    Mode::Daemon(11211),
    Mode::Daemon(1883),
    Mode::Daemon(53),
];

/// The client's name in form names, the targets `probe::choose` can give it,
/// and why it cannot run here, if so.
fn client_forms(client: Client) -> (&'static str, &'static [Mode], Option<&'static str>) {
    use Mode::*;
    match client {
        Client::Python => ("python", EVERY_MODE, None),
        Client::Python2 => (
            "python2",
            &[Strict, Lenient, Tcp, Asked],
            Some(
                "no Python 2 interpreter is installable here (Debian 12 has none, PyPI ships \
                 no interpreter); its TCP form, the same command as python's, runs as that",
            ),
        ),
        Client::Node => ("node", EVERY_MODE, None),
        Client::Curl => ("curl", &[Strict, Lenient, Tcp, Asked, Unasked], None),
        Client::Busybox => ("busybox", EVERY_MODE, None),
        Client::Bash => ("bash", EVERY_MODE, None),
        Client::Stage => (
            "stage",
            &[Strict, Lenient, Tcp, Asked, Unasked],
            Some(
                "the copied static probe (default stage image ghcr.io/tarampampam/microcheck) \
                 ships only as a container image; no package registry reachable here \
                 has it, so it is not run rather than faked",
            ),
        ),
        Client::PgIsready => ("pg_isready", &[Postgres], None),
        Client::RedisCli => ("redis-cli", &[Redis], None),
        Client::Image(_) => ("image", &[], None),
    }
}

fn all_clients() -> Vec<Client> {
    std::iter::successors(next_client(None), |c| next_client(Some(*c))).collect()
}

/// A command as it is executed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Invocation {
    /// Executed as is, no shell.
    Argv(Vec<String>),
    /// Executed by `/bin/sh -c`.
    Shell(String),
}

/// Commands that run another: `timeout 4 curl …` calls timeout and curl.
fn wrapped(words: &[&str]) -> usize {
    match words.first().map(|w| w.rsplit('/').next().unwrap_or(w)) {
        Some("timeout") => {
            let mut i = 1;
            while words.get(i).is_some_and(|w| w.starts_with('-')) {
                i += if matches!(words[i], "-s" | "-k") {
                    2
                } else {
                    1
                };
            }
            i + 1
        }
        Some("env" | "exec" | "nice" | "nohup") => {
            1 + words[1..]
                .iter()
                .take_while(|w| w.contains('=') || w.starts_with('-'))
                .count()
        }
        _ => 0,
    }
}

impl Invocation {
    fn from_probe(probe: Probe) -> Invocation {
        match probe {
            Probe::Exec(argv) => Invocation::Argv(argv),
            Probe::Shell(line) => Invocation::Shell(line),
        }
    }

    fn show(&self) -> String {
        match self {
            Invocation::Argv(argv) => probe::json_array(argv),
            Invocation::Shell(line) => format!("sh -c {line:?}"),
        }
    }

    /// The programs it calls: of argv, or of each command of the shell line
    /// (shell builtins left out), with the programs a `timeout`/`env` runs.
    fn programs(&self) -> Vec<String> {
        let commands: Vec<Vec<&str>> = match self {
            Invocation::Argv(argv) => vec![argv.iter().map(String::as_str).collect()],
            // Quotes and `$(` around words are not part of them.
            Invocation::Shell(line) => line
                .split(['|', '&', ';', '(', ')', '\n'])
                .map(|c| {
                    c.split_whitespace()
                        .map(|w| w.trim_matches(['\'', '"', '$']))
                        .filter(|w| !w.is_empty())
                        .collect()
                })
                .collect(),
        };
        let builtin = |w: &str| {
            // `KEY=value`, and a file descriptor left over from a `<&3`
            // split at `&`, are not programs.
            w.contains('=')
                || w.bytes().all(|b| b.is_ascii_digit())
                || matches!(
                    w,
                    "exit"
                        | "exec"
                        | "]"
                        | "true"
                        | "false"
                        | "test"
                        | "["
                        | "!"
                        | ":"
                        | "if"
                        | "then"
                        | "else"
                        | "fi"
                        | "{"
                        | "}"
                )
        };
        let mut programs = Vec::new();
        for words in commands {
            let mut rest = words.as_slice();
            while let Some(first) = rest.first() {
                if builtin(first) {
                    break;
                }
                programs.push(first.to_string());
                let skip = wrapped(rest);
                if skip == 0 || skip >= rest.len() {
                    break;
                }
                rest = &rest[skip..];
            }
        }
        programs
    }

    fn command(&self) -> Command {
        match self {
            Invocation::Argv(argv) => {
                let mut command = Command::new(&argv[0]);
                command.args(&argv[1..]);
                command
            }
            Invocation::Shell(line) => {
                let mut command = Command::new("/bin/sh");
                command.arg("-c").arg(line);
                command
            }
        }
    }
}

/// What a form talks to, which decides its scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An HTTP server; strict forms need a 2xx/3xx answer. `port` is fixed by
    /// the form (image table) or picked per run (`None`, Dockerfile forms).
    Http { strict: bool, port: Option<u16> },
    /// A server that does not speak HTTP (it greets like SMTP), on a port
    /// picked per run.
    Tcp,
    /// A server that does not speak HTTP and answers only once it has read
    /// [`HELLO`], on a port picked per run.
    Asked,
    /// PostgreSQL on 5432, for forms that send its request: a server of
    /// another protocol that speaks first passes them (they take any answer).
    PostgresAsked,
    /// Redis on 6379, the same way.
    RedisAsked,
    /// The real server of [`DAEMONS`] on this port.
    Daemon(u16),
    /// PostgreSQL on its default port 5432.
    Postgres,
    /// Redis on its default port 6379.
    Redis,
}

/// Where a form comes from.
#[derive(Debug, Clone)]
enum Origin {
    /// `probe::command(client, mode's target)`.
    Dockerfile { client: Client, mode: Mode },
    /// A test array of the image table, run as Compose runs it.
    Image { test: Vec<String> },
    /// The probe a rule case's fix wrote in place of a broken check.
    Fixed { invocation: Invocation },
    /// The node probe for `mode`, run by Bun as `node`: what the oven/bun
    /// images do with it (data/images.toml), where `node` is bun.
    OnBun { mode: Mode },
}

/// One probe form.
#[derive(Debug, Clone)]
struct Form {
    /// Stable name, as in [`KNOWN_FAILING`].
    name: String,
    /// Other forms or images with the same command.
    aliases: Vec<String>,
    origin: Origin,
    kind: Kind,
    /// The check's timeout.
    bound: Duration,
    /// Why it is not run, when it is not.
    skip: Option<String>,
}

impl Form {
    fn invocation(&self, port: u16) -> Invocation {
        match &self.origin {
            Origin::Dockerfile { client, mode } => Invocation::from_probe(
                probe::command(*client, &mode.target(port), &Health::default())
                    .expect("checked when listed"),
            ),
            Origin::Image { test } => compose_invocation(test).expect("checked when listed"),
            Origin::Fixed { invocation } => invocation.clone(),
            Origin::OnBun { mode } => {
                let probe = probe::command(Client::Node, &mode.target(port), &Health::default())
                    .expect("checked when listed");
                let Probe::Exec(mut argv) = probe else {
                    panic!("the node probe is an exec form")
                };
                argv[0] = bun_as_node().display().to_string();
                Invocation::Argv(argv)
            }
        }
    }

    fn scenarios(&self) -> &'static [Scenario] {
        scenarios(self.kind)
    }
}

/// A Compose `test` array as executed: `CMD` as argv, `CMD-SHELL` by the
/// shell, `$$` unescaped to `$` as Compose's interpolation does.
fn compose_invocation(test: &[String]) -> Option<Invocation> {
    let unescape = |s: &String| s.replace("$$", "$");
    match test.first().map(String::as_str) {
        Some("CMD") if test.len() > 1 => {
            Some(Invocation::Argv(test[1..].iter().map(unescape).collect()))
        }
        Some("CMD-SHELL") if test.len() == 2 => Some(Invocation::Shell(unescape(&test[1]))),
        _ => None,
    }
}

/// The port of the first `http://` URL in the command.
fn url_port(invocation: &Invocation) -> Option<u16> {
    let text = match invocation {
        Invocation::Argv(argv) => argv.join(" "),
        Invocation::Shell(line) => line.clone(),
    };
    let rest = &text[text.find("http://")? + "http://".len()..];
    let authority = rest
        .split(|c: char| c == '/' || c.is_whitespace() || c == '\'' || c == '"')
        .next()?;
    match authority.rsplit_once(':') {
        Some((_, port)) => port.parse().ok(),
        None => Some(80),
    }
}

/// A port no table names, for comparing commands.
const SAMPLE_PORT: u16 = 18080;

/// The Dockerfile forms, and the clients × targets that give no probe.
fn dockerfile_forms() -> (Vec<Form>, Vec<String>) {
    let mut forms: Vec<Form> = Vec::new();
    let mut refused = Vec::new();
    for client in all_clients() {
        let (name, modes, skip) = client_forms(client);
        for &mode in modes {
            let name = format!("dockerfile/{name}/{}", mode.name());
            let probe = match probe::command(client, &mode.target(SAMPLE_PORT), &Health::default())
            {
                Ok(probe) => Invocation::from_probe(probe),
                Err(why) => {
                    refused.push(format!("{name}: {why}"));
                    continue;
                }
            };
            let same = forms.iter_mut().find(|f| {
                f.kind == mode.kind() && f.skip.is_none() && f.invocation(SAMPLE_PORT) == probe
            });
            if let Some(same) = same {
                same.aliases.push(name);
                continue;
            }
            forms.push(Form {
                name,
                aliases: Vec::new(),
                origin: Origin::Dockerfile { client, mode },
                kind: mode.kind(),
                bound: DOCKERFILE_TIMEOUT,
                skip: skip.map(str::to_string),
            });
        }
    }
    // The node probes once more, run by Bun as `node` (the oven/bun images).
    for &mode in EVERY_MODE {
        if probe::command(Client::Node, &mode.target(SAMPLE_PORT), &Health::default()).is_err() {
            continue;
        }
        forms.push(Form {
            name: format!("dockerfile/node-as-bun/{}", mode.name()),
            aliases: Vec::new(),
            origin: Origin::OnBun { mode },
            kind: mode.kind(),
            bound: DOCKERFILE_TIMEOUT,
            skip: None,
        });
    }
    (forms, refused)
}

/// Where scripts/probe-tools links `node` to Bun's binary (from the npm
/// registry), as the oven/bun images do.
fn bun_as_node() -> PathBuf {
    tools_dir().join("bun/node")
}

/// The test arrays of the image table: each entry's `health` as
/// `images::lookup` returns it, and any other `health…` key holding a test
/// array (`health_before`, the check of older tags), so every array the table
/// can hand out is executed.
fn image_tests() -> Vec<(String, &'static [String])> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/images.toml"))
            .expect("data/images.toml");
    let table: toml::Table = toml::from_str(&text).expect("data/images.toml parses");
    let entries = table
        .get("image")
        .and_then(toml::Value::as_array)
        .expect("[[image]] entries");
    let mut tests = Vec::new();
    for entry in entries {
        let name = entry["name"].as_str().expect("name");
        let tag_contains = entry.get("tag_contains").and_then(toml::Value::as_str);
        let reference = format!("{name}:{}", tag_contains.unwrap_or("latest"));
        let known: &'static KnownImage = images::lookup(&reference)
            .unwrap_or_else(|| panic!("lookup({reference:?}) finds no entry"));
        let label = match tag_contains {
            Some(part) => format!("{name}:*{part}*"),
            None => name.to_string(),
        };
        for (key, value) in entry.as_table().expect("a table") {
            let Some(items) = value.as_array() else {
                continue;
            };
            let strings: Vec<String> = items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            let is_test = strings.len() == items.len()
                && matches!(
                    strings.first().map(String::as_str),
                    Some("CMD" | "CMD-SHELL")
                );
            if !key.starts_with("health") || !is_test {
                continue;
            }
            // The crate's own copy, as `Client::Image` holds it.
            let own: &'static [String] = match key.as_str() {
                "health" => known.health.as_deref().expect("lookup's entry has it"),
                "health_before" => known
                    .health_before
                    .as_deref()
                    .expect("lookup's entry has it"),
                _ => Box::leak(strings.into_boxed_slice()),
            };
            let label = if key == "health" {
                label.clone()
            } else {
                format!("{label}/{key}")
            };
            tests.push((label, own));
        }
    }
    tests
}

/// The program a command is about (`redis-cli` of `timeout 4 redis-cli …`).
fn client_of(invocation: &Invocation) -> String {
    let programs = invocation.programs();
    programs
        .iter()
        .find(|p| !matches!(p.rsplit('/').next(), Some("timeout" | "env" | "exec")))
        .or(programs.first())
        .cloned()
        .unwrap_or_default()
}

fn image_forms(programs: &Programs) -> Vec<Form> {
    // One form per distinct test array; the first image names it.
    let mut forms: Vec<Form> = Vec::new();
    for (label, test) in image_tests() {
        if let Some(form) = forms
            .iter_mut()
            .find(|f| matches!(&f.origin, Origin::Image { test: t } if t == test))
        {
            form.aliases.push(label);
            continue;
        }
        let name = format!("image/{label}");
        let Some(invocation) = compose_invocation(test) else {
            forms.push(Form {
                name,
                aliases: Vec::new(),
                origin: Origin::Image {
                    test: test.to_vec(),
                },
                kind: Kind::Tcp,
                bound: COMPOSE_TIMEOUT,
                skip: Some(format!("test {test:?} is neither CMD nor CMD-SHELL")),
            });
            continue;
        };
        // A Dockerfile on a known image gets the same check (`Client::Image`)
        // under HEALTHCHECK --timeout=5s: one form when the command is the
        // same, bound by the shorter timeout.
        let in_dockerfile = probe::command(
            Client::Image(test),
            &Mode::Lenient.target(SAMPLE_PORT),
            &Health::default(),
        )
        .ok()
        .map(Invocation::from_probe);
        let bound = if in_dockerfile.as_ref() == Some(&invocation) {
            DOCKERFILE_TIMEOUT
        } else {
            COMPOSE_TIMEOUT
        };
        let called = invocation.programs();
        let client = client_of(&invocation);
        let base = |p: &String| p.rsplit('/').next().unwrap_or("").to_string();
        let kind = if let Some(port) = url_port(&invocation) {
            Some(Kind::Http {
                strict: true,
                port: Some(port),
            })
        } else if called.iter().any(|p| base(p) == "pg_isready") {
            Some(Kind::Postgres)
        } else if called
            .iter()
            .any(|p| matches!(base(p).as_str(), "redis-cli" | "valkey-cli"))
        {
            Some(Kind::Redis)
        } else {
            None
        };
        let missing: Vec<String> = called
            .iter()
            .filter(|p| programs.find(p).is_none())
            .cloned()
            .collect();
        let skip = match kind {
            None => Some(format!(
                "no local server for it: `{client}` and its server are not installable here"
            )),
            Some(_) if !missing.is_empty() => {
                let ours = missing.iter().any(|p| PROVIDED.contains(&p.as_str()));
                Some(format!(
                    "`{}` is not installed here ({})",
                    missing.join("`, `"),
                    if ours {
                        "run scripts/probe-tools"
                    } else {
                        "scripts/probe-tools installs no package for it"
                    }
                ))
            }
            Some(_) => None,
        };
        forms.push(Form {
            name,
            aliases: Vec::new(),
            origin: Origin::Image {
                test: test.to_vec(),
            },
            kind: kind.unwrap_or(Kind::Tcp),
            bound,
            skip,
        });
        if bound == COMPOSE_TIMEOUT {
            if let Some(other) = in_dockerfile {
                println!(
                    "note: image/{label} runs as {} in a Dockerfile, not as Compose runs it; only \
                     the Compose form is executed",
                    other.show()
                );
            }
        }
    }
    forms
}

/// The rules whose fixes replace a user's check: every case of theirs
/// under `tests/rules/` that gets a replacement is a form.
const REPLACING_RULES: &[&str] = &["SW107", "SW209"];

/// The replacements the rule cases of [`REPLACING_RULES`] write, read back
/// from the fixed files exactly as Docker and Compose would run them.
fn fixed_forms() -> Vec<Form> {
    let mut forms = Vec::new();
    for code in REPLACING_RULES {
        let dir = common::root().join("tests/rules").join(code);
        let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        cases.sort();
        for case in cases {
            let overrides = seaworthy::settings::policy::Overrides {
                select: Some(vec![code.to_string()]),
                unsafe_fixes: true,
                ..Default::default()
            };
            let resolver = seaworthy::settings::resolver::Resolver::new(None).unwrap();
            let plan = planner::build(std::slice::from_ref(&case), &resolver, &overrides);
            assert!(
                plan.errors.is_empty(),
                "{}: {:?}",
                case.display(),
                plan.errors
            );
            for change in &plan.files {
                let Some(finding) = change.findings.iter().find(|f| f.code() == *code) else {
                    continue;
                };
                if change.before.as_deref() == Some(change.after.as_slice()) {
                    continue;
                }
                let invocation = replacement(&change.path, &change.after)
                    .unwrap_or_else(|| panic!("{}: no replaced check", change.path.display()));
                let port = probe_port(&invocation).unwrap_or_else(|| {
                    panic!("{}: no port in {invocation:?}", change.path.display())
                });
                let stage = match &invocation {
                    Invocation::Argv(argv) => {
                        argv[0] == probe::stage_binary(&Health::default())
                            || argv[0] == "/bin/portcheck"
                    }
                    Invocation::Shell(_) => false,
                };
                forms.push(Form {
                    name: format!(
                        "fixed/{code}/{}",
                        case.file_name().unwrap().to_string_lossy()
                    ),
                    aliases: Vec::new(),
                    origin: Origin::Fixed { invocation },
                    kind: Kind::Http {
                        strict: finding.message.contains("it requires"),
                        port: Some(port),
                    },
                    bound: DOCKERFILE_TIMEOUT,
                    skip: stage.then(|| {
                        client_forms(Client::Stage)
                            .2
                            .unwrap_or_default()
                            .to_string()
                    }),
                });
            }
        }
    }
    assert!(
        !forms.is_empty(),
        "the SW107/SW209 cases write no replacement"
    );
    forms
}

/// The check a fixed file ends with: the final HEALTHCHECK of a
/// Dockerfile (exec form as argv), or the one `test` of a Compose file.
fn replacement(path: &Path, after: &[u8]) -> Option<Invocation> {
    let source = seaworthy::source::Source::new(path, after.to_vec());
    if path.file_name()? == "Dockerfile" {
        let doc = seaworthy::syntax::dockerfile::Dockerfile::parse(source).ok()?;
        let index = doc.last_inherited(doc.final_stage(), "HEALTHCHECK")?;
        let text = doc.instructions()[index].args.text();
        let argv: Vec<String> = serde_json::from_str(text[text.find("CMD")? + 3..].trim()).ok()?;
        // `["/bin/sh", "-c", LINE]` is how a Dockerfile writes a shell probe.
        return Some(match argv.as_slice() {
            [sh, c, line] if sh == "/bin/sh" && c == "-c" => Invocation::Shell(line.clone()),
            _ => Invocation::Argv(argv),
        });
    }
    let file = seaworthy::model::compose::ComposeFile::parse(source).ok()?;
    let services = file.meaning().get("services")?.as_object()?;
    let mut tests = services
        .values()
        .filter_map(|s| s.get("healthcheck")?.get("test"));
    let test: Vec<String> = serde_json::from_value(tests.next()?.clone()).ok()?;
    compose_invocation(&test)
}

/// The port a replacement probes (its URL's, else the port it connects to).
fn probe_port(invocation: &Invocation) -> Option<u16> {
    url_port(invocation).or_else(|| match invocation {
        Invocation::Argv(argv) => seaworthy::health::port::probed_port(&argv.join(" ")),
        Invocation::Shell(line) => seaworthy::health::port::probed_port(line),
    })
}

// ---------------------------------------------------------------------------
// Scenarios

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Scenario {
    /// Nothing listens on the port.
    Down,
    Http200,
    Http404,
    Http500,
    /// A socket that accepts and never answers.
    Hung,
    /// A TCP server that writes an SMTP banner and waits.
    Banner,
    /// The real server, ready (for a TCP form: a server that greets).
    Up,
    /// PostgreSQL as the image's entrypoint runs it while it initialises:
    /// Unix socket only, no TCP.
    SocketOnly,
    /// Redis with `requirepass` (a password the user set).
    AuthRequired,
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Down => "down",
            Scenario::Http200 => "http-200",
            Scenario::Http404 => "http-404",
            Scenario::Http500 => "http-500",
            Scenario::Hung => "hung",
            Scenario::Banner => "smtp-banner",
            Scenario::Up => "up",
            Scenario::SocketOnly => "socket-only",
            Scenario::AuthRequired => "auth-required",
        }
    }
}

fn scenarios(kind: Kind) -> &'static [Scenario] {
    use Scenario::*;
    match kind {
        Kind::Http { .. } => &[Down, Http200, Http404, Http500, Hung, Banner],
        Kind::Tcp | Kind::Asked | Kind::Daemon(_) => &[Up, Down, Hung],
        Kind::Postgres => &[Up, SocketOnly, Down, Hung, Banner],
        Kind::PostgresAsked => &[Up, SocketOnly, Down, Hung],
        Kind::Redis => &[Up, AuthRequired, Down, Hung, Banner],
        Kind::RedisAsked => &[Up, AuthRequired, Down, Hung],
    }
}

/// The exit code a correct probe gives.
fn expected(kind: Kind, scenario: Scenario) -> i32 {
    match (kind, scenario) {
        (_, Scenario::Http200 | Scenario::Up | Scenario::AuthRequired) => 0,
        (Kind::Http { strict, .. }, Scenario::Http404 | Scenario::Http500) => i32::from(strict),
        _ => 1,
    }
}

// ---------------------------------------------------------------------------
// Fake servers

#[derive(Debug, Clone, Copy)]
enum Behaviour {
    Status(u16),
    Hang,
    Banner,
    /// Reads [`HELLO`], then answers [`ANSWER`] and waits.
    Answer,
}

/// A server thread; stops (and closes every connection) when dropped.
struct Fake {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

trait Conn: Read + Write + Send + 'static {
    fn prepare(&self);
    fn close(&self);
}

impl Conn for TcpStream {
    fn prepare(&self) {
        let _ = self.set_nonblocking(false);
        let _ = self.set_read_timeout(Some(Duration::from_secs(3)));
    }
    fn close(&self) {
        let _ = self.shutdown(Shutdown::Both);
    }
}

impl Conn for std::os::unix::net::UnixStream {
    fn prepare(&self) {
        let _ = self.set_nonblocking(false);
        let _ = self.set_read_timeout(Some(Duration::from_secs(3)));
    }
    fn close(&self) {
        let _ = self.shutdown(Shutdown::Both);
    }
}

fn serve<C: Conn>(
    mut accept: impl FnMut() -> std::io::Result<C> + Send + 'static,
    behaviour: Behaviour,
) -> Fake {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let thread = thread::spawn(move || {
        let mut held: Vec<C> = Vec::new();
        while !flag.load(Ordering::SeqCst) {
            match accept() {
                Ok(conn) => {
                    conn.prepare();
                    match behaviour {
                        Behaviour::Hang => held.push(conn),
                        Behaviour::Banner => {
                            let mut conn = conn;
                            let _ = conn.write_all(BANNER);
                            held.push(conn);
                        }
                        Behaviour::Status(status) => {
                            thread::spawn(move || answer(conn, status));
                        }
                        Behaviour::Answer => {
                            let mut conn = conn;
                            let mut request = Vec::new();
                            let mut buf = [0u8; 64];
                            while request.len() < HELLO.len() {
                                match conn.read(&mut buf) {
                                    Ok(0) | Err(_) => break,
                                    Ok(n) => request.extend_from_slice(&buf[..n]),
                                }
                            }
                            if request == HELLO {
                                let _ = conn.write_all(ANSWER);
                            }
                            held.push(conn);
                        }
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    thread::sleep(Duration::from_millis(3))
                }
                Err(_) => thread::sleep(Duration::from_millis(3)),
            }
        }
        for conn in &held {
            conn.close();
        }
    });
    Fake {
        stop,
        thread: Some(thread),
    }
}

fn answer<C: Conn>(mut conn: C, status: u16) {
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Internal Server Error",
    };
    let body = format!("{status} {reason}\n");
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut response = head.into_bytes();
    if !request.starts_with(b"HEAD ") {
        response.extend_from_slice(body.as_bytes());
    }
    let _ = conn.write_all(&response);
    let _ = conn.flush();
    conn.close();
}

fn serve_tcp(listener: TcpListener, behaviour: Behaviour) -> Fake {
    listener.set_nonblocking(true).expect("nonblocking");
    serve(move || listener.accept().map(|(s, _)| s), behaviour)
}

fn serve_unix(path: &Path, behaviour: Behaviour) -> std::io::Result<Fake> {
    let _ = std::fs::remove_file(path);
    let listener = UnixListener::bind(path)?;
    listener.set_nonblocking(true)?;
    Ok(serve(move || listener.accept().map(|(s, _)| s), behaviour))
}

/// Binds 127.0.0.1:`port` (0: a free port the kernel picks). A fixed port
/// is tried for a while: a child forked by another thread holds a copy of
/// the last server's socket until it execs.
fn bind(port: u16) -> Result<TcpListener, String> {
    let start = Instant::now();
    loop {
        match TcpListener::bind(("127.0.0.1", port)) {
            Ok(listener) => return Ok(listener),
            Err(e)
                if e.kind() == ErrorKind::AddrInUse && start.elapsed() < Duration::from_secs(3) =>
            {
                thread::sleep(Duration::from_millis(20))
            }
            Err(e) => return Err(format!("port {port} is busy here ({e})")),
        }
    }
}

fn port_of(listener: &TcpListener) -> u16 {
    listener.local_addr().expect("bound").port()
}

// ---------------------------------------------------------------------------
// Programs

/// Where the probes' programs are: a folder put first on PATH with `wget`,
/// `nc` and `python` pointing at the stand-ins for the images' own.
struct Programs {
    _dir: tempfile::TempDir,
    path: String,
    notes: Vec<String>,
    pg_bin: Option<PathBuf>,
    /// Whether the stand-in `wget` takes `-T` (Debian's busybox does not, and
    /// crashes on it).
    wget_timeout: bool,
    /// `nc -z` has no stand-in (busybox's nc lacks it, netcat-openbsd absent).
    nc_lacks_z: bool,
    /// `wget` and `nc` are the busybox scripts/probe-tools builds.
    alpine_like: bool,
}

/// Where scripts/probe-tools puts what it builds.
fn tools_dir() -> PathBuf {
    std::env::var_os("SEAWORTHY_PROBE_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/local/lib/seaworthy-probe-tools"))
}

/// Programs scripts/probe-tools installs, and what the suite needs them for.
const REQUIRED: &[&str] = &[
    "curl",
    "python3",
    "node",
    "pg_isready",
    "initdb",
    "postgres",
    "redis-server",
    "redis-cli",
    "memcached",
    "mosquitto",
    "dnsmasq",
];

/// What the forms call that scripts/probe-tools provides.
const PROVIDED: &[&str] = &[
    "busybox",
    "wget",
    "nc",
    "curl",
    "python",
    "python3",
    "node",
    "pg_isready",
    "redis-cli",
];

fn which(program: &str, path: &str) -> Option<PathBuf> {
    if program.contains('/') {
        let p = PathBuf::from(program);
        return p.is_file().then_some(p);
    }
    path.split(':')
        .map(|dir| Path::new(dir).join(program))
        .find(|p| p.is_file())
}

impl Programs {
    fn new() -> Programs {
        let dir = tempfile::tempdir().expect("temp dir");
        let system = std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into());
        let mut notes = Vec::new();
        let (mut wget_timeout, mut nc_lacks_z) = (false, false);
        let pg_bin = postgres_bin_dir(&system);
        let link = |name: &str, to: &Path| {
            symlink(to, dir.path().join(name)).expect("symlink");
        };
        let help = |busybox: &Path, applet: &str| {
            Command::new(busybox)
                .args([applet, "--help"])
                .output()
                .map(|o| {
                    String::from_utf8_lossy(&o.stderr).into_owned()
                        + &String::from_utf8_lossy(&o.stdout)
                })
                .unwrap_or_default()
        };
        let built = tools_dir().join("busybox");
        let alpine_like = built.is_file()
            && help(&built, "wget").contains("-T SEC")
            && help(&built, "nc").contains("-z");
        if alpine_like {
            link("wget", &built);
            link("nc", &built);
            wget_timeout = true;
            notes.push(format!(
                "`wget` and `nc` are {}, a busybox built by scripts/probe-tools with alpine's \
                 wget and nc features (wget -T, nc -z)",
                built.display()
            ));
        } else if let Some(busybox) = which("busybox", &system) {
            link("wget", &busybox);
            if help(&busybox, "nc").contains("-z") {
                link("nc", &busybox);
            } else {
                let openbsd = ["/bin/nc.openbsd", "/usr/bin/nc.openbsd"]
                    .into_iter()
                    .map(PathBuf::from)
                    .find(|p| p.is_file());
                match openbsd {
                    Some(nc) => {
                        link("nc", &nc);
                        notes.push(format!(
                            "this busybox's nc has no -z (Debian builds it without \
                             NC_110_COMPAT; alpine's has it): `nc` is {}",
                            nc.display()
                        ));
                    }
                    None => {
                        link("nc", &busybox);
                        nc_lacks_z = true;
                    }
                }
            }
            wget_timeout = help(&busybox, "wget").contains("-T SEC");
            if !wget_timeout {
                notes.push(
                    "this busybox's wget has no -T (Debian builds it without \
                     FEATURE_WGET_TIMEOUT, and it crashes on -T; alpine's has it): a form that \
                     passes -T to wget is not run here; scripts/probe-tools builds one that has it"
                        .into(),
                );
            }
        }
        // The images call `python`; Debian has only python3. Point at the
        // interpreter itself, not a version manager's shim.
        if let Ok(out) = Command::new("python3")
            .args(["-c", "import sys; print(sys.executable)"])
            .output()
        {
            let exe = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
            if exe.is_file() {
                link("python", &exe);
                link("python3", &exe);
            }
        }
        // pg_isready itself, not Debian's pg_wrapper (which picks a cluster).
        if let Some(bin) = &pg_bin {
            link("pg_isready", &bin.join("pg_isready"));
        }
        let path = format!("{}:{system}", dir.path().display());
        Programs {
            _dir: dir,
            path,
            notes,
            pg_bin,
            wget_timeout,
            nc_lacks_z,
            alpine_like,
        }
    }

    /// Why this machine's stand-ins cannot run `invocation` as the image's
    /// own programs would, if so.
    fn cannot_run(&self, invocation: &Invocation) -> Option<String> {
        let words: Vec<&str> = match invocation {
            Invocation::Argv(argv) => argv.iter().map(String::as_str).collect(),
            Invocation::Shell(line) => line.split_whitespace().collect(),
        };
        let after = |program: &str| {
            words
                .iter()
                .skip_while(move |w| w.rsplit('/').next() != Some(program))
                .skip(1)
                .copied()
                .collect::<Vec<&str>>()
        };
        let wget = after("wget");
        if !self.wget_timeout
            && wget
                .iter()
                .any(|w| w.starts_with("-T") || w.starts_with("--timeout"))
        {
            return Some(
                "it passes -T to wget, and this machine's busybox wget has no -T (it crashes on \
                 it): no faithful stand-in for alpine's busybox here"
                    .into(),
            );
        }
        if self.nc_lacks_z && after("nc").contains(&"-z") {
            return Some("`nc -z` needs netcat-openbsd here: run scripts/probe-tools".into());
        }
        None
    }

    fn find(&self, program: &str) -> Option<PathBuf> {
        match program {
            "initdb" | "postgres" => self.pg_bin.as_ref().map(|b| b.join(program)),
            // Daemons Debian puts in sbin, which a user's PATH may lack.
            "mosquitto" | "dnsmasq" => which(program, &self.path)
                .or_else(|| which(&format!("/usr/sbin/{program}"), &self.path)),
            _ => which(program, &self.path),
        }
    }

    fn missing(&self) -> Vec<&'static str> {
        let mut missing: Vec<&'static str> = REQUIRED
            .iter()
            .copied()
            .filter(|p| self.find(p).is_none())
            .collect();
        if !self.alpine_like {
            missing.push("a busybox with wget -T and nc -z (scripts/probe-tools builds it)");
        }
        // scripts/probe-tools installs Bun where it has a build.
        let bun_builds = cfg!(any(target_arch = "x86_64", target_arch = "aarch64"));
        if bun_builds && !bun_as_node().is_file() {
            missing.push("Bun linked as node (scripts/probe-tools installs it)");
        }
        missing
    }
}

/// Debian keeps initdb and postgres in /usr/lib/postgresql/N/bin.
fn postgres_bin_dir(path: &str) -> Option<PathBuf> {
    let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    dirs.sort();
    dirs.pop()
        .map(|(_, bin)| bin)
        .or_else(|| which("initdb", path).and_then(|p| p.parent().map(Path::to_path_buf)))
}

// ---------------------------------------------------------------------------
// Running one probe

#[derive(Debug, Clone)]
struct Outcome {
    /// The exit code; `None` when killed.
    code: Option<i32>,
    /// Killed by us at the hard limit.
    timed_out: bool,
    signal: Option<i32>,
    elapsed: Duration,
    /// Processes of its group still there after it exited.
    leftovers: Vec<String>,
    /// Its last line of output.
    said: String,
}

/// Runs `invocation` in its own process group, with `env` added, killing
/// the group at `limit`.
fn execute(
    invocation: &Invocation,
    path: &str,
    env: &[(String, String)],
    limit: Duration,
) -> Outcome {
    let log = tempfile::tempfile().expect("log file");
    let mut command = invocation.command();
    command
        .env("PATH", path)
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log"))
        .stderr(log.try_clone().expect("log"))
        .process_group(0);
    die_with_parent(&mut command);
    for var in [
        "PGHOST",
        "PGPORT",
        "PGUSER",
        "PGDATABASE",
        "PGPASSWORD",
        "POSTGRES_USER",
        "POSTGRES_DB",
        "REDISCLI_AUTH",
        "http_proxy",
        "https_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "no_proxy",
        "NO_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        command.env_remove(var);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    let start = Instant::now();
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            return Outcome {
                code: Some(127),
                timed_out: false,
                signal: None,
                elapsed: start.elapsed(),
                leftovers: Vec::new(),
                said: format!("cannot start: {e}"),
            }
        }
    };
    let group = child.id() as i32;
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() >= limit {
            timed_out = true;
            kill_group(group);
            break child.wait().expect("wait");
        }
        thread::sleep(Duration::from_millis(2));
    };
    let elapsed = start.elapsed();
    let leftovers = group_members(group);
    if !leftovers.is_empty() {
        kill_group(group);
    }
    let mut text = String::new();
    let mut log = log;
    let _ = log.seek(std::io::SeekFrom::Start(0));
    let _ = log.read_to_string(&mut text);
    let said = text
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("")
        .chars()
        .take(120)
        .collect();
    Outcome {
        code: if timed_out { None } else { status.code() },
        timed_out,
        signal: if timed_out { None } else { status.signal() },
        elapsed,
        leftovers,
        said,
    }
}

/// Has the kernel kill the child if the thread that started it goes away
/// (the suite killed midway), so no server or probe outlives the suite.
fn die_with_parent(command: &mut Command) {
    // SAFETY: prctl is async-signal-safe and touches only the child.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
}

fn kill_group(group: i32) {
    // SAFETY: kill(2) with a negative pid signals that process group only.
    unsafe {
        libc::kill(-group, libc::SIGKILL);
    }
}

/// Live processes (zombies aside) whose process group is `group`.
///
/// Our probe led the group and was reaped before this look, so a live
/// process whose pid is `group` means the kernel has reused the id (it
/// does once no process of the old group is left): the group is then
/// another's (a probe of a test running beside this one), and nothing of
/// ours is left in it.
fn group_members(group: i32) -> Vec<String> {
    let mut members = Vec::new();
    let mut reused = false;
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let comm = &stat[open + 1..close];
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        // state ppid pgrp
        if fields.len() > 2 && fields[0] != "Z" && fields[2].parse() == Ok(group) {
            reused |= pid == group;
            members.push(format!("{comm} (pid {pid})"));
        }
    }
    if reused {
        members.clear();
    }
    members
}

/// Why an outcome breaks the promise, or `None` when it keeps it.
fn judge(form: &Form, scenario: Scenario, outcome: &Outcome) -> Option<String> {
    let want = expected(form.kind, scenario);
    let mut wrong = Vec::new();
    if outcome.timed_out {
        wrong.push(format!(
            "never gave up: still running after {} s, its group killed",
            HARD_LIMIT.as_secs()
        ));
    } else if let Some(signal) = outcome.signal {
        wrong.push(format!("killed by signal {signal}"));
    } else if let Some(code) = outcome.code {
        if code != want {
            let note = match code {
                0 | 1 => "",
                2 => " (Docker reserves 2)",
                _ => " (only 0 and 1 are allowed)",
            };
            wrong.push(format!("exit {code}, want {want}{note}"));
        }
    }
    if !outcome.timed_out && outcome.elapsed > form.bound {
        wrong.push(format!(
            "took {:.1} s, longer than the check's timeout of {} s",
            outcome.elapsed.as_secs_f64(),
            form.bound.as_secs()
        ));
    } else if scenario == Scenario::Down && outcome.elapsed > DOWN_BOUND {
        wrong.push(format!(
            "took {:.1} s to see nothing listening (want < {} s)",
            outcome.elapsed.as_secs_f64(),
            DOWN_BOUND.as_secs()
        ));
    }
    if !outcome.leftovers.is_empty() {
        wrong.push(format!("left behind: {}", outcome.leftovers.join(", ")));
    }
    (!wrong.is_empty()).then(|| wrong.join("; "))
}

/// One form × scenario.
#[derive(Debug, Clone)]
struct Record {
    form: String,
    scenario: Scenario,
    /// The run, or why there was none.
    run: Result<(Outcome, Option<String>), String>,
}

fn record(
    form: &Form,
    scenario: Scenario,
    port: u16,
    programs: &Programs,
    env: &[(String, String)],
) -> Record {
    let outcome = execute(&form.invocation(port), &programs.path, env, HARD_LIMIT);
    let verdict = judge(form, scenario, &outcome);
    Record {
        form: form.name.clone(),
        scenario,
        run: Ok((outcome, verdict)),
    }
}

/// A skipped record for each of `forms` that runs `scenario`.
fn skipped_where_run(forms: &[Form], scenario: Scenario, why: &str) -> Vec<Record> {
    forms
        .iter()
        .filter(|f| f.scenarios().contains(&scenario))
        .map(|f| skipped(f, scenario, why.to_string()))
        .collect()
}

fn skipped(form: &Form, scenario: Scenario, why: String) -> Record {
    Record {
        form: form.name.clone(),
        scenario,
        run: Err(why),
    }
}

// ---------------------------------------------------------------------------
// HTTP and TCP forms

fn behaviour(kind: Kind, scenario: Scenario) -> Option<Behaviour> {
    match scenario {
        Scenario::Up if kind == Kind::Tcp => Some(Behaviour::Banner),
        Scenario::Up if kind == Kind::Asked => Some(Behaviour::Answer),
        Scenario::Http200 => Some(Behaviour::Status(200)),
        Scenario::Http404 => Some(Behaviour::Status(404)),
        Scenario::Http500 => Some(Behaviour::Status(500)),
        Scenario::Hung => Some(Behaviour::Hang),
        Scenario::Banner => Some(Behaviour::Banner),
        _ => None,
    }
}

/// One run against a fake server on `port` (0: a port picked now).
fn http_run(form: &Form, scenario: Scenario, port: u16, programs: &Programs) -> Record {
    let listener = match bind(port) {
        Ok(listener) => listener,
        Err(why) => return skipped(form, scenario, why),
    };
    let port = port_of(&listener);
    let _server = match behaviour(form.kind, scenario) {
        Some(behaviour) => Some(serve_tcp(listener, behaviour)),
        None => {
            drop(listener);
            None
        }
    };
    record(form, scenario, port, programs, &[])
}

// ---------------------------------------------------------------------------
// PostgreSQL

/// A data folder made by initdb, owned by the `postgres` user when we are root
/// (initdb and postgres refuse to run as root).
struct Postgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    owner: Option<(u32, u32)>,
}

impl Postgres {
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn sockets(&self) -> PathBuf {
        self.dir.path().join("run")
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(self.bin.join(program));
        if let Some((uid, gid)) = self.owner {
            command.uid(uid).gid(gid);
        }
        command.env_remove("PGHOST").env_remove("PGPORT");
        command
    }

    fn init(bin: PathBuf) -> Result<Postgres, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        // SAFETY: geteuid has no preconditions.
        let owner = if unsafe { libc::geteuid() } == 0 {
            Some(
                user_ids("postgres")
                    .ok_or("running as root, and there is no `postgres` user to run initdb as")?,
            )
        } else {
            None
        };
        let pg = Postgres { bin, dir, owner };
        std::fs::create_dir(pg.sockets()).map_err(|e| e.to_string())?;
        if let Some((uid, gid)) = owner {
            for path in [pg.dir.path().to_path_buf(), pg.sockets()] {
                chown(&path, Some(uid), Some(gid)).map_err(|e| e.to_string())?;
            }
        }
        let out = pg
            .command("initdb")
            .arg("-D")
            .arg(pg.data())
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-N",
                "-E",
                "UTF8",
                "--locale=C",
            ])
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(pg)
    }

    /// Starts the server on 5432, listening on TCP or (as the image's
    /// entrypoint does while it initialises) on the Unix socket only, and
    /// waits until it accepts connections.
    fn start(&self, tcp: bool) -> Result<Server, String> {
        let log = std::fs::File::create(self.dir.path().join(format!("log-{tcp}")))
            .map_err(|e| e.to_string())?;
        let listen = if tcp { "127.0.0.1" } else { "" };
        let mut command = self.command("postgres");
        die_with_parent(&mut command);
        let child = command
            .arg("-D")
            .arg(self.data())
            .arg("-k")
            .arg(self.sockets())
            .args(["-p", "5432", "-c"])
            .arg(format!("listen_addresses={listen}"))
            .args([
                "-c",
                "fsync=off",
                "-c",
                "shared_buffers=16MB",
                "-c",
                "max_connections=20",
            ])
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("postgres: {e}"))?;
        let mut server = Server {
            child,
            stop: libc::SIGINT,
        };
        let pid_file = self.data().join("postmaster.pid");
        let start = Instant::now();
        loop {
            let ready = std::fs::read_to_string(&pid_file)
                .map(|text| text.lines().nth(7).map(str::trim) == Some("ready"))
                .unwrap_or(false);
            if ready && (!tcp || TcpStream::connect(("127.0.0.1", 5432)).is_ok()) {
                return Ok(server);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                let log = std::fs::read_to_string(self.dir.path().join(format!("log-{tcp}")))
                    .unwrap_or_default();
                return Err(format!("postgres exited ({status}): {}", log.trim()));
            }
            if start.elapsed() > Duration::from_secs(30) {
                return Err("postgres was not ready after 30 s".into());
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A server process: stopped (and waited for) when dropped.
struct Server {
    child: Child,
    stop: i32,
}

impl Drop for Server {
    fn drop(&mut self) {
        let pid = self.child.id() as i32;
        // SAFETY: signals the process we started.
        unsafe {
            libc::kill(pid, self.stop);
        }
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                kill_group(pid);
                return;
            }
            thread::sleep(Duration::from_millis(10));
        }
        kill_group(pid);
        let _ = self.child.wait();
    }
}

fn user_ids(name: &str) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() > 3 && fields[0] == name)
            .then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))
            .flatten()
    })
}

/// Every PostgreSQL form, scenario by scenario (they share port 5432).
fn postgres_lane(forms: Vec<Form>, programs: Arc<Programs>) -> Vec<Record> {
    let every = |why: String| -> Vec<Record> {
        forms
            .iter()
            .flat_map(|f| f.scenarios().iter().map(|s| skipped(f, *s, why.clone())))
            .collect()
    };
    let Some(bin) = programs.pg_bin.clone() else {
        return every("PostgreSQL is not installed: run scripts/probe-tools".into());
    };
    let pg = match Postgres::init(bin) {
        Ok(pg) => pg,
        Err(why) => return every(why),
    };
    // pg_isready's compiled-in socket folder is the one the image's server
    // uses; here the server's is a temp folder, so PGHOST stands for that
    // default. A form that names a host (-h) overrides it, as in the image.
    let env = vec![("PGHOST".to_string(), pg.sockets().display().to_string())];
    let socket = pg.sockets().join(".s.PGSQL.5432");
    let mut records = Vec::new();
    for scenario in scenarios(Kind::Postgres) {
        let setup: Result<Vec<Box<dyn std::any::Any>>, String> = (|| {
            Ok(match scenario {
                Scenario::Up => vec![Box::new(pg.start(true)?) as Box<dyn std::any::Any>],
                Scenario::SocketOnly => vec![Box::new(pg.start(false)?) as Box<dyn std::any::Any>],
                Scenario::Down => {
                    drop(bind(5432)?);
                    vec![]
                }
                Scenario::Hung => vec![
                    Box::new(serve_tcp(bind(5432)?, Behaviour::Hang)) as Box<dyn std::any::Any>,
                    Box::new(serve_unix(&socket, Behaviour::Hang).map_err(|e| e.to_string())?),
                ],
                Scenario::Banner => {
                    vec![Box::new(serve_tcp(bind(5432)?, Behaviour::Banner))
                        as Box<dyn std::any::Any>]
                }
                _ => unreachable!("not a PostgreSQL scenario"),
            })
        })();
        match setup {
            Ok(servers) => {
                for form in forms.iter().filter(|f| f.scenarios().contains(scenario)) {
                    records.push(record(form, *scenario, 5432, &programs, &env));
                }
                drop(servers);
                let _ = std::fs::remove_file(&socket);
            }
            Err(why) => records.extend(skipped_where_run(&forms, *scenario, &why)),
        }
    }
    records
}

// ---------------------------------------------------------------------------
// Redis

fn start_redis(programs: &Programs, dir: &Path, password: Option<&str>) -> Result<Server, String> {
    let server = programs
        .find("redis-server")
        .ok_or("redis-server is not installed: run scripts/probe-tools")?;
    bind(6379).map(drop)?;
    let mut command = Command::new(server);
    command
        .args([
            "--port",
            "6379",
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .args(["--daemonize", "no", "--dir"])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    die_with_parent(&mut command);
    if let Some(password) = password {
        command.args(["--requirepass", password]);
    }
    let mut server = Server {
        child: command.spawn().map_err(|e| format!("redis-server: {e}"))?,
        stop: libc::SIGTERM,
    };
    let start = Instant::now();
    loop {
        if let Ok(mut conn) = TcpStream::connect(("127.0.0.1", 6379)) {
            let _ = conn.set_read_timeout(Some(Duration::from_secs(1)));
            let mut reply = [0u8; 64];
            if conn.write_all(b"PING\r\n").is_ok() {
                if let Ok(n) = conn.read(&mut reply) {
                    if reply[..n].starts_with(b"+PONG") || reply[..n].starts_with(b"-NOAUTH") {
                        return Ok(server);
                    }
                }
            }
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(format!("redis-server exited ({status})"));
        }
        if start.elapsed() > Duration::from_secs(15) {
            return Err("redis-server was not ready after 15 s".into());
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Every Redis form, scenario by scenario (they share port 6379).
fn redis_lane(forms: Vec<Form>, programs: Arc<Programs>) -> Vec<Record> {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut records = Vec::new();
    for scenario in scenarios(Kind::Redis) {
        let setup: Result<Box<dyn std::any::Any>, String> = match scenario {
            Scenario::Up => start_redis(&programs, dir.path(), None).map(|s| Box::new(s) as _),
            Scenario::AuthRequired => {
                start_redis(&programs, dir.path(), Some("s3cret")).map(|s| Box::new(s) as _)
            }
            Scenario::Down => bind(6379).map(|l| {
                drop(l);
                Box::new(()) as _
            }),
            Scenario::Hung => bind(6379).map(|l| Box::new(serve_tcp(l, Behaviour::Hang)) as _),
            Scenario::Banner => bind(6379).map(|l| Box::new(serve_tcp(l, Behaviour::Banner)) as _),
            _ => unreachable!("not a Redis scenario"),
        };
        match setup {
            Ok(server) => {
                for form in forms.iter().filter(|f| f.scenarios().contains(scenario)) {
                    records.push(record(form, *scenario, 6379, &programs, &[]));
                }
                drop(server);
            }
            Err(why) => records.extend(skipped_where_run(&forms, *scenario, &why)),
        }
    }
    records
}

// ---------------------------------------------------------------------------
// Other servers, for the forms that send their protocol's request

/// A server from Debian's packages (scripts/probe-tools installs it).
struct Daemon {
    port: u16,
    program: &'static str,
    args: &'static [&'static str],
}

/// The servers of the client-first protocols whose `hello` data/ports.toml
/// gives, besides PostgreSQL and Redis (which have their own lanes).
const DAEMONS: &[Daemon] = &[
    Daemon {
        port: 11211,
        program: "memcached",
        args: &["-p", "11211", "-l", "127.0.0.1", "-U", "0", "-u", "nobody"],
    },
    Daemon {
        port: 1883,
        program: "mosquitto",
        args: &["-p", "1883"],
    },
    Daemon {
        port: 53,
        program: "dnsmasq",
        args: &[
            "--keep-in-foreground",
            "--port=53",
            "--listen-address=127.0.0.1",
            "--bind-interfaces",
            "--no-resolv",
            "--no-hosts",
            "--conf-file=/dev/null",
            "--pid-file=",
            "--user=root",
        ],
    },
];

/// Every `hello` of data/ports.toml is executed against a real server of its
/// protocol: PostgreSQL's and Redis's in their lanes, the others in
/// [`DAEMONS`].
#[test]
fn every_request_seaworthy_sends_meets_a_real_server() {
    for port in 1..=u16::MAX {
        if let Speaks::Asked(protocol, _) = Target::new(port, None).speaks {
            assert!(
                matches!(port, 5432 | 6379) || DAEMONS.iter().any(|d| d.port == port),
                "port {port} ({protocol}) has a `hello` no real server checks here"
            );
        }
    }
}

fn daemon(port: u16) -> &'static Daemon {
    DAEMONS
        .iter()
        .find(|d| d.port == port)
        .expect("a daemon for every Mode::Daemon port")
}

/// Starts `daemon` and waits until it accepts connections.
fn start_daemon(daemon: &Daemon, programs: &Programs) -> Result<Server, String> {
    let program = programs.find(daemon.program).ok_or_else(|| {
        format!(
            "{} is not installed: run scripts/probe-tools",
            daemon.program
        )
    })?;
    bind(daemon.port).map(drop)?;
    let mut command = Command::new(program);
    command
        .args(daemon.args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    die_with_parent(&mut command);
    let mut server = Server {
        child: command
            .spawn()
            .map_err(|e| format!("{}: {e}", daemon.program))?,
        stop: libc::SIGTERM,
    };
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", daemon.port)).is_err() {
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(format!("{} exited ({status})", daemon.program));
        }
        if start.elapsed() > Duration::from_secs(15) {
            return Err(format!("{} was not ready after 15 s", daemon.program));
        }
        thread::sleep(Duration::from_millis(20));
    }
    Ok(server)
}

/// Every form for the server on `port`, scenario by scenario.
fn daemon_lane(port: u16, forms: Vec<Form>, programs: Arc<Programs>) -> Vec<Record> {
    let mut records = Vec::new();
    for scenario in scenarios(Kind::Daemon(port)) {
        let setup: Result<Box<dyn std::any::Any>, String> = match scenario {
            Scenario::Up => start_daemon(daemon(port), &programs).map(|s| Box::new(s) as _),
            Scenario::Down => bind(port).map(|l| {
                drop(l);
                Box::new(()) as _
            }),
            Scenario::Hung => bind(port).map(|l| Box::new(serve_tcp(l, Behaviour::Hang)) as _),
            _ => unreachable!("not a daemon scenario"),
        };
        match setup {
            Ok(server) => {
                for form in &forms {
                    records.push(record(form, *scenario, port, &programs, &[]));
                }
                drop(server);
            }
            Err(why) => records.extend(skipped_where_run(&forms, *scenario, &why)),
        }
    }
    records
}

// ---------------------------------------------------------------------------
// Network namespace

/// Runs the test again inside a private network namespace, when it can be
/// made (root and `unshare`); `None` when it cannot, with why.
fn run_in_namespace() -> Result<(), String> {
    if std::env::var_os(HOST_NETWORK).is_some() {
        return Err(format!("{HOST_NETWORK} is set"));
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Err("not root".into());
    }
    let probe = Command::new("unshare")
        .args(["--net", "true"])
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        return Err("`unshare --net` cannot make a network namespace here".into());
    }
    if which("ip", &std::env::var("PATH").unwrap_or_default()).is_none()
        && !Path::new("/usr/sbin/ip").is_file()
        && !Path::new("/sbin/ip").is_file()
    {
        return Err("`ip` (iproute2) is missing to bring up lo in the namespace".into());
    }
    let exe = std::env::current_exe().expect("test binary");
    let mut command = Command::new("unshare");
    die_with_parent(&mut command);
    let out = command
        .arg("--net")
        .arg("--")
        .arg(exe)
        .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
        .env(INNER, network_namespace())
        .stdin(Stdio::null())
        .output()
        .expect("unshare runs");
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "the probe suite failed inside its network namespace ({}): see its output above",
        out.status
    );
    Ok(())
}

/// This process's network namespace, as `net:[inode]`.
fn network_namespace() -> String {
    std::fs::read_link("/proc/self/ns/net")
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

/// Brings `lo` up, only once sure this process is in another network
/// namespace than the run that started it: the machine's own network is
/// never touched.
fn bring_up_loopback(outer: &str) {
    let own = network_namespace();
    assert!(
        !own.is_empty() && own != outer,
        "{INNER} is set but this run is in the network namespace it was started from ({own}): \
         refusing to touch the machine's network"
    );
    let ip = ["/usr/sbin/ip", "/sbin/ip", "ip"]
        .into_iter()
        .find(|p| !p.contains('/') || Path::new(p).is_file())
        .unwrap_or("ip");
    let status = Command::new(ip)
        .args(["link", "set", "lo", "up"])
        .status()
        .expect("ip runs");
    assert!(
        status.success(),
        "`ip link set lo up` failed in the namespace"
    );
}

// ---------------------------------------------------------------------------
// The test

const TEST_NAME: &str = "probe_forms_against_live_servers";

type Job = Box<dyn FnOnce() -> Vec<Record> + Send>;

#[test]
fn probe_forms_against_live_servers() {
    let suite = Instant::now();
    println!();
    if let Ok(outer) = std::env::var(INNER) {
        bring_up_loopback(&outer);
        println!("network: a private network namespace (unshare --net), lo brought up in it");
    } else {
        match run_in_namespace() {
            Ok(()) => return,
            Err(why) => println!(
                "network: this machine's 127.0.0.1 ({why}; no private network namespace): \
                 Dockerfile forms on ports the kernel picks, image forms on their image's \
                 port, skipped when it is busy"
            ),
        }
    }

    let programs = Arc::new(Programs::new());
    for note in &programs.notes {
        println!("note: {note}");
    }
    println!(
        "note: PostgreSQL listens on 5432 and on a Unix socket in a temp folder; PGHOST names \
         that folder for the probes, standing for pg_isready's compiled-in socket folder, which \
         in the image is the server's (a form's own -h wins over it)"
    );
    let missing = programs.missing();
    if !missing.is_empty() {
        let message = format!(
            "probe tools missing: {}; run scripts/probe-tools",
            missing.join(", ")
        );
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
        println!("note: {message} (forms that need them are skipped)");
    }

    let (mut forms, refused) = dockerfile_forms();
    forms.extend(image_forms(&programs));
    forms.extend(fixed_forms());
    check_known_failing(&forms);
    for form in &mut forms {
        if form.skip.is_some() {
            continue;
        }
        let programs_needed = match form.kind {
            Kind::Postgres | Kind::PostgresAsked => {
                vec!["initdb".to_string(), "postgres".to_string()]
            }
            Kind::Redis | Kind::RedisAsked => vec!["redis-server".to_string()],
            Kind::Daemon(port) => vec![daemon(port).program.to_string()],
            Kind::Http { .. } | Kind::Tcp | Kind::Asked => vec![],
        };
        let absent: Vec<String> = form
            .invocation(SAMPLE_PORT)
            .programs()
            .into_iter()
            .chain(programs_needed)
            .filter(|p| programs.find(p).is_none())
            .collect();
        if !absent.is_empty() {
            form.skip = Some(format!(
                "`{}` is not installed: run scripts/probe-tools",
                absent.join("`, `")
            ));
        } else if let Some(why) = programs.cannot_run(&form.invocation(SAMPLE_PORT)) {
            form.skip = Some(why);
        }
    }

    // Jobs: a probe that waits on a hung server runs in its own thread; the
    // quick runs share a few workers; forms on a fixed port take turns on it.
    let mut hung: Vec<Job> = Vec::new();
    let mut lanes: Vec<Job> = Vec::new();
    let mut quick: Vec<Job> = Vec::new();
    let mut skips: Vec<Record> = Vec::new();
    let mut by_port: BTreeMap<u16, Vec<Form>> = BTreeMap::new();
    let (mut postgres, mut redis) = (Vec::new(), Vec::new());
    let mut daemons: BTreeMap<u16, Vec<Form>> = BTreeMap::new();
    for form in &forms {
        if let Some(why) = &form.skip {
            skips.extend(
                form.scenarios()
                    .iter()
                    .map(|s| skipped(form, *s, why.clone())),
            );
            continue;
        }
        match form.kind {
            Kind::Http { port: None, .. } | Kind::Tcp | Kind::Asked => {
                for &scenario in form.scenarios() {
                    let (form, programs) = (form.clone(), programs.clone());
                    let job: Job = Box::new(move || vec![http_run(&form, scenario, 0, &programs)]);
                    if scenario == Scenario::Hung {
                        hung.push(job);
                    } else {
                        quick.push(job);
                    }
                }
            }
            Kind::Http {
                port: Some(port), ..
            } => by_port.entry(port).or_default().push(form.clone()),
            Kind::Postgres | Kind::PostgresAsked => postgres.push(form.clone()),
            Kind::Redis | Kind::RedisAsked => redis.push(form.clone()),
            Kind::Daemon(port) => daemons.entry(port).or_default().push(form.clone()),
        }
    }
    for (port, forms) in by_port {
        let programs = programs.clone();
        lanes.push(Box::new(move || {
            let mut records = Vec::new();
            for form in &forms {
                for &scenario in form.scenarios() {
                    records.push(http_run(form, scenario, port, &programs));
                }
            }
            records
        }));
    }
    if !postgres.is_empty() {
        let programs = programs.clone();
        lanes.push(Box::new(move || postgres_lane(postgres, programs)));
    }
    if !redis.is_empty() {
        let programs = programs.clone();
        lanes.push(Box::new(move || redis_lane(redis, programs)));
    }
    for (port, forms) in daemons {
        let programs = programs.clone();
        lanes.push(Box::new(move || daemon_lane(port, forms, programs)));
    }

    // The probes that wait on a hung server start first, a little apart,
    // and the rest once they have: interpreters starting all together would
    // eat into each other's timeout.
    let mut threads: Vec<JoinHandle<Vec<Record>>> = Vec::new();
    for job in hung {
        threads.push(thread::spawn(job));
        thread::sleep(Duration::from_millis(50));
    }
    thread::sleep(Duration::from_millis(500));
    for job in lanes {
        threads.push(thread::spawn(job));
    }
    let queue = Arc::new(Mutex::new(quick));
    for _ in 0..3 {
        let queue = queue.clone();
        threads.push(thread::spawn(move || {
            let mut records = Vec::new();
            loop {
                let job = queue.lock().unwrap().pop();
                match job {
                    Some(job) => records.extend(job()),
                    None => return records,
                }
            }
        }));
    }
    let mut records = skips;
    for thread in threads {
        records.extend(thread.join().expect("a probe lane panicked"));
    }
    let order = |name: &str| forms.iter().position(|f| f.name == name);
    records.sort_by_key(|r| (order(&r.form), r.scenario));

    report(&forms, &refused, &records);
    println!("suite took {:.1} s", suite.elapsed().as_secs_f64());
    // In a private namespace, or under CI, a runnable form that did not run
    // (a busy port, a server that would not start) is a failure too.
    let every_run_counts =
        std::env::var_os(INNER).is_some() || std::env::var("CI").as_deref() == Ok("true");
    gate(&forms, &records, every_run_counts);
}

/// Every entry of [`KNOWN_FAILING`] names a form and scenario that exist,
/// once.
fn check_known_failing(forms: &[Form]) {
    let mut seen = BTreeSet::new();
    for (form, scenario, reason) in KNOWN_FAILING {
        let Some(f) = forms.iter().find(|f| f.name == *form) else {
            panic!("KNOWN_FAILING names a form that does not exist: {form:?}");
        };
        assert!(
            f.scenarios().iter().any(|s| s.name() == *scenario),
            "KNOWN_FAILING: form {form:?} has no scenario {scenario:?}"
        );
        assert!(
            !reason.trim().is_empty(),
            "KNOWN_FAILING {form} × {scenario}: give the reason"
        );
        assert!(
            seen.insert((form, scenario)),
            "KNOWN_FAILING lists {form} × {scenario} twice"
        );
    }
}

fn known(form: &str, scenario: Scenario) -> Option<&'static str> {
    KNOWN_FAILING
        .iter()
        .find(|(f, s, _)| *f == form && *s == scenario.name())
        .map(|(_, _, why)| *why)
}

fn cell(record: Option<&Record>) -> String {
    match record.map(|r| &r.run) {
        None => String::new(),
        Some(Err(_)) => "skipped".into(),
        Some(Ok((outcome, verdict))) => {
            let code = if outcome.timed_out {
                "killed".to_string()
            } else if let Some(signal) = outcome.signal {
                format!("signal {signal}")
            } else {
                outcome.code.map(|c| c.to_string()).unwrap_or_default()
            };
            let mark = if verdict.is_some() { "✗ " } else { "" };
            let extra = if outcome.leftovers.is_empty() {
                ""
            } else {
                " +left"
            };
            format!(
                "{mark}{code} · {:.2}s{extra}",
                outcome.elapsed.as_secs_f64()
            )
        }
    }
}

fn report(forms: &[Form], refused: &[String], records: &[Record]) {
    let by_key: BTreeMap<(&str, Scenario), &Record> = records
        .iter()
        .map(|r| ((r.form.as_str(), r.scenario), r))
        .collect();
    println!();
    println!("## Probe forms executed against live servers");
    println!();
    println!(
        "Cells: exit code · wall time; ✗ breaks the promise (exit 0 when up, 1 when down, hung or \
         wrong; within the check's timeout: {} s Dockerfile, {} s Compose; under {} s when nothing \
         listens; nothing left running). `killed`: still running at {} s.",
        DOCKERFILE_TIMEOUT.as_secs(),
        COMPOSE_TIMEOUT.as_secs(),
        DOWN_BOUND.as_secs(),
        HARD_LIMIT.as_secs()
    );
    const TCP: &str = "TCP, a server that greets like SMTP (`tcp` forms wait for its first byte)";
    const ASKED: &str = "TCP, a server that answers a request (`asked` forms send it and wait for the answer's first byte)";
    const PG_ASKED: &str = "PostgreSQL, sent its request (SSLRequest)";
    const REDIS_ASKED: &str = "Redis, sent its request (PING)";
    const DAEMON_ASKED: &str = "Real servers sent their protocol's request (memcached `version`, MQTT CONNECT, a DNS query over TCP)";
    let title = |kind: Kind| match kind {
        Kind::Http { .. } => "HTTP",
        Kind::Tcp => TCP,
        Kind::Asked => ASKED,
        Kind::Postgres => "PostgreSQL",
        Kind::PostgresAsked => PG_ASKED,
        Kind::Redis => "Redis",
        Kind::RedisAsked => REDIS_ASKED,
        Kind::Daemon(_) => DAEMON_ASKED,
    };
    // One list of titles, the one `title` gives: a heading spelled twice
    // once dropped the TCP table from the report.
    for group in [
        "HTTP",
        TCP,
        ASKED,
        "PostgreSQL",
        PG_ASKED,
        "Redis",
        REDIS_ASKED,
        DAEMON_ASKED,
    ] {
        let members: Vec<&Form> = forms.iter().filter(|f| title(f.kind) == group).collect();
        let Some(first) = members.first() else {
            continue;
        };
        let columns = first.scenarios();
        println!();
        println!("### {group}");
        println!();
        let header: Vec<&str> = columns.iter().map(|s| s.name()).collect();
        println!("| form | {} |", header.join(" | "));
        println!("|---|{}", "---|".repeat(columns.len()));
        for form in members {
            if form.skip.is_some() {
                continue;
            }
            let cells: Vec<String> = columns
                .iter()
                .map(|s| cell(by_key.get(&(form.name.as_str(), *s)).copied()))
                .collect();
            println!("| {} | {} |", form.name, cells.join(" | "));
        }
    }

    println!();
    println!("### Forms");
    println!();
    for form in forms {
        let shown = match (&form.skip, &form.origin) {
            (Some(_), Origin::Image { test }) => format!("{test:?}"),
            _ => form.invocation(SAMPLE_PORT).show(),
        };
        let also = if form.aliases.is_empty() {
            String::new()
        } else {
            format!(" (also {})", form.aliases.join(", "))
        };
        match &form.skip {
            None => println!("- `{}`{also}: `{shown}`", form.name),
            Some(why) => println!("- `{}`{also}: `{shown}` SKIPPED, {why}", form.name),
        }
    }
    for line in refused {
        println!("- {line} (no probe: `probe::command` refuses it)");
    }
    println!("(Dockerfile forms shown on port {SAMPLE_PORT}; each run uses its own port.)");

    println!();
    println!("### Failures");
    println!();
    for record in records {
        if let Ok((outcome, Some(verdict))) = &record.run {
            let status = match known(&record.form, record.scenario) {
                Some(_) => "known",
                None => "NEW",
            };
            let said = if outcome.said.is_empty() {
                String::new()
            } else {
                format!(" — it said: {}", outcome.said)
            };
            println!(
                "- [{status}] {} × {}: {verdict}{said}",
                record.form,
                record.scenario.name()
            );
        }
    }
    for record in records {
        if let Err(why) = &record.run {
            if forms
                .iter()
                .any(|f| f.name == record.form && f.skip.is_none())
            {
                println!(
                    "- [not run] {} × {}: {why}",
                    record.form,
                    record.scenario.name()
                );
            }
        }
    }
}

/// Fails when the failures differ from [`KNOWN_FAILING`].
fn gate(forms: &[Form], records: &[Record], every_run_counts: bool) {
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    let mut not_run = Vec::new();
    for record in records {
        let listed = known(&record.form, record.scenario);
        match (&record.run, listed) {
            (Ok((_, Some(verdict))), None) => unexpected.push(format!(
                "{} × {}: {verdict}",
                record.form,
                record.scenario.name()
            )),
            (Ok((_, None)), Some(_)) => {
                fixed.push(format!("{} × {}", record.form, record.scenario.name()))
            }
            (Err(why), Some(_)) => not_run.push(format!(
                "{} × {}: {why}",
                record.form,
                record.scenario.name()
            )),
            _ => {}
        }
    }
    for entry in &not_run {
        println!("note: KNOWN_FAILING entry not checked, it did not run: {entry}");
    }
    let runnable = |name: &str| forms.iter().any(|f| f.name == name && f.skip.is_none());
    let lost: Vec<String> = records
        .iter()
        .filter_map(|r| match &r.run {
            Err(why) if every_run_counts && runnable(&r.form) => {
                Some(format!("{} × {}: {why}", r.form, r.scenario.name()))
            }
            _ => None,
        })
        .collect();
    let mut message = String::new();
    if !unexpected.is_empty() {
        message += &format!(
            "\nprobe forms that break the promise and are not in KNOWN_FAILING:\n  {}",
            unexpected.join("\n  ")
        );
    }
    if !fixed.is_empty() {
        message += &format!(
            "\nKNOWN_FAILING lists these, and they pass now: remove them from the list:\n  {}",
            fixed.join("\n  ")
        );
    }
    if !lost.is_empty() {
        message += &format!(
            "\nruns that could not be made (the suite's own setup failed):\n  {}",
            lost.join("\n  ")
        );
    }
    assert!(message.is_empty(), "{message}");
}

/// The harness itself: it reads exit codes, sees a process left behind, and
/// kills a probe that never gives up.
#[test]
fn harness_sees_exit_codes_leftovers_and_hangs() {
    let path = std::env::var("PATH").unwrap_or_default();
    let run = |line: &str, limit: u64| {
        execute(
            &Invocation::Shell(line.into()),
            &path,
            &[],
            Duration::from_secs(limit),
        )
    };
    let clean = run("exit 1", 5);
    assert_eq!((clean.code, clean.timed_out), (Some(1), false));
    assert!(clean.leftovers.is_empty(), "{:?}", clean.leftovers);
    let two = execute(
        &Invocation::Argv(vec!["sh".into(), "-c".into(), "exit 2".into()]),
        &path,
        &[],
        Duration::from_secs(5),
    );
    assert_eq!(two.code, Some(2));
    // The leader waits a moment so its background child has become
    // `sleep` (it is a copy of `sh` between fork and exec) before it exits.
    let orphan = run("sleep 30 & sleep 0.5; exit 0", 5);
    assert_eq!(orphan.code, Some(0));
    assert!(
        orphan.leftovers.iter().any(|p| p.starts_with("sleep")),
        "{:?}",
        orphan.leftovers
    );
    let programs = Programs::new();
    let with_timeout =
        Invocation::Shell("wget -q -T 4 --spider 'http://127.0.0.1:1/' || exit 1".into());
    assert_eq!(
        programs.cannot_run(&with_timeout).is_some(),
        !programs.wget_timeout
    );
    let plain = Invocation::Argv(vec![
        "wget".into(),
        "-q".into(),
        "http://127.0.0.1:1/".into(),
    ]);
    assert!(programs.cannot_run(&plain).is_none());
    let start = Instant::now();
    let stuck = run("sleep 30; exit 0", 1);
    assert!(stuck.timed_out && stuck.code.is_none());
    assert!(start.elapsed() < Duration::from_secs(5));
}
