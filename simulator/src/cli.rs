//! `stripe-sync simulate`: the simulator as a standalone server.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{anyhow, bail, Result};

use crate::config::{default_fixtures, SimConfig};
use crate::faults::Faults;
use crate::fixtures::Fixtures;
use crate::server::start;

/// Arguments of `stripe-sync simulate`.
#[derive(clap::Args, Clone, Debug)]
pub struct SimulateArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:12111")]
    pub listen: SocketAddr,
    /// Seed of the generated account: the same seed gives the same objects.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Stripe's fixtures3.json (templates of every object). Default: the
    /// API version's `fixtures3.json` under STRIPE_OPENAPI_DIR (else
    /// ../shared/stripe-openapi), else the copy embedded in the binary.
    #[arg(long, env = "STRIPE_FIXTURES", hide_env_values = true)]
    pub fixtures: Option<PathBuf>,
    /// The API version the simulator speaks (events carry it); one of the
    /// versions this build was generated from. Default: the newest.
    #[arg(
        long = "api-version",
        alias = "sim-api-version",
        env = "STRIPE_API_VERSION",
        hide_env_values = true
    )]
    pub api_version: Option<String>,
    /// Customers to seed. Given alone, a real billing account's shape is
    /// seeded around them (products, prices, subscriptions, invoices and
    /// payments in proportion, and sparse per-customer children: tax ids on
    /// 2% of customers, cards, bank accounts and sources on 1%, …); with any
    /// other count, only the counts given are seeded; with none, a small
    /// realistic account is.
    #[arg(long)]
    pub customers: Option<usize>,
    /// Products to seed.
    #[arg(long)]
    pub products: Option<usize>,
    /// Prices to seed.
    #[arg(long)]
    pub prices: Option<usize>,
    /// Subscriptions to seed.
    #[arg(long)]
    pub subscriptions: Option<usize>,
    /// Subscription items to seed.
    #[arg(long)]
    pub subscription_items: Option<usize>,
    /// Invoices to seed.
    #[arg(long)]
    pub invoices: Option<usize>,
    /// Invoice line items to seed.
    #[arg(long)]
    pub invoice_lines: Option<usize>,
    /// Payment intents to seed.
    #[arg(long)]
    pub payment_intents: Option<usize>,
    /// Charges to seed.
    #[arg(long)]
    pub charges: Option<usize>,
    /// Refunds to seed.
    #[arg(long)]
    pub refunds: Option<usize>,
    /// Any object type: `--count object=N` (repeatable), e.g. `--count tax_rate=10`.
    #[arg(long = "count", value_name = "OBJECT=N")]
    pub count: Vec<String>,
    /// Fraction of requests answered 429.
    #[arg(long = "rate-429", default_value_t = 0.0)]
    pub rate_429: f64,
    /// Fraction of requests answered 500.
    #[arg(long = "rate-500", default_value_t = 0.0)]
    pub rate_500: f64,
    /// Latency added to every request, in milliseconds.
    #[arg(long = "latency-ms", default_value_t = 0)]
    pub latency_ms: u64,
    /// Requests per second allowed before answering 429 (off by default).
    #[arg(long = "rate-limit")]
    pub rate_limit: Option<u32>,
    /// Requests per second allowed to one endpoint before answering 429
    /// (off by default; Stripe's is 25).
    #[arg(long = "endpoint-rate-limit")]
    pub endpoint_rate_limit: Option<u32>,
    /// Requests per second allowed over all accounts together before
    /// answering 429 (off by default); `--rate-limit` and
    /// `--endpoint-rate-limit` apply to each account separately.
    #[arg(long = "platform-rate-limit")]
    pub platform_rate_limit: Option<u32>,
    /// The platform account id.
    #[arg(long, default_value = "acct_1SimulatorPlatform0")]
    pub account: String,
    /// A connected account (repeatable), reachable with `Stripe-Account`.
    #[arg(long = "connected-account")]
    pub connected_accounts: Vec<String>,
    /// Connected accounts to generate (ids derived from `--seed`,
    /// `acct_1Conn…`), each with a small billing graph, listed by the
    /// platform at `/v1/accounts`.
    #[arg(long = "connected-accounts", default_value_t = 0)]
    pub generated_connected_accounts: usize,
    /// The only API key accepted (default: any non-empty key).
    #[arg(long = "api-key")]
    pub api_key: Option<String>,
}

