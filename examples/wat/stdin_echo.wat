;; A WASI guest that returns what it reads from stdin (up to 4 KiB):
;; `echo() -> bytes`, through the guest ABI.
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "echelon_alloc") (param i32) (result i32) (i32.const 8192))
  (func (export "echelon_free") (param i32 i32))
  (func (export "echo") (result i64)
    (local $total i32) (local $n i32)
    (block $eof
      (loop $more
        ;; iovec at 0: buf = 4096 + total, len = 4096 - total
        (i32.store (i32.const 0) (i32.add (i32.const 4096) (local.get $total)))
        (i32.store (i32.const 4) (i32.sub (i32.const 4096) (local.get $total)))
        (br_if $eof (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
        (local.set $n (i32.load (i32.const 8)))
        (br_if $eof (i32.eqz (local.get $n)))
        (local.set $total (i32.add (local.get $total) (local.get $n)))
        (br_if $more (i32.lt_u (local.get $total) (i32.const 4096)))))
    (i64.or (i64.shl (i64.const 4096) (i64.const 32)) (i64.extend_i32_u (local.get $total))))
  (@custom "echelon:abi" "echo() -> bytes\n")
)
