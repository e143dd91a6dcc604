//! The wasm32 guest build of `echelon-shared`, loaded by wasmtime, gives the
//! same answers as the native build for every exported function, including
//! the same error messages for refused input.
//!
//! The list of functions is not kept here: it comes from their one
//! definition, `#[echelon_guest::export]`, through the native registry
//! (`echelon_guest::exports_of`) and the guest module's `echelon:abi`
//! section, which must agree. Every exported function must have cases in
//! [`cases`]; a new export without any fails [`every_export_agrees`].

use echelon_shared::{abi, compute, crypto, image, validation};
use echelon_tests::{shared_guest_wasm, Arg, Guest};
use serde_json::{json, Value as Json};
use wasmtime::{Engine, Val};

fn guest() -> Guest {
    let path = shared_guest_wasm().expect("shared guest module builds");
    let wasm = std::fs::read(path).expect("guest module is readable");
    Guest::new(&Engine::default(), &wasm).expect("guest module instantiates")
}

fn i32v(v: u32) -> Arg<'static> {
    Arg::Val(Val::I32(v as i32))
}

/// Asserts that a guest refusal carries the native error's message.
fn same_error<T: std::fmt::Debug>(
    guest: anyhow::Result<T>,
    native: Result<impl std::fmt::Debug, echelon_shared::Error>,
) {
    let native = native.expect_err("native call should fail for this input");
    let guest = guest.expect_err("guest call should fail for this input");
    assert_eq!(guest.to_string(), format!("guest refused: {native}"));
}

fn gradient(w: u32, h: u32) -> Vec<u8> {
    (0..w * h)
        .flat_map(|i| {
            [
                (i % 251) as u8,
                (i * 7 % 256) as u8,
                (i * 13 % 256) as u8,
                (i % 200) as u8 + 55,
            ]
        })
        .collect()
}

