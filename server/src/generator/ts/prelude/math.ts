// Math of AssemblyScript 0.28 (`NativeMath` in std/assembly/math.ts and the
// table-driven versions of std/assembly/util/math.ts that `asc -O3` uses),
// ported from musl. The code paths are AssemblyScript's own, so results are
// bit-identical. Every function here starts with `__math_`: such functions
// need no heap, only (for the tables) static data.
//
// SUN COPYRIGHT NOTICE
//
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
// Developed at SunPro, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this software
// is freely granted, provided that this notice is preserved.
//
// Applies to the functions marked "SUN" below.

// Second results of rempio2/umuldi/log_inline, as in AssemblyScript.
let __math_rempio2_y0: f64 = 0;
let __math_rempio2_y1: f64 = 0;
let __math_res128_hi: u64 = 0;
let __math_log_tail: f64 = 0;

function __math_R(z: f64): f64 { // (asin(x)-x)/x^3, musl/src/math/asin.c, SUN
  const pS0 = f64.reinterpret_i64(0x3FC5555555555555);
  const pS1 = f64.reinterpret_i64(0xBFD4D61203EB6F7D);
  const pS2 = f64.reinterpret_i64(0x3FC9C1550E884455);
  const pS3 = f64.reinterpret_i64(0xBFA48228B5688F3B);
  const pS4 = f64.reinterpret_i64(0x3F49EFE07501B288);
  const pS5 = f64.reinterpret_i64(0x3F023DE10DFDF709);
  const qS1 = f64.reinterpret_i64(0xC0033A271C8A2D4B);
  const qS2 = f64.reinterpret_i64(0x40002AE59C598AC8);
  const qS3 = f64.reinterpret_i64(0xBFE6066C1B8D0159);
  const qS4 = f64.reinterpret_i64(0x3FB3B8C5B12E9282);
  let p = z * (pS0 + z * (pS1 + z * (pS2 + z * (pS3 + z * (pS4 + z * pS5)))));
  let q = 1.0 + z * (qS1 + z * (qS2 + z * (qS3 + z * qS4)));
  return p / q;
}

// exp(x)/2 for x >= log(DBL_MAX), musl/src/math/__expo2.c
function __math_expo2(x: f64, sign: f64): f64 {
  const kln2 = f64.reinterpret_i64(0x40962066151ADD8B);
  // k = 2043: scale = 2^(k/2 - 1) as bits ((0x3FF + k / 2) << 20) << 32.
  const scale = f64.reinterpret_i64(0x7FC0000000000000);
  return __math_exp(x - kln2) * (sign * scale) * scale;
}

function __math_umuldi(u: u64, v: u64): u64 {
  let u1: u64 = u & 0xFFFFFFFF;
  let v1: u64 = v & 0xFFFFFFFF;
  u >>= 32;
  v >>= 32;
  let t: u64 = u1 * v1;
  let w0: u64 = t & 0xFFFFFFFF;
  t = u * v1 + (t >> 32);
  let w1: u64 = t >> 32;
  t = u1 * v + (t & 0xFFFFFFFF);
  __math_res128_hi = u * v + w1 + (t >> 32);
  return (t << 32) + w0;
}

// Bits of pi/2 * |x|, jdh8/metallic src/math/double/rem_pio2.c
function __math_pio2_right(q0: u64, q1: u64): u64 {
  const p0: u64 = 0xC4C6628B80DC1CD1;
  const p1: u64 = 0xC90FDAA22168C234;
  const Ox1p_64 = f64.reinterpret_i64(0x3BF0000000000000);
  const Ox1p_75 = f64.reinterpret_i64(0x3B40000000000000);
  let shift: u64 = i64.clz(q1);
  q1 = (q1 << shift) | (q0 >> (64 - shift));
  q0 <<= shift;
  let lo = __math_umuldi(p1, q1);
  let hi = __math_res128_hi;
  let ahi: u64 = hi >> 11;
  let alo: u64 = (lo >> 11) | (hi << 53);
  let blo: u64 = (Ox1p_75 * (p0 as f64) * (q1 as f64) + Ox1p_75 * (p1 as f64) * (q0 as f64)) as u64;
  __math_rempio2_y0 = (ahi + ((lo < blo) as u64)) as f64;
  __math_rempio2_y1 = Ox1p_64 * ((alo + blo) as f64);
  return shift;
}

function __math_pio2_large_quot(x: f64, u: i64): i32 {
  let magnitude: i64 = u & 0x7FFFFFFFFFFFFFFF;
  let offset: i64 = (magnitude >> 52) - 1045;
  let shift: i64 = offset & 63;
  let tblPtr: u32 = __MATH_PIO2_TABLE + (((offset >> 6) as i32) << 3);
  let s0: u64 = 0;
  let s1: u64 = 0;
  let s2: u64 = 0;
  let b0: u64 = __load64(tblPtr);
  let b1: u64 = __load64(tblPtr + 8);
  let b2: u64 = __load64(tblPtr + 16);
  if (shift != 0) {
    let rshift: u64 = 64 - shift;
    let b3: u64 = __load64(tblPtr + 24);
    s0 = (b1 >> rshift) | (b0 << shift);
    s1 = (b2 >> rshift) | (b1 << shift);
    s2 = (b3 >> rshift) | (b2 << shift);
  } else {
    s0 = b0;
    s1 = b1;
    s2 = b2;
  }
  let significand: u64 = (u & 0x000FFFFFFFFFFFFF) | 0x0010000000000000;
  let blo = __math_umuldi(s1, significand);
  let bhi = __math_res128_hi;
  let ahi: u64 = s0 * significand;
  let clo: u64 = (s2 >> 32) * (significand >> 32);
  let plo: u64 = blo + clo;
  let phi: u64 = ahi + bhi + ((plo < clo) as u64);
  let rlo: u64 = plo << 2;
  let rhi: u64 = (phi << 2) | (plo >> 62);
  let slo: i64 = (rhi as i64) >> 63;
  let shi: i64 = slo >> 1;
  let q: i64 = ((phi as i64) >> 62) - slo;
  let shifter: u64 = 0x3CB0000000000000 - (__math_pio2_right(rlo ^ (slo as u64), rhi ^ (shi as u64)) << 52);
  let signbit: u64 = ((u as u64) ^ rhi) & 0x8000000000000000;
  let coeff = f64.reinterpret_i64((shifter | signbit) as i64);
  __math_rempio2_y0 *= coeff;
  __math_rempio2_y1 *= coeff;
  return q as i32;
}

function __math_tan_kern(x: f64, y: f64, iy: i32): f64 { // msun k_tan.c
  const T0 = f64.reinterpret_i64(0x3FD5555555555563);
  const T1 = f64.reinterpret_i64(0x3FC111111110FE7A);
  const T2 = f64.reinterpret_i64(0x3FABA1BA1BB341FE);
  const T3 = f64.reinterpret_i64(0x3F9664F48406D637);
  const T4 = f64.reinterpret_i64(0x3F8226E3E96E8493);
  const T5 = f64.reinterpret_i64(0x3F6D6D22C9560328);
  const T6 = f64.reinterpret_i64(0x3F57DBC8FEE08315);
  const T7 = f64.reinterpret_i64(0x3F4344D8F2F26501);
  const T8 = f64.reinterpret_i64(0x3F3026F71A8D1068);
  const T9 = f64.reinterpret_i64(0x3F147E88A03792A6);
  const T10 = f64.reinterpret_i64(0x3F12B80F32F0A7E9);
  const T11 = f64.reinterpret_i64(0xBEF375CBDB605373);
  const T12 = f64.reinterpret_i64(0x3EFB2A7074BF7AD4);
  const one = 1.0;
  const pio4 = f64.reinterpret_i64(0x3FE921FB54442D18);
  const pio4lo = f64.reinterpret_i64(0x3C81A62633145C07);
  let z: f64 = 0;
  let r: f64 = 0;
  let v: f64 = 0;
  let w: f64 = 0;
  let s: f64 = 0;
  let hx = (i64.reinterpret_f64(x) >> 32) as i32;
  let ix = hx & 0x7FFFFFFF;
  let big = ix >= 0x3FE59428;
  if (big) {
    if (hx < 0) {
      x = -x;
      y = -y;
    }
    z = pio4 - x;
    w = pio4lo - y;
    x = z + w;
    y = 0.0;
  }
  z = x * x;
  w = z * z;
  r = T1 + w * (T3 + w * (T5 + w * (T7 + w * (T9 + w * T11))));
  v = z * (T2 + w * (T4 + w * (T6 + w * (T8 + w * (T10 + w * T12)))));
  s = z * x;
  r = y + z * (s * (r + v) + y);
  r += T0 * s;
  w = x + r;
  if (big) {
    v = iy;
    return (1 - ((hx >> 30) & 2)) * (v - 2.0 * (x - (w * w / (w + v) - r)));
  }
  if (iy == 1) return w;
  z = w;
  z = f64.reinterpret_i64(i64.reinterpret_f64(z) & 0xFFFFFFFF00000000);
  v = r - (z - x);
  let a = -one / w;
  let t = a;
  t = f64.reinterpret_i64(i64.reinterpret_f64(t) & 0xFFFFFFFF00000000);
  s = one + t * z;
  return t + a * (s + t * v);
}

