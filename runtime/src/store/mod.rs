//! Everything the runtime writes to PostgreSQL but cursors: objects (through
//! the generated batch upserts and soft deletes) and locks, here; run
//! records, with their heartbeat rule and interruption, in `runs`.
//! (Cursors, `_sync_state`, are the `state` module's.) Only generated
//! identifiers and bound parameters reach SQL.

mod runs;

pub use runs::{
    finish_run, heartbeat, interrupt_open_runs, keep_alive, last_results, read_status,
    record_run_object, start_run, Heartbeat, Interrupt, InterruptedRun, RunKind, RunObject,
    RunStatus, ABANDONED_AFTER, HEARTBEAT_INTERVAL, MISSED_HEARTBEATS,
};

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool, Postgres, Row, Transaction};
use stripe_sync_generated::Resource;

use crate::error::{Error, Result};
use crate::schema::Schema;

/// When a write transaction's commit returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Commit {
    /// After the WAL is flushed (`synchronous_commit = on`), whatever the
    /// server's default: a webhook is answered 200 only after its commit, and
    /// Stripe does not send it again.
    Durable,
    /// Without waiting for the flush (`synchronous_commit = off`): a backfill
    /// page is committed together with its cursor, so a commit lost in a crash
    /// loses both and the page is simply fetched again. A process that
    /// outlives the crash learns of it from [`ensure_same_server`] on its next
    /// write and stops, rather than moving its cursor past the lost pages.
    Relaxed,
}

/// Whether the server can compress TOAST values with lz4 (PostgreSQL 14 or
/// later, built with lz4, as the Debian, RHEL, Homebrew and cloud builds are).
pub async fn lz4_available(pool: &PgPool) -> Result<bool> {
    let v: Option<bool> = sqlx::query_scalar(
        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'",
    )
    .fetch_optional(pool)
    .await?;
    Ok(v.unwrap_or(false))
}

/// Begins a transaction that writes objects: sets how its commit waits, and
/// with `lz4` compresses the new `_raw_data` values with lz4 instead of the
/// server's default pglz.
///
/// Why lz4: most Stripe objects are over the 2 kB TOAST threshold, and pglz
/// compression took 17% of all CPU in a mixed-account backfill (perf); with
/// lz4 the same backfill ran 19% faster. The setting is local to the
/// transaction, so nothing else on the server changes, and values already
/// stored stay readable whichever method wrote them.
///
/// Sequential scans are off for the transaction (where an index can serve)
/// when it writes events (webhooks, the catch-up), whose statements read
/// the ledger and the mirror by id. A writer's statements are prepared once
/// per connection, and PostgreSQL
/// may keep a generic plan made while a table was nearly empty: on a fresh
/// mirror, `WHERE id = ANY($1)` on the ledger became a sequential scan that
/// every later batch paid for as the ledger grew (measured: 2.7 to 10 ms of
/// PostgreSQL CPU per 16-event transaction, depending on when the plan was
/// made; 2.7 to 3.3 ms with this setting).
pub async fn begin_write(
    schema: &Schema,
    pool: &PgPool,
    commit: Commit,
    lz4: bool,
    source: ChangeSource,
) -> Result<Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await?;
    let sync = match commit {
        Commit::Durable => "on",
        Commit::Relaxed => "off",
    };
    let sql = if lz4 {
        "SELECT set_config('synchronous_commit', $1, true), set_config('stripe_sync.change_source', $2, true), set_config('enable_seqscan', CASE WHEN $3 THEN 'off' ELSE current_setting('enable_seqscan') END, true), set_config('default_toast_compression', 'lz4', true)"
    } else {
        "SELECT set_config('synchronous_commit', $1, true), set_config('stripe_sync.change_source', $2, true), set_config('enable_seqscan', CASE WHEN $3 THEN 'off' ELSE current_setting('enable_seqscan') END, true)"
    };
    let events = matches!(source, ChangeSource::Webhook | ChangeSource::CatchUp);
    sqlx::query(schema.sql_static(sql))
        .bind(sync)
        .bind(source.as_str())
        .bind(events)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Who writes a transaction, as the change log records it
