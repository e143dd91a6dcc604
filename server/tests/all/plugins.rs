//! The plugin platform: the `echelon` built-in host functions per
//! capability (granted works, refused names the capability), the embedded
//! key-value store (persistence, quotas, consistency), outbound HTTP to
//! allowed hosts only, WASI without a sandbox, and manifests over HTTP.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use echelon::args;
use echelon::runtime::{
    ExecOptions, HostLimits, InstanceMode, InstantiateOptions, LogLevel, RuntimeConfig, WasmSource,
};
use echelon::sandbox::{Capability, KvQuota, SandboxConfig};
use echelon::wasi::WasiCapabilities;
use echelon::WasmRuntime;
use serde_json::{json, Value as Json};

use crate::support::{example, runtime, runtime_with};

async fn load(rt: &WasmRuntime, id: &str, wat: &str) {
    rt.load_module_as(id, WasmSource::file(example(wat)))
        .await
        .expect("module loads");
}

/// Loads `wat` as `id` and binds it to a new sandbox made by `sandbox`.
async fn plugin(rt: &WasmRuntime, id: &str, wat: &str, sandbox: SandboxConfig) -> echelon::Result<()> {
    load(rt, id, wat).await;
    let sb = rt.create_sandbox(sandbox.id(format!("sb-{id}")))?;
    rt.instantiate(
        id,
        InstantiateOptions {
            sandbox_id: Some(sb.id),
            ..Default::default()
        },
    )
    .await
    .map(|_| ())
}

fn fresh() -> ExecOptions {
    ExecOptions::default().with_instance(InstanceMode::Fresh)
}

fn refused(e: echelon::Error, capability: &str) {
    assert_eq!(e.kind(), "sandbox", "{e}");
    assert!(
        e.to_string().contains(&format!("`{capability}` capability")),
        "{e}"
    );
}

#[tokio::test]
async fn log_is_returned_with_the_call_and_needs_console() {
    let (rt, _d) = runtime();
    plugin(
        &rt,
        "logger",
        "wat/plugins/log.wat",
        SandboxConfig::default().grant([Capability::Console]),
    )
    .await
    .unwrap();
    let r = rt
        .execute_report::<i32>("logger", "hello", args!["plugin"], ExecOptions::default())
        .await;
    assert_eq!(r.value, Some(6), "{:?}", r.error);
    let logs: Vec<(LogLevel, &str)> = r.logs.iter().map(|l| (l.level, l.message.as_str())).collect();
    assert_eq!(
        logs,
        [
            (LogLevel::Info, "plugin"),
            (LogLevel::Warn, "careful: plugins log")
        ]
    );
    // The next call starts with no lines.
    let r = rt
        .execute_report::<i32>("logger", "spam", args![0], ExecOptions::default())
        .await;
    assert!(r.logs.is_empty());

    // Over the cap: lines are dropped and counted, never unbounded.
    let r = rt
        .execute_report::<i32>("logger", "spam", args![5000], ExecOptions::default())
        .await;
    assert_eq!(r.value, Some(5000));
    let cap = HostLimits::default().max_log_lines;
    assert_eq!(r.logs.len(), cap + 1);
    assert!(r.logs[cap]
        .message
        .contains(&format!("{} more log lines dropped", 5000 - cap)));

    // Without `console` the import does not link, and says which
    // capability is missing.
    let e = plugin(&rt, "mute", "wat/plugins/log.wat", SandboxConfig::default())
        .await
        .unwrap_err();
    refused(e, "console");
}

#[tokio::test]
async fn modules_without_a_sandbox_follow_the_default_policy() {
    let (rt, _d) = runtime();
    load(&rt, "logger", "wat/plugins/log.wat").await;
    let e = rt
        .execute_report::<i32>("logger", "hello", args!["x"], fresh())
        .await
        .error
        .unwrap();
    assert_eq!(e.kind(), "sandbox");
    assert!(e.to_string().contains("needs the `console` capability"), "{e}");
    assert!(e.to_string().contains("default_capabilities"), "{e}");

    // A runtime that grants `console` by default links it...
    let (rt, _d) = runtime_with(RuntimeConfig::default().default_capabilities([Capability::Console]));
    load(&rt, "logger", "wat/plugins/log.wat").await;
    let r = rt
        .execute_report::<i32>("logger", "hello", args!["x"], fresh())
        .await;
    assert_eq!(r.value, Some(1), "{:?}", r.error);

    // ...and with sandboxing off everything links.
    let (rt, _d) = runtime_with(RuntimeConfig::default().enable_sandboxing(false));
    load(&rt, "time", "wat/plugins/time.wat").await;
    assert!(rt
        .execute_report::<i64>("time", "now", vec![], fresh())
        .await
        .value
        .is_some());
}

