//! TypeScript declarations (`.d.ts`) for a module's exports, so a generated
//! module can be called from TypeScript with types. Numbers map to `number`,
//! `i64` to `bigint` (as in the JS API), several results to a tuple.
//! Parameter names come from the name section when present.
//!
//! Exports that the module's `echelon:abi` section describes (a module
//! built with `#[echelon_guest::export]`) are declared with their
//! high-level types instead, as the runtime and the HTTP API call them:
//! `string`, `Uint8Array` for bytes, `boolean`, `any` for JSON (what
//! wasm-bindgen declares for the same functions in the browser bundle), and
//! the parameter names of the Rust definition.

use std::collections::HashMap;
use std::fmt::Write as _;

use echelon_shared::abi::{self, AbiType, Signature};
use wasmparser::{ExternalKind, KnownCustom, Name, Parser, Payload, TypeRef, ValType};

use super::error::GeneratorError;

fn ts_type(t: ValType) -> &'static str {
    match t {
        ValType::I32 | ValType::F32 | ValType::F64 => "number",
        ValType::I64 => "bigint",
        ValType::V128 => "never",
        ValType::Ref(_) => "unknown",
    }
}

/// The TypeScript type of a guest-ABI type, as wasm-bindgen writes the
/// same Rust type in the browser bundle's declarations.
pub fn abi_ts_type(t: AbiType) -> &'static str {
    match t {
        AbiType::I32 | AbiType::F32 | AbiType::F64 => "number",
        AbiType::I64 => "bigint",
        AbiType::Bool => "boolean",
        AbiType::String => "string",
        AbiType::Bytes => "Uint8Array",
        AbiType::Json => "any",
    }
}

fn abi_declaration(sig: &Signature) -> String {
    let params: Vec<String> = sig
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let n = p.name.clone().unwrap_or_else(|| format!("arg{i}"));
            format!("{n}: {}", abi_ts_type(p.ty))
        })
        .collect();
    let result = sig.result.map_or("void", abi_ts_type);
    format!(
        "/** `{sig}` (guest ABI; a refusal rejects with the guest's message) */\nexport declare function {}({}): {result};\n",
        sig.name,
        params.join(", ")
    )
}

fn ident(name: &str) -> Option<&str> {
    let ok = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    ok.then_some(name)
}

fn parse_error(e: wasmparser::BinaryReaderError) -> GeneratorError {
    GeneratorError::Validation(vec![format!(
        "{} (at byte offset {:#x})",
        e.message(),
        e.offset()
    )])
}

