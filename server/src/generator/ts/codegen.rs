//! Code generation: the typed program to a wasm module, through
//! [`ModuleBuilder`].
//!
//! `Math.random` and `Mathf.random` are a built-in SplitMix64 generator,
//! expanded inline at each use: its 64-bit state is one module global
//! (initially [`RANDOM_DEFAULT_SEED`]) that both draw from, so generated
//! modules need no imports; the exported function
//! [`RANDOM_SEED_EXPORT`]`(seed: i64)` resets it. Each instance starts from the same state, so runs are reproducible
//! unless the host seeds them.

use std::collections::HashMap;

use wasm_encoder::{BlockType, Ieee32, Ieee64, Instruction as I};

use super::ir::{Callee, LabelId, TExpr, TExprKind, TFunction, TProgram, TStmt, Type};

mod abi;
mod shadow;
use crate::generator::builder::{ConstValue, FuncId, FuncType, GlobalId, ModuleBuilder, ValueType};
use crate::generator::error::GeneratorError;

/// The export that seeds `Math.random`: `(seed: i64) -> ()`.
pub const RANDOM_SEED_EXPORT: &str = "__seed";

/// The state `Math.random` starts from in every new instance.
pub const RANDOM_DEFAULT_SEED: i64 = 0x2545_F491_4F6C_DD1D;

fn value_type(t: Type) -> Option<ValueType> {
    t.val_type().map(|v| match v {
        wasm_encoder::ValType::I64 => ValueType::I64,
        wasm_encoder::ValType::F32 => ValueType::F32,
        wasm_encoder::ValType::F64 => ValueType::F64,
        _ => ValueType::I32,
    })
}

fn func_type(f: &TFunction) -> FuncType {
    FuncType::new(
        f.params.iter().filter_map(|(_, t)| value_type(*t)),
        value_type(f.result),
    )
}

fn const_value(instr: &I<'static>) -> ConstValue {
    match instr {
        I::I64Const(v) => ConstValue::I64(*v),
        I::F32Const(v) => ConstValue::F32(f32::from(*v)),
        I::F64Const(v) => ConstValue::F64(f64::from(*v)),
        I::I32Const(v) => ConstValue::I32(*v),
        // The checker only produces the four constant instructions above.
        _ => ConstValue::I32(0),
    }
}

/// Where a `br` goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    Plain,
    Break(LabelId),
    Continue(LabelId),
}

/// How calls, literals and built-ins resolve in the module being built.
struct Links {
    /// Each program function's id, `None` when it is not emitted.
    functions: Vec<Option<FuncId>>,
    /// Prelude functions by name, for [`Callee::Runtime`].
    runtime: HashMap<String, FuncId>,
    /// What [`Callee::Import`] `i` calls (the import, or its string wrapper).
    imports: Vec<Option<FuncId>>,
    /// The address of each string literal's payload.
    strings: HashMap<Vec<u16>, u32>,
    /// The address of each used static data blob.
    data: HashMap<u32, u32>,
    /// The first heap address.
    heap_base: u32,
    /// The generated function that marks the globals holding strings.
    mark_roots: Option<FuncId>,
    /// The generated function that marks an object's reference fields.
    visit: Option<FuncId>,
    /// The shadow stack, when a function can reach a safe point.
    shadow: Option<Shadow>,
}

/// The shadow stack (see [`shadow`]): where it is and who uses it.
struct Shadow {
    /// The stack pointer global (the lowest address of the newest frame).
    sp: u32,
    /// The region's first address; a frame below it traps.
    bottom: u32,
    /// The region's end, where the stack starts.
    top: u32,
    /// The prelude's `__since_gc` and `__threshold` globals and its
    /// `__collect`: a safe point is `if (since >= threshold) collect()`,
    /// inline, so that a loop does not call out when nothing is due.
    poll: (u32, u32, u32),
    /// Which functions allocate and collect.
    analysis: shadow::Analysis,
    /// Prelude functions by name, as program function indices.
    by_name: HashMap<String, usize>,
}

/// A function's frame in the shadow stack, while its body is emitted.
struct FrameSlots {
    /// The slot of each local (parameters first) that holds a reference.
    slots: Vec<Option<u32>>,
    /// How many slots the locals take; temporaries follow.
    named: u32,
    /// Temporaries in use by the current statement.
    temps: u32,
    /// The most temporaries a statement used.
    max_temps: u32,
    /// An `i32` scratch local for spilling.
    scratch: u32,
}

