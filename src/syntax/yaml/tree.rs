//! A positioned YAML tree built from `granit-parser` events: every node
//! knows its byte range, every block-mapping key its indentation, so edits
//! can be spliced into the text. It also keeps what meaning needs (tags,
//! anchor and alias identities), so [`super::meaning`] reads the document
//! from this tree without parsing the text again.

use granit_parser::{Event, Parser, ScalarStyle, StructureStyle};

/// What a node is.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A scalar with its value, how it was written and its explicit tag.
    Scalar(String, ScalarStyle, Tag),
    /// A sequence; `true` for flow style (`[a, b]`).
    Seq(bool, Vec<Node>),
    /// A mapping; `true` for flow style (`{a: b}`).
    Map(bool, Vec<Entry>),
    /// An alias (`*name`), with the [`Anchor::id`] of the node it repeats.
    Alias(usize),
}

/// A scalar's explicit tag, as far as its meaning goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// No tag: the value's type follows from its text.
    Implicit,
    /// `!!str` or the non-specific `!`: a string whatever the text.
    Str,
    /// `!!int`.
    Int,
    /// `!!float`.
    Float,
    /// `!!bool`.
    Bool,
    /// `!!null`.
    Null,
    /// Any other tag (Compose's `!reset`, `!override`, …): the value's type
    /// follows from its text, as without a tag.
    Custom,
}

impl Tag {
    fn of(tag: Option<&granit_parser::Tag>) -> Tag {
        let Some(tag) = tag else {
            return Tag::Implicit;
        };
        match (tag.handle(), tag.suffix()) {
            ("tag:yaml.org,2002:", "str") | ("!", "") => Tag::Str,
            ("tag:yaml.org,2002:", "int") => Tag::Int,
            ("tag:yaml.org,2002:", "float") => Tag::Float,
            ("tag:yaml.org,2002:", "bool") => Tag::Bool,
            ("tag:yaml.org,2002:", "null") => Tag::Null,
            _ => Tag::Custom,
        }
    }
}

/// An anchor (`&name`) defined on a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The parser's identity for this definition: a name defined twice gets
    /// two, and each alias names the one before it.
    pub id: usize,
    /// The name as written.
    pub name: String,
}

/// A node and the bytes it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What it is.
    pub kind: Kind,
    /// First byte.
    pub start: usize,
    /// One past the last byte of its content (for block scalars, of its
    /// last non-blank character: the line breaks after it belong to no one).
    pub end: usize,
    /// The anchor defined on it (`&name`), if any: editing it would change
    /// every alias too.
    pub anchor: Option<Anchor>,
}

/// A mapping entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key node.
    pub key: Node,
    /// The value node.
    pub value: Node,
}

/// A comment and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Byte range of `#…`.
    pub start: usize,
    /// End of the comment (before the line break).
    pub end: usize,
    /// The text after `#`.
    pub text: String,
}

/// One document of a stream (`---` starts the next).
#[derive(Debug, Clone, PartialEq)]
pub struct DocTree {
    /// The root node (`None` for an empty document).
    pub root: Option<Node>,
    /// Where the document starts (its `---`, or its first node).
    pub start: usize,
}

/// A parsed YAML stream: one or more documents, every offset into the whole
/// text, so a splice into any document is a splice into the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    /// The documents, in order (none for an empty text).
    pub documents: Vec<DocTree>,
    /// The comments that hold a [`DIRECTIVE`] (the only ones anything
    /// reads): the parser skips the others without capturing them, which
    /// saves a fifth of the parsing work.
    pub comments: Vec<Comment>,
}

/// A parse failure at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeError {
    /// Where.
    pub offset: usize,
    /// What.
    pub message: String,
}

impl Node {
    /// The scalar value, if this is a scalar.
    pub fn scalar(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(value, ..) => Some(value),
            _ => None,
        }
    }

    /// The entries, if this is a mapping.
    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.kind {
            Kind::Map(_, entries) => Some(entries),
            _ => None,
        }
    }

    /// The value under `key`, if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()?
            .iter()
            .find(|e| e.key.scalar() == Some(key))
            .map(|e| &e.value)
    }

    /// The entry under `key`.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries()?.iter().find(|e| e.key.scalar() == Some(key))
    }

    /// Whether editing inside this node would change other places of the
    /// file too: it is an alias, or anchored.
    pub fn is_shared(&self) -> bool {
        self.anchor.is_some() || matches!(self.kind, Kind::Alias(_))
    }

    /// Whether this is a flow collection.
    pub fn is_flow(&self) -> bool {
        matches!(self.kind, Kind::Seq(true, _) | Kind::Map(true, _))
    }

    /// Whether this is a plain or quoted scalar (not a block scalar), so a
    /// part of it can be replaced in place.
    pub fn is_inline_scalar(&self) -> bool {
        matches!(
            &self.kind,
            Kind::Scalar(
                _,
                ScalarStyle::Plain | ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted,
                _
            )
        )
    }

    /// Whether this is a null-ish empty scalar (`key:` with nothing after it).
    pub fn is_empty_scalar(&self) -> bool {
        matches!(&self.kind, Kind::Scalar(v, ScalarStyle::Plain, _) if v.is_empty() || v == "~" || v == "null")
    }
}

