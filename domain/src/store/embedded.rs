//! The embedded DynamoDB-compatible server (dynoxide) for one-machine mode and tests.
//!
//! It listens on a free 127.0.0.1 port and the application reaches it through the same SDK
//! client as real DynamoDB, so every run exercises the production code path.

use std::path::Path;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open the embedded database: {0}")]
    Open(String),
    #[error("cannot listen on 127.0.0.1: {0}")]
    Bind(#[source] std::io::Error),
}

/// A running dynoxide server. Dropping it stops the server.
pub struct EmbeddedDynamo {
    endpoint: String,
    shutdown: Option<oneshot::Sender<()>>,
    server: JoinHandle<()>,
    db: dynoxide::Database,
}

/// How often expired (TTL) items are removed: dynoxide's server never does it by itself.
pub const TTL_SWEEP_EVERY: Duration = Duration::from_secs(60);

/// The embedded store's TTL sweep, run as the `ttl-sweep` worker.
pub struct TtlSweep {
    db: dynoxide::Database,
}

impl TtlSweep {
    /// Removes expired items every `every` until `stop`.
    pub async fn run(self, every: Duration, mut stop: crate::worker::StopSignal) {
        let mut outage = crate::worker::Outage::new("ttl-sweep");
        let mut delay = every;
        while stop.sleep(delay).await {
            let db = self.db.clone();
            let swept = tokio::task::spawn_blocking(move || db.sweep_ttl()).await;
            delay = match swept {
                Ok(Ok(n)) => {
                    outage.succeeded();
                    if n > 0 {
                        tracing::debug!(expired = n, "swept TTL items");
                    }
                    every
                }
                Ok(Err(e)) => outage.failed(every, &EmbeddedError::Open(e.to_string())),
                Err(e) => outage.failed(every, &e),
            };
        }
    }
}

/// How long [`EmbeddedDynamo::stop`] waits for requests in flight.
pub const STOP_GRACE: Duration = Duration::from_secs(2);

impl EmbeddedDynamo {
    /// A fresh database in memory, gone when this value is dropped: one per test.
    pub async fn in_memory() -> Result<Self, EmbeddedError> {
        let db = dynoxide::Database::memory().map_err(|e| EmbeddedError::Open(e.to_string()))?;
        Self::serve(db).await
    }

    /// A database in `dir/cloudmart.db`, kept across restarts.
    pub async fn in_dir(dir: &Path) -> Result<Self, EmbeddedError> {
        std::fs::create_dir_all(dir).map_err(|source| EmbeddedError::DataDir {
            path: dir.display().to_string(),
            source,
        })?;
        let file = dir.join("cloudmart.db");
        let db = dynoxide::Database::new(&file.to_string_lossy())
            .map_err(|e| EmbeddedError::Open(format!("{}: {e}", file.display())))?;
        Self::serve(db).await
    }

    async fn serve(db: dynoxide::Database) -> Result<Self, EmbeddedError> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(EmbeddedError::Bind)?;
        let addr = listener.local_addr().map_err(EmbeddedError::Bind)?;
        let (shutdown, stopped) = oneshot::channel::<()>();
        let server_db = db.clone();
        let server = tokio::spawn(async move {
            let stop = async move {
                let _ = stopped.await;
            };
            if let Err(e) = dynoxide::server::serve_with_shutdown(listener, server_db, stop).await {
                tracing::error!(error = %e, "embedded DynamoDB server stopped");
            }
        });
        Ok(Self {
            endpoint: format!("http://{addr}"),
            shutdown: Some(shutdown),
            server,
            db,
        })
    }

    /// The sweep that removes this database's expired items, for a worker to run.
    pub fn ttl_sweep(&self) -> TtlSweep {
        TtlSweep {
            db: self.db.clone(),
        }
    }

    /// The URL to point the DynamoDB client at.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Stops accepting requests and waits a moment for those in flight; a connection that
    /// is still open after [`STOP_GRACE`] is cut.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let mut server = std::mem::replace(&mut self.server, tokio::spawn(async {}));
        if tokio::time::timeout(STOP_GRACE, &mut server).await.is_err() {
            tracing::warn!("embedded DynamoDB server did not stop in time; aborting it");
            server.abort();
        }
    }
}

impl Drop for EmbeddedDynamo {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
