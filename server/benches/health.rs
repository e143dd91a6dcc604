#![allow(missing_docs)]
//! `/healthz` latency while every execution slot spins in a pure wasm loop
//! (issue: execution model). Run with
//! `cargo bench -p echelon-server --bench health`; prints the latency
//! percentiles of sequential health checks, idle and with all slots busy,
//! for a few slot counts.

use std::time::{Duration, Instant};

use echelon::http::{AppConfig, Application};
use echelon::runtime::RuntimeConfig;
use serde_json::json;

const SAMPLES: usize = 400;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

async fn health_latencies(c: &reqwest::Client, url: &str) -> Vec<Duration> {
    let mut out = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let t = Instant::now();
        let r = c.get(url).send().await.expect("health request");
        assert!(r.status().is_success());
        out.push(t.elapsed());
    }
    out.sort();
    out
}

async fn run(slots: usize) {
    let data = tempfile::tempdir().expect("temp dir");
    let config = AppConfig {
        data_dir: data.path().to_path_buf(),
        runtime: RuntimeConfig::default()
            .cache_dir(data.path().join("cache"))
            .max_concurrent_executions(slots)
            .max_timeout(Duration::from_secs(120)),
        shutdown_grace: Duration::from_millis(100),
        ..AppConfig::default()
    };
    let app = Application::new(config).await.expect("application starts");
    let wasm = app.wasm.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.serve_on(listener, async move {
        let _ = stopped.await;
    }));
    let c = reqwest::Client::new();
    let base = format!("http://{addr}");
    let hostile = wat::parse_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/wat/hostile.wat"
    ))
    .expect("hostile.wat parses");
    let form = reqwest::multipart::Form::new()
        .part("module", reqwest::multipart::Part::bytes(hostile))
        .text("manifest", json!({"limits": {"timeout_ms": 30_000}}).to_string());
    let r = c
        .post(format!("{base}/api/modules?id=spin"))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status().as_u16(), 201);

    let idle = health_latencies(&c, &format!("{base}/healthz")).await;
    let spinners: Vec<_> = (0..slots)
        .map(|_| {
            let (c, url) = (c.clone(), format!("{base}/api/modules/spin/call/spin"));
            tokio::spawn(async move { c.post(url).json(&json!({"timeout_ms": 30_000})).send().await })
        })
        .collect();
    while wasm.metrics().snapshot().in_flight < slots as u64 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let busy = health_latencies(&c, &format!("{base}/healthz")).await;
    assert_eq!(
        wasm.metrics().snapshot().in_flight,
        slots as u64,
        "the spinners still run"
    );
    println!(
        "slots {slots:>3}: idle p50 {:>9.3?} p99 {:>9.3?} | all slots spinning p50 {:>9.3?} p99 {:>9.3?} max {:>9.3?}",
        percentile(&idle, 0.5),
        percentile(&idle, 0.99),
        percentile(&busy, 0.5),
        percentile(&busy, 0.99),
        busy[busy.len() - 1],
    );
    let _ = stop.send(());
    server.await.expect("server task").expect("server stops");
    for s in spinners {
        let _ = s.await;
    }
}

fn main() {
    // A server as `echelon serve` runs it: a multi-threaded runtime with one
    // worker per core (2 here).
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    for slots in [2, 4, 16, 100] {
        rt.block_on(run(slots));
    }
}
