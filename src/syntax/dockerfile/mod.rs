//! Dockerfiles: a lexer of our own over bytes and a stage-aware document.

pub mod document;
pub mod lexer;
pub mod words;

pub use document::{Dockerfile, Stage, StartCommand};
