//! A file as read from disk: its bytes plus the few facts every edit must
//! respect (line ending, BOM, final newline).

use std::ops::Range;
use std::path::PathBuf;

/// Bytes given in place of the disk's, by path: standard input checked
/// under a name (`check - --stdin-filename NAME`), or the files `init`
/// would create, planned before they exist. Set once, before planning;
/// reading one of these paths then gives these bytes.
static OVERLAY: std::sync::OnceLock<Vec<(PathBuf, Vec<u8>)>> = std::sync::OnceLock::new();

/// Makes `path` read as `bytes` for the rest of the run (standard input
/// checked as if it were that file). Only the first call of this or
/// [`set_overlay`] counts.
pub fn set_stdin(path: PathBuf, bytes: Vec<u8>) {
    set_overlay(vec![(path, bytes)]);
}

/// Makes each path read as its bytes for the rest of the run, whether or
/// not it exists on disk. Only the first call of this or [`set_stdin`]
/// counts.
pub fn set_overlay(files: Vec<(PathBuf, Vec<u8>)>) {
    let _ = OVERLAY.set(files);
}

/// The bytes given for `path` instead of the disk's ([`set_stdin`],
/// [`set_overlay`]), compared as absolute paths without `./` parts.
pub fn overlay_for(path: &std::path::Path) -> Option<&'static [u8]> {
    let overlay = OVERLAY.get()?;
    let wanted = crate::paths::absolute(path);
    overlay
        .iter()
        .find(|(name, _)| crate::paths::absolute(name) == wanted)
        .map(|(_, bytes)| bytes.as_slice())
}

/// The line ending a file mostly uses; inserted text follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    /// `\n`
    Lf,
    /// `\r\n`
    CrLf,
}

impl LineEnding {
    /// The bytes of this line ending.
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
        }
    }

    /// The ending most lines of `bytes` use (LF when there is no line break).
    pub fn detect(bytes: &[u8]) -> LineEnding {
        if !bytes.contains(&b'\r') {
            return LineEnding::Lf;
        }
        let lf = bytes.iter().filter(|&&b| b == b'\n').count();
        let crlf = bytes.windows(2).filter(|w| w == b"\r\n").count();
        if crlf > 0 && crlf * 2 >= lf {
            LineEnding::CrLf
        } else {
            LineEnding::Lf
        }
    }
}

/// One input file, read once; everything downstream borrows from it.
#[derive(Debug, Clone)]
pub struct Source {
    /// Where the file lives.
    pub path: PathBuf,
    /// The file's content, exactly as read.
    pub bytes: Vec<u8>,
    /// The line ending inserted text must use.
    pub line_ending: LineEnding,
}

impl Source {
    /// Wraps bytes read from `path`.
    pub fn new(path: impl Into<PathBuf>, bytes: Vec<u8>) -> Source {
        let line_ending = LineEnding::detect(&bytes);
        Source {
            path: path.into(),
            bytes,
            line_ending,
        }
    }

    /// Whether the last byte is a line break (an empty file counts as ending in one).
    pub fn ends_with_newline(&self) -> bool {
        self.bytes.is_empty() || self.bytes.ends_with(b"\n")
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(&self.bytes, offset)
    }
}

/// The bytes of the file at `path`, at most `limit` + 1 of them (one more
/// than `limit` tells a caller the file is larger). Read through `take`:
/// `File`'s own `read_to_end` first asks for the file's size and position,
/// two system calls per file, which a run that reads many small files
/// notices (ADR 006). The bytes are read into a buffer that grows as the
/// file needs, then kept in one of the file's size: a run keeps every file
/// it plans, and a buffer of the first guess's size for each would spread
/// a run over many more fresh pages (a page fault each).
pub fn read_bytes(path: &std::path::Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(16 * 1024);
    std::fs::File::open(path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    bytes.shrink_to_fit();
    Ok(bytes)
}

/// The bytes as text, each invalid sequence as U+FFFD, as
/// `String::from_utf8_lossy` gives them, but checked the fast way first:
/// nearly every file is UTF-8, and `std::str::from_utf8` checks it a word
/// at a time where the lossy reader goes a byte at a time.
pub fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// 1-based line and column (in characters) of `offset` within `bytes`.
pub fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(bytes.len());
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = lossy(&bytes[line_start..offset]).chars().count() + 1;
    (line, col)
}

/// Where the lines of a text start, for many offset look-ups in one text:
/// [`line_col`] counts from the start of the text, this finds the line by
/// binary search.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Offsets of the line breaks (`\n`), in order.
    breaks: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line breaks of `bytes`.
    pub fn new(bytes: &[u8]) -> LineIndex {
        LineIndex {
            breaks: memchr::memchr_iter(b'\n', bytes).collect(),
        }
    }

    /// [`line_col`] of `offset` in `bytes`, the text this index was made of.
    pub fn line_col(&self, bytes: &[u8], offset: usize) -> (usize, usize) {
        let offset = offset.min(bytes.len());
        let before = self.breaks.partition_point(|&b| b < offset);
        let line_start = before.checked_sub(1).map_or(0, |i| self.breaks[i] + 1);
        let col = lossy(&bytes[line_start..offset]).chars().count() + 1;
        (before + 1, col)
    }
}

/// New lines for insertion, each after `indent` spaces and followed by
/// `eol`, except at the end of a file without a final newline
/// (`unterminated_end`), where the break goes first and none follows, so
/// the file keeps its style and nothing is glued onto its last line.
pub fn whole_lines<'a>(
    lines: impl IntoIterator<Item = &'a str>,
    indent: usize,
    eol: &str,
    unterminated_end: bool,
) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for line in lines {
        if unterminated_end {
            out.push_str(eol);
        }
        out.push_str(&pad);
        out.push_str(line);
        if !unterminated_end {
            out.push_str(eol);
        }
    }
    out
}

/// A byte range in a source; all spans in this crate are byte ranges.
pub type Span = Range<usize>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_line_col() {
        let text = "a\nbé\n\nxyz\r\nend".as_bytes();
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                index.line_col(text, offset),
                line_col(text, offset),
                "{offset}"
            );
        }
        assert_eq!(LineIndex::new(b"").line_col(b"", 3), (1, 1));
    }
}
