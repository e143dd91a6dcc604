// Number to string for floats: AssemblyScript's `dtoa` (std/assembly/util/
// number.ts, Grisu2 after Florian Loitsch, "Printing Floating-Point Numbers
// Quickly and Accurately with Integers", 2010), ported to the subset. It
// prints what AssemblyScript prints: the shortest digits that read back as
// the same value in nearly every case, JavaScript's notation (`1e+21`,
// `1.5e-7`, `0.000001`), "NaN" and "Infinity", and, unlike JavaScript, a
// ".0" after integral values ("1.0", "0.0" for both zeros). `single` prints
// an f32 with f32's precision. Its functions are named `__dtoa*`, so they
// are checked and emitted only for programs that convert floats.

// 10^k for k in 0..20. AssemblyScript's table stops at 10^9 and the
// digit loop for fractions reads past it (asc 0.28.20 prints
// 0.30000000000000007 for 0.1 + 0.2); with the whole table, the result is
// JavaScript's 0.30000000000000004.
const __DTOA_POWERS10: u32 = __data_u64([
  0x0000000000000001, 0x000000000000000A, 0x0000000000000064, 0x00000000000003E8,
  0x0000000000002710, 0x00000000000186A0, 0x00000000000F4240, 0x0000000000989680,
  0x0000000005F5E100, 0x000000003B9ACA00, 0x00000002540BE400, 0x000000174876E800,
  0x000000E8D4A51000, 0x000009184E72A000, 0x00005AF3107A4000, 0x00038D7EA4C68000,
  0x002386F26FC10000, 0x016345785D8A0000, 0x0DE0B6B3A7640000, 0x8AC7230489E80000
]);

// Binary exponents of the cached powers of ten 1e-348, 1e-340, ..., 1e340
// (i16 values, sign-extended).
const __DTOA_EXP_POWERS: u32 = __data_u64([
  0xFFFFFFFFFFFFFB3C, 0xFFFFFFFFFFFFFB57, 0xFFFFFFFFFFFFFB72, 0xFFFFFFFFFFFFFB8C,
  0xFFFFFFFFFFFFFBA7, 0xFFFFFFFFFFFFFBC1, 0xFFFFFFFFFFFFFBDC, 0xFFFFFFFFFFFFFBF6,
  0xFFFFFFFFFFFFFC11, 0xFFFFFFFFFFFFFC2C, 0xFFFFFFFFFFFFFC46, 0xFFFFFFFFFFFFFC61,
  0xFFFFFFFFFFFFFC7B, 0xFFFFFFFFFFFFFC96, 0xFFFFFFFFFFFFFCB1, 0xFFFFFFFFFFFFFCCB,
  0xFFFFFFFFFFFFFCE6, 0xFFFFFFFFFFFFFD00, 0xFFFFFFFFFFFFFD1B, 0xFFFFFFFFFFFFFD35,
  0xFFFFFFFFFFFFFD50, 0xFFFFFFFFFFFFFD6B, 0xFFFFFFFFFFFFFD85, 0xFFFFFFFFFFFFFDA0,
  0xFFFFFFFFFFFFFDBA, 0xFFFFFFFFFFFFFDD5, 0xFFFFFFFFFFFFFDEF, 0xFFFFFFFFFFFFFE0A,
  0xFFFFFFFFFFFFFE25, 0xFFFFFFFFFFFFFE3F, 0xFFFFFFFFFFFFFE5A, 0xFFFFFFFFFFFFFE74,
  0xFFFFFFFFFFFFFE8F, 0xFFFFFFFFFFFFFEA9, 0xFFFFFFFFFFFFFEC4, 0xFFFFFFFFFFFFFEDF,
  0xFFFFFFFFFFFFFEF9, 0xFFFFFFFFFFFFFF14, 0xFFFFFFFFFFFFFF2E, 0xFFFFFFFFFFFFFF49,
  0xFFFFFFFFFFFFFF63, 0xFFFFFFFFFFFFFF7E, 0xFFFFFFFFFFFFFF99, 0xFFFFFFFFFFFFFFB3,
  0xFFFFFFFFFFFFFFCE, 0xFFFFFFFFFFFFFFE8, 0x0000000000000003, 0x000000000000001E,
  0x0000000000000038, 0x0000000000000053, 0x000000000000006D, 0x0000000000000088,
  0x00000000000000A2, 0x00000000000000BD, 0x00000000000000D8, 0x00000000000000F2,
  0x000000000000010D, 0x0000000000000127, 0x0000000000000142, 0x000000000000015C,
  0x0000000000000177, 0x0000000000000192, 0x00000000000001AC, 0x00000000000001C7,
  0x00000000000001E1, 0x00000000000001FC, 0x0000000000000216, 0x0000000000000231,
  0x000000000000024C, 0x0000000000000266, 0x0000000000000281, 0x000000000000029B,
  0x00000000000002B6, 0x00000000000002D0, 0x00000000000002EB, 0x0000000000000306,
  0x0000000000000320, 0x000000000000033B, 0x0000000000000355, 0x0000000000000370,
  0x000000000000038B, 0x00000000000003A5, 0x00000000000003C0, 0x00000000000003DA,
  0x00000000000003F5, 0x000000000000040F, 0x000000000000042A
]);

