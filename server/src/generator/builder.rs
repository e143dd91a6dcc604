//! A small typed builder over `wasm-encoder`: functions, globals, imports,
//! exports, memory and a start function. The TypeScript code generator and the
//! templates both build their modules with it.
//!
//! ```
//! use echelon::generator::{FuncType, ModuleBuilder, ValueType};
//! use wasm_encoder::Instruction;
//!
//! let mut b = ModuleBuilder::new();
//! let add = b.function(
//!     "add",
//!     FuncType::new([ValueType::I32, ValueType::I32], [ValueType::I32]),
//!     Vec::new(),
//!     vec![Instruction::LocalGet(0), Instruction::LocalGet(1), Instruction::I32Add],
//! );
//! b.export_function("add", add).unwrap();
//! let wasm = b.finish().unwrap();
//! assert!(echelon::generator::validate(&wasm).valid);
//! ```

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use wasm_encoder::{
    CodeSection, ConstExpr, EntityType, ExportKind, ExportSection, Function, FunctionSection, GlobalSection,
    GlobalType, ImportSection, IndirectNameMap, Instruction, MemorySection, MemoryType, Module, NameMap,
    NameSection, StartSection, TypeSection, ValType,
};

use super::error::GeneratorError;

/// A WebAssembly number type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit float.
    F32,
    /// 64-bit float.
    F64,
}

impl ValueType {
    /// The `wasm-encoder` type.
    pub fn val_type(self) -> ValType {
        match self {
            ValueType::I32 => ValType::I32,
            ValueType::I64 => ValType::I64,
            ValueType::F32 => ValType::F32,
            ValueType::F64 => ValType::F64,
        }
    }

    /// Parses `i32`, `i64`, `f32` or `f64`.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "i32" => ValueType::I32,
            "i64" => ValueType::I64,
            "f32" => ValueType::F32,
            "f64" => ValueType::F64,
            _ => return None,
        })
    }

    /// The name as written in WAT.
    pub fn name(self) -> &'static str {
        match self {
            ValueType::I32 => "i32",
            ValueType::I64 => "i64",
            ValueType::F32 => "f32",
            ValueType::F64 => "f64",
        }
    }
}

/// A function signature.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    /// Parameter types.
    pub params: Vec<ValueType>,
    /// Result types.
    pub results: Vec<ValueType>,
}

impl FuncType {
    /// A signature from parameter and result types.
    pub fn new(
        params: impl IntoIterator<Item = ValueType>,
        results: impl IntoIterator<Item = ValueType>,
    ) -> Self {
        Self {
            params: params.into_iter().collect(),
            results: results.into_iter().collect(),
        }
    }
}

/// A constant, used as a global's initial value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConstValue {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`.
    F32(f32),
    /// An `f64`.
    F64(f64),
}

impl ConstValue {
    /// The type of the constant.
    pub fn value_type(self) -> ValueType {
        match self {
            ConstValue::I32(_) => ValueType::I32,
            ConstValue::I64(_) => ValueType::I64,
            ConstValue::F32(_) => ValueType::F32,
            ConstValue::F64(_) => ValueType::F64,
        }
    }

    fn const_expr(self) -> ConstExpr {
        match self {
            ConstValue::I32(v) => ConstExpr::i32_const(v),
            ConstValue::I64(v) => ConstExpr::i64_const(v),
            ConstValue::F32(v) => ConstExpr::f32_const(v.into()),
            ConstValue::F64(v) => ConstExpr::f64_const(v.into()),
        }
    }
}

/// The index of a function (imported or defined) in the module being built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FuncId(pub u32);

/// The index of a global.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GlobalId(pub u32);

/// The index of a memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MemoryId(pub u32);

#[derive(Debug, Clone)]
struct DefinedFunction {
    name: String,
    ty: u32,
    params: usize,
    param_names: Vec<String>,
    body: Option<(Vec<ValType>, Vec<Instruction<'static>>)>,
}

/// Builds a module step by step. Imports come first, then functions may be
/// declared (and called) before their bodies are defined.
#[derive(Debug, Clone, Default)]
pub struct ModuleBuilder {
    types: Vec<FuncType>,
    imports: Vec<(String, String, u32)>,
    functions: Vec<DefinedFunction>,
    globals: Vec<(String, GlobalType, ConstExpr)>,
    memories: Vec<MemoryType>,
    exports: Vec<(String, ExportKind, u32)>,
    /// The export names so far (duplicates are found in O(1)).
    export_names: std::collections::HashSet<String>,
    start: Option<u32>,
}

impl ModuleBuilder {
    /// An empty module.
    pub fn new() -> Self {
        Self::default()
    }

