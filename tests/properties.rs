//! Properties every output must have, over every fixture, every corpus
//! Dockerfile and generated Dockerfiles: no panic, the output parses again,
//! fixing is idempotent, the user's lines survive, and so does what they
//! mean: every instruction reads as before (nothing is glued into one), a
//! start command is the same or the same behind the wrapper, and a stage
//! referred to by position is still the stage it was.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use proptest::prelude::*;
use seaworthy::engine;
use seaworthy::plan::FileChange;
use seaworthy::plan::Status;
use seaworthy::settings::policy::{Overrides, Policy};
use seaworthy::settings::Config;
use seaworthy::source::Source;
use seaworthy::syntax::dockerfile::{words, Dockerfile};

use common::STAGE_CONFIG;

/// The default policy, or the health-stage pattern.
fn policy(stage: bool) -> Policy {
    if stage {
        let config = Config::parse(Path::new("seaworthy.toml"), STAGE_CONFIG).unwrap();
        Policy::new(Arc::new(config), Overrides::default())
    } else {
        Policy::defaults()
    }
}

/// Rules whose fix only inserts lines (the others rewrite or move a line).
const INSERT_ONLY: &[&str] = &["SW101", "SW104"];

fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|&b| b == b'\n').collect()
}

/// Whether `small` is a subsequence of `big`.
fn subsequence(small: &[&[u8]], big: &[&[u8]]) -> bool {
    let mut it = big.iter();
    small.iter().all(|line| it.any(|l| l == line))
}

/// The program a HEALTHCHECK runs first: argv[0] of the exec form, or the
/// first real command of a `/bin/sh -c` line (past `timeout N` and a
/// `printf … |` feeding it).
fn probe_program(doc: &Dockerfile, index: usize) -> Option<String> {
    let text = doc.instructions()[index].args.text();
    let json = &text[text.find('[')?..];
    let argv: Vec<String> = serde_json::from_str(json.trim()).ok()?;
    let line = match argv.as_slice() {
        [sh, c, line] if sh == "/bin/sh" && c == "-c" => line.clone(),
        [program, ..] => return Some(program.clone()),
        [] => return None,
    };
    // The client is in the last piece of a pipe that is not a filter of
    // its output (`grep`, `head`, `tr`: in busybox and in coreutils, which
    // every glibc base has), inside a `[ -n "$(…)" ]` test if so.
    let command = line
        .rsplit(" | ")
        .find(|part| !["grep", "head", "tr "].iter().any(|f| part.starts_with(f)))
        .unwrap_or(&line);
    let mut words = command
        .split_whitespace()
        .map(|w| w.trim_start_matches(['"', '$', '(']))
        .filter(|w| !["[", "-n"].contains(w));
    let mut first = words.next()?;
    if first == "timeout" {
        words.next();
        first = words.next()?;
    }
    Some(first.to_string())
}

