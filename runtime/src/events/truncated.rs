//! Embedded lists an event showed truncated, and listing their rest.
//!
//! An object's embedded list holds its first items only (ten of a
//! subscription's `items`) and says `has_more: true`. Unless
//! `auto_expand_lists` fetches the rest while the event is planned, the
//! event writes what it holds and notes the list in
//! `stripe_sync.truncated_lists` (the SQL path does the same in
//! `stripe_sync._apply_object`). [`complete`] lists the rest of every noted
//! list from its URL: the events catch-up runs it after applying, and
//! `serve` after committing a webhook that noted one. Listing from the API
//! is the current state, so one listing settles every earlier event.

use chrono::{DateTime, Utc};
use stripe_sync_generated::{resource, Resource};

use crate::context::Context;
use crate::error::Result;
use crate::objects::EmbeddedItems;
use crate::schema::Schema;
use crate::store;

/// One truncated list: the parent and the property.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Truncated {
    /// The parent's object, e.g. `subscription`.
    pub parent_object: &'static str,
    /// The parent's id.
    pub parent_id: String,
    /// The property, e.g. `items`.
    pub field: &'static str,
    /// The list's URL path, to list the rest from.
    pub url: String,
}

impl Truncated {
    /// The note for `emb`, an embedded list of `parent` `parent_id`, when
    /// the API left items out and gave a `/v1/` URL for the rest.
    pub(crate) fn of(parent: &Resource, parent_id: &str, emb: &EmbeddedItems) -> Option<Self> {
        Some(Truncated {
            parent_object: parent.object,
            parent_id: parent_id.to_string(),
            field: emb.field(),
            url: emb.rest_url()?.to_string(),
        })
        .filter(|_| emb.has_more)
    }
}

/// Notes `lists` of `account` (a newer note of the same list replaces the
/// older one, whose listing then keeps it).
pub(crate) async fn note(
    schema: &Schema,
    conn: &mut sqlx::PgConnection,
    account: &str,
    lists: &[Truncated],
) -> Result<()> {
    for t in lists {
        sqlx::query(
            &schema.sql("INSERT INTO stripe_sync.truncated_lists AS t (account_id, parent_object, parent_id, field, url)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (account_id, parent_object, parent_id, field)
             DO UPDATE SET url = EXCLUDED.url, noted_at = clock_timestamp(), error = NULL"),
        )
        .bind(account)
        .bind(t.parent_object)
        .bind(&t.parent_id)
        .bind(t.field)
        .bind(&t.url)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// What [`complete`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Completed {
    /// Lists listed and written.
    pub listed: u64,
    /// Lists whose listing failed (their note keeps the error).
    pub failed: u64,
}

type Noted = (String, String, String, String, DateTime<Utc>);

/// Lists the rest of `account`'s noted lists (only `only`'s, when given),
/// oldest note first. A failure is kept in the note's `error` and tried
/// again next time; it does not stop the others.
pub(crate) async fn complete(
    inner: &Context,
    account: &str,
    only: Option<&[Truncated]>,
) -> Result<Completed> {
    let schema = &inner.config.schema;
    let noted: Vec<Noted> = sqlx::query_as(&schema.sql(
        "SELECT parent_object, parent_id, field, url, noted_at FROM stripe_sync.truncated_lists
          WHERE account_id = $1 ORDER BY noted_at, parent_id",
    ))
    .bind(account)
    .fetch_all(&inner.pool)
    .await?;
    let mut done = Completed::default();
    for (parent_object, parent_id, field, url, noted_at) in noted {
        if only.is_some_and(|o| {
            !o.iter().any(|t| {
                t.parent_object == parent_object && t.parent_id == parent_id && t.field == field
            })
        }) {
            continue;
        }
        let key = [parent_object.as_str(), &parent_id, &field];
        match list_rest(inner, account, key, &url, noted_at).await {
            Ok(()) => done.listed += 1,
            Err(e) => {
                done.failed += 1;
                tracing::warn!(account, parent = %parent_id, field = %field, error = %e, "the rest of a truncated list was not listed");
                sqlx::query(
                    &schema.sql("UPDATE stripe_sync.truncated_lists SET error = $5
                      WHERE account_id = $1 AND parent_object = $2 AND parent_id = $3 AND field = $4"),
                )
                .bind(account)
                .bind(key[0])
                .bind(key[1])
                .bind(key[2])
                .bind(format!(
                    "listing {url} failed: {e}; `stripe-sync sync` tries again"
                ))
                .execute(&inner.pool)
                .await?;
            }
        }
    }
    Ok(done)
}

/// Lists one noted list from its start, writes its items as the parent's
/// complete list (the parent's items it no longer holds are soft-deleted),
/// and removes the note unless it was noted again meanwhile. A parent or
/// list the registry no longer knows only removes the note; one the API
/// no longer has (404) too.
async fn list_rest(
    inner: &Context,
    account: &str,
    [parent_object, parent_id, field]: [&str; 3],
    url: &str,
    noted_at: DateTime<Utc>,
) -> Result<()> {
    let schema = &inner.config.schema;
    let lists: Vec<_> = resource(parent_object)
        .map(|p| {
            p.embedded_lists
                .iter()
                .filter(|l| l.field == field)
                .collect()
        })
        .unwrap_or_default();
    let version = inner.client.fetch_version();
    let items = if lists.is_empty() || !url.starts_with("/v1/") {
        None
    } else {
        match crate::listing::list_all(&inner.client, url, Vec::new(), None).await {
            Ok(items) => Some(items),
            Err(crate::error::Error::Stripe(e)) if e.is_not_found() => None,
            Err(e) => return Err(e),
        }
    };
    let mut tx = inner
        .begin_write(store::Commit::Durable, store::ChangeSource::CatchUp)
        .await?;
    if let Some(items) = items {
        let emb = EmbeddedItems {
            lists,
            items,
            has_more: false,
            url: Some(url.to_string()),
        };
        for c in emb.into_children(parent_id, true) {
            store::write_children(schema, &mut tx, &c, account, version, true).await?;
        }
    }
    sqlx::query(
        &schema.sql("DELETE FROM stripe_sync.truncated_lists
          WHERE account_id = $1 AND parent_object = $2 AND parent_id = $3 AND field = $4 AND noted_at = $5"),
    )
    .bind(account)
    .bind(parent_object)
    .bind(parent_id)
    .bind(field)
    .bind(noted_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
