//! Connect platforms through the library: every connected account queued
//! and worked, an account revoked in the middle of its backfill, a
//! deauthorization event, and the per-account and per-endpoint limits kept.
//! (Several worker processes, one killed: `cli/tests/connect_workers.rs`.)

use std::time::Duration;

use anyhow::Result;
use stripe_sync::{BackfillRequest, WorkerOptions};
use stripe_sync_simulator::SimConfig;
use stripe_sync_tests::oracle::Oracle;

use crate::support::{env, fixtures};

/// Two list streams per account and a pool for seven accounts at once
/// (7 × 3 + 2 connections).
fn wide_pool(c: &mut stripe_sync::Config) {
    c.backfill_concurrency = 2;
    if let stripe_sync::Database::Url {
        max_connections, ..
    } = &mut c.database
    {
        *max_connections = 24;
    }
}

fn options() -> WorkerOptions {
    WorkerOptions {
        accounts_at_once: 4,
        lease: Duration::from_secs(5),
        max_attempts: 1,
        retry_delay: Duration::from_millis(100),
        ..WorkerOptions::default()
    }
}

/// Every connected account and the platform end equal to the simulator,
/// each in its own `_account_id`; each account has its own run; a second
/// enqueue after the work is done queues them again (incremental), and a
/// job is never queued twice while open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_connected_account_is_mirrored_through_the_queue() -> Result<()> {
    let e = env(
        SimConfig::new(fixtures())
            .with_count("customer", 3)
            .with_connected_accounts(12),
        |_| {},
    )
    .await?;
    let q = e
        .sync
        .enqueue_backfill(&BackfillRequest::all(), true, &[])
        .await?;
    assert_eq!(q.connected, 12);
    assert_eq!(q.queued, 13);
    assert_eq!(q.new_accounts, 13);
    // Open jobs are not queued twice.
    let again = e
        .sync
        .enqueue_backfill(&BackfillRequest::all(), true, &[])
        .await?;
    assert_eq!((again.queued, again.new_accounts), (0, 0));

    let rep = e.sync.run_worker(options()).await?;
    assert_eq!(rep.jobs_done, 13, "{rep:?}");
    assert_eq!(rep.jobs_failed + rep.revoked, 0, "{rep:?}");
    // A connected account's creation date (where its backfill's slices
    // start) comes from the platform's /v1/accounts list, not from a
    // GET /v1/account of its own: at most the platform's one.
    let asked = e
        .sim
        .requests_by_endpoint()
        .get("GET /v1/account")
        .copied()
        .unwrap_or(0);
    println!("GET /v1/account: {asked} for 13 accounts");
    assert!(asked <= 1, "GET /v1/account {asked} times for 13 accounts");
    assert_eq!(
        e.count("SELECT count(*) FROM stripe_sync.sync_work WHERE state <> 'done'")
            .await?,
        0
    );
    // One run per account, each succeeded.
    assert_eq!(
        e.count(
            "SELECT count(DISTINCT account_id) FROM stripe_sync.sync_runs
              WHERE kind = 'backfill' AND status = 'succeeded'"
        )
        .await?,
        13
    );
    let mut accounts = e.sim.connected_accounts();
    accounts.push(e.sim.account_id().to_string());
    let refs: Vec<&str> = accounts.iter().map(String::as_str).collect();
    Oracle::new(&e.sim)
        .accounts(&refs)
        .check(&e.db.pool)
        .await?
        .assert_consistent("12 connected accounts through the queue");
    // No lease is left behind.
    assert_eq!(
        e.count("SELECT count(*) FROM stripe_sync.sync_accounts WHERE lease_owner IS NOT NULL")
            .await?,
        0
    );
    let third = e
        .sync
        .enqueue_backfill(&BackfillRequest::all(), true, &[])
        .await?;
    assert_eq!(third.queued, 13, "done jobs do not block the next run");
    e.finish().await
}

