//! The `stripe-sync` command line: argument parsing ([`Cli`]) and the
//! subcommands ([`run`]).
//!
//! Exit codes: 0 success, 1 a run failed (e.g. a backfilled object type
//! failed), 2 bad input or configuration (missing key or URL, unreachable
//! database, unknown object name), with a one-line error and the fix.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use serde_json::{json, Value};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

use crate::backfill::{
    BackfillPlan, BackfillReport, BackfillRequest, ListSource, ObjectStatus, PlannedResource,
};
use crate::config::{supported_api_version, Config};
use crate::error::Error;
use crate::metrics::Metrics;
use crate::server::{self, AppState, ServerLimits};
use crate::StripeSync;

/// Mirror a Stripe account into PostgreSQL.
#[derive(Parser, Debug)]
#[command(name = "stripe-sync", version, about, long_about = None)]
pub struct Cli {
    /// Options every subcommand shares.
    #[command(flatten)]
    pub global: GlobalOpts,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every subcommand (each with an environment fallback).
#[derive(Args, Debug, Clone)]
pub struct GlobalOpts {
    /// PostgreSQL URL of the mirror.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Stripe secret or restricted key (also read from STRIPE_API_KEY).
    #[arg(long, env = "STRIPE_SECRET_KEY", global = true, hide_env_values = true)]
    pub stripe_key: Option<String>,
    /// Webhook signing secret (whsec_…); without it the managed webhooks' secrets are used.
    #[arg(
        long,
        env = "STRIPE_WEBHOOK_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub webhook_secret: Option<String>,
    /// Stripe API base URL.
    #[arg(long, env = "STRIPE_API_BASE", global = true)]
    pub api_base: Option<String>,
    /// Act as this connected account (Stripe-Account header).
    #[arg(long, env = "STRIPE_ACCOUNT", global = true)]
    pub stripe_account: Option<String>,
    /// Stripe API version to pin: sent as Stripe-Version and set on managed webhooks (default: the newest this build supports).
    #[arg(long, env = "STRIPE_API_VERSION", global = true)]
    pub api_version: Option<String>,
    /// Maximum Stripe requests per second (default: 25 test mode, 100 live).
    #[arg(long, global = true)]
    pub rate_limit: Option<u32>,
    /// Retries of a failed retryable Stripe request (default 5).
    #[arg(long, global = true)]
    pub max_retries: Option<u32>,
    /// Log format on stderr.
    #[arg(long, value_enum, default_value = "text", global = true)]
    pub log_format: LogFormat,
}

/// Log output formats.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Apply the migrations embedded in the binary (idempotent; safe concurrently).
    Migrate,
    /// List objects from the API into their tables.
    Backfill(BackfillArgs),
    /// Backfill, then catch up from /v1/events; --follow keeps polling (no webhooks needed).
    Sync(SyncArgs),
    /// Run the webhook server (webhooks, health, readiness, metrics, admin API).
    Serve(ServeArgs),
    /// Manage the webhook endpoints this tool creates on Stripe.
    Webhook {
        /// What to do.
        #[command(subcommand)]
        action: WebhookAction,
    },
    /// Show the last runs, cursors, rows per table and event lag.
    Status {
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// The whole pipeline with no setup: private PostgreSQL, simulator, backfill, webhooks.
    Demo(crate::demo::DemoArgs),
    /// Run the Stripe API simulator until Ctrl-C.
    Simulate(Box<stripe_sync_simulator::SimulateArgs>),
}

/// Arguments of `backfill`.
#[derive(Args, Debug)]
pub struct BackfillArgs {
    /// Object types (`customer`, `checkout.session`) or tables; `all` or none for everything.
    pub objects: Vec<String>,
    /// Only objects created at or after this time (unix seconds or RFC 3339).
    #[arg(long, value_parser = parse_time)]
    pub created_after: Option<i64>,
    /// Ignore completed cursors and fetch everything again.
    #[arg(long)]
    pub full: bool,
    /// Concurrent list streams.
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Print how each object type will be listed and the requests that
    /// takes, with an ETA at the configured rate, and stop: no list request.
    #[arg(long)]
    pub plan: bool,
}

/// Arguments of `sync`.
#[derive(Args, Debug)]
pub struct SyncArgs {
    /// Keep polling /v1/events until Ctrl-C.
    #[arg(long)]
    pub follow: bool,
    /// Seconds between polls with --follow.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub interval: u64,
    /// Skip the backfill and only catch up from events.
    #[arg(long)]
    pub events_only: bool,
}

/// Arguments of `serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LISTEN", default_value = "0.0.0.0:8080")]
    pub listen: SocketAddr,
    /// Bearer token of the admin routes; they are disabled without it.
    #[arg(long, env = "STRIPE_SYNC_API_KEY", hide_env_values = true)]
    pub admin_key: Option<String>,
    /// Largest accepted webhook body, in bytes (413 above).
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = server::DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Most bytes of a request's start line and headers (431 above; at least 8192).
    #[arg(long, env = "MAX_HEADER_BYTES", default_value_t = ServerLimits::default().max_header_bytes)]
    pub max_header_bytes: usize,
    /// Seconds a client may take to send its headers, or sit idle between requests (then closed).
    #[arg(long, env = "HEADER_TIMEOUT_SECS", default_value_t = ServerLimits::default().header_timeout.as_secs_f64())]
    pub header_timeout_secs: f64,
    /// Seconds a client may take to send a webhook body, waiting for budget included (408 after).
    #[arg(long, env = "BODY_TIMEOUT_SECS", default_value_t = ServerLimits::default().body_timeout.as_secs_f64())]
    pub body_timeout_secs: f64,
    /// Most webhook body bytes held at once by all requests (more wait; 503 if not in time).
    #[arg(long, env = "MAX_BODY_BYTES_IN_FLIGHT", default_value_t = ServerLimits::default().max_body_bytes_in_flight)]
    pub max_body_bytes_in_flight: usize,
    /// Most connections open at once (more wait to be accepted).
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = ServerLimits::default().max_connections)]
    pub max_connections: usize,
    /// Apply the migrations before serving.
    #[arg(long)]
    pub migrate: bool,
}