#[tokio::test]
async fn config_get_reads_the_sandbox_config() {
    let (rt, _d) = runtime();
    let sb = SandboxConfig::default()
        .grant([Capability::Env])
        .config_value("greeting", "hello, world")
        .config_value("empty", "");
    plugin(&rt, "cfg", "wat/plugins/config.wat", sb).await.unwrap();
    let get = |k: &'static str| rt.execute_report::<String>("cfg", "get", args![k], ExecOptions::default());
    assert_eq!(get("greeting").await.value.as_deref(), Some("hello, world"));
    let has = |k: &'static str| rt.execute_report::<i32>("cfg", "has", args![k], ExecOptions::default());
    assert_eq!(
        has("empty").await.value,
        Some(1),
        "a present empty value is not `none`"
    );
    assert_eq!(has("missing").await.value, Some(0));
    let e = plugin(&rt, "nocfg", "wat/plugins/config.wat", SandboxConfig::default())
        .await
        .unwrap_err();
    refused(e, "env");
}

fn kv_sandbox() -> SandboxConfig {
    SandboxConfig::default().grant([Capability::KvRead, Capability::KvWrite])
}

/// The typed handles commit a plugin's key-value writes when a call
/// succeeds and drop them when it fails, as `execute` does.
#[tokio::test]
async fn typed_handles_commit_kv_writes_only_for_calls_that_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let (rt, _d) = runtime_with(RuntimeConfig::default().kv_path(dir.path().join("kv.redb")));
    plugin(&rt, "store", "wat/plugins/kv.wat", kv_sandbox())
        .await
        .unwrap();
    let set = rt.abi_func::<(String, Vec<u8>), i32>("store", "set").unwrap();
    assert_eq!(set.call(("colour", &b"blue"[..])).unwrap(), 0);
    let kv = rt.kv().unwrap();
    assert_eq!(kv.keys("store").unwrap(), ["colour"]);
    let get = rt.abi_func::<String, Vec<u8>>("store", "get").unwrap();
    assert_eq!(get.call("colour").unwrap(), b"blue");
    // `fill(n, fail)` writes n keys, then traps when `fail` is set.
    let fill = rt.func::<(i32, i32), i32>("store", "fill").unwrap();
    assert_eq!(fill.call((5, 1)).unwrap_err().kind(), "trap");
    assert_eq!(kv.keys("store").unwrap(), ["colour"]);
    assert_eq!(fill.call((5, 0)).unwrap(), 5);
    assert_eq!(kv.keys("store").unwrap().len(), 6);
}

