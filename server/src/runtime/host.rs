//! Host functions: Rust functions a module imports
//! (`register_host_function`), sync or async, with signatures in core
//! WebAssembly types or guest-ABI types.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use echelon_shared::abi::host as host_abi;
use echelon_shared::abi::{pack, AbiType};
use wasmtime::{Caller, Extern, FuncType, Val, ValType};

use super::store::StoreState;
use super::values::{ParamType, ValKind, Value};

/// A boxed future returned by async host functions.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

type SyncFn = dyn Fn(&mut HostCaller<'_, '_>, Vec<Value>) -> Result<Vec<Value>, String> + Send + Sync;
type AsyncFn = dyn Fn(Vec<Value>) -> BoxFuture<Result<Vec<Value>, String>> + Send + Sync;

/// The body of a host function.
#[derive(Clone)]
pub enum HostFunc {
    /// Runs on the calling thread with access to the caller's memory.
    Sync(Arc<SyncFn>),
    /// Awaited; modules importing one are called with `call_async`. Gets
    /// its arguments already lifted (strings and bytes read from guest
    /// memory), so it needs no access to the store.
    Async(Arc<AsyncFn>),
}

/// A host function a module can import as `module.name`.
///
/// Parameters and results are [`ParamType`]s: core types pass as they are;
/// guest-ABI types (`string`, `bytes`, `json`) are read from the caller's
/// memory for parameters (a `(ptr, len)` pair) and written through the
/// caller's `echelon_alloc` for results (a packed `i64`).
///
/// ```
/// use echelon::runtime::{HostFunction, ParamType, ValKind, Value};
/// let add = HostFunction::sync(
///     "env", "add_one",
///     [ParamType::Core(ValKind::I32)], [ParamType::Core(ValKind::I32)],
///     |_caller, args| match args[0] { Value::I32(x) => Ok(vec![Value::I32(x + 1)]), _ => unreachable!() },
/// );
/// assert_eq!(add.qualified_name(), "env.add_one");
/// ```
#[derive(Clone)]
pub struct HostFunction {
    /// Import module name, e.g. `env`.
    pub module: String,
    /// Import field name, e.g. `log`.
    pub name: String,
    /// Parameter types.
    pub params: Vec<ParamType>,
    /// Result types.
    pub results: Vec<ParamType>,
    /// The body.
    pub func: HostFunc,
    /// The capability a sandbox must grant for this function to link
    /// (`None`: the generic `host-functions` capability).
    pub capability: Option<crate::sandbox::Capability>,
}

impl std::fmt::Debug for HostFunction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostFunction")
            .field("module", &self.module)
            .field("name", &self.name)
            .field("params", &self.params)
            .field("results", &self.results)
            .field("async", &matches!(self.func, HostFunc::Async(_)))
            .finish()
    }
}

impl HostFunction {
    /// A synchronous host function. The closure gets a [`HostCaller`]
    /// (memory access) and the lifted arguments, and returns the results or
    /// an error message (which traps the guest with a Host error).
    pub fn sync<F>(
        module: impl Into<String>,
        name: impl Into<String>,
        params: impl IntoIterator<Item = ParamType>,
        results: impl IntoIterator<Item = ParamType>,
        f: F,
    ) -> Self
    where
        F: Fn(&mut HostCaller<'_, '_>, Vec<Value>) -> Result<Vec<Value>, String> + Send + Sync + 'static,
    {
        Self {
            module: module.into(),
            name: name.into(),
            params: params.into_iter().collect(),
            results: results.into_iter().collect(),
            func: HostFunc::Sync(Arc::new(f)),
            capability: None,
        }
    }

    /// An async host function (the spec's `async: true`).
    pub fn new_async<F, Fut>(
        module: impl Into<String>,
        name: impl Into<String>,
        params: impl IntoIterator<Item = ParamType>,
        results: impl IntoIterator<Item = ParamType>,
        f: F,
    ) -> Self
    where
        F: Fn(Vec<Value>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Vec<Value>, String>> + Send + 'static,
    {
        Self {
            module: module.into(),
            name: name.into(),
            params: params.into_iter().collect(),
            results: results.into_iter().collect(),
            func: HostFunc::Async(Arc::new(move |args| Box::pin(f(args)))),
            capability: None,
        }
    }

    /// Tags the function with the capability a sandbox must grant for it
    /// (e.g. `Console` for a logger, `Network` for a fetch).
    pub fn with_capability(mut self, capability: crate::sandbox::Capability) -> Self {
        self.capability = Some(capability);
        self
    }

    /// `module.name`.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.module, self.name)
    }

