//! The Stripe HTTP client: authentication, the pinned `Stripe-Version`
//! ([`Config::api_version`]), retries with exponential backoff and jitter,
//! idempotency keys, and the rate limits: the account's, shared by every
//! request, and each endpoint's ([`crate::ratelimit`]).

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use rand::Rng;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::config::Config;
use crate::ratelimit::{endpoint_key, Budget, EndpointLimiters, RateLimiter};

/// A failed Stripe API call.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Stripe answered with an error status that is not worth retrying (or
    /// retries ran out on it).
    #[error("Stripe API error {status} on {path} ({error_type}{}): {message}", code.as_deref().map(|c| format!(", {c}")).unwrap_or_default())]
    Api {
        /// `METHOD /path` of the request.
        path: String,
        /// The HTTP status.
        status: u16,
        /// Stripe's `error.type`, e.g. `invalid_request_error`.
        error_type: String,
        /// Stripe's `error.code`, when given.
        code: Option<String>,
        /// Stripe's message.
        message: String,
    },
    /// The request could not be sent or its response not received.
    #[error("request {path} failed: {message}")]
    Transport {
        /// `METHOD /path` of the request.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The response was not what the API promises.
    #[error("unreadable response from {path}: {message}")]
    Decode {
        /// `METHOD /path` of the request.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Setup(String),
}

impl ClientError {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the key may not access this resource (HTTP 403), or the
    /// account does not have the product (`Your account is not set up…`).
    pub fn is_permission_error(&self) -> bool {
        matches!(self, ClientError::Api { status: 403, .. })
    }

    /// Whether the key lost access to the whole account: 401, or 403 with
    /// `account_invalid` (a connected account that deauthorized the
    /// platform, or one the key never reached).
    pub fn is_account_access_lost(&self) -> bool {
        match self {
            ClientError::Api { status: 401, .. } => true,
            ClientError::Api {
                status: 403, code, ..
            } => code.as_deref() == Some("account_invalid"),
            _ => false,
        }
    }

    /// Whether the object or endpoint does not exist (HTTP 404).
    pub fn is_not_found(&self) -> bool {
        matches!(self, ClientError::Api { status: 404, .. })
    }
}

/// When and how long to wait before retrying.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The delay before the first retry.
    pub initial_delay: Duration,
    /// The longest delay.
    pub max_delay: Duration,
}

impl RetryPolicy {
    /// The delay before retry number `retry` (0-based): `initial * 2^retry`
    /// capped at `max_delay`, with "equal jitter" (a uniform value between half
    /// and all of it). A server's `Retry-After` is honoured when longer, capped
    /// at `max_delay`.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>, rng: &mut impl Rng) -> Duration {
        let base = self
            .initial_delay
            .saturating_mul(1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX))
            .min(self.max_delay);
        let half = base / 2;
        let jitter = if half.is_zero() {
            Duration::ZERO
        } else {
            Duration::from_nanos(rng.gen_range(0..=half.as_nanos().min(u64::MAX as u128) as u64))
        };
        let backoff = half + jitter;
        match retry_after {
            Some(ra) => backoff.max(ra.min(self.max_delay)),
            None => backoff,
        }
    }
}

/// Whether a response status is worth retrying, given Stripe's
/// `Stripe-Should-Retry` header (which wins when present).
pub fn should_retry(status: StatusCode, should_retry_header: Option<&str>) -> bool {
    match should_retry_header {
        Some("true") => true,
        Some("false") => false,
        _ => status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error(),
    }
}

/// One page of a list endpoint, split into per-object JSON texts without
/// building `Value` trees.
#[derive(Debug, Default)]
pub struct Page {
    /// The objects, as JSON text, in the API's order (newest first).
    pub items: Vec<Box<RawValue>>,
    /// Whether more objects follow.
    pub has_more: bool,
}

