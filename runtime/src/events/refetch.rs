//! Objects whose events share a second, read again from the API.
//!
//! Events carry whole-second `created` times, and webhooks arrive in any
//! order: of two events of one object in the same second, the one that
//! arrives last wins the tie, whichever Stripe made last. So when an event
//! writes an object another event of the same second already wrote, both
//! paths note the object in `stripe_sync.refetches` (the SQL path in
//! `stripe_sync._apply_object`), and [`complete`] reads it again once
//! Stripe's clock is two seconds past: the read is the object's latest
//! state, dated after every event of that second, so a late one of them is
//! stale from then on. `sync` and the events job complete the notes after
//! applying, `serve` after the commit of the event that noted one.

use chrono::{DateTime, Utc};
use stripe_sync_generated::Resource;

use super::truncated::{self, Truncated};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::objects;
use crate::schema::Schema;
use crate::store;

/// One object noted for a read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Refetch {
    /// Its object string.
    pub object: String,
    /// Its id.
    pub id: String,
}

/// Notes the objects of `events` (ids of events just applied in `conn`'s
/// transaction) that another event of the same second wrote too, and
/// returns them.
///
/// Planned on every call (an unnamed statement), with the ledger as it is
/// then. A statement prepared once per connection keeps a generic plan,
/// and one made while the ledger was empty (a `serve` just started) reads
/// the ledger by account, `(account_id, processed_at)`, or in `created`
/// order with the rest as a filter: work that grows with the ledger, for
/// every event, as long as the connection lives. Seen in the `changes`
/// benchmark on 2026-12-07: runs whose connections had such a plan spent
/// 260-350 µs of PostgreSQL CPU per event against 130-160 µs, most of it in
/// this statement, the change log on or off. The account is compared with
/// `IS NOT DISTINCT FROM`, which no index serves, so the look-up goes by
/// object and second.
pub(crate) async fn note_ties(
    schema: &Schema,
    conn: &mut sqlx::PgConnection,
    events: &[&str],
) -> Result<Vec<Refetch>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let noted: Vec<(String, String)> = sqlx::query_as(
        &schema.sql("INSERT INTO stripe_sync.refetches AS r (account_id, object, id, second)
         SELECT DISTINCT e.account_id, e.object_type, e.object_id, e.created
           FROM stripe_sync.events e
          WHERE e.id = ANY($1::text[]) AND e.object_type IS NOT NULL AND e.object_id IS NOT NULL
            AND e.account_id <> ''
            AND EXISTS (SELECT 1 FROM stripe_sync.events s
                         WHERE s.object_id = e.object_id AND s.created = e.created
                           AND s.account_id IS NOT DISTINCT FROM e.account_id AND s.id <> e.id
                           AND s.outcome NOT IN ('failed', 'unattributed'))
         ON CONFLICT (account_id, object, id)
         DO UPDATE SET second = GREATEST(r.second, EXCLUDED.second), noted_at = clock_timestamp(), error = NULL
         RETURNING object, id"),
    )
    .persistent(false)
    .bind(events)
    .fetch_all(&mut *conn)
    .await?;
    Ok(noted
        .into_iter()
        .map(|(object, id)| Refetch { object, id })
        .collect())
}

type Noted = (String, String, DateTime<Utc>, DateTime<Utc>);

/// What [`complete`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Completed {
    /// Objects read and written.
    pub read: u64,
    /// Objects whose read failed (their note keeps the error).
    pub failed: u64,
}

