//! [`StripeSync`]: the facade over everything else.

use std::sync::Arc;

use chrono::Utc;
use serde_json::Value;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;

use crate::backfill::{self, BackfillPlan, BackfillReport, BackfillRequest};
use crate::client::StripeClient;
use crate::config::{Config, Database};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::events::{self, EventResult, EventsReport, Prepared, PreparedEvent};
use crate::managed_webhooks::{self, ManagedWebhook};
use crate::store;
use crate::webhook::{self, WebhookError, WebhookOutcome};
use crate::worker;

/// What [`StripeSync::sync_single`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SingleResult {
    /// The object string.
    pub object: String,
    /// The table written.
    pub table: String,
    /// Whether a row was written (false: unchanged).
    pub written: bool,
    /// Whether the object is deleted upstream (and was soft-deleted here).
    pub deleted: bool,
}

/// Mirrors a Stripe account into PostgreSQL.
///
/// Cheap to clone: clones share the pool, the HTTP client and its rate limit.
///
/// ```
/// use stripe_sync::{BackfillRequest, Config, StripeSync};
///
/// # #[tokio::main]
/// # async fn main() -> anyhow::Result<()> {
/// # // This example runs (in `cargo test`) against a fresh database and the
/// # // Stripe simulator seeded with a small account.
/// # let db = stripe_sync_embedded_pg::testing::TestDb::new().await?;
/// # let fixtures = stripe_sync_embedded_pg::testing::spec_dir().join(stripe_sync_generated::API_VERSION).join("fixtures3.json");
/// # let sim = stripe_sync_simulator::start(
/// #     stripe_sync_simulator::SimConfig::small_account(fixtures),
/// #     "127.0.0.1:0".parse()?,
/// # )
/// # .await?;
/// # let database_url = db.url.clone();
/// let mut config = Config::new(database_url, "sk_test_...");
/// # config.stripe_api_base = sim.base_url();
/// # config.max_requests_per_second = Some(1000);
/// config.stripe_webhook_secret = Some("whsec_...".into());
/// let sync = StripeSync::new(config).await?;
/// sync.migrate().await?;
///
/// // Mirror everything once, then keep up with events.
/// let report = sync.backfill(BackfillRequest::all()).await?;
/// println!("{} objects written, success: {}", report.written, report.succeeded);
/// # assert!(report.succeeded && report.written > 500, "{report:?}");
/// sync.sync_events().await?;
///
/// // In a webhook handler: the raw body and the Stripe-Signature header.
/// # let mut customer = sim.objects("customer").remove(0);
/// # customer["name"] = "Renamed by a webhook".into();
/// # let now = chrono::Utc::now().timestamp();
/// # let body = serde_json::to_vec(&serde_json::json!({
/// #     "id": "evt_doc_example", "object": "event", "type": "customer.updated",
/// #     "created": now, "api_version": "2023-08-16", "data": {"object": customer},
/// # }))?;
/// # let signature = format!("t={now},v1={}", stripe_sync::webhook::sign(&body, now, "whsec_..."));
/// let outcome = sync.process_webhook(&body, &signature).await?;
/// println!("{:?}", outcome.event.outcome);
/// # assert_eq!(outcome.event.outcome, stripe_sync::EventOutcome::Applied);
/// sync.close().await;
/// # sim.shutdown().await;
/// # db.drop_db().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct StripeSync {
    inner: Arc<Context>,
}

impl std::fmt::Debug for StripeSync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeSync")
            .field("config", &self.inner.config)
            .finish()
    }
}

