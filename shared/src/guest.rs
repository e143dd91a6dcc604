//! The guest ABI exports (DESIGN.md, "Guest ABI"; see [`crate::abi`]).
//!
//! Compiled only with the `guest` feature, for
//! `--target wasm32-unknown-unknown`. Each export lowers its high-level
//! signature from `abi.txt`, which is embedded below as the `echelon:abi`
//! custom section.

#![allow(unsafe_code)]

use std::alloc::{alloc, dealloc, Layout};
use std::cell::RefCell;

use crate::abi::pack;
use crate::{compute, crypto, image, validation, Error};

#[used]
#[link_section = "echelon:abi"]
static ECHELON_ABI: [u8; include_bytes!("abi.txt").len()] = *include_bytes!("abi.txt");

thread_local! {
    static LAST_ERROR: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Allocates `len` bytes of guest memory for the host to write an argument
/// into. Returns 0 for `len <= 0` or when memory is exhausted.
#[no_mangle]
pub extern "C" fn echelon_alloc(len: i32) -> i32 {
    let Ok(size) = usize::try_from(len) else { return 0 };
    if size == 0 {
        return 0;
    }
    match Layout::from_size_align(size, 1) {
        // SAFETY: the layout has a non-zero size.
        Ok(layout) => unsafe { alloc(layout) as i32 },
        Err(_) => 0,
    }
}

/// Frees memory from [`echelon_alloc`] or a packed result. `len` must be the
/// length it was allocated with; a zero pointer or length is a no-op.
///
/// # Safety
/// `ptr` must come from this module's allocator with exactly `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn echelon_free(ptr: i32, len: i32) {
    let Ok(size) = usize::try_from(len) else { return };
    if ptr == 0 || size == 0 {
        return;
    }
    if let Ok(layout) = Layout::from_size_align(size, 1) {
        // SAFETY: the caller guarantees ptr/len came from our allocator.
        unsafe { dealloc(ptr as *mut u8, layout) }
    }
}

/// The message of the last refused call as a packed string (0 when none),
/// cleared by reading it.
#[no_mangle]
pub extern "C" fn echelon_last_error() -> i64 {
    match LAST_ERROR.with(|e| e.borrow_mut().take()) {
        Some(msg) => give(msg.into_bytes()),
        None => 0,
    }
}

/// Hands a buffer to the host: leaks it with capacity == len so that
/// `echelon_free(ptr, len)` releases exactly what was allocated.
fn give(bytes: Vec<u8>) -> i64 {
    let boxed = bytes.into_boxed_slice();
    let len = boxed.len() as u32;
    if len == 0 {
        return 0;
    }
    let ptr = Box::into_raw(boxed) as *mut u8 as u32;
    pack(ptr, len)
}

/// Borrows a `(ptr, len)` argument.
///
/// # Safety
/// The host wrote `len` bytes at `ptr` (from `echelon_alloc`) and keeps them
/// until the call returns.
unsafe fn arg<'a>(ptr: i32, len: i32) -> &'a [u8] {
    match usize::try_from(len) {
        Ok(n) if n > 0 && ptr != 0 => unsafe { std::slice::from_raw_parts(ptr as *const u8, n) },
        _ => &[],
    }
}

/// Records why a call was refused and traps; the host reads the message
/// with `echelon_last_error`.
fn refuse(err: Error) -> ! {
    LAST_ERROR.with(|e| *e.borrow_mut() = Some(err.to_string()));
    core::arch::wasm32::unreachable()
}

fn ok<T>(r: Result<T, Error>) -> T {
    r.unwrap_or_else(|e| refuse(e))
}

fn unsigned(name: &'static str, v: i32) -> u32 {
    u32::try_from(v).unwrap_or_else(|_| refuse(Error::invalid(name, format!("{v} is negative"))))
}

/// `validate_user(json: string) -> string`
#[no_mangle]
pub unsafe extern "C" fn validate_user(ptr: i32, len: i32) -> i64 {
    give(validation::validate_user_bytes(unsafe { arg(ptr, len) }).into_bytes())
}

/// `apply_grayscale(pixels: bytes, width: i32, height: i32) -> bytes`
#[no_mangle]
pub unsafe extern "C" fn apply_grayscale(ptr: i32, len: i32, width: i32, height: i32) -> i64 {
    let px = unsafe { arg(ptr, len) };
    give(ok(image::apply_grayscale(
        px,
        unsigned("width", width),
        unsigned("height", height),
    )))
}

