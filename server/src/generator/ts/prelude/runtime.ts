// The runtime prelude: the allocator, the collector and the string
// functions, written in the subset itself. It is compiled with every
// program; codegen emits only the functions a program reaches, so a program
// without strings gets none of it. Names starting with `__` are reserved
// for it; the `__load*`, `__store*`, `__memory_*`, `__ptr`, `__str`,
// `__heap_base`, `__mark_roots` and `__data_u64` (a static table, see
// math_tables.ts) built-ins exist only here. The math library is in math.ts.
//
// Memory layout: addresses 0..16 stay zero (a null string reads as length
// 0 at address 0), 16..144 hold 32 free-list heads (one per power-of-two
// block size), then the static string literals, then the heap.
//
// Every block is [size: u32][info: u32][payload]; `size` is the block's
// whole size (a power of two, at least 16), `info` holds the flags below
// and a type id in bits 8 and up. A pointer to an object is the address of
// its payload. A string's payload is [length: u32][UTF-16 code units].

const __LISTS: u32 = 16;
const __ALLOCATED: u32 = 1;
const __MARKED: u32 = 2;
const __PINNED: u32 = 4;
const __STRING: u32 = 256;
const __MIN_THRESHOLD: u32 = 262144;

let __heap_top: u32 = 0;
let __since_gc: u32 = 0;
let __threshold: u32 = 262144;

// The size class of a block of `total` bytes: the exponent of the smallest
// power of two that holds it, at least 4 (16 bytes).
function __class(total: u32): u32 {
  if (total <= 16) return 4;
  return 32 - __clz(total - 1);
}

// A zeroed block whose payload holds `size` bytes; `info` is its type id
// and flags.
function __alloc(size: u32, info: u32): u32 {
  let p = __alloc_raw(size, info);
  __memory_fill(p, 0, __load32(p - 8) - 8);
  return p;
}

// A block whose payload holds `size` bytes, not zeroed (for strings, which
// are written whole). Reuses a free block of the same class, else takes new
// memory.
function __alloc_raw(size: u32, info: u32): u32 {
  if (size > 0x7FFFFFF0) __unreachable();
  let k = __class(size + 8);
  let head = __LISTS + (k << 2);
  let bsize: u32 = (1 as u32) << k;
  let block = __load32(head);
  if (block != 0) {
    __store32(head, __load32(block + 8));
  } else {
    if (__heap_top == 0) __heap_top = __heap_base();
    block = __heap_top;
    let end: u64 = (block as u64) + (bsize as u64);
    let limit: u64 = (__memory_size() as u64) << 16;
    if (end > limit) {
      let pages = ((end - limit + 0xFFFF) >> 16) as u32;
      if (__memory_grow(pages) < 0) __unreachable();
    }
    __heap_top = end as u32;
  }
  __store32(block, bsize);
  __store32(block + 4, info | __ALLOCATED);
  __since_gc += bsize;
  return block + 8;
}

function __free_block(block: u32): void {
  let head = __LISTS + (__class(__load32(block)) << 2);
  __store32(block + 4, 0);
  __store32(block + 8, __load32(head));
  __store32(head, block);
}

// `echelon_alloc`: a block the host writes and frees; never collected.
function __abi_alloc(len: u32): u32 {
  return __alloc_raw(len, __PINNED);
}

// `echelon_free`: releases a block of `echelon_alloc` or of a result.
// Anything that is not an allocated heap block is ignored.
function __abi_free(ptr: u32): void {
  if (__heap_top == 0 || ptr < __heap_base() + 8 || ptr >= __heap_top) return;
  let block = ptr - 8;
  if ((__load32(block + 4) & __ALLOCATED) == 0) return;
  __free_block(block);
}

// Marks a block and queues it for tracing when it can hold references.
// The queue (a pinned block) replaces recursion, so long chains of objects
// cannot exhaust the wasm stack.
let __gray: u32 = 0;
let __gray_len: u32 = 0;
let __gray_cap: u32 = 0;

