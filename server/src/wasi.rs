//! WASI preview1 on `wasmtime-wasi`, with the spec's `WASICapabilities`.
//!
//! Nothing is granted unless asked for: no directories, no environment, no
//! arguments, no clock, no randomness, no exit. What is not granted is
//! refused *inside the guest* with WASI's `notcapable` error (76) — clock and
//! random included — never by failing the host; `proc_exit` without
//! `allow_exit` fails the call with a capability violation and never ends
//! the host process. Paths are resolved by wasmtime-wasi (cap-std): `..`,
//! absolute paths and symlinks cannot leave a preopened directory.
//!
//! ```
//! use echelon::wasi::WasiCapabilities;
//! let caps = WasiCapabilities::default()
//!     .preopen("/data", "./app_data")
//!     .allow_read(true)
//!     .allow_write(true)
//!     .env("NODE_ENV", "production")
//!     .arg("--verbose");
//! assert_eq!(caps.preopened_directories.len(), 1);
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;

use wasmtime::Linker;
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

use crate::runtime::StoreState;
use crate::{Error, Result};

/// The import module name of WASI preview1.
pub const WASI_MODULE: &str = "wasi_snapshot_preview1";

/// WASI's `notcapable` errno.
pub const ERRNO_NOTCAPABLE: i32 = 76;

/// What becomes of a guest's stdout and stderr.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Stdio {
    /// Captured and returned with each call's result (default).
    #[default]
    Capture,
    /// Written to the host process's stdout/stderr.
    Inherit,
    /// Discarded.
    Null,
}

/// The capabilities a WASI guest gets (the spec's `WASICapabilities`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WasiCapabilities {
    /// Guest path (e.g. `/data`) to host directory.
    pub preopened_directories: BTreeMap<String, PathBuf>,
    /// Reading files in preopened directories.
    pub allow_read: bool,
    /// Creating, writing and deleting in preopened directories (implies
    /// reading: WASI has no write-only directories).
    pub allow_write: bool,
    /// Environment variables the guest sees (none of the host's).
    pub env: BTreeMap<String, String>,
    /// Command-line arguments (the first is the program name by convention).
    pub args: Vec<String>,
    /// `clock_time_get` / `clock_res_get`.
    pub allow_clock_get: bool,
    /// `random_get`.
    pub allow_random: bool,
    /// `proc_exit` ends the guest's run with its code.
    pub allow_exit: bool,
    /// What the guest reads from stdin; `None`: an empty stdin.
    pub stdin: Option<Vec<u8>>,
    /// stdout/stderr handling.
    pub stdio: Stdio,
    /// Bytes of stdout and of stderr kept per instance when capturing.
    /// Default (0) means 1 MiB.
    pub max_captured_output: usize,
}

impl WasiCapabilities {
    /// Maps guest path `guest` to host directory `host`.
    pub fn preopen(mut self, guest: impl Into<String>, host: impl Into<PathBuf>) -> Self {
        self.preopened_directories.insert(guest.into(), host.into());
        self
    }

    /// Sets [`WasiCapabilities::allow_read`].
    pub fn allow_read(mut self, yes: bool) -> Self {
        self.allow_read = yes;
        self
    }

    /// Sets [`WasiCapabilities::allow_write`].
    pub fn allow_write(mut self, yes: bool) -> Self {
        self.allow_write = yes;
        self
    }

    /// Adds an environment variable.
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.insert(name.into(), value.into());
        self
    }

    /// Appends an argument.
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Sets [`WasiCapabilities::allow_clock_get`].
    pub fn allow_clock_get(mut self, yes: bool) -> Self {
        self.allow_clock_get = yes;
        self
    }

    /// Sets [`WasiCapabilities::allow_random`].
    pub fn allow_random(mut self, yes: bool) -> Self {
        self.allow_random = yes;
        self
    }

    /// Sets [`WasiCapabilities::allow_exit`].
    pub fn allow_exit(mut self, yes: bool) -> Self {
        self.allow_exit = yes;
        self
    }

    /// Sets [`WasiCapabilities::stdin`]: the bytes the guest reads.
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(input.into());
        self
    }

    /// Sets [`WasiCapabilities::stdio`].
    pub fn stdio(mut self, stdio: Stdio) -> Self {
        self.stdio = stdio;
        self
    }

    fn capture_limit(&self) -> usize {
        if self.max_captured_output == 0 {
            1 << 20
        } else {
            self.max_captured_output
        }
    }
}

