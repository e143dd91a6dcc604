//! Arrays (`T[]`, `Array<T>`) and typed arrays (`Uint8Array`, ...):
//! literals, `new`, indexing (bounds-checked: an index out of range traps,
//! where AssemblyScript aborts), element assignment, `length`, `push` and
//! `pop`. An array is an object `[length][capacity][data]` whose elements
//! live in a separate buffer; see the prelude.

use wasm_encoder::{Instruction as I, MemArg};

use super::{runtime_call, string_literal};
use crate::generator::ts::ast::{BinOp, Expr, Span, TypeName};
use crate::generator::ts::ir::{Elem, TExpr, TExprKind, Type};
use crate::generator::ts::types::convert::{coerce, constant};
use crate::generator::ts::types::{err, CResult, FnCtx};

/// The type ids of the prelude: arrays of plain values, arrays of strings.
const ARRAY_INFO: i32 = 512;
const ARRAY_REFS_INFO: i32 = 768;

fn mem(offset: u64, align: u32) -> MemArg {
    MemArg {
        offset,
        align,
        memory_index: 0,
    }
}

/// The element type of an array type.
pub(super) fn array_elem(t: Type) -> Option<Elem> {
    match t {
        Type::Array(e) | Type::TypedArray(e) => Some(e),
        _ => None,
    }
}

/// Reads the element at address `slot`.
fn load(elem: Elem, slot: TExpr) -> TExpr {
    let instr = match elem {
        Elem::I8 => I::I32Load8S(mem(0, 0)),
        Elem::U8 | Elem::Bool => I::I32Load8U(mem(0, 0)),
        Elem::I16 => I::I32Load16S(mem(0, 1)),
        Elem::U16 => I::I32Load16U(mem(0, 1)),
        Elem::I32 | Elem::U32 | Elem::Str | Elem::Obj(_) => I::I32Load(mem(0, 2)),
        Elem::I64 | Elem::U64 => I::I64Load(mem(0, 3)),
        Elem::F32 => I::F32Load(mem(0, 2)),
        Elem::F64 => I::F64Load(mem(0, 3)),
    };
    TExpr {
        kind: TExprKind::Op {
            instr,
            args: vec![slot],
        },
        ty: elem.ty(),
    }
}

/// Writes `value` at address `slot`.
fn store(elem: Elem, slot: TExpr, value: TExpr) -> TExpr {
    let instr = match elem {
        Elem::I8 | Elem::U8 | Elem::Bool => I::I32Store8(mem(0, 0)),
        Elem::I16 | Elem::U16 => I::I32Store16(mem(0, 1)),
        Elem::I32 | Elem::U32 | Elem::Str | Elem::Obj(_) => I::I32Store(mem(0, 2)),
        Elem::I64 | Elem::U64 => I::I64Store(mem(0, 3)),
        Elem::F32 => I::F32Store(mem(0, 2)),
        Elem::F64 => I::F64Store(mem(0, 3)),
    };
    TExpr {
        kind: TExprKind::Op {
            instr,
            args: vec![slot, value],
        },
        ty: Type::Void,
    }
}

/// An operand of a runtime call that takes an address. A reference keeps
/// its type, so codegen still sees it as one to root (see the shadow stack).
fn as_address(e: TExpr) -> TExpr {
    if e.ty.is_reference() {
        e
    } else {
        TExpr { ty: Type::U32, ..e }
    }
}

fn shift(elem: Elem) -> TExpr {
    constant(I::I32Const(elem.shift() as i32), Type::U32)
}

fn local(index: u32, ty: Type) -> TExpr {
    TExpr {
        kind: TExprKind::Local(index),
        ty,
    }
}

fn set(index: u32, value: TExpr, tee: bool) -> TExpr {
    let ty = if tee { value.ty } else { Type::Void };
    TExpr {
        kind: TExprKind::SetLocal {
            index,
            value: Box::new(value),
            tee,
        },
        ty,
    }
}

