//! Classes: the table of classes (field layouts, methods), and the
//! functions each class becomes. A method `m` of class `C` is the function
//! `C#m(this: C, ...)`; the constructor is `C#constructor(this: C, ...): C`,
//! which runs the field initializers, then the constructor's body, and
//! returns `this` (`new C(...)` allocates the zeroed instance and calls it).
//!
//! A class that `extends` another starts with its parent's fields at the
//! same offsets, so an instance is also one of every class it extends; its
//! constructor calls `super(...)` first, then runs its own field
//! initializers. A method call dispatches on the instance's class (the
//! type id in its block header) when a class below the static type declares
//! the method again (see `expr/objects.rs`); `super.m()` calls the parent's
//! declaration directly. Static members are module items named `C.x`.

use std::collections::HashMap;

use super::{err, CResult};
use crate::generator::ts::ast::{
    self, Access, ClassDecl, Expr, ExprKind, Function, Param, Span, Stmt, StmtKind, TypeName,
};
use crate::generator::ts::ir::{TClass, Type};

/// One field of a class.
#[derive(Debug, Clone)]
pub(super) struct FieldInfo {
    pub ty: Type,
    pub offset: u32,
}

/// What the checker knows of a class.
#[derive(Debug, Clone)]
pub(super) struct ClassInfo {
    pub name: String,
    /// Its fields, the inherited ones included (at the same offsets).
    pub fields: HashMap<String, FieldInfo>,
    pub size: u32,
    pub references: Vec<u32>,
    /// The class it extends.
    pub parent: Option<u32>,
    /// The methods it declares itself (not the inherited ones); accessors
    /// are the methods `get:x` and `set:x`.
    pub own_methods: Vec<String>,
    /// The modifiers of its instance members that have any (fields,
    /// methods and accessors, the inherited ones included), by name.
    pub members: HashMap<String, Modifiers>,
    /// The modifiers of its own static members that have any, by name.
    pub statics: HashMap<String, Modifiers>,
}

/// The modifiers of a member and the class that declares it.
#[derive(Debug, Clone)]
pub(super) struct Modifiers {
    pub owner: u32,
    pub access: Access,
    pub readonly: bool,
    pub initialized: bool,
    /// Where the member is declared (a field's initializer, which the
    /// constructor runs, is an assignment at this position).
    pub span: Span,
}

impl ClassInfo {
    pub fn layout(&self) -> TClass {
        TClass {
            name: self.name.clone(),
            size: self.size,
            references: self.references.clone(),
        }
    }
}

/// The name of the function a method becomes.
pub(super) fn method_name(class: &str, method: &str) -> String {
    format!("{class}#{method}")
}

/// The type of a field: as declared, else from a literal initializer.
fn field_type(f: &ast::FieldDecl, resolve: &dyn Fn(&TypeName) -> CResult<Type>) -> CResult<Type> {
    if let Some(t) = &f.ty {
        let ty = resolve(t)?;
        if ty == Type::Void {
            return Err(err(t.span, "a field cannot be `void`"));
        }
        return Ok(ty);
    }
    match f.init.as_ref().map(|e| &e.kind) {
        Some(ExprKind::Int(_)) => Ok(Type::I32),
        Some(ExprKind::Float(_)) => Ok(Type::F64),
        Some(ExprKind::Bool(_)) => Ok(Type::Bool),
        Some(ExprKind::Str(_) | ExprKind::Template { .. }) => Ok(Type::Str),
        _ => Err(err(
            f.span,
            format!(
                "field `{}` needs a type annotation, e.g. `{}: i32`",
                f.name, f.name
            ),
        )),
    }
}

/// The classes in an order where each comes after the class it extends
/// (by index into `decls`), or the error of an unknown or circular base.
pub(super) fn order(decls: &[&ClassDecl], names: &HashMap<String, u32>) -> CResult<Vec<usize>> {
    let mut parents = Vec::with_capacity(decls.len());
    for c in decls {
        parents.push(match &c.extends {
            Some(base) => Some(*names.get(&base.name).ok_or_else(|| {
                err(
                    base.span,
                    format!(
                        "cannot find class `{}` to extend (declare it with `class`)",
                        base.name
                    ),
                )
            })? as usize),
            None => None,
        });
    }
    let mut out = Vec::with_capacity(decls.len());
    let mut placed = vec![false; decls.len()];
    for start in 0..decls.len() {
        // Walk up to the first placed ancestor, then place the chain top-down.
        let mut chain = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at.filter(|i| !placed[*i]) {
            if chain.contains(&i) {
                return Err(err(
                    decls[i].span,
                    format!("class `{}` extends itself", decls[i].name),
                ));
            }
            chain.push(i);
            at = parents[i];
        }
        for i in chain.into_iter().rev() {
            placed[i] = true;
            out.push(i);
        }
    }
    Ok(out)
}

