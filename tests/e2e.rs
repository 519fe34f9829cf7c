//! The end-to-end tests, one module per area, linked into one binary: each
//! test binary links the whole stack (library, simulator, PostgreSQL
//! driver), so one binary instead of thirteen makes a rebuild after a
//! library change link once. Run one area with a name filter, e.g.
//! `cargo test -p stripe-sync-tests runtime_backfill::`.

#[path = "reliability_support.rs"]
mod rsupport;
#[path = "runtime_support.rs"]
mod support;

mod module_layers;
mod reliability_faults;
mod reliability_fuzz;
mod reliability_slow;
mod runtime_accounts;
mod runtime_backfill;
mod runtime_changes;
mod runtime_client;
mod runtime_connect;
mod runtime_embedded;
mod runtime_events;
mod runtime_freshness;
mod runtime_managed_webhooks;
mod runtime_migrate;
mod runtime_privileges;
mod runtime_quarantine;
mod runtime_rate_limits;
mod runtime_schema;
mod runtime_sql_events;
mod runtime_status_accounts;
mod runtime_verify;
mod runtime_webhooks;
mod simulator_api;
mod simulator_connect;
mod webhook_hostile;
