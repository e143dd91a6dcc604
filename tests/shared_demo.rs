//! `cargo xtask serve` until the server lands: builds the shared crate's
//! guest module, loads it into wasmtime and runs each function through the
//! guest ABI next to the native build, printing both.

use anyhow::Result;
use echelon_shared::{compute, crypto, validation};
use echelon_tests::{shared_guest_wasm, Arg, Guest};
use wasmtime::Engine;

fn main() -> Result<()> {
    let path = shared_guest_wasm()?;
    let wasm = std::fs::read(path)?;
    println!("guest module: {} ({} bytes)", path.display(), wasm.len());
    let mut g = Guest::new(&Engine::default(), &wasm)?;
    for user in [
        r#"{"email":"ada@example.com","age":36}"#,
        r#"{"email":"ada@","age":12}"#,
        "{",
    ] {
        let out = String::from_utf8(g.call_bytes("validate_user", &[Arg::Bytes(user.as_bytes())])?)?;
        println!(
            "validate_user({user})\n  wasm:   {out}\n  native: {}",
            validation::validate_user(user)
        );
    }
    let fib: i64 = g.typed("fibonacci", 40)?;
    println!(
        "fibonacci(40)\n  wasm:   {fib}\n  native: {}",
        compute::fibonacci(40)?
    );
    let pi: f64 = g.typed("monte_carlo_pi", (1_000_000, 42i64))?;
    println!(
        "monte_carlo_pi(1e6, 42)\n  wasm:   {pi}\n  native: {}",
        compute::monte_carlo_pi(1_000_000, 42)?
    );
    let digest = g.call_bytes("sha256", &[Arg::Bytes(b"echelon")])?;
    println!(
        "sha256(\"echelon\")\n  wasm:   {}\n  native: {}",
        hex(&digest),
        hex(&crypto::sha256(b"echelon"))
    );
    match g.call_bytes(
        "encrypt_block",
        &[Arg::Bytes(b"short key"), Arg::Bytes(b"0123456789abcdef")],
    ) {
        Ok(_) => println!("encrypt_block with a short key unexpectedly succeeded"),
        Err(e) => println!("encrypt_block(short key)\n  wasm:   {e}"),
    }
    Ok(())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
