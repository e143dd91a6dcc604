//! DOM helpers: a button and an element's text.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::{document, js_error};

/// Creates a `<button class="btn btn-primary">` showing `text`, appends it to
/// the end of `<body>` and returns it, so the caller can attach a listener or
/// move it elsewhere.
///
/// Fails (a JavaScript `Error`) when the page has no `<body>` yet.
#[wasm_bindgen]
pub fn create_button(text: &str) -> Result<web_sys::HtmlElement, JsValue> {
    let document = document()?;
    let body = document
        .body()
        .ok_or_else(|| js_error("the document has no <body> to append the button to"))?;
    let button: web_sys::HtmlElement = document.create_element("button")?.dyn_into()?;
    button.set_text_content(Some(text));
    button.set_class_name("btn btn-primary");
    body.append_child(&button)?;
    Ok(button)
}

/// The text content of the element with id `id` (its descendants' text,
/// concatenated).
///
/// A missing element is a JavaScript `Error` naming the id.
#[wasm_bindgen]
pub fn get_element_text(id: &str) -> Result<String, JsValue> {
    let element = document()?
        .get_element_by_id(id)
        .ok_or_else(|| js_error(format!("no element with id `{id}`")))?;
    Ok(element.text_content().unwrap_or_default())
}
