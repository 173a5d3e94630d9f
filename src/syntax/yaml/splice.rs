//! Text splices into YAML that follow the file's own layout: its line
//! ending, its indentation step, and whether list items are indented under
//! their key.

use serde_json::Value;

use super::tree::{Kind, Node, Tree};
use super::Stream;
use crate::edit::Edit;
use crate::source::LineEnding;

/// How a YAML file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Line ending of inserted lines.
    pub eol: &'static str,
    /// Spaces per nesting level.
    pub unit: usize,
    /// Whether `- item` lines are indented under their key.
    pub seq_indented: bool,
    /// Whether the text ends with a line break.
    pub final_newline: bool,
}

/// Start of the line holding `offset`.
pub fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// Column (in bytes) of `offset` in its line.
pub fn column(text: &str, offset: usize) -> usize {
    offset - line_start(text, offset)
}

/// Start of the line after the one holding `offset` (or `offset` itself when
/// it already starts a line; the end of the text when there is no next line).
pub fn after_line(text: &str, offset: usize) -> usize {
    if offset == 0 || text.as_bytes().get(offset - 1) == Some(&b'\n') {
        return offset;
    }
    text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

/// Reads the layout from the file: the smallest step between a block
/// mapping's keys and its children's keys, and where list dashes sit.
pub fn layout(text: &str, tree: &Tree) -> Layout {
    let mut steps = Vec::new();
    let mut seq_indented = None;
    for root in tree.roots() {
        walk(text, root, &mut steps, &mut seq_indented);
    }
    Layout {
        eol: LineEnding::detect(text.as_bytes()).as_str(),
        unit: steps.into_iter().filter(|&s| s > 0).min().unwrap_or(2),
        seq_indented: seq_indented.unwrap_or(true),
        final_newline: text.is_empty() || text.ends_with('\n'),
    }
}

fn walk(text: &str, node: &Node, steps: &mut Vec<usize>, seq_indented: &mut Option<bool>) {
    match &node.kind {
        Kind::Map(false, entries) => {
            for entry in entries {
                let key_col = column(text, entry.key.start);
                match &entry.value.kind {
                    Kind::Map(false, children) if !children.is_empty() => {
                        let child_col = key_column(text, &entry.value).unwrap_or(key_col);
                        if child_col > key_col {
                            steps.push(child_col - key_col);
                        }
                    }
                    Kind::Seq(false, items) if !items.is_empty() && seq_indented.is_none() => {
                        if let Some(dash) = dash_column(text, &items[0]) {
                            *seq_indented = Some(dash > key_col);
                        }
                    }
                    _ => {}
                }
                walk(text, &entry.value, steps, seq_indented);
            }
        }
        Kind::Seq(_, items) => items
            .iter()
            .for_each(|i| walk(text, i, steps, seq_indented)),
        Kind::Map(true, entries) => entries
            .iter()
            .for_each(|e| walk(text, &e.value, steps, seq_indented)),
        _ => {}
    }
}

/// Column of the `- ` that introduces a block sequence item.
pub fn dash_column(text: &str, item: &Node) -> Option<usize> {
    let start = line_start(text, item.start);
    let before = &text[start..item.start];
    let dash = before.rfind('-')?;
    before[..dash].trim().is_empty().then_some(dash)
}

/// Lines joined for insertion at `at`: each indented by `indent`, with the
/// file's line ending; at the end of a file without a final newline, the
/// break goes first and none follows.
pub fn lines_at(text: &str, layout: &Layout, at: usize, indent: usize, lines: &[String]) -> String {
    let unterminated = at == text.len() && !layout.final_newline;
    crate::source::whole_lines(
        lines.iter().map(String::as_str),
        indent,
        layout.eol,
        unterminated,
    )
}

/// Column of a block mapping's keys, or `None` for flow or empty mappings.
pub fn key_column(text: &str, map: &Node) -> Option<usize> {
    match &map.kind {
        Kind::Map(false, entries) if !entries.is_empty() => {
            let key = entries[0].key.start;
            let prefix = &text[line_start(text, key)..key];
            let properties = prefix.split_whitespace().all(|t| t.starts_with(['&', '!']));
            Some(if properties {
                prefix.len() - prefix.trim_start().len()
            } else {
                column(text, key)
            })
        }
        _ => None,
    }
}

/// Appends `lines` (relative indentation, keys at column 0) at the end of a
/// block mapping.
pub fn append_to_map(text: &str, layout: &Layout, map: &Node, lines: &[String]) -> Option<Edit> {
    let indent = key_column(text, map)?;
    let at = after_line(text, map.end);
    Some(Edit::insert(at, lines_at(text, layout, at, indent, lines)))
}

/// Appends one item to a sequence, block or flow; `item` is already YAML.
pub fn append_to_seq(text: &str, layout: &Layout, seq: &Node, item: &str) -> Option<Edit> {
    match &seq.kind {
        Kind::Seq(true, items) => Some(match items.last() {
            Some(last) => Edit::insert(last.end, format!(", {item}")),
            None => Edit::insert(seq.start + 1, item.to_string()),
        }),
        Kind::Seq(false, items) => {
            let last = items.last()?;
            let dash = dash_column(text, &items[0])?;
            let at = after_line(text, last.end);
            Some(Edit::insert(
                at,
                lines_at(text, layout, at, dash, &[format!("- {item}")]),
            ))
        }
        _ => None,
    }
}

/// Adds `key: value` to a mapping, block or flow; `value` is already YAML.
pub fn add_to_map(text: &str, layout: &Layout, map: &Node, key: &str, value: &str) -> Option<Edit> {
    match &map.kind {
        Kind::Map(true, entries) => Some(match entries.last() {
            Some(last) => Edit::insert(last.value.end, format!(", {key}: {value}")),
            None => Edit::insert(map.start + 1, format!("{key}: {value}")),
        }),
        Kind::Map(false, _) => append_to_map(text, layout, map, &[format!("{key}: {value}")]),
        _ => None,
    }
}

/// Inserts `lines` (relative indentation) under `parents` in the block
/// mapping `node` (whose meaning is `meaning`), descending through the block
/// mappings that exist and writing the rest. `Err` says why it cannot be
/// done in place (`{node}` in it stands for the mapping, for the caller to name).
pub fn insert_under(
    doc: &Stream,
    node: &Node,
    meaning: &Value,
    parents: &[&str],
    lines: &[String],
) -> Result<Edit, String> {
    let unit = doc.layout().unit;
    let mut node = node;
    let mut meaning = Some(meaning);
    for (depth, key) in parents.iter().enumerate() {
        let path = parents[..=depth].join(".");
        match node.get(key) {
            Some(child) if child.is_shared() => {
                return Err(format!("`{path}` is shared through an anchor or alias: editing it would change other places"))
            }
            Some(child) if key_column(&doc.text, child).is_some() => {
                node = child;
                meaning = meaning.and_then(|m| m.get(*key));
            }
            Some(_) => {
                return Err(format!(
                    "`{path}` is not a block mapping seaworthy can add to"
                ))
            }
            None if meaning.and_then(|m| m.get(*key)).is_some() => {
                return Err(format!(
                    "`{path}` comes from a merge key (`<<`): add it there"
                ))
            }
            None => {
                let mut nested = Vec::new();
                for (level, k) in parents[depth..].iter().enumerate() {
                    nested.push(format!("{}{k}:", " ".repeat(unit * level)));
                }
                let pad = " ".repeat(unit * (parents.len() - depth));
                nested.extend(lines.iter().map(|l| format!("{pad}{l}")));
                return append_to_map(&doc.text, doc.layout(), node, &nested)
                    .ok_or_else(|| "{node} is not a block mapping".to_string());
            }
        }
    }
    // A key the mapping gets through a merge key (`<<: *defaults`) would be
    // replaced by one written here, not extended.
    let merged = lines
        .iter()
        .filter(|line| !line.starts_with([' ', '-', '#']))
        .filter_map(|line| line.split_once(':').map(|(key, _)| key.trim()))
        .find(|key| node.get(key).is_none() && meaning.and_then(|m| m.get(*key)).is_some());
    if let Some(key) = merged {
        let path: Vec<&str> = parents.iter().copied().chain([key]).collect();
        return Err(format!(
            "`{}` comes from a merge key (`<<`): add it there",
            path.join(".")
        ));
    }
    append_to_map(&doc.text, doc.layout(), node, lines)
        .ok_or_else(|| "{node} is not a block mapping".to_string())
}

/// Sets `name` in the `KEY=value` list or mapping under `key` of the
/// mapping `node` (`environment`, `labels` of a service), in the style it
/// uses; without `key`, adds it as a mapping.
pub fn add_setting(
    doc: &Stream,
    node: &Node,
    meaning: &Value,
    key: &str,
    name: &str,
    value: &str,
) -> Result<Edit, String> {
    let item = plain_or_quoted(&format!("{name}={value}"));
    let value = plain_or_quoted(value);
    match node.get(key) {
        Some(child) if child.is_shared() => {
            Err(format!("`{key}` is shared through an anchor or alias"))
        }
        Some(child) if matches!(child.kind, Kind::Seq(..)) => {
            append_to_seq(&doc.text, doc.layout(), child, &item)
                .ok_or_else(|| format!("`{key}` cannot be extended"))
        }
        Some(child) => add_to_map(&doc.text, doc.layout(), child, name, &value)
            .ok_or_else(|| format!("`{key}` cannot be extended")),
        None if meaning.get(key).is_some() => Err(format!(
            "`{key}` comes from a merge key (`<<`): add it there"
        )),
        None => {
            let unit = " ".repeat(doc.layout().unit);
            insert_under(
                doc,
                node,
                meaning,
                &[],
                &[format!("{key}:"), format!("{unit}{name}: {value}")],
            )
        }
    }
}

/// `value` as a plain scalar when it reads back as the same string, else quoted.
pub fn plain_or_quoted(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '='))
        && !value.starts_with(['-', '.'])
        && value.parse::<f64>().is_err()
        && !matches!(
            value.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "true" | "false" | "on" | "off" | "null" | "~"
        );
    if plain {
        value.to_string()
    } else {
        quoted(value)
    }
}

