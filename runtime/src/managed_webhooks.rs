//! Managed webhook endpoints: one Stripe endpoint per (account, URL, kind),
//! the kind being the account's own events or, for a Connect platform, its
//! connected accounts' events (`connect=true`); each with
//! the pinned API version ([`crate::Config::api_version`]), every event type
//! of that version, and metadata marking it
//! as managed. Its signing secret is stored in
//! `_managed_webhooks` (Stripe only reveals it at creation) and is the
//! fallback secret for verifying webhooks.

use std::fmt;

use serde_json::Value;
use sqlx::Row;
use stripe_sync_generated::{event_types_of, API_VERSION};

use crate::context::Context;
use crate::error::{Error, Result};
use crate::store;

/// The metadata key and value marking an endpoint as created by this library.
pub const MANAGED_BY: (&str, &str) = ("managed_by", "stripe-sync");

/// A webhook endpoint this library manages.
#[derive(Clone, PartialEq, Eq)]
pub struct ManagedWebhook {
    /// The endpoint id (`we_…`).
    pub id: String,
    /// The account it belongs to.
    pub account_id: String,
    /// The URL Stripe delivers to.
    pub url: String,
    /// The signing secret (`whsec_…`). Redacted from `Debug`.
    pub secret: String,
    /// The API version events are rendered in.
    pub api_version: String,
    /// The event types delivered.
    pub enabled_events: Vec<String>,
    /// `enabled` or `disabled`.
    pub status: String,
    /// Whether it receives the connected accounts' events (`connect=true`)
    /// rather than the account's own.
    pub connect: bool,
}

impl fmt::Debug for ManagedWebhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManagedWebhook")
            .field("id", &self.id)
            .field("account_id", &self.account_id)
            .field("url", &self.url)
            .field("secret", &"<redacted>")
            .field("api_version", &self.api_version)
            .field("enabled_events", &self.enabled_events.len())
            .field("status", &self.status)
            .field("connect", &self.connect)
            .finish()
    }
}

/// The event types a managed endpoint of the newest API version subscribes
/// to: every type it lists.
pub fn routed_event_types() -> Vec<&'static str> {
    routed_event_types_of(API_VERSION).unwrap_or_default()
}

/// The event types a managed endpoint pinned to API `version` subscribes to:
/// every type that version lists (never one it does not know, which Stripe
/// would refuse). Each is routed: to its object's table, as a summary
/// (`entitlements.active_entitlement_summary.updated`, whose object has no
/// table of its own), or, with no table, recorded in the `_events` ledger.
/// `None` for a version this build was not generated from.
pub fn routed_event_types_of(version: &str) -> Option<Vec<&'static str>> {
    Some(event_types_of(version)?.to_vec())
}

fn from_row(r: &sqlx::postgres::PgRow) -> Result<ManagedWebhook> {
    Ok(ManagedWebhook {
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        url: r.try_get("url")?,
        secret: r.try_get("secret")?,
        api_version: r.try_get("api_version")?,
        enabled_events: r.try_get("enabled_events")?,
        status: r.try_get("status")?,
        connect: r.try_get("connect")?,
    })
}

const COLUMNS: &str = "id, account_id, url, secret, api_version, enabled_events, status, connect";

/// Finds the enabled managed endpoint for `url` of this kind (`connect`:
/// the connected accounts' events), or creates one. Concurrent callers (in
/// any process) serialise on an advisory lock, so only one endpoint is
/// created.
pub(crate) async fn find_or_create(
    inner: &Context,
    url: &str,
    connect: bool,
) -> Result<ManagedWebhook> {
    let schema = &inner.config.schema;
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(Error::Config(format!(
            "webhook URL must be http(s): {url:?}"
        )));
    }
    let version = inner.config.pinned_api_version().map_err(Error::Config)?;
    let account = inner.account_id().await?;
    let _lock = store::advisory_lock(
        schema,
        &inner.pool,
        &format!("stripe-sync:webhook:{account}:{url}"),
    )
    .await?;
    let existing = sqlx::query(&schema.sql(&format!(
        "SELECT {COLUMNS} FROM stripe_sync.managed_webhooks WHERE account_id = $1 AND url = $2 AND connect = $3"
    )))
    .bind(&account)
    .bind(url)
    .bind(connect)
    .fetch_optional(&inner.pool)
    .await?;
    if let Some(row) = existing {
        let stored = from_row(&row)?;
        match inner
            .client
            .get_json(&format!("/v1/webhook_endpoints/{}", stored.id), &[])
            .await
        {
            // An endpoint of another pinned version renders events in that
            // version and subscribes to its event types: replaced too.
            Ok(remote)
                if remote.get("status").and_then(Value::as_str) == Some("enabled")
                    && remote.get("url").and_then(Value::as_str) == Some(url)
                    && stored.api_version == version =>
            {
                tracing::debug!(endpoint = %stored.id, "reusing managed webhook");
                return Ok(stored);
            }
            Ok(_) => {
                tracing::info!(endpoint = %stored.id, api_version = %stored.api_version, pinned = %version, "managed webhook disabled, changed or of another API version; replacing it");
                if let Err(e) = inner
                    .client
                    .delete_json(&format!("/v1/webhook_endpoints/{}", stored.id))
                    .await
                {
                    if !e.is_not_found() {
                        return Err(e.into());
                    }
                }
            }
            Err(e) if e.is_not_found() => {
                tracing::info!(endpoint = %stored.id, "managed webhook gone from Stripe; recreating it");
            }
            Err(e) => return Err(e.into()),
        }
        sqlx::query(&schema.sql("DELETE FROM stripe_sync.managed_webhooks WHERE id = $1"))
            .bind(&stored.id)
            .execute(&inner.pool)
            .await?;
    }
    // Endpoints we made for this URL whose secret we no longer have are useless.
    delete_orphans(inner, url).await?;

    let events = routed_event_types_of(version).unwrap_or_default();
    let mut form: Vec<(String, String)> = vec![
        ("url".into(), url.to_string()),
        ("api_version".into(), version.to_string()),
        (
            format!("metadata[{}]", MANAGED_BY.0),
            MANAGED_BY.1.to_string(),
        ),
        ("description".into(), "stripe-sync managed webhook".into()),
    ];
    if connect {
        form.push(("connect".into(), "true".into()));
    }
    for (i, e) in events.iter().enumerate() {
        form.push((format!("enabled_events[{i}]"), e.to_string()));
    }
    let created = inner
        .client
        .post_json("/v1/webhook_endpoints", &form)
        .await?;
    let id = created
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::InvalidPayload("created webhook endpoint has no id".into()))?
        .to_string();
    let secret = created
        .get("secret")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::InvalidPayload("created webhook endpoint has no secret".into()))?
        .to_string();
    let status = created
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("enabled")
        .to_string();
    let row = sqlx::query(&schema.sql(&format!(
        "INSERT INTO stripe_sync.managed_webhooks (id, account_id, url, secret, api_version, enabled_events, status, connect)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
    )))
    .bind(&id)
    .bind(&account)
    .bind(url)
    .bind(&secret)
    .bind(version)
    .bind(events.iter().map(|e| e.to_string()).collect::<Vec<_>>())
    .bind(&status)
    .bind(connect)
    .fetch_one(&inner.pool)
    .await?;
    tracing::info!(endpoint = %id, connect, "created managed webhook");
    from_row(&row)
}

