//! The `echelon` import module: host functions every plugin may import,
//! each linked only when the plugin's sandbox grants its capability
//! (DESIGN.md, "Turn 2 additions").
//!
//! | import | capability | meaning |
//! |---|---|---|
//! | `log(level: i32, ptr, len)` | `console` | a log line (0 debug .. 3 error), returned with the call result and sent to `tracing` |
//! | `config_get(kptr, klen) -> i64` | `env` | a value of the sandbox's (manifest's) `config` map |
//! | `kv_get(kptr, klen) -> i64` | `kv-read` | a value of the plugin's key-value namespace |
//! | `kv_set(kptr, klen, vptr, vlen) -> i32` | `kv-write` | 0 = stored |
//! | `kv_delete(kptr, klen) -> i32` | `kv-write` | 1 = existed and removed, 0 = no such key |
//! | `http_request(reqptr, reqlen) -> i64` | `network` | JSON request -> JSON response, `allowed_hosts` only |
//! | `random_bytes(ptr, len)` | `crypto` | OS randomness, at most [`HostLimits::max_random_bytes`] per call |
//! | `now_ms() -> i64` | `time` | wall clock, ms since the Unix epoch |
//!
//! Strings and bytes follow the guest ABI: a `(ptr, len)` pair in; a packed
//! `(ptr << 32) | len` out, allocated through the guest's `echelon_alloc`
//! and owned by the guest afterwards. A packed 0 is "none"; a present but
//! empty value is `1 << 32` (pointer 1, length 0: nothing to free).
//!
//! Limits and refusals (an oversized key, a full quota, a host outside
//! `allowed_hosts`) fail the call with a `host` error naming the limit;
//! key-value writes of a failed call are not committed.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use wasmtime::{Caller, Extern, Linker, ValType};

use super::host::HostCaller;
use super::kv::{KvBatch, KvStore};
use super::net::HostPattern;
use super::store::{DeadlineExceeded, HostFailure, StoreState};
use crate::sandbox::{Capability, KvQuota};

/// The import module name of the built-in host functions.
pub const ECHELON_MODULE: &str = "echelon";

/// A built-in import: its name, capability and core signature.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// Import name within [`ECHELON_MODULE`].
    pub name: &'static str,
    /// The capability a sandbox must grant for it to link.
    pub capability: Capability,
    params: &'static [ValType],
    results: &'static [ValType],
}

const I32: ValType = ValType::I32;
const I64: ValType = ValType::I64;

/// Every built-in import.
pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "log",
        capability: Capability::Console,
        params: &[I32, I32, I32],
        results: &[],
    },
    Builtin {
        name: "config_get",
        capability: Capability::Env,
        params: &[I32, I32],
        results: &[I64],
    },
    Builtin {
        name: "kv_get",
        capability: Capability::KvRead,
        params: &[I32, I32],
        results: &[I64],
    },
    Builtin {
        name: "kv_set",
        capability: Capability::KvWrite,
        params: &[I32, I32, I32, I32],
        results: &[I32],
    },
    Builtin {
        name: "kv_delete",
        capability: Capability::KvWrite,
        params: &[I32, I32],
        results: &[I32],
    },
    Builtin {
        name: "http_request",
        capability: Capability::Network,
        params: &[I32, I32],
        results: &[I64],
    },
    Builtin {
        name: "random_bytes",
        capability: Capability::Crypto,
        params: &[I32, I32],
        results: &[],
    },
    Builtin {
        name: "now_ms",
        capability: Capability::Time,
        params: &[],
        results: &[I64],
    },
];

impl Builtin {
    /// The built-in called `name`, if any.
    pub fn lookup(name: &str) -> Option<&'static Builtin> {
        BUILTINS.iter().find(|b| b.name == name)
    }

    /// Its core function type.
    pub fn func_type(&self, engine: &wasmtime::Engine) -> wasmtime::FuncType {
        wasmtime::FuncType::new(engine, self.params.iter().cloned(), self.results.iter().cloned())
    }

    /// Whether it is asynchronous (awaits I/O): modules importing it are
    /// called with `call_async`.
    pub fn is_async(&self) -> bool {
        self.name == "http_request"
    }

    /// `echelon.name`.
    pub fn qualified_name(&self) -> String {
        format!("{ECHELON_MODULE}.{}", self.name)
    }
}

