//! `execute`: one call of an export under the runtime's limits.

use std::marker::PhantomData;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;
use tracing::Instrument;

use super::events::{EventType, RuntimeEvent};
use super::values::{check_args, FromResults, Value};
use super::WasmRuntime;
use crate::{Error, Result};

/// Which instance a call runs in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InstanceMode {
    /// The module's persistent instance (created on first use): state
    /// (globals, memory) carries over between calls, and calls to one
    /// module run one at a time. An instance whose call trapped
    /// uncleanly (or timed out) is discarded and recreated on the next call.
    #[default]
    Persistent,
    /// A fresh instance for this call only, dropped afterwards: full
    /// isolation between calls, and calls to one module run in parallel.
    Fresh,
    /// An instance from the module's pool of warm instances (one is created
    /// when none is idle), returned after the call: calls to one module run
    /// in parallel without paying for instantiation each time. For
    /// stateless exports (validation, image filters, request handlers):
    /// which instance serves a call is unspecified, so state carried in
    /// globals or memory is not meaningful across calls. An instance whose
    /// call trapped uncleanly or timed out is dropped, not returned.
    ///
    /// The pool grows to the peak number of calls in flight on the module
    /// (at most [`RuntimeConfig::max_concurrent_executions`](super::RuntimeConfig))
    /// and keeps those instances, with their linear memory, until the module
    /// is unloaded or re-instantiated: memory is traded for never
    /// instantiating on the hot path.
    Pooled,
}

/// Options of one call (the spec's `WASMExecutionOptions`).
#[derive(Debug, Clone, Default)]
pub struct ExecOptions {
    /// Time limit; default [`RuntimeConfig::default_timeout`](super::RuntimeConfig).
    pub timeout: Option<Duration>,
    /// Fuel (instruction budget); default unlimited. Needs fuel metering.
    pub fuel: Option<u64>,
    /// Which instance to use.
    pub instance: InstanceMode,
    /// Run under this sandbox (its limits and capabilities). When the
    /// module's persistent instance runs under another sandbox (or none),
    /// the call gets a fresh instance under this one.
    pub sandbox_id: Option<String>,
}

impl ExecOptions {
    /// Options with a time limit.
    pub fn timeout(timeout: Duration) -> Self {
        Self {
            timeout: Some(timeout),
            ..Self::default()
        }
    }

    /// Sets the fuel budget.
    pub fn with_fuel(mut self, fuel: u64) -> Self {
        self.fuel = Some(fuel);
        self
    }

    /// Sets the sandbox.
    pub fn with_sandbox(mut self, id: impl Into<String>) -> Self {
        self.sandbox_id = Some(id.into());
        self
    }

    /// Sets the instance mode.
    pub fn with_instance(mut self, mode: InstanceMode) -> Self {
        self.instance = mode;
        self
    }
}

/// The outcome of [`WasmRuntime::execute`] (the spec's
/// `WASMExecutionResult`). Failures are values, not `Err`, so that timing
/// and gas are reported either way; use [`ExecutionResult::into_result`] for
/// `?`.
#[derive(Debug, Serialize)]
pub struct ExecutionResult<T> {
    /// Whether the call returned normally and its result converted to `T`.
    pub success: bool,
    /// The result.
    pub value: Option<T>,
    /// Why it failed.
    #[serde(serialize_with = "error_message")]
    pub error: Option<Error>,
    /// Time in the call, excluding time queued for a slot.
    pub duration: Duration,
    /// Time queued for a slot.
    pub queued: Duration,
    /// Fuel consumed, when metering is on.
    pub gas_used: Option<u64>,
    /// Linear memory of the instance after the call, in bytes.
    pub memory_used: u64,
    /// Unique id of this call (as in the events).
    pub execution_id: u64,
    /// What a WASI guest wrote to stdout during the call (when captured).
    pub stdout: Vec<u8>,
    /// What a WASI guest wrote to stderr during the call (when captured).
    pub stderr: Vec<u8>,
    /// The code a WASI guest passed to `proc_exit`, if it exited.
    pub exit_code: Option<i32>,
    /// Lines the guest logged with `echelon.log` during the call.
    pub logs: Vec<super::builtins::LogLine>,
    #[serde(skip)]
    _t: PhantomData<T>,
}

