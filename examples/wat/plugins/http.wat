;; Capability `network`: `echelon.http_request(reqptr, reqlen) -> i64`, a JSON
;; request {method,url,headers,body_base64} answered by a JSON response
;; {status,headers,body_base64}, only to the manifest's allowed_hosts.
(module
  (import "echelon" "http_request" (func $http (param i32 i32) (result i64)))
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
  (func (export "fetch") (param $ptr i32) (param $len i32) (result i64)
    (call $http (local.get $ptr) (local.get $len)))
  (@custom "echelon:abi" "fetch(request: string) -> json\n")
)
