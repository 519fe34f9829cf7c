//! `stripe-sync supabase install` / `uninstall`, and the Edge Function it
//! writes run for real: the `deno` binary from the npm registry serves it
//! against the local PostgreSQL, and the simulator delivers signed webhooks
//! to it, the function logged in as the role `install` creates (its URL
//! read from the `.env` file `install` writes). Everything but `supabase
//! secrets set` and `supabase functions deploy` (which need an account).

use crate::common::{cmd_with, free_port, run_async, simulator};

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context as _, Result};
use serde_json::Value;
use sqlx::Connection as _;
use stripe_sync_cli::supabase::{scram_sha256_verifier, DB_URL_VAR, ENV_FILE, WEBHOOK_ROLE};
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

/// Runs the function at `index` on `port` with `STRIPE_SYNC_DB_URL` set to
/// `db_url` (none of the database variables when `None`), and waits until
/// it listens.
async fn run_function(index: &Path, port: u16, db_url: Option<&str>) -> Result<Function> {
    let mut c = Command::new(deno()?);
    c.args(["run", "--allow-net", "--allow-env"])
        .arg(index)
        // Only the variable install's .env sets: not the owner's URL, which
        // the test process's DATABASE_URL or Supabase's SUPABASE_DB_URL is.
        .env_remove("DATABASE_URL")
        .env_remove("SUPABASE_DB_URL")
        .env_remove(DB_URL_VAR);
    if let Some(url) = db_url {
        c.env(DB_URL_VAR, url);
    }
    let child = c
        .env("PORT", port.to_string())
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

/// An empty directory for `install` to write its project into, named after
/// the test.
fn fresh_project(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "stripe-sync-supabase-{test}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// `supabase install` of the function at `url` into `project`, for the
/// database at `db_url` and the simulator at `api`; a caller adds options.
fn install_cmd(db_url: &str, api: &str, url: &str, project: &Path) -> Command {
    let mut c = cmd_with(db_url, api);
    c.args([
        "supabase",
        "install",
        "--function-url",
        url,
        "--project-dir",
    ])
    .arg(project);
    c
}

/// The default function's database URL, as `install` wrote it to its
/// `.env` file.
fn env_url(project: &Path) -> Result<String> {
    env_url_in(&project.join(ENV_FILE))
}

/// The database URL in the `.env` file `install` wrote at `file`.
fn env_url_in(file: &Path) -> Result<String> {
    let text = std::fs::read_to_string(file).with_context(|| format!("{}", file.display()))?;
    let prefix = format!("{DB_URL_VAR}=");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .map(str::to_string)
        .with_context(|| format!("no {DB_URL_VAR} in {}", file.display()))
}

/// Creates a customer named `name` at the simulator, which delivers it to
/// the function; the name read back from `schema`'s `customers` once the
/// function wrote it.
async fn customer_through_function(
    sim: &stripe_sync_simulator::SimHandle,
    db: &TestDb,
    schema: &str,
    name: &str,
) -> Result<(String, String)> {
    let created: Value = reqwest::Client::new()
        .post(format!("{}/v1/customers", sim.base_url()))
        .bearer_auth("sk_test_cli")
        .form(&[("name", name), ("email", "edge@example.com")])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let id = created["id"].as_str().context("customer id")?.to_string();
    let sql = format!("SELECT name FROM {schema}.customers WHERE id = $1");
    let written = wait_for("the customer written through the function", || {
        let (pool, id, sql) = (db.pool.clone(), id.clone(), sql.clone());
        async move {
            Ok(sqlx::query_scalar(&sql)
                .bind(&id)
                .fetch_optional(&pool)
                .await?)
        }
    })
    .await?;
    Ok((id, written))
}

/// The password in a URL from [`env_url`].
fn password_of(url: &str) -> Result<String> {
    let u = reqwest::Url::parse(url)?;
    let pw = u.password().context("no password in the function's URL")?;
    anyhow::ensure!(
        pw.len() == 64 && pw.bytes().all(|b| b.is_ascii_hexdigit()),
        "not 32 hex-encoded bytes"
    );
    Ok(pw.to_string())
}

/// What `install` said, and its checks shared by both runs: the commands
/// left, no password printed, the `.env` file private, and the role's
/// stored verifier made from the password in it.
async fn check_install_output(db: &TestDb, project: &Path, out: &str, err: &str) -> Result<String> {
    let url = env_url(project)?;
    let pw = password_of(&url)?;
    for printed in [out, err] {
        assert!(
            !printed.contains(&pw),
            "the password was printed: {printed}"
        );
    }
    for said in [
        "supabase secrets set --env-file supabase/functions/stripe-webhook/.env",
        "supabase functions deploy stripe-webhook --no-verify-jwt",
        "never commit it",
        "stripe_sync.managed_webhooks",
        "stripe-sync backfill",
        "stripe-sync sync --events-only",
    ] {
        assert!(out.contains(said), "{said:?} not in {out}");
    }
    let opts: sqlx::postgres::PgConnectOptions = url.parse()?;
    assert_eq!(opts.get_username(), WEBHOOK_ROLE);
    assert_eq!(opts.get_database(), Some(db.name.as_str()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(project.join(ENV_FILE))?
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the .env file's mode");
    }
    // Local PostgreSQL trusts 127.0.0.1, so logging in proves nothing about
    // the password: the verifier PostgreSQL stores must be the .env's.
    let (stored, iterations, salt): (String, i32, Vec<u8>) = sqlx::query_as(
        "SELECT rolpassword, split_part(split_part(rolpassword, '$', 2), ':', 1)::int, \
                decode(split_part(split_part(rolpassword, '$', 2), ':', 2), 'base64') \
         FROM pg_authid WHERE rolname = $1",
    )
    .bind(WEBHOOK_ROLE)
    .fetch_one(&db.pool)
    .await?;
    assert_eq!(
        stored,
        scram_sha256_verifier(&pw, &salt, u32::try_from(iterations)?),
        "the role's password is not the one in the .env file"
    );
    Ok(url)
}

/// The SQLSTATE `sql` fails with, run as the function's role.
async fn refused(c: &mut sqlx::PgConnection, sql: &str) -> String {
    match sqlx::query(sql).execute(&mut *c).await {
        Ok(_) => format!("no error: {WEBHOOK_ROLE} may run {sql}"),
        Err(e) => e
            .as_database_error()
            .and_then(|d| d.code())
            .map_or_else(|| format!("{e}"), |c| c.into_owned()),
    }
}

/// The function's role may run `process_webhook` and nothing else.
async fn check_role_privileges(url: &str) -> Result<()> {
    let mut c = sqlx::PgConnection::connect(url).await?;
    let (who, mighty): (String, bool) = sqlx::query_as(
        "SELECT current_user::text, \
                rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls OR rolreplication \
         FROM pg_roles WHERE rolname = current_user",
    )
    .fetch_one(&mut c)
    .await?;
    assert_eq!(who, WEBHOOK_ROLE);
    assert!(!mighty, "{WEBHOOK_ROLE} has a role attribute beyond LOGIN");
    for sql in [
        "SELECT count(*) FROM stripe_sync.webhook_secrets",
        "SELECT count(*) FROM stripe_sync.managed_webhooks",
        "SELECT count(*) FROM stripe.customers",
        "SELECT stripe_sync.apply_event('{}'::jsonb)",
        "SELECT stripe_sync.add_webhook_secret('whsec_injected')",
    ] {
        assert_eq!(refused(&mut c, sql).await, "42501", "{sql}");
    }
    // It runs: a bad signature is refused by the function itself.
    assert_eq!(
        refused(
            &mut c,
            "SELECT stripe_sync.process_webhook(convert_to('{}', 'UTF8'), 't=1,v1=00')"
        )
        .await,
        "SW401"
    );
    c.close().await?;
    Ok(())
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
    let project = fresh_project("deno");

    let install = || run_async(install_cmd(&db.url, &sim.base_url(), &url, &project));

    // install: migrations, the managed webhook, the function's files, its
    // role and the role's URL.
    let (code, out, err) = install().await;
    assert_eq!(code, 0, "install failed: {out}\n{err}");
    let first_url = check_install_output(&db, &project, &out, &err).await?;
    check_role_privileges(&first_url).await?;
    // The documented schedule works right after the install, before any backfill.
    let mut c = cmd_with(&db.url, &sim.base_url());
    c.args(["sync", "--events-only"]);
    let (code, out, err) = run_async(c).await;
    assert_eq!(code, 0, "sync --events-only after install: {out}\n{err}");
    let index = project.join("supabase/functions/stripe-webhook/index.ts");
    assert_eq!(
        std::fs::read_to_string(&index)?,
        stripe_sync_cli::supabase::FUNCTION_SOURCE
    );
    let hooks: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, url, api_version FROM stripe_sync.managed_webhooks")
            .fetch_all(&db.pool)
            .await?;
    assert_eq!(hooks.len(), 1, "{hooks:?}");
    assert_eq!(hooks[0].1, url);
    assert_eq!(hooks[0].2, stripe_sync_generated::API_VERSION);
    // Installing again reuses the webhook, and gives the role (which exists
    // now) a new password.
    let (code, out, err) = install().await;
    assert_eq!(code, 0, "second install failed: {out}\n{err}");
    assert!(out.contains(&hooks[0].0), "{out}");
    assert!(out.contains("given a new password"), "{out}");
    let role_url = check_install_output(&db, &project, &out, &err).await?;
    assert_ne!(password_of(&role_url)?, password_of(&first_url)?);
    check_role_privileges(&role_url).await?;
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe_sync.managed_webhooks")
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(n, 1);

    // The function under deno, as the role; the simulator delivers to it.
    let function = run_function(&index, port, Some(&role_url)).await?;
    let (id, name) = customer_through_function(&sim, &db, "stripe", "From the edge").await?;
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
        "SELECT count(*) FROM stripe_sync.events WHERE source = 'webhook' AND outcome = 'applied'",
    )
    .fetch_one(&db.pool)
    .await?;
    assert!(applied >= 1);
    // A forged webhook: 400, nothing written.
    let http = reqwest::Client::new();
    let body = br#"{"id":"evt_forged","object":"event","type":"customer.created","created":1,"data":{"object":{"id":"cus_forged","object":"customer"}}}"#;
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe_sync.events")
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
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe_sync.events")
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(before, after);
    // Those went over the function's pool, logged in as the role.
    let as_role: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND usename = $2",
    )
    .bind(&db.name)
    .bind(WEBHOOK_ROLE)
    .fetch_one(&db.pool)
    .await?;
    assert!(
        as_role >= 1,
        "the function is not connected as {WEBHOOK_ROLE}"
    );
    drop(function);

    // A database failure: 5xx, so Stripe retries.
    let secret: String = sqlx::query_scalar("SELECT secret FROM stripe_sync.managed_webhooks")
        .fetch_one(&db.pool)
        .await?;
    let down_port = free_port();
    let mut gone = reqwest::Url::parse(&role_url)?;
    gone.set_path(&format!("{}_gone", gone.path()));
    let down = run_function(&index, down_port, Some(gone.as_str())).await?;
    let r = http
        .post(format!("http://127.0.0.1:{down_port}/"))
        .header("Stripe-Signature", sign(body, &secret))
        .body(body.to_vec())
        .send()
        .await?;
    assert!(r.status().is_server_error(), "{}", r.status());
    drop(down);

    // No database URL: 500, and the answer says how to set it.
    let unset_port = free_port();
    let unset = run_function(&index, unset_port, None).await?;
    let r = http
        .post(format!("http://127.0.0.1:{unset_port}/"))
        .header("Stripe-Signature", sign(body, &secret))
        .body(body.to_vec())
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 500);
    let said = r.text().await?;
    assert!(
        said.contains("stripe-sync supabase install") && said.contains("--env-file"),
        "{said}"
    );
    drop(unset);

    // uninstall: the webhook goes, the data stays, the way to drop it is said.
    let mut c = cmd_with(&db.url, &sim.base_url());
    c.args(["supabase", "uninstall", "--function-url", &url]);
    let (code, out, err) = run_async(c).await;
    assert_eq!(code, 0, "uninstall failed: {out}\n{err}");
    for said in [
        "DROP SCHEMA stripe_sync CASCADE",
        "DROP SCHEMA stripe CASCADE",
        "DROP ROLE stripe_sync_webhook",
    ] {
        assert!(out.contains(said), "{said:?} not in {out}");
    }
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe_sync.managed_webhooks")
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

/// An install made before migration 0013 (its secret added with the old
/// `stripe.add_webhook_secret`, sqlx's bookkeeping in `public`) carries
/// on: `install` again moves everything, and the new function, as its own
/// role, applies a delivery signed with the secret added back then.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_install_made_before_0013_carries_on_after_install_again() -> Result<()> {
    let sim = simulator().await;
    let db = TestDb::new().await?;
    // The previous release: migrations 0001-0012.
    stripe_sync::migrate::migrator_until(12)
        .run(&db.pool)
        .await?;
    sqlx::query("SELECT stripe.add_webhook_secret('whsec_before_0013')")
        .execute(&db.pool)
        .await?;

    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/functions/v1/stripe-webhook");
    let project = fresh_project("upgrade");
    let (code, out, err) = run_async(install_cmd(&db.url, &sim.base_url(), &url, &project)).await;
    assert_eq!(code, 0, "install failed: {out}\n{err}");
    let kept: Vec<String> = sqlx::query_scalar("SELECT secret FROM stripe_sync.webhook_secrets")
        .fetch_all(&db.pool)
        .await?;
    assert_eq!(kept, vec!["whsec_before_0013".to_string()]);

    let index = project.join("supabase/functions/stripe-webhook/index.ts");
    let function = run_function(&index, port, Some(&env_url(&project)?)).await?;
    let now = chrono::Utc::now().timestamp();
    let body = serde_json::to_vec(&serde_json::json!({
        "id": "evt_before_0013",
        "object": "event",
        "type": "customer.created",
        "created": now,
        "livemode": false,
        "data": {"object": {"id": "cus_before_0013", "object": "customer", "created": now,
                            "name": "Signed with the old secret"}},
    }))?;
    let r = reqwest::Client::new()
        .post(&url)
        .header("Stripe-Signature", sign(&body, "whsec_before_0013"))
        .body(body)
        .send()
        .await?;
    let status = r.status();
    let answer: Value = r.json().await?;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["outcome"], "applied", "{answer}");
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM stripe.customers WHERE id = 'cus_before_0013'")
            .fetch_one(&db.pool)
            .await?;
    assert_eq!(name.as_deref(), Some("Signed with the old secret"));

    drop(function);
    let _ = std::fs::remove_dir_all(&project);
    sim.shutdown().await;
    db.drop_db().await?;
    Ok(())
}

