//! The authoring SDK (`echelon-guest`) through the server runtime.
//!
//! The fixture crate (`sdk/fixture`: one export per supported type) is
//! built by `compile_rust` with no `[package.metadata.echelon]` table (the
//! SDK dependency is detected), loaded by the runtime and called with every
//! type; each answer is compared with the same function called natively
//! through the registry `#[echelon_guest::export]` fills, so the list of
//! functions comes from their one definition. The host imports run against
//! stand-ins that follow the fixed contract of module `echelon` (also used
//! by `scaffold.rs`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use echelon::generator::{compile_rust, RustBuildConfig, RustBuildResult, RustTarget};
use echelon::runtime::{ExecOptions, HostFunction, ParamType, ValKind, Value, WasmRuntime, WasmSource};
use echelon_shared::abi::{self, AbiType};
use parking_lot::Mutex;
use serde_json::{json, Value as Json};

use crate::support::{example, runtime};

// Linked for its registry entries (a crate nothing names is not linked).
extern crate echelon_guest_fixture;

pub(crate) fn root() -> PathBuf {
    example("..")
}

/// The fixture built once per test process, both halves.
fn fixture() -> &'static RustBuildResult {
    static BUILD: OnceLock<RustBuildResult> = OnceLock::new();
    BUILD.get_or_init(|| {
        let out = root().join("target/sdk-fixture-pkg");
        let result = compile_rust(
            &RustBuildConfig::new(root().join("sdk/fixture"), &out)
                .target(RustTarget::Both)
                .profile("wasm-release")
                .target_dir(root().join("target/guest")),
        )
        .expect("the fixture build runs");
        let errors: Vec<String> = result.errors().map(|d| d.rendered.clone()).collect();
        assert!(result.success, "the fixture does not build: {errors:#?}");
        result
    })
}

/// The contract's host functions, backed by a map and a log.
#[derive(Default, Clone)]
pub(crate) struct Host {
    pub(crate) kv: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    pub(crate) logs: Arc<Mutex<Vec<(i32, String)>>>,
}

/// A packed result per the contract: 0 none, `1 << 32` present and empty.
fn packed(
    caller: &mut echelon::runtime::HostCaller<'_, '_>,
    bytes: Option<&[u8]>,
) -> Result<Vec<Value>, String> {
    Ok(vec![Value::I64(match bytes {
        None => 0,
        Some([]) => 1 << 32,
        Some(b) => caller.give(b)?,
    })])
}

fn string_arg(v: &Value) -> Result<&str, String> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(format!("expected a string, got {other:?}")),
    }
}

