//! Prometheus metrics of the webhook server, rendered in the text exposition
//! format by [`Metrics::render`].
//!
//! Counters: webhook events by type and outcome, rows written, errors by kind;
//! a histogram of webhook handling latency; group commits of webhook events
//! and the events they wrote (their ratio is the mean group size).
//!
//! Gauges read from the database by [`Metrics::watch_gauges`]: the runs not
//! finished in `_sync_runs`, by kind and by status read with the heartbeat
//! rule (`running`, or `abandoned` when the process died), how long the
//! running ones have gone without progress, the bodies still quarantined
//! (`stripe_sync.quarantine`), and each account's [`crate::freshness`].
//!
//! Every name is in [`EXPORTED`]; `deploy/prometheus/` alerts on them and
//! `deploy/grafana/` charts them (a test holds both to this list).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::PgPool;

use crate::freshness::{self, Freshness};
use crate::schema::Schema;
use crate::store::{self, RunKind, RunStatus};

/// Every metric name `/metrics` exports (a histogram's series add
/// `_bucket`, `_sum` and `_count`).
pub const EXPORTED: &[&str] = &[
    "stripe_sync_webhook_events_total",
    "stripe_sync_webhook_responses_total",
    "stripe_sync_rows_written_total",
    "stripe_sync_errors_total",
    "stripe_sync_webhook_duration_seconds",
    "stripe_sync_webhook_group_commits_total",
    "stripe_sync_webhook_group_events_total",
    "stripe_sync_runs",
    "stripe_sync_run_seconds_without_progress",
    "stripe_sync_quarantined",
    "stripe_sync_webhook_body_budget_bytes",
    "stripe_sync_event_lag_seconds",
    "stripe_sync_event_lag_events",
    "stripe_sync_last_event_applied_timestamp_seconds",
    "stripe_sync_last_catch_up_timestamp_seconds",
    "stripe_sync_last_verify_timestamp_seconds",
    "stripe_sync_verify_differences",
    "stripe_sync_verify_repaired",
    "stripe_sync_last_run_failed",
];

/// The class of an HTTP status: `2xx`, `4xx`, `5xx`, …
pub fn status_class(status: u16) -> &'static str {
    match status / 100 {
        1 => "1xx",
        2 => "2xx",
        3 => "3xx",
        4 => "4xx",
        _ => "5xx",
    }
}

/// Upper bounds (seconds) of the latency histogram buckets.
pub const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct State {
    events: BTreeMap<(String, String), u64>,
    rows_written: BTreeMap<String, u64>,
    errors: BTreeMap<String, u64>,
    buckets: Vec<u64>,
    latency_sum: f64,
    latency_count: u64,
    group_commits: u64,
    group_events: u64,
    /// Unfinished runs by kind and status read with the heartbeat rule, as
    /// last read (`None`: never read, the gauge is left out).
    runs: Option<BTreeMap<(String, String), u64>>,
    /// Bodies still in `stripe_sync.quarantine`, as last read with the runs.
    quarantined: Option<i64>,
    /// `/webhooks` responses by status class.
    responses: BTreeMap<&'static str, u64>,
    /// Each live running run's counts (fetched + written) when last seen to
    /// move, and when that was.
    progress: HashMap<i64, (i64, Instant)>,
    /// The longest time a live running run of each kind has gone without
    /// its counts moving, as last read (`None`: never read).
    stalled: Option<BTreeMap<RunKind, Duration>>,
    /// Each account's freshness, as last read (`None`: never read, or off).
    freshness: Option<Vec<Freshness>>,
}

/// The kinds of run the runs gauge always shows (at 0 when there is none),
/// so that an alert on `abandoned` has a series to watch.
const RUN_KINDS: [&str; 2] = ["backfill", "events"];

/// The server's metrics. Cheap to update from many tasks.
pub struct Metrics {
    state: Mutex<State>,
    /// Whether [`Metrics::refresh_gauges`] reads freshness.
    freshness: bool,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            state: Mutex::default(),
            freshness: true,
        }
    }
}

impl Metrics {
    /// Empty metrics.
    pub fn new() -> Self {
        Metrics::default()
    }

