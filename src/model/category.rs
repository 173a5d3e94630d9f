//! Which category a service is in (DESIGN.md): config first, then the
//! image table, then keywords. The categories themselves, and their
//! defaults, are settings ([`Category`]).

use serde_json::Value;

use crate::settings::policy::Policy;
use crate::settings::Category;

const INFRASTRUCTURE: &[&str] = &["nginx", "traefik", "envoy", "haproxy", "caddy", "kong"];
const DATABASE: &[&str] = &[
    "postgres",
    "mysql",
    "mariadb",
    "redis",
    "valkey",
    "mongo",
    "elasticsearch",
];
/// Service names (or a part of one between `-`, `_` and `.`) that say
/// "database" by themselves: `db`, `app-db`, `database`.
const DATABASE_NAMES: &[&str] = &["db", "database"];
const MONITORING: &[&str] = &[
    "prometheus",
    "grafana",
    "alertmanager",
    "node-exporter",
    "cadvisor",
];

/// The category of a service: config first, then the image table, then
/// keywords in the image or the service name.
pub fn of(name: &str, service: &Value, policy: &Policy) -> Category {
    if let Some(c) = policy.config.services.get(name).and_then(|s| s.category) {
        return c;
    }
    let image = super::compose::image(service)
        .unwrap_or("")
        .to_ascii_lowercase();
    if let Some(c) = crate::model::images::lookup(&image)
        .and_then(|i| i.category.as_deref())
        .and_then(Category::parse)
    {
        return c;
    }
    let repository = image.split(':').next().unwrap_or("");
    let last = repository.rsplit('/').next().unwrap_or("");
    let name = name.to_ascii_lowercase();
    let hit = |words: &[&str]| words.iter().any(|w| last.contains(w) || name.contains(w));
    let named_database = name
        .split(['-', '_', '.'])
        .any(|part| DATABASE_NAMES.contains(&part));
    if hit(DATABASE) || named_database {
        Category::Database
    } else if hit(MONITORING) {
        Category::Monitoring
    } else if hit(INFRASTRUCTURE) {
        Category::Infrastructure
    } else {
        Category::Core
    }
}
