//! Writing prepared events: the ledger row and the object writes of each
//! event in one transaction ([`write_one`]), or many events with one commit
//! ([`write_events`], the webhook server's group commit); what the database
//! refuses for good is quarantined, any other failure recorded in the
//! ledger so that a redelivery tries again.

#[cfg(feature = "server")]
use std::collections::HashSet;
use std::sync::atomic::Ordering;

#[cfg(feature = "server")]
use chrono::{DateTime, Utc};

#[cfg(feature = "server")]
use super::Plan;
use super::{apply_summary, ts, EventOutcome, EventResult, EventRow, PreparedEvent};
use crate::context::Context;
use crate::error::Result;
use crate::schema::Schema;
use crate::store;

/// Writes one prepared event in a transaction of its own; a failure is
/// recorded in the ledger (so a redelivery processes it again) and returned.
pub(crate) async fn write_one(inner: &Context, ev: &PreparedEvent) -> Result<EventResult> {
    let schema = &inner.config.schema;
    match write_event(inner, ev).await {
        Ok(outcome) => {
            tracing::debug!(event = %ev.row.id, r#type = %ev.row.event_type, outcome = outcome.as_str(), "event processed");
            Ok(ev.result(outcome))
        }
        Err(e) => match crate::quarantine::permanent(&e) {
            // The database refuses it for good: set aside, and answered.
            Some((state, reason)) => {
                let row = &ev.row;
                let source = crate::quarantine::Source::of_event(&row.source);
                let kept = crate::quarantine::event(
                    schema,
                    &inner.pool,
                    &row.raw,
                    source,
                    &row.account,
                    (&state, &reason),
                )
                .await;
                match kept {
                    Ok(()) => Ok(ev.result(EventOutcome::Quarantined)),
                    Err(q) => {
                        record_failure(inner, row, &e.to_string()).await;
                        Err(q)
                    }
                }
            }
            None => {
                record_failure(inner, &ev.row, &e.to_string()).await;
                Err(e)
            }
        },
    }
}

#[cfg(feature = "server")]
/// Writes prepared events in as few transactions as possible (group commit:
/// one commit, so one WAL flush, for the lot), in order, with the same
/// result per event as [`write_one`]. Events with distinct ids share a
/// transaction; a redelivery of an id already in it starts the next one. When
/// a shared transaction fails, its events are written again one by one, so
/// one bad event fails alone.
pub(crate) async fn write_events(
    inner: &Context,
    events: &[PreparedEvent],
) -> Vec<Result<EventResult>> {
    let mut out = Vec::with_capacity(events.len());
    let mut start = 0;
    while start < events.len() {
        let mut ids = HashSet::new();
        let mut end = start;
        while end < events.len() && ids.insert(events[end].row.id.as_str()) {
            end += 1;
        }
        let chunk = &events[start..end];
        if let [ev] = chunk {
            out.push(write_one(inner, ev).await);
        } else {
            match write_batch(inner, chunk).await {
                Ok(outcomes) => {
                    for (ev, outcome) in chunk.iter().zip(outcomes) {
                        tracing::debug!(event = %ev.row.id, r#type = %ev.row.event_type, outcome = outcome.as_str(), "event processed");
                        out.push(Ok(ev.result(outcome)));
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, events = chunk.len(), "group commit failed; writing its events one by one");
                    for ev in chunk {
                        out.push(write_one(inner, ev).await);
                    }
                }
            }
        }
        start = end;
    }
    out
}

#[cfg(feature = "server")]
/// One transaction for events with distinct ids: one ledger insert for all
/// of them, their object writes in order, one ledger update, one commit.
async fn write_batch(inner: &Context, chunk: &[PreparedEvent]) -> Result<Vec<EventOutcome>> {
    let schema = &inner.config.schema;
    let source = chunk
        .first()
        .map(|e| store::ChangeSource::of_event(&e.row.source))
        .unwrap_or(store::ChangeSource::Webhook);
    let rows: Vec<&EventRow> = chunk.iter().map(|e| &e.row).collect();
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let types: Vec<&str> = rows.iter().map(|r| r.event_type.as_str()).collect();
    let created: Vec<DateTime<Utc>> = rows.iter().map(|r| ts(r.created)).collect();
    let api_versions: Vec<Option<&str>> = rows.iter().map(|r| r.api_version.as_deref()).collect();
    let accounts: Vec<&str> = rows.iter().map(|r| r.account.as_str()).collect();
    let livemodes: Vec<Option<bool>> = rows.iter().map(|r| r.livemode).collect();
    let object_types: Vec<Option<&str>> = rows.iter().map(|r| r.object_type.as_deref()).collect();
    let object_ids: Vec<Option<&str>> = rows.iter().map(|r| r.object_id.as_deref()).collect();
    let sources: Vec<&str> = rows.iter().map(|r| r.source.as_str()).collect();
    let raws: Vec<&str> = rows.iter().map(|r| r.raw.as_str()).collect();

    let mut tx = inner.begin_write(store::Commit::Durable, source).await?;
    // Inserted in id order, so concurrent batches lock ledger rows in one order.
    let fresh: Vec<String> = sqlx::query_scalar(
        &schema.sql("INSERT INTO stripe_sync.events (id, type, created, api_version, account_id, livemode, object_type, object_id, source, outcome, _raw_data)
         SELECT u.i, u.t, u.c, u.v, u.a, u.l, u.ot, u.oi, u.s, 'pending', u.r::jsonb
         FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::bool[], $7::text[], $8::text[], $9::text[], $10::text[])
           AS u (i, t, c, v, a, l, ot, oi, s, r)
         ORDER BY u.i
         ON CONFLICT (id) DO UPDATE SET received_at = now(), source = EXCLUDED.source, outcome = 'pending', reason = NULL,
           account_id = EXCLUDED.account_id
         WHERE stripe_sync.events.outcome IN ('failed', 'unattributed')
         RETURNING id"),
    )
    .bind(&ids)
    .bind(&types)
    .bind(&created)
    .bind(&api_versions)
    .bind(&accounts)
    .bind(&livemodes)
    .bind(&object_types)
    .bind(&object_ids)
    .bind(&sources)
    .bind(&raws)
    .fetch_all(&mut *tx)
    .await?;
    let fresh: HashSet<String> = fresh.into_iter().collect();
    let mut outcomes = vec![EventOutcome::Duplicate; chunk.len()];
    let mut wrote = vec![false; chunk.len()];
    let (mut done_ids, mut done_outcomes) = (Vec::new(), Vec::new());
    let todo: Vec<usize> = (0..chunk.len())
        .filter(|&i| fresh.contains(&chunk[i].row.id))
        .collect();
    let mut k = 0;
    while k < todo.len() {
        // A run of plain upserts of one resource for distinct objects is
        // one statement; anything else is written alone, in order.
        let mut run = vec![todo[k]];
        if let Some(first) = plain_upsert(&chunk[todo[k]]) {
            let mut objects = HashSet::from([chunk[todo[k]].row.object_id.as_deref()]);
            while k + run.len() < todo.len() {
                let next = &chunk[todo[k + run.len()]];
                match plain_upsert(next) {
                    Some(p)
                        if std::ptr::eq(p.resource, first.resource)
                            && objects.insert(next.row.object_id.as_deref()) =>
                    {
                        run.push(todo[k + run.len()]);
                    }
                    _ => break,
                }
            }
        }
        if run.len() > 1 {
            let evs: Vec<&PreparedEvent> = run.iter().map(|&i| &chunk[i]).collect();
            for (i, outcome) in run.iter().zip(upsert_run(schema, &mut tx, &evs).await?) {
                outcomes[*i] = outcome;
                wrote[*i] = outcome == EventOutcome::Applied;
            }
        } else {
            let (outcome, w) = apply_plan(schema, &mut tx, &chunk[run[0]]).await?;
            outcomes[run[0]] = outcome;
            wrote[run[0]] = w;
        }
        for &i in &run {
            done_ids.push(chunk[i].row.id.as_str());
            done_outcomes.push(outcomes[i].as_str());
        }
        k += run.len();
    }
    let applied: Vec<&str> = (0..chunk.len())
        .filter(|&i| rereads(&chunk[i], wrote[i]))
        .map(|i| chunk[i].row.id.as_str())
        .collect();
    for t in super::refetch::note_ties(schema, &mut tx, &applied).await? {
        for ev in chunk {
            if ev.row.object_id.as_deref() == Some(t.id.as_str()) {
                ev.tied.store(true, Ordering::Relaxed);
            }
        }
    }
    if !done_ids.is_empty() {
        sqlx::query(
            // `id = ANY(..)` is an index scan in any plan; a join with
            // unnest(..) can be cached as a sequential scan while the
            // ledger is still small and stay one as it grows.
            &schema.sql("UPDATE stripe_sync.events AS e SET outcome = ($2::text[])[array_position($1::text[], e.id)], processed_at = now()
             WHERE e.id = ANY($1::text[])"),
        )
        .bind(&done_ids)
        .bind(&done_outcomes)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(outcomes)
}

#[cfg(feature = "server")]
/// A stored object's id, `_updated_at` and `_deleted_at`.
type StoredVersion = (String, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

#[cfg(feature = "server")]
/// The plan of an event that upserts one object and nothing else.
fn plain_upsert(ev: &PreparedEvent) -> Option<&Plan> {
    ev.plan.as_ref().ok().filter(|p| {
        !p.delete
            && p.extra.is_empty()
            && p.children.is_empty()
            && p.truncated.is_empty()
            && p.summary.is_none()
            && ev.row.object_id.is_some()
    })
}

#[cfg(feature = "server")]
/// Upserts the objects of events for distinct objects of one resource with
/// one statement, and says for each event what [`apply_plan`] would have.
async fn upsert_run(
    schema: &Schema,
    conn: &mut sqlx::PgConnection,
    evs: &[&PreparedEvent],
) -> Result<Vec<EventOutcome>> {
    let plans: Vec<&Plan> = evs.iter().filter_map(|e| plain_upsert(e)).collect();
    let res = plans[0].resource;
    let texts: Vec<&str> = plans.iter().map(|p| p.object_text.as_str()).collect();
    let versions: Vec<DateTime<Utc>> = plans.iter().map(|p| p.version).collect();
    let accounts: Vec<&str> = evs.iter().map(|e| e.row.account.as_str()).collect();
    let sql = format!("{} RETURNING t.id", res.upsert_sql);
    let written: HashSet<String> = sqlx::query_scalar(&schema.sql(&sql))
        .bind(&texts)
        .bind(&accounts)
        .bind(&versions)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    let ids: Vec<&str> = evs
        .iter()
        .filter_map(|e| e.row.object_id.as_deref())
        .collect();
    let mut stored = std::collections::HashMap::new();
    if ids.iter().any(|id| !written.contains(*id)) {
        let sql = format!(
            "SELECT id, _updated_at, _deleted_at FROM {} WHERE id = ANY($1::text[])",
            store::table_ident(schema, res)
        );
        let rows: Vec<StoredVersion> = sqlx::query_as(&schema.sql(&sql))
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await?;
        stored = rows.into_iter().map(|(id, u, d)| (id, (u, d))).collect();
    }
    Ok(evs
        .iter()
        .zip(&plans)
        .map(|(e, p)| {
            let id = e.row.object_id.as_deref().unwrap_or_default();
            if written.contains(id) {
                return EventOutcome::Applied;
            }
            match stored.get(id) {
                Some((_, Some(_))) => EventOutcome::Stale,
                Some((Some(u), None)) if *u > p.version => EventOutcome::Stale,
                _ => EventOutcome::Unchanged,
            }
        })
        .collect())
}

async fn write_event(inner: &Context, ev: &PreparedEvent) -> Result<EventOutcome> {
    let schema = &inner.config.schema;
    let row = &ev.row;
    let mut tx = inner
        .begin_write(
            store::Commit::Durable,
            store::ChangeSource::of_event(&ev.row.source),
        )
        .await?;
    let fresh = bind_ledger_row(
        sqlx::query(
            &schema.sql("INSERT INTO stripe_sync.events (id, type, created, api_version, account_id, livemode, object_type, object_id, source, outcome, _raw_data)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10::text::jsonb)
             ON CONFLICT (id) DO UPDATE SET received_at = now(), source = EXCLUDED.source, outcome = 'pending', reason = NULL,
               account_id = EXCLUDED.account_id
             WHERE stripe_sync.events.outcome IN ('failed', 'unattributed')
             RETURNING id"),
        ),
        row,
    )
    .bind(&row.raw)
    .fetch_optional(&mut *tx)
    .await?;
    if fresh.is_none() {
        tx.rollback().await?;
        return Ok(EventOutcome::Duplicate);
    }
    let (outcome, wrote) = apply_plan(schema, &mut tx, ev).await?;
    if rereads(ev, wrote) {
        let tied = super::refetch::note_ties(schema, &mut tx, &[row.id.as_str()]).await?;
        ev.tied.store(!tied.is_empty(), Ordering::Relaxed);
    }
    sqlx::query(
        &schema
            .sql("UPDATE stripe_sync.events SET outcome = $2, processed_at = now() WHERE id = $1"),
    )
    .bind(&row.id)
    .bind(outcome.as_str())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Whether an event's write may tie with another event of its second: it
/// wrote rows of an object that is not deleted.
fn rereads(ev: &PreparedEvent, wrote: bool) -> bool {
    wrote
        && ev
            .plan
            .as_ref()
            .is_ok_and(|p| !p.delete && p.summary.is_none())
}

/// Writes an event's objects (its ledger row is already inserted in `conn`'s
/// transaction) and says what that did, and whether it wrote any row (a
/// stale parent's newer children are written too).
async fn apply_plan(
    schema: &Schema,
    conn: &mut sqlx::PgConnection,
    ev: &PreparedEvent,
) -> Result<(EventOutcome, bool)> {
    let plan = match &ev.plan {
        Err(o) => return Ok((*o, false)),
        Ok(plan) => plan,
    };
    if let Some(sp) = &plan.summary {
        let o = apply_summary(schema, conn, ev, plan, sp).await?;
        return Ok((o, o == EventOutcome::Applied));
    }
    let account = ev.row.account.as_str();
    for (res, items, v) in &plan.extra {
        store::upsert_objects(schema, &mut *conn, res, items, account, *v).await?;
    }
    // A complete list soft-deletes the children it no longer holds only
    // when the parent's stored state is older than this event's: a late
    // event (or one of the same second, whose order is unknown: it is
    // read again, see `refetch`) says nothing about who left.
    let mut children_deleted = 0;
    let mut delete_missing = true;
    if plan.children.iter().any(|c| c.complete) {
        let id = ev.row.object_id.as_deref().unwrap_or_default();
        delete_missing = match store::stored_version(schema, &mut *conn, plan.resource, id).await? {
            Some((_, Some(_))) => false,
            Some((Some(u), None)) => u < plan.version,
            _ => true,
        };
    }
    let mut children_written = 0;
    for c in &plan.children {
        let (w, d) =
            store::write_children(schema, &mut *conn, c, account, plan.version, delete_missing)
                .await?;
        children_written += w;
        children_deleted += d;
    }
    super::truncated::note(schema, &mut *conn, account, &plan.truncated).await?;
    let objs = [plan.object_text.as_str()];
    let n = if plan.delete {
        store::delete_objects(
            schema,
            &mut *conn,
            plan.resource,
            &objs,
            account,
            plan.version,
        )
        .await?
    } else {
        store::upsert_objects(
            schema,
            &mut *conn,
            plan.resource,
            &objs,
            account,
            plan.version,
        )
        .await?
    };
    if n + children_deleted > 0 {
        return Ok((EventOutcome::Applied, true));
    }
    let id = ev.row.object_id.as_deref().unwrap_or_default();
    let outcome = match store::stored_version(schema, &mut *conn, plan.resource, id).await? {
        Some((_, Some(_))) if !plan.delete => EventOutcome::Stale,
        Some((Some(u), None)) if u > plan.version => EventOutcome::Stale,
        _ => EventOutcome::Unchanged,
    };
    Ok((outcome, children_written > 0))
}

/// Binds an event's ledger columns as `$1`…`$9`: id, type, created,
/// api_version, account_id, livemode, object_type, object_id, source.
fn bind_ledger_row<'q>(
    q: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    row: &'q EventRow,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    q.bind(&row.id)
        .bind(&row.event_type)
        .bind(ts(row.created))
        .bind(&row.api_version)
        .bind(&row.account)
        .bind(row.livemode)
        .bind(&row.object_type)
        .bind(&row.object_id)
        .bind(&row.source)
}

/// Records a failed event so a redelivery processes it again.
pub(super) async fn record_failure(inner: &Context, row: &EventRow, reason: &str) {
    let schema = &inner.config.schema;
    tracing::warn!(event = %row.id, r#type = %row.event_type, error = %reason, "event failed");
    let r = bind_ledger_row(
        sqlx::query(
            &schema.sql("INSERT INTO stripe_sync.events (id, type, created, api_version, account_id, livemode, object_type, object_id, source, outcome, reason, processed_at, _raw_data)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'failed', $10, now(), $11::text::jsonb)
             ON CONFLICT (id) DO UPDATE SET outcome = 'failed', reason = EXCLUDED.reason, processed_at = now()
             WHERE stripe_sync.events.outcome IN ('failed', 'pending')"),
        ),
        row,
    )
    .bind(reason)
    .bind(&row.raw)
    .execute(&inner.pool)
    .await;
    if let Err(e) = r {
        tracing::error!(event = %row.id, error = %e, "could not record the event failure");
    }
}
