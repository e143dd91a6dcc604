//! The `echelon` command line: a thin clap front end over the library, in
//! the style of the wasmtime CLI.
//!
//! Exit codes: 0 success; 1 the operation failed (trap, timeout, invalid
//! module, ...), with a one-line reason on stderr; 2 bad usage (clap); a WASI
//! program's own exit code when it calls `proc_exit`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Parser, Subcommand};
use echelon_shared::abi::AbiType;

use crate::runtime::{ExecOptions, ParamType, RuntimeConfig, ValKind, Value, WasmRuntime, WasmSource};
use crate::sandbox::SandboxConfig;
use crate::wasi::{Stdio, WasiCapabilities};
use crate::{Error, Result};

/// Echelon: WebAssembly on both sides of the wire.
#[derive(Debug, Parser)]
#[command(name = "echelon", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a module: call one export with --invoke, or run a WASI program's
    /// `_start` with the given directories, environment and arguments.
    Run(RunArgs),
    /// Check that a module is valid WebAssembly (exit 0) or say why not
    /// (exit 1, errors on stderr).
    Validate {
        /// The module (.wasm or .wat).
        module: PathBuf,
    },
    /// Compile TypeScript (the Echelon subset) or WebAssembly text to a module.
    Compile {
        /// Input: `.ts` or `.wat`.
        input: PathBuf,
        /// Output `.wasm`.
        #[arg(short, long)]
        output: PathBuf,
        /// Optimization level.
        #[arg(long = "opt", default_value = "none", value_parser = parse_level)]
        level: crate::generator::OptimizationLevel,
    },
    /// Optimize a module with Binaryen.
    Optimize {
        /// Input module.
        input: PathBuf,
        /// Output `.wasm`.
        #[arg(short, long)]
        output: PathBuf,
        /// Optimization level.
        #[arg(long, default_value = "speed", value_parser = parse_level)]
        level: crate::generator::OptimizationLevel,
    },
    /// Serve the HTTP API and the browser demos.
    Serve(ServeArgs),
    /// Build a Rust crate to WebAssembly: the server module (guest ABI), the
    /// browser bundle (wasm-bindgen + Binaryen) or both.
    Build(BuildArgs),
    /// Create a Rust crate that uses the authoring SDK (`echelon-guest`):
    /// `#[export]` functions for the server module and the browser bundle,
    /// a test and a README; `echelon build NAME` builds it.
    New(NewArgs),
    /// Show a module's imports, exports and memory, or print a .d.ts.
    Inspect {
        /// The module (.wasm or .wat).
        module: PathBuf,
        /// Print TypeScript declarations instead.
        #[arg(long)]
        dts: bool,
    },
}

/// Arguments of `echelon serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback unless told otherwise).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Where uploaded modules persist.
    #[arg(long = "data", default_value = "echelon-data")]
    pub data_dir: PathBuf,
    /// Directory of the built browser demos, served at `/`.
    #[arg(long = "www")]
    pub www_dir: Option<PathBuf>,
    /// A browser bundle from `echelon build`, served at `/pkg/` (the demo
    /// page imports `/pkg/echelon_browser.js` when trunk did not build it).
    #[arg(long = "pkg")]
    pub pkg_dir: Option<PathBuf>,
    /// Bearer token required by mutating `/api` endpoints.
    #[arg(long, env = "ECHELON_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// With --token, reads need the token too (`GET /api/...`, `/metrics`).
    #[arg(long, requires = "token")]
    pub token_protects_reads: bool,
    /// The shared guest module, for `/users` and `/upload`.
    #[arg(long)]
    pub guest: Option<PathBuf>,
    /// The module whose `transform` handles `/stream`.
    #[arg(long)]
    pub stream_module: Option<PathBuf>,
    /// Largest module upload in bytes.
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    pub upload_limit: usize,
    /// Calls that may wait for a slot before new ones get 503.
    #[arg(long, default_value_t = 1000)]
    pub queue_bound: u64,
    /// The longest any call may run, in milliseconds, whatever a request,
    /// a manifest or a sandbox asks for.
    #[arg(long, value_name = "MS", default_value_t = 30_000)]
    pub max_timeout: u64,
    /// On SIGINT/SIGTERM, how long requests and calls in flight may finish
    /// before their calls are interrupted, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub shutdown_grace: u64,
}

