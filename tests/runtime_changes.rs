//! The change log (issue 34): one entry per real change whatever arrives
//! twice, out of order or stale, and whichever path writes it; positions a
//! concurrent reader sees once each, in order; and a consumer that dies at
//! random points and resumes from its acknowledged position.

use crate::rsupport;
use crate::support;

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{ensure, Result};
use rsupport::{events_oldest_first, signed_now, start_server, Rng};
use serde_json::{json, Value};
use stripe_sync::changes::{self, Op};
use stripe_sync::BackfillRequest;
use stripe_sync::Schema;
use stripe_sync_simulator::SimConfig;
use support::{env, fixtures, Env};

const SECRET: &str = "whsec_change_log_tests";

/// Every entry kept, in order, once every entry written is numbered.
async fn all(e: &Env) -> Result<Vec<changes::Change>> {
    stripe_sync_tests::changes_settled(&e.db.pool).await
}

/// POSTs `ev` signed to `url`; the status.
async fn deliver(http: &reqwest::Client, url: &str, ev: &Value) -> Result<u16> {
    let body = serde_json::to_vec(ev)?;
    Ok(http
        .post(url)
        .header("stripe-signature", signed_now(&body, SECRET))
        .body(body)
        .send()
        .await?
        .status()
        .as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_real_change_is_one_entry_whatever_arrives_twice_late_or_stale() -> Result<()> {
    let e = env(SimConfig::small_account(fixtures()), |c| {
        c.stripe_webhook_secret = Some(SECRET.into())
    })
    .await?;
    e.sync.account_id().await?;
    let report = e
        .sync
        .backfill(BackfillRequest::objects(["customer"]))
        .await?;
    ensure!(report.succeeded);
    let customers = e.count("SELECT count(*) FROM stripe.customers").await?;
    let backfilled = all(&e).await?;
    ensure!(
        backfilled.len() as i64 == customers,
        "{} entries for {customers} customers",
        backfilled.len()
    );
    ensure!(backfilled.iter().all(|c| c.op == Op::Created
        && c.table == "customers"
        && c.source.as_deref() == Some("backfill")));
    ensure!(backfilled.windows(2).all(|w| w[1].seq == w[0].seq + 1) && backfilled[0].seq == 1);
    let after_backfill = backfilled.last().map(|c| c.seq).unwrap_or(0);

    // Real changes at the simulator, one per customer: 12 renamed, 4
    // deleted, 6 created.
    let seeded = e.sim.objects("event").len();
    let ids: Vec<String> = e.db_ids("customers").await?.into_iter().take(16).collect();
    for id in &ids[..12] {
        e.post(&format!("/v1/customers/{id}"), &[("name", "renamed once")])
            .await?;
    }
    for id in &ids[12..] {
        e.sync
            .client()
            .delete_json(&format!("/v1/customers/{id}"))
            .await?;
    }
    for i in 0..6 {
        e.post("/v1/customers", &[("name", &format!("new {i}"))])
            .await?;
    }
    let events: Vec<Value> = events_oldest_first(&e.sim)
        .into_iter()
        .skip(seeded)
        .filter(|ev| ev["data"]["object"]["object"] == "customer")
        .collect();
    ensure!(events.len() == 22, "{} customer events", events.len());

    // Delivered each twice in a random order (one change per object: any
    // order is Stripe's order for it), then all again newest first, then a
    // stale copy of each rename: older than what the mirror holds.
    let (addr, _stop) = start_server(e.sync.clone()).await?;
    let url = format!("http://{addr}/webhooks");
    let http = reqwest::Client::new();
    let mut rng = Rng::new(0xc4a9_6e01);
    let mut order: Vec<usize> = (0..events.len()).chain(0..events.len()).collect();
    rng.shuffle(&mut order);
    order.extend((0..events.len()).rev());
    for &i in &order {
        ensure!(deliver(&http, &url, &events[i]).await? == 200);
    }
    for ev in events.iter().filter(|ev| ev["type"] == "customer.updated") {
        let mut stale = ev.clone();
        stale["id"] = json!(format!("{}_stale", ev["id"].as_str().unwrap_or("")));
        stale["created"] = json!(ev["created"].as_i64().unwrap_or(0) - 3600);
        stale["data"]["object"]["name"] = json!("stale");
        ensure!(deliver(&http, &url, &stale).await? == 200);
    }

    // Exactly one entry per simulator event, carrying its id and its kind.
    let logged: Vec<changes::Change> = all(&e)
        .await?
        .into_iter()
        .filter(|c| c.seq > after_backfill)
        .collect();
    let by_event: BTreeMap<String, &changes::Change> = logged
        .iter()
        .filter_map(|c| Some((c.event_id.clone()?, c)))
        .collect();
    println!(
        "{} deliveries of {} events (+{} stale): {} entries",
        order.len(),
        events.len(),
        12,
        logged.len()
    );
    ensure!(
        logged.len() == events.len() && by_event.len() == events.len(),
        "{logged:#?}"
    );
    for ev in &events {
        let id = ev["id"].as_str().unwrap_or_default();
        let c = by_event
            .get(id)
            .ok_or_else(|| anyhow::anyhow!("no entry for {id}"))?;
        let want = match ev["type"].as_str() {
            Some("customer.created") => Op::Created,
            Some("customer.deleted") => Op::Deleted,
            _ => Op::Updated,
        };
        ensure!(
            c.op == want && c.id == ev["data"]["object"]["id"].as_str().unwrap_or_default(),
            "{ev}: {c:?}"
        );
        ensure!(c.source.as_deref() == Some("webhook"), "{c:?}");
        if want == Op::Updated {
            let name = c.columns.as_ref().and_then(|m| m.get("name"));
            ensure!(
                name.is_some_and(|n| n["new"] == "renamed once" && n["old"] != "renamed once"),
                "{c:?}"
            );
        }
    }
    let last = logged.last().map(|c| c.seq).unwrap_or(after_backfill);

    // Nothing changed since: an incremental and a --full backfill at once,
    // then a catch-up over the same events, write no entry.
    let mut full = BackfillRequest::objects(["customer"]);
    full.full = true;
    let (incremental, full) = tokio::join!(
        e.sync.backfill(BackfillRequest::objects(["customer"])),
        e.sync.backfill(full)
    );
    ensure!(incremental?.succeeded && full?.succeeded);
    let caught_up = e.sync.sync_events().await?;
    let more: Vec<changes::Change> = all(&e)
        .await?
        .into_iter()
        .filter(|c| c.seq > last)
        .collect();
    println!(
        "after two backfills and a catch-up ({caught_up:?}): {} more entries",
        more.len()
    );
    ensure!(more.is_empty(), "{more:#?}");
    e.finish().await
}

/// An empty account whose webhooks `serve` and the SQL path both take.
async fn both_paths() -> Result<Env> {
    let e = env(SimConfig::new(fixtures()), |c| {
        c.stripe_webhook_secret = Some(SECRET.into())
    })
    .await?;
    let account = e.sync.account_id().await?;
    sqlx::query("SELECT stripe_sync.add_webhook_secret($1, $2)")
        .bind(SECRET)
        .bind(&account)
        .execute(&e.db.pool)
        .await?;
    Ok(e)
}

/// Synthetic `customer.created` events for ids `prefix0..prefix{n}`.
fn created_events(prefix: &str, n: usize) -> Vec<Value> {
    let t = chrono::Utc::now().timestamp();
    (0..n)
        .map(|i| {
            json!({"id": format!("evt_{prefix}{i:04}"), "object": "event", "type": "customer.created",
                   "created": t, "livemode": false, "api_version": stripe_sync_generated::API_VERSION,
                   "data": {"object": {"id": format!("cus_{prefix}{i:04}"), "object": "customer",
                                       "name": format!("{prefix} {i}"), "created": t}}})
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_and_a_reader_see_every_entry_once_in_order() -> Result<()> {
    let e = both_paths().await?;
    let (addr, _stop) = start_server(e.sync.clone()).await?;
    let url = format!("http://{addr}/webhooks");
    const PER_WRITER: usize = 60;
    // Two writers through serve, two through the SQL path, at once.
    let mut writers = Vec::new();
    for w in 0..4 {
        let (url, pool) = (url.clone(), e.db.pool.clone());
        writers.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            for ev in created_events(&format!("w{w}x"), PER_WRITER) {
                if w < 2 {
                    ensure!(deliver(&http, &url, &ev).await? == 200);
                } else {
                    let body = serde_json::to_vec(&ev)?;
                    let _: String =
                        sqlx::query_scalar("SELECT stripe_sync.process_webhook($1, $2)")
                            .bind(&body)
                            .bind(signed_now(&body, SECRET))
                            .fetch_one(&pool)
                            .await?;
                }
            }
            anyhow::Ok(())
        }));
    }
    // The reader: small pages after the last position it saw, while they write.
    let pool = e.db.pool.clone();
    let reader = tokio::spawn(async move {
        let mut seen: Vec<changes::Change> = Vec::new();
        let deadline = std::time::Instant::now() + stripe_sync_tests::WAIT_LIMIT;
        while seen.len() < 4 * PER_WRITER && std::time::Instant::now() < deadline {
            let since = seen.last().map(|c| c.seq).unwrap_or(0);
            let page = changes::after(&Schema::default(), &pool, since, 7).await?;
            if page.is_empty() {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            seen.extend(page);
        }
        anyhow::Ok(seen)
    });
    for w in writers {
        w.await??;
    }
    let seen = reader.await??;
    let ids: BTreeSet<&str> = seen.iter().map(|c| c.id.as_str()).collect();
    println!(
        "the reader saw {} entries of {} objects",
        seen.len(),
        ids.len()
    );
    ensure!(seen.len() == 4 * PER_WRITER && ids.len() == 4 * PER_WRITER);
    ensure!(seen.first().map(|c| c.seq) == Some(1));
    ensure!(
        seen.windows(2).all(|w| w[1].seq == w[0].seq + 1),
        "positions skip or repeat"
    );
    let sources: BTreeSet<Option<&str>> = seen.iter().map(|c| c.source.as_deref()).collect();
    ensure!(sources == BTreeSet::from([Some("webhook")]), "{sources:?}");
    e.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_dying_at_random_points_handles_every_entry_once() -> Result<()> {
    let e = both_paths().await?;
    for ev in created_events("k", 300) {
        let body = serde_json::to_vec(&ev)?;
        let _: String = sqlx::query_scalar("SELECT stripe_sync.process_webhook($1, $2)")
            .bind(&body)
            .bind(signed_now(&body, SECRET))
            .fetch_one(&e.db.pool)
            .await?;
    }
    // What the consumer did, kept in the same transaction as its ack.
    sqlx::query("CREATE TABLE handled (seq bigint PRIMARY KEY)")
        .execute(&e.db.pool)
        .await?;
    let mut rng = Rng::new(0xdead_0034);
    let (mut deaths, mut rounds) = (0, 0);
    let deadline = std::time::Instant::now() + stripe_sync_tests::WAIT_LIMIT;
    while changes::position(&Schema::default(), &e.db.pool, "mailer").await? < 300 {
        ensure!(std::time::Instant::now() < deadline, "the consumer stalled");
        rounds += 1;
        let mut tx = e.db.pool.begin().await?;
        let page: Vec<i64> =
            sqlx::query_scalar("SELECT seq FROM stripe_sync.consume_changes('mailer', $1)")
                .bind(1 + rng.below(40) as i32)
                .fetch_all(&mut *tx)
                .await?;
        if page.is_empty() {
            // Not numbered yet (an older transaction elsewhere is running).
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            continue;
        }
        // Dies (its transaction never commits) before handling, after
        // handling, or after acknowledging: a third of the time.
        let death = rng.below(9);
        if death == 0 {
            deaths += 1;
            drop(tx);
            continue;
        }
        sqlx::query("INSERT INTO handled SELECT unnest($1::bigint[])")
            .bind(&page)
            .execute(&mut *tx)
            .await?;
        if death == 1 {
            deaths += 1;
            drop(tx);
            continue;
        }
        sqlx::query("SELECT stripe_sync.ack_changes('mailer', $1)")
            .bind(page.last().copied().unwrap_or(0))
            .execute(&mut *tx)
            .await?;
        if death == 2 {
            deaths += 1;
            drop(tx);
            continue;
        }
        tx.commit().await?;
    }
    let handled: Vec<i64> = sqlx::query_scalar("SELECT seq FROM handled ORDER BY seq")
        .fetch_all(&e.db.pool)
        .await?;
    println!(
        "{rounds} rounds, {deaths} deaths: {} entries handled",
        handled.len()
    );
    ensure!(deaths > 0);
    ensure!(handled == (1..=300).collect::<Vec<i64>>(), "{handled:?}");
    ensure!(changes::position(&Schema::default(), &e.db.pool, "mailer").await? == 300);

    // The retention: positions at or below what it pruned are refused, not skipped.
    changes::set_retention(&Schema::default(), &e.db.pool, None, Some(100)).await?;
    let kept = changes::after(&Schema::default(), &e.db.pool, 200, 1000).await?;
    ensure!(kept.len() == 100 && kept[0].seq == 201);
    let refused = changes::after(&Schema::default(), &e.db.pool, 150, 1000)
        .await
        .unwrap_err()
        .to_string();
    ensure!(refused.contains("pruned through position 200"), "{refused}");
    // By age: everything is older than a second.
    sqlx::query(
        "UPDATE stripe_sync.change_log SET retain_age = interval '1 second', retain_rows = NULL",
    )
    .execute(&e.db.pool)
    .await?;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let refused = changes::after(&Schema::default(), &e.db.pool, 250, 1000)
        .await
        .unwrap_err()
        .to_string();
    ensure!(refused.contains("pruned through position 300"), "{refused}");
    ensure!(changes::after(&Schema::default(), &e.db.pool, 300, 1000)
        .await?
        .is_empty());
    e.finish().await
}

/// One row written by two transactions whose ids run against the order of
/// their writes (the second writer's transaction began first), while a third
/// transaction begun between them stays open. The second write's entry can
/// be numbered before the first's (its transaction is older than the open
/// one), but it waits for it: one row's changes are numbered in the order
/// they were made, and each is described against the next.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_rows_changes_are_numbered_in_the_order_they_were_made() -> Result<()> {
    use stripe_sync::store::{begin_write, upsert_objects, ChangeSource, Commit};
    let e = env(SimConfig::new(fixtures()), |_| {}).await?;
    let pool = &e.db.pool;
    let customers = stripe_sync_generated::registry::resource("customer")
        .ok_or_else(|| anyhow::anyhow!("no customer resource"))?;
    let customer = |name: &str| {
        json!({"id": "cus_inorder", "object": "customer", "name": name, "created": 1}).to_string()
    };
    let at =
        |secs: i64| chrono::DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap_or_default();
    let ours = |read: Vec<changes::Change>| -> Vec<changes::Change> {
        read.into_iter().filter(|c| c.id == "cus_inorder").collect()
    };
    let mut second = begin_write(
        &Schema::default(),
        pool,
        Commit::Durable,
        false,
        ChangeSource::Webhook,
    )
    .await?;
    sqlx::query("SELECT pg_current_xact_id()")
        .execute(&mut *second)
        .await?;
    let mut open = pool.begin().await?;
    sqlx::query("SELECT pg_current_xact_id()")
        .execute(&mut *open)
        .await?;
    let mut first = begin_write(
        &Schema::default(),
        pool,
        Commit::Durable,
        false,
        ChangeSource::Webhook,
    )
    .await?;
    upsert_objects(
        &Schema::default(),
        &mut *first,
        customers,
        &[customer("one")],
        "acct_inorder",
        at(1),
    )
    .await?;
    first.commit().await?;
    upsert_objects(
        &Schema::default(),
        &mut *second,
        customers,
        &[customer("two")],
        "acct_inorder",
        at(2),
    )
    .await?;
    // The control: another row, written by the same (older) transaction,
    // whose entry nothing holds back once that transaction commits.
    let control = json!({"id": "cus_inorder_control", "object": "customer", "created": 1});
    upsert_objects(
        &Schema::default(),
        &mut *second,
        customers,
        &[control.to_string()],
        "acct_inorder",
        at(2),
    )
    .await?;
    second.commit().await?;
    // Once the control is numbered (another test's open transaction may
    // hold numbering back a moment), the second write could have been:
    // it must still wait for the first.
    let early = stripe_sync_tests::wait_for("the control numbered", || async {
        let read = changes::after(&Schema::default(), pool, 0, 10_000).await?;
        Ok(read
            .iter()
            .any(|c| c.id == "cus_inorder_control")
            .then_some(read))
    })
    .await?;
    let early = ours(early);
    ensure!(
        early.is_empty(),
        "numbered before the row's earlier change: {early:#?}"
    );
    open.commit().await?;
    let all = ours(stripe_sync_tests::changes_settled(pool).await?);
    println!("{all:#?}");
    ensure!(all.len() == 2, "{all:#?}");
    ensure!(all[0].op == Op::Created && all[0].seq < all[1].seq);
    ensure!(all[1].op == Op::Updated);
    ensure!(
        all[1].columns == Some(json!({"name": {"old": "one", "new": "two"}})),
        "{:?}",
        all[1].columns
    );
    e.finish().await
}

/// Why event writers turn sequential scans off (`store::begin_write`): a
/// generic plan of the ledger's update made while the ledger was empty
/// scanned it whole on every later batch as it grew. Here the plan is made
/// on an empty ledger, as a fresh mirror's first webhook makes it: in a
/// webhook's transaction it reads the ledger by index; in a backfill's,
/// which keeps PostgreSQL's default, the same plan is a sequential scan
/// (the control: without the setting the webhook's would be one too).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_plans_the_ledger_by_index_even_on_an_empty_ledger() -> Result<()> {
    use stripe_sync::store::{begin_write, ChangeSource, Commit};
    let e = env(SimConfig::new(fixtures()), |_| {}).await?;
    let schema = &Schema::default();
    let empty: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe_sync.events")
        .fetch_one(&e.db.pool)
        .await?;
    ensure!(empty == 0);
    let mut plans = BTreeMap::new();
    for source in [ChangeSource::Webhook, ChangeSource::Backfill] {
        let mut tx = begin_write(schema, &e.db.pool, Commit::Durable, false, source).await?;
        sqlx::query("SET LOCAL plan_cache_mode = force_generic_plan")
            .execute(&mut *tx)
            .await?;
        // The statement `events::write` runs after each batch.
        sqlx::query(
            "PREPARE ledger_update (text[], text[]) AS
             UPDATE stripe_sync.events AS e SET outcome = ($2::text[])[array_position($1::text[], e.id)], processed_at = now()
              WHERE e.id = ANY($1::text[])",
        )
        .execute(&mut *tx)
        .await?;
        let plan: Value =
            sqlx::query_scalar("EXPLAIN (FORMAT JSON) EXECUTE ledger_update(NULL, NULL)")
                .fetch_one(&mut *tx)
                .await?;
        tx.rollback().await?;
        plans.insert(source.as_str(), plan.to_string());
    }
    ensure!(
        !plans["webhook"].contains("Seq Scan") && plans["webhook"].contains("Index"),
        "{}",
        plans["webhook"]
    );
    ensure!(
        plans["backfill"].contains("Seq Scan"),
        "{}",
        plans["backfill"]
    );
    e.finish().await
}
