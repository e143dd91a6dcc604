//! # echelon
//!
//! The server half of Echelon: a wasmtime runtime (loader, cache, executor,
//! limits, host functions, events), sandboxes, WASI preview1, the generator,
//! the axum server and the `echelon` CLI. See the workspace README.
//!
//! The runtime is [`runtime::WasmRuntime`]; errors are one [`Error`] enum.

pub mod cli;
mod error;
pub mod generator;
pub mod http;
pub mod manifest;
pub mod runtime;
pub mod sandbox;
pub mod wasi;

pub use error::{Error, Result, ValidationKind};
pub use generator::Generator;
pub use runtime::{
    AbiFunction, CallStats, ExecOptions, Execution, ExecutionResult, RuntimeConfig, TypedFunction, Value,
    WasmRuntime, WasmSource,
};
