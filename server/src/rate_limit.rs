//! One rate limiter for every write: sign-in, sign-up and every form or server function that
//! changes something (any request but GET, HEAD and OPTIONS). Each client address has a
//! bucket of `N` writes that refills at `N` per minute; an empty bucket answers 429 with
//! `Retry-After`. The REST API has its own buckets, per token and per address
//! (`rest::auth`). The sign-in throttle in the identity service still slows password
//! guessing per account on top of this.

use crate::problem;
use crate::request_id::RequestId;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use domain::refusal::Refusal;
use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Clients remembered at once; past this, buckets that are full again are forgotten first.
const MAX_CLIENTS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets by client (an address, or an API token's key).
#[derive(Debug)]
pub struct RateLimiter<K = IpAddr> {
    per_minute: u32,
    buckets: Mutex<HashMap<K, Bucket>>,
}

impl<K: Hash + Eq> RateLimiter<K> {
    /// `per_minute` writes per client per minute, in bursts of as many; 0 is no limit.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one write from `client`'s bucket at `now`: `Ok` or how long until one is back.
    pub fn take(&self, client: K, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_sec = capacity / 60.0;
        let mut buckets = match self.buckets.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if buckets.len() >= MAX_CLIENTS && !buckets.contains_key(&client) {
            buckets.retain(|_, b| {
                b.tokens + now.duration_since(b.at).as_secs_f64() * per_sec < capacity
            });
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let refilled = now.duration_since(bucket.at).as_secs_f64() * per_sec;
        bucket.tokens = (bucket.tokens + refilled).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_sec))
        }
    }
}

/// The address a request came from (`0.0.0.0` when the connection's is unknown, as in tests).
pub fn client_address(request: &Request) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |info| info.0.ip())
}

/// The limiter as middleware: writes past the limit get 429 and `Retry-After`.
pub async fn limit_writes(
    State(limiter): State<Arc<RateLimiter>>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let client = client_address(&request);
    match limiter.take(client, Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            let secs = wait.as_secs().max(1);
            tracing::warn!(%client, retry_after_secs = secs, "write rate limit reached");
            let refusal = Refusal::new(
                429,
                format!("Too many requests from your address. Please wait {secs} seconds and try again."),
            );
            let id = request
                .extensions()
                .get::<RequestId>()
                .map(RequestId::as_str);
            let mut response = problem::answer(request.uri(), request.headers(), id, &refusal);
            if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_burst_then_waits_for_the_refill() {
        let limiter = RateLimiter::new(60);
        let (a, b) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        let t0 = Instant::now();
        for _ in 0..60 {
            assert!(limiter.take(a, t0).is_ok());
        }
        let wait = limiter.take(a, t0).unwrap_err();
        assert!(wait <= Duration::from_secs(1), "{wait:?}");
        assert!(
            limiter.take(b, t0).is_ok(),
            "another client has its own bucket"
        );
        assert!(
            limiter.take(a, t0 + Duration::from_secs(1)).is_ok(),
            "one write a second comes back"
        );
    }

    #[test]
    fn zero_means_no_limit() {
        let limiter = RateLimiter::new(0);
        let client = IpAddr::from([10, 0, 0, 1]);
        assert!((0..10_000).all(|_| limiter.take(client, Instant::now()).is_ok()));
    }
}
