//! Serving connections: HTTP/1.1 (TLS and HTTP/2 end at the load balancer in front), with a
//! bound on how long a client may take to send a request's head, so slow clients cannot hold
//! connections open, and a graceful stop that drains requests in flight within a bound.

use crate::limits::HttpLimits;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// Serves `app` on `listener` until `shutdown` resolves; then stops accepting, waits for the
/// requests in flight (at most the drain timeout) and returns whether they all finished.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &HttpLimits,
    shutdown: impl Future<Output = ()>,
) -> bool {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(limits.header_bytes.max(16 * 1024) + 8 * 1024);
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
            let mut request = request.map(Body::new);
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(remote));
            app.clone().oneshot(request)
        });
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection closed with an error");
            }
        });
    }
    drop(listener);
    tracing::info!(
        timeout_secs = limits.drain_timeout.as_secs(),
        "shutting down: no new connections; draining requests in flight"
    );
    match tokio::time::timeout(limits.drain_timeout, graceful.shutdown()).await {
        Ok(()) => {
            tracing::info!("requests drained");
            true
        }
        Err(_) => {
            tracing::warn!("drain timeout reached; the remaining connections are closed");
            false
        }
    }
}
