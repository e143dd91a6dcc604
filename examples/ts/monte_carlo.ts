// The spec's scientific computing example. Math.random is the generator's
// built-in SplitMix64; call the exported `__seed(i64)` to reseed it.
export function monteCarloPI(iterations: i32): f64 {
  let inside: i32 = 0;

  for (let i: i32 = 0; i < iterations; i = i + 1) {
    const x: f64 = Math.random();
    const y: f64 = Math.random();

    if (x * x + y * y <= 1.0) {
      inside = inside + 1;
    }
  }

  return 4.0 * (inside as f64) / (iterations as f64);
}
