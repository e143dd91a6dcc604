//! The typed intermediate form the checker produces and codegen consumes.
//! Every expression has a resolved [`Type`]; variables are wasm local or global
//! indices; operators are already the wasm instruction for their operand type;
//! implicit conversions are explicit nodes.

use wasm_encoder::{Instruction, ValType};

/// The value types of the subset. `isize`/`usize` are `i32`/`u32` (wasm32).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    /// 8-bit signed integer, held sign-extended in an `i32`.
    I8,
    /// 16-bit signed integer, held sign-extended in an `i32`.
    I16,
    /// 32-bit signed integer.
    I32,
    /// 64-bit signed integer.
    I64,
    /// 8-bit unsigned integer, held zero-extended in an `i32`.
    U8,
    /// 16-bit unsigned integer, held zero-extended in an `i32`.
    U16,
    /// 32-bit unsigned integer (also `usize`).
    U32,
    /// 64-bit unsigned integer.
    U64,
    /// 32-bit float.
    F32,
    /// 64-bit float (also TypeScript's `number`).
    F64,
    /// `bool`/`boolean`, stored as an `i32` holding 0 or 1.
    Bool,
    /// A reference to an immutable UTF-16 string in linear memory (an `i32`
    /// address; see the `prelude` module for the layout).
    Str,
    /// A growable `Array<T>` / `T[]` of numbers, `bool` or strings (an `i32`
    /// address).
    Array(Elem),
    /// A fixed-length typed array (`Uint8Array`, `Float64Array`, ...), laid
    /// out as an array.
    TypedArray(Elem),
    /// An instance of the program's class number `n` (an `i32` address).
    Class(u32),
    /// No value.
    Void,
}

impl Type {
    /// The wasm type that holds a value of this type, `None` for `void`.
    pub fn val_type(self) -> Option<ValType> {
        match self {
            Type::I64 | Type::U64 => Some(ValType::I64),
            Type::F32 => Some(ValType::F32),
            Type::F64 => Some(ValType::F64),
            Type::Void => None,
            _ => Some(ValType::I32),
        }
    }

    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Type::I8 => "i8",
            Type::I16 => "i16",
            Type::I32 => "i32",
            Type::I64 => "i64",
            Type::U8 => "u8",
            Type::U16 => "u16",
            Type::U32 => "u32",
            Type::U64 => "u64",
            Type::F32 => "f32",
            Type::F64 => "f64",
            Type::Bool => "bool",
            Type::Str => "string",
            Type::Void => "void",
            Type::Array(e) => e.array_name(),
            Type::TypedArray(e) => e.typed_array_name(),
            // Messages about classes name them through the checker.
            Type::Class(_) => "object",
        }
    }

    /// Whether the type is one of the integer types (not `bool`).
    pub fn is_integer(self) -> bool {
        matches!(
            self,
            Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::U8 | Type::U16 | Type::U32 | Type::U64
        )
    }

    /// Whether the type is a signed integer.
    pub fn is_signed(self) -> bool {
        matches!(self, Type::I8 | Type::I16 | Type::I32 | Type::I64)
    }

    /// Whether the type is held in an `i64`.
    pub fn is_64(self) -> bool {
        matches!(self, Type::I64 | Type::U64)
    }

    /// Whether the type is an 8- or 16-bit integer, which arithmetic wraps
    /// back into range.
    pub fn is_small(self) -> bool {
        matches!(self, Type::I8 | Type::I16 | Type::U8 | Type::U16)
    }

    /// The size in bits of a number or `bool` (AssemblyScript's rule for
    /// implicit conversions compares sizes), 0 for other types.
    pub fn bits(self) -> u32 {
        match self {
            Type::Bool => 1,
            Type::I8 | Type::U8 => 8,
            Type::I16 | Type::U16 => 16,
            Type::I32 | Type::U32 | Type::F32 => 32,
            Type::I64 | Type::U64 | Type::F64 => 64,
            Type::Str | Type::Void | Type::Array(_) | Type::TypedArray(_) | Type::Class(_) => 0,
        }
    }

    /// Whether the type is `f32` or `f64`.
    pub fn is_float(self) -> bool {
        matches!(self, Type::F32 | Type::F64)
    }

    /// Whether values of the type are numbers (integers or floats).
    pub fn is_number(self) -> bool {
        self.is_integer() || self.is_float()
    }

    /// Whether values of the type live in the managed heap.
    pub fn is_reference(self) -> bool {
        matches!(
            self,
            Type::Str | Type::Array(_) | Type::TypedArray(_) | Type::Class(_)
        )
    }

    /// The element type a value of this type can be stored as in an array.
    pub fn elem(self) -> Option<Elem> {
        Some(match self {
            Type::I8 => Elem::I8,
            Type::I16 => Elem::I16,
            Type::I32 => Elem::I32,
            Type::I64 => Elem::I64,
            Type::U8 => Elem::U8,
            Type::U16 => Elem::U16,
            Type::U32 => Elem::U32,
            Type::U64 => Elem::U64,
            Type::F32 => Elem::F32,
            Type::F64 => Elem::F64,
            Type::Bool => Elem::Bool,
            Type::Str => Elem::Str,
            Type::Class(c) => Elem::Obj(c),
            _ => return None,
        })
    }
}

