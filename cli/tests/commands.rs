//! The command line's tests, one module per area, linked into one binary
//! (each would otherwise link the whole stack): the real `stripe-sync`
//! binary run as a subprocess. Run one area with a name filter, e.g.
//! `cargo test -p stripe-sync-cli cli_errors::`.

mod common;
#[path = "../../tests/reliability_support.rs"]
mod rsupport;

mod cli_commands;
mod cli_demo;
mod cli_errors;
mod cli_serve;
mod connect_workers;
mod docs_commands;
mod reliability_process;
mod supabase_function;
