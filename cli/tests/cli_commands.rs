//! Every subcommand but `serve` and `demo`, run as a subprocess against the
//! simulator and a fresh PostgreSQL database.

use crate::common;

use std::process::Stdio;
use std::time::Duration;

use common::{cmd, cmd_with, run_async, signal, simulator, stdout_lines, wait_exit, wait_line};
use stripe_sync_tests::TestDb;

async fn count(db: &TestDb, table: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT count(*) FROM stripe.{table}"))
        .fetch_one(&db.pool)
        .await
        .unwrap();
    n
}

/// A fresh database and the small account's simulator, with the binary
/// run against both, migrated.
struct Mirror {
    db: TestDb,
    sim: stripe_sync_simulator::SimHandle,
}

impl Mirror {
    async fn new() -> Mirror {
        let m = Mirror {
            db: TestDb::new().await.unwrap(),
            sim: simulator().await,
        };
        let (code, _, err) = m.go(&["migrate"]).await;
        assert_eq!(code, 0, "{err}");
        m
    }

    /// Runs `stripe-sync ARGS`: its exit code, stdout and stderr.
    async fn go(&self, args: &[&str]) -> (i32, String, String) {
        let mut c = cmd_with(&self.db.url, &self.sim.base_url());
        c.args(args);
        run_async(c).await
    }

