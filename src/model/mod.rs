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
