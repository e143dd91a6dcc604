//! Strings: literals, operators, methods and template literals with
//! JavaScript's UTF-16 semantics inside, UTF-8 at the guest-ABI boundary;
//! host imports; memory that stays flat over many allocating calls.

use wasmtime::Val;

use crate::guest::{Arg, Guest};
use crate::harness::compile;

const METHODS: &str = r#"
export function greet(name: string): string {
    return "Hello, " + name + "!";
}
export function len(s: string): i32 { return s.length; }
export function code(s: string, i: i32): i32 { return s.charCodeAt(i); }
export function find(s: string, q: string): i32 { return s.indexOf(q); }
export function find_last(s: string, q: string): i32 { return s.lastIndexOf(q); }
export function sub(s: string, a: i32, b: i32): string { return s.substring(a, b); }
export function sl(s: string, a: i32, b: i32): string { return s.slice(a, b); }
export function tail(s: string, a: i32): string { return s.slice(a); }
export function upper(s: string): string { return s.toUpperCase(); }
export function lower(s: string): string { return s.toLowerCase(); }
export function same(a: string, b: string): bool { return a == b; }
export function differ(a: string, b: string): bool { return a !== b; }
export function has(s: string, q: string): bool { return s.includes(q); }
export function edges(s: string, q: string): i32 {
    return (s.startsWith(q) ? 1 : 0) + (s.endsWith(q) ? 2 : 0);
}
export function describe(n: i32, big: i64, u: u32, ok: bool): string {
    return `n=${n} big=${big} u=${u} ok=${ok} ${"end"}`;
}
export function repeat(s: string, n: i32): string {
    let out = "";
    for (let i = 0; i < n; i++) { out += s; }
    return out;
}
export function kind(s: string): i32 {
    switch (s) {
        case "a": return 1;
        case "bb": return 2;
        default: return s ? 3 : 0;
    }
}
let counter = 0;
let last = "";
export function remember(s: string): i32 {
    counter++;
    last = last + s;
    return last.length;
}
export function recalled(): string { return last; }
export function num(n: i32): string { return n.toString() + "|" + (n * 2).toString(); }
"#;

fn s(v: &str) -> Arg<'_> {
    Arg::Str(v)
}

fn i(v: i32) -> Arg<'static> {
    Arg::Val(Val::I32(v))
}

