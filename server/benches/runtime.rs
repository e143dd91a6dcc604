#![allow(missing_docs)]
//! Runtime benchmarks (issue: runtime core). Run with
//! `cargo bench -p echelon-server --bench runtime`; ratios go in
//! BENCHMARKS.md.
//!
//! - `execute/echelon_add` vs `execute/raw_typedfunc_add`: the overhead of
//!   `WasmRuntime::execute` over a raw wasmtime `TypedFunc::call` on an
//!   engine with the same configuration (epochs + fuel).
//! - `fresh_instance/echelon` vs `fresh_instance/raw`: a fresh instance per
//!   call with InstancePre + the pooling allocator, both sides.
//! - `load_guest/precompiled` vs `load_guest/compile`: loading the shared
//!   guest module from the on-disk precompiled cache vs compiling it.
//! - Timeout lateness of an infinite loop is printed before the benches.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use echelon::args;
use echelon::runtime::{engine_config, ExecOptions, InstanceMode, RuntimeConfig, WasmRuntime, WasmSource};

fn example(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(rel)
}

fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn execute_vs_raw(c: &mut Criterion) {
    let tokio = tokio_rt();
    let dir = tempfile::tempdir().expect("temp dir");
    let config = RuntimeConfig::default().cache_dir(dir.path());
    let rt = WasmRuntime::new(config.clone()).expect("runtime");
    tokio
        .block_on(rt.load_module_as("math", WasmSource::file(example("wat/math.wat"))))
        .expect("load");
    // Warm the persistent instance.
    tokio.block_on(rt.execute::<i32>("math", "add", args![1, 2], ExecOptions::default()));

    let engine = wasmtime::Engine::new(&engine_config(&config)).expect("engine");
    let module = wasmtime::Module::from_file(&engine, example("wat/math.wat")).expect("module");
    let mut store = wasmtime::Store::new(&engine, ());
    store.set_fuel(u64::MAX).expect("fuel");
    store.set_epoch_deadline(u64::MAX / 2);
    let instance = wasmtime::Instance::new(&mut store, &module, &[]).expect("instance");
    let add = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "add")
        .expect("add");

    let mut g = c.benchmark_group("execute");
    g.bench_function("echelon_add", |b| {
        b.iter(|| {
            let r = tokio.block_on(rt.execute::<i32>("math", "add", args![5, 3], ExecOptions::default()));
            assert_eq!(r.value, Some(8));
        })
    });
    g.bench_function("raw_typedfunc_add", |b| {
        b.iter(|| {
            let v = add.call(&mut store, (5, 3)).expect("call");
            assert_eq!(v, 8);
        })
    });
    g.finish();
}

fn fresh_instance(c: &mut Criterion) {
    let tokio = tokio_rt();
    let dir = tempfile::tempdir().expect("temp dir");
    let config = RuntimeConfig::default()
        .cache_dir(dir.path())
        .pooling_allocator(true);
    let rt = WasmRuntime::new(config.clone()).expect("runtime");
    tokio
        .block_on(rt.load_module_as("math", WasmSource::file(example("wat/math.wat"))))
        .expect("load");
    let fresh = ExecOptions::default().with_instance(InstanceMode::Fresh);

    let engine = wasmtime::Engine::new(&engine_config(&config)).expect("engine");
    let module = wasmtime::Module::from_file(&engine, example("wat/math.wat")).expect("module");
    let linker: wasmtime::Linker<wasmtime::StoreLimits> = wasmtime::Linker::new(&engine);
    let pre = linker.instantiate_pre(&module).expect("pre");

    let mut g = c.benchmark_group("fresh_instance");
    g.bench_function("echelon", |b| {
        b.iter(|| {
            let r = tokio.block_on(rt.execute::<i32>("math", "add", args![5, 3], fresh.clone()));
            assert_eq!(r.value, Some(8));
        })
    });
    g.bench_function("raw", |b| {
        b.iter(|| {
            let limits = wasmtime::StoreLimitsBuilder::new().memory_size(16 << 20).build();
            let mut store = wasmtime::Store::new(&engine, limits);
            store.limiter(|l| l);
            store.set_fuel(u64::MAX).expect("fuel");
            store.set_epoch_deadline(1000);
            let instance = pre.instantiate(&mut store).expect("instantiate");
            let add = instance
                .get_typed_func::<(i32, i32), i32>(&mut store, "add")
                .expect("add");
            assert_eq!(add.call(&mut store, (5, 3)).expect("call"), 8);
        })
    });
    g.finish();
}

fn load_guest(c: &mut Criterion) {
    let tokio = tokio_rt();
    let guest = echelon_tests::shared_guest_wasm()
        .expect("guest module builds")
        .to_path_buf();
    let size = std::fs::metadata(&guest).map(|m| m.len()).unwrap_or(0);
    println!("shared guest module: {} ({size} bytes)", guest.display());
    let dir = tempfile::tempdir().expect("temp dir");
    // Populate the disk cache once.
    {
        let rt = WasmRuntime::new(RuntimeConfig::default().cache_dir(dir.path())).expect("runtime");
        tokio
            .block_on(rt.load_module(WasmSource::file(&guest)))
            .expect("load");
    }
    let mut g = c.benchmark_group("load_guest");
    g.sample_size(10);
    g.bench_function("precompiled", |b| {
        b.iter(|| {
            let rt = WasmRuntime::new(RuntimeConfig::default().cache_dir(dir.path())).expect("runtime");
            tokio
                .block_on(rt.load_module(WasmSource::file(&guest)))
                .expect("load");
        })
    });
    g.bench_function("compile", |b| {
        b.iter(|| {
            let rt = WasmRuntime::new(RuntimeConfig::default().precompiled_cache(false)).expect("runtime");
            tokio
                .block_on(rt.load_module(WasmSource::file(&guest)))
                .expect("load");
        })
    });
    g.finish();
}

fn timeout_lateness() {
    let tokio = tokio_rt();
    let dir = tempfile::tempdir().expect("temp dir");
    let rt = WasmRuntime::new(RuntimeConfig::default().cache_dir(dir.path())).expect("runtime");
    tokio
        .block_on(rt.load_module_as("hostile", WasmSource::file(example("wat/hostile.wat"))))
        .expect("load");
    let timeout = Duration::from_millis(100);
    let mut late = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let r = tokio.block_on(rt.execute::<()>("hostile", "spin", vec![], ExecOptions::timeout(timeout)));
        assert_eq!(r.error.map(|e| e.kind()), Some("timeout"));
        late.push(t.elapsed().saturating_sub(timeout));
    }
    late.sort();
    println!(
        "timeout lateness over 20 runs of a 100 ms timeout: median {:?}, max {:?}",
        late[10], late[19]
    );
}

criterion_group!(benches, execute_vs_raw, fresh_instance, load_guest);

fn main() {
    timeout_lateness();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
