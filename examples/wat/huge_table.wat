;; Declares a table of 50 million elements.
(module
  (table 50000000 funcref)
  (func (export "noop")))