impl Host {
    /// Registers the contract's host functions (module `echelon`) on `rt`.
    pub(crate) fn register(&self, rt: &WasmRuntime, config: &[(&str, &str)]) {
        use ParamType::{Abi, Core};
        let logs = self.logs.clone();
        rt.register_host_function(HostFunction::sync(
            "echelon",
            "log",
            [Core(ValKind::I32), Abi(AbiType::String)],
            [],
            move |_, args| {
                let Value::I32(level) = args[0] else {
                    return Err("level must be i32".into());
                };
                logs.lock().push((level, string_arg(&args[1])?.to_string()));
                Ok(vec![])
            },
        ));
        let config: HashMap<String, String> = config
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        rt.register_host_function(HostFunction::sync(
            "echelon",
            "config_get",
            [Abi(AbiType::String)],
            [Core(ValKind::I64)],
            move |caller, args| {
                let v = config.get(string_arg(&args[0])?).cloned();
                packed(caller, v.as_deref().map(str::as_bytes))
            },
        ));
        let kv = self.kv.clone();
        rt.register_host_function(HostFunction::sync(
            "echelon",
            "kv_get",
            [Abi(AbiType::String)],
            [Core(ValKind::I64)],
            move |caller, args| {
                let v = kv.lock().get(string_arg(&args[0])?).cloned();
                packed(caller, v.as_deref())
            },
        ));
        let kv = self.kv.clone();
        rt.register_host_function(HostFunction::sync(
            "echelon",
            "kv_set",
            [Abi(AbiType::String), Abi(AbiType::Bytes)],
            [Core(ValKind::I32)],
            move |_, args| {
                let Value::Bytes(v) = &args[1] else {
                    return Err("value must be bytes".into());
                };
                kv.lock().insert(string_arg(&args[0])?.to_string(), v.clone());
                Ok(vec![Value::I32(0)])
            },
        ));
        let kv = self.kv.clone();
        rt.register_host_function(HostFunction::sync(
            "echelon",
            "kv_delete",
            [Abi(AbiType::String)],
            [Core(ValKind::I32)],
            move |_, args| {
                let existed = kv.lock().remove(string_arg(&args[0])?).is_some();
                Ok(vec![Value::I32(i32::from(existed))])
            },
        ));
        rt.register_host_function(HostFunction::sync(
            "echelon",
            "random_bytes",
            [Core(ValKind::I32), Core(ValKind::I32)],
            [],
            move |caller, args| {
                let (Value::I32(ptr), Value::I32(len)) = (&args[0], &args[1]) else {
                    return Err("random_bytes takes (ptr, len)".into());
                };
                if *len > 65_536 {
                    return Err("at most 65536 bytes per call".into());
                }
                let bytes: Vec<u8> = (0..*len as u32)
                    .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
                    .collect();
                caller.write_memory(*ptr as u32, &bytes)?;
                Ok(vec![])
            },
        ));
        // Answers with what it was sent, so the test sees the request JSON
        // the guest wrote: `{"method","url","headers","body_base64"}`.
        rt.register_host_function(HostFunction::sync(
            "echelon",
            "http_request",
            [Abi(AbiType::String)],
            [Core(ValKind::I64)],
            move |caller, args| {
                use base64::Engine as _;
                let b64 = base64::engine::general_purpose::STANDARD;
                let req: Json = serde_json::from_str(string_arg(&args[0])?).map_err(|e| e.to_string())?;
                let body = b64
                    .decode(req["body_base64"].as_str().ok_or("no body_base64")?)
                    .map_err(|e| e.to_string())?;
                let echo = format!(
                    "{} {} x-fixture={} {}",
                    req["method"].as_str().ok_or("no method")?,
                    req["url"].as_str().ok_or("no url")?,
                    req["headers"]["x-fixture"].as_str().unwrap_or("-"),
                    String::from_utf8_lossy(&body)
                );
                let resp = json!({"status": 201, "headers": {"x": "y"}, "body_base64": b64.encode(echo)});
                packed(caller, Some(resp.to_string().as_bytes()))
            },
        ));
        rt.register_host_function(HostFunction::sync(
            "echelon",
            "now_ms",
            [],
            [Core(ValKind::I64)],
            |_, _| Ok(vec![Value::I64(1_700_000_000_123)]),
        ));
    }
}

async fn loaded(config: &[(&str, &str)]) -> (WasmRuntime, tempfile::TempDir, Host) {
    let (rt, dir) = runtime();
    let host = Host::default();
    host.register(&rt, config);
    let module = fixture().server_module.clone().expect("a server module");
    rt.load_module_as("fixture", WasmSource::file(module))
        .await
        .expect("the fixture loads (its echelon:abi section parses and matches its exports)");
    (rt, dir, host)
}

async fn call(rt: &WasmRuntime, name: &str, sig: &abi::Signature, args: &[Json]) -> Result<Json, String> {
    let values: Vec<Value> = args
        .iter()
        .zip(&sig.params)
        .map(|(a, p)| Value::from_json(a, ParamType::Abi(p.ty)).expect("the case's argument converts"))
        .collect();
    let r = rt
        .execute::<Vec<Value>>("fixture", name, values, ExecOptions::default())
        .await
        .map(|e| e.value);
    match r {
        Ok(v) => Ok(v.first().map(Value::to_json).unwrap_or(Json::Null)),
        Err(echelon::Error::Trap {
            guest_message: Some(m),
            ..
        }) => Err(m),
        Err(other) => Err(format!("not a clean refusal: {other}")),
    }
}

