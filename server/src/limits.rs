//! What one request may be: how large its body, headers and URL, how long it may take, and
//! (in [`crate::rate_limit`]) how often a client may write. Every limit is configurable and
//! each is answered cleanly through [`crate::problem`]: 413, 431, 414 or 408, as a page for
//! browsers and as problem+json for the API.

use crate::config::{invalid, ConfigError};
use crate::problem;
use crate::request_id::RequestId;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use domain::refusal::Refusal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The limits as text, straight from flags and environment variables.
#[derive(Debug, Clone, clap::Args)]
pub struct RawLimits {
    /// Largest request body of a form or JSON request, in bytes (uploads have their own
    /// limits: 5 MB images and catalog files).
    #[arg(
        long,
        env = "CLOUDMART_BODY_LIMIT",
        default_value = "65536",
        global = true
    )]
    pub body_limit: String,
    /// Largest total size of a request's headers, in bytes.
    #[arg(
        long,
        env = "CLOUDMART_HEADER_LIMIT",
        default_value = "32768",
        global = true
    )]
    pub header_limit: String,
    /// Longest URL (path and query), in bytes.
    #[arg(
        long,
        env = "CLOUDMART_URL_LIMIT",
        default_value = "16384",
        global = true
    )]
    pub url_limit: String,
    /// Seconds a client may take to send a request's head before the connection is closed.
    #[arg(
        long,
        env = "CLOUDMART_HEADER_TIMEOUT",
        default_value = "10",
        global = true
    )]
    pub header_timeout: String,
    /// Seconds one request may take in all, its body included, before it is answered 408.
    #[arg(
        long,
        env = "CLOUDMART_REQUEST_TIMEOUT",
        default_value = "30",
        global = true
    )]
    pub request_timeout: String,
    /// Seconds a stopping server waits for requests in flight before it closes them.
    #[arg(
        long,
        env = "CLOUDMART_DRAIN_TIMEOUT",
        default_value = "10",
        global = true
    )]
    pub drain_timeout: String,
    /// Writes (sign-in, sign-up, every form that changes something) one client address may
    /// send per minute, in bursts of up to as many; 0 turns the limit off.
    #[arg(
        long,
        env = "CLOUDMART_RATE_LIMIT",
        default_value = "120",
        global = true
    )]
    pub rate_limit: String,
    /// REST API requests one token, and one client address, may send per minute, in bursts
    /// of up to as many; 0 turns the limit off.
    #[arg(
        long,
        env = "CLOUDMART_API_RATE_LIMIT",
        default_value = "600",
        global = true
    )]
    pub api_rate_limit: String,
}

/// The limits, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpLimits {
    pub body_bytes: usize,
    pub header_bytes: usize,
    pub url_bytes: usize,
    pub header_timeout: Duration,
    pub request_timeout: Duration,
    pub drain_timeout: Duration,
    /// Writes per minute per client; 0 is no limit.
    pub writes_per_minute: u32,
    /// REST API requests per minute per token and per client; 0 is no limit.
    pub api_requests_per_minute: u32,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            body_bytes: 64 * 1024,
            header_bytes: 32 * 1024,
            url_bytes: 16 * 1024,
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            drain_timeout: Duration::from_secs(10),
            writes_per_minute: 120,
            api_requests_per_minute: 600,
        }
    }
}

fn number<T: std::str::FromStr + PartialOrd>(
    variable: &'static str,
    text: &str,
    range: std::ops::RangeInclusive<T>,
    expected: &'static str,
) -> Result<T, ConfigError> {
    text.trim()
        .parse::<T>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| invalid(variable, text, expected))
}

impl HttpLimits {
    pub fn parse(raw: &RawLimits) -> Result<Self, ConfigError> {
        let secs = |variable, text: &str| {
            number::<u64>(variable, text, 1..=3600, "whole seconds from 1 to 3600")
                .map(Duration::from_secs)
        };
        Ok(Self {
            body_bytes: number(
                "CLOUDMART_BODY_LIMIT",
                &raw.body_limit,
                1024..=16 * 1024 * 1024,
                "bytes from 1024 to 16777216",
            )?,
            header_bytes: number(
                "CLOUDMART_HEADER_LIMIT",
                &raw.header_limit,
                4096..=1024 * 1024,
                "bytes from 4096 to 1048576",
            )?,
            url_bytes: number(
                "CLOUDMART_URL_LIMIT",
                &raw.url_limit,
                1024..=1024 * 1024,
                "bytes from 1024 to 1048576",
            )?,
            header_timeout: secs("CLOUDMART_HEADER_TIMEOUT", &raw.header_timeout)?,
            request_timeout: secs("CLOUDMART_REQUEST_TIMEOUT", &raw.request_timeout)?,
            drain_timeout: secs("CLOUDMART_DRAIN_TIMEOUT", &raw.drain_timeout)?,
            writes_per_minute: number(
                "CLOUDMART_RATE_LIMIT",
                &raw.rate_limit,
                0..=1_000_000,
                "writes per minute from 0 (no limit) to 1000000",
            )?,
            api_requests_per_minute: number(
                "CLOUDMART_API_RATE_LIMIT",
                &raw.api_rate_limit,
                0..=1_000_000,
                "requests per minute from 0 (no limit) to 1000000",
            )?,
        })
    }
}

