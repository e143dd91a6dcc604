//! Linking a module against host functions and shared memory, and calling
//! an instance's exports through the value bridge.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use echelon_shared::abi::host as host_abi;
use echelon_shared::abi::AbiType;
use wasmtime::{
    Engine, ExternRef, ExternType, Func, Instance, Linker, Memory, SharedMemory, Store, Trap, TypedFunc, Val,
};

use crate::sandbox::{check_capability, Capability, Sandbox, DEPTH_EXCEEDED, DEPTH_GLOBAL_EXPORT};
use crate::wasi::{ExitRefused, WasiCapabilities, WASI_MODULE};

use super::builtins::{self, Builtin, LogLevel, LogLine, ECHELON_MODULE};
use super::events::ViolationKind;
use super::host::{lift_params, lower_results, HostCaller, HostFunc, HostFunction};
use super::limits::LimitExceeded;
use super::module::{FuncShape, LoadedModule};
use super::store::{arm, race, DeadlineExceeded, HostFailure, Interrupted, StoreState};
use super::values::{ParamType, Value};
use crate::{Error, Result};

/// Everything an instantiation needs besides the module.
#[derive(Default, Clone)]
pub(crate) struct LinkInputs<'a> {
    /// Host functions registered with the runtime.
    pub hosts: Vec<&'a HostFunction>,
    /// Host functions given for this instance (`InstantiateOptions::imports`):
    /// the embedder's explicit choice, so the default policy does not apply
    /// to them (a sandbox still does).
    pub imports: Vec<&'a HostFunction>,
    pub shared_memory: Option<&'a SharedMemory>,
    pub sandbox: Option<&'a Sandbox>,
    pub wasi: Option<&'a WasiCapabilities>,
    /// Without a sandbox: the capabilities modules get
    /// (`RuntimeConfig::default_capabilities`); `None` when sandboxing is
    /// off, and everything links.
    pub default_capabilities: Option<&'a BTreeSet<Capability>>,
}