/// Cases for every pure export; `visit`, `entropy` and `fetch_text` use the
/// host and are checked on their own.
fn cases() -> Vec<(&'static str, Vec<Json>)> {
    let pts = json!([{"x": 0.0, "y": 0.0}, {"x": 3.0, "y": 4.0}, {"x": 3.0, "y": 10.0}]);
    vec![
        (
            "sum_ints",
            vec![
                json!(-1),
                json!(-2),
                json!(-3),
                json!("-4000000000000"),
                json!(5),
                json!(6),
                json!(4_000_000_000u32),
                json!(-1),
                json!(-9),
                json!(10),
            ],
        ),
        (
            "sum_ints",
            vec![
                json!(300),
                json!(0),
                json!(0),
                json!(0),
                json!(0),
                json!(0),
                json!(0),
                json!(0),
                json!(0),
                json!(0),
            ],
        ),
        ("next_u32", vec![json!(4_294_967_295u32)]),
        ("next_u32", vec![json!(2_147_483_647)]),
        ("next_u64", vec![json!("9223372036854775807")]),
        ("next_u64", vec![json!(-1)]),
        ("low_byte", vec![json!(0x1234)]),
        ("double_i8", vec![json!(-128)]),
        ("double_i8", vec![json!(128)]),
        ("scale", vec![json!(1.5), json!(-2.25)]),
        ("negate", vec![json!(true)]),
        ("negate", vec![json!(false)]),
        ("shout", vec![json!("grüße, ünïcode")]),
        ("shout", vec![json!("")]),
        ("classify", vec![json!("12345")]),
        ("classify", vec![json!("abc")]),
        ("reverse_bytes", vec![json!([1, 2, 3, 255])]),
        ("reverse_bytes", vec![json!([])]),
        ("checksum", vec![json!("aGVsbG8=")]),
        ("path_info", vec![pts.clone(), json!("trail")]),
        ("path_info", vec![pts, json!(null)]),
        ("path_info", vec![json!([{"x": "no"}]), json!(null)]),
        ("describe", vec![json!(7), json!("seven"), json!([1, 2])]),
        ("describe", vec![json!(null), json!(null), json!(null)]),
        ("describe", vec![json!(-1), json!(null), json!(null)]),
        ("mirror", vec![json!({"x": 1.5, "y": 2.0})]),
        ("mirror", vec![json!(null)]),
        ("checked_div", vec![json!(7), json!(2)]),
        ("checked_div", vec![json!(1), json!(0)]),
        ("always_fails", vec![]),
        ("nothing", vec![json!(3)]),
        ("parse_point", vec![json!("1.5, -2")]),
        ("parse_point", vec![json!("1.5")]),
        ("parse_point", vec![json!("x,2")]),
        ("twice", vec![json!(21)]),
    ]
}