#[tokio::test]
async fn kv_reads_writes_and_persists_across_restart() {
    let dir = tempfile::tempdir().unwrap();
    let kv_path = dir.path().join("kv.redb");
    {
        let (rt, _d) = runtime_with(RuntimeConfig::default().kv_path(&kv_path));
        plugin(&rt, "store", "wat/plugins/kv.wat", kv_sandbox())
            .await
            .unwrap();
        let set = rt
            .execute_report::<i32>("store", "set", args!["colour", b"blue".as_slice()], fresh())
            .await;
        assert_eq!(set.value, Some(0), "{:?}", set.error);
        let got = rt
            .execute_report::<Vec<u8>>("store", "get", args!["colour"], fresh())
            .await;
        assert_eq!(got.value.as_deref(), Some(b"blue".as_slice()));
        for expected in 1..=3 {
            let r = rt
                .execute_report::<i32>("store", "incr", args!["visits"], fresh())
                .await;
            assert_eq!(r.value, Some(expected), "{:?}", r.error);
        }
        assert_eq!(
            rt.execute_report::<i32>("store", "delete", args!["colour"], fresh())
                .await
                .value,
            Some(1)
        );
        assert_eq!(
            rt.execute_report::<i32>("store", "delete", args!["colour"], fresh())
                .await
                .value,
            Some(0)
        );

        // A call that fails commits none of its writes.
        let r = rt
            .execute_report::<i32>("store", "fill", args![10, 1], fresh())
            .await;
        assert_eq!(r.error.unwrap().kind(), "trap");
        let kv = rt.kv().unwrap();
        assert_eq!(kv.keys("store").unwrap(), ["visits"]);
        let r = rt
            .execute_report::<i32>("store", "fill", args![10, 0], fresh())
            .await;
        assert_eq!(r.value, Some(10), "{:?}", r.error);
        assert_eq!(kv.keys("store").unwrap().len(), 11);
        assert_eq!(kv.usage("store").unwrap().keys, 11);
        // Namespaces are per plugin.
        assert_eq!(kv.keys("other").unwrap(), Vec::<String>::new());
    }
    // A new runtime on the same file sees everything.
    let (rt, _d) = runtime_with(RuntimeConfig::default().kv_path(&kv_path));
    plugin(&rt, "store", "wat/plugins/kv.wat", kv_sandbox())
        .await
        .unwrap();
    let r = rt
        .execute_report::<i32>("store", "incr", args!["visits"], fresh())
        .await;
    assert_eq!(r.value, Some(4), "{:?}", r.error);
    let got = rt
        .execute_report::<Vec<u8>>("store", "get", args!["key-0009"], fresh())
        .await;
    assert_eq!(got.value, Some(9u64.to_le_bytes().to_vec()));

    // kv-read alone does not link a module that writes.
    let e = plugin(
        &rt,
        "reader",
        "wat/plugins/kv.wat",
        SandboxConfig::default().grant([Capability::KvRead]),
    )
    .await
    .unwrap_err();
    refused(e, "kv-write");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_increments_are_never_lost() {
    let (rt, _d) = runtime();
    plugin(&rt, "counter", "wat/plugins/kv.wat", kv_sandbox())
        .await
        .unwrap();
    let calls: Vec<_> = (0..24)
        .map(|_| {
            let rt = rt.clone();
            tokio::spawn(async move {
                rt.execute_report::<i32>("counter", "incr", args!["n"], fresh())
                    .await
            })
        })
        .collect();
    let mut seen = Vec::new();
    for c in calls {
        let r = c.await.unwrap();
        seen.push(r.value.unwrap_or_else(|| panic!("{:?}", r.error)));
    }
    seen.sort_unstable();
    assert_eq!(
        seen,
        (1..=24).collect::<Vec<_>>(),
        "each call saw the previous one's write"
    );
    assert_eq!(
        rt.kv().unwrap().get("counter", "n").unwrap(),
        Some(24i32.to_le_bytes().to_vec())
    );
}

#[tokio::test]
async fn kv_quotas_and_caps_give_clear_errors() {
    let (rt, _d) = runtime();
    let quota = KvQuota {
        max_keys: 5,
        max_value_len: 8,
        ..KvQuota::default()
    };
    plugin(&rt, "small", "wat/plugins/kv.wat", kv_sandbox().kv_quota(quota))
        .await
        .unwrap();
    let e = rt
        .execute_report::<i32>("small", "fill", args![6, 0], fresh())
        .await
        .error
        .unwrap();
    assert_eq!(e.kind(), "host", "{e}");
    assert!(e.to_string().contains("echelon.kv_set"), "{e}");
    assert!(
        e.to_string().contains("quota of namespace `small` is 5 keys"),
        "{e}"
    );
    assert_eq!(
        rt.kv().unwrap().usage("small").unwrap().keys,
        0,
        "nothing of the failed call is kept"
    );
    let e = rt
        .execute_report::<i32>("small", "set", args!["k", b"123456789".as_slice()], fresh())
        .await
        .error
        .unwrap();
    assert!(
        e.to_string()
            .contains("the value is 9 bytes; at most 8 are accepted"),
        "{e}"
    );
    let long_key = "k".repeat(2000);
    let e = rt
        .execute_report::<i32>("small", "set", args![long_key.as_str(), b"1".as_slice()], fresh())
        .await
        .error
        .unwrap();
    assert!(e.to_string().contains("at most 1024 are accepted"), "{e}");
    // Up to the quota is fine.
    assert_eq!(
        rt.execute_report::<i32>("small", "fill", args![5, 0], fresh())
            .await
            .value,
        Some(5)
    );
}

/// A loopback HTTP server: `/hello`, redirects in and out of the allowed
/// host, a large body and a slow answer.
async fn http_fixture() -> std::net::SocketAddr {
    use axum::response::Redirect;
    use axum::routing::get;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let port = addr.port();
    let app = axum::Router::new()
        .route("/hello", get(|| async { ([("x-fixture", "yes")], "hi") }))
        .route("/redirect-in", get(|| async { Redirect::temporary("/hello") }))
        .route(
            "/redirect-out",
            get(move || async move { Redirect::temporary(&format!("http://localhost:{port}/hello")) }),
        )
        .route("/big", get(|| async { vec![b'x'; 64 * 1024] }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                "late"
            }),
        )
        .route(
            "/echo",
            axum::routing::post(|body: axum::body::Bytes| async move { body }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_request_reaches_only_allowed_hosts() {
    let addr = http_fixture().await;
    let limits = HostLimits {
        max_http_response_bytes: 16 * 1024,
        ..HostLimits::default()
    };
    let (rt, _d) = runtime_with(RuntimeConfig::default().host_limits(limits));
    let sb = SandboxConfig::default()
        .grant([Capability::Network])
        .allow_hosts(["127.0.0.1"]);
    plugin(&rt, "net", "wat/plugins/http.wat", sb).await.unwrap();
    let fetch = |req: Json, timeout_ms: u64| {
        rt.execute_report::<Json>(
            "net",
            "fetch",
            args![req.to_string()],
            ExecOptions::timeout(Duration::from_millis(timeout_ms)),
        )
    };
    let b64 = |s: &[u8]| base64::engine::general_purpose::STANDARD.encode(s);

    let r = fetch(json!({"url": format!("http://{addr}/hello")}), 5000).await;
    let resp = r.value.unwrap_or_else(|| panic!("{:?}", r.error));
    assert_eq!(resp["status"], 200);
    assert_eq!(resp["headers"]["x-fixture"], "yes");
    assert_eq!(resp["body_base64"], b64(b"hi"));

    let r = fetch(
        json!({"method": "POST", "url": format!("http://{addr}/echo"), "body_base64": b64(b"ping"),
               "headers": {"content-type": "text/plain"}}),
        5000,
    )
    .await;
    assert_eq!(r.value.unwrap()["body_base64"], b64(b"ping"));

    // A redirect within the allowed host is followed...
    let r = fetch(json!({"url": format!("http://{addr}/redirect-in")}), 5000).await;
    assert_eq!(r.value.unwrap()["body_base64"], b64(b"hi"));
    // ...one that leaves it is refused, as is a direct request elsewhere.
    for url in [
        format!("http://{addr}/redirect-out"),
        format!("http://localhost:{}/hello", addr.port()),
    ] {
        let e = fetch(json!({ "url": url }), 5000).await.error.unwrap();
        assert_eq!(e.kind(), "host", "{e}");
        assert!(
            e.to_string()
                .contains("host `localhost` is not in the allowed_hosts of plugin `net`"),
            "{e}"
        );
    }
    let e = fetch(json!({"url": "file:///etc/passwd"}), 5000)
        .await
        .error
        .unwrap();
    assert!(e.to_string().contains("only http and https"), "{e}");
    let e = fetch(json!({"url": format!("http://{addr}/big")}), 5000)
        .await
        .error
        .unwrap();
    assert!(
        e.to_string().contains("responses are limited to 16384 bytes"),
        "{e}"
    );
    let e = fetch(json!({"nope": 1}), 5000).await.error.unwrap();
    assert!(e.to_string().contains("not valid JSON of the form"), "{e}");

    // A slow server is cut at the call's deadline: a timeout, not a hang.
    let started = std::time::Instant::now();
    let e = fetch(json!({"url": format!("http://{addr}/slow")}), 300)
        .await
        .error
        .unwrap();
    assert_eq!(e.kind(), "timeout", "{e}");
    assert!(started.elapsed() < Duration::from_secs(20));

    let e = plugin(&rt, "offline", "wat/plugins/http.wat", SandboxConfig::default())
        .await
        .unwrap_err();
    refused(e, "network");
}

#[tokio::test]
async fn random_bytes_and_now_ms() {
    let (rt, _d) = runtime();
    plugin(
        &rt,
        "rng",
        "wat/plugins/random.wat",
        SandboxConfig::default().grant([Capability::Crypto]),
    )
    .await
    .unwrap();
    let a = rt
        .execute_report::<Vec<u8>>("rng", "random", args![32], fresh())
        .await
        .value
        .unwrap();
    let b = rt
        .execute_report::<Vec<u8>>("rng", "random", args![32], fresh())
        .await
        .value
        .unwrap();
    assert_eq!(a.len(), 32);
    assert_ne!(a, b);
    let e = rt
        .execute_report::<Vec<u8>>("rng", "random", args![70_000], fresh())
        .await
        .error
        .unwrap();
    assert!(e.to_string().contains("at most 65536 per call"), "{e}");
    refused(
        plugin(&rt, "norng", "wat/plugins/random.wat", SandboxConfig::default())
            .await
            .unwrap_err(),
        "crypto",
    );

    plugin(
        &rt,
        "clock",
        "wat/plugins/time.wat",
        SandboxConfig::default().grant([Capability::Time]),
    )
    .await
    .unwrap();
    let now = rt
        .execute_report::<i64>("clock", "now", vec![], fresh())
        .await
        .value
        .unwrap();
    let host = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64;
    assert!((host - now).abs() < 60_000, "{now} vs {host}");
    refused(
        plugin(&rt, "noclock", "wat/plugins/time.wat", SandboxConfig::default())
            .await
            .unwrap_err(),
        "time",
    );
}

#[tokio::test]
async fn wasi_without_a_sandbox_with_stdin() {
    let (rt, _d) = runtime();
    load(&rt, "echo", "wat/stdin_echo.wat").await;
    rt.instantiate(
        "echo",
        InstantiateOptions {
            wasi: Some(WasiCapabilities::default().stdin(b"from the host".to_vec())),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let r = rt
        .execute_report::<Vec<u8>>("echo", "echo", vec![], ExecOptions::default())
        .await;
    assert_eq!(
        r.value.as_deref(),
        Some(b"from the host".as_slice()),
        "{:?}",
        r.error
    );

    // WASI given twice (sandbox and options) is refused, not merged.
    let sb = rt.create_sandbox(SandboxConfig::default()).unwrap();
    let e = rt
        .instantiate(
            "echo",
            InstantiateOptions {
                wasi: Some(WasiCapabilities::default()),
                sandbox_id: Some(sb.id),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("SandboxConfig::wasi"), "{e}");
}

#[tokio::test]
async fn unknown_builtin_is_a_clear_link_error() {
    let (rt, _d) = runtime_with(RuntimeConfig::default().enable_sandboxing(false));
    rt.load_module_as(
        "odd",
        WasmSource::bytes(r#"(module (import "echelon" "teleport" (func)) (func (export "f")))"#),
    )
    .await
    .unwrap();
    let e = rt
        .execute_report::<()>("odd", "f", vec![], fresh())
        .await
        .error
        .unwrap();
    assert!(
        e.to_string()
            .contains("`echelon.teleport`, which is not a built-in"),
        "{e}"
    );
    assert!(e.to_string().contains("kv_get"), "{e}");
    let e = {
        rt.load_module_as(
            "mistyped",
            WasmSource::bytes(
                r#"(module (import "echelon" "now_ms" (func (result i32))) (func (export "f")))"#,
            ),
        )
        .await
        .unwrap();
        rt.execute_report::<()>("mistyped", "f", vec![], fresh())
            .await
            .error
            .unwrap()
    };
    assert!(e.to_string().contains("but the built-in is () -> (i64)"), "{e}");
}

#[tokio::test]
async fn hostile_pointers_are_refused_before_allocating() {
    let (rt, _d) = runtime();
    // Raw (ptr, len) values that point past memory or are negative.
    let wat = r#"(module
        (import "echelon" "kv_set" (func $set (param i32 i32 i32 i32) (result i32)))
        (import "echelon" "log" (func $log (param i32 i32 i32)))
        (memory (export "memory") 1)
        (func (export "big") (result i32) (call $set (i32.const 0) (i32.const 1) (i32.const 65000) (i32.const 100000)))
        (func (export "neg") (result i32) (call $set (i32.const 0) (i32.const -1) (i32.const 0) (i32.const 1)))
        (func (export "log") (call $log (i32.const 1) (i32.const 65535) (i32.const 2000000000))))"#;
    rt.load_module_as("hostile", WasmSource::bytes(wat))
        .await
        .unwrap();
    let sb = rt
        .create_sandbox(kv_sandbox().grant([Capability::Console]).id("hostile"))
        .unwrap();
    let opts = fresh().with_sandbox(sb.id);
    let e = rt
        .execute_report::<i32>("hostile", "big", vec![], opts.clone())
        .await
        .error
        .unwrap();
    assert!(e.to_string().contains("outside the guest's memory"), "{e}");
    let e = rt
        .execute_report::<i32>("hostile", "neg", vec![], opts.clone())
        .await
        .error
        .unwrap();
    assert!(e.to_string().contains("negative key length"), "{e}");
    let e = rt
        .execute_report::<()>("hostile", "log", vec![], opts)
        .await
        .error
        .unwrap();
    assert!(e.to_string().contains("outside the guest's memory"), "{e}");
    // A packed result pointing past memory is refused before the host
    // allocates for it.
    let liar = r#"(module
        (memory (export "memory") 1)
        (func (export "echelon_alloc") (param i32) (result i32) (i32.const 1024))
        (func (export "echelon_free") (param i32 i32))
        (func (export "lie") (result i64) (i64.const 0x0000_fff0_7fff_ffff))
        (@custom "echelon:abi" "lie() -> string\n"))"#;
    rt.load_module_as("liar", WasmSource::bytes(liar)).await.unwrap();
    let e = rt
        .execute_report::<String>("liar", "lie", vec![], fresh())
        .await
        .error
        .unwrap();
    assert!(e.to_string().contains("outside the guest's memory"), "{e}");
    // The store is untouched and usable.
    assert_eq!(rt.kv().unwrap().usage("hostile").unwrap().keys, 0);
}

mod over_http {
    //! Manifests with the upload and `PUT /api/modules/{id}/manifest`,
    //! persisted with the module; logs in the call result.

    use serde_json::{json, Value as Json};

    use crate::http::{config, error_of, start, upload_form, wasm};

    async fn call(c: &reqwest::Client, url: String, args: Json) -> Json {
        c.post(url)
            .json(&json!({ "args": args }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn manifests_grant_capabilities_and_survive_restart() {
        let data = tempfile::tempdir().unwrap();
        let c = reqwest::Client::new();
        let manifest = json!({
            "capabilities": ["kv-read", "kv-write"],
            "config": {"unused": "yes"},
            "limits": {"memory_bytes": 4194304, "timeout_ms": 2000}
        });
        {
            let s = start(config(data.path())).await;
            // Without a manifest the kv plugin is refused at upload, naming
            // the capability.
            let r = c
                .post(s.url("/api/modules?id=kv"))
                .body(wasm("wat/plugins/kv.wat"))
                .send()
                .await
                .unwrap();
            let (kind, message) = error_of(r, 400).await;
            assert_eq!(kind, "sandbox");
            assert!(message.contains("`kv-read` capability"), "{message}");

            let r = c
                .post(s.url("/api/modules?id=kv"))
                .multipart(upload_form(wasm("wat/plugins/kv.wat"), &manifest))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 201);
            let info: Json = r.json().await.unwrap();
            assert_eq!(info["manifest"]["capabilities"], json!(["kv-read", "kv-write"]));
            assert_eq!(info["sandbox"], "plugins/kv");

            let r = call(
                &c,
                s.url("/api/modules/kv/call/set"),
                json!(["greeting", "aGVsbG8="]),
            )
            .await;
            assert_eq!(r["value"], 0, "{r}");
            let r = call(&c, s.url("/api/modules/kv/call/incr"), json!(["n"])).await;
            assert_eq!(r["value"], 1, "{r}");

            let info: Json = c
                .get(s.url("/api/modules/kv"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(info["manifest"], manifest);
            assert_eq!(info["kv"]["keys"], 2);

            // A manifest that takes kv-write away is refused (the module
            // writes), and the old one stays in force.
            let r = c
                .put(s.url("/api/modules/kv/manifest"))
                .body(json!({"capabilities": ["kv-read"]}).to_string())
                .send()
                .await
                .unwrap();
            let (kind, message) = error_of(r, 400).await;
            assert_eq!(kind, "sandbox");
            assert!(message.contains("`kv-write` capability"), "{message}");
            let r = call(&c, s.url("/api/modules/kv/call/incr"), json!(["n"])).await;
            assert_eq!(r["value"], 2, "{r}");

            // Invalid manifests name what is wrong.
            let r = c
                .put(s.url("/api/modules/kv/manifest"))
                .body(r#"{"capabilities": ["teleport"]}"#)
                .send()
                .await
                .unwrap();
            let (kind, message) = error_of(r, 400).await;
            assert_eq!(kind, "manifest");
            assert!(message.contains("teleport"), "{message}");
            let r = c
                .put(s.url("/api/modules/kv/manifest"))
                .body(r#"{"allowed_hosts": ["x.com"]}"#)
                .send()
                .await
                .unwrap();
            let (_, message) = error_of(r, 400).await;
            assert!(
                message.contains("`network` capability is not granted"),
                "{message}"
            );
            let r = c
                .put(s.url("/api/modules/kv/manifest"))
                .body(r#"{"limits": {"timeout_ms": 999999999}}"#)
                .send()
                .await
                .unwrap();
            let (_, message) = error_of(r, 400).await;
            assert!(
                message.contains("limits.timeout_ms must be between 1 and 30000"),
                "{message}"
            );

            // The log plugin: granted by PUT, logs come back with the call.
            let r = c
                .post(s.url("/api/modules?id=logger"))
                .body(wasm("wat/plugins/log.wat"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 400, "needs console");
            let r = c
                .post(s.url("/api/modules?id=logger"))
                .multipart(upload_form(
                    wasm("wat/plugins/log.wat"),
                    &json!({"capabilities": ["console"]}),
                ))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 201);
            let r = call(&c, s.url("/api/modules/logger/call/hello"), json!(["over http"])).await;
            assert_eq!(r["success"], true, "{r}");
            assert_eq!(
                r["logs"],
                json!([{"level": "info", "message": "over http"}, {"level": "warn", "message": "careful: plugins log"}])
            );
            let got: Json = c
                .get(s.url("/api/modules/logger/manifest"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(got["capabilities"], json!(["console"]));
            s.shutdown().await;
        }
        // After a restart: the manifest and the data are still there.
        let s = start(config(data.path())).await;
        let info: Json = c
            .get(s.url("/api/modules/kv"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(info["manifest"], manifest);
        let r = call(&c, s.url("/api/modules/kv/call/incr"), json!(["n"])).await;
        assert_eq!(r["value"], 3, "{r}");
        let r = call(&c, s.url("/api/modules/kv/call/get"), json!(["greeting"])).await;
        assert_eq!(r["value"], "aGVsbG8=", "{r}");
        // Deleting the module removes its sandbox; its data stays.
        let r = c.delete(s.url("/api/modules/kv")).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 204);
        assert!(s.wasm.get_sandbox("plugins/kv").is_none());
        s.shutdown().await;
    }
}

#[test]
fn cli_runs_a_plugin_under_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("manifest.json");
    let run = |manifest_json: &str| {
        std::fs::write(&manifest, manifest_json).unwrap();
        assert_cmd::Command::cargo_bin("echelon")
            .unwrap()
            .arg("run")
            .arg(example("wat/plugins/log.wat"))
            .arg("--manifest")
            .arg(&manifest)
            .args(["--invoke", "hello", "cli"])
            .output()
            .unwrap()
    };
    let out = run(r#"{"capabilities": ["console"]}"#);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "3\n");
    assert!(
        stderr.contains("[info] cli\n") && stderr.contains("[warn] careful: plugins log"),
        "{stderr}"
    );

    let out = run("{}");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`console` capability"), "{stderr}");
    let out = run(r#"{"capabilities": ["console"], "limits": {"memory_bytes": 0}}"#);
    assert!(String::from_utf8_lossy(&out.stderr).contains("limits.memory_bytes"));
}

mod deadlines {
    //! One wall-clock deadline per call, host time included.

    use std::time::{Duration, Instant};

    use echelon::runtime::{ExecOptions, HostFunction, InstanceMode, RuntimeConfig, WasmSource};

    use crate::support::{example, runtime, runtime_with};

    #[tokio::test]
    async fn a_sleeping_wasi_guest_is_cut_at_the_deadline() {
        let (rt, _d) = runtime();
        rt.load_module_as("sleeper", WasmSource::file(example("wat/sleeper.wat")))
            .await
            .unwrap();
        let started = Instant::now();
        let r = rt
            .execute_report::<i32>(
                "sleeper",
                "sleep",
                vec![],
                ExecOptions::timeout(Duration::from_millis(300)),
            )
            .await;
        assert_eq!(r.error.map(|e| e.kind()), Some("timeout"));
        // Not an hour: bounded by the deadline (the cap only bounds a failure).
        assert!(started.elapsed() < Duration::from_secs(60));
    }

    #[tokio::test]
    async fn a_slow_async_host_function_is_cut_at_the_deadline() {
        let (rt, _d) = runtime();
        rt.register_host_function(HostFunction::new_async("env", "slow", [], [], |_| async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(vec![])
        }));
        rt.load_module_as(
            "slow",
            WasmSource::bytes(r#"(module (import "env" "slow" (func $s)) (func (export "f") (call $s)))"#),
        )
        .await
        .unwrap();
        let opts = ExecOptions::timeout(Duration::from_millis(200)).with_instance(InstanceMode::Fresh);
        let r = rt.execute_report::<()>("slow", "f", vec![], opts).await;
        let e = r.error.unwrap();
        assert_eq!(e.kind(), "timeout", "{e}");
    }

    #[tokio::test]
    async fn max_timeout_caps_every_call() {
        let (rt, _d) = runtime_with(RuntimeConfig::default().max_timeout(Duration::from_millis(150)));
        rt.load_module_as("hostile", WasmSource::file(example("wat/hostile.wat")))
            .await
            .unwrap();
        // The call asks for an hour (or any value: u64::MAX ms must not
        // overflow); the runtime's maximum applies.
        for asked in [Duration::from_secs(3600), Duration::from_millis(u64::MAX)] {
            let r = rt
                .execute_report::<()>("hostile", "spin", vec![], ExecOptions::timeout(asked))
                .await;
            let e = r.error.unwrap();
            assert_eq!(e.kind(), "timeout", "{e}");
            assert!(e.to_string().contains("after 150 ms"), "{e}");
        }
    }
}

mod shutdown {
    //! A shutdown is bounded: calls still running after the grace period
    //! are interrupted.

    use std::time::Duration;

    use echelon::http::AppConfig;
    use serde_json::json;

    use crate::http::{config, start, upload_plugin, wait_for, wasm};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn shutdown_interrupts_calls_after_the_grace_period() {
        let data = tempfile::tempdir().unwrap();
        let hour = Duration::from_secs(3600);
        let base = config(data.path());
        let s = start(AppConfig {
            shutdown_grace: Duration::from_millis(300),
            runtime: base.runtime.clone().max_timeout(hour),
            manifest_policy: echelon::manifest::ManifestPolicy {
                max_timeout: hour,
                ..Default::default()
            },
            ..base
        })
        .await;
        let c = reqwest::Client::new();
        upload_plugin(
            &c,
            &s,
            "spin",
            wasm("wat/hostile.wat"),
            &json!({"limits": {"timeout_ms": 3_600_000}}),
        )
        .await;
        let url = s.url("/api/modules/spin/call/spin");
        let call = tokio::spawn(async move {
            c.post(url)
                .json(&json!({"timeout_ms": 3_600_000}))
                .send()
                .await
                .map(|r| r.status().as_u16())
        });
        wait_for(|| s.wasm.metrics().snapshot().in_flight == 1).await;
        // Without the interrupt this would wait an hour; the cap only
        // bounds a failing test.
        tokio::time::timeout(Duration::from_secs(120), s.shutdown())
            .await
            .expect("the shutdown is bounded by the grace period");
        let status = call.await.unwrap();
        assert_eq!(status.ok(), Some(503), "the interrupted call answers `stopped`");
    }
}