/// Every probe a fix inserted calls a client the final image provably has
/// (by the base image, the packages its chain installs and does not remove,
/// or a COPY of that very path), never one it lacks.
fn assert_probe_client_in_image(change: &FileChange) {
    let before = Dockerfile::parse(Source::new("Dockerfile", change.before_bytes().to_vec())).ok();
    let Ok(doc) = Dockerfile::parse(Source::new("Dockerfile", change.after.clone())) else {
        return;
    };
    let stage = doc.final_stage();
    let Some(index) = doc.last_inherited(stage, "HEALTHCHECK") else {
        return;
    };
    let had = before
        .as_ref()
        .is_some_and(|b| b.last_inherited(b.final_stage(), "HEALTHCHECK").is_some());
    if had {
        return;
    }
    let Some(program) = probe_program(&doc, index) else {
        panic!(
            "an inserted HEALTHCHECK is not a JSON command: {}",
            String::from_utf8_lossy(&change.after)
        );
    };
    let reference = seaworthy::model::images::Reference::parse(&doc.base_image(stage));
    let name = reference.name().to_string();
    let tag = reference.tag.clone();
    let installed = seaworthy::health::installed::Installed::of(&doc, stage);
    let known_check = seaworthy::model::images::lookup(&doc.base_image(stage))
        .and_then(|k| k.health.as_ref())
        .is_some_and(|test| test.iter().skip(1).any(|w| w.contains(&program)));
    let busybox =
        name == "alpine" || name == "busybox" || tag.contains("alpine") || installed.uses_apk;
    let has = match program.as_str() {
        "python" => name == "python" || name == "pypy" || tag.contains("python"),
        "node" => name == "node",
        "curl" => installed.has(&["curl"]).is_some(),
        "wget" | "nc" | "printf" => busybox,
        // An image data/images.toml says is built on a glibc distribution
        // (each row cites the image's own Dockerfile).
        "bash" => {
            installed.uses_glibc_manager
                || ["debian", "ubuntu"].contains(&name.as_str())
                || seaworthy::model::images::glibc_based(&doc.base_image(stage))
        }
        "pg_isready" => installed
            .has_matching(|p| p.starts_with("postgresql"))
            .is_some(),
        "redis-cli" => installed.has_matching(|p| p.starts_with("redis")).is_some(),
        path if path.starts_with('/') => doc.inherited(stage).into_iter().any(|i| {
            let text = doc.instructions()[i].args.text();
            doc.instructions()[i].keyword == "COPY"
                && text.contains("--from=")
                && text.split_whitespace().last() == Some(path)
        }),
        _ => false,
    } || known_check;
    assert!(
        has,
        "the inserted probe calls `{program}`, which the final image (base {}) does not provably have:\n{}",
        doc.base_image(stage),
        String::from_utf8_lossy(&change.after)
    );
}

fn assert_properties(change: &FileChange, policy: &Policy) {
    let path = change.path.display();
    assert_probe_client_in_image(change);
    // The output parses again.
    let again = Source::new(&change.path, change.after.clone());
    Dockerfile::parse(again.clone())
        .unwrap_or_else(|e| panic!("{path}: output does not parse: {e}"));
    // Idempotent: a second fix changes nothing.
    let second = engine::dockerfile::fix(&again, policy).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&second.after),
        String::from_utf8_lossy(&change.after),
        "{path}: second fix changed the file"
    );
    assert!(
        second.findings.iter().all(|f| f.status != Status::Fixed),
        "{path}: drift after fix"
    );
    // The user's lines survive (a final line may gain a line break only when
    // something is appended after it).
    let before = lines(change.before_bytes());
    let after = lines(&change.after);
    let fixed: Vec<&str> = change
        .findings
        .iter()
        .filter(|f| f.status == Status::Fixed)
        .map(|f| f.code())
        .collect();
    let trimmed = |ls: &[&[u8]]| -> Vec<Vec<u8>> {
        ls.iter()
            .map(|l| {
                let l = l.strip_suffix(b"\n").unwrap_or(l);
                l.strip_suffix(b"\r").unwrap_or(l).to_vec()
            })
            .collect()
    };
    let (tb, ta) = (trimmed(&before), trimmed(&after));
    let tb_refs: Vec<&[u8]> = tb.iter().map(Vec::as_slice).collect();
    let ta_refs: Vec<&[u8]> = ta.iter().map(Vec::as_slice).collect();
    if fixed.iter().all(|r| INSERT_ONLY.contains(r)) {
        assert!(
            subsequence(&tb_refs, &ta_refs),
            "{path}: an original line was lost or reordered"
        );
        // Every original byte is still there, in order, and only whole lines were added.
        assert!(change.after.len() >= change.before_bytes().len());
    } else {
        // Only the lines of a rewritten instruction may change (a start
        // command SW103 wraps, a COPY whose path SW106 corrects), and not
        // the comment lines inside them.
        let doc =
            Dockerfile::parse(Source::new(&change.path, change.before_bytes().to_vec())).unwrap();
        let rewritable: BTreeSet<usize> = (0..doc.instructions().len())
            .filter(|&i| rewritten_by_a_rule(&doc, i))
            .flat_map(|i| doc.instructions()[i].first_line..=doc.instructions()[i].last_line)
            .collect();
        for (n, line) in tb_refs.iter().enumerate() {
            let text = String::from_utf8_lossy(line);
            let may_change = rewritable.contains(&n) && !text.trim_start().starts_with('#');
            assert!(
                may_change || ta_refs.contains(line),
                "{path}: lost line {text:?}"
            );
        }
    }
    assert_meaning_kept(change);
    // CRLF files stay CRLF.
    if change.before_bytes().windows(2).any(|w| w == b"\r\n")
        && !change
            .before_bytes()
            .windows(2)
            .any(|w| w[1] == b'\n' && w[0] != b'\r')
    {
        assert!(
            !change
                .after
                .windows(2)
                .any(|w| w[1] == b'\n' && w[0] != b'\r')
                && change.after[0] != b'\n',
            "{path}: bare LF in a CRLF file"
        );
    }
}

