//! Finding the config of a file as ruff does: the nearest `seaworthy.toml`
//! in its folder or above, read once per folder (an error too: it is
//! reported once, not once per file below it).

use crate::paths::PathMap;
use std::ffi::OsString;
use std::path::Path;
use std::sync::{Arc, Mutex};

use super::{Config, FILE_NAME};
use crate::error::InputError;

/// Finds and caches the config for each folder: every file below one folder
/// shares one read.
#[derive(Debug, Default)]
pub struct Resolver {
    explicit: Option<Arc<Config>>,
    // Keyed by the folder's bytes: hashing a `Path` walks its parts, and
    // every file asks for each folder above it.
    cache: Mutex<PathMap<OsString, Arc<Config>>>,
    /// Folders whose config is bad, with the one error every file below gets.
    failed: Mutex<PathMap<OsString, InputError>>,
}

impl Resolver {
    /// A resolver; with `explicit` (`--config FILE`), every file uses that config.
    pub fn new(explicit: Option<&Path>) -> Result<Resolver, InputError> {
        let explicit = match explicit {
            Some(path) => Some(Arc::new(Config::load(path)?)),
            None => None,
        };
        Ok(Resolver {
            explicit,
            cache: Mutex::default(),
            failed: Mutex::default(),
        })
    }

    /// Every config read so far (each file once).
    pub fn loaded(&self) -> Vec<Arc<Config>> {
        let cache = self.cache.lock().expect("config cache");
        let mut configs: Vec<Arc<Config>> = self
            .explicit
            .iter()
            .cloned()
            .chain(cache.values().cloned())
            .collect();
        configs.sort_by(|a, b| a.origin.cmp(&b.origin));
        configs.dedup_by(|a, b| a.origin == b.origin);
        configs
    }

    /// The config that applies to `file`.
    pub fn for_file(&self, file: &Path) -> Result<Arc<Config>, InputError> {
        if let Some(config) = &self.explicit {
            return Ok(config.clone());
        }
        let dir = file
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
            .unwrap_or(Path::new("."));
        let dir = crate::paths::absolute(dir);
        self.for_dir(&dir)
    }

    fn for_dir(&self, dir: &Path) -> Result<Arc<Config>, InputError> {
        if let Some(found) = self
            .failed
            .lock()
            .expect("config errors")
            .get(dir.as_os_str())
        {
            return Err(found.clone());
        }
        if let Some(found) = self
            .cache
            .lock()
            .expect("config cache")
            .get(dir.as_os_str())
        {
            return Ok(found.clone());
        }
        let candidate = dir.join(FILE_NAME);
        let config = if candidate.is_file() || crate::source::overlay_for(&candidate).is_some() {
            Config::load(&candidate).map(Arc::new)
        } else if let Some(parent) = dir.parent() {
            self.for_dir(parent)
        } else {
            Ok(Arc::new(Config::default()))
        };
        match &config {
            Ok(config) => self
                .cache
                .lock()
                .expect("config cache")
                .insert(dir.as_os_str().to_owned(), config.clone()),
            Err(e) => {
                self.failed
                    .lock()
                    .expect("config errors")
                    .insert(dir.as_os_str().to_owned(), e.clone());
                None
            }
        };
        config
    }
}
