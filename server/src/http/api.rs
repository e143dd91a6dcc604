//! The module API: upload, list, inspect, delete and call plugins, plus
//! `/healthz` and `/metrics`.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::app::{AppConfig, AppState, PLUGIN_SANDBOX};
use super::error::ApiError;
use crate::manifest::PluginManifest;
use crate::runtime::{
    ExecOptions, InstanceMode, InstantiateOptions, KvUsage, LogLine, ModuleInfo, ModuleSummary, Value,
    WasmRuntime, WasmSource,
};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics))
        .route("/api/modules", get(list).post(upload))
        .route("/api/modules/{id}", get(info).delete(remove))
        .route("/api/modules/{id}/manifest", put(put_manifest).get(get_manifest))
        .route("/api/modules/{id}/call/{func}", post(call))
        .route("/api/generate", post(generate))
}

/// Export signatures a module shows in `GET /api/modules` (its
/// `export_count` is whole; `GET /api/modules/{id}` pages through the rest).
pub const LISTED_EXPORTS: usize = 32;

/// Exports and imports `GET /api/modules/{id}` shows when no `limit` is
/// given.
pub const DETAIL_PAGE: usize = 1000;
/// The largest `limit` of `GET /api/modules/{id}`.
pub const DETAIL_PAGE_MAX: usize = 10_000;

async fn list(State(s): State<AppState>) -> Json<Vec<ModuleSummary>> {
    Json(s.wasm.module_summaries(LISTED_EXPORTS))
}

/// `info` as clients see it: a module loaded from a file shows the file's
/// name, not the host's path to it.
fn public(mut info: ModuleInfo) -> ModuleInfo {
    for scheme in ["file:", "native:"] {
        if let Some(path) = info.source.strip_prefix(scheme) {
            let name = std::path::Path::new(path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            info.source = format!("{scheme}{name}");
        }
    }
    info
}

/// A module's info with its manifest and key-value usage.
#[derive(Debug, Serialize)]
pub struct ModuleDetail {
    #[serde(flatten)]
    info: ModuleInfo,
    /// The plugin manifest (`null`: the strict default).
    manifest: Option<PluginManifest>,
    /// What the plugin's key-value namespace holds.
    kv: Option<KvUsage>,
}

/// `?offset=&limit=` of `GET /api/modules/{id}`: which exports and imports
/// to show.
#[derive(Debug, Deserialize)]
struct Page {
    #[serde(default)]
    offset: usize,
    limit: Option<usize>,
}

async fn info(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(page): Query<Page>,
) -> Result<Json<ModuleDetail>, ApiError> {
    let limit = page.limit.unwrap_or(DETAIL_PAGE);
    if limit > DETAIL_PAGE_MAX {
        return Err(ApiError::bad_request(format!(
            "limit {limit} is larger than {DETAIL_PAGE_MAX}; page through the exports with offset"
        )));
    }
    let info = s
        .wasm
        .get_module_page(&id, page.offset, limit)
        .ok_or_else(|| ApiError::not_found(format!("module `{id}` not found")))?;
    let manifest = s.store.get(&id).and_then(|m| m.manifest);
    let kv = s.wasm.kv().ok().and_then(|kv| kv.usage(&id).ok());
    Ok(Json(ModuleDetail {
        info: public(info),
        manifest,
        kv,
    }))
}

/// A module refused when it was bound to its sandbox: what its own code
/// did there (a start function that traps, spins or asks for more memory
/// than it may have) is the upload's fault, 400, not the server's.
fn refused(e: crate::Error) -> ApiError {
    use crate::Error as E;
    let guests_fault = matches!(
        e,
        E::Trap { .. } | E::Timeout { .. } | E::OutOfFuel { .. } | E::Memory { .. } | E::Exit { .. }
    );
    let mut api = ApiError::from(e);
    if guests_fault {
        api.status = StatusCode::BAD_REQUEST;
    }
    api
}

/// Ids of the built-in modules, which uploads cannot take.
const RESERVED_IDS: [&str; 2] = [super::app::SHARED_MODULE, super::app::STREAM_MODULE];

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !id.starts_with('.')
}

/// The id of the sandbox uploaded module `id` runs under.
pub fn plugin_sandbox_id(id: &str) -> String {
    format!("{PLUGIN_SANDBOX}/{id}")
}

