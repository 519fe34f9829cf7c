//! The scenarios, their child processes and the report.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::json;
use stripe_sync::{BackfillRequest, Config, StripeSync};
use stripe_sync_tests::{spec_dir, TestDb};

use crate::proc_stats;

/// Options every scenario takes.
#[derive(clap::Args, Clone, Debug)]
pub struct Options {
    /// Small sizes that finish in under two minutes (a smoke test, not a measurement).
    #[arg(long)]
    pub quick: bool,
    /// Where to write the results as JSON.
    #[arg(long, default_value = "target/bench/results.json")]
    pub json: PathBuf,
    /// Seed the simulator from this API version's fixtures (default: the
    /// newest). Objects grow between versions (a dahlia customer is about
    /// twice a 2023-08-16 one), and so does the cost of writing them.
    #[arg(long, env = FIXTURES_VERSION_ENV)]
    pub fixtures_version: Option<String>,
}

/// Carries `--fixtures-version` to the scenarios and their child processes.
pub const FIXTURES_VERSION_ENV: &str = "STRIPE_SYNC_BENCH_FIXTURES_VERSION";

impl Options {
    /// Makes `--fixtures-version` the fixtures every scenario (and child) reads.
    pub fn apply(&self) {
        if let Some(v) = &self.fixtures_version {
            std::env::set_var(FIXTURES_VERSION_ENV, v);
        }
    }
}

/// One measured value.
#[derive(Clone, Debug, Serialize)]
pub struct Measure {
    /// The scenario.
    pub scenario: String,
    /// What was measured.
    pub name: String,
    /// The value.
    pub value: f64,
    /// Its unit.
    pub unit: String,
    /// The target, when it sets one.
    pub target: Option<String>,
}

pub(crate) fn measure(
    scenario: &str,
    name: &str,
    value: f64,
    unit: &str,
    target: Option<&str>,
) -> Measure {
    Measure {
        scenario: scenario.into(),
        name: name.into(),
        value,
        unit: unit.into(),
        target: target.map(String::from),
    }
}

/// The fixtures the simulator is seeded from (`--fixtures-version`, else the newest).
pub(crate) fn fixtures() -> PathBuf {
    let version = std::env::var(FIXTURES_VERSION_ENV)
        .unwrap_or_else(|_| stripe_sync_generated::API_VERSION.to_string());
    spec_dir().join(version).join("fixtures3.json")
}

/// Runs every scenario and prints one table.
pub async fn all(o: &Options) -> Result<()> {
    let mut out = vec![codegen(o)?];
    out.push(backfill_customers(o).await?);
    out.extend(backfill_mixed(o).await?);
    out.push(webhooks(o).await?);
    // Connect workers: only the quick run (a smoke test of the queue and its
    // child processes); the full one, 1,000 accounts, takes many minutes.
    if o.quick {
        out.push(crate::connect::connect(&crate::connect::ConnectOptions::defaults(o)).await?);
    }
    // At Stripe's rate limits it takes minutes even at its quick size (300
    // customers: about 1,500 requests at 25/s, then again at live rates),
    // far more than the rest of the quick run: only the full run has it.
    if !o.quick {
        out.extend(crate::backfill_all::backfill_all_test_mode(o).await?);
    }
    report(o, out)
}

