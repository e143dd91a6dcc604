//! Generator benchmarks (results and the exact command in BENCHMARKS.md,
//! section "Generator"):
//!
//! - `speed/*`: the generated code (compiled by this compiler, optimized at
//!   level speed) against the same algorithms in Rust compiled to wasm32 with
//!   `-O` (examples/bench-kernels, built here with cargo), both run in
//!   wasmtime with the same engine settings;
//! - `compile/*`: compile latency of the spec's examples (no optimization);
//! - `optimize_size/*`: time of `optimize(size)`; the sizes before and after
//!   are printed once.
//!
//! Run: `cargo bench -p echelon-server --bench generator`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{criterion_main, Criterion};
use echelon::generator::{optimize, Generator, GeneratorOptions, OptimizationLevel};
use wasmtime::{Engine, Func, Instance, Module, Store, Val};

const FIBONACCI: &str = include_str!("../../examples/ts/fibonacci.ts");
const PRIMES: &str = include_str!("../../examples/ts/primes.ts");
const MONTE_CARLO: &str = include_str!("../../examples/ts/monte_carlo.ts");
const MANDELBROT: &str = include_str!("../../examples/ts/mandelbrot.ts");
const MATH: &str = include_str!("../../examples/ts/math.ts");

/// Builds examples/bench-kernels for wasm32 with `--release` (opt-level 3).
fn rust_kernels() -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("bench-kernels");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "--manifest-path",
        ])
        .arg(root.join("examples/bench-kernels/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building examples/bench-kernels failed");
    std::fs::read(target_dir.join("wasm32-unknown-unknown/release/bench_kernels.wasm"))
        .expect("kernel module")
}

fn compile_ts(src: &str) -> Vec<u8> {
    let r = Generator::new()
        .generate_from_typescript(src, &GeneratorOptions::optimized(OptimizationLevel::Speed));
    assert!(r.success, "{:?}", r.errors);
    r.wasm.expect("module")
}

struct Loaded {
    store: Store<()>,
    func: Func,
}

fn load(engine: &Engine, wasm: &[u8], name: &str) -> Loaded {
    let module = Module::new(engine, wasm).expect("compiles");
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, &module, &[]).expect("instantiates");
    let func = instance.get_func(&mut store, name).expect("export");
    Loaded { store, func }
}

fn run(l: &mut Loaded, args: &[Val]) -> Val {
    let mut out = [Val::I32(0)];
    l.func.call(&mut l.store, args, &mut out).expect("runs");
    out[0]
}

fn same(a: Val, b: Val) -> bool {
    match (a, b) {
        (Val::I32(x), Val::I32(y)) => x == y,
        (Val::F64(x), Val::F64(y)) => x == y,
        _ => false,
    }
}

fn speed(c: &mut Criterion) {
    let engine = Engine::default();
    let kernels = rust_kernels();
    let cases: [(&str, &str, &str, Vec<Val>); 4] = [
        ("fibonacci_32", FIBONACCI, "fibonacci", vec![Val::I32(32)]),
        ("primes_200000", PRIMES, "countPrimes", vec![Val::I32(200_000)]),
        (
            "monte_carlo_10m",
            MONTE_CARLO,
            "monteCarloPI",
            vec![Val::I32(10_000_000)],
        ),
        (
            "mandelbrot_320x240x200",
            MANDELBROT,
            "mandelbrot",
            vec![Val::I32(320), Val::I32(240), Val::I32(200)],
        ),
    ];
    let mut group = c.benchmark_group("speed");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (name, src, func, args) in cases {
        let mut ours = load(&engine, &compile_ts(src), func);
        let mut rust = load(&engine, &kernels, func);
        // Same algorithm, same answer (Monte Carlo: same generator and seed).
        let (a, b) = (run(&mut ours, &args), run(&mut rust, &args));
        assert!(same(a, b), "{name}: echelon {a:?} vs rust {b:?}");
        group.bench_function(format!("{name}/echelon"), |bench| {
            bench.iter(|| run(&mut ours, &args))
        });
        group.bench_function(format!("{name}/rust"), |bench| {
            bench.iter(|| run(&mut rust, &args))
        });
    }
    group.finish();
}

fn compile_latency(c: &mut Criterion) {
    let generator = Generator::new();
    let options = GeneratorOptions::default();
    let mut group = c.benchmark_group("compile");
    for (name, src) in [
        ("math", MATH),
        ("fibonacci", FIBONACCI),
        ("monte_carlo", MONTE_CARLO),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| generator.generate_from_typescript(src, &options))
        });
    }
    group.finish();
}

fn size(c: &mut Criterion) {
    let mut group = c.benchmark_group("optimize_size");
    group.sample_size(10);
    println!("\nsize: example, unoptimized bytes, optimize(size) bytes, ratio");
    for (name, src) in [
        ("math", MATH),
        ("fibonacci", FIBONACCI),
        ("monte_carlo", MONTE_CARLO),
        ("primes", PRIMES),
        ("mandelbrot", MANDELBROT),
    ] {
        let r = Generator::new().generate_from_typescript(src, &GeneratorOptions::default());
        let wasm = r.wasm.expect("module");
        let o = optimize(&wasm, OptimizationLevel::Size).expect("optimizes");
        println!(
            "size: {name}, {}, {}, {:.2}",
            wasm.len(),
            o.wasm.len(),
            o.wasm.len() as f64 / wasm.len() as f64
        );
        group.bench_function(name, |b| b.iter(|| optimize(&wasm, OptimizationLevel::Size)));
    }
    group.finish();
}

// The macro generates an undocumented `pub fn benches`.
#[allow(missing_docs)]
mod group {
    use super::{compile_latency, size, speed};
    criterion::criterion_group!(benches, speed, compile_latency, size);
}
use group::benches;
criterion_main!(benches);
