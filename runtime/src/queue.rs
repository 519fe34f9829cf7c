//! The work queue in PostgreSQL that any number of `stripe-sync worker`
//! processes share: `_sync_accounts` (every account mirrored through it, with
//! its lease) and `_sync_work` (one row per account and kind of work).
//!
//! The pattern is the plain one: a worker claims an account whose lease is
//! free or expired with `FOR UPDATE SKIP LOCKED`, sets `lease_owner` and
//! `lease_until`, marks the account's ready jobs `running`, and commits; it
//! renews the lease while it works ([`renew`]) and clears it when done
//! ([`release`]). A worker that dies stops renewing; once the lease expires
//! another worker claims the account and runs its jobs again, resuming from
//! the per-account cursors in `_sync_state` (so at most the page in flight
//! is listed twice). The lease is on the account, not on a resource: one
//! worker at a time per account is what keeps each account's rate limits
//! across processes.
//!
//! No queue crate is used: the ones that fit (pgmq, graphile-worker,
//! apalis-sql, sqlxmq) create and migrate their own tables (or need an
//! extension), and our users run one set of migrations, ours, with any
//! tool. The tables here come from migration `0010_stripe_sync_connect.sql`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;

use crate::error::Result;
use crate::schema::Schema;

/// Kinds of work.
pub mod kind {
    /// List every selected resource of the account (`request`: a
    /// [`crate::BackfillRequest`] as JSON).
    pub const BACKFILL: &str = "backfill";
    /// Catch up from the account's `/v1/events`.
    pub const EVENTS: &str = "events";
}

/// An account as the queue knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedAccount {
    /// The account id (`acct_…`).
    pub account_id: String,
    /// The key that reaches it (see [`crate::context`]'s `key_id`).
    pub key_id: String,
    /// Reached through its platform's key with `Stripe-Account`.
    pub connected: bool,
}

/// One job of a claimed account.
#[derive(Clone, Debug)]
pub struct Job {
    /// `_sync_work.id`.
    pub id: i64,
    /// One of [`kind`].
    pub kind: String,
    /// The job's parameters.
    pub request: Value,
    /// Attempts so far, this one included.
    pub attempts: i32,
    /// When the job was first claimed (a job taken over keeps it).
    pub started_at: DateTime<Utc>,
}

/// Records an account (a platform, a connected account, or the account of
/// another key). An account already known keeps its state: a revoked one
/// stays revoked. Returns whether it was new.
pub async fn register_account(schema: &Schema, pool: &PgPool, a: &QueuedAccount) -> Result<bool> {
    let (inserted,): (bool,) = sqlx::query_as(&schema.sql(
        "INSERT INTO stripe_sync.sync_accounts (account_id, key_id, connected) VALUES ($1, $2, $3)
         ON CONFLICT (account_id) DO UPDATE SET key_id = EXCLUDED.key_id,
           connected = EXCLUDED.connected
         RETURNING (xmax = 0)",
    ))
    .bind(&a.account_id)
    .bind(&a.key_id)
    .bind(a.connected)
    .fetch_one(pool)
    .await?;
    Ok(inserted)
}

