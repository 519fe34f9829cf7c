//! The `stripe-sync` command line: argument parsing ([`Cli`]) and the
//! subcommands ([`run`]).
//!
//! Exit codes: 0 success, 1 a run failed (e.g. a backfilled object type
//! failed), 2 bad input or configuration (missing key or URL, unreachable
//! database, unknown object name), with a one-line error and the fix; 130
//! or 143 when SIGINT or SIGTERM stopped a run (`backfill`, `sync`,
//! `worker`), recorded `interrupted` with its counts so far, and the same
//! command run again resumes it; 3 when `verify` found differences.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use stripe_sync::metrics::Metrics;
use stripe_sync::objects::validate_objects;
use stripe_sync::server::{self, AppState, ServerLimits};
use stripe_sync::status::collect_status_of;
use stripe_sync::store::{self, Interrupt, RunStatus};
use stripe_sync::{BackfillRequest, Error, StripeSync};

use crate::options::{
    api_version, connect_db, engine, engine_config, init_logging, migrate, outln, ApiOpts,
    CliError, CliResult, DbOpts, GlobalOpts, LogFormat, PaceOpts, VersionOpts,
};
use crate::report::{
    backfill_until_interrupted, failed_names, interrupted, interrupted_run, print_plan,
    print_plan_error, print_summary, StopSignal, StopSignals,
};
use crate::status::print_status;

/// Mirror a Stripe account into PostgreSQL.
#[derive(Parser, Debug)]
#[command(name = "stripe-sync", version, about, long_about = None)]
pub struct Cli {
    /// Options given before the subcommand (hidden; see [`GlobalOpts`]).
    #[command(flatten)]
    pub before: GlobalOpts,
    /// Log format on stderr.
    #[arg(long, value_enum, default_value = "text", global = true)]
    pub log_format: LogFormat,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Apply the migrations embedded in the binary (idempotent; safe concurrently); --export writes them as SQL files instead.
    Migrate(MigrateArgs),
    /// List objects from the API into their tables.
    Backfill(BackfillArgs),
    /// Backfill, then catch up from /v1/events; --follow keeps polling (no webhooks needed).
    Sync(SyncArgs),
    /// Work the queue shared through the database (accounts queued by backfill --connected-accounts); any number of processes.
    Worker(WorkerArgs),
    /// Run the webhook server (webhooks, health, readiness, metrics, admin API).
    Serve(ServeArgs),
    /// Manage the webhook endpoints this tool creates on Stripe.
    Webhook {
        /// What to do.
        #[command(subcommand)]
        action: WebhookAction,
    },
    /// Webhooks with no server of ours: the Supabase Edge Function and its managed webhook.
    Supabase {
        /// What to do.
        #[command(subcommand)]
        action: crate::supabase::SupabaseAction,
    },
    /// What the database refused for good: list it, or write it again.
    Quarantine {
        /// What to do.
        #[command(subcommand)]
        action: crate::quarantine::QuarantineAction,
    },
    /// Compare the mirror with Stripe: what is missing, stale or extra (exit 3 when something differs); --repair fixes it.
    Verify(crate::verify::VerifyArgs),
    /// What changed in the mirror, once per real change, in order: after a position or a consumer's; --follow keeps reading.
    Changes(crate::changes::ChangesArgs),
    /// Show the last runs, cursors, rows per table and event lag.
    Status {
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
        /// Only this account (acct_…): its runs, cursors, rows, events, verify and freshness.
        #[arg(long)]
        account: Option<String>,
        /// The mirror.
        #[command(flatten)]
        db: DbOpts,
        /// The API version the mirror is pinned to.
        #[command(flatten)]
        version: VersionOpts,
    },
    /// The whole pipeline with no setup: private PostgreSQL, simulator, backfill, webhooks.
    Demo(crate::demo::DemoArgs),
    /// Run the Stripe API simulator until Ctrl-C.
    Simulate(Box<stripe_sync_simulator::SimulateArgs>),
}

