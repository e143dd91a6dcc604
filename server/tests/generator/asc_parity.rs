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

/// Compiles `src` (saved as `file` for asc) with both compilers and adds
/// every difference to `mismatches`; returns how many functions it compared.
fn compare(name: &str, src: &str, file: &Path, tmp: &Path, mismatches: &mut Vec<String>) -> usize {
    let ours = results(&compile(src));
    let ours_optimized = results(&compile_optimized(src));
    let theirs = results(&asc_compile(file, &tmp.join("out.wasm")));
    assert_eq!(
        ours.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        theirs.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        "{name}: the two modules export different functions"
    );
    let mut compared = 0;
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
    compared
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
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        compared += compare(&name, &src, file, tmp.path(), &mut mismatches);
    }
    eprintln!("{compared} functions compared against asc");
    assert!(
        mismatches.is_empty(),
        "differences from asc:\n{}",
        mismatches.join("\n")
    );
}

/// The UTF-16 escapes of the code points `from..to` as one string literal's
/// body (surrogates as lone units, astral code points as pairs).
fn escaped(from: u32, to: u32) -> String {
    let mut out = String::new();
    for cp in from..to {
        if cp < 0x10000 {
            out.push_str(&format!("\\u{cp:04X}"));
        } else {
            let c = cp - 0x10000;
            out.push_str(&format!(
                "\\u{:04X}\\u{:04X}",
                0xD800 + (c >> 10),
                0xDC00 + (c & 0x3FF)
            ));
        }
    }
    out
}

/// `toUpperCase` and `toLowerCase` of every UTF-16 code unit from U+0080
/// (the surrogates as lone and paired units), of the astral blocks that
/// have case, and of some astral code points without it, against asc: one
/// program with a pair of exports per block of 4,096 code points, each the
/// hash of every unit of the mapped block.
#[test]
fn unicode_case_mapping_matches_assemblyscript_over_the_bmp() {
    let mut blocks: Vec<(u32, u32)> = vec![(0x80, 0x1000)];
    blocks.extend((0x1000..0x10000).step_by(0x1000).map(|a| (a, a + 0x1000)));
    blocks.extend([
        (0x10400, 0x10600),
        (0x10C80, 0x10D00),
        (0x118A0, 0x11900),
        (0x16E40, 0x16EA0),
        (0x1D400, 0x1D480),
        (0x1E900, 0x1E960),
        (0x1F100, 0x1F200),
        (0x1F600, 0x1F650),
        (0x20000, 0x20040),
        (0x2F800, 0x2F840),
        (0xE0000, 0xE0080),
    ]);
    let mut src = String::from(
        "function hash(s: string): i32 {\n  let h = 7;\n  for (let i = 0; i < s.length; i++) h = h * 31 + s.charCodeAt(i);\n  return h * 131 + s.length;\n}\n",
    );
    for (from, to) in &blocks {
        let text = escaped(*from, *to);
        src.push_str(&format!(
            "export function upper_{from:05x}(): i32 {{ return hash(\"{text}\".toUpperCase()); }}\n\
             export function lower_{from:05x}(): i32 {{ return hash(\"{text}\".toLowerCase()); }}\n"
        ));
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("unicode_case.ts");
    std::fs::write(&file, &src).expect("write the program");
    let mut mismatches = Vec::new();
    let compared = compare(
        "unicode_case (generated)",
        &src,
        &file,
        tmp.path(),
        &mut mismatches,
    );
    assert_eq!(compared, blocks.len() * 2);
    assert!(
        mismatches.is_empty(),
        "differences from asc:\n{}",
        mismatches.join("\n")
    );
}
