//! What a mirror holds and what a run did, as JSON: the `status` command,
//! the admin API's `GET /status` and a backfill's report all come from here,
//! so the CLI and the server say the same thing.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::backfill::BackfillReport;
use crate::freshness::Freshness;
use crate::schema::Schema;
use crate::store;

/// The report as JSON (also the admin API's answer).
pub fn report_json(rep: &BackfillReport) -> Value {
    json!({
        "run_id": rep.run_id,
        "succeeded": rep.succeeded,
        "status": rep.status.as_str(),
        "fetched": rep.fetched,
        "written": rep.written,
        "duration_ms": rep.duration.as_millis() as u64,
        "objects": rep.objects.iter().map(|o| json!({
            "object": o.object, "table": o.table, "status": o.status.as_str(),
            "requests": o.requests, "fetched": o.fetched, "written": o.written,
            "error": o.error, "duration_ms": o.duration.as_millis() as u64,
            "finished_after_ms": o.finished_after.as_millis() as u64,
            "source": o.source.map(|s| s.describe()),
        })).collect::<Vec<_>>(),
    })
}

/// A run as readers see it: the stored row with the heartbeat rule
/// applied to its status.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    /// The `_sync_runs` id.
    pub id: i64,
    /// `backfill` or `events`.
    pub kind: String,
    /// The account.
    pub account_id: String,
    /// Its status, read with the heartbeat rule (a value written by a newer
    /// version reads as stored).
    pub status: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Its last heartbeat.
    pub heartbeat_at: DateTime<Utc>,
    /// When it ended (`None`: still running, or abandoned).
    pub finished_at: Option<DateTime<Utc>>,
    /// Objects listed.
    pub fetched: i64,
    /// Rows written.
    pub written: i64,
    /// Why it failed.
    pub error: Option<String>,
}

/// A row of [`RUN_COLUMNS`].
type RunRow = (
    i64,
    String,
    String,
    String,
    DateTime<Utc>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    i64,
    i64,
    Option<String>,
    f64,
);

/// A run's columns, and its heartbeat's age in seconds by the database's
/// clock (the one that stamped it) for the heartbeat rule.
const RUN_COLUMNS: &str = "id, kind, account_id, status, started_at, heartbeat_at, finished_at, fetched, written, error, \
     extract(epoch FROM now() - heartbeat_at)::float8";

fn run_record(r: RunRow) -> RunRecord {
    RunRecord {
        id: r.0,
        kind: r.1,
        account_id: r.2,
        status: store::read_status(&r.3, r.10),
        started_at: r.4,
        heartbeat_at: r.5,
        finished_at: r.6,
        fetched: r.7,
        written: r.8,
        error: r.9,
    }
}

/// The runs stored as running, oldest first, read with the heartbeat rule:
/// each is [`store::RunStatus::Running`] or [`store::RunStatus::Abandoned`].
pub async fn unfinished_runs(
    schema: &Schema,
    pool: &PgPool,
) -> Result<Vec<RunRecord>, sqlx::Error> {
    let rows: Vec<RunRow> = sqlx::query_as(&schema.sql(&format!(
        "SELECT {RUN_COLUMNS} FROM stripe_sync.sync_runs WHERE status = $1 ORDER BY id"
    )))
    .bind(store::RunStatus::Running.as_str())
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(run_record).collect())
}

/// Everything `status` shows, as JSON, for the newest API version: see
/// [`collect_status_for`].
pub async fn collect_status(schema: &Schema, pool: &PgPool) -> Result<Value, String> {
    collect_status_for(schema, pool, stripe_sync_generated::API_VERSION).await
}

/// Everything `status` shows, as JSON: the pinned API version, last runs
/// (each `running` one whose heartbeat is older than
/// [`store::ABANDONED_AFTER`] shows as `abandoned`: its process died),
/// cursors, rows per table, event lag, the accounts of the work queue
/// (`accounts`: each one's state, lease, open jobs, last run and errors;
/// `accounts_summary`: counts), and each account's freshness (`freshness`,
/// see [`crate::freshness`]). A database migrated before the queue's
/// tables has an empty `accounts`. Errors are strings without secrets.
pub async fn collect_status_for(
    schema: &Schema,
    pool: &PgPool,
    api_version: &str,
) -> Result<Value, String> {
    collect_status_of(schema, pool, api_version, None).await
}

