//! Shared setup of the runtime end-to-end tests: a fresh database, a
//! simulator on an ephemeral port, and a migrated `StripeSync` pointed at it.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::time::Duration;

use anyhow::Result;
use serde_json::Value;
use stripe_sync::{Config, Database, StripeSync};
use stripe_sync_simulator::{start, SimConfig, SimHandle};
use stripe_sync_tests::{spec_dir, TestDb};

pub struct Env {
    pub db: TestDb,
    pub sim: SimHandle,
    pub sync: StripeSync,
}

pub fn fixtures() -> std::path::PathBuf {
    spec_dir()
        .join(stripe_sync_generated::API_VERSION)
        .join("fixtures3.json")
}

/// A configuration for `db` and `sim`: fast retries, a high rate limit.
pub fn config_for(db: &TestDb, sim: &SimHandle) -> Config {
    config_for_url(&db.url, sim)
}

/// The same for the database at `url` (a private server, say).
pub fn config_for_url(url: &str, sim: &SimHandle) -> Config {
    let mut c = Config::new(url, "sk_test_runtime_tests");
    c.database = Database::Url {
        url: url.to_string(),
        max_connections: 10,
    };
    c.stripe_api_base = sim.base_url();
    c.max_requests_per_second = Some(2000);
    c.initial_retry_delay = Duration::from_millis(5);
    c.max_retry_delay = Duration::from_millis(100);
    c.max_retries = 8;
    c
}

pub async fn env(sim_config: SimConfig, tweak: impl FnOnce(&mut Config)) -> Result<Env> {
    let db = TestDb::new().await?;
    let sim = start(sim_config, "127.0.0.1:0".parse()?).await?;
    let mut config = config_for(&db, &sim);
    tweak(&mut config);
    let sync = StripeSync::new(config).await?;
    sync.migrate().await?;
    Ok(Env { db, sim, sync })
}

/// [`env`] with the key's account resolved and stored, as `webhook create`
/// or a first backfill leaves a deployment: webhooks are then applied at
/// once instead of recorded until the account is known.
pub async fn env_with_account(
    sim_config: SimConfig,
    tweak: impl FnOnce(&mut Config),
) -> Result<Env> {
    let e = env(sim_config, tweak).await?;
    e.sync.account_id().await?;
    Ok(e)
}

impl Env {
    pub async fn finish(self) -> Result<()> {
        self.sync.close().await;
        self.sim.shutdown().await;
        self.db.drop_db().await
    }

    /// Ids of not-deleted rows of `table` (optionally of one account).
    pub async fn db_ids(&self, table: &str) -> Result<BTreeSet<String>> {
        let sql = format!("SELECT id FROM stripe.\"{table}\" WHERE _deleted_at IS NULL");
        let rows: Vec<(String,)> = sqlx::query_as(&sql).fetch_all(&self.db.pool).await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Ids of not-deleted objects of `object` in the simulator.
    pub fn sim_ids(&self, object: &str) -> BTreeSet<String> {
        live_ids(self.sim.objects(object))
    }

    pub async fn count(&self, sql: &str) -> Result<i64> {
        Ok(sqlx::query_scalar(sql).fetch_one(&self.db.pool).await?)
    }

    /// POSTs a form to the simulator through the library's client.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Result<Value> {
        let form: Vec<(String, String)> = form
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Ok(self.sync.client().post_json(path, &form).await?)
    }
}

pub fn live_ids(objects: Vec<Value>) -> BTreeSet<String> {
    objects
        .into_iter()
        .filter(|o| o.get("deleted").and_then(Value::as_bool) != Some(true))
        .filter_map(|o| o.get("id").and_then(Value::as_str).map(String::from))
        .collect()
}
