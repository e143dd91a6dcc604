// Small and unsigned integers wrap as AssemblyScript's do.
export function wrap_u8(): i32 {
  let x: u8 = 250;
  x += 10;
  let y: u8 = 200;
  y = y * 3;
  return (x as i32) * 1000 + (y as i32);
}

export function wrap_i8(): i32 {
  let x: i8 = 127;
  x++;
  let y: i8 = -100;
  y -= 100;
  return (x as i32) * 1000 + (y as i32);
}

export function wrap_16(): i32 {
  let a: i16 = 32767;
  a += 2;
  let b: u16 = 1;
  b -= 2;
  return (a as i32) + (b as i32);
}

export function unsigned_ops(): u32 {
  let x: u32 = 0xFFFFFFF0;
  let q = x / 7;
  let r = x % 7;
  let s = x >> 4;
  return q ^ r ^ s;
}

export function unsigned_compare(): i32 {
  let a: u32 = 0x80000000;
  let b: u32 = 1;
  let n = 0;
  if (a > b) n += 1;
  let c: i32 = -1;
  if (c < 0) n += 10;
  let d: u64 = 0xFFFFFFFFFFFFFFFF;
  if (d > 5) n += 100;
  return n;
}

export function casts(): i64 {
  let f: f64 = 300.75;
  let a = f as u8;
  let b = (-1.5) as i32;
  let d = (-1) as u16;
  let e = (70000) as i16;
  return (a as i64) * 1000000 + (b as i64) * 1000 + (d as i64) + (e as i64);
}

export function u64_math(): u64 {
  let x: u64 = 0xFFFFFFFFFFFFFFFF;
  let y: u64 = x / 3;
  return y + x % 1000;
}

export function mix_widths(): i64 {
  let a: u8 = 255;
  let b: i16 = -2;
  let c: i32 = a + b;
  let d: i64 = c;
  let e: u32 = 4000000000;
  let f: i64 = e;
  return d + f;
}

export function to_float(): f64 {
  let a: u32 = 4000000000;
  let b: u16 = 65535;
  let c: f64 = a;
  let d: f32 = b;
  return c + d;
}
