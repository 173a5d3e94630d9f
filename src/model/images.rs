//! Well-known images as data (`data/images.toml`, embedded at build time):
//! facts an image declares itself, such as the ports it EXPOSEs, so a
//! Dockerfile built on it inherits them as evidence.

use std::sync::OnceLock;

use serde::Deserialize;

/// One well-known image.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnownImage {
    /// Repository as written in FROM (no `docker.io/`, no `library/`).
    pub name: String,
    /// Only tags containing this (e.g. `apache` for php).
    #[serde(default)]
    pub tag_contains: Option<String>,
    /// Ports the image EXPOSEs itself.
    #[serde(default)]
    pub expose: Vec<u16>,
    /// core | infrastructure | database | monitoring.
    #[serde(default)]
    pub category: Option<String>,
    /// The Compose healthcheck `test` documented for it.
    #[serde(default)]
    pub health: Option<Vec<String>>,
    /// A memory limit for images that need more than their category's.
    #[serde(default)]
    pub memory: Option<String>,
    /// A start period longer than the default, when the image needs one.
    #[serde(default)]
    pub start_period: Option<String>,
    /// Where the facts come from.
    pub source: String,
}

#[derive(Deserialize)]
struct Table {
    image: Vec<KnownImage>,
}

/// Reads the table now rather than at the first lookup (the planner has a
/// pool thread do it while the walk goes on).
pub fn preload() {
    table();
}

fn table() -> &'static [KnownImage] {
    static TABLE: OnceLock<Vec<KnownImage>> = OnceLock::new();
    TABLE.get_or_init(|| {
        toml::from_str::<Table>(include_str!("../../data/images.toml"))
            .expect("data/images.toml is valid (a unit test checks it)")
            .image
    })
}

/// The entry for an image reference (`nginx:1.27-alpine`,
/// `docker.io/library/nginx`), if the table knows it.
pub fn lookup(reference: &str) -> Option<&'static KnownImage> {
    let reference = reference.to_ascii_lowercase();
    let without_digest = reference.split('@').next().unwrap_or("");
    let (repository, tag) = match without_digest.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo, tag),
        _ => (without_digest, "latest"),
    };
    let repository = repository.strip_prefix("docker.io/").unwrap_or(repository);
    let repository = repository.strip_prefix("library/").unwrap_or(repository);
    table().iter().find(|image| {
        image.name == repository
            && image
                .tag_contains
                .as_deref()
                .is_none_or(|part| tag.contains(part))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parses_and_matches() {
        assert!(!table().is_empty());
        assert_eq!(lookup("nginx:1.13-alpine").unwrap().expose, [80]);
        assert_eq!(lookup("docker.io/library/nginx").unwrap().expose, [80]);
        assert_eq!(lookup("php:8.0.9-apache").unwrap().expose, [80]);
        assert!(lookup("php:8.3-fpm").is_none());
        assert!(lookup("bitnami/nginx").is_none());
        assert!(lookup("registry:5000/nginx").is_none());
    }
}