/// Arguments of `migrate`.
#[derive(Args, Debug)]
pub struct MigrateArgs {
    /// The mirror.
    #[command(flatten)]
    pub db: DbOpts,
    /// Write the migrations for --schema as plain SQL files into this directory (for another migration tool), and apply nothing.
    #[arg(long, value_name = "DIR")]
    pub export: Option<std::path::PathBuf>,
}

/// Arguments of `backfill`.
#[derive(Args, Debug)]
pub struct BackfillArgs {
    /// The mirror and Stripe's API.
    #[command(flatten)]
    pub api: ApiOpts,
    /// How fast to call Stripe.
    #[command(flatten)]
    pub pace: PaceOpts,
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
    /// With --plan: the plan as JSON (the whole run's estimate in `eta_seconds`).
    #[arg(long, requires = "plan")]
    pub json: bool,
    /// Also every connected account the platform lists at /v1/accounts (Stripe-Account), through the shared work queue.
    #[arg(long, conflicts_with = "plan")]
    pub connected_accounts: bool,
    /// Only queue the accounts' backfills for `stripe-sync worker` processes to do.
    #[arg(long, conflicts_with = "plan")]
    pub enqueue_only: bool,
    /// How this process works the queue (with --connected-accounts).
    #[command(
        flatten,
        next_help_heading = "With --connected-accounts: how this process works the queue"
    )]
    pub queue: crate::workers::QueueOpts,
}

/// Arguments of `worker`.
#[derive(Args, Debug)]
pub struct WorkerArgs {
    /// The mirror and Stripe's API.
    #[command(flatten)]
    pub api: ApiOpts,
    /// How fast to call Stripe.
    #[command(flatten)]
    pub pace: PaceOpts,
    /// Keep waiting for new work when the queue is empty (until Ctrl-C).
    #[arg(long)]
    pub follow: bool,
    /// Concurrent list streams per account.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// How this process works the queue.
    #[command(flatten)]
    pub queue: crate::workers::QueueOpts,
}

/// Arguments of `sync`.
#[derive(Args, Debug)]
pub struct SyncArgs {
    /// The mirror and Stripe's API.
    #[command(flatten)]
    pub api: ApiOpts,
    /// How fast to call Stripe.
    #[command(flatten)]
    pub pace: PaceOpts,
    /// Keep polling /v1/events until Ctrl-C.
    #[arg(long)]
    pub follow: bool,
    /// Seconds between polls with --follow.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub interval: u64,
    /// Skip the backfill and only catch up from events.
    #[arg(long)]
    pub events_only: bool,
    /// Every connected account too, through the shared work queue (each account's /v1/events).
    #[arg(long)]
    pub connected_accounts: bool,
    /// With --connected-accounts: most requests per second the catch-up rounds spend (rounds are spread out to fit).
    #[arg(long, default_value_t = 5.0)]
    pub events_budget: f64,
    /// How this process works the queue (with --connected-accounts).
    #[command(
        flatten,
        next_help_heading = "With --connected-accounts: how this process works the queue"
    )]
    pub queue: crate::workers::QueueOpts,
}

