//! Conversions between the subset's types: implicit conversions (as in
//! AssemblyScript: a value converts silently when the target is at least as
//! wide), explicit `as` casts, the wrapping of 8- and 16-bit integers,
//! truthiness and literals.

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

/// The zero value of `ty` (`None` for `void`); a null string for `string`.
pub(super) fn zero(ty: Type) -> Option<I<'static>> {
    Some(match ty {
        Type::I64 | Type::U64 => I::I64Const(0),
        Type::F32 => I::F32Const(Ieee32::from(0.0f32)),
        Type::F64 => I::F64Const(Ieee64::from(0.0f64)),
        Type::Void => return None,
        _ => I::I32Const(0),
    })
}

/// The range of values of an integer type.
fn int_range(ty: Type) -> Option<(i128, i128)> {
    Some(match ty {
        Type::I8 => (i128::from(i8::MIN), i128::from(i8::MAX)),
        Type::I16 => (i128::from(i16::MIN), i128::from(i16::MAX)),
        Type::I32 => (i128::from(i32::MIN), i128::from(i32::MAX)),
        Type::I64 => (i128::from(i64::MIN), i128::from(i64::MAX)),
        Type::U8 => (0, i128::from(u8::MAX)),
        Type::U16 => (0, i128::from(u16::MAX)),
        Type::U32 => (0, i128::from(u32::MAX)),
        Type::U64 => (0, i128::from(u64::MAX)),
        _ => return None,
    })
}

/// The constant holding `value` (already in the range of `ty`) for `ty`.
fn int_const(value: i128, ty: Type) -> TExpr {
    if ty.is_64() {
        constant(I::I64Const(value as u64 as i64), ty)
    } else {
        constant(I::I32Const(value as u32 as i32), ty)
    }
}

/// An integer literal (already negated if written with a leading `-`),
/// typed by `hint` when the value fits it, else `i32` or `i64`.
pub(super) fn int_literal(value: i128, hint: Option<Type>, span: Span) -> CResult<TExpr> {
    match hint {
        Some(t) if t.is_integer() => {
            let (lo, hi) = int_range(t).unwrap_or((0, 0));
            // Values above a 32/64-bit signed maximum wrap, so that
            // `0xFFFFFFFF` is -1 as an i32 (as in AssemblyScript).
            let wide_hi = match t {
                Type::I32 => i128::from(u32::MAX),
                Type::I64 => i128::from(u64::MAX),
                _ => hi,
            };
            if (lo..=wide_hi).contains(&value) {
                let v = if value > hi { value - (hi - lo + 1) } else { value };
                return Ok(int_const(v, t));
            }
        }
        Some(Type::F32) => return Ok(constant(I::F32Const(Ieee32::from(value as f32)), Type::F32)),
        Some(Type::F64) => return Ok(constant(I::F64Const(Ieee64::from(value as f64)), Type::F64)),
        _ => {}
    }
    if i32::try_from(value).is_ok() {
        Ok(int_const(value, Type::I32))
    } else if i64::try_from(value).is_ok() {
        Ok(int_const(value, Type::I64))
    } else if u64::try_from(value).is_ok() {
        Ok(int_const(value, Type::U64))
    } else {
        Err(err(span, "integer literal does not fit in 64 bits"))
    }
}

/// A floating-point literal: `f32` when hinted, else `f64`.
pub(super) fn float_literal(value: f64, hint: Option<Type>) -> TExpr {
    if hint == Some(Type::F32) {
        constant(I::F32Const(Ieee32::from(value as f32)), Type::F32)
    } else {
        constant(I::F64Const(Ieee64::from(value)), Type::F64)
    }
}

pub(super) fn unary(instr: I<'static>, operand: TExpr, ty: Type) -> TExpr {
    TExpr {
        kind: TExprKind::Unary {
            instr,
            operand: Box::new(operand),
        },
        ty,
    }
}

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

/// Re-types a `bool` as an `i32` (both are an i32 holding 0 or 1).
pub(super) fn bool_as_i32(e: TExpr) -> TExpr {
    if e.ty == Type::Bool {
        TExpr { ty: Type::I32, ..e }
    } else {
        e
    }
}

/// Brings an `i32` holding any bits back into the range of the small
/// integer type `ty` (sign- or zero-extending its low bits); other types
/// are returned unchanged. This is how AssemblyScript's `u8`, `i16`, ...
/// wrap on overflow.
pub(super) fn wrap_small(e: TExpr, ty: Type) -> TExpr {
    let e = TExpr { ty, ..e };
    match ty {
        Type::I8 => fold(unary(I::I32Extend8S, e, ty)),
        Type::I16 => fold(unary(I::I32Extend16S, e, ty)),
        Type::U8 => fold(binary(I::I32And, e, constant(I::I32Const(0xFF), ty), ty)),
        Type::U16 => fold(binary(I::I32And, e, constant(I::I32Const(0xFFFF), ty), ty)),
        _ => e,
    }
}

