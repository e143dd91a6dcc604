//! Argument and result conversions of the registry's dynamic native calls
//! (see [`crate::registry`]): JSON in the HTTP API's conventions, reduced to
//! the same core values or bytes the guest would receive, then converted by
//! the same code the guest runs.

use std::fmt::Display;

use base64::Engine as _;
use serde::Serialize;
use serde_json::Value;

use crate::convert::FromAbiBytes;
use crate::registry::CallError;
use crate::scalar::{invalid, Scalar};
use crate::Json;

/// Checks the argument count.
pub fn arity(args: &[Value], expected: usize) -> Result<(), CallError> {
    if args.len() == expected {
        Ok(())
    } else {
        Err(CallError::Arguments(format!(
            "expected {expected} argument(s), got {}",
            args.len()
        )))
    }
}

/// One argument, as the guest would read it.
pub fn arg<T: NativeArg>(value: &Value, name: &str) -> Result<T, CallError> {
    T::from_json(value, name)
}

/// An argument of a dynamic native call.
pub trait NativeArg: Sized {
    /// Converts a JSON argument.
    fn from_json(value: &Value, name: &str) -> Result<Self, CallError>;
}

fn shape(name: &str, what: &str, value: &Value) -> CallError {
    CallError::Arguments(format!("argument `{name}` must be {what}, got {value}"))
}

/// A core value from JSON, with the server runtime's rules.
trait CoreFromJson: Sized {
    fn core_from_json(value: &Value, name: &str) -> Result<Self, CallError>;
}

impl CoreFromJson for i32 {
    fn core_from_json(value: &Value, name: &str) -> Result<Self, CallError> {
        let v = value.as_i64().ok_or_else(|| shape(name, "an integer", value))?;
        // As the runtime: the unsigned range is accepted too (its bits).
        i32::try_from(v)
            .or_else(|_| u32::try_from(v).map(|x| x as i32))
            .map_err(|_| shape(name, "an integer that fits 32 bits", value))
    }
}

impl CoreFromJson for i64 {
    fn core_from_json(value: &Value, name: &str) -> Result<Self, CallError> {
        match value {
            Value::String(s) => s.parse().map_err(|_| shape(name, "an i64", value)),
            _ => value.as_i64().ok_or_else(|| shape(name, "an integer", value)),
        }
    }
}

impl CoreFromJson for f32 {
    fn core_from_json(value: &Value, name: &str) -> Result<Self, CallError> {
        value
            .as_f64()
            .map(|v| v as f32)
            .ok_or_else(|| shape(name, "a number", value))
    }
}

impl CoreFromJson for f64 {
    fn core_from_json(value: &Value, name: &str) -> Result<Self, CallError> {
        value.as_f64().ok_or_else(|| shape(name, "a number", value))
    }
}

macro_rules! scalar_args {
    ($($t:ty),*) => {$(
        impl NativeArg for $t {
            fn from_json(value: &Value, name: &str) -> Result<Self, CallError> {
                let core = <<$t as Scalar>::Core as CoreFromJson>::core_from_json(value, name)?;
                <$t as Scalar>::from_core(core).map_err(|r| CallError::Refused(invalid(name, r)))
            }
        }
    )*};
}
scalar_args!(i8, i16, i32, i64, u8, u16, u32, u64, isize, usize, f32, f64);

impl NativeArg for bool {
    fn from_json(value: &Value, name: &str) -> Result<Self, CallError> {
        value.as_bool().ok_or_else(|| shape(name, "true or false", value))
    }
}

impl NativeArg for String {
    fn from_json(value: &Value, name: &str) -> Result<Self, CallError> {
        value
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| shape(name, "a string", value))
    }
}

