//! The HTTP layer of `echelon serve`: axum routes over the library, the
//! WASM middleware, the module store, and [`Application`].

mod api;
mod app;
mod demo;
mod error;
pub mod middleware;
mod store;

pub use app::{
    shutdown_signal, AppConfig, AppState, Application, PLUGIN_SANDBOX, SHARED_MODULE, STREAM_MODULE,
};
pub use error::ApiError;
pub use store::ModuleStore;
