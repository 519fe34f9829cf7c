//! Scenario `connect`: a Connect platform's backfill worked from the queue
//! in PostgreSQL by 1, 2 and 4 worker processes.
//!
//! The simulator (a child process) holds a platform with N connected
//! accounts of about 100 objects each, adds a fixed latency to every request
//! (as a real network would) and has no rate limits; the workers' own rate
//! limits are lifted too, so that latency is the bottleneck. For each worker
//! count: a fresh database, `enqueue_backfill` of every account, then K
//! `child-worker` processes running `run_worker` until the queue is empty.
//! Every job must end `done`.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::json;
use stripe_sync::{BackfillRequest, Config, StripeSync, WorkerOptions};

use stripe_sync_tests::TestDb;

use crate::children::ChildProc;
use crate::harness::{self, measure, Measure};

/// Options of `connect`.
#[derive(clap::Args, Clone, Debug)]
pub struct ConnectOptions {
    /// The options every scenario takes.
    #[command(flatten)]
    pub common: harness::Options,
    /// Connected accounts of the platform (default 1,000; 6 with `--quick`).
    #[arg(long)]
    pub accounts: Option<usize>,
    /// Worker process counts to measure, comma-separated (default 1,2,4;
    /// 1,2 with `--quick`).
    #[arg(long, value_delimiter = ',')]
    pub workers: Option<Vec<usize>>,
    /// Latency the simulator adds to every request, in ms (default 20; 2
    /// with `--quick`).
    #[arg(long)]
    pub latency_ms: Option<u64>,
    /// Accounts each worker process works at once.
    #[arg(long, default_value_t = 4)]
    pub accounts_at_once: usize,
}

impl ConnectOptions {
    /// `connect` with its defaults (quick or full as `common` says), for `all`.
    pub fn defaults(common: &harness::Options) -> ConnectOptions {
        ConnectOptions {
            common: common.clone(),
            accounts: None,
            workers: None,
            latency_ms: None,
            accounts_at_once: 4,
        }
    }

    fn accounts(&self) -> usize {
        self.accounts
            .unwrap_or(if self.common.quick { 6 } else { 1000 })
    }

    fn workers(&self) -> Vec<usize> {
        self.workers.clone().unwrap_or_else(|| {
            if self.common.quick {
                vec![1, 2]
            } else {
                vec![1, 2, 4]
            }
        })
    }

    fn latency_ms(&self) -> u64 {
        self.latency_ms
            .unwrap_or(if self.common.quick { 2 } else { 20 })
    }
}

