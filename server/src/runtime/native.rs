//! Native modules: `register_native_module` / `call_native`, synchronous
//! calls with no queue (the spec's "Native Import").

use std::future::Future;
use std::path::Path;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use super::instance::LiveInstance;
use super::module::LoadedModule;
use super::values::{check_args, FromResults, Value};
use super::WasmRuntime;
use crate::{Error, Result};

pub(crate) struct NativeModule {
    module: Arc<LoadedModule>,
    instance: Arc<parking_lot::Mutex<LiveInstance>>,
}

/// Runs a future that completes without waiting (a call into an instance
/// with no async imports), or reports that it would block.
pub(crate) fn run_ready<F: Future>(f: F) -> Option<F::Output> {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

impl WasmRuntime {
    /// Loads a module file for synchronous calls under `alias`. Needs
    /// [`RuntimeConfig::enable_native_imports`](super::RuntimeConfig). The
    /// module may import only synchronous host functions.
    pub fn register_native_module(&self, alias: &str, path: impl AsRef<Path>) -> Result<()> {
        if !self.inner.config.enable_native_imports {
            return Err(Error::Source(
                "native modules are disabled; enable RuntimeConfig::enable_native_imports".into(),
            ));
        }
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        let bytes = if super::loader::looks_like_text(&bytes) {
            wat::parse_bytes(&bytes)
                .map_err(|e| Error::Source(format!("{}: {e}", path.display())))?
                .into_owned()
        } else {
            bytes
        };
        super::loader::validate(&bytes, super::loader::engine_features())?;
        let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        let compiled =
            wasmtime::Module::from_binary(&self.inner.engine, &bytes).map_err(|e| Error::Validation {
                kind: crate::error::ValidationKind::UnsupportedFeature,
                message: format!("{e:#}"),
                offset: None,
            })?;
        let abi = super::module::abi_section(&bytes)?;
        let module = Arc::new(LoadedModule::new(
            alias.to_string(),
            compiled,
            Arc::new(bytes),
            sha,
            format!("native:{}", path.display()),
            abi.as_deref(),
        )?);
        let live =
            run_ready(self.new_instance(&module, None, None)).ok_or_else(|| Error::Instantiation {
                module: alias.to_string(),
                message: "native modules cannot import async host functions".into(),
            })??;
        if live.uses_async {
            return Err(Error::Instantiation {
                module: alias.to_string(),
                message: "native modules cannot import async host functions".into(),
            });
        }
        self.inner.natives.lock().insert(
            alias.to_string(),
            NativeModule {
                module,
                instance: Arc::new(parking_lot::Mutex::new(live)),
            },
        );
        Ok(())
    }

    /// Calls an export of a native module synchronously, on this thread,
    /// without queueing (the default timeout still applies).
    pub fn call_native<T: FromResults>(&self, alias: &str, func: &str, args: Vec<Value>) -> Result<T> {
        let (module, instance) = {
            let natives = self.inner.natives.lock();
            let n = natives
                .get(alias)
                .ok_or_else(|| Error::not_found("native module", alias))?;
            (n.module.clone(), n.instance.clone())
        };
        let shape = module
            .funcs
            .get(func)
            .ok_or_else(|| Error::not_found("export", format!("{alias}.{func}")))?;
        check_args(func, &shape.params, &args)?;
        let cfg = &self.inner.config;
        let mut live = instance.lock();
        let outcome = run_ready(live.call(func, shape, args, cfg.default_timeout, None, cfg.fuel_metering))
            .ok_or_else(|| Error::Engine("a native call tried to wait".into()))?;
        let values = outcome.result?;
        T::from_results(values).map_err(|m| Error::type_error(func, m))
    }
}
