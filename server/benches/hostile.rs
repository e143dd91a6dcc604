#![allow(missing_docs)]
//! What a hostile client costs `echelon serve` (issue: hardening). Starts
//! the `echelon` binary as its own process, then sends each class of
//! hostile input in turn while a prober checks `/healthz` sequentially and
//! a sampler reads the server's resident memory (`VmRSS`) every 5 ms.
//! Prints, per class, what was sent and how it was answered, the server's
//! RSS before, at its peak and after, and the health-check latency while
//! the class ran. Linux only (reads `/proc`). Run with
//! `cargo bench --workspace --profile dev --bench hostile`.

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

/// The server process and where it listens.
struct Server {
    child: Child,
    base: String,
    _data: tempfile::TempDir,
}

impl Server {
    fn start() -> Self {
        let data = tempfile::tempdir().expect("temp dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let addr = format!("127.0.0.1:{port}");
        let child = Command::new(env!("CARGO_BIN_EXE_echelon"))
            .args(["serve", "--addr", &addr, "--data"])
            .arg(data.path().join("data"))
            .arg("--stream-module")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../examples/wat/transform.wat"
            ))
            .args(["--max-timeout", "2000", "--shutdown-grace", "100"])
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .expect("echelon serve starts");
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(
                Instant::now() < deadline,
                "echelon serve did not listen within 30 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Self {
            child,
            base: format!("http://{addr}"),
            _data: data,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn rss_kib(&self) -> u64 {
        rss_kib(self.child.id())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// One class's figures.
struct Row {
    class: &'static str,
    sent: String,
    answered: BTreeMap<String, u64>,
    rss_before: u64,
    rss_peak: u64,
    rss_after: u64,
    health: Vec<Duration>,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Runs `attack` while probing health and sampling RSS.
async fn measure<F, Fut>(server: &Server, class: &'static str, attack: F) -> Row
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = (String, BTreeMap<String, u64>)>,
{
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_before = server.rss_kib();
    let stop = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(rss_before));
    let sampler = {
        let (stop, peak, pid) = (stop.clone(), peak.clone(), server.child.id());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let prober = {
        let (stop, url) = (stop.clone(), server.url("/healthz"));
        tokio::spawn(async move {
            let c = reqwest::Client::new();
            let mut out = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let ok = c.get(&url).send().await.is_ok_and(|r| r.status().is_success());
                assert!(ok, "/healthz failed during the attack");
                out.push(t.elapsed());
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            out
        })
    };
    let (sent, answered) = attack().await;
    stop.store(true, Ordering::Relaxed);
    let mut health = prober.await.expect("prober");
    health.sort();
    sampler.join().expect("sampler");
    // Memory the server gives back is returned within a moment.
    tokio::time::sleep(Duration::from_millis(500)).await;
    Row {
        class,
        sent,
        answered,
        rss_before,
        rss_peak: peak.load(Ordering::Relaxed),
        rss_after: server.rss_kib(),
        health,
    }
}

fn count(answered: &mut BTreeMap<String, u64>, r: Result<reqwest::Response, reqwest::Error>) {
    let key = match r {
        Ok(r) => r.status().as_u16().to_string(),
        Err(e) => format!("error ({})", if e.is_timeout() { "timeout" } else { "transport" }),
    };
    *answered.entry(key).or_default() += 1;
}

async fn all(requests: impl IntoIterator<Item = reqwest::RequestBuilder>) -> BTreeMap<String, u64> {
    let handles: Vec<_> = requests.into_iter().map(|r| tokio::spawn(r.send())).collect();
    let mut answered = BTreeMap::new();
    for h in handles {
        count(&mut answered, h.await.expect("request task"));
    }
    answered
}

fn upload(
    c: &reqwest::Client,
    s: &Server,
    id: &str,
    wasm: Vec<u8>,
    manifest: serde_json::Value,
) -> reqwest::RequestBuilder {
    let form = reqwest::multipart::Form::new()
        .part("module", reqwest::multipart::Part::bytes(wasm))
        .text("manifest", manifest.to_string());
    c.post(s.url(&format!("/api/modules?id={id}"))).multipart(form)
}

fn wat(text: &str) -> Vec<u8> {
    wat::parse_str(text).expect("valid WAT")
}

/// A module with `n` exports of one function.
fn many_exports(n: u32) -> Vec<u8> {
    let mut text = String::from("(module (func $f (result i32) i32.const 7)");
    for i in 0..n {
        text.push_str(&format!(" (export \"f{i}\" (func $f))"));
    }
    text.push(')');
    wat(&text)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let server = Server::start();
    let s = &server;
    let c = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let hostile = wat::parse_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/wat/hostile.wat"
    ))
    .expect("hostile.wat parses");
    let mut rows = Vec::new();

    rows.push(
        measure(s, "idle", || async {
            tokio::time::sleep(Duration::from_secs(2)).await;
            ("nothing for 2 s".to_string(), BTreeMap::new())
        })
        .await,
    );

    rows.push(
        measure(s, "spinning plugins", || async {
            let r = upload(
                &c,
                s,
                "spin",
                hostile.clone(),
                json!({"limits": {"timeout_ms": 1000}}),
            )
            .send()
            .await
            .expect("upload");
            assert_eq!(r.status().as_u16(), 201);
            let calls = (0..150).map(|_| c.post(s.url("/api/modules/spin/call/spin")).json(&json!({})));
            (
                "150 calls of a pure wasm loop (1 s timeout) on 100 slots".into(),
                all(calls).await,
            )
        })
        .await,
    );

    rows.push(
        measure(s, "memory", || async {
            let tables = wat(&format!(
                "(module {})",
                (0..100).map(|_| "(table 1000000 funcref)").collect::<String>()
            ));
            let mems = wat(&format!(
                "(module {})",
                (0..8).map(|_| "(memory 64)").collect::<String>()
            ));
            let mut answered = all([
                upload(&c, s, "tables", tables, json!({})),
                upload(&c, s, "mems", mems, json!({"limits": {"memory_bytes": 16 << 20}})),
            ])
            .await;
            let r = upload(
                &c,
                s,
                "grow",
                hostile.clone(),
                json!({"limits": {"memory_bytes": 16 << 20}}),
            )
            .send()
            .await
            .expect("upload");
            assert_eq!(r.status().as_u16(), 201);
            let grows = (0..100).map(|_| {
                c.post(s.url("/api/modules/grow/call/grow_forever"))
                    .json(&json!({}))
            });
            for (k, v) in all(grows).await {
                *answered.entry(k).or_default() += v;
            }
            (
                "100 tables of 10^6, 8 memories of 4 MiB, 100 calls growing memory to a 16 MiB limit".into(),
                answered,
            )
        })
        .await,
    );

    rows.push(
        measure(s, "/api/generate", || async {
            // Just under the 1 MiB source limit: some 60,000 globals.
            let mut globals = String::new();
            let mut i = 0;
            while globals.len() < (1 << 20) - 200 {
                globals.push_str(&format!("let g{i}: i32 = {i};\n"));
                i += 1;
            }
            globals.push_str("export function f(): i32 { return g1; }\n");
            let big = "x".repeat(2 << 20);
            let requests = (0..8)
                .map(|_| {
                    c.post(s.url("/api/generate"))
                        .json(&json!({"type": "typescript", "code": globals}))
                })
                .chain((0..8).map(|_| {
                    c.post(s.url("/api/generate"))
                        .json(&json!({"type": "typescript", "code": big}))
                }));
            (
                format!("8 sources of 1 MiB ({i} globals) and 8 of 2 MiB, at once"),
                all(requests).await,
            )
        })
        .await,
    );

    rows.push(
        measure(s, "/stream flood", || async {
            let url = s.url("/stream").replace("http://", "ws://");
            let mut answered = BTreeMap::new();
            let mut sockets = Vec::new();
            for _ in 0..260 {
                match tokio_tungstenite::connect_async(&url).await {
                    Ok((ws, _)) => sockets.push(ws),
                    Err(tokio_tungstenite::tungstenite::Error::Http(r)) => {
                        *answered
                            .entry(format!("connect {}", r.status().as_u16()))
                            .or_default() += 1;
                    }
                    Err(_) => *answered.entry("connect error".into()).or_default() += 1,
                }
            }
            *answered.entry("connect 101".into()).or_default() += sockets.len() as u64;
            let floods: Vec<_> = sockets
                .into_iter()
                .map(|mut ws| {
                    tokio::spawn(async move {
                        let mut replies = BTreeMap::<String, u64>::new();
                        for i in 0..400 {
                            if ws
                                .send(Message::Text(format!("message {i}").into()))
                                .await
                                .is_err()
                            {
                                break;
                            }
                        }
                        let _ = ws.send(Message::Close(None)).await;
                        while let Some(Ok(m)) = ws.next().await {
                            let key = match m {
                                Message::Text(t) if t.contains("rate_limited") => "rate_limited",
                                Message::Text(_) | Message::Binary(_) => "transformed",
                                _ => continue,
                            };
                            *replies.entry(key.into()).or_default() += 1;
                        }
                        replies
                    })
                })
                .collect();
            for f in floods {
                for (k, v) in f.await.expect("flood task") {
                    *answered.entry(k).or_default() += v;
                }
            }
            (
                "260 connections, each 400 messages at once (200/s allowed)".into(),
                answered,
            )
        })
        .await,
    );

    rows.push(
        measure(s, "/stream oversized", || async {
            let url = s.url("/stream").replace("http://", "ws://");
            let mut answered = BTreeMap::<String, u64>::new();
            for _ in 0..16 {
                let Ok((mut ws, _)) = tokio_tungstenite::connect_async(&url).await else {
                    *answered.entry("connect error".into()).or_default() += 1;
                    continue;
                };
                let sent = ws.send(Message::Binary(vec![0; 2 << 20].into())).await.is_ok();
                let key = match ws.next().await {
                    None | Some(Err(_)) | Some(Ok(Message::Close(_))) => "closed",
                    Some(Ok(_)) => "answered",
                };
                let key = if sent {
                    key.to_string()
                } else {
                    format!("{key} (send cut short)")
                };
                *answered.entry(key).or_default() += 1;
            }
            (
                "16 connections, each one message of 2 MiB (1 MiB allowed)".into(),
                answered,
            )
        })
        .await,
    );

    rows.push(
        measure(s, "listing", || async {
            let r = c
                .post(s.url("/api/modules?id=many"))
                .body(many_exports(100_000))
                .send()
                .await
                .expect("upload");
            let mut answered = BTreeMap::new();
            count(&mut answered, Ok(r));
            let mut bytes = 0;
            for _ in 0..100 {
                for path in ["/api/modules", "/api/modules/many", "/metrics"] {
                    let r = c.get(s.url(path)).send().await;
                    if let Ok(r) = r {
                        *answered.entry(r.status().as_u16().to_string()).or_default() += 1;
                        bytes = bytes.max(r.bytes().await.map(|b| b.len()).unwrap_or(0));
                    }
                }
            }
            (
                format!("a module of 100,000 exports, then 100 x (list, its info, /metrics); largest answer {bytes} bytes"),
                answered,
            )
        })
        .await,
    );

    rows.push(
        measure(s, "uploads", || async {
            let requests = (0..64).map(|i| {
                let module = wat(&format!(
                    "(module (func (export \"f\") (result i32) i32.const {i}))"
                ));
                c.post(s.url(&format!("/api/modules?id=u{}", i % 8))).body(module)
            });
            (
                "64 concurrent uploads of distinct modules over 8 ids".into(),
                all(requests).await,
            )
        })
        .await,
    );

    println!("| class | sent | answered | RSS before / peak / after (MiB) | /healthz p50 / p99 / max during (ms) |");
    println!("| --- | --- | --- | --- | --- |");
    let mib = |k: u64| k as f64 / 1024.0;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    for r in rows {
        let answered: Vec<String> = r.answered.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        println!(
            "| {} | {} | {} | {:.0} / {:.0} / {:.0} | {:.1} / {:.1} / {:.1} ({} checks) |",
            r.class,
            r.sent,
            answered.join(", "),
            mib(r.rss_before),
            mib(r.rss_peak),
            mib(r.rss_after),
            ms(percentile(&r.health, 0.5)),
            ms(percentile(&r.health, 0.99)),
            ms(r.health.last().copied().unwrap_or_default()),
            r.health.len()
        );
    }
}