    /// Whether this function is async.
    pub fn is_async(&self) -> bool {
        matches!(self.func, HostFunc::Async(_))
    }

    /// The core function type the import must have.
    pub fn func_type(&self, engine: &wasmtime::Engine) -> FuncType {
        let params: Vec<ValType> = self.params.iter().flat_map(|p| lower(*p)).collect();
        let results: Vec<ValType> = self.results.iter().map(|r| lower_result(*r)).collect();
        FuncType::new(engine, params, results)
    }
}

fn lower(p: ParamType) -> Vec<ValType> {
    match p {
        ParamType::Core(k) => vec![k.val_type()],
        ParamType::Abi(a) => a
            .lower_param()
            .iter()
            .map(|c| ValKind::from(*c).val_type())
            .collect(),
    }
}

fn lower_result(p: ParamType) -> ValType {
    match p {
        ParamType::Core(k) => k.val_type(),
        ParamType::Abi(a) => ValKind::from(a.lower_result()).val_type(),
    }
}

/// The calling instance, as a host function sees it.
pub struct HostCaller<'a, 'b> {
    pub(crate) caller: &'a mut Caller<'b, StoreState>,
}

impl HostCaller<'_, '_> {
    /// The id of the module whose instance called.
    pub fn module_id(&self) -> &str {
        &self.caller.data().module_id
    }

    fn memory(&mut self) -> Result<wasmtime::Memory, String> {
        match self.caller.get_export("memory") {
            Some(Extern::Memory(m)) => Ok(m),
            _ => Err("the calling module exports no `memory`".into()),
        }
    }

    /// Copies `len` bytes at `ptr` out of the caller's memory.
    pub fn read_memory(&mut self, ptr: u32, len: u32) -> Result<Vec<u8>, String> {
        let mem = self.memory()?;
        // Check the range before allocating: a hostile (ptr, len) must not
        // make the host allocate gigabytes.
        host_abi::check_range("an argument", ptr, len, mem.data_size(&*self.caller) as u64)
            .map_err(|e| e.to_string())?;
        let mut buf = vec![0; len as usize];
        mem.read(&mut *self.caller, ptr as usize, &mut buf)
            .map_err(|e| format!("reading an argument: {e}"))?;
        Ok(buf)
    }

    /// Reads UTF-8 text at `ptr`.
    pub fn read_string(&mut self, ptr: u32, len: u32) -> Result<String, String> {
        String::from_utf8(self.read_memory(ptr, len)?)
            .map_err(|_| "the guest's string is not UTF-8".to_string())
    }

    /// Writes bytes into the caller's memory at `ptr`.
    pub fn write_memory(&mut self, ptr: u32, bytes: &[u8]) -> Result<(), String> {
        let mem = self.memory()?;
        mem.write(&mut *self.caller, ptr as usize, bytes).map_err(|_| {
            format!(
                "writing {} bytes at {ptr} is outside the caller's memory",
                bytes.len()
            )
        })
    }

    /// Allocates guest memory through the caller's `echelon_alloc` and
    /// writes `bytes` there; returns the packed `(ptr << 32) | len`.
    pub fn give(&mut self, bytes: &[u8]) -> Result<i64, String> {
        if bytes.is_empty() {
            return Ok(0);
        }
        let alloc = self
            .caller
            .get_export("echelon_alloc")
            .and_then(Extern::into_func)
            .ok_or("the calling module exports no `echelon_alloc`; it cannot receive bytes")?
            .typed::<i32, i32>(&*self.caller)
            .map_err(|e| format!("`echelon_alloc` has the wrong type: {e}"))?;
        let len = host_abi::argument_len(bytes.len()).map_err(|e| e.to_string())? as i32;
        let ptr = alloc
            .call(&mut *self.caller, len)
            .map_err(|e| format!("echelon_alloc trapped: {e}"))?;
        self.place(ptr, bytes)
    }

