//! Serving: [`start`] seeds the accounts and serves the API on a socket;
//! the [`SimHandle`] it returns reads the simulator's objects and counters,
//! changes its faults, and shuts it down.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use anyhow::{Context, Result};
use serde_json::Value;

use crate::config::SimConfig;
use crate::faults::{FaultControl, FaultStats, Faults};
use crate::routes;
use crate::seed;
use crate::state::State;
use crate::webhooks::{Delivery, Outbox};

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
    let templates = config.fixtures.load()?;
    let cfg = config.clone();
    let tpl = templates.clone();
    let accounts = tokio::task::spawn_blocking(move || seed::seed_all(&cfg, &tpl)).await??;
    let webhooks = Arc::new(Outbox::new(config.webhook_retry.clone())?);
    let state = Arc::new(State {
        faults: FaultControl::new(config.faults.clone()),
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
        pages: Mutex::new(HashMap::new()),
        webhooks,
        revoked: RwLock::new(Default::default()),
        clock_offset: Default::default(),
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

    /// Moves the simulator's clock `secs` seconds from the real one (back
    /// when negative) for what writes stamp from now on: the `created` of
    /// new objects and events. A test dates a change in an earlier second
    /// than the next command without sleeping. Signatures keep the real time.
    pub fn set_clock_offset(&self, secs: i64) {
        self.state.clock_offset.store(secs, Ordering::Relaxed);
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
        self.state.webhooks.in_flight()
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

    /// Every list page answered so far, as `"<account> GET <path>?<query
    /// with its parameters sorted>"`, with how many times it was answered:
    /// a page listed twice shows a count above one.
    pub fn pages_served(&self) -> HashMap<String, u64> {
        self.state
            .pages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Every webhook delivery attempt so far, oldest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state.webhooks.log().clone()
    }

    /// The signing secret of a webhook endpoint created through the API.
    pub fn webhook_secret(&self, endpoint_id: &str) -> Option<String> {
        self.state
            .webhooks
            .secrets()
            .get(endpoint_id)
            .map(|s| s.secret.clone())
    }

    /// Connected account `id` revokes the platform's access (as
    /// deauthorizing its application does): from now on every request with
    /// `Stripe-Account: <id>` is answered 403 `account_invalid`, and the
    /// platform records an `account.application.deauthorized` event (with
    /// `account: <id>`) delivered to its Connect webhook endpoints. Returns
    /// the event, or `None` when `id` is not a connected account or was
    /// already revoked.
    pub fn revoke_account(&self, id: &str) -> Option<Value> {
        crate::writes::revoke_account(&self.state, id)
    }

    /// The connected accounts (named and generated), in seeding order.
    pub fn connected_accounts(&self) -> Vec<String> {
        self.state.config.connected_account_ids()
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
