// Math-heavy kernels for BENCHMARKS.md ("TypeScript subset"): the same file
// is compiled by Echelon and by asc -O3, and each kernel must give the same
// answer, bit for bit, in both (both compute Math in wasm with the same
// musl-derived code).

// sin and cos, including arguments that need the argument reduction.
export function trig(n: i32): f64 {
  let s = 0.0;
  for (let i = 0; i < n; i++) {
    let x = (i as f64) * 0.0137 - 500.0;
    s += Math.sin(x) + Math.cos(x * 0.5) + Math.tan(x * 0.001);
  }
  return s;
}

// exp, log and their relatives.
export function exp_log(n: i32): f64 {
  let s = 0.0;
  for (let i = 0; i < n; i++) {
    let x = (i as f64) * 0.0001 - 10.0;
    s += Math.exp(x) + Math.log(x * x + 1.0) + Math.log2(Math.abs(x) + 0.1) + Math.expm1(x * 0.01);
  }
  return s;
}

// pow with non-integer exponents, and the `**` operator.
export function powers(n: i32): f64 {
  let s = 0.0;
  for (let i = 0; i < n; i++) {
    let x = (i as f64) * 0.00037 + 0.01;
    s += Math.pow(x, 1.7) + x ** -0.3;
  }
  return s;
}

// A mix: a loop summing sin, cos, exp, log, pow, atan2 and hypot.
export function mix(n: i32): f64 {
  let s = 0.0;
  for (let i = 0; i < n; i++) {
    let x = (i as f64) * 0.001 - 7.0;
    s += Math.sin(x) * Math.cos(x) + Math.exp(x * 0.1) + Math.log(x * x + 1.0) +
      Math.pow(Math.abs(x) + 0.5, 1.5) + Math.atan2(x, 3.0) + Math.hypot(x, 2.0);
  }
  return s;
}