/// Whether `from` converts to `to` without an explicit cast. As in
/// AssemblyScript (`Type.isAssignableTo`): an integer or `bool` converts to
/// any integer at least as wide (signedness is not checked), to `f32` when
/// it has at most 23 bits and to `f64` when it has at most 52; `f32`
/// converts to `f64`.
pub(super) fn implicitly_converts(from: Type, to: Type) -> bool {
    if from == to {
        return true;
    }
    if let (Type::Class(a), Type::Class(b)) = (from, to) {
        return ClassParents::extends(a, b);
    }
    let from_int = from.is_integer() || from == Type::Bool;
    match to {
        _ if to.is_integer() => from_int && from.bits() <= to.bits(),
        Type::F32 => from_int && from.bits() <= 23,
        Type::F64 => (from_int && from.bits() <= 52) || from == Type::F32,
        _ => false,
    }
}

thread_local! {
    static PARENTS: std::cell::RefCell<Vec<Option<u32>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The class hierarchy of the program being checked, for the one implicit
/// conversion between references: an instance of a class is an instance of
/// every class it extends. [`coerce`] has no other context, so the table
/// lives in a thread-local while [`ClassParents`] is held (checking runs on
/// one thread).
pub(super) struct ClassParents;

impl ClassParents {
    /// Sets the table (each class's parent) until the result is dropped.
    pub fn set(parents: Vec<Option<u32>>) -> Self {
        PARENTS.with(|p| *p.borrow_mut() = parents);
        ClassParents
    }

    /// Whether class `a` is `b` or extends it, directly or not.
    pub fn extends(a: u32, b: u32) -> bool {
        PARENTS.with(|p| {
            let parents = p.borrow();
            let mut at = Some(a);
            // The number of classes bounds the walk.
            for _ in 0..=parents.len() {
                match at {
                    Some(c) if c == b => return true,
                    Some(c) => at = parents.get(c as usize).copied().flatten(),
                    None => return false,
                }
            }
            false
        })
    }
}

impl Drop for ClassParents {
    fn drop(&mut self) {
        PARENTS.with(|p| p.borrow_mut().clear());
    }
}

/// The conversion of a number or `bool` of type `from` to the number type
/// `to`, whatever the loss (the checker decides when it is allowed).
fn convert(e: TExpr, to: Type) -> TExpr {
    let from = e.ty;
    if from == to {
        return e;
    }
    let signed = from.is_signed();
    if to.is_float() {
        let instr = match (from, to) {
            (Type::F32, Type::F64) => I::F64PromoteF32,
            (Type::F64, Type::F32) => I::F32DemoteF64,
            (f, Type::F32) if f.is_64() => {
                if signed {
                    I::F32ConvertI64S
                } else {
                    I::F32ConvertI64U
                }
            }
            (f, Type::F64) if f.is_64() => {
                if signed {
                    I::F64ConvertI64S
                } else {
                    I::F64ConvertI64U
                }
            }
            (_, Type::F32) => {
                if signed {
                    I::F32ConvertI32S
                } else {
                    I::F32ConvertI32U
                }
            }
            _ => {
                if signed {
                    I::F64ConvertI32S
                } else {
                    I::F64ConvertI32U
                }
            }
        };
        return fold(unary(instr, e, to));
    }
    // To an integer: first into the wasm type of `to`, then into its range.
    let to_signed = to.is_signed();
    let wide = if to.is_64() { Type::I64 } else { Type::I32 };
    let in_wasm = match from {
        Type::F32 | Type::F64 => {
            let instr = match (from, to.is_64(), to_signed || to.is_small()) {
                (Type::F32, false, true) => I::I32TruncSatF32S,
                (Type::F32, false, false) => I::I32TruncSatF32U,
                (Type::F32, true, true) => I::I64TruncSatF32S,
                (Type::F32, true, false) => I::I64TruncSatF32U,
                (_, false, true) => I::I32TruncSatF64S,
                (_, false, false) => I::I32TruncSatF64U,
                (_, true, true) => I::I64TruncSatF64S,
                (_, true, false) => I::I64TruncSatF64U,
            };
            unary(instr, e, wide)
        }
        f if f.is_64() && !to.is_64() => fold(unary(I::I32WrapI64, e, Type::I32)),
        f if !f.is_64() && to.is_64() => {
            let instr = if signed {
                I::I64ExtendI32S
            } else {
                I::I64ExtendI32U
            };
            fold(unary(instr, e, Type::I64))
        }
        _ => e,
    };
    // A value already in the range of `to` needs no wrapping.
    let fits = match (int_range(from), int_range(to)) {
        (Some((flo, fhi)), Some((tlo, thi))) => flo >= tlo && fhi <= thi,
        _ => from == Type::Bool,
    };
    if to.is_small() && !fits {
        wrap_small(in_wasm, to)
    } else {
        TExpr { ty: to, ..in_wasm }
    }
}

/// Converts `e` to `to` if that is implicit, folding constants.
///
/// # Errors
/// When the conversion could lose information, naming the cast to write.
pub(super) fn coerce(e: TExpr, to: Type, span: Span) -> CResult<TExpr> {
    if e.ty == to {
        return Ok(e);
    }
    if !implicitly_converts(e.ty, to) {
        let msg = if e.ty == Type::Void {
            format!(
                "expected a value of type `{}`, but this expression is `void`",
                to.name()
            )
        } else if to == Type::Void {
            "a void function cannot return a value: remove it or declare a result type".to_string()
        } else if e.ty.is_reference() || to.is_reference() {
            format!("type `{}` is not assignable to `{}`", e.ty.name(), to.name())
        } else {
            format!(
                "type `{}` is not assignable to `{}`: convert explicitly with `as {}`",
                e.ty.name(),
                to.name(),
                to.name()
            )
        };
        return Err(err(span, msg));
    }
    if (e.ty == Type::Bool && !to.is_64() && !to.is_float()) || to.is_reference() {
        return Ok(TExpr { ty: to, ..e });
    }
    Ok(convert(e, to))
}

/// Evaluates a conversion or wrap of a constant at compile time.
fn fold(e: TExpr) -> TExpr {
    let c = match &e.kind {
        TExprKind::Unary { instr, operand } => match (instr, &operand.kind) {
            (I::I64ExtendI32S, TExprKind::Const(I::I32Const(v))) => I::I64Const(i64::from(*v)),
            (I::I64ExtendI32U, TExprKind::Const(I::I32Const(v))) => I::I64Const(i64::from(*v as u32)),
            (I::I32WrapI64, TExprKind::Const(I::I64Const(v))) => I::I32Const(*v as i32),
            (I::I32Extend8S, TExprKind::Const(I::I32Const(v))) => I::I32Const(i32::from(*v as i8)),
            (I::I32Extend16S, TExprKind::Const(I::I32Const(v))) => I::I32Const(i32::from(*v as i16)),
            (I::F64ConvertI32S, TExprKind::Const(I::I32Const(v))) => I::F64Const(Ieee64::from(f64::from(*v))),
            (I::F64ConvertI32U, TExprKind::Const(I::I32Const(v))) => {
                I::F64Const(Ieee64::from(f64::from(*v as u32)))
            }
            (I::F64PromoteF32, TExprKind::Const(I::F32Const(v))) => {
                I::F64Const(Ieee64::from(f64::from(f32::from(*v))))
            }
            _ => return e,
        },
        TExprKind::Binary {
            instr: I::I32And,
            lhs,
            rhs,
        } => match (&lhs.kind, &rhs.kind) {
            (TExprKind::Const(I::I32Const(a)), TExprKind::Const(I::I32Const(b))) => I::I32Const(a & b),
            _ => return e,
        },
        _ => return e,
    };
    constant(c, e.ty)
}

/// `e` as a `bool`: integers are true when non-zero, floats when neither zero
/// nor NaN (as in JavaScript), strings when not empty.
pub(super) fn condition(e: TExpr, span: Span) -> CResult<TExpr> {
    let ne_zero = |e: TExpr, instr, ty| {
        let z = constant(zero(ty).unwrap_or(I::I32Const(0)), ty);
        binary(instr, e, z, Type::Bool)
    };
    Ok(match e.ty {
        Type::Bool => e,
        Type::I64 | Type::U64 => ne_zero(e, I::I64Ne, Type::I64),
        // |x| > 0 is false for 0, -0 and NaN.
        Type::F32 | Type::F64 => {
            let (abs, gt) = if e.ty == Type::F32 {
                (I::F32Abs, I::F32Gt)
            } else {
                (I::F64Abs, I::F64Gt)
            };
            let ty = e.ty;
            let z = constant(zero(ty).unwrap_or(I::I32Const(0)), ty);
            binary(gt, unary(abs, e, ty), z, Type::Bool)
        }
        Type::Void => return Err(err(span, "a `void` expression cannot be used as a condition")),
        // A string is truthy when it is not null and not empty: its length
        // (the word at its address) is not zero. Null has no such word, so
        // the test reads the length only behind a null check.
        Type::Str => {
            let p = TExpr { ty: Type::I32, ..e };
            TExpr {
                kind: TExprKind::Call {
                    callee: crate::generator::ts::ir::Callee::Runtime("__str_truthy"),
                    args: vec![p],
                },
                ty: Type::Bool,
            }
        }
        _ => ne_zero(e, I::I32Ne, Type::I32),
    })
}

/// An explicit `as` cast. Float to integer casts saturate (NaN becomes 0), as
/// AssemblyScript's do with the non-trapping conversions; integer casts
/// wrap.
pub(super) fn cast(e: TExpr, to: Type, span: Span) -> CResult<TExpr> {
    let from = e.ty;
    if from == to {
        return Ok(e);
    }
    if to == Type::Bool {
        return condition(e, span);
    }
    let numeric = |t: Type| t.is_number() || t == Type::Bool;
    if numeric(from) && to.is_number() {
        return Ok(convert(e, to));
    }
    Err(err(
        span,
        format!("cannot convert `{}` to `{}`", from.name(), to.name()),
    ))
}