/// An account revoked while its backfill runs is marked revoked with
/// Stripe's reason and its jobs cancelled; every other account completes
/// and equals the simulator. The revoked account is not queued again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_revoked_mid_run_is_marked_and_the_rest_complete() -> Result<()> {
    let mut sc = SimConfig::new(fixtures())
        .with_count("customer", 2)
        .with_connected_accounts(8);
    // Slow enough that the revocation lands inside the account's backfill.
    sc.faults.latency = Duration::from_millis(10);
    let e = env(sc, |_| {}).await?;
    e.sync
        .enqueue_backfill(&BackfillRequest::all(), true, &[])
        .await?;
    let victim = e.sim.connected_accounts()[3].clone();
    let worker = {
        let sync = e.sync.clone();
        tokio::spawn(async move {
            sync.run_worker(WorkerOptions {
                accounts_at_once: 2,
                ..options()
            })
            .await
        })
    };
    // Revoke once the victim's backfill has made requests.
    let pool = e.db.pool.clone();
    let mut waited = 0;
    loop {
        let started: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM stripe_sync.sync_run_objects o JOIN stripe_sync.sync_runs r ON r.id = o.run_id
              WHERE r.account_id = $1",
        )
        .bind(&victim)
        .fetch_one(&pool)
        .await?;
        if started > 0 {
            break;
        }
        waited += 1;
        assert!(waited < 6000, "the victim's backfill never started");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(e.sim.revoke_account(&victim).is_some());
    let rep = worker.await??;
    assert_eq!(rep.revoked, 1, "{rep:?}");
    assert_eq!(rep.jobs_done, 8, "the platform and 7 accounts: {rep:?}");
    let (state, reason): (String, String) =
        sqlx::query_as("SELECT state, reason FROM stripe_sync.sync_accounts WHERE account_id = $1")
            .bind(&victim)
            .fetch_one(&pool)
            .await?;
    assert_eq!(state, "revoked");
    assert!(reason.contains("account_invalid"), "{reason}");
    let open: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM stripe_sync.sync_work WHERE account_id = $1 AND state IN ('pending', 'running')",
    )
    .bind(&victim)
    .fetch_one(&pool)
    .await?;
    assert_eq!(open, 0);
    let mut others: Vec<String> = e
        .sim
        .connected_accounts()
        .into_iter()
        .filter(|a| *a != victim)
        .collect();
    others.push(e.sim.account_id().to_string());
    let refs: Vec<&str> = others.iter().map(String::as_str).collect();
    Oracle::new(&e.sim)
        .accounts(&refs)
        .check(&e.db.pool)
        .await?
        .assert_consistent("one account revoked mid-run");
    let next = e
        .sync
        .enqueue_backfill(&BackfillRequest::all(), true, &[])
        .await?;
    assert_eq!(
        next.queued, 8,
        "the revoked account is not queued: {next:?}"
    );
    e.finish().await
}

/// An `account.application.deauthorized` event (through the Connect
/// endpoint's webhook) marks the account revoked and cancels its open work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deauthorization_event_marks_the_account_revoked() -> Result<()> {
    let e = env(
        SimConfig::new(fixtures())
            .with_count("customer", 1)
            .with_connected_accounts(3),
        |c| c.stripe_webhook_secret = Some("whsec_connect".into()),
    )
    .await?;
    e.sync
        .enqueue_backfill(&BackfillRequest::all(), true, &[])
        .await?;
    let victim = e.sim.connected_accounts()[1].clone();
    let event = e.sim.revoke_account(&victim).expect("revoked");
    let body = serde_json::to_vec(&event)?;
    let now = chrono::Utc::now().timestamp();
    let sig = format!(
        "t={now},v1={}",
        stripe_sync::webhook::sign(&body, now, "whsec_connect")
    );
    e.sync.process_webhook(&body, &sig).await?;
    // Marked by a task after the commit.
    let mut state = String::new();
    for _ in 0..500 {
        state =
            sqlx::query_scalar("SELECT state FROM stripe_sync.sync_accounts WHERE account_id = $1")
                .bind(&victim)
                .fetch_one(&e.db.pool)
                .await?;
        if state == "revoked" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(state, "revoked");
    assert_eq!(
        e.count("SELECT count(*) FROM stripe_sync.sync_work WHERE state = 'cancelled'")
            .await?,
        1
    );
    let rep = e.sync.run_worker(options()).await?;
    assert_eq!(rep.jobs_done, 3, "{rep:?}");
    e.finish().await
}

