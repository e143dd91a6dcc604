//! Counters and histograms of the runtime, rendered in the Prometheus text
//! format by [`Metrics::render_prometheus`].

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use parking_lot::Mutex;

/// Upper bounds of the call-duration histogram, in seconds.
pub const DURATION_BUCKETS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 1.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    buckets: [u64; DURATION_BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Modules with a duration series of their own in `/metrics`; calls of
/// further modules are counted under [`OTHER_MODULES`].
pub const MAX_MODULE_SERIES: usize = 1000;

/// The series of the modules past [`MAX_MODULE_SERIES`].
pub const OTHER_MODULES: &str = "(other)";

/// Runtime metrics. Cheap to update: atomics for totals, one short lock
/// for labelled series.
#[derive(Default)]
pub struct Metrics {
    module_loads: AtomicU64,
    compilations: AtomicU64,
    calls: AtomicU64,
    in_flight: AtomicU64,
    peak_in_flight: AtomicU64,
    queued: AtomicU64,
    errors: Mutex<BTreeMap<&'static str, u64>>,
    durations: Mutex<BTreeMap<String, Histogram>>,
}

/// A copy of the headline counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MetricsSnapshot {
    /// Modules loaded.
    pub module_loads: u64,
    /// Loads that compiled (neither cache had the module).
    pub compilations: u64,
    /// Calls started.
    pub calls: u64,
    /// Calls running now.
    pub in_flight: u64,
    /// The most calls that ran at once.
    pub peak_in_flight: u64,
    /// Calls waiting for a slot now.
    pub queued: u64,
    /// Failed calls, all kinds.
    pub errors: u64,
}

impl Metrics {
    pub(crate) fn module_loaded(&self, compiled: bool) {
        self.module_loads.fetch_add(1, Ordering::Relaxed);
        if compiled {
            self.compilations.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn queued(&self, delta: i64) {
        if delta >= 0 {
            self.queued.fetch_add(delta as u64, Ordering::Relaxed);
        } else {
            self.queued.fetch_sub(delta.unsigned_abs(), Ordering::Relaxed);
        }
    }

    pub(crate) fn call_started(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let now = self.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak_in_flight.fetch_max(now, Ordering::Relaxed);
    }

    /// A call whose caller stopped waiting: it no longer runs, and no
    /// result is reported.
    pub(crate) fn call_abandoned(&self) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
    }

    pub(crate) fn call_finished(&self, module: &str, elapsed: Duration, error_kind: Option<&'static str>) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        if let Some(kind) = error_kind {
            *self.errors.lock().entry(kind).or_default() += 1;
        }
        let secs = elapsed.as_secs_f64();
        let mut durations = self.durations.lock();
        // Bounded: past MAX_MODULE_SERIES modules, the rest share one series.
        let key = if durations.contains_key(module) || durations.len() < MAX_MODULE_SERIES {
            module
        } else {
            OTHER_MODULES
        };
        let h = match durations.get_mut(key) {
            Some(h) => h,
            None => durations.entry(key.to_string()).or_default(),
        };
        h.count += 1;
        h.sum += secs;
        for (i, le) in DURATION_BUCKETS.iter().enumerate() {
            if secs <= *le {
                h.buckets[i] += 1;
            }
        }
    }

    /// Drops the duration series of an unloaded module.
    pub(crate) fn forget_module(&self, module: &str) {
        self.durations.lock().remove(module);
    }

    /// Calls waiting for a concurrency slot right now (one atomic load;
    /// what [`Self::snapshot`]'s `queued` reports).
    pub fn queued_now(&self) -> u64 {
        self.queued.load(Ordering::Relaxed)
    }

    /// The headline counters.
    pub fn snapshot(&self) -> MetricsSnapshot {
        MetricsSnapshot {
            module_loads: self.module_loads.load(Ordering::Relaxed),
            compilations: self.compilations.load(Ordering::Relaxed),
            calls: self.calls.load(Ordering::Relaxed),
            in_flight: self.in_flight.load(Ordering::Relaxed),
            peak_in_flight: self.peak_in_flight.load(Ordering::Relaxed),
            queued: self.queued.load(Ordering::Relaxed),
            errors: self.errors.lock().values().sum(),
        }
    }

    /// Failed calls by `Error::kind()`.
    pub fn errors_by_kind(&self) -> BTreeMap<&'static str, u64> {
        self.errors.lock().clone()
    }

    /// The metrics in the Prometheus text exposition format (version 0.0.4).
    pub fn render_prometheus(&self) -> String {
        let s = self.snapshot();
        let mut out = String::new();
        let mut counter = |name: &str, help: &str, kind: &str, v: u64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {v}");
        };
        counter(
            "echelon_module_loads_total",
            "Modules loaded.",
            "counter",
            s.module_loads,
        );
        counter(
            "echelon_module_compilations_total",
            "Module loads that compiled.",
            "counter",
            s.compilations,
        );
        counter("echelon_calls_total", "Calls started.", "counter", s.calls);
        counter(
            "echelon_calls_in_flight",
            "Calls running now.",
            "gauge",
            s.in_flight,
        );
        counter(
            "echelon_calls_queued",
            "Calls waiting for a slot.",
            "gauge",
            s.queued,
        );
        let _ = writeln!(
            out,
            "# HELP echelon_call_errors_total Failed calls by kind.\n# TYPE echelon_call_errors_total counter"
        );
        for (kind, n) in self.errors.lock().iter() {
            let _ = writeln!(out, "echelon_call_errors_total{{kind=\"{kind}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP echelon_call_duration_seconds Call durations.\n# TYPE echelon_call_duration_seconds histogram"
        );
        for (module, h) in self.durations.lock().iter() {
            let m = escape(module);
            for (i, le) in DURATION_BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "echelon_call_duration_seconds_bucket{{module=\"{m}\",le=\"{le}\"}} {}",
                    h.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "echelon_call_duration_seconds_bucket{{module=\"{m}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "echelon_call_duration_seconds_sum{{module=\"{m}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "echelon_call_duration_seconds_count{{module=\"{m}\"}} {}",
                h.count
            );
        }
        out
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
