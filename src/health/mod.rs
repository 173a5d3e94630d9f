//! Health checks: which port a probe targets (on evidence only), which
//! probe command an image can run, and the health plan of a Compose service.

pub mod check;
pub mod installed;
pub mod plan;
pub mod port;
pub mod probe;
pub mod route;
