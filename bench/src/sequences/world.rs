//! Everything one seed runs against, fresh for each seed and dropped after
//! it: a simulator (a platform and two connected accounts), the webhook
//! tee registered on it as a platform and a Connect endpoint, and two
//! migrated databases, one written by a `serve` process and the other by
//! `stripe_sync.process_webhook`, each with its own engine for the
//! in-process commands. The databases live on a private PostgreSQL (one
//! per run of seeds) that the sequences restart and crash.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use serde_json::Value;
use sqlx::{Connection, Executor, PgConnection};
use stripe_sync::{Config, Database, StripeSync};
use stripe_sync_embedded_pg::EmbeddedPg;
use stripe_sync_simulator::{SimConfig, SimHandle, WebhookRetry};
use stripe_sync_tests::TestDb;

use super::generate::{ACCOUNTS, SEEDED};
use super::procs::{ServeProc, Target};
use super::tee::{self, Targets, Tee};

/// The key the engines and the driver use with the simulator.
pub const KEY: &str = "sk_test_sequences";

/// One database and the engine writing it.
pub struct Side {
    /// How its webhooks arrive: `serve` or `sql`.
    pub name: &'static str,
    /// The database.
    pub db: TestDb,
    /// The engine, for the commands.
    pub sync: StripeSync,
}

/// A seed's simulator, receiver and databases.
pub struct World {
    /// The simulator.
    pub sim: SimHandle,
    /// Account ids by [`super::ops::Acct`]: the platform, then the connected ones.
    pub accounts: Vec<String>,
    /// The `serve` side and the `process_webhook` side.
    pub sides: [Side; 2],
    /// The webhook receiver feeding both.
    pub tee: Arc<Tee>,
    /// The `serve` process writing the first side.
    pub serve: ServeProc,
    /// The PostgreSQL server of both databases.
    pub pg: Arc<EmbeddedPg>,
    /// For the driver's own API calls.
    pub http: reqwest::Client,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// A private PostgreSQL and a database on it already migrated, copied for
/// each seed's two databases (`CREATE DATABASE … TEMPLATE`): migrating 120
/// tables twice per seed would take most of its time.
pub struct Template {
    name: String,
    pg: Arc<EmbeddedPg>,
}

static COPIES: AtomicUsize = AtomicUsize::new(0);

/// `url` with its database replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let host_start = base.find("//").map_or(0, |i| i + 2);
    let base = match base[host_start..].find('/') {
        Some(i) => &base[..host_start + i],
        None => base,
    };
    format!("{base}/{db}{query}")
}

impl Template {
    /// Starts a private PostgreSQL (commits durable, so that a crash keeps
    /// what was acknowledged), and creates and migrates the template on it.
    pub async fn create() -> Result<Template> {
        let pg = tokio::task::spawn_blocking(EmbeddedPg::start_durable)
            .await?
            .map_err(|e| anyhow!("starting the sequences' private PostgreSQL: {e}"))?;
        let name = "stripe_sync_sequences_template".to_string();
        let mut admin = PgConnection::connect(&pg.url()).await?;
        admin
            .execute(format!("CREATE DATABASE \"{name}\"").as_str())
            .await?;
        admin.close().await?;
        let url = with_database(&pg.url(), &name);
        let sync = StripeSync::new(Config::new(url, KEY)).await?;
        sync.migrate().await?;
        sync.close().await;
        Ok(Template {
            name,
            pg: Arc::new(pg),
        })
    }

    /// The server's URL (database `postgres`).
    fn server(&self) -> String {
        self.pg.url()
    }

    /// A fresh copy of the template.
    async fn copy(&self) -> Result<TestDb> {
        let server = self.server();
        let name = format!("{}_seq{}", self.name, COPIES.fetch_add(1, Ordering::SeqCst));
        let mut admin = PgConnection::connect(&server).await?;
        admin
            .execute(format!("CREATE DATABASE \"{name}\" TEMPLATE \"{}\"", self.name).as_str())
            .await
            .with_context(|| format!("copying the template database {}", self.name))?;
        admin.close().await?;
        let url = with_database(&server, &name);
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(4)
            .connect(&url)
            .await?;
        Ok(TestDb { name, url, pool })
    }

