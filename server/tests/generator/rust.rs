//! `Generator::compile_rust` on real crates: the example plugin builds and
//! runs, a type error comes back as a structured diagnostic, and a build that
//! cannot start is a clear error. (The shared crate's both-targets build is
//! exercised by the end-to-end test, tests/e2e.)

use std::path::{Path, PathBuf};

use echelon::generator::{
    compile_rust_with_progress, BuildProgress, Generator, GeneratorError, RustBuildConfig, RustTarget,
};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("server/ is inside the workspace")
        .to_path_buf()
}

#[test]
fn the_example_plugin_builds_and_runs() {
    let out = tempfile::tempdir().expect("temp dir");
    let config = RustBuildConfig::new(root().join("examples/rust-plugin"), out.path())
        .target(RustTarget::Server)
        .release(true)
        .target_dir(root().join("target/guest"));
    let mut events = Vec::new();
    let result =
        compile_rust_with_progress(&config, &mut |p| events.push(p.clone())).expect("the build runs");
    assert!(result.success, "{:#?}", result.diagnostics);
    let wasm = result.output_path.clone().expect("an output");
    assert_eq!(wasm, out.path().join("echelon_example_plugin.wasm"));
    assert_eq!(result.server_module.as_ref(), Some(&wasm));
    assert_eq!(result.size, std::fs::metadata(&wasm).expect("written").len());
    assert!(result.js_path.is_none() && result.browser_wasm.is_none());
    assert!(events
        .iter()
        .any(|e| matches!(e, BuildProgress::Cargo { half: "server", .. })));
    assert!(events
        .iter()
        .any(|e| matches!(e, BuildProgress::Step(s) if s.starts_with("wasm-opt"))));

    let engine = wasmtime::Engine::default();
    let module = wasmtime::Module::from_file(&engine, &wasm).expect("a valid module");
    let mut store = wasmtime::Store::new(&engine, ());
    let instance = wasmtime::Instance::new(&mut store, &module, &[]).expect("no imports needed");
    let collatz = instance
        .get_typed_func::<i64, i32>(&mut store, "collatz_steps")
        .expect("collatz_steps(i64) -> i32");
    assert_eq!(collatz.call(&mut store, 27).expect("runs"), 111);
    let gcd = instance
        .get_typed_func::<(i64, i64), i64>(&mut store, "gcd")
        .expect("gcd(i64, i64) -> i64");
    assert_eq!(gcd.call(&mut store, (1071, 462)).expect("runs"), 21);
}

fn write_crate(dir: &Path, lib: &str) {
    std::fs::create_dir_all(dir.join("src")).expect("src/");
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"broken\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n\
         [lib]\ncrate-type = [\"cdylib\"]\n",
    )
    .expect("Cargo.toml");
    std::fs::write(dir.join("src/lib.rs"), lib).expect("lib.rs");
}

#[test]
fn a_type_error_is_a_structured_diagnostic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("broken");
    write_crate(
        &project,
        "#[no_mangle]\npub extern \"C\" fn answer() -> i32 {\n    \"forty-two\"\n}\n",
    );
    let config = RustBuildConfig::new(&project, dir.path().join("out")).target_dir(dir.path().join("target"));
    let result = Generator::new().compile_rust(&config).expect("the build runs");
    assert!(!result.success);
    assert!(result.output_path.is_none());
    let errors: Vec<_> = result.errors().collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = errors[0];
    assert_eq!(e.code.as_deref(), Some("E0308"));
    assert_eq!(e.message, "mismatched types");
    assert_eq!((e.line, e.column), (3, 5));
    assert!(
        e.file.as_ref().is_some_and(|f| f.ends_with("src/lib.rs")),
        "{:?}",
        e.file
    );
    assert!(e.rendered.contains("expected `i32`"), "{}", e.rendered);
    assert!(
        !e.rendered.contains('\u{1b}'),
        "no terminal colour codes in the rendering"
    );
}

#[test]
fn builds_that_cannot_start_say_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let err = Generator::new()
        .compile_rust(&RustBuildConfig::new(dir.path(), dir.path().join("out")))
        .expect_err("no crate there");
    assert!(
        matches!(&err, GeneratorError::Build(m) if m.contains("no Cargo.toml")),
        "{err}"
    );

    // A crate that is not a cdylib cannot become a module.
    let project = dir.path().join("rlib");
    std::fs::create_dir_all(project.join("src")).expect("src/");
    std::fs::write(
        project.join("Cargo.toml"),
        "[package]\nname = \"rlib-only\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .expect("Cargo.toml");
    std::fs::write(project.join("src/lib.rs"), "pub fn f() {}\n").expect("lib.rs");
    let err = Generator::new()
        .compile_rust(&RustBuildConfig::new(&project, dir.path().join("out")))
        .expect_err("no cdylib");
    assert!(err.to_string().contains("crate-type"), "{err}");
}

#[test]
fn browser_builds_honour_the_wasm_bindgen_options() {
    use echelon::generator::{BindgenTarget, WasmBindgenOptions};
    let out = tempfile::tempdir().expect("temp dir");
    let node = out.path().join("node");
    let config = RustBuildConfig {
        wasm_bindgen_options: WasmBindgenOptions {
            target: BindgenTarget::Nodejs,
            out_dir: Some(node.clone()),
            out_name: Some("echelon_node".into()),
            typescript: false,
        },
        wasm_opt: None,
        ..RustBuildConfig::new(root().join("browser"), out.path())
            .target(RustTarget::Browser)
            .profile("wasm-release")
            .target_dir(root().join("target/guest"))
    };
    let result = Generator::new().compile_rust(&config).expect("the build runs");
    assert!(result.success, "{:#?}", result.diagnostics);
    assert_eq!(result.browser_wasm, Some(node.join("echelon_node_bg.wasm")));
    assert_eq!(result.output_path, result.browser_wasm);
    assert!(result.server_module.is_none());
    assert!(result.dts_path.is_none(), "typescript: false writes no .d.ts");
    let js = std::fs::read_to_string(result.js_path.expect("the JS glue")).expect("readable");
    assert!(
        js.contains("require(") || js.contains("module.exports"),
        "CommonJS for Node.js"
    );
    assert!(js.contains("validate_user"));
    assert!(wasmparser::Validator::new()
        .validate_all(&std::fs::read(node.join("echelon_node_bg.wasm")).expect("written"))
        .is_ok());
}
