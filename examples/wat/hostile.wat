;; Modules behaving badly, one export each: the runtime must stop each one
;; with the right error and keep serving.
(module
  (memory (export "memory") 1)
  (func (export "spin")
    (loop $l (br $l)))
  (func (export "grow_forever") (result i32)
    (loop $l
      (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    memory.size)
  (func $deep (export "recurse") (param i32) (result i32)
    (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "crash")
    unreachable)
  (func (export "oob") (result i32)
    (i32.load (i32.const 1000000)))
)
