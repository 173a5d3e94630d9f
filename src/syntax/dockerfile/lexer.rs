//! A lossless lexer for Dockerfiles over raw bytes: parser directives,
//! comments, logical instructions (with escape-char continuations, comment
//! and blank lines inside them) and heredocs. Every instruction keeps the
//! byte spans it came from, so rules can edit the file in place.

use crate::source::Span;

/// Instructions BuildKit accepts; anything else is an error.
const KNOWN: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// One physical line: where it starts, where its content ends (before the
/// line break) and where the next line starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// First byte of the line.
    pub start: usize,
    /// End of the content, before `\r\n` or `\n`.
    pub end: usize,
    /// First byte of the next line (`end` plus the line break).
    pub next: usize,
}

/// A heredoc body attached to an instruction (`RUN <<EOF` … `EOF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter word.
    pub word: String,
    /// The body's bytes, from the line after the instruction to the line
    /// before the terminator.
    pub body: Span,
}

/// The arguments of an instruction with continuations and comment lines
/// removed, each byte remembering its offset in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    /// The joined argument bytes.
    pub bytes: Vec<u8>,
    /// For each byte of `bytes`, its offset in the file.
    pub offsets: Vec<usize>,
}

impl Args {
    /// The arguments as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        crate::source::lossy(&self.bytes).into_owned()
    }

    /// The file span covering `range` of the joined bytes.
    pub fn file_span(&self, range: Span) -> Span {
        if range.is_empty() {
            let at = self
                .offsets
                .get(range.start)
                .copied()
                .or_else(|| self.offsets.last().map(|o| o + 1))
                .unwrap_or(0);
            return at..at;
        }
        self.offsets[range.start]..self.offsets[range.end - 1] + 1
    }
}

/// One logical instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// The keyword, upper-cased (`FROM`, `RUN`, …).
    pub keyword: String,
    /// Index of the first physical line (0-based).
    pub first_line: usize,
    /// Index of the last physical line, heredoc terminators included.
    pub last_line: usize,
    /// Byte offset of the keyword.
    pub keyword_start: usize,
    /// The arguments after the keyword.
    pub args: Args,
    /// Heredoc bodies, in order.
    pub heredocs: Vec<Heredoc>,
}

/// A comment line outside instructions (parser directives excluded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Index of the physical line.
    pub line: usize,
    /// The text after `#`, trimmed.
    pub text: String,
}

/// A parser directive at the top of the file (`# syntax=…`, `# escape=…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased name.
    pub name: String,
    /// The value, trimmed.
    pub value: String,
}

/// What the lexer found: lines, directives, comments and instructions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lexed {
    /// Every physical line.
    pub lines: Vec<Line>,
    /// Parser directives.
    pub directives: Vec<Directive>,
    /// Comment lines that stand between instructions.
    pub comments: Vec<Comment>,
    /// Instructions, in order.
    pub instructions: Vec<Instruction>,
    /// The escape character (`\` unless a directive says `` ` ``).
    pub escape: u8,
}

/// Where lexing failed: a byte offset and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    /// Offset of the problem.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

/// Splits `bytes` into physical lines (`\n` ends a line; a `\r` before it is
/// part of the break). Content starts after a UTF-8 BOM.
pub fn split_lines(bytes: &[u8]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    while start < bytes.len() {
        let nl = bytes[start..].iter().position(|&b| b == b'\n');
        let (end, next) = match nl {
            Some(i) => {
                let at = start + i;
                let end = if at > start && bytes[at - 1] == b'\r' {
                    at - 1
                } else {
                    at
                };
                (end, at + 1)
            }
            None => (bytes.len(), bytes.len()),
        };
        lines.push(Line { start, end, next });
        start = next;
    }
    lines
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| is_blank(b)).count();
    &s[n..]
}

fn parse_directive(content: &[u8]) -> Option<Directive> {
    let text = std::str::from_utf8(content).ok()?;
    let rest = text.trim_start().strip_prefix('#')?;
    let (name, value) = rest.split_once('=')?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    Some(Directive {
        name: name.to_ascii_lowercase(),
        value: value.trim().to_string(),
    })
}

