//! The `stripe-sync` command line, over the `stripe-sync` library.
//!
//! | Job | Module |
//! |---|---|
//! | parsing arguments, running a subcommand | [`cli`] |
//! | `stripe-sync changes` | [`changes`] |
//! | `stripe-sync demo` | [`demo`] |
//! | option groups, connecting, building the engine, errors | [`options`] |
//! | progress bars, plan and summary tables | [`report`] |
//! | `status` as tables | [`status`] |
//! | `stripe-sync supabase install` / `uninstall` | [`supabase`] |
//! | `stripe-sync verify` | [`verify`] |
//!
//! Modules import downward only: `cli` → `changes`, `demo`, `supabase`, `verify`, `workers` →
//! `report`, `status` → `options`.

#![warn(missing_docs)]

pub mod changes;
pub mod cli;
pub mod demo;
pub mod options;
pub mod quarantine;
pub mod report;
pub mod status;
pub mod supabase;
pub mod verify;
pub mod workers;
