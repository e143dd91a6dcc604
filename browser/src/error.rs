//! JavaScript `Error` values for the crate's failures.

use wasm_bindgen::JsValue;

/// A JavaScript `Error` with `message`, as a `JsValue` ready to return.
pub(crate) fn js_error(message: impl AsRef<str>) -> JsValue {
    js_sys::Error::new(message.as_ref()).into()
}

/// The page's `window`, or an error outside a browsing context (a worker).
pub(crate) fn window() -> Result<web_sys::Window, JsValue> {
    web_sys::window().ok_or_else(|| js_error("no `window`: echelon-browser needs a page"))
}

/// The page's `document`.
pub(crate) fn document() -> Result<web_sys::Document, JsValue> {
    window()?
        .document()
        .ok_or_else(|| js_error("the window has no `document`"))
}
