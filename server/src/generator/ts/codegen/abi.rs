//! What a program needs beyond its own functions: which prelude functions
//! and imports it reaches ([`Plan`]), the static string data, the guest-ABI
//! wrappers of exports and imports (UTF-8 strings at the boundary, DESIGN.md
//! "Guest ABI"), and the `echelon:abi` section, in the format
//! `echelon_shared::abi` parses and `echelon-guest`'s `#[export]` writes.

use std::borrow::Cow;
use std::collections::HashMap;

use wasm_encoder::{ConstExpr, CustomSection, DataSection, Instruction as I, Section};

use super::{value_type, Links};
use crate::generator::builder::{FuncId, FuncType, ValueType};
use crate::generator::error::GeneratorError;
use crate::generator::ts::ir::{visit_exprs, Callee, TExprKind, TFunction, TImport, TProgram, TStmt, Type};

/// Where the static string literals start (after the free-list heads).
pub(super) const STATIC_BASE: u32 = 144;

/// The type id of strings in a block header (bits 8 and up), as in the prelude.
const STRING_INFO: u32 = 256;

/// Which functions and imports the module contains.
pub(super) struct Plan {
    /// Per program function: emitted or not (every source function is).
    pub functions: Vec<bool>,
    /// Per import: called or not (an import nobody calls is not imported,
    /// so it needs no capability).
    pub imports: Vec<bool>,
    /// Whether the module needs memory, the allocator and the ABI exports.
    pub uses_heap: bool,
    /// Whether any prelude function is emitted (the prelude's globals are
    /// then emitted too).
    pub uses_prelude: bool,
    /// Per static data blob: used by an emitted function or not.
    pub data: Vec<bool>,
}

/// Whether a prelude function is part of the math library (`__math_*`,
/// `__mathf_*`), which needs neither the heap nor the guest ABI (only, for
/// its tables, static data).
fn is_math(f: &TFunction) -> bool {
    f.name.starts_with("__math")
}

/// `Uint8Array`, which crosses the boundary as bytes.
pub(super) const BYTES: Type = Type::TypedArray(crate::generator::ts::ir::Elem::U8);

/// Whether values of `t` cross the boundary through memory.
fn indirect(t: Type) -> bool {
    t == Type::Str || t == BYTES
}

fn has_string(params: &[Type], result: Type) -> bool {
    indirect(result) || params.iter().any(|t| indirect(*t))
}

fn exported_with_strings(f: &TFunction) -> bool {
    f.exported && has_string(&f.params.iter().map(|(_, t)| *t).collect::<Vec<_>>(), f.result)
}

/// Notes what `body` calls: functions into `work`, imports into `imports`;
/// and whether it has string literals.
fn scan(
    body: &[TStmt],
    by_name: &HashMap<&str, usize>,
    imports: &mut [bool],
    work: &mut Vec<usize>,
    literals: &mut bool,
) {
    visit_exprs(body, &mut |e| match &e.kind {
        TExprKind::Call { callee, .. } => match callee {
            Callee::User(i) => work.push(*i as usize),
            Callee::Runtime(name) => {
                if let Some(i) = by_name.get(name) {
                    work.push(*i);
                }
            }
            Callee::Import(i) => {
                if let Some(slot) = imports.get_mut(*i as usize) {
                    *slot = true;
                }
            }
            Callee::Random { .. } => {}
        },
        TExprKind::Str(_) => *literals = true,
        _ => {}
    });
}

