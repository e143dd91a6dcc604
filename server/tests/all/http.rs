//! `echelon serve`'s HTTP API against a server on an ephemeral loopback
//! port: every endpoint and every error code.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use axum::routing::post;
use echelon::http::middleware::{Direction, WasmTransformLayer};
use echelon::http::{AppConfig, Application};
use echelon::runtime::RuntimeConfig;
use serde_json::{json, Value as Json};
use tokio::sync::oneshot;

use crate::support::example;

pub(crate) struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<echelon::Result<()>>,
    pub(crate) wasm: echelon::WasmRuntime,
}

impl Server {
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub(crate) async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.done
            .await
            .expect("server task")
            .expect("server stops cleanly");
    }
}

pub(crate) fn config(data: &Path) -> AppConfig {
    AppConfig {
        data_dir: data.to_path_buf(),
        runtime: RuntimeConfig::default().cache_dir(data.join("cache")),
        shared_guest: Some(
            echelon_tests::shared_guest_wasm()
                .expect("guest builds")
                .to_path_buf(),
        ),
        stream_module: Some(example("wat/transform.wat")),
        ..AppConfig::default()
    }
}

async fn start_app(app: Application) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let wasm = app.wasm.clone();
    let (tx, rx) = oneshot::channel::<()>();
    let done = tokio::spawn(app.serve_on(listener, async move {
        let _ = rx.await;
    }));
    Server {
        addr,
        stop: Some(tx),
        done,
        wasm,
    }
}

pub(crate) async fn start(config: AppConfig) -> Server {
    start_app(Application::new(config).await.expect("application starts")).await
}

/// A plugin upload: the module and its manifest, as multipart.
pub(crate) fn upload_form(module: Vec<u8>, manifest: &Json) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .part(
            "module",
            reqwest::multipart::Part::bytes(module).file_name("plugin.wasm"),
        )
        .text("manifest", manifest.to_string())
}

/// Uploads `module` as plugin `id` under `manifest` and checks it was
/// accepted (201).
pub(crate) async fn upload_plugin(
    c: &reqwest::Client,
    s: &Server,
    id: &str,
    module: Vec<u8>,
    manifest: &Json,
) {
    let r = c
        .post(s.url(&format!("/api/modules?id={id}")))
        .multipart(upload_form(module, manifest))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "upload of `{id}`");
}

pub(crate) fn wasm(wat: &str) -> Vec<u8> {
    wat::parse_file(example(wat)).unwrap()
}

