//! End-to-end tests of the `seaworthy` binary: exit codes, the diff on
//! stdout, findings and errors on stderr, and what is (never) written.
//!
//! Every test copies the fixture it needs into a fresh temporary folder and
//! runs the binary there, so `fixtures/` is never modified and diff paths are
//! relative to that folder.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

// ---------------------------------------------------------------- helpers

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/dockerfile")
}

/// Every fixture folder directly under `fixtures/dockerfile`, sorted.
fn fixture_folders() -> Vec<PathBuf> {
    let mut folders: Vec<_> = fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    assert!(!folders.is_empty(), "no fixture folders found");
    folders
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A fresh temporary folder holding a copy of `fixtures/dockerfile/NAME`.
fn fixture_copy(name: &str) -> TempDir {
    let dir = TempDir::new().unwrap();
    copy_dir(&fixtures().join(name), dir.path());
    dir
}

/// A fresh temporary folder holding `files` (relative path → bytes).
fn dir_with(files: &[(&str, &[u8])]) -> TempDir {
    let dir = TempDir::new().unwrap();
    for (path, bytes) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    dir
}

/// Every file below `dir` (relative path → bytes), skipping `.git`.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name() == ".git" {
                continue;
            }
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(root, &path, out);
            } else {
                let bytes = fs::read(&path).unwrap();
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// `seaworthy ARGS...` run in `dir`, colour off.
fn seaworthy(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("seaworthy").unwrap();
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn no_panic() -> impl Predicate<str> {
    predicate::str::contains("panicked").not()
}

fn git_available() -> bool {
    std::process::Command::new("git")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// `git ARGS...` in `dir`; panics with git's stderr on failure.
fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args(["-c", "core.autocrlf=false", "-c", "core.safecrlf=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?} failed in {}:\n{}",
        dir.display(),
        text(&out.stderr)
    );
}

const PYTHON_SLIM: &[u8] = include_bytes!("../fixtures/dockerfile/python-slim/Dockerfile");

// ------------------------------------------------------------------ check

#[test]
fn check_reports_drift_with_a_diff_relative_to_the_current_folder() {
    let dir = fixture_copy("python-slim");
    let out = seaworthy(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Dockerfile:3:1: SW101"))
        .stderr(no_panic())
        .get_output()
        .clone();
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n"),
        "{stdout}"
    );
    assert!(stdout.contains("\n+HEALTHCHECK "), "{stdout}");
    // check never writes
    assert_eq!(
        fs::read(dir.path().join("Dockerfile")).unwrap(),
        PYTHON_SLIM
    );
}

#[test]
fn check_with_explicit_paths_names_them_relative_to_the_current_folder() {
    let dir = TempDir::new().unwrap();
    copy_dir(&fixtures().join("python-slim"), &dir.path().join("svc"));
    let out = seaworthy(dir.path())
        .args(["check", "svc"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("svc/Dockerfile:3:1: SW101"))
        .get_output()
        .clone();
    assert!(text(&out.stdout).starts_with("--- a/svc/Dockerfile\n+++ b/svc/Dockerfile\n"));
}

#[test]
fn check_is_quiet_and_exits_0_when_a_healthcheck_is_there() {
    for name in ["healthcheck-none", "existing-healthcheck"] {
        let dir = fixture_copy(name);
        let before = snapshot(dir.path());
        seaworthy(dir.path())
            .arg("check")
            .assert()
            .code(0)
            .stdout(predicate::str::is_empty())
            .stderr(no_panic());
        assert_eq!(snapshot(dir.path()), before, "{name}");
    }
}

// -------------------------------------------------------------- git apply

/// `seaworthy check > p && git apply p` gives the same bytes as `fix --yes`.
fn check_patch_applies_like_fix(name: &str) {
    let patched = fixture_copy(name);
    let fixed = fixture_copy(name);
    git(patched.path(), &["init", "-q"]);

    let out = seaworthy(patched.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{name}: {}", text(&out.stderr));
    assert!(!out.stdout.is_empty(), "{name}: check printed no diff");
    // outside the work tree, so the patch itself is not part of the comparison
    let patch_dir = TempDir::new().unwrap();
    let patch = patch_dir.path().join("fix.patch");
    fs::write(&patch, &out.stdout).unwrap();
    let patch = patch.to_str().unwrap();
    git(patched.path(), &["apply", "--check", patch]);
    git(patched.path(), &["apply", patch]);

    seaworthy(fixed.path())
        .args(["fix", "--yes"])
        .assert()
        .code(0)
        .stderr(no_panic());

    assert_eq!(
        snapshot(patched.path()),
        snapshot(fixed.path()),
        "{name}: git apply of check's diff differs from fix --yes"
    );
    seaworthy(patched.path())
        .arg("check")
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty());
}

#[test]
fn check_output_is_a_patch_git_applies_python_slim() {
    if !git_available() {
        eprintln!("note: git not found; skipping the git apply test");
        return;
    }
    check_patch_applies_like_fix("python-slim");
}

#[test]
fn check_output_is_a_patch_git_applies_every_fixture_with_drift() {
    if !git_available() {
        eprintln!("note: git not found; skipping the git apply test");
        return;
    }
    for folder in fixture_folders() {
        let name = folder.file_name().unwrap().to_str().unwrap().to_owned();
        let probe = fixture_copy(&name);
        let code = seaworthy(probe.path())
            .arg("check")
            .output()
            .unwrap()
            .status
            .code();
        match code {
            Some(1) => check_patch_applies_like_fix(&name),
            Some(0) => {}
            other => panic!("{name}: check exited {other:?}"),
        }
    }
}

// -------------------------------------------------------------------- fix

#[test]
fn fix_yes_is_idempotent_on_every_fixture() {
    for folder in fixture_folders() {
        let name = folder.file_name().unwrap().to_str().unwrap().to_owned();
        let dir = fixture_copy(&name);
        let original = snapshot(dir.path());
        let drift = seaworthy(dir.path())
            .arg("check")
            .output()
            .unwrap()
            .status
            .code();
        assert!(
            matches!(drift, Some(0 | 1)),
            "{name}: check exited {drift:?}"
        );

        seaworthy(dir.path())
            .args(["fix", "--yes"])
            .write_stdin("")
            .assert()
            .code(0)
            .stderr(no_panic());
        let first = snapshot(dir.path());
        assert_eq!(
            first.keys().collect::<Vec<_>>(),
            original.keys().collect::<Vec<_>>(),
            "{name}: fix created or removed files"
        );
        if drift == Some(1) {
            assert_ne!(
                first, original,
                "{name}: check said drift but fix wrote nothing"
            );
        } else {
            assert_eq!(first, original, "{name}: check said clean but fix wrote");
        }

        seaworthy(dir.path())
            .args(["fix", "--yes"])
            .write_stdin("")
            .assert()
            .code(0)
            .stdout(predicate::str::is_empty())
            .stderr(no_panic());
        assert_eq!(
            snapshot(dir.path()),
            first,
            "{name}: second fix changed bytes"
        );

        seaworthy(dir.path())
            .arg("check")
            .assert()
            .code(0)
            .stdout(predicate::str::is_empty());
    }
}

#[test]
fn fix_dry_run_never_writes() {
    for folder in fixture_folders() {
        let name = folder.file_name().unwrap().to_str().unwrap().to_owned();
        let dir = fixture_copy(&name);
        let before = snapshot(dir.path());
        seaworthy(dir.path())
            .args(["fix", "--dry-run"])
            .write_stdin("")
            .assert()
            .code(0)
            .stderr(no_panic());
        assert_eq!(snapshot(dir.path()), before, "{name}");
    }
    // and the diff is still shown
    let dir = fixture_copy("python-slim");
    seaworthy(dir.path())
        .args(["fix", "--dry-run"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("--- a/Dockerfile\n"));
    assert_eq!(
        fs::read(dir.path().join("Dockerfile")).unwrap(),
        PYTHON_SLIM
    );
}

#[test]
fn fix_without_yes_on_a_pipe_writes_nothing_and_exits_2() {
    let dir = fixture_copy("python-slim");
    seaworthy(dir.path())
        .arg("fix")
        .write_stdin("")
        .assert()
        .code(2)
        .stdout(predicate::str::starts_with("--- a/Dockerfile\n"))
        .stderr(predicate::str::contains("--yes"))
        .stderr(no_panic());
    assert_eq!(
        fs::read(dir.path().join("Dockerfile")).unwrap(),
        PYTHON_SLIM
    );
    assert_eq!(snapshot(dir.path()).len(), 1);
}

#[test]
fn yes_and_dry_run_conflict() {
    let dir = fixture_copy("python-slim");
    seaworthy(dir.path())
        .args(["fix", "--yes", "--dry-run"])
        .assert()
        .code(2);
    assert_eq!(
        fs::read(dir.path().join("Dockerfile")).unwrap(),
        PYTHON_SLIM
    );
}

// ----------------------------------------------- fix-dockerfile-healthcheck

#[test]
fn single_file_fix_uses_the_default_port_when_there_is_none() {
    let dir = fixture_copy("platform");
    let worker = dir.path().join("worker/Dockerfile");
    let before = fs::read(&worker).unwrap();
    assert!(!text(&before).contains("HEALTHCHECK"));
    seaworthy(dir.path())
        .args(["fix-dockerfile-healthcheck", "worker/Dockerfile", "--yes"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("--- a/worker/Dockerfile\n"))
        .stderr(predicate::str::contains("default 8080"))
        .stderr(no_panic());
    let after = text(&fs::read(&worker).unwrap());
    let healthcheck = after
        .split_once("HEALTHCHECK ")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("no HEALTHCHECK inserted:\n{after}"));
    // the instruction (with its continuation line) probes port 8080
    let instruction: String = healthcheck.lines().take(2).collect();
    assert!(instruction.contains("127.0.0.1:8080"), "{instruction}");
    // only that one file was touched
    let untouched = fixture_copy("platform");
    let (mut a, mut b) = (snapshot(dir.path()), snapshot(untouched.path()));
    a.remove(Path::new("worker/Dockerfile"));
    b.remove(Path::new("worker/Dockerfile"));
    assert_eq!(a, b);
}

#[test]
fn bulk_check_warns_about_a_worker_without_a_port() {
    let dir = fixture_copy("platform");
    let before = snapshot(dir.path());
    seaworthy(dir.path())
        .args(["check", "worker"])
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("worker/Dockerfile:"))
        .stderr(predicate::str::contains("no port to probe"));
    seaworthy(dir.path())
        .args(["check", "--strict", "worker"])
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("no port to probe"));
    // bulk fix warns as well, and inserts no probe
    seaworthy(dir.path())
        .args(["fix", "--yes", "worker"])
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("no port to probe"));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn single_file_fix_touches_only_that_file() {
    let dir = fixture_copy("backup-files");
    let bak = fs::read(dir.path().join("Dockerfile.bak")).unwrap();
    let orig = fs::read(dir.path().join("Dockerfile.orig")).unwrap();
    let not_backups = || {
        predicate::str::contains("Dockerfile.bak")
            .or(predicate::str::contains("Dockerfile.orig"))
            .not()
    };

    seaworthy(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .stdout(not_backups())
        .stderr(not_backups());
    seaworthy(dir.path())
        .args(["fix-dockerfile-healthcheck", "Dockerfile", "--yes"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "--- a/Dockerfile\n+++ b/Dockerfile\n",
        ))
        .stdout(not_backups())
        .stderr(not_backups());
    assert!(text(&fs::read(dir.path().join("Dockerfile")).unwrap()).contains("HEALTHCHECK"));
    assert_eq!(fs::read(dir.path().join("Dockerfile.bak")).unwrap(), bak);
    assert_eq!(fs::read(dir.path().join("Dockerfile.orig")).unwrap(), orig);
    assert_eq!(
        snapshot(dir.path()).len(),
        4,
        "no backup files of its own (Dockerfile, .bak, .orig, seaworthy.toml)"
    );
    seaworthy(dir.path())
        .arg("check")
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty())
        .stderr(not_backups());
}

#[test]
fn port_and_path_flags_go_into_the_probe_url() {
    let dir = fixture_copy("python-slim");
    seaworthy(dir.path())
        .args([
            "fix-dockerfile-healthcheck",
            "Dockerfile",
            "--port",
            "9000",
            "--path",
            "/healthz",
            "--yes",
        ])
        .assert()
        .code(0)
        .stderr(no_panic());
    let after = text(&fs::read(dir.path().join("Dockerfile")).unwrap());
    let lines: Vec<&str> = after.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("HEALTHCHECK "))
        .unwrap_or_else(|| panic!("no HEALTHCHECK inserted:\n{after}"));
    // HEALTHCHECK [options] \ + CMD ... on the continuation line
    let instruction = lines[at..=at + 1].join("\n");
    assert!(
        instruction.contains("127.0.0.1:9000/healthz"),
        "{instruction}"
    );
}

#[test]
fn a_path_that_could_inject_a_command_never_reaches_the_file() {
    for fixture in ["python-slim", "heredoc-curl"] {
        for route in [
            "/x'; touch /tmp/pwned; '",
            "/x\"; touch /tmp/pwned; \"",
            "/$(touch /tmp/pwned)",
            "/`touch /tmp/pwned`",
        ] {
            let dir = fixture_copy(fixture);
            seaworthy(dir.path())
                .args([
                    "fix-dockerfile-healthcheck",
                    "Dockerfile",
                    "--path",
                    route,
                    "--yes",
                ])
                .assert()
                .stderr(no_panic());
            let after = text(&fs::read(dir.path().join("Dockerfile")).unwrap());
            assert!(!after.contains("touch"), "{fixture} {route:?}:\n{after}");
        }
    }
}

#[test]
fn unknown_style_is_rejected() {
    let dir = fixture_copy("python-slim");
    seaworthy(dir.path())
        .args([
            "fix-dockerfile-healthcheck",
            "Dockerfile",
            "--style",
            "bogus",
            "--yes",
        ])
        .assert()
        .code(2);
    assert_eq!(
        fs::read(dir.path().join("Dockerfile")).unwrap(),
        PYTHON_SLIM
    );
}

// -------------------------------------------------------------- bad input

#[test]
fn binary_dockerfile_is_an_error_not_a_panic() {
    let dir = dir_with(&[("Dockerfile", &[0x7f, b'E', b'L', b'F', 0, 0, 1, 2])]);
    seaworthy(dir.path())
        .arg("check")
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("Dockerfile:1:1:"))
        .stderr(no_panic());
    seaworthy(dir.path())
        .args(["fix", "--yes"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Dockerfile:1:1:"))
        .stderr(no_panic());
    assert_eq!(
        fs::read(dir.path().join("Dockerfile")).unwrap(),
        [0x7f, b'E', b'L', b'F', 0, 0, 1, 2]
    );
}

fn assert_bad_dockerfile(content: &str, location: &str) {
    let dir = dir_with(&[("Dockerfile", content.as_bytes())]);
    seaworthy(dir.path())
        .arg("check")
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::is_match(location).unwrap())
        .stderr(no_panic());
    seaworthy(dir.path())
        .args(["fix", "--yes"])
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(location).unwrap())
        .stderr(no_panic());
    seaworthy(dir.path())
        .args(["fix-dockerfile-healthcheck", "Dockerfile", "--yes"])
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(location).unwrap())
        .stderr(no_panic());
    assert_eq!(
        fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        content
    );
}

