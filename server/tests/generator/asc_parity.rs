//! The TypeScript subset against AssemblyScript 0.28 itself: every program
//! of `corpus/` is compiled by both compilers (asc with `-O3 --runtime
//! stub`, Echelon without optimization and at level speed), the modules
//! run in wasmtime, and every exported function without parameters must
//! return the same value.
//!
//! asc is installed by `cargo xtask setup` (npm, into `target/asc` under
//! the workspace root); `ECHELON_ASC` names another `asc` binary. Without
//! it this test fails, saying how to install it: it never skips.

use std::path::{Path, PathBuf};
use std::process::Command;

use wasmtime::{Engine, Linker, Module, Store, Val};

use crate::harness::{compile, compile_optimized, show};

fn asc_compile(source: &Path, out: &Path) -> Vec<u8> {
    let status = Command::new(echelon_tests::asc())
        .arg(source)
        .arg("-o")
        .arg(out)
        .args(["-O3", "--runtime", "stub"])
        .output()
        .expect("asc starts (node is needed)");
    assert!(
        status.status.success(),
        "asc failed on {}:\n{}",
        source.display(),
        String::from_utf8_lossy(&status.stderr)
    );
    std::fs::read(out).expect("asc wrote the module")
}

/// Calls each exported function without parameters; `env.abort` and any
/// other import trap.
fn results(wasm: &[u8]) -> Vec<(String, String)> {
    let engine = Engine::default();
    let module = Module::new(&engine, wasm).expect("a valid module");
    let mut linker: Linker<()> = Linker::new(&engine);
    linker
        .define_unknown_imports_as_traps(&module)
        .expect("imports become traps");
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &module).expect("instantiates");
    let mut out = Vec::new();
    for export in module.exports() {
        let Some(f) = instance.get_func(&mut store, export.name()) else {
            continue;
        };
        let ty = f.ty(&store);
        if ty.params().len() != 0 || ty.results().len() != 1 {
            continue;
        }
        let mut r = [Val::I32(0)];
        let outcome = f
            .call(&mut store, &[], &mut r)
            .map(|()| r[0])
            .map_err(|e| format!("trap: {e:#}"));
        out.push((export.name().to_string(), show(&outcome)));
    }
    out.sort();
    out
}

#[test]
fn every_corpus_program_answers_as_assemblyscript_does() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/generator/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the corpus directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ts"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "the corpus is missing");
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for file in &files {
        let src = std::fs::read_to_string(file).expect("readable corpus file");
        let ours = results(&compile(&src));
        let ours_optimized = results(&compile_optimized(&src));
        let theirs = results(&asc_compile(file, &tmp.path().join("out.wasm")));
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        assert_eq!(
            ours.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            theirs.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            "{name}: the two modules export different functions"
        );
        for ((func, a), (_, b)) in ours.iter().zip(&theirs) {
            compared += 1;
            if a != b {
                mismatches.push(format!("{name} {func}: ours {a}, asc {b}"));
            }
        }
        for ((func, a), (_, b)) in ours_optimized.iter().zip(&theirs) {
            if a != b {
                mismatches.push(format!("{name} {func}: ours (level speed) {a}, asc {b}"));
            }
        }
    }
    eprintln!("{compared} functions compared against asc");
    assert!(
        mismatches.is_empty(),
        "differences from asc:\n{}",
        mismatches.join("\n")
    );
}
