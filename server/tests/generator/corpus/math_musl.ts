// The rest of Math (AssemblyScript's NativeMath, a port of musl) over many
// inputs: special values, then pseudo-random ones that reach every branch
// (random bits, subnormals, small, around 1, near multiples of pi/2, huge,
// around the overflow thresholds). Each export folds the results' bits into
// a hash, so any bit that differs from asc's shows. NaNs are folded as one
// value: their sign and payload are not specified by wasm.

let state: u64 = 0;

function next(): u64 {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

function unit(r: u64): f64 {
  return ((r >> 11) as f64) / 9007199254740992.0;
}

// Special values first.
function special(i: i32): f64 {
  if (i == 0) return 0.0;
  if (i == 1) return -0.0;
  if (i == 2) return 1.0;
  if (i == 3) return -1.0;
  if (i == 4) return Infinity;
  if (i == 5) return -Infinity;
  if (i == 6) return NaN;
  if (i == 7) return 0.5;
  if (i == 8) return -0.5;
  if (i == 9) return 2.0;
  if (i == 10) return f64.reinterpret_i64(1); // smallest subnormal
  if (i == 11) return f64.reinterpret_i64(0x800FFFFFFFFFFFFF); // largest negative subnormal
  if (i == 12) return f64.reinterpret_i64(0x0010000000000000); // smallest normal
  if (i == 13) return f64.reinterpret_i64(0x7FEFFFFFFFFFFFFF); // largest
  if (i == 14) return -f64.reinterpret_i64(0x7FEFFFFFFFFFFFFF);
  if (i == 15) return 709.782712893384; // exp overflow threshold
  if (i == 16) return -745.1332191019412; // exp underflow threshold
  if (i == 17) return 710.4758600739439; // cosh/sinh overflow
  if (i == 18) return 1e300;
  if (i == 19) return -1e-300;
  if (i == 20) return 3.141592653589793;
  if (i == 21) return 1.5707963267948966;
  if (i == 22) return 0.7853981633974483;
  if (i == 23) return -2.356194490192345;
  if (i == 24) return 1e22;
  if (i == 25) return 1647099.3291652855; // 2^20 * pi/2
  if (i == 26) return 2.5;
  if (i == 27) return 3.0;
  if (i == 28) return -3.0;
  if (i == 29) return 0.1;
  if (i == 30) return 1.0000000000000002;
  if (i == 31) return 0.9999999999999999;
  if (i == 32) return 1e-8;
  if (i == 33) return -1e-20;
  if (i == 34) return 0.34657359027997264; // ln2/2
  if (i == 35) return 1.0397207708399179; // 3 ln2 / 2
  if (i == 36) return 22.0;
  if (i == 37) return 36.04365338911715;
  if (i == 38) return 1024.0;
  if (i == 39) return -1075.0;
  return 4294967296.5;
}

const SPECIALS: i32 = 41;

// A pseudo-random input of one of several kinds.
function input(i: i32): f64 {
  let r = next();
  let kind = i % 10;
  if (kind == 0) return f64.reinterpret_i64(r as i64);
  if (kind == 1) return unit(r) * 20 - 10;
  if (kind == 2) return unit(r) * 2 - 1;
  if (kind == 3) return unit(r) * 1e6 - 5e5;
  if (kind == 4) return f64.reinterpret_i64((r & 0x800FFFFFFFFFFFFF) as i64);
  if (kind == 5) {
    // Near a multiple of pi/2, off by a few ulps or more.
    let k = (((r & 0xFF) as i32) - 128) as f64;
    let off = (((r >> 56) as i32) - 128) as f64;
    return k * 1.5707963267948966 + off * 1e-16 * k;
  }
  if (kind == 6) return unit(r) * 1500 - 750;
  if (kind == 7) {
    // Tiny to moderate magnitudes, either sign.
    let e: u64 = 0x3C0 + ((r >> 52) & 0x7F);
    return f64.reinterpret_i64(((r & 0x800FFFFFFFFFFFFF) | (e << 52)) as i64);
  }
  if (kind == 8) {
    // Huge magnitudes (argument reduction by the large-quotient path).
    let e: u64 = 0x413 + ((r >> 52) & 0x3FF) % 0x3EB;
    return f64.reinterpret_i64(((r & 0x800FFFFFFFFFFFFF) | (e << 52)) as i64);
  }
  return 1.0 + (unit(r) - 0.5) * 0.25;
}

function arg(i: i32): f64 {
  return i < SPECIALS ? special(i) : input(i);
}

function mix(h: u64, v: f64): u64 {
  let b: u64 = v != v ? 0x7FF8000000000000 : i64.reinterpret_f64(v);
  h = (h ^ b) * 0x100000001B3;
  return h ^ (h >> 29);
}

function f1(k: i32, x: f64): f64 {
  if (k == 0) return Math.acos(x);
  if (k == 1) return Math.acosh(x);
  if (k == 2) return Math.asin(x);
  if (k == 3) return Math.asinh(x);
  if (k == 4) return Math.atan(x);
  if (k == 5) return Math.atanh(x);
  if (k == 6) return Math.cbrt(x);
  if (k == 7) return Math.cos(x);
  if (k == 8) return Math.cosh(x);
  if (k == 9) return Math.exp(x);
  if (k == 10) return Math.expm1(x);
  if (k == 11) return Math.log(x);
  if (k == 12) return Math.log10(x);
  if (k == 13) return Math.log1p(x);
  if (k == 14) return Math.log2(x);
  if (k == 15) return Math.sin(x);
  if (k == 16) return Math.sinh(x);
  if (k == 17) return Math.tan(x);
  if (k == 18) return Math.tanh(x);
  if (k == 19) return Math.clz32(x);
  return Math.exp2(x);
}

const INPUTS: i32 = 4000;

function sweep1(k: i32): u64 {
  state = 0x9E3779B97F4A7C15 + (k as u64);
  let h: u64 = 0xCBF29CE484222325;
  for (let i = 0; i < SPECIALS + INPUTS; i++) {
    h = mix(h, f1(k, arg(i)));
  }
  // Small scaled arguments too (every function's polynomial range).
  for (let i = 0; i < INPUTS; i++) {
    h = mix(h, f1(k, input(i) * 1e-3));
  }
  return h;
}

export function acos_hash(): u64 { return sweep1(0); }
export function acosh_hash(): u64 { return sweep1(1); }
export function asin_hash(): u64 { return sweep1(2); }
export function asinh_hash(): u64 { return sweep1(3); }
export function atan_hash(): u64 { return sweep1(4); }
export function atanh_hash(): u64 { return sweep1(5); }
export function cbrt_hash(): u64 { return sweep1(6); }
export function cos_hash(): u64 { return sweep1(7); }
export function cosh_hash(): u64 { return sweep1(8); }
export function exp_hash(): u64 { return sweep1(9); }
export function expm1_hash(): u64 { return sweep1(10); }
export function log_hash(): u64 { return sweep1(11); }
export function log10_hash(): u64 { return sweep1(12); }
export function log1p_hash(): u64 { return sweep1(13); }
export function log2_hash(): u64 { return sweep1(14); }
export function sin_hash(): u64 { return sweep1(15); }
export function sinh_hash(): u64 { return sweep1(16); }
export function tan_hash(): u64 { return sweep1(17); }
export function tanh_hash(): u64 { return sweep1(18); }
export function clz32_hash(): u64 { return sweep1(19); }
export function exp2_hash(): u64 { return sweep1(20); }

function f2(k: i32, x: f64, y: f64): f64 {
  if (k == 0) return Math.atan2(x, y);
  if (k == 1) return Math.hypot(x, y);
  if (k == 2) return Math.imul(x, y);
  if (k == 3) return Math.pow(x, y);
  return x ** y;
}

// Every pair of special values, then pseudo-random pairs, including
// integer and half-integer exponents and bases near 1.
function sweep2(k: i32): u64 {
  state = 0x2545F4914F6CDD1D + (k as u64);
  let h: u64 = 0xCBF29CE484222325;
  for (let i = 0; i < SPECIALS; i++) {
    for (let j = 0; j < SPECIALS; j++) {
      h = mix(h, f2(k, special(i), special(j)));
    }
  }
  for (let i = 0; i < INPUTS; i++) {
    let x = input(i);
    let y = input(i * 7 + 3);
    h = mix(h, f2(k, x, y));
    h = mix(h, f2(k, x, (((next() & 31) as i32) - 15) as f64));
    h = mix(h, f2(k, x, (((next() & 31) as i32) - 15) as f64 + 0.5));
    h = mix(h, f2(k, 1.0 + (unit(next()) - 0.5) * 1e-6, y * 1000));
    h = mix(h, f2(k, -x, (((next() & 63) as i32) - 31) as f64));
  }
  return h;
}

export function atan2_hash(): u64 { return sweep2(0); }
export function hypot_hash(): u64 { return sweep2(1); }
export function imul_hash(): u64 { return sweep2(2); }
export function pow_hash(): u64 { return sweep2(3); }
export function pow_operator_hash(): u64 { return sweep2(4); }

export function constants(): u64 {
  let h: u64 = 0;
  h = mix(h, Math.E);
  h = mix(h, Math.LN2);
  h = mix(h, Math.LN10);
  h = mix(h, Math.LOG2E);
  h = mix(h, Math.LOG10E);
  h = mix(h, Math.PI);
  h = mix(h, Math.SQRT1_2);
  h = mix(h, Math.SQRT2);
  return h;
}

// A few values directly, so a difference reads as numbers.
export function sin_one(): f64 { return Math.sin(1.0); }
export function cos_big(): f64 { return Math.cos(1e22); }
export function tan_half_pi(): f64 { return Math.tan(1.5707963267948966); }
export function exp_one(): f64 { return Math.exp(1.0); }
export function log_ten(): f64 { return Math.log(10.0); }
export function pow_frac(): f64 { return Math.pow(2.0, 0.5) + Math.pow(10.0, -3.0) + 1.5 ** 2.5; }
export function pow_negative_base(): f64 { return Math.pow(-8.0, 3.0) + Math.pow(-2.0, -3.0); }
export function atan2_quadrants(): f64 {
  return Math.atan2(1, 1) + Math.atan2(1, -1) * 10 + Math.atan2(-1, -1) * 100 + Math.atan2(-1, 1) * 1000;
}
export function hypot_345(): f64 { return Math.hypot(3, 4); }
export function imul_wraps(): f64 { return Math.imul(0x7FFFFFFF, 3) + Math.imul(-5, 4294967297.0); }
export function clz32_values(): f64 { return Math.clz32(1) + Math.clz32(0) * 100 + Math.clz32(-1) * 10000; }
