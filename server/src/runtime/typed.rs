//! Typed handles: an export resolved once, called synchronously.

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use wasmtime::{Func, TypedFunc, WasmParams, WasmResults};

use super::instance::LiveInstance;
use super::module::LoadedModule;
use super::native::run_ready;
use super::store::arm;
use super::WasmRuntime;
use crate::{Error, Result};

/// An export of a loaded module with a fixed signature, resolved once by
/// [`WasmRuntime::func`] and called synchronously on the calling thread.
///
/// The handle owns an instance of its own (created with the module's
/// `instantiate` options and sandbox): state carried in the guest's globals
/// or memory is the handle's, and calls through one handle run one at a
/// time. Every call is bounded by the handle's timeout (the runtime's
/// default, capped by `max_timeout` and the sandbox's time limit) and fuel.
/// Calls do not wait for an execution slot: the handle is the fast path
/// for short exports called from synchronous code. A long call blocks its
/// thread: from async code, call it inside `spawn_blocking`.
///
/// After a trap that may have left the guest inconsistent (a timeout, a
/// memory limit), the handle replaces its instance on the next call. A
/// plugin's key-value writes are committed when a call succeeds and
/// dropped when it fails; its log lines go to `tracing` (target
/// `echelon::plugin`).
///
/// ```no_run
/// # fn demo(rt: &echelon::WasmRuntime) -> echelon::Result<()> {
/// let add = rt.func::<(i32, i32), i32>("math", "add")?;
/// assert_eq!(add.call((2, 3))?, 5);
/// # Ok(()) }
/// ```
pub struct TypedFunction<P, R> {
    core: HandleCore,
    state: Mutex<Option<Bound<P, R>>>,
}

struct Bound<P, R> {
    live: LiveInstance,
    func: TypedFunc<P, R>,
}

impl<P, R> std::fmt::Debug for TypedFunction<P, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedFunction")
            .field("module", &self.core.module.id)
            .field("name", &self.core.name)
            .field("timeout", &self.core.timeout)
            .finish()
    }
}

impl WasmRuntime {
    /// Resolves export `name` of module `module_id` as a function with
    /// parameters `P` and results `R` (wasm types: `i32`, `i64`, `f32`,
    /// `f64`, tuples of them, `()`), in an instance of its own.
    ///
    /// Fails with a Type error naming both signatures when the export has
    /// another one, and when the module imports async host functions
    /// (WASI, async embedder functions): call those with
    /// [`WasmRuntime::execute`]. For strings and bytes, see
    /// [`WasmRuntime::abi_func`].
    pub fn func<P: WasmParams, R: WasmResults>(
        &self,
        module_id: &str,
        name: &str,
    ) -> Result<TypedFunction<P, R>> {
        let handle = TypedFunction {
            core: HandleCore::new(self, module_id, name)?,
            state: Mutex::new(None),
        };
        *handle.state.lock() = Some(handle.bind()?);
        Ok(handle)
    }
}

/// What every kind of handle holds: the export, its module and the limits
/// of each call.
pub(super) struct HandleCore {
    pub runtime: WasmRuntime,
    pub module: Arc<LoadedModule>,
    pub name: String,
    pub timeout: Duration,
    pub fuel: Option<u64>,
    /// Each call gets a new instance, dropped when it returns.
    pub fresh: bool,
}

impl HandleCore {
    /// Resolves the module and checks that it exports `name`; the limits
    /// are the runtime's default timeout (capped by `max_timeout`) and the
    /// module's sandbox (its time limit and instruction budget).
    pub fn new(rt: &WasmRuntime, module_id: &str, name: &str) -> Result<Self> {
        let module = rt.module(module_id)?;
        if !module.funcs.contains_key(name) {
            let mut names: Vec<&str> = module.funcs.keys().map(String::as_str).collect();
            names.sort_unstable();
            return Err(Error::NotFound {
                what: "export",
                name: format!("{module_id}.{name} (exported functions: {})", names.join(", ")),
            });
        }
        let cfg = &rt.inner.config;
        let sandbox = match module.sandbox.lock().clone() {
            Some(id) => Some(rt.sandbox(&id)?),
            None => None,
        };
        let mut timeout = cfg.default_timeout.min(cfg.max_timeout);
        let mut fuel = None;
        if let Some(sb) = &sandbox {
            if let Some(limit) = sb.config.time_limit {
                timeout = timeout.min(limit);
            }
            if cfg.fuel_metering {
                fuel = sb.config.cpu_limit.max_instructions;
            }
        }
        Ok(Self {
            runtime: rt.clone(),
            module,
            name: name.to_string(),
            timeout,
            fuel,
            fresh: false,
        })
    }

