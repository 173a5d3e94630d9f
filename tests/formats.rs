//! `check`'s machine formats through the real binary: json (against
//! docs/schema/check-output.json), github (annotations on the right lines,
//! the 10-per-level cap, the step summary), sarif (against the SARIF 2.1.0
//! schema in tests/, and its fixes applied reproduce `fix` byte for byte
//! over the corpus), and the flags `--output-file`, `--statistics`,
//! `--exit-zero`, `--fail-on`, `--strict`, `-` with `--stdin-filename`.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use tempfile::TempDir;

const PYTHON_SLIM: &[u8] = include_bytes!("../fixtures/dockerfile/python-slim/Dockerfile");
const FORMATS: [&str; 4] = ["text", "json", "github", "sarif"];

fn seaworthy(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("seaworthy"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(Stdio::null());
    cmd
}

fn run(dir: &Path, args: &[&str]) -> Output {
    seaworthy(dir, args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", text(&output.stdout), text(&output.stderr)))
}

fn validator(path: &Path) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{doc:#}");
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_type().unwrap().is_file() {
            fs::copy(entry.path(), &target).unwrap();
            let mut permissions = fs::metadata(&target).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            permissions.set_readonly(false);
            fs::set_permissions(&target, permissions).unwrap();
        }
    }
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                walk(root, &entry.path(), out);
            } else {
                let rel = entry.path().strip_prefix(root).unwrap().to_path_buf();
                out.insert(rel, fs::read(entry.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A repository with drift: the python-slim Dockerfile (no HEALTHCHECK)
/// and a Compose file whose service lacks what production needs.
fn drifted() -> TempDir {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("Dockerfile"), PYTHON_SLIM).unwrap();
    fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  cache:\n    image: redis:7\n",
    )
    .unwrap();
    dir
}

/// The line of the first `FROM` of the final stage in PYTHON_SLIM: where
/// SW101 points.
fn final_from_line() -> usize {
    let text = std::str::from_utf8(PYTHON_SLIM).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.to_ascii_uppercase().starts_with("FROM "))
        .map(|(i, _)| i + 1)
        .last()
        .unwrap()
}

#[test]
fn drift_fails_every_format_on_the_right_lines_and_passes_after_fix() {
    let dir = drifted();
    let line = final_from_line();
    for format in FORMATS {
        let out = run(dir.path(), &["check", "--format", format]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{format}: {}",
            text(&out.stderr)
        );
        let stdout = text(&out.stdout);
        match format {
            "text" => {
                assert!(stdout.contains("+++ b/Dockerfile"), "{stdout}");
                assert!(
                    text(&out.stderr).contains(&format!("Dockerfile:{line}:1: SW101")),
                    "{}",
                    text(&out.stderr)
                );
            }
            "json" => {
                let doc = json(&out);
                let sw101 = doc["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|f| f["rule"] == "SW101")
                    .unwrap();
                assert_eq!(sw101["path"], "Dockerfile");
                assert_eq!(sw101["start"]["line"], line);
                assert!(doc["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f["path"] == "compose.yaml"));
            }
            "github" => {
                assert!(
                    stdout.contains(&format!("::error file=Dockerfile,line={line},col=1,")),
                    "{stdout}"
                );
                assert!(stdout.contains("title=SW101::"), "{stdout}");
                assert!(
                    stdout.contains("::error file=compose.yaml,line=2,"),
                    "{stdout}"
                );
            }
            "sarif" => {
                let doc = json(&out);
                let results = doc["runs"][0]["results"].as_array().unwrap();
                let sw101 = results.iter().find(|r| r["ruleId"] == "SW101").unwrap();
                let location = &sw101["locations"][0]["physicalLocation"];
                assert_eq!(location["artifactLocation"]["uri"], "Dockerfile");
                assert_eq!(location["region"]["startLine"], line);
            }
            _ => unreachable!(),
        }
    }
    let fixed = run(dir.path(), &["fix", "--yes"]);
    assert_eq!(fixed.status.code(), Some(0), "{}", text(&fixed.stderr));
    for format in FORMATS {
        let out = run(dir.path(), &["check", "--format", format]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{format} after fix: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        if format == "github" {
            assert!(
                !text(&out.stdout).contains("::error"),
                "{}",
                text(&out.stdout)
            );
        }
    }
}

#[test]
fn json_matches_its_schema_and_says_everything() {
    let dir = drifted();
    let out = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_valid(
        &validator(&common::root().join("docs/schema/check-output.json")),
        &doc,
    );
    assert_eq!(doc["version"], 1);
    let sw101 = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "SW101")
        .unwrap();
    assert_eq!(sw101["name"], "dockerfile-healthcheck");
    assert_eq!(sw101["severity"], "error");
    assert_eq!(sw101["fixable"], true);
    assert_eq!(sw101["applicability"], "safe");
    let edit = &sw101["fix"]["edits"][0];
    assert!(edit["content"].as_str().unwrap().starts_with("HEALTHCHECK"));
    let diffs = doc["diffs"].as_array().unwrap();
    assert!(diffs.iter().any(|d| d["path"] == "Dockerfile"
        && d["diff"]
            .as_str()
            .unwrap()
            .starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n")));
    // Nothing but the document on stdout.
    assert!(!text(&out.stdout).contains("file checked"));
}

#[test]
fn json_reports_bad_input_with_exit_2() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("compose.yaml"), "services: [\n").unwrap();
    let out = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let doc = json(&out);
    assert_valid(
        &validator(&common::root().join("docs/schema/check-output.json")),
        &doc,
    );
    assert_eq!(doc["errors"][0]["path"], "compose.yaml");
}

#[test]
fn a_missing_path_has_no_position_in_any_format() {
    let dir = TempDir::new().unwrap();
    let out = run(dir.path(), &["check", "--format", "json", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    let doc = json(&out);
    assert_valid(
        &validator(&common::root().join("docs/schema/check-output.json")),
        &doc,
    );
    assert!(doc["errors"][0]["line"].is_null(), "{doc}");
    let out = run(dir.path(), &["check", "--format", "sarif", "nope"]);
    let doc = json(&out);
    assert_valid(
        &validator(&common::root().join("tests/sarif-schema-2.1.0.json")),
        &doc,
    );
    let notification = &doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert!(notification["locations"][0]["physicalLocation"]["region"].is_null());
    let out = run(dir.path(), &["check", "--format", "github", "nope"]);
    assert_eq!(
        text(&out.stdout).trim(),
        "::error file=nope,title=seaworthy::no such file or folder"
    );
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let schema = validator(&common::root().join("tests/sarif-schema-2.1.0.json"));
    let dir = drifted();
    let out = run(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_valid(&schema, &doc);
    let run0 = &doc["runs"][0];
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(run0["columnKind"], "utf16CodeUnits");
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), seaworthy::rules::all().len());
    for (rule, meta) in rules.iter().zip(seaworthy::rules::all()) {
        assert_eq!(rule["id"], meta.code);
        assert_eq!(rule["name"], meta.name);
        assert_eq!(rule["shortDescription"]["text"], meta.summary);
        assert!(rule["fullDescription"]["text"].is_string());
        assert_eq!(rule["help"]["text"], meta.doc);
        assert_eq!(rule["defaultConfiguration"]["level"], meta.severity.name());
    }
    for result in run0["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    // Clean and bad runs validate too.
    let clean = TempDir::new().unwrap();
    let out = run(clean.path(), &["check", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(0));
    assert_valid(&schema, &json(&out));
    fs::write(clean.path().join("compose.yaml"), "services: [\n").unwrap();
    let out = run(clean.path(), &["check", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(2));
    assert_valid(&schema, &json(&out));
}

fn percent_decode(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&uri[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Applies every fix of every result of a SARIF log to the files under
/// `dir` (URIs relative to it): replacements of one file, from last to
/// first, by byte offset and length in the original bytes.
fn apply_sarif_fixes(dir: &Path, doc: &Value) -> usize {
    let mut by_file: BTreeMap<PathBuf, Vec<(usize, usize, Vec<u8>)>> = BTreeMap::new();
    for result in doc["runs"][0]["results"].as_array().unwrap() {
        for fix in result["fixes"].as_array().into_iter().flatten() {
            for change in fix["artifactChanges"].as_array().unwrap() {
                let uri = change["artifactLocation"]["uri"].as_str().unwrap();
                assert!(!uri.contains(':'), "relative URI: {uri}");
                let path = dir.join(percent_decode(uri));
                for r in change["replacements"].as_array().unwrap() {
                    let region = &r["deletedRegion"];
                    let text = r["insertedContent"]["text"].as_str().unwrap();
                    by_file.entry(path.clone()).or_default().push((
                        region["byteOffset"].as_u64().unwrap() as usize,
                        region["byteLength"].as_u64().unwrap() as usize,
                        text.as_bytes().to_vec(),
                    ));
                }
            }
        }
    }
    let files = by_file.len();
    for (path, mut replacements) in by_file {
        replacements.sort_by_key(|r| (r.0, r.1));
        for pair in replacements.windows(2) {
            assert!(
                pair[0].0 + pair[0].1 <= pair[1].0,
                "{path:?}: overlapping replacements"
            );
        }
        let mut bytes = fs::read(&path).unwrap_or_default();
        for (start, len, text) in replacements.into_iter().rev() {
            bytes.splice(start..start + len, text);
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, bytes).unwrap();
    }
    files
}

fn assert_sarif_fixes_reproduce_fix(source: &Path) -> usize {
    let by_sarif = TempDir::new().unwrap();
    let by_fix = TempDir::new().unwrap();
    copy_dir(source, by_sarif.path());
    copy_dir(source, by_fix.path());
    let out = run(by_sarif.path(), &["check", "--format", "sarif"]);
    assert_ne!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let doc = json(&out);
    assert_valid(
        &validator(&common::root().join("tests/sarif-schema-2.1.0.json")),
        &doc,
    );
    let files = apply_sarif_fixes(by_sarif.path(), &doc);
    let fixed = run(by_fix.path(), &["fix", "--yes"]);
    assert_ne!(fixed.status.code(), Some(2), "{}", text(&fixed.stderr));
    let (a, b) = (snapshot(by_sarif.path()), snapshot(by_fix.path()));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(
            bytes == &b[path],
            "{path:?}: SARIF fixes differ from `fix`\n--- sarif\n{}\n--- fix\n{}",
            text(bytes),
            text(&b[path])
        );
    }
    files
}

#[test]
fn sarif_fixes_reproduce_fix_byte_for_byte_on_the_corpus() {
    let corpus = common::root().join("../shared/corpus");
    if !corpus.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must see ../shared/corpus"
        );
        return;
    }
    let files = assert_sarif_fixes_reproduce_fix(&corpus);
    assert!(files >= 30, "only {files} files had fixes");
}

#[test]
fn sarif_fixes_reproduce_fix_byte_for_byte_on_the_fixtures() {
    let files = assert_sarif_fixes_reproduce_fix(&common::root().join("fixtures"));
    assert!(files > 0);
}

#[test]
fn github_annotations_stop_at_ten_per_level_with_a_notice() {
    let dir = TempDir::new().unwrap();
    for i in 0..13 {
        let sub = dir.path().join(format!("app{i:02}"));
        fs::create_dir(&sub).unwrap();
        fs::write(sub.join("Dockerfile"), PYTHON_SLIM).unwrap();
    }
    let out = run(dir.path(), &["check", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let errors = stdout.lines().filter(|l| l.starts_with("::error ")).count();
    assert_eq!(errors, 10, "{stdout}");
    let notice: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("::notice"))
        .collect();
    assert_eq!(notice.len(), 1, "{stdout}");
    assert!(
        notice[0].contains("3 more errors and 0 more warnings"),
        "{}",
        notice[0]
    );
    assert!(notice[0].contains("seaworthy check"), "{}", notice[0]);
    assert!(
        stdout.ends_with(&format!("{}\n", notice[0])),
        "the notice comes last"
    );

    // Ten or fewer: no notice.
    let few = drifted();
    let out = run(few.path(), &["check", "--format", "github"]);
    assert!(
        !text(&out.stdout).contains("::notice"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn github_writes_a_markdown_step_summary_when_asked() {
    let dir = drifted();
    let summary = dir.path().join("summary.md");
    fs::write(&summary, "earlier step\n").unwrap();
    let out = seaworthy(dir.path(), &["check", "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let md = fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("earlier step\n## seaworthy check"), "{md}");
    assert!(
        md.contains("| SW101 | dockerfile-healthcheck | 1 | 1 |"),
        "{md}"
    );
    assert!(md.contains("seaworthy fix --yes"), "{md}");
}

#[test]
fn github_escapes_what_workflow_commands_need() {
    let dir = TempDir::new().unwrap();
    let sub = dir.path().join("a,b:c");
    fs::create_dir(&sub).unwrap();
    fs::write(sub.join("Dockerfile"), PYTHON_SLIM).unwrap();
    let out = run(dir.path(), &["check", "--format", "github"]);
    assert!(
        text(&out.stdout).contains("::error file=a%2Cb%3Ac/Dockerfile,"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn output_file_holds_the_report_and_stdout_nothing() {
    let dir = drifted();
    for format in FORMATS {
        let file = dir.path().join(format!("report.{format}"));
        let out = run(
            dir.path(),
            &[
                "check",
                "--format",
                format,
                "--output-file",
                file.to_str().unwrap(),
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(out.stdout.is_empty(), "{format}: {}", text(&out.stdout));
        let written = fs::read_to_string(&file).unwrap();
        let direct = run(dir.path(), &["check", "--format", format]);
        assert_eq!(written, text(&direct.stdout), "{format}");
        fs::remove_file(&file).unwrap();
    }
    let out = run(
        dir.path(),
        &[
            "check",
            "--output-file",
            "no/such/folder/report.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot write"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn statistics_count_findings_per_rule() {
    let dir = TempDir::new().unwrap();
    for i in 0..3 {
        let sub = dir.path().join(format!("app{i}"));
        fs::create_dir(&sub).unwrap();
        fs::write(sub.join("Dockerfile"), PYTHON_SLIM).unwrap();
    }
    let out = run(dir.path(), &["check", "--statistics"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "    3\tSW101\t[*] dockerfile-healthcheck\n"
    );
    let doc = json(&run(dir.path(), &["check", "--format", "json"]));
    assert_eq!(doc["statistics"][0]["count"], 3);
    assert_eq!(doc["statistics"][0]["rule"], "SW101");
}

#[test]
fn exit_zero_and_fail_on() {
    let dir = drifted();
    let out = run(dir.path(), &["check", "--exit-zero"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("+++ b/Dockerfile"));
    // Bad input still exits 2.
    fs::write(dir.path().join("docker-compose.yml"), "services: [\n").unwrap();
    let out = run(dir.path(), &["check", "--exit-zero"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));

    // A worker without a port: a warning, no drift.
    let platform = TempDir::new().unwrap();
    copy_dir(
        &common::root().join("fixtures/dockerfile/platform"),
        platform.path(),
    );
    let code = |args: &[&str]| run(platform.path(), args).status.code();
    assert_eq!(code(&["check", "worker"]), Some(0));
    assert_eq!(code(&["check", "--fail-on", "error", "worker"]), Some(0));
    assert_eq!(code(&["check", "--fail-on", "warning", "worker"]), Some(1));
    assert_eq!(code(&["check", "--strict", "worker"]), Some(1));
    assert_eq!(
        code(&["check", "--fail-on", "warning", "--exit-zero", "worker"]),
        Some(0)
    );
    assert_eq!(
        code(&["check", "--strict", "--fail-on", "error", "worker"]),
        Some(2)
    );
    let out = run(platform.path(), &["check", "--format", "github", "worker"]);
    assert!(
        text(&out.stdout).contains("::warning file=worker/Dockerfile,"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn stdin_is_checked_as_the_file_it_is_named() {
    let dir = TempDir::new().unwrap();
    let mut child = seaworthy(
        dir.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "api/Dockerfile",
            "--format",
            "json",
        ],
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(PYTHON_SLIM).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let doc = json(&out);
    assert_eq!(doc["findings"][0]["path"], "api/Dockerfile");
    assert_eq!(doc["findings"][0]["rule"], "SW101");
    assert!(doc["diffs"][0]["diff"]
        .as_str()
        .unwrap()
        .starts_with("--- a/api/Dockerfile\n"));
    assert!(!dir.path().join("api").exists(), "check writes nothing");

    // The kind comes from the name: a name seaworthy does not know is refused.
    let out = seaworthy(
        dir.path(),
        &["check", "-", "--stdin-filename", "Dockerfile.bak"],
    )
    .stdin(Stdio::piped())
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("not a file seaworthy knows"),
        "{}",
        text(&out.stderr)
    );

    // `-` needs a name.
    let out = run(dir.path(), &["check", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--stdin-filename"),
        "{}",
        text(&out.stderr)
    );
}
