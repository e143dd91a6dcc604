//! Expression checking: literals, variables, operators, assignments, calls,
//! `Math`, conditionals and casts.

use wasm_encoder::{Ieee32, Ieee64, Instruction as I};

use super::convert::{
    bool_as_i32, cast, coerce, condition, constant, float_literal, int_literal, wrap_small,
};
use super::{err, CResult, FnCtx};
use crate::generator::ts::ast::{BinOp, Expr, ExprKind, Span, UnaryOp};
use crate::generator::ts::ir::{Callee, TExpr, TExprKind, Type};

fn binary(instr: I<'static>, lhs: TExpr, rhs: TExpr, ty: Type) -> TExpr {
    TExpr {
        kind: TExprKind::Binary {
            instr,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        ty,
    }
}

fn unary(instr: I<'static>, operand: TExpr, ty: Type) -> TExpr {
    TExpr {
        kind: TExprKind::Unary {
            instr,
            operand: Box::new(operand),
        },
        ty,
    }
}

/// A literal, possibly negated: its value may take the type of the other operand.
fn is_literal(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Int(_) | ExprKind::Float(_) => true,
        ExprKind::Unary {
            op: UnaryOp::Neg | UnaryOp::Plus,
            operand,
        } => is_literal(operand),
        _ => false,
    }
}

fn op_name(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Rem => "%",
        BinOp::BitAnd => "&",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::Shl => "<<",
        BinOp::Shr => ">>",
        BinOp::ShrU => ">>>",
        BinOp::Eq => "==",
        BinOp::Ne => "!=",
        BinOp::Lt => "<",
        BinOp::Le => "<=",
        BinOp::Gt => ">",
        BinOp::Ge => ">=",
        BinOp::And => "&&",
        BinOp::Or => "||",
        BinOp::Pow => "**",
    }
}

/// The wasm instruction for `op` on operands of `ty` (after conversion to a
/// common type), or `None` when the operator does not apply to the type.
/// Unsigned types divide, compare and shift right without sign.
fn instruction(op: BinOp, ty: Type) -> Option<I<'static>> {
    use BinOp::*;
    if ty == Type::Bool {
        return Some(match op {
            BitAnd => I::I32And,
            BitOr => I::I32Or,
            BitXor => I::I32Xor,
            Eq => I::I32Eq,
            Ne => I::I32Ne,
            _ => return None,
        });
    }
    let s = ty.is_signed();
    if ty.is_integer() && !ty.is_64() {
        return Some(match op {
            Add => I::I32Add,
            Sub => I::I32Sub,
            Mul => I::I32Mul,
            Div if s => I::I32DivS,
            Div => I::I32DivU,
            Rem if s => I::I32RemS,
            Rem => I::I32RemU,
            BitAnd => I::I32And,
            BitOr => I::I32Or,
            BitXor => I::I32Xor,
            Shl => I::I32Shl,
            Shr if s => I::I32ShrS,
            Shr | ShrU => I::I32ShrU,
            Eq => I::I32Eq,
            Ne => I::I32Ne,
            Lt if s => I::I32LtS,
            Lt => I::I32LtU,
            Le if s => I::I32LeS,
            Le => I::I32LeU,
            Gt if s => I::I32GtS,
            Gt => I::I32GtU,
            Ge if s => I::I32GeS,
            Ge => I::I32GeU,
            _ => return None,
        });
    }
    if ty.is_64() {
        return Some(match op {
            Add => I::I64Add,
            Sub => I::I64Sub,
            Mul => I::I64Mul,
            Div if s => I::I64DivS,
            Div => I::I64DivU,
            Rem if s => I::I64RemS,
            Rem => I::I64RemU,
            BitAnd => I::I64And,
            BitOr => I::I64Or,
            BitXor => I::I64Xor,
            Shl => I::I64Shl,
            Shr if s => I::I64ShrS,
            Shr | ShrU => I::I64ShrU,
            Eq => I::I64Eq,
            Ne => I::I64Ne,
            Lt if s => I::I64LtS,
            Lt => I::I64LtU,
            Le if s => I::I64LeS,
            Le => I::I64LeU,
            Gt if s => I::I64GtS,
            Gt => I::I64GtU,
            Ge if s => I::I64GeS,
            Ge => I::I64GeU,
            _ => return None,
        });
    }
    Some(match (op, ty) {
        (Add, Type::F32) => I::F32Add,
        (Sub, Type::F32) => I::F32Sub,
        (Mul, Type::F32) => I::F32Mul,
        (Div, Type::F32) => I::F32Div,
        (Eq, Type::F32) => I::F32Eq,
        (Ne, Type::F32) => I::F32Ne,
        (Lt, Type::F32) => I::F32Lt,
        (Le, Type::F32) => I::F32Le,
        (Gt, Type::F32) => I::F32Gt,
        (Ge, Type::F32) => I::F32Ge,
        (Add, Type::F64) => I::F64Add,
        (Sub, Type::F64) => I::F64Sub,
        (Mul, Type::F64) => I::F64Mul,
        (Div, Type::F64) => I::F64Div,
        (Eq, Type::F64) => I::F64Eq,
        (Ne, Type::F64) => I::F64Ne,
        (Lt, Type::F64) => I::F64Lt,
        (Le, Type::F64) => I::F64Le,
        (Gt, Type::F64) => I::F64Gt,
        (Ge, Type::F64) => I::F64Ge,
        _ => return None,
    })
}