function __math_dtoi32(x: f64): i32 {
  let result = 0;
  let u: u64 = i64.reinterpret_f64(x);
  let e: u64 = (u >> 52) & 0x7FF;
  if (e <= 1023 + 30) {
    result = x as i32;
  } else if (e <= 1023 + 30 + 53) {
    let v: u64 = (u & 0x000FFFFFFFFFFFFF) | 0x0010000000000000;
    v = v << (e - 1023 - 52 + 32);
    result = (v >> 32) as i32;
    result = (u as i64) < 0 ? -result : result;
  }
  return result;
}

function __math_acos(x: f64): f64 { // musl/src/math/acos.c, SUN
  const pio2_hi = f64.reinterpret_i64(0x3FF921FB54442D18);
  const pio2_lo = f64.reinterpret_i64(0x3C91A62633145C07);
  const Ox1p_120f = f64.reinterpret_i64(0x3870000000000000);
  let hx: u32 = (i64.reinterpret_f64(x) >> 32) as u32;
  let ix: u32 = hx & 0x7FFFFFFF;
  if (ix >= 0x3FF00000) {
    let lx: u32 = i64.reinterpret_f64(x) as u32;
    if (((ix - 0x3FF00000) | lx) == 0) {
      if ((hx as i32) < 0) return 2 * pio2_hi + Ox1p_120f;
      return 0;
    }
    return 0 / (x - x);
  }
  if (ix < 0x3FE00000) {
    if (ix <= 0x3C600000) return pio2_hi + Ox1p_120f;
    return pio2_hi - (x - (pio2_lo - x * __math_R(x * x)));
  }
  let s: f64 = 0;
  let w: f64 = 0;
  let z: f64 = 0;
  if ((hx as i32) < 0) {
    z = 0.5 + x * 0.5;
    s = Math.sqrt(z);
    w = __math_R(z) * s - pio2_lo;
    return 2 * (pio2_hi - (s + w));
  }
  z = 0.5 - x * 0.5;
  s = Math.sqrt(z);
  let df = f64.reinterpret_i64(i64.reinterpret_f64(s) & 0xFFFFFFFF00000000);
  let c = (z - df * df) / (s + df);
  w = __math_R(z) * s + c;
  return 2 * (df + w);
}

function __math_acosh(x: f64): f64 { // musl/src/math/acosh.c
  const s = f64.reinterpret_i64(0x3FE62E42FEFA39EF);
  let u: u64 = i64.reinterpret_f64(x);
  if ((u as i64) < 0x3FF0000000000000) return (x - x) / 0.0;
  let e: u64 = (u >> 52) & 0x7FF;
  if (e < 0x3FF + 1) return __math_log1p(x - 1 + Math.sqrt((x - 1) * (x - 1) + 2 * (x - 1)));
  if (e < 0x3FF + 26) return __math_log(2 * x - 1 / (x + Math.sqrt(x * x - 1)));
  return __math_log(x) + s;
}

function __math_asin(x: f64): f64 { // musl/src/math/asin.c, SUN
  const pio2_hi = f64.reinterpret_i64(0x3FF921FB54442D18);
  const pio2_lo = f64.reinterpret_i64(0x3C91A62633145C07);
  const Ox1p_120f = f64.reinterpret_i64(0x3870000000000000);
  let hx: u32 = (i64.reinterpret_f64(x) >> 32) as u32;
  let ix: u32 = hx & 0x7FFFFFFF;
  if (ix >= 0x3FF00000) {
    let lx: u32 = i64.reinterpret_f64(x) as u32;
    if (((ix - 0x3FF00000) | lx) == 0) return x * pio2_hi + Ox1p_120f;
    return 0 / (x - x);
  }
  if (ix < 0x3FE00000) {
    if (ix < 0x3E500000 && ix >= 0x00100000) return x;
    return x + x * __math_R(x * x);
  }
  let z = 0.5 - Math.abs(x) * 0.5;
  let s = Math.sqrt(z);
  let r = __math_R(z);
  if (ix >= 0x3FEF3333) {
    x = pio2_hi - (2 * (s + s * r) - pio2_lo);
  } else {
    let f = f64.reinterpret_i64(i64.reinterpret_f64(s) & 0xFFFFFFFF00000000);
    let c = (z - f * f) / (s + f);
    x = 0.5 * pio2_hi - (2 * s * r - (pio2_lo - 2 * c) - (0.5 * pio2_hi - 2 * f));
  }
  return (hx as i32) < 0 ? -x : x;
}

function __math_asinh(x: f64): f64 { // musl/src/math/asinh.c
  const c = f64.reinterpret_i64(0x3FE62E42FEFA39EF);
  let u: u64 = i64.reinterpret_f64(x);
  let e: u64 = (u >> 52) & 0x7FF;
  let y = f64.reinterpret_i64((u & 0x7FFFFFFFFFFFFFFF) as i64);
  if (e >= 0x3FF + 26) {
    y = __math_log(y) + c;
  } else if (e >= 0x3FF + 1) {
    y = __math_log(2 * y + 1 / (Math.sqrt(y * y + 1) + y));
  } else if (e >= 0x3FF - 26) {
    y = __math_log1p(y + y * y / (Math.sqrt(y * y + 1) + 1));
  }
  return f64.copysign(y, x);
}

function __math_atan(x: f64): f64 { // musl/src/math/atan.c, SUN
  const atanhi0 = f64.reinterpret_i64(0x3FDDAC670561BB4F);
  const atanhi1 = f64.reinterpret_i64(0x3FE921FB54442D18);
  const atanhi2 = f64.reinterpret_i64(0x3FEF730BD281F69B);
  const atanhi3 = f64.reinterpret_i64(0x3FF921FB54442D18);
  const atanlo0 = f64.reinterpret_i64(0x3C7A2B7F222F65E2);
  const atanlo1 = f64.reinterpret_i64(0x3C81A62633145C07);
  const atanlo2 = f64.reinterpret_i64(0x3C7007887AF0CBBD);
  const atanlo3 = f64.reinterpret_i64(0x3C91A62633145C07);
  const aT0 = f64.reinterpret_i64(0x3FD555555555550D);
  const aT1 = f64.reinterpret_i64(0xBFC999999998EBC4);
  const aT2 = f64.reinterpret_i64(0x3FC24924920083FF);
  const aT3 = f64.reinterpret_i64(0xBFBC71C6FE231671);
  const aT4 = f64.reinterpret_i64(0x3FB745CDC54C206E);
  const aT5 = f64.reinterpret_i64(0xBFB3B0F2AF749A6D);
  const aT6 = f64.reinterpret_i64(0x3FB10D66A0D03D51);
  const aT7 = f64.reinterpret_i64(0xBFADDE2D52DEFD9A);
  const aT8 = f64.reinterpret_i64(0x3FA97B4B24760DEB);
  const aT9 = f64.reinterpret_i64(0xBFA2B4442C6A6C2F);
  const aT10 = f64.reinterpret_i64(0x3F90AD3AE322DA11);
  const Ox1p_120f = f64.reinterpret_i64(0x3870000000000000);
  let ix: u32 = (i64.reinterpret_f64(x) >> 32) as u32;
  let sx = x;
  ix &= 0x7FFFFFFF;
  let z: f64 = 0;
  if (ix >= 0x44100000) {
    if (x != x) return x;
    z = atanhi3 + Ox1p_120f;
    return f64.copysign(z, sx);
  }
  let id = 0;
  if (ix < 0x3FDC0000) {
    if (ix < 0x3E400000) return x;
    id = -1;
  } else {
    x = Math.abs(x);
    if (ix < 0x3FF30000) {
      if (ix < 0x3FE60000) {
        id = 0;
        x = (2.0 * x - 1.0) / (2.0 + x);
      } else {
        id = 1;
        x = (x - 1.0) / (x + 1.0);
      }
    } else {
      if (ix < 0x40038000) {
        id = 2;
        x = (x - 1.5) / (1.0 + 1.5 * x);
      } else {
        id = 3;
        x = -1.0 / x;
      }
    }
  }
  z = x * x;
  let w = z * z;
  let s1 = z * (aT0 + w * (aT2 + w * (aT4 + w * (aT6 + w * (aT8 + w * aT10)))));
  let s2 = w * (aT1 + w * (aT3 + w * (aT5 + w * (aT7 + w * aT9))));
  let s3 = x * (s1 + s2);
  if (id < 0) return x - s3;
  if (id == 0) {
    z = atanhi0 - ((s3 - atanlo0) - x);
  } else if (id == 1) {
    z = atanhi1 - ((s3 - atanlo1) - x);
  } else if (id == 2) {
    z = atanhi2 - ((s3 - atanlo2) - x);
  } else {
    z = atanhi3 - ((s3 - atanlo3) - x);
  }
  return f64.copysign(z, sx);
}

function __math_atanh(x: f64): f64 { // musl/src/math/atanh.c
  let u: u64 = i64.reinterpret_f64(x);
  let e: u64 = (u >> 52) & 0x7FF;
  let y = Math.abs(x);
  if (e < 0x3FF - 1) {
    if (e >= 0x3FF - 32) y = 0.5 * __math_log1p(2 * y + 2 * y * y / (1 - y));
  } else {
    y = 0.5 * __math_log1p(2 * (y / (1 - y)));
  }
  return f64.copysign(y, x);
}

