//! The shared logic, exported through wasm-bindgen with the same names and
//! argument order as the server's guest module.

use echelon_shared::{compute, crypto, image, validation};
use wasm_bindgen::prelude::*;

fn js(err: echelon_shared::Error) -> JsError {
    JsError::new(&err.to_string())
}

/// `"valid"` or a JSON array of messages; see `echelon_shared::validation`.
#[wasm_bindgen]
pub fn validate_user(json: &str) -> String {
    validation::validate_user(json)
}

/// RGBA grayscale of a `width x height` image.
#[wasm_bindgen]
pub fn apply_grayscale(pixels: &[u8], width: u32, height: u32) -> Result<Vec<u8>, JsError> {
    image::apply_grayscale(pixels, width, height).map_err(js)
}

/// Lanczos3 resize of an RGBA image.
#[wasm_bindgen]
pub fn resize_image(
    pixels: &[u8],
    width: u32,
    height: u32,
    new_width: u32,
    new_height: u32,
) -> Result<Vec<u8>, JsError> {
    image::resize_image(pixels, width, height, new_width, new_height).map_err(js)
}

/// The spec's aspect-preserving `process_image`.
#[wasm_bindgen]
pub fn process_image(
    pixels: &[u8],
    width: u32,
    height: u32,
    max_width: u32,
    max_height: u32,
    quality: u8,
) -> Result<Vec<u8>, JsError> {
    image::process_image(pixels, width, height, max_width, max_height, quality).map_err(js)
}

/// AES-256 encryption of one 16-byte block with a 32-byte key.
#[wasm_bindgen]
pub fn encrypt_block(key: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, JsError> {
    crypto::encrypt_block(key, plaintext).map_err(js)
}

/// AES-256 decryption of one 16-byte block with a 32-byte key.
#[wasm_bindgen]
pub fn decrypt_block(key: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>, JsError> {
    crypto::decrypt_block(key, ciphertext).map_err(js)
}

/// SHA-256 digest.
#[wasm_bindgen]
pub fn sha256(data: &[u8]) -> Vec<u8> {
    crypto::sha256(data).to_vec()
}

/// The `n`th Fibonacci number (as a `bigint` in JavaScript).
#[wasm_bindgen]
pub fn fibonacci(n: u32) -> Result<u64, JsError> {
    compute::fibonacci(n).map_err(js)
}

/// Seeded Monte Carlo estimate of pi.
#[wasm_bindgen]
pub fn monte_carlo_pi(iterations: u32, seed: u64) -> Result<f64, JsError> {
    compute::monte_carlo_pi(iterations, seed).map_err(js)
}

/// RGBA pixels of the Mandelbrot set, `width x height`, centred on
/// `center_x + center_y i` and `view_width` units across; the same renderer
/// as the server's guest module and [`crate::draw_mandelbrot`].
#[wasm_bindgen]
pub fn render_mandelbrot(
    width: u32,
    height: u32,
    max_iterations: u32,
    center_x: f64,
    center_y: f64,
    view_width: f64,
) -> Result<Vec<u8>, JsError> {
    let view = compute::Viewport {
        center_x,
        center_y,
        width: view_width,
    };
    compute::render_mandelbrot(width, height, max_iterations, view).map_err(js)
}
