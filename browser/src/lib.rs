//! # echelon-browser
//!
//! The browser half of Echelon, through wasm-bindgen:
//!
//! - every `echelon-shared` export (`validate_user`, `apply_grayscale`,
//!   `resize_image`, `process_image`, `encrypt_block`, `decrypt_block`,
//!   `monte_carlo_pi`, ...), so a page runs exactly the code the server
//!   runs: their wasm-bindgen wrappers are written by
//!   `#[echelon_guest::export]` in `echelon-shared` itself (the `browser`
//!   feature this crate turns on), from the same definitions as the server
//!   guest module's exports;
//! - DOM ([`create_button`], [`get_element_text`]), Canvas
//!   ([`draw_mandelbrot`]), Fetch ([`fetch_json`]) and WebSocket
//!   ([`WsClient`]) bindings;
//! - [`BrowserRuntime`], which loads any WebAssembly module (streaming when
//!   the server allows it) and calls it with the server runtime's value
//!   rules, guest ABI included.
//!
//! Every export returns a `Result`: failures become JavaScript exceptions
//! (or rejected promises) with a message, never a panic.
//!
//! ```js
//! import init, { validate_user } from "./echelon_browser.js";
//! await init();
//! validate_user(JSON.stringify({ email: "ada@example.com", age: 36 })); // "valid"
//! ```

mod canvas;
mod dom;
mod error;
mod net;
mod runtime;
mod ws;

pub use canvas::{draw_mandelbrot, draw_mandelbrot_view};
pub use dom::{create_button, get_element_text};
pub use net::fetch_json;
pub use runtime::BrowserRuntime;
pub use ws::WsClient;
