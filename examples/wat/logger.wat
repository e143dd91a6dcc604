;; Imports the spec's host `log(ptr, len)` and an async `fetch_status`.
(module
  (import "env" "log" (func $log (param i32 i32)))
  (import "env" "fetch_status" (func $fetch (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasm")
  (data (i32.const 64) "https://example.invalid/")
  (func (export "main") (result i32)
    (call $log (i32.const 16) (i32.const 15))
    i32.const 42)
  (func (export "status") (result i32)
    (call $fetch (i32.const 64) (i32.const 24)))
)
