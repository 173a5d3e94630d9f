//! The Dockerfile document: lexed instructions grouped into build stages,
//! with the questions rules ask of a stage (what it inherits, what it
//! exposes, what it runs) answered in one place.

use std::collections::BTreeMap;

use super::lexer::{self, Instruction, Lexed};
use super::words::{self, Word};
use crate::error::InputError;
use crate::source::Source;

/// One build stage: a `FROM` and the instructions up to the next `FROM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// Position among stages (0-based).
    pub index: usize,
    /// Index of its `FROM` in [`Dockerfile::instructions`].
    pub from: usize,
    /// One past its last instruction.
    pub end: usize,
    /// The image it starts from, as written (build args substituted).
    pub image: String,
    /// Its name (`AS name`), lower-cased.
    pub name: Option<String>,
    /// The earlier stage it builds on, when `image` names one.
    pub parent: Option<usize>,
}

/// A parsed Dockerfile that still knows every byte of its source.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    /// The file as read.
    pub source: Source,
    /// Lines, directives, comments and instructions.
    pub lexed: Lexed,
    /// Build stages, in order.
    pub stages: Vec<Stage>,
    /// Each instruction's words, split when first asked for: rules ask for
    /// the same instruction's words many times per pass.
    words: Vec<std::sync::OnceLock<Vec<Word>>>,
}

/// Where a stage's start command comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartCommand {
    /// The effective `ENTRYPOINT`, as an instruction index.
    pub entrypoint: Option<usize>,
    /// The effective `CMD`, as an instruction index.
    pub cmd: Option<usize>,
}

/// The error for a file that holds no instruction: a walked file named like
/// a Dockerfile that says this is skipped with a note, not an error.
pub const NOT_A_DOCKERFILE: &str = "no FROM instruction: this is not a Dockerfile";

impl Dockerfile {
    /// Parses `source`; bad input is an error naming line and column.
    pub fn parse(source: Source) -> Result<Dockerfile, InputError> {
        let error = |offset: usize, message: String| {
            let (line, col) = source.line_col(offset);
            InputError::at(&source.path, line, col, message)
        };
        if source.bytes.contains(&0) {
            return Err(InputError::file(
                &source.path,
                "binary file (it contains NUL bytes), not a Dockerfile",
            ));
        }
        let lexed = lexer::lex(&source.bytes).map_err(|e| error(e.offset, e.message))?;
        let mut global_args = BTreeMap::new();
        let mut stages: Vec<Stage> = Vec::new();
        for (i, instr) in lexed.instructions.iter().enumerate() {
            let words = || words::split(&instr.args.bytes, lexed.escape);
            if instr.keyword == "FROM" {
                let words = words();
                let (_, first) = words::leading_flags(&words);
                let Some(image) = words.get(first) else {
                    return Err(error(instr.keyword_start, "FROM needs an image".into()));
                };
                let name = match words.get(first + 1..) {
                    None | Some([]) => None,
                    Some([as_kw, name]) if as_kw.value.eq_ignore_ascii_case("as") => {
                        Some(name.value.to_ascii_lowercase())
                    }
                    Some(_) => {
                        return Err(error(
                            instr.keyword_start,
                            "FROM takes an image and optionally `AS name`".into(),
                        ))
                    }
                };
                let image = substitute(&image.value, &global_args);
                let parent = stages
                    .iter()
                    .position(|s| s.name.as_deref() == Some(image.to_ascii_lowercase().as_str()));
                if let Some(last) = stages.last_mut() {
                    last.end = i;
                }
                stages.push(Stage {
                    index: stages.len(),
                    from: i,
                    end: lexed.instructions.len(),
                    image,
                    name,
                    parent,
                });
            } else if stages.is_empty() {
                if instr.keyword != "ARG" {
                    return Err(error(
                        instr.keyword_start,
                        format!(
                            "{} before the first FROM (only ARG may come first)",
                            instr.keyword
                        ),
                    ));
                }
                for word in &words() {
                    let (k, v) = word.value.split_once('=').unwrap_or((&word.value, ""));
                    global_args.insert(k.to_string(), v.to_string());
                }
            }
        }
        if stages.is_empty() {
            return Err(InputError::file(&source.path, NOT_A_DOCKERFILE));
        }
        let words = lexed
            .instructions
            .iter()
            .map(|_| Default::default())
            .collect();
        Ok(Dockerfile {
            source,
            lexed,
            stages,
            words,
        })
    }

