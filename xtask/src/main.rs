//! Project automation, in the `cargo xtask` style: plain Rust, no
//! dependencies, so it builds in seconds on a fresh machine.
//!
//! ```text
//! cargo xtask test     install what is missing, then run every test
//! cargo xtask test-browser   only the browser tests, against their local server
//! cargo xtask serve    run the main job
//! cargo xtask setup    only install what is missing
//! cargo xtask fuzz [SECONDS]   every cargo-fuzz target for SECONDS each
//! ```
//!
//! `setup` is idempotent and fast on a second run: each tool is checked
//! first (by version where the version matters) and installed only when
//! missing.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// The wasm32 targets the project builds for.
const TARGETS: &[&str] = &["wasm32-unknown-unknown", "wasm32-wasip1"];
/// wasm-pack version installed when none is on PATH.
const WASM_PACK_VERSION: &str = "0.13.1";

/// cargo-fuzz version installed by `cargo xtask fuzz` when none is on PATH.
const CARGO_FUZZ_VERSION: &str = "0.13.1";

/// Where the browser test server listens (`ECHELON_TEST_SERVER` overrides;
/// the browser tests default to the same address).
const TEST_SERVER_ADDR: &str = "127.0.0.1:38917";

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup(),
        Some("test") => setup().and_then(|()| test(&args[1..])),
        Some("test-browser") => setup().and_then(|()| browser_tests()),
        Some("serve") => serve(&args[1..]),
        Some("fuzz") => fuzz(args.get(1).map(String::as_str)),
        Some("load") => match args.get(1).map(String::as_str) {
            Some("--dev") => load_dev(),
            flag => load_release(flag == Some("--no-build")),
        },
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n  \
                 test    install what is missing (rustup targets, wasm-bindgen-cli, wasm-pack,\n          \
                 chromium, chromium-driver), then run every test\n  \
                 test-browser  only the browser tests (guest module, test server, wasm-pack)\n  \
                 serve   run the main job\n  \
                 load    bounded load test of echelon serve with wrk (release build;\n          \
                 --no-build: measure the release binary already built;\n          \
                 --dev: the dev-profile binary, where the server and wasmtime are optimized)\n  \
                 setup   only install what is missing\n  \
                 fuzz [SECONDS]  run every cargo-fuzz target (fuzz/) for SECONDS each (default 300)"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    // `cargo xtask` (`cargo run`) sets CARGO_MANIFEST_DIR for the run too:
    // prefer it to the compile-time value, so an xtask binary built from
    // another checkout sharing this target directory (and judged fresh by
    // cargo's timestamps) still works on the checkout that invoked it.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Where cargo puts the workspace's own builds: `CARGO_TARGET_DIR` when
/// set (relative to the workspace root), else `target/`.
fn cargo_target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

fn step(what: &str) {
    eprintln!("\n==> {what}");
}

/// Runs a command in the workspace root, failing with its name and status.
fn run(cmd: &mut Command) -> Result {
    let shown = format!("{cmd:?}");
    eprintln!("    $ {shown}");
    let started = Instant::now();
    let status = cmd
        .current_dir(root())
        .status()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    eprintln!("    ({:.1}s)", started.elapsed().as_secs_f64());
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed with {status}"))
    }
}

/// The first line a command prints on stdout, if it runs at all.
fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// The version of `package` recorded in Cargo.lock.
fn locked_version(package: &str) -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .ok_or_else(|| format!("{package} is not in Cargo.lock"))?
        + needle.len();
    let end = lock[start..].find('"').ok_or("Cargo.lock is malformed")?;
    Ok(lock[start..start + end].to_string())
}

