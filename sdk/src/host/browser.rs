//! Host functions in the browser bundle: the browser's own APIs where one
//! exists (`console`, `Date.now`, `crypto.getRandomValues`), otherwise "not
//! available" answers. Nothing is imported from module `echelon`.

use wasm_bindgen::prelude::*;

use super::{HostError, HttpRequest, HttpResponse, Level};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = debug)]
    fn console_debug(message: &str);
    #[wasm_bindgen(js_namespace = console, js_name = info)]
    fn console_info(message: &str);
    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    fn console_warn(message: &str);
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
    // `globalThis.crypto`: pages, workers and Node.js 19+.
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]);
}

const IN_BROWSER: &str = "in the browser bundle";

pub fn log(level: Level, message: &str) {
    match level {
        Level::Debug => console_debug(message),
        Level::Info => console_info(message),
        Level::Warn => console_warn(message),
        Level::Error => console_error(message),
    }
}

pub fn config_get(_key: &str) -> Option<String> {
    None
}

pub fn kv_get(_key: &str) -> Option<Vec<u8>> {
    None
}

pub fn kv_set(_key: &str, _value: &[u8]) -> Result<(), HostError> {
    Err(HostError::Unavailable {
        function: "kv_set",
        reason: IN_BROWSER,
    })
}

pub fn kv_delete(_key: &str) -> bool {
    false
}

pub fn http_request(_request: &HttpRequest) -> Result<HttpResponse, HostError> {
    Err(HostError::Unavailable {
        function: "http_request",
        reason: "in the browser bundle (it is synchronous there; use `fetch` from JavaScript)",
    })
}

pub fn random_bytes(buf: &mut [u8]) {
    // getRandomValues refuses more than 65536 bytes per call.
    for chunk in buf.chunks_mut(65_536) {
        get_random_values(chunk);
    }
}

pub fn now_ms() -> i64 {
    date_now() as i64
}
