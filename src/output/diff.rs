//! The one diff renderer: unified diffs with `a/` and `b/` headers relative
//! to the current folder, so `seaworthy check > p && git apply p` works.
//!
//! `git apply` takes the paths of such a diff from the folder it runs in
//! and refuses any with `..` or a leading `/`, so a run that changes files
//! outside the current folder names them from another [`Base`]: the top of
//! the git work tree that holds them all, else their deepest common folder,
//! and says so in a note.

//!
//! The lines that differ are `similar`'s Myers diff (with its clean-up that
//! slides changes to one place), rendered as its unified diff renders them.
//! Myers costs (lines × lines changed): a file with fixes throughout (one
//! Compose file of thousands of services, fixed everywhere) took minutes.
//! So a file of more than [`WHOLE_DIFF_LINES`] lines (before and after
//! together) is cut at anchors, lines that occur once in what differs of
//! each version and start a run of matching lines (the longest chain of
//! them in order, as patience diff finds), and each piece of at least
//! [`MIN_PIECE_LINES`] lines is diffed alone. No change can slide past an
//! anchor, and where the fixes only insert lines every anchor is matched
//! in every minimal diff, so the pieces give a minimal diff. Where more
//! than one minimal diff exists (a repeated line inserted or deleted next
//! to its twin, a moved block), a piece may pick another one than the
//! whole-file Myers would; the diff still applies (`git apply`) to the
//! same result. Files up to the limit (every fixture and corpus file) are
//! diffed whole, as always; the generated benchmark files of 250 to 4,000
//! services give the same bytes either way.

use std::fmt::Write as _;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anstyle::{AnsiColor, Style};
use foldhash::HashMap;
use similar::{Algorithm, DiffOp, DiffTag};

use crate::plan::FileChange;

/// The folder the `a/` and `b/` paths of one run's diffs are relative to:
/// one for the whole run, so that one `git apply` in it takes them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// The current folder, which holds every file (the usual case).
    Current,
    /// The top of the git work tree that holds every file (found by its
    /// `.git`), when some file is outside the current folder.
    Repository(PathBuf),
    /// The deepest folder that holds every file, when some file is outside
    /// the current folder and no one git work tree holds them all.
    Folder(PathBuf),
}

impl Base {
    /// The base for diffs of the files at `paths`.
    pub fn of<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Base {
        let Some(cwd) = crate::paths::current_dir() else {
            return Base::Current;
        };
        let files: Vec<PathBuf> = paths.into_iter().map(crate::model::project::key).collect();
        if files.iter().all(|file| file.starts_with(cwd)) {
            return Base::Current;
        }
        let mut trees = files.iter().map(|file| work_tree(file));
        if let Some(Some(first)) = trees.next() {
            if trees.all(|tree| tree.as_ref() == Some(&first)) {
                return Base::Repository(first);
            }
        }
        Base::Folder(common_folder(&files))
    }

    /// The base for the diffs of every file `plan` changes.
    pub fn of_plan(plan: &crate::plan::Plan) -> Base {
        Base::of(plan.changed().map(|change| change.path.as_path()))
    }

    /// `path` as the diff names it: relative to the base, `/`-separated.
    pub fn name(&self, path: &Path) -> String {
        let base = match self {
            Base::Current => match crate::paths::current_dir() {
                Some(cwd) => cwd,
                None => return crate::paths::display(path),
            },
            Base::Repository(dir) | Base::Folder(dir) => dir.as_path(),
        };
        let absolute = crate::model::project::key(path);
        match absolute.strip_prefix(base) {
            Ok(rest) => crate::paths::slashed(rest),
            Err(_) => crate::paths::display(path),
        }
    }

    /// One line for stderr when the paths are not relative to the current
    /// folder: where to run `git apply`.
    pub fn note(&self) -> Option<String> {
        match self {
            Base::Current => None,
            Base::Repository(root) => Some(format!(
                "note: the diff's paths are relative to the git repository at {}, \
                 not to the current folder: run `git apply` there",
                root.display()
            )),
            Base::Folder(dir) => Some(format!(
                "note: the diff's paths are relative to {} (no one git repository holds \
                 these files): run `git apply` there, or above it with `--directory`",
                dir.display()
            )),
        }
    }
}

