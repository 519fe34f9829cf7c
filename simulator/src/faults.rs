//! Injected misbehaviour: random 429s and 500s, latency, and Stripe-like
//! rate limiting per second.

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

/// Applies latency, the rate limit and random faults to one request.
pub(crate) async fn apply(state: &State) -> Result<(), ApiError> {
    let faults = state
        .faults
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
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
