//! What the browser tests share: the local test server's address.
#![allow(dead_code)]

/// `host:port` of `browser-test-server` (tests/browser_test_server.rs).
/// `cargo xtask test` starts it and sets `ECHELON_TEST_SERVER` while the
/// tests compile; the default matches the server's.
pub const SERVER: &str = match option_env!("ECHELON_TEST_SERVER") {
    Some(addr) => addr,
    None => "127.0.0.1:38917",
};

/// `http://SERVER{path}`.
pub fn http(path: &str) -> String {
    format!("http://{SERVER}{path}")
}

/// `ws://SERVER{path}`.
pub fn ws(path: &str) -> String {
    format!("ws://{SERVER}{path}")
}

/// The message of a JavaScript error value.
pub fn message(err: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    match err.dyn_ref::<js_sys::Error>() {
        Some(e) => String::from(e.message()),
        None => format!("{err:?}"),
    }
}