/// The top of the git work tree that holds `file`: the nearest folder
/// above it with a `.git` (a folder, or a file in a linked work tree).
fn work_tree(file: &Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The deepest folder that holds every file of `files` (absolute paths).
fn common_folder(files: &[PathBuf]) -> PathBuf {
    let mut common = files
        .first()
        .and_then(|file| file.parent())
        .map(Path::to_path_buf)
        .unwrap_or_default();
    for file in files {
        while !file.starts_with(&common) && common.pop() {}
    }
    common
}

/// Lines changes show around them, as `diff -u`.
const CONTEXT: usize = 3;

/// Files up to this many lines (before and after together) are diffed
/// whole, as they always were: Myers on them costs a few milliseconds at
/// most.
pub const WHOLE_DIFF_LINES: usize = 5_000;

/// Lines (before and after together) a piece of a large file has at least:
/// one call per line would cost more than it saves.
pub const MIN_PIECE_LINES: usize = 64;

/// Lines after an anchor that must match too: a unique line that only
/// happens to occur once on each side (a comment moved far away) is no
/// anchor.
const ANCHOR_RUN: usize = 2;

/// The unified diff of one file change (empty when nothing changes), with
/// paths relative to the current folder; a file the plan creates is diffed
/// from `/dev/null`, as git writes it.
pub fn unified(change: &FileChange) -> String {
    unified_from(change, &Base::Current)
}

/// The unified diff of one file change (empty when nothing changes), with
/// paths relative to `base`; a file the plan creates is diffed from
/// `/dev/null`, as git writes it.
pub fn unified_from(change: &FileChange, base: &Base) -> String {
    if !change.changes() {
        return String::new();
    }
    let name = base.name(&change.path);
    let before = crate::source::lossy(change.before.as_deref().unwrap_or_default());
    let after = crate::source::lossy(&change.after);
    let old_header = match change.before {
        Some(_) => format!("a/{name}"),
        None => "/dev/null".to_string(),
    };
    let (old, new) = (lines(&before), lines(&after));
    let (old_ids, new_ids) = interned(&old, &new);
    render(
        (&old_header, &format!("b/{name}")),
        &old,
        &new,
        &diff_ops(&old_ids, &new_ids, WHOLE_DIFF_LINES, MIN_PIECE_LINES),
    )
}

/// The lines of `text`, each with its end (`\n`, `\r\n`, or a `\r`
/// alone), as `similar` splits them, found with `memchr` (its own
/// splitter goes one character at a time).
fn lines(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut lines = Vec::with_capacity(bytes.len() / 32 + 1);
    let mut start = 0;
    for at in memchr::memchr2_iter(b'\r', b'\n', bytes) {
        if at < start {
            // The `\n` of a `\r\n` already taken.
            continue;
        }
        let end = match (bytes[at], bytes.get(at + 1)) {
            (b'\r', Some(b'\n')) => at + 2,
            _ => at + 1,
        };
        lines.push(&text[start..end]);
        start = end;
    }
    if start < bytes.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// Each line as a number, equal lines equal numbers: the diff then
/// compares numbers, not text (the same diff, found faster).
fn interned<'a>(old: &[&'a str], new: &[&'a str]) -> (Vec<u32>, Vec<u32>) {
    let mut ids: HashMap<&'a str, u32> =
        HashMap::with_capacity_and_hasher(old.len() + new.len(), Default::default());
    let mut id = |line: &'a str| {
        let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        *ids.entry(line).or_insert(next)
    };
    let old = old.iter().map(|l| id(l)).collect();
    let new = new.iter().map(|l| id(l)).collect();
    (old, new)
}