/// Reads again `account`'s noted objects (only `only`'s when given), each
/// once Stripe's clock is two seconds past the second its events share
/// (waiting for that, a couple of seconds at most). A failure is kept in
/// the note's `error` and tried again next time.
pub(crate) async fn complete(
    inner: &Context,
    account: &str,
    only: Option<&[Refetch]>,
) -> Result<Completed> {
    let schema = &inner.config.schema;
    let noted: Vec<Noted> = sqlx::query_as(&schema.sql(
        "SELECT object, id, second, noted_at FROM stripe_sync.refetches
          WHERE account_id = $1 ORDER BY second, id",
    ))
    .bind(account)
    .fetch_all(&inner.pool)
    .await?;
    let mut done = Completed::default();
    for (object, id, second, noted_at) in noted {
        if only.is_some_and(|o| !o.iter().any(|r| r.object == object && r.id == id)) {
            continue;
        }
        // Stripe's clock past the second and the next: the read is dated
        // (fetch version: the previous second) after every event of it.
        let wait = second.timestamp() + 2 - (Utc::now().timestamp() + inner.client.skew_secs());
        if wait > 0 {
            tokio::time::sleep(std::time::Duration::from_secs(wait.min(3) as u64)).await;
        }
        // An object that cannot be read by id, or that is gone (its delete
        // event decides), is left to its events.
        let result = match stripe_sync_generated::resource(&object)
            .filter(|r| objects::retrieve_path(r, &id).is_some())
        {
            Some(res) => match fetch_and_write(inner, res, &id, account).await {
                Err(Error::Stripe(e)) if e.is_not_found() => Ok(()),
                r => r.map(|_| ()),
            },
            None => Ok(()),
        };
        let mut tx = inner
            .begin_write(store::Commit::Durable, store::ChangeSource::CatchUp)
            .await?;
        match &result {
            Ok(()) => {
                done.read += 1;
                sqlx::query(&schema.sql(
                    "DELETE FROM stripe_sync.refetches
                      WHERE account_id = $1 AND object = $2 AND id = $3 AND noted_at = $4",
                ))
                .bind(account)
                .bind(&object)
                .bind(&id)
                .bind(noted_at)
                .execute(&mut *tx)
                .await?;
            }
            Err(e) => {
                done.failed += 1;
                tracing::warn!(account, object = %object, id = %id, error = %e, "an object whose events share a second was not read again");
                sqlx::query(&schema.sql(
                    "UPDATE stripe_sync.refetches SET error = $4
                      WHERE account_id = $1 AND object = $2 AND id = $3",
                ))
                .bind(account)
                .bind(&object)
                .bind(&id)
                .bind(format!(
                    "reading it again failed: {e}; `stripe-sync sync` tries again"
                ))
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
    }
    Ok(done)
}

/// What [`fetch_and_write`] wrote.
pub(crate) struct Fetched {
    /// The object's resource (from the payload: an id prefix can be shared).
    pub resource: &'static Resource,
    /// Whether a row was written (false: unchanged).
    pub written: bool,
    /// Whether Stripe says the object is deleted (it was soft-deleted).
    pub deleted: bool,
}

/// Fetches one object by id and writes it with its embedded lists' items
/// (a truncated list is noted for [`truncated::complete`]), or soft-deletes
/// it when Stripe says it is deleted. A 404 is an error.
pub(crate) async fn fetch_and_write(
    inner: &Context,
    res: &'static Resource,
    id: &str,
    account: &str,
) -> Result<Fetched> {
    let schema = &inner.config.schema;
    let path = objects::retrieve_path(res, id).ok_or_else(|| {
        Error::Unsupported(format!("{} objects cannot be fetched by id", res.object))
    })?;
    let version = inner.client.fetch_version();
    let body = inner.client.get(&path, &[]).await?;
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| Error::InvalidPayload(format!("{path}: not UTF-8")))?;
    let head = objects::head(&text).map_err(|e| Error::InvalidPayload(format!("{path}: {e}")))?;
    if head.id.as_deref() != Some(id) {
        return Err(Error::InvalidPayload(format!(
            "{path} returned another object"
        )));
    }
    let deleted = head.deleted;
    // The id prefix can be shared (e.g. prices and plans): trust the payload.
    let res = head
        .object
        .as_deref()
        .and_then(stripe_sync_generated::resource)
        .unwrap_or(res);
    let mut children = Vec::new();
    let mut lists = Vec::new();
    if !deleted {
        for emb in objects::embedded_lists(res, &text) {
            if !super::will_expand(inner, &emb) {
                lists.extend(Truncated::of(res, id, &emb));
            }
            children.extend(super::expand_list(inner, emb, id).await?);
        }
    }
    let mut tx = inner
        .begin_write(store::Commit::Durable, store::ChangeSource::CatchUp)
        .await?;
    for c in &children {
        store::write_children(schema, &mut tx, c, account, version, true).await?;
    }
    truncated::note(schema, &mut tx, account, &lists).await?;
    let n = if deleted {
        store::delete_objects(schema, &mut *tx, res, &[text.as_str()], account, version).await?
    } else {
        store::upsert_objects(schema, &mut *tx, res, &[text.as_str()], account, version).await?
    };
    tx.commit().await?;
    if !lists.is_empty() {
        truncated::complete(inner, account, Some(&lists)).await?;
    }
    Ok(Fetched {
        resource: res,
        written: n > 0,
        deleted,
    })
}
