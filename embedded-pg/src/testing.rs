//! What every test that needs PostgreSQL shares (feature `testing`): a
//! fresh database per test, on `DATABASE_URL` or on a throwaway server
//! this process starts, and the directory holding Stripe's specs.

use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};
use sqlx::{Connection, Executor, PgConnection, PgPool};

/// The server tests use: `DATABASE_URL`, else a throwaway PostgreSQL this
/// test process starts from the local binaries (`initdb`/`pg_ctl`), once,
/// removed after the process exits.
pub fn server_url() -> String {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        return url;
    }
    static PRIVATE: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    match PRIVATE.get_or_init(|| {
        let pg = crate::EmbeddedPg::start()?;
        let url = pg.url();
        pg.stop_at_exit()?;
        Ok(url)
    }) {
        Ok(url) => url.clone(),
        Err(e) => panic!("DATABASE_URL is unset and no throwaway PostgreSQL could be started: {e}"),
    }
}

/// The directory holding Stripe's specs: `STRIPE_OPENAPI_DIR`, else
/// `../shared/stripe-openapi` beside the workspace.
pub fn spec_dir() -> std::path::PathBuf {
    if let Some(d) = std::env::var_os("STRIPE_OPENAPI_DIR") {
        return d.into();
    }
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/stripe-openapi")
}

/// A fresh, empty database that lives until [`TestDb::drop_db`].
pub struct TestDb {
    /// Its name.
    pub name: String,
    /// A URL that connects to it.
    pub url: String,
    /// A pool connected to it.
    pub pool: PgPool,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);
const PREFIX: &str = "stripe_sync_test_";

fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let base = match base.rfind('/') {
        Some(i) if base[..i].contains("//") && i > base.find("//").unwrap_or(0) + 1 => &base[..i],
        _ => base,
    };
    format!("{base}/{db}{query}")
}

impl TestDb {
    /// Creates a database named after this process and a counter, after
    /// dropping any left behind by test processes that no longer run.
    pub async fn new() -> Result<TestDb> {
        let server = server_url();
        let mut admin = PgConnection::connect(&server)
            .await
            .with_context(|| "connecting to PostgreSQL for tests (set DATABASE_URL, or start PostgreSQL on 127.0.0.1:5432)")?;
        let leftovers: Vec<(String,)> = sqlx::query_as(
            "SELECT datname FROM pg_database WHERE datname LIKE 'stripe_sync_test_%'",
        )
        .fetch_all(&mut admin)
        .await?;
        for (name,) in leftovers {
            let pid = name
                .trim_start_matches(PREFIX)
                .split('_')
                .next()
                .and_then(|p| p.parse::<u32>().ok());
            if pid.is_some_and(|p| {
                p != std::process::id() && !std::path::Path::new(&format!("/proc/{p}")).exists()
            }) {
                let _ = admin
                    .execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str())
                    .await;
            }
        }
        let name = format!(
            "{PREFIX}{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        admin
            .execute(format!("CREATE DATABASE \"{name}\"").as_str())
            .await?;
        admin.close().await?;
        let url = with_database(&server, &name);
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(8)
            .connect(&url)
            .await?;
        Ok(TestDb { name, url, pool })
    }

    /// Closes the pool and drops the database.
    pub async fn drop_db(self) -> Result<()> {
        self.pool.close().await;
        let mut admin = PgConnection::connect(&server_url()).await?;
        admin
            .execute(format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name).as_str())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_is_swapped_in_urls() {
        assert_eq!(
            with_database("postgres://u@h:5432/postgres", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h:5432/postgres?sslmode=disable", "x"),
            "postgres://u@h:5432/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://u@h:5432", "x"),
            "postgres://u@h:5432/x"
        );
    }
}
