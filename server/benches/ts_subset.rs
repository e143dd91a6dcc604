//! Figures of the TypeScript subset for BENCHMARKS.md, section "TypeScript
//! subset", measured side by side in one run:
//!
//! - kernels: examples/ts/bench/strings_arrays.ts and
//!   examples/ts/bench/math.ts compiled by Echelon (level speed: Binaryen
//!   -O3's passes with one inlining round) and by asc 0.28 `-O3` (its
//!   default incremental runtime), both run in wasmtime with the same
//!   engine; each kernel must give the same answer
//!   in both (the math kernels bit for bit); the median of several runs is
//!   printed;
//! - compile latency: a 1,000-line program, without and with Binaryen (level
//!   speed);
//! - memory: pages of an instance over 10^6 calls of a string export that
//!   allocates.
//!
//! It is one test in a libtest harness (the crate's manifest declares its
//! criterion benches; this file is discovered as a plain bench target), so:
//! `cargo test -p echelon-server --bench ts_subset -- --nocapture`
//! (the workspace builds the server and wasmtime optimized in the dev
//! profile). asc comes from `cargo xtask setup` (target/asc) or
//! `ECHELON_ASC`.

use std::process::Command;
use std::time::{Duration, Instant};

use echelon::generator::{Generator, GeneratorOptions, OptimizationLevel};
use wasmtime::{Engine, Func, Instance, Linker, Module, Store, TypedFunc, Val};

const KERNELS: &str = include_str!("../../examples/ts/bench/strings_arrays.ts");
const MATH_KERNELS: &str = include_str!("../../examples/ts/bench/math.ts");

fn echelon(src: &str, level: Option<OptimizationLevel>) -> Vec<u8> {
    let options = match level {
        Some(l) => GeneratorOptions::optimized(l),
        None => GeneratorOptions::default(),
    };
    let r = Generator::new().generate_from_typescript(src, &options);
    assert!(r.success, "{:?}", r.errors);
    r.wasm.expect("a module")
}

fn assemblyscript(src: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("kernels.ts");
    let output = dir.path().join("kernels.wasm");
    std::fs::write(&input, src).expect("write source");
    let out = Command::new(echelon_tests::asc())
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .arg("-O3")
        .output()
        .expect("asc starts");
    assert!(
        out.status.success(),
        "asc: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(output).expect("asc output")
}

struct Loaded {
    store: Store<()>,
    instance: Instance,
}

fn load(engine: &Engine, wasm: &[u8]) -> Loaded {
    let module = Module::new(engine, wasm).expect("compiles");
    let mut linker: Linker<()> = Linker::new(engine);
    linker
        .define_unknown_imports_as_traps(&module)
        .expect("traps for imports");
    let mut store = Store::new(engine, ());
    let instance = linker.instantiate(&mut store, &module).expect("instantiates");
    Loaded { store, instance }
}

fn call(l: &mut Loaded, f: Func, args: &[Val]) -> Val {
    let mut out = [Val::I32(0)];
    f.call(&mut l.store, args, &mut out).expect("runs");
    out[0]
}

fn show(v: &Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F64(b) => format!("{} (bits {b:#x})", f64::from_bits(*b)),
        other => format!("{other:?}"),
    }
}

/// The median of `runs` timings of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn kernels() {
    run_kernels(
        KERNELS,
        &[
            ("concat_hash", Val::I32(3_000)),
            ("search", Val::I32(200)),
            ("words", Val::I32(5_000)),
            ("array_push_sum", Val::I32(200_000)),
            ("sieve", Val::I32(1_000_000)),
        ],
    );
    run_kernels(
        MATH_KERNELS,
        &[
            ("trig", Val::I32(200_000)),
            ("exp_log", Val::I32(200_000)),
            ("powers", Val::I32(200_000)),
            ("mix", Val::I32(200_000)),
        ],
    );
}

