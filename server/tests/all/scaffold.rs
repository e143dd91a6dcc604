//! `echelon new` end to end: each template's crate passes its own tests,
//! `echelon build` turns it into the server module (and the browser
//! bundle) with no manifest table, and the module answers over HTTP (the
//! shared template: strings, JSON, a refusal) or through the runtime with
//! the contract's host functions (the plugin template).

use std::path::{Path, PathBuf};

use echelon::runtime::{ExecOptions, Value, WasmSource};
use serde_json::{json, Value as Json};

use crate::sdk::root;
use crate::support::runtime;

/// `echelon ARGS`, which must succeed; its stdout.
fn echelon(args: &[&std::ffi::OsStr]) -> String {
    let out = assert_cmd::Command::cargo_bin("echelon")
        .expect("the echelon binary is built")
        .args(args)
        .output()
        .expect("echelon runs");
    assert!(
        out.status.success(),
        "echelon {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// A crate from `echelon new`, with the workspace's Cargo.lock so that it
/// resolves the same dependency versions offline and reuses their builds.
fn new_crate(dir: &Path, name: &str, template: &str) -> PathBuf {
    let krate = dir.join(name);
    let sdk = root().join("sdk");
    echelon(&[
        "new".as_ref(),
        krate.as_os_str(),
        "--template".as_ref(),
        template.as_ref(),
        "--sdk-path".as_ref(),
        sdk.as_os_str(),
    ]);
    for f in ["Cargo.toml", "src/lib.rs", "README.md"] {
        assert!(krate.join(f).is_file(), "{f} written");
    }
    std::fs::copy(root().join("Cargo.lock"), krate.join("Cargo.lock")).expect("lock copied");
    krate
}

/// The target directory the new crates share across test runs.
fn new_crates_target() -> PathBuf {
    root().join("target/sdk-new")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_shared_crate_builds_uploads_and_answers_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let krate = new_crate(dir.path(), "hello-shared", "shared");
    // Its own tests pass natively.
    let target = new_crates_target();
    let out = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["test", "--quiet", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "the new crate's tests: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // `echelon build`: both halves, no manifest table.
    let pkg = dir.path().join("pkg");
    let listed = echelon(&[
        "build".as_ref(),
        krate.as_os_str(),
        "--release".as_ref(),
        "--out".as_ref(),
        pkg.as_os_str(),
        "--target-dir".as_ref(),
        target.as_os_str(),
    ]);
    for f in [
        "hello_shared.wasm",
        "hello_shared.server.d.ts",
        "hello_shared.js",
        "hello_shared_bg.wasm",
        "hello_shared.d.ts",
    ] {
        assert!(pkg.join(f).is_file(), "{f} built; echelon printed:\n{listed}");
        assert!(listed.contains(f), "{f} listed:\n{listed}");
    }

    // Upload it to a running server and call it with strings and JSON.
    let data = tempfile::tempdir().unwrap();
    let app = echelon::http::Application::new(echelon::http::AppConfig {
        data_dir: data.path().to_path_buf(),
        runtime: echelon::runtime::RuntimeConfig::default().cache_dir(data.path().join("cache")),
        ..echelon::http::AppConfig::default()
    })
    .await
    .expect("the server starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.serve_on(listener, async move {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::new();
    let url = |p: &str| format!("http://{addr}{p}");
    let wasm = std::fs::read(pkg.join("hello_shared.wasm")).unwrap();
    let resp = http
        .post(url("/api/modules?id=hello"))
        .body(wasm)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201, "{}", resp.text().await.unwrap());
    let call = |func: &str, args: Json| {
        let http = http.clone();
        let u = url(&format!("/api/modules/hello/call/{func}"));
        async move {
            let r = http.post(u).json(&json!({ "args": args })).send().await.unwrap();
            r.json::<Json>().await.unwrap()
        }
    };
    let r = call("greet", json!(["Ada"])).await;
    assert_eq!(
        (&r["success"], &r["value"]),
        (&json!(true), &json!("Hello, Ada!")),
        "{r}"
    );
    let r = call("stats", json!([{"values": [1, 2, 6]}])).await;
    assert_eq!(
        r["value"],
        json!({"count": 3, "mean": 3.0, "min": 1.0, "max": 6.0}),
        "{r}"
    );
    let r = call("stats", json!([{"values": []}])).await;
    assert_eq!(r["success"], json!(false), "{r}");
    assert!(r["error"].to_string().contains("stats of an empty list"), "{r}");
    let r = call("is_prime", json!([97])).await;
    assert_eq!(r["value"], json!(1), "{r}");
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn new_plugin_crate_uses_the_host() {
    let dir = tempfile::tempdir().unwrap();
    let krate = new_crate(dir.path(), "hello-plugin", "plugin");
    assert!(krate.join("manifest.json").is_file());
    let pkg = dir.path().join("pkg");
    let target = new_crates_target();
    echelon(&[
        "build".as_ref(),
        krate.as_os_str(),
        "--target".as_ref(),
        "server".as_ref(),
        "--release".as_ref(),
        "--out".as_ref(),
        pkg.as_os_str(),
        "--target-dir".as_ref(),
        target.as_os_str(),
    ]);
    // The plugin runs against the runtime's real built-in host functions,
    // under the sandbox its own manifest.json describes (plus a greeting).
    let (rt, _cache) = runtime();
    let manifest = std::fs::read(krate.join("manifest.json")).unwrap();
    let mut manifest = echelon::manifest::PluginManifest::from_json(&manifest).unwrap();
    manifest.config.insert("greeting".into(), "Welcome".into());
    manifest
        .validate(&echelon::manifest::ManifestPolicy::default())
        .unwrap();
    let sandbox = rt
        .create_sandbox(manifest.sandbox_config(&echelon::sandbox::SandboxConfig::default()))
        .unwrap();
    rt.load_module_as("plugin", WasmSource::file(pkg.join("hello_plugin.wasm")))
        .await
        .expect("the plugin loads");
    let under = |id: String| echelon::runtime::InstantiateOptions {
        sandbox_id: Some(id),
        ..Default::default()
    };
    rt.instantiate("plugin", under(sandbox.id.clone()))
        .await
        .expect("the plugin links under its manifest");
    for visits in 1..=2 {
        let r = rt
            .execute_report::<Value>(
                "plugin",
                "hello",
                vec![Value::String("Ada".into())],
                ExecOptions::default(),
            )
            .await;
        let logs: Vec<String> = r.logs.iter().map(|l| l.message.clone()).collect();
        assert_eq!(logs, [format!("greeted Ada ({visits})")]);
        let r = r.into_result().expect("hello answers");
        assert_eq!(r.to_json(), json!({"message": "Welcome, Ada!", "visits": visits}));
    }
    // The count lives in the plugin's namespace of the key-value store.
    assert_eq!(
        rt.kv().unwrap().get("plugin", "visits:Ada").unwrap(),
        Some(2u64.to_le_bytes().to_vec())
    );
    // Without the manifest's capabilities the plugin does not link.
    let bare = rt
        .create_sandbox(echelon::sandbox::SandboxConfig::default())
        .unwrap();
    let e = rt.instantiate("plugin", under(bare.id)).await.unwrap_err();
    assert!(e.to_string().contains("capability"), "{e}");
    rt.instantiate("plugin", under(sandbox.id)).await.unwrap();
    let n = rt
        .execute::<i32>(
            "plugin",
            "word_count",
            vec![Value::String("a b c".into())],
            ExecOptions::default(),
        )
        .await
        .map(|e| e.value)
        .unwrap();
    assert_eq!(n, 3);
}