/// Builds a linker that satisfies `module`'s imports, or explains which
/// import is missing, mistyped or not granted. Returns whether any import
/// is async.
pub(crate) fn build_linker(
    engine: &Engine,
    module: &LoadedModule,
    inputs: &LinkInputs<'_>,
) -> Result<(Linker<StoreState>, bool)> {
    let mut linker: Linker<StoreState> = Linker::new(engine);
    let mut uses_async = false;
    let inst_err = |message: String| Error::Instantiation {
        module: module.id.clone(),
        message,
    };
    let sandbox_err = |sandbox: &Sandbox, message: String| Error::Sandbox {
        sandbox_id: sandbox.id.clone(),
        kind: ViolationKind::Capability,
        message,
    };
    let mut wasi = false;
    let mut builtins: Vec<&'static Builtin> = Vec::new();
    for import in module.module.imports() {
        let (m, n) = (import.module(), import.name());
        match import.ty() {
            ExternType::Func(_) if m == WASI_MODULE => wasi = true,
            ExternType::Func(want) => {
                let explicit = inputs.imports.iter().rev().find(|h| h.module == m && h.name == n);
                let host = explicit
                    .or_else(|| inputs.hosts.iter().rev().find(|h| h.module == m && h.name == n))
                    .copied();
                let builtin = match host {
                    None if m == ECHELON_MODULE => Some(Builtin::lookup(n).ok_or_else(|| {
                        inst_err(format!(
                            "it imports `{m}.{n}`, which is not a built-in host function (they are: {})",
                            builtins::names()
                        ))
                    })?),
                    _ => None,
                };
                let capability = match (host, builtin) {
                    (Some(h), _) => h.capability,
                    (None, Some(b)) => Some(b.capability),
                    (None, None) => None,
                };
                if let Some(sb) = inputs.sandbox {
                    sb.permits_host_function(m, n, capability)
                        .map_err(|msg| sandbox_err(sb, msg))?;
                } else if let (Some(granted), None) = (inputs.default_capabilities, explicit) {
                    check_capability(granted, capability).map_err(|needed| Error::Sandbox {
                        sandbox_id: "(default)".into(),
                        kind: ViolationKind::Capability,
                        message: format!(
                            "host function `{m}.{n}` needs the `{needed}` capability, which modules without a \
                             sandbox are not granted (RuntimeConfig::default_capabilities); run the module under a \
                             sandbox that grants it"
                        ),
                    })?;
                }
                if let Some(b) = builtin {
                    let have = b.func_type(engine);
                    if describe(&have) != describe(&want) {
                        return Err(inst_err(format!(
                            "import `{m}.{n}` has type {} but the built-in is {}",
                            describe(&want),
                            describe(&have)
                        )));
                    }
                    uses_async |= b.is_async();
                    builtins.push(b);
                    continue;
                }
                let Some(host) = host else {
                    return Err(inst_err(format!(
                        "it imports function `{m}.{n}` {}, which no host function provides; \
                         register one with register_host_function or pass it in InstantiateOptions::imports",
                        describe(&want)
                    )));
                };
                let have = host.func_type(engine);
                if describe(&have) != describe(&want) {
                    return Err(inst_err(format!(
                        "import `{m}.{n}` has type {} but the host function provides {}",
                        describe(&want),
                        describe(&have)
                    )));
                }
                define_host(&mut linker, host, have).map_err(|e| inst_err(e.to_string()))?;
                uses_async |= host.is_async();
            }
            ExternType::Memory(mt) => {
                if let Some(sb) = inputs.sandbox {
                    if !sb.config.capabilities.contains(&Capability::Memory) {
                        return Err(sandbox_err(
                            sb,
                            format!("importing memory `{m}.{n}` needs the `memory` capability"),
                        ));
                    }
                }
                if inputs.shared_memory.is_none() {
                    return Err(inst_err(format!(
                        "it imports memory `{m}.{n}`{}; pass one in InstantiateOptions::shared_memory",
                        if mt.is_shared() { " (shared)" } else { "" }
                    )));
                }
            }
            other => {
                return Err(inst_err(format!(
                    "it imports a {} `{m}.{n}`; Echelon provides only functions and memories",
                    match other {
                        ExternType::Global(_) => "global",
                        ExternType::Table(_) => "table",
                        _ => "tag",
                    }
                )))
            }
        }
    }
    if wasi {
        let empty = WasiCapabilities::default();
        crate::wasi::add_to_linker(&mut linker, inputs.wasi.unwrap_or(&empty))
            .map_err(|e| inst_err(format!("{e:#}")))?;
        // WASI functions are async in wasmtime-wasi; calls go through call_async.
        uses_async = true;
    }
    for b in builtins {
        builtins::define(&mut linker, b, uses_async).map_err(|e| inst_err(format!("{e:#}")))?;
    }
    Ok((linker, uses_async))
}

/// Whether the module imports any of the `echelon` built-ins (and so needs
/// plugin state in its store).
pub(crate) fn imports_builtins(module: &wasmtime::Module) -> bool {
    module.imports().any(|i| i.module() == ECHELON_MODULE)
}

fn describe(ft: &wasmtime::FuncType) -> String {
    format!(
        "({}) -> ({})",
        ft.params().map(|t| t.to_string()).collect::<Vec<_>>().join(", "),
        ft.results().map(|t| t.to_string()).collect::<Vec<_>>().join(", ")
    )
}

