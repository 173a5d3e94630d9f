//! seaworthy makes container setups production-ready: it parses the files a
//! project has, finds what production needs and lacks, and inserts it as a
//! minimal edit that keeps every other byte.
//!
//! One data flow, each layer using only the ones above it in this list
//! (`tests/layers.rs` keeps it so):
//! - [`settings`] (options as written → typed settings) and [`registry`]
//!   (what a rule is, selectors, ignore directives): leaves;
//! - [`source`], [`edit`], [`diagnostic`]: bytes, edits, findings of rules;
//! - [`syntax`]: lossless documents (Dockerfile, a YAML stream, TOML);
//! - [`model`]: what the documents mean (Compose services, the app config,
//!   the project's Dockerfiles, known images, categories);
//! - [`health`]: port and route evidence, probe choice, the health plan;
//! - [`rules`]: one shape for every family, never printing or writing;
//! - [`engine`]: the one fix loop, suppression, a driver per kind, and the
//!   planner that turns paths into a [`plan::Plan`];
//! - [`output`] (diff, text) and [`write`]: every command ends in them;
//! - [`init`]: detection, answers, the wizard and templates, ending in a
//!   plan like every other command;
//! - [`cli`]: flags and dispatch.

pub mod cli;
pub mod diagnostic;
pub mod discover;
pub mod edit;
pub mod engine;
pub mod error;
pub mod health;
pub mod init;
pub mod model;
pub mod output;
pub mod parallel;
pub mod paths;
pub mod pattern;
pub mod plan;
pub mod registry;
pub mod rules;
pub mod settings;
pub mod source;
pub mod syntax;
pub mod write;
