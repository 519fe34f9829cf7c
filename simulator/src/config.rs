//! What a simulator holds and how it behaves ([`SimConfig`]), and which
//! `fixtures3.json` it is shaped by ([`default_fixtures`]).

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{bail, Result};

use crate::faults::Faults;
use crate::fixtures::Fixtures;
use crate::shapes;
use crate::webhooks::WebhookRetry;

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
    pub fixtures: Fixtures,
    /// The platform account id (`GET /v1/account`).
    pub account_id: String,
    /// Connected accounts, reachable with the `Stripe-Account` header; each is
    /// seeded with the same counts.
    pub connected_accounts: Vec<String>,
    /// How many more connected accounts to generate, with ids derived from
    /// the seed ([`SimConfig::generated_account_id`]), each seeded with a
    /// small billing graph ([`shapes::connected_account_counts`]) whatever
    /// `counts` says, so thousands stay cheap.
    pub generated_connected_accounts: usize,
    /// Injected faults.
    pub faults: Faults,
    /// Requests allowed per second before answering 429 (`None`: unlimited).
    pub rate_limit_per_sec: Option<u32>,
    /// Requests allowed per second to one path template
    /// (`/v1/customers/{customer}/tax_ids`, whatever the ids) before
    /// answering 429 `endpoint-rate`, as Stripe's 25/s per endpoint (`None`:
    /// unlimited); the Files API gets four fifths of it.
    pub endpoint_rate_limit_per_sec: Option<u32>,
    /// Requests allowed per second over all accounts together before
    /// answering 429 `global-rate` (`None`: unlimited). The two limits above
    /// apply to each account (the `Stripe-Account` header's, else the
    /// platform) separately, as Stripe's do.
    pub platform_rate_limit_per_sec: Option<u32>,
    /// The accepted API key; `None` accepts any non-empty key.
    pub api_key: Option<String>,
    /// Keys of independent accounts: a request with one of these keys (as
    /// Bearer) and no `Stripe-Account` acts as the account it maps to (one
    /// of the connected accounts, here standing for another Stripe account
    /// with its own key), not as the platform.
    pub key_accounts: BTreeMap<String, String>,
    /// Restricted keys (`rk_…`) and the objects each may read and write;
    /// any other object (and `GET /v1/account` unless `account` is named)
    /// is answered 403 with Stripe's message naming the permission needed.
    pub restricted_keys: BTreeMap<String, std::collections::BTreeSet<String>>,
    /// Seeded objects are created over the two years before this unix time.
    pub epoch: i64,
    /// Webhook delivery retries.
    pub webhook_retry: WebhookRetry,
    /// The API version the simulator speaks: events it records and sends
    /// carry it (unless an endpoint names its own). Objects are shaped by
    /// `fixtures`, which should be this version's fixtures. (Responses'
    /// `Stripe-Version` header still names the newest version.)
    pub api_version: String,
    /// Child types concentrated on a fraction of their parents, by object
    /// string (`"tax_id"` → `0.02`): like a real account's, most customers
    /// have none and a few have many (see [`shapes::spread`]). Deterministic
    /// for a seed. Types not named spread over random parents.
    pub concentration: BTreeMap<String, f64>,
}

impl SimConfig {
    /// An empty account (no seeded objects) with defaults.
    pub fn new(fixtures: impl Into<Fixtures>) -> Self {
        SimConfig {
            seed: 1,
            counts: BTreeMap::new(),
            fixtures: fixtures.into(),
            account_id: "acct_1SimulatorPlatform0".to_string(),
            connected_accounts: Vec::new(),
            generated_connected_accounts: 0,
            faults: Faults::default(),
            rate_limit_per_sec: None,
            endpoint_rate_limit_per_sec: None,
            platform_rate_limit_per_sec: None,
            api_key: None,
            key_accounts: BTreeMap::new(),
            restricted_keys: BTreeMap::new(),
            epoch: DEFAULT_EPOCH,
            webhook_retry: WebhookRetry::default(),
            api_version: stripe_sync_generated::API_VERSION.to_string(),
            concentration: BTreeMap::new(),
        }
    }

