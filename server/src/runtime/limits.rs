//! Memory and table limits through wasmtime's [`ResourceLimiter`], with
//! the accounting behind `memory_stats()`.
//!
//! Growing past a limit traps with a [`LimitExceeded`] error (reported as a
//! Memory error) instead of making `memory.grow` return -1: a limit hit is
//! never silent, and a guest cannot probe the limit in a loop.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde::Serialize;
use wasmtime::ResourceLimiter;

/// WebAssembly page size.
pub const PAGE_SIZE: u64 = 65_536;

/// What one table element is charged against the memory budgets: a
/// reference is a pointer in wasmtime's table storage.
pub const TABLE_ELEMENT_BYTES: u64 = 8;

/// The error a limiter raises; the executor turns it into
/// [`Error::Memory`](crate::Error::Memory).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct LimitExceeded(pub String);

/// Memory counters of one module (all its live instances) or of the whole
/// runtime.
#[derive(Debug, Default)]
pub(crate) struct MemoryCounters {
    pub current: AtomicU64,
    pub peak: AtomicU64,
    pub allocations: AtomicU64,
    pub frees: AtomicU64,
}

impl MemoryCounters {
    fn grow(&self, by: u64) {
        let now = self.current.fetch_add(by, Ordering::Relaxed) + by;
        self.peak.fetch_max(now, Ordering::Relaxed);
        self.allocations.fetch_add(1, Ordering::Relaxed);
    }

    fn release(&self, by: u64) {
        self.current.fetch_sub(by, Ordering::Relaxed);
        self.frees.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self, limit: u64) -> MemoryStats {
        let allocated = self.current.load(Ordering::Relaxed);
        MemoryStats {
            allocated,
            used: allocated,
            available: limit.saturating_sub(allocated),
            page_count: allocated / PAGE_SIZE,
            peak_usage: self.peak.load(Ordering::Relaxed),
            allocations: self.allocations.load(Ordering::Relaxed),
            frees: self.frees.load(Ordering::Relaxed),
            limit,
        }
    }
}

/// Linear-memory statistics (the spec's `WASMMemoryStats`).
///
/// `allocated` is the linear memory committed by live instances.
/// WebAssembly memory never shrinks and a guest's own allocator is opaque to
/// the host, so `used` equals `allocated`. `allocations` counts granted
/// memory creations and growths, `frees` counts memories released when
/// their instance was dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MemoryStats {
    /// Bytes of linear memory held by live instances.
    pub allocated: u64,
    /// Bytes in use (equal to `allocated`, see above).
    pub used: u64,
    /// `limit - allocated`.
    pub available: u64,
    /// `allocated` in 64 KiB pages.
    pub page_count: u64,
    /// The most `allocated` has been.
    pub peak_usage: u64,
    /// Memory creations and growths granted.
    pub allocations: u64,
    /// Memories released.
    pub frees: u64,
    /// The limit these figures are measured against.
    pub limit: u64,
}

/// The limiter of one store (one instance).
pub(crate) struct Limiter {
    memory_limit: u64,
    table_elements_limit: usize,
    global: Arc<MemoryCounters>,
    global_limit: u64,
    module: Arc<MemoryCounters>,
    held: u64,
    pub exceeded: Option<String>,
}

impl Limiter {
    pub fn new(
        memory_limit: u64,
        table_elements_limit: usize,
        global: Arc<MemoryCounters>,
        global_limit: u64,
        module: Arc<MemoryCounters>,
    ) -> Self {
        Self {
            memory_limit,
            table_elements_limit,
            global,
            global_limit,
            module,
            held: 0,
            exceeded: None,
        }
    }

    /// Bytes of memories and tables this store holds.
    pub fn held(&self) -> u64 {
        self.held
    }

    fn refuse(&mut self, msg: String) -> wasmtime::Result<bool> {
        self.exceeded = Some(msg.clone());
        Err(wasmtime::Error::new(LimitExceeded(msg)))
    }

    /// Charges `by` more bytes (`what` grows) to the instance, its module
    /// and the runtime. Every memory and table of the instance counts
    /// against one instance budget: many memories cannot each take the
    /// whole limit.
    fn charge(&mut self, by: u64, what: &str) -> wasmtime::Result<bool> {
        let total = self.held.saturating_add(by);
        if total > self.memory_limit {
            return self.refuse(format!(
                "{what} brings the instance's memories and tables to {total} bytes, over its limit of {} bytes",
                self.memory_limit
            ));
        }
        let global_now = self.global.current.load(Ordering::Relaxed);
        if global_now.saturating_add(by) > self.global_limit {
            return self.refuse(format!(
                "{what} ({by} bytes) exceeds the runtime's global limit of {} bytes ({global_now} in use)",
                self.global_limit
            ));
        }
        self.held = total;
        self.module.grow(by);
        self.global.grow(by);
        Ok(true)
    }
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let (current, desired) = (current as u64, desired as u64);
        let by = desired.saturating_sub(current);
        self.charge(
            by,
            &format!("growing a linear memory from {current} to {desired} bytes"),
        )
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.table_elements_limit {
            return self.refuse(format!(
                "growing a table from {current} to {desired} elements exceeds the limit of {} elements",
                self.table_elements_limit
            ));
        }
        let by = (desired.saturating_sub(current) as u64).saturating_mul(TABLE_ELEMENT_BYTES);
        self.charge(
            by,
            &format!(
                "growing a table from {current} to {desired} elements ({TABLE_ELEMENT_BYTES} bytes each)"
            ),
        )
    }
}

impl Drop for Limiter {
    fn drop(&mut self) {
        if self.held > 0 {
            self.module.release(self.held);
            self.global.release(self.held);
        }
    }
}