/// Puts uploaded module `id` under its own sandbox, made from its manifest
/// (or the strict default), and instantiates it there, so that a module
/// asking for more than it is granted is refused now rather than at its
/// first call.
pub(crate) async fn bind_plugin(
    wasm: &WasmRuntime,
    config: &AppConfig,
    id: &str,
    manifest: Option<&PluginManifest>,
) -> crate::Result<()> {
    let sandbox_id = plugin_sandbox_id(id);
    let sandbox = match manifest {
        Some(m) => m.sandbox_config(&config.plugin_sandbox),
        None => config.plugin_sandbox.clone(),
    };
    wasm.destroy_sandbox(&sandbox_id);
    wasm.create_sandbox(sandbox.id(&sandbox_id))?;
    let opts = InstantiateOptions {
        sandbox_id: Some(sandbox_id),
        ..Default::default()
    };
    wasm.instantiate(id, opts).await?;
    // Calls over HTTP get fresh instances: the one made to check the
    // manifest would only hold memory.
    wasm.release_instances(id).await
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("modules are limited to {limit} bytes"),
    )
}

/// Reads an upload: the raw module, or `multipart/form-data` with a
/// `module` part (the bytes) and an optional `manifest` part (JSON).
async fn read_upload(s: &AppState, req: Request) -> Result<(Bytes, Option<PluginManifest>), ApiError> {
    let limit = s.config.upload_limit;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit + MAX_MANIFEST_BYTES + 4096) {
        return Err(too_large(limit));
    }
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let bytes = axum::body::to_bytes(req.into_body(), limit)
            .await
            .map_err(|_| too_large(limit))?;
        return Ok((bytes, None));
    }
    let mut form = Multipart::from_request(req, s)
        .await
        .map_err(|e| ApiError::bad_request(format!("the upload is not valid multipart/form-data: {e}")))?;
    let (mut module, mut manifest) = (None, None);
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| ApiError::bad_request(format!("reading the upload failed: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let data = field
            .bytes()
            .await
            .map_err(|e| ApiError::bad_request(format!("reading part `{name}` failed: {e}")))?;
        match name.as_str() {
            "module" if data.len() > limit => return Err(too_large(limit)),
            "module" => module = Some(data),
            "manifest" if data.len() > MAX_MANIFEST_BYTES => {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    format!("manifests are limited to {MAX_MANIFEST_BYTES} bytes"),
                ))
            }
            "manifest" => manifest = Some(PluginManifest::from_json(&data)?),
            other => {
                return Err(ApiError::bad_request(format!(
                    "unknown part `{other}`; an upload has a `module` part and an optional `manifest` part"
                )))
            }
        }
    }
    let module = module.ok_or_else(|| ApiError::bad_request("the upload has no `module` part"))?;
    Ok((module, manifest))
}

/// Largest manifest accepted.
const MAX_MANIFEST_BYTES: usize = 256 * 1024;

async fn upload(
    State(s): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    req: Request,
) -> Result<impl IntoResponse, ApiError> {
    if let Some(id) = q.get("id") {
        if !valid_id(id) {
            return Err(ApiError::bad_request(format!(
                "module id `{id}` must be 1-64 letters, digits, '-', '_' or '.'"
            )));
        }
        if RESERVED_IDS.contains(&id.as_str()) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "reserved",
                format!(
                    "module id `{id}` is reserved for a built-in module ({}); choose another id",
                    RESERVED_IDS.join(", ")
                ),
            ));
        }
    }
    let (bytes, manifest) = read_upload(&s, req).await?;
    // Cheap checks first: the manifest before the module is compiled.
    if let Some(m) = &manifest {
        m.validate(&s.config.manifest_policy)?;
    }
    crate::runtime::validate(&bytes, crate::runtime::engine_features())?;
    // The sandbox's feature check (one validation pass) before compiling
    // on every core: a module the manifest cannot run is refused cheaply.
    let sandbox = match &manifest {
        Some(m) => m.sandbox_config(&s.config.plugin_sandbox),
        None => s.config.plugin_sandbox.clone(),
    };
    let probe_id = plugin_sandbox_id(q.get("id").map_or("(upload)", String::as_str));
    crate::sandbox::Sandbox::new(probe_id.clone(), sandbox)
        .check_module(&bytes)
        .map_err(|message| crate::Error::Sandbox {
            sandbox_id: probe_id,
            kind: crate::runtime::ViolationKind::Capability,
            message,
        })?;
    let info = match q.get("id") {
        Some(id) => {
            s.wasm
                .load_module_as(id, WasmSource::bytes(bytes.to_vec()))
                .await?
        }
        None => s.wasm.load_module(WasmSource::bytes(bytes.to_vec())).await?,
    };
    if let Err(e) = bind_plugin(&s.wasm, &s.config, &info.id, manifest.as_ref()).await {
        let _ = s.wasm.unload_module(&info.id).await;
        s.wasm.destroy_sandbox(&plugin_sandbox_id(&info.id));
        // A refused module leaves nothing behind in the caches (unless
        // another loaded module has the same bytes).
        if !s.wasm.has_module_bytes(&info.sha256) {
            s.wasm.loader().invalidate_cache(Some(&info.sha256));
        }
        return Err(refused(e));
    }
    s.store.put(&info.id, &info.sha256, &bytes, manifest.clone())?;
    // The first page of exports and imports, as `GET /api/modules/{id}`
    // answers: the answer stays small whatever the module exports.
    let info = public(s.wasm.get_module_page(&info.id, 0, DETAIL_PAGE).unwrap_or(info));
    let kv = s.wasm.kv().ok().and_then(|kv| kv.usage(&info.id).ok());
    Ok((StatusCode::CREATED, Json(ModuleDetail { info, manifest, kv })))
}

