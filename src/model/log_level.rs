//! Where an app takes its log level from (`data/log_level.toml`, embedded
//! at build time): most apps that read one read `LOG_LEVEL`, but some
//! servers read their own variable (uvicorn: `UVICORN_LOG_LEVEL`), and a
//! `LOG_LEVEL` nothing reads only misleads (DESIGN.md, truth principles).

use std::sync::OnceLock;

use serde::Deserialize;

/// A server that reads its own log level variable.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Server {
    /// The program, as the start command names it (`uvicorn`).
    pub program: String,
    /// The variable it reads its level from.
    pub variable: String,
    /// The value that means "info" to it.
    pub value: String,
    /// The command-line flag that sets the level instead.
    pub flag: String,
    /// Its names of the levels init offers (`WARNING` is static-web-server's
    /// `warn`), where they are not the level in lower case.
    #[serde(default)]
    pub levels: std::collections::BTreeMap<String, String>,
    /// Where the fact comes from.
    pub source: String,
}

#[derive(Deserialize)]
struct Table {
    server: Vec<Server>,
}

fn table() -> &'static [Server] {
    static TABLE: OnceLock<Vec<Server>> = OnceLock::new();
    TABLE.get_or_init(|| crate::model::data_table!("log_level" as Table).server)
}

impl Server {
    /// Its name of `level` (`INFO`, `WARNING`): the table's, else `level`
    /// in lower case.
    pub fn level(&self, level: &str) -> String {
        self.levels
            .get(level)
            .cloned()
            .unwrap_or_else(|| level.to_lowercase())
    }
}

/// What a start command says about the log level: the server it runs
/// that reads its own variable, and whether the command sets the level
/// itself with the server's flag.
pub fn server_in(words: &[String]) -> Option<(&'static Server, bool)> {
    let program = |word: &str| word.rsplit('/').next().unwrap_or(word).to_string();
    let server = table()
        .iter()
        .find(|s| words.iter().any(|w| program(w) == s.program))?;
    let flagged = words
        .iter()
        .any(|w| w == &server.flag || w.starts_with(&format!("{}=", server.flag)));
    Some((server, flagged))
}

/// How a service's app takes its log level, as far as can be seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogLevel {
    /// It reads `variable`; set it to `value`. `evidence` says how we know.
    Reads {
        /// The variable.
        variable: String,
        /// The value to set.
        value: String,
        /// Why we know, for messages.
        evidence: String,
    },
    /// Its start command sets the level itself.
    SetByCommand(String),
    /// Nothing shows that it reads a level from the environment.
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn table_parses_and_cites() {
        for server in table() {
            assert!(
                server.source.len() > 40,
                "{} cites a source",
                server.program
            );
        }
    }

    #[test]
    fn uvicorn_is_found_and_its_flag_seen() {
        let (server, flagged) = server_in(&words("uvicorn app.main:app --host 0.0.0.0")).unwrap();
        assert_eq!(
            (server.variable.as_str(), flagged),
            ("UVICORN_LOG_LEVEL", false)
        );
        let (_, flagged) =
            server_in(&words("python -m uvicorn app:app --log-level=debug")).unwrap();
        assert!(flagged);
        assert!(server_in(&words("/usr/local/bin/uvicorn app:app")).is_some());
        assert!(server_in(&words("gunicorn app:app")).is_none());
    }
}
