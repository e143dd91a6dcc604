//! The built-ins of the runtime prelude: memory access and the few
//! instructions the allocator and the string functions are written with.
//! Only prelude functions (whose names start with `__`) may call them.

use wasm_encoder::{Instruction as I, MemArg};

use crate::generator::ts::ast::{Expr, Span};
use crate::generator::ts::ir::{Callee, TExpr, TExprKind, Type};
use crate::generator::ts::types::convert::coerce;
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
        if args.len() != params.len() {
            return Err(err(
                span,
                format!(
                    "`{name}` expects {} argument(s), but {} were given",
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