fn define_host(
    linker: &mut Linker<StoreState>,
    host: &HostFunction,
    ty: wasmtime::FuncType,
) -> wasmtime::Result<()> {
    let qualified = host.qualified_name();
    let params = host.params.clone();
    let results = host.results.clone();
    match &host.func {
        HostFunc::Sync(f) => {
            let f = f.clone();
            linker.func_new(&host.module, &host.name, ty, move |mut caller, raw, out| {
                let fail = |message: String| {
                    wasmtime::Error::new(HostFailure {
                        function: qualified.clone(),
                        message,
                    })
                };
                let mut hc = HostCaller { caller: &mut caller };
                let args = lift_params(&mut hc, &params, raw).map_err(fail)?;
                let values = f(&mut hc, args).map_err(fail)?;
                lower_results(&mut hc, &results, values, out).map_err(fail)
            })?;
        }
        HostFunc::Async(f) => {
            let f = f.clone();
            linker.func_new_async(&host.module, &host.name, ty, move |mut caller, raw, out| {
                let f = f.clone();
                let params = params.clone();
                let results = results.clone();
                let qualified = qualified.clone();
                Box::new(async move {
                    let fail = |message: String| {
                        wasmtime::Error::new(HostFailure {
                            function: qualified.clone(),
                            message,
                        })
                    };
                    let args = {
                        let mut hc = HostCaller { caller: &mut caller };
                        lift_params(&mut hc, &params, raw).map_err(fail)?
                    };
                    let values = f(args).await.map_err(fail)?;
                    let mut hc = HostCaller { caller: &mut caller };
                    lower_results(&mut hc, &results, values, out).map_err(fail)
                })
            })?;
        }
    }
    Ok(())
}

/// An instance and its store, ready for calls.
pub(crate) struct LiveInstance {
    pub store: Store<StoreState>,
    pub instance: Instance,
    pub uses_async: bool,
    /// Exports looked up so far (result types come from the module's
    /// `FuncShape`).
    funcs: HashMap<String, Func>,
    abi: Option<AbiExports>,
    depth: Option<wasmtime::Global>,
    /// The sandbox this instance runs under.
    pub sandbox_id: Option<String>,
    /// Bytes of memories and tables right after instantiation: a pooled
    /// instance that grew past it is dropped rather than kept idle with
    /// its peak memory.
    pub baseline: u64,
}

/// The guest ABI's exports of an instance.
#[derive(Clone)]
pub(crate) struct AbiExports {
    pub memory: Memory,
    pub alloc: TypedFunc<i32, i32>,
    pub free: TypedFunc<(i32, i32), ()>,
    pub last_error: Option<TypedFunc<(), i64>>,
}

/// The outcome of one call on an instance.
pub(crate) struct CallOutcome {
    pub result: Result<Vec<Value>>,
    pub gas_used: Option<u64>,
    pub memory_used: u64,
    /// WASI output written during the call.
    pub stdout: Vec<u8>,
    /// WASI error output written during the call.
    pub stderr: Vec<u8>,
    /// The guest's exit code, when it called `proc_exit`.
    pub exit_code: Option<i32>,
    /// Lines the guest logged with `echelon.log`.
    pub logs: Vec<LogLine>,
    /// Whether the instance may be reused (false after a trap that was not
    /// a clean guest refusal: its state may be inconsistent).
    pub reusable: bool,
}

impl CallOutcome {
    /// A call that failed before the guest ran (no instance, no slot).
    pub fn failed(error: Error) -> Self {
        Self {
            result: Err(error),
            gas_used: None,
            memory_used: 0,
            stdout: Vec::new(),
            stderr: Vec::new(),
            exit_code: None,
            logs: Vec::new(),
            reusable: true,
        }
    }
}

impl LiveInstance {
    pub fn new(
        mut store: Store<StoreState>,
        instance: Instance,
        uses_async: bool,
        sandbox_id: Option<String>,
    ) -> Self {
        let depth = instance.get_global(&mut store, DEPTH_GLOBAL_EXPORT);
        // `get_func` first: looking up a missing export through
        // `get_typed_func` builds an error, which costs more than the call.
        let abi = (|| {
            let memory = instance.get_memory(&mut store, "memory")?;
            let alloc = instance
                .get_func(&mut store, "echelon_alloc")?
                .typed(&store)
                .ok()?;
            let free = instance
                .get_func(&mut store, "echelon_free")?
                .typed(&store)
                .ok()?;
            let last_error = instance
                .get_func(&mut store, "echelon_last_error")
                .and_then(|f| f.typed(&store).ok());
            Some(AbiExports {
                memory,
                alloc,
                free,
                last_error,
            })
        })();
        let baseline = store.data().limiter.held();
        Self {
            store,
            instance,
            uses_async,
            funcs: HashMap::new(),
            abi,
            depth,
            sandbox_id,
            baseline,
        }
    }

