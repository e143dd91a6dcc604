//! # The WASM generator
//!
//! Produces WebAssembly modules from the TypeScript/AssemblyScript subset
//! ([`ts`]), from WAT, from templates, from single expressions, or step by
//! step with a [`ModuleBuilder`]; validates ([`validate()`]), optimizes with
//! Binaryen ([`optimize()`]) and writes `.d.ts` declarations
//! ([`module_declaration`]), and builds Rust crates for the server and the
//! browser ([`rust`]). It does not depend on the runtime, so it can be
//! compiled to wasm32 as well.
//!
//! ```
//! use echelon::generator::{Generator, GeneratorSource};
//!
//! let generator = Generator::new();
//! let result = generator.generate(&GeneratorSource::typescript(
//!     "export function add(a: i32, b: i32): i32 { return a + b; }",
//! ));
//! assert!(result.success, "{:?}", result.errors);
//! ```
//!
//! `Math.random` needs no host import: see [`ts::codegen`] for the built-in
//! seeded generator and its `__seed` export.

pub mod builder;
pub mod dts;
pub mod error;
pub mod optimize;
pub mod rust;
pub mod scaffold;
pub mod source;
pub mod templates;
pub mod ts;
pub mod validate;
pub mod wat;

use std::time::Instant;

pub use builder::{ConstValue, FuncId, FuncType, GlobalId, MemoryId, ModuleBuilder, ValueType};
pub use dts::module_declaration;
pub use error::{Diagnostic, GeneratorError};
pub use optimize::{optimize, optimize_levels, OptimizationLevel, OptimizationStats, Optimized};
pub use rust::{
    compile_rust, compile_rust_with_progress, BindgenTarget, BuildProgress, RustBuildConfig, RustBuildResult,
    RustDiagnostic, RustTarget, WasmBindgenOptions, WasmOptOptions,
};
pub use source::{GenerationResult, GenerationStats, GeneratorOptions, GeneratorSource, SourceKind};
pub use templates::{ParamKind, Template, TemplateParameter, TemplateParams, TemplateRegistry};
pub use validate::{validate, validate_with_features, ValidationReport};

/// The generator: compilation front ends, templates, validation and
/// optimization behind one value (the spec's `WASMGeneratorCore`).
#[derive(Debug, Clone, Default)]
pub struct Generator {
    templates: TemplateRegistry,
}

impl Generator {
    /// A generator with the built-in templates.
    pub fn new() -> Self {
        Self::default()
    }

    /// Generates a module from any kind of source.
    pub fn generate(&self, source: &GeneratorSource) -> GenerationResult {
        match source.kind {
            SourceKind::TypeScript => self.generate_from_typescript(&source.code, &source.options),
            SourceKind::Wat => self.generate_from_wat(&source.code, &source.options),
            SourceKind::Template => {
                let started = Instant::now();
                let compiled = self
                    .generate_from_template(&source.code, &source.params)
                    .map_err(|e| vec![Diagnostic::unlocated(e.to_string())]);
                finish(
                    compiled.map(ts::Compiled::from_wasm),
                    started,
                    source.code.len(),
                    &source.options,
                )
            }
        }
    }

    /// Compiles TypeScript-subset source.
    pub fn generate_from_typescript(&self, code: &str, options: &GeneratorOptions) -> GenerationResult {
        let started = Instant::now();
        finish(ts::compile(code), started, code.len(), options)
    }

    /// Compiles WAT source.
    pub fn generate_from_wat(&self, code: &str, options: &GeneratorOptions) -> GenerationResult {
        let started = Instant::now();
        let compiled = wat::compile(code)
            .map(ts::Compiled::from_wasm)
            .map_err(|d| vec![d]);
        finish(compiled, started, code.len(), options)
    }

    /// Runs the template `name` with `params` (checked against its declared
    /// parameters) and returns the validated module.
    ///
    /// # Errors
    /// Unknown template, bad parameters, or an invalid generated module.
    pub fn generate_from_template(
        &self,
        name: &str,
        params: &TemplateParams,
    ) -> Result<Vec<u8>, GeneratorError> {
        let wasm = self.templates.generate(name, params)?;
        let report = validate(&wasm);
        if !report.valid {
            return Err(GeneratorError::Validation(report.errors));
        }
        Ok(wasm)
    }