/// `install --webhook-secret`: an existing endpoint's secret is stored and
/// no managed webhook is made; a secret that is not one is refused. Offline
/// (a host that does not resolve), the function is written and the error
/// names the host.
#[tokio::test(flavor = "multi_thread")]
async fn supabase_install_takes_an_existing_secret_and_names_the_host_it_cannot_reach() -> Result<()>
{
    let sim = simulator().await;
    let db = TestDb::new().await?;
    let project = fresh_project("secret");
    let install = |db_url: &str, api: &str, secret: Option<&str>| {
        let mut c = cmd_with(db_url, api);
        c.args([
            "--max-retries",
            "0",
            "supabase",
            "install",
            "--function-url",
            "https://ref.supabase.co/functions/v1/stripe-webhook",
            "--project-dir",
        ])
        .arg(&project);
        if let Some(secret) = secret {
            c.args(["--webhook-secret", secret]);
        }
        run_async(c)
    };
    let (code, out, err) = install(&db.url, &sim.base_url(), Some("whsec_existing")).await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("no managed webhook created"), "{out}");
    let secrets: Vec<String> = sqlx::query_scalar("SELECT secret FROM stripe_sync.webhook_secrets")
        .fetch_all(&db.pool)
        .await?;
    assert_eq!(secrets, vec!["whsec_existing".to_string()]);
    let hooks: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe_sync.managed_webhooks")
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(hooks, 0);
    let (code, _, err) = install(&db.url, &sim.base_url(), Some("sk_test_not_a_secret")).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("whsec_"), "{err}");

    std::fs::remove_dir_all(&project)?;
    let offline = TestDb::new().await?;
    let (code, out, err) = install(
        &offline.url,
        "https://api.stripe-sync-offline.invalid",
        None,
    )
    .await;
    assert_ne!(code, 0, "{out}");
    assert!(err.contains("api.stripe-sync-offline.invalid"), "{err}");
    assert!(
        project
            .join("supabase/functions/stripe-webhook/index.ts")
            .exists(),
        "{out}"
    );
    std::fs::remove_dir_all(&project)?;
    offline.drop_db().await?;
    db.drop_db().await?;
    sim.shutdown().await;
    Ok(())
}

