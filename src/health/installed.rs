//! What a stage's image really has installed, read from the package
//! managers its `RUN` lines call, in order, along the stage's chain (the
//! stage and the stages it is built `FROM`; a stage copied from does not
//! count). A package removed later (`apk del`, `apt-get purge`/`remove`,
//! `dnf remove`) is gone, and so is every package of an apk virtual group
//! (`apk add --virtual .build-deps …` then `apk del .build-deps`). Package
//! names are matched exactly: `curl-dev` and `libcurl4-openssl-dev` are not
//! curl.
//!
//! [`Base`] and [`program`] say which programs a stage's image has at all:
//! the probe code chooses its client by them (SW101/SW201), and SW107/SW209
//! judge a user's check by them, so both read one set of facts.

use crate::model::images::{self, Reference, PROBE_CLIENTS};
use crate::syntax::dockerfile::{words, Dockerfile, Stage};

/// Base images of glibc distributions: bash and coreutils are there.
const GLIBC_BASES: &[&str] = &[
    "debian",
    "ubuntu",
    "fedora",
    "centos",
    "rockylinux",
    "almalinux",
    "amazonlinux",
    "oraclelinux",
    "ubi8",
    "ubi9",
    "buildpack-deps",
];

/// What a stage's base image is, as far as the programs in it go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// The image at the bottom of the stage's chain, lower case.
    pub image: String,
    /// It taken apart.
    pub reference: Reference,
    /// A Python image (`python`, `pypy`, a tag naming python).
    pub python: bool,
    /// A Python 2 image.
    pub python2: bool,
    /// An image with `node` on PATH: Node.js's own, or one whose
    /// `[[clients]]` row lists it (oven/bun runs bun as `node`).
    pub node: bool,
    /// An Alpine or busybox image: busybox's sh, wget and nc.
    pub busybox: bool,
    /// A glibc distribution's image by name: sh, bash and coreutils.
    pub glibc: bool,
    /// scratch or distroless: no shell and no client at all.
    pub bare: bool,
}

impl Base {
    /// Reads the base image of `stage`'s chain.
    pub fn of(doc: &Dockerfile, stage: &Stage) -> Base {
        let image = doc.base_image(stage).to_ascii_lowercase();
        let reference = Reference::parse(&image);
        let name = reference.name().to_string();
        let tag = reference.tag.clone();
        let python = name == "python" || name == "pypy" || tag.contains("python");
        Base {
            python2: name == "python"
                && (tag == "2" || tag.starts_with("2.") || tag.starts_with("2-")),
            python,
            node: name == "node"
                || images::clients(&image)
                    .is_some_and(|row| row.clients.iter().any(|c| c == "node")),
            // distroless's `:debug` tags add busybox (sh, wget, nc).
            busybox: name == "alpine"
                || name == "busybox"
                || tag.contains("alpine")
                || (image.contains("distroless") && tag.contains("debug")),
            glibc: GLIBC_BASES.contains(&name.as_str()) || images::glibc_based(&image),
            bare: name == "scratch" || (image.contains("distroless") && !tag.contains("debug")),
            image,
            reference,
        }
    }

    /// Whether the base image surely has `program` on PATH.
    fn provides(&self, program: &str) -> bool {
        match program {
            "python" => self.python,
            "python3" => self.python && !self.python2,
            "node" => self.node,
            "sh" => self.busybox || self.glibc || self.python || self.node,
            "wget" | "nc" => self.busybox,
            "bash" => self.glibc,
            _ => false,
        }
    }
}

/// What the evidence says about a program in a stage's image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// It is there, and why seaworthy knows.
    Has(String),
    /// It is not there, and why seaworthy knows.
    Lacks(String),
    /// Nothing says either way: a rule says nothing.
    Unknown,
}

/// The packages that bring each program of [`PROBE_CLIENTS`].
fn packages_of(program: &str) -> &'static [&'static str] {
    match program {
        "curl" => &["curl"],
        "wget" => &["wget", "busybox"],
        "nc" => &[
            "netcat-openbsd",
            "netcat-traditional",
            "netcat",
            "ncat",
            "nmap-ncat",
            "busybox",
            "busybox-extras",
        ],
        "python" | "python3" => &["python3", "python3-minimal", "python", "python-is-python3"],
        "node" => &["nodejs", "nodejs-current", "node"],
        "bash" => &["bash"],
        "sh" => &["busybox", "dash", "bash"],
        _ => &[],
    }
}