#[derive(Deserialize)]
struct RawPage<'a> {
    #[serde(borrow)]
    data: Vec<&'a RawValue>,
    #[serde(default)]
    has_more: bool,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(rename = "type", default)]
    error_type: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// The Stripe API client. Clones share the connection pool, the rate
/// limiters and the request counter.
#[derive(Clone, Debug)]
pub struct StripeClient {
    http: reqwest::Client,
    base: String,
    limiter: Arc<RateLimiter>,
    endpoints: Arc<EndpointLimiters>,
    /// `Stripe-Account`, when acting as a connected account.
    account: Option<HeaderValue>,
    /// The platform-wide cap, when this client is one of a platform's
    /// accounts ([`StripeClient::for_account`]).
    platform: Option<Arc<RateLimiter>>,
    retry: RetryPolicy,
    requests: Arc<AtomicU64>,
    /// Seconds Stripe's clock is ahead of ours, from its last `Date`
    /// header (shared by every account's client: one Stripe).
    skew: Arc<AtomicI64>,
}

impl StripeClient {
    /// Builds a client from the configuration: Bearer auth, the pinned
    /// `Stripe-Version` ([`Config::api_version`]; a version this build was
    /// not generated from is refused), `Stripe-Account` when set, rustls, gzip.
    pub fn new(config: &Config) -> Result<Self, ClientError> {
        let version = config.pinned_api_version().map_err(ClientError::Setup)?;
        let mut headers = HeaderMap::new();
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", config.stripe_secret_key))
            .map_err(|_| ClientError::Setup("the secret key is not a valid header value".into()))?;
        auth.set_sensitive(true);
        headers.insert(AUTHORIZATION, auth);
        headers.insert("Stripe-Version", HeaderValue::from_static(version));
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(concat!("stripe-sync/", env!("CARGO_PKG_VERSION")))
            .timeout(config.request_timeout)
            .pool_max_idle_per_host(64)
            .tcp_nodelay(true)
            .build()
            .map_err(|e| ClientError::Setup(e.to_string()))?;
        Ok(StripeClient {
            http,
            base: config.stripe_api_base.trim_end_matches('/').to_string(),
            account: account_header(config.stripe_account.as_deref())?,
            limiter: Arc::new(RateLimiter::new(config.requests_per_second())),
            endpoints: Arc::new(EndpointLimiters::for_config(config)),
            platform: None,
            retry: RetryPolicy {
                max_retries: config.max_retries,
                initial_delay: config.initial_retry_delay,
                max_delay: config.max_retry_delay,
            },
            requests: Arc::new(AtomicU64::new(0)),
            skew: Arc::new(AtomicI64::new(0)),
        })
    }

    /// A client acting as `account` (sent as `Stripe-Account`; `None`: the
    /// key's own account) over this client's connections, with the
    /// account's own budgets (`config`'s global and per-endpoint rates,
    /// fresh buckets) and its own request count. Every request also takes
    /// a token from `platform` when given: the cap shared by all the
    /// accounts reached through one platform.
    pub fn for_account(
        &self,
        account: Option<&str>,
        config: &Config,
        platform: Option<Arc<RateLimiter>>,
    ) -> Result<Self, ClientError> {
        Ok(StripeClient {
            http: self.http.clone(),
            base: self.base.clone(),
            account: account_header(account)?,
            limiter: Arc::new(RateLimiter::new(config.requests_per_second())),
            endpoints: Arc::new(EndpointLimiters::for_config(config)),
            platform,
            retry: self.retry,
            requests: Arc::new(AtomicU64::new(0)),
            skew: self.skew.clone(),
        })
    }

    /// The fallback version of an object fetched from the API now: the
    /// start of the previous second of Stripe's clock (ours plus
    /// [`Self::skew_secs`]). Events carry whole-second `created` times by
    /// Stripe's clock, so an event from the same second as the fetch (which
    /// the fetched state may not include) always wins over the fetched
    /// state: an update is never lost to a fetch that raced it, whichever
    /// clock is ahead.
    pub fn fetch_version(&self) -> chrono::DateTime<chrono::Utc> {
        let secs = chrono::Utc::now().timestamp() + self.skew_secs() - 1;
        chrono::TimeZone::timestamp_opt(&chrono::Utc, secs, 0)
            .single()
            .unwrap_or_else(chrono::Utc::now)
    }

