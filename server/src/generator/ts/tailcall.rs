//! Tail-recursion elimination on the typed IR, with an accumulator for
//! integer `+` and `*` (as LLVM does for Rust and C): a function whose
//! returns are `return f(args)`, `return x + f(args)` or `return x * f(args)`
//! (for `f` itself) becomes a loop that reassigns its parameters, so that
//! `fibonacci` makes half the calls and tail-recursive functions no longer
//! grow the stack.
//!
//! Wrapping integer addition and multiplication are associative and
//! commutative, so `x1 + (x2 + base)` equals `(0 + x1 + x2) + base`; the
//! operands are still evaluated in source order (`x`, then the arguments).
//! Float operators are not associative and are left alone.

use wasm_encoder::Instruction as I;

use super::ir::{Callee, LabelId, TExpr, TExprKind, TFunction, TStmt, Type};

/// The accumulating operator of a function's recursive returns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Acc {
    Add,
    Mul,
}

/// What a `return` looks like.
enum ReturnShape {
    /// `return f(args)`
    Tail,
    /// `return x op f(args)`
    Accumulate(Acc),
    /// Anything else.
    Other,
}

fn acc_of(instr: &I<'static>) -> Option<Acc> {
    match instr {
        I::I32Add | I::I64Add => Some(Acc::Add),
        I::I32Mul | I::I64Mul => Some(Acc::Mul),
        _ => None,
    }
}

fn is_self_call(e: &TExpr, me: u32) -> bool {
    matches!(&e.kind, TExprKind::Call { callee: Callee::User(i), .. } if *i == me)
}

fn shape(e: &TExpr, me: u32) -> ReturnShape {
    if is_self_call(e, me) {
        return ReturnShape::Tail;
    }
    if let TExprKind::Binary { instr, rhs, .. } = &e.kind {
        if let (Some(acc), true) = (acc_of(instr), is_self_call(rhs, me)) {
            return ReturnShape::Accumulate(acc);
        }
    }
    ReturnShape::Other
}

/// Visits every `return` value in `stmts`.
fn returns<'a>(stmts: &'a [TStmt], out: &mut Vec<&'a TExpr>) {
    for s in stmts {
        match s {
            TStmt::Return(Some(e)) => out.push(e),
            TStmt::If { then, otherwise, .. } => {
                returns(then, out);
                returns(otherwise, out);
            }
            TStmt::Loop { body, .. } | TStmt::Block { body, .. } => returns(body, out),
            TStmt::Switch { bodies, .. } => {
                for b in bodies {
                    returns(b, out);
                }
            }
            _ => {}
        }
    }
}

fn max_label(stmts: &[TStmt]) -> Option<LabelId> {
    stmts
        .iter()
        .filter_map(|s| match s {
            TStmt::If { then, otherwise, .. } => max_label(then).max(max_label(otherwise)),
            TStmt::Loop { id, body, .. } | TStmt::Block { id, body } => Some(*id).max(max_label(body)),
            TStmt::Switch { id, bodies, .. } => {
                bodies.iter().map(|b| max_label(b)).fold(Some(*id), Option::max)
            }
            _ => None,
        })
        .max()
}

struct Rewrite {
    acc: Option<(Acc, u32)>,
    temps: Vec<u32>,
    params: usize,
    loop_id: LabelId,
    result: Type,
}

fn local(index: u32, ty: Type) -> TExpr {
    TExpr {
        kind: TExprKind::Local(index),
        ty,
    }
}

fn set(index: u32, value: TExpr) -> TStmt {
    TStmt::Expr(TExpr {
        kind: TExprKind::SetLocal {
            index,
            value: Box::new(value),
            tee: false,
        },
        ty: Type::Void,
    })
}

impl Rewrite {
    fn combine(&self, acc: Acc, index: u32, value: TExpr) -> TExpr {
        let instr = match (acc, self.result) {
            (Acc::Add, t) if t.is_64() => I::I64Add,
            (Acc::Mul, t) if t.is_64() => I::I64Mul,
            (Acc::Add, _) => I::I32Add,
            (Acc::Mul, _) => I::I32Mul,
        };
        TExpr {
            kind: TExprKind::Binary {
                instr,
                lhs: Box::new(local(index, self.result)),
                rhs: Box::new(value),
            },
            ty: self.result,
        }
    }