// Their significands.
const __DTOA_FRC_POWERS: u32 = __data_u64([
  0xFA8FD5A0081C0288, 0xBAAEE17FA23EBF76, 0x8B16FB203055AC76, 0xCF42894A5DCE35EA,
  0x9A6BB0AA55653B2D, 0xE61ACF033D1A45DF, 0xAB70FE17C79AC6CA, 0xFF77B1FCBEBCDC4F,
  0xBE5691EF416BD60C, 0x8DD01FAD907FFC3C, 0xD3515C2831559A83, 0x9D71AC8FADA6C9B5,
  0xEA9C227723EE8BCB, 0xAECC49914078536D, 0x823C12795DB6CE57, 0xC21094364DFB5637,
  0x9096EA6F3848984F, 0xD77485CB25823AC7, 0xA086CFCD97BF97F4, 0xEF340A98172AACE5,
  0xB23867FB2A35B28E, 0x84C8D4DFD2C63F3B, 0xC5DD44271AD3CDBA, 0x936B9FCEBB25C996,
  0xDBAC6C247D62A584, 0xA3AB66580D5FDAF6, 0xF3E2F893DEC3F126, 0xB5B5ADA8AAFF80B8,
  0x87625F056C7C4A8B, 0xC9BCFF6034C13053, 0x964E858C91BA2655, 0xDFF9772470297EBD,
  0xA6DFBD9FB8E5B88F, 0xF8A95FCF88747D94, 0xB94470938FA89BCF, 0x8A08F0F8BF0F156B,
  0xCDB02555653131B6, 0x993FE2C6D07B7FAC, 0xE45C10C42A2B3B06, 0xAA242499697392D3,
  0xFD87B5F28300CA0E, 0xBCE5086492111AEB, 0x8CBCCC096F5088CC, 0xD1B71758E219652C,
  0x9C40000000000000, 0xE8D4A51000000000, 0xAD78EBC5AC620000, 0x813F3978F8940984,
  0xC097CE7BC90715B3, 0x8F7E32CE7BEA5C70, 0xD5D238A4ABE98068, 0x9F4F2726179A2245,
  0xED63A231D4C4FB27, 0xB0DE65388CC8ADA8, 0x83C7088E1AAB65DB, 0xC45D1DF942711D9A,
  0x924D692CA61BE758, 0xDA01EE641A708DEA, 0xA26DA3999AEF774A, 0xF209787BB47D6B85,
  0xB454E4A179DD1877, 0x865B86925B9BC5C2, 0xC83553C5C8965D3D, 0x952AB45CFA97A0B3,
  0xDE469FBD99A05FE3, 0xA59BC234DB398C25, 0xF6C69A72A3989F5C, 0xB7DCBF5354E9BECE,
  0x88FCF317F22241E2, 0xCC20CE9BD35C78A5, 0x98165AF37B2153DF, 0xE2A0B5DC971F303A,
  0xA8D9D1535CE3B396, 0xFB9B7CD9A4A7443C, 0xBB764C4CA7A44410, 0x8BAB8EEFB6409C1A,
  0xD01FEF10A657842C, 0x9B10A4E5E9913129, 0xE7109BFBA19C0C9D, 0xAC2820D9623BF429,
  0x80444B5E7AA7CF85, 0xBF21E44003ACDD2D, 0x8E679C2F5E44FF8F, 0xD433179D9C8CB841,
  0x9E19DB92B4E31BA9, 0xEB96BF6EBADF77D9, 0xAF87023B9BF0EE6B
]);

let __dtoa_k: i32 = 0;
let __dtoa_exp: i32 = 0;
let __dtoa_frc_minus: u64 = 0;
let __dtoa_frc_plus: u64 = 0;
let __dtoa_frc_pow: u64 = 0;
let __dtoa_exp_pow: i32 = 0;

function __dtoa_decimals(value: u32): u32 {
  if (value < 100000) {
    if (value < 100) return 1 + (value >= 10 ? 1 : 0);
    return 3 + (value >= 10000 ? 1 : 0) + (value >= 1000 ? 1 : 0);
  }
  if (value < 10000000) return 6 + (value >= 1000000 ? 1 : 0);
  return 8 + (value >= 1000000000 ? 1 : 0) + (value >= 100000000 ? 1 : 0);
}

