//! The runtime core through its public API, with the spec's examples.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use echelon::args;
use echelon::runtime::{
    EventType, ExecOptions, HostFunction, InstanceMode, InstantiateOptions, ParamType, RuntimeConfig,
    RuntimeEvent, ValKind, Value, WasmSource,
};
use echelon::Error;
use echelon_shared::abi::AbiType;
use parking_lot::Mutex;

use crate::support::{example, runtime, runtime_with};

async fn math() -> (echelon::WasmRuntime, tempfile::TempDir) {
    let (rt, dir) = runtime();
    rt.load_module_as("math", WasmSource::file(example("wat/math.wat")))
        .await
        .expect("math loads");
    (rt, dir)
}

#[tokio::test]
async fn spec_numeric_examples() {
    let (rt, _d) = math().await;
    let add = rt
        .execute_report::<i32>(
            "math",
            "add",
            args![5, 3],
            ExecOptions::timeout(Duration::from_millis(1000)),
        )
        .await;
    assert!(add.success, "{:?}", add.error);
    assert_eq!(add.value, Some(8));
    assert!(add.gas_used.unwrap() > 0);
    assert!(add.memory_used >= 65_536);
    let wrap = rt
        .execute_report::<i32>("math", "add", args![i32::MAX, 1], ExecOptions::default())
        .await;
    assert_eq!(wrap.value, Some(i32::MIN));
    let fib = rt
        .execute_report::<i32>("math", "fibonacci", args![10], ExecOptions::default())
        .await;
    assert_eq!(fib.value, Some(55));
    let mul = rt
        .execute_report::<i64>(
            "math",
            "multiply64",
            args![1_000_000i64, 2_000_000i64],
            ExecOptions::default(),
        )
        .await;
    assert_eq!(mul.value, Some(2_000_000_000_000));
    let sqrt = rt
        .execute_report::<f64>("math", "f64_sqrt", args![2.25f64], ExecOptions::default())
        .await;
    assert_eq!(sqrt.value, Some(1.5));
    let neg = rt
        .execute_report::<f32>("math", "negate_f32", args![1.5f32], ExecOptions::default())
        .await;
    assert_eq!(neg.value, Some(-1.5));
}

#[tokio::test]
async fn globals_memory_and_persistent_state() {
    let (rt, _d) = math().await;
    assert_eq!(rt.get_global("math", "version").await.unwrap(), Value::I32(100));
    assert_eq!(rt.read_memory("math", "memory", 0, 4).await.unwrap(), vec![0; 4]);
    assert!(rt.read_memory("math", "memory", 65_535, 2).await.is_err());
    for expected in 1..=3 {
        let r = rt
            .execute_report::<i32>("math", "bump", vec![], ExecOptions::default())
            .await;
        assert_eq!(r.value, Some(expected));
    }
    let fresh = rt
        .execute_report::<i32>(
            "math",
            "bump",
            vec![],
            ExecOptions::default().with_instance(InstanceMode::Fresh),
        )
        .await;
    assert_eq!(
        fresh.value,
        Some(1),
        "a fresh instance starts from the module's initial state"
    );
    let info = rt.get_module("math").unwrap();
    assert_eq!(info.execution_count, 4);
    assert!(info.last_executed.is_some());
    assert!(info
        .exports
        .iter()
        .any(|e| e.name == "version" && e.kind == "global"));
}

#[tokio::test]
async fn simd_and_reference_values() {
    let (rt, _d) = math().await;
    let a = [1u8; 16];
    let mut b = [0u8; 16];
    b[0] = 254;
    b[15] = 7;
    let r = rt
        .execute_report::<[u8; 16]>(
            "math",
            "splat_add",
            vec![Value::V128(a), Value::V128(b)],
            ExecOptions::default(),
        )
        .await;
    let v = r.value.expect("v128 result");
    assert_eq!((v[0], v[1], v[15]), (255, 1, 8));
    let json = serde_json::json!({"host": "data"});
    let r = rt
        .execute_report::<Value>(
            "math",
            "identity_ref",
            vec![Value::ExternRef(Some(json.clone()))],
            ExecOptions::default(),
        )
        .await;
    assert_eq!(r.value, Some(Value::ExternRef(Some(json))));
    let r = rt
        .execute_report::<Value>("math", "pick_add", vec![], ExecOptions::default())
        .await;
    assert_eq!(r.value, Some(Value::FuncRef(Some("fibonacci".into()))));
}

