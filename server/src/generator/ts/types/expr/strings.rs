//! Strings: operators (`+` concatenates, `==`/`!=` compare contents, `<`,
//! `<=`, `>`, `>=` compare UTF-16 code units),
//! template literals, `length` and the methods, each a call of a runtime
//! prelude function (see [`prelude`](crate::generator::ts::prelude)).

use wasm_encoder::Instruction as I;

use super::{runtime_call, string_literal, unary};
use crate::generator::ts::ast::{BinOp, Expr, Span};
use crate::generator::ts::ir::{TExpr, TExprKind, Type};
use crate::generator::ts::types::convert::{coerce, constant};
use crate::generator::ts::types::{err, CResult, FnCtx};

const METHODS: &str = "length, charCodeAt, indexOf, lastIndexOf, includes, startsWith, endsWith, substring, slice, split, concat, toUpperCase, toLowerCase, toString";

impl FnCtx<'_> {
    /// A binary operator with a string operand.
    pub(super) fn string_operator(&self, op: BinOp, l: TExpr, r: TExpr, span: Span) -> CResult<TExpr> {
        if l.ty != Type::Str || r.ty != Type::Str {
            let other = if l.ty == Type::Str { r.ty } else { l.ty };
            return Err(err(
                span,
                format!(
                    "operator cannot combine `string` and `{}`: convert with `.toString()` or use a template literal",
                    other.name()
                ),
            ));
        }
        match op {
            BinOp::Add => Ok(runtime_call("__str_concat", vec![l, r], Type::Str)),
            BinOp::Eq => Ok(runtime_call("__str_eq", vec![l, r], Type::Bool)),
            BinOp::Ne => Ok(unary(
                I::I32Eqz,
                runtime_call("__str_eq", vec![l, r], Type::Bool),
                Type::Bool,
            )),
            // AssemblyScript compares UTF-16 code units, as JavaScript does.
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let instr = match op {
                    BinOp::Lt => I::I32LtS,
                    BinOp::Le => I::I32LeS,
                    BinOp::Gt => I::I32GtS,
                    _ => I::I32GeS,
                };
                let order = runtime_call("__str_compare", vec![l, r], Type::I32);
                Ok(TExpr {
                    kind: TExprKind::Binary {
                        instr,
                        lhs: Box::new(order),
                        rhs: Box::new(constant(I::I32Const(0), Type::I32)),
                    },
                    ty: Type::Bool,
                })
            }
            _ => Err(err(
                span,
                "strings support `+`, `==`, `!=` (and `===`, `!==`), `<`, `<=`, `>` and `>=`; other operators are not supported on strings",
            )),
        }
    }

    /// `value` as a string, for template literals and `toString()`.
    pub(super) fn to_string(&self, value: TExpr, span: Span) -> CResult<TExpr> {
        let ty = value.ty;
        Ok(match ty {
            Type::Str => value,
            Type::Bool => runtime_call("__bool_to_str", vec![value], Type::Str),
            t if t.is_integer() && t.is_signed() => {
                let v = coerce(value, Type::I64, span)?;
                runtime_call("__i64_to_str", vec![v], Type::Str)
            }
            t if t.is_integer() => {
                let v = coerce(value, Type::U64, span)?;
                runtime_call("__u64_to_str", vec![v], Type::Str)
            }
            // AssemblyScript's dtoa, with f32's precision for an f32.
            t if t.is_float() => {
                let single = constant(I::I32Const(i32::from(t == Type::F32)), Type::Bool);
                let v = coerce(value, Type::F64, span)?;
                runtime_call("__dtoa", vec![v, single], Type::Str)
            }
            _ => {
                return Err(err(
                    span,
                    format!(
                        "converting `{}` to a string is not supported (numbers, bool and strings are)",
                        ty.name()
                    ),
                ))
            }
        })
    }

    /// `` `a${x}b` ``: the parts concatenated, numbers converted as by
    /// `toString()`.
    pub(super) fn template(&mut self, quasis: &[Vec<u16>], exprs: &[Expr]) -> CResult<TExpr> {
        let mut acc: Option<TExpr> = None;
        let push = |acc: &mut Option<TExpr>, part: TExpr| {
            *acc = Some(match acc.take() {
                None => part,
                Some(a) => runtime_call("__str_concat", vec![a, part], Type::Str),
            });
        };
        for (i, q) in quasis.iter().enumerate() {
            if !q.is_empty() || (i == 0 && exprs.is_empty()) {
                push(&mut acc, string_literal(q.clone()));
            }
            if let Some(e) = exprs.get(i) {
                let v = self.expr(e, None)?;
                let s = self.to_string(v, e.span)?;
                // `${s}` of a null string is "null", as concatenation gives.
                let s = if acc.is_none() {
                    runtime_call("__str_concat", vec![string_literal(Vec::new()), s], Type::Str)
                } else {
                    s
                };
                push(&mut acc, s);
            }
        }
        Ok(acc.unwrap_or_else(|| string_literal(Vec::new())))
    }

    /// `object.property` read as a value.
    pub(super) fn property(&mut self, object: TExpr, property: &str, span: Span) -> CResult<TExpr> {
        if let Type::Class(c) = object.ty {
            return self.field_read(object, c, property, span);
        }
        match (object.ty, property) {
            (Type::Str, "length") => Ok(runtime_call("__str_length", vec![object], Type::I32)),
            (Type::Array(_) | Type::TypedArray(_), "length") => Ok(Self::array_length(object)),
            (Type::Str, _) => Err(err(
                span,
                format!("`{property}` is not a property of strings; they have {METHODS}"),
            )),
            (t, _) => Err(err(
                span,
                format!("a value of type `{}` has no properties", t.name()),
            )),
        }
    }

    /// An optional `i32` argument, or `default`.
    fn int_arg(&mut self, args: &[Expr], i: usize, default: i32) -> CResult<TExpr> {
        match args.get(i) {
            Some(a) => {
                let t = self.expr(a, Some(Type::I32))?;
                coerce(t, Type::I32, a.span)
            }
            None => Ok(constant(I::I32Const(default), Type::I32)),
        }
    }

    fn str_arg(&mut self, args: &[Expr], i: usize, span: Span) -> CResult<TExpr> {
        let a = args
            .get(i)
            .ok_or_else(|| err(span, "this method expects a string argument"))?;
        let t = self.expr(a, Some(Type::Str))?;
        coerce(t, Type::Str, a.span)
    }

    /// `object.name(args)`.
    pub(super) fn method(
        &mut self,
        object: TExpr,
        name: &str,
        args: &[Expr],
        callee_span: Span,
        span: Span,
    ) -> CResult<TExpr> {
        let (min, max) = match name {
            _ if object.ty != Type::Str => (0, usize::MAX),
            "toString" | "toUpperCase" | "toLowerCase" => (0, 0),
            "charCodeAt" | "concat" | "startsWith" | "endsWith" => (1, 1),
            "indexOf" | "lastIndexOf" | "includes" | "substring" | "slice" => (1, 2),
            "split" => (0, 1),
            _ => (0, usize::MAX),
        };
        if max != usize::MAX && (args.len() < min || args.len() > max) {
            return Err(err(
                span,
                format!(
                    "`{name}` expects {} argument(s), but {} were given",
                    if min == max {
                        min.to_string()
                    } else {
                        format!("{min} to {max}")
                    },
                    args.len()
                ),
            ));
        }
        if let Type::Class(c) = object.ty {
            return self.method_call(object, c, name, args, callee_span, span);
        }
        if name == "toString" {
            return self.to_string(object, callee_span);
        }
        if matches!(object.ty, Type::Array(_) | Type::TypedArray(_)) {
            return self.array_method(object, name, args, callee_span, span);
        }
        if object.ty != Type::Str {
            return Err(err(
                callee_span,
                format!("a value of type `{}` has no method `{name}`", object.ty.name()),
            ));
        }
        let s = object;
        Ok(match name {
            "charCodeAt" => {
                let i = self.int_arg(args, 0, 0)?;
                runtime_call("__str_char_code_at", vec![s, i], Type::I32)
            }
            "concat" => {
                let o = self.str_arg(args, 0, span)?;
                runtime_call("__str_concat", vec![s, o], Type::Str)
            }
            "indexOf" | "includes" => {
                let o = self.str_arg(args, 0, span)?;
                let from = self.int_arg(args, 1, 0)?;
                let found = runtime_call("__str_index_of", vec![s, o, from], Type::I32);
                if name == "includes" {
                    super::binary(I::I32GeS, found, constant(I::I32Const(0), Type::I32), Type::Bool)
                } else {
                    found
                }
            }
            "lastIndexOf" => {
                let o = self.str_arg(args, 0, span)?;
                let from = self.int_arg(args, 1, i32::MAX)?;
                runtime_call("__str_last_index_of", vec![s, o, from], Type::I32)
            }
            "startsWith" => {
                let o = self.str_arg(args, 0, span)?;
                runtime_call("__str_starts_with", vec![s, o], Type::Bool)
            }
            "endsWith" => {
                let o = self.str_arg(args, 0, span)?;
                runtime_call("__str_ends_with", vec![s, o], Type::Bool)
            }
            "substring" | "slice" => {
                let start = self.int_arg(args, 0, 0)?;
                let end = self.int_arg(args, 1, i32::MAX)?;
                let f = if name == "slice" {
                    "__str_slice"
                } else {
                    "__str_substring"
                };
                runtime_call(f, vec![s, start, end], Type::Str)
            }
            "toUpperCase" => runtime_call("__str_to_upper", vec![s], Type::Str),
            "toLowerCase" => runtime_call("__str_to_lower", vec![s], Type::Str),
            "split" => {
                let sep = match args.first() {
                    Some(a) => {
                        let t = self.expr(a, Some(Type::Str))?;
                        coerce(t, Type::Str, a.span)?
                    }
                    None => TExpr {
                        kind: crate::generator::ts::ir::TExprKind::Const(I::I32Const(0)),
                        ty: Type::Str,
                    },
                };
                runtime_call(
                    "__str_split",
                    vec![s, sep],
                    Type::Array(crate::generator::ts::ir::Elem::Str),
                )
            }
            _ => {
                return Err(err(
                    callee_span,
                    format!("strings have no method `{name}`; they have {METHODS}"),
                ))
            }
        })
    }
}
