//! Health checks: which port a probe targets (on evidence only) and which
//! probe command an image can run.

pub mod port;
pub mod probe;
