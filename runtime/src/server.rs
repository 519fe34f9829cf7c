//! The webhook server (`stripe-sync serve`): an axum app.
//!
//! | Route | What |
//! |---|---|
//! | `POST /webhooks` | raw body, size-limited; 200 once the event is committed, 400 on a bad signature, 5xx when the database fails (so Stripe retries) |
//! | `GET /health` | liveness |
//! | `GET /ready` | 200 when the database answers, else 503 |
//! | `GET /metrics` | Prometheus text |
//! | `POST /backfill`, `POST /sync/{object}`, `GET /status` | admin; `Authorization: Bearer <STRIPE_SYNC_API_KEY>`; 404 when no key is configured |
//!
//! Webhooks are committed in groups: each request verifies its signature,
//! reads and plans its event concurrently with the others, then queues the
//! write to [`WEBHOOK_WRITERS`] writer tasks; a writer takes every write
//! queued (up to [`MAX_WEBHOOK_BATCH`]), commits them in one transaction (one
//! WAL flush) and only then answers each request: 200 when its event is
//! committed, 5xx when not. A failed group is written again event by event,
//! so one bad event fails alone.
//!
//! [`serve`] shuts down gracefully: on the shutdown signal it stops accepting
//! connections and waits for requests in flight.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{DefaultBodyLimit, FromRef, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use tokio::sync::{mpsc, oneshot, Mutex};

use crate::backfill::BackfillRequest;
use crate::error::{Error, Result};
use crate::events::{EventResult, Prepared, PreparedEvent};
use crate::metrics::Metrics;
use crate::webhook::{WebhookError, WebhookOutcome};
use crate::StripeSync;

/// The default limit of a webhook body (Stripe's events are far smaller).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// What the server needs.
pub struct AppState {
    /// The engine.
    pub sync: StripeSync,
    /// The admin key; `None` disables the admin routes. Never logged.
    pub admin_key: Option<String>,
    /// The metrics served on `/metrics`.
    pub metrics: Arc<Metrics>,
}

/// The most webhook events one group commit writes.
pub const MAX_WEBHOOK_BATCH: usize = 256;

/// The writer tasks committing webhook events (each a connection of the pool).
pub const WEBHOOK_WRITERS: usize = 2;

/// One queued webhook write and where its result goes.
struct WriteJob {
    event: PreparedEvent,
    done: oneshot::Sender<Result<EventResult>>,
}

/// The router's state: the [`AppState`] and the queue of webhook writes.
#[derive(Clone)]
struct Shared {
    app: Arc<AppState>,
    writes: mpsc::Sender<WriteJob>,
    max_body_bytes: usize,
}

impl FromRef<Shared> for Arc<AppState> {
    fn from_ref(s: &Shared) -> Self {
        s.app.clone()
    }
}

/// The router, with a webhook body limit of `max_body_bytes`. Starts the
/// webhook writer tasks (they stop when the router is dropped), so it must be
/// called inside a Tokio runtime.
pub fn router(state: Arc<AppState>, max_body_bytes: usize) -> Router {
    let (tx, rx) = mpsc::channel::<WriteJob>(4 * MAX_WEBHOOK_BATCH);
    let rx = Arc::new(Mutex::new(rx));
    for _ in 0..WEBHOOK_WRITERS {
        tokio::spawn(webhook_writer(state.clone(), rx.clone()));
    }
    let shared = Shared {
        app: state,
        writes: tx,
        max_body_bytes,
    };
    Router::new()
        .route("/webhooks", post(webhook))
        .route("/health", get(|| async { "ok\n" }))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
        .route("/backfill", post(admin_backfill))
        .route("/sync/{object}", post(admin_sync))
        .route("/status", get(admin_status))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(shared)
}

