//! Every trap a shell script that tried this job fell into, as a test of the
//! engine on an inline Dockerfile.

mod common;

use std::path::Path;
use std::sync::Arc;

use seaworthy::engine;
use seaworthy::plan::Status;
use seaworthy::settings::policy::{Overrides, Policy};
use seaworthy::settings::Config;
use seaworthy::source::Source;

use common::{ROUTE_CONFIG, STAGE_CONFIG};

fn fix_with(config: &str, text: &str) -> (String, Vec<(String, Status)>) {
    let config = Config::parse(Path::new("seaworthy.toml"), config).unwrap();
    let policy = Policy::new(Arc::new(config), Overrides::default());
    let outcome = engine::dockerfile::fix(
        &Source::new("Dockerfile", text.as_bytes().to_vec()),
        &policy,
    )
    .unwrap();
    let findings = outcome
        .findings
        .iter()
        .map(|f| (f.code().to_string(), f.status))
        .collect();
    (String::from_utf8(outcome.after).unwrap(), findings)
}

fn fixed(findings: &[(String, Status)], rule: &str) -> bool {
    findings
        .iter()
        .any(|(r, s)| r == rule && *s == Status::Fixed)
}

#[test]
fn bracketed_exec_form_is_really_rewritten() {
    let (after, findings) = fix_with(
        STAGE_CONFIG,
        "FROM python:3.12-slim\nEXPOSE 8000\nCMD [\"uvicorn\",\"app:app\"]\n",
    );
    assert!(
        after.contains(
            "CMD [\"healthcheck\",\"--export-prom\",\":9091\",\"--\",\"uvicorn\",\"app:app\"]"
        ),
        "{after}"
    );
    assert!(fixed(&findings, "SW103"));
}

#[test]
fn entrypoint_is_wrapped_and_cmd_left_as_its_arguments() {
    let (after, _) = fix_with(
        STAGE_CONFIG,
        "FROM python:3.12-slim\nEXPOSE 8000\nENTRYPOINT [\"python\", \"-m\", \"app\"]\nCMD [\"--workers\", \"2\"]\n",
    );
    assert!(after.contains("ENTRYPOINT [\"healthcheck\", \"--export-prom\", \":9091\", \"--\", \"python\", \"-m\", \"app\"]"), "{after}");
    assert!(after.contains("\nCMD [\"--workers\", \"2\"]\n"), "{after}");
}

#[test]
fn a_healthcheck_running_the_probe_is_not_a_wrapped_command() {
    let text = "FROM alfred/healthcheck:0.4.0 AS healthcheck\nFROM python:3.12-slim\nCOPY --from=healthcheck /usr/local/bin/healthcheck /usr/local/bin/healthcheck\nEXPOSE 8000 9091\nHEALTHCHECK CMD [\"healthcheck\", \"--http\", \"http://127.0.0.1:8000/\"]\nCMD [\"uvicorn\", \"app:app\"]\n";
    let (after, findings) = fix_with(STAGE_CONFIG, text);
    assert!(fixed(&findings, "SW103"), "{findings:?}");
    assert!(after.contains(
        "CMD [\"healthcheck\", \"--export-prom\", \":9091\", \"--\", \"uvicorn\", \"app:app\"]"
    ));
    assert!(
        after.contains("HEALTHCHECK CMD [\"healthcheck\", \"--http\""),
        "the probe is untouched"
    );
}

#[test]
fn a_command_that_already_exports_metrics_is_not_wrapped_twice() {
    let text = "FROM python:3.12-slim\nEXPOSE 8000 9091\nCMD [\"bash\",\"-c\",\"healthcheck serve --export-prom :9091 & exec uvicorn app:app --port 8000\"]\n";
    let (after, findings) = fix_with(STAGE_CONFIG, text);
    assert!(!fixed(&findings, "SW103"));
    assert_eq!(after.matches("--export-prom").count(), 1, "{after}");
}

#[test]
fn a_longer_port_number_does_not_expose_the_metrics_port() {
    for expose in [
        "EXPOSE 8000 19091",
        "EXPOSE 8000 90910",
        "EXPOSE 8000 9091/udp 19091/tcp",
    ] {
        let text = format!(
            "FROM python:3.12-slim\nENV PORT=8000\n{expose}\nCMD [\"python\", \"-m\", \"app\"]\n"
        );
        let (after, findings) = fix_with(STAGE_CONFIG, &text);
        assert_eq!(
            after.matches("EXPOSE 9091\n").count(),
            1,
            "{expose}: {after}"
        );
        assert!(fixed(&findings, "SW104"), "{expose}");
    }
}

