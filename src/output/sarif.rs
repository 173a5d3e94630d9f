//! `check --format sarif`: SARIF 2.1.0, with the rule catalogue in
//! `tool.driver.rules`, a result per finding with its physical region
//! (1-based lines, columns in UTF-16 code units: `columnKind` says so), and
//! fixes whose replacements, all applied, give exactly the bytes `fix`
//! writes (ADR 008): each file's change is cut into hunks of its original
//! bytes (byte offset and length) and the text that replaces them, and each
//! hunk is given to one finding of that file.

use serde_json::{json, Value};

use crate::output::utf16_col;
use crate::plan::{FileChange, Finding, Plan, Status};
use crate::registry::{RuleMeta, Severity};

/// One replacement of a file's original bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    /// Where the replaced bytes start in the original file.
    pub start: usize,
    /// How many bytes are replaced (0: an insertion).
    pub len: usize,
    /// What replaces them.
    pub text: Vec<u8>,
}

/// The hunks that turn `before` into `after`: lines are compared (Myers),
/// each run of changed lines is one hunk, trimmed of the bytes both sides
/// share at its ends. Applied from last to first they give `after` exactly.
pub fn hunks(before: &[u8], after: &[u8]) -> Vec<Hunk> {
    let old = lines(before);
    let new = lines(after);
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &old, &new);
    let offset = |lines: &[&[u8]], i: usize| lines[..i].iter().map(|l| l.len()).sum::<usize>();
    let mut hunks = Vec::new();
    let mut pending: Option<(std::ops::Range<usize>, std::ops::Range<usize>)> = None;
    let mut flush = |pending: &mut Option<(std::ops::Range<usize>, std::ops::Range<usize>)>| {
        if let Some((o, n)) = pending.take() {
            let (os, oe) = (offset(&old, o.start), offset(&old, o.end));
            let (ns, ne) = (offset(&new, n.start), offset(&new, n.end));
            let (mut a, mut b) = (&before[os..oe], &after[ns..ne]);
            let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
            a = &a[prefix..];
            b = &b[prefix..];
            let suffix = a
                .iter()
                .rev()
                .zip(b.iter().rev())
                .take_while(|(x, y)| x == y)
                .count();
            hunks.push(Hunk {
                start: os + prefix,
                len: a.len() - suffix,
                text: b[..b.len() - suffix].to_vec(),
            });
        }
    };
    for op in ops {
        let (tag, o, n) = op.as_tag_tuple();
        if tag == similar::DiffTag::Equal {
            flush(&mut pending);
            continue;
        }
        pending = Some(match pending {
            Some((po, pn)) => (po.start..o.end, pn.start..n.end),
            None => (o, n),
        });
    }
    flush(&mut pending);
    hunks
}

/// `bytes` in lines, each with its line break.
fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|&b| b == b'\n').collect()
}

/// Which finding of `file` each hunk goes to (an index into
/// `file.findings`): a fixed finding whose first-pass edits touch the hunk,
/// else the fixed finding nearest to it, else the file's first finding.
fn owners(file: &FileChange, hunks: &[Hunk]) -> Vec<Option<usize>> {
    let fixed: Vec<usize> = (0..file.findings.len())
        .filter(|&i| file.findings[i].status == Status::Fixed)
        .collect();
    hunks
        .iter()
        .map(|h| {
            let (hs, he) = (h.start, h.start + h.len);
            let touching = fixed.iter().copied().find(|&i| {
                matches!(&file.findings[i].fix, Some((0, fix))
                    if fix.edits.iter().any(|e| e.range.start <= he && hs <= e.range.end))
            });
            touching
                .or_else(|| {
                    fixed.iter().copied().min_by_key(|&i| {
                        let f = &file.findings[i];
                        if he < f.start.byte {
                            f.start.byte - he
                        } else {
                            hs.saturating_sub(f.end.byte)
                        }
                    })
                })
                .or(if file.findings.is_empty() {
                    None
                } else {
                    Some(0)
                })
        })
        .collect()
}