function __math_atan2(y: f64, x: f64): f64 { // musl/src/math/atan2.c, SUN
  const pi_lo = f64.reinterpret_i64(0x3CA1A62633145C07);
  const PI = f64.reinterpret_i64(0x400921FB54442D18);
  if (x != x || y != y) return x + y;
  let u: u64 = i64.reinterpret_f64(x);
  let ix: u32 = (u >> 32) as u32;
  let lx: u32 = u as u32;
  u = i64.reinterpret_f64(y);
  let iy: u32 = (u >> 32) as u32;
  let ly: u32 = u as u32;
  if (((ix - 0x3FF00000) | lx) == 0) return __math_atan(y);
  let m: u32 = ((iy >> 31) & 1) | ((ix >> 30) & 2);
  ix = ix & 0x7FFFFFFF;
  iy = iy & 0x7FFFFFFF;
  if ((iy | ly) == 0) {
    if (m == 0 || m == 1) return y;
    if (m == 2) return PI;
    if (m == 3) return -PI;
  }
  if ((ix | lx) == 0) return (m & 1) != 0 ? -PI / 2 : PI / 2;
  if (ix == 0x7FF00000) {
    if (iy == 0x7FF00000) {
      let t = (m & 2) != 0 ? 3 * PI / 4 : PI / 4;
      return (m & 1) != 0 ? -t : t;
    } else {
      let t = (m & 2) != 0 ? PI : 0.0;
      return (m & 1) != 0 ? -t : t;
    }
  }
  let z: f64 = 0;
  if (ix + (64 << 20) < iy || iy == 0x7FF00000) return (m & 1) != 0 ? -PI / 2 : PI / 2;
  if ((m & 2) != 0 && iy + (64 << 20) < ix) {
    z = 0;
  } else {
    z = __math_atan(Math.abs(y / x));
  }
  if (m == 0) return z;
  if (m == 1) return -z;
  if (m == 2) return PI - (z - pi_lo);
  return (z - pi_lo) - PI;
}

function __math_cbrt(x: f64): f64 { // musl/src/math/cbrt.c, SUN
  const B1: u32 = 715094163;
  const B2: u32 = 696219795;
  const P0 = f64.reinterpret_i64(0x3FFE03E60F61E692);
  const P1 = f64.reinterpret_i64(0xBFFE28E092F02420);
  const P2 = f64.reinterpret_i64(0x3FF9F1604A49D6C2);
  const P3 = f64.reinterpret_i64(0xBFE844CBBEE751D9);
  const P4 = f64.reinterpret_i64(0x3FC2B000D4E4EDD7);
  const Ox1p54 = f64.reinterpret_i64(0x4350000000000000);
  let u: u64 = i64.reinterpret_f64(x);
  let hx: u32 = ((u >> 32) as u32) & 0x7FFFFFFF;
  if (hx >= 0x7FF00000) return x + x;
  if (hx < 0x00100000) {
    u = i64.reinterpret_f64(x * Ox1p54);
    hx = ((u >> 32) as u32) & 0x7FFFFFFF;
    if (hx == 0) return x;
    hx = hx / 3 + B2;
  } else {
    hx = hx / 3 + B1;
  }
  u &= 0x8000000000000000;
  u |= (hx as u64) << 32;
  let t = f64.reinterpret_i64(u as i64);
  let r = (t * t) * (t / x);
  t = t * ((P0 + r * (P1 + r * P2)) + ((r * r) * r) * (P3 + r * P4));
  t = f64.reinterpret_i64(((i64.reinterpret_f64(t) as u64) + 0x80000000) & 0xFFFFFFFFC0000000);
  let s = t * t;
  r = x / s;
  r = (r - t) / (2 * t + r);
  t = t + t * r;
  return t;
}

function __math_clz32(x: f64): f64 {
  if (x - x != 0) return 32;
  return i32.clz(__math_dtoi32(x));
}

// The __sin/__cos kernels, inlined in sin and cos as AssemblyScript's
// `@inline` does (Binaryen would not inline them: they have several callers).
function __math_cos(x: f64): f64 { // musl/src/math/cos.c
  const pio2_1 = f64.reinterpret_i64(0x3FF921FB54400000);
  const pio2_1t = f64.reinterpret_i64(0x3DD0B4611A626331);
  const pio2_2 = f64.reinterpret_i64(0x3DD0B4611A600000);
  const pio2_2t = f64.reinterpret_i64(0x3BA3198A2E037073);
  const pio2_3 = f64.reinterpret_i64(0x3BA3198A2E000000);
  const pio2_3t = f64.reinterpret_i64(0x397B839A252049C1);
  const invpio2 = f64.reinterpret_i64(0x3FE45F306DC9C883);
  const S1 = f64.reinterpret_i64(0xBFC5555555555549);
  const S2 = f64.reinterpret_i64(0x3F8111111110F8A6);
  const S3 = f64.reinterpret_i64(0xBF2A01A019C161D5);
  const S4 = f64.reinterpret_i64(0x3EC71DE357B1FE7D);
  const S5 = f64.reinterpret_i64(0xBE5AE5E68A2B9CEB);
  const S6 = f64.reinterpret_i64(0x3DE5D93A5ACFD57C);
  const C1 = f64.reinterpret_i64(0x3FA555555555554C);
  const C2 = f64.reinterpret_i64(0xBF56C16C16C15177);
  const C3 = f64.reinterpret_i64(0x3EFA01A019CB1590);
  const C4 = f64.reinterpret_i64(0xBE927E4F809C52AD);
  const C5 = f64.reinterpret_i64(0x3E21EE9EBDB4B1C4);
  const C6 = f64.reinterpret_i64(0xBDA8FAE9BE8838D4);
  let u: u64 = i64.reinterpret_f64(x);
  let ux: u32 = (u >> 32) as u32;
  let sign: u32 = ux >> 31;
  ux &= 0x7FFFFFFF;
  let n = 0;
  let y0 = x;
  let y1 = 0.0;
  if (ux <= 0x3FE921FB) { // |x| ~< pi/4
    if (ux < 0x3E46A09E) return 1.0;
  } else {
    if (ux >= 0x7FF00000) return x - x;
    // rempio2(x, u, sign), inlined as AssemblyScript inlines it: n, and
    // the reduced argument y0 + y1.
    if (ux < 0x4002D97C) { // |x| < 3pi/4, special case with n=+-1
      let z: f64 = 0;
      n = 1;
      if (sign == 0) {
        z = x - pio2_1;
        if (ux != 0x3FF921FB) {
          y0 = z - pio2_1t;
          y1 = (z - y0) - pio2_1t;
        } else {
          z -= pio2_2;
          y0 = z - pio2_2t;
          y1 = (z - y0) - pio2_2t;
        }
      } else {
        z = x + pio2_1;
        if (ux != 0x3FF921FB) {
          y0 = z + pio2_1t;
          y1 = (z - y0) + pio2_1t;
        } else {
          z += pio2_2;
          y0 = z + pio2_2t;
          y1 = (z - y0) + pio2_2t;
        }
        n = -1;
      }
    } else if (ux < 0x413921FB) { // |x| ~< 2^20*pi/2, Cody-Waite
      let q = f64.nearest(x * invpio2);
      let r = x - q * pio2_1;
      let rw = q * pio2_1t;
      let j: u32 = ux >> 20;
      y0 = r - rw;
      let hi: u32 = (i64.reinterpret_f64(y0) >> 32) as u32;
      let i: u32 = j - ((hi >> 20) & 0x7FF);
      if (i > 16) {
        let t = r;
        rw = q * pio2_2;
        r = t - rw;
        rw = q * pio2_2t - ((t - r) - rw);
        y0 = r - rw;
        hi = (i64.reinterpret_f64(y0) >> 32) as u32;
        i = j - ((hi >> 20) & 0x7FF);
        if (i > 49) {
          let t2 = r;
          rw = q * pio2_3;
          r = t2 - rw;
          rw = q * pio2_3t - ((t2 - r) - rw);
          y0 = r - rw;
        }
      }
      y1 = (r - y0) - rw;
      n = q as i32;
    } else {
      n = __math_pio2_large_quot(x, u as i64);
      if (sign != 0) n = -n;
      y0 = __math_rempio2_y0;
      y1 = __math_rempio2_y1;
    }
  }
  let z = y0 * y0;
  let w = z * z;
  if ((n & 1) != 0) {
    // sin_kern(y0, y1, 1)
    let r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
    let v = z * y0;
    x = y0 - ((z * (0.5 * y1 - v * r) - y1) - v * S1);
  } else {
    // cos_kern(y0, y1)
    let r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
    let hz = 0.5 * z;
    w = 1.0 - hz;
    x = w + (((1.0 - w) - hz) + (z * r - y0 * y1));
  }
  return ((n + 1) & 2) != 0 ? -x : x;
}

function __math_cosh(x: f64): f64 { // musl/src/math/cosh.c
  let u: u64 = i64.reinterpret_f64(x);
  u &= 0x7FFFFFFFFFFFFFFF;
  x = f64.reinterpret_i64(u as i64);
  let w: u32 = (u >> 32) as u32;
  let t: f64 = 0;
  if (w < 0x3FE62E42) {
    if (w < 0x3FF00000 - (26 << 20)) return 1;
    t = __math_expm1(x);
    return 1 + t * t / (2 + 2 * t);
  }
  if (w < 0x40862E42) {
    t = __math_exp(x);
    return 0.5 * (t + 1 / t);
  }
  t = __math_expo2(x, 1);
  return t;
}

