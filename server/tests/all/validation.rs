//! Loading garbage, truncated, oversized and mutated modules gives
//! Validation errors with a kind and offset, never a panic.

use echelon::runtime::{RuntimeConfig, WasmSource};
use echelon::{Error, ValidationKind};
use proptest::prelude::*;

use crate::support::{example, runtime, runtime_with};

fn kind_of(e: Error) -> ValidationKind {
    match e {
        Error::Validation { kind, .. } => kind,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn actionable_validation_errors() {
    let (rt, _d) = runtime();
    let load = |b: Vec<u8>| {
        let rt = rt.clone();
        async move { rt.load_module(WasmSource::bytes(b)).await.unwrap_err() }
    };
    let e = load(b"GIF89a\0\0".to_vec()).await;
    assert!(e.to_string().contains("not a WebAssembly binary"), "{e}");
    assert_eq!(kind_of(e), ValidationKind::BadMagic);
    assert_eq!(
        kind_of(load(b"\0asm\x02\0\0\0".to_vec()).await),
        ValidationKind::UnsupportedVersion
    );
    let valid = wat::parse_file(example("wat/math.wat")).unwrap();
    let truncated = load(valid[..valid.len() / 2].to_vec()).await;
    match &truncated {
        Error::Validation { offset: Some(o), .. } => assert!(*o > 8),
        other => panic!("{other:?}"),
    }
    assert_eq!(kind_of(truncated), ValidationKind::MalformedSection);
    let mistyped = wat::parse_str("(module (func (export \"f\") (result i32) f64.const 1))").unwrap();
    let e = load(mistyped).await;
    assert!(e.to_string().contains("type mismatch"), "{e}");
    assert_eq!(kind_of(e), ValidationKind::TypeMismatch);
    let e = rt
        .load_module(WasmSource::bytes(&b"(module (func"[..]))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("WebAssembly text does not parse"), "{e}");
    let e = rt
        .load_module(WasmSource::file("/nonexistent/x.wasm"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "io");
    // A wrong echelon:abi section is refused at load, naming the mismatch.
    let mut lying =
        wat::parse_str("(module (func (export \"f\") (param i32) (result i32) local.get 0))").unwrap();
    wasm_custom_section(&mut lying, "echelon:abi", b"f(s: string) -> string\n");
    let e = load(lying).await;
    assert!(e.to_string().contains("lowers to (i32, i32) -> (i64)"), "{e}");
}

fn wasm_custom_section(module: &mut Vec<u8>, name: &str, data: &[u8]) {
    let mut payload = Vec::new();
    leb(&mut payload, name.len() as u32);
    payload.extend_from_slice(name.as_bytes());
    payload.extend_from_slice(data);
    module.push(0);
    leb(module, payload.len() as u32);
    module.extend_from_slice(&payload);
}

fn leb(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[tokio::test]
async fn oversized_inputs_are_refused_before_reading_them_all() {
    let (rt, _d) = runtime_with(RuntimeConfig::default().max_module_size(1024));
    let e = rt
        .load_module(WasmSource::bytes(vec![0u8; 4096]))
        .await
        .unwrap_err();
    assert_eq!(kind_of(e), ValidationKind::TooLarge);
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.wasm");
    std::fs::write(&big, vec![0u8; 2048]).unwrap();
    assert_eq!(
        kind_of(rt.load_module(WasmSource::file(&big)).await.unwrap_err()),
        ValidationKind::TooLarge
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let mut with_header = b"\0asm\x01\0\0\0".to_vec();
        with_header.extend_from_slice(&bytes);
        for b in [bytes, with_header] {
            match echelon::runtime::validate(&b, echelon::runtime::engine_features()) {
                Ok(()) => {}
                Err(Error::Validation { .. }) => {}
                Err(other) => prop_assert!(false, "unexpected error kind {other:?}"),
            }
        }
    }

    #[test]
    fn mutated_valid_modules_never_panic(pos in 8usize..400, byte in any::<u8>(), cut in 8usize..500) {
        let valid = wat::parse_file(example("wat/math.wat")).unwrap();
        let mut m = valid.clone();
        let i = pos % m.len();
        m[i] = byte;
        let _ = echelon::runtime::validate(&m, echelon::runtime::engine_features());
        let t = &valid[..cut.min(valid.len())];
        let _ = echelon::runtime::validate(t, echelon::runtime::engine_features());
    }
}

#[tokio::test]
async fn mutated_modules_that_validate_also_load_and_run_or_fail_cleanly() {
    // Beyond validation: whatever passes must compile, instantiate and run
    // (or fail with an error) without taking the runtime down.
    let (rt, _d) = runtime();
    let valid = wat::parse_file(example("wat/math.wat")).unwrap();
    let mut loaded = 0;
    for i in 8..valid.len() {
        for byte in [0x00u8, 0x01, 0x7f, 0xff] {
            let mut m = valid.clone();
            m[i] = byte;
            if let Ok(info) = rt
                .load_module_as(format!("mut-{i}-{byte}"), WasmSource::bytes(m))
                .await
            {
                loaded += 1;
                for e in info.exports.iter().filter(|e| e.kind == "func") {
                    let _ = rt
                        .execute_report::<Vec<echelon::Value>>(
                            &info.id,
                            &e.name,
                            vec![],
                            echelon::ExecOptions::default(),
                        )
                        .await;
                }
                rt.unload_module(&info.id).await.unwrap();
            }
        }
    }
    assert!(loaded > 0, "some mutations keep the module valid");
}
