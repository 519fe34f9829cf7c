//! Applying events (from webhooks or `/v1/events`) and the events catch-up.
//!
//! Every event is recorded in `_events`; a second delivery of the same id is
//! a no-op. Objects are written through the generated upserts with the
//! event's `created` as the fallback version, so an older event never
//! overwrites a newer state, and on a same-second tie the later arrival wins.

use chrono::{DateTime, TimeZone, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use stripe_sync_generated::{event_type, resource, summary, Owner, Resource};

use crate::context::Context;
use crate::error::{Error, Result};
use crate::objects::{self, EmbeddedItems};
use crate::schema::Schema;
use crate::store;

// Defined below `webhook`, which carries them too; their path stays here.
pub use crate::event_result::{EventOutcome, EventResult};

mod catch_up;
mod refetch;
mod truncated;
mod write;
pub(crate) use catch_up::{anchor, anchor_now, sync_events};
pub use catch_up::{EventsReport, CATCH_UP_MARGIN_SECS, EVENT_RETENTION_SECS};
pub(crate) use refetch::{fetch_and_write, Refetch};
pub(crate) use truncated::Truncated;
use write::record_failure;
#[cfg(feature = "server")]
pub(crate) use write::write_events;
pub(crate) use write::write_one;

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
    #[serde(borrow, deserialize_with = "objects::map_only")]
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
    /// Related objects, written before the object.
    extra: Vec<(&'static Resource, Vec<String>, DateTime<Utc>)>,
    /// The object's embedded lists' items, written before it, with what
    /// their lists say about membership.
    children: Vec<objects::Children>,
    /// The object's embedded lists the API truncated and that were not
    /// expanded: noted with the event, listed after its commit.
    truncated: Vec<Truncated>,
    /// For a summary event (e.g. a customer's active entitlements): its
    /// items replace the owner's; `resource` is the items' and there is no
    /// object of its own.
    summary: Option<Box<SummaryPlan>>,
}

/// The items of a summary event, for their owner.
struct SummaryPlan {
    owner: Owner,
    owner_id: String,
    items: Vec<String>,
    ids: Vec<String>,
    /// Whether the summary's list holds every item (`has_more: false`).
    complete: bool,
}

/// Work a committed summary event left: list the rest of the owner's items
/// from the API, then soft-delete the ones no longer present.
pub(crate) struct Relist {
    event_id: String,
    resource: &'static Resource,
    owner: Owner,
    owner_id: String,
    account: String,
}

fn ts(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_else(Utc::now)
}

/// An event's row in `_events`: everything but its outcome.
pub(crate) struct EventRow {
    id: String,
    event_type: String,
    created: i64,
    api_version: Option<String>,
    account: String,
    livemode: Option<bool>,
    object_type: Option<String>,
    object_id: Option<String>,
    source: String,
    raw: String,
}

/// An event read, found new in the ledger and planned (every API call it
/// needs done), ready to be written by [`write_events`] together with others.
pub(crate) struct PreparedEvent {
    row: EventRow,
    plan: std::result::Result<Plan, EventOutcome>,
    /// Set when its write noted its object for a read (another event of
    /// the same second wrote it too): see [`refetch`].
    tied: std::sync::atomic::AtomicBool,
}

impl PreparedEvent {
    fn result(&self, outcome: EventOutcome) -> EventResult {
        EventResult {
            event_id: self.row.id.clone(),
            event_type: self.row.event_type.clone(),
            object_type: self.row.object_type.clone(),
            object_id: self.row.object_id.clone(),
            outcome,
        }
    }
}

/// What [`prepare_event`] made of an event.
pub(crate) enum Prepared {
    /// Nothing to write: the event was already processed.
    Done(EventResult),
    /// To be written by [`write_events`] or [`write_one`].
    Write(Box<PreparedEvent>),
}

/// Processes one event given as JSON text. `source` is `webhook` or `events`.
/// The rest of a truncated summary is listed once the event is committed,
/// before this returns (no webhook waits here).
pub(crate) async fn apply_event(inner: &Context, raw: &str, source: &str) -> Result<EventResult> {
    match prepare_event(inner, raw.to_owned(), source, None).await? {
        Prepared::Done(r) => Ok(r),
        Prepared::Write(ev) => {
            let result = write_one(inner, &ev).await?;
            if result.outcome != EventOutcome::Duplicate {
                if let Some(r) = follow_up(&ev) {
                    complete_summary(inner, r).await;
                }
            }
            Ok(result)
        }
    }
}

/// Applies the events recorded while this key's account was unknown
/// (outcome `unattributed`), oldest first, each through the same path as a
/// fresh delivery, once the account is resolved (`GET /v1/account` when it
/// is not stored). Returns how many were applied; an error when the
/// account still cannot be resolved (they stay recorded). An event that
/// fails on its own is recorded `failed`, like a delivery that failed.
pub(crate) async fn attribute_unattributed(inner: &Context) -> Result<u64> {
    let schema = &inner.config.schema;
    let waiting: Vec<(String, String)> = sqlx::query_as(&schema.sql(
        "SELECT _raw_data::text, source FROM stripe_sync.events
         WHERE outcome = 'unattributed' ORDER BY created, id",
    ))
    .fetch_all(&inner.pool)
    .await?;
    if waiting.is_empty() {
        return Ok(0);
    }
    let account = inner.account_id().await?;
    let mut applied = 0;
    for (raw, source) in waiting {
        match apply_event(inner, &raw, &source).await {
            Ok(_) => applied += 1,
            Err(e) => tracing::warn!(error = %e, "an unattributed event failed when applied"),
        }
    }
    tracing::info!(applied, %account, "events recorded before the account was known applied");
    Ok(applied)
}

/// Reads an event, skips it when the ledger has it already, and plans its
/// write (API calls happen here, outside any transaction). A planning
/// failure is recorded in the ledger and returned.
///
/// `endpoint_account` is the account whose own (not Connect) managed
/// endpoint signed a webhook: an event naming no account is that account's
/// (several keys' accounts served by one `serve`).
pub(crate) async fn prepare_event(
    inner: &Context,
    raw: String,
    source: &str,
    endpoint_account: Option<String>,
) -> Result<Prepared> {
    let schema = &inner.config.schema;
    let env: Envelope<'_> = objects::from_object_str(&raw)
        .map_err(|e| Error::InvalidPayload(format!("not a Stripe event: {e}")))?;
    // Stripe never sends an event from the future; a forged one would pin
    // its row against genuine updates under the version rule.
    let tolerance = inner.config.webhook_tolerance.as_secs() as i64;
    if source == "webhook" && env.created > Utc::now().timestamp() + tolerance {
        return Err(Error::InvalidPayload(format!(
            "event created later than now plus the tolerance ({tolerance} s): Stripe never sends one"
        )));
    }
    let head = objects::head(env.data.object.get())
        .map_err(|e| Error::InvalidPayload(format!("event {}: data.object: {e}", env.id)))?;

    let routed = event_type(&env.event_type);
    let res = head.object.as_deref().and_then(resource).or_else(|| {
        routed
            .and_then(|e| e.table)
            .and_then(stripe_sync_generated::resource_by_table)
    });
    let delete = head.deleted || routed.is_some_and(|e| e.is_delete);

    // A cheap duplicate check before any API call. A write that needs none
    // leaves it to the ledger insert, which skips duplicates all the same.
    let cfg = &inner.config;
    let may_call_api = res.is_some_and(|r| {
        head.id.is_some()
            && !delete
            && (cfg.auto_expand_lists
                || cfg.backfill_related_entities
                || cfg
                    .revalidate_objects_via_stripe_api
                    .iter()
                    .any(|o| o == r.object))
    });
    if may_call_api {
        let seen: Option<String> =
            sqlx::query_scalar(&schema.sql("SELECT outcome FROM stripe_sync.events WHERE id = $1"))
                .bind(&env.id)
                .fetch_optional(&inner.pool)
                .await?;
        if seen
            .as_deref()
            .is_some_and(|o| o != "failed" && o != "unattributed")
        {
            tracing::debug!(event = %env.id, "duplicate event ignored");
            return Ok(Prepared::Done(EventResult {
                event_id: env.id,
                event_type: env.event_type,
                object_type: head.object,
                object_id: head.id,
                outcome: EventOutcome::Duplicate,
            }));
        }
    }

    // A webhook never waits on the API for its account: with none known
    // yet, it is recorded unattributed and applied once the account is.
    let account = match (&env.account, endpoint_account) {
        (Some(a), _) => Some(a.clone()),
        (None, Some(a)) => Some(a),
        (None, None) if source == "webhook" => inner.known_account_id().await?,
        (None, None) => Some(inner.account_id().await?),
    };
    let version = ts(env.created);
    let summary_plan = head
        .object
        .as_deref()
        .and_then(summary)
        .map(|sm| plan_summary(sm, env.data.object.get(), version))
        .transpose()
        .map_err(|e| Error::InvalidPayload(format!("event {}: data.object: {e}", env.id)))?
        .flatten();
    let planned: Result<std::result::Result<Plan, EventOutcome>> = match (res, &head.id) {
        _ if account.is_none() => Ok(Err(EventOutcome::Unattributed)),
        _ if summary_plan.is_some() => Ok(summary_plan.ok_or(EventOutcome::NoTable)),
        (None, _) => Ok(Err(EventOutcome::NoTable)),
        (Some(_), None) => Ok(Err(EventOutcome::NoId)),
        (Some(res), Some(id)) => plan_write(inner, res, id, env.data.object.get(), delete, version)
            .await
            .map(Ok),
    };
    let Envelope {
        id,
        event_type,
        created,
        api_version,
        livemode,
        ..
    } = env;
    let row = EventRow {
        id,
        event_type,
        created,
        api_version,
        account: account.unwrap_or_default(),
        livemode,
        object_type: head.object,
        object_id: head.id,
        source: source.to_owned(),
        raw,
    };
    match planned {
        Ok(plan) => Ok(Prepared::Write(Box::new(PreparedEvent {
            row,
            plan,
            tied: Default::default(),
        }))),
        Err(e) => {
            record_failure(inner, &row, &e.to_string()).await;
            Err(e)
        }
    }
}

/// Plans a summary event's write: its owner, items and whether they are all.
/// `None` when the items' object has no table with an owner column.
fn plan_summary(
    sm: &'static stripe_sync_generated::ListSummary,
    object_text: &str,
    version: DateTime<Utc>,
) -> std::result::Result<Option<Plan>, String> {
    let Some(res) = resource(sm.item_object) else {
        return Ok(None);
    };
    let Some(owner) = res.owner else {
        return Ok(None);
    };
    let v: Value = serde_json::from_str(object_text).map_err(|e| e.to_string())?;
    let owner_id = v
        .get(sm.owner_field)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("a {} without a {} id", sm.object, sm.owner_field))?
        .to_string();
    let list = v
        .get(sm.list_field)
        .ok_or_else(|| format!("a {} without its {} list", sm.object, sm.list_field))?;
    let data = list
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{}.{} has no data array", sm.object, sm.list_field))?;
    let mut items = Vec::with_capacity(data.len());
    let mut ids = Vec::with_capacity(data.len());
    for item in data {
        let Some(id) = item.get("id").and_then(Value::as_str) else {
            return Err(format!(
                "an item of {}.{} has no id",
                sm.object, sm.list_field
            ));
        };
        ids.push(id.to_string());
        items.push(item.to_string());
    }
    let complete = !list
        .get("has_more")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok(Some(Plan {
        resource: res,
        object_text: String::new(),
        delete: false,
        version,
        extra: Vec::new(),
        children: Vec::new(),
        truncated: Vec::new(),
        summary: Some(Box::new(SummaryPlan {
            owner,
            owner_id,
            items,
            ids,
            complete,
        })),
    }))
}

