//! A Connect platform mirrored by several `stripe-sync worker` processes
//! sharing the queue in one database, one of them killed with SIGKILL in
//! the middle of the run.

use std::collections::BTreeSet;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::common::{cmd_with, fixtures, run_async, signal, wait_exit};
use stripe_sync_simulator::SimConfig;
use stripe_sync_tests::oracle::Oracle;
use stripe_sync_tests::TestDb;

async fn count(db: &TestDb, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&db.pool).await.unwrap()
}

fn worker(db_url: &str, base: &str) -> Child {
    let mut c = cmd_with(db_url, base);
    c.args([
        "worker",
        "--accounts-at-once",
        "4",
        "--concurrency",
        "2",
        "--lease-seconds",
        "3",
        "--max-attempts",
        "1",
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    c.spawn().expect("spawn worker")
}

/// 200 connected accounts (and the platform) queued by `backfill
/// --connected-accounts --enqueue-only`, worked by three processes; one is
/// killed with SIGKILL while it holds accounts. The other two take its
/// accounts over once their leases expire and finish: every account equals
/// the simulator, and no list page was served twice except on the accounts
/// the killed worker held, at most one page per list stream in flight.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "slow: run by .ci/run with --ignored"]
async fn three_workers_one_killed_mirror_two_hundred_accounts() {
    let db = TestDb::new().await.unwrap();
    let mut sc = SimConfig::new(fixtures())
        .with_count("customer", 2)
        .with_connected_accounts(200);
    sc.faults.latency = Duration::from_millis(2);
    let sim = stripe_sync_simulator::start(sc, ([127, 0, 0, 1], 0).into())
        .await
        .expect("start simulator");
    let base = sim.base_url();
    let mut m = cmd_with(&db.url, &base);
    m.arg("migrate");
    assert_eq!(run_async(m).await.0, 0);
    let mut q = cmd_with(&db.url, &base);
    q.args(["backfill", "--connected-accounts", "--enqueue-only"]);
    let (code, out, err) = run_async(q).await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("queued 201 backfills"), "{out}");

    let mut workers: Vec<Child> = (0..3).map(|_| worker(&db.url, &base)).collect();
    // Kill the first once a sixth of the accounts are done and it holds some.
    let victim_pid = workers[0].id();
    let t0 = Instant::now();
    let held: Vec<String> = loop {
        assert!(
            t0.elapsed() < Duration::from_secs(240),
            "the workers stalled"
        );
        let done = count(
            &db,
            "SELECT count(*) FROM stripe_sync.sync_work WHERE state = 'done'",
        )
        .await;
        let held: Vec<(String,)> = sqlx::query_as(
            "SELECT account_id FROM stripe_sync.sync_accounts WHERE lease_owner LIKE $1",
        )
        .bind(format!("worker-{victim_pid}-%"))
        .fetch_all(&db.pool)
        .await
        .unwrap();
        if done >= 34 && !held.is_empty() {
            signal(&workers[0], "KILL");
            break held.into_iter().map(|r| r.0).collect();
        }
        assert!(
            workers[0].try_wait().unwrap().is_none(),
            "the first worker ended before the kill"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(wait_exit(&mut workers[0], 10).await, -1);
    for w in &mut workers[1..] {
        assert_eq!(wait_exit(w, 600).await, 0, "a surviving worker failed");
    }
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM stripe_sync.sync_work WHERE state <> 'done'"
        )
        .await,
        0,
        "every account's backfill is done"
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM stripe_sync.sync_accounts WHERE state = 'active'"
        )
        .await,
        201
    );

    let mut accounts = sim.connected_accounts();
    accounts.push(sim.account_id().to_string());
    let refs: Vec<&str> = accounts.iter().map(String::as_str).collect();
    Oracle::new(&sim)
        .accounts(&refs)
        .check(&db.pool)
        .await
        .unwrap()
        .assert_consistent("200 accounts, three workers, one killed");

    let held: BTreeSet<String> = held.into_iter().collect();
    let twice: Vec<(String, u64)> = sim
        .pages_served()
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .collect();
    let pages = sim.pages_served().len();
    println!(
        "killed holding {} accounts; {} distinct pages served, {} of them more than once: {twice:?}",
        held.len(),
        pages,
        twice.len()
    );
    for (page, n) in &twice {
        let account = page.split(' ').next().unwrap_or_default();
        assert!(
            held.contains(account),
            "page {page} served {n} times, on an account the killed worker did not hold"
        );
        assert_eq!(*n, 2, "page {page} served {n} times");
    }
    // At most the list streams in flight: 2 per account held.
    assert!(
        twice.len() <= held.len() * 2,
        "{} pages served twice for {} accounts held",
        twice.len(),
        held.len()
    );
    sim.shutdown().await;
    db.drop_db().await.unwrap();
}
