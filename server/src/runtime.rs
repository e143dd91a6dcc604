//! The WebAssembly runtime core on wasmtime: loading, caching, linking,
//! executing under limits, host functions, memory statistics and events.
//!
//! ```no_run
//! # async fn demo() -> echelon::Result<()> {
//! use echelon::runtime::{ExecOptions, RuntimeConfig, WasmRuntime, WasmSource};
//! let runtime = WasmRuntime::new(RuntimeConfig::default())?;
//! let wat = r#"(module (func (export "add") (param i32 i32) (result i32)
//!     local.get 0 local.get 1 i32.add))"#;
//! runtime.load_module_as("math", WasmSource::bytes(wat)).await?;
//! let sum = runtime.execute::<i32>("math", "add", echelon::args![5, 3], ExecOptions::default()).await?;
//! assert_eq!(sum.value, 8);
//! // The fast path: an export resolved once, called synchronously.
//! let add = runtime.func::<(i32, i32), i32>("math", "add")?;
//! assert_eq!(add.call((5, 3))?, 8);
//! # Ok(()) }
//! ```

mod abi_func;
mod builtins;
mod cache;
mod config;
mod dts;
mod events;
mod executor;
mod host;
mod instance;
mod kv;
mod limits;
mod loader;
mod metrics;
mod module;
mod native;
mod net;
mod pool;
mod store;
mod typed;
mod values;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use parking_lot::{Mutex, RwLock};
use serde::Serialize;
use tracing::Instrument;
use wasmtime::{Engine, MemoryType, SharedMemory};

pub use abi_func::{AbiFunction, AbiParam, AbiParams, AbiResult};
pub use builtins::{Builtin, HostLimits, LogLevel, LogLine, BUILTINS, ECHELON_MODULE};
pub use cache::{CacheEntryStats, CacheStats};
pub use config::RuntimeConfig;
pub use events::{EventType, ListenerId, RuntimeEvent, Violation, ViolationKind};
pub use executor::{
    CallOutput, CallStats, ExecOptions, Execution, ExecutionResult, InstanceMode, POOLED_GROWTH_KEPT,
};
pub use host::{BoxFuture, HostCaller, HostFunc, HostFunction};
pub use kv::{KvBatch, KvStore, KvUsage};
pub use limits::{LimitExceeded, MemoryStats, PAGE_SIZE};
pub use loader::{engine_features, validate, WasmSource};
pub use metrics::{Metrics, MetricsSnapshot, MAX_MODULE_SERIES, OTHER_MODULES};
pub use module::{ExportInfo, ImportInfo, MemoryInfo, ModuleInfo, ModuleSummary};
pub use net::HostPattern;
pub use store::StoreState;
pub use typed::TypedFunction;
pub use values::{FromResults, ParamType, ValKind, Value};

use cache::{DiskCache, ModuleCache};
use events::EventBus;
use instance::{build_linker, imports_builtins, LinkInputs, LiveInstance};
use limits::{Limiter, MemoryCounters};
use module::LoadedModule;
use store::{arm, new_store, race, DeadlineExceeded, Interrupt, Interrupted};

use crate::sandbox::{instrument_call_depth, Sandbox, SandboxConfig, SandboxInfo};
use crate::wasi::{imports_wasi, WasiCapabilities, WasiState};
use crate::{Error, Result};

/// Table elements one instance may hold.
pub const MAX_TABLE_ELEMENTS: usize = 1_000_000;

/// Native stack a guest thread has beyond the wasm stack limit, for the
/// host frames around and under the guest's (host functions, WASI, the
/// runtime's own code).
const GUEST_THREAD_HOST_STACK: usize = 4 << 20;

/// Options of [`WasmRuntime::instantiate`] (the spec's
/// `WASMInstantiationOptions`).
#[derive(Default, Clone)]
pub struct InstantiateOptions {
    /// Host functions for this instance only, on top of the registered ones
    /// (the spec's `imports`).
    pub imports: Vec<HostFunction>,
    /// Memory to satisfy the module's memory import (the spec's shared
    /// memory between instances); see [`WasmRuntime::create_shared_memory`].
    pub shared_memory: Option<SharedMemory>,
    /// Linear memory limit of this instance; default
    /// [`RuntimeConfig::module_memory_limit`].
    pub memory_limit: Option<u64>,
    /// Time limit of instantiation (start function); default
    /// [`RuntimeConfig::default_timeout`].
    pub timeout: Option<Duration>,
    /// Run this instance (and later `execute` calls on it) under a sandbox.
    pub sandbox_id: Option<String>,
    /// WASI capabilities of this instance, for modules without a sandbox
    /// (a sandboxed instance gets its sandbox's; giving both is refused).
    /// Default: none granted (an empty WASI context).
    pub wasi: Option<WasiCapabilities>,
}

/// Global and per-module memory statistics.
#[derive(Debug, Clone, Serialize)]
pub struct RuntimeMemoryStats {
    /// All live instances, against the global limit.
    pub global: MemoryStats,
    /// Per module, against the per-module limit.
    pub modules: BTreeMap<String, MemoryStats>,
}

