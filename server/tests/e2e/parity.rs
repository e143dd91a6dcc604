//! Three-way parity: every shared function called natively, through the
//! server guest module (the echelon runtime, wasmtime) and through the
//! browser bundle (wasm-bindgen, in Chromium), with the same inputs and the
//! same outputs — including the same refusal message for bad input.

use std::path::Path;

use echelon::runtime::{ExecOptions, RuntimeConfig, Value, WasmRuntime, WasmSource};
use echelon_shared::{compute, crypto, image, validation};
use fantoccini::Client;
use serde_json::{json, Value as Json};

/// A call: function name and JSON arguments (byte arrays as arrays of
/// numbers), as the page receives them.
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
    let c = |name, args: Vec<Json>| Case { name, args };
    vec![
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

/// Outputs are compared as JSON: strings, byte arrays, numbers as strings
/// (so an f64 or a u64 is compared exactly), or `{"error": message}`.
type Outcome = Json;

fn ok_bytes(r: Result<Vec<u8>, echelon_shared::Error>) -> Outcome {
    r.map(|b| json!(b))
        .unwrap_or_else(|e| json!({"error": e.to_string()}))
}

fn arg_bytes(v: &Json) -> Vec<u8> {
    v.as_array()
        .expect("a byte array")
        .iter()
        .map(|b| u8::try_from(b.as_u64().expect("a byte")).expect("a byte"))
        .collect()
}

fn arg_u32(v: &Json) -> u32 {
    u32::try_from(v.as_u64().expect("an unsigned integer")).expect("fits u32")
}

fn arg_f64(v: &Json) -> f64 {
    v.as_f64().expect("a number")
}

fn native(case: &Case) -> Outcome {
    let a = &case.args;
    match case.name {
        "validate_user" => json!(validation::validate_user(a[0].as_str().expect("a string"))),
        "sha256" => json!(crypto::sha256(&arg_bytes(&a[0])).to_vec()),
        "encrypt_block" => ok_bytes(crypto::encrypt_block(&arg_bytes(&a[0]), &arg_bytes(&a[1]))),
        "decrypt_block" => ok_bytes(crypto::decrypt_block(&arg_bytes(&a[0]), &arg_bytes(&a[1]))),
        "apply_grayscale" => ok_bytes(image::apply_grayscale(
            &arg_bytes(&a[0]),
            arg_u32(&a[1]),
            arg_u32(&a[2]),
        )),
        "resize_image" => ok_bytes(image::resize_image(
            &arg_bytes(&a[0]),
            arg_u32(&a[1]),
            arg_u32(&a[2]),
            arg_u32(&a[3]),
            arg_u32(&a[4]),
        )),
        "process_image" => ok_bytes(image::process_image(
            &arg_bytes(&a[0]),
            arg_u32(&a[1]),
            arg_u32(&a[2]),
            arg_u32(&a[3]),
            arg_u32(&a[4]),
            u8::try_from(arg_u32(&a[5])).expect("quality fits u8"),
        )),
        "fibonacci" => compute::fibonacci(arg_u32(&a[0]))
            .map(|n| json!(n.to_string()))
            .unwrap_or_else(|e| json!({"error": e.to_string()})),
        "monte_carlo_pi" => compute::monte_carlo_pi(arg_u32(&a[0]), a[1].as_u64().expect("a seed"))
            .map(|x| json!(x.to_string()))
            .unwrap_or_else(|e| json!({"error": e.to_string()})),
        "render_mandelbrot" => ok_bytes(compute::render_mandelbrot(
            arg_u32(&a[0]),
            arg_u32(&a[1]),
            arg_u32(&a[2]),
            compute::Viewport {
                center_x: arg_f64(&a[3]),
                center_y: arg_f64(&a[4]),
                width: arg_f64(&a[5]),
            },
        )),
        other => panic!("no native call for {other}"),
    }
}

/// The guest module's arguments: bytes stay bytes, strings stay strings,
/// integers are i32 except the i64 seed, floats are f64.
fn guest_args(case: &Case) -> Vec<Value> {
    case.args
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Json::String(s) => Value::String(s.clone()),
            Json::Array(_) => Value::Bytes(arg_bytes(v)),
            Json::Number(n) if case.name == "monte_carlo_pi" && i == 1 => {
                Value::I64(n.as_i64().expect("an integer seed"))
            }
            Json::Number(n) if n.is_f64() || case.name == "render_mandelbrot" && i >= 3 => {
                Value::F64(n.as_f64().expect("a number"))
            }
            Json::Number(n) => Value::I32(i32::try_from(n.as_i64().expect("an integer")).expect("fits i32")),
            other => panic!("unexpected argument {other}"),
        })
        .collect()
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

async fn guest(rt: &WasmRuntime, case: &Case) -> Outcome {
    let args = guest_args(case);
    let opts = ExecOptions::default();
    let result = match case.name {
        "validate_user" => rt
            .execute::<String>("shared", case.name, args, opts)
            .await
            .into_result()
            .map(|s| json!(s)),
        "fibonacci" => rt
            .execute::<i64>("shared", case.name, args, opts)
            .await
            .into_result()
            .map(|n| json!((n as u64).to_string())),
        "monte_carlo_pi" => rt
            .execute::<f64>("shared", case.name, args, opts)
            .await
            .into_result()
            .map(|x| json!(x.to_string())),
        _ => rt
            .execute::<Vec<u8>>("shared", case.name, args, opts)
            .await
            .into_result()
            .map(|b| json!(b)),
    };
    result.unwrap_or_else(|e| json!({"error": error_message(&e)}))
}

/// Runs every case in the page through `window.echelon.bindings`.
async fn browser(client: &Client, cases: &[Case]) -> Vec<Outcome> {
    let calls: Vec<Json> = cases
        .iter()
        .map(|c| json!({"name": c.name, "args": c.args}))
        .collect();
    let script = r#"
        const done = arguments[arguments.length - 1];
        const calls = arguments[0];
        (async () => {
          await window.echelonReady;
          const b = window.echelon.bindings;
          const out = calls.map(({ name, args }) => {
            const lowered = args.map((a, i) => {
              if (Array.isArray(a)) return new Uint8Array(a);
              if (name === "monte_carlo_pi" && i === 1) return BigInt(a);
              return a;
            });
            try {
              const r = b[name](...lowered);
              if (r instanceof Uint8Array) return Array.from(r);
              if (typeof r === "bigint" || typeof r === "number") return String(r);
              return r;
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
    let cases = cases();
    let cache = tempfile::tempdir().expect("temp dir");
    let rt = WasmRuntime::new(RuntimeConfig::default().cache_dir(cache.path())).expect("runtime");
    rt.load_module_as("shared", WasmSource::file(server_module))
        .await
        .expect("the compile_rust server module loads");
    let in_browser = browser(client, &cases).await;
    assert_eq!(in_browser.len(), cases.len());
    for (case, from_browser) in cases.iter().zip(in_browser) {
        let from_native = native(case);
        let from_guest = guest(&rt, case).await;
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