async fn delete_orphans(inner: &Context, url: &str) -> Result<()> {
    let schema = &inner.config.schema;
    // The other kind's endpoint for this URL is ours and known: kept.
    let known: Vec<String> =
        sqlx::query_scalar(&schema.sql("SELECT id FROM stripe_sync.managed_webhooks"))
            .fetch_all(&inner.pool)
            .await?;
    let mut after: Option<String> = None;
    loop {
        let mut q = vec![("limit".to_string(), "100".to_string())];
        if let Some(a) = &after {
            q.push(("starting_after".into(), a.clone()));
        }
        let page = inner.client.get_json("/v1/webhook_endpoints", &q).await?;
        let data = page
            .get("data")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for ep in &data {
            let ours = ep
                .pointer(&format!("/metadata/{}", MANAGED_BY.0))
                .and_then(Value::as_str)
                == Some(MANAGED_BY.1);
            if ours && ep.get("url").and_then(Value::as_str) == Some(url) {
                if let Some(id) = ep
                    .get("id")
                    .and_then(Value::as_str)
                    .filter(|id| !known.iter().any(|k| k == id))
                {
                    tracing::info!(endpoint = %id, "deleting a managed webhook whose secret is unknown");
                    if let Err(e) = inner
                        .client
                        .delete_json(&format!("/v1/webhook_endpoints/{id}"))
                        .await
                    {
                        if !e.is_not_found() {
                            return Err(e.into());
                        }
                    }
                }
            }
        }
        let more = page
            .get("has_more")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        match data
            .last()
            .and_then(|e| e.get("id"))
            .and_then(Value::as_str)
        {
            Some(last) if more => after = Some(last.to_string()),
            _ => return Ok(()),
        }
    }
}

/// The managed endpoints stored for the account.
pub(crate) async fn list(inner: &Context) -> Result<Vec<ManagedWebhook>> {
    let schema = &inner.config.schema;
    let account = inner.account_id().await?;
    let rows = sqlx::query(&schema.sql(&format!(
        "SELECT {COLUMNS} FROM stripe_sync.managed_webhooks WHERE account_id = $1 ORDER BY created_at, id"
    )))
    .bind(&account)
    .fetch_all(&inner.pool)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Deletes a managed endpoint on Stripe (already gone is fine) and its row.
pub(crate) async fn delete(inner: &Context, id: &str) -> Result<()> {
    let schema = &inner.config.schema;
    if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Error::Unsupported(format!(
            "not a webhook endpoint id: {id:?}"
        )));
    }
    match inner
        .client
        .delete_json(&format!("/v1/webhook_endpoints/{id}"))
        .await
    {
        Ok(_) => {}
        Err(e) if e.is_not_found() => {}
        Err(e) => return Err(e.into()),
    }
    sqlx::query(&schema.sql("DELETE FROM stripe_sync.managed_webhooks WHERE id = $1"))
        .bind(id)
        .execute(&inner.pool)
        .await?;
    Ok(())
}

/// Every stored enabled secret, for verifying webhooks without a configured
/// one, with the account whose own endpoint it signs for (`None` for a
/// Connect endpoint: its events name their account).
pub(crate) async fn secrets(inner: &Context) -> Result<Vec<(String, Option<String>)>> {
    let schema = &inner.config.schema;
    Ok(sqlx::query_as(&schema.sql(
        "SELECT secret, CASE WHEN connect THEN NULL ELSE account_id END
           FROM stripe_sync.managed_webhooks WHERE status = 'enabled'",
    ))
    .fetch_all(&inner.pool)
    .await?)
}
