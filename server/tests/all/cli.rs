//! The `echelon` binary, run as a user would (assert_cmd): each subcommand,
//! success and failure.

use assert_cmd::Command;

use crate::support::example;

fn echelon() -> Command {
    Command::cargo_bin("echelon").expect("the echelon binary is built")
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn failure(cmd: &mut Command) -> (i32, String) {
    let out = cmd.output().expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).expect("utf-8 errors");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one-line reason: {stderr}");
    (out.status.code().unwrap_or(-1), stderr)
}

#[test]
fn run_invoke_prints_results() {
    let math = example("wat/math.wat");
    assert_eq!(
        stdout(
            echelon()
                .arg("run")
                .arg(&math)
                .args(["--invoke", "add", "5", "3"])
        ),
        "8\n"
    );
    assert_eq!(
        stdout(
            echelon()
                .arg("run")
                .arg(&math)
                .args(["--invoke", "multiply64", "3000000000", "3"])
        ),
        "9000000000\n"
    );
    assert_eq!(
        stdout(
            echelon()
                .arg("run")
                .arg(&math)
                .args(["--invoke", "f64_sqrt", "2.25"])
        ),
        "1.5\n"
    );
    let guest = echelon_tests::shared_guest_wasm().unwrap();
    let out = stdout(echelon().arg("run").arg(guest).args([
        "--invoke",
        "validate_user",
        r#"{"email":"ada@example.com","age":36}"#,
    ]));
    assert_eq!(out, "valid\n");
}

#[test]
fn run_failures_are_one_line_and_non_zero() {
    let math = example("wat/math.wat");
    let (code, err) = failure(
        echelon()
            .arg("run")
            .arg(&math)
            .args(["--invoke", "divide", "1", "0"]),
    );
    assert_eq!(code, 1);
    assert!(err.contains("integer divide by zero"), "{err}");
    let (_, err) = failure(echelon().arg("run").arg(&math).args(["--invoke", "add", "1"]));
    assert!(err.contains("expected 2 argument(s)"), "{err}");
    let (_, err) = failure(
        echelon()
            .arg("run")
            .arg(&math)
            .args(["--invoke", "add", "1", "x"]),
    );
    assert!(err.contains("argument 1"), "{err}");
    let (_, err) = failure(echelon().arg("run").arg(example("wat/hostile.wat")).args([
        "--invoke",
        "spin",
        "--timeout",
        "100",
    ]));
    assert!(err.contains("timed out after 100 ms"), "{err}");
    let (_, err) = failure(echelon().args(["run", "/nonexistent.wasm", "--invoke", "f"]));
    assert!(err.contains("cannot read /nonexistent.wasm"), "{err}");
    let out = echelon().arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "usage errors exit 2");
}

