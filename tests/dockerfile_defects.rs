//! Minimal reproducers of three Dockerfile defects, each a regression test
//! through the public engine:
//! 1. an instruction appended after a last line that ends in a line
//!    continuation was glued into that instruction;
//! 2. declaring the `healthcheck` stage at the top shifted stages referred
//!    to by position (`COPY --from=0`, `FROM 0`);
//! 3. a comment line inside a shell-form start command vanished when SW103
//!    wrapped it.

mod common;

use std::path::Path;
use std::sync::Arc;

use seaworthy::engine;
use seaworthy::plan::Status;
use seaworthy::settings::policy::{Overrides, Policy};
use seaworthy::settings::Config;
use seaworthy::source::Source;
use seaworthy::syntax::dockerfile::Dockerfile;

use common::{ROUTE_CONFIG, STAGE_CONFIG};

fn policy(config: &str) -> Policy {
    let config = Config::parse(Path::new("seaworthy.toml"), config).unwrap();
    Policy::new(Arc::new(config), Overrides::default())
}

/// Fixes `text` with `config`, checks that the output parses and that a
/// second fix changes nothing, and returns the output and the findings.
fn fix_with(config: &str, text: &str) -> (String, Vec<(String, Status, String)>) {
    let policy = policy(config);
    let outcome = engine::dockerfile::fix(
        &Source::new("Dockerfile", text.as_bytes().to_vec()),
        &policy,
    )
    .unwrap();
    let after = String::from_utf8(outcome.after).unwrap();
    let again = engine::dockerfile::fix(
        &Source::new("Dockerfile", after.clone().into_bytes()),
        &policy,
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(again.after).unwrap(),
        after,
        "not idempotent"
    );
    let findings = outcome
        .findings
        .into_iter()
        .map(|f| (f.code().to_string(), f.status, f.message))
        .collect();
    (after, findings)
}

fn fix(text: &str) -> (String, Vec<(String, Status, String)>) {
    fix_with("", text)
}

fn parse(text: &str) -> Dockerfile {
    Dockerfile::parse(Source::new("Dockerfile", text.as_bytes().to_vec())).unwrap()
}

fn status(findings: &[(String, Status, String)], rule: &str) -> Option<Status> {
    findings
        .iter()
        .find(|(r, _, _)| r == rule)
        .map(|(_, s, _)| *s)
}

/// (keyword, arguments) of every instruction.
fn instructions(doc: &Dockerfile) -> Vec<(String, String)> {
    doc.instructions()
        .iter()
        .map(|i| (i.keyword.clone(), i.args.text()))
        .collect()
}

// 1. An open line continuation at the end of the file.

/// The reproducer in every line style: no final newline, LF, CRLF, a
/// backtick escape, and comment and blank lines after the continuation
/// (they do not end it).
const OPEN_ENDS: &[&str] = &[
    "FROM python:3.12-slim\nEXPOSE 8000\nRUN pip install flask && \\",
    "FROM python:3.12-slim\nEXPOSE 8000\nRUN pip install flask && \\\n",
    "FROM python:3.12-slim\r\nEXPOSE 8000\r\nRUN pip install flask && \\\r\n",
    "FROM python:3.12-slim\r\nEXPOSE 8000\r\nRUN pip install flask && \\",
    "# escape=`\nFROM python:3.12-slim\nEXPOSE 8000\nRUN pip install flask && `\n",
    "FROM python:3.12-slim\nEXPOSE 8000\nRUN pip install flask && \\\n# more\n\n",
    "FROM python:3.12-slim\nEXPOSE 8000\nRUN pip install flask && \\   \n  \n",
];

#[test]
fn healthcheck_is_not_glued_into_an_open_continuation() {
    for &text in OPEN_ENDS {
        let (after, findings) = fix(text);
        assert_eq!(status(&findings, "SW101"), Some(Status::Fixed), "{text:?}");
        let (before_doc, after_doc) = (parse(text), parse(&after));
        let run = instructions(&before_doc).pop().unwrap();
        assert_eq!(run.0, "RUN");
        // The RUN reads exactly as before, and the HEALTHCHECK is an
        // instruction of its own, before it.
        let got = instructions(&after_doc);
        assert_eq!(got.last(), Some(&run), "{after:?}");
        assert_eq!(got.iter().filter(|(k, _)| k == "HEALTHCHECK").count(), 1);
        assert_eq!(got[got.len() - 2].0, "HEALTHCHECK", "{after:?}");
        // Only lines were inserted, before the open instruction.
        let tail = &text[text.find("RUN").unwrap()..];
        assert!(after.ends_with(tail), "{after:?}");
        assert!(after.starts_with(&text[..text.find("RUN").unwrap()]));
    }
}