/// Queues a job for an active account; a no-op (false) when the account
/// already has an open job of that kind or is not active.
pub async fn enqueue(
    schema: &Schema,
    pool: &PgPool,
    account_id: &str,
    kind: &str,
    request: &Value,
) -> Result<bool> {
    let r = sqlx::query(&schema.sql(
        "INSERT INTO stripe_sync.sync_work (account_id, kind, request)
         SELECT account_id, $2, $3 FROM stripe_sync.sync_accounts
          WHERE account_id = $1 AND state = 'active'
         ON CONFLICT (account_id, kind) WHERE state IN ('pending', 'running') DO NOTHING",
    ))
    .bind(account_id)
    .bind(kind)
    .bind(request)
    .execute(pool)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Claims one active account of `key_ids` that has ready work and no live
/// lease, leases it to `owner` for `lease`, and marks its ready jobs
/// running. `None` when no account is claimable now.
pub async fn claim(
    schema: &Schema,
    pool: &PgPool,
    owner: &str,
    key_ids: &[String],
    lease: Duration,
) -> Result<Option<(QueuedAccount, Vec<Job>)>> {
    let mut tx = pool.begin().await?;
    let account: Option<(String, String, bool)> = sqlx::query_as(&schema.sql(
        "WITH c AS (
           SELECT a.account_id FROM stripe_sync.sync_accounts a
            WHERE a.key_id = ANY($2) AND a.state = 'active'
              AND (a.lease_until IS NULL OR a.lease_until < now())
              AND EXISTS (SELECT 1 FROM stripe_sync.sync_work w
                           WHERE w.account_id = a.account_id
                             AND w.state IN ('pending', 'running') AND w.not_before <= now())
            ORDER BY a.connected, a.account_id
            LIMIT 1
            FOR UPDATE OF a SKIP LOCKED)
         UPDATE stripe_sync.sync_accounts a
            SET lease_owner = $1, lease_until = now() + make_interval(secs => $3)
           FROM c WHERE a.account_id = c.account_id
         RETURNING a.account_id, a.key_id, a.connected",
    ))
    .bind(owner)
    .bind(key_ids)
    .bind(lease.as_secs_f64())
    .fetch_optional(&mut *tx)
    .await?;
    let Some((account_id, key_id, connected)) = account else {
        tx.rollback().await?;
        return Ok(None);
    };
    let rows: Vec<(i64, String, Value, i32, DateTime<Utc>)> = sqlx::query_as(&schema.sql(
        "UPDATE stripe_sync.sync_work
            SET state = 'running', claimed_by = $2, attempts = attempts + 1,
                started_at = coalesce(started_at, now())
          WHERE account_id = $1 AND state IN ('pending', 'running') AND not_before <= now()
         RETURNING id, kind, request, attempts, started_at",
    ))
    .bind(&account_id)
    .bind(owner)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut jobs: Vec<Job> = rows
        .into_iter()
        .map(|(id, kind, request, attempts, started_at)| Job {
            id,
            kind,
            request,
            attempts,
            started_at,
        })
        .collect();
    // A backfill before a catch-up from events: the events cursor starts
    // where a backfill left it.
    jobs.sort_by_key(|j| (j.kind != kind::BACKFILL, j.id));
    Ok(Some((
        QueuedAccount {
            account_id,
            key_id,
            connected,
        },
        jobs,
    )))
}

