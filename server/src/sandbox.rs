//! Sandboxes: capability sets and resource limits for untrusted modules
//! (the spec's "Security Model").
//!
//! A sandbox decides, for every module instantiated or executed under it:
//! - which WebAssembly features it may use (`threads`, `simd`,
//!   `bulk-memory`, `reference-types`, `tail-call`, `exception-handling`,
//!   and WebAssembly 3.0's `gc` and `memory64`) — a module using one that
//!   is not granted is refused, naming it;
//! - which host functions link: a host function tagged with a capability
//!   (e.g. `console` for a logger, and every built-in `echelon.*` import)
//!   needs that capability; an untagged one needs `host-functions`. It must be in
//!   `allowed_host_functions` when that list is given, and must not be in
//!   `denied_host_functions` (`module.name`, `module.*` or `*`);
//! - its limits: memory (bytes), time (wall clock), instructions (fuel),
//!   call depth (counted by instrumenting the module at load), functions;
//! - its WASI capabilities.
//!
//! Every refusal is a [`Violation`], recorded on the sandbox and emitted as
//! `wasm:sandbox:violation`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use wasmparser::WasmFeatures;

use crate::runtime::{Violation, ViolationKind};
use crate::wasi::WasiCapabilities;
use crate::{Error, Result};

mod depth;

pub use depth::{instrument_call_depth, DEPTH_EXCEEDED, DEPTH_GLOBAL_EXPORT};

/// A capability a sandbox can grant (the spec's `WASMCapability`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// Importing or exporting a shared memory.
    Memory,
    /// The threads proposal (atomics, shared memory).
    Threads,
    /// 128-bit SIMD (and relaxed SIMD).
    Simd,
    /// Bulk memory operations (`memory.copy`, `memory.fill`, passive data).
    BulkMemory,
    /// Reference types (`externref`, multiple tables, `ref.func`).
    ReferenceTypes,
    /// Tail calls (`return_call`).
    TailCall,
    /// Exception handling (`try_table`, `throw`).
    ExceptionHandling,
    /// Any host function without a more specific capability (a function
    /// tagged with a capability needs that capability itself).
    HostFunctions,
    /// Host functions that read files.
    FileRead,
    /// Host functions that write files.
    FileWrite,
    /// Host functions that use the network.
    Network,
    /// Host functions that read the environment.
    Env,
    /// Key-value reads.
    KvRead,
    /// Key-value writes.
    KvWrite,
    /// Crypto host functions.
    Crypto,
    /// Logging host functions.
    Console,
    /// The wall clock (`echelon.now_ms`).
    Time,
    /// Garbage-collected structs and arrays, typed function references
    /// (WebAssembly 3.0 GC).
    Gc,
    /// 64-bit memories and tables (WebAssembly 3.0 memory64).
    Memory64,
}

impl Capability {
    /// Every capability.
    pub const ALL: [Capability; 19] = [
        Capability::Memory,
        Capability::Threads,
        Capability::Simd,
        Capability::BulkMemory,
        Capability::ReferenceTypes,
        Capability::TailCall,
        Capability::ExceptionHandling,
        Capability::HostFunctions,
        Capability::FileRead,
        Capability::FileWrite,
        Capability::Network,
        Capability::Env,
        Capability::KvRead,
        Capability::KvWrite,
        Capability::Crypto,
        Capability::Console,
        Capability::Time,
        Capability::Gc,
        Capability::Memory64,
    ];