/// Lays out a class's fields: the inherited ones first (at the parent's
/// offsets), then its own in order, each aligned to its size.
pub(super) fn layout(
    c: &ClassDecl,
    own: u32,
    parent: Option<(u32, &ClassInfo)>,
    resolve: &dyn Fn(&TypeName) -> CResult<Type>,
) -> CResult<ClassInfo> {
    let mut fields = parent.map(|(_, p)| p.fields.clone()).unwrap_or_default();
    let mut offset = parent.map_or(0u32, |(_, p)| p.size);
    let mut references = parent.map(|(_, p)| p.references.clone()).unwrap_or_default();
    for f in &c.fields {
        let ty = field_type(f, resolve)?;
        let size = match ty {
            Type::I8 | Type::U8 | Type::Bool => 1,
            Type::I16 | Type::U16 => 2,
            Type::I64 | Type::U64 | Type::F64 => 8,
            _ => 4,
        };
        offset = offset.div_ceil(size) * size;
        if fields.insert(f.name.clone(), FieldInfo { ty, offset }).is_some() {
            let inherited = parent.filter(|(_, p)| p.fields.contains_key(&f.name));
            return Err(err(
                f.span,
                match inherited {
                    Some((_, p)) => format!("field `{}` is already declared by `{}`", f.name, p.name),
                    None => format!("duplicate field `{}`", f.name),
                },
            ));
        }
        if ty.is_reference() {
            references.push(offset);
        }
        offset += size;
    }
    let mut members = parent.map(|(_, p)| p.members.clone()).unwrap_or_default();
    // A member declared again (an overriding method) takes its new modifiers.
    for m in &c.methods {
        members.remove(&m.name);
    }
    let mut statics = HashMap::new();
    for m in &c.modifiers {
        let mods = Modifiers {
            owner: own,
            access: m.access,
            readonly: m.readonly,
            initialized: m.initialized,
            span: m.span,
        };
        if m.is_static {
            statics.insert(m.name.clone(), mods);
        } else {
            members.insert(m.name.clone(), mods);
        }
    }
    for m in &c.methods {
        if let Some(name) = m.name.strip_prefix("get:").or(m.name.strip_prefix("set:")) {
            if fields.contains_key(name) {
                return Err(err(
                    m.span,
                    format!("`{name}` is both a field and an accessor of `{}`", c.name),
                ));
            }
        }
    }
    Ok(ClassInfo {
        name: c.name.clone(),
        fields,
        size: offset,
        references,
        parent: parent.map(|(i, _)| i),
        own_methods: c.methods.iter().map(|m| m.name.clone()).collect(),
        members,
        statics,
    })
}

/// The parameters `new C(...)` takes: those of C's constructor, else those
/// of the nearest ancestor's (an implicit constructor passes them to
/// `super`), else none.
pub(super) fn constructor_params(
    decls: &[&ClassDecl],
    names: &HashMap<String, u32>,
    c: &ClassDecl,
) -> Vec<Param> {
    let mut at = Some(c);
    // The number of classes bounds the walk (a cycle is reported elsewhere).
    for _ in 0..=decls.len() {
        let Some(k) = at else { break };
        if let Some(ctor) = &k.constructor {
            return ctor.params.clone();
        }
        at = k
            .extends
            .as_ref()
            .and_then(|b| names.get(&b.name))
            .and_then(|i| decls.get(*i as usize).copied());
    }
    Vec::new()
}

/// Whether `s` is the statement `super(...);`.
fn is_super_call(s: &Stmt) -> bool {
    matches!(&s.kind, StmtKind::Expr(Expr { kind: ExprKind::Call { callee, .. }, .. })
        if matches!(&callee.kind, ExprKind::Ident(n) if n == "super"))
}

fn this_param(c: &ClassDecl, span: Span) -> Param {
    Param {
        name: "this".to_string(),
        span,
        ty: Some(TypeName {
            name: c.name.clone(),
            span,
        }),
    }
}

/// `return;` in a constructor returns `this`.
fn return_this(stmts: &mut [Stmt]) {
    for s in stmts {
        match &mut s.kind {
            StmtKind::Return(v @ None) => {
                *v = Some(Expr {
                    kind: ExprKind::This,
                    span: s.span,
                })
            }
            StmtKind::Block(b) => return_this(b),
            StmtKind::If { then, otherwise, .. } => {
                return_this(std::slice::from_mut(then));
                if let Some(o) = otherwise {
                    return_this(std::slice::from_mut(o));
                }
            }
            StmtKind::While { body, .. }
            | StmtKind::DoWhile { body, .. }
            | StmtKind::For { body, .. }
            | StmtKind::Labeled { body, .. } => return_this(std::slice::from_mut(body)),
            StmtKind::Switch { cases, .. } => {
                for c in cases {
                    return_this(&mut c.body);
                }
            }
            _ => {}
        }
    }
}