/// Whether `stage`'s image has `program` (called by name or by path), by
/// the packages its chain installs and removes, what copies or scripts in
/// its chain could bring, and what its base image ships (`[[clients]]` in
/// `data/images.toml`; scratch and distroless have no shell or client).
/// Only the programs of [`PROBE_CLIENTS`] are judged; any other is
/// [`Evidence::Unknown`].
pub fn program(doc: &Dockerfile, stage: &Stage, program: &str) -> Evidence {
    let name = program.rsplit('/').next().unwrap_or(program);
    if !PROBE_CLIENTS.contains(&name) {
        return Evidence::Unknown;
    }
    let packages = packages_of(name);
    let installed = Installed::of(doc, stage);
    if let Some(line) = installed.has(packages) {
        return Evidence::Has(format!("installed at line {line}"));
    }
    let chain = doc.inherited(stage);
    if name == "sh" {
        let shell_run = chain.iter().find(|&&i| {
            let instr = &doc.instructions()[i];
            instr.keyword == "RUN"
                && crate::syntax::dockerfile::words::exec_form(&instr.args.bytes).is_none()
                && doc.shell(i).first().is_some_and(|s| s == "/bin/sh")
        });
        if let Some(&i) = shell_run {
            return Evidence::Has(format!(
                "the shell-form RUN at line {} runs it",
                doc.instructions()[i].first_line + 1
            ));
        }
    }
    let base = Base::of(doc, stage);
    let table = images::clients(&base.image);
    if base.provides(name) || table.is_some_and(|t| t.clients.iter().any(|c| c == name)) {
        return Evidence::Has(format!("base image {}", base.image));
    }
    // What the base image itself ships must be known for any absence: a
    // package the Dockerfile adds and removes may be one the base has too.
    let scratch = base.reference.name() == "scratch";
    if table.is_none() && !base.bare {
        return Evidence::Unknown;
    }
    if let Some((package, line)) = installed
        .removed
        .iter()
        .rev()
        .find(|(package, _)| packages.contains(&package.as_str()))
    {
        return Evidence::Lacks(format!(
            "the `{package}` package it installs is removed at line {line}"
        ));
    }
    // A copy, a download or a build in the chain may bring it by other
    // means than a package manager.
    let is_name = |word: &str| word.rsplit('/').next() == Some(name);
    let mentioned = chain
        .iter()
        .any(|&i| match doc.instructions()[i].keyword.as_str() {
            "COPY" | "ADD" => doc.words(i).iter().any(|w| is_name(&w.value)),
            "RUN" => commands(&doc.script(i))
                .iter()
                .filter(|words| !words.iter().any(|w| MANAGERS.contains(w)))
                .any(|words| {
                    words
                        .iter()
                        .any(|w| is_name(w.trim_matches(['"', '\'', '(', ')'])))
                }),
            _ => false,
        });
    if mentioned || unreadable(doc, stage, &chain) {
        return Evidence::Unknown;
    }
    if base.bare && (scratch || !matches!(name, "python" | "python3" | "node")) {
        return Evidence::Lacks(format!(
            "base image {} has no shell and no client",
            base.image
        ));
    }
    match table {
        Some(_) => Evidence::Lacks(format!(
            "base image {} does not ship it (data/images.toml cites its source)",
            base.image
        )),
        None => Evidence::Unknown,
    }
}

/// Whether the chain could install programs in ways [`Installed`] does not
/// read, so that no absence can be asserted: a FROM whose image a build
/// argument picks (Compose's `build.args` may choose another), an
/// exec-form RUN of a package manager, package names in a variable,
/// `xargs`, or a script the chain runs (`./install.sh`, `sh tools.sh`).
fn unreadable(doc: &Dockerfile, stage: &Stage, chain: &[usize]) -> bool {
    let picked_by_argument = doc
        .chain(stage)
        .iter()
        .any(|s| doc.instructions()[s.from].args.bytes.contains(&b'$'));
    picked_by_argument
        || chain.iter().any(|&i| {
            let instr = &doc.instructions()[i];
            let text = crate::source::lossy(&instr.args.bytes);
            match instr.keyword.as_str() {
                "RUN" if words::exec_form(&instr.args.bytes).is_some() => {
                    MANAGERS.iter().any(|m| text.contains(m))
                }
                "RUN" => commands(&doc.script(i)).iter().any(|words| {
                    let installs = words.iter().any(|w| MANAGERS.contains(w));
                    installs && words.iter().any(|w| w.contains('$'))
                        || words.contains(&"xargs")
                        || words.iter().enumerate().any(|(at, w)| {
                            w.ends_with(".sh")
                                || (at == 0
                                    && (w.starts_with("./") || w.starts_with('/'))
                                    && !w.starts_with("/bin/")
                                    && !w.starts_with("/usr/"))
                        })
                }),
                _ => false,
            }
        })
}

