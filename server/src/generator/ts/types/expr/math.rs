//! The `Math` and `Mathf` namespaces: functions that map to single wasm
//! instructions, the constants, `Math.random` and `Mathf.random` (a built-in generator, see
//! codegen), and the rest of AssemblyScript's `Math` (`NativeMath`, f64)
//! and `Mathf` (`NativeMathf`, f32), computed by the prelude's port of
//! their musl-based code (`prelude/math.ts`, `prelude/mathf.ts`), so
//! results are AssemblyScript's bit for bit.

use wasm_encoder::{Ieee32, Ieee64, Instruction as I};

use super::{binary, unary};
use crate::generator::ts::ast::{Expr, Span};
use crate::generator::ts::ir::{Callee, TExpr, TExprKind, Type};
use crate::generator::ts::types::convert::{coerce, constant};
use crate::generator::ts::types::{err, CResult, FnCtx};

const SUPPORTED: &str = "abs, acos, acosh, asin, asinh, atan, atan2, atanh, cbrt, ceil, clz32, cos, cosh, exp, exp2, expm1, floor, fround, hypot, imul, log, log10, log1p, log2, max, min, pow, random, round, sign, sin, sinh, sqrt, tan, tanh, trunc and the constants PI, E, LN2, LN10, LOG2E, LOG10E, SQRT2, SQRT1_2";

/// The one-argument functions computed by the prelude: name, the `Math`
/// (f64) function and the `Mathf` (f32) one.
const UNARY: &[(&str, &str, &str)] = &[
    ("acos", "__math_acos", "__mathf_acos"),
    ("acosh", "__math_acosh", "__mathf_acosh"),
    ("asin", "__math_asin", "__mathf_asin"),
    ("asinh", "__math_asinh", "__mathf_asinh"),
    ("atan", "__math_atan", "__mathf_atan"),
    ("atanh", "__math_atanh", "__mathf_atanh"),
    ("cbrt", "__math_cbrt", "__mathf_cbrt"),
    ("clz32", "__math_clz32", "__mathf_clz32"),
    ("cos", "__math_cos", "__mathf_cos"),
    ("cosh", "__math_cosh", "__mathf_cosh"),
    ("exp", "__math_exp", "__mathf_exp"),
    ("exp2", "__math_exp2", "__mathf_exp2"),
    ("expm1", "__math_expm1", "__mathf_expm1"),
    ("log", "__math_log", "__mathf_log"),
    ("log10", "__math_log10", "__mathf_log10"),
    ("log1p", "__math_log1p", "__mathf_log1p"),
    ("log2", "__math_log2", "__mathf_log2"),
    ("round", "__math_round", "__mathf_round"),
    ("sign", "__math_sign", "__mathf_sign"),
    ("sin", "__math_sin", "__mathf_sin"),
    ("sinh", "__math_sinh", "__mathf_sinh"),
    ("tan", "__math_tan", "__mathf_tan"),
    ("tanh", "__math_tanh", "__mathf_tanh"),
];

/// The two-argument functions computed by the prelude.
const BINARY: &[(&str, &str, &str)] = &[
    ("atan2", "__math_atan2", "__mathf_atan2"),
    ("hypot", "__math_hypot", "__mathf_hypot"),
    ("imul", "__math_imul", "__mathf_imul"),
    ("pow", "__math_pow", "__mathf_pow"),
];

/// The prelude function of `name` in `Math` (`f32 == false`) or `Mathf`.
fn runtime_function(
    table: &[(&str, &'static str, &'static str)],
    name: &str,
    f32: bool,
) -> Option<&'static str> {
    table
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, f64_fn, f32_fn)| if f32 { *f32_fn } else { *f64_fn })
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

/// Whether `name` is a function of the namespaces.
fn is_function(name: &str) -> bool {
    unary_instr(name).is_some()
        || runtime_function(UNARY, name, false).is_some()
        || runtime_function(BINARY, name, false).is_some()
        || ["min", "max", "random", "fround"].contains(&name)
}

