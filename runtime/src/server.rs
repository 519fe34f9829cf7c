//! The webhook server (`stripe-sync serve`): an axum app.
//!
//! | Route | What |
//! |---|---|
//! | `POST /webhooks` | raw body, read within the body bounds below; 200 once the event is committed, 400 on a bad signature, 5xx when the database fails (so Stripe retries) |
//! | `GET /health` | liveness |
//! | `GET /ready` | 200 when the database answers, else 503 |
//! | `GET /metrics` | Prometheus text |
//! | `POST /backfill`, `POST /sync/{object}`, `GET /status` | admin; `Authorization: Bearer <STRIPE_SYNC_API_KEY>`, checked before anything else (a layer around these routes): 404 when no key is configured, 401 for a missing or wrong key; only then does `POST /backfill` read its body, within the body bounds below |
//!
//! Only `POST /webhooks` and an authorized `POST /backfill` read a body.
//! Every other request's body is never read: the handler drops it, and hyper
//! then reads what is already buffered and, if the body has not ended,
//! closes the connection after the answer. So every route, and an unknown
//! path, is held only within the bounds below.
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
//!
//! `POST /webhooks` is open to anyone, and anyone can reach the other
//! routes, so what a request can take before its signature or key is known
//! to be good is bounded ([`ServerLimits`]), on every route; each bound
//! answers with its own status:
//!
//! | bound | default | when exceeded |
//! |---|---|---|
//! | request header bytes | 16 KiB | 431, connection closed (by hyper) |
//! | time to send the headers (and idle time between requests) | 10 s | connection closed, no answer |
//! | `Stripe-Signature` length / `v1` entries | 4096 bytes / 8 | 400 before any hashing |
//! | body bytes (webhooks, authorized `POST /backfill`) | 1 MiB | 413 |
//! | time to send that body, waiting for the in-flight budget included | 10 s | 408 (no budget in time: 503) |
//! | those body bytes in flight, all requests together | 32 MiB | the request waits for budget |
//! | an unread body (any other request) | buffered bytes only | connection closed after the answer |
//! | concurrent connections | 512 | new connections wait in the listen backlog |

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{FromRef, Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use tokio::sync::{mpsc, oneshot, Mutex, OwnedSemaphorePermit, Semaphore};

use crate::backfill::BackfillRequest;
pub use crate::constant_time::constant_time_eq;
use crate::error::{Error, Result};
use crate::events::{EventResult, Prepared, PreparedEvent};
use crate::metrics::Metrics;
use crate::webhook::{self, WebhookError, WebhookOutcome};
use crate::StripeSync;

/// The default limit of a webhook body (Stripe's events are far smaller).
pub const DEFAULT_MAX_BODY_BYTES: usize = crate::config::DEFAULT_MAX_WEBHOOK_BODY_BYTES;

/// What an unauthenticated request, and all of them together, may take from
/// the server. Stripe's deliveries (a few KiB of JSON, headers well under
/// 2 KiB, sent at once) are far inside every default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerLimits {
    /// The largest body read (a webhook's, an authorized `POST /backfill`'s);
    /// a longer one is answered 413.
    pub max_body_bytes: usize,
    /// The most bytes of a request's start line and headers; more is answered
    /// 431 and the connection closed. At least 8 KiB (hyper's minimum buffer).
    pub max_header_bytes: usize,
    /// How long a client may take to send a request's headers, and how long
    /// a connection may sit idle between requests; then it is closed.
    pub header_timeout: Duration,
    /// How long a client may take to send a body that is read, counted from
    /// its headers and including any wait for the in-flight budget; then 408
    /// (503 when the budget was not granted in time).
    pub body_timeout: Duration,
    /// The most body bytes held at once by all requests together.
    /// Each request reserves its `Content-Length` (the body limit when none
    /// is given) before reading, and waits while the budget is used up.
    pub max_body_bytes_in_flight: usize,
    /// The most connections open at once; further ones wait in the listen
    /// backlog until one closes.
    pub max_connections: usize,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_header_bytes: 16 * 1024,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            max_body_bytes_in_flight: 32 * 1024 * 1024,
            max_connections: 512,
        }
    }
}

/// hyper refuses a read buffer under 8 KiB.
const MIN_HEADER_BYTES: usize = 8 * 1024;

/// The in-flight body budget is counted in units of this many bytes (a
/// semaphore's permits are `u32`).
const BUDGET_UNIT: usize = 1024;