#[test]
fn from_without_an_image_is_an_error() {
    assert_bad_dockerfile("FROM\n", r"(^|\s)Dockerfile:1:1: ");
}

#[test]
fn unterminated_heredoc_is_an_error_with_a_position() {
    assert_bad_dockerfile(
        "FROM alpine\nRUN <<EOF\necho hi\n",
        r"(^|\s)Dockerfile:\d+:\d+: .*heredoc",
    );
}

#[test]
fn unknown_instruction_is_an_error() {
    assert_bad_dockerfile("FROM alpine\nFROB x\n", r"(^|\s)Dockerfile:2:\d+: .*FROB");
}

#[test]
fn one_bad_file_means_nothing_is_written() {
    let dir = dir_with(&[("a/Dockerfile", PYTHON_SLIM), ("b/Dockerfile", b"FROM\n")]);
    let before = snapshot(dir.path());
    seaworthy(dir.path())
        .args(["fix", "--yes"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("b/Dockerfile:1:1:"))
        .stderr(no_panic());
    assert_eq!(
        fs::read(dir.path().join("a/Dockerfile")).unwrap(),
        PYTHON_SLIM
    );
    assert_eq!(snapshot(dir.path()), before);
    seaworthy(dir.path()).arg("check").assert().code(2);
}

#[test]
fn unknown_config_key_suggests_the_nearest_one() {
    let dir = dir_with(&[
        ("Dockerfile", PYTHON_SLIM),
        ("seaworthy.toml", b"[health]\nprot = 1\n"),
    ]);
    let before = snapshot(dir.path());
    seaworthy(dir.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("seaworthy.toml:2:"))
        .stderr(predicate::str::contains("prot"))
        .stderr(predicate::str::contains("`port`"))
        .stderr(no_panic());
    seaworthy(dir.path())
        .args(["fix", "--yes"])
        .assert()
        .code(2);
    assert_eq!(snapshot(dir.path()), before);
}

#[cfg(unix)]
#[test]
fn read_only_dockerfile_is_an_error_and_stays_unchanged() {
    use std::os::unix::fs::PermissionsExt;
    let dir = fixture_copy("python-slim");
    let file = dir.path().join("Dockerfile");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o444)).unwrap();
    seaworthy(dir.path())
        .args(["fix", "--yes"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Dockerfile"))
        .stderr(no_panic());
    assert_eq!(fs::read(&file).unwrap(), PYTHON_SLIM);
    assert_eq!(
        fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o444
    );
    assert_eq!(snapshot(dir.path()).len(), 1, "no stray files");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
}

// ------------------------------------------------------------------- CRLF

/// Splits after every `\n`, keeping the terminators.
fn lines_with_ends(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|&b| b == b'\n').collect()
}