/// A collection still open: flow style, start, anchor, and what it holds
/// so far (a mapping's entries, and a key still waiting for its value).
enum Frame {
    Seq(bool, usize, Option<Anchor>, Vec<Node>),
    Map(bool, usize, Option<Anchor>, Vec<Entry>, Option<Node>),
}

/// Where a block scalar really ends. Its trailing line breaks belong to it
/// only with "keep" chomping (`|+`, `>+`): then it ends at the start of the
/// line after them; otherwise at its last non-blank character.
fn block_scalar_end(text: &str, start: usize, end: usize) -> usize {
    let before = text[..start].trim_end();
    let header_lines = [
        &before[before.rfind('\n').map_or(0, |i| i + 1)..],
        text[start..end].lines().next().unwrap_or(""),
    ];
    let keep = header_lines.iter().any(|line| {
        let token = line
            .split('#')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .last()
            .unwrap_or("");
        token.starts_with(['|', '>']) && token.contains('+')
    });
    if keep {
        let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        return if text[line_start..end].trim().is_empty() {
            line_start.max(start)
        } else {
            end
        };
    }
    start + text[start..end].trim_end().len()
}

fn unbalanced(offset: usize) -> TreeError {
    TreeError {
        offset,
        message: "unbalanced collection end".into(),
    }
}

use crate::registry::DIRECTIVE;

impl Tree {
    /// The first document's root: where a stream of one document keeps its
    /// nodes, and where top-level keys are added to a stream of several.
    pub fn root(&self) -> Option<&Node> {
        self.documents.iter().find_map(|d| d.root.as_ref())
    }

    /// Every document's root, in order.
    pub fn roots(&self) -> impl Iterator<Item = &Node> {
        self.documents.iter().filter_map(|d| d.root.as_ref())
    }
}