    /// `params = args` through temporaries, then the next iteration.
    fn jump(&self, args: Vec<TExpr>, out: &mut Vec<TStmt>) {
        let tys: Vec<Type> = args.iter().map(|a| a.ty).collect();
        for (arg, t) in args.into_iter().zip(&self.temps) {
            out.push(set(*t, arg));
        }
        for (i, (t, ty)) in self.temps.iter().zip(tys).enumerate().take(self.params) {
            out.push(set(i as u32, local(*t, ty)));
        }
        out.push(TStmt::Continue(self.loop_id));
    }

    fn stmts(&self, stmts: Vec<TStmt>, me: u32) -> Vec<TStmt> {
        let mut out = Vec::new();
        for s in stmts {
            match s {
                TStmt::Return(Some(e)) => self.ret(e, me, &mut out),
                TStmt::If {
                    cond,
                    then,
                    otherwise,
                } => out.push(TStmt::If {
                    cond,
                    then: self.stmts(then, me),
                    otherwise: self.stmts(otherwise, me),
                }),
                TStmt::Loop {
                    id,
                    pre_test,
                    body,
                    update,
                    post_test,
                } => out.push(TStmt::Loop {
                    id,
                    pre_test,
                    body: self.stmts(body, me),
                    update,
                    post_test,
                }),
                TStmt::Block { id, body } => out.push(TStmt::Block {
                    id,
                    body: self.stmts(body, me),
                }),
                TStmt::Switch {
                    id,
                    discriminant,
                    tests,
                    default,
                    bodies,
                } => out.push(TStmt::Switch {
                    id,
                    discriminant,
                    tests,
                    default,
                    bodies: bodies.into_iter().map(|b| self.stmts(b, me)).collect(),
                }),
                other => out.push(other),
            }
        }
        out
    }

    fn ret(&self, e: TExpr, me: u32, out: &mut Vec<TStmt>) {
        match split(e, me) {
            Ok(Split::Tail(args)) => self.jump(args, out),
            Ok(Split::Accumulate(instr, x, args)) => match self.acc {
                Some((acc, index)) => {
                    out.push(set(index, self.combine(acc, index, x)));
                    self.jump(args, out);
                }
                // `eliminate` sets up an accumulator whenever such a return
                // exists; without one, the return is rebuilt unchanged.
                None => {
                    let call = TExpr {
                        kind: TExprKind::Call {
                            callee: Callee::User(me),
                            args,
                        },
                        ty: self.result,
                    };
                    let value = TExpr {
                        kind: TExprKind::Binary {
                            instr,
                            lhs: Box::new(x),
                            rhs: Box::new(call),
                        },
                        ty: self.result,
                    };
                    out.push(TStmt::Return(Some(value)));
                }
            },
            Err(value) => {
                let value = match self.acc {
                    Some((acc, index)) => self.combine(acc, index, value),
                    None => value,
                };
                out.push(TStmt::Return(Some(value)));
            }
        }
    }
}

