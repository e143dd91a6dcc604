//! Host functions as imports of module `echelon` (the fixed contract of
//! DESIGN.md): strings and bytes in as `(ptr, len)`, byte results as a
//! packed `i64` the host allocated through `echelon_alloc` and the guest
//! now owns; 0 is "none", `1 << 32` a present empty value.

#![allow(unsafe_code)]

use super::{HostError, HttpRequest, HttpResponse, Level};

mod sys {
    #[link(wasm_import_module = "echelon")]
    extern "C" {
        pub fn log(level: i32, ptr: i32, len: i32);
        pub fn config_get(kptr: i32, klen: i32) -> i64;
        pub fn kv_get(kptr: i32, klen: i32) -> i64;
        pub fn kv_set(kptr: i32, klen: i32, vptr: i32, vlen: i32) -> i32;
        pub fn kv_delete(kptr: i32, klen: i32) -> i32;
        pub fn http_request(reqptr: i32, reqlen: i32) -> i64;
        pub fn random_bytes(ptr: i32, len: i32);
        pub fn now_ms() -> i64;
    }
}

/// The most `random_bytes` fills in one call.
const RANDOM_CHUNK: usize = 65_536;

fn raw(bytes: &[u8]) -> (i32, i32) {
    (bytes.as_ptr() as i32, bytes.len() as i32)
}

/// Takes ownership of a packed result: `None` for 0, an empty value for
/// ptr != 0 with len 0 (nothing to free), else the host's allocation.
fn take(packed: i64) -> Option<Vec<u8>> {
    if packed == 0 {
        return None;
    }
    let bits = packed as u64;
    let (ptr, len) = ((bits >> 32) as usize, (bits & 0xffff_ffff) as usize);
    if len == 0 {
        return Some(Vec::new());
    }
    // SAFETY: the contract: the host allocated exactly `len` bytes at `ptr`
    // with `echelon_alloc` (layout size len, align 1, which is the layout of
    // a Vec<u8> of capacity len) and hands them to the guest.
    Some(unsafe { Vec::from_raw_parts(ptr as *mut u8, len, len) })
}

pub fn log(level: Level, message: &str) {
    let (p, l) = raw(message.as_bytes());
    // SAFETY: the host reads `l` bytes at `p` during the call.
    unsafe { sys::log(level as i32, p, l) }
}

pub fn config_get(key: &str) -> Option<String> {
    let (p, l) = raw(key.as_bytes());
    // SAFETY: as in `log`; the result is owned per the contract.
    let bytes = take(unsafe { sys::config_get(p, l) })?;
    Some(String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

pub fn kv_get(key: &str) -> Option<Vec<u8>> {
    let (p, l) = raw(key.as_bytes());
    // SAFETY: as above.
    take(unsafe { sys::kv_get(p, l) })
}

pub fn kv_set(key: &str, value: &[u8]) -> Result<(), HostError> {
    let (kp, kl) = raw(key.as_bytes());
    let (vp, vl) = raw(value);
    // SAFETY: as above.
    match unsafe { sys::kv_set(kp, kl, vp, vl) } {
        0 => Ok(()),
        code => Err(HostError::Protocol {
            function: "kv_set",
            message: format!("returned {code}; the contract returns 0 or traps"),
        }),
    }
}

pub fn kv_delete(key: &str) -> bool {
    let (p, l) = raw(key.as_bytes());
    // SAFETY: as above.
    unsafe { sys::kv_delete(p, l) == 1 }
}

pub fn http_request(request: &HttpRequest) -> Result<HttpResponse, HostError> {
    let protocol = |message: String| HostError::Protocol {
        function: "http_request",
        message,
    };
    let body =
        serde_json::to_vec(request).map_err(|e| protocol(format!("cannot encode the request: {e}")))?;
    let (p, l) = raw(&body);
    // SAFETY: as above.
    let answer = take(unsafe { sys::http_request(p, l) }).ok_or_else(|| protocol("no response".into()))?;
    serde_json::from_slice(&answer)
        .map_err(|e| protocol(format!("the response is not the contract's JSON: {e}")))
}

pub fn random_bytes(buf: &mut [u8]) {
    for chunk in buf.chunks_mut(RANDOM_CHUNK) {
        // SAFETY: the host writes `chunk.len()` bytes at the chunk's start.
        unsafe { sys::random_bytes(chunk.as_mut_ptr() as i32, chunk.len() as i32) }
    }
}

pub fn now_ms() -> i64 {
    // SAFETY: no arguments.
    unsafe { sys::now_ms() }
}
