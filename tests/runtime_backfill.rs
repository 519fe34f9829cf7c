//! Backfill end to end: real PostgreSQL, the simulator over HTTP.

use crate::support;

use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::Value;
use stripe_sync::{BackfillRequest, ObjectStatus, StripeSync};
use stripe_sync_simulator::{Faults, SimConfig};
use support::{config_for, env, fixtures};

/// Every object type the small account seeds ends up in its table, exactly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backfill_of_all_resources_equals_the_simulator() -> Result<()> {
    let e = env(SimConfig::small_account(fixtures()), |_| {}).await?;
    let report = e.sync.backfill(BackfillRequest::all()).await?;
    for o in &report.objects {
        assert_ne!(
            o.status,
            ObjectStatus::Failed,
            "{} failed: {:?}",
            o.object,
            o.error
        );
    }
    assert!(report.succeeded);
    let counts = stripe_sync_simulator::seed::small_account_counts();
    for object in counts.keys() {
        let res = stripe_sync_generated::resource(object).expect("seeded objects have tables");
        let sim = e.sim_ids(object);
        let db = e.db_ids(res.table).await?;
        assert!(!sim.is_empty(), "{object}: simulator seeded nothing");
        assert_eq!(db, sim, "{object}: database differs from the simulator");
    }
    // The stored JSON is the API's JSON, as listed: with the tax ids and
    // sources the backfill asked for (`expand[]`).
    for c in e.sim.objects("customer") {
        let id = c["id"].as_str().unwrap_or_default().to_string();
        let c = e
            .sync
            .client()
            .get_json(
                &format!("/v1/customers/{id}"),
                &[
                    ("expand[]".to_string(), "sources".to_string()),
                    ("expand[]".to_string(), "tax_ids".to_string()),
                ],
            )
            .await?;
        assert!(c["tax_ids"]["object"] == "list", "{c}");
        let raw: Value = sqlx::query_scalar("SELECT _raw_data FROM stripe.customers WHERE id = $1")
            .bind(&id)
            .fetch_one(&e.db.pool)
            .await?;
        assert_eq!(raw, c, "customer {id}");
    }
    let acct = e.sim.account_id().to_string();
    let other: i64 = e
        .count(&format!(
            "SELECT count(*) FROM stripe.customers WHERE _account_id <> '{acct}'"
        ))
        .await?;
    assert_eq!(other, 0);
    // The run is recorded, with per-object rows.
    let (status, fetched): (String, i64) =
        sqlx::query_as("SELECT status, fetched FROM stripe_sync.sync_runs WHERE id = $1")
            .bind(report.run_id)
            .fetch_one(&e.db.pool)
            .await?;
    assert_eq!(status, "succeeded");
    assert_eq!(fetched as u64, report.fetched);
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe_sync.sync_run_objects WHERE run_id = $1 AND finished_at IS NOT NULL")
        .bind(report.run_id)
        .fetch_one(&e.db.pool)
        .await?;
    assert_eq!(n as usize, report.objects.len());
    e.finish().await
}