impl StripeSync {
    /// Connects to the database (or adopts the given pool) and builds the
    /// Stripe client. Makes no API call.
    pub async fn new(config: Config) -> Result<Self> {
        if config.stripe_secret_key.trim().is_empty() {
            return Err(Error::Config("stripe_secret_key is empty".into()));
        }
        if !(config.stripe_api_base.starts_with("https://")
            || config.stripe_api_base.starts_with("http://"))
        {
            return Err(Error::Config(
                "stripe_api_base must be an http(s) URL".into(),
            ));
        }
        // Before any connection: an unknown pin is a configuration error.
        config.pinned_api_version().map_err(Error::Config)?;
        let pool = match &config.database {
            Database::Pool(p) => p.clone(),
            Database::Url {
                url,
                max_connections,
            } => PgPoolOptions::new()
                .max_connections((*max_connections).max(2))
                // While the database is down, fail within seconds (webhooks
                // answer 503 and Stripe retries) rather than hang for 30 s.
                .acquire_timeout(std::time::Duration::from_secs(5))
                .connect(url)
                .await
                .map_err(|e| match e {
                    // Connection errors can carry the URL; keep it out.
                    sqlx::Error::Configuration(_) => Error::Config("invalid database URL".into()),
                    other => Error::Database(other),
                })?,
        };
        let client = StripeClient::new(&config)?;
        Ok(StripeSync {
            inner: Arc::new(Context::new(pool, client, config)),
        })
    }

    /// Applies the migrations (bookkeeping tables, then the generated schema).
    /// Safe to run concurrently: migrations take an advisory lock.
    pub async fn migrate(&self) -> Result<()> {
        crate::migrate::migrate_schema(&self.inner.pool, &self.inner.config.schema).await
    }

    /// The database pool.
    pub fn pool(&self) -> &PgPool {
        &self.inner.pool
    }

    /// Records this key's account (and each of `other_keys`') in the work
    /// queue and, with `connected`, every connected account each lists at
    /// `/v1/accounts`, and queues a backfill (`request`) of each account
    /// not revoked. An account already queued is not queued twice. Run
    /// [`Self::run_worker`] in any number of processes to do the work.
    pub async fn enqueue_backfill(
        &self,
        request: &BackfillRequest,
        connected: bool,
        other_keys: &[String],
    ) -> Result<worker::EnqueueReport> {
        worker::enqueue_backfill(&self.inner, other_keys, request, connected).await
    }

    /// Queues a catch-up from `/v1/events` for every active account the
    /// queue knows of this key (and `other_keys`). Returns how many were
    /// queued.
    pub async fn enqueue_events(&self, other_keys: &[String]) -> Result<u64> {
        worker::enqueue_events(&self.inner, other_keys).await
    }

    /// Works the queue shared through the database: claims an account at a
    /// time per slot (its lease), runs its jobs, until the queue is empty
    /// (or forever with [`worker::WorkerOptions::follow`]). Any number of
    /// processes may run this against the same database.
    pub async fn run_worker(&self, options: worker::WorkerOptions) -> Result<worker::WorkerReport> {
        worker::run(self.inner.clone(), options).await
    }

    /// The Stripe client (shares the rate limit with everything else).
    pub fn client(&self) -> &StripeClient {
        &self.inner.client
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The account objects are attributed to when an event names none.
    pub async fn account_id(&self) -> Result<String> {
        self.inner.account_id().await
    }

    /// Verifies a webhook's `Stripe-Signature` against the raw body before
    /// reading it, then processes the event. On a signature failure nothing
    /// is written. A duplicate delivery is a no-op.
    ///
    /// What an unsigned request can cost is bounded as on `serve`: a body over
    /// [`Config::max_webhook_body_bytes`] and a header over
    /// [`webhook::MAX_SIGNATURE_HEADER_BYTES`] or with more than
    /// [`webhook::MAX_V1_SIGNATURES`] signatures are refused before any
    /// hashing or database query, and the body is hashed once per secret.
    pub async fn process_webhook(&self, body: &[u8], signature: &str) -> Result<WebhookOutcome> {
        let event = match self.prepare_webhook(body, signature).await? {
            Prepared::Done(event) => event,
            Prepared::Write(ev) => {
                let event = events::write_one(&self.inner, &ev).await?;
                self.after_commit(&ev, &event);
                event
            }
        };
        Ok(WebhookOutcome { event })
    }

    /// The first half of [`Self::process_webhook`]: verifies the signature,
    /// reads the event, checks the ledger and plans the write (API calls
    /// included). The write is left to [`Self::write_webhooks`], so that a
    /// server can commit many webhooks together.
    pub(crate) async fn prepare_webhook(&self, body: &[u8], signature: &str) -> Result<Prepared> {
        let inner = &self.inner;
        let limit = inner.config.max_webhook_body_bytes;
        if body.len() > limit {
            return Err(WebhookError::PayloadTooLarge {
                bytes: body.len(),
                limit,
            }
            .into());
        }
        // The header's own limits and shape first: a header that can never
        // verify costs no secret lookup (a query with managed webhooks).
        let header = webhook::parse_signature_header(signature)?;
        // Each secret with the account whose own endpoint it signs for,
        // when known (managed webhooks of several keys' accounts).
        let (secrets, accounts): (Vec<String>, Vec<Option<String>>) =
            match &inner.config.stripe_webhook_secret {
                // Several, comma-separated: the platform's and the Connect endpoint's.
                Some(s) => s
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| (s.to_string(), None))
                    .unzip(),
                None => managed_webhooks::secrets(inner).await?.into_iter().unzip(),
            };
        let signed_by = webhook::verify_which(
            body,
            &header,
            &secrets,
            inner.config.webhook_tolerance,
            Utc::now().timestamp(),
        )?;
        let text = match std::str::from_utf8(body) {
            Ok(t) => t,
            Err(_) => return Err(self.reject(body, "body is not UTF-8").await),
        };
        let endpoint_account = accounts.get(signed_by).cloned().flatten();
        // Made storable once, before anything reads it (see `storable`).
        let text = crate::storable::storable_json(text).into_owned();
        match events::prepare_event(inner, text, "webhook", endpoint_account).await {
            Ok(p) => Ok(p),
            Err(Error::InvalidPayload(why)) => Err(self.reject(body, &why).await),
            Err(e) => Err(e),
        }
    }