    fn type_index(&mut self, ty: FuncType) -> u32 {
        if let Some(i) = self.types.iter().position(|t| *t == ty) {
            return i as u32;
        }
        self.types.push(ty);
        self.types.len() as u32 - 1
    }

    /// Imports a function.
    ///
    /// # Errors
    /// When functions have already been declared: imported functions come
    /// first in the index space, so they must be added first.
    pub fn import_function(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
    ) -> Result<FuncId, GeneratorError> {
        if !self.functions.is_empty() {
            return Err(GeneratorError::Builder(format!(
                "import `{module}.{name}` must be added before any function is declared"
            )));
        }
        let t = self.type_index(ty);
        self.imports.push((module.to_string(), name.to_string(), t));
        Ok(FuncId(self.imports.len() as u32 - 1))
    }

    /// Declares a function whose body is given later with
    /// [`define_function`](Self::define_function), so that calls to it can be
    /// emitted first.
    pub fn declare_function(&mut self, name: &str, ty: FuncType) -> FuncId {
        let params = ty.params.len();
        let t = self.type_index(ty);
        self.functions.push(DefinedFunction {
            name: name.to_string(),
            ty: t,
            params,
            param_names: Vec::new(),
            body: None,
        });
        FuncId((self.imports.len() + self.functions.len()) as u32 - 1)
    }

    fn defined_mut(&mut self, id: FuncId) -> Result<&mut DefinedFunction, GeneratorError> {
        let index = (id.0 as usize).checked_sub(self.imports.len());
        index
            .and_then(|i| self.functions.get_mut(i))
            .ok_or_else(|| GeneratorError::Builder(format!("function {} is not a declared function", id.0)))
    }

    /// Gives a declared function its extra locals (after the parameters) and
    /// its instructions (without the final `end`, which is added).
    ///
    /// # Errors
    /// When `id` is not a declared function.
    pub fn define_function(
        &mut self,
        id: FuncId,
        locals: Vec<ValueType>,
        instructions: Vec<Instruction<'static>>,
    ) -> Result<(), GeneratorError> {
        let locals = locals.into_iter().map(ValueType::val_type).collect();
        self.defined_mut(id)?.body = Some((locals, instructions));
        Ok(())
    }

    /// Names a declared function's parameters (recorded in the name section,
    /// used by the .d.ts generator and in traps).
    ///
    /// # Errors
    /// When `id` is not a declared function.
    pub fn name_params(&mut self, id: FuncId, names: Vec<String>) -> Result<(), GeneratorError> {
        self.defined_mut(id)?.param_names = names;
        Ok(())
    }

    /// Declares and defines a function in one step.
    pub fn function(
        &mut self,
        name: &str,
        ty: FuncType,
        locals: Vec<ValueType>,
        instructions: Vec<Instruction<'static>>,
    ) -> FuncId {
        let id = self.declare_function(name, ty);
        let locals = locals.into_iter().map(ValueType::val_type).collect();
        if let Some(f) = self.functions.last_mut() {
            f.body = Some((locals, instructions));
        }
        id
    }

    /// Adds a global with a constant initial value.
    pub fn global(&mut self, name: &str, mutable: bool, init: ConstValue) -> GlobalId {
        let ty = GlobalType {
            val_type: init.value_type().val_type(),
            mutable,
            shared: false,
        };
        self.globals.push((name.to_string(), ty, init.const_expr()));
        GlobalId(self.globals.len() as u32 - 1)
    }

    /// Adds a 32-bit memory of `minimum` pages (64 KiB each), with an optional maximum.
    pub fn memory(&mut self, minimum: u64, maximum: Option<u64>) -> MemoryId {
        self.memories.push(MemoryType {
            minimum,
            maximum,
            memory64: false,
            shared: false,
            page_size_log2: None,
        });
        MemoryId(self.memories.len() as u32 - 1)
    }