/// An interrupted backfill resumes from its cursors instead of starting over.
/// The interruption is an event, not a deadline: after eight customer pages
/// every list request hangs, and the backfill is dropped once rows are
/// stored, so it is cut mid-way however fast the machine is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupted_backfill_resumes() -> Result<()> {
    let sc = SimConfig::new(fixtures()).with_count("customer", 3000);
    let e = env(sc, |c| c.backfill_concurrency = 2).await?;
    e.sim.set_faults(Faults {
        rate_hang: 1.0,
        hang: Duration::from_secs(600),
        path: Some("/v1/customers".into()),
        start_after_requests: 8,
        ..Default::default()
    });
    let req = BackfillRequest::objects(["customer"]);
    let stored = async {
        stripe_sync_tests::wait_for("rows stored and a list request hung", || async {
            let n = e.db_ids("customers").await?.len();
            Ok((n > 0 && e.sim.fault_stats().injected > 0).then_some(n))
        })
        .await
    };
    tokio::select! {
        r = e.sync.backfill(req.clone()) => {
            anyhow::bail!("the backfill should have hung on the faulted requests, it ended: {:?}", r.map(|r| r.objects))
        }
        r = stored => { r?; }
    }
    // Dropping the backfill above interrupted it; clearing the faults
    // releases the simulator's hung requests.
    e.sim.set_faults(Faults::default());
    let partial = e.db_ids("customers").await?.len();
    assert!(partial > 0 && partial <= 800, "partial = {partial}");
    let pending: i64 = e
        .count("SELECT count(*) FROM stripe_sync.sync_state WHERE resource = 'customers' AND scope <> '' AND status <> 'complete'")
        .await?;
    assert!(pending > 0);

    // A new instance (as after a restart) picks up where it stopped.
    let again = StripeSync::new(config_for(&e.db, &e.sim)).await?;
    let report = again.backfill(req).await?;
    assert!(report.succeeded);
    let rep = report.object("customer").unwrap();
    // Rows and cursors commit together, and a split stores both halves'
    // bounds at once: nothing stored is fetched again.
    assert_eq!(
        rep.fetched as usize,
        3000 - partial,
        "resumed run fetched {} after {partial} were stored",
        rep.fetched
    );
    assert_eq!(e.db_ids("customers").await?, e.sim_ids("customer"));
    again.close().await;
    e.finish().await
}

/// A later backfill only fetches what was created since; `full` fetches all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_resync_fetches_only_new_objects() -> Result<()> {
    let e = env(
        SimConfig::new(fixtures()).with_count("customer", 500),
        |_| {},
    )
    .await?;
    let req = BackfillRequest::objects(["customer"]);
    let first = e.sync.backfill(req.clone()).await?;
    assert_eq!(first.object("customer").unwrap().fetched, 500);
    let new = e
        .post("/v1/customers", &[("email", "new@example.com")])
        .await?;
    let new_id = new["id"].as_str().unwrap().to_string();

    let second = e.sync.backfill(req.clone()).await?;
    let rep = second.object("customer").unwrap();
    assert!(rep.fetched < 50, "incremental run fetched {}", rep.fetched);
    assert!(e.db_ids("customers").await?.contains(&new_id));
    assert_eq!(e.db_ids("customers").await?, e.sim_ids("customer"));

    let full = e
        .sync
        .backfill(BackfillRequest { full: true, ..req })
        .await?;
    assert_eq!(full.object("customer").unwrap().fetched, 501);
    e.finish().await
}

/// Injected 429s and 500s are retried until the backfill succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backfill_succeeds_through_injected_429_and_500() -> Result<()> {
    let mut sc = SimConfig::new(fixtures())
        .with_count("customer", 600)
        .with_count("product", 150);
    sc.faults = Faults {
        rate_429: 0.25,
        rate_500: 0.15,
        ..Default::default()
    };
    let e = env(sc, |c| c.max_retries = 12).await?;
    let report = e
        .sync
        .backfill(BackfillRequest::objects(["customer", "product"]))
        .await?;
    assert!(report.succeeded, "{:?}", report.objects);
    assert_eq!(e.db_ids("customers").await?, e.sim_ids("customer"));
    assert_eq!(e.db_ids("products").await?, e.sim_ids("product"));
    let requests: u64 = report.objects.iter().map(|o| o.requests).sum();
    assert!(
        e.sim.request_count() > requests,
        "faults should have forced retries"
    );
    e.finish().await
}

