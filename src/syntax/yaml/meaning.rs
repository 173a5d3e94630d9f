//! The meaning of a YAML document, read from its positioned tree: plain
//! scalars typed by the YAML 1.2 core schema (the one Compose reads with),
//! aliases expanded within a budget, `<<` merge keys applied, duplicate keys
//! refused. Reading it from the tree instead of parsing the text a second
//! time halves the cost of every Compose parse (ADR 005).

use foldhash::HashMap;

use granit_parser::ScalarStyle;
use serde_json::{Map, Number, Value};

use super::tree::{Entry, Kind, Node, Tag, TreeError};

/// How many nodes aliases may add in all: a real file repeats a few small
/// blocks; an alias bomb (aliases of aliases) would need billions.
pub const MAX_ALIASED_NODES: usize = 1_000_000;

/// One document's meaning (`Null` for an empty document).
pub fn resolve(root: Option<&Node>) -> Result<Value, TreeError> {
    let mut reader = Reader {
        anchors: HashMap::default(),
        aliased: 0,
    };
    match root {
        Some(root) => reader.node(root).map(|(value, _)| value),
        None => Ok(Value::Null),
    }
}

struct Reader {
    /// Each finished anchored node's meaning and node count, by anchor id.
    anchors: HashMap<usize, (Value, usize)>,
    /// Nodes added by aliases so far.
    aliased: usize,
}

fn error(node: &Node, message: impl Into<String>) -> TreeError {
    TreeError {
        offset: node.start,
        message: message.into(),
    }
}

impl Reader {
    /// A node's meaning and how many nodes it holds.
    fn node(&mut self, node: &Node) -> Result<(Value, usize), TreeError> {
        let (value, size) = match &node.kind {
            Kind::Scalar(text, style, tag) => (scalar(node, text, *style, *tag)?, 1),
            Kind::Alias(id) => {
                let Some((value, size)) = self.anchors.get(id) else {
                    return Err(error(node, "an alias inside the node it names (recursive)"));
                };
                self.aliased += size;
                if self.aliased > MAX_ALIASED_NODES {
                    return Err(error(
                        node,
                        format!("aliases expand to more than {MAX_ALIASED_NODES} nodes"),
                    ));
                }
                (value.clone(), *size)
            }
            Kind::Seq(_, items) => {
                let mut values = Vec::with_capacity(items.len());
                let mut size = 1;
                for item in items {
                    let (value, n) = self.node(item)?;
                    values.push(value);
                    size += n;
                }
                (Value::Array(values), size)
            }
            Kind::Map(_, entries) => self.map(entries)?,
        };
        if let Some(anchor) = &node.anchor {
            self.anchors.insert(anchor.id, (value.clone(), size));
        }
        Ok((value, size))
    }

    /// A mapping: its own keys first, then each merged mapping's keys that
    /// are not there yet (earlier merged mappings win).
    fn map(&mut self, entries: &[Entry]) -> Result<(Value, usize), TreeError> {
        let mut own = Map::new();
        let mut size = 1;
        let mut merges = None;
        for entry in entries {
            if is_merge_key(&entry.key) {
                if merges.is_some() {
                    return Err(error(&entry.key, "duplicate merge key `<<`"));
                }
                let (value, n) = self.node(&entry.value)?;
                size += n;
                merges = Some((&entry.value, value));
                continue;
            }
            let key = self.key(&entry.key)?;
            let (value, n) = self.node(&entry.value)?;
            size += n;
            if own.contains_key(&key) {
                return Err(error(&entry.key, format!("duplicate key `{key}`")));
            }
            own.insert(key, value);
        }
        if let Some((node, merged)) = merges {
            for source in merged_maps(node, merged)? {
                for (key, value) in source {
                    own.entry(key).or_insert(value);
                }
            }
        }
        Ok((Value::Object(own), size))
    }

