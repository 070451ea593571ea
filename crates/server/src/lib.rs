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

#![forbid(unsafe_code)]

mod api;
mod assets;
mod config;
mod error;
mod events;
mod guard;
mod jobs;
pub mod limits;
pub mod simulation;
mod work;

pub use config::{check_bind, generate_token, Config, ConfigError, MAX_BODY_BYTES};

/// Why the server did not start (or stopped with an error).
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot start the server runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
    /// The bound address could not be read back.
    #[error("{0}")]
    Address(std::io::Error),
    #[error("the server thread stopped before it started")]
    ThreadStopped,
}
pub use error::ApiError;
pub use limits::Limits;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// After Ctrl-C or SIGTERM, open connections get this long to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(400);

/// Run the server until Ctrl-C or SIGTERM. `ready` is called with the bound
/// address once it accepts connections (the CLI prints the URL there).
///
/// On the signal the server stops within a second whatever is running: new
/// work is refused, every job and forecast is cancelled (each stops at its next
/// round or chunk of runs, and a cancelled run is never recorded), connections
/// get a moment to finish, and the runtime is dropped without waiting for
/// blocking threads. The store stays consistent because a run is recorded in
/// one SQLite transaction.
pub fn serve_blocking(config: Config, ready: impl FnOnce(SocketAddr) + Send + 'static) -> Result<(), ServeError> {
    serve_until(config, ready, shutdown_signal())
}

fn serve_until(
    config: Config,
    ready: impl FnOnce(SocketAddr) + Send + 'static,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    config.validate()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    let result = rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|source| ServeError::Listen { addr: config.addr, source })?;
        let addr = listener.local_addr().map_err(ServeError::Address)?;
        let state = Arc::new(api::AppState::new(config, addr));
        let app = api::router(state.clone());
        ready(addr);
        accept_loop(listener, app, &state, stop).await;
        Ok(())
    });
    // Blocking threads still finishing a cancelled round are not waited for.
    rt.shutdown_timeout(Duration::from_millis(200));
    result
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    state: &api::AppState,
    stop: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let connections = Arc::new(tokio::sync::Semaphore::new(state.config.limits.max_connections.max(1)));
    let overflow = Arc::new(tokio::sync::Semaphore::new(state.config.limits.max_connections.max(1) * 2));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(state.config.limits.header_timeout).keep_alive(true);
    tokio::pin!(stop);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(x) => x,
                // Out of file descriptors and the like: wait a moment rather than spin.
                Err(_) => { tokio::time::sleep(Duration::from_millis(20)).await; continue }
            },
            () = &mut stop => break,
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            // Over the connection cap: a short 503 and close (or, past a second cap, just close).
            if let Ok(p) = overflow.clone().try_acquire_owned() {
                tokio::spawn(refuse_connection(stream, p));
            }
            continue;
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
        });
    }
    drop(listener);
    state.jobs.cancel_all();
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
}

/// Answer a connection over the cap with 503 without parsing it, read what the
/// client sends for a moment (so it sees the answer rather than a reset), close.
async fn refuse_connection(mut stream: tokio::net::TcpStream, _permit: tokio::sync::OwnedSemaphorePermit) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = r#"{"error":"the workbench has too many open connections; try again in a moment","status":503}"#;
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: {}\r\nRetry-After: 2\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let linger = async {
        let _ = stream.write_all(answer.as_bytes()).await;
        let _ = stream.shutdown().await;
        let mut sink = [0u8; 16 * 1024];
        let mut seen = 0usize;
        while let Ok(n) = stream.read(&mut sink).await {
            seen += n;
            if n == 0 || seen > 4 << 20 {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), linger).await;
}

/// Start the server on a background thread (for tests and embedding); returns
/// the bound address.
pub fn spawn(config: Config) -> Result<SocketAddr, ServeError> {
    spawn_stoppable(config).map(|(addr, stop)| {
        // Never stopped: the server lives as long as the process.
        std::mem::forget(stop);
        addr
    })
}

/// Start the server on a background thread; dropping or sending on the
/// returned handle stops it as Ctrl-C would.
pub fn spawn_stoppable(config: Config) -> Result<(SocketAddr, tokio::sync::oneshot::Sender<()>), ServeError> {
    let (tx, rx) = std::sync::mpsc::channel();
    let tx2 = tx.clone();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let stop = async move {
            let _ = stop_rx.await;
        };
        if let Err(e) = serve_until(
            config,
            move |addr| {
                let _ = tx.send(Ok(addr));
            },
            stop,
        ) {
            let _ = tx2.send(Err(e));
        }
    });
    let addr = rx.recv().map_err(|_| ServeError::ThreadStopped)??;
    Ok((addr, stop_tx))
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
