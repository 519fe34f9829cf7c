//! [`Context`]: what every operation of a [`crate::StripeSync`] shares (the
//! configuration, the pool, the Stripe client, the account), passed down to
//! the modules that do the work.
//!
//! It sits below them: `backfill`, `events` and `managed_webhooks` take a
//! `&Context`, and the facade (`sync`) builds one and owns it, so no module
//! reaches up into the facade for its state.

use std::sync::atomic::AtomicBool;

use serde_json::Value;
use sha2::{Digest, Sha256};
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
    /// Whether a task applying the events recorded before the account was
    /// known is running (at most one is).
    pub(crate) attributing: AtomicBool,
}

/// A name for an API key that does not reveal it: `sha256:` and the first
/// 16 hex digits of the key's SHA-256. It keys `_accounts`.
pub(crate) fn key_id(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    format!("sha256:{}", &hex::encode(digest)[..16])
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
            attributing: AtomicBool::new(false),
        }
    }

    /// The account objects are attributed to: `stripe_account` when set, else
    /// the key's own account, resolved once and kept in `_accounts` (read
    /// from there when stored, else `GET /v1/account`, then stored).
    pub(crate) async fn account_id(&self) -> Result<String> {
        if let Some(a) = &self.config.stripe_account {
            return Ok(a.clone());
        }
        self.account
            .get_or_try_init(|| async {
                // Named: kept for webhooks, never asked.
                if let Some(id) = &self.config.account_id {
                    if self.stored_account().await?.as_deref() != Some(id) {
                        self.store_account(id, None).await;
                    }
                    return Ok(id.clone());
                }
                if let Some(id) = self.stored_account().await? {
                    return Ok(id);
                }
                let v = self
                    .client
                    .get_json("/v1/account", &[])
                    .await
                    .map_err(account_unreadable)?;
                let created = v.get("created").and_then(Value::as_i64);
                let _ = self.account_created.set(created);
                let id = v
                    .get("id")
                    .and_then(Value::as_str)
                    .map(String::from)
                    .ok_or_else(|| {
                        Error::InvalidPayload("GET /v1/account returned no id".into())
                    })?;
                self.store_account(&id, created).await;
                Ok(id)
            })
            .await
            .cloned()
    }

    /// The account without asking the API: `stripe_account`, or the key's
    /// account as resolved earlier by this process or stored by any;
    /// `None` when it was never resolved. Webhooks use this: they never
    /// wait on Stripe's API.
    pub(crate) async fn known_account_id(&self) -> Result<Option<String>> {
        if let Some(a) = self
            .config
            .stripe_account
            .as_ref()
            .or(self.config.account_id.as_ref())
        {
            return Ok(Some(a.clone()));
        }
        if let Some(a) = self.account.get() {
            return Ok(Some(a.clone()));
        }
        let stored = self.stored_account().await?;
        if let Some(a) = &stored {
            // Initialising concurrently is fine: both hold the same id.
            let _ = self.account.set(a.clone());
        }
        Ok(stored)
    }

    /// The key's account as stored in `_accounts` (and its `created`, kept
    /// for estimates). A database without the table yet (not migrated)
    /// has none.
    async fn stored_account(&self) -> Result<Option<String>> {
        let schema = &self.config.schema;
        let row: std::result::Result<Option<(String, Option<i64>)>, sqlx::Error> = sqlx::query_as(
            &schema.sql("SELECT account_id, created FROM stripe_sync.accounts WHERE key_id = $1"),
        )
        .bind(key_id(&self.config.stripe_secret_key))
        .fetch_optional(&self.pool)
        .await;
        match row {
            Ok(Some((id, created))) => {
                if created.is_some() {
                    let _ = self.account_created.set(created);
                }
                Ok(Some(id))
            }
            Ok(None) => Ok(None),
            Err(sqlx::Error::Database(d)) if d.code().as_deref() == Some("42P01") => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Keeps the key's account in `_accounts`. A failure only costs a
    /// later `GET /v1/account`, so it is logged, not returned.
    async fn store_account(&self, id: &str, created: Option<i64>) {
        let schema = &self.config.schema;
        let r = sqlx::query(&schema.sql(
            "INSERT INTO stripe_sync.accounts (key_id, account_id, created) VALUES ($1, $2, $3)
             ON CONFLICT (key_id) DO UPDATE SET account_id = EXCLUDED.account_id,
               created = EXCLUDED.created, resolved_at = now()",
        ))
        .bind(key_id(&self.config.stripe_secret_key))
        .bind(id)
        .bind(created)
        .execute(&self.pool)
        .await;
        if let Err(e) = r {
            tracing::warn!(error = %e, "could not store the account id (has `stripe-sync migrate` run?)");
        }
    }

    /// The account's `created`, asked once (`None` when the API does not
    /// say or the request fails: it only feeds estimates).
    pub(crate) async fn account_created(&self) -> Option<i64> {
        *self
            .account_created
            .get_or_init(|| async {
                // A named account is not asked for (its key may not read it).
                if self.config.account_id.is_some() {
                    return None;
                }
                // A connected account: the platform's `/v1/accounts` list
                // gave its `created` already, in the platform's rows.
                if let Some(created) = self.listed_account_created().await {
                    return Some(created);
                }
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

    /// The `created` of the connected account this context acts as, from
    /// the `accounts` row its platform's `/v1/accounts` list wrote (`None`:
    /// not acting as one, or no such row).
    async fn listed_account_created(&self) -> Option<i64> {
        let account = self.config.stripe_account.as_ref()?;
        let table = stripe_sync_generated::resource("account")
            .map(|r| store::table_ident(&self.config.schema, r))?;
        let sql = format!(
            "SELECT extract(epoch FROM created)::bigint FROM {table}
              WHERE id = $1 AND created IS NOT NULL LIMIT 1"
        );
        match sqlx::query_scalar(&sql)
            .bind(account)
            .fetch_optional(&self.pool)
            .await
        {
            Ok(created) => created,
            Err(e) => {
                tracing::debug!(error = %e, "connected account's created time not read from the mirror");
                None
            }
        }
    }

    /// Begins a transaction that writes objects (see [`store::begin_write`]).
    pub(crate) async fn begin_write(
        &self,
        commit: store::Commit,
        source: store::ChangeSource,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        let schema = &self.config.schema;
        let lz4 = *self
            .lz4
            .get_or_try_init(|| store::lz4_available(&self.pool))
            .await?;
        store::begin_write(schema, &self.pool, commit, lz4, source).await
    }
}

/// `GET /v1/account` refused (403: a restricted key without the account's
/// read permission) or unknown (404: an API without it) names the fix.
fn account_unreadable(e: crate::client::ClientError) -> Error {
    match e.status() {
        Some(403) | Some(404) => Error::Config(format!(
            "{e}; the key's account could not be read: set STRIPE_ACCOUNT_ID (or --account-id) to the key's account id (acct_…, shown in the Dashboard's settings), and no command asks for it"
        )),
        _ => e.into(),
    }
}