    async fn finish(self) {
        self.sim.shutdown().await;
        self.db.drop_db().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn migrate_is_idempotent_and_concurrent() {
    let db = TestDb::new().await.unwrap();
    let mk = || {
        let mut c = cmd();
        c.env("DATABASE_URL", &db.url).arg("migrate");
        c
    };
    let (a, b) = tokio::join!(run_async(mk()), run_async(mk()));
    assert_eq!(a.0, 0, "{}", a.2);
    assert_eq!(b.0, 0, "{}", b.2);
    let again = run_async(mk()).await;
    assert_eq!(again.0, 0, "{}", again.2);
    assert!(again.1.contains("migrations applied"));
    assert!(
        again
            .1
            .contains("roles stripe_sync_reader, stripe_sync_writer granted"),
        "{}",
        again.1
    );
    // sqlx's bookkeeping is the engine's, beside the rest of it.
    let where_: (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT to_regclass('public._sqlx_migrations')::text, to_regclass('stripe_sync._sqlx_migrations')::text",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(where_, (None, Some("stripe_sync._sqlx_migrations".into())));
    assert_eq!(count(&db, "customers").await, 0);
    db.drop_db().await.unwrap();
}

/// Issue 28, item 1: a change made on Stripe between two commands reaches
/// the mirror through `sync`, whatever ran in between. Stripe's clock runs
/// two seconds behind ours here (the simulator's offset), so a change falls
/// in an earlier second than the next command's start (within one second
/// the loss hid). Each change waits until that clock has reached the second
/// the previous command returned in: a change Stripe dated before the
/// command read the object would rightly be stale (the read's version is
/// the start of the second before it, by our clock).
#[tokio::test(flavor = "multi_thread")]
async fn a_change_between_backfill_and_sync_reaches_the_mirror() {
    let m = Mirror::new().await;
    let (db, sim) = (&m.db, &m.sim);
    let base = sim.base_url();
    let http = reqwest::Client::new();
    const SKEW: i64 = 2;
    let rename = |id: String, name: &'static str, read_by: i64| {
        let (http, base, sim) = (&http, &base, &sim);
        async move {
            stripe_sync_tests::wait_for("Stripe's clock to pass the previous read", || async move {
                Ok((chrono::Utc::now().timestamp() - SKEW >= read_by).then_some(()))
            })
            .await
            .unwrap();
            sim.set_clock_offset(-SKEW);
            let r = http
                .post(format!("{base}/v1/customers/{id}"))
                .basic_auth("sk_test_cli", Some(""))
                .form(&[("name", name)])
                .send()
                .await
                .unwrap();
            sim.set_clock_offset(0);
            assert!(r.status().is_success());
        }
    };
    let name_of = |id: String| {
        let pool = &db.pool;
        async move {
            sqlx::query_scalar::<_, Option<String>>(
                "SELECT name FROM stripe.customers WHERE id = $1",
            )
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap()
        }
    };
    let ids: Vec<String> = sim
        .objects("customer")
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();

    // The README's order: backfill, a change, then `sync`.
    let (code, _, err) = m.go(&["backfill", "all"]).await;
    assert_eq!(code, 0, "{err}");
    rename(
        ids[0].clone(),
        "renamed before sync",
        chrono::Utc::now().timestamp(),
    )
    .await;
    let (code, out, err) = m.go(&["sync"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("events: 1 fetched, 1 applied"), "{out}");
    assert_eq!(
        name_of(ids[0].clone()).await.as_deref(),
        Some("renamed before sync")
    );

    // Another backfill between the change and the catch-up.
    rename(
        ids[1].clone(),
        "renamed before a backfill",
        chrono::Utc::now().timestamp(),
    )
    .await;
    let (code, _, err) = m.go(&["backfill", "customer"]).await;
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = m.go(&["sync", "--events-only"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("events: 1 fetched"), "{out}");
    assert_eq!(
        name_of(ids[1].clone()).await.as_deref(),
        Some("renamed before a backfill")
    );
    m.finish().await;
}

/// `quarantine list` and `retry`: a customer a constraint of the user's
/// refuses is set aside by the backfill (which succeeds with the others),
/// listed with its reason, and written by `retry` once the constraint goes.
#[tokio::test(flavor = "multi_thread")]
async fn quarantine_list_and_retry() {
    let m = Mirror::new().await;
    let (db, sim) = (&m.db, &m.sim);
    let base = sim.base_url();
    sqlx::query(
        "ALTER TABLE stripe.customers ADD CONSTRAINT not_refused CHECK (name IS DISTINCT FROM 'refused')",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let id = sim.objects("customer")[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = reqwest::Client::new()
        .post(format!("{base}/v1/customers/{id}"))
        .basic_auth("sk_test_cli", Some(""))
        .form(&[("name", "refused")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());

    let (code, _, err) = m.go(&["backfill", "customer"]).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(count(db, "customers").await, 79);
    let (code, out, err) = m.go(&["quarantine", "list"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&id) && out.contains("23514") && out.contains("1 quarantined"),
        "{out}"
    );
    let (code, out, _) = m.go(&["quarantine", "list", "--json"]).await;
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["object_id"], id.as_str());
    let (code, out, _) = m.go(&["status", "--json"]).await;
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["quarantined"], 1, "{out}");
    let (_, out, _) = m.go(&["status"]).await;
    assert!(out.contains("Quarantined: 1 objects or events"), "{out}");

    // Refused again while the cause stays: exit 1, still listed.
    let (code, out, _) = m.go(&["quarantine", "retry"]).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("0 written, 1 still quarantined"), "{out}");
    sqlx::query("ALTER TABLE stripe.customers DROP CONSTRAINT not_refused")
        .execute(&db.pool)
        .await
        .unwrap();
    let (code, out, err) = m.go(&["quarantine", "retry"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 written, 0 still quarantined"), "{out}");
    assert_eq!(count(db, "customers").await, 80);
    let (_, out, _) = m.go(&["quarantine", "list"]).await;
    assert!(out.contains("0 quarantined"), "{out}");
    m.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn backfill_status_and_sync() {
    let m = Mirror::new().await;
    let (db, sim) = (&m.db, &m.sim);
    let base = sim.base_url();

    // Named objects (object string and table name), then everything.
    let (code, out, err) = m
        .go(&["backfill", "customer", "products", "--concurrency", "2"])
        .await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("customer") && out.contains("succeeded"),
        "{out}"
    );
    assert_eq!(count(db, "customers").await, 80);
    assert_eq!(count(db, "products").await, 12);
    assert_eq!(count(db, "invoices").await, 0);

    let (code, out, err) = m
        .go(&["backfill", "all", "--full", "--created-after", "2000-01-01"])
        .await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("run ") && out.contains("succeeded"), "{out}");
    assert_eq!(count(db, "invoices").await, 90);
    // Not a terminal: structured logs, no progress bars.
    assert!(err.contains("backfill finished"), "{err}");

    let (code, out, err) = m.go(&["status"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Last runs:") && out.contains("customers"),
        "{out}"
    );
    let (code, out, err) = m.go(&["status", "--json"]).await;
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"]["customers"], 80);
    assert!(v["runs"].as_array().unwrap().len() >= 2);
    assert!(v["cursors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["resource"] == "customers"));

    // A change upstream, then `sync` (backfill + events catch-up).
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{base}/v1/customers"))
        .basic_auth("sk_test_cli", Some(""))
        .form(&[("email", "new@example.com")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let (code, out, err) = m.go(&["sync"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("events:"), "{out}");
    assert_eq!(count(db, "customers").await, 81);

    // `sync --follow` keeps polling until SIGTERM; what it logs on stderr
    // is kept to check that its messages are its own.
    let log = std::env::temp_dir().join(format!("stripe-sync-follow-{}.log", std::process::id()));
    let mut c = cmd_with(&db.url, &base);
    c.args(["sync", "--follow", "--events-only", "--interval", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::from(std::fs::File::create(&log).unwrap()));
    let mut child = c.spawn().unwrap();
    let mut lines = stdout_lines(&mut child);
    // Its first pass is done: the next customer can only arrive by following.
    wait_line(&mut lines, "events:").await;
    let r = http
        .post(format!("{base}/v1/customers"))
        .basic_auth("sk_test_cli", Some(""))
        .form(&[("email", "later@example.com")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    stripe_sync_tests::wait_for("sync --follow to pick up the new customer", || async {
        Ok((count(db, "customers").await == 82).then_some(()))
    })
    .await
    .unwrap();
    signal(&child, "TERM");
    // 0 between two passes; 143 when the signal lands in a pass, which is
    // then recorded interrupted.
    let code = wait_exit(&mut child, 20).await;
    assert!(code == 0 || code == 143, "exit {code}");
    let said = std::fs::read_to_string(&log).unwrap();
    let _ = std::fs::remove_file(&log);
    assert!(said.contains("stopping"), "{said}");
    assert!(
        !said.contains("draining requests in flight"),
        "a web server's message from a command that runs none: {said}"
    );

    m.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_backfill_exits_non_zero() {
    let db = TestDb::new().await.unwrap();
    let sim = simulator().await;
    let mut m = cmd_with(&db.url, &sim.base_url());
    m.arg("migrate");
    assert_eq!(run_async(m).await.0, 0);
    sim.set_faults(stripe_sync_simulator::Faults {
        rate_500: 1.0,
        ..Default::default()
    });
    let mut c = cmd_with(&db.url, &sim.base_url());
    // Fail fast: the client's retries would otherwise wait for minutes.
    c.args(["backfill", "customer", "--max-retries", "0"])
        .args(["--stripe-account", sim.account_id()]);
    let (code, out, err) = tokio::time::timeout(Duration::from_secs(240), run_async(c))
        .await
        .expect("backfill against a failing API should give up");
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("failed"), "{out}");
    assert!(err.contains("customer"), "{err}");
    sim.shutdown().await;
    db.drop_db().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn webhook_create_list_delete() {
    let m = Mirror::new().await;
    let (code, out, err) = m.go(&["webhook", "list"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("no managed webhooks"), "{out}");

    let (code, out, err) = m
        .go(&["webhook", "create", "https://example.com/webhooks"])
        .await;
    assert_eq!(code, 0, "{err}");
    let id = out.split_whitespace().next().unwrap().to_string();
    assert!(id.starts_with("we_"), "{out}");
    assert!(
        !out.contains("whsec_"),
        "the secret must not be printed: {out}"
    );

    let (code, out, _) = m.go(&["webhook", "list"]).await;
    assert_eq!(code, 0);
    assert!(
        out.contains(&id) && out.contains("https://example.com/webhooks"),
        "{out}"
    );

    let (code, out, err) = m.go(&["webhook", "delete", &id]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&id));
    let (_, out, _) = m.go(&["webhook", "list"]).await;
    assert!(!out.contains(&format!("{id}\tenabled")), "{out}");
    m.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn simulate_serves_until_interrupted() {
    let port = common::free_port();
    let mut c = cmd();
    c.args([
        "simulate",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--customers",
        "7",
    ])
    // Nothing beside the binary: its embedded fixtures.
    .current_dir(std::env::temp_dir())
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    let mut child = c.spawn().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let body = stripe_sync_tests::wait_for("the simulator to answer", || async {
        match http
            .get(format!("{base}/v1/customers?limit=100"))
            .basic_auth("sk_test_x", Some(""))
            .send()
            .await
        {
            Ok(r) => Ok(Some(r.json::<serde_json::Value>().await?)),
            Err(_) => Ok(None),
        }
    })
    .await
    .unwrap();
    assert_eq!(body["data"].as_array().unwrap().len(), 7);
    signal(&child, "INT");
    assert_eq!(wait_exit(&mut child, 20).await, 0);
}

/// A write at the simulator that records no event and sends no webhook:
/// drift the mirror cannot hear of.
async fn quiet(
    base: &str,
    account: Option<&str>,
    method: reqwest::Method,
    path: &str,
    form: &[(&str, &str)],
) {
    let mut r = reqwest::Client::new()
        .request(method, format!("{base}{path}"))
        .basic_auth("sk_test_cli", Some(""))
        .header("Simulator-Quiet", "true")
        .form(form);
    if let Some(a) = account {
        r = r.header("Stripe-Account", a);
    }
    let r = r.send().await.unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_finds_repairs_and_says_so_in_its_exit_code() {
    let db = TestDb::new().await.unwrap();
    let sim = stripe_sync_simulator::start(
        stripe_sync_simulator::SimConfig::small_account(common::fixtures())
            .with_connected_accounts(2),
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .unwrap();
    let m = Mirror { db, sim };
    let base = m.sim.base_url();
    let (code, _, err) = m.go(&["migrate"]).await;
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = m
        .go(&[
            "backfill",
            "customer",
            "invoice",
            "product",
            "--connected-accounts",
        ])
        .await;
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = m.go(&["verify", "customer", "--connected-accounts"]).await;
    assert_eq!(code, 0, "{out}{err}");

    // One stale customer on the platform, one extra on a connected account.
    let platform = m.sim.account_id().to_string();
    let connected = m.sim.connected_accounts()[0].clone();
    let id = |account: &str| {
        m.sim.objects_of(account, "customer")[0]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (stale, extra) = (id(&platform), id(&connected));
    let post = reqwest::Method::POST;
    quiet(
        &base,
        None,
        post,
        &format!("/v1/customers/{stale}"),
        &[("name", "quietly renamed")],
    )
    .await;
    let delete = reqwest::Method::DELETE;
    quiet(
        &base,
        Some(&connected),
        delete,
        &format!("/v1/customers/{extra}"),
        &[],
    )
    .await;

    let (code, out, err) = m.go(&["verify", "customer"]).await;
    assert_eq!(code, 3, "{out}{err}");
    assert!(out.contains(&format!("stale customer {stale}")), "{out}");
    assert!(
        err.contains("1 differences found") && err.contains("--repair"),
        "{err}"
    );

    let (code, out, err) = m
        .go(&["verify", "customer", "--connected-accounts", "--json"])
        .await;
    assert_eq!(code, 3, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let c = &v["types"]["customer"];
    assert_eq!(
        (
            c["stale"].as_i64(),
            c["extra"].as_i64(),
            c["missing"].as_i64()
        ),
        (Some(1), Some(1), Some(0)),
        "{v}"
    );
    assert_eq!(v["accounts"].as_object().unwrap().len(), 3, "{v}");
    assert_eq!(
        v["accounts"][&connected]["types"]["customer"]["extra"], 1,
        "{v}"
    );

    let (code, out, err) = m
        .go(&["verify", "customer", "--connected-accounts", "--repair"])
        .await;
    assert_eq!(code, 3, "{out}{err}");
    assert!(out.matches("— repaired").count() == 2, "{out}");
    let (code, out, err) = m.go(&["verify", "customer", "--connected-accounts"]).await;
    assert_eq!(code, 0, "{out}{err}");

    // A budget smaller than the lists samples them and states a bound.
    let (code, out, err) = m
        .go(&["verify", "customer", "invoice", "product", "--budget", "3"])
        .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("sampled") && out.contains("at 95% confidence fewer than"),
        "{out}"
    );
    let (code, out, err) = m.go(&["status"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Verify: last run per account and type"),
        "{out}"
    );
    // status leads with one line per account (the platform and its two
    // connected accounts), and --account narrows every part to one.
    let after = out.split_once("Accounts (3):\n").expect(&out).1;
    let lines: Vec<&str> = after.lines().take(3).collect();
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("  acct_") && l.contains(" rows in ") && l.contains("verify:")),
        "{out}"
    );
    assert_eq!(
        lines.iter().filter(|l| l.contains("(platform)")).count(),
        1,
        "{out}"
    );
    let connected = lines
        .iter()
        .find(|l| l.contains("(connected)"))
        .and_then(|l| l.trim().split(' ').next())
        .expect(&out);
    let (code, json, err) = m.go(&["status", "--json", "--account", connected]).await;
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    for part in ["runs", "cursors", "verify"] {
        let items = v[part].as_array().unwrap();
        assert!(!items.is_empty(), "{part}: {json}");
        assert!(
            items.iter().all(|x| x["account"] == connected),
            "{part}: {json}"
        );
    }
    assert_eq!(v["rows_by_account"].as_object().unwrap().len(), 1, "{json}");
    assert!(v["rows"]["customers"].as_i64().unwrap() > 0, "{json}");
    let (code, text, err) = m.go(&["status", "--account", connected]).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains("Accounts (1):") && text.contains(&format!("Rows per table ({connected}):")),
        "{text}"
    );
    let (_, all, _) = m.go(&["status"]).await;
    assert!(text.lines().count() < all.lines().count(), "{text}");
    let (code, _, err) = m.go(&["verify", "subscription_item"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--children"), "{err}");
    m.finish().await;
}

/// A restricted key the simulator limits to customers and invoices: the run
/// summary names every other type once with the permission it needs and the
/// run succeeds; the next `backfill --plan` names them from that run.
#[tokio::test(flavor = "multi_thread")]
async fn a_restricted_key_names_what_it_may_not_read_in_the_summary_and_the_next_plan() {
    const KEY: &str = "rk_test_cli_customers_and_invoices";
    let mut config = stripe_sync_simulator::SimConfig::small_account(common::fixtures());
    config.restricted_keys.insert(
        KEY.to_string(),
        ["customer", "invoice"]
            .map(String::from)
            .into_iter()
            .collect(),
    );
    let db = TestDb::new().await.unwrap();
    let sim = stripe_sync_simulator::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let m = Mirror { db, sim };
    let (code, _, err) = m.go(&["migrate"]).await;
    assert_eq!(code, 0, "{err}");
    let account = m.sim.account_id().to_string();
    let go = |args: &[&str]| {
        let mut c = cmd_with(&m.db.url, &m.sim.base_url());
        c.env("STRIPE_SECRET_KEY", KEY)
            .env("STRIPE_ACCOUNT_ID", &account)
            .args(args);
        run_async(c)
    };
    let (code, out, err) = go(&["backfill", "customer", "invoice", "product", "price"]).await;
    assert_eq!(code, 0, "{out}{err}");
    let line = |text: &str, start: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.trim_start().starts_with(start))
            .map(String::from)
            .collect()
    };
    let named = line(&out, "not permitted with this key");
    assert_eq!(
        named,
        vec!["not permitted with this key (2), the other types went on: price (needs rak_price_read), product (needs rak_product_read)".to_string()],
        "{out}"
    );
    assert!(out.contains("0 skipped, 2 not permitted"), "{out}");
    assert!(
        !out.lines()
            .any(|l| l.starts_with("product ") || l.starts_with("price ")),
        "the table leaves them to that one line: {out}"
    );

    let (code, out, err) = go(&["backfill", "--plan"]).await;
    assert_eq!(code, 0, "{out}{err}");
    let named = line(&out, "not permitted with this key");
    assert_eq!(named.len(), 1, "{out}");
    assert!(
        named[0].ends_with("price (needs rak_price_read), product (needs rak_product_read)"),
        "{out}"
    );
    m.finish().await;
}

/// Creates a customer at the simulator (its event recorded, no webhook
/// endpoint to deliver it to).
async fn new_customer(m: &Mirror, name: &str) {
    let r = reqwest::Client::new()
        .post(format!("{}/v1/customers", m.sim.base_url()))
        .basic_auth("sk_test_cli", Some(""))
        .form(&[("name", name)])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
}

/// `changes`: every backfilled row once as JSON lines; a named consumer
/// resumes after what it printed; the retention refuses a pruned position
/// with the fix in the message.
/// A type named on the command line that can't be listed says why.
#[tokio::test(flavor = "multi_thread")]
async fn a_type_that_cannot_be_listed_says_why_it_is_skipped() {
    let m = Mirror::new().await;
    let (code, out, err) = m.go(&["backfill", "alipay_account", "tax_rate"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("skipped (1): alipay_account — cannot be listed:"),
        "{out}"
    );
    assert!(out.contains("1 skipped"), "{out}");
    m.finish().await;
}

/// Per-customer entitlement lists are not asked for while the account has
/// no feature (none can hold anything), and the summary says why; once a
/// feature exists they are.
#[tokio::test(flavor = "multi_thread")]
async fn entitlement_lists_wait_for_a_feature() {
    let m = Mirror::new().await;
    let lists = |m: &Mirror| {
        m.sim
            .requests_by_endpoint()
            .get("GET /v1/entitlements/active_entitlements")
            .copied()
            .unwrap_or(0)
    };
    let types = [
        "backfill",
        "customer",
        "entitlements.feature",
        "entitlements.active_entitlement",
    ];
    let (code, out, err) = m.go(&types).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(lists(&m), 0, "{out}");
    assert!(
        out.contains("skipped (1): entitlements.active_entitlement — the account has no entitlements.feature"),
        "{out}"
    );
    let customers = count(&m.db, "customers").await;
    assert!(customers > 0);
    let r = reqwest::Client::new()
        .post(format!("{}/v1/entitlements/features", m.sim.base_url()))
        .basic_auth("sk_test_cli", Some(""))
        .form(&[("name", "Seats"), ("lookup_key", "seats")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let (code, out, err) = m.go(&types).await;
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("skipped (1)"), "{out}");
    assert_eq!(lists(&m) as i64, customers, "one list per customer: {out}");
    m.finish().await;
}

/// The position `consumer` acknowledged.
async fn acknowledged(m: &Mirror, consumer: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT coalesce((SELECT position FROM stripe_sync.change_consumers WHERE name = $1), 0)",
    )
    .bind(consumer)
    .fetch_one(&m.db.pool)
    .await
    .unwrap()
}

/// `changes --consumer` killed (SIGKILL) at random points, and started again
/// each time: every run prints the entries right after the position the
/// consumer acknowledged, with no gap, and what each run acknowledged, put
/// end to end, is every entry exactly once. (What a run printed after its
/// last acknowledgement is printed again by the next: at most one page.)
#[tokio::test(flavor = "multi_thread")]
async fn a_killed_consumer_resumes_right_after_what_it_acknowledged() {
    let m = Mirror::new().await;
    let (code, _, err) = m.go(&["backfill", "customer"]).await;
    assert_eq!(code, 0, "{err}");
    stripe_sync_tests::changes_settled(&m.db.pool)
        .await
        .unwrap();
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe_sync.changes")
        .fetch_one(&m.db.pool)
        .await
        .unwrap();
    assert!(total >= 20, "{total} entries");
    let mut rng = stripe_sync_tests::Rng::new(0x34_c0ffee);
    let (mut handled, mut runs, mut cut_short, mut reprinted) = (Vec::new(), 0, 0, 0);
    let mut position = 0;
    while position < total {
        runs += 1;
        assert!(
            runs <= 400,
            "no progress after {runs} runs: at {position} of {total}"
        );
        // Named, so that its session can be seen to end.
        let sep = if m.db.url.contains('?') { '&' } else { '?' };
        let url = format!("{}{sep}application_name=killed_consumer", m.db.url);
        let mut c = cmd_with(&url, &m.sim.base_url());
        c.args([
            "changes",
            "--consumer",
            "killed",
            "--follow",
            "--json",
            "--limit",
            "3",
            "--interval",
            "0.05",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
        let mut child = c.spawn().unwrap();
        let mut lines = stdout_lines(&mut child);
        // Killed after 0 to 8 lines were read, or once all were.
        let wait_for = rng.below(10);
        let mut printed = Vec::new();
        while printed.len() < wait_for {
            match tokio::time::timeout(Duration::from_secs(2), lines.recv()).await {
                Ok(Some(l)) => printed.push(l),
                _ => break,
            }
        }
        signal(&child, "KILL");
        wait_exit(&mut child, 20).await;
        // An acknowledgement sent just before the kill may still commit:
        // the position is read once the server has ended the session.
        let deadline = std::time::Instant::now() + stripe_sync_tests::WAIT_LIMIT;
        loop {
            let sessions: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'killed_consumer'",
            )
            .fetch_one(&m.db.pool)
            .await
            .unwrap();
            if sessions == 0 {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the consumer's session outlived it"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        while let Some(l) = lines.recv().await {
            printed.push(l);
        }
        let seqs: Vec<i64> = printed
            .iter()
            .map(|l| {
                let v: serde_json::Value =
                    serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"));
                v["seq"].as_i64().unwrap()
            })
            .collect();
        let expected: Vec<i64> = (position + 1..=position + seqs.len() as i64).collect();
        assert_eq!(seqs, expected, "run {runs} after position {position}");
        let now = acknowledged(&m, "killed").await;
        assert!(
            now >= position && now <= position + seqs.len() as i64,
            "run {runs}: acknowledged {now} after printing {seqs:?} from {position}"
        );
        if now < total {
            cut_short += 1;
        }
        reprinted += seqs.iter().filter(|&&s| s > now).count();
        handled.extend(seqs.into_iter().filter(|&s| s <= now));
        position = now;
    }
    println!("{runs} runs ({cut_short} killed before the end): {total} entries, {reprinted} printed again after a kill");
    assert!(
        cut_short >= 3,
        "only {cut_short} runs were killed mid-stream"
    );
    assert_eq!(handled, (1..=total).collect::<Vec<i64>>());
    m.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn changes_prints_each_change_once_and_a_consumer_resumes() {
    let m = Mirror::new().await;
    let (code, _, err) = m.go(&["backfill", "customer"]).await;
    assert_eq!(code, 0, "{err}");
    let customers = count(&m.db, "customers").await;
    let lines = |out: &str| -> Vec<serde_json::Value> {
        out.lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
            .collect()
    };
    // Entries are numbered once no older transaction runs on the server
    // (other tests' included): wait for that before each read.
    stripe_sync_tests::changes_settled(&m.db.pool)
        .await
        .unwrap();
    let (code, out, err) = m.go(&["changes", "--since", "0", "--json"]).await;
    assert_eq!(code, 0, "{err}");
    let all = lines(&out);
    assert_eq!(all.len() as i64, customers, "{out}");
    for (i, c) in all.iter().enumerate() {
        assert_eq!(c["seq"], i as i64 + 1, "{c}");
        assert!(c["account"].is_string() && c["id"].is_string(), "{c}");
        assert_eq!(
            (&c["table"], &c["op"], &c["source"]),
            (&"customers".into(), &"created".into(), &"backfill".into())
        );
    }
    let (code, out, err) = m
        .go(&["changes", "--consumer", "mailer", "--json", "--limit", "7"])
        .await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        lines(&out).len() as i64,
        customers,
        "pages of 7 until the end"
    );
    let (_, out, _) = m.go(&["changes", "--consumer", "mailer", "--json"]).await;
    assert!(out.is_empty(), "acknowledged: {out}");

    // A new customer at Stripe, caught up from /v1/events: one entry, read by the consumer.
    new_customer(&m, "after the backfill").await;
    let (code, _, err) = m.go(&["sync", "--events-only"]).await;
    assert_eq!(code, 0, "{err}");
    stripe_sync_tests::changes_settled(&m.db.pool)
        .await
        .unwrap();
    let (_, out, _) = m.go(&["changes", "--consumer", "mailer", "--json"]).await;
    let new = lines(&out);
    assert_eq!(new.len(), 1, "{out}");
    assert_eq!(
        (&new[0]["op"], &new[0]["source"]),
        (&"created".into(), &"catch_up".into())
    );
    assert!(
        new[0]["event_id"]
            .as_str()
            .is_some_and(|e| e.starts_with("evt_")),
        "{}",
        new[0]
    );
    let (_, text, _) = m
        .go(&["changes", "--since", &(customers).to_string()])
        .await;
    assert!(
        text.contains("customers") && text.contains("created") && text.contains("catch_up"),
        "{text}"
    );

    // --follow prints what comes later, until interrupted.
    let mut c = cmd_with(&m.db.url, &m.sim.base_url());
    c.args([
        "changes",
        "--follow",
        "--json",
        "--interval",
        "0.2",
        "--since",
    ])
    .arg((customers + 1).to_string())
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    let mut follower = c.spawn().unwrap();
    let mut followed = stdout_lines(&mut follower);
    new_customer(&m, "while following").await;
    let (code, _, err) = m.go(&["sync", "--events-only"]).await;
    assert_eq!(code, 0, "{err}");
    let line = wait_line(&mut followed, "\"op\":\"created\"").await;
    let entry: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(entry["seq"], customers + 2, "{line}");
    signal(&follower, "INT");
    assert_eq!(wait_exit(&mut follower, 20).await, 0);

    // The settings, as the README gives them; off and on again.
    let (code, out, err) = m
        .go(&[
            "changes",
            "settings",
            "--max-age-days",
            "30",
            "--max-rows",
            "10000000",
        ])
        .await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("on; kept for 30 days, at most 10000000 entries"),
        "{out}"
    );
    let (_, out, _) = m.go(&["changes", "settings", "--enabled", "false"]).await;
    assert!(out.contains("change log: OFF"), "{out}");
    let (_, out, _) = m.go(&["changes", "settings", "--enabled", "true"]).await;
    assert!(out.contains("change log: on"), "{out}");
    let (code, out, err) = m.go(&["changes", "settings", "--max-rows", "5"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("for 30 days, at most 5 entries"), "{out}");
    let (code, out, err) = m.go(&["changes", "--since", "1"]).await;
    assert_ne!(code, 0, "{out}");
    assert!(
        err.contains("pruned through position") && err.contains("stripe-sync verify"),
        "{err}"
    );
    m.finish().await;
}

/// The guide's `--schema`: a second mirror (`STRIPE_SYNC_SCHEMA` or
/// `--schema`) is migrated, backfilled and reported apart from the default
/// one; a schema not migrated yet is refused with the command that fixes
/// it; `migrate --export` writes its migrations as plain SQL.
#[tokio::test(flavor = "multi_thread")]
async fn a_second_mirror_in_its_own_schema() {
    let m = Mirror::new().await;
    let with_env = |args: &[&str]| {
        let mut c = cmd_with(&m.db.url, &m.sim.base_url());
        c.env("STRIPE_SYNC_SCHEMA", "stripe_test").args(args);
        run_async(c)
    };
    // The guide's lines (README, Your schema name) as written: the option
    // once, then the variable for the rest.
    let (code, out, err) = m.go(&["migrate", "--schema", "stripe_test"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("schemas stripe_test and stripe_test_sync"),
        "{out}"
    );
    assert!(out.contains("GRANT stripe_test_sync_reader TO"), "{out}");
    let (code, _, err) = with_env(&["backfill", "customer"]).await;
    assert_eq!(code, 0, "{err}");
    let count = |sql: &'static str| {
        let pool = &m.db.pool;
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(pool)
                .await
                .unwrap()
        }
    };
    let customers = m.sim.objects("customer").len() as i64;
    assert!(customers > 0);
    assert_eq!(
        count("SELECT count(*) FROM stripe_test.customers").await,
        customers
    );
    assert_eq!(count("SELECT count(*) FROM stripe.customers").await, 0);
    assert_eq!(count("SELECT count(*) FROM stripe_sync.sync_runs").await, 0);
    let (code, out, err) = with_env(&["status"]).await;
    assert_eq!(code, 0, "{err}");
    let row = out
        .lines()
        .find(|l| l.trim_start().starts_with("customers "))
        .unwrap_or_else(|| panic!("no customers row in status: {out}"));
    assert_eq!(
        row.split_whitespace().last(),
        Some(customers.to_string().as_str()),
        "{out}"
    );
    let (code, out, err) = m.go(&["status", "--json", "--schema", "stripe_test"]).await;
    assert_eq!(code, 0, "{err}");
    let status: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(status["rows"]["customers"], customers, "{out}");
    let (code, out, err) = m.go(&["status", "--json"]).await;
    assert_eq!(code, 0, "{err}");
    let status: serde_json::Value = serde_json::from_str(&out).unwrap();
    // The default mirror lists no table with rows.
    assert_eq!(status["rows"], serde_json::json!({}), "{out}");

    // Not migrated: refused before anything runs, with the fix.
    let (code, _, err) = m.go(&["backfill", "customer", "--schema", "other"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("schema other:") && err.contains("`stripe-sync migrate --schema other`"),
        "{err}"
    );
    let (code, _, err) = m.go(&["migrate", "--schema", "Other"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("lowercase letters"), "{err}");

    // The files, for another migration tool.
    let dir = std::env::temp_dir().join(format!("stripe-sync-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (code, out, err) = m
        .go(&[
            "migrate",
            "--schema",
            "stripe_test",
            "--export",
            dir.to_str().unwrap(),
        ])
        .await;
    assert_eq!(code, 0, "{err}");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(
        files.len(),
        stripe_sync::migrate::migrator().migrations.len(),
        "{out}"
    );
    let first = std::fs::read_to_string(dir.join("0001_stripe_sync_bookkeeping.sql")).unwrap();
    assert!(
        first.contains("CREATE SCHEMA IF NOT EXISTS stripe_test"),
        "{first}"
    );
    assert!(!first.contains("stripe_sync."));
    std::fs::remove_dir_all(&dir).unwrap();
    m.finish().await;
}
