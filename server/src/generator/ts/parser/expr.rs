//! Expression parsing: assignment, conditional, binary operators by
//! precedence, `as`, unary, postfix, calls and primaries.

use super::{PResult, Parser, RESERVED};
use crate::generator::error::Diagnostic;
use crate::generator::ts::ast::{BinOp, Expr, ExprKind, UnaryOp};
use crate::generator::ts::lexer::{NumberLit, Tok};

/// Binary operators with their precedence (higher binds tighter).
fn binary_op(tok: &Tok) -> Option<(BinOp, u8)> {
    let Tok::Punct(p) = tok else { return None };
    Some(match *p {
        "||" => (BinOp::Or, 1),
        "&&" => (BinOp::And, 2),
        "|" => (BinOp::BitOr, 3),
        "^" => (BinOp::BitXor, 4),
        "&" => (BinOp::BitAnd, 5),
        "==" | "===" => (BinOp::Eq, 6),
        "!=" | "!==" => (BinOp::Ne, 6),
        "<" => (BinOp::Lt, 7),
        "<=" => (BinOp::Le, 7),
        ">" => (BinOp::Gt, 7),
        ">=" => (BinOp::Ge, 7),
        "<<" => (BinOp::Shl, 8),
        ">>" => (BinOp::Shr, 8),
        ">>>" => (BinOp::ShrU, 8),
        "+" => (BinOp::Add, 9),
        "-" => (BinOp::Sub, 9),
        "*" => (BinOp::Mul, 10),
        "/" => (BinOp::Div, 10),
        "%" => (BinOp::Rem, 10),
        "**" => (BinOp::Pow, 11),
        _ => return None,
    })
}

/// `as` binds like the relational operators.
const AS_PRECEDENCE: u8 = 7;

fn compound_op(p: &str) -> Option<Option<BinOp>> {
    Some(match p {
        "=" => None,
        "+=" => Some(BinOp::Add),
        "-=" => Some(BinOp::Sub),
        "*=" => Some(BinOp::Mul),
        "/=" => Some(BinOp::Div),
        "%=" => Some(BinOp::Rem),
        "&=" => Some(BinOp::BitAnd),
        "|=" => Some(BinOp::BitOr),
        "^=" => Some(BinOp::BitXor),
        "<<=" => Some(BinOp::Shl),
        ">>=" => Some(BinOp::Shr),
        ">>>=" => Some(BinOp::ShrU),
        "**=" => Some(BinOp::Pow),
        _ => return None,
    })
}

/// `target++` and friends: a variable's update, or for a field or an element
/// the compound assignment `target += 1` (a statement: its value cannot be
/// used).
fn update(
    target: Expr,
    increment: bool,
    prefix: bool,
    span: crate::generator::ts::ast::Span,
) -> Result<Expr, ()> {
    let op = Some(if increment { BinOp::Add } else { BinOp::Sub });
    let one = || {
        Box::new(Expr {
            kind: ExprKind::Int(1),
            span,
        })
    };
    let kind = match target.kind {
        ExprKind::Ident(target) => ExprKind::Update {
            increment,
            prefix,
            target,
        },
        ExprKind::Member { object, property } => ExprKind::MemberAssign {
            op,
            object,
            property,
            value: one(),
        },
        ExprKind::Index { object, index } => ExprKind::IndexAssign {
            op,
            object,
            index,
            value: one(),
        },
        _ => return Err(()),
    };
    Ok(Expr { kind, span })
}

impl Parser {
    /// A property name: any identifier, keywords included (`s.length`).
    fn ident_or_keyword(&mut self, what: &str) -> PResult<(String, crate::generator::ts::ast::Span)> {
        let span = self.span();
        match self.peek().clone() {
            Tok::Ident(name) => {
                self.advance();
                Ok((name, span))
            }
            _ => Err(self.unexpected(what)),
        }
    }

    pub(super) fn assignment(&mut self) -> PResult<Expr> {
        self.enter()?;
        let r = self.assignment_inner();
        self.depth -= 1;
        r
    }

    fn assignment_inner(&mut self) -> PResult<Expr> {
        let lhs = self.conditional()?;
        let Tok::Punct(p) = self.peek().clone() else {
            return Ok(lhs);
        };
        if ["&&=", "||=", "??="].contains(&p) {
            return Err(self.unexpected(&format!("an operator (`{p}` is not supported)")));
        }
        let Some(op) = compound_op(p) else {
            return Ok(lhs);
        };
        let op_span = self.span();
        let target = match lhs.kind {
            ExprKind::Ident(target) => target,
            ExprKind::Member { object, property } => {
                self.advance();
                let value = self.assignment()?;
                return Ok(Expr {
                    kind: ExprKind::MemberAssign {
                        op,
                        object,
                        property,
                        value: Box::new(value),
                    },
                    span: op_span,
                });
            }
            ExprKind::Index { object, index } => {
                self.advance();
                let value = self.assignment()?;
                return Ok(Expr {
                    kind: ExprKind::IndexAssign {
                        op,
                        object,
                        index,
                        value: Box::new(value),
                    },
                    span: op_span,
                });
            }
            _ => {
                return Err(Diagnostic::new(
                    lhs.span.line,
                    lhs.span.column,
                    "invalid assignment target: only a variable or an array element can be assigned",
                ))
            }
        };
        self.advance();
        let value = self.assignment()?;
        Ok(Expr {
            kind: ExprKind::Assign {
                op,
                target,
                target_span: lhs.span,
                value: Box::new(value),
            },
            span: op_span,
        })
    }

