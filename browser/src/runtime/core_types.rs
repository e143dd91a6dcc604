//! The core signatures of a module's exported functions, read from its
//! binary: JavaScript cannot ask a WebAssembly function for its parameter
//! types, and the runtime checks arguments before a call.
//!
//! Only what that needs is decoded: the type, import, function and export
//! sections. A module using types this reader does not know (GC proposals)
//! yields `None`, and calls fall back to the engine's own conversions.

use std::collections::HashMap;

/// A core value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
    FuncRef,
    ExternRef,
}

impl ValType {
    /// The name in WebAssembly text.
    pub(crate) fn name(self) -> &'static str {
        match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        }
    }
}

impl From<echelon_shared::abi::CoreType> for ValType {
    fn from(c: echelon_shared::abi::CoreType) -> Self {
        use echelon_shared::abi::CoreType;
        match c {
            CoreType::I32 => ValType::I32,
            CoreType::I64 => ValType::I64,
            CoreType::F32 => ValType::F32,
            CoreType::F64 => ValType::F64,
        }
    }
}

/// `(i32, i64) -> f64` for messages.
pub(crate) fn describe(ty: &FuncType) -> String {
    let list = |v: &[ValType]| v.iter().map(|t| t.name()).collect::<Vec<_>>().join(", ");
    format!("({}) -> ({})", list(&ty.params), list(&ty.results))
}

/// A function type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FuncType {
    pub(crate) params: Vec<ValType>,
    pub(crate) results: Vec<ValType>,
}

/// Exported function name -> type, or `None` when the binary cannot be read
/// by this decoder.
pub(crate) fn exported_functions(wasm: &[u8]) -> Option<HashMap<String, FuncType>> {
    let mut r = Reader { bytes: wasm, pos: 0 };
    if r.take(8)? != b"\0asm\x01\0\0\0" {
        return None;
    }
    let mut types = Vec::new();
    let mut funcs: Vec<u32> = Vec::new(); // type index per function index
    let mut exports = Vec::new();
    while r.pos < r.bytes.len() {
        let id = r.byte()?;
        let size = r.u32()? as usize;
        let mut s = Reader {
            bytes: r.take(size)?,
            pos: 0,
        };
        match id {
            1 => {
                for _ in 0..s.u32()? {
                    if s.byte()? != 0x60 {
                        return None; // rec/sub/struct/array: GC types
                    }
                    let params = s.val_types()?;
                    let results = s.val_types()?;
                    types.push(FuncType { params, results });
                }
            }
            2 => {
                for _ in 0..s.u32()? {
                    s.name()?;
                    s.name()?;
                    match s.byte()? {
                        0x00 => funcs.push(s.u32()?),
                        0x01 => {
                            s.val_type()?;
                            s.limits()?;
                        }
                        0x02 => s.limits()?,
                        0x03 => {
                            s.val_type()?;
                            s.byte()?;
                        }
                        0x04 => {
                            s.byte()?;
                            s.u32()?;
                        }
                        _ => return None,
                    }
                }
            }
            3 => {
                for _ in 0..s.u32()? {
                    funcs.push(s.u32()?);
                }
            }
            7 => {
                for _ in 0..s.u32()? {
                    let name = s.name()?;
                    let kind = s.byte()?;
                    let index = s.u32()?;
                    if kind == 0x00 {
                        exports.push((name, index));
                    }
                }
            }
            _ => {}
        }
    }
    exports
        .into_iter()
        .map(|(name, index)| {
            let ty = types.get(*funcs.get(index as usize)? as usize)?.clone();
            Some((name, ty))
        })
        .collect()
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let out = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(out)
    }

    fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    /// An unsigned LEB128 of up to 64 bits.
    fn u64(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.u64()?).ok()
    }

    fn name(&mut self) -> Option<String> {
        let len = self.u32()? as usize;
        String::from_utf8(self.take(len)?.to_vec()).ok()
    }

    fn val_type(&mut self) -> Option<ValType> {
        Some(match self.byte()? {
            0x7f => ValType::I32,
            0x7e => ValType::I64,
            0x7d => ValType::F32,
            0x7c => ValType::F64,
            0x7b => ValType::V128,
            0x70 => ValType::FuncRef,
            0x6f => ValType::ExternRef,
            _ => return None,
        })
    }

    fn val_types(&mut self) -> Option<Vec<ValType>> {
        (0..self.u32()?).map(|_| self.val_type()).collect()
    }

    /// Table or memory limits (memory64 and shared flags included).
    fn limits(&mut self) -> Option<()> {
        let flags = self.byte()?;
        self.u64()?;
        if flags & 0x01 != 0 {
            self.u64()?;
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CORE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/core.wasm"));
    const IMPORTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/imports.wasm"));

    #[test]
    fn reads_exported_signatures() {
        let f = exported_functions(CORE).expect("decodable");
        assert_eq!(f.len(), 4);
        assert_eq!(f["mul64"].params, vec![ValType::I64, ValType::I64]);
        assert_eq!(f["mul64"].results, vec![ValType::I64]);
        assert_eq!(f["half"].params, vec![ValType::F64]);
        // Imported functions shift the indices of defined ones.
        let f = exported_functions(IMPORTS).expect("decodable");
        assert_eq!(f["quadruple"].params, vec![ValType::I32]);
        assert_eq!(f["crash"].params, vec![]);
        assert_eq!(f["crash"].results, vec![]);
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert_eq!(exported_functions(b"not wasm"), None);
        assert_eq!(exported_functions(&CORE[..CORE.len() - 3]), None);
    }
}