pub(crate) struct Inner {
    engine: Engine,
    config: RuntimeConfig,
    modules: RwLock<HashMap<String, Arc<LoadedModule>>>,
    cache: Mutex<ModuleCache>,
    disk: Option<DiskCache>,
    hosts: RwLock<(u64, Vec<HostFunction>)>,
    semaphore: Arc<tokio::sync::Semaphore>,
    events: EventBus,
    metrics: Metrics,
    global_memory: Arc<MemoryCounters>,
    running: AtomicBool,
    next_execution: AtomicU64,
    natives: Mutex<HashMap<String, native::NativeModule>>,
    sandboxes: RwLock<HashMap<String, Arc<Sandbox>>>,
    next_sandbox: AtomicU64,
    ticker_stop: Arc<AtomicBool>,
    /// The key-value store (opened at start when `kv_path` is set, else
    /// created in memory on first use).
    kv: OnceLock<Arc<KvStore>>,
    /// The HTTP client of `echelon.http_request`, built on first use.
    http: OnceLock<reqwest::Client>,
    /// One lock per key-value namespace, taken by calls of plugins that
    /// write it.
    kv_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Fired when a bounded shutdown's grace period runs out.
    interrupt: Arc<Interrupt>,
    /// The threads guest code runs on.
    pool: pool::GuestPool,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
    }
}

/// The runtime (the spec's `WASMRuntimeCore`). Cheap to clone: clones share
/// one engine, one module table and one execution queue.
#[derive(Clone)]
pub struct WasmRuntime {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for WasmRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmRuntime")
            .field("modules", &self.inner.modules.read().len())
            .field("config", &self.inner.config)
            .finish()
    }
}

/// Builds the wasmtime engine configuration for a runtime config.
pub fn engine_config(config: &RuntimeConfig) -> wasmtime::Config {
    let mut c = wasmtime::Config::new();
    c.epoch_interruption(true)
        .consume_fuel(config.fuel_metering)
        .max_wasm_stack(config.max_wasm_stack)
        .wasm_threads(true)
        .shared_memory(true)
        .wasm_simd(true)
        .wasm_relaxed_simd(true)
        .wasm_bulk_memory(true)
        .wasm_reference_types(true)
        .wasm_multi_value(true)
        .wasm_tail_call(true)
        .wasm_multi_memory(true)
        .wasm_extended_const(true)
        .wasm_function_references(true)
        .wasm_gc(true)
        .wasm_exceptions(true)
        .wasm_memory64(true);
    if config.pooling_allocator {
        let mut pool = wasmtime::PoolingAllocationConfig::default();
        pool.total_memories(1000)
            .total_tables(1000)
            .total_core_instances(1000)
            .max_memory_size(config.module_memory_limit as usize);
        c.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(pool));
    }
    c
}