/// What the Management API stand-in received: method and path with query,
/// the Authorization header, and the body.
type Received = std::sync::Arc<std::sync::Mutex<Vec<(String, String, Vec<u8>)>>>;

/// A local stand-in of Supabase's Management API: it records every request
/// and answers as Supabase does (`version` for a deploy), or 401 when the
/// bearer token is not `sbp_good`.
async fn management_api() -> Result<(String, Received)> {
    use axum::{body::Bytes, http::HeaderMap, http::Uri};
    let got: Received = Default::default();
    let seen = got.clone();
    let app = axum::Router::new().fallback(
        move |m: axum::http::Method, uri: Uri, h: HeaderMap, body: Bytes| {
            let seen = seen.clone();
            async move {
                let auth = h
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                seen.lock()
                    .unwrap()
                    .push((format!("{m} {uri}"), auth.clone(), body.to_vec()));
                if auth != "Bearer sbp_good" {
                    return (
                        axum::http::StatusCode::UNAUTHORIZED,
                        r#"{"message":"Unauthorized"}"#.to_string(),
                    );
                }
                if uri.path().ends_with("/functions/deploy") {
                    (
                        axum::http::StatusCode::CREATED,
                        r#"{"slug":"stripe-webhook","version":7,"status":"ACTIVE"}"#.to_string(),
                    )
                } else {
                    (axum::http::StatusCode::OK, "[]".to_string())
                }
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((format!("http://{addr}"), got))
}

/// `install --token --project`: the function's secret is set (the role's
/// URL, as in the .env) and the function deployed (its source, JWT off)
/// through the Management API; a refused token says where to make one.
#[tokio::test(flavor = "multi_thread")]
async fn supabase_install_deploys_through_the_management_api() -> Result<()> {
    let sim = simulator().await;
    let db = TestDb::new().await?;
    let (api, got) = management_api().await?;
    let project = fresh_project("api");
    let install = |token: &str| {
        let mut c = cmd_with(&db.url, &sim.base_url());
        c.args([
            "supabase",
            "install",
            "--function-url",
            "https://abcdefgh.supabase.co/functions/v1/stripe-webhook",
            "--project",
            "abcdefgh",
            "--token",
            token,
            "--management-api",
            &api,
            "--project-dir",
        ])
        .arg(&project);
        run_async(c)
    };
    let (code, out, err) = install("sbp_good").await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("function stripe-webhook deployed to project abcdefgh, version 7"),
        "{out}"
    );
    assert!(!out.contains("supabase functions deploy"), "{out}");
    assert!(
        !out.contains("sbp_good") && !err.contains("sbp_good"),
        "the token was printed"
    );
    let role_url = env_url(&project)?;
    let reqs = got.lock().unwrap().clone();
    assert_eq!(
        reqs.len(),
        2,
        "{:?}",
        reqs.iter().map(|r| &r.0).collect::<Vec<_>>()
    );
    let (what, auth, body) = &reqs[0];
    assert_eq!(what, "POST /v1/projects/abcdefgh/secrets");
    assert_eq!(auth, "Bearer sbp_good");
    let secrets: Value = serde_json::from_slice(body)?;
    assert_eq!(
        secrets,
        serde_json::json!([{"name": DB_URL_VAR, "value": role_url}])
    );
    let (what, _, body) = &reqs[1];
    assert_eq!(
        what,
        "POST /v1/projects/abcdefgh/functions/deploy?slug=stripe-webhook"
    );
    let body = String::from_utf8_lossy(body);
    assert!(
        body.contains(r#"name="metadata""#) && body.contains(r#""verify_jwt":false"#),
        "{body}"
    );
    assert!(body.contains(r#""entrypoint_path":"index.ts""#), "{body}");
    assert!(
        body.contains(r#"name="file"; filename="index.ts""#),
        "{body}"
    );
    assert!(
        body.contains(stripe_sync_cli::supabase::FUNCTION_SOURCE),
        "the function's source"
    );

    let (code, _, err) = install("sbp_revoked").await;
    assert_ne!(code, 0);
    assert!(
        err.contains("refused the access token")
            && err.contains("supabase.com/dashboard/account/tokens"),
        "{err}"
    );
    assert!(!err.contains("sbp_revoked"), "the token was printed: {err}");
    std::fs::remove_dir_all(&project)?;
    db.drop_db().await?;
    sim.shutdown().await;
    Ok(())
}

/// A mirror in schema `billing`: `supabase install --schema billing` writes
/// its own function (`stripe-webhook-billing`, calling
/// `billing_sync.process_webhook`) and role (`billing_sync_webhook`); under
/// deno, as that role, the function writes the simulator's delivery into
/// `billing`, and nothing makes a `stripe` schema.
#[tokio::test(flavor = "multi_thread")]
async fn supabase_install_for_another_schema_deploys_that_schemas_function() -> Result<()> {
    let sim = simulator().await;
    let db = TestDb::new().await?;
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/functions/v1/stripe-webhook-billing");
    let project = fresh_project("billing");
    let mut c = install_cmd(&db.url, &sim.base_url(), &url, &project);
    c.args(["--schema", "billing"]);
    let (code, out, err) = run_async(c).await;
    assert_eq!(code, 0, "install failed: {out}\n{err}");
    assert!(out.contains("role billing_sync_webhook"), "{out}");
    assert!(
        out.contains("supabase functions deploy stripe-webhook-billing"),
        "{out}"
    );
    assert!(
        out.contains("stripe-sync backfill --schema billing"),
        "{out}"
    );
    let dir = project.join("supabase/functions/stripe-webhook-billing");
    let role_url = env_url_in(&dir.join(".env"))?;
    assert!(role_url.contains("billing_sync_webhook"), "{role_url}");
    let index = dir.join("index.ts");
    let source = std::fs::read_to_string(&index)?;
    assert!(source.contains("billing_sync.process_webhook("));

    let function = run_function(&index, port, Some(&role_url)).await?;
    let (_, name) = customer_through_function(&sim, &db, "billing", "Billed at the edge").await?;
    assert_eq!(name, "Billed at the edge");
    let stripe: Option<String> = sqlx::query_scalar("SELECT to_regnamespace('stripe')::text")
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(stripe, None);
    drop(function);
    let _ = std::fs::remove_dir_all(&project);
    sim.shutdown().await;
    db.drop_db().await
}
