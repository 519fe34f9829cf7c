//! Reliability of the `stripe-sync` process itself: killed with SIGKILL in
//! the middle of a backfill, two `serve` replicas and a backfill on one
//! database, and secrets kept out of every log line and error message.
//! Scenarios end with the consistency oracle (`stripe_sync_tests::oracle`).
//! The slow ones are `#[ignore]`d; `.ci/run` runs them with `--ignored`.
//! (Two `migrate`s started together: `cli_commands::migrate_is_idempotent_and_concurrent`.)

use crate::common;

use crate::rsupport;

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{cmd, cmd_with, fixtures, free_port, run_async, signal, wait_exit, wait_http_ok};
use stripe_sync::{Config, Database, StripeSync};
use stripe_sync_simulator::{SimConfig, SimHandle, WebhookRetry};
use stripe_sync_tests::oracle::{acknowledged_events, Oracle};
use stripe_sync_tests::TestDb;

async fn count(db: &TestDb, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&db.pool).await.unwrap()
}

async fn sim(config: SimConfig) -> SimHandle {
    stripe_sync_simulator::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .expect("start simulator")
}

/// A library engine on the same database and simulator (for setup and
/// simulator writes through the real client).
async fn engine(db: &TestDb, sim: &SimHandle) -> StripeSync {
    let mut c = Config::new(db.url.clone(), "sk_test_cli");
    c.database = Database::Url {
        url: db.url.clone(),
        max_connections: 4,
    };
    c.stripe_api_base = sim.base_url();
    c.max_requests_per_second = Some(2000);
    StripeSync::new(c).await.expect("engine")
}

