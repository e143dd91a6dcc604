//! `#[echelon_guest::export]` refuses signatures it cannot export at
//! compile time, pointing at the offending part. The expected compiler
//! output is in `tests/ui/*.stderr` (regenerate with `TRYBUILD=overwrite`
//! and review the diff).

#[test]
fn signatures() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/ok.rs");
    t.compile_fail("tests/ui/unsupported_types.rs");
    t.compile_fail("tests/ui/function_shapes.rs");
    t.compile_fail("tests/ui/attribute_use.rs");
}
