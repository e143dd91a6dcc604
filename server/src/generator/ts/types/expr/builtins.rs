//! The built-ins of the runtime prelude: memory access and the few
//! instructions the allocator and the string functions are written with.
//! Only prelude functions (whose names start with `__`) may call them.
//!
//! Also AssemblyScript's instruction built-ins, named by their wasm type
//! (`i64.reinterpret_f64(x)`, `f64.copysign(x, y)`, `i32.clz(x)`, ...) or
//! generic (`reinterpret<u64>(x)`, `clz<i32>(x)`, `copysign<f64>(x, y)`),
//! which any program may call.

use wasm_encoder::{Ieee32, Ieee64, Instruction as I, MemArg};

use crate::generator::ts::ast::{Expr, Span, TypeName};
use crate::generator::ts::ir::{Callee, TExpr, TExprKind, Type};
use crate::generator::ts::types::convert::coerce;
use crate::generator::ts::types::convert::constant;
use crate::generator::ts::types::{err, CResult, FnCtx};

fn mem(align: u32) -> MemArg {
    MemArg {
        offset: 0,
        align,
        memory_index: 0,
    }
}

fn op(instr: I<'static>, args: Vec<TExpr>, ty: Type) -> TExpr {
    TExpr {
        kind: TExprKind::Op { instr, args },
        ty,
    }
}

impl FnCtx<'_> {
    /// A built-in call, or `None` when `name` is not a built-in.
    pub(super) fn builtin(&mut self, name: &str, args: &[Expr], span: Span) -> CResult<Option<TExpr>> {
        use Type::{Str, Void, U32, U64};
        let (instr, params, result): (Option<I<'static>>, &[Type], Type) = match name {
            "__load8" => (Some(I::I32Load8U(mem(0))), &[U32], U32),
            "__load16" => (Some(I::I32Load16U(mem(1))), &[U32], U32),
            "__load32" => (Some(I::I32Load(mem(2))), &[U32], U32),
            "__load64" => (Some(I::I64Load(mem(3))), &[U32], U64),
            "__loadf64" => (Some(I::F64Load(mem(3))), &[U32], Type::F64),
            "__store8" => (Some(I::I32Store8(mem(0))), &[U32, U32], Void),
            "__store16" => (Some(I::I32Store16(mem(1))), &[U32, U32], Void),
            "__store32" => (Some(I::I32Store(mem(2))), &[U32, U32], Void),
            "__store64" => (Some(I::I64Store(mem(3))), &[U32, U64], Void),
            "__memory_size" => (Some(I::MemorySize(0)), &[], U32),
            "__memory_grow" => (Some(I::MemoryGrow(0)), &[U32], Type::I32),
            "__memory_fill" => (Some(I::MemoryFill(0)), &[U32, U32, U32], Void),
            "__memory_copy" => (
                Some(I::MemoryCopy {
                    src_mem: 0,
                    dst_mem: 0,
                }),
                &[U32, U32, U32],
                Void,
            ),
            "__unreachable" => (Some(I::Unreachable), &[], Void),
            "__clz" => (Some(I::I32Clz), &[U32], U32),
            // Re-typings between a string and its address.
            "__ptr" => (None, &[Str], U32),
            "__str" => (None, &[U32], Str),
            "__arr_cast" => (None, &[U32], Type::Array(crate::generator::ts::ir::Elem::Str)),
            // Codegen provides these: the first free address after the
            // static data, and the marking of the globals that hold strings.
            "__visit" => {
                let [p, k] = args else {
                    return Err(err(span, "`__visit` takes the object and its type id"));
                };
                let p = self.expr(p, Some(U32))?;
                let k = self.expr(k, Some(U32))?;
                return Ok(Some(TExpr {
                    kind: TExprKind::Call {
                        callee: Callee::Runtime("__visit"),
                        args: vec![coerce(p, U32, span)?, coerce(k, U32, span)?],
                    },
                    ty: Void,
                }));
            }
            "__heap_base" | "__mark_roots" => {
                if !args.is_empty() {
                    return Err(err(span, format!("`{name}` takes no arguments")));
                }
                let (callee, ty) = if name == "__heap_base" {
                    ("__heap_base", U32)
                } else {
                    ("__mark_roots", Void)
                };
                return Ok(Some(TExpr {
                    kind: TExprKind::Call {
                        callee: Callee::Runtime(callee),
                        args: Vec::new(),
                    },
                    ty,
                }));
            }
            _ => return Ok(None),
        };
        let mut targs = self.arguments(&format!("`{name}`"), args, params, span)?;
        Ok(Some(match instr {
            Some(instr) => op(instr, targs, result),
            None => {
                let arg = targs
                    .pop()
                    .ok_or_else(|| err(span, "internal: a re-typing needs its argument"))?;
                TExpr { ty: result, ..arg }
            }
        }))
    }
}

