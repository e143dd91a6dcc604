;; Imports a shared memory; two instances increment one counter in it.
(module
  (import "env" "memory" (memory 1 10 shared))
  (func (export "increment") (result i32)
    (i32.atomic.rmw.add (i32.const 0) (i32.const 1))
    drop
    (i32.atomic.load (i32.const 0)))
)
