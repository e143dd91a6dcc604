//! Fuzz target: arbitrary bytes as a module, through validation,
//! compilation and instantiation under a strict sandbox, then a call of
//! every exported function that takes no arguments. Nothing may panic or
//! crash the host; every failure must be an `echelon::Error`.
//!
//! Run: `cargo fuzz run sandbox_instantiate -- -max_total_time=300`
#![no_main]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use echelon::runtime::{ExecOptions, InstanceMode, InstantiateOptions, RuntimeConfig, Value, WasmRuntime, WasmSource};
use echelon::sandbox::SandboxConfig;
use libfuzzer_sys::fuzz_target;

struct Harness {
    tokio: tokio::runtime::Runtime,
    wasm: WasmRuntime,
}

fn harness() -> &'static Harness {
    static H: OnceLock<Harness> = OnceLock::new();
    H.get_or_init(|| {
        let tokio = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio");
        let wasm = WasmRuntime::new(
            RuntimeConfig::default()
                .precompiled_cache(false)
                .default_timeout(Duration::from_millis(50))
                .module_memory_limit(1 << 20),
        )
        .expect("runtime");
        wasm.create_sandbox(
            SandboxConfig::default()
                .id("strict")
                .memory_limit(1 << 20)
                .time_limit(Duration::from_millis(50))
                .max_instructions(1_000_000)
                .max_call_depth(200),
        )
        .expect("sandbox");
        Harness { tokio, wasm }
    })
}

fuzz_target!(|data: &[u8]| {
    static N: AtomicU64 = AtomicU64::new(0);
    let h = harness();
    let id = format!("m{}", N.fetch_add(1, Ordering::Relaxed));
    h.tokio.block_on(async {
        let Ok(info) = h.wasm.load_module_as(&id, WasmSource::bytes(data.to_vec())).await else {
            return;
        };
        let opts = InstantiateOptions {
            sandbox_id: Some("strict".into()),
            ..Default::default()
        };
        if h.wasm.instantiate(&id, opts).await.is_ok() {
            for e in info.exports.iter().filter(|e| e.kind == "func") {
                let _ = h
                    .wasm
                    .execute_report::<Vec<Value>>(&id, &e.name, vec![], ExecOptions::default().with_instance(InstanceMode::Fresh))
                    .await;
            }
        }
        h.wasm.unload_module(&id).await.expect("a loaded module unloads");
    });
});