/// `resize_image(pixels: bytes, width, height, new_width, new_height) -> bytes`
#[no_mangle]
pub unsafe extern "C" fn resize_image(
    ptr: i32,
    len: i32,
    width: i32,
    height: i32,
    new_width: i32,
    new_height: i32,
) -> i64 {
    let px = unsafe { arg(ptr, len) };
    give(ok(image::resize_image(
        px,
        unsigned("width", width),
        unsigned("height", height),
        unsigned("new_width", new_width),
        unsigned("new_height", new_height),
    )))
}

/// `process_image(pixels: bytes, width, height, max_width, max_height, quality) -> bytes`
#[no_mangle]
pub unsafe extern "C" fn process_image(
    ptr: i32,
    len: i32,
    width: i32,
    height: i32,
    max_width: i32,
    max_height: i32,
    quality: i32,
) -> i64 {
    let px = unsafe { arg(ptr, len) };
    let quality = u8::try_from(quality)
        .unwrap_or_else(|_| refuse(Error::invalid("quality", format!("{quality} is outside 1..=100"))));
    give(ok(image::process_image(
        px,
        unsigned("width", width),
        unsigned("height", height),
        unsigned("max_width", max_width),
        unsigned("max_height", max_height),
        quality,
    )))
}

/// `process_upload(image: bytes, max_width: i32, max_height: i32) -> bytes`
#[no_mangle]
pub unsafe extern "C" fn process_upload(ptr: i32, len: i32, max_width: i32, max_height: i32) -> i64 {
    let bytes = unsafe { arg(ptr, len) };
    give(ok(image::process_upload(
        bytes,
        unsigned("max_width", max_width),
        unsigned("max_height", max_height),
    )))
}

/// `image_dimensions(image: bytes) -> json`
#[no_mangle]
pub unsafe extern "C" fn image_dimensions(ptr: i32, len: i32) -> i64 {
    let info = ok(image::image_dimensions(unsafe { arg(ptr, len) }));
    give(
        format!(
            r#"{{"width":{},"height":{},"format":"{}"}}"#,
            info.width, info.height, info.format
        )
        .into_bytes(),
    )
}

/// `encrypt_block(key: bytes, plaintext: bytes) -> bytes`
#[no_mangle]
pub unsafe extern "C" fn encrypt_block(kp: i32, kl: i32, dp: i32, dl: i32) -> i64 {
    give(ok(crypto::encrypt_block(unsafe { arg(kp, kl) }, unsafe {
        arg(dp, dl)
    })))
}

/// `decrypt_block(key: bytes, ciphertext: bytes) -> bytes`
#[no_mangle]
pub unsafe extern "C" fn decrypt_block(kp: i32, kl: i32, dp: i32, dl: i32) -> i64 {
    give(ok(crypto::decrypt_block(unsafe { arg(kp, kl) }, unsafe {
        arg(dp, dl)
    })))
}

/// `sha256(data: bytes) -> bytes`
#[no_mangle]
pub unsafe extern "C" fn sha256(ptr: i32, len: i32) -> i64 {
    give(crypto::sha256(unsafe { arg(ptr, len) }).to_vec())
}

/// `fibonacci(n: i32) -> i64`
#[no_mangle]
pub extern "C" fn fibonacci(n: i32) -> i64 {
    ok(compute::fibonacci(unsigned("n", n))) as i64
}

/// `factorial(n: i32) -> i64`
#[no_mangle]
pub extern "C" fn factorial(n: i32) -> i64 {
    ok(compute::factorial(unsigned("n", n))) as i64
}

/// `is_prime(n: i64) -> bool`; negative numbers are not prime.
#[no_mangle]
pub extern "C" fn is_prime(n: i64) -> i32 {
    i32::from(u64::try_from(n).is_ok_and(compute::is_prime))
}

/// `monte_carlo_pi(iterations: i32, seed: i64) -> f64`
#[no_mangle]
pub extern "C" fn monte_carlo_pi(iterations: i32, seed: i64) -> f64 {
    ok(compute::monte_carlo_pi(
        unsigned("iterations", iterations),
        seed as u64,
    ))
}

/// `render_mandelbrot(width, height, max_iterations, center_x, center_y, view_width) -> bytes`
#[no_mangle]
pub extern "C" fn render_mandelbrot(
    width: i32,
    height: i32,
    max_iterations: i32,
    center_x: f64,
    center_y: f64,
    view_width: f64,
) -> i64 {
    let view = compute::Viewport {
        center_x,
        center_y,
        width: view_width,
    };
    give(ok(compute::render_mandelbrot(
        unsigned("width", width),
        unsigned("height", height),
        unsigned("max_iterations", max_iterations),
        view,
    )))
}
