//! `stripe-sync verify [TYPE…]`: compares the mirror with Stripe (see
//! `stripe_sync::verify`), prints what differs per account and type, and
//! with `--repair` writes Stripe's state over it.
//!
//! Exit codes: 0 nothing differs; [`DIFFERENCES_FOUND`] (3) something
//! differs (with `--repair`: it was found and repaired, and a second run
//! says 0); 1 the run failed; 2 bad input.

use clap::Args;
use stripe_sync::verify::{bound, report_json, VerifyReport, VerifyRequest};

use crate::options::{engine, outln, ApiOpts, CliError, CliResult, GlobalOpts, PaceOpts};

/// The exit code of a verify that found differences.
pub const DIFFERENCES_FOUND: i32 = 3;

/// Arguments of `verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The mirror and Stripe's API (`--stripe-account` verifies one connected account).
    #[command(flatten)]
    pub api: ApiOpts,
    /// How fast to call Stripe.
    #[command(flatten)]
    pub pace: PaceOpts,
    /// Object types (`customer`, `invoice`) or tables with a top-level list; none or `all` for every one.
    pub objects: Vec<String>,
    /// At most this many requests per account: windows are sampled across types, and each type's result carries a 95% bound.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub budget: Option<u64>,
    /// Write Stripe's state over every confirmed difference (recorded with its versions).
    #[arg(long)]
    pub repair: bool,
    /// Also compare the items of the listed objects' embedded lists (subscription items, invoice lines…).
    #[arg(long)]
    pub children: bool,
    /// Also every connected account the platform lists at /v1/accounts.
    #[arg(long)]
    pub connected_accounts: bool,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// Runs `verify`.
pub async fn run(g: &GlobalOpts, a: VerifyArgs) -> CliResult {
    let objects = if a.objects.is_empty() || a.objects.iter().any(|n| n == "all") {
        None
    } else {
        Some(stripe_sync::objects::validate_objects(&a.objects).map_err(CliError::usage)?)
    };
    let req = VerifyRequest {
        objects,
        budget: a.budget,
        repair: a.repair,
        children: a.children,
    };
    let sync = engine(g, None).await?;
    let engine_schema = sync.config().schema.engine().to_string();
    let reports = sync.verify(req, a.connected_accounts).await;
    sync.close().await;
    let reports = match reports {
        // Types verify cannot list: bad input.
        Err(stripe_sync::Error::Unsupported(m)) => return Err(CliError::usage(m)),
        r => r?,
    };
    if a.json {
        let v = report_json(&reports);
        outln!(
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_else(|_| v.to_string())
        );
    } else {
        for r in &reports {
            print_report(r, a.repair, &engine_schema);
        }
    }
    outcome(&reports)
}

fn print_report(r: &VerifyReport, repair: bool, engine_schema: &str) {
    outln!(
        "verify {} (run {}): {} requests in {:.1?}{}",
        r.account,
        r.run_id,
        r.requests,
        r.duration,
        if r.sampled { ", sampled" } else { "" }
    );
    outln!(
        "  {:<32} {:>9} {:>8} {:>6} {:>6} {:>9}",
        "type",
        "checked",
        "missing",
        "stale",
        "extra",
        if repair { "repaired" } else { "" }
    );
    let unmirrored: Vec<&str> = r
        .types
        .iter()
        .filter(|t| {
            t.skipped
                .as_deref()
                .is_some_and(|w| w.starts_with("not mirrored"))
        })
        .map(|t| t.object.as_str())
        .collect();
    for t in &r.types {
        if let Some(why) = &t.skipped {
            if !unmirrored.contains(&t.object.as_str()) {
                outln!("  {:<32} skipped: {why}", t.object);
            }
            continue;
        }
        outln!(
            "  {:<32} {:>9} {:>8} {:>6} {:>6} {:>9}",
            t.object,
            t.checked,
            t.missing,
            t.stale,
            t.extra,
            if repair {
                t.repaired.to_string()
            } else {
                String::new()
            }
        );
        if r.sampled && t.windows > 0 && t.windows_checked == 0 {
            outln!(
                "    not sampled: none of its {} windows fit the budget",
                t.windows
            );
        } else if r.sampled && t.windows > 0 {
            if let Some(b) = t.upper_bound {
                outln!(
                    "    checked {:.1}% of {}, {} differences: at 95% confidence fewer than {:.2}% differ",
                    t.fraction() * 100.0,
                    t.object,
                    t.differences(),
                    b * 100.0
                );
            }
        }
        if t.unconfirmed > 0 {
            outln!(
                "    {} candidates unconfirmed: the budget ran out (a larger --budget confirms them)",
                t.unconfirmed
            );
        }
    }
    if !unmirrored.is_empty() {
        outln!(
            "  not mirrored (no row, never backfilled for this account), not verified: {}",
            unmirrored.join(", ")
        );
    }
    if r.sampled {
        outln!("  bound: {}", bound::METHOD);
    }
    for d in r.differences.iter().take(20) {
        outln!(
            "  {} {} {}{}: {}{}",
            d.kind.as_str(),
            d.object,
            d.id,
            d.parent_id
                .as_deref()
                .map(|p| format!(" (in {p})"))
                .unwrap_or_default(),
            d.detail,
            if d.repaired_version.is_some() {
                " — repaired"
            } else {
                ""
            }
        );
    }
    if r.differences.len() > 20 {
        outln!(
            "  … {} more in {engine_schema}.verify_differences (run_id = {})",
            r.differences.len() - 20,
            r.run_id
        );
    }
    for e in &r.errors {
        outln!("  error: {e}");
    }
}

fn outcome(reports: &[VerifyReport]) -> CliResult {
    let errors: Vec<&str> = reports
        .iter()
        .flat_map(|r| r.errors.iter().map(String::as_str))
        .collect();
    if !errors.is_empty() {
        return Err(CliError::failed(format!(
            "verify failed: {}",
            errors.join("; ")
        )));
    }
    let differences: u64 = reports.iter().map(VerifyReport::difference_count).sum();
    if differences > 0 {
        let repaired: u64 = reports
            .iter()
            .flat_map(|r| &r.types)
            .map(|t| t.repaired)
            .sum();
        return Err(CliError {
            code: DIFFERENCES_FOUND,
            message: if repaired > 0 {
                format!("{differences} differences found, {repaired} repaired; run verify again to confirm")
            } else {
                format!("{differences} differences found; `stripe-sync verify --repair` writes Stripe's state over them")
            },
        });
    }
    Ok(())
}
