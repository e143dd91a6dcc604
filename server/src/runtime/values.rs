//! The value bridge between Rust and WebAssembly (the spec's "Type System
//! Bridge").
//!
//! Numbers map one to one onto core WebAssembly values. `Bytes`, `String`
//! and `Json` cross through the guest ABI (see `echelon_shared::abi`): they
//! are accepted where an export's `echelon:abi` signature says so. `FuncRef`
//! names an export of the same instance; `ExternRef` carries a JSON value
//! owned by the host.

use echelon_shared::abi::{AbiType, CoreType};
use serde::{Deserialize, Serialize};
use wasmtime::ValType;

use crate::{Error, Result};

/// A value passed to or returned from a WebAssembly function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum Value {
    /// `i32`
    I32(i32),
    /// `i64`
    I64(i64),
    /// `f32`
    F32(f32),
    /// `f64`
    F64(f64),
    /// `v128`, little-endian lanes.
    V128([u8; 16]),
    /// A `funcref`: the name of an export of the same instance, or `None`
    /// for null. Results that are not exports are reported by signature.
    FuncRef(Option<String>),
    /// An `externref`: a host-owned JSON value, or `None` for null.
    ExternRef(Option<serde_json::Value>),
    /// Bytes through the guest ABI.
    Bytes(Vec<u8>),
    /// UTF-8 text through the guest ABI.
    String(String),
    /// JSON through the guest ABI (serialized on the way in, parsed on the
    /// way out).
    Json(serde_json::Value),
}

impl Value {
    /// A short name of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::I32(_) => "i32",
            Value::I64(_) => "i64",
            Value::F32(_) => "f32",
            Value::F64(_) => "f64",
            Value::V128(_) => "v128",
            Value::FuncRef(_) => "funcref",
            Value::ExternRef(_) => "externref",
            Value::Bytes(_) => "bytes",
            Value::String(_) => "string",
            Value::Json(_) => "json",
        }
    }

    /// Converts a JSON argument (as the HTTP API receives them) to the value
    /// a parameter of `ty` expects. Integers must be integral and in range;
    /// `i64` also accepts a decimal string, since JSON numbers lose
    /// precision past 2^53.
    pub fn from_json(json: &serde_json::Value, ty: ParamType) -> std::result::Result<Value, String> {
        use serde_json::Value as J;
        let num = || {
            json.as_f64()
                .ok_or_else(|| format!("expected a number, got {json}"))
        };
        Ok(match ty {
            ParamType::Core(ValKind::I32) | ParamType::Abi(AbiType::I32) => {
                let v = json
                    .as_i64()
                    .ok_or_else(|| format!("expected an integer, got {json}"))?;
                // Accept the unsigned range too: u32 values are common in JSON.
                if let Ok(x) = i32::try_from(v) {
                    Value::I32(x)
                } else if let Ok(x) = u32::try_from(v) {
                    Value::I32(x as i32)
                } else {
                    return Err(format!("{v} does not fit in i32"));
                }
            }
            ParamType::Abi(AbiType::Bool) => match json {
                J::Bool(b) => Value::I32(i32::from(*b)),
                _ => return Err(format!("expected true or false, got {json}")),
            },
            ParamType::Core(ValKind::I64) | ParamType::Abi(AbiType::I64) => match json {
                J::String(s) => Value::I64(s.parse().map_err(|_| format!("`{s}` is not an i64"))?),
                _ => Value::I64(
                    json.as_i64()
                        .ok_or_else(|| format!("expected an integer, got {json}"))?,
                ),
            },
            ParamType::Core(ValKind::F32) | ParamType::Abi(AbiType::F32) => Value::F32(num()? as f32),
            ParamType::Core(ValKind::F64) | ParamType::Abi(AbiType::F64) => Value::F64(num()?),
            ParamType::Core(ValKind::V128) => {
                let arr = json.as_array().ok_or("expected an array of 16 bytes")?;
                let bytes: Vec<u8> = arr
                    .iter()
                    .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                    .collect::<Option<_>>()
                    .ok_or("v128 lanes must be bytes 0..=255")?;
                Value::V128(bytes.try_into().map_err(|_| "expected exactly 16 bytes")?)
            }
            ParamType::Core(ValKind::FuncRef) => match json {
                J::Null => Value::FuncRef(None),
                J::String(s) => Value::FuncRef(Some(s.clone())),
                _ => return Err("expected an export name or null".into()),
            },
            ParamType::Core(ValKind::ExternRef) => match json {
                J::Null => Value::ExternRef(None),
                other => Value::ExternRef(Some(other.clone())),
            },
            ParamType::Abi(AbiType::String) => match json {
                J::String(s) => Value::String(s.clone()),
                _ => return Err(format!("expected a string, got {json}")),
            },
            ParamType::Abi(AbiType::Json) => Value::Json(json.clone()),
            ParamType::Abi(AbiType::Bytes) => match json {
                J::String(s) => {
                    use base64::Engine as _;
                    Value::Bytes(
                        base64::engine::general_purpose::STANDARD
                            .decode(s)
                            .map_err(|e| format!("bytes are passed as base64: {e}"))?,
                    )
                }
                J::Array(a) => Value::Bytes(
                    a.iter()
                        .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                        .collect::<Option<_>>()
                        .ok_or("byte arrays hold integers 0..=255")?,
                ),
                _ => return Err("expected base64 text or an array of bytes".into()),
            },
        })
    }

    /// The value as JSON, the HTTP API's result form: numbers as numbers
    /// (`i64` beyond 2^53 as a string), bytes as base64, JSON as itself.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Value::I32(v) => json!(v),
            Value::I64(v) if v.unsigned_abs() <= 1 << 53 => json!(v),
            Value::I64(v) => json!(v.to_string()),
            Value::F32(v) => json!(v),
            Value::F64(v) => json!(v),
            Value::V128(b) => json!(b),
            Value::FuncRef(f) => json!(f),
            Value::ExternRef(e) => e.clone().unwrap_or(serde_json::Value::Null),
            Value::Bytes(b) => {
                use base64::Engine as _;
                json!(base64::engine::general_purpose::STANDARD.encode(b))
            }
            Value::String(s) => json!(s),
            Value::Json(j) => j.clone(),
        }
    }
}

