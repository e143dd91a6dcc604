//! Rust crates to WebAssembly: cargo for `wasm32-unknown-unknown`, then
//! wasm-bindgen (as a library, `wasm-bindgen-cli-support`) for the browser
//! bundle and Binaryen for size and speed.
//!
//! One call can produce both halves of a shared crate: the **server module**
//! (the guest ABI of `echelon-shared`, loaded by the runtime) and the
//! **browser bundle** (JS + wasm + `.d.ts`). A crate names its browser
//! companion and its guest features in its manifest:
//!
//! ```toml
//! [package.metadata.echelon]
//! browser = "../browser"        # the wasm-bindgen crate wrapping this one
//! guest-features = ["guest"]    # features that turn on the guest ABI
//! ```
//!
//! Without that table, the crate itself is built for both. A crate that
//! depends on the authoring SDK (`echelon-guest`, `#[echelon_guest::export]`)
//! needs no table at all: the server half is built with the SDK's `guest`
//! feature and the browser half with its `browser` feature
//! (`--features echelon-guest/guest`, `.../browser`), and the server module
//! gets a `.server.d.ts` beside it, from its `echelon:abi` section.
//!
//! Compiler errors come back as [`RustDiagnostic`]s parsed from cargo's JSON
//! messages; progress is reported through a callback
//! ([`compile_rust_with_progress`]).
//!
//! ```no_run
//! use echelon::generator::{Generator, RustBuildConfig, RustTarget};
//!
//! let result = Generator::new()
//!     .compile_rust(&RustBuildConfig::new("shared", "target/bundle").target(RustTarget::Both).release(true))
//!     .expect("cargo and the project were found");
//! for d in &result.diagnostics {
//!     eprintln!("{d}");
//! }
//! assert!(result.success);
//! ```

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::error::GeneratorError;
use super::optimize::optimize_levels;

/// The wasm target every build uses.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The authoring SDK's package name: a crate depending on it is built
/// with its `guest` / `browser` features, no manifest table needed.
pub const SDK_PACKAGE: &str = "echelon-guest";

/// Which half of a shared crate to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RustTarget {
    /// The module the server runtime loads (guest features on).
    #[default]
    Server,
    /// The wasm-bindgen bundle for pages (JS + wasm + `.d.ts`).
    Browser,
    /// Both, from one call.
    Both,
}

impl RustTarget {
    /// Parses `server`, `browser` or `both`.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "server" => Self::Server,
            "browser" => Self::Browser,
            "both" => Self::Both,
            _ => return None,
        })
    }

    fn server(self) -> bool {
        matches!(self, Self::Server | Self::Both)
    }

    fn browser(self) -> bool {
        matches!(self, Self::Browser | Self::Both)
    }
}

/// The JavaScript flavour wasm-bindgen writes (its `--target`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BindgenTarget {
    /// An ES module with an `init` default export (`<script type="module">`).
    #[default]
    Web,
    /// For bundlers (webpack, vite).
    Bundler,
    /// CommonJS for Node.js.
    Nodejs,
    /// An ES module for Deno.
    Deno,
}

/// Options of the wasm-bindgen step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WasmBindgenOptions {
    /// JavaScript flavour.
    pub target: BindgenTarget,
    /// Where the bundle goes (default: the build's `output`).
    pub out_dir: Option<PathBuf>,
    /// Base name of the files (default: the crate's library name).
    pub out_name: Option<String>,
    /// Write `.d.ts` declarations.
    pub typescript: bool,
}

impl Default for WasmBindgenOptions {
    fn default() -> Self {
        Self {
            target: BindgenTarget::Web,
            out_dir: None,
            out_name: None,
            typescript: true,
        }
    }
}

/// Binaryen settings, as `wasm-opt -O<level> -s<shrink>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WasmOptOptions {
    /// 0..=4.
    pub level: u8,
    /// 0..=2 (`-Os` is level 2 shrink 1, `-Oz` level 2 shrink 2).
    pub shrink: u8,
}

impl Default for WasmOptOptions {
    /// `-O3 -s1`: fast code without growing the bundle.
    fn default() -> Self {
        Self { level: 3, shrink: 1 }
    }
}