/// (`stripe_sync.changes.source`; an event's own object takes its event's
/// source from the ledger).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeSource {
    /// A backfill's pages.
    Backfill,
    /// `verify --repair`.
    Repair,
    /// Webhooks received by `serve`.
    Webhook,
    /// The catch-up from `/v1/events`, and what it reads again.
    CatchUp,
}

impl ChangeSource {
    /// The source of a transaction writing events the ledger records with
    /// `source` (`events`: the catch-up; else a webhook).
    pub fn of_event(source: &str) -> ChangeSource {
        match source {
            "events" => ChangeSource::CatchUp,
            _ => ChangeSource::Webhook,
        }
    }

    /// The value stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeSource::Backfill => "backfill",
            ChangeSource::Repair => "repair",
            ChangeSource::Webhook => "webhook",
            ChangeSource::CatchUp => "catch_up",
        }
    }
}

/// When the PostgreSQL server started (`pg_postmaster_start_time()`): a
/// different value later means it restarted in between.
pub async fn server_started_at<'c>(ex: impl PgExecutor<'c>) -> Result<DateTime<Utc>> {
    Ok(sqlx::query_scalar("SELECT pg_postmaster_start_time()")
        .fetch_one(ex)
        .await?)
}

/// Fails with [`Error::DatabaseRestarted`] unless the server is still the
/// one that started at `expected`. Run inside a write transaction, it makes
/// that transaction (a page and its cursor) refuse to commit on a server
/// that may have lost the [`Commit::Relaxed`] commits before it.
pub async fn ensure_same_server<'c>(
    ex: impl PgExecutor<'c>,
    expected: DateTime<Utc>,
) -> Result<()> {
    let now = server_started_at(ex).await?;
    if now != expected {
        return Err(Error::DatabaseRestarted { was: expected, now });
    }
    Ok(())
}

/// Writes `objects` (JSON texts) to the resource's table with one execution
/// of its generated upsert; returns the rows written (a stale or unchanged
/// object writes nothing).
pub async fn upsert_objects<'c, S: AsRef<str>>(
    schema: &Schema,
    ex: impl PgExecutor<'c>,
    resource: &Resource,
    objects: &[S],
    account: &str,
    version: DateTime<Utc>,
) -> Result<u64> {
    write(schema, ex, resource.upsert_sql, objects, account, version).await
}

/// Soft-deletes `objects` (sets `_deleted_at`; the row stays and is never
/// brought back by a later update) with the generated delete statement.
pub async fn delete_objects<'c, S: AsRef<str>>(
    schema: &Schema,
    ex: impl PgExecutor<'c>,
    resource: &Resource,
    objects: &[S],
    account: &str,
    version: DateTime<Utc>,
) -> Result<u64> {
    write(schema, ex, resource.delete_sql, objects, account, version).await
}

async fn write<'c, S: AsRef<str>>(
    schema: &Schema,
    ex: impl PgExecutor<'c>,
    sql: &'static str,
    objects: &[S],
    account: &str,
    version: DateTime<Utc>,
) -> Result<u64> {
    let versions = vec![version; objects.len()];
    write_rows(schema, ex, sql, objects, account, &versions).await
}

/// Writes `objects` with per-object fallback versions (one execution of the
/// generated upsert for the whole batch); returns the rows written.
pub async fn upsert_rows<'c, S: AsRef<str>>(
    schema: &Schema,
    ex: impl PgExecutor<'c>,
    resource: &Resource,
    objects: &[S],
    account: &str,
    versions: &[DateTime<Utc>],
) -> Result<u64> {
    write_rows(schema, ex, resource.upsert_sql, objects, account, versions).await
}

async fn write_rows<'c, S: AsRef<str>>(
    schema: &Schema,
    ex: impl PgExecutor<'c>,
    sql: &'static str,
    objects: &[S],
    account: &str,
    versions: &[DateTime<Utc>],
) -> Result<u64> {
    if objects.is_empty() {
        return Ok(0);
    }
    let texts: Vec<&str> = objects.iter().map(AsRef::as_ref).collect();
    let accounts = vec![account; texts.len()];
    let done = sqlx::query(schema.sql_static(sql))
        .bind(&texts)
        .bind(&accounts)
        .bind(versions)
        .execute(ex)
        .await?;
    Ok(done.rows_affected())
}

