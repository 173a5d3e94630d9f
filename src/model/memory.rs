//! What memory a service declares it will use (`data/memory.toml`, embedded
//! at build time): a JVM's `-Xmx`, InnoDB's buffer pool, Redis's
//! `maxmemory`, PostgreSQL's `shared_buffers`. A memory limit below that
//! gets the service killed the moment it uses what it was told it may, so
//! SW202 leaves room for it (DESIGN.md, truth principles).

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

/// One setting by which a service declares memory.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setting {
    /// What it is, for messages (`JVM maximum heap`).
    pub name: String,
    /// A word starting with this carries the size (`-xmx` in `-Xmx2g`).
    #[serde(default)]
    pub prefix: Option<String>,
    /// A word equal to this is followed by the size (`--maxmemory 1gb`).
    #[serde(default)]
    pub option: Option<String>,
    /// The limit is at least the size times this...
    pub factor: f64,
    /// ...plus this (a size).
    pub extra: String,
    /// Where the numbers come from.
    pub source: String,
}

#[derive(Deserialize)]
struct Table {
    setting: Vec<Setting>,
}

fn table() -> &'static [Setting] {
    static TABLE: OnceLock<Vec<Setting>> = OnceLock::new();
    TABLE.get_or_init(|| crate::model::data_table!("memory" as Table).setting)
}

/// The memory a service needs by what it declares, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    /// Bytes, room included.
    pub bytes: u64,
    /// The words that declare it and what they are, for messages
    /// (``-Xmx2g` (JVM maximum heap, x1.5 + 256M)`).
    pub evidence: String,
}

/// A size as programs write it (`512m`, `2G`, `1gb`, `128MB`, `8kB`,
/// `1073741824`), in bytes: binary multiples.
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim().to_ascii_lowercase();
    let text = text.strip_suffix('b').unwrap_or(&text);
    let (number, unit) = match text.find(|c: char| c.is_ascii_alphabetic()) {
        Some(at) => (&text[..at], &text[at..]),
        None => (text, ""),
    };
    let factor: u64 = match unit {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        "t" => 1 << 40,
        _ => return None,
    };
    let number: f64 = number.trim().parse().ok().filter(|n: &f64| *n >= 0.0)?;
    Some((number * factor as f64).ceil() as u64)
}

/// A limit as Compose writes it: whole mebibytes rounded up to a multiple
/// of 64M, in `G` when that is whole (`2816M`, `3G`).
pub fn format_size(bytes: u64) -> String {
    const STEP: u64 = 64 << 20;
    let rounded = bytes.div_ceil(STEP) * STEP;
    let mebibytes = rounded >> 20;
    if mebibytes % 1024 == 0 {
        format!("{}G", mebibytes / 1024)
    } else {
        format!("{mebibytes}M")
    }
}

/// The words of `command`, `entrypoint` and the `environment` values,
/// split at white space (`JAVA_OPTS=-Xms1g -Xmx2g` gives `-Xmx2g`).
fn words(service: &Value) -> Vec<&str> {
    let mut texts: Vec<&str> = Vec::new();
    for key in ["entrypoint", "command"] {
        match service.get(key) {
            Some(Value::String(line)) => texts.push(line),
            Some(Value::Array(items)) => texts.extend(items.iter().filter_map(Value::as_str)),
            _ => {}
        }
    }
    match service.get("environment") {
        Some(Value::Object(map)) => texts.extend(map.values().filter_map(Value::as_str)),
        Some(Value::Array(items)) => texts.extend(
            items
                .iter()
                .filter_map(Value::as_str)
                .map(|item| item.split_once('=').map_or("", |(_, value)| value)),
        ),
        _ => {}
    }
    texts
        .into_iter()
        .flat_map(str::split_whitespace)
        .map(|w| w.trim_matches(['"', '\'']))
        .collect()
}

/// Lower case, `_` as `-`: how words and the table's keys are compared.
fn normal(word: &str) -> String {
    word.to_ascii_lowercase().replace('_', "-")
}

