//! Support for Echelon's workspace-level tests.
//!
//! [`shared_guest_wasm`] builds (once per process, incrementally) the
//! `echelon-shared` guest module for `wasm32-unknown-unknown` and returns its
//! path, so `cargo test` works on its own without a prior build step.
//! [`Guest`] is a minimal direct wasmtime host for that module's ABI, used to
//! check the guest build against native code independently of the server's
//! runtime.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use anyhow::{anyhow, bail, Context, Result};
use base64::Engine as _;
use echelon_shared::abi::{AbiType, CoreType, Signature};
use serde_json::Value as Json;
use wasmtime::{Engine, Instance, Memory, Module, Store, TypedFunc, Val, WasmParams, WasmResults};

/// The workspace root.
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives directly under the workspace root")
}

/// The AssemblyScript compiler (`asc`) that `cargo xtask setup` installs
/// under `target/asc`, or `$ECHELON_ASC`; panics with how to get it (the
/// TypeScript parity tests and bench compare against it).
pub fn asc() -> PathBuf {
    if let Some(p) = std::env::var_os("ECHELON_ASC") {
        return PathBuf::from(p);
    }
    let p = workspace_root().join("target/asc/node_modules/.bin/asc");
    assert!(
        p.exists(),
        "AssemblyScript is not installed at {}: run `cargo xtask setup` (it runs `npm install --prefix target/asc assemblyscript@0.28.20`), or set ECHELON_ASC",
        p.display()
    );
    p
}

/// Builds the shared crate's guest module (wasm-release profile) into
/// `target/guest/` and returns the `.wasm` path. Cargo runs once per test
/// process; it is a no-op when nothing changed. `ECHELON_GUEST_WASM`
/// overrides the path and skips the build.
pub fn shared_guest_wasm() -> Result<&'static Path> {
    static PATH: OnceLock<std::result::Result<PathBuf, String>> = OnceLock::new();
    PATH.get_or_init(|| build_guest().map_err(|e| format!("{e:#}")))
        .as_deref()
        .map_err(|e| anyhow!("{e}"))
}

fn build_guest() -> Result<PathBuf> {
    if let Ok(p) = std::env::var("ECHELON_GUEST_WASM") {
        return Ok(PathBuf::from(p));
    }
    let dir = cargo_build_wasm(
        &["-p", "echelon-shared", "--features", "guest"],
        "wasm32-unknown-unknown",
        "the shared guest module",
    )?;
    Ok(dir.join("echelon_shared.wasm"))
}

