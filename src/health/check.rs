//! A health check the user wrote (a Dockerfile HEALTHCHECK, a Compose
//! `healthcheck.test`), read for what SW107 and SW209 judge: which programs
//! it runs, whether it needs a shell, which port and route it probes, how
//! strict it is, and whether its client can hang. Only what the text says
//! for certain is read; anything else is left unknown.

use crate::health::installed::{self, Base, Evidence};
use crate::health::port::{self, PortChoice};
use crate::health::probe::Target;
use crate::model::routes::{self, Choice};
use crate::settings::policy::Policy;
use crate::syntax::dockerfile::{Dockerfile, Stage};

/// Why a user's check can never pass, or is fragile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Defect {
    /// It runs a program the image does not have (`/bin/sh` for a shell
    /// form), and why seaworthy knows.
    Missing(String, String),
    /// It probes a port nothing in the image or service listens on, by the
    /// evidence (every port the evidence names, with its source).
    Port(u16, Vec<PortChoice>),
    /// It requires an answer from a health route the app's code does not
    /// declare, while the code declares another (that one, and where).
    Route(String, routes::Route),
    /// Its HTTP client has no time limit: a hung server leaves it running
    /// past the check's timeout.
    Untimed(String),
}

impl Defect {
    /// Whether the check can only fail (else it is merely fragile).
    pub fn fatal(&self) -> bool {
        !matches!(self, Defect::Untimed(_))
    }

    /// What is wrong, for the message.
    pub fn describe(&self) -> String {
        match self {
            Defect::Missing(program, why) => {
                format!("it runs `{program}`, which the image does not have ({why})")
            }
            Defect::Port(port, served) => {
                let mut ports: Vec<String> = served
                    .iter()
                    .map(|c| format!("{} ({})", c.port, c.source))
                    .collect();
                ports.dedup();
                format!(
                    "it probes port {port}, where nothing listens by the evidence: {}",
                    ports.join("; ")
                )
            }
            Defect::Route(path, declared) => format!(
                "it requires an answer from `{path}`, which the app's code does not declare; it declares `{}` at {}",
                declared.path,
                declared.at()
            ),
            Defect::Untimed(client) => format!(
                "its `{client}` has no time limit of its own (curl `--max-time`, wget `-T`, urlopen's `timeout=`, node's `setTimeout`), so a hung server leaves it running past the check's timeout"
            ),
        }
    }
}

/// Every port the evidence says `stage`'s server listens on, when `port`
/// is none of them: a probe of it can only fail. `None` when it is one of
/// them, or nothing can be said: no port evidence, an image seaworthy does
/// not know (it may listen on ports it does not declare), or, with
/// `own_network` false, a network namespace another container may serve.
pub fn unserved(
    doc: &Dockerfile,
    stage: &Stage,
    policy: &Policy,
    port: u16,
    own_network: bool,
) -> Option<Vec<PortChoice>> {
    let base = Base::of(doc, stage);
    let ports_known = own_network
        && (crate::model::images::lookup(&base.image).is_some()
            || base.python
            || base.node
            || base.busybox
            || base.glibc
            || base.bare);
    if !ports_known {
        return None;
    }
    if mentioned_elsewhere(doc, policy, port) {
        return None;
    }
    let mut served = port::served_ports(doc, stage, policy);
    // A health route the code serves on a port of its own (Spring's
    // `management.server.port`).
    if let Some((port, at)) = crate::health::route::evidence(doc, policy).port {
        served.push(PortChoice {
            port,
            source: format!("the health route's own port: {at}"),
        });
    }
    (!served.is_empty() && !served.iter().any(|c| c.port == port)).then_some(served)
}

/// Whether something besides the check names `port`: the Dockerfile
/// outside its HEALTHCHECK (`ENV HEALTH_PORT=8081`), the service's own
/// command (`${PORT:-9090}`), or a file of the app's build context
/// (`start_http_server(9100)`). A port named there may be served in a way
/// the port evidence does not read, so nothing is said about it.
fn mentioned_elsewhere(doc: &Dockerfile, policy: &Policy, port: u16) -> bool {
    let word = port.to_string();
    let names = |text: &str| {
        text.split(|c: char| !c.is_ascii_digit())
            .any(|token| token == word)
    };
    let in_dockerfile = doc
        .instructions()
        .iter()
        .filter(|i| i.keyword != "HEALTHCHECK")
        .any(|i| names(&crate::source::lossy(&i.args.bytes)));
    let in_service = policy
        .service
        .as_ref()
        .and_then(|h| h.start.as_deref())
        .is_some_and(names);
    in_dockerfile
        || in_service
        || crate::model::project::search(&crate::health::route::context(doc, policy), &word)
            .is_some()
}

