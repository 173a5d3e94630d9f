//! Ports whose servers do not speak HTTP (`data/ports.toml`, embedded at
//! build time): a probe that only checks that such a server answers is a
//! TCP connect.

use std::sync::OnceLock;

use serde::Deserialize;

/// One port that does not speak HTTP.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnownPort {
    /// The port.
    pub port: u16,
    /// What it speaks, for messages (`PostgreSQL`, `SMTP`).
    pub protocol: String,
    /// Its server speaks first (a banner, a version line, a handshake):
    /// a probe can wait for that and so tell a hung server from a live one.
    #[serde(default)]
    pub greets: bool,
    /// Where the fact comes from.
    pub source: String,
}

#[derive(Deserialize)]
struct Table {
    port: Vec<KnownPort>,
}

fn table() -> &'static [KnownPort] {
    static TABLE: OnceLock<Vec<KnownPort>> = OnceLock::new();
    TABLE.get_or_init(|| {
        toml::from_str::<Table>(include_str!("../../data/ports.toml"))
            .expect("data/ports.toml is valid (a unit test checks it)")
            .port
    })
}

/// What `port` speaks when it is known not to be HTTP.
pub fn not_http(port: u16) -> Option<&'static KnownPort> {
    table().iter().find(|p| p.port == port)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parses_and_cites() {
        assert!(table().len() >= 25);
        assert!(table().iter().all(|p| !p.source.is_empty()));
        assert_eq!(not_http(5432).unwrap().protocol, "PostgreSQL");
        assert_eq!(not_http(25).unwrap().protocol, "SMTP");
        assert!(not_http(8080).is_none());
    }
}