function __mark(ptr: u32): void {
  if (ptr == 0) return;
  let block = ptr - 8;
  let info = __load32(block + 4);
  // Static literals carry no allocated flag; marked blocks are done.
  if ((info & 3) != 1) return;
  __store32(block + 4, info | __MARKED);
  // Strings (type 1) and host blocks (type 0) hold no references.
  if ((info >> 8) < 2) return;
  if (__gray_len == __gray_cap) {
    let cap: u32 = __gray_cap == 0 ? 256 : __gray_cap << 1;
    let next = __alloc(cap << 2, __PINNED);
    if (__gray != 0) {
      __memory_copy(next, __gray, __gray_len << 2);
      __free_block(__gray - 8);
    }
    __gray = next;
    __gray_cap = cap;
  }
  __store32(__gray + (__gray_len << 2), ptr);
  __gray_len++;
}

// Marks what a queued block refers to: an array its buffer (and its
// elements when they are references), an object its reference fields.
function __trace(ptr: u32): void {
  let kind = __load32(ptr - 4) >> 8;
  if (kind == 2 || kind == 3) {
    let data = __load32(ptr + 8);
    __mark(data);
    if (kind == 3) {
      let len = __load32(ptr);
      for (let i: u32 = 0; i < len; i++) {
        __mark(__load32(data + (i << 2)));
      }
    }
  } else if (kind >= 16) {
    __visit(ptr, kind);
  }
}

// A field access through a null reference traps.
function __nonnull(ptr: u32): u32 {
  if (ptr == 0) __unreachable();
  return ptr;
}

// Mark and sweep. It runs when an exported function returns and at the
// safe points codegen puts at the head of loops that allocate (see
// codegen/shadow.rs): the roots are the globals and the slots of the shadow
// stack, which `__mark_roots` marks too.
function __collect(): void {
  if (__heap_top == 0) return;
  __mark_roots();
  while (__gray_len > 0) {
    __gray_len--;
    __trace(__load32(__gray + (__gray_len << 2)));
  }
  let live: u32 = 0;
  let p = __heap_base();
  while (p < __heap_top) {
    let size = __load32(p);
    let info = __load32(p + 4);
    if ((info & __ALLOCATED) != 0) {
      if ((info & (__MARKED | __PINNED)) != 0) {
        __store32(p + 4, info & ~__MARKED);
        live += size;
      } else {
        __free_block(p);
      }
    }
    p += size;
  }
  __since_gc = 0;
  __threshold = live > __MIN_THRESHOLD ? live : __MIN_THRESHOLD;
}

// Collects when the bytes allocated since the last collection reach the
// threshold (the live size then, at least 256 KiB). Called only where every
// live reference is in a global or in the shadow stack.
function __maybe_collect(): void {
  if (__since_gc >= __threshold) __collect();
}

function __str_alloc(len: u32): u32 {
  let p = __alloc_raw(4 + (len << 1), __STRING);
  __store32(p, len);
  return p;
}

function __unit(p: u32, i: u32): u32 {
  return __load16(p + 4 + (i << 1));
}

function __or_null(p: u32): u32 {
  return p == 0 ? __ptr("null") : p;
}

function __str_length(s: string): i32 {
  return __load32(__ptr(s)) as i32;
}

function __str_truthy(p: i32): bool {
  return __load32(p as u32) != 0;
}

function __str_char_code_at(s: string, i: i32): i32 {
  let p = __ptr(s);
  if ((i as u32) >= __load32(p)) return -1;
  return __unit(p, i as u32) as i32;
}

function __str_concat(a: string, b: string): string {
  let pa = __or_null(__ptr(a));
  let pb = __or_null(__ptr(b));
  let la = __load32(pa);
  let lb = __load32(pb);
  if (la == 0) return __str(pb);
  if (lb == 0) return __str(pa);
  let r = __str_alloc(la + lb);
  __memory_copy(r + 4, pa + 4, la << 1);
  __memory_copy(r + 4 + (la << 1), pb + 4, lb << 1);
  return __str(r);
}

