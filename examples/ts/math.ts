// The spec's "Simple TypeScript to WASM" example.
// Used by server/tests/generator (run before and after every optimization level).
export function factorial(n: i32): i32 {
  if (n <= 1) {
    return 1;
  }
  return n * factorial(n - 1);
}

export function isPrime(n: i32): i32 {
  if (n <= 1) return 0;
  for (let i: i32 = 2; i * i <= n; i = i + 1) {
    if (n % i === 0) return 0;
  }
  return 1;
}