    /// All instructions.
    pub fn instructions(&self) -> &[Instruction] {
        &self.lexed.instructions
    }

    /// The stage `docker build` produces when no target is given.
    pub fn final_stage(&self) -> &Stage {
        self.stages.last().expect("parse guarantees a stage")
    }

    /// The stage named `name` (case-insensitive), if any.
    pub fn stage_named(&self, name: &str) -> Option<&Stage> {
        let name = name.to_ascii_lowercase();
        self.stages
            .iter()
            .find(|s| s.name.as_deref() == Some(name.as_str()))
    }

    /// The stage that contains instruction `index`.
    pub fn stage_of(&self, index: usize) -> Option<&Stage> {
        self.stages
            .iter()
            .find(|s| s.from <= index && index < s.end)
    }

    /// `stage` and the stages it builds on, nearest first.
    pub fn chain<'a>(&'a self, stage: &'a Stage) -> Vec<&'a Stage> {
        let mut chain = vec![stage];
        let mut current = stage;
        while let Some(parent) = current.parent {
            current = &self.stages[parent];
            chain.push(current);
        }
        chain
    }

    /// The image at the bottom of `stage`'s chain: what it really runs on.
    pub fn base_image(&self, stage: &Stage) -> String {
        self.chain(stage)
            .last()
            .map(|s| s.image.clone())
            .unwrap_or_default()
    }

    /// Instruction indexes of `stage`'s chain, oldest first (what the stage
    /// inherits, then its own), `FROM` lines excluded.
    pub fn inherited(&self, stage: &Stage) -> Vec<usize> {
        let mut out = Vec::new();
        for s in self.chain(stage).into_iter().rev() {
            out.extend(s.from + 1..s.end);
        }
        out
    }

    /// The words of instruction `index`.
    pub fn words(&self, index: usize) -> &[Word] {
        self.words[index]
            .get_or_init(|| words::split(&self.instructions()[index].args.bytes, self.lexed.escape))
    }

    /// The last instruction with `keyword` that `stage` has or inherits.
    pub fn last_inherited(&self, stage: &Stage, keyword: &str) -> Option<usize> {
        self.inherited(stage)
            .into_iter()
            .rev()
            .find(|&i| self.instructions()[i].keyword == keyword)
    }

    /// The effective ENTRYPOINT and CMD: a stage's own ENTRYPOINT resets an
    /// inherited CMD, as Docker does.
    pub fn start_command(&self, stage: &Stage) -> StartCommand {
        let mut start = StartCommand {
            entrypoint: None,
            cmd: None,
        };
        for i in self.inherited(stage) {
            match self.instructions()[i].keyword.as_str() {
                "ENTRYPOINT" => {
                    let own_cmd = start.cmd.filter(|&c| self.stage_of(c) == self.stage_of(i));
                    start.entrypoint = Some(i);
                    start.cmd = own_cmd;
                }
                "CMD" => start.cmd = Some(i),
                _ => {}
            }
        }
        start
    }

    /// The argv of a CMD/ENTRYPOINT: exec form as is, shell form as the
    /// shell in effect followed by the text (`/bin/sh -c TEXT` unless a
    /// `SHELL` instruction says otherwise).
    pub fn argv(&self, index: usize) -> Vec<String> {
        let args = &self.instructions()[index].args;
        words::exec_form(&args.bytes).unwrap_or_else(|| {
            let mut argv = self.shell(index);
            argv.push(args.text().trim().to_string());
            argv
        })
    }

    /// The shell that runs the shell form of instruction `index`: the
    /// last `SHELL` before it in its stage's chain (SHELL is part of the
    /// image, so a stage inherits it), else `/bin/sh -c`.
    pub fn shell(&self, index: usize) -> Vec<String> {
        let own = self.stage_of(index).unwrap_or_else(|| self.final_stage());
        self.inherited(own)
            .into_iter()
            .rev()
            .filter(|&i| i < index && self.instructions()[i].keyword == "SHELL")
            .filter_map(|i| words::exec_form(&self.instructions()[i].args.bytes))
            .find(|shell| !shell.is_empty())
            .unwrap_or_else(|| vec!["/bin/sh".into(), "-c".into()])
    }

