// Strings: UTF-16 inside, as in JavaScript.
function hash(s: string): i32 {
  let h = 7;
  for (let i = 0; i < s.length; i++) {
    h = h * 31 + s.charCodeAt(i);
  }
  return h * 131 + s.length;
}

export function concat(): i32 {
  let s = "Hello";
  s += ", ";
  s = s + "world" + "!";
  return hash(s);
}

export function lengths(): i32 {
  let a = "héllo";
  let b = "😀x";
  let c = "";
  return a.length * 10000 + b.length * 100 + c.length + b.charCodeAt(0) + b.charCodeAt(1) + b.charCodeAt(5);
}

export function equality(): i32 {
  let a = "abc";
  let b = "ab" + "c";
  let n = 0;
  if (a == b) n += 1;
  if (a != "abd") n += 10;
  if ("" == "") n += 100;
  if (a != "ab") n += 1000;
  return n;
}

export function searching(): i32 {
  let s = "the quick brown fox jumps over the lazy dog";
  return s.indexOf("the") * 1 + s.indexOf("the", 1) * 100 + s.lastIndexOf("o") * 10000 +
    s.indexOf("cat") * 1000000 + s.indexOf("") + s.lastIndexOf("the", 20) * 3;
}

export function slicing(): i32 {
  let s = "abcdefghij";
  return hash(s.substring(2, 5)) ^ hash(s.substring(5, 2)) ^ hash(s.substring(-3, 100)) ^
    hash(s.slice(-4)) ^ hash(s.slice(2, -2)) ^ hash(s.slice(8, 2)) ^ hash(s.substring(7));
}

export function affixes(): i32 {
  let s = "plugin.wasm";
  let n = 0;
  if (s.startsWith("plug")) n += 1;
  if (s.endsWith(".wasm")) n += 10;
  if (s.includes("in.w")) n += 100;
  if (s.startsWith("wasm")) n += 1000;
  if (s.endsWith("plugin")) n += 10000;
  return n;
}

export function casing(): i32 {
  let s = "Hello, World! 123 abc XYZ";
  return hash(s.toUpperCase()) * 3 + hash(s.toLowerCase());
}

export function templates(): i32 {
  let n = -42;
  let big: i64 = 9000000000;
  let u: u32 = 4000000000;
  let ok = true;
  let s = `n=${n}, big=${big}, u=${u}, ok=${ok}, ${"nested " + `${n * 2}`}`;
  return hash(s);
}

export function to_strings(): i32 {
  let a = 12345;
  let b: i64 = -9876543210;
  let c: u8 = 255;
  return hash(a.toString() + "/" + b.toString() + "/" + c.toString() + "/" + (0).toString());
}

function kind(s: string): i32 {
  switch (s) {
    case "get":
      return 1;
    case "put":
      return 2;
    default:
      return s.length;
  }
}

export function string_switch(): i32 {
  return kind("get") * 100 + kind("put") * 10 + kind("delete");
}

export function building(): i32 {
  let out = "";
  for (let i = 0; i < 200; i++) {
    out += `${i % 10}`;
    if (i % 50 == 0) out += "|";
  }
  return hash(out);
}

let log = "";

function append(s: string): void {
  log = log + s + ";";
}

export function globals(): i32 {
  append("one");
  append("two");
  append("three");
  return hash(log);
}

// `<`, `<=`, `>`, `>=` compare UTF-16 code units, as in JavaScript.
function order(a: string, b: string): i32 {
  return (a < b ? 1 : 0) + (a <= b ? 2 : 0) + (a > b ? 4 : 0) + (a >= b ? 8 : 0);
}

export function ordering(): i64 {
  let words: string[] = ["", "a", "b", "ab", "abc", "abd", "B", "\u00e9", "z", "\uD83D\uDE00", "\uFFFF", "a\u0000"];
  let r: i64 = 0;
  for (let i = 0; i < words.length; i++) {
    for (let j = 0; j < words.length; j++) {
      r = r * 31 + order(words[i], words[j] + "");
    }
  }
  return r;
}
