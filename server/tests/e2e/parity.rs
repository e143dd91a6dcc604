//! Three-way parity: every shared function called natively, through the
//! server guest module (the echelon runtime, wasmtime) and through the
//! browser bundle (wasm-bindgen, in Chromium), with the same inputs and the
//! same outputs — including the same refusal message for bad input.

use std::path::Path;

use echelon::runtime::{ExecOptions, ParamType, RuntimeConfig, Value, WasmRuntime, WasmSource};
use echelon_shared::abi::AbiType;
use echelon_shared::{crypto, image};
use fantoccini::Client;
use serde_json::{json, Value as Json};

/// A call: function name and JSON arguments (byte arrays as arrays of
/// numbers), as the page receives them. Which functions exist comes from
/// the registry of `#[echelon_guest::export]`; every one needs a case.
struct Case {
    name: &'static str,
    args: Vec<Json>,
}

fn bytes(n: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

fn cases() -> Vec<Case> {
    let key: Vec<u8> = (0..32).collect();
    let block = b"sixteen byte msg".to_vec();
    let cipher = crypto::encrypt_block(&key, &block).expect("a valid key and block");
    let img = bytes(6 * 5 * 4, 7);
    let png = image::encode_png(&img, 6, 5).expect("a valid image");
    let c = |name, args: Vec<Json>| Case { name, args };
    vec![
        c("process_upload", vec![json!(png), json!(4), json!(4)]),
        c(
            "process_upload",
            vec![json!(b"not an image".to_vec()), json!(4), json!(4)],
        ),
        c("image_dimensions", vec![json!(png)]),
        c("image_dimensions", vec![json!(b"GIF89a".to_vec())]),
        c("factorial", vec![json!(20)]),
        c("factorial", vec![json!(21)]),
        c("is_prime", vec![json!(1_000_000_007)]),
        c("is_prime", vec![json!(91)]),
        c(
            "validate_user",
            vec![json!(r#"{"email":"ada@example.com","age":36}"#)],
        ),
        c("validate_user", vec![json!(r#"{"email":"nope","age":12}"#)]),
        c("validate_user", vec![json!(r#"{"email":"a@b.co","age":"x"}"#)]),
        c("validate_user", vec![json!("not json")]),
        c("sha256", vec![json!(b"hello".to_vec())]),
        c("sha256", vec![json!(bytes(1000, 3))]),
        c("encrypt_block", vec![json!(key), json!(block)]),
        c("decrypt_block", vec![json!(key), json!(cipher)]),
        c("encrypt_block", vec![json!(vec![1u8; 5]), json!(block)]),
        c("apply_grayscale", vec![json!(img), json!(6), json!(5)]),
        c(
            "apply_grayscale",
            vec![json!(vec![1u8, 2, 3]), json!(2), json!(1)],
        ),
        c(
            "resize_image",
            vec![json!(img), json!(6), json!(5), json!(11), json!(3)],
        ),
        c(
            "process_image",
            vec![json!(img), json!(6), json!(5), json!(4), json!(4), json!(80)],
        ),
        c("fibonacci", vec![json!(50)]),
        c("fibonacci", vec![json!(93)]),
        c("fibonacci", vec![json!(94)]),
        c("monte_carlo_pi", vec![json!(100_000), json!(42)]),
        c(
            "render_mandelbrot",
            vec![
                json!(40),
                json!(30),
                json!(200),
                json!(-0.75),
                json!(0.1),
                json!(2.5),
            ],
        ),
    ]
}

/// Outcomes are compared as the HTTP API's JSON (numbers, `i64` beyond
/// 2^53 as text, `bool` as 0/1, bytes as base64, JSON as itself), or
/// `{"error": message}` for a refusal.
type Outcome = Json;

fn refused(message: String) -> Outcome {
    json!({ "error": message })
}

/// The native call, through the registry `#[echelon_guest::export]` fills:
/// no list of functions is kept here.
fn native(export: &echelon_guest::Export, case: &Case) -> Outcome {
    match export.call(&case.args) {
        Ok(v) => v,
        Err(echelon_guest::CallError::Refused(m)) => refused(m),
        Err(other) => panic!("{}: the case's arguments do not fit: {other}", case.name),
    }
}

/// The argument types of an export, from its `echelon:abi` line.
fn param_types(export: &echelon_guest::Export) -> Vec<AbiType> {
    echelon_shared::abi::parse_section(export.signature()).expect("the registry's line parses")[0]
        .params
        .iter()
        .map(|p| p.ty)
        .collect()
}

/// The result type of an export, from its `echelon:abi` line.
fn result_type(export: &echelon_guest::Export) -> Option<&'static str> {
    echelon_shared::abi::parse_section(export.signature()).expect("the registry's line parses")[0]
        .result
        .map(AbiType::name)
}

fn error_message(e: &echelon::Error) -> String {
    match e {
        echelon::Error::Trap {
            guest_message: Some(m),
            ..
        } => m.clone(),
        other => format!("not a clean refusal: {other}"),
    }
}

async fn guest(rt: &WasmRuntime, export: &echelon_guest::Export, case: &Case) -> Outcome {
    let args: Vec<Value> = case
        .args
        .iter()
        .zip(param_types(export))
        .map(|(a, ty)| Value::from_json(a, ParamType::Abi(ty)).expect("the case's argument converts"))
        .collect();
    match rt
        .execute::<Value>("shared", case.name, args, ExecOptions::default())
        .await
        .map(|e| e.value)
    {
        Ok(v) => v.to_json(),
        Err(e) => refused(error_message(&e)),
    }
}

/// Runs every case in the page through `window.echelon.bindings`.
async fn browser(client: &Client, cases: &[(&echelon_guest::Export, Case)]) -> Vec<Outcome> {
    let calls: Vec<Json> = cases
        .iter()
        .map(|(e, c)| {
            let types: Vec<&str> = param_types(e).iter().map(|t| t.name()).collect();
            json!({"name": c.name, "args": c.args, "types": types, "result": result_type(e)})
        })
        .collect();
    let script = r#"
        const done = arguments[arguments.length - 1];
        const calls = arguments[0];
        (async () => {
          await window.echelonReady;
          const b = window.echelon.bindings;
          // Arguments and results in the HTTP API's JSON conventions.
          const fromB64 = (t) => Uint8Array.from(atob(t), (c) => c.charCodeAt(0));
          const toB64 = (u) => btoa(Array.from(u, (x) => String.fromCharCode(x)).join(""));
          const lower = (a, ty) =>
            ty === "bytes" ? (Array.isArray(a) ? new Uint8Array(a) : fromB64(a))
            : ty === "i64" ? BigInt(a)
            : ty === "json" && a === null ? undefined
            : a;
          // Unsigned results are the same bits as the guest ABI's signed
          // i32/i64 (a u64 above 2^63 is a negative i64 there).
          const lift = (r, ty) => {
            if (r instanceof Uint8Array) return toB64(r);
            if (ty === "i64" && (typeof r === "bigint" || typeof r === "number")) {
              const x = BigInt.asIntN(64, BigInt(r));
              const n = Number(x);
              return Math.abs(n) <= 2 ** 53 ? n : String(x);
            }
            if (ty === "i32" && typeof r === "number") return r | 0;
            if (typeof r === "boolean") return r ? 1 : 0;
            if (r === undefined) return null;
            return r;
          };
          const out = calls.map(({ name, args, types, result }) => {
            try {
              return lift(b[name](...args.map((a, i) => lower(a, types[i]))), result);
            } catch (e) {
              return { error: e instanceof Error ? e.message : String(e) };
            }
          });
          done(JSON.stringify(out));
        })().catch((e) => done(JSON.stringify({ failed: String(e) })));
    "#;
    let raw = client
        .execute_async(script, vec![Json::Array(calls)])
        .await
        .expect("the parity script runs");
    let parsed: Json = serde_json::from_str(raw.as_str().expect("a JSON string")).expect("valid JSON");
    match parsed {
        Json::Array(v) => v,
        other => panic!("the page could not run the calls: {other}"),
    }
}

pub async fn three_way(client: &Client, server_module: &Path) {
    let exports = echelon_guest::exports_of("echelon_shared");
    let cases: Vec<(&echelon_guest::Export, Case)> = cases()
        .into_iter()
        .map(|c| {
            let e = *exports
                .iter()
                .find(|e| e.name() == c.name)
                .unwrap_or_else(|| panic!("a case names `{}`, which is not exported", c.name));
            (e, c)
        })
        .collect();
    for e in &exports {
        assert!(
            cases.iter().any(|(_, c)| c.name == e.name()),
            "`{}` is exported but has no three-way case in server/tests/e2e/parity.rs",
            e.name()
        );
    }
    let cache = tempfile::tempdir().expect("temp dir");
    let rt = WasmRuntime::new(RuntimeConfig::default().cache_dir(cache.path())).expect("runtime");
    rt.load_module_as("shared", WasmSource::file(server_module))
        .await
        .expect("the compile_rust server module loads");
    let in_browser = browser(client, &cases).await;
    assert_eq!(in_browser.len(), cases.len());
    for ((export, case), from_browser) in cases.iter().zip(in_browser) {
        let from_native = native(export, case);
        let from_guest = guest(&rt, export, case).await;
        let shown = format!("{}({})", case.name, short(&Json::Array(case.args.clone())));
        assert_eq!(from_guest, from_native, "guest module vs native for {shown}");
        assert_eq!(from_browser, from_native, "browser bundle vs native for {shown}");
    }
    eprintln!(
        "parity: {} calls agree natively, in wasmtime and in Chromium",
        cases.len()
    );
}

fn short(v: &Json) -> String {
    let s = v.to_string();
    if s.len() > 80 {
        format!("{}…", &s[..80])
    } else {
        s
    }
}