/// The budget of body bytes in flight (every body read takes from it), and
/// its high-water mark.
struct BodyBudget {
    permits: Arc<Semaphore>,
    total_units: usize,
    in_use: AtomicUsize,
    peak: AtomicUsize,
}

/// Budget held by one request; returned when dropped.
struct BudgetHold<'a> {
    budget: &'a BodyBudget,
    units: usize,
    _permit: OwnedSemaphorePermit,
}

impl BodyBudget {
    fn new(bytes: usize) -> Self {
        let total_units = (bytes / BUDGET_UNIT).clamp(1, u32::MAX as usize);
        BodyBudget {
            permits: Arc::new(Semaphore::new(total_units)),
            total_units,
            in_use: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }
    }

    /// Waits for budget for a body of `bytes` (a body larger than the whole
    /// budget takes all of it).
    async fn reserve(&self, bytes: usize) -> BudgetHold<'_> {
        let units = bytes.div_ceil(BUDGET_UNIT).clamp(1, self.total_units);
        let permit = self
            .permits
            .clone()
            .acquire_many_owned(units as u32)
            .await
            .expect("the budget semaphore is never closed");
        let now = self.in_use.fetch_add(units, Ordering::SeqCst) + units;
        self.peak.fetch_max(now, Ordering::SeqCst);
        BudgetHold {
            budget: self,
            units,
            _permit: permit,
        }
    }
}

impl Drop for BudgetHold<'_> {
    fn drop(&mut self) {
        self.budget.in_use.fetch_sub(self.units, Ordering::SeqCst);
    }
}

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

/// The router's state: the [`AppState`], the queue of webhook writes and the
/// limits of bodies.
#[derive(Clone)]
struct Shared {
    app: Arc<AppState>,
    writes: mpsc::Sender<WriteJob>,
    limits: Arc<ServerLimits>,
    budget: Arc<BodyBudget>,
}

impl FromRef<Shared> for Arc<AppState> {
    fn from_ref(s: &Shared) -> Self {
        s.app.clone()
    }
}

/// The router, with a body limit of `max_body_bytes` and the other
/// [`ServerLimits`] at their defaults. Starts the webhook writer tasks (they
/// stop when the router is dropped), so it must be called inside a Tokio
/// runtime.
pub fn router(state: Arc<AppState>, max_body_bytes: usize) -> Router {
    router_with_limits(
        state,
        &ServerLimits {
            max_body_bytes,
            ..ServerLimits::default()
        },
    )
}

/// The router with the body limits of `limits` (body size, body time,
/// bytes in flight); the connection limits are [`serve_with_limits`]'s.
/// Must be called inside a Tokio runtime (see [`router`]).
pub fn router_with_limits(state: Arc<AppState>, limits: &ServerLimits) -> Router {
    let (tx, rx) = mpsc::channel::<WriteJob>(4 * MAX_WEBHOOK_BATCH);
    let rx = Arc::new(Mutex::new(rx));
    for _ in 0..WEBHOOK_WRITERS {
        tokio::spawn(webhook_writer(state.clone(), rx.clone()));
    }
    let shared = Shared {
        app: state.clone(),
        writes: tx,
        limits: Arc::new(limits.clone()),
        budget: Arc::new(BodyBudget::new(limits.max_body_bytes_in_flight)),
    };
    // The key is checked before a handler's extractors run, so before any
    // body is read; an unknown path or method is not an admin route (404, 405).
    let admin = Router::new()
        .route("/backfill", post(admin_backfill))
        .route("/sync/{object}", post(admin_sync))
        .route("/status", get(admin_status))
        .route_layer(middleware::from_fn_with_state(state, require_admin));
    Router::new()
        .route("/webhooks", post(webhook))
        .route("/health", get(|| async { "ok\n" }))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
        .merge(admin)
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
/// requests in flight; the connection limits are [`ServerLimits`]'s defaults.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with_limits(listener, app, &ServerLimits::default(), shutdown).await
}

