//! [`Context`]: what every operation of a [`crate::StripeSync`] shares (the
//! configuration, the pool, the Stripe client, the account), passed down to
//! the modules that do the work.
//!
//! It sits below them: `backfill`, `events` and `managed_webhooks` take a
//! `&Context`, and the facade (`sync`) builds one and owns it, so no module
//! reaches up into the facade for its state.

use serde_json::Value;
use sqlx::PgPool;
use tokio::sync::OnceCell;

use crate::client::StripeClient;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::store;

/// State shared by every operation and task of one engine.
pub(crate) struct Context {
    pub(crate) pool: PgPool,
    pub(crate) client: StripeClient,
    pub(crate) config: Config,
    /// Identifies this process in `_sync_state.claimed_by`.
    pub(crate) instance: String,
    account: OnceCell<String>,
    /// The account's `created` (unix seconds), when the API gives it:
    /// the oldest an object of the account can be.
    account_created: OnceCell<Option<i64>>,
    /// Whether the server compresses with lz4 (asked once).
    lz4: OnceCell<bool>,
}

impl Context {
    /// A context over an open pool and a built client; nothing is asked of
    /// the API or the database yet.
    pub(crate) fn new(pool: PgPool, client: StripeClient, config: Config) -> Self {
        let instance = format!("{}-{:08x}", std::process::id(), rand::random::<u32>());
        Context {
            pool,
            client,
            config,
            instance,
            account: OnceCell::new(),
            account_created: OnceCell::new(),
            lz4: OnceCell::new(),
        }
    }

    /// The account objects are attributed to: `stripe_account` when set, else
    /// the key's own account (`GET /v1/account`, asked once).
    pub(crate) async fn account_id(&self) -> Result<String> {
        if let Some(a) = &self.config.stripe_account {
            return Ok(a.clone());
        }
        self.account
            .get_or_try_init(|| async {
                let v = self.client.get_json("/v1/account", &[]).await?;
                let _ = self
                    .account_created
                    .set(v.get("created").and_then(Value::as_i64));
                v.get("id")
                    .and_then(Value::as_str)
                    .map(String::from)
                    .ok_or_else(|| Error::InvalidPayload("GET /v1/account returned no id".into()))
            })
            .await
            .cloned()
    }

    /// The account's `created`, asked once (`None` when the API does not
    /// say or the request fails: it only feeds estimates).
    pub(crate) async fn account_created(&self) -> Option<i64> {
        *self
            .account_created
            .get_or_init(|| async {
                match self.client.get_json("/v1/account", &[]).await {
                    Ok(v) => v.get("created").and_then(Value::as_i64),
                    Err(e) => {
                        tracing::debug!(error = %e, "account created time unknown");
                        None
                    }
                }
            })
            .await
    }

    /// Begins a transaction that writes objects (see [`store::begin_write`]).
    pub(crate) async fn begin_write(
        &self,
        commit: store::Commit,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        let lz4 = *self
            .lz4
            .get_or_try_init(|| store::lz4_available(&self.pool))
            .await?;
        store::begin_write(&self.pool, commit, lz4).await
    }
}
