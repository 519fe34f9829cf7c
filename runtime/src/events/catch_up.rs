//! The events catch-up: applies, oldest first, every event listed by
//! `/v1/events` since the cursor, moving the cursor as it goes.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde_json::json;
use serde_json::value::RawValue;

use super::{apply_event, complete_pending, refetch, truncated, ts};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::objects;
use crate::schema::Schema;
use crate::state::{self, EventsCursor, Key, Progress, Status};
use crate::store;
use crate::EventOutcome;

/// How long before a backfill's start the events catch-up begins: the
/// clock of the database (which stamps the run) and Stripe's (which stamps
/// `created`) may differ by this much without an event falling between the
/// two. The overlap costs only re-listing: events already in the ledger are
/// duplicates, and an event older than a backfilled row is stale.
pub const CATCH_UP_MARGIN_SECS: i64 = 300;

/// The earliest start of a backfill of `account`, if any ran.
async fn first_start(
    schema: &Schema,
    pool: &sqlx::PgPool,
    account: &str,
) -> Result<Option<DateTime<Utc>>> {
    Ok(sqlx::query_scalar(
        &schema.sql("SELECT min(started_at) FROM stripe_sync.sync_runs WHERE kind = 'backfill' AND account_id = $1"),
    )
    .bind(account)
    .fetch_one(pool)
    .await?)
}

/// Where a catch-up begins for a mirror first backfilled at `started`:
/// [`CATCH_UP_MARGIN_SECS`] before it, but never before what Stripe still
/// lists (a backfill older than that already missed what it can't list;
/// a `--full` backfill brings those changes).
fn start_of_catch_up(started: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    let oldest_listed = now.timestamp() - EVENT_RETENTION_SECS + 3600;
    (started.timestamp() - CATCH_UP_MARGIN_SECS).max(oldest_listed)
}

/// Called as a backfill starts: when the account has no events cursor yet,
/// sets one [`CATCH_UP_MARGIN_SECS`] before the first backfill's start, so
/// that every change made on Stripe after the mirror began reaches it
/// through `sync` or an events job, whatever ran in between (another
/// backfill, another process) and however long after. A cursor already
/// there is where the catch-up stands and is left alone, unless it is past
/// Stripe's retention and this backfill (`full_all`: every type, `--full`)
/// lists everything again: then the catch-up starts over from this one.
pub(crate) async fn anchor(
    schema: &Schema,
    pool: &sqlx::PgPool,
    account: &str,
    run_id: i64,
    started: DateTime<Utc>,
    full_all: bool,
) -> Result<()> {
    let key = Key::root(account, CURSOR_RESOURCE);
    let now = Utc::now();
    if full_all {
        let stored: Option<EventsCursor> = state::load(schema, pool, account, CURSOR_RESOURCE)
            .await?
            .iter()
            .find(|s| s.scope.is_empty())
            .and_then(|s| s.cursor(CURSOR_RESOURCE));
        if stored.is_some_and(|c| c.created < now.timestamp() - EVENT_RETENTION_SECS) {
            let cursor = EventsCursor {
                created: start_of_catch_up(started, now),
                ..Default::default()
            };
            let progress = Progress::new(Status::Pending, run_id);
            return state::save(schema, pool, key, Some(&cursor), progress).await;
        }
    }
    let first = first_start(schema, pool, account)
        .await?
        .unwrap_or(started)
        .min(started);
    let cursor = EventsCursor {
        created: start_of_catch_up(first, now),
        ..Default::default()
    };
    state::save_if_absent(
        schema,
        pool,
        key,
        &cursor,
        Progress::new(Status::Pending, run_id),
    )
    .await
}

