//! What a rule is, apart from what it does: its identity, the files it reads,
//! what its fix may touch, and how users select or silence it. A leaf: it
//! imports nothing of the crate, so settings, rules and the engine can all
//! read it (as ruff's `registry.rs` and `rule_selector.rs`).

/// The kind of file a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// Dockerfiles.
    Dockerfile,
    /// Compose files.
    Compose,
    /// The app's own config file (`[app_config]`).
    AppConfig,
}

impl Target {
    /// How `seaworthy rules` and messages name the target.
    pub fn name(self) -> &'static str {
        match self {
            Target::Dockerfile => "Dockerfile",
            Target::Compose => "compose",
            Target::AppConfig => "app config",
        }
    }
}

/// How much a finding of a rule matters to `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Drift: `check` fails while it has a fix that would change the file.
    Error,
    /// Advice: fails `check` only with `--strict`.
    Warning,
}

impl Severity {
    /// The lower-case name machine formats use.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Where in a YAML file an owned key lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// A key of a service (`services.NAME.KEY`).
    Service,
    /// A top-level key of the file.
    Root,
}

/// What a fix may do to a key it owns; the meaning guard checks exactly this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Add the key, or add to it: everything it held before is still there.
    Extend,
    /// Rewrite its form, keeping the names it lists (`depends_on` from a
    /// list to a mapping: the same services, other conditions).
    Reshape,
    /// Rewrite its items one for one (bind mounts to named volumes: as many
    /// items as before).
    Replace,
    /// Rewrite the one key of it named here (`healthcheck.test`): every
    /// other key it holds stays as it was, and none is added or lost.
    Within(&'static str),
}

/// A key a rule's fix may change, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owned {
    /// The key.
    pub key: &'static str,
    /// Where it lives.
    pub level: Level,
    /// What the fix may do to it.
    pub change: Change,
}

impl Owned {
    /// A service key the fix adds or extends.
    pub const fn extends(key: &'static str) -> Owned {
        Owned {
            key,
            level: Level::Service,
            change: Change::Extend,
        }
    }
}

/// Which services a fix may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Only the service its diagnostic points at.
    Service,
    /// Any service of the file (one fix for the whole file).
    File,
}

/// Everything about a rule except its check: for `seaworthy rules`, for
/// messages and machine output, and for the engine, which guards each fix by
/// `owns` and `scope` instead of knowing rules by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable ID (`SW101`).
    pub code: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    /// Which files it reads.
    pub target: Target,
    /// How much a finding matters (a finding without a fix is always a warning).
    pub severity: Severity,
    /// One line: what it finds.
    pub summary: &'static str,
    /// One line: what its fix does (SARIF and JSON name fixes by it).
    pub fix_title: &'static str,
    /// The keys its fix may change (YAML files; empty for others).
    pub owns: &'static [Owned],
    /// Which services its fix may touch.
    pub scope: Scope,
    /// The user documentation: what it does, why, example, fix safety.
    pub doc: &'static str,
}

/// Every rule's ID, in order: what selectors are checked against. The
/// catalogue in `rules` must list exactly these (a test keeps them equal).
pub const CODES: &[&str] = &[
    "SW101", "SW102", "SW103", "SW104", "SW106", "SW107", "SW201", "SW202", "SW203", "SW204",
    "SW205", "SW206", "SW207", "SW208", "SW209", "SW301",
];

/// Whether `code` is selected by `pattern` (an ID or a prefix like `SW1`;
/// `ALL` selects every rule).
pub fn matches(code: &str, pattern: &str) -> bool {
    let pattern = pattern.trim().to_ascii_uppercase();
    pattern == "ALL" || code.starts_with(&pattern)
}

/// Checks a `--select`/`--ignore` pattern: `ALL`, or an ID or prefix of at
/// least one rule (a typo must not turn a check off silently).
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    let upper = pattern.trim().to_ascii_uppercase();
    if upper == "ALL" || (upper.starts_with("SW") && CODES.iter().any(|c| c.starts_with(&upper))) {
        return Ok(());
    }
    Err(format!(
        "`{pattern}` is not a rule ID or prefix (`seaworthy rules` lists them)"
    ))
}

/// What a comment seaworthy reads starts with (`# seaworthy: ignore[…]`).
pub const DIRECTIVE: &str = "seaworthy:";

/// Codes named by a `# seaworthy: ignore[SW101, SW104]` comment; an empty
/// list (`# seaworthy: ignore`) means every rule.
pub fn ignore_directive(text: &str) -> Option<Vec<String>> {
    let rest = text.trim().strip_prefix(DIRECTIVE)?.trim_start();
    let rest = rest.strip_prefix("ignore")?;
    if rest.trim().is_empty() {
        return Some(Vec::new());
    }
    let inner = rest.trim().strip_prefix('[')?.split(']').next()?;
    Some(
        inner
            .split(',')
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
            .collect(),
    )
}

