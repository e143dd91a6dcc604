// Mathf of AssemblyScript 0.28 (`NativeMathf` and the f32 table-driven
// functions of util/math.ts), ported from musl as math.ts is: the f32
// versions of the Math functions, with AssemblyScript's results bit for
// bit. Names start with `__mathf_` (no heap needed).

let __mathf_rempio2f_y: f64 = 0;

function __mathf_R(z: f32): f32 { // (asin(x)-x)/x^3, musl/src/math/asinf.c, SUN
  const pS0 = f32.reinterpret_i32(0x3E2AAA75);
  const pS1 = f32.reinterpret_i32(0xBD2F13BA);
  const pS2 = f32.reinterpret_i32(0xBC0DD36B);
  const qS1 = f32.reinterpret_i32(0xBF34E5AE);
  let p = z * (pS0 + z * (pS1 + z * pS2));
  let q: f32 = 1 + z * qS1;
  return p / q;
}

// exp(x)/2 for x >= log(FLT_MAX), musl/src/math/__expo2f.c
function __mathf_expo2(x: f32, sign: f32): f32 {
  const kln2 = f32.reinterpret_i32(0x4322E3BC);
  // k = 235: scale = bits (0x7F + (k >> 1)) << 23.
  const scale = f32.reinterpret_i32(0x7A000000);
  return __mathf_exp(x - kln2) * (sign * scale) * scale;
}

function __mathf_pio2_large_quot(x: f32, u: i32): i32 { // jdh8/metallic rem_pio2f.c
  const coeff = f64.reinterpret_i64(0x3BF921FB54442D18);
  let offset = (u >> 23) - 152;
  let shift: u64 = (offset & 63) as u64;
  let tblPtr: u32 = __MATHF_PIO2F_TABLE + ((offset >> 6) << 3);
  let b0: u64 = __load64(tblPtr);
  let b1: u64 = __load64(tblPtr + 8);
  let lo: u64 = 0;
  if (shift > 32) {
    let b2: u64 = __load64(tblPtr + 16);
    lo = b2 >> (96 - shift);
    lo |= b1 << (shift - 32);
  } else {
    lo = b1 >> (32 - shift);
  }
  let hi: u64 = (b1 >> (64 - shift)) | (b0 << shift);
  let mantissa: u64 = ((u & 0x007FFFFF) | 0x00800000) as u64;
  let product: u64 = mantissa * hi + ((mantissa * lo) >> 32);
  let r: i64 = (product << 2) as i64;
  let q = ((product >> 62) + ((r as u64) >>> 63)) as i32;
  __mathf_rempio2f_y = f64.copysign(coeff, x) * (r as f64);
  return q;
}

function __mathf_rempio2(x: f32, u: u32, sign: i32): i32 { // jdh8/metallic rem_pio2f.c
  const pi2hi = f64.reinterpret_i64(0x3FF921FB50000000);
  const pi2lo = f64.reinterpret_i64(0x3E5110B4611A6263);
  const _2_pi = f64.reinterpret_i64(0x3FE45F306DC9C883);
  if (u < 0x4DC90FDB) { // pi * 0x1p28
    let q = f64.nearest(x * _2_pi);
    __mathf_rempio2f_y = x - q * pi2hi - q * pi2lo;
    return q as i32;
  }
  let q = __mathf_pio2_large_quot(x, u as i32);
  return sign != 0 ? -q : q;
}

function __mathf_sin_kern(x: f64): f32 { // musl/src/math/__sindf.c
  const S1 = f64.reinterpret_i64(0xBFC5555554CBAC77);
  const S2 = f64.reinterpret_i64(0x3F811110896EFBB2);
  const S3 = f64.reinterpret_i64(0xBF2A00F9E2CAE774);
  const S4 = f64.reinterpret_i64(0x3EC6CD878C3B46A7);
  let z = x * x;
  let w = z * z;
  let r = S3 + z * S4;
  let s = z * x;
  return ((x + s * (S1 + z * S2)) + s * w * r) as f32;
}

function __mathf_cos_kern(x: f64): f32 { // musl/src/math/__cosdf.c
  const C0 = f64.reinterpret_i64(0xBFDFFFFFFD0C5E81);
  const C1 = f64.reinterpret_i64(0x3FA55553E1053A42);
  const C2 = f64.reinterpret_i64(0xBF56C087E80F1E27);
  const C3 = f64.reinterpret_i64(0x3EF99342E0EE5069);
  let z = x * x;
  let w = z * z;
  let r = C2 + z * C3;
  return (((1 + z * C0) + w * C1) + (w * z) * r) as f32;
}

function __mathf_tan_kern(x: f64, odd: i32): f32 { // musl/src/math/__tandf.c
  const T0 = f64.reinterpret_i64(0x3FD5554D3418C99F);
  const T1 = f64.reinterpret_i64(0x3FC112FD38999F72);
  const T2 = f64.reinterpret_i64(0x3FAB54C91D865AFE);
  const T3 = f64.reinterpret_i64(0x3F991DF3908C33CE);
  const T4 = f64.reinterpret_i64(0x3F685DADFCECF44E);
  const T5 = f64.reinterpret_i64(0x3F8362B9BF971BCD);
  let z = x * x;
  let r = T4 + z * T5;
  let t = T2 + z * T3;
  let w = z * z;
  let s = z * x;
  let u = T0 + z * T1;
  r = (x + s * u) + (s * w) * (t + w * r);
  return (odd != 0 ? -1 / r : r) as f32;
}

