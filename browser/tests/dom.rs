//! DOM bindings in a real page.
#![cfg(target_arch = "wasm32")]

mod common;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a page")
}

#[wasm_bindgen_test]
fn create_button_appends_a_button_to_the_body() {
    let button = echelon_browser::create_button("Save changes").expect("button");
    assert_eq!(button.tag_name(), "BUTTON");
    assert_eq!(button.class_name(), "btn btn-primary");
    let body = document().body().expect("body");
    let last = body.last_element_child().expect("a child");
    assert!(
        last.is_same_node(Some(button.unchecked_ref())),
        "the button is the body's last child"
    );

    button.set_id("save-button");
    assert_eq!(
        echelon_browser::get_element_text("save-button").ok().as_deref(),
        Some("Save changes")
    );
    button.remove();
}

#[wasm_bindgen_test]
fn get_element_text_reads_nested_text() {
    let div = document().create_element("div").expect("div");
    div.set_id("greeting");
    div.set_inner_html("Hello, <b>world</b>!");
    document()
        .body()
        .expect("body")
        .append_child(&div)
        .expect("append");
    assert_eq!(
        echelon_browser::get_element_text("greeting").ok().as_deref(),
        Some("Hello, world!")
    );
    div.remove();
}

#[wasm_bindgen_test]
fn a_missing_element_is_a_js_error_naming_the_id() {
    let err = echelon_browser::get_element_text("no-such-element").expect_err("missing element");
    assert!(err.is_instance_of::<js_sys::Error>());
    let msg = common::message(&err);
    assert!(msg.contains("no-such-element"), "{msg}");
}
