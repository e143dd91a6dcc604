//! The collector inside a call: one call that allocates without bound keeps
//! memory flat, while everything it still refers to survives (the answers
//! are also compared with AssemblyScript's in `corpus/gc.ts`).

use wasmtime::Val;

use crate::guest::{Arg, Guest};
use crate::harness::compile;

const CHURN: &str = r#"
class Box { label: string; constructor(label: string) { this.label = label; } }
let kept: string[] = [];
function piece(i: i32): string { return `${i % 1000}`; }
// `n` temporary strings (and as many objects), one call.
export function churn(n: i32): i32 {
    let first = "first-" + piece(7);
    let b = new Box(first + "!");
    let total = 0;
    for (let i = 0; i < n; i++) {
        let t = piece(i) + first;
        let o = new Box(t);
        total += o.label.length;
        if (i % 100000 == 0) kept.push(t);
    }
    return total + b.label.length * 1000000 + kept.length;
}
export function kept_hash(): i32 {
    let h = 0;
    for (let i = 0; i < kept.length; i++) {
        for (let k = 0; k < kept[i].length; k++) h = h * 31 + kept[i].charCodeAt(k);
    }
    return h;
}
"#;

fn expected_total(n: i64) -> i64 {
    (0..n).map(|i| (i % 1000).to_string().len() as i64 + 7).sum()
}

#[test]
fn one_call_allocating_a_million_strings_keeps_memory_flat() {
    for level in ["none", "speed"] {
        let wasm = match level {
            "none" => compile(CHURN),
            _ => crate::harness::compile_optimized(CHURN),
        };
        let mut g = Guest::new(&wasm);
        let r = g.call_int("churn", &[Arg::Val(Val::I32(10_000))]).unwrap();
        assert_eq!(r, expected_total(10_000) + 8 * 1_000_000 + 1, "{level}");
        let after_small = g.memory_size();
        let r = g.call_int("churn", &[Arg::Val(Val::I32(1_000_000))]).unwrap();
        assert_eq!(r, expected_total(1_000_000) + 8 * 1_000_000 + 11, "{level}");
        let after_large = g.memory_size();
        // Without collection inside the call, 10^6 strings and objects of
        // 32 bytes or more each would take over 64 MiB.
        assert!(
            after_large <= after_small + 65_536 && after_large <= 1 << 20,
            "{level}: memory grew from {after_small} to {after_large} bytes in one call"
        );
        let mut h: i32 = 0;
        // One string kept by the first call, ten by the second.
        for t in std::iter::repeat_n("0first-7", 11) {
            for c in t.encode_utf16() {
                h = h.wrapping_mul(31).wrapping_add(i32::from(c));
            }
        }
        assert_eq!(g.call_int("kept_hash", &[]).unwrap(), i64::from(h), "{level}");
    }
}