impl ServeArgs {
    /// The server limits these flags give; a usage error for a value that
    /// cannot work.
    pub fn limits(&self) -> std::result::Result<ServerLimits, CliError> {
        let secs = |name: &str, v: f64| {
            Duration::try_from_secs_f64(v)
                .ok()
                .filter(|d| !d.is_zero())
                .ok_or_else(|| {
                    CliError::usage(format!("--{name} must be a positive number of seconds"))
                })
        };
        if self.max_header_bytes < 8192 {
            return Err(CliError::usage("--max-header-bytes must be at least 8192"));
        }
        if self.max_connections == 0 || self.max_body_bytes_in_flight < 1024 {
            return Err(CliError::usage(
                "--max-connections must be at least 1 and --max-body-bytes-in-flight at least 1024",
            ));
        }
        Ok(ServerLimits {
            max_body_bytes: self.max_body_bytes,
            max_header_bytes: self.max_header_bytes,
            header_timeout: secs("header-timeout-secs", self.header_timeout_secs)?,
            body_timeout: secs("body-timeout-secs", self.body_timeout_secs)?,
            max_body_bytes_in_flight: self.max_body_bytes_in_flight,
            max_connections: self.max_connections,
        })
    }
}

/// `webhook` actions.
#[derive(Subcommand, Debug)]
pub enum WebhookAction {
    /// Create (or find) the managed endpoint for URL.
    Create {
        /// The public URL of `POST /webhooks`.
        url: String,
    },
    /// List the managed endpoints.
    List,
    /// Delete a managed endpoint (on Stripe and locally).
    Delete {
        /// The endpoint id (we_…).
        id: String,
    },
}

/// A failure with its exit code; the message is one line and names the fix.
#[derive(Debug)]
pub struct CliError {
    /// 2 for bad input/configuration, 1 for a failed run.
    pub code: i32,
    /// What went wrong and how to fix it.
    pub message: String,
}

impl CliError {
    /// Bad input or configuration (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: 2,
            message: message.into(),
        }
    }
    /// A failed run (exit 1).
    pub fn failed(message: impl Into<String>) -> Self {
        CliError {
            code: 1,
            message: message.into(),
        }
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        match e {
            Error::Config(m) => CliError::usage(format!("invalid configuration: {m}")),
            other => CliError::failed(other.to_string()),
        }
    }
}

type CliResult<T = ()> = Result<T, CliError>;

/// `println!` that ignores a closed stdout (`stripe-sync status | head`)
/// instead of panicking.
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}
pub(crate) use outln;

fn parse_time(s: &str) -> Result<i64, String> {
    if let Ok(n) = s.parse::<i64>() {
        return Ok(n);
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp());
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return Ok(t.and_utc().timestamp());
        }
    }
    Err(format!(
        "{s:?} is not a time: use unix seconds, YYYY-MM-DD or RFC 3339 (2024-01-31T00:00:00Z)"
    ))
}