function __math_expm1(x: f64): f64 { // musl/src/math/expm1.c, SUN
  const o_threshold = f64.reinterpret_i64(0x40862E42FEFA39EF);
  const ln2_hi = f64.reinterpret_i64(0x3FE62E42FEE00000);
  const ln2_lo = f64.reinterpret_i64(0x3DEA39EF35793C76);
  const invln2 = f64.reinterpret_i64(0x3FF71547652B82FE);
  const Q1 = f64.reinterpret_i64(0xBFA11111111110F4);
  const Q2 = f64.reinterpret_i64(0x3F5A01A019FE5585);
  const Q3 = f64.reinterpret_i64(0xBF14CE199EAADBB7);
  const Q4 = f64.reinterpret_i64(0x3ED0CFCA86E65239);
  const Q5 = f64.reinterpret_i64(0xBE8AFDB76E09C32D);
  const Ox1p1023 = f64.reinterpret_i64(0x7FE0000000000000);
  let u: u64 = i64.reinterpret_f64(x);
  let hx: u32 = ((u >> 32) as u32) & 0x7FFFFFFF;
  let sign: u32 = (u >> 63) as u32;
  let k = 0;
  if (hx >= 0x4043687A) {
    if (x != x) return x;
    if (sign != 0) return -1;
    if (x > o_threshold) return x * Ox1p1023;
  }
  let c = 0.0;
  let t: f64 = 0;
  if (hx > 0x3FD62E42) {
    k = hx < 0x3FF0A2B2 ? (1 - (sign << 1)) as i32 : (invln2 * x + f64.copysign(0.5, x)) as i32;
    t = k as f64;
    let hi = x - t * ln2_hi;
    let lo = t * ln2_lo;
    x = hi - lo;
    c = (hi - x) - lo;
  } else if (hx < 0x3C900000) {
    return x;
  }
  let hfx = 0.5 * x;
  let hxs = x * hfx;
  let hxq = hxs * hxs;
  let r1 = (1.0 + hxs * Q1) + hxq * ((Q2 + hxs * Q3) + hxq * (Q4 + hxs * Q5));
  t = 3.0 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k == 0) return x - (x * e - hxs);
  e = x * (e - c) - c;
  e -= hxs;
  if (k == -1) return 0.5 * (x - e) - 0.5;
  if (k == 1) {
    if (x < -0.25) return -2.0 * (e - (x + 0.5));
    return 1.0 + 2.0 * (x - e);
  }
  u = ((0x3FF + k) as u64) << 52;
  let twopk = f64.reinterpret_i64(u as i64);
  let y: f64 = 0;
  if (k < 0 || k > 56) {
    y = x - e + 1.0;
    if (k == 1024) {
      y = y * 2.0 * Ox1p1023;
    } else {
      y = y * twopk;
    }
    return y - 1.0;
  }
  u = ((0x3FF - k) as u64) << 52;
  y = f64.reinterpret_i64(u as i64);
  if (k < 20) {
    y = (1 - y) - e;
  } else {
    y = 1 - (e + y);
  }
  return (x + y) * twopk;
}

function __math_hypot(x: f64, y: f64): f64 { // musl/src/math/hypot.c
  const SPLIT = f64.reinterpret_i64(0x41A0000000000000) + 1;
  const Ox1p700 = f64.reinterpret_i64(0x6BB0000000000000);
  const Ox1p_700 = f64.reinterpret_i64(0x1430000000000000);
  let ux: u64 = i64.reinterpret_f64(x);
  let uy: u64 = i64.reinterpret_f64(y);
  ux &= 0x7FFFFFFFFFFFFFFF;
  uy &= 0x7FFFFFFFFFFFFFFF;
  if (ux < uy) {
    let ut = ux;
    ux = uy;
    uy = ut;
  }
  let ex = (ux >> 52) as i32;
  let ey = (uy >> 52) as i32;
  y = f64.reinterpret_i64(uy as i64);
  if (ey == 0x7FF) return y;
  x = f64.reinterpret_i64(ux as i64);
  if (ex == 0x7FF || uy == 0) return x;
  if (ex - ey > 64) return x + y;
  let z = 1.0;
  if (ex > 0x3FF + 510) {
    z = Ox1p700;
    x *= Ox1p_700;
    y *= Ox1p_700;
  } else if (ey < 0x3FF - 450) {
    z = Ox1p_700;
    x *= Ox1p700;
    y *= Ox1p700;
  }
  let c = x * SPLIT;
  let h = x - c + c;
  let l = x - h;
  let hx = x * x;
  let lx = h * h - hx + (2 * h + l) * l;
  c = y * SPLIT;
  h = y - c + c;
  l = y - h;
  let hy = y * y;
  let ly = h * h - hy + (2 * h + l) * l;
  return z * Math.sqrt(ly + lx + hy + hx);
}

function __math_imul(x: f64, y: f64): f64 {
  let s = x + y;
  if (s - s != 0) return 0;
  return __math_dtoi32(x) * __math_dtoi32(y);
}

function __math_log10(x: f64): f64 { // musl/src/math/log10.c, SUN
  const ivln10hi = f64.reinterpret_i64(0x3FDBCB7B15200000);
  const ivln10lo = f64.reinterpret_i64(0x3DBB9438CA9AADD5);
  const log10_2hi = f64.reinterpret_i64(0x3FD34413509F6000);
  const log10_2lo = f64.reinterpret_i64(0x3D59FEF311F12B36);
  const Lg1 = f64.reinterpret_i64(0x3FE5555555555593);
  const Lg2 = f64.reinterpret_i64(0x3FD999999997FA04);
  const Lg3 = f64.reinterpret_i64(0x3FD2492494229359);
  const Lg4 = f64.reinterpret_i64(0x3FCC71C51D8E78AF);
  const Lg5 = f64.reinterpret_i64(0x3FC7466496CB03DE);
  const Lg6 = f64.reinterpret_i64(0x3FC39A09D078C69F);
  const Lg7 = f64.reinterpret_i64(0x3FC2F112DF3E5244);
  const Ox1p54 = f64.reinterpret_i64(0x4350000000000000);
  let u: u64 = i64.reinterpret_f64(x);
  let hx: u32 = (u >> 32) as u32;
  let k = 0;
  let sign: u32 = hx >> 31;
  if (sign != 0 || hx < 0x00100000) {
    if ((u << 1) == 0) return -1 / (x * x);
    if (sign != 0) return (x - x) / 0.0;
    k -= 54;
    x *= Ox1p54;
    u = i64.reinterpret_f64(x);
    hx = (u >> 32) as u32;
  } else if (hx >= 0x7FF00000) {
    return x;
  } else if (hx == 0x3FF00000 && (u << 32) == 0) {
    return 0;
  }
  hx += 0x3FF00000 - 0x3FE6A09E;
  k += ((hx >> 20) as i32) - 0x3FF;
  hx = (hx & 0x000FFFFF) + 0x3FE6A09E;
  u = ((hx as u64) << 32) | (u & 0xFFFFFFFF);
  x = f64.reinterpret_i64(u as i64);
  let f = x - 1.0;
  let hfsq = 0.5 * f * f;
  let s = f / (2.0 + f);
  let z = s * s;
  let w = z * z;
  let t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  let t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  let r = t2 + t1;
  let hi = f - hfsq;
  u = i64.reinterpret_f64(hi);
  u &= 0xFFFFFFFF00000000;
  hi = f64.reinterpret_i64(u as i64);
  let lo = f - hi - hfsq + s * (hfsq + r);
  let val_hi = hi * ivln10hi;
  let dk = k as f64;
  let y = dk * log10_2hi;
  let val_lo = dk * log10_2lo + (lo + hi) * ivln10lo + lo * ivln10hi;
  w = y + val_hi;
  val_lo += (y - w) + val_hi;
  return val_lo + w;
}

