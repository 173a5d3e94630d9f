//! Lossless YAML editing: a positioned tree to find places, text splices to
//! change them, the meaning read from the same tree, and a guard that
//! refuses any edit whose meaning is not the one intended.

pub mod meaning;
pub mod splice;
pub mod tree;

use serde_json::Value;

use crate::error::InputError;
use crate::source::Source;
use splice::Layout;
use tree::Tree;

/// A YAML file whose top level is a mapping, read three ways: its text, its
/// positioned tree (where to edit) and its meaning with merge keys applied
/// (what is there).
#[derive(Debug, Clone)]
pub struct Document {
    /// The file as read.
    pub source: Source,
    /// Its text.
    pub text: String,
    /// Positions.
    pub tree: Tree,
    /// The file's own layout, for inserted text: read when a rule first
    /// asks (most parses, such as the last pass's, insert nothing).
    layout: std::sync::OnceLock<Layout>,
    /// The meaning, merge keys applied.
    pub meaning: Value,
}

impl Document {
    /// Parses a YAML mapping document; bad input names line and column.
    pub fn parse(source: Source) -> Result<Document, InputError> {
        let path = source.path.clone();
        let at = |offset: usize, message: String| {
            let (line, col) = source.line_col(offset);
            InputError::at(&path, line, col, message)
        };
        let text = match std::str::from_utf8(&source.bytes) {
            Ok(text) => text.to_string(),
            Err(e) => return Err(at(e.valid_up_to(), "not UTF-8 text".into())),
        };
        if text.contains('\0') {
            return Err(InputError::file(
                &path,
                "binary file (it contains NUL bytes)",
            ));
        }
        let invalid = |e: tree::TreeError| at(e.offset, format!("invalid YAML: {}", e.message));
        let tree = tree::parse(&text).map_err(invalid)?;
        let meaning = meaning::resolve(&tree).map_err(invalid)?;
        match tree.root.as_ref() {
            Some(node) if node.entries().is_some() => {}
            Some(node) => return Err(at(node.start, "the top level is not a mapping".into())),
            None => return Err(InputError::file(&path, "empty file")),
        }
        Ok(Document {
            source,
            text,
            tree,
            layout: std::sync::OnceLock::new(),
            meaning,
        })
    }

    /// The file's own layout (indent step, list dashes, line ending).
    pub fn layout(&self) -> &Layout {
        self.layout
            .get_or_init(|| splice::layout(&self.text, &self.tree))
    }
}
