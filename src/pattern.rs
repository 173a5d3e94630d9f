//! Regular expressions, compiled one way: over bytes, with ASCII classes
//! (`\w`, `\s`, `\b` and `(?i)` know ASCII only). What seaworthy matches
//! (framework forms, manifests, import lines) is ASCII; the `regex` crate's
//! Unicode tables are left out of the binary (ADR 006: they held half the
//! relocations every start pays for), and ASCII classes compile in
//! microseconds where Unicode ones take milliseconds.
//!
//! The one constructor (`clippy.toml` disallows the crate's own): the tests
//! link `regex` with its Unicode features, through dev-dependencies, so a
//! pattern built any other way could pass them and fail in the release
//! binary.

pub use regex::bytes::{Captures, Regex};
pub use regex::escape;

/// Compiles `pattern` over bytes with ASCII classes.
#[allow(clippy::disallowed_methods)]
pub fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .build()
}

/// The text of a match in a haystack that is valid UTF-8: still UTF-8,
/// since every pattern's edges are ASCII (empty if not, never a panic).
pub fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_ascii_and_any_byte_class_compiles() {
        let word = compile(r"^\w+$").unwrap();
        assert!(word.is_match(b"app_1"));
        assert!(!word.is_match("café".as_bytes()), "\\w is ASCII");
        let insensitive = compile(r"(?i)^flask$").unwrap();
        assert!(insensitive.is_match(b"Flask"));
        // A class that can match any byte is allowed over bytes.
        let quoted = compile(r#""([^"]*)""#).unwrap();
        let found = quoted.captures("x = \"héllo\"".as_bytes()).unwrap();
        assert_eq!(text(&found[1]), "héllo");
    }
}
