//! The guest ABI's runtime half (DESIGN.md, "Guest ABI"): the memory
//! exports every server module carries and the helpers the generated
//! exports call. Compiled with the `guest` feature for `wasm32`.
//!
//! - `echelon_alloc(len) -> ptr`, `echelon_free(ptr, len)`: the host writes
//!   arguments into memory from `echelon_alloc` and frees them after the
//!   call; results are handed over with capacity == length, so
//!   `echelon_free(ptr, len)` releases exactly what was allocated.
//! - `echelon_last_error() -> i64`: the message of the last refused call
//!   (packed, 0 when none), cleared by reading it. A refusal stores the
//!   message and traps (`unreachable`), which the host reports as a clean
//!   refusal carrying the message.

#![allow(unsafe_code)]

use std::alloc::{alloc, dealloc, Layout};
use std::cell::RefCell;
use std::fmt::Display;

use serde::Serialize;

use crate::scalar::{invalid, Scalar};
use crate::Json;

thread_local! {
    static LAST_ERROR: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Allocates `len` bytes for the host to write an argument into. Returns 0
/// for `len <= 0` or when memory is exhausted.
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

/// Frees memory from [`echelon_alloc`] or a packed result. `len` must be
/// the length it was allocated with; a zero pointer or length is a no-op.
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

/// Packs a pointer and length into the `i64` result form.
pub(crate) fn pack(ptr: u32, len: u32) -> i64 {
    ((u64::from(ptr) << 32) | u64::from(len)) as i64
}

/// Hands a buffer to the host: leaked with capacity == len, so that
/// `echelon_free(ptr, len)` releases exactly what was allocated. An empty
/// buffer is packed 0 (nothing to free).
pub fn give(bytes: Vec<u8>) -> i64 {
    let boxed = bytes.into_boxed_slice();
    let len = boxed.len() as u32;
    if len == 0 {
        return 0;
    }
    let ptr = Box::into_raw(boxed) as *mut u8 as u32;
    pack(ptr, len)
}

/// Records why a call was refused and traps; the host reads the message
/// with `echelon_last_error`.
pub fn refuse(message: impl Display) -> ! {
    let message = message.to_string();
    LAST_ERROR.with(|e| *e.borrow_mut() = Some(message));
    core::arch::wasm32::unreachable()
}

/// Borrows a `(ptr, len)` argument.
///
/// # Safety
/// The host wrote `len` bytes at `ptr` (from `echelon_alloc`) and keeps
/// them until the call returns.
pub unsafe fn arg_bytes<'a>(ptr: i32, len: i32) -> &'a [u8] {
    match usize::try_from(len) {
        // SAFETY: the caller's contract.
        Ok(n) if n > 0 && ptr != 0 => unsafe { std::slice::from_raw_parts(ptr as *const u8, n) },
        _ => &[],
    }
}

/// Borrows a `(ptr, len)` string argument; refuses text that is not UTF-8.
///
/// # Safety
/// As [`arg_bytes`].
pub unsafe fn arg_str<'a>(ptr: i32, len: i32, name: &str) -> &'a str {
    // SAFETY: the caller's contract.
    let bytes = unsafe { arg_bytes(ptr, len) };
    std::str::from_utf8(bytes).unwrap_or_else(|e| refuse(invalid(name, format!("not UTF-8 ({e})"))))
}

/// Reads an owned argument (`String`, `Vec<u8>`, `Json<T>`, `Option<T>`);
/// refuses one that does not convert.
///
/// # Safety
/// As [`arg_bytes`].
pub unsafe fn arg<T: crate::convert::FromAbiBytes>(ptr: i32, len: i32, name: &str) -> T {
    // SAFETY: the caller's contract.
    let bytes = unsafe { arg_bytes(ptr, len) };
    T::from_abi_bytes(bytes).unwrap_or_else(|reason| refuse(invalid(name, reason)))
}

/// Converts a core argument; refuses one out of the type's range.
pub fn scalar<T: Scalar>(core: T::Core, name: &str) -> T {
    T::from_core(core).unwrap_or_else(|reason| refuse(invalid(name, reason)))
}

/// How a function's result becomes the export's core result.
pub trait GuestResult {
    /// The core result type (`()` for none).
    type Core;
    /// Converts (refusing the call for `Err`).
    fn into_core(self) -> Self::Core;
}

impl GuestResult for () {
    type Core = ();
    fn into_core(self) {}
}

macro_rules! scalar_results {
    ($($t:ty),*) => {$(
        impl GuestResult for $t {
            type Core = <$t as Scalar>::Core;
            fn into_core(self) -> Self::Core { Scalar::into_core(self) }
        }
    )*};
}
scalar_results!(i8, i16, i32, i64, u8, u16, u32, u64, isize, usize, f32, f64, bool);

impl GuestResult for String {
    type Core = i64;
    fn into_core(self) -> i64 {
        give(self.into_bytes())
    }
}

impl GuestResult for &str {
    type Core = i64;
    fn into_core(self) -> i64 {
        give(self.as_bytes().to_vec())
    }
}

impl GuestResult for Vec<u8> {
    type Core = i64;
    fn into_core(self) -> i64 {
        give(self)
    }
}

impl GuestResult for &[u8] {
    type Core = i64;
    fn into_core(self) -> i64 {
        give(self.to_vec())
    }
}

impl<const N: usize> GuestResult for [u8; N] {
    type Core = i64;
    fn into_core(self) -> i64 {
        give(self.to_vec())
    }
}

impl<T: Serialize> GuestResult for Json<T> {
    type Core = i64;
    fn into_core(self) -> i64 {
        json_result(&self.0)
    }
}

impl<T: Serialize> GuestResult for Option<T> {
    type Core = i64;
    fn into_core(self) -> i64 {
        json_result(&self)
    }
}

impl<T: GuestResult, E: Display> GuestResult for Result<T, E> {
    type Core = T::Core;
    fn into_core(self) -> T::Core {
        match self {
            Ok(v) => v.into_core(),
            Err(e) => refuse(e),
        }
    }
}

fn json_result<T: Serialize + ?Sized>(value: &T) -> i64 {
    match serde_json::to_vec(value) {
        Ok(bytes) => give(bytes),
        Err(e) => refuse(format!("the result cannot be written as JSON: {e}")),
    }
}
