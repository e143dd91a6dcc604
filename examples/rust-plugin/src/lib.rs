//! A plugin written in Rust for the echelon runtime: plain numeric exports,
//! no allocator, no imports, so it runs under the strictest sandbox.
//!
//! ```sh
//! echelon build examples/rust-plugin --target server --release --out target/plugin
//! echelon run target/plugin/echelon_example_plugin.wasm --invoke collatz_steps 27
//! ```

/// Steps of the Collatz sequence from `n` down to 1 (`-1` for `n < 1`).
#[no_mangle]
pub extern "C" fn collatz_steps(n: i64) -> i32 {
    if n < 1 {
        return -1;
    }
    let (mut n, mut steps) = (n, 0);
    while n != 1 {
        n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
        steps += 1;
    }
    steps
}

/// Greatest common divisor (Euclid).
#[no_mangle]
pub extern "C" fn gcd(a: i64, b: i64) -> i64 {
    let (mut a, mut b) = (a.abs(), b.abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}
