//! The child processes of this binary: the parent's handle on one
//! ([`ChildProc`]), and the hidden modes they run (`child-simulator`,
//! `child-engine`, `child-cli`).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::json;
use stripe_sync::{BackfillRequest, Config, StripeSync};

use crate::harness::fixtures;
use crate::proc_stats;

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

    pub(crate) fn pid(&self) -> u32 {
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

/// `child-cli` (and `child-serve`): `stripe-sync` with `args`, configured
/// by the environment; exits with its exit code.
pub async fn child_cli(args: &[String]) -> Result<()> {
    use clap::Parser;
    let cli = stripe_sync_cli::cli::Cli::parse_from(
        std::iter::once("stripe-sync").chain(args.iter().map(String::as_str)),
    );
    std::process::exit(stripe_sync_cli::cli::run(cli).await)
}