/// Caps on what one call may ask of the built-in host functions.
#[derive(Debug, Clone)]
pub struct HostLimits {
    /// Log lines kept per call; later lines are counted, not kept.
    /// Default 1,000.
    pub max_log_lines: usize,
    /// Bytes of log text kept per call. Default 256 KiB.
    pub max_log_bytes: usize,
    /// Longest log line; longer ones are cut. Default 8 KiB.
    pub max_log_line: usize,
    /// Largest `http_request` request (JSON, body included). Default 1 MiB.
    pub max_http_request_bytes: usize,
    /// Largest response body; a larger one fails the call. Default 4 MiB.
    pub max_http_response_bytes: usize,
    /// Time one request may take (the call's own deadline applies too).
    /// Default 10 s.
    pub http_timeout: Duration,
    /// Redirects followed, each re-checked against `allowed_hosts`.
    /// Default 5.
    pub max_http_redirects: usize,
    /// Largest `random_bytes` request. Default 65,536.
    pub max_random_bytes: usize,
    /// Longest `config_get` key. Default 1 KiB.
    pub max_config_key: usize,
}

impl Default for HostLimits {
    fn default() -> Self {
        Self {
            max_log_lines: 1000,
            max_log_bytes: 256 * 1024,
            max_log_line: 8 * 1024,
            max_http_request_bytes: 1024 * 1024,
            max_http_response_bytes: 4 * 1024 * 1024,
            http_timeout: Duration::from_secs(10),
            max_http_redirects: 5,
            max_random_bytes: 65_536,
            max_config_key: 1024,
        }
    }
}

/// Severity of a plugin's log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// 0.
    Debug,
    /// 1.
    Info,
    /// 2.
    Warn,
    /// 3 (and anything above).
    Error,
}

impl LogLevel {
    fn from_i32(level: i32) -> Self {
        match level {
            i32::MIN..=0 => LogLevel::Debug,
            1 => LogLevel::Info,
            2 => LogLevel::Warn,
            _ => LogLevel::Error,
        }
    }
}

/// One line a plugin logged with `echelon.log`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogLine {
    /// Severity.
    pub level: LogLevel,
    /// The text (invalid UTF-8 replaced, long lines cut).
    pub message: String,
}

/// What a plugin's instance knows about itself: fixed at instantiation.
pub(crate) struct PluginEnv {
    pub module_id: Arc<str>,
    pub namespace: String,
    pub config: BTreeMap<String, String>,
    pub allowed_hosts: Vec<HostPattern>,
    pub kv_quota: KvQuota,
    pub kv: Option<Arc<KvStore>>,
    /// Held by each call of a plugin that imports `kv_set` or `kv_delete`.
    pub kv_lock: Option<Arc<tokio::sync::Mutex<()>>>,
    pub http: Option<reqwest::Client>,
    pub limits: HostLimits,
}

/// A plugin's per-store state: its environment and what the current call
/// produced (logs, uncommitted key-value writes).
pub(crate) struct PluginState {
    pub env: Arc<PluginEnv>,
    pub logs: Vec<LogLine>,
    log_bytes: usize,
    dropped_logs: usize,
    pub kv: KvBatch,
}

impl PluginState {
    pub fn new(env: Arc<PluginEnv>) -> Self {
        Self {
            env,
            logs: Vec::new(),
            log_bytes: 0,
            dropped_logs: 0,
            kv: KvBatch::default(),
        }
    }

    /// The call's log lines (and a note of lines dropped over the cap).
    pub fn take_logs(&mut self) -> Vec<LogLine> {
        let mut logs = std::mem::take(&mut self.logs);
        if self.dropped_logs > 0 {
            logs.push(LogLine {
                level: LogLevel::Warn,
                message: format!(
                    "[{} more log lines dropped: at most {} lines and {} bytes are kept per call]",
                    self.dropped_logs, self.env.limits.max_log_lines, self.env.limits.max_log_bytes
                ),
            });
        }
        self.log_bytes = 0;
        self.dropped_logs = 0;
        logs
    }

