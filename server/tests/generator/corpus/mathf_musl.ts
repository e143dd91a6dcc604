// Mathf (AssemblyScript's NativeMathf, f32, a port of musl) over many
// inputs, as math_musl.ts does for Math: special values, then pseudo-random
// ones of several kinds; each export folds the results' bits into a hash
// (NaNs folded as one value).

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

function special(i: i32): f32 {
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
  if (i == 10) return f32.reinterpret_i32(1); // smallest subnormal
  if (i == 11) return f32.reinterpret_i32(0x807FFFFF);
  if (i == 12) return f32.reinterpret_i32(0x00800000); // smallest normal
  if (i == 13) return f32.reinterpret_i32(0x7F7FFFFF); // largest
  if (i == 14) return f32.reinterpret_i32(0xFF7FFFFF);
  if (i == 15) return 88.72284; // expf overflow threshold
  if (i == 16) return -103.97208; // expf underflow threshold
  if (i == 17) return 89.41599; // coshf/sinhf overflow
  if (i == 18) return 1e30;
  if (i == 19) return -1e-30;
  if (i == 20) return 3.1415927;
  if (i == 21) return 1.5707964;
  if (i == 22) return 0.7853982;
  if (i == 23) return -2.3561945;
  if (i == 24) return 1e20;
  if (i == 25) return 421657440.0; // pi * 2^27
  if (i == 26) return 2.5;
  if (i == 27) return 3.0;
  if (i == 28) return -3.0;
  if (i == 29) return 0.1;
  if (i == 30) return 1.0000001;
  if (i == 31) return 0.99999994;
  if (i == 32) return 1e-5;
  if (i == 33) return 128.0;
  if (i == 34) return -150.0;
  if (i == 35) return 9.0;
  return 16777217.0;
}

const SPECIALS: i32 = 37;

function input(i: i32): f32 {
  let r = next();
  let kind = i % 10;
  if (kind == 0) return f32.reinterpret_i32(r as i32);
  if (kind == 1) return (unit(r) * 20 - 10) as f32;
  if (kind == 2) return (unit(r) * 2 - 1) as f32;
  if (kind == 3) return (unit(r) * 1e6 - 5e5) as f32;
  if (kind == 4) return f32.reinterpret_i32((r as i32) & 0x807FFFFF);
  if (kind == 5) {
    // Near a multiple of pi/2 (up to 9pi/4 and beyond).
    let k = (((r & 0x3F) as i32) - 32) as f64;
    return (k * 0.7853981633974483) as f32;
  }
  if (kind == 6) return (unit(r) * 200 - 100) as f32;
  if (kind == 7) {
    let e: u32 = 0x60 + (((r >> 40) as u32) & 0x3F);
    return f32.reinterpret_i32((((r as u32) & 0x807FFFFF) | (e << 23)) as i32);
  }
  if (kind == 8) {
    // Huge magnitudes (the large-quotient argument reduction).
    let e: u32 = 0x9C + (((r >> 40) as u32) & 0x3F) % 0x62;
    return f32.reinterpret_i32((((r as u32) & 0x807FFFFF) | (e << 23)) as i32);
  }
  return (1.0 + (unit(r) - 0.5) * 0.25) as f32;
}

function arg(i: i32): f32 {
  return i < SPECIALS ? special(i) : input(i);
}

function mix(h: u64, v: f32): u64 {
  let b: u32 = v != v ? 0x7FC00000 : reinterpret<u32>(v);
  h = (h ^ (b as u64)) * 0x100000001B3;
  return h ^ (h >> 29);
}

function f1(k: i32, x: f32): f32 {
  if (k == 0) return Mathf.acos(x);
  if (k == 1) return Mathf.acosh(x);
  if (k == 2) return Mathf.asin(x);
  if (k == 3) return Mathf.asinh(x);
  if (k == 4) return Mathf.atan(x);
  if (k == 5) return Mathf.atanh(x);
  if (k == 6) return Mathf.cbrt(x);
  if (k == 7) return Mathf.cos(x);
  if (k == 8) return Mathf.cosh(x);
  if (k == 9) return Mathf.exp(x);
  if (k == 10) return Mathf.expm1(x);
  if (k == 11) return Mathf.log(x);
  if (k == 12) return Mathf.log10(x);
  if (k == 13) return Mathf.log1p(x);
  if (k == 14) return Mathf.log2(x);
  if (k == 15) return Mathf.sin(x);
  if (k == 16) return Mathf.sinh(x);
  if (k == 17) return Mathf.tan(x);
  if (k == 18) return Mathf.tanh(x);
  if (k == 19) return Mathf.clz32(x);
  if (k == 20) return Mathf.exp2(x);
  if (k == 21) return Mathf.round(x);
  if (k == 22) return Mathf.sign(x);
  return Mathf.sqrt(x) + Mathf.abs(x) + Mathf.floor(x) + Mathf.fround(x);
}

