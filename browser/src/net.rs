//! Fetch: JSON over HTTP with status errors surfaced.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, RequestMode, Response};

use crate::error::{js_error, window};

/// GETs `url` with `Accept: application/json` and resolves to the parsed
/// body.
///
/// Rejects with a JavaScript `Error` when the request fails (network, CORS),
/// when the status is not 2xx (the message names the status, e.g.
/// `GET /missing: HTTP 404 Not Found`, and the error's `status` property
/// holds the number), or when the body is not JSON.
#[wasm_bindgen]
pub async fn fetch_json(url: String) -> Result<JsValue, JsValue> {
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_mode(RequestMode::Cors);
    let request = Request::new_with_str_and_init(&url, &init)?;
    request.headers().set("Accept", "application/json")?;
    let response: Response = JsFuture::from(window()?.fetch_with_request(&request))
        .await
        .map_err(|e| js_error(format!("GET {url}: {}", describe(&e))))?
        .dyn_into()?;
    check_status("GET", &url, &response)?;
    let json = JsFuture::from(response.json()?)
        .await
        .map_err(|e| js_error(format!("GET {url}: the body is not JSON: {}", describe(&e))))?;
    Ok(json)
}

/// An error for a non-2xx `response`, carrying `status` as a property.
pub(crate) fn check_status(method: &str, url: &str, response: &Response) -> Result<(), JsValue> {
    if response.ok() {
        return Ok(());
    }
    let status = response.status();
    let text = response.status_text();
    let err = js_error(format!("{method} {url}: HTTP {status} {text}").trim_end());
    js_sys::Reflect::set(&err, &"status".into(), &status.into())?;
    Err(err)
}

/// The message of a thrown JavaScript value.
pub(crate) fn describe(value: &JsValue) -> String {
    match value.dyn_ref::<js_sys::Error>() {
        Some(e) => String::from(e.message()),
        None => value.as_string().unwrap_or_else(|| format!("{value:?}")),
    }
}
