//! Whatever the input, the compiler answers with a module or diagnostics and
//! never panics; every module it produces is valid.

use echelon::generator::{validate, Generator, GeneratorOptions, ValueType};
use proptest::prelude::*;

/// Fragments of the subset, so random sequences reach the parser and checker.
const TOKENS: &[&str] = &[
    "export",
    "function",
    "f",
    "g",
    "x",
    "y",
    "(",
    ")",
    "{",
    "}",
    ";",
    ":",
    ",",
    "i32",
    "i64",
    "f32",
    "f64",
    "bool",
    "void",
    "number",
    "let",
    "const",
    "=",
    "+=",
    "return",
    "if",
    "else",
    "for",
    "while",
    "do",
    "break",
    "continue",
    "outer",
    "as",
    "?",
    "+",
    "-",
    "*",
    "/",
    "%",
    "<<",
    ">>>",
    "&&",
    "||",
    "!",
    "~",
    "==",
    "<",
    "++",
    "--",
    "0",
    "1",
    "2.5",
    "0xFF",
    "true",
    "Math",
    ".",
    "sqrt",
    "random",
    "min",
    "\n",
    // Strings, arrays, classes, switch, imports.
    "\"s\"",
    "'é'",
    "`t${",
    "}`",
    "`plain`",
    "[",
    "]",
    "class",
    "new",
    "this",
    "null",
    "switch",
    "case",
    "default",
    "string",
    "u8",
    "u64",
    "i16",
    "usize",
    "Uint8Array",
    "Array",
    "<",
    ">",
    "**",
    "**=",
    "@external(\"echelon\", \"log\")",
    "declare",
    "length",
    "push",
    "pop",
    "split",
    "charCodeAt",
    "constructor",
    "|",
    "round",
    // Member modifiers, accessors, inheritance, case mapping, Mathf.
    "private",
    "protected",
    "public",
    "readonly",
    "static",
    "get",
    "set",
    "extends",
    "super",
    "toUpperCase",
    "Mathf",
];

fn check(src: &str) {
    let r = Generator::new().generate_from_typescript(src, &GeneratorOptions::default());
    if r.success {
        let wasm = r.wasm.expect("success implies a module");
        assert!(validate(&wasm).valid, "invalid module from {src:?}");
    } else {
        assert!(!r.errors.is_empty(), "failure without diagnostics for {src:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,200}") {
        check(&src);
    }

    #[test]
    fn token_soup_never_panics(tokens in proptest::collection::vec(proptest::sample::select(TOKENS), 0..80)) {
        check(&tokens.join(" "));
    }

    #[test]
    fn function_bodies_never_panic(body in proptest::collection::vec(proptest::sample::select(TOKENS), 0..40)) {
        check(&format!("export function f(x: i32, y: f64): i32 {{ {} }}", body.join(" ")));
    }

    #[test]
    fn expressions_never_panic(expr in proptest::collection::vec(proptest::sample::select(TOKENS), 0..30)) {
        let r = Generator::new().compile_expression(&expr.join(" "), ValueType::F64);
        if let Ok(wasm) = r {
            prop_assert!(validate(&wasm).valid);
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for src in [
        format!(
            "export function f(): i32 {{ return {}1{}; }}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        ),
        format!("export function f(): i32 {{ return {}1; }}", "- ".repeat(100_000)),
        format!("export function f(): void {{ {} }}", "{".repeat(100_000)),
        format!(
            "export function f(): i32 {{ return 1{}; }}",
            " + 1".repeat(100_000)
        ),
        format!(
            "export function f(): i32 {{ let x = 0; return {}1; }}",
            "x = ".repeat(100_000)
        ),
        format!(
            "export function f(): i32 {{ let a = {}1{}; return 0; }}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
        format!(
            "export function f(): string {{ return {}x{}; }}",
            "`${".repeat(50_000),
            "}`".repeat(50_000)
        ),
        format!("let a: {}i32{};", "Array<".repeat(100_000), ">".repeat(100_000)),
        format!("export function f(): i32 {{ return x{}; }}", ".y".repeat(100_000)),
    ] {
        let r = Generator::new().generate_from_typescript(&src, &GeneratorOptions::default());
        // A long flat chain may compile; deep nesting must be reported.
        if !r.success {
            assert!(
                r.errors[0].message.contains("nested too deeply"),
                "{:?}",
                r.errors[0]
            );
        }
    }
}