/// When retries run out, the object fails, the run is recorded as failed,
/// and other objects still complete.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_object_fails_the_run() -> Result<()> {
    let sc = SimConfig::new(fixtures()).with_count("customer", 50);
    let e = env(sc, |c| c.max_retries = 1).await?;
    e.sync.account_id().await?; // resolved before the API starts failing
    e.sim.set_faults(Faults {
        rate_500: 1.0,
        ..Default::default()
    });
    let report = e
        .sync
        .backfill(BackfillRequest::objects(["customer"]))
        .await?;
    assert!(!report.succeeded);
    assert_eq!(
        report.object("customer").unwrap().status,
        ObjectStatus::Failed
    );
    let status: String =
        sqlx::query_scalar("SELECT status FROM stripe_sync.sync_runs WHERE id = $1")
            .bind(report.run_id)
            .fetch_one(&e.db.pool)
            .await?;
    assert_eq!(status, "failed");
    let obj: (String, Option<String>) =
        sqlx::query_as("SELECT status, error FROM stripe_sync.sync_run_objects WHERE run_id = $1 AND resource = 'customer'")
            .bind(report.run_id)
            .fetch_one(&e.db.pool)
            .await?;
    assert_eq!(obj.0, "failed");
    assert!(obj.1.is_some());
    // Nothing leaks the key.
    assert!(!obj.1.unwrap().contains("sk_test_runtime_tests"));

    e.sim.set_faults(Faults::default());
    let report = e
        .sync
        .backfill(BackfillRequest::objects(["customer"]))
        .await?;
    assert!(report.succeeded);
    assert_eq!(e.db_ids("customers").await?, e.sim_ids("customer"));
    e.finish().await
}

/// The shared token bucket keeps the request rate under the configured limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_is_respected() -> Result<()> {
    let sc = SimConfig::new(fixtures())
        .with_count("customer", 1200)
        .with_count("product", 400);
    let e = env(sc, |c| c.max_requests_per_second = Some(20)).await?;
    let before = e.sim.request_count();
    let t0 = Instant::now();
    let report = e
        .sync
        .backfill(BackfillRequest::objects(["customer", "product"]))
        .await?;
    let elapsed = t0.elapsed().as_secs_f64();
    let requests = e.sim.request_count() - before;
    assert!(report.succeeded);
    assert!(requests >= 17, "requests = {requests}");
    // 20/s plus the burst (4) plus the account lookup.
    let allowed = 20.0 * elapsed + 5.0;
    assert!(
        (requests as f64) <= allowed,
        "{requests} requests in {elapsed:.2}s (allowed {allowed:.1})"
    );
    e.finish().await
}

/// Makes two runs overlap whatever the machine's speed: every list request
/// hangs until both instances have started a run and `held` requests are
/// hanging, then all are released. Without this, one run could finish
/// before the other starts on a fast machine, and the test would check
/// nothing concurrent.
async fn hold_lists_until_runs_overlap(
    e: &support::Env,
    other: &StripeSync,
    held: u64,
) -> Result<()> {
    // The account lookup is not held: both instances know their account.
    e.sync.account_id().await?;
    other.account_id().await?;
    e.sim.set_faults(Faults {
        rate_hang: 1.0,
        hang: Duration::from_secs(600),
        path: Some("/v1/".into()),
        ..Default::default()
    });
    let r = stripe_sync_tests::wait_for("both runs started with list requests held", || async {
        let runs = e
            .count("SELECT count(*) FROM stripe_sync.sync_runs")
            .await?;
        Ok((runs == 2 && e.sim.fault_stats().injected >= held).then_some(()))
    })
    .await;
    e.sim.set_faults(Faults::default());
    r
}

