//! [`Config`]: everything [`crate::StripeSync`] needs to know.

use std::fmt;
use std::time::Duration;

use sqlx::PgPool;

/// The default of [`Config::max_webhook_body_bytes`]: 1 MiB.
pub const DEFAULT_MAX_WEBHOOK_BODY_BYTES: usize = 1024 * 1024;

/// Where the mirror lives.
#[derive(Clone)]
pub enum Database {
    /// An existing pool (shared with the rest of an application).
    Pool(PgPool),
    /// A connection URL; [`crate::StripeSync::new`] opens a pool of at most
    /// `max_connections` connections.
    Url {
        /// `postgres://…`. Never logged.
        url: String,
        /// The pool size.
        max_connections: u32,
    },
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Database::Pool(_) => f.write_str("Pool(..)"),
            Database::Url {
                max_connections, ..
            } => f
                .debug_struct("Url")
                .field("url", &"<redacted>")
                .field("max_connections", max_connections)
                .finish(),
        }
    }
}

/// The configuration of a [`crate::StripeSync`]. Build it with [`Config::new`]
/// or [`Config::with_pool`] and adjust the public fields; the rest defaults.
///
/// Secrets (`stripe_secret_key`, `stripe_webhook_secret`, the database URL)
/// are redacted from `Debug` output and never logged.
#[derive(Clone)]
pub struct Config {
    /// The database.
    pub database: Database,
    /// The mirror's schema (`stripe` by default); the engine's own objects
    /// live beside it in [`crate::Schema::engine`] (`stripe_sync`).
    pub schema: crate::schema::Schema,
    /// The Stripe secret (or restricted) key, `sk_test_…`/`sk_live_…`.
    pub stripe_secret_key: String,
    /// The webhook signing secret (`whsec_…`), or several comma-separated
    /// (a platform's own endpoint and its Connect endpoint). When `None`,
    /// the secrets of the enabled managed webhooks stored in
    /// `_managed_webhooks` are used.
    pub stripe_webhook_secret: Option<String>,
    /// The API base URL, `https://api.stripe.com` by default.
    pub stripe_api_base: String,
    /// A connected account to act as (sent as the `Stripe-Account` header).
    pub stripe_account: Option<String>,
    /// The key's own account, named instead of asked: no `GET /v1/account`
    /// is made (a restricted key may not read the account).
    pub account_id: Option<String>,
    /// Fetch every item of embedded lists (invoice lines, subscription items,
    /// charge refunds, checkout line items …) whose first page says `has_more`.
    pub auto_expand_lists: bool,
    /// Before writing an object from an event, fetch the objects it references
    /// that are not in the database yet.
    pub backfill_related_entities: bool,
    /// Object types (e.g. `"customer"`) re-fetched from the API instead of
    /// trusting webhook payloads.
    pub revalidate_objects_via_stripe_api: Vec<String>,
    /// How many times a retryable request is retried.
    pub max_retries: u32,
    /// The first retry delay; it doubles with every attempt (with jitter).
    pub initial_retry_delay: Duration,
    /// The longest retry delay.
    pub max_retry_delay: Duration,
    /// The request rate limit shared by every task; `None` means 25/s for
    /// test-mode keys and 100/s for live keys.
    pub max_requests_per_second: Option<u32>,
    /// The request rate limit of each endpoint (a method and a path template,
    /// such as `GET /v1/customers/{customer}/tax_ids`), on top of the shared
    /// one. `None` means Stripe's: 25/s, 20/s for the Files API; when
    /// `max_requests_per_second` raises the shared limit above Stripe's live
    /// 100/s, a quarter of it (the share Stripe's defaults give an endpoint).
    pub endpoint_requests_per_second: Option<u32>,
    /// How old a webhook's signature timestamp may be.
    pub webhook_tolerance: Duration,
    /// The largest webhook body [`crate::StripeSync::process_webhook`]
    /// accepts; a longer one is refused before any hashing. 1 MiB by default
    /// (Stripe's events are far smaller).
    pub max_webhook_body_bytes: usize,
    /// How many list streams (resources, `created` slices, parents) a backfill
    /// fetches concurrently.
    pub backfill_concurrency: usize,
    /// The timeout of one HTTP request.
    pub request_timeout: Duration,
    /// The Stripe API version pinned: sent as `Stripe-Version`, set on
    /// managed webhooks (with that version's event types). One of
    /// [`stripe_sync_generated::API_VERSIONS`]; the newest
    /// ([`stripe_sync_generated::API_VERSION`]) by default.
    pub api_version: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database: Database::Url {
                url: "postgres://localhost/postgres".into(),
                max_connections: 10,
            },
            schema: crate::schema::Schema::default(),
            stripe_secret_key: String::new(),
            stripe_webhook_secret: None,
            stripe_api_base: "https://api.stripe.com".into(),
            stripe_account: None,
            account_id: None,
            auto_expand_lists: false,
            backfill_related_entities: false,
            revalidate_objects_via_stripe_api: Vec::new(),
            max_retries: 5,
            initial_retry_delay: Duration::from_secs(1),
            max_retry_delay: Duration::from_secs(60),
            max_requests_per_second: None,
            endpoint_requests_per_second: None,
            webhook_tolerance: Duration::from_secs(300),
            max_webhook_body_bytes: DEFAULT_MAX_WEBHOOK_BODY_BYTES,
            backfill_concurrency: 6,
            request_timeout: Duration::from_secs(80),
            api_version: stripe_sync_generated::API_VERSION.to_string(),
        }
    }
}

