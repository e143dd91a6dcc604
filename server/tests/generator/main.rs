//! Integration tests of `echelon::generator` through its public API:
//! source -> wasm -> wasmtime -> value.

mod api;
mod errors;
mod examples;
mod harness;
mod no_panic;
mod programs;
mod rust;
mod semantics;