/// The diff of two texts' lines: whole when they have at most `whole` lines
/// together, else in pieces of at least `min_piece` lines (see the
/// module's documentation).
fn diff_ops<T: Ord + std::hash::Hash>(
    old: &[T],
    new: &[T],
    whole: usize,
    min_piece: usize,
) -> Vec<DiffOp> {
    if old.len() + new.len() <= whole {
        return similar::capture_diff_slices(Algorithm::Myers, old, new);
    }
    let mut ops: Vec<DiffOp> = Vec::new();
    let mut from = (0, 0);
    let end = (old.len(), new.len());
    for to in anchors(old, new).into_iter().chain([end]) {
        if to != end && to.0 - from.0 + to.1 - from.1 < min_piece {
            continue;
        }
        let piece = similar::capture_diff(Algorithm::Myers, old, from.0..to.0, new, from.1..to.1);
        for op in piece {
            // An anchor splits a run of equal lines in two; the whole
            // diff has it as one.
            match (ops.last_mut(), op) {
                (Some(DiffOp::Equal { len, .. }), DiffOp::Equal { len: more, .. }) => *len += more,
                _ => ops.push(op),
            }
        }
        from = to;
    }
    ops
}

/// Where the diff of `old` and `new` may be cut: pairs of line indexes of
/// lines that occur exactly once in what differs of each (between the
/// common start and end), the longest chain of them in order in both.
fn anchors<T: Eq + std::hash::Hash>(old: &[T], new: &[T]) -> Vec<(usize, usize)> {
    let head = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let tail = old[head..]
        .iter()
        .rev()
        .zip(new[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (old_middle, new_middle) = (head..old.len() - tail, head..new.len() - tail);
    // For each line text: (times in old, index in old, times in new, index in new).
    let mut seen: HashMap<&T, (u32, usize, u32, usize)> = HashMap::default();
    for i in old_middle {
        let entry = seen.entry(&old[i]).or_insert((0, i, 0, 0));
        entry.0 += 1;
    }
    for j in new_middle.clone() {
        if let Some(entry) = seen.get_mut(&new[j]) {
            entry.2 += 1;
            entry.3 = j;
        }
    }
    let mut pairs: Vec<(usize, usize)> = seen
        .into_values()
        .filter(|&(in_old, _, in_new, _)| in_old == 1 && in_new == 1)
        .map(|(_, i, _, j)| (i, j))
        .filter(|&(i, j)| (1..=ANCHOR_RUN).all(|k| old.get(i + k) == new.get(j + k)))
        .collect();
    pairs.sort_unstable();
    longest_increasing(&pairs)
}

/// The longest subsequence of `pairs` (sorted by their first index) whose
/// second indexes increase too (patience sorting).
fn longest_increasing(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    // tails[k]: index in `pairs` of the smallest end of a chain of length k + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; pairs.len()];
    for (at, &(_, j)) in pairs.iter().enumerate() {
        let k = tails.partition_point(|&t| pairs[t].1 < j);
        previous[at] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(at);
        } else {
            tails[k] = at;
        }
    }
    let mut chain = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(i) = at {
        chain.push(pairs[i]);
        at = previous[i];
    }
    chain.reverse();
    chain
}

/// Renders `ops` as `similar`'s unified diff does: hunks with 3 lines of
/// context, a hunk header per group, `\ No newline at end of file` after a
/// last line without one.
fn render(headers: (&str, &str), old: &[&str], new: &[&str], ops: &[DiffOp]) -> String {
    let mut out = String::new();
    for group in similar::group_diff_ops(ops.to_vec(), CONTEXT) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        if out.is_empty() {
            let _ = write!(out, "--- {}\n+++ {}\n", headers.0, headers.1);
        }
        let _ = writeln!(
            out,
            "@@ -{} +{} @@",
            HunkRange(first.old_range().start..last.old_range().end),
            HunkRange(first.new_range().start..last.new_range().end)
        );
        for op in &group {
            let (tag, old_range, new_range) = op.as_tag_tuple();
            let (deleted, inserted) = match tag {
                DiffTag::Equal => {
                    for line in &old[old_range] {
                        push_line(&mut out, ' ', line);
                    }
                    continue;
                }
                DiffTag::Delete => (old_range, 0..0),
                DiffTag::Insert => (0..0, new_range),
                DiffTag::Replace => (old_range, new_range),
            };
            for line in &old[deleted] {
                push_line(&mut out, '-', line);
            }
            for line in &new[inserted] {
                push_line(&mut out, '+', line);
            }
        }
    }
    out
}

