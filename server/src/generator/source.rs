//! What to generate from ([`GeneratorSource`]) and how ([`GeneratorOptions`]),
//! and what comes back ([`GenerationResult`]).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::error::Diagnostic;
use super::optimize::{OptimizationLevel, OptimizationStats};
use super::templates::TemplateParams;

/// The language of a [`GeneratorSource`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// The TypeScript/AssemblyScript subset.
    TypeScript,
    /// WebAssembly text.
    Wat,
    /// A registered template: `code` is its name, `params` its parameters.
    Template,
}

/// Options of a generation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GeneratorOptions {
    /// Run Binaryen at `optimization_level`. `false` by default.
    pub optimize: bool,
    /// The level used when `optimize` is set. `Speed` by default.
    pub optimization_level: OptimizationLevel,
    /// Validate the output with wasmparser. `true` by default.
    pub validate: bool,
}

impl Default for GeneratorOptions {
    fn default() -> Self {
        Self {
            optimize: false,
            optimization_level: OptimizationLevel::Speed,
            validate: true,
        }
    }
}

impl GeneratorOptions {
    /// Optimize at `level` (and validate).
    pub fn optimized(level: OptimizationLevel) -> Self {
        Self {
            optimize: level != OptimizationLevel::None,
            optimization_level: level,
            validate: true,
        }
    }
}

/// Input of [`Generator::generate`](super::Generator::generate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeneratorSource {
    /// The language of `code`.
    #[serde(rename = "type")]
    pub kind: SourceKind,
    /// The source text, or the template name for [`SourceKind::Template`].
    pub code: String,
    /// Template parameters (only for [`SourceKind::Template`]).
    #[serde(default)]
    pub params: TemplateParams,
    /// How to generate.
    #[serde(default)]
    pub options: GeneratorOptions,
}

impl GeneratorSource {
    /// TypeScript-subset source with default options.
    pub fn typescript(code: impl Into<String>) -> Self {
        Self::new(SourceKind::TypeScript, code.into())
    }

    /// WAT source with default options.
    pub fn wat(code: impl Into<String>) -> Self {
        Self::new(SourceKind::Wat, code.into())
    }

    /// A template call with default options.
    pub fn template(name: impl Into<String>, params: TemplateParams) -> Self {
        Self {
            params,
            ..Self::new(SourceKind::Template, name.into())
        }
    }

    fn new(kind: SourceKind, code: String) -> Self {
        Self {
            kind,
            code,
            params: TemplateParams::new(),
            options: GeneratorOptions::default(),
        }
    }

    /// The same source with other options.
    pub fn with_options(mut self, options: GeneratorOptions) -> Self {
        self.options = options;
        self
    }
}

/// Figures about one generation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GenerationStats {
    /// Size of the source text in bytes.
    pub source_size: usize,
    /// Size of the module produced (after optimization), 0 on failure.
    pub wasm_size: usize,
    /// Functions declared by the source (TypeScript only).
    pub functions: usize,
    /// Time spent compiling (without optimization).
    pub compile_time: Duration,
    /// Time spent optimizing.
    pub optimize_time: Duration,
    /// The optimizer's figures, when it ran.
    pub optimization: Option<OptimizationStats>,
}

/// Output of a generation: the module, or the reasons there is none.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GenerationResult {
    /// Whether `wasm` holds a module.
    pub success: bool,
    /// The module.
    pub wasm: Option<Vec<u8>>,
    /// Errors, with source positions where they have one.
    pub errors: Vec<Diagnostic>,
    /// Warnings.
    pub warnings: Vec<Diagnostic>,
    /// Figures.
    pub stats: GenerationStats,
}
