//! The syntax tree the parser builds. Every node that can be the subject of an
//! error carries the [`Span`] where it starts.

/// A position in the source: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
}

/// A type annotation as written (`i32`, `number`, ...), resolved by the checker.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeName {
    /// The name as written.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A whole source file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Program {
    /// Module-level items in source order.
    pub items: Vec<Item>,
}

/// A module-level item.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `[export] function name(params): ret { ... }`
    Function(Function),
    /// `[export] let|const name[: type] = init;`
    Global(VarDecl),
    /// `@external("module", "name") declare function name(params): ret;`
    Import(ImportDecl),
    /// `[export] class Name { fields; constructor(...) {...} methods }`
    Class(ClassDecl),
}

/// A class: an optional superclass, fields, an optional constructor,
/// methods and `static` members.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassDecl {
    /// Its name.
    pub name: String,
    /// Where the name is written.
    pub span: Span,
    /// The class it `extends`, if any.
    pub extends: Option<TypeName>,
    /// Fields in declaration order.
    pub fields: Vec<FieldDecl>,
    /// The constructor (its name is `constructor`, it has no result).
    pub constructor: Option<Function>,
    /// Methods.
    pub methods: Vec<Function>,
    /// `static` fields: module variables named `Class.field`.
    pub static_fields: Vec<FieldDecl>,
    /// `static` methods: functions named `Class.method`, without `this`.
    pub static_methods: Vec<Function>,
    /// The modifiers written on members (`private`, `protected`,
    /// `readonly`), one entry per member that has any. Accessors are the
    /// methods named `get:x` and `set:x`.
    pub modifiers: Vec<MemberModifiers>,
}

/// Who may use a class member, as TypeScript declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Access {
    /// `public` (the default): anywhere.
    #[default]
    Public,
    /// `protected`: inside the class and the classes that extend it.
    Protected,
    /// `private`: inside the class.
    Private,
}

/// The modifiers of one class member.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberModifiers {
    /// The member's name (`get:x`/`set:x` for accessors).
    pub name: String,
    /// Whether it is a `static` member.
    pub is_static: bool,
    /// Where the name is written.
    pub span: Span,
    /// `public`, `protected` or `private`.
    pub access: Access,
    /// `readonly` (fields only).
    pub readonly: bool,
    /// Whether the field has an initializer where it is declared (a
    /// `readonly` one can then not be assigned at all, as in
    /// AssemblyScript).
    pub initialized: bool,
}

/// A field `name: T [= init];`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDecl {
    /// Its name.
    pub name: String,
    /// Where the name is written.
    pub span: Span,
    /// The declared type, if any.
    pub ty: Option<TypeName>,
    /// The initializer, run first by the constructor, if any.
    pub init: Option<Expr>,
}

/// A host function the module imports.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportDecl {
    /// The import module (the first argument of `@external`).
    pub module: String,
    /// The import name (the second argument of `@external`, else the
    /// function's name).
    pub import_name: String,
    /// The name the source calls it by.
    pub name: String,
    /// Where the name is written.
    pub span: Span,
    /// The parameters in order.
    pub params: Vec<Param>,
    /// The declared result type, if any.
    pub result: Option<TypeName>,
}

/// A function declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// Whether it is `export`ed.
    pub exported: bool,
    /// Its name.
    pub name: String,
    /// Where the name is written.
    pub span: Span,
    /// The parameters in order.
    pub params: Vec<Param>,
    /// The declared result type, if any.
    pub result: Option<TypeName>,
    /// The statements of the body.
    pub body: Vec<Stmt>,
    /// Where the closing `}` of the body is.
    pub end: Span,
}

/// A function parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Its name.
    pub name: String,
    /// Where the name is written.
    pub span: Span,
    /// Its declared type, if any.
    pub ty: Option<TypeName>,
}

/// A `let` or `const` declaration, local or module-level.
#[derive(Debug, Clone, PartialEq)]
pub struct VarDecl {
    /// Whether it is `export`ed (module level only).
    pub exported: bool,
    /// `const` rather than `let`.
    pub constant: bool,
    /// The name declared.
    pub name: String,
    /// Where the name is written.
    pub span: Span,
    /// The declared type, if any.
    pub ty: Option<TypeName>,
    /// The initializer, if any.
    pub init: Option<Expr>,
}

/// A statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    /// What the statement is.
    pub kind: StmtKind,
    /// Where it starts.
    pub span: Span,
}

