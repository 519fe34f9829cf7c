//! `stripe-sync quarantine list` and `retry`: what the database refused for
//! good (see `stripe_sync::quarantine`), listed and written again once the
//! cause is fixed.

use clap::{Args, Subcommand};

use crate::options::{connect_db, engine, outln, ApiOpts, CliError, CliResult, DbOpts, GlobalOpts};

/// `quarantine` actions.
#[derive(Subcommand, Debug)]
pub enum QuarantineAction {
    /// List what is quarantined, with its reason.
    List(ListArgs),
    /// Write everything quarantined again; what is refused again stays.
    Retry(RetryArgs),
}

/// Arguments of `quarantine list`.
#[derive(Args, Debug)]
pub struct ListArgs {
    /// Print JSON instead of lines.
    #[arg(long)]
    pub json: bool,
    /// The mirror.
    #[command(flatten)]
    pub db: DbOpts,
}

/// Arguments of `quarantine retry`.
#[derive(Args, Debug)]
pub struct RetryArgs {
    /// The mirror and Stripe's API (an event's write may need the API).
    #[command(flatten)]
    pub api: ApiOpts,
}

/// Runs a `quarantine` action.
pub async fn run(before: GlobalOpts, action: QuarantineAction) -> CliResult {
    match action {
        QuarantineAction::List(a) => {
            let g = before.with_db(&a.db);
            let schema = &g.schema()?;
            let pool = connect_db(&g).await?;
            let rows = stripe_sync::quarantine::list(schema, &pool).await?;
            if a.json {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&rows)
                        .map_err(|e| CliError::failed(e.to_string()))?
                );
                return Ok(());
            }
            for q in &rows {
                outln!(
                    "{} {} {} {} {} (from {}, {} attempt(s), last {}): {} {}",
                    q.id,
                    q.kind,
                    q.object_type.as_deref().unwrap_or("-"),
                    q.object_id.as_deref().unwrap_or("-"),
                    q.event_id.as_deref().unwrap_or("-"),
                    q.source,
                    q.attempts,
                    q.last_seen_at.to_rfc3339(),
                    q.sqlstate,
                    q.reason
                );
            }
            outln!(
                "{} quarantined{}",
                rows.len(),
                if rows.is_empty() {
                    ""
                } else {
                    "; fix the cause, then run `stripe-sync quarantine retry`"
                }
            );
            Ok(())
        }
        QuarantineAction::Retry(a) => {
            let sync = engine(&before.with_api(&a.api), None).await?;
            let r = sync.retry_quarantined().await;
            sync.close().await;
            let r = r?;
            outln!(
                "{} written, {} still quarantined",
                r.written,
                r.still_quarantined
            );
            if r.still_quarantined > 0 {
                return Err(CliError::failed(
                    "some bodies are refused again: `stripe-sync quarantine list` shows why",
                ));
            }
            Ok(())
        }
    }
}
