//! Injected misbehaviour: random 429s and 500s, latency, hung requests,
//! forbidden paths (403, as for a restricted key), and Stripe-like rate
//! limiting per second.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
}

impl Faults {
    /// Whether `path` is under one of the [`Faults::forbidden`] prefixes.
    pub fn is_forbidden(&self, path: &str) -> bool {
        self.forbidden.iter().any(|p| {
            let p = p.trim_end_matches('/');
            !p.is_empty()
                && path
                    .strip_prefix(p)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
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
    let faults = state
        .faults
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    if faults.rate_hang > 0.0 && !faults.hang.is_zero() {
        let r: f64 = rand::thread_rng().gen();
        if r < faults.rate_hang {
            tokio::time::sleep(faults.hang).await;
        }
    }
    if faults.is_forbidden(path) {
        return Err(forbidden(path));
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
    if faults.rate_429 > 0.0 || faults.rate_500 > 0.0 {
        let r: f64 = rand::thread_rng().gen();
        if r < faults.rate_429 {
            return Err(rate_limited());
        }
        if r < faults.rate_429 + faults.rate_500 {
            return Err(server_error());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Faults;

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
        assert_eq!(f.hang, std::time::Duration::from_millis(250));
        assert!(f.is_forbidden("/v1/coupons/co_1"));
    }
}
