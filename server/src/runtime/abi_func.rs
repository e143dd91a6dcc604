//! Typed handles for exports that take or return strings and bytes through
//! the guest ABI: an export resolved once, called synchronously, with the
//! ABI's copies (allocate, write, call, read, free) done directly on the
//! instance.

use std::marker::PhantomData;
use std::time::Duration;

use echelon_shared::abi::host as host_abi;
use echelon_shared::abi::{AbiType, CoreType};
use parking_lot::Mutex;
use wasmtime::{Func, Val, ValType};

use super::instance::{AbiExports, LiveInstance};
use super::typed::HandleCore;
use super::WasmRuntime;
use crate::{Error, Result};

/// An export of a loaded module whose parameters and result include strings
/// or bytes, resolved once by [`WasmRuntime::abi_func`] and called
/// synchronously on the calling thread.
///
/// `P` names the parameters (one type, a tuple of them, or `()`), `R` the
/// result: `String` (passed as `&str`), `Vec<u8>` (passed as `&[u8]`),
/// `bool`, `i32`, `i64`, `f32`, `f64`, and `()` for no result. A string or
/// bytes parameter is copied into memory the guest allocates with
/// `echelon_alloc` and freed after the call; a string or bytes result is
/// copied out and freed, as [`WasmRuntime::execute`] does. Everything else
/// is as for [`TypedFunction`](super::TypedFunction): an instance of the
/// handle's own, calls one at a time, each bounded by the handle's timeout
/// and fuel, and the instance replaced after a trap that may have left it
/// inconsistent. A long call blocks its thread: from async code, call it
/// inside `spawn_blocking`.
///
/// ```no_run
/// # fn demo(rt: &echelon::WasmRuntime) -> echelon::Result<()> {
/// let reverse = rt.abi_func::<String, String>("text", "reverse")?;
/// assert_eq!(reverse.call("abc")?, "cba");
/// let resize = rt.abi_func::<(Vec<u8>, i32, i32), Vec<u8>>("images", "resize")?;
/// let _png: Vec<u8> = resize.call((&[0u8; 8][..], 64, 64))?;
/// # Ok(()) }
/// ```
pub struct AbiFunction<P, R> {
    core: HandleCore,
    /// The parameters' ABI types, in order.
    params: Vec<AbiType>,
    state: Mutex<Option<Bound>>,
    _signature: PhantomData<fn(P) -> R>,
}

impl<P, R> std::fmt::Debug for AbiFunction<P, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AbiFunction")
            .field("module", &self.core.module.id)
            .field("name", &self.core.name)
            .field("params", &self.params)
            .field("timeout", &self.core.timeout)
            .finish()
    }
}

/// The handle's instance and what its calls reuse.
struct Bound {
    live: LiveInstance,
    func: Func,
    abi: Option<AbiExports>,
    /// The lowered arguments of the current call.
    args: Vec<Val>,
    /// The core results of the current call (one or none).
    results: Vec<Val>,
    /// Argument blocks to free after the current call.
    owned: Vec<(i32, i32)>,
}

/// Why lowering an argument or lifting a result failed: a clean error, or a
/// trap of the guest's allocator (classified like a trap of the call).
#[doc(hidden)]
pub enum AbiFailure {
    Error(Error),
    Trap(wasmtime::Error),
}

impl From<Error> for AbiFailure {
    fn from(e: Error) -> Self {
        AbiFailure::Error(e)
    }
}

/// Where arguments are lowered to (see [`AbiParam`]).
#[doc(hidden)]
pub struct Lowering<'a> {
    live: &'a mut LiveInstance,
    abi: Option<&'a AbiExports>,
    args: &'a mut Vec<Val>,
    owned: &'a mut Vec<(i32, i32)>,
    name: &'a str,
}

