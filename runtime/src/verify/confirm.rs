//! Confirming a difference before it counts, and repairing it.
//!
//! A list is a moment ago: a webhook may land between the page and the
//! comparison, and an object may be created or deleted meanwhile. So every
//! candidate is read again, at least [`SETTLE`] after its page, with a
//! retrieve (a child through its parent's list), and the mirror's row read
//! after that retrieve: only what still differs counts.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use stripe_sync_generated::Resource;

use crate::context::Context;
use crate::error::{Error, Result};
use crate::objects;
use crate::quarantine;
use crate::store::{self, table_ident};

use super::compare::{differs, Stored};
use super::DifferenceKind;

/// How long after its page a candidate is read again: time for a webhook
/// in flight to land.
pub const SETTLE: Duration = Duration::from_secs(2);

/// Stripe's object now.
#[derive(Clone, Debug)]
pub enum Current {
    /// It exists: its JSON as the engine stores it.
    Live(String),
    /// Stripe answers 404 or `deleted: true`.
    Gone,
}

/// How a candidate is read again.
#[derive(Clone, Copy, Debug)]
pub enum Reread<'a> {
    /// Its own retrieve.
    Retrieve,
    /// Through the parent's embedded list (`field`), with `expand[]` when
    /// Stripe includes the list only on request.
    Parent {
        /// The parent's type.
        parent: &'static Resource,
        /// The parent's id.
        parent_id: &'a str,
        /// The parent's property holding the list.
        field: &'static str,
    },
}

/// Reads `res` `id` from Stripe now (one request).
pub async fn current(
    inner: &Context,
    res: &Resource,
    id: &str,
    how: Reread<'_>,
) -> Result<Current> {
    match how {
        Reread::Retrieve => {
            let Some(path) = objects::retrieve_path(res, id) else {
                return Err(Error::Unsupported(format!(
                    "{} {id:?} has no retrieve path",
                    res.object
                )));
            };
            retrieve(inner, &path, &[]).await
        }
        Reread::Parent {
            parent,
            parent_id,
            field,
        } => {
            let Some(path) = objects::retrieve_path(parent, parent_id) else {
                return Err(Error::Unsupported(format!(
                    "{} {parent_id:?} has no retrieve path",
                    parent.object
                )));
            };
            let includable = parent
                .embedded_lists
                .iter()
                .any(|e| e.field == field && e.includable);
            let expand: Vec<(String, String)> = if includable {
                vec![("expand[]".into(), field.to_string())]
            } else {
                Vec::new()
            };
            let Current::Live(text) = retrieve(inner, &path, &expand).await? else {
                return Ok(Current::Gone);
            };
            let item = objects::embedded_lists(parent, &text)
                .into_iter()
                .filter(|e| e.field() == field)
                .flat_map(|e| e.items)
                .find(|t| objects::head(t).ok().and_then(|h| h.id).as_deref() == Some(id));
            Ok(item.map_or(Current::Gone, Current::Live))
        }
    }
}

async fn retrieve(inner: &Context, path: &str, query: &[(String, String)]) -> Result<Current> {
    match inner.client.get(path, query).await {
        Ok(body) => {
            let v: Value = serde_json::from_slice(&body)
                .map_err(|e| Error::InvalidPayload(format!("GET {path}: {e}")))?;
            if v.get("deleted").and_then(Value::as_bool) == Some(true) {
                return Ok(Current::Gone);
            }
            Ok(Current::Live(String::from_utf8_lossy(&body).into_owned()))
        }
        Err(e) if e.is_not_found() => Ok(Current::Gone),
        Err(e) => Err(e.into()),
    }
}

/// What differs between Stripe now and the mirror's row now, if anything.
pub fn judge(
    res: &Resource,
    now: &Current,
    stored: Option<&Stored>,
) -> Result<Option<(DifferenceKind, String)>> {
    Ok(match (now, stored) {
        (Current::Gone, Some(s)) if !s.deleted => Some((
            DifferenceKind::Extra,
            "live in the mirror, gone at Stripe".into(),
        )),
        (Current::Gone, _) => None,
        (Current::Live(_), None) => Some((DifferenceKind::Missing, "no row".into())),
        (Current::Live(_), Some(s)) if s.deleted => Some((
            DifferenceKind::Missing,
            "soft-deleted in the mirror, live at Stripe".into(),
        )),
        (Current::Live(text), Some(s)) => {
            let v: Value =
                serde_json::from_str(text).map_err(|e| Error::InvalidPayload(e.to_string()))?;
            differs(res, &v, &s.raw).map(|d| (DifferenceKind::Stale, d))
        }
    })
}

/// Writes Stripe's state over a difference, under the usual version rule
/// (the write is dated by Stripe's clock a second ago, and a row holding a
/// newer version is left alone); returns the version written, or `None`
/// when the row was newer. A missing row soft-deleted in the mirror is
/// undeleted first (Stripe never brings a deleted object back, so the
/// mirror's delete was wrong); a confirmed extra is soft-deleted.
pub async fn repair(
    inner: &Context,
    account: &str,
    res: &'static Resource,
    id: &str,
    kind: DifferenceKind,
    now: &Current,
    stored: Option<&Stored>,
) -> Result<Option<DateTime<Utc>>> {
    let schema = &inner.config.schema;
    let version = inner.client.fetch_version();
    let mut tx = inner
        .begin_write(store::Commit::Durable, store::ChangeSource::Repair)
        .await?;
    let written = match (kind, now) {
        (DifferenceKind::Extra, _) => {
            let raw = stored
                .map(|s| s.raw.to_string())
                .unwrap_or_else(|| serde_json::json!({"id": id, "object": res.object}).to_string());
            store::delete_objects(schema, &mut *tx, res, &[raw], account, version).await?
        }
        (_, Current::Live(text)) => {
            if stored.is_some_and(|s| s.deleted) {
                sqlx::query(&format!(
                    "UPDATE {} SET _deleted_at = NULL WHERE id = $1 AND _account_id = $2",
                    table_ident(schema, res)
                ))
                .bind(id)
                .bind(account)
                .execute(&mut *tx)
                .await?;
            }
            quarantine::upsert_rows(schema, &mut tx, res, &[text.as_str()], account, &[version])
                .await?
                .0
        }
        (_, Current::Gone) => 0,
    };
    tx.commit().await?;
    Ok((written > 0).then_some(version))
}