    /// Writes `bytes` into the block `echelon_alloc` returned at `ptr`,
    /// after checking that block (0 is a failed allocation; it must lie in
    /// memory); returns the packed `(ptr << 32) | len`.
    pub(crate) fn place(&mut self, ptr: i32, bytes: &[u8]) -> Result<i64, String> {
        let len = host_abi::argument_len(bytes.len()).map_err(|e| e.to_string())?;
        let size = self.memory()?.data_size(&*self.caller) as u64;
        host_abi::check_allocation(ptr as u32, len, size).map_err(|e| e.to_string())?;
        self.write_memory(ptr as u32, bytes)?;
        Ok(pack(ptr as u32, len))
    }
}

/// Lifts raw parameters to [`Value`]s per the host function's signature.
pub(crate) fn lift_params(
    caller: &mut HostCaller<'_, '_>,
    params: &[ParamType],
    raw: &[Val],
) -> Result<Vec<Value>, String> {
    let mut out = Vec::with_capacity(params.len());
    let mut it = raw.iter();
    let mut next = || {
        it.next()
            .cloned()
            .ok_or_else(|| "too few raw arguments".to_string())
    };
    for p in params {
        match p {
            ParamType::Abi(a) if a.is_indirect() => {
                let ptr = next()?.i32().ok_or("pointer must be i32")? as u32;
                let len = next()?.i32().ok_or("length must be i32")? as u32;
                let bytes = caller.read_memory(ptr, len)?;
                out.push(match a {
                    AbiType::Bytes => Value::Bytes(bytes),
                    AbiType::String => {
                        Value::String(String::from_utf8(bytes).map_err(|_| "string argument is not UTF-8")?)
                    }
                    _ => Value::Json(
                        serde_json::from_slice(&bytes).map_err(|e| format!("json argument: {e}"))?,
                    ),
                });
            }
            _ => out.push(core_to_value(&next()?, *p)),
        }
    }
    Ok(out)
}

/// Converts one raw value of a known parameter type.
pub(crate) fn core_to_value(v: &Val, p: ParamType) -> Value {
    match (v, p) {
        (Val::I32(x), _) => Value::I32(*x),
        (Val::I64(x), _) => Value::I64(*x),
        (Val::F32(x), _) => Value::F32(f32::from_bits(*x)),
        (Val::F64(x), _) => Value::F64(f64::from_bits(*x)),
        (Val::V128(x), _) => Value::V128(x.as_u128().to_le_bytes()),
        (Val::FuncRef(f), _) => Value::FuncRef(f.map(|_| "<func>".to_string())),
        (Val::ExternRef(None), _) => Value::ExternRef(None),
        _ => Value::ExternRef(None),
    }
}

/// Lowers host results into raw result slots.
pub(crate) fn lower_results(
    caller: &mut HostCaller<'_, '_>,
    types: &[ParamType],
    values: Vec<Value>,
    out: &mut [Val],
) -> Result<(), String> {
    if values.len() != types.len() {
        return Err(format!(
            "returned {} result(s), the signature has {}",
            values.len(),
            types.len()
        ));
    }
    for (i, (ty, v)) in types.iter().zip(values).enumerate() {
        if !ty.accepts(&v) {
            return Err(format!("result {i} must be {}, got {}", ty.name(), v.type_name()));
        }
        out[i] = match v {
            Value::I32(x) => Val::I32(x),
            Value::I64(x) => Val::I64(x),
            Value::F32(x) => Val::F32(x.to_bits()),
            Value::F64(x) => Val::F64(x.to_bits()),
            Value::V128(b) => Val::V128(u128::from_le_bytes(b).into()),
            Value::Bytes(b) => Val::I64(caller.give(&b)?),
            Value::String(s) => Val::I64(caller.give(s.as_bytes())?),
            Value::Json(j) => Val::I64(caller.give(j.to_string().as_bytes())?),
            Value::FuncRef(_) | Value::ExternRef(_) => {
                return Err("host functions cannot return references".into());
            }
        };
    }
    Ok(())
}
