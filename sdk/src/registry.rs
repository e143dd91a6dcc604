//! The exports of the crates linked into a native program, from their
//! `#[export]` definitions: each export's name, its `echelon:abi` line and
//! a dynamic call taking and returning JSON.
//!
//! The registry is what lets tests derive their list of functions from the
//! one definition instead of keeping a copy: a parity test walks
//! [`exports`] and compares each native call with the same call through the
//! server runtime and the browser bundle. It exists in native builds only
//! (it is collected at program start by the `inventory` crate); wasm builds
//! carry the same list in their `echelon:abi` custom section.
//!
//! Dynamic calls follow the server's HTTP API conventions, so their results
//! compare directly with the runtime's: integers as JSON numbers (`i64`
//! beyond 2^53 as a decimal string; unsigned values through the same bits
//! as the guest ABI), `bool` as `true`/`false` in and `0`/`1` out (the
//! guest ABI's `i32`), strings as strings, bytes as base64 text (an array
//! of numbers is accepted too), `Json<T>` and `Option<T>` as JSON.

use std::fmt;

/// One exported function, as `#[export]` registered it.
#[derive(Debug, Clone, Copy)]
pub struct Export {
    name: &'static str,
    signature: &'static str,
    module_path: &'static str,
    call: fn(&[serde_json::Value]) -> Result<serde_json::Value, CallError>,
}

impl Export {
    #[doc(hidden)]
    pub const fn __new(
        name: &'static str,
        signature: &'static str,
        module_path: &'static str,
        call: fn(&[serde_json::Value]) -> Result<serde_json::Value, CallError>,
    ) -> Self {
        Self {
            name,
            signature,
            module_path,
            call,
        }
    }

    /// The export's name (the function's name).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Its `echelon:abi` line, e.g. `fibonacci(n: i32) -> i64`.
    pub fn signature(&self) -> &'static str {
        self.signature
    }

    /// The Rust module that defines it, e.g. `echelon_shared::compute`.
    pub fn module_path(&self) -> &'static str {
        self.module_path
    }

    /// The crate that defines it (`module_path` up to the first `::`).
    pub fn crate_name(&self) -> &'static str {
        self.module_path.split("::").next().unwrap_or(self.module_path)
    }

    /// Calls the function natively with JSON arguments (see the module
    /// docs for the conventions).
    ///
    /// # Errors
    /// [`CallError::Arguments`] when the arguments do not have the
    /// signature's count or JSON shapes; [`CallError::Refused`] with the
    /// message the guest would store in `echelon_last_error` (the
    /// function's `Err`, or an argument the guest would refuse).
    pub fn call(&self, args: &[serde_json::Value]) -> Result<serde_json::Value, CallError> {
        (self.call)(args)
    }
}

#[cfg(not(target_family = "wasm"))]
inventory::collect!(Export);

/// Every export linked into this (native) program, sorted by crate and
/// name. Empty on wasm targets.
pub fn exports() -> Vec<&'static Export> {
    #[cfg(not(target_family = "wasm"))]
    let mut all: Vec<&'static Export> = inventory::iter::<Export>.into_iter().collect();
    #[cfg(target_family = "wasm")]
    let mut all: Vec<&'static Export> = Vec::new();
    all.sort_by_key(|e| (e.crate_name(), e.name));
    all
}

/// The exports of one crate (`crate_name` with underscores, as in
/// `module_path!()`).
pub fn exports_of(crate_name: &str) -> Vec<&'static Export> {
    exports()
        .into_iter()
        .filter(|e| e.crate_name() == crate_name)
        .collect()
}

/// Why a dynamic native call did not return a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The arguments do not fit the signature (count or JSON shape): the
    /// server runtime refuses these before calling the guest.
    Arguments(String),
    /// The function refused: its `Err`, or an argument out of range. The
    /// message is the guest's `echelon_last_error` for the same call.
    Refused(String),
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Arguments(m) => write!(f, "bad arguments: {m}"),
            CallError::Refused(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CallError {}