/// The element type of an array: a number, `bool` or `string`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Elem {
    /// `i8`
    I8,
    /// `i16`
    I16,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `u8`
    U8,
    /// `u16`
    U16,
    /// `u32`
    U32,
    /// `u64`
    U64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `bool`, one byte
    Bool,
    /// `string` (a reference the collector follows)
    Str,
    /// An instance of class number `n` (a reference the collector follows)
    Obj(u32),
}

impl Elem {
    /// The type of an element.
    pub fn ty(self) -> Type {
        match self {
            Elem::I8 => Type::I8,
            Elem::I16 => Type::I16,
            Elem::I32 => Type::I32,
            Elem::I64 => Type::I64,
            Elem::U8 => Type::U8,
            Elem::U16 => Type::U16,
            Elem::U32 => Type::U32,
            Elem::U64 => Type::U64,
            Elem::F32 => Type::F32,
            Elem::F64 => Type::F64,
            Elem::Bool => Type::Bool,
            Elem::Str => Type::Str,
            Elem::Obj(c) => Type::Class(c),
        }
    }

    /// Whether elements are references the collector follows.
    pub fn is_reference(self) -> bool {
        matches!(self, Elem::Str | Elem::Obj(_))
    }

    /// log2 of the size of an element in bytes.
    pub fn shift(self) -> u32 {
        match self {
            Elem::I8 | Elem::U8 | Elem::Bool => 0,
            Elem::I16 | Elem::U16 => 1,
            Elem::I32 | Elem::U32 | Elem::F32 | Elem::Str | Elem::Obj(_) => 2,
            Elem::I64 | Elem::U64 | Elem::F64 => 3,
        }
    }

    fn array_name(self) -> &'static str {
        match self {
            Elem::I8 => "i8[]",
            Elem::I16 => "i16[]",
            Elem::I32 => "i32[]",
            Elem::I64 => "i64[]",
            Elem::U8 => "u8[]",
            Elem::U16 => "u16[]",
            Elem::U32 => "u32[]",
            Elem::U64 => "u64[]",
            Elem::F32 => "f32[]",
            Elem::F64 => "f64[]",
            Elem::Bool => "bool[]",
            Elem::Str => "string[]",
            Elem::Obj(_) => "object[]",
        }
    }

    fn typed_array_name(self) -> &'static str {
        match self {
            Elem::I8 => "Int8Array",
            Elem::I16 => "Int16Array",
            Elem::I32 => "Int32Array",
            Elem::I64 => "Int64Array",
            Elem::U8 | Elem::Bool => "Uint8Array",
            Elem::U16 => "Uint16Array",
            Elem::U32 => "Uint32Array",
            Elem::U64 => "Uint64Array",
            Elem::F32 => "Float32Array",
            Elem::F64 => "Float64Array",
            Elem::Str | Elem::Obj(_) => "object[]",
        }
    }

    /// The typed array class of this element type, by name.
    pub fn from_typed_array(name: &str) -> Option<Elem> {
        Some(match name {
            "Int8Array" => Elem::I8,
            "Int16Array" => Elem::I16,
            "Int32Array" => Elem::I32,
            "Int64Array" => Elem::I64,
            "Uint8Array" => Elem::U8,
            "Uint16Array" => Elem::U16,
            "Uint32Array" => Elem::U32,
            "Uint64Array" => Elem::U64,
            "Float32Array" => Elem::F32,
            "Float64Array" => Elem::F64,
            _ => return None,
        })
    }
}