// Whether `n` units of `a` from `ai` equal those of `b` from `bi`.
function __same(a: u32, ai: u32, b: u32, bi: u32, n: u32): bool {
  let i: u32 = 0;
  while (i < n) {
    if (__unit(a, ai + i) != __unit(b, bi + i)) return false;
    i++;
  }
  return true;
}

function __str_eq(a: string, b: string): bool {
  let pa = __ptr(a);
  let pb = __ptr(b);
  if (pa == pb) return true;
  if (pa == 0 || pb == 0) return false;
  let n = __load32(pa);
  if (n != __load32(pb)) return false;
  return __same(pa, 0, pb, 0, n);
}

// The order of two strings, as AssemblyScript's `<` and `>` decide it:
// negative, zero or positive. Code units compare as numbers; a string that
// is a prefix of the other comes first; null counts as empty.
function __str_compare(a: string, b: string): i32 {
  let pa = __ptr(a);
  let pb = __ptr(b);
  if (pa == pb) return 0;
  let la = __load32(pa);
  let lb = __load32(pb);
  if (la == 0) return lb == 0 ? 0 : -1;
  if (lb == 0) return 1;
  let n = la < lb ? la : lb;
  for (let i: u32 = 0; i < n; i++) {
    let ua = __unit(pa, i);
    let ub = __unit(pb, i);
    if (ua != ub) return (ua as i32) - (ub as i32);
  }
  return la < lb ? -1 : (la > lb ? 1 : 0);
}

function __clamp(v: i32, lo: i32, hi: i32): i32 {
  return v < lo ? lo : (v > hi ? hi : v);
}

function __str_index_of(s: string, search: string, start: i32): i32 {
  let ps = __ptr(s);
  let pq = __or_null(__ptr(search));
  let n = __load32(pq) as i32;
  if (n == 0) return 0;
  let len = __load32(ps) as i32;
  if (len == 0) return -1;
  let last = len - n;
  let first = __unit(pq, 0);
  for (let i = __clamp(start, 0, len); i <= last; i++) {
    if (__unit(ps, i as u32) == first && __same(ps, i as u32, pq, 0, n as u32)) return i;
  }
  return -1;
}

function __str_last_index_of(s: string, search: string, start: i32): i32 {
  let ps = __ptr(s);
  let pq = __or_null(__ptr(search));
  let n = __load32(pq) as i32;
  let len = __load32(ps) as i32;
  if (n == 0) return len;
  if (len == 0) return -1;
  let from = start < 0 ? 0 : start;
  if (from > len - n) from = len - n;
  for (let i = from; i >= 0; i--) {
    if (__same(ps, i as u32, pq, 0, n as u32)) return i;
  }
  return -1;
}

function __str_starts_with(s: string, search: string): bool {
  let ps = __ptr(s);
  let pq = __or_null(__ptr(search));
  let n = __load32(pq);
  if (n > __load32(ps)) return false;
  return __same(ps, 0, pq, 0, n);
}

function __str_ends_with(s: string, search: string): bool {
  let ps = __ptr(s);
  let pq = __or_null(__ptr(search));
  let n = __load32(pq);
  let len = __load32(ps);
  if (n > len) return false;
  return __same(ps, len - n, pq, 0, n);
}

function __str_copy(p: u32, from: u32, to: u32): string {
  if (to <= from) return "";
  let r = __str_alloc(to - from);
  __memory_copy(r + 4, p + 4 + (from << 1), (to - from) << 1);
  return __str(r);
}

function __str_substring(s: string, start: i32, end: i32): string {
  let p = __ptr(s);
  let len = __load32(p) as i32;
  let a = __clamp(start, 0, len);
  let b = __clamp(end, 0, len);
  let from = a < b ? a : b;
  let to = a < b ? b : a;
  if (from == 0 && to == len) return s;
  return __str_copy(p, from as u32, to as u32);
}