impl Plan {
    /// Follows calls from the source's functions and the start function.
    pub fn new(program: &TProgram) -> Self {
        let user = program.user_functions.min(program.functions.len());
        let by_name: HashMap<&str, usize> = program
            .functions
            .iter()
            .enumerate()
            .skip(user)
            .map(|(i, f)| (f.name.as_str(), i))
            .collect();
        let mut functions = vec![false; program.functions.len()];
        let mut imports = vec![false; program.imports.len()];
        let mut literals = false;
        let mut work: Vec<usize> = (0..user).collect();
        if let Some(start) = &program.start {
            scan(&start.body, &by_name, &mut imports, &mut work, &mut literals);
        }
        let mut needs: Vec<&str> = Vec::new();
        if program.functions[..user].iter().any(exported_with_strings) {
            needs.extend([
                "__str_from_utf8",
                "__str_to_utf8",
                "__bytes_from",
                "__bytes_to_host",
            ]);
        }
        for round in 0..2 {
            if round == 1 {
                for (i, imp) in program.imports.iter().enumerate() {
                    if imports[i] && import_needs_wrapper(imp) {
                        needs.extend([
                            "__str_to_utf8",
                            "__str_from_host",
                            "__abi_free",
                            "__bytes_from_host",
                        ]);
                    }
                }
                let prelude_reached =
                    (user..functions.len()).any(|i| functions[i] && !is_math(&program.functions[i]));
                if !(prelude_reached || literals || !needs.is_empty()) {
                    break;
                }
                needs.extend([
                    "__abi_alloc",
                    "__abi_free",
                    "__maybe_collect",
                    "__mark",
                    "__collect",
                ]);
                work.extend(needs.iter().filter_map(|n| by_name.get(n).copied()));
            }
            while let Some(i) = work.pop() {
                if functions.get(i).copied().unwrap_or(true) {
                    continue;
                }
                functions[i] = true;
                scan(
                    &program.functions[i].body,
                    &by_name,
                    &mut imports,
                    &mut work,
                    &mut literals,
                );
            }
        }
        let uses_heap =
            (user..functions.len()).any(|i| functions[i] && !is_math(&program.functions[i])) || literals;
        let uses_prelude = functions[user..].iter().any(|r| *r);
        let mut data = vec![false; program.data.len()];
        let reached = program
            .functions
            .iter()
            .zip(&functions)
            .filter(|(_, r)| **r)
            .map(|(f, _)| f)
            .chain(&program.start);
        for f in reached {
            visit_exprs(&f.body, &mut |e| {
                if let TExprKind::Data(i) = e.kind {
                    if let Some(slot) = data.get_mut(i as usize) {
                        *slot = true;
                    }
                }
            });
        }
        Plan {
            functions,
            imports,
            uses_heap,
            uses_prelude,
            data,
        }
    }
}

/// The static data: each distinct literal once, as a block the collector
/// never frees (its header has no *allocated* flag), then the data blobs
/// the emitted functions use, 8-byte aligned.
pub(super) struct StringLayout {
    /// The payload address of each literal.
    pub addresses: HashMap<Vec<u16>, u32>,
    /// The address of each used data blob, by its number.
    pub data: HashMap<u32, u32>,
    /// The bytes from [`STATIC_BASE`].
    pub bytes: Vec<u8>,
    /// The first heap address (16-byte aligned).
    pub heap_base: u32,
}

