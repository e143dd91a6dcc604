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

use std::collections::VecDeque;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use crate::{Error, Result};

/// A job, given the running thread's waker (made once per thread).
type Job = Box<dyn FnOnce(&std::task::Waker) + Send>;

/// The nice value of guest threads on Linux (the process's other threads
/// keep theirs, normally 0): CPU-bound guests yield the cores to the
/// server's own work first.
pub const GUEST_THREAD_NICE: i32 = 10;

/// How long an idle guest thread watches the queue before it sleeps.
///
/// A sleeping thread costs the next call a futex wake-up and a trip
/// through the kernel's scheduler (tens of microseconds on a VM); a thread
/// that is still watching takes the job in well under one. Bursts of
/// short calls (a request handler's validation, a plugin hook per event)
/// come close together, so one thread keeps watching this long after each
/// job. At most [`GuestPool::spinners`] threads watch at once, and they
/// give the core away between checks ([`std::thread::yield_now`] after a
/// short run of `spin_loop` hints), so an idle pool costs at most that many
/// threads for this long after its last call.
pub const IDLE_SPIN: Duration = Duration::from_micros(100);

/// A runtime with at most this many live tasks per worker counts as idle
/// for [`CALLER_SPIN`] (a server's accept loop, a connection or two, its
/// timers); a loaded server has one task per open connection.
pub const IDLE_TASKS_PER_WORKER: usize = 4;

/// How long the caller of [`GuestPool::run`] polls for the result before
/// it parks its task: a call shorter than this (most numeric exports)
/// returns without waking the async runtime through the kernel. Bounded
/// well under a millisecond, so the async worker it runs on is held no
/// longer than a small poll of any other future would hold it.
pub const CALLER_SPIN: Duration = Duration::from_micros(20);

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
    shared: Arc<Shared>,
    max: usize,
    stack_size: usize,
}

/// What the pool's threads and its submitters share.
struct Shared {
    state: Mutex<State>,
    /// Signalled when a job arrives for a sleeping thread, or at shutdown.
    ready: Condvar,
    /// Jobs queued and not yet taken: read without the lock by watching
    /// threads.
    pending: AtomicUsize,
    /// How many threads may watch the queue at once, counting the threads
    /// running a job.
    spinners: usize,
}

struct State {
    jobs: VecDeque<Job>,
    /// Threads not running a job (watching, sleeping or between the two),
    /// counted from their start.
    idle: usize,
    /// Threads watching the queue.
    spinning: usize,
    /// Threads started (never more than `max`).
    started: usize,
    /// The pool was dropped: threads finish the queued jobs, then exit.
    closed: bool,
}

impl GuestPool {
    /// A pool of at most `max` threads, each with a native stack of
    /// `stack_size` bytes (room for the wasm stack limit plus host frames).
    pub fn new(max: usize, stack_size: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    jobs: VecDeque::new(),
                    idle: 0,
                    spinning: 0,
                    started: 0,
                    closed: false,
                }),
                ready: Condvar::new(),
                pending: AtomicUsize::new(0),
                spinners: Self::spinners(cores),
            }),
            max: max.max(1),
            stack_size,
        }
    }

    /// How many guest threads may watch the queue or run jobs while one
    /// watches, on a machine of `cores` cores: half of them (at least one),
    /// so watching never takes every core from the async workers, and a
    /// watching thread never competes with a running guest for a core.
    pub fn spinners(cores: usize) -> usize {
        (cores / 2).max(1)
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
        let metrics = handle.metrics();
        let idle_runtime = metrics.num_alive_tasks() <= IDLE_TASKS_PER_WORKER * metrics.num_workers();
        let (tx, mut rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |waker| {
            let out = drive(&handle, fut, waker);
            // The caller may have stopped waiting; the output is then dropped.
            let _ = tx.send(out);
        });
        let watched = self.submit(job)?;
        // Polling only pays when the caller's runtime has nothing else to
        // do: on a busy runtime the worker serves other tasks meanwhile,
        // and the result's wake-up costs no system call there.
        let poll = watched && idle_runtime;
        let lost = || {
            Error::Engine(
                "a guest thread panicked while running a call (see the log for the panic message)".into(),
            )
        };
        // When a watching thread took the job, a short call is done before
        // the task would have parked: poll for it a little (no waker
        // registered, so the guest thread's send wakes nothing), then park.
        // A job that went to a sleeping thread or the queue starts later
        // than that: park at once.
        if poll {
            let polled = Instant::now();
            let mut spins = 0u32;
            loop {
                match rx.try_recv() {
                    Ok(out) => return Ok(out),
                    Err(tokio::sync::oneshot::error::TryRecvError::Closed) => return Err(lost()),
                    Err(tokio::sync::oneshot::error::TryRecvError::Empty) => {}
                }
                spins += 1;
                if spins.is_multiple_of(32) && polled.elapsed() >= CALLER_SPIN {
                    break;
                }
                std::hint::spin_loop();
            }
        }
        rx.await.map_err(|_| lost())
    }

    /// Queues `job`; true when a watching thread will take it at once.
    fn submit(&self, job: Job) -> Result<bool> {
        let shared = &self.shared;
        let mut st = shared.state.lock();
        if st.closed {
            return Err(Error::Engine("the guest thread pool is shut down".into()));
        }
        st.jobs.push_back(job);
        shared.pending.fetch_add(1, Ordering::Release);
        let watched = st.jobs.len() <= st.spinning;
        // Watching threads take jobs by themselves; wake a sleeper (if any)
        // only for the jobs they cannot cover.
        if !watched {
            shared.ready.notify_one();
        }
        // A thread per waiting job, up to the maximum.
        while st.jobs.len() > st.idle && st.started < self.max {
            if !self.spawn(&mut st)? {
                break;
            }
        }
        Ok(watched)
    }

    /// Starts a thread; `Ok(false)` when the system refuses one but others
    /// already run (they take the job in turn).
    fn spawn(&self, st: &mut State) -> Result<bool> {
        let n = st.started;
        let shared = self.shared.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("echelon-guest-{n}"))
            .stack_size(self.stack_size)
            .spawn(move || worker(&shared));
        match spawned {
            Ok(_) => {
                // Counted idle from the start, so the next submitter does
                // not start another thread for the job this one will take.
                st.idle += 1;
                st.started += 1;
                Ok(true)
            }
            Err(e) if n > 0 => {
                // Threads already running will take the job in turn.
                tracing::warn!(error = %e, "cannot start another guest thread");
                Ok(false)
            }
            Err(e) => Err(Error::Engine(format!("cannot start a guest thread: {e}"))),
        }
    }
}

