// String- and array-heavy kernels for BENCHMARKS.md ("TypeScript subset"):
// the same file is compiled by Echelon and by asc -O3, and each kernel must
// give the same answer in both.

function build(n: i32): string {
  let s = "";
  for (let i = 0; i < n; i++) {
    s += `${i % 97},`;
  }
  return s;
}

// Concatenation in a loop, then a character hash.
export function concat_hash(n: i32): i32 {
  let s = build(n);
  let h = 0;
  for (let i = 0; i < s.length; i++) {
    h = h * 31 + s.charCodeAt(i);
  }
  return h;
}

// indexOf over a long text.
export function search(rounds: i32): i32 {
  let text = build(2000);
  let found = 0;
  for (let r = 0; r < rounds; r++) {
    let at = text.indexOf("96,", r % 50);
    while (at >= 0) {
      found++;
      at = text.indexOf("96,", at + 1);
    }
  }
  return found;
}

// split, substring, toUpperCase, ==.
export function words(rounds: i32): i32 {
  let sentence = "the quick brown fox jumps over the lazy dog and the cat";
  let n = 0;
  for (let r = 0; r < rounds; r++) {
    let parts = sentence.split(" ");
    for (let i = 0; i < parts.length; i++) {
      let w = parts[i].toUpperCase();
      if (w == "THE") n++;
      n += w.substring(1, 3).length;
    }
  }
  return n;
}

// push and index on a growing i32[].
export function array_push_sum(n: i32): i64 {
  let a: i32[] = [];
  for (let i = 0; i < n; i++) {
    a.push(i ^ (i >> 3));
  }
  let s: i64 = 0;
  for (let k = 0; k < 4; k++) {
    for (let i = 0; i < a.length; i++) {
      s += a[i];
    }
  }
  return s;
}

// A byte sieve on a Uint8Array.
export function sieve(n: i32): i32 {
  let composite = new Uint8Array(n + 1);
  let count = 0;
  for (let i = 2; i <= n; i++) {
    if (composite[i] == 0) {
      count++;
      for (let j = i * 2; j <= n; j += i) {
        composite[j] = 1;
      }
    }
  }
  return count;
}
