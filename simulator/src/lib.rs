//! A stateful fake of the Stripe API for tests, benchmarks and the demo.
//!
//! The simulator is driven by the generated registry ([`stripe_sync_generated::RESOURCES`]):
//! every resource the registry lists can be listed (with Stripe's paging,
//! `created` filters and required parameters), retrieved, created, updated
//! and deleted. Objects are built from Stripe's `fixtures3.json` templates.
//! Writes record events (`/v1/events`) and deliver them, signed, to the
//! registered webhook endpoints. Faults (429, 500, latency) and rate limiting
//! can be injected.
//!
//! Start it in-process with [`start`], or standalone with [`run`]
//! (`stripe-sync simulate`, or this crate's `stripe-sync-simulator` binary).
//!
//! # Behaviour
//!
//! - Seeding: [`SimConfig::small_account`] for the demo,
//!   [`SimConfig::billing_account`] for a real account's shape at any size
//!   (sparse per-customer children concentrated on few customers).
//! - Lists: `limit` (1..=100, default 10), `starting_after`, `ending_before`,
//!   `created`/`created[gt|gte|lt|lte]` where the registry says the endpoint
//!   supports it, newest first (`created` desc, then creation order).
//!   Required parameters (`subscription` for `/v1/subscription_items`, path
//!   parents like `/v1/invoices/{invoice}/lines`) are enforced; an unknown
//!   parent is a 404. Paths several resources share
//!   (`/v1/customers/{customer}/sources`, `/v1/accounts/{account}/external_accounts`)
//!   list all of them merged in list order, or one with `object=`.
//! - Objects: `GET` by id on the retrieve path or `<list path>/{id}`; deleted
//!   objects answer `{"id", "object", "deleted": true}`. `GET /v1/account`.
//! - `expand[]` of embedded lists, as Stripe's: `expand[]=tax_ids` on a
//!   retrieve, `expand[]=data.tax_ids` on a list, embed the first 10 live
//!   children with `has_more`, `total_count` and the list's `url`
//!   (`customer.subscriptions`: the current ones only, not canceled).
//!   Lists Stripe sends only on request stay absent without it. A path
//!   deeper than 4 levels (`data` counts) is a 400; unknown fields are
//!   ignored.
//! - Writes: form-encoded (or JSON) `POST` to a list path creates, to an
//!   object path updates (properties the object has, and `metadata`),
//!   `DELETE` deletes (when the object has a delete event or no events at
//!   all). A create checks what Stripe's spec says through the registry:
//!   its parent, references to objects that exist, its required parameters,
//!   and a caller-given `id` where the spec takes one (coupons, plans,
//!   products). What the spec cannot say is in `rules`: a few more required
//!   parameters, and object-specific behaviour (subscriptions with
//!   `items[n][price]` create subscription items; invoices start as drafts;
//!   payment intents get a client secret). Each write records an event
//!   (`…created`, `…updated` with `previous_attributes`, `…deleted`) listed
//!   at `/v1/events` (`type`, `types[]`, `customer.*`).
//! - Webhooks: `POST /v1/webhook_endpoints` (`url`, `enabled_events[]`,
//!   optional `api_version`, `connect=true` for connected accounts' events)
//!   returns a `whsec_` secret once; events go to matching enabled endpoints.
//! - Errors: Stripe's `{"error": {"type", "code", "message", "param"}}`.
//!
//! # Control API (no auth, no faults)
//!
//! - `GET /_simulator/objects/{object}[?account=acct_…]`: every object, deleted
//!   ones with `"deleted": true` (the oracle tests compare against).
//! - `GET|POST /_simulator/faults`: `{"rate_429": 0.1, "rate_500": 0.05, "latency": 20}` (ms);
//!   armed on events with `"path"`, `"start_after_requests"`, `"stop_after_requests"`
//!   and `"stop_after"` (ms). Setting faults restarts their window and releases hung requests.
//! - `GET /_simulator/stats`: `{"requests": n, "faulted": n, "injected": n, "deliveries_in_flight": n,
//!   "stripe_versions": {"<Stripe-Version header>": n},
//!   "requests_by_endpoint": {"GET /v1/customers/{customer}/tax_ids": n},
//!   "list_requests": n}` (list requests: `GET`s answered with a list).
//! - `GET /_simulator/deliveries`: webhook delivery attempts.
//! - `GET /_simulator/webhook_secrets/{we_id}`: an endpoint's secret.

pub mod cli;
pub mod error;
pub mod faults;
pub mod form;
pub mod routes;
pub mod rules;
pub mod seed;
pub mod store;
pub mod webhooks;
pub mod writes;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::Value;

pub use cli::{run, SimulateArgs};
pub use faults::{FaultStats, Faults};
pub use webhooks::{Delivery, WebhookRetry};

/// The default `created` of the newest seeded object (2025-11-01T00:00:00Z):
/// fixed so a seed number always gives the same account.
pub const DEFAULT_EPOCH: i64 = 1_761_955_200;