/// Extends `owner`'s lease on the account; false when the lease is no
/// longer `owner`'s (it expired and another worker took the account).
pub async fn renew(
    schema: &Schema,
    pool: &PgPool,
    owner: &str,
    account_id: &str,
    lease: Duration,
) -> Result<bool> {
    let r = sqlx::query(&schema.sql(
        "UPDATE stripe_sync.sync_accounts SET lease_until = now() + make_interval(secs => $3)
          WHERE account_id = $1 AND lease_owner = $2",
    ))
    .bind(account_id)
    .bind(owner)
    .bind(lease.as_secs_f64())
    .execute(pool)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Gives up `owner`'s lease on the account.
pub async fn release(schema: &Schema, pool: &PgPool, owner: &str, account_id: &str) -> Result<()> {
    sqlx::query(&schema.sql(
        "UPDATE stripe_sync.sync_accounts SET lease_owner = NULL, lease_until = NULL
          WHERE account_id = $1 AND lease_owner = $2",
    ))
    .bind(account_id)
    .bind(owner)
    .execute(pool)
    .await?;
    Ok(())
}

/// How a job ended.
#[derive(Clone, Debug)]
pub enum JobEnd<'a> {
    /// Done.
    Done,
    /// Failed for good, with the reason.
    Failed(&'a str),
    /// Failed this time; ready again after the delay.
    Retry(&'a str, Duration),
}

/// Records how a job ended (only while `owner` still holds it).
pub async fn finish(
    schema: &Schema,
    pool: &PgPool,
    owner: &str,
    job_id: i64,
    run_id: Option<i64>,
    end: JobEnd<'_>,
) -> Result<()> {
    let (state, error, delay) = match end {
        JobEnd::Done => ("done", None, 0.0),
        JobEnd::Failed(e) => ("failed", Some(e), 0.0),
        JobEnd::Retry(e, d) => ("pending", Some(e), d.as_secs_f64()),
    };
    sqlx::query(&schema.sql(
        "UPDATE stripe_sync.sync_work
            SET state = $3, error = $4, run_id = coalesce($5, run_id),
                not_before = now() + make_interval(secs => $6),
                claimed_by = CASE WHEN $3 = 'pending' THEN NULL ELSE claimed_by END,
                finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END
          WHERE id = $1 AND claimed_by = $2 AND state = 'running'",
    ))
    .bind(job_id)
    .bind(owner)
    .bind(state)
    .bind(error)
    .bind(run_id)
    .bind(delay)
    .execute(pool)
    .await?;
    Ok(())
}

/// Marks an account revoked (its access was lost) with the reason, and
/// cancels its open jobs; an account not known yet is recorded as revoked
/// (reached through `key_id`). Its rows stay. Returns whether it changed.
pub async fn mark_revoked(
    schema: &Schema,
    pool: &PgPool,
    account_id: &str,
    key_id: &str,
    reason: &str,
) -> Result<bool> {
    let mut tx = pool.begin().await?;
    let r = sqlx::query(&schema.sql(
        "INSERT INTO stripe_sync.sync_accounts (account_id, key_id, connected, state, reason)
         VALUES ($1, $3, true, 'revoked', $2)
         ON CONFLICT (account_id) DO UPDATE SET state = 'revoked', reason = $2, changed_at = now()
          WHERE stripe_sync.sync_accounts.state <> 'revoked'",
    ))
    .bind(account_id)
    .bind(reason)
    .bind(key_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(&schema.sql(
        "UPDATE stripe_sync.sync_work SET state = 'cancelled', error = $2, finished_at = now()
          WHERE account_id = $1 AND state IN ('pending', 'running')",
    ))
    .bind(account_id)
    .bind(reason)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(r.rows_affected() > 0)
}

/// Open work of `key_ids`' active accounts: how many jobs are open, and when
/// the next one not claimable yet becomes ready (`None`: all are ready).
pub async fn open_work(
    schema: &Schema,
    pool: &PgPool,
    key_ids: &[String],
) -> Result<(i64, Option<DateTime<Utc>>)> {
    let row: (i64, Option<DateTime<Utc>>) = sqlx::query_as(&schema.sql(
        "SELECT count(*), min(w.not_before) FILTER (WHERE w.not_before > now())
           FROM stripe_sync.sync_work w JOIN stripe_sync.sync_accounts a USING (account_id)
          WHERE a.key_id = ANY($1) AND a.state = 'active' AND w.state IN ('pending', 'running')",
    ))
    .bind(key_ids)
    .fetch_one(pool)
    .await?;
    Ok(row)
}

/// Records that worker `id` is alive.
pub async fn worker_heartbeat(schema: &Schema, pool: &PgPool, id: &str) -> Result<()> {
    sqlx::query(&schema.sql(
        "INSERT INTO stripe_sync.sync_workers (id, host, pid) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()",
    ))
    .bind(id)
    .bind(hostname())
    .bind(std::process::id() as i32)
    .execute(pool)
    .await?;
    Ok(())
}

/// How many workers beat within `within` (at least one: the caller).
pub async fn live_workers(schema: &Schema, pool: &PgPool, within: Duration) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(&schema.sql(
        "SELECT count(*) FROM stripe_sync.sync_workers
          WHERE heartbeat_at > now() - make_interval(secs => $1)",
    ))
    .bind(within.as_secs_f64())
    .fetch_one(pool)
    .await?;
    Ok(n.max(1))
}

/// Removes worker `id` (it stopped), and workers silent for an hour.
pub async fn worker_gone(schema: &Schema, pool: &PgPool, id: &str) -> Result<()> {
    sqlx::query(
        &schema.sql("DELETE FROM stripe_sync.sync_workers WHERE id = $1 OR heartbeat_at < now() - interval '1 hour'"),
    )
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

fn hostname() -> Option<String> {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
}