    fn conditional(&mut self) -> PResult<Expr> {
        let cond = self.binary(1)?;
        if !self.is_punct("?") {
            return Ok(cond);
        }
        let span = self.span();
        self.advance();
        let then = self.assignment()?;
        self.expect_punct(":")?;
        let otherwise = self.assignment()?;
        Ok(Expr {
            kind: ExprKind::Conditional {
                cond: Box::new(cond),
                then: Box::new(then),
                otherwise: Box::new(otherwise),
            },
            span,
        })
    }

    /// Each operator of a chain like `a + b + c` nests the tree one level
    /// deeper, so each counts towards [`MAX_DEPTH`](super::MAX_DEPTH).
    fn binary(&mut self, min: u8) -> PResult<Expr> {
        let saved = self.depth;
        let r = self.binary_chain(min);
        self.depth = saved;
        r
    }

    fn binary_chain(&mut self, min: u8) -> PResult<Expr> {
        let mut lhs = self.unary()?;
        loop {
            self.enter()?;
            if self.is_word("as") && AS_PRECEDENCE >= min {
                let span = self.span();
                self.advance();
                let ty = self.type_name()?;
                lhs = Expr {
                    kind: ExprKind::Cast {
                        value: Box::new(lhs),
                        ty,
                    },
                    span,
                };
                continue;
            }
            let Some((op, prec)) = binary_op(self.peek()) else {
                return Ok(lhs);
            };
            if prec < min {
                return Ok(lhs);
            }
            let span = self.span();
            self.advance();
            // `**` is right-associative: `a ** b ** c` is `a ** (b ** c)`.
            let rhs = self.binary(if op == BinOp::Pow { prec } else { prec + 1 });
            lhs = Expr {
                kind: ExprKind::Binary {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs?),
                },
                span,
            };
        }
    }

    fn unary(&mut self) -> PResult<Expr> {
        let span = self.span();
        let op = match self.peek() {
            Tok::Punct("-") => Some(UnaryOp::Neg),
            Tok::Punct("+") => Some(UnaryOp::Plus),
            Tok::Punct("!") => Some(UnaryOp::Not),
            Tok::Punct("~") => Some(UnaryOp::BitNot),
            _ => None,
        };
        if let Some(op) = op {
            self.advance();
            self.enter()?;
            let operand = self.unary();
            self.depth -= 1;
            return Ok(Expr {
                kind: ExprKind::Unary {
                    op,
                    operand: Box::new(operand?),
                },
                span,
            });
        }
        if self.is_punct("++") || self.is_punct("--") {
            let increment = self.is_punct("++");
            self.advance();
            let target = self.postfix()?;
            return update(target, increment, true, span).map_err(|_| {
                Diagnostic::new(
                    span.line,
                    span.column,
                    "`++`/`--` apply to a variable, a field or an element",
                )
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let saved = self.depth;
        let r = self.postfix_chain();
        self.depth = saved;
        r
    }

    fn postfix_chain(&mut self) -> PResult<Expr> {
        let mut e = self.primary()?;
        loop {
            self.enter()?;
            if self.is_punct("(") {
                let span = e.span;
                self.advance();
                let mut args = Vec::new();
                while !self.is_punct(")") {
                    args.push(self.assignment()?);
                    if !self.eat_punct(",") {
                        break;
                    }
                }
                self.expect_punct(")")?;
                e = Expr {
                    kind: ExprKind::Call {
                        callee: Box::new(e),
                        args,
                    },
                    span,
                };
            } else if self.is_punct("++") || self.is_punct("--") {
                let increment = self.is_punct("++");
                let span = e.span;
                e = match update(e, increment, false, span) {
                    Ok(u) => u,
                    Err(()) => {
                        return Err(
                            self.unexpected("`;` (`++`/`--` apply to a variable, a field or an element)")
                        )
                    }
                };
                self.advance();
            } else if self.is_punct(".") {
                self.advance();
                let (property, _) = self.ident_or_keyword("a property name after `.`")?;
                let span = e.span;
                e = Expr {
                    kind: ExprKind::Member {
                        object: Box::new(e),
                        property,
                    },
                    span,
                };
            } else if self.is_punct("[") {
                self.advance();
                let index = self.expr()?;
                self.expect_punct("]")?;
                let span = e.span;
                e = Expr {
                    kind: ExprKind::Index {
                        object: Box::new(e),
                        index: Box::new(index),
                    },
                    span,
                };
            } else {
                return Ok(e);
            }
        }
    }

    fn primary(&mut self) -> PResult<Expr> {
        let span = self.span();
        let kind = match self.peek().clone() {
            Tok::Number(NumberLit::Int(n)) => ExprKind::Int(n),
            Tok::Number(NumberLit::Float(f)) => ExprKind::Float(f),
            Tok::Ident(w) if w == "true" || w == "false" => ExprKind::Bool(w == "true"),
            Tok::Str(units) => ExprKind::Str(units),
            Tok::Punct("[") => {
                self.advance();
                let mut items = Vec::new();
                while !self.is_punct("]") {
                    items.push(self.assignment()?);
                    if !self.eat_punct(",") {
                        break;
                    }
                }
                self.expect_punct("]")?;
                return Ok(Expr {
                    kind: ExprKind::ArrayLit(items),
                    span,
                });
            }
            Tok::Ident(w) if w == "this" => ExprKind::This,
            Tok::Ident(w) if w == "null" => ExprKind::Null,
            Tok::Ident(w) if w == "new" => {
                self.advance();
                let class = self.type_name()?;
                self.expect_punct("(")?;
                let mut args = Vec::new();
                while !self.is_punct(")") {
                    args.push(self.assignment()?);
                    if !self.eat_punct(",") {
                        break;
                    }
                }
                self.expect_punct(")")?;
                return Ok(Expr {
                    kind: ExprKind::New { class, args },
                    span,
                });
            }
            Tok::TemplateHead(head) => {
                self.advance();
                let mut quasis = vec![head];
                let mut exprs = Vec::new();
                loop {
                    exprs.push(self.expr()?);
                    match self.peek().clone() {
                        Tok::TemplateMiddle(text) => {
                            self.advance();
                            quasis.push(text);
                        }
                        Tok::TemplateTail(text) => {
                            self.advance();
                            quasis.push(text);
                            break;
                        }
                        _ => return Err(self.unexpected("`}` to close `${` in the template")),
                    }
                }
                return Ok(Expr {
                    kind: ExprKind::Template { quasis, exprs },
                    span,
                });
            }
            Tok::Ident(w) if !RESERVED.contains(&w.as_str()) => {
                self.advance();
                // `name<T>(`: a generic built-in, as TypeScript reads it.
                if self.is_punct("<")
                    && matches!(self.peek_at(1), Tok::Ident(_))
                    && self.peek_at(2) == &Tok::Punct(">")
                    && self.peek_at(3) == &Tok::Punct("(")
                {
                    self.advance();
                    let ty = self.type_name()?;
                    self.expect_punct(">")?;
                    return Ok(Expr {
                        kind: ExprKind::Generic { name: w, ty },
                        span,
                    });
                }
                return Ok(Expr {
                    kind: ExprKind::Ident(w),
                    span,
                });
            }
            Tok::Punct("(") => {
                self.advance();
                self.enter()?;
                let e = self.expr();
                self.depth -= 1;
                let mut e = e?;
                self.expect_punct(")")?;
                // Keep the position of the parenthesis for messages about the group.
                e.span = span;
                return Ok(e);
            }
            _ => return Err(self.unexpected("an expression")),
        };
        self.advance();
        Ok(Expr { kind, span })
    }
}

#[cfg(test)]
mod tests {
    use crate::generator::ts::ast::{BinOp, ExprKind, Item, StmtKind};
    use crate::generator::ts::parser::{parse_expression, parse_program};

    #[test]
    fn precedence() {
        let e = parse_expression("1 + 2 * 3 < 4 && x").unwrap();
        let ExprKind::Binary {
            op: BinOp::And, lhs, ..
        } = e.kind
        else {
            panic!("expected &&")
        };
        let ExprKind::Binary {
            op: BinOp::Lt, lhs, ..
        } = lhs.kind
        else {
            panic!("expected <")
        };
        assert!(matches!(lhs.kind, ExprKind::Binary { op: BinOp::Add, .. }));
    }

    #[test]
    fn program_items() {
        let p = parse_program(
            "export function f(a: i32): i32 { outer: for (;;) { break outer; } return a; } const g = 1;",
        )
        .unwrap();
        assert_eq!(p.items.len(), 2);
        let Item::Function(f) = &p.items[0] else { panic!() };
        assert!(matches!(f.body[0].kind, StmtKind::Labeled { .. }));
    }

    #[test]
    fn errors_point_at_the_token() {
        let e = parse_program("function f( {").unwrap_err();
        assert_eq!((e.line, e.column), (1, 13));
        let e = parse_expression("(".repeat(1000).as_str()).unwrap_err();
        assert!(e.message.contains("nested too deeply"));
    }
}
