//! Run records: `_sync_runs`, one row per backfill or events catch-up, and
//! `_sync_run_objects`, one per object type of a run.
//!
//! A run is started by [`start_run`] and ended by [`finish_run`]. While it
//! works, [`keep_alive`] beats every [`HEARTBEAT_INTERVAL`], which also
//! copies the per-object counts (a backfill writes them every second) into
//! the run's row, so a run whose process is killed shows what it had done. A
//! run whose heartbeat is older than [`ABANDONED_AFTER`] was left by a dead
//! process: readers show it [`RunStatus::Abandoned`] ([`RunStatus::as_read`]),
//! and the next run's start records it so. A run asked to stop (an
//! [`Interrupt`], or [`interrupt_open_runs`] when the process gets SIGINT or
//! SIGTERM) ends [`RunStatus::Interrupted`] with its counts so far.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;

use crate::error::Result;
use crate::schema::Schema;

/// How often a running run beats (and copies its counts into `_sync_runs`).
pub const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(10);

/// Heartbeats a run may miss before it is read as abandoned: six, so that a
/// beat delayed by a busy pool (a statement waits up to 5 s for a
/// connection) or lost in a short database outage does not make a live run
/// look dead, while a dead process's run stops showing as running within a
/// minute.
pub const MISSED_HEARTBEATS: u32 = 6;

/// A run whose last heartbeat is older than this was left by a dead
/// process: [`MISSED_HEARTBEATS`] × [`HEARTBEAT_INTERVAL`] (60 s).
pub const ABANDONED_AFTER: Duration =
    Duration::from_secs(HEARTBEAT_INTERVAL.as_secs() * MISSED_HEARTBEATS as u64);

/// What a run in `stripe_sync.sync_runs` does (its `kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RunKind {
    /// Lists objects into their tables.
    Backfill,
    /// Catches up from `/v1/events`.
    Events,
    /// Compares the mirror with Stripe (and repairs it with `--repair`).
    Verify,
}

impl RunKind {
    /// The value stored in `sync_runs.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::Backfill => "backfill",
            RunKind::Events => "events",
            RunKind::Verify => "verify",
        }
    }

    /// Every kind, in the order they are shown.
    pub const ALL: [RunKind; 3] = [RunKind::Backfill, RunKind::Events, RunKind::Verify];

    /// The kind a stored value names (`None`: not one of ours).
    pub fn from_stored(s: &str) -> Option<RunKind> {
        RunKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A run's status, as stored in `_sync_runs.status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RunStatus {
    /// Working, and beating every [`HEARTBEAT_INTERVAL`].
    Running,
    /// Every object type completed (or was skipped, or done by another run).
    Succeeded,
    /// An object type failed; the cursors keep what was done.
    Failed,
    /// Asked to stop (SIGINT, SIGTERM, an [`Interrupt`]): its counts are
    /// what it wrote, and the same command run again resumes from the
    /// cursors.
    Interrupted,
    /// Its process died without recording an end: no heartbeat for
    /// [`ABANDONED_AFTER`]. Its counts are those of its last heartbeat; the
    /// same command run again resumes from the cursors.
    Abandoned,
}

impl RunStatus {
    /// Every status, in the order above.
    pub const ALL: [RunStatus; 5] = [
        RunStatus::Running,
        RunStatus::Succeeded,
        RunStatus::Failed,
        RunStatus::Interrupted,
        RunStatus::Abandoned,
    ];

    /// The value stored in `_sync_runs.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Interrupted => "interrupted",
            RunStatus::Abandoned => "abandoned",
        }
    }

    /// The status a stored value names (`None`: not one of ours).
    pub fn from_stored(s: &str) -> Option<RunStatus> {
        RunStatus::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The heartbeat rule, applied by everything that reads runs: a run
    /// stored as running whose last heartbeat is `heartbeat_age` old (by the
    /// database's clock) is abandoned once that exceeds [`ABANDONED_AFTER`].
    /// Any other status reads as stored.
    pub fn as_read(self, heartbeat_age: Duration) -> RunStatus {
        match self {
            RunStatus::Running if heartbeat_age > ABANDONED_AFTER => RunStatus::Abandoned,
            other => other,
        }
    }
}