/// Whether `op` on a small integer type can leave its range, so that the
/// result must be wrapped.
fn may_overflow_small(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Shl | BinOp::ShrU
    )
}

fn is_comparison(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
    )
}

/// The constant 1 of `ty`, for `++`/`--`.
fn one(ty: Type) -> TExpr {
    match ty {
        Type::I64 | Type::U64 => constant(I::I64Const(1), ty),
        Type::F32 => constant(I::F32Const(Ieee32::from(1.0f32)), ty),
        Type::F64 => constant(I::F64Const(Ieee64::from(1.0f64)), ty),
        _ => constant(I::I32Const(1), ty),
    }
}

/// A variable an assignment can name.
enum Place {
    Local(u32),
    Global(u32),
}

impl FnCtx<'_> {
    /// Checks `e`; `hint` is the type the context expects, which literals adopt.
    pub(super) fn expr(&mut self, e: &Expr, hint: Option<Type>) -> CResult<TExpr> {
        match &e.kind {
            ExprKind::Int(v) => int_literal(i128::from(*v), hint, e.span),
            ExprKind::Float(f) => {
                if hint.is_some_and(Type::is_integer) {
                    // An integer context does not make a fraction an integer:
                    // keep it f64 and let the caller report the mismatch.
                    return Ok(float_literal(*f, None));
                }
                Ok(float_literal(*f, hint))
            }
            ExprKind::Bool(b) => Ok(constant(I::I32Const(i32::from(*b)), Type::Bool)),
            ExprKind::Str(units) => Ok(string_literal(units.clone())),
            ExprKind::Template { quasis, exprs } => self.template(quasis, exprs),
            ExprKind::Ident(name)
                if (name == "NaN" || name == "Infinity")
                    && self.lookup_local(name).is_none()
                    && !self.globals.contains_key(name) =>
            {
                // AssemblyScript's global constants, f32 in an f32 context.
                let v = if name == "NaN" { f64::NAN } else { f64::INFINITY };
                Ok(float_literal(v, hint))
            }
            ExprKind::Ident(name) => {
                let v = self.read(name, e.span)?;
                if let TExprKind::Local(index) = v.kind {
                    self.reads.insert(index);
                }
                Ok(v)
            }
            ExprKind::Member { object, property } => match math_object(object) {
                Some(ns) if !self.shadows(ns) => self.member(ns, property, e.span),
                _ => {
                    if matches!(&object.kind, ExprKind::Ident(n) if n == "super") && !self.shadows("super") {
                        // `super.x`: the parent's getter.
                        return self.super_method_call(&format!("get:{property}"), &[], e.span, e.span);
                    }
                    if let Some(class) = self.class_named(object) {
                        let name = self.static_field(class, property, e.span)?;
                        return self.read(&name, e.span);
                    }
                    let o = self.expr(object, None)?;
                    self.property(o, property, e.span)
                }
            },
            ExprKind::Unary { op, operand } => self.unary(*op, operand, hint, e.span),
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, hint, e.span),
            ExprKind::Assign {
                op,
                target,
                target_span,
                value,
            } => self.assign(*op, target, *target_span, value, true),
            ExprKind::Update {
                increment,
                prefix,
                target,
            } => self.update(*increment, *prefix, target, e.span, true),
            ExprKind::Conditional {
                cond,
                then,
                otherwise,
            } => {
                let c = self.expr(cond, Some(Type::Bool))?;
                let c = condition(c, cond.span)?;
                let (t, o) = self.pair(then, otherwise, hint)?;
                let ty = self.common_type(t.ty, o.ty, e.span, "?:")?;
                let t = coerce(t, ty, then.span)?;
                let o = coerce(o, ty, otherwise.span)?;
                Ok(TExpr {
                    kind: TExprKind::Conditional {
                        cond: Box::new(c),
                        then: Box::new(t),
                        otherwise: Box::new(o),
                    },
                    ty,
                })
            }
            ExprKind::Call { callee, args } => self.call(callee, args, e.span),
            ExprKind::Index { object, index } => self.index(object, index),
            ExprKind::This => self.this(e.span),
            ExprKind::Generic { name, .. } => Err(err(
                e.span,
                format!("`{name}<...>` is a built-in function; call it"),
            )),
            ExprKind::Null => match hint {
                Some(t) if t.is_reference() => Ok(constant(I::I32Const(0), t)),
                _ => Err(err(
                    e.span,
                    "`null` needs a reference type from its context, e.g. `let s: string | null = null`",
                )),
            },
            ExprKind::MemberAssign { .. } => Err(err(
                e.span,
                "a field assignment cannot be used as a value: make it a statement",
            )),
            ExprKind::IndexAssign { .. } => Err(err(
                e.span,
                "an element assignment cannot be used as a value: make it a statement",
            )),
            ExprKind::ArrayLit(items) => self.array_literal(items, hint, e.span),
            ExprKind::New { class, args } => self.new_object(class, args, e.span),
            ExprKind::Cast { value, ty } => {
                let to = self.module.resolve(ty)?;
                let v = self.expr(value, Some(to))?;
                cast(v, to, e.span)
            }
        }
    }

    /// Checks an expression evaluated only for its effect (a statement):
    /// assignments and updates then leave no value behind.
    pub(super) fn effect(&mut self, e: &Expr) -> CResult<TExpr> {
        match &e.kind {
            ExprKind::Assign {
                op,
                target,
                target_span,
                value,
            } => self.assign(*op, target, *target_span, value, false),
            ExprKind::Update {
                increment, target, ..
            } => self.update(*increment, true, target, e.span, false),
            ExprKind::IndexAssign {
                op,
                object,
                index,
                value,
            } => self.index_assign(*op, object, index, value, e.span),
            ExprKind::MemberAssign {
                op,
                object,
                property,
                value,
            } => self.member_assign(*op, object, property, value, e.span),
            _ => self.expr(e, None),
        }
    }

    /// Checks two operands, the literal one last so that it takes the other's type.
    fn pair(&mut self, a: &Expr, b: &Expr, hint: Option<Type>) -> CResult<(TExpr, TExpr)> {
        if is_literal(a) && !is_literal(b) {
            let tb = self.expr(b, hint)?;
            let ta = self.expr(a, Some(tb.ty))?;
            Ok((ta, tb))
        } else {
            let ta = self.expr(a, hint)?;
            let tb = self.expr(b, Some(ta.ty))?;
            Ok((ta, tb))
        }
    }

    fn common_type(&self, a: Type, b: Type, span: Span, op: &str) -> CResult<Type> {
        if super::convert::implicitly_converts(b, a) {
            Ok(a)
        } else if super::convert::implicitly_converts(a, b) {
            Ok(b)
        } else {
            Err(err(
                span,
                format!(
                    "operator `{op}` cannot combine `{}` and `{}`: convert one side with `as`",
                    a.name(),
                    b.name()
                ),
            ))
        }
    }

    fn place(&self, name: &str, span: Span) -> CResult<(Place, Type)> {
        if let Some(l) = self.lookup_local(name) {
            if l.constant {
                return Err(err(
                    span,
                    format!("cannot assign to `{name}` because it is a constant"),
                ));
            }
            return Ok((Place::Local(l.index), l.ty));
        }
        if let Some(g) = self.globals.get(name) {
            if g.constant {
                return Err(err(
                    span,
                    format!("cannot assign to `{name}` because it is a constant"),
                ));
            }
            return Ok((Place::Global(g.index), g.ty));
        }
        Err(self.unknown(name, span))
    }

    fn unknown(&self, name: &str, span: Span) -> crate::generator::error::Diagnostic {
        if self.module.functions.contains_key(name) {
            err(span, format!("`{name}` is a function; call it as `{name}(...)`"))
        } else {
            err(span, format!("cannot find name `{name}`"))
        }
    }

    fn read(&self, name: &str, span: Span) -> CResult<TExpr> {
        if name.starts_with("__") && !self.in_prelude {
            return Err(err(span, format!("cannot find name `{name}`")));
        }
        if let Some(l) = self.lookup_local(name) {
            return Ok(TExpr {
                kind: TExprKind::Local(l.index),
                ty: l.ty,
            });
        }
        if self.in_prelude {
            if let Some(i) = self.module.data.get(name) {
                return Ok(TExpr {
                    kind: TExprKind::Data(*i),
                    ty: Type::U32,
                });
            }
        }
        if let Some(g) = self.globals.get(name) {
            return Ok(TExpr {
                kind: TExprKind::Global(g.index),
                ty: g.ty,
            });
        }
        Err(self.unknown(name, span))
    }

    fn store(place: Place, value: TExpr, want_value: bool) -> TExpr {
        let ty = if want_value { value.ty } else { Type::Void };
        let kind = match place {
            Place::Local(index) => TExprKind::SetLocal {
                index,
                value: Box::new(value),
                tee: want_value,
            },
            Place::Global(index) => TExprKind::SetGlobal {
                index,
                value: Box::new(value),
                keep: want_value,
            },
        };
        TExpr { kind, ty }
    }

    pub(super) fn assign(
        &mut self,
        op: Option<BinOp>,
        target: &str,
        span: Span,
        value: &Expr,
        want_value: bool,
    ) -> CResult<TExpr> {
        let (place, ty) = self.place(target, span)?;
        let new = match op {
            None => {
                let v = self.expr(value, Some(ty))?;
                coerce(v, ty, value.span)?
            }
            Some(op) => {
                let current = self.read(target, span)?;
                let rhs = self.expr(value, Some(ty))?;
                let combined = self.combine(op, current, rhs, span, value.span)?;
                coerce(combined, ty, value.span)?
            }
        };
        Ok(Self::store(place, new, want_value))
    }

    fn update(
        &mut self,
        increment: bool,
        prefix: bool,
        target: &str,
        span: Span,
        want_value: bool,
    ) -> CResult<TExpr> {
        let (place, ty) = self.place(target, span)?;
        if !ty.is_number() {
            return Err(err(
                span,
                format!(
                    "`++`/`--` need a numeric variable, but `{target}` is `{}`",
                    ty.name()
                ),
            ));
        }
        let op = if increment { BinOp::Add } else { BinOp::Sub };
        let current = self.read(target, span)?;
        let instr = instruction(op, ty).ok_or_else(|| err(span, "internal: no add instruction"))?;
        let new = wrap_small(binary(instr, current.clone(), one(ty), ty), ty);
        if want_value {
            if let Place::Local(index) = &place {
                let index = *index;
                self.reads.insert(index);
            }
        }
        if prefix || !want_value {
            return Ok(Self::store(place, new, want_value));
        }
        Ok(TExpr {
            kind: TExprKind::ValueThen {
                value: Box::new(current),
                effect: Box::new(Self::store(place, new, false)),
            },
            ty,
        })
    }

    fn unary(&mut self, op: UnaryOp, operand: &Expr, hint: Option<Type>, span: Span) -> CResult<TExpr> {
        if op == UnaryOp::Neg {
            if let ExprKind::Int(v) = operand.kind {
                return int_literal(-i128::from(v), hint, span);
            }
        }
        let v = self.expr(operand, hint)?;
        match op {
            UnaryOp::Not => {
                let c = condition(v, operand.span)?;
                Ok(unary(I::I32Eqz, c, Type::Bool))
            }
            UnaryOp::Plus | UnaryOp::Neg | UnaryOp::BitNot => {
                let v = bool_as_i32(v);
                let ty = v.ty;
                match (op, ty) {
                    (_, Type::Void) => Err(err(span, "a unary operator needs a value, but this is `void`")),
                    (UnaryOp::Plus, _) => Ok(v),
                    (UnaryOp::Neg, Type::F32) => Ok(unary(I::F32Neg, v, ty)),
                    (UnaryOp::Neg, Type::F64) => Ok(unary(I::F64Neg, v, ty)),
                    (UnaryOp::Neg, t) if t.is_64() => {
                        Ok(binary(I::I64Sub, constant(I::I64Const(0), ty), v, ty))
                    }
                    (UnaryOp::Neg, t) if t.is_integer() => Ok(wrap_small(
                        binary(I::I32Sub, constant(I::I32Const(0), ty), v, ty),
                        ty,
                    )),
                    (_, t) if t.is_64() => Ok(binary(I::I64Xor, v, constant(I::I64Const(-1), ty), ty)),
                    (_, t) if t.is_integer() => Ok(wrap_small(
                        binary(I::I32Xor, v, constant(I::I32Const(-1), ty), ty),
                        ty,
                    )),
                    _ => Err(err(
                        span,
                        format!(
                            "`{}` needs a numeric operand, not `{}`",
                            if op == UnaryOp::Neg { "-" } else { "~" },
                            ty.name()
                        ),
                    )),
                }
            }
        }
    }

    fn binary(
        &mut self,
        op: BinOp,
        lhs: &Expr,
        rhs: &Expr,
        hint: Option<Type>,
        span: Span,
    ) -> CResult<TExpr> {
        if matches!(op, BinOp::And | BinOp::Or) {
            let l = self.expr(lhs, Some(Type::Bool))?;
            let l = condition(l, lhs.span)?;
            let r = self.expr(rhs, Some(Type::Bool))?;
            let r = condition(r, rhs.span)?;
            return Ok(TExpr {
                kind: TExprKind::Logical {
                    and: op == BinOp::And,
                    lhs: Box::new(l),
                    rhs: Box::new(r),
                },
                ty: Type::Bool,
            });
        }
        let hint = if is_comparison(op) { None } else { hint };
        let (l, r) = self.pair(lhs, rhs, hint)?;
        self.combine(op, l, r, span, rhs.span)
    }

    /// Applies a binary operator to two checked operands.
    pub(super) fn combine(
        &self,
        op: BinOp,
        l: TExpr,
        r: TExpr,
        span: Span,
        rhs_span: Span,
    ) -> CResult<TExpr> {
        let name = op_name(op);
        if l.ty == Type::Void || r.ty == Type::Void {
            return Err(err(
                span,
                format!("operator `{name}` needs values, but an operand is `void`"),
            ));
        }
        if matches!(op, BinOp::Shl | BinOp::Shr | BinOp::ShrU) {
            let l = bool_as_i32(l);
            let r = bool_as_i32(r);
            if !l.ty.is_integer() || !r.ty.is_integer() {
                return Err(err(
                    span,
                    format!("operator `{name}` needs integer operands: cast with `as i32`"),
                ));
            }
            let r = match (l.ty.is_64(), r.ty.is_64()) {
                (true, false) => unary(I::I64ExtendI32U, r, l.ty),
                (false, true) => unary(I::I32WrapI64, r, l.ty),
                _ => TExpr { ty: l.ty, ..r },
            };
            let ty = l.ty;
            let instr = instruction(op, ty).ok_or_else(|| err(span, "internal: no shift instruction"))?;
            let out = binary(instr, l, r, ty);
            return Ok(if may_overflow_small(op) {
                wrap_small(out, ty)
            } else {
                out
            });
        }
        if l.ty == Type::Str || r.ty == Type::Str {
            return self.string_operator(op, l, r, span);
        }
        if op == BinOp::Pow {
            return self.power(l, r, span, rhs_span);
        }
        let both_bool = l.ty == Type::Bool && r.ty == Type::Bool;
        let keeps_bool = matches!(
            op,
            BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor | BinOp::Eq | BinOp::Ne
        );
        let (l, r) = if both_bool && keeps_bool {
            (l, r)
        } else {
            (bool_as_i32(l), bool_as_i32(r))
        };
        let ty = self.common_type(l.ty, r.ty, span, name)?;
        let l = coerce(l, ty, span)?;
        let r = coerce(r, ty, rhs_span)?;
        // Float `%` is AssemblyScript's `mod` (fmod), from the math library.
        if op == BinOp::Rem && ty.is_float() {
            let name = if ty == Type::F32 {
                "__mathf_mod"
            } else {
                "__math_mod"
            };
            return Ok(runtime_call(name, vec![l, r], ty));
        }
        let Some(instr) = instruction(op, ty) else {
            let hint = if op == BinOp::Rem {
                "`%` is defined for numbers only"
            } else {
                "bitwise operators need integer operands: cast with `as i32`"
            };
            return Err(err(
                span,
                format!("operator `{name}` cannot be applied to `{}`; {hint}", ty.name()),
            ));
        };
        if is_comparison(op) {
            return Ok(binary(instr, l, r, Type::Bool));
        }
        let out = binary(instr, l, r, ty);
        Ok(if may_overflow_small(op) {
            wrap_small(out, ty)
        } else {
            out
        })
    }

    fn call(&mut self, callee: &Expr, args: &[Expr], span: Span) -> CResult<TExpr> {
        match &callee.kind {
            ExprKind::Ident(name) if name == "super" && !self.shadows(name) => {
                self.super_call(args, callee.span, span)
            }
            ExprKind::Ident(name) => {
                if self.in_prelude && name.starts_with("__") {
                    if let Some(b) = self.builtin(name, args, span)? {
                        return Ok(b);
                    }
                }
                if let Some((index, sig)) = self.module.imports.get(name).cloned() {
                    let targs = self.arguments(&format!("function `{name}`"), args, &sig.params, span)?;
                    return Ok(TExpr {
                        kind: TExprKind::Call {
                            callee: Callee::Import(index),
                            args: targs,
                        },
                        ty: sig.result,
                    });
                }
                if name.starts_with("__") && !self.in_prelude {
                    return Err(err(callee.span, format!("cannot find function `{name}`")));
                }
                if self.lookup_local(name).is_some() || self.globals.contains_key(name) {
                    return Err(err(
                        callee.span,
                        format!("`{name}` is a variable, not a function"),
                    ));
                }
                let sig = self
                    .module
                    .functions
                    .get(name)
                    .cloned()
                    .ok_or_else(|| err(callee.span, format!("cannot find function `{name}`")))?;
                let targs = self.arguments(&format!("function `{name}`"), args, &sig.params, span)?;
                Ok(TExpr {
                    kind: TExprKind::Call {
                        callee: Callee::User(sig.index),
                        args: targs,
                    },
                    ty: sig.result,
                })
            }
            ExprKind::Generic { name, ty } => self.generic_call(name, ty, args, callee.span, span),
            ExprKind::Member { object, property } => match math_object(object) {
                Some(ns) if !self.shadows(ns) => self.math_call(ns, property, args, callee.span, span),
                _ => {
                    if let ExprKind::Ident(ns) = &object.kind {
                        if let Some(t) = builtins::namespace(ns) {
                            if !self.shadows(ns) {
                                return self.namespace_call(t, property, args, callee.span, span);
                            }
                        }
                    }
                    if matches!(&object.kind, ExprKind::Ident(n) if n == "super") && !self.shadows("super") {
                        return self.super_method_call(property, args, callee.span, span);
                    }
                    if let Some(class) = self.class_named(object) {
                        let name = super::classes::static_name(class, property);
                        if !self.module.functions.contains_key(&name) {
                            return Err(err(
                                callee.span,
                                format!("class `{class}` has no static method `{property}`"),
                            ));
                        }
                        self.check_access(self.static_modifiers(class, property), property, callee.span)?;
                        let callee = Expr {
                            kind: ExprKind::Ident(name),
                            span: callee.span,
                        };
                        return self.call(&callee, args, span);
                    }
                    let o = self.expr(object, None)?;
                    self.method(o, property, args, callee.span, span)
                }
            },
            _ => Err(err(
                callee.span,
                "only named functions, `Math` functions and methods can be called",
            )),
        }
    }
}

