//! [`RuntimeConfig`]: the runtime's limits and switches, with the spec's
//! defaults.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use super::builtins::HostLimits;
use crate::sandbox::Capability;

/// Configuration of a [`WasmRuntime`](super::WasmRuntime).
///
/// `RuntimeConfig::default()` has the spec's defaults; the setters change
/// one value each:
///
/// ```
/// use std::time::Duration;
/// use echelon::runtime::RuntimeConfig;
/// let config = RuntimeConfig::default()
///     .default_timeout(Duration::from_millis(250))
///     .max_concurrent_executions(8);
/// assert_eq!(config.module_memory_limit, 16 * 1024 * 1024);
/// ```
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// Total linear memory of all live instances. Default 256 MiB.
    pub global_memory_limit: u64,
    /// Linear memory of one instance unless its sandbox says otherwise.
    /// Default 16 MiB.
    pub module_memory_limit: u64,
    /// Time limit of one call unless `ExecOptions` says otherwise.
    /// Default 5000 ms.
    pub default_timeout: Duration,
    /// The longest any call (or instantiation) may run, whatever its
    /// options or sandbox ask for. Default 30 s.
    pub max_timeout: Duration,
    /// Calls running at once; the rest wait in FIFO order. Default 100.
    pub max_concurrent_executions: usize,
    /// Whether host functions are checked against capabilities for modules
    /// without a sandbox too (against [`RuntimeConfig::default_capabilities`]).
    /// With `false`, such modules link every registered host function and
    /// every `echelon.*` built-in. Sandboxed modules are always checked.
    /// Default `true`.
    pub enable_sandboxing: bool,
    /// What modules without a sandbox are granted when sandboxing is on.
    /// Default: `host-functions` only, so untagged host functions the
    /// embedder registered link, and functions tagged with a capability
    /// (every `echelon.*` built-in among them) do not.
    pub default_capabilities: BTreeSet<Capability>,
    /// Where the key-value store of `echelon.kv_*` lives; `None` keeps it in
    /// memory (gone with the runtime). `echelon serve` puts it at
    /// `<data>/kv.redb`.
    pub kv_path: Option<PathBuf>,
    /// Caps on the built-in host functions (log volume, HTTP sizes and time,
    /// randomness per call).
    pub host_limits: HostLimits,
    /// Whether counters and histograms are kept. Default `true`.
    pub enable_metrics: bool,
    /// Whether `register_native_module`/`call_native` are allowed.
    /// Default `false`.
    pub enable_native_imports: bool,
    /// Whether compiled artifacts are kept on disk so a later process loads
    /// a module without compiling it. Default `true`.
    pub precompiled_cache: bool,
    /// Where precompiled artifacts go. Default
    /// `$XDG_CACHE_HOME/echelon/modules` (or `~/.cache/echelon/modules`, or
    /// the system temp dir).
    pub cache_dir: Option<PathBuf>,
    /// Total size of compiled modules kept in memory; least recently used
    /// ones beyond it are evicted from the cache (not unloaded). Default
    /// 512 MiB.
    pub module_cache_size: u64,
    /// Fuel metering: every call reports `gas_used` and can be given a fuel
    /// limit. Costs some guest speed. Default `true`.
    pub fuel_metering: bool,
    /// Largest module accepted by the loader, in bytes. Default 64 MiB.
    pub max_module_size: u64,
    /// Interval of the engine's epoch ticker, which bounds how late a
    /// timeout fires. Default 2 ms.
    pub epoch_interval: Duration,
    /// Guest stack size limit in bytes. Default 512 KiB.
    pub max_wasm_stack: usize,
    /// Use wasmtime's pooling allocator, which makes fresh instances much
    /// cheaper but reserves address space up front and does not support
    /// shared memories. Default `false`.
    pub pooling_allocator: bool,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            global_memory_limit: 256 * 1024 * 1024,
            module_memory_limit: 16 * 1024 * 1024,
            default_timeout: Duration::from_millis(5000),
            max_timeout: Duration::from_secs(30),
            max_concurrent_executions: 100,
            enable_sandboxing: true,
            default_capabilities: [Capability::HostFunctions].into_iter().collect(),
            kv_path: None,
            host_limits: HostLimits::default(),
            enable_metrics: true,
            enable_native_imports: false,
            precompiled_cache: true,
            cache_dir: None,
            module_cache_size: 512 * 1024 * 1024,
            fuel_metering: true,
            max_module_size: 64 * 1024 * 1024,
            epoch_interval: Duration::from_millis(2),
            max_wasm_stack: 512 * 1024,
            pooling_allocator: false,
        }
    }
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty),+ $(,)?) => {
        impl RuntimeConfig {
            $($(#[$doc])*
            pub fn $name(mut self, value: $ty) -> Self {
                self.$name = value;
                self
            })+
        }
    };
}

setters! {
    /// Sets [`RuntimeConfig::global_memory_limit`].
    global_memory_limit: u64,
    /// Sets [`RuntimeConfig::module_memory_limit`].
    module_memory_limit: u64,
    /// Sets [`RuntimeConfig::default_timeout`].
    default_timeout: Duration,
    /// Sets [`RuntimeConfig::max_timeout`].
    max_timeout: Duration,
    /// Sets [`RuntimeConfig::max_concurrent_executions`].
    max_concurrent_executions: usize,
    /// Sets [`RuntimeConfig::enable_sandboxing`].
    enable_sandboxing: bool,
    /// Sets [`RuntimeConfig::enable_metrics`].
    enable_metrics: bool,
    /// Sets [`RuntimeConfig::enable_native_imports`].
    enable_native_imports: bool,
    /// Sets [`RuntimeConfig::precompiled_cache`].
    precompiled_cache: bool,
    /// Sets [`RuntimeConfig::module_cache_size`].
    module_cache_size: u64,
    /// Sets [`RuntimeConfig::fuel_metering`].
    fuel_metering: bool,
    /// Sets [`RuntimeConfig::max_module_size`].
    max_module_size: u64,
    /// Sets [`RuntimeConfig::epoch_interval`].
    epoch_interval: Duration,
    /// Sets [`RuntimeConfig::max_wasm_stack`].
    max_wasm_stack: usize,
    /// Sets [`RuntimeConfig::pooling_allocator`].
    pooling_allocator: bool,
}

impl RuntimeConfig {
    /// Sets [`RuntimeConfig::default_capabilities`].
    pub fn default_capabilities(mut self, caps: impl IntoIterator<Item = Capability>) -> Self {
        self.default_capabilities = caps.into_iter().collect();
        self
    }

    /// Sets [`RuntimeConfig::kv_path`].
    pub fn kv_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.kv_path = Some(path.into());
        self
    }

    /// Sets [`RuntimeConfig::host_limits`].
    pub fn host_limits(mut self, limits: HostLimits) -> Self {
        self.host_limits = limits;
        self
    }

    /// Sets [`RuntimeConfig::cache_dir`].
    pub fn cache_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cache_dir = Some(dir.into());
        self
    }

    /// The precompiled cache's directory: [`RuntimeConfig::cache_dir`], else
    /// `$XDG_CACHE_HOME/echelon/modules` or `$HOME/.cache/echelon/modules`.
    /// Never a shared temp directory (another user could pre-fill it with
    /// code this process would load): without either variable there is no
    /// disk cache.
    pub(crate) fn resolved_cache_dir(&self) -> Option<PathBuf> {
        if let Some(d) = &self.cache_dir {
            return Some(d.clone());
        }
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|v| !v.is_empty())
                    .map(|h| PathBuf::from(h).join(".cache"))
            })?;
        Some(base.join("echelon").join("modules"))
    }
}