/// [`collect_status_for`], of one account when `account` is given: every
/// part holds that account's entries only (`rows` and `events` count its
/// rows and events; `accounts_summary` stays the whole queue's). Each run
/// and cursor names its account, and `rows_by_account` gives each
/// account's rows per table.
pub async fn collect_status_of(
    schema: &Schema,
    pool: &PgPool,
    api_version: &str,
    account: Option<&str>,
) -> Result<Value, String> {
    let e = |e: sqlx::Error| format!("reading status failed: {e}; has `stripe-sync migrate` run?");
    let rows: Vec<RunRow> = sqlx::query_as(&schema.sql(&format!(
        "SELECT {RUN_COLUMNS} FROM stripe_sync.sync_runs \
          WHERE $1::text IS NULL OR account_id = $1 ORDER BY id DESC LIMIT 10"
    )))
    .bind(account)
    .fetch_all(pool)
    .await
    .map_err(e)?;
    let runs: Vec<RunRecord> = rows.into_iter().map(run_record).collect();
    let cursors: Vec<(String, String, String, Option<String>)> = sqlx::query_as(&schema.sql(
        "SELECT account_id, resource, status, \
         to_char(high_water AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') \
         FROM stripe_sync.sync_state WHERE scope = '' AND ($1::text IS NULL OR account_id = $1) \
         ORDER BY resource, account_id",
    ))
    .bind(account)
    .fetch_all(pool)
    .await
    .map_err(e)?;
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_%' \
         ORDER BY 1",
    )
    .bind(schema.mirror())
    .fetch_all(pool)
    .await
    .map_err(e)?;
    let mut counts = serde_json::Map::new();
    let mut by_account: BTreeMap<String, serde_json::Map<String, Value>> = BTreeMap::new();
    for (t,) in tables {
        let sql = format!(
            "SELECT _account_id, count(*) FROM stripe.\"{}\" \
              WHERE $1::text IS NULL OR _account_id = $1 GROUP BY 1 ORDER BY 1",
            t.replace('"', "\"\"")
        );
        let per: Vec<(String, i64)> = sqlx::query_as(&schema.sql(&sql))
            .bind(account)
            .fetch_all(pool)
            .await
            .map_err(e)?;
        let n: i64 = per.iter().map(|p| p.1).sum();
        if n > 0 {
            counts.insert(t.clone(), json!(n));
        }
        for (a, n) in per {
            by_account.entry(a).or_default().insert(t.clone(), json!(n));
        }
    }
    let (events, unattributed, last_created, last_received, lag): (
        i64,
        i64,
        Option<String>,
        Option<String>,
        Option<f64>,
    ) = sqlx::query_as(&schema.sql(
        "SELECT count(*), count(*) FILTER (WHERE outcome = 'unattributed'), \
             to_char(max(created) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
             to_char(max(received_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
             extract(epoch FROM now() - max(created))::float8 FROM stripe_sync.events \
          WHERE $1::text IS NULL OR account_id = $1",
    ))
    .bind(account)
    .fetch_one(pool)
    .await
    .map_err(e)?;
    let (mut accounts, accounts_summary) = match collect_accounts(schema, pool).await {
        Ok(a) => a,
        // Migrated before 0010: no work queue, so no accounts to show.
        Err(sqlx::Error::Database(d)) if d.code().as_deref() == Some("42P01") => {
            (Vec::new(), summarize(&[], 0, 0, 0))
        }
        Err(x) => return Err(e(x)),
    };
    // What the database refused for good.
    let quarantined = crate::quarantine::count(schema, pool)
        .await
        .map_err(|x| format!("reading status failed: {x}"))?;
    let mut verify = last_verify(schema, pool).await.map_err(e)?;
    let mut freshness = crate::freshness::collect(schema, pool).await.map_err(e)?;
    if let Some(a) = account {
        accounts.retain(|x| x["account_id"] == a);
        verify.retain(|x| x["account"] == a);
        freshness.retain(|f| f.account == a);
    }
    Ok(json!({
        "api_version": api_version,
        "quarantined": quarantined,
        "verify": verify,
        "runs": runs.iter().map(|r| json!({
            "id": r.id, "kind": r.kind, "account": r.account_id, "status": r.status,
            "started_at": seconds(r.started_at), "finished_at": r.finished_at.map(seconds),
            "heartbeat_at": seconds(r.heartbeat_at),
            "fetched": r.fetched, "written": r.written, "error": r.error,
        })).collect::<Vec<_>>(),
        "cursors": cursors.into_iter().map(|c| json!({
            "account": c.0, "resource": c.1, "status": c.2, "high_water": c.3,
        })).collect::<Vec<_>>(),
        "rows": counts,
        "rows_by_account": by_account,
        "events": {
            "total": events,
            "unattributed": unattributed,
            "last_created": last_created,
            "last_received": last_received,
            "lag_seconds": lag,
        },
        "accounts": accounts,
        "accounts_summary": accounts_summary,
        "freshness": freshness_json(&freshness),
    }))
}

/// `freshness` of `status --json`: one entry per account, each time with
/// its age by the database's clock.
fn freshness_json(all: &[Freshness]) -> Value {
    let entry = |f: &Freshness| {
        json!({
            "window_seconds": crate::freshness::WINDOW.as_secs(),
            "events_in_window": f.events_in_window,
            "lag_p50_seconds": f.lag_p50_seconds,
            "lag_p95_seconds": f.lag_p95_seconds,
            "last_event_at": f.last_event_at.map(seconds),
            "seconds_since_last_event": f.age(f.last_event_at),
            "last_catch_up_at": f.last_catch_up_at.map(seconds),
            "seconds_since_last_catch_up": f.age(f.last_catch_up_at),
            "last_verify_at": f.last_verify_at.map(seconds),
            "seconds_since_last_verify": f.age(f.last_verify_at),
            "verify_differences": f.verify_differences,
            "verify_repaired": f.verify_repaired,
            "last_run_failed": f.last_run_failed.iter()
                .map(|(k, v)| (k.as_str().to_string(), json!(v)))
                .collect::<serde_json::Map<_, _>>(),
        })
    };
    Value::Object(all.iter().map(|f| (f.account.clone(), entry(f))).collect())
}

/// A time as `YYYY-MM-DDTHH:MM:SSZ`, as [`utc`] formats columns.
fn seconds(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A timestamp column as `YYYY-MM-DDTHH:MM:SSZ` (UTC), like the runs'.
fn utc(col: &str) -> String {
    format!("to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
}

/// A worker is live when it beat within this many seconds.
const LIVE_WORKER_SECS: f64 = 30.0;

/// One entry of `accounts` per row of `_sync_accounts` (platforms first,
/// then by account id): its state, lease, open jobs, last run and errors;
/// and the summary. Fails with SQLSTATE 42P01 on a database migrated
/// before 0010.
async fn collect_accounts(
    schema: &Schema,
    pool: &PgPool,
) -> Result<(Vec<Value>, Value), sqlx::Error> {
    type AccountRow = (
        String,
        bool,
        String,
        Option<String>,
        bool,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<AccountRow> = sqlx::query_as(&schema.sql(&format!(
        "SELECT account_id, connected, state, reason, \
           (lease_owner IS NOT NULL AND lease_until > now()), lease_owner, {} \
         FROM stripe_sync.sync_accounts ORDER BY connected, account_id",
        utc("lease_until")
    )))
    .fetch_all(pool)
    .await?;
    type OpenRow = (
        String,
        i64,
        String,
        String,
        i32,
        Option<String>,
        Option<String>,
    );
    let open: Vec<OpenRow> = sqlx::query_as(&schema.sql(&format!(
        "SELECT account_id, id, kind, state, attempts, {}, error FROM stripe_sync.sync_work \
          WHERE state IN ('pending', 'running') ORDER BY account_id, kind, id",
        utc("not_before")
    )))
    .fetch_all(pool)
    .await?;
    type FailedRow = (String, i64, String, String, Option<String>, Option<String>);
    // The newest failed or cancelled job of each account that says why.
    let failed: Vec<FailedRow> = sqlx::query_as(&schema.sql(&format!(
        "SELECT DISTINCT ON (account_id) account_id, id, kind, state, error, {} \
           FROM stripe_sync.sync_work \
          WHERE state IN ('failed', 'cancelled') AND error IS NOT NULL \
          ORDER BY account_id, id DESC",
        utc("finished_at")
    )))
    .fetch_all(pool)
    .await?;
    // The newest run of each account of the queue, with its heartbeat's
    // age for the heartbeat rule.
    type LastRunRow = (
        String,
        i64,
        String,
        String,
        String,
        Option<String>,
        i64,
        i64,
        Option<String>,
        f64,
    );
    let runs: Vec<LastRunRow> = sqlx::query_as(&schema.sql(&format!(
        "SELECT DISTINCT ON (account_id) account_id, id, kind, status, {}, {}, \
                    fetched, written, error, extract(epoch FROM now() - heartbeat_at)::float8 \
               FROM stripe_sync.sync_runs \
              WHERE account_id IN (SELECT account_id FROM stripe_sync.sync_accounts) \
              ORDER BY account_id, id DESC",
        utc("started_at"),
        utc("finished_at")
    )))
    .fetch_all(pool)
    .await?;
    let (failed_jobs, workers): (i64, i64) = sqlx::query_as(&schema.sql(
        "SELECT (SELECT count(*) FROM stripe_sync.sync_work WHERE state = 'failed'), \
                (SELECT count(*) FROM stripe_sync.sync_workers \
                  WHERE heartbeat_at > now() - make_interval(secs => $1))",
    ))
    .bind(LIVE_WORKER_SECS)
    .fetch_one(pool)
    .await?;

    let mut pending: HashMap<String, Vec<Value>> = HashMap::new();
    for (acct, id, kind, state, attempts, not_before, error) in &open {
        pending.entry(acct.clone()).or_default().push(json!({
            "job_id": id, "kind": kind, "state": state, "attempts": attempts,
            "not_before": not_before, "error": error,
        }));
    }
    let failed: HashMap<&str, &FailedRow> = failed.iter().map(|f| (f.0.as_str(), f)).collect();
    let mut last_runs: HashMap<String, Value> = HashMap::new();
    let mut run_errors: HashMap<String, Value> = HashMap::new();
    for (acct, id, kind, status, started, finished, fetched, written, error, age) in runs {
        let status = store::read_status(&status, age);
        if let Some(err) = &error {
            run_errors.insert(
                acct.clone(),
                json!({"source": "run", "run_id": id, "kind": kind, "error": err, "at": finished}),
            );
        }
        last_runs.insert(
            acct,
            json!({
                "id": id, "kind": kind, "status": status, "started_at": started,
                "finished_at": finished, "fetched": fetched, "written": written, "error": error,
            }),
        );
    }
    let accounts: Vec<Value> = rows
        .iter()
        .map(|(acct, connected, state, reason, working, owner, until)| {
            let mut errors = Vec::new();
            if let Some((_, id, kind, state, error, at)) = failed.get(acct.as_str()).copied() {
                errors.push(json!({
                    "source": "job", "job_id": id, "kind": kind, "state": state,
                    "error": error, "at": at,
                }));
            }
            if let Some(r) = run_errors.remove(acct) {
                errors.push(r);
            }
            json!({
                "account_id": acct,
                "connected": connected,
                "state": state,
                "reason": reason,
                "working": working,
                "lease_owner": if *working { owner.clone() } else { None },
                "lease_until": if *working { until.clone() } else { None },
                "pending": pending.remove(acct).unwrap_or_default(),
                "last_run": last_runs.remove(acct).unwrap_or(Value::Null),
                "errors": errors,
            })
        })
        .collect();
    let summary = summarize(&accounts, open.len() as i64, failed_jobs, workers);
    Ok((accounts, summary))
}

/// `accounts_summary`: accounts by state, open and failed jobs, live workers.
fn summarize(accounts: &[Value], open_jobs: i64, failed_jobs: i64, live_workers: i64) -> Value {
    let mut by_state: BTreeMap<String, i64> = ["active", "revoked", "failed"]
        .iter()
        .map(|s| (s.to_string(), 0))
        .collect();
    for a in accounts {
        if let Some(s) = a["state"].as_str() {
            *by_state.entry(s.to_string()).or_default() += 1;
        }
    }
    json!({
        "total": accounts.len(),
        "by_state": by_state,
        "working": accounts.iter().filter(|a| a["working"] == json!(true)).count(),
        "open_jobs": open_jobs,
        "failed_jobs": failed_jobs,
        "live_workers": live_workers,
    })
}

/// The last verify of each account and type: when, what it compared and
/// found (`stripe_sync.verify_objects`, see [`crate::verify`]).
async fn last_verify(schema: &Schema, pool: &PgPool) -> Result<Vec<Value>, sqlx::Error> {
    type Row = (
        String,
        String,
        i64,
        String,
        i64,
        i64,
        i64,
        i64,
        i64,
        Option<f64>,
        bool,
    );
    let rows: Vec<Row> = sqlx::query_as(&schema.sql(
        "SELECT DISTINCT ON (v.account_id, v.object) v.account_id, v.object, v.run_id, \
             to_char(v.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
             v.checked, v.missing, v.stale, v.extra, v.repaired, v.upper_bound, \
             v.windows_checked < v.windows \
         FROM stripe_sync.verify_objects v \
         ORDER BY v.account_id, v.object, v.run_id DESC",
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            json!({
                "account": r.0, "object": r.1, "run_id": r.2, "finished_at": r.3,
                "checked": r.4, "missing": r.5, "stale": r.6, "extra": r.7,
                "repaired": r.8, "upper_bound": r.9, "sampled": r.10,
            })
        })
        .collect())
}
