//! `stripe-sync quarantine retry`: writes what [`crate::quarantine`] set
//! aside again, through the path it came from, once its cause is fixed.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::quarantine::upsert_rows;

/// What [`retry`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RetryReport {
    /// Written now (and marked resolved).
    pub written: u64,
    /// Refused again (still quarantined, one more attempt counted).
    pub still_quarantined: u64,
}

/// One quarantined body, as [`retry`] reads it.
#[derive(sqlx::FromRow)]
struct Held {
    id: i64,
    kind: String,
    source: String,
    account_id: String,
    object_type: Option<String>,
    event_id: Option<String>,
    body: String,
}

/// Writes every quarantined body again, through the path it came from: an
/// event is applied as an event (its `quarantined` ledger row is let go
/// first), an object is upserted into its table. What succeeds is marked
/// resolved; what is refused again stays, with one more attempt.
pub(crate) async fn retry(inner: &crate::context::Context) -> Result<RetryReport> {
    let schema = &inner.config.schema;
    let rows: Vec<Held> = sqlx::query_as(&schema.sql(
        "SELECT id, kind, source, account_id, object_type, event_id, body
           FROM stripe_sync.quarantine WHERE resolved_at IS NULL ORDER BY id",
    ))
    .fetch_all(&inner.pool)
    .await?;
    let mut report = RetryReport::default();
    for Held {
        id,
        kind,
        source,
        account_id: account,
        object_type,
        event_id,
        body,
    } in rows
    {
        let outcome: Result<()> = if kind == "event" {
            if let Some(ev) = &event_id {
                sqlx::query(&schema.sql(
                    "DELETE FROM stripe_sync.events WHERE id = $1 AND outcome = 'quarantined'",
                ))
                .bind(ev)
                .execute(&inner.pool)
                .await?;
            }
            crate::events::apply_event(inner, &body, &source)
                .await
                .map(|r| r.outcome)
                .and_then(|o| {
                    if o == crate::EventOutcome::Quarantined {
                        Err(Error::Unsupported("refused again".into()))
                    } else {
                        Ok(())
                    }
                })
        } else {
            match object_type
                .as_deref()
                .and_then(stripe_sync_generated::resource)
            {
                Some(res) => {
                    let mut tx = inner.pool.begin().await?;
                    let (_, q) = upsert_rows(
                        schema,
                        &mut tx,
                        res,
                        &[body.as_str()],
                        &account,
                        &[inner.client.fetch_version()],
                    )
                    .await?;
                    tx.commit().await?;
                    if q == 0 {
                        Ok(())
                    } else {
                        Err(Error::Unsupported("refused again".into()))
                    }
                }
                None => Err(Error::Unsupported(format!(
                    "no table for object type {object_type:?}"
                ))),
            }
        };
        match outcome {
            Ok(()) => {
                sqlx::query(
                    &schema
                        .sql("UPDATE stripe_sync.quarantine SET resolved_at = now() WHERE id = $1"),
                )
                .bind(id)
                .execute(&inner.pool)
                .await?;
                report.written += 1;
            }
            Err(e) => {
                tracing::warn!(quarantine_id = id, error = %e, "still quarantined");
                report.still_quarantined += 1;
            }
        }
    }
    Ok(report)
}
