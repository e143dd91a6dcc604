//! Small and unsigned integers (AssemblyScript's wrapping), `switch` and
//! `**`, run in wasmtime. Expected values are AssemblyScript's (computed by
//! hand here; the asc parity corpus checks them against asc itself).

use wasmtime::Val;

use crate::harness::{call, compile, show};

fn run(src: &str, func: &str, args: &[Val]) -> String {
    show(&call(&compile(src), func, args))
}

#[test]
fn small_integers_wrap_on_every_operation() {
    let cases: &[(&str, &str)] = &[
        (
            "export function f(): u8 { let x: u8 = 250; x += 10; return x; }",
            "i32:4",
        ),
        (
            "export function f(): i8 { let x: i8 = 127; x++; return x; }",
            "i32:-128",
        ),
        (
            "export function f(): i16 { let x: i16 = -32768; x--; return x; }",
            "i32:32767",
        ),
        (
            "export function f(): u16 { let x: u16 = 0; x = x - 1; return x; }",
            "i32:65535",
        ),
        (
            "export function f(): u8 { let a: u8 = 200; let b: u8 = 100; return a * b; }",
            "i32:32",
        ),
        (
            "export function f(): i8 { let a: i8 = -128; return -a; }",
            "i32:-128",
        ),
        ("export function f(): u8 { let a: u8 = 5; return ~a; }", "i32:250"),
        (
            "export function f(): u8 { let a: u8 = 0x81; return a << 1; }",
            "i32:2",
        ),
        (
            "export function f(): i32 { let a: u8 = 255; let b: i32 = a; return b + 1; }",
            "i32:256",
        ),
        (
            "export function f(): i32 { return (300 as u8) as i32; }",
            "i32:44",
        ),
        (
            "export function f(): i32 { return (-1 as u8) as i32; }",
            "i32:255",
        ),
        (
            "export function f(): i32 { return (200 as i8) as i32; }",
            "i32:-56",
        ),
        (
            "export function f(): i32 { let x: f64 = 300.7; return (x as u8) as i32; }",
            "i32:44",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(run(src, "f", &[]), *want, "{src}");
    }
}

#[test]
fn unsigned_types_divide_compare_and_shift_without_sign() {
    let cases: &[(&str, &str)] = &[
        (
            "export function f(): u32 { let x: u32 = 0xFFFFFFFF; return x / 2; }",
            "i32:2147483647",
        ),
        (
            "export function f(): bool { let x: u32 = 0xFFFFFFFF; return x > 1; }",
            "i32:1",
        ),
        (
            "export function f(): u32 { let x: u32 = 0x80000000; return x >> 31; }",
            "i32:1",
        ),
        (
            "export function f(): i32 { let x: i32 = -8; return x >> 1; }",
            "i32:-4",
        ),
        (
            "export function f(): u64 { let x: u64 = 0xFFFFFFFFFFFFFFFF; return x % 10; }",
            "i64:5",
        ),
        (
            "export function f(): f64 { let x: u32 = 0xFFFFFFFF; return x; }",
            "f64:4294967295",
        ),
        (
            "export function f(): f64 { let x: u64 = 0xFFFFFFFFFFFFFFFF; return x as f64; }",
            "f64:18446744073709552000",
        ),
        (
            "export function f(): usize { let x: usize = 7; let y: isize = -1; return x + (y as usize); }",
            "i32:6",
        ),
        (
            "export function f(): u64 { let a: u32 = 0xFFFFFFFF; let b: u64 = a; return b + 1; }",
            "i64:4294967296",
        ),
        (
            "export function f(): i64 { let a: i32 = -1; let b: i64 = a; return b; }",
            "i64:-1",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(run(src, "f", &[]), *want, "{src}");
    }
}

#[test]
fn switch_falls_through_and_breaks() {
    let src = "export function f(x: i32): i32 {
        let r = 0;
        switch (x) {
            case 1: r += 1;
            case 2: r += 10; break;
            case 3: { r = 3; break; }
            default: r = -1;
            case 4: r += 100;
        }
        return r;
    }";
    let wasm = compile(src);
    for (x, want) in [(1, 11), (2, 10), (3, 3), (4, 100), (9, 99)] {
        assert_eq!(
            show(&call(&wasm, "f", &[Val::I32(x)])),
            format!("i32:{want}"),
            "x = {x}"
        );
    }
    let returns = "export function g(x: i32): i32 {
        for (let i = 0; i < 10; i++) {
            switch (i) { case 5: continue; case 7: return i * x; default: }
        }
        switch (x) { case 0: return 0; default: return -x; }
    }";
    let wasm = compile(returns);
    assert_eq!(show(&call(&wasm, "g", &[Val::I32(3)])), "i32:21");
}

#[test]
fn integer_power_wraps_as_assemblyscript_ipow() {
    let cases: &[(&str, &str)] = &[
        ("export function f(): i32 { return 3 ** 4; }", "i32:81"),
        ("export function f(): i32 { return 2 ** 31; }", "i32:-2147483648"),
        ("export function f(): i32 { return 2 ** 32; }", "i32:0"),
        ("export function f(): i32 { return 2 ** -1; }", "i32:0"),
        ("export function f(): i32 { return 1 ** -5; }", "i32:1"),
        ("export function f(): i32 { return (-1) ** -3; }", "i32:-1"),
        ("export function f(): i32 { return 2 ** 3 ** 2; }", "i32:512"),
        (
            "export function f(): i64 { let b: i64 = 3; return b ** 40; }",
            "i64:-6289078614652622815",
        ),
        (
            "export function f(): u8 { let b: u8 = 2; return b ** 9; }",
            "i32:0",
        ),
        (
            "export function f(): i32 { let x = 5; x **= 2; return x; }",
            "i32:25",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(run(src, "f", &[]), *want, "{src}");
    }
}