/// What is wrong with `check` as the check of `stage`'s image, and the
/// target a replacement probes: the check's own port and route, except
/// where those are the defect (then the port and route the evidence
/// gives). Says nothing where evidence is missing; `own_network` false
/// (a Compose service in another's network namespace, `network_mode:`)
/// says nothing about ports, which another container may serve.
pub fn judge(
    doc: &Dockerfile,
    stage: &Stage,
    policy: &Policy,
    check: &UserCheck,
    own_network: bool,
) -> (Vec<Defect>, Result<(Target, String), String>) {
    let mut defects: Vec<Defect> = check
        .missing(doc, stage)
        .into_iter()
        .map(|(program, why)| Defect::Missing(program, why))
        .collect();
    let wrong_port = check
        .port
        .and_then(|p| unserved(doc, stage, policy, p, own_network).map(|served| (p, served)));
    if let Some((port, served)) = &wrong_port {
        defects.push(Defect::Port(*port, served.clone()));
    }
    let written = policy.written_route().map(|(path, _)| path);
    let mut route = check.route.clone().filter(|_| check.strict);
    if let Some(path) = route
        .clone()
        .filter(|p| written.as_deref() != Some(p.as_str()))
    {
        let context = crate::health::route::context(doc, policy);
        let found = routes::discover(doc, &context);
        // The path written as a string anywhere in the app's code may be
        // served in a way the route reader does not follow (a router
        // mounted on it, a list of paths, `app.route('/health').get(…)`):
        // then nothing contradicts the check.
        let written_in_code = ['"', '\'', '`']
            .iter()
            .any(|q| crate::model::project::search(&context, &format!("{q}{path}{q}")).is_some());
        let contradicted = routes::kind_of(&path).is_some()
            && found.refused.is_empty()
            && !found.routes.is_empty()
            && !found.routes.iter().any(|r| r.path == path)
            && !written_in_code;
        if contradicted {
            match found.for_docker() {
                Choice::Route(declared) => {
                    route = Some(declared.path.clone());
                    defects.push(Defect::Route(path, declared));
                }
                // Several candidates: the check is surely wrong, but which
                // route is right is not known; no replacement.
                _ => route = None,
            }
        }
    }
    // Only a client the image is known to have can hang: one it lacks is
    // said to be missing, and which client an unknown image runs (busybox
    // or GNU wget) is not known.
    let present =
        |client: &&String| matches!(installed::program(doc, stage, client), Evidence::Has(_));
    if let Some(client) = check.untimed.as_ref().filter(present) {
        defects.push(Defect::Untimed(client.clone()));
    }
    let port = match (check.port, wrong_port) {
        (Some(port), None) => Ok(PortChoice {
            port,
            source: "the port of the check".to_string(),
        }),
        _ => port::resolve(doc, stage, policy),
    };
    let target = port.and_then(|choice| {
        if route
            .as_deref()
            .is_some_and(|r| !crate::health::probe::valid_route(r))
        {
            return Err("its route is not a plain URL path".to_string());
        }
        Ok((Target::new(choice.port, route), choice.source))
    });
    (defects, target)
}

/// What a user's check does, as far as its text says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserCheck {
    /// The shell that runs it (`/bin/sh` for a shell form or `CMD-SHELL`,
    /// which the caller replaces by the image's `SHELL` when it sets one;
    /// `bash` for `["bash", "-c", …]`), if one does.
    pub shell: Option<String>,
    /// The programs it runs, as written (`curl`, `/usr/bin/wget`), in order.
    pub programs: Vec<String>,
    /// The port it probes on this host, if its text names one.
    pub port: Option<u16>,
    /// The path of the URL it asks for, if it asks for one on this host.
    pub route: Option<String>,
    /// Whether it requires a 2xx/3xx answer (`curl -f`, `wget`,
    /// `urllib.request.urlopen`).
    pub strict: bool,
    /// The HTTP client it runs with no time limit of its own or around it
    /// (curl without `-m`/`--max-time`, wget without `-T`/`--timeout`,
    /// python's urlopen without `timeout=`, node's `http.get` without one).
    pub untimed: Option<String>,
}