#[tokio::test]
async fn every_type_through_the_runtime_matches_native() {
    assert_eq!(echelon_guest_fixture::shout("linked"), "LINKED");
    let exports = echelon_guest::exports_of("echelon_guest_fixture");
    assert!(exports.len() >= 20, "the fixture's exports are registered");
    let cases = cases();
    for e in &exports {
        assert!(
            cases.iter().any(|(n, _)| *n == e.name())
                || ["visit", "entropy", "fetch_text"].contains(&e.name()),
            "`{}` has no case in server/tests/all/sdk.rs",
            e.name()
        );
    }
    let (rt, _dir, _host) = loaded(&[]).await;
    for (name, args) in &cases {
        let export = exports
            .iter()
            .find(|e| e.name() == *name)
            .unwrap_or_else(|| panic!("a case names `{name}`, which is not exported"));
        let sig = &abi::parse_section(export.signature()).expect("the registry's line parses")[0];
        let native = export.call(args).map_err(|e| match e {
            echelon_guest::CallError::Refused(m) => m,
            other => panic!("{name}: the case does not fit the signature: {other}"),
        });
        let guest = call(&rt, name, sig, args).await;
        assert_eq!(guest, native, "{name}({})", Json::Array(args.clone()));
    }
    // A few answers stated outright, so that a shared mistake on both
    // sides cannot pass unnoticed.
    let sig = |n: &str| {
        abi::parse_section(exports.iter().find(|e| e.name() == n).unwrap().signature())
            .unwrap()
            .remove(0)
    };
    assert_eq!(
        call(&rt, "next_u32", &sig("next_u32"), &[json!(4_294_967_295u32)]).await,
        Ok(json!(0))
    );
    assert_eq!(
        call(&rt, "next_u64", &sig("next_u64"), &[json!("9223372036854775807")]).await,
        Ok(json!("-9223372036854775808"))
    );
    assert_eq!(
        call(&rt, "double_i8", &sig("double_i8"), &[json!(128)]).await,
        Err("invalid argument `x`: 128 does not fit in i8 (-128..=127)".into())
    );
    assert_eq!(
        call(&rt, "checked_div", &sig("checked_div"), &[json!(1), json!(0)]).await,
        Err("cannot divide 1 by 0".into())
    );
    assert_eq!(
        call(
            &rt,
            "describe",
            &sig("describe"),
            &[json!(null), json!(null), json!(null)]
        )
        .await,
        Ok(Json::Null)
    );
    assert_eq!(
        call(&rt, "negate", &sig("negate"), &[json!(true)]).await,
        Ok(json!(0))
    );
    assert_eq!(
        call(&rt, "shout", &sig("shout"), &[json!("abc")]).await,
        Ok(json!("ABC"))
    );
    assert_eq!(
        call(&rt, "reverse_bytes", &sig("reverse_bytes"), &[json!([1, 2])]).await,
        Ok(json!("AgE="))
    );
    let bad = call(
        &rt,
        "path_info",
        &sig("path_info"),
        &[json!([{"x": "no"}]), json!(null)],
    )
    .await
    .unwrap_err();
    assert!(
        bad.starts_with("invalid argument `points`: not the expected JSON"),
        "{bad}"
    );
}

#[tokio::test]
async fn host_imports_follow_the_contract() {
    let (rt, _dir, host) = loaded(&[("greeting", "hi")]).await;
    let visit = abi::parse_section("visit(page: string) -> json")
        .unwrap()
        .remove(0);
    let first = call(&rt, "visit", &visit, &[json!("home")]).await.unwrap();
    assert_eq!(first, json!({"page": "home", "count": 1, "greeting": "hi"}));
    let second = call(&rt, "visit", &visit, &[json!("home")]).await.unwrap();
    assert_eq!(second["count"], 2);
    assert_eq!(
        host.kv.lock().get("visits:home"),
        Some(&2u64.to_le_bytes().to_vec())
    );
    assert_eq!(
        host.logs.lock().as_slice(),
        [(1, "visit home #1".to_string()), (1, "visit home #2".to_string())]
    );

    // Randomness in chunks, the clock, deletion: 70000 bytes take two
    // `random_bytes` calls (the contract caps one at 65536).
    let entropy = abi::parse_section("entropy(n: i32, key: string) -> json")
        .unwrap()
        .remove(0);
    let out = call(&rt, "entropy", &entropy, &[json!(70_000), json!("visits:home")])
        .await
        .unwrap();
    assert_eq!(out["now_ms"], 1_700_000_000_123i64);
    assert_eq!(out["deleted"], true);
    assert!(out["distinct"].as_u64().unwrap() > 200, "{out}");
    let out = call(&rt, "entropy", &entropy, &[json!(0), json!("visits:home")])
        .await
        .unwrap();
    assert_eq!(out["deleted"], false);
}

