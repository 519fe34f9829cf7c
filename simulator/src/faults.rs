//! Injected misbehaviour: random 429s and 500s, latency, hung requests,
//! forbidden paths (403, as for a restricted key), and Stripe-like rate
//! limits: a global one (`SimConfig::rate_limit_per_sec`) and one
//! per endpoint (`SimConfig::endpoint_rate_limit_per_sec`), whose
//! 429s name the limit in `Stripe-Rate-Limited-Reason` as Stripe's do.
//!
//! Faults can be armed on events rather than on the clock: they start after
//! the Nth request (optionally the Nth request under a path) and stop after
//! M requests or a duration. Tests use this to hit a run at a known point,
//! whatever the machine's speed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// Faults injected into `/v1` requests. The default injects nothing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Faults {
    /// Fraction of requests (0..=1) answered `429 rate_limit`.
    #[serde(default)]
    pub rate_429: f64,
    /// Fraction of requests (0..=1) answered `500 api_error`.
    #[serde(default)]
    pub rate_500: f64,
    /// Delay added to every request.
    #[serde(default, with = "millis")]
    pub latency: Duration,
    /// Fraction of requests (0..=1) that hang for [`Faults::hang`] before
    /// being answered: a client with a shorter timeout sees a timeout.
    #[serde(default)]
    pub rate_hang: f64,
    /// How long a hung request hangs (ms in JSON).
    #[serde(default, with = "millis")]
    pub hang: Duration,
    /// Path prefixes (`/v1/coupons`, `/v1/invoices`) answered `403`, as
    /// Stripe answers a restricted key without that permission. A prefix
    /// matches the path itself and everything below it (`/v1/invoices/in_1/lines`),
    /// not a longer name (`/v1/invoiceitems`).
    #[serde(default)]
    pub forbidden: Vec<String>,
    /// Only requests under this path prefix (same matching as
    /// [`Faults::forbidden`]) are counted and faulted; others pass untouched.
    #[serde(default)]
    pub path: Option<String>,
    /// Only requests acting as this account (its `Stripe-Account`, or the
    /// platform's id for requests without one) are counted and faulted;
    /// others pass untouched.
    #[serde(default)]
    pub account: Option<String>,
    /// The faults start after this many (matching) requests, counted from
    /// when these faults were set: `1` lets the first request through and
    /// faults the second.
    #[serde(default)]
    pub start_after_requests: u64,
    /// The faults stop after this many requests have been faulted.
    #[serde(default)]
    pub stop_after_requests: Option<u64>,
    /// The faults stop this long after the first faulted request (ms in JSON).
    #[serde(default, with = "opt_millis")]
    pub stop_after: Option<Duration>,
}

impl Faults {
    /// Whether `path` is one these faults apply to ([`Faults::path`]).
    pub fn matches_path(&self, path: &str) -> bool {
        self.path.as_deref().is_none_or(|p| under(p, path))
    }

    /// Whether `path` is under one of the [`Faults::forbidden`] prefixes.
    pub fn is_forbidden(&self, path: &str) -> bool {
        self.forbidden.iter().any(|p| under(p, path))
    }
}

/// Whether `path` is `prefix` or below it (`/v1/invoices/in_1/lines` is under
/// `/v1/invoices`; `/v1/invoiceitems` is not).
fn under(prefix: &str, path: &str) -> bool {
    let p = prefix.trim_end_matches('/');
    !p.is_empty()
        && path
            .strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Where the current faults are in their window; reset whenever the faults
/// are set.
#[derive(Debug, Default)]
pub(crate) struct Window {
    /// Matching requests seen since the faults were set.
    seen: u64,
    /// Requests the faults applied to.
    faulted: u64,
    /// When the first request was faulted.
    started: Option<Instant>,
}

/// What tests read about the current faults: how many requests they applied
/// to, and how many of those were answered with an injected error or hung;
/// and how many requests the rate limits refused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FaultStats {
    /// Requests the faults applied to (inside the window, on the path).
    pub faulted: u64,
    /// Of those, requests answered 429, 500 or 403, or hung.
    pub injected: u64,
    /// Requests answered 429 `global-rate` since the simulator started
    /// (setting faults does not reset it).
    pub global_rate_limited: u64,
    /// Requests answered 429 `endpoint-rate` since the simulator started
    /// (setting faults does not reset it).
    pub endpoint_rate_limited: u64,
}

