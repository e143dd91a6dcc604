//! One small program per language feature or edge, with its expected result.

use wasmtime::Val;

use crate::harness::{call, compile, show};

struct Case {
    name: &'static str,
    src: &'static str,
    args: Vec<Val>,
    /// `show` of the expected outcome: `i32:5`, `f64:2.5`, `trap`, ...
    expect: &'static str,
}

fn case(name: &'static str, src: &'static str, args: Vec<Val>, expect: &'static str) -> Case {
    Case {
        name,
        src,
        args,
        expect,
    }
}

fn i(v: i32) -> Val {
    Val::I32(v)
}

fn l(v: i64) -> Val {
    Val::I64(v)
}

fn d(v: f64) -> Val {
    Val::F64(v.to_bits())
}

/// Every case exports `main`.
fn cases() -> Vec<Case> {
    vec![
        case("add", "export function main(a: i32, b: i32): i32 { return a + b; }", vec![i(2), i(3)], "i32:5"),
        case("i32 overflow wraps", "export function main(a: i32): i32 { return a + 1; }", vec![i(i32::MAX)], "i32:-2147483648"),
        case("i32 multiply wraps", "export function main(a: i32): i32 { return a * a; }", vec![i(65536)], "i32:0"),
        case("i64 overflow wraps", "export function main(a: i64): i64 { return a + 1; }", vec![l(i64::MAX)], "i64:-9223372036854775808"),
        case("division by zero traps", "export function main(a: i32, b: i32): i32 { return a / b; }", vec![i(1), i(0)], "trap"),
        case("remainder by zero traps", "export function main(a: i64, b: i64): i64 { return a % b; }", vec![l(1), l(0)], "trap"),
        case("MIN / -1 traps", "export function main(a: i32): i32 { return a / -1; }", vec![i(i32::MIN)], "trap"),
        case("division truncates toward zero", "export function main(a: i32): i32 { return a / 2 * 10 + a % 2; }", vec![i(-7)], "i32:-31"),
        case("float division by zero is infinity", "export function main(a: f64): f64 { return a / 0; }", vec![d(1.0)], "f64:inf"),
        case(
            "shadowing in an inner block",
            "export function main(): i32 { let x = 1; { let x = 2; x = x + 10; } return x; }",
            vec![],
            "i32:1",
        ),
        case(
            "shadowing a parameter in a loop body",
            "export function main(n: i32): i32 { let s = 0; for (let i = 0; i < 3; i++) { let n = i * 2; s += n; } return s + n; }",
            vec![i(100)],
            "i32:106",
        ),
        case(
            "nested loops with labelled break",
            "export function main(): i32 {
               let count = 0;
               outer: for (let i = 0; i < 10; i++) {
                 for (let j = 0; j < 10; j++) {
                   if (i * j > 6) break outer;
                   count++;
                 }
               }
               return count;
             }",
            vec![],
            "i32:17",
        ),
        case(
            "labelled continue",
            "export function main(): i32 {
               let count = 0;
               outer: for (let i = 0; i < 4; i++) {
                 let j = 0;
                 while (true) { j++; if (j > i) continue outer; count += 10; }
               }
               return count;
             }",
            vec![],
            "i32:60",
        ),
        case("negative float to i32 truncates", "export function main(x: f64): i32 { return x as i32; }", vec![d(-3.7)], "i32:-3"),
        case("negative float to i64 truncates", "export function main(x: f64): i64 { return x as i64; }", vec![d(-1e10 - 0.5)], "i64:-10000000000"),
        case("NaN to i32 saturates to 0", "export function main(x: f64): i32 { return x as i32; }", vec![d(f64::NAN)], "i32:0"),
        case("huge float to i32 saturates", "export function main(): i32 { return 1e20 as i32; }", vec![], "i32:2147483647"),
        case(
            "NaN comparisons are false, != is true",
            "export function main(): i32 { const n = 0.0 / 0.0; return (n == n ? 1 : 0) + (n != n ? 10 : 0) + (n < 1 ? 100 : 0) + (n >= 1 ? 1000 : 0); }",
            vec![],
            "i32:10",
        ),
        case("NaN is falsy", "export function main(): i32 { const n = 0.0 / 0.0; if (n) return 1; return !n ? 2 : 3; }", vec![], "i32:2"),
        case(
            "&& short-circuits",
            "let calls: i32 = 0;
             function touch(): bool { calls++; return true; }
             export function main(): i32 { if (false && touch()) { return -1; } if (true || touch()) { return calls; } return -2; }",
            vec![],
            "i32:0",
        ),
        case("ternary", "export function main(x: i32): i32 { return x > 0 ? 1 : x < 0 ? -1 : 0; }", vec![i(-9)], "i32:-1"),
        case(
            "compound assignments",
            "export function main(): i32 { let x = 5; x += 3; x *= 4; x -= 2; x /= 3; x %= 7; x <<= 3; x >>= 1; x |= 1; x &= 13; x ^= 6; return x; }",
            vec![],
            "i32:11",
        ),
        case(
            "prefix and postfix ++/--",
            "export function main(): i32 { let a = 5; let b = a++; let c = ++a; let e = a--; --a; return b * 1000 + c * 100 + e * 10 + a; }",
            vec![],
            "i32:5775",
        ),
        case("while loop", "export function main(n: i32): i32 { let s = 0; let i = 1; while (i <= n) { s += i; i++; } return s; }", vec![i(100)], "i32:5050"),
        case("do/while runs once", "export function main(): i32 { let i = 10; do { i++; } while (i < 5); return i; }", vec![], "i32:11"),
        case(
            "continue in for runs the update",
            "export function main(): i32 { let s = 0; for (let i = 0; i < 10; i++) { if (i % 2 == 0) continue; s += i; } return s; }",
            vec![],
            "i32:25",
        ),
        case(
            "continue in do/while tests the condition",
            "export function main(): i32 { let i = 0; let n = 0; do { i++; if (i < 5) continue; n++; } while (i < 8); return n * 100 + i; }",
            vec![],
            "i32:408",
        ),
        case("recursion", "export function main(n: i32): i32 { if (n <= 1) return 1; return n * main(n - 1); }", vec![i(10)], "i32:3628800"),
        case(
            "mutual recursion, called before declared",
            "export function main(n: i32): bool { return isEven(n); }
             function isEven(n: i32): bool { if (n == 0) return true; return isOdd(n - 1); }
             function isOdd(n: i32): bool { if (n == 0) return false; return isEven(n - 1); }",
            vec![i(7)],
            "i32:0",
        ),
        case(
            "module globals keep state",
            "let counter: i32 = 0;
             function bump(): void { counter += 2; }
             export function main(): i32 { bump(); bump(); bump(); return counter; }",
            vec![],
            "i32:6",
        ),
        case(
            "global with a computed initializer",
            "const OFFSET = 2;
             const base = square(4) + OFFSET;
             function square(x: i32): i32 { return x * x; }
             export function main(): i32 { return base; }",
            vec![],
            "i32:18",
        ),
        case("i64 shifts", "export function main(): i64 { let one: i64 = 1; return one << 40; }", vec![], "i64:1099511627776"),
        case("i64 literal inference", "export function main(): i64 { const big = 9007199254740993; return big - 1; }", vec![], "i64:9007199254740992"),
        case("i32 widens to i64", "export function main(a: i32): i64 { let b: i64 = a; return b * 3; }", vec![i(-5)], "i64:-15"),
        case("f32 arithmetic", "export function main(): f32 { let x: f32 = 0.1; return x + x; }", vec![], "f32:0.2"),
        case("number is f64", "export function main(x: number): number { return x / 2; }", vec![d(5.0)], "f64:2.5"),
        case("literal takes the float context", "export function main(): f64 { let x: f64 = 1; return x / 4; }", vec![], "f64:0.25"),
        case("i32 widens to f64 in mixed arithmetic", "export function main(i: i32): f64 { return i * 0.5; }", vec![i(3)], "f64:1.5"),
        case(
            "bitwise operators",
            "export function main(a: i32, b: i32): i32 { return ((a & b) | (a ^ 3)) + ~b; }",
            vec![i(12), i(10)],
            "i32:4",
        ),
        case("signed and unsigned shifts", "export function main(a: i32): i32 { return (a >>> 28) * 100 + (a >> 30); }", vec![i(-16)], "i32:1499"),
        case("hex and binary literals", "export function main(): i32 { const all: i32 = 0xFFFFFFFF; return 0xFF + 0b101 + 0o7 + all; }", vec![], "i32:266"),
        case(
            "Math functions",
            "export function main(x: f64): f64 { return Math.sqrt(16) + Math.abs(x) + Math.floor(2.7) + Math.ceil(2.1) + Math.trunc(-2.7) + Math.min(x, 1) + Math.max(x, 1); }",
            vec![d(-4.0)],
            "f64:8",
        ),
        case("Math.min propagates NaN", "export function main(): bool { const m = Math.min(0.0 / 0.0, 1); return m != m; }", vec![], "i32:1"),
        case("Math.PI", "export function main(): f64 { return Math.floor(Math.PI * 1000); }", vec![], "f64:3141"),
        case("bool parameters and result", "export function main(a: bool, b: bool): bool { return a && !b; }", vec![i(1), i(0)], "i32:1"),
        case("numbers cast to bool", "export function main(): i32 { return (5 as bool ? 1 : 0) + (0.0 as bool ? 10 : 0) + ((-0.5 as bool) as i32) * 100; }", vec![], "i32:101"),
        case("precedence", "export function main(): i32 { return 1 + 2 * 3 - 8 / 4 % 3 << 1; }", vec![], "i32:10"),
        case("unary operators", "export function main(x: i32): i32 { return - -x + -(+x) + (!x ? 1 : 0); }", vec![i(7)], "i32:0"),
        case("assignment is an expression", "export function main(): i32 { let a = 0; let b = (a = 5) + 1; return a * 10 + b; }", vec![], "i32:56"),
        case("early return from a loop", "export function main(): i32 { for (let i = 0; ; i++) { if (i * i > 50) return i; } }", vec![], "i32:8"),
        case(
            "labelled block",
            "export function main(x: i32): i32 { let r = 0; check: { if (x > 0) break check; r = 1; } return r; }",
            vec![i(3)],
            "i32:0",
        ),
        case("f64 to f32 and back", "export function main(x: f64): f64 { return (x as f32) as f64; }", vec![d(0.1)], "f64:0.10000000149011612"),
        case("i64 remainder", "export function main(a: i64): i64 { return a % 1000000007; }", vec![l(-123_456_789_012)], "i64:-456788151"),
        case(
            "Math.random stays in [0, 1)",
            "export function main(): i32 { let ok = 0; for (let i = 0; i < 10000; i++) { const r = Math.random(); if (r >= 0 && r < 1) ok++; } return ok; }",
            vec![],
            "i32:10000",
        ),
        case("comments", "// line\n/* block\n comment */ export function main(): i32 { return /* inline */ 42; // trailing\n}", vec![], "i32:42"),
        case("integer literals divide as i32 (AssemblyScript)", "export function main(): f64 { const q = 5 / 2; const r: number = 5 / 2; return q + r; }", vec![], "f64:4.5"),
        case(
            "void conditional as a statement",
            "let hits: i32 = 0;
             function a(): void { hits += 1; }
             function b(): void { hits += 100; }
             export function main(x: i32): i32 { x > 0 ? a() : b(); x < 0 ? a() : b(); return hits; }",
            vec![i(1)],
            "i32:101",
        ),
        case("i64 comparisons are signed", "export function main(a: i64): bool { return a < 0; }", vec![l(-1)], "i32:1"),
        case("f32 stays f32 in Math", "export function main(x: f32): f32 { return Math.sqrt(x) + Math.max(x, 1); }", vec![Val::F32(4.0f32.to_bits())], "f32:6"),
        case(
            "tail recursion runs in constant stack",
            "function sum(n: i32, acc: i64): i64 { if (n == 0) return acc; return sum(n - 1, acc + (n as i64)); }
             export function main(): i64 { return sum(10000000, 0); }",
            vec![],
            "i64:50000005000000",
        ),
        case(
            "additive recursion runs in constant stack and wraps",
            "function tri(n: i32): i32 { if (n == 0) return 0; return n + tri(n - 1); }
             export function main(): i32 { return tri(1000000); }",
            vec![],
            "i32:1784293664",
        ),
        case(
            "multiplicative recursion",
            "function fact(n: i64): i64 { if (n <= 1) return 1; return n * fact(n - 1); }
             export function main(): i64 { return fact(20); }",
            vec![],
            "i64:2432902008176640000",
        ),
        case(
            "tail call arguments see the old parameters",
            "function swap(a: i32, b: i32, n: i32): i32 { if (n == 0) return a * 10 + b; return swap(b, a, n - 1); }
             export function main(): i32 { return swap(1, 2, 3); }",
            vec![],
            "i32:21",
        ),
        case(
            "tail call from inside a loop",
            "function gcd(a: i32, b: i32): i32 { while (true) { if (b == 0) return a; return gcd(b, a % b); } }
             export function main(): i32 { return gcd(1071, 462); }",
            vec![],
            "i32:21",
        ),
        case("exported global read by a function", "export const LIMIT: i64 = 10; export function main(): i64 { return LIMIT * LIMIT; }", vec![], "i64:100"),
    ]
}

#[test]
fn every_program_gives_its_expected_result() {
    let cases = cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let wasm = compile(c.src);
        let got = show(&call(&wasm, "main", &c.args));
        if got != c.expect {
            failures.push(format!("{}: expected {}, got {got}", c.name, c.expect));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every program behaves the same after each optimization level.
#[test]
fn every_program_survives_every_optimization_level() {
    use echelon::generator::{optimize, validate, OptimizationLevel};
    for c in cases() {
        let wasm = compile(c.src);
        let before = show(&call(&wasm, "main", &c.args));
        for level in [
            OptimizationLevel::None,
            OptimizationLevel::Size,
            OptimizationLevel::Speed,
            OptimizationLevel::Aggressive,
        ] {
            let o = optimize(&wasm, level).unwrap_or_else(|e| panic!("{} at {level:?}: {e}", c.name));
            assert!(validate(&o.wasm).valid, "{} at {level:?} is invalid", c.name);
            let after = show(&call(&o.wasm, "main", &c.args));
            assert_eq!(before, after, "{} changed behaviour at {level:?}", c.name);
        }
    }
}