/// Commands a line of shell runs that are not programs an image may lack.
const BUILTINS: &[&str] = &[
    "exit", "true", "false", "test", "[", "[[", "!", ":", "echo", "printf", "if", "then", "else",
    "fi", "{", "}", "return", "set", "cd", "read",
];

impl UserCheck {
    /// Reads an exec-form check (`["curl", "-f", URL]`): a shell only when
    /// its argv calls one with `-c`.
    pub fn exec(argv: &[String]) -> UserCheck {
        let program = argv
            .first()
            .map(|p| p.rsplit('/').next().unwrap_or(p).to_string());
        if let (Some(shell @ ("sh" | "bash" | "ash" | "dash")), Some("-c"), Some(line)) = (
            program.as_deref(),
            argv.get(1).map(String::as_str),
            argv.get(2),
        ) {
            let mut check = UserCheck::shell(line);
            check.shell = Some(shell.to_string());
            check.programs.insert(0, argv[0].clone());
            return check;
        }
        let mut check = UserCheck {
            port: port::probed_port(&argv.join(" ")),
            ..UserCheck::default()
        };
        check.read_command(argv);
        check
    }

    /// Reads a shell-form check (a line `/bin/sh -c` runs, unless the image
    /// sets another `SHELL`).
    pub fn shell(line: &str) -> UserCheck {
        let mut check = UserCheck {
            shell: Some("/bin/sh".to_string()),
            port: port::probed_port(line),
            ..UserCheck::default()
        };
        for words in simple_commands(line) {
            check.read_command(&words);
        }
        check
    }

    /// Reads one simple command: its programs (through `timeout`, `exec`,
    /// `env` and `VAR=value` prefixes), its URL, strictness and time limit.
    fn read_command(&mut self, words: &[String]) {
        let mut rest = words;
        let mut limited = false;
        loop {
            let Some(first) = rest.first() else { return };
            let name = first.rsplit('/').next().unwrap_or(first);
            if first.contains('=') && !first.starts_with('-') {
                rest = &rest[1..];
                continue;
            }
            match name {
                "exec" | "command" | "nice" | "nohup" => rest = &rest[1..],
                "env" => {
                    rest = &rest[1..];
                    while rest.first().is_some_and(|w| w.starts_with('-')) {
                        rest = &rest[1..];
                    }
                }
                "timeout" => {
                    self.programs.push(first.clone());
                    limited = true;
                    rest = &rest[1..];
                    while rest.first().is_some_and(|w| w.starts_with('-')) {
                        let takes =
                            matches!(rest[0].as_str(), "-s" | "-k" | "--signal" | "--kill-after");
                        rest = &rest[if takes { 2 } else { 1 }.min(rest.len())..];
                    }
                    // The duration.
                    rest = &rest[1.min(rest.len())..];
                }
                _ if BUILTINS.contains(&name) => return,
                _ => break,
            }
        }
        let program = rest[0].clone();
        let name = program.rsplit('/').next().unwrap_or(&program).to_string();
        self.programs.push(program);
        let args = &rest[1..];
        let url = args.iter().find_map(|a| local_url(a));
        if let Some((port, route)) = &url {
            self.route.get_or_insert(route.clone());
            // `http://localhost/`: port 80, which no other form names.
            self.port.get_or_insert(*port);
        }
        match name.as_str() {
            "curl" => {
                let short = |c: char| {
                    args.iter()
                        .any(|a| a.starts_with('-') && !a.starts_with("--") && a[1..].contains(c))
                };
                let long = |flag: &str| {
                    args.iter()
                        .any(|a| a == flag || a.starts_with(&format!("{flag}=")))
                };
                if short('f') || long("--fail") || long("--fail-with-body") {
                    self.strict = true;
                }
                if !limited && !short('m') && !long("--max-time") {
                    self.untimed.get_or_insert(name);
                }
            }
            "wget" => {
                self.strict = true;
                let timed = args.iter().any(|a| {
                    a.starts_with("-T")
                        || a == "--timeout"
                        || a.starts_with("--timeout=")
                        || (a.starts_with('-') && !a.starts_with("--") && a.contains('T'))
                });
                if !limited && !timed {
                    self.untimed.get_or_insert(name);
                }
            }
            _ if name.starts_with("python") => {
                // urlopen raises on a 4xx/5xx answer, unless that is caught;
                // without `timeout=` it waits on a hung server for ever.
                let code = args.join(" ");
                if code.contains("urlopen") && !code.contains("HTTPError") {
                    self.strict = true;
                }
                if code.contains("urlopen") && !code.contains("timeout") && !limited {
                    self.untimed.get_or_insert(name);
                }
            }
            // `http.get` without `setTimeout`/`timeout` waits for ever too.
            "node" | "nodejs" => {
                let code = args.join(" ");
                let requests = code.contains("http.get(")
                    || code.contains("http.request(")
                    || code.contains("').get(")
                    || code.contains("\").get(");
                if requests && !code.contains("imeout") && !limited {
                    self.untimed.get_or_insert(name);
                }
                // A check that reads the answer's status is strict: its
                // replacement keeps the route and requires a 2xx too.
                if requests && code.contains("statusCode") {
                    self.strict = true;
                }
            }
            _ => {}
        }
    }