#[test]
fn string_methods_follow_javascript() {
    let mut g = Guest::new(&compile(METHODS));
    assert_eq!(g.call_str("greet", &[s("wasm")]).unwrap(), "Hello, wasm!");
    assert_eq!(g.call_str("greet", &[s("")]).unwrap(), "Hello, !");
    // UTF-16 inside: an emoji is two code units, é is one.
    assert_eq!(g.call_int("len", &[s("héllo😀")]).unwrap(), 7);
    assert_eq!(g.call_int("code", &[s("é"), i(0)]).unwrap(), 0xE9);
    assert_eq!(g.call_int("code", &[s("😀"), i(1)]).unwrap(), 0xDE00);
    assert_eq!(g.call_int("code", &[s("abc"), i(3)]).unwrap(), -1);
    assert_eq!(g.call_int("find", &[s("hello world"), s("o")]).unwrap(), 4);
    assert_eq!(g.call_int("find", &[s("hello"), s("")]).unwrap(), 0);
    assert_eq!(g.call_int("find", &[s("hello"), s("xyz")]).unwrap(), -1);
    assert_eq!(g.call_int("find_last", &[s("hello world"), s("o")]).unwrap(), 7);
    assert_eq!(g.call_str("sub", &[s("hello"), i(3), i(1)]).unwrap(), "el");
    assert_eq!(g.call_str("sub", &[s("hello"), i(-5), i(99)]).unwrap(), "hello");
    assert_eq!(g.call_str("sl", &[s("hello"), i(-3), i(-1)]).unwrap(), "ll");
    assert_eq!(g.call_str("sl", &[s("hello"), i(3), i(1)]).unwrap(), "");
    assert_eq!(g.call_str("tail", &[s("hello"), i(-2)]).unwrap(), "lo");
    // Splitting a surrogate pair gives a lone surrogate, which UTF-8 cannot
    // carry: the boundary replaces it with U+FFFD.
    assert_eq!(g.call_str("sl", &[s("a😀"), i(0), i(2)]).unwrap(), "a\u{FFFD}");
    assert_eq!(
        g.call_str("upper", &[s("Hello, World 1")]).unwrap(),
        "HELLO, WORLD 1"
    );
    assert_eq!(
        g.call_str("lower", &[s("Hello, World 1")]).unwrap(),
        "hello, world 1"
    );
    assert_eq!(g.call_int("same", &[s("abc"), s("abc")]).unwrap(), 1);
    assert_eq!(g.call_int("same", &[s("abc"), s("abd")]).unwrap(), 0);
    assert_eq!(g.call_int("differ", &[s("abc"), s("ab")]).unwrap(), 1);
    assert_eq!(g.call_int("has", &[s("plugin"), s("lug")]).unwrap(), 1);
    assert_eq!(g.call_int("edges", &[s("abcab"), s("ab")]).unwrap(), 3);
    assert_eq!(g.call_int("edges", &[s("abc"), s("bc")]).unwrap(), 2);
    let d = g
        .call_str(
            "describe",
            &[i(-42), Arg::Val(Val::I64(-9_000_000_000_000)), i(-1), i(1)],
        )
        .unwrap();
    assert_eq!(d, "n=-42 big=-9000000000000 u=4294967295 ok=true end");
    assert_eq!(g.call_str("repeat", &[s("ab"), i(3)]).unwrap(), "ababab");
    assert_eq!(g.call_int("kind", &[s("a")]).unwrap(), 1);
    assert_eq!(g.call_int("kind", &[s("bb")]).unwrap(), 2);
    assert_eq!(g.call_int("kind", &[s("zz")]).unwrap(), 3);
    assert_eq!(g.call_int("kind", &[s("")]).unwrap(), 0);
    assert_eq!(g.call_str("num", &[i(-7)]).unwrap(), "-7|-14");
}

#[test]
fn globals_keep_their_strings_across_collections() {
    let mut g = Guest::new(&compile(METHODS));
    // Enough garbage between the calls to run the collector many times.
    for n in 1..=300 {
        assert_eq!(g.call_int("remember", &[s("xy")]).unwrap(), 2 * n);
        let junk = g.call_str("repeat", &[s("garbage!"), i(200)]).unwrap();
        assert_eq!(junk.len(), 1_600);
    }
    assert_eq!(g.call_str("recalled", &[]).unwrap(), "xy".repeat(300));
}

#[test]
fn a_million_allocating_calls_keep_memory_flat() {
    let mut g = Guest::new(&compile(METHODS));
    // Warm up over several collection cycles, so that the free lists hold
    // the blocks a call needs.
    for _ in 0..20_000 {
        g.call_int("len", &[s("some text that is copied in")]).unwrap();
    }
    let after_warm_up = g.memory_size();
    for n in 0..1_000_000 {
        let r = g.call_int("len", &[s("some text that is copied in")]).unwrap();
        if n % 100_000 == 0 {
            assert_eq!(r, 27);
        }
    }
    assert_eq!(g.memory_size(), after_warm_up, "memory grew over 10^6 calls");
}

