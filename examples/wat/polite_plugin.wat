;; A plugin that only logs.
(module
  (import "env" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "polite plugin")
  (func (export "run") (result i32)
    (call $log (i32.const 0) (i32.const 13))
    i32.const 7)
)
