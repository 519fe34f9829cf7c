//! `stripe-sync changes`: the change log (see `stripe_sync::changes`),
//! printed after a position or a named consumer's acknowledged one, once or
//! following; and `changes settings`, its retention and whether it is on.

use std::time::Duration;

use clap::{Args, Subcommand};
use stripe_sync::changes::{self, Change};

use crate::options::{
    connect_db, outln, require_migrated, CliError, CliResult, DbOpts, GlobalOpts,
};

/// Arguments of `changes`.
#[derive(Args, Debug)]
pub struct ChangesArgs {
    /// Print the entries after this position (0: from the first kept).
    #[arg(long, conflicts_with = "consumer")]
    pub since: Option<i64>,
    /// A named consumer: print the entries after the position it
    /// acknowledged, and acknowledge each page once printed.
    #[arg(long)]
    pub consumer: Option<String>,
    /// Keep printing new entries as they come (Ctrl-C stops).
    #[arg(long)]
    pub follow: bool,
    /// One JSON object per line instead of text.
    #[arg(long)]
    pub json: bool,
    /// Entries per page.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(i64).range(1..=100_000))]
    pub limit: i64,
    /// Seconds between polls with --follow.
    #[arg(long, default_value_t = 1.0)]
    pub interval: f64,
    /// The mirror.
    #[command(flatten)]
    pub db: DbOpts,
    /// `settings`: the retention, and whether the log is on.
    #[command(subcommand)]
    pub action: Option<ChangesAction>,
}

/// `changes` actions.
#[derive(Subcommand, Debug)]
pub enum ChangesAction {
    /// Set how long entries are kept and how many, or turn the log off or on.
    Settings(SettingsArgs),
}

/// Arguments of `changes settings`.
#[derive(Args, Debug)]
pub struct SettingsArgs {
    /// Keep entries this many days (0: no limit by age).
    #[arg(long)]
    pub max_age_days: Option<u32>,
    /// Keep at most this many entries (0: no limit by count).
    #[arg(long)]
    pub max_rows: Option<i64>,
    /// Write entries (true) or not (false: the triggers are dropped).
    #[arg(long)]
    pub enabled: Option<bool>,
    /// The mirror.
    #[command(flatten)]
    pub db: DbOpts,
}

/// One entry as a line of text.
fn line(c: &Change) -> String {
    let columns: Vec<String> = c
        .columns
        .as_ref()
        .and_then(|v| v.as_object())
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    format!(
        "{:>8} {} {} {} {:<7} {:<8} {}{}",
        c.seq,
        c.account,
        c.table,
        c.id,
        c.op.as_str(),
        c.source.as_deref().unwrap_or("-"),
        c.event_id.as_deref().unwrap_or("-"),
        if columns.is_empty() {
            String::new()
        } else {
            format!(" [{}]", columns.join(", "))
        }
    )
}

/// Runs `changes`.
pub async fn run(before: GlobalOpts, a: ChangesArgs) -> CliResult {
    if let Some(ChangesAction::Settings(s)) = a.action {
        return settings(before, s).await;
    }
    let g = before.with_db(&a.db);
    let schema = &g.schema()?;
    let pool = connect_db(&g).await?;
    require_migrated(&pool, schema).await?;
    let mut since = a.since.unwrap_or(0);
    if since < 0 {
        return Err(CliError::usage(
            "--since takes a position: 0 for everything kept, else the last one you handled",
        ));
    }
    let interval = Duration::from_secs_f64(a.interval.clamp(0.05, 3600.0));
    loop {
        let page = match &a.consumer {
            Some(name) => changes::consume(schema, &pool, name, a.limit).await?,
            None => changes::after(schema, &pool, since, a.limit).await?,
        };
        for c in &page {
            if a.json {
                outln!("{}", c.to_json());
            } else {
                outln!("{}", line(c));
            }
        }
        if let Some(last) = page.last() {
            since = last.seq;
            if let Some(name) = &a.consumer {
                changes::ack(schema, &pool, name, last.seq).await?;
            }
        }
        if page.len() as i64 == a.limit {
            continue;
        }
        if !a.follow {
            return Ok(());
        }
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return Ok(()),
            _ = tokio::time::sleep(interval) => {}
        }
    }
}

async fn settings(before: GlobalOpts, s: SettingsArgs) -> CliResult {
    let g = before.with_db(&s.db);
    let schema = &g.schema()?;
    let pool = connect_db(&g).await?;
    require_migrated(&pool, schema).await?;
    if s.max_age_days.is_some() || s.max_rows.is_some() {
        let now = changes::settings(schema, &pool).await?;
        let age = match s.max_age_days {
            Some(0) => None,
            Some(d) => Some(Duration::from_secs(u64::from(d) * 86_400)),
            None => now.max_age,
        };
        let rows = match s.max_rows {
            Some(0) => None,
            Some(n) if n < 0 => {
                return Err(CliError::usage("--max-rows takes a count, 0 for no limit"))
            }
            Some(n) => Some(n),
            None => now.max_rows,
        };
        changes::set_retention(schema, &pool, age, rows).await?;
    }
    if let Some(on) = s.enabled {
        changes::set_enabled(schema, &pool, on).await?;
    }
    let now = changes::settings(schema, &pool).await?;
    outln!(
        "change log: {}; kept {}, {}; last position {}, pruned through {}",
        if now.enabled { "on" } else { "OFF" },
        now.max_age
            .map(|a| format!("for {} days", a.as_secs_f64() / 86_400.0))
            .unwrap_or_else(|| "at any age".into()),
        now.max_rows
            .map(|r| format!("at most {r} entries"))
            .unwrap_or_else(|| "any number".into()),
        now.last_seq,
        now.pruned_through,
    );
    Ok(())
}
