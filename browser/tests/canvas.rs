//! The Mandelbrot canvas, checked pixel by pixel through getImageData.
#![cfg(target_arch = "wasm32")]

mod common;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn canvas(id: &str, width: u32, height: u32) -> HtmlCanvasElement {
    let document = web_sys::window().and_then(|w| w.document()).expect("a page");
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .expect("canvas")
        .unchecked_into();
    canvas.set_id(id);
    canvas.set_width(width);
    canvas.set_height(height);
    document
        .body()
        .expect("body")
        .append_child(&canvas)
        .expect("append");
    canvas
}

fn pixel(canvas: &HtmlCanvasElement, x: f64, y: f64) -> Vec<u8> {
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .expect("context")
        .expect("2d")
        .unchecked_into();
    context
        .get_image_data(x, y, 1.0, 1.0)
        .expect("image data")
        .data()
        .to_vec()
}

#[wasm_bindgen_test]
fn draws_the_set_black_inside_and_coloured_outside() {
    let c = canvas("mandelbrot", 70, 40);
    echelon_browser::draw_mandelbrot("mandelbrot", 100).expect("drawn");
    // The default view is 3.5 wide centred on -0.5: pixel (x, y) is
    // c = -2.25 + x*0.05 + (y - 20)*0.05 i. The origin (x=45, y=20) and
    // c = -1 (x=25, y=20) are in the set.
    assert_eq!(pixel(&c, 45.0, 20.0), vec![0, 0, 0, 255]);
    assert_eq!(pixel(&c, 25.0, 20.0), vec![0, 0, 0, 255]);
    // The corner c = -2.25 - 1i escapes at once: opaque, not black.
    let corner = pixel(&c, 0.0, 0.0);
    assert_eq!(corner[3], 255);
    assert_ne!(&corner[..3], &[0, 0, 0]);
    // Every pixel is what the shared renderer computes.
    let context: CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().unchecked_into();
    let drawn = context
        .get_image_data(0.0, 0.0, 70.0, 40.0)
        .unwrap()
        .data()
        .to_vec();
    let expected = echelon_shared::compute::render_mandelbrot(70, 40, 100, -0.5, 0.0, 3.5).expect("rendered");
    assert_eq!(drawn, expected);
    c.remove();
}

#[wasm_bindgen_test]
fn errors_for_missing_or_wrong_elements() {
    let err = echelon_browser::draw_mandelbrot("no-canvas-here", 10).expect_err("missing");
    assert!(common::message(&err).contains("no-canvas-here"));

    let document = web_sys::window().and_then(|w| w.document()).unwrap();
    let div = document.create_element("div").unwrap();
    div.set_id("not-a-canvas");
    document.body().unwrap().append_child(&div).unwrap();
    let err = echelon_browser::draw_mandelbrot("not-a-canvas", 10).expect_err("not a canvas");
    let msg = common::message(&err);
    assert!(msg.contains("not a <canvas>") && msg.contains("<div>"), "{msg}");
    div.remove();

    let c = canvas("tiny", 4, 4);
    let err = echelon_browser::draw_mandelbrot("tiny", 0).expect_err("zero iterations");
    assert!(common::message(&err).contains("max_iterations"));
    c.remove();
}
