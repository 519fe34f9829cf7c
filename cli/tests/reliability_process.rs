//! Reliability of the `stripe-sync` process itself: killed with SIGKILL in
//! the middle of a backfill, stopped with SIGINT or SIGTERM (the run is
//! recorded interrupted with its counts, and resumed), a dead process's run
//! read as abandoned, two `serve` replicas and a backfill on one database,
//! and secrets kept out of every log line and error message.
//! Scenarios end with the consistency oracle (`stripe_sync_tests::oracle`).
//! The slow ones are `#[ignore]`d; `.ci/run` runs them with `--ignored`.
//! (Two `migrate`s started together: `cli_commands::migrate_is_idempotent_and_concurrent`.)

use crate::common;

use crate::rsupport;

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{cmd, cmd_with, fixtures, free_port, run_async, signal, wait_exit, wait_http_ok};
use stripe_sync::{Config, Database, StripeSync};
use stripe_sync_simulator::{Faults, SimConfig, SimHandle, WebhookRetry};
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
        "SELECT count(*) FROM stripe_sync.sync_runs WHERE status = 'succeeded'",
    )
    .await;
    assert_eq!(succeeded, 0);

    let mut again = cmd_with(&db.url, &base);
    again.args(["backfill", "customer", "--concurrency", "2"]);
    let (code, out, err) = run_async(again).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let fetched = count(
        &db,
        "SELECT fetched FROM stripe_sync.sync_runs WHERE status = 'succeeded' ORDER BY id DESC LIMIT 1",
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

/// Starts `child`'s output drains: threads reading its stdout and stderr to
/// the end, joined by the returned closure.
fn capture(child: &mut Child) -> impl FnOnce() -> String {
    let (mut so, mut se) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut so, &mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut se, &mut s);
        s
    });
    move || format!("{}{}", out.join().unwrap(), err.join().unwrap())
}

/// `stripe-sync backfill customer` stopped with SIGINT while a list request
/// hangs (after 600 customers could be written): the run is recorded
/// `interrupted` with the rows it wrote, exits 130 and says how to resume;
/// the same command then completes from the cursors.
#[tokio::test(flavor = "multi_thread")]
async fn sigint_mid_backfill_records_the_run_interrupted_with_its_counts() {
    backfill_stopped_by("INT", 130).await;
}

/// The same with SIGTERM (what a container or service manager sends): exit 143.
#[tokio::test(flavor = "multi_thread")]
async fn sigterm_mid_backfill_records_the_run_interrupted_with_its_counts() {
    backfill_stopped_by("TERM", 143).await;
}

