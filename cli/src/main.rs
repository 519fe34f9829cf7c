//! The `stripe-sync` command line; see `stripe_sync_cli::cli`.

use clap::Parser;

fn main() {
    let cli = stripe_sync_cli::cli::Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("stripe-sync: error: cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let code = rt.block_on(stripe_sync_cli::cli::run(cli));
    // Do not wait for background tasks (e.g. the simulator's deliveries).
    rt.shutdown_timeout(std::time::Duration::from_secs(2));
    std::process::exit(code);
}
