//! Lossless YAML editing: a positioned tree to find places, text splices to
//! change them, the meaning read from the same tree, and a guard that
//! refuses any edit whose meaning is not the one intended. A file is a
//! [`Stream`] of documents (`---`); every offset is into the whole text.

pub mod guard;
pub mod meaning;
pub mod splice;
pub mod tree;

use serde_json::Value;

use crate::error::InputError;
use crate::source::Source;
use splice::Layout;
use tree::{Node, Tree};

/// A YAML file of one or more documents whose top levels are mappings, read
/// three ways: its text, its positioned tree (where to edit) and its meaning
/// with merge keys applied (what is there).
#[derive(Debug, Clone)]
pub struct Stream {
    /// The file as read.
    pub source: Source,
    /// Its text.
    pub text: String,
    /// Positions, per document.
    pub tree: Tree,
    /// Each document's meaning, in order (`Null` for an empty one).
    pub documents: Vec<Value>,
    /// The documents' meanings merged, when more than one document has
    /// one (see [`Stream::meaning`]); a single document is not copied.
    merged: Option<Value>,
    /// The file's own layout, for inserted text: read when a rule first
    /// asks (most parses, such as the last pass's, insert nothing).
    layout: std::sync::OnceLock<Layout>,
}

impl Stream {
    /// Parses a YAML stream whose documents are mappings (or empty); bad
    /// input names line and column.
    pub fn parse(source: Source) -> Result<Stream, InputError> {
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
        let documents = tree
            .documents
            .iter()
            .map(|d| meaning::resolve(d.root.as_ref()))
            .collect::<Result<Vec<Value>, _>>()
            .map_err(invalid)?;
        if tree.root().is_none() {
            return Err(InputError::file(&path, "empty file"));
        }
        if let Some(node) = tree.roots().find(|n| n.entries().is_none()) {
            return Err(at(node.start, "the top level is not a mapping".into()));
        }
        let merged =
            (documents.iter().filter(|d| !d.is_null()).count() > 1).then(|| merged(&documents));
        Ok(Stream {
            source,
            text,
            tree,
            documents,
            merged,
            layout: std::sync::OnceLock::new(),
        })
    }

    /// The documents' meanings merged in order, later keys over earlier
    /// ones (as Compose merges a file of several documents); for a single
    /// document, its meaning.
    pub fn meaning(&self) -> &Value {
        static NULL: Value = Value::Null;
        match &self.merged {
            Some(merged) => merged,
            None => self
                .documents
                .iter()
                .find(|d| !d.is_null())
                .unwrap_or(&NULL),
        }
    }

    /// The file's own layout (indent step, list dashes, line ending).
    pub fn layout(&self) -> &Layout {
        self.layout
            .get_or_init(|| splice::layout(&self.text, &self.tree))
    }

    /// The first document's root mapping (parsing checks there is one).
    pub fn root(&self) -> &Node {
        self.tree.root().expect("parse checks there is a root")
    }
}

/// Meanings merged in order: mappings key by key, recursively; anything
/// else is replaced by the later value.
fn merged(documents: &[Value]) -> Value {
    let mut documents = documents.iter().filter(|d| !d.is_null());
    let Some(first) = documents.next() else {
        return Value::Null;
    };
    let mut out = first.clone();
    for next in documents {
        merge_into(&mut out, next);
    }
    out
}

fn merge_into(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(base), Value::Object(over)) => {
            for (key, value) in over {
                match base.get_mut(key) {
                    Some(existing) => merge_into(existing, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, over) => *base = over.clone(),
    }
}
