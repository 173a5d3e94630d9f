//! `seaworthy completions SHELL` and `seaworthy man`, through the real
//! binary: the outputs are non-empty and well-formed, and know the commands
//! and flags the parser has.

use std::process::Command as Process;

use assert_cmd::Command;

fn seaworthy() -> Command {
    Command::cargo_bin("seaworthy").unwrap()
}

/// Runs `seaworthy ARGS` and returns its stdout, asserting exit 0 and an
/// empty stderr.
fn stdout_of(args: &[&str]) -> String {
    let out = seaworthy().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
    assert!(
        out.stderr.is_empty(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn bash_completion_knows_commands_and_flags_and_parses() {
    let script = stdout_of(&["completions", "bash"]);
    for word in ["check", "fix", "rules", "--format", "--fail-on", "sarif"] {
        assert!(script.contains(word), "bash completion lacks {word}");
    }
    // `bash -n`: the script is valid bash syntax.
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("seaworthy.bash");
    std::fs::write(&path, &script).unwrap();
    let status = Process::new("bash").arg("-n").arg(&path).status().unwrap();
    assert!(status.success(), "bash -n rejects the completion script");
}

#[test]
fn every_shell_gets_a_script_naming_the_binary() {
    // Each shell spells a long flag its own way (fish: `-l format`).
    for (shell, marker, flag) in [
        ("zsh", "#compdef seaworthy", "--format="),
        ("fish", "complete -c seaworthy", "-l format"),
        ("powershell", "Register-ArgumentCompleter", "'--format'"),
        (
            "elvish",
            "edit:completion:arg-completer[seaworthy]",
            "--format",
        ),
    ] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: no `{marker}`");
        assert!(script.contains(flag), "{shell}: no `{flag}`");
        assert!(
            script.contains("fix-dockerfile-healthcheck"),
            "{shell}: no command"
        );
    }
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let out = seaworthy().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn completions_and_man_ignore_a_broken_config() {
    // They read no config: a bad seaworthy.toml cannot break them.
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(dir.path().join("seaworthy.toml"), "[nonsense\n").unwrap();
    for args in [&["completions", "bash"][..], &["man"]] {
        let out = seaworthy()
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
    }
}

#[test]
fn man_page_is_roff_with_title_and_commands() {
    let page = stdout_of(&["man"]);
    let th = page
        .lines()
        .find(|l| l.starts_with(".TH "))
        .expect("no .TH line");
    assert!(th.starts_with(".TH seaworthy 1 "), "{th}");
    // Before .TH only roff requests may stand (clap_mangen's quote macro).
    for line in page.lines().take_while(|l| !l.starts_with(".TH ")) {
        assert!(
            line.starts_with('.'),
            "not a roff request before .TH: {line}"
        );
    }
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "no {section}");
    }
    for cmd in [
        "seaworthy\\-check(1)",
        "seaworthy\\-fix(1)",
        "seaworthy\\-rules(1)",
    ] {
        assert!(page.contains(cmd), "no {cmd}");
    }
}

#[test]
fn man_page_renders_without_groff_warnings() {
    let Ok(groff) = which("groff") else {
        eprintln!("groff not installed: rendering not checked");
        return;
    };
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("seaworthy.1");
    std::fs::write(&path, stdout_of(&["man"])).unwrap();
    let out = Process::new(groff)
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "groff warns: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn man_dir_writes_one_page_per_command() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = dir.path().join("man1");
    seaworthy()
        .args(["man", "--dir"])
        .arg(&out)
        .assert()
        .code(0)
        .stdout("");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    for want in [
        "seaworthy.1",
        "seaworthy-check.1",
        "seaworthy-fix.1",
        "seaworthy-fix-dockerfile-healthcheck.1",
        "seaworthy-rules.1",
        "seaworthy-completions.1",
        "seaworthy-man.1",
    ] {
        assert!(names.iter().any(|n| n == want), "no {want} in {names:?}");
    }
    let check = std::fs::read_to_string(out.join("seaworthy-check.1")).unwrap();
    assert!(
        check.contains(".TH seaworthy\\-check 1") || check.contains(".TH seaworthy-check 1"),
        "{check}"
    );
    assert!(check.contains("\\-\\-format"), "check page lacks --format");
}

/// The path of `program` on PATH.
fn which(program: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(program))
                .find(|p| p.is_file())
        })
        .ok_or(())
}
