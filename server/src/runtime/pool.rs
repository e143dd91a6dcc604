//! The threads guest code runs on.
//!
//! Guest code never runs on the async runtime's worker threads: a call that
//! spins for its whole timeout would otherwise hold a worker, and every
//! request scheduled on it (a health check, a static file) would wait. Each
//! call (instantiation, the export, the ABI's alloc/free) runs instead on
//! one of the runtime's own guest threads, at most
//! [`RuntimeConfig::max_concurrent_executions`](super::RuntimeConfig) of
//! them, started on demand and kept for the runtime's life. A job is a
//! future: the thread drives it with [`tokio::runtime::Handle::block_on`], so
//! async host functions and WASI calls still use the caller's runtime (its
//! timers and I/O) while the wasm itself runs on the guest thread.
//!
//! On Linux the guest threads run at a lower scheduling priority (nice
//! [`GUEST_THREAD_NICE`]) than the rest of the process: when more guests
//! spin than there are cores, the async workers still get a core as soon
//! as a request arrives, so a health check is not queued behind them.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::{Error, Result};

type Job = Box<dyn FnOnce() + Send>;

/// The nice value of guest threads on Linux (the process's other threads
/// keep theirs, normally 0): CPU-bound guests yield the cores to the
/// server's own work first.
pub const GUEST_THREAD_NICE: i32 = 10;

/// Lowers the calling thread's priority (Linux: `setpriority` on the
/// thread id affects that thread only). Failure only costs latency.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: `gettid` has no preconditions; `setpriority` with
    // PRIO_PROCESS and a thread id changes that thread's nice value and
    // touches no memory of ours.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        if libc::setpriority(libc::PRIO_PROCESS, tid, GUEST_THREAD_NICE) != 0 {
            tracing::debug!("cannot lower a guest thread's priority");
        }
    }
}

/// A bounded set of threads that run guest code.
pub(crate) struct GuestPool {
    jobs: mpsc::Sender<Job>,
    queue: Arc<Mutex<mpsc::Receiver<Job>>>,
    /// Threads waiting for a job (counted from their start).
    idle: Arc<AtomicUsize>,
    /// Jobs submitted and not yet taken by a thread.
    queued: Arc<AtomicUsize>,
    /// Threads started (never more than `max`).
    started: AtomicUsize,
    /// Guards thread creation, so two submitters never both start the last
    /// allowed thread.
    spawning: Mutex<()>,
    max: usize,
    stack_size: usize,
}

impl GuestPool {
    /// A pool of at most `max` threads, each with a native stack of
    /// `stack_size` bytes (room for the wasm stack limit plus host frames).
    pub fn new(max: usize, stack_size: usize) -> Self {
        let (jobs, queue) = mpsc::channel();
        Self {
            jobs,
            queue: Arc::new(Mutex::new(queue)),
            idle: Arc::new(AtomicUsize::new(0)),
            queued: Arc::new(AtomicUsize::new(0)),
            started: AtomicUsize::new(0),
            spawning: Mutex::new(()),
            max: max.max(1),
            stack_size,
        }
    }

    /// Runs `fut` to completion on a guest thread and returns its output.
    ///
    /// Must be awaited inside a tokio runtime (its handle drives the
    /// future's timers and I/O). If the caller stops awaiting, the job
    /// still runs to its end (calls are bounded by their deadline).
    pub async fn run<F>(&self, fut: F) -> Result<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let handle = tokio::runtime::Handle::try_current().map_err(|_| {
            Error::Engine(
                "WasmRuntime calls must be awaited inside a tokio runtime (guest threads use its timers and I/O)"
                    .into(),
            )
        })?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let out = handle.block_on(fut);
            // The caller may have stopped waiting; the output is then dropped.
            let _ = tx.send(out);
        });
        self.submit(job)?;
        rx.await.map_err(|_| {
            Error::Engine(
                "a guest thread panicked while running a call (see the log for the panic message)".into(),
            )
        })
    }

    fn submit(&self, job: Job) -> Result<()> {
        self.queued.fetch_add(1, Ordering::AcqRel);
        if let Err(e) = self.jobs.send(job) {
            self.queued.fetch_sub(1, Ordering::AcqRel);
            drop(e);
            return Err(Error::Engine("the guest thread pool is shut down".into()));
        }
        // A thread per waiting job, up to the maximum. A worker lowers
        // `idle` before `queued` when it takes a job, so a racing submitter
        // may start one thread too many (bounded by `max`), never too few.
        let _turn = self.spawning.lock();
        while self.queued.load(Ordering::Acquire) > self.idle.load(Ordering::Acquire)
            && self.started.load(Ordering::Relaxed) < self.max
        {
            if !self.spawn()? {
                break;
            }
        }
        Ok(())
    }

    /// Starts a thread; `Ok(false)` when the system refuses one but others
    /// already run (they take the job in turn).
    fn spawn(&self) -> Result<bool> {
        let n = self.started.load(Ordering::Relaxed);
        let queue = self.queue.clone();
        let idle = self.idle.clone();
        let queued = self.queued.clone();
        // Counted idle from the start, so the next submitter does not start
        // another thread for the job this one is about to take.
        idle.fetch_add(1, Ordering::AcqRel);
        let spawned = std::thread::Builder::new()
            .name(format!("echelon-guest-{n}"))
            .stack_size(self.stack_size)
            .spawn(move || worker(&queue, &idle, &queued));
        match spawned {
            Ok(_) => {
                self.started.fetch_add(1, Ordering::Relaxed);
                Ok(true)
            }
            Err(e) => {
                self.idle.fetch_sub(1, Ordering::AcqRel);
                if n > 0 {
                    // Threads already running will take the job in turn.
                    tracing::warn!(error = %e, "cannot start another guest thread");
                    Ok(false)
                } else {
                    Err(Error::Engine(format!("cannot start a guest thread: {e}")))
                }
            }
        }
    }
}

fn worker(queue: &Mutex<mpsc::Receiver<Job>>, idle: &AtomicUsize, queued: &AtomicUsize) {
    lower_priority();
    loop {
        let job = queue.lock().recv();
        let Ok(job) = job else {
            // The pool was dropped: no more jobs.
            return;
        };
        idle.fetch_sub(1, Ordering::AcqRel);
        queued.fetch_sub(1, Ordering::AcqRel);
        if let Err(panic) = std::panic::catch_unwind(AssertUnwindSafe(job)) {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            tracing::error!(%message, "a job panicked on a guest thread");
        }
        idle.fetch_add(1, Ordering::AcqRel);
    }
}