    fn push_log(&mut self, level: LogLevel, mut message: String) {
        let limits = &self.env.limits;
        if message.len() > limits.max_log_line {
            let mut cut = limits.max_log_line;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
            message.push_str("…[cut]");
        }
        let module = &*self.env.module_id;
        match level {
            LogLevel::Debug => tracing::debug!(target: "echelon::plugin", module, "{message}"),
            LogLevel::Info => tracing::info!(target: "echelon::plugin", module, "{message}"),
            LogLevel::Warn => tracing::warn!(target: "echelon::plugin", module, "{message}"),
            LogLevel::Error => tracing::error!(target: "echelon::plugin", module, "{message}"),
        }
        if self.logs.len() >= limits.max_log_lines || self.log_bytes + message.len() > limits.max_log_bytes {
            self.dropped_logs += 1;
            return;
        }
        self.log_bytes += message.len();
        self.logs.push(LogLine { level, message });
    }
}

fn fail(builtin: &str, message: impl Into<String>) -> wasmtime::Error {
    wasmtime::Error::new(HostFailure {
        function: format!("{ECHELON_MODULE}.{builtin}"),
        message: message.into(),
    })
}

fn plugin<'a>(
    caller: &'a mut Caller<'_, StoreState>,
    builtin: &str,
) -> wasmtime::Result<&'a mut PluginState> {
    caller.data_mut().plugin.as_deref_mut().ok_or_else(|| {
        fail(
            builtin,
            "the instance was created without plugin state (a bug in echelon)",
        )
    })
}

/// Reads a guest `(ptr, len)` pair, refusing lengths over `max` before
/// copying anything.
fn read(
    caller: &mut Caller<'_, StoreState>,
    builtin: &str,
    ptr: i32,
    len: i32,
    max: usize,
    what: &str,
) -> wasmtime::Result<Vec<u8>> {
    let len = u32::try_from(len).map_err(|_| fail(builtin, format!("negative {what} length {len}")))?;
    if len as usize > max {
        return Err(fail(
            builtin,
            format!("the {what} is {len} bytes; at most {max} are accepted"),
        ));
    }
    HostCaller { caller }
        .read_memory(ptr as u32, len)
        .map_err(|m| fail(builtin, m))
}

fn read_str(
    caller: &mut Caller<'_, StoreState>,
    builtin: &str,
    ptr: i32,
    len: i32,
    max: usize,
    what: &str,
) -> wasmtime::Result<String> {
    String::from_utf8(read(caller, builtin, ptr, len, max, what)?)
        .map_err(|_| fail(builtin, format!("the {what} is not valid UTF-8")))
}

/// The packed result for `value`: 0 for none, `1 << 32` for empty.
fn needs_alloc(value: &Option<Vec<u8>>) -> Option<i64> {
    match value {
        None => Some(0),
        Some(v) if v.is_empty() => Some(1 << 32),
        Some(_) => None,
    }
}

fn alloc_fn(
    caller: &mut Caller<'_, StoreState>,
    builtin: &str,
) -> wasmtime::Result<wasmtime::TypedFunc<i32, i32>> {
    caller
        .get_export("echelon_alloc")
        .and_then(Extern::into_func)
        .ok_or_else(|| {
            fail(
                builtin,
                "the module exports no `echelon_alloc`, so it cannot receive a result",
            )
        })?
        .typed::<i32, i32>(&*caller)
        .map_err(|e| fail(builtin, format!("`echelon_alloc` has the wrong type: {e}")))
}

fn place(
    caller: &mut Caller<'_, StoreState>,
    builtin: &str,
    ptr: i32,
    bytes: &[u8],
) -> wasmtime::Result<i64> {
    HostCaller { caller }
        .place(ptr, bytes)
        .map_err(|m| fail(builtin, format!("for the result: {m}")))
}

/// Gives `value` to the guest from a synchronous host function.
fn give_sync(
    caller: &mut Caller<'_, StoreState>,
    builtin: &str,
    value: Option<Vec<u8>>,
) -> wasmtime::Result<i64> {
    if let Some(packed) = needs_alloc(&value) {
        return Ok(packed);
    }
    let bytes = value.unwrap_or_default();
    let len = i32::try_from(bytes.len()).map_err(|_| fail(builtin, "result larger than 2 GiB"))?;
    let alloc = alloc_fn(caller, builtin)?;
    let ptr = alloc.call(&mut *caller, len)?;
    place(caller, builtin, ptr, &bytes)
}