/// The wasm type namespaces of AssemblyScript's instruction built-ins.
pub(super) fn namespace(name: &str) -> Option<Type> {
    Some(match name {
        "i32" => Type::I32,
        "i64" => Type::I64,
        "f32" => Type::F32,
        "f64" => Type::F64,
        _ => return None,
    })
}

const NAMESPACE_FUNCTIONS: &str = "i32/i64: clz, ctz, popcnt, rotl, rotr, reinterpret_f32/reinterpret_f64; f32/f64: abs, ceil, floor, trunc, nearest, sqrt, copysign, min, max, reinterpret_i32/reinterpret_i64";

/// The instruction, parameter types and result of `ns.name`.
fn namespace_instr(ns: Type, name: &str) -> Option<(I<'static>, &'static [Type], Type)> {
    use Type::{F32, F64, I32, I64};
    Some(match (ns, name) {
        (I32, "clz") => (I::I32Clz, &[I32], I32),
        (I32, "ctz") => (I::I32Ctz, &[I32], I32),
        (I32, "popcnt") => (I::I32Popcnt, &[I32], I32),
        (I32, "rotl") => (I::I32Rotl, &[I32, I32], I32),
        (I32, "rotr") => (I::I32Rotr, &[I32, I32], I32),
        (I32, "reinterpret_f32") => (I::I32ReinterpretF32, &[F32], I32),
        (I64, "clz") => (I::I64Clz, &[I64], I64),
        (I64, "ctz") => (I::I64Ctz, &[I64], I64),
        (I64, "popcnt") => (I::I64Popcnt, &[I64], I64),
        (I64, "rotl") => (I::I64Rotl, &[I64, I64], I64),
        (I64, "rotr") => (I::I64Rotr, &[I64, I64], I64),
        (I64, "reinterpret_f64") => (I::I64ReinterpretF64, &[F64], I64),
        (F32, "reinterpret_i32") => (I::F32ReinterpretI32, &[I32], F32),
        (F64, "reinterpret_i64") => (I::F64ReinterpretI64, &[I64], F64),
        (F32, _) => match name {
            "abs" => (I::F32Abs, &[F32], F32),
            "ceil" => (I::F32Ceil, &[F32], F32),
            "floor" => (I::F32Floor, &[F32], F32),
            "trunc" => (I::F32Trunc, &[F32], F32),
            "nearest" => (I::F32Nearest, &[F32], F32),
            "sqrt" => (I::F32Sqrt, &[F32], F32),
            "copysign" => (I::F32Copysign, &[F32, F32], F32),
            "min" => (I::F32Min, &[F32, F32], F32),
            "max" => (I::F32Max, &[F32, F32], F32),
            _ => return None,
        },
        (F64, _) => match name {
            "abs" => (I::F64Abs, &[F64], F64),
            "ceil" => (I::F64Ceil, &[F64], F64),
            "floor" => (I::F64Floor, &[F64], F64),
            "trunc" => (I::F64Trunc, &[F64], F64),
            "nearest" => (I::F64Nearest, &[F64], F64),
            "sqrt" => (I::F64Sqrt, &[F64], F64),
            "copysign" => (I::F64Copysign, &[F64, F64], F64),
            "min" => (I::F64Min, &[F64, F64], F64),
            "max" => (I::F64Max, &[F64, F64], F64),
            _ => return None,
        },
        _ => return None,
    })
}

/// A reinterpretation of a constant, done at compile time (the prelude's
/// float constants are written as their bits).
fn fold_reinterpret(instr: &I<'static>, arg: &TExpr) -> Option<TExpr> {
    let TExprKind::Const(c) = &arg.kind else {
        return None;
    };
    Some(match (instr, c) {
        (I::F64ReinterpretI64, I::I64Const(v)) => constant(I::F64Const(Ieee64::new(*v as u64)), Type::F64),
        (I::I64ReinterpretF64, I::F64Const(v)) => constant(I::I64Const(v.bits() as i64), Type::I64),
        (I::F32ReinterpretI32, I::I32Const(v)) => constant(I::F32Const(Ieee32::new(*v as u32)), Type::F32),
        (I::I32ReinterpretF32, I::F32Const(v)) => constant(I::I32Const(v.bits() as i32), Type::I32),
        _ => return None,
    })
}