    /// The spec's name, e.g. `bulk-memory`.
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::Memory => "memory",
            Capability::Threads => "threads",
            Capability::Simd => "simd",
            Capability::BulkMemory => "bulk-memory",
            Capability::ReferenceTypes => "reference-types",
            Capability::TailCall => "tail-call",
            Capability::ExceptionHandling => "exception-handling",
            Capability::HostFunctions => "host-functions",
            Capability::FileRead => "file-read",
            Capability::FileWrite => "file-write",
            Capability::Network => "network",
            Capability::Env => "env",
            Capability::KvRead => "kv-read",
            Capability::KvWrite => "kv-write",
            Capability::Crypto => "crypto",
            Capability::Console => "console",
            Capability::Time => "time",
            Capability::Gc => "gc",
            Capability::Memory64 => "memory64",
        }
    }

    /// The WebAssembly features this capability grants (empty for host
    /// capabilities).
    pub fn features(self) -> WasmFeatures {
        match self {
            Capability::Threads => WasmFeatures::THREADS,
            Capability::Simd => WasmFeatures::SIMD | WasmFeatures::RELAXED_SIMD,
            Capability::BulkMemory => WasmFeatures::BULK_MEMORY,
            Capability::ReferenceTypes => WasmFeatures::REFERENCE_TYPES | WasmFeatures::FUNCTION_REFERENCES,
            Capability::TailCall => WasmFeatures::TAIL_CALL,
            Capability::ExceptionHandling => WasmFeatures::EXCEPTIONS,
            Capability::Gc => {
                WasmFeatures::GC | WasmFeatures::REFERENCE_TYPES | WasmFeatures::FUNCTION_REFERENCES
            }
            Capability::Memory64 => WasmFeatures::MEMORY64,
            _ => WasmFeatures::empty(),
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Capability {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Capability::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                Error::Source(format!(
                    "unknown capability `{s}`; expected one of {}",
                    Capability::ALL.map(|c| c.as_str()).join(", ")
                ))
            })
    }
}

/// Whether `granted` lets a host function tagged with `capability` link: a tagged function needs exactly its capability; an
/// untagged one needs `host-functions`. Returns the missing capability.
pub(crate) fn check_capability(
    granted: &BTreeSet<Capability>,
    capability: Option<Capability>,
) -> Result<(), Capability> {
    let needed = capability.unwrap_or(Capability::HostFunctions);
    if granted.contains(&needed) {
        Ok(())
    } else {
        Err(needed)
    }
}

/// Features every module may use: WebAssembly 1.0 plus the small
/// extensions every toolchain emits (mutable globals, sign extension,
/// saturating float-to-int, multi-value, memory64 is not among them).
pub fn base_features() -> WasmFeatures {
    WasmFeatures::WASM1
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::MULTI_VALUE
        | WasmFeatures::EXTENDED_CONST
        | WasmFeatures::MULTI_MEMORY
}

/// CPU limits (the spec's `WASMCPULimit`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CpuLimit {
    /// Fuel per call: roughly one unit per WebAssembly instruction.
    pub max_instructions: Option<u64>,
    /// Deepest chain of WebAssembly calls (counted exactly: the module is
    /// instrumented at instantiation to count call depth).
    pub max_call_depth: Option<u32>,
    /// Accepted for compatibility; interruption is by epochs, whose interval
    /// is [`RuntimeConfig::epoch_interval`](crate::RuntimeConfig).
    pub interrupt_interval: Option<u64>,
}

/// A sandbox's configuration (the spec's `WASMSandboxConfig`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxConfig {
    /// Id; generated (`sandbox-N`) when `None`.
    pub id: Option<String>,
    /// Linear memory per instance, bytes.
    pub memory_limit: u64,
    /// Instruction and call-depth limits.
    pub cpu_limit: CpuLimit,
    /// Wall-clock limit per call (the smaller of this and the call's own
    /// timeout applies).
    pub time_limit: Option<Duration>,
    /// Granted capabilities.
    pub capabilities: BTreeSet<Capability>,
    /// When given, only these host functions (`module.name`, `module.*`)
    /// link.
    pub allowed_host_functions: Option<Vec<String>>,
    /// These never link.
    pub denied_host_functions: Vec<String>,
    /// Most functions a module may define.
    pub max_functions: Option<u32>,
    /// WASI capabilities; `None` grants none (an empty WASI context for
    /// modules that import WASI).
    pub wasi: Option<WasiCapabilities>,
    /// Hosts `echelon.http_request` may reach (with `network`): exact host
    /// names (`api.example.com`, `127.0.0.1`) or `*.domain` for every
    /// subdomain of `domain`. Empty: none.
    pub allowed_hosts: Vec<String>,
    /// Values `echelon.config_get` returns (with `env`): the plugin's
    /// configuration.
    pub config: BTreeMap<String, String>,
    /// The key-value namespace of `echelon.kv_*`; default: the module id,
    /// so every plugin has its own.
    pub kv_namespace: Option<String>,
    /// Limits of the plugin's key-value namespace.
    pub kv_quota: KvQuota,
}

