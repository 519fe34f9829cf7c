//! Events catch-up (`/v1/events`) and single-object sync, end to end.

use crate::support;

use anyhow::Result;
use serde_json::json;
use stripe_sync::{BackfillRequest, Error};
use stripe_sync_simulator::SimConfig;
use support::{env, fixtures};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catch_up_applies_creates_updates_and_deletes_oldest_first() -> Result<()> {
    let e = env(
        SimConfig::new(fixtures()).with_count("customer", 20),
        |_| {},
    )
    .await?;
    e.sync
        .backfill(BackfillRequest::objects(["customer"]))
        .await?;
    let ids: Vec<String> = e.sim_ids("customer").into_iter().collect();
    let created = e.post("/v1/customers", &[("name", "fresh")]).await?;
    let created_id = created["id"].as_str().unwrap().to_string();
    e.post(
        &format!("/v1/customers/{}", ids[0]),
        &[("name", "renamed once")],
    )
    .await?;
    e.post(
        &format!("/v1/customers/{}", ids[0]),
        &[("name", "renamed twice")],
    )
    .await?;
    e.sync
        .client()
        .delete_json(&format!("/v1/customers/{}", ids[1]))
        .await?;

    let report = e.sync.sync_events().await?;
    let outcomes: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, type, outcome FROM stripe_sync.events ORDER BY created, received_at",
    )
    .fetch_all(&e.db.pool)
    .await?;
    assert!(report.applied >= 4, "{report:?} {outcomes:?}");
    assert_eq!(e.db_ids("customers").await?, e.sim_ids("customer"));
    assert!(e.db_ids("customers").await?.contains(&created_id));
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM stripe.customers WHERE id = $1")
            .bind(&ids[0])
            .fetch_one(&e.db.pool)
            .await?;
    assert_eq!(
        name.as_deref(),
        Some("renamed twice"),
        "events are applied oldest first"
    );
    let deleted: i64 = e
        .count(&format!(
            "SELECT count(*) FROM stripe.customers WHERE id = '{}' AND _deleted_at IS NOT NULL",
            ids[1]
        ))
        .await?;
    assert_eq!(deleted, 1);
    let sources: Vec<String> = sqlx::query_scalar("SELECT DISTINCT source FROM stripe_sync.events")
        .fetch_all(&e.db.pool)
        .await?;
    assert_eq!(sources, vec!["events".to_string()]);

    // Nothing new: nothing fetched (the same-second ids at the cursor are skipped).
    let again = e.sync.sync_events().await?;
    assert_eq!(again.fetched, 0, "{again:?}");
    // One more change: exactly that one.
    e.post(&format!("/v1/customers/{}", ids[2]), &[("name", "later")])
        .await?;
    let third = e.sync.sync_events().await?;
    assert_eq!(third.fetched, 1, "{third:?}");
    assert_eq!(third.applied, 1);
    e.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catch_up_without_a_starting_point_or_past_retention_asks_for_a_full_backfill() -> Result<()>
{
    let e = env(SimConfig::new(fixtures()), |_| {}).await?;
    let r = e.sync.sync_events().await;
    assert!(matches!(r, Err(Error::FullBackfillNeeded(_))), "{r:?}");

    let old = chrono::Utc::now().timestamp() - 40 * 24 * 3600;
    sqlx::query("INSERT INTO stripe_sync.sync_state (account_id, resource, scope, status, cursor) VALUES ($1, '_events', '', 'complete', $2)")
        .bind(e.sim.account_id())
        .bind(json!({"created": old, "ids": []}))
        .execute(&e.db.pool)
        .await?;
    let r = e.sync.sync_events().await;
    assert!(matches!(r, Err(Error::FullBackfillNeeded(_))), "{r:?}");
    e.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_single_fetches_by_id_prefix_and_records_deletes() -> Result<()> {
    let e = env(
        SimConfig::new(fixtures())
            .with_count("customer", 2)
            .with_count("product", 2),
        |_| {},
    )
    .await?;
    let cus = e.sim_ids("customer").into_iter().next().unwrap();
    let r = e.sync.sync_single(&cus).await?;
    assert_eq!(r.table, "customers");
    assert!(r.written && !r.deleted);
    assert!(e.db_ids("customers").await?.contains(&cus));
    let prod = e.sim_ids("product").into_iter().next().unwrap();
    assert_eq!(e.sync.sync_single(&prod).await?.table, "products");

    e.sync
        .client()
        .delete_json(&format!("/v1/customers/{cus}"))
        .await?;
    let r = e.sync.sync_single(&cus).await?;
    assert!(r.deleted);
    let n: i64 = e
        .count(&format!(
            "SELECT count(*) FROM stripe.customers WHERE id = '{cus}' AND _deleted_at IS NOT NULL"
        ))
        .await?;
    assert_eq!(n, 1);
    assert!(matches!(
        e.sync.sync_single("zzz_unknown").await,
        Err(Error::Unsupported(_))
    ));
    e.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_catch_ups_apply_each_event_once() -> Result<()> {
    let e = env(SimConfig::new(fixtures()).with_count("customer", 5), |_| {}).await?;
    e.sync
        .backfill(BackfillRequest::objects(["customer"]))
        .await?;
    for i in 0..12 {
        e.post("/v1/customers", &[("name", &format!("c{i}"))])
            .await?;
    }
    let other = stripe_sync::StripeSync::new(support::config_for(&e.db, &e.sim)).await?;
    let (a, b) = tokio::join!(e.sync.sync_events(), other.sync_events());
    let (a, b) = (a?, b?);
    assert_eq!(a.applied + b.applied, 12, "{a:?} {b:?}");
    assert_eq!(
        e.count("SELECT count(*) FROM stripe_sync.events").await?,
        12
    );
    assert_eq!(e.db_ids("customers").await?, e.sim_ids("customer"));
    other.close().await;
    e.finish().await
}

/// Hundreds of events in one catch-up: they are paged toward newer events
/// (`ending_before`), so the last write wins and the next catch-up starts
/// right after the last event applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catch_up_pages_through_many_events_in_order() -> Result<()> {
    let e = env(SimConfig::new(fixtures()).with_count("customer", 3), |_| {}).await?;
    e.sync
        .backfill(BackfillRequest::objects(["customer"]))
        .await?;
    let id = e.sim_ids("customer").into_iter().next().unwrap();
    for i in 0..260 {
        e.post(
            &format!("/v1/customers/{id}"),
            &[("name", &format!("v{i}"))],
        )
        .await?;
    }
    let report = e.sync.sync_events().await?;
    assert_eq!(report.fetched, 260, "{report:?}");
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM stripe.customers WHERE id = $1")
            .bind(&id)
            .fetch_one(&e.db.pool)
            .await?;
    assert_eq!(name.as_deref(), Some("v259"));
    // Finding the first event walks 3 pages; applying walks 3 more (the
    // last one empty or short).
    let requests: i64 =
        sqlx::query_scalar("SELECT requests FROM stripe_sync.sync_run_objects WHERE run_id = $1")
            .bind(report.run_id)
            .fetch_one(&e.db.pool)
            .await?;
    assert!((5..=8).contains(&requests), "requests = {requests}");

    e.post(&format!("/v1/customers/{id}"), &[("name", "after")])
        .await?;
    let next = e.sync.sync_events().await?;
    assert_eq!((next.fetched, next.applied), (1, 1), "{next:?}");
    let requests: i64 =
        sqlx::query_scalar("SELECT requests FROM stripe_sync.sync_run_objects WHERE run_id = $1")
            .bind(next.run_id)
            .fetch_one(&e.db.pool)
            .await?;
    assert!(
        requests <= 2,
        "a catch-up from a known event lists from it: {requests}"
    );
    e.finish().await
}

/// An events cursor written by the release before typed cursors (untagged,
/// as its `save_cursor` wrote it) resumes after its `last_id`: the events up
/// to it are not applied again. An unreadable one starts over from the last
/// backfill, without a panic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_cursor_of_the_previous_release_resumes() -> Result<()> {
    let e = env(SimConfig::new(fixtures()).with_count("customer", 5), |_| {}).await?;
    e.sync
        .backfill(BackfillRequest::objects(["customer"]))
        .await?;
    let ids: Vec<String> = e.sim_ids("customer").into_iter().collect();
    for (i, id) in ids.iter().take(3).enumerate() {
        e.post(
            &format!("/v1/customers/{id}"),
            &[("name", &format!("n{i}"))],
        )
        .await?;
    }
    let listed = e
        .sync
        .client()
        .get_json("/v1/events", &[("limit".into(), "100".into())])
        .await?;
    let events = listed["data"].as_array().unwrap().clone();
    assert!(events.len() >= 3, "{listed}");
    // The oldest event was applied by the previous release.
    let oldest = events.last().unwrap();
    let (oldest_id, created) = (
        oldest["id"].as_str().unwrap(),
        oldest["created"].as_i64().unwrap(),
    );
    let cursor = json!({"created": created, "ids": [oldest_id], "last_id": oldest_id});
    // The backfill set a cursor at its start; the previous release's replaces it.
    sqlx::query("INSERT INTO stripe_sync.sync_state (account_id, resource, scope, status, cursor) VALUES ($1, '_events', '', 'complete', $2)
                 ON CONFLICT (account_id, resource, scope) DO UPDATE SET cursor = EXCLUDED.cursor, status = EXCLUDED.status")
        .bind(e.sim.account_id())
        .bind(&cursor)
        .execute(&e.db.pool)
        .await?;
    let report = e.sync.sync_events().await?;
    assert_eq!(report.fetched as usize, events.len() - 1, "{report:?}");
    let applied: Vec<String> = sqlx::query_scalar("SELECT id FROM stripe_sync.events")
        .fetch_all(&e.db.pool)
        .await?;
    assert!(!applied.iter().any(|id| id == oldest_id), "{applied:?}");

    // Garbage: read as no cursor, so from the backfill's start (every event
    // since, the applied ones being duplicates), not a panic.
    sqlx::query("UPDATE stripe_sync.sync_state SET cursor = '{\"created\": \"yesterday\"}' WHERE resource = '_events'")
        .execute(&e.db.pool)
        .await?;
    let again = e.sync.sync_events().await?;
    assert!(again.fetched >= 1, "{again:?}");
    e.finish().await
}

/// With Stripe's clock two minutes behind ours, a read dated by our clock
/// would be newer than every event Stripe makes in those two minutes, and
/// they would be dropped as stale. Reads are dated by Stripe's clock, as
/// its `Date` header shows it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_are_dated_by_stripes_clock_so_a_change_after_them_is_applied() -> Result<()> {
    let e = env(SimConfig::new(fixtures()).with_count("customer", 3), |_| {}).await?;
    e.sim.set_clock_offset(-120);
    assert!(
        e.sync
            .backfill(BackfillRequest::objects(["customer"]))
            .await?
            .succeeded
    );
    assert!(
        (-122..=-118).contains(&e.sync.client().skew_secs()),
        "skew read from the Date header: {}",
        e.sync.client().skew_secs()
    );
    let id = e.sim_ids("customer").into_iter().next().unwrap();
    let stored: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT _updated_at FROM stripe.customers WHERE id = $1")
            .bind(&id)
            .fetch_one(&e.db.pool)
            .await?;
    let stripe_now = chrono::Utc::now().timestamp() - 120;
    assert!(
        stored.timestamp() < stripe_now,
        "the read is dated by Stripe's clock: {stored}, Stripe's now {stripe_now}"
    );

    // A change Stripe makes after the read is applied.
    e.post(
        &format!("/v1/customers/{id}"),
        &[("name", "after the read")],
    )
    .await?;
    let page = e
        .sync
        .client()
        .get_json(
            "/v1/events",
            &[("type".to_string(), "customer.updated".to_string())],
        )
        .await?;
    let event = page["data"]
        .as_array()
        .and_then(|d| {
            d.iter()
                .find(|ev| ev["data"]["object"]["id"] == id.as_str())
        })
        .cloned()
        .unwrap();
    let r = e.sync.process_event(&event).await?;
    assert_eq!(r.outcome, stripe_sync::EventOutcome::Applied, "{r:?}");
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM stripe.customers WHERE id = $1")
            .bind(&id)
            .fetch_one(&e.db.pool)
            .await?;
    assert_eq!(name.as_deref(), Some("after the read"));
    e.finish().await
}
