//! The generator's tests, one module per area, linked into one binary. Run
//! one area with a name filter, e.g. `cargo test -p stripe-sync-codegen
//! golden::`.

mod common;

mod bump;
mod download;
mod fixtures;
mod golden;
mod golden_rust;
mod migrations;
