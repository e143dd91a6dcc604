//! The `Math` namespace: functions that map to single wasm instructions, the
//! constants, `Math.random` (a built-in generator, see codegen), and the
//! rest of AssemblyScript's `Math`, computed by the prelude's port of its
//! musl-based `NativeMath` (`prelude/math.ts`), so results are AssemblyScript's
//! bit for bit.

use wasm_encoder::{Ieee64, Instruction as I};

use super::{binary, unary};
use crate::generator::ts::ast::{Expr, Span};
use crate::generator::ts::ir::{Callee, TExpr, TExprKind, Type};
use crate::generator::ts::types::convert::{coerce, constant};
use crate::generator::ts::types::{err, CResult, FnCtx};

const SUPPORTED: &str = "Math.abs, acos, acosh, asin, asinh, atan, atan2, atanh, cbrt, ceil, clz32, cos, cosh, exp, exp2, expm1, floor, fround, hypot, imul, log, log10, log1p, log2, max, min, pow, random, round, sign, sin, sinh, sqrt, tan, tanh, trunc and the constants Math.PI, E, LN2, LN10, LOG2E, LOG10E, SQRT2, SQRT1_2";

/// The prelude function of a one-argument `Math` function computed in wasm
/// code (f64 in, f64 out).
fn unary_runtime(name: &str) -> Option<&'static str> {
    Some(match name {
        "acos" => "__math_acos",
        "acosh" => "__math_acosh",
        "asin" => "__math_asin",
        "asinh" => "__math_asinh",
        "atan" => "__math_atan",
        "atanh" => "__math_atanh",
        "cbrt" => "__math_cbrt",
        "clz32" => "__math_clz32",
        "cos" => "__math_cos",
        "cosh" => "__math_cosh",
        "exp" => "__math_exp",
        "exp2" => "__math_exp2",
        "expm1" => "__math_expm1",
        "log" => "__math_log",
        "log10" => "__math_log10",
        "log1p" => "__math_log1p",
        "log2" => "__math_log2",
        "round" => "__math_round",
        "sign" => "__math_sign",
        "fround" => "__math_fround",
        "sin" => "__math_sin",
        "sinh" => "__math_sinh",
        "tan" => "__math_tan",
        "tanh" => "__math_tanh",
        _ => return None,
    })
}

/// The prelude function of a two-argument `Math` function.
fn binary_runtime(name: &str) -> Option<&'static str> {
    Some(match name {
        "atan2" => "__math_atan2",
        "hypot" => "__math_hypot",
        "imul" => "__math_imul",
        "pow" => "__math_pow",
        _ => return None,
    })
}

/// The f32 and f64 instructions of a one-argument `Math` function.
fn unary_instr(name: &str) -> Option<(I<'static>, I<'static>)> {
    Some(match name {
        "sqrt" => (I::F32Sqrt, I::F64Sqrt),
        "abs" => (I::F32Abs, I::F64Abs),
        "floor" => (I::F32Floor, I::F64Floor),
        "ceil" => (I::F32Ceil, I::F64Ceil),
        "trunc" => (I::F32Trunc, I::F64Trunc),
        _ => return None,
    })
}

impl FnCtx<'_> {
    /// `Math.NAME` used as a value.
    pub(in crate::generator::ts::types) fn member(
        &self,
        object: &str,
        property: &str,
        span: Span,
    ) -> CResult<TExpr> {
        if object != "Math" {
            return Err(err(
                span,
                format!("cannot find name `{object}` (objects are not supported; only `Math` is known)"),
            ));
        }
        let v = match property {
            "PI" => std::f64::consts::PI,
            "E" => std::f64::consts::E,
            "LN2" => std::f64::consts::LN_2,
            "LN10" => std::f64::consts::LN_10,
            "LOG2E" => std::f64::consts::LOG2_E,
            "LOG10E" => std::f64::consts::LOG10_E,
            "SQRT2" => std::f64::consts::SQRT_2,
            "SQRT1_2" => std::f64::consts::FRAC_1_SQRT_2,
            _ if unary_instr(property).is_some()
                || unary_runtime(property).is_some()
                || binary_runtime(property).is_some()
                || ["min", "max", "random"].contains(&property) =>
            {
                return Err(err(
                    span,
                    format!("`Math.{property}` is a function; call it as `Math.{property}(...)`"),
                ))
            }
            _ => {
                return Err(err(
                    span,
                    format!("`Math.{property}` is not supported; the subset has {SUPPORTED}"),
                ))
            }
        };
        Ok(constant(I::F64Const(Ieee64::from(v)), Type::F64))
    }

    /// A float argument: `f32` stays `f32`, anything else becomes `f64`.
    fn float_arg(&mut self, a: &Expr) -> CResult<TExpr> {
        let t = self.expr(a, Some(Type::F64))?;
        if t.ty == Type::F32 {
            Ok(t)
        } else {
            coerce(t, Type::F64, a.span)
        }
    }

    pub(super) fn math_call(
        &mut self,
        name: &str,
        args: &[Expr],
        callee_span: Span,
        span: Span,
    ) -> CResult<TExpr> {
        let arity = |n: usize| {
            if args.len() == n {
                Ok(())
            } else {
                Err(err(
                    span,
                    format!(
                        "`Math.{name}` expects {n} argument(s), but {} were given",
                        args.len()
                    ),
                ))
            }
        };
        if let Some((f32_instr, f64_instr)) = unary_instr(name) {
            arity(1)?;
            let a = self.float_arg(&args[0])?;
            let ty = a.ty;
            let instr = if ty == Type::F32 { f32_instr } else { f64_instr };
            return Ok(unary(instr, a, ty));
        }
        if let Some(f) = unary_runtime(name) {
            arity(1)?;
            let a = self.expr(&args[0], Some(Type::F64))?;
            let a = coerce(a, Type::F64, args[0].span)?;
            return Ok(super::runtime_call(f, vec![a], Type::F64));
        }
        if let Some(f) = binary_runtime(name) {
            arity(2)?;
            let (a, b) = self.pair(&args[0], &args[1], Some(Type::F64))?;
            let a = coerce(a, Type::F64, args[0].span)?;
            let b = coerce(b, Type::F64, args[1].span)?;
            return Ok(super::runtime_call(f, vec![a, b], Type::F64));
        }
        match name {
            "min" | "max" => {
                arity(2)?;
                // A literal argument takes the other's type, so `Math.max(x, 1)`
                // stays f32 when `x` is.
                let (a, b) = self.pair(&args[0], &args[1], Some(Type::F64))?;
                let (a, b, ty) = if a.ty == Type::F32 && b.ty == Type::F32 {
                    (a, b, Type::F32)
                } else {
                    (
                        coerce(a, Type::F64, args[0].span)?,
                        coerce(b, Type::F64, args[1].span)?,
                        Type::F64,
                    )
                };
                let instr = match (name, ty) {
                    ("min", Type::F32) => I::F32Min,
                    ("min", _) => I::F64Min,
                    (_, Type::F32) => I::F32Max,
                    _ => I::F64Max,
                };
                Ok(binary(instr, a, b, ty))
            }
            "random" => {
                arity(0)?;
                self.uses_random = true;
                Ok(TExpr {
                    kind: TExprKind::Call {
                        callee: Callee::Random,
                        args: Vec::new(),
                    },
                    ty: Type::F64,
                })
            }
            _ => Err(err(
                callee_span,
                format!("`Math.{name}` is not supported; the subset has {SUPPORTED}"),
            )),
        }
    }
}