/// Arguments of `serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The mirror and Stripe's API.
    #[command(flatten)]
    pub api: ApiOpts,
    /// How fast to call Stripe.
    #[command(flatten)]
    pub pace: PaceOpts,
    /// Address to listen on.
    #[arg(
        long,
        env = "LISTEN",
        hide_env_values = true,
        default_value = "0.0.0.0:8080"
    )]
    pub listen: SocketAddr,
    /// Bearer token of the admin routes; they are disabled without it.
    #[arg(long, env = "STRIPE_SYNC_API_KEY", hide_env_values = true)]
    pub admin_key: Option<String>,
    /// Largest accepted webhook body, in bytes (413 above).
    #[arg(long, env = "MAX_BODY_BYTES", hide_env_values = true, default_value_t = server::DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Most bytes of a request's start line and headers (431 above; at least 8192).
    #[arg(long, env = "MAX_HEADER_BYTES", hide_env_values = true, default_value_t = ServerLimits::default().max_header_bytes)]
    pub max_header_bytes: usize,
    /// Seconds a client may take to send its headers, or sit idle between requests (then closed).
    #[arg(long, env = "HEADER_TIMEOUT_SECS", hide_env_values = true, default_value_t = ServerLimits::default().header_timeout.as_secs_f64())]
    pub header_timeout_secs: f64,
    /// Seconds a client may take to send a webhook body, waiting for budget included (408 after).
    #[arg(long, env = "BODY_TIMEOUT_SECS", hide_env_values = true, default_value_t = ServerLimits::default().body_timeout.as_secs_f64())]
    pub body_timeout_secs: f64,
    /// Most webhook body bytes held at once by all requests (more wait; 503 if not in time).
    #[arg(long, env = "MAX_BODY_BYTES_IN_FLIGHT", hide_env_values = true, default_value_t = ServerLimits::default().max_body_bytes_in_flight)]
    pub max_body_bytes_in_flight: usize,
    /// Most connections open at once (more wait to be accepted).
    #[arg(long, env = "MAX_CONNECTIONS", hide_env_values = true, default_value_t = ServerLimits::default().max_connections)]
    pub max_connections: usize,
    /// Apply the migrations before serving.
    #[arg(long)]
    pub migrate: bool,
    /// Leave the per-account freshness gauges out of /metrics (their query,
    /// every 10 s, reads the events ledger by index).
    #[arg(long)]
    pub no_freshness: bool,
    /// Every this many seconds, number the change log if no webhook arrived
    /// since the last time (or 100,000 entries wait), so a log nobody reads
    /// still drops the previous objects it keeps and keeps to its retention
    /// (0: never; readers number what they read).
    #[arg(long, env = "STRIPE_SYNC_NUMBER_CHANGES_EVERY", hide_env_values = true, default_value_t = stripe_sync::changes::NUMBER_EVERY.as_secs_f64())]
    pub number_changes_every: f64,
    /// Webhook signing secret (whsec_…); without it the managed webhooks' secrets are used.
    #[arg(long, env = "STRIPE_WEBHOOK_SECRET", hide_env_values = true)]
    pub webhook_secret: Option<String>,
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

    /// How often to number the change log (`None`: never); a usage error
    /// for a negative or non-finite number.
    pub fn number_changes_every(&self) -> std::result::Result<Option<Duration>, CliError> {
        Duration::try_from_secs_f64(self.number_changes_every)
            .map(|d| Some(d).filter(|d| !d.is_zero()))
            .map_err(|_| {
                CliError::usage("--number-changes-every must be 0 (never) or a number of seconds")
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
        /// A Connect platform's endpoint for its connected accounts' events
        /// (`connect=true`), beside its own; `serve` takes both.
        #[arg(long)]
        connect: bool,
        /// The mirror and Stripe's API.
        #[command(flatten)]
        api: ApiOpts,
    },
    /// List the managed endpoints.
    List {
        /// The mirror and Stripe's API.
        #[command(flatten)]
        api: ApiOpts,
    },
    /// Delete a managed endpoint (on Stripe and locally).
    Delete {
        /// The endpoint id (we_…).
        id: String,
        /// The mirror and Stripe's API.
        #[command(flatten)]
        api: ApiOpts,
    },
}

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

/// Runs the command line; returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    let tty = std::io::stderr().is_terminal();
    let default_level = match &cli.command {
        // Progress bars on a terminal; logs would tear them.
        Command::Backfill(_) | Command::Sync(_) if tty => "warn",
        Command::Demo(_)
        | Command::Verify(_)
        | Command::Status { .. }
        | Command::Webhook { .. }
        | Command::Supabase { .. }
        | Command::Quarantine { .. }
        | Command::Changes(_) => "warn",
        _ => "info",
    };
    init_logging(cli.log_format, default_level);
    match dispatch(cli).await {
        Ok(()) => 0,
        // Stopped on purpose: not an error, but not done either.
        Err(e)
            if StopSignal::of_exit_code(e.code).is_some()
                || e.code == crate::verify::DIFFERENCES_FOUND =>
        {
            eprintln!("stripe-sync: {}", e.message);
            e.code
        }
        Err(e) => {
            eprintln!("stripe-sync: error: {}", e.message);
            e.code
        }
    }
}