#[test]
fn open_continuation_keeps_its_comment_above_it() {
    let text = "FROM python:3.12-slim\nEXPOSE 8000\n# the app\nRUN pip install flask && \\\n";
    let (after, _) = fix(text);
    assert!(
        after.contains("pass\"]\n# the app\nRUN pip install flask && \\\n"),
        "{after}"
    );
}

#[test]
fn copied_probe_is_not_glued_into_an_open_continuation() {
    let text = "FROM python:3.12-slim\nEXPOSE 8000\nRUN pip install flask && \\\n";
    let (after, findings) = fix_with(STAGE_CONFIG, text);
    assert_eq!(status(&findings, "SW101"), Some(Status::Fixed));
    let doc = parse(&after);
    let got = instructions(&doc);
    assert_eq!(got.last().unwrap().1, "pip install flask && ", "{after}");
    assert!(got
        .iter()
        .any(|(k, a)| k == "COPY" && a.starts_with("--from=healthcheck")));
    assert!(got.iter().any(|(k, _)| k == "HEALTHCHECK"));
}

#[test]
fn expose_is_not_glued_into_an_open_expose() {
    // SW104 adds its EXPOSE after the last EXPOSE, which here is open.
    let text = "FROM python:3.12-slim\nHEALTHCHECK CMD [\"true\"]\nCMD [\"healthcheck\", \"--export-prom\", \":9091\", \"--\", \"app\"]\nEXPOSE 8000 \\\n";
    let (after, findings) = fix(text);
    assert_eq!(status(&findings, "SW104"), Some(Status::Fixed));
    assert!(after.ends_with("EXPOSE 9091\nEXPOSE 8000 \\\n"), "{after}");
    let doc = parse(&after);
    let ports: Vec<u16> = doc
        .exposed_ports(doc.final_stage())
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    assert_eq!(ports, [9091, 8000]);
}

#[test]
fn open_start_command_gets_its_healthcheck_before_it() {
    let text = "FROM python:3.12-slim\nEXPOSE 8000\nCMD [\"python\", \"-m\", \"app\"] \\";
    let (after, _) = fix(text);
    assert!(after.starts_with("FROM python:3.12-slim\nEXPOSE 8000\nHEALTHCHECK "));
    assert!(
        after.ends_with("\nCMD [\"python\", \"-m\", \"app\"] \\"),
        "{after}"
    );
}

#[test]
fn an_open_from_is_a_warning_not_a_glued_fix() {
    // Nothing can be added to a stage whose FROM is open at the end of the
    // file: before the FROM is another stage, after it is the FROM.
    for text in [
        "FROM python:3.12-slim \\",
        "FROM python:3.12-slim \\\n# c\n",
    ] {
        let (after, findings) = fix_with("[health]\nport = 8000\n", text);
        assert_eq!(after, text);
        let (_, status, message) = findings.iter().find(|(r, _, _)| r == "SW101").unwrap();
        assert_eq!(*status, Status::Warning);
        assert!(message.contains("line continuation"), "{message}");
    }
}

// 2. Stages referred to by position.

/// The image of the stage every positional reference names, in file order.
fn referenced_images(doc: &Dockerfile) -> Vec<Option<String>> {
    doc.positional_references()
        .into_iter()
        .map(|(_, position)| {
            position
                .and_then(|k| doc.stages.get(k))
                .map(|s| s.image.clone())
        })
        .collect()
}

/// Fixes `text`, checks that every positional reference names the same
/// stage as before and that no stage names itself; returns the output.
fn fix_keeping_positions(config: &str, text: &str) -> (String, Vec<(String, Status, String)>) {
    let (after, findings) = fix_with(config, text);
    let (before_doc, after_doc) = (parse(text), parse(&after));
    assert_eq!(
        referenced_images(&after_doc),
        referenced_images(&before_doc),
        "{after}"
    );
    for (i, position) in after_doc.positional_references() {
        let own = after_doc.stage_of(i).unwrap().index;
        assert_ne!(position, Some(own), "a stage names itself: {after}");
    }
    (after, findings)
}