function __math_log1p(x: f64): f64 { // musl/src/math/log1p.c, SUN
  const ln2_hi = f64.reinterpret_i64(0x3FE62E42FEE00000);
  const ln2_lo = f64.reinterpret_i64(0x3DEA39EF35793C76);
  const Lg1 = f64.reinterpret_i64(0x3FE5555555555593);
  const Lg2 = f64.reinterpret_i64(0x3FD999999997FA04);
  const Lg3 = f64.reinterpret_i64(0x3FD2492494229359);
  const Lg4 = f64.reinterpret_i64(0x3FCC71C51D8E78AF);
  const Lg5 = f64.reinterpret_i64(0x3FC7466496CB03DE);
  const Lg6 = f64.reinterpret_i64(0x3FC39A09D078C69F);
  const Lg7 = f64.reinterpret_i64(0x3FC2F112DF3E5244);
  let u: u64 = i64.reinterpret_f64(x);
  let hx: u32 = (u >> 32) as u32;
  let k = 1;
  let c = 0.0;
  let f = 0.0;
  if (hx < 0x3FDA827A || (hx >> 31) != 0) {
    if (hx >= 0xBFF00000) {
      if (x == -1) return x / 0.0;
      return (x - x) / 0.0;
    }
    if ((hx << 1) < (0x3CA00000 << 1)) return x;
    if (hx <= 0xBFD2BEC4) {
      k = 0;
      c = 0;
      f = x;
    }
  } else if (hx >= 0x7FF00000) {
    return x;
  }
  if (k != 0) {
    u = i64.reinterpret_f64(1 + x);
    let hu: u32 = (u >> 32) as u32;
    hu += 0x3FF00000 - 0x3FE6A09E;
    k = ((hu >> 20) as i32) - 0x3FF;
    if (k < 54) {
      let uf = f64.reinterpret_i64(u as i64);
      c = k >= 2 ? 1 - (uf - x) : x - (uf - 1);
      c /= uf;
    } else {
      c = 0;
    }
    hu = (hu & 0x000FFFFF) + 0x3FE6A09E;
    u = ((hu as u64) << 32) | (u & 0xFFFFFFFF);
    f = f64.reinterpret_i64(u as i64) - 1;
  }
  let hfsq = 0.5 * f * f;
  let s = f / (2.0 + f);
  let z = s * s;
  let w = z * z;
  let t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  let t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  let r = t2 + t1;
  let dk = k as f64;
  return s * (hfsq + r) + (dk * ln2_lo + c) - hfsq + f + dk * ln2_hi;
}

function __math_pow(x: f64, y: f64): f64 {
  // AssemblyScript's fast paths, then musl's pow.
  if (Math.abs(y) <= 2) {
    if (y == 2.0) return x * x;
    if (y == 0.5) {
      return x != -Infinity ? Math.abs(Math.sqrt(x)) : Infinity;
    }
    if (y == -1.0) return 1 / x;
    if (y == 1.0) return x;
    if (y == 0.0) return 1.0;
  }
  return __math_pow_lut(x, y);
}

function __math_sin(x: f64): f64 { // musl/src/math/sin.c, kernels inlined
  const pio2_1 = f64.reinterpret_i64(0x3FF921FB54400000);
  const pio2_1t = f64.reinterpret_i64(0x3DD0B4611A626331);
  const pio2_2 = f64.reinterpret_i64(0x3DD0B4611A600000);
  const pio2_2t = f64.reinterpret_i64(0x3BA3198A2E037073);
  const pio2_3 = f64.reinterpret_i64(0x3BA3198A2E000000);
  const pio2_3t = f64.reinterpret_i64(0x397B839A252049C1);
  const invpio2 = f64.reinterpret_i64(0x3FE45F306DC9C883);
  const S1 = f64.reinterpret_i64(0xBFC5555555555549);
  const S2 = f64.reinterpret_i64(0x3F8111111110F8A6);
  const S3 = f64.reinterpret_i64(0xBF2A01A019C161D5);
  const S4 = f64.reinterpret_i64(0x3EC71DE357B1FE7D);
  const S5 = f64.reinterpret_i64(0xBE5AE5E68A2B9CEB);
  const S6 = f64.reinterpret_i64(0x3DE5D93A5ACFD57C);
  const C1 = f64.reinterpret_i64(0x3FA555555555554C);
  const C2 = f64.reinterpret_i64(0xBF56C16C16C15177);
  const C3 = f64.reinterpret_i64(0x3EFA01A019CB1590);
  const C4 = f64.reinterpret_i64(0xBE927E4F809C52AD);
  const C5 = f64.reinterpret_i64(0x3E21EE9EBDB4B1C4);
  const C6 = f64.reinterpret_i64(0xBDA8FAE9BE8838D4);
  let u: u64 = i64.reinterpret_f64(x);
  let ux: u32 = (u >> 32) as u32;
  let sign: u32 = ux >> 31;
  ux &= 0x7FFFFFFF;
  let n = 0;
  let y0 = x;
  let y1 = 0.0;
  let iy = 0;
  if (ux <= 0x3FE921FB) { // |x| ~< pi/4
    if (ux < 0x3E500000) return x;
  } else {
    if (ux >= 0x7FF00000) return x - x;
    // rempio2(x, u, sign), inlined as AssemblyScript inlines it: n, and
    // the reduced argument y0 + y1.
    if (ux < 0x4002D97C) { // |x| < 3pi/4, special case with n=+-1
      let z: f64 = 0;
      n = 1;
      if (sign == 0) {
        z = x - pio2_1;
        if (ux != 0x3FF921FB) {
          y0 = z - pio2_1t;
          y1 = (z - y0) - pio2_1t;
        } else {
          z -= pio2_2;
          y0 = z - pio2_2t;
          y1 = (z - y0) - pio2_2t;
        }
      } else {
        z = x + pio2_1;
        if (ux != 0x3FF921FB) {
          y0 = z + pio2_1t;
          y1 = (z - y0) + pio2_1t;
        } else {
          z += pio2_2;
          y0 = z + pio2_2t;
          y1 = (z - y0) + pio2_2t;
        }
        n = -1;
      }
    } else if (ux < 0x413921FB) { // |x| ~< 2^20*pi/2, Cody-Waite
      let q = f64.nearest(x * invpio2);
      let r = x - q * pio2_1;
      let rw = q * pio2_1t;
      let j: u32 = ux >> 20;
      y0 = r - rw;
      let hi: u32 = (i64.reinterpret_f64(y0) >> 32) as u32;
      let i: u32 = j - ((hi >> 20) & 0x7FF);
      if (i > 16) {
        let t = r;
        rw = q * pio2_2;
        r = t - rw;
        rw = q * pio2_2t - ((t - r) - rw);
        y0 = r - rw;
        hi = (i64.reinterpret_f64(y0) >> 32) as u32;
        i = j - ((hi >> 20) & 0x7FF);
        if (i > 49) {
          let t2 = r;
          rw = q * pio2_3;
          r = t2 - rw;
          rw = q * pio2_3t - ((t2 - r) - rw);
          y0 = r - rw;
        }
      }
      y1 = (r - y0) - rw;
      n = q as i32;
    } else {
      n = __math_pio2_large_quot(x, u as i64);
      if (sign != 0) n = -n;
      y0 = __math_rempio2_y0;
      y1 = __math_rempio2_y1;
    }
    iy = 1;
  }
  let z = y0 * y0;
  let w = z * z;
  if ((n & 1) != 0) {
    // cos_kern(y0, y1)
    let r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
    let hz = 0.5 * z;
    w = 1.0 - hz;
    x = w + (((1.0 - w) - hz) + (z * r - y0 * y1));
  } else {
    // sin_kern(y0, y1, iy)
    let r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
    let v = z * y0;
    if (iy == 0) {
      x = y0 + v * (S1 + z * r);
    } else {
      x = y0 - ((z * (0.5 * y1 - v * r) - y1) - v * S1);
    }
  }
  return (n & 2) != 0 ? -x : x;
}

function __math_sinh(x: f64): f64 { // musl/src/math/sinh.c
  let u: u64 = (i64.reinterpret_f64(x) as u64) & 0x7FFFFFFFFFFFFFFF;
  let a = f64.reinterpret_i64(u as i64);
  let w: u32 = (u >> 32) as u32;
  let h = f64.copysign(0.5, x);
  if (w < 0x40862E42) {
    let t = __math_expm1(a);
    if (w < 0x3FF00000) {
      if (w < 0x3FF00000 - (26 << 20)) return x;
      return h * (2 * t - t * t / (t + 1));
    }
    return h * (t + t / (t + 1));
  }
  return __math_expo2(a, 2 * h);
}

function __math_tan(x: f64): f64 { // musl/src/math/tan.c, rempio2 inlined
  const pio2_1 = f64.reinterpret_i64(0x3FF921FB54400000);
  const pio2_1t = f64.reinterpret_i64(0x3DD0B4611A626331);
  const pio2_2 = f64.reinterpret_i64(0x3DD0B4611A600000);
  const pio2_2t = f64.reinterpret_i64(0x3BA3198A2E037073);
  const pio2_3 = f64.reinterpret_i64(0x3BA3198A2E000000);
  const pio2_3t = f64.reinterpret_i64(0x397B839A252049C1);
  const invpio2 = f64.reinterpret_i64(0x3FE45F306DC9C883);
  let u: u64 = i64.reinterpret_f64(x);
  let ux: u32 = (u >> 32) as u32;
  let sign: u32 = ux >>> 31;
  ux &= 0x7FFFFFFF;
  if (ux <= 0x3FE921FB) {
    if (ux < 0x3E400000) return x;
    return __math_tan_kern(x, 0.0, 1);
  }
  if (ux >= 0x7FF00000) return x - x;
  let n = 0;
  let y0: f64 = 0;
  let y1: f64 = 0;
  {
    // rempio2(x, u, sign), inlined as AssemblyScript inlines it: n, and
    // the reduced argument y0 + y1.
    if (ux < 0x4002D97C) { // |x| < 3pi/4, special case with n=+-1
      let z: f64 = 0;
      n = 1;
      if (sign == 0) {
        z = x - pio2_1;
        if (ux != 0x3FF921FB) {
          y0 = z - pio2_1t;
          y1 = (z - y0) - pio2_1t;
        } else {
          z -= pio2_2;
          y0 = z - pio2_2t;
          y1 = (z - y0) - pio2_2t;
        }
      } else {
        z = x + pio2_1;
        if (ux != 0x3FF921FB) {
          y0 = z + pio2_1t;
          y1 = (z - y0) + pio2_1t;
        } else {
          z += pio2_2;
          y0 = z + pio2_2t;
          y1 = (z - y0) + pio2_2t;
        }
        n = -1;
      }
    } else if (ux < 0x413921FB) { // |x| ~< 2^20*pi/2, Cody-Waite
      let q = f64.nearest(x * invpio2);
      let r = x - q * pio2_1;
      let rw = q * pio2_1t;
      let j: u32 = ux >> 20;
      y0 = r - rw;
      let hi: u32 = (i64.reinterpret_f64(y0) >> 32) as u32;
      let i: u32 = j - ((hi >> 20) & 0x7FF);
      if (i > 16) {
        let t = r;
        rw = q * pio2_2;
        r = t - rw;
        rw = q * pio2_2t - ((t - r) - rw);
        y0 = r - rw;
        hi = (i64.reinterpret_f64(y0) >> 32) as u32;
        i = j - ((hi >> 20) & 0x7FF);
        if (i > 49) {
          let t2 = r;
          rw = q * pio2_3;
          r = t2 - rw;
          rw = q * pio2_3t - ((t2 - r) - rw);
          y0 = r - rw;
        }
      }
      y1 = (r - y0) - rw;
      n = q as i32;
    } else {
      n = __math_pio2_large_quot(x, u as i64);
      if (sign != 0) n = -n;
      y0 = __math_rempio2_y0;
      y1 = __math_rempio2_y1;
    }
  }
  return __math_tan_kern(y0, y1, 1 - ((n & 1) << 1));
}