/// Parses a YAML stream of any number of documents.
pub fn parse(text: &str) -> Result<Tree, TreeError> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut documents: Vec<DocTree> = Vec::new();
    let mut comments = Vec::new();
    // Whether the last node event opened a collection (an anchor event
    // that follows belongs to it, not to its last child).
    let mut opened = false;
    let offset = |m: granit_parser::Marker| m.byte_offset().unwrap_or(0);
    let options = granit_parser::options! {
        emit_anchor_events: true,
        emit_comments: text.contains(DIRECTIVE),
        max_buffered_comment_events: usize::MAX,
    };
    for next in Parser::new_from_str_with_options(text, options) {
        let (event, span) = next.map_err(|e| TreeError {
            offset: e.marker().byte_offset().unwrap_or(0),
            message: e.info().to_string(),
        })?;
        let (start, end) = (offset(span.start), offset(span.end));
        let node = match event {
            Event::DocumentStart(..) => {
                documents.push(DocTree { root: None, start });
                continue;
            }
            Event::Comment(text, _) => {
                if text.contains(DIRECTIVE) {
                    comments.push(Comment {
                        start,
                        end,
                        text: text.into_owned(),
                    });
                }
                continue;
            }
            Event::Anchor(id, name) => {
                let name = Some(Anchor {
                    id,
                    name: name.into_owned(),
                });
                match (opened, stack.last_mut()) {
                    (true, Some(Frame::Seq(_, _, anchor, _) | Frame::Map(_, _, anchor, ..))) => {
                        *anchor = name
                    }
                    (false, Some(Frame::Seq(_, _, _, items))) => {
                        if let Some(last) = items.last_mut() {
                            last.anchor = name;
                        }
                    }
                    (false, Some(Frame::Map(_, _, _, entries, key))) => {
                        if let Some(last) =
                            key.as_mut().or(entries.last_mut().map(|e| &mut e.value))
                        {
                            last.anchor = name;
                        }
                    }
                    (_, None) => {
                        if let Some(root) = documents.last_mut().and_then(|d| d.root.as_mut()) {
                            root.anchor = name;
                        }
                    }
                }
                continue;
            }
            Event::Scalar(value, style, _, tag) => {
                let end = if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                    block_scalar_end(text, start, end)
                } else {
                    end
                };
                Node {
                    kind: Kind::Scalar(value.into_owned(), style, Tag::of(tag.as_deref())),
                    start,
                    end,
                    anchor: None,
                }
            }
            Event::Alias(id) => Node {
                kind: Kind::Alias(id),
                start,
                end,
                anchor: None,
            },
            Event::SequenceStart(style, ..) => {
                stack.push(Frame::Seq(
                    style == StructureStyle::Flow,
                    start,
                    None,
                    Vec::new(),
                ));
                opened = true;
                continue;
            }
            Event::MappingStart(style, ..) => {
                stack.push(Frame::Map(
                    style == StructureStyle::Flow,
                    start,
                    None,
                    Vec::new(),
                    None,
                ));
                opened = true;
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(flow, start, anchor, items)) => {
                    let end = if flow {
                        end
                    } else {
                        items.last().map_or(start, |n| n.end)
                    };
                    Node {
                        kind: Kind::Seq(flow, items),
                        start,
                        end,
                        anchor,
                    }
                }
                _ => return Err(unbalanced(start)),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(flow, start, anchor, entries, _)) => {
                    let end = if flow {
                        end
                    } else {
                        entries.last().map_or(start, |e| e.value.end)
                    };
                    Node {
                        kind: Kind::Map(flow, entries),
                        start,
                        end,
                        anchor,
                    }
                }
                _ => return Err(unbalanced(start)),
            },
            _ => continue,
        };
        opened = false;
        match stack.last_mut() {
            Some(Frame::Seq(_, _, _, items)) => items.push(node),
            Some(Frame::Map(_, _, _, entries, key)) => match key.take() {
                Some(key) => entries.push(Entry { key, value: node }),
                None => *key = Some(node),
            },
            None => match documents.last_mut() {
                Some(document) => document.root = Some(node),
                None => documents.push(DocTree {
                    root: Some(node),
                    start,
                }),
            },
        }
    }
    Ok(Tree {
        documents,
        comments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        let text = "services:\n  api:\n    image: \"nginx\" # c\n    ports: [\"80:80\"] # seaworthy: ignore\n  db:\n    image: postgres\n";
        let tree = parse(text).unwrap();
        let root = tree.root().unwrap().clone();
        let services = root.get("services").unwrap();
        let api = services.get("api").unwrap();
        assert_eq!(
            &text[api.start..api.end],
            "image: \"nginx\" # c\n    ports: [\"80:80\"]"
        );
        let ports = api.get("ports").unwrap();
        assert!(ports.is_flow());
        assert_eq!(&text[ports.start..ports.end], "[\"80:80\"]");
        assert_eq!(tree.comments.len(), 1, "only the directive is kept");
        assert_eq!(tree.comments[0].text, " seaworthy: ignore");
        assert_eq!(
            services.get("db").unwrap().get("image").unwrap().scalar(),
            Some("postgres")
        );
    }

    #[test]
    fn anchors_and_block_scalars() {
        let text = "x: &a\n  k: v\ns: &b text\nl: &c [1]\nm:\n  c: |\n    line\n\n  d: *a\n";
        let root = parse(text).unwrap().root().unwrap().clone();
        let name = |key: &str| root.get(key).unwrap().anchor.clone().unwrap().name;
        assert_eq!(
            (name("x"), name("s"), name("l")),
            ("a".into(), "b".into(), "c".into())
        );
        let m = root.get("m").unwrap();
        assert!(m.anchor.is_none() && m.get("d").unwrap().is_shared());
        let c = m.get("c").unwrap();
        assert!(text[..c.end].ends_with("line"));
        let empty = " : |+\n :";
        let tree = parse(empty).unwrap();
        let key = &tree.root().unwrap().entries().unwrap()[0].value.clone();
        assert!(key.start <= key.end, "{key:?}");
        let text = "a: |+\n  kept\n\nb: 1\n";
        let a = parse(text)
            .unwrap()
            .root()
            .unwrap()
            .get("a")
            .unwrap()
            .clone();
        assert_eq!(&text[a.end..], "b: 1\n");
    }

    #[test]
    fn errors_and_documents() {
        assert!(parse("a: [\n").is_err());
        let stream = parse("a: 1\n---\nb: 2\n...\n--- &x\nc: 3\n").unwrap();
        assert_eq!(stream.documents.len(), 3);
        let b = stream.documents[1].root.as_ref().unwrap().get("b").unwrap();
        assert_eq!(b.start, 12, "offsets are into the whole text");
        assert!(parse("").unwrap().root().is_none());
    }
}
