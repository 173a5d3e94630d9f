//! App config rules, and their context: the app's own config file (YAML or
//! TOML), parsed, with the key `[app_config]` names.

pub mod sw301_health_port;

use super::Rule;
use crate::diagnostic::Diagnostic;
use crate::settings::policy::Policy;
use crate::source::Source;
use crate::syntax::yaml::Stream;

/// An app config file, parsed in its own format.
#[derive(Debug)]
pub enum Parsed {
    /// A YAML stream.
    Yaml(Stream),
    /// A TOML document, with the spans of its tables and values.
    Toml(toml_edit::ImDocument<String>),
}

/// What an app config rule reads.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The file as it is in this pass.
    pub source: &'a Source,
    /// The file, parsed.
    pub parsed: &'a Parsed,
    /// The settings that apply to it.
    pub policy: &'a Policy,
    /// The dotted key of the health port (`[app_config] key`).
    pub key: &'a str,
}

/// An app config rule's check.
pub type Check = fn(&Ctx) -> Vec<Diagnostic>;

/// Every app config rule.
pub const RULES: &[Rule<Check>] = &[Rule {
    meta: &sw301_health_port::META,
    check: sw301_health_port::check,
}];
