//! stripe-sync: mirror a Stripe account into PostgreSQL.
//!
//! Start at [`StripeSync`]. Where each behaviour lives:
//!
//! | Job | Module |
//! |---|---|
//! | configuration | [`config`] |
//! | HTTP client, retries, idempotency keys | [`client`] |
//! | list paging (backfill, events' relists, verify) | [`listing`] |
//! | the shared rate limit | [`ratelimit`] |
//! | database writes, run records, locks | [`store`] |
//! | the cursors in `stripe_sync.sync_state`, one type per kind (private) | `state` |
//! | the engine's shared context (private) | `context` |
//! | webhook signature verification | [`webhook`] |
//! | constant-time comparison of secrets | [`constant_time`] |
//! | applying events, events catch-up | [`events`] |
//! | backfill | [`backfill`] |
//! | comparing the mirror with Stripe, and repairing it | [`verify`] |
//! | the work queue shared by worker processes (accounts, leases, jobs) | [`queue`] |
//! | Connect platforms and several accounts: queueing and working it | [`worker`] |
//! | managed webhook endpoints | [`managed_webhooks`] |
//! | reading objects (ids, embedded lists, references) | [`objects`] |
//! | the facade | [`sync`] |
//! | migrations, sqlx's bookkeeping in `stripe_sync`, the engine's roles | [`migrate`] |
//! | the mirror's schema name, and the SQL renamed for it | [`schema`] |
//! | status and run reports as JSON (CLI and admin API) | [`status`] |
//! | counters for `/metrics` | [`metrics`] |
//! | the webhook server (feature `server`) | `server` |
//!
//! Tables, upserts and event routing come from the generated registry
//! (`stripe_sync_generated`), pinned to API version
//! [`stripe_sync_generated::API_VERSION`].

#![warn(missing_docs)]

pub mod backfill;
pub mod changes;
pub mod client;
pub mod config;
pub mod constant_time;
mod context;
pub mod error;
mod event_result;
pub mod events;
pub mod freshness;
pub mod listing;
pub mod managed_webhooks;
pub mod migrate;
pub mod objects;
pub mod quarantine;
pub mod queue;
pub mod ratelimit;
pub mod redrive;
pub mod schema;
mod state;
pub mod storable;
pub mod store;
pub mod sync;
pub mod verify;
pub mod webhook;
pub mod worker;

pub use backfill::{
    needed_permission, BackfillPlan, BackfillReport, BackfillRequest, ListSource, NotPermitted,
    ObjectReport, ObjectStatus, PlannedResource,
};
pub use client::{ClientError, StripeClient};
pub use config::{Config, Database};
pub use error::{Error, Result};
pub use events::{EventOutcome, EventResult, EventsReport};
pub use managed_webhooks::ManagedWebhook;
pub use schema::Schema;
pub use sync::{migrate, SingleResult, StripeSync};
pub use verify::{VerifyReport, VerifyRequest};
pub use webhook::{WebhookError, WebhookOutcome};
pub use worker::{EnqueueReport, WorkerOptions, WorkerReport};
pub mod metrics;
#[cfg(feature = "server")]
pub mod server;
pub mod status;
