//! Lossless YAML editing: a positioned tree to find places, text splices to
//! change them, serde-saphyr to read meaning, and a guard that refuses any
//! edit whose meaning is not the one intended.

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
    /// The file's own layout, for inserted text.
    pub layout: Layout,
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
        let tree =
            tree::parse(&text).map_err(|e| at(e.offset, format!("invalid YAML: {}", e.message)))?;
        let meaning: Value = serde_saphyr::from_str(&text).map_err(|e| {
            let (line, col) = e
                .location()
                .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
            let rendered = e.to_string();
            let first = rendered
                .lines()
                .next()
                .unwrap_or("invalid YAML")
                .trim_start_matches("error: ");
            let message = match first.split_once(": ") {
                Some((position, rest)) if position.starts_with("line ") => rest,
                _ => first,
            };
            let message = message
                .split(", set DuplicateKeyPolicy")
                .next()
                .unwrap_or(message);
            InputError::at(&path, line, col, format!("invalid YAML: {message}"))
        })?;
        match tree.root.as_ref() {
            Some(node) if node.entries().is_some() => {}
            Some(node) => return Err(at(node.start, "the top level is not a mapping".into())),
            None => return Err(InputError::file(&path, "empty file")),
        }
        let layout = splice::layout(&text, &tree);
        Ok(Document {
            source,
            text,
            tree,
            layout,
            meaning,
        })
    }
}