#[tokio::test]
async fn traps_are_named() {
    let (rt, _d) = math().await;
    rt.load_module_as("hostile", WasmSource::file(example("wat/hostile.wat")))
        .await
        .unwrap();
    let r = rt
        .execute_report::<i32>("math", "divide", args![10, 0], ExecOptions::default())
        .await;
    assert!(!r.success);
    match r.error.unwrap() {
        Error::Trap { trap, function, .. } => {
            assert_eq!(function, "divide");
            assert!(trap.contains("divide by zero"), "{trap}");
        }
        other => panic!("expected a trap, got {other:?}"),
    }
    for (func, args, needle) in [
        ("crash", vec![], "unreachable"),
        ("oob", vec![], "out of bounds"),
        ("recurse", args![0], "call stack exhausted"),
    ] {
        let r = rt
            .execute_report::<Vec<Value>>("hostile", func, args, ExecOptions::default())
            .await;
        let e = r.error.expect("hostile call fails");
        assert_eq!(e.kind(), "trap", "{func}: {e}");
        assert!(e.to_string().contains(needle), "{func}: {e}");
    }
    // The runtime keeps serving after every trap.
    assert_eq!(
        rt.execute_report::<i32>("math", "add", args![1, 1], ExecOptions::default())
            .await
            .value,
        Some(2)
    );
}

#[tokio::test]
async fn infinite_loop_stops_at_its_timeout() {
    let (rt, _d) = runtime();
    rt.load_module_as("hostile", WasmSource::file(example("wat/hostile.wat")))
        .await
        .unwrap();
    let timeout = Duration::from_millis(200);
    let r = rt
        .execute_report::<()>("hostile", "spin", vec![], ExecOptions::timeout(timeout))
        .await;
    match r.error.expect("spin must be stopped") {
        Error::Timeout { timeout: t, .. } => assert_eq!(t, timeout),
        other => panic!("expected a timeout, got {other:?}"),
    }
    // Interrupted at (not before) the deadline; the precise lateness is
    // measured in BENCHMARKS.md rather than asserted here (on a loaded
    // machine the guest thread may wait for a core).
    assert!(r.duration >= timeout);
}

#[tokio::test]
async fn memory_limit_is_a_memory_error() {
    let (rt, _d) = runtime_with(RuntimeConfig::default().module_memory_limit(2 * 1024 * 1024));
    rt.load_module_as("hostile", WasmSource::file(example("wat/hostile.wat")))
        .await
        .unwrap();
    let r = rt
        .execute_report::<i32>("hostile", "grow_forever", vec![], ExecOptions::default())
        .await;
    let e = r.error.expect("memory bomb must be stopped");
    assert_eq!(e.kind(), "memory", "{e}");
    assert!(e.to_string().contains("2097152"), "{e}");
    let stats = rt.memory_stats();
    assert!(stats.global.peak_usage <= 2 * 1024 * 1024);
    assert!(stats.modules["hostile"].allocations >= 1);

    // A limit given to instantiate survives the instance being discarded
    // after a trap and recreated.
    let opts = InstantiateOptions {
        memory_limit: Some(1024 * 1024),
        ..Default::default()
    };
    rt.instantiate("hostile", opts).await.unwrap();
    for _ in 0..2 {
        let e = rt
            .execute_report::<i32>("hostile", "grow_forever", vec![], ExecOptions::default())
            .await
            .error
            .unwrap();
        assert!(e.to_string().contains("1048576"), "{e}");
    }
}

