//! JavaScript values to and from guest-ABI values (the server runtime's
//! rules, in JavaScript types).

use echelon_shared::abi::{host, AbiType};
use js_sys::{Array, ArrayBuffer, Function, Uint8Array, WebAssembly, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::core_types::ValType;
use crate::error::js_error;

/// An argument after checking: a core value, or bytes to place in guest
/// memory as `(ptr, len)`.
pub(super) enum Lowered {
    /// Passed as is.
    Direct(JsValue),
    /// Written to guest memory first.
    Indirect(Vec<u8>),
}

/// `typeof`-style name of a value, for messages.
pub(super) fn type_of(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else if Array::is_array(v) {
        "array".into()
    } else if v.is_instance_of::<Uint8Array>() {
        "Uint8Array".into()
    } else {
        v.js_typeof().as_string().unwrap_or_default()
    }
}

/// Checks and converts one argument for a parameter of type `ty`.
pub(super) fn lower(ty: AbiType, v: &JsValue) -> Result<Lowered, String> {
    let direct = |x: JsValue| Ok(Lowered::Direct(x));
    match ty {
        AbiType::I32 => {
            let n = v
                .as_f64()
                .ok_or_else(|| format!("expected an integer number, got {}", type_of(v)))?;
            if n.fract() != 0.0 || !(f64::from(i32::MIN)..=f64::from(u32::MAX)).contains(&n) {
                return Err(format!("{n} is not an i32 (or u32)"));
            }
            // The unsigned range is accepted too and wraps, like the server.
            direct(JsValue::from(n as i64 as i32))
        }
        AbiType::Bool => match v.as_bool() {
            Some(b) => direct(JsValue::from(i32::from(b))),
            None => Err(format!("expected true or false, got {}", type_of(v))),
        },
        AbiType::I64 => direct(JsValue::from(to_i64(v)?)),
        AbiType::F32 | AbiType::F64 => match v.as_f64() {
            Some(n) => direct(JsValue::from(n)),
            None => Err(format!("expected a number, got {}", type_of(v))),
        },
        AbiType::String => {
            if let Some(s) = v.as_string() {
                Ok(Lowered::Indirect(s.into_bytes()))
            } else if let Some(bytes) = bytes_of(v) {
                String::from_utf8(bytes)
                    .map(|s| Lowered::Indirect(s.into_bytes()))
                    .map_err(|_| "the bytes given for a string are not UTF-8".to_string())
            } else {
                Err(format!("expected a string, got {}", type_of(v)))
            }
        }
        AbiType::Bytes => bytes_of(v).map(Lowered::Indirect).ok_or_else(|| {
            format!(
                "expected a Uint8Array, ArrayBuffer or array of bytes, got {}",
                type_of(v)
            )
        }),
        AbiType::Json => {
            if v.is_undefined() {
                return Err("undefined is not JSON".into());
            }
            let text = JSON::stringify(v)
                .map_err(|e| format!("cannot serialize to JSON: {}", crate::net::describe(&e)))?;
            let text = text
                .as_string()
                .ok_or_else(|| format!("a {} cannot be serialized to JSON", type_of(v)))?;
            Ok(Lowered::Indirect(text.into_bytes()))
        }
    }
}

/// Checks and converts one argument for a core parameter of type `ty`
/// (an export without an `echelon:abi` signature): numbers follow the same
/// rules as ABI numbers; references pass through.
pub(super) fn lower_core(ty: ValType, v: &JsValue) -> Result<JsValue, String> {
    let abi = match ty {
        ValType::I32 => AbiType::I32,
        ValType::I64 => AbiType::I64,
        ValType::F32 => AbiType::F32,
        ValType::F64 => AbiType::F64,
        ValType::V128 => return Err("v128 values cannot be passed from JavaScript".into()),
        ValType::FuncRef | ValType::ExternRef => return Ok(v.clone()),
    };
    match lower(abi, v)? {
        Lowered::Direct(value) => Ok(value),
        Lowered::Indirect(_) => Err("not a core value".into()),
    }
}

/// An `i64` from a `BigInt`, a safe-integer number or a decimal string.
fn to_i64(v: &JsValue) -> Result<i64, String> {
    if v.is_bigint() {
        return i64::try_from(v.clone()).map_err(|_| format!("{v:?} does not fit in i64"));
    }
    if let Some(n) = v.as_f64() {
        if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0 {
            return Ok(n as i64);
        }
        return Err(format!("{n} is not a safe integer; pass a BigInt"));
    }
    if let Some(s) = v.as_string() {
        return s.trim().parse().map_err(|_| format!("`{s}` is not an i64"));
    }
    Err(format!("expected a BigInt, got {}", type_of(v)))
}

/// The bytes of a `Uint8Array`, an `ArrayBuffer` or an array of integers
/// 0..=255.
fn bytes_of(v: &JsValue) -> Option<Vec<u8>> {
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        return Some(a.to_vec());
    }
    if let Some(b) = v.dyn_ref::<ArrayBuffer>() {
        return Some(Uint8Array::new(b).to_vec());
    }
    if Array::is_array(v) {
        let array: &Array = v.unchecked_ref();
        return array
            .iter()
            .map(|x| {
                x.as_f64()
                    .filter(|n| n.fract() == 0.0 && (0.0..=255.0).contains(n))
                    .map(|n| n as u8)
            })
            .collect();
    }
    None
}