async fn get_manifest(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Option<PluginManifest>>, ApiError> {
    let stored = s
        .store
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("no uploaded module `{id}`")))?;
    Ok(Json(stored.manifest))
}

/// `PUT /api/modules/{id}/manifest`: replaces an uploaded module's manifest
/// (`null` or `{}` restores the strict default). The module is re-bound to
/// a sandbox made from it; when it does not link under the new manifest,
/// the old one stays and the answer is 400.
async fn put_manifest(
    State(s): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<ModuleDetail>, ApiError> {
    let stored = s
        .store
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("no uploaded module `{id}`")))?;
    if body.len() > MAX_MANIFEST_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("manifests are limited to {MAX_MANIFEST_BYTES} bytes"),
        ));
    }
    let manifest: Option<PluginManifest> = if body.trim_ascii() == b"null" {
        None
    } else {
        Some(PluginManifest::from_json(&body)?)
    };
    if let Some(m) = &manifest {
        m.validate(&s.config.manifest_policy)?;
    }
    if let Err(e) = bind_plugin(&s.wasm, &s.config, &id, manifest.as_ref()).await {
        // Restore the previous binding; the module worked under it.
        if let Err(again) = bind_plugin(&s.wasm, &s.config, &id, stored.manifest.as_ref()).await {
            tracing::error!(module = %id, error = %again, "cannot restore the previous manifest's sandbox");
        }
        return Err(refused(e));
    }
    s.store.set_manifest(&id, manifest.clone())?;
    let info = s
        .wasm
        .get_module_page(&id, 0, DETAIL_PAGE)
        .map(public)
        .ok_or_else(|| ApiError::not_found(format!("module `{id}` not found")))?;
    let kv = s.wasm.kv().ok().and_then(|kv| kv.usage(&id).ok());
    Ok(Json(ModuleDetail { info, manifest, kv }))
}

