//! Class instances: `new C(...)`, `this`, field reads and writes, method
//! calls. A field access on a null reference traps (`__nonnull`), where
//! AssemblyScript would read or write near address 0.

use wasm_encoder::{Instruction as I, MemArg};

use super::{binary, runtime_call};
use crate::generator::ts::ast::{Access, BinOp, Expr, ExprKind, Span};
use crate::generator::ts::ir::{Callee, TExpr, TExprKind, Type};
use crate::generator::ts::types::classes::{method_name, Modifiers};
use crate::generator::ts::types::convert::{coerce, constant, ClassParents};
use crate::generator::ts::types::{err, CResult, FnCtx};

/// The block type id of class number `c` (ids 16 and up; see the prelude).
fn class_info_word(c: u32) -> i32 {
    ((16 + c) << 8) as i32
}

fn mem(offset: u32, ty: Type) -> MemArg {
    let align = match ty {
        Type::I8 | Type::U8 | Type::Bool => 0,
        Type::I16 | Type::U16 => 1,
        Type::I64 | Type::U64 | Type::F64 => 3,
        _ => 2,
    };
    MemArg {
        offset: u64::from(offset),
        align,
        memory_index: 0,
    }
}

fn load_field(object: TExpr, offset: u32, ty: Type) -> TExpr {
    let m = mem(offset, ty);
    let instr = match ty {
        Type::I8 => I::I32Load8S(m),
        Type::U8 | Type::Bool => I::I32Load8U(m),
        Type::I16 => I::I32Load16S(m),
        Type::U16 => I::I32Load16U(m),
        Type::I64 | Type::U64 => I::I64Load(m),
        Type::F32 => I::F32Load(m),
        Type::F64 => I::F64Load(m),
        _ => I::I32Load(m),
    };
    TExpr {
        kind: TExprKind::Op {
            instr,
            args: vec![nonnull(object)],
        },
        ty,
    }
}

fn store_field(object: TExpr, offset: u32, ty: Type, value: TExpr) -> TExpr {
    let m = mem(offset, ty);
    let instr = match ty {
        Type::I8 | Type::U8 | Type::Bool => I::I32Store8(m),
        Type::I16 | Type::U16 => I::I32Store16(m),
        Type::I64 | Type::U64 => I::I64Store(m),
        Type::F32 => I::F32Store(m),
        Type::F64 => I::F64Store(m),
        _ => I::I32Store(m),
    };
    TExpr {
        kind: TExprKind::Op {
            instr,
            args: vec![nonnull(object), value],
        },
        ty: Type::Void,
    }
}

/// The object itself, checked; it keeps the object's type, so codegen
/// still sees a reference to root (see the shadow stack).
fn set_local(index: u32, value: TExpr) -> TExpr {
    TExpr {
        kind: TExprKind::SetLocal {
            index,
            value: Box::new(value),
            tee: false,
        },
        ty: Type::Void,
    }
}

fn nonnull(object: TExpr) -> TExpr {
    let ty = object.ty;
    runtime_call("__nonnull", vec![object], ty)
}

