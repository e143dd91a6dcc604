//! The module API: upload, list, inspect, delete and call plugins, plus
//! `/healthz` and `/metrics`.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::app::{AppState, PLUGIN_SANDBOX};
use super::error::ApiError;
use crate::runtime::{
    ExecOptions, InstanceMode, InstantiateOptions, ModuleInfo, Value, WasmRuntime, WasmSource,
};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics))
        .route("/api/modules", get(list).post(upload))
        .route("/api/modules/{id}", get(info).delete(remove))
        .route("/api/modules/{id}/call/{func}", post(call))
        .route("/api/generate", post(generate))
}

/// A module as the API lists it.
#[derive(Debug, Serialize)]
pub struct ModuleSummary {
    id: String,
    size: u64,
    sha256: String,
    exports: Vec<String>,
    export_count: usize,
    execution_count: u64,
    sandbox: Option<String>,
}

impl From<ModuleInfo> for ModuleSummary {
    fn from(m: ModuleInfo) -> Self {
        Self {
            export_count: m.exports.len(),
            exports: m.exports.into_iter().map(|e| e.signature).collect(),
            id: m.id,
            size: m.size,
            sha256: m.sha256,
            execution_count: m.execution_count,
            sandbox: m.sandbox,
        }
    }
}

async fn list(State(s): State<AppState>) -> Json<Vec<ModuleSummary>> {
    Json(
        s.wasm
            .list_modules()
            .into_iter()
            .map(ModuleSummary::from)
            .collect(),
    )
}

async fn info(State(s): State<AppState>, Path(id): Path<String>) -> Result<Json<ModuleInfo>, ApiError> {
    s.wasm
        .get_module(&id)
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("module `{id}` not found")))
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !id.starts_with('.')
}

pub(crate) async fn bind_to_plugin_sandbox(wasm: &WasmRuntime, id: &str) -> crate::Result<()> {
    let opts = InstantiateOptions {
        sandbox_id: Some(PLUGIN_SANDBOX.into()),
        ..Default::default()
    };
    wasm.instantiate(id, opts).await.map(|_| ())
}

async fn upload(
    State(s): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Result<impl IntoResponse, ApiError> {
    let limit = s.config.upload_limit;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("modules are limited to {limit} bytes"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| too_large())?;
    if let Some(id) = q.get("id") {
        if !valid_id(id) {
            return Err(ApiError::bad_request(format!(
                "module id `{id}` must be 1-64 letters, digits, '-', '_' or '.'"
            )));
        }
    }
    crate::runtime::validate(&bytes, crate::runtime::engine_features())?;
    let info = match q.get("id") {
        Some(id) => {
            s.wasm
                .load_module_as(id, WasmSource::bytes(bytes.to_vec()))
                .await?
        }
        None => s.wasm.load_module(WasmSource::bytes(bytes.to_vec())).await?,
    };
    if let Err(e) = bind_to_plugin_sandbox(&s.wasm, &info.id).await {
        let _ = s.wasm.unload_module(&info.id).await;
        return Err(e.into());
    }
    s.store.put(&info.id, &info.sha256, &bytes)?;
    let info = s.wasm.get_module(&info.id).unwrap_or(info);
    Ok((StatusCode::CREATED, Json(info)))
}

async fn remove(State(s): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if !s.store.entries().iter().any(|(i, _)| *i == id) {
        return Err(ApiError::not_found(format!("no uploaded module `{id}`")));
    }
    s.wasm.unload_module(&id).await?;
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
    let r = s.wasm.execute::<Vec<Value>>(&id, &func, args, opts).await;
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
    }))
}

/// `POST /api/generate`: a `GeneratorSource` (`{"type": "typescript" | "wat"
/// | "template", "code", "params", "options"}`) compiled to a module. Compile
/// errors are a result (`success: false` with line:column diagnostics), not
/// an HTTP error; a malformed request is 400.
async fn generate(State(s): State<AppState>, body: Bytes) -> Result<Json<serde_json::Value>, ApiError> {
    let source: crate::generator::GeneratorSource = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("request body is not a generator source: {e}")))?;
    let generator = s.generator.clone();
    // Compiling and Binaryen are CPU work: keep them off the async workers.
    let result = tokio::task::spawn_blocking(move || generator.read().generate(&source))
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
        s.wasm.list_modules().len()
    ));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}