/// Says which of the engine's roles exist, and how to create those the
/// migrating role could not (it lacks CREATEROLE).
async fn report_roles(pool: &sqlx::PgPool, schema: &stripe_sync::Schema) -> CliResult {
    use stripe_sync::migrate::{missing_roles, role_statements, ROLES};
    let missing = missing_roles(pool, schema)
        .await
        .map_err(|e| CliError::failed(e.to_string()))?;
    if missing.is_empty() {
        let names: Vec<String> = ROLES.iter().map(|r| r.name(schema)).collect();
        outln!(
            "roles {} granted; an app reads the mirror with: GRANT {} TO <app role>;",
            names.join(", "),
            stripe_sync::migrate::EngineRole::Reader.name(schema)
        );
    } else {
        let names: Vec<String> = missing.iter().map(|r| r.name(schema)).collect();
        outln!(
            "roles {} do not exist and this role may not create them; as a role with CREATEROLE, run:",
            names.join(", ")
        );
        for line in role_statements(&missing, schema).lines() {
            outln!("  {line}");
        }
    }
    Ok(())
}

/// Writes the migrations for `schema` into `dir`, one file each, named as
/// in the repository's `migrations/`: plain SQL any migration tool can run
/// in order.
fn export_migrations(dir: &std::path::Path, schema: &stripe_sync::Schema) -> CliResult {
    let files = stripe_sync::migrate::migration_files(schema);
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::failed(format!("cannot create {}: {e}", dir.display())))?;
    for (name, sql) in &files {
        let path = dir.join(name);
        std::fs::write(&path, sql)
            .map_err(|e| CliError::failed(format!("cannot write {}: {e}", path.display())))?;
    }
    outln!(
        "{} migrations for schemas {} and {} written to {}; apply them in file-name order",
        files.len(),
        schema.mirror(),
        schema.engine(),
        dir.display()
    );
    Ok(())
}

