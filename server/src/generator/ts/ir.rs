//! The typed intermediate form the checker produces and codegen consumes.
//! Every expression has a resolved [`Type`]; variables are wasm local or global
//! indices; operators are already the wasm instruction for their operand type;
//! implicit conversions are explicit nodes.

use wasm_encoder::{Instruction, ValType};

/// The value types of the subset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    /// 32-bit integer (signed in arithmetic).
    I32,
    /// 64-bit integer (signed in arithmetic).
    I64,
    /// 32-bit float.
    F32,
    /// 64-bit float (also TypeScript's `number`).
    F64,
    /// `bool`/`boolean`, stored as an `i32` holding 0 or 1.
    Bool,
    /// No value.
    Void,
}

impl Type {
    /// The wasm type that holds a value of this type, `None` for `void`.
    pub fn val_type(self) -> Option<ValType> {
        match self {
            Type::I32 | Type::Bool => Some(ValType::I32),
            Type::I64 => Some(ValType::I64),
            Type::F32 => Some(ValType::F32),
            Type::F64 => Some(ValType::F64),
            Type::Void => None,
        }
    }

    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Type::I32 => "i32",
            Type::I64 => "i64",
            Type::F32 => "f32",
            Type::F64 => "f64",
            Type::Bool => "bool",
            Type::Void => "void",
        }
    }

    /// Whether the type is `i32` or `i64`.
    pub fn is_integer(self) -> bool {
        matches!(self, Type::I32 | Type::I64)
    }

    /// Whether the type is `f32` or `f64`.
    pub fn is_float(self) -> bool {
        matches!(self, Type::F32 | Type::F64)
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
    /// The built-in `Math.random` generator.
    Random,
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
    /// Module-level variables in source order.
    pub globals: Vec<TGlobal>,
    /// Initialization of globals whose initializer is not a constant, run by
    /// the start function, with the locals it needs.
    pub start: Option<TFunction>,
    /// Whether `Math.random` is used (the generator is then emitted).
    pub uses_random: bool,
    /// Warnings (unread variables), in source order.
    pub warnings: Vec<crate::generator::error::Diagnostic>,
}