/// Whether a rule may rewrite instruction `i` in place: a start command
/// (SW103 wraps it) or a `COPY --from=healthcheck` (SW106 corrects its path).
fn rewritten_by_a_rule(doc: &Dockerfile, i: usize) -> bool {
    let keyword = doc.instructions()[i].keyword.as_str();
    let from_health_stage = || {
        let (flags, _) = words::leading_flags(doc.words(i));
        flags
            .iter()
            .any(|(k, v)| k == "from" && v.eq_ignore_ascii_case("healthcheck"))
    };
    keyword == "CMD" || keyword == "ENTRYPOINT" || (keyword == "COPY" && from_health_stage())
}

/// Whether every item of `small` is in `big` at least as often.
fn multiset_contains<T: Ord + Clone + std::fmt::Debug>(small: &[T], big: &[T]) -> Result<(), T> {
    let mut big: Vec<T> = big.to_vec();
    for item in small {
        match big.iter().position(|b| b == item) {
            Some(at) => {
                big.swap_remove(at);
            }
            None => return Err(item.clone()),
        }
    }
    Ok(())
}

/// Every positional stage reference with the `FROM` line of the stage it
/// names (or `None` when it names none), sorted.
fn reference_targets(doc: &Dockerfile) -> Vec<(String, Option<String>)> {
    let mut out: Vec<_> = doc
        .positional_references()
        .into_iter()
        .map(|(i, position)| {
            let instr = &doc.instructions()[i];
            let target = position
                .and_then(|k| doc.stages.get(k))
                .map(|s| doc.instructions()[s.from].args.text());
            (format!("{} {}", instr.keyword, instr.args.text()), target)
        })
        .collect();
    out.sort();
    out
}

/// How many instructions name their own stage, by position or by name.
fn self_references(doc: &Dockerfile) -> usize {
    let by_position = doc
        .positional_references()
        .into_iter()
        .filter(|&(i, position)| position == doc.stage_of(i).map(|s| s.index))
        .count();
    let by_name = (0..doc.instructions().len())
        .filter(|&i| {
            let own = doc.stage_of(i).and_then(|s| s.name.clone());
            let (flags, _) = words::leading_flags(doc.words(i));
            own.is_some_and(|own| {
                flags.iter().any(|(k, v)| {
                    (k == "from" && v.eq_ignore_ascii_case(&own))
                        || (k == "mount"
                            && v.split(',')
                                .any(|kv| kv.eq_ignore_ascii_case(&format!("from={own}"))))
                })
            })
        })
        .count();
    by_position + by_name
}

