//! Injected misbehaviour: random 429s and 500s, latency, hung requests,
//! forbidden paths (403, as for a restricted key), and Stripe-like rate
//! limiting per second.
//!
//! Faults can be armed on events rather than on the clock: they start after
//! the Nth request (optionally the Nth request under a path) and stop after
//! M requests or a duration. Tests use this to hit a run at a known point,
//! whatever the machine's speed.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::State;

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
/// to, and how many of those were answered with an injected error or hung.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FaultStats {
    /// Requests the faults applied to (inside the window, on the path).
    pub faulted: u64,
    /// Of those, requests answered 429, 500 or 403, or hung.
    pub injected: u64,
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
}

impl FaultControl {
    pub(crate) fn new(faults: Faults) -> Self {
        FaultControl {
            state: Mutex::new(FaultState {
                faults,
                ..FaultState::default()
            }),
            changed: tokio::sync::Notify::new(),
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

    /// Counts of the current faults.
    pub(crate) fn stats(&self) -> FaultStats {
        let s = self.lock();
        FaultStats {
            faulted: s.window.faulted,
            injected: s.injected,
        }
    }

    /// The faults that apply to this request on `path`, if it is inside
    /// their window; counts it.
    fn admit(&self, path: &str) -> Option<Faults> {
        let mut s = self.lock();
        if !s.faults.matches_path(path) {
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

/// Applies latency, hangs, forbidden paths, the rate limit and random
/// faults to one request on `path`.
pub(crate) async fn apply(state: &State, path: &str) -> Result<(), ApiError> {
    let control = &state.faults;
    if let Some(faults) = control.admit(path) {
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
    if let Some(limit) = state.config.rate_limit_per_sec {
        let sec = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let mut l = state.limiter.lock().unwrap_or_else(|e| e.into_inner());
        if l.0 != sec {
            *l = (sec, 0);
        }
        l.1 += 1;
        if l.1 > limit {
            return Err(rate_limited());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{FaultControl, Faults};
    use std::time::Duration;

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
        .map(|p| c.admit(p).is_some())
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
        assert!(c.admit("/v1/account").is_none());
        assert!(c.admit("/v1/account").is_some());
    }

    #[test]
    fn a_window_stops_a_duration_after_its_first_fault() {
        let c = FaultControl::new(Faults {
            rate_500: 1.0,
            stop_after: Some(Duration::ZERO),
            ..Default::default()
        });
        // The first request starts the window; it is already over.
        assert!(c.admit("/v1/x").is_none());
        let c = FaultControl::new(Faults {
            rate_500: 1.0,
            stop_after: Some(Duration::from_secs(3600)),
            ..Default::default()
        });
        assert!(c.admit("/v1/x").is_some() && c.admit("/v1/y").is_some());
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