/// The program with each class's `static` members as module items right
/// after the class: a static field `x` of class `C` is the module variable
/// `C.x` (initialized in declaration order with the other module
/// variables), a static method `m` the function `C.m`. `None` when no class
/// has static members.
pub(super) fn with_statics(program: &ast::Program) -> Option<ast::Program> {
    let has_statics = program.items.iter().any(
        |i| matches!(i, ast::Item::Class(c) if !c.static_fields.is_empty() || !c.static_methods.is_empty()),
    );
    if !has_statics {
        return None;
    }
    let mut items = Vec::with_capacity(program.items.len());
    for item in &program.items {
        items.push(item.clone());
        let ast::Item::Class(c) = item else { continue };
        for f in &c.static_fields {
            items.push(ast::Item::Global(ast::VarDecl {
                exported: false,
                constant: false,
                name: static_name(&c.name, &f.name),
                span: f.span,
                ty: f.ty.clone(),
                init: f.init.clone(),
            }));
        }
        for m in &c.static_methods {
            items.push(ast::Item::Function(Function {
                name: static_name(&c.name, &m.name),
                ..m.clone()
            }));
        }
    }
    Some(ast::Program { items })
}

/// The module-level name of static member `member` of `class`.
pub(super) fn static_name(class: &str, member: &str) -> String {
    format!("{class}.{member}")
}

/// The functions a class becomes: its constructor (always, running the
/// field initializers) and its methods. In a class that extends another,
/// the constructor's first statement must be `super(...)`, and the field
/// initializers run after it; without a constructor, one that passes its
/// arguments to `super` (`inherited` are the parameters it then takes).
pub(super) fn functions(c: &ClassDecl, inherited: &[Param]) -> CResult<Vec<Function>> {
    let mut out = Vec::new();
    let (params, mut body, span, end) = match &c.constructor {
        Some(k) => (k.params.clone(), k.body.clone(), k.span, k.end),
        None if c.extends.is_some() => {
            let args = inherited
                .iter()
                .map(|p| Expr {
                    kind: ExprKind::Ident(p.name.clone()),
                    span: c.span,
                })
                .collect();
            let call = Stmt {
                kind: StmtKind::Expr(Expr {
                    kind: ExprKind::Call {
                        callee: Box::new(Expr {
                            kind: ExprKind::Ident("super".to_string()),
                            span: c.span,
                        }),
                        args,
                    },
                    span: c.span,
                }),
                span: c.span,
            };
            (inherited.to_vec(), vec![call], c.span, c.span)
        }
        None => (Vec::new(), Vec::new(), c.span, c.span),
    };
    return_this(&mut body);
    // Field initializers go after `super(...)` in a derived class.
    let mut full = Vec::new();
    if c.extends.is_some() {
        match body.first() {
            Some(s) if is_super_call(s) => full.push(body.remove(0)),
            _ => {
                return Err(err(
                    span,
                    format!(
                        "the constructor of `{}` must call `super(...)` first: it extends another class",
                        c.name
                    ),
                ))
            }
        }
    }
    for f in &c.fields {
        if let Some(init) = &f.init {
            full.push(Stmt {
                kind: StmtKind::Expr(Expr {
                    kind: ExprKind::MemberAssign {
                        op: None,
                        object: Box::new(Expr {
                            kind: ExprKind::This,
                            span: f.span,
                        }),
                        property: f.name.clone(),
                        value: Box::new(init.clone()),
                    },
                    span: f.span,
                }),
                span: f.span,
            });
        }
    }
    full.extend(body);
    full.push(Stmt {
        kind: StmtKind::Return(Some(Expr {
            kind: ExprKind::This,
            span: end,
        })),
        span: end,
    });
    let mut all_params = vec![this_param(c, span)];
    all_params.extend(params);
    out.push(Function {
        exported: false,
        name: method_name(&c.name, "constructor"),
        span,
        params: all_params,
        result: Some(TypeName {
            name: c.name.clone(),
            span,
        }),
        body: full,
        end,
    });
    for m in &c.methods {
        let mut params = vec![this_param(c, m.span)];
        params.extend(m.params.iter().cloned());
        out.push(Function {
            exported: false,
            name: method_name(&c.name, &m.name),
            span: m.span,
            params,
            result: m.result.clone(),
            body: m.body.clone(),
            end: m.end,
        });
    }
    Ok(out)
}
