//! `execute`: one call of an export under the runtime's limits.

use std::marker::PhantomData;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime};

use std::sync::Arc;

use serde::Serialize;
use tokio::sync::OwnedSemaphorePermit;
use tracing::Instrument;

use super::events::{EventType, RuntimeEvent};
use super::instance::{CallOutcome, LiveInstance};
use super::module::{FuncShape, LoadedModule};
use super::values::{check_args, FromResults, Value};
use super::WasmRuntime;
use crate::sandbox::Sandbox;
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
    /// and keeps those instances until the module is unloaded or
    /// re-instantiated: memory is traded for never instantiating on the hot
    /// path. An instance whose memories and tables grew by more than
    /// [`POOLED_GROWTH_KEPT`] since it was made is dropped instead of
    /// returned, so idle instances do not hold a large call's peak.
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

/// The report of [`WasmRuntime::execute_report`] (the spec's
/// `WASMExecutionResult`). Failures are values, not `Err`, so that timing,
/// gas and the guest's output are reported either way; use
/// [`ExecutionResult::into_execution`] or [`ExecutionResult::into_result`]
/// for `?`.
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

/// A call that returned normally: what [`WasmRuntime::execute`] gives.
#[derive(Debug)]
pub struct Execution<T> {
    /// The result, converted to `T`.
    pub value: T,
    /// Timing and resource figures of the call.
    pub stats: CallStats,
    /// What the guest wrote or logged during the call.
    pub output: CallOutput,
}

/// Timing and resource figures of one call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CallStats {
    /// Time in the call (instantiation included), excluding time queued
    /// for a slot.
    pub duration: Duration,
    /// Time queued for a slot.
    pub queued: Duration,
    /// Fuel consumed, when metering is on.
    pub gas_used: Option<u64>,
    /// Linear memory of the instance after the call, in bytes.
    pub memory_used: u64,
    /// Unique id of this call (as in the events).
    pub execution_id: u64,
}

/// What a guest wrote or logged during one call.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CallOutput {
    /// WASI standard output (when captured).
    pub stdout: Vec<u8>,
    /// WASI standard error (when captured).
    pub stderr: Vec<u8>,
    /// The code a WASI guest passed to `proc_exit`, if it exited.
    pub exit_code: Option<i32>,
    /// Lines the guest logged with `echelon.log`.
    pub logs: Vec<super::builtins::LogLine>,
}

impl<T> ExecutionResult<T> {
    /// The figures of the call.
    pub fn stats(&self) -> CallStats {
        CallStats {
            duration: self.duration,
            queued: self.queued,
            gas_used: self.gas_used,
            memory_used: self.memory_used,
            execution_id: self.execution_id,
        }
    }

    /// The call as a `Result`: its value with figures and output, or why
    /// it failed (the output of a failed call is dropped; keep the
    /// `ExecutionResult` to read it).
    pub fn into_execution(self) -> Result<Execution<T>> {
        let stats = self.stats();
        let output = CallOutput {
            stdout: self.stdout,
            stderr: self.stderr,
            exit_code: self.exit_code,
            logs: self.logs,
        };
        match (self.value, self.error) {
            (Some(value), _) => Ok(Execution { value, stats, output }),
            (None, Some(e)) => Err(e),
            (None, None) => Err(Error::Engine("call produced neither a value nor an error".into())),
        }
    }
}

/// How much an instance of [`InstanceMode::Pooled`] may have grown since
/// it was made and still go back to the pool; one that grew more is
/// dropped after its call, releasing the memory.
pub const POOLED_GROWTH_KEPT: u64 = 4 << 20;

/// A call's execution slot. Dropped without [`Slot::release`] (the caller
/// stopped waiting for the result), it still counts the call out of the
/// in-flight gauge; either way the slot frees only once the guest stopped.
struct Slot {
    permit: Option<OwnedSemaphorePermit>,
    runtime: WasmRuntime,
    counted: bool,
}