/// What [`compile_rust`] builds and how (the spec's `RustBuildConfig`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RustBuildConfig {
    /// The crate directory (the one holding `Cargo.toml`).
    pub project_path: PathBuf,
    /// Where the artifacts go; created if missing.
    pub output: PathBuf,
    /// Build with `--release` (ignored when `profile` is set).
    pub release: bool,
    /// A named cargo profile instead (`--profile NAME`), e.g. `wasm-release`.
    pub profile: Option<String>,
    /// Server module, browser bundle or both.
    pub target: RustTarget,
    /// Extra cargo features for the crate at `project_path`.
    pub features: Vec<String>,
    /// Run wasm-bindgen for the browser half (off: the raw cdylib is copied).
    pub wasm_bindgen: bool,
    /// wasm-bindgen settings.
    pub wasm_bindgen_options: WasmBindgenOptions,
    /// Binaryen settings; `None` leaves the modules as rustc wrote them.
    pub wasm_opt: Option<WasmOptOptions>,
    /// cargo's `--target-dir` (default: the project's own).
    pub target_dir: Option<PathBuf>,
}

impl RustBuildConfig {
    /// A debug build of the server module of `project_path` into `output`,
    /// with wasm-bindgen (web, with TypeScript) for browser builds and
    /// Binaryen `-O3 -s1`.
    pub fn new(project_path: impl Into<PathBuf>, output: impl Into<PathBuf>) -> Self {
        Self {
            project_path: project_path.into(),
            output: output.into(),
            release: false,
            profile: None,
            target: RustTarget::Server,
            features: Vec::new(),
            wasm_bindgen: true,
            wasm_bindgen_options: WasmBindgenOptions::default(),
            wasm_opt: Some(WasmOptOptions::default()),
            target_dir: None,
        }
    }

    /// Sets [`Self::target`].
    pub fn target(mut self, target: RustTarget) -> Self {
        self.target = target;
        self
    }

    /// Sets [`Self::release`].
    pub fn release(mut self, release: bool) -> Self {
        self.release = release;
        self
    }

    /// Sets [`Self::profile`].
    pub fn profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }

    /// Sets [`Self::target_dir`].
    pub fn target_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.target_dir = Some(dir.into());
        self
    }

    /// Sets [`Self::wasm_opt`].
    pub fn wasm_opt(mut self, options: Option<WasmOptOptions>) -> Self {
        self.wasm_opt = options;
        self
    }

    /// Adds a cargo feature.
    pub fn feature(mut self, feature: impl Into<String>) -> Self {
        self.features.push(feature.into());
        self
    }
}

/// One compiler message from cargo's JSON output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RustDiagnostic {
    /// `error` or `warning` (rustc's level).
    pub level: String,
    /// The message's first line, e.g. "mismatched types".
    pub message: String,
    /// The error code, e.g. `E0308`.
    pub code: Option<String>,
    /// The file of the primary span.
    pub file: Option<PathBuf>,
    /// 1-based line of the primary span (0 when there is none).
    pub line: u32,
    /// 1-based column of the primary span (0 when there is none).
    pub column: u32,
    /// rustc's full rendering (with the source excerpt), without colour.
    pub rendered: String,
}

impl fmt::Display for RustDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}:{}:{}: ", file.display(), self.line, self.column)?;
        }
        write!(f, "{}", self.level)?;
        if let Some(code) = &self.code {
            write!(f, "[{code}]")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A step of a build, for progress output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildProgress {
    /// cargo starts building `package` for a half of the build.
    Cargo {
        /// The package being built.
        package: String,
        /// `server` or `browser`.
        half: &'static str,
    },
    /// cargo finished one crate (dependencies included).
    Compiled {
        /// The crate's name.
        name: String,
        /// Crates finished so far in this cargo run.
        count: usize,
    },
    /// A post-processing step: `wasm-bindgen`, `wasm-opt`, ...
    Step(String),
}

impl fmt::Display for BuildProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cargo { package, half } => write!(f, "building {package} ({half})"),
            Self::Compiled { name, count } => write!(f, "compiled {name} ({count} crates)"),
            Self::Step(s) => f.write_str(s),
        }
    }
}

