//! App config rules.

pub mod sw301_health_port;

use super::RuleMeta;

/// Every app config rule.
pub const RULES: &[RuleMeta] = &[sw301_health_port::META];