    /// The second half of [`Self::process_webhook`] for many events: writes
    /// them with one commit (see [`events::write_events`]); one result per
    /// event, in order.
    #[cfg(feature = "server")]
    pub(crate) async fn write_webhooks(
        &self,
        events: &[PreparedEvent],
    ) -> Vec<Result<EventResult>> {
        let results = events::write_events(&self.inner, events).await;
        for (ev, result) in events.iter().zip(&results) {
            if let Ok(event) = result {
                self.after_commit(ev, event);
            }
        }
        results
    }

    /// Starts the work a committed webhook left (the rest of a truncated
    /// summary list) in the background: the webhook's answer never waits for
    /// the API.
    fn after_commit(&self, ev: &PreparedEvent, result: &EventResult) {
        if result.outcome == events::EventOutcome::Duplicate {
            return;
        }
        if result.outcome == events::EventOutcome::Unattributed {
            self.attribute_events_in_background();
            return;
        }
        // Listed with this key's client only for its own account: a
        // connected account's are listed by its events job (`worker`),
        // which acts as that account.
        if let Some(r) = events::follow_up(ev) {
            let inner = self.inner.clone();
            tokio::spawn(async move {
                if events::acts_as(&inner, r.account()).await {
                    events::complete_summary(&inner, r).await
                }
            });
        }
        if let Some((account, lists)) = events::truncated_lists(ev) {
            let inner = self.inner.clone();
            tokio::spawn(async move {
                if events::acts_as(&inner, &account).await {
                    events::complete_truncated(&inner, &account, &lists).await
                }
            });
        }
        if let Some((account, object)) = events::tied_object(ev) {
            let inner = self.inner.clone();
            tokio::spawn(async move {
                if events::acts_as(&inner, &account).await {
                    events::complete_refetch(&inner, &account, object).await
                }
            });
        }
        if let Some((account, event_id)) = events::revoked_account(ev) {
            let inner = self.inner.clone();
            let (account, event_id) = (account.to_string(), event_id.to_string());
            tokio::spawn(
                async move { worker::revoked_by_event(&inner, &account, &event_id).await },
            );
        }
    }

