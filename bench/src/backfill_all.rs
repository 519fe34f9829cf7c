//! Scenario `backfill-all-test-mode` (issue 15, "Backfill at Stripe's real
//! rate limits"): `backfill all` of a billing account of 5,000 customers
//! (subscriptions, invoices, payments, and sparse per-customer children) at
//! Stripe's rate limits, first in test mode (25 requests/s), then in live
//! mode (100/s, 25/s per endpoint).
//!
//! The simulator enforces the same limits as Stripe (a 429 naming the limit
//! in `Stripe-Rate-Limited-Reason`), so a client that does not pace itself
//! is seen. The engine runs as its own process with a test-mode or a
//! live-mode key and its default rate limits. The scenario reports the
//! requests the simulator saw against the fewest the account needs
//! ([`crate::minimum`]), the 429s, the wall time, when every table with a
//! top-level list was complete, what each per-parent list cost, and whether
//! the database then equals the simulator (the oracle of the end-to-end
//! tests, run inside the simulator's process).

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::{anyhow, Context, Result};

use crate::children::{spawn_simulator, ChildProc, EngineResult};
use crate::harness::{measure, migrated_db, Measure, Options};
use crate::minimum::{top_level_endpoint, Kind, Minimum};

/// Stripe's limit of one endpoint, requests per second.
pub(crate) const ENDPOINT_RATE: u32 = 25;

/// A Stripe mode: its key and its account-wide limit.
pub(crate) struct Mode {
    pub(crate) name: &'static str,
    pub(crate) secret_key: &'static str,
    /// Requests per second of the whole account.
    pub(crate) global_rate: u32,
}

/// Test mode, then live mode.
pub(crate) const MODES: [Mode; 2] = [
    Mode {
        name: "test",
        secret_key: "sk_test_bench",
        global_rate: 25,
    },
    Mode {
        name: "live",
        secret_key: "sk_live_bench",
        global_rate: 100,
    },
];

/// The scenario: both modes, one table section each.
pub async fn backfill_all_test_mode(o: &Options) -> Result<Vec<Vec<Measure>>> {
    let customers = if o.quick { 300 } else { 5_000 };
    let mut out = Vec::new();
    for mode in &MODES {
        out.push(run(customers, mode).await?);
    }
    Ok(out)
}

/// What the simulator counted, from its `STATS` answer.
struct Stats {
    requests: u64,
    by_endpoint: BTreeMap<String, u64>,
    rate_limited_global: u64,
    rate_limited_endpoint: u64,
}

impl Stats {
    fn read(sim: &mut ChildProc) -> Result<Stats> {
        let v = sim.ask("STATS")?;
        let n = |k: &str| v[k].as_u64().ok_or_else(|| anyhow!("STATS: no {k} in {v}"));
        Ok(Stats {
            requests: n("requests")?,
            by_endpoint: serde_json::from_value(v["by_endpoint"].clone())?,
            rate_limited_global: n("global_rate_limited")?,
            rate_limited_endpoint: n("endpoint_rate_limited")?,
        })
    }

    /// Requests to `endpoint` since `before`.
    fn since(&self, before: &Stats, endpoint: &str) -> u64 {
        let get = |s: &Stats| s.by_endpoint.get(endpoint).copied().unwrap_or(0);
        get(self) - get(before)
    }
}

/// One object type of the run, from `_sync_run_objects`.
struct RunObject {
    object: String,
    status: String,
    /// Seconds from the run's start to its end (`None` if it never ended).
    finished_after: Option<f64>,
    error: Option<String>,
}

/// The object types of the database's (only) backfill run.
async fn run_objects(pool: &sqlx::PgPool) -> Result<Vec<RunObject>> {
    let rows: Vec<(String, String, Option<f64>, Option<String>)> = sqlx::query_as(
        "SELECT o.resource, o.status, \
                EXTRACT(EPOCH FROM o.finished_at - r.started_at)::float8, o.error \
         FROM stripe_sync.sync_run_objects o JOIN stripe_sync.sync_runs r ON r.id = o.run_id \
         WHERE r.id = (SELECT max(id) FROM stripe_sync.sync_runs WHERE kind = 'backfill')",
    )
    .fetch_all(pool)
    .await
    .context("reading _sync_run_objects")?;
    Ok(rows
        .into_iter()
        .map(|(object, status, finished_after, error)| RunObject {
            object,
            status,
            finished_after,
            error,
        })
        .collect())
}

/// The shortest time `requests` can take at these limits: the account's
/// budget, or the busiest endpoint's.
fn floor_seconds(lists: &[(String, u64)], global_rate: u32) -> f64 {
    let mut by_endpoint: BTreeMap<&str, u64> = BTreeMap::new();
    for (e, n) in lists {
        *by_endpoint.entry(e).or_default() += n;
    }
    let total: u64 = by_endpoint.values().sum();
    let busiest = by_endpoint.values().copied().max().unwrap_or(0);
    (total as f64 / f64::from(global_rate)).max(busiest as f64 / f64::from(ENDPOINT_RATE))
}