    /// The last instruction, when the file ends inside its continuation:
    /// its last line ends in the escape character and no line follows to
    /// continue it (comment and blank lines do not end a continuation).
    /// Docker ends it at the end of the file; any line appended after it
    /// would be read as more of it.
    pub fn open_continuation(&self) -> Option<usize> {
        let index = self.instructions().len().checked_sub(1)?;
        let instr = &self.instructions()[index];
        if !instr.heredocs.is_empty() {
            return None;
        }
        let line = self.lexed.lines[instr.last_line];
        let content = &self.source.bytes[line.start..line.end];
        let last = content.iter().rev().find(|&&b| b != b' ' && b != b'\t');
        (last == Some(&self.lexed.escape)).then_some(index)
    }

    /// Every reference to a stage that is, or may be, by position rather
    /// than by name, as (instruction index, position): `COPY --from=N` and
    /// `RUN --mount=…,from=N` (BuildKit reads a number there as a stage
    /// index), and `FROM N` (counted too, to be safe). A `--from` made of a
    /// variable (`--from=$STAGE`, settable with `--build-arg`) may name any
    /// stage; its position is `None`.
    pub fn positional_references(&self) -> Vec<(usize, Option<usize>)> {
        let mut out = Vec::new();
        for (i, instr) in self.instructions().iter().enumerate() {
            let words = self.words(i);
            let (flags, _) = words::leading_flags(words);
            let values: Vec<String> = match instr.keyword.as_str() {
                "FROM" => self
                    .stages
                    .iter()
                    .filter(|s| s.from == i && !s.image.contains('$'))
                    .map(|s| s.image.clone())
                    .collect(),
                "COPY" => flags
                    .into_iter()
                    .filter(|(name, _)| name == "from")
                    .map(|(_, value)| value)
                    .collect(),
                "RUN" => flags
                    .into_iter()
                    .filter(|(name, _)| name == "mount")
                    .flat_map(|(_, value)| {
                        value
                            .split(',')
                            .filter_map(|kv| kv.split_once('='))
                            .filter(|(k, _)| k.trim().eq_ignore_ascii_case("from"))
                            .map(|(_, v)| v.trim().to_string())
                            .collect::<Vec<_>>()
                    })
                    .collect(),
                _ => Vec::new(),
            };
            for value in values {
                if value.contains('$') {
                    out.push((i, None));
                } else if let Ok(position) = value.parse::<usize>() {
                    out.push((i, Some(position)));
                }
            }
        }
        out
    }

    /// The environment `stage` sets or inherits (`ENV k=v` and `ENV k v`).
    pub fn env(&self, stage: &Stage) -> BTreeMap<String, String> {
        let mut env = BTreeMap::new();
        for i in self.inherited(stage) {
            if self.instructions()[i].keyword != "ENV" {
                continue;
            }
            let words = self.words(i);
            if words.len() >= 2 && !words[0].value.contains('=') {
                let bytes = &self.instructions()[i].args.bytes[words[0].span.end..];
                let value = crate::source::lossy(bytes).trim().to_string();
                env.insert(words[0].value.clone(), value);
            } else {
                for w in words {
                    if let Some((k, v)) = w.value.split_once('=') {
                        env.insert(k.to_string(), v.to_string());
                    }
                }
            }
        }
        env
    }

    /// The variables a build-time instruction of `stage` sees (`EXPOSE
    /// $PORT`): ARG defaults along the chain (a bare `ARG NAME` takes the
    /// default of a global `ARG NAME=…` above the first FROM), then ENV,
    /// which wins.
    pub fn build_vars(&self, stage: &Stage) -> BTreeMap<String, String> {
        let split = |i: usize| -> Vec<(String, Option<String>)> {
            self.words(i)
                .iter()
                .map(|w| match w.value.split_once('=') {
                    Some((k, v)) => (k.to_string(), Some(v.to_string())),
                    None => (w.value.clone(), None),
                })
                .collect()
        };
        let global: BTreeMap<String, String> = (0..self.stages[0].from)
            .filter(|&i| self.instructions()[i].keyword == "ARG")
            .flat_map(split)
            .filter_map(|(k, v)| Some((k, v?)))
            .collect();
        let mut vars = BTreeMap::new();
        for i in self.inherited(stage) {
            if self.instructions()[i].keyword != "ARG" {
                continue;
            }
            for (name, value) in split(i) {
                if let Some(value) = value.or_else(|| global.get(&name).cloned()) {
                    vars.insert(name, value);
                }
            }
        }
        vars.extend(self.env(stage));
        vars
    }

