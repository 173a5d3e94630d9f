//! Compose edge cases found by trying to break the engine: each runs
//! `fix --unsafe-fixes` twice through the planner on a temporary project
//! and checks the result, not only that nothing crashed.

use std::path::Path;

use seaworthy::engine::planner;
use seaworthy::plan::Plan;
use seaworthy::settings::policy::Overrides;
use seaworthy::settings::resolver::Resolver;

fn build(dir: &Path) -> Plan {
    let overrides = Overrides {
        unsafe_fixes: true,
        ..Overrides::default()
    };
    planner::build(
        &[dir.to_path_buf()],
        &Resolver::new(None).unwrap(),
        &overrides,
    )
}

/// Fixes `compose` (plus extra files) and returns the new compose text,
/// after checking the second fix changes nothing and the result parses.
fn fixed(compose: &str, extra: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
    for (name, text) in extra {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let first = build(dir.path());
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    for change in first.changed() {
        std::fs::write(&change.path, &change.after).unwrap();
    }
    let second = build(dir.path());
    assert!(second.errors.is_empty(), "{:?}", second.errors);
    assert_eq!(second.changed().count(), 0, "second fix changed something");
    let text = std::fs::read_to_string(dir.path().join("compose.yaml")).unwrap();
    serde_saphyr::from_str::<serde_json::Value>(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    text
}

fn findings(compose: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
    build(dir.path())
        .findings()
        .map(|(_, f)| format!("{} {:?} {}", f.code(), f.status, f.message))
        .collect()
}

#[test]
fn never_waits_on_a_healthcheck_that_will_not_exist() {
    let ignored = "services:\n  db:\n    # seaworthy: ignore[SW201]\n    image: postgres:16\n  api:\n    image: ghcr.io/acme/api:1\n    depends_on:\n      - db\n";
    let flow = "services:\n  db: {image: \"postgres:16\"}\n  api:\n    image: ghcr.io/acme/api:1\n    depends_on:\n      - db\n";
    let none = "services:\n  db:\n    image: postgres:16\n    healthcheck:\n      test: [\"NONE\"]\n  api:\n    image: ghcr.io/acme/api:1\n    depends_on:\n      - db\n";
    for case in [ignored, flow, none] {
        let out = fixed(case, &[]);
        assert!(!out.contains("service_healthy"), "{out}");
    }
    let gets_one = fixed("services:\n  db:\n    image: postgres:16\n  api:\n    image: x\n    depends_on:\n      - db\n", &[]);
    assert!(
        gets_one.contains("condition: service_healthy"),
        "{gets_one}"
    );
}

#[test]
fn block_scalars_at_the_end_of_a_service() {
    for header in ["|", ">-", "|+", ">+"] {
        let text = format!("services:\n  redis:\n    image: redis:7\n    command: {header}\n      redis-server --appendonly yes\n\n  db:\n    image: postgres:16\n");
        let out = fixed(&text, &[]);
        let meaning: serde_json::Value = serde_saphyr::from_str(&out).unwrap();
        let before: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        assert_eq!(
            meaning["services"]["redis"]["command"], before["services"]["redis"]["command"],
            "{header}: {out}"
        );
        assert!(meaning["services"]["redis"]["restart"].is_string(), "{out}");
    }
}

#[test]
fn flow_collections_are_extended_in_place() {
    let out = fixed(
        "services:\n  api:\n    build: ./api\n    environment: [DEBUG=0]\n",
        &[
            ("api/Dockerfile", "FROM python:3.12-slim\nEXPOSE 8000\n"),
            (
                "api/app.py",
                "import os\nLEVEL = os.environ.get(\"LOG_LEVEL\", \"INFO\")\n",
            ),
        ],
    );
    assert!(
        out.contains("environment: [DEBUG=0, LOG_LEVEL=INFO]"),
        "{out}"
    );
    let out = fixed(
        "services:\n  api:\n    build: ./api\n    environment: {}\n",
        &[
            ("api/Dockerfile", "FROM python:3.12-slim\nEXPOSE 8000\n"),
            (
                "api/app.py",
                "import os\nLEVEL = os.environ.get(\"LOG_LEVEL\", \"INFO\")\n",
            ),
        ],
    );
    assert!(out.contains("environment: {LOG_LEVEL: INFO}"), "{out}");
}

#[test]
fn data_mounts_share_one_declaration_and_one_volume_per_folder() {
    let out = fixed("services:\n  db:\n    image: postgres:16\n    volumes:\n      - ./pgdata:/var/lib/postgresql/data\n  cache:\n    image: redis:7\n    volumes:\n      - ./redis:/data\n", &[]);
    assert_eq!(out.matches("\nvolumes:").count(), 1, "{out}");
    assert!(
        out.contains("  db-pgdata:\n") && out.contains("  cache-redis:\n"),
        "{out}"
    );
    let shared = "services:\n  api:\n    image: a\n    volumes:\n      - ./uploads:/app/uploads\n  worker:\n    image: b\n    volumes:\n      - ./uploads:/srv/uploads\n      - ./uploads:/backup/uploads\nvolumes:\n  other:\n";
    let out = fixed(shared, &[]);
    assert_eq!(out.matches("api-uploads:/").count(), 3, "{out}");
    assert!(!out.contains("./uploads"), "{out}");
    let null = fixed("services:\n  db:\n    image: postgres:16\n    volumes:\n      - ./data:/var/lib/postgresql/data:ro\nvolumes:\n", &[]);
    assert!(null.contains("volumes:\n  db-data:\n"), "{null}");
    let end_marker = fixed("---\nservices:\n  db:\n    image: postgres:16\n    volumes:\n      - ./data:/var/lib/postgresql/data\n...\n", &[]);
    assert!(
        end_marker.ends_with("volumes:\n  db-data:\n...\n"),
        "{end_marker}"
    );
}

#[test]
fn services_that_extend_or_share_are_left_alone() {
    let extends = "services:\n  base:\n    image: redis:7\n    restart: always\n  cache:\n    extends:\n      service: base\n";
    let out = fixed(extends, &[]);
    assert!(
        out.contains("  cache:\n    extends:\n      service: base\n"),
        "{out}"
    );
    assert!(
        !out[out.find("  cache:").unwrap()..].contains("restart"),
        "{out}"
    );
    let anchored =
        "services:\n  db: &db\n    image: postgres:16\n  db2: *db\n  db3:\n    <<: *db\n";
    fixed(anchored, &[]);
    let shared_deps = "services:\n  db:\n    image: postgres:16\n  api:\n    image: a\n    depends_on: &deps\n      - db\n  worker:\n    image: b\n    depends_on: *deps\n";
    let out = fixed(shared_deps, &[]);
    assert!(out.contains("depends_on: &deps\n      - db\n"), "{out}");
    let first_key = "services:\n  db:\n    &img image: postgres:16\n  db2:\n    image: *img\n";
    let out = fixed(first_key, &[]);
    assert!(
        out.contains("    &img image: postgres:16\n    healthcheck:"),
        "{out}"
    );
}

#[test]
fn the_logging_anchor_is_reused_only_when_safe() {
    for text in [
        "services:\n  api:\n    image: redis\nx-logging: &log\n  driver: json-file\n",
        "x-logging: # owned by R&D\n  driver: json-file\nservices:\n  api:\n    image: redis\n",
        "x-logging: &log\n  driver: json-file\nx-other: &log\n  foo: bar\nservices:\n  api:\n    image: redis\n",
    ] {
        let out = fixed(text, &[]);
        assert!(!out.contains("logging: *"), "{out}");
        assert!(out.contains("max-size: 10m"), "{out}");
    }
    let out = fixed(
        "x-logging: &log\n  driver: json-file\nservices:\n  api:\n    image: redis\n",
        &[],
    );
    assert!(out.contains("    logging: *log\n"), "{out}");
}

#[test]
fn an_ignore_comment_at_the_end_of_a_service_counts() {
    let out = fixed("services:\n  db:\n    image: postgres:16\n    # seaworthy: ignore\n  cache:\n    image: redis:7\n", &[]);
    let db = &out[..out.find("  cache:").unwrap()];
    assert_eq!(
        db,
        "services:\n  db:\n    image: postgres:16\n    # seaworthy: ignore\n"
    );
}

#[test]
fn depends_on_comments_survive_the_rewrite() {
    let text = "services:\n  db:\n    image: postgres:16\n  cache:\n    image: redis\n  api:\n    image: nginx\n    depends_on:\n      - db # the database\n      # the cache below\n      - cache\n    # after deps\n";
    let out = fixed(text, &[]);
    assert!(out.contains("      db: # the database\n        condition: service_healthy\n      # the cache below\n      cache:\n"), "{out}");
    assert!(out.contains("    # after deps\n"), "{out}");
}

#[test]
fn host_port_ranges_are_taken() {
    let dockerfile = "FROM alfred/healthcheck:0.4.0 AS healthcheck\nFROM python:3.12-slim\nCOPY --from=healthcheck /usr/local/bin/healthcheck /usr/local/bin/healthcheck\nEXPOSE 8000\nHEALTHCHECK CMD [\"healthcheck\", \"--http\", \"http://127.0.0.1:8000/\"]\nCMD [\"healthcheck\", \"--export-prom\", \":9091\", \"--\", \"app\"]\n";
    let out = fixed(
        "services:\n  web:\n    image: redis\n    ports:\n      - \"9090-9095:8000-8005\"\n  api:\n    build: ./api\n",
        &[("api/Dockerfile", dockerfile)],
    );
    assert!(out.contains("\"9096:9091\""), "{out}");
}

#[test]
fn windows_images_get_a_warning_not_a_linux_probe() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nEXPOSE 80\nCMD [\"app.exe\"]\n",
    )
    .unwrap();
    let plan = build(dir.path());
    assert_eq!(plan.changed().count(), 0);
    assert!(plan.findings().any(|(_, f)| f.message.contains("Windows")));
}

#[test]
fn build_only_services_get_a_clear_message() {
    let all = findings("services:\n  api:\n    build:\n      context: .\n      dockerfile_inline: |\n        FROM alpine\n");
    assert!(
        all.iter()
            .any(|f| f.contains("remote or inline Dockerfile")),
        "{all:?}"
    );
    assert!(!all.iter().any(|f| f.contains("image ``")), "{all:?}");
}