/// The kind of a core WebAssembly value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValKind {
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `v128`
    V128,
    /// `funcref`
    FuncRef,
    /// `externref`
    ExternRef,
}

impl ValKind {
    /// The kind of a wasmtime value type; `None` for GC types Echelon does
    /// not bridge (anyref, structs, arrays, exnref, contref).
    pub fn of(ty: &ValType) -> Option<Self> {
        Some(match ty {
            ValType::I32 => ValKind::I32,
            ValType::I64 => ValKind::I64,
            ValType::F32 => ValKind::F32,
            ValType::F64 => ValKind::F64,
            ValType::V128 => ValKind::V128,
            ValType::Ref(r) if r.heap_type().is_func() => ValKind::FuncRef,
            ValType::Ref(r) if r.heap_type().is_extern() => ValKind::ExternRef,
            ValType::Ref(_) => return None,
        })
    }

    /// A value of this kind to be overwritten (a call's result slot): zero,
    /// or a null reference.
    pub(crate) fn placeholder(self) -> wasmtime::Val {
        match self {
            ValKind::I32 => wasmtime::Val::I32(0),
            ValKind::I64 => wasmtime::Val::I64(0),
            ValKind::F32 => wasmtime::Val::F32(0),
            ValKind::F64 => wasmtime::Val::F64(0),
            ValKind::V128 => wasmtime::Val::V128(0u128.into()),
            ValKind::FuncRef => wasmtime::Val::FuncRef(None),
            ValKind::ExternRef => wasmtime::Val::ExternRef(None),
        }
    }

    /// The wasmtime value type of this kind (nullable references).
    pub fn val_type(self) -> ValType {
        match self {
            ValKind::I32 => ValType::I32,
            ValKind::I64 => ValType::I64,
            ValKind::F32 => ValType::F32,
            ValKind::F64 => ValType::F64,
            ValKind::V128 => ValType::V128,
            ValKind::FuncRef => ValType::FUNCREF,
            ValKind::ExternRef => ValType::EXTERNREF,
        }
    }

    /// The name in WebAssembly text.
    pub fn name(self) -> &'static str {
        match self {
            ValKind::I32 => "i32",
            ValKind::I64 => "i64",
            ValKind::F32 => "f32",
            ValKind::F64 => "f64",
            ValKind::V128 => "v128",
            ValKind::FuncRef => "funcref",
            ValKind::ExternRef => "externref",
        }
    }
}

impl From<CoreType> for ValKind {
    fn from(c: CoreType) -> Self {
        match c {
            CoreType::I32 => ValKind::I32,
            CoreType::I64 => ValKind::I64,
            CoreType::F32 => ValKind::F32,
            CoreType::F64 => ValKind::F64,
        }
    }
}

/// What one high-level parameter expects: a core type (modules without an
/// `echelon:abi` entry for the export) or an ABI type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// A core value.
    Core(ValKind),
    /// A guest-ABI value.
    Abi(AbiType),
}