impl FnCtx<'_> {
    /// `i64.reinterpret_f64(x)` and the other instruction built-ins.
    pub(super) fn namespace_call(
        &mut self,
        ns: Type,
        name: &str,
        args: &[Expr],
        callee_span: Span,
        span: Span,
    ) -> CResult<TExpr> {
        let Some((instr, params, result)) = namespace_instr(ns, name) else {
            return Err(err(
                callee_span,
                format!(
                    "`{}.{name}` is not supported; the subset has {NAMESPACE_FUNCTIONS}",
                    ns.name()
                ),
            ));
        };
        let targs = self.arguments(&format!("`{}.{name}`", ns.name()), args, params, span)?;
        if let [arg] = targs.as_slice() {
            if let Some(folded) = fold_reinterpret(&instr, arg) {
                return Ok(folded);
            }
        }
        Ok(op(instr, targs, result))
    }
}

const GENERIC_FUNCTIONS: &str = "reinterpret, clz, ctz, popcnt, rotl, rotr (integers), abs, ceil, floor, trunc, nearest, sqrt, copysign, min, max (floats)";

impl FnCtx<'_> {
    /// `name<T>(args)`: AssemblyScript's generic built-ins, as the
    /// instruction of `T`'s wasm type; the result has type `T`.
    pub(super) fn generic_call(
        &mut self,
        name: &str,
        ty: &TypeName,
        args: &[Expr],
        callee_span: Span,
        span: Span,
    ) -> CResult<TExpr> {
        let t = self.module.resolve(ty)?;
        let ns = match t {
            Type::I32 | Type::U32 => Type::I32,
            Type::I64 | Type::U64 => Type::I64,
            Type::F32 | Type::F64 => t,
            _ => {
                return Err(err(
                    ty.span,
                    format!("`{name}<{}>`: the type must be a 32- or 64-bit number", ty.name),
                ))
            }
        };
        if name == "reinterpret" {
            return self.reinterpret(t, ns, ty, args, span);
        }
        let op_name = if name.starts_with("reinterpret_") {
            ""
        } else {
            name
        };
        if namespace_instr(ns, op_name).is_none() {
            return Err(err(
                callee_span,
                format!(
                    "`{name}<{}>` is not supported; the subset has {GENERIC_FUNCTIONS}",
                    ty.name
                ),
            ));
        }
        let e = self.namespace_call(ns, op_name, args, callee_span, span)?;
        // `u32`/`u64` results are the same bits as `i32`/`i64`.
        Ok(TExpr { ty: t, ..e })
    }
}

impl FnCtx<'_> {
    /// `reinterpret<T>(x)`: the bits of `x`, a number of the other kind
    /// (integer or float) and the same size, as a `T`.
    fn reinterpret(&mut self, t: Type, ns: Type, ty: &TypeName, args: &[Expr], span: Span) -> CResult<TExpr> {
        let [a] = args else {
            return Err(err(
                span,
                format!(
                    "`reinterpret<{}>` expects 1 argument(s), but {} were given",
                    ty.name,
                    args.len()
                ),
            ));
        };
        let (from, instr) = match ns {
            Type::I32 => (Type::F32, I::I32ReinterpretF32),
            Type::I64 => (Type::F64, I::I64ReinterpretF64),
            Type::F32 => (Type::I32, I::F32ReinterpretI32),
            _ => (Type::I64, I::F64ReinterpretI64),
        };
        let v = self.expr(a, Some(from))?;
        if v.ty.bits() != from.bits() || v.ty.is_float() != from.is_float() {
            return Err(err(
                a.span,
                format!(
                    "`reinterpret<{}>` needs a {}-bit {}, not `{}`",
                    ty.name,
                    from.bits(),
                    if from.is_float() { "float" } else { "integer" },
                    v.ty.name()
                ),
            ));
        }
        let v = TExpr { ty: from, ..v };
        let e = fold_reinterpret(&instr, &v).unwrap_or_else(|| op(instr, vec![v], ns));
        Ok(TExpr { ty: t, ..e })
    }
}