/// Limits of one key-value namespace (see [`SandboxConfig::kv_quota`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvQuota {
    /// Keys the namespace may hold. Default 10,000.
    pub max_keys: u64,
    /// Bytes of keys plus values the namespace may hold. Default 16 MiB.
    pub max_bytes: u64,
    /// Longest key, bytes. Default 1 KiB.
    pub max_key_len: usize,
    /// Longest value, bytes. Default 1 MiB.
    pub max_value_len: usize,
}

impl Default for KvQuota {
    fn default() -> Self {
        Self {
            max_keys: 10_000,
            max_bytes: 16 * 1024 * 1024,
            max_key_len: 1024,
            max_value_len: 1024 * 1024,
        }
    }
}

impl Default for SandboxConfig {
    /// A strict sandbox: 16 MiB, 5 s, 10^9 instructions, call depth 10,000,
    /// 50,000 functions, the `bulk-memory` and `reference-types` features
    /// that current compilers emit by default, no host functions, no WASI.
    fn default() -> Self {
        Self {
            id: None,
            memory_limit: 16 * 1024 * 1024,
            cpu_limit: CpuLimit {
                max_instructions: Some(1_000_000_000),
                max_call_depth: Some(10_000),
                interrupt_interval: None,
            },
            time_limit: Some(Duration::from_secs(5)),
            capabilities: [Capability::BulkMemory, Capability::ReferenceTypes]
                .into_iter()
                .collect(),
            allowed_host_functions: None,
            denied_host_functions: Vec::new(),
            max_functions: Some(50_000),
            wasi: None,
            allowed_hosts: Vec::new(),
            config: BTreeMap::new(),
            kv_namespace: None,
            kv_quota: KvQuota::default(),
        }
    }
}

impl SandboxConfig {
    /// Grants capabilities.
    pub fn grant(mut self, caps: impl IntoIterator<Item = Capability>) -> Self {
        self.capabilities.extend(caps);
        self
    }

    /// Sets the id.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets [`SandboxConfig::memory_limit`].
    pub fn memory_limit(mut self, bytes: u64) -> Self {
        self.memory_limit = bytes;
        self
    }

    /// Sets [`SandboxConfig::time_limit`].
    pub fn time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = Some(limit);
        self
    }

    /// Sets [`CpuLimit::max_instructions`].
    pub fn max_instructions(mut self, n: u64) -> Self {
        self.cpu_limit.max_instructions = Some(n);
        self
    }

    /// Sets [`CpuLimit::max_call_depth`].
    pub fn max_call_depth(mut self, n: u32) -> Self {
        self.cpu_limit.max_call_depth = Some(n);
        self
    }

    /// Sets [`SandboxConfig::allowed_host_functions`].
    pub fn allow_host_functions(mut self, names: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.allowed_host_functions = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Adds to [`SandboxConfig::denied_host_functions`].
    pub fn deny_host_functions(mut self, names: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.denied_host_functions
            .extend(names.into_iter().map(Into::into));
        self
    }

    /// Sets the WASI capabilities.
    pub fn wasi(mut self, caps: WasiCapabilities) -> Self {
        self.wasi = Some(caps);
        self
    }

    /// Sets [`SandboxConfig::allowed_hosts`].
    pub fn allow_hosts(mut self, hosts: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.allowed_hosts = hosts.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a value to [`SandboxConfig::config`].
    pub fn config_value(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.config.insert(key.into(), value.into());
        self
    }

    /// Sets [`SandboxConfig::kv_namespace`].
    pub fn kv_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.kv_namespace = Some(namespace.into());
        self
    }

    /// Sets [`SandboxConfig::kv_quota`].
    pub fn kv_quota(mut self, quota: KvQuota) -> Self {
        self.kv_quota = quota;
        self
    }

    /// The WebAssembly features modules in this sandbox may use.
    pub fn features(&self) -> WasmFeatures {
        self.capabilities
            .iter()
            .fold(base_features(), |f, c| f | c.features())
    }
}

