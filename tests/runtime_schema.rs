//! Two mirrors in one database, each in a schema of its own: each is
//! written by a backfill, by webhooks through `serve` and through the SQL
//! path (`NAME_sync.process_webhook`), and by a worker's events catch-up;
//! each ends equal to its own account and holds nothing of the other's.

use std::sync::Arc;

use anyhow::{ensure, Context as _, Result};
use serde_json::Value;
use stripe_sync::server::{router, AppState, DEFAULT_MAX_BODY_BYTES};
use stripe_sync::worker::WorkerOptions;
use stripe_sync::{BackfillRequest, Schema, StripeSync};
use stripe_sync_simulator::{start, SimConfig, SimHandle};
use stripe_sync_tests::oracle::{acknowledged_events_in, Oracle};
use stripe_sync_tests::{serve_locally, sql_receiver_in, wait_for, TestDb};

use crate::support::{config_for, fixtures};

/// One mirror: its simulator (an account of its own), its engine, and the
/// two webhook receivers the simulator delivers to.
struct Mirror {
    schema: Schema,
    sim: SimHandle,
    sync: StripeSync,
    /// The SQL path's endpoint secret, kept in this mirror only.
    sql_secret: String,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

async fn post(sim: &SimHandle, path: &str, form: &[(&str, &str)]) -> Result<Value> {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", sim.base_url()))
        .bearer_auth("sk_test_runtime_tests")
        .form(form)
        .send()
        .await?;
    let status = r.status();
    let v: Value = r.json().await?;
    ensure!(status.is_success(), "POST {path}: {status} {v}");
    Ok(v)
}

async fn mirror(db: &TestDb, name: &str, seed: u64, account: &str) -> Result<Mirror> {
    let schema = Schema::new(name)?;
    let mut sim_config = SimConfig::new(fixtures())
        .with_count("customer", 40)
        .with_count("product", 10)
        .with_count("price", 15);
    sim_config.seed = seed;
    sim_config.account_id = account.to_string();
    let sim = start(sim_config, "127.0.0.1:0".parse()?).await?;

    // serve: an endpoint of its own, whose secret the engine is given.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let serve_url = format!("http://{}/webhooks", listener.local_addr()?);
    let ep = post(
        &sim,
        "/v1/webhook_endpoints",
        &[("url", &serve_url), ("enabled_events[]", "*")],
    )
    .await?;
    let mut cfg = config_for(db, &sim);
    cfg.schema = schema.clone();
    cfg.stripe_webhook_secret = Some(ep["secret"].as_str().context("secret")?.to_string());
    let sync = StripeSync::new(cfg).await?;
    sync.migrate().await?;
    sync.account_id().await?;
    let state = Arc::new(AppState {
        sync: sync.clone(),
        admin_key: None,
        metrics: Arc::new(stripe_sync::metrics::Metrics::new()),
    });
    let app = router(state, DEFAULT_MAX_BODY_BYTES);
    let serve_task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    // The SQL path's receiver, and its endpoint's secret in this mirror.
    let (sql_base, sql_task) =
        serve_locally(sql_receiver_in(db.pool.clone(), schema.clone())).await?;
    let ep = post(
        &sim,
        "/v1/webhook_endpoints",
        &[
            ("url", &format!("{sql_base}/webhooks")),
            ("enabled_events[]", "*"),
        ],
    )
    .await?;
    let sql_secret = ep["secret"].as_str().context("secret")?.to_string();
    sync.add_webhook_secret(&sql_secret).await?;
    Ok(Mirror {
        schema,
        sim,
        sync,
        sql_secret,
        tasks: vec![sql_task, serve_task],
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_mirrors_in_one_database_share_nothing() -> Result<()> {
    let db = TestDb::new().await?;
    let a = mirror(&db, "mirror_a", 1, "acct_1MirrorAccountAAAA").await?;
    let b = mirror(&db, "mirror_b", 2, "acct_1MirrorAccountBBBB").await?;

    // Nothing of the default mirror was made.
    let default: Option<String> = sqlx::query_scalar("SELECT to_regnamespace('stripe')::text")
        .fetch_one(&db.pool)
        .await?;
    ensure!(default.is_none(), "schema stripe exists");

    for m in [&a, &b] {
        // 1. A backfill.
        let r = m.sync.backfill(BackfillRequest::default()).await?;
        ensure!(r.written > 0, "{}: backfill wrote nothing", m.schema);
        // 2. Writes at Stripe, delivered to both receivers of this mirror.
        for i in 0..5 {
            let c = post(
                &m.sim,
                "/v1/customers",
                &[("email", &format!("{i}@{}.test", m.schema))],
            )
            .await?;
            let id = c["id"].as_str().context("id")?;
            post(
                &m.sim,
                &format!("/v1/customers/{id}"),
                &[("name", "renamed")],
            )
            .await?;
            if i == 0 {
                let r = reqwest::Client::new()
                    .delete(format!("{}/v1/customers/{id}", m.sim.base_url()))
                    .bearer_auth("sk_test_runtime_tests")
                    .send()
                    .await?;
                ensure!(r.status().is_success());
            }
        }
    }
    for m in [&a, &b] {
        let sim = &m.sim;
        // 11 events (5 created, 5 updated, 1 deleted) to 2 endpoints.
        let answered = wait_for(
            &format!("{}: every delivery answered", m.schema),
            || async {
                let d = sim.deliveries();
                Ok((d.iter().filter(|d| d.succeeded).count() >= 2 * 11).then_some(()))
            },
        )
        .await;
        let d = sim.deliveries();
        let failed: Vec<String> = d
            .iter()
            .filter(|d| !d.succeeded)
            .map(|d| format!("{} {} {:?} {:?}", d.url, d.event_type, d.status, d.error))
            .collect();
        ensure!(
            answered.is_ok() && failed.is_empty(),
            "{}: {} deliveries, failed: {failed:?}",
            m.schema,
            d.len()
        );
        // 3. A worker: a backfill and the events catch-up, through the queue.
        let q = m
            .sync
            .enqueue_backfill(&BackfillRequest::default(), false, &[])
            .await?;
        ensure!(
            m.sync.enqueue_events(&[]).await? == 1,
            "{}: catch-up not queued ({q:?})",
            m.schema
        );
        let w = m.sync.run_worker(WorkerOptions::default()).await?;
        ensure!(
            w.jobs_failed == 0 && w.jobs_done == 2,
            "{}: worker {w:?}",
            m.schema
        );
    }

    // Each mirror equals its own account: nothing missing, stale, or extra
    // (a row of the other account would be extra).
    for m in [&a, &b] {
        Oracle::new(&m.sim)
            .schema(&m.schema)
            .check(&db.pool)
            .await?
            .assert_consistent(&format!("two mirrors: {}", m.schema));
        let events = acknowledged_events_in(&m.schema, &db.pool, &m.sim).await?;
        ensure!(
            events.lost.is_empty(),
            "{}: lost {:?}",
            m.schema,
            events.lost
        );
        ensure!(events.acknowledged >= 11, "{}: {events:?}", m.schema);
    }

    // Nothing of one in the other: rows, ledger, cursors, secrets, queue.
    for (m, other) in [(&a, &b), (&b, &a)] {
        let own = m.sim.account_id();
        for (what, sql) in [
            ("rows", "SELECT DISTINCT _account_id FROM stripe.customers"),
            (
                "ledger",
                "SELECT DISTINCT account_id FROM stripe_sync.events",
            ),
            (
                "cursors",
                "SELECT DISTINCT account_id FROM stripe_sync.sync_state",
            ),
            (
                "queue",
                "SELECT DISTINCT account_id FROM stripe_sync.sync_accounts",
            ),
            (
                "runs",
                "SELECT DISTINCT account_id FROM stripe_sync.sync_runs",
            ),
        ] {
            let accounts: Vec<String> = sqlx::query_scalar(&m.schema.sql(sql))
                .fetch_all(&db.pool)
                .await?;
            ensure!(
                accounts == vec![own.to_string()],
                "{}'s {what} hold accounts {accounts:?}, not only {own}",
                m.schema
            );
        }
        let other_ids: Vec<String> = other
            .sim
            .objects_of(other.sim.account_id(), "customer")
            .iter()
            .filter_map(|c| c["id"].as_str().map(String::from))
            .collect();
        let leaked: i64 = sqlx::query_scalar(
            &m.schema
                .sql("SELECT count(*) FROM stripe.customers WHERE id = ANY($1)"),
        )
        .bind(&other_ids)
        .fetch_one(&db.pool)
        .await?;
        ensure!(
            leaked == 0,
            "{} holds {leaked} of {}'s customers",
            m.schema,
            other.schema
        );
        // Each holds its SQL endpoint's secret, and only that.
        let secrets: Vec<String> = sqlx::query_scalar(
            &m.schema
                .sql("SELECT secret FROM stripe_sync.webhook_secrets"),
        )
        .fetch_all(&db.pool)
        .await?;
        ensure!(
            secrets == vec![m.sql_secret.clone()],
            "{}: secrets differ",
            m.schema
        );
    }

    for m in [a, b] {
        m.sync.close().await;
        m.sim.shutdown().await;
        for t in m.tasks {
            t.abort();
        }
    }
    db.drop_db().await
}
