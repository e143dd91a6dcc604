//! The TypeScript/AssemblyScript-subset compiler, in stages:
//! [`lexer`] (text to tokens), [`parser`] (tokens to the [`ast`] with
//! positions), [`types`] (name resolution, type checking and inference, to the
//! typed [`ir`]), [`tailcall`] (tail-recursion elimination on the IR) and
//! [`codegen`] (the typed program to wasm with `wasm-encoder`).
//!
//! # The subset
//!
//! AssemblyScript's semantics are the reference.
//!
//! - Items: `[export] function name(p: T, ...): R { ... }` and module-level
//!   `[export] let|const name[: T] = init;` (globals; an initializer that is
//!   not a constant runs in the module's start function, in source order).
//!   Functions may be called before they are declared and may recurse.
//! - Types: `i32`, `i64`, `f32`, `f64` (`number` is `f64`), `bool`
//!   (`boolean`), `void`. Parameters need annotations; a function without a
//!   result annotation must not return a value. `let`/`const` infer their type
//!   from the initializer: an integer literal is `i32` (`i64` when it does not
//!   fit), a literal with a fraction is `f64`, and a literal takes the type its
//!   context expects (`let x: f64 = 1`, `x * 2` with `x: f32`).
//! - Conversions: only lossless ones are implicit (`bool`/`i32` to `i64` or
//!   `f64`, `f32` to `f64`); others need `as`. Float to integer casts
//!   saturate (NaN becomes 0, as AssemblyScript's non-trapping conversions);
//!   any number `as bool` is "non-zero and not NaN".
//! - Integers are signed and wrap on overflow; `/` and `%` on integers trap on
//!   a zero divisor (and `i32.MIN / -1`), exactly as wasm does. `%` on floats
//!   is rejected (wasm has no float remainder; cast to an integer).
//! - Operators: arithmetic, bitwise (`>>` signed, `>>>` unsigned), comparison
//!   (`==` and `===` mean the same), `&&`/`||` (short-circuit; the result is a
//!   `bool`, where AssemblyScript would return an operand), `!`, `~`, unary
//!   `-`/`+`, `?:`, `=` and compound assignment (both are expressions), prefix
//!   and postfix `++`/`--`, `as`.
//! - Statements: blocks with lexical scoping and shadowing, `if`/`else`,
//!   `while`, `do`/`while`, `for`, `break`/`continue` with optional labels,
//!   labelled blocks, `return`. A non-void function must return on every path.
//! - `Math`: `sqrt`, `abs`, `floor`, `ceil`, `trunc`, `min`, `max` compile to
//!   single wasm instructions (`f32` stays `f32`, anything else is `f64`), the
//!   constants `PI`, `E`, `LN2`, `LN10`, `LOG2E`, `LOG10E`, `SQRT2`,
//!   `SQRT1_2`, and `Math.random()` from a built-in seeded generator (see
//!   [`codegen`]), so modules need no imports.
//! - Not supported (each reported with its position): strings, arrays,
//!   objects, classes, closures and nested functions, `var`, `switch`,
//!   exceptions, `**`, imports. Names starting with `__` are reserved.
//!
//! Diagnostics carry 1-based line and column; warnings report variables that
//! are declared but never read. No input makes the compiler panic: nesting
//! deeper than [`parser::MAX_DEPTH`] is an error, not a stack overflow.

pub mod ast;
pub mod codegen;
pub mod ir;
pub mod lexer;
pub mod parser;
pub mod prelude;
pub mod tailcall;
pub mod types;

use super::error::{Diagnostic, GeneratorError};

/// What one compilation produced.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The module.
    pub wasm: Vec<u8>,
    /// How many functions the source declared.
    pub functions: usize,
    /// Warnings (for example variables that are never read).
    pub warnings: Vec<Diagnostic>,
}

impl Compiled {
    /// A module that came from elsewhere (WAT, a template): no functions
    /// counted, no warnings.
    pub fn from_wasm(wasm: Vec<u8>) -> Self {
        Self {
            wasm,
            functions: 0,
            warnings: Vec::new(),
        }
    }
}

/// Compiles a whole source file to a module.
///
/// # Errors
/// The diagnostics of the first stage that failed; never panics.
pub fn compile(src: &str) -> Result<Compiled, Vec<Diagnostic>> {
    let program = parser::parse_program(src).map_err(|d| vec![d])?;
    let mut typed = types::check_program(&program)?;
    for (i, f) in typed.functions.iter_mut().enumerate() {
        tailcall::eliminate(f, i as u32);
    }
    let wasm = codegen::generate(&typed).map_err(internal)?;
    Ok(Compiled {
        wasm,
        functions: typed.user_functions,
        warnings: typed.warnings,
    })
}

/// Compiles one expression to a module exporting `eval() -> result`.
///
/// # Errors
/// The diagnostics, positioned in the expression text.
pub fn compile_expression(src: &str, result: ir::Type) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let expr = parser::parse_expression(src).map_err(|d| vec![d])?;
    let span = expr.span;
    let function = ast::Function {
        exported: true,
        name: "eval".to_string(),
        span,
        params: Vec::new(),
        result: Some(ast::TypeName {
            name: result.name().to_string(),
            span,
        }),
        body: vec![ast::Stmt {
            kind: ast::StmtKind::Return(Some(expr)),
            span,
        }],
        end: span,
    };
    let program = ast::Program {
        items: vec![ast::Item::Function(function)],
    };
    let typed = types::check_program(&program)?;
    codegen::generate(&typed).map_err(internal)
}

fn internal(e: GeneratorError) -> Vec<Diagnostic> {
    vec![Diagnostic::unlocated(format!(
        "internal code generation error: {e}"
    ))]
}
