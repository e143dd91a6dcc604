//! Integration tests of `echelon::generator` through its public API:
//! source -> wasm -> wasmtime -> value.

mod api;
mod asc_parity;
mod collector;
mod errors;
mod examples;
mod guest;
mod harness;
mod integers;
mod math;
mod no_panic;
mod numbers;
mod programs;
mod rust;
mod scale;
mod semantics;
mod strings;