/// Converts the core result of a described export to its high-level value,
/// copying (and freeing) indirect results out of guest memory.
pub(super) fn lift(ty: AbiType, result: JsValue, guest: Option<&Guest>) -> Result<JsValue, String> {
    match ty {
        AbiType::I32 | AbiType::F32 | AbiType::F64 | AbiType::I64 => Ok(result),
        AbiType::Bool => Ok(JsValue::from(result.as_f64().is_some_and(|n| n != 0.0))),
        AbiType::Bytes | AbiType::String | AbiType::Json => {
            let guest = guest.ok_or("no guest memory")?;
            let packed = i64::try_from(result).map_err(|_| "expected a packed i64".to_string())?;
            let bytes = guest.take(packed).map_err(|e| crate::net::describe(&e))?;
            match ty {
                AbiType::Bytes => Ok(Uint8Array::from(bytes.as_slice()).into()),
                AbiType::String => host::result_text(ty, bytes)
                    .map(JsValue::from)
                    .map_err(|e| e.to_string()),
                _ => {
                    let text = host::result_text(ty, bytes).map_err(|e| e.to_string())?;
                    JSON::parse(&text).map_err(|e| {
                        format!("the module returned invalid JSON: {}", crate::net::describe(&e))
                    })
                }
            }
        }
    }
}

/// A module's memory and guest-ABI helper exports.
pub(super) struct Guest {
    pub(super) memory: WebAssembly::Memory,
    pub(super) alloc: Function,
    pub(super) free: Function,
    pub(super) last_error: Option<Function>,
}

impl Guest {
    /// Allocates guest memory for `bytes` and writes them; `(0, 0)` for
    /// empty input.
    pub(super) fn write(&self, bytes: &[u8]) -> Result<(u32, u32), JsValue> {
        if bytes.is_empty() {
            return Ok((0, 0));
        }
        let len = host::argument_len(bytes.len()).map_err(|e| js_error(e.to_string()))?;
        let ptr = self
            .alloc
            .call1(&JsValue::UNDEFINED, &JsValue::from(len as i32))?
            .as_f64()
            .ok_or_else(|| js_error("echelon_alloc returned a non-number"))? as i32 as u32;
        // The buffer is read after the allocation: a memory.grow detaches
        // the previous one.
        host::check_allocation(ptr, len, self.memory_size()).map_err(|e| js_error(e.to_string()))?;
        let view = self.view(ptr, len)?;
        view.copy_from(bytes);
        Ok((ptr, len))
    }

    /// Copies the packed `(ptr, len)` result out of guest memory and frees
    /// it. A zero length is an empty result.
    pub(super) fn take(&self, packed: i64) -> Result<Vec<u8>, JsValue> {
        let Some((ptr, len)) =
            host::result_range(packed, self.memory_size()).map_err(|e| js_error(e.to_string()))?
        else {
            return Ok(Vec::new());
        };
        let bytes = self.view(ptr, len)?.to_vec();
        self.free(ptr, len)?;
        Ok(bytes)
    }

    /// Returns `len` bytes at `ptr` to the guest allocator.
    pub(super) fn free(&self, ptr: u32, len: u32) -> Result<(), JsValue> {
        if len == 0 {
            return Ok(());
        }
        self.free
            .call2(
                &JsValue::UNDEFINED,
                &JsValue::from(ptr as i32),
                &JsValue::from(len as i32),
            )
            .map(drop)
    }

    /// The guest's explanation of its last refusal, if it left one.
    pub(super) fn take_last_error(&self) -> Option<String> {
        let f = self.last_error.as_ref()?;
        let packed = i64::try_from(f.call0(&JsValue::UNDEFINED).ok()?).ok()?;
        let bytes = self.take(packed).ok()?;
        (!bytes.is_empty()).then(|| String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The guest memory's size in bytes, now.
    fn memory_size(&self) -> u64 {
        let buffer: ArrayBuffer = self.memory.buffer().unchecked_into();
        u64::from(buffer.byte_length())
    }

    /// A view of `len` bytes at `ptr`, bounds-checked against the memory.
    fn view(&self, ptr: u32, len: u32) -> Result<Uint8Array, JsValue> {
        let buffer: ArrayBuffer = self.memory.buffer().unchecked_into();
        host::check_range("a guest range", ptr, len, u64::from(buffer.byte_length()))
            .map_err(|e| js_error(e.to_string()))?;
        Ok(Uint8Array::new_with_byte_offset_and_length(&buffer, ptr, len))
    }
}
