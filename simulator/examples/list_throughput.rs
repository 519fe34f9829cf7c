//! Measures list throughput: seeds N customers (default 100,000; first
//! argument), then walks `/v1/customers?limit=100` to the end with one
//! client, sequentially as a backfill does, and prints objects/s. A second
//! measurement runs 2 such walks at once (over halves split by `created`).
//!
//! `cargo run --release -p stripe-sync-simulator --example list_throughput [N]`
//! (`STRIPE_FIXTURES` overrides the fixtures path).

use std::time::Instant;

use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Page {
    data: Vec<Item>,
    has_more: bool,
}

#[derive(Deserialize)]
struct Item {
    id: String,
}
use stripe_sync_simulator::{start, Fixtures, SimConfig};

async fn walk(client: &reqwest::Client, base: &str, extra: &str) -> anyhow::Result<usize> {
    let mut after: Option<String> = None;
    let mut n = 0;
    loop {
        let mut url = format!("{base}/v1/customers?limit=100{extra}");
        if let Some(a) = &after {
            url.push_str(&format!("&starting_after={a}"));
        }
        let body = client
            .get(&url)
            .bearer_auth("sk_test_bench")
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        // Only ids and `has_more` are read (serde skips the rest): this
        // measures the simulator, not the client's JSON decoding.
        let page: Page = serde_json::from_slice(&body)?;
        n += page.data.len();
        after = page.data.last().map(|o| o.id.clone());
        if !page.has_more {
            return Ok(n);
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    // `STRIPE_FIXTURES` (a fixtures3.json), else the embedded 2023-08-16 ones.
    let fixtures = match std::env::var_os("STRIPE_FIXTURES") {
        Some(path) => Fixtures::File(path.into()),
        None => Fixtures::embedded("2023-08-16"),
    };
    let t0 = Instant::now();
    let sim = start(
        SimConfig::new(fixtures).with_count("customer", n),
        "127.0.0.1:0".parse()?,
    )
    .await?;
    println!("seeded {n} customers in {:.2?}; {}", t0.elapsed(), rss());
    let base = sim.base_url();
    let client = reqwest::Client::new();
    for round in 1..=2 {
        let t = Instant::now();
        let got = walk(&client, &base, "").await?;
        let secs = t.elapsed().as_secs_f64();
        println!(
            "round {round}: one sequential walk: {got} objects in {secs:.2}s = {:.0} objects/s",
            got as f64 / secs
        );
    }
    println!("after two sequential walks: {}", rss());
    // The oracle parses every object (client-side memory, not the server's).
    let objs = sim.objects("customer");
    let mut created: Vec<i64> = objs
        .iter()
        .filter_map(|o: &Value| o["created"].as_i64())
        .collect();
    created.sort_unstable();
    let mid = created[created.len() / 2];
    let t = Instant::now();
    let (lt, gte) = (
        format!("&created[lt]={mid}"),
        format!("&created[gte]={mid}"),
    );
    let (a, b) = tokio::join!(walk(&client, &base, &lt), walk(&client, &base, &gte));
    let got = a? + b?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "two concurrent walks: {got} objects in {secs:.2}s = {:.0} objects/s",
        got as f64 / secs
    );
    sim.shutdown().await;
    Ok(())
}

/// The resident set size, from /proc (Linux).
fn rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        })
        .map(|r| format!("RSS {r}"))
        .unwrap_or_else(|| "RSS unknown".into())
}
