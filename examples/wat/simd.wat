;; Uses 128-bit SIMD: needs the `simd` capability in a sandbox.
(module
  (func (export "sum4") (param i32 i32 i32 i32) (result i32)
    (local v128)
    (local.set 4 (i32x4.replace_lane 3 (i32x4.replace_lane 2 (i32x4.replace_lane 1
      (i32x4.splat (local.get 0)) (local.get 1)) (local.get 2)) (local.get 3)))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get 4)) (i32x4.extract_lane 1 (local.get 4)))
      (i32.add (i32x4.extract_lane 2 (local.get 4)) (i32x4.extract_lane 3 (local.get 4)))))
)