function __mathf_acos(x: f32): f32 { // musl/src/math/acosf.c, SUN
  const pio2_hi = f32.reinterpret_i32(0x3FC90FDA);
  const pio2_lo = f32.reinterpret_i32(0x33A22168);
  const Ox1p_120f = f32.reinterpret_i32(0x03800000);
  let hx: u32 = i32.reinterpret_f32(x);
  let ix: u32 = hx & 0x7FFFFFFF;
  if (ix >= 0x3F800000) {
    if (ix == 0x3F800000) {
      return (hx as i32) < 0 ? 2 * pio2_hi + Ox1p_120f : 0;
    }
    return 0 / (x - x);
  }
  if (ix < 0x3F000000) {
    if (ix <= 0x32800000) return pio2_hi + Ox1p_120f;
    return pio2_hi - (x - (pio2_lo - x * __mathf_R(x * x)));
  }
  let z: f32 = 0;
  let w: f32 = 0;
  let s: f32 = 0;
  if ((hx as i32) < 0) {
    z = 0.5 + x * 0.5;
    s = f32.sqrt(z);
    w = __mathf_R(z) * s - pio2_lo;
    return 2 * (pio2_hi - (s + w));
  }
  z = 0.5 - x * 0.5;
  s = f32.sqrt(z);
  hx = i32.reinterpret_f32(s);
  let df = f32.reinterpret_i32(hx & 0xFFFFF000);
  let c = (z - df * df) / (s + df);
  w = __mathf_R(z) * s + c;
  return 2 * (df + w);
}

function __mathf_acosh(x: f32): f32 { // musl/src/math/acoshf.c
  const s = f32.reinterpret_i32(0x3F317218);
  let u: u32 = i32.reinterpret_f32(x);
  let a: u32 = u & 0x7FFFFFFF;
  if (a < 0x3F800000 + (1 << 23)) {
    let xm1 = x - 1;
    return __mathf_log1p(xm1 + f32.sqrt(xm1 * (xm1 + 2)));
  }
  if (u < 0x3F800000 + (12 << 23)) {
    return __mathf_log(2 * x - 1 / (x + f32.sqrt(x * x - 1)));
  }
  return __mathf_log(x) + s;
}

function __mathf_asin(x: f32): f32 { // musl/src/math/asinf.c, SUN
  const pio2 = f32.reinterpret_i32(0x3FC90FDB);
  const Ox1p_120f = f32.reinterpret_i32(0x03800000);
  let sx = x;
  let hx: u32 = i32.reinterpret_f32(x) & 0x7FFFFFFF;
  if (hx >= 0x3F800000) {
    if (hx == 0x3F800000) return x * pio2 + Ox1p_120f;
    return 0 / (x - x);
  }
  if (hx < 0x3F000000) {
    if (hx < 0x39800000 && hx >= 0x00800000) return x;
    return x + x * __mathf_R(x * x);
  }
  let z: f32 = 0.5 - f32.abs(x) * 0.5;
  let s = f64.sqrt(z as f64); // sic: f64
  x = (pio2 - 2 * (s + s * __mathf_R(z))) as f32;
  return f32.copysign(x, sx);
}

function __mathf_asinh(x: f32): f32 { // musl/src/math/asinhf.c
  const c = f32.reinterpret_i32(0x3F317218);
  let u: u32 = i32.reinterpret_f32(x) & 0x7FFFFFFF;
  let y = f32.reinterpret_i32(u);
  if (u >= 0x3F800000 + (12 << 23)) {
    y = __mathf_log(y) + c;
  } else if (u >= 0x3F800000 + (1 << 23)) {
    y = __mathf_log(2 * y + 1 / (f32.sqrt(y * y + 1) + y));
  } else if (u >= 0x3F800000 - (12 << 23)) {
    y = __mathf_log1p(y + y * y / (f32.sqrt(y * y + 1) + 1));
  }
  return f32.copysign(y, x);
}