/// With the simulator enforcing Stripe's test-mode limits per account
/// (25/s, and 25/s per endpoint) and the workers at their defaults for a
/// test key, no request is refused: each account is worked by one worker
/// at a time, with that account's own buckets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_account_and_per_endpoint_limits_are_kept() -> Result<()> {
    let mut sc = SimConfig::new(fixtures())
        .with_count("customer", 2)
        .with_connected_accounts(6);
    sc.rate_limit_per_sec = Some(25);
    sc.endpoint_rate_limit_per_sec = Some(25);
    let e = env(sc, |c| {
        // Stripe's defaults for a test key: 25/s, 25/s per endpoint.
        c.max_requests_per_second = None;
        c.endpoint_requests_per_second = None;
        c.max_retries = 0;
        wide_pool(c);
    })
    .await?;
    e.sync
        .enqueue_backfill(&BackfillRequest::all(), true, &[])
        .await?;
    // Two workers on the same database, each with its own pool and client.
    let a = e.sync.clone();
    let b = stripe_sync::StripeSync::new(e.sync.config().clone()).await?;
    let (ra, rb) = tokio::join!(a.run_worker(options()), b.run_worker(options()));
    b.close().await;
    let (ra, rb) = (ra?, rb?);
    assert_eq!(ra.jobs_done + rb.jobs_done, 7, "{ra:?} {rb:?}");
    assert_eq!(ra.jobs_failed + rb.jobs_failed, 0);
    let stats = e.sim.fault_stats();
    assert_eq!(
        (stats.global_rate_limited, stats.endpoint_rate_limited),
        (0, 0),
        "429s at the configured rates: {stats:?}"
    );
    e.finish().await
}

/// One connected account answering 500 to everything: its job is tried
/// again, then recorded failed with Stripe's error; the account stays
/// active (a 500 is not a revocation), and every other account completes
/// and equals the simulator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_failing_for_ever_is_recorded_failed_and_the_rest_complete() -> Result<()> {
    let sc = SimConfig::new(fixtures())
        .with_count("customer", 2)
        .with_connected_accounts(5);
    let e = env(sc, |c| c.max_retries = 1).await?;
    let broken = e.sim.connected_accounts()[2].clone();
    e.sim.set_faults(stripe_sync_simulator::Faults {
        rate_500: 1.0,
        account: Some(broken.clone()),
        ..Default::default()
    });
    e.sync
        .enqueue_backfill(&BackfillRequest::all(), true, &[])
        .await?;
    let rep = e
        .sync
        .run_worker(WorkerOptions {
            max_attempts: 2,
            ..options()
        })
        .await?;
    assert_eq!((rep.jobs_done, rep.jobs_failed), (5, 1), "{rep:?}");
    assert_eq!(rep.jobs_retried, 1, "{rep:?}");
    assert_eq!(rep.revoked, 0, "{rep:?}");
    let (state, attempts, error): (String, i32, String) = sqlx::query_as(
        "SELECT w.state, w.attempts, w.error FROM stripe_sync.sync_work w WHERE w.account_id = $1",
    )
    .bind(&broken)
    .fetch_one(&e.db.pool)
    .await?;
    assert_eq!((state.as_str(), attempts), ("failed", 2));
    assert!(error.contains("500"), "{error}");
    let account_state: String =
        sqlx::query_scalar("SELECT state FROM stripe_sync.sync_accounts WHERE account_id = $1")
            .bind(&broken)
            .fetch_one(&e.db.pool)
            .await?;
    assert_eq!(account_state, "active");
    let mut others: Vec<String> = e
        .sim
        .connected_accounts()
        .into_iter()
        .filter(|a| *a != broken)
        .collect();
    others.push(e.sim.account_id().to_string());
    let refs: Vec<&str> = others.iter().map(String::as_str).collect();
    Oracle::new(&e.sim)
        .accounts(&refs)
        .check(&e.db.pool)
        .await?
        .assert_consistent("one account failing for ever");
    e.finish().await
}

