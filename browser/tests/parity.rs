//! Parity in the page: every shared function of the browser bundle against
//! the same function of the server's guest module, run by BrowserRuntime
//! (tests/guest_parity.rs checks the guest module against native code).
//!
//! The list of functions is not kept here: it is the guest module's
//! `echelon:abi` section, written by `#[echelon_guest::export]` from the
//! same definitions that write the bundle's wasm-bindgen exports. Each
//! listed function must be a JavaScript export of this bundle and have
//! cases below. Both sides are called from JavaScript (the bundle through
//! its own module, `/wasm-bindgen-test`, as a page would).
#![cfg(target_arch = "wasm32")]

mod common;

use echelon_browser::BrowserRuntime;
use echelon_shared::abi;
use js_sys::{Array, BigInt, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function bundle() { return import("/wasm-bindgen-test"); }
export async function abi_text(url) {
  const module = await WebAssembly.compile(await (await fetch(url)).arrayBuffer());
  const dec = new TextDecoder();
  return WebAssembly.Module.customSections(module, "echelon:abi").map((s) => dec.decode(s)).join("");
}
function show(v) {
  if (v instanceof Uint8Array) return "bytes:" + Array.from(v).join(",");
  // A u64 above 2^63 is the same bits as the guest ABI's negative i64.
  if (typeof v === "bigint") return "int:" + BigInt.asIntN(64, v);
  if (typeof v === "boolean") return "int:" + (v ? 1 : 0);
  if (typeof v === "number") return "num:" + v;
  if (typeof v === "string") return "str:" + v;
  if (v === undefined || v === null) return "none";
  return "json:" + JSON.stringify(v);
}
export function call_bundle(ns, name, args) {
  if (typeof ns[name] !== "function") return "missing";
  try { return show(ns[name](...args)); }
  catch (e) { return "error:" + (e instanceof Error ? e.message : String(e)); }
}
export function shown(v) { return show(v); }
"#)]
extern "C" {
    fn bundle() -> js_sys::Promise;
    fn abi_text(url: &str) -> js_sys::Promise;
    fn call_bundle(ns: &JsValue, name: &str, args: Array) -> String;
    fn shown(v: &JsValue) -> String;
}

fn n(v: f64) -> JsValue {
    JsValue::from_f64(v)
}

fn big(v: i64) -> JsValue {
    BigInt::from(v).into()
}

fn bytes(v: &[u8]) -> JsValue {
    Uint8Array::from(v).into()
}

/// A small RGBA test image with varied pixels.
fn image(width: u32, height: u32) -> Vec<u8> {
    (0..width * height * 4).map(|i| (i * 37 % 251) as u8).collect()
}

/// Arguments per function, keyed by name; `i64` parameters are `BigInt`s
/// on both sides.
fn cases() -> Vec<(&'static str, Vec<JsValue>)> {
    let px = image(6, 4);
    let png = echelon_shared::image::encode_png(&px, 6, 4).expect("encodes");
    let key: Vec<u8> = (0..32).collect();
    let block = b"0123456789abcdef".to_vec();
    let view = |w: f64, h: f64, it: f64| vec![n(w), n(h), n(it), n(-0.5), n(0.0), n(3.5)];
    vec![
        (
            "validate_user",
            vec![r#"{"email":"ada@example.com","age":36}"#.into()],
        ),
        ("validate_user", vec![r#"{"email":"ada","age":3}"#.into()]),
        ("validate_user", vec!["not json".into()]),
        ("apply_grayscale", vec![bytes(&px), n(6.0), n(4.0)]),
        ("apply_grayscale", vec![bytes(&px), n(5.0), n(4.0)]),
        ("resize_image", vec![bytes(&px), n(6.0), n(4.0), n(3.0), n(2.0)]),
        ("resize_image", vec![bytes(&px), n(6.0), n(4.0), n(0.0), n(2.0)]),
        (
            "process_image",
            vec![bytes(&px), n(6.0), n(4.0), n(3.0), n(3.0), n(80.0)],
        ),
        (
            "process_image",
            vec![bytes(&px), n(6.0), n(4.0), n(3.0), n(3.0), n(0.0)],
        ),
        ("process_upload", vec![bytes(&png), n(3.0), n(3.0)]),
        ("process_upload", vec![bytes(b"nope"), n(3.0), n(3.0)]),
        ("image_dimensions", vec![bytes(&png)]),
        ("image_dimensions", vec![bytes(b"GIF89a")]),
        ("encrypt_block", vec![bytes(&key), bytes(&block)]),
        ("encrypt_block", vec![bytes(&key), bytes(b"short")]),
        ("decrypt_block", vec![bytes(&key), bytes(&block)]),
        ("decrypt_block", vec![bytes(&block), bytes(&block)]),
        ("sha256", vec![bytes(b"")]),
        ("sha256", vec![bytes(&px)]),
        ("fibonacci", vec![n(10.0)]),
        ("fibonacci", vec![n(93.0)]),
        ("fibonacci", vec![n(94.0)]),
        ("factorial", vec![n(20.0)]),
        ("factorial", vec![n(21.0)]),
        ("is_prime", vec![big(1_000_000_007)]),
        ("is_prime", vec![big(91)]),
        ("monte_carlo_pi", vec![n(1000.0), big(42)]),
        ("monte_carlo_pi", vec![n(0.0), big(1)]),
        ("render_mandelbrot", view(16.0, 9.0, 50.0)),
        ("render_mandelbrot", view(4.0, 4.0, 0.0)),
    ]
}

#[wasm_bindgen_test]
async fn every_shared_function_agrees_between_bundle_and_guest() {
    let url = common::http("/guest.wasm");
    let text = JsFuture::from(abi_text(&url))
        .await
        .ok()
        .and_then(|t| t.as_string())
        .expect("the guest module's echelon:abi section");
    let sigs = abi::parse_section(&text).expect("the section parses");
    assert!(sigs.len() >= 14, "{text}");
    let rt = BrowserRuntime::load_url(url, None)
        .await
        .unwrap_or_else(|e| panic!("loading the guest module: {}", common::message(&e)));
    let ns = JsFuture::from(bundle()).await.expect("the bundle's own module");
    let cases = cases();
    for sig in &sigs {
        assert!(
            cases.iter().any(|(name, _)| *name == sig.name),
            "`{}` is exported but has no parity case in browser/tests/parity.rs",
            sig.name
        );
    }
    for (name, args) in cases {
        assert!(
            sigs.iter().any(|s| s.name == name),
            "a case names `{name}`, which the guest does not export"
        );
        let from_bundle = call_bundle(&ns, name, args.iter().cloned().collect());
        assert_ne!(from_bundle, "missing", "the bundle has no export `{name}`");
        let from_guest = match rt.call(name, args.clone()) {
            Ok(v) => shown(&v),
            // The runtime prefixes refusals with the function's name.
            Err(e) => format!(
                "error:{}",
                common::message(&e).trim_start_matches(&format!("{name}: "))
            ),
        };
        assert_eq!(from_bundle, from_guest, "{name}");
    }
}
