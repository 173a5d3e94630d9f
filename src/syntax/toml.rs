//! Lossless TOML edits: `toml_edit` reads the document with the span of
//! every table and value, and the change is a splice at those spans, so
//! every byte outside the inserted line stays as it was (line endings,
//! comments, spacing, a missing final newline).

use toml_edit::{ImDocument, Item, Table};

use crate::edit::Edit;
use crate::error::InputError;
use crate::source::Source;

/// Parses `source` as TOML; bad input names line and column.
pub fn parse(source: &Source) -> Result<ImDocument<String>, InputError> {
    let text = std::str::from_utf8(&source.bytes).map_err(|e| {
        let (line, col) = source.line_col(e.valid_up_to());
        InputError::at(&source.path, line, col, "not UTF-8 text")
    })?;
    ImDocument::parse(text.to_string()).map_err(|e| {
        let (line, col) = e
            .span()
            .map_or((1, 1), |s| crate::source::line_col(&source.bytes, s.start));
        InputError::at(
            &source.path,
            line,
            col,
            format!("invalid TOML: {}", e.message()),
        )
    })
}

/// Inserts `key = value` (`value` already TOML) into the table at the dotted
/// path `parents`, as one new line after the table's last value, or as a new
/// `[table]` at the end of the file when it does not exist. `Err` says why it
/// cannot be done in place (an inline table, a dotted key, an array of tables).
pub fn insert_key(
    source: &Source,
    doc: &ImDocument<String>,
    parents: &[&str],
    key: &str,
    value: &str,
) -> Result<Edit, String> {
    let text = doc.raw();
    let eol = source.line_ending.as_str();
    let mut table: &Table = doc.as_table();
    for (depth, part) in parents.iter().enumerate() {
        let path = parents[..=depth].join(".");
        match table.get(part) {
            Some(Item::Table(t)) if t.is_dotted() => {
                return Err(format!(
                    "`{path}` is written as dotted keys: add `{key}` there by hand"
                ))
            }
            Some(Item::Table(t)) => table = t,
            Some(Item::ArrayOfTables(_)) => return Err(format!("`{path}` is an array of tables")),
            Some(_) => {
                return Err(format!(
                    "`{path}` is not a table seaworthy can add to (an inline table or a value)"
                ))
            }
            None => return Ok(append_table(source, text, parents, key, value)),
        }
    }
    if table.is_implicit() && !parents.is_empty() {
        return Ok(append_table(source, text, parents, key, value));
    }
    let last_value = table
        .iter()
        .filter_map(|(_, item)| match item {
            Item::Value(v) => v.span(),
            _ => None,
        })
        .map(|span| span.end)
        .max();
    let at = match (last_value, table.span()) {
        (Some(end), _) => after_line(text, end),
        (None, Some(header)) => after_line(text, header.end),
        (None, None) => 0,
    };
    let line = format!("{} = {value}", key_repr(key));
    Ok(Edit::insert(at, whole_line_at(source, at, &line, eol)))
}

/// A new `[parents]` table holding `key = value`, at the end of the file.
fn append_table(source: &Source, text: &str, parents: &[&str], key: &str, value: &str) -> Edit {
    let eol = source.line_ending.as_str();
    let header: Vec<String> = parents.iter().map(|p| key_repr(p)).collect();
    let mut out = String::new();
    if !text.is_empty() && !source.ends_with_newline() {
        out.push_str(eol);
    }
    if !text.is_empty() {
        out.push_str(eol);
    }
    out.push_str(&format!(
        "[{}]{eol}{} = {value}",
        header.join("."),
        key_repr(key)
    ));
    if source.ends_with_newline() || text.is_empty() {
        out.push_str(eol);
    }
    Edit::insert(text.len(), out)
}

/// `line` as text inserted at `at`: ended by `eol`, or, at the end of a
/// file without a final newline, started by one (keeping that style).
fn whole_line_at(source: &Source, at: usize, line: &str, eol: &str) -> String {
    if at == source.bytes.len() && !source.ends_with_newline() && at > 0 {
        format!("{eol}{line}")
    } else {
        format!("{line}{eol}")
    }
}

/// Start of the line after the one holding `offset` (the end of the text
/// when there is none).
fn after_line(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

/// A key as TOML writes it: bare when it can be, else a basic string.
fn key_repr(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_string()
    } else {
        serde_json::to_string(key).expect("strings serialise")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inserted(text: &str, parents: &[&str]) -> Result<String, String> {
        let source = Source::new("app.toml", text.as_bytes().to_vec());
        let doc = parse(&source).unwrap();
        let edit = insert_key(&source, &doc, parents, "health_port", "8080")?;
        Ok(String::from_utf8(crate::edit::apply(text.as_bytes(), &[&edit])).unwrap())
    }

    #[test]
    fn one_line_is_added_and_nothing_else_changes() {
        let mixed = "[gateway]\r\nport = 8080\r\n\r\n[other]\nname = \"x\"\n";
        assert_eq!(
            inserted(mixed, &["gateway"]).unwrap(),
            "[gateway]\r\nport = 8080\r\nhealth_port = 8080\r\n\r\n[other]\nname = \"x\"\n"
        );
        assert_eq!(
            inserted("a = 1 # one\n[t]\nb = [\n  1,\n]\n", &[]).unwrap(),
            "a = 1 # one\nhealth_port = 8080\n[t]\nb = [\n  1,\n]\n"
        );
        assert_eq!(
            inserted("[t]\nb = [\n  1,\n] # end\n", &["t"]).unwrap(),
            "[t]\nb = [\n  1,\n] # end\nhealth_port = 8080\n"
        );
        assert_eq!(inserted("[t]", &["t"]).unwrap(), "[t]\nhealth_port = 8080");
    }

    #[test]
    fn missing_tables_are_appended() {
        assert_eq!(
            inserted("a = 1\n", &["gateway", "health"]).unwrap(),
            "a = 1\n\n[gateway.health]\nhealth_port = 8080\n"
        );
        assert_eq!(
            inserted("[gateway.tls]\non = true", &["gateway"]).unwrap(),
            "[gateway.tls]\non = true\n\n[gateway]\nhealth_port = 8080"
        );
    }

    #[test]
    fn refuses_what_it_cannot_edit_in_place() {
        assert!(inserted("gateway = { port = 1 }\n", &["gateway"]).is_err());
        assert!(inserted("gateway.port = 1\n", &["gateway"]).is_err());
        assert!(inserted("[[gateway]]\nport = 1\n", &["gateway"]).is_err());
    }
}
