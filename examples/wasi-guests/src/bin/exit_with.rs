//! Exits with the code given as its first argument.
fn main() {
    let code = std::env::args().nth(1).and_then(|c| c.parse().ok()).unwrap_or(1);
    println!("exiting with {code}");
    std::process::exit(code);
}