    /// A mapping key as text: a scalar as written (`1`, `true` and `~` are
    /// the keys "1", "true" and "~"), or an alias of one.
    fn key(&mut self, key: &Node) -> Result<String, TreeError> {
        let not_scalar = || error(key, "a mapping key that is not a scalar");
        match &key.kind {
            Kind::Scalar(text, ..) => {
                if let Some(anchor) = &key.anchor {
                    let value = Value::String(text.clone());
                    self.anchors.insert(anchor.id, (value, 1));
                }
                Ok(text.clone())
            }
            Kind::Alias(_) => match self.node(key)?.0 {
                Value::String(text) => Ok(text),
                Value::Number(n) => Ok(n.to_string()),
                Value::Bool(b) => Ok(b.to_string()),
                Value::Null => Ok(String::new()),
                _ => Err(not_scalar()),
            },
            _ => Err(not_scalar()),
        }
    }
}

/// The mappings a merge key's value holds, in order: a mapping, null (none)
/// or a list of these.
fn merged_maps(node: &Node, merged: Value) -> Result<Vec<Map<String, Value>>, TreeError> {
    match merged {
        Value::Object(map) => Ok(vec![map]),
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => {
            let mut maps = Vec::new();
            for item in items {
                maps.extend(merged_maps(node, item)?);
            }
            Ok(maps)
        }
        _ => Err(error(
            node,
            "a merge key `<<` takes a mapping or a list of mappings",
        )),
    }
}

fn is_merge_key(key: &Node) -> bool {
    matches!(&key.kind, Kind::Scalar(text, ScalarStyle::Plain, Tag::Implicit) if text == "<<")
}

/// A scalar's value: quoted, block and `!!str` scalars are strings; plain
/// ones are typed by the YAML 1.2 core schema; `!!int` and kin must read as
/// their type.
fn scalar(node: &Node, text: &str, style: ScalarStyle, tag: Tag) -> Result<Value, TreeError> {
    let typed = |value: Option<Value>, name: &str| {
        value.ok_or_else(|| error(node, format!("`{text}` is not a valid !!{name}")))
    };
    match tag {
        Tag::Str => Ok(Value::String(text.to_string())),
        Tag::Null => typed(null(text).then_some(Value::Null), "null"),
        Tag::Bool => typed(boolean(text).map(Value::Bool), "bool"),
        Tag::Int => typed(integer(text), "int"),
        Tag::Float => typed(float(text).or_else(|| integer(text)), "float"),
        Tag::Implicit | Tag::Custom if style != ScalarStyle::Plain => {
            Ok(Value::String(text.to_string()))
        }
        Tag::Implicit | Tag::Custom => Ok(if text.is_empty() || null(text) {
            Value::Null
        } else if let Some(b) = boolean(text) {
            Value::Bool(b)
        } else if let Some(n) = number(text) {
            n
        } else {
            Value::String(text.to_string())
        }),
    }
}

/// An integer or a float; text that cannot start one is turned away at its
/// first byte (most scalars are names, images and paths).
fn number(text: &str) -> Option<Value> {
    let first = *text.as_bytes().first()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return None;
    }
    integer(text).or_else(|| float(text))
}

