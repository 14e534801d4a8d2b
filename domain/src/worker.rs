//! Background work has one home: every task is a named worker, started by start-up through
//! [`Workers::spawn`] and stopped by [`Workers::stop`] at a safe point of its own choosing
//! (between two polls, between two import rows). A worker whose dependency is down backs off
//! through [`Outage`], which also keeps the log to three kinds of line: the outage began, it
//! is still going on (every few minutes), it is over.

use std::future::Future;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Tells a worker that the process is shutting down.
#[derive(Debug, Clone)]
pub struct StopSignal {
    receiver: watch::Receiver<bool>,
    /// For [`StopSignal::never`]: the sender nobody will use, kept so the channel stays open.
    _unused: Option<std::sync::Arc<watch::Sender<bool>>>,
}

impl StopSignal {
    /// Whether stopping was asked for.
    pub fn is_stopped(&self) -> bool {
        *self.receiver.borrow()
    }

    /// Resolves once stopping is asked for (at once if it was already).
    pub async fn stopped(&mut self) {
        // An error means every sender is gone: that is a stop too.
        let _ = self.receiver.wait_for(|stop| *stop).await;
    }

    /// Sleeps for `delay`, or less when stopping is asked for. Returns whether to go on.
    pub async fn sleep(&mut self, delay: Duration) -> bool {
        tokio::select! {
            () = tokio::time::sleep(delay) => !self.is_stopped(),
            () = self.stopped() => false,
        }
    }

    /// A signal that never fires, for work run outside a worker (a CLI command, a test).
    pub fn never() -> Self {
        let (sender, receiver) = watch::channel(false);
        Self {
            receiver,
            _unused: Some(std::sync::Arc::new(sender)),
        }
    }
}

/// The process's workers.
pub struct Workers {
    stop: watch::Sender<bool>,
    running: Vec<(&'static str, JoinHandle<()>)>,
}

impl Default for Workers {
    fn default() -> Self {
        Self::new()
    }
}

impl Workers {
    pub fn new() -> Self {
        Self {
            stop: watch::channel(false).0,
            running: Vec::new(),
        }
    }

    /// A stop signal for work that belongs to these workers but is started later (an import
    /// that an admin starts).
    pub fn signal(&self) -> StopSignal {
        StopSignal {
            receiver: self.stop.subscribe(),
            _unused: None,
        }
    }

    /// Starts the worker `name`; it should return soon after its signal fires.
    pub fn spawn<F, Fut>(&mut self, name: &'static str, work: F)
    where
        F: FnOnce(StopSignal) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let task = work(self.signal());
        let handle = tokio::spawn(async move {
            task.await;
            tracing::debug!(worker = name, "worker finished");
        });
        tracing::info!(worker = name, "worker started");
        self.running.push((name, handle));
    }

    /// The names of the running workers.
    pub fn names(&self) -> Vec<&'static str> {
        self.running.iter().map(|(name, _)| *name).collect()
    }

    /// Asks every worker to stop and waits for them, `within` in all; a worker still running
    /// then is cut off (and named in the log).
    pub async fn stop(self, within: Duration) {
        let _ = self.stop.send(true);
        let deadline = tokio::time::Instant::now() + within;
        for (name, mut handle) in self.running {
            match tokio::time::timeout_at(deadline, &mut handle).await {
                Ok(_) => tracing::info!(worker = name, "worker stopped"),
                Err(_) => {
                    tracing::warn!(worker = name, "worker did not stop in time; cut off");
                    handle.abort();
                }
            }
        }
        tracing::info!("workers stopped");
    }
}

/// How often an outage that goes on is logged again.
pub const OUTAGE_REMINDER: Duration = Duration::from_secs(300);
/// The longest a worker waits between two tries while its dependency is down.
pub const MAX_OUTAGE_BACKOFF: Duration = Duration::from_secs(60);