#[test]
fn the_abi_section_describes_the_exports() {
    let wasm = compile(METHODS);
    let text = wasmparser::Parser::new(0)
        .parse_all(&wasm)
        .find_map(|p| match p {
            Ok(wasmparser::Payload::CustomSection(c)) if c.name() == "echelon:abi" => {
                Some(String::from_utf8(c.data().to_vec()).expect("UTF-8 section"))
            }
            _ => None,
        })
        .expect("an echelon:abi section");
    let sigs = echelon_shared::abi::parse_section(&text).expect("the section parses");
    let greet = sigs
        .iter()
        .find(|s| s.name == "greet")
        .expect("greet is described");
    assert_eq!(greet.to_string(), "greet(name: string) -> string");
    let describe = sigs.iter().find(|s| s.name == "describe").expect("describe");
    assert_eq!(
        describe.to_string(),
        "describe(n: i32, big: i64, u: i32, ok: bool) -> string"
    );
}

#[test]
fn host_imports_pass_strings_both_ways() {
    let src = r#"
        @external("echelon", "log") declare function log(level: i32, message: string): void;
        @external("echelon", "config_get") declare function config_get(key: string): string | null;
        @external("echelon", "now_ms") declare function now_ms(): i64;
        @external("echelon", "kv_get") declare function kv_get(key: string): string;
        export function run(key: string): string {
            log(1, `looking up ${key} at ${now_ms()}`);
            const v = config_get(key);
            if (!v) return "none";
            return v;
        }
    "#;
    let wasm = compile(src);
    // kv_get is declared but never called, so it is not imported.
    let module = wasmtime::Module::new(&wasmtime::Engine::default(), &wasm).expect("valid");
    let imports: Vec<String> = module.imports().map(|i| i.name().to_string()).collect();
    assert_eq!(imports, ["log", "config_get", "now_ms"]);
    let mut g = Guest::new(&wasm);
    assert_eq!(g.call_str("run", &[s("colour")]).unwrap(), "value-of-colour");
    assert_eq!(g.call_str("run", &[s("missing")]).unwrap(), "none");
    assert_eq!(
        g.store.data().lines,
        ["1:looking up colour at 1234", "1:looking up missing at 1234"]
    );
}

#[test]
fn numeric_programs_stay_without_memory() {
    let wasm = compile("export function f(x: i32): i32 { return x * 2; }");
    let has_memory = wasmparser::Parser::new(0)
        .parse_all(&wasm)
        .any(|p| matches!(p, Ok(wasmparser::Payload::MemorySection(_))));
    assert!(!has_memory);
}

#[tokio::test]
async fn the_server_runtime_calls_a_string_export_by_its_abi_section() {
    use echelon::runtime::{ExecOptions, RuntimeConfig, Value, WasmRuntime, WasmSource};
    let dir = tempfile::tempdir().expect("temp dir");
    let rt = WasmRuntime::new(RuntimeConfig::default().cache_dir(dir.path())).expect("runtime starts");
    rt.load_module_as("strings", WasmSource::bytes(compile(METHODS)))
        .await
        .expect("the module loads: its echelon:abi section matches its exports");
    let r = rt
        .execute::<Vec<Value>>(
            "strings",
            "greet",
            vec![Value::String("Échelon 😀".into())],
            ExecOptions::default(),
        )
        .await
        .expect("greet runs")
        .value;
    assert_eq!(r, vec![Value::String("Hello, Échelon 😀!".into())]);
    let n = rt
        .execute::<Vec<Value>>(
            "strings",
            "len",
            vec![Value::String("😀".into())],
            ExecOptions::default(),
        )
        .await
        .expect("len runs")
        .value;
    assert_eq!(n, vec![Value::I32(2)]);
}