/// The faults in force and their window.
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    faults: Faults,
    window: Window,
    injected: u64,
}

/// The simulator's fault controls: set, read, and applied per request.
#[derive(Debug, Default)]
pub(crate) struct FaultControl {
    state: Mutex<FaultState>,
    /// Wakes hung requests when the faults change, so clearing a hang
    /// releases them at once.
    changed: tokio::sync::Notify,
    /// The rate limits' buckets and refusals.
    limits: Mutex<Limits>,
}

impl FaultControl {
    pub(crate) fn new(faults: Faults) -> Self {
        FaultControl {
            state: Mutex::new(FaultState {
                faults,
                ..FaultState::default()
            }),
            changed: tokio::sync::Notify::new(),
            limits: Mutex::new(Limits::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FaultState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the faults, restarts their window and releases hung requests.
    pub(crate) fn set(&self, faults: Faults) {
        *self.lock() = FaultState {
            faults,
            ..FaultState::default()
        };
        self.changed.notify_waiters();
    }

    /// The faults in force.
    pub(crate) fn get(&self) -> Faults {
        self.lock().faults.clone()
    }

    /// Counts of the current faults, and of the rate limits' refusals.
    pub(crate) fn stats(&self) -> FaultStats {
        let (global, endpoint) = {
            let l = self.limits();
            (l.global_refused, l.endpoint_refused)
        };
        let s = self.lock();
        FaultStats {
            faulted: s.window.faulted,
            injected: s.injected,
            global_rate_limited: global,
            endpoint_rate_limited: endpoint,
        }
    }

    fn limits(&self) -> std::sync::MutexGuard<'_, Limits> {
        self.limits.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Admits a request of `account` to `endpoint` under the rate limits
    /// (requests per second; `None`: unlimited), or names the limit it
    /// exceeds. Each account has its own global and per-endpoint buckets, as
    /// on Stripe; `platform` caps all accounts together. A refused request
    /// spends no token.
    fn rate_limit(
        &self,
        account: &str,
        limits: RateLimits,
        endpoint: Option<&str>,
        now: Instant,
    ) -> Result<(), RateLimitReason> {
        let mut guard = self.limits();
        let l = &mut *guard;
        let mut p = limits
            .platform
            .map(|rate| l.platform.get_or_insert_with(|| Bucket::full(rate, now)));
        let a = l.accounts.entry(account.to_string()).or_default();
        let mut g = limits
            .global
            .map(|rate| a.global.get_or_insert_with(|| Bucket::full(rate, now)));
        let mut e = endpoint.zip(limits.endpoint).map(|(key, n)| {
            a.endpoints
                .entry(key.to_string())
                .or_insert_with(|| Bucket::full(endpoint_rate(key, n), now))
        });
        let refused = if p.as_mut().is_some_and(|b| !b.has_token(now))
            || g.as_mut().is_some_and(|b| !b.has_token(now))
        {
            RateLimitReason::GlobalRate
        } else if e.as_mut().is_some_and(|b| !b.has_token(now)) {
            RateLimitReason::EndpointRate
        } else {
            p.into_iter().chain(g).chain(e).for_each(Bucket::take);
            return Ok(());
        };
        match refused {
            RateLimitReason::GlobalRate => l.global_refused += 1,
            RateLimitReason::EndpointRate => l.endpoint_refused += 1,
        }
        Err(refused)
    }

    /// The faults that apply to this request on `path`, if it is inside
    /// their window; counts it.
    fn admit(&self, path: &str, account: &str) -> Option<Faults> {
        let mut s = self.lock();
        if !s.faults.matches_path(path) || s.faults.account.as_deref().is_some_and(|a| a != account)
        {
            return None;
        }
        s.window.seen += 1;
        if s.window.seen <= s.faults.start_after_requests {
            return None;
        }
        if s.faults
            .stop_after_requests
            .is_some_and(|m| s.window.faulted >= m)
        {
            return None;
        }
        let started = *s.window.started.get_or_insert_with(Instant::now);
        if s.faults.stop_after.is_some_and(|d| started.elapsed() >= d) {
            return None;
        }
        s.window.faulted += 1;
        Some(s.faults.clone())
    }

    fn injected(&self) {
        self.lock().injected += 1;
    }
}

/// The rate limits in force, in requests per second (`None`: unlimited).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct RateLimits {
    /// Each account's requests over all endpoints.
    pub global: Option<u32>,
    /// Each account's requests to one endpoint (the Files API gets four
    /// fifths of it, [`endpoint_rate`]).
    pub endpoint: Option<u32>,
    /// All accounts' requests together.
    pub platform: Option<u32>,
}

impl RateLimits {
    fn is_unlimited(&self) -> bool {
        self.global.is_none() && self.endpoint.is_none() && self.platform.is_none()
    }
}

/// The rate limits' state: token buckets, created on first use.
#[derive(Debug, Default)]
struct Limits {
    /// The platform-wide cap's bucket.
    platform: Option<Bucket>,
    /// Each account's buckets, by account id.
    accounts: HashMap<String, AccountLimits>,
    global_refused: u64,
    endpoint_refused: u64,
}

/// One account's buckets.
#[derive(Debug, Default)]
struct AccountLimits {
    /// The account's global limit's bucket.
    global: Option<Bucket>,
    /// Each endpoint's bucket.
    endpoints: HashMap<String, Bucket>,
}

/// A token bucket holding up to one second's worth of requests: a client
/// pacing itself at the limit is never refused for when its requests fall
/// within a second (as a per-clock-second count would refuse a burst across
/// a second's boundary), and a client that waits a while may burst, as
/// Stripe allows.
#[derive(Debug)]
struct Bucket {
    rate: f64,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    fn full(per_second: u32, now: Instant) -> Self {
        let rate = f64::from(per_second.max(1));
        Bucket {
            rate,
            tokens: rate,
            last: now,
        }
    }

    /// Refills for the time since the last request; whether a token is there.
    fn has_token(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = self.last.max(now);
        self.tokens = (self.tokens + elapsed * self.rate).min(self.rate);
        self.tokens >= 1.0
    }

    fn take(&mut self) {
        self.tokens -= 1.0;
    }
}

/// Which limit a 429 reports, in Stripe's `Stripe-Rate-Limited-Reason`
/// header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateLimitReason {
    /// The account's requests per second (`global-rate`).
    GlobalRate,
    /// One endpoint's requests per second (`endpoint-rate`).
    EndpointRate,
}

/// The messages of the rate limits' 429s, by reason. An [`ApiError`] has no
/// headers, so the response finds the reason from its message
/// ([`RateLimitReason::of`]).
const RATE_LIMIT_MESSAGES: [(RateLimitReason, &str); 2] = [
    (
        RateLimitReason::GlobalRate,
        "Request rate limit exceeded: too many requests for this account hit the API too quickly. We recommend an exponential backoff of your requests.",
    ),
    (
        RateLimitReason::EndpointRate,
        "Request rate limit exceeded: too many requests to this endpoint hit the API too quickly. We recommend an exponential backoff of your requests.",
    ),
];

impl RateLimitReason {
    /// The `Stripe-Rate-Limited-Reason` value.
    pub fn header_value(self) -> &'static str {
        match self {
            RateLimitReason::GlobalRate => "global-rate",
            RateLimitReason::EndpointRate => "endpoint-rate",
        }
    }

