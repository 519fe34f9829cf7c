//! stripe-sync's benchmarks: `cargo run --release -p stripe-sync-bench -- all [--quick]`.
//!
//! Every scenario runs the simulator and the engine as separate child
//! processes of this one (both are this binary, in hidden modes), against the
//! local PostgreSQL, so that the engine's peak RSS and each side's CPU time
//! are its own. Results print as a table and are written as JSON.

mod backfill_all;
mod children;
mod connect;
mod harness;
mod hostile;
mod minimum;
mod proc_stats;
mod scenarios;
mod sequences;
mod sql_receiver;
mod verify;
mod write_path;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// Benchmarks for stripe-sync, against the simulator and the local PostgreSQL.
#[derive(Parser)]
#[command(about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Every scenario, then a summary table.
    All(harness::Options),
    /// Backfill of customers only, at two account sizes (memory must stay flat).
    BackfillCustomers(harness::Options),
    /// Backfill of a mixed billing account, then an incremental re-sync of it.
    BackfillMixed(harness::Options),
    /// Signed webhooks POSTed concurrently to `stripe-sync serve`, then to a
    /// thin receiver calling `stripe_sync.process_webhook`.
    Webhooks(harness::Options),
    /// Generation time for all four API versions.
    Codegen(harness::Options),
    /// `backfill all` of a 5,000-customer billing account (300 with
    /// `--quick`) at Stripe's rate limits, test mode (25/s) then live mode
    /// (100/s, 25/s per endpoint), against the fewest requests the account
    /// needs (part of `all`, but not of `all --quick`).
    BackfillAllTestMode(harness::Options),
    /// A Connect platform's backfill from the queue: 1,000 connected
    /// accounts of about 100 objects (30 with `--quick`), 20 ms latency per
    /// request, worked by 1, 2 and 4 worker processes (part of `all
    /// --quick` at its quick size, not of `all`).
    Connect(connect::ConnectOptions),
    /// Server CPU per unsigned 1 MiB webhook with 1 to 5,000 `v1` entries,
    /// or with `--slow-senders N` its memory under N stalled bodies (not
    /// part of `all`).
    WebhooksHostile(hostile::HostileOptions),
    /// Randomized sequences of Stripe changes, webhook delivery faults and
    /// commands, each ending with the consistency oracle on a `serve`-fed
    /// and a `process_webhook`-fed database (issue 30; not part of `all`).
    Sequences(sequences::SequencesOptions),
    /// `stripe-sync verify` of a billing account at Stripe's limits: rows compared per second, requests.
    Verify(harness::Options),
    /// Issue 34: backfill objects/s and webhook events/s with the change log
    /// on and off, after the write path alone (`changes-write-path`).
    Changes(harness::Options),
    /// Issue 34: serve's group commit alone, on the database, with the
    /// change log on and off: transactions/s and PostgreSQL CPU per
    /// transaction (part of `changes`).
    ChangesWritePath(harness::Options),
    /// (internal) Run the simulator until stdin closes.
    #[command(hide = true)]
    ChildSimulator(children::SimArgs),
    /// (internal) Run `stripe-sync` with these arguments (the sequences'
    /// commands in new processes).
    #[command(hide = true)]
    ChildCli {
        /// The arguments after `stripe-sync`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// (internal) Run `stripe-sync serve` on this address.
    #[command(hide = true)]
    ChildServe {
        /// The listen address.
        #[arg(long)]
        listen: String,
        /// `serve --no-freshness`.
        #[arg(long)]
        no_freshness: bool,
    },
    /// (internal) Run the thin receiver calling `stripe_sync.process_webhook`.
    #[command(hide = true)]
    ChildSqlReceiver {
        /// The listen address.
        #[arg(long)]
        listen: String,
        /// PostgreSQL connections.
        #[arg(long)]
        connections: u32,
    },
    /// (internal) Run one backfill and print its result as JSON.
    #[command(hide = true)]
    ChildEngine(children::EngineArgs),
    /// (internal) Run a Connect platform simulator until stdin closes.
    #[command(hide = true)]
    ChildConnectSimulator(connect::ConnectSimArgs),
    /// (internal) Work the queue until it is empty and print the report as JSON.
    #[command(hide = true)]
    ChildWorker(connect::WorkerArgs),
}

#[tokio::main]
async fn main() -> Result<()> {
    let command = Cli::parse().command;
    if let Command::All(o)
    | Command::BackfillCustomers(o)
    | Command::BackfillMixed(o)
    | Command::Webhooks(o)
    | Command::Codegen(o)
    | Command::BackfillAllTestMode(o)
    | Command::Verify(o)
    | Command::Changes(o) = &command
    {
        o.apply();
    }
    if let Command::Connect(o) = &command {
        o.common.apply();
    }
    match command {
        Command::All(o) => scenarios::all(&o).await,
        Command::BackfillCustomers(o) => {
            harness::report(&o, vec![scenarios::backfill_customers(&o).await?])
        }
        Command::BackfillMixed(o) => harness::report(&o, scenarios::backfill_mixed(&o).await?),
        Command::Webhooks(o) => harness::report(&o, vec![scenarios::webhooks(&o).await?]),
        Command::Codegen(o) => harness::report(&o, vec![scenarios::codegen(&o)?]),
        Command::BackfillAllTestMode(o) => {
            harness::report(&o, backfill_all::backfill_all_test_mode(&o).await?)
        }
        Command::Connect(o) => harness::report(&o.common, vec![connect::connect(&o).await?]),
        Command::WebhooksHostile(o) => hostile::webhooks_hostile(&o).await,
        Command::Sequences(o) => sequences::sequences(&o).await,
        Command::Verify(o) => harness::report(&o, verify::verify(&o).await?),
        Command::Changes(o) => harness::report(&o, vec![scenarios::changes(&o).await?]),
        Command::ChangesWritePath(o) => {
            harness::report(&o, vec![write_path::change_log_write_path(&o).await?])
        }
        Command::ChildSimulator(args) => children::child_simulator(args).await,
        Command::ChildCli { args } => children::child_cli(&args).await,
        Command::ChildServe {
            listen,
            no_freshness,
        } => {
            let mut args = vec!["serve".to_string(), "--listen".into(), listen];
            if no_freshness {
                args.push("--no-freshness".into());
            }
            children::child_cli(&args).await
        }
        Command::ChildSqlReceiver {
            listen,
            connections,
        } => sql_receiver::child_sql_receiver(&listen, connections).await,
        Command::ChildEngine(args) => children::child_engine(args).await,
        Command::ChildConnectSimulator(args) => connect::child_connect_simulator(args).await,
        Command::ChildWorker(args) => connect::child_worker(args).await,
    }
}