    /// A realistic small account across the main billing graph: a few
    /// hundred objects, for the demo.
    pub fn small_account(fixtures: impl Into<Fixtures>) -> Self {
        let mut c = SimConfig::new(fixtures);
        c.counts = shapes::small_account_counts();
        c
    }

    /// The shape of a real billing account with `customers` customers
    /// ([`shapes::billing_account_counts`]): a dense billing graph, and sparse
    /// per-customer children (tax ids, cards, bank accounts, sources,
    /// balance and cash balance transactions) concentrated on a few
    /// customers ([`shapes::billing_account_concentration`]). Sparse types the
    /// fixtures have no template for (2020-08-27 has no cash balance
    /// transactions) are left out.
    pub fn billing_account(fixtures: impl Into<Fixtures>, customers: usize) -> Self {
        let mut c = SimConfig::new(fixtures);
        c.counts = shapes::billing_account_counts(customers);
        c.concentration = shapes::billing_account_concentration();
        // Unreadable fixtures: keep every count, `start` says what is wrong.
        if let Ok(templates) = c.fixtures.load() {
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

    /// Generates `n` connected accounts (builder style), as
    /// [`SimConfig::generated_connected_accounts`] says.
    pub fn with_connected_accounts(mut self, n: usize) -> Self {
        self.generated_connected_accounts = n;
        self
    }

    /// The id of the `i`th generated connected account (from 0): derived
    /// from the seed, e.g. `acct_1Conn0001000001` for seed 1.
    pub fn generated_account_id(&self, i: usize) -> String {
        format!("acct_1Conn{:04X}{:06}", self.seed & 0xFFFF, i + 1)
    }

    /// Every connected account: the named ones, then the generated ones.
    pub fn connected_account_ids(&self) -> Vec<String> {
        let mut v = self.connected_accounts.clone();
        v.extend((0..self.generated_connected_accounts).map(|i| self.generated_account_id(i)));
        v
    }
}

/// The directories [`default_fixtures`] looks in first: `$STRIPE_OPENAPI_DIR`
/// when set, then `../shared/stripe-openapi` (beside a checkout).
fn openapi_dirs() -> Vec<PathBuf> {
    std::env::var_os("STRIPE_OPENAPI_DIR")
        .map(PathBuf::from)
        .into_iter()
        .chain([PathBuf::from("../shared/stripe-openapi")])
        .collect()
}

/// Stripe's `fixtures3.json` for API `version`: `<dir>/<version>/fixtures3.json`
/// in the first of `$STRIPE_OPENAPI_DIR` (when set) and
/// `../shared/stripe-openapi` that has it, else the fixtures embedded in
/// this binary. What `stripe-sync simulate` and `demo` seed from when
/// `--fixtures` is not given.
///
/// # Errors
///
/// No directory has the file and no fixtures of `version` are embedded:
/// the error names where it looked, the versions embedded and the fix.
pub fn default_fixtures(version: &str) -> Result<Fixtures> {
    let dirs = openapi_dirs();
    for d in &dirs {
        let f = d.join(version).join("fixtures3.json");
        if f.is_file() {
            return Ok(Fixtures::File(f));
        }
    }
    if crate::fixtures::embedded(version).is_some() {
        return Ok(Fixtures::embedded(version));
    }
    bail!(
        "Stripe's fixtures for {version} not found (looked for {version}/fixtures3.json in {}, and this binary embeds {}): use one of those versions, or set STRIPE_OPENAPI_DIR to a directory holding {version}/fixtures3.json",
        dirs.iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        stripe_sync_generated::API_VERSIONS.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::default_fixtures;

    #[test]
    fn missing_fixtures_name_where_they_were_looked_for_and_the_fix() {
        let e = default_fixtures("1999-01-01").unwrap_err().to_string();
        assert!(e.contains("1999-01-01/fixtures3.json"), "{e}");
        assert!(e.contains("../shared/stripe-openapi"), "{e}");
        assert!(e.contains("2026-04-22.dahlia"), "{e}");
        assert!(e.contains("set STRIPE_OPENAPI_DIR"), "{e}");
    }
}
