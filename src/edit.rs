//! Edits are data: a byte range and its replacement, grouped into fixes,
//! checked for overlap and applied in one pass (the idea of rust-analyzer's
//! `TextEdit` and ruff's `Fix`).

use crate::source::Span;

/// Replace the bytes in `range` by `text` (an insertion when the range is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Bytes of the current text to replace.
    pub range: Span,
    /// What goes there instead.
    pub text: String,
}

impl Edit {
    /// Inserts `text` at `offset`.
    pub fn insert(offset: usize, text: impl Into<String>) -> Edit {
        Edit {
            range: offset..offset,
            text: text.into(),
        }
    }

    /// Replaces `range` by `text`.
    pub fn replace(range: Span, text: impl Into<String>) -> Edit {
        Edit {
            range,
            text: text.into(),
        }
    }

    /// Deletes `range`.
    pub fn delete(range: Span) -> Edit {
        Edit {
            range,
            text: String::new(),
        }
    }
}

/// Whether a fix only adds what production needs (safe) or changes
/// behaviour or moves data (unsafe: applied only with `--unsafe-fixes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Applicability {
    /// Applied by `fix`, reported as drift by `check`.
    Safe,
    /// Shown as a suggestion unless `--unsafe-fixes` is given.
    Unsafe,
}

/// The edits that resolve one diagnostic; applied all together or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// The edits, in any order; they must not overlap.
    pub edits: Vec<Edit>,
    /// Safe or unsafe.
    pub applicability: Applicability,
}

impl Fix {
    /// A safe fix made of `edits`.
    pub fn safe(edits: Vec<Edit>) -> Fix {
        Fix {
            edits,
            applicability: Applicability::Safe,
        }
    }

    /// Whether any edit of `self` overlaps or touches an edit of `other`,
    /// so that applying both in one pass would be a guess. Edits of whole
    /// lines that only touch are no guess, and share a pass:
    /// - two insertions at one offset of different lines: the more indented
    ///   continues the block that ends there, so it goes first; at the same
    ///   indentation (siblings, such as two keys of one mapping) they go in
    ///   the order the fixes were accepted, which is rule order;
    /// - an insertion where a replacement of whole lines starts or ends: it
    ///   goes before or after the replaced lines.
    ///
    /// The same text twice is a conflict: two rules adding one thing.
    pub fn conflicts_with(&self, other: &Fix) -> bool {
        self.edits.iter().any(|a| {
            other.edits.iter().any(|b| {
                let touching = a.range.start <= b.range.end && b.range.start <= a.range.end;
                touching && !whole_lines_side_by_side(a, b)
            })
        })
    }
}

/// The fixes accepted so far in a pass, indexed by where their edits start,
/// so that [`Accepted::conflicts`] looks only at the edits near a new fix
/// instead of every accepted fix ([`Fix::conflicts_with`] on each).
#[derive(Debug, Default)]
pub struct Accepted<'a> {
    /// The accepted fixes, in order.
    fixes: Vec<&'a Fix>,
    /// Their edits by (start, end, order accepted).
    edits: std::collections::BTreeMap<(usize, usize, usize), &'a Edit>,
    /// Whether the edits, sorted, do not overlap (each starts at or after
    /// the end of the one before): what `apply` needs, and what lets a
    /// look-up stop at the first edit that ends before the new one starts.
    /// Once lost (a fix whose own edits overlap), every fix is compared.
    disjoint: bool,
}

impl<'a> Accepted<'a> {
    /// No fix accepted yet.
    pub fn new() -> Accepted<'a> {
        Accepted {
            fixes: Vec::new(),
            edits: std::collections::BTreeMap::new(),
            disjoint: true,
        }
    }

    /// Whether `fix` conflicts with an accepted fix: the same answer as
    /// [`Fix::conflicts_with`] of any of them.
    pub fn conflicts(&self, fix: &Fix) -> bool {
        if !self.disjoint {
            return self.fixes.iter().any(|a| a.conflicts_with(fix));
        }
        fix.edits.iter().any(|b| {
            for a in self
                .edits
                .range(..=(b.range.end, usize::MAX, usize::MAX))
                .rev()
                .map(|(_, a)| *a)
            {
                // Every edit before `a` ends at or before its start.
                if a.range.end < b.range.start {
                    return false;
                }
                if !whole_lines_side_by_side(a, b) {
                    return true;
                }
            }
            false
        })
    }

    /// Accepts `fix`.
    pub fn push(&mut self, fix: &'a Fix) {
        for edit in &fix.edits {
            let key = (edit.range.start, edit.range.end, self.edits.len());
            let before = self.edits.range(..key).next_back();
            let after = self.edits.range(key..).next();
            if before.is_some_and(|(_, b)| b.range.end > edit.range.start)
                || after.is_some_and(|(_, a)| edit.range.end > a.range.start)
            {
                self.disjoint = false;
            }
            self.edits.insert(key, edit);
        }
        self.fixes.push(fix);
    }
}

