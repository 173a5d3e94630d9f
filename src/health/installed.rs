//! What a stage's image really has installed, read from the package
//! managers its `RUN` lines call, in order, along the stage's chain (the
//! stage and the stages it is built `FROM`; a stage copied from does not
//! count). A package removed later (`apk del`, `apt-get purge`/`remove`,
//! `dnf remove`) is gone, and so is every package of an apk virtual group
//! (`apk add --virtual .build-deps …` then `apk del .build-deps`). Package
//! names are matched exactly: `curl-dev` and `libcurl4-openssl-dev` are not
//! curl.

use crate::syntax::dockerfile::{Dockerfile, Stage};

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
        let Some(at) = words.iter().position(|w| {
            matches!(
                *w,
                "apt-get" | "apt" | "apk" | "dnf" | "yum" | "microdnf" | "zypper"
            )
        }) else {
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
            self.packages.retain(|p| {
                !gone.contains(&p.name) && !p.group.as_ref().is_some_and(|g| gone.contains(g))
            });
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
}