    /// Empty metrics that never read freshness (its query every
    /// [`store::HEARTBEAT_INTERVAL`] left out; the benchmark's baseline).
    pub fn without_freshness() -> Self {
        Metrics {
            freshness: false,
            ..Metrics::default()
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if s.buckets.len() != LATENCY_BUCKETS.len() {
            s.buckets = vec![0; LATENCY_BUCKETS.len()];
        }
        f(&mut s)
    }

    /// Counts one webhook event of `event_type` with `outcome`
    /// (`applied`, `duplicate`, `bad_signature`, `db_error`, …).
    pub fn event(&self, event_type: &str, outcome: &str) {
        self.with(|s| {
            *s.events
                .entry((event_type.to_string(), outcome.to_string()))
                .or_default() += 1
        });
    }

    /// Adds `n` rows written by `source` (`webhook`, `backfill`, `sync`).
    pub fn rows_written(&self, source: &str, n: u64) {
        self.with(|s| *s.rows_written.entry(source.to_string()).or_default() += n);
    }

    /// Counts one `/webhooks` response with HTTP `status`.
    pub fn webhook_response(&self, status: u16) {
        self.with(|s| *s.responses.entry(status_class(status)).or_default() += 1);
    }

    /// Counts one error of `kind`.
    pub fn error(&self, kind: &str) {
        self.with(|s| *s.errors.entry(kind.to_string()).or_default() += 1);
    }

    /// Records how long one webhook took to handle.
    pub fn observe_latency(&self, d: Duration) {
        let secs = d.as_secs_f64();
        self.with(|s| {
            for (i, le) in LATENCY_BUCKETS.iter().enumerate() {
                if secs <= *le {
                    s.buckets[i] += 1;
                }
            }
            s.latency_sum += secs;
            s.latency_count += 1;
        });
    }

    /// Counts one group commit of `events` webhook events.
    pub fn webhook_batch(&self, events: usize) {
        self.with(|s| {
            s.group_commits += 1;
            s.group_events += events as u64;
        });
    }

    /// Reads the database's gauges: the runs not finished in `_sync_runs`,
    /// with the heartbeat rule (see [`store::RunStatus::as_read`]), and the
    /// bodies still quarantined.
    pub async fn refresh_gauges(&self, schema: &Schema, pool: &PgPool) -> Result<(), sqlx::Error> {
        let mut runs: BTreeMap<(String, String), u64> = BTreeMap::new();
        for kind in RUN_KINDS {
            for status in [RunStatus::Running, RunStatus::Abandoned] {
                runs.insert((kind.to_string(), status.as_str().to_string()), 0);
            }
        }
        let unfinished = crate::status::unfinished_runs(schema, pool).await?;
        let quarantined = crate::quarantine::count(schema, pool).await.ok();
        let fresh = if self.freshness {
            Some(freshness::collect(schema, pool).await?)
        } else {
            None
        };
        let now = Instant::now();
        self.with(|s| {
            let mut stalled: BTreeMap<RunKind, Duration> =
                RunKind::ALL.iter().map(|k| (*k, Duration::ZERO)).collect();
            let mut seen = HashMap::new();
            for r in &unfinished {
                *runs.entry((r.kind.clone(), r.status.clone())).or_default() += 1;
                if r.status != RunStatus::Running.as_str() {
                    continue;
                }
                let counts = r.fetched + r.written;
                let since = match s.progress.get(&r.id) {
                    Some((c, t)) if *c == counts => *t,
                    _ => now,
                };
                seen.insert(r.id, (counts, since));
                if let Some(kind) = RunKind::from_stored(&r.kind) {
                    let d = stalled.entry(kind).or_default();
                    *d = (*d).max(now - since);
                }
            }
            s.progress = seen;
            s.stalled = Some(stalled);
            s.runs = Some(runs);
            s.quarantined = quarantined;
            s.freshness = fresh;
        });
        Ok(())
    }

    /// Keeps the database's gauges current: reads them now, then every
    /// [`store::HEARTBEAT_INTERVAL`], until the task is aborted. What serves
    /// [`Metrics::render`] on `/metrics` starts it (`stripe-sync serve` does).
    pub fn watch_gauges(
        self: &Arc<Self>,
        schema: Schema,
        pool: PgPool,
    ) -> tokio::task::JoinHandle<()> {
        let metrics = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = metrics.refresh_gauges(&schema, &pool).await {
                    tracing::warn!(error = %e, "reading the runs for /metrics failed");
                    metrics.error("database");
                }
                tokio::time::sleep(store::HEARTBEAT_INTERVAL).await;
            }
        })
    }

    /// Webhook events counted so far with `outcome` (any type).
    pub fn events_with_outcome(&self, outcome: &str) -> u64 {
        self.with(|s| {
            s.events
                .iter()
                .filter(|((_, o), _)| o == outcome)
                .map(|(_, n)| n)
                .sum()
        })
    }

    /// Webhook events counted so far (any type, any outcome).
    pub fn events_total(&self) -> u64 {
        self.with(|s| s.events.values().sum())
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        self.with(|s| {
            let mut o = String::new();
            header(
                &mut o,
                "stripe_sync_webhook_events_total",
                "Webhook events received, by event type and outcome.",
                "counter",
            );
            for ((t, out), n) in &s.events {
                let _ = writeln!(
                    o,
                    "stripe_sync_webhook_events_total{{type=\"{}\",outcome=\"{}\"}} {n}",
                    escape(t),
                    escape(out)
                );
            }
            header(
                &mut o,
                "stripe_sync_webhook_responses_total",
                "Responses of the /webhooks endpoint, by HTTP status class (Stripe retries and in the end disables an endpoint that keeps answering non-2xx).",
                "counter",
            );
            for class in ["2xx", "4xx", "5xx"] {
                let n = s.responses.get(class).copied().unwrap_or(0);
                let _ = writeln!(o, "stripe_sync_webhook_responses_total{{class=\"{class}\"}} {n}");
            }
            header(
                &mut o,
                "stripe_sync_rows_written_total",
                "Rows written to the mirror, by source.",
                "counter",
            );
            for (src, n) in &s.rows_written {
                let _ = writeln!(
                    o,
                    "stripe_sync_rows_written_total{{source=\"{}\"}} {n}",
                    escape(src)
                );
            }
            header(
                &mut o,
                "stripe_sync_errors_total",
                "Errors, by kind.",
                "counter",
            );
            for (k, n) in &s.errors {
                let _ = writeln!(o, "stripe_sync_errors_total{{kind=\"{}\"}} {n}", escape(k));
            }
            let h = "stripe_sync_webhook_duration_seconds";
            header(
                &mut o,
                h,
                "Time to verify and commit one webhook.",
                "histogram",
            );
            for (i, le) in LATENCY_BUCKETS.iter().enumerate() {
                let _ = writeln!(o, "{h}_bucket{{le=\"{le}\"}} {}", s.buckets[i]);
            }
            let _ = writeln!(o, "{h}_bucket{{le=\"+Inf\"}} {}", s.latency_count);
            let _ = writeln!(o, "{h}_sum {}", s.latency_sum);
            let _ = writeln!(o, "{h}_count {}", s.latency_count);
            for (name, help, value) in [
                (
                    "stripe_sync_webhook_group_commits_total",
                    "Transactions that wrote queued webhook events together.",
                    s.group_commits,
                ),
                (
                    "stripe_sync_webhook_group_events_total",
                    "Webhook events written by those transactions.",
                    s.group_events,
                ),
            ] {
                header(&mut o, name, help, "counter");
                let _ = writeln!(o, "{name} {value}");
            }
            if let Some(runs) = &s.runs {
                header(
                    &mut o,
                    "stripe_sync_runs",
                    &format!(
                        "Runs not finished in _sync_runs, by kind and status: running (a heartbeat within {} s) or abandoned (none since: its process died).",
                        store::ABANDONED_AFTER.as_secs()
                    ),
                    "gauge",
                );
                for ((kind, status), n) in runs {
                    let _ = writeln!(
                        o,
                        "stripe_sync_runs{{kind=\"{}\",status=\"{}\"}} {n}",
                        escape(kind),
                        escape(status)
                    );
                }
            }
            if let Some(stalled) = &s.stalled {
                header(
                    &mut o,
                    "stripe_sync_run_seconds_without_progress",
                    "The longest time a live running run of each kind has gone without its fetched or written counts moving, as this process saw them (0: none running).",
                    "gauge",
                );
                for (kind, d) in stalled {
                    let _ = writeln!(
                        o,
                        "stripe_sync_run_seconds_without_progress{{kind=\"{}\"}} {}",
                        kind.as_str(),
                        d.as_secs_f64()
                    );
                }
            }
            if let Some(f) = &s.freshness {
                render_freshness(&mut o, f);
            }
            if let Some(n) = s.quarantined {
                header(
                    &mut o,
                    "stripe_sync_quarantined",
                    "Objects and events the database refused for good, in stripe_sync.quarantine and not yet written (stripe-sync quarantine list).",
                    "gauge",
                );
                let _ = writeln!(o, "stripe_sync_quarantined {n}");
            }
            o
        })
    }
}

