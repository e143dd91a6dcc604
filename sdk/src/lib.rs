//! # echelon-guest
//!
//! Echelon's authoring SDK: write a plain Rust function once, and
//! `#[echelon_guest::export]` makes it an export of the **server guest
//! module** (loaded by the echelon runtime, called over HTTP) and of the
//! **browser bundle** (wasm-bindgen), with the same name, parameters and
//! errors on both sides.
//!
//! ```
//! use echelon_guest::{export, Json};
//! use serde::{Deserialize, Serialize};
//!
//! /// Greets someone.
//! #[export]
//! pub fn greet(name: &str) -> String {
//!     format!("Hello, {name}!")
//! }
//!
//! #[derive(Deserialize)]
//! pub struct Order { pub items: Vec<u32> }
//! #[derive(Serialize)]
//! pub struct Total { pub count: usize, pub sum: u64 }
//!
//! /// Totals an order; an empty one is refused.
//! #[export]
//! pub fn total(order: Json<Order>) -> Result<Json<Total>, String> {
//!     if order.items.is_empty() {
//!         return Err("an order needs at least one item".into());
//!     }
//!     let sum = order.items.iter().map(|&x| u64::from(x)).sum();
//!     Ok(Json(Total { count: order.items.len(), sum }))
//! }
//!
//! // Natively the functions are untouched Rust functions:
//! assert_eq!(greet("Ada"), "Hello, Ada!");
//! // ... and listed, with their guest-ABI signature, for tests:
//! let e = echelon_guest::exports().into_iter().find(|e| e.name() == "total").unwrap();
//! assert_eq!(e.signature(), "total(order: json) -> json");
//! ```
//!
//! ## One crate, three builds
//!
//! The user's crate has no features of its own; the features of this crate
//! choose what `#[export]` writes (the `echelon build` command sets them):
//!
//! | build | how | what `#[export]` adds |
//! |---|---|---|
//! | native | `cargo build` / `cargo test` | an entry in [`exports()`] (no glue) |
//! | server module | `--target wasm32-unknown-unknown --features echelon-guest/guest` | the guest-ABI export and its `echelon:abi` line; this crate adds `echelon_alloc`, `echelon_free`, `echelon_last_error` |
//! | browser bundle | `--target wasm32-unknown-unknown --features echelon-guest/browser`, then wasm-bindgen | a `#[wasm_bindgen]` wrapper with the same name |
//!
//! `echelon build CRATE --target both` does both wasm builds; the crate
//! needs `crate-type = ["cdylib", "rlib"]` and nothing else (no
//! `[package.metadata.echelon]` table). Enabling `guest` and `browser` in
//! the same wasm32 build is a compile error (both would export the same
//! names).
//!
//! ## Types
//!
//! | Rust | guest ABI (`echelon:abi`) | browser (TypeScript) |
//! |---|---|---|
//! | `i8`, `i16`, `i32`, `u8`, `u16`, `u32`, `isize`, `usize` | `i32` (unsigned: the same bits; narrow types refuse out-of-range values) | `number` |
//! | `i64`, `u64` | `i64` | `bigint` |
//! | `f32`, `f64` | `f32`, `f64` | `number` |
//! | `bool` | `bool` | `boolean` |
//! | `&str`, `String` | `string` (UTF-8 checked) | `string` |
//! | `&[u8]`, `Vec<u8>`; `[u8; N]` as a result | `bytes` | `Uint8Array` |
//! | [`Json<T>`] (`T`: serde) | `json` | any JSON value |
//! | `Option<T>` of the above | `json` (`null` for `None`) | `T \| undefined` |
//! | result `Result<T, E: Display>` | `T`; `Err` refuses the call with `E`'s message (`echelon_last_error`) | `T`; `Err` throws an `Error` with that message |
//!
//! Anything else (tuples, `&mut`, generics, `async`, methods, a type alias
//! of a supported type) is a compile error pointing at the offending part.
//! An argument the guest cannot convert (text that is not UTF-8, JSON that
//! is not a `T`, `300` for a `u8`) refuses the call with
//! ``invalid argument `name`: ...`` before the function runs.
//!
//! ## Host functions
//!
//! [`host`] has typed wrappers of the server's host functions (log, config,
//! key-value store, HTTP, randomness, clock). In the browser they map to
//! browser APIs or answer "not available"; natively they use an in-memory
//! stand-in ([`host::mock`]) for unit tests.

mod convert;
mod json;
mod registry;
mod scalar;

pub mod host;

#[cfg(all(feature = "guest", target_arch = "wasm32"))]
mod guest;

#[cfg(all(feature = "browser", target_arch = "wasm32"))]
mod browser;

mod native;

pub use echelon_guest_macros::export;
pub use json::Json;
pub use registry::{exports, exports_of, CallError, Export};

#[cfg(all(feature = "guest", feature = "browser", target_arch = "wasm32"))]
compile_error!(
    "echelon-guest: the `guest` and `browser` features are exclusive in one wasm32 build \
     (the server module and the browser bundle export the same names); \
     build them separately, as `echelon build --target both` does"
);

/// Keeps its input in the server guest-module build (`guest` feature,
/// wasm32), drops it otherwise. Used by `#[export]`.
#[cfg(all(feature = "guest", target_arch = "wasm32"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_guest {
    ($($t:tt)*) => { $($t)* };
}

#[cfg(not(all(feature = "guest", target_arch = "wasm32")))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_guest {
    ($($t:tt)*) => {};
}

/// Keeps its input in the browser-bundle build (`browser` feature, wasm32),
/// drops it otherwise. Used by `#[export]`.
#[cfg(all(feature = "browser", not(feature = "guest"), target_arch = "wasm32"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_browser {
    ($($t:tt)*) => { $($t)* };
}

#[cfg(not(all(feature = "browser", not(feature = "guest"), target_arch = "wasm32")))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_browser {
    ($($t:tt)*) => {};
}

/// Keeps its input in native builds (the registry of [`exports()`]).
#[cfg(not(target_family = "wasm"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_native {
    ($($t:tt)*) => { $($t)* };
}

#[cfg(target_family = "wasm")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_native {
    ($($t:tt)*) => {};
}

/// What the code written by `#[export]` calls. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::scalar::Scalar;
    pub use serde_json;

    #[cfg(not(target_family = "wasm"))]
    pub use inventory;

    #[cfg(all(feature = "browser", target_arch = "wasm32"))]
    pub use wasm_bindgen;

    /// The guest ABI half.
    #[cfg(all(feature = "guest", target_arch = "wasm32"))]
    pub mod guest {
        pub use crate::guest::{arg, arg_bytes, arg_str, give, refuse, scalar, GuestResult};
    }

    /// The wasm-bindgen half.
    #[cfg(all(feature = "browser", target_arch = "wasm32"))]
    pub mod browser {
        pub use crate::browser::{json_arg, optional_json_arg, BrowserOption, BrowserResult};
    }

    /// The registry's dynamic calls.
    pub mod native {
        pub use crate::native::{arg, arity, NativeArg, NativeResult};
    }
}
