//! Validation of module bytes with `wasmparser`, with an explicit feature set.

use serde::{Deserialize, Serialize};
use wasmparser::{Validator, WasmFeatures};

/// The outcome of [`validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationReport {
    /// Whether the module is valid under [`features`].
    pub valid: bool,
    /// What is wrong, each with the byte offset it was found at.
    pub errors: Vec<String>,
}

/// The WebAssembly features generated and accepted modules may use: the 2.0
/// core (MVP floats, mutable globals, non-trapping float to int, sign
/// extension, multi-value, bulk memory, reference types, fixed-width SIMD).
/// Threads, GC, exceptions, tail calls and memory64 are off.
pub fn features() -> WasmFeatures {
    WasmFeatures::FLOATS
        | WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::MULTI_VALUE
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::REFERENCE_TYPES
        | WasmFeatures::SIMD
}

/// Validates `wasm` (the binary format, not WAT).
pub fn validate(wasm: &[u8]) -> ValidationReport {
    validate_with_features(wasm, features())
}

/// Validates `wasm` under the given feature set (e.g. wasmparser's
/// default, every standardised proposal, for rustc and wasm-bindgen output).
pub fn validate_with_features(wasm: &[u8], features: WasmFeatures) -> ValidationReport {
    let mut validator = Validator::new_with_features(features);
    match validator.validate_all(wasm) {
        Ok(_) => ValidationReport {
            valid: true,
            errors: Vec::new(),
        },
        Err(e) => ValidationReport {
            valid: false,
            errors: vec![format!("{} (at byte offset {:#x})", e.message(), e.offset())],
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn accepts_and_rejects() {
        assert!(super::validate(b"\0asm\x01\0\0\0").valid);
        let r = super::validate(b"\0asm\x02\0\0\0");
        assert!(!r.valid);
        assert!(r.errors[0].contains("offset"), "{:?}", r.errors);
    }
}
