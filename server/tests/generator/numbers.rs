//! Floats to strings (`x.toString()`, `${x}`) against AssemblyScript 0.28's
//! `dtoa`: the same program compiled by both compilers, every value
//! formatted by both, the strings compared. asc as in `asc_parity`.

use std::process::Command;

use wasmtime::{Engine, Instance, Linker, Module, Store, Val};

use crate::guest::{Arg, Guest};
use crate::harness::{compile, compile_optimized};

const SOURCE: &str = r#"
export function fmt(x: f64): string { return x.toString(); }
export function fmt_template(x: f64): string { return `${x}`; }
export function fmt32(x: f32): string { return x.toString(); }
"#;

/// asc's module, and a reader of the strings its exports return (a
/// pointer to UTF-16 units whose byte length is in the word before).
struct Asc {
    store: Store<()>,
    instance: Instance,
}

impl Asc {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let input = dir.path().join("numbers.ts");
        let output = dir.path().join("numbers.wasm");
        std::fs::write(&input, SOURCE).expect("write source");
        let out = Command::new(echelon_tests::asc())
            .arg(&input)
            .arg("-o")
            .arg(&output)
            .args(["-O3", "--runtime", "stub"])
            .output()
            .expect("asc starts (node is needed)");
        assert!(
            out.status.success(),
            "asc: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let wasm = std::fs::read(output).expect("asc output");
        let engine = Engine::default();
        let module = Module::new(&engine, &wasm).expect("valid");
        let mut linker: Linker<()> = Linker::new(&engine);
        linker.define_unknown_imports_as_traps(&module).expect("traps");
        let mut store = Store::new(&engine, ());
        let instance = linker.instantiate(&mut store, &module).expect("instantiates");
        Asc { store, instance }
    }

    fn call(&mut self, func: &str, arg: Val) -> String {
        let f = self.instance.get_func(&mut self.store, func).expect("export");
        let mut out = [Val::I32(0)];
        f.call(&mut self.store, &[arg], &mut out).expect("runs");
        let ptr = out[0].unwrap_i32() as usize;
        let memory = self
            .instance
            .get_memory(&mut self.store, "memory")
            .expect("memory");
        let data = memory.data(&self.store);
        let bytes = u32::from_le_bytes(data[ptr - 4..ptr].try_into().expect("4 bytes")) as usize;
        let units: Vec<u16> = data[ptr..ptr + bytes]
            .chunks(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).expect("valid UTF-16")
    }
}

/// Values that exercise every branch of the formatting: integers,
/// fractions, powers of ten around the notation switches, extremes,
/// subnormals, infinities, NaN, zeros, then pseudo-random bit patterns.
fn values() -> Vec<f64> {
    let mut v = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        2.0,
        10.0,
        100.0,
        123.0,
        1234567.0,
        0.5,
        0.1,
        0.2,
        0.3,
        0.1 + 0.2,
        1.5,
        -2.75,
        std::f64::consts::PI,
        std::f64::consts::E,
        1.0 / 3.0,
        2.0 / 3.0,
        1e21,
        1e20,
        1e22,
        9.99e20,
        123456789012345680000.0,
        1e-6,
        1e-7,
        1.5e-7,
        0.000001234,
        1.234e-5,
        5e-324,
        -5e-324,
        2.2250738585072014e-308,
        2.225073858507201e-308,
        1.7976931348623157e308,
        -1.7976931348623157e308,
        4.940_656_458_412e-320,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        9007199254740991.0,
        9007199254740992.0,
        4294967295.0,
        4294967296.0,
        1e100,
        1e-100,
        123e-20,
        0.001,
        100.5,
        1e15,
        1e16,
        1e17,
        0.1e-5,
        5e-7,
        1.7976931348623157e300,
    ];
    for e in -30..=30 {
        v.push(10f64.powi(e));
        v.push(-1.5 * 10f64.powi(e));
        v.push(7.0 * 10f64.powi(e) / 3.0);
    }
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..1500 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.push(f64::from_bits(x));
        // Subnormals and values near 1 too.
        v.push(f64::from_bits(x >> 12));
        v.push(f64::from_bits((x >> 12) | 0x3FF0_0000_0000_0000));
    }
    v
}