/// The package managers whose install and removal lines [`Installed`] reads.
const MANAGERS: &[&str] = &["apt-get", "apt", "apk", "dnf", "yum", "microdnf", "zypper"];

/// A package that is in the image, and the line that installed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// Its name, without a version (`curl` of `curl=8.5.0-1`).
    pub name: String,
    /// The apk virtual group it was installed in, if any.
    pub group: Option<String>,
    /// 1-based line of the RUN that installed it.
    pub line: usize,
}

/// The packages a stage's image has, in install order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Installed {
    /// The packages.
    pub packages: Vec<Package>,
    /// Whether any RUN used apk (an Alpine-based image: busybox tools).
    pub uses_apk: bool,
    /// Whether any RUN used apt, dnf, yum, microdnf or zypper (a glibc
    /// distribution with bash and coreutils).
    pub uses_glibc_manager: bool,
    /// Packages the chain installed and then removed, and the line that
    /// removed each (a program it brought is gone).
    pub removed: Vec<(String, usize)>,
}

impl Installed {
    /// Reads what `stage`'s chain installs and removes.
    pub fn of(doc: &Dockerfile, stage: &Stage) -> Installed {
        let mut out = Installed::default();
        for index in doc.inherited(stage) {
            let instr = &doc.instructions()[index];
            if instr.keyword != "RUN" {
                continue;
            }
            let line = instr.first_line + 1;
            let script = doc.script(index);
            for command in commands(&script) {
                out.apply(&command, line);
            }
        }
        out
    }

    /// The line that installed the first of `names` still present.
    pub fn has(&self, names: &[&str]) -> Option<usize> {
        self.packages
            .iter()
            .find(|p| names.contains(&p.name.as_str()))
            .map(|p| p.line)
    }

    /// The line that installed a package whose name `matches`.
    pub fn has_matching(&self, matches: impl Fn(&str) -> bool) -> Option<usize> {
        self.packages
            .iter()
            .find(|p| matches(&p.name))
            .map(|p| p.line)
    }

    fn apply(&mut self, words: &[&str], line: usize) {
        let Some(at) = words.iter().position(|w| MANAGERS.contains(w)) else {
            return;
        };
        let manager = words[at];
        let rest = &words[at + 1..];
        if manager == "apk" {
            self.uses_apk = true;
        } else {
            self.uses_glibc_manager = true;
        }
        let Some(verb_at) = rest.iter().position(|w| !w.starts_with('-')) else {
            return;
        };
        let verb = rest[verb_at];
        let args = &rest[verb_at + 1..];
        let install = matches!(verb, "install" | "add" | "in");
        let remove = matches!(
            verb,
            "remove" | "purge" | "del" | "erase" | "rm" | "autoremove"
        );
        if install {
            let mut group = None;
            let mut names = Vec::new();
            let mut i = 0;
            while i < args.len() {
                let arg = args[i];
                if manager == "apk" && matches!(arg, "--virtual" | "-t") {
                    group = args.get(i + 1).map(|g| g.to_string());
                    i += 2;
                    continue;
                }
                if let Some(g) = arg.strip_prefix("--virtual=") {
                    group = Some(g.to_string());
                } else if !arg.starts_with('-') {
                    names.push(package_name(arg));
                }
                i += 1;
            }
            for name in names.into_iter().filter(|n| !n.is_empty()) {
                self.packages.push(Package {
                    name,
                    group: group.clone(),
                    line,
                });
            }
        } else if remove {
            let gone: Vec<String> = args
                .iter()
                .filter(|a| !a.starts_with('-'))
                .map(|a| package_name(a))
                .collect();
            let (kept, dropped): (Vec<Package>, Vec<Package>) = std::mem::take(&mut self.packages)
                .into_iter()
                .partition(|p| {
                    !gone.contains(&p.name) && !p.group.as_ref().is_some_and(|g| gone.contains(g))
                });
            self.packages = kept;
            self.removed
                .extend(dropped.into_iter().map(|p| (p.name, line)));
        }
    }
}

/// A package argument without its version or architecture
/// (`curl=8.5.0-1`, `curl>=8`, `curl~8`, `curl:amd64`).
fn package_name(arg: &str) -> String {
    let end = arg.find(['=', '<', '>', '~', ':']).unwrap_or(arg.len());
    arg[..end].trim_matches(['"', '\'']).to_string()
}

