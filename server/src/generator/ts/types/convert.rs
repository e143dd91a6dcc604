//! Conversions between the subset's types: implicit widening (as in
//! AssemblyScript: only lossless conversions happen silently), explicit `as`
//! casts, truthiness and literals.

use wasm_encoder::{Ieee32, Ieee64, Instruction as I};

use crate::generator::ts::ast::Span;
use crate::generator::ts::ir::{TExpr, TExprKind, Type};

use super::{err, CResult};

/// A constant expression of `ty`.
pub(super) fn constant(instr: I<'static>, ty: Type) -> TExpr {
    TExpr {
        kind: TExprKind::Const(instr),
        ty,
    }
}

/// The zero value of `ty` (`None` for `void`).
pub(super) fn zero(ty: Type) -> Option<I<'static>> {
    Some(match ty {
        Type::I32 | Type::Bool => I::I32Const(0),
        Type::I64 => I::I64Const(0),
        Type::F32 => I::F32Const(Ieee32::from(0.0f32)),
        Type::F64 => I::F64Const(Ieee64::from(0.0f64)),
        Type::Void => return None,
    })
}

/// An integer literal (already negated if written with a leading `-`),
/// typed by `hint` when the value fits it, else `i32` or `i64`.
pub(super) fn int_literal(value: i128, hint: Option<Type>, span: Span) -> CResult<TExpr> {
    let fits_i32 = (i128::from(i32::MIN)..=i128::from(u32::MAX)).contains(&value);
    let fits_i64 = (i128::from(i64::MIN)..=i128::from(u64::MAX)).contains(&value);
    // Values above the signed maximum wrap, so that `0xFFFFFFFF` is -1 as an i32.
    let lit = match hint {
        Some(Type::I32) if fits_i32 => constant(I::I32Const(value as u32 as i32), Type::I32),
        Some(Type::I64) if fits_i64 => constant(I::I64Const(value as u64 as i64), Type::I64),
        Some(Type::F32) => constant(I::F32Const(Ieee32::from(value as f32)), Type::F32),
        Some(Type::F64) => constant(I::F64Const(Ieee64::from(value as f64)), Type::F64),
        _ if i32::try_from(value).is_ok() => constant(I::I32Const(value as i32), Type::I32),
        _ if i64::try_from(value).is_ok() => constant(I::I64Const(value as i64), Type::I64),
        _ => return Err(err(span, "integer literal does not fit in 64 bits")),
    };
    Ok(lit)
}

