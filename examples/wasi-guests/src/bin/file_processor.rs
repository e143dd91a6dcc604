//! The spec's WASI file processor.
use std::fs::File;
use std::io::{Read, Write};

fn main() {
    let mut out = File::create("/data/output.txt").expect("create /data/output.txt");
    out.write_all(b"Hello from WASM+WASI!")
        .expect("write /data/output.txt");
    let mut contents = String::new();
    File::open("/data/input.txt")
        .and_then(|mut f| f.read_to_string(&mut contents))
        .expect("read /data/input.txt");
    println!("File contents: {contents}");
}
