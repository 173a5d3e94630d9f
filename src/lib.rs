//! seaworthy makes container setups production-ready: it parses the files a
//! project has, finds what production needs and lacks, and inserts it as a
//! minimal edit that keeps every other byte.
//!
//! Data flow: [`source::Source`] → lossless document ([`dockerfile`]) →
//! [`rules`] → [`edit`]s → [`plan::Plan`] → diff ([`diff`]) | write
//! ([`write`]) | report ([`report`]).

pub mod appconfig;
pub mod cli;
pub mod compose;
pub mod config;
pub mod diff;
pub mod discover;
pub mod dockerfile;
pub mod edit;
pub mod engine;
pub mod error;
pub mod health;
pub mod images;
pub mod parallel;
pub mod paths;
pub mod plan;
pub mod policy;
pub mod project;
pub mod report;
pub mod rules;
pub mod source;
pub mod write;
pub mod yaml;