/// Two instances backfilling at once neither duplicate the work nor corrupt
/// the state: the one that waited for a resource the other completed does
/// not fetch it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_backfills_do_not_duplicate_work() -> Result<()> {
    let sc = SimConfig::new(fixtures()).with_count("customer", 2000);
    let e = env(sc, |_| {}).await?;
    let other = StripeSync::new(config_for(&e.db, &e.sim)).await?;
    let req = BackfillRequest::objects(["customer"]);
    let (a, b, overlap) = tokio::join!(
        e.sync.backfill(req.clone()),
        other.backfill(req.clone()),
        hold_lists_until_runs_overlap(&e, &other, 1)
    );
    overlap?;
    let (a, b) = (a?, b?);
    assert!(a.succeeded && b.succeeded);
    let (ra, rb) = (a.object("customer").unwrap(), b.object("customer").unwrap());
    assert_eq!(ra.fetched + rb.fetched, 2000, "{ra:?} {rb:?}");
    assert!(
        [ra.status, rb.status].contains(&ObjectStatus::DoneByOtherRun),
        "{ra:?} {rb:?}"
    );
    assert_eq!(e.db_ids("customers").await?, e.sim_ids("customer"));
    let bad: i64 = e
        .count("SELECT count(*) FROM stripe_sync.sync_state WHERE resource = 'customers' AND status <> 'complete'")
        .await?;
    assert_eq!(bad, 0);
    other.close().await;
    e.finish().await
}

/// Two instances backfilling several resources at once split them: one
/// waiting for a resource works on another meanwhile, and nothing is
/// fetched twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_backfills_split_the_resources() -> Result<()> {
    let sc = SimConfig::new(fixtures())
        .with_count("customer", 1000)
        .with_count("product", 1000)
        .with_count("coupon", 1000);
    let e = env(sc, |c| c.backfill_concurrency = 1).await?;
    let mut cfg = config_for(&e.db, &e.sim);
    cfg.backfill_concurrency = 1;
    let other = StripeSync::new(cfg).await?;
    let req = BackfillRequest::objects(["customer", "product", "coupon"]);
    // Each instance is held on its first list request: two resources, one each.
    let (a, b, overlap) = tokio::join!(
        e.sync.backfill(req.clone()),
        other.backfill(req.clone()),
        hold_lists_until_runs_overlap(&e, &other, 2)
    );
    overlap?;
    let (a, b) = (a?, b?);
    assert!(a.succeeded && b.succeeded);
    assert_eq!(
        a.fetched + b.fetched,
        3000,
        "{:?} {:?}",
        a.objects,
        b.objects
    );
    assert!(
        a.fetched > 0 && b.fetched > 0,
        "both instances worked: {} and {}",
        a.fetched,
        b.fetched
    );
    for (object, table) in [
        ("customer", "customers"),
        ("product", "products"),
        ("coupon", "coupons"),
    ] {
        assert_eq!(e.db_ids(table).await?, e.sim_ids(object), "{object}");
    }
    other.close().await;
    e.finish().await
}

/// An incremental backfill of a per-parent list (customer balance
/// transactions: no cheaper source) lists only under parents written since
/// the last complete run; `full` lists under every parent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_nested_lists_only_under_changed_parents() -> Result<()> {
    let e = env(
        SimConfig::new(fixtures())
            .with_count("customer", 30)
            .with_count("customer_balance_transaction", 20),
        |_| {},
    )
    .await?;
    let req = BackfillRequest::objects(["customer", "customer_balance_transaction"]);
    let table = "customer_balance_transactions";
    let first = e.sync.backfill(req.clone()).await?;
    assert!(first.succeeded, "{:?}", first.objects);
    let cbt = first.object(table).unwrap();
    assert_eq!(cbt.requests, 30, "one list per customer: {cbt:?}");
    assert_eq!(
        e.db_ids(table).await?,
        e.sim_ids("customer_balance_transaction")
    );

    // Unchanged account: no list under any customer.
    let second = e.sync.backfill(req.clone()).await?;
    assert_eq!(second.object(table).unwrap().requests, 0);

    // A new customer with a balance transaction: only its list is fetched.
    let cus = e.post("/v1/customers", &[("name", "new")]).await?;
    let cus = cus["id"].as_str().unwrap().to_string();
    e.post(
        &format!("/v1/customers/{cus}/balance_transactions"),
        &[("amount", "-500"), ("currency", "usd")],
    )
    .await?;
    let third = e.sync.backfill(req.clone()).await?;
    let cbt = third.object(table).unwrap();
    assert_eq!(cbt.requests, 1, "{cbt:?}");
    assert_eq!(
        e.db_ids(table).await?,
        e.sim_ids("customer_balance_transaction")
    );

    let full = e
        .sync
        .backfill(BackfillRequest { full: true, ..req })
        .await?;
    assert_eq!(full.object(table).unwrap().requests, 31);
    e.finish().await
}