    /// The reason of a rate limit's 429 ([`rate_limited_by`]); `None` for any
    /// other error, injected 429s included.
    pub fn of(e: &ApiError) -> Option<RateLimitReason> {
        if e.status != 429 {
            return None;
        }
        RATE_LIMIT_MESSAGES
            .iter()
            .find(|(_, m)| e.message == *m)
            .map(|(r, _)| *r)
    }
}

/// The 429 a rate limit answers, naming it.
pub fn rate_limited_by(reason: RateLimitReason) -> ApiError {
    let message = RATE_LIMIT_MESSAGES
        .iter()
        .find(|(r, _)| *r == reason)
        .map_or("Request rate limit exceeded.", |(_, m)| m);
    ApiError {
        message: message.into(),
        ..rate_limited()
    }
}

/// The endpoint rate limit of `endpoint` (`/v1/customers/{customer}`): the
/// Files API's is four fifths of the others' (Stripe's 20/s to 25/s).
fn endpoint_rate(endpoint: &str, per_second: u32) -> u32 {
    let files = endpoint
        .strip_prefix("/v1/files")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    if files {
        (u64::from(per_second) * 4 / 5).max(1) as u32
    } else {
        per_second
    }
}

mod opt_millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&(d.as_millis() as u64)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(Duration::from_millis))
    }
}