/// Arguments of `echelon build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The crate's directory (holding Cargo.toml).
    pub crate_dir: PathBuf,
    /// What to build: `server` (the module the runtime loads), `browser`
    /// (JS + wasm + .d.ts through wasm-bindgen) or `both`.
    #[arg(long, default_value = "both", value_parser = parse_rust_target)]
    pub target: crate::generator::RustTarget,
    /// Build with cargo's release profile.
    #[arg(long)]
    pub release: bool,
    /// Build with this cargo profile instead (e.g. `wasm-release`).
    #[arg(long, conflicts_with = "release")]
    pub profile: Option<String>,
    /// Where the artifacts go.
    #[arg(long, default_value = "pkg")]
    pub out: PathBuf,
    /// cargo's --target-dir.
    #[arg(long)]
    pub target_dir: Option<PathBuf>,
    /// Extra cargo features (comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub features: Vec<String>,
    /// wasm-bindgen's JavaScript flavour: web, bundler, nodejs or deno.
    #[arg(long, default_value = "web", value_parser = parse_bindgen_target)]
    pub js: crate::generator::BindgenTarget,
    /// Skip Binaryen (by default `-O3 -s1`).
    #[arg(long)]
    pub no_opt: bool,
    /// Print each compiled crate, not only the steps.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Arguments of `echelon new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The crate's directory; its last component is the crate's name.
    pub path: PathBuf,
    /// `shared` (logic for the server and the browser) or `plugin` (a
    /// server plugin using host functions, with a manifest).
    #[arg(long, default_value = "shared", value_parser = parse_template)]
    pub template: crate::generator::scaffold::Template,
    /// Depend on the SDK at this path (the `sdk` directory of an Echelon
    /// checkout). Default: the SDK this binary was built from, when it is
    /// still there, else `echelon-guest` of this version from the registry.
    #[arg(long)]
    pub sdk_path: Option<PathBuf>,
}

/// Arguments of `echelon run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The module (.wasm, .wat or .ts).
    pub module: PathBuf,
    /// Export to call; its result values are printed one per line.
    #[arg(long, value_name = "FUNC")]
    pub invoke: Option<String>,
    /// Grant a directory: HOST, or HOST::GUEST (read-write).
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    pub dirs: Vec<String>,
    /// Pass an environment variable to the guest.
    #[arg(long = "env", value_name = "NAME=VAL")]
    pub envs: Vec<String>,
    /// Time limit in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 5000)]
    pub timeout: u64,
    /// Instruction budget (fuel).
    #[arg(long, value_name = "N")]
    pub fuel: Option<u64>,
    /// Linear memory limit in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 256 * 1024 * 1024)]
    pub max_memory: u64,
    /// Refuse the wall clock and randomness to a WASI program (granted by
    /// default, as `wasmtime run` does: Rust's `SystemTime::now()` and
    /// `HashMap` need them).
    #[arg(long)]
    pub deny_time_and_random: bool,
    /// Accepted for older scripts: the clock and randomness are granted by
    /// default now.
    #[arg(long, hide = true, conflicts_with = "deny_time_and_random")]
    pub allow_time_and_random: bool,
    /// Run the module as a plugin under this manifest (JSON: capabilities,
    /// allowed_hosts, config, limits, wasi) instead of granting every
    /// capability. Its log lines go to stderr.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Arguments: for --invoke, the function's arguments (numbers, text for
    /// strings, JSON for json, base64 or @FILE for bytes); otherwise the
    /// WASI program's arguments.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

/// Runs a parsed command line; returns the process exit code.
pub async fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Run(args) => run_module(args).await,
        Command::Validate { module } => validate(&module),
        Command::Inspect { module, dts } => inspect(&module, dts).await,
        Command::Serve(args) => serve(args).await,
        Command::Build(args) => build(args),
        Command::New(args) => new_crate(args),
        Command::Compile { input, output, level } => {
            let wasm = compile_source(&input, level)?;
            write_output(&output, &wasm)?;
            println!(
                "{} -> {} ({} bytes)",
                input.display(),
                output.display(),
                wasm.len()
            );
            Ok(0)
        }
        Command::Optimize { input, output, level } => {
            let bytes = read_module(&input)?;
            let optimized =
                crate::generator::optimize(&bytes, level).map_err(|e| Error::Source(e.to_string()))?;
            write_output(&output, &optimized.wasm)?;
            println!(
                "{} -> {}: {} -> {} bytes",
                input.display(),
                output.display(),
                optimized.stats.size_before,
                optimized.stats.size_after
            );
            Ok(0)
        }
    }
}

fn parse_template(s: &str) -> std::result::Result<crate::generator::scaffold::Template, String> {
    crate::generator::scaffold::Template::parse(s).ok_or_else(|| format!("`{s}`: expected shared or plugin"))
}