/// Sets up logging on stderr. `default` is the level when `RUST_LOG` is unset.
pub fn init_logging(format: LogFormat, default: &str) {
    // sqlx logs slow statements with their full text (a migration is 200 kB of SQL).
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("{default},sqlx=error")));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => b.json().try_init(),
        LogFormat::Text => b.with_ansi(std::io::stderr().is_terminal()).try_init(),
    };
}

/// Runs the command line; returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    let tty = std::io::stderr().is_terminal();
    let default_level = match &cli.command {
        // Progress bars on a terminal; logs would tear them.
        Command::Backfill(_) | Command::Sync(_) if tty => "warn",
        Command::Demo(_) | Command::Status { .. } | Command::Webhook { .. } => "warn",
        _ => "info",
    };
    init_logging(cli.global.log_format, default_level);
    match dispatch(cli).await {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("stripe-sync: error: {}", e.message);
            e.code
        }
    }
}

async fn dispatch(cli: Cli) -> CliResult {
    let g = cli.global;
    match cli.command {
        Command::Migrate => {
            let pool = connect_db(&g).await?;
            let t = Instant::now();
            migrate(&pool).await?;
            outln!("migrations applied ({:.1?})", t.elapsed());
            Ok(())
        }
        Command::Backfill(a) => {
            let objects = backfill_objects(&a.objects)?;
            let sync = engine(&g, Some(a.concurrency as usize)).await?;
            let req = BackfillRequest {
                objects,
                created_gte: a.created_after,
                created_lt: None,
                full: a.full,
            };
            let plan = sync.backfill_plan(&req).await;
            match plan {
                Ok(p) => print_plan(&p, a.plan),
                Err(e) => {
                    sync.close().await;
                    return Err(e.into());
                }
            }
            if a.plan {
                sync.close().await;
                return Ok(());
            }
            let rep = backfill_with_progress(&sync, req, std::io::stderr().is_terminal()).await;
            sync.close().await;
            let rep = rep?;
            print_summary(&rep);
            if rep.succeeded {
                Ok(())
            } else {
                Err(CliError::failed(format!(
                    "backfill run {} failed for: {}",
                    rep.run_id,
                    failed_names(&rep)
                )))
            }
        }
        Command::Sync(a) => sync_cmd(&g, a).await,
        Command::Serve(a) => serve_cmd(&g, a).await,
        Command::Webhook { action } => webhook_cmd(&g, action).await,
        Command::Status { json } => {
            let version = api_version(&g)?;
            let pool = connect_db(&g).await?;
            let v = collect_status_for(&pool, version)
                .await
                .map_err(CliError::failed)?;
            if json {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&v).unwrap_or_else(|_| v.to_string())
                );
            } else {
                print_status(&v);
            }
            Ok(())
        }
        Command::Demo(a) => crate::demo::run(&g, a).await,
        Command::Simulate(mut a) => {
            // `stripe-sync simulate --api-version X` speaks X, like every
            // other command; `--sim-api-version` (the simulator binary's own
            // flag) wins when both are given.
            if a.api_version.is_none() {
                a.api_version = g.api_version.clone();
            }
            stripe_sync_simulator::run(*a)
                .await
                .map_err(|e| CliError::usage(format!("simulator: {e:#}")))
        }
    }
}

/// `host:port` of a database URL (never the password), when it parses.
pub fn db_location(url: &str) -> Option<String> {
    let o = PgConnectOptions::from_str(url).ok()?;
    Some(format!("{}:{}", o.get_host(), o.get_port()))
}

/// Opens a pool to `--database-url`/`DATABASE_URL`, with errors that name
/// the host and port and the fix (exit 2).
pub async fn connect_db(g: &GlobalOpts) -> CliResult<PgPool> {
    let url = g
        .database_url
        .as_deref()
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| {
            CliError::usage(
                "no database URL: set DATABASE_URL or pass --database-url postgres://user:password@host:5432/db",
            )
        })?;
    connect_url(url, 10).await
}

