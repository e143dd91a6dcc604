//! The per-instance store state and how stores are configured.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::{Engine, Store, UpdateDeadline};

use super::limits::Limiter;

/// Raised by the epoch callback when a call passes its deadline.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("deadline exceeded")]
pub(crate) struct DeadlineExceeded;

/// Raised when the runtime interrupts every call (a shutdown whose grace
/// period ran out).
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("interrupted: the runtime is shutting down")]
pub(crate) struct Interrupted;

/// The runtime-wide interrupt every store watches: set once when a
/// bounded shutdown's grace period runs out.
#[derive(Debug, Default)]
pub(crate) struct Interrupt {
    flag: std::sync::atomic::AtomicBool,
    notify: tokio::sync::Notify,
}

impl Interrupt {
    /// Interrupts every call now and every call until [`Self::reset`].
    pub fn fire(&self) {
        self.flag.store(true, std::sync::atomic::Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub fn reset(&self) {
        self.flag.store(false, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn is_set(&self) -> bool {
        self.flag.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Completes when the interrupt fires.
    pub async fn fired(&self) {
        loop {
            let notified = self.notify.notified();
            if self.is_set() {
                return;
            }
            notified.await;
        }
    }
}

/// Races `fut` (an async call or instantiation: wasm, WASI calls, async
/// host functions) against the deadline and the runtime's interrupt.
pub(crate) async fn race<T>(
    deadline: Instant,
    interrupt: &Interrupt,
    fut: impl std::future::Future<Output = wasmtime::Result<T>>,
) -> wasmtime::Result<T> {
    tokio::select! {
        r = fut => r,
        _ = tokio::time::sleep_until(deadline.into()) => Err(wasmtime::Error::new(DeadlineExceeded)),
        _ = interrupt.fired() => Err(wasmtime::Error::new(Interrupted)),
    }
}

/// Raised by a host function that failed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("host function `{function}` failed: {message}")]
pub(crate) struct HostFailure {
    pub function: String,
    pub message: String,
}

/// What every store carries.
pub struct StoreState {
    pub(crate) module_id: Arc<str>,
    pub(crate) limiter: Limiter,
    pub(crate) deadline: Instant,
    pub(crate) timeout: Duration,
    /// Set while a call runs through `call_async`, so the epoch callback
    /// may yield to the executor.
    pub(crate) in_async: bool,
    /// WASI context, for modules that import WASI preview1.
    pub(crate) wasi: Option<crate::wasi::WasiState>,
    /// The runtime's interrupt (bounded shutdown).
    pub(crate) interrupt: Arc<Interrupt>,
    /// Plugin state, for modules that import the `echelon` built-ins.
    pub(crate) plugin: Option<Box<super::builtins::PluginState>>,
}

impl StoreState {
    /// The WASI context. Only called by WASI functions, which are linked
    /// only into stores created with a WASI state (see `new_instance`).
    pub(crate) fn wasi_ctx(&mut self) -> &mut wasmtime_wasi::p1::WasiP1Ctx {
        &mut self
            .wasi
            .as_mut()
            .expect("WASI imports are linked only for stores created with a WASI state")
            .ctx
    }
}

pub(crate) fn new_store(
    engine: &Engine,
    module_id: Arc<str>,
    limiter: Limiter,
    fuel_metering: bool,
    wasi: Option<crate::wasi::WasiState>,
    plugin: Option<Box<super::builtins::PluginState>>,
    interrupt: Arc<Interrupt>,
) -> Store<StoreState> {
    let mut store = Store::new(
        engine,
        StoreState {
            module_id,
            limiter,
            deadline: Instant::now(),
            timeout: Duration::ZERO,
            in_async: false,
            wasi,
            plugin,
            interrupt,
        },
    );
    store.limiter(|s| &mut s.limiter);
    // The engine's ticker advances the epoch every `epoch_interval`; each
    // tick runs this callback, which compares the wall clock with the
    // call's deadline. Async calls also yield to the executor on each tick.
    store.epoch_deadline_callback(|ctx| {
        let state = ctx.data();
        if state.interrupt.is_set() {
            Err(wasmtime::Error::new(Interrupted))
        } else if Instant::now() >= state.deadline {
            Err(wasmtime::Error::new(DeadlineExceeded))
        } else if state.in_async {
            Ok(UpdateDeadline::Yield(1))
        } else {
            Ok(UpdateDeadline::Continue(1))
        }
    });
    if fuel_metering {
        // Fuel is topped up before each call; instantiation (start
        // functions) gets the same budget as an unlimited call.
        let _ = store.set_fuel(u64::MAX);
    }
    store.set_epoch_deadline(1);
    store
}

/// Arms a store for one call.
pub(crate) fn arm(
    store: &mut Store<StoreState>,
    timeout: Duration,
    fuel: Option<u64>,
    metering: bool,
) -> u64 {
    let state = store.data_mut();
    state.timeout = timeout;
    let now = Instant::now();
    // A timeout too large to add is as good as none (a day is far beyond
    // any cap the runtime applies).
    state.deadline = now
        .checked_add(timeout)
        .unwrap_or_else(|| now + Duration::from_secs(86_400));
    store.set_epoch_deadline(1);
    if metering {
        let budget = fuel.unwrap_or(u64::MAX);
        // set_fuel only fails when metering is off, which `metering` rules out.
        let _ = store.set_fuel(budget);
        budget
    } else {
        0
    }
}