fn setup() -> Result {
    let started = Instant::now();
    step("rustup targets");
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    let missing: Vec<&str> = TARGETS
        .iter()
        .copied()
        .filter(|t| !installed.lines().any(|l| l.trim() == *t))
        .collect();
    if missing.is_empty() {
        eprintln!("    installed: {}", TARGETS.join(", "));
    } else {
        run(Command::new("rustup").args(["target", "add"]).args(&missing))?;
    }

    step("wasm-bindgen-cli (must equal the wasm-bindgen in Cargo.lock)");
    let want = locked_version("wasm-bindgen")?;
    let have = output("wasm-bindgen", &["--version"]);
    if have.as_deref() == Some(&format!("wasm-bindgen {want}")) {
        eprintln!("    installed: wasm-bindgen {want}");
    } else {
        eprintln!("    have {have:?}, need {want}");
        // `--locked` fails here: a locked transitive version is missing from
        // the registry. The pinned --version keeps the CLI equal to the lib.
        run(cargo().args(["install", "--force", "wasm-bindgen-cli", "--version", &want]))?;
    }

    step("wasm-pack");
    match output("wasm-pack", &["--version"]) {
        Some(v) => eprintln!("    installed: {v}"),
        None => run(cargo().args(["install", "wasm-pack", "--version", WASM_PACK_VERSION]))?,
    }

    step("Debian packages: chromium, chromium-driver (browser tests), wrk (load test)");
    let wanted = [
        ("chromium", "chromium"),
        ("chromedriver", "chromium-driver"),
        ("wrk", "wrk"),
    ];
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|(probe, _)| output("which", &[probe]).is_none())
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        eprintln!(
            "    installed: {}, wrk",
            output("chromium", &["--version"]).unwrap_or_default()
        );
    } else {
        run(&mut apt(&["update", "-q"]))?;
        run(apt(&["install", "-y", "-q"]).args(&missing))?;
    }
    assemblyscript()?;
    eprintln!("\nsetup complete in {:.0}s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The AssemblyScript compiler the TypeScript subset is checked against
/// (server/tests/generator/asc_parity.rs), pinned, in a project-local npm
/// prefix: `target/asc/node_modules/.bin/asc` under the workspace root.
const ASSEMBLYSCRIPT: &str = "assemblyscript@0.28.20";

fn assemblyscript() -> Result {
    step("AssemblyScript (asc), for the TypeScript subset's parity tests");
    let prefix = root().join("target").join("asc");
    let version = prefix
        .join("node_modules")
        .join("assemblyscript")
        .join("package.json");
    let pinned = ASSEMBLYSCRIPT.rsplit('@').next().unwrap_or_default();
    let have = std::fs::read_to_string(&version).unwrap_or_default();
    if have.contains(&format!("\"version\": \"{pinned}\"")) {
        eprintln!("    installed: {ASSEMBLYSCRIPT} in {}", prefix.display());
        return Ok(());
    }
    std::fs::create_dir_all(&prefix).map_err(|e| format!("cannot create {}: {e}", prefix.display()))?;
    run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(&prefix)
        .arg(ASSEMBLYSCRIPT))
}