/// Opens a pool to `url` (see [`connect_db`]).
pub async fn connect_url(url: &str, max_connections: u32) -> CliResult<PgPool> {
    let opts = PgConnectOptions::from_str(url).map_err(|_| {
        CliError::usage(
            "DATABASE_URL is not a valid PostgreSQL URL: expected postgres://user:password@host:5432/db",
        )
    })?;
    let loc = format!("{}:{}", opts.get_host(), opts.get_port());
    // One direct attempt first: the pool retries refused connections until its
    // timeout, which turns a clear "connection refused" into "timed out".
    let probe = tokio::time::timeout(Duration::from_secs(10), async {
        let c = <sqlx::PgConnection as sqlx::Connection>::connect_with(&opts).await?;
        sqlx::Connection::close(c).await
    })
    .await
    .unwrap_or(Err(sqlx::Error::PoolTimedOut));
    let pool = match probe {
        Err(e) => Err(e),
        Ok(()) => {
            PgPoolOptions::new()
                .max_connections(max_connections.max(2))
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await
        }
    }
    .map_err(|e| {
            let why = match &e {
                sqlx::Error::Database(d) => d.message().to_string(),
                sqlx::Error::Io(io) => io.to_string(),
                sqlx::Error::PoolTimedOut => "timed out".to_string(),
                sqlx::Error::Tls(_) => "TLS negotiation failed".to_string(),
                _ => "connection failed".to_string(),
            };
            CliError::usage(format!(
                "cannot connect to the database at {loc} ({why}): check that PostgreSQL is running there and that DATABASE_URL is right"
            ))
        })?;
    Ok(pool)
}

/// Applies the embedded migrations (sqlx holds an advisory lock meanwhile).
pub async fn migrate(pool: &PgPool) -> CliResult {
    sqlx::migrate!("../migrations")
        .run(pool)
        .await
        .map_err(|e| CliError::failed(format!("migration failed: {e}")))
}

fn stripe_key(g: &GlobalOpts) -> CliResult<String> {
    g.stripe_key
        .clone()
        .or_else(|| std::env::var("STRIPE_API_KEY").ok())
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| {
            CliError::usage(
                "no Stripe key: set STRIPE_SECRET_KEY (or STRIPE_API_KEY) or pass --stripe-key sk_…",
            )
        })
}

/// The API version `--api-version`/`STRIPE_API_VERSION` pins (the newest
/// when unset); a usage error naming the supported versions for any other.
pub fn api_version(g: &GlobalOpts) -> CliResult<&'static str> {
    match g
        .api_version
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        None => Ok(stripe_sync_generated::API_VERSION),
        Some(v) => supported_api_version(v).map_err(CliError::usage),
    }
}

/// Builds the engine from the options: key and API version first (cheap
/// checks), then the database.
pub async fn engine(g: &GlobalOpts, concurrency: Option<usize>) -> CliResult<StripeSync> {
    Ok(StripeSync::new(engine_config(g, concurrency).await?).await?)
}

/// The configuration [`engine`] uses (the database pool included).
pub async fn engine_config(g: &GlobalOpts, concurrency: Option<usize>) -> CliResult<Config> {
    let key = stripe_key(g)?;
    let version = api_version(g)?;
    let api_base = g.api_base.as_deref().filter(|b| !b.trim().is_empty());
    if let Some(b) = api_base {
        if !(b.starts_with("http://") || b.starts_with("https://")) {
            return Err(CliError::usage(format!(
                "STRIPE_API_BASE {b:?} is not an http(s) URL: e.g. https://api.stripe.com"
            )));
        }
    }
    let pool = connect_db(g).await?;
    let mut cfg = Config::with_pool(pool, key);
    cfg.api_version = version.to_string();
    if let Some(b) = api_base {
        cfg.stripe_api_base = b.trim_end_matches('/').to_string();
    }
    cfg.stripe_webhook_secret = g.webhook_secret.clone().filter(|s| !s.is_empty());
    cfg.stripe_account = g.stripe_account.clone().filter(|a| !a.is_empty());
    cfg.max_requests_per_second = g.rate_limit;
    if let Some(r) = g.max_retries {
        cfg.max_retries = r;
    }
    if let Some(c) = concurrency {
        cfg.backfill_concurrency = c;
    }
    Ok(cfg)
}

/// Every valid object name (object strings of the backfillable resources).
pub fn valid_object_names() -> Vec<&'static str> {
    stripe_sync_generated::BACKFILL_ORDER
        .iter()
        .filter_map(|t| stripe_sync_generated::resource_by_table(t))
        .map(|r| r.object)
        .collect()
}

