//! Shared helpers for the integration tests.

use std::path::PathBuf;

use echelon::runtime::{RuntimeConfig, WasmRuntime};

/// Path of a file under the workspace's `examples/`.
pub fn example(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(rel)
}

/// A runtime with a private precompiled cache directory (so tests never
/// share or pollute the user's cache).
pub fn runtime_with(config: RuntimeConfig) -> (WasmRuntime, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let rt = WasmRuntime::new(config.cache_dir(dir.path())).expect("runtime starts");
    (rt, dir)
}

/// A runtime with default settings and a private cache.
pub fn runtime() -> (WasmRuntime, tempfile::TempDir) {
    runtime_with(RuntimeConfig::default())
}
