//! `seaworthy init`: detect the stack ([`detect`]), settle the answers
//! ([`answers`], [`wizard`]), render the files that do not exist yet
//! ([`render`]), and run the same rules over the result as `fix` does,
//! so it ends in one [`Plan`]: new files are created (`/dev/null` diffs),
//! files that exist get the rules' fixes and are never overwritten.

pub mod answers;
pub mod detect;
pub mod render;
pub mod wizard;

use std::path::{Path, PathBuf};

use crate::engine::planner;
use crate::error::InputError;
use crate::plan::{FileChange, Plan};
use crate::settings::policy::Overrides;
use crate::settings::resolver::Resolver;

/// Compose file names, as Compose looks for them; init writes the first.
const COMPOSE_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// The project's own Compose file, if it has one (the first of
/// [`COMPOSE_NAMES`] there, as Compose looks for it).
fn existing_compose(root: &Path) -> Option<PathBuf> {
    COMPOSE_NAMES
        .iter()
        .map(|n| root.join(n))
        .find(|p| p.is_file())
}

/// Files the rules read: rendered ones are planned by the engine, not
/// written as rendered.
const RULED: &[&str] = &["Dockerfile", "compose.yaml", "seaworthy.toml"];

/// The plan for `root`: every rendered file that does not exist yet, and
/// the rules' fixes for the Dockerfile and Compose file that do, all run
/// through the engine as if the new files were already there (nothing is
/// written to plan them). Files kept as they are get a note.
pub fn plan(root: &Path, rendered: Vec<render::Rendered>, resolver: &Resolver) -> Plan {
    let existing_compose = existing_compose(root);
    let mut notes = Vec::new();
    let mut created: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for file in rendered {
        let path = root.join(&file.name);
        let kept = if file.name == Path::new("compose.yaml") {
            existing_compose.clone()
        } else {
            path.exists().then(|| path.clone())
        };
        match kept {
            Some(kept) => notes.push(InputError::path(
                &kept,
                if file.name == Path::new("Dockerfile") || file.name == Path::new("compose.yaml") {
                    "exists: not rendered again; the rules fix it instead (init never overwrites a file)"
                } else {
                    "exists: kept as it is (init never overwrites a file)"
                },
            )),
            None => {
                if let Some(note) = file.note {
                    notes.push(InputError::path(&path, note));
                }
                created.push((path, file.text.into_bytes()));
            }
        }
    }
    let is_ruled = |path: &Path| RULED.iter().any(|n| *path == root.join(n));
    let mut paths: Vec<PathBuf> = created
        .iter()
        .map(|(p, _)| p.clone())
        .filter(|p| is_ruled(p) && !p.ends_with("seaworthy.toml"))
        .collect();
    let dockerfile = root.join("Dockerfile");
    if dockerfile.is_file() {
        paths.push(dockerfile);
    }
    paths.extend(existing_compose);
    crate::source::set_overlay(
        created
            .iter()
            .filter(|(p, _)| is_ruled(p))
            .cloned()
            .collect(),
    );
    let mut plan = planner::build(&paths, resolver, &Overrides::default());
    for (path, bytes) in created {
        let key = crate::paths::absolute(&path);
        match plan
            .files
            .iter_mut()
            .find(|f| crate::paths::absolute(&f.path) == key)
        {
            Some(change) => change.before = None,
            None => plan.files.push(FileChange {
                path,
                before: None,
                after: bytes,
                findings: Vec::new(),
            }),
        }
    }
    plan.files.sort_by(|a, b| a.path.cmp(&b.path));
    plan.notes.extend(notes);
    plan
}
