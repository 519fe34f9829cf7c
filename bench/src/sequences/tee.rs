//! The webhook receiver the simulator delivers to: it feeds every delivery
//! to both paths (`serve`'s router over HTTP, writing one database, and
//! `stripe_sync.process_webhook`, writing the other) and answers 200 only
//! when both took it, so the simulator delivers again what either refused.
//!
//! What it does with the next deliveries can be changed
//! ([`Delivery`]): fail them (the simulator retries), drop them (answered
//! but never applied: only a catch-up brings them), apply them twice, or
//! hold them unanswered until [`Tee::release`] applies them newest first.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::Result;
use axum::http::{HeaderMap, StatusCode};
use sqlx::PgPool;
use tokio::sync::{oneshot, Mutex, OnceCell};

use super::ops::Delivery;

/// What to do with one delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Fail,
    Drop,
    Duplicate,
    Hold,
}

/// A delivery kept unanswered: its body, signature, and where its answer goes.
struct Held {
    body: Vec<u8>,
    signature: String,
    answer: oneshot::Sender<StatusCode>,
}

/// Where the tee sends what it applies.
pub struct Targets {
    /// `serve`'s `POST /webhooks`.
    pub serve_url: String,
    /// The database `process_webhook` writes.
    pub sql: PgPool,
}

/// What the receiver did with the deliveries it got, for the summary.
#[derive(Debug, Default)]
pub struct TeeCounts {
    /// Deliveries received (attempts, redeliveries included).
    pub received: AtomicU64,
    /// Answered 500 on purpose.
    pub failed: AtomicU64,
    /// Answered 200 without applying.
    pub dropped: AtomicU64,
    /// Applied twice.
    pub duplicated: AtomicU64,
    /// Held, then applied newest first.
    pub held: AtomicU64,
}

impl TeeCounts {
    /// Adds `other`'s counts to these.
    pub fn add(&self, other: &TeeCounts) {
        for (a, b) in [
            (&self.received, &other.received),
            (&self.failed, &other.failed),
            (&self.dropped, &other.dropped),
            (&self.duplicated, &other.duplicated),
            (&self.held, &other.held),
        ] {
            a.fetch_add(b.load(Ordering::Relaxed), Ordering::Relaxed);
        }
    }
}

impl std::fmt::Display for TeeCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = |c: &AtomicU64| c.load(Ordering::Relaxed);
        write!(
            f,
            "{} deliveries received: {} failed (redelivered), {} dropped, {} duplicated, {} held and released newest first",
            n(&self.received),
            n(&self.failed),
            n(&self.dropped),
            n(&self.duplicated),
            n(&self.held)
        )
    }
}

/// The receiver's state; see the module documentation.
#[derive(Default)]
pub struct Tee {
    /// What it did so far.
    pub counts: TeeCounts,
    targets: OnceCell<Targets>,
    http: reqwest::Client,
    actions: Mutex<VecDeque<Action>>,
    held: Mutex<Vec<Held>>,
    /// Serializes applying, so a duplicate follows its original.
    apply: Mutex<()>,
}

impl Tee {
    /// Sets where deliveries go; until then they are answered 503.
    pub fn set_targets(&self, targets: Targets) {
        let _ = self.targets.set(targets);
    }

    /// Applies `delivery` to the next deliveries that arrive.
    pub async fn set(&self, delivery: Delivery) {
        let (action, n) = match delivery {
            Delivery::Fail(n) => (Action::Fail, n),
            Delivery::Drop(n) => (Action::Drop, n),
            Delivery::Duplicate(n) => (Action::Duplicate, n),
            Delivery::Hold(n) => (Action::Hold, n),
        };
        let mut q = self.actions.lock().await;
        q.extend(std::iter::repeat_n(action, usize::from(n)));
    }

    /// Deliveries held right now.
    pub async fn held(&self) -> usize {
        self.held.lock().await.len()
    }

    /// Applies the held deliveries, newest first, and answers each.
    pub async fn release(&self) {
        let held: Vec<Held> = std::mem::take(&mut *self.held.lock().await);
        for h in held.into_iter().rev() {
            let status = self.apply(&h.body, &h.signature).await;
            // The simulator may have given up waiting; it then retries.
            let _ = h.answer.send(status);
        }
    }

    /// Forgets what was set for the next deliveries and releases the held ones.
    pub async fn settle(&self) {
        self.actions.lock().await.clear();
        self.release().await;
    }

    async fn receive(&self, body: Vec<u8>, signature: String) -> StatusCode {
        let action = self.actions.lock().await.pop_front();
        let c = &self.counts;
        c.received.fetch_add(1, Ordering::Relaxed);
        let counter = match action {
            Some(Action::Fail) => Some(&c.failed),
            Some(Action::Drop) => Some(&c.dropped),
            Some(Action::Duplicate) => Some(&c.duplicated),
            Some(Action::Hold) => Some(&c.held),
            None => None,
        };
        if let Some(counter) = counter {
            counter.fetch_add(1, Ordering::Relaxed);
        }
        match action {
            Some(Action::Fail) => StatusCode::INTERNAL_SERVER_ERROR,
            Some(Action::Drop) => StatusCode::OK,
            Some(Action::Duplicate) => {
                let first = self.apply(&body, &signature).await;
                let second = self.apply(&body, &signature).await;
                if first.is_success() && second.is_success() {
                    StatusCode::OK
                } else {
                    StatusCode::INTERNAL_SERVER_ERROR
                }
            }
            Some(Action::Hold) => {
                let (tx, rx) = oneshot::channel();
                self.held.lock().await.push(Held {
                    body,
                    signature,
                    answer: tx,
                });
                rx.await.unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
            }
            None => self.apply(&body, &signature).await,
        }
    }

    /// Both paths, in order; 200 when both took the event.
    async fn apply(&self, body: &[u8], signature: &str) -> StatusCode {
        let Some(t) = self.targets.get() else {
            return StatusCode::SERVICE_UNAVAILABLE;
        };
        let _one_at_a_time = self.apply.lock().await;
        let serve = self
            .http
            .post(&t.serve_url)
            .header("Stripe-Signature", signature)
            .header("Content-Type", "application/json")
            .body(body.to_vec())
            .send()
            .await
            .map(|r| r.status().as_u16());
        let sql: Result<String, sqlx::Error> =
            sqlx::query_scalar("SELECT stripe_sync.process_webhook($1, $2)")
                .bind(body)
                .bind(signature)
                .fetch_one(&t.sql)
                .await;
        match (serve, sql) {
            (Ok(200), Ok(o)) if !o.starts_with("rejected") => StatusCode::OK,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The receiver's router: `POST /` takes the simulator's deliveries.
pub fn router(tee: Arc<Tee>) -> axum::Router {
    axum::Router::new().route(
        "/",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let tee = tee.clone();
            async move {
                let sig = headers
                    .get("stripe-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                tee.receive(body.to_vec(), sig).await
            }
        }),
    )
}
