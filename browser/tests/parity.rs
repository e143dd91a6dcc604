//! Parity in the page: every shared function of the browser bundle against
//! the same function of the server's guest module, run by BrowserRuntime
//! (tests/guest_parity.rs checks the guest module against native code).
#![cfg(target_arch = "wasm32")]

mod common;

use echelon_browser::{self as bundle, BrowserRuntime};
use js_sys::Uint8Array;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn n(v: u32) -> JsValue {
    JsValue::from(v)
}

fn bytes(v: &[u8]) -> JsValue {
    Uint8Array::from(v).into()
}

/// A small RGBA test image with varied pixels.
fn image(width: u32, height: u32) -> Vec<u8> {
    (0..width * height * 4).map(|i| (i * 37 % 251) as u8).collect()
}

/// The guest's result as bytes, or its error message.
fn guest_bytes(rt: &BrowserRuntime, name: &str, args: Vec<JsValue>) -> Result<Vec<u8>, String> {
    rt.call(name, args)
        .map(|v| v.dyn_into::<Uint8Array>().expect("a bytes result").to_vec())
        .map_err(|e| common::message(&e))
}

/// The bundle's result, with its error message prefixed like the guest's.
fn bundle_bytes(name: &str, r: Result<Vec<u8>, wasm_bindgen::JsError>) -> Result<Vec<u8>, String> {
    r.map_err(|e| format!("{name}: {}", common::message(&e.into())))
}

#[wasm_bindgen_test]
async fn every_shared_function_agrees_between_bundle_and_guest() {
    let rt = BrowserRuntime::load_url(common::http("/guest.wasm"), None)
        .await
        .unwrap_or_else(|e| panic!("loading the guest module: {}", common::message(&e)));

    for json in [
        r#"{"email":"ada@example.com","age":36}"#,
        r#"{"email":"ada","age":3}"#,
        r#"{"email":"a@b.co","age":18}"#,
        "not json",
        "",
    ] {
        let guest = rt
            .call("validate_user", vec![json.into()])
            .ok()
            .and_then(|v| v.as_string());
        assert_eq!(
            guest,
            Some(bundle::validate_user(json)),
            "validate_user({json:?})"
        );
    }

    let px = image(6, 4);
    for (w, h) in [(6, 4), (5, 4)] {
        assert_eq!(
            guest_bytes(&rt, "apply_grayscale", vec![bytes(&px), n(w), n(h)]),
            bundle_bytes("apply_grayscale", bundle::apply_grayscale(&px, w, h)),
            "apply_grayscale {w}x{h}"
        );
    }
    for (nw, nh) in [(3, 2), (12, 9), (0, 2)] {
        assert_eq!(
            guest_bytes(&rt, "resize_image", vec![bytes(&px), n(6), n(4), n(nw), n(nh)]),
            bundle_bytes("resize_image", bundle::resize_image(&px, 6, 4, nw, nh)),
            "resize_image to {nw}x{nh}"
        );
    }
    for (mw, mh, q) in [(3, 3, 80), (100, 100, 100), (3, 3, 0)] {
        assert_eq!(
            guest_bytes(
                &rt,
                "process_image",
                vec![bytes(&px), n(6), n(4), n(mw), n(mh), n(q)]
            ),
            bundle_bytes("process_image", bundle::process_image(&px, 6, 4, mw, mh, q as u8)),
            "process_image within {mw}x{mh} at {q}"
        );
    }

    let key: Vec<u8> = (0..32).collect();
    let block = b"0123456789abcdef".to_vec();
    for (k, b) in [(&key, &block), (&key, &b"short".to_vec()), (&block, &block)] {
        assert_eq!(
            guest_bytes(&rt, "encrypt_block", vec![bytes(k), bytes(b)]),
            bundle_bytes("encrypt_block", bundle::encrypt_block(k, b)),
        );
        assert_eq!(
            guest_bytes(&rt, "decrypt_block", vec![bytes(k), bytes(b)]),
            bundle_bytes("decrypt_block", bundle::decrypt_block(k, b)),
        );
    }
    for data in [&b""[..], b"abc", &px] {
        assert_eq!(
            guest_bytes(&rt, "sha256", vec![bytes(data)]),
            Ok(bundle::sha256(data))
        );
    }

    for k in [0, 1, 10, 93, 94] {
        let guest = rt
            .call("fibonacci", vec![n(k)])
            .map(|v| i64::try_from(v).ok())
            .map_err(|e| common::message(&e));
        let native = bundle::fibonacci(k)
            .map(|v| Some(v as i64))
            .map_err(|e| format!("fibonacci: {}", common::message(&e.into())));
        assert_eq!(guest, native, "fibonacci({k})");
    }
    for (iterations, seed) in [(1, 0), (1000, 42), (20_000, 7)] {
        let guest = rt
            .call("monte_carlo_pi", vec![n(iterations), JsValue::from(seed)])
            .ok()
            .and_then(|v| v.as_f64());
        assert_eq!(
            guest,
            bundle::monte_carlo_pi(iterations, seed as u64).ok(),
            "monte_carlo_pi"
        );
    }
    let args = |w: u32, h: u32, it: u32| {
        vec![
            n(w),
            n(h),
            n(it),
            JsValue::from(-0.5),
            JsValue::from(0.0),
            JsValue::from(3.5),
        ]
    };
    for (w, h, it) in [(16, 9, 50), (3, 3, 1), (4, 4, 0)] {
        assert_eq!(
            guest_bytes(&rt, "render_mandelbrot", args(w, h, it)),
            bundle_bytes(
                "render_mandelbrot",
                bundle::render_mandelbrot(w, h, it, -0.5, 0.0, 3.5)
            ),
            "render_mandelbrot {w}x{h} at {it}"
        );
    }
}