/// A live sandbox: its configuration and the violations recorded so far.
#[derive(Debug)]
pub struct Sandbox {
    /// The sandbox id.
    pub id: String,
    /// Its configuration.
    pub config: SandboxConfig,
    /// When it was created.
    pub created_at: SystemTime,
    /// The most recent violations (at most [`MAX_VIOLATIONS`]) and how many
    /// were recorded in all.
    violations: Mutex<(std::collections::VecDeque<Violation>, u64)>,
    /// sha256 of the modules that passed [`Sandbox::check_module`] (the
    /// configuration never changes, so neither does the verdict).
    checked: Mutex<std::collections::HashSet<String>>,
}

/// Violations a sandbox keeps (the oldest are dropped first): a module
/// that fails on purpose in a loop must not grow the server's memory.
pub const MAX_VIOLATIONS: usize = 1000;

impl Sandbox {
    pub(crate) fn new(id: String, config: SandboxConfig) -> Arc<Self> {
        Arc::new(Self {
            id,
            config,
            created_at: SystemTime::now(),
            violations: Mutex::new((std::collections::VecDeque::new(), 0)),
            checked: Mutex::new(std::collections::HashSet::new()),
        })
    }

    /// The most recent violations (at most [`MAX_VIOLATIONS`]), oldest first.
    pub fn violations(&self) -> Vec<Violation> {
        self.violations.lock().0.iter().cloned().collect()
    }

    /// How many violations were recorded in all (kept or dropped).
    pub fn violation_count(&self) -> u64 {
        self.violations.lock().1
    }

    pub(crate) fn record(&self, module_id: &str, kind: ViolationKind, message: String) -> Violation {
        let v = Violation {
            sandbox_id: self.id.clone(),
            module_id: module_id.to_string(),
            kind,
            message,
            timestamp: SystemTime::now(),
        };
        let mut kept = self.violations.lock();
        if kept.0.len() == MAX_VIOLATIONS {
            kept.0.pop_front();
        }
        kept.0.push_back(v.clone());
        kept.1 += 1;
        v
    }

    /// Whether the host function `module.name` (tagged with `capability`)
    /// may link, or why not.
    pub fn permits_host_function(
        &self,
        module: &str,
        name: &str,
        capability: Option<Capability>,
    ) -> Result<(), String> {
        let qualified = format!("{module}.{name}");
        let matches = |pattern: &String| {
            pattern == "*" || *pattern == qualified || pattern.strip_suffix(".*").is_some_and(|m| m == module)
        };
        if self.config.denied_host_functions.iter().any(matches) {
            return Err(format!(
                "host function `{qualified}` is denied by sandbox `{}`",
                self.id
            ));
        }
        if let Some(allowed) = &self.config.allowed_host_functions {
            if !allowed.iter().any(matches) {
                return Err(format!(
                    "host function `{qualified}` is not in the allowed list of sandbox `{}`",
                    self.id
                ));
            }
        }
        check_capability(&self.config.capabilities, capability)
            .map_err(|needed| {
                format!(
                    "host function `{qualified}` needs the `{needed}` capability, which sandbox `{}` does not grant; \
                     grant it (a plugin manifest's \"capabilities\", or SandboxConfig::grant)",
                    self.id
                )
            })
    }

