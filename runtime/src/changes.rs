//! The change log: every real change to a mirrored row, once, in position
//! order, whichever writer made it (`serve`, the SQL path, backfill, the
//! events catch-up, workers, `verify --repair`).
//!
//! The database keeps it (`stripe_sync.changes`, migrations 0017, 0018 and
//! 0021): triggers on every mirrored table capture, in the writing
//! transaction, each row created, updated or soft-deleted (with the object
//! before the change), one batch row per statement
//! (`stripe_sync.change_batches`), and nothing for a write that changed
//! nothing (a duplicate, a stale event, an object listed again unchanged).
//! The first read after the transaction has ended turns the batches into
//! entries, finds each entry's event in the ledger, and numbers and
//! describes them (the properties that changed), so a reader that has read through
//! position N never later finds one at or below N. This
//! module reads them ([`after`]), keeps named consumers' positions
//! ([`consume`], [`ack`]) and sets the retention ([`set_retention`]).
//! `serve` also numbers in the background ([`number_in_background`]: when
//! no webhook arrived for a while, or once a backlog builds up), and `sync`
//! after each catch-up ([`number`]), so that a log nobody reads drops the
//! previous objects it holds and keeps to its retention.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sqlx::{ConnectOptions, PgConnection, PgExecutor, PgPool};

use crate::error::{Error, Result};
use crate::schema::Schema;

/// What happened to a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// The row appeared.
    Created,
    /// A property changed.
    Updated,
    /// The object was deleted on Stripe (the row is kept, `_deleted_at` set).
    Deleted,
}

impl Op {
    /// The value stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Created => "created",
            Op::Updated => "updated",
            Op::Deleted => "deleted",
        }
    }

    fn from_stored(s: &str) -> Option<Op> {
        [Op::Created, Op::Updated, Op::Deleted]
            .into_iter()
            .find(|o| o.as_str() == s)
    }
}

/// One entry of the change log.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// Its position, from 1.
    pub seq: i64,
    /// The account.
    pub account: String,
    /// The mirrored table (`customers`).
    pub table: String,
    /// The object's id.
    pub id: String,
    /// What happened.
    pub op: Op,
    /// Updated and deleted: each top-level property that changed, as
    /// `{"name": {"old": …, "new": …}}`. Created: `None` (the row is the state).
    pub columns: Option<Value>,
    /// The object's version after the change (the row's `_updated_at`).
    pub version: Option<DateTime<Utc>>,
    /// Who wrote it: `webhook`, `sql`, `catch_up`, `backfill`, `repair`.
    pub source: Option<String>,
    /// The event that carried it, where one did.
    pub event_id: Option<String>,
    /// When it was written.
    pub written_at: DateTime<Utc>,
}

impl Change {
    /// As `stripe-sync changes --json` prints it: one object per line.
    pub fn to_json(&self) -> Value {
        json!({
            "seq": self.seq,
            "account": self.account,
            "table": self.table,
            "id": self.id,
            "op": self.op.as_str(),
            "columns": self.columns,
            "version": self.version,
            "source": self.source,
            "event_id": self.event_id,
            "written_at": self.written_at,
        })
    }
}

type Row = (
    i64,
    String,
    String,
    String,
    String,
    Option<Value>,
    Option<DateTime<Utc>>,
    Option<String>,
    Option<String>,
    DateTime<Utc>,
);

const COLUMNS: &str =
    "seq, account_id, table_name, object_id, op, columns, version, source, event_id, written_at";

fn change(r: Row) -> Result<Change> {
    Ok(Change {
        seq: r.0,
        account: r.1,
        table: r.2,
        id: r.3,
        op: Op::from_stored(&r.4)
            .ok_or_else(|| Error::Unsupported(format!("change {}: unknown op {:?}", r.0, r.4)))?,
        columns: r.5,
        version: r.6,
        source: r.7,
        event_id: r.8,
        written_at: r.9,
    })
}