#[test]
fn the_greeting_example_runs_before_and_after_binaryen() {
    use echelon::generator::{Generator, GeneratorOptions, OptimizationLevel};
    let src = include_str!("../../../examples/ts/greeting.ts");
    for level in [
        None,
        Some(OptimizationLevel::Speed),
        Some(OptimizationLevel::Size),
    ] {
        let options = match level {
            None => GeneratorOptions::default(),
            Some(l) => GeneratorOptions::optimized(l),
        };
        let r = Generator::new().generate_from_typescript(src, &options);
        assert!(r.success, "{:?}", r.errors);
        let wasm = r.wasm.expect("a module");
        let has_abi = wasmparser::Parser::new(0)
            .parse_all(&wasm)
            .any(|p| matches!(p, Ok(wasmparser::Payload::CustomSection(c)) if c.name() == "echelon:abi"));
        assert!(has_abi, "{level:?}: the echelon:abi section survives");
        let mut g = Guest::new(&wasm);
        assert_eq!(
            g.call_str("greet", &[s("Ada Lovelace")]).unwrap(),
            "Hello, ADA! \"Ada Lovelace\" has 12 UTF-16 units and 6 vowels."
        );
        assert_eq!(g.store.data().lines, ["1:greeting #1: Ada Lovelace"]);
    }
}

#[test]
fn arrays_of_strings_survive_collections_in_globals() {
    let src = r#"
        let names: string[] = [];
        export function add(name: string): i32 {
            names.push(name + "!");
            return names.length;
        }
        export function all(): string { return names.join(","); }
        export function churn(n: i32): i32 {
            let t: string[] = [];
            for (let i = 0; i < n; i++) { t.push(`item ${i}`); }
            return t.length;
        }
        export function words(s: string): i32 { return s.split(" ").length; }
    "#;
    let mut g = Guest::new(&compile(src));
    for n in 1..=200 {
        assert_eq!(g.call_int("add", &[s(&format!("n{n}"))]).unwrap(), n);
        assert_eq!(g.call_int("churn", &[i(500)]).unwrap(), 500);
    }
    let all = g.call_str("all", &[]).unwrap();
    let expected: Vec<String> = (1..=200).map(|n| format!("n{n}!")).collect();
    assert_eq!(all, expected.join(","));
    assert_eq!(g.call_int("words", &[s("a b  c")]).unwrap(), 4);
}

#[test]
fn out_of_range_indexes_trap() {
    let src = "export function f(i: i32): i32 { let a = [1, 2, 3]; return a[i]; }
               export function g(): i32 { let a: i32[] = []; return a.pop(); }";
    let mut g = Guest::new(&compile(src));
    assert_eq!(g.call_int("f", &[i(2)]).unwrap(), 3);
    assert!(g.call_int("f", &[i(3)]).unwrap_err().contains("trap"));
    assert!(g.call_int("f", &[i(-1)]).unwrap_err().contains("trap"));
    assert!(g.call_int("g", &[]).unwrap_err().contains("trap"));
}

#[test]
fn objects_and_their_references_survive_collections() {
    let src = r#"
        class Entry {
            key: string;
            hits: i32 = 0;
            next: Entry | null = null;
            constructor(key: string) { this.key = key; }
        }
        let head: Entry | null = null;
        export function touch(key: string): i32 {
            let e = head;
            while (e) {
                if (e.key == key) { e.hits += 1; return e.hits; }
                e = e.next;
            }
            let fresh = new Entry(key);
            fresh.hits = 1;
            fresh.next = head;
            head = fresh;
            return 1;
        }
        export function chain(n: i32): i32 {
            let h: Entry | null = null;
            for (let i = 0; i < n; i++) {
                let x = new Entry(`tmp ${i}`);
                x.next = h;
                h = x;
            }
            return n;
        }
    "#;
    let mut g = Guest::new(&compile(src));
    for round in 1..=50 {
        for k in 0..20 {
            assert_eq!(g.call_int("touch", &[s(&format!("key{k}"))]).unwrap(), round);
        }
        // Garbage: a long chain, so the collector runs and marks deep lists
        // without recursion.
        assert_eq!(g.call_int("chain", &[i(20_000)]).unwrap(), 20_000);
    }
}