/// Lays out the literals of the emitted functions.
pub(super) fn layout_strings(program: &TProgram, plan: &Plan) -> StringLayout {
    let mut addresses = HashMap::new();
    let mut bytes = Vec::new();
    let mut add = |units: &Vec<u16>| {
        if addresses.contains_key(units) {
            return;
        }
        let payload = 4 + 2 * units.len();
        let size = (8 + payload).div_ceil(8) * 8;
        let at = STATIC_BASE as usize + bytes.len();
        bytes.extend_from_slice(&(size as u32).to_le_bytes());
        bytes.extend_from_slice(&STRING_INFO.to_le_bytes());
        bytes.extend_from_slice(&(units.len() as u32).to_le_bytes());
        for u in units {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        bytes.resize(at + size - STATIC_BASE as usize, 0);
        addresses.insert(units.clone(), (at + 8) as u32);
    };
    let mut visit = |body: &[TStmt]| {
        visit_exprs(body, &mut |e| {
            if let TExprKind::Str(units) = &e.kind {
                add(units);
            }
        })
    };
    for (i, f) in program.functions.iter().enumerate() {
        if plan.functions[i] {
            visit(&f.body);
        }
    }
    if let Some(start) = &program.start {
        visit(&start.body);
    }
    let mut data = HashMap::new();
    for (i, blob) in program.data.iter().enumerate() {
        if plan.data[i] {
            // STATIC_BASE is a multiple of 8.
            bytes.resize(bytes.len().div_ceil(8) * 8, 0);
            data.insert(i as u32, STATIC_BASE + bytes.len() as u32);
            bytes.extend_from_slice(blob);
        }
    }
    let end = STATIC_BASE as usize + bytes.len();
    StringLayout {
        addresses,
        data,
        bytes,
        heap_base: end.div_ceil(16) as u32 * 16,
    }
}

/// The core types one parameter of type `t` lowers to at the boundary.
fn lower_param(t: Type) -> Vec<ValueType> {
    if indirect(t) {
        vec![ValueType::I32, ValueType::I32]
    } else {
        value_type(t).into_iter().collect()
    }
}

fn lower_result(t: Type) -> Option<ValueType> {
    if indirect(t) {
        Some(ValueType::I64)
    } else {
        value_type(t)
    }
}

fn runtime(links: &Links, name: &str) -> Result<u32, GeneratorError> {
    links.runtime.get(name).map(|f| f.0).ok_or_else(|| {
        GeneratorError::Builder(format!("internal: runtime function `{name}` was not emitted"))
    })
}

/// The core type of an import (`string` as `(ptr, len)` in, packed `i64` out).
pub(super) fn import_core_type(imp: &TImport) -> FuncType {
    FuncType::new(
        imp.params.iter().flat_map(|t| lower_param(*t)),
        lower_result(imp.result),
    )
}

/// Whether an import passes strings (and so is called through a wrapper).
pub(super) fn import_needs_wrapper(imp: &TImport) -> bool {
    has_string(&imp.params, imp.result)
}

/// A function with the import's source signature that converts strings to
/// UTF-8 blocks, calls the import, frees them and decodes a string result.
pub(super) fn import_wrapper(
    imp: &TImport,
    raw: FuncId,
    links: &Links,
) -> Result<(FuncType, Vec<ValueType>, Vec<I<'static>>), GeneratorError> {
    let to_utf8 = runtime(links, "__str_to_utf8")?;
    let free = runtime(links, "__abi_free")?;
    let n = imp.params.len() as u32;
    let mut locals = Vec::new();
    let mut packed: Vec<(usize, u32)> = Vec::new();
    let mut body = Vec::new();
    for (i, t) in imp.params.iter().enumerate() {
        if *t == Type::Str {
            let l = n + locals.len() as u32;
            locals.push(ValueType::I64);
            packed.push((i, l));
            body.extend([I::LocalGet(i as u32), I::Call(to_utf8), I::LocalSet(l)]);
        }
    }
    let ptr_of = |l: u32| [I::LocalGet(l), I::I64Const(32), I::I64ShrU, I::I32WrapI64];
    let word = |offset: u64| {
        I::I32Load(wasm_encoder::MemArg {
            offset,
            align: 2,
            memory_index: 0,
        })
    };
    for (i, t) in imp.params.iter().enumerate() {
        match packed.iter().find(|(p, _)| *p == i).map(|(_, l)| *l) {
            Some(l) => {
                body.extend(ptr_of(l));
                body.extend([I::LocalGet(l), I::I32WrapI64]);
            }
            // A Uint8Array passes its own buffer (the host may write it, as
            // `random_bytes` does): data at offset 8, length at 0; a null
            // array reads as (0, 0) from the zeroed start of memory.
            None if *t == BYTES => {
                body.extend([I::LocalGet(i as u32), word(8), I::LocalGet(i as u32), word(0)])
            }
            None => body.push(I::LocalGet(i as u32)),
        }
    }
    body.push(I::Call(raw.0));
    if imp.result == Type::Str {
        body.push(I::Call(runtime(links, "__str_from_host")?));
    } else if imp.result == BYTES {
        body.push(I::Call(runtime(links, "__bytes_from_host")?));
    }
    for (_, l) in &packed {
        body.extend(ptr_of(*l));
        body.push(I::Call(free));
    }
    let ty = FuncType::new(
        imp.params.iter().filter_map(|t| value_type(*t)),
        value_type(imp.result),
    );
    Ok((ty, locals, body))
}

/// The exported face of `f`: strings arrive as UTF-8 `(ptr, len)` (the host
/// frees them) and leave as a pinned UTF-8 block, packed; then the collector
/// may run, since no wasm frame is live. The shadow stack starts empty: a
/// call that trapped may have left frames behind.
pub(super) fn export_wrapper(
    f: &TFunction,
    inner: FuncId,
    links: &Links,
) -> Result<(FuncType, Vec<ValueType>, Vec<I<'static>>), GeneratorError> {
    let mut body = Vec::new();
    if let Some(sh) = &links.shadow {
        body.extend([I::I32Const(sh.top as i32), I::GlobalSet(sh.sp)]);
    }
    let mut params = Vec::new();
    for (_, t) in &f.params {
        let at = params.len() as u32;
        params.extend(lower_param(*t));
        if indirect(*t) {
            let decode = if *t == BYTES {
                "__bytes_from"
            } else {
                "__str_from_utf8"
            };
            body.extend([
                I::LocalGet(at),
                I::LocalGet(at + 1),
                I::Call(runtime(links, decode)?),
            ]);
        } else {
            body.push(I::LocalGet(at));
        }
    }
    body.push(I::Call(inner.0));
    if f.result == Type::Str {
        body.push(I::Call(runtime(links, "__str_to_utf8")?));
    } else if f.result == BYTES {
        body.push(I::Call(runtime(links, "__bytes_to_host")?));
    }
    let result = lower_result(f.result);
    let mut locals = Vec::new();
    let scratch = params.len() as u32;
    if let Some(r) = result {
        locals.push(r);
        body.push(I::LocalSet(scratch));
    }
    body.push(I::Call(runtime(links, "__maybe_collect")?));
    if result.is_some() {
        body.push(I::LocalGet(scratch));
    }
    Ok((FuncType::new(params, result), locals, body))
}

/// The body of `__visit(ptr, kind)`: for the object of class `kind - 16`,
/// marks each reference field.
pub(super) fn visit_body(program: &TProgram, mark: Option<FuncId>) -> Vec<I<'static>> {
    let mut body = Vec::new();
    let Some(mark) = mark else { return body };
    for (c, class) in program.classes.iter().enumerate() {
        if class.references.is_empty() {
            continue;
        }
        body.extend([
            I::LocalGet(1),
            I::I32Const(16 + c as i32),
            I::I32Eq,
            I::If(wasm_encoder::BlockType::Empty),
        ]);
        for off in &class.references {
            body.extend([
                I::LocalGet(0),
                I::I32Load(wasm_encoder::MemArg {
                    offset: u64::from(*off),
                    align: 2,
                    memory_index: 0,
                }),
                I::Call(mark.0),
            ]);
        }
        body.push(I::End);
    }
    body
}

