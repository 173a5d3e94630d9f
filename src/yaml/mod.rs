//! Lossless YAML editing: a positioned tree to find places, text splices to
//! change them, serde-saphyr to read meaning, and a guard that refuses any
//! edit whose meaning is not the one intended.

pub mod splice;
pub mod tree;
