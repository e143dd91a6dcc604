//! A hostile client against `echelon serve`: reserved ids, a tampered
//! module index, concurrent uploads, tokens on reads.

use std::time::Duration;

use echelon::http::AppConfig;

use crate::http::{config, error_of, start, wasm};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn built_in_module_ids_are_reserved() {
    let data = tempfile::tempdir().unwrap();
    let s = start(config(data.path())).await;
    let c = reqwest::Client::new();
    for id in ["shared", "stream"] {
        let (kind, message) = error_of(
            c.post(s.url(&format!("/api/modules?id={id}")))
                .body(wasm("wat/fib.wat"))
                .send()
                .await
                .unwrap(),
            409,
        )
        .await;
        assert_eq!(kind, "reserved");
        assert!(message.contains(id), "{message}");
        // The built-in module still answers.
        assert!(s.wasm.has_module(id), "{id} is still loaded");
    }
    // Built-in modules are not uploads: they cannot be deleted over HTTP.
    let r = c.delete(s.url("/api/modules/shared")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert!(s.wasm.has_module("shared"));
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_uploads_of_the_same_bytes_all_succeed() {
    let data = tempfile::tempdir().unwrap();
    let s = start(config(data.path())).await;
    let c = reqwest::Client::new();
    let uploads: Vec<_> = (0..8)
        .map(|i| {
            let (c, url) = (c.clone(), s.url(&format!("/api/modules?id=fib{i}")));
            tokio::spawn(async move { c.post(url).body(wasm("wat/fib.wat")).send().await })
        })
        .collect();
    for u in uploads {
        assert_eq!(u.await.unwrap().unwrap().status().as_u16(), 201);
    }
    // Deleting all but one keeps the shared bytes for the last.
    for i in 0..7 {
        let r = c
            .delete(s.url(&format!("/api/modules/fib{i}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 204);
    }
    let modules = data.path().join("modules");
    let names: Vec<String> = std::fs::read_dir(&modules)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(
        names.iter().filter(|n| n.ends_with(".wasm")).count(),
        1,
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n.starts_with(".tmp")),
        "temp files left: {names:?}"
    );
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_index_is_refused_and_a_broken_entry_can_be_deleted() {
    let data = tempfile::tempdir().unwrap();
    let modules = data.path().join("modules");
    std::fs::create_dir_all(&modules).unwrap();
    // A hash that walks out of the store.
    std::fs::write(
        modules.join("index.json"),
        r#"{"evil": {"sha256": "../../../../etc/passwd"}}"#,
    )
    .unwrap();
    let Err(err) = echelon::http::Application::new(config(data.path())).await else {
        panic!("a path in the index must be refused");
    };
    let msg = err.to_string();
    assert!(msg.contains("evil") && msg.contains("sha256"), "{msg}");

    // A well-formed entry whose bytes are missing fails to reload; it can
    // still be deleted.
    let missing = "0".repeat(64);
    std::fs::write(
        modules.join("index.json"),
        format!(r#"{{"gone": {{"sha256": "{missing}"}}}}"#),
    )
    .unwrap();
    let s = start(config(data.path())).await;
    let c = reqwest::Client::new();
    let r = c.delete(s.url("/api/modules/gone")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let index = std::fs::read_to_string(modules.join("index.json")).unwrap();
    assert!(!index.contains("gone"), "{index}");
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_can_protect_reads() {
    let data = tempfile::tempdir().unwrap();
    let s = start(AppConfig {
        token: Some("s3cret".into()),
        token_protects_reads: true,
        ..config(data.path())
    })
    .await;
    let c = reqwest::Client::new();
    for path in ["/api/modules", "/metrics", "/api/modules/shared"] {
        let (kind, _) = error_of(c.get(s.url(path)).send().await.unwrap(), 401).await;
        assert_eq!(kind, "unauthorized", "{path}");
        let r = c.get(s.url(path)).bearer_auth("s3cre").send().await.unwrap();
        assert_eq!(r.status().as_u16(), 401, "{path} with a prefix of the token");
        let r = c.get(s.url(path)).bearer_auth("s3cret").send().await.unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
    }
    // Health stays open (load balancers probe it without credentials).
    let r = c
        .get(s.url("/healthz"))
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    s.shutdown().await;
}

#[cfg(unix)]
#[tokio::test]
async fn a_cache_directory_others_can_write_is_never_used() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("cache");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    let rt = echelon::WasmRuntime::new(echelon::RuntimeConfig::default().cache_dir(&shared)).unwrap();
    let info = rt
        .load_module_as("fib", echelon::WasmSource::bytes(wasm("wat/fib.wat")))
        .await
        .unwrap();
    assert_eq!(rt.loader().precompiled_path(&info.sha256), None);
    assert_eq!(
        std::fs::read_dir(&shared).unwrap().count(),
        0,
        "nothing written there"
    );

    // A private directory is used, and created private.
    let private = dir.path().join("private");
    let rt = echelon::WasmRuntime::new(echelon::RuntimeConfig::default().cache_dir(&private)).unwrap();
    let info = rt
        .load_module_as("fib", echelon::WasmSource::bytes(wasm("wat/fib.wat")))
        .await
        .unwrap();
    let path = rt.loader().precompiled_path(&info.sha256).expect("disk cache on");
    assert!(path.is_file());
    let mode = std::fs::metadata(&private).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_connections_messages_and_rates_are_bounded() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let data = tempfile::tempdir().unwrap();
    let s = start(AppConfig {
        stream_max_connections: 1,
        stream_max_message: 1024,
        stream_messages_per_second: 1,
        ..config(data.path())
    })
    .await;
    let url = s.url("/stream").replace("http://", "ws://");
    let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    // One connection is the limit: the next is refused with 503.
    match tokio_tungstenite::connect_async(&url).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status().as_u16(), 503),
        other => panic!("a second connection must be refused: {other:?}"),
    }
    // Five messages at once with one a second allowed: at least one is
    // refused without running the module (the bucket starts with one).
    for i in 0..5 {
        ws.send(Message::Text(format!("hello {i}").into())).await.unwrap();
    }
    let mut limited = 0;
    let mut done = 0;
    for _ in 0..5 {
        let reply = ws.next().await.unwrap().unwrap().into_text().unwrap();
        if reply.contains("rate_limited") {
            limited += 1;
        } else {
            assert!(reply.starts_with("HELLO "), "{reply}");
            done += 1;
        }
    }
    assert!(limited >= 1 && done >= 1, "limited {limited}, done {done}");
    // A message over the size limit closes the connection.
    ws.send(Message::Binary(vec![b'x'; 4096].into())).await.unwrap();
    let end = ws.next().await;
    assert!(
        matches!(end, None | Some(Err(_)) | Some(Ok(Message::Close(_)))),
        "an oversized message must close the connection: {end:?}"
    );
    drop(ws);
    // The connection's slot is free again.
    let mut again = None;
    for _ in 0..6000 {
        if let Ok((ws, _)) = tokio_tungstenite::connect_async(&url).await {
            again = Some(ws);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(again.is_some(), "the closed connection's slot was not released");
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn violations_and_metric_series_are_bounded() {
    use echelon::runtime::{ExecOptions, RuntimeConfig};
    use echelon::sandbox::{SandboxConfig, MAX_VIOLATIONS};
    let (rt, _d) = crate::support::runtime_with(RuntimeConfig::default());
    rt.load_module_as("hostile", echelon::WasmSource::bytes(wasm("wat/hostile.wat")))
        .await
        .unwrap();
    let sb = rt
        .create_sandbox(SandboxConfig::default().max_instructions(1_000))
        .unwrap();
    let extra = 5;
    for _ in 0..MAX_VIOLATIONS + extra {
        let e = rt
            .execute::<()>(
                "hostile",
                "spin",
                vec![],
                ExecOptions::default().with_sandbox(&sb.id),
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind(), "out_of_fuel", "{e}");
    }
    let info = rt.get_sandbox(&sb.id).unwrap();
    assert_eq!(info.violations.len(), MAX_VIOLATIONS);
    assert_eq!(info.violation_count, (MAX_VIOLATIONS + extra) as u64);

    // Per-module duration series: bounded, and dropped with their module.
    use echelon::runtime::{MAX_MODULE_SERIES, OTHER_MODULES};
    let fib = wasm("wat/fib.wat");
    for i in 0..MAX_MODULE_SERIES + 3 {
        let id = format!("m{i}");
        rt.load_module_as(id.as_str(), echelon::WasmSource::bytes(fib.clone()))
            .await
            .unwrap();
        rt.execute::<i32>(&id, "fibonacci", echelon::args![1], ExecOptions::default())
            .await
            .unwrap();
    }
    let text = rt.metrics().render_prometheus();
    assert!(
        text.contains(&format!("module=\"{OTHER_MODULES}\"")),
        "no shared series"
    );
    let series = text.lines().filter(|l| l.contains("_count{")).count();
    assert!(series <= MAX_MODULE_SERIES + 1, "{series} series");
    rt.unload_module("m0").await.unwrap();
    assert!(!rt.metrics().render_prometheus().contains("module=\"m0\""));
}

#[tokio::test]
async fn every_table_and_memory_counts_against_one_instance_budget() {
    use echelon::runtime::{ExecOptions, RuntimeConfig};
    let (rt, _d) = crate::support::runtime_with(RuntimeConfig::default().module_memory_limit(16 << 20));
    // 100 tables of a million entries: 8 MB each.
    let tables: String = (0..100).map(|_| "(table 1000000 funcref)").collect();
    let wat = format!("(module {tables} (func (export \"f\")))");
    rt.load_module_as("tables", echelon::WasmSource::bytes(wat.into_bytes()))
        .await
        .unwrap();
    let e = rt
        .execute::<()>("tables", "f", vec![], ExecOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "memory", "{e}");
    assert!(e.to_string().contains("table"), "{e}");
    // Eight memories of 4 MiB each: each fits the limit, together they do not.
    let memories: String = (0..8).map(|_| "(memory 64)").collect();
    let wat = format!("(module {memories} (func (export \"f\")))");
    rt.load_module_as("memories", echelon::WasmSource::bytes(wat.into_bytes()))
        .await
        .unwrap();
    let e = rt
        .execute::<()>("memories", "f", vec![], ExecOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "memory", "{e}");
    // Nothing stays charged after the refusals.
    assert_eq!(rt.memory_stats().global.allocated, 0);
}

#[tokio::test]
async fn pooled_instances_do_not_keep_a_calls_peak_memory() {
    use echelon::runtime::{ExecOptions, InstanceMode};
    let (rt, _d) = crate::support::runtime();
    let wat = r#"(module (memory 1)
      (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
      (func (export "noop")))"#;
    rt.load_module_as("g", echelon::WasmSource::bytes(wat))
        .await
        .unwrap();
    let pooled = ExecOptions::default().with_instance(InstanceMode::Pooled);
    rt.execute::<()>("g", "noop", vec![], pooled.clone())
        .await
        .unwrap();
    let idle = rt.memory_stats().modules["g"].allocated;
    assert_eq!(idle, 65_536, "one page kept by the idle pooled instance");
    // A little growth (a guest heap settling) keeps the instance pooled.
    rt.execute::<i32>("g", "grow", echelon::args![1], pooled.clone())
        .await
        .unwrap();
    assert_eq!(rt.memory_stats().modules["g"].allocated, 2 * 65_536);
    // Growth past POOLED_GROWTH_KEPT (4 MiB) drops it after the call.
    rt.execute::<i32>("g", "grow", echelon::args![100], pooled.clone())
        .await
        .unwrap();
    // The grown instance was dropped, not pooled.
    assert_eq!(rt.memory_stats().modules["g"].allocated, 0);
    rt.execute::<()>("g", "noop", vec![], pooled).await.unwrap();
    assert_eq!(rt.memory_stats().modules["g"].allocated, 65_536);
    assert_eq!(echelon::runtime::POOLED_GROWTH_KEPT, 4 << 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploaded_modules_hold_no_idle_instance() {
    let data = tempfile::tempdir().unwrap();
    let s = start(config(data.path())).await;
    let c = reqwest::Client::new();
    let r = c
        .post(s.url("/api/modules?id=rev"))
        .body(wasm("wat/reverse.wat"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let r = c
        .post(s.url("/api/modules/rev/call/reverse"))
        .json(&serde_json::json!({"args": ["abc"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["value"], serde_json::json!("cba"), "{body}");
    // The module (two pages of memory) holds nothing between calls.
    let stats = s.wasm.memory_stats();
    assert_eq!(
        stats.modules.get("rev").map(|m| m.allocated),
        Some(0),
        "{stats:?}"
    );
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_refuses_an_oversized_source() {
    let data = tempfile::tempdir().unwrap();
    let s = start(AppConfig {
        generate_max_source: 64 * 1024,
        ..config(data.path())
    })
    .await;
    let c = reqwest::Client::new();
    let code = "export let x: i32 = 1;\n".repeat(10_000);
    let (kind, message) = error_of(
        c.post(s.url("/api/generate"))
            .json(&serde_json::json!({"type": "typescript", "code": code}))
            .send()
            .await
            .unwrap(),
        413,
    )
    .await;
    assert_eq!(kind, "too_large");
    assert!(message.contains("65536"), "{message}");
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn module_info_does_not_show_host_paths() {
    let data = tempfile::tempdir().unwrap();
    let s = start(config(data.path())).await;
    let c = reqwest::Client::new();
    for id in ["shared", "stream"] {
        let body: serde_json::Value = c
            .get(s.url(&format!("/api/modules/{id}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let source = body["source"].as_str().expect("source");
        assert!(
            source.starts_with("file:") && !source.contains('/'),
            "{id}: {source}"
        );
        let text = body.to_string();
        let dir = data.path().to_string_lossy();
        assert!(!text.contains(dir.as_ref()), "{id}: {text}");
    }
    s.shutdown().await;
}

/// A module with `n` exports, every one the same function (`f0`, `f1`, ...).
fn many_exports(n: u32) -> Vec<u8> {
    use wasm_encoder::{
        CodeSection, ExportKind, ExportSection, Function, FunctionSection, Instruction, TypeSection,
    };
    let mut types = TypeSection::new();
    types.ty().function([], [wasm_encoder::ValType::I32]);
    let mut funcs = FunctionSection::new();
    funcs.function(0);
    let mut exports = ExportSection::new();
    for i in 0..n {
        exports.export(&format!("f{i}"), ExportKind::Func, 0);
    }
    let mut code = CodeSection::new();
    let mut body = Function::new([]);
    body.instruction(&Instruction::I32Const(7));
    body.instruction(&Instruction::End);
    code.function(&body);
    let mut module = wasm_encoder::Module::new();
    module
        .section(&types)
        .section(&funcs)
        .section(&exports)
        .section(&code);
    module.finish()
}

/// Listing, module info and metrics stay small with the most exports the
/// validator allows (100,000); a million exports is refused at validation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listings_stay_cheap_with_a_hundred_thousand_exports() {
    let data = tempfile::tempdir().unwrap();
    let s = start(config(data.path())).await;
    let c = reqwest::Client::new();
    let r = c
        .post(s.url("/api/modules?id=many"))
        .body(many_exports(100_000))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let uploaded: serde_json::Value = r.json().await.unwrap();
    assert_eq!(status, 201, "{uploaded}");
    // The upload answers with the first page of exports, like module info.
    assert_eq!(uploaded["exports"].as_array().unwrap().len(), 1000);

    let body = c
        .get(s.url("/api/modules"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.len() < 16 * 1024, "the listing is {} bytes", body.len());
    let list: serde_json::Value = serde_json::from_str(&body).unwrap();
    let many = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "many")
        .expect("the module is listed");
    assert_eq!(many["export_count"], 100_000);
    assert_eq!(many["exports"].as_array().unwrap().len(), 32);

    let info: serde_json::Value = c
        .get(s.url("/api/modules/many"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["export_count"], 100_000);
    assert_eq!(info["exports"].as_array().unwrap().len(), 1000);
    let tail: serde_json::Value = c
        .get(s.url("/api/modules/many?offset=99990&limit=100"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = tail["exports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 10);
    assert_eq!(names.last(), Some(&"f99999"));
    let (kind, message) = error_of(
        c.get(s.url("/api/modules/many?limit=20000"))
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_eq!(kind, "bad_request");
    assert!(message.contains("offset"), "{message}");

    let metrics = c
        .get(s.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("echelon_modules_loaded"), "{metrics}");
    assert!(metrics.len() < 64 * 1024, "/metrics is {} bytes", metrics.len());

    // A million exports: refused by validation, before compiling.
    let (kind, message) = error_of(
        c.post(s.url("/api/modules?id=million"))
            .body(many_exports(1_000_000))
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_eq!(kind, "validation", "{message}");
    assert!(!s.wasm.has_module("million"));
    s.shutdown().await;
}

/// The `/stream` module's instance is made at start: no message waits,
/// slot in hand, for it to be instantiated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_instance_is_ready_before_the_first_message() {
    let data = tempfile::tempdir().unwrap();
    let s = start(config(data.path())).await;
    let info = s.wasm.get_module("stream").expect("the stream module is loaded");
    assert!(info.instantiated, "the stream module has no instance yet");
    s.shutdown().await;
}

/// A client that sends half a request body and stalls does not hold the
/// server's shutdown beyond its grace period.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_does_not_wait_for_a_stalled_client() {
    use tokio::io::AsyncWriteExt;
    let data = tempfile::tempdir().unwrap();
    let s = start(AppConfig {
        shutdown_grace: Duration::from_millis(200),
        ..config(data.path())
    })
    .await;
    let addr = s.url("").trim_start_matches("http://").to_string();
    let mut stalled = tokio::net::TcpStream::connect(&addr).await.unwrap();
    stalled
        .write_all(b"POST /api/modules?id=slow HTTP/1.1\r\nhost: x\r\ncontent-length: 100000\r\n\r\n\0asm")
        .await
        .unwrap();
    // A request on a second connection, answered: the server is serving
    // (and has, in practice, accepted the stalled connection first).
    let c = reqwest::Client::new();
    assert!(c
        .get(s.url("/healthz"))
        .send()
        .await
        .unwrap()
        .status()
        .is_success());
    // Bounded: grace (200 ms) + at most 1 s for connections. The outer
    // limit only turns a hang into a failure.
    tokio::time::timeout(Duration::from_secs(60), s.shutdown())
        .await
        .expect("shutdown waited for a client that never finishes its request");
    drop(stalled);
}

/// An upload whose instance would exceed its memory budget is the
/// client's fault: 400 `memory`, not a server error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_over_its_memory_budget_is_a_400() {
    let data = tempfile::tempdir().unwrap();
    let s = start(config(data.path())).await;
    let tables: String = (0..100).map(|_| "(table 1000000 funcref)").collect();
    let module = wat::parse_str(format!("(module {tables})")).unwrap();
    let (kind, message) = error_of(
        reqwest::Client::new()
            .post(s.url("/api/modules?id=tables"))
            .body(module)
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_eq!(kind, "memory", "{message}");
    assert!(!s.wasm.has_module("tables"));
    s.shutdown().await;
}