/// JavaScript's `Number.prototype.toString` of the shortest digits that
/// read back as `x` (Rust's `{:e}` finds them), with AssemblyScript's ".0"
/// after integral values.
fn javascript(digits_exp: &str) -> String {
    let (negative, rest) = match digits_exp.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, digits_exp),
    };
    let (mantissa, exp) = rest.split_once('e').expect("`{:e}` has an exponent");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    let n = exp.parse::<i32>().expect("an exponent") + 1;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}.0", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let sign = if n - 1 < 0 { '-' } else { '+' };
        let e = (n - 1).abs();
        if k == 1 {
            format!("{digits}e{sign}{e}")
        } else {
            format!("{}.{}e{sign}{e}", &digits[..1], &digits[1..])
        }
    };
    if negative {
        format!("-{body}")
    } else {
        body
    }
}

fn expected64(x: f64) -> String {
    if x == 0.0 {
        "0.0".to_string()
    } else if x.is_nan() {
        "NaN".to_string()
    } else if x.is_infinite() {
        if x < 0.0 { "-Infinity" } else { "Infinity" }.to_string()
    } else {
        javascript(&format!("{x:e}"))
    }
}

fn expected32(y: f32) -> String {
    if y.is_finite() && y != 0.0 {
        javascript(&format!("{y:e}"))
    } else {
        expected64(f64::from(y))
    }
}

/// Grisu2 (AssemblyScript's algorithm) finds the shortest digits for
/// nearly every value but not all: for a few it prints one or more digits
/// too many (1e23 as 9.999999999999999e+22, as in AssemblyScript). Every
/// output must read back as the same value; the others must be exactly
/// JavaScript's output, and the misses stay rare.
#[test]
fn floats_print_their_shortest_digits_in_javascript_notation() {
    let values = values();
    let mut asc = Asc::new();
    for (level, wasm) in [("none", compile(SOURCE)), ("speed", compile_optimized(SOURCE))] {
        let mut ours = Guest::new(&wasm);
        let mut wrong = Vec::new();
        let mut longer = Vec::new();
        let mut asc_differs = 0;
        let mut checked = 0;
        for &x in &values {
            let want = expected64(x);
            for func in ["fmt", "fmt_template"] {
                checked += 1;
                let mine = ours
                    .call_str(func, &[Arg::Val(Val::F64(x.to_bits()))])
                    .expect("formats");
                if mine != want {
                    let back = mine.parse::<f64>().map(f64::to_bits);
                    if back == Ok(x.to_bits()) {
                        longer.push(format!("{func}: {mine} for {want}"));
                    } else {
                        wrong.push(format!(
                            "{func}({x:e} = {:#x}): ours {mine}, expected {want}",
                            x.to_bits()
                        ));
                    }
                }
            }
            if asc.call("fmt", Val::F64(x.to_bits())) != want {
                asc_differs += 1;
            }
            let y = x as f32;
            let want = expected32(y);
            checked += 1;
            let mine = ours
                .call_str("fmt32", &[Arg::Val(Val::F32(y.to_bits()))])
                .expect("formats");
            if mine != want {
                if mine.parse::<f32>().map(f32::to_bits) == Ok(y.to_bits()) {
                    longer.push(format!("fmt32: {mine} for {want}"));
                } else {
                    wrong.push(format!(
                        "fmt32({y:e} = {:#x}): ours {mine}, expected {want}",
                        y.to_bits()
                    ));
                }
            }
            if asc.call("fmt32", Val::F32(y.to_bits())) != want {
                asc_differs += 1;
            }
        }
        eprintln!(
            "{level}: {checked} conversions; not the shortest digits: ours {} ({}), asc {asc_differs}",
            longer.len(),
            longer.join(", ")
        );
        assert!(
            wrong.is_empty(),
            "{level}: {} of {checked} conversions do not read back:\n{}",
            wrong.len(),
            wrong[..wrong.len().min(20)].join("\n")
        );
        assert!(
            longer.len() * 1000 <= checked,
            "{level}: too many non-shortest outputs: {longer:?}"
        );
    }
}

#[test]
fn common_values_print_as_in_javascript_with_assemblyscripts_integral_suffix() {
    let mut g = Guest::new(&compile(SOURCE));
    for (x, s) in [
        (0.1 + 0.2, "0.30000000000000004"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (123.456, "123.456"),
        (0.000001, "0.000001"),
        (f64::NAN, "NaN"),
        (f64::NEG_INFINITY, "-Infinity"),
        (-0.0, "0.0"),
        (42.0, "42.0"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
    ] {
        assert_eq!(
            g.call_str("fmt", &[Arg::Val(Val::F64(f64::to_bits(x)))]).unwrap(),
            s
        );
    }
}