/// What the file means survives the fix:
/// - every instruction (but a rewritten one) reads exactly as before:
///   nothing was glued into it through a line continuation;
/// - every comment line is still there;
/// - the final stage's ENTRYPOINT and CMD run what they ran, directly or
///   behind the wrapper (`W --export-prom :PORT -- argv…`);
/// - every stage referred to by position is the same stage, and no stage
///   names itself that did not before.
fn assert_meaning_kept(change: &FileChange) {
    let path = change.path.display();
    let before =
        Dockerfile::parse(Source::new(&change.path, change.before_bytes().to_vec())).unwrap();
    let after = Dockerfile::parse(Source::new(&change.path, change.after.clone())).unwrap();
    let kept = |doc: &Dockerfile| -> Vec<(String, Vec<u8>)> {
        (0..doc.instructions().len())
            .filter(|&i| !rewritten_by_a_rule(doc, i))
            .map(|i| {
                let instr = &doc.instructions()[i];
                (instr.keyword.clone(), instr.args.bytes.clone())
            })
            .collect()
    };
    if let Err((keyword, args)) = multiset_contains(&kept(&before), &kept(&after)) {
        panic!(
            "{path}: `{keyword} {}` does not read the same any more:\n{}",
            String::from_utf8_lossy(&args),
            String::from_utf8_lossy(&change.after)
        );
    }
    let comments = |bytes: &[u8]| -> Vec<Vec<u8>> {
        lines(bytes)
            .into_iter()
            .map(|l| {
                let l = l.strip_suffix(b"\n").unwrap_or(l);
                l.strip_suffix(b"\r").unwrap_or(l).to_vec()
            })
            .filter(|l| l.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'#'))
            .collect()
    };
    if let Err(lost) = multiset_contains(&comments(change.before_bytes()), &comments(&change.after))
    {
        panic!(
            "{path}: comment line {:?} lost",
            String::from_utf8_lossy(&lost)
        );
    }
    let starts = |doc: &Dockerfile| {
        let start = doc.start_command(doc.final_stage());
        [start.entrypoint, start.cmd].map(|i| i.map(|i| doc.argv(i)))
    };
    for (old, new) in starts(&before).into_iter().zip(starts(&after)) {
        let same_behind_wrapper = match (&old, &new) {
            (Some(old), Some(new)) => {
                new.len() == old.len() + 4
                    && new[1] == "--export-prom"
                    && new[3] == "--"
                    && new[4..] == old[..]
            }
            _ => false,
        };
        assert!(
            old == new || same_behind_wrapper,
            "{path}: start command {old:?} became {new:?}"
        );
    }
    assert_eq!(
        reference_targets(&after),
        reference_targets(&before),
        "{path}: a stage referred to by position is another stage now:\n{}",
        String::from_utf8_lossy(&change.after)
    );
    assert!(
        self_references(&after) <= self_references(&before),
        "{path}: a stage names itself now:\n{}",
        String::from_utf8_lossy(&change.after)
    );
}

#[test]
fn fixtures_hold_the_properties() {
    let files = common::fixture_dockerfiles();
    assert!(files.len() >= 12);
    for path in files {
        let change = common::plan(&path);
        let config = seaworthy::settings::resolver::Resolver::new(None)
            .unwrap()
            .for_file(&path)
            .unwrap();
        assert_properties(&change, &Policy::new(config, Default::default()));
    }
}

#[test]
fn corpus_holds_the_properties() {
    for path in common::corpus_dockerfiles() {
        let change = common::plan(&path);
        assert_properties(&change, &Policy::defaults());
    }
}

#[test]
fn corpus_gets_probes_or_warnings_never_errors() {
    let files = common::corpus_dockerfiles();
    if files.is_empty() {
        return;
    }
    let mut probed = 0;
    let mut warned = 0;
    for path in &files {
        let change = common::plan(path);
        let sw101: Vec<_> = change
            .findings
            .iter()
            .filter(|f| f.code() == "SW101")
            .collect();
        probed += sw101.iter().filter(|f| f.status == Status::Fixed).count();
        warned += sw101.iter().filter(|f| f.status == Status::Warning).count();
    }
    // 35 Dockerfiles: one already has a HEALTHCHECK; every other gets a probe on evidence or a warning.
    assert_eq!(files.len(), 35);
    assert_eq!(probed + warned, 34);
    assert!(probed >= 19, "probed {probed}");
}