/// Checks call arguments against parameter types.
impl FnCtx<'_> {
    /// `what` names the callee in the error (``function `f` ``, `` `Math.sin` ``).
    fn arguments(&mut self, what: &str, args: &[Expr], params: &[Type], span: Span) -> CResult<Vec<TExpr>> {
        if args.len() != params.len() {
            return Err(err(
                span,
                format!(
                    "{what} expects {} argument(s), but {} were given",
                    params.len(),
                    args.len()
                ),
            ));
        }
        let mut targs = Vec::new();
        for (a, ty) in args.iter().zip(params) {
            let t = self.expr(a, Some(*ty))?;
            targs.push(coerce(t, *ty, a.span)?);
        }
        Ok(targs)
    }

    /// The class `e` names, when it is a class's name not hidden by a
    /// variable (`C` in `C.count` or `C.create()`).
    pub(super) fn class_named<'e>(&self, e: &'e Expr) -> Option<&'e str> {
        match &e.kind {
            ExprKind::Ident(name) if self.module.classes.contains_key(name) && !self.shadows(name) => {
                Some(name)
            }
            _ => None,
        }
    }

    /// The module variable of static field `property` of `class`.
    pub(super) fn static_field(&self, class: &str, property: &str, span: Span) -> CResult<String> {
        let name = super::classes::static_name(class, property);
        if self.globals.contains_key(&name) {
            self.check_access(self.static_modifiers(class, property), property, span)?;
            Ok(name)
        } else {
            Err(err(
                span,
                format!("class `{class}` has no static field `{property}` (instance fields are read from an object)"),
            ))
        }
    }

    /// Whether a variable hides the namespace `name` (`Math`, `f64`, ...).
    fn shadows(&self, name: &str) -> bool {
        self.lookup_local(name).is_some() || self.globals.contains_key(name)
    }

    /// `base ** exponent`: integer power for integers (AssemblyScript's
    /// `ipow32`/`ipow64`, wrapping), `Math.pow` for `f64`, `Mathf.pow` for
    /// `f32`.
    fn power(&self, l: TExpr, r: TExpr, span: Span, rhs_span: Span) -> CResult<TExpr> {
        let l = bool_as_i32(l);
        let r = bool_as_i32(r);
        let ty = self.common_type(l.ty, r.ty, span, "**")?;
        let l = coerce(l, ty, span)?;
        let r = coerce(r, ty, rhs_span)?;
        if ty == Type::F32 {
            return Ok(runtime_call("__mathf_pow", vec![l, r], ty));
        }
        if ty == Type::F64 {
            return Ok(runtime_call("__math_pow", vec![l, r], ty));
        }
        let name = if ty.is_64() { "__ipow64" } else { "__ipow32" };
        let call = runtime_call(name, vec![l, r], ty);
        Ok(wrap_small(call, ty))
    }
}

/// A call of a runtime prelude function.
pub(super) fn runtime_call(name: &'static str, args: Vec<TExpr>, ty: Type) -> TExpr {
    TExpr {
        kind: TExprKind::Call {
            callee: Callee::Runtime(name),
            args,
        },
        ty,
    }
}

/// A string literal.
pub(super) fn string_literal(units: Vec<u16>) -> TExpr {
    TExpr {
        kind: TExprKind::Str(units),
        ty: Type::Str,
    }
}

/// The namespace `e` names, when it is `Math` or `Mathf`.
fn math_object(e: &Expr) -> Option<&'static str> {
    match &e.kind {
        ExprKind::Ident(n) if n == "Math" => Some("Math"),
        ExprKind::Ident(n) if n == "Mathf" => Some("Mathf"),
        _ => None,
    }
}

mod arrays;
mod builtins;
mod math;
mod objects;
mod strings;
