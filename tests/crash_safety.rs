//! Killing `fix --yes` in the middle of writing leaves every file wholly old
//! or wholly new: writes go to a temporary file that is renamed over the
//! original.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use seaworthy::engine;
use seaworthy::settings::policy::Policy;
use seaworthy::source::Source;

const FILES: usize = 1500;

fn project(dir: &Path, before: &[u8]) {
    for n in 0..FILES {
        let folder = dir.join(format!("svc-{n:04}"));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("Dockerfile"), before).unwrap();
    }
}

#[test]
fn killed_mid_write_leaves_whole_files() {
    let before = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/dockerfile/python-slim/Dockerfile"
    ))
    .unwrap();
    let after = engine::dockerfile::fix(
        &Source::new("Dockerfile", before.clone()),
        &Policy::defaults(),
    )
    .unwrap()
    .after;
    assert_ne!(before, after);
    for delay in [0, 20, 80] {
        let dir = tempfile::tempdir().unwrap();
        project(dir.path(), &before);
        let mut child = Command::new(env!("CARGO_BIN_EXE_seaworthy"))
            .args(["fix", "--yes", "--quiet"])
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until writing has begun (files are written in path order), then a bit more.
        let first = dir.path().join("svc-0000/Dockerfile");
        let started = std::time::Instant::now();
        while std::fs::read(&first).unwrap() == before {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "fix never started writing"
            );
            assert!(
                child.try_wait().unwrap().is_none(),
                "fix ended before writing"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let (mut old, mut new) = (0, 0);
        for n in 0..FILES {
            let content = std::fs::read(dir.path().join(format!("svc-{n:04}/Dockerfile"))).unwrap();
            if content == before {
                old += 1;
            } else if content == after {
                new += 1;
            } else {
                panic!("svc-{n:04}/Dockerfile is neither old nor new after a kill {delay} ms into writing");
            }
        }
        eprintln!("killed {delay} ms into writing: {old} old, {new} new");
        assert!(
            new > 0 && old > 0,
            "the kill did not land in the middle of writing"
        );
    }
}