/// Writes the `.d.ts` text declaring every export of `wasm`.
///
/// # Errors
/// When the bytes cannot be parsed.
pub fn module_declaration(wasm: &[u8]) -> Result<String, GeneratorError> {
    let mut types = Vec::new();
    let mut funcs: Vec<u32> = Vec::new();
    let mut exports = Vec::new();
    let mut param_names: HashMap<u32, HashMap<u32, String>> = HashMap::new();
    let mut globals: Vec<(ValType, bool)> = Vec::new();
    let mut described: HashMap<String, Signature> = HashMap::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(parse_error)? {
            Payload::TypeSection(r) => {
                for t in r.into_iter_err_on_gc_types() {
                    types.push(t.map_err(parse_error)?);
                }
            }
            Payload::ImportSection(r) => {
                for i in r.into_imports() {
                    match i.map_err(parse_error)?.ty {
                        TypeRef::Func(t) => funcs.push(t),
                        TypeRef::Global(g) => globals.push((g.content_type, g.mutable)),
                        _ => {}
                    }
                }
            }
            Payload::FunctionSection(r) => {
                for f in r {
                    funcs.push(f.map_err(parse_error)?);
                }
            }
            Payload::GlobalSection(r) => {
                for g in r {
                    let g = g.map_err(parse_error)?;
                    globals.push((g.ty.content_type, g.ty.mutable));
                }
            }
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e.map_err(parse_error)?;
                    exports.push((e.name.to_string(), e.kind, e.index));
                }
            }
            Payload::CustomSection(c) if c.name() == abi::SECTION_NAME => {
                let text = std::str::from_utf8(c.data()).map_err(|_| {
                    GeneratorError::Validation(vec![format!(
                        "the {} section is not UTF-8",
                        abi::SECTION_NAME
                    )])
                })?;
                let sigs = abi::parse_section(text)
                    .map_err(|e| GeneratorError::Validation(vec![format!("{}: {e}", abi::SECTION_NAME)]))?;
                described.extend(sigs.into_iter().map(|s| (s.name.clone(), s)));
            }
            Payload::CustomSection(c) => {
                if let KnownCustom::Name(names) = c.as_known() {
                    // Names are optional: a malformed name section is ignored.
                    for n in names.into_iter().flatten() {
                        if let Name::Local(map) = n {
                            for f in map.into_iter().flatten() {
                                let entry = param_names.entry(f.index).or_default();
                                for l in f.names.into_iter().flatten() {
                                    entry.insert(l.index, l.name.to_string());
                                }
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut out =
        String::from("// TypeScript declarations generated by Echelon from the module's exports.\n");
    for (name, kind, index) in exports {
        let quoted = ident(&name).is_none();
        let _ = match kind {
            ExternalKind::Func | ExternalKind::FuncExact if described.contains_key(&name) => {
                let Some(sig) = described.get(&name) else { continue };
                out.push_str(&abi_declaration(sig));
                Ok(())
            }
            ExternalKind::Func | ExternalKind::FuncExact => {
                let Some(ty) = funcs.get(index as usize).and_then(|t| types.get(*t as usize)) else {
                    continue;
                };
                let names = param_names.get(&index);
                let params: Vec<String> = ty
                    .params()
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let n = names
                            .and_then(|m| m.get(&(i as u32)))
                            .and_then(|n| ident(n))
                            .map_or_else(|| format!("arg{i}"), str::to_string);
                        format!("{n}: {}", ts_type(*p))
                    })
                    .collect();
                let result = match ty.results() {
                    [] => "void".to_string(),
                    [one] => ts_type(*one).to_string(),
                    many => format!(
                        "[{}]",
                        many.iter().map(|t| ts_type(*t)).collect::<Vec<_>>().join(", ")
                    ),
                };
                if quoted {
                    writeln!(
                        out,
                        "// export \"{name}\" is not a valid identifier: ({}) => {result}",
                        params.join(", ")
                    )
                } else {
                    writeln!(
                        out,
                        "export declare function {name}({}): {result};",
                        params.join(", ")
                    )
                }
            }
            ExternalKind::Global => {
                let Some((t, mutable)) = globals.get(index as usize) else {
                    continue;
                };
                let what = if *mutable { "mutable " } else { "" };
                writeln!(
                    out,
                    "/** A {what}WebAssembly global holding a `{}`. */",
                    ts_type(*t)
                )
                .and_then(|_| {
                    writeln!(
                        out,
                        "export declare const {}: WebAssembly.Global;",
                        ident(&name).unwrap_or("_")
                    )
                })
            }
            ExternalKind::Memory => writeln!(
                out,
                "export declare const {}: WebAssembly.Memory;",
                ident(&name).unwrap_or("_")
            ),
            ExternalKind::Table => writeln!(
                out,
                "export declare const {}: WebAssembly.Table;",
                ident(&name).unwrap_or("_")
            ),
            ExternalKind::Tag => Ok(()),
        };
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abi_described_exports_get_high_level_types() {
        let wasm = wat::parse_str(
            r#"(module
                 (@custom "echelon:abi" "greet(name: string, loud: bool) -> string\npoint(p: json) -> json\n")
                 (memory (export "memory") 1)
                 (func (export "greet") (param i32 i32 i32) (result i64) i64.const 0)
                 (func (export "point") (param i32 i32) (result i64) i64.const 0)
                 (func (export "add") (param $a i32) (param $b i64) (result i64) local.get $b))"#,
        )
        .unwrap();
        let dts = module_declaration(&wasm).unwrap();
        assert!(
            dts.contains("export declare function greet(name: string, loud: boolean): string;"),
            "{dts}"
        );
        assert!(
            dts.contains("export declare function point(p: any): any;"),
            "{dts}"
        );
        assert!(
            dts.contains("export declare function add(a: number, b: bigint): bigint;"),
            "{dts}"
        );
        assert!(
            dts.contains("export declare const memory: WebAssembly.Memory;"),
            "{dts}"
        );
    }
}