/// Checks object names (object strings or tables); the error lists the valid ones.
pub fn validate_objects(names: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for n in names {
        let r = stripe_sync_generated::resource(n)
            .or_else(|| stripe_sync_generated::resource_by_table(n));
        match r {
            Some(r) => out.push(r.object.to_string()),
            None => {
                return Err(format!(
                    "unknown object {n:?}; valid names (or their table names, or `all`): {}",
                    valid_object_names().join(", ")
                ))
            }
        }
    }
    Ok(out)
}

fn backfill_objects(names: &[String]) -> CliResult<Option<Vec<String>>> {
    if names.is_empty() || names.iter().any(|n| n == "all") {
        return Ok(None);
    }
    validate_objects(names).map(Some).map_err(CliError::usage)
}

fn failed_names(rep: &BackfillReport) -> String {
    rep.objects
        .iter()
        .filter(|o| o.status == ObjectStatus::Failed)
        .map(|o| o.object.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs a backfill; with `bars`, shows one progress bar per object type,
/// fed from the run's `_sync_run_objects` rows, whose counts the backfill
/// updates every second. Without bars, progress goes to the logs.
pub async fn backfill_with_progress(
    sync: &StripeSync,
    req: BackfillRequest,
    bars: bool,
) -> CliResult<BackfillReport> {
    if !bars {
        return Ok(sync.backfill(req).await?);
    }
    let names: Vec<String> = match &req.objects {
        Some(o) => o.clone(),
        None => valid_object_names().iter().map(|s| s.to_string()).collect(),
    };
    let mp = MultiProgress::new();
    let total = mp.add(ProgressBar::new(names.len() as u64));
    total.set_style(
        ProgressStyle::with_template(
            "{spinner} backfill [{elapsed_precise}] [{bar:30}] {pos}/{len} object types {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    total.enable_steady_tick(Duration::from_millis(120));
    let started = chrono::Utc::now() - chrono::Duration::seconds(1);
    let pool = sync.pool().clone();
    let mp2 = mp.clone();
    let total2 = total.clone();
    let rate = sync.config().requests_per_second().max(1);
    let poll = tokio::spawn(async move {
        let obj_style = ProgressStyle::with_template("  {spinner} {prefix:<32} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let mut bars: std::collections::HashMap<String, ProgressBar> = Default::default();
        loop {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let rows: Vec<(String, String, i64, i64, i64, Option<i64>)> = sqlx::query_as(
                "SELECT o.resource, o.status, o.fetched, o.written, o.requests, o.expected_requests FROM stripe._sync_run_objects o \
                 WHERE o.run_id = (SELECT max(id) FROM stripe._sync_runs WHERE kind = 'backfill' AND started_at >= $1)",
            )
            .bind(started)
            .fetch_all(&pool)
            .await
            .unwrap_or_default();
            let mut done = 0;
            let mut remaining = 0i64;
            for (res, status, fetched, written, requests, expected) in rows {
                let finished = status != "running";
                if finished {
                    done += 1;
                } else if let Some(e) = expected {
                    remaining += (e - requests).max(0);
                }
                let b = bars.entry(res.clone()).or_insert_with(|| {
                    let b = mp2.insert_before(&total2, ProgressBar::new_spinner());
                    b.set_style(obj_style.clone());
                    b.set_prefix(res.clone());
                    b.enable_steady_tick(Duration::from_millis(120));
                    b
                });
                if b.is_finished() {
                    continue;
                }
                if finished {
                    let mark = match status.as_str() {
                        "succeeded" | "done_by_other_run" => "✔",
                        "skipped" => "–",
                        _ => "✘",
                    };
                    b.finish_with_message(format!(
                        "{mark} {status}: {fetched} fetched, {written} written"
                    ));
                    // Keep the screen short: finished bars that did nothing vanish.
                    if fetched == 0 && status != "failed" {
                        b.finish_and_clear();
                    }
                } else {
                    let requests = match expected {
                        Some(e) => format!("{requests}/{e} requests"),
                        None => format!("{requests} requests"),
                    };
                    b.set_message(format!(
                        "running: {requests}, {fetched} fetched, {written} written"
                    ));
                }
            }
            total2.set_position(done);
            if remaining > 0 {
                total2.set_message(format!(
                    "{remaining} requests left in the lists running: ~{} at {rate}/s",
                    human_duration(Duration::from_secs_f64(remaining as f64 / f64::from(rate)))
                ));
            }
        }
    });
    let res = sync.backfill(req).await;
    poll.abort();
    let _ = poll.await;
    total.finish_and_clear();
    let _ = mp.clear();
    Ok(res?)
}

/// Prints a backfill's plan: how many top-level lists there are, then every
/// list read from parents or per parent with its requests, and the ETA of
/// the requests known. `all` also lists the top-level lists one by one.
pub fn print_plan(plan: &BackfillPlan, all: bool) {
    let top: Vec<&PlannedResource> = plan
        .resources
        .iter()
        .filter(|r| matches!(r.source, ListSource::TopLevel { .. }))
        .collect();
    outln!(
        "plan: {} object types at {} requests/s ({} per endpoint)",
        plan.resources.len(),
        plan.requests_per_second,
        plan.endpoint_requests_per_second
    );
    outln!(
        "  first {} top-level lists: at least {} requests, the rest estimated from each one's first page",
        top.len(),
        top.len()
    );
    if all {
        for r in &top {
            outln!("    {:<40} {}", r.object, r.source.describe());
        }
    }
    outln!("  then, after every top-level list:");
    for r in plan
        .resources
        .iter()
        .filter(|r| !matches!(r.source, ListSource::TopLevel { .. }))
    {
        let n = match r.expected_requests {
            Some(n) => format!("{n} requests"),
            None => "requests known once its parents are listed".to_string(),
        };
        outln!("    {:<40} {}: {}", r.object, r.source.describe(), n);
    }
    let known = plan.known_requests() + top.len() as u64;
    outln!(
        "  known so far: {} requests, {} at these rates{}",
        known,
        human_duration(plan.eta().max(Duration::from_secs_f64(
            known as f64 / f64::from(plan.requests_per_second.max(1))
        ))),
        if plan.unknown() > top.len() {
            format!(
                "; {} lists wait for their parents",
                plan.unknown() - top.len()
            )
        } else {
            String::new()
        }
    );
}

/// `1h 02m`, `3m 05s`, `12 s`.
fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}h {:02}m", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}

/// The report as JSON (also the admin API's answer).
pub fn report_json(rep: &BackfillReport) -> Value {
    json!({
        "run_id": rep.run_id,
        "succeeded": rep.succeeded,
        "fetched": rep.fetched,
        "written": rep.written,
        "duration_ms": rep.duration.as_millis() as u64,
        "objects": rep.objects.iter().map(|o| json!({
            "object": o.object, "table": o.table, "status": o.status.as_str(),
            "requests": o.requests, "fetched": o.fetched, "written": o.written,
            "error": o.error, "duration_ms": o.duration.as_millis() as u64,
            "finished_after_ms": o.finished_after.as_millis() as u64,
            "source": o.source.map(|s| s.describe()),
        })).collect::<Vec<_>>(),
    })
}

/// Prints the summary table of a backfill: the object types that did
/// something or failed, then totals.
pub fn print_summary(rep: &BackfillReport) {
    outln!(
        "{:<34} {:<9} {:>9} {:>9} {:>9}  error",
        "object",
        "status",
        "requests",
        "fetched",
        "written"
    );
    let mut skipped = 0;
    for o in &rep.objects {
        if o.status == ObjectStatus::Skipped || (o.fetched == 0 && o.status != ObjectStatus::Failed)
        {
            if o.status == ObjectStatus::Skipped {
                skipped += 1;
            }
            continue;
        }
        let err = o
            .error
            .as_deref()
            .map(|e| e.lines().next().unwrap_or(""))
            .unwrap_or("");
        outln!(
            "{:<34} {:<9} {:>9} {:>9} {:>9}  {}",
            o.object,
            o.status.as_str(),
            o.requests,
            o.fetched,
            o.written,
            err
        );
    }
    let secs = rep.duration.as_secs_f64().max(0.001);
    outln!(
        "run {}: {} — {} objects fetched, {} rows written in {:.1} s ({:.0} objects/s); {} object types empty, {} skipped",
        rep.run_id,
        if rep.succeeded { "succeeded" } else { "FAILED" },
        rep.fetched,
        rep.written,
        secs,
        rep.fetched as f64 / secs,
        rep.objects
            .iter()
            .filter(|o| o.fetched == 0 && o.status == ObjectStatus::Succeeded)
            .count(),
        skipped
    );
}

async fn sync_cmd(g: &GlobalOpts, a: SyncArgs) -> CliResult {
    let sync = engine(g, None).await?;
    let tty = std::io::stderr().is_terminal();
    if !a.events_only {
        let rep = backfill_with_progress(&sync, BackfillRequest::all(), tty).await?;
        print_summary(&rep);
        if !rep.succeeded {
            return Err(CliError::failed(format!(
                "backfill run {} failed for: {}",
                rep.run_id,
                failed_names(&rep)
            )));
        }
    }
    let stop = server::shutdown_signal();
    tokio::pin!(stop);
    loop {
        match sync.sync_events().await {
            Ok(r) => outln!(
                "events: {} fetched, {} applied, {} ignored",
                r.fetched,
                r.applied,
                r.ignored
            ),
            Err(e @ Error::FullBackfillNeeded(_)) => {
                return Err(CliError::failed(format!(
                    "{e}: run `stripe-sync backfill all --full`"
                )))
            }
            Err(e) if a.follow => tracing::error!(error = %e, "events catch-up failed; retrying"),
            Err(e) => return Err(e.into()),
        }
        if !a.follow {
            break;
        }
        tokio::select! {
            _ = &mut stop => break,
            _ = tokio::time::sleep(Duration::from_secs(a.interval)) => {}
        }
    }
    sync.close().await;
    Ok(())
}

async fn serve_cmd(g: &GlobalOpts, a: ServeArgs) -> CliResult {
    let limits = a.limits()?;
    let mut cfg = engine_config(g, None).await?;
    // The library refuses what the server would: one body limit.
    cfg.max_webhook_body_bytes = limits.max_body_bytes;
    let sync = StripeSync::new(cfg).await?;
    if a.migrate {
        migrate(sync.pool()).await?;
    }
    let listener = tokio::net::TcpListener::bind(a.listen).await.map_err(|e| {
        CliError::usage(format!(
            "cannot listen on {}: {e}; pick another address with --listen",
            a.listen
        ))
    })?;
    let admin_key = a.admin_key.filter(|k| !k.is_empty());
    if admin_key.is_none() {
        tracing::info!("admin routes disabled (set STRIPE_SYNC_API_KEY to enable them)");
    }
    let state = Arc::new(AppState {
        sync: sync.clone(),
        admin_key,
        metrics: Arc::new(Metrics::new()),
    });
    let addr = listener
        .local_addr()
        .map_err(|e| CliError::failed(e.to_string()))?;
    tracing::info!(%addr, "listening");
    eprintln!(
        "stripe-sync: listening on http://{addr} (POST /webhooks, GET /health /ready /metrics)"
    );
    server::serve_with_limits(
        listener,
        server::router_with_limits(state, &limits),
        &limits,
        server::shutdown_signal(),
    )
    .await
    .map_err(|e| CliError::failed(format!("server failed: {e}")))?;
    sync.close().await;
    eprintln!("stripe-sync: stopped");
    Ok(())
}

async fn webhook_cmd(g: &GlobalOpts, action: WebhookAction) -> CliResult {
    if let WebhookAction::Create { url } = &action {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(CliError::usage(format!(
                "{url:?} is not a URL: pass the public http(s) URL of this server's /webhooks"
            )));
        }
    }
    let sync = engine(g, None).await?;
    let res = match action {
        WebhookAction::Create { url } => sync.find_or_create_managed_webhook(&url).await.map(|w| {
            outln!(
                "{}\t{}\t{}\t{} event types",
                w.id,
                w.status,
                w.url,
                w.enabled_events.len()
            );
        }),
        WebhookAction::List => sync.list_managed_webhooks().await.map(|ws| {
            if ws.is_empty() {
                outln!("no managed webhooks");
            }
            for w in ws {
                outln!("{}\t{}\t{}\t{}", w.id, w.status, w.url, w.account_id);
            }
        }),
        WebhookAction::Delete { id } => sync.delete_managed_webhook(&id).await.map(|()| {
            outln!("deleted {id}");
        }),
    };
    sync.close().await;
    res.map_err(Into::into)
}

type RunRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    i64,
    i64,
    Option<String>,
);

/// Everything `status` shows, as JSON, for the newest API version: see
/// [`collect_status_for`].
pub async fn collect_status(pool: &PgPool) -> Result<Value, String> {
    collect_status_for(pool, stripe_sync_generated::API_VERSION).await
}

/// Everything `status` shows, as JSON: the pinned API version, last runs,
/// cursors, rows per table, event lag. Errors are strings without secrets.
pub async fn collect_status_for(pool: &PgPool, api_version: &str) -> Result<Value, String> {
    let e = |e: sqlx::Error| format!("reading status failed: {e}; has `stripe-sync migrate` run?");
    let runs: Vec<RunRow> =
        sqlx::query_as(
            "SELECT id, kind, status, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
             to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), fetched, written, error \
             FROM stripe._sync_runs ORDER BY id DESC LIMIT 10",
        )
        .fetch_all(pool)
        .await
        .map_err(e)?;
    let cursors: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT account_id, resource, status, \
         to_char(high_water AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') \
         FROM stripe._sync_state WHERE scope = '' ORDER BY resource, account_id",
    )
    .fetch_all(pool)
    .await
    .map_err(e)?;
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'stripe' AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_%' \
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .map_err(e)?;
    let mut counts = serde_json::Map::new();
    for (t,) in tables {
        let sql = format!("SELECT count(*) FROM stripe.\"{}\"", t.replace('"', "\"\""));
        let (n,): (i64,) = sqlx::query_as(&sql).fetch_one(pool).await.map_err(e)?;
        if n > 0 {
            counts.insert(t, json!(n));
        }
    }
    let (events, last_created, last_received, lag): (
        i64,
        Option<String>,
        Option<String>,
        Option<f64>,
    ) = sqlx::query_as(
        "SELECT count(*), \
             to_char(max(created) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
             to_char(max(received_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
             extract(epoch FROM now() - max(created))::float8 FROM stripe._events",
    )
    .fetch_one(pool)
    .await
    .map_err(e)?;
    Ok(json!({
        "api_version": api_version,
        "runs": runs.into_iter().map(|r| json!({
            "id": r.0, "kind": r.1, "status": r.2, "started_at": r.3, "finished_at": r.4,
            "fetched": r.5, "written": r.6, "error": r.7,
        })).collect::<Vec<_>>(),
        "cursors": cursors.into_iter().map(|c| json!({
            "account": c.0, "resource": c.1, "status": c.2, "high_water": c.3,
        })).collect::<Vec<_>>(),
        "rows": counts,
        "events": {
            "total": events,
            "last_created": last_created,
            "last_received": last_received,
            "lag_seconds": lag,
        },
    }))
}

fn print_status(v: &Value) {
    let s = |x: &Value| match x {
        Value::Null => "-".to_string(),
        Value::String(s) => s.clone(),
        o => o.to_string(),
    };
    outln!("Stripe API version: {}", s(&v["api_version"]));
    outln!("Last runs:");
    outln!(
        "  {:>5} {:<9} {:<12} {:<21} {:<21} {:>8} {:>8}",
        "id",
        "kind",
        "status",
        "started",
        "finished",
        "fetched",
        "written"
    );
    for r in v["runs"].as_array().into_iter().flatten() {
        outln!(
            "  {:>5} {:<9} {:<12} {:<21} {:<21} {:>8} {:>8}",
            s(&r["id"]),
            s(&r["kind"]),
            s(&r["status"]),
            s(&r["started_at"]),
            s(&r["finished_at"]),
            s(&r["fetched"]),
            s(&r["written"])
        );
    }
    outln!("Cursors:");
    for c in v["cursors"].as_array().into_iter().flatten() {
        outln!(
            "  {:<34} {:<10} high water {}",
            s(&c["resource"]),
            s(&c["status"]),
            s(&c["high_water"])
        );
    }
    outln!("Rows per table:");
    if let Some(m) = v["rows"].as_object() {
        if m.is_empty() {
            outln!("  (all tables empty)");
        }
        for (t, n) in m {
            outln!("  {t:<34} {n:>9}");
        }
    }
    let ev = &v["events"];
    outln!(
        "Events: {} recorded; newest created {}, last received {}, lag {}",
        s(&ev["total"]),
        s(&ev["last_created"]),
        s(&ev["last_received"]),
        ev["lag_seconds"]
            .as_f64()
            .map(|l| format!("{l:.0} s"))
            .unwrap_or_else(|| "-".into())
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse() {
        assert_eq!(parse_time("1700000000"), Ok(1_700_000_000));
        assert_eq!(parse_time("2024-01-01"), Ok(1_704_067_200));
        assert_eq!(parse_time("2024-01-01T00:00:00Z"), Ok(1_704_067_200));
        assert!(parse_time("yesterday").is_err());
    }

    #[test]
    fn object_names_validate() {
        assert_eq!(
            validate_objects(&["customers".into(), "customer".into()]).unwrap(),
            vec!["customer".to_string(), "customer".to_string()]
        );
        let e = validate_objects(&["custmer".into()]).unwrap_err();
        assert!(e.contains("custmer") && e.contains("customer"));
    }

    #[test]
    fn location_hides_password() {
        let l = db_location("postgres://u:secretpw@db.example:6543/x").unwrap();
        assert_eq!(l, "db.example:6543");
    }
}
