//! [`Application`]: the runtime and the HTTP API in one value, with axum
//! style route helpers and a graceful `serve`.

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use super::error::ApiError;
use super::store::ModuleStore;
use super::{api, demo};
use crate::runtime::{RuntimeConfig, WasmRuntime, WasmSource};
use crate::sandbox::SandboxConfig;
use crate::Result;

/// Prefix of the sandboxes uploaded plugins run under: module `id` runs
/// under `plugins/<id>`, made from its manifest.
pub const PLUGIN_SANDBOX: &str = "plugins";
/// Module id of the shared guest module (for `/users` and `/upload`).
pub const SHARED_MODULE: &str = "shared";
/// Module id of the `/stream` transformer.
pub const STREAM_MODULE: &str = "stream";

/// Configuration of [`Application`] (and `echelon serve`).
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Where uploaded modules persist. Default `./echelon-data`.
    pub data_dir: PathBuf,
    /// The built browser demos served at `/`, if any.
    pub www_dir: Option<PathBuf>,
    /// A browser bundle built by `echelon build` (or
    /// [`compile_rust`](crate::generator::compile_rust)), served at `/pkg/`
    /// where the demo page imports it from.
    pub pkg_dir: Option<PathBuf>,
    /// When set, mutating `/api` endpoints need `Authorization: Bearer <token>`.
    pub token: Option<String>,
    /// With a token, reads need it too: `GET /api/...` and `/metrics`
    /// (health and the static pages stay open).
    pub token_protects_reads: bool,
    /// Largest upload in bytes. Default 16 MiB.
    pub upload_limit: usize,
    /// Calls that may wait for a slot before new ones get 503. Default 1000.
    pub queue_bound: u64,
    /// The runtime's configuration.
    pub runtime: RuntimeConfig,
    /// The sandbox uploaded plugins run under (strict by default); a
    /// plugin's manifest adds to it (see [`PluginManifest::sandbox_config`](crate::manifest::PluginManifest::sandbox_config)).
    pub plugin_sandbox: SandboxConfig,
    /// What plugin manifests may ask for.
    pub manifest_policy: crate::manifest::ManifestPolicy,
    /// The shared guest module (`echelon-shared` built with `guest`), for
    /// `/users` and `/upload`.
    pub shared_guest: Option<PathBuf>,
    /// The module whose `transform(bytes) -> bytes` handles `/stream`.
    pub stream_module: Option<PathBuf>,
    /// Timeout of one `/stream` transformation. Default 100 ms.
    pub stream_timeout: Duration,
    /// Largest `/stream` message (and frame) in bytes; a larger one closes
    /// the connection. Default 1 MiB.
    pub stream_max_message: usize,
    /// `/stream` connections open at once; more are answered 503. Default 256.
    pub stream_max_connections: usize,
    /// Messages one `/stream` connection may send per second (with a burst
    /// of as many); messages beyond are answered `rate_limited` without
    /// running the module. Default 200.
    pub stream_messages_per_second: u32,
    /// Linear memory of the shared guest module's instance: decoding and
    /// resizing a large upload needs far more than a plugin. Default 192 MiB.
    pub shared_memory_limit: u64,
    /// How long a shutdown lets requests and calls in flight finish before
    /// it interrupts the calls. Default 10 s.
    pub shutdown_grace: Duration,
    /// Largest source `/api/generate` compiles, in bytes. Default 1 MiB.
    pub generate_max_source: usize,
    /// Generations running at once (each on a blocking thread); more wait
    /// up to 10 s, then are answered 503. Default: the number of cores.
    pub generate_concurrency: usize,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("echelon-data"),
            www_dir: None,
            pkg_dir: None,
            token: None,
            token_protects_reads: false,
            upload_limit: 16 * 1024 * 1024,
            queue_bound: 1000,
            runtime: RuntimeConfig::default(),
            plugin_sandbox: SandboxConfig::default(),
            manifest_policy: crate::manifest::ManifestPolicy::default(),
            shared_guest: None,
            stream_module: None,
            stream_timeout: Duration::from_millis(100),
            stream_max_message: 1 << 20,
            stream_max_connections: 256,
            stream_messages_per_second: 200,
            shared_memory_limit: 192 * 1024 * 1024,
            shutdown_grace: Duration::from_secs(10),
            generate_max_source: 1 << 20,
            generate_concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}

/// What every handler shares: one reference-counted pointer, so extracting
/// it costs one atomic increment per request. Fields are reached through
/// `Deref` (`state.wasm`, `state.config`, ...).
#[derive(Clone)]
pub struct AppState(Arc<AppStateInner>);

impl std::ops::Deref for AppState {
    type Target = AppStateInner;

    fn deref(&self) -> &AppStateInner {
        &self.0
    }
}

/// The contents of [`AppState`].
pub struct AppStateInner {
    /// The runtime.
    pub wasm: WasmRuntime,
    /// The generator (TypeScript, WAT, templates).
    pub generator: Arc<parking_lot::RwLock<crate::Generator>>,
    /// Persistent module store.
    pub store: Arc<ModuleStore>,
    /// The configuration.
    pub config: Arc<AppConfig>,
    /// Open `/stream` connections (bounded by `stream_max_connections`).
    pub streams: Arc<tokio::sync::Semaphore>,
    /// Generations running (bounded by `generate_concurrency`).
    pub generations: Arc<tokio::sync::Semaphore>,
}

