//! fetch_json against the local test server.
#![cfg(target_arch = "wasm32")]

mod common;

use js_sys::Reflect;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn parses_a_json_body() {
    let value = echelon_browser::fetch_json(common::http("/json"))
        .await
        .expect("200 JSON");
    let get = |k: &str| Reflect::get(&value, &k.into()).expect("field");
    assert_eq!(get("name").as_string().as_deref(), Some("echelon"));
    assert_eq!(get("answer").as_f64(), Some(42.0));
    assert_eq!(js_sys::Array::from(&get("items")).length(), 3);
}

#[wasm_bindgen_test]
async fn a_404_is_an_error_with_the_status() {
    let err = echelon_browser::fetch_json(common::http("/missing"))
        .await
        .expect_err("404");
    let msg = common::message(&err);
    assert!(msg.contains("404"), "{msg}");
    assert_eq!(
        Reflect::get(&err, &"status".into()).ok(),
        Some(JsValue::from(404))
    );
}

#[wasm_bindgen_test]
async fn a_non_json_body_is_an_error() {
    // A 200 whose body is not JSON: the guest module's bytes.
    let err = echelon_browser::fetch_json(common::http("/guest.wasm"))
        .await
        .expect_err("not JSON");
    assert!(common::message(&err).contains("not JSON"));
}