/// Runs `cargo build <args> --target <target> --profile wasm-release` into
/// `target/guest/` and returns the directory holding the `.wasm` outputs.
fn cargo_build_wasm(args: &[&str], target: &str, what: &str) -> Result<PathBuf> {
    let root = workspace_root();
    let target_dir = root.join("target").join("guest");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(root)
        .args(["build", "--quiet"])
        .args(args)
        .args(["--target", target, "--profile", "wasm-release", "--target-dir"])
        .arg(&target_dir)
        .output()
        .with_context(|| format!("running cargo to build {what}"))?;
    if !out.status.success() {
        bail!(
            "building {what} failed (is the {target} target installed? `cargo xtask setup` installs it):\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(target_dir.join(target).join("wasm-release"))
}

/// Builds the WASI guest programs of `examples/wasi-guests` for
/// `wasm32-wasip1` (once per process) and returns the path of `name`'s
/// module, e.g. `wasi_guest("file_processor")`.
pub fn wasi_guest(name: &str) -> Result<PathBuf> {
    static DIR: OnceLock<std::result::Result<PathBuf, String>> = OnceLock::new();
    let dir = DIR
        .get_or_init(|| build_wasi_guests().map_err(|e| format!("{e:#}")))
        .as_deref()
        .map_err(|e| anyhow!("{e}"))?;
    let path = dir.join(format!("{name}.wasm"));
    if !path.is_file() {
        bail!("no WASI guest named {name} (looked for {})", path.display());
    }
    Ok(path)
}

fn build_wasi_guests() -> Result<PathBuf> {
    cargo_build_wasm(
        &["-p", "echelon-wasi-guests", "--bins"],
        "wasm32-wasip1",
        "the WASI guests",
    )
}

/// A guest module instance driven through the guest ABI by hand.
pub struct Guest {
    store: Store<()>,
    instance: Instance,
    memory: Memory,
    alloc: TypedFunc<i32, i32>,
    free: TypedFunc<(i32, i32), ()>,
}

/// One argument for [`Guest::call`].
pub enum Arg<'a> {
    /// Bytes or a string, passed as `(ptr, len)`.
    Bytes(&'a [u8]),
    /// A plain WebAssembly value.
    Val(Val),
}

impl Guest {
    /// Compiles and instantiates `wasm` with no imports.
    pub fn new(engine: &Engine, wasm: &[u8]) -> Result<Self> {
        let module = Module::new(engine, wasm)?;
        let mut store = Store::new(engine, ());
        let instance = Instance::new(&mut store, &module, &[])?;
        let memory = instance
            .get_memory(&mut store, "memory")
            .ok_or_else(|| anyhow!("guest exports no memory"))?;
        let alloc = instance.get_typed_func(&mut store, "echelon_alloc")?;
        let free = instance.get_typed_func(&mut store, "echelon_free")?;
        Ok(Self {
            store,
            instance,
            memory,
            alloc,
            free,
        })
    }

    /// Calls an export by its `echelon:abi` signature with JSON arguments,
    /// in the conventions of the server's HTTP API and of
    /// `echelon_guest::Export::call` (integers as numbers, unsigned values
    /// by their bits, `i64` beyond 2^53 as text, `bool` in as `true`/`false`
    /// and out as `0`/`1`, bytes as base64 or an array, JSON as itself), so
    /// its answers compare directly with the native registry's.
    pub fn call_json(&mut self, sig: &Signature, args: &[Json]) -> Result<Json> {
        if sig.params.len() != args.len() {
            bail!(
                "{} takes {} argument(s), got {}",
                sig.name,
                sig.params.len(),
                args.len()
            );
        }
        let mut lowered = Vec::new();
        let mut owned = Vec::new();
        for (p, a) in sig.params.iter().zip(args) {
            let bad = || anyhow!("argument {a} does not fit {}", p.ty);
            match p.ty {
                AbiType::I32 => {
                    let v = a.as_i64().ok_or_else(bad)?;
                    let v = i32::try_from(v)
                        .or_else(|_| u32::try_from(v).map(|x| x as i32))
                        .map_err(|_| bad())?;
                    lowered.push(Val::I32(v));
                }
                AbiType::I64 => lowered.push(Val::I64(match a {
                    Json::String(s) => s.parse().map_err(|_| bad())?,
                    _ => a.as_i64().ok_or_else(bad)?,
                })),
                AbiType::F32 => lowered.push(Val::F32((a.as_f64().ok_or_else(bad)? as f32).to_bits())),
                AbiType::F64 => lowered.push(Val::F64(a.as_f64().ok_or_else(bad)?.to_bits())),
                AbiType::Bool => lowered.push(Val::I32(i32::from(a.as_bool().ok_or_else(bad)?))),
                AbiType::String | AbiType::Bytes | AbiType::Json => {
                    let bytes = match (p.ty, a) {
                        (AbiType::String, Json::String(s)) => s.clone().into_bytes(),
                        (AbiType::Bytes, Json::String(s)) => {
                            base64::engine::general_purpose::STANDARD.decode(s)?
                        }
                        (AbiType::Bytes, Json::Array(v)) => v
                            .iter()
                            .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                            .collect::<Option<Vec<u8>>>()
                            .ok_or_else(bad)?,
                        (AbiType::Json, v) => v.to_string().into_bytes(),
                        _ => return Err(bad()),
                    };
                    let ptr = self.write(&bytes)?;
                    owned.push((ptr, bytes.len() as i32));
                    lowered.extend([Val::I32(ptr), Val::I32(bytes.len() as i32)]);
                }
            }
        }
        let f = self
            .instance
            .get_func(&mut self.store, &sig.name)
            .ok_or_else(|| anyhow!("no export `{}`", sig.name))?;
        let mut out = match sig.core_result() {
            None => vec![],
            Some(CoreType::I32) => vec![Val::I32(0)],
            Some(CoreType::I64) => vec![Val::I64(0)],
            Some(CoreType::F32) => vec![Val::F32(0)],
            Some(CoreType::F64) => vec![Val::F64(0)],
        };
        let called = f.call(&mut self.store, &lowered, &mut out);
        for (ptr, len) in owned {
            self.free.call(&mut self.store, (ptr, len))?;
        }
        called.map_err(|e| self.explain(e))?;
        let Some(ty) = sig.result else {
            return Ok(Json::Null);
        };
        let v = &out[0];
        Ok(match ty {
            AbiType::I32 | AbiType::Bool => Json::from(v.unwrap_i32()),
            AbiType::I64 => {
                let x = v.unwrap_i64();
                if x.unsigned_abs() <= 1 << 53 {
                    Json::from(x)
                } else {
                    Json::from(x.to_string())
                }
            }
            AbiType::F32 => serde_json::json!(v.unwrap_f32()),
            AbiType::F64 => serde_json::json!(v.unwrap_f64()),
            AbiType::String | AbiType::Bytes | AbiType::Json => {
                let bytes = self.take(v.unwrap_i64())?;
                match ty {
                    AbiType::String => Json::String(String::from_utf8(bytes)?),
                    AbiType::Bytes => Json::String(base64::engine::general_purpose::STANDARD.encode(bytes)),
                    _ => serde_json::from_slice(&bytes)?,
                }
            }
        })
    }

    /// Calls a typed export with plain values.
    pub fn typed<P: WasmParams, R: WasmResults>(&mut self, name: &str, params: P) -> Result<R> {
        let f = self.instance.get_typed_func::<P, R>(&mut self.store, name)?;
        f.call(&mut self.store, params).map_err(|e| self.explain(e))
    }

    /// Calls an export whose result is packed bytes, lowering `args`.
    pub fn call_bytes(&mut self, name: &str, args: &[Arg<'_>]) -> Result<Vec<u8>> {
        let mut lowered = Vec::new();
        let mut owned = Vec::new();
        for a in args {
            match a {
                Arg::Val(v) => lowered.push(*v),
                Arg::Bytes(b) => {
                    let ptr = self.write(b)?;
                    owned.push((ptr, b.len() as i32));
                    lowered.extend([Val::I32(ptr), Val::I32(b.len() as i32)]);
                }
            }
        }
        let f = self
            .instance
            .get_func(&mut self.store, name)
            .ok_or_else(|| anyhow!("no export `{name}`"))?;
        let mut out = [Val::I64(0)];
        let called = f.call(&mut self.store, &lowered, &mut out);
        for (ptr, len) in owned {
            self.free.call(&mut self.store, (ptr, len))?;
        }
        called.map_err(|e| self.explain(e))?;
        let packed = out[0]
            .i64()
            .ok_or_else(|| anyhow!("`{name}` did not return i64"))?;
        self.take(packed)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<i32> {
        let ptr = self.alloc.call(&mut self.store, bytes.len() as i32)?;
        if ptr == 0 && !bytes.is_empty() {
            bail!("guest allocation of {} bytes failed", bytes.len());
        }
        self.memory.write(&mut self.store, ptr as usize, bytes)?;
        Ok(ptr)
    }

    fn take(&mut self, packed: i64) -> Result<Vec<u8>> {
        let (ptr, len) = echelon_shared::abi::unpack(packed);
        let mut buf = vec![0; len as usize];
        self.memory.read(&self.store, ptr as usize, &mut buf)?;
        self.free.call(&mut self.store, (ptr as i32, len as i32))?;
        Ok(buf)
    }

    /// Turns a trap into an error carrying the guest's `echelon_last_error`.
    fn explain(&mut self, trap: wasmtime::Error) -> anyhow::Error {
        let msg = self
            .instance
            .get_typed_func::<(), i64>(&mut self.store, "echelon_last_error")
            .ok()
            .and_then(|f| f.call(&mut self.store, ()).ok())
            .filter(|&p| p != 0)
            .and_then(|p| self.take(p).ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned());
        match msg {
            Some(m) => anyhow!("guest refused: {m}"),
            None => anyhow!("guest trapped: {trap}"),
        }
    }
}