/// The application (the spec's `Application`): `wasm` is the runtime; routes
/// added with [`Application::route`], [`Application::get`],
/// [`Application::post`] sit beside the built-in API.
pub struct Application {
    /// The WebAssembly runtime.
    pub wasm: WasmRuntime,
    /// The generator; register templates on it before serving.
    pub generator: Arc<parking_lot::RwLock<crate::Generator>>,
    state: AppState,
    extra: Router<AppState>,
}

impl Application {
    /// Starts the runtime, creates the plugin sandbox, loads the demo
    /// modules and reloads every stored module with its manifest (so a
    /// restart loses nothing). The plugins' key-value store is
    /// `<data_dir>/kv.redb` unless the runtime config names another.
    pub async fn new(config: AppConfig) -> Result<Self> {
        let mut runtime_config = config.runtime.clone();
        if runtime_config.kv_path.is_none() {
            runtime_config.kv_path = Some(config.data_dir.join("kv.redb"));
        }
        let wasm = WasmRuntime::new(runtime_config)?;
        if let Some(path) = &config.shared_guest {
            wasm.load_module_as(SHARED_MODULE, WasmSource::file(path)).await?;
            let opts = crate::runtime::InstantiateOptions {
                memory_limit: Some(config.shared_memory_limit),
                ..Default::default()
            };
            wasm.instantiate(SHARED_MODULE, opts).await?;
        }
        if let Some(path) = &config.stream_module {
            wasm.load_module_as(STREAM_MODULE, WasmSource::file(path)).await?;
            // Ready before the first message: a message never waits, slot
            // in hand, for the instance to be made.
            wasm.instantiate(STREAM_MODULE, crate::runtime::InstantiateOptions::default())
                .await?;
        }
        let store = Arc::new(ModuleStore::open(&config.data_dir)?);
        for (id, stored) in store.entries() {
            let loaded = async {
                wasm.load_module_as(&id, WasmSource::file(store.path(&stored.sha256)))
                    .await?;
                api::bind_plugin(&wasm, &config, &id, stored.manifest.as_ref()).await
            };
            if let Err(e) = loaded.await {
                tracing::error!(module = %id, error = %e, "a stored module failed to reload; it stays on disk");
            }
        }
        let generator = Arc::new(parking_lot::RwLock::new(crate::Generator::new()));
        let state = AppState(Arc::new(AppStateInner {
            wasm: wasm.clone(),
            generator: generator.clone(),
            store,
            streams: Arc::new(tokio::sync::Semaphore::new(config.stream_max_connections)),
            generations: Arc::new(tokio::sync::Semaphore::new(config.generate_concurrency.max(1))),
            config: Arc::new(config),
        }));
        Ok(Self {
            wasm,
            generator,
            state,
            extra: Router::new(),
        })
    }

    /// Adds a route (axum's `MethodRouter`).
    pub fn route(mut self, path: &str, method_router: MethodRouter<AppState>) -> Self {
        self.extra = self.extra.route(path, method_router);
        self
    }