/// A typed expression.
#[derive(Debug, Clone)]
pub struct TExpr {
    /// What it computes.
    pub kind: TExprKind,
    /// Its type.
    pub ty: Type,
}

/// The callee of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callee {
    /// A function of the program, by its index among the program's functions.
    User(u32),
    /// The built-in generator: `Math.random` (an `f64`) or, with `f32`,
    /// `Mathf.random`; both advance the same state.
    Random {
        /// Whether the result is an `f32` (`Mathf.random`).
        f32: bool,
    },
    /// A function of the runtime prelude (see [`prelude`](super::prelude)),
    /// by name; only the prelude functions a program reaches are emitted.
    Runtime(&'static str),
    /// A host function declared with `@external`, by its index among the
    /// program's imports.
    Import(u32),
}

/// Typed expression forms.
#[derive(Debug, Clone)]
pub enum TExprKind {
    /// A constant; its instruction is one of the `*.const` instructions.
    Const(Instruction<'static>),
    /// Read a local.
    Local(u32),
    /// Read a module global.
    Global(u32),
    /// Write a local; with `tee` the value is also the expression's value.
    SetLocal {
        /// The local index.
        index: u32,
        /// The value written.
        value: Box<TExpr>,
        /// Whether the value is kept on the stack.
        tee: bool,
    },
    /// Write a global; with `keep` the value is also the expression's value.
    SetGlobal {
        /// The global index.
        index: u32,
        /// The value written.
        value: Box<TExpr>,
        /// Whether the value is read back as the expression's value.
        keep: bool,
    },
    /// `lhs rhs instr`
    Binary {
        /// The wasm instruction.
        instr: Instruction<'static>,
        /// The first operand.
        lhs: Box<TExpr>,
        /// The second operand.
        rhs: Box<TExpr>,
    },
    /// `operand instr`
    Unary {
        /// The wasm instruction (an operator or a conversion).
        instr: Instruction<'static>,
        /// The operand.
        operand: Box<TExpr>,
    },
    /// Any instruction applied to its operands in order (memory access and
    /// other built-ins of the runtime prelude).
    Op {
        /// The wasm instruction.
        instr: Instruction<'static>,
        /// The operands.
        args: Vec<TExpr>,
    },
    /// Evaluate `effects` (each of type `void`), then `value`.
    Seq {
        /// Side effects, in order.
        effects: Vec<TExpr>,
        /// The expression's value.
        value: Box<TExpr>,
    },
    /// Short-circuit `&&` (`and == true`) or `||` on two `bool`s.
    Logical {
        /// `true` for `&&`.
        and: bool,
        /// The first operand.
        lhs: Box<TExpr>,
        /// The second operand, evaluated only when needed.
        rhs: Box<TExpr>,
    },
    /// `cond ? then : otherwise`
    Conditional {
        /// The `bool` condition.
        cond: Box<TExpr>,
        /// The value when it holds.
        then: Box<TExpr>,
        /// The value otherwise.
        otherwise: Box<TExpr>,
    },
    /// A call.
    Call {
        /// What is called.
        callee: Callee,
        /// Arguments, converted to the parameter types.
        args: Vec<TExpr>,
    },
    /// A string literal (UTF-16 code units): codegen lays each distinct one
    /// out once in the module's static data.
    Str(Vec<u16>),
    /// The address of the program's static data blob `n` (a `u32`; see
    /// [`TProgram::data`]): codegen lays out each blob a reached function
    /// uses once, in the module's memory.
    Data(u32),
    /// Evaluate `value`, then `effect` (which leaves nothing on the stack):
    /// the value of a postfix `x++`.
    ValueThen {
        /// The expression's value.
        value: Box<TExpr>,
        /// A side effect of type `void`.
        effect: Box<TExpr>,
    },
}

/// A loop's identity, used by `break` and `continue`.
pub type LabelId = u32;

/// Typed statements.
#[derive(Debug, Clone)]
pub enum TStmt {
    /// An expression evaluated for its effect (a value is dropped).
    Expr(TExpr),
    /// `if`/`else`.
    If {
        /// The `bool` condition.
        cond: TExpr,
        /// Statements run when it holds.
        then: Vec<TStmt>,
        /// Statements run otherwise.
        otherwise: Vec<TStmt>,
    },
    /// Any loop: `pre_test` is tested before each iteration, `post_test`
    /// after the body and `update`.
    Loop {
        /// The label `break` and `continue` target.
        id: LabelId,
        /// Condition tested before the body (`while`, `for`).
        pre_test: Option<TExpr>,
        /// The body.
        body: Vec<TStmt>,
        /// Run after the body and after `continue` (`for`).
        update: Option<TExpr>,
        /// Condition tested after the body (`do`/`while`).
        post_test: Option<TExpr>,
    },
    /// A labelled non-loop statement that `break label` leaves.
    Block {
        /// The label.
        id: LabelId,
        /// Its statements.
        body: Vec<TStmt>,
    },
    /// Leave the loop or labelled block `id`.
    Break(LabelId),
    /// Start the next iteration of loop `id`.
    Continue(LabelId),
    /// Return, with a value for non-void functions.
    Return(Option<TExpr>),
    /// `switch`: the first test that holds enters its case's body, and
    /// control falls through the following bodies until a `break`.
    Switch {
        /// The label `break` targets.
        id: LabelId,
        /// Evaluated first (it stores the discriminant in a local).
        discriminant: Box<TExpr>,
        /// `(test, case index)` in source order.
        tests: Vec<(TExpr, usize)>,
        /// The case entered when no test holds, if there is a `default`.
        default: Option<usize>,
        /// The bodies of the cases in source order.
        bodies: Vec<Vec<TStmt>>,
    },
}

/// A checked function.
#[derive(Debug, Clone)]
pub struct TFunction {
    /// Its name.
    pub name: String,
    /// Whether it is exported under its name.
    pub exported: bool,
    /// Parameter names and types.
    pub params: Vec<(String, Type)>,
    /// The result type.
    pub result: Type,
    /// Types of the locals after the parameters.
    pub locals: Vec<Type>,
    /// The body.
    pub body: Vec<TStmt>,
}

/// A host function declared with `@external("module", "name") declare
/// function f(...): R;`.
#[derive(Debug, Clone)]
pub struct TImport {
    /// The import module, e.g. `echelon`.
    pub module: String,
    /// The import name.
    pub name: String,
    /// The name the source calls it by.
    pub local: String,
    /// Parameter types as declared (`string` lowers to a pointer/length pair).
    pub params: Vec<Type>,
    /// The declared result (`string` comes back as a packed `i64`).
    pub result: Type,
}

/// A class's layout, for allocation and for the collector.
#[derive(Debug, Clone)]
pub struct TClass {
    /// Its name.
    pub name: String,
    /// The size of an instance's fields in bytes.
    pub size: u32,
    /// Offsets of the fields that hold references (strings, arrays, objects).
    pub references: Vec<u32>,
}

/// A checked module-level variable.
#[derive(Debug, Clone)]
pub struct TGlobal {
    /// Its name.
    pub name: String,
    /// Whether it is exported under its name.
    pub exported: bool,
    /// `let` (mutable) rather than `const`.
    pub mutable: bool,
    /// Its type.
    pub ty: Type,
    /// The constant initial value (a `*.const` instruction).
    pub init: Instruction<'static>,
}

/// A checked program.
#[derive(Debug, Clone)]
pub struct TProgram {
    /// Functions in source order.
    pub functions: Vec<TFunction>,
    /// Module-level variables in source order (the prelude's follow the
    /// source's).
    pub globals: Vec<TGlobal>,
    /// How many of `globals` (the first ones) come from the source.
    pub user_globals: usize,
    /// Initialization of globals whose initializer is not a constant, run by
    /// the start function, with the locals it needs.
    pub start: Option<TFunction>,
    /// Whether `Math.random` or `Mathf.random` is used (the generator is
    /// then emitted).
    pub uses_random: bool,
    /// How many of `functions` (the first ones) come from the source; the
    /// rest are the runtime prelude's.
    pub user_functions: usize,
    /// Host functions declared with `@external`.
    pub imports: Vec<TImport>,
    /// Classes, by the number `Type::Class` holds.
    pub classes: Vec<TClass>,
    /// Static data blobs (the prelude's math tables), by the number
    /// [`TExprKind::Data`] holds; 8-byte aligned when laid out.
    pub data: Vec<Vec<u8>>,