/// The kinds of statement.
#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// `let a = 1, b = 2;` (one entry per declarator).
    Var(Vec<VarDecl>),
    /// An expression followed by `;`.
    Expr(Expr),
    /// `{ ... }`
    Block(Vec<Stmt>),
    /// `if (cond) then else otherwise`
    If {
        /// The condition.
        cond: Expr,
        /// The statement run when the condition holds.
        then: Box<Stmt>,
        /// The optional `else` branch.
        otherwise: Option<Box<Stmt>>,
    },
    /// `while (cond) body`
    While {
        /// The condition, tested before each iteration.
        cond: Expr,
        /// The loop body.
        body: Box<Stmt>,
    },
    /// `do body while (cond);`
    DoWhile {
        /// The loop body.
        body: Box<Stmt>,
        /// The condition, tested after each iteration.
        cond: Expr,
    },
    /// `for (init; cond; update) body`
    For {
        /// The initializer statement, if any.
        init: Option<Box<Stmt>>,
        /// The condition, if any (none means `true`).
        cond: Option<Expr>,
        /// The update expression, if any.
        update: Option<Expr>,
        /// The loop body.
        body: Box<Stmt>,
    },
    /// `break [label];`
    Break(Option<String>),
    /// `continue [label];`
    Continue(Option<String>),
    /// `return [value];`
    Return(Option<Expr>),
    /// `label: statement`
    Labeled {
        /// The label.
        label: String,
        /// The labelled statement.
        body: Box<Stmt>,
    },
    /// `switch (discriminant) { case test: ... default: ... }`
    Switch {
        /// The value compared with each case.
        discriminant: Expr,
        /// The cases in source order.
        cases: Vec<SwitchCase>,
    },
    /// `;`
    Empty,
}

/// One `case test:` (or `default:` when `test` is `None`) of a `switch`.
#[derive(Debug, Clone, PartialEq)]
pub struct SwitchCase {
    /// The value compared, `None` for `default`.
    pub test: Option<Expr>,
    /// The statements up to the next case.
    pub body: Vec<Stmt>,
    /// Where `case`/`default` is written.
    pub span: Span,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Where it starts (for a binary expression: where its operator is).
    pub span: Span,
}

/// Binary operators (not assignment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `>>>`
    ShrU,
    /// `==` or `===`
    Eq,
    /// `!=` or `!==`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `**`
    Pow,
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Plus,
    /// `!x`
    Not,
    /// `~x`
    BitNot,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// An integer literal.
    Int(u64),
    /// A floating-point literal.
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// A string literal, as UTF-16 code units.
    Str(Vec<u16>),
    /// A template literal: `quasis[0] ${exprs[0]} quasis[1] ...` (one more
    /// text part than expressions).
    Template {
        /// The text parts, as UTF-16 code units.
        quasis: Vec<Vec<u16>>,
        /// The substituted expressions.
        exprs: Vec<Expr>,
    },
    /// A variable.
    Ident(String),
    /// `object.property` (`Math.PI`, `s.length`), possibly called as a method.
    Member {
        /// The object.
        object: Box<Expr>,
        /// The property.
        property: String,
    },
    /// `lhs op rhs`
    Binary {
        /// The operator.
        op: BinOp,
        /// The left operand.
        lhs: Box<Expr>,
        /// The right operand.
        rhs: Box<Expr>,
    },
    /// `op operand`
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// `target = value` or `target op= value`.
    Assign {
        /// The compound operator, or `None` for plain `=`.
        op: Option<BinOp>,
        /// The variable assigned.
        target: String,
        /// Where the target is written.
        target_span: Span,
        /// The value.
        value: Box<Expr>,
    },
    /// `++x`, `x++`, `--x`, `x--`.
    Update {
        /// `true` for `++`, `false` for `--`.
        increment: bool,
        /// `true` for the prefix form (value after the update).
        prefix: bool,
        /// The variable updated.
        target: String,
    },
    /// `cond ? then : otherwise`
    Conditional {
        /// The condition.
        cond: Box<Expr>,
        /// The value when it holds.
        then: Box<Expr>,
        /// The value otherwise.
        otherwise: Box<Expr>,
    },
    /// `name<T>`, the callee of a call of one of AssemblyScript's generic
    /// built-ins (`reinterpret<u64>(x)`, `clz<i32>(x)`).
    Generic {
        /// The built-in's name.
        name: String,
        /// The type argument.
        ty: TypeName,
    },
    /// `callee(args)`
    Call {
        /// The function called (an identifier or `Math.name`).
        callee: Box<Expr>,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// `object[index]`
    Index {
        /// The array.
        object: Box<Expr>,
        /// The index.
        index: Box<Expr>,
    },
    /// `object[index] = value` or `object[index] op= value`.
    IndexAssign {
        /// The compound operator, or `None` for plain `=`.
        op: Option<BinOp>,
        /// The array.
        object: Box<Expr>,
        /// The index.
        index: Box<Expr>,
        /// The value.
        value: Box<Expr>,
    },
    /// `[a, b, c]`
    ArrayLit(Vec<Expr>),
    /// `new Name<T>(args)`
    New {
        /// The class with its type arguments (`Array<i32>`, `Uint8Array`).
        class: TypeName,
        /// The constructor's arguments.
        args: Vec<Expr>,
    },
    /// `this`
    This,
    /// `null`
    Null,
    /// `object.property = value` or `object.property op= value`.
    MemberAssign {
        /// The compound operator, or `None` for plain `=`.
        op: Option<BinOp>,
        /// The object.
        object: Box<Expr>,
        /// The field.
        property: String,
        /// The value.
        value: Box<Expr>,
    },
    /// `value as type`
    Cast {
        /// The value converted.
        value: Box<Expr>,
        /// The target type.
        ty: TypeName,
    },
}