function __dtoa_pow10(k: i32): u64 {
  return __load64(__DTOA_POWERS10 + (((k > 19 ? 19 : k) as u32) << 3));
}

// The decimal digits of `num` into `buffer`, ending before unit `offset`.
function __dtoa_utoa(buffer: u32, num: u32, offset: u32): void {
  while (true) {
    let r = num % 10;
    num = num / 10;
    offset--;
    __store16(buffer + (offset << 1), 48 + r);
    if (num == 0) break;
  }
}

function __dtoa_umul64f(u: u64, v: u64): u64 {
  let u0 = u & 0xFFFFFFFF;
  let v0 = v & 0xFFFFFFFF;
  let u1 = u >> 32;
  let v1 = v >> 32;
  let l = u0 * v0;
  let t = u1 * v0 + (l >> 32);
  let w = u0 * v1 + (t & 0xFFFFFFFF);
  w += 0x7FFFFFFF;
  t >>= 32;
  w >>= 32;
  return u1 * v1 + t + w;
}

function __dtoa_boundaries(f: u64, e: i32, single: bool): void {
  let frc = (f << 1) + 1;
  let exp = e - 1;
  let off = clz<u64>(frc) as i32;
  frc <<= off as u64;
  exp -= off;
  let m = 1 + (f == (single ? (0x00800000 as u64) : (0x0010000000000000 as u64)) ? 1 : 0);
  __dtoa_frc_plus = frc;
  __dtoa_frc_minus = ((f << (m as u64)) - 1) << ((e - m - exp) as u64);
  __dtoa_exp = exp;
}

function __dtoa_round(buffer: u32, len: i32, delta: u64, rest: u64, ten_kappa: u64, wp_w: u64): void {
  let lastp = buffer + (((len - 1) as u32) << 1);
  let digit = __load16(lastp);
  while (rest < wp_w && delta - rest >= ten_kappa && (rest + ten_kappa < wp_w || wp_w - rest > rest + ten_kappa - wp_w)) {
    digit--;
    rest += ten_kappa;
  }
  __store16(lastp, digit);
}

function __dtoa_cached_power(min_exp: i32): void {
  let c = f64.reinterpret_i64(0x3FD34413509F79FE);
  let dk = ((-61 - min_exp) as f64) * c + 347;
  let k = dk as i32;
  if ((k as f64) != dk) k++;
  let index = (k >> 3) + 1;
  __dtoa_k = 348 - (index << 3);
  __dtoa_frc_pow = __load64(__DTOA_FRC_POWERS + ((index as u32) << 3));
  __dtoa_exp_pow = __load64(__DTOA_EXP_POWERS + ((index as u32) << 3)) as i32;
}

function __dtoa_grisu2(value: f64, buffer: u32, sign: i32, single: bool): i32 {
  let frc: u64 = 0;
  let exp: i32 = 0;
  if (single) {
    let uv = i32.reinterpret_f32(value as f32) as u32;
    exp = ((uv & 0x7F800000) >> 23) as i32;
    let sid = uv & 0x007FFFFF;
    frc = ((exp != 0 ? 1 : 0) << 23) as u64 + (sid as u64);
    exp = (exp != 0 ? exp : 1) - (0x7F + 23);
  } else {
    let uv = i64.reinterpret_f64(value) as u64;
    exp = ((uv & 0x7FF0000000000000) >> 52) as i32;
    let sid = uv & 0x000FFFFFFFFFFFFF;
    frc = ((exp != 0 ? 1 : 0) as u64 << 52) + sid;
    exp = (exp != 0 ? exp : 1) - (0x3FF + 52);
  }
  __dtoa_boundaries(frc, exp, single);
  __dtoa_cached_power(__dtoa_exp);
  let off = clz<u64>(frc) as i32;
  frc <<= off as u64;
  exp -= off;
  let frc_pow = __dtoa_frc_pow;
  let exp_pow = __dtoa_exp_pow;
  let w_frc = __dtoa_umul64f(frc, frc_pow);
  let w_exp = exp + exp_pow + 64;
  let wp_frc = __dtoa_umul64f(__dtoa_frc_plus, frc_pow) - 1;
  let wp_exp = __dtoa_exp + exp_pow + 64;
  let wm_frc = __dtoa_umul64f(__dtoa_frc_minus, frc_pow) + 1;
  let delta = wp_frc - wm_frc;
  return __dtoa_digits(buffer, w_frc, w_exp, wp_frc, wp_exp, delta, sign);
}