/// Sets the owner column of objects just written (see
/// [`stripe_sync_generated::Owner`]): the objects do not carry it.
pub async fn set_owner<'c, S: AsRef<str>>(
    schema: &Schema,
    ex: impl PgExecutor<'c>,
    owner: &stripe_sync_generated::Owner,
    owner_id: &str,
    objects: &[S],
    account: &str,
) -> Result<()> {
    let ids: Vec<String> = objects
        .iter()
        .filter_map(|t| crate::objects::head(t.as_ref()).ok()?.id)
        .collect();
    sqlx::query(schema.sql_static(owner.set_sql))
        .bind(owner_id)
        .bind(&ids)
        .bind(account)
        .execute(ex)
        .await?;
    Ok(())
}

/// Soft-deletes an owner's objects missing from its complete list, `present`
/// (ids), as of `version`; objects written by a newer list stay. Returns how
/// many were soft-deleted.
pub async fn soft_delete_missing<'c>(
    schema: &Schema,
    ex: impl PgExecutor<'c>,
    owner: &stripe_sync_generated::Owner,
    account: &str,
    owner_id: &str,
    present: &[String],
    version: DateTime<Utc>,
) -> Result<u64> {
    Ok(
        sqlx::query(schema.sql_static(owner.soft_delete_missing_sql))
            .bind(account)
            .bind(owner_id)
            .bind(present)
            .bind(version)
            .execute(ex)
            .await?
            .rows_affected(),
    )
}

/// Records the parents children were listed under, where their payload
/// does not name them (`_list_members`), and soft-deletes the children that
/// complete lists no longer hold, as of `version` (a child written by
/// something newer stays): one statement per list and batch, however many
/// parents. The items themselves are written by the caller. Returns how
/// many were soft-deleted. `delete_missing` false: membership is recorded,
/// nothing soft-deleted (the list is part of a parent state that is not
/// the newest: see [`write_children`]).
pub async fn apply_membership(
    schema: &Schema,
    conn: &mut sqlx::PgConnection,
    batch: &[&crate::objects::Children],
    account: &str,
    version: DateTime<Utc>,
    delete_missing: bool,
) -> Result<u64> {
    let mut lists: Vec<&'static stripe_sync_generated::EmbeddedList> = Vec::new();
    for c in batch {
        if !lists.iter().any(|l| std::ptr::eq(*l, c.list)) {
            lists.push(c.list);
        }
    }
    let mut deleted = 0;
    for list in lists {
        let of_list = batch.iter().filter(|c| std::ptr::eq(c.list, list));
        if let Some(sql) = list.record_parent_sql {
            let (mut parents, mut ids) = (Vec::new(), Vec::new());
            for c in of_list.clone() {
                for id in &c.ids {
                    parents.push(c.parent_id.as_str());
                    ids.push(id.as_str());
                }
            }
            if !ids.is_empty() {
                sqlx::query(schema.sql_static(sql))
                    .bind(account)
                    .bind(&parents)
                    .bind(&ids)
                    .execute(&mut *conn)
                    .await?;
            }
        }
        let (mut parents, mut present) = (Vec::new(), Vec::new());
        for c in of_list.filter(|c| c.complete && delete_missing) {
            parents.push(c.parent_id.as_str());
            present.extend(c.ids.iter().map(String::as_str));
        }
        if parents.is_empty() {
            continue;
        }
        deleted += sqlx::query(schema.sql_static(list.soft_delete_missing_sql))
            .bind(account)
            .bind(&parents)
            .bind(&present)
            .bind(version)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(deleted)
}

/// [`apply_membership`] for the children of several fetched pages, each
/// with its fetch time, as of the earliest: a child written after it stays.
pub async fn apply_fetched_membership(
    schema: &Schema,
    conn: &mut sqlx::PgConnection,
    fetched: &[(crate::objects::Children, DateTime<Utc>)],
    account: &str,
) -> Result<u64> {
    let Some(version) = fetched.iter().map(|(_, v)| *v).min() else {
        return Ok(0);
    };
    let batch: Vec<&crate::objects::Children> = fetched.iter().map(|(c, _)| c).collect();
    apply_membership(schema, conn, &batch, account, version, true).await
}

/// Writes children listed under a parent and applies what their list says
/// about membership ([`apply_membership`]). Returns (written, soft-deleted).
/// `delete_missing` false when the parent's stored state is as new as the
/// list's or newer (or deleted): the list then says nothing about which
/// children left, since a child its newer state holds may be missing from
/// this older one (each child's own version rule still applies).
pub async fn write_children(
    schema: &Schema,
    conn: &mut sqlx::PgConnection,
    children: &crate::objects::Children,
    account: &str,
    version: DateTime<Utc>,
    delete_missing: bool,
) -> Result<(u64, u64)> {
    let written = upsert_objects(
        schema,
        &mut *conn,
        children.resource,
        &children.items,
        account,
        version,
    )
    .await?;
    let deleted =
        apply_membership(schema, conn, &[children], account, version, delete_missing).await?;
    Ok((written, deleted))
}

/// The stored version of one object: `(_updated_at, _deleted_at)`.
pub async fn stored_version<'c>(
    schema: &Schema,
    ex: impl PgExecutor<'c>,
    resource: &Resource,
    id: &str,
) -> Result<Option<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)>> {
    let sql = format!(
        "SELECT _updated_at, _deleted_at FROM {} WHERE id = $1",
        table_ident(schema, resource)
    );
    let row = sqlx::query(&sql).bind(id).fetch_optional(ex).await?;
    Ok(match row {
        Some(r) => Some((r.try_get(0)?, r.try_get(1)?)),
        None => None,
    })
}