/// A floating-point literal: `f32` when hinted, else `f64`.
pub(super) fn float_literal(value: f64, hint: Option<Type>) -> TExpr {
    if hint == Some(Type::F32) {
        constant(I::F32Const(Ieee32::from(value as f32)), Type::F32)
    } else {
        constant(I::F64Const(Ieee64::from(value)), Type::F64)
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

/// Re-types a `bool` as an `i32` (both are an i32 holding 0 or 1).
pub(super) fn bool_as_i32(e: TExpr) -> TExpr {
    if e.ty == Type::Bool {
        TExpr { ty: Type::I32, ..e }
    } else {
        e
    }
}

/// The widening instruction from `from` to `to`, if the conversion is implicit.
fn widening(from: Type, to: Type) -> Option<Option<I<'static>>> {
    Some(match (from, to) {
        (Type::Bool, Type::I32) => None,
        (Type::Bool, Type::I64) => Some(I::I64ExtendI32U),
        (Type::Bool, Type::F32) => Some(I::F32ConvertI32U),
        (Type::Bool, Type::F64) => Some(I::F64ConvertI32U),
        (Type::I32, Type::I64) => Some(I::I64ExtendI32S),
        (Type::I32, Type::F64) => Some(I::F64ConvertI32S),
        (Type::F32, Type::F64) => Some(I::F64PromoteF32),
        _ => return None,
    })
}

/// Whether a value of `from` converts to `to` without an explicit cast.
pub(super) fn implicitly_converts(from: Type, to: Type) -> bool {
    from == to || widening(from, to).is_some()
}

/// Converts `e` to `to` if that is lossless, folding constants.
///
/// # Errors
/// When the conversion could lose information, naming the cast to write.
pub(super) fn coerce(e: TExpr, to: Type, span: Span) -> CResult<TExpr> {
    if e.ty == to {
        return Ok(e);
    }
    let Some(instr) = widening(e.ty, to) else {
        let msg = if e.ty == Type::Void {
            format!(
                "expected a value of type `{}`, but this expression is `void`",
                to.name()
            )
        } else if to == Type::Void {
            "a void function cannot return a value: remove it or declare a result type".to_string()
        } else {
            format!(
                "type `{}` is not assignable to `{}`: convert explicitly with `as {}`",
                e.ty.name(),
                to.name(),
                to.name()
            )
        };
        return Err(err(span, msg));
    };
    Ok(match instr {
        None => TExpr { ty: to, ..e },
        Some(instr) => fold(unary(instr, e, to)),
    })
}

/// Evaluates a conversion of a constant at compile time.
fn fold(e: TExpr) -> TExpr {
    let TExprKind::Unary { instr, operand } = &e.kind else {
        return e;
    };
    let TExprKind::Const(c) = &operand.kind else {
        return e;
    };
    let folded = match (instr, c) {
        (I::I64ExtendI32S, I::I32Const(v)) => I::I64Const(i64::from(*v)),
        (I::I64ExtendI32U, I::I32Const(v)) => I::I64Const(i64::from(*v as u32)),
        (I::F64ConvertI32S, I::I32Const(v)) => I::F64Const(Ieee64::from(f64::from(*v))),
        (I::F64ConvertI32U, I::I32Const(v)) => I::F64Const(Ieee64::from(f64::from(*v as u32))),
        (I::F64PromoteF32, I::F32Const(v)) => I::F64Const(Ieee64::from(f64::from(f32::from(*v)))),
        _ => return e,
    };
    constant(folded, e.ty)
}

/// `e` as a `bool`: integers are true when non-zero, floats when neither zero
/// nor NaN (as in JavaScript).
pub(super) fn condition(e: TExpr, span: Span) -> CResult<TExpr> {
    let ne_zero = |instr, ty| {
        let z = constant(zero(ty).unwrap_or(I::I32Const(0)), ty);
        TExpr {
            kind: TExprKind::Binary {
                instr,
                lhs: Box::new(e.clone()),
                rhs: Box::new(z),
            },
            ty: Type::Bool,
        }
    };
    Ok(match e.ty {
        Type::Bool => e,
        Type::I32 => ne_zero(I::I32Ne, Type::I32),
        Type::I64 => ne_zero(I::I64Ne, Type::I64),
        // |x| > 0 is false for 0, -0 and NaN.
        Type::F32 | Type::F64 => {
            let (abs, gt) = if e.ty == Type::F32 {
                (I::F32Abs, I::F32Gt)
            } else {
                (I::F64Abs, I::F64Gt)
            };
            let ty = e.ty;
            let z = constant(zero(ty).unwrap_or(I::I32Const(0)), ty);
            TExpr {
                kind: TExprKind::Binary {
                    instr: gt,
                    lhs: Box::new(unary(abs, e, ty)),
                    rhs: Box::new(z),
                },
                ty: Type::Bool,
            }
        }
        Type::Void => return Err(err(span, "a `void` expression cannot be used as a condition")),
    })
}

/// An explicit `as` cast. Float to integer casts saturate (NaN becomes 0), as
/// AssemblyScript's do with the non-trapping conversions.
pub(super) fn cast(e: TExpr, to: Type, span: Span) -> CResult<TExpr> {
    use Type::*;
    let from = e.ty;
    if from == to {
        return Ok(e);
    }
    if to == Bool {
        return condition(e, span);
    }
    if implicitly_converts(from, to) {
        return coerce(e, to, span);
    }
    let instr = match (from, to) {
        (I64, I32) => I::I32WrapI64,
        (I32, F32) => I::F32ConvertI32S,
        (I64, F32) => I::F32ConvertI64S,
        (I64, F64) => I::F64ConvertI64S,
        (F32, I32) => I::I32TruncSatF32S,
        (F64, I32) => I::I32TruncSatF64S,
        (F32, I64) => I::I64TruncSatF32S,
        (F64, I64) => I::I64TruncSatF64S,
        (F64, F32) => I::F32DemoteF64,
        _ => {
            return Err(err(
                span,
                format!("cannot convert `{}` to `{}`", from.name(), to.name()),
            ))
        }
    };
    Ok(unary(instr, e, to))
}