/// What a build produced (the spec's `RustBuildResult`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RustBuildResult {
    /// Every cargo run succeeded and every artifact was written.
    pub success: bool,
    /// The main artifact: the server module, or for a browser-only build the
    /// bundle's wasm file.
    pub output_path: Option<PathBuf>,
    /// Size in bytes of `output_path`.
    pub size: u64,
    /// The bundle's JavaScript glue.
    pub js_path: Option<PathBuf>,
    /// The bundle's TypeScript declarations.
    pub dts_path: Option<PathBuf>,
    /// The server module's TypeScript declarations (`NAME.server.d.ts`,
    /// from its `echelon:abi` section), when it was built with
    /// `typescript` on.
    pub server_dts_path: Option<PathBuf>,
    /// The server module (guest ABI), when built.
    pub server_module: Option<PathBuf>,
    /// The bundle's wasm file, when built.
    pub browser_wasm: Option<PathBuf>,
    /// Errors and warnings from rustc, in the order cargo reported them.
    pub diagnostics: Vec<RustDiagnostic>,
    /// Wall time of the whole build.
    pub duration: Duration,
}

impl RustBuildResult {
    /// The error diagnostics only.
    pub fn errors(&self) -> impl Iterator<Item = &RustDiagnostic> {
        self.diagnostics.iter().filter(|d| d.level == "error")
    }
}

/// Builds a crate as [`RustBuildConfig`] says. See the [module](self) docs.
///
/// # Errors
/// [`GeneratorError::Build`] when the build cannot run at all (no
/// `Cargo.toml`, cargo missing, wasm-bindgen failing on the output, no
/// `cdylib` produced). Compiler errors are not `Err`: they come back in
/// [`RustBuildResult::diagnostics`] with `success: false`.
pub fn compile_rust(config: &RustBuildConfig) -> Result<RustBuildResult, GeneratorError> {
    compile_rust_with_progress(config, &mut |_| {})
}

/// [`compile_rust`], calling `progress` as the build goes.
///
/// # Errors
/// As [`compile_rust`].
pub fn compile_rust_with_progress(
    config: &RustBuildConfig,
    progress: &mut dyn FnMut(&BuildProgress),
) -> Result<RustBuildResult, GeneratorError> {
    let started = Instant::now();
    let manifest = config.project_path.join("Cargo.toml");
    if !manifest.is_file() {
        return Err(GeneratorError::Build(format!(
            "no Cargo.toml in {}; pass the directory of a Rust crate",
            config.project_path.display()
        )));
    }
    let project = CrateInfo::read(&manifest)?;
    std::fs::create_dir_all(&config.output).map_err(|e| {
        GeneratorError::Build(format!(
            "cannot create the output directory {}: {e}",
            config.output.display()
        ))
    })?;
    let mut result = RustBuildResult::default();

    if config.target.server() {
        let mut features = config.features.clone();
        features.extend(project.guest_features.iter().cloned());
        if project.guest_features.is_empty() {
            if let Some(sdk) = &project.sdk_dependency {
                features.push(format!("{sdk}/guest"));
            }
        }
        progress(&BuildProgress::Cargo {
            package: project.package.clone(),
            half: "server",
        });
        let run = cargo_build(config, &project, &features, progress)?;
        result.diagnostics.extend(run.diagnostics);
        let Some(wasm) = run.wasm.filter(|_| run.success) else {
            return Ok(finish(result, started));
        };
        let bytes = read(&wasm)?;
        let bytes = maybe_optimize(config, bytes, progress)?;
        let path = config.output.join(format!("{}.wasm", project.lib_name));
        write(&path, &bytes)?;
        if config.wasm_bindgen_options.typescript {
            progress(&BuildProgress::Step("server .d.ts from echelon:abi".into()));
            let dts = config.output.join(format!("{}.server.d.ts", project.lib_name));
            write(&dts, super::dts::module_declaration(&bytes)?.as_bytes())?;
            result.server_dts_path = Some(dts);
        }
        result.server_module = Some(path);
    }

    if config.target.browser() {
        let (browser, features) = match &project.browser {
            Some(dir) => (CrateInfo::read(&dir.join("Cargo.toml"))?, Vec::new()),
            None => {
                let mut features = config.features.clone();
                if let Some(sdk) = &project.sdk_dependency {
                    features.push(format!("{sdk}/browser"));
                }
                (project.clone(), features)
            }
        };
        progress(&BuildProgress::Cargo {
            package: browser.package.clone(),
            half: "browser",
        });
        let run = cargo_build(config, &browser, &features, progress)?;
        result.diagnostics.extend(run.diagnostics);
        let Some(wasm) = run.wasm.filter(|_| run.success) else {
            return Ok(finish(result, started));
        };
        let options = &config.wasm_bindgen_options;
        let out_dir = options.out_dir.clone().unwrap_or_else(|| config.output.clone());
        let out_name = options
            .out_name
            .clone()
            .unwrap_or_else(|| browser.lib_name.clone());
        std::fs::create_dir_all(&out_dir)
            .map_err(|e| GeneratorError::Build(format!("cannot create {}: {e}", out_dir.display())))?;
        if config.wasm_bindgen {
            progress(&BuildProgress::Step(format!(
                "wasm-bindgen ({:?})",
                options.target
            )));
            bindgen(&wasm, &out_dir, &out_name, options)?;
            let bundle_wasm = out_dir.join(format!("{out_name}_bg.wasm"));
            let bytes = maybe_optimize(config, read(&bundle_wasm)?, progress)?;
            write(&bundle_wasm, &bytes)?;
            let js = out_dir.join(format!("{out_name}.js"));
            result.js_path = js.is_file().then_some(js);
            let dts = out_dir.join(format!("{out_name}.d.ts"));
            result.dts_path = (options.typescript && dts.is_file()).then_some(dts);
            result.browser_wasm = Some(bundle_wasm);
        } else {
            let bytes = maybe_optimize(config, read(&wasm)?, progress)?;
            let path = out_dir.join(format!("{out_name}.wasm"));
            write(&path, &bytes)?;
            result.browser_wasm = Some(path);
        }
    }

    result.success = true;
    result.output_path = result
        .server_module
        .clone()
        .or_else(|| result.browser_wasm.clone());
    if let Some(path) = &result.output_path {
        result.size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    }
    Ok(finish(result, started))
}