function __str_slice(s: string, start: i32, end: i32): string {
  let p = __ptr(s);
  let len = __load32(p) as i32;
  let a = start < 0 ? (start + len < 0 ? 0 : start + len) : (start > len ? len : start);
  let b = end < 0 ? (end + len < 0 ? 0 : end + len) : (end > len ? len : end);
  return __str_copy(p, a as u32, b as u32);
}

// Case mapping. ASCII letters are mapped here, one unit for one; at the
// first unit from U+0080 the rest goes to `__str_case_full` (casemap.ts,
// AssemblyScript's full Unicode mapping).
function __str_case(s: string, upper: bool): string {
  let p = __ptr(s);
  let len = __load32(p);
  let r = __str_alloc(len);
  let lo: u32 = upper ? 97 : 65;
  for (let i: u32 = 0; i < len; i++) {
    let c = __unit(p, i);
    if (c >= 0x80) return __str_case_full(p, len, upper, r, i);
    // a-z up or A-Z down: the same bit.
    if (c - lo < 26) c = c ^ 32;
    __store16(r + 4 + (i << 1), c);
  }
  return __str(r);
}

function __str_to_upper(s: string): string {
  return __str_case(s, true);
}

function __str_to_lower(s: string): string {
  return __str_case(s, false);
}

function __bool_to_str(b: bool): string {
  return b ? "true" : "false";
}

function __u64_to_str(v: u64): string {
  let digits: u32 = 1;
  let t = v;
  while (t >= 10) {
    t = t / 10;
    digits++;
  }
  let r = __str_alloc(digits);
  let i = digits;
  while (i > 0) {
    i--;
    __store16(r + 4 + (i << 1), (48 + v % 10) as u32);
    v = v / 10;
  }
  return __str(r);
}

function __i64_to_str(v: i64): string {
  if (v >= 0) return __u64_to_str(v as u64);
  let digits = __u64_to_str((0 - v) as u64);
  return __str_concat("-", digits);
}