    fn func(&mut self, name: &str) -> Option<Func> {
        if let Some(f) = self.funcs.get(name) {
            return Some(*f);
        }
        let f = self.instance.get_func(&mut self.store, name)?;
        self.funcs.insert(name.to_string(), f);
        Some(f)
    }

    /// Calls `name` with already type-checked arguments.
    pub async fn call(
        &mut self,
        name: &str,
        shape: &FuncShape,
        args: Vec<Value>,
        timeout: Duration,
        fuel: Option<u64>,
        metering: bool,
    ) -> CallOutcome {
        let module_id = self.store.data().module_id.clone();
        let budget = arm(&mut self.store, timeout, fuel, metering);
        if let Some(d) = self.depth {
            // A trap leaves the counter raised; each host call starts at 0.
            let _ = d.set(&mut self.store, Val::I32(0));
        }
        // Calls of a plugin that writes its key-value namespace run one at a
        // time (serializable: a read-modify-write is never lost); waiting
        // for the turn counts against the call's deadline.
        let kv_lock = self
            .store
            .data()
            .plugin
            .as_ref()
            .and_then(|p| p.env.kv_lock.clone());
        let _kv_turn = match kv_lock {
            Some(lock) => {
                let deadline = self.store.data().deadline;
                match tokio::time::timeout_at(deadline.into(), lock.lock_owned()).await {
                    Ok(turn) => Some(turn),
                    Err(_) => {
                        return CallOutcome {
                            result: Err(Error::Timeout {
                                module: module_id.to_string(),
                                function: name.to_string(),
                                timeout,
                            }),
                            gas_used: None,
                            memory_used: self.store.data().limiter.held(),
                            stdout: Vec::new(),
                            stderr: Vec::new(),
                            exit_code: None,
                            logs: Vec::new(),
                            reusable: true,
                        }
                    }
                }
            }
            None => None,
        };
        let mut owned: Vec<(i32, i32)> = Vec::new();
        let result = self.call_inner(name, shape, args, &mut owned).await;
        let gas_used = metering.then(|| budget.saturating_sub(self.store.get_fuel().unwrap_or(0)));
        let mut exit_code = None;
        let (result, reusable) = match result {
            Ok(values) => (Ok(values), true),
            Err(RawFailure::Error(e)) => (Err(e), true),
            Err(RawFailure::Trap(err)) => {
                if let Some(exit) = err.downcast_ref::<wasmtime_wasi::I32Exit>() {
                    // proc_exit with allow_exit: the run ends with its code;
                    // the instance is finished.
                    exit_code = Some(exit.0);
                    if exit.0 == 0 {
                        (Ok(Vec::new()), false)
                    } else {
                        (
                            Err(Error::Exit {
                                module: module_id.to_string(),
                                code: exit.0,
                            }),
                            false,
                        )
                    }
                } else {
                    let (e, reusable) = self.classify(&module_id, name, err, timeout, fuel).await;
                    (Err(e), reusable)
                }
            }
        };
        let (result, logs) = self.finish_plugin_call(result).await;
        let (stdout, stderr) = self
            .store
            .data_mut()
            .wasi
            .as_mut()
            .map(|w| w.take_output())
            .unwrap_or_default();
        // Free argument buffers unless the instance is being discarded
        // (after an unclean trap its allocator may be mid-update).
        if reusable && !owned.is_empty() {
            if let Some(abi) = &self.abi {
                arm(
                    &mut self.store,
                    Duration::from_secs(1),
                    Some(10_000_000),
                    metering,
                );
                let free = abi.free.clone();
                for (ptr, len) in owned {
                    let _ = call_guest(&mut self.store, &free, self.uses_async, (ptr, len)).await;
                }
            }
        }
        CallOutcome {
            result,
            gas_used,
            memory_used: self.store.data().limiter.held(),
            stdout,
            stderr,
            exit_code,
            logs,
            reusable,
        }
    }