fn null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn boolean(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// `[-+]?[0-9]+`, `0x…`, `0o…` or `0b…`; single underscores may separate
/// digits (`1_000`). A redundant leading zero (`0127`) is no integer: it
/// reads as a float, as serde-saphyr reads it.
fn integer(text: &str) -> Option<Value> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let prefixed = |prefix: &str| {
        digits
            .strip_prefix(prefix)
            .or_else(|| digits.strip_prefix(&prefix.to_ascii_uppercase()))
    };
    let (radix, digits) = if let Some(hex) = prefixed("0x") {
        (16, hex)
    } else if let Some(octal) = prefixed("0o") {
        (8, octal)
    } else if let Some(binary) = prefixed("0b") {
        (2, binary)
    } else if digits.len() > 1 && digits.starts_with('0') {
        return None;
    } else {
        (10, digits)
    };
    let bytes = digits.as_bytes();
    let separated =
        |i: usize| i > 0 && bytes[i - 1] != b'_' && bytes.get(i + 1).is_some_and(|&b| b != b'_');
    let valid = bytes
        .iter()
        .enumerate()
        .all(|(i, &b)| (b as char).is_digit(radix) || (b == b'_' && separated(i)));
    if digits.is_empty() || !valid {
        return None;
    }
    let magnitude = if digits.contains('_') {
        u64::from_str_radix(&digits.replace('_', ""), radix).ok()?
    } else {
        u64::from_str_radix(digits, radix).ok()?
    };
    if !negative {
        return Some(Value::Number(magnitude.into()));
    }
    let value = 0i64.checked_sub_unsigned(magnitude)?;
    Some(Value::Number(value.into()))
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`; `.inf` and `.nan`
/// have no JSON number and stay text.
fn float(text: &str) -> Option<Value> {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match fraction {
        Some(fraction) => {
            digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty())
        }
        None => !whole.is_empty() && digits(whole),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    if !mantissa_ok || !exponent_ok {
        return None;
    }
    Number::from_f64(text.parse().ok()?).map(Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::yaml::tree;
    use serde_json::json;

    fn read(text: &str) -> Result<Value, String> {
        let tree = tree::parse(text).map_err(|e| e.message)?;
        resolve(tree.root()).map_err(|e| format!("{}: {}", e.offset, e.message))
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let text = "a: 1\nb: -2\nc: 0x1f\nd: 0o17\ne: 1.5\nf: 1e3\ng: true\nh: no\ni: ~\nj:\nk: '1'\nl: 0127\nm: .inf\nn: !!str 1\no: !reset 2\np: \"true\"\nq: |\n  x\nr: 1_000\ns: .5\n";
        assert_eq!(
            read(text).unwrap(),
            json!({"a": 1, "b": -2, "c": 31, "d": 15, "e": 1.5, "f": 1000.0, "g": true,
                   "h": "no", "i": null, "j": null, "k": "1", "l": 127.0, "m": ".inf",
                   "n": "1", "o": 2, "p": "true", "q": "x\n", "r": 1000, "s": 0.5})
        );
    }

    #[test]
    fn merges_and_aliases() {
        let text = "x: &x {a: 1, b: 2}\ny: &y {b: 3, c: 4}\nz:\n  <<: [*x, *y]\n  a: 0\nw: {<<: *y}\nv: *x\n";
        assert_eq!(
            read(text).unwrap(),
            json!({"x": {"a": 1, "b": 2}, "y": {"b": 3, "c": 4},
                   "z": {"a": 0, "b": 2, "c": 4}, "w": {"b": 3, "c": 4}, "v": {"a": 1, "b": 2}})
        );
        let redefined = "a: &n 1\nb: *n\nc: &n 2\nd: *n\n";
        assert_eq!(
            read(redefined).unwrap(),
            json!({"a": 1, "b": 1, "c": 2, "d": 2})
        );
        assert_eq!(read("'<<': 1\n").unwrap(), json!({"<<": 1}));
    }

    #[test]
    fn refusals() {
        assert!(read("a: 1\na: 2\n")
            .unwrap_err()
            .contains("duplicate key `a`"));
        assert!(read("a: &a [*a]\n").unwrap_err().contains("recursive"));
        assert!(read("<<: 1\n").unwrap_err().contains("merge key"));
        assert!(read("? [a]\n: 1\n").unwrap_err().contains("not a scalar"));
        assert!(read("a: !!int x\n").unwrap_err().contains("!!int"));
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (name, previous) in [
            ("b", "a"),
            ("c", "b"),
            ("d", "c"),
            ("e", "d"),
            ("f", "e"),
            ("g", "f"),
        ] {
            let items = vec![format!("*{previous}"); 10].join(", ");
            bomb.push_str(&format!("{name}: &{name} [{items}]\n"));
        }
        assert!(read(&bomb).unwrap_err().contains("more than"));
    }
}