/// Gives `value` to the guest from an asynchronous host function (calls
/// back into the guest with `call_async`).
async fn give_async(
    caller: &mut Caller<'_, StoreState>,
    builtin: &str,
    value: Option<Vec<u8>>,
) -> wasmtime::Result<i64> {
    if let Some(packed) = needs_alloc(&value) {
        return Ok(packed);
    }
    let bytes = value.unwrap_or_default();
    let len = i32::try_from(bytes.len()).map_err(|_| fail(builtin, "result larger than 2 GiB"))?;
    let alloc = alloc_fn(caller, builtin)?;
    let ptr = alloc.call_async(&mut *caller, len).await?;
    place(caller, builtin, ptr, &bytes)
}

fn config_value(
    caller: &mut Caller<'_, StoreState>,
    kptr: i32,
    klen: i32,
) -> wasmtime::Result<Option<Vec<u8>>> {
    let max = plugin(caller, "config_get")?.env.limits.max_config_key;
    let key = read_str(caller, "config_get", kptr, klen, max, "key")?;
    Ok(plugin(caller, "config_get")?
        .env
        .config
        .get(&key)
        .map(|v| v.as_bytes().to_vec()))
}

fn kv_value(caller: &mut Caller<'_, StoreState>, kptr: i32, klen: i32) -> wasmtime::Result<Option<Vec<u8>>> {
    let max = plugin(caller, "kv_get")?.env.kv_quota.max_key_len;
    let key = read_str(caller, "kv_get", kptr, klen, max, "key")?;
    let p = plugin(caller, "kv_get")?;
    let store = p
        .env
        .kv
        .as_ref()
        .ok_or_else(|| fail("kv_get", "the runtime has no key-value store"))?;
    p.kv.get(store, &p.env.namespace, &key)
        .map_err(|e| fail("kv_get", e.to_string()))
}

/// Reads a key from the guest and looks its value up.
type Lookup = fn(&mut Caller<'_, StoreState>, i32, i32) -> wasmtime::Result<Option<Vec<u8>>>;

/// Defines a `(kptr, klen) -> i64` built-in that gives the looked-up value
/// to the guest: synchronously, or with an async call into the guest when
/// the instance is async.
fn define_lookup(
    linker: &mut Linker<StoreState>,
    name: &'static str,
    async_mode: bool,
    lookup: Lookup,
) -> wasmtime::Result<()> {
    if async_mode {
        linker.func_wrap_async(
            ECHELON_MODULE,
            name,
            move |mut caller: Caller<'_, StoreState>, (kptr, klen): (i32, i32)| {
                Box::new(async move {
                    let value = lookup(&mut caller, kptr, klen)?;
                    give_async(&mut caller, name, value).await
                })
            },
        )?;
    } else {
        linker.func_wrap(
            ECHELON_MODULE,
            name,
            move |mut caller: Caller<'_, StoreState>, kptr: i32, klen: i32| {
                let value = lookup(&mut caller, kptr, klen)?;
                give_sync(&mut caller, name, value)
            },
        )?;
    }
    Ok(())
}

