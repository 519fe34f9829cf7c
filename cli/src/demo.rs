//! `stripe-sync demo`: the whole pipeline with no setup.
//!
//! 1. PostgreSQL: `DATABASE_URL` when set, else a private server
//!    ([`stripe_sync_embedded_pg`]) removed on exit.
//! 2. The simulator with a realistic small account (Stripe's fixtures).
//! 3. Migrate, backfill everything (progress bars on a terminal).
//! 4. The webhook server on a free port, a managed webhook registered on the
//!    simulator, a burst of changes whose signed deliveries arrive.
//! 5. A report: tables filled, rows per table, throughput, SQL to try.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use serde_json::Value;
use stripe_sync_simulator::Fixtures;

use stripe_sync::config::Config;
use stripe_sync::metrics::Metrics;
use stripe_sync::server::{self, AppState};
use stripe_sync::status::collect_status;
use stripe_sync::{BackfillRequest, StripeSync};
use stripe_sync_embedded_pg::EmbeddedPg;

use crate::options::{self as cli, outln, CliError, DbOpts, GlobalOpts, VersionOpts};
use crate::report::{backfill_with_progress, print_summary};

/// Arguments of `demo`.
#[derive(Args, Debug)]
pub struct DemoArgs {
    /// The mirror; a private PostgreSQL when unset.
    #[command(flatten)]
    pub db: DbOpts,
    /// The API version the simulator speaks and the mirror pins.
    #[command(flatten)]
    pub version: VersionOpts,
    /// Directory of Stripe's OpenAPI specs (holding <version>/fixtures3.json for the
    /// pinned version, the newest by default).
    #[arg(long, env = "STRIPE_OPENAPI_DIR", hide_env_values = true)]
    pub openapi_dir: Option<PathBuf>,
    /// How many changes to make on the simulator after the backfill.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub changes: u32,
    /// Keep the database, simulator and server running until Ctrl-C.
    #[arg(long)]
    pub keep: bool,
}

/// The fixtures of `version`: in `--openapi-dir` / `STRIPE_OPENAPI_DIR`
/// only, when given; else where the simulator looks by default (the copy
/// embedded in the binary last).
fn find_fixtures(dir: Option<&PathBuf>, version: &str) -> Result<Fixtures, CliError> {
    let Some(d) = dir else {
        return stripe_sync_simulator::default_fixtures(version)
            .map_err(|e| CliError::usage(format!("{e:#}, or pass --openapi-dir")));
    };
    let f = d.join(version).join("fixtures3.json");
    if f.is_file() {
        return Ok(Fixtures::File(f));
    }
    Err(CliError::usage(format!(
        "Stripe's fixtures not found (looked for {version}/fixtures3.json in {}): set STRIPE_OPENAPI_DIR or pass --openapi-dir to the directory of Stripe's OpenAPI specs (github.com/stripe/openapi)",
        d.display()
    )))
}

/// Runs the demo.
pub async fn run(before: GlobalOpts, a: DemoArgs) -> Result<(), CliError> {
    let g = &before.with_db(&a.db).with_version(&a.version);
    let t0 = Instant::now();
    // The demo speaks the pinned version (the newest by default): the
    // simulator is seeded from its fixtures and sends its events.
    let version = cli::api_version(g)?;
    let fixtures = find_fixtures(a.openapi_dir.as_ref(), version)?;
    let tty = std::io::stderr().is_terminal();

    // 1. PostgreSQL.
    let mut embedded: Option<EmbeddedPg> = None;
    let (url, where_) = match g.database_url.as_deref().filter(|u| !u.is_empty()) {
        Some(u) => (
            u.to_string(),
            format!(
                "PostgreSQL at {} (DATABASE_URL)",
                cli::db_location(u).unwrap_or_else(|| "?".into())
            ),
        ),
        None => {
            let t = Instant::now();
            let pg = tokio::task::spawn_blocking(EmbeddedPg::start)
                .await
                .map_err(|e| CliError::failed(e.to_string()))?
                .map_err(CliError::usage)?;
            let u = pg.url();
            let w = format!(
                "private PostgreSQL on 127.0.0.1:{} (temporary, removed on exit; started in {:.1} s)",
                pg.port(),
                t.elapsed().as_secs_f64()
            );
            embedded = Some(pg);
            (u, w)
        }
    };
    outln!("▸ database: {where_}");
    let result = run_with_db(&url, &fixtures, version, &a, tty, t0, embedded.as_ref()).await;
    if let Some(mut pg) = embedded {
        tokio::task::spawn_blocking(move || pg.stop()).await.ok();
    }
    result
}