fn finish(mut result: RustBuildResult, started: Instant) -> RustBuildResult {
    result.duration = started.elapsed();
    result
}

fn read(path: &Path) -> Result<Vec<u8>, GeneratorError> {
    std::fs::read(path).map_err(|e| GeneratorError::Build(format!("cannot read {}: {e}", path.display())))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), GeneratorError> {
    std::fs::write(path, bytes)
        .map_err(|e| GeneratorError::Build(format!("cannot write {}: {e}", path.display())))
}

fn maybe_optimize(
    config: &RustBuildConfig,
    bytes: Vec<u8>,
    progress: &mut dyn FnMut(&BuildProgress),
) -> Result<Vec<u8>, GeneratorError> {
    let Some(opt) = config.wasm_opt else {
        return Ok(bytes);
    };
    progress(&BuildProgress::Step(format!(
        "wasm-opt -O{} -s{}",
        opt.level, opt.shrink
    )));
    Ok(optimize_levels(&bytes, opt.level, opt.shrink)?.wasm)
}

fn bindgen(
    wasm: &Path,
    out_dir: &Path,
    out_name: &str,
    options: &WasmBindgenOptions,
) -> Result<(), GeneratorError> {
    let fail = |e: anyhow::Error| GeneratorError::Build(format!("wasm-bindgen on {}: {e:#}", wasm.display()));
    let mut b = wasm_bindgen_cli_support::Bindgen::new();
    // As the CLI does: the JS finds its `_bg.wasm` next to itself when `init()`
    // is called without a path (the library default omits that).
    b.input_path(wasm)
        .out_name(out_name)
        .typescript(options.typescript)
        .omit_default_module_path(false);
    match options.target {
        BindgenTarget::Web => b.web(true),
        BindgenTarget::Bundler => b.bundler(true),
        BindgenTarget::Nodejs => b.nodejs(true),
        BindgenTarget::Deno => b.deno(true),
    }
    .map_err(fail)?;
    b.generate(out_dir).map_err(fail)
}

/// What cargo metadata says about a crate.
#[derive(Debug, Clone)]
struct CrateInfo {
    manifest: PathBuf,
    package: String,
    /// The cdylib target's name, as cargo reports it in its messages.
    lib_target: String,
    /// The same with underscores, which names the `.wasm`.
    lib_name: String,
    browser: Option<PathBuf>,
    guest_features: Vec<String>,
    /// How the crate names its `echelon-guest` dependency (the key in its
    /// `[dependencies]`, which `--features KEY/guest` uses), if it has one.
    sdk_dependency: Option<String>,
}