struct Emitter<'a> {
    out: Vec<I<'static>>,
    frames: Vec<Frame>,
    links: &'a Links,
    /// The generator's state global and the scratch local, when `Math.random` is used.
    random: Option<(GlobalId, u32)>,
    /// Whether loop heads that allocate are safe points (source functions).
    safe_points: bool,
    /// The shadow-stack frame, when the function may reach a safe point.
    frame: Option<FrameSlots>,
    /// Set by a parent whose value stays on the stack across a possible
    /// collection: the next expression roots its reference operands.
    kept: bool,
    /// Where the frame's size goes once it is known (in the epilogues).
    size_patches: Vec<usize>,
}

/// Generates the module for a checked program.
///
/// # Errors
/// Only if the builder rejects the module, which the checker prevents
/// (for example duplicate export names are reported as diagnostics first).
pub fn generate(program: &TProgram) -> Result<Vec<u8>, GeneratorError> {
    let plan = abi::Plan::new(program);
    let mut b = ModuleBuilder::new();
    let mut links = Links {
        functions: vec![None; program.functions.len()],
        runtime: HashMap::new(),
        imports: vec![None; program.imports.len()],
        strings: HashMap::new(),
        data: HashMap::new(),
        heap_base: 0,
        mark_roots: None,
        visit: None,
        shadow: None,
    };
    // Imports come first in the function index space.
    let mut raw_imports = Vec::new();
    for (i, imp) in program.imports.iter().enumerate() {
        if plan.imports[i] {
            let id = b.import_function(&imp.module, &imp.name, abi::import_core_type(imp))?;
            raw_imports.push((i, id));
            links.imports[i] = Some(id);
        }
    }
    for (i, f) in program.functions.iter().enumerate() {
        if plan.functions[i] {
            let id = b.declare_function(&f.name, func_type(f));
            links.functions[i] = Some(id);
            if i >= program.user_functions {
                links.runtime.insert(f.name.clone(), id);
            }
        }
    }
    // Memory holds the heap, or only the static data of the math tables
    // (then it is not exported: the module passes nothing through it).
    let data = if plan.uses_heap || plan.data.iter().any(|d| *d) {
        let layout = abi::layout_strings(program, &plan);
        links.strings = layout.addresses;
        links.data = layout.data;
        links.heap_base = layout.heap_base;
        if plan.uses_heap {
            let analysis = shadow::Analysis::new(program, &plan.functions);
            if analysis.any_collects() {
                let bottom = layout.heap_base;
                links.heap_base = bottom + shadow::STACK_SIZE;
                links.shadow = Some(Shadow {
                    // Set below, once the program's globals are numbered.
                    sp: 0,
                    bottom,
                    top: links.heap_base,
                    poll: (
                        global_index(program, "__since_gc"),
                        global_index(program, "__threshold"),
                        links.runtime.get("__collect").map_or(u32::MAX, |f| f.0),
                    ),
                    analysis,
                    by_name: program
                        .functions
                        .iter()
                        .enumerate()
                        .skip(program.user_functions)
                        .map(|(i, f)| (f.name.clone(), i))
                        .collect(),
                });
            }
        }
        let pages = u64::from(links.heap_base).div_ceil(65_536).max(1);
        let memory = b.memory(pages, None);
        if plan.uses_heap {
            b.export_memory("memory", memory)?;
        }
        Some(layout.bytes)
    } else {
        None
    };
    for (i, g) in program.globals.iter().enumerate() {
        if i >= program.user_globals && !plan.uses_prelude {
            break;
        }
        let id = b.global(&g.name, g.mutable, const_value(&g.init));
        if g.exported {
            b.export_global(&g.name, id)?;
        }
    }
    if let Some(sh) = links.shadow.as_mut() {
        sh.sp = b
            .global("__stack_pointer", true, ConstValue::I32(sh.top as i32))
            .0;
    }
    let random = if program.uses_random {
        let state = b.global("__random_state", true, ConstValue::I64(RANDOM_DEFAULT_SEED));
        let seed = b.function(
            RANDOM_SEED_EXPORT,
            FuncType::new([ValueType::I64], []),
            Vec::new(),
            vec![I::LocalGet(0), I::GlobalSet(state.0)],
        );
        b.name_params(seed, vec!["seed".to_string()])?;
        b.export_function(RANDOM_SEED_EXPORT, seed)?;
        Some(state)
    } else {
        None
    };
    if plan.uses_heap {
        let mark = links.runtime.get("__mark").copied();
        let mut body = Vec::new();
        for (i, g) in program.globals.iter().enumerate().take(program.user_globals) {
            if let (true, Some(mark)) = (g.ty.is_reference(), mark) {
                body.push(I::GlobalGet(i as u32));
                body.push(I::Call(mark.0));
            }
        }
        let mut locals = Vec::new();
        if let (Some(sh), Some(mark)) = (&links.shadow, mark) {
            locals.push(ValueType::I32);
            body.extend(shadow_roots(sh, mark.0, 0));
        }
        links.mark_roots = Some(b.function("__mark_roots", FuncType::new([], []), locals, body));
        let visit = abi::visit_body(program, mark);
        links.visit = Some(b.function(
            "__visit",
            FuncType::new([ValueType::I32, ValueType::I32], []),
            Vec::new(),
            visit,
        ));
        // String wrappers of the imports.
        for (i, id) in raw_imports {
            let imp = &program.imports[i];
            if abi::import_needs_wrapper(imp) {
                let (ty, locals, body) = abi::import_wrapper(imp, id, &links)?;
                links.imports[i] = Some(b.function(&format!("__import_{}", imp.local), ty, locals, body));
            }
        }
    }
    for (i, f) in program.functions.iter().enumerate() {
        let Some(id) = links.functions[i] else { continue };
        let (body, locals) = emit_function(f, i, i < program.user_functions, &links, random);
        b.define_function(id, locals, body)?;
        b.name_params(id, f.params.iter().map(|(n, _)| n.clone()).collect())?;
        if f.exported && i < program.user_functions {
            if plan.uses_heap {
                let (ty, locals, body) = abi::export_wrapper(f, id, &links)?;
                let w = b.function(&format!("__export_{}", f.name), ty, locals, body);
                b.name_params(w, abi::lowered_param_names(f))?;
                b.export_function(&f.name, w)?;
            } else {
                b.export_function(&f.name, id)?;
            }
        }
    }
    if plan.uses_heap {
        let (alloc, free) = abi::alloc_exports(&links)?;
        let alloc = b.function(
            "echelon_alloc",
            FuncType::new([ValueType::I32], [ValueType::I32]),
            Vec::new(),
            alloc,
        );
        b.name_params(alloc, vec!["len".to_string()])?;
        b.export_function("echelon_alloc", alloc)?;
        let free = b.function(
            "echelon_free",
            FuncType::new([ValueType::I32, ValueType::I32], []),
            Vec::new(),
            free,
        );
        b.name_params(free, vec!["ptr".to_string(), "len".to_string()])?;
        b.export_function("echelon_free", free)?;
    }
    if let Some(start) = &program.start {
        let id = b.declare_function(&start.name, func_type(start));
        let (body, locals) = emit_function(start, program.functions.len(), true, &links, random);
        b.define_function(id, locals, body)?;
        b.set_start(id);
    }
    let mut wasm = b.finish()?;
    if let Some(bytes) = data {
        abi::append_data(&mut wasm, abi::STATIC_BASE, &bytes);
    }
    if let Some(text) = abi::abi_section(program) {
        abi::append_custom(&mut wasm, echelon_shared::abi::SECTION_NAME, text.as_bytes());
    }
    Ok(wasm)
}

