//! The YAML layer: the positioned tree and the Compose document (tree,
//! meaning via serde-saphyr, shape checks) must not panic on any input,
//! and every node and comment span must lie inside the text on character
//! boundaries (edits are spliced at those offsets).

#![no_main]

use libfuzzer_sys::fuzz_target;
use seaworthy::model::compose::ComposeFile;
use seaworthy::source::Source;
use seaworthy::syntax::yaml::tree::{self, Kind, Node};

fn check_span(text: &str, what: &str, start: usize, end: usize) {
    assert!(
        start <= end && end <= text.len(),
        "{what} span {start}..{end} outside the text (len {})",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what} span {start}..{end} not on character boundaries"
    );
}

fn check_node(text: &str, node: &Node) {
    check_span(text, "node", node.start, node.end);
    match &node.kind {
        Kind::Seq(_, items) => items.iter().for_each(|n| check_node(text, n)),
        Kind::Map(_, entries) => entries.iter().for_each(|e| {
            check_node(text, &e.key);
            check_node(text, &e.value);
        }),
        Kind::Scalar(..) | Kind::Alias(_) => {}
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(tree) = tree::parse(text) {
            for root in tree.roots() {
                check_node(text, root);
            }
            for comment in &tree.comments {
                check_span(text, "comment", comment.start, comment.end);
            }
        }
    }
    if let Ok(file) = ComposeFile::parse(Source::new("compose.yaml", data.to_vec())) {
        let _ = file.services_nodes().count();
        let _ = file.logging_anchor();
        for service in file.services() {
            let _ = seaworthy::model::compose::container_ports(service.meaning);
            let _ = seaworthy::model::compose::host_ports(service.meaning);
            let _ = seaworthy::model::compose::image(service.meaning);
            let _ = seaworthy::model::compose::build(service.meaning);
        }
    }
});