impl Lowering<'_> {
    fn push(&mut self, v: Val) {
        self.args.push(v);
    }

    /// Copies `bytes` into a block the guest allocates and pushes its
    /// `(ptr, len)`; an empty buffer is `(0, 0)` without an allocation.
    fn bytes(&mut self, bytes: &[u8]) -> std::result::Result<(), AbiFailure> {
        let len =
            host_abi::argument_len(bytes.len()).map_err(|e| Error::type_error(self.name, e.to_string()))?;
        if len == 0 {
            self.args.extend([Val::I32(0), Val::I32(0)]);
            return Ok(());
        }
        let abi = self
            .abi
            .ok_or_else(|| Error::Engine("lowering bytes without the guest ABI".into()))?;
        let ptr = abi
            .alloc
            .call(&mut self.live.store, len as i32)
            .map_err(AbiFailure::Trap)?;
        let size = abi.memory.data_size(&self.live.store) as u64;
        host_abi::check_allocation(ptr as u32, len, size).map_err(|e| match e {
            host_abi::HostAbiError::AllocFailed { .. } => Error::Memory {
                module: self.live.store.data().module_id.to_string(),
                message: e.to_string(),
            },
            _ => Error::Engine(e.to_string()),
        })?;
        // The block is checked to lie inside the memory: the write cannot fail.
        abi.memory
            .write(&mut self.live.store, ptr as usize, bytes)
            .map_err(|e| Error::Engine(format!("writing an argument: {e}")))?;
        self.owned.push((ptr, len as i32));
        self.args.extend([Val::I32(ptr), Val::I32(len as i32)]);
        Ok(())
    }
}

/// Where a result is read from (see [`AbiResult`]).
#[doc(hidden)]
pub struct Lifting<'a> {
    live: &'a mut LiveInstance,
    abi: Option<&'a AbiExports>,
    name: &'a str,
}

impl Lifting<'_> {
    /// Copies out and frees the block a packed `i64` result names.
    fn bytes(&mut self, v: Option<&Val>) -> std::result::Result<Vec<u8>, AbiFailure> {
        let packed = v
            .and_then(Val::i64)
            .ok_or_else(|| Error::type_error(self.name, "a packed string or bytes result must be an i64"))?;
        let Some(abi) = self.abi else {
            return Err(Error::Engine("lifting bytes without the guest ABI".into()).into());
        };
        // Checked before allocating: a hostile packed result must not make
        // the host allocate up to 4 GiB.
        let range = host_abi::result_range(packed, abi.memory.data_size(&self.live.store) as u64)
            .map_err(|e| Error::type_error(self.name, e.to_string()))?;
        let Some((ptr, len)) = range else {
            return Ok(Vec::new());
        };
        let mut buf = vec![0; len as usize];
        abi.memory
            .read(&self.live.store, ptr as usize, &mut buf)
            .map_err(|e| Error::type_error(self.name, e.to_string()))?;
        abi.free
            .call(&mut self.live.store, (ptr as i32, len as i32))
            .map_err(AbiFailure::Trap)?;
        Ok(buf)
    }
}

mod sealed {
    pub trait Sealed {}
}

/// One parameter of an [`AbiFunction`]: `String`, `Vec<u8>`, `bool`, `i32`,
/// `i64`, `f32` or `f64`.
pub trait AbiParam: sealed::Sealed {
    /// What a call passes for it: `&str` for `String`, `&[u8]` for
    /// `Vec<u8>`, the value itself otherwise.
    type Arg<'a>;
    /// Its type in the guest ABI.
    const TYPE: AbiType;
    #[doc(hidden)]
    fn lower(arg: Self::Arg<'_>, cx: &mut Lowering<'_>) -> std::result::Result<(), AbiFailure>;
}

/// The parameters of an [`AbiFunction`]: one [`AbiParam`], a tuple of up to
/// six, or `()`.
pub trait AbiParams: sealed::Sealed {
    /// What a call passes: the parameters' [`AbiParam::Arg`]s, as a tuple
    /// when there are several.
    type Args<'a>;
    #[doc(hidden)]
    fn types(out: &mut Vec<AbiType>);
    #[doc(hidden)]
    fn lower(args: Self::Args<'_>, cx: &mut Lowering<'_>) -> std::result::Result<(), AbiFailure>;
}

