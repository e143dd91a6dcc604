//! Any text fed to the TypeScript-subset compiler yields a valid module or
//! diagnostics, never a panic.
#![no_main]

use echelon::generator::{validate, Generator, GeneratorOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let r = Generator::new().generate_from_typescript(src, &GeneratorOptions::default());
    match r.wasm {
        Some(wasm) => assert!(validate(&wasm).valid, "invalid module for {src:?}"),
        None => assert!(!r.errors.is_empty(), "no diagnostics for {src:?}"),
    }
});