impl CrateInfo {
    fn read(manifest: &Path) -> Result<Self, GeneratorError> {
        let out = cargo_command()
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--manifest-path",
            ])
            .arg(manifest)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| GeneratorError::Build(format!("cannot run cargo (is it on PATH?): {e}")))?;
        if !out.status.success() {
            return Err(GeneratorError::Build(format!(
                "cargo metadata failed for {}: {}",
                manifest.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        let meta: Json = serde_json::from_slice(&out.stdout)
            .map_err(|e| GeneratorError::Build(format!("cargo metadata printed invalid JSON: {e}")))?;
        let wanted = std::fs::canonicalize(manifest).unwrap_or_else(|_| manifest.to_path_buf());
        let package = meta["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| {
                p["manifest_path"]
                    .as_str()
                    .map(|m| std::fs::canonicalize(m).unwrap_or_else(|_| m.into()) == wanted)
                    .unwrap_or(false)
            })
            .ok_or_else(|| {
                GeneratorError::Build(format!(
                    "{} is a workspace manifest without a package; pass a crate's directory",
                    manifest.display()
                ))
            })?;
        let name = package["name"].as_str().unwrap_or_default().to_string();
        let lib = package["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| {
                t["kind"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|k| k == "cdylib"))
            })
            .ok_or_else(|| {
                GeneratorError::Build(format!(
                    "crate {name} has no cdylib library; add `[lib] crate-type = [\"cdylib\", \"rlib\"]` to {}",
                    manifest.display()
                ))
            })?;
        let lib_target = lib["name"].as_str().unwrap_or(&name).to_string();
        let lib_name = lib_target.replace('-', "_");
        let echelon = &package["metadata"]["echelon"];
        let dir = manifest.parent().unwrap_or(Path::new("."));
        let browser = echelon["browser"].as_str().map(|p| dir.join(p));
        let guest_features = echelon["guest-features"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str().map(str::to_string))
            .collect();
        let sdk_dependency = package["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|d| d["name"] == SDK_PACKAGE && d["kind"].is_null())
            .map(|d| d["rename"].as_str().unwrap_or(SDK_PACKAGE).to_string());
        Ok(Self {
            manifest: manifest.to_path_buf(),
            package: name,
            lib_target,
            lib_name,
            browser,
            guest_features,
            sdk_dependency,
        })
    }
}

fn cargo_command() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // A build started from a build script or test must not inherit flags
    // meant for the host crate being compiled.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

struct CargoRun {
    success: bool,
    wasm: Option<PathBuf>,
    diagnostics: Vec<RustDiagnostic>,
}