mod millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(u64::deserialize(d)?))
    }
}

/// The 429 Stripe answers when requests come too fast.
pub fn rate_limited() -> ApiError {
    ApiError {
        status: 429,
        kind: "invalid_request_error",
        code: "rate_limit",
        message: "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.".into(),
        param: None,
    }
}

/// The 500 Stripe answers when it fails.
pub fn server_error() -> ApiError {
    ApiError {
        status: 500,
        kind: "api_error",
        code: "api_error",
        message: "An unknown error occurred (injected by the simulator).".into(),
        param: None,
    }
}

/// The 403 Stripe answers when a restricted key lacks a permission.
pub fn forbidden(path: &str) -> ApiError {
    ApiError {
        status: 403,
        kind: "invalid_request_error",
        code: "secret_key_required",
        message: format!(
            "The provided key does not have the required permissions for this endpoint ({path}) (injected by the simulator)."
        ),
        param: None,
    }
}

impl FaultControl {
    /// Applies latency, hangs, forbidden paths, `account`'s rate limits and
    /// random faults to one request on `path`.
    pub(crate) async fn apply(
        &self,
        path: &str,
        account: &str,
        limits: RateLimits,
    ) -> Result<(), ApiError> {
        let control = self;
        if let Some(faults) = control.admit(path, account) {
            if !faults.latency.is_zero() {
                tokio::time::sleep(faults.latency).await;
            }
            if faults.rate_hang > 0.0 && !faults.hang.is_zero() {
                let r: f64 = rand::thread_rng().gen();
                if r < faults.rate_hang {
                    control.injected();
                    // Hangs until `hang` has passed or the faults change.
                    let changed = control.changed.notified();
                    tokio::select! {
                        _ = tokio::time::sleep(faults.hang) => {}
                        _ = changed => {}
                    }
                }
            }
            if faults.is_forbidden(path) {
                control.injected();
                return Err(forbidden(path));
            }
            if faults.rate_429 > 0.0 || faults.rate_500 > 0.0 {
                let r: f64 = rand::thread_rng().gen();
                if r < faults.rate_429 {
                    control.injected();
                    return Err(rate_limited());
                }
                if r < faults.rate_429 + faults.rate_500 {
                    control.injected();
                    return Err(server_error());
                }
            }
        }
        if limits.is_unlimited() {
            return Ok(());
        }
        // Stripe's endpoint is the method and the path template; the method is
        // not passed here, so an endpoint's methods share its path's limit.
        let template = stripe_sync_generated::registry::endpoint_template(path).unwrap_or(path);
        control
            .rate_limit(account, limits, Some(template), Instant::now())
            .map_err(rate_limited_by)
    }
}

#[cfg(test)]
mod tests {
    use super::{
        endpoint_rate, rate_limited, rate_limited_by, FaultControl, Faults, RateLimitReason,
        RateLimits,
    };
    use std::time::{Duration, Instant};

    /// One request of the platform account under a global limit and an
    /// endpoint's limit.
    fn rl(
        c: &FaultControl,
        global: Option<u32>,
        (endpoint, n): (&str, u32),
        at: Instant,
    ) -> Result<(), RateLimitReason> {
        let limits = RateLimits {
            global,
            endpoint: Some(n),
            platform: None,
        };
        c.rate_limit("acct_platform", limits, Some(endpoint), at)
    }

