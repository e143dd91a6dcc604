//! Validity verdicts against the official WebAssembly spec testsuite
//! (WebAssembly 3.0: GC, typed function references, tail calls,
//! exceptions, memory64, multi-memory, extended-const, relaxed SIMD).
//!
//! `server/tests/spec/testsuite/` holds the testsuite's top-level `.wast`
//! files (commit 193e551f of github.com/WebAssembly/testsuite, Apache-2.0,
//! files over 80 KB left out: they are assertion-heavy SIMD/float/copy
//! tests whose modules the others already cover). For every module in
//! them, what `echelon validate` and the loader say (`runtime::validate`
//! with `engine_features()`) must be the testsuite's verdict:
//! - a module the suite defines or instantiates is valid, and the engine
//!   compiles it;
//! - `assert_invalid` modules are refused;
//! - `assert_malformed` binary modules are refused. (Malformed text is the
//!   text parser's concern, not the validator's: those are not counted.)

use std::path::PathBuf;

use echelon::runtime::{engine_config, engine_features, validate, RuntimeConfig};
use wast::core::{Module, ModuleKind};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastDirective, WastExecute, Wat};

fn suite() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/spec/testsuite");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "wast"))
        .collect();
    files.sort();
    files
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Valid,
    Invalid,
}

#[derive(Default)]
struct Tally {
    valid: usize,
    invalid: usize,
    text_level: usize,
    mismatches: Vec<String>,
}

fn is_binary(q: &QuoteWat<'_>) -> bool {
    matches!(
        q,
        QuoteWat::Wat(Wat::Module(Module {
            kind: ModuleKind::Binary(_),
            ..
        }))
    )
}

fn check(engine: &wasmtime::Engine, tally: &mut Tally, at: String, bytes: Vec<u8>, expect: Expect) {
    let ours = validate(&bytes, engine_features());
    match (expect, ours) {
        (Expect::Valid, Ok(())) => {
            tally.valid += 1;
            if let Err(e) = wasmtime::Module::new(engine, &bytes) {
                tally.mismatches.push(format!(
                    "{at}: valid, and validate accepts it, but the engine refuses it: {e:#}"
                ));
            }
        }
        (Expect::Valid, Err(e)) => tally
            .mismatches
            .push(format!("{at}: valid per the testsuite, refused: {e}")),
        (Expect::Invalid, Err(_)) => tally.invalid += 1,
        (Expect::Invalid, Ok(())) => tally
            .mismatches
            .push(format!("{at}: invalid per the testsuite, accepted")),
    }
}

#[test]
fn validity_verdicts_agree_with_the_spec_testsuite() {
    let engine = wasmtime::Engine::new(&engine_config(&RuntimeConfig::default())).expect("engine");
    let mut tally = Tally::default();
    let files = suite();
    assert!(
        files.len() > 200,
        "the vendored testsuite is missing ({} files)",
        files.len()
    );
    for path in &files {
        let name = path.file_name().expect("file name").to_string_lossy().to_string();
        let text = std::fs::read_to_string(path).expect("read .wast");
        // names.wast tests export names made of confusing characters on
        // purpose.
        let mut lexer = wast::lexer::Lexer::new(&text);
        lexer.allow_confusing_unicode(true);
        let buf = ParseBuffer::new_with_lexer(lexer).unwrap_or_else(|e| panic!("{name}: {e}"));
        let wast: Wast<'_> = parser::parse(&buf).unwrap_or_else(|e| panic!("{name}: {e}"));
        for directive in wast.directives {
            let (line, _) = directive.span().linecol_in(&text);
            let at = format!("{name}:{}", line + 1);
            let (mut module, expect) = match directive {
                WastDirective::Module(m) | WastDirective::ModuleDefinition(m) => (m, Expect::Valid),
                WastDirective::AssertUnlinkable { module, .. } => (QuoteWat::Wat(module), Expect::Valid),
                WastDirective::AssertTrap {
                    exec: WastExecute::Wat(module),
                    ..
                } => (QuoteWat::Wat(module), Expect::Valid),
                WastDirective::AssertInvalid { module, .. } => (module, Expect::Invalid),
                WastDirective::AssertMalformed { module, .. } if is_binary(&module) => {
                    (module, Expect::Invalid)
                }
                _ => continue,
            };
            if matches!(
                module,
                QuoteWat::QuoteComponent(..) | QuoteWat::Wat(Wat::Component(_))
            ) {
                continue;
            }
            match module.encode() {
                Ok(bytes) => check(&engine, &mut tally, at, bytes, expect),
                // The text layer (name resolution, syntax) refused it first:
                // the validator never sees such a module.
                Err(_) if expect == Expect::Invalid => tally.text_level += 1,
                Err(e) => panic!("{at}: a module the testsuite defines does not encode: {e}"),
            }
        }
    }
    println!(
        "{} files: {} valid modules accepted and compiled, {} invalid refused, {} refused by the text parser first",
        files.len(),
        tally.valid,
        tally.invalid,
        tally.text_level
    );
    assert!(
        tally.valid > 1000 && tally.invalid > 500,
        "too few modules checked"
    );
    assert!(
        tally.mismatches.is_empty(),
        "{} verdicts differ from the testsuite:\n{}",
        tally.mismatches.len(),
        tally.mismatches.join("\n")
    );
}
