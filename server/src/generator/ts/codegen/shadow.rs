//! The shadow stack that lets the collector run inside a call.
//!
//! Collection happens at *safe points*: the head of every loop of a source
//! function whose body may allocate (an inline test of the collector's threshold), besides
//! the return of an export. At a safe point no value of the polling
//! function sits on the wasm operand stack, and only source functions are
//! active (prelude functions never call source functions), so the live
//! references are the globals, the reference locals of the active source
//! functions, and the operands their callers keep on the stack across a
//! call. A source function that may reach a safe point ([`Analysis::collects`])
//! gets a frame in the shadow stack, a region of linear memory between the
//! static data and the heap, growing down from its top:
//!
//! - each reference parameter and local has a slot; the prologue stores the
//!   parameters and zeroes the rest, and every write of the local writes its
//!   slot too;
//! - an operand that stays on the stack while a later operand calls a
//!   function that may collect is *spilled* to a temporary slot (with what
//!   it was derived from, for an address inside an object).
//!
//! The collector marks every slot between the stack pointer and the top.
//! Stale slots (a temporary of an earlier statement) only keep an object
//! alive longer. A frame that would leave the region traps.

use std::collections::HashMap;

use crate::generator::ts::ir::{
    visit_expr, visit_exprs, Callee, TExpr, TExprKind, TFunction, TProgram, TStmt,
};

/// The shadow stack's size in bytes: 16,384 frames of four references.
pub(super) const STACK_SIZE: u32 = 256 * 1024;

/// What codegen knows about allocation and collection per function.
pub(super) struct Analysis {
    /// Per program function, then the start function: whether a call of it
    /// may allocate (the prelude's `__alloc_raw` or a host import, directly
    /// or through calls).
    pub allocates: Vec<bool>,
    /// Per program function, then the start function: whether a call of it
    /// may reach a safe point (only source functions can).
    pub collects: Vec<bool>,
}

/// The callees of a body: program function indices, and whether it calls
/// a host import.
fn callees(body: &[TStmt], by_name: &HashMap<&str, usize>) -> (Vec<usize>, bool) {
    let mut out = Vec::new();
    let mut import = false;
    visit_exprs(body, &mut |e| {
        if let TExprKind::Call { callee, .. } = &e.kind {
            match callee {
                Callee::User(i) => out.push(*i as usize),
                Callee::Runtime(name) => {
                    if let Some(i) = by_name.get(name) {
                        out.push(*i);
                    }
                }
                Callee::Import(_) => import = true,
                Callee::Random { .. } => {}
            }
        }
    });
    (out, import)
}

/// Marks every function that reaches a seed through calls, walking the
/// reversed call graph once.
fn propagate(seeds: &mut [bool], calls: &[Vec<usize>]) {
    let mut callers: Vec<Vec<usize>> = vec![Vec::new(); seeds.len()];
    for (from, targets) in calls.iter().enumerate() {
        for &to in targets {
            if let Some(c) = callers.get_mut(to) {
                c.push(from);
            }
        }
    }
    let mut work: Vec<usize> = (0..seeds.len()).filter(|i| seeds[*i]).collect();
    while let Some(f) = work.pop() {
        for &caller in &callers[f] {
            if !seeds[caller] {
                seeds[caller] = true;
                work.push(caller);
            }
        }
    }
}

