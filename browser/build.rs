//! Assembles the browser tests' WebAssembly fixtures (`tests/fixtures/*.wat`)
//! into `$OUT_DIR/<name>.wasm`, natively, so the tests can `include_bytes!`
//! them.

use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let fixtures = Path::new("tests/fixtures");
    println!("cargo:rerun-if-changed={}", fixtures.display());
    // A packaged crate has no tests/: nothing to assemble.
    let Ok(entries) = std::fs::read_dir(fixtures) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("readable fixtures directory").path();
        if path.extension().and_then(|e| e.to_str()) != Some("wat") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let wasm = wat::parse_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 file name");
        std::fs::write(Path::new(&out).join(format!("{name}.wasm")), wasm)
            .unwrap_or_else(|e| panic!("writing {name}.wasm: {e}"));
    }
}