/// With `stripe_account` set, objects come from the connected account and are
/// attributed to it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_backfill_is_attributed_to_the_connected_account() -> Result<()> {
    let mut sc = SimConfig::new(fixtures()).with_count("customer", 30);
    sc.connected_accounts = vec!["acct_1ConnectedTest0001".into()];
    let e = env(sc, |c| {
        c.stripe_account = Some("acct_1ConnectedTest0001".into())
    })
    .await?;
    let report = e
        .sync
        .backfill(BackfillRequest::objects(["customer"]))
        .await?;
    assert!(report.succeeded);
    let ids = support::live_ids(e.sim.objects_of("acct_1ConnectedTest0001", "customer"));
    assert_eq!(e.db_ids("customers").await?, ids);
    let other: i64 = e
        .count(
            "SELECT count(*) FROM stripe.customers WHERE _account_id <> 'acct_1ConnectedTest0001'",
        )
        .await?;
    assert_eq!(other, 0);
    e.finish().await
}

/// Large objects are compressed with lz4, not the server's default pglz
/// (`store::begin_write`): pglz took 17% of all CPU in a mixed backfill.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_data_is_compressed_with_lz4() -> Result<()> {
    let e = env(SimConfig::small_account(fixtures()), |_| {}).await?;
    let lz4: bool = sqlx::query_scalar(
        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'",
    )
    .fetch_one(&e.db.pool)
    .await?;
    assert!(lz4, "this test needs a PostgreSQL built with lz4");
    let report = e.sync.backfill(BackfillRequest::all()).await?;
    assert!(report.succeeded);
    let (lz4_values, pglz_values): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE c = 'lz4'), count(*) FILTER (WHERE c = 'pglz')
         FROM (SELECT pg_column_compression(_raw_data) AS c FROM stripe.invoices
               UNION ALL SELECT pg_column_compression(_raw_data) FROM stripe.subscriptions) v",
    )
    .fetch_one(&e.db.pool)
    .await?;
    assert!(lz4_values > 0, "no value was compressed at all");
    assert_eq!(
        pglz_values, 0,
        "{lz4_values} lz4 and {pglz_values} pglz values"
    );
    e.finish().await
}

/// A permission error on an object type marks that type not permitted; the run goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permission_errors_skip_the_type_and_the_run_continues() -> Result<()> {
    // A type the key may not read answers 403: that type is not permitted.
    let e = env(SimConfig::new(fixtures()).with_count("customer", 5), |_| {}).await?;
    e.sim.set_faults(stripe_sync_simulator::Faults {
        forbidden: vec!["/v1/customers".into(), "/v1/products".into()],
        ..Default::default()
    });
    let report = e
        .sync
        .backfill(BackfillRequest::objects([
            "customer",
            "product",
            "subscription_item",
        ]))
        .await?;
    assert!(report.succeeded, "{:?}", report.objects);
    for o in ["customer", "product"] {
        let r = report.object(o).unwrap();
        assert_eq!(r.status, ObjectStatus::NotPermitted, "{o}");
        assert!(
            r.error.as_deref().unwrap_or("").contains("403"),
            "{:?}",
            r.error
        );
    }
    // The nested type after them still ran (no parents stored: nothing to list).
    assert_eq!(
        report.object("subscription_item").unwrap().status,
        ObjectStatus::Succeeded
    );
    let not_permitted: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM stripe_sync.sync_run_objects WHERE run_id = $1 AND status = 'not_permitted'",
    )
    .bind(report.run_id)
    .fetch_one(&e.db.pool)
    .await?;
    assert_eq!(not_permitted, 2);
    e.finish().await
}