/// Takes every queued webhook write (up to [`MAX_WEBHOOK_BATCH`]), commits
/// them together and answers each; until the queue closes.
async fn webhook_writer(st: Arc<AppState>, queue: Arc<Mutex<mpsc::Receiver<WriteJob>>>) {
    loop {
        let mut jobs = Vec::new();
        {
            let mut rx = queue.lock().await;
            match rx.recv().await {
                Some(j) => jobs.push(j),
                None => return,
            }
            while jobs.len() < MAX_WEBHOOK_BATCH {
                match rx.try_recv() {
                    Ok(j) => jobs.push(j),
                    Err(_) => break,
                }
            }
        }
        let (events, answers): (Vec<PreparedEvent>, Vec<_>) =
            jobs.into_iter().map(|j| (j.event, j.done)).unzip();
        st.metrics.webhook_batch(events.len());
        let results = st.sync.write_webhooks(&events).await;
        for (answer, result) in answers.into_iter().zip(results) {
            // The sender may be gone (client disconnected); the event is committed anyway.
            let _ = answer.send(result);
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then drains the
/// requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown requested; draining requests in flight");
}

fn err(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, Json(json!({ "error": msg.into() }))).into_response()
}

/// How much of an over-limit webhook body is read and dropped before the 413,
/// as a multiple of the limit. A sender whose body is read to its end gets
/// the 413; one whose body is cut off mid-write gets a reset connection
/// instead, and may never see the answer.
const OVERSIZED_DRAIN_FACTOR: usize = 16;

/// Reads a webhook body of at most `limit` bytes; a longer one gives `None`,
/// after being read to its end (up to [`OVERSIZED_DRAIN_FACTOR`] × `limit`)
/// without being kept.
async fn read_body(body: Body, limit: usize) -> std::result::Result<Option<Bytes>, axum::Error> {
    let mut body = body;
    let mut kept: Vec<u8> = Vec::new();
    let mut total = 0usize;
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let Ok(data) = frame?.into_data() else {
            continue;
        };
        total += data.len();
        if total <= limit {
            kept.extend_from_slice(&data);
        } else {
            kept = Vec::new();
            if total > limit.saturating_mul(OVERSIZED_DRAIN_FACTOR) {
                break;
            }
        }
    }
    Ok((total <= limit).then(|| Bytes::from(kept)))
}

async fn webhook(State(sh): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let started = Instant::now();
    let st = &sh.app;
    let body = match read_body(body, sh.max_body_bytes).await {
        Ok(Some(b)) => b,
        Ok(None) => {
            return err(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("webhook body over {} bytes", sh.max_body_bytes),
            )
        }
        Err(e) => return err(StatusCode::BAD_REQUEST, format!("reading the body: {e}")),
    };
    let sig = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let res = match st.sync.prepare_webhook(&body, sig).await {
        Ok(Prepared::Done(event)) => Ok(WebhookOutcome { event }),
        Ok(Prepared::Write(event)) => {
            let (done, answer) = oneshot::channel();
            if sh.writes.send(WriteJob { event, done }).await.is_err() {
                Err(Error::Unsupported("the webhook writer has stopped".into()))
            } else {
                match answer.await {
                    Ok(r) => r.map(|event| WebhookOutcome { event }),
                    Err(_) => Err(Error::Unsupported(
                        "the webhook writer stopped before committing".into(),
                    )),
                }
            }
        }
        Err(e) => Err(e),
    };
    st.metrics.observe_latency(started.elapsed());
    respond(st, res)
}

/// The answer to a webhook: 200 once committed, 400 for a bad signature or
/// payload, 5xx otherwise (so that Stripe retries).
fn respond(st: &AppState, res: Result<WebhookOutcome>) -> Response {
    match res {
        Ok(out) => {
            let ev = &out.event;
            let outcome = ev.outcome.as_str();
            st.metrics.event(&ev.event_type, outcome);
            if outcome == "applied" {
                st.metrics.rows_written("webhook", 1);
            }
            tracing::debug!(event = %ev.event_id, r#type = %ev.event_type, outcome, "webhook processed");
            (
                StatusCode::OK,
                Json(json!({ "received": true, "event": ev.event_id, "outcome": outcome })),
            )
                .into_response()
        }
        Err(Error::Webhook(WebhookError::NoSecret)) => {
            st.metrics.event("unknown", "no_secret");
            st.metrics.error("no_webhook_secret");
            tracing::error!("webhook received but no webhook secret is configured (set STRIPE_WEBHOOK_SECRET or create a managed webhook)");
            err(
                StatusCode::INTERNAL_SERVER_ERROR,
                "no webhook secret configured",
            )
        }
        Err(Error::Webhook(e)) => {
            let outcome = match e {
                WebhookError::InvalidPayload(_) => "invalid_payload",
                _ => "bad_signature",
            };
            st.metrics.event("unknown", outcome);
            st.metrics.error(outcome);
            tracing::warn!(error = %e, "webhook rejected");
            err(StatusCode::BAD_REQUEST, e.to_string())
        }
        Err(e @ Error::Database(_)) | Err(e @ Error::Migrate(_)) => {
            st.metrics.event("unknown", "db_error");
            st.metrics.error("database");
            tracing::error!(error = %e, "webhook not committed: database error");
            err(StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
        Err(e) => {
            st.metrics.event("unknown", "error");
            st.metrics.error("processing");
            tracing::error!(error = %e, "webhook not committed");
            err(StatusCode::INTERNAL_SERVER_ERROR, "event not processed")
        }
    }
}

async fn ready(State(st): State<Arc<AppState>>) -> Response {
    let q = sqlx::query("SELECT 1").execute(st.sync.pool());
    match tokio::time::timeout(Duration::from_secs(3), q).await {
        Ok(Ok(_)) => (StatusCode::OK, "ready\n").into_response(),
        _ => {
            st.metrics.error("database");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n").into_response()
        }
    }
}

async fn metrics(State(st): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        st.metrics.render(),
    )
        .into_response()
}

/// Compares two byte strings in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = (a.len() ^ b.len()) as u8 | ((a.len() ^ b.len()) >> 8) as u8;
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= x ^ y;
    }
    diff == 0 && a.len() == b.len()
}

