//! Typed host functions: what a plugin asks of the server (DESIGN.md,
//! "Host functions every plugin may import").
//!
//! In the server guest module these are imports of module `echelon`, each
//! linked only when the plugin's sandbox grants its capability (`console`,
//! `env`, `kv-read`, `kv-write`, `network`, `crypto`, `time`); a module that
//! never calls one does not import it, so a plugin needs exactly the
//! capabilities it uses.
//!
//! | function | capability | in the browser bundle | natively (tests) |
//! |---|---|---|---|
//! | [`log`], [`debug`], [`info`], [`warn`], [`error`] | `console` | `console.debug/info/warn/error` | recorded in [`mock`] and printed on stderr |
//! | [`config_get`] | `env` | `None` | [`mock::set_config`] |
//! | [`kv_get`], [`kv_set`], [`kv_delete`] | `kv-read` / `kv-write` | `None` / `Err(Unavailable)` / `false` | an in-memory store per thread |
//! | [`http_request`] | `network` | `Err(Unavailable)` (fetch is asynchronous: use `fetch` from JavaScript) | [`mock::set_http_handler`], else `Err(Unavailable)` |
//! | [`random_bytes`] | `crypto` | `crypto.getRandomValues` | a per-thread generator (not for cryptography) |
//! | [`now_ms`] | `time` | `Date.now()` | the system clock |
//!
//! The browser build never imports module `echelon`, so a bundle always
//! instantiates.
//!
//! ```
//! use echelon_guest::host;
//! host::info("starting");
//! let visits = host::kv_get("visits").map(|v| v.len()).unwrap_or(0);
//! host::kv_set("visits", &vec![1; visits + 1]).unwrap();
//! assert_eq!(host::kv_get("visits"), Some(vec![1]));
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

#[cfg(all(target_arch = "wasm32", not(feature = "browser")))]
#[path = "host/guest.rs"]
mod imp;

#[cfg(all(target_arch = "wasm32", feature = "browser"))]
#[path = "host/browser.rs"]
mod imp;

#[cfg(not(target_arch = "wasm32"))]
#[path = "host/native.rs"]
mod imp;

#[cfg(not(target_arch = "wasm32"))]
pub use imp::mock;

/// Severity of a [`log`] line (the import's `level`: 0 debug .. 3 error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Detail for debugging.
    Debug = 0,
    /// Normal operation.
    Info = 1,
    /// Something unexpected that the plugin handled.
    Warn = 2,
    /// A failure.
    Error = 3,
}

/// Why a host function gave no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostError {
    /// The function does not exist where this code runs (the browser, or a
    /// native test without a handler).
    Unavailable {
        /// The host function, e.g. `http_request`.
        function: &'static str,
        /// Where and why, and what to use instead.
        reason: &'static str,
    },
    /// The host answered something the contract does not allow.
    Protocol {
        /// The host function.
        function: &'static str,
        /// What was wrong.
        message: String,
    },
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostError::Unavailable { function, reason } => {
                write!(f, "host function `{function}` is not available {reason}")
            }
            HostError::Protocol { function, message } => {
                write!(f, "host function `{function}` answered unexpectedly: {message}")
            }
        }
    }
}

impl std::error::Error for HostError {}

/// Writes a log line at `level`. The server returns it with the call's
/// result and sends it to its tracing output.
pub fn log(level: Level, message: &str) {
    imp::log(level, message);
}

/// [`log`] at [`Level::Debug`].
pub fn debug(message: &str) {
    log(Level::Debug, message);
}

/// [`log`] at [`Level::Info`].
pub fn info(message: &str) {
    log(Level::Info, message);
}

/// [`log`] at [`Level::Warn`].
pub fn warn(message: &str) {
    log(Level::Warn, message);
}

/// [`log`] at [`Level::Error`].
pub fn error(message: &str) {
    log(Level::Error, message);
}

/// A value of the plugin manifest's `config` map, or `None` when the key
/// is absent.
pub fn config_get(key: &str) -> Option<String> {
    imp::config_get(key)
}