impl ParamType {
    /// The type's name.
    pub fn name(self) -> &'static str {
        match self {
            ParamType::Core(k) => k.name(),
            ParamType::Abi(a) => a.name(),
        }
    }

    /// Whether `v` can be passed as this type. `String` is accepted for
    /// `json` (as raw JSON text) and `Bytes` for `string` when it is UTF-8.
    pub fn accepts(self, v: &Value) -> bool {
        matches!(
            (self, v),
            (
                ParamType::Core(ValKind::I32) | ParamType::Abi(AbiType::I32 | AbiType::Bool),
                Value::I32(_)
            ) | (
                ParamType::Core(ValKind::I64) | ParamType::Abi(AbiType::I64),
                Value::I64(_)
            ) | (
                ParamType::Core(ValKind::F32) | ParamType::Abi(AbiType::F32),
                Value::F32(_)
            ) | (
                ParamType::Core(ValKind::F64) | ParamType::Abi(AbiType::F64),
                Value::F64(_)
            ) | (ParamType::Core(ValKind::V128), Value::V128(_))
                | (ParamType::Core(ValKind::FuncRef), Value::FuncRef(_))
                | (ParamType::Core(ValKind::ExternRef), Value::ExternRef(_))
                | (ParamType::Abi(AbiType::Bytes), Value::Bytes(_))
                | (ParamType::Abi(AbiType::String), Value::String(_))
                | (ParamType::Abi(AbiType::Json), Value::Json(_) | Value::String(_))
        ) || matches!((self, v), (ParamType::Abi(AbiType::String), Value::Bytes(b)) if std::str::from_utf8(b).is_ok())
    }
}

/// Conversion of a call's results into the caller's `T` of
/// `execute::<T>`.
pub trait FromResults: Sized {
    /// Builds `Self` from the lifted results, or explains the mismatch.
    fn from_results(values: Vec<Value>) -> std::result::Result<Self, String>;
}

fn single(mut values: Vec<Value>) -> std::result::Result<Value, String> {
    match values.len() {
        1 => Ok(values.remove(0)),
        n => Err(format!("expected one result, the function returns {n}")),
    }
}

macro_rules! from_results {
    ($t:ty, $($pat:pat => $e:expr),+) => {
        impl FromResults for $t {
            fn from_results(values: Vec<Value>) -> std::result::Result<Self, String> {
                match single(values)? {
                    $($pat => Ok($e),)+
                    other => Err(format!("cannot read a {} result as {}", other.type_name(), stringify!($t))),
                }
            }
        }
    };
}

from_results!(i32, Value::I32(v) => v);
from_results!(u32, Value::I32(v) => v as u32);
from_results!(i64, Value::I64(v) => v, Value::I32(v) => i64::from(v));
from_results!(u64, Value::I64(v) => v as u64);
from_results!(f32, Value::F32(v) => v);
from_results!(f64, Value::F64(v) => v, Value::F32(v) => f64::from(v));
from_results!(bool, Value::I32(v) => v != 0);
from_results!([u8; 16], Value::V128(v) => v);
from_results!(Vec<u8>, Value::Bytes(v) => v, Value::String(s) => s.into_bytes());
from_results!(String, Value::String(s) => s, Value::Json(j) => j.to_string());
from_results!(serde_json::Value, Value::Json(j) => j, Value::String(s) => serde_json::Value::String(s));

impl FromResults for Value {
    fn from_results(values: Vec<Value>) -> std::result::Result<Self, String> {
        single(values)
    }
}

impl FromResults for Vec<Value> {
    fn from_results(values: Vec<Value>) -> std::result::Result<Self, String> {
        Ok(values)
    }
}

impl FromResults for () {
    fn from_results(values: Vec<Value>) -> std::result::Result<Self, String> {
        if values.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "expected no results, the function returns {}",
                values.len()
            ))
        }
    }
}

macro_rules! into_value {
    ($($t:ty => $v:ident $(as $c:ty)?),+) => {
        $(impl From<$t> for Value {
            fn from(x: $t) -> Self { Value::$v(x $(as $c)?) }
        })+
    };
}

into_value!(i32 => I32, u32 => I32 as i32, i64 => I64, u64 => I64 as i64, f32 => F32, f64 => F64,
    Vec<u8> => Bytes, String => String, serde_json::Value => Json);

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::I32(i32::from(b))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}

impl From<&[u8]> for Value {
    fn from(b: &[u8]) -> Self {
        Value::Bytes(b.to_vec())
    }
}

/// Builds an argument list from Rust values: `args![5, 3]`.
#[macro_export]
macro_rules! args {
    ($($v:expr),* $(,)?) => { vec![$($crate::runtime::Value::from($v)),*] };
}

pub(crate) fn check_args(function: &str, params: &[ParamType], args: &[Value]) -> Result<()> {
    if params.len() != args.len() {
        return Err(Error::type_error(
            function,
            format!(
                "expected {} argument(s) ({}), got {}",
                params.len(),
                params.iter().map(|p| p.name()).collect::<Vec<_>>().join(", "),
                args.len()
            ),
        ));
    }
    for (i, (p, a)) in params.iter().zip(args).enumerate() {
        if !p.accepts(a) {
            return Err(Error::type_error(
                function,
                format!("argument {i} must be {}, got {}", p.name(), a.type_name()),
            ));
        }
    }
    Ok(())
}