#[test]
fn copied_probe_keeps_copy_from_index() {
    let text = "FROM golang:1.22\nRUN go build -o /app\nFROM scratch\nCOPY --from=0 /app /app\nEXPOSE 8080\nCMD [\"/app\"]\n";
    let (after, findings) = fix_keeping_positions(ROUTE_CONFIG, text);
    assert_eq!(status(&findings, "SW101"), Some(Status::Fixed));
    assert_eq!(
        after,
        "FROM golang:1.22\nRUN go build -o /app\nFROM ghcr.io/tarampampam/microcheck:1 AS healthcheck\n\nFROM scratch\nCOPY --from=healthcheck /bin/httpcheck /bin/httpcheck\nCOPY --from=0 /app /app\nEXPOSE 8080\nHEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \\\n    CMD [\"/bin/httpcheck\", \"http://127.0.0.1:8080/healthz\"]\nCMD [\"/app\"]\n"
    );
}

#[test]
fn copied_probe_keeps_from_index_and_mount_from_index() {
    for text in [
        "FROM golang:1.22\nRUN go build -o /app\nFROM 0\nEXPOSE 8080\nCMD [\"/app\"]\n",
        "FROM golang:1.22\nRUN go build -o /app\nFROM gcr.io/distroless/static\nRUN --mount=type=bind,from=0,source=/app,target=/m [\"/m\"]\nEXPOSE 8080\n",
        "FROM golang:1.22 AS build\nFROM alpine:3 AS tools\nFROM scratch\nCOPY --from=build /app /app\nCOPY --from=1 /bin/sh /bin/sh\nEXPOSE 8080\n",
    ] {
        let (after, findings) = fix_keeping_positions(ROUTE_CONFIG, text);
        assert_eq!(status(&findings, "SW101"), Some(Status::Fixed), "{text}");
        assert_eq!(after.matches("AS healthcheck").count(), 1);
    }
}

#[test]
fn stage_style_keeps_copy_from_index() {
    let text = "FROM python:3.12 AS build\nRUN pip wheel -w /w .\nFROM python:3.12-slim\nCOPY --from=0 /w /w\nEXPOSE 8000\nCMD [\"app\"]\n";
    let (after, findings) = fix_keeping_positions(STAGE_CONFIG, text);
    assert_eq!(status(&findings, "SW101"), Some(Status::Fixed));
    assert!(
        after.starts_with("FROM python:3.12 AS build\nRUN pip wheel -w /w .\nFROM alfred/healthcheck:0.4.0 AS healthcheck\n\nFROM python:3.12-slim\n"),
        "{after}"
    );
}

#[test]
fn without_positional_references_the_stage_still_goes_to_the_top() {
    let text = "FROM golang:1.22 AS build\nRUN go build -o /app\nFROM scratch\nCOPY --from=build /app /app\nEXPOSE 8080\n";
    let (after, _) = fix_keeping_positions(ROUTE_CONFIG, text);
    assert!(
        after.starts_with(
            "FROM ghcr.io/tarampampam/microcheck:1 AS healthcheck\n\nFROM golang:1.22 AS build\n"
        ),
        "{after}"
    );
}

#[test]
fn a_variable_stage_reference_keeps_the_stage_below_it() {
    let text = "ARG FROM_STAGE=0\nFROM golang:1.22\nFROM scratch\nCOPY --from=${FROM_STAGE} /app /app\nEXPOSE 8080\n";
    let (after, _) = fix_keeping_positions(ROUTE_CONFIG, text);
    assert!(
        after.starts_with("ARG FROM_STAGE=0\nFROM golang:1.22\nFROM ghcr.io/tarampampam/microcheck:1 AS healthcheck\n\nFROM scratch\n"),
        "{after}"
    );
}

#[test]
fn declaring_a_missing_stage_keeps_positions() {
    // SW102: a COPY from a stage that does not exist yet.
    let text = "FROM golang:1.22\nRUN go build -o /app\nFROM debian:12\nCOPY --from=0 /app /app\nCOPY --from=healthcheck /bin/httpcheck /bin/httpcheck\nHEALTHCHECK CMD [\"/bin/httpcheck\", \"http://127.0.0.1:80/\"]\n";
    let (after, findings) = fix_keeping_positions("", text);
    assert_eq!(status(&findings, "SW102"), Some(Status::Fixed));
    assert!(
        after.starts_with("FROM golang:1.22\nRUN go build -o /app\nFROM ghcr.io/tarampampam/microcheck:1 AS healthcheck\n\nFROM debian:12\n"),
        "{after}"
    );
}

