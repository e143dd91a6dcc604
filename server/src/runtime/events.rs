//! Runtime events (`on`/`off`): module loads, call start/complete/error and
//! sandbox violations.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use parking_lot::RwLock;
use serde::Serialize;

/// The kinds of event, named as in the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum EventType {
    /// `wasm:module:loaded`
    ModuleLoaded,
    /// `wasm:exec:start`
    ExecStart,
    /// `wasm:exec:complete`
    ExecComplete,
    /// `wasm:exec:error`
    ExecError,
    /// `wasm:sandbox:violation`
    SandboxViolation,
}

impl EventType {
    /// The spec's event name, e.g. `wasm:exec:start`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::ModuleLoaded => "wasm:module:loaded",
            EventType::ExecStart => "wasm:exec:start",
            EventType::ExecComplete => "wasm:exec:complete",
            EventType::ExecError => "wasm:exec:error",
            EventType::SandboxViolation => "wasm:sandbox:violation",
        }
    }
}

/// What kind of limit or rule a sandbox violation broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ViolationKind {
    /// A memory or table limit.
    Memory,
    /// A time limit.
    Time,
    /// An instruction (fuel) or call-depth limit.
    Cpu,
    /// A capability that was not granted.
    Capability,
}

impl std::fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ViolationKind::Memory => "memory",
            ViolationKind::Time => "time",
            ViolationKind::Cpu => "cpu",
            ViolationKind::Capability => "capability",
        })
    }
}

/// A sandbox violation, as recorded on the sandbox and emitted as
/// `wasm:sandbox:violation`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// The sandbox's id.
    pub sandbox_id: String,
    /// The module that broke the rule.
    pub module_id: String,
    /// Which kind of rule.
    #[serde(rename = "type")]
    pub kind: ViolationKind,
    /// What happened.
    pub message: String,
    /// When.
    pub timestamp: SystemTime,
}

/// An event and its data.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RuntimeEvent {
    /// A module was loaded.
    ModuleLoaded {
        /// Module id.
        module_id: String,
        /// Size in bytes.
        size: u64,
        /// sha256 of the bytes.
        sha256: String,
        /// `memory`, `disk` or `compiled`: where the compiled code came from.
        origin: &'static str,
        /// Time to load.
        duration: Duration,
    },
    /// A call started.
    ExecStart {
        /// Module id.
        module_id: String,
        /// Export called.
        function: String,
        /// Unique per call.
        execution_id: u64,
    },
    /// A call completed.
    ExecComplete {
        /// Module id.
        module_id: String,
        /// Export called.
        function: String,
        /// Unique per call.
        execution_id: u64,
        /// Time spent in the call (excluding queueing).
        duration: Duration,
        /// Fuel consumed, when metered.
        gas_used: Option<u64>,
    },
    /// A call failed.
    ExecError {
        /// Module id.
        module_id: String,
        /// Export called.
        function: String,
        /// Unique per call.
        execution_id: u64,
        /// `Error::kind()`.
        kind: &'static str,
        /// The error's message.
        message: String,
    },
    /// A sandbox refused something.
    SandboxViolation(Violation),
}

impl RuntimeEvent {
    /// The event's type.
    pub fn event_type(&self) -> EventType {
        match self {
            RuntimeEvent::ModuleLoaded { .. } => EventType::ModuleLoaded,
            RuntimeEvent::ExecStart { .. } => EventType::ExecStart,
            RuntimeEvent::ExecComplete { .. } => EventType::ExecComplete,
            RuntimeEvent::ExecError { .. } => EventType::ExecError,
            RuntimeEvent::SandboxViolation(_) => EventType::SandboxViolation,
        }
    }
}

/// A registered handler; pass it to `off` to remove it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ListenerId(u64);

type Handler = Arc<dyn Fn(&RuntimeEvent) + Send + Sync>;

/// Handlers by event type. Handlers run synchronously on the thread that
/// raised the event, so they should be quick (send to a channel for
/// anything slow).
#[derive(Default)]
pub(crate) struct EventBus {
    next: AtomicU64,
    handlers: RwLock<Vec<(ListenerId, EventType, Handler)>>,
}

impl EventBus {
    pub fn on(&self, ty: EventType, handler: Handler) -> ListenerId {
        let id = ListenerId(self.next.fetch_add(1, Ordering::Relaxed));
        self.handlers.write().push((id, ty, handler));
        id
    }

    pub fn off(&self, id: ListenerId) -> bool {
        let mut h = self.handlers.write();
        let before = h.len();
        h.retain(|(i, _, _)| *i != id);
        h.len() != before
    }

    /// Whether anyone listens for `ty` (to skip building events nobody
    /// reads on the hot path).
    pub fn wants(&self, ty: EventType) -> bool {
        self.handlers.read().iter().any(|(_, t, _)| *t == ty)
    }

    pub fn emit(&self, event: RuntimeEvent) {
        let ty = event.event_type();
        let handlers: Vec<Handler> = self
            .handlers
            .read()
            .iter()
            .filter(|(_, t, _)| *t == ty)
            .map(|(_, _, h)| h.clone())
            .collect();
        for h in handlers {
            h(&event);
        }
    }
}