fn cargo_build(
    config: &RustBuildConfig,
    krate: &CrateInfo,
    features: &[String],
    progress: &mut dyn FnMut(&BuildProgress),
) -> Result<CargoRun, GeneratorError> {
    let mut cmd = cargo_command();
    cmd.args([
        "build",
        "--lib",
        "--target",
        WASM_TARGET,
        "--message-format",
        "json",
    ])
    .arg("--manifest-path")
    .arg(&krate.manifest);
    match (&config.profile, config.release) {
        (Some(p), _) => {
            cmd.args(["--profile", p]);
        }
        (None, true) => {
            cmd.arg("--release");
        }
        (None, false) => {}
    }
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    if let Some(dir) = &config.target_dir {
        cmd.arg("--target-dir").arg(dir);
    }
    let shown = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| GeneratorError::Build(format!("cannot run cargo (is it on PATH?): {e}")))?;
    let mut stderr = child
        .stderr
        .take()
        .ok_or_else(|| GeneratorError::Build("cargo's stderr was not captured".into()))?;
    // Drained on its own thread so that a chatty stderr cannot block cargo
    // while we read its stdout.
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| GeneratorError::Build("cargo's stdout was not captured".into()))?;
    let mut run = CargoRun {
        success: false,
        wasm: None,
        diagnostics: Vec::new(),
    };
    let mut count = 0;
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| GeneratorError::Build(format!("reading cargo's output: {e}")))?;
        let Ok(msg) = serde_json::from_str::<Json>(&line) else {
            continue;
        };
        match msg["reason"].as_str() {
            Some("compiler-message") => {
                if let Some(d) = diagnostic(&msg["message"]) {
                    run.diagnostics.push(d);
                }
            }
            Some("compiler-artifact") => {
                count += 1;
                let name = msg["target"]["name"].as_str().unwrap_or_default().to_string();
                progress(&BuildProgress::Compiled { name, count });
                // The crate's own cdylib, by its target name (dependencies
                // that are cdylibs too produce .wasm files as well).
                let is_ours = msg["target"]["name"] == krate.lib_target.as_str()
                    && msg["target"]["kind"]
                        .as_array()
                        .is_some_and(|k| k.iter().any(|k| k == "cdylib"));
                if is_ours {
                    run.wasm = msg["filenames"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Json::as_str)
                        .find(|f| f.ends_with(".wasm"))
                        .map(PathBuf::from);
                }
            }
            Some("build-finished") => run.success = msg["success"].as_bool().unwrap_or(false),
            _ => {}
        }
    }
    let status = child
        .wait()
        .map_err(|e| GeneratorError::Build(format!("waiting for cargo: {e}")))?;
    let stderr = stderr_reader.join().unwrap_or_default();
    run.success &= status.success();
    if !run.success && !run.diagnostics.iter().any(|d| d.level == "error") {
        // cargo failed before rustc said anything: a bad manifest, a missing
        // target, a dependency that cannot be resolved.
        let reason = stderr
            .lines()
            .filter(|l| l.trim_start().starts_with("error"))
            .collect::<Vec<_>>()
            .join("\n");
        let hint = if stderr.contains("target may not be installed") {
            "; install it with `rustup target add wasm32-unknown-unknown` (or `cargo xtask setup`)"
        } else {
            ""
        };
        return Err(GeneratorError::Build(format!(
            "{shown} failed: {}{hint}",
            if reason.is_empty() {
                stderr.trim()
            } else {
                reason.trim()
            }
        )));
    }
    if run.success && run.wasm.is_none() {
        return Err(GeneratorError::Build(format!(
            "cargo built {} but produced no .wasm; is its library a cdylib?",
            krate.package
        )));
    }
    Ok(run)
}

/// A rustc JSON diagnostic to a [`RustDiagnostic`]; `None` for the
/// summaries ("aborting due to ...") that repeat what was already said.
fn diagnostic(message: &Json) -> Option<RustDiagnostic> {
    let level = message["level"].as_str()?.to_string();
    let text = message["message"].as_str()?.to_string();
    if text.starts_with("aborting due to") || level == "failure-note" {
        return None;
    }
    let primary = message["spans"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["is_primary"].as_bool() == Some(true));
    let number = |s: &Json, key: &str| s[key].as_u64().and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
    Some(RustDiagnostic {
        level,
        message: text,
        code: message["code"]["code"].as_str().map(str::to_string),
        file: primary.and_then(|s| s["file_name"].as_str()).map(PathBuf::from),
        line: primary.map(|s| number(s, "line_start")).unwrap_or(0),
        column: primary.map(|s| number(s, "column_start")).unwrap_or(0),
        rendered: message["rendered"].as_str().unwrap_or_default().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_come_from_rustc_json() {
        let msg: Json = serde_json::from_str(
            r#"{"level":"error","message":"mismatched types","code":{"code":"E0308","explanation":""},
                "spans":[{"file_name":"src/lib.rs","line_start":3,"column_start":5,"is_primary":true}],
                "rendered":"error[E0308]: mismatched types"}"#,
        )
        .unwrap();
        let d = diagnostic(&msg).unwrap();
        assert_eq!(d.code.as_deref(), Some("E0308"));
        assert_eq!((d.line, d.column), (3, 5));
        assert_eq!(d.to_string(), "src/lib.rs:3:5: error[E0308]: mismatched types");
        let abort: Json = serde_json::from_str(
            r#"{"level":"error","message":"aborting due to 1 previous error","spans":[]}"#,
        )
        .unwrap();
        assert!(diagnostic(&abort).is_none());
    }

    #[test]
    fn targets_parse() {
        assert_eq!(RustTarget::parse("both"), Some(RustTarget::Both));
        assert_eq!(RustTarget::parse("wasm"), None);
    }
}