/// `stripe-sync backfill customer` is killed with SIGKILL halfway; the next
/// run completes the mirror and fetches only what was not stored yet.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "slow: run by .ci/run with --ignored"]
async fn sigkill_mid_backfill_then_restart_completes_without_refetching() {
    const N: i64 = 4000;
    let db = TestDb::new().await.unwrap();
    let mut sc = SimConfig::new(fixtures()).with_count("customer", N as usize);
    sc.faults.latency = std::time::Duration::from_millis(15);
    let sim = sim(sc).await;
    let base = sim.base_url();
    let mut m = cmd_with(&db.url, &base);
    m.arg("migrate");
    assert_eq!(run_async(m).await.0, 0);

    let mut c = cmd_with(&db.url, &base);
    c.args(["backfill", "customer", "--concurrency", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = c.spawn().expect("spawn backfill");
    let t0 = Instant::now();
    let mut stored = 0;
    while stored < N / 3 {
        assert!(
            t0.elapsed() < Duration::from_secs(90),
            "the backfill stalled at {stored}"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the backfill ended before the kill"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
        stored = count(&db, "SELECT count(*) FROM stripe.customers").await;
    }
    signal(&child, "KILL");
    let code = wait_exit(&mut child, 10).await;
    assert_eq!(code, -1, "killed by a signal, no exit code");
    let partial = count(&db, "SELECT count(*) FROM stripe.customers").await;
    assert!(partial < N, "everything was stored before the kill");
    // The killed run never claims success.
    let succeeded = count(
        &db,
        "SELECT count(*) FROM stripe._sync_runs WHERE status = 'succeeded'",
    )
    .await;
    assert_eq!(succeeded, 0);

    let mut again = cmd_with(&db.url, &base);
    again.args(["backfill", "customer", "--concurrency", "2"]);
    let (code, out, err) = run_async(again).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let fetched = count(
        &db,
        "SELECT fetched FROM stripe._sync_runs WHERE status = 'succeeded' ORDER BY id DESC LIMIT 1",
    )
    .await;
    println!("killed at {partial} stored; the restarted run fetched {fetched}");
    assert!(
        fetched < N - partial / 2,
        "the restarted run fetched {fetched} after {partial} were stored"
    );
    Oracle::new(&sim)
        .only(&["customer"])
        .check(&db.pool)
        .await
        .unwrap()
        .assert_consistent("SIGKILL mid-backfill, restarted");
    sim.shutdown().await;
    db.drop_db().await.unwrap();
}

fn serve(db_url: &str, base: &str, port: u16, extra_env: &[(&str, &str)]) -> Child {
    let mut c = cmd_with(db_url, base);
    c.args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in extra_env {
        c.env(k, v);
    }
    c.spawn().expect("spawn serve")
}

/// Two `serve` replicas, each a managed webhook endpoint (so every event
/// reaches both, concurrently), while a `backfill all` process runs and the
/// account changes: every event is acknowledged by both, none is lost, and
/// every table equals the simulator.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "slow: run by .ci/run with --ignored"]
async fn two_serve_replicas_and_a_backfill_share_one_database() {
    let db = TestDb::new().await.unwrap();
    let mut sc = SimConfig::small_account(fixtures());
    sc.webhook_retry = WebhookRetry {
        max_attempts: 20,
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(800),
    };
    let sim = sim(sc).await;
    let base = sim.base_url();
    let mut m = cmd_with(&db.url, &base);
    m.arg("migrate");
    assert_eq!(run_async(m).await.0, 0);
    let lib = engine(&db, &sim).await;
    let ports = [free_port(), free_port()];
    for p in ports {
        lib.find_or_create_managed_webhook(&format!("http://127.0.0.1:{p}/webhooks"))
            .await
            .unwrap();
    }
    let mut replicas: Vec<Child> = ports
        .iter()
        .map(|&p| serve(&db.url, &base, p, &[]))
        .collect();
    for p in ports {
        wait_http_ok(&format!("http://127.0.0.1:{p}/ready")).await;
    }

    let mut b = cmd_with(&db.url, &base);
    b.args(["backfill", "all"]);
    let backfill = tokio::spawn(run_async(b));
    let writes = rsupport::paced_traffic(&lib, 30, 3).await.unwrap();
    let (code, out, err) = backfill.await.unwrap();
    assert_eq!(code, 0, "{out}\n{err}");
    let events = rsupport::wait_all_acknowledged(&sim, 2, 90).await.unwrap();
    let ev = acknowledged_events(&db.pool, &sim).await.unwrap();
    assert!(ev.lost.is_empty(), "lost: {:?}", ev.lost);
    assert_eq!(ev.acknowledged, events);
    // Each event was delivered to both replicas; the ledger has it once.
    let ledger = count(&db, "SELECT count(*) FROM stripe._events").await;
    assert_eq!(ledger as usize, events);
    println!(
        "{writes} writes, {events} events, {} delivery attempts",
        ev.attempts
    );
    let counts = stripe_sync_simulator::seed::small_account_counts();
    let oracle_objects: Vec<&str> = counts.keys().map(String::as_str).collect();
    Oracle::new(&sim)
        .only(&oracle_objects)
        .check(&db.pool)
        .await
        .unwrap()
        .assert_consistent("two serve replicas + a backfill");
    for r in &mut replicas {
        signal(r, "TERM");
        assert_eq!(wait_exit(r, 20).await, 0);
    }
    lib.close().await;
    sim.shutdown().await;
    db.drop_db().await.unwrap();
}

/// Captures everything the binary prints at `trace` level while it fails in
/// every way we can provoke (database unreachable, wrong Stripe key, bad
/// and good webhooks, admin calls with a wrong key) and checks that no
/// secret appears: the Stripe key, the webhook secret, the admin key, the
/// database password.
#[tokio::test(flavor = "multi_thread")]
async fn secrets_never_appear_in_logs_or_errors() {
    const STRIPE_KEY: &str = "sk_test_S3cretStripeKeyNeverLogged";
    const WHSEC: &str = "whsec_S3cretWebhookSecretNeverLogged";
    const ADMIN: &str = "admin_S3cretAdminKeyNeverLogged";
    const PASSWORD: &str = "S3cretDbPasswordNeverLogged";
    let secrets = [STRIPE_KEY, WHSEC, ADMIN, PASSWORD];
    let mut captured = String::new();

    // The simulator only accepts another key: every API call fails with 401.
    let mut sc = SimConfig::new(fixtures()).with_count("customer", 3);
    sc.api_key = Some("sk_test_the_right_one".into());
    let sim = sim(sc).await;
    let base = sim.base_url();
    let db = TestDb::new().await.unwrap();
    // Trust authentication ignores the password, but it is in the URL the
    // engine holds, parses and reports errors about.
    let with_password = db
        .url
        .replacen("postgres@", &format!("postgres:{PASSWORD}@"), 1);
    assert_ne!(
        with_password, db.url,
        "the test URL has no user to add a password to"
    );
    let unreachable = format!("postgres://postgres:{PASSWORD}@127.0.0.1:{}/x", free_port());

    let env = |c: &mut std::process::Command, url: &str| {
        c.env("DATABASE_URL", url)
            .env("STRIPE_SECRET_KEY", STRIPE_KEY)
            .env("STRIPE_API_BASE", &base)
            .env("STRIPE_WEBHOOK_SECRET", WHSEC)
            .env("STRIPE_SYNC_API_KEY", ADMIN)
            .env("RUST_LOG", "trace");
    };
    for (url, args) in [
        (unreachable.as_str(), vec!["migrate"]),
        (unreachable.as_str(), vec!["backfill", "customer"]),
        (with_password.as_str(), vec!["migrate"]),
        (
            with_password.as_str(),
            vec!["--max-retries", "0", "backfill", "customer"],
        ),
        (with_password.as_str(), vec!["status"]),
        (with_password.as_str(), vec!["sync", "cus_nope"]),
    ] {
        let mut c = cmd();
        env(&mut c, url);
        c.args(&args);
        let (code, out, err) = run_async(c).await;
        captured.push_str(&format!("$ {args:?} -> {code}\n{out}{err}"));
    }
    assert!(
        captured.contains("401") || captured.to_lowercase().contains("api key"),
        "{captured}"
    );

    // The server, with webhooks of every kind and admin calls.
    let port = free_port();
    let mut c = cmd();
    env(&mut c, &with_password);
    c.args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let (mut so, mut se) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let drain_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut so, &mut s);
        s
    });
    let drain_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut se, &mut s);
        s
    });
    let url = format!("http://127.0.0.1:{port}");
    wait_http_ok(&format!("{url}/health")).await;
    let http = reqwest::Client::new();
    let now = chrono::Utc::now().timestamp();
    let good = serde_json::to_vec(&serde_json::json!({"id": "evt_log_1", "object": "event",
        "type": "customer.created", "created": now, "account": "acct_1SimulatorPlatform0",
        "data": {"object": {"id": "cus_log_1", "object": "customer", "created": now}}}))
    .unwrap();
    let sig = |b: &[u8], s: &str| format!("t={now},v1={}", stripe_sync::webhook::sign(b, now, s));
    let deliveries: Vec<(Vec<u8>, String)> = vec![
        (good.clone(), sig(&good, WHSEC)),
        (good.clone(), sig(&good, "whsec_wrong")),
        (b"{not json".to_vec(), sig(b"{not json", WHSEC)),
        (good.clone(), "t=1,v1=00".into()),
        (good.clone(), String::new()),
    ];
    for (body, header) in deliveries {
        http.post(format!("{url}/webhooks"))
            .header("stripe-signature", header)
            .body(body)
            .send()
            .await
            .unwrap();
    }
    for auth in ["Bearer wrong", "Bearer ", "Basic eA=="] {
        http.get(format!("{url}/status"))
            .header("authorization", auth)
            .send()
            .await
            .unwrap();
    }
    for (path, body) in [
        ("/sync/cus_nope", ""),
        ("/backfill", r#"{"objects":["customer"]}"#),
    ] {
        let r = http
            .post(format!("{url}{path}"))
            .bearer_auth(ADMIN)
            .body(body)
            .send()
            .await
            .unwrap();
        captured.push_str(&format!("{path}: {}\n", r.text().await.unwrap()));
    }
    let m = http
        .get(format!("{url}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    captured.push_str(&m);
    signal(&child, "TERM");
    assert_eq!(wait_exit(&mut child, 20).await, 0);
    captured.push_str(&drain_out.join().unwrap());
    captured.push_str(&drain_err.join().unwrap());

    assert!(
        captured.contains("webhook rejected"),
        "the logs were not captured: {captured}"
    );
    assert!(
        captured.len() > 2_000,
        "too little was captured: {captured}"
    );
    for s in secrets {
        assert!(!captured.contains(s), "secret {s:?} leaked:\n{captured}");
    }
    sim.shutdown().await;
    db.drop_db().await.unwrap();
}
