//! A loaded module: its compiled code, what it imports and exports, the
//! high-level signatures of its functions, and its counters.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use echelon_shared::abi::{self, Signature};
use parking_lot::Mutex;
use serde::Serialize;
use wasmtime::{ExternType, InstancePre, Module};

use super::instance::LiveInstance;
use super::limits::MemoryCounters;
use super::store::StoreState;
use super::values::{ParamType, ValKind};
use crate::error::ValidationKind;
use crate::{Error, Result};

/// One export, as [`ModuleInfo`] lists it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ExportInfo {
    /// Export name.
    pub name: String,
    /// `func`, `memory`, `global`, `table` or `tag`.
    pub kind: &'static str,
    /// For functions: the high-level signature (from `echelon:abi`) or the
    /// core one, e.g. `add(i32, i32) -> i32`. For others: the type.
    pub signature: String,
}

/// One import, as [`ModuleInfo`] lists it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ImportInfo {
    /// Import module, e.g. `env`.
    pub module: String,
    /// Import name, e.g. `log`.
    pub name: String,
    /// `func`, `memory`, `global`, `table` or `tag`.
    pub kind: &'static str,
    /// The type.
    pub signature: String,
}

/// A module's first memory, as declared.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct MemoryInfo {
    /// Initial size in pages.
    pub minimum_pages: u64,
    /// Maximum size in pages, if declared.
    pub maximum_pages: Option<u64>,
    /// Whether the memory is shared (threads).
    pub shared: bool,
    /// Whether it is imported rather than defined.
    pub imported: bool,
}

/// What the runtime knows about a loaded module (the spec's
/// `WASMModuleInfo`).
#[derive(Debug, Clone, Serialize)]
pub struct ModuleInfo {
    /// Module id.
    pub id: String,
    /// Size of the module bytes.
    pub size: u64,
    /// sha256 of the module bytes, hex.
    pub sha256: String,
    /// Where it came from (`file:...`, a URL, `bytes`, ...).
    pub source: String,
    /// When it was loaded.
    pub loaded_at: SystemTime,
    /// Calls made.
    pub execution_count: u64,
    /// When it was last called.
    pub last_executed: Option<SystemTime>,
    /// Exports (a page of them when the info came from
    /// [`WasmRuntime::get_module_page`](crate::WasmRuntime::get_module_page)).
    pub exports: Vec<ExportInfo>,
    /// How many exports the module has.
    pub export_count: usize,
    /// Imports (paged like `exports`).
    pub imports: Vec<ImportInfo>,
    /// How many imports the module has.
    pub import_count: usize,
    /// The first memory, if any.
    pub memory: Option<MemoryInfo>,
    /// Whether an `echelon:abi` section describes its functions.
    pub has_abi: bool,
    /// Whether a persistent instance exists.
    pub instantiated: bool,
    /// The sandbox its persistent instance runs under.
    pub sandbox: Option<String>,
}

/// A linked module ready to instantiate: (host-function registry version it
/// was linked against, the pre-instance, whether it needs `call_async`).
pub(crate) type LinkedPre = (u64, InstancePre<StoreState>, bool);

/// How to call one exported function.
#[derive(Debug, Clone)]
pub(crate) struct FuncShape {
    pub params: Vec<ParamType>,
    pub results: Vec<ParamType>,
    /// The export's core result types (what the call writes), known at load
    /// so that a call does not ask the engine for the function's type.
    pub core_results: Vec<ValKind>,
    pub abi: Option<Signature>,
}