impl FnCtx<'_> {
    fn class_name(&self, c: u32) -> &str {
        self.module
            .class_info
            .get(c as usize)
            .map_or("?", |i| i.name.as_str())
    }

    fn field(&self, c: u32, name: &str, span: Span) -> CResult<(u32, Type)> {
        let info = self
            .module
            .class_info
            .get(c as usize)
            .ok_or_else(|| err(span, "internal: unknown class"))?;
        info.fields
            .get(name)
            .map(|f| (f.offset, f.ty))
            .ok_or_else(|| err(span, format!("class `{}` has no field `{name}`", info.name)))
    }

    /// The modifiers of instance member `name` (`get:x`/`set:x` for
    /// accessors) of class `c`, if it has any.
    fn modifiers(&self, c: u32, name: &str) -> Option<&Modifiers> {
        self.module.class_info.get(c as usize)?.members.get(name)
    }

    /// The modifiers of static member `name` of the class named `class`.
    pub(in crate::generator::ts::types) fn static_modifiers(
        &self,
        class: &str,
        name: &str,
    ) -> Option<&Modifiers> {
        let c = *self.module.classes.get(class)?;
        self.module.class_info.get(c as usize)?.statics.get(name)
    }

    /// `private` members may be used only inside their class, `protected`
    /// ones inside it and the classes that extend it (TypeScript's rule).
    pub(in crate::generator::ts::types) fn check_access(
        &self,
        mods: Option<&Modifiers>,
        name: &str,
        span: Span,
    ) -> CResult<()> {
        let Some(m) = mods else { return Ok(()) };
        let shown = name
            .strip_prefix("get:")
            .or(name.strip_prefix("set:"))
            .unwrap_or(name);
        let owner = self.class_name(m.owner);
        match m.access {
            Access::Public => Ok(()),
            Access::Private if self.class == Some(m.owner) => Ok(()),
            Access::Protected if self.class.is_some_and(|k| ClassParents::extends(k, m.owner)) => Ok(()),
            Access::Private => Err(err(
                span,
                format!("property `{shown}` is private and only accessible within class `{owner}`"),
            )),
            Access::Protected => Err(err(
                span,
                format!(
                    "property `{shown}` is protected and only accessible within class `{owner}` and the classes that extend it"
                ),
            )),
        }
    }

    /// A `readonly` field may be assigned only in its class's constructor,
    /// and not at all when it has an initializer (as in AssemblyScript);
    /// the initializer itself is the constructor's assignment at the
    /// field's own position.
    fn check_readonly(&self, mods: Option<&Modifiers>, name: &str, span: Span) -> CResult<()> {
        let Some(m) = mods.filter(|m| m.readonly) else {
            return Ok(());
        };
        if self.in_constructor && self.class == Some(m.owner) && (!m.initialized || span == m.span) {
            return Ok(());
        }
        let owner = self.class_name(m.owner);
        Err(err(
            span,
            if m.initialized {
                format!("cannot assign to `{name}`: it is a read-only property of `{owner}`, set by its initializer")
            } else {
                format!("cannot assign to `{name}`: it is a read-only property of `{owner}`, set only in its constructor")
            },
        ))
    }

    /// `this` inside a method or constructor.
    pub(super) fn this(&mut self, span: Span) -> CResult<TExpr> {
        match self.lookup_local("this") {
            Some(l) => {
                self.reads.insert(l.index);
                Ok(TExpr {
                    kind: TExprKind::Local(l.index),
                    ty: l.ty,
                })
            }
            None => Err(err(span, "`this` is only available in methods and constructors")),
        }
    }

    /// `object.field` of a class instance, or its getter `get field()`.
    pub(super) fn field_read(&mut self, object: TExpr, c: u32, name: &str, span: Span) -> CResult<TExpr> {
        if !self.has_field(c, name) {
            let getter = format!("get:{name}");
            if self.implementation(c, &getter).is_some() {
                return self.method_call(object, c, &getter, &[], span, span);
            }
            if self.implementation(c, &format!("set:{name}")).is_some() {
                return Err(err(
                    span,
                    format!("`{name}` of `{}` has a setter but no getter", self.class_name(c)),
                ));
            }
        }
        let (offset, ty) = self.field(c, name, span)?;
        self.check_access(self.modifiers(c, name), name, span)?;
        Ok(load_field(object, offset, ty))
    }

    fn has_field(&self, c: u32, name: &str) -> bool {
        self.module
            .class_info
            .get(c as usize)
            .is_some_and(|i| i.fields.contains_key(name))
    }

    /// `object.x = value` (or `op=`) through the setter `set x(v)`; a
    /// compound assignment reads through the getter, for an object that is
    /// a variable or `this` (evaluated twice).
    fn setter_assign(
        &mut self,
        op: Option<BinOp>,
        object: &Expr,
        o: TExpr,
        property: &str,
        value: &Expr,
        span: Span,
    ) -> CResult<TExpr> {
        let Type::Class(c) = o.ty else {
            return Err(err(
                span,
                "internal: an accessor of a value that is not an object",
            ));
        };
        let setter = format!("set:{property}");
        if self.implementation(c, &setter).is_none() {
            return Err(err(
                span,
                format!(
                    "cannot assign to `{property}`: `{}` has a getter for it but no setter",
                    self.class_name(c)
                ),
            ));
        }
        let value = match op {
            None => value.clone(),
            Some(_) if !matches!(object.kind, ExprKind::Ident(_) | ExprKind::This) => {
                return Err(err(
                    span,
                    "a compound assignment through an accessor needs a variable or `this` before the `.`",
                ))
            }
            Some(op) => Expr {
                kind: ExprKind::Binary {
                    op,
                    lhs: Box::new(Expr {
                        kind: ExprKind::Member {
                            object: Box::new(object.clone()),
                            property: property.to_string(),
                        },
                        span,
                    }),
                    rhs: Box::new(value.clone()),
                },
                span,
            },
        };
        self.method_call(o, c, &setter, std::slice::from_ref(&value), span, span)
    }

    /// `object.field = value` or `object.field op= value`, as a statement.
    pub(super) fn member_assign(
        &mut self,
        op: Option<BinOp>,
        object: &Expr,
        property: &str,
        value: &Expr,
        span: Span,
    ) -> CResult<TExpr> {
        if let Some(class) = self.class_named(object) {
            let name = self.static_field(class, property, span)?;
            if self.static_modifiers(class, property).is_some_and(|m| m.readonly) {
                return Err(err(
                    span,
                    format!("cannot assign to `{property}`: it is a read-only static property of `{class}`"),
                ));
            }
            return self.assign(op, &name, span, value, false);
        }
        let o = self.expr(object, None)?;
        let Type::Class(c) = o.ty else {
            return Err(err(
                object.span,
                format!(
                    "cannot assign to `{property}` of a value of type `{}`",
                    o.ty.name()
                ),
            ));
        };
        if !self.has_field(c, property) && self.implementation(c, &format!("get:{property}")).is_some()
            || self.implementation(c, &format!("set:{property}")).is_some()
        {
            return self.setter_assign(op, object, o, property, value, span);
        }
        let (offset, ty) = self.field(c, property, span)?;
        self.check_access(self.modifiers(c, property), property, span)?;
        self.check_readonly(self.modifiers(c, property), property, span)?;
        // The object is evaluated once: a compound assignment reads it from a local.
        let tmp = self.locals.len() as u32;
        self.locals.push(o.ty);
        self.reads.insert(tmp);
        let local = TExpr {
            kind: TExprKind::Local(tmp),
            ty: o.ty,
        };
        let new = match op {
            None => {
                let v = self.expr(value, Some(ty))?;
                coerce(v, ty, value.span)?
            }
            Some(op) => {
                let current = load_field(local.clone(), offset, ty);
                let rhs = self.expr(value, Some(ty))?;
                let combined = self.combine(op, current, rhs, span, value.span)?;
                coerce(combined, ty, value.span)?
            }
        };
        let set = TExpr {
            kind: TExprKind::SetLocal {
                index: tmp,
                value: Box::new(o),
                tee: false,
            },
            ty: Type::Void,
        };
        Ok(TExpr {
            kind: TExprKind::Seq {
                effects: vec![set],
                value: Box::new(store_field(local, offset, ty, new)),
            },
            ty: Type::Void,
        })
    }

    /// The class whose declaration of method `name` an instance of class
    /// `c` runs: `c`'s own, else the nearest ancestor's.
    fn implementation(&self, c: u32, name: &str) -> Option<u32> {
        let mut at = Some(c);
        // The number of classes bounds the walk.
        for _ in 0..=self.module.class_info.len() {
            let k = at?;
            let info = self.module.class_info.get(k as usize)?;
            if info.own_methods.iter().any(|m| m == name) {
                return Some(k);
            }
            at = info.parent;
        }
        None
    }

    /// The signature of method `name` as class `owner` declares it.
    fn method_signature(&self, owner: u32, name: &str) -> CResult<super::super::Signature> {
        self.module
            .functions
            .get(&method_name(self.class_name(owner), name))
            .cloned()
            .ok_or_else(|| err(Span::default(), "internal: a method without its function"))
    }

    /// `object.method(args)`. When a class that extends the object's class
    /// declares the method again, the call dispatches on the instance's
    /// class (its block type id), as AssemblyScript's virtual calls do.
    pub(super) fn method_call(
        &mut self,
        object: TExpr,
        c: u32,
        name: &str,
        args: &[Expr],
        callee_span: Span,
        span: Span,
    ) -> CResult<TExpr> {
        let Some(owner) = self.implementation(c, name).filter(|_| name != "constructor") else {
            return Err(err(
                callee_span,
                format!("class `{}` has no method `{name}`", self.class_name(c)),
            ));
        };
        self.check_access(self.modifiers(c, name), name, callee_span)?;
        let sig = self.method_signature(owner, name)?;
        let what = format!("method `{}.{name}`", self.class_name(c));
        let targs = self.arguments(&what, args, sig.params.get(1..).unwrap_or(&[]), span)?;
        // Classes below `c` that run another declaration of the method.
        let mut overrides: Vec<(u32, u32)> = Vec::new();
        for d in 0..self.module.class_info.len() as u32 {
            if d != c && ClassParents::extends(d, c) {
                if let Some(o) = self.implementation(d, name).filter(|o| *o != owner) {
                    overrides.push((d, o));
                }
            }
        }
        let direct = |callee: u32, object: TExpr, targs: Vec<TExpr>| {
            let mut all = vec![object];
            all.extend(targs);
            TExpr {
                kind: TExprKind::Call {
                    callee: Callee::User(callee),
                    args: all,
                },
                ty: sig.result,
            }
        };
        if overrides.is_empty() {
            return Ok(direct(sig.index, object, targs));
        }
        // The object and the arguments are evaluated once, into locals.
        let object_local = self.temp_local(object.ty);
        let mut effects = vec![set_local(object_local, object)];
        let mut arg_locals = Vec::new();
        for a in targs {
            let l = self.temp_local(a.ty);
            arg_locals.push((l, a.ty));
            effects.push(set_local(l, a));
        }
        let read = |l: u32, ty: Type| TExpr {
            kind: TExprKind::Local(l),
            ty,
        };
        let id_local = self.temp_local(Type::I32);
        // The class id: bits 8 and up of the block's info word, 16 + class.
        let info = TExpr {
            kind: TExprKind::Op {
                instr: I::I32Load(mem(0, Type::I32)),
                args: vec![binary(
                    I::I32Sub,
                    read(object_local, Type::I32),
                    constant(I::I32Const(4), Type::I32),
                    Type::I32,
                )],
            },
            ty: Type::I32,
        };
        effects.push(set_local(
            id_local,
            binary(I::I32ShrU, info, constant(I::I32Const(8), Type::I32), Type::I32),
        ));
        let call_with = |callee: u32| {
            direct(
                callee,
                read(object_local, Type::Class(c)),
                arg_locals.iter().map(|(l, t)| read(*l, *t)).collect(),
            )
        };
        let mut chain = call_with(sig.index);
        for (d, o) in overrides {
            let osig = self.method_signature(o, name)?;
            if osig.params.get(1..) != sig.params.get(1..) || osig.result != sig.result {
                return Err(err(
                    callee_span,
                    format!(
                        "`{}.{name}` and `{}.{name}` have different parameters or results: an overriding method keeps the signature",
                        self.class_name(o),
                        self.class_name(owner)
                    ),
                ));
            }
            let test = binary(
                I::I32Eq,
                read(id_local, Type::I32),
                constant(I::I32Const(16 + d as i32), Type::I32),
                Type::Bool,
            );
            chain = TExpr {
                kind: TExprKind::Conditional {
                    cond: Box::new(test),
                    then: Box::new(call_with(osig.index)),
                    otherwise: Box::new(chain),
                },
                ty: sig.result,
            };
        }
        Ok(TExpr {
            kind: TExprKind::Seq {
                effects,
                value: Box::new(chain),
            },
            ty: sig.result,
        })
    }

    /// `super(args)` in a constructor: the constructor of the class this
    /// one extends, on `this`.
    pub(super) fn super_call(&mut self, args: &[Expr], callee_span: Span, span: Span) -> CResult<TExpr> {
        let this = self.this(callee_span)?;
        let Type::Class(c) = this.ty else {
            return Err(err(callee_span, "`super` needs a class"));
        };
        let Some(parent) = self.module.class_info.get(c as usize).and_then(|i| i.parent) else {
            return Err(err(
                callee_span,
                format!(
                    "class `{}` does not extend another class: remove `super(...)`",
                    self.class_name(c)
                ),
            ));
        };
        let receiver = TExpr {
            ty: Type::Class(parent),
            ..this
        };
        let what = format!("the constructor of `{}`", self.class_name(parent));
        self.constructor_call(parent, receiver, &what, args, span)
    }

    /// `super.method(args)`: the declaration the class this one extends
    /// runs, called directly on `this`.
    pub(super) fn super_method_call(
        &mut self,
        name: &str,
        args: &[Expr],
        callee_span: Span,
        span: Span,
    ) -> CResult<TExpr> {
        let this = self.this(callee_span)?;
        let parent = match this.ty {
            Type::Class(c) => self.module.class_info.get(c as usize).and_then(|i| i.parent),
            _ => None,
        };
        let Some(parent) = parent else {
            return Err(err(
                callee_span,
                "`super.method()` needs a class that extends another",
            ));
        };
        let Some(owner) = self
            .implementation(parent, name)
            .filter(|_| name != "constructor")
        else {
            return Err(err(
                callee_span,
                match name.strip_prefix("get:") {
                    Some(p) => format!(
                        "class `{}` has no getter `{p}` (`super.x` reads an accessor)",
                        self.class_name(parent)
                    ),
                    None => format!("class `{}` has no method `{name}`", self.class_name(parent)),
                },
            ));
        };
        self.check_access(self.modifiers(parent, name), name, callee_span)?;
        let sig = self.method_signature(owner, name)?;
        let mut targs = vec![TExpr {
            ty: Type::Class(owner),
            ..this
        }];
        let what = format!("method `{}.{name}`", self.class_name(owner));
        targs.extend(self.arguments(&what, args, sig.params.get(1..).unwrap_or(&[]), span)?);
        Ok(TExpr {
            kind: TExprKind::Call {
                callee: Callee::User(sig.index),
                args: targs,
            },
            ty: sig.result,
        })
    }

    /// A fresh local of type `ty` for an intermediate value.
    fn temp_local(&mut self, ty: Type) -> u32 {
        let index = self.locals.len() as u32;
        self.locals.push(ty);
        self.reads.insert(index);
        index
    }

    /// `new C(args)`: a zeroed instance, then the constructor.
    pub(super) fn new_instance(&mut self, c: u32, args: &[Expr], span: Span) -> CResult<TExpr> {
        let size = self.module.class_info.get(c as usize).map_or(0, |i| i.size);
        let alloc = runtime_call(
            "__alloc",
            vec![
                constant(I::I32Const(size as i32), Type::U32),
                constant(I::I32Const(class_info_word(c)), Type::U32),
            ],
            Type::Class(c),
        );
        let what = format!("`new {}`", self.class_name(c));
        self.constructor_call(c, alloc, &what, args, span)
    }

    /// A call of class `c`'s constructor on `receiver` (a new instance, or
    /// `this` for `super(...)`), its arguments checked as `what`'s.
    fn constructor_call(
        &mut self,
        c: u32,
        receiver: TExpr,
        what: &str,
        args: &[Expr],
        span: Span,
    ) -> CResult<TExpr> {
        let sig = self
            .module
            .functions
            .get(&method_name(self.class_name(c), "constructor"))
            .cloned()
            .ok_or_else(|| err(span, "internal: a class without its constructor"))?;
        let mut targs = vec![receiver];
        targs.extend(self.arguments(what, args, sig.params.get(1..).unwrap_or(&[]), span)?);
        Ok(TExpr {
            kind: TExprKind::Call {
                callee: Callee::User(sig.index),
                args: targs,
            },
            ty: Type::Class(c),
        })
    }
}