/// The result of an [`AbiFunction`]: `String`, `Vec<u8>`, `bool`, `i32`,
/// `i64`, `f32`, `f64` or `()`.
pub trait AbiResult: sealed::Sealed + Sized {
    /// Its type in the guest ABI (`None` for no result).
    const TYPE: Option<AbiType>;
    #[doc(hidden)]
    fn lift(v: Option<&Val>, cx: &mut Lifting<'_>) -> std::result::Result<Self, AbiFailure>;
}

macro_rules! number {
    ($t:ty, $abi:ident, $val:ident, $to:expr, $from:expr) => {
        impl sealed::Sealed for $t {}
        impl AbiParam for $t {
            type Arg<'a> = $t;
            const TYPE: AbiType = AbiType::$abi;
            fn lower(arg: $t, cx: &mut Lowering<'_>) -> std::result::Result<(), AbiFailure> {
                cx.push(Val::$val($to(arg)));
                Ok(())
            }
        }
        impl AbiResult for $t {
            const TYPE: Option<AbiType> = Some(AbiType::$abi);
            fn lift(v: Option<&Val>, cx: &mut Lifting<'_>) -> std::result::Result<Self, AbiFailure> {
                match v {
                    Some(Val::$val(x)) => Ok($from(*x)),
                    _ => {
                        Err(Error::type_error(cx.name, concat!("the result is not ", stringify!($t))).into())
                    }
                }
            }
        }
    };
}

number!(i32, I32, I32, |x| x, |x| x);
number!(i64, I64, I64, |x| x, |x| x);
number!(f32, F32, F32, f32::to_bits, f32::from_bits);
number!(f64, F64, F64, f64::to_bits, f64::from_bits);
number!(bool, Bool, I32, i32::from, |x: i32| x != 0);

impl sealed::Sealed for String {}
impl AbiParam for String {
    type Arg<'a> = &'a str;
    const TYPE: AbiType = AbiType::String;
    fn lower(arg: &str, cx: &mut Lowering<'_>) -> std::result::Result<(), AbiFailure> {
        cx.bytes(arg.as_bytes())
    }
}
impl AbiResult for String {
    const TYPE: Option<AbiType> = Some(AbiType::String);
    fn lift(v: Option<&Val>, cx: &mut Lifting<'_>) -> std::result::Result<Self, AbiFailure> {
        let bytes = cx.bytes(v)?;
        host_abi::result_text(AbiType::String, bytes)
            .map_err(|e| Error::type_error(cx.name, e.to_string()).into())
    }
}

impl sealed::Sealed for Vec<u8> {}
impl AbiParam for Vec<u8> {
    type Arg<'a> = &'a [u8];
    const TYPE: AbiType = AbiType::Bytes;
    fn lower(arg: &[u8], cx: &mut Lowering<'_>) -> std::result::Result<(), AbiFailure> {
        cx.bytes(arg)
    }
}
impl AbiResult for Vec<u8> {
    const TYPE: Option<AbiType> = Some(AbiType::Bytes);
    fn lift(v: Option<&Val>, cx: &mut Lifting<'_>) -> std::result::Result<Self, AbiFailure> {
        cx.bytes(v)
    }
}

impl sealed::Sealed for () {}
impl AbiResult for () {
    const TYPE: Option<AbiType> = None;
    fn lift(_: Option<&Val>, _: &mut Lifting<'_>) -> std::result::Result<Self, AbiFailure> {
        Ok(())
    }
}
impl AbiParams for () {
    type Args<'a> = ();
    fn types(_: &mut Vec<AbiType>) {}
    fn lower(_: (), _: &mut Lowering<'_>) -> std::result::Result<(), AbiFailure> {
        Ok(())
    }
}

impl<T: AbiParam> AbiParams for T {
    type Args<'a> = T::Arg<'a>;
    fn types(out: &mut Vec<AbiType>) {
        out.push(T::TYPE);
    }
    fn lower(args: T::Arg<'_>, cx: &mut Lowering<'_>) -> std::result::Result<(), AbiFailure> {
        T::lower(args, cx)
    }
}

macro_rules! tuple {
    ($($t:ident $a:ident),+) => {
        impl<$($t: AbiParam),+> sealed::Sealed for ($($t,)+) {}
        impl<$($t: AbiParam),+> AbiParams for ($($t,)+) {
            type Args<'a> = ($($t::Arg<'a>,)+);
            fn types(out: &mut Vec<AbiType>) {
                $(out.push($t::TYPE);)+
            }
            fn lower(args: Self::Args<'_>, cx: &mut Lowering<'_>) -> std::result::Result<(), AbiFailure> {
                let ($($a,)+) = args;
                $($t::lower($a, cx)?;)+
                Ok(())
            }
        }
    };
}

