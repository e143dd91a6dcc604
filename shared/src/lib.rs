//! # echelon-shared
//!
//! The logic Echelon runs in three places from one source: natively on the
//! server, as a WebAssembly guest module loaded by the server's wasmtime
//! runtime, and in the browser through `echelon-browser` (wasm-bindgen).
//!
//! Everything here is pure computation: no I/O, no clocks, no platform
//! bindings. Bad input is answered with an [`Error`] value, never a panic.
//!
//! - [`validation`]: the spec's `validate_user` (email format, age >= 18).
//! - [`image`]: RGBA grayscale, Lanczos3 resize, aspect-preserving
//!   `process_image`, PNG/JPEG header decoding.
//! - [`crypto`]: AES-256 single-block encrypt/decrypt and SHA-256.
//! - [`compute`]: fibonacci, factorial, primality, a seeded Monte Carlo
//!   estimate of pi and a Mandelbrot renderer.
//! - [`abi`]: the description of the guest ABI (the `echelon:abi` custom
//!   section) that the runtime, the HTTP API and the .d.ts generator read.
//!
//! Every exported function carries `#[echelon_guest::export]`, its one
//! definition: with the `guest` feature and `--target wasm32-unknown-unknown`
//! the crate becomes the guest module of DESIGN.md (see the `abi` module
//! for the calling convention); with the `browser` feature the same
//! functions are wasm-bindgen exports of the browser bundle; natively they
//! are listed by `echelon_guest::exports_of("echelon_shared")`.
//!
//! ```
//! assert_eq!(echelon_shared::validation::validate_user(r#"{"email":"ada@example.com","age":36}"#), "valid");
//! assert_eq!(echelon_shared::compute::fibonacci(10).unwrap(), 55);
//! ```

pub mod abi;
pub mod compute;
pub mod crypto;
mod error;
pub mod image;
pub mod validation;

pub use error::{Error, Result};