/// Sets the account's events cursor [`CATCH_UP_MARGIN_SECS`] before now
/// when it has none (`supabase install`: webhooks flow from now on, and a
/// scheduled `sync --events-only` catches up from here whatever they miss,
/// before any backfill). A cursor already there is left alone. Set outside
/// any run: recorded with run id 0.
pub(crate) async fn anchor_now(schema: &Schema, pool: &sqlx::PgPool, account: &str) -> Result<()> {
    let now = Utc::now();
    let cursor = EventsCursor {
        created: start_of_catch_up(now, now),
        ..Default::default()
    };
    let key = Key::root(account, CURSOR_RESOURCE);
    state::save_if_absent(
        schema,
        pool,
        key,
        &cursor,
        Progress::new(Status::Pending, 0),
    )
    .await
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
/// it goes. The first backfill of an account sets where it starts
/// ([`anchor`]). A cursor older than the retention is an error asking for a
/// full backfill.
pub(crate) async fn sync_events(inner: &Context) -> Result<EventsReport> {
    let schema = &inner.config.schema;
    let account = inner.account_id().await?;
    let _lock = store::advisory_lock(
        schema,
        &inner.pool,
        &format!("stripe-sync:events:{account}"),
    )
    .await?;
    let completed = complete_pending(inner, &account).await?;
    if completed > 0 {
        tracing::info!(completed, %account, "summaries left pending listed from the API");
    }
    let states = state::load(schema, &inner.pool, &account, CURSOR_RESOURCE).await?;
    // An unreadable cursor is logged and read as none: the catch-up starts
    // over from the last backfill's start.
    let cursor: Option<EventsCursor> = states
        .iter()
        .find(|s| s.scope.is_empty())
        .and_then(|s| s.cursor(CURSOR_RESOURCE));
    let (mut since, mut seen): (i64, HashSet<String>) = match &cursor {
        Some(c) => (c.created, c.ids.iter().cloned().collect()),
        // No cursor although backfills ran (they were run by a release
        // that set none): the same start a backfill sets.
        None => match first_start(schema, &inner.pool, &account).await? {
            Some(t) => (start_of_catch_up(t, Utc::now()), HashSet::new()),
            None => {
                return Err(Error::FullBackfillNeeded(
                    "no events cursor and no backfill recorded for this account".into(),
                ))
            }
        },
    };
    let now = Utc::now().timestamp();
    if since < now - EVENT_RETENTION_SECS {
        return Err(Error::FullBackfillNeeded(format!(
            "the events cursor ({}) is older than Stripe's 30-day event retention",
            ts(since).to_rfc3339()
        )));
    }
    let (run_id, _) = store::start_run(
        schema,
        &inner.pool,
        store::RunKind::Events,
        &account,
        &json!({"since": since}),
    )
    .await?;
    // Alive while it runs: `status` and `/metrics` read a run without a
    // heartbeat as abandoned.
    let _beat = store::keep_alive(schema, &inner.pool, run_id);
    let mut report = EventsReport {
        run_id,
        cursor_created: Some(since),
        ..Default::default()
    };

    // Walk toward newer events a page at a time: `ending_before` an applied
    // event gives the page of events just newer than it (newest first), so
    // each page is applied in reverse and memory holds one page at most.
    let mut last_id: Option<String> = cursor.and_then(|c| c.last_id);
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
    // What the events left for the API: the objects two events of one
    // second wrote, read again (first: a read may note a truncated list),
    // then the rest of the truncated lists, one listing per list however
    // many events noted it.
    let reads = refetch::complete(inner, &account, None).await?;
    let lists = truncated::complete(inner, &account, None).await?;
    for (done, failed, table) in [
        (reads.read, reads.failed, "refetches"),
        (lists.listed, lists.failed, "truncated_lists"),
    ] {
        if done + failed > 0 {
            tracing::info!(done, failed, %account, table, "reads the events left done");
        }
        if failed > 0 && failure.is_none() {
            failure = Some(format!(
                "{failed} reads the events left failed ({}.{table}.error says why; the next sync tries again)",
                inner.config.schema.engine()
            ));
        }
    }
    let status = if failure.is_some() {
        store::RunStatus::Failed
    } else {
        store::RunStatus::Succeeded
    };
    let result = store::RunObject {
        resource: "event",
        status: status.as_str(),
        requests,
        fetched: report.fetched as i64,
        written: report.applied as i64,
        error: failure.as_deref(),
        finished: true,
        expected_requests: None,
    };
    store::record_run_object(schema, &inner.pool, run_id, &result).await?;
    store::finish_run(
        schema,
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
    inner: &Context,
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
    inner: &Context,
    account: &str,
    since: i64,
    seen: &HashSet<String>,
    last_id: Option<&str>,
    run_id: i64,
) -> Result<()> {
    let schema = &inner.config.schema;
    let mut ids: Vec<String> = seen.iter().cloned().collect();
    ids.sort();
    let cursor = EventsCursor {
        created: since,
        ids,
        last_id: last_id.map(String::from),
    };
    state::save(
        schema,
        &inner.pool,
        Key::root(account, CURSOR_RESOURCE),
        Some(&cursor),
        Progress::new(Status::Complete, run_id),
    )
    .await
}
