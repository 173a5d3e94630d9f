//! Ports whose servers do not speak HTTP (`data/ports.toml`, embedded at
//! build time): what a probe that checks that such a server answers waits
//! for (its greeting, or its answer to a short request), or that it cannot.

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
    /// For a protocol whose client speaks first: a short request every live
    /// server answers (with data or an error), so a probe can send it and
    /// wait for the answer's first byte, which a hung server never sends.
    /// Without one (and without `greets`), nothing short of the protocol's
    /// own client can tell a hung server from a live one: no probe.
    #[serde(default)]
    pub hello: Option<Vec<u8>>,
    /// Why every live server answers `hello`.
    #[serde(default)]
    pub hello_source: Option<String>,
    /// Where the fact comes from.
    pub source: String,
}

#[derive(Deserialize)]
struct Table {
    port: Vec<KnownPort>,
}

fn table() -> &'static [KnownPort] {
    static TABLE: OnceLock<Vec<KnownPort>> = OnceLock::new();
    TABLE.get_or_init(|| crate::model::data_table!("ports" as Table).port)
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

    #[test]
    fn a_server_either_greets_or_is_asked_never_both() {
        for port in table() {
            assert!(
                !(port.greets && port.hello.is_some()),
                "port {}: a server that speaks first needs no request",
                port.port
            );
            assert!(port.hello.as_ref().is_none_or(|h| !h.is_empty()));
            assert_eq!(port.hello.is_some(), port.hello_source.is_some());
        }
        assert_eq!(
            not_http(5432).unwrap().hello.as_deref(),
            Some(&[0, 0, 0, 8, 4, 210, 22, 47][..]),
            "SSLRequest: length 8, code 80877103"
        );
    }
}