impl std::fmt::Display for RunStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `stored` read with the heartbeat rule ([`RunStatus::as_read`]), given
/// the heartbeat's age in seconds; a value that is not a [`RunStatus`]
/// (written by a newer version) reads as stored.
pub fn read_status(stored: &str, heartbeat_age_secs: f64) -> String {
    match RunStatus::from_stored(stored) {
        Some(s) => s
            .as_read(Duration::try_from_secs_f64(heartbeat_age_secs).unwrap_or_default())
            .as_str()
            .to_string(),
        None => stored.to_string(),
    }
}

/// Asks the runs given it to stop. A backfill stops listing, writes the
/// pages it has already fetched, and records itself
/// [`RunStatus::Interrupted`] with exact counts, so the same backfill run
/// again resumes where it stopped. Clones share the request.
#[derive(Clone, Debug)]
pub struct Interrupt(Arc<tokio::sync::watch::Sender<bool>>);

impl Default for Interrupt {
    fn default() -> Self {
        Interrupt(Arc::new(tokio::sync::watch::Sender::new(false)))
    }
}

impl Interrupt {
    /// A request not made yet.
    pub fn new() -> Self {
        Interrupt::default()
    }

    /// Makes the request: every run holding a clone stops.
    pub fn interrupt(&self) {
        self.0.send_replace(true);
    }

    /// Whether the request was made.
    pub fn is_interrupted(&self) -> bool {
        *self.0.borrow()
    }

    /// Waits until the request is made (at once if it was).
    pub async fn interrupted(&self) {
        let mut rx = self.0.subscribe();
        // The sender lives in `self`, so the channel stays open.
        let _ = rx.wait_for(|v| *v).await;
    }
}

/// The runs this process started and has not finished, each with the pool
/// of the database it is recorded in: what [`interrupt_open_runs`] records
/// as interrupted. Process-wide because a signal is: it stops the process,
/// whichever engine (or worker's per-account engine) started the run.
static OPEN_RUNS: Mutex<Vec<(i64, PgPool, Schema)>> = Mutex::new(Vec::new());

fn open_runs() -> std::sync::MutexGuard<'static, Vec<(i64, PgPool, Schema)>> {
    let mut runs = OPEN_RUNS.lock().unwrap_or_else(|e| e.into_inner());
    // A run whose future was dropped never finishes; once its pool is
    // closed there is nothing to record it in.
    runs.retain(|(_, p, _)| !p.is_closed());
    runs
}

/// Whether two handles are the same pool (clones share their options).
fn same_pool(a: &PgPool, b: &PgPool) -> bool {
    Arc::ptr_eq(&a.connect_options(), &b.connect_options())
}

/// Starts a run record; returns its id and its `started_at` (the
/// database's clock). Runs left running by dead processes (no heartbeat
/// for [`ABANDONED_AFTER`]) are recorded [`RunStatus::Abandoned`], ended
/// at their last heartbeat.
pub async fn start_run(
    schema: &Schema,
    pool: &PgPool,
    kind: RunKind,
    account: &str,
    request: &Value,
) -> Result<(i64, DateTime<Utc>)> {
    let (id, started_at): (i64, DateTime<Utc>) = sqlx::query_as(
        &schema.sql("INSERT INTO stripe_sync.sync_runs (kind, account_id, request) VALUES ($1, $2, $3) RETURNING id, started_at"),
    )
    .bind(kind.as_str())
    .bind(account)
    .bind(request)
    .fetch_one(pool)
    .await?;
    open_runs().push((id, pool.clone(), schema.clone()));
    sqlx::query(&schema.sql(
        "UPDATE stripe_sync.sync_runs SET status = $3, finished_at = heartbeat_at
         WHERE status = $2 AND heartbeat_at < now() - make_interval(secs => $4) AND id <> $1",
    ))
    .bind(id)
    .bind(RunStatus::Running.as_str())
    .bind(RunStatus::Abandoned.as_str())
    .bind(ABANDONED_AFTER.as_secs_f64())
    .execute(pool)
    .await?;
    Ok((id, started_at))
}

/// Records that the run is alive, and copies the sums of its
/// `_sync_run_objects` counts (which a backfill updates every second) into
/// its row, so its counts are current even if its process is killed next.
/// A run no longer running is left alone.
pub async fn heartbeat(schema: &Schema, pool: &PgPool, run_id: i64) -> Result<()> {
    sqlx::query(&schema.sql(&format!(
        "UPDATE stripe_sync.sync_runs r SET heartbeat_at = now(), {COUNTS_FROM_OBJECTS}
         WHERE r.id = $1 AND r.status = $2"
    )))
    .bind(run_id)
    .bind(RunStatus::Running.as_str())
    .execute(pool)
    .await?;
    Ok(())
}