/// A worker's view of its dependency's health: when it broke, how often it failed since, and
/// when it was last logged.
#[derive(Debug)]
pub struct Outage {
    worker: &'static str,
    since: Option<Instant>,
    failures: u32,
    last_logged: Option<Instant>,
}

impl Outage {
    pub fn new(worker: &'static str) -> Self {
        Self {
            worker,
            since: None,
            failures: 0,
            last_logged: None,
        }
    }

    pub fn is_down(&self) -> bool {
        self.since.is_some()
    }

    /// Records a failed try (logged when the outage starts and every [`OUTAGE_REMINDER`])
    /// and returns how long to wait before the next: doubling from `normal`, with jitter,
    /// at most [`MAX_OUTAGE_BACKOFF`].
    pub fn failed(&mut self, normal: Duration, error: &dyn std::error::Error) -> Duration {
        let now = Instant::now();
        self.failures += 1;
        let cause = crate::refusal::chain(error);
        match (self.since, self.last_logged) {
            (None, _) => {
                self.since = Some(now);
                self.last_logged = Some(now);
                tracing::warn!(worker = self.worker, error = %cause, "dependency down; backing off");
            }
            (Some(since), Some(logged)) if now.duration_since(logged) >= OUTAGE_REMINDER => {
                self.last_logged = Some(now);
                tracing::warn!(
                    worker = self.worker,
                    error = %cause,
                    down_for_secs = now.duration_since(since).as_secs(),
                    failures = self.failures,
                    "dependency still down"
                );
            }
            _ => {}
        }
        backoff(normal, self.failures, crate::random::bytes::<1>()[0])
    }

    /// Records a successful try; logs the recovery when there was an outage.
    pub fn succeeded(&mut self) {
        if let Some(since) = self.since.take() {
            tracing::info!(
                worker = self.worker,
                down_for_secs = since.elapsed().as_secs(),
                failures = self.failures,
                "dependency recovered"
            );
        }
        self.failures = 0;
        self.last_logged = None;
    }
}

/// The wait after `failures` failures in a row: `normal × 2^failures`, plus up to a quarter
/// more of jitter, capped at [`MAX_OUTAGE_BACKOFF`].
pub fn backoff(normal: Duration, failures: u32, jitter: u8) -> Duration {
    let doubled = normal.saturating_mul(1 << failures.min(16));
    let jittered = doubled + doubled.mul_f64(f64::from(jitter) / 255.0 / 4.0);
    jittered.min(MAX_OUTAGE_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_from_the_normal_interval_and_is_bounded() {
        let normal = Duration::from_secs(2);
        assert_eq!(backoff(normal, 1, 0), Duration::from_secs(4));
        assert_eq!(backoff(normal, 2, 0), Duration::from_secs(8));
        assert_eq!(backoff(normal, 2, 255), Duration::from_secs(10));
        assert_eq!(backoff(normal, 30, 255), MAX_OUTAGE_BACKOFF);
    }

    #[derive(Debug, thiserror::Error)]
    #[error("store unreachable")]
    struct Down;

    #[test]
    fn an_outage_is_remembered_until_a_success() {
        let mut outage = Outage::new("test");
        assert!(!outage.is_down());
        let first = outage.failed(Duration::from_secs(1), &Down);
        let second = outage.failed(Duration::from_secs(1), &Down);
        assert!(outage.is_down());
        assert!(second > first, "{second:?} > {first:?}");
        outage.succeeded();
        assert!(!outage.is_down());
    }

    #[tokio::test]
    async fn stopping_reaches_every_worker_and_waits_for_it() {
        let mut workers = Workers::new();
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        workers.spawn("sleeper", |mut stop| async move {
            while stop.sleep(Duration::from_secs(3600)).await {}
            let _ = done_tx.send(());
        });
        assert_eq!(workers.names(), vec!["sleeper"]);
        workers.stop(Duration::from_secs(5)).await;
        assert!(done_rx.await.is_ok(), "the worker reached its safe point");
    }
}
