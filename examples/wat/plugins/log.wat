;; Capability `console`: `echelon.log(level, ptr, len)`.
;; hello(name) logs the name at info and a fixed line at warn, and returns
;; the name's length.
(module
  (import "echelon" "log" (func $log (param i32 i32 i32)))
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
  (data (i32.const 16) "careful: plugins log")
  (func (export "hello") (param $ptr i32) (param $len i32) (result i32)
    (call $log (i32.const 1) (local.get $ptr) (local.get $len))
    (call $log (i32.const 2) (i32.const 16) (i32.const 20))
    (local.get $len))
  ;; Logs the same line n times (for the log caps).
  (func (export "spam") (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $log (i32.const 0) (i32.const 16) (i32.const 20))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $n))
  (@custom "echelon:abi" "hello(name: string) -> i32\nspam(n: i32) -> i32\n")
)