/// The value stored under `key` in the plugin's own key-value namespace.
pub fn kv_get(key: &str) -> Option<Vec<u8>> {
    imp::kv_get(key)
}

/// Stores `value` under `key`. A quota or size-cap breach is not an `Err`:
/// the server stops the call with a host error.
///
/// # Errors
/// [`HostError::Unavailable`] in the browser.
pub fn kv_set(key: &str, value: &[u8]) -> Result<(), HostError> {
    imp::kv_set(key, value)
}

/// Removes `key`; `true` when it existed.
pub fn kv_delete(key: &str) -> bool {
    imp::kv_delete(key)
}

/// An outgoing HTTP request for [`http_request`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Absolute URL; its host must be in the manifest's `allowed_hosts`.
    pub url: String,
    /// Header names and values.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The body (sent base64-encoded to the host).
    #[serde(default, rename = "body_base64", with = "base64_body")]
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// A `GET` of `url` without headers.
    pub fn get(url: impl Into<String>) -> Self {
        Self::new("GET", url)
    }

    /// A `POST` of `body` to `url`.
    pub fn post(url: impl Into<String>, body: impl Into<Vec<u8>>) -> Self {
        Self {
            body: body.into(),
            ..Self::new("POST", url)
        }
    }

    /// A request with any method.
    pub fn new(method: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            method: method.into(),
            url: url.into(),
            headers: BTreeMap::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.insert(name.into(), value.into());
        self
    }
}

/// The answer to an [`HttpRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpResponse {
    /// HTTP status, e.g. 200.
    pub status: u16,
    /// Header names and values.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The body.
    #[serde(default, rename = "body_base64", with = "base64_body")]
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The body as UTF-8 text.
    ///
    /// # Errors
    /// When the body is not UTF-8.
    pub fn text(&self) -> Result<&str, std::str::Utf8Error> {
        std::str::from_utf8(&self.body)
    }

    /// The body parsed as JSON.
    ///
    /// # Errors
    /// When the body is not JSON of type `T`.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

mod base64_body {
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(body: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(body))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text: Option<String> = Option::deserialize(d)?;
        match text {
            None => Ok(Vec::new()),
            Some(t) => base64::engine::general_purpose::STANDARD
                .decode(t)
                .map_err(serde::de::Error::custom),
        }
    }
}

/// Sends an HTTP request through the server (which enforces the manifest's
/// `allowed_hosts`, sizes and time; a refusal or transport failure stops
/// the call with a host error rather than returning here).
///
/// # Errors
/// [`HostError::Unavailable`] in the browser (use `fetch` from JavaScript)
/// and in native tests without [`mock::set_http_handler`];
/// [`HostError::Protocol`] when the host's answer is not the contract's
/// JSON.
pub fn http_request(request: &HttpRequest) -> Result<HttpResponse, HostError> {
    imp::http_request(request)
}

/// Fills `buf` with randomness from the operating system (the server's),
/// in calls of at most 64 KiB.
pub fn random_bytes(buf: &mut [u8]) {
    imp::random_bytes(buf);
}

/// Wall-clock time in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    imp::now_ms()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_json_matches_the_contract() {
        let req =
            HttpRequest::post("https://api.example.com/x", b"hi".to_vec()).header("accept", "text/plain");
        let json = serde_json::to_value(&req).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"method": "POST", "url": "https://api.example.com/x",
                "headers": {"accept": "text/plain"}, "body_base64": "aGk="})
        );
        let resp: HttpResponse =
            serde_json::from_str(r#"{"status":201,"headers":{"x":"y"},"body_base64":"b2s="}"#).unwrap();
        assert_eq!((resp.status, resp.text().unwrap()), (201, "ok"));
        let empty: HttpResponse = serde_json::from_str(r#"{"status":204}"#).unwrap();
        assert!(empty.body.is_empty() && empty.headers.is_empty());
    }

    #[test]
    fn errors_say_where() {
        let e = HostError::Unavailable {
            function: "kv_set",
            reason: "in the browser",
        };
        assert_eq!(
            e.to_string(),
            "host function `kv_set` is not available in the browser"
        );
    }
}