function __math_tanh(x: f64): f64 { // musl/src/math/tanh.c
  let u: u64 = i64.reinterpret_f64(x);
  u &= 0x7FFFFFFFFFFFFFFF;
  let y = f64.reinterpret_i64(u as i64);
  let w: u32 = (u >> 32) as u32;
  let t: f64 = 0;
  if (w > 0x3FE193EA) {
    if (w > 0x40340000) {
      t = 1 - 0 / y;
    } else {
      t = __math_expm1(2 * y);
      t = 1 - 2 / (t + 2);
    }
  } else if (w > 0x3FD058AE) {
    t = __math_expm1(2 * y);
    t = t / (t + 2);
  } else if (w >= 0x00100000) {
    t = __math_expm1(-2 * y);
    t = -t / (t + 2);
  } else {
    t = y;
  }
  return f64.copysign(t, x);
}

// Table-driven exp, exp2, log, log2 and pow (musl, ARM optimized-routines),
// as AssemblyScript's util/math.ts; tables are static data.

// The result scale*(1+tmp) when it may overflow or underflow.
function __math_specialcase(tmp: f64, sbits: u64, ki: u64): f64 {
  const Ox1p_1022 = f64.reinterpret_i64(0x0010000000000000);
  const Ox1p1009 = f64.reinterpret_i64(0x7F00000000000000);
  let scale: f64 = 0;
  if ((ki & 0x80000000) == 0) {
    // k > 0, the exponent of scale might have overflowed by <= 460.
    sbits -= (1009 as u64) << 52;
    scale = f64.reinterpret_i64(sbits as i64);
    return Ox1p1009 * (scale + scale * tmp);
  }
  // k < 0, need special care in the subnormal range.
  sbits += (1022 as u64) << 52;
  scale = f64.reinterpret_i64(sbits as i64);
  let y = scale + scale * tmp;
  if (Math.abs(y) < 1.0) {
    let one = f64.copysign(1.0, y);
    let lo = scale - y + scale * tmp;
    let hi = one + y;
    lo = one - hi + y + lo;
    y = (hi + lo) - one;
    if (y == 0.0) y = f64.reinterpret_i64((sbits & 0x8000000000000000) as i64);
  }
  return y * Ox1p_1022;
}

function __math_exp(x: f64): f64 {
  const InvLn2N = f64.reinterpret_i64(0x3FF71547652B82FE) * 128;
  const NegLn2hiN = f64.reinterpret_i64(0xBF762E42FEFA0000);
  const NegLn2loN = f64.reinterpret_i64(0xBD0CF79ABC9E3B3A);
  const shift = f64.reinterpret_i64(0x4338000000000000);
  const C2 = f64.reinterpret_i64(0x3FDFFFFFFFFFFDBD);
  const C3 = f64.reinterpret_i64(0x3FC555555555543C);
  const C4 = f64.reinterpret_i64(0x3FA55555CF172B91);
  const C5 = f64.reinterpret_i64(0x3F81111167A4D017);
  let ux: u64 = i64.reinterpret_f64(x);
  let abstop: u32 = ((ux >> 52) as u32) & 0x7FF;
  if (abstop - 0x3C9 >= 0x03F) {
    if (abstop - 0x3C9 >= 0x80000000) return 1;
    if (abstop >= 0x409) {
      if (ux == 0xFFF0000000000000) return 0;
      if (abstop >= 0x7FF) {
        return 1.0 + x;
      } else {
        return (ux as i64) < 0 ? 0.0 : Infinity;
      }
    }
    abstop = 0;
  }
  let z = InvLn2N * x;
  let kd = z + shift;
  let ki: u64 = i64.reinterpret_f64(kd);
  kd -= shift;
  let r = x + kd * NegLn2hiN + kd * NegLn2loN;
  let idx: u32 = ((ki & 127) << 1) as u32;
  let top: u64 = ki << 45;
  let tail = f64.reinterpret_i64(__load64(__MATH_EXP_DATA_TAB + (idx << 3)) as i64);
  let sbits: u64 = __load64(__MATH_EXP_DATA_TAB + (idx << 3) + 8) + top;
  let r2 = r * r;
  let tmp = tail + r + r2 * (C2 + r * C3) + r2 * r2 * (C4 + r * C5);
  if (abstop == 0) return __math_specialcase(tmp, sbits, ki);
  let scale = f64.reinterpret_i64(sbits as i64);
  return scale + scale * tmp;
}

function __math_specialcase2(tmp: f64, sbits: u64, ki: u64): f64 {
  const Ox1p_1022 = f64.reinterpret_i64(0x0010000000000000);
  let scale: f64 = 0;
  if ((ki & 0x80000000) == 0) {
    // k > 0, the exponent of scale might have overflowed by 1
    sbits -= (1 as u64) << 52;
    scale = f64.reinterpret_i64(sbits as i64);
    return 2 * (scale * tmp + scale);
  }
  // k < 0, need special care in the subnormal range
  sbits += (1022 as u64) << 52;
  scale = f64.reinterpret_i64(sbits as i64);
  let y = scale * tmp + scale;
  if (y < 1.0) {
    let lo = scale - y + scale * tmp;
    let hi = 1.0 + y;
    lo = 1.0 - hi + y + lo;
    y = (hi + lo) - 1.0;
  }
  return y * Ox1p_1022;
}

function __math_exp2(x: f64): f64 {
  const shift = f64.reinterpret_i64(0x4338000000000000) / 128;
  const C1 = f64.reinterpret_i64(0x3FE62E42FEFA39EF);
  const C2 = f64.reinterpret_i64(0x3FCEBFBDFF82C424);
  const C3 = f64.reinterpret_i64(0x3FAC6B08D70CF4B5);
  const C4 = f64.reinterpret_i64(0x3F83B2ABD24650CC);
  const C5 = f64.reinterpret_i64(0x3F55D7E09B4E3A84);
  let ux: u64 = i64.reinterpret_f64(x);
  let abstop: u32 = ((ux >> 52) as u32) & 0x7FF;
  if (abstop - 0x3C9 >= 0x03F) {
    if (abstop - 0x3C9 >= 0x80000000) return 1.0;
    if (abstop >= 0x409) {
      if (ux == 0xFFF0000000000000) return 0;
      if (abstop >= 0x7FF) return 1.0 + x;
      if ((ux as i64) >= 0) {
        return Infinity;
      } else if (ux >= 0xC090CC0000000000) {
        return 0;
      }
    }
    if ((ux << 1) > 0x811A000000000000) abstop = 0;
  }
  let kd = x + shift;
  let ki: u64 = i64.reinterpret_f64(kd);
  kd -= shift;
  let r = x - kd;
  let idx: u32 = ((ki & 127) << 1) as u32;
  let top: u64 = ki << 45;
  let tail = f64.reinterpret_i64(__load64(__MATH_EXP_DATA_TAB + (idx << 3)) as i64);
  let sbits: u64 = __load64(__MATH_EXP_DATA_TAB + (idx << 3) + 8) + top;
  let r2 = r * r;
  let tmp = tail + r * C1 + r2 * (C2 + r * C3) + r2 * r2 * (C4 + r * C5);
  if (abstop == 0) return __math_specialcase2(tmp, sbits, ki);
  let scale = f64.reinterpret_i64(sbits as i64);
  return scale * tmp + scale;
}