/// Whether a request path is one particular upload endpoint.
pub type PathMatcher = fn(&str) -> bool;

/// Paths whose bodies are uploads, with the largest body each takes.
#[derive(Debug, Clone, Default)]
pub struct UploadLimits(pub Vec<(PathMatcher, usize)>);

/// The limits as the middleware uses them.
#[derive(Debug, Clone)]
pub struct Enforced {
    pub limits: HttpLimits,
    pub uploads: UploadLimits,
}

/// Refuses a request whose URL, headers or announced body are too large, bounds the body it
/// reads to the same limit, and answers 408 when the request takes too long.
pub async fn enforce(
    State(enforced): State<Arc<Enforced>>,
    request: Request,
    next: Next,
) -> Response {
    let limits = &enforced.limits;
    let url = request.uri().path().len() + request.uri().query().map_or(0, str::len);
    if url > limits.url_bytes {
        return refuse(&request, Refusal::new(414, "The address is too long."));
    }
    let headers: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if headers > limits.header_bytes {
        return refuse(
            &request,
            Refusal::new(431, "The request's headers are too large."),
        );
    }
    let path = request.uri().path();
    let body_limit = enforced
        .uploads
        .0
        .iter()
        .find(|(matches, _)| matches(path))
        .map_or(limits.body_bytes, |(_, limit)| *limit);
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|n| n > body_limit) {
        return refuse(&request, too_large(body_limit));
    }
    // What a refusal after the fact needs, taken now: the request itself moves on.
    let asked = Asked::of(&request);
    // A body without a length that turns out too large fails whoever reads it; whatever they
    // answered then, the client is told 413. A request without a body (a GET, most requests)
    // has nothing to bound and is passed on as it is.
    let (request, overflowed) = if axum::body::HttpBody::is_end_stream(request.body()) {
        (request, None)
    } else {
        let (parts, body) = request.into_parts();
        let overflowed = Arc::new(AtomicBool::new(false));
        let flag = overflowed.clone();
        let bounded = http_body_util::BodyExt::map_err(
            http_body_util::Limited::new(body, body_limit),
            move |e| {
                if e.is::<http_body_util::LengthLimitError>() {
                    flag.store(true, Ordering::Relaxed);
                }
                e
            },
        );
        (
            Request::from_parts(parts, Body::new(bounded)),
            Some(overflowed),
        )
    };
    match tokio::time::timeout(limits.request_timeout, next.run(request)).await {
        Ok(_)
            if overflowed
                .as_ref()
                .is_some_and(|o| o.load(Ordering::Relaxed)) =>
        {
            asked.refuse(too_large(body_limit))
        }
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(
                timeout_secs = limits.request_timeout.as_secs(),
                "request timed out"
            );
            asked.refuse(Refusal::new(
                408,
                "The request took too long. Please try again.",
            ))
        }
    }
}

fn too_large(limit: usize) -> Refusal {
    Refusal::new(
        413,
        format!("The request is too large (at most {} KB).", limit / 1024),
    )
}

fn refuse<B>(request: &Request<B>, refusal: Refusal) -> Response {
    Asked::of(request).refuse(refusal)
}

/// How a request wants to be refused: as JSON or a page, with its id.
struct Asked {
    json: bool,
    id: Option<RequestId>,
}

impl Asked {
    fn of<B>(request: &Request<B>) -> Self {
        Self {
            json: problem::wants_json(request.uri(), request.headers()),
            id: request.extensions().get::<RequestId>().cloned(),
        }
    }

    fn refuse(&self, refusal: Refusal) -> Response {
        problem::answer_as(self.json, self.id.as_ref().map(RequestId::as_str), &refusal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn the_defaults_parse_and_bad_values_name_their_variable() {
        let raw = crate::config::Cli::parse_from(["server"]).settings.http;
        assert_eq!(HttpLimits::parse(&raw).unwrap(), HttpLimits::default());
        let bad = RawLimits {
            rate_limit: "lots".into(),
            ..raw.clone()
        };
        let e = HttpLimits::parse(&bad).unwrap_err();
        assert!(e.to_string().starts_with("CLOUDMART_RATE_LIMIT"), "{e}");
        let bad_api = RawLimits {
            api_rate_limit: "-1".into(),
            ..raw.clone()
        };
        let e = HttpLimits::parse(&bad_api).unwrap_err();
        assert!(e.to_string().starts_with("CLOUDMART_API_RATE_LIMIT"), "{e}");
        let zero = RawLimits {
            request_timeout: "0".into(),
            ..raw
        };
        assert!(HttpLimits::parse(&zero).is_err());
    }
}