impl WasmRuntime {
    /// Creates a runtime and starts its epoch ticker (one thread per
    /// runtime, stopped when the last clone is dropped).
    pub fn new(config: RuntimeConfig) -> Result<Self> {
        let engine = Engine::new(&engine_config(&config)).map_err(|e| Error::Engine(format!("{e:#}")))?;
        let disk = config
            .precompiled_cache
            .then(|| config.resolved_cache_dir())
            .flatten()
            .and_then(|dir| DiskCache::open(dir, &engine));
        let kv = OnceLock::new();
        if let Some(path) = &config.kv_path {
            let _ = kv.set(Arc::new(KvStore::open(path)?));
        }
        let ticker_stop = Arc::new(AtomicBool::new(false));
        {
            let engine = engine.clone();
            let stop = ticker_stop.clone();
            let interval = config.epoch_interval;
            std::thread::Builder::new()
                .name("echelon-epoch".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        std::thread::sleep(interval);
                        engine.increment_epoch();
                    }
                })
                .map_err(|e| Error::Engine(format!("cannot start the epoch ticker thread: {e}")))?;
        }
        let pool = pool::GuestPool::new(
            config.max_concurrent_executions.max(1),
            config.max_wasm_stack.saturating_add(GUEST_THREAD_HOST_STACK),
        );
        Ok(Self {
            inner: Arc::new(Inner {
                cache: Mutex::new(ModuleCache::new(config.module_cache_size)),
                semaphore: Arc::new(tokio::sync::Semaphore::new(
                    config.max_concurrent_executions.max(1),
                )),
                engine,
                disk,
                config,
                modules: RwLock::new(HashMap::new()),
                hosts: RwLock::new((0, Vec::new())),
                events: EventBus::default(),
                metrics: Metrics::default(),
                global_memory: Arc::new(MemoryCounters::default()),
                running: AtomicBool::new(true),
                next_execution: AtomicU64::new(1),
                natives: Mutex::new(HashMap::new()),
                sandboxes: RwLock::new(HashMap::new()),
                next_sandbox: AtomicU64::new(1),
                ticker_stop,
                kv,
                http: OnceLock::new(),
                kv_locks: Mutex::new(HashMap::new()),
                interrupt: Arc::new(Interrupt::default()),
                pool,
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &RuntimeConfig {
        &self.inner.config
    }

    /// The wasmtime engine (for embedders that need raw access).
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// Counters and histograms.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Loads a module under the id its source suggests (file stem, URL
    /// stem) or `module-<first 12 hex digits of its sha256>` for bytes.
    pub async fn load_module(&self, source: WasmSource) -> Result<ModuleInfo> {
        self.load(None, source).await
    }

    /// Loads a module under `id`. Loading the same bytes under the same id
    /// again is a no-op; different bytes under a taken id is an error.
    pub async fn load_module_as(&self, id: impl Into<String>, source: WasmSource) -> Result<ModuleInfo> {
        self.load(Some(id.into()), source).await
    }

    async fn load(&self, id: Option<String>, source: WasmSource) -> Result<ModuleInfo> {
        let started = Instant::now();
        let described = source.describe();
        let span = tracing::info_span!("wasm.load", source = %described, module = tracing::field::Empty);
        async move {
            let fetched = loader::fetch(&source, self.inner.config.max_module_size).await?;
            let id = id
                .or_else(|| source.default_id())
                .unwrap_or_else(|| format!("module-{}", &fetched.sha256[..12]));
            tracing::Span::current().record("module", id.as_str());
            if let Some(existing) = self.inner.modules.read().get(&id) {
                if existing.sha256 == fetched.sha256 {
                    return Ok(existing.info());
                }
                return Err(Error::AlreadyExists(id));
            }
            let bytes = Arc::new(fetched.bytes);
            // Validation and parsing are linear but not free on a large
            // module: they run on a blocking thread, as compilation does.
            let abi_text = {
                let bytes = bytes.clone();
                blocking(move || {
                    loader::validate(&bytes, loader::engine_features())?;
                    module::abi_section(&bytes)
                })
                .await?
            };
            let (compiled, origin) = self.compile_cached(&id, &fetched.sha256, bytes.clone()).await?;
            let size = bytes.len() as u64;
            let loaded = {
                let (id, sha) = (id.clone(), fetched.sha256.clone());
                blocking(move || LoadedModule::new(id, compiled, bytes, sha, described, abi_text.as_deref())).await?
            };
            let info = loaded.info();
            {
                let mut modules = self.inner.modules.write();
                if modules.contains_key(&id) {
                    return Err(Error::AlreadyExists(id));
                }
                modules.insert(id.clone(), Arc::new(loaded));
            }
            self.inner.metrics.module_loaded(origin == "compiled");
            tracing::info!(module = %id, size, origin, elapsed_ms = started.elapsed().as_secs_f64() * 1e3, "module loaded");
            self.inner.events.emit(RuntimeEvent::ModuleLoaded {
                module_id: id,
                size,
                sha256: fetched.sha256,
                origin,
                duration: started.elapsed(),
            });
            Ok(info)
        }
        .instrument(span)
        .await
    }

    /// Compiled code for `sha256`: from memory, from disk, or compiled (on
    /// a blocking thread) and then stored in both caches.
    async fn compile_cached(
        &self,
        id: &str,
        sha256: &str,
        bytes: Arc<Vec<u8>>,
    ) -> Result<(wasmtime::Module, &'static str)> {
        if let Some(m) = self.inner.cache.lock().get(sha256, id) {
            return Ok((m, "memory"));
        }
        let inner = self.inner.clone();
        let sha = sha256.to_string();
        let wasm_len = bytes.len() as u64;
        let (module, origin) =
            tokio::task::spawn_blocking(move || -> Result<(wasmtime::Module, &'static str)> {
                if let Some(disk) = &inner.disk {
                    if let Some(m) = disk.load(&inner.engine, &sha) {
                        return Ok((m, "disk"));
                    }
                }
                let m =
                    wasmtime::Module::from_binary(&inner.engine, &bytes).map_err(|e| Error::Validation {
                        kind: crate::error::ValidationKind::UnsupportedFeature,
                        message: format!("wasmtime cannot compile the module: {e:#}"),
                        offset: None,
                    })?;
                if let Some(disk) = &inner.disk {
                    disk.store(&sha, &m);
                }
                Ok((m, "compiled"))
            })
            .await
            .map_err(|e| Error::Engine(format!("compilation task failed: {e}")))??;
        let mut cache = self.inner.cache.lock();
        match origin {
            "disk" => cache.disk_hits += 1,
            _ => cache.misses += 1,
        }
        cache.insert(sha256, id, module.clone(), wasm_len);
        Ok((module, origin))
    }

    /// Unloads a module: its instance is dropped and its id freed. Compiled
    /// code stays in the cache for a later load of the same bytes.
    pub async fn unload_module(&self, id: &str) -> Result<()> {
        let removed = self
            .inner
            .modules
            .write()
            .remove(id)
            .ok_or_else(|| Error::not_found("module", id))?;
        self.inner.cache.lock().release(&removed.sha256, id);
        self.inner.metrics.forget_module(id);
        // Drop the persistent instance now (releasing its memory), after
        // any call in progress on it finishes.
        removed.instance.lock().await.take();
        removed.pool.lock().clear();
        Ok(())
    }

    /// Drops the module's persistent and pooled instances, releasing their
    /// memory; its configuration (`instantiate` options, sandbox) stays, and
    /// the next call that needs an instance makes one. For modules checked
    /// by `instantiate` but called with fresh instances (as `echelon serve`
    /// calls uploaded plugins), so that idle modules hold no memory.
    pub async fn release_instances(&self, id: &str) -> Result<()> {
        let m = self.module(id)?;
        m.instance.lock().await.take();
        m.pool.lock().clear();
        Ok(())
    }

    /// Whether any loaded module has the bytes of `sha256` (without building
    /// every module's info as [`Self::list_modules`] does).
    pub fn has_module_bytes(&self, sha256: &str) -> bool {
        self.inner.modules.read().values().any(|m| m.sha256 == sha256)
    }

    /// Whether a module is loaded under `id` (cheaper than
    /// [`Self::get_module`], which builds the whole info).
    pub fn has_module(&self, id: &str) -> bool {
        self.inner.modules.read().contains_key(id)
    }

    /// A module's info.
    pub fn get_module(&self, id: &str) -> Option<ModuleInfo> {
        self.inner.modules.read().get(id).map(|m| m.info())
    }

    /// Module `id`'s info with at most `limit` of its exports and imports,
    /// from `offset` on (the counts are whole): the cost of the answer is
    /// bounded by `limit`, whatever the module exports.
    pub fn get_module_page(&self, id: &str, offset: usize, limit: usize) -> Option<ModuleInfo> {
        self.inner
            .modules
            .read()
            .get(id)
            .map(|m| m.info_page(offset, limit))
    }

    /// Every loaded module in brief, sorted by id: counts, and the
    /// signatures of at most `max_exports` exports each.
    pub fn module_summaries(&self, max_exports: usize) -> Vec<ModuleSummary> {
        let mut v: Vec<ModuleSummary> = self
            .inner
            .modules
            .read()
            .values()
            .map(|m| m.summary(max_exports))
            .collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }

    /// How many modules are loaded.
    pub fn module_count(&self) -> usize {
        self.inner.modules.read().len()
    }

    /// Every loaded module's info, sorted by id. Each carries every export
    /// and import: [`WasmRuntime::module_summaries`] is the cheap listing.
    pub fn list_modules(&self) -> Vec<ModuleInfo> {
        let mut v: Vec<ModuleInfo> = self.inner.modules.read().values().map(|m| m.info()).collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }

    /// The parameter and result types of an exported function: guest-ABI
    /// types when the module's `echelon:abi` section describes it, core types
    /// otherwise. Used to convert text or JSON arguments (CLI, HTTP).
    pub fn function_signature(&self, id: &str, func: &str) -> Result<(Vec<ParamType>, Vec<ParamType>)> {
        let m = self.module(id)?;
        let shape = m
            .funcs
            .get(func)
            .ok_or_else(|| Error::not_found("export", format!("{id}.{func}")))?;
        Ok((shape.params.clone(), shape.results.clone()))
    }

    pub(crate) fn module(&self, id: &str) -> Result<Arc<LoadedModule>> {
        self.inner
            .modules
            .read()
            .get(id)
            .cloned()
            .ok_or_else(|| Error::not_found("module", id))
    }

    /// Creates (or replaces) the module's persistent instance, which
    /// `execute` then uses, with extra imports, a shared memory or a memory
    /// limit.
    pub async fn instantiate(&self, id: &str, options: InstantiateOptions) -> Result<ModuleInfo> {
        let m = self.module(id)?;
        let sandbox = match &options.sandbox_id {
            Some(sid) => Some(self.sandbox(sid)?),
            None => None,
        };
        // Start functions are guest code: they run on a guest thread.
        let (rt, module, sb) = (self.clone(), m.clone(), sandbox.clone());
        let (live, options) = self
            .inner
            .pool
            .run(async move {
                let live = rt.new_instance(&module, Some(&options), sb.as_ref()).await;
                (live, options)
            })
            .await?;
        let live = live?;
        *m.sandbox.lock() = sandbox.map(|s| s.id.clone());
        *m.options.lock() = Some(options);
        *m.instance.lock().await = Some(live);
        // Pooled instances were made with the previous configuration.
        m.pool.lock().clear();
        Ok(m.info())
    }

    /// A memory that several instances can import (threads proposal):
    /// `minimum`/`maximum` in 64 KiB pages.
    pub fn create_shared_memory(&self, minimum: u32, maximum: u32) -> Result<SharedMemory> {
        SharedMemory::new(&self.inner.engine, MemoryType::shared(minimum, maximum))
            .map_err(|e| Error::Engine(format!("cannot create shared memory: {e:#}")))
    }

    pub(crate) async fn new_instance(
        &self,
        m: &LoadedModule,
        options: Option<&InstantiateOptions>,
        sandbox: Option<&Arc<Sandbox>>,
    ) -> Result<LiveInstance> {
        let result = self.new_instance_inner(m, options, sandbox).await;
        if let (Err(e), Some(sb)) = (&result, sandbox) {
            self.record_violation(sb, &m.id, e);
        }
        result
    }

    async fn new_instance_inner(
        &self,
        m: &LoadedModule,
        options: Option<&InstantiateOptions>,
        sandbox: Option<&Arc<Sandbox>>,
    ) -> Result<LiveInstance> {
        let cfg = &self.inner.config;
        let mut compiled = m.module.clone();
        if let Some(sb) = sandbox {
            sb.check_module_cached(&m.sha256, &m.bytes)
                .map_err(|message| Error::Sandbox {
                    sandbox_id: sb.id.clone(),
                    kind: ViolationKind::Capability,
                    message,
                })?;
            if let Some(depth) = sb.config.cpu_limit.max_call_depth {
                compiled = self.instrumented(m, depth)?;
            }
        }
        let memory_limit = options
            .and_then(|o| o.memory_limit)
            .or(sandbox.map(|s| s.config.memory_limit))
            .unwrap_or(cfg.module_memory_limit);
        let limiter = Limiter::new(
            memory_limit,
            MAX_TABLE_ELEMENTS,
            self.inner.global_memory.clone(),
            cfg.global_memory_limit,
            m.memory.clone(),
        );
        let option_wasi = options.and_then(|o| o.wasi.as_ref());
        if let (Some(sb), Some(_)) = (sandbox, option_wasi) {
            return Err(Error::Instantiation {
                module: m.id.clone(),
                message: format!(
                    "InstantiateOptions::wasi was given for an instance under sandbox `{}`; set the WASI \
                     capabilities on the sandbox (SandboxConfig::wasi) instead",
                    sb.id
                ),
            });
        }
        let wasi_caps: Option<&WasiCapabilities> =
            sandbox.and_then(|s| s.config.wasi.as_ref()).or(option_wasi);
        let wasi = if imports_wasi(&compiled) {
            Some(WasiState::new(wasi_caps.unwrap_or(&WasiCapabilities::default()))?)
        } else {
            None
        };
        let plugin = if imports_builtins(&compiled) {
            Some(Box::new(builtins::PluginState::new(
                self.plugin_env(&m.id, &compiled, sandbox)?,
            )))
        } else {
            None
        };
        let module_id: Arc<str> = Arc::from(m.id.as_str());
        let mut store = new_store(
            &self.inner.engine,
            module_id,
            limiter,
            cfg.fuel_metering,
            wasi,
            plugin,
            self.inner.interrupt.clone(),
        );
        let timeout = options
            .and_then(|o| o.timeout)
            .unwrap_or(cfg.default_timeout)
            .min(sandbox.and_then(|s| s.config.time_limit).unwrap_or(Duration::MAX))
            .min(cfg.max_timeout);
        arm(&mut store, timeout, None, cfg.fuel_metering);
        let deadline = store.data().deadline;
        let interrupt = self.inner.interrupt.clone();
        let custom =
            options.is_some_and(|o| !o.imports.is_empty() || o.shared_memory.is_some() || o.wasi.is_some());
        let (instance, uses_async) = if custom || sandbox.is_some() {
            if !custom {
                let sb = sandbox.expect("checked above");
                let (pre, uses_async) = self.sandbox_pre(m, &compiled, sb)?;
                let inst = if uses_async {
                    race(deadline, &interrupt, pre.instantiate_async(&mut store)).await
                } else {
                    pre.instantiate(&mut store)
                };
                let inst = inst.map_err(|e| instantiation_error(&m.id, timeout, e))?;
                return Ok(LiveInstance::new(store, inst, uses_async, Some(sb.id.clone())));
            }
            let opts = options.expect("custom implies options");
            let hosts: Vec<HostFunction> = self.inner.hosts.read().1.clone();
            let inputs = LinkInputs {
                hosts: hosts.iter().collect(),
                imports: opts.imports.iter().collect(),
                shared_memory: opts.shared_memory.as_ref(),
                sandbox: sandbox.map(|s| &**s),
                wasi: wasi_caps,
                default_capabilities: self.default_capabilities(),
            };
            let (mut linker, uses_async) = build_linker(&self.inner.engine, m, &inputs)?;
            if let Some(shared) = &opts.shared_memory {
                for import in compiled.imports() {
                    if matches!(import.ty(), wasmtime::ExternType::Memory(_)) {
                        linker
                            .define(&store, import.module(), import.name(), shared.clone())
                            .map_err(|e| Error::Instantiation {
                                module: m.id.clone(),
                                message: format!("{e:#}"),
                            })?;
                    }
                }
            }
            let inst = if uses_async {
                race(
                    deadline,
                    &interrupt,
                    linker.instantiate_async(&mut store, &compiled),
                )
                .await
            } else {
                linker.instantiate(&mut store, &compiled)
            };
            (
                inst.map_err(|e| instantiation_error(&m.id, timeout, e))?,
                uses_async,
            )
        } else {
            let (pre, uses_async) = self.instance_pre(m)?;
            let inst = if uses_async {
                race(deadline, &interrupt, pre.instantiate_async(&mut store)).await
            } else {
                pre.instantiate(&mut store)
            };
            (
                inst.map_err(|e| instantiation_error(&m.id, timeout, e))?,
                uses_async,
            )
        };
        Ok(LiveInstance::new(
            store,
            instance,
            uses_async,
            sandbox.map(|s| s.id.clone()),
        ))
    }

    /// What modules without a sandbox are granted, or `None` when sandboxing
    /// is off.
    fn default_capabilities(&self) -> Option<&std::collections::BTreeSet<crate::sandbox::Capability>> {
        let cfg = &self.inner.config;
        cfg.enable_sandboxing.then_some(&cfg.default_capabilities)
    }

    /// The key-value store of the `echelon.kv_*` built-ins: the file at
    /// [`RuntimeConfig::kv_path`], or one in memory.
    pub fn kv(&self) -> Result<Arc<KvStore>> {
        if let Some(kv) = self.inner.kv.get() {
            return Ok(kv.clone());
        }
        let created = Arc::new(KvStore::in_memory()?);
        Ok(self.inner.kv.get_or_init(|| created).clone())
    }

    /// The environment of a plugin instance of module `id`: its sandbox's
    /// configuration, allowed hosts and key-value namespace.
    fn plugin_env(
        &self,
        id: &str,
        module: &wasmtime::Module,
        sandbox: Option<&Arc<Sandbox>>,
    ) -> Result<Arc<builtins::PluginEnv>> {
        let defaults = SandboxConfig::default();
        let sb = sandbox.map(|s| &s.config).unwrap_or(&defaults);
        let allowed_hosts = sb
            .allowed_hosts
            .iter()
            .map(|h| HostPattern::parse(h))
            .collect::<std::result::Result<Vec<_>, String>>()
            .map_err(|message| Error::Instantiation {
                module: id.to_string(),
                message,
            })?;
        let http = if allowed_hosts.is_empty() {
            None
        } else {
            match self.inner.http.get() {
                Some(c) => Some(c.clone()),
                None => {
                    let c = net::client().map_err(Error::Engine)?;
                    Some(self.inner.http.get_or_init(|| c).clone())
                }
            }
        };
        let namespace = sb.kv_namespace.clone().unwrap_or_else(|| id.to_string());
        let writes_kv = module
            .imports()
            .any(|i| i.module() == ECHELON_MODULE && matches!(i.name(), "kv_set" | "kv_delete"));
        let kv_lock = writes_kv.then(|| {
            self.inner
                .kv_locks
                .lock()
                .entry(namespace.clone())
                .or_default()
                .clone()
        });
        Ok(Arc::new(builtins::PluginEnv {
            module_id: Arc::from(id),
            namespace,
            kv_lock,
            config: sb.config.clone(),
            allowed_hosts,
            kv_quota: sb.kv_quota,
            kv: Some(self.kv()?),
            http,
            limits: self.inner.config.host_limits.clone(),
        }))
    }

    /// A new persistent instance for `m`, with the options and sandbox of its
    /// last `instantiate` (if any).
    pub(crate) async fn persistent_instance(&self, m: &LoadedModule) -> Result<LiveInstance> {
        let options = m.options.lock().clone();
        let sandbox = match m.sandbox.lock().clone() {
            Some(id) => Some(self.sandbox(&id)?),
            None => None,
        };
        self.new_instance(m, options.as_ref(), sandbox.as_ref()).await
    }

    /// The module rewritten to count call depth, compiled once per limit
    /// (on the calling thread: a guest thread, or a synchronous caller).
    fn instrumented(&self, m: &LoadedModule, depth: u32) -> Result<wasmtime::Module> {
        if let Some(c) = m.instrumented.lock().get(&depth) {
            return Ok(c.clone());
        }
        let rewritten = instrument_call_depth(&m.bytes, depth).map_err(|message| Error::Instantiation {
            module: m.id.clone(),
            message,
        })?;
        let compiled = wasmtime::Module::from_binary(&self.inner.engine, &rewritten).map_err(|e| {
            Error::Instantiation {
                module: m.id.clone(),
                message: format!("instrumented module does not compile: {e:#}"),
            }
        })?;
        m.instrumented.lock().insert(depth, compiled.clone());
        Ok(compiled)
    }

    /// The module linked under a sandbox, cached per sandbox until the host
    /// functions change.
    fn sandbox_pre(
        &self,
        m: &LoadedModule,
        compiled: &wasmtime::Module,
        sb: &Sandbox,
    ) -> Result<(wasmtime::InstancePre<StoreState>, bool)> {
        let hosts = self.inner.hosts.read();
        if let Some((version, pre, uses_async)) = m.sandbox_pre.lock().get(&sb.id) {
            if *version == hosts.0 {
                return Ok((pre.clone(), *uses_async));
            }
        }
        let inputs = LinkInputs {
            hosts: hosts.1.iter().collect(),
            sandbox: Some(sb),
            wasi: sb.config.wasi.as_ref(),
            ..LinkInputs::default()
        };
        let (linker, uses_async) = build_linker(&self.inner.engine, m, &inputs)?;
        let pre = linker
            .instantiate_pre(compiled)
            .map_err(|e| Error::Instantiation {
                module: m.id.clone(),
                message: format!("{e:#}"),
            })?;
        m.sandbox_pre
            .lock()
            .insert(sb.id.clone(), (hosts.0, pre.clone(), uses_async));
        Ok((pre, uses_async))
    }

    /// Records a violation on `sandbox` when `error` is one (memory, time,
    /// cpu or capability) and emits `wasm:sandbox:violation`.
    pub(crate) fn record_violation(&self, sandbox: &Sandbox, module_id: &str, error: &Error) {
        let kind = match error {
            Error::Memory { .. } => ViolationKind::Memory,
            Error::Timeout { .. } => ViolationKind::Time,
            Error::OutOfFuel { .. } => ViolationKind::Cpu,
            Error::Sandbox { kind, .. } => *kind,
            Error::Trap { trap, .. } if trap.contains("call stack exhausted") => ViolationKind::Cpu,
            _ => return,
        };
        let v = sandbox.record(module_id, kind, error.to_string());
        tracing::warn!(sandbox = %v.sandbox_id, module = module_id, kind = %kind, message = %v.message, "sandbox violation");
        self.emit(RuntimeEvent::SandboxViolation(v));
    }

    /// Creates a sandbox; its id is `config.id` or `sandbox-N`.
    pub fn create_sandbox(&self, config: SandboxConfig) -> Result<SandboxInfo> {
        let id = config.id.clone().unwrap_or_else(|| {
            format!(
                "sandbox-{}",
                self.inner.next_sandbox.fetch_add(1, Ordering::Relaxed)
            )
        });
        let mut sandboxes = self.inner.sandboxes.write();
        if sandboxes.contains_key(&id) {
            return Err(Error::AlreadyExists(format!("sandbox {id}")));
        }
        if let Some(wasi) = &config.wasi {
            for (guest, host) in &wasi.preopened_directories {
                if !host.is_dir() {
                    return Err(Error::Io {
                        path: host.clone(),
                        source: std::io::Error::new(
                            std::io::ErrorKind::NotFound,
                            format!("the directory to preopen as {guest} does not exist"),
                        ),
                    });
                }
            }
        }
        let sb = Sandbox::new(id.clone(), config);
        let info = SandboxInfo::from(&*sb);
        sandboxes.insert(id, sb);
        Ok(info)
    }

    /// Removes a sandbox; instances already running under it keep their
    /// limits. Returns whether it existed.
    pub fn destroy_sandbox(&self, id: &str) -> bool {
        let removed = self.inner.sandboxes.write().remove(id).is_some();
        if removed {
            for m in self.inner.modules.read().values() {
                m.sandbox_pre.lock().remove(id);
            }
        }
        removed
    }

    /// A sandbox's configuration and violations.
    pub fn get_sandbox(&self, id: &str) -> Option<SandboxInfo> {
        self.inner
            .sandboxes
            .read()
            .get(id)
            .map(|s| SandboxInfo::from(&**s))
    }

    pub(crate) fn sandbox(&self, id: &str) -> Result<Arc<Sandbox>> {
        self.inner
            .sandboxes
            .read()
            .get(id)
            .cloned()
            .ok_or_else(|| Error::not_found("sandbox", id))
    }

    /// The module linked against the current host functions, cached until
    /// a host function is registered or unregistered.
    fn instance_pre(&self, m: &LoadedModule) -> Result<(wasmtime::InstancePre<StoreState>, bool)> {
        let hosts = self.inner.hosts.read();
        if let Some((version, pre, uses_async)) = &*m.pre.lock() {
            if *version == hosts.0 {
                return Ok((pre.clone(), *uses_async));
            }
        }
        let inputs = LinkInputs {
            hosts: hosts.1.iter().collect(),
            default_capabilities: self.default_capabilities(),
            ..LinkInputs::default()
        };
        let (linker, uses_async) = build_linker(&self.inner.engine, m, &inputs)?;
        let pre = linker
            .instantiate_pre(&m.module)
            .map_err(|e| Error::Instantiation {
                module: m.id.clone(),
                message: format!("{e:#}"),
            })?;
        *m.pre.lock() = Some((hosts.0, pre.clone(), uses_async));
        Ok((pre, uses_async))
    }

    /// Makes `func` importable by modules as `func.module`.`func.name`,
    /// replacing a function of the same name. Existing persistent instances
    /// keep what they linked; new instances see the change.
    pub fn register_host_function(&self, func: HostFunction) {
        let mut hosts = self.inner.hosts.write();
        hosts
            .1
            .retain(|h| !(h.module == func.module && h.name == func.name));
        hosts.1.push(func);
        hosts.0 += 1;
    }

    /// Removes a host function; returns whether it existed.
    pub fn unregister_host_function(&self, module: &str, name: &str) -> bool {
        let mut hosts = self.inner.hosts.write();
        let before = hosts.1.len();
        hosts.1.retain(|h| !(h.module == module && h.name == name));
        let removed = hosts.1.len() != before;
        if removed {
            hosts.0 += 1;
        }
        removed
    }

    /// The registered host functions' `module.name`s.
    pub fn host_functions(&self) -> Vec<String> {
        self.inner
            .hosts
            .read()
            .1
            .iter()
            .map(|h| h.qualified_name())
            .collect()
    }

    /// Memory statistics, global and per module.
    pub fn memory_stats(&self) -> RuntimeMemoryStats {
        let cfg = &self.inner.config;
        RuntimeMemoryStats {
            global: self.inner.global_memory.snapshot(cfg.global_memory_limit),
            modules: self
                .inner
                .modules
                .read()
                .iter()
                .map(|(id, m)| (id.clone(), m.memory.snapshot(cfg.module_memory_limit)))
                .collect(),
        }
    }

    /// Reads an exported global of the module's persistent instance
    /// (created if needed).
    pub async fn get_global(&self, id: &str, name: &str) -> Result<Value> {
        let m = self.module(id)?;
        let mut guard = self.persistent_guard(&m).await?;
        let live = guard
            .as_mut()
            .ok_or_else(|| Error::Engine("the persistent instance vanished".into()))?;
        live.global(name)
            .ok_or_else(|| Error::not_found("global", format!("{id}.{name}")))
    }

    /// Copies bytes out of an exported memory of the module's persistent
    /// instance (created if needed).
    pub async fn read_memory(&self, id: &str, memory: &str, offset: u64, len: usize) -> Result<Vec<u8>> {
        let m = self.module(id)?;
        let mut guard = self.persistent_guard(&m).await?;
        let live = guard
            .as_mut()
            .ok_or_else(|| Error::Engine("the persistent instance vanished".into()))?;
        let mem = live
            .memory(memory)
            .ok_or_else(|| Error::not_found("memory", format!("{id}.{memory}")))?;
        let end = offset
            .checked_add(len as u64)
            .filter(|end| *end <= mem.data_size(&live.store) as u64);
        let Some(_) = end else {
            return Err(Error::type_error(
                memory,
                format!(
                    "bytes {offset}..{} are out of bounds (memory is {} bytes)",
                    offset.saturating_add(len as u64),
                    mem.data_size(&live.store)
                ),
            ));
        };
        let mut buf = vec![0; len];
        mem.read(&live.store, offset as usize, &mut buf).map_err(|_| {
            Error::type_error(
                memory,
                format!("bytes {offset}..{} are out of bounds", offset + len as u64),
            )
        })?;
        Ok(buf)
    }

    /// The module's persistent instance, locked; created (on a guest
    /// thread: its start function is guest code) if there is none.
    async fn persistent_guard<'m>(
        &self,
        m: &'m Arc<LoadedModule>,
    ) -> Result<tokio::sync::MutexGuard<'m, Option<LiveInstance>>> {
        let mut guard = m.instance.lock().await;
        if guard.is_none() {
            let (rt, module) = (self.clone(), m.clone());
            let live = self
                .inner
                .pool
                .run(async move { rt.persistent_instance(&module).await })
                .await??;
            *guard = Some(live);
        }
        Ok(guard)
    }

    /// Starts accepting calls again after [`WasmRuntime::stop`].
    pub async fn start(&self) {
        self.inner.interrupt.reset();
        self.inner.running.store(true, Ordering::SeqCst);
    }

    /// Stops accepting calls and waits for the calls in flight to finish.
    pub async fn stop(&self) {
        self.inner.running.store(false, Ordering::SeqCst);
        self.wait_idle().await;
    }

    /// Stops accepting calls, lets the calls in flight run for at most
    /// `grace`, then interrupts them (they fail with a `stopped` error:
    /// wasm at its next epoch tick, WASI calls and async host functions at
    /// once) and waits for them to unwind. A synchronous host function
    /// cannot be interrupted; the wait for those ends after another `grace`.
    /// Returns whether every call had finished.
    pub async fn stop_within(&self, grace: Duration) -> bool {
        self.inner.running.store(false, Ordering::SeqCst);
        if tokio::time::timeout(grace, self.wait_idle()).await.is_ok() {
            return true;
        }
        tracing::warn!(
            grace_ms = grace.as_millis() as u64,
            "calls still running after the grace period; interrupting them"
        );
        self.interrupt();
        tokio::time::timeout(grace, self.wait_idle()).await.is_ok()
    }

    /// Interrupts every call in flight now (and every call until
    /// [`Self::start`]): they fail with a `stopped` error.
    pub fn interrupt(&self) {
        self.inner.interrupt.fire();
    }

    /// A handle that interrupts this runtime's calls without keeping the
    /// runtime (its modules, its key-value store) alive.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle(self.inner.interrupt.clone())
    }

    async fn wait_idle(&self) {
        let n = self.inner.config.max_concurrent_executions.max(1) as u32;
        // Holding every permit means nothing is running; release them so a
        // later start() can run calls again.
        if let Ok(all) = self.inner.semaphore.acquire_many(n).await {
            drop(all);
        }
    }

    /// Whether the runtime accepts calls.
    pub fn is_running(&self) -> bool {
        self.inner.running.load(Ordering::SeqCst)
    }

    /// Calls `handler` on every event of type `ty`.
    pub fn on(&self, ty: EventType, handler: impl Fn(&RuntimeEvent) + Send + Sync + 'static) -> ListenerId {
        self.inner.events.on(ty, Arc::new(handler))
    }

    /// Removes a handler; returns whether it was registered.
    pub fn off(&self, id: ListenerId) -> bool {
        self.inner.events.off(id)
    }

    pub(crate) fn emit(&self, event: RuntimeEvent) {
        self.inner.events.emit(event)
    }

    /// The loader: cache statistics, invalidation and .d.ts generation.
    pub fn loader(&self) -> Loader<'_> {
        Loader { runtime: self }
    }
}

