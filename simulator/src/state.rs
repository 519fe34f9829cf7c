//! The shared state of a running simulator: its configuration, templates,
//! accounts' objects, fault controls, counters and webhook outbox. Built by
//! `start`, read and written by the request handlers.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use serde_json::Value;

use crate::config::SimConfig;
use crate::faults::FaultControl;
use crate::store::AccountStore;
use crate::webhooks::{Endpoint, Outbox};

/// Shared state of a running simulator.
pub(crate) struct State {
    pub config: SimConfig,
    pub templates: HashMap<String, Value>,
    pub accounts: HashMap<String, RwLock<AccountStore>>,
    pub faults: FaultControl,
    pub requests: AtomicU64,
    /// API requests by the `Stripe-Version` header they carried (`GET /_simulator/stats`).
    pub stripe_versions: Mutex<BTreeMap<String, u64>>,
    /// API requests by endpoint, `"GET /v1/customers/{customer}/tax_ids"`
    /// (`GET /_simulator/stats`).
    pub requests_by_endpoint: Mutex<BTreeMap<String, u64>>,
    /// `GET`s answered with a list.
    pub list_requests: AtomicU64,
    /// How many times each list page was answered, by account, path and
    /// query (its parameters sorted): [`crate::SimHandle::pages_served`].
    pub pages: Mutex<HashMap<String, u64>>,
    /// Webhook endpoints' secrets and the deliveries to them.
    pub webhooks: Arc<Outbox>,
    /// Connected accounts that revoked the platform's access: their
    /// requests are answered 403.
    pub revoked: RwLock<HashSet<String>>,
    /// Seconds added to the real clock for what writes stamp (`created` of
    /// objects and events): [`crate::SimHandle::set_clock_offset`].
    pub clock_offset: AtomicI64,
}

impl State {
    /// The simulated unix time: the real clock plus the offset a test set.
    pub(crate) fn now(&self) -> i64 {
        let real = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        real + self.clock_offset.load(Ordering::Relaxed)
    }

    /// The objects of account `id`, if the simulator has that account.
    pub(crate) fn account(&self, id: &str) -> Option<&RwLock<AccountStore>> {
        self.accounts.get(id)
    }

    /// Counts one answered list page: `account`, `path` and the query with
    /// its parameters sorted (the same page asked twice counts twice).
    pub(crate) fn record_page(&self, account: &str, path: &str, query: &str) {
        let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
        params.sort_unstable();
        let key = format!("{account} GET {path}?{}", params.join("&"));
        *self
            .pages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key)
            .or_insert(0) += 1;
    }

    /// Whether connected account `id` revoked the platform's access.
    pub(crate) fn is_revoked(&self, id: &str) -> bool {
        self.revoked
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(id)
    }

    /// The platform account's enabled webhook endpoints right now (read
    /// before a write takes its lock).
    pub(crate) fn webhook_endpoints(&self) -> Vec<Endpoint> {
        self.webhooks
            .snapshot(self.account(&self.config.account_id))
    }
}
