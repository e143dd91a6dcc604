//! # echelon
//!
//! The server half of Echelon: a wasmtime runtime (loader, cache, executor,
//! limits, host functions, events), sandboxes, WASI preview1, the generator,
//! the axum server and the `echelon` CLI. See the workspace README.

pub mod generator;

pub use generator::Generator;
