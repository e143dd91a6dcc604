//! The guest ABI's self-description: the `echelon:abi` custom section.
//!
//! The lines of a module built with `echelon-guest` are written by its
//! `#[export]` attribute, one per exported function; this module is the
//! reader the runtime, the HTTP API and the .d.ts generator share.
//!
//! Numbers cross the host/guest boundary as plain WebAssembly values. Bytes
//! and strings use one convention (DESIGN.md, "Guest ABI"):
//!
//! - the module exports `memory`, `echelon_alloc(len: i32) -> i32` and
//!   `echelon_free(ptr: i32, len: i32)`;
//! - a `bytes`/`string`/`json` parameter is a `(ptr: i32, len: i32)` pair the
//!   host allocated with `echelon_alloc`, wrote, and frees after the call;
//! - a `bytes`/`string`/`json` result is an `i64` holding `(ptr << 32) | len`
//!   that the guest allocated; the host copies it out and calls
//!   `echelon_free(ptr, len)`;
//! - a guest that refuses its input stores a message, readable through the
//!   optional export `echelon_last_error() -> i64` (a packed string, empty
//!   when there is none), and traps.
//!
//! The custom section `echelon:abi` names each export's high-level
//! signature, one per line, so hosts convert values without being told:
//!
//! ```text
//! # comments and blank lines are ignored
//! validate_user(json: string) -> string
//! fibonacci(n: i32) -> i64
//! log_line(string)
//! ```
//!
//! Parameter names are optional; a missing `-> type` means no result. This
//! module parses and prints that format; it has no platform code, so the
//! server runtime, the HTTP API and the .d.ts generator all share it.
//! [`host`] holds the host side's checks (allocations, packed results,
//! lengths, text), which the server runtime and `BrowserRuntime` share.
//!
//! ```
//! use echelon_shared::abi::{parse_section, AbiType};
//! let sigs = parse_section("validate_user(json: string) -> string\n").unwrap();
//! assert_eq!(sigs[0].params[0].ty, AbiType::String);
//! assert_eq!(sigs[0].to_string(), "validate_user(json: string) -> string");
//! ```

use std::fmt;
use std::str::FromStr;

pub mod host;

use crate::{Error, Result};

/// Name of the custom section that carries the signatures.
pub const SECTION_NAME: &str = "echelon:abi";

/// A type in a high-level signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AbiType {
    /// WebAssembly `i32`.
    I32,
    /// WebAssembly `i64`.
    I64,
    /// WebAssembly `f32`.
    F32,
    /// WebAssembly `f64`.
    F64,
    /// An `i32` that is 0 or 1.
    Bool,
    /// A byte buffer: `(ptr, len)` in, packed `i64` out.
    Bytes,
    /// UTF-8 text, passed as bytes.
    String,
    /// UTF-8 JSON text, passed as bytes; hosts parse and serialize it.
    Json,
}

/// A core WebAssembly value type, as a signature lowers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CoreType {
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
}

impl AbiType {
    /// The name used in the section text.
    pub fn name(self) -> &'static str {
        match self {
            AbiType::I32 => "i32",
            AbiType::I64 => "i64",
            AbiType::F32 => "f32",
            AbiType::F64 => "f64",
            AbiType::Bool => "bool",
            AbiType::Bytes => "bytes",
            AbiType::String => "string",
            AbiType::Json => "json",
        }
    }

    /// Whether values of this type live in guest memory.
    pub fn is_indirect(self) -> bool {
        matches!(self, AbiType::Bytes | AbiType::String | AbiType::Json)
    }

    /// The core parameters one parameter of this type lowers to.
    pub fn lower_param(self) -> &'static [CoreType] {
        match self {
            AbiType::I32 | AbiType::Bool => &[CoreType::I32],
            AbiType::I64 => &[CoreType::I64],
            AbiType::F32 => &[CoreType::F32],
            AbiType::F64 => &[CoreType::F64],
            AbiType::Bytes | AbiType::String | AbiType::Json => &[CoreType::I32, CoreType::I32],
        }
    }

    /// The core result a result of this type lowers to.
    pub fn lower_result(self) -> CoreType {
        match self {
            AbiType::I32 | AbiType::Bool => CoreType::I32,
            AbiType::I64 | AbiType::Bytes | AbiType::String | AbiType::Json => CoreType::I64,
            AbiType::F32 => CoreType::F32,
            AbiType::F64 => CoreType::F64,
        }
    }
}

impl fmt::Display for AbiType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AbiType {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "i32" => AbiType::I32,
            "i64" => AbiType::I64,
            "f32" => AbiType::F32,
            "f64" => AbiType::F64,
            "bool" => AbiType::Bool,
            "bytes" => AbiType::Bytes,
            "string" => AbiType::String,
            "json" => AbiType::Json,
            other => {
                return Err(Error::invalid(
                    "type",
                    format!(
                    "unknown type `{other}`; expected one of i32, i64, f32, f64, bool, bytes, string, json"
                ),
                ))
            }
        })
    }
}

