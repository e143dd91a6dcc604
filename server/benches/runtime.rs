#![allow(missing_docs)]
//! Runtime benchmarks (issue: runtime core). Run with
//! `cargo bench -p echelon-server --bench runtime`; ratios go in
//! BENCHMARKS.md.
//!
//! - `execute/echelon_add`, `execute/typed_handle_add` vs
//!   `execute/raw_typedfunc_add`: the overhead of `WasmRuntime::execute`
//!   (a hop to a guest thread and back) and of the typed handle
//!   (`WasmRuntime::func`, synchronous) over a raw wasmtime
//!   `TypedFunc::call` on an engine with the same configuration.
//! - `reverse_1k/echelon`, `reverse_1k/abi_handle` vs `reverse_1k/raw`: a
//!   1 KiB string through the guest ABI (`execute`; the synchronous
//!   `WasmRuntime::abi_func` handle) vs raw wasmtime doing the same alloc, copy, call,
//!   read and frees by hand.
//! - `fresh_instance/echelon` vs `fresh_instance/raw`: a fresh instance per
//!   call under the default sandbox vs raw InstancePre, both with the
//!   pooling allocator.
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
    tokio.block_on(rt.execute_report::<i32>("math", "add", args![1, 2], ExecOptions::default()));

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
            let r = tokio
                .block_on(rt.execute::<i32>("math", "add", args![5, 3], ExecOptions::default()))
                .expect("call");
            assert_eq!(r.value, 8);
        })
    });
    let typed = rt.func::<(i32, i32), i32>("math", "add").expect("typed handle");
    g.bench_function("typed_handle_add", |b| {
        b.iter(|| {
            assert_eq!(typed.call((5, 3)).expect("call"), 8);
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

fn reverse_1k(c: &mut Criterion) {
    let tokio = tokio_rt();
    let dir = tempfile::tempdir().expect("temp dir");
    let config = RuntimeConfig::default().cache_dir(dir.path());
    let rt = WasmRuntime::new(config.clone()).expect("runtime");
    let wat = example("wat/reverse.wat");
    tokio
        .block_on(rt.load_module_as("rev", WasmSource::file(&wat)))
        .expect("load");
    let input: String = (0..1024).map(|i| (b'a' + (i % 26) as u8) as char).collect();
    let expected: String = input.chars().rev().collect();

    let engine = wasmtime::Engine::new(&engine_config(&config)).expect("engine");
    let module = wasmtime::Module::from_file(&engine, &wat).expect("module");
    let mut store = wasmtime::Store::new(&engine, ());
    store.set_fuel(u64::MAX).expect("fuel");
    store.set_epoch_deadline(u64::MAX / 2);
    let instance = wasmtime::Instance::new(&mut store, &module, &[]).expect("instance");
    let memory = instance.get_memory(&mut store, "memory").expect("memory");
    let alloc = instance
        .get_typed_func::<i32, i32>(&mut store, "echelon_alloc")
        .expect("alloc");
    let free = instance
        .get_typed_func::<(i32, i32), ()>(&mut store, "echelon_free")
        .expect("free");
    let reverse = instance
        .get_typed_func::<(i32, i32), i64>(&mut store, "reverse")
        .expect("reverse");

    let mut g = c.benchmark_group("reverse_1k");
    g.bench_function("echelon", |b| {
        b.iter(|| {
            let r = tokio
                .block_on(rt.execute::<String>(
                    "rev",
                    "reverse",
                    args![input.as_str()],
                    ExecOptions::default(),
                ))
                .expect("call");
            assert_eq!(r.value.len(), expected.len());
        })
    });
    let handle = rt
        .abi_func::<String, String>("rev", "reverse")
        .expect("abi handle");
    g.bench_function("abi_handle", |b| {
        b.iter(|| {
            let out = handle.call(&input).expect("call");
            assert_eq!(out.len(), expected.len());
        })
    });
    g.bench_function("raw", |b| {
        b.iter(|| {
            let len = input.len() as i32;
            let ptr = alloc.call(&mut store, len).expect("alloc");
            memory
                .write(&mut store, ptr as usize, input.as_bytes())
                .expect("write");
            let packed = reverse.call(&mut store, (ptr, len)).expect("reverse");
            let (rptr, rlen) = ((packed as u64 >> 32) as usize, packed as u32 as usize);
            let mut out = vec![0u8; rlen];
            memory.read(&store, rptr, &mut out).expect("read");
            free.call(&mut store, (rptr as i32, rlen as i32)).expect("free");
            free.call(&mut store, (ptr, len)).expect("free");
            let out = String::from_utf8(out).expect("utf-8");
            assert_eq!(out.len(), expected.len());
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
    // The default sandbox's limits (16 MiB, 5 s, fuel, call depth counted
    // by instrumentation) with no host capability; math.wat's SIMD export
    // needs the `simd` feature.
    let sandbox = rt
        .create_sandbox(
            echelon::sandbox::SandboxConfig::default().grant([echelon::sandbox::Capability::Simd]),
        )
        .expect("sandbox");
    let fresh = ExecOptions::default()
        .with_instance(InstanceMode::Fresh)
        .with_sandbox(sandbox.id.clone());

    let engine = wasmtime::Engine::new(&engine_config(&config)).expect("engine");
    let module = wasmtime::Module::from_file(&engine, example("wat/math.wat")).expect("module");
    let linker: wasmtime::Linker<wasmtime::StoreLimits> = wasmtime::Linker::new(&engine);
    let pre = linker.instantiate_pre(&module).expect("pre");

    let mut g = c.benchmark_group("fresh_instance");
    g.bench_function("echelon", |b| {
        b.iter(|| {
            let r = tokio
                .block_on(rt.execute::<i32>("math", "add", args![5, 3], fresh.clone()))
                .expect("call");
            assert_eq!(r.value, 8);
        })
    });
    let unsandboxed = ExecOptions::default().with_instance(InstanceMode::Fresh);
    g.bench_function("echelon_unsandboxed", |b| {
        b.iter(|| {
            let r = tokio
                .block_on(rt.execute::<i32>("math", "add", args![5, 3], unsandboxed.clone()))
                .expect("call");
            assert_eq!(r.value, 8);
        })
    });
    // The synchronous path: a typed handle with a fresh instance per call
    // under the same sandbox (attached to the module, as handles take it).
    tokio
        .block_on(rt.instantiate(
            "math",
            echelon::runtime::InstantiateOptions {
                sandbox_id: Some(sandbox.id.clone()),
                ..Default::default()
            },
        ))
        .expect("attach the sandbox");
    let handle = rt
        .func::<(i32, i32), i32>("math", "add")
        .expect("typed handle")
        .with_fresh_instances();
    g.bench_function("typed_handle", |b| {
        b.iter(|| assert_eq!(handle.call((5, 3)).expect("call"), 8))
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
        let r =
            tokio.block_on(rt.execute_report::<()>("hostile", "spin", vec![], ExecOptions::timeout(timeout)));
        assert_eq!(r.error.map(|e| e.kind()), Some("timeout"));
        late.push(t.elapsed().saturating_sub(timeout));
    }
    late.sort();
    println!(
        "timeout lateness over 20 runs of a 100 ms timeout: median {:?}, max {:?}",
        late[10], late[19]
    );
}

criterion_group!(benches, execute_vs_raw, reverse_1k, fresh_instance, load_guest);

fn main() {
    timeout_lateness();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