impl Slot {
    /// Frees the slot after the report counted the call.
    fn release(mut self) {
        self.counted = false;
        self.permit.take();
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if self.counted {
            self.runtime.inner.metrics.call_abandoned();
        }
    }
}

/// One call, from its plan to its report: what every stage shares.
struct Call {
    module: Arc<LoadedModule>,
    func: String,
    args: Vec<Value>,
    timeout: Duration,
    fuel: Option<u64>,
    sandbox_id: Option<String>,
    sandbox: Option<Arc<Sandbox>>,
    mode: InstanceMode,
    execution_id: u64,
}

/// The module's persistent instance, locked before the call takes an
/// execution slot (`InstanceMode::Persistent` only): calls waiting for a
/// busy instance wait without a slot, so one module's queue cannot hold the
/// slots other modules' calls need.
type PersistentGuard = tokio::sync::OwnedMutexGuard<Option<LiveInstance>>;

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
    /// `max_concurrent_executions` calls run at once, each on one of the
    /// runtime's guest threads (never on the async runtime's workers); the
    /// rest wait their turn in FIFO order. One deadline covers the whole
    /// call: instantiation, the guest's code, host functions and WASI calls.
    ///
    /// ```no_run
    /// # async fn demo(rt: &echelon::WasmRuntime) -> echelon::Result<()> {
    /// use echelon::{ExecOptions, Value};
    /// let sum = rt
    ///     .execute::<i32>("math", "add", vec![Value::I32(2), Value::I32(3)], ExecOptions::default())
    ///     .await?;
    /// assert_eq!(sum.value, 5);
    /// println!("took {:?}", sum.stats.duration);
    /// # Ok(()) }
    /// ```
    #[must_use = "a call's value is its result"]
    pub async fn execute<T: FromResults>(
        &self,
        module_id: &str,
        func: &str,
        args: Vec<Value>,
        options: ExecOptions,
    ) -> Result<Execution<T>> {
        self.execute_report(module_id, func, args, options)
            .await
            .into_execution()
    }

    /// Like [`WasmRuntime::execute`], reporting the call as an
    /// [`ExecutionResult`]: failures are values, with the figures and the
    /// guest's output (stderr, log lines) of a failed call too.
    pub async fn execute_report<T: FromResults>(
        &self,
        module_id: &str,
        func: &str,
        args: Vec<Value>,
        options: ExecOptions,
    ) -> ExecutionResult<T> {
        let execution_id = self.inner.next_execution.fetch_add(1, Ordering::Relaxed);
        let span = tracing::debug_span!("wasm.execute", module = module_id, func, execution_id);
        async {
            let call = match self.plan(module_id, func, args, options, execution_id) {
                Ok(call) => call,
                Err(e) => return ExecutionResult::failed(e, execution_id),
            };
            let (permit, persistent, queued) = match self.admit(&call).await {
                Ok(p) => p,
                Err(e) => return ExecutionResult::failed(e, execution_id),
            };
            self.started(&call);
            let slot = Slot {
                permit: Some(permit),
                runtime: self.clone(),
                counted: self.inner.config.enable_metrics,
            };
            let started = Instant::now();
            let rt = self.clone();
            // The slot travels with the job: it is held until the guest has
            // stopped, even when the caller gave up waiting.
            let ran = self
                .inner
                .pool
                .run(async move {
                    let mut call = call;
                    let outcome = rt.invoke(&mut call, persistent).await;
                    (call, outcome, slot)
                })
                .await;
            match ran {
                Ok((call, outcome, slot)) => {
                    let report = self.report(&call, started, queued, outcome);
                    slot.release();
                    report
                }
                Err(e) => ExecutionResult::failed(e, execution_id),
            }
        }
        .instrument(span)
        .await
    }

    /// Stage 1, on the caller: resolves the module, the export and the
    /// sandbox, checks the arguments and settles the call's limits.
    fn plan(
        &self,
        module_id: &str,
        func: &str,
        args: Vec<Value>,
        options: ExecOptions,
        execution_id: u64,
    ) -> Result<Call> {
        if !self.is_running() {
            return Err(Error::Stopped);
        }
        let m = self.module(module_id)?;
        let Some(shape) = m.funcs.get(func) else {
            let mut names: Vec<&String> = m.funcs.keys().collect();
            names.sort();
            return Err(Error::NotFound {
                what: "export",
                name: format!(
                    "{module_id}.{func} (exported functions: {})",
                    names.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                ),
            });
        };
        check_args(func, &shape.params, &args)?;
        let cfg = &self.inner.config;
        if options.fuel.is_some() && !cfg.fuel_metering {
            return Err(Error::type_error(
                func,
                "a fuel limit needs RuntimeConfig::fuel_metering",
            ));
        }
        let sandbox_id = options.sandbox_id.clone().or_else(|| m.sandbox.lock().clone());
        let sandbox = match &sandbox_id {
            Some(id) => Some(self.sandbox(id)?),
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
        Ok(Call {
            module: m,
            func: func.to_string(),
            args,
            timeout,
            fuel,
            sandbox_id,
            sandbox,
            mode: options.instance,
            execution_id,
        })
    }

    /// Stage 2: waits for the module's persistent instance when the call
    /// needs it, then for an execution slot (FIFO). The slot is taken last:
    /// a call never holds one while it waits for an instance.
    async fn admit(&self, call: &Call) -> Result<(OwnedSemaphorePermit, Option<PersistentGuard>, Duration)> {
        let queued_at = Instant::now();
        let persistent = match call.mode {
            InstanceMode::Persistent => Some(call.module.instance.clone().lock_owned().await),
            _ => None,
        };
        let permit = match self.inner.semaphore.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                self.inner.metrics.queued(1);
                let p = self.inner.semaphore.clone().acquire_owned().await;
                self.inner.metrics.queued(-1);
                p.map_err(|_| Error::Stopped)?
            }
        };
        Ok((permit, persistent, queued_at.elapsed()))
    }

    /// Counts the call as started and announces it.
    fn started(&self, call: &Call) {
        if self.inner.config.enable_metrics {
            self.inner.metrics.call_started();
        }
        call.module.executions.fetch_add(1, Ordering::Relaxed);
        *call.module.last_executed.lock() = Some(SystemTime::now());
        if self.inner.events.wants(EventType::ExecStart) {
            self.emit(RuntimeEvent::ExecStart {
                module_id: call.module.id.clone(),
                function: call.func.clone(),
                execution_id: call.execution_id,
            });
        }
    }

    /// Stage 3, on a guest thread: takes an instance as the call's mode
    /// asks (the persistent one comes locked from `admit`) and runs the
    /// export in it.
    async fn invoke(&self, call: &mut Call, persistent: Option<PersistentGuard>) -> CallOutcome {
        let m = call.module.clone();
        let Some(shape) = m.funcs.get(&call.func) else {
            return CallOutcome::failed(Error::not_found("export", &call.func));
        };
        let args = std::mem::take(&mut call.args);
        let metering = self.inner.config.fuel_metering;
        match call.mode {
            InstanceMode::Pooled => {
                let idle = m.pool.lock().pop();
                let live = match idle.filter(|l| l.sandbox_id == call.sandbox_id) {
                    Some(live) => Ok(live),
                    None => self.instance_for_call(&m, call).await,
                };
                let mut live = match live {
                    Ok(live) => live,
                    Err(e) => return CallOutcome::failed(e),
                };
                let outcome = live
                    .call(&call.func, shape, args, call.timeout, call.fuel, metering)
                    .await;
                // Kept for the next call only if clean and not much larger
                // than it started (a guest's heap settles after its first
                // calls): idle instances do not hold a call's peak memory.
                let grown = live.store.data().limiter.held().saturating_sub(live.baseline);
                if outcome.reusable && grown <= POOLED_GROWTH_KEPT {
                    let mut pool = m.pool.lock();
                    if pool.len() < self.inner.config.max_concurrent_executions {
                        pool.push(live);
                    }
                }
                outcome
            }
            InstanceMode::Persistent => {
                let mut guard = match persistent {
                    Some(guard) => guard,
                    None => m.instance.clone().lock_owned().await,
                };
                // The persistent instance serves the call only if it runs
                // under the requested sandbox; otherwise the call gets a
                // fresh one.
                if guard
                    .as_ref()
                    .is_some_and(|live| live.sandbox_id != call.sandbox_id)
                {
                    drop(guard);
                    return self.fresh_call(call, shape, args).await;
                }
                if guard.is_none() {
                    match self.instance_for_call(&m, call).await {
                        Ok(live) => *guard = Some(live),
                        Err(e) => return CallOutcome::failed(e),
                    }
                }
                let Some(live) = guard.as_mut() else {
                    return CallOutcome::failed(Error::Engine("the persistent instance vanished".into()));
                };
                let outcome = live
                    .call(&call.func, shape, args, call.timeout, call.fuel, metering)
                    .await;
                if !outcome.reusable {
                    *guard = None;
                }
                outcome
            }
            InstanceMode::Fresh => self.fresh_call(call, shape, args).await,
        }
    }

    /// A call in an instance made for it and dropped afterwards.
    async fn fresh_call(&self, call: &Call, shape: &FuncShape, args: Vec<Value>) -> CallOutcome {
        match self.new_instance(&call.module, None, call.sandbox.as_ref()).await {
            Ok(mut live) => {
                live.call(
                    &call.func,
                    shape,
                    args,
                    call.timeout,
                    call.fuel,
                    self.inner.config.fuel_metering,
                )
                .await
            }
            Err(e) => CallOutcome::failed(e),
        }
    }

    /// A new instance for a call under the call's sandbox: with the
    /// module's own configuration (`instantiate` options, its sandbox) when
    /// that is the sandbox the module was instantiated under, else a plain
    /// instance under the requested sandbox.
    async fn instance_for_call(&self, m: &LoadedModule, call: &Call) -> Result<LiveInstance> {
        if call.sandbox_id == *m.sandbox.lock() {
            self.persistent_instance(m).await
        } else {
            self.new_instance(m, None, call.sandbox.as_ref()).await
        }
    }

    /// Stage 4: records a sandbox violation, counts the call, emits its
    /// event and builds the report.
    fn report<T: FromResults>(
        &self,
        call: &Call,
        started: Instant,
        queued: Duration,
        outcome: CallOutcome,
    ) -> ExecutionResult<T> {
        let module_id = call.module.id.as_str();
        let func = call.func.as_str();
        if let (Err(e), Some(sb)) = (&outcome.result, &call.sandbox) {
            self.record_violation(sb, module_id, e);
        }
        let duration = started.elapsed();
        let converted = outcome
            .result
            .and_then(|values| T::from_results(values).map_err(|m| Error::type_error(func, m)));
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
                        execution_id: call.execution_id,
                        duration,
                        gas_used: outcome.gas_used,
                    });
                }
            }
            Some(e) => {
                tracing::debug!(module = module_id, func, kind = e.kind(), error = %e, "call failed");
                if self.inner.events.wants(EventType::ExecError) {
                    self.emit(RuntimeEvent::ExecError {
                        module_id: module_id.to_string(),
                        function: func.to_string(),
                        execution_id: call.execution_id,
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
            gas_used: outcome.gas_used,
            memory_used: outcome.memory_used,
            execution_id: call.execution_id,
            stdout: outcome.stdout,
            stderr: outcome.stderr,
            exit_code: outcome.exit_code,
            logs: outcome.logs,
            _t: PhantomData,
        }
    }
}