tuple!(A a);
tuple!(A a, B b);
tuple!(A a, B b, C c);
tuple!(A a, B b, C c, D d);
tuple!(A a, B b, C c, D d, E e);
tuple!(A a, B b, C c, D d, E e, F f);

impl WasmRuntime {
    /// Resolves export `name` of module `module_id` as a function taking
    /// `P` and returning `R` through the guest ABI (strings and bytes as
    /// `(ptr, len)` in, a packed `i64` out), in an instance of its own.
    ///
    /// Fails with a Type error when the export's core signature is not the
    /// lowered form of `P -> R`, when its `echelon:abi` section declares
    /// other types (a `string` may be taken as `Vec<u8>`, a `json` as
    /// `String` or `Vec<u8>`, a `bool` as `i32`), when strings or bytes
    /// are asked of a module without `memory`, `echelon_alloc` and
    /// `echelon_free`, and when the module imports async host functions
    /// (call those with [`WasmRuntime::execute`]).
    pub fn abi_func<P: AbiParams, R: AbiResult>(
        &self,
        module_id: &str,
        name: &str,
    ) -> Result<AbiFunction<P, R>> {
        let mut params = Vec::new();
        P::types(&mut params);
        let handle = AbiFunction {
            core: HandleCore::new(self, module_id, name)?,
            params,
            state: Mutex::new(None),
            _signature: PhantomData,
        };
        handle.check_section::<R>()?;
        *handle.state.lock() = Some(handle.bind::<R>()?);
        Ok(handle)
    }
}

/// Whether a handle's `asked` type may stand for a `declared` one.
fn compatible(asked: AbiType, declared: AbiType) -> bool {
    asked == declared
        || matches!(
            (asked, declared),
            (AbiType::String, AbiType::Json)
                | (AbiType::Bytes, AbiType::String | AbiType::Json)
                | (AbiType::I32, AbiType::Bool)
        )
}

fn core_val_type(t: CoreType) -> ValType {
    match t {
        CoreType::I32 => ValType::I32,
        CoreType::I64 => ValType::I64,
        CoreType::F32 => ValType::F32,
        CoreType::F64 => ValType::F64,
    }
}

fn describe(params: &[AbiType], result: Option<AbiType>) -> String {
    let params: Vec<&str> = params.iter().map(|t| t.name()).collect();
    format!(
        "({}) -> {}",
        params.join(", "),
        result.map_or("()", AbiType::name)
    )
}