function __mathf_atan(x: f32): f32 { // musl/src/math/atanf.c, SUN
  const atanhi0 = f32.reinterpret_i32(0x3EED6338);
  const atanhi1 = f32.reinterpret_i32(0x3F490FDA);
  const atanhi2 = f32.reinterpret_i32(0x3F7B985E);
  const atanhi3 = f32.reinterpret_i32(0x3FC90FDA);
  const atanlo0 = f32.reinterpret_i32(0x31AC3769);
  const atanlo1 = f32.reinterpret_i32(0x33222168);
  const atanlo2 = f32.reinterpret_i32(0x33140FB4);
  const atanlo3 = f32.reinterpret_i32(0x33A22168);
  const aT0 = f32.reinterpret_i32(0x3EAAAAA9);
  const aT1 = f32.reinterpret_i32(0xBE4CCA98);
  const aT2 = f32.reinterpret_i32(0x3E11F50D);
  const aT3 = f32.reinterpret_i32(0xBDDA1247);
  const aT4 = f32.reinterpret_i32(0x3D7CAC25);
  const Ox1p_120f = f32.reinterpret_i32(0x03800000);
  let ix: u32 = i32.reinterpret_f32(x);
  let sx = x;
  ix &= 0x7FFFFFFF;
  let z: f32 = 0;
  if (ix >= 0x4C800000) {
    if (x != x) return x;
    z = atanhi3 + Ox1p_120f;
    return f32.copysign(z, sx);
  }
  let id = 0;
  if (ix < 0x3EE00000) {
    if (ix < 0x39800000) return x;
    id = -1;
  } else {
    x = f32.abs(x);
    if (ix < 0x3F980000) {
      if (ix < 0x3F300000) {
        id = 0;
        x = (2.0 * x - 1.0) / (2.0 + x);
      } else {
        id = 1;
        x = (x - 1.0) / (x + 1.0);
      }
    } else {
      if (ix < 0x401C0000) {
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
  let s1 = z * (aT0 + w * (aT2 + w * aT4));
  let s2 = w * (aT1 + w * aT3);
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
  return f32.copysign(z, sx);
}

function __mathf_atanh(x: f32): f32 { // musl/src/math/atanhf.c
  let u: u32 = i32.reinterpret_f32(x);
  let y = f32.abs(x);
  if (u < 0x3F800000 - (1 << 23)) {
    if (u >= 0x3F800000 - (32 << 23)) y = 0.5 * __mathf_log1p(2 * y * (1.0 + y / (1 - y)));
  } else {
    y = 0.5 * __mathf_log1p(2 * (y / (1 - y)));
  }
  return f32.copysign(y, x);
}

function __mathf_atan2(y: f32, x: f32): f32 { // musl/src/math/atan2f.c, SUN
  const pi = f32.reinterpret_i32(0x40490FDB);
  const pi_lo = f32.reinterpret_i32(0xB3BBBD2E);
  if (x != x || y != y) return x + y;
  let ix: u32 = i32.reinterpret_f32(x);
  let iy: u32 = i32.reinterpret_f32(y);
  if (ix == 0x3F800000) return __mathf_atan(y);
  let m: u32 = ((iy >> 31) & 1) | ((ix >> 30) & 2);
  ix &= 0x7FFFFFFF;
  iy &= 0x7FFFFFFF;
  if (iy == 0) {
    if (m == 0 || m == 1) return y;
    if (m == 2) return pi;
    if (m == 3) return -pi;
  }
  if (ix == 0) return (m & 1) != 0 ? -pi / 2 : pi / 2;
  if (ix == 0x7F800000) {
    if (iy == 0x7F800000) {
      let t: f32 = (m & 2) != 0 ? 3 * pi / 4 : pi / 4;
      return (m & 1) != 0 ? -t : t;
    } else {
      let t: f32 = (m & 2) != 0 ? pi : 0.0;
      return (m & 1) != 0 ? -t : t;
    }
  }
  if (ix + (26 << 23) < iy || iy == 0x7F800000) return (m & 1) != 0 ? -pi / 2 : pi / 2;
  let z: f32 = 0;
  if ((m & 2) != 0 && iy + (26 << 23) < ix) {
    z = 0.0;
  } else {
    z = __mathf_atan(f32.abs(y / x));
  }
  if (m == 0) return z;
  if (m == 1) return -z;
  if (m == 2) return pi - (z - pi_lo);
  return (z - pi_lo) - pi;
}

function __mathf_cbrt(x: f32): f32 { // musl/src/math/cbrtf.c, SUN
  const B1: u32 = 709958130;
  const B2: u32 = 642849266;
  const Ox1p24f = f32.reinterpret_i32(0x4B800000);
  let u: u32 = i32.reinterpret_f32(x);
  let hx: u32 = u & 0x7FFFFFFF;
  if (hx >= 0x7F800000) return x + x;
  if (hx < 0x00800000) {
    if (hx == 0) return x;
    u = i32.reinterpret_f32(x * Ox1p24f);
    hx = u & 0x7FFFFFFF;
    hx = hx / 3 + B2;
  } else {
    hx = hx / 3 + B1;
  }
  u &= 0x80000000;
  u |= hx;
  let t = f32.reinterpret_i32(u) as f64;
  let r = t * t * t;
  t = t * ((x as f64) + x + r) / (x + r + r);
  r = t * t * t;
  t = t * ((x as f64) + x + r) / (x + r + r);
  return t as f32;
}

function __mathf_clz32(x: f32): f32 {
  if (x - x != 0) return 32;
  return i32.clz(__math_dtoi32(x)) as f32;
}

function __mathf_cos(x: f32): f32 { // musl/src/math/cosf.c
  const c1pio2 = f64.reinterpret_i64(0x3FF921FB54442D18);
  const c2pio2 = f64.reinterpret_i64(0x400921FB54442D18);
  const c3pio2 = f64.reinterpret_i64(0x4012D97C7F3321D2);
  const c4pio2 = f64.reinterpret_i64(0x401921FB54442D18);
  let ux: u32 = i32.reinterpret_f32(x);
  let sign: u32 = ux >> 31;
  ux &= 0x7FFFFFFF;
  if (ux <= 0x3F490FDA) {
    if (ux < 0x39800000) return 1;
    return __mathf_cos_kern(x);
  }
  if (ux <= 0x407B53D1) {
    if (ux > 0x4016CBE3) {
      return -__mathf_cos_kern(sign != 0 ? x + c2pio2 : x - c2pio2);
    } else {
      return sign != 0 ? __mathf_sin_kern(x + c1pio2) : __mathf_sin_kern(c1pio2 - x);
    }
  }
  if (ux <= 0x40E231D5) {
    if (ux > 0x40AFEDDF) {
      return __mathf_cos_kern(sign != 0 ? x + c4pio2 : x - c4pio2);
    } else {
      return sign != 0 ? __mathf_sin_kern(-x - c3pio2) : __mathf_sin_kern(x - c3pio2);
    }
  }
  if (ux >= 0x7F800000) return x - x;
  let n = __mathf_rempio2(x, ux, sign);
  let y = __mathf_rempio2f_y;
  let t = (n & 1) != 0 ? __mathf_sin_kern(y) : __mathf_cos_kern(y);
  return ((n + 1) & 2) != 0 ? -t : t;
}

function __mathf_cosh(x: f32): f32 { // musl/src/math/coshf.c
  let u: u32 = i32.reinterpret_f32(x);
  u &= 0x7FFFFFFF;
  x = f32.reinterpret_i32(u);
  if (u < 0x3F317217) {
    if (u < 0x3F800000 - (12 << 23)) return 1;
    let t = __mathf_expm1(x);
    return 1 + t * t / (2 + 2 * t);
  }
  if (u < 0x42B17217) {
    let t = __mathf_exp(x);
    return 0.5 * t + 0.5 / t;
  }
  return __mathf_expo2(x, 1);
}

function __mathf_expm1(x: f32): f32 { // musl/src/math/expm1f.c, SUN
  const ln2_hi = f32.reinterpret_i32(0x3F317180);
  const ln2_lo = f32.reinterpret_i32(0x3717F7D1);
  const invln2 = f32.reinterpret_i32(0x3FB8AA3B);
  const Q1 = f32.reinterpret_i32(0xBD088868);
  const Q2 = f32.reinterpret_i32(0x3ACF3010);
  const Ox1p127f = f32.reinterpret_i32(0x7F000000);
  let u: u32 = i32.reinterpret_f32(x);
  let hx: u32 = u & 0x7FFFFFFF;
  let sign: u32 = u >> 31;
  if (hx >= 0x4195B844) {
    if (hx > 0x7F800000) return x;
    if (sign != 0) return -1;
    if (hx > 0x42B17217) {
      x *= Ox1p127f;
      return x;
    }
  }
  let c: f32 = 0.0;
  let t: f32 = 0;
  let k = 0;
  if (hx > 0x3EB17218) {
    k = hx < 0x3F851592 ? (1 - (sign << 1)) as i32 : (invln2 * x + f32.copysign(0.5, x)) as i32;
    t = k as f32;
    let hi = x - t * ln2_hi;
    let lo = t * ln2_lo;
    x = hi - lo;
    c = (hi - x) - lo;
  } else if (hx < 0x33000000) {
    return x;
  } else {
    k = 0;
  }
  let hfx: f32 = 0.5 * x;
  let hxs: f32 = x * hfx;
  let r1: f32 = 1.0 + hxs * (Q1 + hxs * Q2);
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
  u = ((0x7F + k) << 23) as u32;
  let twopk = f32.reinterpret_i32(u);
  let y: f32 = 0;
  if (k < 0 || k > 56) {
    y = x - e + 1.0;
    if (k == 128) {
      y = y * 2.0 * Ox1p127f;
    } else {
      y = y * twopk;
    }
    return y - 1.0;
  }
  u = ((0x7F - k) << 23) as u32;
  y = f32.reinterpret_i32(u);
  if (k < 20) {
    y = (1 - y) - e;
  } else {
    y = 1 - (e + y);
  }
  return (x + y) * twopk;
}

function __mathf_hypot(x: f32, y: f32): f32 { // musl/src/math/hypotf.c
  const Ox1p90f = f32.reinterpret_i32(0x6C800000);
  const Ox1p_90f = f32.reinterpret_i32(0x12800000);
  let ux: u32 = i32.reinterpret_f32(x);
  let uy: u32 = i32.reinterpret_f32(y);
  ux &= 0x7FFFFFFF;
  uy &= 0x7FFFFFFF;
  if (ux < uy) {
    let ut = ux;
    ux = uy;
    uy = ut;
  }
  x = f32.reinterpret_i32(ux);
  y = f32.reinterpret_i32(uy);
  if (uy == (0xFF << 23)) return y;
  if (ux >= (0xFF << 23) || uy == 0 || ux - uy >= (25 << 23)) return x + y;
  let z: f32 = 1;
  if (ux >= ((0x7F + 60) << 23)) {
    z = Ox1p90f;
    x *= Ox1p_90f;
    y *= Ox1p_90f;
  } else if (uy < ((0x7F - 60) << 23)) {
    z = Ox1p_90f;
    x *= Ox1p90f;
    y *= Ox1p90f;
  }
  return z * f32.sqrt(((x as f64) * x + (y as f64) * y) as f32);
}

function __mathf_imul(x: f32, y: f32): f32 {
  let s = x + y;
  if (s - s != 0) return 0;
  return (__math_dtoi32(x) * __math_dtoi32(y)) as f32;
}

function __mathf_log10(x: f32): f32 { // musl/src/math/log10f.c, SUN
  const ivln10hi = f32.reinterpret_i32(0x3EDE6000);
  const ivln10lo = f32.reinterpret_i32(0xB804EAD9);
  const log10_2hi = f32.reinterpret_i32(0x3E9A2080);
  const log10_2lo = f32.reinterpret_i32(0x355427DB);
  const Lg1 = f32.reinterpret_i32(0x3F2AAAAA);
  const Lg2 = f32.reinterpret_i32(0x3ECCCE13);
  const Lg3 = f32.reinterpret_i32(0x3E91E9EE);
  const Lg4 = f32.reinterpret_i32(0x3E789E26);
  const Ox1p25f = f32.reinterpret_i32(0x4C000000);
  let ux: u32 = i32.reinterpret_f32(x);
  let k = 0;
  let sign: u32 = ux >> 31;
  if (sign != 0 || ux < 0x00800000) {
    if ((ux << 1) == 0) return -1 / (x * x);
    if (sign != 0) return (x - x) / 0.0;
    k -= 25;
    x *= Ox1p25f;
    ux = i32.reinterpret_f32(x);
  } else if (ux >= 0x7F800000) {
    return x;
  } else if (ux == 0x3F800000) {
    return 0;
  }
  ux += 0x3F800000 - 0x3F3504F3;
  k += ((ux >> 23) as i32) - 0x7F;
  ux = (ux & 0x007FFFFF) + 0x3F3504F3;
  x = f32.reinterpret_i32(ux);
  let f = x - 1.0;
  let s = f / (2.0 + f);
  let z = s * s;
  let w = z * z;
  let t1 = w * (Lg2 + w * Lg4);
  let t2 = z * (Lg1 + w * Lg3);
  let r = t2 + t1;
  let hfsq: f32 = 0.5 * f * f;
  let hi = f - hfsq;
  ux = i32.reinterpret_f32(hi);
  ux &= 0xFFFFF000;
  hi = f32.reinterpret_i32(ux);
  let lo = f - hi - hfsq + s * (hfsq + r);
  let dk = k as f32;
  return dk * log10_2lo + (lo + hi) * ivln10lo + lo * ivln10hi + hi * ivln10hi + dk * log10_2hi;
}

function __mathf_log1p(x: f32): f32 { // musl/src/math/log1pf.c, SUN
  const ln2_hi = f32.reinterpret_i32(0x3F317180);
  const ln2_lo = f32.reinterpret_i32(0x3717F7D1);
  const Lg1 = f32.reinterpret_i32(0x3F2AAAAA);
  const Lg2 = f32.reinterpret_i32(0x3ECCCE13);
  const Lg3 = f32.reinterpret_i32(0x3E91E9EE);
  const Lg4 = f32.reinterpret_i32(0x3E789E26);
  let ix: u32 = i32.reinterpret_f32(x);
  let c: f32 = 0;
  let f: f32 = 0;
  let k = 1;
  if (ix < 0x3ED413D0 || (ix >> 31) != 0) {
    if (ix >= 0xBF800000) {
      if (x == -1) return x / 0.0;
      return (x - x) / 0.0;
    }
    if ((ix << 1) < (0x33800000 << 1)) return x;
    if (ix <= 0xBE95F619) {
      k = 0;
      c = 0;
      f = x;
    }
  } else if (ix >= 0x7F800000) {
    return x;
  }
  if (k != 0) {
    let uf: f32 = 1 + x;
    let iu: u32 = i32.reinterpret_f32(uf);
    iu += 0x3F800000 - 0x3F3504F3;
    k = ((iu >> 23) as i32) - 0x7F;
    if (k < 25) {
      c = k >= 2 ? 1 - (uf - x) : x - (uf - 1);
      c /= uf;
    } else {
      c = 0;
    }
    iu = (iu & 0x007FFFFF) + 0x3F3504F3;
    f = f32.reinterpret_i32(iu) - 1;
  }
  let s = f / (2.0 + f);
  let z = s * s;
  let w = z * z;
  let t1 = w * (Lg2 + w * Lg4);
  let t2 = z * (Lg1 + w * Lg3);
  let r = t2 + t1;
  let hfsq: f32 = 0.5 * f * f;
  let dk = k as f32;
  return s * (hfsq + r) + (dk * ln2_lo + c) - hfsq + f + dk * ln2_hi;
}

function __mathf_pow(x: f32, y: f32): f32 {
  if (f32.abs(y) <= 2) {
    if (y == 2.0) return x * x;
    if (y == 0.5) {
      return x != -Infinity ? f32.abs(f32.sqrt(x)) : Infinity;
    }
    if (y == -1.0) return 1 / x;
    if (y == 1.0) return x;
    if (y == 0.0) return 1.0;
  }
  return __mathf_pow_lut(x, y);
}

function __mathf_round(x: f32): f32 {
  let up = f32.ceil(x);
  return up - 0.5 <= x ? up : up - 1.0;
}

function __mathf_sign(x: f32): f32 {
  return x > 0 ? 1 : (x < 0 ? -1 : x);
}

function __mathf_sin(x: f32): f32 { // musl/src/math/sinf.c
  const s1pio2 = f64.reinterpret_i64(0x3FF921FB54442D18);
  const s2pio2 = f64.reinterpret_i64(0x400921FB54442D18);
  const s3pio2 = f64.reinterpret_i64(0x4012D97C7F3321D2);
  const s4pio2 = f64.reinterpret_i64(0x401921FB54442D18);
  let ux: u32 = i32.reinterpret_f32(x);
  let sign: u32 = ux >> 31;
  ux &= 0x7FFFFFFF;
  if (ux <= 0x3F490FDA) {
    if (ux < 0x39800000) return x;
    return __mathf_sin_kern(x);
  }
  if (ux <= 0x407B53D1) {
    if (ux <= 0x4016CBE3) {
      return sign != 0 ? -__mathf_cos_kern(x + s1pio2) : __mathf_cos_kern(x - s1pio2);
    }
    return __mathf_sin_kern(-(sign != 0 ? x + s2pio2 : x - s2pio2));
  }
  if (ux <= 0x40E231D5) {
    if (ux <= 0x40AFEDDF) {
      return sign != 0 ? __mathf_cos_kern(x + s3pio2) : -__mathf_cos_kern(x - s3pio2);
    }
    return __mathf_sin_kern(sign != 0 ? x + s4pio2 : x - s4pio2);
  }
  if (ux >= 0x7F800000) return x - x;
  let n = __mathf_rempio2(x, ux, sign);
  let y = __mathf_rempio2f_y;
  let t = (n & 1) != 0 ? __mathf_cos_kern(y) : __mathf_sin_kern(y);
  return (n & 2) != 0 ? -t : t;
}

function __mathf_sinh(x: f32): f32 { // musl/src/math/sinhf.c
  let u: u32 = i32.reinterpret_f32(x) & 0x7FFFFFFF;
  let a = f32.reinterpret_i32(u);
  let h = f32.copysign(0.5, x);
  if (u < 0x42B17217) {
    let t = __mathf_expm1(a);
    if (u < 0x3F800000) {
      if (u < 0x3F800000 - (12 << 23)) return x;
      return h * (2 * t - t * t / (t + 1));
    }
    return h * (t + t / (t + 1));
  }
  return __mathf_expo2(a, 2 * h);
}

function __mathf_tan(x: f32): f32 { // musl/src/math/tanf.c
  const t1pio2 = f64.reinterpret_i64(0x3FF921FB54442D18);
  const t2pio2 = f64.reinterpret_i64(0x400921FB54442D18);
  const t3pio2 = f64.reinterpret_i64(0x4012D97C7F3321D2);
  const t4pio2 = f64.reinterpret_i64(0x401921FB54442D18);
  let ux: u32 = i32.reinterpret_f32(x);
  let sign: u32 = ux >> 31;
  ux &= 0x7FFFFFFF;
  if (ux <= 0x3F490FDA) {
    if (ux < 0x39800000) return x;
    return __mathf_tan_kern(x, 0);
  }
  if (ux <= 0x407B53D1) {
    if (ux <= 0x4016CBE3) {
      return __mathf_tan_kern(sign != 0 ? x + t1pio2 : x - t1pio2, 1);
    } else {
      return __mathf_tan_kern(sign != 0 ? x + t2pio2 : x - t2pio2, 0);
    }
  }
  if (ux <= 0x40E231D5) {
    if (ux <= 0x40AFEDDF) {
      return __mathf_tan_kern(sign != 0 ? x + t3pio2 : x - t3pio2, 1);
    } else {
      return __mathf_tan_kern(sign != 0 ? x + t4pio2 : x - t4pio2, 0);
    }
  }
  if (ux >= 0x7F800000) return x - x;
  let n = __mathf_rempio2(x, ux, sign);
  let y = __mathf_rempio2f_y;
  return __mathf_tan_kern(y, n & 1);
}

function __mathf_tanh(x: f32): f32 { // musl/src/math/tanhf.c
  let u: u32 = i32.reinterpret_f32(x);
  u &= 0x7FFFFFFF;
  let y = f32.reinterpret_i32(u);
  let t: f32 = 0;
  if (u > 0x3F0C9F54) {
    if (u > 0x41200000) {
      t = 1 + 0 / y;
    } else {
      t = __mathf_expm1(2 * y);
      t = 1 - 2 / (t + 2);
    }
  } else if (u > 0x3E82C578) {
    t = __mathf_expm1(2 * y);
    t = t / (t + 2);
  } else if (u >= 0x00800000) {
    t = __mathf_expm1(-2 * y);
    t = -t / (t + 2);
  } else {
    t = y;
  }
  return f32.copysign(t, x);
}

// Table-driven expf, exp2f, logf, log2f and powf (musl).

function __mathf_exp2(x: f32): f32 {
  const shift = f64.reinterpret_i64(0x4338000000000000) / 32;
  const Ox127f = f32.reinterpret_i32(0x7F000000);
  const C0 = f64.reinterpret_i64(0x3FAC6AF84B912394);
  const C1 = f64.reinterpret_i64(0x3FCEBFCE50FAC4F3);
  const C2 = f64.reinterpret_i64(0x3FE62E42FF0C52D6);
  let xd = x as f64;
  let ix: u32 = i32.reinterpret_f32(x);
  let ux: u32 = (ix >> 20) & 0x7FF;
  if (ux >= 0x430) {
    if (ix == 0xFF800000) return 0;
    if (ux >= 0x7F8) return x + x;
    if (x > 0) return x * Ox127f;
    if (x <= -150) return 0;
  }
  let kd = xd + shift;
  let ki: u64 = i64.reinterpret_f64(kd);
  let r = xd - (kd - shift);
  let t: u64 = __load64(__MATHF_EXP2F_DATA_TAB + (((ki as u32) & 31) << 3));
  t += ki << 47;
  let s = f64.reinterpret_i64(t as i64);
  let y = C2 * r + 1;
  y += (C0 * r + C1) * (r * r);
  y *= s;
  return y as f32;
}

function __mathf_exp(x: f32): f32 {
  const shift = f64.reinterpret_i64(0x4338000000000000);
  const InvLn2N = f64.reinterpret_i64(0x3FF71547652B82FE) * 32;
  const Ox1p127f = f32.reinterpret_i32(0x7F000000);
  const C0 = f64.reinterpret_i64(0x3FAC6AF84B912394) / 32 / 32 / 32;
  const C1 = f64.reinterpret_i64(0x3FCEBFCE50FAC4F3) / 32 / 32;
  const C2 = f64.reinterpret_i64(0x3FE62E42FF0C52D6) / 32;
  let xd = x as f64;
  let ix: u32 = i32.reinterpret_f32(x);
  let ux: u32 = (ix >> 20) & 0x7FF;
  if (ux >= 0x42B) {
    if (ix == 0xFF800000) return 0;
    if (ux >= 0x7F8) return x + x;
    if (x > f32.reinterpret_i32(0x42B17217)) return x * Ox1p127f;
    if (x < f32.reinterpret_i32(0xC2CFF1B4)) return 0;
  }
  let z = InvLn2N * xd;
  let kd = z + shift;
  let ki: u64 = i64.reinterpret_f64(kd);
  let r = z - (kd - shift);
  let t: u64 = __load64(__MATHF_EXP2F_DATA_TAB + (((ki as u32) & 31) << 3));
  t += ki << 47;
  let s = f64.reinterpret_i64(t as i64);
  z = C0 * r + C1;
  let y = C2 * r + 1;
  y += z * (r * r);
  y *= s;
  return y as f32;
}

function __mathf_log2(x: f32): f32 {
  const Ox1p23f = f32.reinterpret_i32(0x4B000000);
  const A0 = f64.reinterpret_i64(0xBFD712B6F70A7E4D);
  const A1 = f64.reinterpret_i64(0x3FDECABF496832E0);
  const A2 = f64.reinterpret_i64(0xBFE715479FFAE3DE);
  const A3 = f64.reinterpret_i64(0x3FF715475F35C8B8);
  let ux: u32 = i32.reinterpret_f32(x);
  if (ux - 0x00800000 >= 0x7F800000 - 0x00800000) {
    if (ux * 2 == 0) return -Infinity;
    if (ux == 0x7F800000) return x;
    if ((ux >> 31) != 0 || ux * 2 >= 0xFF000000) return (x - x) / (x - x);
    ux = i32.reinterpret_f32(x * Ox1p23f);
    ux -= 23 << 23;
  }
  let tmp: u32 = ux - 0x3F330000;
  let i: u32 = (tmp >> 19) & 15;
  let top: u32 = tmp & 0xFF800000;
  let iz: u32 = ux - top;
  let k = (tmp as i32) >> 23;
  let invc = __loadf64(__MATHF_LOG2F_DATA_TAB + (i << 4));
  let logc = __loadf64(__MATHF_LOG2F_DATA_TAB + (i << 4) + 8);
  let z = f32.reinterpret_i32(iz) as f64;
  let r = z * invc - 1;
  let y0 = logc + (k as f64);
  let y = A1 * r + A2;
  let p = A3 * r + y0;
  let r2 = r * r;
  y += A0 * r2;
  y = y * r2 + p;
  return y as f32;
}

function __mathf_log(x: f32): f32 {
  const Ox1p23f = f32.reinterpret_i32(0x4B000000);
  const Ln2 = f64.reinterpret_i64(0x3FE62E42FEFA39EF);
  const A0 = f64.reinterpret_i64(0xBFD00EA348B88334);
  const A1 = f64.reinterpret_i64(0x3FD5575B0BE00B6A);
  const A2 = f64.reinterpret_i64(0xBFDFFFFEF20A4123);
  let ux: u32 = i32.reinterpret_f32(x);
  if (ux - 0x00800000 >= 0x7F800000 - 0x00800000) {
    if ((ux << 1) == 0) return -Infinity;
    if (ux == 0x7F800000) return x;
    if ((ux >> 31) != 0 || (ux << 1) >= 0xFF000000) return (x - x) / (x - x);
    ux = i32.reinterpret_f32(x * Ox1p23f);
    ux -= 23 << 23;
  }
  let tmp: u32 = ux - 0x3F330000;
  let i: u32 = (tmp >> 19) & 15;
  let k = (tmp as i32) >> 23;
  let iz: u32 = ux - (tmp & 0xFF800000);
  let invc = __loadf64(__MATHF_LOGF_DATA_TAB + (i << 4));
  let logc = __loadf64(__MATHF_LOGF_DATA_TAB + (i << 4) + 8);
  let z = f32.reinterpret_i32(iz) as f64;
  let r = z * invc - 1;
  let y0 = logc + (k as f64) * Ln2;
  let r2 = r * r;
  let y = A1 * r + A2;
  y += A0 * r2;
  y = y * r2 + (y0 + r);
  return y as f32;
}

// Whether ux is the bits of 0, infinity or NaN.
function __mathf_zeroinfnan(ux: u32): bool {
  return (ux << 1) - 1 >= (0x7F800000 << 1) - 1;
}

// 0 if not an integer, 1 if odd, 2 if even (iy: a non-zero finite value's bits).
function __mathf_checkint(iy: u32): i32 {
  let e: u32 = (iy >> 23) & 0xFF;
  if (e < 0x7F) return 0;
  if (e > 0x7F + 23) return 2;
  e = (1 as u32) << (0x7F + 23 - e);
  if ((iy & (e - 1)) != 0) return 0;
  if ((iy & e) != 0) return 1;
  return 2;
}

function __mathf_log2_inline(ux: u32): f64 {
  const A0 = f64.reinterpret_i64(0x3FD27616C9496E0B);
  const A1 = f64.reinterpret_i64(0xBFD71969A075C67A);
  const A2 = f64.reinterpret_i64(0x3FDEC70A6CA7BADD);
  const A3 = f64.reinterpret_i64(0xBFE7154748BEF6C8);
  const A4 = f64.reinterpret_i64(0x3FF71547652AB82B);
  let tmp: u32 = ux - 0x3F330000;
  let i: u32 = (tmp >> 19) & 15;
  let top: u32 = tmp & 0xFF800000;
  let uz: u32 = ux - top;
  let k = (top as i32) >> 23;
  let invc = __loadf64(__MATHF_LOG2F_DATA_TAB + (i << 4));
  let logc = __loadf64(__MATHF_LOG2F_DATA_TAB + (i << 4) + 8);
  let z = f32.reinterpret_i32(uz) as f64;
  let r = z * invc - 1;
  let y0 = logc + (k as f64);
  let y = A0 * r + A1;
  let p = A2 * r + A3;
  let q = A4 * r + y0;
  r *= r;
  q += p * r;
  y = y * (r * r) + q;
  return y;
}

function __mathf_exp2_inline(xd: f64, signBias: u32): f32 {
  const shift = f64.reinterpret_i64(0x4338000000000000) / 32;
  const C0 = f64.reinterpret_i64(0x3FAC6AF84B912394);
  const C1 = f64.reinterpret_i64(0x3FCEBFCE50FAC4F3);
  const C2 = f64.reinterpret_i64(0x3FE62E42FF0C52D6);
  let kd = xd + shift;
  let ki: u64 = i64.reinterpret_f64(kd);
  let r = xd - (kd - shift);
  let t: u64 = __load64(__MATHF_EXP2F_DATA_TAB + (((ki as u32) & 31) << 3));
  t += (ki + signBias) << 47;
  let s = f64.reinterpret_i64(t as i64);
  let z = C0 * r + C1;
  let y = C2 * r + 1;
  y += z * (r * r);
  y *= s;
  return y as f32;
}

function __mathf_xflow(sign: u32, y: f32): f32 {
  return (sign != 0 ? -y : y) * y;
}

function __mathf_pow_lut(x: f32, y: f32): f32 {
  const Ox1p23f = f32.reinterpret_i32(0x4B000000);
  const UPPER_LIMIT = f64.reinterpret_i64(0x405FFFFFFFD1D571);
  const LOWER_LIMIT = -150.0;
  let signBias: u32 = 0;
  let ix: u32 = i32.reinterpret_f32(x);
  let iy: u32 = i32.reinterpret_f32(y);
  let ny = __mathf_zeroinfnan(iy);
  if (ix - 0x00800000 >= 0x7F800000 - 0x00800000 || ny) {
    if (ny) {
      if ((iy << 1) == 0) return 1.0;
      if (ix == 0x3F800000) return NaN;
      if ((ix << 1) > (0x7F800000 << 1) || (iy << 1) > (0x7F800000 << 1)) return x + y;
      if ((ix << 1) == (0x3F800000 << 1)) return NaN;
      if (((ix << 1) < (0x3F800000 << 1)) == ((iy >> 31) == 0)) return 0;
      return y * y;
    }
    if (__mathf_zeroinfnan(ix)) {
      let x2 = x * x;
      if ((ix >> 31) != 0 && __mathf_checkint(iy) == 1) x2 = -x2;
      return (iy as i32) < 0 ? 1 / x2 : x2;
    }
    if ((ix as i32) < 0) {
      let yint = __mathf_checkint(iy);
      if (yint == 0) return (x - x) / (x - x);
      if (yint == 1) signBias = 0x10000;
      ix &= 0x7FFFFFFF;
    }
    if (ix < 0x00800000) {
      ix = i32.reinterpret_f32(x * Ox1p23f);
      ix &= 0x7FFFFFFF;
      ix -= 23 << 23;
    }
  }
  let logx = __mathf_log2_inline(ix);
  let ylogx = y * logx;
  if (((i64.reinterpret_f64(ylogx) >> 47) & 0xFFFF) >= 0x80BF) {
    if (ylogx > UPPER_LIMIT) return __mathf_xflow(signBias, f32.reinterpret_i32(0x70000000));
    if (ylogx <= LOWER_LIMIT) return __mathf_xflow(signBias, f32.reinterpret_i32(0x10000000));
  }
  return __mathf_exp2_inline(ylogx, signBias);
}

// `x % y` for f32: AssemblyScript's `NativeMathf.mod` (musl's fmodf).
function __mathf_mod(x: f32, y: f32): f32 {
  if (f32.abs(y) == 1.0) {
    return f32.copysign(x - f32.trunc(x), x);
  }
  let ux = i32.reinterpret_f32(x) as u32;
  let uy = i32.reinterpret_f32(y) as u32;
  let ex = ((ux >> 23) & 0xFF) as i32;
  let ey = ((uy >> 23) & 0xFF) as i32;
  let sm = ux & 0x80000000;
  let uy1 = uy << 1;
  if (uy1 == 0 || ex == 0xFF || y != y) {
    let m = x * y;
    return m / m;
  }
  let ux1 = ux << 1;
  if (ux1 <= uy1) {
    return x * (ux1 != uy1 ? (1.0 as f32) : (0.0 as f32));
  }
  if (ex == 0) {
    ex -= clz<u32>(ux << 9) as i32;
    ux <<= (1 - ex) as u32;
  } else {
    ux &= 0xFFFFFFFF >> 9;
    ux |= (1 as u32) << 23;
  }
  if (ey == 0) {
    ey -= clz<u32>(uy << 9) as i32;
    uy <<= (1 - ey) as u32;
  } else {
    uy &= 0xFFFFFFFF >> 9;
    uy |= (1 as u32) << 23;
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
  let shift = clz<u32>(ux << 8) as i32;
  ex -= shift;
  ux <<= shift as u32;
  if (ex > 0) {
    ux -= (1 as u32) << 23;
    ux |= (ex as u32) << 23;
  } else {
    ux >>= (-ex + 1) as u32;
  }
  return f32.reinterpret_i32((ux | sm) as i32);
}
