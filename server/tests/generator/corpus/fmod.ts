// Float `%`: AssemblyScript's fmod (the remainder of truncated division,
// with the sign of the dividend), for f64 and f32, including the special
// cases (zero divisor, infinities, NaN, subnormals, -0).

// The bits of a result; every NaN counts as one value (wasm leaves a NaN's
// sign and payload open).
function bits(x: f64): i64 {
  return x != x ? 12345 : i64.reinterpret_f64(x);
}

function bits32(x: f32): i32 {
  return x != x ? 12345 : i32.reinterpret_f32(x);
}

export function basic(): f64 {
  return 5.5 % 2 + (-5.5 % 2) * 10 + (5.5 % -2) * 100 + (7 % 2.5) * 1000;
}

export function ones(): f64 {
  return (3.75 % 1) + (-3.75 % 1) * 10 + (3.75 % -1) * 100;
}

export function specials(): i64 {
  let h: i64 = 0;
  let xs: f64[] = [0.0, -0.0, 1.0, -1.0, 1e300, -1e-300, 5e-324, 2.5, 1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0];
  for (let i = 0; i < xs.length; i++) {
    for (let j = 0; j < xs.length; j++) {
      h = h * 31 + bits(xs[i] % xs[j]);
    }
  }
  return h;
}

export function sweep(): i64 {
  let h: i64 = 0;
  let x: f64 = -1000.123;
  for (let i = 0; i < 2000; i++) {
    let y = 0.37 + (i % 17) * 1.91;
    h = h * 31 + bits(x % y) + bits(y % x);
    x = x * -1.013 + 0.731;
  }
  return h;
}

export function compound(): f64 {
  let x = 100.0;
  x %= 7.5;
  let y: f32 = 10.5;
  y %= 3;
  return x * 1000 + (y as f64);
}

export function sweep32(): i32 {
  let h = 0;
  let x: f32 = -1000.123;
  for (let i = 0; i < 2000; i++) {
    let y: f32 = (0.37 as f32) + ((i % 17) as f32) * (1.91 as f32);
    h = h * 31 + bits32(x % y) + bits32(y % x);
    x = x * (-1.013 as f32) + (0.731 as f32);
  }
  let s: f32 = 0.0;
  let z: f32 = 1.0 / 0.0;
  h = h * 31 + bits32(s % s) + bits32(z % (2 as f32)) + bits32((5 as f32) % z) + bits32((-0.0 as f32) % (3 as f32));
  return h;
}