pub(crate) struct LoadedModule {
    pub id: String,
    pub module: Module,
    /// The module bytes (sandbox checks and instrumentation need them).
    pub bytes: Arc<Vec<u8>>,
    /// Call-depth-instrumented compilations, by depth limit.
    pub instrumented: Mutex<HashMap<u32, Module>>,
    /// Linked forms under sandboxes, by sandbox id: (host version, pre, async).
    pub sandbox_pre: Mutex<HashMap<String, LinkedPre>>,
    pub sha256: String,
    pub size: u64,
    pub source: String,
    pub loaded_at: SystemTime,
    pub funcs: HashMap<String, FuncShape>,
    pub exports: Vec<ExportInfo>,
    pub imports: Vec<ImportInfo>,
    pub memory_decl: Option<MemoryInfo>,
    pub has_abi: bool,
    pub executions: AtomicU64,
    pub last_executed: Mutex<Option<SystemTime>>,
    pub memory: Arc<MemoryCounters>,
    /// The persistent instance used by `execute` (created on demand).
    /// Shared so that a call can hold its lock while it waits for an
    /// execution slot and on the guest thread (`lock_owned`).
    pub instance: Arc<tokio::sync::Mutex<Option<LiveInstance>>>,
    /// Idle instances for `InstanceMode::Pooled` calls.
    pub pool: Mutex<Vec<LiveInstance>>,
    /// Linked, ready-to-instantiate form, keyed by the host-function
    /// registry version it was linked against.
    pub pre: Mutex<Option<LinkedPre>>,
    pub sandbox: Mutex<Option<String>>,
    /// The options of the last `instantiate`, reused when the persistent
    /// instance is recreated (after a trap discarded it).
    pub options: Mutex<Option<super::InstantiateOptions>>,
}

