//! Prints its arguments, one per line.
fn main() {
    for a in std::env::args() {
        println!("{a}");
    }
}
