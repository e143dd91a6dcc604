//! The browser half of the glue: what the generated `#[wasm_bindgen]`
//! wrappers call. Compiled with the `browser` feature for `wasm32`.
//!
//! Numbers, `bool`, strings and bytes are wasm-bindgen's own conversions
//! (`u64`/`i64` are `bigint` in JavaScript, bytes are `Uint8Array`).
//! `Json<T>` is a plain JavaScript value, converted with `JSON.stringify`
//! and `JSON.parse`, so it matches the server's JSON exactly. `Option<T>`
//! is `T | undefined`. An `Err` (or an argument that does not convert)
//! throws a JavaScript `Error` whose message is the error's `Display`.

use std::fmt::Display;

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::scalar::invalid;
use crate::Json;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON, js_name = stringify, catch)]
    fn json_stringify(value: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(text: &str) -> Result<JsValue, JsValue>;
}

fn js_message(err: &JsValue) -> String {
    js_sys_message(err).unwrap_or_else(|| format!("{err:?}"))
}

fn js_sys_message(err: &JsValue) -> Option<String> {
    // `Error.prototype.message` without depending on js-sys.
    let message = JsValue::from_str("message");
    let text = reflect_get(err, &message)?;
    text.as_string()
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
    fn reflect_get_raw(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
}

fn reflect_get(target: &JsValue, key: &JsValue) -> Option<JsValue> {
    if !target.is_object() {
        return None;
    }
    reflect_get_raw(target, key).ok()
}

/// The JSON text of a JavaScript value (`undefined` has none).
fn to_json_text(value: &JsValue, name: &str) -> Result<String, JsError> {
    json_stringify(value)
        .map_err(|e| {
            JsError::new(&invalid(
                name,
                format!("cannot be written as JSON: {}", js_message(&e)),
            ))
        })?
        .as_string()
        .ok_or_else(|| JsError::new(&invalid(name, "undefined has no JSON form")))
}

/// A `Json<T>` parameter from a JavaScript value.
pub fn json_arg<T: DeserializeOwned>(value: &JsValue, name: &str) -> Result<Json<T>, JsError> {
    let text = to_json_text(value, name)?;
    serde_json::from_str(&text)
        .map(Json)
        .map_err(|e| JsError::new(&invalid(name, format!("not the expected JSON: {e}"))))
}

/// An `Option<Json<T>>` parameter: `null` and `undefined` are `None`.
pub fn optional_json_arg<T: DeserializeOwned>(
    value: &JsValue,
    name: &str,
) -> Result<Option<Json<T>>, JsError> {
    if value.is_null() || value.is_undefined() {
        return Ok(None);
    }
    json_arg(value, name).map(Some)
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(value)
        .map_err(|e| JsError::new(&format!("the result cannot be written as JSON: {e}")))?;
    json_parse(&text).map_err(|e| JsError::new(&js_message(&e)))
}

/// How a function's result becomes the wrapper's JavaScript result.
pub trait BrowserResult {
    /// What wasm-bindgen returns to JavaScript.
    type Js;
    /// Converts (an `Err` becomes a thrown `Error`).
    fn into_js(self) -> Result<Self::Js, JsError>;
}

/// How an `Option<T>` result is returned (`undefined` for `None`).
pub trait BrowserOption: Sized {
    /// What wasm-bindgen returns for `Option<Self>`.
    type Js;
    /// Converts.
    fn option_into_js(value: Option<Self>) -> Result<Self::Js, JsError>;
}

impl BrowserResult for () {
    type Js = ();
    fn into_js(self) -> Result<(), JsError> {
        Ok(())
    }
}

macro_rules! same {
    ($($t:ty),*) => {$(
        impl BrowserResult for $t {
            type Js = $t;
            fn into_js(self) -> Result<$t, JsError> { Ok(self) }
        }
        impl BrowserOption for $t {
            type Js = Option<$t>;
            fn option_into_js(value: Option<$t>) -> Result<Option<$t>, JsError> { Ok(value) }
        }
    )*};
}
same!(
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    isize,
    usize,
    f32,
    f64,
    bool,
    String,
    Vec<u8>
);

impl BrowserResult for &str {
    type Js = String;
    fn into_js(self) -> Result<String, JsError> {
        Ok(self.to_string())
    }
}

impl BrowserResult for &[u8] {
    type Js = Vec<u8>;
    fn into_js(self) -> Result<Vec<u8>, JsError> {
        Ok(self.to_vec())
    }
}

impl BrowserOption for &str {
    type Js = Option<String>;
    fn option_into_js(value: Option<Self>) -> Result<Option<String>, JsError> {
        Ok(value.map(str::to_string))
    }
}

impl BrowserOption for &[u8] {
    type Js = Option<Vec<u8>>;
    fn option_into_js(value: Option<Self>) -> Result<Option<Vec<u8>>, JsError> {
        Ok(value.map(<[u8]>::to_vec))
    }
}

impl<const N: usize> BrowserResult for [u8; N] {
    type Js = Vec<u8>;
    fn into_js(self) -> Result<Vec<u8>, JsError> {
        Ok(self.to_vec())
    }
}

impl<const N: usize> BrowserOption for [u8; N] {
    type Js = Option<Vec<u8>>;
    fn option_into_js(value: Option<Self>) -> Result<Option<Vec<u8>>, JsError> {
        Ok(value.map(|v| v.to_vec()))
    }
}

impl<T: Serialize> BrowserResult for Json<T> {
    type Js = JsValue;
    fn into_js(self) -> Result<JsValue, JsError> {
        to_js(&self.0)
    }
}

impl<T: Serialize> BrowserOption for Json<T> {
    type Js = JsValue;
    fn option_into_js(value: Option<Self>) -> Result<JsValue, JsError> {
        match value {
            Some(v) => to_js(&v.0),
            None => Ok(JsValue::UNDEFINED),
        }
    }
}

impl<T: BrowserOption> BrowserResult for Option<T> {
    type Js = T::Js;
    fn into_js(self) -> Result<T::Js, JsError> {
        T::option_into_js(self)
    }
}

impl<T: BrowserResult, E: Display> BrowserResult for Result<T, E> {
    type Js = T::Js;
    fn into_js(self) -> Result<T::Js, JsError> {
        match self {
            Ok(v) => v.into_js(),
            Err(e) => Err(JsError::new(&e.to_string())),
        }
    }
}
