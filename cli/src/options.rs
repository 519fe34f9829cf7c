//! The options commands share, grouped so that each command takes (and its
//! `--help` shows) only the groups it uses; connecting to the database,
//! building the engine; the CLI's error type and `outln!`.

use std::io::IsTerminal;
use std::str::FromStr;
use std::time::Duration;

use clap::Args;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use stripe_sync::config::{supported_api_version, Config};
use stripe_sync::{Error, Schema, StripeSync};

/// `--database-url` and `--schema`: commands that use the mirror.
#[derive(Args, Debug, Clone, Default)]
pub struct DbOpts {
    /// PostgreSQL URL of the mirror.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// The mirror's schema (default stripe); the engine's own objects go to SCHEMA_sync beside it, so mirrors in one database share nothing.
    #[arg(
        long,
        env = "STRIPE_SYNC_SCHEMA",
        hide_env_values = true,
        value_name = "SCHEMA"
    )]
    pub schema: Option<String>,
}

/// `--api-version`: commands that speak a Stripe API version.
#[derive(Args, Debug, Clone, Default)]
pub struct VersionOpts {
    /// Stripe API version to pin: sent as Stripe-Version and set on managed webhooks (default: the newest this build supports).
    #[arg(long, env = "STRIPE_API_VERSION", hide_env_values = true)]
    pub api_version: Option<String>,
}

/// How to call Stripe's API: commands that make requests.
#[derive(Args, Debug, Clone, Default)]
pub struct StripeOpts {
    /// Stripe secret or restricted key (also read from STRIPE_API_KEY); `worker` and `backfill --connected-accounts` take several, comma-separated.
    #[arg(long, env = "STRIPE_SECRET_KEY", hide_env_values = true)]
    pub stripe_key: Option<String>,
    /// Stripe API base URL.
    #[arg(long, env = "STRIPE_API_BASE", hide_env_values = true)]
    pub api_base: Option<String>,
    /// Act as this connected account (Stripe-Account header).
    #[arg(long, env = "STRIPE_ACCOUNT", hide_env_values = true)]
    pub stripe_account: Option<String>,
    /// The key's own account (acct_…): named, it is never asked for with GET /v1/account, which a restricted key may not read.
    #[arg(long, env = "STRIPE_ACCOUNT_ID", hide_env_values = true)]
    pub account_id: Option<String>,
}

/// How fast and how persistently to call Stripe: commands that make many
/// requests (backfill, sync, worker, serve, verify).
#[derive(Args, Debug, Clone, Default)]
pub struct PaceOpts {
    /// Maximum Stripe requests per second (default: 25 test mode, 100 live).
    #[arg(long)]
    pub rate_limit: Option<u32>,
    /// Retries of a failed retryable Stripe request (default 5).
    #[arg(long)]
    pub max_retries: Option<u32>,
}

/// The options of a command that uses both the mirror and Stripe's API.
#[derive(Args, Debug, Clone, Default)]
pub struct ApiOpts {
    /// The mirror.
    #[command(flatten)]
    pub db: DbOpts,
    /// The API version.
    #[command(flatten)]
    pub version: VersionOpts,
    /// Stripe's API.
    #[command(flatten)]
    pub stripe: StripeOpts,
}

/// Every option a command may have been given, merged from its groups
/// (unset where the command has no such option). As arguments, the same
/// options given before the subcommand (`stripe-sync --rate-limit 50
/// backfill`), as releases before the groups accepted; hidden from help,
/// and overridden by the subcommand's own.
#[derive(Args, Debug, Clone, Default)]
pub struct GlobalOpts {
    /// PostgreSQL URL of the mirror.
    #[arg(long, hide = true)]
    pub database_url: Option<String>,
    /// The mirror's schema.
    #[arg(long, hide = true)]
    pub schema: Option<String>,
    /// Stripe secret or restricted key.
    #[arg(long, hide = true)]
    pub stripe_key: Option<String>,
    /// Webhook signing secret (`serve` only).
    #[arg(long, hide = true)]
    pub webhook_secret: Option<String>,
    /// Stripe API base URL.
    #[arg(long, hide = true)]
    pub api_base: Option<String>,
    /// The connected account to act as.
    #[arg(long, hide = true)]
    pub stripe_account: Option<String>,
    /// The key's own account.
    #[arg(long, hide = true)]
    pub account_id: Option<String>,
    /// The API version to pin.
    #[arg(long, hide = true)]
    pub api_version: Option<String>,
    /// Maximum Stripe requests per second.
    #[arg(long, hide = true)]
    pub rate_limit: Option<u32>,
    /// Retries of a failed retryable Stripe request.
    #[arg(long, hide = true)]
    pub max_retries: Option<u32>,
    /// The database pool's size, when a command needs more than 10 (not an
    /// option: `worker` sets it from its concurrency).
    #[arg(skip)]
    pub max_connections: Option<u32>,
}

