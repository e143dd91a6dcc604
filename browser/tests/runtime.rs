//! BrowserRuntime: fixtures from bytes, the shared guest module from the
//! test server (streaming and the wrong-MIME fallback).
#![cfg(target_arch = "wasm32")]

mod common;

use echelon_browser::BrowserRuntime;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CORE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/core.wasm"));
const ABI: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/abi.wasm"));
const MISMATCH: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/mismatch.wasm"));
const IMPORTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/imports.wasm"));

fn n(v: f64) -> JsValue {
    JsValue::from(v)
}

fn big(v: i64) -> JsValue {
    JsValue::from(v)
}

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

fn bytes(v: &[u8]) -> JsValue {
    Uint8Array::from(v).into()
}

async fn guest() -> BrowserRuntime {
    BrowserRuntime::load_url(common::http("/guest.wasm"), None)
        .await
        .unwrap_or_else(|e| panic!("loading the guest module: {}", common::message(&e)))
}

#[wasm_bindgen_test]
async fn core_module_from_bytes() {
    let rt = BrowserRuntime::load_bytes(CORE.to_vec(), None)
        .await
        .expect("loaded");
    assert_eq!(rt.loaded_by(), "bytes");
    assert!(!rt.has_abi());
    assert_eq!(rt.functions(), vec!["add", "mul64", "half", "div"]);
    assert_eq!(rt.signature("add"), None);
    assert_eq!(rt.call("add", vec![n(2.0), n(40.0)]).ok(), Some(n(42.0)));
    // i64 is a BigInt both ways.
    let product = rt.call("mul64", vec![big(3_000_000_000), big(3)]).expect("mul64");
    assert!(product.is_bigint());
    assert_eq!(i64::try_from(product).ok(), Some(9_000_000_000));
    assert_eq!(rt.call("half", vec![n(5.0)]).ok(), Some(n(2.5)));
    // i64 also takes safe-integer numbers and decimal strings, like the server.
    assert_eq!(rt.call("mul64", vec![n(3.0), s("-4")]).ok(), Some(big(-12)));
    // u32 values are accepted for i32 and wrap.
    assert_eq!(
        rt.call("add", vec![n(4_294_967_295.0), n(1.0)]).ok(),
        Some(n(0.0))
    );
}

#[wasm_bindgen_test]
async fn an_abi_section_that_contradicts_the_exports_is_refused() {
    let err = BrowserRuntime::load_bytes(MISMATCH.to_vec(), None)
        .await
        .err()
        .expect("refused");
    let msg = common::message(&err);
    assert!(
        msg.contains("`half(x: i64) -> i64` does not match") && msg.contains("(f64) -> (f64)"),
        "{msg}"
    );
}

#[wasm_bindgen_test]
async fn core_module_errors() {
    let rt = BrowserRuntime::load_bytes(CORE.to_vec(), None)
        .await
        .expect("loaded");
    let msg = |r: Result<JsValue, JsValue>| common::message(&r.expect_err("an error"));
    assert!(msg(rt.call("add", vec![n(1.0)])).contains("expected 2 argument(s), got 1"));
    // Core types are read from the binary: checked with the server's rules.
    let ty = msg(rt.call("add", vec![n(1.0), s("2")]));
    assert!(
        ty.contains("argument 1: expected an integer number, got string"),
        "{ty}"
    );
    assert!(msg(rt.call("add", vec![n(1.5), n(2.0)])).contains("1.5 is not an i32"));
    assert!(msg(rt.call("add", vec![big(1), n(2.0)])).contains("got bigint"));
    assert!(msg(rt.call("mul64", vec![n(1e300), big(1)])).contains("pass a BigInt"));
    assert!(msg(rt.call("nope", vec![])).contains("no function `nope`"));
    // A trap without echelon_last_error: the engine's message.
    let trap = msg(rt.call("div", vec![n(1.0), n(0.0)]));
    assert!(
        trap.starts_with("div: ") && trap.contains("divide by zero"),
        "{trap}"
    );
    // Not a module at all.
    let err = BrowserRuntime::load_bytes(b"not wasm".to_vec(), None)
        .await
        .err()
        .expect("invalid");
    assert!(!common::message(&err).is_empty());
}

