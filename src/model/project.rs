//! What one file's rules need to know about the others: the Dockerfiles
//! Compose services build, as they will be after this run's fixes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::model::compose;
use crate::settings::policy::ServiceHint;
use crate::syntax::dockerfile::{Dockerfile, Stage};

/// The project's Dockerfiles, after fixing, by canonical path, and the
/// Compose services (of every file in the run) that build each.
#[derive(Debug, Default)]
pub struct Project {
    dockerfiles: HashMap<PathBuf, Dockerfile>,
    builders: HashMap<PathBuf, Vec<ServiceHint>>,
}

/// The Dockerfile stage a service runs, as far as it can be found.
#[derive(Debug)]
pub enum Built<'a> {
    /// The service runs an image; nothing is built.
    No,
    /// The Dockerfile cannot be read or parsed.
    Unreadable(PathBuf),
    /// The stage (the target, or the final stage) of the Dockerfile.
    Stage(&'a Dockerfile, &'a Stage, PathBuf),
}

/// A stable key for a path: absolute, with `.` and `..` resolved lexically
/// (no file system calls but one look at the current folder: rules ask for
/// it many times per pass).
pub fn key(path: &Path) -> PathBuf {
    let joined;
    let absolute = match crate::paths::current_dir() {
        Some(dir) if path.is_relative() => {
            joined = dir.join(path);
            &joined
        }
        _ => path,
    };
    let mut key = PathBuf::with_capacity(absolute.as_os_str().len());
    for part in absolute.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                key.pop();
            }
            other => key.push(other),
        }
    }
    key
}

/// The Dockerfile a service builds, and its target stage.
pub fn dockerfile_of(compose_path: &Path, service: &Value) -> Option<(PathBuf, Option<String>)> {
    let (context, dockerfile, target) = compose::build(service)?;
    if context.contains("://") || context.starts_with("git@") {
        return None;
    }
    let dir = compose_path.parent().unwrap_or(Path::new("."));
    Some((dir.join(context).join(dockerfile), target))
}

impl Project {
    /// Records a Dockerfile (after fixes) and the services that build it.
    pub fn add(&mut self, doc: Dockerfile, builders: &[ServiceHint]) {
        let path = key(&doc.source.path);
        self.builders.insert(path.clone(), builders.to_vec());
        self.dockerfiles.insert(path, doc);
    }

    /// Why `service` (named `name`, in the Compose file at `compose_path`)
    /// is a worker ([`crate::model::workers`]), if it is one: only the
    /// services that build the same stage count as its siblings.
    pub fn worker(&self, compose_path: &Path, name: &str, service: &Value) -> Option<String> {
        let Built::Stage(doc, stage, path) = self.built(compose_path, service) else {
            return None;
        };
        let final_stage = stage.index == doc.final_stage().index;
        let group: Vec<ServiceHint> = self
            .builders
            .get(&key(&path))?
            .iter()
            .filter(|h| h.runs(stage.name.as_deref(), final_stage))
            .cloned()
            .collect();
        let own = group
            .iter()
            .find(|h| h.name == name && key(&h.compose) == key(compose_path))?;
        crate::model::workers::worker(own, &group)
    }

    /// The stage `service` (in the Compose file at `compose_path`) runs.
    pub fn built(&self, compose_path: &Path, service: &Value) -> Built<'_> {
        let Some((path, target)) = dockerfile_of(compose_path, service) else {
            return Built::No;
        };
        let Some(doc) = self.dockerfiles.get(&key(&path)) else {
            return Built::Unreadable(path);
        };
        let stage = match target {
            Some(name) => match doc.stage_named(&name) {
                Some(stage) => stage,
                None => return Built::Unreadable(path),
            },
            None => doc.final_stage(),
        };
        Built::Stage(doc, stage, path)
    }
}
