//! `stripe-sync supabase install` / `uninstall`, and the Edge Function it
//! writes run for real: the `deno` binary from the npm registry serves it
//! against the local PostgreSQL, and the simulator delivers signed webhooks
//! to it. Everything but `supabase functions deploy` (which needs an account).

use crate::common::{cmd_with, free_port, run_async, simulator};

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use anyhow::{Context as _, Result};
use serde_json::Value;
use stripe_sync_tests::{wait_for, TestDb};

/// The deno release the function is tested with (`npm install deno@…`).
const DENO_VERSION: &str = "2.9.6";

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// The `deno` binary: `DENO_BIN`, else installed from the npm registry
/// under `target/tools` (once; later runs reuse it).
fn deno() -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os("DENO_BIN") {
        return Ok(PathBuf::from(bin));
    }
    let prefix = target_dir().join("tools");
    let bin = prefix.join("node_modules/.bin/deno");
    let works = |b: &PathBuf| {
        Command::new(b).arg("--version").output().is_ok_and(|o| {
            o.status.success() && String::from_utf8_lossy(&o.stdout).contains(DENO_VERSION)
        })
    };
    if !works(&bin) {
        std::fs::create_dir_all(&prefix)?;
        let out = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(format!("deno@{DENO_VERSION}"))
            .output()
            .context("running npm to install deno (install Node.js's npm, or set DENO_BIN)")?;
        anyhow::ensure!(
            out.status.success() && works(&bin),
            "npm install deno@{DENO_VERSION} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(bin)
}

/// A deno process killed when dropped.
struct Function(Child);

impl Drop for Function {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the function at `index` on `port` with `db_url`, and waits until it
/// listens.
async fn run_function(index: &std::path::Path, port: u16, db_url: &str) -> Result<Function> {
    let child = Command::new(deno()?)
        .args(["run", "--allow-net", "--allow-env"])
        .arg(index)
        .env("PORT", port.to_string())
        .env("SUPABASE_DB_URL", db_url)
        .env("DENO_DIR", target_dir().join("tools/deno-cache"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting deno")?;
    let f = Function(child);
    wait_for("the function listening", || async move {
        Ok(tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .ok()
            .map(|_| ()))
    })
    .await?;
    Ok(f)
}

fn sign(body: &[u8], secret: &str) -> String {
    let t = chrono::Utc::now().timestamp();
    format!("t={t},v1={}", stripe_sync::webhook::sign(body, t, secret))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supabase_install_writes_a_function_that_deno_runs_and_the_simulator_feeds() -> Result<()> {
    let sim = simulator().await;
    let db = TestDb::new().await?;
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/functions/v1/stripe-webhook");
    let project = std::env::temp_dir().join(format!("stripe-sync-supabase-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&project);

    let install = || {
        let mut c = cmd_with(&db.url, &sim.base_url());
        c.args([
            "supabase",
            "install",
            "--function-url",
            &url,
            "--project-dir",
        ])
        .arg(&project);
        run_async(c)
    };

    // install: migrations, the managed webhook, the function's files.
    let (code, out, err) = install().await;
    assert_eq!(code, 0, "install failed: {out}\n{err}");
    assert!(
        out.contains("supabase functions deploy stripe-webhook --no-verify-jwt"),
        "{out}"
    );
    let index = project.join("supabase/functions/stripe-webhook/index.ts");
    assert_eq!(
        std::fs::read_to_string(&index)?,
        stripe_sync_cli::supabase::FUNCTION_SOURCE
    );
    let hooks: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, url, api_version FROM stripe._managed_webhooks")
            .fetch_all(&db.pool)
            .await?;
    assert_eq!(hooks.len(), 1, "{hooks:?}");
    assert_eq!(hooks[0].1, url);
    assert_eq!(hooks[0].2, stripe_sync_generated::API_VERSION);
    // Installing again reuses the webhook.
    let (code, out, err) = install().await;
    assert_eq!(code, 0, "second install failed: {out}\n{err}");
    assert!(out.contains(&hooks[0].0), "{out}");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe._managed_webhooks")
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(n, 1);

    // The function under deno; the simulator delivers to it.
    let function = run_function(&index, port, &db.url).await?;
    let created: Value = reqwest::Client::new()
        .post(format!("{}/v1/customers", sim.base_url()))
        .bearer_auth("sk_test_cli")
        .form(&[("name", "From the edge"), ("email", "edge@example.com")])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let id = created["id"].as_str().context("customer id")?.to_string();
    let name: String = wait_for("the customer written through the function", || {
        let (pool, id) = (db.pool.clone(), id.clone());
        async move {
            Ok(
                sqlx::query_scalar("SELECT name FROM stripe.customers WHERE id = $1")
                    .bind(&id)
                    .fetch_optional(&pool)
                    .await?,
            )
        }
    })
    .await?;
    assert_eq!(name, "From the edge");
    wait_for("the deliveries settled", || async {
        Ok((sim.deliveries_in_flight() == 0).then_some(()))
    })
    .await?;
    let to_function: Vec<_> = sim
        .deliveries()
        .into_iter()
        .filter(|d| d.url == url)
        .collect();
    assert!(!to_function.is_empty());
    assert!(
        to_function.iter().all(|d| d.status == Some(200)),
        "{to_function:?}"
    );
    let applied: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM stripe._events WHERE source = 'webhook' AND outcome = 'applied'",
    )
    .fetch_one(&db.pool)
    .await?;
    assert!(applied >= 1);

    // A forged webhook: 400, nothing written.
    let http = reqwest::Client::new();
    let body = br#"{"id":"evt_forged","object":"event","type":"customer.created","created":1,"data":{"object":{"id":"cus_forged","object":"customer"}}}"#;
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe._events")
        .fetch_one(&db.pool)
        .await?;
    let r = http
        .post(&url)
        .header("Stripe-Signature", sign(body, "whsec_wrong"))
        .body(body.to_vec())
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 400);
    let r = http.post(&url).body(body.to_vec()).send().await?;
    assert_eq!(r.status().as_u16(), 400, "no signature header");
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe._events")
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(before, after);
    drop(function);

    // A database failure: 5xx, so Stripe retries.
    let secret: String = sqlx::query_scalar("SELECT secret FROM stripe._managed_webhooks")
        .fetch_one(&db.pool)
        .await?;
    let down_port = free_port();
    let gone = format!("{}_gone", db.url);
    let down = run_function(&index, down_port, &gone).await?;
    let r = http
        .post(format!("http://127.0.0.1:{down_port}/"))
        .header("Stripe-Signature", sign(body, &secret))
        .body(body.to_vec())
        .send()
        .await?;
    assert!(r.status().is_server_error(), "{}", r.status());
    drop(down);

    // uninstall: the webhook goes, the data stays, the way to drop it is said.
    let mut c = cmd_with(&db.url, &sim.base_url());
    c.args(["supabase", "uninstall", "--function-url", &url]);
    let (code, out, err) = run_async(c).await;
    assert_eq!(code, 0, "uninstall failed: {out}\n{err}");
    assert!(out.contains("DROP SCHEMA stripe CASCADE"), "{out}");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe._managed_webhooks")
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(n, 0);
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe.customers WHERE id = $1")
        .bind(&id)
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(kept, 1);

    let _ = std::fs::remove_dir_all(&project);
    sim.shutdown().await;
    db.drop_db().await?;
    Ok(())
}