    /// Adds (or replaces) a template.
    pub fn register_template(&mut self, template: Template) {
        self.templates.register(template);
    }

    /// Removes a template; returns whether it was registered.
    pub fn unregister_template(&mut self, name: &str) -> bool {
        self.templates.unregister(name)
    }

    /// The registered templates, in name order.
    pub fn get_templates(&self) -> Vec<&Template> {
        self.templates.list()
    }

    /// Validates module bytes (see [`validate()`]).
    pub fn validate(&self, wasm: &[u8]) -> ValidationReport {
        validate(wasm)
    }

    /// Optimizes module bytes (see [`optimize()`]).
    ///
    /// # Errors
    /// See [`optimize()`].
    pub fn optimize(&self, wasm: &[u8], level: OptimizationLevel) -> Result<Optimized, GeneratorError> {
        optimize(wasm, level)
    }

    /// Compiles one TypeScript-subset expression (numbers, operators, casts,
    /// `Math`) into a module exporting `eval(): result_type`.
    ///
    /// # Errors
    /// [`GeneratorError::Compile`] with positions in `expr`.
    pub fn compile_expression(&self, expr: &str, result_type: ValueType) -> Result<Vec<u8>, GeneratorError> {
        let ty = match result_type {
            ValueType::I32 => ts::ir::Type::I32,
            ValueType::I64 => ts::ir::Type::I64,
            ValueType::F32 => ts::ir::Type::F32,
            ValueType::F64 => ts::ir::Type::F64,
        };
        ts::compile_expression(expr, ty).map_err(GeneratorError::Compile)
    }

    /// Builds a Rust crate to WebAssembly: the server module, the browser
    /// bundle (wasm-bindgen + Binaryen) or both (see [`rust`]).
    ///
    /// # Errors
    /// See [`compile_rust`]; compiler errors are diagnostics in the result.
    pub fn compile_rust(&self, config: &RustBuildConfig) -> Result<RustBuildResult, GeneratorError> {
        compile_rust(config)
    }

    /// A new, empty [`ModuleBuilder`].
    pub fn create_module_builder(&self) -> ModuleBuilder {
        ModuleBuilder::new()
    }

    /// The `.d.ts` declarations of a module's exports (see [`module_declaration`]).
    ///
    /// # Errors
    /// When the bytes cannot be parsed.
    pub fn generate_declaration(&self, wasm: &[u8]) -> Result<String, GeneratorError> {
        module_declaration(wasm)
    }
}

/// Validates and optimizes a compiled module as `options` ask, and reports.
fn finish(
    compiled: Result<ts::Compiled, Vec<Diagnostic>>,
    started: Instant,
    source_size: usize,
    options: &GeneratorOptions,
) -> GenerationResult {
    let compile_time = started.elapsed();
    let mut stats = GenerationStats {
        source_size,
        compile_time,
        ..GenerationStats::default()
    };
    let ts::Compiled {
        mut wasm,
        functions,
        warnings,
    } = match compiled {
        Ok(c) => c,
        Err(errors) => {
            return GenerationResult {
                success: false,
                wasm: None,
                errors,
                warnings: Vec::new(),
                stats,
            }
        }
    };
    stats.functions = functions;
    let fail = |errors: Vec<Diagnostic>, stats| GenerationResult {
        success: false,
        wasm: None,
        errors,
        warnings: warnings.clone(),
        stats,
    };
    if options.validate {
        let report = validate(&wasm);
        if !report.valid {
            return fail(
                report.errors.into_iter().map(Diagnostic::unlocated).collect(),
                stats,
            );
        }
    }
    if options.optimize && options.optimization_level != OptimizationLevel::None {
        let t = Instant::now();
        match optimize(&wasm, options.optimization_level) {
            Ok(o) => {
                wasm = o.wasm;
                stats.optimization = Some(o.stats);
            }
            Err(e) => return fail(vec![Diagnostic::unlocated(e.to_string())], stats),
        }
        stats.optimize_time = t.elapsed();
    }
    stats.wasm_size = wasm.len();
    GenerationResult {
        success: true,
        wasm: Some(wasm),
        errors: Vec::new(),
        warnings,
        stats,
    }
}
