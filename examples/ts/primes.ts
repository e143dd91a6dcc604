// Counts primes below `limit` by trial division (benchmark kernel).
function isPrime(n: i32): bool {
  if (n < 2) return false;
  if (n % 2 == 0) return n == 2;
  for (let d = 3; d * d <= n; d += 2) {
    if (n % d == 0) return false;
  }
  return true;
}

export function countPrimes(limit: i32): i32 {
  let count = 0;
  for (let n = 2; n < limit; n++) {
    if (isPrime(n)) count++;
  }
  return count;
}
