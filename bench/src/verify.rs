//! Scenario `verify` (issue 31): how fast `stripe-sync verify` proves a
//! mirror at Stripe's rate limits, in test mode (25 requests/s) and live
//! mode (100/s, 25/s per endpoint).
//!
//! The simulator seeds a billing account and enforces the limits. The
//! engine (its own process, paced by its key's mode) backfills the
//! account's top-level types, then `stripe-sync verify` of those types runs
//! as a process: in full, then with `--budget 100`. The scenario reports the
//! rows compared per second, the requests the simulator saw against the
//! top-level pages the account needs, and the differences found (0: the
//! mirror was just backfilled and nothing changed since).

use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use serde_json::Value;

use crate::backfill_all::{billing_account, spawn_engine, Mode, MODES};
use crate::children::ChildProc;
use crate::harness::{measure, migrated_db, Measure, Options};
use crate::minimum::{Kind, Minimum};

/// The billing account's types with a top-level list.
const TYPES: [&str; 8] = [
    "product",
    "price",
    "customer",
    "subscription",
    "invoice",
    "payment_intent",
    "charge",
    "refund",
];

/// The scenario: both modes, one table section each.
pub async fn verify(o: &Options) -> Result<Vec<Vec<Measure>>> {
    let customers = if o.quick { 300 } else { 5_000 };
    let mut out = Vec::new();
    for mode in &MODES {
        out.push(run(customers, mode).await?);
    }
    Ok(out)
}

/// Requests the simulator has answered.
fn requests(sim: &mut ChildProc) -> Result<u64> {
    let v = sim.ask("STATS")?;
    v["requests"]
        .as_u64()
        .ok_or_else(|| anyhow!("STATS: no requests in {v}"))
}

/// Runs `stripe-sync verify ARGS --json` as a process; its exit code, JSON
/// and wall time.
async fn verify_process(
    db: &str,
    api: &str,
    key: &str,
    args: &[&str],
) -> Result<(i32, Value, f64)> {
    let mut c = tokio::process::Command::new(std::env::current_exe()?);
    c.arg("child-cli")
        .arg("verify")
        .args(TYPES)
        .args(args)
        .arg("--json")
        .args(["--database-url", db, "--api-base", api, "--stripe-key", key])
        .env("RUST_LOG", "warn");
    let t = Instant::now();
    let out = c.output().await.context("running verify")?;
    let wall = t.elapsed().as_secs_f64();
    let code = out.status.code().unwrap_or(-1);
    let v: Value = serde_json::from_slice(&out.stdout).with_context(|| {
        format!(
            "verify exited {code}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    Ok((code, v, wall))
}

/// Sums a count over the types of a `verify --json` answer.
fn total(v: &Value, key: &str) -> u64 {
    v["types"]
        .as_object()
        .map(|t| t.values().filter_map(|c| c[key].as_u64()).sum())
        .unwrap_or(0)
}

async fn run(customers: usize, mode: &Mode) -> Result<Vec<Measure>> {
    let name = format!("verify {}k {}", customers as f64 / 1000.0, mode.name);
    let name = name.as_str();
    let (mut sim, api) = billing_account(customers, mode)?;
    let minimum: Minimum = serde_json::from_value(sim.ask("MINIMUM")?)?;
    let pages: u64 = minimum
        .lists
        .iter()
        .filter(|l| l.kind == Kind::TopLevel)
        .filter(|l| l.objects.iter().any(|o| TYPES.contains(&o.as_str())))
        .map(|l| l.requests)
        .sum();
    let db = migrated_db().await?;
    let mut engine = spawn_engine(&db.url, &api, mode, &["--objects", &TYPES.join(",")])?;
    let line = engine.line()?;
    engine.finish()?;
    eprintln!("{name}: backfilled the top-level types: {line}");

    let mut out = Vec::new();
    let before = requests(&mut sim)?;
    let (code, full, wall) = verify_process(&db.url, &api, mode.secret_key, &[]).await?;
    let made = requests(&mut sim)? - before;
    let checked = total(&full, "checked");
    let differing = total(&full, "missing") + total(&full, "stale") + total(&full, "extra");
    eprintln!("{name}: full verify exited {code}: {checked} rows, {made} requests, {wall:.1} s");
    out.extend([
        measure(name, "full: rows compared", checked as f64, "rows", None),
        measure(
            name,
            "full: rows compared per second",
            checked as f64 / wall,
            "rows/s",
            None,
        ),
        measure(
            name,
            "full: requests (seen by the simulator)",
            made as f64,
            "requests",
            Some(&*format!(
                "<= 1.1 x {pages} top-level pages = {:.0}",
                1.1 * pages as f64
            )),
        ),
        measure(name, "full: wall time", wall, "s", None),
        measure(
            name,
            "full: differences found",
            differing as f64,
            "objects",
            Some("0"),
        ),
    ]);
    let budget = 100;
    let before = requests(&mut sim)?;
    let (code, sampled, wall) = verify_process(
        &db.url,
        &api,
        mode.secret_key,
        &["--budget", &budget.to_string()],
    )
    .await?;
    let made = requests(&mut sim)? - before;
    let checked = total(&sampled, "checked");
    eprintln!(
        "{name}: verify --budget {budget} exited {code}: {checked} rows, {made} requests, {wall:.1} s"
    );
    out.extend([
        measure(
            name,
            &format!("--budget {budget}: rows compared"),
            checked as f64,
            "rows",
            None,
        ),
        measure(
            name,
            &format!("--budget {budget}: requests (seen by the simulator)"),
            made as f64,
            "requests",
            Some(&*format!("<= {budget}")),
        ),
        measure(
            name,
            &format!("--budget {budget}: wall time"),
            wall,
            "s",
            None,
        ),
    ]);
    db.drop_db().await?;
    drop(sim);
    Ok(out)
}