#[test]
fn crlf_stays_crlf_and_only_lines_are_inserted() {
    let dir = fixture_copy("crlf");
    let file = dir.path().join("Dockerfile");
    let before = fs::read(&file).unwrap();
    seaworthy(dir.path())
        .args(["fix", "--yes"])
        .assert()
        .code(0)
        .stderr(no_panic());
    let after = fs::read(&file).unwrap();
    assert_ne!(after, before, "nothing inserted");
    assert!(after.ends_with(b"\r\n"));
    for (i, line) in lines_with_ends(&after).iter().enumerate() {
        assert!(
            line.ends_with(b"\r\n"),
            "line {} has no CRLF: {:?}",
            i + 1,
            text(line)
        );
        assert!(
            !line[..line.len() - 2].contains(&b'\r'),
            "stray CR in line {}",
            i + 1
        );
    }
    // the old lines, byte for byte and in order, form a subsequence of the new
    let old = lines_with_ends(&before);
    let new = lines_with_ends(&after);
    let mut next = 0;
    for line in &new {
        if next < old.len() && *line == old[next] {
            next += 1;
        }
    }
    assert_eq!(next, old.len(), "an original line was changed or removed");
    assert!(new.len() > old.len());
}

// ------------------------------------------------------------------ rules

#[test]
fn rules_lists_and_explains() {
    let dir = TempDir::new().unwrap();
    seaworthy(dir.path())
        .arg("rules")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("SW101"));
    seaworthy(dir.path())
        .args(["rules", "SW101"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("SW101"))
        .stdout(predicate::str::contains("## What it does"));
    seaworthy(dir.path())
        .args(["rules", "SW999"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("SW999"))
        .stderr(no_panic());
}

#[test]
fn a_bad_flag_exits_2() {
    let dir = TempDir::new().unwrap();
    seaworthy(dir.path())
        .args(["check", "--no-such-flag"])
        .assert()
        .code(2);
}

#[test]
fn the_projects_ignore_files_count_a_users_global_excludes_do_not() {
    let dockerfile: &[u8] = b"FROM nginx:1.27\n";
    let dir = dir_with(&[
        (".gitignore", b"ignored/\n"),
        ("ignored/Dockerfile", dockerfile),
        ("kept/Dockerfile", dockerfile),
        (
            "home/.gitconfig",
            b"[core]\n\texcludesFile = ~/global-ignore\n",
        ),
        ("home/global-ignore", b"kept/\n"),
    ]);
    let home = dir.path().join("home");
    seaworthy(dir.path())
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .args(["-v", "check", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("read kept/Dockerfile"))
        .stderr(predicate::str::contains("ignored/Dockerfile").not());
}

/// Issue 10: a key a service gets through a merge key is not added to the
/// service (that would replace the merged value); the service gets a
/// warning and every other service and file is still fixed (exit 1: drift,
/// not 2: error).
#[test]
fn a_key_from_a_merge_key_is_reported_for_its_service_and_the_rest_fixed() {
    let dir = dir_with(&[
        (
            "app/Dockerfile",
            b"FROM python:3.12-slim\nEXPOSE 8000 9091\nHEALTHCHECK CMD [\"python\", \"-c\", \"1\"]\nCMD [\"healthcheck\", \"--export-prom\", \":9091\", \"--\", \"python\", \"app.py\"]\n",
        ),
        (
            "app/compose.yaml",
            b"x-defaults: &d\n  ports:\n    - \"8000:8000\"\nservices:\n  api:\n    <<: *d\n    build: .\n  db:\n    image: postgres:16\n",
        ),
        ("other/compose.yaml", b"services:\n  cache:\n    image: redis:7\n"),
    ]);
    let before = snapshot(dir.path());
    let out = seaworthy(dir.path())
        .args(["fix", "--yes", "--select", "SW204,SW206"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "SW206 [warning] service `api` publishes no metrics port; not done: `ports` comes from a merge key (`<<`): add it there",
        ))
        .stderr(no_panic())
        .get_output()
        .clone();
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("error"), "{stderr}");
    let app = fs::read_to_string(dir.path().join("app/compose.yaml")).unwrap();
    assert!(app.starts_with("x-defaults: &d\n  ports:\n    - \"8000:8000\"\nservices:\n  api:\n    <<: *d\n    build: .\n    restart: unless-stopped\n"), "{app}");
    assert!(!app.contains("9091:9091"), "{app}");
    let other = fs::read_to_string(dir.path().join("other/compose.yaml")).unwrap();
    assert!(other.contains("restart: unless-stopped"), "{other}");
    assert_ne!(before, snapshot(dir.path()));
}

// ------------------------------------------------------- rough edges

#[test]
fn rules_list_columns_line_up() {
    let dir = TempDir::new().unwrap();
    let out = seaworthy(dir.path()).arg("rules").assert().success();
    let stdout = text(&out.get_output().stdout);
    // The target column starts at the same place on every line, whatever
    // the longest rule name (dockerfile-broken-healthcheck pushed it once).
    let starts: std::collections::BTreeSet<usize> = stdout
        .lines()
        .filter_map(|l| {
            ["Dockerfile", "compose", "app config"]
                .iter()
                .filter_map(|t| l.find(&format!(" {t} ")))
                .min()
        })
        .collect();
    assert_eq!(starts.len(), 1, "{stdout}");
}

#[test]
fn rules_lists_the_rules_a_prefix_selects() {
    let dir = TempDir::new().unwrap();
    let out = seaworthy(dir.path())
        .args(["rules", "SW10"])
        .assert()
        .success();
    let stdout = text(&out.get_output().stdout);
    assert!(stdout.starts_with("SW101"), "{stdout}");
    assert!(stdout.lines().all(|l| l.starts_with("SW10")), "{stdout}");
    assert!(stdout.contains("SW106"), "{stdout}");
    seaworthy(dir.path())
        .args(["rules", "SW9"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no rule `SW9`"));
}

#[test]
fn a_folder_with_nothing_to_check_is_named_and_exits_0() {
    let dir = dir_with(&[("notes/readme.txt", b"hello\n")]);
    seaworthy(dir.path())
        .args(["check", "notes"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "notes: note: no Dockerfile, Compose file or seaworthy.toml here",
        ));
}

#[test]
fn inert_ignore_comments_are_reported_where_they_are() {
    let dir = dir_with(&[(
        "Dockerfile",
        b"FROM python:3.12-slim\n# seaworthy: ignore[SW1O1]\n# seaworthy: igonre[SW101]\nEXPOSE 8000\nCMD [\"python\", \"-m\", \"http.server\"]\n",
    )]);
    let out = seaworthy(dir.path()).args(["check", "."]).assert().code(1);
    let stderr = text(&out.get_output().stderr);
    assert!(
        stderr.contains("Dockerfile:2:1: note: `SW1O1` names no rule"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Dockerfile:3:1: note: `seaworthy: igonre` is not a directive"),
        "{stderr}"
    );
    // Neither silenced anything: the finding is still there.
    assert!(stderr.contains("SW101"), "{stderr}");
}

#[test]
fn a_route_without_a_leading_slash_is_an_error_that_says_what_to_write() {
    let dir = dir_with(&[("Dockerfile", b"FROM python:3.12-slim\nEXPOSE 8000\n")]);
    seaworthy(dir.path())
        .args([
            "fix-dockerfile-healthcheck",
            "--path",
            "healthz",
            "Dockerfile",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("write `/healthz`"));
    fs::write(
        dir.path().join("seaworthy.toml"),
        "[health]\npath = \"healthz\"\n",
    )
    .unwrap();
    seaworthy(dir.path())
        .args(["check", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
        "seaworthy.toml:2:8: error: [health] path: `healthz` is not a URL path: write `/healthz`",
    ));
}

#[test]
fn paths_that_are_no_dockerfile_say_what_they_are() {
    let dir = dir_with(&[
        ("app/Dockerfile", b"FROM python:3.12-slim\nEXPOSE 8000\n"),
        ("compose.yaml", b"services:\n  web:\n    image: nginx\n"),
    ]);
    for (arg, says) in [
        ("nope", "nope: error: no such file\n"),
        (
            "app",
            "app: error: is a folder: did you mean `app/Dockerfile`?\n",
        ),
        (
            "compose.yaml",
            "compose.yaml: error: is a Compose file: `seaworthy fix compose.yaml`",
        ),
    ] {
        let out = seaworthy(dir.path())
            .args(["fix-dockerfile-healthcheck", arg])
            .assert()
            .code(2);
        let stderr = text(&out.get_output().stderr);
        assert!(stderr.contains(says), "{arg}: {stderr}");
        assert!(!stderr.contains("os error"), "{stderr}");
    }
    seaworthy(dir.path())
        .args(["check", "nope/"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "nope/: error: no such file or folder",
        ));
}

#[test]
fn check_takes_unsafe_fixes_and_points_fix_to_fix() {
    let dir = dir_with(&[(
        "compose.yaml",
        b"services:\n  db:\n    image: postgres:16\n    volumes:\n      - ./pgdata:/var/lib/postgresql/data\n",
    )]);
    let out = seaworthy(dir.path())
        .args(["check", "--select", "SW208", "."])
        .assert()
        .success();
    assert!(text(&out.get_output().stderr).contains("[unsafe fix: --unsafe-fixes]"));
    let out = seaworthy(dir.path())
        .args(["check", "--select", "SW208", "--unsafe-fixes", "."])
        .assert()
        .code(1);
    assert!(
        text(&out.get_output().stdout).contains("+      - db-pgdata:/var/lib/postgresql/data"),
        "{}",
        text(&out.get_output().stdout)
    );
    let before = snapshot(dir.path());
    seaworthy(dir.path())
        .args(["check", "--fix", "."])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("use `seaworthy fix`")
                .or(predicate::str::contains("`seaworthy fix` applies")),
        );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn services_left_alone_are_named_with_why() {
    let dir = dir_with(&[(
        "compose.yaml",
        b"services:\n  web: &web\n    image: nginx\n  web2: *web\n  child:\n    extends:\n      service: web\n",
    )]);
    let out = seaworthy(dir.path()).args(["check", "."]).assert();
    let stderr = text(&out.get_output().stderr);
    assert!(
        stderr.contains("left alone: `web` (it is anchored (`&web`)")
            && stderr.contains("`web2` (it is an alias")
            && stderr.contains("`child` (it `extends` another service"),
        "{stderr}"
    );
}

#[test]
fn verbose_names_the_settings_each_file_is_read_with() {
    let dir = dir_with(&[
        ("Dockerfile", b"FROM python:3.12-slim\nEXPOSE 8000\n"),
        ("svc/seaworthy.toml", b"[health]\nport = 9000\n"),
        ("svc/Dockerfile", b"FROM python:3.12-slim\n"),
    ]);
    let out = seaworthy(dir.path()).args(["check", "-v", "."]).assert();
    let stderr = text(&out.get_output().stderr);
    assert!(
        stderr.contains("read Dockerfile (no seaworthy.toml applies: defaults)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("read svc/Dockerfile (settings: svc/seaworthy.toml)"),
        "{stderr}"
    );
}