/// A key with no access to the whole account (403 `account_invalid`, as
/// for a connected account that revoked the platform) fails the run: that
/// is not a type to skip, and a worker must see it to mark the account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn losing_access_to_the_account_fails_the_run() -> Result<()> {
    let e = env(SimConfig::new(fixtures()).with_count("customer", 5), |c| {
        c.stripe_account = Some("acct_1NotMine000000000".into())
    })
    .await?;
    let report = e
        .sync
        .backfill(BackfillRequest::objects(["customer", "product"]))
        .await?;
    assert!(!report.succeeded, "{:?}", report.objects);
    for o in ["customer", "product"] {
        let r = report.object(o).unwrap();
        assert_eq!(r.status, ObjectStatus::Failed, "{o}");
        assert!(
            r.error.as_deref().unwrap_or("").contains("account_invalid"),
            "{:?}",
            r.error
        );
    }
    e.finish().await
}

/// The objects whose tables the 2024-04-10 and 2026-04-22.dahlia migrations
/// created, read from the schema snapshot (not a hand-written list).
fn objects_new_since_2023() -> Vec<String> {
    let lock: Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../spec/schema.lock.json"
        ))
        .expect("spec/schema.lock.json"),
    )
    .expect("the lock is JSON");
    let mut objects: Vec<String> = lock["tables"]
        .as_object()
        .expect("tables")
        .values()
        .filter(|t| {
            matches!(t["since"].as_str(), Some(v) if v > "2023-08-16") && t["gone_in"].is_null()
        })
        .map(|t| t["object"].as_str().expect("object").to_string())
        .collect();
    objects.sort();
    objects
}

/// A backfill at the newest API version equals the simulator (the oracle)
/// for every object new since 2023-08-16 that a mirror can list, with their
/// parents. Objects whose only list needs what a mirror cannot choose are
/// skipped, as the generator's override table says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backfill_of_the_objects_new_since_2023_equals_the_simulator() -> Result<()> {
    let new = objects_new_since_2023();
    assert!(new.len() >= 20, "{new:?}");
    // Stripe's fixtures hold a template for each object they know; one
    // without (a newer object than the fixtures) cannot be seeded.
    let fixtures_json: Value = serde_json::from_slice(&std::fs::read(fixtures())?)?;
    let listable: Vec<&str> = new
        .iter()
        .filter_map(|o| stripe_sync_generated::resource(o))
        .filter(|r| r.list_endpoints.iter().any(|e| e.is_fillable()))
        .filter(|r| fixtures_json["resources"].get(r.object).is_some())
        .map(|r| r.object)
        .collect();
    assert!(listable.len() >= 20, "{listable:?}");
    let mut sc = SimConfig::new(fixtures())
        .with_count("customer", 6)
        .with_count("product", 4)
        .with_count("payment_intent", 5)
        .with_count("issuing.card", 3)
        .with_count("financial_connections.account", 2);
    for o in &listable {
        sc = sc.with_count(o, 7);
    }
    let e = env(sc, |_| {}).await?;
    let report = e.sync.backfill(BackfillRequest::all()).await?;
    for o in &report.objects {
        assert_ne!(
            o.status,
            ObjectStatus::Failed,
            "{}: {:?}",
            o.object,
            o.error
        );
    }
    assert!(report.succeeded);
    for o in &listable {
        let res = stripe_sync_generated::resource(o).expect("listed objects have tables");
        let sim = e.sim_ids(o);
        assert!(!sim.is_empty(), "{o}: the simulator seeded none");
        assert_eq!(
            e.db_ids(res.table).await?,
            sim,
            "{o}: table differs from the simulator"
        );
    }
    let r = stripe_sync_tests::oracle::Oracle::new(&e.sim)
        .check(&e.db.pool)
        .await?;
    r.assert_consistent("objects new since 2023-08-16");
    // An active entitlement does not carry its customer: the backfill stores
    // the customer it listed it under.
    let orphans: i64 = e
        .count(
            "SELECT count(*) FROM stripe.entitlements_active_entitlements a
             WHERE NOT EXISTS (SELECT 1 FROM stripe.customers c WHERE c.id = a.customer)",
        )
        .await?;
    assert_eq!(orphans, 0, "every active entitlement has its customer");
    println!(
        "new since 2023-08-16: {} tables, {} listable: {listable:?}",
        new.len(),
        listable.len()
    );
    Ok(())
}

