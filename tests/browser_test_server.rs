//! The local server the browser tests (`browser/tests/`) talk to.
//!
//! ```text
//! browser-test-server [ADDR]     ADDR defaults to $ECHELON_TEST_SERVER or 127.0.0.1:38917
//! ```
//!
//! Routes (all with `Access-Control-Allow-Origin: *`, since the
//! wasm-bindgen test page is served from another port):
//!
//! - `GET /json`: 200 with a fixed JSON object;
//! - `GET /missing`: 404;
//! - `GET /echo`: WebSocket that sends every text and binary message back;
//! - `GET /guest.wasm`: the shared crate's guest module as `application/wasm`;
//! - `GET /guest-wrong-mime.wasm`: the same bytes as
//!   `application/octet-stream`, which `instantiateStreaming` refuses.
//!
//! The guest module is `$ECHELON_GUEST_WASM` when set, otherwise it is built
//! (or found up to date) by [`echelon_tests::shared_guest_wasm`].

use std::net::SocketAddr;

use anyhow::{Context, Result};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

/// Where the server listens unless told otherwise; the browser tests use
/// the same default.
const DEFAULT_ADDR: &str = "127.0.0.1:38917";

#[tokio::main]
async fn main() -> Result<()> {
    let addr: SocketAddr = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("ECHELON_TEST_SERVER").ok())
        .unwrap_or_else(|| DEFAULT_ADDR.to_string())
        .parse()
        .context("the address must look like 127.0.0.1:38917")?;
    let guest = echelon_tests::shared_guest_wasm()?;
    let wasm = std::fs::read(guest).with_context(|| format!("reading {}", guest.display()))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    eprintln!(
        "browser-test-server: listening on http://{addr} (guest module {})",
        guest.display()
    );
    axum::serve(listener, router(wasm)).await?;
    Ok(())
}

fn router(wasm: Vec<u8>) -> Router {
    let streamed = wasm.clone();
    Router::new()
        .route(
            "/json",
            get(|| async {
                Json(serde_json::json!({ "name": "echelon", "answer": 42, "items": [1, 2, 3] }))
            }),
        )
        .route(
            "/missing",
            get(|| async { (StatusCode::NOT_FOUND, "no such thing") }),
        )
        .route("/echo", get(echo))
        .route(
            "/guest.wasm",
            get(move || async move { ([(header::CONTENT_TYPE, "application/wasm")], streamed) }),
        )
        .route(
            "/guest-wrong-mime.wasm",
            get(move || async move { ([(header::CONTENT_TYPE, "application/octet-stream")], wasm) }),
        )
        .layer(axum::middleware::map_response(allow_any_origin))
}

async fn allow_any_origin(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

async fn echo(upgrade: WebSocketUpgrade) -> impl IntoResponse {
    upgrade.on_upgrade(|mut socket: WebSocket| async move {
        while let Some(Ok(message)) = socket.recv().await {
            let reply = match message {
                Message::Text(_) | Message::Binary(_) => message,
                Message::Close(_) => break,
                Message::Ping(_) | Message::Pong(_) => continue,
            };
            if socket.send(reply).await.is_err() {
                break;
            }
        }
    })
}