async fn run_with_db(
    url: &str,
    fixtures: &Fixtures,
    version: &str,
    a: &DemoArgs,
    tty: bool,
    t0: Instant,
    embedded: Option<&EmbeddedPg>,
) -> Result<(), CliError> {
    // 2. The simulator.
    let t = Instant::now();
    let mut sim_cfg = stripe_sync_simulator::SimConfig::small_account(fixtures);
    sim_cfg.api_version = version.to_string();
    let seeded: usize = sim_cfg.counts.values().sum();
    let sim = stripe_sync_simulator::start(sim_cfg, ([127, 0, 0, 1], 0).into())
        .await
        .map_err(|e| CliError::failed(format!("simulator: {e:#}")))?;
    outln!(
        "▸ Stripe simulator at {} speaking API version {version} with a small account ({} objects seeded in {:.1} s)",
        sim.base_url(),
        seeded,
        t.elapsed().as_secs_f64()
    );

    let pool = cli::connect_url(url, 12).await?;
    let t = Instant::now();
    let schema = &stripe_sync::Schema::default();
    cli::migrate(&pool, schema).await?;
    outln!("▸ migrations applied in {:.1} s", t.elapsed().as_secs_f64());

    let mut cfg = Config::with_pool(pool.clone(), "sk_test_stripe_sync_demo");
    cfg.stripe_api_base = sim.base_url();
    cfg.api_version = version.to_string();
    cfg.max_requests_per_second = Some(1000);
    cfg.max_retries = 3;
    cfg.initial_retry_delay = Duration::from_millis(50);
    cfg.backfill_concurrency = 8;
    let sync = StripeSync::new(cfg).await?;

    // 3. Backfill.
    outln!("▸ backfilling every object type…");
    let rep = backfill_with_progress(&sync, BackfillRequest::all(), tty).await?;
    print_summary(&rep);
    if !rep.succeeded {
        sim.shutdown().await;
        return Err(CliError::failed(
            "the demo's backfill failed (see the table above)",
        ));
    }

    // 4. Webhooks.
    let metrics = Arc::new(Metrics::new());
    metrics.rows_written("backfill", rep.written);
    let state = Arc::new(AppState {
        sync: sync.clone(),
        admin_key: None,
        metrics: metrics.clone(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| CliError::failed(format!("cannot listen on 127.0.0.1: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| CliError::failed(e.to_string()))?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let app = server::router(state, server::DEFAULT_MAX_BODY_BYTES);
    let srv = tokio::spawn(server::serve(listener, app, async {
        let _ = stop_rx.await;
    }));
    let hook = sync
        .find_or_create_managed_webhook(&format!("http://{addr}/webhooks"))
        .await?;
    outln!(
        "▸ webhook server on http://{addr}; managed webhook {} registered on the simulator ({} event types)",
        hook.id,
        hook.enabled_events.len()
    );

    let t = Instant::now();
    let made = make_changes(&sim.base_url(), a.changes).await?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while metrics.events_total() < made && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let took = t.elapsed().as_secs_f64().max(0.001);
    let received = metrics.events_total();
    let applied = metrics.events_with_outcome("applied");
    outln!(
        "▸ {made} changes made on the simulator; {received} signed webhooks received, {applied} applied, in {took:.1} s ({:.0} events/s end to end)",
        received as f64 / took
    );
    if received < made {
        outln!(
            "  (warning: {} deliveries had not arrived after 30 s)",
            made - received
        );
    }

    // 5. The report.
    let status = collect_status(schema, &pool)
        .await
        .map_err(CliError::failed)?;
    outln!("\nTables filled (rows):");
    let mut total = 0i64;
    let mut n_tables = 0;
    if let Some(m) = status["rows"].as_object() {
        for (t, n) in m {
            let n = n.as_i64().unwrap_or(0);
            total += n;
            n_tables += 1;
            outln!("  stripe.{t:<32} {n:>7}");
        }
    }
    let bf = rep.duration.as_secs_f64().max(0.001);
    outln!(
        "  {n_tables} tables, {total} rows\n\nThroughput: backfill {} objects ({} rows) in {:.1} s = {:.0} objects/s; webhooks {:.0} events/s.",
        rep.fetched,
        rep.written,
        bf,
        rep.fetched as f64 / bf,
        received as f64 / took
    );
    let conn = match embedded {
        Some(pg) => format!("psql {}", pg.url()),
        None => format!(
            "psql \"$DATABASE_URL\"   # {}",
            cli::db_location(url).unwrap_or_default()
        ),
    };
    outln!(
        "\nTry next ({conn}{}):\n{}",
        if embedded.is_some() && !a.keep {
            "; rerun with --keep to keep it running"
        } else {
            ""
        },
        SAMPLE_QUERIES
    );
    outln!("Demo finished in {:.1} s.", t0.elapsed().as_secs_f64());

    if a.keep {
        outln!("Everything keeps running (database, simulator at {}, webhook server at http://{addr}); Ctrl-C stops it.", sim.base_url());
        server::shutdown_signal().await;
        outln!("Stopping; the private database (if any) is removed.");
    }
    let _ = stop_tx.send(());
    let _ = srv.await;
    sync.close().await;
    sim.shutdown().await;
    Ok(())
}

const SAMPLE_QUERIES: &str = "  -- the biggest customers by amount charged
  SELECT c.email, round(sum(ch.amount) / 100.0, 2) AS charged FROM stripe.customers c
    JOIN stripe.charges ch ON ch.customer = c.id GROUP BY 1 ORDER BY 2 DESC LIMIT 5;
  -- subscriptions by status
  SELECT status, count(*) FROM stripe.subscriptions GROUP BY 1 ORDER BY 2 DESC;
  -- what arrived by webhook, and what was done with it
  SELECT type, outcome, count(*) FROM stripe_sync.events GROUP BY 1, 2 ORDER BY 3 DESC;
  -- the last backfill, per object type
  SELECT resource, status, fetched, written FROM stripe_sync.sync_run_objects
    WHERE run_id = (SELECT max(id) FROM stripe_sync.sync_runs) ORDER BY fetched DESC;
";

/// Creates customers and products/prices, updates and deletes some
/// customers on the simulator; returns how many writes succeeded (one event
/// each).
async fn make_changes(base: &str, n: u32) -> Result<u64, CliError> {
    let http = reqwest::Client::new();
    let key = "sk_test_stripe_sync_demo";
    let post = |path: String, form: Vec<(String, String)>| {
        let http = http.clone();
        let url = format!("{base}{path}");
        async move {
            let r = http
                .post(&url)
                .basic_auth(key, Some(""))
                .form(&form)
                .send()
                .await
                .ok()?;
            if !r.status().is_success() {
                return None;
            }
            r.json::<Value>().await.ok()
        }
    };
    let mut made = 0u64;
    let mut customers = Vec::new();
    let creates = (n / 3).max(1);
    for i in 0..creates {
        if let Some(v) = post(
            "/v1/customers".into(),
            vec![
                ("email".into(), format!("demo{i}@example.com")),
                ("name".into(), format!("Demo Customer {i}")),
            ],
        )
        .await
        {
            made += 1;
            if let Some(id) = v["id"].as_str() {
                customers.push(id.to_string());
            }
        }
    }
    let mut left = n.saturating_sub(creates);
    let updates = left / 2;
    for id in customers.iter().take(updates as usize) {
        if left == 0 {
            break;
        }
        if post(
            format!("/v1/customers/{id}"),
            vec![("metadata[plan]".into(), "pro".into())],
        )
        .await
        .is_some()
        {
            made += 1;
        }
        left -= 1;
    }
    let mut i = 0;
    while left > 0 {
        let Some(p) = post(
            "/v1/products".into(),
            vec![("name".into(), format!("Demo Product {i}"))],
        )
        .await
        else {
            break;
        };
        made += 1;
        left -= 1;
        i += 1;
        if left == 0 {
            break;
        }
        if let Some(pid) = p["id"].as_str() {
            if post(
                "/v1/prices".into(),
                vec![
                    ("product".into(), pid.to_string()),
                    ("currency".into(), "usd".into()),
                    ("unit_amount".into(), format!("{}", 1000 + i * 100)),
                ],
            )
            .await
            .is_some()
            {
                made += 1;
            }
            left -= 1;
        }
    }
    Ok(made)
}
