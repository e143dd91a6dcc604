//! Host functions in native builds (unit tests of plugin logic): an
//! in-memory stand-in for the server, per thread, that tests set up and
//! inspect through [`mock`].

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use super::{HostError, HttpRequest, HttpResponse, Level};

type HttpHandler = Box<dyn Fn(&HttpRequest) -> Result<HttpResponse, HostError>>;

#[derive(Default)]
struct State {
    logs: Vec<(Level, String)>,
    config: BTreeMap<String, String>,
    kv: BTreeMap<String, Vec<u8>>,
    http: Option<HttpHandler>,
    random: u64,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
    STATE.with(|s| f(&mut s.borrow_mut()))
}

pub fn log(level: Level, message: &str) {
    eprintln!("[{level:?}] {message}");
    with(|s| s.logs.push((level, message.to_string())));
}

pub fn config_get(key: &str) -> Option<String> {
    with(|s| s.config.get(key).cloned())
}

pub fn kv_get(key: &str) -> Option<Vec<u8>> {
    with(|s| s.kv.get(key).cloned())
}

pub fn kv_set(key: &str, value: &[u8]) -> Result<(), HostError> {
    with(|s| s.kv.insert(key.to_string(), value.to_vec()));
    Ok(())
}

pub fn kv_delete(key: &str) -> bool {
    with(|s| s.kv.remove(key).is_some())
}

pub fn http_request(request: &HttpRequest) -> Result<HttpResponse, HostError> {
    // The handler runs outside the borrow so that it may use the host too.
    let handler = with(|s| s.http.take());
    let Some(handler) = handler else {
        return Err(HostError::Unavailable {
            function: "http_request",
            reason: "in a native build without a handler (set one with `host::mock::set_http_handler`)",
        });
    };
    let answer = handler(request);
    with(|s| {
        s.http.get_or_insert(handler);
    });
    answer
}

pub fn random_bytes(buf: &mut [u8]) {
    with(|s| {
        if s.random == 0 {
            use std::hash::{BuildHasher, RandomState};
            s.random = RandomState::new().hash_one(std::thread::current().id()) | 1;
        }
        for b in buf.iter_mut() {
            // xorshift64*: varied bytes for tests, not for cryptography.
            s.random ^= s.random >> 12;
            s.random ^= s.random << 25;
            s.random ^= s.random >> 27;
            *b = (s.random.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8;
        }
    });
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The native stand-in for the server's host functions, for unit tests of
/// code that calls [`crate::host`]. State is per thread (each test thread
/// starts empty); [`reset`] clears it.
///
/// ```
/// use echelon_guest::host::{self, mock};
/// mock::set_config("greeting", "hello");
/// assert_eq!(host::config_get("greeting").as_deref(), Some("hello"));
/// host::warn("careful");
/// assert_eq!(mock::logs(), vec![(host::Level::Warn, "careful".to_string())]);
/// ```
pub mod mock {
    use super::*;

    /// Sets a manifest `config` value.
    pub fn set_config(key: &str, value: &str) {
        with(|s| s.config.insert(key.to_string(), value.to_string()));
    }

    /// The log lines written so far.
    pub fn logs() -> Vec<(Level, String)> {
        with(|s| s.logs.clone())
    }

    /// The key-value store's contents.
    pub fn kv() -> BTreeMap<String, Vec<u8>> {
        with(|s| s.kv.clone())
    }

    /// Answers [`crate::host::http_request`] with `handler`.
    pub fn set_http_handler(handler: impl Fn(&HttpRequest) -> Result<HttpResponse, HostError> + 'static) {
        with(|s| s.http = Some(Box::new(handler)));
    }

    /// Forgets logs, config, the store and the HTTP handler.
    pub fn reset() {
        with(|s| *s = State::default());
    }
}

#[cfg(test)]
mod tests {
    use super::mock;
    use crate::host::{self, HttpRequest, HttpResponse};

    #[test]
    fn kv_and_logs() {
        mock::reset();
        assert_eq!(host::kv_get("k"), None);
        host::kv_set("k", b"v").unwrap();
        assert_eq!(host::kv_get("k").as_deref(), Some(&b"v"[..]));
        assert!(host::kv_delete("k"));
        assert!(!host::kv_delete("k"));
        host::info("hi");
        assert_eq!(mock::logs().len(), 1);
    }

    #[test]
    fn http_through_a_handler() {
        mock::reset();
        assert!(host::http_request(&HttpRequest::get("https://a.example")).is_err());
        mock::set_http_handler(|r| {
            Ok(HttpResponse {
                status: 200,
                headers: Default::default(),
                body: r.url.as_bytes().to_vec(),
            })
        });
        let resp = host::http_request(&HttpRequest::get("https://a.example")).unwrap();
        assert_eq!(resp.text().unwrap(), "https://a.example");
    }

    #[test]
    fn randomness_and_time() {
        let mut a = [0u8; 64];
        let mut b = [0u8; 64];
        host::random_bytes(&mut a);
        host::random_bytes(&mut b);
        assert_ne!(a, b);
        assert!(host::now_ms() > 1_600_000_000_000);
    }
}