async fn remove(State(s): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if s.store.get(&id).is_none() {
        return Err(ApiError::not_found(format!("no uploaded module `{id}`")));
    }
    // An entry whose module failed to reload at start is not loaded: it
    // can still be deleted.
    match s.wasm.unload_module(&id).await {
        Ok(()) | Err(crate::Error::NotFound { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    s.wasm.destroy_sandbox(&plugin_sandbox_id(&id));
    s.store.remove(&id)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallRequest {
    #[serde(default)]
    args: Vec<serde_json::Value>,
    timeout_ms: Option<u64>,
    fuel: Option<u64>,
}

/// The answer to a call (the spec's `WASMExecutionResult`).
#[derive(Debug, Serialize)]
pub struct CallResponse {
    success: bool,
    value: serde_json::Value,
    error: Option<serde_json::Value>,
    duration_ms: f64,
    gas_used: Option<u64>,
    memory_used: u64,
    /// Lines the plugin logged with `echelon.log`.
    logs: Vec<LogLine>,
}

/// Converts JSON arguments for an export, or explains which one is wrong.
pub(crate) fn json_args(
    wasm: &WasmRuntime,
    id: &str,
    func: &str,
    args: &[serde_json::Value],
) -> Result<Vec<Value>, ApiError> {
    let (params, _) = wasm.function_signature(id, func)?;
    if params.len() != args.len() {
        return Err(ApiError::bad_request(format!(
            "`{func}` takes {} argument(s) ({}), got {}",
            params.len(),
            params.iter().map(|p| p.name()).collect::<Vec<_>>().join(", "),
            args.len()
        )));
    }
    args.iter()
        .zip(&params)
        .enumerate()
        .map(|(i, (a, ty))| {
            Value::from_json(a, *ty)
                .map_err(|m| ApiError::bad_request(format!("argument {i} of `{func}`: {m}")))
        })
        .collect()
}

/// 503 with Retry-After when too many calls are already waiting.
pub(crate) fn check_queue(s: &AppState) -> Result<(), ApiError> {
    let queued = s.wasm.metrics().queued_now();
    if queued >= s.config.queue_bound {
        let mut e = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            format!("{queued} calls are already waiting; retry shortly"),
        );
        e.retry_after = Some(1);
        return Err(e);
    }
    Ok(())
}

async fn call(
    State(s): State<AppState>,
    Path((id, func)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<CallResponse>, ApiError> {
    let req: CallRequest = if body.iter().all(u8::is_ascii_whitespace) {
        CallRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("request body is not a call: {e}")))?
    };
    let args = json_args(&s.wasm, &id, &func, &req.args)?;
    check_queue(&s)?;
    let mut opts = ExecOptions::default().with_instance(InstanceMode::Fresh);
    opts.timeout = req.timeout_ms.map(Duration::from_millis);
    opts.fuel = req.fuel;
    let r = s.wasm.execute_report::<Vec<Value>>(&id, &func, args, opts).await;
    // Errors about the request itself are HTTP errors; failures of the
    // guest (traps, timeouts, limits) are a result with success = false.
    if let Some(e) = &r.error {
        let status = match e {
            crate::Error::NotFound { .. } => Some(StatusCode::NOT_FOUND),
            crate::Error::Type { .. } => Some(StatusCode::BAD_REQUEST),
            crate::Error::Stopped => Some(StatusCode::SERVICE_UNAVAILABLE),
            _ => None,
        };
        if let Some(status) = status {
            return Err(ApiError::new(status, e.kind(), e.to_string()));
        }
    }
    let value = match &r.value {
        Some(v) if v.len() == 1 => v[0].to_json(),
        Some(v) if v.is_empty() => serde_json::Value::Null,
        Some(v) => serde_json::Value::Array(v.iter().map(Value::to_json).collect()),
        None => serde_json::Value::Null,
    };
    Ok(Json(CallResponse {
        success: r.success,
        value,
        error: r
            .error
            .as_ref()
            .map(|e| serde_json::json!({"kind": e.kind(), "message": e.to_string()})),
        duration_ms: r.duration.as_secs_f64() * 1e3,
        gas_used: r.gas_used,
        memory_used: r.memory_used,
        logs: r.logs,
    }))
}

/// `POST /api/generate`: a `GeneratorSource` (`{"type": "typescript" | "wat"
/// | "template", "code", "params", "options"}`) compiled to a module. Compile
/// errors are a result (`success: false` with line:column diagnostics), not
/// an HTTP error; a malformed request is 400.
/// Bounded: the source's size, generations at once (each on a blocking
/// thread, never an async worker), and the wait for a turn.
async fn generate(State(s): State<AppState>, body: Bytes) -> Result<Json<serde_json::Value>, ApiError> {
    let source: crate::generator::GeneratorSource = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("request body is not a generator source: {e}")))?;
    let max = s.config.generate_max_source;
    if source.code.len() > max {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "the source is {} bytes; /api/generate compiles at most {max} (split it, or compile with `echelon compile`)",
                source.code.len()
            ),
        ));
    }
    let turn = tokio::time::timeout(GENERATE_WAIT, s.generations.clone().acquire_owned())
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                format!(
                    "{} generations are running, the most this server runs at once; retry later",
                    s.config.generate_concurrency
                ),
            )
        })?;
    let generator = s.generator.clone();
    // Compiling and Binaryen are CPU work: keep them off the async workers.
    let result = tokio::task::spawn_blocking(move || {
        let result = generator.read().generate(&source);
        drop(turn);
        release_free_heap();
        result
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "engine", e.to_string()))?;
    use base64::Engine as _;
    Ok(Json(serde_json::json!({
        "success": result.success,
        "wasm": result.wasm.as_ref().map(|w| base64::engine::general_purpose::STANDARD.encode(w)),
        "errors": result.errors,
        "warnings": result.warnings,
        "stats": result.stats,
    })))
}

/// Gives the heap's free memory back to the system. A compilation's working
/// set is some 20 times its source (18 MiB for 1 MiB); glibc keeps freed
/// memory in its per-thread arenas, so without this a burst of generations
/// holds its peak for the process's life.
fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only returns free heap pages to the system; it
    // has no preconditions and touches no live allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// How long a generation waits for a turn before it is answered 503.
const GENERATE_WAIT: Duration = Duration::from_secs(10);

async fn metrics(State(s): State<AppState>) -> impl IntoResponse {
    let mut text = s.wasm.metrics().render_prometheus();
    let mem = s.wasm.memory_stats();
    text.push_str(&format!(
        "# HELP echelon_memory_allocated_bytes Linear memory of live instances.\n\
         # TYPE echelon_memory_allocated_bytes gauge\nechelon_memory_allocated_bytes {}\n\
         # HELP echelon_memory_peak_bytes Peak linear memory.\n# TYPE echelon_memory_peak_bytes gauge\n\
         echelon_memory_peak_bytes {}\n# HELP echelon_modules_loaded Modules loaded now.\n\
         # TYPE echelon_modules_loaded gauge\nechelon_modules_loaded {}\n",
        mem.global.allocated,
        mem.global.peak_usage,
        s.wasm.module_count()
    ));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}