/// The connected account that revoked the platform's access, when the
/// event says so (`account.application.deauthorized` naming an account),
/// with the event's id.
pub(crate) fn revoked_account(ev: &PreparedEvent) -> Option<(&str, &str)> {
    (ev.row.event_type == "account.application.deauthorized" && !ev.row.account.is_empty())
        .then_some((ev.row.account.as_str(), ev.row.id.as_str()))
}

/// The work a prepared event leaves for after its commit: the rest of a
/// truncated summary list.
pub(crate) fn follow_up(ev: &PreparedEvent) -> Option<Relist> {
    let plan = ev.plan.as_ref().ok()?;
    let sp = plan.summary.as_ref().filter(|sp| !sp.complete)?;
    Some(Relist {
        event_id: ev.row.id.clone(),
        resource: plan.resource,
        owner: sp.owner,
        owner_id: sp.owner_id.clone(),
        account: ev.row.account.clone(),
    })
}

/// The embedded lists a prepared event noted truncated, with their
/// account: `serve` lists their rest after the commit.
pub(crate) fn truncated_lists(ev: &PreparedEvent) -> Option<(String, Vec<Truncated>)> {
    let plan = ev.plan.as_ref().ok()?;
    (!plan.truncated.is_empty()).then(|| (ev.row.account.clone(), plan.truncated.clone()))
}