function __math_log2(x: f64): f64 {
  const LO: u64 = 0x3FEEA4AF00000000;
  const HI: u64 = 0x3FF0B55900000000;
  const InvLn2hi = f64.reinterpret_i64(0x3FF7154765200000);
  const InvLn2lo = f64.reinterpret_i64(0x3DE705FC2EEFA200);
  const Ox1p52 = f64.reinterpret_i64(0x4330000000000000);
  const B0 = f64.reinterpret_i64(0xBFE71547652B82FE);
  const B1 = f64.reinterpret_i64(0x3FDEC709DC3A03F7);
  const B2 = f64.reinterpret_i64(0xBFD71547652B7C3F);
  const B3 = f64.reinterpret_i64(0x3FD2776C50F05BE4);
  const B4 = f64.reinterpret_i64(0xBFCEC709DD768FE5);
  const B5 = f64.reinterpret_i64(0x3FCA61761EC4E736);
  const B6 = f64.reinterpret_i64(0xBFC7153FBC64A79B);
  const B7 = f64.reinterpret_i64(0x3FC484D154F01B4A);
  const B8 = f64.reinterpret_i64(0xBFC289E4A72C383C);
  const B9 = f64.reinterpret_i64(0x3FC0B32F285AEE66);
  const A0 = f64.reinterpret_i64(0xBFE71547652B8339);
  const A1 = f64.reinterpret_i64(0x3FDEC709DC3A04BE);
  const A2 = f64.reinterpret_i64(0xBFD7154764702FFB);
  const A3 = f64.reinterpret_i64(0x3FD2776C50034C48);
  const A4 = f64.reinterpret_i64(0xBFCEC7B328EA92BC);
  const A5 = f64.reinterpret_i64(0x3FCA6225E117F92E);
  let ix: u64 = i64.reinterpret_f64(x);
  if (ix - LO < HI - LO) {
    let r = x - 1.0;
    let rhi = f64.reinterpret_i64(i64.reinterpret_f64(r) & 0xFFFFFFFF00000000);
    let rlo = r - rhi;
    let hi = rhi * InvLn2hi;
    let lo = rlo * InvLn2hi + r * InvLn2lo;
    let r2 = r * r;
    let r4 = r2 * r2;
    let p = r2 * (B0 + r * B1);
    let y = hi + p;
    lo += hi - y + p;
    lo += r4 * (B2 + r * B3 + r2 * (B4 + r * B5) +
          r4 * (B6 + r * B7 + r2 * (B8 + r * B9)));
    return y + lo;
  }
  let top: u32 = (ix >> 48) as u32;
  if (top - 0x0010 >= 0x7FF0 - 0x0010) {
    if ((ix << 1) == 0) return -1.0 / (x * x);
    if (ix == 0x7FF0000000000000) return x;
    if ((top & 0x8000) != 0 || (top & 0x7FF0) == 0x7FF0) return (x - x) / (x - x);
    ix = i64.reinterpret_f64(x * Ox1p52);
    ix -= (52 as u64) << 52;
  }
  let tmp: u64 = ix - 0x3FE6000000000000;
  let i: u32 = ((tmp >> 46) & 63) as u32;
  let k: i64 = (tmp as i64) >> 52;
  let iz: u64 = ix - (tmp & 0xFFF0000000000000);
  let invc = __loadf64(__MATH_LOG2_DATA_TAB1 + (i << 4));
  let logc = __loadf64(__MATH_LOG2_DATA_TAB1 + (i << 4) + 8);
  let z = f64.reinterpret_i64(iz as i64);
  let kd = k as f64;
  let chi = __loadf64(__MATH_LOG2_DATA_TAB2 + (i << 4));
  let clo = __loadf64(__MATH_LOG2_DATA_TAB2 + (i << 4) + 8);
  let r = (z - chi - clo) * invc;
  let rhi = f64.reinterpret_i64(i64.reinterpret_f64(r) & 0xFFFFFFFF00000000);
  let rlo = r - rhi;
  let t1 = rhi * InvLn2hi;
  let t2 = rlo * InvLn2hi + r * InvLn2lo;
  let t3 = kd + logc;
  let hi = t3 + t1;
  let lo = t3 - hi + t1 + t2;
  let r2 = r * r;
  let p = A0 + r * A1 + r2 * (A2 + r * A3) + (r2 * r2) * (A4 + r * A5);
  return lo + r2 * p + hi;
}

function __math_log(x: f64): f64 {
  const B0 = f64.reinterpret_i64(0xBFE0000000000000);
  const B1 = f64.reinterpret_i64(0x3FD5555555555577);
  const B2 = f64.reinterpret_i64(0xBFCFFFFFFFFFFDCB);
  const B3 = f64.reinterpret_i64(0x3FC999999995DD0C);
  const B4 = f64.reinterpret_i64(0xBFC55555556745A7);
  const B5 = f64.reinterpret_i64(0x3FC24924A344DE30);
  const B6 = f64.reinterpret_i64(0xBFBFFFFFA4423D65);
  const B7 = f64.reinterpret_i64(0x3FBC7184282AD6CA);
  const B8 = f64.reinterpret_i64(0xBFB999EB43B068FF);
  const B9 = f64.reinterpret_i64(0x3FB78182F7AFD085);
  const B10 = f64.reinterpret_i64(0xBFB5521375D145CD);
  const A0 = f64.reinterpret_i64(0xBFE0000000000001);
  const A1 = f64.reinterpret_i64(0x3FD555555551305B);
  const A2 = f64.reinterpret_i64(0xBFCFFFFFFFEB4590);
  const A3 = f64.reinterpret_i64(0x3FC999B324F10111);
  const A4 = f64.reinterpret_i64(0xBFC55575E506C89F);
  const LO: u64 = 0x3FEE000000000000;
  const HI: u64 = 0x3FF1090000000000;
  const Ln2hi = f64.reinterpret_i64(0x3FE62E42FEFA3800);
  const Ln2lo = f64.reinterpret_i64(0x3D2EF35793C76730);
  const Ox1p27 = f64.reinterpret_i64(0x41A0000000000000);
  const Ox1p52 = f64.reinterpret_i64(0x4330000000000000);
  let ix: u64 = i64.reinterpret_f64(x);
  if (ix - LO < HI - LO) {
    let r = x - 1.0;
    let r2 = r * r;
    let r3 = r2 * r;
    let y =
      r3 * (B1 + r * B2 + r2 * B3 +
      r3 * (B4 + r * B5 + r2 * B6 +
      r3 * (B7 + r * B8 + r2 * B9 + r3 * B10)));
    let w = r * Ox1p27;
    let rhi = r + w - w;
    let rlo = r - rhi;
    w = rhi * rhi * B0;
    let hi = r + w;
    let lo = r - hi + w;
    lo += B0 * rlo * (rhi + r);
    return y + lo + hi;
  }
  let top: u32 = (ix >> 48) as u32;
  if (top - 0x0010 >= 0x7FF0 - 0x0010) {
    if ((ix << 1) == 0) return -1.0 / (x * x);
    if (ix == 0x7FF0000000000000) return x;
    if ((top & 0x8000) != 0 || (top & 0x7FF0) == 0x7FF0) return (x - x) / (x - x);
    ix = i64.reinterpret_f64(x * Ox1p52);
    ix -= (52 as u64) << 52;
  }
  let tmp: u64 = ix - 0x3FE6000000000000;
  let i: u32 = ((tmp >> 45) & 127) as u32;
  let k: i64 = (tmp as i64) >> 52;
  let iz: u64 = ix - (tmp & 0xFFF0000000000000);
  let invc = __loadf64(__MATH_LOG_DATA_TAB1 + (i << 4));
  let logc = __loadf64(__MATH_LOG_DATA_TAB1 + (i << 4) + 8);
  let z = f64.reinterpret_i64(iz as i64);
  let chi = __loadf64(__MATH_LOG_DATA_TAB2 + (i << 4));
  let clo = __loadf64(__MATH_LOG_DATA_TAB2 + (i << 4) + 8);
  let r = (z - chi - clo) * invc;
  let kd = k as f64;
  let w = kd * Ln2hi + logc;
  let hi = w + r;
  let lo = w - hi + r + kd * Ln2lo;
  let r2 = r * r;
  return lo + r2 * A0 + r * r2 * (A1 + r * A2 + r2 * (A3 + r * A4)) + hi;
}

// 0 if not an integer, 1 if odd, 2 if even (iy: a non-zero finite value's bits).
function __math_checkint(iy: u64): i32 {
  let e: u64 = (iy >> 52) & 0x7FF;
  if (e < 0x3FF) return 0;
  if (e > 0x3FF + 52) return 2;
  e = (1 as u64) << (0x3FF + 52 - e);
  if ((iy & (e - 1)) != 0) return 0;
  if ((iy & e) != 0) return 1;
  return 2;
}

function __math_xflow(sign: u32, y: f64): f64 {
  return (sign != 0 ? -y : y) * y;
}

// Whether u is the bits of 0, infinity or NaN.
function __math_zeroinfnan(u: u64): bool {
  return (u << 1) - 1 >= 0xFFE0000000000000 - 1;
}