impl Drop for GuestPool {
    fn drop(&mut self) {
        self.shared.state.lock().closed = true;
        self.shared.ready.notify_all();
    }
}

/// Watches the queue without the lock until a job may be waiting, for at
/// most [`IDLE_SPIN`].
fn watch(shared: &Shared) {
    let since = Instant::now();
    let mut spins = 0u32;
    loop {
        if shared.pending.load(Ordering::Acquire) > 0 {
            return;
        }
        spins += 1;
        if spins.is_multiple_of(64) {
            if since.elapsed() >= IDLE_SPIN {
                return;
            }
            // Give the core away between checks when another thread wants
            // it (a no-op on an idle core).
            std::thread::yield_now();
        } else {
            std::hint::spin_loop();
        }
    }
}

fn worker(shared: &Shared) {
    lower_priority();
    let waker = std::task::Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut st = shared.state.lock();
    // Whether this thread watched since its last job (it then sleeps).
    let mut watched = false;
    loop {
        if let Some(job) = st.jobs.pop_front() {
            shared.pending.fetch_sub(1, Ordering::AcqRel);
            st.idle -= 1;
            drop(st);
            run_job(job, &waker);
            st = shared.state.lock();
            st.idle += 1;
            watched = false;
            continue;
        }
        if st.closed {
            return;
        }
        // Watch only while the threads watching or running a job leave a
        // core to the rest of the process.
        let running = st.started - st.idle;
        if !watched && st.spinning + running < shared.spinners {
            st.spinning += 1;
            drop(st);
            watch(shared);
            st = shared.state.lock();
            st.spinning -= 1;
            watched = true;
            continue;
        }
        shared.ready.wait(&mut st);
        watched = false;
    }
}

/// Wakes a guest thread parked in [`drive`].
struct Unpark(std::thread::Thread);

impl std::task::Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `fut` to completion on this (guest) thread (`waker` unparks it) inside `handle`'s
/// context, so its timers and I/O use that runtime's drivers; the thread
/// parks while the future waits. Lighter than `Handle::block_on` for the
/// common case of a call that never waits (no runtime entry, no new RNG
/// seed, no budget bookkeeping).
fn drive<F: Future>(handle: &tokio::runtime::Handle, fut: F, waker: &std::task::Waker) -> F::Output {
    let _context = handle.enter();
    let mut cx = std::task::Context::from_waker(waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        if let std::task::Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::park();
    }
}

fn run_job(job: Job, waker: &std::task::Waker) {
    if let Err(panic) = std::panic::catch_unwind(AssertUnwindSafe(|| job(waker))) {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        tracing::error!(%message, "a job panicked on a guest thread");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Many more jobs than threads, some waiting on a timer, from several
    /// tasks at once: every job runs exactly once, on at most `max` threads,
    /// never on the runtime's own threads.
    #[test]
    fn every_job_runs_once_on_at_most_max_guest_threads() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let pool = Arc::new(GuestPool::new(3, 256 << 10));
        let ran = Arc::new(AtomicUsize::new(0));
        let names = Arc::new(Mutex::new(std::collections::BTreeSet::new()));
        rt.block_on(async {
            let mut tasks = Vec::new();
            for i in 0..400u64 {
                let (pool, ran, names) = (pool.clone(), ran.clone(), names.clone());
                tasks.push(tokio::spawn(async move {
                    pool.run(async move {
                        if i % 7 == 0 {
                            tokio::time::sleep(Duration::from_millis(1)).await;
                        }
                        let name = std::thread::current().name().unwrap_or("unnamed").to_string();
                        names.lock().insert(name);
                        ran.fetch_add(1, Ordering::SeqCst);
                        i
                    })
                    .await
                }));
            }
            for (i, t) in tasks.into_iter().enumerate() {
                assert_eq!(t.await.expect("task").expect("job"), i as u64);
            }
        });
        assert_eq!(ran.load(Ordering::SeqCst), 400);
        let names = names.lock();
        assert!(names.len() <= 3, "more threads than the maximum: {names:?}");
        assert!(names.iter().all(|n| n.starts_with("echelon-guest-")), "{names:?}");
        assert!(pool.shared.state.lock().started <= 3);
    }

    /// A job that panics is reported to its caller as an error; the thread
    /// survives and runs the next job.
    #[test]
    fn a_panicking_job_is_an_error_and_the_pool_goes_on() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let pool = GuestPool::new(1, 256 << 10);
        let failed = rt.block_on(pool.run(async { panic!("a guest thread panic in a test") }));
        let message = failed.expect_err("the panic is an error").to_string();
        assert!(message.contains("panicked"), "{message}");
        assert_eq!(rt.block_on(pool.run(async { 7 })).expect("the next job"), 7);
    }
}
