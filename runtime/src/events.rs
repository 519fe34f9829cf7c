//! Applying events (from webhooks or `/v1/events`) and the events catch-up.
//!
//! Every event is recorded in `_events`; a second delivery of the same id is
//! a no-op. Objects are written through the generated upserts with the
//! event's `created` as the fallback version, so an older event never
//! overwrites a newer state, and on a same-second tie the later arrival wins.

use std::collections::HashSet;

use chrono::{DateTime, TimeZone, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use stripe_sync_generated::{event_type, resource, Resource};

use crate::error::{Error, Result};
use crate::objects::{self, EmbeddedItems};
use crate::store;
use crate::sync::Inner;

/// What was done with one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventOutcome {
    /// The object was written (created, updated or soft-deleted).
    Applied,
    /// The object was already in this state.
    Unchanged,
    /// A newer version (or a deletion) is already stored; the event was ignored.
    Stale,
    /// The event's object has no table; recorded and acknowledged.
    NoTable,
    /// The event's object has no id (e.g. `invoice.upcoming`); recorded and acknowledged.
    NoId,
    /// The event was already processed; nothing was done.
    Duplicate,
}

impl EventOutcome {
    /// The value stored in `_events.outcome`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventOutcome::Applied => "applied",
            EventOutcome::Unchanged => "unchanged",
            EventOutcome::Stale => "stale",
            EventOutcome::NoTable => "no_table",
            EventOutcome::NoId => "no_id",
            EventOutcome::Duplicate => "duplicate",
        }
    }
}

/// The result of processing one event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventResult {
    /// The event id.
    pub event_id: String,
    /// The event type.
    pub event_type: String,
    /// `data.object.object`.
    pub object_type: Option<String>,
    /// `data.object.id`.
    pub object_id: Option<String>,
    /// What was done.
    pub outcome: EventOutcome,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    id: String,
    #[serde(rename = "type")]
    event_type: String,
    created: i64,
    #[serde(default)]
    api_version: Option<String>,
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    livemode: Option<bool>,
    #[serde(borrow)]
    data: Data<'a>,
}

#[derive(Deserialize)]
struct Data<'a> {
    #[serde(borrow)]
    object: &'a RawValue,
}

