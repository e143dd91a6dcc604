#![allow(missing_docs)]
//! Plugin platform benchmarks (issue: host capabilities). Run with
//! `cargo bench -p echelon-server --bench plugins`; ratios go in
//! BENCHMARKS.md.
//!
//! - `kv_call/{noop,kv_get,kv_set}`: one `execute` of a plugin export that
//!   does nothing, reads one key, or writes one key (committed, fsync'd, to a
//!   file-backed store): the differences are the per-call cost of the host
//!   functions.
//! - `kv_1000_writes/{plugin,native}`: a plugin writing 1,000 keys in one
//!   call vs the same 1,000 writes made natively through `KvStore` (one
//!   commit each side).

use std::path::PathBuf;

use criterion::{criterion_group, Criterion};
use echelon::args;
use echelon::runtime::{ExecOptions, InstantiateOptions, KvBatch, RuntimeConfig, WasmRuntime, WasmSource};
use echelon::sandbox::{Capability, KvQuota, SandboxConfig};

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

const BENCH_WAT: &str = r#"(module
  (import "echelon" "kv_get" (func $get (param i32 i32) (result i64)))
  (import "echelon" "kv_set" (func $set (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (func (export "echelon_alloc") (param $n i32) (result i32)
    (local $p i32) (local.set $p (global.get $heap))
    (global.set $heap (i32.add (local.get $p) (local.get $n))) (local.get $p))
  (func (export "echelon_free") (param i32 i32))
  (data (i32.const 16) "bench-key")
  (func (export "noop") (result i32) (global.set $heap (i32.const 4096)) (i32.const 0))
  (func (export "get") (result i32)
    (global.set $heap (i32.const 4096))
    (i32.wrap_i64 (call $get (i32.const 16) (i32.const 9))))
  (func (export "set") (result i32)
    (global.set $heap (i32.const 4096))
    (call $set (i32.const 16) (i32.const 9) (i32.const 32) (i32.const 8))))"#;

/// A runtime with a file-backed key-value store and `source` loaded as
/// `id` under a sandbox granting kv-read and kv-write.
fn kv_plugin(
    tokio: &tokio::runtime::Runtime,
    id: &str,
    source: WasmSource,
) -> (WasmRuntime, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let rt = WasmRuntime::new(
        RuntimeConfig::default()
            .cache_dir(dir.path().join("cache"))
            .kv_path(dir.path().join("kv.redb")),
    )
    .expect("runtime");
    let sb = rt
        .create_sandbox(SandboxConfig::default().grant([Capability::KvRead, Capability::KvWrite]))
        .expect("sandbox");
    tokio
        .block_on(async {
            rt.load_module_as(id, source).await?;
            rt.instantiate(
                id,
                InstantiateOptions {
                    sandbox_id: Some(sb.id.clone()),
                    ..Default::default()
                },
            )
            .await
        })
        .expect("plugin");
    (rt, dir)
}

fn kv_call(c: &mut Criterion) {
    let tokio = tokio_rt();
    let (rt, _dir) = kv_plugin(&tokio, "bench", WasmSource::bytes(BENCH_WAT));
    let call = |f: &str| {
        let r = tokio.block_on(rt.execute_report::<i32>("bench", f, vec![], ExecOptions::default()));
        assert!(r.success, "{:?}", r.error);
    };
    call("set");
    let mut g = c.benchmark_group("kv_call");
    for f in ["noop", "get", "set"] {
        g.bench_function(f, |b| b.iter(|| call(f)));
    }
    g.finish();
}

fn kv_1000_writes(c: &mut Criterion) {
    let tokio = tokio_rt();
    let (rt, _dir) = kv_plugin(&tokio, "fill", WasmSource::file(example("wat/plugins/kv.wat")));
    let kv = rt.kv().expect("kv");
    let quota = KvQuota::default();
    let mut g = c.benchmark_group("kv_1000_writes");
    g.sample_size(30);
    g.bench_function("plugin", |b| {
        b.iter(|| {
            let r = tokio.block_on(rt.execute_report::<i32>(
                "fill",
                "fill",
                args![1000, 0],
                ExecOptions::default(),
            ));
            assert_eq!(r.value, Some(1000), "{:?}", r.error);
        })
    });
    g.bench_function("native", |b| {
        b.iter(|| {
            let mut batch = KvBatch::default();
            for i in 0..1000u64 {
                batch
                    .set(
                        &kv,
                        "native",
                        &format!("key-{i:04}"),
                        i.to_le_bytes().to_vec(),
                        &quota,
                    )
                    .expect("set");
            }
            kv.commit("native", &batch, &quota).expect("commit");
        })
    });
    g.finish();
}

criterion_group!(benches, kv_call, kv_1000_writes);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