    /// TCP ports `stage` exposes or inherits, with the instruction that
    /// exposes each; ranges are expanded only when small.
    pub fn exposed_ports(&self, stage: &Stage) -> Vec<(u16, usize)> {
        let env = self.build_vars(stage);
        let mut ports = Vec::new();
        for i in self.inherited(stage) {
            if self.instructions()[i].keyword != "EXPOSE" {
                continue;
            }
            for word in self.words(i) {
                let value = substitute(&word.value, &env).to_ascii_lowercase();
                let (number, protocol) = value.split_once('/').unwrap_or((&value, "tcp"));
                if protocol != "tcp" {
                    continue;
                }
                if let Some((lo, hi)) = number.split_once('-') {
                    if let (Ok(lo), Ok(hi)) = (lo.parse::<u16>(), hi.parse::<u16>()) {
                        if hi >= lo && hi - lo < 1024 {
                            ports.extend((lo..=hi).map(|p| (p, i)));
                        }
                    }
                } else if let Ok(port) = number.parse::<u16>() {
                    ports.push((port, i));
                }
            }
        }
        ports
    }

    /// The whole text of instruction `index` including heredoc bodies (what a
    /// RUN really executes).
    pub fn script(&self, index: usize) -> String {
        let instr = &self.instructions()[index];
        let mut text = instr.args.text();
        for heredoc in &instr.heredocs {
            text.push('\n');
            text.push_str(&crate::source::lossy(
                &self.source.bytes[heredoc.body.clone()],
            ));
        }
        text
    }

    /// Comment lines directly above instruction `index` (no blank line
    /// between): the comment that describes it. Returns the first such line.
    pub fn attached_comment_start(&self, index: usize) -> usize {
        let instr = &self.instructions()[index];
        let mut line = instr.first_line;
        let comment_lines: std::collections::BTreeSet<usize> =
            self.lexed.comments.iter().map(|c| c.line).collect();
        while line > 0 && comment_lines.contains(&(line - 1)) {
            line -= 1;
        }
        line
    }

    /// Byte offset where line `line` starts (end of file past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.lexed
            .lines
            .get(line)
            .map_or(self.source.bytes.len(), |l| l.start)
    }

    /// Byte offset just past the line break of instruction `index`'s last line.
    pub fn after_instruction(&self, index: usize) -> usize {
        self.lexed.lines[self.instructions()[index].last_line].next
    }

    /// Whether the physical line before `line` closes a heredoc (an
    /// instruction right after one trips hadolint, hadolint#960).
    pub fn follows_heredoc(&self, line: usize) -> bool {
        line > 0
            && self
                .instructions()
                .iter()
                .any(|i| !i.heredocs.is_empty() && i.last_line + 1 == line)
    }

    /// Comments of the file, for inline ignores.
    pub fn comment_text(&self) -> impl Iterator<Item = (usize, &str)> {
        self.lexed
            .comments
            .iter()
            .map(|c| (c.line, c.text.as_str()))
    }
}