#[test]
fn the_dts_comes_from_the_same_signatures() {
    let dts = echelon::generator::module_declaration(&compile(METHODS)).expect("a declaration");
    assert!(dts.contains("greet(name: string): string"), "{dts}");
    assert!(dts.contains("same(a: string, b: string): boolean"), "{dts}");
    assert!(dts.contains("len(s: string): number"), "{dts}");
}

#[test]
fn uint8array_crosses_the_boundary_as_bytes() {
    let src = r#"
        @external("echelon", "random_bytes") declare function random_bytes(buf: Uint8Array): void;
        export function reverse(b: Uint8Array): Uint8Array {
            let out = new Uint8Array(b.length);
            for (let i = 0; i < b.length; i++) { out[i] = b[b.length - 1 - i]; }
            return out;
        }
        export function sum(b: Uint8Array): i32 {
            let s = 0;
            for (let i = 0; i < b.length; i++) { s += b[i]; }
            return s;
        }
        export function noise(n: i32): i32 {
            let b = new Uint8Array(n);
            random_bytes(b);
            let s = 0;
            for (let i = 0; i < n; i++) { s += b[i]; }
            return s;
        }
    "#;
    let wasm = compile(src);
    let text = wasmparser::Parser::new(0)
        .parse_all(&wasm)
        .find_map(|p| match p {
            Ok(wasmparser::Payload::CustomSection(c)) if c.name() == "echelon:abi" => {
                Some(String::from_utf8(c.data().to_vec()).expect("UTF-8"))
            }
            _ => None,
        })
        .expect("an echelon:abi section");
    assert!(text.contains("reverse(b: bytes) -> bytes"), "{text}");
    let mut g = Guest::new(&wasm);
    // Bytes go in through the same (ptr, len) path as strings.
    assert_eq!(g.call_int("sum", &[s("\u{1}\u{2}\u{3}")]).unwrap(), 6);
    let r = g.call_raw("reverse", &[s("abc")]).unwrap();
    assert!(matches!(r.first(), Some(Val::I64(_))));
    assert_eq!(g.call_str("reverse", &[s("abc")]).unwrap(), "cba");
    // The host writes 7s into the array's own buffer.
    assert_eq!(g.call_int("noise", &[i(10)]).unwrap(), 70);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typescript_string_plugin_runs_over_http() {
    use echelon::http::{AppConfig, Application};
    use echelon::runtime::RuntimeConfig;
    use serde_json::{json, Value as Json};
    let data = tempfile::tempdir().expect("temp dir");
    let app = Application::new(AppConfig {
        data_dir: data.path().to_path_buf(),
        runtime: RuntimeConfig::default().cache_dir(data.path().join("cache")),
        ..AppConfig::default()
    })
    .await
    .expect("the application starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.serve_on(listener, async move {
        let _ = stopped.await;
    }));
    let url = |p: &str| format!("http://{addr}{p}");
    let c = reqwest::Client::new();
    let generated: Json = c
        .post(url("/api/generate"))
        .json(&json!({"type": "typescript", "code": METHODS, "options": {"optimize": true, "optimizationLevel": "speed"}}))
        .send()
        .await
        .expect("generate answers")
        .json()
        .await
        .expect("JSON");
    assert_eq!(generated["success"], true, "{generated}");
    use base64::Engine as _;
    let wasm = base64::engine::general_purpose::STANDARD
        .decode(generated["wasm"].as_str().expect("base64 wasm"))
        .expect("valid base64");
    let status = c
        .post(url("/api/modules?id=strings"))
        .body(wasm)
        .send()
        .await
        .expect("upload answers")
        .status();
    assert_eq!(status.as_u16(), 201);
    let called: Json = c
        .post(url("/api/modules/strings/call/greet"))
        .json(&json!({"args": ["HTTP 😀"]}))
        .send()
        .await
        .expect("call answers")
        .json()
        .await
        .expect("JSON");
    assert_eq!(called["value"], "Hello, HTTP 😀!", "{called}");
    let _ = stop.send(());
    let _ = server.await;
}