/// A read the retention made impossible: entries after `since` were pruned.
fn pruned(e: sqlx::Error) -> Error {
    match &e {
        sqlx::Error::Database(d) if d.code().as_deref() == Some("SW410") => {
            Error::Config(d.message().to_string())
        }
        _ => e.into(),
    }
}

/// Up to `limit` entries after position `since`, in order (numbering the
/// entries of ended transactions first). An error names the fix when
/// entries after `since` were pruned.
pub async fn after(schema: &Schema, pool: &PgPool, since: i64, limit: i64) -> Result<Vec<Change>> {
    let rows: Vec<Row> = sqlx::query_as(&schema.sql(&format!(
        "SELECT {COLUMNS} FROM stripe_sync.changes_after($1, $2)"
    )))
    .bind(since)
    .bind(limit.clamp(1, i32::MAX as i64) as i32)
    .fetch_all(pool)
    .await
    .map_err(pruned)?;
    rows.into_iter().map(change).collect()
}

/// Up to `limit` entries after the position `consumer` acknowledged (0 for
/// a new one). Nothing moves until [`ack`].
pub async fn consume(
    schema: &Schema,
    pool: &PgPool,
    consumer: &str,
    limit: i64,
) -> Result<Vec<Change>> {
    let rows: Vec<Row> = sqlx::query_as(&schema.sql(&format!(
        "SELECT {COLUMNS} FROM stripe_sync.consume_changes($1, $2)"
    )))
    .bind(consumer)
    .bind(limit.clamp(1, i32::MAX as i64) as i32)
    .fetch_all(pool)
    .await
    .map_err(pruned)?;
    rows.into_iter().map(change).collect()
}

/// The position `consumer` acknowledged (0: none yet).
pub async fn position(schema: &Schema, pool: &PgPool, consumer: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(&schema.sql(
        "SELECT coalesce((SELECT position FROM stripe_sync.change_consumers WHERE name = $1), 0)",
    ))
    .bind(consumer)
    .fetch_one(pool)
    .await?)
}

/// Records that `consumer` has handled everything through `through`;
/// returns its position (positions only move forward).
pub async fn ack(schema: &Schema, pool: &PgPool, consumer: &str, through: i64) -> Result<i64> {
    Ok(
        sqlx::query_scalar(&schema.sql("SELECT stripe_sync.ack_changes($1, $2)"))
            .bind(consumer)
            .bind(through)
            .fetch_one(pool)
            .await?,
    )
}

/// How often `serve` considers numbering the log.
pub const NUMBER_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// Entries waiting beyond which `serve` numbers the log even while
/// webhooks keep arriving (about 100 MB of previous objects at 1 kB each).
pub const NUMBER_BACKLOG: i64 = 100_000;

/// Numbers and describes the entries of ended transactions, forgetting the
/// previous objects they kept, then prunes by the retention, as every read
/// does first. Returns the last position given.
pub async fn number<'c>(schema: &Schema, ex: impl PgExecutor<'c>) -> Result<i64> {
    Ok(
        sqlx::query_scalar(&schema.sql("SELECT stripe_sync.sequence_changes()"))
            .fetch_one(ex)
            .await?,
    )
}

/// About how many entries wait to be numbered (at most): the span of the
/// unnumbered entries' write order (two index reads rather than a count),
/// and the rows of the captured batches, counted only up to
/// [`NUMBER_BACKLOG`] batches.
pub async fn backlog<'c>(schema: &Schema, ex: impl PgExecutor<'c>) -> Result<i64> {
    Ok(sqlx::query_scalar(&schema.sql(
        "SELECT coalesce((SELECT max(n) FROM stripe_sync.changes WHERE seq IS NULL)
                         - (SELECT min(n) FROM stripe_sync.changes WHERE seq IS NULL) + 1, 0)
              + coalesce((SELECT sum(cardinality(b.ids)) FROM (SELECT ids FROM stripe_sync.change_batches
                                                                 LIMIT $1) b), 0)::bigint",
    ))
    .bind(NUMBER_BACKLOG)
    .fetch_one(ex)
    .await?)
}