    /// Applies, in a background task, the webhooks recorded while this
    /// key's account was unknown ([`events::EventOutcome::Unattributed`]):
    /// it resolves the account (`GET /v1/account`, tried again with a
    /// backoff up to a minute while the API is unreachable), then applies
    /// them oldest first, until none is left. At most one such task runs;
    /// with none recorded it makes no request. `serve` starts it at startup
    /// for events a previous process left.
    pub fn attribute_events_in_background(&self) {
        use std::sync::atomic::Ordering;
        if self.inner.attributing.swap(true, Ordering::AcqRel) {
            return;
        }
        let inner = self.inner.clone();
        tokio::spawn(async move {
            let schema = &inner.config.schema;
            let mut delay = std::time::Duration::from_secs(1);
            loop {
                match events::attribute_unattributed(&inner).await {
                    Ok(0) => {
                        inner.attributing.store(false, Ordering::Release);
                        // One recorded after the last look, while this task
                        // still held the flag, would otherwise wait.
                        let left: std::result::Result<bool, sqlx::Error> = sqlx::query_scalar(
                            &schema.sql("SELECT EXISTS (SELECT 1 FROM stripe_sync.events WHERE outcome = 'unattributed')"),
                        )
                        .fetch_one(&inner.pool)
                        .await;
                        if !matches!(left, Ok(true))
                            || inner.attributing.swap(true, Ordering::AcqRel)
                        {
                            return;
                        }
                    }
                    Ok(_) => delay = std::time::Duration::from_secs(1),
                    Err(e) => {
                        tracing::warn!(error = %e, retry_in = ?delay, "the account is still unknown; unattributed webhooks wait");
                        tokio::time::sleep(delay).await;
                        delay = (delay * 2).min(std::time::Duration::from_secs(60));
                    }
                }
            }
        });
    }

    async fn reject(&self, body: &[u8], why: &str) -> Error {
        let schema = &self.inner.config.schema;
        tracing::warn!(reason = %why, "signed webhook payload rejected");
        // PostgreSQL text holds no NUL: keep the rest, with NUL shown as U+FFFD
        // (JSON text holds none; its escapes are made storable). One row per
        // body, counted (`stripe_sync.reject_webhook`, as process_webhook).
        let text = |s: &str| s.replace('\0', "\u{FFFD}");
        let shown = match std::str::from_utf8(body) {
            Ok(t) => text(&crate::storable::storable_json(t)),
            Err(_) => text(&String::from_utf8_lossy(body)),
        };
        let r = sqlx::query(&schema.sql("SELECT stripe_sync.reject_webhook($1, $2, $3)"))
            .bind(body)
            .bind(text(why))
            .bind(shown)
            .execute(&self.inner.pool)
            .await;
        if let Err(e) = r {
            tracing::error!(error = %e, "could not record the rejected webhook");
        }
        Error::Webhook(WebhookError::InvalidPayload(why.to_string()))
    }

    /// Writes everything in `stripe_sync.quarantine` again (see
    /// [`crate::quarantine`]): what succeeds is marked resolved.
    pub async fn retry_quarantined(&self) -> Result<crate::redrive::RetryReport> {
        crate::redrive::retry(&self.inner).await
    }

    /// Processes one event (already trusted, e.g. fetched from the API)
    /// through the same path as webhooks.
    pub async fn process_event(&self, event: &Value) -> Result<EventResult> {
        let text =
            serde_json::to_string(event).map_err(|e| Error::InvalidPayload(e.to_string()))?;
        let text = crate::storable::storable_json(&text);
        events::apply_event(&self.inner, &text, "api").await
    }

    /// Backfills the requested resources; see [`crate::backfill`].
    pub async fn backfill(&self, request: BackfillRequest) -> Result<BackfillReport> {
        backfill::backfill(&self.inner, request, store::Interrupt::new()).await
    }

    /// [`Self::backfill`], stopped by `interrupt` (e.g. from a signal
    /// handler): the run makes no new request, writes the pages it has
    /// fetched, records itself [`store::RunStatus::Interrupted`] with exact
    /// counts (in `_sync_runs` and per object type in `_sync_run_objects`)
    /// and returns its report with that status. The same backfill run again
    /// resumes from the cursors.
    pub async fn backfill_with_interrupt(
        &self,
        request: BackfillRequest,
        interrupt: &store::Interrupt,
    ) -> Result<BackfillReport> {
        backfill::backfill(&self.inner, request, interrupt.clone()).await
    }