pub(crate) async fn error_of(resp: reqwest::Response, status: u16) -> (String, String) {
    assert_eq!(resp.status().as_u16(), status);
    let body: Json = resp.json().await.expect("errors are JSON");
    let kind = body["error"]["kind"].as_str().expect("error.kind").to_string();
    let message = body["error"]["message"]
        .as_str()
        .expect("error.message")
        .to_string();
    (kind, message)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn module_api_and_error_codes() {
    let data = tempfile::tempdir().unwrap();
    let s = start(config(data.path())).await;
    let c = reqwest::Client::new();

    let r = c.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "ok");

    let r = c
        .post(s.url("/api/modules?id=fib"))
        .body(wasm("wat/fib.wat"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    assert!(r.headers().contains_key("x-request-id"));
    let info: Json = r.json().await.unwrap();
    assert_eq!(info["id"], "fib");
    assert_eq!(info["sandbox"], "plugins/fib");

    let list: Json = c
        .get(s.url("/api/modules"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let fib = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "fib")
        .expect("listed");
    assert_eq!(fib["exports"][0], "fibonacci(i32) -> i32");

    let r: Json = c
        .post(s.url("/api/modules/fib/call/fibonacci"))
        .json(&json!({"args": [10]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["success"], true, "{r}");
    assert_eq!(r["value"], 55);
    assert!(r["gas_used"].as_u64().unwrap() > 0);
    assert!(r["duration_ms"].as_f64().is_some());

    // Guest failures are results; request errors are HTTP errors.
    let r: Json = c
        .post(s.url("/api/modules/fib/call/fibonacci"))
        .json(&json!({"args": [40], "timeout_ms": 50}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["success"], false);
    assert!(
        ["timeout", "out_of_fuel"].contains(&r["error"]["kind"].as_str().unwrap()),
        "{r}"
    );

    let (kind, msg) = error_of(
        c.post(s.url("/api/modules/fib/call/fibonacci"))
            .json(&json!({"args": ["x"]}))
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_eq!(kind, "bad_request");
    assert!(msg.contains("argument 0"), "{msg}");
    let (_, msg) = error_of(
        c.post(s.url("/api/modules/fib/call/fibonacci"))
            .json(&json!({"args": []}))
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
    assert!(msg.contains("takes 1 argument(s) (i32), got 0"), "{msg}");
    error_of(
        c.post(s.url("/api/modules/fib/call/fibonacci"))
            .body("{not json")
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
    error_of(
        c.post(s.url("/api/modules/nope/call/f")).send().await.unwrap(),
        404,
    )
    .await;
    error_of(
        c.post(s.url("/api/modules/fib/call/nope")).send().await.unwrap(),
        404,
    )
    .await;
    error_of(c.get(s.url("/api/modules/nope")).send().await.unwrap(), 404).await;

    let (kind, msg) = error_of(
        c.post(s.url("/api/modules?id=bad"))
            .body(&b"\0asm\x01\0\0\0\x01\x05"[..])
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_eq!(kind, "validation");
    assert!(msg.contains("byte offset"), "{msg}");
    error_of(
        c.post(s.url("/api/modules?id=..%2Fetc"))
            .body(wasm("wat/fib.wat"))
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
    // Over the upload limit: refused from the declared length, before any
    // body is read; and, without a declared length, after reading one byte
    // past the limit. (Raw sockets, so the client never writes into a
    // connection the server already answered.)
    let (status, body) = raw_post(
        s.addr,
        "/api/modules?id=huge",
        "Content-Length: 17825792\r\n",
        &[],
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("\"too_large\""), "{body}");
    let mut chunked = format!("{:x}\r\n", 16 * 1024 * 1024 + 1).into_bytes();
    chunked.extend(std::iter::repeat_n(0u8, 16 * 1024 * 1024 + 1));
    let (status, body) = raw_post(
        s.addr,
        "/api/modules?id=huge",
        "Transfer-Encoding: chunked\r\n",
        &chunked,
    )
    .await;
    assert_eq!(status, 413, "{body}");
    // A plugin importing a host function the strict sandbox does not grant.
    let (kind, msg) = error_of(
        c.post(s.url("/api/modules?id=plugin"))
            .body(wasm("wat/plugin.wat"))
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_eq!(kind, "sandbox");
    assert!(msg.contains("env.log"), "{msg}");
    assert!(
        s.wasm.get_module("plugin").is_none(),
        "a refused upload is not kept"
    );
    // Same id, other bytes.
    let (kind, _) = error_of(
        c.post(s.url("/api/modules?id=fib"))
            .body(wasm("wat/hostile.wat"))
            .send()
            .await
            .unwrap(),
        409,
    )
    .await;
    assert_eq!(kind, "conflict");

    let metrics = c
        .get(s.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("echelon_calls_total 2"), "{metrics}");
    assert!(metrics.contains("echelon_call_errors_total{kind=\""), "{metrics}");
    assert!(
        metrics.contains("echelon_call_duration_seconds_bucket{module=\"fib\""),
        "{metrics}"
    );

    assert_eq!(
        c.delete(s.url("/api/modules/fib"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        204
    );
    error_of(c.delete(s.url("/api/modules/fib")).send().await.unwrap(), 404).await;
    error_of(c.get(s.url("/no/such/page")).send().await.unwrap(), 404).await;
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_survive_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let c = reqwest::Client::new();
    let s = start(config(data.path())).await;
    let r = c
        .post(s.url("/api/modules?id=keep"))
        .body(wasm("wat/fib.wat"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    s.shutdown().await;

    let s = start(config(data.path())).await;
    let r: Json = c
        .post(s.url("/api/modules/keep/call/fibonacci"))
        .json(&json!({"args": [12]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["value"], 144, "{r}");
    assert_eq!(
        s.wasm.get_module("keep").unwrap().sandbox.as_deref(),
        Some("plugins/keep")
    );
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_guards_mutations_only() {
    let data = tempfile::tempdir().unwrap();
    let s = start(AppConfig {
        token: Some("s3cret".into()),
        ..config(data.path())
    })
    .await;
    let c = reqwest::Client::new();
    let (kind, _) = error_of(
        c.post(s.url("/api/modules?id=fib"))
            .body(wasm("wat/fib.wat"))
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
    assert_eq!(kind, "unauthorized");
    error_of(
        c.post(s.url("/api/modules?id=fib"))
            .bearer_auth("wrong")
            .body(wasm("wat/fib.wat"))
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
    let r = c
        .post(s.url("/api/modules?id=fib"))
        .bearer_auth("s3cret")
        .body(wasm("wat/fib.wat"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    assert_eq!(
        c.get(s.url("/api/modules"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_upload_and_stream_use_wasm() {
    let data = tempfile::tempdir().unwrap();
    let s = start(config(data.path())).await;
    let c = reqwest::Client::new();
    for (user, ok) in [
        (json!({"email": "ada@example.com", "age": 36}), true),
        (json!({"email": "ada", "age": 12}), false),
    ] {
        let wasm = c.post(s.url("/users")).json(&user).send().await.unwrap();
        let native = c.post(s.url("/users/native")).json(&user).send().await.unwrap();
        assert_eq!(wasm.status(), native.status());
        assert_eq!(wasm.status().is_success(), ok);
        let (a, b): (Json, Json) = (wasm.json().await.unwrap(), native.json().await.unwrap());
        assert_eq!(a, b);
        if !ok {
            assert_eq!(
                a,
                json!({"errors": ["Invalid email format", "Must be 18 or older"]})
            );
        }
    }
    let bad: Json = c
        .post(s.url("/users"))
        .body("{")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bad, json!({"errors": ["Invalid JSON"]}));

    let px: Vec<u8> = (0..3000 * 2000)
        .flat_map(|i: u32| [(i % 256) as u8, 0, 0, 255])
        .collect();
    let png = echelon_shared::image::encode_png(&px, 3000, 2000).unwrap();
    let form = reqwest::multipart::Form::new()
        .part("image", reqwest::multipart::Part::bytes(png).file_name("big.png"));
    let r: Json = c
        .post(s.url("/upload"))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (r["width"].as_u64(), r["height"].as_u64()),
        (Some(1620), Some(1080)),
        "{r}"
    );
    let saved = data.path().join("uploads").join(r["filename"].as_str().unwrap());
    assert_eq!(
        std::fs::metadata(&saved).unwrap().len(),
        r["size"].as_u64().unwrap()
    );
    let form = reqwest::multipart::Form::new()
        .part("image", reqwest::multipart::Part::bytes(b"not an image".to_vec()));
    let (_, msg) = error_of(
        c.post(s.url("/upload")).multipart(form).send().await.unwrap(),
        400,
    )
    .await;
    assert!(msg.contains("PNG or JPEG"), "{msg}");
    let form = reqwest::multipart::Form::new().text("other", "x");
    error_of(
        c.post(s.url("/upload")).multipart(form).send().await.unwrap(),
        400,
    )
    .await;

    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/stream", s.addr))
        .await
        .unwrap();
    for text in ["hello wasm", "Streaming 123"] {
        ws.send(Message::Text(text.into())).await.unwrap();
        let reply = ws.next().await.unwrap().unwrap();
        assert_eq!(reply.into_text().unwrap().as_str(), text.to_uppercase());
    }
    ws.send(Message::Binary(vec![b'a', 0xff, b'z'].into()))
        .await
        .unwrap();
    assert_eq!(
        ws.next().await.unwrap().unwrap().into_data().to_vec(),
        vec![b'A', 0xff, b'Z']
    );
    ws.close(None).await.unwrap();
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_queue_answers_503_with_retry_after() {
    // Deterministic: the running call blocks in a host function until the
    // test opens the gate, so "one running, one queued" holds for as long
    // as the test needs, however slow the machine.
    let data = tempfile::tempdir().unwrap();
    let app = Application::new(AppConfig {
        queue_bound: 1,
        runtime: RuntimeConfig::default()
            .max_concurrent_executions(1)
            .cache_dir(data.path().join("cache")),
        ..config(data.path())
    })
    .await
    .expect("application starts");
    let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(0));
    let g = gate.clone();
    app.wasm
        .register_host_function(echelon::runtime::HostFunction::new_async(
            "env",
            "wait",
            [],
            [],
            move |_| {
                let g = g.clone();
                async move {
                    g.acquire().await.map_err(|e| e.to_string())?.forget();
                    Ok(vec![])
                }
            },
        ));
    let s = start_app(app).await;
    let c = reqwest::Client::new();
    let blocker =
        wat::parse_str(r#"(module (import "env" "wait" (func $wait)) (func (export "block") (call $wait)))"#)
            .unwrap();
    let form = reqwest::multipart::Form::new()
        .part("module", reqwest::multipart::Part::bytes(blocker))
        .text("manifest", r#"{"capabilities": ["host-functions"]}"#);
    let r = c
        .post(s.url("/api/modules?id=h"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let block = |c: reqwest::Client, url: String| async move {
        c.post(url)
            .json(&json!({"timeout_ms": 30000}))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    let url = s.url("/api/modules/h/call/block");
    let first = tokio::spawn(block(c.clone(), url.clone()));
    wait_for(|| s.wasm.metrics().snapshot().in_flight == 1).await;
    let second = tokio::spawn(block(c.clone(), url.clone()));
    wait_for(|| s.wasm.metrics().snapshot().queued == 1).await;
    let r = c
        .post(url)
        .json(&json!({"timeout_ms": 30000}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers().get("retry-after").and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let (kind, _) = error_of(r, 503).await;
    assert_eq!(kind, "busy");
    gate.add_permits(2);
    assert_eq!(first.await.unwrap(), 200, "the running call completes");
    assert_eq!(second.await.unwrap(), 200, "the queued call is not dropped");
    s.shutdown().await;
}

/// Sends a POST with raw headers and body bytes; returns status and body.
async fn raw_post(addr: SocketAddr, path: &str, headers: &str, body: &[u8]) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{headers}\r\n");
    sock.write_all(head.as_bytes()).await.unwrap();
    sock.write_all(body).await.unwrap();
    let mut resp = Vec::new();
    let _ = sock.read_to_end(&mut resp).await;
    let text = String::from_utf8_lossy(&resp).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// Polls `cond` until it holds (state, not timing: the generous cap only
/// bounds a failing test).
pub(crate) async fn wait_for(cond: impl Fn() -> bool) {
    for _ in 0..6000 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("condition not reached in 60 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_demos_and_wasm_middleware() {
    let data = tempfile::tempdir().unwrap();
    let www = tempfile::tempdir().unwrap();
    std::fs::write(www.path().join("index.html"), "<h1>demos</h1>").unwrap();
    std::fs::write(www.path().join("app.wasm"), wasm("wat/fib.wat")).unwrap();
    let app = Application::new(AppConfig {
        www_dir: Some(www.path().to_path_buf()),
        ..config(data.path())
    })
    .await
    .unwrap();
    let rt = app.wasm.clone();
    let app = app
        .route(
            "/shout",
            post(|body: String| async move { body }).layer(WasmTransformLayer::new(
                rt.clone(),
                echelon::http::STREAM_MODULE,
                "transform",
                Direction::Request,
            )),
        )
        .route(
            "/shout-out",
            post(|body: String| async move { format!("{body}!") }).layer(WasmTransformLayer::new(
                rt.clone(),
                echelon::http::STREAM_MODULE,
                "transform",
                Direction::Response,
            )),
        )
        .route(
            "/broken",
            post(|body: String| async move { body }).layer(WasmTransformLayer::new(
                rt,
                "missing-module",
                "transform",
                Direction::Request,
            )),
        );
    let s = start_app(app).await;
    let c = reqwest::Client::new();
    assert_eq!(
        c.get(s.url("/")).send().await.unwrap().text().await.unwrap(),
        "<h1>demos</h1>"
    );
    let r = c.get(s.url("/app.wasm")).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/wasm");
    assert_eq!(
        c.post(s.url("/shout"))
            .body("hello")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "HELLO"
    );
    assert_eq!(
        c.post(s.url("/shout-out"))
            .body("hey")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "HEY!"
    );
    let (kind, _) = error_of(c.post(s.url("/broken")).body("x").send().await.unwrap(), 502).await;
    assert_eq!(kind, "not_found");
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_then_upload_and_call() {
    use base64::Engine as _;
    let data = tempfile::tempdir().unwrap();
    let s = start(config(data.path())).await;
    let c = reqwest::Client::new();
    let src = "export function add(a: i32, b: i32): i32 {\n  return a + b;\n}\n";
    let r: Json = c
        .post(s.url("/api/generate"))
        .json(&json!({"type": "typescript", "code": src, "options": {"optimize": true, "optimizationLevel": "size"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["success"], true, "{r}");
    let wasm = base64::engine::general_purpose::STANDARD
        .decode(r["wasm"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        c.post(s.url("/api/modules?id=gen"))
            .body(wasm)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        201
    );
    let r: Json = c
        .post(s.url("/api/modules/gen/call/add"))
        .json(&json!({"args": [2, 40]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["value"], 42, "{r}");
    let r: Json = c
        .post(s.url("/api/generate"))
        .json(&json!({"type": "typescript", "code": "export function f(): i32 {\n  return nope;\n}"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["success"], false);
    assert_eq!(r["errors"][0]["line"], 2, "{r}");
    error_of(
        c.post(s.url("/api/generate"))
            .json(&json!({"type": "cobol", "code": ""}))
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn route_helpers_and_the_bundle_directory() {
    let data = tempfile::tempdir().unwrap();
    let pkg = tempfile::tempdir().unwrap();
    std::fs::write(pkg.path().join("bundle_bg.wasm"), wasm("wat/fib.wat")).unwrap();
    std::fs::write(pkg.path().join("bundle.js"), "export default 1;").unwrap();
    let app = Application::new(AppConfig {
        pkg_dir: Some(pkg.path().to_path_buf()),
        ..config(data.path())
    })
    .await
    .unwrap()
    .get("/hello", || async { "hi" })
    .post("/echo", |body: String| async move { body })
    .ws("/modules-ws", |state, mut socket| async move {
        use axum::extract::ws::Message;
        // Each text message is answered with the number of loaded modules,
        // read from the application state.
        while let Some(Ok(Message::Text(_))) = socket.recv().await {
            let n = state.wasm.list_modules().len().to_string();
            if socket.send(Message::Text(n.into())).await.is_err() {
                break;
            }
        }
    });
    let loaded = app.wasm.list_modules().len();
    let s = start_app(app).await;
    let c = reqwest::Client::new();
    assert_eq!(
        c.get(s.url("/hello")).send().await.unwrap().text().await.unwrap(),
        "hi"
    );
    assert_eq!(
        c.post(s.url("/echo"))
            .body("ping")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ping"
    );
    let r = c.get(s.url("/pkg/bundle_bg.wasm")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "application/wasm");
    let r = c.get(s.url("/pkg/bundle.js")).send().await.unwrap();
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    assert_eq!(
        c.get(s.url("/pkg/missing.js"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );

    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/modules-ws", s.addr))
        .await
        .unwrap();
    ws.send(Message::Text("count".into())).await.unwrap();
    let reply = ws.next().await.unwrap().unwrap();
    assert_eq!(reply.into_text().unwrap().as_str(), loaded.to_string());
    ws.close(None).await.unwrap();
    s.shutdown().await;
}