    /// [`Sandbox::check_module`] for module `sha256`, remembering a pass:
    /// instantiating the same module again under this sandbox skips the
    /// validation pass.
    pub(crate) fn check_module_cached(&self, sha256: &str, bytes: &[u8]) -> Result<(), String> {
        if self.checked.lock().contains(sha256) {
            return Ok(());
        }
        self.check_module(bytes)?;
        self.checked.lock().insert(sha256.to_string());
        Ok(())
    }

    /// Checks a module's bytes against the granted features and function
    /// limit; the error names each missing capability.
    pub fn check_module(&self, bytes: &[u8]) -> Result<(), String> {
        let granted = self.config.features();
        if wasmparser::Validator::new_with_features(granted)
            .validate_all(bytes)
            .is_err()
        {
            let feature_caps = [
                Capability::Threads,
                Capability::Simd,
                Capability::BulkMemory,
                Capability::ReferenceTypes,
                Capability::TailCall,
                Capability::ExceptionHandling,
                Capability::Gc,
                Capability::Memory64,
            ];
            let every = feature_caps.iter().fold(granted, |f, c| f | c.features());
            if wasmparser::Validator::new_with_features(every)
                .validate_all(bytes)
                .is_err()
            {
                return Err(format!(
                    "the module uses WebAssembly features no sandbox capability grants (sandbox `{}`)",
                    self.id
                ));
            }
            // A capability is needed when everything but it is not enough.
            let missing: Vec<&str> = feature_caps
                .iter()
                .filter(|c| !self.config.capabilities.contains(c))
                .filter(|c| {
                    let without = feature_caps
                        .iter()
                        .filter(|o| o != c)
                        .fold(granted, |f, o| f | o.features());
                    wasmparser::Validator::new_with_features(without)
                        .validate_all(bytes)
                        .is_err()
                })
                .map(|c| c.as_str())
                .collect();
            return Err(if missing.is_empty() {
                format!(
                    "the module uses WebAssembly features sandbox `{}` does not grant",
                    self.id
                )
            } else {
                format!(
                    "the module uses {} which sandbox `{}` does not grant; add the capability to run it",
                    missing
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    self.id
                )
            });
        }
        if let Some(max) = self.config.max_functions {
            let mut count = 0u64;
            for payload in wasmparser::Parser::new(0).parse_all(bytes).flatten() {
                if let wasmparser::Payload::FunctionSection(r) = payload {
                    count += u64::from(r.count());
                }
            }
            if count > u64::from(max) {
                return Err(format!(
                    "the module defines {count} functions, over the limit of {max} of sandbox `{}`",
                    self.id
                ));
            }
        }
        Ok(())
    }
}

/// A snapshot of a sandbox for callers and the HTTP API.
#[derive(Debug, Clone, Serialize)]
pub struct SandboxInfo {
    /// Id.
    pub id: String,
    /// Granted capabilities.
    pub capabilities: Vec<Capability>,
    /// Memory limit in bytes.
    pub memory_limit: u64,
    /// Time limit.
    pub time_limit: Option<Duration>,
    /// CPU limits.
    pub cpu_limit: CpuLimit,
    /// The most recent violations (at most [`MAX_VIOLATIONS`]).
    pub violations: Vec<Violation>,
    /// How many violations were recorded in all.
    pub violation_count: u64,
}

impl From<&Sandbox> for SandboxInfo {
    fn from(s: &Sandbox) -> Self {
        Self {
            id: s.id.clone(),
            capabilities: s.config.capabilities.iter().copied().collect(),
            memory_limit: s.config.memory_limit,
            time_limit: s.config.time_limit,
            cpu_limit: s.config.cpu_limit,
            violations: s.violations(),
            violation_count: s.violation_count(),
        }
    }
}
