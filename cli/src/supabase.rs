//! `stripe-sync supabase install` and `uninstall`: webhooks applied inside
//! the database by `stripe.process_webhook`, fed by an Edge Function that is
//! only a pipe (its source ships in this binary).

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use crate::options::{engine, migrate, outln, ApiOpts, CliError, CliResult, GlobalOpts};

/// The Edge Function's source, written by `install`.
pub const FUNCTION_SOURCE: &str = include_str!("../supabase/functions/stripe-webhook/index.ts");

/// The function's name, and its directory under `supabase/functions/`.
pub const FUNCTION_NAME: &str = "stripe-webhook";

/// `supabase` actions.
#[derive(Subcommand, Debug)]
pub enum SupabaseAction {
    /// Apply the migrations, create (or reuse) the managed webhook pointed at
    /// the function, and write the function's files, ready to deploy.
    Install(InstallArgs),
    /// Delete the managed webhooks pointed at the function.
    Uninstall(UninstallArgs),
}

/// Arguments of `supabase install`.
#[derive(Args, Debug)]
pub struct InstallArgs {
    /// The function's public URL, e.g. https://<project-ref>.supabase.co/functions/v1/stripe-webhook
    #[arg(long)]
    pub function_url: String,
    /// Also create the Connect endpoint (`connect=true`) for a platform's
    /// connected accounts, pointed at the same function.
    #[arg(long)]
    pub connect: bool,
    /// The Supabase project directory the function is written under
    /// (`<dir>/supabase/functions/stripe-webhook/`).
    #[arg(long, default_value = ".")]
    pub project_dir: PathBuf,
    /// The mirror and Stripe's API.
    #[command(flatten)]
    pub api: ApiOpts,
}

/// Arguments of `supabase uninstall`.
#[derive(Args, Debug)]
pub struct UninstallArgs {
    /// The function's public URL given to `install`.
    #[arg(long)]
    pub function_url: String,
    /// The mirror and Stripe's API.
    #[command(flatten)]
    pub api: ApiOpts,
}

fn check_url(url: &str) -> CliResult {
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "{url:?} is not a URL: pass the function's public URL, \
             https://<project-ref>.supabase.co/functions/v1/{FUNCTION_NAME}"
        )))
    }
}

/// Writes the function's files under `project_dir`; returns its directory.
pub fn write_function(project_dir: &Path) -> CliResult<PathBuf> {
    let dir = project_dir
        .join("supabase")
        .join("functions")
        .join(FUNCTION_NAME);
    std::fs::create_dir_all(&dir).map_err(|e| {
        CliError::failed(format!(
            "cannot create {}: {e}; pass a writable --project-dir",
            dir.display()
        ))
    })?;
    let file = dir.join("index.ts");
    std::fs::write(&file, FUNCTION_SOURCE)
        .map_err(|e| CliError::failed(format!("cannot write {}: {e}", file.display())))?;
    Ok(dir)
}

/// Runs a `supabase` action.
pub async fn run(before: GlobalOpts, action: SupabaseAction) -> CliResult {
    match action {
        SupabaseAction::Install(a) => {
            check_url(&a.function_url)?;
            let g = before.with_api(&a.api);
            let sync = engine(&g, None).await?;
            migrate(sync.pool()).await?;
            outln!("migrations applied");
            let made = async {
                let w = sync.find_or_create_managed_webhook(&a.function_url).await?;
                outln!(
                    "managed webhook {} → {} (API version {}, {} event types)",
                    w.id,
                    w.url,
                    w.api_version,
                    w.enabled_events.len()
                );
                if a.connect {
                    let c = sync.find_or_create_connect_webhook(&a.function_url).await?;
                    outln!("Connect webhook {} → {}", c.id, c.url);
                }
                Ok::<_, stripe_sync::Error>(())
            }
            .await;
            sync.close().await;
            made?;
            let dir = write_function(&a.project_dir)?;
            outln!("function written to {}", dir.join("index.ts").display());
            outln!(
                "the endpoint secrets are in stripe._managed_webhooks, where stripe.process_webhook reads them; the function needs no Stripe key"
            );
            outln!("one command left, from {}:", a.project_dir.display());
            outln!("  supabase functions deploy {FUNCTION_NAME} --no-verify-jwt");
            Ok(())
        }
        SupabaseAction::Uninstall(a) => {
            check_url(&a.function_url)?;
            let g = before.with_api(&a.api);
            let sync = engine(&g, None).await?;
            let removed = async {
                let mut removed = 0;
                for w in sync.list_managed_webhooks().await? {
                    if w.url == a.function_url {
                        sync.delete_managed_webhook(&w.id).await?;
                        outln!("deleted managed webhook {} → {}", w.id, w.url);
                        removed += 1;
                    }
                }
                Ok::<_, stripe_sync::Error>(removed)
            }
            .await;
            sync.close().await;
            if removed? == 0 {
                outln!("no managed webhook points at {}", a.function_url);
            }
            outln!("the mirror's data stays; to remove it as well:");
            outln!("  supabase functions delete {FUNCTION_NAME}");
            outln!("  psql \"$DATABASE_URL\" -c 'DROP SCHEMA stripe CASCADE'");
            Ok(())
        }
    }
}