/// What every account (the platform and each connected one) holds: a small
/// billing graph of about 100 objects.
fn account_counts() -> BTreeMap<String, usize> {
    [
        ("product", 5),
        ("price", 10),
        ("customer", 25),
        ("subscription", 12),
        ("subscription_item", 12),
        ("invoice", 18),
        ("payment_intent", 9),
        ("charge", 9),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// How a `child-connect-simulator` is seeded.
#[derive(clap::Args, Clone, Debug)]
pub struct ConnectSimArgs {
    /// fixtures3.json.
    #[arg(long)]
    pub fixtures: std::path::PathBuf,
    /// Connected accounts, each seeded like the platform ([`account_counts`]).
    #[arg(long)]
    pub accounts: usize,
    /// Latency added to every request, in ms.
    #[arg(long)]
    pub latency_ms: u64,
}

/// `child-connect-simulator`: a platform with `--accounts` connected
/// accounts of about 100 objects each, `--latency-ms` on every request and
/// no rate limits. Prints `READY <url>`, then answers `STATS` on stdin with
/// `{"requests": n}` until stdin closes.
pub async fn child_connect_simulator(args: ConnectSimArgs) -> Result<()> {
    let mut config = stripe_sync_simulator::SimConfig::new(&args.fixtures);
    config.counts = account_counts();
    // Named connected accounts are seeded with `counts`, as the platform is
    // (generated ones get a handful of objects each).
    config.connected_accounts = (0..args.accounts)
        .map(|i| config.generated_account_id(i))
        .collect();
    config.faults.latency = Duration::from_millis(args.latency_ms);
    config.rate_limit_per_sec = None;
    config.endpoint_rate_limit_per_sec = None;
    config.platform_rate_limit_per_sec = None;
    let handle = stripe_sync_simulator::start(config, "127.0.0.1:0".parse()?).await?;
    println!("READY {}", handle.base_url());
    use tokio::io::AsyncBufReadExt;
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    while let Some(line) = lines.next_line().await? {
        let answer = match line.as_str() {
            "STATS" => json!({ "requests": handle.request_count() }),
            _ => json!({ "error": format!("unknown command {line:?}") }),
        };
        println!("{answer}");
    }
    handle.shutdown().await;
    Ok(())
}

/// How a `child-worker` runs.
#[derive(clap::Args, Clone, Debug)]
pub struct WorkerArgs {
    /// The database.
    #[arg(long)]
    pub database_url: String,
    /// The simulator.
    #[arg(long)]
    pub api_base: String,
    /// Accounts worked at once.
    #[arg(long)]
    pub accounts_at_once: usize,
}

/// What a worker child reports (its [`stripe_sync::WorkerReport`]).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct WorkerResult {
    accounts: u64,
    jobs_done: u64,
    jobs_failed: u64,
    jobs_retried: u64,
    requests: u64,
    fetched: u64,
    written: u64,
    seconds: f64,
}

/// List streams per account in a worker.
const STREAMS_PER_ACCOUNT: usize = 3;

/// The engine's configuration for the benchmark: the simulator's API, and
/// rate limits far above what latency allows, so that they never bind.
fn engine_config(database_url: String, api_base: String, accounts_at_once: usize) -> Config {
    let mut config = Config::new(database_url.clone(), "sk_live_bench");
    config.stripe_api_base = api_base;
    // Three list streams per account, and the pool the worker needs for
    // them (accounts × (streams + 1) + 2): four workers at four accounts
    // at once stay within PostgreSQL's default 100 connections.
    config.backfill_concurrency = STREAMS_PER_ACCOUNT;
    config.database = stripe_sync::Database::Url {
        url: database_url,
        max_connections: (accounts_at_once * (STREAMS_PER_ACCOUNT + 1) + 2) as u32,
    };
    config.max_requests_per_second = Some(1_000_000);
    config.endpoint_requests_per_second = Some(1_000_000);
    config
}

/// `child-worker`: works the queue until it is empty (`run_worker`), then
/// prints its report as one JSON line.
pub async fn child_worker(args: WorkerArgs) -> Result<()> {
    let sync = StripeSync::new(engine_config(
        args.database_url,
        args.api_base,
        args.accounts_at_once,
    ))
    .await?;
    let t0 = Instant::now();
    let r = sync
        .run_worker(WorkerOptions {
            accounts_at_once: args.accounts_at_once,
            follow: false,
            ..WorkerOptions::default()
        })
        .await?;
    let result = WorkerResult {
        accounts: r.accounts,
        jobs_done: r.jobs_done,
        jobs_failed: r.jobs_failed,
        jobs_retried: r.jobs_retried,
        requests: r.requests,
        fetched: r.fetched,
        written: r.written,
        seconds: t0.elapsed().as_secs_f64(),
    };
    println!("{}", serde_json::to_string(&result)?);
    sync.close().await;
    Ok(())
}

/// One measured worker count.
struct Row {
    workers: usize,
    seconds: f64,
    accounts: u64,
    objects: u64,
    requests: u64,
}

/// Scenario `connect`: prints its table and returns its measures.
pub async fn connect(o: &ConnectOptions) -> Result<Vec<Measure>> {
    let (accounts, workers, latency) = (o.accounts(), o.workers(), o.latency_ms());
    if workers.is_empty() || workers.contains(&0) {
        bail!("--workers: give one or more worker counts above 0");
    }
    let t0 = Instant::now();
    let mut sim = ChildProc::spawn(&[
        "child-connect-simulator".to_string(),
        "--fixtures".into(),
        harness::fixtures().display().to_string(),
        "--accounts".into(),
        accounts.to_string(),
        "--latency-ms".into(),
        latency.to_string(),
    ])?;
    let ready = sim.line()?;
    let api = ready
        .strip_prefix("READY ")
        .ok_or_else(|| anyhow!("simulator said {ready}"))?
        .to_string();
    let per_account: usize = account_counts().values().sum();
    eprintln!(
        "simulator seeded a platform and {accounts} connected accounts of {per_account} objects in {:.1}s ({latency} ms per request)",
        t0.elapsed().as_secs_f64()
    );
    let mut rows = Vec::new();
    let mut db: Option<TestDb> = None;
    for &k in &workers {
        // A fresh database for each worker count; the quick run (a smoke
        // test) empties the first one instead, as migrating takes seconds.
        let fresh = match db.take() {
            Some(old) if o.common.quick => {
                empty(&old).await?;
                old
            }
            _ => harness::migrated_db().await?,
        };
        let db = db.insert(fresh);
        rows.push(run_once(db, &mut sim, &api, accounts, k, o.accounts_at_once).await?);
    }
    sim.finish()?;

    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    println!();
    println!(
        "connect: {accounts} connected accounts + the platform, ~{per_account} objects each, {latency} ms latency per request, {} accounts at once per worker, {cores} cores",
        o.accounts_at_once
    );
    println!(
        "{:>7} {:>9} {:>11} {:>11} {:>11} {:>13}",
        "workers", "seconds", "accounts/s", "objects/s", "requests/s", "speedup vs 1"
    );
    let base = rows
        .iter()
        .find(|r| r.workers == 1)
        .map(|r| r.seconds)
        .unwrap_or(rows[0].seconds * rows[0].workers as f64);
    let mut out = Vec::new();
    for r in &rows {
        let speedup = base / r.seconds;
        println!(
            "{:>7} {:>9.1} {:>11.1} {:>11.0} {:>11.0} {:>12.2}x",
            r.workers,
            r.seconds,
            r.accounts as f64 / r.seconds,
            r.objects as f64 / r.seconds,
            r.requests as f64 / r.seconds,
            speedup
        );
        let name = format!("connect {} workers", r.workers);
        out.push(measure(
            &name,
            "accounts/s",
            r.accounts as f64 / r.seconds,
            "acct/s",
            None,
        ));
        out.push(measure(
            &name,
            "objects/s",
            r.objects as f64 / r.seconds,
            "obj/s",
            None,
        ));
        out.push(measure(
            &name,
            "requests/s",
            r.requests as f64 / r.seconds,
            "req/s",
            None,
        ));
        let target = (r.workers == 4).then_some(">= 3 (latency-bound)");
        out.push(measure(&name, "speedup vs 1 worker", speedup, "x", target));
    }
    Ok(out)
}

/// The simulator's request count so far.
fn sim_requests(sim: &mut ChildProc) -> Result<u64> {
    sim.ask("STATS")?["requests"]
        .as_u64()
        .ok_or_else(|| anyhow!("the simulator's STATS has no request count"))
}

/// Empties every table of the mirror and the engine's state (the queue,
/// cursors, runs, ledger, accounts), keeping the schemas, the registry of
/// the SQL entry points and the migrations' bookkeeping.
async fn empty(db: &TestDb) -> Result<()> {
    let tables: Option<String> = sqlx::query_scalar(
        "SELECT string_agg(format('%I.%I', schemaname, tablename), ', ')
           FROM pg_tables
          WHERE schemaname = 'stripe'
             OR (schemaname = 'stripe_sync' AND tablename NOT LIKE 'sql\\_%' AND tablename <> '_sqlx_migrations')",
    )
    .fetch_one(&db.pool)
    .await?;
    if let Some(tables) = tables {
        sqlx::query(&format!("TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            .execute(&db.pool)
            .await?;
    }
    Ok(())
}

/// Every account queued in the empty, migrated `db`, then `k` worker
/// processes until the queue is empty; every job must be `done`.
async fn run_once(
    db: &TestDb,
    sim: &mut ChildProc,
    api: &str,
    accounts: usize,
    k: usize,
    accounts_at_once: usize,
) -> Result<Row> {
    let sync = StripeSync::new(engine_config(db.url.clone(), api.to_string(), 1)).await?;
    let queued = sync
        .enqueue_backfill(&BackfillRequest::all(), true, &[])
        .await?;
    sync.close().await;
    if queued.connected != accounts as u64 || queued.queued != accounts as u64 + 1 {
        bail!(
            "enqueue found {} connected accounts and queued {} jobs; expected {accounts} and {}",
            queued.connected,
            queued.queued,
            accounts + 1
        );
    }
    let requests0 = sim_requests(sim)?;
    let t0 = Instant::now();
    let mut children = Vec::with_capacity(k);
    for _ in 0..k {
        children.push(ChildProc::spawn(&[
            "child-worker".to_string(),
            "--database-url".into(),
            db.url.clone(),
            "--api-base".into(),
            api.to_string(),
            "--accounts-at-once".into(),
            accounts_at_once.to_string(),
        ])?);
    }
    // Each child prints one line when its queue is empty, then exits.
    let mut results = Vec::with_capacity(k);
    for (i, mut child) in children.into_iter().enumerate() {
        let line = child
            .line()
            .with_context(|| format!("worker {} of {k} crashed", i + 1))?;
        let r: WorkerResult = serde_json::from_str(&line)
            .with_context(|| format!("worker {} of {k} said {line}", i + 1))?;
        child
            .finish()
            .with_context(|| format!("worker {} of {k}", i + 1))?;
        results.push(r);
    }
    let seconds = t0.elapsed().as_secs_f64();
    let requests = sim_requests(sim)? - requests0;

    let states: Vec<(String, i64)> = sqlx::query_as(
        "SELECT state, count(*) FROM stripe_sync.sync_work GROUP BY state ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await?;
    let done = states
        .iter()
        .find(|(s, _)| s == "done")
        .map_or(0, |(_, n)| *n);
    if done != accounts as i64 + 1 || states.len() != 1 {
        bail!(
            "{k} workers: jobs by state {states:?}; expected all {} done",
            accounts + 1
        );
    }
    let failed: u64 = results.iter().map(|r| r.jobs_failed).sum();
    if failed > 0 {
        bail!("{k} workers: {failed} jobs failed");
    }
    let sum = |f: fn(&WorkerResult) -> u64| results.iter().map(f).sum::<u64>();
    let row = Row {
        workers: k,
        seconds,
        accounts: done as u64,
        objects: sum(|r| r.written),
        requests,
    };
    eprintln!(
        "connect {k} workers: {} accounts in {seconds:.1}s, {} objects written ({} fetched), {requests} requests ({} by the workers' count), {} jobs retried; per worker: {}",
        row.accounts,
        row.objects,
        sum(|r| r.fetched),
        sum(|r| r.requests),
        sum(|r| r.jobs_retried),
        results
            .iter()
            .map(|r| format!("{} accounts in {:.1}s", r.accounts, r.seconds))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(row)
}