/// One line of a hunk, marked.
fn push_line(out: &mut String, mark: char, line: &str) {
    out.push(mark);
    out.push_str(line);
    if !line.ends_with(['\r', '\n']) {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

/// A hunk header's line range: `start,length` (1-based; an empty range
/// names the line before it), or `start` alone for one line.
struct HunkRange(Range<usize>);

impl std::fmt::Display for HunkRange {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let len = self.0.len();
        match len {
            1 => write!(f, "{}", self.0.start + 1),
            0 => write!(f, "{},0", self.0.start),
            _ => write!(f, "{},{}", self.0.start + 1, len),
        }
    }
}

/// Writes `diff` to `out`, coloured by line kind when `colour` is on.
pub fn write(out: &mut impl Write, diff: &str, colour: bool) -> std::io::Result<()> {
    if !colour {
        return out.write_all(diff.as_bytes());
    }
    let header = Style::new().bold();
    let added = AnsiColor::Green.on_default();
    let removed = AnsiColor::Red.on_default();
    let hunk = AnsiColor::Cyan.on_default();
    for line in diff.split_inclusive('\n') {
        let style = if line.starts_with("+++") || line.starts_with("---") {
            header
        } else if line.starts_with('+') {
            added
        } else if line.starts_with('-') {
            removed
        } else if line.starts_with("@@") {
            hunk
        } else {
            Style::new()
        };
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        write!(out, "{style}{body}{style:#}{end}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift), so failures repeat.
    struct Random(u64);

    impl Random {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// The lines `ops` change: (deleted, inserted).
    fn changed(ops: &[DiffOp]) -> (usize, usize) {
        ops.iter()
            .filter(|op| op.tag() != DiffTag::Equal)
            .map(|op| (op.old_range().len(), op.new_range().len()))
            .fold((0, 0), |(d, i), (od, oi)| (d + od, i + oi))
    }

    /// The text after, rebuilt from the text before and the tags and
    /// lengths of `ops`.
    fn rebuilt(old: &[&str], new: &[&str], ops: &[DiffOp]) -> String {
        let mut out = String::new();
        let (mut i, mut j) = (0, 0);
        for op in ops {
            let (deleted, inserted) = (op.old_range().len(), op.new_range().len());
            match op.tag() {
                DiffTag::Equal => out.extend(old[i..i + deleted].iter().copied()),
                _ => out.extend(new[j..j + inserted].iter().copied()),
            }
            i += deleted;
            j += inserted;
        }
        assert_eq!((i, j), (old.len(), new.len()));
        out
    }

    /// Compose-like lines from a small vocabulary, with lines inserted
    /// (and, unless `only_insert`, replaced and deleted) at random:
    /// repeated lines give Myers choices.
    fn random_case(random: &mut Random, case: usize, only_insert: bool) -> (String, String) {
        let vocabulary = [
            "    image: postgres:16\n",
            "    restart: unless-stopped\n",
            "    logging:\n",
            "      driver: json-file\n",
            "      options:\n",
            "        max-size: 10m\n",
            "    depends_on:\n",
            "      - db\n",
            "\n",
            "# note\n",
        ];
        let pick = |random: &mut Random| vocabulary[random.below(vocabulary.len())];
        let mut old = String::new();
        let mut new = String::new();
        for service in 0..random.below(60) + 1 {
            let name = format!("  svc-{case}-{service}:\n");
            old.push_str(&name);
            new.push_str(&name);
            for _ in 0..random.below(6) {
                let line = pick(random);
                match random.below(6) {
                    0 => new.push_str(line),
                    1 if !only_insert => {
                        old.push_str(line);
                        new.push_str(pick(random));
                        new.push_str(pick(random));
                    }
                    2 if !only_insert => old.push_str(line),
                    _ => {
                        old.push_str(line);
                        new.push_str(line);
                    }
                }
            }
            for _ in 0..random.below(4) {
                new.push_str(pick(random));
            }
        }
        if random.below(4) == 0 {
            old.push_str("end");
            new.push_str("end");
        }
        (old, new)
    }

    /// Checks that the diff in pieces rebuilds `new`, and (if `minimal`)
    /// changes as few lines as the whole diff.
    fn check_pieces(old: &str, new: &str, min_piece: usize, minimal: bool) {
        let (old, new) = (lines(old), lines(new));
        let pieces = diff_ops(&old, &new, 0, min_piece);
        assert_eq!(rebuilt(&old, &new, &pieces), new.concat());
        if minimal {
            let whole = diff_ops(&old, &new, usize::MAX, 0);
            assert_eq!(changed(&pieces), changed(&whole), "{old:?}\n{new:?}");
        }
    }

    #[test]
    fn lines_split_as_similar_splits_them() {
        use similar::DiffableStr;
        for text in [
            "",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\rb\r",
            "\r\r\n\n\r",
            "é\r\nü\rß\n©",
            "x\r",
        ] {
            assert_eq!(lines(text), text.tokenize_lines(), "{text:?}");
        }
    }

    #[test]
    fn pieces_give_a_valid_diff_and_a_minimal_one_for_insertions() {
        let mut random = Random(0x9e37_79b9_7f4a_7c15);
        for case in 0..300 {
            let (old, new) = random_case(&mut random, case, false);
            check_pieces(&old, &new, 0, false);
            let (old, new) = random_case(&mut random, case, true);
            check_pieces(&old, &new, 0, true);
        }
    }

    #[test]
    fn pieces_of_every_fixture_are_minimal() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let plan = crate::engine::planner::build(
            &[root],
            &crate::settings::resolver::Resolver::new(None).unwrap(),
            &crate::settings::policy::Overrides::default(),
        );
        let mut compared = 0;
        for change in plan.changed() {
            for min_piece in [0, 8] {
                check_pieces(
                    &crate::source::lossy(change.before_bytes()),
                    &crate::source::lossy(&change.after),
                    min_piece,
                    true,
                );
            }
            compared += 1;
        }
        assert!(compared >= 20, "fixtures went missing: {compared}");
    }

    #[test]
    fn headers_and_missing_newline() {
        let change = FileChange {
            path: "x/Dockerfile".into(),
            before: Some(b"FROM a\nCMD b".to_vec()),
            after: b"FROM a\nEXPOSE 1\nCMD b".to_vec(),
            findings: vec![],
        };
        let diff = unified(&change);
        assert!(
            diff.starts_with("--- a/x/Dockerfile\n+++ b/x/Dockerfile\n"),
            "{diff}"
        );
        assert!(diff.contains("+EXPOSE 1\n"));
        assert!(diff.contains("\\ No newline at end of file"));
    }

    #[test]
    fn new_files_come_from_dev_null() {
        let change = FileChange {
            path: "x/.dockerignore".into(),
            before: None,
            after: b".git\n.env\n".to_vec(),
            findings: vec![],
        };
        let diff = unified(&change);
        assert!(
            diff.starts_with(
                "--- /dev/null\n+++ b/x/.dockerignore\n@@ -0,0 +1,2 @@\n+.git\n+.env\n"
            ),
            "{diff}"
        );
    }

    #[test]
    fn common_folder_of_files() {
        let files = |paths: &[&str]| paths.iter().map(PathBuf::from).collect::<Vec<_>>();
        assert_eq!(
            common_folder(&files(&["/w/x/Dockerfile"])),
            Path::new("/w/x")
        );
        assert_eq!(
            common_folder(&files(&[
                "/w/x/a/Dockerfile",
                "/w/x/b/compose.yaml",
                "/w/x/c"
            ])),
            Path::new("/w/x")
        );
        assert_eq!(
            common_folder(&files(&["/w/xy/Dockerfile", "/w/x/Dockerfile"])),
            Path::new("/w")
        );
        assert_eq!(
            common_folder(&files(&["/a/Dockerfile", "/b/Dockerfile"])),
            Path::new("/")
        );
    }
}