    /// Seconds Stripe's clock is ahead of ours (negative: behind), as its
    /// last `Date` header showed; 0 before any answer, and within the
    /// header's one-second resolution.
    pub fn skew_secs(&self) -> i64 {
        self.skew.load(Ordering::Relaxed)
    }

    /// Records Stripe's clock from an answer's `Date` header. A difference
    /// of one second or less is the header's resolution, not a skew.
    fn observe_date(&self, headers: &HeaderMap) {
        let Some(date) = headers
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
        else {
            return;
        };
        let secs = |t: std::time::SystemTime| {
            t.duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        };
        let skew = secs(date) - secs(std::time::SystemTime::now());
        let skew = if skew.abs() <= 1 { 0 } else { skew };
        if self.skew.swap(skew, Ordering::Relaxed) != skew && skew != 0 {
            tracing::debug!(skew, "Stripe's clock differs from ours");
        }
    }

    /// How many HTTP requests (attempts, retries included) were sent.
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// `GET path?query`, returning the body.
    pub async fn get(&self, path: &str, query: &[(String, String)]) -> Result<Bytes, ClientError> {
        self.send(Method::GET, path, query, None).await
    }

    /// `GET path?query` parsed as JSON.
    pub async fn get_json(
        &self,
        path: &str,
        query: &[(String, String)],
    ) -> Result<serde_json::Value, ClientError> {
        let body = self.get(path, query).await?;
        serde_json::from_slice(&body).map_err(|e| ClientError::Decode {
            path: format!("GET {path}"),
            message: e.to_string(),
        })
    }

    /// `POST path` with a form body and a fresh `Idempotency-Key` (the same
    /// key on every retry), parsed as JSON.
    pub async fn post_json(
        &self,
        path: &str,
        form: &[(String, String)],
    ) -> Result<serde_json::Value, ClientError> {
        let body = self.send(Method::POST, path, &[], Some(form)).await?;
        serde_json::from_slice(&body).map_err(|e| ClientError::Decode {
            path: format!("POST {path}"),
            message: e.to_string(),
        })
    }

    /// `DELETE path`, parsed as JSON.
    pub async fn delete_json(&self, path: &str) -> Result<serde_json::Value, ClientError> {
        let body = self.send(Method::DELETE, path, &[], None).await?;
        serde_json::from_slice(&body).map_err(|e| ClientError::Decode {
            path: format!("DELETE {path}"),
            message: e.to_string(),
        })
    }

