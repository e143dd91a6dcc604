//! WASI preview1 guests under explicit capabilities: the spec's programs,
//! and what an attacker would try, with nothing lost or leaked.

use std::path::Path;

use echelon::runtime::{ExecOptions, InstantiateOptions, WasmSource};
use echelon::sandbox::SandboxConfig;
use echelon::wasi::{Stdio, WasiCapabilities, ERRNO_NOTCAPABLE};
use echelon::WasmRuntime;
use echelon_tests::wasi_guest;

use crate::support::runtime;

/// Loads guest `program` under a new sandbox with `caps`, runs `_start`
/// and returns (stdout, result).
async fn run(
    rt: &WasmRuntime,
    program: &str,
    caps: WasiCapabilities,
) -> (String, echelon::ExecutionResult<()>) {
    let id = format!("{program}-{}", rt.list_modules().len());
    rt.load_module_as(
        &id,
        WasmSource::file(wasi_guest(program).expect("WASI guests build")),
    )
    .await
    .expect("guest loads");
    let sb = rt
        .create_sandbox(SandboxConfig::default().wasi(caps))
        .expect("sandbox");
    let opts = InstantiateOptions {
        sandbox_id: Some(sb.id.clone()),
        ..Default::default()
    };
    rt.instantiate(&id, opts).await.expect("guest instantiates");
    let r = rt
        .execute_report::<()>(&id, "_start", vec![], ExecOptions::default())
        .await;
    (String::from_utf8_lossy(&r.stdout).into_owned(), r)
}

fn probe_caps(dir: &Path) -> WasiCapabilities {
    WasiCapabilities::default()
        .preopen("/data", dir)
        .allow_read(true)
        .allow_write(true)
}

async fn probe(rt: &WasmRuntime, caps: WasiCapabilities, args: &[&str]) -> String {
    let mut caps = caps.arg("probe");
    for a in args {
        caps = caps.arg(*a);
    }
    let (out, r) = run(rt, "probe", caps).await;
    assert!(r.success, "{:?}", r.error);
    out.trim().to_string()
}

#[tokio::test]
async fn spec_file_processor() {
    let (rt, _d) = runtime();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("input.txt"), "from the host").unwrap();
    let (out, r) = run(&rt, "file_processor", probe_caps(dir.path())).await;
    assert!(r.success, "{:?}", r.error);
    assert_eq!(out, "File contents: from the host\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("output.txt")).unwrap(),
        "Hello from WASM+WASI!"
    );
}

#[tokio::test]
async fn spec_csv_transformer() {
    let (rt, _d) = runtime();
    let input = tempfile::tempdir().unwrap();
    let output = tempfile::tempdir().unwrap();
    std::fs::write(input.path().join("data.csv"), "name,a,b\nx,1,2\ny,3,4.5\n").unwrap();
    let caps = WasiCapabilities::default()
        .preopen("/input", input.path())
        .preopen("/output", output.path())
        .allow_read(true)
        .allow_write(true)
        .env("INPUT_FILE", "data.csv")
        .env("OUTPUT_FILE", "transformed.csv");
    let (out, r) = run(&rt, "csv_transformer", caps).await;
    assert!(r.success, "{:?}", r.error);
    assert_eq!(out, "transformed 2 rows\n");
    assert_eq!(
        std::fs::read_to_string(output.path().join("transformed.csv")).unwrap(),
        "name,a,b,total\nx,1,2,3\ny,3,4.5,7.5\n"
    );
}

#[tokio::test]
async fn env_clock_and_random_are_granted_one_by_one() {
    let (rt, _d) = runtime();
    let (out, r) = run(&rt, "env_clock_random", WasiCapabilities::default()).await;
    assert!(r.success, "{:?}", r.error);
    let refused = format!("clock errno {ERRNO_NOTCAPABLE}");
    assert!(
        out.contains("env NODE_ENV unset") && out.contains("env PATH unset"),
        "{out}"
    );
    assert!(out.contains(&refused), "{out}");
    assert!(out.contains(&format!("random errno {ERRNO_NOTCAPABLE}")), "{out}");

    let caps = WasiCapabilities::default()
        .env("NODE_ENV", "production")
        .allow_clock_get(true)
        .allow_random(true);
    let (out, r) = run(&rt, "env_clock_random", caps).await;
    assert!(r.success, "{:?}", r.error);
    assert!(out.contains("env NODE_ENV=production"), "{out}");
    assert!(
        out.contains("env API_KEY unset"),
        "a variable that was not granted is not visible: {out}"
    );
    assert!(
        !out.contains("env HOME="),
        "nothing of the host's environment leaks: {out}"
    );
    let secs: u64 = out
        .lines()
        .find_map(|l| l.strip_prefix("clock ok "))
        .expect("clock granted")
        .parse()
        .unwrap();
    assert!(secs > 1_700_000_000);
    assert!(
        out.lines()
            .any(|l| l.starts_with("random ok ") && l.len() == "random ok ".len() + 16),
        "{out}"
    );
}