fn generated_dockerfile() -> impl Strategy<Value = String> {
    let base = prop::sample::select(vec![
        "python:3.12-slim",
        "python:2.7-slim",
        "node:20-alpine",
        "nginx:1.27-alpine",
        "debian:bookworm-slim",
        "alpine:3.20",
        "prom/node-exporter:v1.8.2",
        "postgres:16",
        "gcr.io/distroless/static",
        "scratch",
        "golang:1.22 AS build",
    ]);
    // Package installs whose clients do or do not end up in the image.
    let install = prop::sample::select(vec![
        "RUN apt-get update && apt-get install -y --no-install-recommends curl",
        "RUN apt-get install -y curl && apt-get purge -y curl",
        "RUN apk add --no-cache --virtual .build-deps curl-dev gcc && make && apk del .build-deps",
        "RUN apk add --no-cache curl",
        "RUN apt-get install -y postgresql-15",
        "RUN apk add redis",
        "RUN apt-get install -y libcurl4-openssl-dev",
    ])
    .prop_map(str::to_string);
    let comment = "[ a-zA-Z0-9#:=.'\"`$-]{0,20}".prop_map(|c| format!("# {c}"));
    let run = prop::collection::vec("[a-z0-9 ._=-]{1,12}", 1..4)
        .prop_map(|parts| format!("RUN {}", parts.join(" \\\n    ")));
    let expose = prop::collection::vec(
        prop_oneof![
            1u16..65535,
            prop::sample::select(vec![25u16, 5432, 6379, 80, 8000])
        ],
        0..3,
    )
    .prop_map(|ports| {
        if ports.is_empty() {
            String::new()
        } else {
            format!(
                "EXPOSE {}",
                ports
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
    });
    let cmd = prop::sample::select(vec![
        "CMD [\"app\", \"--port\", \"8000\"]",
        "CMD app serve",
        "CMD [ \"x\" ]",
        "ENTRYPOINT [\"/app\"]",
        "CMD /app \\\n    # keep me\n    --flag \"a\\\\b\"",
        "ENTRYPOINT exec /app \\\n\n  # note\n  --port 8000",
        "",
    ]);
    // The file may end inside a line continuation, which comment and blank
    // lines after it do not end.
    let open_end = prop::sample::select(vec![
        "",
        "RUN pip install flask && \\",
        "EXPOSE 9000 \\",
        "CMD /app \\",
        "RUN a \\\n# trailing",
        "RUN a \\\n\n",
    ]);
    let heredoc = prop::bool::ANY.prop_map(|h| {
        if h {
            "RUN <<EOF\necho hi\nEOF".to_string()
        } else {
            String::new()
        }
    });
    (
        base,
        prop::collection::vec(
            prop_oneof![comment, run, install, Just(String::new())],
            0..6,
        ),
        expose,
        heredoc,
        cmd,
        open_end,
        prop::bool::ANY,
        prop::bool::ANY,
    )
        .prop_map(
            |(base, middle, expose, heredoc, cmd, open_end, crlf, final_newline)| {
                let mut lines = vec![format!("FROM {base}")];
                lines.extend(middle);
                lines.extend(
                    [expose, heredoc, cmd.to_string(), open_end.to_string()]
                        .into_iter()
                        .filter(|l| !l.is_empty()),
                );
                let eol = if crlf { "\r\n" } else { "\n" };
                let mut text = lines.join("\n").replace('\n', eol);
                if final_newline {
                    text.push_str(eol);
                }
                text
            },
        )
}

/// Multi-stage Dockerfiles: stages referred to by position (`COPY --from=N`,
/// `RUN --mount=…,from=N`, `FROM N`, `--from=$VAR`), a `healthcheck` stage
/// declared anywhere or only copied from, SHELL, start commands with comment
/// lines in their continuations, and a last line that may end in an open
/// continuation, with either escape character.
fn multistage_dockerfile() -> impl Strategy<Value = String> {
    let stage = (
        0u8..8,
        prop::bool::ANY,
        prop::collection::vec((0u8..10, any::<u8>()), 0..4),
    );
    (
        prop::collection::vec(stage, 1..4),
        prop::option::of(0usize..4),
        0u8..6,
        0u8..9,
        0u8..3,
        prop::bool::ANY,
        prop::bool::ANY,
        prop::bool::ANY,
    )
        .prop_map(
            |(stages, health_at, start, open, after_open, backtick, crlf, final_newline)| {
                let esc = if backtick { '`' } else { '\\' };
                let mut lines: Vec<String> = Vec::new();
                if backtick {
                    lines.push("# escape=`".into());
                }
                let mut declared = 0usize;
                for (i, (base, named, body)) in stages.iter().enumerate() {
                    if health_at == Some(i) {
                        lines.push("FROM ghcr.io/tarampampam/microcheck:1 AS healthcheck".into());
                        lines.push(String::new());
                        declared += 1;
                    }
                    // A stage refers by position to stages before it only.
                    let index = declared;
                    let earlier = move |p: &u8| (index > 0).then(|| usize::from(*p) % index);
                    let image = match base {
                        0 => "golang:1.22".to_string(),
                        1 => "python:3.12-slim".into(),
                        2 => "node:20-alpine".into(),
                        3 => "debian:bookworm-slim".into(),
                        4 => "scratch".into(),
                        5 => "gcr.io/distroless/static".into(),
                        6 => earlier(&(i as u8)).map_or("alpine:3".into(), |k| k.to_string()),
                        _ => "nginx:1.27-alpine".into(),
                    };
                    let name = if *named {
                        format!(" AS s{declared}")
                    } else {
                        String::new()
                    };
                    lines.push(format!("FROM {image}{name}"));
                    declared += 1;
                    for (kind, p) in body {
                        let line = match (kind, earlier(p)) {
                            (0, Some(k)) => format!("COPY --from={k} /a{p} /a{p}"),
                            (1, Some(k)) => {
                                format!("RUN --mount=type=bind,from={k},target=/m true")
                            }
                            (2, _) => {
                                "COPY --from=healthcheck /bin/httpcheck /bin/httpcheck".into()
                            }
                            (3, _) => format!("RUN a{p} {esc}\n    b"),
                            (4, _) => format!("# comment {p}"),
                            (6, _) => format!("EXPOSE {}", 8000 + u16::from(*p)),
                            (7, _) => "COPY --from=$STAGE /x /x".into(),
                            (8, _) => "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]".into(),
                            (9, _) => format!("RUN b {esc}\n    # inner comment\n    c"),
                            _ => String::new(),
                        };
                        lines.push(line);
                    }
                }
                match start {
                    1 => lines.push("CMD [\"app\", \"--port\", \"8000\"]".into()),
                    2 => lines.push("CMD app serve --port 8000".into()),
                    3 => lines.push(format!(
                        "CMD /app {esc}\n    # keep me\n    --flag \"x\\\\y\" 'z'"
                    )),
                    4 => lines.push(format!(
                        "ENTRYPOINT exec /app {esc}\n\n  # note\n  --port 8000"
                    )),
                    5 => lines.push("CMD [ \"x\" ]".into()),
                    _ => {}
                }
                match open {
                    1 => lines.push(format!("RUN pip install flask && {esc}")),
                    2 => lines.push(format!("EXPOSE 9000 {esc}")),
                    3 => lines.push(format!("CMD /app {esc}")),
                    4 => lines.push(format!("FROM scratch {esc}")),
                    5 => lines.push(format!("COPY --from=0 /a /a {esc}")),
                    _ => {}
                }
                match after_open {
                    1 => lines.push("# trailing".into()),
                    2 => lines.extend([String::new(), "# trailing".into()]),
                    _ => {}
                }
                let eol = if crlf { "\r\n" } else { "\n" };
                let mut text = lines.join("\n").replace('\n', eol);
                if final_newline {
                    text.push_str(eol);
                }
                text
            },
        )
}

/// Fixes `text` under the default or the health-stage policy and checks
/// every property.
fn check_generated(text: String, stage: bool) {
    let source = Source::new("Dockerfile", text.clone().into_bytes());
    let policy = policy(stage);
    let outcome = engine::dockerfile::fix(&source, &policy).unwrap();
    let change = FileChange {
        path: "Dockerfile".into(),
        before: Some(text.into_bytes()),
        after: outcome.after,
        findings: outcome.findings,
    };
    assert_properties(&change, &policy);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_dockerfiles_hold_the_properties(text in generated_dockerfile(), stage in prop::bool::ANY) {
        check_generated(text, stage);
    }

    #[test]
    fn generated_multistage_dockerfiles_hold_the_properties(text in multistage_dockerfile(), stage in prop::bool::ANY) {
        check_generated(text, stage);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let source = Source::new("Dockerfile", bytes);
        let _ = engine::dockerfile::fix(&source, &Policy::defaults());
    }

    #[test]
    fn instruction_soup_never_panics(lines in prop::collection::vec(
        "(FROM|RUN|CMD|COPY|EXPOSE|ENV|ARG|HEALTHCHECK|ENTRYPOINT|#|)[ a-z0-9<>\\[\\]\"'=:/\\\\-]{0,30}", 0..12)) {
        let text = lines.join("\n");
        let source = Source::new("Dockerfile", text.into_bytes());
        if let Ok(outcome) = engine::dockerfile::fix(&source, &Policy::defaults()) {
            let again = engine::dockerfile::fix(&Source::new("Dockerfile", outcome.after.clone()), &Policy::defaults()).unwrap();
            prop_assert_eq!(again.after, outcome.after);
        }
    }
}