#[tokio::test]
async fn the_module_imports_only_module_echelon_and_the_section_lists_every_export() {
    let module = std::fs::read(fixture().server_module.as_ref().unwrap()).unwrap();
    let mut section = String::new();
    let mut exports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&module) {
        match payload.unwrap() {
            wasmparser::Payload::ImportSection(r) => {
                for i in r.into_imports() {
                    assert_eq!(i.unwrap().module, "echelon");
                }
            }
            wasmparser::Payload::ExportSection(r) => {
                for e in r {
                    exports.push(e.unwrap().name.to_string());
                }
            }
            // The linker concatenates each export's own section.
            wasmparser::Payload::CustomSection(c) if c.name() == abi::SECTION_NAME => {
                section.push_str(std::str::from_utf8(c.data()).unwrap());
            }
            _ => {}
        }
    }
    let mut lines: Vec<String> = abi::parse_section(&section)
        .unwrap()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut registered: Vec<String> = echelon_guest::exports_of("echelon_guest_fixture")
        .iter()
        .map(|e| e.signature().to_string())
        .collect();
    lines.sort();
    registered.sort();
    assert_eq!(lines, registered);
    for e in ["memory", "echelon_alloc", "echelon_free", "echelon_last_error"] {
        assert!(exports.iter().any(|x| x == e), "{e} is exported");
    }
}

/// The function names and parameter names of `export function` lines.
fn declared(dts: &Path, prefix: &str) -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(dts).unwrap();
    let mut out: Vec<(String, Vec<String>)> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix(prefix))
        .map(|rest| {
            let (name, rest) = rest.split_once('(').unwrap();
            let params = rest.rsplit_once(')').unwrap().0;
            let names = params
                .split(", ")
                .filter(|p| !p.is_empty())
                .map(|p| p.split(':').next().unwrap().trim_end_matches('?').to_string())
                .collect();
            (name.to_string(), names)
        })
        // The ABI's own exports and wasm-bindgen's loader.
        .filter(|(name, _)| !name.starts_with("echelon_") && name != "initSync")
        .collect();
    out.sort();
    out
}

#[test]
fn both_dts_declare_the_same_functions() {
    let build = fixture();
    let server = declared(
        build.server_dts_path.as_ref().expect("a server .d.ts"),
        "export declare function ",
    );
    let browser = declared(
        build.dts_path.as_ref().expect("a browser .d.ts"),
        "export function ",
    );
    assert_eq!(
        server.len(),
        echelon_guest::exports_of("echelon_guest_fixture").len()
    );
    // wasm-bindgen renames a parameter named like its function (`twice_`).
    let browser: Vec<_> = browser
        .into_iter()
        .map(|(n, p)| {
            let p = p
                .into_iter()
                .map(|x| x.trim_end_matches('_').to_string())
                .collect();
            (n, p)
        })
        .collect();
    assert_eq!(server, browser);
    let text = std::fs::read_to_string(build.server_dts_path.as_ref().unwrap()).unwrap();
    assert!(
        text.contains("export declare function next_u64(x: bigint): bigint;"),
        "{text}"
    );
    assert!(
        text.contains("export declare function reverse_bytes(data: Uint8Array): Uint8Array;"),
        "{text}"
    );
}

#[tokio::test]
async fn refused_calls_free_the_arguments_already_read() {
    let (rt, _dir, _host) = loaded(&[]).await;
    let sig = abi::parse_section("path_info(points: json, label: json) -> json")
        .unwrap()
        .remove(0);
    let points: Vec<Json> = (0..2000).map(|i| json!({"x": i, "y": -i})).collect();
    let args = [Json::Array(points), json!(5)];
    let probe = || async {
        rt.execute::<i32>(
            "fixture",
            "echelon_alloc",
            vec![Value::I32(1)],
            ExecOptions::default(),
        )
        .await
        .map(|e| e.value)
        .expect("echelon_alloc answers")
    };
    let before = probe().await;
    for _ in 0..200 {
        // `points` parses (32 KiB of Vec<Point>), then `label` is refused.
        let err = call(&rt, "path_info", &sig, &args).await.unwrap_err();
        assert!(err.starts_with("invalid argument `label`"), "{err}");
    }
    let after = probe().await;
    assert!(
        (after - before).abs() < 1 << 20,
        "refused calls leaked: the allocator moved from {before} to {after}"
    );
}
