//! Canvas rendering: the shared Mandelbrot renderer drawn in one
//! `putImageData`.

use echelon_shared::compute::{self, Viewport};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use crate::error::{document, js_error, window};

/// Draws the whole Mandelbrot set (centre -0.5+0i, 3.5 units wide) on the
/// `<canvas id=canvas_id>` at its current size, with `max_iterations`
/// (1..=100000) per pixel, and returns the time taken in milliseconds
/// (rendering and drawing).
///
/// The pixels come from `echelon_shared::compute::mandelbrot_into` (the same
/// code the server's guest module runs) and reach the canvas through a
/// single `ImageData`. Points in the set are black.
///
/// Errors: no such element, an element that is not a `<canvas>`, a canvas
/// without a 2D context, a zero-sized canvas, or `max_iterations` out of
/// range.
#[wasm_bindgen]
pub fn draw_mandelbrot(canvas_id: &str, max_iterations: u32) -> Result<f64, JsValue> {
    draw_mandelbrot_view(canvas_id, max_iterations, -0.5, 0.0, 3.5)
}

/// [`draw_mandelbrot`] for any view: `center_x + center_y i` at the middle
/// of the canvas, `view_width` units of the complex plane across it.
#[wasm_bindgen]
pub fn draw_mandelbrot_view(
    canvas_id: &str,
    max_iterations: u32,
    center_x: f64,
    center_y: f64,
    view_width: f64,
) -> Result<f64, JsValue> {
    let performance = window()?.performance();
    let started = performance.as_ref().map(|p| p.now());
    let canvas = canvas(canvas_id)?;
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or_else(|| js_error(format!("canvas `{canvas_id}` has no 2d context")))?
        .dyn_into()?;
    let (width, height) = (canvas.width(), canvas.height());
    let view = Viewport {
        center_x,
        center_y,
        width: view_width,
    };
    let pixels = compute::render_viewport(width, height, max_iterations, view)
        .map_err(|e| js_error(format!("canvas `{canvas_id}`: {e}")))?;
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&pixels), width, height)?;
    context.put_image_data(&image, 0.0, 0.0)?;
    Ok(match (performance, started) {
        (Some(p), Some(t0)) => p.now() - t0,
        _ => 0.0,
    })
}

/// The `<canvas>` with id `id`, or an error saying what is there instead.
fn canvas(id: &str) -> Result<HtmlCanvasElement, JsValue> {
    let element = document()?
        .get_element_by_id(id)
        .ok_or_else(|| js_error(format!("no element with id `{id}`")))?;
    let tag = element.tag_name().to_lowercase();
    element
        .dyn_into::<HtmlCanvasElement>()
        .map_err(|_| js_error(format!("element `{id}` is a <{tag}>, not a <canvas>")))
}