impl Config {
    /// A configuration for the database at `database_url` (pool of 10) and
    /// the given secret key; everything else at its default.
    pub fn new(database_url: impl Into<String>, stripe_secret_key: impl Into<String>) -> Self {
        Config {
            database: Database::Url {
                url: database_url.into(),
                max_connections: 10,
            },
            stripe_secret_key: stripe_secret_key.into(),
            ..Config::default()
        }
    }

    /// A configuration using an existing pool.
    pub fn with_pool(pool: PgPool, stripe_secret_key: impl Into<String>) -> Self {
        Config {
            database: Database::Pool(pool),
            stripe_secret_key: stripe_secret_key.into(),
            ..Config::default()
        }
    }

    /// Whether the key is a test-mode key.
    pub fn is_test_mode(&self) -> bool {
        let k = &self.stripe_secret_key;
        k.starts_with("sk_test_") || k.starts_with("rk_test_")
    }

    /// The pinned API version as the build knows it, or the error naming the
    /// versions this build supports.
    pub fn pinned_api_version(&self) -> Result<&'static str, String> {
        supported_api_version(&self.api_version)
    }

    /// The effective request rate limit: the configured one, else 25/s for
    /// test-mode keys and 100/s for live keys.
    pub fn requests_per_second(&self) -> u32 {
        match self.max_requests_per_second {
            Some(n) => n.max(1),
            None if self.is_test_mode() => 25,
            None => 100,
        }
    }
}

/// `version` as one of [`stripe_sync_generated::API_VERSIONS`], or an error
/// naming them: the migrations, the registry and the event types were
/// generated from exactly these versions.
pub fn supported_api_version(version: &str) -> Result<&'static str, String> {
    let versions = stripe_sync_generated::API_VERSIONS;
    versions
        .iter()
        .copied()
        .find(|v| *v == version)
        .ok_or_else(|| {
            format!(
                "unknown Stripe API version {version:?}: this build supports {} \
             (pin one of them with --api-version / STRIPE_API_VERSION)",
                versions.join(", ")
            )
        })
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database", &self.database)
            .field("schema", &self.schema)
            .field("stripe_secret_key", &"<redacted>")
            .field(
                "stripe_webhook_secret",
                &self.stripe_webhook_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("stripe_api_base", &self.stripe_api_base)
            .field("stripe_account", &self.stripe_account)
            .field("auto_expand_lists", &self.auto_expand_lists)
            .field("backfill_related_entities", &self.backfill_related_entities)
            .field(
                "revalidate_objects_via_stripe_api",
                &self.revalidate_objects_via_stripe_api,
            )
            .field("max_retries", &self.max_retries)
            .field("initial_retry_delay", &self.initial_retry_delay)
            .field("max_retry_delay", &self.max_retry_delay)
            .field("max_requests_per_second", &self.max_requests_per_second)
            .field(
                "endpoint_requests_per_second",
                &self.endpoint_requests_per_second,
            )
            .field("webhook_tolerance", &self.webhook_tolerance)
            .field("max_webhook_body_bytes", &self.max_webhook_body_bytes)
            .field("backfill_concurrency", &self.backfill_concurrency)
            .field("request_timeout", &self.request_timeout)
            .field("api_version", &self.api_version)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_defaults_by_key_mode() {
        let mut c = Config::new("postgres://x", "sk_test_abc");
        assert_eq!(c.requests_per_second(), 25);
        c.stripe_secret_key = "sk_live_abc".into();
        assert_eq!(c.requests_per_second(), 100);
        c.max_requests_per_second = Some(7);
        assert_eq!(c.requests_per_second(), 7);
    }

    #[test]
    fn api_version_defaults_to_the_newest_and_refuses_unknown_ones() {
        let mut c = Config::new("postgres://x", "sk_test_abc");
        assert_eq!(
            c.pinned_api_version(),
            Ok(stripe_sync_generated::API_VERSION)
        );
        c.api_version = "2023-08-16".into();
        assert_eq!(c.pinned_api_version(), Ok("2023-08-16"));
        c.api_version = "2019-01-01".into();
        let e = c.pinned_api_version().unwrap_err();
        assert!(e.contains("\"2019-01-01\""), "{e}");
        for v in stripe_sync_generated::API_VERSIONS {
            assert!(e.contains(v), "{e} names {v}");
        }
    }

    #[test]
    fn debug_redacts_secrets() {
        let mut c = Config::new("postgres://user:pw@host/db", "sk_test_secret");
        c.stripe_webhook_secret = Some("whsec_secret".into());
        let s = format!("{c:?}");
        assert!(!s.contains("sk_test_secret") && !s.contains("whsec_secret") && !s.contains("pw@"));
    }
}