/// What the simulator holds and how it behaves.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Seed of the random generator: the same seed gives the same objects.
    pub seed: u64,
    /// How many objects to seed, by object string (e.g. `"customer"`).
    pub counts: BTreeMap<String, usize>,
    /// Stripe's `fixtures3.json`, whose objects are the templates.
    pub fixtures_path: PathBuf,
    /// The platform account id (`GET /v1/account`).
    pub account_id: String,
    /// Connected accounts, reachable with the `Stripe-Account` header; each is
    /// seeded with the same counts.
    pub connected_accounts: Vec<String>,
    /// Injected faults.
    pub faults: Faults,
    /// Requests allowed per second before answering 429 (`None`: unlimited).
    pub rate_limit_per_sec: Option<u32>,
    /// Requests allowed per second to one path template
    /// (`/v1/customers/{customer}/tax_ids`, whatever the ids) before
    /// answering 429 `endpoint-rate`, as Stripe's 25/s per endpoint (`None`:
    /// unlimited); the Files API gets four fifths of it.
    pub endpoint_rate_limit_per_sec: Option<u32>,
    /// The accepted API key; `None` accepts any non-empty key.
    pub api_key: Option<String>,
    /// Seeded objects are created over the two years before this unix time.
    pub epoch: i64,
    /// Webhook delivery retries.
    pub webhook_retry: WebhookRetry,
    /// The API version the simulator speaks: events it records and sends
    /// carry it (unless an endpoint names its own). Objects are shaped by
    /// `fixtures_path`, which should be this version's fixtures. (Responses'
    /// `Stripe-Version` header still names the newest version.)
    pub api_version: String,
    /// Child types concentrated on a fraction of their parents, by object
    /// string (`"tax_id"` → `0.02`): like a real account's, most customers
    /// have none and a few have many (see [`seed::spread`]). Deterministic
    /// for a seed. Types not named spread over random parents.
    pub concentration: BTreeMap<String, f64>,
}

impl SimConfig {
    /// An empty account (no seeded objects) with defaults.
    pub fn new(fixtures_path: impl Into<PathBuf>) -> Self {
        SimConfig {
            seed: 1,
            counts: BTreeMap::new(),
            fixtures_path: fixtures_path.into(),
            account_id: "acct_1SimulatorPlatform0".to_string(),
            connected_accounts: Vec::new(),
            faults: Faults::default(),
            rate_limit_per_sec: None,
            endpoint_rate_limit_per_sec: None,
            api_key: None,
            epoch: DEFAULT_EPOCH,
            webhook_retry: WebhookRetry::default(),
            api_version: stripe_sync_generated::API_VERSION.to_string(),
            concentration: BTreeMap::new(),
        }
    }

    /// A realistic small account across the main billing graph: a few
    /// hundred objects, for the demo.
    pub fn small_account(fixtures_path: impl Into<PathBuf>) -> Self {
        let mut c = SimConfig::new(fixtures_path);
        c.counts = seed::small_account_counts();
        c
    }

    /// The shape of a real billing account with `customers` customers
    /// ([`seed::billing_account_counts`]): a dense billing graph, and sparse
    /// per-customer children (tax ids, cards, bank accounts, sources,
    /// balance and cash balance transactions) concentrated on a few
    /// customers ([`seed::billing_account_concentration`]). Sparse types the
    /// fixtures have no template for (2020-08-27 has no cash balance
    /// transactions) are left out.
    pub fn billing_account(fixtures_path: impl Into<PathBuf>, customers: usize) -> Self {
        let mut c = SimConfig::new(fixtures_path);
        c.counts = seed::billing_account_counts(customers);
        c.concentration = seed::billing_account_concentration();
        // Unreadable fixtures: keep every count, `start` says what is wrong.
        if let Ok(templates) = load_fixtures(&c.fixtures_path) {
            for object in c.concentration.keys() {
                if !templates.contains_key(object) {
                    c.counts.remove(object);
                }
            }
        }
        c
    }

    /// Sets the count of one object type (builder style).
    pub fn with_count(mut self, object: &str, n: usize) -> Self {
        self.counts.insert(object.to_string(), n);
        self
    }
}

/// Shared state of a running simulator.
pub(crate) struct State {
    pub config: SimConfig,
    pub templates: HashMap<String, Value>,
    pub accounts: HashMap<String, RwLock<store::AccountStore>>,
    pub faults: faults::FaultControl,
    pub requests: AtomicU64,
    /// API requests by the `Stripe-Version` header they carried (`GET /_simulator/stats`).
    pub stripe_versions: Mutex<BTreeMap<String, u64>>,
    /// API requests by endpoint, `"GET /v1/customers/{customer}/tax_ids"`
    /// (`GET /_simulator/stats`).
    pub requests_by_endpoint: Mutex<BTreeMap<String, u64>>,
    /// `GET`s answered with a list.
    pub list_requests: AtomicU64,
    /// Webhook deliveries still being attempted (not yet succeeded or given up).
    pub deliveries_in_flight: AtomicU64,
    pub secrets: Mutex<HashMap<String, webhooks::EndpointSecret>>,
    pub deliveries: Mutex<Vec<Delivery>>,
    pub http: reqwest::Client,
    pub routes: routes::Routes,
}