    /// Compares the mirror with Stripe for the account this engine acts as
    /// (and, with `connected_accounts`, every connected account the
    /// platform lists), and with `request.repair` writes Stripe's state
    /// over what differs; one report per account. See [`crate::verify`].
    pub async fn verify(
        &self,
        request: crate::verify::VerifyRequest,
        connected_accounts: bool,
    ) -> Result<Vec<crate::verify::VerifyReport>> {
        let mut reports = vec![crate::verify::verify(&self.inner, request.clone()).await?];
        if connected_accounts {
            for ctx in crate::worker::connected_contexts(&self.inner).await? {
                reports.push(crate::verify::verify(&Arc::new(ctx), request.clone()).await?);
            }
        }
        Ok(reports)
    }

    /// How a backfill of `request` would list each resource and what it
    /// would cost, without making a list request; see [`crate::backfill`].
    pub async fn backfill_plan(&self, request: &BackfillRequest) -> Result<BackfillPlan> {
        backfill::plan(&self.inner, request).await
    }

    /// Catches up from `/v1/events`; see [`crate::events`].
    pub async fn sync_events(&self) -> Result<EventsReport> {
        // Webhooks recorded before the account was known come first.
        events::attribute_unattributed(&self.inner).await?;
        events::sync_events(&self.inner).await
    }

    /// Starts the account's events catch-up from now (less a margin) when
    /// it has none, so that `sync --events-only` works before any backfill:
    /// what `supabase install` does once webhooks point at its function.
    pub async fn start_catch_up_now(&self) -> Result<()> {
        let schema = &self.inner.config.schema;
        let account = self.inner.account_id().await?;
        events::anchor_now(schema, &self.inner.pool, &account).await
    }

    /// Makes `stripe_sync.process_webhook` accept `secret` (an existing
    /// endpoint's `whsec_…`) for this account's webhooks.
    pub async fn add_webhook_secret(&self, secret: &str) -> Result<()> {
        let schema = &self.inner.config.schema;
        let account = self.inner.account_id().await?;
        sqlx::query(&schema.sql("SELECT stripe_sync.add_webhook_secret($1, $2)"))
            .bind(secret)
            .bind(&account)
            .execute(&self.inner.pool)
            .await?;
        Ok(())
    }

    /// Finds the enabled managed webhook endpoint for `url`, or creates it.
    pub async fn find_or_create_managed_webhook(&self, url: &str) -> Result<ManagedWebhook> {
        managed_webhooks::find_or_create(&self.inner, url, false).await
    }

    /// Finds or creates the platform's Connect endpoint for `url`
    /// (`connect=true`: it receives the connected accounts' events, each
    /// naming its account, applied to that account's rows). It has its own
    /// secret; the server verifies with every stored one, so one `serve`
    /// takes both endpoints.
    pub async fn find_or_create_connect_webhook(&self, url: &str) -> Result<ManagedWebhook> {
        managed_webhooks::find_or_create(&self.inner, url, true).await
    }

    /// The managed webhook endpoints stored for the account.
    pub async fn list_managed_webhooks(&self) -> Result<Vec<ManagedWebhook>> {
        managed_webhooks::list(&self.inner).await
    }

    /// Deletes a managed webhook endpoint on Stripe and locally.
    pub async fn delete_managed_webhook(&self, id: &str) -> Result<()> {
        managed_webhooks::delete(&self.inner, id).await
    }

    /// Fetches one object by id (its type from the id prefix) and writes it
    /// (with its embedded lists), or soft-deletes it when Stripe says it is
    /// deleted.
    pub async fn sync_single(&self, id: &str) -> Result<SingleResult> {
        let inner = &self.inner;
        let res = stripe_sync_generated::resource_for_id(id)
            .ok_or_else(|| Error::Unsupported(format!("no resource for id {id:?}")))?;
        let account = inner.account_id().await?;
        let f = events::fetch_and_write(inner, res, id, &account).await?;
        Ok(SingleResult {
            object: f.resource.object.to_string(),
            table: f.resource.table.to_string(),
            written: f.written,
            deleted: f.deleted,
        })
    }

    /// Closes the database pool (when it was opened from a URL or shared,
    /// every clone's pool is closed).
    pub async fn close(&self) {
        self.inner.pool.close().await;
    }
}

/// Applies the migrations embedded in this crate to `pool`, without an
/// engine (no Stripe key needed), and grants the engine's roles (see
/// [`crate::migrate`]). Safe to run concurrently.
pub async fn migrate(pool: &PgPool) -> Result<()> {
    crate::migrate::migrate(pool).await
}