/// A run's counts as the sums of its per-object rows (kept when it has
/// none yet: an events catch-up writes its row at the end).
const COUNTS_FROM_OBJECTS: &str = "
    fetched = coalesce((SELECT sum(o.fetched) FROM stripe_sync.sync_run_objects o WHERE o.run_id = r.id)::bigint, r.fetched),
    written = coalesce((SELECT sum(o.written) FROM stripe_sync.sync_run_objects o WHERE o.run_id = r.id)::bigint, r.written)";

/// Beats for a run while held ([`heartbeat`] every
/// [`HEARTBEAT_INTERVAL`]); stops when dropped, so a run whose work is
/// dropped stops beating and is read as abandoned.
#[derive(Debug)]
pub struct Heartbeat(tokio::task::JoinHandle<()>);

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts beating for `run_id`; see [`Heartbeat`].
pub fn keep_alive(schema: &Schema, pool: &PgPool, run_id: i64) -> Heartbeat {
    let (schema, pool) = (schema.clone(), pool.clone());
    Heartbeat(tokio::spawn(async move {
        loop {
            tokio::time::sleep(HEARTBEAT_INTERVAL).await;
            if let Err(e) = heartbeat(&schema, &pool, run_id).await {
                tracing::warn!(run_id, error = %e, "run heartbeat failed");
            }
        }
    }))
}

/// Finishes a run record with its final status and counts.
pub async fn finish_run(
    schema: &Schema,
    pool: &PgPool,
    run_id: i64,
    status: RunStatus,
    fetched: i64,
    written: i64,
    error: Option<&str>,
) -> Result<()> {
    sqlx::query(
        &schema.sql("UPDATE stripe_sync.sync_runs SET status = $2, fetched = $3, written = $4, error = $5, finished_at = now(), heartbeat_at = now() WHERE id = $1"),
    )
    .bind(run_id)
    .bind(status.as_str())
    .bind(fetched)
    .bind(written)
    .bind(error)
    .execute(pool)
    .await?;
    open_runs().retain(|(id, p, s)| !(*id == run_id && same_pool(p, pool) && s == schema));
    Ok(())
}

/// A run [`interrupt_open_runs`] recorded as interrupted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterruptedRun {
    /// The `_sync_runs` id.
    pub run_id: i64,
    /// `backfill` or `events`.
    pub kind: String,
    /// Objects listed, as of its per-object rows.
    pub fetched: i64,
    /// Rows written, as of its per-object rows.
    pub written: i64,
}

/// Records every run this process started and has not finished (its work
/// dropped, or about to be: the process is stopping) as
/// [`RunStatus::Interrupted`], with the sums of its per-object counts
/// (current to the second for a backfill), and its object types still
/// running as `interrupted`. Returns the runs recorded.
///
/// A run given an [`Interrupt`] records itself, with exact counts; this is
/// for the runs that cannot be asked (an events catch-up, a worker's jobs).
pub async fn interrupt_open_runs() -> Result<Vec<InterruptedRun>> {
    let runs: Vec<(i64, PgPool, Schema)> = std::mem::take(&mut *open_runs());
    let mut by_pool: Vec<(PgPool, Schema, Vec<i64>)> = Vec::new();
    for (id, pool, schema) in runs {
        match by_pool
            .iter_mut()
            .find(|(p, s, _)| same_pool(p, &pool) && *s == schema)
        {
            Some((_, _, ids)) => ids.push(id),
            None => by_pool.push((pool, schema, vec![id])),
        }
    }
    let mut done = Vec::new();
    for (pool, schema, ids) in by_pool {
        let mut tx = pool.begin().await?;
        sqlx::query(&schema.sql(
            "UPDATE stripe_sync.sync_run_objects SET status = $2, finished_at = now()
             WHERE run_id = ANY($1) AND status = $3",
        ))
        .bind(&ids)
        .bind(RunStatus::Interrupted.as_str())
        .bind(RunStatus::Running.as_str())
        .execute(&mut *tx)
        .await?;
        let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(&schema.sql(&format!(
            "UPDATE stripe_sync.sync_runs r SET status = $2, finished_at = now(), heartbeat_at = now(), {COUNTS_FROM_OBJECTS}
             WHERE r.id = ANY($1) AND r.status = $3
             RETURNING r.id, r.kind, r.fetched, r.written"
        )))
        .bind(&ids)
        .bind(RunStatus::Interrupted.as_str())
        .bind(RunStatus::Running.as_str())
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        done.extend(
            rows.into_iter()
                .map(|(run_id, kind, fetched, written)| InterruptedRun {
                    run_id,
                    kind,
                    fetched,
                    written,
                }),
        );
    }
    done.sort_by_key(|r| r.run_id);
    Ok(done)
}