#[tokio::test]
async fn fuel_limits_and_gas() {
    let (rt, _d) = math().await;
    let cheap = rt
        .execute_report::<i32>("math", "fibonacci", args![5], ExecOptions::default())
        .await;
    let costly = rt
        .execute_report::<i32>("math", "fibonacci", args![15], ExecOptions::default())
        .await;
    assert!(costly.gas_used.unwrap() > cheap.gas_used.unwrap() * 10);
    let starved = rt
        .execute_report::<i32>(
            "math",
            "fibonacci",
            args![25],
            ExecOptions::default().with_fuel(10_000),
        )
        .await;
    assert_eq!(starved.error.expect("out of fuel").kind(), "out_of_fuel");
    assert_eq!(
        rt.execute_report::<i32>("math", "fibonacci", args![10], ExecOptions::default())
            .await
            .value,
        Some(55)
    );
}

#[tokio::test]
async fn type_errors_come_before_the_call() {
    let (rt, _d) = math().await;
    let r = rt
        .execute_report::<i32>("math", "add", args![1], ExecOptions::default())
        .await;
    let e = r.error.unwrap();
    assert_eq!(e.kind(), "type");
    assert!(
        e.to_string().contains("expected 2 argument(s) (i32, i32), got 1"),
        "{e}"
    );
    let r = rt
        .execute_report::<i32>("math", "add", args![1, 2.5f64], ExecOptions::default())
        .await;
    assert!(r
        .error
        .unwrap()
        .to_string()
        .contains("argument 1 must be i32, got f64"));
    let r = rt
        .execute_report::<String>("math", "add", args![1, 2], ExecOptions::default())
        .await;
    assert_eq!(r.error.unwrap().kind(), "type");
    let r = rt
        .execute_report::<i32>("math", "nope", vec![], ExecOptions::default())
        .await;
    assert!(r
        .error
        .unwrap()
        .to_string()
        .contains("exported functions: add, bump"));
    let r = rt
        .execute_report::<i32>("ghost", "add", vec![], ExecOptions::default())
        .await;
    assert_eq!(r.error.unwrap().kind(), "not_found");
    // None of the refused calls ran.
    assert_eq!(rt.get_module("math").unwrap().execution_count, 1);
}

