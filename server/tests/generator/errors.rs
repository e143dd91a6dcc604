//! Invalid programs: each must fail with a diagnostic at the expected place.

use echelon::generator::{Generator, GeneratorOptions};

/// `(source, needle, message fragment)`: the error must be at the first
/// occurrence of `needle` (1-based line:column) and mention the fragment.
const CASES: &[(&str, &str, &str)] = &[
    ("export function f(): i32 { return x; }", "x;", "cannot find name `x`"),
    ("export function f(): i32 {\n  let y: f64 = 1.5;\n  return y;\n}", "y;", "as i32"),
    ("export function f(): i32 {\n  if (true) { return 1; }\n} ", "} ", "every path"),
    ("export function f(a): i32 { return a; }", "a)", "needs a type annotation"),
    ("export function f(): string { return 1; }", "1;", "not assignable to `string`"),
    ("export function f(): i32 { return \"s\"; }", "\"s\"", "not assignable to `i32`"),
    ("export function f(): Foo { return 1; }", "Foo", "unknown type `Foo`"),
    ("export function f(): string { return \"a\" + 1; }", "+", "cannot combine `string` and `i32`"),
    ("export function f(): string { return \"a\" - \"b\"; }", "-", "other operators are not supported on strings"),
    ("export function f(s: string[]): i32 { return s.length; }", "f(", "passes an array"),
    ("export function f(): i32 { let a = [1, 2]; return a.shift(); }", "a.shift", "no method `shift`"),
    ("export function f(): i32 { let a = new Uint8Array(4); a.push(1); return 0; }", "a.push", "no method `push`"),
    ("export function f(): i32 { let a = []; return 0; }", "[]", "must be declared"),
    ("export function f(): i32 { let a = [1]; return a[0] = 2; }", "= 2", "cannot be used as a value"),
    ("export function f(): i32 { let a: i32[][] = []; return 0; }", "i32[][]", "arrays of `i32[]` are not supported"),
    ("export function f(x: i32): i32 { return x[0]; }", "x[0]", "cannot be indexed"),
    ("export function f(s: string): i32 { return s.size; }", "s.size", "not a property of strings"),
    ("export function f(x: i32): i32 { return x.length; }", "x.length", "has no properties"),
    ("export function f(s: string): string { return s.trim(); }", "s.trim", "no method `trim`"),
    ("export function f(): i32 { let a: i32[] = [1]; return `${a}`.length; }", "a}", "is not supported (numbers, bool and strings are)"),
    ("export function f(): string { return \"x\" + 1.5; }", "+ 1.5", "convert with `.toString()`"),
    ("export function f(): u8 { let x: u8 = 300; return x; }", "300", "not assignable to `u8`"),
    ("export function f(): i32 { let s = \"abc; return 0; }", "\"abc", "unterminated string"),
    ("export function f(): i32 { return `abc; }", "`abc", "unterminated template"),
    ("export function f(): i32 { return __heap_top; }", "__heap_top", "cannot find name"),
    ("export function f(): i32 { return __load32(0); }", "__load32", "cannot find function"),
    ("export function f(x: i32): i32 { switch (x) { default: return 1; default: return 2; } }", "default: return 2", "only one `default`"),
    ("export function f(x: i32): i32 { switch (x) { case \"a\": return 1; } return 0; }", "\"a\"", "cannot combine"),
    ("declare function g(): void;", "declare", "@external"),
    ("@external(\"echelon\", \"log\") function g(): void {}", "function", "`declare function`"),
    ("@deprecated function g(): void {}", "deprecated", "only decorator"),
    ("export function f(): i32 { return new Thing(); }", "Thing", "cannot find class `Thing`"),
    ("class P { x: i32; }\nexport function f(): i32 { let p = new P(); return p.y; }", "p.y", "no field `y`"),
    ("class P { x: i32; }\nexport function f(): i32 { let p = new P(); return p.m(); }", "p.m", "no method `m`"),
    ("class P { x; }", "x;", "needs a type annotation"),
    ("class P extends Q { }", "Q", "cannot find class `Q` to extend"),
    ("class P implements Q { }", "implements", "interfaces"),
    ("class A extends B { }\nclass B extends A { }", "A", "extends itself"),
    ("class A { x: i32 = 0; }\nclass B extends A { x: i32; }", "x: i32; }", "already declared by `A`"),
    ("class A { constructor(x: i32) {} }\nclass B extends A { constructor() { let y = 1; } }", "constructor() {", "must call `super(...)` first"),
    ("class A { constructor() { super(); } }", "super", "does not extend another class"),
    ("class A { m(): i32 { return 1; } }\nclass B extends A { m(): f64 { return 1; } }\nexport function f(): i32 { return new A().m(); }", "new A().m", "keeps the signature"),
    ("class A { }\nclass B extends A { m(): i32 { return super.n(); } }", "super.n", "no method `n`"),
    ("class A { }\nclass B extends A { }\nexport function f(): i32 { let b: B = new A(); return 0; }", "new A()", "is not assignable"),
    ("class P { static n: i32 = 0; }\nexport function f(): i32 { return P.m; }", "P.m", "no static field `m`"),
    ("class P { static n: i32 = 0; }\nexport function f(): i32 { return P.go(); }", "P.go", "no static method `go`"),
    ("class P { static n: i32 = 0; }\nexport function f(): void { P.k = 1; }", "= 1", "no static field `k`"),
    ("class P { static constructor() {} }", "constructor", "cannot be `static`"),
    ("class P { static m(): i32 { return this.n; } }", "this", "only available in methods"),
    ("class P { private private x: i32; }", "x:", "expected"),
    ("export function f(): i32 { return this.x; }", "this", "only available in methods"),
    ("export function f(): i32 { let x: i32 = null; return x; }", "null", "reference type"),
    ("export function f(x: i32 | null): i32 { return 0; }", "|", "cannot be null"),
    ("class P { x: i32; }\nexport function f(): P { return new P(); }", "f(", "passes an array"),
    ("class P { x: i32; constructor(a: i32) { this.x = a; } }\nexport function f(): i32 { return new P().x; }", "new P()", "expects 1 argument"),
    ("export function f(): i32 { let m: Map<i32, i32>; return 0; }", "<", "generic types other than `Array<T>`"),
    ("export function f(): i32 { return 1 }", "}", "expected `;`"),
    ("export function f(: i32 { }", ":", "expected a parameter name"),
    ("export function f(): i32 { const c = 1; c = 2; return c; }", "c = 2", "constant"),
    ("export function f(): void { let a = 1; let a = 2; }", "a = 2", "already declared"),
    ("export function f(): i32 { break; }", "break", "inside a loop"),
    ("export function f(): i32 { for (;;) { continue nope; } }", "continue", "unknown label `nope`"),
    ("export function f(): i32 { l: { continue l; } return 0; }", "continue", "must name a loop"),
    ("export function f(): void { return 1; }", "1;", "void function"),
    ("export function f(): i32 { return; }", "return", "must return"),
    ("export function f(): i32 { return g(1); }\nfunction g(a: i32, b: i32): i32 { return a; }", "g(1)", "expects 2 argument"),
    ("export function f(): i32 { return h(); }", "h()", "cannot find function `h`"),
    ("export function f(s: string): string { return s % 2; }", "% 2", "cannot combine `string` and `i32`"),
    ("export function f(x: f64): f64 { return x & 1; }", "&", "integer operands"),
    ("export function f(): i32 { let x: i64 = 1; let y: f32 = 2; return x + y; }", "+ y", "cannot combine `i64` and `f32`"),
    ("export function f(): f64 { return Math.cosec(2); }", "Math.cosec", "not supported"),
    ("export function f(): f64 { return Math.atan2(1); }", "Math.atan2(1)", "expects 2 argument"),
    ("export function f(): f64 { return Math.sin; }", "Math.sin", "is a function"),
    ("export function f(): i32 { return Math.pow(2, 3); }", "Math.pow", "not assignable to `i32`"),
    ("export function f(): f64 { return f64.cosine(1); }", "f64.cosine", "not supported"),
    ("export function f(): i64 { return i64.clz(); }", "i64.clz()", "expects 1 argument"),
    ("export function f(): f64 { return f64.reinterpret_i64(1.5); }", "1.5", "not assignable to `i64`"),
    ("export function f(): i32 { return frob<i32>(1); }", "frob", "not supported"),
    ("export function f(x: f64): i32 { return reinterpret<string>(x); }", "string", "32- or 64-bit number"),
    ("export function f(x: i32): i64 { return reinterpret<i64>(x); }", "x)", "64-bit float"),
    ("export function f(): f64 { return Math.sqrt(); }", "Math.sqrt()", "expects 1 argument"),
    ("export function f(): i32 {\n  return 1 +;\n}", ";\n}", "expected an expression"),
    ("function f() { return 1; }", "f()", "declare its result type"),
    ("export function f(): i32 { let a: i32; a = 1; return a }", "}", "expected `;`"),
    ("export function f(): i32 { const z: i32; return 0; }", "z:", "needs an initializer"),
    ("export function f(): i32 { let q; return 0; }", "q;", "type annotation or an initializer"),
    ("export function f(): i32 { return 1; }\nexport function f(): i32 { return 2; }", "f(): i32 { return 2", "duplicate function"),
    ("export function f(): i32 { return 99999999999999999999; }", "9999", "too large"),
    ("export function f(): i32 { var v = 1; return v; }", "var", "use `let` or `const`"),
    ("export function f(): i32 { class C {} return 0; }", "class", "not supported"),
    ("export function f(): i32 { return f; }", "f;", "is a function"),
    ("export function f(x: i32): i32 { return x(); }", "x()", "not a function"),
    ("export function f(): i32 { 1 = 2; return 0; }", "1 = 2", "invalid assignment target"),
    ("export function f(): i32 { let b = true; b++; return 0; }", "b++", "numeric variable"),
    ("export function f(): i32 { let a = [1]; let x = a[0]++; return x; }", "a[0]++", "cannot be used as a value"),
    ("export function f(): i32 { let x = 1; (x + 1)++; return x; }", "++;", "apply to a variable, a field or an element"),
    ("export function f(): i32 { let a = [1]; return a; }", "a;", "not assignable to `i32`"),
    ("export function f(): i32 { /* never closed\n return 0; }", "/*", "unterminated block comment"),
    ("export function f(): f32 { return Mathf.random(1); }", "Mathf.random", "argument"),
    ("export function f(d: f64): f32 { return Mathf.sin(d); }", "d)", "not assignable to `f32`"),
    ("export function f(): i32 { return 1 # 2; }", "#", "expected `;`"),
    ("let g: i32 = later;\nconst later = 1;", "later;", "cannot find name `later`"),
    ("export function __seed(): void {}", "__seed", "reserved"),
    ("export function echelon_alloc(n: i32): i32 { return n; }", "echelon_alloc", "guest ABI"),
    ("export function f(): void { const v = g(); }\nfunction g(): void {}", "g();", "void"),
    ("export function f(): i32 { return 1 ? 2 : f2(); }\nfunction f2(): void {}", "?", "cannot combine"),
    ("export function f(a: i32): i32 {\n  outer: while (true) {\n    outer: for (;;) { break outer; }\n  }\n}", "for (;;)", "already used"),
    ("export function f(a: i32, a: i32): i32 { return a; }", "a: i32)", "already declared"),
    ("export function f(): i32 { return 1.5; }", "1.5", "not assignable to `i32`"),
    ("export function f(): i32 { return Math.random; }", "Math.random", "is a function"),
    ("function", "", "expected a function name"),
    ("export function f(x: i32): i32 { { let x = x + 1; return x; } }", "x + 1", "before its declaration"),
    // Member modifiers and accessors.
    ("class P { private a: i32 = 1; }\nexport function f(): i32 { return new P().a; }", "new P().a", "`a` is private and only accessible within class `P`"),
    ("class P { private m(): i32 { return 1; } }\nfunction f(p: P): i32 { return p.m(); }", "p.m()", "`m` is private"),
    ("class P { protected a: i32 = 1; }\nfunction f(p: P): i32 { return p.a; }", "p.a;", "`a` is protected and only accessible within class `P` and the classes that extend it"),
    ("class P { private a: i32 = 1; }\nclass Q extends P { g(): i32 { return this.a; } }", "this.a", "`a` is private"),
    ("class P { constructor(private x: i32) {} }\nfunction f(p: P): i32 { return p.x; }", "p.x", "`x` is private"),
    ("class P { private static n: i32 = 1; }\nexport function f(): i32 { return P.n; }", "P.n", "`n` is private"),
    ("class P { private static m(): i32 { return 1; } }\nexport function f(): i32 { return P.m(); }", "P.m", "`m` is private"),
    ("class P { private get g(): i32 { return 1; } }\nfunction f(p: P): i32 { return p.g; }", "p.g", "`g` is private"),
    ("class P { readonly c: i32; constructor() { this.c = 1; } }\nfunction f(p: P): void { p.c = 2; }", "= 2", "cannot assign to `c`: it is a read-only property of `P`, set only in its constructor"),
    ("class P { readonly c: i32; m(): void { this.c = 2; } }", "= 2", "read-only property of `P`"),
    ("class P { readonly c: i32 = 1; constructor() { this.c = 2; } }", "= 2", "set by its initializer"),
    ("class P { constructor(readonly x: i32) {} }\nfunction f(p: P): void { p.x++; }", "p.x++", "cannot assign to `x`"),
    ("class P { static readonly K: i32 = 1; }\nexport function f(): void { P.K = 2; }", "= 2", "read-only static property"),
    ("class P { get g(): i32 { return 1; } }\nfunction f(p: P): void { p.g = 2; }", "= 2", "has a getter for it but no setter"),
    ("class P { set s(v: i32) {} }\nfunction f(p: P): i32 { return p.s; }", "p.s", "has a setter but no getter"),
    ("class P { get g(x: i32): i32 { return x; } }", "g(", "a getter takes no parameters"),
    ("class P { set s(): void {} }", "s(", "a setter takes one parameter"),
    ("class P { readonly m(): void {} }", "readonly", "`readonly` applies to fields only"),
    ("class P { private constructor() {} }", "private", "constructors are not supported"),
    ("export function f(private x: i32): i32 { return x; }", "private", "only allowed in a constructor"),
    ("class P { x: i32 = 0; get x(): i32 { return 1; } }", "x(", "both a field and an accessor"),
    ("class P { get g(): i32 { return 1; } }\nclass Q extends P { h(): i32 { return super.k; } }", "super.k", "no getter `k`"),
    ("class P { private m(): i32 { return 1; } }\nclass Q extends P { h(): i32 { return super.m(); } }", "super.m", "`m` is private"),
];