impl LoadedModule {
    pub fn new(
        id: String,
        module: Module,
        bytes: Arc<Vec<u8>>,
        sha256: String,
        source: String,
        abi_text: Option<&str>,
    ) -> Result<Self> {
        let size = bytes.len() as u64;
        let sigs = match abi_text {
            Some(t) => abi::parse_section(t).map_err(|e| Error::Validation {
                kind: ValidationKind::MalformedSection,
                message: format!("the {} custom section is malformed: {e}", abi::SECTION_NAME),
                offset: None,
            })?,
            None => Vec::new(),
        };
        let mut by_name: HashMap<String, Signature> = sigs.into_iter().map(|s| (s.name.clone(), s)).collect();
        let mut funcs = HashMap::new();
        let mut exports = Vec::new();
        for export in module.exports() {
            let name = export.name().to_string();
            match export.ty() {
                ExternType::Func(ft) => {
                    let core_params: Option<Vec<ValKind>> = ft.params().map(|t| ValKind::of(&t)).collect();
                    let core_results: Option<Vec<ValKind>> = ft.results().map(|t| ValKind::of(&t)).collect();
                    let core_sig = format!(
                        "{name}({}) -> {}",
                        ft.params().map(|t| t.to_string()).collect::<Vec<_>>().join(", "),
                        match ft.results().len() {
                            0 => "()".to_string(),
                            _ => ft.results().map(|t| t.to_string()).collect::<Vec<_>>().join(", "),
                        }
                    );
                    let (Some(core_params), Some(core_results)) = (core_params, core_results) else {
                        // GC-typed functions are listed but not callable.
                        exports.push(ExportInfo {
                            name,
                            kind: "func",
                            signature: core_sig,
                        });
                        continue;
                    };
                    let shape = match by_name.remove(&name) {
                        Some(sig) => {
                            let lowered: Vec<ValKind> =
                                sig.core_params().into_iter().map(ValKind::from).collect();
                            let lowered_result: Vec<ValKind> =
                                sig.core_result().map(ValKind::from).into_iter().collect();
                            if lowered != core_params || lowered_result != core_results {
                                return Err(Error::Validation {
                                    kind: ValidationKind::TypeMismatch,
                                    message: format!(
                                        "{} describes `{sig}`, which lowers to ({}) -> ({}), but the export's type is {core_sig}",
                                        abi::SECTION_NAME,
                                        lowered.iter().map(|k| k.name()).collect::<Vec<_>>().join(", "),
                                        lowered_result.iter().map(|k| k.name()).collect::<Vec<_>>().join(", "),
                                    ),
                                    offset: None,
                                });
                            }
                            exports.push(ExportInfo {
                                name: name.clone(),
                                kind: "func",
                                signature: sig.to_string(),
                            });
                            FuncShape {
                                params: sig.params.iter().map(|p| ParamType::Abi(p.ty)).collect(),
                                results: sig.result.map(ParamType::Abi).into_iter().collect(),
                                core_results,
                                abi: Some(sig),
                            }
                        }
                        None => {
                            exports.push(ExportInfo {
                                name: name.clone(),
                                kind: "func",
                                signature: core_sig,
                            });
                            FuncShape {
                                params: core_params.into_iter().map(ParamType::Core).collect(),
                                results: core_results.iter().copied().map(ParamType::Core).collect(),
                                core_results,
                                abi: None,
                            }
                        }
                    };
                    funcs.insert(name, shape);
                }
                other => exports.push(ExportInfo {
                    name,
                    kind: kind_name(&other),
                    signature: type_text(&other),
                }),
            }
        }
        if let Some(stray) = by_name.keys().next() {
            return Err(Error::Validation {
                kind: ValidationKind::MalformedSection,
                message: format!(
                    "{} describes `{stray}`, which the module does not export",
                    abi::SECTION_NAME
                ),
                offset: None,
            });
        }
        let imports: Vec<ImportInfo> = module
            .imports()
            .map(|i| ImportInfo {
                module: i.module().to_string(),
                name: i.name().to_string(),
                kind: kind_name(&i.ty()),
                signature: type_text(&i.ty()),
            })
            .collect();
        let memory_decl = module
            .imports()
            .filter_map(|i| match i.ty() {
                ExternType::Memory(m) => Some(memory_info(&m, true)),
                _ => None,
            })
            .chain(module.exports().filter_map(|e| match e.ty() {
                ExternType::Memory(m) => Some(memory_info(&m, false)),
                _ => None,
            }))
            .next();
        Ok(Self {
            id,
            module,
            bytes,
            instrumented: Mutex::new(HashMap::new()),
            sandbox_pre: Mutex::new(HashMap::new()),
            sha256,
            size,
            source,
            loaded_at: SystemTime::now(),
            funcs,
            exports,
            imports,
            memory_decl,
            has_abi: abi_text.is_some(),
            executions: AtomicU64::new(0),
            last_executed: Mutex::new(None),
            memory: Arc::new(MemoryCounters::default()),
            instance: Arc::new(tokio::sync::Mutex::new(None)),
            pool: Mutex::new(Vec::new()),
            pre: Mutex::new(None),
            sandbox: Mutex::new(None),
            options: Mutex::new(None),
        })
    }

    /// Everything known about the module, every export and import.
    pub fn info(&self) -> ModuleInfo {
        self.info_page(0, usize::MAX)
    }

    /// The module's info with at most `limit` exports and imports, from
    /// `offset` on: its cost is bounded by `limit`, not by the module.
    pub fn info_page(&self, offset: usize, limit: usize) -> ModuleInfo {
        fn page<T: Clone>(all: &[T], offset: usize, limit: usize) -> Vec<T> {
            all.iter().skip(offset).take(limit).cloned().collect()
        }
        ModuleInfo {
            id: self.id.clone(),
            size: self.size,
            sha256: self.sha256.clone(),
            source: self.source.clone(),
            loaded_at: self.loaded_at,
            execution_count: self.executions.load(Ordering::Relaxed),
            last_executed: *self.last_executed.lock(),
            exports: page(&self.exports, offset, limit),
            export_count: self.exports.len(),
            imports: page(&self.imports, offset, limit),
            import_count: self.imports.len(),
            memory: self.memory_decl,
            has_abi: self.has_abi,
            instantiated: self.instance.try_lock().map(|i| i.is_some()).unwrap_or(true),
            sandbox: self.sandbox.lock().clone(),
        }
    }

