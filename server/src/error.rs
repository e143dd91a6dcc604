//! The crate's one error type.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

/// What went wrong, in the kinds a caller acts on (the spec's RuntimeError,
/// TimeoutError, MemoryError, TypeError, validation and sandbox errors).
///
/// Match on the variant, or on [`Error::kind`] for a stable string (the HTTP
/// API's `error.kind`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The guest trapped: divide by zero, out-of-bounds access,
    /// `unreachable`, stack overflow, or a guest ABI refusal (then
    /// `guest_message` holds the guest's `echelon_last_error`).
    #[error("`{function}` in module `{module}` trapped: {trap}{}", guest_message.as_ref().map(|m| format!(" ({m})")).unwrap_or_default())]
    Trap {
        /// Module id.
        module: String,
        /// Export called.
        function: String,
        /// The trap, e.g. "integer divide by zero".
        trap: String,
        /// The guest's own explanation, when it gave one.
        guest_message: Option<String>,
    },
    /// The call ran past its time limit and was interrupted.
    #[error("`{function}` in module `{module}` timed out after {} ms; raise ExecOptions::timeout or make the call cheaper", timeout.as_millis())]
    Timeout {
        /// Module id.
        module: String,
        /// Export called.
        function: String,
        /// The limit that was exceeded.
        timeout: Duration,
    },
    /// The call used all the fuel (instructions) it was given.
    #[error("`{function}` in module `{module}` ran out of fuel after {limit} units; raise the fuel limit")]
    OutOfFuel {
        /// Module id.
        module: String,
        /// Export called.
        function: String,
        /// Fuel granted.
        limit: u64,
    },
    /// A memory or table limit refused growth or instantiation.
    #[error("memory limit exceeded in module `{module}`: {message}")]
    Memory {
        /// Module id.
        module: String,
        /// What was requested and what the limit is.
        message: String,
    },
    /// Arguments or results do not match the function's signature.
    #[error("type error calling `{function}`: {message}")]
    Type {
        /// Export called (or host function).
        function: String,
        /// Which argument and what was expected.
        message: String,
    },
    /// The bytes are not a valid WebAssembly module.
    #[error("invalid WebAssembly module: {message}{}", offset.map(|o| format!(" (at byte offset {o:#x})")).unwrap_or_default())]
    Validation {
        /// The kind of defect.
        kind: ValidationKind,
        /// What is wrong.
        message: String,
        /// Byte offset of the defect in the module, when known.
        offset: Option<usize>,
    },
    /// A WASI guest called `proc_exit` with a non-zero code (with
    /// `allow_exit` granted).
    #[error("module `{module}` exited with code {code}")]
    Exit {
        /// Module id.
        module: String,
        /// The exit code.
        code: i32,
    },
    /// A sandbox refused something the module tried to do.
    #[error("sandbox violation ({kind}) in sandbox `{sandbox_id}`: {message}")]
    Sandbox {
        /// The sandbox's id.
        sandbox_id: String,
        /// memory, time, cpu or capability.
        kind: crate::runtime::ViolationKind,
        /// What was refused.
        message: String,
    },
    /// Instantiation failed (missing import, start function trap, ...).
    #[error("cannot instantiate module `{module}`: {message}")]
    Instantiation {
        /// Module id.
        module: String,
        /// Why.
        message: String,
    },
    /// No module, export, sandbox or host function by that name.
    #[error("{what} `{name}` not found")]
    NotFound {
        /// "module", "export", "sandbox", "host function", "native module".
        what: &'static str,
        /// The name looked up.
        name: String,
    },
    /// A module id is already taken by a different module.
    #[error("module id `{0}` is already loaded with different bytes; unload it first or choose another id")]
    AlreadyExists(String),
    /// Reading a file failed.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Downloading a module failed.
    #[error("cannot fetch {url}: {message}")]
    Fetch {
        /// The URL.
        url: String,
        /// Why.
        message: String,
    },
    /// A source was malformed (bad base64, oversized input, ...).
    #[error("invalid module source: {0}")]
    Source(String),
    /// The runtime was stopped.
    #[error("the runtime is stopped; call start() first")]
    Stopped,
    /// A host function failed.
    #[error("host function `{function}` failed: {message}")]
    Host {
        /// `module.name`.
        function: String,
        /// Its error.
        message: String,
    },
    /// A plugin manifest is malformed or asks for more than the server
    /// allows.
    #[error("invalid plugin manifest: {message}")]
    Manifest {
        /// Which field and why.
        message: String,
    },
    /// The key-value store refused or failed (a quota, a size cap, an I/O
    /// error of the database).
    #[error("key-value store: {message}")]
    Kv {
        /// What happened and what to do.
        message: String,
    },
    /// An engine error with no better category (a bug or an unsupported
    /// configuration).
    #[error("wasmtime: {0}")]
    Engine(String),
    /// The generator failed: a compile error, an invalid result, a Rust
    /// build that could not run or did not compile.
    #[error(transparent)]
    Generator(#[from] crate::generator::GeneratorError),
}

/// The defect a [`Error::Validation`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidationKind {
    /// The input does not start with `\0asm`.
    BadMagic,
    /// The binary format version is not 1 (a component, or garbage).
    UnsupportedVersion,
    /// A section is truncated or malformed.
    MalformedSection,
    /// Instructions or declarations do not type-check.
    TypeMismatch,
    /// The module uses a feature that is not enabled.
    UnsupportedFeature,
    /// The input is larger than the configured limit.
    TooLarge,
}

impl std::fmt::Display for ValidationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = match self {
            ValidationKind::BadMagic => "bad magic",
            ValidationKind::UnsupportedVersion => "unsupported version",
            ValidationKind::MalformedSection => "malformed section",
            ValidationKind::TypeMismatch => "type mismatch",
            ValidationKind::UnsupportedFeature => "unsupported feature",
            ValidationKind::TooLarge => "too large",
        };
        f.write_str(s)
    }
}

impl Error {
    /// A stable, lower-case name of the error's kind: `trap`, `timeout`,
    /// `out_of_fuel`, `memory`, `type`, `validation`, `sandbox`, `exit`,
    /// `instantiation`, `not_found`, `conflict`, `io`, `fetch`, `source`,
    /// `stopped`, `host`, `kv`, `manifest`, `engine`, `generator`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Trap { .. } => "trap",
            Error::Timeout { .. } => "timeout",
            Error::OutOfFuel { .. } => "out_of_fuel",
            Error::Memory { .. } => "memory",
            Error::Type { .. } => "type",
            Error::Validation { .. } => "validation",
            Error::Sandbox { .. } => "sandbox",
            Error::Exit { .. } => "exit",
            Error::Instantiation { .. } => "instantiation",
            Error::NotFound { .. } => "not_found",
            Error::AlreadyExists(_) => "conflict",
            Error::Io { .. } => "io",
            Error::Fetch { .. } => "fetch",
            Error::Source(_) => "source",
            Error::Stopped => "stopped",
            Error::Host { .. } => "host",
            Error::Kv { .. } => "kv",
            Error::Manifest { .. } => "manifest",
            Error::Engine(_) => "engine",
            Error::Generator(_) => "generator",
        }
    }

    pub(crate) fn not_found(what: &'static str, name: impl Into<String>) -> Self {
        Error::NotFound {
            what,
            name: name.into(),
        }
    }

    pub(crate) fn type_error(function: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Type {
            function: function.into(),
            message: message.into(),
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
