//! Sandboxes: what an attacker would try, each stopped by its limit with
//! the right error kind, recorded as a violation, and the runtime keeps
//! serving.

use std::sync::Arc;
use std::time::Duration;

use echelon::args;
use echelon::runtime::{
    EventType, ExecOptions, HostFunction, InstantiateOptions, ParamType, RuntimeEvent, ValKind,
    ViolationKind, WasmSource,
};
use echelon::sandbox::{Capability, SandboxConfig};
use echelon::WasmRuntime;
use parking_lot::Mutex;

use crate::support::{example, runtime};

async fn with(rt: &WasmRuntime, id: &str, wat: &str) {
    rt.load_module_as(id, WasmSource::file(example(wat)))
        .await
        .expect("module loads");
}

async fn still_serving(rt: &WasmRuntime) {
    if rt.get_module("math").is_none() {
        with(rt, "math", "wat/math.wat").await;
    }
    let r = rt
        .execute_report::<i32>("math", "add", args![20, 22], ExecOptions::default())
        .await;
    assert_eq!(r.value, Some(42), "the runtime keeps serving: {:?}", r.error);
}

fn violations(rt: &WasmRuntime) -> Arc<Mutex<Vec<(ViolationKind, String)>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    rt.on(EventType::SandboxViolation, move |e| {
        if let RuntimeEvent::SandboxViolation(v) = e {
            s.lock().push((v.kind, v.module_id.clone()));
        }
    });
    seen
}

#[tokio::test]
async fn infinite_loop_hits_the_time_limit() {
    let (rt, _d) = runtime();
    let seen = violations(&rt);
    with(&rt, "hostile", "wat/hostile.wat").await;
    let sb = rt
        .create_sandbox(SandboxConfig::default().time_limit(Duration::from_millis(150)))
        .unwrap();
    let r = rt
        .execute_report::<()>(
            "hostile",
            "spin",
            vec![],
            ExecOptions::default().with_sandbox(&sb.id),
        )
        .await;
    // The sandbox's limit, not the 5 s default, applied (the error names
    // the limit; how soon it fires is measured, not asserted).
    match r.error.unwrap() {
        echelon::Error::Timeout { timeout, .. } => assert_eq!(timeout, Duration::from_millis(150)),
        e => panic!("expected a timeout, got {e:?}"),
    }
    let info = rt.get_sandbox(&sb.id).unwrap();
    assert_eq!(info.violations.len(), 1);
    assert_eq!(info.violations[0].kind, ViolationKind::Time);
    assert_eq!(info.violations[0].module_id, "hostile");
    assert_eq!(
        seen.lock().as_slice(),
        [(ViolationKind::Time, "hostile".to_string())]
    );
    still_serving(&rt).await;
}

#[tokio::test]
async fn memory_bomb_hits_the_memory_limit() {
    let (rt, _d) = runtime();
    with(&rt, "hostile", "wat/hostile.wat").await;
    let sb = rt
        .create_sandbox(SandboxConfig::default().memory_limit(1 << 20))
        .unwrap();
    let r = rt
        .execute_report::<i32>(
            "hostile",
            "grow_forever",
            vec![],
            ExecOptions::default().with_sandbox(&sb.id),
        )
        .await;
    let e = r.error.unwrap();
    assert_eq!(e.kind(), "memory", "{e}");
    assert_eq!(
        rt.get_sandbox(&sb.id).unwrap().violations[0].kind,
        ViolationKind::Memory
    );
    assert!(rt.memory_stats().global.peak_usage <= 1 << 20);
    still_serving(&rt).await;
}

#[tokio::test]
async fn unbounded_recursion_hits_the_call_depth_limit() {
    let (rt, _d) = runtime();
    with(&rt, "hostile", "wat/hostile.wat").await;
    let sb = rt
        .create_sandbox(SandboxConfig::default().max_call_depth(500))
        .unwrap();
    let r = rt
        .execute_report::<i32>(
            "hostile",
            "recurse",
            args![0],
            ExecOptions::default().with_sandbox(&sb.id),
        )
        .await;
    let e = r.error.unwrap();
    assert_eq!(e.kind(), "sandbox", "{e}");
    assert!(e.to_string().contains("call depth"), "{e}");
    assert_eq!(
        rt.get_sandbox(&sb.id).unwrap().violations[0].kind,
        ViolationKind::Cpu
    );
    // Depth is counted per call from the host: a legitimate recursion below
    // the limit still works after a trap, in the same sandbox.
    with(&rt, "fib", "wat/fib.wat").await;
    let fib = rt
        .execute_report::<i32>(
            "fib",
            "fibonacci",
            args![15],
            ExecOptions::default().with_sandbox(&sb.id),
        )
        .await;
    assert_eq!(fib.value, Some(610), "{:?}", fib.error);
    let shallow = rt
        .create_sandbox(SandboxConfig::default().max_call_depth(5))
        .unwrap();
    let deep = rt
        .execute_report::<i32>(
            "fib",
            "fibonacci",
            args![15],
            ExecOptions::default().with_sandbox(&shallow.id),
        )
        .await;
    assert_eq!(deep.error.unwrap().kind(), "sandbox");
    let ok = rt
        .execute_report::<i32>(
            "fib",
            "fibonacci",
            args![3],
            ExecOptions::default().with_sandbox(&shallow.id),
        )
        .await;
    assert_eq!(ok.value, Some(2), "depth 3 fits a limit of 5: {:?}", ok.error);
    still_serving(&rt).await;
}

