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
//! [`default_fixtures`] finds Stripe's `fixtures3.json` for a version:
//! `STRIPE_OPENAPI_DIR`, `../shared/stripe-openapi`, else the copy embedded
//! in the binary ([`fixtures`]).
//!
//! # Modules, lowest first
//!
//! Each module imports only modules listed before it:
//!
//! - [`error`]: Stripe's error bodies.
//! - [`form`], [`store`]: request bodies; an account's objects and their lists.
//! - [`shapes`]: how many objects of each type a seeded account holds.
//! - [`faults`], [`webhooks`]: injected misbehaviour; endpoint secrets,
//!   signing and delivery.
//! - [`fixtures`]: Stripe's `fixtures3.json`, embedded or from a file.
//! - [`config`]: [`SimConfig`], and finding the fixtures of a version.
//! - [`seed`]: the seeded objects. `state`: a running simulator's shared state.
//! - [`rules`], [`writes`], [`routes`]: object-specific behaviour, writes, the
//!   HTTP API.
//! - [`server`]: [`start`] and [`SimHandle`]. [`cli`]: `stripe-sync simulate`.
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
//!   With the header `Simulator-Quiet: true` (or `1`), a create, update or
//!   delete is made as usual but no event is recorded or delivered, its
//!   parents' neither (drift: tests make a mirror miss a change on purpose).
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
//! - `POST /_simulator/accounts/{acct_id}/revoke`: the connected account
//!   revokes the platform's access ([`SimHandle::revoke_account`]); answers
//!   the `account.application.deauthorized` event.
//!
//! # Connect
//!
//! The platform lists its connected accounts at `GET /v1/accounts`; a request
//! with `Stripe-Account: acct_…` acts on that account's own objects.
//! [`SimConfig::with_connected_accounts`] (`--connected-accounts N`) generates
//! N of them, each with a small billing graph. Rate limits (`--rate-limit`,
//! `--endpoint-rate-limit`) apply to each account separately, as Stripe's;
//! `--platform-rate-limit` caps all accounts together. A revoked account's
//! requests are answered 403 `account_invalid`.

pub mod cli;
pub mod config;
pub mod error;
pub mod faults;
pub mod fixtures;
pub mod form;
pub mod routes;
pub mod rules;
pub mod seed;
pub mod server;
pub mod shapes;
mod state;
pub mod store;
pub mod webhooks;
pub mod writes;

pub use cli::{run, SimulateArgs};
pub use config::{default_fixtures, SimConfig, DEFAULT_EPOCH};
pub use faults::{FaultStats, Faults};
pub use fixtures::Fixtures;
pub use server::{start, SimHandle};
pub use webhooks::{Delivery, WebhookRetry};