// y + __math_log_tail = log(x), where ix is x's bits (subnormals normalized).
function __math_log_inline(ix: u64): f64 {
  const Ln2hi = f64.reinterpret_i64(0x3FE62E42FEFA3800);
  const Ln2lo = f64.reinterpret_i64(0x3D2EF35793C76730);
  const A0 = f64.reinterpret_i64(0xBFE0000000000000);
  const A1 = f64.reinterpret_i64(0xBFE5555555555560);
  const A2 = f64.reinterpret_i64(0x3FE0000000000006);
  const A3 = f64.reinterpret_i64(0x3FE999999959554E);
  const A4 = f64.reinterpret_i64(0xBFE555555529A47A);
  const A5 = f64.reinterpret_i64(0xBFF2495B9B4845E9);
  const A6 = f64.reinterpret_i64(0x3FF0002B8B263FC3);
  let tmp: u64 = ix - 0x3FE6955500000000;
  let i: u32 = ((tmp >> 45) & 127) as u32;
  let k: i64 = (tmp as i64) >> 52;
  let iz: u64 = ix - (tmp & 0xFFF0000000000000);
  let z = f64.reinterpret_i64(iz as i64);
  let kd = k as f64;
  let invc = __loadf64(__MATH_POW_LOG_DATA_TAB + (i << 5));
  let logc = __loadf64(__MATH_POW_LOG_DATA_TAB + (i << 5) + 16);
  let logctail = __loadf64(__MATH_POW_LOG_DATA_TAB + (i << 5) + 24);
  let zhi = f64.reinterpret_i64(((iz + 0x80000000) & 0xFFFFFFFF00000000) as i64);
  let zlo = z - zhi;
  let rhi = zhi * invc - 1.0;
  let rlo = zlo * invc;
  let r = rhi + rlo;
  let t1 = kd * Ln2hi + logc;
  let t2 = t1 + r;
  let lo1 = kd * Ln2lo + logctail;
  let lo2 = t1 - t2 + r;
  let ar = A0 * r;
  let ar2 = r * ar;
  let ar3 = r * ar2;
  let arhi = A0 * rhi;
  let arhi2 = rhi * arhi;
  let hi = t2 + arhi2;
  let lo3 = rlo * (ar + arhi);
  let lo4 = t2 - hi + arhi2;
  let p = ar3 * (A1 + r * A2 + ar2 * (A3 + r * A4 + ar2 * (A5 + r * A6)));
  let lo = lo1 + lo2 + lo3 + lo4 + p;
  let y = hi + lo;
  __math_log_tail = hi - y + lo;
  return y;
}

// sign * exp(x + xtail); sign_bias is 0x40000 (negative) or 0.
function __math_exp_inline(x: f64, xtail: f64, sign_bias: u32): f64 {
  const InvLn2N = f64.reinterpret_i64(0x3FF71547652B82FE) * 128;
  const NegLn2hiN = f64.reinterpret_i64(0xBF762E42FEFA0000);
  const NegLn2loN = f64.reinterpret_i64(0xBD0CF79ABC9E3B3A);
  const shift = f64.reinterpret_i64(0x4338000000000000);
  const C2 = f64.reinterpret_i64(0x3FDFFFFFFFFFFDBD);
  const C3 = f64.reinterpret_i64(0x3FC555555555543C);
  const C4 = f64.reinterpret_i64(0x3FA55555CF172B91);
  const C5 = f64.reinterpret_i64(0x3F81111167A4D017);
  let ux: u64 = i64.reinterpret_f64(x);
  let abstop: u32 = ((ux >> 52) as u32) & 0x7FF;
  if (abstop - 0x3C9 >= 0x03F) {
    if (abstop - 0x3C9 >= 0x80000000) {
      return sign_bias != 0 ? -1.0 : 1.0;
    }
    if (abstop >= 0x409) {
      return (ux as i64) < 0
        ? __math_xflow(sign_bias, f64.reinterpret_i64(0x1000000000000000))
        : __math_xflow(sign_bias, f64.reinterpret_i64(0x7000000000000000));
    }
    abstop = 0;
  }
  let z = InvLn2N * x;
  let kd = z + shift;
  let ki: u64 = i64.reinterpret_f64(kd);
  kd -= shift;
  let r = x + kd * NegLn2hiN + kd * NegLn2loN;
  r += xtail;
  let idx: u32 = ((ki & 127) << 1) as u32;
  let top: u64 = (ki + sign_bias) << 45;
  let tail = f64.reinterpret_i64(__load64(__MATH_EXP_DATA_TAB + (idx << 3)) as i64);
  let sbits: u64 = __load64(__MATH_EXP_DATA_TAB + (idx << 3) + 8) + top;
  let r2 = r * r;
  let tmp = tail + r + r2 * (C2 + r * C3) + r2 * r2 * (C4 + r * C5);
  if (abstop == 0) return __math_specialcase(tmp, sbits, ki);
  let scale = f64.reinterpret_i64(sbits as i64);
  return scale + scale * tmp;
}

function __math_pow_lut(x: f64, y: f64): f64 {
  const Ox1p52 = f64.reinterpret_i64(0x4330000000000000);
  let sign_bias: u32 = 0;
  let ix: u64 = i64.reinterpret_f64(x);
  let iy: u64 = i64.reinterpret_f64(y);
  let topx: u64 = ix >> 52;
  let topy: u64 = iy >> 52;
  if (topx - 0x001 >= 0x7FF - 0x001 || (topy & 0x7FF) - 0x3BE >= 0x43E - 0x3BE) {
    if (__math_zeroinfnan(iy)) {
      if ((iy << 1) == 0) return 1.0;
      if (ix == 0x3FF0000000000000) return NaN;
      if ((ix << 1) > 0xFFE0000000000000 || (iy << 1) > 0xFFE0000000000000) return x + y;
      if ((ix << 1) == 0x7FE0000000000000) return NaN;
      if (((ix << 1) < 0x7FE0000000000000) == ((iy >> 63) == 0)) return 0;
      return y * y;
    }
    if (__math_zeroinfnan(ix)) {
      let x2 = x * x;
      if ((ix >> 63) != 0 && __math_checkint(iy) == 1) x2 = -x2;
      return (iy as i64) < 0 ? 1 / x2 : x2;
    }
    // Here x and y are non-zero finite.
    if ((ix as i64) < 0) {
      let yint = __math_checkint(iy);
      if (yint == 0) return (x - x) / (x - x);
      if (yint == 1) sign_bias = 0x40000;
      ix &= 0x7FFFFFFFFFFFFFFF;
      topx &= 0x7FF;
    }
    if ((topy & 0x7FF) - 0x3BE >= 0x43E - 0x3BE) {
      if (ix == 0x3FF0000000000000) return 1;
      if ((topy & 0x7FF) < 0x3BE) return 1;
      return (ix > 0x3FF0000000000000) == (topy < 0x800) ? Infinity : 0;
    }
    if (topx == 0) {
      ix = i64.reinterpret_f64(x * Ox1p52);
      ix &= 0x7FFFFFFFFFFFFFFF;
      ix -= (52 as u64) << 52;
    }
  }
  let hi = __math_log_inline(ix);
  let lo = __math_log_tail;
  let yhi = f64.reinterpret_i64((iy & 0xFFFFFFFFF8000000) as i64);
  let ylo = y - yhi;
  let lhi = f64.reinterpret_i64(i64.reinterpret_f64(hi) & 0xFFFFFFFFF8000000);
  let llo = hi - lhi + lo;
  let ehi = yhi * lhi;
  let elo = ylo * lhi + y * llo;
  return __math_exp_inline(ehi, elo, sign_bias);
}

// `x % y` for f64: AssemblyScript's `NativeMath.mod` (musl's fmod): the
// exact remainder of truncated division, with the sign of `x`.
function __math_mod(x: f64, y: f64): f64 {
  if (f64.abs(y) == 1.0) {
    return f64.copysign(x - f64.trunc(x), x);
  }
  let ux = i64.reinterpret_f64(x) as u64;
  let uy = i64.reinterpret_f64(y) as u64;
  let ex = ((ux >> 52) & 0x7FF) as i64;
  let ey = ((uy >> 52) & 0x7FF) as i64;
  let sx = ux >> 63;
  let uy1 = uy << 1;
  if (uy1 == 0 || ex == 0x7FF || y != y) {
    let m = x * y;
    return m / m;
  }
  let ux1 = ux << 1;
  if (ux1 <= uy1) {
    return x * (ux1 != uy1 ? 1.0 : 0.0);
  }
  if (ex == 0) {
    ex -= clz<u64>(ux << 12) as i64;
    ux <<= (1 - ex) as u64;
  } else {
    ux &= 0xFFFFFFFFFFFFFFFF >> 12;
    ux |= (1 as u64) << 52;
  }
  if (ey == 0) {
    ey -= clz<u64>(uy << 12) as i64;
    uy <<= (1 - ey) as u64;
  } else {
    uy &= 0xFFFFFFFFFFFFFFFF >> 12;
    uy |= (1 as u64) << 52;
  }
  while (ex > ey) {
    if (ux >= uy) {
      if (ux == uy) return 0 * x;
      ux -= uy;
    }
    ux <<= 1;
    ex--;
  }
  if (ux >= uy) {
    if (ux == uy) return 0 * x;
    ux -= uy;
  }
  let shift = clz<u64>(ux << 11);
  ex -= shift as i64;
  ux <<= shift;
  if (ex > 0) {
    ux -= (1 as u64) << 52;
    ux |= (ex as u64) << 52;
  } else {
    ux >>= (-ex + 1) as u64;
  }
  return f64.reinterpret_i64((ux | (sx << 63)) as i64);
}