#[wasm_bindgen_test]
async fn abi_fixture_lowers_and_lifts_values() {
    let rt = BrowserRuntime::load_bytes(ABI.to_vec(), None)
        .await
        .expect("loaded");
    assert!(rt.has_abi());
    assert_eq!(rt.signature("echo").as_deref(), Some("echo(value: json) -> json"));
    assert_eq!(rt.signature("add"), None);

    let value = js_sys::JSON::parse(r#"{"a":[1,2,{"b":"ü"}],"c":null}"#).unwrap();
    let back = rt.call("echo", vec![value]).expect("echo");
    assert_eq!(
        js_sys::JSON::stringify(&back).unwrap().as_string().as_deref(),
        Some(r#"{"a":[1,2,{"b":"ü"}],"c":null}"#)
    );
    // UTF-8 length, not UTF-16.
    assert_eq!(rt.call("length", vec![s("héllo")]).ok(), Some(n(6.0)));
    assert_eq!(rt.call("length", vec![s("")]).ok(), Some(n(0.0)));
    assert_eq!(rt.call("is_even", vec![big(1 << 40)]).ok(), Some(JsValue::TRUE));
    assert_eq!(rt.call("is_even", vec![n(7.0)]).ok(), Some(JsValue::FALSE));
    assert_eq!(rt.call("refuse", vec![n(5.0)]).ok(), Some(n(5.0)));
    // Exports outside the section take core values.
    assert_eq!(rt.call("add", vec![n(1.0), n(2.0)]).ok(), Some(n(3.0)));
}

#[wasm_bindgen_test]
async fn abi_fixture_errors() {
    let rt = BrowserRuntime::load_bytes(ABI.to_vec(), None)
        .await
        .expect("loaded");
    let msg = |r: Result<JsValue, JsValue>| common::message(&r.expect_err("an error"));
    // The guest's own message after a trap.
    assert_eq!(
        msg(rt.call("refuse", vec![n(-1.0)])),
        "refuse: refused: n must be positive"
    );
    // ...and it is cleared once read: the next refusal reports again.
    assert_eq!(
        msg(rt.call("refuse", vec![n(0.0)])),
        "refuse: refused: n must be positive"
    );
    let count = msg(rt.call("length", vec![]));
    assert!(
        count.contains("expected 1 argument(s) (length(text: string) -> i32), got 0"),
        "{count}"
    );
    let ty = msg(rt.call("length", vec![n(3.0)]));
    assert!(
        ty.contains("argument 0 `text`: expected a string, got number"),
        "{ty}"
    );
    assert!(msg(rt.call("refuse", vec![n(1.5)])).contains("is not an i32"));
    assert!(msg(rt.call("is_even", vec![n(2f64.powi(60))])).contains("pass a BigInt"));
    assert!(msg(rt.call("echo", vec![JsValue::UNDEFINED])).contains("undefined is not JSON"));
}

#[wasm_bindgen_test]
async fn shared_guest_module_streams_and_runs_through_the_abi() {
    let rt = guest().await;
    assert_eq!(rt.loaded_by(), "streaming");
    assert!(rt.has_abi());
    let user = |json: &str| {
        rt.call("validate_user", vec![s(json)])
            .expect("validate_user")
            .as_string()
    };
    assert_eq!(
        user(r#"{"email":"ada@example.com","age":36}"#).as_deref(),
        Some("valid")
    );
    // The same answer as the shared code compiled into this test.
    let bad = r#"{"email":"ada","age":3}"#;
    assert_eq!(user(bad), Some(echelon_shared::validation::validate_user(bad)));

    let gray = rt
        .call("apply_grayscale", vec![bytes(&[255, 0, 0, 9]), n(1.0), n(1.0)])
        .expect("apply_grayscale");
    assert_eq!(
        gray.dyn_into::<Uint8Array>().expect("bytes").to_vec(),
        vec![54, 54, 54, 9]
    );
    let fib = rt.call("fibonacci", vec![n(90.0)]).expect("fibonacci");
    assert_eq!(i64::try_from(fib).ok(), Some(2_880_067_194_370_816_120));
    assert_eq!(rt.call("is_prime", vec![big(7_919)]).ok(), Some(JsValue::TRUE));
    let pi = rt.call("monte_carlo_pi", vec![n(10_000.0), big(7)]).expect("pi");
    assert_eq!(
        pi.as_f64(),
        echelon_shared::compute::monte_carlo_pi(10_000, 7).ok()
    );

    let key = [7u8; 32];
    let block = *b"sixteen byte msg";
    let sealed = rt
        .call("encrypt_block", vec![bytes(&key), bytes(&block)])
        .expect("encrypt");
    let sealed: Uint8Array = sealed.dyn_into().expect("bytes");
    assert_eq!(
        Some(sealed.to_vec()),
        echelon_shared::crypto::encrypt_block(&key, &block).ok()
    );
    let opened = rt
        .call("decrypt_block", vec![bytes(&key), sealed.into()])
        .expect("decrypt");
    assert_eq!(opened.dyn_into::<Uint8Array>().unwrap().to_vec(), block.to_vec());
}

#[wasm_bindgen_test]
async fn shared_guest_refusals_surface_the_guest_message() {
    let rt = guest().await;
    let err = rt
        .call("apply_grayscale", vec![bytes(&[1, 2, 3]), n(1.0), n(1.0)])
        .expect_err("wrong buffer size");
    let native = echelon_shared::image::apply_grayscale(&[1, 2, 3], 1, 1).expect_err("native refuses too");
    assert_eq!(common::message(&err), format!("apply_grayscale: {native}"));
    // The module still works after a trap.
    assert_eq!(
        rt.call("validate_user", vec![s("nonsense")])
            .ok()
            .and_then(|v| v.as_string()),
        Some(echelon_shared::validation::validate_user("nonsense"))
    );
}

#[wasm_bindgen_test]
async fn wrong_mime_type_falls_back_to_bytes() {
    let rt = BrowserRuntime::load_url(common::http("/guest-wrong-mime.wasm"), None)
        .await
        .unwrap_or_else(|e| panic!("{}", common::message(&e)));
    assert_eq!(rt.loaded_by(), "bytes");
    assert_eq!(rt.call("fibonacci", vec![n(10.0)]).ok(), Some(big(55)));
    let err = BrowserRuntime::load_url(common::http("/missing"), None)
        .await
        .err()
        .expect("404");
    assert!(common::message(&err).contains("404"));
    assert_eq!(Reflect::get(&err, &"status".into()).ok(), Some(n(404.0)));
}

#[wasm_bindgen_test]
async fn an_unclean_trap_replaces_the_instance_a_refusal_does_not() {
    let rt = BrowserRuntime::load_bytes(ABI.to_vec(), None)
        .await
        .expect("loaded");
    assert_eq!(rt.call("counter", vec![]).ok(), Some(n(1.0)));
    assert_eq!(rt.call("counter", vec![]).ok(), Some(n(2.0)));
    // A clean refusal keeps the instance (and its state).
    assert!(rt.call("refuse", vec![n(0.0)]).is_err());
    assert_eq!(rt.call("counter", vec![]).ok(), Some(n(3.0)));
    // A trap without a message: the engine's message, then a fresh instance.
    let err = rt.call("crash", vec![]).expect_err("trap");
    let msg = common::message(&err);
    assert!(msg.starts_with("crash: ") && msg.contains("unreachable"), "{msg}");
    assert_eq!(rt.call("counter", vec![]).ok(), Some(n(1.0)));
    // The fresh instance still speaks the ABI.
    assert_eq!(rt.call("length", vec![s("four")]).ok(), Some(n(4.0)));
}

#[wasm_bindgen_test]
async fn imports_reach_the_module_and_survive_a_new_instance() {
    let err = BrowserRuntime::load_bytes(IMPORTS.to_vec(), None)
        .await
        .err()
        .expect("env.twice is missing");
    let msg = common::message(&err);
    assert!(msg.contains("twice") || msg.contains("env"), "{msg}");

    let env = js_sys::Object::new();
    Reflect::set(
        &env,
        &"twice".into(),
        &js_sys::Function::new_with_args("x", "return x * 2"),
    )
    .unwrap();
    let imports = js_sys::Object::new();
    Reflect::set(&imports, &"env".into(), &env).unwrap();
    let rt = BrowserRuntime::load_bytes(IMPORTS.to_vec(), Some(imports))
        .await
        .expect("loaded");
    assert_eq!(rt.call("quadruple", vec![n(5.0)]).ok(), Some(n(20.0)));
    assert!(rt.call("crash", vec![]).is_err());
    // The replacement instance was linked with the same imports.
    assert_eq!(rt.call("quadruple", vec![n(6.0)]).ok(), Some(n(24.0)));
}
