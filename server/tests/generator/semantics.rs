//! Differential test: random i32 expressions compiled by the generator (and
//! optimized by Binaryen) give what Rust's wrapping arithmetic gives, and trap
//! exactly where wasm division traps.

use echelon::generator::{optimize, Generator, OptimizationLevel, ValueType};
use proptest::prelude::*;
use wasmtime::Val;

use crate::harness::{call, show};

#[derive(Debug, Clone)]
enum E {
    Lit(i32),
    Bin(&'static str, Box<E>, Box<E>),
    Neg(Box<E>),
    Not(Box<E>),
}

impl E {
    fn render(&self) -> String {
        match self {
            E::Lit(v) if *v < 0 => format!("({v})"),
            E::Lit(v) => v.to_string(),
            E::Bin(op, a, b) => format!("({} {op} {})", a.render(), b.render()),
            E::Neg(a) => format!("(-{})", a.render()),
            E::Not(a) => format!("(~{})", a.render()),
        }
    }

    /// `None` when wasm traps (integer division by zero or overflow).
    fn eval(&self) -> Option<i32> {
        Some(match self {
            E::Lit(v) => *v,
            E::Neg(a) => a.eval()?.wrapping_neg(),
            E::Not(a) => !a.eval()?,
            E::Bin(op, a, b) => {
                let (a, b) = (a.eval()?, b.eval()?);
                match *op {
                    "+" => a.wrapping_add(b),
                    "-" => a.wrapping_sub(b),
                    "*" => a.wrapping_mul(b),
                    "/" => a.checked_div(b)?,
                    "%" if b == 0 => return None,
                    "%" => a.wrapping_rem(b),
                    "&" => a & b,
                    "|" => a | b,
                    "^" => a ^ b,
                    "<<" => a.wrapping_shl(b as u32),
                    ">>" => a.wrapping_shr(b as u32),
                    ">>>" => (a as u32).wrapping_shr(b as u32) as i32,
                    "<" => i32::from(a < b),
                    "==" => i32::from(a == b),
                    _ => unreachable!("operator list below"),
                }
            }
        })
    }
}

fn expr() -> impl Strategy<Value = E> {
    let leaf = prop_oneof![any::<i32>().prop_map(E::Lit), (-5i32..40).prop_map(E::Lit)];
    leaf.prop_recursive(5, 48, 2, |inner| {
        prop_oneof![
            (
                proptest::sample::select(vec![
                    "+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", ">>>", "<", "=="
                ]),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(op, a, b)| E::Bin(op, Box::new(a), Box::new(b))),
            inner.clone().prop_map(|a| E::Neg(Box::new(a))),
            inner.prop_map(|a| E::Not(Box::new(a))),
        ]
    })
}

fn expected(e: &E) -> String {
    match e.eval() {
        Some(v) => show(&Ok(Val::I32(v))),
        None => "trap".to_string(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn i32_expressions_match_wrapping_arithmetic(e in expr()) {
        // Comparisons give a bool; `as i32` makes every expression an i32.
        let src = format!("({}) as i32", e.render());
        let wasm = Generator::new().compile_expression(&src, ValueType::I32).expect("compiles");
        prop_assert_eq!(show(&call(&wasm, "eval", &[])), expected(&e), "{}", src);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn optimized_expressions_match_too(e in expr()) {
        let src = format!("({}) as i32", e.render());
        let wasm = Generator::new().compile_expression(&src, ValueType::I32).expect("compiles");
        let o = optimize(&wasm, OptimizationLevel::Aggressive).expect("optimizes");
        prop_assert_eq!(show(&call(&o.wasm, "eval", &[])), expected(&e), "{}", src);
    }
}