#[test]
fn inline_comments_are_never_added_to_instructions() {
    let (after, _) = fix_with(
        STAGE_CONFIG,
        "FROM node:20-alpine\nENV PORT=3000\nCMD [\"node\", \"s.js\"]\n",
    );
    for line in after.lines().filter(|l| !l.starts_with('#')) {
        assert!(!line.contains(" #"), "inline comment in {line:?}");
    }
}

#[test]
fn healthcheck_none_and_ignore_comments_are_respected() {
    let (after, findings) = fix_with("", "FROM python:3.12-slim\nEXPOSE 8000\nHEALTHCHECK NONE\n");
    assert!(findings.is_empty() && !after.contains("CMD"));
    let text = "FROM python:3.12-slim\n# seaworthy: ignore[SW101]\nEXPOSE 8000\n";
    let (after, findings) = fix_with("", text);
    assert_eq!(after, text);
    assert!(findings.is_empty());
    let text = "# seaworthy: ignore\nFROM python:3.12-slim\nEXPOSE 8000\n";
    assert_eq!(fix_with("", text).0, text);
}

#[test]
fn inherited_healthcheck_counts() {
    let text =
        "FROM python:3.12 AS base\nEXPOSE 8000\nHEALTHCHECK CMD true\nFROM base\nCMD [\"app\"]\n";
    assert_eq!(fix_with("", text).0, text);
}

#[test]
fn declared_route_makes_the_probe_strict_and_quoting_safe() {
    let (after, _) = fix_with(
        "[health]\npath = \"/healthz\"\n",
        "FROM debian:12\nRUN apt-get install -y curl\nEXPOSE 8080\n",
    );
    assert!(
        after.contains(r#"CMD ["/bin/sh", "-c", "curl -fsS --max-time 4 -o /dev/null 'http://127.0.0.1:8080/healthz' || exit 1"]"#),
        "{after}"
    );
    // A route that would break out of the probe's quoting is refused where
    // it is written, with its position, before any rule sees it.
    let refused = Config::parse(
        Path::new("seaworthy.toml"),
        "[health]\npath = \"/x'; touch /tmp/p; '\"\n",
    )
    .unwrap_err();
    assert_eq!((refused.line, refused.col), (2, 8));
    assert!(refused.message.contains("holds `'`"), "{}", refused.message);
}

#[test]
fn dangling_health_stage_reference_gets_a_stage() {
    let text = "FROM debian:12\nCOPY --from=healthcheck /bin/httpcheck /bin/httpcheck\nHEALTHCHECK CMD [\"/bin/httpcheck\", \"http://127.0.0.1:80/\"]\n";
    let (after, findings) = fix_with("", text);
    assert!(
        after.starts_with(
            "FROM ghcr.io/tarampampam/microcheck:1 AS healthcheck\n\nFROM debian:12\n"
        ),
        "{after}"
    );
    assert!(fixed(&findings, "SW102"));
}

#[test]
fn wrong_stage_path_is_corrected() {
    let text = "FROM alfred/healthcheck:0.4.0 AS healthcheck\nFROM debian:12\nCOPY --from=healthcheck /healthcheck /usr/local/bin/healthcheck\nEXPOSE 80\nHEALTHCHECK CMD [\"/usr/local/bin/healthcheck\", \"--http\", \"http://127.0.0.1:80/\"]\nCMD [\"healthcheck\", \"--export-prom\", \":9091\", \"--\", \"nginx\"]\n";
    let (after, findings) = fix_with(STAGE_CONFIG, text);
    assert!(fixed(&findings, "SW106"));
    assert!(after.contains(
        "COPY --from=healthcheck /usr/local/bin/healthcheck /usr/local/bin/healthcheck\n"
    ));
}

#[test]
fn inherited_start_command_is_a_warning_not_a_rewrite() {
    let text = "FROM python:3.12 AS base\nCMD [\"app\"]\nFROM base\nEXPOSE 8000\n";
    let (after, findings) = fix_with(STAGE_CONFIG, text);
    assert!(
        findings
            .iter()
            .any(|(r, s)| r == "SW103" && *s == Status::Warning),
        "{findings:?}"
    );
    assert!(after.contains("CMD [\"app\"]\n"));
}

#[test]
fn two_rules_declaring_the_health_stage_declare_it_once() {
    let text = "FROM gcr.io/distroless/static\nCOPY --from=healthcheck /bin/httpcheck /bin/httpcheck\nEXPOSE 8080\nCMD [\"/app\"]\n";
    let (after, findings) = fix_with(ROUTE_CONFIG, text);
    assert_eq!(after.matches("AS healthcheck").count(), 1, "{after}");
    assert!(fixed(&findings, "SW101"), "{findings:?}");
}