impl SimulateArgs {
    /// The configuration these arguments describe.
    pub fn config(&self) -> Result<SimConfig> {
        let mut counts = BTreeMap::new();
        let named = [
            ("customer", self.customers),
            ("product", self.products),
            ("price", self.prices),
            ("subscription", self.subscriptions),
            ("subscription_item", self.subscription_items),
            ("invoice", self.invoices),
            ("line_item", self.invoice_lines),
            ("payment_intent", self.payment_intents),
            ("charge", self.charges),
            ("refund", self.refunds),
        ];
        for (o, n) in named {
            if let Some(n) = n {
                counts.insert(o.to_string(), n);
            }
        }
        for c in &self.count {
            let Some((o, n)) = c.split_once('=') else {
                bail!("--count {c}: expected OBJECT=N")
            };
            let Ok(n) = n.parse::<usize>() else {
                bail!("--count {c}: N is not a number")
            };
            if stripe_sync_generated::resource(o).is_none() {
                bail!("--count {c}: the registry has no object `{o}`");
            }
            counts.insert(o.to_string(), n);
        }
        let version = match &self.api_version {
            None => stripe_sync_generated::API_VERSION.to_string(),
            Some(v) if stripe_sync_generated::API_VERSIONS.contains(&v.as_str()) => v.clone(),
            Some(v) => bail!(
                "unknown Stripe API version {v:?}: the simulator speaks {}",
                stripe_sync_generated::API_VERSIONS.join(", ")
            ),
        };
        let fixtures = match &self.fixtures {
            Some(f) => Fixtures::File(f.clone()),
            None => default_fixtures(&version)
                .map_err(|e| anyhow!("{e}, or pass --fixtures (the path of a fixtures3.json)"))?,
        };
        // `--customers N` alone asks for an account of that size, not for
        // customers with nothing around them.
        let billing_account = match self.customers {
            Some(n) if counts.len() == 1 && self.count.is_empty() => Some(n),
            _ => None,
        };
        let mut cfg = match billing_account {
            Some(n) => SimConfig::billing_account(&fixtures, n),
            None if counts.is_empty() => SimConfig::small_account(&fixtures),
            None => {
                let mut c = SimConfig::new(&fixtures);
                c.counts = counts;
                c
            }
        };
        cfg.api_version = version;
        cfg.seed = self.seed;
        cfg.faults = Faults {
            rate_429: self.rate_429,
            rate_500: self.rate_500,
            latency: Duration::from_millis(self.latency_ms),
            ..Faults::default()
        };
        cfg.rate_limit_per_sec = self.rate_limit;
        cfg.endpoint_rate_limit_per_sec = self.endpoint_rate_limit;
        cfg.account_id = self.account.clone();
        cfg.platform_rate_limit_per_sec = self.platform_rate_limit;
        cfg.connected_accounts = self.connected_accounts.clone();
        cfg.generated_connected_accounts = self.generated_connected_accounts;
        cfg.api_key = self.api_key.clone();
        Ok(cfg)
    }
}

/// Runs the simulator until Ctrl-C.
pub async fn run(args: SimulateArgs) -> Result<()> {
    let cfg = args.config()?;
    let total: usize = cfg.counts.values().sum();
    let t0 = std::time::Instant::now();
    let handle = start(cfg, args.listen).await?;
    eprintln!(
        "Stripe simulator: {total} objects per account seeded in {:.1?}; listening on {} (control API at /_simulator/). Ctrl-C stops it.",
        t0.elapsed(),
        handle.base_url()
    );
    tokio::signal::ctrl_c().await?;
    handle.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: SimulateArgs,
    }

    #[test]
    fn flags_become_a_config() {
        let cli = Cli::try_parse_from([
            "x",
            "--customers",
            "100000",
            "--count",
            "tax_rate=7",
            "--rate-429",
            "0.1",
            "--latency-ms",
            "5",
            "--rate-limit",
            "25",
            "--endpoint-rate-limit",
            "20",
            "--connected-account",
            "acct_1",
            "--connected-accounts",
            "3",
            "--platform-rate-limit",
            "90",
            "--seed",
            "2",
            "--fixtures",
            "/f.json",
        ])
        .unwrap();
        let c = cli.args.config().unwrap();
        assert_eq!(c.counts.get("customer"), Some(&100_000));
        assert_eq!(c.counts.get("tax_rate"), Some(&7));
        assert_eq!(c.counts.len(), 2);
        assert_eq!(c.faults.rate_429, 0.1);
        assert_eq!(c.faults.latency, Duration::from_millis(5));
        assert_eq!(c.rate_limit_per_sec, Some(25));
        assert_eq!(c.endpoint_rate_limit_per_sec, Some(20));
        assert_eq!(c.connected_accounts, vec!["acct_1".to_string()]);
        assert_eq!(c.platform_rate_limit_per_sec, Some(90));
        assert_eq!(
            c.connected_account_ids(),
            [
                "acct_1",
                "acct_1Conn0002000001",
                "acct_1Conn0002000002",
                "acct_1Conn0002000003"
            ]
        );
        assert_eq!(cli.args.listen.to_string(), "127.0.0.1:12111");

        let billing = Cli::try_parse_from(["x", "--customers", "1000", "--fixtures", "/f.json"])
            .unwrap()
            .args
            .config()
            .unwrap();
        assert_eq!(
            billing.counts,
            crate::shapes::billing_account_counts(1000),
            "--customers alone seeds a billing account"
        );
        assert_eq!(billing.concentration.get("tax_id"), Some(&0.02));
        let explicit = Cli::try_parse_from([
            "x",
            "--customers",
            "7",
            "--products",
            "3",
            "--fixtures",
            "/f.json",
        ])
        .unwrap()
        .args
        .config()
        .unwrap();
        assert_eq!(explicit.counts.len(), 2);
        assert!(explicit.concentration.is_empty());

        let small = Cli::try_parse_from(["x", "--fixtures", "/f.json"])
            .unwrap()
            .args
            .config()
            .unwrap();
        assert_eq!(small.counts, crate::shapes::small_account_counts());
        assert_eq!(small.api_version, stripe_sync_generated::API_VERSION);
        let pinned =
            Cli::try_parse_from(["x", "--fixtures", "/f.json", "--api-version", "2023-08-16"])
                .unwrap()
                .args
                .config()
                .unwrap();
        assert_eq!(pinned.api_version, "2023-08-16");
        let unknown = Cli::try_parse_from(["x", "--api-version", "2019-01-01"])
            .unwrap()
            .args
            .config()
            .unwrap_err()
            .to_string();
        assert!(unknown.contains("2026-04-22.dahlia"), "{unknown}");
        assert!(Cli::try_parse_from(["x", "--count", "nope=1"])
            .unwrap()
            .args
            .config()
            .is_err());
        assert!(Cli::try_parse_from(["x", "--count", "customer"])
            .unwrap()
            .args
            .config()
            .is_err());
    }
}