/// Whether `a` and `b`, which touch, are whole-line edits whose order in one
/// pass is certain (see [`Fix::conflicts_with`]).
fn whole_lines_side_by_side(a: &Edit, b: &Edit) -> bool {
    let (insertion, other) = match (a.range.is_empty(), b.range.is_empty()) {
        (true, _) => (a, b),
        (false, true) => (b, a),
        (false, false) => return false,
    };
    if line_indent(&insertion.text).is_none() || insertion.text == other.text {
        return false;
    }
    if other.range.is_empty() {
        return line_indent(&other.text).is_some();
    }
    let at = insertion.range.start;
    let whole = other.text.is_empty() || other.text.ends_with('\n');
    whole && (at == other.range.start || at == other.range.end)
}

/// The indentation of inserted text that consists of whole lines (it ends
/// with a line break, or starts with one); `None` for text inside a line.
fn line_indent(text: &str) -> Option<&str> {
    let body = text.trim_start_matches(['\r', '\n']);
    let whole_lines = text.ends_with('\n') || body.len() < text.len();
    whole_lines.then(|| &body[..body.len() - body.trim_start_matches([' ', '\t']).len()])
}

/// Applies non-overlapping edits to `text`; overlapping edits are a bug in a
/// rule. Insertions at one offset go more indented first, then in the
/// order given.
pub fn apply(text: &[u8], edits: &[&Edit]) -> Vec<u8> {
    let sorted = in_applied_order(edits);
    let mut out =
        Vec::with_capacity(text.len() + sorted.iter().map(|e| e.text.len()).sum::<usize>());
    let mut cursor = 0;
    for edit in sorted {
        assert!(
            edit.range.start >= cursor && edit.range.end <= text.len(),
            "overlapping or out-of-range edit {edit:?}"
        );
        out.extend_from_slice(&text[cursor..edit.range.start]);
        out.extend_from_slice(edit.text.as_bytes());
        cursor = edit.range.end;
    }
    out.extend_from_slice(&text[cursor..]);
    out
}

/// `edits` in the order [`apply`] writes them: by place, and insertions at
/// one offset more indented first, then in the order given.
fn in_applied_order<'e>(edits: &[&'e Edit]) -> Vec<&'e Edit> {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| {
        let indent = line_indent(&e.text).map_or(0, str::len);
        (e.range.start, e.range.end, std::cmp::Reverse(indent))
    });
    sorted
}

/// The parts of the current text that earlier passes of this run wrote,
/// as sorted, disjoint byte ranges: a rule that judges what is already in
/// a file (SW107, SW209) need not judge again, in the pass that confirms a
/// fix, the probe another rule has just chosen on the same evidence.
/// Text an edit of a later pass reaches into no longer counts as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    ranges: Vec<Span>,
}

impl Written {
    /// Whether all of `span` is text an earlier pass wrote.
    pub fn holds(&self, span: &Span) -> bool {
        let at = self.ranges.partition_point(|r| r.start <= span.start);
        at > 0 && span.end <= self.ranges[at - 1].end
    }

    /// What is written after `edits` (applied together, as by [`apply`])
    /// change the text: the ranges that no edit reaches into, moved, and
    /// the text of each edit.
    pub fn after(&self, edits: &[&Edit]) -> Written {
        let mut ranges: Vec<Span> = Vec::with_capacity(self.ranges.len() + edits.len());
        let mut earlier = self.ranges.iter().peekable();
        // Where text after the edits so far moved.
        let mut shift = 0isize;
        let moved = |r: &Span, shift: isize| {
            (r.start as isize + shift) as usize..(r.end as isize + shift) as usize
        };
        // The edits do not overlap, so each range left starts at or after
        // the end of the edits before.
        for edit in in_applied_order(edits) {
            // Ranges that start before the edit ends: kept if they end
            // before it starts, else the edit reaches into them.
            while let Some(r) = earlier.next_if(|r| r.start < edit.range.end) {
                if r.end <= edit.range.start {
                    ranges.push(moved(r, shift));
                }
            }
            let start = (edit.range.start as isize + shift) as usize;
            if !edit.text.is_empty() {
                ranges.push(start..start + edit.text.len());
            }
            shift += edit.text.len() as isize - edit.range.len() as isize;
        }
        ranges.extend(earlier.map(|r| moved(r, shift)));
        // Touching ranges are one: a block inserted right after another.
        let mut merged: Vec<Span> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        Written { ranges: merged }
    }
}

