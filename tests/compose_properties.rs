//! Generated Compose files (random comments, indentation, quoting, block and
//! flow styles, anchors and merge keys, CRLF, missing final newline): the
//! fix never panics, its output parses, fixing again changes nothing, and
//! the user's lines survive in order.

use proptest::prelude::*;
use seaworthy::engine::compose;
use seaworthy::model::project::Project;
use seaworthy::settings::policy::{Overrides, Policy};
use seaworthy::source::Source;

#[derive(Debug, Clone)]
struct Style {
    indent: usize,
    dash_indented: bool,
    crlf: bool,
    final_newline: bool,
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,8}".prop_map(|s| s),
        "[a-z][a-z0-9-]{0,8}".prop_map(|s| format!("\"{s}\"")),
        "[a-z][a-z0-9-]{0,8}".prop_map(|s| format!("'{s}'")),
    ]
}

fn comment() -> impl Strategy<Value = Option<String>> {
    prop::option::of("[ a-zA-Z0-9&*!:,-]{0,16}".prop_map(|c| format!("# {c}")))
}

/// One service: a list of (key, value-lines) with value lines relative to the key.
fn service() -> impl Strategy<Value = Vec<(String, Vec<String>)>> {
    let image = prop::sample::select(vec![
        "postgres:16",
        "redis:7",
        "nginx:1.27",
        "ghcr.io/acme/app:1",
        "valkey/valkey:8",
    ])
    .prop_map(|i| ("image".to_string(), vec![format!(" {i}")]));
    let env = prop_oneof![
        prop::collection::vec(scalar(), 1..3).prop_map(|v| {
            let items: Vec<String> = v
                .iter()
                .enumerate()
                .map(|(n, s)| format!("K{n}={}", s.trim_matches(['"', '\''])))
                .collect();
            (
                "environment".to_string(),
                vec![format!(" [{}]", items.join(", "))],
            )
        }),
        prop::collection::vec(scalar(), 1..3).prop_map(|v| {
            let mut lines = vec![String::new()];
            lines.extend(v.iter().enumerate().map(|(n, s)| format!("@K{n}: {s}")));
            ("environment".to_string(), lines)
        }),
    ];
    let ports = prop::collection::vec(1000u16..9000, 1..3).prop_map(|ps| {
        let mut lines = vec![String::new()];
        lines.extend(ps.iter().map(|p| format!("-\"{p}:{p}\"")));
        ("ports".to_string(), lines)
    });
    let command = prop_oneof![
        Just((
            "command".to_string(),
            vec![" [\"run\", \"--fast\"]".to_string()]
        )),
        Just((
            "command".to_string(),
            vec![
                " |".to_string(),
                "@line one".to_string(),
                "@line two".to_string()
            ]
        )),
        Just((
            "command".to_string(),
            vec![" >-".to_string(), "@folded".to_string()]
        )),
    ];
    let restart = Just(("restart".to_string(), vec![" always".to_string()]));
    (
        image,
        prop::option::of(env),
        prop::option::of(ports),
        prop::option::of(command),
        prop::option::of(restart),
    )
        .prop_map(|(image, env, ports, command, restart)| {
            let mut keys = vec![image];
            keys.extend(env);
            keys.extend(ports);
            keys.extend(command);
            keys.extend(restart);
            keys
        })
}

fn compose_file() -> impl Strategy<Value = String> {
    let style = (
        prop::sample::select(vec![2usize, 3, 4]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(indent, dash_indented, crlf, final_newline)| Style {
            indent,
            dash_indented,
            crlf,
            final_newline,
        });
    (
        style,
        prop::collection::vec((service(), comment()), 1..4),
        any::<bool>(),
        any::<bool>(),
        comment(),
    )
        .prop_map(|(style, services, anchor, depends, header)| {
            let pad = |n: usize| " ".repeat(style.indent * n);
            let mut lines = Vec::new();
            lines.extend(header);
            if anchor {
                lines.push("x-common: &common".to_string());
                lines.push(format!("{}restart: unless-stopped", pad(1)));
            }
            lines.push("services:".to_string());
            for (n, (keys, comment)) in services.iter().enumerate() {
                lines.push(format!(
                    "{}svc{n}:{}",
                    pad(1),
                    comment
                        .as_ref()
                        .map(|c| format!(" {c}"))
                        .unwrap_or_default()
                ));
                if anchor && n == 0 {
                    lines.push(format!("{}<<: *common", pad(2)));
                }
                for (key, value) in keys {
                    lines.push(format!("{}{key}:{}", pad(2), value[0]));
                    for line in &value[1..] {
                        let item = if let Some(rest) = line.strip_prefix('-') {
                            let dash = if style.dash_indented { pad(3) } else { pad(2) };
                            format!("{dash}- {rest}")
                        } else {
                            format!("{}{}", pad(3), line.trim_start_matches('@'))
                        };
                        lines.push(item);
                    }
                }
                if depends && n > 0 {
                    lines.push(format!("{}depends_on: [svc0]", pad(2)));
                }
            }
            let eol = if style.crlf { "\r\n" } else { "\n" };
            let mut text = lines.join(eol);
            if style.final_newline {
                text.push_str(eol);
            }
            text
        })
}

fn fix(text: &[u8], unsafe_fixes: bool) -> Vec<u8> {
    let policy = Policy::new(
        Default::default(),
        Overrides {
            unsafe_fixes,
            ..Overrides::default()
        },
    );
    let source = Source::new("compose.yaml", text.to_vec());
    compose::fix(&source, &policy, &Project::default(), &[])
        .unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(text)))
        .after
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn generated_compose_files_hold_the_properties(text in compose_file(), unsafe_fixes in any::<bool>()) {
        let meaning: Result<serde_json::Value, _> = serde_saphyr::from_str(&text);
        prop_assume!(meaning.is_ok());
        let once = fix(text.as_bytes(), unsafe_fixes);
        let twice = fix(&once, unsafe_fixes);
        prop_assert_eq!(&twice, &once, "not idempotent");
        let out = String::from_utf8(once).unwrap();
        serde_saphyr::from_str::<serde_json::Value>(&out).unwrap();
        let mut lines = out.lines();
        for line in text.lines() {
            let rewritten = line.contains("depends_on") || line.contains("environment: [");
            prop_assert!(rewritten || lines.any(|l| l == line), "lost {:?} in\n{}", line, out);
        }
        if text.contains("\r\n") {
            prop_assert!(!out.replace("\r\n", "").contains('\n'), "bare LF in a CRLF file");
        }
        prop_assert_eq!(text.ends_with('\n'), out.ends_with('\n'));
    }

    #[test]
    fn arbitrary_yaml_never_panics(text in "[a-z:{}\\[\\],&*!|>#\"' \n-]{0,200}") {
        let _ = compose::fix(&Source::new("compose.yaml", text.into_bytes()), &Policy::defaults(), &Project::default(), &[]);
    }
}
