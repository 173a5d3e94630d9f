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
    /// The first release, per `MAJOR.MINOR` series, whose image has what
    /// `health` calls: a tag naming an older release (or an older series)
    /// gets `health_before` instead. Floating tags (`latest`, `11`, `10.6`)
    /// are current.
    #[serde(default)]
    pub health_since: Vec<String>,
    /// The check for tags older than `health_since`.
    #[serde(default)]
    pub health_before: Option<Vec<String>>,
    /// The port `health` talks to (the server's default): a service that
    /// moves the server elsewhere gets no probe from this entry.
    #[serde(default)]
    pub health_port: Option<u16>,
    /// The image declares a HEALTHCHECK itself: a service running it needs
    /// no healthcheck of its own.
    #[serde(default)]
    pub has_healthcheck: bool,
    /// A memory limit for images that need more than their category's.
    #[serde(default)]
    pub memory: Option<String>,
    /// The image's own start-up reads `LOG_LEVEL` (SW207 sets it for
    /// services built on it).
    #[serde(default)]
    pub reads_log_level: bool,
    /// Why no automatic memory limit suits the image (its vendor documents
    /// that a small one breaks it): SW202 warns instead of writing one.
    #[serde(default)]
    pub limits_break: Option<String>,
    /// A start period longer than the default, when the image needs one.
    #[serde(default)]
    pub start_period: Option<String>,
    /// Where the facts come from.
    pub source: String,
}

/// The probe clients an image ships (`[[clients]]` in `data/images.toml`):
/// what lets SW107/SW209 say a check calls a program the image lacks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageClients {
    /// Repository as written in FROM (no `docker.io/`, no `library/`).
    pub name: String,
    /// Only tags containing this (`slim`, `alpine`).
    #[serde(default)]
    pub tag_contains: Option<String>,
    /// Which of [`PROBE_CLIENTS`] the image ships; it lacks the others.
    pub clients: Vec<String>,
    /// Where the facts come from.
    pub source: String,
}

/// The programs a `[[clients]]` entry speaks for: a program outside this
/// list is never said to be missing.
pub const PROBE_CLIENTS: &[&str] = &[
    "curl", "wget", "nc", "python", "python3", "node", "bash", "sh",
];

/// An image built on a glibc distribution (`[[glibc]]` in
/// `data/images.toml`): bash and coreutils are there, so a probe can use
/// bash's /dev/tcp where no other client is known.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlibcImage {
    /// Repository as written in FROM (no `docker.io/`, no `library/`).
    pub name: String,
    /// Tags that are built on something else (`alpine`, `chiseled`).
    #[serde(default)]
    pub unless_tag_contains: Vec<String>,
    /// Where the facts come from.
    pub source: String,
}

#[derive(Deserialize)]
struct Table {
    image: Vec<KnownImage>,
    #[serde(default)]
    clients: Vec<ImageClients>,
    #[serde(default)]
    glibc: Vec<GlibcImage>,
}

/// Reads the table now rather than at the first lookup (the planner has a
/// pool thread do it while the walk goes on).
pub fn preload() {
    table();
}

fn table() -> &'static [KnownImage] {
    &tables().image
}

fn tables() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| crate::model::data_table!("images" as Table))
}

/// An image reference taken apart (`registry:5000/library/node:20-slim@sha256:…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The registry, when the reference names one (`ghcr.io`, `registry:5000`).
    pub registry: Option<String>,
    /// The repository, lower case, without `docker.io/` or `library/`
    /// (`node`, `prom/node-exporter`, `ghcr.io/…` keeps its registry apart).
    pub repository: String,
    /// The tag (`latest` when none is written).
    pub tag: String,
}

impl Reference {
    /// Reads a reference as Docker does: the first path part is a registry
    /// when it has a `.` or a `:`, or is `localhost`.
    pub fn parse(reference: &str) -> Reference {
        let reference = reference.trim().to_ascii_lowercase();
        let without_digest = reference.split('@').next().unwrap_or("");
        let (path, tag) = match without_digest.rsplit_once(':') {
            Some((path, tag)) if !tag.contains('/') => (path, tag.to_string()),
            _ => (without_digest, "latest".to_string()),
        };
        let (registry, rest) = match path.split_once('/') {
            Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => {
                (Some(first.to_string()), rest)
            }
            _ => (None, path),
        };
        let registry = registry.filter(|r| r != "docker.io" && r != "index.docker.io");
        let repository = rest.strip_prefix("library/").unwrap_or(rest).to_string();
        Reference {
            registry,
            repository,
            tag,
        }
    }

    /// The image's own name: the last part of the repository (`node` for
    /// `node`, `library/node` or `mirror.local/node`; `node-exporter` for
    /// `prom/node-exporter`). Images are matched by it, never by a part of
    /// the reference.
    pub fn name(&self) -> &str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(&self.repository)
    }

    /// The release a tag names: its leading dotted numbers (`10.6.4` of
    /// `10.6.4-focal`); empty for `latest`, `lts` and the like.
    pub fn version(&self) -> Vec<u64> {
        let digits = self.tag.split(['-', '_']).next().unwrap_or("");
        digits
            .split('.')
            .map_while(|part| part.parse().ok())
            .collect()
    }
}