/// `echelon new`: writes the crate, lists its files, says what to run next.
fn new_crate(args: NewArgs) -> Result<i32> {
    use crate::generator::scaffold::{self, NewCrate, SdkSource};
    let mut options = NewCrate::new(&args.path).template(args.template);
    if let Some(p) = args.sdk_path {
        options = options.sdk(SdkSource::Path(p));
    }
    let files = scaffold::new_crate(&options)?;
    for f in &files {
        println!("{}", f.display());
    }
    eprintln!(
        "  created {}; next: `cargo test --manifest-path {}/Cargo.toml` and `echelon build {}`",
        args.path.display(),
        args.path.display(),
        args.path.display()
    );
    Ok(0)
}

fn parse_rust_target(s: &str) -> std::result::Result<crate::generator::RustTarget, String> {
    crate::generator::RustTarget::parse(s).ok_or_else(|| format!("`{s}`: expected server, browser or both"))
}

fn parse_bindgen_target(s: &str) -> std::result::Result<crate::generator::BindgenTarget, String> {
    use crate::generator::BindgenTarget;
    Ok(match s {
        "web" => BindgenTarget::Web,
        "bundler" => BindgenTarget::Bundler,
        "nodejs" => BindgenTarget::Nodejs,
        "deno" => BindgenTarget::Deno,
        _ => return Err(format!("`{s}`: expected web, bundler, nodejs or deno")),
    })
}

/// `echelon build`: progress on stderr, artifacts and sizes on stdout,
/// compiler errors as `file:line:column: error[code]: message` plus rustc's
/// rendering.
fn build(args: BuildArgs) -> Result<i32> {
    use crate::generator::{BuildProgress, RustBuildConfig, WasmBindgenOptions, WasmOptOptions};
    let config = RustBuildConfig {
        release: args.release,
        profile: args.profile,
        target: args.target,
        features: args.features,
        wasm_bindgen_options: WasmBindgenOptions {
            target: args.js,
            ..WasmBindgenOptions::default()
        },
        wasm_opt: (!args.no_opt).then(WasmOptOptions::default),
        target_dir: args.target_dir,
        ..RustBuildConfig::new(&args.crate_dir, &args.out)
    };
    let verbose = args.verbose;
    // Every step; every compiled crate with -v, else every 25th, so that a
    // cold build (hundreds of crates) still shows it is moving.
    let mut progress = |p: &BuildProgress| match p {
        BuildProgress::Compiled { count, .. } if !verbose && count % 25 != 0 => {}
        _ => eprintln!("  {p}"),
    };
    let result = crate::generator::compile_rust_with_progress(&config, &mut progress)?;
    for d in &result.diagnostics {
        if d.level == "error" {
            eprintln!("{}", d.rendered.trim_end());
        }
    }
    if !result.success {
        let errors: Vec<_> = result.errors().collect();
        let first = errors
            .first()
            .map(|d| d.to_string())
            .unwrap_or_else(|| "the build failed".into());
        return Err(crate::generator::GeneratorError::Build(match errors.len() {
            0 | 1 => first,
            n => format!("{first} (and {} more error(s))", n - 1),
        })
        .into());
    }
    let warnings = result.diagnostics.iter().filter(|d| d.level == "warning").count();
    for path in [
        &result.server_module,
        &result.server_dts_path,
        &result.browser_wasm,
        &result.js_path,
        &result.dts_path,
    ]
    .into_iter()
    .flatten()
    {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        println!("{} ({size} bytes)", path.display());
    }
    eprintln!(
        "  built in {:.1}s{}",
        result.duration.as_secs_f64(),
        if warnings > 0 {
            format!(", {warnings} warning(s)")
        } else {
            String::new()
        }
    );
    Ok(0)
}

fn parse_level(s: &str) -> std::result::Result<crate::generator::OptimizationLevel, String> {
    crate::generator::OptimizationLevel::parse(s)
        .ok_or_else(|| format!("`{s}`: expected none, size, speed or aggressive"))
}

