//! Integration tests of the `echelon` library, one binary (so the linker
//! runs once), one module per area.

mod support;

// The runtime core: loading, caching, execution, limits, host functions.
mod runtime;
// Loading and validation of hostile input.
mod validation;
// Sandboxes: limits, capabilities, violations.
mod sandbox;
// WASI preview1 guests under capabilities.
mod wasi;
// The plugin platform: built-in host functions, key-value store, network.
mod plugins;
// The `echelon` binary.
mod cli;
// The HTTP API of `echelon serve`.
mod http;
// The authoring SDK: every supported type through the runtime, host
// imports, the server and browser .d.ts.
mod sdk;
// `echelon new` -> `echelon build` -> upload -> call.
mod scaffold;