/// SplitMix64 (Steele, Lea, Flood 2014): advance the state by the golden
/// gamma, mix it, and use the top 53 bits as an `f64` in [0, 1) or, for
/// `Mathf.random` (`f32`), the top 24 bits as an `f32` in [0, 1) (both
/// exact: 53 and 24 bits are the types' precisions), so `Mathf.random()` is
/// `Math.random()` of the same state rounded down to a multiple of 2^-24.
/// It is expanded at each use (`z` is a scratch `i64` local), so the state
/// update and the mixing optimize together with the caller's loop.
fn random_body(state: GlobalId, z: u32, f32: bool) -> Vec<I<'static>> {
    let s = state.0;
    let mut v = vec![
        I::GlobalGet(s),
        I::I64Const(0x9E37_79B9_7F4A_7C15_u64 as i64),
        I::I64Add,
        I::GlobalSet(s),
        I::GlobalGet(s),
        I::LocalSet(z),
    ];
    for (shift, mul) in [(30, 0xBF58_476D_1CE4_E5B9_u64), (27, 0x94D0_49BB_1331_11EB_u64)] {
        v.extend([
            I::LocalGet(z),
            I::LocalGet(z),
            I::I64Const(shift),
            I::I64ShrU,
            I::I64Xor,
            I::I64Const(mul as i64),
            I::I64Mul,
            I::LocalSet(z),
        ]);
    }
    v.extend([
        I::LocalGet(z),
        I::LocalGet(z),
        I::I64Const(31),
        I::I64ShrU,
        I::I64Xor,
    ]);
    if f32 {
        v.extend([
            I::I64Const(40),
            I::I64ShrU,
            I::F32ConvertI64U,
            I::F32Const(Ieee32::from(1.0 / (1u32 << 24) as f32)),
            I::F32Mul,
        ]);
    } else {
        v.extend([
            I::I64Const(11),
            I::I64ShrU,
            I::F64ConvertI64U,
            I::F64Const(Ieee64::from(1.0 / (1u64 << 53) as f64)),
            I::F64Mul,
        ]);
    }
    v
}