#[tokio::test]
async fn instruction_budget_hits_the_cpu_limit() {
    let (rt, _d) = runtime();
    with(&rt, "fib", "wat/fib.wat").await;
    let sb = rt
        .create_sandbox(SandboxConfig::default().max_instructions(50_000))
        .unwrap();
    let r = rt
        .execute_report::<i32>(
            "fib",
            "fibonacci",
            args![25],
            ExecOptions::default().with_sandbox(&sb.id),
        )
        .await;
    assert_eq!(r.error.unwrap().kind(), "out_of_fuel");
    assert_eq!(
        rt.get_sandbox(&sb.id).unwrap().violations[0].kind,
        ViolationKind::Cpu
    );
    let small = rt
        .execute_report::<i32>(
            "fib",
            "fibonacci",
            args![10],
            ExecOptions::default().with_sandbox(&sb.id),
        )
        .await;
    assert_eq!(small.value, Some(55));
}

#[tokio::test]
async fn huge_table_and_too_many_functions() {
    let (rt, _d) = runtime();
    with(&rt, "table", "wat/huge_table.wat").await;
    let r = rt
        .execute_report::<()>("table", "noop", vec![], ExecOptions::default())
        .await;
    let e = r.error.unwrap();
    assert_eq!(e.kind(), "memory", "{e}");
    assert!(e.to_string().contains("table"), "{e}");

    // A module with 100,000 functions.
    let mut wat = String::from("(module\n");
    for i in 0..100_000 {
        wat.push_str(&format!("(func $f{i} (result i32) i32.const {i})\n"));
    }
    wat.push_str("(export \"last\" (func $f99999)))");
    rt.load_module_as("many", WasmSource::bytes(wat.into_bytes()))
        .await
        .unwrap();
    let sb = rt.create_sandbox(SandboxConfig::default()).unwrap();
    let e = rt
        .execute_report::<i32>(
            "many",
            "last",
            vec![],
            ExecOptions::default().with_sandbox(&sb.id),
        )
        .await
        .error
        .unwrap();
    assert_eq!(e.kind(), "sandbox");
    assert!(
        e.to_string()
            .contains("100000 functions, over the limit of 50000"),
        "{e}"
    );
    // Without the sandbox's function limit it runs.
    let r = rt
        .execute_report::<i32>("many", "last", vec![], ExecOptions::default())
        .await;
    assert_eq!(r.value, Some(99_999));
    still_serving(&rt).await;
}

#[tokio::test]
async fn feature_capabilities_name_what_is_missing() {
    let (rt, _d) = runtime();
    with(&rt, "simd", "wat/simd.wat").await;
    let strict = rt.create_sandbox(SandboxConfig::default()).unwrap();
    let e = rt
        .execute_report::<i32>(
            "simd",
            "sum4",
            args![1, 2, 3, 4],
            ExecOptions::default().with_sandbox(&strict.id),
        )
        .await
        .error
        .unwrap();
    assert_eq!(e.kind(), "sandbox");
    assert!(e.to_string().contains("`simd`"), "{e}");
    assert_eq!(
        rt.get_sandbox(&strict.id).unwrap().violations[0].kind,
        ViolationKind::Capability
    );
    let simd = rt
        .create_sandbox(SandboxConfig::default().grant([Capability::Simd]))
        .unwrap();
    let r = rt
        .execute_report::<i32>(
            "simd",
            "sum4",
            args![1, 2, 3, 4],
            ExecOptions::default().with_sandbox(&simd.id),
        )
        .await;
    assert_eq!(r.value, Some(10), "{:?}", r.error);
    // The shared guest module (rustc output) needs bulk-memory and
    // reference-types, which the default sandbox grants.
    let guest = echelon_tests::shared_guest_wasm().unwrap();
    rt.load_module_as("shared", WasmSource::file(guest))
        .await
        .unwrap();
    let r = rt
        .execute_report::<i64>(
            "shared",
            "fibonacci",
            args![20],
            ExecOptions::default().with_sandbox(&strict.id),
        )
        .await;
    assert_eq!(r.value, Some(6765), "{:?}", r.error);
}

fn logger(lines: Arc<Mutex<Vec<String>>>) -> HostFunction {
    HostFunction::sync(
        "env",
        "log",
        [ParamType::Core(ValKind::I32), ParamType::Core(ValKind::I32)],
        [],
        move |caller, args| {
            let (echelon::Value::I32(p), echelon::Value::I32(l)) = (&args[0], &args[1]) else {
                return Err("bad args".into());
            };
            lines.lock().push(caller.read_string(*p as u32, *l as u32)?);
            Ok(vec![])
        },
    )
    .with_capability(Capability::Console)
}