const INPUTS: i32 = 4000;

function sweep1(k: i32): u64 {
  state = 0x9E3779B97F4A7C15 + (k as u64);
  let h: u64 = 0xCBF29CE484222325;
  for (let i = 0; i < SPECIALS + INPUTS; i++) {
    h = mix(h, f1(k, arg(i)));
  }
  for (let i = 0; i < INPUTS; i++) {
    h = mix(h, f1(k, input(i) * 0.001));
  }
  return h;
}

export function acosf_hash(): u64 { return sweep1(0); }
export function acoshf_hash(): u64 { return sweep1(1); }
export function asinf_hash(): u64 { return sweep1(2); }
export function asinhf_hash(): u64 { return sweep1(3); }
export function atanf_hash(): u64 { return sweep1(4); }
export function atanhf_hash(): u64 { return sweep1(5); }
export function cbrtf_hash(): u64 { return sweep1(6); }
export function cosf_hash(): u64 { return sweep1(7); }
export function coshf_hash(): u64 { return sweep1(8); }
export function expf_hash(): u64 { return sweep1(9); }
export function expm1f_hash(): u64 { return sweep1(10); }
export function logf_hash(): u64 { return sweep1(11); }
export function log10f_hash(): u64 { return sweep1(12); }
export function log1pf_hash(): u64 { return sweep1(13); }
export function log2f_hash(): u64 { return sweep1(14); }
export function sinf_hash(): u64 { return sweep1(15); }
export function sinhf_hash(): u64 { return sweep1(16); }
export function tanf_hash(): u64 { return sweep1(17); }
export function tanhf_hash(): u64 { return sweep1(18); }
export function clz32f_hash(): u64 { return sweep1(19); }
export function exp2f_hash(): u64 { return sweep1(20); }
export function roundf_hash(): u64 { return sweep1(21); }
export function signf_hash(): u64 { return sweep1(22); }
export function instructionsf_hash(): u64 { return sweep1(23); }

function f2(k: i32, x: f32, y: f32): f32 {
  if (k == 0) return Mathf.atan2(x, y);
  if (k == 1) return Mathf.hypot(x, y);
  if (k == 2) return Mathf.imul(x, y);
  if (k == 3) return Mathf.pow(x, y);
  if (k == 4) return Mathf.min(x, y) + Mathf.max(x, y);
  return x ** y;
}

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
    h = mix(h, f2(k, x, (((next() & 31) as i32) - 15) as f32));
    h = mix(h, f2(k, x, (((next() & 31) as i32) - 15) as f32 + 0.5));
    h = mix(h, f2(k, (1.0 + (unit(next()) - 0.5) * 1e-3) as f32, y * 100));
    h = mix(h, f2(k, -x, (((next() & 63) as i32) - 31) as f32));
  }
  return h;
}

export function atan2f_hash(): u64 { return sweep2(0); }
export function hypotf_hash(): u64 { return sweep2(1); }
export function imulf_hash(): u64 { return sweep2(2); }
export function powf_hash(): u64 { return sweep2(3); }
export function minmaxf_hash(): u64 { return sweep2(4); }
export function powf_operator_hash(): u64 { return sweep2(5); }

export function constantsf(): u64 {
  let h: u64 = 0;
  h = mix(h, Mathf.E);
  h = mix(h, Mathf.LN2);
  h = mix(h, Mathf.LN10);
  h = mix(h, Mathf.LOG2E);
  h = mix(h, Mathf.LOG10E);
  h = mix(h, Mathf.PI);
  h = mix(h, Mathf.SQRT1_2);
  h = mix(h, Mathf.SQRT2);
  return h;
}

export function sinf_one(): f32 { return Mathf.sin(1.0); }
export function powf_frac(): f32 { return Mathf.pow(2.0, 0.5) + Mathf.pow(10.0, -3.0); }
export function expf_ten(): f32 { return Mathf.exp(10.0); }
