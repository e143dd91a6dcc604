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

#[derive(Debug, Clone)]
enum F {
    Lit(f64),
    Bin(&'static str, Box<F>, Box<F>),
    Call(&'static str, Box<F>),
    MinMax(bool, Box<F>, Box<F>),
}

/// wasm's `f64.min`/`f64.max`: NaN wins, and -0 is below +0.
fn wasm_min_max(max: bool, a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if a == b && a == 0.0 {
        let neg = if max {
            a.is_sign_negative() && b.is_sign_negative()
        } else {
            a.is_sign_negative() || b.is_sign_negative()
        };
        return if neg { -0.0 } else { 0.0 };
    }
    if max {
        a.max(b)
    } else {
        a.min(b)
    }
}

impl F {
    fn render(&self) -> String {
        match self {
            F::Lit(v) => format!("({v:?})"),
            F::Bin(op, a, b) => format!("({} {op} {})", a.render(), b.render()),
            F::Call(f, a) => format!("Math.{f}({})", a.render()),
            F::MinMax(max, a, b) => format!(
                "Math.{}({}, {})",
                if *max { "max" } else { "min" },
                a.render(),
                b.render()
            ),
        }
    }

    /// Whether the expression is a comparison (a `bool` in the subset).
    fn is_bool(&self) -> bool {
        matches!(self, F::Bin("<" | "!=", _, _))
    }

    /// The value, or `None` where AssemblyScript's semantics trap: `/` of
    /// two `bool`s is an unsigned integer division there (`i32.div_u`, as
    /// `asc` compiles `(a < b) / (c < d)`), which traps on a zero divisor.
    fn eval(&self) -> Option<f64> {
        Some(match self {
            F::Lit(v) => *v,
            F::Bin("/", a, b) if a.is_bool() && b.is_bool() => {
                let (a, b) = (a.eval()? as u32, b.eval()? as u32);
                f64::from(a.checked_div(b)?)
            }
            F::Bin(op, a, b) => {
                let (a, b) = (a.eval()?, b.eval()?);
                match *op {
                    "+" => a + b,
                    "-" => a - b,
                    "*" => a * b,
                    "/" => a / b,
                    "<" => f64::from(u8::from(a < b)),
                    "!=" => f64::from(u8::from(a != b)),
                    _ => unreachable!("operator list below"),
                }
            }
            F::Call(f, a) => {
                let a = a.eval()?;
                match *f {
                    "sqrt" => a.sqrt(),
                    "abs" => a.abs(),
                    "floor" => a.floor(),
                    "ceil" => a.ceil(),
                    _ => a.trunc(),
                }
            }
            F::MinMax(max, a, b) => wasm_min_max(*max, a.eval()?, b.eval()?),
        })
    }
}

fn float_expr() -> impl Strategy<Value = F> {
    let leaf = prop_oneof![
        (-1e6f64..1e6).prop_map(F::Lit),
        proptest::sample::select(vec![0.0, -0.0, 0.5, -2.5, 1e300, 3.0]).prop_map(F::Lit),
    ];
    leaf.prop_recursive(4, 32, 2, |inner| {
        prop_oneof![
            (
                proptest::sample::select(vec!["+", "-", "*", "/", "<", "!="]),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(op, a, b)| F::Bin(op, Box::new(a), Box::new(b))),
            (
                proptest::sample::select(vec!["sqrt", "abs", "floor", "ceil", "trunc"]),
                inner.clone()
            )
                .prop_map(|(f, a)| F::Call(f, Box::new(a))),
            (any::<bool>(), inner.clone(), inner).prop_map(|(m, a, b)| F::MinMax(
                m,
                Box::new(a),
                Box::new(b)
            )),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Float expressions follow IEEE 754 as Rust computes it; casts to i32
    /// saturate like Rust's `as`.
    #[test]
    fn f64_expressions_match_ieee(e in float_expr()) {
        let src = format!("({}) as f64", e.render());
        let wasm = Generator::new().compile_expression(&src, ValueType::F64).expect("compiles");
        let got = call(&wasm, "eval", &[]);
        let Some(want) = e.eval() else {
            // A bool division by zero: both casts must trap.
            prop_assert!(got.is_err(), "{}: {:?}, expected a trap", src, got);
            let cast = format!("({}) as i32", e.render());
            let wasm = Generator::new().compile_expression(&cast, ValueType::I32).expect("compiles");
            prop_assert!(call(&wasm, "eval", &[]).is_err(), "{}: expected a trap", cast);
            return Ok(());
        };
        match got {
            Ok(Val::F64(bits)) => {
                let got = f64::from_bits(bits);
                prop_assert!(got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()), "{} = {} not {}", src, got, want);
            }
            other => prop_assert!(false, "{}: {:?}", src, other),
        }
        let cast = format!("({}) as i32", e.render());
        let wasm = Generator::new().compile_expression(&cast, ValueType::I32).expect("compiles");
        prop_assert_eq!(show(&call(&wasm, "eval", &[])), show(&Ok(Val::I32(want as i32))), "{}", cast);
    }
}