/// `/v1/customers/{customer}/tax_ids` without `GET /v1/`, to keep names short.
fn short(endpoint: &str) -> &str {
    endpoint.strip_prefix("GET /v1/").unwrap_or(endpoint)
}

/// The simulator as its own process, seeded with a billing account of
/// `customers` customers and enforcing `mode`'s limits; and its API base.
pub fn billing_account(customers: usize, mode: &Mode) -> Result<(ChildProc, String)> {
    spawn_simulator(
        &[
            "--customers".into(),
            customers.to_string(),
            "--rate-limit".into(),
            mode.global_rate.to_string(),
            "--endpoint-rate-limit".into(),
            ENDPOINT_RATE.to_string(),
        ],
        &format!("a billing account of {customers} customers"),
    )
}

/// The engine as its own process, paced by `mode`'s key at Stripe's rates,
/// backfilling with `args` (`--full`, `--objects a,b`); it prints one JSON
/// line when done.
pub fn spawn_engine(db_url: &str, api: &str, mode: &Mode, args: &[&str]) -> Result<ChildProc> {
    let mut argv: Vec<String> = [
        "child-engine",
        "--database-url",
        db_url,
        "--api-base",
        api,
        "--secret-key",
        mode.secret_key,
        "--stripe-rates",
    ]
    .map(String::from)
    .to_vec();
    argv.extend(args.iter().map(|a| a.to_string()));
    ChildProc::spawn(&argv)
}