fn test(extra: &[String]) -> Result {
    let started = Instant::now();
    step("formatting");
    run(cargo().args(["fmt", "--all", "--check"]))?;

    step("native, guest-module and integration tests (dev profile)");
    run(cargo().args(["test", "--workspace"]).args(extra))?;

    browser_tests()?;

    // The binary `cargo test` just built (dev profile; the server and shared
    // crates are optimized there too): zero failures and flat memory under
    // 50 connections. The figures come from `cargo xtask load` (release).
    step("bounded load test: echelon serve under wrk, 50 connections (about 25 s)");
    load(
        &cargo_target_dir().join("debug/echelon"),
        &LoadPlan { warm_up: 3, run: 8 },
    )?;

    eprintln!("\nall tests passed in {:.0}s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The browser tests: builds the guest module and the test server, runs
/// the server in the background, runs wasm-pack against it, stops it; then
/// the SDK fixture's browser tests (they need no server).
fn browser_tests() -> Result {
    step("shared guest module (served to the browser tests)");
    build_guest()?;

    step("browser test server");
    run(cargo().args(["build", "-p", "echelon-tests", "--bin", "browser-test-server"]))?;
    let addr = std::env::var("ECHELON_TEST_SERVER").unwrap_or_else(|_| TEST_SERVER_ADDR.to_string());
    let _server = TestServer::start(&addr)?;

    step("browser tests in headless Chromium (wasm-pack + Debian's chromedriver)");
    let chromedriver = output("which", &["chromedriver"]).unwrap_or_else(|| "/usr/bin/chromedriver".into());
    run(Command::new("wasm-pack")
        .args([
            "test",
            "--headless",
            "--chrome",
            "--chromedriver",
            &chromedriver,
            "browser",
        ])
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
        // Read by the browser tests at compile time (option_env!).
        .env("ECHELON_TEST_SERVER", &addr))?;

    step("SDK: every supported type through the browser bundle (sdk/fixture, echelon-guest's `browser` feature)");
    run(Command::new("wasm-pack")
        .args([
            "test",
            "--headless",
            "--chrome",
            "--chromedriver",
            &chromedriver,
            "sdk/fixture",
            "--features",
            "browser",
        ])
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120"))
}

/// `browser-test-server` running in the background; killed when dropped,
/// so it stops whether the browser tests pass or fail.
struct TestServer(std::process::Child);

impl TestServer {
    /// Starts the server (already built) on `addr` and waits until it
    /// accepts connections.
    fn start(addr: &str) -> Result<TestServer> {
        use std::net::{TcpStream, ToSocketAddrs};
        use std::time::Duration;

        if TcpStream::connect(addr).is_ok() {
            return Err(format!(
                "{addr} is already in use; stop what listens there or set ECHELON_TEST_SERVER"
            ));
        }
        // Cargo ran in root(), so a relative CARGO_TARGET_DIR is relative to it.
        let target = root().join(std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into()));
        let binary = target.join("debug").join("browser-test-server");
        eprintln!("    $ {} {addr}", binary.display());
        let child = Command::new(&binary)
            .arg(addr)
            .env(
                "ECHELON_GUEST_WASM",
                root().join("target/guest/wasm32-unknown-unknown/wasm-release/echelon_shared.wasm"),
            )
            .current_dir(root())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let mut server = TestServer(child);
        let socket = addr
            .to_socket_addrs()
            .map_err(|e| format!("bad address {addr}: {e}"))?
            .next()
            .ok_or_else(|| format!("bad address {addr}"))?;
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if let Ok(Some(status)) = server.0.try_wait() {
                return Err(format!("browser-test-server exited at start with {status}"));
            }
            if TcpStream::connect_timeout(&socket, Duration::from_millis(200)).is_ok() {
                return Ok(server);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("browser-test-server did not listen on {addr} within 30s"))
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Builds the shared crate's guest module into `target/guest` (where the
/// tests, the browser test server and `echelon serve` look for it).
fn build_guest() -> Result {
    run(cargo().args([
        "build",
        "-p",
        "echelon-shared",
        "--features",
        "guest",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
        "--target-dir",
        "target/guest",
    ]))
}

fn serve(extra: &[String]) -> Result {
    let echelon = |args: &[&str]| {
        let mut cmd = cargo();
        cmd.args(["run", "--quiet", "-p", "echelon-server", "--bin", "echelon", "--"])
            .args(args);
        cmd
    };
    step("echelon build shared --target both: the server module and the browser bundle");
    run(&mut echelon(&[
        "build",
        "shared",
        "--target",
        "both",
        "--profile",
        "wasm-release",
        "--target-dir",
        "target/guest",
        "--out",
        "target/www-pkg",
    ]))?;
    step("echelon serve on http://127.0.0.1:8080 (Ctrl-C stops it gracefully)");
    run(echelon(&[
        "serve",
        "--guest",
        "target/www-pkg/echelon_shared.wasm",
        "--stream-module",
        "examples/wat/transform.wat",
        "--www",
        "www",
        "--pkg",
        "target/www-pkg",
    ])
    .args(extra))
}

/// Runs every cargo-fuzz target of `fuzz/` for `seconds` each (libFuzzer,
/// AddressSanitizer). cargo-fuzz needs nightly-only compiler flags; on the
/// stable toolchain, the only one here, `RUSTC_BOOTSTRAP=1` admits them.
/// Not part of `cargo xtask test`: a run builds wasmtime a third time,
/// instrumented.
fn fuzz(seconds: Option<&str>) -> Result {
    let seconds: u64 = seconds
        .unwrap_or("300")
        .parse()
        .map_err(|_| "usage: cargo xtask fuzz [SECONDS]".to_string())?;
    if output("cargo", &["fuzz", "--version"]).is_none() {
        step(&format!("cargo install cargo-fuzz {CARGO_FUZZ_VERSION}"));
        run(cargo().args(["install", "cargo-fuzz", "--version", CARGO_FUZZ_VERSION]))?;
    }
    let dir = root().join("fuzz");
    let targets = output("cargo", &["fuzz", "list", "--fuzz-dir", &dir.to_string_lossy()])
        .ok_or("`cargo fuzz list` failed")?;
    for target in targets.lines().map(str::trim).filter(|t| !t.is_empty()) {
        step(&format!("cargo fuzz run {target} for {seconds} s"));
        run(cargo()
            .current_dir(root())
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "run", "--fuzz-dir", "fuzz", target, "--"])
            .arg(format!("-max_total_time={seconds}"))
            .arg("-print_final_stats=1"))?;
    }
    Ok(())
}

/// `apt-get ARGS` (through sudo when not root), non-interactive.
fn apt(args: &[&str]) -> Command {
    let sudo = output("id", &["-u"]).as_deref() != Some("0");
    let mut c = if sudo {
        Command::new("sudo")
    } else {
        Command::new("apt-get")
    };
    if sudo {
        c.arg("apt-get");
    }
    c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
    c
}

/// Installs a Debian package when `probe` is not on PATH.
fn apt_install(probe: &str, package: &str) -> Result {
    if output("which", &[probe]).is_some() {
        return Ok(());
    }
    run(&mut apt(&["update", "-q"]))?;
    run(&mut apt(&["install", "-y", "-q", package]))
}

fn rss_kib(pid: u32) -> Result<u64> {
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| format!("reading RSS: {e}"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmRSS in /proc status".to_string())
}

/// Runs wrk and returns (requests/s, failures: socket errors + non-2xx).
fn wrk(url: &str, script: &Path, seconds: u32) -> Result<(f64, u64)> {
    let out = Command::new("wrk")
        .args(["-t2", "-c50", &format!("-d{seconds}s"), "-s"])
        .arg(script)
        .arg(url)
        .output()
        .map_err(|e| format!("cannot run wrk: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    eprint!("{text}");
    let rps = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or("wrk printed no Requests/sec")?;
    let mut failures = 0;
    for l in text.lines() {
        if let Some(v) = l.trim().strip_prefix("Non-2xx or 3xx responses:") {
            failures += v.trim().parse::<u64>().unwrap_or(0);
        }
        if let Some(v) = l.trim().strip_prefix("Socket errors:") {
            failures += v
                .split(',')
                .filter_map(|p| p.split_whitespace().last()?.parse::<u64>().ok())
                .sum::<u64>();
        }
    }
    Ok((rps, failures))
}

/// How long each phase of the load test runs, in seconds.
struct LoadPlan {
    warm_up: u32,
    run: u32,
}

/// `cargo xtask load [--no-build]`: the figures, from a release build (10 s
/// per endpoint). `--no-build` measures the release binary already built.
fn load_release(no_build: bool) -> Result {
    apt_install("wrk", "wrk")?;
    build_guest()?;
    if !no_build {
        step("release build of echelon");
        run(cargo().args(["build", "--release", "-p", "echelon-server", "--bin", "echelon"]))?;
    }
    load(
        &cargo_target_dir().join("release/echelon"),
        &LoadPlan { warm_up: 5, run: 10 },
    )
}

/// `cargo xtask load --dev`: the same figures from the dev-profile binary
/// (the workspace optimizes the server, shared crate and wasmtime there),
/// without the release build's 25 minutes.
fn load_dev() -> Result {
    apt_install("wrk", "wrk")?;
    build_guest()?;
    step("dev build of echelon");
    run(cargo().args(["build", "--workspace", "--bin", "echelon"]))?;
    load(
        &cargo_target_dir().join("debug/echelon"),
        &LoadPlan { warm_up: 5, run: 10 },
    )
}

/// Bounded load test: 50 connections against `POST /users` (validated in
/// WASM) and `POST /users/native` (the same code compiled in), zero failed
/// requests, RSS after the runs within 10% of RSS after warm-up. Prints the
/// RPS ratio and the idle RSS with the demo modules loaded.
fn load(binary: &Path, plan: &LoadPlan) -> Result {
    let root = root();
    let data = std::env::temp_dir().join(format!("echelon-load-{}", std::process::id()));
    let addr = "127.0.0.1:38990";
    let mut child = Command::new(binary)
        .args(["serve", "--addr", addr, "--data"])
        .arg(&data)
        .arg("--guest")
        .arg(root.join("target/guest/wasm32-unknown-unknown/wasm-release/echelon_shared.wasm"))
        .arg("--stream-module")
        .arg(root.join("examples/wat/transform.wat"))
        .env("RUST_LOG", "warn")
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let result = (|| -> Result {
        let mut up = false;
        for _ in 0..200 {
            if std::net::TcpStream::connect(addr).is_ok() {
                up = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        if !up {
            return Err(format!("echelon serve did not listen on {addr} within 10 s"));
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
        let rss_idle = rss_kib(child.id())?;
        eprintln!("idle RSS with the demo modules loaded: {rss_idle} KiB");
        std::fs::create_dir_all(&data).map_err(|e| format!("creating {}: {e}", data.display()))?;
        let script = data.join("post-user.lua");
        std::fs::write(
            &script,
            "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n\
             wrk.body = '{\"email\":\"ada@example.com\",\"age\":36}'\n",
        )
        .map_err(|e| format!("writing the wrk script: {e}"))?;
        step(&format!("warm-up ({} s)", plan.warm_up));
        wrk(&format!("http://{addr}/users"), &script, plan.warm_up)?;
        let rss_warm = rss_kib(child.id())?;
        step(&format!(
            "POST /users through WASM ({} s, 50 connections)",
            plan.run
        ));
        let (wasm_rps, wasm_fail) = wrk(&format!("http://{addr}/users"), &script, plan.run)?;
        step(&format!("POST /users/native ({} s, 50 connections)", plan.run));
        let (native_rps, native_fail) = wrk(&format!("http://{addr}/users/native"), &script, plan.run)?;
        let rss_after = rss_kib(child.id())?;
        eprintln!(
            "\nWASM {wasm_rps:.0} req/s, native {native_rps:.0} req/s, ratio {:.2}x; failures {wasm_fail} + {native_fail}; \
             idle RSS {rss_idle} KiB, after warm-up {rss_warm} KiB, after the runs {rss_after} KiB ({:+.1}%)",
            wasm_rps / native_rps,
            (rss_after as f64 / rss_warm as f64 - 1.0) * 100.0
        );
        if wasm_fail + native_fail > 0 {
            return Err(format!("{} requests failed", wasm_fail + native_fail));
        }
        if rss_after as f64 > rss_warm as f64 * 1.10 {
            return Err(format!(
                "RSS grew from {rss_warm} KiB to {rss_after} KiB, more than 10%"
            ));
        }
        Ok(())
    })();
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&data);
    result
}
