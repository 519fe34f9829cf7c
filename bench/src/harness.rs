//! The measuring harness every scenario shares: the options, one measure
//! and the report of them all, the fixtures the simulator is seeded from,
//! and a fresh database.

use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;
use serde_json::json;
use stripe_sync::{Config, StripeSync};
use stripe_sync_tests::{spec_dir, TestDb};

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

/// The median of `v` (sorted in place); 0 when empty.
pub(crate) fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Which side of an on/off comparison runs first in pair `pair`: on first,
/// then off first, and so on, so the machine's drift over a scenario weighs
/// on both sides.
pub(crate) fn pair_order(pair: usize) -> [bool; 2] {
    if pair.is_multiple_of(2) {
        [true, false]
    } else {
        [false, true]
    }
}

/// The fixtures the simulator is seeded from (`--fixtures-version`, else the newest).
pub(crate) fn fixtures() -> PathBuf {
    let version = std::env::var(FIXTURES_VERSION_ENV)
        .unwrap_or_else(|_| stripe_sync_generated::API_VERSION.to_string());
    spec_dir().join(version).join("fixtures3.json")
}

/// The fixtures' customer, the template the webhook benchmarks' events
/// are made from.
pub(crate) fn customer_template() -> Result<serde_json::Value> {
    let f: serde_json::Value = serde_json::from_slice(&std::fs::read(fixtures())?)?;
    Ok(f["resources"]["customer"].clone())
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

/// A fresh database with the mirror's schema.
pub(crate) async fn migrated_db() -> Result<TestDb> {
    let db = TestDb::new().await?;
    let sync = StripeSync::new(Config::with_pool(db.pool.clone(), "sk_live_bench")).await?;
    sync.migrate().await?;
    Ok(db)
}