/// Compiles `.ts` or `.wat` source to module bytes; errors name file:line:column.
fn compile_source(path: &Path, level: crate::generator::OptimizationLevel) -> Result<Vec<u8>> {
    use crate::generator::{GeneratorOptions, GeneratorSource};
    let code = std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let source = match path.extension().and_then(|e| e.to_str()) {
        Some("ts") => GeneratorSource::typescript(code),
        Some("wat") => GeneratorSource::wat(code),
        _ => {
            return Err(Error::Source(format!(
                "{}: expected a .ts or .wat file",
                path.display()
            )))
        }
    }
    .with_options(GeneratorOptions::optimized(level));
    let result = crate::Generator::new().generate(&source);
    match (result.success, result.wasm) {
        (true, Some(wasm)) => Ok(wasm),
        _ => {
            let first = result
                .errors
                .first()
                .map(|d| format!("{}:{}:{}: {}", path.display(), d.line, d.column, d.message))
                .unwrap_or_else(|| format!("{}: compilation failed", path.display()));
            let more = result.errors.len().saturating_sub(1);
            Err(Error::Source(if more > 0 {
                format!("{first} (and {more} more error(s))")
            } else {
                first
            }))
        }
    }
}

fn write_output(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })
}

async fn serve(args: ServeArgs) -> Result<i32> {
    let config = crate::http::AppConfig {
        data_dir: args.data_dir,
        www_dir: args.www_dir,
        pkg_dir: args.pkg_dir,
        token: args.token,
        token_protects_reads: args.token_protects_reads,
        upload_limit: args.upload_limit,
        queue_bound: args.queue_bound,
        shared_guest: args.guest,
        stream_module: args.stream_module,
        runtime: RuntimeConfig::default().max_timeout(Duration::from_millis(args.max_timeout.max(1))),
        manifest_policy: crate::manifest::ManifestPolicy {
            max_timeout: Duration::from_millis(args.max_timeout.max(1)),
            ..Default::default()
        },
        shutdown_grace: Duration::from_millis(args.shutdown_grace),
        ..crate::http::AppConfig::default()
    };
    let app = crate::http::Application::new(config).await?;
    println!("echelon serving on http://{}", args.addr);
    app.serve(args.addr).await?;
    Ok(0)
}

fn read_module(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    if path.extension().is_some_and(|e| e == "wat") || bytes.first() == Some(&b'(') {
        return wat::parse_bytes(&bytes)
            .map(|b| b.into_owned())
            .map_err(|e| Error::Validation {
                kind: crate::ValidationKind::MalformedSection,
                message: format!("{}: {e}", path.display()),
                offset: None,
            });
    }
    Ok(bytes)
}

fn validate(path: &Path) -> Result<i32> {
    let bytes = read_module(path)?;
    crate::runtime::validate(&bytes, crate::runtime::engine_features())?;
    println!("{}: valid ({} bytes)", path.display(), bytes.len());
    Ok(0)
}

fn runtime(max_memory: u64, timeout: Duration) -> Result<WasmRuntime> {
    WasmRuntime::new(
        RuntimeConfig::default()
            .module_memory_limit(max_memory)
            .global_memory_limit(max_memory.max(256 * 1024 * 1024))
            .default_timeout(timeout)
            .max_timeout(timeout),
    )
}

async fn inspect(path: &Path, dts: bool) -> Result<i32> {
    let rt = runtime(256 * 1024 * 1024, Duration::from_secs(5))?;
    let info = rt
        .load_module_as("module", WasmSource::bytes(read_module(path)?))
        .await?;
    if dts {
        print!(
            "{}",
            rt.loader()
                .generate_module_declaration(&path.display().to_string(), "module")?
        );
        return Ok(0);
    }
    println!(
        "module {} ({} bytes, sha256 {})",
        path.display(),
        info.size,
        info.sha256
    );
    if let Some(m) = info.memory {
        println!(
            "memory: {} page(s){}{}{}",
            m.minimum_pages,
            m.maximum_pages.map(|x| format!(", max {x}")).unwrap_or_default(),
            if m.shared { ", shared" } else { "" },
            if m.imported { ", imported" } else { "" }
        );
    }
    println!("imports:");
    for i in &info.imports {
        println!("  {} {}.{} {}", i.kind, i.module, i.name, i.signature);
    }
    println!("exports:");
    for e in &info.exports {
        println!("  {} {}", e.kind, e.signature);
    }
    Ok(0)
}

