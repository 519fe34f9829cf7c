//! Comparing what Stripe lists with what the mirror holds: the mirror's
//! rows of a window (or of some ids), and whether a stored object differs
//! from Stripe's.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;
use stripe_sync_generated::Resource;

use crate::error::Result;
use crate::schema::Schema;
use crate::store::table_ident;

use super::windows::Window;

/// A mirrored row, as far as verify reads it.
#[derive(Clone, Debug)]
pub struct Stored {
    /// `_raw_data`.
    pub raw: Value,
    /// Soft-deleted.
    pub deleted: bool,
    /// `_updated_at`: the version of what it holds.
    pub version: DateTime<Utc>,
}

type StoredRow = (String, Value, bool, DateTime<Utc>);

fn by_id(rows: Vec<StoredRow>) -> HashMap<String, Stored> {
    rows.into_iter()
        .map(|(id, raw, deleted, version)| {
            (
                id,
                Stored {
                    raw,
                    deleted,
                    version,
                },
            )
        })
        .collect()
}

/// The account's rows (soft-deleted ones too) created in the window.
pub async fn stored_window(
    schema: &Schema,
    pool: &PgPool,
    account: &str,
    w: &Window,
) -> Result<HashMap<String, Stored>> {
    let table = table_ident(schema, w.res);
    let select = format!(
        "SELECT id, _raw_data, _deleted_at IS NOT NULL, _updated_at FROM {table} WHERE _account_id = $1"
    );
    // A window without bounds is the whole list (tables without `created`
    // included).
    let rows: Vec<StoredRow> = if w.gte.is_none() && w.lt.is_none() {
        sqlx::query_as(&select)
            .bind(account)
            .fetch_all(pool)
            .await?
    } else {
        sqlx::query_as(&format!(
            "{select} AND ($2::bigint IS NULL OR created >= to_timestamp($2))
                      AND ($3::bigint IS NULL OR created < to_timestamp($3))"
        ))
        .bind(account)
        .bind(w.gte)
        .bind(w.lt)
        .fetch_all(pool)
        .await?
    };
    Ok(by_id(rows))
}

/// The account's rows of `res` with these ids.
pub async fn stored_ids(
    schema: &Schema,
    pool: &PgPool,
    account: &str,
    res: &Resource,
    ids: &[String],
) -> Result<HashMap<String, Stored>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let table = table_ident(schema, res);
    let rows: Vec<StoredRow> = sqlx::query_as(&format!(
        "SELECT id, _raw_data, _deleted_at IS NOT NULL, _updated_at FROM {table}
          WHERE _account_id = $1 AND id = ANY($2)"
    ))
    .bind(account)
    .bind(ids)
    .fetch_all(pool)
    .await?;
    Ok(by_id(rows))
}

/// Where the stored object differs from Stripe's, or `None`: every property
/// Stripe sent is compared, except the lists Stripe includes only on
/// request (`customer.tax_ids`), which a webhook's object lacks and whose
/// items have tables of their own. What Stripe left out is not compared.
/// Both sides are as the engine stores them (see [`crate::storable`]).
pub fn differs(res: &Resource, stripe: &Value, stored: &Value) -> Option<String> {
    let Some(fields) = stripe.as_object() else {
        return Some("Stripe's object is not an object".into());
    };
    let on_request = |k: &str| {
        res.embedded_lists
            .iter()
            .any(|e| e.includable && e.field.split('.').next() == Some(k))
    };
    let mut keys: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| !on_request(k))
        .filter(|(k, v)| stored.get(k.as_str()) != Some(*v))
        .map(|(k, _)| k.as_str())
        .collect();
    if keys.is_empty() {
        return None;
    }
    keys.sort_unstable();
    let more = keys.len().saturating_sub(5);
    keys.truncate(5);
    let mut detail = format!("differs in {}", keys.join(", "));
    if more > 0 {
        detail.push_str(&format!(" and {more} more"));
    }
    Some(detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_what_stripe_sent_is_compared_and_lists_on_request_are_not() {
        let customer = stripe_sync_generated::resource("customer").expect("customer");
        let stored = json!({"id": "cus_1", "email": "a@x", "name": "A", "_extra": 1});
        let listed = json!({"id": "cus_1", "email": "a@x", "name": "A",
                            "tax_ids": {"object": "list", "data": []}});
        assert_eq!(differs(customer, &listed, &stored), None);
        let changed = json!({"id": "cus_1", "email": "b@x", "name": "B"});
        assert_eq!(
            differs(customer, &changed, &stored).as_deref(),
            Some("differs in email, name")
        );
        let added = json!({"id": "cus_1", "phone": null});
        assert_eq!(
            differs(customer, &added, &stored).as_deref(),
            Some("differs in phone")
        );
    }
}