/// The index of the prelude global `name`; a missing one (a compiler bug)
/// gives an index that validation rejects.
fn global_index(program: &TProgram, name: &str) -> u32 {
    program
        .globals
        .iter()
        .position(|g| g.name == name)
        .map_or(u32::MAX, |i| i as u32)
}

/// The loop of `__mark_roots` that marks every shadow-stack slot from the
/// stack pointer to the top (`p` is an `i32` local).
fn shadow_roots(sh: &Shadow, mark: u32, p: u32) -> Vec<I<'static>> {
    vec![
        I::GlobalGet(sh.sp),
        I::LocalSet(p),
        I::Block(BlockType::Empty),
        I::Loop(BlockType::Empty),
        I::LocalGet(p),
        I::I32Const(sh.top as i32),
        I::I32GeU,
        I::BrIf(1),
        I::LocalGet(p),
        I::I32Load(slot_mem(0)),
        I::Call(mark),
        I::LocalGet(p),
        I::I32Const(4),
        I::I32Add,
        I::LocalSet(p),
        I::Br(0),
        I::End,
        I::End,
    ]
}

fn slot_mem(slot: u32) -> wasm_encoder::MemArg {
    wasm_encoder::MemArg {
        offset: u64::from(slot) * 4,
        align: 2,
        memory_index: 0,
    }
}

/// The body and the extra locals (after the parameters) of `f`, program
/// function `index` (the start function comes after the program's);
/// `source` for the program's own functions and the start function.
fn emit_function(
    f: &TFunction,
    index: usize,
    source: bool,
    links: &Links,
    random: Option<GlobalId>,
) -> (Vec<I<'static>>, Vec<ValueType>) {
    let mut locals: Vec<ValueType> = f.locals.iter().filter_map(|t| value_type(*t)).collect();
    // One scratch i64 for the inline `Math.random` generator.
    let random = random.map(|state| {
        locals.push(ValueType::I64);
        (state, (f.params.len() + locals.len() - 1) as u32)
    });
    let collects = links
        .shadow
        .as_ref()
        .is_some_and(|sh| sh.analysis.collects.get(index).copied().unwrap_or(false));
    let frame = if collects {
        let types = f.params.iter().map(|(_, t)| *t).chain(f.locals.iter().copied());
        let mut named = 0;
        let slots = types
            .map(|t| {
                t.is_reference().then(|| {
                    named += 1;
                    named - 1
                })
            })
            .collect();
        locals.push(ValueType::I32);
        Some(FrameSlots {
            slots,
            named,
            temps: 0,
            max_temps: 0,
            scratch: (f.params.len() + locals.len() - 1) as u32,
        })
    } else {
        None
    };
    let emit = |frame: Option<FrameSlots>| {
        let mut e = Emitter {
            out: Vec::new(),
            frames: Vec::new(),
            links,
            random,
            safe_points: source && links.shadow.is_some(),
            frame,
            kept: false,
            size_patches: Vec::new(),
        };
        e.stmts(&f.body);
        if f.result != Type::Void {
            // The checker proved every path returns; wasm's type rules still need
            // the end of the body to be unreachable or to produce a value.
            e.out.push(I::Unreachable);
        } else {
            e.pop_frame();
        }
        e
    };
    let e = emit(frame);
    let size = e.frame.as_ref().map_or(0, |fr| (fr.named + fr.max_temps) * 4);
    if size == 0 {
        // Nothing to root: emit again without the frame.
        let mut e = if e.frame.is_some() { emit(None) } else { e };
        return (std::mem::take(&mut e.out), locals);
    }
    let mut e = e;
    for at in std::mem::take(&mut e.size_patches) {
        e.out[at] = I::I32Const(size as i32);
    }
    let mut body = e.prologue(f, size);
    body.append(&mut e.out);
    (body, locals)
}

