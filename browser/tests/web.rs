//! Browser tests: run with `wasm-pack test --headless --chrome browser`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn shared_logic_runs_in_the_browser() {
    assert_eq!(
        echelon_shared::validation::validate_user(r#"{"email":"ada@example.com","age":36}"#),
        "valid"
    );
    assert_eq!(
        echelon_shared::validation::validate_user(r#"{"email":"ada","age":3}"#),
        r#"["Invalid email format","Must be 18 or older"]"#
    );
    assert_eq!(echelon_shared::compute::fibonacci(10).ok(), Some(55));
    assert_eq!(
        echelon_shared::image::apply_grayscale(&[255, 0, 0, 9], 1, 1).ok(),
        Some(vec![54, 54, 54, 9])
    );
}

#[wasm_bindgen_test]
fn bad_input_is_an_error_not_a_panic() {
    assert!(echelon_shared::compute::fibonacci(94).is_err());
    assert!(echelon_shared::crypto::encrypt_block(&[0; 5], &[0; 16]).is_err());
    assert!(echelon_shared::image::apply_grayscale(&[0; 3], 1, 1).is_err());
}

#[wasm_bindgen_test]
fn runs_in_a_real_page() {
    // The test runner's page has a document; the bindings run inside it.
    let global = js_sys::global();
    assert!(js_sys::Reflect::has(&global, &"document".into()).unwrap());
}