#[test]
fn moving_the_stage_up_keeps_positions() {
    // SW102: the stage is declared after the stage that copies from it.
    let text = "FROM golang:1.22\nRUN go build -o /app\nFROM debian:12 AS app\nCOPY --from=0 /app /app\nCOPY --from=healthcheck /bin/httpcheck /bin/httpcheck\n\nFROM ghcr.io/tarampampam/microcheck:1 AS healthcheck\n\nFROM app\nEXPOSE 80\nHEALTHCHECK CMD [\"/bin/httpcheck\", \"http://127.0.0.1:80/\"]\n";
    let (after, findings) = fix_keeping_positions("", text);
    assert_eq!(status(&findings, "SW102"), Some(Status::Fixed));
    assert_eq!(
        after,
        "FROM golang:1.22\nRUN go build -o /app\nFROM ghcr.io/tarampampam/microcheck:1 AS healthcheck\n\nFROM debian:12 AS app\nCOPY --from=0 /app /app\nCOPY --from=healthcheck /bin/httpcheck /bin/httpcheck\n\nFROM app\nEXPOSE 80\nHEALTHCHECK CMD [\"/bin/httpcheck\", \"http://127.0.0.1:80/\"]\n"
    );
}

#[test]
fn no_place_that_keeps_positions_is_a_warning() {
    // The health stage must come before stage 1, and stage 1 is referred to
    // by position: any declaration would shift it. (`HEALTHCHECK NONE`
    // keeps SW101 out of it.)
    for text in [
        "FROM golang:1.22\nFROM debian:12\nCOPY --from=healthcheck /bin/httpcheck /bin/httpcheck\nFROM scratch\nCOPY --from=1 /a /a\nHEALTHCHECK NONE\n",
        "FROM golang:1.22\nFROM debian:12 AS app\nCOPY --from=healthcheck /bin/httpcheck /bin/httpcheck\nFROM ghcr.io/tarampampam/microcheck:1 AS healthcheck\nFROM 1\nHEALTHCHECK NONE\n",
    ] {
        let (after, findings) = fix_keeping_positions("", text);
        assert_eq!(after, text);
        assert_eq!(status(&findings, "SW102"), Some(Status::Warning), "{findings:?}");
    }
}

#[test]
fn no_fix_makes_a_stage_copy_from_itself() {
    // Stage 0 copies from stage 1 by position: declaring a stage anywhere
    // before stage 1 would make stage 0 (then 1) copy from itself.
    let text = "FROM debian:12\nCOPY --from=1 /a /a\nFROM scratch\nEXPOSE 8080\n";
    let (after, findings) = fix_keeping_positions(ROUTE_CONFIG, text);
    assert_eq!(after, text);
    assert_eq!(status(&findings, "SW101"), Some(Status::Warning));
    // The final stage is itself named `healthcheck` (and is not the stage
    // image): it is the user's stage, so the probe comes from a stage of
    // another name, never from itself.
    let text = "FROM golang:1.22\nFROM scratch AS healthcheck\nEXPOSE 8080\nCMD [\"/app\"]\n";
    let (after, findings) = fix_with(ROUTE_CONFIG, text);
    assert!(
        after.starts_with("FROM ghcr.io/tarampampam/microcheck:1 AS seaworthy-probe\n"),
        "{after}"
    );
    assert!(after.contains("COPY --from=seaworthy-probe /bin/httpcheck /bin/httpcheck\n"));
    assert!(!after.contains("--from=healthcheck"));
    let (_, status, _) = findings.iter().find(|(r, _, _)| r == "SW101").unwrap();
    assert_eq!(*status, Status::Fixed);
    // A final stage named like the probe stage it would copy from warns.
    let text = "FROM golang:1.22\nFROM ghcr.io/tarampampam/microcheck:1 AS healthcheck\nEXPOSE 8080\nCMD [\"/app\"]\n";
    let (after, findings) = fix_with(ROUTE_CONFIG, text);
    assert_eq!(after, text);
    let (_, status, message) = findings.iter().find(|(r, _, _)| r == "SW101").unwrap();
    assert_eq!(*status, Status::Warning);
    assert!(message.contains("itself named `healthcheck`"), "{message}");
}

// 3. Comment lines inside a shell-form start command.

