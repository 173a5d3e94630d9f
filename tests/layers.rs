//! The layering of `src/`, kept by reading its `use crate::…` paths: each
//! layer may use only the layers below it (see the crate docs), so there is
//! no import cycle, the registry and settings stay leaves, and no rule
//! drives fixes or writes.

use std::path::{Path, PathBuf};

mod common;

/// Layers from the bottom up; a module may use its own layer and those
/// before it. `cli` is the top.
const LAYERS: &[&[&str]] = &[
    &[
        "registry", "error", "paths", "parallel", "pattern", "source",
    ],
    &["settings"],
    &["edit", "diagnostic", "discover"],
    &["syntax"],
    &["model"],
    &["health"],
    &["rules", "plan"],
    &["engine"],
    &["output", "write"],
    &["init"],
    &["cli"],
];

fn layer_of(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|layer| layer.contains(&module))
        .unwrap_or_else(|| panic!("module `{module}` is in no layer of tests/layers.rs"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a file's code (tests excluded) names as `crate::X`.
fn uses(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            found.push(name);
        }
        if rest.starts_with('{') {
            let inner = &rest[1..rest.find('}').unwrap_or(rest.len())];
            found.extend(
                inner
                    .split(',')
                    .map(|p| p.trim().split("::").next().unwrap_or("").to_string())
                    .filter(|p| !p.is_empty()),
            );
        }
    }
    found
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let src = common::root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut broken = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let module = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let own = layer_of(&module);
        for used in uses(&std::fs::read_to_string(&file).unwrap()) {
            if used == module {
                continue;
            }
            if layer_of(&used) > own {
                broken.push(format!("{} uses crate::{used}", relative.display()));
            }
        }
    }
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}