impl NativeArg for Vec<u8> {
    fn from_json(value: &Value, name: &str) -> Result<Self, CallError> {
        match value {
            Value::String(s) => base64::engine::general_purpose::STANDARD
                .decode(s)
                .map_err(|e| CallError::Arguments(format!("argument `{name}`: bytes are base64: {e}"))),
            Value::Array(a) => a
                .iter()
                .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                .collect::<Option<_>>()
                .ok_or_else(|| shape(name, "an array of bytes 0..=255", value)),
            _ => Err(shape(name, "base64 text or an array of bytes", value)),
        }
    }
}

/// `Json<T>` and `Option<T>`: the JSON text the guest would get, read by
/// the guest's own conversion.
fn via_text<T: FromAbiBytes>(value: &Value, name: &str) -> Result<T, CallError> {
    let text = value.to_string();
    T::from_abi_bytes(text.as_bytes()).map_err(|r| CallError::Refused(invalid(name, r)))
}

impl<T: serde::de::DeserializeOwned> NativeArg for Json<T> {
    fn from_json(value: &Value, name: &str) -> Result<Self, CallError> {
        via_text(value, name)
    }
}

impl<T: serde::de::DeserializeOwned> NativeArg for Option<T> {
    fn from_json(value: &Value, name: &str) -> Result<Self, CallError> {
        via_text(value, name)
    }
}

/// A result of a dynamic native call, as the server runtime's JSON.
pub trait NativeResult {
    /// Converts.
    fn into_json(self) -> Result<Value, CallError>;
}

impl NativeResult for () {
    fn into_json(self) -> Result<Value, CallError> {
        Ok(Value::Null)
    }
}

trait CoreToJson {
    fn core_to_json(self) -> Value;
}

impl CoreToJson for i32 {
    fn core_to_json(self) -> Value {
        Value::from(self)
    }
}

impl CoreToJson for i64 {
    fn core_to_json(self) -> Value {
        if self.unsigned_abs() <= 1 << 53 {
            Value::from(self)
        } else {
            Value::from(self.to_string())
        }
    }
}

impl CoreToJson for f32 {
    fn core_to_json(self) -> Value {
        serde_json::json!(self)
    }
}

impl CoreToJson for f64 {
    fn core_to_json(self) -> Value {
        serde_json::json!(self)
    }
}

macro_rules! scalar_results {
    ($($t:ty),*) => {$(
        impl NativeResult for $t {
            fn into_json(self) -> Result<Value, CallError> {
                Ok(CoreToJson::core_to_json(Scalar::into_core(self)))
            }
        }
    )*};
}
scalar_results!(i8, i16, i32, i64, u8, u16, u32, u64, isize, usize, f32, f64, bool);

impl NativeResult for String {
    fn into_json(self) -> Result<Value, CallError> {
        Ok(Value::String(self))
    }
}

impl NativeResult for &str {
    fn into_json(self) -> Result<Value, CallError> {
        Ok(Value::String(self.to_string()))
    }
}

impl NativeResult for Vec<u8> {
    fn into_json(self) -> Result<Value, CallError> {
        self.as_slice().into_json()
    }
}

impl NativeResult for &[u8] {
    fn into_json(self) -> Result<Value, CallError> {
        Ok(Value::String(
            base64::engine::general_purpose::STANDARD.encode(self),
        ))
    }
}

impl<const N: usize> NativeResult for [u8; N] {
    fn into_json(self) -> Result<Value, CallError> {
        self.as_slice().into_json()
    }
}

fn json_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, CallError> {
    serde_json::to_value(value)
        .map_err(|e| CallError::Refused(format!("the result cannot be written as JSON: {e}")))
}

impl<T: Serialize> NativeResult for Json<T> {
    fn into_json(self) -> Result<Value, CallError> {
        json_value(&self.0)
    }
}

impl<T: Serialize> NativeResult for Option<T> {
    fn into_json(self) -> Result<Value, CallError> {
        json_value(&self)
    }
}

impl<T: NativeResult, E: Display> NativeResult for Result<T, E> {
    fn into_json(self) -> Result<Value, CallError> {
        match self {
            Ok(v) => v.into_json(),
            Err(e) => Err(CallError::Refused(e.to_string())),
        }
    }
}