#[tokio::test]
async fn denied_and_allowed_host_functions() {
    let (rt, _d) = runtime();
    let seen = violations(&rt);
    let lines = Arc::new(Mutex::new(Vec::new()));
    rt.register_host_function(logger(lines.clone()));
    rt.register_host_function(
        HostFunction::sync(
            "env",
            "fetch",
            [ParamType::Core(ValKind::I32), ParamType::Core(ValKind::I32)],
            [ParamType::Core(ValKind::I32)],
            |_, _| Ok(vec![echelon::Value::I32(200)]),
        )
        .with_capability(Capability::Network),
    );
    let sb = rt
        .create_sandbox(
            SandboxConfig::default()
                .id("untrusted")
                .grant([Capability::Console])
                .allow_host_functions(["env.log"])
                .deny_host_functions(["env.fetch", "env.readFile"]),
        )
        .unwrap();
    assert_eq!(sb.id, "untrusted");
    with(&rt, "plugin", "wat/plugin.wat").await;
    let opts = InstantiateOptions {
        sandbox_id: Some("untrusted".into()),
        ..Default::default()
    };
    let e = rt.instantiate("plugin", opts.clone()).await.unwrap_err();
    assert_eq!(e.kind(), "sandbox");
    assert!(
        e.to_string()
            .contains("`env.fetch` is denied by sandbox `untrusted`"),
        "{e}"
    );
    assert_eq!(
        seen.lock().as_slice(),
        [(ViolationKind::Capability, "plugin".to_string())]
    );

    with(&rt, "polite", "wat/polite_plugin.wat").await;
    rt.instantiate("polite", opts).await.unwrap();
    assert_eq!(
        rt.get_module("polite").unwrap().sandbox.as_deref(),
        Some("untrusted")
    );
    let r = rt
        .execute_report::<i32>("polite", "run", vec![], ExecOptions::default())
        .await;
    assert_eq!(r.value, Some(7), "{:?}", r.error);
    assert_eq!(lines.lock().as_slice(), ["polite plugin"]);

    // Without `console`, even an allowed logger does not link.
    let no_console = rt
        .create_sandbox(SandboxConfig::default().allow_host_functions(["env.log"]))
        .unwrap();
    let e = rt
        .execute_report::<i32>(
            "polite",
            "run",
            vec![],
            ExecOptions::default().with_sandbox(&no_console.id),
        )
        .await
        .error
        .unwrap();
    assert!(e.to_string().contains("needs the `console` capability"), "{e}");
    // Unsandboxed, the runtime's default policy applies: functions tagged
    // with a capability need it granted (RuntimeConfig::default_capabilities).
    let e = rt
        .execute_report::<i32>("plugin", "run", vec![], ExecOptions::default())
        .await
        .error
        .unwrap();
    assert!(e.to_string().contains("needs the `console` capability"), "{e}");
    // With sandboxing off, the plugin links both.
    let (open, _d) = crate::support::runtime_with(echelon::RuntimeConfig::default().enable_sandboxing(false));
    open.register_host_function(logger(lines.clone()));
    open.register_host_function(
        HostFunction::sync(
            "env",
            "fetch",
            [ParamType::Core(ValKind::I32), ParamType::Core(ValKind::I32)],
            [ParamType::Core(ValKind::I32)],
            |_, _| Ok(vec![echelon::Value::I32(200)]),
        )
        .with_capability(Capability::Network),
    );
    with(&open, "plugin", "wat/plugin.wat").await;
    assert_eq!(
        open.execute_report::<i32>("plugin", "run", vec![], ExecOptions::default())
            .await
            .value,
        Some(200)
    );
}

#[tokio::test]
async fn sandbox_lifecycle() {
    let (rt, _d) = runtime();
    let a = rt.create_sandbox(SandboxConfig::default()).unwrap();
    let b = rt.create_sandbox(SandboxConfig::default()).unwrap();
    assert_ne!(a.id, b.id);
    assert_eq!(
        rt.create_sandbox(SandboxConfig::default().id(&a.id))
            .unwrap_err()
            .kind(),
        "conflict"
    );
    assert!(rt.get_sandbox(&a.id).is_some());
    assert!(rt.destroy_sandbox(&a.id));
    assert!(!rt.destroy_sandbox(&a.id));
    with(&rt, "math", "wat/math.wat").await;
    let e = rt
        .execute_report::<i32>(
            "math",
            "add",
            args![1, 2],
            ExecOptions::default().with_sandbox(&a.id),
        )
        .await;
    assert_eq!(e.error.unwrap().kind(), "not_found");
    assert!("bulk-memory".parse::<Capability>().is_ok());
    assert!("teleport"
        .parse::<Capability>()
        .unwrap_err()
        .to_string()
        .contains("unknown capability"));
}