fn error_message<S: serde::Serializer>(e: &Option<Error>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match e {
        Some(e) => s.serialize_some(&serde_json::json!({"kind": e.kind(), "message": e.to_string()})),
        None => s.serialize_none(),
    }
}

impl<T> ExecutionResult<T> {
    /// The value, or the error.
    pub fn into_result(self) -> Result<T> {
        match (self.value, self.error) {
            (Some(v), _) => Ok(v),
            (None, Some(e)) => Err(e),
            (None, None) => Err(Error::Engine("call produced neither a value nor an error".into())),
        }
    }

    fn failed(error: Error, execution_id: u64) -> Self {
        Self {
            success: false,
            value: None,
            error: Some(error),
            duration: Duration::ZERO,
            queued: Duration::ZERO,
            gas_used: None,
            memory_used: 0,
            execution_id,
            stdout: Vec::new(),
            stderr: Vec::new(),
            exit_code: None,
            logs: Vec::new(),
            _t: PhantomData,
        }
    }
}

impl WasmRuntime {
    /// Calls export `func` of module `module_id` with `args` and converts
    /// the result to `T` (`i32`, `i64`, `f64`, `bool`, `String`,
    /// `Vec<u8>`, `serde_json::Value`, [`Value`], `Vec<Value>`, `()`...).
    ///
    /// Arguments are checked against the export's signature before
    /// anything runs (a Type error otherwise). At most
    /// `max_concurrent_executions` calls run at once; the rest wait their
    /// turn in FIFO order. The call is interrupted at its timeout (epoch
    /// interruption, checked every `epoch_interval`).
    pub async fn execute<T: FromResults>(
        &self,
        module_id: &str,
        func: &str,
        args: Vec<Value>,
        options: ExecOptions,
    ) -> ExecutionResult<T> {
        let execution_id = self.inner.next_execution.fetch_add(1, Ordering::Relaxed);
        let span = tracing::debug_span!("wasm.execute", module = module_id, func, execution_id);
        self.execute_inner(module_id, func, args, options, execution_id)
            .instrument(span)
            .await
    }

