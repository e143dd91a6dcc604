//! The execution model: guest code on the runtime's guest threads (never on
//! the async workers), `execute` as a `Result`, the typed handle.

use std::sync::Arc;
use std::time::Duration;

use echelon::runtime::{ExecOptions, HostFunction, ParamType, RuntimeConfig, ValKind, Value, WasmSource};
use echelon::Error;
use parking_lot::Mutex;

use crate::support::{example, runtime, runtime_with};

const ADD: &str = r#"(module
  (global $n (mut i32) (i32.const 0))
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "count") (result i32)
    global.get $n i32.const 1 i32.add global.set $n global.get $n)
  (func (export "spin") (loop br 0)))"#;

/// A module that reports, through a host function, which thread runs it
/// (in its start function and in an export).
const WHERE: &str = r#"(module
  (import "env" "here" (func $here))
  (func $start call $here)
  (start $start)
  (func (export "run") call $here))"#;

fn thread_recorder(rt: &echelon::WasmRuntime) -> Arc<Mutex<Vec<String>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    rt.register_host_function(HostFunction::sync("env", "here", [], [], move |_, _| {
        let t = std::thread::current();
        sink.lock().push(t.name().unwrap_or("(unnamed)").to_string());
        Ok(vec![])
    }));
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_code_runs_on_guest_threads_never_on_async_workers() {
    let (rt, _d) = runtime();
    let seen = thread_recorder(&rt);
    rt.load_module_as("where", WasmSource::bytes(WHERE))
        .await
        .unwrap();
    rt.execute::<()>("where", "run", vec![], ExecOptions::default())
        .await
        .unwrap();
    for mode in [
        echelon::runtime::InstanceMode::Fresh,
        echelon::runtime::InstanceMode::Pooled,
    ] {
        rt.execute::<()>("where", "run", vec![], ExecOptions::default().with_instance(mode))
            .await
            .unwrap();
    }
    rt.instantiate("where", Default::default()).await.unwrap();
    let seen = seen.lock().clone();
    // start + run (persistent), start + run (fresh), start + run (pooled),
    // start (instantiate).
    assert_eq!(seen.len(), 7, "{seen:?}");
    for name in &seen {
        assert!(name.starts_with("echelon-guest-"), "guest code ran on `{name}`");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_threads_are_bounded_by_the_execution_slots() {
    let (rt, _d) = runtime_with(RuntimeConfig::default().max_concurrent_executions(3));
    rt.load_module_as("add", WasmSource::bytes(ADD)).await.unwrap();
    let calls = (0..40).map(|i| {
        let rt = rt.clone();
        tokio::spawn(async move {
            rt.execute::<i32>(
                "add",
                "add",
                vec![Value::I32(i), Value::I32(1)],
                ExecOptions::default().with_instance(echelon::runtime::InstanceMode::Fresh),
            )
            .await
            .map(|e| e.value)
        })
    });
    for (i, c) in calls.enumerate() {
        assert_eq!(c.await.unwrap().unwrap(), i as i32 + 1);
    }
}

#[tokio::test]
async fn execute_is_a_result_with_stats_and_a_typed_error() {
    let (rt, _d) = runtime();
    rt.load_module_as("add", WasmSource::bytes(ADD)).await.unwrap();
    let ok = rt
        .execute::<i32>("add", "add", echelon::args![2, 3], ExecOptions::default())
        .await
        .unwrap();
    assert_eq!(ok.value, 5);
    assert!(ok.stats.execution_id > 0);
    let err = rt
        .execute::<i32>(
            "add",
            "spin",
            vec![],
            ExecOptions::timeout(Duration::from_millis(50)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    let err = rt
        .execute::<i32>("add", "add", echelon::args![1], ExecOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "type", "{err}");
    let err = rt
        .execute::<i32>("add", "nope", vec![], ExecOptions::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("add, count, spin"), "{err}");
}

#[tokio::test]
async fn typed_handle_calls_synchronously_and_keeps_its_own_state() {
    let (rt, _d) = runtime();
    rt.load_module_as("add", WasmSource::bytes(ADD)).await.unwrap();
    let add = rt.func::<(i32, i32), i32>("add", "add").unwrap();
    assert_eq!(add.call((40, 2)).unwrap(), 42);
    assert_eq!(add.call((i32::MAX, 1)).unwrap(), i32::MIN);
    let count = rt.func::<(), i32>("add", "count").unwrap();
    assert_eq!(count.call(()).unwrap(), 1);
    assert_eq!(count.call(()).unwrap(), 2);
    // The persistent instance of `execute` is not the handle's.
    let r = rt
        .execute::<i32>("add", "count", vec![], ExecOptions::default())
        .await
        .unwrap();
    assert_eq!(r.value, 1);
    // With a fresh instance per call, no state carries over.
    let fresh = rt.func::<(), i32>("add", "count").unwrap().with_fresh_instances();
    for _ in 0..3 {
        assert_eq!(fresh.call(()).unwrap(), 1);
    }
    assert_eq!(count.call(()).unwrap(), 3);
}

#[tokio::test]
async fn typed_handle_refuses_a_wrong_signature_with_both_named() {
    let (rt, _d) = runtime();
    rt.load_module_as("add", WasmSource::bytes(ADD)).await.unwrap();
    let err = rt.func::<(i64, i64), i64>("add", "add").unwrap_err();
    assert_eq!(err.kind(), "type", "{err}");
    let msg = err.to_string();
    assert!(msg.contains("(i32, i32) -> (i32)"), "{msg}");
    let err = rt.func::<(), ()>("add", "missing").unwrap_err();
    assert!(err.to_string().contains("add, count, spin"), "{err}");
    let err = rt.func::<(), ()>("nope", "add").unwrap_err();
    assert_eq!(err.kind(), "not_found", "{err}");
}

#[tokio::test]
async fn typed_handle_calls_are_bounded_and_recover_after_a_timeout() {
    let (rt, _d) = runtime();
    rt.load_module_as("add", WasmSource::bytes(ADD)).await.unwrap();
    let spin = rt
        .func::<(), ()>("add", "spin")
        .unwrap()
        .with_timeout(Duration::from_millis(50));
    let err = spin.call(()).unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    let count = rt
        .func::<(), i32>("add", "count")
        .unwrap()
        .with_timeout(Duration::from_millis(50));
    assert_eq!(count.call(()).unwrap(), 1);
}

#[tokio::test]
async fn typed_handle_refuses_modules_with_async_imports() {
    let (rt, _d) = runtime();
    rt.load_module_as("sleeper", WasmSource::file(example("wat/sleeper.wat")))
        .await
        .unwrap();
    let err = rt.func::<(), i32>("sleeper", "sleep").unwrap_err();
    assert!(err.to_string().contains("use WasmRuntime::execute"), "{err}");
}

#[tokio::test]
async fn typed_handle_takes_a_trap_as_a_typed_error() {
    let (rt, _d) = runtime();
    rt.load_module_as("hostile", WasmSource::file(example("wat/hostile.wat")))
        .await
        .unwrap();
    let crash = rt.func::<(), ()>("hostile", "crash").unwrap();
    let err = crash.call(()).unwrap_err();
    assert_eq!(err.kind(), "trap", "{err}");
    // The handle still works after the trap (a fresh instance).
    let err = crash.call(()).unwrap_err();
    assert_eq!(err.kind(), "trap", "{err}");
    let _ = ParamType::Core(ValKind::I32);
}

/// Guest-ABI exports a hostile module gets wrong: an allocator that fails
/// (returns 0) for big requests, a result that points past the memory, an
/// allocator that traps on request 13.
const BAD_ABI: &str = r#"(module
  (memory (export "memory") 1)
  (func (export "echelon_alloc") (param $len i32) (result i32)
    (if (i32.eq (local.get $len) (i32.const 13)) (then unreachable))
    (if (result i32) (i32.gt_u (local.get $len) (i32.const 1000))
      (then (i32.const 0)) (else (i32.const 64))))
  (func (export "echelon_free") (param i32 i32))
  (func (export "len") (param i32 i32) (result i32) local.get 1)
  (func (export "wild") (result i64) i64.const 0x7fff000000000010)
  (@custom "echelon:abi" "len(bytes) -> i32\nwild() -> string\n"))"#;

#[tokio::test]
async fn abi_handle_passes_strings_and_bytes_through_the_guest_abi() {
    let (rt, _d) = runtime();
    rt.load_module_as("rev", WasmSource::file(example("wat/reverse.wat")))
        .await
        .unwrap();
    let reverse = rt.abi_func::<String, String>("rev", "reverse").unwrap();
    assert_eq!(reverse.call("hello").unwrap(), "olleh");
    assert_eq!(reverse.call("").unwrap(), "");
    let big: String = (0..60_000).map(|i| (b'a' + (i % 26) as u8) as char).collect();
    assert_eq!(reverse.call(&big).unwrap(), big.chars().rev().collect::<String>());
    // The same export as bytes (a `string` may be taken as bytes): the
    // module reverses bytes, so "é" comes back as invalid UTF-8 ...
    let bytes = rt.abi_func::<Vec<u8>, Vec<u8>>("rev", "reverse").unwrap();
    assert_eq!(bytes.call("é".as_bytes()).unwrap(), vec![0xA9, 0xC3]);
    // ... which a `String` result refuses with a typed error.
    let err = reverse.call("é").unwrap_err();
    assert_eq!(err.kind(), "type", "{err}");
    assert!(err.to_string().contains("UTF-8"), "{err}");
    // Arguments and results are freed after each call: 2,000 calls of
    // 64 KiB would need 256 MiB of guest memory otherwise.
    let chunk = "x".repeat(64 << 10);
    for _ in 0..2_000 {
        assert_eq!(reverse.call(&chunk).unwrap().len(), 64 << 10);
    }
    // The execute path agrees.
    let r = rt
        .execute::<String>(
            "rev",
            "reverse",
            vec![Value::String("abc".into())],
            ExecOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(r.value, "cba");
}

#[tokio::test]
async fn abi_handle_refuses_a_signature_the_module_does_not_have() {
    let (rt, _d) = runtime();
    rt.load_module_as("rev", WasmSource::file(example("wat/reverse.wat")))
        .await
        .unwrap();
    rt.load_module_as("add", WasmSource::bytes(ADD)).await.unwrap();
    // Same core signature, other types in the echelon:abi section.
    let err = rt.abi_func::<(i32, i32), i64>("rev", "reverse").unwrap_err();
    assert_eq!(err.kind(), "type", "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("(string) -> string") && msg.contains("(i32, i32) -> i64"),
        "{msg}"
    );
    // A string result is not taken as `()`, nor a string as a number.
    let err = rt.abi_func::<String, ()>("rev", "reverse").unwrap_err();
    assert_eq!(err.kind(), "type", "{err}");
    // Another parameter count than the section declares.
    let err = rt
        .abi_func::<(String, i32), String>("rev", "reverse")
        .unwrap_err();
    assert!(err.to_string().contains("(string, i32) -> string"), "{err}");
    // Another core signature (no section to compare with): both named.
    let err = rt.abi_func::<i64, i32>("add", "add").unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("(i32, i32) -> (i32)") && msg.contains("lowered to (i64) -> (i32)"),
        "{msg}"
    );
    // No guest ABI in the module: (ptr, len) lowers to add's (i32, i32).
    let err = rt.abi_func::<String, i32>("add", "add").unwrap_err();
    assert!(
        err.to_string().contains("does not implement the guest ABI"),
        "{err}"
    );
    // Numbers alone need no guest ABI.
    let add = rt.abi_func::<(i32, i32), i32>("add", "add").unwrap();
    assert_eq!(add.call((40, 2)).unwrap(), 42);
    let err = rt.abi_func::<String, String>("rev", "missing").unwrap_err();
    assert_eq!(err.kind(), "not_found", "{err}");
}

#[tokio::test]
async fn abi_handle_survives_a_hostile_guest_abi() {
    let (rt, _d) = runtime();
    rt.load_module_as("bad", WasmSource::bytes(BAD_ABI))
        .await
        .unwrap();
    let len = rt.abi_func::<Vec<u8>, i32>("bad", "len").unwrap();
    assert_eq!(len.call(&[1, 2, 3]).unwrap(), 3);
    // The allocator fails: a memory error, not a write to address 0.
    let err = len.call(&[0; 2000]).unwrap_err();
    assert_eq!(err.kind(), "memory", "{err}");
    // The allocator traps: a trap error, and the handle goes on.
    let err = len.call(&[0; 13]).unwrap_err();
    assert_eq!(err.kind(), "trap", "{err}");
    assert_eq!(len.call(&[0; 7]).unwrap(), 7);
    // A result outside the memory: refused before anything is allocated.
    let wild = rt.abi_func::<(), String>("bad", "wild").unwrap();
    let err = wild.call(()).unwrap_err();
    assert_eq!(err.kind(), "type", "{err}");
}

mod over_http {
    //! The server answers requests that do not call wasm while every
    //! execution slot is busy with a spinning plugin.

    use std::time::Duration;

    use echelon::http::AppConfig;
    use serde_json::json;

    use crate::http::{config, start, upload_plugin, wait_for, wasm};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn health_answers_while_every_slot_spins() {
        const SLOTS: usize = 4;
        let data = tempfile::tempdir().unwrap();
        let minute = Duration::from_secs(60);
        let base = config(data.path());
        let s = start(AppConfig {
            shutdown_grace: Duration::from_millis(100),
            runtime: base
                .runtime
                .clone()
                .max_concurrent_executions(SLOTS)
                .max_timeout(minute),
            ..base
        })
        .await;
        let c = reqwest::Client::new();
        upload_plugin(
            &c,
            &s,
            "spin",
            wasm("wat/hostile.wat"),
            &json!({"limits": {"timeout_ms": 30_000}}),
        )
        .await;
        // Calls over HTTP get fresh instances: they run in parallel, one
        // slot each (twice as many as the async runtime has workers).
        let spinners: Vec<_> = (0..SLOTS)
            .map(|_| {
                let (c, url) = (c.clone(), s.url("/api/modules/spin/call/spin"));
                tokio::spawn(async move {
                    c.post(url)
                        .json(&json!({"timeout_ms": 30_000}))
                        .send()
                        .await
                        .map(|r| r.status().as_u16())
                })
            })
            .collect();
        wait_for(|| s.wasm.metrics().snapshot().in_flight == SLOTS as u64).await;
        for path in ["/healthz", "/api/modules", "/metrics"] {
            let r = c.get(s.url(path)).send().await.unwrap();
            assert!(r.status().is_success(), "{path}: {}", r.status());
            // Answered while all slots still spin (their calls end at 30 s
            // or at the shutdown below, never by themselves).
            assert_eq!(s.wasm.metrics().snapshot().in_flight, SLOTS as u64, "{path}");
        }
        s.shutdown().await;
        for sp in spinners {
            assert_eq!(sp.await.unwrap().ok(), Some(503), "interrupted at shutdown");
        }
    }
}

/// A module whose `hold` blocks in a host function until the test lets it go.
const HOLDER: &str = r#"(module
  (import "env" "block" (func $block))
  (func (export "hold") call $block)
  (func (export "noop")))"#;

/// Calls queued behind a busy persistent instance wait for it without an
/// execution slot: another module's call still finds one.
#[tokio::test]
async fn calls_waiting_for_a_busy_instance_hold_no_slot() {
    let (rt, _d) = runtime_with(RuntimeConfig::default().max_concurrent_executions(2));
    let (entered_tx, entered_rx) = tokio::sync::oneshot::channel::<()>();
    let entered_tx = Mutex::new(Some(entered_tx));
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let release_rx = Mutex::new(release_rx);
    rt.register_host_function(HostFunction::sync("env", "block", [], [], move |_, _| {
        if let Some(tx) = entered_tx.lock().take() {
            let _ = tx.send(());
        }
        release_rx.lock().recv().map_err(|e| e.to_string())?;
        Ok(vec![])
    }));
    rt.load_module_as("holder", WasmSource::bytes(HOLDER))
        .await
        .unwrap();
    rt.load_module_as("add", WasmSource::bytes(ADD)).await.unwrap();
    let call = |func: &'static str| {
        let rt = rt.clone();
        tokio::spawn(async move {
            rt.execute::<()>("holder", func, vec![], ExecOptions::default())
                .await
                .map(|_| ())
        })
    };
    let a = call("hold");
    entered_rx.await.unwrap();
    // Two more calls of the same persistent instance, polled (this is a
    // current-thread runtime: yielding lets every spawned task run up to
    // its first wait) before the unrelated call below.
    let b = call("noop");
    let c = call("noop");
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert_eq!(
        rt.metrics().snapshot().in_flight,
        1,
        "only the blocked call holds a slot"
    );
    let sum = rt
        .execute::<i32>("add", "add", echelon::args![2, 3], ExecOptions::default())
        .await
        .unwrap();
    assert_eq!(sum.value, 5);
    release_tx.send(()).unwrap();
    for call in [a, b, c] {
        call.await.unwrap().unwrap();
    }
}
