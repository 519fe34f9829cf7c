//! The scenarios (codegen, the backfills, the webhooks), and `all`, which
//! runs them with the Connect and rate-limited backfills and reports them.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use serde_json::json;
use stripe_sync_tests::{spec_dir, TestDb};

use crate::children::{spawn_simulator, ChildProc, EngineResult};
use crate::harness::{
    customer_template, measure, median, migrated_db, pair_order, report, Measure, Options,
};
use crate::proc_stats;

/// Runs every scenario and prints one table.
pub async fn all(o: &Options) -> Result<()> {
    let mut out = vec![codegen(o)?];
    out.push(backfill_customers(o).await?);
    out.extend(backfill_mixed(o).await?);
    out.push(webhooks(o).await?);
    out.push(changes(o).await?);
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

/// A simulator child seeded with `counts`, and its base URL.
fn start_simulator(counts: &[(&str, usize)]) -> Result<(ChildProc, String)> {
    let counts: Vec<String> = counts.iter().map(|(o, n)| format!("{o}={n}")).collect();
    spawn_simulator(&["--counts".into(), counts.join(",")], &counts.join(","))
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
        let table = stripe_sync::store::table_ident(&stripe_sync::Schema::default(), res);
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

fn sign(secret: &str, t: i64, body: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// What `serve` runs with in scenario 4: its freshness gauges (off:
/// `--no-freshness` on a ledger without freshness's index), and the change
/// log (off: `stripe_sync.set_change_log(false)`, no triggers).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Serving {
    /// Freshness on.
    freshness: bool,
    /// The change log on.
    change_log: bool,
}

impl Serving {
    /// Everything on, as shipped.
    const ALL: Serving = Serving {
        freshness: true,
        change_log: true,
    };
}

/// What receives the webhooks of scenario 4.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Receiver {
    /// `stripe-sync serve`, with or without freshness and the change log.
    Serve(Serving),
    /// A thin receiver calling `stripe_sync.process_webhook` with this many
    /// PostgreSQL connections.
    Sql(u32),
}

/// Scenario 4: signed webhooks POSTed concurrently over loopback to `serve`,
/// then by the same senders to a thin receiver calling
/// `stripe_sync.process_webhook`. Every event is acknowledged only after its
/// commit, which the scenario checks by counting the ledger afterwards.
/// `serve` runs twice, with freshness and without (`--no-freshness`, its
/// index dropped): what freshness costs webhook throughput.
pub async fn webhooks(o: &Options) -> Result<Vec<Measure>> {
    let mut out = webhooks_to(o, Receiver::Serve(Serving::ALL)).await?;
    out.extend(
        webhooks_to(
            o,
            Receiver::Serve(Serving {
                freshness: false,
                ..Serving::ALL
            }),
        )
        .await?,
    );
    out.extend(webhooks_to(o, Receiver::Sql(16)).await?);
    Ok(out)
}

async fn webhooks_to(o: &Options, receiver: Receiver) -> Result<Vec<Measure>> {
    let serve = matches!(receiver, Receiver::Serve(_));
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
    let serving = match receiver {
        Receiver::Serve(s) => s,
        Receiver::Sql(_) => Serving::ALL,
    };
    if !serving.freshness {
        sqlx::query("DROP INDEX stripe_sync.events_account_processed_idx")
            .execute(&db.pool)
            .await?;
    }
    if !serving.change_log {
        sqlx::query("SELECT stripe_sync.set_change_log(false)")
            .execute(&db.pool)
            .await?;
    }
    let args: Vec<String> = match receiver {
        Receiver::Serve(s) => {
            let mut a = vec!["child-serve".into(), "--listen".into(), listen.clone()];
            if !s.freshness {
                a.push("--no-freshness".into());
            }
            a
        }
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
    let template = customer_template()?;
    let now = chrono::Utc::now().timestamp();
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    // Start each run from a clean slate: what earlier runs left dirty is
    // written out now, not by a checkpoint in the middle of this one (needs
    // a superuser; without one, runs share the server as it is).
    let _ = sqlx::query("CHECKPOINT").execute(&db.pool).await;
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
    // The log's second half, off the write path: numbering and describing
    // what the run captured, as the first reader after it would.
    let numbering = if serving.change_log {
        let t = Instant::now();
        let entries: i64 = sqlx::query_scalar("SELECT stripe_sync.sequence_changes()")
            .fetch_one(&db.pool)
            .await?;
        Some((entries, t.elapsed().as_secs_f64()))
    } else {
        None
    };
    db.drop_db().await?;
    let (name, receiver_cpu) = match receiver {
        Receiver::Serve(s) => (
            format!(
                "webhooks {}k x{senders}{}{}",
                total / 1000,
                if s.freshness { "" } else { " (freshness off)" },
                if s.change_log {
                    ""
                } else {
                    " (change log off)"
                }
            ),
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
    let mut out = vec![
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
    ];
    if let Some((entries, secs)) = numbering {
        out.push(measure(
            &name,
            "change log entries numbered after the run",
            entries as f64,
            "entries",
            None,
        ));
        out.push(measure(
            &name,
            "numbering and describing them, per entry",
            1e6 * secs / entries.max(1) as f64,
            "us",
            None,
        ));
    }
    Ok(out)
}

/// Scenario 5: generating every API version of the chain.
pub fn codegen(_o: &Options) -> Result<Vec<Measure>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut times = Vec::new();
    let mut summary = None;
    for _ in 0..3 {
        let t0 = Instant::now();
        let output =
            stripe_sync_codegen::generate(&root, &stripe_sync_codegen::Sources::new(spec_dir()))?;
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

/// Scenario `changes` (issue 34): what the change log costs. A customers
/// backfill and then webhooks to `serve`, each with the log on (as shipped)
/// and off (`stripe_sync.set_change_log(false)`: no triggers), in one run,
/// on the same machine, one after the other: backfill objects/s and webhook
/// events/s with the log on and off.
pub async fn changes(o: &Options) -> Result<Vec<Measure>> {
    let n = if o.quick { 20_000 } else { 200_000 };
    let mut out = Vec::new();
    let mut rates = Vec::new();
    for on in [true, false] {
        let name = format!(
            "backfill customers {}k, change log {}",
            n / 1000,
            if on { "on" } else { "off" }
        );
        let (sim, api) = start_simulator(&[("customer", n)])?;
        let db = migrated_db().await?;
        sqlx::query("SELECT stripe_sync.set_change_log($1)")
            .bind(on)
            .execute(&db.pool)
            .await?;
        let (r, _) = run_engine(&db, &sim, &api, Some("customer"), true).await?;
        if r.fetched as usize != n {
            bail!("{name}: fetched {} of {n}", r.fetched);
        }
        // Captured, numbered or not: entries, and rows of batches not yet
        // turned into entries.
        let entries: i64 = sqlx::query_scalar(
            "SELECT (SELECT count(*) FROM stripe_sync.changes)
                  + (SELECT coalesce(sum(cardinality(ids)), 0) FROM stripe_sync.change_batches)::bigint",
        )
            .fetch_one(&db.pool)
            .await?;
        let want = if on { n as i64 } else { 0 };
        if entries != want {
            bail!("{name}: {entries} log entries, expected {want}");
        }
        let rate = r.fetched as f64 / r.seconds;
        rates.push(rate);
        out.push(measure(&name, "objects/s", rate, "obj/s", None));
        db.drop_db().await?;
    }
    out.push(measure(
        "change log",
        "backfill: on / off",
        100.0 * rates[0] / rates[1],
        "%",
        Some(">= 90"),
    ));
    // Webhooks on, off, off, on: each side gets a first and a later slot,
    // so what one run leaves the server (a checkpoint, autovacuum) weighs
    // on both sides alike.
    let events = |m: &[Measure]| {
        m.iter()
            .find(|x| x.name.starts_with("events/s"))
            .map(|x| x.value)
            .unwrap_or(0.0)
    };
    // The database alone first: serve's group commit, without the rest of
    // the webhook path and its noise.
    out.extend(crate::write_path::change_log_write_path(o).await?);
    // Pairs of runs, on then off, then off then on, and so on: the ratio is
    // taken within each pair, so the machine's drift over the scenario
    // weighs on both sides of each; the median of the pairs is reported.
    let pairs = if o.quick { 1 } else { 4 };
    let mut ratios = Vec::new();
    for pair in 0..pairs {
        let (mut on, mut off) = (0.0, 0.0);
        for log in pair_order(pair) {
            let m = webhooks_to(
                o,
                Receiver::Serve(Serving {
                    change_log: log,
                    ..Serving::ALL
                }),
            )
            .await?;
            *if log { &mut on } else { &mut off } = events(&m);
            out.extend(m);
        }
        ratios.push(100.0 * on / off.max(1.0));
    }
    let median = median(&mut ratios);
    for (i, r) in ratios.iter().enumerate() {
        out.push(measure(
            "change log",
            &format!("webhooks: on / off, pair {} (sorted)", i + 1),
            *r,
            "%",
            None,
        ));
    }
    out.push(measure(
        "change log",
        &format!("webhooks: on / off (median of {pairs} pairs)"),
        median,
        "%",
        Some(">= 90"),
    ));
    Ok(out)
}