/// Writes one `_sync_state` row as the release before typed cursors did.
async fn put_state(
    e: &support::Env,
    resource: &str,
    scope: &str,
    status: &str,
    cursor: Value,
) -> Result<()> {
    sqlx::query("INSERT INTO stripe_sync.sync_state (account_id, resource, scope, status, cursor, run_id) VALUES ($1, $2, $3, $4, $5, 1)")
        .bind(e.sim.account_id())
        .bind(resource)
        .bind(scope)
        .bind(status)
        .bind(cursor)
        .execute(&e.db.pool)
        .await?;
    Ok(())
}

async fn high_water(e: &support::Env, resource: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT extract(epoch FROM high_water)::bigint FROM stripe_sync.sync_state WHERE resource = $1 AND scope = '' AND status = 'complete'",
    )
    .bind(resource)
    .fetch_optional(&e.db.pool)
    .await?
    .flatten())
}

/// A database left mid-backfill by the release before typed cursors, its
/// cursors written exactly as that release wrote them (untagged JSON, the
/// `json!` literals of its backfill module), resumes from them: the interrupted
/// slice goes on after its `starting_after`, the walk over parents after
/// its `parent_after`, and each plan's `started` becomes the high water.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cursors_of_the_previous_release_resume() -> Result<()> {
    let e = env(
        SimConfig::new(fixtures())
            .with_count("customer", 300)
            .with_count("customer_balance_transaction", 20),
        // One worker: no split, so the requests are exactly the pages left.
        |c| c.backfill_concurrency = 1,
    )
    .await?;
    let started = chrono::Utc::now().timestamp() - 3600;
    let lt = chrono::Utc::now().timestamp() + 1;
    // The first page (newest first) was committed before the interruption.
    let page = e
        .sync
        .client()
        .get_json("/v1/customers", &[("limit".into(), "100".into())])
        .await?;
    let after = page["data"][99]["id"].as_str().unwrap().to_string();
    put_state(
        &e,
        "customers",
        "",
        "running",
        serde_json::json!({"started": started, "explicit": false}),
    )
    .await?;
    put_state(
        &e,
        "customers",
        &format!("r1:{lt}"),
        "running",
        serde_json::json!({"gte": None::<i64>, "lt": Some(lt), "starting_after": Some(&after)}),
    )
    .await?;
    let report = e
        .sync
        .backfill(BackfillRequest::objects(["customer"]))
        .await?;
    assert!(report.succeeded, "{:?}", report.objects);
    let rep = report.object("customer").unwrap();
    assert_eq!(
        (rep.fetched, rep.requests),
        (200, 2),
        "resumed after {after}: {rep:?}"
    );
    assert_eq!(e.db_ids("customers").await?.len(), 200);
    assert_eq!(high_water(&e, "customers").await?, Some(started));

    // A walk over the 200 stored customers, stopped after the 100th by id.
    let parents: Vec<String> = e.db_ids("customers").await?.into_iter().collect();
    let parent_after = parents[99].clone();
    put_state(
        &e,
        "customer_balance_transactions",
        "",
        "running",
        serde_json::json!({"parent_after": parent_after, "since": None::<i64>, "started": started}),
    )
    .await?;
    let report = e
        .sync
        .backfill(BackfillRequest::objects(["customer_balance_transaction"]))
        .await?;
    assert!(report.succeeded, "{:?}", report.objects);
    let rep = report.object("customer_balance_transaction").unwrap();
    assert_eq!(
        rep.requests, 100,
        "one list per customer after {parent_after}: {rep:?}"
    );
    assert_eq!(
        high_water(&e, "customer_balance_transactions").await?,
        Some(started)
    );
    e.finish().await
}