    fn export(&mut self, name: &str, kind: ExportKind, index: u32) -> Result<(), GeneratorError> {
        if !self.export_names.insert(name.to_string()) {
            return Err(GeneratorError::Builder(format!("duplicate export name `{name}`")));
        }
        self.exports.push((name.to_string(), kind, index));
        Ok(())
    }

    /// Exports a function.
    ///
    /// # Errors
    /// When the export name is already used.
    pub fn export_function(&mut self, name: &str, f: FuncId) -> Result<(), GeneratorError> {
        self.export(name, ExportKind::Func, f.0)
    }

    /// Exports a global.
    ///
    /// # Errors
    /// When the export name is already used.
    pub fn export_global(&mut self, name: &str, g: GlobalId) -> Result<(), GeneratorError> {
        self.export(name, ExportKind::Global, g.0)
    }

    /// Exports a memory.
    ///
    /// # Errors
    /// When the export name is already used.
    pub fn export_memory(&mut self, name: &str, m: MemoryId) -> Result<(), GeneratorError> {
        self.export(name, ExportKind::Memory, m.0)
    }

    /// Runs `f` when the module is instantiated.
    pub fn set_start(&mut self, f: FuncId) {
        self.start = Some(f.0);
    }

    /// Encodes the module (with a name section for functions and parameters).
    ///
    /// # Errors
    /// When a declared function was never defined.
    pub fn finish(self) -> Result<Vec<u8>, GeneratorError> {
        let mut module = Module::new();
        let mut types = TypeSection::new();
        for t in &self.types {
            types.ty().function(
                t.params.iter().map(|v| v.val_type()),
                t.results.iter().map(|v| v.val_type()),
            );
        }
        module.section(&types);
        if !self.imports.is_empty() {
            let mut imports = ImportSection::new();
            for (m, n, t) in &self.imports {
                imports.import(m, n, EntityType::Function(*t));
            }
            module.section(&imports);
        }
        let mut funcs = FunctionSection::new();
        for f in &self.functions {
            funcs.function(f.ty);
        }
        module.section(&funcs);
        if !self.memories.is_empty() {
            let mut mems = MemorySection::new();
            for m in &self.memories {
                mems.memory(*m);
            }
            module.section(&mems);
        }
        if !self.globals.is_empty() {
            let mut globals = GlobalSection::new();
            for (_, ty, init) in &self.globals {
                globals.global(*ty, init);
            }
            module.section(&globals);
        }
        let mut exports = ExportSection::new();
        let mut seen = HashSet::new();
        for (name, kind, index) in &self.exports {
            if seen.insert(name) {
                exports.export(name, *kind, *index);
            }
        }
        module.section(&exports);
        if let Some(start) = self.start {
            module.section(&StartSection {
                function_index: start,
            });
        }
        let mut code = CodeSection::new();
        for f in &self.functions {
            let Some((locals, body)) = &f.body else {
                return Err(GeneratorError::Builder(format!(
                    "function `{}` was declared but never defined",
                    f.name
                )));
            };
            let mut func = Function::new_with_locals_types(locals.iter().copied());
            for i in body {
                func.instruction(i);
            }
            func.instruction(&Instruction::End);
            code.function(&func);
        }
        module.section(&code);
        module.section(&self.names());
        Ok(module.finish())
    }

    fn names(&self) -> NameSection {
        let mut names = NameSection::new();
        let base = self.imports.len() as u32;
        let mut funcs = NameMap::new();
        for (i, (_, n, _)) in self.imports.iter().enumerate() {
            funcs.append(i as u32, n);
        }
        let mut locals = IndirectNameMap::new();
        for (i, f) in self.functions.iter().enumerate() {
            funcs.append(base + i as u32, &f.name);
            if !f.param_names.is_empty() {
                let mut m = NameMap::new();
                for (j, n) in f.param_names.iter().enumerate().take(f.params) {
                    m.append(j as u32, n);
                }
                locals.append(base + i as u32, &m);
            }
        }
        names.functions(&funcs);
        names.locals(&locals);
        let mut globals = NameMap::new();
        for (i, (n, _, _)) in self.globals.iter().enumerate() {
            globals.append(i as u32, n);
        }
        names.globals(&globals);
        names
    }
}