    /// One page of a list endpoint.
    pub async fn list_page(
        &self,
        path: &str,
        query: &[(String, String)],
    ) -> Result<Page, ClientError> {
        let body = self.get(path, query).await?;
        parse_page(&body).map_err(|message| ClientError::Decode {
            path: format!("GET {path}"),
            message,
        })
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        form: Option<&[(String, String)]>,
    ) -> Result<Bytes, ClientError> {
        let what = format!("{method} {path}");
        let url = format!("{}{}", self.base, path);
        let idempotency_key = (method == Method::POST).then(new_idempotency_key);
        let endpoint = self.endpoints.limiter(&endpoint_key(method.as_str(), path));
        let mut retry = 0u32;
        loop {
            // The endpoint's token first: a request queued behind its
            // endpoint's budget holds no global token the others could use.
            let endpoint_grant = endpoint.acquire().await;
            let global_grant = self.limiter.acquire().await;
            let platform_grant = match &self.platform {
                Some(p) => Some(p.acquire().await),
                None => None,
            };
            self.requests.fetch_add(1, Ordering::Relaxed);
            let mut req = self.http.request(method.clone(), &url);
            if let Some(a) = &self.account {
                req = req.header("Stripe-Account", a.clone());
            }
            if !query.is_empty() {
                req = req.query(query);
            }
            if let Some(form) = form {
                req = req.form(form);
            }
            if let Some(key) = &idempotency_key {
                req = req.header("Idempotency-Key", key.as_str());
            }
            let (err, retryable, retry_after, budget) = match req.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    self.observe_date(resp.headers());
                    if status.is_success() {
                        match resp.bytes().await {
                            // Made storable here, once, for everything read
                            // from the API (see `storable`).
                            Ok(b) => return Ok(crate::storable::storable_bytes(b)),
                            Err(e) => (
                                ClientError::Transport {
                                    path: what.clone(),
                                    message: transport_message(e),
                                },
                                true,
                                None,
                                None,
                            ),
                        }
                    } else {
                        let headers = resp.headers();
                        let sr = headers
                            .get("Stripe-Should-Retry")
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_owned);
                        let retry_after = headers
                            .get(reqwest::header::RETRY_AFTER)
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| v.trim().parse::<f64>().ok())
                            .filter(|s| s.is_finite() && *s >= 0.0)
                            .map(Duration::from_secs_f64);
                        let budget = (status == StatusCode::TOO_MANY_REQUESTS)
                            .then(|| headers.get("Stripe-Rate-Limited-Reason"))
                            .flatten()
                            .and_then(|v| v.to_str().ok())
                            .and_then(Budget::of_reason);
                        let retryable = should_retry(status, sr.as_deref());
                        let body = resp.bytes().await.unwrap_or_default();
                        (
                            api_error(&what, status, &body),
                            retryable,
                            retry_after,
                            budget,
                        )
                    }
                }
                Err(e) => {
                    let retryable =
                        e.is_connect() || e.is_timeout() || e.is_request() || e.is_body();
                    (
                        ClientError::Transport {
                            path: what.clone(),
                            message: transport_message(e),
                        },
                        retryable,
                        None,
                        None,
                    )
                }
            };
            let delay = self
                .retry
                .delay(retry, retry_after, &mut rand::thread_rng());
            // A 429 naming a budget pauses that bucket for as long as this
            // request backs off (once for a burst of such 429s), so the
            // requests queued on it do not hit the same wall; the retry then
            // waits in that queue, in order, instead of sleeping on its own.
            let named = match budget {
                Some(Budget::Endpoint) => Some((&*endpoint, endpoint_grant)),
                Some(Budget::Global) => Some((&*self.limiter, global_grant)),
                None => None,
            };
            if let Some((bucket, grant)) = named {
                if bucket.slow_down(grant, delay, Instant::now()) {
                    tracing::debug!(request = %what, ?budget, ?delay, "rate limit exceeded: paused");
                }
            }
            // Stripe does not say whether a connected account's global 429
            // was its own budget or the platform's: the platform's cap
            // slows down too (the account's requests wait on both anyway).
            if let (Some(Budget::Global), Some(p), Some(g)) =
                (budget, &self.platform, platform_grant)
            {
                p.slow_down(g, delay, Instant::now());
            }
            if !retryable || retry >= self.retry.max_retries {
                if retryable {
                    tracing::warn!(request = %what, attempts = retry + 1, error = %err, "giving up after retries");
                }
                return Err(err);
            }
            tracing::debug!(request = %what, retry = retry + 1, ?delay, error = %err, "retrying");
            if named.is_none() {
                tokio::time::sleep(delay).await;
            }
            retry += 1;
        }
    }
}

/// The `Stripe-Account` header for `account`, checked once.
fn account_header(account: Option<&str>) -> Result<Option<HeaderValue>, ClientError> {
    account
        .map(|a| {
            HeaderValue::from_str(a).map_err(|_| {
                ClientError::Setup(format!("account id {a:?} is not a valid header value"))
            })
        })
        .transpose()
}

