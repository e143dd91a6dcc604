//! End to end in a real browser: the shared crate built by the project's own
//! `Generator::compile_rust` (server module + wasm-bindgen bundle), served by
//! the `echelon serve` binary, driven in Debian's headless Chromium through
//! Debian's chromedriver with fantoccini.
//!
//! One test, in steps (one browser session): the user form gives the same
//! verdict in the page and from the server; the Mandelbrot canvas holds the
//! shared renderer's pixels; the TypeScript playground compiles on the
//! server and runs in the page; the WebSocket stream is transformed by WASM;
//! every shared function gives the same output natively, through the server
//! guest module and through the browser bundle (three-way parity). A
//! screenshot is saved as `target/e2e/echelon.png`, and the figures
//! (bundle size, Mandelbrot WASM vs JS) are printed.
//!
//! Needs `chromium` and `chromedriver` on PATH (`cargo xtask setup` installs
//! Debian's); `CHROMEDRIVER` and `CHROMIUM` override the paths.

mod parity;
mod support;

use std::io::Write as _;
use std::time::Duration;

use echelon::generator::{compile_rust, RustBuildConfig, RustTarget};
use fantoccini::{Client, Locator};

use support::{root, wait_until, Browser, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_end_to_end() {
    let out = root().join("target/e2e");
    let pkg = out.join("pkg");

    // The bundle and the server module, from one compile_rust call.
    let build = compile_rust(
        &RustBuildConfig::new(root().join("shared"), &pkg)
            .target(RustTarget::Both)
            .profile("wasm-release")
            .target_dir(root().join("target/guest")),
    )
    .expect("the build runs");
    let errors: Vec<String> = build.errors().map(|d| d.to_string()).collect();
    assert!(build.success, "building the shared crate failed: {errors:#?}");
    let server_module = build.server_module.clone().expect("a server module");
    let bundle_wasm = build.browser_wasm.clone().expect("a bundle");
    assert!(build.js_path.as_ref().is_some_and(|p| p.is_file()));
    assert!(build.dts_path.as_ref().is_some_and(|p| p.is_file()));
    report_bundle_size(&bundle_wasm, build.js_path.as_ref().expect("checked above"));

    let data = tempfile::tempdir().expect("temp dir");
    let server = Server::start(&server_module, &pkg, data.path()).await;
    let browser = Browser::start().await;
    let client = &browser.client;
    client.goto(&server.url("/")).await.expect("the page loads");
    wait_until(client, "document.body.dataset.ready", Duration::from_secs(30)).await;
    let ready: String = client
        .execute("return document.body.dataset.ready", vec![])
        .await
        .expect("script runs")
        .as_str()
        .unwrap_or_default()
        .to_string();
    let status = text(client, "status").await;
    assert_eq!(ready, "true", "the page did not load the bundle: {status}");

    user_form(client).await;
    mandelbrot(client).await;
    playground(client).await;
    stream(client).await;
    parity::three_way(client, &server_module).await;

    let png = client.screenshot().await.expect("screenshot");
    std::fs::create_dir_all(&out).expect("target/e2e");
    let shot = out.join("echelon.png");
    std::fs::write(&shot, &png).expect("screenshot written");
    eprintln!("screenshot: {}", shot.display());
    browser.close().await;
}

fn report_bundle_size(wasm: &std::path::Path, js: &std::path::Path) {
    let gzip = |bytes: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(bytes).expect("in-memory gzip");
        e.finish().expect("in-memory gzip").len()
    };
    let w = std::fs::read(wasm).expect("bundle wasm");
    let j = std::fs::read(js).expect("bundle js");
    eprintln!(
        "FIGURE bundle: wasm {} bytes ({} gzip), js {} bytes ({} gzip)",
        w.len(),
        gzip(&w),
        j.len(),
        gzip(&j)
    );
}

async fn text(client: &Client, id: &str) -> String {
    client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id} is on the page: {e}"))
        .text()
        .await
        .unwrap_or_else(|e| panic!("#{id} has text: {e}"))
}

async fn type_into(client: &Client, id: &str, value: &str) {
    let input = client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"));
    input
        .clear()
        .await
        .unwrap_or_else(|e| panic!("clearing #{id}: {e}"));
    input
        .send_keys(value)
        .await
        .unwrap_or_else(|e| panic!("typing into #{id}: {e}"));
}

