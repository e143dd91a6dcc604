//! A tower [`Layer`] that runs a WebAssembly module over HTTP bodies: on the
//! way in (request bodies) or on the way out (response bodies).
//!
//! The module exports `transform(data: bytes) -> bytes` (or any export with
//! that `echelon:abi` signature). A body over the limit is answered with 413;
//! a failing transform with 502 and the JSON error shape, so a broken plugin
//! never passes an untransformed body through.
//!
//! ```no_run
//! # async fn demo(rt: echelon::WasmRuntime) {
//! use axum::{routing::post, Router};
//! use echelon::http::middleware::{Direction, WasmTransformLayer};
//! let app: Router = Router::new()
//!     .route("/echo", post(|body: String| async move { body }))
//!     .layer(WasmTransformLayer::new(rt, "stream", "transform", Direction::Response));
//! # }
//! ```

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::{Layer, Service};

use super::error::ApiError;
use crate::runtime::{ExecOptions, Value, WasmRuntime};

/// Which body the module transforms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The request body, before the handler sees it.
    Request,
    /// The response body, before the client sees it.
    Response,
}

/// The layer; see the [module documentation](self).
#[derive(Clone)]
pub struct WasmTransformLayer {
    runtime: WasmRuntime,
    module: Arc<str>,
    func: Arc<str>,
    direction: Direction,
    limit: usize,
    timeout: Duration,
}

impl WasmTransformLayer {
    /// Transforms bodies with `module.func` (a loaded module), up to 16 MiB,
    /// 100 ms per body.
    pub fn new(runtime: WasmRuntime, module: &str, func: &str, direction: Direction) -> Self {
        Self {
            runtime,
            module: module.into(),
            func: func.into(),
            direction,
            limit: 16 * 1024 * 1024,
            timeout: Duration::from_millis(100),
        }
    }

    /// Sets the largest body transformed (larger ones get 413).
    pub fn limit(mut self, bytes: usize) -> Self {
        self.limit = bytes;
        self
    }

    /// Sets the time limit of one transformation.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn transform(&self, body: Body) -> Result<Vec<u8>, Response> {
        let bytes = axum::body::to_bytes(body, self.limit).await.map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("bodies are limited to {} bytes", self.limit),
            )
            .into_response()
        })?;
        let r = self
            .runtime
            .execute_report::<Vec<u8>>(
                &self.module,
                &self.func,
                vec![Value::Bytes(bytes.to_vec())],
                ExecOptions::timeout(self.timeout),
            )
            .await;
        r.into_result().map_err(|e| {
            ApiError::new(
                StatusCode::BAD_GATEWAY,
                e.kind(),
                format!("the body transform failed: {e}"),
            )
            .into_response()
        })
    }
}

impl<S> Layer<S> for WasmTransformLayer {
    type Service = WasmTransform<S>;

    fn layer(&self, inner: S) -> Self::Service {
        WasmTransform {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service [`WasmTransformLayer`] wraps around an inner service.
#[derive(Clone)]
pub struct WasmTransform<S> {
    inner: S,
    layer: WasmTransformLayer,
}

impl<S> Service<Request<Body>> for WasmTransform<S>
where
    S: Service<Request<Body>, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        // The clone that was polled ready handles this call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let layer = self.layer.clone();
        Box::pin(async move {
            match layer.direction {
                Direction::Request => {
                    let (mut parts, body) = req.into_parts();
                    let out = match layer.transform(body).await {
                        Ok(out) => out,
                        Err(resp) => return Ok(resp),
                    };
                    parts.headers.remove(header::CONTENT_LENGTH);
                    inner.call(Request::from_parts(parts, Body::from(out))).await
                }
                Direction::Response => {
                    let resp = inner.call(req).await?;
                    let (mut parts, body) = resp.into_parts();
                    let out = match layer.transform(body).await {
                        Ok(out) => out,
                        Err(resp) => return Ok(resp),
                    };
                    parts.headers.remove(header::CONTENT_LENGTH);
                    Ok(Response::from_parts(parts, Body::from(out)))
                }
            }
        })
    }
}