/// One per-account gauge's value, when the account has one.
type Reading = fn(&Freshness) -> Option<f64>;

/// The per-account freshness gauges (see [`crate::freshness`]).
fn render_freshness(o: &mut String, all: &[Freshness]) {
    header(
        o,
        "stripe_sync_event_lag_seconds",
        &format!(
            "Lag from a Stripe event's created to its commit in the mirror, over the events committed in the last {} s, by account and quantile.",
            freshness::WINDOW.as_secs()
        ),
        "gauge",
    );
    for f in all {
        let a = escape(&f.account);
        for (q, v) in [("0.5", f.lag_p50_seconds), ("0.95", f.lag_p95_seconds)] {
            if let Some(v) = v {
                let _ = writeln!(
                    o,
                    "stripe_sync_event_lag_seconds{{account=\"{a}\",quantile=\"{q}\"}} {v}"
                );
            }
        }
    }
    let gauges: [(&str, &str, Reading); 6] = [
        (
            "stripe_sync_event_lag_events",
            "Events committed in the lag's window, by account.",
            |f| Some(f.events_in_window as f64),
        ),
        (
            "stripe_sync_last_event_applied_timestamp_seconds",
            "When the account's last event was committed (Unix time).",
            |f| f.last_event_at.map(unix),
        ),
        (
            "stripe_sync_last_catch_up_timestamp_seconds",
            "When the account's last catch-up from /v1/events succeeded (Unix time).",
            |f| f.last_catch_up_at.map(unix),
        ),
        (
            "stripe_sync_last_verify_timestamp_seconds",
            "When the account's last verify finished (Unix time).",
            |f| f.last_verify_at.map(unix),
        ),
        (
            "stripe_sync_verify_differences",
            "Differences (missing, stale, extra rows) the account's last verify found.",
            |f| f.verify_differences.map(|n| n as f64),
        ),
        (
            "stripe_sync_verify_repaired",
            "Of those, the ones verify --repair repaired.",
            |f| f.verify_repaired.map(|n| n as f64),
        ),
    ];
    for (name, help, value) in gauges {
        header(o, name, help, "gauge");
        for f in all {
            if let Some(v) = value(f) {
                let _ = writeln!(o, "{name}{{account=\"{}\"}} {v}", escape(&f.account));
            }
        }
    }
    header(
        o,
        "stripe_sync_last_run_failed",
        "1 when the account's newest ended run of that kind failed (or was abandoned: its process died), else 0.",
        "gauge",
    );
    for f in all {
        for (kind, failed) in &f.last_run_failed {
            let _ = writeln!(
                o,
                "stripe_sync_last_run_failed{{account=\"{}\",kind=\"{}\"}} {}",
                escape(&f.account),
                kind.as_str(),
                u8::from(*failed)
            );
        }
    }
}

