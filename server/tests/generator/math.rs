//! `Math`: the functions AssemblyScript computes in wasm (its musl port,
//! compiled from the prelude) give exact known values, need no imports and
//! no heap, and survive Binaryen. Bit-for-bit agreement with asc over many
//! inputs is checked by `asc_parity` (corpus/math_musl.ts).

use echelon::generator::{Generator, GeneratorOptions, OptimizationLevel};
use wasmtime::{Engine, Module, Val};

use crate::harness::{call, compile, show};

fn f64_of(wasm: &[u8], func: &str) -> f64 {
    match call(wasm, func, &[]) {
        Ok(Val::F64(b)) => f64::from_bits(b),
        other => panic!("{func}: {}", show(&other)),
    }
}

#[test]
fn known_values_are_exact() {
    let src = r#"
export function sin0(): f64 { return Math.sin(0); }
export function cos0(): f64 { return Math.cos(0); }
export function exp0(): f64 { return Math.exp(0); }
export function log1(): f64 { return Math.log(1); }
export function pow210(): f64 { return Math.pow(2, 10); }
export function root2(): f64 { return 2.0 ** 0.5; }
export function atan2_pi(): f64 { return Math.atan2(0, -1); }
export function hyp(): f64 { return Math.hypot(3, 4); }
export function cube(): f64 { return Math.cbrt(27); }
export function imul(): f64 { return Math.imul(0xFFFFFFFF, 5); }
export function clz(): f64 { return Math.clz32(1); }
export function tanh_inf(): f64 { return Math.tanh(Infinity); }
export function asin1(): f64 { return Math.asin(1); }
export function log2_8(): f64 { return Math.log2(8); }
export function log10_1000(): f64 { return Math.log10(1000); }
export function exp2_10(): f64 { return Math.exp2(10); }
export function log_neg(): f64 { return Math.log(-1); }
export function pow_nan(): f64 { return Math.pow(NaN, 0); }
export function f32_arg(): f64 { let x: f32 = 0.5; return Math.acos(x); }
"#;
    let wasm = compile(src);
    let pi = std::f64::consts::PI;
    let cases: &[(&str, f64)] = &[
        ("sin0", 0.0),
        ("cos0", 1.0),
        ("exp0", 1.0),
        ("log1", 0.0),
        ("pow210", 1024.0),
        ("root2", std::f64::consts::SQRT_2),
        ("atan2_pi", pi),
        ("hyp", 5.0),
        ("cube", 3.0),
        ("imul", -5.0),
        ("clz", 31.0),
        ("tanh_inf", 1.0),
        ("asin1", pi / 2.0),
        ("log2_8", 3.0),
        ("log10_1000", 3.0),
        ("exp2_10", 1024.0),
        ("pow_nan", 1.0),
        ("f32_arg", std::f64::consts::FRAC_PI_3),
    ];
    for (func, want) in cases {
        let got = f64_of(&wasm, func);
        assert_eq!(got.to_bits(), want.to_bits(), "{func}: {got} != {want}");
    }
    assert!(f64_of(&wasm, "log_neg").is_nan());
}

/// Export names of a module, and its import count.
fn shape(wasm: &[u8]) -> (Vec<String>, usize) {
    let module = Module::new(&Engine::default(), wasm).expect("valid");
    let exports = module.exports().map(|e| e.name().to_string()).collect();
    let imports = module.imports().len();
    (exports, imports)
}

#[test]
fn math_needs_no_imports_and_no_heap() {
    for src in [
        "export function f(x: f64): f64 { return Math.sin(x) + Math.pow(x, 3.5); }",
        "export function f(x: f64): f64 { return Math.round(x) + Math.atan(x); }",
        "export function f(x: f64): f64 { return x ** 1.5; }",
    ] {
        let wasm = compile(src);
        let (exports, imports) = shape(&wasm);
        assert_eq!(imports, 0, "{src}");
        assert_eq!(exports, vec!["f".to_string()], "{src}: no memory, no ABI exports");
    }
    // Only what is used is emitted: atan needs no table, exp does.
    let atan = compile("export function f(x: f64): f64 { return Math.atan(x); }");
    let exp = compile("export function f(x: f64): f64 { return Math.exp(x); }");
    let pow = compile("export function f(x: f64): f64 { return Math.pow(x, x); }");
    assert!(atan.len() < 2_000, "atan: {} bytes", atan.len());
    assert!(exp.len() > 2_048 && exp.len() < 4_000, "exp: {} bytes", exp.len());
    assert!(pow.len() > exp.len() + 4_096, "pow: {} bytes", pow.len());
}

