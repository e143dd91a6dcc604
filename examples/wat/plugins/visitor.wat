;; The plugin of examples/host/plugin_system.rs: uses `env` (config),
;; `console` (log) and `kv-read`/`kv-write` (a visit counter per name).
;; visit(name) logs the configured greeting and the name, counts the visit
;; in the plugin's key-value namespace and returns the count.
(module
  (import "echelon" "log" (func $log (param i32 i32 i32)))
  (import "echelon" "config_get" (func $config_get (param i32 i32) (result i64)))
  (import "echelon" "kv_get" (func $kv_get (param i32 i32) (result i64)))
  (import "echelon" "kv_set" (func $kv_set (param i32 i32 i32 i32) (result i32)))
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
  (data (i32.const 16) "greeting")
  (func (export "visit") (param $name i32) (param $len i32) (result i32)
    (local $packed i64) (local $n i32) (local $mark i32)
    ;; everything the host allocates for this call is released at the end
    (local.set $mark (global.get $heap))
    ;; the greeting from the manifest's config, when there is one
    (local.set $packed (call $config_get (i32.const 16) (i32.const 8)))
    (if (i64.ne (local.get $packed) (i64.const 0))
      (then
        (call $log (i32.const 1)
          (i32.wrap_i64 (i64.shr_u (local.get $packed) (i64.const 32)))
          (i32.wrap_i64 (local.get $packed)))))
    (call $log (i32.const 1) (local.get $name) (local.get $len))
    ;; count the visit
    (local.set $packed (call $kv_get (local.get $name) (local.get $len)))
    (if (i64.ge_u (i64.and (local.get $packed) (i64.const 0xffffffff)) (i64.const 4))
      (then (local.set $n (i32.load (i32.wrap_i64 (i64.shr_u (local.get $packed) (i64.const 32)))))))
    (local.set $n (i32.add (local.get $n) (i32.const 1)))
    (i32.store (i32.const 32) (local.get $n))
    (drop (call $kv_set (local.get $name) (local.get $len) (i32.const 32) (i32.const 4)))
    (global.set $heap (local.get $mark))
    (local.get $n))
  (@custom "echelon:abi" "visit(name: string) -> i32\n")
)