async fn backfill_stopped_by(sig: &str, code: i32) {
    const N: i64 = 1000;
    let db = TestDb::new().await.unwrap();
    let sim = sim(SimConfig::new(fixtures()).with_count("customer", N as usize)).await;
    let base = sim.base_url();
    let mut m = cmd_with(&db.url, &base);
    m.arg("migrate");
    assert_eq!(run_async(m).await.0, 0);
    // After six customer pages, list requests hang: the backfill is held
    // mid-way, however fast the machine is, and the signal comes while it
    // waits on the API.
    sim.set_faults(Faults {
        rate_hang: 1.0,
        hang: Duration::from_secs(600),
        path: Some("/v1/customers".into()),
        start_after_requests: 6,
        ..Default::default()
    });

    let mut c = cmd_with(&db.url, &base);
    c.args(["backfill", "customer", "--concurrency", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn backfill");
    let output = capture(&mut child);
    let stored = stripe_sync_tests::wait_for("customers stored and a list request held", || {
        let (db, sim) = (&db, &sim);
        let running = child.try_wait().unwrap().is_none();
        async move {
            anyhow::ensure!(running, "the backfill ended before the signal");
            let stored = count(db, "SELECT count(*) FROM stripe.customers").await;
            Ok((stored > 0 && sim.fault_stats().injected > 0).then_some(stored))
        }
    })
    .await
    .unwrap();
    signal(&child, sig);
    let exit = wait_exit(&mut child, 60).await;
    let out = output();
    assert_eq!(exit, code, "{out}");
    assert!(
        out.contains(&format!("interrupted by SIG{sig}"))
            && out.contains("run the same command again to resume"),
        "{out}"
    );
    let out_signal = out.clone();

    // The run says what it wrote: every row in the table, none of them
    // fetched again or lost.
    let rows = count(&db, "SELECT count(*) FROM stripe.customers").await;
    assert!(
        rows >= stored && rows < N,
        "{rows} rows, {stored} seen stored"
    );
    let (status, fetched, written, finished): (String, i64, i64, bool) = sqlx::query_as(
        "SELECT status, fetched, written, finished_at IS NOT NULL FROM stripe_sync.sync_runs ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        (status.as_str(), fetched, written, finished),
        ("interrupted", rows, rows, true),
        "{out}"
    );
    let (object_status, object_written): (String, i64) = sqlx::query_as(
        "SELECT status, written FROM stripe_sync.sync_run_objects WHERE resource = 'customer'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        (object_status.as_str(), object_written),
        ("interrupted", rows)
    );
    let mut st = cmd_with(&db.url, &base);
    st.args(["status", "--json"]);
    let (st_code, st_out, st_err) = run_async(st).await;
    assert_eq!(st_code, 0, "{st_err}");
    let v: serde_json::Value = serde_json::from_str(&st_out).unwrap();
    assert_eq!(v["runs"][0]["status"], "interrupted", "{st_out}");
    assert_eq!(v["runs"][0]["written"], rows, "{st_out}");

    // The same command resumes from the cursors and completes.
    sim.set_faults(Faults::default());
    let mut again = cmd_with(&db.url, &base);
    again.args(["backfill", "customer", "--concurrency", "2"]);
    let (code, out, err) = run_async(again).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let refetched = count(
        &db,
        "SELECT fetched FROM stripe_sync.sync_runs WHERE status = 'succeeded' ORDER BY id DESC LIMIT 1",
    )
    .await;
    println!("SIG{sig} after {rows} rows written; the next run fetched {refetched}");
    println!(
        "{}",
        out_signal
            .lines()
            .filter(|l| l.contains("interrupted"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        refetched <= N - rows + 100,
        "the resumed run fetched {refetched} after {rows} were written"
    );
    Oracle::new(&sim)
        .only(&["customer"])
        .check(&db.pool)
        .await
        .unwrap()
        .assert_consistent(&format!("SIG{sig} mid-backfill, run again"));
    sim.shutdown().await;
    db.drop_db().await.unwrap();
}

/// `stripe-sync worker` stopped with SIGTERM while its backfill job waits on
/// a hung list request: the job's run is recorded `interrupted` with the
/// counts its progress rows held (the rows in the table), the worker exits
/// 143 and says how to resume, and a worker started again takes the account
/// over once its lease expires and completes it.
#[tokio::test(flavor = "multi_thread")]
async fn sigterm_stops_a_worker_with_its_run_recorded_interrupted() {
    const N: i64 = 1000;
    let db = TestDb::new().await.unwrap();
    let sim = sim(SimConfig::new(fixtures()).with_count("customer", N as usize)).await;
    let base = sim.base_url();
    let mut m = cmd_with(&db.url, &base);
    m.arg("migrate");
    assert_eq!(run_async(m).await.0, 0);
    let mut q = cmd_with(&db.url, &base);
    q.args(["backfill", "customer", "--enqueue-only"]);
    let (code, out, err) = run_async(q).await;
    assert_eq!(code, 0, "{out}\n{err}");
    sim.set_faults(Faults {
        rate_hang: 1.0,
        hang: Duration::from_secs(600),
        path: Some("/v1/customers".into()),
        start_after_requests: 6,
        ..Default::default()
    });
    let worker = |db: &TestDb| {
        let mut c = cmd_with(&db.url, &base);
        c.args(["worker", "--concurrency", "2", "--lease-seconds", "2"]);
        c
    };
    let mut c = worker(&db);
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn worker");
    let output = capture(&mut child);
    // Held on the API, with its progress row caught up with the table.
    let rows = stripe_sync_tests::wait_for("customers stored, counted, and a request held", || {
        let (db, sim) = (&db, &sim);
        let running = child.try_wait().unwrap().is_none();
        async move {
            anyhow::ensure!(running, "the worker ended before the signal");
            let stored = count(db, "SELECT count(*) FROM stripe.customers").await;
            let counted = count(
                db,
                "SELECT coalesce(sum(written), 0)::bigint FROM stripe_sync.sync_run_objects",
            )
            .await;
            let held = sim.fault_stats().injected > 0;
            Ok((stored > 0 && counted == stored && held).then_some(stored))
        }
    })
    .await
    .unwrap();
    signal(&child, "TERM");
    let exit = wait_exit(&mut child, 60).await;
    let out = output();
    assert_eq!(exit, 143, "{out}");
    assert!(
        out.contains("interrupted by SIGTERM")
            && out.contains("run the same command again to resume"),
        "{out}"
    );
    println!(
        "{}",
        out.lines()
            .filter(|l| l.contains("interrupted by"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let (status, written): (String, i64) = sqlx::query_as(
        "SELECT status, written FROM stripe_sync.sync_runs ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((status.as_str(), written), ("interrupted", rows), "{out}");
    let object: String = sqlx::query_scalar(
        "SELECT status FROM stripe_sync.sync_run_objects WHERE resource = 'customer'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(object, "interrupted");

    sim.set_faults(Faults::default());
    let (code, out, err) = run_async(worker(&db)).await;
    assert_eq!(code, 0, "{out}\n{err}");
    Oracle::new(&sim)
        .only(&["customer"])
        .check(&db.pool)
        .await
        .unwrap()
        .assert_consistent("worker stopped with SIGTERM, started again");
    sim.shutdown().await;
    db.drop_db().await.unwrap();
}

/// A run whose process died keeps `status = 'running'` in the table; with
/// no heartbeat for longer than the rule's threshold (six heartbeats,
/// 60 s), `status` and `/metrics` read it as abandoned, never running,
/// while a run that beats reads as running. The next run's start records
/// it abandoned, ended at its last heartbeat.
#[tokio::test(flavor = "multi_thread")]
async fn a_run_without_a_heartbeat_is_read_as_abandoned() {
    let db = TestDb::new().await.unwrap();
    let sim = sim(SimConfig::new(fixtures()).with_count("customer", 3)).await;
    let base = sim.base_url();
    let mut m = cmd_with(&db.url, &base);
    m.arg("migrate");
    assert_eq!(run_async(m).await.0, 0);
    // A run killed 2 minutes ago after writing 600 rows, and a live one.
    let (dead, live): (i64, i64) = sqlx::query_as(
        "WITH dead AS (
           INSERT INTO stripe_sync.sync_runs (kind, account_id, status, started_at, heartbeat_at, fetched, written)
           VALUES ('backfill', 'acct_1', 'running', now() - interval '10 minutes', now() - interval '2 minutes', 600, 600)
           RETURNING id),
         live AS (
           INSERT INTO stripe_sync.sync_runs (kind, account_id, status) VALUES ('events', 'acct_1', 'running')
           RETURNING id)
         SELECT (SELECT id FROM dead), (SELECT id FROM live)",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();

    let beat = || async {
        sqlx::query("UPDATE stripe_sync.sync_runs SET heartbeat_at = now() WHERE id = $1")
            .bind(live)
            .execute(&db.pool)
            .await
            .unwrap();
    };
    beat().await;
    let mut st = cmd_with(&db.url, &base);
    st.args(["status", "--json"]);
    let (code, out, err) = run_async(st).await;
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let status_of = |id: i64| {
        v["runs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| (r["status"].clone(), r["written"].clone()))
            .unwrap()
    };
    assert_eq!(status_of(dead), ("abandoned".into(), 600.into()), "{out}");
    assert_eq!(status_of(live).0, "running", "{out}");
    let mut st = cmd_with(&db.url, &base);
    st.arg("status");
    let (code, out, err) = run_async(st).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("abandoned") && out.contains("its process died"),
        "{out}"
    );

    let port = free_port();
    let mut server = serve(&db.url, &base, port, &[]);
    let url = format!("http://127.0.0.1:{port}");
    wait_http_ok(&format!("{url}/health")).await;
    let http = reqwest::Client::new();
    let expected = [
        "stripe_sync_runs{kind=\"backfill\",status=\"abandoned\"} 1",
        "stripe_sync_runs{kind=\"backfill\",status=\"running\"} 0",
        "stripe_sync_runs{kind=\"events\",status=\"running\"} 1",
        "stripe_sync_runs{kind=\"events\",status=\"abandoned\"} 0",
    ];
    let last = std::sync::Mutex::new(String::new());
    let shown = stripe_sync_tests::wait_for("the runs gauge on /metrics", || {
        let (http, url, db, last) = (&http, &url, &db, &last);
        async move {
            // The live run beats, as its process would.
            sqlx::query("UPDATE stripe_sync.sync_runs SET heartbeat_at = now() WHERE id = $1")
                .bind(live)
                .execute(&db.pool)
                .await?;
            let m = http
                .get(format!("{url}/metrics"))
                .send()
                .await?
                .text()
                .await?;
            let all = expected.iter().all(|e| m.lines().any(|l| l == *e));
            *last.lock().unwrap() = m;
            Ok(all.then_some(()))
        }
    })
    .await;
    let last = last.into_inner().unwrap();
    assert!(shown.is_ok(), "{shown:?}: expected {expected:?} in\n{last}");
    signal(&server, "TERM");
    assert_eq!(wait_exit(&mut server, 20).await, 0);

    // The next run's start stores what readers showed.
    let lib = engine(&db, &sim).await;
    stripe_sync::store::start_run(
        &stripe_sync::Schema::default(),
        lib.pool(),
        stripe_sync::store::RunKind::Backfill,
        "acct_1",
        &serde_json::json!({}),
    )
    .await
    .unwrap();
    let (status, ended_at_last_beat): (String, bool) = sqlx::query_as(
        "SELECT status, finished_at = heartbeat_at FROM stripe_sync.sync_runs WHERE id = $1",
    )
    .bind(dead)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((status.as_str(), ended_at_last_beat), ("abandoned", true));
    lib.close().await;
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
    let ledger = count(&db, "SELECT count(*) FROM stripe_sync.events").await;
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