async fn click(client: &Client, id: &str) {
    client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking #{id}: {e}"));
}

/// The verdict part of an output ("valid" or the messages), without timing.
fn verdict(shown: &str) -> String {
    // WebDriver collapses the page's double space before the timing.
    shown
        .rsplit_once(" (")
        .map_or(shown, |(v, _)| v)
        .trim()
        .to_string()
}

async fn user_form(client: &Client) {
    for (email, age, expected) in [
        ("not-an-email", "12", "Invalid email format; Must be 18 or older"),
        ("ada@example.com", "36", "valid"),
        ("ada@example.com", "17", "Must be 18 or older"),
    ] {
        type_into(client, "user-email", email).await;
        type_into(client, "user-age", age).await;
        client
            .execute("document.getElementById('user-server').textContent = ''", vec![])
            .await
            .expect("reset");
        click(client, "user-submit").await;
        wait_until(
            client,
            "(t => t && !t.startsWith('asking'))(document.getElementById('user-server').textContent)",
            Duration::from_secs(20),
        )
        .await;
        let page = verdict(&text(client, "user-browser").await);
        let server = verdict(&text(client, "user-server").await);
        assert_eq!(page, expected, "the page's verdict for {email}/{age}");
        assert_eq!(server, expected, "the server's verdict for {email}/{age}");
        assert_eq!(text(client, "user-agree").await, "same verdict");
        // And the native build agrees with both.
        let native = echelon_shared::validation::validate_user(&format!(
            r#"{{"name":"Ada Lovelace","email":"{email}","age":{age}}}"#
        ));
        let native = match native.as_str() {
            "valid" => "valid".to_string(),
            list => serde_json::from_str::<Vec<String>>(list)
                .expect("a JSON list")
                .join("; "),
        };
        assert_eq!(native, expected);
    }
}

async fn mandelbrot(client: &Client) {
    type_into(client, "mandel-iterations", "1000").await;
    click(client, "mandel-compare").await;
    wait_until(
        client,
        "document.getElementById('mandel-ratio').textContent.includes('x')",
        Duration::from_secs(120),
    )
    .await;
    let times = client
        .execute(
            "return [Number(document.getElementById('mandel-wasm-ms').dataset.ms), \
                     Number(document.getElementById('mandel-js-ms').dataset.ms)]",
            vec![],
        )
        .await
        .expect("timings");
    let (wasm_ms, js_ms) = (times[0].as_f64().unwrap_or(0.0), times[1].as_f64().unwrap_or(0.0));
    assert!(
        wasm_ms > 0.0 && js_ms > 0.0,
        "both renderers reported a time: {times}"
    );
    eprintln!(
        "FIGURE mandelbrot 800x600, 1000 iterations, best of 3 in Chromium: WASM {wasm_ms:.1} ms, JS {js_ms:.1} ms, JS/WASM {:.2}x",
        js_ms / wasm_ms
    );
    // The canvas holds exactly the shared renderer's pixels (the last
    // render of "compare" is the WASM one).
    let drawn = client
        .execute(
            "const c = document.getElementById('mandelbrot');\
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;\
             const out = [];\
             for (let i = 0; i < d.length; i += 4 * 997) out.push(d[i], d[i + 1], d[i + 2], d[i + 3]);\
             return out;",
            vec![],
        )
        .await
        .expect("canvas pixels");
    let native = echelon_shared::compute::render_viewport(
        800,
        600,
        1000,
        echelon_shared::compute::Viewport::default(),
    )
    .expect("native render");
    let expected: Vec<u64> = (0..native.len())
        .step_by(4 * 997)
        .flat_map(|i| native[i..i + 4].iter().map(|&b| u64::from(b)))
        .collect();
    let drawn: Vec<u64> = drawn
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_u64().unwrap_or(999))
        .collect();
    assert_eq!(drawn.len(), expected.len(), "sampled pixel count");
    assert_eq!(drawn, expected, "canvas pixels differ from the native renderer");
    // The JS renderer is a faithful baseline: the same image, up to
    // float-to-byte rounding of the palette.
    let js_close = client
        .execute(
            "const w = 200, h = 150, a = new Uint8ClampedArray(w * h * 4);\
             window.echelon.mandelbrotJs(a, w, h, 300);\
             const b = window.echelon.bindings.render_mandelbrot(w, h, 300, -0.5, 0, 3.5);\
             let worst = 0; for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));\
             return worst;",
            vec![],
        )
        .await
        .expect("JS vs WASM");
    assert!(
        js_close.as_u64().is_some_and(|w| w <= 1),
        "the plain-JS renderer draws a different image (worst channel difference {js_close})"
    );
}