/// A time as Unix seconds, to the millisecond.
fn unix(t: chrono::DateTime<chrono::Utc>) -> f64 {
    t.timestamp_millis() as f64 / 1000.0
}

/// A metric's `# HELP` and `# TYPE` lines.
fn header(o: &mut String, name: &str, help: &str, kind: &str) {
    let _ = writeln!(o, "# HELP {name} {help}");
    let _ = writeln!(o, "# TYPE {name} {kind}");
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histogram() {
        let m = Metrics::new();
        m.event("customer.created", "applied");
        m.event("customer.created", "applied");
        m.rows_written("webhook", 2);
        m.error("database");
        m.observe_latency(Duration::from_millis(3));
        m.webhook_batch(3);
        m.webhook_batch(1);
        let t = m.render();
        assert!(t.contains("stripe_sync_webhook_group_commits_total 2"));
        assert!(t.contains("stripe_sync_webhook_group_events_total 4"));
        assert!(t.contains(
            "stripe_sync_webhook_events_total{type=\"customer.created\",outcome=\"applied\"} 2"
        ));
        assert!(t.contains("stripe_sync_rows_written_total{source=\"webhook\"} 2"));
        assert!(t.contains("stripe_sync_errors_total{kind=\"database\"} 1"));
        assert!(t.contains("stripe_sync_webhook_duration_seconds_bucket{le=\"0.005\"} 1"));
        assert!(t.contains("stripe_sync_webhook_duration_seconds_bucket{le=\"0.001\"} 0"));
        assert!(t.contains("stripe_sync_webhook_duration_seconds_count 1"));
        assert_eq!(m.events_with_outcome("applied"), 2);
        // Runs are shown once read.
        assert!(!t.contains("stripe_sync_runs"));
    }
}