impl KnownImage {
    /// The health check for this image at `tag`: `health`, or
    /// `health_before` when the tag names a release older than
    /// `health_since`; and whether the older one was chosen.
    pub fn health_at(&self, reference: &Reference) -> Option<(&[String], bool)> {
        let health = self.health.as_deref()?;
        match &self.health_before {
            Some(before) if older_than(&reference.version(), &self.health_since) => {
                Some((before, true))
            }
            _ => Some((health, false)),
        }
    }
}

/// Whether `version` (of a tag) names a release before the first one of its
/// series in `since`. A series older than every listed one is older; a
/// partial version (`10.6`, `11`) is a floating tag and never older.
fn older_than(version: &[u64], since: &[String]) -> bool {
    if version.len() < 3 || since.is_empty() {
        return false;
    }
    let since: Vec<Vec<u64>> = since
        .iter()
        .map(|s| s.split('.').filter_map(|p| p.parse().ok()).collect())
        .collect();
    match since
        .iter()
        .find(|s| s.len() >= 2 && s[..2] == version[..2])
    {
        Some(first) => version < first.as_slice(),
        None => since.iter().all(|s| version < s.as_slice()),
    }
}

/// The entry for an image reference (`nginx:1.27-alpine`,
/// `docker.io/library/nginx`), if the table knows it.
pub fn lookup(reference: &str) -> Option<&'static KnownImage> {
    use crate::model::project::{remembered, RunCache};
    // Rules look the same few images up many times per pass.
    static FOUND: RunCache<String, Option<&'static KnownImage>> = RunCache::new();
    remembered(&FOUND, reference.to_string(), |reference| {
        let named = Named::parse(reference);
        table()
            .iter()
            .find(|image| named.is(&image.name, image.tag_contains.as_deref()))
    })
}

/// The probe clients the image `reference` ships, if the table knows them.
pub fn clients(reference: &str) -> Option<&'static ImageClients> {
    let named = Named::parse(reference);
    tables()
        .clients
        .iter()
        .find(|image| named.is(&image.name, image.tag_contains.as_deref()))
}

/// Whether the image `reference` is built on a glibc distribution, per
/// `[[glibc]]` in `data/images.toml`.
pub fn glibc_based(reference: &str) -> bool {
    let named = Named::parse(reference);
    tables().glibc.iter().any(|image| {
        named.is(&image.name, None)
            && !image
                .unless_tag_contains
                .iter()
                .any(|part| named.tag.contains(part.as_str()))
    })
}

/// A reference as the tables name images: repository with its registry, and tag.
struct Named {
    repository: String,
    tag: String,
}

impl Named {
    fn parse(reference: &str) -> Named {
        let parsed = Reference::parse(reference);
        let repository = match &parsed.registry {
            Some(registry) => format!("{registry}/{}", parsed.repository),
            None => parsed.repository.clone(),
        };
        Named {
            repository,
            tag: parsed.tag,
        }
    }

    /// Whether a table row (`name`, `tag_contains`) is about this reference.
    fn is(&self, name: &str, tag_contains: Option<&str>) -> bool {
        self.repository == name && tag_contains.is_none_or(|part| self.tag.contains(part))
    }
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
        assert!(glibc_based("php:8.0.9-apache"));
        assert!(!glibc_based("php:8.3-fpm-alpine"));
        assert!(glibc_based("mcr.microsoft.com/dotnet/aspnet:5.0"));
        assert!(!glibc_based(
            "mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled"
        ));
        assert!(glibc_based("eclipse-temurin:17-jre-focal"));
        assert!(!glibc_based("bitnami/nginx"));
        let slim = clients("python:3.12-slim").unwrap();
        assert!(!slim.clients.iter().any(|c| c == "curl"));
        assert!(clients("node:20-alpine3.19").is_some());
        assert!(clients("node:20").is_none(), "the full image is not listed");
        for entry in &tables().clients {
            for client in &entry.clients {
                assert!(PROBE_CLIENTS.contains(&client.as_str()), "{client}");
            }
        }
    }

    #[test]
    fn references_are_taken_apart() {
        let r = Reference::parse("registry:5000/library/node:20-slim@sha256:abc");
        assert_eq!(r.registry.as_deref(), Some("registry:5000"));
        assert_eq!(
            (r.repository.as_str(), r.name(), r.tag.as_str()),
            ("node", "node", "20-slim")
        );
        let r = Reference::parse("prom/node-exporter:v1.8.2");
        assert_eq!((r.name(), r.registry.clone()), ("node-exporter", None));
        assert_eq!(
            Reference::parse("docker.io/library/python").name(),
            "python"
        );
        assert_eq!(
            Reference::parse("mariadb:10.6.4-focal").version(),
            [10, 6, 4]
        );
        assert!(Reference::parse("mariadb:lts").version().is_empty());
    }

    #[test]
    fn older_tags_get_the_older_check() {
        let mariadb = lookup("mariadb:10.6.4-focal").unwrap();
        let health = |tag: &str| mariadb.health_at(&Reference::parse(tag)).unwrap().1;
        assert!(health("mariadb:10.6.4-focal"), "before healthcheck.sh");
        assert!(health("mariadb:10.5.9"));
        assert!(health("mariadb:10.1.48"), "an older series");
        for current in [
            "mariadb:10.6.18",
            "mariadb:11.4",
            "mariadb:10.6",
            "mariadb",
            "mariadb:lts",
            "mariadb:11.4.2-noble",
        ] {
            assert!(!health(current), "{current}");
        }
    }
}