/// The object a prepared event noted for a read, with its account:
/// `serve` reads it after the commit.
pub(crate) fn tied_object(ev: &PreparedEvent) -> Option<(String, Refetch)> {
    if !ev.tied.load(std::sync::atomic::Ordering::Relaxed) {
        return None;
    }
    Some((
        ev.row.account.clone(),
        Refetch {
            object: ev.row.object_type.clone()?,
            id: ev.row.object_id.clone()?,
        },
    ))
}

/// Reads again the object `account`'s events of one second noted; see
/// [`refetch::complete`].
pub(crate) async fn complete_refetch(inner: &Context, account: &str, only: Refetch) {
    match refetch::complete(inner, account, Some(&[only])).await {
        Ok(done) => tracing::debug!(
            account,
            read = done.read,
            failed = done.failed,
            "tied objects read again"
        ),
        Err(e) => {
            tracing::error!(account, error = %e, "tied object not read again; the next sync reads it")
        }
    }
}

/// Whether `inner`'s client acts as `account` (its key's own account, or
/// the connected account it was built for), so that what it lists is
/// `account`'s.
pub(crate) async fn acts_as(inner: &Context, account: &str) -> bool {
    match inner.known_account_id().await {
        Ok(own) => own.as_deref() == Some(account),
        Err(e) => {
            tracing::warn!(error = %e, "own account unknown: listing left for the next sync");
            false
        }
    }
}