/// Prints the table and writes the JSON.
pub fn report(o: &Options, scenarios: Vec<Vec<Measure>>) -> Result<()> {
    let all: Vec<Measure> = scenarios.into_iter().flatten().collect();
    println!();
    // As wide as the longest name (per-parent lists are named by their path).
    let width = all
        .iter()
        .map(|m| m.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(44);
    println!(
        "{:<22} {:<width$} {:>14} {:<10} target",
        "scenario", "measure", "value", "unit"
    );
    for m in &all {
        println!(
            "{:<22} {:<width$} {:>14.1} {:<10} {}",
            m.scenario,
            m.name,
            m.value,
            m.unit,
            m.target.as_deref().unwrap_or("")
        );
    }
    let machine = json!({
        "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "cpu_model": std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default().lines()
            .find(|l| l.starts_with("model name")).and_then(|l| l.split(':').nth(1)).unwrap_or("").trim(),
        "quick": o.quick,
        "at": chrono::Utc::now().to_rfc3339(),
    });
    if let Some(dir) = o.json.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(
        &o.json,
        serde_json::to_string_pretty(&json!({"machine": machine, "results": all}))?,
    )?;
    println!("\nresults written to {}", o.json.display());
    Ok(())
}

// ---------------------------------------------------------------- children

/// A child process of this binary, killed when dropped.
pub(crate) struct ChildProc {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl ChildProc {
    pub(crate) fn spawn(args: &[String]) -> Result<ChildProc> {
        let mut child = Command::new(std::env::current_exe()?)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdin = child.stdin.take();
        let lines =
            BufReader::new(child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?).lines();
        Ok(ChildProc {
            child,
            stdin,
            lines,
        })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The next line the child prints.
    pub(crate) fn line(&mut self) -> Result<String> {
        self.lines
            .next()
            .ok_or_else(|| anyhow!("the child exited early"))?
            .map_err(Into::into)
    }

    /// Sends a command line to a `child-simulator` and reads its JSON answer.
    pub(crate) fn ask(&mut self, command: &str) -> Result<serde_json::Value> {
        use std::io::Write;
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| anyhow!("the child's stdin is closed"))?;
        writeln!(stdin, "{command}")?;
        stdin.flush()?;
        let line = self.line()?;
        let v: serde_json::Value = serde_json::from_str(&line)
            .with_context(|| format!("{command}: the child said {line}"))?;
        if let Some(e) = v.get("error") {
            bail!("{command}: {e}");
        }
        Ok(v)
    }

    /// Lets the child finish (it waits for stdin to close) and reaps it.
    pub(crate) fn finish(mut self) -> Result<()> {
        drop(self.stdin.take());
        let status = self.child.wait()?;
        if !status.success() {
            bail!("child exited with {status}");
        }
        Ok(())
    }
}

impl Drop for ChildProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A simulator child seeded with `counts`, and its base URL.
fn start_simulator(counts: &[(&str, usize)]) -> Result<(ChildProc, String)> {
    let counts: Vec<String> = counts.iter().map(|(o, n)| format!("{o}={n}")).collect();
    spawn_simulator(&["--counts".into(), counts.join(",")], &counts.join(","))
}

/// A simulator child started with these `child-simulator` arguments (the
/// fixtures are added), and its base URL; `what` names its seed in the log.
pub(crate) fn spawn_simulator(args: &[String], what: &str) -> Result<(ChildProc, String)> {
    let t0 = Instant::now();
    let mut all = vec![
        "child-simulator".to_string(),
        "--fixtures".into(),
        fixtures().display().to_string(),
    ];
    all.extend_from_slice(args);
    let mut sim = ChildProc::spawn(&all)?;
    let ready = sim.line()?;
    let url = ready
        .strip_prefix("READY ")
        .ok_or_else(|| anyhow!("simulator said {ready}"))?
        .to_string();
    eprintln!(
        "simulator seeded {what} in {:.1}s",
        t0.elapsed().as_secs_f64()
    );
    Ok((sim, url))
}

/// How a simulator child is seeded and rate-limited.
#[derive(clap::Args, Clone, Debug)]
pub struct SimArgs {
    /// `object=n,object=n` (after `--customers`' account, overriding it).
    #[arg(long, default_value = "")]
    pub counts: String,
    /// fixtures3.json.
    #[arg(long)]
    pub fixtures: PathBuf,
    /// Seed a billing account of this many customers
    /// (`SimConfig::billing_account`: sparse per-customer children included).
    #[arg(long)]
    pub customers: Option<usize>,
    /// Requests per second the account may make before answering 429.
    #[arg(long)]
    pub rate_limit: Option<u32>,
    /// Requests per second one endpoint may take before answering 429.
    #[arg(long)]
    pub endpoint_rate_limit: Option<u32>,
}

/// `child-simulator`: seed, print `READY <url>`, then answer the parent's
/// commands on stdin, one JSON line each, until stdin closes:
///
/// * `STATS`: requests so far, by endpoint, and the 429s of the rate limits;
/// * `MINIMUM`: the fewest requests `backfill all` needs for the account
///   ([`crate::minimum`]);
/// * `ORACLE <database url>`: the database compared with the simulator's
///   objects (`stripe_sync_tests::oracle`).
pub async fn child_simulator(args: SimArgs) -> Result<()> {
    let mut config = match args.customers {
        Some(n) => stripe_sync_simulator::SimConfig::billing_account(&args.fixtures, n),
        None => stripe_sync_simulator::SimConfig::new(&args.fixtures),
    };
    for pair in args.counts.split(',').filter(|p| !p.is_empty()) {
        let (o, n) = pair
            .split_once('=')
            .ok_or_else(|| anyhow!("bad count {pair}"))?;
        config = config.with_count(o, n.parse()?);
    }
    // The same account without limits, for the minimum's own reads.
    let unlimited = config.clone();
    config.rate_limit_per_sec = args.rate_limit;
    config.endpoint_rate_limit_per_sec = args.endpoint_rate_limit;
    let handle = stripe_sync_simulator::start(config, "127.0.0.1:0".parse()?).await?;
    println!("READY {}", handle.base_url());
    use tokio::io::AsyncBufReadExt;
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    while let Some(line) = lines.next_line().await? {
        let (command, arg) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        let answer = match command {
            "STATS" => {
                let f = handle.fault_stats();
                Ok(json!({
                    "requests": handle.request_count(),
                    "by_endpoint": handle.requests_by_endpoint(),
                    "global_rate_limited": f.global_rate_limited,
                    "endpoint_rate_limited": f.endpoint_rate_limited,
                }))
            }
            "MINIMUM" => minimum(&handle, &unlimited).await,
            "ORACLE" => oracle(&handle, arg).await,
            _ => Err(anyhow!("unknown command {line:?}")),
        };
        let answer = answer.unwrap_or_else(|e| json!({ "error": format!("{e:#}") }));
        println!("{answer}");
    }
    handle.shutdown().await;
    Ok(())
}

/// The fewest requests `backfill all` needs for the simulator's account.
/// Lists whose children do not all name their parent are counted through
/// the API of a twin (the same seed gives the same account) without rate
/// limits, so that the measured simulator sees none of it.
async fn minimum(
    handle: &stripe_sync_simulator::SimHandle,
    twin: &stripe_sync_simulator::SimConfig,
) -> Result<serde_json::Value> {
    use crate::minimum::{compute, count_carried, Exact};
    let mut m = compute(|o| handle.objects(o), &Exact::new());
    if !m.unplaced.is_empty() {
        let twin = stripe_sync_simulator::start(twin.clone(), "127.0.0.1:0".parse()?).await?;
        let mut exact = Exact::new();
        for list in &m.unplaced {
            let counts = count_carried(&twin.base_url(), list).await?;
            exact.insert((list.parent.clone(), list.field.clone()), counts);
        }
        twin.shutdown().await;
        m = compute(|o| handle.objects(o), &exact);
    }
    Ok(serde_json::to_value(m)?)
}

/// The database at `url` compared with every object of the simulator.
async fn oracle(handle: &stripe_sync_simulator::SimHandle, url: &str) -> Result<serde_json::Value> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect(url)
        .await?;
    let r = stripe_sync_tests::oracle::Oracle::new(handle)
        .check(&pool)
        .await?;
    pool.close().await;
    Ok(json!({
        "tables": r.tables,
        "objects": r.objects,
        "rows": r.rows,
        "missing": r.missing,
        "stale": r.stale,
        "extra": r.extra,
        "findings": r.findings.iter().take(20).map(|f| format!(
            "{:?} {}.{}: {}", f.drift, f.table, f.id, f.detail
        )).collect::<Vec<_>>(),
    }))
}

/// Waits until the parent closes this child's stdin (how it says "stop").
async fn stdin_closed() -> Result<()> {
    tokio::task::spawn_blocking(|| {
        let mut s = String::new();
        while std::io::stdin()
            .read_line(&mut s)
            .map(|n| n > 0)
            .unwrap_or(false)
        {}
    })
    .await?;
    Ok(())
}

/// What an engine child reports.
#[derive(Debug, Serialize, Deserialize)]
pub struct EngineResult {
    pub(crate) succeeded: bool,
    pub(crate) fetched: u64,
    pub(crate) written: u64,
    pub(crate) requests: u64,
    pub(crate) seconds: f64,
    pub(crate) peak_rss_mib: f64,
    pub(crate) cpu_seconds: f64,
    pub(crate) objects: Vec<(String, u64, u64, f64)>,
}

/// How a `child-engine` runs.
#[derive(clap::Args, Clone, Debug)]
pub struct EngineArgs {
    /// The database.
    #[arg(long)]
    pub database_url: String,
    /// The simulator.
    #[arg(long)]
    pub api_base: String,
    /// Objects to backfill, comma-separated; all when absent.
    #[arg(long)]
    pub objects: Option<String>,
    /// Ignore cursors.
    #[arg(long)]
    pub full: bool,
    /// The secret key: a test-mode key (`sk_test_…`) gets Stripe's test-mode
    /// rate limit.
    #[arg(long, default_value = "sk_live_bench")]
    pub secret_key: String,
    /// Keep the engine's Stripe rate limits (25/s test, 100/s live, 25/s per
    /// endpoint) instead of lifting them to measure the engine alone.
    #[arg(long)]
    pub stripe_rates: bool,
}

/// `child-engine`: one backfill, its result as one JSON line, then wait for stdin to close.
pub async fn child_engine(args: EngineArgs) -> Result<()> {
    let EngineArgs {
        database_url,
        api_base,
        objects,
        full,
        secret_key,
        stripe_rates,
    } = args;
    let mut config = Config::new(database_url, secret_key);
    config.stripe_api_base = api_base;
    if !stripe_rates {
        // The benchmark measures the engine, not Stripe's limit of 100 requests/s.
        config.max_requests_per_second = Some(1_000_000);
    }
    let sync = StripeSync::new(config).await?;
    let mut request = match objects {
        Some(list) => BackfillRequest::objects(list.split(',').map(String::from)),
        None => BackfillRequest::all(),
    };
    request.full = full;
    let t0 = Instant::now();
    let report = sync.backfill(request).await?;
    let seconds = t0.elapsed().as_secs_f64();
    let result = EngineResult {
        succeeded: report.succeeded,
        fetched: report.fetched,
        written: report.written,
        requests: report.objects.iter().map(|o| o.requests).sum(),
        seconds,
        peak_rss_mib: proc_stats::peak_rss_mib(),
        cpu_seconds: proc_stats::cpu_seconds(std::process::id()),
        objects: report
            .objects
            .iter()
            .filter(|o| o.fetched > 0)
            .map(|o| {
                (
                    o.object.clone(),
                    o.fetched,
                    o.written,
                    o.duration.as_secs_f64(),
                )
            })
            .collect(),
    };
    println!("{}", serde_json::to_string(&result)?);
    stdin_closed().await?;
    sync.close().await;
    Ok(())
}

/// CPU seconds of the simulator, the engine and PostgreSQL during one engine run.
struct CpuSplit {
    engine: f64,
    simulator: f64,
    postgres: f64,
}

/// Runs one engine child against `db` and `sim`, measuring everyone's CPU.
async fn run_engine(
    db: &TestDb,
    sim: &ChildProc,
    api: &str,
    objects: Option<&str>,
    full: bool,
) -> Result<(EngineResult, CpuSplit)> {
    let mut args = vec![
        "child-engine".to_string(),
        "--database-url".into(),
        db.url.clone(),
        "--api-base".into(),
        api.to_string(),
    ];
    if let Some(o) = objects {
        args.extend(["--objects".to_string(), o.to_string()]);
    }
    if full {
        args.push("--full".into());
    }
    let (sim0, pg0) = (
        proc_stats::cpu_seconds(sim.pid()),
        proc_stats::postgres_cpu(&db.pool, &db.name).await,
    );
    let mut engine = ChildProc::spawn(&args)?;
    let line = engine.line()?;
    // The engine's connections are still open: it waits for stdin to close.
    let (sim1, pg1) = (
        proc_stats::cpu_seconds(sim.pid()),
        proc_stats::postgres_cpu(&db.pool, &db.name).await,
    );
    let result: EngineResult =
        serde_json::from_str(&line).with_context(|| format!("engine said {line}"))?;
    engine.finish()?;
    if !result.succeeded {
        bail!("the backfill failed: {line}");
    }
    let split = CpuSplit {
        engine: result.cpu_seconds,
        simulator: sim1 - sim0,
        postgres: proc_stats::postgres_cpu_between(&pg0, &pg1),
    };
    Ok((result, split))
}

/// A fresh database with the mirror's schema.
pub(crate) async fn migrated_db() -> Result<TestDb> {
    let db = TestDb::new().await?;
    let sync = StripeSync::new(Config::with_pool(db.pool.clone(), "sk_live_bench")).await?;
    sync.migrate().await?;
    Ok(db)
}

// ---------------------------------------------------------------- scenarios

/// Scenario 1: customers only, at two sizes, so that memory is seen to stay flat.
pub async fn backfill_customers(o: &Options) -> Result<Vec<Measure>> {
    let sizes: [usize; 2] = if o.quick {
        [10_000, 50_000]
    } else {
        [100_000, 1_000_000]
    };
    let mut out = Vec::new();
    for (i, n) in sizes.into_iter().enumerate() {
        let name = format!("backfill customers {}k", n / 1000);
        let (sim, api) = start_simulator(&[("customer", n)])?;
        let db = migrated_db().await?;
        let (r, cpu) = run_engine(&db, &sim, &api, Some("customer"), true).await?;
        if r.fetched as usize != n {
            bail!("{name}: fetched {} of {n}", r.fetched);
        }
        let total_cpu = cpu.engine + cpu.simulator + cpu.postgres;
        eprintln!(
            "{name}: {:.0} objects/s, peak RSS {:.1} MiB",
            r.fetched as f64 / r.seconds,
            r.peak_rss_mib
        );
        if i == 1 {
            out.push(measure(
                &name,
                "objects/s",
                r.fetched as f64 / r.seconds,
                "obj/s",
                Some(">= 20000"),
            ));
        } else {
            out.push(measure(
                &name,
                "objects/s",
                r.fetched as f64 / r.seconds,
                "obj/s",
                None,
            ));
        }
        out.push(measure(
            &name,
            "engine peak RSS",
            r.peak_rss_mib,
            "MiB",
            Some("<= 150, flat"),
        ));
        out.push(measure(
            &name,
            "CPU share: PostgreSQL",
            100.0 * cpu.postgres / total_cpu,
            "%",
            None,
        ));
        out.push(measure(
            &name,
            "CPU share: engine (fetch, parse, send)",
            100.0 * cpu.engine / total_cpu,
            "%",
            None,
        ));
        out.push(measure(
            &name,
            "CPU share: simulator",
            100.0 * cpu.simulator / total_cpu,
            "%",
            None,
        ));
        db.drop_db().await?;
    }
    Ok(out)
}

/// The mixed account: about 1,000,000 objects (1/20 of that with --quick).
fn mixed_counts(quick: bool) -> Vec<(&'static str, usize)> {
    let div = if quick { 20 } else { 1 };
    [
        ("customer", 200_000),
        ("product", 2_000),
        ("price", 6_000),
        ("subscription", 120_000),
        ("subscription_item", 160_000),
        ("invoice", 150_000),
        ("line_item", 160_000),
        ("payment_intent", 80_000),
        ("charge", 80_000),
        ("refund", 20_000),
    ]
    .into_iter()
    .map(|(o, n)| (o, n / div))
    .collect()
}

/// Scenarios 2 and 3: the mixed account, then an incremental re-sync of it unchanged.
pub async fn backfill_mixed(o: &Options) -> Result<Vec<Vec<Measure>>> {
    let counts = mixed_counts(o.quick);
    let total: usize = counts.iter().map(|(_, n)| n).sum();
    let objects: Vec<&str> = counts.iter().map(|(o, _)| *o).collect();
    let objects = objects.join(",");
    let (sim, api) = start_simulator(&counts)?;
    let db = migrated_db().await?;
    let name = format!("backfill mixed {}k", total / 1000);
    let (r, cpu) = run_engine(&db, &sim, &api, Some(&objects), true).await?;
    // Every object of the account must be in its table: the listed ones and
    // the subscription items and invoice lines that arrive embedded in their
    // parents (all complete, so no request lists them).
    for (object, n) in &counts {
        let res = stripe_sync_generated::resource(object)
            .ok_or_else(|| anyhow!("{object} has no table"))?;
        let table = stripe_sync::store::table_ident(res);
        let rows: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(&db.pool)
            .await?;
        if rows as usize != *n {
            bail!("{name}: {table} holds {rows} rows, the account has {n} {object} objects");
        }
    }
    let mut mixed = vec![
        measure(
            &name,
            "objects/s overall (every object, embedded ones included)",
            total as f64 / r.seconds,
            "obj/s",
            Some(">= 10000"),
        ),
        measure(
            &name,
            "objects/s listed (without embedded items and lines)",
            r.fetched as f64 / r.seconds,
            "obj/s",
            None,
        ),
        measure(
            &name,
            "objects in the account",
            total as f64,
            "objects",
            None,
        ),
        measure(&name, "objects listed", r.fetched as f64, "objects", None),
        measure(&name, "time", r.seconds, "s", None),
    ];
    mixed.push(measure(
        &name,
        "requests",
        r.requests as f64,
        "requests",
        None,
    ));
    mixed.push(measure(
        &name,
        "engine peak RSS",
        r.peak_rss_mib,
        "MiB",
        Some("<= 150"),
    ));
    let total_cpu = cpu.engine + cpu.simulator + cpu.postgres;
    mixed.push(measure(
        &name,
        "CPU share: PostgreSQL",
        100.0 * cpu.postgres / total_cpu,
        "%",
        None,
    ));
    for (object, fetched, _, secs) in &r.objects {
        mixed.push(measure(
            &name,
            &format!("{object} objects/s"),
            *fetched as f64 / secs.max(1e-9),
            "obj/s",
            None,
        ));
    }
    eprintln!("{name}: {:.0} objects/s", total as f64 / r.seconds);

    let name = format!("incremental {}k", total / 1000);
    let requests_before = sim_requests(&api).await?;
    let (inc, _) = run_engine(&db, &sim, &api, Some(&objects), false).await?;
    let incremental = vec![
        measure(&name, "requests", inc.requests as f64, "requests", None),
        measure(
            &name,
            "requests seen by the simulator",
            (sim_requests(&api).await? - requests_before) as f64,
            "requests",
            None,
        ),
        measure(
            &name,
            "rows written",
            inc.written as f64,
            "rows",
            Some("about 0"),
        ),
        measure(&name, "time", inc.seconds, "s", None),
    ];
    db.drop_db().await?;
    drop(sim);
    Ok(vec![mixed, incremental])
}

async fn sim_requests(api: &str) -> Result<u64> {
    let v: serde_json::Value = reqwest::Client::new()
        .get(format!("{api}/_simulator/stats"))
        .bearer_auth("sk_live_bench")
        .send()
        .await?
        .json()
        .await?;
    v["requests"]
        .as_u64()
        .ok_or_else(|| anyhow!("no request count in {v}"))
}

/// A child process killed when dropped, so a failed scenario leaves nothing running.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `child-cli` (and `child-serve`): `stripe-sync` with `args`, configured
/// by the environment; exits with its exit code.
pub async fn child_cli(args: &[String]) -> Result<()> {
    use clap::Parser;
    let cli = stripe_sync_cli::cli::Cli::parse_from(
        std::iter::once("stripe-sync").chain(args.iter().map(String::as_str)),
    );
    std::process::exit(stripe_sync_cli::cli::run(cli).await)
}

fn sign(secret: &str, t: i64, body: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// What receives the webhooks of scenario 4.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Receiver {
    /// `stripe-sync serve`.
    Serve,
    /// A thin receiver calling `stripe_sync.process_webhook` with this many
    /// PostgreSQL connections.
    Sql(u32),
}

/// Scenario 4: signed webhooks POSTed concurrently over loopback to `serve`,
/// then by the same senders to a thin receiver calling
/// `stripe_sync.process_webhook`. Every event is acknowledged only after its
/// commit, which the scenario checks by counting the ledger afterwards.
pub async fn webhooks(o: &Options) -> Result<Vec<Measure>> {
    let mut out = webhooks_to(o, Receiver::Serve).await?;
    out.extend(webhooks_to(o, Receiver::Sql(16)).await?);
    Ok(out)
}

async fn webhooks_to(o: &Options, receiver: Receiver) -> Result<Vec<Measure>> {
    let serve = receiver == Receiver::Serve;
    let (total, senders) = if o.quick {
        (5_000usize, 32usize)
    } else {
        (50_000, 64)
    };
    let db = migrated_db().await?;
    // The engine asks the API for the platform account id of events without `account`.
    let (_sim, api) = start_simulator(&[])?;
    let secret = "whsec_bench";
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let listen = format!("127.0.0.1:{port}");
    if !serve {
        // The SQL path's secret, for the account the events name none of.
        sqlx::query("SELECT stripe_sync.add_webhook_secret($1, 'acct_bench')")
            .bind(secret)
            .execute(&db.pool)
            .await?;
    }
    let args: Vec<String> = match receiver {
        Receiver::Serve => vec!["child-serve".into(), "--listen".into(), listen.clone()],
        Receiver::Sql(n) => vec![
            "child-sql-receiver".into(),
            "--listen".into(),
            listen.clone(),
            "--connections".into(),
            n.to_string(),
        ],
    };
    let mut child = KillOnDrop(
        Command::new(std::env::current_exe()?)
            .args(&args)
            .env("DATABASE_URL", &db.url)
            .env("STRIPE_SECRET_KEY", "sk_live_bench")
            .env("STRIPE_API_BASE", &api)
            .env("STRIPE_WEBHOOK_SECRET", secret)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()?,
    );
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(senders)
        .build()?;
    let base = format!("http://{listen}");
    let mut up = false;
    for _ in 0..100 {
        if http
            .get(format!("{base}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    if !up {
        bail!("the webhook receiver did not come up on {listen}");
    }
    let template = {
        let f: serde_json::Value = serde_json::from_slice(&std::fs::read(fixtures())?)?;
        f["resources"]["customer"].clone()
    };
    let now = chrono::Utc::now().timestamp();
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let serve_pid = child.0.id();
    let (serve0, me0, pg0) = (
        proc_stats::cpu_seconds(serve_pid),
        proc_stats::cpu_seconds(std::process::id()),
        proc_stats::postgres_cpu(&db.pool, &db.name).await,
    );
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..senders {
        let (http, next, template, url) = (
            http.clone(),
            next.clone(),
            template.clone(),
            format!("{base}/webhooks"),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= total {
                    return Ok::<_, anyhow::Error>(latencies);
                }
                let mut customer = template.clone();
                customer["id"] = format!("cus_wh{:05}", i % 5_000).into();
                customer["email"] = format!("v{i}@example.com").into();
                let body = json!({
                    "id": format!("evt_bench{i:08}"), "object": "event", "type": "customer.updated",
                    "api_version": stripe_sync_generated::API_VERSION, "created": now + (i / 1_000) as i64,
                    "livemode": false, "pending_webhooks": 1, "request": {"id": null, "idempotency_key": null},
                    "data": {"object": customer},
                })
                .to_string();
                let sig = sign("whsec_bench", chrono::Utc::now().timestamp(), &body);
                let started = Instant::now();
                let resp = http.post(&url).header("Stripe-Signature", sig).header("Content-Type", "application/json").body(body).send().await?;
                if !resp.status().is_success() {
                    bail!("event {i}: {}", resp.status());
                }
                latencies.push(started.elapsed().as_secs_f64() * 1000.0);
            }
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await??);
    }
    let secs = t0.elapsed().as_secs_f64();
    let (serve_cpu, sender_cpu, pg_cpu) = (
        proc_stats::cpu_seconds(serve_pid) - serve0,
        proc_stats::cpu_seconds(std::process::id()) - me0,
        proc_stats::postgres_cpu_between(&pg0, &proc_stats::postgres_cpu(&db.pool, &db.name).await),
    );
    // The server's group commits: how many events each transaction wrote.
    let metrics = if serve {
        http.get(format!("{base}/metrics"))
            .send()
            .await?
            .text()
            .await?
    } else {
        String::new()
    };
    let metric = |name: &str| {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let per_commit = metric("stripe_sync_webhook_group_events_total")
        / metric("stripe_sync_webhook_group_commits_total").max(1.0);
    let _ = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status();
    let _ = child.0.wait();
    let committed: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe_sync.events")
        .fetch_one(&db.pool)
        .await?;
    if committed as usize != total {
        bail!("{total} events acknowledged but {committed} in the ledger");
    }
    // Every event applied, none recorded unattributed or failed.
    let applied: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM stripe_sync.events WHERE outcome IN ('applied', 'unchanged', 'stale')",
    )
    .fetch_one(&db.pool)
    .await?;
    // (serve resolves its account in the background at startup: events
    // before that are applied once it is, so only the SQL path is checked.)
    if !serve && applied as usize != total {
        bail!("{total} events committed but {applied} applied");
    }
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    db.drop_db().await?;
    let (name, receiver_cpu) = match receiver {
        Receiver::Serve => (
            format!("webhooks {}k x{senders}", total / 1000),
            "CPU per event: serve",
        ),
        Receiver::Sql(n) => (
            format!(
                "webhooks {}k x{senders} process_webhook ({n} conns)",
                total / 1000
            ),
            "CPU per event: thin receiver",
        ),
    };
    Ok(vec![
        measure(
            &name,
            "events/s (each committed before 200)",
            total as f64 / secs,
            "events/s",
            serve.then_some(">= 3000"),
        ),
        measure(&name, "latency p50", pct(0.50), "ms", None),
        measure(
            &name,
            "latency p99",
            pct(0.99),
            "ms",
            serve.then_some("<= 50"),
        ),
        measure(
            &name,
            "acknowledged = committed",
            committed as f64,
            "events",
            None,
        ),
        measure(
            &name,
            "events per commit (mean)",
            if serve { per_commit } else { 1.0 },
            "events",
            None,
        ),
        measure(
            &name,
            "CPU per event: PostgreSQL",
            1e6 * pg_cpu / total as f64,
            "us",
            None,
        ),
        measure(
            &name,
            receiver_cpu,
            1e6 * serve_cpu / total as f64,
            "us",
            None,
        ),
        measure(
            &name,
            "CPU per event: senders (bench)",
            1e6 * sender_cpu / total as f64,
            "us",
            None,
        ),
    ])
}

/// Scenario 5: generating every API version of the chain.
pub fn codegen(_o: &Options) -> Result<Vec<Measure>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut times = Vec::new();
    let mut summary = None;
    for _ in 0..3 {
        let t0 = Instant::now();
        let output = stripe_sync_codegen::generate(&root, &spec_dir())?;
        times.push(t0.elapsed().as_secs_f64());
        summary = Some(output.summary);
    }
    times.sort_by(f64::total_cmp);
    let s = summary.ok_or_else(|| anyhow!("no run"))?;
    let name = format!("codegen {} versions", s.versions.len());
    let name = name.as_str();
    Ok(vec![
        measure(name, "time (median of 3)", times[1], "s", Some("<= 10")),
        measure(name, "tables", s.tables.len() as f64, "tables", None),
        measure(name, "typed columns", s.columns as f64, "columns", None),
        measure(name, "event types", s.event_types as f64, "types", None),
    ])
}