// A string from UTF-8 bytes; each invalid sequence becomes U+FFFD.
function __str_from_utf8(ptr: u32, len: u32): string {
  let r = __str_alloc(len);
  let out: u32 = 0;
  let i: u32 = 0;
  while (i < len) {
    let b0 = __load8(ptr + i);
    let cp: u32 = 0xFFFD;
    let n: u32 = 1;
    if (b0 < 0x80) {
      cp = b0;
    } else if (b0 >= 0xC2 && b0 < 0xE0 && i + 1 < len) {
      let b1 = __load8(ptr + i + 1);
      if ((b1 & 0xC0) == 0x80) {
        cp = ((b0 & 0x1F) << 6) | (b1 & 0x3F);
        n = 2;
      }
    } else if (b0 >= 0xE0 && b0 < 0xF0 && i + 2 < len) {
      let b1 = __load8(ptr + i + 1);
      let b2 = __load8(ptr + i + 2);
      let c = ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
      if ((b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80 && c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) {
        cp = c;
        n = 3;
      }
    } else if (b0 >= 0xF0 && b0 < 0xF5 && i + 3 < len) {
      let b1 = __load8(ptr + i + 1);
      let b2 = __load8(ptr + i + 2);
      let b3 = __load8(ptr + i + 3);
      let c = ((b0 & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F);
      if ((b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80 && (b3 & 0xC0) == 0x80 && c >= 0x10000 && c <= 0x10FFFF) {
        cp = c;
        n = 4;
      }
    }
    if (cp >= 0x10000) {
      let c = cp - 0x10000;
      __store16(r + 4 + (out << 1), 0xD800 | (c >> 10));
      __store16(r + 6 + (out << 1), 0xDC00 | (c & 0x3FF));
      out += 2;
    } else {
      __store16(r + 4 + (out << 1), cp);
      out++;
    }
    i += n;
  }
  // The block keeps its capacity; the string is as long as what was decoded.
  __store32(r, out);
  return __str(r);
}

// The UTF-8 bytes of `s` in a pinned block, as the guest ABI's packed
// `(ptr << 32) | len`; lone surrogates become U+FFFD.
function __str_to_utf8(s: string): u64 {
  let p = __or_null(__ptr(s));
  let len = __load32(p);
  let buf = __alloc_raw(len * 3, __PINNED);
  let out: u32 = 0;
  let i: u32 = 0;
  while (i < len) {
    let c = __unit(p, i);
    i++;
    if (c >= 0xD800 && c < 0xDC00 && i < len) {
      let d = __unit(p, i);
      if (d >= 0xDC00 && d < 0xE000) {
        i++;
        let cp = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
        __store8(buf + out, 0xF0 | (cp >> 18));
        __store8(buf + out + 1, 0x80 | ((cp >> 12) & 0x3F));
        __store8(buf + out + 2, 0x80 | ((cp >> 6) & 0x3F));
        __store8(buf + out + 3, 0x80 | (cp & 0x3F));
        out += 4;
        continue;
      }
    }
    if (c >= 0xD800 && c < 0xE000) c = 0xFFFD;
    if (c < 0x80) {
      __store8(buf + out, c);
      out++;
    } else if (c < 0x800) {
      __store8(buf + out, 0xC0 | (c >> 6));
      __store8(buf + out + 1, 0x80 | (c & 0x3F));
      out += 2;
    } else {
      __store8(buf + out, 0xE0 | (c >> 12));
      __store8(buf + out + 1, 0x80 | ((c >> 6) & 0x3F));
      __store8(buf + out + 2, 0x80 | (c & 0x3F));
      out += 3;
    }
  }
  return ((buf as u64) << 32) | (out as u64);
}

// A string result of a host function: 0 is null; otherwise the host's
// `echelon_alloc` block, decoded and released.
function __str_from_host(packed: u64): string {
  if (packed == 0) return __str(0);
  let ptr = (packed >> 32) as u32;
  let len = (packed & 0xFFFFFFFF) as u32;
  let s = __str_from_utf8(ptr, len);
  __abi_free(ptr);
  return s;
}

// AssemblyScript's `ipow32`/`ipow64`: integer powers that wrap; a negative
// exponent gives 0 unless the base is 1 or -1.
function __ipow32(x: i32, e: i32): i32 {
  if (e <= 0) {
    if (x == -1) return (e & 1) != 0 ? -1 : 1;
    return (e == 0 || x == 1) ? 1 : 0;
  }
  let out = 1;
  while (e != 0) {
    if ((e & 1) != 0) out *= x;
    e >>>= 1;
    x *= x;
  }
  return out;
}

function __ipow64(x: i64, e: i64): i64 {
  if (e <= 0) {
    if (x == -1) return (e & 1) != 0 ? -1 : 1;
    return (e == 0 || x == 1) ? 1 : 0;
  }
  let out: i64 = 1;
  while (e != 0) {
    if ((e & 1) != 0) out *= x;
    e >>>= 1;
    x *= x;
  }
  return out;
}

// Arrays. An array is an object [length: u32][capacity: u32][data: u32];
// its elements live in a separate buffer block (type 4), which the array's
// type (2: plain values, 3: strings, which the collector follows) marks.
const __ARRAY_REFS: u32 = 768;
const __BUFFER: u32 = 1024;

function __arr_new(len: u32, shift: u32, info: u32): u32 {
  let a = __alloc(12, info);
  let cap = len < 8 ? 8 : len;
  let data = __alloc(cap << shift, __BUFFER);
  __store32(a, len);
  __store32(a + 4, cap);
  __store32(a + 8, data);
  return a;
}

// The address of element `i`; out of range (or a null array) traps.
function __arr_slot(a: u32, i: i32, shift: u32): u32 {
  if ((i as u32) >= __load32(a)) __unreachable();
  return __load32(a + 8) + ((i as u32) << shift);
}

// Appends a slot (doubling the buffer when full) and returns its address.
function __arr_push_slot(a: u32, shift: u32): u32 {
  if (a == 0) __unreachable();
  let len = __load32(a);
  let cap = __load32(a + 4);
  if (len == cap) {
    let old = __load32(a + 8);
    let data = __alloc((cap << 1) << shift, __BUFFER);
    __memory_copy(data, old, cap << shift);
    // Only this array refers to its buffer.
    __free_block(old - 8);
    __store32(a + 4, cap << 1);
    __store32(a + 8, data);
  }
  __store32(a, len + 1);
  return __load32(a + 8) + (len << shift);
}

// Removes the last slot and returns its address; an empty array traps.
function __arr_pop_slot(a: u32, shift: u32): u32 {
  let len = __load32(a);
  if (len == 0) __unreachable();
  __store32(a, len - 1);
  return __load32(a + 8) + ((len - 1) << shift);
}

function __arr_push_str(a: u32, s: string): void {
  __store32(__arr_push_slot(a, 2), __ptr(s));
}

// AssemblyScript's `split`: no separator gives [s]; an empty one splits
// into code units.
function __str_split(s: string, sep: string): string[] {
  let a = __arr_new(0, 2, __ARRAY_REFS);
  let p = __or_null(__ptr(s));
  let len = __load32(p);
  let q = __ptr(sep);
  if (q == 0) {
    __arr_push_str(a, __str(p));
    return __arr_cast(a);
  }
  let n = __load32(q);
  if (n == 0) {
    for (let i: u32 = 0; i < len; i++) {
      __arr_push_str(a, __str_copy(p, i, i + 1));
    }
    return __arr_cast(a);
  }
  let start: u32 = 0;
  let i: u32 = 0;
  while (i + n <= len) {
    if (__same(p, i, q, 0, n)) {
      __arr_push_str(a, __str_copy(p, start, i));
      i += n;
      start = i;
    } else {
      i++;
    }
  }
  __arr_push_str(a, __str_copy(p, start, len));
  return __arr_cast(a);
}

function __arr_join(a: u32, sep: string): string {
  let len = __load32(a);
  let out = "";
  for (let i: u32 = 0; i < len; i++) {
    if (i > 0) out = __str_concat(out, sep);
    out = __str_concat(out, __str(__load32(__load32(a + 8) + (i << 2))));
  }
  return out;
}

// AssemblyScript's `Math.round` (half-way cases up, -0 kept), `Math.sign`
// and `Math.fround`.
function __math_round(x: f64): f64 {
  let up = Math.ceil(x);
  return up - 0.5 <= x ? up : up - 1.0;
}

function __math_sign(x: f64): f64 {
  return x > 0 ? 1.0 : (x < 0 ? -1.0 : x);
}

function __math_fround(x: f64): f64 {
  return (x as f32) as f64;
}

// Bytes at the boundary: a Uint8Array (an array of u8, type 2) from the
// host's bytes, to a pinned block for the host, and from a host result.
function __bytes_from(ptr: u32, len: u32): u32 {
  let a = __arr_new(len, 0, 512);
  __memory_copy(__load32(a + 8), ptr, len);
  return a;
}

function __bytes_to_host(a: u32): u64 {
  let len = __load32(a);
  let buf = __alloc_raw(len, __PINNED);
  __memory_copy(buf, __load32(a + 8), len);
  return ((buf as u64) << 32) | (len as u64);
}

function __bytes_from_host(packed: u64): u32 {
  if (packed == 0) return 0;
  let ptr = (packed >> 32) as u32;
  let len = (packed & 0xFFFFFFFF) as u32;
  let a = __bytes_from(ptr, len);
  __abi_free(ptr);
  return a;
}