/// Lists the rest of the truncated lists `account`'s events noted (only
/// `only`'s when given), each once; see [`truncated::complete`].
pub(crate) async fn complete_truncated(inner: &Context, account: &str, only: &[Truncated]) {
    match truncated::complete(inner, account, Some(only)).await {
        Ok(done) => tracing::debug!(
            account,
            listed = done.listed,
            failed = done.failed,
            "truncated lists listed"
        ),
        Err(e) => {
            tracing::error!(account, error = %e, "truncated lists not listed; the next sync lists them")
        }
    }
}

impl Relist {
    /// The account whose event left the work.
    pub(crate) fn account(&self) -> &str {
        &self.account
    }
}

/// Lists every item of a truncated summary's owner from the API, writes
/// them, and soft-deletes the owner's items no longer present. Runs after
/// the event is committed, never while a webhook waits for its answer. The
/// event's `reason` says the work is pending until it is done, and says
/// what failed if it fails.
pub(crate) async fn complete_summary(inner: &Context, r: Relist) {
    let schema = &inner.config.schema;
    let result = relist(inner, &r).await;
    let reason = match &result {
        Ok(_) => None,
        Err(e) => Some(format!(
            "listing the rest of {}'s {} failed: {e}; run `stripe-sync backfill {}` to complete it",
            r.owner_id, r.resource.table, r.resource.object
        )),
    };
    match &result {
        Ok((listed, deleted)) => {
            tracing::info!(event = %r.event_id, owner = %r.owner_id, listed, deleted, "truncated summary completed from the API")
        }
        Err(e) => {
            tracing::error!(event = %r.event_id, owner = %r.owner_id, error = %e, "truncated summary not completed")
        }
    }
    let done = sqlx::query(&schema.sql("UPDATE stripe_sync.events SET reason = $2 WHERE id = $1"))
        .bind(&r.event_id)
        .bind(reason)
        .execute(&inner.pool)
        .await;
    if let Err(e) = done {
        tracing::error!(event = %r.event_id, error = %e, "could not record the summary's completion");
    }
}

