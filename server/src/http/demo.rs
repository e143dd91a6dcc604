//! The spec's use cases over HTTP: `/users` (validation through the shared
//! guest module), `/upload` (image processing through it) and `/stream`
//! (each WebSocket message transformed by a module under 100 ms).

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use super::app::{AppState, SHARED_MODULE, STREAM_MODULE};
use super::error::ApiError;
use crate::runtime::{ExecOptions, InstanceMode, Value};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", post(users))
        .route("/users/native", post(users_native))
        .route("/upload", post(upload))
        .route("/stream", get(stream))
}

fn need(s: &AppState, id: &str, what: &str) -> Result<(), ApiError> {
    if !s.wasm.has_module(id) {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_configured",
            format!("{what} is not loaded; start the server with `cargo xtask serve` (or --guest/--stream-module)"),
        ));
    }
    Ok(())
}

fn verdict(result: &str) -> Response {
    if result == "valid" {
        return Json(serde_json::json!({"success": true})).into_response();
    }
    let errors: serde_json::Value =
        serde_json::from_str(result).unwrap_or_else(|_| serde_json::json!([result]));
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({"errors": errors})),
    )
        .into_response()
}

/// `POST /users`: the spec's validation, run by the shared guest module.
async fn users(State(s): State<AppState>, body: axum::body::Bytes) -> Result<Response, ApiError> {
    need(&s, SHARED_MODULE, "the shared guest module")?;
    super::api::check_queue(&s)?;
    let text = String::from_utf8_lossy(&body).into_owned();
    let r = s
        .wasm
        .execute_report::<String>(
            SHARED_MODULE,
            "validate_user",
            vec![Value::String(text)],
            // The shared module is stateless: calls run in parallel on
            // warm pooled instances.
            ExecOptions::default().with_instance(InstanceMode::Pooled),
        )
        .await;
    Ok(verdict(&r.into_result()?))
}

/// `POST /users/native`: the same validation compiled into the server, to
/// measure what the WASM boundary costs.
async fn users_native(body: axum::body::Bytes) -> Response {
    verdict(&echelon_shared::validation::validate_user_bytes(&body))
}

/// `POST /upload`: a multipart field `image` (PNG or JPEG) fitted into
/// 1920x1080 by the shared guest module; the PNG is kept under
/// `<data>/uploads/`.
async fn upload(State(s): State<AppState>, mut form: Multipart) -> Result<Response, ApiError> {
    need(&s, SHARED_MODULE, "the shared guest module")?;
    let mut image = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| ApiError::bad_request(format!("malformed multipart body: {e}")))?
    {
        if field.name() == Some("image") {
            let bytes = field
                .bytes()
                .await
                .map_err(|e| ApiError::bad_request(format!("cannot read the image field: {e}")))?;
            image = Some(bytes);
        }
    }
    let image =
        image.ok_or_else(|| ApiError::bad_request("send the image in a multipart field named `image`"))?;
    let r = s
        .wasm
        .execute_report::<Vec<u8>>(
            SHARED_MODULE,
            "process_upload",
            vec![Value::Bytes(image.to_vec()), Value::I32(1920), Value::I32(1080)],
            // The shared module is stateless: calls run in parallel on
            // warm pooled instances.
            ExecOptions::default().with_instance(InstanceMode::Pooled),
        )
        .await;
    let png = match r.into_result() {
        Ok(png) => png,
        Err(crate::Error::Trap {
            guest_message: Some(m),
            ..
        }) => return Err(ApiError::bad_request(m)),
        Err(e) => return Err(e.into()),
    };
    let info =
        echelon_shared::image::image_dimensions(&png).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let dir = s.config.data_dir.join("uploads");
    let digest: String = echelon_shared::crypto::sha256(&png)[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let filename = format!("processed-{digest}.png");
    let write = async {
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::write(dir.join(&filename), &png).await
    };
    write.await.map_err(|e| crate::Error::Io {
        path: dir.clone(),
        source: e,
    })?;
    Ok(Json(serde_json::json!({
        "filename": filename, "size": png.len(), "width": info.width, "height": info.height
    }))
    .into_response())
}

/// `GET /stream`: a WebSocket whose every message is transformed by the
/// stream module's `transform(bytes) -> bytes`, with a 100 ms limit.
/// Bounded: message size (larger closes the connection), connections open
/// at once (503 beyond), messages per second per connection (answered
/// `rate_limited` without running the module).
async fn stream(State(s): State<AppState>, ws: WebSocketUpgrade) -> Result<Response, ApiError> {
    need(&s, STREAM_MODULE, "the stream module")?;
    let Ok(permit) = s.streams.clone().try_acquire_owned() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            format!(
                "{} /stream connections are open, the most this server allows; retry later",
                s.config.stream_max_connections
            ),
        ));
    };
    let max = s.config.stream_max_message;
    Ok(ws
        .max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |socket| async move {
            transform_messages(s, socket).await;
            drop(permit);
        }))
}

/// A token bucket: `rate` tokens a second, at most `rate` banked.
struct Bucket {
    rate: f64,
    tokens: f64,
    at: std::time::Instant,
}

impl Bucket {
    fn new(rate: u32) -> Self {
        Self {
            rate: f64::from(rate.max(1)),
            tokens: f64::from(rate.max(1)),
            at: std::time::Instant::now(),
        }
    }

    fn take(&mut self) -> bool {
        let now = std::time::Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.at).as_secs_f64() * self.rate).min(self.rate);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

async fn transform_messages(s: AppState, mut socket: WebSocket) {
    let mut bucket = Bucket::new(s.config.stream_messages_per_second);
    while let Some(Ok(msg)) = socket.recv().await {
        let (data, text) = match msg {
            Message::Text(t) => (t.as_str().as_bytes().to_vec(), true),
            Message::Binary(b) => (b.to_vec(), false),
            Message::Close(_) => break,
            _ => continue,
        };
        if !bucket.take() {
            let refused = serde_json::json!({"error": {
                "kind": "rate_limited",
                "message": format!(
                    "more than {} messages a second on this connection; the message was not processed",
                    s.config.stream_messages_per_second
                ),
            }});
            if socket
                .send(Message::Text(refused.to_string().into()))
                .await
                .is_err()
            {
                break;
            }
            continue;
        }
        let r = s
            .wasm
            .execute_report::<Vec<u8>>(
                STREAM_MODULE,
                "transform",
                vec![Value::Bytes(data)],
                ExecOptions::timeout(s.config.stream_timeout),
            )
            .await;
        let reply = match r.into_result() {
            Ok(out) if text => match String::from_utf8(out) {
                Ok(t) => Message::Text(t.into()),
                Err(e) => Message::Binary(e.into_bytes().into()),
            },
            Ok(out) => Message::Binary(out.into()),
            Err(e) => Message::Text(
                serde_json::json!({"error": {"kind": e.kind(), "message": e.to_string()}})
                    .to_string()
                    .into(),
            ),
        };
        if socket.send(reply).await.is_err() {
            break;
        }
    }
}
