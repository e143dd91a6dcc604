//! The TypeScript/AssemblyScript-subset compiler, in stages:
//! [`lexer`] (text to tokens), [`parser`] (tokens to the [`ast`] with
//! positions), [`types`] (name resolution, type checking and inference, to the
//! typed [`ir`]) and [`codegen`] (the typed program to wasm with
//! `wasm-encoder`). AssemblyScript's semantics are the reference: integers are
//! signed and wrap on overflow, integer division by zero traps, float to
//! integer casts saturate, `number` is `f64`.

pub mod ast;
pub mod codegen;
pub mod ir;
pub mod lexer;
pub mod parser;
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
        functions: typed.functions.len(),
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