/// Completes the truncated summaries left pending for `account`: by
/// `stripe_sync.apply_event` or `stripe_sync.process_webhook` (SQL cannot call the
/// API), or by a `serve` that stopped before listing them. Each owner's
/// items are listed as `serve` lists them after a commit, and the event's
/// reason is cleared (or says what failed). Returns how many were tried.
pub(crate) async fn complete_pending(inner: &Context, account: &str) -> Result<u64> {
    let schema = &inner.config.schema;
    let pending: Vec<(String, String, DateTime<Utc>)> = sqlx::query_as(
        &schema.sql("SELECT id, (_raw_data -> 'data' -> 'object')::text, created FROM stripe_sync.events
          WHERE account_id = $1 AND reason LIKE 'pending:%' AND outcome NOT IN ('failed', 'unattributed')
          ORDER BY created, id"),
    )
    .bind(account)
    .fetch_all(&inner.pool)
    .await?;
    let mut tried = 0;
    for (event_id, object_text, created) in pending {
        let Some(sm) = objects::head(&object_text)
            .ok()
            .and_then(|h| h.object)
            .and_then(|o| summary(&o))
        else {
            continue;
        };
        let Ok(Some(plan)) = plan_summary(sm, &object_text, created) else {
            continue;
        };
        let Some(sp) = plan.summary else { continue };
        complete_summary(
            inner,
            Relist {
                event_id,
                resource: plan.resource,
                owner: sp.owner,
                owner_id: sp.owner_id,
                account: account.to_string(),
            },
        )
        .await;
        tried += 1;
    }
    Ok(tried)
}

async fn relist(inner: &Context, r: &Relist) -> Result<(usize, u64)> {
    let schema = &inner.config.schema;
    let endpoint = r
        .resource
        .list_endpoints
        .iter()
        .find(|e| matches!(e.params, [p] if p.object == Some(r.owner.object)))
        .ok_or_else(|| {
            Error::Unsupported(format!(
                "{} has no list under its {}",
                r.resource.object, r.owner.object
            ))
        })?;
    let param = &endpoint.params[0];
    let mut base: Vec<(String, String)> = endpoint
        .fixed_params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    base.push(("limit".into(), "100".into()));
    let path = if param.in_path {
        endpoint
            .path
            .replace(&format!("{{{}}}", param.name), &r.owner_id)
    } else {
        base.push((param.name.to_string(), r.owner_id.clone()));
        endpoint.path.to_string()
    };
    let version = inner.client.fetch_version();
    let items = crate::listing::list_all(&inner.client, &path, base, None).await?;
    let ids: Vec<String> = items
        .iter()
        .filter_map(|t| objects::head(t).ok()?.id)
        .collect();
    let mut tx = inner
        .begin_write(store::Commit::Durable, store::ChangeSource::CatchUp)
        .await?;
    store::upsert_objects(schema, &mut *tx, r.resource, &items, &r.account, version).await?;
    store::set_owner(schema, &mut *tx, &r.owner, &r.owner_id, &items, &r.account).await?;
    let deleted = store::soft_delete_missing(
        schema,
        &mut *tx,
        &r.owner,
        &r.account,
        &r.owner_id,
        &ids,
        version,
    )
    .await?;
    tx.commit().await?;
    Ok((items.len(), deleted))
}

/// Writes a summary event's items for their owner and, when the list is
/// complete, soft-deletes the owner's items it no longer holds.
async fn apply_summary(
    schema: &Schema,
    conn: &mut sqlx::PgConnection,
    ev: &PreparedEvent,
    plan: &Plan,
    sp: &SummaryPlan,
) -> Result<EventOutcome> {
    let account = ev.row.account.as_str();
    let written = store::upsert_objects(
        schema,
        &mut *conn,
        plan.resource,
        &sp.items,
        account,
        plan.version,
    )
    .await?;
    store::set_owner(
        schema,
        &mut *conn,
        &sp.owner,
        &sp.owner_id,
        &sp.items,
        account,
    )
    .await?;
    let deleted = if sp.complete {
        store::soft_delete_missing(
            schema,
            &mut *conn,
            &sp.owner,
            account,
            &sp.owner_id,
            &sp.ids,
            plan.version,
        )
        .await?
    } else {
        sqlx::query(&schema.sql("UPDATE stripe_sync.events SET reason = $2 WHERE id = $1"))
            .bind(&ev.row.id)
            .bind(format!(
                "pending: the list holds {} items and has more; the rest of {}'s is listed from the API after commit, and none is soft-deleted until then",
                sp.items.len(),
                sp.owner_id
            ))
            .execute(&mut *conn)
            .await?;
        0
    };
    Ok(if written + deleted > 0 {
        EventOutcome::Applied
    } else {
        EventOutcome::Unchanged
    })
}

async fn plan_write(
    inner: &Context,
    res: &'static Resource,
    id: &str,
    object_text: &str,
    delete: bool,
    version: DateTime<Utc>,
) -> Result<Plan> {
    let schema = &inner.config.schema;
    let cfg = &inner.config;
    let mut plan = Plan {
        resource: res,
        object_text: object_text.to_string(),
        delete,
        version,
        extra: Vec::new(),
        children: Vec::new(),
        truncated: Vec::new(),
        summary: None,
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
                    plan.version = inner.client.fetch_version().max(version);
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
        if !will_expand(inner, &emb) {
            plan.truncated.extend(Truncated::of(res, id, &emb));
        }
        plan.children.extend(expand_list(inner, emb, id).await?);
    }
    if cfg.backfill_related_entities {
        let value: Value = serde_json::from_str(&plan.object_text)
            .map_err(|e| Error::InvalidPayload(format!("object {id}: {e}")))?;
        for (target, rid) in objects::references(res, &value) {
            if store::exists(schema, &inner.pool, target, &rid).await? {
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
                        .push((target, vec![text], inner.client.fetch_version()));
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

/// The items of an embedded list of `parent_id`, as children by object,
/// with the rest fetched from the list's URL when the API left some out and
/// `auto_expand_lists` is on. The children are complete when the list held
/// every item (`has_more: false`) or the rest was fetched.
pub(crate) async fn expand_list(
    inner: &Context,
    mut emb: EmbeddedItems,
    parent_id: &str,
) -> Result<Vec<objects::Children>> {
    let mut complete = !emb.has_more;
    if will_expand(inner, &emb) {
        if let Some(url) = emb.rest_url().map(str::to_owned) {
            let last = emb
                .items
                .last()
                .and_then(|t| objects::head(t).ok())
                .and_then(|h| h.id);
            let rest = crate::listing::list_all(&inner.client, &url, Vec::new(), last).await?;
            emb.items.extend(rest);
            complete = true;
        }
    }
    Ok(emb.into_children(parent_id, complete))
}

/// Whether [`expand_list`] fetches the rest of `emb`.
fn will_expand(inner: &Context, emb: &EmbeddedItems) -> bool {
    emb.has_more && inner.config.auto_expand_lists && emb.rest_url().is_some()
}
