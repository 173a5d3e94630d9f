//! What the documents mean: Compose services and their facts, the app's own
//! config, the project's Dockerfiles as Compose services build them, known
//! images, the memory services declare, and service categories.

pub mod appconfig;
pub mod category;
pub mod compose;
pub mod images;
pub mod log_level;
pub mod memory;
pub mod ports;
pub mod project;
pub mod routes;
pub mod workers;

/// The table `data/NAME.toml`, read into the type the call site expects: the
/// binary embeds it as JSON (made by `build.rs`), which reads in a fraction
/// of the time TOML takes, on every run.
macro_rules! data_table {
    ($name:literal as $table:ty) => {
        $crate::model::read_table::<$table>(
            include_str!(concat!(env!("OUT_DIR"), "/", $name, ".json")),
            $name,
        )
    };
}
pub(crate) use data_table;

/// Reads an embedded table (see [`data_table`]); a table that does not fit
/// its type is a bug the unit tests catch.
pub(crate) fn read_table<T: serde::de::DeserializeOwned>(json: &str, name: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("data/{name}.toml does not fit: {e}"))
}