    async fn execute_inner<T: FromResults>(
        &self,
        module_id: &str,
        func: &str,
        args: Vec<Value>,
        options: ExecOptions,
        execution_id: u64,
    ) -> ExecutionResult<T> {
        if !self.is_running() {
            return ExecutionResult::failed(Error::Stopped, execution_id);
        }
        let m = match self.module(module_id) {
            Ok(m) => m,
            Err(e) => return ExecutionResult::failed(e, execution_id),
        };
        let Some(shape) = m.funcs.get(func) else {
            let mut names: Vec<&String> = m.funcs.keys().collect();
            names.sort();
            let e = Error::NotFound {
                what: "export",
                name: format!(
                    "{module_id}.{func} (exported functions: {})",
                    names.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                ),
            };
            return ExecutionResult::failed(e, execution_id);
        };
        if let Err(e) = check_args(func, &shape.params, &args) {
            return ExecutionResult::failed(e, execution_id);
        }
        let cfg = &self.inner.config;
        if options.fuel.is_some() && !cfg.fuel_metering {
            return ExecutionResult::failed(
                Error::type_error(func, "a fuel limit needs RuntimeConfig::fuel_metering"),
                execution_id,
            );
        }
        let sandbox_id = options.sandbox_id.clone().or_else(|| m.sandbox.lock().clone());
        let sandbox = match &sandbox_id {
            Some(id) => match self.sandbox(id) {
                Ok(s) => Some(s),
                Err(e) => return ExecutionResult::failed(e, execution_id),
            },
            None => None,
        };
        let mut timeout = options
            .timeout
            .unwrap_or(cfg.default_timeout)
            .min(cfg.max_timeout);
        let mut fuel = options.fuel;
        if let Some(sb) = &sandbox {
            if let Some(limit) = sb.config.time_limit {
                timeout = timeout.min(limit);
            }
            if let Some(max) = sb.config.cpu_limit.max_instructions {
                if cfg.fuel_metering {
                    fuel = Some(fuel.map_or(max, |f| f.min(max)));
                }
            }
        }

        let queued_at = Instant::now();
        let permit = match self.inner.semaphore.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                self.inner.metrics.queued(1);
                let p = self.inner.semaphore.clone().acquire_owned().await;
                self.inner.metrics.queued(-1);
                match p {
                    Ok(p) => p,
                    Err(_) => return ExecutionResult::failed(Error::Stopped, execution_id),
                }
            }
        };
        let queued = queued_at.elapsed();

        let started = Instant::now();
        if cfg.enable_metrics {
            self.inner.metrics.call_started();
        }
        m.executions.fetch_add(1, Ordering::Relaxed);
        *m.last_executed.lock() = Some(SystemTime::now());
        if self.inner.events.wants(EventType::ExecStart) {
            self.emit(RuntimeEvent::ExecStart {
                module_id: module_id.to_string(),
                function: func.to_string(),
                execution_id,
            });
        }

        if options.instance == InstanceMode::Pooled {
            let idle = m.pool.lock().pop();
            let live = match idle.filter(|l| l.sandbox_id == sandbox_id) {
                Some(live) => Ok(live),
                None => self.instance_for_call(&m, &sandbox_id, sandbox.as_ref()).await,
            };
            let mut live = match live {
                Ok(live) => live,
                Err(e) => {
                    return self.finish(module_id, func, execution_id, started, queued, Err(e), None, 0)
                }
            };
            let outcome = live
                .call(func, shape, args, timeout, fuel, cfg.fuel_metering)
                .await;
            if outcome.reusable {
                let mut pool = m.pool.lock();
                if pool.len() < cfg.max_concurrent_executions {
                    pool.push(live);
                }
            }
            return self.complete(
                module_id,
                func,
                execution_id,
                started,
                queued,
                sandbox.as_ref(),
                permit,
                outcome,
            );
        }
        let mut guard = match options.instance {
            InstanceMode::Persistent => Some(m.instance.lock().await),
            InstanceMode::Fresh | InstanceMode::Pooled => None,
        };
        // The persistent instance serves the call only if it runs under the
        // requested sandbox; otherwise the call gets a fresh one.
        if let Some(g) = &guard {
            if g.as_ref().is_some_and(|live| live.sandbox_id != sandbox_id) {
                guard = None;
            }
        }
        let outcome = match guard.as_mut() {
            Some(guard) => {
                if guard.is_none() {
                    match self.instance_for_call(&m, &sandbox_id, sandbox.as_ref()).await {
                        Ok(live) => **guard = Some(live),
                        Err(e) => {
                            return self.finish(
                                module_id,
                                func,
                                execution_id,
                                started,
                                queued,
                                Err(e),
                                None,
                                0,
                            )
                        }
                    }
                }
                let live = guard.as_mut().expect("instance created just above");
                let outcome = live
                    .call(func, shape, args, timeout, fuel, cfg.fuel_metering)
                    .await;
                if !outcome.reusable {
                    **guard = None;
                }
                outcome
            }
            None => match self.new_instance(&m, None, sandbox.as_ref()).await {
                Ok(mut live) => {
                    live.call(func, shape, args, timeout, fuel, cfg.fuel_metering)
                        .await
                }
                Err(e) => {
                    return self.finish(module_id, func, execution_id, started, queued, Err(e), None, 0)
                }
            },
        };
        drop(guard);
        self.complete(
            module_id,
            func,
            execution_id,
            started,
            queued,
            sandbox.as_ref(),
            permit,
            outcome,
        )
    }

    /// A new instance for a call under `sandbox_id`: with the module's own
    /// configuration (`instantiate` options, its sandbox) when that is the
    /// sandbox the module was instantiated under, else a plain instance under
    /// the requested sandbox.
    async fn instance_for_call(
        &self,
        m: &super::module::LoadedModule,
        sandbox_id: &Option<String>,
        sandbox: Option<&std::sync::Arc<crate::sandbox::Sandbox>>,
    ) -> Result<super::instance::LiveInstance> {
        if *sandbox_id == *m.sandbox.lock() {
            self.persistent_instance(m).await
        } else {
            self.new_instance(m, None, sandbox).await
        }
    }

    /// Records a sandbox violation, releases the concurrency slot and builds
    /// the result of a finished call.
    #[allow(clippy::too_many_arguments)]
    fn complete<T: FromResults>(
        &self,
        module_id: &str,
        func: &str,
        execution_id: u64,
        started: Instant,
        queued: Duration,
        sandbox: Option<&std::sync::Arc<crate::sandbox::Sandbox>>,
        permit: tokio::sync::OwnedSemaphorePermit,
        outcome: super::instance::CallOutcome,
    ) -> ExecutionResult<T> {
        if let (Err(e), Some(sb)) = (&outcome.result, sandbox) {
            self.record_violation(sb, module_id, e);
        }
        let (stdout, stderr, exit_code, logs) =
            (outcome.stdout, outcome.stderr, outcome.exit_code, outcome.logs);
        drop(permit);
        let mut r = self.finish(
            module_id,
            func,
            execution_id,
            started,
            queued,
            outcome.result,
            outcome.gas_used,
            outcome.memory_used,
        );
        r.stdout = stdout;
        r.stderr = stderr;
        r.exit_code = exit_code;
        r.logs = logs;
        r
    }

    #[allow(clippy::too_many_arguments)]
    fn finish<T: FromResults>(
        &self,
        module_id: &str,
        func: &str,
        execution_id: u64,
        started: Instant,
        queued: Duration,
        result: Result<Vec<Value>>,
        gas_used: Option<u64>,
        memory_used: u64,
    ) -> ExecutionResult<T> {
        let duration = started.elapsed();
        let converted =
            result.and_then(|values| T::from_results(values).map_err(|m| Error::type_error(func, m)));
        let (value, error) = match converted {
            Ok(v) => (Some(v), None),
            Err(e) => (None, Some(e)),
        };
        if self.inner.config.enable_metrics {
            self.inner
                .metrics
                .call_finished(module_id, duration, error.as_ref().map(|e| e.kind()));
        }
        match &error {
            None => {
                if self.inner.events.wants(EventType::ExecComplete) {
                    self.emit(RuntimeEvent::ExecComplete {
                        module_id: module_id.to_string(),
                        function: func.to_string(),
                        execution_id,
                        duration,
                        gas_used,
                    });
                }
            }
            Some(e) => {
                tracing::debug!(module = module_id, func, kind = e.kind(), error = %e, "call failed");
                if self.inner.events.wants(EventType::ExecError) {
                    self.emit(RuntimeEvent::ExecError {
                        module_id: module_id.to_string(),
                        function: func.to_string(),
                        execution_id,
                        kind: e.kind(),
                        message: e.to_string(),
                    });
                }
            }
        }
        ExecutionResult {
            success: error.is_none(),
            value,
            error,
            duration,
            queued,
            gas_used,
            memory_used,
            execution_id,
            stdout: Vec::new(),
            stderr: Vec::new(),
            exit_code: None,
            logs: Vec::new(),
            _t: PhantomData,
        }
    }
}
