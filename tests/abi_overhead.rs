//! Call overhead of guest-ABI exports, for BENCHMARKS.md: the same calls
//! timed on one or more builds of the shared guest module, side by side
//! (e.g. the hand-written glue before the SDK and `#[export]` after).
//!
//! ```sh
//! cargo run --release -p echelon-tests --bin abi-overhead -- OLD.wasm NEW.wasm
//! ```
//!
//! Each call goes through the ABI as a host does it (arguments written
//! through `echelon_alloc`, the packed result read and freed), with plain
//! wasmtime so that nothing else is measured. The modules are measured in
//! turn, five rounds; each figure is the best round's median of 7 runs, in
//! nanoseconds per call (the best round filters out a busy machine).

use std::time::Instant;

use echelon_tests::{Arg, Guest};
use wasmtime::Engine;

fn time(mut f: impl FnMut(), calls: u32) -> f64 {
    let mut runs: Vec<f64> = (0..7)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..calls {
                f();
            }
            t.elapsed().as_nanos() as f64 / f64::from(calls)
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    runs[3]
}

fn main() -> anyhow::Result<()> {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        anyhow::bail!("usage: abi-overhead MODULE.wasm [MODULE.wasm ...]");
    }
    let engine = Engine::default();
    let user = br#"{"email":"ada@example.com","age":36}"#;
    let kib: Vec<u8> = (0..1024u32).map(|i| (i * 7) as u8).collect();
    println!(
        "{:<44} {:>14} {:>14} {:>14} {:>10}",
        "module", "validate_user", "sha256 1 KiB", "fibonacci(50)", "bytes"
    );
    for path in &paths {
        let wasm = std::fs::read(path)?;
        let mut g = Guest::new(&engine, &wasm)?;
        let v = time(
            || drop(g.call_bytes("validate_user", &[Arg::Bytes(user)]).expect("call")),
            20_000,
        );
        let s = time(
            || drop(g.call_bytes("sha256", &[Arg::Bytes(&kib)]).expect("call")),
            20_000,
        );
        let f = time(
            || {
                let _: i64 = g.typed("fibonacci", 50i32).expect("call");
            },
            200_000,
        );
        println!(
            "{path:<44} {v:>11.0} ns {s:>11.0} ns {f:>11.0} ns {:>10}",
            wasm.len()
        );
    }
    Ok(())
}