fn run_kernels(src: &str, cases: &[(&str, Val)]) {
    let engine = Engine::default();
    let ours = echelon(src, Some(OptimizationLevel::Speed));
    let theirs = assemblyscript(src);
    println!(
        "module sizes: echelon {} bytes, asc {} bytes",
        ours.len(),
        theirs.len()
    );
    println!("| kernel | echelon | asc -O3 | ratio |");
    println!("|---|---|---|---|");
    for (name, arg) in cases {
        let name = *name;
        // A fresh instance per kernel and compiler, so heaps do not mix.
        let mut a = load(&engine, &ours);
        let mut b = load(&engine, &theirs);
        let fa = a.instance.get_func(&mut a.store, name).expect("echelon export");
        let fb = b.instance.get_func(&mut b.store, name).expect("asc export");
        let (ra, rb) = (
            call(&mut a, fa, std::slice::from_ref(arg)),
            call(&mut b, fb, std::slice::from_ref(arg)),
        );
        assert_eq!(show(&ra), show(&rb), "{name}: echelon and asc disagree");
        let ta = median(11, || {
            call(&mut a, fa, std::slice::from_ref(arg));
        });
        let tb = median(11, || {
            call(&mut b, fb, std::slice::from_ref(arg));
        });
        println!(
            "| {name}({}) | {:.3} ms | {:.3} ms | {:.2}x |",
            show(arg),
            ta.as_secs_f64() * 1e3,
            tb.as_secs_f64() * 1e3,
            ta.as_secs_f64() / tb.as_secs_f64()
        );
    }
}

/// A 1,000-line program: 91 functions of 11 lines over numbers and strings.
fn thousand_lines() -> String {
    let mut src = String::new();
    for f in 0..91 {
        src.push_str(&format!("export function f{f}(x: i32, s: string): i32 {{\n"));
        src.push_str("  let acc = x;\n");
        src.push_str("  for (let i = 0; i < s.length; i++) {\n");
        src.push_str(&format!("    acc = acc * 31 + s.charCodeAt(i) + {f};\n"));
        src.push_str("  }\n");
        src.push_str("  switch (acc & 3) {\n");
        src.push_str("    case 0: acc += 1; break;\n");
        src.push_str("    default: acc -= 1;\n");
        src.push_str("  }\n");
        src.push_str("  return acc;\n}\n");
    }
    src
}

fn compile_latency() {
    let src = thousand_lines();
    let lines = src.lines().count();
    let plain = median(21, || {
        echelon(&src, None);
    });
    let optimized = median(11, || {
        echelon(&src, Some(OptimizationLevel::Speed));
    });
    println!(
        "compile {lines} lines: {:.2} ms without optimization, {:.2} ms with Binaryen (level speed)",
        plain.as_secs_f64() * 1e3,
        optimized.as_secs_f64() * 1e3
    );
}

fn memory() {
    let src =
        "export function greet(name: string): string { return `Hello, ${name}! ` + name.toUpperCase(); }";
    let wasm = echelon(src, Some(OptimizationLevel::Speed));
    let engine = Engine::default();
    let mut l = load(&engine, &wasm);
    let memory = l.instance.get_memory(&mut l.store, "memory").expect("memory");
    let alloc: TypedFunc<i32, i32> = l
        .instance
        .get_typed_func(&mut l.store, "echelon_alloc")
        .expect("alloc");
    let free: TypedFunc<(i32, i32), ()> = l
        .instance
        .get_typed_func(&mut l.store, "echelon_free")
        .expect("free");
    let greet: TypedFunc<(i32, i32), i64> = l.instance.get_typed_func(&mut l.store, "greet").expect("greet");
    let name = b"plugin caller";
    let mut pages = Vec::new();
    let started = Instant::now();
    for n in 1..=1_000_000u32 {
        let p = alloc.call(&mut l.store, name.len() as i32).expect("alloc");
        memory.write(&mut l.store, p as usize, name).expect("write");
        let packed = greet.call(&mut l.store, (p, name.len() as i32)).expect("greet");
        free.call(&mut l.store, (p, name.len() as i32)).expect("free arg");
        let (rp, rl) = ((packed as u64 >> 32) as i32, (packed as u64 & 0xFFFF_FFFF) as i32);
        free.call(&mut l.store, (rp, rl)).expect("free result");
        if [1, 1_000, 10_000, 100_000, 1_000_000].contains(&n) {
            pages.push((n, memory.size(&l.store)));
        }
    }
    let per_call = started.elapsed() / 1_000_000;
    println!("memory over 10^6 calls of greet(string) -> string (pages of 64 KiB after n calls): {pages:?}; {per_call:?} per call including the host's alloc/write/free");
}

#[test]
fn figures() {
    compile_latency();
    memory();
    kernels();
}