#[test]
fn math_tables_and_strings_share_the_static_data() {
    let src = r#"
export function f(): i32 {
    let s = "x=" + "y";
    let e = Math.exp(1.0) + Math.log(2.0) + Math.sin(1e300);
    return s.length + (e > 2.5 && e < 2.6 ? 100 : 0);
}
export function g(s: string): f64 { return Math.pow(s.length as f64, 0.25) + Math.log2(3); }
"#;
    let wasm = compile(src);
    assert_eq!(show(&call(&wasm, "f", &[])), "i32:103");
    let (exports, _) = shape(&wasm);
    assert!(exports.contains(&"memory".to_string()));
}

#[test]
fn binaryen_keeps_every_math_result() {
    for src in [
        include_str!("corpus/math_musl.ts"),
        include_str!("corpus/mathf_musl.ts"),
    ] {
        let plain = compile(src);
        let r = Generator::new()
            .generate_from_typescript(src, &GeneratorOptions::optimized(OptimizationLevel::Speed));
        assert!(r.success, "{:?}", r.errors);
        let optimized = r.wasm.expect("a module");
        let (exports, _) = shape(&plain);
        assert!(exports.len() > 30);
        for func in exports {
            assert_eq!(
                show(&call(&plain, &func, &[])),
                show(&call(&optimized, &func, &[])),
                "{func}"
            );
        }
    }
}

#[test]
fn mathf_is_f32_throughout() {
    let src = r#"
export function sin0(): f32 { return Mathf.sin(0); }
export function pow210(): f32 { return Mathf.pow(2, 10); }
export function op(): f32 { let a: f32 = 9; let b: f32 = 0.5; return a ** b; }
export function pi(): f32 { return Mathf.PI; }
export function cube(): f32 { return Mathf.cbrt(27); }
export function hyp(): f32 { return Mathf.hypot(3, 4); }
export function smallest(): f32 { return Mathf.min(2, Mathf.abs(-1.5)); }
"#;
    let wasm = compile(src);
    let cases: &[(&str, f32)] = &[
        ("sin0", 0.0),
        ("pow210", 1024.0),
        ("op", 3.0),
        ("pi", std::f32::consts::PI),
        ("cube", 3.0),
        ("hyp", 5.0),
        ("smallest", 1.5),
    ];
    for (func, want) in cases {
        match call(&wasm, func, &[]) {
            Ok(Val::F32(b)) => assert_eq!(b, want.to_bits(), "{func}: {} != {want}", f32::from_bits(b)),
            other => panic!("{func}: {}", show(&other)),
        }
    }
    let wasm = compile("export function f(x: f32): f32 { return Mathf.exp(x) + Mathf.sin(x); }");
    assert_eq!(shape(&wasm), (vec!["f".to_string()], 0));
}

#[test]
fn strings_compare_by_code_units() {
    let src = r#"
function order(a: string, b: string): i32 {
    return (a < b ? 1 : 0) + (a <= b ? 2 : 0) + (a > b ? 4 : 0) + (a >= b ? 8 : 0);
}
export function f(): i64 {
    let r: i64 = 0;
    r = r * 16 + order("a", "b");
    r = r * 16 + order("b", "a");
    r = r * 16 + order("ab", "ab");
    r = r * 16 + order("ab", "abc");
    r = r * 16 + order("", "a");
    r = r * 16 + order("a", "");
    r = r * 16 + order("", "");
    r = r * 16 + order("Z", "a");
    r = r * 16 + order("\u00e9", "z");
    r = r * 16 + order("\uD83D\uDE00", "\uFFFF");
    return r;
}
"#;
    let wasm = compile(src);
    // < <=: 3; > >=: 12; equal: 10. U+1F600's high surrogate is below U+FFFF.
    let want: i64 = [3, 12, 10, 3, 3, 12, 10, 3, 12, 3]
        .iter()
        .fold(0, |r, v| r * 16 + v);
    assert_eq!(show(&call(&wasm, "f", &[])), format!("i64:{want}"));
}

#[test]
fn typed_builtins_reinterpret_and_count() {
    let src = r#"
export function bits(): i64 { return i64.reinterpret_f64(1.0); }
export function back(): f64 { return f64.reinterpret_i64(0x4000000000000000); }
export function clz(x: i32): i32 { return i32.clz(x); }
export function sign(): f64 { return f64.copysign(3, -0.0); }
export function near(): f64 { return f64.nearest(2.5); }
export function fbits(): i32 { return i32.reinterpret_f32(1.0); }
export function generic_bits(): u64 { return reinterpret<u64>(-1.0); }
export function generic_back(): f64 { return reinterpret<f64>(0x3FF0000000000000); }
export function generic_clz(): u32 { return clz<u32>(0xFFFF) + popcnt<u32>(0xFF); }
export function generic_sign(): f32 { return copysign<f32>(2, -1); }
export function compare(a: i32, b: i32): bool { return a < b; }
"#;
    let wasm = compile(src);
    assert_eq!(show(&call(&wasm, "bits", &[])), "i64:4607182418800017408");
    assert_eq!(f64_of(&wasm, "back"), 2.0);
    assert_eq!(show(&call(&wasm, "clz", &[Val::I32(1)])), "i32:31");
    assert_eq!(f64_of(&wasm, "sign"), -3.0);
    assert_eq!(f64_of(&wasm, "near"), 2.0);
    assert_eq!(show(&call(&wasm, "fbits", &[])), "i32:1065353216");
    assert_eq!(
        show(&call(&wasm, "generic_bits", &[])),
        "i64:-4616189618054758400"
    );
    assert_eq!(f64_of(&wasm, "generic_back"), 1.0);
    assert_eq!(show(&call(&wasm, "generic_clz", &[])), "i32:24");
    assert_eq!(show(&call(&wasm, "generic_sign", &[])), "f32:-2");
    assert_eq!(
        show(&call(&wasm, "compare", &[Val::I32(1), Val::I32(2)])),
        "i32:1"
    );
}