function __dtoa_digits(buffer: u32, w_frc: u64, w_exp: i32, mp_frc: u64, mp_exp: i32, delta: u64, sign: i32): i32 {
  let one_exp = -mp_exp;
  let one_frc: u64 = (1 as u64) << (one_exp as u64);
  let mask = one_frc - 1;
  let wp_w_frc = mp_frc - w_frc;
  let p1 = (mp_frc >> (one_exp as u64)) as u32;
  let p2 = mp_frc & mask;
  let kappa = __dtoa_decimals(p1) as i32;
  let len = sign;
  while (kappa > 0) {
    let d: u32 = 0;
    if (kappa > 10) {
      d = 0;
    } else {
      let pow = __dtoa_pow10(kappa - 1) as u32;
      d = p1 / pow;
      p1 = p1 % pow;
    }
    if ((d | (len as u32)) != 0) {
      __store16(buffer + ((len as u32) << 1), 48 + d);
      len++;
    }
    kappa--;
    let tmp = ((p1 as u64) << (one_exp as u64)) + p2;
    if (tmp <= delta) {
      __dtoa_k += kappa;
      __dtoa_round(buffer, len, delta, tmp, __dtoa_pow10(kappa) << (one_exp as u64), wp_w_frc);
      return len;
    }
  }
  while (true) {
    p2 *= 10;
    delta *= 10;
    let d = p2 >> (one_exp as u64);
    if ((d | (len as u64)) != 0) {
      __store16(buffer + ((len as u32) << 1), (48 + d) as u32);
      len++;
    }
    p2 &= mask;
    kappa--;
    if (p2 < delta) {
      __dtoa_k += kappa;
      wp_w_frc *= __dtoa_pow10(-kappa);
      __dtoa_round(buffer, len, delta, p2, one_frc, wp_w_frc);
      return len;
    }
  }
  return len;
}

// `e+k` or `e-k` after the digits; the number of units written (from the sign).
function __dtoa_exponent(buffer: u32, k: i32): i32 {
  let negative = k < 0;
  if (negative) k = -k;
  let decimals = __dtoa_decimals(k as u32) + 1;
  __dtoa_utoa(buffer, k as u32, decimals);
  __store16(buffer, negative ? 45 : 43);
  return decimals as i32;
}

function __dtoa_prettify(buffer: u32, length: i32, k: i32): i32 {
  if (k == 0) {
    __store32(buffer + ((length as u32) << 1), 46 | (48 << 16));
    return length + 2;
  }
  let kk = length + k;
  if (length <= kk && kk <= 21) {
    // 1234e7 -> 12340000000.0
    for (let i = length; i < kk; i++) {
      __store16(buffer + ((i as u32) << 1), 48);
    }
    __store32(buffer + ((kk as u32) << 1), 46 | (48 << 16));
    return kk + 2;
  } else if (kk > 0 && kk <= 21) {
    // 1234e-2 -> 12.34
    let ptr = buffer + ((kk as u32) << 1);
    __memory_copy(ptr + 2, ptr, ((-k) as u32) << 1);
    __store16(buffer + ((kk as u32) << 1), 46);
    return length + 1;
  } else if (-6 < kk && kk <= 0) {
    // 1234e-6 -> 0.001234
    let offset = 2 - kk;
    __memory_copy(buffer + ((offset as u32) << 1), buffer, (length as u32) << 1);
    __store32(buffer, 48 | (46 << 16));
    for (let i = 2; i < offset; i++) {
      __store16(buffer + ((i as u32) << 1), 48);
    }
    return length + offset;
  } else if (length == 1) {
    // 1e30
    __store16(buffer + 2, 101);
    let n = __dtoa_exponent(buffer + 4, kk - 1);
    return n + 2;
  }
  let len = (length as u32) << 1;
  __memory_copy(buffer + 4, buffer + 2, len - 2);
  __store16(buffer + 2, 46);
  __store16(buffer + len + 2, 101);
  let n = length + __dtoa_exponent(buffer + len + 4, kk - 1);
  return n + 2;
}

// `value` as a string; `single` for an f32.
function __dtoa(value: f64, single: bool): string {
  if (value == 0) return "0.0";
  if (value != value) return "NaN";
  if (value - value != 0) return value < 0 ? "-Infinity" : "Infinity";
  // At most 28 units (AssemblyScript's MAX_DOUBLE_LENGTH).
  let r = __str_alloc(28);
  let buffer = r + 4;
  let sign = value < 0 ? 1 : 0;
  if (sign != 0) {
    value = -value;
    __store16(buffer, 45);
  }
  let len = __dtoa_grisu2(value, buffer, sign, single);
  len = __dtoa_prettify(buffer + ((sign as u32) << 1), len - sign, __dtoa_k);
  // The block keeps its capacity; the string is as long as what was written.
  __store32(r, (len + sign) as u32);
  return __str(r);
}
