//! Webhook delivery: events are POSTed to every enabled endpoint whose
//! `enabled_events` match, signed as Stripe signs them
//! (`Stripe-Signature: t=…,v1=…`, HMAC-SHA256 of `t.body` keyed with the
//! endpoint secret), at the endpoint's API version, retried on failure.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::Value;
use sha2::Sha256;

use crate::store::AccountStore;

/// Delivery attempts kept (`SimHandle::deliveries`, `GET /_simulator/deliveries`);
/// older ones are dropped.
pub const MAX_DELIVERY_LOG: usize = 100_000;

/// How failed deliveries are retried.
#[derive(Clone, Debug)]
pub struct WebhookRetry {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Delay before the first retry; it doubles after each failure.
    pub base_delay: Duration,
    /// Cap on the delay.
    pub max_delay: Duration,
}

impl Default for WebhookRetry {
    fn default() -> Self {
        WebhookRetry {
            max_attempts: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

/// The secret of an endpoint, and whether it receives connected accounts' events.
#[derive(Clone, Debug)]
pub struct EndpointSecret {
    /// `whsec_…`.
    pub secret: String,
    /// Created with `connect=true`.
    pub connect: bool,
}

/// One delivery attempt.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Delivery {
    /// The event delivered.
    pub event_id: String,
    /// The event type.
    pub event_type: String,
    /// The endpoint it went to.
    pub endpoint_id: String,
    /// Its URL.
    pub url: String,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// The HTTP status answered, if any.
    pub status: Option<u16>,
    /// Whether the endpoint answered 2xx.
    pub succeeded: bool,
    /// The transport error, if any.
    pub error: Option<String>,
}

/// The `Stripe-Signature` header of `payload` signed at unix time `t`.
pub fn signature_header(secret: &str, t: i64, payload: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// A webhook endpoint events may go to.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    pub id: String,
    pub url: String,
    pub api_version: Option<String>,
    pub secret: String,
}

/// A registered endpoint, as snapshotted before a write.
#[derive(Clone, Debug)]
pub(crate) struct Endpoint {
    pub target: Target,
    pub enabled_events: Vec<String>,
    pub connect: bool,
}

/// The endpoints an event of `event_type` goes to: Connect endpoints get
/// connected accounts' events, the others the platform's.
pub(crate) fn targets(endpoints: &[Endpoint], event_type: &str, connected: bool) -> Vec<Target> {
    endpoints
        .iter()
        .filter(|e| {
            e.connect == connected && e.enabled_events.iter().any(|t| t == "*" || t == event_type)
        })
        .map(|e| e.target.clone())
        .collect()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A simulator's webhook side: the endpoints' secrets, and the deliveries
/// to them (attempted in the background, logged, counted while in flight).
#[derive(Debug)]
pub(crate) struct Outbox {
    /// Secrets of the endpoints created through the API, by endpoint id.
    secrets: Mutex<HashMap<String, EndpointSecret>>,
    /// Every delivery attempt, oldest first (the last [`MAX_DELIVERY_LOG`]).
    deliveries: Mutex<Vec<Delivery>>,
    /// Deliveries still being attempted (not yet succeeded or given up).
    in_flight: AtomicU64,
    retry: WebhookRetry,
    http: reqwest::Client,
}

impl Outbox {
    /// No endpoints yet; failed deliveries are retried as `retry` says.
    pub(crate) fn new(retry: WebhookRetry) -> reqwest::Result<Self> {
        Ok(Outbox {
            secrets: Mutex::new(HashMap::new()),
            deliveries: Mutex::new(Vec::new()),
            in_flight: AtomicU64::new(0),
            retry,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()?,
        })
    }

    /// The delivery attempts so far, oldest first.
    pub(crate) fn log(&self) -> std::sync::MutexGuard<'_, Vec<Delivery>> {
        self.deliveries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Deliveries still being attempted: `0` means every event dispatched so
    /// far was delivered or given up on.
    pub(crate) fn in_flight(&self) -> u64 {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// The endpoints' secrets, by endpoint id.
    pub(crate) fn secrets(&self) -> std::sync::MutexGuard<'_, HashMap<String, EndpointSecret>> {
        self.secrets.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The enabled endpoints right now (read before a write takes its lock),
    /// as the platform account's store (`platform`) lists them.
    pub(crate) fn snapshot(&self, platform: Option<&RwLock<AccountStore>>) -> Vec<Endpoint> {
        let secrets = self.secrets().clone();
        if secrets.is_empty() {
            return Vec::new();
        }
        let Some(lock) = platform else {
            return Vec::new();
        };
        let store = lock.read().unwrap_or_else(|e| e.into_inner());
        let Some(coll) = store.coll("webhook_endpoint") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for e in coll.live() {
            let Some(sec) = secrets.get(&e.id) else {
                continue;
            };
            let v = e.value();
            if v.get("status").and_then(|s| s.as_str()) != Some("enabled") {
                continue;
            }
            let enabled_events = v
                .get("enabled_events")
                .and_then(|x| x.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            out.push(Endpoint {
                target: Target {
                    id: e.id.clone(),
                    url: v
                        .get("url")
                        .and_then(|u| u.as_str())
                        .unwrap_or("")
                        .to_string(),
                    api_version: v
                        .get("api_version")
                        .and_then(|u| u.as_str())
                        .map(String::from),
                    secret: sec.secret.clone(),
                },
                enabled_events,
                connect: sec.connect,
            });
        }
        out
    }

    /// Delivers `event` to each target in the background, at the target's
    /// API version, else at `api_version`.
    pub(crate) fn dispatch(
        self: &Arc<Self>,
        api_version: &str,
        event: &Value,
        targets: Vec<Target>,
    ) {
        for t in targets {
            let mut ev = event.clone();
            ev["api_version"] = Value::String(
                t.api_version
                    .clone()
                    .unwrap_or_else(|| api_version.to_string()),
            );
            let outbox = self.clone();
            // Counted before the task starts, so a test that sees 0 in flight
            // after a write knows its deliveries are over.
            self.in_flight.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                outbox.deliver(ev, t).await;
                outbox.in_flight.fetch_sub(1, Ordering::SeqCst);
            });
        }
    }

    async fn deliver(&self, event: Value, t: Target) {
        let body = serde_json::to_vec(&event).unwrap_or_default();
        let retry = self.retry.clone();
        let mut delay = retry.base_delay;
        let event_id = event
            .get("id")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        let event_type = event
            .get("type")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        for attempt in 1..=retry.max_attempts.max(1) {
            let sig = signature_header(&t.secret, now(), &body);
            let res = self
                .http
                .post(&t.url)
                .header("content-type", "application/json; charset=utf-8")
                .header(
                    "user-agent",
                    "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                )
                .header("stripe-signature", sig)
                .body(body.clone())
                .send()
                .await;
            let (status, error) = match res {
                Ok(r) => (Some(r.status().as_u16()), None),
                Err(e) => (None, Some(e.to_string())),
            };
            let succeeded = status.is_some_and(|s| (200..300).contains(&s));
            {
                let mut log = self.log();
                if log.len() >= MAX_DELIVERY_LOG {
                    log.drain(..MAX_DELIVERY_LOG / 10);
                }
                log.push(Delivery {
                    event_id: event_id.clone(),
                    event_type: event_type.clone(),
                    endpoint_id: t.id.clone(),
                    url: t.url.clone(),
                    attempt,
                    status,
                    succeeded,
                    error,
                });
            }
            if succeeded {
                return;
            }
            if attempt < retry.max_attempts {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(retry.max_delay);
            }
        }
        tracing::warn!(event = %event_id, endpoint = %t.id, "webhook delivery failed after {} attempts", retry.max_attempts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_stripe_docs_scheme() {
        let h = signature_header("whsec_test", 1_700_000_000, b"{}");
        let mut mac = Hmac::<Sha256>::new_from_slice(b"whsec_test").unwrap();
        mac.update(b"1700000000.{}");
        assert_eq!(
            h,
            format!(
                "t=1700000000,v1={}",
                hex::encode(mac.finalize().into_bytes())
            )
        );
    }
}