/// SplitMix64 as the generated code computes it: the next state and the
/// mixed output.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `Math.random` and `Mathf.random` draw from one SplitMix64 state in the
/// module (no imports): the f64 from the top 53 bits of each output, the
/// f32 from the top 24; `__seed` resets the state for both; values stay in
/// [0, 1). Checked draw by draw against the generator computed here, with
/// and without Binaryen.
#[test]
fn math_and_mathf_random_share_one_seedable_generator() {
    let src = r#"
export function next64(): f64 { return Math.random(); }
export function next32(): f32 { return Mathf.random(); }
export function outside(n: i32): i32 {
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const x = Mathf.random();
    const y = Math.random();
    if (!(x >= 0 && x < 1)) bad++;
    if (!(y >= 0 && y < 1)) bad++;
  }
  return bad;
}
"#;
    let optimized = {
        let options = GeneratorOptions::optimized(OptimizationLevel::Speed);
        let r = Generator::new().generate_from_typescript(src, &options);
        assert!(r.success, "{:?}", r.errors);
        r.wasm.expect("a module")
    };
    for wasm in [compile(src), optimized] {
        let engine = Engine::default();
        let module = Module::new(&engine, &wasm).expect("valid");
        assert_eq!(module.imports().count(), 0, "the generator needs no imports");
        let mut store = wasmtime::Store::new(&engine, ());
        let instance = wasmtime::Instance::new(&mut store, &module, &[]).expect("instantiates");
        let next64 = instance
            .get_typed_func::<(), f64>(&mut store, "next64")
            .expect("next64");
        let next32 = instance
            .get_typed_func::<(), f32>(&mut store, "next32")
            .expect("next32");
        let seed = instance
            .get_typed_func::<i64, ()>(&mut store, "__seed")
            .expect("the seed export");
        let outside = instance
            .get_typed_func::<i32, i32>(&mut store, "outside")
            .expect("outside");

        // Without a seed: the default state, the same in every instance.
        let mut state = echelon::generator::ts::codegen::RANDOM_DEFAULT_SEED as u64;
        let f64_of = |z: u64| (z >> 11) as f64 / (1u64 << 53) as f64;
        let f32_of = |z: u64| (z >> 40) as f32 / (1u32 << 24) as f32;
        assert_eq!(next64.call(&mut store, ()).unwrap(), f64_of(splitmix(&mut state)));
        assert_eq!(next32.call(&mut store, ()).unwrap(), f32_of(splitmix(&mut state)));

        for s in [0_i64, 1, 42, -1, i64::MIN, 0x1234_5678_9ABC_DEF0] {
            seed.call(&mut store, s).unwrap();
            let mut state = s as u64;
            // An irregular interleaving: each draw advances the one state.
            for i in 0..300_u32 {
                if i % 3 == 1 || i % 7 == 0 {
                    let got = next32.call(&mut store, ()).unwrap();
                    assert_eq!(
                        got.to_bits(),
                        f32_of(splitmix(&mut state)).to_bits(),
                        "seed {s}, draw {i}"
                    );
                    assert!((0.0..1.0).contains(&got));
                } else {
                    let got = next64.call(&mut store, ()).unwrap();
                    assert_eq!(
                        got.to_bits(),
                        f64_of(splitmix(&mut state)).to_bits(),
                        "seed {s}, draw {i}"
                    );
                    assert!((0.0..1.0).contains(&got));
                }
            }
        }
        // The same seed gives the same value to both, the f32 rounded down.
        seed.call(&mut store, 7).unwrap();
        let a = next64.call(&mut store, ()).unwrap();
        seed.call(&mut store, 7).unwrap();
        let b = next32.call(&mut store, ()).unwrap();
        assert_eq!(f64::from(b), (a * 16_777_216.0).floor() / 16_777_216.0);
        assert_ne!(f64::from(b), a, "53 bits against 24");
        assert_eq!(outside.call(&mut store, 100_000).unwrap(), 0);
    }
}