impl FnCtx<'_> {
    /// `Math.NAME` or `Mathf.NAME` used as a value.
    pub(in crate::generator::ts::types) fn member(
        &self,
        object: &str,
        property: &str,
        span: Span,
    ) -> CResult<TExpr> {
        if object != "Math" && object != "Mathf" {
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
            _ if is_function(property) => {
                return Err(err(
                    span,
                    format!("`{object}.{property}` is a function; call it as `{object}.{property}(...)`"),
                ))
            }
            _ => {
                return Err(err(
                    span,
                    format!("`{object}.{property}` is not supported; `Math` and `Mathf` have {SUPPORTED}"),
                ))
            }
        };
        if object == "Mathf" {
            // AssemblyScript's `NativeMathf.PI` is `<f32>NativeMath.PI`.
            return Ok(constant(I::F32Const(Ieee32::from(v as f32)), Type::F32));
        }
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

    /// An argument of type `ty` (`f64` for `Math`, `f32` for `Mathf`).
    fn typed_arg(&mut self, a: &Expr, ty: Type) -> CResult<TExpr> {
        let t = self.expr(a, Some(ty))?;
        coerce(t, ty, a.span)
    }

    /// A call `Math.NAME(args)` (`object` is `Math`) or `Mathf.NAME(args)`.
    pub(super) fn math_call(
        &mut self,
        object: &str,
        name: &str,
        args: &[Expr],
        callee_span: Span,
        span: Span,
    ) -> CResult<TExpr> {
        let f32 = object == "Mathf";
        let ty = if f32 { Type::F32 } else { Type::F64 };
        let arity = |n: usize| {
            if args.len() == n {
                Ok(())
            } else {
                Err(err(
                    span,
                    format!(
                        "`{object}.{name}` expects {n} argument(s), but {} were given",
                        args.len()
                    ),
                ))
            }
        };
        if let Some((f32_instr, f64_instr)) = unary_instr(name) {
            arity(1)?;
            let a = if f32 {
                self.typed_arg(&args[0], ty)?
            } else {
                self.float_arg(&args[0])?
            };
            let ty = a.ty;
            let instr = if ty == Type::F32 { f32_instr } else { f64_instr };
            return Ok(unary(instr, a, ty));
        }
        if f32 && name == "fround" {
            // A no-op on an f32.
            arity(1)?;
            return self.typed_arg(&args[0], ty);
        }
        let fround = (name == "fround").then_some("__math_fround");
        if let Some(f) = runtime_function(UNARY, name, f32).or(fround) {
            arity(1)?;
            let a = self.typed_arg(&args[0], ty)?;
            return Ok(super::runtime_call(f, vec![a], ty));
        }
        if let Some(f) = runtime_function(BINARY, name, f32) {
            arity(2)?;
            let (a, b) = self.pair(&args[0], &args[1], Some(ty))?;
            let a = coerce(a, ty, args[0].span)?;
            let b = coerce(b, ty, args[1].span)?;
            return Ok(super::runtime_call(f, vec![a, b], ty));
        }
        match name {
            "min" | "max" => {
                arity(2)?;
                // A literal argument takes the other's type, so `Math.max(x, 1)`
                // stays f32 when `x` is.
                let (a, b) = self.pair(&args[0], &args[1], Some(ty))?;
                let (a, b, ty) = if f32 || (a.ty == Type::F32 && b.ty == Type::F32) {
                    (
                        coerce(a, Type::F32, args[0].span)?,
                        coerce(b, Type::F32, args[1].span)?,
                        Type::F32,
                    )
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
                        callee: Callee::Random { f32 },
                        args: Vec::new(),
                    },
                    ty: if f32 { Type::F32 } else { Type::F64 },
                })
            }
            _ => Err(err(
                callee_span,
                format!("`{object}.{name}` is not supported; `Math` and `Mathf` have {SUPPORTED}"),
            )),
        }
    }
}