/// A recursive return taken apart.
enum Split {
    /// `return f(args)`
    Tail(Vec<TExpr>),
    /// `return x op f(args)`: the operator, `x` and the arguments.
    Accumulate(I<'static>, TExpr, Vec<TExpr>),
}

/// Takes a return value apart if it is a recursive call (possibly behind an
/// accumulating operator); gives it back otherwise.
fn split(e: TExpr, me: u32) -> Result<Split, TExpr> {
    match shape(&e, me) {
        ReturnShape::Tail => match e.kind {
            TExprKind::Call { args, .. } => Ok(Split::Tail(args)),
            kind => Err(TExpr { kind, ty: e.ty }),
        },
        ReturnShape::Accumulate(_) => match e.kind {
            TExprKind::Binary { instr, lhs, rhs } => match rhs.kind {
                TExprKind::Call { args, .. } => Ok(Split::Accumulate(instr, *lhs, args)),
                kind => Err(TExpr {
                    kind: TExprKind::Binary {
                        instr,
                        lhs,
                        rhs: Box::new(TExpr { kind, ty: rhs.ty }),
                    },
                    ty: e.ty,
                }),
            },
            kind => Err(TExpr { kind, ty: e.ty }),
        },
        ReturnShape::Other => Err(e),
    }
}

/// Rewrites `f` (the program's function number `me`) when its recursive
/// returns allow it; otherwise leaves it unchanged.
pub fn eliminate(f: &mut TFunction, me: u32) {
    let mut all = Vec::new();
    returns(&f.body, &mut all);
    let mut accs = Vec::new();
    let mut tails = 0;
    for e in &all {
        match shape(e, me) {
            ReturnShape::Tail => tails += 1,
            ReturnShape::Accumulate(a) => accs.push(a),
            ReturnShape::Other => {}
        }
    }
    let integer = matches!(f.result, Type::I32 | Type::I64);
    let acc = match accs.first() {
        None => None,
        Some(a) if integer && accs.iter().all(|b| b == a) => Some(*a),
        Some(_) => return,
    };
    if tails == 0 && acc.is_none() {
        return;
    }
    let base = f.params.len() as u32;
    let acc = acc.map(|a| {
        f.locals.push(f.result);
        (a, base + f.locals.len() as u32 - 1)
    });
    let temps = f
        .params
        .iter()
        .map(|(_, ty)| {
            f.locals.push(*ty);
            base + f.locals.len() as u32 - 1
        })
        .collect();
    let rewrite = Rewrite {
        acc,
        temps,
        params: f.params.len(),
        loop_id: max_label(&f.body).map_or(0, |m| m + 1),
        result: f.result,
    };
    let mut body = rewrite.stmts(std::mem::take(&mut f.body), me);
    if f.result == Type::Void {
        // Falling off the end of a void function returns.
        body.push(TStmt::Return(None));
    }
    let mut new_body = Vec::new();
    if let Some((a, index)) = acc {
        let identity = match (a, f.result) {
            (Acc::Add, t) if t.is_64() => I::I64Const(0),
            (Acc::Mul, t) if t.is_64() => I::I64Const(1),
            (Acc::Add, _) => I::I32Const(0),
            (Acc::Mul, _) => I::I32Const(1),
        };
        new_body.push(set(
            index,
            TExpr {
                kind: TExprKind::Const(identity),
                ty: f.result,
            },
        ));
    }
    new_body.push(TStmt::Loop {
        id: rewrite.loop_id,
        pre_test: None,
        body,
        update: None,
        post_test: None,
    });
    f.body = new_body;
}

#[cfg(test)]
mod tests {
    use super::eliminate;
    use crate::generator::ts::ir::{TExpr, TExprKind, TStmt};
    use crate::generator::ts::{parser::parse_program, types::check_program};

    fn calls_in_expr(e: &TExpr) -> usize {
        match &e.kind {
            TExprKind::Call { args, .. } => 1 + args.iter().map(calls_in_expr).sum::<usize>(),
            TExprKind::Binary { lhs, rhs, .. } | TExprKind::Logical { lhs, rhs, .. } => {
                calls_in_expr(lhs) + calls_in_expr(rhs)
            }
            TExprKind::Unary { operand: v, .. }
            | TExprKind::SetLocal { value: v, .. }
            | TExprKind::SetGlobal { value: v, .. } => calls_in_expr(v),
            _ => 0,
        }
    }

    fn calls(stmts: &[TStmt]) -> usize {
        stmts
            .iter()
            .map(|s| match s {
                TStmt::Expr(e) | TStmt::Return(Some(e)) => calls_in_expr(e),
                TStmt::If { then, otherwise, .. } => calls(then) + calls(otherwise),
                TStmt::Loop { body, .. } | TStmt::Block { body, .. } => calls(body),
                _ => 0,
            })
            .sum()
    }

    fn function(src: &str) -> crate::generator::ts::ir::TFunction {
        let mut p = check_program(&parse_program(src).unwrap()).unwrap();
        let mut f = p.functions.remove(0);
        eliminate(&mut f, 0);
        f
    }

    #[test]
    fn fibonacci_keeps_one_recursive_call_in_a_loop() {
        let f =
            function("function fib(n: i32): i32 { if (n <= 1) return n; return fib(n - 1) + fib(n - 2); }");
        assert_eq!(calls(&f.body), 1);
        assert!(matches!(f.body.last(), Some(TStmt::Loop { .. })));
    }

    #[test]
    fn floats_and_mixed_operators_are_left_alone() {
        let f = function("function f(n: f64): f64 { if (n <= 1) return n; return n + f(n - 1); }");
        assert_eq!(calls(&f.body), 1);
        assert!(!matches!(f.body.last(), Some(TStmt::Loop { .. })));
        let g = function("function g(n: i32): i32 { if (n <= 1) return 1; if (n % 2 == 0) return n + g(n - 1); return n * g(n - 1); }");
        assert_eq!(calls(&g.body), 2);
    }
}
