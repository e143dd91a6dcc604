//! Class instances: `new C(...)`, `this`, field reads and writes, method
//! calls. A field access on a null reference traps (`__nonnull`), where
//! AssemblyScript would read or write near address 0.

use wasm_encoder::{Instruction as I, MemArg};

use super::runtime_call;
use crate::generator::ts::ast::{BinOp, Expr, Span};
use crate::generator::ts::ir::{Callee, TExpr, TExprKind, Type};
use crate::generator::ts::types::classes::method_name;
use crate::generator::ts::types::convert::{coerce, constant};
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

    /// `object.field` of a class instance.
    pub(super) fn field_read(&mut self, object: TExpr, c: u32, name: &str, span: Span) -> CResult<TExpr> {
        let (offset, ty) = self.field(c, name, span)?;
        Ok(load_field(object, offset, ty))
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
        let (offset, ty) = self.field(c, property, span)?;
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

    /// `object.method(args)`.
    pub(super) fn method_call(
        &mut self,
        object: TExpr,
        c: u32,
        name: &str,
        args: &[Expr],
        callee_span: Span,
        span: Span,
    ) -> CResult<TExpr> {
        let full = method_name(self.class_name(c), name);
        let sig = match self.module.functions.get(&full) {
            Some(s) if name != "constructor" => s.clone(),
            _ => {
                return Err(err(
                    callee_span,
                    format!("class `{}` has no method `{name}`", self.class_name(c)),
                ))
            }
        };
        let mut targs = vec![object];
        let what = format!("method `{}.{name}`", self.class_name(c));
        targs.extend(self.arguments(&what, args, sig.params.get(1..).unwrap_or(&[]), span)?);
        Ok(TExpr {
            kind: TExprKind::Call {
                callee: Callee::User(sig.index),
                args: targs,
            },
            ty: sig.result,
        })
    }

    /// `new C(args)`: a zeroed instance, then the constructor.
    pub(super) fn new_instance(&mut self, c: u32, args: &[Expr], span: Span) -> CResult<TExpr> {
        let name = self.class_name(c).to_string();
        let size = self.module.class_info.get(c as usize).map_or(0, |i| i.size);
        let sig = self
            .module
            .functions
            .get(&method_name(&name, "constructor"))
            .cloned()
            .ok_or_else(|| err(span, "internal: a class without its constructor"))?;
        let alloc = runtime_call(
            "__alloc",
            vec![
                constant(I::I32Const(size as i32), Type::U32),
                constant(I::I32Const(class_info_word(c)), Type::U32),
            ],
            Type::Class(c),
        );
        let mut targs = vec![alloc];
        targs.extend(self.arguments(
            &format!("`new {name}`"),
            args,
            sig.params.get(1..).unwrap_or(&[]),
            span,
        )?);
        Ok(TExpr {
            kind: TExprKind::Call {
                callee: Callee::User(sig.index),
                args: targs,
            },
            ty: Type::Class(c),
        })
    }
}
