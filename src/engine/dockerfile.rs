//! The Dockerfile driver: parse, run the Dockerfile rules.

use super::{fix_to_fixed_point, run, suppression, Driver, Outcome};
use crate::diagnostic::Diagnostic;
use crate::edit::Written;
use crate::error::InputError;
use crate::rules::dockerfile::{Ctx, RULES};
use crate::settings::policy::Policy;
use crate::source::Source;
use crate::syntax::dockerfile::Dockerfile;

/// Runs the Dockerfile rules with one policy.
struct Dockerfiles<'a> {
    policy: &'a Policy,
}

impl Driver for Dockerfiles<'_> {
    type Parsed = Dockerfile;

    fn parse(&self, source: &Source) -> Result<Dockerfile, InputError> {
        Dockerfile::parse(source.clone())
    }

    fn check(&self, doc: &Dockerfile, written: &Written) -> Vec<Diagnostic> {
        let ctx = Ctx {
            doc,
            policy: self.policy,
            written,
        };
        run(RULES, self.policy, &suppression::dockerfile(doc), |check| {
            check(&ctx)
        })
    }
}

/// Runs the Dockerfile rules on `source` until a fixed point.
pub fn fix(source: &Source, policy: &Policy) -> Result<Outcome, InputError> {
    fix_parsed(source, policy).map(|(outcome, _)| outcome)
}

/// [`fix`], also handing back the parse of the fixed text (the loop's last
/// pass made it; Compose rules read it).
pub fn fix_parsed(source: &Source, policy: &Policy) -> Result<(Outcome, Dockerfile), InputError> {
    let driver = Dockerfiles { policy };
    let parsed = driver.parse(source)?;
    fix_to_fixed_point(source, parsed, &driver, policy.overrides.unsafe_fixes)
}