impl<P: AbiParams, R: AbiResult> AbiFunction<P, R> {
    /// Sets the time limit of each call (still capped by the runtime's
    /// `max_timeout`).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.core.set_timeout(timeout);
        self
    }

    /// Gives each call a new instance of its own, dropped when the call
    /// returns (see [`TypedFunction::with_fresh_instances`](super::TypedFunction::with_fresh_instances)).
    pub fn with_fresh_instances(mut self) -> Self {
        self.core.fresh = true;
        self
    }

    /// Calls the export with `args`.
    pub fn call(&self, args: P::Args<'_>) -> Result<R> {
        let mut state = self.state.lock();
        if state.is_none() {
            *state = Some(self.bind::<R>()?);
        }
        let Some(b) = state.as_mut() else {
            return Err(Error::Engine("the handle's instance vanished".into()));
        };
        self.core.arm(&mut b.live);
        b.args.clear();
        b.owned.clear();
        let name = self.core.name.as_str();
        let lowered = P::lower(
            args,
            &mut Lowering {
                live: &mut b.live,
                abi: b.abi.as_ref(),
                args: &mut b.args,
                owned: &mut b.owned,
                name,
            },
        );
        let outcome = match lowered {
            Ok(()) => match b.func.call(&mut b.live.store, &b.args, &mut b.results) {
                Ok(()) => R::lift(
                    b.results.first(),
                    &mut Lifting {
                        live: &mut b.live,
                        abi: b.abi.as_ref(),
                        name,
                    },
                ),
                Err(trap) => Err(AbiFailure::Trap(trap)),
            },
            Err(failure) => Err(failure),
        };
        let (mut result, reusable) = match outcome {
            Ok(r) => (Ok(r), true),
            Err(AbiFailure::Error(e)) => (Err(e), true),
            Err(AbiFailure::Trap(trap)) => {
                let (e, reusable) = self.core.trapped(&mut b.live, trap);
                (Err(e), reusable)
            }
        };
        // A plugin's key-value writes are committed only when it succeeded.
        if let Err(e) = b.live.finish_plugin_call_sync(result.is_ok()) {
            result = Err(e);
        }
        // Free the arguments unless the instance is being discarded (after
        // an unclean trap its allocator may be mid-update). A free that
        // traps (the call used up its time or fuel) discards the instance;
        // the call's own result stands.
        let mut freed = true;
        if reusable {
            if let Some(abi) = &b.abi {
                for &(ptr, len) in &b.owned {
                    freed &= abi.free.call(&mut b.live.store, (ptr, len)).is_ok();
                }
            }
        }
        if !reusable || !freed || self.core.fresh {
            *state = None;
        }
        result
    }

    /// Checks the handle's types against the export's `echelon:abi`
    /// signature, when the module has one.
    fn check_section<Res: AbiResult>(&self) -> Result<()> {
        let Some(sig) = self
            .core
            .module
            .funcs
            .get(&self.core.name)
            .and_then(|s| s.abi.as_ref())
        else {
            return Ok(());
        };
        let declared: Vec<AbiType> = sig.params.iter().map(|p| p.ty).collect();
        let params_ok = declared.len() == self.params.len()
            && self.params.iter().zip(&declared).all(|(a, d)| compatible(*a, *d));
        let result_ok = match (Res::TYPE, sig.result) {
            (None, None) => true,
            (Some(a), Some(d)) => compatible(a, d),
            _ => false,
        };
        if params_ok && result_ok {
            return Ok(());
        }
        Err(Error::type_error(
            &self.core.name,
            format!(
                "`{}.{}` is {} by its echelon:abi section; the handle asked for {}",
                self.core.module.id,
                self.core.name,
                describe(&declared, sig.result),
                describe(&self.params, Res::TYPE)
            ),
        ))
    }

    /// A new instance of the module, its export checked against the
    /// lowered signature, and its ABI exports.
    fn bind<Res: AbiResult>(&self) -> Result<Bound> {
        let (live, func) = self.core.instantiate()?;
        let want_params: Vec<ValType> = self
            .params
            .iter()
            .flat_map(|t| t.lower_param().iter().map(|c| core_val_type(*c)))
            .collect();
        let want_results: Vec<ValType> = Res::TYPE
            .map(|t| core_val_type(t.lower_result()))
            .into_iter()
            .collect();
        let ty = func.ty(&live.store);
        let same = |a: &mut dyn ExactSizeIterator<Item = ValType>, b: &[ValType]| {
            a.len() == b.len() && a.zip(b).all(|(x, y)| ValType::eq(&x, y))
        };
        if !same(&mut ty.params(), &want_params) || !same(&mut ty.results(), &want_results) {
            let lowered: Vec<String> = want_params.iter().map(|t| t.to_string()).collect();
            let results: Vec<String> = want_results.iter().map(|t| t.to_string()).collect();
            return Err(self.core.mismatch(
                &live,
                &func,
                &format!(
                    "{}, lowered to ({}) -> ({})",
                    describe(&self.params, Res::TYPE),
                    lowered.join(", "),
                    results.join(", ")
                ),
            ));
        }
        let indirect =
            self.params.iter().any(|t| t.is_indirect()) || Res::TYPE.is_some_and(AbiType::is_indirect);
        let abi = match live.abi_exports() {
            Some(abi) => Some(abi.clone()),
            None if indirect => {
                return Err(Error::type_error(
                    &self.core.name,
                    format!(
                        "module `{}` does not implement the guest ABI (memory, echelon_alloc, echelon_free), so it \
                         cannot take or return strings or bytes",
                        self.core.module.id
                    ),
                ))
            }
            None => None,
        };
        Ok(Bound {
            live,
            func,
            abi,
            args: Vec::with_capacity(want_params.len()),
            results: want_results.iter().map(|_| Val::I32(0)).collect(),
            owned: Vec::new(),
        })
    }
}
