//! Lossless documents: every byte is kept and every node knows its span, so
//! rules can point at places and splice text without re-serialising.

pub mod dockerfile;
pub mod toml;
pub mod yaml;