/// The wrapper SW103 puts in front of the start command under STAGE_CONFIG.
fn wrapped(argv: &[String]) -> Vec<String> {
    ["healthcheck", "--export-prom", ":9091", "--"]
        .iter()
        .map(|s| s.to_string())
        .chain(argv.iter().cloned())
        .collect()
}

/// Fixes `text` under STAGE_CONFIG and checks that SW103 wrapped the start
/// command (`keyword`) and that the wrapped argv is the old one behind the
/// wrapper; returns the output.
fn wrap(text: &str, keyword: &str) -> String {
    let (after, findings) = fix_with(STAGE_CONFIG, text);
    assert_eq!(
        status(&findings, "SW103"),
        Some(Status::Fixed),
        "{findings:?}"
    );
    let (before_doc, after_doc) = (parse(text), parse(&after));
    let index = |doc: &Dockerfile| {
        let start = doc.start_command(doc.final_stage());
        let index = if keyword == "ENTRYPOINT" {
            start.entrypoint
        } else {
            start.cmd
        };
        index.unwrap()
    };
    let before_argv = before_doc.argv(index(&before_doc));
    assert_eq!(
        after_doc.argv(index(&after_doc)),
        wrapped(&before_argv),
        "{after}"
    );
    assert!(
        seaworthy::syntax::dockerfile::words::exec_form(
            &after_doc.instructions()[index(&after_doc)].args.bytes
        )
        .is_some(),
        "not exec form: {after}"
    );
    after
}

#[test]
fn wrapping_keeps_a_comment_inside_the_command() {
    let text = "FROM python:3.12-slim\nEXPOSE 8000\nCMD /app \\\n    # keep me\n    --flag\n";
    let after = wrap(text, "CMD");
    assert!(
        after.ends_with("CMD [\"healthcheck\", \"--export-prom\", \":9091\", \"--\", \"/bin/sh\", \"-c\", \"/app \\\n    # keep me\n    --flag\"]\n"),
        "{after}"
    );
}

#[test]
fn wrapping_keeps_quotes_backslashes_blank_lines_and_crlf() {
    for text in [
        "FROM python:3.12-slim\nEXPOSE 8000\nCMD echo \"a  b\" 'c\\d' \\\\ \\\n\n  # note\n\t--x=\"$HOME\"   \n",
        "FROM python:3.12-slim\r\nEXPOSE 8000\r\nCMD /app \\\r\n  # keep me\r\n  --flag\r\n",
        "# escape=`\nFROM python:3.12-slim\nEXPOSE 8000\nCMD C:\\app\\run.exe `\n  # keep me\n  --flag \"q\"\n",
        "FROM python:3.12-slim\nEXPOSE 8000\nCMD \\\n  # only the next line is the command\n  /app --flag",
    ] {
        let after = wrap(text, "CMD");
        for comment in text.lines().filter(|l| l.trim_start().starts_with("# ")) {
            assert!(after.lines().any(|l| l == comment), "lost {comment:?}: {after}");
        }
    }
}

#[test]
fn wrapping_an_entrypoint_keeps_its_comment() {
    let text = "FROM python:3.12-slim\nEXPOSE 8000\nENTRYPOINT exec python \\\n  # the module\n  -m app\nCMD [\"--workers\", \"2\"]\n";
    let after = wrap(text, "ENTRYPOINT");
    assert!(
        after.contains("\n  # the module\n  -m app\"]\nCMD [\"--workers\", \"2\"]\n"),
        "{after}"
    );
}

#[test]
fn wrapping_uses_the_shell_the_dockerfile_sets() {
    // With SHELL, a shell-form command runs in that shell, not /bin/sh.
    let text = "FROM python:3.12-slim\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nEXPOSE 8000\nCMD /app | tee /tmp/log\n";
    let after = wrap(text, "CMD");
    assert!(
        after.ends_with("CMD [\"healthcheck\", \"--export-prom\", \":9091\", \"--\", \"/bin/bash\", \"-o\", \"pipefail\", \"-c\", \"/app | tee /tmp/log\"]\n"),
        "{after}"
    );
    // The SHELL of the stage it builds on counts too; a later SHELL does not.
    let text = "FROM python:3.12-slim AS base\nSHELL [\"/bin/bash\", \"-c\"]\nFROM base\nEXPOSE 8000\nCMD /app\nSHELL [\"/bin/zsh\", \"-c\"]\n";
    let after = wrap(text, "CMD");
    assert!(
        after.contains("\"/bin/bash\", \"-c\", \"/app\"]"),
        "{after}"
    );
}