/// [`map_back`] for many offsets through the same edits: the edits are
/// sorted once, and each offset finds its edit by binary search instead of
/// walking all of them.
#[derive(Debug, Clone, Default)]
pub struct BackMap {
    /// The edits in [`map_back`]'s order (by start; ties keep their order):
    /// start in the text before, start in the text after, the shift before
    /// them, and the largest end (in the text after) of the edits up to them.
    steps: Vec<BackStep>,
    /// The shift after every edit.
    total: isize,
}

#[derive(Debug, Clone, Copy)]
struct BackStep {
    start: usize,
    new_start: usize,
    shift: isize,
    reach: usize,
}

impl BackMap {
    /// Prepares `edits` (applied together) for mapping offsets back.
    pub fn new(edits: &[Edit]) -> BackMap {
        let mut sorted: Vec<&Edit> = edits.iter().collect();
        sorted.sort_by_key(|e| e.range.start);
        let mut steps = Vec::with_capacity(sorted.len());
        let mut shift: isize = 0;
        let mut reach = 0;
        for edit in sorted {
            // The same arithmetic as `map_back`, so odd edit sets (which
            // `apply` refuses) map the same too.
            let new_start = (edit.range.start as isize + shift) as usize;
            let new_end = new_start.wrapping_add(edit.text.len());
            reach = reach.max(new_start).max(new_end);
            steps.push(BackStep {
                start: edit.range.start,
                new_start,
                shift,
                reach,
            });
            shift += edit.text.len() as isize - edit.range.len() as isize;
        }
        BackMap {
            steps,
            total: shift,
        }
    }

