;; Capability `time`: `echelon.now_ms() -> i64`, the wall clock.
(module
  (import "echelon" "now_ms" (func $now (result i64)))
  (func (export "now") (result i64) (call $now))
)