/// Substitutes `$NAME` and `${NAME}` (and `${NAME:-default}`) from `vars`;
/// unknown names are left as written.
pub fn substitute(value: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let (name, default, consumed) = if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(end) => {
                    let body = &inner[..end];
                    let (n, d) = match body.split_once(":-") {
                        Some((n, d)) => (n, Some(d)),
                        None => (body, None),
                    };
                    (n, d, end + 2)
                }
                None => ("", None, 0),
            }
        } else {
            let n = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..n], None, n)
        };
        if name.is_empty() {
            out.push('$');
            rest = after;
            continue;
        }
        match vars
            .get(name)
            .filter(|v| !v.is_empty())
            .map(String::as_str)
            .or(default)
        {
            Some(v) => out.push_str(v),
            None => out.push_str(&rest[pos..pos + 1 + consumed]),
        }
        rest = &after[consumed..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Dockerfile {
        Dockerfile::parse(Source::new("Dockerfile", text.as_bytes().to_vec())).unwrap()
    }

    #[test]
    fn stages_and_inheritance() {
        let d = parse(
            "ARG BASE=python:3.12\nFROM $BASE AS builder\nEXPOSE 8000\nENTRYPOINT [\"python\"]\nCMD [\"app.py\"]\nFROM builder as dev\nRUN x\n",
        );
        assert_eq!(d.stages.len(), 2);
        let last = d.final_stage();
        assert_eq!(last.parent, Some(0));
        assert_eq!(d.base_image(last), "python:3.12");
        assert_eq!(d.exposed_ports(last), vec![(8000, 2)]);
        let start = d.start_command(last);
        assert_eq!(start.entrypoint, Some(3));
        assert_eq!(start.cmd, Some(4));
    }

    #[test]
    fn child_entrypoint_resets_inherited_cmd() {
        let d = parse("FROM a AS b\nCMD [\"x\"]\nFROM b\nENTRYPOINT [\"y\"]\n");
        let start = d.start_command(d.final_stage());
        assert_eq!(start.entrypoint, Some(3));
        assert_eq!(start.cmd, None);
    }

    #[test]
    fn env_forms() {
        let d = parse("FROM a\nENV PORT=3000 MODE=\"prod x\"\nENV FLASK_RUN_PORT 8000\n");
        let env = d.env(d.final_stage());
        assert_eq!(env["PORT"], "3000");
        assert_eq!(env["MODE"], "prod x");
        assert_eq!(env["FLASK_RUN_PORT"], "8000");
    }

    #[test]
    fn errors_name_line_and_column() {
        let err = Dockerfile::parse(Source::new("D", b"# c\nFROM\n".to_vec())).unwrap_err();
        assert_eq!((err.line, err.col), (2, 1));
        assert!(Dockerfile::parse(Source::new("D", b"RUN x\n".to_vec())).is_err());
        assert!(Dockerfile::parse(Source::new("D", b"\0\x01".to_vec())).is_err());
        assert!(Dockerfile::parse(Source::new("D", b"".to_vec())).is_err());
    }

    #[test]
    fn open_continuation_only_at_the_end() {
        assert_eq!(parse("FROM a\nRUN x \\").open_continuation(), Some(1));
        assert_eq!(
            parse("FROM a\nRUN x \\\n# c\n\n").open_continuation(),
            Some(1)
        );
        assert_eq!(
            parse("# escape=`\nFROM a\nRUN x `  \r\n").open_continuation(),
            Some(1)
        );
        assert_eq!(parse("FROM a \\\n").open_continuation(), Some(0));
        assert_eq!(
            parse("# escape=`\nFROM a\nRUN x \\\n").open_continuation(),
            None
        );
        assert_eq!(parse("FROM a\nRUN x \\\n  y\n").open_continuation(), None);
        assert_eq!(
            parse("FROM a\nRUN <<EOF\nx \\\nEOF\n").open_continuation(),
            None
        );
    }

    #[test]
    fn shell_in_effect() {
        let d = parse("FROM a AS b\nSHELL [\"bash\", \"-c\"]\nCMD x\nFROM b\nCMD y\nSHELL [\"zsh\", \"-c\"]\nFROM c\nCMD z\n");
        assert_eq!(d.argv(2), ["bash", "-c", "x"]);
        assert_eq!(
            d.argv(4),
            ["bash", "-c", "y"],
            "inherited, not the later one"
        );
        assert_eq!(d.argv(7), ["/bin/sh", "-c", "z"]);
    }

    #[test]
    fn references_by_position() {
        let d = parse(
            "ARG N=1\nFROM a\nFROM 0\nCOPY --from=0 /x /x\nCOPY --from=a /y /y\nRUN --mount=type=bind,from=1,target=/m true\nCOPY --from=$S /z /z\nONBUILD COPY --from=0 /w /w\n",
        );
        assert_eq!(
            d.positional_references(),
            [(2, Some(0)), (3, Some(0)), (5, Some(1)), (6, None)]
        );
    }

    #[test]
    fn substitution() {
        let vars = BTreeMap::from([("A".to_string(), "1".to_string())]);
        assert_eq!(substitute("x$A-${A}-${B:-2}-$C", &vars), "x1-1-2-$C");
    }
}
