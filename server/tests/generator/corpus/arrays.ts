// Arrays and typed arrays.
export function literals(): i32 {
  let a = [3, 1, 4, 1, 5, 9, 2, 6];
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    s = s * 10 + a[i];
  }
  return s;
}

export function push_pop(): i32 {
  let a: i32[] = [];
  for (let i = 0; i < 100; i++) {
    a.push(i * i);
  }
  let s = 0;
  while (a.length > 50) {
    s += a.pop();
  }
  return s * 1000 + a.length;
}

export function new_array(): f64 {
  let a = new Array<f64>(10);
  for (let i = 0; i < a.length; i++) {
    a[i] = (i as f64) * 0.5;
  }
  a[3] += 100;
  a[4]++;
  --a[5];
  let s: f64 = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i];
  }
  return s;
}

export function sieve(): i32 {
  let n = 10000;
  let composite = new Uint8Array(n + 1);
  let count = 0;
  for (let i = 2; i <= n; i++) {
    if (composite[i] == 0) {
      count++;
      for (let j = i * i; j <= n; j += i) {
        composite[j] = 1;
      }
    }
  }
  return count;
}

export function typed(): i64 {
  let a = new Int32Array(8);
  let b = new Float64Array(4);
  let c = new Uint16Array(3);
  for (let i = 0; i < 8; i++) {
    a[i] = (i - 4) * 1000000;
  }
  b[1] = 2.5;
  c[0] = 65535;
  c[0] += 2;
  let s: i64 = 0;
  for (let i = 0; i < 8; i++) {
    s += a[i];
  }
  return s + (b[1] as i64) * 100 + (c[0] as i64) + (a.length as i64) * 7;
}

export function strings(): i32 {
  let words = "the quick brown fox".split(" ");
  let total = words.length * 1000;
  for (let i = 0; i < words.length; i++) {
    total += words[i].length * (i + 1);
  }
  let parts = "a,b,,c,".split(",");
  total += parts.length * 100000;
  let joined = ["x", "y", "z"].join("-");
  return total + joined.length * 1000000 + joined.charCodeAt(1);
}

export function small_elements(): i32 {
  let a: u8[] = [250, 251, 252];
  a[0] += 10;
  let b: i8[] = [127];
  b[0] += 1;
  return (a[0] as i32) * 1000 + (b[0] as i32);
}