    /// Drops a copy.
    async fn drop_copy(&self, db: TestDb) -> Result<()> {
        db.pool.close().await;
        let mut admin = PgConnection::connect(&self.server()).await?;
        admin
            .execute(format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", db.name).as_str())
            .await?;
        Ok(())
    }

    /// Stops the private server, or with `STRIPE_SYNC_SEQUENCES_KEEP`
    /// leaves it running (and says where) for inspection.
    pub fn finish(self) {
        let Ok(mut pg) = Arc::try_unwrap(self.pg) else {
            return;
        };
        if std::env::var_os("STRIPE_SYNC_SEQUENCES_KEEP").is_some() {
            eprintln!("PostgreSQL left running for inspection: {}", pg.url());
            std::mem::forget(pg);
        } else {
            pg.stop();
        }
    }
}

fn config(db: &TestDb, sim: &SimHandle) -> Config {
    let mut c = Config::new(db.url.clone(), KEY);
    c.database = Database::Url {
        url: db.url.clone(),
        max_connections: 12,
    };
    c.stripe_api_base = sim.base_url();
    c.max_requests_per_second = Some(5000);
    c.initial_retry_delay = Duration::from_millis(5);
    c.max_retry_delay = Duration::from_millis(100);
    c.max_retries = 8;
    c.backfill_concurrency = 2;
    c
}

impl World {
    /// Starts the simulator seeded from `seed`, the tee, and both sides.
    pub async fn start(seed: u64, template: &Template) -> Result<World> {
        let mut sc = SimConfig::new(crate::harness::fixtures())
            .with_connected_accounts(usize::from(ACCOUNTS - 1));
        for (kind, n) in SEEDED {
            sc = sc.with_count(kind.object(), usize::from(n));
        }
        sc.seed = seed;
        // Stripe retries over days; the same schedule, compressed.
        sc.webhook_retry = WebhookRetry {
            max_attempts: 8,
            base_delay: Duration::from_millis(50),
            max_delay: Duration::from_millis(400),
        };
        let sim = stripe_sync_simulator::start(sc, "127.0.0.1:0".parse()?).await?;
        let mut accounts = vec![sim.account_id().to_string()];
        accounts.extend(sim.connected_accounts());
        anyhow::ensure!(
            accounts.len() == usize::from(ACCOUNTS),
            "the simulator has {} accounts",
            accounts.len()
        );

        let tee = Arc::new(Tee::default());
        let (tee_url, tee_task) =
            stripe_sync_tests::serve_locally(tee::router(tee.clone())).await?;
        let http = reqwest::Client::new();
        let mut secrets = Vec::new();
        for connect in ["false", "true"] {
            let ep: Value = http
                .post(format!("{}/v1/webhook_endpoints", sim.base_url()))
                .bearer_auth(KEY)
                .form(&[
                    ("url", format!("{tee_url}/").as_str()),
                    ("enabled_events[]", "*"),
                    ("connect", connect),
                ])
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            secrets.push(
                ep["secret"]
                    .as_str()
                    .context("webhook endpoint secret")?
                    .to_string(),
            );
        }

        // serve: a process with both secrets.
        let db = template.copy().await?;
        let sync = StripeSync::new(config(&db, &sim)).await?;
        sync.migrate().await?;
        sync.account_id().await?;
        let serve_proc = ServeProc::start(
            Target {
                database_url: db.url.clone(),
                api_base: sim.base_url(),
                key: KEY.into(),
            },
            secrets.join(","),
        )
        .await?;
        let serve = Side {
            name: "serve",
            db,
            sync,
        };

        // SQL: the platform's secret names its account, the Connect one none.
        let db = template.copy().await?;
        let sync = StripeSync::new(config(&db, &sim)).await?;
        sync.migrate().await?;
        sync.account_id().await?;
        sqlx::query("SELECT stripe_sync.add_webhook_secret($1, $2)")
            .bind(&secrets[0])
            .bind(&accounts[0])
            .execute(&db.pool)
            .await?;
        sqlx::query("SELECT stripe_sync.add_webhook_secret($1)")
            .bind(&secrets[1])
            .execute(&db.pool)
            .await?;
        tee.set_targets(Targets {
            serve_url: serve_proc.webhook_url(),
            sql: db.pool.clone(),
        });
        let sql = Side {
            name: "sql",
            db,
            sync,
        };
        Ok(World {
            sim,
            accounts,
            sides: [serve, sql],
            tee,
            serve: serve_proc,
            pg: template.pg.clone(),
            http,
            tasks: vec![tee_task],
        })
    }

    /// Where a process of side `i` connects.
    pub fn target(&self, i: usize) -> Target {
        Target {
            database_url: self.sides[i].db.url.clone(),
            api_base: self.sim.base_url(),
            key: KEY.into(),
        }
    }

    /// Stops everything and drops both databases.
    pub async fn finish(self, template: &Template) -> Result<()> {
        for t in &self.tasks {
            t.abort();
        }
        self.serve.stop(true).await?;
        self.sim.shutdown().await;
        // For diagnosis: keep the databases of the seed.
        let keep = std::env::var_os("STRIPE_SYNC_SEQUENCES_KEEP").is_some();
        for side in self.sides {
            side.sync.close().await;
            if keep {
                eprintln!("kept the {} database: {}", side.name, side.db.url);
            } else {
                template.drop_copy(side.db).await?;
            }
        }
        Ok(())
    }
}