/// A planned write: everything fetched from the API before the transaction.
struct Plan {
    resource: &'static Resource,
    object_text: String,
    delete: bool,
    version: DateTime<Utc>,
    /// Embedded list items and related objects, written before the object.
    extra: Vec<(&'static Resource, Vec<String>, DateTime<Utc>)>,
}

fn ts(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_else(Utc::now)
}

/// Processes one event given as JSON text. `source` is `webhook` or `events`.
pub(crate) async fn apply_event(inner: &Inner, raw: &str, source: &str) -> Result<EventResult> {
    let env: Envelope<'_> = serde_json::from_str(raw)
        .map_err(|e| Error::InvalidPayload(format!("not a Stripe event: {e}")))?;
    let head = objects::head(env.data.object.get())
        .map_err(|e| Error::InvalidPayload(format!("event {}: data.object: {e}", env.id)))?;
    let mut result = EventResult {
        event_id: env.id.clone(),
        event_type: env.event_type.clone(),
        object_type: head.object.clone(),
        object_id: head.id.clone(),
        outcome: EventOutcome::Duplicate,
    };

    // Cheap duplicate check before any API call.
    let seen: Option<String> =
        sqlx::query_scalar("SELECT outcome FROM stripe._events WHERE id = $1")
            .bind(&env.id)
            .fetch_optional(&inner.pool)
            .await?;
    if seen.as_deref().is_some_and(|o| o != "failed") {
        tracing::debug!(event = %env.id, "duplicate event ignored");
        return Ok(result);
    }

    let account = match &env.account {
        Some(a) => a.clone(),
        None => inner.account_id().await?,
    };
    let version = ts(env.created);
    let routed = event_type(&env.event_type);
    let res = head.object.as_deref().and_then(resource).or_else(|| {
        routed
            .and_then(|e| e.table)
            .and_then(stripe_sync_generated::resource_by_table)
    });

    // Plan (API calls happen here, outside any transaction).
    let plan = match (res, &head.id) {
        (None, _) => Err(EventOutcome::NoTable),
        (Some(_), None) => Err(EventOutcome::NoId),
        (Some(res), Some(id)) => {
            let delete = head.deleted || routed.is_some_and(|e| e.is_delete);
            match plan_write(inner, res, id, env.data.object.get(), delete, version).await {
                Ok(p) => Ok(p),
                Err(e) => {
                    record_failure(inner, &env, &account, &head, source, raw, &e.to_string()).await;
                    return Err(e);
                }
            }
        }
    };

    let written = write_event(inner, &env, &account, &head, source, raw, plan).await;
    match written {
        Ok(outcome) => {
            result.outcome = outcome;
            tracing::debug!(event = %env.id, r#type = %env.event_type, outcome = outcome.as_str(), "event processed");
            Ok(result)
        }
        Err(e) => {
            record_failure(inner, &env, &account, &head, source, raw, &e.to_string()).await;
            Err(e)
        }
    }
}

async fn plan_write(
    inner: &Inner,
    res: &'static Resource,
    id: &str,
    object_text: &str,
    delete: bool,
    version: DateTime<Utc>,
) -> Result<Plan> {
    let cfg = &inner.config;
    let mut plan = Plan {
        resource: res,
        object_text: object_text.to_string(),
        delete,
        version,
        extra: Vec::new(),
    };
    if delete {
        return Ok(plan);
    }
    if cfg
        .revalidate_objects_via_stripe_api
        .iter()
        .any(|o| o == res.object)
    {
        if let Some(path) = objects::retrieve_path(res, id) {
            match inner.client.get(&path, &[]).await {
                Ok(body) => {
                    let text = String::from_utf8(body.to_vec())
                        .map_err(|_| Error::InvalidPayload(format!("{path}: not UTF-8")))?;
                    plan.delete = objects::head(&text).map(|h| h.deleted).unwrap_or(false);
                    plan.object_text = text;
                    plan.version = store::fetch_version().max(version);
                }
                Err(e) if e.is_not_found() => plan.delete = true,
                Err(e) => return Err(e.into()),
            }
            if plan.delete {
                return Ok(plan);
            }
        }
    }
    for emb in objects::embedded_lists(res, &plan.object_text) {
        let items = expand_list(inner, emb).await?;
        if !items.1.is_empty() {
            plan.extra.push((items.0, items.1, plan.version));
        }
    }
    if cfg.backfill_related_entities {
        let value: Value = serde_json::from_str(&plan.object_text)
            .map_err(|e| Error::InvalidPayload(format!("object {id}: {e}")))?;
        for (target, rid) in objects::references(res, &value) {
            if store::exists(&inner.pool, target, &rid).await? {
                continue;
            }
            let Some(path) = objects::retrieve_path(target, &rid) else {
                continue;
            };
            match inner.client.get(&path, &[]).await {
                Ok(body) => {
                    let text = String::from_utf8(body.to_vec())
                        .map_err(|_| Error::InvalidPayload(format!("{path}: not UTF-8")))?;
                    plan.extra
                        .push((target, vec![text], store::fetch_version()));
                }
                Err(e) if e.is_not_found() || e.is_permission_error() => {
                    tracing::warn!(object = %rid, error = %e, "related object not fetched");
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(plan)
}

/// The items of an embedded list, with the rest fetched from its URL when the
/// API left some out and `auto_expand_lists` is on.
pub(crate) async fn expand_list(
    inner: &Inner,
    emb: EmbeddedItems,
) -> Result<(&'static Resource, Vec<String>)> {
    let EmbeddedItems {
        resource: res,
        mut items,
        has_more,
        url,
    } = emb;
    if has_more && inner.config.auto_expand_lists {
        if let Some(url) = url.filter(|u| u.starts_with("/v1/")) {
            let mut last = items
                .last()
                .and_then(|t| objects::head(t).ok())
                .and_then(|h| h.id);
            loop {
                let mut q = vec![("limit".to_string(), "100".to_string())];
                if let Some(l) = &last {
                    q.push(("starting_after".into(), l.clone()));
                }
                let page = inner.client.list_page(&url, &q).await?;
                let n = page.items.len();
                for it in page.items {
                    items.push(it.get().to_owned());
                }
                last = items
                    .last()
                    .and_then(|t| objects::head(t).ok())
                    .and_then(|h| h.id);
                if !page.has_more || n == 0 || last.is_none() {
                    break;
                }
            }
        }
    }
    Ok((res, items))
}

async fn write_event(
    inner: &Inner,
    env: &Envelope<'_>,
    account: &str,
    head: &objects::Head,
    source: &str,
    raw: &str,
    plan: std::result::Result<Plan, EventOutcome>,
) -> Result<EventOutcome> {
    let mut tx = inner.pool.begin().await?;
    let fresh: Option<String> = sqlx::query_scalar(
        "INSERT INTO stripe._events (id, type, created, api_version, account_id, livemode, object_type, object_id, source, outcome, _raw_data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10::text::jsonb)
         ON CONFLICT (id) DO UPDATE SET received_at = now(), source = EXCLUDED.source, outcome = 'pending', reason = NULL
         WHERE stripe._events.outcome = 'failed'
         RETURNING id",
    )
    .bind(&env.id)
    .bind(&env.event_type)
    .bind(ts(env.created))
    .bind(&env.api_version)
    .bind(account)
    .bind(env.livemode)
    .bind(&head.object)
    .bind(&head.id)
    .bind(source)
    .bind(raw)
    .fetch_optional(&mut *tx)
    .await?;
    if fresh.is_none() {
        tx.rollback().await?;
        return Ok(EventOutcome::Duplicate);
    }
    let outcome = match plan {
        Err(o) => o,
        Ok(plan) => {
            for (res, items, v) in &plan.extra {
                store::upsert_objects(&mut *tx, res, items, account, *v).await?;
            }
            let objs = [plan.object_text.as_str()];
            let n = if plan.delete {
                store::delete_objects(&mut *tx, plan.resource, &objs, account, plan.version).await?
            } else {
                store::upsert_objects(&mut *tx, plan.resource, &objs, account, plan.version).await?
            };
            if n > 0 {
                EventOutcome::Applied
            } else {
                let id = head.id.as_deref().unwrap_or_default();
                match store::stored_version(&mut *tx, plan.resource, id).await? {
                    Some((_, Some(_))) if !plan.delete => EventOutcome::Stale,
                    Some((Some(u), None)) if u > plan.version => EventOutcome::Stale,
                    _ => EventOutcome::Unchanged,
                }
            }
        }
    };
    sqlx::query("UPDATE stripe._events SET outcome = $2, processed_at = now() WHERE id = $1")
        .bind(&env.id)
        .bind(outcome.as_str())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Records a failed event so a redelivery processes it again.
async fn record_failure(
    inner: &Inner,
    env: &Envelope<'_>,
    account: &str,
    head: &objects::Head,
    source: &str,
    raw: &str,
    reason: &str,
) {
    tracing::warn!(event = %env.id, r#type = %env.event_type, error = %reason, "event failed");
    let r = sqlx::query(
        "INSERT INTO stripe._events (id, type, created, api_version, account_id, livemode, object_type, object_id, source, outcome, reason, processed_at, _raw_data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'failed', $10, now(), $11::text::jsonb)
         ON CONFLICT (id) DO UPDATE SET outcome = 'failed', reason = EXCLUDED.reason, processed_at = now()
         WHERE stripe._events.outcome IN ('failed', 'pending')",
    )
    .bind(&env.id)
    .bind(&env.event_type)
    .bind(ts(env.created))
    .bind(&env.api_version)
    .bind(account)
    .bind(env.livemode)
    .bind(&head.object)
    .bind(&head.id)
    .bind(source)
    .bind(reason)
    .bind(raw)
    .execute(&inner.pool)
    .await;
    if let Err(e) = r {
        tracing::error!(event = %env.id, error = %e, "could not record the event failure");
    }
}

/// The result of an events catch-up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventsReport {
    /// The `_sync_runs` id.
    pub run_id: i64,
    /// Events listed (after dropping those already seen at the cursor).
    pub fetched: u64,
    /// Events whose object was written.
    pub applied: u64,
    /// Events that changed nothing (unchanged, stale, no table, no id, duplicate).
    pub ignored: u64,
    /// The cursor after the run: the `created` of the newest applied event.
    pub cursor_created: Option<i64>,
}

/// Stripe keeps events for 30 days.
pub const EVENT_RETENTION_SECS: i64 = 30 * 24 * 3600;

const CURSOR_RESOURCE: &str = "_events";

/// Catches up from `/v1/events`: applies, oldest first, every event newer
/// than the last one applied (paging toward newer events with
/// `ending_before`, one page in memory at a time), advancing the cursor as
/// it goes. With no event applied yet it starts at the last backfill's start
/// (`created`, skipping the ids already applied in that same second). A
/// cursor older than the retention is an error asking for a full backfill.
pub(crate) async fn sync_events(inner: &Inner) -> Result<EventsReport> {
    let account = inner.account_id().await?;
    let _lock = store::advisory_lock(&inner.pool, &format!("stripe-sync:events:{account}")).await?;
    let states = store::load_states(&inner.pool, &account, CURSOR_RESOURCE).await?;
    let cursor = states
        .iter()
        .find(|s| s.scope.is_empty())
        .map(|s| s.cursor.clone());
    let (mut since, mut seen): (i64, HashSet<String>) = match &cursor {
        Some(c) if c.get("created").and_then(Value::as_i64).is_some() => (
            c["created"].as_i64().unwrap_or_default(),
            c.get("ids")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
        ),
        _ => {
            let started: Option<DateTime<Utc>> = sqlx::query_scalar(
                "SELECT max(started_at) FROM stripe._sync_runs WHERE kind = 'backfill' AND account_id = $1",
            )
            .bind(&account)
            .fetch_one(&inner.pool)
            .await?;
            match started {
                Some(t) => (t.timestamp(), HashSet::new()),
                None => {
                    return Err(Error::FullBackfillNeeded(
                        "no events cursor and no backfill recorded for this account".into(),
                    ))
                }
            }
        }
    };
    let now = Utc::now().timestamp();
    if since < now - EVENT_RETENTION_SECS {
        return Err(Error::FullBackfillNeeded(format!(
            "the events cursor ({}) is older than Stripe's 30-day event retention",
            ts(since).to_rfc3339()
        )));
    }
    let run_id =
        store::start_run(&inner.pool, "events", &account, &json!({"since": since})).await?;
    let mut report = EventsReport {
        run_id,
        cursor_created: Some(since),
        ..Default::default()
    };

    // Walk toward newer events a page at a time: `ending_before` an applied
    // event gives the page of events just newer than it (newest first), so
    // each page is applied in reverse and memory holds one page at most.
    let mut last_id: Option<String> = cursor
        .as_ref()
        .and_then(|c| c.get("last_id"))
        .and_then(Value::as_str)
        .map(String::from);
    let mut requests = 0i64;
    let mut failure: Option<String> = None;
    let mut unsaved = 0u32;
    let mut pending: Vec<Box<RawValue>> = Vec::new();
    if last_id.is_none() {
        // No event applied yet: find the oldest event not yet applied at or
        // after `since`, walking the newest-first list and keeping only it.
        match oldest_unapplied(inner, since, &seen, &mut requests).await {
            Ok(Some(first)) => pending.push(first),
            Ok(None) => {}
            Err(e) => failure = Some(e.to_string()),
        }
    }
    let mut listing_error = failure.is_some();
    let mut done = listing_error;
    'pages: loop {
        for raw in pending.drain(..) {
            let h = match objects::head(raw.get()) {
                Ok(h) => h,
                Err(e) => {
                    failure = Some(format!("/v1/events item: {e}"));
                    listing_error = true;
                    break 'pages;
                }
            };
            let (Some(id), Some(created)) = (h.id, h.created) else {
                failure = Some("/v1/events item without id or created".into());
                listing_error = true;
                break 'pages;
            };
            report.fetched += 1;
            match apply_event(inner, raw.get(), "events").await {
                Ok(r) if r.outcome == EventOutcome::Applied => report.applied += 1,
                Ok(_) => report.ignored += 1,
                Err(e) => {
                    // The cursor stops before the failed event, which is
                    // retried next time.
                    failure = Some(format!("event {id}: {e}"));
                    break 'pages;
                }
            }
            if created != since {
                since = created;
                seen.clear();
            }
            seen.insert(id.clone());
            last_id = Some(id);
            report.cursor_created = Some(since);
            unsaved += 1;
            if unsaved >= 100 {
                unsaved = 0;
                save_cursor(inner, &account, since, &seen, last_id.as_deref(), run_id).await?;
            }
        }
        if done {
            break;
        }
        let Some(anchor) = last_id.clone() else {
            break;
        };
        let q = vec![
            ("limit".to_string(), "100".to_string()),
            ("ending_before".to_string(), anchor),
        ];
        requests += 1;
        let page = match inner.client.list_page("/v1/events", &q).await {
            Ok(p) => p,
            Err(e) => {
                failure = Some(e.to_string());
                listing_error = true;
                break;
            }
        };
        if page.items.is_empty() {
            break;
        }
        done = !page.has_more;
        pending = page.items;
        pending.reverse();
    }
    save_cursor(inner, &account, since, &seen, last_id.as_deref(), run_id).await?;
    let status = if failure.is_some() {
        "failed"
    } else {
        "succeeded"
    };
    store::record_run_object(
        &inner.pool,
        run_id,
        "event",
        status,
        requests,
        report.fetched as i64,
        report.applied as i64,
        failure.as_deref(),
        true,
    )
    .await?;
    store::finish_run(
        &inner.pool,
        run_id,
        status,
        report.fetched as i64,
        report.applied as i64,
        failure.as_deref(),
    )
    .await?;
    match failure {
        Some(f) if listing_error => {
            Err(Error::EventsCatchUpStopped(format!("listing events: {f}")))
        }
        Some(f) => Err(Error::EventsCatchUpStopped(f)),
        None => Ok(report),
    }
}

/// The oldest event created at or after `since` that is not in `seen` (the
/// ids applied in that second), found by walking the newest-first list and
/// keeping only the last such item.
async fn oldest_unapplied(
    inner: &Inner,
    since: i64,
    seen: &HashSet<String>,
    requests: &mut i64,
) -> Result<Option<Box<RawValue>>> {
    let mut oldest: Option<Box<RawValue>> = None;
    let mut starting_after: Option<String> = None;
    loop {
        let mut q = vec![
            ("limit".to_string(), "100".to_string()),
            ("created[gte]".to_string(), since.to_string()),
        ];
        if let Some(s) = &starting_after {
            q.push(("starting_after".into(), s.clone()));
        }
        *requests += 1;
        let page = inner.client.list_page("/v1/events", &q).await?;
        let has_more = page.has_more;
        for it in page.items {
            let h = objects::head(it.get())
                .map_err(|e| Error::InvalidPayload(format!("/v1/events item: {e}")))?;
            let (Some(id), Some(created)) = (h.id, h.created) else {
                return Err(Error::InvalidPayload(
                    "/v1/events item without id or created".into(),
                ));
            };
            starting_after = Some(id.clone());
            if !(created == since && seen.contains(&id)) {
                oldest = Some(it);
            }
        }
        if !has_more || starting_after.is_none() {
            return Ok(oldest);
        }
    }
}

async fn save_cursor(
    inner: &Inner,
    account: &str,
    since: i64,
    seen: &HashSet<String>,
    last_id: Option<&str>,
    run_id: i64,
) -> Result<()> {
    let mut ids: Vec<&String> = seen.iter().collect();
    ids.sort();
    store::save_state(
        &inner.pool,
        account,
        CURSOR_RESOURCE,
        "",
        "complete",
        &json!({"created": since, "ids": ids, "last_id": last_id}),
        None,
        Some(run_id),
        None,
        None,
    )
    .await
}