    /// Takes the call's log lines and commits its key-value writes when it
    /// succeeded (a failed call's writes are dropped). A commit that fails
    /// (the quota, checked again against concurrent commits) fails the call.
    async fn finish_plugin_call(&mut self, result: Result<Vec<Value>>) -> (Result<Vec<Value>>, Vec<LogLine>) {
        let Some(p) = self.store.data_mut().plugin.as_deref_mut() else {
            return (result, Vec::new());
        };
        let logs = p.take_logs();
        if p.kv.is_empty() {
            return (result, logs);
        }
        let batch = std::mem::take(&mut p.kv);
        if result.is_err() {
            return (result, logs);
        }
        let env = p.env.clone();
        let Some(store) = env.kv.clone() else {
            return (result, logs);
        };
        let committed =
            tokio::task::spawn_blocking(move || store.commit(&env.namespace, &batch, &env.kv_quota)).await;
        let result = match committed {
            Ok(Ok(())) => result,
            Ok(Err(e)) => Err(e),
            Err(e) => Err(Error::Engine(format!("the key-value commit task failed: {e}"))),
        };
        (result, logs)
    }

    /// Ends a synchronous call (the typed handles): the plugin's log lines
    /// go to `tracing` (target `echelon::plugin`), and its key-value writes
    /// are committed when the call succeeded (`ok`), dropped otherwise, as
    /// [`execute`](super::WasmRuntime::execute) does. The commit runs on
    /// the calling thread (one fsync).
    pub(crate) fn finish_plugin_call_sync(&mut self, ok: bool) -> Result<()> {
        let Some(p) = self.store.data_mut().plugin.as_deref_mut() else {
            return Ok(());
        };
        let module = p.env.module_id.clone();
        for line in p.take_logs() {
            let message = line.message.as_str();
            match line.level {
                LogLevel::Debug => tracing::debug!(target: "echelon::plugin", module = &*module, "{message}"),
                LogLevel::Info => tracing::info!(target: "echelon::plugin", module = &*module, "{message}"),
                LogLevel::Warn => tracing::warn!(target: "echelon::plugin", module = &*module, "{message}"),
                LogLevel::Error => tracing::error!(target: "echelon::plugin", module = &*module, "{message}"),
            }
        }
        if p.kv.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut p.kv);
        if !ok {
            return Ok(());
        }
        match &p.env.kv {
            Some(store) => store.commit(&p.env.namespace, &batch, &p.env.kv_quota),
            None => Ok(()),
        }
    }

    async fn call_inner(
        &mut self,
        name: &str,
        shape: &FuncShape,
        args: Vec<Value>,
        owned: &mut Vec<(i32, i32)>,
    ) -> std::result::Result<Vec<Value>, RawFailure> {
        let Some(func) = self.func(name) else {
            return Err(RawFailure::Error(Error::not_found("export", name)));
        };
        let mut raw = Vec::with_capacity(args.len() * 2);
        for (v, ty) in args.into_iter().zip(&shape.params) {
            match (v, ty) {
                (Value::I32(x), _) => raw.push(Val::I32(x)),
                (Value::I64(x), _) => raw.push(Val::I64(x)),
                (Value::F32(x), _) => raw.push(Val::F32(x.to_bits())),
                (Value::F64(x), _) => raw.push(Val::F64(x.to_bits())),
                (Value::V128(b), _) => raw.push(Val::V128(u128::from_le_bytes(b).into())),
                (Value::FuncRef(None), _) => raw.push(Val::FuncRef(None)),
                (Value::FuncRef(Some(n)), _) => {
                    let f = self.func(&n).ok_or_else(|| {
                        RawFailure::Error(Error::type_error(
                            name,
                            format!("funcref argument `{n}` is not an export"),
                        ))
                    })?;
                    raw.push(Val::FuncRef(Some(f)));
                }
                (Value::ExternRef(None), _) => raw.push(Val::ExternRef(None)),
                (Value::ExternRef(Some(j)), _) => {
                    let r = ExternRef::new(&mut self.store, j)
                        .map_err(|e| RawFailure::Error(Error::Engine(e.to_string())))?;
                    raw.push(Val::ExternRef(Some(r)));
                }
                (Value::Bytes(b), _) => self.push_bytes(name, &b, &mut raw, owned).await?,
                (Value::String(s), _) => self.push_bytes(name, s.as_bytes(), &mut raw, owned).await?,
                (Value::Json(j), _) => {
                    self.push_bytes(name, j.to_string().as_bytes(), &mut raw, owned)
                        .await?
                }
            }
        }
        // Placeholders of the export's result types (the call overwrites
        // them; reference results start as null).
        let mut out: Vec<Val> = shape.core_results.iter().map(|k| k.placeholder()).collect();
        let called = if self.uses_async {
            self.store.data_mut().in_async = true;
            // Epochs interrupt only running wasm; time spent awaiting an async
            // host function or a WASI call (a sleep in poll_oneoff) is cut
            // here, at the same deadline. Dropping the call unwinds the guest's
            // fiber; the instance is then discarded (a timeout is not reusable).
            let deadline = self.store.data().deadline;
            let interrupt = self.store.data().interrupt.clone();
            let r = race(
                deadline,
                &interrupt,
                func.call_async(&mut self.store, &raw, &mut out),
            )
            .await;
            self.store.data_mut().in_async = false;
            r
        } else {
            func.call(&mut self.store, &raw, &mut out)
        };
        called.map_err(RawFailure::Trap)?;
        let mut values = Vec::with_capacity(out.len());
        for (v, ty) in out.iter().zip(&shape.results) {
            values.push(self.lift(name, v, *ty).await?);
        }
        Ok(values)
    }

    async fn push_bytes(
        &mut self,
        name: &str,
        bytes: &[u8],
        raw: &mut Vec<Val>,
        owned: &mut Vec<(i32, i32)>,
    ) -> std::result::Result<(), RawFailure> {
        let abi = self.abi.as_ref().ok_or_else(|| {
            RawFailure::Error(Error::type_error(
                name,
                "the module does not implement the guest ABI (memory, echelon_alloc, echelon_free), so it cannot take bytes or strings",
            ))
        })?;
        let len = host_abi::argument_len(bytes.len())
            .map_err(|e| RawFailure::Error(Error::type_error(name, e.to_string())))? as i32;
        let ptr = if len == 0 {
            0
        } else {
            let alloc = abi.alloc.clone();
            call_guest(&mut self.store, &alloc, self.uses_async, len)
                .await
                .map_err(RawFailure::Trap)?
        };
        let size = abi.memory.data_size(&self.store) as u64;
        host_abi::check_allocation(ptr as u32, len as u32, size).map_err(|e| {
            RawFailure::Error(match e {
                host_abi::HostAbiError::AllocFailed { .. } => Error::Memory {
                    module: self.store.data().module_id.to_string(),
                    message: e.to_string(),
                },
                _ => Error::Engine(e.to_string()),
            })
        })?;
        if len > 0 {
            abi.memory
                .write(&mut self.store, ptr as usize, bytes)
                .map_err(|e| RawFailure::Error(Error::Engine(format!("writing an argument: {e}"))))?;
            owned.push((ptr, len));
        }
        raw.extend([Val::I32(ptr), Val::I32(len)]);
        Ok(())
    }

    async fn lift(&mut self, name: &str, v: &Val, ty: ParamType) -> std::result::Result<Value, RawFailure> {
        let indirect = match ty {
            ParamType::Abi(a) if a.is_indirect() => a,
            ParamType::Abi(AbiType::Bool) => return Ok(Value::I32(v.i32().unwrap_or(0))),
            _ => {
                return Ok(match v {
                    Val::I32(x) => Value::I32(*x),
                    Val::I64(x) => Value::I64(*x),
                    Val::F32(x) => Value::F32(f32::from_bits(*x)),
                    Val::F64(x) => Value::F64(f64::from_bits(*x)),
                    Val::V128(x) => Value::V128(x.as_u128().to_le_bytes()),
                    Val::FuncRef(None) => Value::FuncRef(None),
                    Val::FuncRef(Some(f)) => Value::FuncRef(Some(self.export_name_of(f))),
                    Val::ExternRef(None) => Value::ExternRef(None),
                    Val::ExternRef(Some(r)) => Value::ExternRef(Some(
                        r.data(&self.store)
                            .ok()
                            .flatten()
                            .and_then(|d| d.downcast_ref::<serde_json::Value>().cloned())
                            .unwrap_or(serde_json::Value::Null),
                    )),
                    other => {
                        return Err(RawFailure::Error(Error::type_error(
                            name,
                            format!("result of type {:?} cannot be bridged", other),
                        )))
                    }
                })
            }
        };
        let packed = v
            .i64()
            .ok_or_else(|| RawFailure::Error(Error::type_error(name, "packed result must be i64")))?;
        let range = match (&self.abi, echelon_shared::abi::unpack(packed)) {
            (_, (_, 0)) => None,
            (None, _) => {
                return Err(RawFailure::Error(Error::type_error(
                    name,
                    "the module does not implement the guest ABI",
                )))
            }
            // Checked before allocating: a hostile packed result must not
            // make the host allocate up to 4 GiB.
            (Some(abi), _) => host_abi::result_range(packed, abi.memory.data_size(&self.store) as u64)
                .map_err(|e| RawFailure::Error(Error::type_error(name, e.to_string())))?,
        };
        let bytes = match (range, &self.abi) {
            (Some((ptr, len)), Some(abi)) => {
                let mut buf = vec![0; len as usize];
                abi.memory
                    .read(&self.store, ptr as usize, &mut buf)
                    .map_err(|e| RawFailure::Error(Error::type_error(name, e.to_string())))?;
                let free = abi.free.clone();
                let _ = call_guest(&mut self.store, &free, self.uses_async, (ptr as i32, len as i32)).await;
                buf
            }
            _ => Vec::new(),
        };
        Ok(match indirect {
            AbiType::Bytes => Value::Bytes(bytes),
            AbiType::String => Value::String(
                host_abi::result_text(AbiType::String, bytes)
                    .map_err(|e| RawFailure::Error(Error::type_error(name, e.to_string())))?,
            ),
            _ => Value::Json(serde_json::from_slice(&bytes).map_err(|e| {
                RawFailure::Error(Error::type_error(
                    name,
                    format!("json result does not parse: {e}"),
                ))
            })?),
        })
    }

    fn export_name_of(&mut self, f: &Func) -> String {
        let exports: Vec<(String, Func)> = self
            .instance
            .exports(&mut self.store)
            .filter_map(|e| {
                let n = e.name().to_string();
                e.into_func().map(|f| (n, f))
            })
            .collect();
        for (n, g) in exports {
            if f.to_raw(&mut self.store) == g.to_raw(&mut self.store) {
                return n;
            }
        }
        describe(&f.ty(&self.store))
    }

    /// The guest ABI's exports (`memory`, `echelon_alloc`, `echelon_free`),
    /// when the module has all three with their types.
    pub(crate) fn abi_exports(&self) -> Option<&AbiExports> {
        self.abi.as_ref()
    }

    /// Turns a wasmtime error from a call into an [`Error`], reading the
    /// guest's own message for clean refusals.
    pub(crate) async fn classify(
        &mut self,
        module: &str,
        function: &str,
        err: wasmtime::Error,
        timeout: Duration,
        fuel: Option<u64>,
    ) -> (Error, bool) {
        let module = module.to_string();
        let function = function.to_string();
        if err.is::<Interrupted>() {
            return (Error::Stopped, false);
        }
        if err.is::<DeadlineExceeded>() {
            return (
                Error::Timeout {
                    module,
                    function,
                    timeout,
                },
                false,
            );
        }
        if let Some(l) = err.downcast_ref::<LimitExceeded>() {
            return (
                Error::Memory {
                    module,
                    message: l.0.clone(),
                },
                false,
            );
        }
        if let Some(code) = err.downcast_ref::<ExitRefused>() {
            return (
                Error::Sandbox {
                    sandbox_id: self.sandbox_id.clone().unwrap_or_else(|| "(default)".into()),
                    kind: ViolationKind::Capability,
                    message: format!(
                        "proc_exit({}) refused: exiting is not granted (WasiCapabilities::allow_exit)",
                        code.0
                    ),
                },
                false,
            );
        }
        if let Some(d) = self.depth {
            if d.get(&mut self.store).i32() == Some(DEPTH_EXCEEDED) {
                return (
                    Error::Sandbox {
                        sandbox_id: self.sandbox_id.clone().unwrap_or_default(),
                        kind: ViolationKind::Cpu,
                        message: format!("`{function}` exceeded the call depth limit"),
                    },
                    false,
                );
            }
        }
        if let Some(h) = err.downcast_ref::<HostFailure>() {
            return (
                Error::Host {
                    function: h.function.clone(),
                    message: h.message.clone(),
                },
                false,
            );
        }
        match err.downcast_ref::<Trap>() {
            Some(Trap::OutOfFuel) => (
                Error::OutOfFuel {
                    module,
                    function,
                    limit: fuel.unwrap_or(u64::MAX),
                },
                false,
            ),
            Some(Trap::Interrupt) => (
                Error::Timeout {
                    module,
                    function,
                    timeout,
                },
                false,
            ),
            Some(trap) => {
                let guest_message = self.last_error().await;
                let reusable = guest_message.is_some();
                (
                    Error::Trap {
                        module,
                        function,
                        trap: trap.to_string(),
                        guest_message,
                    },
                    reusable,
                )
            }
            None => (
                Error::Trap {
                    module,
                    function,
                    trap: format!("{err:#}"),
                    guest_message: None,
                },
                false,
            ),
        }
    }

    async fn last_error(&mut self) -> Option<String> {
        let abi = self.abi.as_ref()?;
        let f = abi.last_error.clone()?;
        let memory = abi.memory;
        let free = abi.free.clone();
        let metering = self.store.get_fuel().is_ok();
        arm(
            &mut self.store,
            Duration::from_secs(1),
            Some(10_000_000),
            metering,
        );
        let packed = call_guest(&mut self.store, &f, self.uses_async, ()).await.ok()?;
        if packed == 0 {
            return None;
        }
        let (ptr, len) = match host_abi::result_range(packed, memory.data_size(&self.store) as u64) {
            Ok(Some(range)) => range,
            Ok(None) => return None,
            Err(e) => return Some(format!("(the guest's error message is unreadable: {e})")),
        };
        let mut buf = vec![0; len as usize];
        memory.read(&self.store, ptr as usize, &mut buf).ok()?;
        let _ = call_guest(&mut self.store, &free, self.uses_async, (ptr as i32, len as i32)).await;
        Some(String::from_utf8_lossy(&buf).into_owned())
    }

    /// Reads an exported global.
    pub fn global(&mut self, name: &str) -> Option<Value> {
        let g = self.instance.get_global(&mut self.store, name)?;
        let v = g.get(&mut self.store);
        Some(super::host::core_to_value(
            &v,
            ParamType::Core(super::values::ValKind::I32),
        ))
    }

    /// The exported memory named `name`.
    pub fn memory(&mut self, name: &str) -> Option<Memory> {
        self.instance.get_memory(&mut self.store, name)
    }
}

/// Calls a guest function from the host: with `call_async` when the
/// instance was linked with async imports (wasmtime refuses sync calls on
/// such a store), else synchronously.
async fn call_guest<P, R>(
    store: &mut Store<StoreState>,
    f: &TypedFunc<P, R>,
    uses_async: bool,
    params: P,
) -> wasmtime::Result<R>
where
    P: wasmtime::WasmParams + Sync,
    R: wasmtime::WasmResults + Sync,
{
    if uses_async {
        f.call_async(store, params).await
    } else {
        f.call(store, params)
    }
}

enum RawFailure {
    /// Already classified (type errors, allocation failures).
    Error(Error),
    /// Raised by wasmtime; classified with the instance's help.
    Trap(wasmtime::Error),
}
