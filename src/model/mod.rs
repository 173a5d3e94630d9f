//! What the documents mean: Compose services and their facts, the app's own
//! config, the project's Dockerfiles as Compose services build them, known
//! images and service categories.

pub mod appconfig;
pub mod category;
pub mod compose;
pub mod images;
pub mod ports;
pub mod project;
pub mod workers;