/// What is wrong with a comment that looks like a seaworthy directive (the
/// text after `#`), if anything: a directive other than `ignore`, a
/// misspelt `seaworthy:`, or an ID that names no rule. Such a comment is
/// inert, and silently inert is how a check gets switched off by mistake.
pub fn directive_problem(comment: &str) -> Option<String> {
    let text = comment.trim();
    let (head, rest) = text.split_once(':')?;
    let head = head.trim().to_ascii_lowercase();
    if head != "seaworthy" {
        // Two edits from the nine letters of `seaworthy` leave 7 to 11.
        let near = (7..=11).contains(&head.chars().count());
        return (near && strsim::levenshtein(&head, "seaworthy") <= 2)
            .then(|| format!("`{}:` is not `seaworthy:`: this comment does nothing", head));
    }
    if !text.starts_with(DIRECTIVE) {
        return Some(format!(
            "`{}` must be written `{DIRECTIVE}`, in lower case: this comment does nothing",
            &text[..text.len() - rest.len()]
        ));
    }
    let word = rest.trim_start();
    let Some(codes) = ignore_directive(text) else {
        let name: String = word
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        return Some(format!(
            "`seaworthy: {name}` is not a directive (`seaworthy: ignore[SW101]` is): this comment does nothing"
        ));
    };
    let unknown: Vec<&String> = codes
        .iter()
        .filter(|code| code.as_str() != "ALL" && check_pattern(code).is_err())
        .collect();
    if unknown.is_empty() {
        return None;
    }
    Some(format!(
        "`{}` names no rule (`seaworthy rules` lists them): it silences nothing",
        unknown
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join("`, `")
    ))
}

/// Where ignores apply in one text: byte ranges and the codes each
/// silences (an empty list silences every rule). The engine builds them per
/// kind of document (`engine::suppression`) from `# seaworthy: ignore[…]`
/// comments and `[services.NAME] ignore`; rules that choose what to look at
/// ask it too, so an ignored service never shapes another's fix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppressions {
    /// Codes silenced everywhere in the text.
    everywhere: Vec<Vec<String>>,
    /// Codes silenced in a range, by the range's start: the ranges of one
    /// text (stages, services) never overlap, so only the last one starting
    /// at or before a place can hold it.
    ranged: std::collections::BTreeMap<usize, Vec<(usize, Vec<String>)>>,
}

impl Suppressions {
    /// Silences `codes` (IDs or prefixes; none: every rule) in `scope`
    /// (`0..usize::MAX`: the whole text).
    pub fn add(&mut self, scope: std::ops::Range<usize>, codes: Vec<String>) {
        if scope.start == 0 && scope.end == usize::MAX {
            self.everywhere.push(codes);
        } else {
            self.ranged
                .entry(scope.start)
                .or_default()
                .push((scope.end, codes));
        }
    }

    /// Whether rule `code` is silenced at byte `at`.
    pub fn silences(&self, code: &str, at: usize) -> bool {
        let hits = |codes: &Vec<String>| codes.is_empty() || codes.iter().any(|c| matches(code, c));
        self.everywhere.iter().any(hits)
            || self
                .ranged
                .range(..=at)
                .next_back()
                .is_some_and(|(_, scopes)| {
                    scopes.iter().any(|(end, codes)| at < *end && hits(codes))
                })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inert_directives_are_named() {
        assert_eq!(directive_problem(" seaworthy: ignore[SW101]"), None);
        assert_eq!(directive_problem("seaworthy: ignore[SW1]"), None);
        assert_eq!(directive_problem("seaworthy: ignore"), None);
        assert_eq!(directive_problem("a comment: nothing to see"), None);
        let typo = directive_problem("seaworthy: ignore[SW1O1, SW104]").unwrap();
        assert!(typo.contains("`SW1O1` names no rule"), "{typo}");
        assert!(directive_problem("seaworthy: ignore[SW999]").is_some());
        assert!(directive_problem("seaworthy: igonre[SW101]")
            .unwrap()
            .contains("not a directive"));
        assert!(directive_problem("seaworhty: ignore[SW101]")
            .unwrap()
            .contains("is not `seaworthy:`"));
        assert!(directive_problem("Seaworthy: ignore[SW101]")
            .unwrap()
            .contains("lower case"));
    }

    #[test]
    fn prefixes_select() {
        assert!(matches("SW101", "SW1"));
        assert!(matches("SW101", "sw101"));
        assert!(matches("SW101", "ALL"));
        assert!(!matches("SW201", "SW1"));
    }

    #[test]
    fn patterns_are_checked() {
        for ok in ["SW1", "sw101", "ALL", "SW", "SW20"] {
            assert!(check_pattern(ok).is_ok(), "{ok}");
        }
        for bad in ["SW2O1", "SW999", "E501", ""] {
            assert!(check_pattern(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_ignore_directives() {
        assert_eq!(
            ignore_directive("seaworthy: ignore[SW101, sw104]"),
            Some(vec!["SW101".into(), "SW104".into()])
        );
        assert_eq!(ignore_directive("seaworthy: ignore"), Some(vec![]));
        assert_eq!(ignore_directive("just a comment"), None);
    }
}