/// One mode: seed, compute the minimum, backfill, compare.
async fn run(customers: usize, mode: &Mode) -> Result<Vec<Measure>> {
    let name = format!("backfill all {}k {}", customers as f64 / 1000.0, mode.name);
    let name = name.as_str();
    let (mut sim, api) = billing_account(customers, mode)?;
    let minimum: Minimum = serde_json::from_value(sim.ask("MINIMUM")?)?;
    let db = migrated_db().await?;
    let before = Stats::read(&mut sim)?;
    eprintln!(
        "{name}: backfill all at {}/s ({}/s per endpoint); the account needs at least {} requests",
        mode.global_rate,
        ENDPOINT_RATE,
        minimum.total()
    );
    let t0 = Instant::now();
    let mut engine = spawn_engine(&db.url, &api, mode, &["--full"])?;
    let line = engine.line()?;
    let wall = t0.elapsed().as_secs_f64();
    let after = Stats::read(&mut sim)?;
    let result: EngineResult =
        serde_json::from_str(&line).with_context(|| format!("engine said {line}"))?;
    let objects = run_objects(&db.pool).await?;
    engine.finish()?;
    let oracle = sim.ask(&format!("ORACLE {}", db.url))?;
    db.drop_db().await?;
    drop(sim);

    let requests = after.requests - before.requests;
    let rate_limited = (after.rate_limited_global - before.rate_limited_global)
        + (after.rate_limited_endpoint - before.rate_limited_endpoint);
    let min_total = minimum.total();
    let top_pages = minimum.of(Kind::TopLevel);

    // When every table with a top-level list was complete.
    let top_level: Vec<&RunObject> = objects
        .iter()
        .filter(|o| {
            stripe_sync_generated::resource(&o.object)
                .is_some_and(|r| top_level_endpoint(r).is_some())
        })
        .collect();
    let last = top_level
        .iter()
        .max_by(|a, b| {
            a.finished_after
                .unwrap_or(f64::INFINITY)
                .total_cmp(&b.finished_after.unwrap_or(f64::INFINITY))
        })
        .copied();
    let top_complete = last.and_then(|o| o.finished_after).unwrap_or(f64::NAN);
    let failed: Vec<&RunObject> = objects.iter().filter(|o| o.status == "failed").collect();
    for o in &failed {
        eprintln!(
            "{name}: {} failed: {}",
            o.object,
            o.error.as_deref().unwrap_or("")
        );
    }

    let per_list = |kind: Kind| -> Vec<(String, u64)> {
        minimum
            .lists
            .iter()
            .filter(|l| l.kind == kind)
            .map(|l| (l.endpoint.clone(), l.requests))
            .collect()
    };
    let all_lists: Vec<(String, u64)> = minimum
        .lists
        .iter()
        .map(|l| (l.endpoint.clone(), l.requests))
        .collect();
    let top_floor = floor_seconds(&per_list(Kind::TopLevel), mode.global_rate);
    let wall_floor = floor_seconds(&all_lists, mode.global_rate);
    // Requests by kind of list, as the simulator counted them by endpoint.
    let mut made: BTreeMap<Option<Kind>, u64> = BTreeMap::new();
    for (endpoint, n) in &after.by_endpoint {
        let n = n - before.by_endpoint.get(endpoint).copied().unwrap_or(0);
        if n > 0 {
            *made.entry(minimum.kind_of(endpoint)).or_default() += n;
        }
    }
    let made_of = |k: Option<Kind>| made.get(&k).copied().unwrap_or(0);

    let mut out = vec![
        measure(
            name,
            "requests made (seen by the simulator)",
            requests as f64,
            "requests",
            Some(&*format!("<= 1.2 x min = {:.0}", 1.2 * min_total as f64)),
        ),
        measure(
            name,
            "minimum requests for this account",
            min_total as f64,
            "requests",
            None,
        ),
        measure(
            name,
            &format!(
                "  min: top-level pages ({} lists)",
                minimum.lists_of(Kind::TopLevel)
            ),
            top_pages as f64,
            "requests",
            None,
        ),
        measure(
            name,
            &format!(
                "  min: per parent, no cheaper source ({})",
                minimum
                    .lists
                    .iter()
                    .filter(|l| l.kind == Kind::PerParent && l.requests > 0)
                    .count()
            ),
            minimum.of(Kind::PerParent) as f64,
            "requests",
            None,
        ),
        measure(
            name,
            "  min: has_more continuations",
            minimum.of(Kind::Continuation) as f64,
            "requests",
            None,
        ),
        measure(
            name,
            "made: top-level lists",
            made_of(Some(Kind::TopLevel)) as f64,
            "requests",
            Some(&*format!("min {top_pages}")),
        ),
        measure(
            name,
            "made: per-parent lists",
            made_of(Some(Kind::PerParent)) as f64,
            "requests",
            Some(&*format!("min {}", minimum.of(Kind::PerParent))),
        ),
        measure(
            name,
            "made: lists parents carry (continuations)",
            made_of(Some(Kind::Continuation)) as f64,
            "requests",
            Some(&*format!("min {}", minimum.of(Kind::Continuation))),
        ),
        measure(
            name,
            "made: other endpoints",
            made_of(None) as f64,
            "requests",
            None,
        ),
        measure(
            name,
            "requests counted by the engine",
            result.requests as f64,
            "requests",
            None,
        ),
        measure(
            name,
            "429s received",
            rate_limited as f64,
            "429s",
            Some("0"),
        ),
        measure(
            name,
            "wall time",
            wall,
            "s",
            Some(&*format!("(floor {wall_floor:.0} s at these limits)")),
        ),
        measure(
            name,
            "every top-level table complete after",
            top_complete,
            "s",
            Some(&*format!(
                "<= 1.2 x {top_floor:.1} = {:.1} ({top_pages} pages)",
                1.2 * top_floor
            )),
        ),
    ];
    if let Some(o) = last {
        eprintln!(
            "{name}: the last top-level table to complete was {}",
            o.object
        );
    }
    let others: Vec<String> = after
        .by_endpoint
        .keys()
        .filter(|e| minimum.kind_of(e).is_none())
        .filter_map(|e| {
            let n = after.since(&before, e);
            (n > 0).then(|| format!("{e} {n}"))
        })
        .collect();
    if !others.is_empty() {
        eprintln!(
            "{name}: requests outside the account's lists: {}",
            others.join(", ")
        );
    }
    // Top-level lists that took more than their pages (`created` slices
    // end in partial pages).
    let over: Vec<String> = minimum
        .lists
        .iter()
        .filter(|l| l.kind == Kind::TopLevel)
        .filter_map(|l| {
            let made = after.since(&before, &l.endpoint);
            (made > l.requests)
                .then(|| format!("{} {made} (min {})", short(&l.endpoint), l.requests))
        })
        .collect();
    if !over.is_empty() {
        eprintln!(
            "{name}: top-level lists beyond their pages: {}",
            over.join(", ")
        );
    }
    // The lists under parents that remain, and what each cost.
    for l in &minimum.lists {
        let made = after.since(&before, &l.endpoint);
        let (label, target) = match l.kind {
            Kind::TopLevel => continue,
            Kind::PerParent if l.count == 0 && made == 0 => continue,
            Kind::Continuation if l.requests == 0 && made == 0 => continue,
            Kind::PerParent => (
                "per parent",
                format!("min {} ({} parents)", l.requests, l.count),
            ),
            Kind::Continuation => (
                "has_more",
                format!(
                    "min {} ({}.{} carries {} children)",
                    l.requests,
                    l.parent.as_deref().unwrap_or(""),
                    l.field.as_deref().unwrap_or(""),
                    l.children
                ),
            ),
        };
        out.push(measure(
            name,
            &format!("{label}: {}", short(&l.endpoint)),
            made as f64,
            "requests",
            Some(target.as_str()),
        ));
    }
    for (object, n) in &minimum.unattributed {
        eprintln!(
            "{name}: {n} {object} objects name no parent; the minimum counts no continuation for them"
        );
    }
    let n = |k: &str| oracle[k].as_u64().unwrap_or(0);
    let differing = n("missing") + n("stale") + n("extra");
    if let Some(findings) = oracle["findings"].as_array() {
        for f in findings {
            eprintln!("{name}: oracle: {}", f.as_str().unwrap_or_default());
        }
    }
    out.push(measure(
        name,
        &format!("rows differing from the simulator ({} rows)", n("rows")),
        differing as f64,
        "rows",
        Some("0"),
    ));
    out.push(measure(
        name,
        "object types failed",
        failed.len() as f64,
        "types",
        Some("0"),
    ));
    eprintln!(
        "{name}: {requests} requests (minimum {min_total}), {rate_limited} 429s, {wall:.1} s; \
         top-level tables complete after {top_complete:.1} s; oracle: {differing} rows differ"
    );
    Ok(out)
}