    /// Sets the time limit of each call, capped by the runtime's
    /// `max_timeout`.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout.min(self.runtime.inner.config.max_timeout);
    }

    /// A new instance of the module (with its `instantiate` options and
    /// sandbox) and the export in it; refused for modules that import
    /// async host functions.
    pub fn instantiate(&self) -> Result<(LiveInstance, Func)> {
        let options = self.module.options.lock().clone();
        let sandbox = match self.module.sandbox.lock().clone() {
            Some(id) => Some(self.runtime.sandbox(&id)?),
            None => None,
        };
        let sync_only = || {
            Error::type_error(
                &self.name,
                format!(
                    "module `{}` imports async host functions (WASI or async embedder functions), which a \
                     synchronous handle cannot call; use WasmRuntime::execute",
                    self.module.id
                ),
            )
        };
        let mut live = run_ready(
            self.runtime
                .new_instance(&self.module, options.as_ref(), sandbox.as_ref()),
        )
        .ok_or_else(sync_only)??;
        if live.uses_async {
            return Err(sync_only());
        }
        let f = live
            .instance
            .get_func(&mut live.store, &self.name)
            .ok_or_else(|| Error::not_found("export", format!("{}.{}", self.module.id, self.name)))?;
        Ok((live, f))
    }

    /// Arms the instance's store for one call.
    pub fn arm(&self, live: &mut LiveInstance) {
        let metering = self.runtime.inner.config.fuel_metering;
        arm(&mut live.store, self.timeout, self.fuel, metering);
    }

    /// The error a trap of a call is, and whether the instance may serve
    /// the next call.
    pub fn trapped(&self, live: &mut LiveInstance, err: wasmtime::Error) -> (Error, bool) {
        match run_ready(live.classify(&self.module.id, &self.name, err, self.timeout, self.fuel)) {
            Some(c) => c,
            None => (
                Error::Engine("classifying a synchronous trap tried to wait".into()),
                false,
            ),
        }
    }

    /// A Type error for a handle whose signature is not the export's.
    pub fn mismatch(&self, live: &LiveInstance, f: &Func, asked: &str) -> Error {
        let ty = f.ty(&live.store);
        let params: Vec<String> = ty.params().map(|t| t.to_string()).collect();
        let results: Vec<String> = ty.results().map(|t| t.to_string()).collect();
        Error::type_error(
            &self.name,
            format!(
                "`{}.{}` is ({}) -> ({}); the handle asked for another signature ({asked})",
                self.module.id,
                self.name,
                params.join(", "),
                results.join(", ")
            ),
        )
    }
}

impl<P: WasmParams, R: WasmResults> TypedFunction<P, R> {
    /// Sets the time limit of each call (still capped by the runtime's
    /// `max_timeout`).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.core.set_timeout(timeout);
        self
    }

    /// Gives each call a new instance of its own, dropped when the call
    /// returns (as [`InstanceMode::Fresh`](super::InstanceMode) does for
    /// `execute`): no state carries from one call to the next. The
    /// instance made when the handle was resolved serves the first call.
    pub fn with_fresh_instances(mut self) -> Self {
        self.core.fresh = true;
        self
    }

    /// Calls the export.
    pub fn call(&self, params: P) -> Result<R> {
        let mut state = self.state.lock();
        if state.is_none() {
            *state = Some(self.bind()?);
        }
        let Some(bound) = state.as_mut() else {
            return Err(Error::Engine("the handle's instance vanished".into()));
        };
        self.core.arm(&mut bound.live);
        let (mut result, reusable) = match bound.func.call(&mut bound.live.store, params) {
            Ok(r) => (Ok(r), true),
            Err(err) => {
                let (error, reusable) = self.core.trapped(&mut bound.live, err);
                (Err(error), reusable)
            }
        };
        // A plugin's key-value writes are committed only when it succeeded.
        if let Err(e) = bound.live.finish_plugin_call_sync(result.is_ok()) {
            result = Err(e);
        }
        if !reusable || self.core.fresh {
            *state = None;
        }
        result
    }

    /// A new instance of the module and the export in it.
    fn bind(&self) -> Result<Bound<P, R>> {
        let (live, f) = self.core.instantiate()?;
        let func = f
            .typed::<P, R>(&live.store)
            .map_err(|e| self.core.mismatch(&live, &f, &e.to_string()))?;
        Ok(Bound { live, func })
    }
}