/// A store's WASI state: the context and the captured output pipes.
pub struct WasiState {
    pub(crate) ctx: WasiP1Ctx,
    pub(crate) stdout: Option<MemoryOutputPipe>,
    pub(crate) stderr: Option<MemoryOutputPipe>,
    pub(crate) allow_exit: bool,
    /// How much of each pipe earlier calls already returned.
    pub(crate) seen: (usize, usize),
}

impl std::fmt::Debug for WasiState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasiState")
            .field("allow_exit", &self.allow_exit)
            .finish()
    }
}

impl WasiState {
    /// Builds a WASI context granting exactly `caps`.
    pub fn new(caps: &WasiCapabilities) -> Result<Self> {
        let mut b = WasiCtxBuilder::new();
        for (name, value) in &caps.env {
            b.env(name, value);
        }
        b.args(&caps.args);
        if caps.allow_read || caps.allow_write {
            let perms = if caps.allow_write {
                FsPerms::ReadWrite
            } else {
                FsPerms::ReadOnly
            };
            for (guest, host) in &caps.preopened_directories {
                b.preopened_dir(host, guest, perms).map_err(|e| Error::Io {
                    path: host.clone(),
                    source: std::io::Error::other(format!("cannot preopen as {guest}: {e:#}")),
                })?;
            }
        }
        if let Some(input) = &caps.stdin {
            b.stdin(MemoryInputPipe::new(input.clone()));
        }
        let (stdout, stderr) = match caps.stdio {
            Stdio::Capture => {
                let out = MemoryOutputPipe::new(caps.capture_limit());
                let err = MemoryOutputPipe::new(caps.capture_limit());
                b.stdout(out.clone()).stderr(err.clone());
                (Some(out), Some(err))
            }
            Stdio::Inherit => {
                b.inherit_stdout().inherit_stderr();
                (None, None)
            }
            Stdio::Null => (None, None),
        };
        Ok(Self {
            ctx: b.build_p1(),
            stdout,
            stderr,
            allow_exit: caps.allow_exit,
            seen: (0, 0),
        })
    }

    /// Output written since the last call to this method.
    pub(crate) fn take_output(&mut self) -> (Vec<u8>, Vec<u8>) {
        let out = self.stdout.as_ref().map(|p| p.contents()).unwrap_or_default();
        let err = self.stderr.as_ref().map(|p| p.contents()).unwrap_or_default();
        let new_out = out.get(self.seen.0..).unwrap_or_default().to_vec();
        let new_err = err.get(self.seen.1..).unwrap_or_default().to_vec();
        self.seen = (out.len(), err.len());
        (new_out, new_err)
    }
}

/// Raised by `proc_exit` when exiting was not granted.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("proc_exit({0}) refused: the sandbox does not grant allow_exit")]
pub(crate) struct ExitRefused(pub i32);

/// Adds WASI preview1 to a linker, then replaces what `caps` does not
/// grant with functions that answer `notcapable`.
pub(crate) fn add_to_linker(
    linker: &mut Linker<StoreState>,
    caps: &WasiCapabilities,
) -> wasmtime::Result<()> {
    wasmtime_wasi::p1::add_to_linker_async(linker, |s: &mut StoreState| s.wasi_ctx())?;
    linker.allow_shadowing(true);
    if !caps.allow_clock_get {
        linker.func_wrap(WASI_MODULE, "clock_time_get", |_: i32, _: i64, _: i32| {
            ERRNO_NOTCAPABLE
        })?;
        linker.func_wrap(WASI_MODULE, "clock_res_get", |_: i32, _: i32| ERRNO_NOTCAPABLE)?;
    }
    if !caps.allow_random {
        linker.func_wrap(WASI_MODULE, "random_get", |_: i32, _: i32| ERRNO_NOTCAPABLE)?;
    }
    if !caps.allow_exit {
        linker.func_wrap(WASI_MODULE, "proc_exit", |code: i32| -> wasmtime::Result<()> {
            Err(wasmtime::Error::new(ExitRefused(code)))
        })?;
    }
    linker.allow_shadowing(false);
    Ok(())
}

/// Whether a module imports anything from WASI preview1.
pub(crate) fn imports_wasi(module: &wasmtime::Module) -> bool {
    module.imports().any(|i| i.module() == WASI_MODULE)
}