fn block_type(t: Type) -> BlockType {
    match value_type(t) {
        Some(v) => BlockType::Result(v.val_type()),
        None => BlockType::Empty,
    }
}

impl Emitter<'_> {
    /// The frame's prologue: claim `size` bytes of the shadow stack (trap
    /// when the region is full), store the reference parameters, zero the
    /// other slots.
    fn prologue(&self, f: &TFunction, size: u32) -> Vec<I<'static>> {
        let (Some(sh), Some(fr)) = (&self.links.shadow, &self.frame) else {
            return Vec::new();
        };
        let mut p = vec![
            I::GlobalGet(sh.sp),
            I::I32Const(size as i32),
            I::I32Sub,
            I::GlobalSet(sh.sp),
            I::GlobalGet(sh.sp),
            I::I32Const(sh.bottom as i32),
            I::I32LtU,
            I::If(BlockType::Empty),
            I::Unreachable,
            I::End,
        ];
        let params = f.params.len();
        let mut zeroed = Vec::new();
        for (local, slot) in fr.slots.iter().enumerate() {
            let Some(slot) = slot else { continue };
            if local < params {
                p.extend([
                    I::GlobalGet(sh.sp),
                    I::LocalGet(local as u32),
                    I::I32Store(slot_mem(*slot)),
                ]);
            } else {
                zeroed.push(*slot);
            }
        }
        zeroed.extend(fr.named..fr.named + fr.max_temps);
        for slot in zeroed {
            p.extend([I::GlobalGet(sh.sp), I::I32Const(0), I::I32Store(slot_mem(slot))]);
        }
        p
    }

    /// Releases the frame (before a return and at the end of the body).
    fn pop_frame(&mut self) {
        let (Some(sh), Some(_)) = (&self.links.shadow, &self.frame) else {
            return;
        };
        let sp = sh.sp;
        self.out.push(I::GlobalGet(sp));
        self.size_patches.push(self.out.len());
        self.out.push(I::I32Const(0));
        self.out.push(I::I32Add);
        self.out.push(I::GlobalSet(sp));
    }

    /// Stores the `i32` on top of the stack in a new temporary slot,
    /// leaving it on the stack.
    fn spill(&mut self) {
        let (Some(sh), Some(fr)) = (&self.links.shadow, &mut self.frame) else {
            return;
        };
        let slot = fr.named + fr.temps;
        fr.temps += 1;
        fr.max_temps = fr.max_temps.max(fr.temps);
        let scratch = fr.scratch;
        self.out.extend([
            I::LocalSet(scratch),
            I::GlobalGet(sh.sp),
            I::LocalGet(scratch),
            I::I32Store(slot_mem(slot)),
            I::LocalGet(scratch),
        ]);
    }

    /// Whether evaluating `e` may reach a safe point while this function's
    /// operands are on the stack.
    fn collects(&self, e: &TExpr) -> bool {
        match (&self.links.shadow, &self.frame) {
            (Some(sh), Some(_)) => sh.analysis.expr_collects(e),
            _ => false,
        }
    }

    /// Emits operands in order. One that stays on the stack while a later
    /// one may collect (or, with `kept`, while the parent's value stays on
    /// the stack) is rooted: a reference is spilled, anything else (an
    /// address inside an object, a length) roots the references it is
    /// computed from.
    fn operands(&mut self, args: &[&TExpr], kept: bool) {
        for (k, a) in args.iter().enumerate() {
            let root = kept || (self.frame.is_some() && args[k + 1..].iter().any(|b| self.collects(b)));
            if root {
                self.rooted(a);
            } else {
                self.expr(a);
            }
        }
    }

    fn rooted(&mut self, e: &TExpr) {
        match &e.kind {
            // Locals and globals are roots already; literals and constants
            // are not on the heap.
            TExprKind::Local(_)
            | TExprKind::Global(_)
            | TExprKind::Str(_)
            | TExprKind::Const(_)
            | TExprKind::Data(_) => self.expr(e),
            _ if e.ty.is_reference() => {
                self.expr(e);
                self.spill();
            }
            _ => {
                self.kept = true;
                self.expr(e);
                self.kept = false;
            }
        }
    }

    /// The `br` depth of `target`. The checker only emits jumps to enclosing
    /// labels; were one missing, the depth points outside the function and
    /// validation rejects the module instead of the compiler panicking.
    fn depth(&self, target: Frame) -> u32 {
        match self.frames.iter().rposition(|f| *f == target) {
            Some(pos) => (self.frames.len() - 1 - pos) as u32,
            None => self.frames.len() as u32 + 1,
        }
    }

    fn open(&mut self, instr: I<'static>, frame: Frame) {
        self.out.push(instr);
        self.frames.push(frame);
    }

    fn close(&mut self) {
        self.out.push(I::End);
        self.frames.pop();
    }

    fn stmts(&mut self, stmts: &[TStmt]) {
        for s in stmts {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &TStmt) {
        // A statement starts with an empty operand stack: the temporaries
        // of the previous one are free.
        if let Some(fr) = &mut self.frame {
            fr.temps = 0;
        }
        match s {
            TStmt::Expr(e) => {
                self.expr(e);
                if e.ty != Type::Void {
                    self.out.push(I::Drop);
                }
            }
            TStmt::If {
                cond,
                then,
                otherwise,
            } => {
                self.expr(cond);
                self.open(I::If(BlockType::Empty), Frame::Plain);
                self.stmts(then);
                if !otherwise.is_empty() {
                    self.out.push(I::Else);
                    self.stmts(otherwise);
                }
                self.close();
            }
            TStmt::Loop {
                id,
                pre_test,
                body,
                update,
                post_test,
            } => {
                self.open(I::Block(BlockType::Empty), Frame::Break(*id));
                self.open(I::Loop(BlockType::Empty), Frame::Plain);
                if let Some(sh) = self.links.shadow.as_ref().filter(|_| self.safe_points) {
                    let by_name = |n: &str| sh.by_name.get(n).copied();
                    if sh.analysis.loop_allocates(s, &by_name) {
                        let (since, threshold, collect) = sh.poll;
                        self.out.extend([
                            I::GlobalGet(since),
                            I::GlobalGet(threshold),
                            I::I32GeU,
                            I::If(BlockType::Empty),
                            I::Call(collect),
                            I::End,
                        ]);
                    }
                }
                if let Some(c) = pre_test {
                    self.expr(c);
                    self.out.push(I::I32Eqz);
                    self.out.push(I::BrIf(1));
                }
                self.open(I::Block(BlockType::Empty), Frame::Continue(*id));
                self.stmts(body);
                self.close();
                if let Some(u) = update {
                    self.stmt(&TStmt::Expr(u.clone()));
                }
                match post_test {
                    Some(c) => {
                        self.expr(c);
                        self.out.push(I::BrIf(0));
                    }
                    None => self.out.push(I::Br(0)),
                }
                self.close();
                self.close();
            }
            TStmt::Block { id, body } => {
                self.open(I::Block(BlockType::Empty), Frame::Break(*id));
                self.stmts(body);
                self.close();
            }
            TStmt::Break(id) => self.out.push(I::Br(self.depth(Frame::Break(*id)))),
            TStmt::Continue(id) => self.out.push(I::Br(self.depth(Frame::Continue(*id)))),
            TStmt::Return(v) => {
                if let Some(v) = v {
                    self.expr(v);
                }
                self.pop_frame();
                self.out.push(I::Return);
            }
            TStmt::Switch {
                id,
                discriminant,
                tests,
                default,
                bodies,
            } => {
                self.expr(discriminant);
                let n = bodies.len();
                self.open(I::Block(BlockType::Empty), Frame::Break(*id));
                for _ in 0..n {
                    self.open(I::Block(BlockType::Empty), Frame::Plain);
                }
                // Inside all case blocks: case `i` ends at depth `i`.
                for (test, case) in tests {
                    self.expr(test);
                    self.out.push(I::BrIf(*case as u32));
                }
                self.out.push(I::Br(default.unwrap_or(n) as u32));
                for body in bodies {
                    self.close();
                    self.stmts(body);
                }
                self.close();
            }
        }
    }

    fn expr(&mut self, e: &TExpr) {
        let kept = std::mem::take(&mut self.kept);
        match &e.kind {
            TExprKind::Const(c) => self.out.push(c.clone()),
            TExprKind::Str(units) => {
                let addr = self.links.strings.get(units).copied().unwrap_or(0);
                self.out.push(I::I32Const(addr as i32));
            }
            TExprKind::Data(i) => {
                let addr = self.links.data.get(i).copied().unwrap_or(0);
                self.out.push(I::I32Const(addr as i32));
            }
            TExprKind::Seq { effects, value } => {
                for e in effects {
                    self.expr(e);
                }
                self.kept = kept;
                self.expr(value);
            }
            TExprKind::Op { instr, args } => {
                self.operands(&args.iter().collect::<Vec<_>>(), kept);
                self.out.push(instr.clone());
            }
            TExprKind::Local(i) => self.out.push(I::LocalGet(*i)),
            TExprKind::Global(i) => self.out.push(I::GlobalGet(*i)),
            TExprKind::SetLocal { index, value, tee } => {
                self.kept = kept;
                self.expr(value);
                let slot = self
                    .frame
                    .as_ref()
                    .and_then(|fr| fr.slots.get(*index as usize).copied().flatten());
                match (slot, &self.links.shadow) {
                    // A reference local of a frame: its slot is written too.
                    (Some(slot), Some(sh)) => {
                        self.out.extend([
                            I::LocalSet(*index),
                            I::GlobalGet(sh.sp),
                            I::LocalGet(*index),
                            I::I32Store(slot_mem(slot)),
                        ]);
                        if *tee {
                            self.out.push(I::LocalGet(*index));
                        }
                    }
                    _ => self.out.push(if *tee {
                        I::LocalTee(*index)
                    } else {
                        I::LocalSet(*index)
                    }),
                }
            }
            TExprKind::SetGlobal { index, value, keep } => {
                self.expr(value);
                self.out.push(I::GlobalSet(*index));
                if *keep {
                    self.out.push(I::GlobalGet(*index));
                }
            }
            TExprKind::Binary { instr, lhs, rhs } => {
                self.operands(&[lhs, rhs], kept);
                self.out.push(instr.clone());
            }
            TExprKind::Unary { instr, operand } => {
                self.kept = kept;
                self.expr(operand);
                self.out.push(instr.clone());
            }
            TExprKind::Logical { and, lhs, rhs } => {
                self.expr(lhs);
                self.open(I::If(BlockType::Result(wasm_encoder::ValType::I32)), Frame::Plain);
                if *and {
                    self.expr(rhs);
                    self.out.push(I::Else);
                    self.out.push(I::I32Const(0));
                } else {
                    self.out.push(I::I32Const(1));
                    self.out.push(I::Else);
                    self.expr(rhs);
                }
                self.close();
            }
            TExprKind::Conditional {
                cond,
                then,
                otherwise,
            } => {
                self.expr(cond);
                self.open(I::If(block_type(e.ty)), Frame::Plain);
                self.kept = kept;
                self.expr(then);
                self.out.push(I::Else);
                self.kept = kept;
                self.expr(otherwise);
                self.close();
            }
            TExprKind::Call { callee, args } => {
                self.operands(&args.iter().collect::<Vec<_>>(), kept);
                // The checker resolved every callee and the plan emits what
                // is reached; a missing one would be a compiler bug, which
                // validation then reports (a call of function u32::MAX).
                match callee {
                    Callee::User(i) => {
                        let id = self.links.functions.get(*i as usize).copied().flatten();
                        self.out.push(I::Call(id.map_or(u32::MAX, |f| f.0)));
                    }
                    Callee::Runtime("__heap_base") => self.out.push(I::I32Const(self.links.heap_base as i32)),
                    Callee::Runtime("__mark_roots") => {
                        self.out
                            .push(I::Call(self.links.mark_roots.map_or(u32::MAX, |f| f.0)));
                    }
                    Callee::Runtime("__visit") => {
                        self.out.push(I::Call(self.links.visit.map_or(u32::MAX, |f| f.0)));
                    }
                    Callee::Runtime(name) => {
                        let id = self.links.runtime.get(*name).copied();
                        self.out.push(I::Call(id.map_or(u32::MAX, |f| f.0)));
                    }
                    Callee::Import(i) => {
                        let id = self.links.imports.get(*i as usize).copied().flatten();
                        self.out.push(I::Call(id.map_or(u32::MAX, |f| f.0)));
                    }
                    Callee::Random { f32 } => match self.random {
                        Some((state, z)) => self.out.extend(random_body(state, z, *f32)),
                        None => self.out.push(I::Unreachable),
                    },
                }
            }
            TExprKind::ValueThen { value, effect } => {
                self.operands(&[value, effect], kept);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use wasmparser::{Operator, Parser, Payload};

    use crate::generator::ts::{parser::parse_program, types::check_program};
    use crate::generator::validate::validate;

    fn generate(src: &str) -> Vec<u8> {
        let typed = check_program(&parse_program(src).unwrap()).unwrap();
        super::generate(&typed).unwrap()
    }

    fn operators(wasm: &[u8]) -> Vec<String> {
        let mut ops = Vec::new();
        for payload in Parser::new(0).parse_all(wasm) {
            if let Payload::CodeSectionEntry(body) = payload.unwrap() {
                let mut r = body.get_operators_reader().unwrap();
                while !r.eof() {
                    let op: Operator<'_> = r.read().unwrap();
                    ops.push(format!("{op:?}"));
                }
            }
        }
        ops
    }

    #[test]
    fn random_is_inline_with_a_seed_export() {
        let wasm = generate("export function f(): f64 { return Math.random() + Math.random(); }");
        assert!(validate(&wasm).valid);
        let ops = operators(&wasm);
        assert!(!ops.iter().any(|o| o.starts_with("Call ")), "{ops:?}");
        assert_eq!(ops.iter().filter(|o| o.starts_with("F64ConvertI64U")).count(), 2);
        let exports = crate::generator::dts::module_declaration(&wasm).unwrap();
        assert!(exports.contains("__seed(seed: bigint): void"), "{exports}");
    }

    #[test]
    fn mathf_random_is_inline_on_the_same_state() {
        let wasm = generate("export function f(): f32 { return Mathf.random() + (Math.random() as f32); }");
        assert!(validate(&wasm).valid);
        let ops = operators(&wasm);
        assert!(!ops.iter().any(|o| o.starts_with("Call ")), "{ops:?}");
        assert_eq!(ops.iter().filter(|o| o.starts_with("F32ConvertI64U")).count(), 1);
        assert_eq!(ops.iter().filter(|o| o.starts_with("F64ConvertI64U")).count(), 1);
        // One state global, advanced by both draws and set by `__seed`.
        let sets = ops
            .iter()
            .filter(|o| o.starts_with("GlobalSet"))
            .collect::<Vec<_>>();
        assert_eq!(sets.len(), 3, "{ops:?}");
        assert!(sets.iter().all(|s| *s == sets[0]), "{sets:?}");
    }

    #[test]
    fn loops_and_short_circuits_use_structured_control() {
        let wasm = generate(
            "export function f(n: i32): i32 { let s = 0; for (let i = 0; i < n && s < 100; i++) { if (i == 3) continue; s += i; } return s; }",
        );
        assert!(validate(&wasm).valid);
        let ops = operators(&wasm);
        for expected in ["Loop", "BrIf", "If", "Else", "I32Add"] {
            assert!(
                ops.iter().any(|o| o.starts_with(expected)),
                "no {expected} in {ops:?}"
            );
        }
    }

    #[test]
    fn computed_globals_are_set_by_a_start_function() {
        let wasm = generate(
            "function two(): i32 { return 2; } const g = two() * 3; export function f(): i32 { return g; }",
        );
        assert!(validate(&wasm).valid);
        let has_start = Parser::new(0)
            .parse_all(&wasm)
            .any(|p| matches!(p, Ok(Payload::StartSection { .. })));
        assert!(has_start);
    }
}
