//! Every compiler stage is linear in the input: a program with 200,000
//! module globals and 5,000 functions compiles (it took over 15 s in the
//! type checker alone when globals were resolved in quadratic time). The
//! time is printed, not asserted (`--nocapture` shows it).

use std::fmt::Write as _;
use std::time::Instant;

use crate::harness::{call, compile, show};

#[test]
fn two_hundred_thousand_globals_and_five_thousand_functions_compile() {
    let globals = 200_000;
    let functions = 5_000;
    let mut src = String::with_capacity(globals * 24 + functions * 120);
    src.push_str("let g0: i32 = 1;\n");
    for i in 1..globals {
        // Every tenth initializer is computed (it runs in the start function).
        if i % 10 == 0 {
            writeln!(src, "let g{i} = g{} + 1;", i - 1).expect("writing to a String");
        } else {
            writeln!(src, "let g{i}: i32 = {i};").expect("writing to a String");
        }
    }
    for f in 0..functions {
        let g = f * (globals / functions);
        let next = if f + 1 < functions {
            format!("f{}(x - 1)", f + 1)
        } else {
            "0".to_string()
        };
        writeln!(
            src,
            "export function f{f}(x: i32): i32 {{ if (x <= 0) return g{g}; g{g} += 1; return {next}; }}"
        )
        .expect("writing to a String");
    }
    let started = Instant::now();
    let wasm = compile(&src);
    eprintln!(
        "compiled {} lines ({} KiB) in {:?}",
        globals + functions,
        src.len() / 1024,
        started.elapsed()
    );
    // g10 = g9 + 1 = 10; f0(0) returns g0.
    assert_eq!(show(&call(&wasm, "f0", &[wasmtime::Val::I32(0)])), "i32:1");
    assert_eq!(show(&call(&wasm, "f1", &[wasmtime::Val::I32(0)])), "i32:40");
}