/// A file's path as a SARIF URI: relative (`/`-separated, percent-encoded)
/// when it is below the current folder, else a `file://` URI.
pub fn uri(path: &std::path::Path) -> String {
    let shown = crate::paths::display(path);
    let encoded = encode(&shown);
    if std::path::Path::new(&shown).is_absolute() {
        if encoded.starts_with('/') {
            format!("file://{encoded}")
        } else {
            format!("file:///{encoded}")
        }
    } else {
        encoded
    }
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The catalogue entry of `rule`.
fn rule(rule: &RuleMeta) -> Value {
    let first_paragraph = rule.doc.split("\n\n").next().unwrap_or(rule.summary).trim();
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": first_paragraph},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {"fix": rule.fix_title, "target": rule.target.name()},
    })
}

fn region(file: &FileChange, finding: &Finding) -> Value {
    json!({
        "startLine": finding.start.line,
        "startColumn": utf16_col(file, finding.start),
        "endLine": finding.end.line.max(finding.start.line),
        "endColumn": utf16_col(file, finding.end),
    })
}

fn replacement(hunk: &Hunk) -> Value {
    let inserted = match std::str::from_utf8(&hunk.text) {
        Ok(text) => json!({"text": text}),
        Err(_) => json!({"binary": base64(&hunk.text)}),
    };
    json!({
        "deletedRegion": {"byteOffset": hunk.start, "byteLength": hunk.len},
        "insertedContent": inserted,
    })
}

/// Standard base64 with padding (for a replacement that is not UTF-8).
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The SARIF log for `plan`.
pub fn document(plan: &Plan) -> Value {
    let catalogue = crate::rules::all();
    let index = |code: &str| catalogue.iter().position(|r| r.code == code);
    let mut results = Vec::new();
    for file in &plan.files {
        let file_hunks = if file.changes() {
            hunks(file.before_bytes(), &file.after)
        } else {
            Vec::new()
        };
        let owners = owners(file, &file_hunks);
        let location = uri(&file.path);
        for (i, finding) in file.findings.iter().enumerate() {
            let mine: Vec<Value> = file_hunks
                .iter()
                .zip(&owners)
                .filter(|(_, o)| **o == Some(i))
                .map(|(h, _)| replacement(h))
                .collect();
            let mut result = json!({
                "ruleId": finding.rule.code,
                "level": level(finding.severity),
                "message": {"text": finding.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": location},
                    "region": region(file, finding),
                }}],
                "properties": {"status": match finding.status {
                    Status::Fixed => "fixed",
                    Status::UnsafeFix => "unsafe-fix",
                    Status::Warning => "warning",
                }},
            });
            if let Some(n) = index(finding.rule.code) {
                result["ruleIndex"] = json!(n);
            }
            if !mine.is_empty() {
                result["fixes"] = json!([{
                    "description": {"text": finding.rule.fix_title},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": location},
                        "replacements": mine,
                    }],
                }]);
            }
            results.push(result);
        }
    }
    let notifications: Vec<Value> = plan
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": {"text": e.message},
                "locations": [{"physicalLocation": if e.line == 0 {
                    // About the path itself: no region to point at.
                    json!({"artifactLocation": {"uri": uri(&e.path)}})
                } else {
                    json!({
                        "artifactLocation": {"uri": uri(&e.path)},
                        "region": {"startLine": e.line, "startColumn": e.col},
                    })
                }}],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "seaworthy",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": catalogue.iter().map(|r| rule(r)).collect::<Vec<_>>(),
            }},
            "invocations": [{
                "executionSuccessful": plan.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    })
}

/// [`document`], pretty-printed, with a final newline.
pub fn render(plan: &Plan) -> String {
    let mut text = serde_json::to_string_pretty(&document(plan)).expect("JSON values serialise");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(before: &[u8], hunks: &[Hunk]) -> Vec<u8> {
        let mut out = before.to_vec();
        for h in hunks.iter().rev() {
            out.splice(h.start..h.start + h.len, h.text.iter().copied());
        }
        out
    }

    #[test]
    fn hunks_rebuild_the_after_text() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"a\nb\nc\n", b"a\nb\nx\nc\n"),
            (b"a\nb", b"a\nb\nc\n"),
            (b"", b"new\n"),
            (b"a\r\nb\r\n", b"a\r\n  x\r\nb\r\n"),
            (b"one\ntwo\nthree\n", b"zero\none\nTWO\nthree\nfour"),
        ];
        for (before, after) in cases {
            assert_eq!(apply(before, &hunks(before, after)), *after);
        }
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
    }

    #[test]
    fn uris_are_encoded() {
        assert_eq!(
            uri(std::path::Path::new("a b/Dockerfile")),
            "a%20b/Dockerfile"
        );
    }
}