/// One parameter of a [`Signature`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The parameter's name, when the section gives one.
    pub name: Option<String>,
    /// Its type.
    pub ty: AbiType,
}

/// The high-level signature of one export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Export name.
    pub name: String,
    /// Parameters in order.
    pub params: Vec<Param>,
    /// Result type; `None` for none.
    pub result: Option<AbiType>,
}

impl Signature {
    /// The core parameter types the export must have.
    pub fn core_params(&self) -> Vec<CoreType> {
        self.params
            .iter()
            .flat_map(|p| p.ty.lower_param().iter().copied())
            .collect()
    }

    /// The core result type the export must have.
    pub fn core_result(&self) -> Option<CoreType> {
        self.result.map(AbiType::lower_result)
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.name)?;
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match &p.name {
                Some(n) => write!(f, "{n}: {}", p.ty)?,
                None => write!(f, "{}", p.ty)?,
            }
        }
        f.write_str(")")?;
        if let Some(r) = self.result {
            write!(f, " -> {r}")?;
        }
        Ok(())
    }
}

/// Parses the text of an `echelon:abi` section.
///
/// Errors name the line and what is wrong with it. Duplicate export names
/// are refused.
pub fn parse_section(text: &str) -> Result<Vec<Signature>> {
    let mut out: Vec<Signature> = Vec::new();
    // Names seen so far: a set, so a section of n lines parses in O(n).
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let sig = parse_line(line).map_err(|reason| {
            Error::invalid("echelon:abi", format!("line {}: {reason} in `{line}`", i + 1))
        })?;
        if !seen.insert(sig.name.clone()) {
            return Err(Error::invalid(
                "echelon:abi",
                format!("line {}: `{}` is described twice", i + 1, sig.name),
            ));
        }
        out.push(sig);
    }
    Ok(out)
}

fn parse_line(line: &str) -> std::result::Result<Signature, String> {
    let open = line.find('(').ok_or("missing `(`")?;
    let close = line.rfind(')').ok_or("missing `)`")?;
    if close < open {
        return Err("`)` before `(`".into());
    }
    let name = line[..open].trim();
    if !is_ident(name) {
        return Err(format!("`{name}` is not an export name"));
    }
    let inner = line[open + 1..close].trim();
    let mut params = Vec::new();
    if !inner.is_empty() {
        for part in inner.split(',') {
            let part = part.trim();
            let (pname, ty) = match part.split_once(':') {
                Some((n, t)) => {
                    let n = n.trim();
                    if !is_ident(n) {
                        return Err(format!("`{n}` is not a parameter name"));
                    }
                    (Some(n.to_string()), t.trim())
                }
                None => (None, part),
            };
            let ty = ty.parse::<AbiType>().map_err(|e| e.to_string())?;
            params.push(Param { name: pname, ty });
        }
    }
    let rest = line[close + 1..].trim();
    let result = if rest.is_empty() {
        None
    } else {
        let ty = rest
            .strip_prefix("->")
            .ok_or("expected `-> type` after `)`")?
            .trim();
        Some(ty.parse::<AbiType>().map_err(|e| e.to_string())?)
    };
    Ok(Signature {
        name: name.to_string(),
        params,
        result,
    })
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// Packs a guest pointer and length into the `i64` result form.
pub fn pack(ptr: u32, len: u32) -> i64 {
    ((u64::from(ptr) << 32) | u64::from(len)) as i64
}

/// Splits a packed `i64` result into `(ptr, len)`.
pub fn unpack(packed: i64) -> (u32, u32) {
    let v = packed as u64;
    ((v >> 32) as u32, v as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_and_lowering() {
        let sigs = parse_section(
            "validate_user(json: string) -> string\nencrypt_block(key: bytes, plaintext: bytes) -> bytes\n\
             fibonacci(n: i32) -> i64\nlog(string)\n",
        )
        .unwrap();
        assert_eq!(sigs.len(), 4);
        for s in &sigs {
            assert_eq!(parse_section(&s.to_string()).unwrap()[0], *s);
        }
        let enc = sigs.iter().find(|s| s.name == "encrypt_block").unwrap();
        assert_eq!(enc.core_params(), vec![CoreType::I32; 4]);
        assert_eq!(enc.core_result(), Some(CoreType::I64));
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse_section("ok(i32)\nbad(i32 -> i32\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
        let err = parse_section("f(x: float)").unwrap_err().to_string();
        assert!(err.contains("unknown type `float`"), "{err}");
        assert!(parse_section("f()\nf()").is_err());
        assert!(parse_section("f() => i32").is_err());
        assert!(parse_section("1f()").is_err());
        let sigs = parse_section("# c\n\n  log(string)  \n").unwrap();
        assert_eq!(sigs[0].result, None);
    }

    #[test]
    fn packing() {
        assert_eq!(unpack(pack(0xDEAD_BEEF, 42)), (0xDEAD_BEEF, 42));
        assert_eq!(unpack(pack(u32::MAX, u32::MAX)), (u32::MAX, u32::MAX));
    }
}