    /// The programs of the check that the image of `stage` lacks, each with
    /// why (its shell first, when it needs one the image does not have).
    pub fn missing(&self, doc: &Dockerfile, stage: &Stage) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let wanted = self
            .shell
            .iter()
            .filter(|shell| {
                let name = shell.rsplit('/').next();
                self.programs.first().and_then(|p| p.rsplit('/').next()) != name
            })
            .map(|shell| match shell.contains('/') {
                true => shell.clone(),
                false => format!("/bin/{shell}"),
            })
            .chain(self.programs.iter().cloned());
        for program in wanted {
            if out.iter().any(|(p, _)| *p == program) {
                continue;
            }
            if let Evidence::Lacks(why) = installed::program(doc, stage, &program) {
                out.push((program, why));
            }
        }
        out
    }
}

/// A URL on this host in a word (`http://localhost:8000/health`,
/// `127.0.0.1:8000/health`): its port (80 when none is written) and path
/// (`/` when none).
fn local_url(word: &str) -> Option<(u16, String)> {
    let word = word.trim_matches(|c| c == '\'' || c == '"' || c == '(' || c == ')' || c == ',');
    // Without a scheme, only `host:port…` or `host/path` is a URL: a bare
    // host is some other flag's value (`pg_isready -h 127.0.0.1`).
    let rest = match word.find("http://") {
        Some(at) => &word[at + "http://".len()..],
        None if !word.contains("://") && word.contains([':', '/']) => word,
        None => return None,
    };
    // The URL ends where the word, a quote or a call around it does.
    let rest = rest
        .split(|c: char| c.is_whitespace() || c == '\'' || c == '"')
        .next()
        .unwrap_or("")
        .trim_end_matches([')', ',']);
    let (authority, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') => (host, port.parse().ok()?),
        _ => (authority, 80),
    };
    if !matches!(host, "localhost" | "127.0.0.1" | "0.0.0.0" | "[::1]") {
        return None;
    }
    let path = path.split('#').next().unwrap_or("/");
    Some((port, path.to_string()))
}

