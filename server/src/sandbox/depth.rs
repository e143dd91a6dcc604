//! Exact call-depth limits by instrumentation.
//!
//! A stack-size limit is not a call depth (frames differ in size), so a
//! sandbox with `max_call_depth` runs a rewritten copy of the module: a new
//! mutable global counts the current depth; every `call`, `call_indirect`
//! and `call_ref` increments it before the call (trapping when it would
//! exceed the limit) and decrements it after. Tail calls (`return_call*`)
//! replace the frame and are not counted. The global is exported as
//! [`DEPTH_GLOBAL_EXPORT`]; the runtime resets it to 0 before each call from
//! the host (a trap leaves it raised) and reads it after a trap: the value
//! [`DEPTH_EXCEEDED`] marks a trap caused by the limit.

use std::convert::Infallible;

use wasm_encoder::reencode::{utils, Error as ReencodeError, Reencode};
use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, ExportKind, ExportSection, Function, GlobalSection, GlobalType,
    Instruction, Module, SectionId, ValType,
};
use wasmparser::{Operator, Parser, Payload, TypeRef};

/// Export name of the depth counter.
pub const DEPTH_GLOBAL_EXPORT: &str = "__echelon_call_depth";

/// The counter's value after the limit trapped.
pub const DEPTH_EXCEEDED: i32 = i32::MIN;

struct Instrumenter {
    global: u32,
    max: i32,
    has_globals: bool,
    has_exports: bool,
    globals_done: bool,
    exports_done: bool,
}

fn order(id: SectionId) -> u8 {
    match id {
        SectionId::Custom => 0,
        SectionId::Type => 1,
        SectionId::Import => 2,
        SectionId::Function => 3,
        SectionId::Table => 4,
        SectionId::Memory => 5,
        SectionId::Tag => 6,
        SectionId::Global => 7,
        SectionId::Export => 8,
        SectionId::Start => 9,
        SectionId::Element => 10,
        SectionId::DataCount => 11,
        SectionId::Code => 12,
        SectionId::Data => 13,
    }
}

impl Instrumenter {
    fn global_type() -> GlobalType {
        GlobalType {
            val_type: ValType::I32,
            mutable: true,
            shared: false,
        }
    }

    fn enter(&self, f: &mut Function) {
        let g = self.global;
        f.instruction(&Instruction::GlobalGet(g))
            .instruction(&Instruction::I32Const(1))
            .instruction(&Instruction::I32Add)
            .instruction(&Instruction::GlobalSet(g))
            .instruction(&Instruction::GlobalGet(g))
            .instruction(&Instruction::I32Const(self.max))
            .instruction(&Instruction::I32GtS)
            .instruction(&Instruction::If(BlockType::Empty))
            .instruction(&Instruction::I32Const(DEPTH_EXCEEDED))
            .instruction(&Instruction::GlobalSet(g))
            .instruction(&Instruction::Unreachable)
            .instruction(&Instruction::End);
    }

    fn leave(&self, f: &mut Function) {
        let g = self.global;
        f.instruction(&Instruction::GlobalGet(g))
            .instruction(&Instruction::I32Const(1))
            .instruction(&Instruction::I32Sub)
            .instruction(&Instruction::GlobalSet(g));
    }
}

impl Reencode for Instrumenter {
    type Error = Infallible;

    fn parse_function_body(
        &mut self,
        code: &mut CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Result<(), ReencodeError<Infallible>> {
        let mut f = self.new_function_with_parsed_locals(&func)?;
        let mut reader = func.get_operators_reader()?;
        while !reader.eof() {
            let op = reader.read()?;
            let counted = matches!(
                op,
                Operator::Call { .. } | Operator::CallIndirect { .. } | Operator::CallRef { .. }
            );
            if counted {
                self.enter(&mut f);
            }
            f.instruction(&self.instruction(op)?);
            if counted {
                self.leave(&mut f);
            }
        }
        code.function(&f);
        Ok(())
    }

    fn parse_global_section(
        &mut self,
        globals: &mut GlobalSection,
        section: wasmparser::GlobalSectionReader<'_>,
    ) -> Result<(), ReencodeError<Infallible>> {
        utils::parse_global_section(self, globals, section)?;
        globals.global(Self::global_type(), &ConstExpr::i32_const(0));
        self.globals_done = true;
        Ok(())
    }

    fn parse_export_section(
        &mut self,
        exports: &mut ExportSection,
        section: wasmparser::ExportSectionReader<'_>,
    ) -> Result<(), ReencodeError<Infallible>> {
        utils::parse_export_section(self, exports, section)?;
        exports.export(DEPTH_GLOBAL_EXPORT, ExportKind::Global, self.global);
        self.exports_done = true;
        Ok(())
    }

    fn intersperse_section_hook(
        &mut self,
        module: &mut Module,
        _after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Result<(), ReencodeError<Infallible>> {
        let next = before.map(order).unwrap_or(u8::MAX);
        if !self.has_globals && !self.globals_done && next > order(SectionId::Global) {
            let mut g = GlobalSection::new();
            g.global(Self::global_type(), &ConstExpr::i32_const(0));
            module.section(&g);
            self.globals_done = true;
        }
        if !self.has_exports && !self.exports_done && next > order(SectionId::Export) {
            let mut e = ExportSection::new();
            e.export(DEPTH_GLOBAL_EXPORT, ExportKind::Global, self.global);
            module.section(&e);
            self.exports_done = true;
        }
        Ok(())
    }
}

/// Rewrites a module so that calls deeper than `max_depth` trap (see the
/// module documentation). The input must be a valid module.
pub fn instrument_call_depth(bytes: &[u8], max_depth: u32) -> Result<Vec<u8>, String> {
    let mut imported_globals = 0u32;
    let mut defined_globals = 0u32;
    let (mut has_globals, mut has_exports) = (false, false);
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(|e| e.to_string())? {
            Payload::ImportSection(r) => {
                for imp in r.into_imports() {
                    if matches!(imp.map_err(|e| e.to_string())?.ty, TypeRef::Global(_)) {
                        imported_globals += 1;
                    }
                }
            }
            Payload::GlobalSection(r) => {
                has_globals = true;
                defined_globals = r.count();
            }
            Payload::ExportSection(_) => has_exports = true,
            _ => {}
        }
    }
    let mut inst = Instrumenter {
        global: imported_globals + defined_globals,
        max: i32::try_from(max_depth).unwrap_or(i32::MAX),
        has_globals,
        has_exports,
        globals_done: false,
        exports_done: false,
    };
    let mut module = Module::new();
    inst.parse_core_module(&mut module, Parser::new(0), bytes)
        .map_err(|e| format!("cannot instrument the module for call-depth limits: {e}"))?;
    Ok(module.finish())
}
