//! `--statistics`: how many findings each rule has, most first (as
//! `ruff check --statistics`).

use std::io::Write;

use crate::plan::{Plan, Status};
use crate::registry::RuleMeta;

/// One rule's counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    /// The rule.
    pub rule: &'static RuleMeta,
    /// Its findings.
    pub findings: usize,
    /// Those whose fix `fix` applies.
    pub fixable: usize,
}

/// The counts of every rule with a finding: most findings first, then by ID.
pub fn counts(plan: &Plan) -> Vec<Count> {
    let mut counts: Vec<Count> = Vec::new();
    for (_, finding) in plan.findings() {
        let fixed = usize::from(finding.status == Status::Fixed);
        match counts.iter_mut().find(|c| c.rule.code == finding.rule.code) {
            Some(c) => {
                c.findings += 1;
                c.fixable += fixed;
            }
            None => counts.push(Count {
                rule: finding.rule,
                findings: 1,
                fixable: fixed,
            }),
        }
    }
    counts.sort_by(|a, b| {
        b.findings
            .cmp(&a.findings)
            .then(a.rule.code.cmp(b.rule.code))
    });
    counts
}

/// Writes one line per rule: count, ID, `[*]` when every finding is
/// fixable (`[-]` when some are), name.
pub fn write(out: &mut impl Write, plan: &Plan) -> std::io::Result<()> {
    for c in counts(plan) {
        let mark = if c.fixable == c.findings {
            "[*]"
        } else if c.fixable > 0 {
            "[-]"
        } else {
            "[ ]"
        };
        writeln!(
            out,
            "{:>5}\t{}\t{mark} {}",
            c.findings, c.rule.code, c.rule.name
        )?;
    }
    Ok(())
}