/// The platform-wide cap: with six connected accounts worked at once,
/// each allowed 25/s by the simulator, the worker's `platform_requests_per_second`
/// keeps all of them together under the simulator's platform cap (no 429).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_platform_cap_holds_over_all_connected_accounts() -> Result<()> {
    let mut sc = SimConfig::new(fixtures())
        .with_count("customer", 1)
        .with_connected_accounts(6);
    sc.rate_limit_per_sec = Some(25);
    // The platform's own requests (its own 25/s) and the connected
    // accounts' (capped at 20/s below) together stay under 50/s.
    sc.platform_rate_limit_per_sec = Some(50);
    let e = env(sc, |c| {
        c.max_requests_per_second = None;
        c.max_retries = 0;
        wide_pool(c);
    })
    .await?;
    e.sync
        .enqueue_backfill(&BackfillRequest::all(), true, &[])
        .await?;
    let rep = e
        .sync
        .run_worker(WorkerOptions {
            accounts_at_once: 7,
            platform_requests_per_second: Some(20),
            ..options()
        })
        .await?;
    assert_eq!((rep.jobs_done, rep.jobs_failed), (7, 0), "{rep:?}");
    let stats = e.sim.fault_stats();
    assert_eq!(stats.global_rate_limited, 0, "{stats:?}");
    e.finish().await
}

/// `sync --connected-accounts` catch-up: after the backfill through the
/// queue, a change in one connected account is applied by an `events` job
/// that lists that account's own `/v1/events`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_jobs_catch_each_account_up_from_its_own_events() -> Result<()> {
    let e = env(
        SimConfig::new(fixtures())
            .with_count("customer", 2)
            .with_connected_accounts(3),
        |_| {},
    )
    .await?;
    e.sync
        .enqueue_backfill(&BackfillRequest::all(), true, &[])
        .await?;
    assert_eq!(e.sync.run_worker(options()).await?.jobs_done, 4);
    let acct = e.sim.connected_accounts()[1].clone();
    let customer = e.sim.objects_of(&acct, "customer")[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let as_acct = e
        .sync
        .client()
        .for_account(Some(&acct), e.sync.config(), None)?;
    as_acct
        .post_json(
            &format!("/v1/customers/{customer}"),
            &[(
                "name".to_string(),
                "Changed in a connected account".to_string(),
            )],
        )
        .await?;
    assert_eq!(e.sync.enqueue_events(&[]).await?, 4);
    let rep = e.sync.run_worker(options()).await?;
    assert_eq!((rep.jobs_done, rep.jobs_failed), (4, 0), "{rep:?}");
    let name: Option<String> = sqlx::query_scalar(
        "SELECT _raw_data->>'name' FROM stripe.customers WHERE id = $1 AND _account_id = $2",
    )
    .bind(&customer)
    .bind(&acct)
    .fetch_one(&e.db.pool)
    .await?;
    assert_eq!(name.as_deref(), Some("Changed in a connected account"));
    e.finish().await
}

