//! The app config driver: parse the app's config in its format (YAML or
//! TOML, by extension), run the app config rules.

use super::{fix_to_fixed_point, run, Driver, Outcome};
use crate::diagnostic::Diagnostic;
use crate::edit::Written;
use crate::error::InputError;
use crate::model::appconfig::{format_of, Format};
use crate::registry::Suppressions;
use crate::rules::appconfig::{Ctx, Parsed, RULES};
use crate::settings::policy::Policy;
use crate::source::Source;
use crate::syntax::yaml::Stream;

/// Runs the app config rules with one policy and key.
struct AppConfigs<'a> {
    policy: &'a Policy,
    key: &'a str,
}

impl Driver for AppConfigs<'_> {
    type Parsed = (Source, Parsed);

    fn parse(&self, source: &Source) -> Result<(Source, Parsed), InputError> {
        let parsed = match format_of(&source.path) {
            Format::Yaml => Parsed::Yaml(Stream::parse(source.clone())?),
            Format::Toml => Parsed::Toml(crate::syntax::toml::parse(source)?),
        };
        Ok((source.clone(), parsed))
    }

    fn check(&self, (source, parsed): &(Source, Parsed), _: &Written) -> Vec<Diagnostic> {
        let ctx = Ctx {
            source,
            parsed,
            policy: self.policy,
            key: self.key,
        };
        run(RULES, self.policy, &Suppressions::default(), |check| {
            check(&ctx)
        })
    }
}

/// Runs the app config rules on `source`, whose health port lives at `key`.
pub fn fix(source: &Source, policy: &Policy, key: &str) -> Result<Outcome, InputError> {
    let driver = AppConfigs { policy, key };
    let parsed = driver.parse(source)?;
    fix_to_fixed_point(source, parsed, &driver, policy.overrides.unsafe_fixes)
        .map(|(outcome, _)| outcome)
}