#[test]
fn run_wasi_programs_with_dirs_env_and_args() {
    let args = echelon_tests::wasi_guest("print_args").unwrap();
    let out = stdout(echelon().arg("run").arg(&args).args(["--", "hello", "--flag"]));
    assert!(out.ends_with("hello\n--flag\n"), "{out}");
    let env = echelon_tests::wasi_guest("env_clock_random").unwrap();
    // The clock and randomness are granted by default (as `wasmtime run`
    // does), refused on request.
    let out = stdout(echelon().arg("run").arg(&env).args(["--env", "NODE_ENV=cli"]));
    assert!(
        out.contains("env NODE_ENV=cli") && out.contains("clock ok "),
        "{out}"
    );
    let out = stdout(echelon().arg("run").arg(&env).arg("--deny-time-and-random"));
    assert!(out.contains("clock errno 76"), "{out}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("input.txt"), "cli input").unwrap();
    let fp = echelon_tests::wasi_guest("file_processor").unwrap();
    let out = stdout(
        echelon()
            .arg("run")
            .arg(&fp)
            .arg("--dir")
            .arg(format!("{}::/data", dir.path().display())),
    );
    assert_eq!(out, "File contents: cli input\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("output.txt")).unwrap(),
        "Hello from WASM+WASI!"
    );
    let exit = echelon_tests::wasi_guest("exit_with").unwrap();
    let out = echelon()
        .arg("run")
        .arg(&exit)
        .args(["--", "3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn validate_and_inspect() {
    let math = example("wat/math.wat");
    assert!(stdout(echelon().arg("validate").arg(&math)).contains("valid"));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.wasm");
    std::fs::write(&bad, b"\0asm\x01\0\0\0\x01\x05").unwrap();
    let (code, err) = failure(echelon().arg("validate").arg(&bad));
    assert_eq!(code, 1);
    assert!(
        err.contains("invalid WebAssembly module") && err.contains("byte offset"),
        "{err}"
    );
    let out = stdout(echelon().arg("inspect").arg(&math));
    assert!(out.contains("func add(i32, i32) -> i32"), "{out}");
    assert!(out.contains("memory: 1 page(s)"), "{out}");
    let dts = stdout(echelon().arg("inspect").arg(&math).arg("--dts"));
    assert!(
        dts.contains("export function add(arg0: number, arg1: number): number;"),
        "{dts}"
    );
    let help = stdout(echelon().arg("--help"));
    for sub in ["run", "validate", "inspect"] {
        assert!(help.contains(sub));
    }
}

#[test]
fn compile_optimize_and_run_typescript() {
    let dir = tempfile::tempdir().unwrap();
    let ts = example("ts/math.ts");
    let out = dir.path().join("math.wasm");
    let text = stdout(echelon().arg("compile").arg(&ts).arg("-o").arg(&out));
    assert!(text.contains("bytes"), "{text}");
    assert_eq!(
        stdout(
            echelon()
                .arg("run")
                .arg(&out)
                .args(["--invoke", "factorial", "5"])
        ),
        "120\n"
    );
    assert_eq!(
        stdout(echelon().arg("run").arg(&ts).args(["--invoke", "factorial", "5"])),
        "120\n"
    );
    let small = dir.path().join("small.wasm");
    let text = stdout(
        echelon()
            .arg("optimize")
            .arg(&out)
            .arg("-o")
            .arg(&small)
            .args(["--level", "size"]),
    );
    assert!(text.contains("->"), "{text}");
    assert!(std::fs::metadata(&small).unwrap().len() <= std::fs::metadata(&out).unwrap().len());
    assert_eq!(
        stdout(
            echelon()
                .arg("run")
                .arg(&small)
                .args(["--invoke", "factorial", "5"])
        ),
        "120\n"
    );
    let bad = dir.path().join("bad.ts");
    std::fs::write(&bad, "export function f(): i32 {\n  return y;\n}\n").unwrap();
    let (code, err) = failure(
        echelon()
            .arg("compile")
            .arg(&bad)
            .arg("-o")
            .arg(dir.path().join("x.wasm")),
    );
    assert_eq!(code, 1);
    assert!(err.contains("bad.ts:2:"), "{err}");
    let (_, err) = failure(
        echelon()
            .arg("compile")
            .arg(&out)
            .arg("-o")
            .arg(dir.path().join("y.wasm")),
    );
    assert!(err.contains("expected a .ts or .wat file"), "{err}");
    let out = echelon()
        .arg("optimize")
        .arg(&out)
        .arg("-o")
        .arg(&small)
        .args(["--level", "fast"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

fn workspace_target(sub: &str) -> std::path::PathBuf {
    example("..").join("target").join(sub)
}

#[test]
fn build_a_rust_crate_then_run_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pkg");
    let text = stdout(
        echelon()
            .arg("build")
            .arg(example("rust-plugin"))
            .args(["--target", "server", "--release", "--out"])
            .arg(&out)
            .arg("--target-dir")
            .arg(workspace_target("guest")),
    );
    let module = out.join("echelon_example_plugin.wasm");
    assert!(text.contains(&module.display().to_string()), "{text}");
    assert_eq!(
        stdout(
            echelon()
                .arg("run")
                .arg(&module)
                .args(["--invoke", "collatz_steps", "27"])
        ),
        "111\n"
    );
}

#[test]
fn build_failures_say_where_and_why() {
    let dir = tempfile::tempdir().unwrap();
    // No crate: one line.
    let (code, err) = failure(echelon().arg("build").arg(dir.path()));
    assert_eq!(code, 1);
    assert!(err.contains("no Cargo.toml"), "{err}");
    // A bad --target value is a usage error.
    let out = echelon()
        .arg("build")
        .arg(dir.path())
        .args(["--target", "desktop"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected server, browser or both"));
    // A type error: rustc's rendering, then the located one-line reason.
    let project = dir.path().join("broken");
    std::fs::create_dir_all(project.join("src")).unwrap();
    std::fs::write(
        project.join("Cargo.toml"),
        "[package]\nname = \"broken\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[workspace]\n[lib]\ncrate-type = [\"cdylib\"]\n",
    )
    .unwrap();
    std::fs::write(project.join("src/lib.rs"), "pub fn f() -> u8 {\n    true\n}\n").unwrap();
    let out = echelon()
        .arg("build")
        .arg(&project)
        .args(["--target", "server", "--out"])
        .arg(dir.path().join("out"))
        .arg("--target-dir")
        .arg(dir.path().join("target"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("expected `u8`, found `bool`"), "{stderr}");
    let last = stderr.trim_end().lines().last().unwrap();
    assert!(
        last.starts_with("echelon: error:")
            && last.contains("src/lib.rs:2:5: error[E0308]: mismatched types"),
        "{last}"
    );
}

#[test]
fn new_refuses_taken_directories_and_bad_names() {
    let dir = tempfile::tempdir().unwrap();
    let taken = dir.path().join("taken");
    std::fs::create_dir_all(&taken).unwrap();
    std::fs::write(taken.join("notes.txt"), "mine").unwrap();
    let (code, err) = failure(echelon().arg("new").arg(&taken));
    assert_eq!(code, 1);
    assert!(err.contains("already exists and is not empty"), "{err}");
    let (code, err) = failure(echelon().arg("new").arg(dir.path().join("9lives")));
    assert_eq!(code, 1);
    assert!(err.contains("not a valid crate name"), "{err}");
    let out = echelon()
        .arg("new")
        .arg(dir.path().join("ok"))
        .args(["--template", "desktop"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected shared or plugin"));
    // Nothing was written for the refused calls.
    assert_eq!(std::fs::read_dir(&taken).unwrap().count(), 1);
    assert!(!dir.path().join("9lives").exists() && !dir.path().join("ok").exists());
}

#[test]
fn logs_carry_no_colour_codes_when_stderr_is_not_a_terminal() {
    let out = echelon()
        .env("RUST_LOG", "debug")
        .args(["run"])
        .arg(example("wat/hostile.wat"))
        .args(["--invoke", "crash"])
        .output()
        .unwrap();
    // The trap is logged at debug level ("call failed").
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("DEBUG"), "debug logs were asked for: {stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "colour codes in piped stderr: {stderr:?}"
    );
}
