;; An untrusted plugin that wants a logger and the network.
(module
  (import "env" "log" (func $log (param i32 i32)))
  (import "env" "fetch" (func $fetch (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "plugin says hi")
  (func (export "run") (result i32)
    (call $log (i32.const 0) (i32.const 14))
    (call $fetch (i32.const 0) (i32.const 14)))
)