    #[test]
    fn each_account_has_its_own_budgets_under_the_platform_cap() {
        let c = FaultControl::default();
        let t0 = Instant::now();
        let limits = RateLimits {
            global: Some(10),
            endpoint: Some(5),
            platform: Some(25),
        };
        // Admits `n` requests of `account` to `endpoint`, then says what
        // the next one gets.
        let burst = |account: &str, endpoint: &str, n: usize| {
            for _ in 0..n {
                assert_eq!(c.rate_limit(account, limits, Some(endpoint), t0), Ok(()));
            }
            c.rate_limit(account, limits, Some(endpoint), t0)
        };
        let refused = Err(RateLimitReason::EndpointRate);
        assert_eq!(burst("acct_a", "/v1/customers", 5), refused);
        // Account B's endpoint budget is untouched by A's burst.
        assert_eq!(burst("acct_b", "/v1/customers", 4), Ok(()));
        // A's global budget (10) is spent by a fifth request elsewhere.
        assert_eq!(burst("acct_a", "/v1/prices", 4), Ok(()));
        let refused = Err(RateLimitReason::GlobalRate);
        assert_eq!(burst("acct_a", "/v1/products", 0), refused);
        // 15 spent of the platform's 25: C gets 10 before the cap refuses.
        assert_eq!(burst("acct_c", "/v1/customers", 4), Ok(()));
        assert_eq!(burst("acct_c", "/v1/prices", 4), Ok(()));
        assert_eq!(burst("acct_d", "/v1/customers", 0), refused);
        assert_eq!(c.stats().global_rate_limited, 2);
    }

    #[test]
    fn a_client_paced_at_the_limit_is_never_refused() {
        let c = FaultControl::default();
        let t0 = Instant::now();
        // A client's burst (a fifth of a second's worth), then 25/s for
        // 10 s, 40 ms apart: a per-clock-second count would refuse some of
        // the first second's 30 requests; the bucket refuses none.
        let mut at = t0;
        for _ in 0..5 {
            assert_eq!(rl(&c, None, ("/v1/customers", 25), at), Ok(()));
        }
        for _ in 0..250 {
            at += Duration::from_millis(40);
            assert_eq!(rl(&c, None, ("/v1/customers", 25), at), Ok(()));
        }
        assert_eq!(c.stats().endpoint_rate_limited, 0);
    }

    #[test]
    fn a_second_worth_of_burst_then_refusals_name_their_limit() {
        let c = FaultControl::default();
        let t0 = Instant::now();
        for _ in 0..25 {
            assert_eq!(rl(&c, Some(100), ("/v1/customers", 25), t0), Ok(()));
        }
        assert_eq!(
            rl(&c, Some(100), ("/v1/customers", 25), t0),
            Err(RateLimitReason::EndpointRate)
        );
        // Another endpoint has its own budget; the global one is shared.
        for _ in 0..75 {
            assert_eq!(rl(&c, Some(100), ("/v1/products", 1000), t0), Ok(()));
        }
        assert_eq!(
            rl(&c, Some(100), ("/v1/prices", 25), t0),
            Err(RateLimitReason::GlobalRate)
        );
        // A refused request spends nothing: 40 ms later one more fits.
        let t1 = t0 + Duration::from_millis(40);
        assert_eq!(rl(&c, None, ("/v1/customers", 25), t1), Ok(()));
        assert_eq!(
            rl(&c, None, ("/v1/customers", 25), t1),
            Err(RateLimitReason::EndpointRate)
        );
        let s = c.stats();
        assert_eq!((s.global_rate_limited, s.endpoint_rate_limited), (1, 2));
        // Setting faults does not reset them.
        c.set(Faults::default());
        assert_eq!(c.stats().endpoint_rate_limited, 2);
    }

    #[test]
    fn rate_limit_429s_carry_their_reason_and_injected_ones_none() {
        for r in [RateLimitReason::GlobalRate, RateLimitReason::EndpointRate] {
            let e = rate_limited_by(r);
            assert_eq!((e.status, e.code), (429, "rate_limit"));
            assert_eq!(RateLimitReason::of(&e), Some(r));
        }
        assert_eq!(RateLimitReason::of(&rate_limited()), None);
        assert_eq!(RateLimitReason::GlobalRate.header_value(), "global-rate");
        assert_eq!(
            RateLimitReason::EndpointRate.header_value(),
            "endpoint-rate"
        );
        assert_eq!(endpoint_rate("/v1/files/{file}", 25), 20);
        assert_eq!(endpoint_rate("/v1/files", 25), 20);
        assert_eq!(endpoint_rate("/v1/file_links", 25), 25);
        assert_eq!(endpoint_rate("/v1/files", 1), 1);
    }