#[tokio::test]
async fn hundred_calls_with_a_limit_of_fifty_all_complete() {
    let (rt, _d) = runtime_with(RuntimeConfig::default().max_concurrent_executions(50));
    rt.load_module_as("math", WasmSource::file(example("wat/math.wat")))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..100 {
        let rt = rt.clone();
        tasks.push(tokio::spawn(async move {
            rt.execute_report::<i32>(
                "math",
                "fibonacci",
                args![18 + i % 3],
                ExecOptions::default().with_instance(InstanceMode::Fresh),
            )
            .await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        let r = t.await.unwrap();
        assert!(r.success, "{:?}", r.error);
        ok += 1;
    }
    assert_eq!(ok, 100);
    let m = rt.metrics().snapshot();
    assert_eq!(m.calls, 100);
    assert!(m.peak_in_flight <= 50, "{}", m.peak_in_flight);
    assert_eq!((m.in_flight, m.queued), (0, 0));
}

#[tokio::test]
async fn host_functions_sync_and_async() {
    let (rt, _d) = runtime();
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    rt.register_host_function(HostFunction::sync(
        "env",
        "log",
        [ParamType::Core(ValKind::I32), ParamType::Core(ValKind::I32)],
        [],
        move |caller, args| {
            let (Value::I32(ptr), Value::I32(len)) = (&args[0], &args[1]) else {
                return Err("log takes (ptr, len)".into());
            };
            let text = caller.read_string(*ptr as u32, *len as u32)?;
            sink.lock().push(format!("[{}] {text}", caller.module_id()));
            Ok(vec![])
        },
    ));
    rt.register_host_function(HostFunction::new_async(
        "env",
        "fetch_status",
        [ParamType::Abi(AbiType::String)],
        [ParamType::Core(ValKind::I32)],
        |args| async move {
            tokio::time::sleep(Duration::from_millis(5)).await;
            match &args[0] {
                Value::String(url) if url.starts_with("https://") => Ok(vec![Value::I32(200)]),
                other => Err(format!("bad url {other:?}")),
            }
        },
    ));
    rt.load_module_as("logger", WasmSource::file(example("wat/logger.wat")))
        .await
        .unwrap();
    let r = rt
        .execute_report::<i32>("logger", "main", vec![], ExecOptions::default())
        .await;
    assert_eq!(r.value, Some(42), "{:?}", r.error);
    assert_eq!(lines.lock().as_slice(), ["[logger] hello from wasm"]);
    let r = rt
        .execute_report::<i32>("logger", "status", vec![], ExecOptions::default())
        .await;
    assert_eq!(r.value, Some(200), "{:?}", r.error);

    // Without the host function the module cannot be instantiated, and the
    // error says which import is missing and how to provide it.
    assert!(rt.unregister_host_function("env", "log"));
    rt.load_module_as("logger2", WasmSource::file(example("wat/logger.wat")))
        .await
        .unwrap();
    let e = rt
        .execute_report::<i32>("logger2", "main", vec![], ExecOptions::default())
        .await
        .error
        .unwrap();
    assert_eq!(e.kind(), "instantiation");
    assert!(
        e.to_string().contains("env.log") && e.to_string().contains("register_host_function"),
        "{e}"
    );

    // A per-instance import satisfies it too.
    let opts = InstantiateOptions {
        imports: vec![HostFunction::sync(
            "env",
            "log",
            [ParamType::Core(ValKind::I32), ParamType::Core(ValKind::I32)],
            [],
            |_, _| Ok(vec![]),
        )],
        ..Default::default()
    };
    rt.instantiate("logger2", opts).await.unwrap();
    assert_eq!(
        rt.execute_report::<i32>("logger2", "main", vec![], ExecOptions::default())
            .await
            .value,
        Some(42)
    );

    // A failing host function surfaces as a Host error.
    rt.register_host_function(HostFunction::sync(
        "env",
        "log",
        [ParamType::Core(ValKind::I32), ParamType::Core(ValKind::I32)],
        [],
        |_, _| Err("disk full".into()),
    ));
    rt.load_module_as("logger3", WasmSource::file(example("wat/logger.wat")))
        .await
        .unwrap();
    let e = rt
        .execute_report::<i32>("logger3", "main", vec![], ExecOptions::default())
        .await
        .error
        .unwrap();
    assert_eq!(e.kind(), "host");
    assert!(e.to_string().contains("disk full"));
}

#[tokio::test]
async fn events_on_and_off() {
    let (rt, _d) = runtime();
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let ids: Vec<_> = [
        EventType::ModuleLoaded,
        EventType::ExecStart,
        EventType::ExecComplete,
        EventType::ExecError,
    ]
    .into_iter()
    .map(|ty| {
        let seen = seen.clone();
        rt.on(ty, move |e: &RuntimeEvent| {
            seen.lock().push(e.event_type().as_str().to_string())
        })
    })
    .collect();
    rt.load_module_as("math", WasmSource::file(example("wat/math.wat")))
        .await
        .unwrap();
    rt.execute_report::<i32>("math", "add", args![1, 2], ExecOptions::default())
        .await;
    rt.execute_report::<i32>("math", "divide", args![1, 0], ExecOptions::default())
        .await;
    assert_eq!(
        seen.lock().as_slice(),
        [
            "wasm:module:loaded",
            "wasm:exec:start",
            "wasm:exec:complete",
            "wasm:exec:start",
            "wasm:exec:error"
        ]
    );
    for id in ids {
        assert!(rt.off(id));
    }
    rt.execute_report::<i32>("math", "add", args![1, 2], ExecOptions::default())
        .await;
    assert_eq!(seen.lock().len(), 5);
}

#[tokio::test]
async fn module_cache_and_precompiled_disk_cache() {
    let dir = tempfile::tempdir().unwrap();
    let config = RuntimeConfig::default().cache_dir(dir.path());
    let origins = Arc::new(Mutex::new(Vec::new()));
    let rt = echelon::WasmRuntime::new(config.clone()).unwrap();
    let o = origins.clone();
    rt.on(EventType::ModuleLoaded, move |e| {
        if let RuntimeEvent::ModuleLoaded { origin, .. } = e {
            o.lock().push(*origin);
        }
    });
    let bytes = std::fs::read(example("wat/math.wat")).unwrap();
    let a = rt
        .load_module_as("a", WasmSource::bytes(bytes.clone()))
        .await
        .unwrap();
    rt.load_module_as("b", WasmSource::bytes(bytes.clone()))
        .await
        .unwrap();
    // Same id, same bytes: a no-op. Same id, other bytes: refused.
    rt.load_module_as("a", WasmSource::bytes(bytes.clone()))
        .await
        .unwrap();
    let e = rt
        .load_module_as("a", WasmSource::bytes(&b"(module)"[..]))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "conflict");
    let stats = rt.loader().cache_stats();
    assert_eq!(
        stats.entries.len(),
        1,
        "the conflicting load is refused before compiling"
    );
    let math = stats.entries.iter().find(|e| e.sha256 == a.sha256).unwrap();
    assert_eq!(math.module_ids, vec!["a", "b"]);
    assert_eq!(math.access_count, 2);
    assert!(rt.loader().precompiled_path(&a.sha256).unwrap().is_file());
    assert_eq!(origins.lock().as_slice(), ["compiled", "memory"]);

    // A second runtime (a new process, as far as caches go) loads from disk.
    let rt2 = echelon::WasmRuntime::new(config).unwrap();
    let o2 = origins.clone();
    rt2.on(EventType::ModuleLoaded, move |e| {
        if let RuntimeEvent::ModuleLoaded { origin, .. } = e {
            o2.lock().push(*origin);
        }
    });
    rt2.load_module_as("a", WasmSource::bytes(bytes.clone()))
        .await
        .unwrap();
    assert_eq!(origins.lock().last(), Some(&"disk"));
    assert_eq!(
        rt2.execute_report::<i32>("a", "add", args![2, 2], ExecOptions::default())
            .await
            .value,
        Some(4)
    );

    // A corrupted artifact is discarded and the module compiled again.
    std::fs::write(rt2.loader().precompiled_path(&a.sha256).unwrap(), b"garbage").unwrap();
    rt2.loader().invalidate_cache(None);
    assert!(rt2.loader().cache_stats().entries.is_empty());
    rt2.load_module_as("c", WasmSource::bytes(bytes)).await.unwrap();
    assert_eq!(origins.lock().last(), Some(&"compiled"));
}

#[tokio::test]
async fn lru_eviction_by_size() {
    let dir = tempfile::tempdir().unwrap();
    let rt = echelon::WasmRuntime::new(
        RuntimeConfig::default()
            .cache_dir(dir.path())
            .precompiled_cache(false)
            .module_cache_size(100),
    )
    .unwrap();
    for i in 0..3 {
        let wat = format!("(module (func (export \"f\") (result i32) i32.const {i}))");
        rt.load_module_as(format!("m{i}"), WasmSource::bytes(wat.into_bytes()))
            .await
            .unwrap();
    }
    let stats = rt.loader().cache_stats();
    assert!(stats.size <= 100, "{stats:?}");
    assert_eq!(stats.entries[0].module_ids, vec!["m2"], "most recent first");
    assert!(stats.entries.len() < 3);
    // Evicted from the cache does not mean unloaded.
    assert_eq!(
        rt.execute_report::<i32>("m0", "f", vec![], ExecOptions::default())
            .await
            .value,
        Some(0)
    );
}

#[tokio::test]
async fn unload_and_list() {
    let (rt, _d) = math().await;
    rt.load_module_as("zeta", WasmSource::bytes(&b"(module)"[..]))
        .await
        .unwrap();
    let ids: Vec<String> = rt.list_modules().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, ["math", "zeta"]);
    rt.execute_report::<i32>("math", "add", args![1, 1], ExecOptions::default())
        .await;
    assert!(rt.memory_stats().global.allocated >= 65_536);
    rt.unload_module("math").await.unwrap();
    assert!(rt.get_module("math").is_none());
    assert_eq!(
        rt.memory_stats().global.allocated,
        0,
        "unloading frees the instance's memory"
    );
    assert_eq!(rt.unload_module("math").await.unwrap_err().kind(), "not_found");
}

#[tokio::test]
async fn shared_memory_between_instances() {
    let (rt, _d) = runtime();
    let mem = rt.create_shared_memory(1, 10).unwrap();
    for id in ["w1", "w2"] {
        rt.load_module_as(id, WasmSource::file(example("wat/shared_counter.wat")))
            .await
            .unwrap();
        let opts = InstantiateOptions {
            shared_memory: Some(mem.clone()),
            ..Default::default()
        };
        rt.instantiate(id, opts).await.unwrap();
    }
    assert_eq!(
        rt.execute_report::<i32>("w1", "increment", vec![], ExecOptions::default())
            .await
            .value,
        Some(1)
    );
    assert_eq!(
        rt.execute_report::<i32>("w2", "increment", vec![], ExecOptions::default())
            .await
            .value,
        Some(2)
    );
    assert_eq!(
        rt.execute_report::<i32>("w1", "increment", vec![], ExecOptions::default())
            .await
            .value,
        Some(3)
    );
    assert!(rt.get_module("w1").unwrap().memory.unwrap().shared);
}

#[tokio::test]
async fn guest_abi_values_with_the_shared_module() {
    let (rt, _d) = runtime();
    let path = echelon_tests::shared_guest_wasm().expect("guest module builds");
    let info = rt.load_module(WasmSource::file(path)).await.unwrap();
    assert_eq!(info.id, "echelon_shared");
    assert!(info.has_abi);
    let sig = info.exports.iter().find(|e| e.name == "validate_user").unwrap();
    assert_eq!(sig.signature, "validate_user(json: string) -> string");
    let ok = rt
        .execute_report::<String>(
            "echelon_shared",
            "validate_user",
            args![r#"{"email":"ada@example.com","age":36}"#],
            ExecOptions::default(),
        )
        .await;
    assert_eq!(ok.value.as_deref(), Some("valid"), "{:?}", ok.error);
    let bad = rt
        .execute_report::<String>(
            "echelon_shared",
            "validate_user",
            args![r#"{"email":"x","age":3}"#],
            ExecOptions::default(),
        )
        .await;
    assert_eq!(
        bad.value.unwrap(),
        echelon_shared::validation::validate_user(r#"{"email":"x","age":3}"#)
    );
    let px = vec![200u8, 10, 10, 255, 0, 0, 0, 0];
    let gray = rt
        .execute_report::<Vec<u8>>(
            "echelon_shared",
            "apply_grayscale",
            args![px.clone(), 2, 1],
            ExecOptions::default(),
        )
        .await;
    assert_eq!(
        gray.value.unwrap(),
        echelon_shared::image::apply_grayscale(&px, 2, 1).unwrap()
    );
    let prime = rt
        .execute_report::<bool>("echelon_shared", "is_prime", args![97i64], ExecOptions::default())
        .await;
    assert_eq!(prime.value, Some(true));
    let dims = rt
        .execute_report::<serde_json::Value>(
            "echelon_shared",
            "image_dimensions",
            args![echelon_shared::image::encode_png(&px, 2, 1).unwrap()],
            ExecOptions::default(),
        )
        .await;
    assert_eq!(
        dims.value.unwrap(),
        serde_json::json!({"width": 2, "height": 1, "format": "png"})
    );
    // A refusal is a Trap carrying the guest's message, and the instance
    // stays usable.
    let refused = rt
        .execute_report::<Vec<u8>>(
            "echelon_shared",
            "apply_grayscale",
            args![vec![1u8, 2, 3], 2, 1],
            ExecOptions::default(),
        )
        .await;
    match refused.error.unwrap() {
        Error::Trap { guest_message, .. } => {
            assert!(guest_message.unwrap().contains("pixel buffer has 3 bytes"));
        }
        other => panic!("expected a trap, got {other:?}"),
    }
    let r = rt
        .execute_report::<i64>("echelon_shared", "fibonacci", args![50], ExecOptions::default())
        .await;
    assert_eq!(r.value, Some(12_586_269_025));
    // Strings are checked against the ABI before the call.
    let e = rt
        .execute_report::<String>(
            "echelon_shared",
            "validate_user",
            args![5],
            ExecOptions::default(),
        )
        .await;
    assert!(e
        .error
        .unwrap()
        .to_string()
        .contains("argument 0 must be string, got i32"));
}

#[tokio::test]
async fn module_declarations() {
    let (rt, _d) = math().await;
    let dts = rt
        .loader()
        .generate_module_declaration("./math.wasm", "math")
        .unwrap();
    assert!(dts
        .starts_with("// Auto-generated TypeScript declarations for WASM module\n// Source: ./math.wasm\n"));
    assert!(dts.contains("declare module \"./math.wasm\" {"));
    assert!(dts.contains("  export function add(arg0: number, arg1: number): number;"));
    assert!(dts.contains("  export function multiply64(arg0: bigint, arg1: bigint): bigint;"));
    assert!(dts.contains("  export const memory: WebAssembly.Memory;"));
    assert!(dts.contains("  export const version: WebAssembly.Global;"));
    let path = echelon_tests::shared_guest_wasm().unwrap();
    rt.load_module_as("shared", WasmSource::file(path)).await.unwrap();
    let dts = rt
        .loader()
        .generate_module_declaration("./shared.wasm", "shared")
        .unwrap();
    assert!(dts.contains("  export function validate_user(json: string): string;"));
    assert!(dts.contains(
        "  export function apply_grayscale(pixels: Uint8Array, width: number, height: number): Uint8Array;"
    ));
    assert!(dts.contains("  export function is_prime(n: bigint): boolean;"));
}

#[tokio::test]
async fn native_modules_are_synchronous_and_opt_in() {
    let (rt, _d) = runtime();
    assert!(rt
        .register_native_module("math", example("wat/math.wat"))
        .is_err());
    let (rt, _d) = runtime_with(RuntimeConfig::default().enable_native_imports(true));
    rt.register_native_module("math", example("wat/math.wat"))
        .unwrap();
    let sum: i32 = rt.call_native("math", "add", args![5, 3]).unwrap();
    assert_eq!(sum, 8);
    assert_eq!(
        rt.call_native::<i32>("math", "add", args![5]).unwrap_err().kind(),
        "type"
    );
    assert_eq!(
        rt.call_native::<i32>("nope", "add", args![5, 3])
            .unwrap_err()
            .kind(),
        "not_found"
    );
}

#[tokio::test]
async fn load_from_url_while_hashing() {
    let bytes = wat::parse_file(example("wat/math.wat")).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    let body = bytes.clone();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut req = [0u8; 1024];
            let n = sock.read(&mut req).await.unwrap_or(0);
            let path = String::from_utf8_lossy(&req[..n])
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_string();
            count.fetch_add(1, Ordering::SeqCst);
            let resp = if path == "/modules/math.wasm" {
                let mut r = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/wasm\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                r.extend_from_slice(&body);
                r
            } else {
                b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_vec()
            };
            let _ = sock.write_all(&resp).await;
        }
    });
    let (rt, _d) = runtime();
    let info = rt
        .load_module(WasmSource::url(format!("http://{addr}/modules/math.wasm")))
        .await
        .unwrap();
    assert_eq!(info.id, "math");
    assert_eq!(info.sha256, hex_sha256(&bytes));
    assert_eq!(
        rt.execute_report::<i32>("math", "add", args![5, 3], ExecOptions::default())
            .await
            .value,
        Some(8)
    );
    let e = rt
        .load_module(WasmSource::url(format!("http://{addr}/missing.wasm")))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "fetch");
    assert!(e.to_string().contains("404"), "{e}");
    let e = rt
        .load_module(WasmSource::url("ftp://example.invalid/x.wasm"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "fetch");
    assert_eq!(served.load(Ordering::SeqCst), 2);
}

fn hex_sha256(b: &[u8]) -> String {
    echelon_shared::crypto::sha256(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

#[tokio::test]
async fn stop_refuses_new_calls_until_start() {
    let (rt, _d) = math().await;
    rt.stop().await;
    let e = rt
        .execute_report::<i32>("math", "add", args![1, 1], ExecOptions::default())
        .await
        .error
        .unwrap();
    assert_eq!(e.kind(), "stopped");
    rt.start().await;
    assert_eq!(
        rt.execute_report::<i32>("math", "add", args![1, 1], ExecOptions::default())
            .await
            .value,
        Some(2)
    );
}

#[tokio::test]
async fn base64_source() {
    use base64::Engine as _;
    let (rt, _d) = runtime();
    let wasm = wat::parse_file(example("wat/math.wat")).unwrap();
    let text = base64::engine::general_purpose::STANDARD.encode(&wasm);
    let info = rt.load_module(echelon::WasmSource::Base64(text)).await.unwrap();
    assert!(info.id.starts_with("module-"));
    let e = rt
        .load_module(echelon::WasmSource::Base64("!!!".into()))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "source");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pooled_calls_reuse_warm_instances_and_run_in_parallel() {
    let (rt, _d) = math().await;
    let rt = Arc::new(rt);
    let pooled = || ExecOptions::default().with_instance(InstanceMode::Pooled);
    // One after another: the one idle instance is reused, so its state
    // carries over (a Fresh call would start from 0 each time).
    for expected in 1..=3 {
        let r = rt.execute_report::<i32>("math", "bump", vec![], pooled()).await;
        assert_eq!(r.value, Some(expected));
    }
    // The persistent instance is a different one.
    let persistent = rt
        .execute_report::<i32>("math", "bump", vec![], ExecOptions::default())
        .await;
    assert_eq!(persistent.value, Some(1));
    // Many at once: every call gets an instance of its own and the right answer.
    let calls: Vec<_> = (0..32)
        .map(|i| {
            let rt = rt.clone();
            tokio::spawn(async move {
                rt.execute_report::<i32>("math", "add", args![i, 1000], pooled())
                    .await
            })
        })
        .collect();
    for (i, call) in calls.into_iter().enumerate() {
        let r = call.await.expect("the task runs");
        assert_eq!(r.value, Some(i as i32 + 1000), "{:?}", r.error);
    }
    // An unclean trap drops that instance instead of returning it to the pool.
    let trapped = rt
        .execute_report::<i32>("math", "divide", args![1, 0], pooled())
        .await;
    assert!(
        matches!(trapped.error, Some(Error::Trap { .. })),
        "{:?}",
        trapped.error
    );
    let after = rt
        .execute_report::<i32>("math", "divide", args![10, 2], pooled())
        .await;
    assert_eq!(after.value, Some(5));
}