impl GlobalOpts {
    /// With the mirror's URL.
    pub fn with_db(mut self, o: &DbOpts) -> Self {
        self.database_url = o.database_url.clone().or(self.database_url);
        self.schema = o.schema.clone().or(self.schema);
        self
    }
    /// The mirror's schema: `--schema`/`STRIPE_SYNC_SCHEMA`, `stripe` when
    /// unset; a usage error with the rule for a name that cannot be one.
    pub fn schema(&self) -> CliResult<Schema> {
        match self
            .schema
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Ok(Schema::default()),
            Some(s) => Schema::new(s).map_err(|e| CliError::usage(e.to_string())),
        }
    }
    /// With the API version.
    pub fn with_version(mut self, o: &VersionOpts) -> Self {
        self.api_version = o.api_version.clone().or(self.api_version);
        self
    }
    /// With the options of a command that uses the mirror and the API.
    pub fn with_api(self, o: &ApiOpts) -> Self {
        let mut g = self.with_db(&o.db).with_version(&o.version);
        let s = &o.stripe;
        g.stripe_key = s.stripe_key.clone().or(g.stripe_key);
        g.api_base = s.api_base.clone().or(g.api_base);
        g.stripe_account = s.stripe_account.clone().or(g.stripe_account);
        g.account_id = s.account_id.clone().or(g.account_id);
        g
    }
    /// With the request pacing.
    pub fn with_pace(mut self, o: &PaceOpts) -> Self {
        self.rate_limit = o.rate_limit.or(self.rate_limit);
        self.max_retries = o.max_retries.or(self.max_retries);
        self
    }
}

/// Log output formats.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
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

/// A command's result.
pub type CliResult<T = ()> = Result<T, CliError>;

/// `println!` that ignores a closed stdout (`stripe-sync status | head`)
/// instead of panicking.
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}
pub(crate) use outln;

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
    connect_url(url, g.max_connections.unwrap_or(10)).await
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

fn stripe_key(g: &GlobalOpts) -> CliResult<String> {
    stripe_keys(g).map(|mut k| k.swap_remove(0))
}

/// Every key given: `STRIPE_SECRET_KEY`/`--stripe-key` may name several,
/// comma-separated (independent accounts mirrored into one database by
/// `backfill --connected-accounts`/`--enqueue-only` and `worker`); the
/// first is the key of every other command.
fn stripe_keys(g: &GlobalOpts) -> CliResult<Vec<String>> {
    let keys: Vec<String> = g
        .stripe_key
        .clone()
        .or_else(|| std::env::var("STRIPE_API_KEY").ok())
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(String::from)
        .collect();
    if keys.is_empty() {
        return Err(CliError::usage(
            "no Stripe key: set STRIPE_SECRET_KEY (or STRIPE_API_KEY) or pass --stripe-key sk_…",
        ));
    }
    Ok(keys)
}

/// The keys after the first (see [`stripe_keys`]).
pub fn other_keys(g: &GlobalOpts) -> CliResult<Vec<String>> {
    stripe_keys(g).map(|k| k[1..].to_vec())
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
    let sync = engine_to_migrate(g, concurrency).await?;
    if let Err(e) = require_migrated(sync.pool(), &sync.config().schema).await {
        sync.close().await;
        return Err(e);
    }
    Ok(sync)
}

/// [`engine`] for a command that migrates the database itself first: no
/// check that it is migrated.
pub async fn engine_to_migrate(
    g: &GlobalOpts,
    concurrency: Option<usize>,
) -> CliResult<StripeSync> {
    Ok(StripeSync::new(engine_config(g, concurrency).await?).await?)
}

/// Fails with one line and the fix unless the database is migrated as far
/// as this binary's migrations go for `schema` (exit 2: nothing ran).
pub async fn require_migrated(pool: &sqlx::PgPool, schema: &Schema) -> CliResult {
    let state = stripe_sync::migrate::schema_state(pool, schema).await?;
    match state.problem() {
        None => Ok(()),
        Some(p) if schema.is_default() => Err(CliError::usage(p)),
        Some(p) => Err(CliError::usage(format!(
            "schema {schema}: {}",
            p.replace(
                "`stripe-sync migrate`",
                &format!("`stripe-sync migrate --schema {schema}`")
            )
        ))),
    }
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
    let schema = g.schema()?;
    let pool = connect_db(g).await?;
    let mut cfg = Config::with_pool(pool, key);
    cfg.schema = schema;
    cfg.api_version = version.to_string();
    if let Some(b) = api_base {
        cfg.stripe_api_base = b.trim_end_matches('/').to_string();
    }
    cfg.stripe_webhook_secret = g.webhook_secret.clone().filter(|s| !s.is_empty());
    cfg.stripe_account = g.stripe_account.clone().filter(|a| !a.is_empty());
    cfg.account_id = g.account_id.clone().filter(|a| !a.is_empty());
    if let Some(a) = &cfg.account_id {
        if !a.starts_with("acct_") {
            return Err(CliError::usage(format!(
                "STRIPE_ACCOUNT_ID {a:?} is not an account id: it starts with acct_ (the Dashboard shows it under Settings > Account details)"
            )));
        }
    }
    cfg.max_requests_per_second = g.rate_limit;
    if let Some(r) = g.max_retries {
        cfg.max_retries = r;
    }
    if let Some(c) = concurrency {
        cfg.backfill_concurrency = c;
    }
    Ok(cfg)
}

/// Applies the embedded migrations for `schema` (sqlx holds an advisory
/// lock meanwhile).
pub async fn migrate(pool: &PgPool, schema: &Schema) -> CliResult {
    // The library's error already reads "migration failed: …".
    stripe_sync::migrate::migrate_schema(pool, schema)
        .await
        .map_err(|e| CliError::failed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_hides_password() {
        let l = db_location("postgres://u:secretpw@db.example:6543/x").unwrap();
        assert_eq!(l, "db.example:6543");
    }
}
