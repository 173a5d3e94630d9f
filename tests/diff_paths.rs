//! The paths in the diff's `--- a/` and `+++ b/` headers when files outside
//! the current folder change (`check ../sibling`, `check /abs/path`): the
//! patch must be one `git apply` takes, and stderr must say where to run it.
//!
//! What git does, checked below rather than assumed: `git apply` resolves
//! such (non-git) diffs from the folder it runs in, also in a
//! subfolder of a repository, and refuses paths with `..` or a leading `/`
//! (or skips them silently). So a file outside the current folder is named
//! from the top of its git work tree, and the patch applies there.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

const PYTHON_SLIM: &[u8] = include_bytes!("../fixtures/dockerfile/python-slim/Dockerfile");

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn git_available() -> bool {
    std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `git ARGS...` in `dir`; its success and stderr. Never looks above
/// `ceiling` for a repository.
fn git(dir: &Path, ceiling: &Path, args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new("git")
        .args(["-c", "core.autocrlf=false", "-c", "core.safecrlf=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CEILING_DIRECTORIES", ceiling)
        .output()
        .unwrap();
    (out.status.success(), text(&out.stderr))
}

/// A temporary folder `root` holding `app/` (empty, the current folder of
/// the runs) and `sibling/Dockerfile`; with a git repository at `root`
/// when `repository`.
struct Layout {
    _tmp: TempDir,
    root: PathBuf,
}

impl Layout {
    fn new(repository: bool) -> Layout {
        let tmp = TempDir::new().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let layout = Layout { _tmp: tmp, root };
        fs::create_dir_all(layout.app()).unwrap();
        fs::create_dir_all(layout.root().join("sibling")).unwrap();
        fs::write(layout.sibling(), PYTHON_SLIM).unwrap();
        if repository {
            let (ok, err) = git(layout.root(), &layout.ceiling(), &["init", "-q"]);
            assert!(ok, "{err}");
        } else {
            // no repository above the temporary folder either
            assert!(layout.root().ancestors().all(|d| !d.join(".git").exists()));
        }
        layout
    }

    /// Canonical, as the binary sees its current folder: without symbolic
    /// links.
    fn root(&self) -> &Path {
        &self.root
    }

    fn ceiling(&self) -> PathBuf {
        self.root().parent().unwrap().to_path_buf()
    }

    fn app(&self) -> PathBuf {
        self.root().join("app")
    }

    fn sibling(&self) -> PathBuf {
        self.root().join("sibling/Dockerfile")
    }

    /// `seaworthy ARGS...` in `dir`: exit code, stdout, stderr.
    fn seaworthy(&self, dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
        let out = Command::cargo_bin("seaworthy")
            .unwrap()
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE")
            .output()
            .unwrap();
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    }

    /// The patch, kept outside the tree it applies to.
    fn save(&self, patch: &str) -> (TempDir, PathBuf) {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("fix.patch");
        fs::write(&path, patch).unwrap();
        (dir, path)
    }
}

/// The Dockerfile as `fix --yes` leaves it.
fn fixed_dockerfile() -> Vec<u8> {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("Dockerfile"), PYTHON_SLIM).unwrap();
    Command::cargo_bin("seaworthy")
        .unwrap()
        .args(["fix", "--yes"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .assert()
        .code(0);
    fs::read(dir.path().join("Dockerfile")).unwrap()
}

/// Checks the patch with `git apply --check` in `dir`, applies it there,
/// and checks the sibling Dockerfile is now what `fix --yes` makes.
fn applies_in(layout: &Layout, dir: &Path, patch: &Path) {
    let patch = patch.to_str().unwrap();
    let (ok, err) = git(dir, &layout.ceiling(), &["apply", "--check", patch]);
    assert!(ok, "git apply --check in {}: {err}", dir.display());
    let (ok, err) = git(dir, &layout.ceiling(), &["apply", patch]);
    assert!(ok, "git apply in {}: {err}", dir.display());
    assert_eq!(
        text(&fs::read(layout.sibling()).unwrap()),
        text(&fixed_dockerfile())
    );
}

#[test]
fn check_of_a_sibling_folder_applies_at_the_repository_root() {
    if !git_available() {
        eprintln!("note: git not found; skipping");
        return;
    }
    let layout = Layout::new(true);
    let (code, diff, stderr) = layout.seaworthy(&layout.app(), &["check", "../sibling"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        diff.starts_with("--- a/sibling/Dockerfile\n+++ b/sibling/Dockerfile\n"),
        "{diff}"
    );
    let root = layout.root().display().to_string();
    let note = stderr
        .lines()
        .find(|l| l.starts_with("note: "))
        .unwrap_or("");
    assert!(
        note.contains(&root) && note.contains("git apply"),
        "{stderr}"
    );
    // findings keep the path as it was given
    assert!(
        stderr.contains("../sibling/Dockerfile:3:1: SW101"),
        "{stderr}"
    );

    let (_keep, patch) = layout.save(&diff);
    applies_in(&layout, layout.root(), &patch);
    let (code, diff, _) = layout.seaworthy(&layout.app(), &["check", "../sibling"]);
    assert_eq!((code, diff.as_str()), (Some(0), ""));
}

#[test]
fn git_apply_takes_these_paths_from_the_folder_it_runs_in() {
    // Why the note says where to run `git apply`: in the subfolder, git
    // looks for `app/sibling/Dockerfile`, even in a repository.
    if !git_available() {
        eprintln!("note: git not found; skipping");
        return;
    }
    let layout = Layout::new(true);
    let (_, diff, _) = layout.seaworthy(&layout.app(), &["check", "../sibling"]);
    let (_keep, patch) = layout.save(&diff);
    let patch = patch.to_str().unwrap();
    let (ok, err) = git(
        &layout.app(),
        &layout.ceiling(),
        &["apply", "--check", patch],
    );
    assert!(!ok, "git apply --check passed in the subfolder");
    assert!(err.contains("app/sibling/Dockerfile"), "{err}");
    // and the header this replaces is one git refuses outright
    let dotted = diff
        .replace(" a/sibling/", " a/../sibling/")
        .replace(" b/sibling/", " b/../sibling/");
    let (_keep, dotted) = layout.save(&dotted);
    let (ok, _) = git(
        &layout.app(),
        &layout.ceiling(),
        &["apply", "--check", dotted.to_str().unwrap()],
    );
    assert!(!ok, "git apply took a path with ..");
}

#[test]
fn check_of_an_absolute_path_applies_at_the_repository_root() {
    if !git_available() {
        eprintln!("note: git not found; skipping");
        return;
    }
    for target in ["sibling", "sibling/Dockerfile"] {
        let layout = Layout::new(true);
        let absolute = layout.root().join(target);
        let (code, diff, stderr) =
            layout.seaworthy(&layout.app(), &["check", absolute.to_str().unwrap()]);
        assert_eq!(code, Some(1), "{target}: {stderr}");
        assert!(
            diff.starts_with("--- a/sibling/Dockerfile\n+++ b/sibling/Dockerfile\n"),
            "{target}: {diff}"
        );
        assert!(stderr.contains("note: "), "{target}: {stderr}");
        let (_keep, patch) = layout.save(&diff);
        applies_in(&layout, layout.root(), &patch);
    }
}

#[test]
fn an_absolute_path_below_the_current_folder_is_named_from_it() {
    if !git_available() {
        eprintln!("note: git not found; skipping");
        return;
    }
    let layout = Layout::new(true);
    let absolute = layout.root().join("sibling");
    let (code, diff, stderr) =
        layout.seaworthy(layout.root(), &["check", absolute.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        diff.starts_with("--- a/sibling/Dockerfile\n+++ b/sibling/Dockerfile\n"),
        "{diff}"
    );
    assert!(!stderr.contains("note: "), "{stderr}");
    let (_keep, patch) = layout.save(&diff);
    applies_in(&layout, layout.root(), &patch);
}

#[test]
fn files_here_and_beside_share_one_base_the_repository_root() {
    if !git_available() {
        eprintln!("note: git not found; skipping");
        return;
    }
    let layout = Layout::new(true);
    fs::write(layout.app().join("Dockerfile"), PYTHON_SLIM).unwrap();
    let (code, diff, stderr) = layout.seaworthy(&layout.app(), &["check", ".", "../sibling"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(diff.contains("\n+++ b/app/Dockerfile\n"), "{diff}");
    assert!(diff.contains("\n+++ b/sibling/Dockerfile\n"), "{diff}");
    let (_keep, patch) = layout.save(&diff);
    applies_in(&layout, layout.root(), &patch);
    assert_eq!(
        fs::read(layout.app().join("Dockerfile")).unwrap(),
        fixed_dockerfile()
    );
}

#[test]
fn without_a_repository_the_note_names_the_folder_to_apply_in() {
    if !git_available() {
        eprintln!("note: git not found; skipping");
        return;
    }
    let layout = Layout::new(false);
    let (code, diff, stderr) = layout.seaworthy(&layout.app(), &["check", "../sibling"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        diff.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n"),
        "{diff}"
    );
    let folder = layout.root().join("sibling");
    let note = stderr
        .lines()
        .find(|l| l.starts_with("note: "))
        .unwrap_or("");
    assert!(
        note.contains(&*folder.to_string_lossy()) && note.contains("--directory"),
        "{stderr}"
    );
    let (_keep, patch) = layout.save(&diff);
    // from above the folder, with --directory, as the note says
    let (ok, err) = git(
        layout.root(),
        &layout.ceiling(),
        &[
            "apply",
            "--check",
            "--directory=sibling",
            patch.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    applies_in(&layout, &folder, &patch);
}

#[test]
fn quiet_leaves_the_note_out() {
    let layout = Layout::new(false);
    let (code, diff, stderr) = layout.seaworthy(&layout.app(), &["--quiet", "check", "../sibling"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(diff.starts_with("--- a/Dockerfile\n"), "{diff}");
    assert!(!stderr.contains("note: "), "{stderr}");
}

/// A file the plan creates: its diff comes from `/dev/null`, `git apply`
/// creates it (with its folders), and the writer creates the same bytes.
#[test]
fn a_new_file_diffs_from_dev_null_and_applies_as_the_writer_writes_it() {
    if !git_available() {
        eprintln!("note: git is absent; skipped");
        return;
    }
    let by_git = tempfile::tempdir().unwrap();
    let by_writer = tempfile::tempdir().unwrap();
    let after = b".git\n.env\n__pycache__/\n".to_vec();
    let change = |root: &Path| seaworthy::plan::FileChange {
        path: root.join("app/.dockerignore"),
        before: None,
        after: after.clone(),
        findings: Vec::new(),
    };
    let (ok, why) = git(by_git.path(), by_git.path(), &["init", "-q"]);
    assert!(ok, "{why}");
    let diff = seaworthy::output::diff::unified_from(
        &change(Path::new("")),
        &seaworthy::output::diff::Base::Current,
    );
    assert!(
        diff.starts_with("--- /dev/null\n+++ b/app/.dockerignore\n"),
        "{diff}"
    );
    let patch = by_git.path().join("new.patch");
    fs::write(&patch, &diff).unwrap();
    let (ok, why) = git(by_git.path(), by_git.path(), &["apply", "new.patch"]);
    assert!(
        ok,
        "git apply refused the diff of a new file: {why}\n{diff}"
    );
    seaworthy::write::write(&change(by_writer.path())).unwrap();
    assert_eq!(
        fs::read(by_git.path().join("app/.dockerignore")).unwrap(),
        after
    );
    assert_eq!(
        fs::read(by_writer.path().join("app/.dockerignore")).unwrap(),
        after
    );
}