/// A cursor that cannot be read (another shape, a field of the wrong type)
/// is logged and the resource starts over: no panic, no failed run, and
/// nothing skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_cursor_starts_the_resource_over() -> Result<()> {
    let e = env(
        SimConfig::new(fixtures())
            .with_count("customer", 150)
            .with_count("customer_balance_transaction", 5),
        |_| {},
    )
    .await?;
    put_state(
        &e,
        "customers",
        "",
        "running",
        serde_json::json!({"started": "yesterday"}),
    )
    .await?;
    put_state(
        &e,
        "customers",
        "r1:5",
        "running",
        serde_json::json!(["not", "a", "cursor"]),
    )
    .await?;
    put_state(
        &e,
        "customer_balance_transactions",
        "",
        "running",
        serde_json::json!({"kind": "slice", "gte": 1}),
    )
    .await?;
    let report = e
        .sync
        .backfill(BackfillRequest::objects([
            "customer",
            "customer_balance_transaction",
        ]))
        .await?;
    assert!(report.succeeded, "{:?}", report.objects);
    assert_eq!(report.object("customer").unwrap().fetched, 150);
    assert_eq!(e.db_ids("customers").await?, e.sim_ids("customer"));
    assert_eq!(
        e.db_ids("customer_balance_transactions").await?,
        e.sim_ids("customer_balance_transaction")
    );
    e.finish().await
}

/// Two writers locking the same rows in opposite orders: PostgreSQL aborts
/// one with a deadlock (40P01), and `retry_conflicts` runs its transaction
/// again, so both commit (the backfill's page writes go through it; the
/// sequence gate found a backfill failing on such a deadlock beside
/// `serve`'s webhooks).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadlocked_transaction_is_run_again() -> Result<()> {
    use std::sync::atomic::{AtomicU32, Ordering};
    let db = stripe_sync_tests::TestDb::new().await?;
    sqlx::query("CREATE TABLE public.pair (id int PRIMARY KEY, n int NOT NULL)")
        .execute(&db.pool)
        .await?;
    sqlx::query("INSERT INTO public.pair VALUES (1, 0), (2, 0)")
        .execute(&db.pool)
        .await?;
    let attempts = AtomicU32::new(0);
    let barrier = tokio::sync::Barrier::new(2);
    let writer = |first: i32, second: i32| {
        let (pool, attempts, barrier) = (&db.pool, &attempts, &barrier);
        stripe_sync::store::retry_conflicts("pair", move || async move {
            let n = attempts.fetch_add(1, Ordering::SeqCst);
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE public.pair SET n = n + 1 WHERE id = $1")
                .bind(first)
                .execute(&mut *tx)
                .await?;
            // The first two attempts meet here, each holding its first row.
            if n < 2 {
                barrier.wait().await;
            }
            sqlx::query("UPDATE public.pair SET n = n + 1 WHERE id = $1")
                .bind(second)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    };
    let (a, b) = tokio::join!(writer(1, 2), writer(2, 1));
    a?;
    b?;
    let n: Vec<i32> = sqlx::query_scalar("SELECT n FROM public.pair ORDER BY id")
        .fetch_all(&db.pool)
        .await?;
    assert_eq!(n, [2, 2], "each writer added 1 to both rows, once");
    assert_eq!(
        attempts.load(Ordering::SeqCst),
        3,
        "one deadlock, one retry"
    );
    db.drop_db().await?;
    Ok(())
}