/// The most memory `service` declares, with room, if it declares any.
pub fn declared(service: &Value) -> Option<Need> {
    let words = words(service);
    let mut best: Option<Need> = None;
    for (at, word) in words.iter().enumerate() {
        let word_normal = normal(word);
        for setting in table() {
            let (size, shown) = if let Some(prefix) = &setting.prefix {
                match word_normal.strip_prefix(&normal(prefix)) {
                    Some(_) => (&word[prefix.len()..], word.to_string()),
                    None => continue,
                }
            } else if let Some(option) = &setting.option {
                match words.get(at + 1) {
                    Some(next) if word_normal == normal(option) => {
                        (*next, format!("{word} {next}"))
                    }
                    _ => continue,
                }
            } else {
                continue;
            };
            let (Some(size), Some(extra)) = (parse_size(size), parse_size(&setting.extra)) else {
                continue;
            };
            let bytes = (size as f64 * setting.factor).ceil() as u64 + extra;
            if best.as_ref().is_none_or(|b| bytes > b.bytes) {
                best = Some(Need {
                    bytes,
                    evidence: format!(
                        "`{shown}` ({}, x{} + {})",
                        setting.name, setting.factor, setting.extra
                    ),
                });
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn table_parses_and_cites() {
        assert!(table().len() >= 4);
        for setting in table() {
            assert!(
                setting.prefix.is_some() != setting.option.is_some(),
                "{}",
                setting.name
            );
            assert!(parse_size(&setting.extra).is_some(), "{}", setting.name);
            assert!(setting.source.len() > 40, "{} cites a source", setting.name);
        }
    }

    #[test]
    fn sizes_read_as_programs_write_them() {
        assert_eq!(parse_size("512m"), Some(512 << 20));
        assert_eq!(parse_size("2G"), Some(2 << 30));
        assert_eq!(parse_size("1gb"), Some(1 << 30));
        assert_eq!(parse_size("128MB"), Some(128 << 20));
        assert_eq!(parse_size("8kB"), Some(8 << 10));
        assert_eq!(parse_size("1073741824"), Some(1 << 30));
        assert_eq!(parse_size("1.5g"), Some(3 << 29));
        assert_eq!(parse_size("${HEAP}"), None);
        assert_eq!(parse_size("lots"), None);
    }

    #[test]
    fn limits_round_up_to_64m_and_whole_gigabytes() {
        assert_eq!(format_size(1), "64M");
        assert_eq!(format_size(2816 << 20), "2816M");
        assert_eq!(format_size(3 << 30), "3G");
        assert_eq!(format_size((3 << 30) + 1), "3136M");
    }

    #[test]
    fn each_setting_is_read_where_services_write_it() {
        let mariadb =
            json!({"command": "--innodb-buffer-pool-size=2G --character-set-server=utf8mb4"});
        let need = declared(&mariadb).unwrap();
        assert_eq!(need.bytes, (5 << 29) + (256 << 20));
        assert!(
            need.evidence.contains("`--innodb-buffer-pool-size=2G`"),
            "{}",
            need.evidence
        );
        let underscores = json!({"command": ["mysqld", "--innodb_buffer_pool_size=1G"]});
        assert!(declared(&underscores).is_some());
        let elastic = json!({"environment": {"ES_JAVA_OPTS": "-Xms1g -Xmx1g"}});
        assert_eq!(declared(&elastic).unwrap().bytes, (3 << 29) + (256 << 20));
        let listed = json!({"environment": ["JAVA_OPTS=-Xms512m -Xmx2g"]});
        assert_eq!(declared(&listed).unwrap().bytes, (3 << 30) + (256 << 20));
        let redis =
            json!({"command": "redis-server --maxmemory 1gb --maxmemory-policy allkeys-lru"});
        let need = declared(&redis).unwrap();
        assert!(
            need.evidence.contains("`--maxmemory 1gb`"),
            "{}",
            need.evidence
        );
        let postgres = json!({"command": ["postgres", "-c", "shared_buffers=1GB"]});
        assert_eq!(declared(&postgres).unwrap().bytes, (2 << 30) + (256 << 20));
        let largest = json!({"command": "-Xmx512m", "environment": {"JAVA_OPTS": "-Xmx4g"}});
        assert!(declared(&largest).unwrap().evidence.contains("-Xmx4g"));
        assert_eq!(
            declared(&json!({"command": "-XX:MaxRAMPercentage=75"})),
            None
        );
        assert_eq!(declared(&json!({"command": "-Xmx${HEAP}"})), None);
        assert_eq!(declared(&json!({"image": "redis"})), None);
    }
}