/// One object type's row in `_sync_run_objects`: its progress or result
/// within a run.
#[derive(Clone, Copy, Debug)]
pub struct RunObject<'a> {
    /// The object string (`customer`, `event`).
    pub resource: &'a str,
    /// `running`, or the [`crate::ObjectStatus`] it ended with.
    pub status: &'a str,
    /// HTTP requests made.
    pub requests: i64,
    /// Objects listed.
    pub fetched: i64,
    /// Rows written.
    pub written: i64,
    /// Why it failed or was skipped.
    pub error: Option<&'a str>,
    /// Whether this is the final row (sets `finished_at`).
    pub finished: bool,
    /// Requests expected in all, once known (`None` keeps the stored one).
    pub expected_requests: Option<i64>,
}

/// The last finished result of each of `resources` for `account`, in any
/// run, by resource: (object, status, error, when).
pub async fn last_results(
    schema: &Schema,
    pool: &PgPool,
    account: &str,
    resources: &[&str],
) -> Result<Vec<(String, String, Option<String>, DateTime<Utc>)>> {
    Ok(sqlx::query_as(&schema.sql(
        "SELECT DISTINCT ON (o.resource) o.resource, o.status, o.error, o.finished_at
           FROM stripe_sync.sync_run_objects o JOIN stripe_sync.sync_runs r ON r.id = o.run_id
          WHERE r.account_id = $1 AND o.resource = ANY($2) AND o.finished_at IS NOT NULL
          ORDER BY o.resource, o.finished_at DESC",
    ))
    .bind(account)
    .bind(resources)
    .fetch_all(pool)
    .await?)
}

/// Records (or updates) the result of one object type within a run.
pub async fn record_run_object(
    schema: &Schema,
    pool: &PgPool,
    run_id: i64,
    o: &RunObject<'_>,
) -> Result<()> {
    sqlx::query(
        &schema.sql("INSERT INTO stripe_sync.sync_run_objects (run_id, resource, status, requests, fetched, written, error, finished_at, expected_requests)
         VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $8 THEN now() END, $9)
         ON CONFLICT (run_id, resource) DO UPDATE SET status = EXCLUDED.status, requests = EXCLUDED.requests,
           fetched = EXCLUDED.fetched, written = EXCLUDED.written, error = EXCLUDED.error, finished_at = EXCLUDED.finished_at,
           expected_requests = coalesce(EXCLUDED.expected_requests, stripe_sync.sync_run_objects.expected_requests)"),
    )
    .bind(run_id)
    .bind(o.resource)
    .bind(o.status)
    .bind(o.requests)
    .bind(o.fetched)
    .bind(o.written)
    .bind(o.error)
    .bind(o.finished)
    .bind(o.expected_requests)
    .execute(pool)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_run_without_a_heartbeat_for_six_beats_reads_as_abandoned() {
        assert_eq!(ABANDONED_AFTER, Duration::from_secs(60));
        let running = RunStatus::Running;
        assert_eq!(running.as_read(Duration::ZERO), RunStatus::Running);
        assert_eq!(running.as_read(ABANDONED_AFTER), RunStatus::Running);
        assert_eq!(
            running.as_read(ABANDONED_AFTER + Duration::from_millis(1)),
            RunStatus::Abandoned
        );
        // A run that ended reads as it ended, however old its heartbeat.
        for s in RunStatus::ALL {
            assert_eq!(RunStatus::from_stored(s.as_str()), Some(s));
            if s != RunStatus::Running {
                assert_eq!(s.as_read(Duration::from_secs(86_400)), s);
            }
        }
        assert_eq!(read_status("running", 61.0), "abandoned");
        assert_eq!(read_status("running", 59.0), "running");
        // A heartbeat ahead of the reader's clock is fresh, not an error.
        assert_eq!(read_status("running", -5.0), "running");
        assert_eq!(read_status("failed", 1e9), "failed");
        // A status written by a newer version reads as stored.
        assert_eq!(read_status("paused", 1e9), "paused");
    }
}