/// Converts one command-line argument to the value a parameter expects.
pub fn parse_arg(text: &str, ty: ParamType) -> std::result::Result<Value, String> {
    let json = |t: &str| {
        serde_json::from_str::<serde_json::Value>(t).map_err(|e| format!("`{t}` is not valid: {e}"))
    };
    match ty {
        ParamType::Abi(AbiType::String) => Ok(Value::String(text.to_string())),
        ParamType::Abi(AbiType::Json) => Ok(Value::Json(json(text)?)),
        ParamType::Abi(AbiType::Bytes) => match text.strip_prefix('@') {
            Some(file) => std::fs::read(file)
                .map(Value::Bytes)
                .map_err(|e| format!("cannot read {file}: {e}")),
            None => Value::from_json(&serde_json::Value::String(text.to_string()), ty),
        },
        ParamType::Core(ValKind::I64) | ParamType::Abi(AbiType::I64) => {
            Value::from_json(&serde_json::Value::String(text.to_string()), ty)
        }
        ParamType::Core(ValKind::FuncRef) if text != "null" => Ok(Value::FuncRef(Some(text.to_string()))),
        _ => Value::from_json(&json(text)?, ty),
    }
}

/// Formats a result value for stdout.
pub fn format_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::V128(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
        other => match other.to_json() {
            serde_json::Value::String(s) => s,
            j => j.to_string(),
        },
    }
}

async fn run_module(args: RunArgs) -> Result<i32> {
    let timeout = Duration::from_millis(args.timeout);
    let rt = runtime(args.max_memory, timeout)?;
    let name = args
        .module
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "module".into());
    let bytes = if args.module.extension().is_some_and(|e| e == "ts") {
        compile_source(&args.module, crate::generator::OptimizationLevel::None)?
    } else {
        read_module(&args.module)?
    };
    rt.load_module_as(&name, WasmSource::bytes(bytes)).await?;
    let mut options = ExecOptions::timeout(timeout);
    options.fuel = args.fuel;

    let mut wasi = WasiCapabilities::default()
        .stdio(Stdio::Inherit)
        .allow_clock_get(!args.deny_time_and_random)
        .allow_random(!args.deny_time_and_random)
        .allow_exit(true);
    for d in &args.dirs {
        let (host, guest) = d.split_once("::").unwrap_or((d.as_str(), d.as_str()));
        wasi = wasi.preopen(guest, host).allow_read(true).allow_write(true);
    }
    for e in &args.envs {
        let (k, v) = e
            .split_once('=')
            .ok_or_else(|| Error::Source(format!("--env {e}: expected NAME=VALUE")))?;
        wasi = wasi.env(k, v);
    }
    let invoke = args.invoke.clone();
    if invoke.is_none() {
        wasi = wasi.arg(args.module.display().to_string());
        for a in &args.args {
            wasi = wasi.arg(a);
        }
    }
    let mut sandbox = SandboxConfig::default().memory_limit(args.max_memory).wasi(wasi);
    sandbox.cpu_limit.max_call_depth = None;
    sandbox.cpu_limit.max_instructions = None;
    sandbox.max_functions = None;
    sandbox.time_limit = Some(timeout);
    match &args.manifest {
        Some(path) => {
            let text = std::fs::read(path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            let manifest = crate::manifest::PluginManifest::from_json(&text)?;
            manifest.validate(&crate::manifest::ManifestPolicy::default())?;
            sandbox = manifest.sandbox_config(&sandbox);
        }
        None => sandbox.capabilities.extend(crate::sandbox::Capability::ALL),
    }
    let sb = rt.create_sandbox(sandbox)?;
    options.sandbox_id = Some(sb.id);

    let Some(func) = invoke else {
        let r = rt.execute_report::<()>(&name, "_start", vec![], options).await;
        return match (r.exit_code, r.error) {
            (Some(code), _) => Ok(code),
            (None, Some(e)) => Err(e),
            (None, None) => Ok(0),
        };
    };
    let (params, _) = rt.function_signature(&name, &func)?;
    if params.len() != args.args.len() {
        return Err(Error::Type {
            function: func,
            message: format!(
                "expected {} argument(s) ({}), got {}",
                params.len(),
                params.iter().map(|p| p.name()).collect::<Vec<_>>().join(", "),
                args.args.len()
            ),
        });
    }
    let values = args
        .args
        .iter()
        .zip(&params)
        .enumerate()
        .map(|(i, (text, ty))| {
            parse_arg(text, *ty).map_err(|m| Error::Type {
                function: func.clone(),
                message: format!("argument {i}: {m}"),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let r = rt
        .execute_report::<Vec<Value>>(&name, &func, values, options)
        .await;
    for line in &r.logs {
        eprintln!(
            "[{}] {}",
            serde_json::to_value(line.level)
                .unwrap_or_default()
                .as_str()
                .unwrap_or("log"),
            line.message
        );
    }
    let values = r.into_result()?;
    for v in &values {
        println!("{}", format_value(v));
    }
    Ok(0)
}