    /// Adds a GET route.
    pub fn get<H, T>(self, path: &str, handler: H) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.route(path, get(handler))
    }

    /// Adds a POST route.
    pub fn post<H, T>(self, path: &str, handler: H) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.route(path, post(handler))
    }

    /// Adds a WebSocket route: each upgraded connection is handed to
    /// `handler` with the application state, on its own task.
    ///
    /// ```no_run
    /// # async fn demo(app: echelon::http::Application) {
    /// use axum::extract::ws::Message;
    /// let app = app.ws("/echo", |_state, mut socket| async move {
    ///     while let Some(Ok(Message::Text(t))) = socket.recv().await {
    ///         if socket.send(Message::Text(t)).await.is_err() {
    ///             break;
    ///         }
    ///     }
    /// });
    /// # }
    /// ```
    pub fn ws<F, Fut>(self, path: &str, handler: F) -> Self
    where
        F: Fn(AppState, axum::extract::ws::WebSocket) -> Fut + Clone + Send + Sync + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let route = get(
            move |axum::extract::State(state): axum::extract::State<AppState>,
                  upgrade: axum::extract::ws::WebSocketUpgrade| {
                let handler = handler.clone();
                async move { upgrade.on_upgrade(move |socket| handler(state, socket)) }
            },
        );
        self.route(path, route)
    }

    /// The shared state handlers receive.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The complete router: the API of DESIGN.md, the added routes, the
    /// static demos, request ids and tracing.
    pub fn router(&self) -> Router {
        let state = self.state.clone();
        let mut router = api::routes()
            .merge(demo::routes())
            .merge(self.extra.clone())
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                guard_mutations,
            ))
            // Bodies read by extractors (JSON, multipart) share the upload limit.
            .layer(axum::extract::DefaultBodyLimit::max(state.config.upload_limit));
        if let Some(dir) = &state.config.pkg_dir {
            router = router.nest_service("/pkg", tower_http::services::ServeDir::new(dir));
        }
        router = match &state.config.www_dir {
            Some(dir) => router.fallback_service(
                tower_http::services::ServeDir::new(dir).append_index_html_on_directories(true),
            ),
            None => router.fallback(|| async {
                ApiError::not_found(
                    "no such endpoint (the browser demos are not built: `cargo xtask serve` builds them)",
                )
            }),
        };
        router
            .with_state(state)
            .layer(
                TraceLayer::new_for_http().make_span_with(|req: &Request| {
                    let id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-")
                        .to_string();
                    tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
                }),
            )
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
    }

    /// Serves on `addr` until SIGINT or SIGTERM, then stops accepting, lets
    /// in-flight requests and calls finish for at most
    /// [`AppConfig::shutdown_grace`], interrupts the calls still running,
    /// and returns.
    pub async fn serve(self, addr: SocketAddr) -> Result<()> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| crate::Error::Io {
                path: PathBuf::from(addr.to_string()),
                source: e,
            })?;
        self.serve_on(listener, shutdown_signal()).await
    }

    /// Serves on a bound listener until `shutdown` completes (tests use
    /// this with an ephemeral port and their own signal).
    pub async fn serve_on(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<()> {
        let addr = listener.local_addr().ok();
        tracing::info!(?addr, "echelon serving");
        let router = self.router();
        // On the signal, axum stops accepting and drains requests; a request
        // waiting on a call drains only when the call ends, so after the
        // grace period the runtime's calls are interrupted (they answer with
        // a `stopped` error). A connection that still does not finish (a
        // client that does not read its response, a body that never ends)
        // is not waited for beyond a second grace period (at most 1 s).
        // The timer holds only the interrupt handle.
        let grace = self.state.config.shutdown_grace;
        let interrupt = self.wasm.interrupt_handle();
        let (drained_tx, drained_rx) = tokio::sync::oneshot::channel::<()>();
        let (signalled_tx, signalled_rx) = tokio::sync::oneshot::channel::<()>();
        let (force_tx, force_rx) = tokio::sync::oneshot::channel::<()>();
        let timer = tokio::spawn(async move {
            if signalled_rx.await.is_err() {
                return;
            }
            let mut drained_rx = drained_rx;
            tokio::select! {
                _ = tokio::time::sleep(grace) => {
                    tracing::warn!(grace_ms = grace.as_millis() as u64, "requests still running after the grace period; interrupting their calls");
                    interrupt.interrupt();
                }
                _ = &mut drained_rx => return,
            }
            tokio::select! {
                _ = tokio::time::sleep(grace.min(FORCED_CLOSE_AFTER)) => {
                    let _ = force_tx.send(());
                }
                _ = drained_rx => {}
            }
        });
        let signal = async move {
            shutdown.await;
            tracing::info!(grace_ms = grace.as_millis() as u64, "shutting down");
            let _ = signalled_tx.send(());
        };
        let serve = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(signal)
        .into_future();
        let served = tokio::select! {
            r = serve => r,
            Ok(()) = force_rx => {
                tracing::warn!("connections still open after the grace period (a client not reading its answer?); no longer waiting for them");
                Ok(())
            }
        };
        let _ = drained_tx.send(());
        let _ = timer.await;
        served.map_err(|e| crate::Error::Engine(format!("server error: {e}")))?;
        // Connections are drained; wait (boundedly) for calls still running.
        if !self.wasm.stop_within(grace).await {
            tracing::warn!("some calls did not end after being interrupted (a blocking host function?)");
        }
        tracing::info!("echelon stopped");
        Ok(())
    }
}

/// How long, after the grace period interrupted the calls, shutdown still
/// waits for open connections (or the grace period, if shorter).
const FORCED_CLOSE_AFTER: Duration = Duration::from_secs(1);

/// SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Compares a presented token with the configured one in time that does
/// not depend on where they differ (both are hashed first, so not on their
/// lengths either).
fn token_matches(presented: &str, token: &str) -> bool {
    use sha2::{Digest, Sha256};
    let (a, b) = (
        Sha256::digest(presented.as_bytes()),
        Sha256::digest(token.as_bytes()),
    );
    a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// With a token configured, POST/PUT/DELETE under `/api` need it; with
/// [`AppConfig::token_protects_reads`], so do reads under `/api` and
/// `/metrics`.
async fn guard_mutations(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if let Some(token) = &state.config.token {
        let mutating = matches!(
            *req.method(),
            Method::POST | Method::PUT | Method::DELETE | Method::PATCH
        );
        let path = req.uri().path();
        let api = path.starts_with("/api/") || path == "/api";
        let guarded = (mutating && api) || (state.config.token_protects_reads && (api || path == "/metrics"));
        if guarded {
            let ok = req
                .headers()
                .get(axum::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .is_some_and(|t| token_matches(t, token));
            if !ok {
                return ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "this endpoint needs `Authorization: Bearer <token>` (the server was started with --token)",
                )
                .into_response();
            }
        }
    }
    next.run(req).await
}