#[test]
fn abi_section_describes_every_export() {
    let wasm = std::fs::read(shared_guest_wasm().unwrap()).unwrap();
    let mut section = None;
    let mut exports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&wasm) {
        match payload.unwrap() {
            wasmparser::Payload::CustomSection(c) if c.name() == abi::SECTION_NAME => {
                section = Some(String::from_utf8(c.data().to_vec()).unwrap());
            }
            wasmparser::Payload::ExportSection(r) => {
                for e in r {
                    let e = e.unwrap();
                    if e.kind == wasmparser::ExternalKind::Func {
                        exports.push(e.name.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    let section = section.expect("guest carries an echelon:abi section");
    let sigs = abi::parse_section(&section).unwrap();
    // The section's lines are exactly the registry's: one definition.
    let mut lines: Vec<String> = sigs.iter().map(|s| s.to_string()).collect();
    let mut registered: Vec<String> = echelon_guest::exports_of("echelon_shared")
        .iter()
        .map(|e| e.signature().to_string())
        .collect();
    lines.sort();
    registered.sort();
    assert_eq!(lines, registered);
    let mut described: Vec<String> = sigs.iter().map(|s| s.name.clone()).collect();
    let mut api: Vec<String> = exports
        .into_iter()
        .filter(|e| !e.starts_with("echelon_"))
        .collect();
    described.sort();
    api.sort();
    assert_eq!(described, api);
}

#[test]
fn validate_user_parity() {
    let mut g = guest();
    for input in [
        r#"{"email":"ada@example.com","age":36}"#,
        r#"{"email":"ada@example","age":36}"#,
        r#"{"email":"ada@example.com","age":3}"#,
        r#"{"email":"","age":-1}"#,
        "not json",
        "",
        "\u{1F600}",
    ] {
        let out = g
            .call_bytes("validate_user", &[Arg::Bytes(input.as_bytes())])
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            validation::validate_user(input),
            "{input}"
        );
    }
    // A string parameter is checked for UTF-8 before the function runs.
    let err = g
        .call_bytes("validate_user", &[Arg::Bytes(&[0xff, 0xfe])])
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("guest refused: invalid argument `json`: not UTF-8"),
        "{err}"
    );
}

#[test]
fn image_parity() {
    let mut g = guest();
    let px = gradient(24, 16);
    let out = g
        .call_bytes("apply_grayscale", &[Arg::Bytes(&px), i32v(24), i32v(16)])
        .unwrap();
    assert_eq!(out, image::apply_grayscale(&px, 24, 16).unwrap());
    let out = g
        .call_bytes(
            "resize_image",
            &[Arg::Bytes(&px), i32v(24), i32v(16), i32v(9), i32v(5)],
        )
        .unwrap();
    assert_eq!(out, image::resize_image(&px, 24, 16, 9, 5).unwrap());
    let out = g
        .call_bytes(
            "process_image",
            &[Arg::Bytes(&px), i32v(24), i32v(16), i32v(12), i32v(12), i32v(85)],
        )
        .unwrap();
    assert_eq!(out, image::process_image(&px, 24, 16, 12, 12, 85).unwrap());

    let png = image::encode_png(&px, 24, 16).unwrap();
    let out = g.call_bytes("image_dimensions", &[Arg::Bytes(&png)]).unwrap();
    let info: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        info,
        serde_json::to_value(image::image_dimensions(&png).unwrap()).unwrap()
    );
    let out = g
        .call_bytes("process_upload", &[Arg::Bytes(&png), i32v(12), i32v(12)])
        .unwrap();
    assert_eq!(out, image::process_upload(&png, 12, 12).unwrap());

    same_error(
        g.call_bytes("apply_grayscale", &[Arg::Bytes(&px[..10]), i32v(24), i32v(16)]),
        image::apply_grayscale(&px[..10], 24, 16),
    );
    same_error(
        g.call_bytes(
            "resize_image",
            &[Arg::Bytes(&px), i32v(24), i32v(16), i32v(0), i32v(5)],
        ),
        image::resize_image(&px, 24, 16, 0, 5),
    );
    same_error(
        g.call_bytes("image_dimensions", &[Arg::Bytes(b"GIF89a")]),
        image::image_dimensions(b"GIF89a"),
    );
    // The instance stays usable after a refused call.
    let out = g
        .call_bytes("apply_grayscale", &[Arg::Bytes(&px), i32v(24), i32v(16)])
        .unwrap();
    assert_eq!(out.len(), px.len());
}

#[test]
fn crypto_parity() {
    let mut g = guest();
    let key: Vec<u8> = (0..32).collect();
    let block = *b"0123456789abcdef";
    let ct = g
        .call_bytes("encrypt_block", &[Arg::Bytes(&key), Arg::Bytes(&block)])
        .unwrap();
    assert_eq!(ct, crypto::encrypt_block(&key, &block).unwrap());
    let pt = g
        .call_bytes("decrypt_block", &[Arg::Bytes(&key), Arg::Bytes(&ct)])
        .unwrap();
    assert_eq!(pt, block);
    same_error(
        g.call_bytes("encrypt_block", &[Arg::Bytes(&key[..16]), Arg::Bytes(&block)]),
        crypto::encrypt_block(&key[..16], &block),
    );
    same_error(
        g.call_bytes("decrypt_block", &[Arg::Bytes(&key), Arg::Bytes(&block[..3])]),
        crypto::decrypt_block(&key, &block[..3]),
    );
    for data in [&b""[..], b"abc", &[7u8; 10_000]] {
        let d = g.call_bytes("sha256", &[Arg::Bytes(data)]).unwrap();
        assert_eq!(d, crypto::sha256(data));
    }
}

#[test]
fn compute_parity() {
    let mut g = guest();
    for n in [0u32, 1, 10, 40, 93] {
        let v: i64 = g.typed("fibonacci", n as i32).unwrap();
        assert_eq!(v as u64, compute::fibonacci(n).unwrap());
    }
    same_error(g.typed::<i32, i64>("fibonacci", 94), compute::fibonacci(94));
    // u32 crosses as the same bits: -1 is u32::MAX.
    same_error(g.typed::<i32, i64>("fibonacci", -1), compute::fibonacci(u32::MAX));
    for n in [0u32, 5, 20] {
        let v: i64 = g.typed("factorial", n as i32).unwrap();
        assert_eq!(v as u64, compute::factorial(n).unwrap());
    }
    same_error(g.typed::<i32, i64>("factorial", 21), compute::factorial(21));
    for n in [0i64, 1, 2, 97, 561, 1_000_000_007, 9_223_372_036_854_775_783] {
        let v: i32 = g.typed("is_prime", n).unwrap();
        assert_eq!(v == 1, compute::is_prime(n as u64), "{n}");
    }
    // u64 crosses as the same bits.
    assert_eq!(
        g.typed::<i64, i32>("is_prime", -7).unwrap() == 1,
        compute::is_prime(-7i64 as u64)
    );
    for (it, seed) in [(1u32, 0u64), (10_000, 42), (100_000, u64::MAX)] {
        let v: f64 = g.typed("monte_carlo_pi", (it as i32, seed as i64)).unwrap();
        assert_eq!(v.to_bits(), compute::monte_carlo_pi(it, seed).unwrap().to_bits());
    }
    same_error(
        g.typed::<(i32, i64), f64>("monte_carlo_pi", (0, 1)),
        compute::monte_carlo_pi(0, 1),
    );

    let args = [
        i32v(64),
        i32v(48),
        i32v(300),
        Arg::Val(Val::F64((-0.7f64).to_bits())),
        Arg::Val(Val::F64(0.1f64.to_bits())),
        Arg::Val(Val::F64(2.5f64.to_bits())),
    ];
    let out = g.call_bytes("render_mandelbrot", &args).unwrap();
    assert_eq!(
        out,
        compute::render_mandelbrot(64, 48, 300, -0.7, 0.1, 2.5).unwrap()
    );
}

#[test]
fn allocator_round_trips_do_not_leak() {
    let mut g = guest();
    let px = gradient(64, 64);
    let before: i32 = g.typed("echelon_alloc", 1).unwrap();
    for _ in 0..200 {
        g.call_bytes("apply_grayscale", &[Arg::Bytes(&px), i32v(64), i32v(64)])
            .unwrap();
    }
    // With every argument and result freed, the allocator reuses memory:
    // 200 calls of 32 KiB in and out must not grow memory by 200 x 64 KiB.
    let after: i32 = g.typed("echelon_alloc", 1).unwrap();
    assert!(
        (after - before).abs() < 1 << 20,
        "allocator drifted from {before} to {after}"
    );
}

fn b64(bytes: &[u8]) -> Json {
    use base64::Engine as _;
    json!(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// Inputs for every exported function, valid and refused ones, keyed by
/// name. The functions themselves come from the registry.
fn cases() -> Vec<(&'static str, Vec<Json>)> {
    let key: Vec<u8> = (0..32).collect();
    let block = b"0123456789abcdef";
    let cipher = crypto::encrypt_block(&key, block).expect("a valid key and block");
    let px = gradient(12, 8);
    let png = image::encode_png(&px, 12, 8).expect("encodes");
    vec![
        (
            "validate_user",
            vec![json!(r#"{"email":"ada@example.com","age":36}"#)],
        ),
        ("validate_user", vec![json!("not json")]),
        ("apply_grayscale", vec![b64(&px), json!(12), json!(8)]),
        ("apply_grayscale", vec![b64(&px[..7]), json!(12), json!(8)]),
        (
            "resize_image",
            vec![b64(&px), json!(12), json!(8), json!(5), json!(3)],
        ),
        (
            "resize_image",
            vec![b64(&px), json!(12), json!(8), json!(0), json!(3)],
        ),
        (
            "process_image",
            vec![b64(&px), json!(12), json!(8), json!(6), json!(6), json!(90)],
        ),
        (
            "process_image",
            vec![b64(&px), json!(12), json!(8), json!(6), json!(6), json!(300)],
        ),
        ("process_upload", vec![b64(&png), json!(6), json!(6)]),
        ("process_upload", vec![b64(b"nope"), json!(6), json!(6)]),
        ("image_dimensions", vec![b64(&png)]),
        ("image_dimensions", vec![b64(b"GIF89a")]),
        ("encrypt_block", vec![b64(&key), b64(block)]),
        ("encrypt_block", vec![b64(&key[..5]), b64(block)]),
        ("decrypt_block", vec![b64(&key), b64(&cipher)]),
        ("decrypt_block", vec![b64(&key), b64(&block[..3])]),
        ("sha256", vec![b64(b"")]),
        ("sha256", vec![b64(&px)]),
        ("fibonacci", vec![json!(0)]),
        ("fibonacci", vec![json!(93)]),
        ("fibonacci", vec![json!(94)]),
        ("factorial", vec![json!(20)]),
        ("factorial", vec![json!(21)]),
        ("is_prime", vec![json!(1_000_000_007)]),
        ("is_prime", vec![json!("9223372036854775783")]),
        ("is_prime", vec![json!(-7)]),
        ("monte_carlo_pi", vec![json!(10_000), json!(42)]),
        ("monte_carlo_pi", vec![json!(0), json!(1)]),
        (
            "render_mandelbrot",
            vec![
                json!(16),
                json!(9),
                json!(100),
                json!(-0.5),
                json!(0.0),
                json!(3.5),
            ],
        ),
        (
            "render_mandelbrot",
            vec![
                json!(0),
                json!(9),
                json!(100),
                json!(-0.5),
                json!(0.0),
                json!(3.5),
            ],
        ),
    ]
}

#[test]
fn every_export_agrees() {
    let exports = echelon_guest::exports_of("echelon_shared");
    assert!(
        exports.len() >= 14,
        "the registry lists the shared crate's exports"
    );
    let cases = cases();
    for e in &exports {
        assert!(
            cases.iter().any(|(name, _)| *name == e.name()),
            "`{}` is exported but has no parity case in tests/guest_parity.rs",
            e.name()
        );
    }
    let mut g = guest();
    for (name, args) in &cases {
        let e = exports
            .iter()
            .find(|e| e.name() == *name)
            .unwrap_or_else(|| panic!("a case names `{name}`, which is not exported"));
        let sig = &abi::parse_section(e.signature()).expect("the registry's line parses")[0];
        let native = e.call(args).map_err(|err| match err {
            echelon_guest::CallError::Refused(m) => format!("guest refused: {m}"),
            other => panic!("{name}: the case's arguments do not fit: {other}"),
        });
        let guest = g.call_json(sig, args).map_err(|err| err.to_string());
        assert_eq!(guest, native, "{name}({})", Json::Array(args.clone()));
    }
}
