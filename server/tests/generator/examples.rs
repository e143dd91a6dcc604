//! The spec's examples give the spec's answers, before and after every
//! optimization level.

use echelon::generator::{
    optimize, optimize_levels, validate, Generator, GeneratorOptions, GeneratorSource, OptimizationLevel,
};
use wasmtime::Val;

use crate::harness::{call, compile, show};

pub const MATH: &str = include_str!("../../../examples/ts/math.ts");
pub const FIBONACCI: &str = include_str!("../../../examples/ts/fibonacci.ts");
pub const MONTE_CARLO: &str = include_str!("../../../examples/ts/monte_carlo.ts");
pub const PRIMES: &str = include_str!("../../../examples/ts/primes.ts");
pub const MANDELBROT: &str = include_str!("../../../examples/ts/mandelbrot.ts");
pub const ADD_WAT: &str = include_str!("../../../examples/ts/add.wat");

const LEVELS: [OptimizationLevel; 4] = [
    OptimizationLevel::None,
    OptimizationLevel::Size,
    OptimizationLevel::Speed,
    OptimizationLevel::Aggressive,
];

fn f64_of(v: &Result<Val, String>) -> f64 {
    match v {
        Ok(Val::F64(b)) => f64::from_bits(*b),
        other => panic!("expected an f64, got {other:?}"),
    }
}