/// Whether an object with this id is stored.
pub async fn exists<'c>(
    schema: &Schema,
    ex: impl PgExecutor<'c>,
    resource: &Resource,
    id: &str,
) -> Result<bool> {
    let sql = format!(
        "SELECT 1 FROM {} WHERE id = $1",
        table_ident(schema, resource)
    );
    Ok(sqlx::query(&sql)
        .bind(id)
        .fetch_optional(ex)
        .await?
        .is_some())
}

/// The parents a per-parent list visits: the not-deleted objects of
/// `resource` for `account`. With `skip_complete_list`, objects whose
/// embedded list in that property is complete (`has_more: false`; its items
/// were written with the object) are left out. With `synced_since`, only
/// objects written at or after that time (an incremental backfill lists
/// children only under parents that changed).
#[derive(Clone, Copy, Debug)]
pub struct Parents<'a> {
    /// The parents' type.
    pub resource: &'a Resource,
    /// Their account.
    pub account: &'a str,
    /// An embedded list whose complete copy skips the parent.
    pub skip_complete_list: Option<&'a str>,
    /// Only parents written since.
    pub synced_since: Option<DateTime<Utc>>,
}

/// Up to `limit` ids of `parents`, in id order, after `after`.
pub async fn ids_after(
    schema: &Schema,
    pool: &PgPool,
    parents: &Parents<'_>,
    after: &str,
    limit: i64,
) -> Result<Vec<String>> {
    let sql = format!(
        "SELECT id FROM {} WHERE {PARENTS} AND id > $4 ORDER BY id LIMIT $5",
        table_ident(schema, parents.resource)
    );
    let rows = sqlx::query(&sql)
        .bind(parents.account)
        .bind(parents.skip_complete_list)
        .bind(parents.synced_since)
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<String, _>(0)?))
        .collect()
}