fn position(src: &str, needle: &str) -> (u32, u32) {
    if needle.is_empty() {
        // The end of the input.
        let line = src.lines().count().max(1) as u32;
        let column = src.lines().last().map_or(0, |l| l.chars().count()) as u32 + 1;
        return (line, column);
    }
    let offset = src
        .find(needle)
        .unwrap_or_else(|| panic!("needle {needle:?} not in {src:?}"));
    let before = &src[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    (line, column)
}

#[test]
fn every_invalid_program_is_reported_at_its_position() {
    assert!(CASES.len() >= 40, "only {} cases", CASES.len());
    let generator = Generator::new();
    let mut failures = Vec::new();
    for (src, needle, fragment) in CASES {
        let r = generator.generate_from_typescript(src, &GeneratorOptions::default());
        let expected = position(src, needle);
        match r.errors.first() {
            _ if r.success => failures.push(format!("{src:?}: compiled, expected an error")),
            None => failures.push(format!("{src:?}: failed without a diagnostic")),
            Some(d) => {
                if (d.line, d.column) != expected || !d.message.contains(fragment) {
                    failures.push(format!(
                        "{src:?}: expected {}:{} `{fragment}`, got {d}",
                        expected.0, expected.1
                    ));
                }
            }
        }
        assert!(r.success || r.wasm.is_none());
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn wat_errors_carry_line_and_column() {
    let r = Generator::new().generate_from_wat(
        "(module\n  (func (result i32)\n    i32.const x))",
        &GeneratorOptions::default(),
    );
    assert!(!r.success);
    assert_eq!((r.errors[0].line, r.errors[0].column), (3, 15), "{:?}", r.errors);
}

#[test]
fn expression_errors_point_into_the_expression() {
    let e = Generator::new()
        .compile_expression("1 + y * 2", echelon::generator::ValueType::I32)
        .unwrap_err();
    let echelon::generator::GeneratorError::Compile(d) = e else {
        panic!("expected a compile error, got {e}")
    };
    assert_eq!((d[0].line, d[0].column), (1, 5));
}
