//! # echelon-browser
//!
//! The browser half of Echelon: the `echelon-shared` logic exported to
//! JavaScript through wasm-bindgen, so a page runs exactly the code the
//! server runs. Every export returns `Result<_, JsError>` instead of
//! panicking: bad input becomes a JavaScript exception with the shared
//! crate's message.
//!
//! ```js
//! import init, { validate_user } from "./echelon_browser.js";
//! await init();
//! validate_user(JSON.stringify({ email: "ada@example.com", age: 36 })); // "valid"
//! ```

mod shared;

pub use shared::*;