async fn dispatch(cli: Cli) -> CliResult {
    let none = cli.before;
    match cli.command {
        Command::Migrate(MigrateArgs { db, export }) => {
            let g = none.with_db(&db);
            let schema = g.schema()?;
            if let Some(dir) = export {
                return export_migrations(&dir, &schema);
            }
            let pool = connect_db(&g).await?;
            let t = Instant::now();
            migrate(&pool, &schema).await?;
            if schema.is_default() {
                outln!("migrations applied ({:.1?})", t.elapsed());
            } else {
                outln!(
                    "migrations applied to schemas {} and {} ({:.1?})",
                    schema.mirror(),
                    schema.engine(),
                    t.elapsed()
                );
            }
            report_roles(&pool, &schema).await
        }
        Command::Backfill(a) => {
            let objects = backfill_objects(&a.objects)?;
            let g = none.with_api(&a.api).with_pace(&a.pace);
            let req = BackfillRequest {
                objects,
                created_gte: a.created_after,
                created_lt: None,
                full: a.full,
            };
            if a.connected_accounts || a.enqueue_only {
                return crate::workers::backfill_accounts(
                    &g,
                    a.concurrency as usize,
                    req,
                    a.connected_accounts,
                    a.enqueue_only,
                    &a.queue,
                )
                .await;
            }
            let sync = engine(&g, Some(a.concurrency as usize)).await?;
            let interrupt = Interrupt::new();
            let stop = StopSignals::listen(&interrupt)?;
            let plan = match sync.backfill_plan(&req).await {
                Ok(p) => p,
                Err(e) => {
                    sync.close().await;
                    return Err(e.into());
                }
            };
            if a.plan && a.json {
                outln!("{}", plan.to_json());
            } else {
                print_plan(&plan, a.plan);
            }
            if a.plan {
                sync.close().await;
                return Ok(());
            }
            let tty = std::io::stderr().is_terminal();
            let started = Instant::now();
            let rep = backfill_until_interrupted(&sync, req, tty, &interrupt).await;
            sync.close().await;
            let rep = rep?;
            print_summary(&rep);
            if rep.status == stripe_sync::store::RunStatus::Succeeded {
                print_plan_error(&plan, started.elapsed());
            }
            backfill_outcome(&rep, &stop)
        }
        Command::Sync(a) if a.connected_accounts => {
            crate::workers::sync_accounts(
                &none.with_api(&a.api).with_pace(&a.pace),
                a.events_only,
                a.follow,
                Duration::from_secs(a.interval),
                a.events_budget,
                &a.queue,
            )
            .await
        }
        Command::Sync(a) => sync_cmd(&none.with_api(&a.api).with_pace(&a.pace), a).await,
        Command::Worker(a) => {
            crate::workers::worker(
                &none.with_api(&a.api).with_pace(&a.pace),
                a.concurrency as usize,
                a.follow,
                &a.queue,
            )
            .await
        }
        Command::Serve(a) => {
            let mut g = none.with_api(&a.api).with_pace(&a.pace);
            g.webhook_secret = a.webhook_secret.clone().or(g.webhook_secret);
            serve_cmd(&g, a).await
        }
        Command::Webhook { action } => webhook_cmd(none, action).await,
        Command::Supabase { action } => crate::supabase::run(none, action).await,
        Command::Quarantine { action } => crate::quarantine::run(none, action).await,
        Command::Verify(a) => {
            crate::verify::run(&none.with_api(&a.api).with_pace(&a.pace), a).await
        }
        Command::Changes(a) => crate::changes::run(none, a).await,
        Command::Status {
            json,
            account,
            db,
            version,
        } => {
            let g = none.with_db(&db).with_version(&version);
            let version = api_version(&g)?;
            let schema = &g.schema()?;
            let pool = connect_db(&g).await?;
            let v = collect_status_of(schema, &pool, version, account.as_deref())
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
        Command::Demo(a) => crate::demo::run(none, a).await,
        Command::Simulate(a) => {
            let mut sim = *a;
            sim.api_version = sim.api_version.or(none.api_version);
            stripe_sync_simulator::run(sim)
                .await
                .map_err(|e| CliError::usage(format!("simulator: {e:#}")))
        }
    }
}

/// How a backfill's report ends the command: a failure, or a stop by the
/// signal `stop` received, is an error.
fn backfill_outcome(rep: &stripe_sync::BackfillReport, stop: &StopSignals) -> CliResult {
    match (rep.status, stop.received()) {
        (RunStatus::Succeeded, _) => Ok(()),
        (RunStatus::Interrupted, Some(signal)) => {
            Err(interrupted(signal, &[interrupted_run(rep)], ""))
        }
        _ => Err(CliError::failed(format!(
            "backfill run {} {} for: {}",
            rep.run_id,
            rep.status,
            failed_names(rep)
        ))),
    }
}

fn backfill_objects(names: &[String]) -> CliResult<Option<Vec<String>>> {
    if names.is_empty() || names.iter().any(|n| n == "all") {
        return Ok(None);
    }
    validate_objects(names).map(Some).map_err(CliError::usage)
}

async fn sync_cmd(g: &GlobalOpts, a: SyncArgs) -> CliResult {
    let sync = engine(g, None).await?;
    let interrupt = Interrupt::new();
    let mut stop = StopSignals::listen(&interrupt)?;
    let r = sync_steps(&sync, a, &interrupt, &mut stop).await;
    sync.close().await;
    r
}

/// `sync`'s backfill, then its catch-ups. SIGINT or SIGTERM stops the
/// backfill (recorded interrupted by itself) or the catch-up in flight
/// (recorded interrupted here); between two `--follow` catch-ups it ends
/// the command normally.
async fn sync_steps(
    sync: &StripeSync,
    a: SyncArgs,
    interrupt: &Interrupt,
    stop: &mut StopSignals,
) -> CliResult {
    let tty = std::io::stderr().is_terminal();
    if !a.events_only {
        let rep = backfill_until_interrupted(sync, BackfillRequest::all(), tty, interrupt).await?;
        print_summary(&rep);
        backfill_outcome(&rep, stop)?;
    }
    loop {
        let caught_up = tokio::select! {
            r = sync.sync_events() => r,
            signal = stop.wait() => {
                // The catch-up was dropped mid-way; its cursor holds what
                // it applied.
                let runs = store::interrupt_open_runs().await?;
                return Err(interrupted(signal, &runs, ""));
            }
        };
        match caught_up {
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
        // Once per catch-up (from cron, say) the change log is numbered, so
        // that a log nobody reads drops the previous objects it keeps and
        // keeps to its retention.
        if let Err(e) = stripe_sync::changes::number(&sync.config().schema, sync.pool()).await {
            tracing::warn!(error = %e, "numbering the change log failed");
        }
        if !a.follow {
            break;
        }
        tokio::select! {
            _ = stop.wait() => break,
            _ = tokio::time::sleep(Duration::from_secs(a.interval)) => {}
        }
    }
    Ok(())
}

async fn serve_cmd(g: &GlobalOpts, a: ServeArgs) -> CliResult {
    let limits = a.limits()?;
    let number_every = a.number_changes_every()?;
    let mut cfg = engine_config(g, None).await?;
    // The library refuses what the server would: one body limit.
    cfg.max_webhook_body_bytes = limits.max_body_bytes;
    let sync = StripeSync::new(cfg).await?;
    let schema = &sync.config().schema;
    if a.migrate {
        migrate(sync.pool(), schema).await?;
    }
    if let Err(e) = crate::options::require_migrated(sync.pool(), schema).await {
        sync.close().await;
        return Err(e);
    }
    // The key's account, resolved in the background (and stored) so that
    // webhooks find it; then the webhooks recorded before it was known.
    let background = sync.clone();
    tokio::spawn(async move {
        if let Err(e) = background.account_id().await {
            tracing::warn!(error = %e, "the key's account is not known yet; webhooks that name no account are recorded until it is");
        }
        background.attribute_events_in_background();
    });
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
    let metrics = Arc::new(if a.no_freshness {
        Metrics::without_freshness()
    } else {
        Metrics::new()
    });
    // The database's gauges: runs (read with the heartbeat rule), their
    // progress, the quarantine and each account's freshness.
    let runs_gauge = metrics.watch_gauges(schema.clone(), sync.pool().clone());
    // The change log, numbered between bursts of webhooks (or once a
    // backlog builds up).
    let numbering = number_every.map(|every| {
        let metrics = metrics.clone();
        stripe_sync::changes::number_in_background(
            schema.clone(),
            sync.pool().clone(),
            every,
            move || metrics.events_total(),
        )
    });
    let state = Arc::new(AppState {
        sync: sync.clone(),
        admin_key,
        metrics,
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
    runs_gauge.abort();
    if let Some(numbering) = numbering {
        numbering.abort();
    }
    // An admin backfill the shutdown cut short is recorded as interrupted.
    match store::interrupt_open_runs().await {
        Ok(runs) => {
            for r in runs {
                tracing::warn!(run_id = r.run_id, kind = %r.kind, "run recorded as interrupted by the shutdown");
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not record the runs the shutdown cut short"),
    }
    sync.close().await;
    eprintln!("stripe-sync: stopped");
    Ok(())
}

async fn webhook_cmd(before: GlobalOpts, action: WebhookAction) -> CliResult {
    let api = match &action {
        WebhookAction::Create { api, .. }
        | WebhookAction::List { api }
        | WebhookAction::Delete { api, .. } => api,
    };
    let g = before.with_api(api);
    if let WebhookAction::Create { url, .. } = &action {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(CliError::usage(format!(
                "{url:?} is not a URL: pass the public http(s) URL of this server's /webhooks"
            )));
        }
    }
    let sync = engine(&g, None).await?;
    let res = match action {
        WebhookAction::Create { url, connect, .. } => {
            let made = if connect {
                sync.find_or_create_connect_webhook(&url).await
            } else {
                sync.find_or_create_managed_webhook(&url).await
            };
            made.map(|w| {
                outln!(
                    "{}\t{}\t{}\t{} event types{}",
                    w.id,
                    w.status,
                    w.url,
                    w.enabled_events.len(),
                    if w.connect { "\tconnect" } else { "" }
                );
            })
        }
        WebhookAction::List { .. } => sync.list_managed_webhooks().await.map(|ws| {
            if ws.is_empty() {
                outln!("no managed webhooks");
            }
            for w in ws {
                let kind = if w.connect { "connect" } else { "account" };
                outln!(
                    "{}\t{}\t{}\t{}\t{kind}",
                    w.id,
                    w.status,
                    w.url,
                    w.account_id
                );
            }
        }),
        WebhookAction::Delete { id, .. } => sync.delete_managed_webhook(&id).await.map(|()| {
            outln!("deleted {id}");
        }),
    };
    sync.close().await;
    res.map_err(Into::into)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn each_command_lists_only_its_own_options() {
        use clap::CommandFactory;
        let cli = Cli::command();
        let longs = |path: &[&str]| {
            let mut c = &cli;
            for name in path {
                c = c.find_subcommand(name).expect("subcommand");
            }
            c.get_arguments()
                .filter_map(|a| a.get_long())
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        let simulate = longs(&["simulate"]);
        for ignored in [
            "database-url",
            "stripe-key",
            "webhook-secret",
            "stripe-account",
            "max-retries",
        ] {
            assert!(
                !simulate.iter().any(|l| l == ignored),
                "simulate lists --{ignored}"
            );
        }
        assert!(simulate.iter().any(|l| l == "api-version"));
        assert_eq!(longs(&["migrate"]), ["database-url", "schema", "export"]);
        // Every command that uses the mirror takes its schema.
        for path in [
            &["backfill"][..],
            &["sync"],
            &["worker"],
            &["serve"],
            &["verify"],
            &["status"],
            &["changes"],
            &["quarantine", "list"],
            &["quarantine", "retry"],
            &["webhook", "create"],
            &["supabase", "install"],
            &["supabase", "uninstall"],
        ] {
            assert!(longs(path).iter().any(|l| l == "schema"), "{path:?}");
        }
        let serve = longs(&["serve"]);
        assert!(serve.iter().any(|l| l == "webhook-secret"));
        assert!(!longs(&["backfill"]).iter().any(|l| l == "webhook-secret"));
        assert!(!longs(&["status"]).iter().any(|l| l == "stripe-key"));
        assert!(longs(&["webhook", "create"])
            .iter()
            .any(|l| l == "stripe-key"));
        assert!(longs(&["webhook", "create"]).iter().any(|l| l == "connect"));
    }

    #[test]
    fn serve_numbers_the_change_log_every_ten_seconds_unless_told() {
        use clap::Parser;
        let every = |args: &[&str]| {
            let cli =
                Cli::try_parse_from(["stripe-sync", "serve"].iter().chain(args)).expect("parses");
            match cli.command {
                Command::Serve(a) => a.number_changes_every().map_err(|e| e.message),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(every(&[]), Ok(Some(Duration::from_secs(10))));
        assert_eq!(
            every(&["--number-changes-every", "2.5"]),
            Ok(Some(Duration::from_millis(2500)))
        );
        assert_eq!(every(&["--number-changes-every", "0"]), Ok(None));
        let refused = every(&["--number-changes-every=-1"]).unwrap_err();
        assert!(refused.contains("--number-changes-every"), "{refused}");
    }

    #[test]
    fn times_parse() {
        assert_eq!(parse_time("1700000000"), Ok(1_700_000_000));
        assert_eq!(parse_time("2024-01-01"), Ok(1_704_067_200));
        assert_eq!(parse_time("2024-01-01T00:00:00Z"), Ok(1_704_067_200));
        assert!(parse_time("yesterday").is_err());
    }
}
