//! The demarche web workbench.
//!
//! `demarche serve` starts a small HTTP server on the loopback interface. It
//! serves one page (HTML, CSS and plain JavaScript embedded in the binary)
//! where one opens a scenario, edits positions, saliences, capabilities, red
//! lines and relation weights in tables, runs any engine and watches the
//! charts move, and a JSON API that does everything the page does (see
//! `docs/api.md`; the OpenAPI description is served at `/api/openapi.json`).
//!
//! Safety: the server binds to 127.0.0.1 unless told `--public`, and a public
//! server requires an access token on every request. Request bodies are
//! capped; malformed JSON and invalid scenarios come back as 4xx with a clear
//! message (scenario problems as the same diagnostics the CLI prints).

mod api;
mod assets;
mod config;
mod error;
mod jobs;
pub mod simulation;
mod work;

pub use config::{check_bind, generate_token, Config, MAX_BODY_BYTES};
pub use error::ApiError;

use std::net::SocketAddr;
use std::sync::Arc;

/// Run the server until Ctrl-C or SIGTERM. `ready` is called with the bound
/// address once it accepts connections (the CLI prints the URL there).
pub fn serve_blocking(config: Config, ready: impl FnOnce(SocketAddr) + Send + 'static) -> Result<(), String> {
    config.validate()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server runtime: {e}"))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let app = api::router(Arc::new(api::AppState::new(config)));
        ready(addr);
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|e| format!("server error: {e}"))
    })
}

/// Start the server on a background thread (for tests and embedding); returns
/// the bound address.
pub fn spawn(config: Config) -> Result<SocketAddr, String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        if let Err(e) = serve_blocking(config, move |addr| {
            let _ = tx.send(Ok(addr));
        }) {
            let _ = tx2.send(Err(e));
        }
    });
    rx.recv().map_err(|_| "the server thread stopped before it started".to_string())?
}

async fn shutdown_signal() {
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