/// Defines the built-in `name` in `linker`. `async_mode`: the instance is
/// called with `call_async`, so results are given with async calls into
/// the guest.
pub(crate) fn define(
    linker: &mut Linker<StoreState>,
    builtin: &Builtin,
    async_mode: bool,
) -> wasmtime::Result<()> {
    let m = ECHELON_MODULE;
    match builtin.name {
        "log" => {
            linker.func_wrap(
                m,
                "log",
                |mut caller: Caller<'_, StoreState>, level: i32, ptr: i32, len: i32| {
                    let max = plugin(&mut caller, "log")?
                        .env
                        .limits
                        .max_log_line
                        .saturating_mul(4);
                    let len = len.min(i32::try_from(max).unwrap_or(i32::MAX));
                    let bytes = read(&mut caller, "log", ptr, len, max, "message")?;
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    plugin(&mut caller, "log")?.push_log(LogLevel::from_i32(level), text);
                    Ok(())
                },
            )?;
        }
        "config_get" => define_lookup(linker, "config_get", async_mode, config_value)?,
        "kv_get" => define_lookup(linker, "kv_get", async_mode, kv_value)?,
        "kv_set" => {
            linker.func_wrap(
                m,
                "kv_set",
                |mut caller: Caller<'_, StoreState>,
                 kptr: i32,
                 klen: i32,
                 vptr: i32,
                 vlen: i32|
                 -> wasmtime::Result<i32> {
                    let quota = plugin(&mut caller, "kv_set")?.env.kv_quota;
                    let key = read_str(&mut caller, "kv_set", kptr, klen, quota.max_key_len, "key")?;
                    let value = read(&mut caller, "kv_set", vptr, vlen, quota.max_value_len, "value")?;
                    let p = plugin(&mut caller, "kv_set")?;
                    let store = p
                        .env
                        .kv
                        .clone()
                        .ok_or_else(|| fail("kv_set", "the runtime has no key-value store"))?;
                    let namespace = p.env.namespace.clone();
                    p.kv.set(&store, &namespace, &key, value, &quota)
                        .map_err(|e| fail("kv_set", e.to_string()))?;
                    Ok(0)
                },
            )?;
        }
        "kv_delete" => {
            linker.func_wrap(
                m,
                "kv_delete",
                |mut caller: Caller<'_, StoreState>, kptr: i32, klen: i32| -> wasmtime::Result<i32> {
                    let max = plugin(&mut caller, "kv_delete")?.env.kv_quota.max_key_len;
                    let key = read_str(&mut caller, "kv_delete", kptr, klen, max, "key")?;
                    let p = plugin(&mut caller, "kv_delete")?;
                    let store = p
                        .env
                        .kv
                        .clone()
                        .ok_or_else(|| fail("kv_delete", "the runtime has no key-value store"))?;
                    let namespace = p.env.namespace.clone();
                    let existed =
                        p.kv.delete(&store, &namespace, &key)
                            .map_err(|e| fail("kv_delete", e.to_string()))?;
                    Ok(i32::from(existed))
                },
            )?;
        }
        "http_request" => {
            linker.func_wrap_async(
                m,
                "http_request",
                |mut caller: Caller<'_, StoreState>, (ptr, len): (i32, i32)| {
                    Box::new(async move {
                        let env = plugin(&mut caller, "http_request")?.env.clone();
                        let request = read(
                            &mut caller,
                            "http_request",
                            ptr,
                            len,
                            env.limits.max_http_request_bytes,
                            "request",
                        )?;
                        let deadline = caller.data().deadline;
                        let response = super::net::http_request(&env, &request, deadline).await.map_err(
                            |e| match e {
                                super::net::NetError::Deadline => wasmtime::Error::new(DeadlineExceeded),
                                super::net::NetError::Refused(m) => fail("http_request", m),
                            },
                        )?;
                        give_async(&mut caller, "http_request", Some(response)).await
                    })
                },
            )?;
        }
        "random_bytes" => {
            linker.func_wrap(
                m,
                "random_bytes",
                |mut caller: Caller<'_, StoreState>, ptr: i32, len: i32| {
                    let max = plugin(&mut caller, "random_bytes")?.env.limits.max_random_bytes;
                    let n = usize::try_from(len)
                        .map_err(|_| fail("random_bytes", format!("negative length {len}")))?;
                    if n > max {
                        return Err(fail(
                            "random_bytes",
                            format!("{n} bytes asked; at most {max} per call"),
                        ));
                    }
                    let mut buf = vec![0u8; n];
                    getrandom::fill(&mut buf)
                        .map_err(|e| fail("random_bytes", format!("the OS has no randomness: {e}")))?;
                    HostCaller { caller: &mut caller }
                        .write_memory(ptr as u32, &buf)
                        .map_err(|m| fail("random_bytes", m))
                },
            )?;
        }
        "now_ms" => {
            linker.func_wrap(m, "now_ms", || -> i64 {
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                    .unwrap_or(0)
            })?;
        }
        other => {
            return Err(wasmtime::Error::msg(format!(
                "`{m}.{other}` is not a built-in host function"
            )));
        }
    }
    Ok(())
}

/// The names of every built-in, for error messages.
pub(crate) fn names() -> String {
    BUILTINS.iter().map(|b| b.name).collect::<Vec<_>>().join(", ")
}
