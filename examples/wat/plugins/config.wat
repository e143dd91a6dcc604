;; Capability `env`: `echelon.config_get(kptr, klen) -> i64`, a value of the
;; plugin's manifest `config` (empty string when absent).
(module
  (import "echelon" "config_get" (func $config_get (param i32 i32) (result i64)))
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
  (func (export "get") (param $ptr i32) (param $len i32) (result i64)
    (call $config_get (local.get $ptr) (local.get $len)))
  ;; 1 when the key is present (even with an empty value), 0 when absent.
  (func (export "has") (param $ptr i32) (param $len i32) (result i32)
    (i64.ne (call $config_get (local.get $ptr) (local.get $len)) (i64.const 0)))
  (@custom "echelon:abi" "get(key: string) -> string\nhas(key: string) -> i32\n")
)
