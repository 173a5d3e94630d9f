//! Service categories (DESIGN.md): they pick resource limits and the host
//! range metrics ports come from.

use serde_json::Value;

use crate::policy::Policy;

/// What kind of service something is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Everything else: the app's own services.
    Core,
    /// Proxies and load balancers.
    Infrastructure,
    /// Databases, caches, search.
    Database,
    /// Metrics and dashboards.
    Monitoring,
}

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
const MONITORING: &[&str] = &[
    "prometheus",
    "grafana",
    "alertmanager",
    "node-exporter",
    "cadvisor",
];

impl Category {
    /// Parses a config value.
    pub fn parse(name: &str) -> Option<Category> {
        Some(match name {
            "core" => Category::Core,
            "infrastructure" => Category::Infrastructure,
            "database" => Category::Database,
            "monitoring" => Category::Monitoring,
            _ => return None,
        })
    }

    /// The config name.
    pub fn name(self) -> &'static str {
        match self {
            Category::Core => "core",
            Category::Infrastructure => "infrastructure",
            Category::Database => "database",
            Category::Monitoring => "monitoring",
        }
    }

    /// Default limits: memory and CPUs.
    pub fn limits(self) -> (&'static str, &'static str) {
        match self {
            Category::Core => ("256M", "0.5"),
            Category::Infrastructure => ("128M", "0.5"),
            Category::Database => ("512M", "1.0"),
            Category::Monitoring => ("256M", "0.5"),
        }
    }

    /// Host ports metrics ports are allocated from.
    pub fn metrics_ports(self) -> Vec<u16> {
        match self {
            Category::Core => (9091..=9099).collect(),
            Category::Infrastructure => (9101..=9103).collect(),
            Category::Database => (9120..=9124).collect(),
            Category::Monitoring => vec![9100, 9187],
        }
    }

    /// The category of a service: config first, then the image table, then
    /// keywords in the image or the service name.
    pub fn of(name: &str, service: &Value, policy: &Policy) -> Category {
        if let Some(c) = policy
            .config
            .services
            .get(name)
            .and_then(|s| s.category.as_deref())
            .and_then(Category::parse)
        {
            return c;
        }
        let image = super::image(service).unwrap_or("").to_ascii_lowercase();
        if let Some(c) = crate::images::lookup(&image)
            .and_then(|i| i.category.as_deref())
            .and_then(Category::parse)
        {
            return c;
        }
        let repository = image.split(':').next().unwrap_or("");
        let last = repository.rsplit('/').next().unwrap_or("");
        let name = name.to_ascii_lowercase();
        let hit = |words: &[&str]| words.iter().any(|w| last.contains(w) || name.contains(w));
        if hit(DATABASE) {
            Category::Database
        } else if hit(MONITORING) {
            Category::Monitoring
        } else if hit(INFRASTRUCTURE) {
            Category::Infrastructure
        } else {
            Category::Core
        }
    }
}
