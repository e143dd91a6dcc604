// switch with fallthrough, default in the middle, and `**`.
function classify(x: i32): i32 {
  let r = 0;
  switch (x) {
    case 1:
      r += 1;
    case 2:
      r += 10;
      break;
    case 3: {
      r = 3;
      break;
    }
    default:
      r = -1;
    case 4:
      r += 100;
  }
  return r;
}

export function switches(): i32 {
  let total = 0;
  for (let i = 0; i < 8; i++) {
    total = total * 7 + classify(i);
  }
  return total;
}

export function switch_in_loop(): i32 {
  let s = 0;
  for (let i = 0; i < 20; i++) {
    switch (i % 4) {
      case 0:
        continue;
      case 1:
        s += i;
        break;
      case 2:
        s *= 2;
      default:
        s -= 1;
    }
  }
  return s;
}

export function powers(): i32 {
  let acc = 0;
  for (let b = -3; b <= 3; b++) {
    for (let e = -2; e <= 12; e++) {
      acc = acc * 31 + b ** e;
    }
  }
  return acc + 2 ** 3 ** 2;
}

export function powers64(): i64 {
  let b: i64 = 3;
  let x: i64 = 7;
  return b ** 40 + x ** 21;
}

export function powers_small(): i32 {
  let b: u8 = 3;
  let c: i16 = 7;
  return ((b ** 5) as i32) * 100000 + ((c ** 6) as i32);
}

function fib(n: i32): i32 {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

export function recursion(): i32 {
  return fib(20);
}

export function collatz(): i32 {
  let longest = 0;
  let best = 0;
  for (let start = 1; start < 3000; start++) {
    let n: i64 = start;
    let steps = 0;
    while (n != 1) {
      n = (n % 2 == 0) ? n / 2 : 3 * n + 1;
      steps++;
    }
    if (steps > longest) {
      longest = steps;
      best = start;
    }
  }
  return best * 1000 + longest;
}