/// Several independent accounts into one database: a second key (another
/// Stripe account) beside the engine's; each account is mirrored through
/// the queue with its own `_account_id`, runs and resolved account, and a
/// worker only claims the accounts of the keys it was given.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_keys_mirror_their_accounts_side_by_side() -> Result<()> {
    let mut sc = SimConfig::new(fixtures())
        .with_count("customer", 3)
        .with_connected_accounts(2);
    let other = sc.connected_account_ids()[0].clone();
    sc.key_accounts
        .insert("sk_test_other_account".into(), other.clone());
    let e = env(sc, |_| {}).await?;
    let keys = vec!["sk_test_other_account".to_string()];
    let q = e
        .sync
        .enqueue_backfill(&BackfillRequest::all(), false, &keys)
        .await?;
    let mut platforms = q.platforms.clone();
    platforms.sort();
    let mut expected = vec![e.sim.account_id().to_string(), other.clone()];
    expected.sort();
    assert_eq!(platforms, expected);
    assert_eq!((q.connected, q.queued), (0, 2));
    let rep = e
        .sync
        .run_worker(WorkerOptions {
            other_keys: keys.clone(),
            ..options()
        })
        .await?;
    assert_eq!((rep.jobs_done, rep.jobs_failed), (2, 0), "{rep:?}");
    assert_eq!(
        e.count("SELECT count(*) FROM stripe_sync.accounts").await?,
        2
    );
    let refs = [e.sim.account_id(), other.as_str()];
    Oracle::new(&e.sim)
        .accounts(&refs)
        .check(&e.db.pool)
        .await?
        .assert_consistent("two keys into one database");
    // One engine (one `serve`) takes both accounts' webhooks: an event of
    // the second account, naming no account, signed by that account's own
    // managed endpoint, lands in the second account's rows.
    let mut cb = e.sync.config().clone();
    cb.stripe_secret_key = "sk_test_other_account".into();
    let b = stripe_sync::StripeSync::new(cb).await?;
    let hook = b
        .find_or_create_managed_webhook("https://sync.example.test/webhooks")
        .await?;
    b.close().await;
    assert_eq!(hook.account_id, other);
    let mut customer = e.sim.objects_of(&other, "customer")[0].clone();
    customer["name"] = "Renamed through the second account's endpoint".into();
    let now = chrono::Utc::now().timestamp();
    let body = serde_json::to_vec(&serde_json::json!({
        "id": "evt_second_account_1", "object": "event", "type": "customer.updated",
        "created": now, "api_version": stripe_sync_generated::API_VERSION,
        "data": {"object": customer},
    }))?;
    let sig = format!(
        "t={now},v1={}",
        stripe_sync::webhook::sign(&body, now, &hook.secret)
    );
    let outcome = e.sync.process_webhook(&body, &sig).await?;
    assert_eq!(outcome.event.outcome, stripe_sync::EventOutcome::Applied);
    let (name, account): (Option<String>, String) = sqlx::query_as(
        "SELECT _raw_data->>'name', _account_id FROM stripe.customers WHERE id = $1",
    )
    .bind(customer["id"].as_str().unwrap())
    .fetch_one(&e.db.pool)
    .await?;
    assert_eq!(account, other);
    assert_eq!(
        name.as_deref(),
        Some("Renamed through the second account's endpoint")
    );
    // Without the second key, a worker leaves that account's job alone.
    e.sync
        .enqueue_backfill(&BackfillRequest::all(), false, &keys)
        .await?;
    let alone = e.sync.run_worker(options()).await?;
    assert_eq!(alone.jobs_done, 1, "{alone:?}");
    let left: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM stripe_sync.sync_work WHERE account_id = $1 AND state = 'pending'",
    )
    .bind(&other)
    .fetch_one(&e.db.pool)
    .await?;
    assert_eq!(left, 1);
    e.finish().await
}

/// An account connected after a run is picked up by the next run: the
/// platform is served first by a simulator with 3 connected accounts, then
/// (same seed: the same platform, having gained two accounts) by one with 5.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_connected_later_is_picked_up_by_the_next_run() -> Result<()> {
    let e = env(
        SimConfig::new(fixtures())
            .with_count("customer", 2)
            .with_connected_accounts(3),
        |_| {},
    )
    .await?;
    let first = e
        .sync
        .enqueue_backfill(&BackfillRequest::all(), true, &[])
        .await?;
    assert_eq!((first.connected, first.new_accounts), (3, 4));
    assert_eq!(e.sync.run_worker(options()).await?.jobs_done, 4);

    let later = stripe_sync_simulator::start(
        SimConfig::new(fixtures())
            .with_count("customer", 2)
            .with_connected_accounts(5),
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let mut config = e.sync.config().clone();
    config.stripe_api_base = later.base_url();
    let sync = stripe_sync::StripeSync::new(config).await?;
    let next = sync
        .enqueue_backfill(&BackfillRequest::all(), true, &[])
        .await?;
    assert_eq!(
        (next.connected, next.new_accounts, next.queued),
        (5, 2, 6),
        "{next:?}"
    );
    let rep = sync.run_worker(options()).await?;
    assert_eq!((rep.jobs_done, rep.jobs_failed), (6, 0), "{rep:?}");
    let mut accounts = later.connected_accounts();
    accounts.push(later.account_id().to_string());
    let refs: Vec<&str> = accounts.iter().map(String::as_str).collect();
    Oracle::new(&later)
        .accounts(&refs)
        .check(&e.db.pool)
        .await?
        .assert_consistent("two accounts connected between runs");
    sync.close().await;
    later.shutdown().await;
    e.finish().await
}