/// A new array of `len` zeroed elements.
fn new_array(elem: Elem, len: TExpr, ty: Type) -> TExpr {
    let info = if elem.is_reference() {
        ARRAY_REFS_INFO
    } else {
        ARRAY_INFO
    };
    let call = runtime_call(
        "__arr_new",
        vec![
            as_address(len),
            shift(elem),
            constant(I::I32Const(info), Type::U32),
        ],
        Type::U32,
    );
    TExpr { ty, ..call }
}

impl FnCtx<'_> {
    /// A fresh local of type `ty` for an intermediate value.
    fn temp(&mut self, ty: Type) -> u32 {
        let index = self.locals.len() as u32;
        self.locals.push(ty);
        self.reads.insert(index);
        index
    }

    fn array_and_index(&mut self, object: &Expr, index: &Expr) -> CResult<(TExpr, Elem, TExpr)> {
        let a = self.expr(object, None)?;
        let elem = array_elem(a.ty).ok_or_else(|| {
            err(
                object.span,
                format!("a value of type `{}` cannot be indexed (arrays can)", a.ty.name()),
            )
        })?;
        let i = self.expr(index, Some(Type::I32))?;
        let i = coerce(i, Type::I32, index.span)?;
        Ok((a, elem, i))
    }

    /// `object[index]`.
    pub(super) fn index(&mut self, object: &Expr, index: &Expr) -> CResult<TExpr> {
        let (a, elem, i) = self.array_and_index(object, index)?;
        let slot = runtime_call("__arr_slot", vec![as_address(a), i, shift(elem)], Type::U32);
        Ok(load(elem, slot))
    }

    /// `object[index] = value` or `object[index] op= value`, as a statement.
    pub(super) fn index_assign(
        &mut self,
        op: Option<BinOp>,
        object: &Expr,
        index: &Expr,
        value: &Expr,
        span: Span,
    ) -> CResult<TExpr> {
        let (a, elem, i) = self.array_and_index(object, index)?;
        let ety = elem.ty();
        let slot = runtime_call("__arr_slot", vec![as_address(a), i, shift(elem)], Type::U32);
        let tmp = self.temp(Type::U32);
        let new = match op {
            None => {
                let v = self.expr(value, Some(ety))?;
                coerce(v, ety, value.span)?
            }
            Some(op) => {
                let current = load(elem, local(tmp, Type::U32));
                let rhs = self.expr(value, Some(ety))?;
                let combined = self.combine(op, current, rhs, span, value.span)?;
                coerce(combined, ety, value.span)?
            }
        };
        // The slot's address is computed (and kept) before the value.
        Ok(store(elem, set(tmp, slot, true), new))
    }

    /// `[a, b, c]`: the element type comes from the context, else from the
    /// first element.
    pub(super) fn array_literal(&mut self, items: &[Expr], hint: Option<Type>, span: Span) -> CResult<TExpr> {
        let (elem, ty) = match hint {
            Some(t @ (Type::Array(e) | Type::TypedArray(e))) => (e, t),
            _ => {
                let first = items.first().ok_or_else(|| {
                    err(
                        span,
                        "the type of an empty array literal must be declared, e.g. `let a: i32[] = []`",
                    )
                })?;
                let t = self.expr(first, None)?;
                let e = t.ty.elem().ok_or_else(|| {
                    err(
                        first.span,
                        format!(
                            "arrays of `{}` are not supported: elements are numbers, bool or string",
                            t.ty.name()
                        ),
                    )
                })?;
                (e, Type::Array(e))
            }
        };
        let tmp = self.temp(ty);
        let len = constant(I::I32Const(items.len() as i32), Type::U32);
        let mut effects = vec![set(tmp, new_array(elem, len, ty), false)];
        for (k, item) in items.iter().enumerate() {
            let v = self.expr(item, Some(elem.ty()))?;
            let v = coerce(v, elem.ty(), item.span)?;
            // data + k * size, with data read from the array's third word.
            let data = TExpr {
                kind: TExprKind::Op {
                    instr: I::I32Load(mem(8, 2)),
                    args: vec![local(tmp, Type::U32)],
                },
                ty: Type::U32,
            };
            let offset = constant(I::I32Const(((k as u64) << elem.shift()) as i32), Type::U32);
            let slot = super::binary(I::I32Add, data, offset, Type::U32);
            effects.push(store(elem, slot, v));
        }
        Ok(TExpr {
            kind: TExprKind::Seq {
                effects,
                value: Box::new(local(tmp, ty)),
            },
            ty,
        })
    }

    /// `new Array<T>(n)`, `new Uint8Array(n)`.
    pub(super) fn new_object(&mut self, class: &TypeName, args: &[Expr], span: Span) -> CResult<TExpr> {
        if let Some(c) = self.module.classes.get(&class.name).copied() {
            return self.new_instance(c, args, span);
        }
        let ty = if class.name.ends_with("[]") || Elem::from_typed_array(&class.name).is_some() {
            self.module.resolve(class)?
        } else {
            return Err(err(
                class.span,
                format!(
                    "cannot find class `{}` (declare it with `class`; `Array<T>` and typed arrays such as `Uint8Array` are built in)",
                    class.name
                ),
            ));
        };
        let elem = array_elem(ty).ok_or_else(|| err(class.span, "internal: not an array type"))?;
        if args.len() > 1 {
            return Err(err(
                span,
                format!("`new {}` takes at most one argument, the length", ty.name()),
            ));
        }
        let len = match args.first() {
            Some(a) => {
                let t = self.expr(a, Some(Type::I32))?;
                coerce(t, Type::I32, a.span)?
            }
            None => constant(I::I32Const(0), Type::I32),
        };
        Ok(new_array(elem, len, ty))
    }

    /// `array.length`.
    pub(super) fn array_length(a: TExpr) -> TExpr {
        TExpr {
            kind: TExprKind::Op {
                instr: I::I32Load(mem(0, 2)),
                args: vec![as_address(a)],
            },
            ty: Type::I32,
        }
    }

    /// `array.push(v)` and `array.pop()`.
    pub(super) fn array_method(
        &mut self,
        a: TExpr,
        name: &str,
        args: &[Expr],
        callee_span: Span,
        span: Span,
    ) -> CResult<TExpr> {
        let ty = a.ty;
        let elem = array_elem(ty).ok_or_else(|| err(callee_span, "internal: not an array"))?;
        let growable = matches!(ty, Type::Array(_));
        match name {
            "push" if growable => {
                let [v] = args else {
                    return Err(err(span, format!("`push` expects 1 argument, but {} were given", args.len())));
                };
                let value = self.expr(v, Some(elem.ty()))?;
                let value = coerce(value, elem.ty(), v.span)?;
                // The value first (it may read the array), then the slot.
                let tmp = self.temp(elem.ty());
                let slot = runtime_call("__arr_push_slot", vec![as_address(a), shift(elem)], Type::U32);
                Ok(TExpr {
                    kind: TExprKind::Seq {
                        effects: vec![set(tmp, value, false)],
                        value: Box::new(store(elem, slot, local(tmp, elem.ty()))),
                    },
                    ty: Type::Void,
                })
            }
            "pop" if growable => {
                if !args.is_empty() {
                    return Err(err(span, "`pop` takes no arguments"));
                }
                let slot = runtime_call("__arr_pop_slot", vec![as_address(a), shift(elem)], Type::U32);
                Ok(load(elem, slot))
            }
            "join" if elem == Elem::Str => {
                let sep = match args.first() {
                    Some(s) => {
                        let t = self.expr(s, Some(Type::Str))?;
                        coerce(t, Type::Str, s.span)?
                    }
                    None => string_literal(",".encode_utf16().collect()),
                };
                Ok(runtime_call("__arr_join", vec![as_address(a), sep], Type::Str))
            }
            _ => Err(err(
                callee_span,
                format!(
                    "`{}` has no method `{name}`; arrays have `length`, `push`, `pop` (and `join` for string[]), typed arrays `length`",
                    ty.name()
                ),
            )),
        }
    }
}
