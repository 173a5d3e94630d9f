//! Splitting instruction arguments into words, the way BuildKit does for
//! shell-form arguments, keeping each word's span in the joined arguments.

use crate::source::Span;

/// A word of an instruction's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word with quotes removed.
    pub value: String,
    /// Where the raw word (quotes included) sits in the joined arguments.
    pub span: Span,
}

/// Splits on unquoted blanks; `'…'` and `"…"` group, and the escape
/// character protects the next byte.
pub fn split(args: &[u8], escape: u8) -> Vec<Word> {
    let mut words = Vec::new();
    let mut i = 0;
    while i < args.len() {
        while i < args.len() && args[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= args.len() {
            break;
        }
        let start = i;
        let mut value = Vec::new();
        let mut quote: Option<u8> = None;
        while i < args.len() {
            let b = args[i];
            match quote {
                Some(q) if b == q => quote = None,
                Some(b'"') if b == escape && i + 1 < args.len() => {
                    i += 1;
                    value.push(args[i]);
                }
                Some(_) => value.push(b),
                None if b.is_ascii_whitespace() => break,
                None if b == b'\'' || b == b'"' => quote = Some(b),
                None if b == escape && i + 1 < args.len() => {
                    i += 1;
                    value.push(args[i]);
                }
                None => value.push(b),
            }
            i += 1;
        }
        words.push(Word {
            value: crate::source::lossy(&value).into_owned(),
            span: start..i,
        });
    }
    words
}

/// The exec form of an instruction (`["a", "b"]`), when the arguments are a
/// JSON array of strings; `None` means shell form.
pub fn exec_form(args: &[u8]) -> Option<Vec<String>> {
    let text = std::str::from_utf8(args).ok()?.trim();
    if !text.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(text).ok()
}

/// Flags at the start of the words (`--from=x`, `--platform=y`): name and
/// value, plus the index of the first word that is not a flag.
pub fn leading_flags(words: &[Word]) -> (Vec<(String, String)>, usize) {
    let mut flags = Vec::new();
    let mut n = 0;
    for word in words {
        let Some(flag) = word.value.strip_prefix("--") else {
            break;
        };
        let (name, value) = flag.split_once('=').unwrap_or((flag, ""));
        flags.push((name.to_ascii_lowercase(), value.to_string()));
        n += 1;
    }
    (flags, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_words() {
        let words = split(br#"a "b c" 'd e'f g\ h"#, b'\\');
        let values: Vec<_> = words.iter().map(|w| w.value.as_str()).collect();
        assert_eq!(values, ["a", "b c", "d ef", "g h"]);
        assert_eq!(words[1].span, 2..7);
    }

    #[test]
    fn recognises_exec_form() {
        assert_eq!(
            exec_form(br#" [ "x", "y" ]"#),
            Some(vec!["x".to_string(), "y".to_string()])
        );
        assert_eq!(exec_form(b"[not json"), None);
        assert_eq!(exec_form(b"echo [x]"), None);
    }
}