/// Lexes a whole Dockerfile. Never panics; errors carry a byte offset.
pub fn lex(bytes: &[u8]) -> Result<Lexed, LexError> {
    let lines = split_lines(bytes);
    let mut directives = Vec::new();
    let mut comments = Vec::new();
    let mut instructions = Vec::new();
    let mut escape = b'\\';
    let mut in_directives = true;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let content = &bytes[line.start..line.end];
        let trimmed = trim_start(content);
        if trimmed.is_empty() {
            in_directives = false;
            i += 1;
            continue;
        }
        if trimmed[0] == b'#' {
            let directive = if in_directives {
                parse_directive(content)
            } else {
                None
            };
            match directive {
                Some(d) => {
                    if d.name == "escape" {
                        escape = match d.value.as_str() {
                            "\\" => b'\\',
                            "`" => b'`',
                            other => {
                                return Err(LexError {
                                    offset: line.start,
                                    message: format!(
                                        "invalid escape directive `{other}`: must be ` or \\"
                                    ),
                                })
                            }
                        };
                    }
                    directives.push(d);
                }
                None => {
                    in_directives = false;
                    comments.push(Comment {
                        line: i,
                        text: crate::source::lossy(&trimmed[1..]).trim().to_string(),
                    });
                }
            }
            i += 1;
            continue;
        }
        in_directives = false;
        let (instruction, next) = lex_instruction(bytes, &lines, i, escape)?;
        instructions.push(instruction);
        i = next;
    }
    Ok(Lexed {
        lines,
        directives,
        comments,
        instructions,
        escape,
    })
}

/// Lexes the instruction starting on line `first`; returns it and the index
/// of the line after it.
fn lex_instruction(
    bytes: &[u8],
    lines: &[Line],
    first: usize,
    escape: u8,
) -> Result<(Instruction, usize), LexError> {
    let line = lines[first];
    let indent = bytes[line.start..line.end]
        .iter()
        .take_while(|&&b| is_blank(b))
        .count();
    let keyword_start = line.start + indent;
    let keyword_len = bytes[keyword_start..line.end]
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let keyword = crate::source::lossy(&bytes[keyword_start..keyword_start + keyword_len])
        .to_ascii_uppercase();
    let after = bytes.get(keyword_start + keyword_len).copied();
    let boundary_ok = keyword_start + keyword_len == line.end
        || after.is_some_and(is_blank)
        || after == Some(escape);
    if keyword.is_empty() || !boundary_ok || !KNOWN.contains(&keyword.as_str()) {
        let word: String = crate::source::lossy(&bytes[keyword_start..line.end])
            .split_whitespace()
            .next()
            .unwrap_or("")
            .chars()
            .take(40)
            .collect();
        return Err(LexError {
            offset: keyword_start,
            message: format!("unknown instruction `{word}`"),
        });
    }

    let mut args = Args::default();
    let mut piece_start = keyword_start + keyword_len;
    while piece_start < line.end && is_blank(bytes[piece_start]) {
        piece_start += 1;
    }
    let mut current = first;
    loop {
        let l = lines[current];
        let start = piece_start.max(l.start);
        let mut end = l.end;
        while end > start && is_blank(bytes[end - 1]) {
            end -= 1;
        }
        let continues = end > start && bytes[end - 1] == escape;
        let content_end = if continues { end - 1 } else { l.end };
        for (offset, &b) in bytes[start..content_end].iter().enumerate() {
            args.bytes.push(b);
            args.offsets.push(start + offset);
        }
        if !continues {
            break;
        }
        // Skip comment and blank lines inside the continuation.
        let mut next = current + 1;
        while next < lines.len() {
            let t = trim_start(&bytes[lines[next].start..lines[next].end]);
            if t.is_empty() || t[0] == b'#' {
                next += 1;
            } else {
                break;
            }
        }
        if next >= lines.len() {
            break;
        }
        current = next;
        piece_start = lines[current].start;
    }

    let mut last_line = current;
    let mut heredocs = Vec::new();
    if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
        for marker in heredoc_markers(&args.bytes) {
            let body_first = last_line + 1;
            let mut j = body_first;
            let found = loop {
                if j >= lines.len() {
                    break false;
                }
                let mut content = &bytes[lines[j].start..lines[j].end];
                if marker.strip_tabs {
                    let n = content.iter().take_while(|&&b| b == b'\t').count();
                    content = &content[n..];
                }
                if content == marker.word.as_bytes() {
                    break true;
                }
                j += 1;
            };
            if !found {
                return Err(LexError {
                    offset: args
                        .offsets
                        .get(marker.at)
                        .copied()
                        .unwrap_or(keyword_start),
                    message: format!("unterminated heredoc: no line `{}` closes it", marker.word),
                });
            }
            let body_start = lines.get(body_first).map_or(bytes.len(), |l| l.start);
            heredocs.push(Heredoc {
                word: marker.word,
                body: body_start..lines[j].start.max(body_start),
            });
            last_line = j;
        }
    }

    Ok((
        Instruction {
            keyword,
            first_line: first,
            last_line,
            keyword_start,
            args,
            heredocs,
        },
        last_line + 1,
    ))
}

struct Marker {
    word: String,
    strip_tabs: bool,
    at: usize,
}

