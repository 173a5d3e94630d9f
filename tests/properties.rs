//! Properties every output must have, over every fixture, every corpus
//! Dockerfile and generated Dockerfiles: no panic, the output parses again,
//! fixing is idempotent, and the user's lines survive.

mod common;

use proptest::prelude::*;
use seaworthy::engine;
use seaworthy::plan::FileChange;
use seaworthy::plan::Status;
use seaworthy::settings::policy::Policy;
use seaworthy::source::Source;
use seaworthy::syntax::dockerfile::Dockerfile;

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

fn assert_properties(change: &FileChange, policy: &Policy) {
    let path = change.path.display();
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
        for line in &tb_refs {
            let text = String::from_utf8_lossy(line);
            let rewritten = text.trim_start().to_ascii_uppercase();
            let may_change = rewritten.starts_with("CMD")
                || rewritten.starts_with("ENTRYPOINT")
                || text.contains("--from=healthcheck");
            assert!(
                may_change || ta_refs.contains(line),
                "{path}: lost line {text:?}"
            );
        }
    }
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
        "node:20-alpine",
        "nginx:1.27-alpine",
        "debian:bookworm-slim",
        "gcr.io/distroless/static",
        "scratch",
        "golang:1.22 AS build",
    ]);
    let comment = "[ a-zA-Z0-9#:=.'\"`$-]{0,20}".prop_map(|c| format!("# {c}"));
    let run = prop::collection::vec("[a-z0-9 ._=-]{1,12}", 1..4)
        .prop_map(|parts| format!("RUN {}", parts.join(" \\\n    ")));
    let expose = prop::collection::vec(1u16..65535, 0..3).prop_map(|ports| {
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
        "",
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
        prop::collection::vec(prop_oneof![comment, run, Just(String::new())], 0..6),
        expose,
        heredoc,
        cmd,
        prop::bool::ANY,
        prop::bool::ANY,
    )
        .prop_map(
            |(base, middle, expose, heredoc, cmd, crlf, final_newline)| {
                let mut lines = vec![format!("FROM {base}")];
                lines.extend(middle);
                lines.extend(
                    [expose, heredoc, cmd.to_string()]
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_dockerfiles_hold_the_properties(text in generated_dockerfile()) {
        let source = Source::new("Dockerfile", text.clone().into_bytes());
        let policy = Policy::defaults();
        let outcome = engine::dockerfile::fix(&source, &policy).unwrap();
        let change = FileChange {
            path: "Dockerfile".into(),
            before: Some(text.into_bytes()),
            after: outcome.after,
            findings: outcome.findings,
        };
        assert_properties(&change, &policy);
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
