;; Capabilities `kv-read` and `kv-write`: the plugin's own key-value
;; namespace, persisted by the server.
(module
  (import "echelon" "kv_get" (func $kv_get (param i32 i32) (result i64)))
  (import "echelon" "kv_set" (func $kv_set (param i32 i32 i32 i32) (result i32)))
  (import "echelon" "kv_delete" (func $kv_delete (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  ;; A bump allocator that grows memory; echelon_free releases the most
  ;; recent allocation (how the host frees: the result, then the arguments).
  (func $alloc (export "echelon_alloc") (param $len i32) (result i32)
    (local $p i32) (local $need i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (local.get $p) (local.get $len)))
    (local.set $need (i32.sub (global.get $heap) (i32.mul (memory.size) (i32.const 65536))))
    (if (i32.gt_s (local.get $need) (i32.const 0))
      (then
        (if (i32.eq
              (memory.grow (i32.add (i32.shr_u (local.get $need) (i32.const 16)) (i32.const 1)))
              (i32.const -1))
          (then (global.set $heap (local.get $p)) (return (i32.const 0))))))
    (local.get $p))
  (func (export "echelon_free") (param $ptr i32) (param $len i32)
    (if (i32.eq (i32.add (local.get $ptr) (local.get $len)) (global.get $heap))
      (then (global.set $heap (local.get $ptr)))))
  (data (i32.const 16) "key-0000")
  (func (export "get") (param $k i32) (param $kl i32) (result i64)
    (call $kv_get (local.get $k) (local.get $kl)))
  (func (export "set") (param $k i32) (param $kl i32) (param $v i32) (param $vl i32) (result i32)
    (call $kv_set (local.get $k) (local.get $kl) (local.get $v) (local.get $vl)))
  (func (export "delete") (param $k i32) (param $kl i32) (result i32)
    (call $kv_delete (local.get $k) (local.get $kl)))
  ;; Adds 1 to the little-endian i32 counter at key (absent = 0) and
  ;; returns the new value.
  (func (export "incr") (param $k i32) (param $kl i32) (result i32)
    (local $packed i64) (local $n i32) (local $buf i32)
    (local.set $packed (call $kv_get (local.get $k) (local.get $kl)))
    (if (i64.ge_u (i64.and (local.get $packed) (i64.const 0xffffffff)) (i64.const 4))
      (then (local.set $n (i32.load (i32.wrap_i64 (i64.shr_u (local.get $packed) (i64.const 32)))))))
    (local.set $n (i32.add (local.get $n) (i32.const 1)))
    (local.set $buf (call $alloc (i32.const 4)))
    (i32.store (local.get $buf) (local.get $n))
    (drop (call $kv_set (local.get $k) (local.get $kl) (local.get $buf) (i32.const 4)))
    (local.get $n))
  ;; Writes n keys key-0000, key-0001, ... each with an 8-byte value, then
  ;; fails (traps) when `fail` is non-zero; returns n.
  (func (export "fill") (param $n i32) (param $fail i32) (result i32)
    (local $i i32) (local $d i32) (local $x i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ;; four decimal digits of i at 20..23
        (local.set $x (local.get $i))
        (local.set $d (i32.const 23))
        (block $digits
          (loop $digit
            (i32.store8 (local.get $d) (i32.add (i32.const 48) (i32.rem_u (local.get $x) (i32.const 10))))
            (local.set $x (i32.div_u (local.get $x) (i32.const 10)))
            (br_if $digits (i32.eq (local.get $d) (i32.const 20)))
            (local.set $d (i32.sub (local.get $d) (i32.const 1)))
            (br $digit)))
        (i64.store (i32.const 64) (i64.extend_i32_u (local.get $i)))
        (drop (call $kv_set (i32.const 16) (i32.const 8) (i32.const 64) (i32.const 8)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (if (local.get $fail) (then unreachable))
    (local.get $n))
  (@custom "echelon:abi" "get(key: string) -> bytes\nset(key: string, value: bytes) -> i32\ndelete(key: string) -> i32\nincr(key: string) -> i32\nfill(n: i32, fail: i32) -> i32\n")
)
