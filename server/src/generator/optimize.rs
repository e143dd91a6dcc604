//! Optimization with Binaryen through the `wasm-opt` crate (Binaryen is built
//! from source by the crate; no system binary is used). Binaryen works on
//! files, so the module goes through a temporary directory.

use serde::{Deserialize, Serialize};
use wasm_opt::{Feature, OptimizationOptions, Pass};

use super::error::GeneratorError;
use super::validate::validate;

/// How to optimize, as in the spec's `WASMOptimizationLevel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimizationLevel {
    /// Leave the module as it is.
    None,
    /// Smallest binary: Binaryen `-Os` (the name section is dropped).
    Size,
    /// Fastest code: Binaryen `-O3`'s passes with one inlining round
    /// (names are kept).
    #[default]
    Speed,
    /// Both: Binaryen `-O4` followed by `-Oz`.
    Aggressive,
}

impl OptimizationLevel {
    /// Parses `none`, `size`, `speed` or `aggressive`.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "none" => Self::None,
            "size" => Self::Size,
            "speed" => Self::Speed,
            "aggressive" => Self::Aggressive,
            _ => return None,
        })
    }
}

/// What an optimization did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptimizationStats {
    /// Module size in bytes before.
    pub size_before: usize,
    /// Module size in bytes after.
    pub size_after: usize,
    /// The Binaryen pipelines run, in order (empty for
    /// [`OptimizationLevel::None`]).
    pub passes: Vec<String>,
}

/// An optimized module and its statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Optimized {
    /// The optimized module.
    pub wasm: Vec<u8>,
    /// What was done.
    pub stats: OptimizationStats,
}

/// The Binaryen pipelines for `level`, with the names reported in stats.
fn pipelines(level: OptimizationLevel) -> Vec<(&'static str, OptimizationOptions)> {
    match level {
        OptimizationLevel::None => Vec::new(),
        OptimizationLevel::Size => vec![("binaryen -Os", OptimizationOptions::new_optimize_for_size())],
        OptimizationLevel::Speed => vec![("binaryen -O3, one inlining round", speed_options())],
        OptimizationLevel::Aggressive => vec![
            ("binaryen -O4", OptimizationOptions::new_opt_level_4()),
            (
                "binaryen -Oz",
                OptimizationOptions::new_optimize_for_size_aggressively(),
            ),
        ],
    }
}

/// Binaryen 116's `-O3` function passes, in order
/// (`PassRunner::addDefaultFunctionOptimizationPasses` at level 3, for a
/// module without GC types).
const O3_FUNCTION_PASSES: [Pass; 31] = [
    Pass::SsaNomerge,
    Pass::Dce,
    Pass::RemoveUnusedNames,
    Pass::RemoveUnusedBrs,
    Pass::RemoveUnusedNames,
    Pass::OptimizeInstructions,
    Pass::PickLoadSigns,
    Pass::PrecomputePropagate,
    Pass::CodePushing,
    Pass::SimplifyLocalsNostructure,
    Pass::Vacuum,
    Pass::RecorderLocals,
    Pass::RemoveUnusedBrs,
    Pass::MergeLocals,
    Pass::CoalesceLocals,
    Pass::LocalCse,
    Pass::SimplifyLocals,
    Pass::Vacuum,
    Pass::RecorderLocals,
    Pass::CoalesceLocals,
    Pass::RecorderLocals,
    Pass::Vacuum,
    Pass::CodeFolding,
    Pass::MergeBlocks,
    Pass::RemoveUnusedBrs,
    Pass::RemoveUnusedNames,
    Pass::MergeBlocks,
    Pass::PrecomputePropagate,
    Pass::OptimizeInstructions,
    Pass::Rse,
    Pass::Vacuum,
];

/// Level `speed`: Binaryen `-O3`'s pipeline (global pre-passes, function
/// passes, global post-passes) with one change. `-O3`'s
/// `inlining-optimizing` re-runs every function pass over the functions it
/// inlined into after each inlining iteration (up to five: a call chain
/// such as `__unit` -> `charCodeAt` -> function -> export wrapper takes one
/// iteration per level), which was 120 of the 150 ms Binaryen spent on a
/// 1,001-line program. Here plain `inlining` does all the iterations, then
/// the function passes run once more. The kernels of BENCHMARKS.md run as
/// fast as with `-O3` (and the modules are smaller); Binaryen takes about
/// 40% less time (BENCHMARKS.md, "TypeScript subset").
fn speed_options() -> OptimizationOptions {
    let mut options = OptimizationOptions::new_opt_level_3();
    options.add_default_passes(false);
    let pre = [
        Pass::DuplicateFunctionElimination,
        Pass::MemoryPacking,
        Pass::OnceReduction,
    ];
    let inline = [Pass::DaeOptimizing, Pass::Inlining, Pass::PrecomputePropagate];
    let post = [
        Pass::DuplicateFunctionElimination,
        Pass::DuplicateImportElimination,
        Pass::SimplifyGlobalsOptimizing,
        Pass::RemoveUnusedModuleElements,
        Pass::ReorderGlobals,
        Pass::Directize,
        Pass::GenerateStackIr,
        Pass::OptimizeStackIr,
    ];
    let passes = pre
        .into_iter()
        .chain(O3_FUNCTION_PASSES)
        .chain(inline)
        .chain(O3_FUNCTION_PASSES)
        .chain(post);
    for pass in passes {
        options.add_pass(pass);
    }
    options
}

