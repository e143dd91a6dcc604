//! Statement checking: declarations, control flow, labels, `break` and
//! `continue`, `return`, and the check that non-void functions return.

use super::convert::{coerce, condition, constant, zero};
use super::{err, CResult, FnCtx, LabelFrame};
use crate::generator::ts::ast::{BinOp, Expr, Span, Stmt, StmtKind, SwitchCase};
use crate::generator::ts::ir::{LabelId, TExpr, TExprKind, TStmt, Type};

/// Whether control can never fall off the end of `stmts`.
pub(super) fn terminates(stmts: &[TStmt]) -> bool {
    stmts.iter().any(|s| match s {
        TStmt::Return(_) => true,
        TStmt::If { then, otherwise, .. } => terminates(then) && terminates(otherwise),
        TStmt::Block { id, body } => terminates(body) && !breaks_to(*id, body),
        TStmt::Loop {
            id,
            pre_test,
            post_test,
            body,
            ..
        } => always_true(pre_test.as_ref()) && always_true(post_test.as_ref()) && !breaks_to(*id, body),
        // Each case falls through to the next, so with a `default` every
        // path ends in the last body.
        TStmt::Switch {
            id, default, bodies, ..
        } => {
            default.is_some()
                && bodies.last().is_some_and(|b| terminates(b))
                && !bodies.iter().any(|b| breaks_to(*id, b))
        }
        _ => false,
    })
}

fn always_true(test: Option<&TExpr>) -> bool {
    match test {
        None => true,
        Some(e) => matches!(e.kind, TExprKind::Const(wasm_encoder::Instruction::I32Const(v)) if v != 0),
    }
}

fn breaks_to(id: LabelId, stmts: &[TStmt]) -> bool {
    stmts.iter().any(|s| match s {
        TStmt::Break(b) => *b == id,
        TStmt::If { then, otherwise, .. } => breaks_to(id, then) || breaks_to(id, otherwise),
        TStmt::Block { body, .. } | TStmt::Loop { body, .. } => breaks_to(id, body),
        TStmt::Switch { bodies, .. } => bodies.iter().any(|b| breaks_to(id, b)),
        _ => false,
    })
}

