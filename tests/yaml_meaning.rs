//! seaworthy reads a YAML file's meaning from its own positioned tree
//! (ADR 005). Generated documents full of tricky scalars, tags, anchors,
//! aliases, merge keys, block and flow styles must mean the same to it as to
//! serde-saphyr reading the text on its own (with YAML 1.2 booleans, as
//! Compose reads them); where serde-saphyr refuses a document, so does it.

use proptest::prelude::*;
use seaworthy::source::Source;
use seaworthy::syntax::yaml::Stream;

/// Scalars whose type depends on their spelling, and their quoted forms.
/// (`.inf` and `.nan` are left out: they have no JSON number, serde-saphyr
/// refuses the whole document and seaworthy keeps them as text.)
fn scalar() -> impl Strategy<Value = String> {
    let plain = prop::sample::select(vec![
        "1",
        "-1",
        "+1",
        "0",
        "-0",
        "017",
        "0x1F",
        "0o17",
        "0b101",
        "1_000",
        "1.5",
        "-1.5",
        ".5",
        "1.",
        "1e3",
        "1E-3",
        "1e",
        "true",
        "True",
        "TRUE",
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "~",
        "null",
        "Null",
        "NULL",
        "nginx:1.27",
        "8080:80",
        "12:30",
        "127.0.0.1",
        "1.2.3",
        "0x",
        "abc",
        "a b",
        "99999999999999999999",
        "-9223372036854775809",
    ]);
    prop_oneof![
        4 => plain.clone().prop_map(str::to_string),
        1 => plain.clone().prop_map(|s| format!("\"{s}\"")),
        1 => plain.clone().prop_map(|s| format!("'{s}'")),
        1 => plain.clone().prop_map(|s| format!("!!str {s}")),
        1 => plain.prop_map(|s| format!("!reset {s}")),
    ]
}

/// A block mapping at `depth` whose values are scalars, flow collections,
/// nested mappings or aliases of the anchors defined so far.
fn document() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        4 => scalar().prop_map(|s| (s, None)),
        1 => prop::collection::vec(scalar(), 0..4).prop_map(|v| (format!("[{}]", v.join(", ")), None)),
        1 => prop::collection::vec(scalar(), 1..3)
            .prop_map(|v| (String::new(), Some(v))),
        1 => (0usize..4).prop_map(|n| (format!("*a{n}"), None)),
    ];
    (
        prop::collection::vec((value, any::<bool>(), 0u8..20), 1..8),
        0u8..4,
    )
        .prop_map(|(entries, merge)| {
            let mut lines = Vec::new();
            let mut anchors = 0;
            for (n, ((value, nested), anchored, repeat)) in entries.into_iter().enumerate() {
                let key = if repeat == 0 {
                    "k0".to_string()
                } else {
                    format!("k{n}")
                };
                let alias = value
                    .strip_prefix("*a")
                    .and_then(|k| k.parse::<usize>().ok());
                let value = match alias {
                    Some(k) if anchors == 0 => format!("x{k}"),
                    Some(k) => format!("*a{}", k % anchors),
                    None => value,
                };
                let anchor = if anchored {
                    anchors += 1;
                    format!("&a{} ", anchors - 1)
                } else {
                    String::new()
                };
                match nested {
                    Some(items) => {
                        lines.push(format!("{key}: {}", anchor.trim_end()));
                        for (i, item) in items.iter().enumerate() {
                            lines.push(format!("  n{i}: {item}"));
                        }
                    }
                    None => lines.push(format!("{key}: {anchor}{value}")),
                }
            }
            let merged = match (merge, anchors) {
                (0, _) => None,
                (1, _) | (_, 0) => Some("{k0: merged, z: 1}".to_string()),
                (2, _) => Some(format!("*a{}", anchors - 1)),
                _ => Some(format!("[*a0, *a{}, {{z: 3}}]", anchors - 1)),
            };
            if let Some(merged) = merged {
                lines.push("m:".into());
                lines.push(format!("  <<: {merged}"));
                lines.push("  z: 2".into());
            }
            lines.join("\n") + "\n"
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn meaning_agrees_with_serde_saphyr(text in document()) {
        let options = serde_saphyr::options! { strict_booleans: true };
        let oracle: Result<serde_json::Value, _> = serde_saphyr::from_str_with_options(&text, options);
        let ours = Stream::parse(Source::new("x.yaml", text.clone().into_bytes()));
        match (oracle, ours) {
            (Ok(oracle), Ok(ours)) => prop_assert_eq!(ours.meaning(), &oracle, "{}", text),
            (Err(e), Ok(_)) => prop_assert!(false, "serde-saphyr refuses ({}) but seaworthy reads\n{}", e, text),
            (Ok(_), Err(e)) => prop_assert!(false, "seaworthy refuses ({}) but serde-saphyr reads\n{}", e, text),
            (Err(_), Err(_)) => {}
        }
    }
}