/// Parameter names of an export wrapper (`s` and `s_len` for a string).
pub(super) fn lowered_param_names(f: &TFunction) -> Vec<String> {
    let mut names = Vec::new();
    for (n, t) in &f.params {
        names.push(n.clone());
        if indirect(*t) {
            names.push(format!("{n}_len"));
        }
    }
    names
}

/// The bodies of `echelon_alloc(len) -> ptr` and `echelon_free(ptr, len)`.
pub(super) fn alloc_exports(links: &Links) -> Result<(Vec<I<'static>>, Vec<I<'static>>), GeneratorError> {
    Ok((
        vec![I::LocalGet(0), I::Call(runtime(links, "__abi_alloc")?)],
        vec![I::LocalGet(0), I::Call(runtime(links, "__abi_free")?)],
    ))
}

fn abi_name(t: Type) -> &'static str {
    match t {
        Type::Str => "string",
        BYTES => "bytes",
        Type::Bool => "bool",
        Type::F32 => "f32",
        Type::F64 => "f64",
        t if t.is_64() => "i64",
        _ => "i32",
    }
}

/// The `echelon:abi` text (one `name(p: type, ...) -> type` line per
/// export), when an export passes strings.
pub(super) fn abi_section(program: &TProgram) -> Option<String> {
    let user = &program.functions[..program.user_functions.min(program.functions.len())];
    if !user.iter().any(exported_with_strings) {
        return None;
    }
    let mut text = String::new();
    for f in user.iter().filter(|f| f.exported) {
        let params: Vec<String> = f
            .params
            .iter()
            .map(|(n, t)| format!("{n}: {}", abi_name(*t)))
            .collect();
        text.push_str(&format!("{}({})", f.name, params.join(", ")));
        if f.result != Type::Void {
            text.push_str(&format!(" -> {}", abi_name(f.result)));
        }
        text.push('\n');
    }
    Some(text)
}

/// Appends an active data segment at `offset` of memory 0. Sections may
/// follow the name section: only non-custom sections have an order.
pub(super) fn append_data(wasm: &mut Vec<u8>, offset: u32, bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    let mut data = DataSection::new();
    data.active(0, &ConstExpr::i32_const(offset as i32), bytes.iter().copied());
    data.append_to(wasm);
}

/// Appends a custom section.
pub(super) fn append_custom(wasm: &mut Vec<u8>, name: &str, bytes: &[u8]) {
    CustomSection {
        name: Cow::Borrowed(name),
        data: Cow::Borrowed(bytes),
    }
    .append_to(wasm);
}