#[tokio::test]
async fn args_are_passed() {
    let (rt, _d) = runtime();
    let caps = WasiCapabilities::default()
        .arg("print_args")
        .arg("process")
        .arg("--verbose");
    let (out, r) = run(&rt, "print_args", caps).await;
    assert!(r.success);
    assert_eq!(out, "print_args\nprocess\n--verbose\n");
}

#[tokio::test]
async fn path_escapes_are_refused_and_host_files_untouched() {
    let (rt, _d) = runtime();
    let root = tempfile::tempdir().unwrap();
    let inside = root.path().join("sandbox");
    std::fs::create_dir(&inside).unwrap();
    let secret = root.path().join("secret.txt");
    std::fs::write(&secret, "top secret").unwrap();
    std::os::unix::fs::symlink(&secret, inside.join("link_to_secret")).unwrap();
    std::os::unix::fs::symlink(root.path(), inside.join("link_to_root")).unwrap();
    std::fs::write(inside.join("ok.txt"), "fine").unwrap();
    let caps = || probe_caps(&inside);

    assert_eq!(probe(&rt, caps(), &["read", "/data/ok.txt"]).await, "ok fine");
    let secret_abs = secret.to_string_lossy().into_owned();
    for path in [
        "/data/../secret.txt",
        "/data/../../etc/passwd",
        secret_abs.as_str(),
        "/etc/passwd",
        "/data/link_to_secret",
        "/data/link_to_root/secret.txt",
    ] {
        let out = probe(&rt, caps(), &["read", path]).await;
        assert!(
            out.starts_with("err "),
            "reading {path} must be refused, got {out}"
        );
        assert!(!out.contains("top secret"));
        let out = probe(&rt, caps(), &["write", path, "pwned"]).await;
        assert!(
            out.starts_with("err "),
            "writing {path} must be refused, got {out}"
        );
    }
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "top secret");
    assert!(!root.path().join("pwned").exists());
    let listing = probe(&rt, caps(), &["list", "/data"]).await;
    assert_eq!(listing, "ok link_to_root,link_to_secret,ok.txt");
}

#[tokio::test]
async fn read_only_preopens_refuse_writes() {
    let (rt, _d) = runtime();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("existing.txt"), "original").unwrap();
    let ro = WasiCapabilities::default()
        .preopen("/data", dir.path())
        .allow_read(true);
    assert_eq!(
        probe(&rt, ro.clone(), &["read", "/data/existing.txt"]).await,
        "ok original"
    );
    for target in ["/data/existing.txt", "/data/new.txt"] {
        let out = probe(&rt, ro.clone(), &["write", target, "changed"]).await;
        assert!(out.starts_with("err "), "{out}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("existing.txt")).unwrap(),
        "original"
    );
    assert!(!dir.path().join("new.txt").exists());
    // Neither read nor write: the directory is not mounted at all.
    let none = WasiCapabilities::default().preopen("/data", dir.path());
    assert!(probe(&rt, none, &["read", "/data/existing.txt"])
        .await
        .starts_with("err "));
}

#[tokio::test]
async fn proc_exit_with_and_without_allow_exit() {
    let (rt, _d) = runtime();
    let caps = WasiCapabilities::default().arg("exit_with").arg("3");
    let (out, r) = run(&rt, "exit_with", caps.clone().allow_exit(true)).await;
    assert_eq!(out, "exiting with 3\n");
    assert_eq!(r.exit_code, Some(3));
    let e = r.error.unwrap();
    assert_eq!(e.kind(), "exit");
    assert!(e.to_string().contains("exited with code 3"));

    let (_, r) = run(&rt, "exit_with", caps).await;
    assert_eq!(r.exit_code, None);
    let e = r.error.unwrap();
    assert_eq!(e.kind(), "sandbox", "{e}");
    assert!(e.to_string().contains("proc_exit(3) refused"), "{e}");
    let sb = rt.list_modules().len();
    assert!(sb > 0, "the host process is still here");

    let (_, r) = run(
        &rt,
        "exit_with",
        WasiCapabilities::default()
            .arg("exit_with")
            .arg("0")
            .allow_exit(true),
    )
    .await;
    assert!(r.success, "exit(0) is a normal end: {:?}", r.error);
    assert_eq!(r.exit_code, Some(0));
}

#[tokio::test]
async fn stdout_can_be_inherited_instead_of_captured() {
    let (rt, _d) = runtime();
    let caps = WasiCapabilities::default()
        .arg("print_args")
        .arg("inherited")
        .stdio(Stdio::Inherit);
    let (out, r) = run(&rt, "print_args", caps).await;
    assert!(r.success);
    assert_eq!(
        out, "",
        "inherited output goes to the host's stdout, not the result"
    );
}

#[tokio::test]
async fn wasi_module_without_a_sandbox_gets_nothing() {
    let (rt, _d) = runtime();
    rt.load_module_as("env", WasmSource::file(wasi_guest("env_clock_random").unwrap()))
        .await
        .unwrap();
    let r = rt
        .execute_report::<()>("env", "_start", vec![], ExecOptions::default())
        .await;
    assert!(r.success, "{:?}", r.error);
    let out = String::from_utf8(r.stdout).unwrap();
    assert!(
        out.contains("env HOME unset") && out.contains(&format!("clock errno {ERRNO_NOTCAPABLE}")),
        "{out}"
    );
}
