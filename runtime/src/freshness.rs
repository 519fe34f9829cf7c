//! How far behind Stripe the mirror is, per account: the lag from each
//! event's `created` to its commit over a recent window (p50, p95), when the
//! last event was committed, when the last catch-up from `/v1/events`
//! succeeded, and when the last verify ran and what it found. `status`
//! shows it under `freshness` ([`crate::status`]) and `/metrics` exports it (see
//! [`crate::metrics`]); the alert rules in `deploy/prometheus/` watch it.
//!
//! Everything comes from the database, so every process of a deployment
//! (webhook server, cron catch-up, workers) counts, whichever one asks.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::event_result::EventOutcome;
use crate::schema::Schema;
use crate::store::{RunKind, RunStatus};

/// The window the lag percentiles cover: events committed this recently.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// One account's freshness.
#[derive(Clone, Debug, PartialEq)]
pub struct Freshness {
    /// The account.
    pub account: String,
    /// Events committed within [`WINDOW`].
    pub events_in_window: i64,
    /// The median lag from an event's `created` to its commit, over those
    /// events, in seconds (`None`: none in the window). Stripe's `created`
    /// has whole seconds, so a lag reads up to a second long.
    pub lag_p50_seconds: Option<f64>,
    /// The 95th percentile of that lag.
    pub lag_p95_seconds: Option<f64>,
    /// When the account's last event was committed.
    pub last_event_at: Option<DateTime<Utc>>,
    /// When the last catch-up from `/v1/events` (a run of kind `events`)
    /// of the account succeeded.
    pub last_catch_up_at: Option<DateTime<Utc>>,
    /// When the account's last verify finished.
    pub last_verify_at: Option<DateTime<Utc>>,
    /// Differences (missing, stale, extra) that verify found.
    pub verify_differences: Option<i64>,
    /// Of those, repaired (`verify --repair`).
    pub verify_repaired: Option<i64>,
    /// For each kind of run the account had, whether its newest ended run
    /// failed (`failed`, or `abandoned`: its process died).
    pub last_run_failed: BTreeMap<RunKind, bool>,
    /// The database's clock when this was read; the ages are from it.
    pub read_at: DateTime<Utc>,
}

impl Freshness {
    /// Seconds from `t` to when this was read.
    pub fn age(&self, t: Option<DateTime<Utc>>) -> Option<f64> {
        t.map(|t| (self.read_at - t).num_milliseconds() as f64 / 1000.0)
    }
}

/// The outcomes of events that reached the mirror (written, or found
/// already there): what the lag is measured over.
fn committed_outcomes() -> Vec<&'static str> {
    [
        EventOutcome::Applied,
        EventOutcome::Unchanged,
        EventOutcome::Stale,
        EventOutcome::NoTable,
        EventOutcome::NoId,
    ]
    .iter()
    .map(|o| o.as_str())
    .collect()
}

/// Every account's freshness, ordered by account: the accounts with events
/// in the ledger, runs or verifies.
pub async fn collect(schema: &Schema, pool: &PgPool) -> Result<Vec<Freshness>, sqlx::Error> {
    type Row = (
        String,
        i64,
        Option<f64>,
        Option<f64>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        Option<i64>,
        Option<i64>,
        DateTime<Utc>,
    );
    // The ledger's accounts by a skip scan of its (account_id, processed_at)
    // index, then two index reads per account: the window and the last event.
    let rows: Vec<Row> = sqlx::query_as(
        &schema.sql("WITH RECURSIVE ledger AS (
           (SELECT account_id FROM stripe_sync.events ORDER BY account_id LIMIT 1)
           UNION ALL
           SELECT (SELECT e.account_id FROM stripe_sync.events e
                    WHERE e.account_id > ledger.account_id ORDER BY e.account_id LIMIT 1)
             FROM ledger WHERE ledger.account_id IS NOT NULL),
         accounts AS (
           SELECT account_id FROM ledger WHERE account_id IS NOT NULL
           UNION SELECT account_id FROM stripe_sync.sync_runs
           UNION SELECT account_id FROM stripe_sync.verify_objects),
         last_verify AS (
           SELECT v.account_id, max(v.finished_at) AS at,
                  sum(v.missing + v.stale + v.extra)::bigint AS found, sum(v.repaired)::bigint AS repaired
             FROM stripe_sync.verify_objects v
             JOIN (SELECT account_id, max(run_id) AS run_id FROM stripe_sync.verify_objects GROUP BY account_id) l
               USING (account_id, run_id)
            GROUP BY v.account_id)
         SELECT a.account_id, w.n, w.p50, w.p95, last.at,
                (SELECT max(r.finished_at) FROM stripe_sync.sync_runs r
                  WHERE r.account_id = a.account_id AND r.kind = $2 AND r.status = $3),
                v.at, v.found, v.repaired, now()
           FROM accounts a
           LEFT JOIN LATERAL (
             SELECT count(*) AS n,
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM e.processed_at - e.created))::float8 AS p50,
                    percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM e.processed_at - e.created))::float8 AS p95
               FROM stripe_sync.events e
              WHERE e.account_id = a.account_id AND e.processed_at > now() - make_interval(secs => $1)
                AND e.outcome = ANY($4)) w ON true
           LEFT JOIN LATERAL (
             SELECT max(e.processed_at) AS at FROM stripe_sync.events e
              WHERE e.account_id = a.account_id AND e.processed_at IS NOT NULL) last ON true
           LEFT JOIN last_verify v ON v.account_id = a.account_id
          ORDER BY a.account_id"),
    )
    .bind(WINDOW.as_secs_f64())
    .bind(RunKind::Events.as_str())
    .bind(RunStatus::Succeeded.as_str())
    .bind(committed_outcomes())
    .fetch_all(pool)
    .await?;
    // The newest ended run of each account and kind.
    let ended: Vec<(String, String, String)> = sqlx::query_as(&schema.sql(
        "SELECT DISTINCT ON (account_id, kind) account_id, kind, status
           FROM stripe_sync.sync_runs WHERE status <> $1
          ORDER BY account_id, kind, id DESC",
    ))
    .bind(RunStatus::Running.as_str())
    .fetch_all(pool)
    .await?;
    let mut failed: BTreeMap<String, BTreeMap<RunKind, bool>> = BTreeMap::new();
    for (account, kind, status) in ended {
        let Some(kind) = RunKind::from_stored(&kind) else {
            continue;
        };
        let status = RunStatus::from_stored(&status);
        failed.entry(account).or_default().insert(
            kind,
            matches!(status, Some(RunStatus::Failed | RunStatus::Abandoned)),
        );
    }
    Ok(rows
        .into_iter()
        .map(|r| Freshness {
            last_run_failed: failed.remove(&r.0).unwrap_or_default(),
            account: r.0,
            events_in_window: r.1,
            lag_p50_seconds: r.2,
            lag_p95_seconds: r.3,
            last_event_at: r.4,
            last_catch_up_at: r.5,
            last_verify_at: r.6,
            verify_differences: r.7,
            verify_repaired: r.8,
            read_at: r.9,
        })
        .collect())
}