    /// Warnings (unread variables), in source order.
    pub warnings: Vec<crate::generator::error::Diagnostic>,
}

/// Calls `f` on every expression of `stmts`, outer expressions first.
pub fn visit_exprs<'a>(stmts: &'a [TStmt], f: &mut impl FnMut(&'a TExpr)) {
    for s in stmts {
        match s {
            TStmt::Expr(e) | TStmt::Return(Some(e)) => visit_expr(e, f),
            TStmt::If {
                cond,
                then,
                otherwise,
            } => {
                visit_expr(cond, f);
                visit_exprs(then, f);
                visit_exprs(otherwise, f);
            }
            TStmt::Loop {
                pre_test,
                body,
                update,
                post_test,
                ..
            } => {
                for e in [pre_test, update, post_test].into_iter().flatten() {
                    visit_expr(e, f);
                }
                visit_exprs(body, f);
            }
            TStmt::Block { body, .. } => visit_exprs(body, f),
            TStmt::Switch {
                discriminant,
                tests,
                bodies,
                ..
            } => {
                visit_expr(discriminant, f);
                for (t, _) in tests {
                    visit_expr(t, f);
                }
                for b in bodies {
                    visit_exprs(b, f);
                }
            }
            TStmt::Break(_) | TStmt::Continue(_) | TStmt::Return(None) => {}
        }
    }
}

/// Calls `f` on `e` and every expression inside it.
pub fn visit_expr<'a>(e: &'a TExpr, f: &mut impl FnMut(&'a TExpr)) {
    f(e);
    match &e.kind {
        TExprKind::Const(_)
        | TExprKind::Local(_)
        | TExprKind::Global(_)
        | TExprKind::Str(_)
        | TExprKind::Data(_) => {}
        TExprKind::SetLocal { value, .. } | TExprKind::SetGlobal { value, .. } => visit_expr(value, f),
        TExprKind::Binary { lhs, rhs, .. } | TExprKind::Logical { lhs, rhs, .. } => {
            visit_expr(lhs, f);
            visit_expr(rhs, f);
        }
        TExprKind::Unary { operand, .. } => visit_expr(operand, f),
        TExprKind::Op { args, .. } | TExprKind::Call { args, .. } => {
            for a in args {
                visit_expr(a, f);
            }
        }
        TExprKind::Conditional {
            cond,
            then,
            otherwise,
        } => {
            visit_expr(cond, f);
            visit_expr(then, f);
            visit_expr(otherwise, f);
        }
        TExprKind::ValueThen { value, effect } => {
            visit_expr(value, f);
            visit_expr(effect, f);
        }
        TExprKind::Seq { effects, value } => {
            for e in effects {
                visit_expr(e, f);
            }
            visit_expr(value, f);
        }
    }
}