/// Optimizes `wasm` at `level`. The input must be valid (see
/// [`validate`]); so is the output, which behaves
/// the same: traps stay traps (`traps_never_happen` is off) and float
/// arithmetic is not reassociated (`fast_math` is off).
///
/// # Errors
/// [`GeneratorError::Validation`] for an invalid input or output,
/// [`GeneratorError::Optimize`] when Binaryen fails, `Io` for the temporary files.
pub fn optimize(wasm: &[u8], level: OptimizationLevel) -> Result<Optimized, GeneratorError> {
    let report = validate(wasm);
    if !report.valid {
        return Err(GeneratorError::Validation(report.errors));
    }
    let mut current = wasm.to_vec();
    let mut passes = Vec::new();
    let dir = tempfile::tempdir()?;
    // The name section (function and parameter names) is kept for speed,
    // where it costs nothing at run time, and dropped when size matters.
    let keep_names = matches!(level, OptimizationLevel::Speed);
    for (name, options) in pipelines(level) {
        current = run_binaryen(options, &current, keep_names, dir.path())?;
        passes.push(name.to_string());
    }
    let report = validate(&current);
    if !report.valid {
        return Err(GeneratorError::Validation(report.errors));
    }
    Ok(Optimized {
        stats: OptimizationStats {
            size_before: wasm.len(),
            size_after: current.len(),
            passes,
        },
        wasm: current,
    })
}

/// Optimizes `wasm` with Binaryen's `-O<opt_level>` and `-s<shrink_level>`
/// (as `wasm-opt -O3 -s1`), the form `wasm-pack` and trunk configure. Levels
/// above 4 (opt) or 2 (shrink) are clamped. The same semantics guarantees as
/// [`optimize`] hold. Input and output are validated with wasmparser's
/// default features (every standardised proposal), not the generator's
/// narrower set: this is for rustc and wasm-bindgen output, and Binaryen
/// writes reference-typed modules with rec groups, which browsers and
/// wasmtime accept.
///
/// # Errors
/// As [`optimize`].
pub fn optimize_levels(wasm: &[u8], opt_level: u8, shrink_level: u8) -> Result<Optimized, GeneratorError> {
    use wasm_opt::{OptimizeLevel, ShrinkLevel};
    let check = |bytes: &[u8]| {
        let report = super::validate::validate_with_features(bytes, wasmparser::WasmFeatures::default());
        if report.valid {
            Ok(())
        } else {
            Err(GeneratorError::Validation(report.errors))
        }
    };
    check(wasm)?;
    let mut options = OptimizationOptions::new_opt_level_0();
    // `new_opt_level_0` turns Binaryen's default pass list off; the levels
    // only choose among passes once it is on (as `wasm-opt -O1`.. does).
    options
        .add_default_passes(opt_level > 0 || shrink_level > 0)
        .optimize_level(match opt_level {
            0 => OptimizeLevel::Level0,
            1 => OptimizeLevel::Level1,
            2 => OptimizeLevel::Level2,
            3 => OptimizeLevel::Level3,
            _ => OptimizeLevel::Level4,
        })
        .shrink_level(match shrink_level {
            0 => ShrinkLevel::Level0,
            1 => ShrinkLevel::Level1,
            _ => ShrinkLevel::Level2,
        });
    let dir = tempfile::tempdir()?;
    let out = run_binaryen(options, wasm, false, dir.path())?;
    check(&out)?;
    Ok(Optimized {
        stats: OptimizationStats {
            size_before: wasm.len(),
            size_after: out.len(),
            passes: vec![format!(
                "binaryen -O{} -s{}",
                opt_level.min(4),
                shrink_level.min(2)
            )],
        },
        wasm: out,
    })
}

/// Runs one Binaryen pipeline over `wasm` through files in `dir`, with the
/// features rustc and the generator emit and no semantics-changing shortcuts.
fn run_binaryen(
    mut options: OptimizationOptions,
    wasm: &[u8],
    keep_names: bool,
    dir: &std::path::Path,
) -> Result<Vec<u8>, GeneratorError> {
    let input = dir.join("in.wasm");
    let output = dir.join("out.wasm");
    std::fs::write(&input, wasm)?;
    options
        .mvp_features_only()
        .enable_feature(Feature::MutableGlobals)
        .enable_feature(Feature::TruncSat)
        .enable_feature(Feature::SignExt)
        .enable_feature(Feature::Multivalue)
        .enable_feature(Feature::BulkMemory)
        .enable_feature(Feature::ReferenceTypes)
        .enable_feature(Feature::Simd)
        .traps_never_happen(false)
        .fast_math(false)
        .debug_info(keep_names);
    options
        .run(&input, &output)
        .map_err(|e| GeneratorError::Optimize(e.to_string()))?;
    Ok(std::fs::read(&output)?)
}

#[cfg(test)]
mod tests {
    use super::{optimize, OptimizationLevel};

    const WAT: &str = r#"(module
      (func $unused (result i32) i32.const 7)
      (func (export "f") (param i32) (result i32)
        (local i32)
        local.get 0
        i32.const 0
        i32.add
        local.set 1
        local.get 1))"#;

    #[test]
    fn none_changes_nothing_and_size_shrinks() {
        let wasm = wat::parse_str(WAT).unwrap();
        let none = optimize(&wasm, OptimizationLevel::None).unwrap();
        assert_eq!(none.wasm, wasm);
        assert!(none.stats.passes.is_empty());
        let size = optimize(&wasm, OptimizationLevel::Size).unwrap();
        assert!(size.stats.size_after < size.stats.size_before);
        assert_eq!(size.stats.passes, vec!["binaryen -Os".to_string()]);
        let aggressive = optimize(&wasm, OptimizationLevel::Aggressive).unwrap();
        assert_eq!(aggressive.stats.passes.len(), 2);
    }

    #[test]
    fn parse_names_the_levels() {
        assert_eq!(
            OptimizationLevel::parse("aggressive"),
            Some(OptimizationLevel::Aggressive)
        );
        assert_eq!(OptimizationLevel::parse("fast"), None);
    }
}
