//! Any text fed to `compile_expression` yields a valid module or an error.
#![no_main]

use echelon::generator::{validate, Generator, ValueType};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    if let Ok(wasm) = Generator::new().compile_expression(src, ValueType::F64) {
        assert!(validate(&wasm).valid, "invalid module for {src:?}");
    }
});