/// Finds `<<WORD`, `<<-WORD`, `<<"WORD"` and `<<'WORD'` outside quotes.
fn heredoc_markers(args: &[u8]) -> Vec<Marker> {
    let mut markers = Vec::new();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < args.len() {
        let b = args[i];
        if let Some(q) = quote {
            if b == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if b == b'\'' || b == b'"' {
            quote = Some(b);
            i += 1;
            continue;
        }
        if b == b'<' && args[i..].starts_with(b"<<<") {
            i += args[i..].iter().take_while(|&&c| c == b'<').count();
            continue;
        }
        if b == b'<' && args.get(i + 1) == Some(&b'<') {
            let at = i;
            let mut j = i + 2;
            let strip_tabs = args.get(j) == Some(&b'-');
            if strip_tabs {
                j += 1;
            }
            let q = match args.get(j) {
                Some(&c) if c == b'\'' || c == b'"' => {
                    j += 1;
                    Some(c)
                }
                _ => None,
            };
            let word_start = j;
            let starts_word = args
                .get(j)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_');
            while starts_word
                && j < args.len()
                && (args[j].is_ascii_alphanumeric()
                    || args[j] == b'_'
                    || args[j] == b'-'
                    || args[j] == b'.')
            {
                j += 1;
            }
            let word = &args[word_start..j];
            let closed = match q {
                Some(q) if args.get(j) == Some(&q) => {
                    j += 1;
                    true
                }
                Some(_) => false,
                None => true,
            };
            if !word.is_empty() && closed {
                markers.push(Marker {
                    word: crate::source::lossy(word).into_owned(),
                    strip_tabs,
                    at,
                });
            }
            i = j.max(i + 2);
            continue;
        }
        i += 1;
    }
    markers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords(src: &str) -> Vec<String> {
        lex(src.as_bytes())
            .unwrap()
            .instructions
            .into_iter()
            .map(|i| i.keyword)
            .collect()
    }

    #[test]
    fn continuations_skip_comment_and_blank_lines() {
        let src = "FROM a\nRUN one \\\n  # note\n\n  two\nCMD x\n";
        let lexed = lex(src.as_bytes()).unwrap();
        assert_eq!(lexed.instructions.len(), 3);
        assert_eq!(lexed.instructions[1].args.text(), "one   two");
        assert_eq!(lexed.instructions[1].last_line, 4);
    }

    #[test]
    fn heredocs_are_swallowed() {
        let src =
            "FROM a\nRUN <<EOF\nFROM not-an-instruction\nEOF\nCOPY <<-'X' /p\n\tbody\n\tX\nCMD y";
        let lexed = lex(src.as_bytes()).unwrap();
        assert_eq!(keywords(src), ["FROM", "RUN", "COPY", "CMD"]);
        assert_eq!(lexed.instructions[1].heredocs[0].word, "EOF");
        assert_eq!(lexed.instructions[2].last_line, 6);
    }

    #[test]
    fn unterminated_heredoc_is_an_error() {
        let err = lex(b"FROM a\nRUN <<EOF\necho\n").unwrap_err();
        assert!(err.message.contains("unterminated heredoc"));
    }

    #[test]
    fn escape_directive_changes_continuation() {
        let src = "# escape=`\nFROM a\nRUN echo C:\\\nRUN b `\n  c\n";
        let lexed = lex(src.as_bytes()).unwrap();
        assert_eq!(lexed.escape, b'`');
        assert_eq!(keywords(src), ["FROM", "RUN", "RUN"]);
        assert_eq!(lexed.instructions[2].args.text(), "b   c");
    }

    #[test]
    fn directives_stop_at_first_comment() {
        let lexed = lex(b"# hello\n# escape=`\nFROM a\n").unwrap();
        assert!(lexed.directives.is_empty());
        assert_eq!(lexed.escape, b'\\');
    }

    #[test]
    fn crlf_bom_and_lowercase() {
        let src = "\u{feff}from a as b\r\nrun x \\\r\n y\r\ncmd [\"z\"]";
        let lexed = lex(src.as_bytes()).unwrap();
        assert_eq!(keywords(src), ["FROM", "RUN", "CMD"]);
        assert_eq!(lexed.instructions[1].args.text(), "x  y");
    }

    #[test]
    fn unknown_instruction_is_an_error() {
        let err = lex(b"FROM a\nFROB x\n").unwrap_err();
        assert_eq!(err.offset, 7);
        assert!(err.message.contains("FROB"));
    }

    #[test]
    fn here_strings_are_not_heredocs() {
        let lexed = lex(b"FROM a\nRUN cat <<<\"x\"\nRUN echo $((1<<2))\nCMD b\n").unwrap();
        assert_eq!(lexed.instructions.len(), 4);
    }
}