    /// The module as a listing shows it: counts, and the signatures of at
    /// most `max_exports` exports.
    pub fn summary(&self, max_exports: usize) -> ModuleSummary {
        ModuleSummary {
            id: self.id.clone(),
            size: self.size,
            sha256: self.sha256.clone(),
            exports: self
                .exports
                .iter()
                .take(max_exports)
                .map(|e| e.signature.clone())
                .collect(),
            export_count: self.exports.len(),
            import_count: self.imports.len(),
            execution_count: self.executions.load(Ordering::Relaxed),
            has_abi: self.has_abi,
            sandbox: self.sandbox.lock().clone(),
        }
    }
}

/// A loaded module in a listing ([`WasmRuntime::module_summaries`](crate::WasmRuntime::module_summaries)):
/// what [`ModuleInfo`] holds, less the full export and import lists, so
/// that listing stays cheap whatever the modules export.
#[derive(Debug, Clone, Serialize)]
pub struct ModuleSummary {
    /// Module id.
    pub id: String,
    /// Size of the module bytes.
    pub size: u64,
    /// sha256 of the module bytes, hex.
    pub sha256: String,
    /// Signatures of the first exports (`name(params) -> results`).
    pub exports: Vec<String>,
    /// How many exports the module has (`exports` may show fewer).
    pub export_count: usize,
    /// How many imports the module has.
    pub import_count: usize,
    /// Calls made.
    pub execution_count: u64,
    /// Whether an `echelon:abi` section describes its functions.
    pub has_abi: bool,
    /// The sandbox its persistent instance runs under.
    pub sandbox: Option<String>,
}

fn memory_info(m: &wasmtime::MemoryType, imported: bool) -> MemoryInfo {
    MemoryInfo {
        minimum_pages: m.minimum(),
        maximum_pages: m.maximum(),
        shared: m.is_shared(),
        imported,
    }
}

fn kind_name(t: &ExternType) -> &'static str {
    match t {
        ExternType::Func(_) => "func",
        ExternType::Memory(_) => "memory",
        ExternType::Global(_) => "global",
        ExternType::Table(_) => "table",
        ExternType::Tag(_) => "tag",
    }
}

fn type_text(t: &ExternType) -> String {
    match t {
        ExternType::Func(f) => format!(
            "({}) -> ({})",
            f.params().map(|t| t.to_string()).collect::<Vec<_>>().join(", "),
            f.results().map(|t| t.to_string()).collect::<Vec<_>>().join(", ")
        ),
        ExternType::Memory(m) => format!(
            "memory {}{}{}",
            m.minimum(),
            m.maximum().map(|x| format!(" {x}")).unwrap_or_default(),
            if m.is_shared() { " shared" } else { "" }
        ),
        ExternType::Global(g) => format!(
            "global {}{}",
            if g.mutability() == wasmtime::Mutability::Var {
                "mut "
            } else {
                ""
            },
            g.content()
        ),
        ExternType::Table(t) => format!("table {} {}", t.minimum(), t.element()),
        ExternType::Tag(_) => "tag".into(),
    }
}

/// Reads the `echelon:abi` custom section's text, if present.
pub(crate) fn abi_section(bytes: &[u8]) -> Result<Option<String>> {
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|e| Error::Validation {
            kind: ValidationKind::MalformedSection,
            message: e.message().to_string(),
            offset: Some(e.offset()),
        })?;
        if let wasmparser::Payload::CustomSection(c) = payload {
            if c.name() == abi::SECTION_NAME {
                let text = std::str::from_utf8(c.data()).map_err(|_| Error::Validation {
                    kind: ValidationKind::MalformedSection,
                    message: format!("the {} custom section is not UTF-8", abi::SECTION_NAME),
                    offset: Some(c.data_offset()),
                })?;
                return Ok(Some(text.to_string()));
            }
        }
    }
    Ok(None)
}
