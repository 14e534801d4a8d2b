//! Calls to cloud providers over HTTP (Azure AI Language, OpenAI-compatible chat servers):
//! the one error every provider client reports, and the one rule for asking again.
//!
//! The rule: a rate limit, a provider failure (408, 409, 5xx), a timeout or an answer that is
//! not what the API documents may pass, so it is asked again a bounded number of times with a
//! doubling backoff; a provider's `retry-after-ms` or `retry-after` replaces the backoff, and a
//! wait longer than [`RetryPolicy::max_wait`] is not waited for (the caller falls back or a
//! worker tries later). Refused credentials or a refused request stay refused.

use std::future::Future;
use std::time::Duration;

/// Why a provider gave no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    #[error("the provider refused the credentials (HTTP {status}): {message}")]
    Unauthorized { status: u16, message: String },
    #[error("the provider is rate limiting (retry after {retry_after:?})")]
    RateLimited { retry_after: Option<Duration> },
    #[error("the provider refused the request (HTTP {status}, {code}): {message}")]
    Rejected {
        status: u16,
        code: String,
        message: String,
    },
    #[error("the provider failed (HTTP {status}): {message}")]
    Unavailable {
        status: u16,
        message: String,
        retry_after: Option<Duration>,
    },
    #[error("the provider did not answer within {0:?}")]
    Timeout(Duration),
    #[error("the provider sent nothing within {0:?}")]
    NoFirstToken(Duration),
    #[error("could not reach the provider: {0}")]
    Unreachable(String),
    #[error("the provider's answer is not what its API documents: {0}")]
    Malformed(String),
}

impl ProviderError {
    /// Whether asking again may help.
    pub fn is_transient(&self) -> bool {
        !matches!(
            self,
            ProviderError::Unauthorized { .. } | ProviderError::Rejected { .. }
        )
    }

    /// How long the provider asked us to wait, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ProviderError::RateLimited { retry_after }
            | ProviderError::Unavailable { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The error for an HTTP status that is not a success, with the provider's message and
    /// error code (from its error body) and its `retry-after` headers.
    pub fn of_status(
        status: u16,
        code: String,
        message: String,
        retry_after: Option<Duration>,
    ) -> Self {
        match status {
            401 | 403 => ProviderError::Unauthorized { status, message },
            429 => ProviderError::RateLimited { retry_after },
            408 | 409 | 500..=599 => ProviderError::Unavailable {
                status,
                message,
                retry_after,
            },
            _ => ProviderError::Rejected {
                status,
                code,
                message,
            },
        }
    }

    /// The error for a request that got no HTTP answer; `timeout` is the one it was sent with.
    pub fn of_transport(error: &reqwest::Error, timeout: Duration) -> Self {
        if error.is_timeout() {
            ProviderError::Timeout(timeout)
        } else {
            ProviderError::Unreachable(format!("{error:#}"))
        }
    }
}

/// The wait a provider asks for: `retry-after-ms` (milliseconds, OpenAI's) before
/// `retry-after` (whole seconds; an HTTP date is not honoured and the backoff applies).
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    retry_after_of(|name| headers.get(name).and_then(|v| v.to_str().ok()))
}

/// [`retry_after`] over any client's headers (the AWS SDK's are not `reqwest`'s): `header`
/// answers a header's value by its lower-case name.
pub fn retry_after_of<'h>(header: impl Fn(&str) -> Option<&'h str>) -> Option<Duration> {
    let header = |name: &str| header(name).map(str::trim);
    let millis = header("retry-after-ms")
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|ms| ms.is_finite() && *ms >= 0.0 && *ms < 86_400_000.0)
        .map(|ms| Duration::from_micros((ms * 1000.0) as u64));
    millis.or_else(|| {
        header("retry-after")
            .and_then(|v| v.parse::<u64>().ok())
            .map(Duration::from_secs)
    })
}

/// How a request is asked again after a transient failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub attempts: u32,
    /// The first wait; it doubles after each try.
    pub backoff: Duration,
    /// No wait is longer, a `retry-after` included: a longer one is not waited for.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 3,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// Runs `request` until it succeeds, fails for good, or the tries are used up.
    pub async fn run<T, F, Fut>(
        &self,
        provider: &'static str,
        mut request: F,
    ) -> Result<T, ProviderError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ProviderError>>,
    {
        let mut backoff = self.backoff;
        let mut attempt = 1;
        loop {
            match request().await {
                Ok(answer) => return Ok(answer),
                Err(error) if error.is_transient() && attempt < self.attempts => {
                    let pause = error.retry_after().unwrap_or(backoff);
                    if pause > self.max_wait {
                        return Err(error);
                    }
                    tracing::warn!(provider, %error, attempt, ?pause, "asking the provider again");
                    tokio::time::sleep(pause).await;
                    backoff = (backoff * 2).min(self.max_wait);
                    attempt += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};
    use std::sync::atomic::{AtomicU32, Ordering};

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, HeaderValue::from_static(value));
        }
        h
    }

    #[test]
    fn retry_after_ms_comes_before_retry_after_and_dates_are_not_honoured() {
        assert_eq!(
            retry_after(&headers(&[
                ("retry-after-ms", "250.5"),
                ("retry-after", "9")
            ])),
            Some(Duration::from_micros(250_500))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", " 2 ")])),
            Some(Duration::from_secs(2))
        );
        for odd in ["Wed, 21 Oct 2026 07:28:00 GMT", "-1", "soon"] {
            let h = headers(&[("retry-after", odd)]);
            assert_eq!(retry_after(&h), None, "{odd}");
        }
        assert_eq!(retry_after(&headers(&[("retry-after-ms", "NaN")])), None);
    }

    #[test]
    fn statuses_map_to_what_asking_again_can_change() {
        let of = |status| ProviderError::of_status(status, "c".into(), "m".into(), None);
        for transient in [408, 409, 429, 500, 502, 503] {
            assert!(of(transient).is_transient(), "{transient}");
        }
        for refused in [400, 401, 403, 404, 422] {
            assert!(!of(refused).is_transient(), "{refused}");
        }
    }

    #[tokio::test]
    async fn a_transient_failure_is_asked_again_a_bounded_number_of_times() {
        let policy = RetryPolicy {
            attempts: 3,
            backoff: Duration::from_millis(1),
            max_wait: Duration::from_millis(50),
        };
        let tries = AtomicU32::new(0);
        let failing = policy
            .run("test", || async {
                tries.fetch_add(1, Ordering::SeqCst);
                Err::<(), _>(ProviderError::Unavailable {
                    status: 503,
                    message: String::new(),
                    retry_after: None,
                })
            })
            .await;
        assert!(failing.is_err());
        assert_eq!(tries.load(Ordering::SeqCst), 3);

        tries.store(0, Ordering::SeqCst);
        let refused = policy
            .run("test", || async {
                tries.fetch_add(1, Ordering::SeqCst);
                Err::<(), _>(ProviderError::of_status(401, "c".into(), "m".into(), None))
            })
            .await;
        assert!(refused.is_err());
        assert_eq!(tries.load(Ordering::SeqCst), 1, "refused stays refused");

        tries.store(0, Ordering::SeqCst);
        let too_long = policy
            .run("test", || async {
                tries.fetch_add(1, Ordering::SeqCst);
                Err::<(), _>(ProviderError::RateLimited {
                    retry_after: Some(Duration::from_secs(60)),
                })
            })
            .await;
        assert!(too_long.is_err());
        assert_eq!(
            tries.load(Ordering::SeqCst),
            1,
            "a minute is not waited for"
        );
    }
}