/// A YAML double-quoted scalar (JSON string syntax is valid YAML).
pub fn quoted(value: &str) -> String {
    serde_json::to_string(value).expect("strings serialise")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::apply;
    use crate::syntax::yaml::tree::parse;

    fn splice(text: &str, f: impl Fn(&str, &Layout, &Node) -> Option<Edit>) -> String {
        let tree = parse(text).unwrap();
        let layout = layout(text, &tree);
        let root = tree.root().unwrap();
        let edit = f(text, &layout, root).unwrap();
        String::from_utf8(apply(text.as_bytes(), &[&edit])).unwrap()
    }

    #[test]
    fn reads_layout() {
        let text = "a:\n    b:\n        - x\n";
        let tree = parse(text).unwrap();
        let l = layout(text, &tree);
        assert_eq!((l.unit, l.seq_indented), (4, true));
        let text = "a:\n  b:\n  - x\n";
        let l = layout(text, &parse(text).unwrap());
        assert_eq!((l.unit, l.seq_indented), (2, false));
    }

    #[test]
    fn appends_keys_and_items() {
        let text = "s:\n  a: 1 # c\n  l:\n    - x\n  f: [x]\n  m: {k: v}";
        let out = splice(text, |t, l, root| {
            append_to_map(t, l, root.get("s").unwrap(), &["z: 2".into()])
        });
        assert_eq!(
            out,
            "s:\n  a: 1 # c\n  l:\n    - x\n  f: [x]\n  m: {k: v}\n  z: 2"
        );
        let out = splice(text, |t, l, root| {
            append_to_seq(t, l, root.get("s")?.get("l")?, "y")
        });
        assert!(out.contains("    - x\n    - y\n"));
        let out = splice(text, |t, l, root| {
            append_to_seq(t, l, root.get("s")?.get("f")?, "y")
        });
        assert!(out.contains("f: [x, y]"));
        let out = splice(text, |t, l, root| {
            add_to_map(t, l, root.get("s")?.get("m")?, "a", "b")
        });
        assert!(out.ends_with("m: {k: v, a: b}"));
    }

    #[test]
    fn properties_before_the_first_key_count() {
        let text = "s:\n  &a k: 1\n";
        let out = splice(text, |t, l, root| {
            append_to_map(t, l, root.get("s").unwrap(), &["z: 2".into()])
        });
        assert_eq!(out, "s:\n  &a k: 1\n  z: 2\n");
    }

    #[test]
    fn crlf_is_kept() {
        let text = "s:\r\n  a: 1\r\n";
        let out = splice(text, |t, l, root| {
            append_to_map(t, l, root.get("s").unwrap(), &["z: 2".into()])
        });
        assert_eq!(out, "s:\r\n  a: 1\r\n  z: 2\r\n");
    }
}