/// Numbers the log in the background (see [`number`]) until the task is
/// aborted, so that a log nobody reads still forgets each entry's previous
/// object and keeps to its retention. Every `every` it numbers if
/// `activity` (a count of webhooks taken, say) has not moved since the last
/// tick, or once [`NUMBER_BACKLOG`] entries wait: numbering, about 50 µs of
/// PostgreSQL time per entry, yields to a burst and catches up after it,
/// and sustained traffic pays it as it goes. It uses a connection of its own
/// that does not log its statements as slow (one numbering of a backlog
/// takes seconds). A failure is logged and tried again at the next tick.
pub fn number_in_background(
    schema: Schema,
    pool: PgPool,
    every: std::time::Duration,
    activity: impl Fn() -> u64 + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut conn: Option<PgConnection> = None;
        let mut seen = None;
        loop {
            tick.tick().await;
            let now = activity();
            let idle = seen == Some(now);
            seen = Some(now);
            let done = async {
                let c = match &mut conn {
                    Some(c) => c,
                    None => conn.insert(
                        (*pool.connect_options())
                            .clone()
                            .disable_statement_logging()
                            .connect()
                            .await?,
                    ),
                };
                if idle || backlog(&schema, &mut *c).await? >= NUMBER_BACKLOG {
                    number(&schema, &mut *c).await?;
                }
                Ok::<_, Error>(())
            }
            .await;
            if let Err(e) = done {
                conn = None;
                tracing::warn!(error = %e, "numbering the change log failed; trying again");
            }
        }
    })
}

/// Turns the log on or off: off drops the triggers that write entries
/// (`stripe-sync migrate` keeps them off), on puts them back; changes made
/// meanwhile are not logged.
pub async fn set_enabled(schema: &Schema, pool: &PgPool, enabled: bool) -> Result<()> {
    sqlx::query(&schema.sql("SELECT stripe_sync.set_change_log($1)"))
        .bind(enabled)
        .execute(pool)
        .await?;
    Ok(())
}

/// The log's settings and head (`stripe_sync.change_log`).
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Whether the triggers write entries.
    pub enabled: bool,
    /// Entries older than this are pruned (`None`: kept at any age).
    pub max_age: Option<std::time::Duration>,
    /// At most this many numbered entries are kept (`None`: no limit).
    pub max_rows: Option<i64>,
    /// The last position given.
    pub last_seq: i64,
    /// Every position up to this one was pruned.
    pub pruned_through: i64,
}

/// The log's settings and head.
pub async fn settings(schema: &Schema, pool: &PgPool) -> Result<Settings> {
    let (enabled, age, max_rows, last_seq, pruned_through): (bool, Option<f64>, Option<i64>, i64, i64) =
        sqlx::query_as(
            &schema.sql("SELECT enabled, extract(epoch FROM retain_age)::float8, retain_rows, last_seq, pruned_through
               FROM stripe_sync.change_log"),
        )
        .fetch_one(pool)
        .await?;
    Ok(Settings {
        enabled,
        max_age: age.map(std::time::Duration::from_secs_f64),
        max_rows,
        last_seq,
        pruned_through,
    })
}

/// How long entries are kept, and how many at most (`None`: no limit of
/// that kind). Applied each time entries are numbered.
pub async fn set_retention(
    schema: &Schema,
    pool: &PgPool,
    max_age: Option<std::time::Duration>,
    max_rows: Option<i64>,
) -> Result<()> {
    sqlx::query(
        &schema.sql("UPDATE stripe_sync.change_log SET retain_age = make_interval(secs => $1), retain_rows = $2"),
    )
    .bind(max_age.map(|d| d.as_secs_f64()))
    .bind(max_rows)
    .execute(pool)
    .await?;
    Ok(())
}