impl FnCtx<'_> {
    pub(super) fn stmts(&mut self, stmts: &[Stmt]) -> CResult<Vec<TStmt>> {
        let mut out = Vec::new();
        for s in stmts {
            self.stmt(s, &mut out)?;
        }
        Ok(out)
    }

    fn sub_stmt(&mut self, s: &Stmt) -> CResult<Vec<TStmt>> {
        self.scoped(|c| {
            let mut out = Vec::new();
            c.stmt(s, &mut out)?;
            Ok(out)
        })
    }

    fn new_label(&mut self, name: Option<String>, is_loop: bool, span: Span) -> CResult<LabelId> {
        self.new_frame(name, is_loop, is_loop, span)
    }

    fn new_frame(
        &mut self,
        name: Option<String>,
        is_loop: bool,
        breakable: bool,
        span: Span,
    ) -> CResult<LabelId> {
        if let Some(n) = &name {
            if self.labels.iter().any(|l| l.name.as_deref() == Some(n)) {
                return Err(err(
                    span,
                    format!("label `{n}` is already used by an enclosing statement"),
                ));
            }
        }
        let id = self.next_label;
        self.next_label += 1;
        self.labels.push(LabelFrame {
            name,
            id,
            is_loop,
            breakable,
        });
        Ok(id)
    }

    fn jump_target(&self, label: Option<&str>, is_continue: bool, span: Span) -> CResult<LabelId> {
        let word = if is_continue { "continue" } else { "break" };
        let frame = match label {
            None => self
                .labels
                .iter()
                .rev()
                .find(|l| if is_continue { l.is_loop } else { l.breakable })
                .ok_or_else(|| {
                    let place = if is_continue {
                        "a loop"
                    } else {
                        "a loop or `switch`"
                    };
                    err(span, format!("`{word}` must be inside {place}"))
                })?,
            Some(n) => self
                .labels
                .iter()
                .rev()
                .find(|l| l.name.as_deref() == Some(n))
                .ok_or_else(|| err(span, format!("unknown label `{n}`")))?,
        };
        if is_continue && !frame.is_loop {
            return Err(err(span, "`continue` must name a loop label"));
        }
        Ok(frame.id)
    }

    /// `switch`: the discriminant goes to a fresh local; each `case` test
    /// compares it with `===` semantics (strings by content).
    fn switch(
        &mut self,
        discriminant: &Expr,
        cases: &[SwitchCase],
        label: Option<String>,
        span: Span,
        out: &mut Vec<TStmt>,
    ) -> CResult<()> {
        let d = self.expr(discriminant, None)?;
        if d.ty == Type::Void {
            return Err(err(
                discriminant.span,
                "a `switch` needs a value, but this is `void`",
            ));
        }
        let ty = d.ty;
        let local = self.locals.len() as u32;
        self.locals.push(ty);
        self.reads.insert(local);
        let set = TExpr {
            kind: TExprKind::SetLocal {
                index: local,
                value: Box::new(d),
                tee: false,
            },
            ty: Type::Void,
        };
        let mut tests = Vec::new();
        let mut default = None;
        for (i, c) in cases.iter().enumerate() {
            match &c.test {
                None => default = Some(i),
                Some(t) => {
                    let value = self.expr(t, Some(ty))?;
                    let current = TExpr {
                        kind: TExprKind::Local(local),
                        ty,
                    };
                    let eq = self.compare_eq(current, value, t.span)?;
                    tests.push((eq, i));
                }
            }
        }
        let id = self.new_frame(label, false, true, span)?;
        let mut bodies = Vec::new();
        let mut result = Ok(());
        self.scopes.push(std::collections::HashMap::new());
        for c in cases {
            match self.stmts(&c.body) {
                Ok(b) => bodies.push(b),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        if let Some(scope) = self.scopes.pop() {
            self.warn_unread(scope);
        }
        self.labels.pop();
        result?;
        out.push(TStmt::Switch {
            id,
            discriminant: Box::new(set),
            tests,
            default,
            bodies,
        });
        Ok(())
    }

    fn compare_eq(&mut self, a: TExpr, b: TExpr, span: Span) -> CResult<TExpr> {
        self.combine(BinOp::Eq, a, b, span, span)
    }

    fn stmt(&mut self, s: &Stmt, out: &mut Vec<TStmt>) -> CResult<()> {
        self.stmt_labeled(s, None, out)
    }

    fn stmt_labeled(&mut self, s: &Stmt, label: Option<String>, out: &mut Vec<TStmt>) -> CResult<()> {
        let is_loop = matches!(
            s.kind,
            StmtKind::While { .. } | StmtKind::DoWhile { .. } | StmtKind::For { .. }
        );
        if let StmtKind::Switch { discriminant, cases } = &s.kind {
            return self.switch(discriminant, cases, label, s.span, out);
        }
        if label.is_some() && !is_loop {
            let id = self.new_label(label, false, s.span)?;
            let body = self.sub_stmt(s);
            self.labels.pop();
            out.push(TStmt::Block { id, body: body? });
            return Ok(());
        }
        match &s.kind {
            StmtKind::Var(decls) => {
                for d in decls {
                    let (ty, init) = self.typed_initializer(d)?;
                    let value = match init {
                        Some(e) => e,
                        None => constant(zero(ty).unwrap_or(wasm_encoder::Instruction::I32Const(0)), ty),
                    };
                    let index = self.declare(&d.name, d.span, ty, d.constant)?;
                    out.push(TStmt::Expr(TExpr {
                        kind: TExprKind::SetLocal {
                            index,
                            value: Box::new(value),
                            tee: false,
                        },
                        ty: Type::Void,
                    }));
                }
            }
            StmtKind::Expr(e) => out.push(TStmt::Expr(self.effect(e)?)),
            StmtKind::Block(b) => {
                let body = self.scoped(|c| c.stmts(b))?;
                out.extend(body);
            }
            StmtKind::If {
                cond,
                then,
                otherwise,
            } => {
                let c = self.expr(cond, Some(Type::Bool))?;
                let cond = condition(c, cond.span)?;
                let then = self.sub_stmt(then)?;
                let otherwise = match otherwise {
                    Some(o) => self.sub_stmt(o)?,
                    None => Vec::new(),
                };
                out.push(TStmt::If {
                    cond,
                    then,
                    otherwise,
                });
            }
            StmtKind::While { cond, body } => {
                let c = self.expr(cond, Some(Type::Bool))?;
                let pre_test = Some(condition(c, cond.span)?);
                let id = self.new_label(label, true, s.span)?;
                let body = self.sub_stmt(body);
                self.labels.pop();
                out.push(TStmt::Loop {
                    id,
                    pre_test,
                    body: body?,
                    update: None,
                    post_test: None,
                });
            }
            StmtKind::DoWhile { body, cond } => {
                let id = self.new_label(label, true, s.span)?;
                let body = self.sub_stmt(body);
                self.labels.pop();
                let c = self.expr(cond, Some(Type::Bool))?;
                let post_test = Some(condition(c, cond.span)?);
                out.push(TStmt::Loop {
                    id,
                    pre_test: None,
                    body: body?,
                    update: None,
                    post_test,
                });
            }
            StmtKind::For {
                init,
                cond,
                update,
                body,
            } => {
                self.scoped(|c| {
                    if let Some(i) = init {
                        c.stmt(i, out)?;
                    }
                    let pre_test = match cond {
                        Some(e) => {
                            let t = c.expr(e, Some(Type::Bool))?;
                            Some(condition(t, e.span)?)
                        }
                        None => None,
                    };
                    let update = update.as_ref().map(|u| c.effect(u)).transpose()?;
                    let id = c.new_label(label, true, s.span)?;
                    let body = c.sub_stmt(body);
                    c.labels.pop();
                    out.push(TStmt::Loop {
                        id,
                        pre_test,
                        body: body?,
                        update,
                        post_test: None,
                    });
                    Ok(())
                })?;
            }
            StmtKind::Break(l) => out.push(TStmt::Break(self.jump_target(l.as_deref(), false, s.span)?)),
            StmtKind::Continue(l) => {
                out.push(TStmt::Continue(self.jump_target(l.as_deref(), true, s.span)?))
            }
            StmtKind::Return(value) => {
                let v = match (value, self.result) {
                    (None, Type::Void) => None,
                    (None, t) => {
                        return Err(err(
                            s.span,
                            format!("this function must return a `{}` value", t.name()),
                        ))
                    }
                    (Some(v), Type::Void) => {
                        return Err(err(
                            v.span,
                            "a void function cannot return a value: remove it or declare a result type",
                        ))
                    }
                    (Some(v), t) => {
                        let e = self.expr(v, Some(t))?;
                        Some(coerce(e, t, v.span)?)
                    }
                };
                out.push(TStmt::Return(v));
            }
            StmtKind::Labeled { label: l, body } => self.stmt_labeled(body, Some(l.clone()), out)?,
            // Handled above, before labels of non-loops.
            StmtKind::Switch { .. } => {}
            StmtKind::Empty => {}
        }
        Ok(())
    }
}
