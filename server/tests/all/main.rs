//! Integration tests of the `echelon` library, one binary (so the linker
//! runs once), one module per area.

mod support;

// The runtime core: loading, caching, execution, limits, host functions.
mod runtime;
// Loading and validation of hostile input.
mod validation;
// Validity verdicts against the official spec testsuite (WebAssembly 3.0).
mod spec;
// The execution model: guest threads, `execute` as a Result, typed handles.
mod execution;
// Sandboxes: limits, capabilities, violations.
mod sandbox;
// WASI preview1 guests under capabilities.
mod wasi;
// The plugin platform: built-in host functions, key-value store, network.
mod plugins;
// Property fuzzing: wasm-smith modules through validate, load and call.
mod fuzz;
// A hostile client against the server: ids, index, uploads, tokens.
mod hardening;
// The `echelon` binary.
mod cli;
// The HTTP API of `echelon serve`.
mod http;
// The authoring SDK: every supported type through the runtime, host
// imports, the server and browser .d.ts.
mod sdk;
// `echelon new` -> `echelon build` -> upload -> call.
mod scaffold;