fn api_error(what: &str, status: StatusCode, body: &[u8]) -> ClientError {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(b) => ClientError::Api {
            path: what.to_string(),
            status: status.as_u16(),
            error_type: b.error.error_type,
            code: b.error.code,
            message: b.error.message.unwrap_or_default(),
        },
        Err(_) => ClientError::Api {
            path: what.to_string(),
            status: status.as_u16(),
            error_type: "http_error".into(),
            code: None,
            message: status.canonical_reason().unwrap_or("error").to_string(),
        },
    }
}

/// Splits a list response into per-object JSON texts.
pub fn parse_page(body: &[u8]) -> Result<Page, String> {
    let raw: RawPage<'_> = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    Ok(Page {
        items: raw.data.into_iter().map(|r| r.to_owned()).collect(),
        has_more: raw.has_more,
    })
}

fn new_idempotency_key() -> String {
    let n: u128 = rand::thread_rng().gen();
    format!("stripe-sync-{n:032x}")
}

/// A transport error as one line: what happened ("timed out", "could not
/// connect") and to which host, and its causes, without the rest of the URL.
fn transport_message(e: reqwest::Error) -> String {
    // The host, never the rest of the URL.
    let host = e
        .url()
        .and_then(|u| u.host_str())
        .unwrap_or("Stripe's API")
        .to_string();
    let what = if e.is_timeout() {
        format!("timed out waiting for {host}")
    } else if e.is_connect() {
        format!("could not connect to {host}")
    } else {
        format!("request to {host} failed")
    };
    let e = e.without_url();
    let mut msg = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        let text = c.to_string();
        if !msg.contains(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        cause = c.source();
    }
    format!("{what}: {msg}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_retries: 5,
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        let p = policy();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for retry in 0..10u32 {
            let full = Duration::from_secs(1u64 << retry.min(6)).min(Duration::from_secs(60));
            for _ in 0..50 {
                let d = p.delay(retry, None, &mut rng);
                assert!(
                    d >= full / 2 && d <= full,
                    "retry {retry}: {d:?} vs {full:?}"
                );
            }
        }
    }

    #[test]
    fn retry_after_is_honoured_but_capped() {
        let p = policy();
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let d = p.delay(0, Some(Duration::from_secs(30)), &mut rng);
        assert_eq!(d, Duration::from_secs(30));
        let d = p.delay(0, Some(Duration::from_secs(3600)), &mut rng);
        assert_eq!(d, Duration::from_secs(60));
    }

    #[test]
    fn retry_decision() {
        assert!(should_retry(StatusCode::TOO_MANY_REQUESTS, None));
        assert!(should_retry(StatusCode::INTERNAL_SERVER_ERROR, None));
        assert!(should_retry(StatusCode::SERVICE_UNAVAILABLE, None));
        assert!(!should_retry(StatusCode::BAD_REQUEST, None));
        assert!(!should_retry(StatusCode::NOT_FOUND, None));
        assert!(should_retry(StatusCode::CONFLICT, Some("true")));
        assert!(!should_retry(
            StatusCode::INTERNAL_SERVER_ERROR,
            Some("false")
        ));
    }

    #[test]
    fn pages_split_without_values() {
        let p = parse_page(br#"{"object":"list","data":[{"id":"a","x":[1,2]},{"id":"b"}],"has_more":true,"url":"/v1/x"}"#).unwrap();
        assert!(p.has_more);
        assert_eq!(p.items.len(), 2);
        assert_eq!(p.items[0].get(), r#"{"id":"a","x":[1,2]}"#);
        assert!(parse_page(b"not json").is_err());
    }

    #[test]
    fn api_errors_are_typed() {
        let e = api_error(
            "GET /v1/x",
            StatusCode::FORBIDDEN,
            br#"{"error":{"type":"invalid_request_error","code":"permission","message":"nope"}}"#,
        );
        assert!(e.is_permission_error());
        assert_eq!(e.status(), Some(403));
        let e = api_error("GET /v1/x", StatusCode::NOT_FOUND, b"<html>");
        assert!(e.is_not_found());
    }
}