/// The simple commands of a shell line, as words: quotes respected and
/// removed, split at unquoted `&&`, `||`, `;`, `|`, `&`, `(`, `)` and line
/// breaks. `$(…)` and backquotes are not followed: what runs inside them
/// stays unread rather than misread.
fn simple_commands(line: &str) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    let end_word = |word: &mut String, words: &mut Vec<String>, in_word: &mut bool| {
        if *in_word {
            words.push(std::mem::take(word));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some(next) = chars.next() {
                    word.push(next);
                }
            }
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                if let Some(next) = chars.next() {
                    if next != '\n' {
                        word.push(next);
                        in_word = true;
                    }
                }
            }
            (None, c) if c.is_whitespace() && c != '\n' => {
                end_word(&mut word, &mut words, &mut in_word)
            }
            (None, '&' | '|' | ';' | '(' | ')' | '\n' | '`') => {
                end_word(&mut word, &mut words, &mut in_word);
                if !words.is_empty() {
                    commands.push(std::mem::take(&mut words));
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    end_word(&mut word, &mut words, &mut in_word);
    if !words.is_empty() {
        commands.push(words);
    }
    // A word that opened `$(` holds a command we do not follow: drop the rest.
    commands
        .into_iter()
        .map(|words| {
            words
                .into_iter()
                .take_while(|w| !w.ends_with('$'))
                .collect::<Vec<_>>()
        })
        .filter(|words| !words.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_shell_checks() {
        let check = UserCheck::shell("curl -f http://localhost:8000/health || exit 1");
        assert_eq!(check.shell.as_deref(), Some("/bin/sh"));
        assert_eq!(check.programs, ["curl"]);
        assert_eq!(
            (check.port, check.route.as_deref()),
            (Some(8000), Some("/health"))
        );
        assert!(check.strict);
        assert_eq!(check.untimed.as_deref(), Some("curl"));

        let timed = UserCheck::shell("curl -fsS -m 4 localhost:80/health-check || exit 1");
        assert_eq!(timed.untimed, None);
        assert_eq!(timed.route.as_deref(), Some("/health-check"));
        let wrapped = UserCheck::shell("timeout 4 curl --silent localhost:80/");
        assert_eq!(wrapped.programs, ["timeout", "curl"]);
        assert_eq!((wrapped.untimed, wrapped.strict), (None, false));
        let wget = UserCheck::shell("wget -qO- http://127.0.0.1:3000/healthz");
        assert_eq!(wget.untimed.as_deref(), Some("wget"));
        assert!(
            UserCheck::shell("wget -q -T 4 --spider http://127.0.0.1:3000/")
                .untimed
                .is_none()
        );
        let quoted = UserCheck::shell(
            "python -c \"import urllib.request; urllib.request.urlopen('http://localhost:8000/health')\" || exit 1",
        );
        assert_eq!(quoted.programs, ["python"]);
        assert!(quoted.strict);
        assert_eq!(quoted.route.as_deref(), Some("/health"));
        assert_eq!(quoted.untimed.as_deref(), Some("python"));
        let node = UserCheck::shell(
            "node -e \"require('http').get('http://localhost:3000/', r => process.exit(r.statusCode === 200 ? 0 : 1))\"",
        );
        assert_eq!(node.untimed.as_deref(), Some("node"));
        assert_eq!(UserCheck::shell("node healthcheck.js").untimed, None);
        let secret = UserCheck::shell(
            "mysqladmin ping -h 127.0.0.1 --password=\"$(cat /run/secrets/db-password)\" --silent",
        );
        assert_eq!(secret.programs, ["mysqladmin"]);
    }

    #[test]
    fn reads_exec_checks() {
        let argv = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let check = UserCheck::exec(&argv(&["curl", "-f", "http://localhost:8000/health"]));
        assert_eq!(check.shell, None);
        assert_eq!(check.programs, ["curl"]);
        let shell = UserCheck::exec(&argv(&["/bin/sh", "-c", "wget -q -T 3 localhost:80"]));
        assert_eq!(shell.shell.as_deref(), Some("sh"));
        assert_eq!(shell.programs, ["/bin/sh", "wget"]);
        assert_eq!(shell.port, Some(80));
        // The URL inside a whole `-c` argument ends at its quote.
        let python = UserCheck::exec(&argv(&[
            "python",
            "-c",
            "import urllib.request; urllib.request.urlopen('http://localhost:8080/', timeout=3)",
        ]));
        assert_eq!(
            (python.port, python.route.as_deref()),
            (Some(8080), Some("/"))
        );
        assert!(python.strict);
        // seaworthy's own lenient form catches HTTPError: not strict.
        let lenient = UserCheck::exec(&argv(&[
            "python",
            "-c",
            "import urllib.request as r, urllib.error as e\ntry: r.urlopen('http://127.0.0.1:8000/', timeout=4)\nexcept e.HTTPError: pass",
        ]));
        assert!(!lenient.strict);
        // No port written: HTTP's own.
        let plain = UserCheck::exec(&argv(&["curl", "-f", "http://localhost/"]));
        assert_eq!(plain.port, Some(80));
        // A bare host is another flag's value, not a URL on port 80.
        let pg = UserCheck::shell("pg_isready -h 127.0.0.1 -t 4 -U postgres || exit 1");
        assert_eq!((pg.port, pg.route), (None, None));
        let node = UserCheck::exec(&argv(&["node", "healthcheck.js"]));
        assert_eq!(
            (node.programs.len(), node.port, node.route),
            (1, None, None)
        );
    }

    #[test]
    fn a_shell_line_needs_sh_even_when_it_calls_bash() {
        let doc = Dockerfile::parse(crate::source::Source::new(
            "Dockerfile",
            b"FROM gcr.io/distroless/static-debian12\n".to_vec(),
        ))
        .unwrap();
        let check = UserCheck::shell("bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080'");
        let missing: Vec<String> = check
            .missing(&doc, doc.final_stage())
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(missing, ["/bin/sh", "bash"]);
    }

    /// Every documented check of `data/images.toml` (what SW201 writes for a
    /// service running that image) is one SW209 accepts: fixing a file
    /// twice changes nothing.
    #[test]
    fn the_documented_checks_are_not_broken() {
        let table: toml::Value = toml::from_str(include_str!("../../data/images.toml")).unwrap();
        let mut judged = 0;
        for image in table["image"].as_array().unwrap() {
            let name = image["name"].as_str().unwrap();
            let tag = image
                .get("tag_contains")
                .and_then(|t| t.as_str())
                .unwrap_or("latest");
            for key in ["health", "health_before"] {
                let Some(test) = image.get(key).and_then(|t| t.as_array()) else {
                    continue;
                };
                let test: Vec<String> = test
                    .iter()
                    .map(|t| t.as_str().unwrap().replace("$$", "$"))
                    .collect();
                let check = match test[0].as_str() {
                    "CMD" => UserCheck::exec(&test[1..]),
                    _ => UserCheck::shell(&test[1]),
                };
                let text = format!("FROM {name}:{tag}\n");
                let doc =
                    Dockerfile::parse(crate::source::Source::new("Dockerfile", text.into_bytes()))
                        .unwrap();
                let (defects, _) =
                    judge(&doc, doc.final_stage(), &Policy::defaults(), &check, true);
                assert!(defects.is_empty(), "{name} {key}: {defects:?}");
                judged += 1;
            }
        }
        assert!(judged > 10, "{judged}");
    }

    /// Every probe SW101 and SW107 write, on the images that get each
    /// client, is one SW107 accepts: fixing twice changes nothing.
    #[test]
    fn seaworthys_own_probes_are_not_broken() {
        use crate::health::probe::{choose, command, Probe};
        let cases = [
            ("FROM python:3.12-slim\nEXPOSE 8000\n", 8000),
            ("FROM python:2.7-slim\nEXPOSE 8000\n", 8000),
            ("FROM node:20-alpine\nEXPOSE 3000\n", 3000),
            ("FROM node:20-slim\nEXPOSE 3000\n", 3000),
            ("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\nEXPOSE 8080\n", 8080),
            ("FROM alpine:3.20\nEXPOSE 9000\n", 9000),
            ("FROM alpine:3.20\nEXPOSE 25\n", 25),
            ("FROM debian:bookworm-slim\nEXPOSE 9092\n", 9092),
            ("FROM gcr.io/distroless/static-debian12\nEXPOSE 8080\n", 8080),
            ("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y postgresql-15\nEXPOSE 5432\n", 5432),
            ("FROM alpine:3.20\nRUN apk add redis\nEXPOSE 6379\n", 6379),
        ];
        let health = crate::settings::Health::default();
        for (text, port) in cases {
            let doc = Dockerfile::parse(crate::source::Source::new(
                "Dockerfile",
                text.as_bytes().to_vec(),
            ))
            .unwrap();
            let stage = doc.final_stage();
            for route in [None, Some("/healthz".to_string())] {
                let target = Target::new(port, route);
                let (client, _) =
                    choose(&doc, stage, crate::settings::Style::Auto, &target).unwrap();
                let probe = match command(client, &target, &health) {
                    Ok(probe) => probe,
                    // No probe at all: Kafka's client speaks first, and the
                    // default stage image has no lenient HTTP probe.
                    Err(why) => {
                        assert!(
                            port == 9092 || client == crate::health::probe::Client::Stage,
                            "{text:?}: {why}"
                        );
                        continue;
                    }
                };
                let check = match probe {
                    Probe::Exec(argv) => UserCheck::exec(&argv),
                    Probe::Shell(line) => {
                        UserCheck::exec(&["/bin/sh".to_string(), "-c".to_string(), line])
                    }
                };
                let (defects, _) = judge(&doc, stage, &Policy::defaults(), &check, true);
                assert!(
                    defects.is_empty(),
                    "{text:?} {target:?}: {check:?} {defects:?}"
                );
            }
        }
    }
}
