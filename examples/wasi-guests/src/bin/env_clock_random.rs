//! Reports what the sandbox grants: environment, clock, randomness.
fn main() {
    for name in ["NODE_ENV", "API_KEY", "HOME", "PATH"] {
        match std::env::var(name) {
            Ok(v) => println!("env {name}={v}"),
            Err(_) => println!("env {name} unset"),
        }
    }
    #[cfg(target_os = "wasi")]
    {
        use echelon_wasi_guests::raw;
        match raw::now_ns() {
            Ok(t) => println!("clock ok {}", t / 1_000_000_000),
            Err(e) => println!("clock errno {e}"),
        }
        match raw::random(8) {
            Ok(b) => println!(
                "random ok {}",
                b.iter().map(|x| format!("{x:02x}")).collect::<String>()
            ),
            Err(e) => println!("random errno {e}"),
        }
    }
}