/// The parents [`ids_after`] and [`count_parents`] visit: `$1` the account,
/// `$2` an embedded list whose complete copy skips the parent (a dotted path
/// for one object down), `$3` only parents written since.
const PARENTS: &str = "_account_id = $1 AND _deleted_at IS NULL
    AND ($2::text IS NULL OR coalesce((_raw_data #> string_to_array($2::text, '.') ->> 'has_more')::boolean, true))
    AND ($3::timestamptz IS NULL OR _synced_at >= $3)";

/// Whether `resource`'s table holds any row of `account`, live or deleted.
pub async fn has_rows(
    schema: &Schema,
    pool: &PgPool,
    resource: &Resource,
    account: &str,
) -> Result<bool> {
    let sql = format!(
        "SELECT EXISTS (SELECT 1 FROM {} WHERE _account_id = $1)",
        table_ident(schema, resource)
    );
    Ok(sqlx::query_scalar(&sql)
        .bind(account)
        .fetch_one(pool)
        .await?)
}

/// How many parents [`ids_after`] would return after `after` ("": from the
/// start), without a limit.
pub async fn count_parents(
    schema: &Schema,
    pool: &PgPool,
    parents: &Parents<'_>,
    after: &str,
) -> Result<i64> {
    let sql = format!(
        "SELECT count(*) FROM {} WHERE {PARENTS} AND id > $4",
        table_ident(schema, parents.resource)
    );
    Ok(sqlx::query_scalar(&sql)
        .bind(parents.account)
        .bind(parents.skip_complete_list)
        .bind(parents.synced_since)
        .bind(after)
        .fetch_one(pool)
        .await?)
}

/// Whether `e` is a conflict between two transactions that the same
/// transaction run again gets past: a deadlock (SQLSTATE 40P01) or a
/// serialization failure (40001). PostgreSQL rolled the transaction back.
pub fn is_conflict(e: &Error) -> bool {
    match e {
        Error::Database(sqlx::Error::Database(d)) => {
            matches!(d.code().as_deref(), Some("40P01") | Some("40001"))
        }
        _ => false,
    }
}

/// Runs `attempt` (one transaction) until it is not a conflict
/// ([`is_conflict`]), at most 5 times, 50, 100, 200 and 400 ms apart: two
/// writers that lock the same rows in different orders (a backfill's batch
/// and a webhook's objects) make PostgreSQL abort one of them.
pub async fn retry_conflicts<T, F, Fut>(what: &str, mut attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut tries = 0u32;
    loop {
        match attempt().await {
            Err(e) if is_conflict(&e) && tries < 4 => {
                tries += 1;
                tracing::info!(what, tries, error = %e, "conflict with another writer; running the transaction again");
                tokio::time::sleep(std::time::Duration::from_millis(25 << tries)).await;
            }
            r => return r,
        }
    }
}

/// `"stripe"."table"` for a generated table name, in `schema`'s mirror.
pub fn table_ident(schema: &Schema, resource: &Resource) -> String {
    format!(
        "\"{}\".\"{}\"",
        schema.mirror(),
        resource.table.replace('"', "\"\"")
    )
}

/// A session-level advisory lock held on a connection of its own. It is
/// released when this guard is dropped, and by PostgreSQL when the process
/// dies (its connection closes), so an interrupted holder never blocks others.
#[derive(Debug)]
pub struct AdvisoryLock {
    _conn: sqlx::PgConnection,
}

/// Waits for the advisory lock named `key`.
pub async fn advisory_lock(schema: &Schema, pool: &PgPool, key: &str) -> Result<AdvisoryLock> {
    let mut conn = pool.acquire().await?.detach();
    sqlx::query("SELECT pg_advisory_lock(hashtextextended($1, 0))")
        .bind(lock_name(schema, key))
        .execute(&mut conn)
        .await?;
    Ok(AdvisoryLock { _conn: conn })
}

/// The advisory lock's name for `key` in `schema`'s mirror: the key itself
/// for the default (as every release before named it), else prefixed by
/// the schema, so two mirrors in one database never wait on each other.
fn lock_name(schema: &Schema, key: &str) -> String {
    if schema.is_default() {
        key.to_string()
    } else {
        format!("{}:{key}", schema.mirror())
    }
}

/// Takes the advisory lock named `key` if nobody holds it.
pub async fn try_advisory_lock(
    schema: &Schema,
    pool: &PgPool,
    key: &str,
) -> Result<Option<AdvisoryLock>> {
    let mut conn = pool.acquire().await?;
    let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtextextended($1, 0))")
        .bind(lock_name(schema, key))
        .fetch_one(&mut *conn)
        .await?;
    // Only a connection holding the lock leaves the pool; a refused try
    // returns its connection for reuse.
    Ok(got.then(|| AdvisoryLock {
        _conn: conn.detach(),
    }))
}