/// The simple commands of a shell script, as words: split at `&&`, `||`,
/// `;`, `|` and line breaks; line continuations joined.
fn commands(script: &str) -> Vec<Vec<&str>> {
    script
        .split(['\n', ';', '&', '|'])
        .map(|part| {
            part.split_whitespace()
                .filter(|w| *w != "\\")
                .collect::<Vec<&str>>()
        })
        .filter(|words| !words.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    fn installed(text: &str) -> Installed {
        let doc = Dockerfile::parse(Source::new("Dockerfile", text.as_bytes().to_vec())).unwrap();
        Installed::of(&doc, doc.final_stage())
    }

    #[test]
    fn names_are_exact_and_removals_count() {
        let only_dev = installed("FROM alpine:3.20\nRUN apk add --no-cache curl-dev libcurl gcc\n");
        assert_eq!(only_dev.has(&["curl"]), None);
        let group = installed(
            "FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps curl gcc && make && apk del --no-network .build-deps\n",
        );
        assert_eq!(group.has(&["curl"]), None, "the virtual group was deleted");
        let purged = installed(
            "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl=7.88.1-10 ca-certificates\nRUN apt-get purge -y curl\n",
        );
        assert_eq!(purged.has(&["curl"]), None);
        let kept = installed(
            "FROM debian:bookworm-slim\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl \\\n && rm -rf /var/lib/apt/lists/*\n",
        );
        assert_eq!(kept.has(&["curl"]), Some(2));
        assert!(kept.uses_glibc_manager && !kept.uses_apk);
    }

    #[test]
    fn only_the_chain_of_the_stage_counts() {
        let text = "FROM debian AS build\nRUN apt-get install -y curl\nFROM debian\nCOPY --from=build /x /x\n";
        assert_eq!(installed(text).has(&["curl"]), None);
        let text = "FROM debian AS base\nRUN apt-get install -y curl\nFROM base\nCMD x\n";
        assert_eq!(installed(text).has(&["curl"]), Some(2));
    }

    fn evidence(text: &str, name: &str) -> Evidence {
        let doc = Dockerfile::parse(Source::new("Dockerfile", text.as_bytes().to_vec())).unwrap();
        program(&doc, doc.final_stage(), name)
    }

    fn lacks(e: &Evidence) -> bool {
        matches!(e, Evidence::Lacks(_))
    }

    fn has(e: &Evidence) -> bool {
        matches!(e, Evidence::Has(_))
    }

    #[test]
    fn programs_are_missing_only_on_evidence() {
        assert!(lacks(&evidence("FROM python:3.12-slim\n", "curl")));
        assert!(lacks(&evidence("FROM python:3.12-slim\n", "/usr/bin/wget")));
        assert!(has(&evidence("FROM python:3.12-slim\n", "python")));
        assert!(has(&evidence("FROM node:20-alpine\n", "wget")));
        assert!(lacks(&evidence("FROM node:20-alpine\n", "curl")));
        assert!(lacks(&evidence("FROM debian:bookworm-slim\n", "wget")));
        let distroless = "FROM gcr.io/distroless/static-debian12\n";
        assert!(lacks(&evidence(distroless, "sh")));
        assert!(lacks(&evidence("FROM scratch\n", "python")));
        let runtime = "FROM gcr.io/distroless/python3-debian12\n";
        assert_eq!(
            evidence(runtime, "python"),
            Evidence::Unknown,
            "a distroless image may ship its runtime"
        );
        // Images the table does not list: nothing is said (nginx:alpine
        // ships curl, the full node image too).
        for image in ["nginx:1.27-alpine", "node:20", "myorg/base:1"] {
            let text = format!("FROM {image}\n");
            assert_eq!(evidence(&text, "curl"), Evidence::Unknown, "{image}");
        }
        // Programs outside the clients seaworthy knows are never judged.
        let slim = "FROM python:3.12-slim\n";
        assert_eq!(evidence(slim, "mysqladmin"), Evidence::Unknown);
        // Anything else in the chain that may bring it.
        let copied =
            "FROM python:3.12-slim\nCOPY --from=curlimages/curl /usr/bin/curl /usr/bin/curl\n";
        assert_eq!(evidence(copied, "curl"), Evidence::Unknown);
        let built = "FROM python:3.12-slim\nRUN ./build.sh && install curl /usr/local/bin/\n";
        assert_eq!(evidence(built, "curl"), Evidence::Unknown);
        let installed = "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y curl\n";
        assert!(has(&evidence(installed, "curl")));
        let removed = "FROM alpine:3.20\nRUN apk add --virtual .f curl && curl -o /x https://e.x && apk del .f\n";
        assert!(lacks(&evidence(removed, "curl")));
        // nginx:alpine ships curl itself: adding and removing it there says nothing.
        let base_has = "FROM nginx:1.27-alpine\nRUN apk add --virtual .f curl && apk del .f\n";
        assert_eq!(evidence(base_has, "curl"), Evidence::Unknown);
        let shell = "FROM gcr.io/distroless/base-debian12\nRUN echo hi\n";
        assert!(has(&evidence(shell, "sh")));
    }
}
