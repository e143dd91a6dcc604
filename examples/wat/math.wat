;; The spec's math module: add, multiply64, fibonacci, an exported global
;; and memory.
(module
  (memory (export "memory") 1)
  (global $version (export "version") i32 (i32.const 100))
  (func (export "add") (param $a i32) (param $b i32) (result i32)
    local.get $a
    local.get $b
    i32.add)
  (func (export "multiply64") (param $a i64) (param $b i64) (result i64)
    local.get $a
    local.get $b
    i64.mul)
  (func $fib (export "fibonacci") (param $n i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func (export "divide") (param $a i32) (param $b i32) (result i32)
    local.get $a
    local.get $b
    i32.div_s)
  (func (export "f64_sqrt") (param f64) (result f64)
    local.get 0
    f64.sqrt)
  (func (export "negate_f32") (param f32) (result f32)
    local.get 0
    f32.neg)
  (func (export "splat_add") (param v128 v128) (result v128)
    local.get 0
    local.get 1
    i8x16.add)
  (func (export "identity_ref") (param externref) (result externref)
    local.get 0)
  (func (export "pick_add") (result funcref)
    ref.func $fib)
  (elem declare func $fib)
  ;; A counter that persists in the instance between calls.
  (global $count (mut i32) (i32.const 0))
  (func (export "bump") (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    global.get $count)
)
