//! What the database refuses for good is set aside, never a stopped path.
//!
//! One event or object that PostgreSQL can't store (nesting past its limit,
//! a number past `numeric`, an id too long for an index: SQLSTATE classes
//! 22, 23 and 54) would otherwise fail its whole page, its catch-up or every
//! retry of its webhook. Instead it goes to `stripe_sync.quarantine` with its
//! reason (one row per distinct body, attempts counted), the path goes on,
//! and `redrive` writes it again once the cause is fixed (`stripe-sync
//! quarantine retry`, [`crate::redrive`]). The rows are written by SQL functions
//! (`stripe_sync.quarantine`, `stripe_sync.quarantine_event`) that
//! `stripe_sync.process_webhook` calls too, so both paths keep the same thing.
//!
//! Transient faults (connection, resources, shutdown, serialization,
//! deadlock: classes 08, 53, 57P, 40001, 40P01) are never quarantined: they
//! are retried, and a webhook is answered 5xx.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use stripe_sync_generated::Resource;

use crate::error::{Error, Result};
use crate::schema::Schema;

/// Where a quarantined body came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A webhook delivery (`serve`, `process_webhook`).
    Webhook,
    /// The events catch-up (`/v1/events`).
    Events,
    /// A backfill page.
    Backfill,
}

impl Source {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Webhook => "webhook",
            Source::Events => "events",
            Source::Backfill => "backfill",
        }
    }

    /// The source of an event by the ledger's `source` value.
    pub(crate) fn of_event(source: &str) -> Source {
        if source == "webhook" {
            Source::Webhook
        } else {
            Source::Events
        }
    }
}

/// The SQLSTATE and message of a database error that retrying can't fix:
/// classes 22 (data), 23 (integrity) and 54 (limits). `None` for anything
/// else, transient faults included.
pub fn permanent(e: &Error) -> Option<(String, String)> {
    let Error::Database(sqlx::Error::Database(db)) = e else {
        return None;
    };
    let code = db.code()?.into_owned();
    ["22", "23", "54"]
        .iter()
        .any(|c| code.starts_with(c))
        .then(|| (code, db.message().to_string()))
}

/// Quarantines an event (`body`: its storable JSON text) with the error
/// that stopped it, and records it in the ledger as `quarantined` where
/// the ledger can hold it.
pub(crate) async fn event(
    schema: &Schema,
    pool: &PgPool,
    body: &str,
    source: Source,
    account: &str,
    (state, reason): (&str, &str),
) -> Result<()> {
    tracing::warn!(
        sqlstate = state,
        error = reason,
        source = source.as_str(),
        "event quarantined"
    );
    sqlx::query(&schema.sql("SELECT stripe_sync.quarantine_event($1, $2, $3, $4, $5)"))
        .bind(body)
        .bind(source.as_str())
        .bind(account)
        .bind(state)
        .bind(reason)
        .execute(pool)
        .await?;
    Ok(())
}

/// Upserts `objects` (one page's, or several) like
/// [`crate::store::upsert_rows`], but an object the database refuses for
/// good is quarantined and the others are written: the batch is tried
/// under a savepoint, and when it fails permanently each object is tried
/// alone. Returns the rows written and how many were quarantined.
pub(crate) async fn upsert_rows<S: AsRef<str>>(
    schema: &Schema,
    conn: &mut PgConnection,
    resource: &Resource,
    objects: &[S],
    account: &str,
    versions: &[DateTime<Utc>],
) -> Result<(u64, u64)> {
    sqlx::query("SAVEPOINT page").execute(&mut *conn).await?;
    match crate::store::upsert_rows(schema, &mut *conn, resource, objects, account, versions).await
    {
        Ok(n) => {
            sqlx::query("RELEASE SAVEPOINT page")
                .execute(&mut *conn)
                .await?;
            return Ok((n, 0));
        }
        Err(e) if permanent(&e).is_some() => {
            sqlx::query("ROLLBACK TO SAVEPOINT page")
                .execute(&mut *conn)
                .await?;
        }
        Err(e) => return Err(e),
    }
    let (mut written, mut quarantined) = (0, 0);
    for (text, version) in objects.iter().zip(versions) {
        let text = text.as_ref();
        sqlx::query("SAVEPOINT one").execute(&mut *conn).await?;
        let one = [text];
        match crate::store::upsert_rows(schema, &mut *conn, resource, &one, account, &[*version])
            .await
        {
            Ok(n) => {
                sqlx::query("RELEASE SAVEPOINT one")
                    .execute(&mut *conn)
                    .await?;
                written += n;
            }
            Err(e) => {
                let Some((state, reason)) = permanent(&e) else {
                    return Err(e);
                };
                // Undone and released: a failed object leaves no savepoint behind.
                for step in ["ROLLBACK TO SAVEPOINT one", "RELEASE SAVEPOINT one"] {
                    sqlx::query(step).execute(&mut *conn).await?;
                }
                let id = crate::objects::head(text).ok().and_then(|h| h.id);
                tracing::warn!(object = resource.object, sqlstate = %state, error = %reason, "object quarantined");
                sqlx::query(
                    &schema.sql("SELECT stripe_sync.quarantine('object', $1, 'backfill', $2, $3, $4, NULL, $5, $6)"),
                )
                .bind(text)
                .bind(account)
                .bind(resource.object)
                .bind(id)
                .bind(&state)
                .bind(&reason)
                .execute(&mut *conn)
                .await?;
                quarantined += 1;
            }
        }
    }
    Ok((written, quarantined))
}

/// One quarantined body, as listed.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Quarantined {
    /// The row's id.
    pub id: i64,
    /// `event` or `object`.
    pub kind: String,
    /// `webhook`, `events` or `backfill`.
    pub source: String,
    /// The account.
    pub account_id: String,
    /// The object's type, when read.
    pub object_type: Option<String>,
    /// The object's id (at most 200 characters), when read.
    pub object_id: Option<String>,
    /// The event's id (at most 200 characters), for an event.
    pub event_id: Option<String>,
    /// The SQLSTATE of the error.
    pub sqlstate: String,
    /// The error.
    pub reason: String,
    /// How many times it was quarantined.
    pub attempts: i32,
    /// When it was first quarantined.
    pub first_seen_at: DateTime<Utc>,
    /// When it was quarantined last.
    pub last_seen_at: DateTime<Utc>,
}

/// The bodies still quarantined, oldest first.
pub async fn list(schema: &Schema, pool: &PgPool) -> Result<Vec<Quarantined>> {
    Ok(sqlx::query_as(
        &schema.sql("SELECT id, kind, source, account_id, object_type, object_id, event_id, sqlstate, reason, attempts,
                first_seen_at, last_seen_at
           FROM stripe_sync.quarantine WHERE resolved_at IS NULL ORDER BY id"),
    )
    .fetch_all(pool)
    .await?)
}

/// How many bodies are still quarantined (0 in a database migrated before
/// `0012`, which has no quarantine).
pub async fn count(schema: &Schema, pool: &PgPool) -> Result<i64> {
    let n = sqlx::query_scalar(
        &schema.sql("SELECT count(*) FROM stripe_sync.quarantine WHERE resolved_at IS NULL"),
    )
    .fetch_one(pool)
    .await;
    match n {
        Ok(n) => Ok(n),
        // undefined_table, invalid_schema_name
        Err(sqlx::Error::Database(d)) if matches!(d.code().as_deref(), Some("42P01" | "3F000")) => {
            Ok(0)
        }
        Err(e) => Err(e.into()),
    }
}