/// Interrupts a runtime's calls (see [`WasmRuntime::interrupt_handle`]).
#[derive(Clone)]
pub struct InterruptHandle(Arc<Interrupt>);

impl InterruptHandle {
    /// Same as [`WasmRuntime::interrupt`].
    pub fn interrupt(&self) {
        self.0.fire();
    }
}

impl std::fmt::Debug for InterruptHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InterruptHandle")
            .field("fired", &self.0.is_set())
            .finish()
    }
}

/// The loader's API (the spec's `app.wasm.loader`).
pub struct Loader<'a> {
    runtime: &'a WasmRuntime,
}

impl Loader<'_> {
    /// The in-memory module cache.
    pub fn cache_stats(&self) -> CacheStats {
        self.runtime.inner.cache.lock().stats()
    }

    /// Drops one cached module (by sha256) or all of them, in memory and on
    /// disk. Loaded modules keep working. Returns how many entries went.
    pub fn invalidate_cache(&self, sha256: Option<&str>) -> usize {
        let inner = &self.runtime.inner;
        if let Some(disk) = &inner.disk {
            match sha256 {
                Some(h) => disk.remove(h),
                None => {
                    if let Ok(dir) = std::fs::read_dir(disk.dir()) {
                        for e in dir.flatten() {
                            if e.path().extension().is_some_and(|x| x == "cwasm") {
                                let _ = std::fs::remove_file(e.path());
                            }
                        }
                    }
                }
            }
        }
        inner.cache.lock().invalidate(sha256)
    }

    /// Where precompiled artifacts of `sha256` live on disk, if the disk
    /// cache is on.
    pub fn precompiled_path(&self, sha256: &str) -> Option<std::path::PathBuf> {
        self.runtime.inner.disk.as_ref().map(|d| d.path(sha256))
    }

    /// A TypeScript declaration (.d.ts) of a loaded module's exports, using
    /// its `echelon:abi` signatures when present.
    pub fn generate_module_declaration(&self, path: &str, module_id: &str) -> Result<String> {
        let m = self.runtime.module(module_id)?;
        Ok(dts::declaration(path, &m))
    }
}

/// Runs CPU work on tokio's blocking pool (off the async workers).
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Engine(format!("a blocking task failed: {e}")))?
}

fn instantiation_error(module: &str, timeout: Duration, e: wasmtime::Error) -> Error {
    if e.is::<Interrupted>() {
        return Error::Stopped;
    }
    if e.is::<DeadlineExceeded>() {
        return Error::Timeout {
            module: module.to_string(),
            function: "(instantiation)".into(),
            timeout,
        };
    }
    if let Some(l) = e.downcast_ref::<LimitExceeded>() {
        return Error::Memory {
            module: module.to_string(),
            message: l.0.clone(),
        };
    }
    Error::Instantiation {
        module: module.to_string(),
        message: format!("{e:#}"),
    }
}