    #[test]
    fn a_window_starts_after_n_matching_requests_and_stops_after_m() {
        let c = FaultControl::new(Faults::default());
        c.set(Faults {
            rate_429: 1.0,
            path: Some("/v1/customers".into()),
            start_after_requests: 2,
            stop_after_requests: Some(3),
            ..Default::default()
        });
        let admitted: Vec<bool> = [
            "/v1/account",
            "/v1/customers",
            "/v1/products",
            "/v1/customers",
            "/v1/customers",
            "/v1/customers/cus_1",
            "/v1/customers",
            "/v1/customers",
        ]
        .iter()
        .map(|p| c.admit(p, "acct_platform").is_some())
        .collect();
        assert_eq!(
            admitted,
            [false, false, false, false, true, true, true, false]
        );
        assert_eq!(c.stats().faulted, 3);
        // Setting faults restarts the window.
        c.set(Faults {
            rate_429: 1.0,
            start_after_requests: 1,
            ..Default::default()
        });
        assert_eq!(c.stats().faulted, 0);
        assert!(c.admit("/v1/account", "acct_platform").is_none());
        assert!(c.admit("/v1/account", "acct_platform").is_some());
    }

    #[test]
    fn faults_for_one_account_leave_the_others_alone() {
        let c = FaultControl::new(Faults {
            rate_500: 1.0,
            account: Some("acct_broken".into()),
            ..Default::default()
        });
        assert!(c.admit("/v1/customers", "acct_platform").is_none());
        assert!(c.admit("/v1/customers", "acct_other").is_none());
        assert!(c.admit("/v1/customers", "acct_broken").is_some());
        assert_eq!(c.stats().faulted, 1);
    }

    #[test]
    fn a_window_stops_a_duration_after_its_first_fault() {
        let c = FaultControl::new(Faults {
            rate_500: 1.0,
            stop_after: Some(Duration::ZERO),
            ..Default::default()
        });
        // The first request starts the window; it is already over.
        assert!(c.admit("/v1/x", "acct_platform").is_none());
        let c = FaultControl::new(Faults {
            rate_500: 1.0,
            stop_after: Some(Duration::from_secs(3600)),
            ..Default::default()
        });
        assert!(
            c.admit("/v1/x", "acct_platform").is_some()
                && c.admit("/v1/y", "acct_platform").is_some()
        );
    }

    #[test]
    fn window_fields_parse_from_the_control_api() {
        let f: Faults = serde_json::from_str(
            r#"{"rate_429": 1, "path": "/v1/customers", "start_after_requests": 1, "stop_after": 1200}"#,
        )
        .unwrap();
        assert_eq!(f.stop_after, Some(Duration::from_millis(1200)));
        assert_eq!(f.start_after_requests, 1);
        assert!(f.matches_path("/v1/customers/cus_1") && !f.matches_path("/v1/coupons"));
        assert_eq!(serde_json::to_value(&f).unwrap()["stop_after"], 1200);
    }

    #[test]
    fn forbidden_prefixes_match_whole_segments() {
        let f = Faults {
            forbidden: vec!["/v1/invoices".into(), "/v1/coupons/".into()],
            ..Default::default()
        };
        assert!(f.is_forbidden("/v1/invoices"));
        assert!(f.is_forbidden("/v1/invoices/in_1/lines"));
        assert!(f.is_forbidden("/v1/coupons"));
        assert!(!f.is_forbidden("/v1/invoiceitems"));
        assert!(!f.is_forbidden("/v1/customers"));
        assert!(!Faults::default().is_forbidden("/v1/invoices"));
    }

    #[test]
    fn defaults_inject_nothing_and_old_json_still_parses() {
        let f: Faults = serde_json::from_str(r#"{"rate_429": 0.5}"#).unwrap();
        assert_eq!(f.rate_429, 0.5);
        assert_eq!(f.rate_hang, 0.0);
        assert!(f.hang.is_zero() && f.forbidden.is_empty());
        let f: Faults =
            serde_json::from_str(r#"{"rate_hang": 1, "hang": 250, "forbidden": ["/v1/coupons"]}"#)
                .unwrap();
        assert_eq!(f.hang, Duration::from_millis(250));
        assert!(f.is_forbidden("/v1/coupons/co_1"));
    }
}
