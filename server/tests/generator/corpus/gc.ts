// Collection inside a call: every function allocates far more than the
// collector's threshold (256 KiB) in one call, so Echelon collects many
// times while references live in locals, parameters, arrays, object fields
// and operands waiting for a call; the answers must be those of asc (whose
// stub runtime never frees).

function hash(s: string): i32 {
  let h = 7;
  for (let i = 0; i < s.length; i++) {
    h = h * 31 + s.charCodeAt(i);
  }
  return h;
}

// Allocates about `n` strings of garbage; the result is a fresh string.
function churn(n: i32, tag: string): string {
  let junk = "";
  for (let i = 0; i < n; i++) {
    junk = `${tag}:${i}:` + junk.substring(0, 40);
  }
  return tag + junk.length.toString();
}

class Pair {
  left: string;
  right: string;
  count: i32 = 0;
  constructor(left: string, right: string) {
    this.left = left;
    this.right = right;
  }
  both(sep: string): string {
    return this.left + sep + this.right;
  }
}

class Link {
  name: string;
  next: Link | null;
  constructor(name: string, next: Link | null) {
    this.name = name;
    this.next = next;
  }
}

export function locals_survive(): i32 {
  let keep = "kept-" + (12345).toString();
  let other = keep + "/" + keep;
  let junk = churn(20000, "a");
  return hash(keep) + hash(other) * 3 + hash(junk);
}

function with_params(a: string, b: string, n: i32): i32 {
  let junk = churn(n, "p");
  return hash(a) * 7 + hash(b) + junk.length;
}

export function params_survive(): i32 {
  return with_params("first" + (1).toString(), "second" + (2).toString(), 20000);
}

export function arrays_survive(): i32 {
  let names: string[] = [];
  for (let i = 0; i < 3000; i++) {
    names.push(`name-${i}`);
    // Garbage between the pushes.
    let t = "";
    for (let k = 0; k < 8; k++) t = t + names[i] + k.toString();
  }
  let h = 0;
  for (let i = 0; i < names.length; i++) h = h * 17 + hash(names[i]);
  return h + names.join(",").length;
}

export function fields_survive(): i32 {
  let p = new Pair("L" + (1).toString(), "R" + (2).toString());
  let head: Link | null = null;
  for (let i = 0; i < 2000; i++) {
    head = new Link(`link${i}`, head);
    p.count += churn(3, "f").length;
  }
  let h = hash(p.both("+"));
  let n = head;
  while (n) {
    h = h * 3 + hash(n.name);
    n = n.next;
  }
  return h + p.count;
}

// Operands on the wasm stack while a later operand collects.
export function operands_survive(): i32 {
  let s = churn(5000, "x") + churn(5000, "y");
  let p = new Pair(churn(4000, "l"), churn(4000, "r"));
  let t = p.both(churn(3000, "sep"));
  let arr: string[] = ["a", "b", "c"];
  arr[1] = "q" + (9).toString() + churn(3000, "z");
  let u = `${churn(2000, "t1")}|${churn(2000, "t2")}`;
  return hash(s) + hash(t) * 5 + hash(arr.join("-")) * 11 + hash(u) * 13;
}

function make_pair(i: i32): Pair {
  return new Pair(`m${i}`, `n${i}`);
}

// A temporary object and a method call on it, with collecting arguments.
export function temporaries_survive(): i32 {
  let h = 0;
  for (let i = 0; i < 300; i++) {
    h = h * 31 + hash(make_pair(i).both(churn(60, "s")));
    h += make_pair(i).left.length + churn(20, "w").length;
  }
  return h;
}

function build(n: i32): string {
  let s = "";
  for (let i = 0; i < n; i++) {
    s += `${i % 97},`;
  }
  return s;
}

export function concat_survives(): i32 {
  let s = build(4000);
  return hash(s) + s.length;
}

// Recursion with references in every frame.
function nest(depth: i32, acc: string): string {
  if (depth == 0) return acc;
  let mine = `d${depth}`;
  let junk = churn(50, "r");
  let inner = nest(depth - 1, acc + ".");
  return mine + inner + junk.length.toString();
}

export function recursion_survives(): i32 {
  let r = nest(200, "root");
  return hash(r) + r.length;
}