impl State {
    pub(crate) fn account(&self, id: &str) -> Option<&RwLock<store::AccountStore>> {
        self.accounts.get(id)
    }
}

/// Reads the templates out of `fixtures3.json`.
pub fn load_fixtures(path: &Path) -> Result<HashMap<String, Value>> {
    let text = std::fs::read(path)
        .with_context(|| format!("reading Stripe fixtures {}", path.display()))?;
    let v: Value =
        serde_json::from_slice(&text).with_context(|| format!("parsing {}", path.display()))?;
    let res = v
        .get("resources")
        .and_then(|r| r.as_object())
        .with_context(|| format!("{}: no `resources` object", path.display()))?;
    Ok(res.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

/// A running simulator.
pub struct SimHandle {
    state: Arc<State>,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// Seeds the account(s) and serves the API on `listen` (`127.0.0.1:0` for an
/// ephemeral port) until [`SimHandle::shutdown`].
pub async fn start(config: SimConfig, listen: SocketAddr) -> Result<SimHandle> {
    let templates = load_fixtures(&config.fixtures_path)?;
    let cfg = config.clone();
    let tpl = templates.clone();
    let accounts = tokio::task::spawn_blocking(move || seed::seed_all(&cfg, &tpl)).await??;
    let state = Arc::new(State {
        faults: faults::FaultControl::new(config.faults.clone()),
        config,
        templates,
        accounts: accounts
            .into_iter()
            .map(|(k, v)| (k, RwLock::new(v)))
            .collect(),
        requests: AtomicU64::new(0),
        stripe_versions: Mutex::new(BTreeMap::new()),
        requests_by_endpoint: Mutex::new(BTreeMap::new()),
        list_requests: AtomicU64::new(0),
        deliveries_in_flight: AtomicU64::new(0),
        secrets: Mutex::new(HashMap::new()),
        deliveries: Mutex::new(Vec::new()),
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()?,
        routes: routes::Routes::build(),
    });
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("binding {listen}"))?;
    let addr = listener.local_addr()?;
    let app = routes::router(state.clone());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(e) = serve.await {
            tracing::error!("simulator server failed: {e}");
        }
    });
    Ok(SimHandle {
        state,
        addr,
        shutdown: Some(tx),
        task: Some(task),
    })
}

impl SimHandle {
    /// The base URL, e.g. `http://127.0.0.1:12111`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every object of type `object` in the platform account, deleted ones
    /// included (with `"deleted": true`), newest first.
    pub fn objects(&self, object: &str) -> Vec<Value> {
        self.objects_of(&self.state.config.account_id, object)
    }

    /// Every object of type `object` in `account`, as [`SimHandle::objects`].
    pub fn objects_of(&self, account: &str, object: &str) -> Vec<Value> {
        routes::oracle(&self.state, account, object)
    }

    /// Replaces the injected faults, restarts their window
    /// ([`Faults::start_after_requests`] counts from here) and releases
    /// requests hung by the previous ones.
    pub fn set_faults(&self, faults: Faults) {
        self.state.faults.set(faults);
    }

    /// How many requests the current faults applied to, and how many of
    /// those got an injected error or hung.
    pub fn fault_stats(&self) -> FaultStats {
        self.state.faults.stats()
    }

    /// Webhook deliveries still being attempted: `0` means every event
    /// recorded so far was delivered or given up on, so nothing more will
    /// arrive without a new write.
    pub fn deliveries_in_flight(&self) -> u64 {
        self.state.deliveries_in_flight.load(Ordering::SeqCst)
    }

    /// Requests served on `/v1` so far (faulted ones included).
    pub fn request_count(&self) -> u64 {
        self.state.requests.load(Ordering::Relaxed)
    }

    /// Requests served on `/v1` so far by endpoint: Stripe's operation,
    /// `"METHOD /path/{template}"` (e.g. `"GET /v1/customers/{customer}/tax_ids"`),
    /// or the concrete path when no operation matches. Faulted requests
    /// count too.
    pub fn requests_by_endpoint(&self) -> BTreeMap<String, u64> {
        self.state
            .requests_by_endpoint
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// `GET` requests answered with a list so far (every page of every
    /// list, `/v1/events` included): what a client's listing costs.
    pub fn list_requests(&self) -> u64 {
        self.state.list_requests.load(Ordering::Relaxed)
    }

    /// Every webhook delivery attempt so far, oldest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state
            .deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The signing secret of a webhook endpoint created through the API.
    pub fn webhook_secret(&self, endpoint_id: &str) -> Option<String> {
        self.state
            .secrets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(endpoint_id)
            .map(|s| s.secret.clone())
    }

    /// The platform account id.
    pub fn account_id(&self) -> &str {
        &self.state.config.account_id
    }

    /// Stops serving and waits for the server to finish.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}
