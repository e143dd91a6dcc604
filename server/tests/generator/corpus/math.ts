// Math functions computed in wasm, with AssemblyScript's results.
export function rounding(): f64 {
  let xs: f64[] = [2.5, -2.5, 0.49999999999999994, -0.5, 1.5, -0.0, 3.7, -3.7, 1e300, -1e-300];
  let s: f64 = 0;
  for (let i = 0; i < xs.length; i++) {
    s = s * 3 + Math.round(xs[i]);
  }
  return s;
}

export function signs(): f64 {
  return Math.sign(-3.5) * 100 + Math.sign(2) * 10 + Math.sign(0) + 1 / Math.sign(-0.0);
}

export function frounds(): f64 {
  return Math.fround(0.1) + Math.fround(16777217.0) + Math.fround(1e40);
}

export function basics(): f64 {
  return Math.sqrt(2) + Math.floor(-1.5) * 10 + Math.ceil(1.2) * 100 + Math.trunc(-7.9) * 1000 +
    Math.abs(-4) * 10000 + Math.max(3, 9) + Math.min(-1, 2) + Math.PI;
}
