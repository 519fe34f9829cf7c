//! The simulator alone: `stripe-sync-simulator --customers 1000` (the same as
//! `stripe-sync simulate`).

use clap::Parser;
use stripe_sync_simulator::SimulateArgs;

#[derive(Parser)]
#[command(about = "A stateful fake of the Stripe API")]
struct Cli {
    #[command(flatten)]
    args: SimulateArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    stripe_sync_simulator::run(Cli::parse().args).await
}