impl Analysis {
    /// Analyzes the emitted functions (`reached`, per program function).
    pub fn new(program: &TProgram, reached: &[bool]) -> Self {
        let by_name: HashMap<&str, usize> = program
            .functions
            .iter()
            .enumerate()
            .skip(program.user_functions)
            .map(|(i, f)| (f.name.as_str(), i))
            .collect();
        let all: Vec<&TFunction> = program.functions.iter().chain(&program.start).collect();
        let n = all.len();
        let mut calls = Vec::with_capacity(n);
        let mut allocates = vec![false; n];
        for (i, f) in all.iter().enumerate() {
            let emitted = reached.get(i).copied().unwrap_or(true);
            let (targets, import) = if emitted {
                callees(&f.body, &by_name)
            } else {
                (Vec::new(), false)
            };
            allocates[i] = emitted && (import || f.name == "__alloc_raw");
            calls.push(targets);
        }
        propagate(&mut allocates, &calls);
        let is_source = |i: usize| i < program.user_functions || i == program.functions.len();
        let mut collects: Vec<bool> = (0..n)
            .map(|i| is_source(i) && has_safe_point(&all[i].body, &by_name, &allocates))
            .collect();
        // Only calls between source functions carry a safe point upward.
        let source_calls: Vec<Vec<usize>> = calls
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if is_source(i) {
                    c.iter().copied().filter(|t| is_source(*t)).collect()
                } else {
                    Vec::new()
                }
            })
            .collect();
        propagate(&mut collects, &source_calls);
        Analysis { allocates, collects }
    }

    /// Whether any function has a safe point (the module then needs the
    /// shadow stack).
    pub fn any_collects(&self) -> bool {
        self.collects.iter().any(|c| *c)
    }

    fn call_allocates(&self, callee: &Callee, by_name: &impl Fn(&str) -> Option<usize>) -> bool {
        match callee {
            Callee::User(i) => self.allocates.get(*i as usize).copied().unwrap_or(true),
            Callee::Runtime(name) => {
                by_name(name).is_some_and(|i| self.allocates.get(i).copied().unwrap_or(true))
            }
            Callee::Import(_) => true,
            Callee::Random { .. } => false,
        }
    }

    /// Whether the loop statement `s` allocates in an iteration, so that its
    /// head is a safe point.
    pub fn loop_allocates(&self, s: &TStmt, by_name: &impl Fn(&str) -> Option<usize>) -> bool {
        let mut found = false;
        visit_exprs(std::slice::from_ref(s), &mut |e| {
            if let TExprKind::Call { callee, .. } = &e.kind {
                found = found || self.call_allocates(callee, by_name);
            }
        });
        found
    }

    /// Whether evaluating `e` may reach a safe point.
    pub fn expr_collects(&self, e: &TExpr) -> bool {
        let mut found = false;
        visit_expr(e, &mut |x| {
            if let TExprKind::Call {
                callee: Callee::User(i),
                ..
            } = &x.kind
            {
                found = found || self.collects.get(*i as usize).copied().unwrap_or(true);
            }
        });
        found
    }
}

/// Whether `body` has a loop whose iterations allocate.
fn has_safe_point(body: &[TStmt], by_name: &HashMap<&str, usize>, allocates: &[bool]) -> bool {
    let mut found = false;
    let mut check = |stmts: &[TStmt]| {
        visit_exprs(stmts, &mut |e| {
            if let TExprKind::Call { callee, .. } = &e.kind {
                found = found
                    || match callee {
                        Callee::User(i) => allocates.get(*i as usize).copied().unwrap_or(true),
                        Callee::Runtime(name) => by_name
                            .get(name)
                            .is_some_and(|i| allocates.get(*i).copied().unwrap_or(true)),
                        Callee::Import(_) => true,
                        Callee::Random { .. } => false,
                    };
            }
        });
    };
    for_each_loop(body, &mut |s| check(std::slice::from_ref(s)));
    found
}

/// Calls `f` on every outermost loop of `body`.
fn for_each_loop<'a>(body: &'a [TStmt], f: &mut impl FnMut(&'a TStmt)) {
    for s in body {
        match s {
            TStmt::Loop { .. } => f(s),
            TStmt::If { then, otherwise, .. } => {
                for_each_loop(then, f);
                for_each_loop(otherwise, f);
            }
            TStmt::Block { body, .. } => for_each_loop(body, f),
            TStmt::Switch { bodies, .. } => {
                for b in bodies {
                    for_each_loop(b, f);
                }
            }
            TStmt::Expr(_) | TStmt::Break(_) | TStmt::Continue(_) | TStmt::Return(_) => {}
        }
    }
}