#[test]
fn factorial_and_is_prime_as_in_the_spec() {
    // The spec's call: generate with optimize: speed and validate.
    let r = Generator::new().generate(
        &GeneratorSource::typescript(MATH)
            .with_options(GeneratorOptions::optimized(OptimizationLevel::Speed)),
    );
    assert!(r.success, "{:?}", r.errors);
    let stats = r.stats.optimization.as_ref().expect("optimizer ran");
    assert_eq!(stats.passes, vec!["binaryen -O3, one inlining round".to_string()]);
    let wasm = r.wasm.expect("module");
    assert_eq!(show(&call(&wasm, "factorial", &[Val::I32(5)])), "i32:120");
    let primes: Vec<i32> = (0..30)
        .filter(|n| show(&call(&wasm, "isPrime", &[Val::I32(*n)])) == "i32:1")
        .collect();
    assert_eq!(primes, vec![2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
}

#[test]
fn fibonacci_40() {
    let wasm = compile(FIBONACCI);
    assert_eq!(show(&call(&wasm, "fibonacci", &[Val::I32(40)])), "i32:102334155");
}

#[test]
fn monte_carlo_pi_is_close_to_pi_and_seedable() {
    let wasm = compile(MONTE_CARLO);
    let pi = f64_of(&call(&wasm, "monteCarloPI", &[Val::I32(1_000_000)]));
    assert!((pi - std::f64::consts::PI).abs() < 0.01, "estimate {pi}");
    // The same seed gives the same estimate; another seed another one.
    let again = f64_of(&call(&wasm, "monteCarloPI", &[Val::I32(1_000_000)]));
    assert_eq!(pi, again);
    let engine = wasmtime::Engine::default();
    let module = wasmtime::Module::new(&engine, &wasm).expect("valid module");
    let mut store = wasmtime::Store::new(&engine, ());
    let instance = wasmtime::Instance::new(&mut store, &module, &[]).expect("no imports");
    let seed = instance
        .get_typed_func::<i64, ()>(&mut store, "__seed")
        .expect("seed export");
    let run = instance
        .get_typed_func::<i32, f64>(&mut store, "monteCarloPI")
        .expect("export");
    seed.call(&mut store, 12345).expect("seed");
    let seeded = run.call(&mut store, 1_000_000).expect("run");
    assert!((seeded - std::f64::consts::PI).abs() < 0.01);
    assert_ne!(seeded, pi);
}

#[test]
fn wat_example_compiles_and_runs() {
    let r = Generator::new().generate(
        &GeneratorSource::wat(ADD_WAT).with_options(GeneratorOptions::optimized(OptimizationLevel::Size)),
    );
    assert!(r.success, "{:?}", r.errors);
    assert_eq!(
        show(&call(
            &r.wasm.expect("module"),
            "add",
            &[Val::I32(2), Val::I32(40)]
        )),
        "i32:42"
    );
}

/// Each example is validated and run before and after every level.
#[test]
fn examples_behave_the_same_at_every_level() {
    let runs: Vec<(&str, &str, Vec<Val>)> = vec![
        (MATH, "factorial", vec![Val::I32(12)]),
        (MATH, "isPrime", vec![Val::I32(7919)]),
        (FIBONACCI, "fibonacci", vec![Val::I32(25)]),
        (MONTE_CARLO, "monteCarloPI", vec![Val::I32(100_000)]),
        (PRIMES, "countPrimes", vec![Val::I32(20_000)]),
        (
            MANDELBROT,
            "mandelbrot",
            vec![Val::I32(64), Val::I32(48), Val::I32(100)],
        ),
    ];
    for (src, func, args) in runs {
        let wasm = compile(src);
        assert!(validate(&wasm).valid);
        let before = show(&call(&wasm, func, &args));
        assert!(
            !before.starts_with("trap") && !before.starts_with("error"),
            "{func}: {before}"
        );
        for level in LEVELS {
            let o = optimize(&wasm, level).unwrap_or_else(|e| panic!("{func} at {level:?}: {e}"));
            assert!(validate(&o.wasm).valid, "{func} at {level:?}");
            assert_eq!(o.stats.size_before, wasm.len());
            assert_eq!(o.stats.size_after, o.wasm.len());
            assert_eq!(show(&call(&o.wasm, func, &args)), before, "{func} at {level:?}");
        }
    }
}

#[test]
fn kernels_compute_known_values() {
    assert_eq!(
        show(&call(&compile(PRIMES), "countPrimes", &[Val::I32(100_000)])),
        "i32:9592"
    );
    let m = show(&call(
        &compile(MANDELBROT),
        "mandelbrot",
        &[Val::I32(2), Val::I32(2), Val::I32(10)],
    ));
    // Points (-2,-1.5), (-0.5,-1.5), (-2,0), (-0.5,0): 1 + 2 + 10 + 10 iterations.
    assert_eq!(m, "i32:23");
}

#[test]
fn size_optimization_shrinks_the_examples() {
    for src in [MATH, FIBONACCI, MONTE_CARLO, PRIMES, MANDELBROT] {
        let wasm = compile(src);
        let o = optimize(&wasm, OptimizationLevel::Size).expect("optimizes");
        assert!(o.wasm.len() < wasm.len(), "{} -> {}", wasm.len(), o.wasm.len());
    }
}

/// `optimize_levels` (what `compile_rust` runs as `wasm-opt -O3 -s1`) runs
/// Binaryen's passes at the levels asked: above -O0 the code changes
/// (here a constant expression folds), at -O0 only the round trip.
#[test]
fn optimize_levels_runs_binaryens_passes() {
    let wat = r#"(module
      (func (export "f") (result i32)
        (local i32)
        (local.set 0 (i32.const 20))
        (i32.add (i32.mul (local.get 0) (i32.const 2)) (i32.const 2))))"#;
    let wasm = wat::parse_str(wat).expect("wat");
    let o0 = optimize_levels(&wasm, 0, 0).expect("-O0");
    let o2 = optimize_levels(&wasm, 2, 1).expect("-O2 -s1");
    let o3 = optimize_levels(&wasm, 3, 1).expect("-O3 -s1");
    assert_eq!(o0.wasm.len(), wasm.len(), "-O0 leaves the code alone");
    for o in [&o2, &o3] {
        assert!(o.wasm.len() < wasm.len(), "{} -> {}", wasm.len(), o.wasm.len());
        let text = wasmprinter::print_bytes(&o.wasm).expect("prints");
        assert!(
            text.contains("i32.const 42") && !text.contains("i32.mul"),
            "{text}"
        );
    }
}