/// `None` when the request may use the admin routes, else the response.
fn check_admin(st: &AppState, headers: &HeaderMap) -> Option<Response> {
    let Some(key) = st.admin_key.as_deref().filter(|k| !k.is_empty()) else {
        return Some(err(
            StatusCode::NOT_FOUND,
            "admin API disabled: set STRIPE_SYNC_API_KEY to enable it",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if constant_time_eq(given.as_bytes(), key.as_bytes()) {
        None
    } else {
        st.metrics.error("unauthorized");
        Some(err(
            StatusCode::UNAUTHORIZED,
            "missing or wrong bearer token",
        ))
    }
}

/// Body of `POST /backfill` (every field optional).
#[derive(serde::Deserialize, Default)]
struct BackfillBody {
    objects: Option<Vec<String>>,
    #[serde(default)]
    full: bool,
    created_after: Option<i64>,
}

async fn admin_backfill(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(r) = check_admin(&st, &headers) {
        return r;
    }
    let b: BackfillBody = if body.iter().all(u8::is_ascii_whitespace) {
        BackfillBody::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(b) => b,
            Err(e) => return err(StatusCode::BAD_REQUEST, format!("invalid JSON body: {e}")),
        }
    };
    let objects = match b.objects {
        Some(o) if !o.iter().any(|x| x == "all") => match crate::cli::validate_objects(&o) {
            Ok(v) => Some(v),
            Err(e) => return err(StatusCode::BAD_REQUEST, e),
        },
        _ => None,
    };
    let req = BackfillRequest {
        objects,
        created_gte: b.created_after,
        created_lt: None,
        full: b.full,
    };
    run_backfill(&st, req).await
}

async fn run_backfill(st: &AppState, req: BackfillRequest) -> Response {
    match st.sync.backfill(req).await {
        Ok(rep) => {
            st.metrics.rows_written("backfill", rep.written);
            let code = if rep.succeeded {
                StatusCode::OK
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            };
            (code, Json(crate::cli::report_json(&rep))).into_response()
        }
        Err(e) => {
            st.metrics.error("backfill");
            tracing::error!(error = %e, "admin backfill failed");
            err(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        }
    }
}

async fn admin_sync(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(object): Path<String>,
) -> Response {
    if let Some(r) = check_admin(&st, &headers) {
        return r;
    }
    // An object type (or table) backfills that type; anything else is an id.
    if let Ok(v) = crate::cli::validate_objects(std::slice::from_ref(&object)) {
        return run_backfill(&st, BackfillRequest::objects(v)).await;
    }
    if stripe_sync_generated::resource_for_id(&object).is_none() {
        return err(
            StatusCode::NOT_FOUND,
            format!("{object:?} is neither an object type nor an id of a synced object"),
        );
    }
    match st.sync.sync_single(&object).await {
        Ok(r) => {
            if r.written {
                st.metrics.rows_written("sync", 1);
            }
            Json(json!({
                "id": object, "object": r.object, "table": r.table,
                "written": r.written, "deleted": r.deleted
            }))
            .into_response()
        }
        Err(e) => {
            st.metrics.error("sync");
            let code = match &e {
                Error::Stripe(c) if c.is_not_found() => StatusCode::NOT_FOUND,
                Error::Unsupported(_) => StatusCode::BAD_REQUEST,
                _ => StatusCode::BAD_GATEWAY,
            };
            err(code, e.to_string())
        }
    }
}

async fn admin_status(State(st): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Some(r) = check_admin(&st, &headers) {
        return r;
    }
    match crate::cli::collect_status(st.sync.pool()).await {
        Ok(v) => Json::<Value>(v).into_response(),
        Err(e) => {
            st.metrics.error("database");
            err(StatusCode::SERVICE_UNAVAILABLE, e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!constant_time_eq(b"", b"a"));
        assert!(constant_time_eq(b"", b""));
    }
}