async fn playground(client: &Client) {
    let code = "export function fib(n: i32): i32 {\n  let a: i32 = 0;\n  let b: i32 = 1;\n  \
                for (let i: i32 = 0; i < n; i++) {\n    const t: i32 = a + b;\n    a = b;\n    b = t;\n  }\n  return a;\n}\n";
    client
        .execute(
            "document.getElementById('play-code').value = arguments[0]",
            vec![serde_json::json!(code)],
        )
        .await
        .expect("set code");
    click(client, "play-compile").await;
    wait_until(
        client,
        "!document.getElementById('play-run').disabled",
        Duration::from_secs(30),
    )
    .await;
    type_into(client, "play-args", "[20]").await;
    click(client, "play-run").await;
    let result = text(client, "play-result").await;
    assert!(
        result.starts_with("fib(20) = 6765"),
        "playground result: {result}"
    );

    // A compile error is shown in the page with its position.
    client
        .execute(
            "document.getElementById('play-code').value = 'export function f(): i32 { return nope; }'",
            vec![],
        )
        .await
        .expect("set code");
    click(client, "play-compile").await;
    wait_until(
        client,
        "document.getElementById('play-compile-info').classList.contains('error')",
        Duration::from_secs(30),
    )
    .await;
    let info = text(client, "play-compile-info").await;
    assert!(
        info.contains("line 1") && info.contains("nope"),
        "compile error shown: {info}"
    );

    // The page's `strings` example: chosen in the select, compiled, called
    // with its own arguments, then with non-ASCII ones (Unicode case
    // mapping: "ß" upper-cases to "SS").
    client
        .find(Locator::Id("play-example"))
        .await
        .expect("#play-example")
        .select_by_value("strings")
        .await
        .expect("choose the strings example");
    let code: String = client
        .execute("return document.getElementById('play-code').value", vec![])
        .await
        .expect("read the code")
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        code.contains("export function greet(name: string): string"),
        "example code: {code}"
    );
    click(client, "play-compile").await;
    wait_until(
        client,
        "!document.getElementById('play-run').disabled && document.getElementById('play-compile-info').classList.contains('ok')",
        Duration::from_secs(30),
    )
    .await;
    client
        .find(Locator::Id("play-func"))
        .await
        .expect("#play-func")
        .select_by_value("greet")
        .await
        .expect("choose greet");
    for (args, expected) in [
        (
            None,
            r#"greet("Ada Lovelace") = "Hello, ADA! \"Ada Lovelace\" has 12 UTF-16 units and 6 vowels.""#,
        ),
        (
            Some(r#"["straße café"]"#),
            r#"greet("straße café") = "Hello, STRASSE! \"straße café\" has 11 UTF-16 units and 3 vowels.""#,
        ),
    ] {
        if let Some(args) = args {
            client
                .execute(
                    "document.getElementById('play-args').value = arguments[0]",
                    vec![serde_json::json!(args)],
                )
                .await
                .expect("set the arguments");
        }
        click(client, "play-run").await;
        let result = text(client, "play-result").await;
        // The result, then spaces and the call's time: `    (0.12 ms)`.
        let timing = result
            .strip_prefix(expected)
            .unwrap_or_else(|| panic!("strings example: {result:?}, expected {expected:?} and the time"));
        let ms = timing
            .strip_prefix(' ')
            .and_then(|t| t.trim_start().strip_prefix('('))
            .and_then(|t| t.strip_suffix(" ms)"))
            .unwrap_or_else(|| panic!("strings example timing: {timing:?}"));
        assert!(ms.parse::<f64>().is_ok(), "strings example timing: {timing:?}");
    }
}

async fn stream(client: &Client) {
    click(client, "stream-connect").await;
    wait_until(
        client,
        "!document.getElementById('stream-send').disabled",
        Duration::from_secs(20),
    )
    .await;
    type_into(client, "stream-text", "hello wasm").await;
    click(client, "stream-send").await;
    wait_until(
        client,
        "document.getElementById('stream-log').textContent.includes('HELLO WASM')",
        Duration::from_secs(20),
    )
    .await;
    click(client, "stream-close").await;
}