    /// The offset in the text before the edits of `offset` in the text
    /// after them: the same as [`map_back`].
    pub fn map(&self, offset: usize) -> usize {
        // `map_back` stops at the first edit whose start or end (in the text
        // after) lies beyond `offset`.
        let at = self.steps.partition_point(|s| s.reach <= offset);
        let shift = match self.steps.get(at) {
            Some(step) if offset >= step.new_start => return step.start,
            Some(step) => step.shift,
            None => self.total,
        };
        (offset as isize - shift).max(0) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The oracle [`BackMap`] is tested against: maps an offset in the text after `edits` back to the text before them;
    /// an offset inside inserted text maps to where the insertion was made.
    fn map_back(offset: usize, edits: &[&Edit]) -> usize {
        let mut sorted: Vec<&Edit> = edits.to_vec();
        sorted.sort_by_key(|e| e.range.start);
        let mut shift: isize = 0;
        for edit in sorted {
            let new_start = (edit.range.start as isize + shift) as usize;
            let new_end = new_start + edit.text.len();
            if offset < new_start {
                break;
            }
            if offset < new_end {
                return edit.range.start;
            }
            shift += edit.text.len() as isize - edit.range.len() as isize;
        }
        (offset as isize - shift).max(0) as usize
    }

    /// [`Written::after`] against the text itself: a range is written when
    /// each of its bytes is a byte of an edit's text, not since reached into.
    #[test]
    fn written_text_follows_the_edits() {
        // Bytes of the text: `-` was there, a letter was written.
        let start = b"----------".to_vec();
        let passes = [
            vec![Edit::insert(2, "ab"), Edit::insert(6, "cd")],
            vec![
                Edit::insert(0, "e"),
                Edit::insert(3, "f"),
                Edit::insert(10, "g"),
            ],
            vec![
                Edit::replace(4..6, "h"),
                Edit::insert(9, "i\n"),
                Edit::insert(9, "  j\n"),
            ],
            vec![Edit::delete(0..1), Edit::insert(14, "k")],
        ];
        let mut text = start;
        let mut written = Written::default();
        for edits in &passes {
            let refs: Vec<&Edit> = edits.iter().collect();
            written = written.after(&refs);
            text = apply(&text, &refs);
            // A byte is written when it belongs to a range; every range is
            // made of written bytes, and an edit reaching into an earlier
            // range drops it whole.
            for r in &written.ranges {
                assert!(
                    text[r.clone()].iter().all(|b| *b != b'-'),
                    "{r:?} in {:?}",
                    crate::source::lossy(&text)
                );
            }
        }
        let text = String::from_utf8(text).unwrap();
        assert_eq!(text, "--ah---  j\ni\nk-cdg----");
        // `f` went into `ab`, and `h` replaced it with `b`: what is left of
        // `ab` is not written. `g` and `k` touch earlier ranges, which stay.
        let ranges: Vec<&str> = written.ranges.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(ranges, ["h", "  j\ni\nk", "cdg"]);
        assert!(written.holds(&(text.find('j').unwrap()..text.find('j').unwrap() + 1)));
        assert!(!written.holds(&(2..4)) && written.holds(&(15..18)));
        assert!(!Written::default().holds(&(0..0)));
    }

    #[test]
    fn back_map_agrees_with_map_back() {
        let sets = [
            vec![Edit::insert(2, "abc")],
            vec![
                Edit::replace(3..7, "x"),
                Edit::insert(3, "yy\n"),
                Edit::insert(0, "head"),
                Edit::delete(9..12),
                Edit::insert(12, "zz"),
                Edit::insert(3, "w"),
            ],
            vec![
                Edit::delete(0..5),
                Edit::insert(5, "ab"),
                Edit::insert(7, "c"),
            ],
            vec![],
        ];
        for edits in &sets {
            let map = BackMap::new(edits);
            let refs: Vec<&Edit> = edits.iter().collect();
            for offset in 0..30 {
                assert_eq!(
                    map.map(offset),
                    map_back(offset, &refs),
                    "{offset} {edits:?}"
                );
            }
        }
    }

    #[test]
    fn applies_in_order() {
        let e1 = Edit::insert(0, "a");
        let e2 = Edit::replace(1..2, "XY");
        assert_eq!(apply(b"012", &[&e2, &e1]), b"a0XY2");
    }

    #[test]
    fn maps_offsets_back() {
        let e = Edit::insert(2, "abc");
        assert_eq!(map_back(1, &[&e]), 1);
        assert_eq!(map_back(3, &[&e]), 2);
        assert_eq!(map_back(6, &[&e]), 3);
    }

    #[test]
    fn accepted_agrees_with_conflicts_with() {
        let fixes = [
            Fix::safe(vec![Edit::insert(4, "  a: 1\n")]),
            Fix::safe(vec![Edit::insert(4, "  a: 1\n")]),
            Fix::safe(vec![Edit::insert(4, "    - c\n")]),
            Fix::safe(vec![Edit::replace(2..4, "z")]),
            Fix::safe(vec![Edit::replace(0..4, "x\n"), Edit::insert(9, "y")]),
            Fix::safe(vec![Edit::insert(9, "  b: 2\n"), Edit::insert(20, "w")]),
            Fix::safe(vec![Edit::replace(12..18, "q"), Edit::insert(30, "e")]),
            Fix::safe(vec![Edit::insert(15, "  in: 1\n")]),
            Fix::safe(vec![
                Edit::replace(18..25, "r\n"),
                Edit::replace(19..21, "o"),
            ]),
            Fix::safe(vec![Edit::insert(25, "  after: 1\n")]),
            Fix::safe(vec![Edit::insert(21, "x")]),
        ];
        for first in 0..fixes.len() {
            let mut accepted = Accepted::new();
            let mut naive: Vec<&Fix> = Vec::new();
            for fix in fixes[first..].iter().chain(&fixes[..first]) {
                let conflicts = naive.iter().any(|a| a.conflicts_with(fix));
                assert_eq!(accepted.conflicts(fix), conflicts, "{fix:?}");
                if !conflicts {
                    accepted.push(fix);
                    naive.push(fix);
                }
            }
        }
    }

    #[test]
    fn conflicts() {
        let inline = Fix::safe(vec![Edit::insert(4, "x")]);
        let key = Fix::safe(vec![Edit::insert(4, "  a: 1\n")]);
        let sibling = Fix::safe(vec![Edit::insert(4, "  b: 2\n")]);
        let deeper = Fix::safe(vec![Edit::insert(4, "    - c\n")]);
        let replace = Fix::safe(vec![Edit::replace(2..4, "z")]);
        let elsewhere = Fix::safe(vec![Edit::insert(9, "y")]);
        assert!(
            !key.conflicts_with(&sibling),
            "sibling lines keep rule order"
        );
        assert!(
            key.conflicts_with(&key.clone()),
            "the same line twice waits"
        );
        assert!(
            !key.conflicts_with(&deeper),
            "nesting levels at one point share a pass"
        );
        assert_eq!(
            apply(
                b"ab\ncd\n",
                &[&Edit::insert(3, "  a: 1\n"), &Edit::insert(3, "    - c\n")]
            ),
            b"ab\n    - c\n  a: 1\ncd\n",
            "the deeper line continues the block before it"
        );
        assert!(inline.conflicts_with(&Fix::safe(vec![Edit::insert(4, "y")])));
        assert!(key.conflicts_with(&replace), "a replacement inside a line");
        let lines = Fix::safe(vec![Edit::replace(0..4, "x\n")]);
        assert!(!key.conflicts_with(&lines), "after replaced lines");
        assert!(!Fix::safe(vec![Edit::insert(0, "  a: 1\n")]).conflicts_with(&lines));
        assert!(Fix::safe(vec![Edit::insert(2, "  a: 1\n")]).conflicts_with(&lines));
        assert!(!inline.conflicts_with(&elsewhere));
        assert_eq!(line_indent("\n  a: 1"), Some("  "));
    }
}