/// Serves `router` on `listener` (HTTP/1.1) until `shutdown` resolves, then
/// stops accepting and waits for the connections in flight to finish their
/// requests. At most `limits.max_connections` connections are open at once
/// (the next is accepted when one closes); each has
/// `limits.max_header_bytes` for its headers and `limits.header_timeout` to
/// send them.
pub async fn serve_with_limits(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: &ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;

    let header_bytes = limits.max_header_bytes.max(MIN_HEADER_BYTES);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_header_size(header_bytes)
        // The read buffer: headers must fit in it, and body bytes pass
        // through it in pieces of at most this size.
        .max_buf_size(header_bytes.max(64 * 1024));
    let connections = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        // At the cap, stop accepting: new connections wait in the backlog.
        let slot = tokio::select! {
            slot = connections.clone().acquire_owned() => slot.expect("never closed"),
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait, as
                    // axum::serve does, rather than spin or stop serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let conn =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
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

/// How much of an over-limit body is read and dropped before the 413,
/// as a multiple of the limit. A sender whose body is read to its end gets
/// the 413; one whose body is cut off mid-write gets a reset connection
/// instead, and may never see the answer.
const OVERSIZED_DRAIN_FACTOR: usize = 16;

/// Reads a body of at most `limit` bytes; a longer one gives `None`,
/// after being read to its end (up to [`OVERSIZED_DRAIN_FACTOR`] × `limit`)
/// without being kept. With `keep` false nothing is kept (the body is only
/// drained, so that the sender reads the answer).
async fn read_body(
    body: Body,
    limit: usize,
    keep: bool,
) -> std::result::Result<Option<Bytes>, axum::Error> {
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
        if keep && total <= limit {
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

/// Why a body was not read.
enum BodyRefusal {
    TooLarge,
    TimedOut,
    NoBudget,
    Unreadable(axum::Error),
}

impl BodyRefusal {
    /// The answer, and the outcome it is counted as in the metrics.
    fn answer(self, limits: &ServerLimits) -> (&'static str, Response) {
        let (status, outcome, msg) = match self {
            BodyRefusal::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("body over {} bytes", limits.max_body_bytes),
            ),
            BodyRefusal::TimedOut => (
                StatusCode::REQUEST_TIMEOUT,
                "body_timeout",
                format!("body not received within {:?}", limits.body_timeout),
            ),
            BodyRefusal::NoBudget => (
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "too many request bodies in flight; retry".to_string(),
            ),
            BodyRefusal::Unreadable(e) => (
                StatusCode::BAD_REQUEST,
                "unreadable_body",
                format!("reading the body: {e}"),
            ),
        };
        (outcome, err(status, msg))
    }
}

/// Reads a body within the limits: refused at once when its declared
/// length is over the limit (after draining it), else it waits for budget
/// for the declared length and reads it, all before `deadline`.
async fn read_bounded_body<'a>(
    sh: &'a Shared,
    headers: &HeaderMap,
    body: Body,
    deadline: tokio::time::Instant,
) -> std::result::Result<(Bytes, BudgetHold<'a>), BodyRefusal> {
    let limit = sh.limits.max_body_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        let _ = tokio::time::timeout_at(deadline, read_body(body, limit, false)).await;
        return Err(BodyRefusal::TooLarge);
    }
    let hold = tokio::time::timeout_at(deadline, sh.budget.reserve(declared.unwrap_or(limit)))
        .await
        .map_err(|_| BodyRefusal::NoBudget)?;
    match tokio::time::timeout_at(deadline, read_body(body, limit, true)).await {
        Err(_) => Err(BodyRefusal::TimedOut),
        Ok(Err(e)) => Err(BodyRefusal::Unreadable(e)),
        Ok(Ok(None)) => Err(BodyRefusal::TooLarge),
        Ok(Ok(Some(b))) => Ok((b, hold)),
    }
}

/// `POST /webhooks`: every answer is counted by its status class.
async fn webhook(State(sh): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let answer = handle_webhook(&sh, headers, body).await;
    sh.app.metrics.webhook_response(answer.status().as_u16());
    answer
}

async fn handle_webhook(sh: &Shared, headers: HeaderMap, body: Body) -> Response {
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + sh.limits.body_timeout;
    let st = &sh.app;
    let sig = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // A header that can never verify (too long, too many signatures,
    // malformed) is refused before the body takes any budget: the body is
    // only drained, so that the sender reads the 400.
    if let Err(e) = webhook::parse_signature_header(sig) {
        let _ = tokio::time::timeout_at(deadline, read_body(body, sh.limits.max_body_bytes, false))
            .await;
        return respond(st, Err(e.into()));
    }
    let (body, _budget) = match read_bounded_body(sh, &headers, body, deadline).await {
        Ok(read) => read,
        Err(refusal) => {
            let (outcome, answer) = refusal.answer(&sh.limits);
            st.metrics.event("unknown", outcome);
            st.metrics.error(outcome);
            return answer;
        }
    };
    let res = match st.sync.prepare_webhook(&body, sig).await {
        Ok(Prepared::Done(event)) => Ok(WebhookOutcome { event }),
        Ok(Prepared::Write(event)) => {
            let (done, answer) = oneshot::channel();
            if sh
                .writes
                .send(WriteJob {
                    event: *event,
                    done,
                })
                .await
                .is_err()
            {
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
        Err(Error::Webhook(e @ WebhookError::PayloadTooLarge { .. })) => {
            st.metrics.event("unknown", "too_large");
            st.metrics.error("too_large");
            err(StatusCode::PAYLOAD_TOO_LARGE, e.to_string())
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

async fn metrics(State(sh): State<Shared>) -> Response {
    use std::fmt::Write;
    let mut text = sh.app.metrics.render();
    let b = &sh.budget;
    let _ = writeln!(
        text,
        "# HELP stripe_sync_webhook_body_budget_bytes Request body bytes (webhooks, admin backfill) reserved now, the most ever reserved at once, and the limit.\n\
         # TYPE stripe_sync_webhook_body_budget_bytes gauge\n\
         stripe_sync_webhook_body_budget_bytes{{state=\"in_use\"}} {}\n\
         stripe_sync_webhook_body_budget_bytes{{state=\"peak\"}} {}\n\
         stripe_sync_webhook_body_budget_bytes{{state=\"limit\"}} {}",
        b.in_use.load(Ordering::SeqCst) * BUDGET_UNIT,
        b.peak.load(Ordering::SeqCst) * BUDGET_UNIT,
        b.total_units * BUDGET_UNIT,
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

/// The layer around the admin routes: passes the request on only with the
/// admin key. A refused request is dropped with its body unread, so hyper
/// closes the connection after the answer rather than wait for that body.
async fn require_admin(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let Some(key) = st.admin_key.as_deref().filter(|k| !k.is_empty()) else {
        return err(
            StatusCode::NOT_FOUND,
            "admin API disabled: set STRIPE_SYNC_API_KEY to enable it",
        );
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if constant_time_eq(given.as_bytes(), key.as_bytes()) {
        next.run(req).await
    } else {
        st.metrics.error("unauthorized");
        err(StatusCode::UNAUTHORIZED, "missing or wrong bearer token")
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

/// `POST /backfill`; its body is read like a webhook's (size, time and the
/// in-flight budget), and the budget is given back before the backfill runs.
async fn admin_backfill(State(sh): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let st = &sh.app;
    let deadline = tokio::time::Instant::now() + sh.limits.body_timeout;
    // The body and its budget are dropped at the end of this block.
    let b: BackfillBody = {
        let (body, _budget) = match read_bounded_body(&sh, &headers, body, deadline).await {
            Ok(read) => read,
            Err(refusal) => {
                let (outcome, answer) = refusal.answer(&sh.limits);
                st.metrics.error(outcome);
                return answer;
            }
        };
        if body.iter().all(u8::is_ascii_whitespace) {
            BackfillBody::default()
        } else {
            match serde_json::from_slice(&body) {
                Ok(b) => b,
                Err(e) => return err(StatusCode::BAD_REQUEST, format!("invalid JSON body: {e}")),
            }
        }
    };
    let objects = match b.objects {
        Some(o) if !o.iter().any(|x| x == "all") => match crate::objects::validate_objects(&o) {
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
    run_backfill(st, req).await
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
            (code, Json(crate::status::report_json(&rep))).into_response()
        }
        Err(e) => {
            st.metrics.error("backfill");
            tracing::error!(error = %e, "admin backfill failed");
            err(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        }
    }
}

async fn admin_sync(State(st): State<Arc<AppState>>, Path(object): Path<String>) -> Response {
    // An object type (or table) backfills that type; anything else is an id.
    if let Ok(v) = crate::objects::validate_objects(std::slice::from_ref(&object)) {
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

async fn admin_status(State(st): State<Arc<AppState>>) -> Response {
    let schema = &st.sync.config().schema;
    match crate::status::collect_status_for(schema, st.sync.pool(), &st.sync.config().api_version)
        .await
    {
        Ok(v) => Json::<Value>(v).into_response(),
        Err(e) => {
            st.metrics.error("database");
            err(StatusCode::SERVICE_UNAVAILABLE, e)
        }
    }
}
