//! Webhooks applied inside PostgreSQL (`stripe_sync.process_webhook`,
//! `stripe_sync.apply_event`): one truth, two paths. The same stream of signed
//! events goes to `serve` (one database) and to `process_webhook`
//! (another); the two databases must end equal, table by table, and both
//! equal to the simulator.

use crate::rsupport::{events_oldest_first, signed_now};
use crate::support::{config_for, fixtures};

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use serde_json::{json, Value};
use sqlx::PgPool;
use stripe_sync::server::{router, AppState, DEFAULT_MAX_BODY_BYTES};
use stripe_sync::webhook::sign;
use stripe_sync::StripeSync;
use stripe_sync_simulator::{start, SimConfig, SimHandle};
use stripe_sync_tests::oracle::Oracle;
use stripe_sync_tests::{wait_for, TestDb};

/// What `stripe_sync.process_webhook` answered: its outcome, or the SQLSTATE
/// and message it raised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlAnswer {
    /// The returned outcome (`applied`, `duplicate`, `rejected: …`, …).
    Outcome(String),
    /// A refusal: SQLSTATE and message.
    Raised(String, String),
}

/// Calls `stripe_sync.process_webhook(body, signature)` in `pool`'s database.
pub async fn process_webhook(pool: &PgPool, body: &[u8], signature: &str) -> Result<SqlAnswer> {
    let r: Result<String, sqlx::Error> =
        sqlx::query_scalar("SELECT stripe_sync.process_webhook($1, $2)")
            .bind(body)
            .bind(signature)
            .fetch_one(pool)
            .await;
    match r {
        Ok(o) => Ok(SqlAnswer::Outcome(o)),
        Err(sqlx::Error::Database(e)) => Ok(SqlAnswer::Raised(
            e.code().map(|c| c.to_string()).unwrap_or_default(),
            e.message().to_string(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Every row of every mirrored table and of the ledger, as comparable JSON
/// (what differs by nature, such as when a row was written, left out).
pub(crate) async fn snapshot(pool: &PgPool) -> Result<BTreeMap<String, Vec<Value>>> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
          WHERE table_schema = 'stripe' AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_%'
          ORDER BY 1",
    )
    .fetch_all(pool)
    .await?;
    let mut out = BTreeMap::new();
    for t in tables {
        let rows: Vec<Value> = sqlx::query_scalar(&format!(
            "SELECT to_jsonb(t) - '_synced_at' FROM stripe.\"{t}\" t ORDER BY id"
        ))
        .fetch_all(pool)
        .await?;
        if !rows.is_empty() {
            out.insert(t, rows);
        }
    }
    out.insert(
        "_events".into(),
        sqlx::query_scalar(
            "SELECT jsonb_build_object('id', id, 'type', type, 'created', created, 'account_id', account_id,
                    'outcome', outcome, 'object_type', object_type, 'object_id', object_id,
                    'livemode', livemode, 'api_version', api_version, 'source', source, 'raw', _raw_data)
               FROM stripe_sync.events ORDER BY id",
        )
        .fetch_all(pool)
        .await?,
    );
    out.insert(
        "_list_members".into(),
        sqlx::query_scalar("SELECT to_jsonb(m) FROM stripe_sync.list_members m ORDER BY 1::text")
            .fetch_all(pool)
            .await?,
    );
    out.insert(
        "_webhook_rejections".into(),
        sqlx::query_scalar("SELECT to_jsonb(body) FROM stripe_sync.webhook_rejections ORDER BY id")
            .fetch_all(pool)
            .await?,
    );
    out.insert(
        "_sync_accounts".into(),
        sqlx::query_scalar(
            "SELECT jsonb_build_object('account', account_id, 'state', state, 'reason', reason)
               FROM stripe_sync.sync_accounts ORDER BY account_id",
        )
        .fetch_all(pool)
        .await?,
    );
    Ok(out)
}

/// The differences between two snapshots, table by table, for a message.
pub(crate) fn differences(
    a: &BTreeMap<String, Vec<Value>>,
    b: &BTreeMap<String, Vec<Value>>,
) -> Vec<String> {
    let mut out = Vec::new();
    for t in a
        .keys()
        .chain(b.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let (ra, rb) = (a.get(t), b.get(t));
        if ra != rb {
            let (ra, rb) = (
                ra.cloned().unwrap_or_default(),
                rb.cloned().unwrap_or_default(),
            );
            let first = ra
                .iter()
                .zip(&rb)
                .find(|(x, y)| x != y)
                .map(|(x, y)| format!("serve {x}\n  sql   {y}"))
                .unwrap_or_default();
            out.push(format!(
                "{t}: {} rows through serve, {} through SQL; first difference:\n  {first}",
                ra.len(),
                rb.len()
            ));
        }
    }
    out
}

async fn outcomes(pool: &PgPool) -> Result<BTreeMap<String, i64>> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT outcome, count(*) FROM stripe_sync.events GROUP BY 1 ORDER BY 1")
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().collect())
}

/// The change log as a multiset: (table, id, op, changed properties,
/// version, event, source) of every entry, sorted (positions and times are
/// each database's own).
async fn change_log(pool: &PgPool) -> Result<Vec<String>> {
    let mut rows: Vec<String> = stripe_sync_tests::changes_settled(pool)
        .await?
        .into_iter()
        .map(|c| {
            format!(
                "{} {} {} {} {:?} {:?} {:?}",
                c.table,
                c.id,
                c.op.as_str(),
                c.columns.map(|v| v.to_string()).unwrap_or_default(),
                c.version,
                c.event_id,
                c.source
            )
        })
        .collect();
    rows.sort();
    Ok(rows)
}

/// Both paths of one delivery, in order: `serve` over HTTP, then SQL. The
/// tee answers 200 only when both took it, so the simulator retries what
/// either refused (both then see a duplicate).
struct Tee {
    http: reqwest::Client,
    serve_url: String,
    sql: PgPool,
    lock: tokio::sync::Mutex<Vec<(u16, SqlAnswer)>>,
}

impl Tee {
    async fn deliver(&self, body: &[u8], signature: &str) -> Result<(u16, SqlAnswer)> {
        let mut log = self.lock.lock().await;
        let status = self
            .http
            .post(&self.serve_url)
            .header("Stripe-Signature", signature)
            .body(body.to_vec())
            .send()
            .await?
            .status()
            .as_u16();
        let sql = process_webhook(&self.sql, body, signature).await?;
        log.push((status, sql.clone()));
        Ok((status, sql))
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

async fn post(
    sim: &SimHandle,
    account: Option<&str>,
    path: &str,
    form: &[(&str, &str)],
) -> Result<Value> {
    let mut r = reqwest::Client::new()
        .post(format!("{}{path}", sim.base_url()))
        .bearer_auth("sk_test_runtime_tests")
        .form(form);
    if let Some(a) = account {
        r = r.header("Stripe-Account", a);
    }
    let r = r.send().await?;
    let status = r.status();
    let v: Value = r.json().await?;
    anyhow::ensure!(status.is_success(), "POST {path}: {status} {v}");
    Ok(v)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_and_process_webhook_end_equal_to_each_other_and_to_the_simulator() -> Result<()> {
    let sim = start(
        SimConfig::new(fixtures()).with_connected_accounts(2),
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let platform = sim.account_id().to_string();
    let connected = sim.connected_accounts();
    let (db_serve, db_sql) = (TestDb::new().await?, TestDb::new().await?);

    // The tee receives the simulator's deliveries (its own endpoint and the
    // Connect endpoint, each with its secret) and feeds both paths.
    let tee_app_state: Arc<tokio::sync::OnceCell<Arc<Tee>>> =
        Arc::new(tokio::sync::OnceCell::new());
    let app = {
        let cell = tee_app_state.clone();
        axum::Router::new().route(
            "/",
            axum::routing::post(
                move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                    let cell = cell.clone();
                    async move {
                        let sig = headers
                            .get("stripe-signature")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_string();
                        let Some(tee) = cell.get() else {
                            return axum::http::StatusCode::SERVICE_UNAVAILABLE;
                        };
                        match tee.deliver(&body, &sig).await {
                            Ok((200, SqlAnswer::Outcome(o))) if !o.starts_with("rejected") => {
                                axum::http::StatusCode::OK
                            }
                            _ => axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                        }
                    }
                },
            ),
        )
    };
    let (tee_url, tee_task) = stripe_sync_tests::serve_locally(app).await?;
    let mut secrets = Vec::new();
    for connect in ["false", "true"] {
        let ep = post(
            &sim,
            None,
            "/v1/webhook_endpoints",
            &[
                ("url", &format!("{tee_url}/")),
                ("enabled_events[]", "*"),
                ("connect", connect),
            ],
        )
        .await?;
        secrets.push(
            ep["secret"]
                .as_str()
                .context("endpoint secret")?
                .to_string(),
        );
    }

    // serve: the two secrets comma-separated, the account resolved.
    let mut cfg = config_for(&db_serve, &sim);
    cfg.stripe_webhook_secret = Some(secrets.join(","));
    let serve_sync = StripeSync::new(cfg).await?;
    serve_sync.migrate().await?;
    serve_sync.account_id().await?;
    let state = Arc::new(AppState {
        sync: serve_sync.clone(),
        admin_key: None,
        metrics: Arc::new(stripe_sync::metrics::Metrics::new()),
    });
    let (serve_base, serve_task) =
        stripe_sync_tests::serve_locally(router(state, DEFAULT_MAX_BODY_BYTES)).await?;

    // SQL: migrated the same way; the platform's secret says whose endpoint
    // it is, the Connect one names no account.
    let sql_sync = StripeSync::new(config_for(&db_sql, &sim)).await?;
    sql_sync.migrate().await?;
    sql_sync.account_id().await?;
    sqlx::query("SELECT stripe_sync.add_webhook_secret($1, $2)")
        .bind(&secrets[0])
        .bind(&platform)
        .execute(&db_sql.pool)
        .await?;
    sqlx::query("SELECT stripe_sync.add_webhook_secret($1)")
        .bind(&secrets[1])
        .execute(&db_sql.pool)
        .await?;
    let tee = Arc::new(Tee {
        http: reqwest::Client::new(),
        serve_url: format!("{serve_base}/webhooks"),
        sql: db_sql.pool.clone(),
        lock: tokio::sync::Mutex::new(Vec::new()),
    });
    let _ = tee_app_state.set(tee.clone());

    // 1. Writes in the simulator, delivered by it: creates, updates (several
    //    in one second for the same object), deletes, in the platform and
    //    in a connected account; an invoice whose lines are embedded.
    let mut customers = Vec::new();
    for i in 0..6 {
        let c = post(
            &sim,
            None,
            "/v1/customers",
            &[
                ("name", &format!("c{i}")),
                ("email", &format!("c{i}@example.com")),
            ],
        )
        .await?;
        customers.push(c["id"].as_str().context("customer id")?.to_string());
    }
    for round in 0..3 {
        // Stripe's versions are whole seconds, and the simulator delivers
        // concurrently: rounds a second apart keep the documented
        // same-second limit out of the comparison with the simulator (the
        // hand-made ties below test it on both paths).
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        for c in &customers[..3] {
            post(
                &sim,
                None,
                &format!("/v1/customers/{c}"),
                &[("name", &format!("r{round}"))],
            )
            .await?;
        }
    }
    let product = post(&sim, None, "/v1/products", &[("name", "Plan")]).await?;
    let pid = product["id"].as_str().context("product id")?.to_string();
    let price = post(
        &sim,
        None,
        "/v1/prices",
        &[
            ("product", &pid),
            ("unit_amount", "500"),
            ("currency", "usd"),
        ],
    )
    .await?;
    let _ = price;
    reqwest::Client::new()
        .delete(format!("{}/v1/customers/{}", sim.base_url(), customers[4]))
        .bearer_auth("sk_test_runtime_tests")
        .send()
        .await?
        .error_for_status()?;
    let mut connected_customers = Vec::new();
    for a in &connected {
        let c = post(&sim, Some(a), "/v1/customers", &[("name", "connected")]).await?;
        let id = c["id"].as_str().context("id")?.to_string();
        connected_customers.push((a.clone(), id.clone()));
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        post(
            &sim,
            Some(a),
            &format!("/v1/customers/{id}"),
            &[("name", "connected, renamed")],
        )
        .await?;
    }
    wait_for("every delivery settled", || async {
        Ok((sim.deliveries_in_flight() == 0 && !sim.deliveries().is_empty()).then_some(()))
    })
    .await?;
    let delivered = sim.deliveries().len();

    // 2. The simulator's events again, newest first, re-signed: duplicates
    //    of every id, and older states arriving after newer ones under new ids.
    let events = events_oldest_first(&sim);
    for ev in events.iter().rev() {
        let secret = if ev.get("account").and_then(Value::as_str).is_some() {
            &secrets[1]
        } else {
            &secrets[0]
        };
        let body = serde_json::to_vec(ev)?;
        tee.deliver(&body, &signed_now(&body, secret)).await?;
        let mut older = ev.clone();
        older["id"] = json!(format!("{}_late", ev["id"].as_str().unwrap_or_default()));
        let body = serde_json::to_vec(&older)?;
        tee.deliver(&body, &signed_now(&body, secret)).await?;
    }

    // 3. Events the simulator does not make: an unknown type, an object
    //    without id, another API version's shape, a same-second tie, an
    //    account revoking access, a signed body that is not an event, and
    //    refusals that must leave no trace.
    let t = now();
    let made = [
        json!({"id": "evt_sql_unknown", "object": "event", "type": "unknown.thing", "created": t, "api_version": "2026-04-22.dahlia",
               "data": {"object": {"id": "thing_1", "object": "unknown_thing"}}}),
        json!({"id": "evt_sql_noid", "object": "event", "type": "customer.updated", "created": t,
               "data": {"object": {"object": "customer", "name": "no id"}}}),
        json!({"id": "evt_sql_old_version", "object": "event", "type": "customer.updated", "created": t - 5, "api_version": "2020-08-27",
               "data": {"object": {"id": "cus_sql_old", "object": "customer", "account_balance": 0, "name": "old shape", "created": 1_600_000_000}}}),
        // An invoice whose embedded lines are all there, then the same
        // invoice holding one line fewer: that line is soft-deleted.
        json!({"id": "evt_sql_inv_1", "object": "event", "type": "invoice.created", "created": t,
               "data": {"object": {"id": "in_sql_1", "object": "invoice", "customer": customers[0], "lines": {"object": "list",
                 "data": [{"id": "il_sql_1", "object": "line_item", "amount": 100, "invoice": "in_sql_1"},
                          {"id": "il_sql_2", "object": "line_item", "amount": 200, "invoice": "in_sql_1"}],
                 "has_more": false, "url": "/v1/invoices/in_sql_1/lines"}}}}),
        json!({"id": "evt_sql_inv_2", "object": "event", "type": "invoice.updated", "created": t + 1,
               "data": {"object": {"id": "in_sql_1", "object": "invoice", "customer": customers[0], "lines": {"object": "list",
                 "data": [{"id": "il_sql_1", "object": "line_item", "amount": 150, "invoice": "in_sql_1"}],
                 "has_more": false, "url": "/v1/invoices/in_sql_1/lines"}}}}),
        // A truncated list: its items are written, none is soft-deleted.
        json!({"id": "evt_sql_inv_3", "object": "event", "type": "invoice.updated", "created": t + 2,
               "data": {"object": {"id": "in_sql_2", "object": "invoice", "customer": customers[0], "lines": {"object": "list",
                 "data": [{"id": "il_sql_3", "object": "line_item", "amount": 300, "invoice": "in_sql_2"}],
                 "has_more": true, "url": "/v1/invoices/in_sql_2/lines"}}}}),
        // A customer's complete summary of active entitlements.
        json!({"id": "evt_sql_ent", "object": "event", "type": "entitlements.active_entitlement_summary.updated", "created": t,
               "data": {"object": {"object": "entitlements.active_entitlement_summary", "customer": customers[1], "livemode": false,
                 "entitlements": {"object": "list", "has_more": false, "url": "/v1/customer/x/entitlements",
                   "data": [{"id": "ent_sql_1", "object": "entitlements.active_entitlement", "feature": "feat_1", "livemode": false, "lookup_key": "k1"}]}}}}),
        json!({"id": "evt_sql_tie_a", "object": "event", "type": "customer.updated", "created": t + 100,
               "data": {"object": {"id": "cus_sql_tie", "object": "customer", "name": "first"}}}),
        json!({"id": "evt_sql_tie_b", "object": "event", "type": "customer.updated", "created": t + 100,
               "data": {"object": {"id": "cus_sql_tie", "object": "customer", "name": "second"}}}),
        json!({"id": "evt_sql_deauth", "object": "event", "type": "account.application.deauthorized", "created": t,
               "account": connected[1], "data": {"object": {"id": "ca_1", "object": "application", "name": "stripe-sync"}}}),
    ];
    for ev in &made {
        let secret = if ev.get("account").is_some() {
            &secrets[1]
        } else {
            &secrets[0]
        };
        let body = serde_json::to_vec(ev)?;
        let (status, sql) = tee.deliver(&body, &signed_now(&body, secret)).await?;
        assert_eq!(status, 200, "{ev}");
        assert!(
            matches!(&sql, SqlAnswer::Outcome(o) if !o.starts_with("rejected")),
            "{ev}: {sql:?}"
        );
    }
    let (status, sql) = tee
        .deliver(
            b"{\"not\": \"an event\"}",
            &signed_now(b"{\"not\": \"an event\"}", &secrets[0]),
        )
        .await?;
    assert_eq!(status, 400);
    assert!(
        matches!(&sql, SqlAnswer::Outcome(o) if o.starts_with("rejected: ")),
        "{sql:?}"
    );
    let forged = serde_json::to_vec(
        &json!({"id": "evt_sql_forged", "object": "event", "type": "customer.created", "created": t,
        "data": {"object": {"id": "cus_sql_forged", "object": "customer"}}}),
    )?;
    let refusals = [
        (
            "wrong secret",
            format!("t={t},v1={}", sign(&forged, t, "whsec_wrong")),
        ),
        (
            "old timestamp",
            format!("t={},v1={}", t - 400, sign(&forged, t - 400, &secrets[0])),
        ),
        ("missing header", String::new()),
        ("malformed header", "t=abc".to_string()),
    ];
    for (what, header) in &refusals {
        let (status, sql) = tee.deliver(&forged, header).await?;
        assert_eq!(status, 400, "{what}");
        assert!(
            matches!(&sql, SqlAnswer::Raised(code, _) if code == "SW401"),
            "{what}: {sql:?}"
        );
    }
    let tampered = [&forged[..], b" "].concat();
    let (status, sql) = tee
        .deliver(&tampered, &signed_now(&forged, &secrets[0]))
        .await?;
    assert_eq!(status, 400);
    assert!(
        matches!(&sql, SqlAnswer::Raised(code, _) if code == "SW401"),
        "tampered: {sql:?}"
    );
    let big = vec![b' '; DEFAULT_MAX_BODY_BYTES + 1];
    let (status, sql) = tee.deliver(&big, &signed_now(&big, &secrets[0])).await?;
    assert_eq!(status, 413);
    assert!(
        matches!(&sql, SqlAnswer::Raised(code, _) if code == "SW413"),
        "too large: {sql:?}"
    );

    // serve marks a revoked account after its commit, in the background.
    wait_for("serve marking the revoked account", || async {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM stripe_sync.sync_accounts WHERE state = 'revoked'",
        )
        .fetch_one(&db_serve.pool)
        .await?;
        Ok((n > 0).then_some(()))
    })
    .await?;

    // 4. The two databases: equal table by table.
    let (a, b) = (
        snapshot(&db_serve.pool).await?,
        snapshot(&db_sql.pool).await?,
    );
    let diff = differences(&a, &b);
    let (oa, ob) = (
        outcomes(&db_serve.pool).await?,
        outcomes(&db_sql.pool).await?,
    );
    let rows: usize = a
        .iter()
        .filter(|(t, _)| !t.starts_with('_'))
        .map(|(_, r)| r.len())
        .sum();
    println!(
        "differential: {} simulator deliveries, {} deliveries through the tee, {} ledger rows, {} object rows in {} tables; outcomes serve {oa:?}, sql {ob:?}",
        delivered,
        tee.lock.lock().await.len(),
        a["_events"].len(),
        rows,
        a.keys().filter(|t| !t.starts_with('_')).count(),
    );
    assert!(
        diff.is_empty(),
        "serve and process_webhook differ:\n{}",
        diff.join("\n")
    );
    assert_eq!(oa, ob);
    // The change log: the same entries, whichever path wrote them.
    let (la, lb) = (
        change_log(&db_serve.pool).await?,
        change_log(&db_sql.pool).await?,
    );
    println!("differential: {} change log entries on each side", la.len());
    assert!(la.iter().any(|l| l.contains("Some(\"webhook\")")), "{la:?}");
    let only_serve: Vec<&String> = la.iter().filter(|l| !lb.contains(l)).collect();
    let only_sql: Vec<&String> = lb.iter().filter(|l| !la.contains(l)).collect();
    assert!(
        la == lb,
        "the change logs differ:\nonly serve: {only_serve:#?}\nonly sql: {only_sql:#?}"
    );
    for o in ["applied", "unchanged", "stale", "no_table", "no_id"] {
        assert!(
            oa.get(o).copied().unwrap_or(0) > 0,
            "the stream holds no {o} event: {oa:?}"
        );
    }
    // A duplicate keeps its first outcome in the ledger; the answer says it.
    let duplicates = tee
        .lock
        .lock()
        .await
        .iter()
        .filter(|(status, sql)| *status == 200 && *sql == SqlAnswer::Outcome("duplicate".into()))
        .count();
    assert!(duplicates > 0, "no delivery was answered duplicate");
    let revoked: String =
        sqlx::query_scalar("SELECT state FROM stripe_sync.sync_accounts WHERE account_id = $1")
            .bind(&connected[1])
            .fetch_one(&db_sql.pool)
            .await?;
    assert_eq!(revoked, "revoked");
    let tie: String =
        sqlx::query_scalar("SELECT name FROM stripe.customers WHERE id = 'cus_sql_tie'")
            .fetch_one(&db_sql.pool)
            .await?;
    assert_eq!(tie, "second", "on a same-second tie the later arrival wins");
    let lines: Vec<(String, bool)> = sqlx::query_as(
        "SELECT id, _deleted_at IS NOT NULL FROM stripe.invoice_line_items WHERE id LIKE 'il_sql_%' ORDER BY id",
    )
    .fetch_all(&db_sql.pool)
    .await?;
    assert_eq!(
        lines,
        vec![
            ("il_sql_1".into(), false),
            ("il_sql_2".into(), true),
            ("il_sql_3".into(), false)
        ],
        "a complete list soft-deletes the line it lost; a truncated one deletes nothing"
    );
    let ent: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe.entitlements_active_entitlements WHERE id = 'ent_sql_1' AND customer = $1")
        .bind(&customers[1])
        .fetch_one(&db_sql.pool)
        .await?;
    assert_eq!(ent, 1, "the summary's item is written with its owner");

    // 5. Both equal to the simulator, for what it holds (the hand-made
    //    objects above are not in it).
    for (name, pool) in [("serve", &db_serve.pool), ("sql", &db_sql.pool)] {
        sqlx::query("DELETE FROM stripe.customers WHERE id IN ('cus_sql_tie', 'cus_sql_old')")
            .execute(pool)
            .await?;
        // The connected accounts' customers the stream carried (their
        // seeded graphs were never backfilled here).
        for (account, id) in &connected_customers {
            let want = sim
                .objects_of(account, "customer")
                .into_iter()
                .find(|o| o["id"] == json!(id))
                .context("the simulator's connected customer")?;
            let got: (Value, String) =
                sqlx::query_as("SELECT _raw_data, _account_id FROM stripe.customers WHERE id = $1")
                    .bind(id)
                    .fetch_one(pool)
                    .await?;
            assert_eq!(got, (want, account.clone()), "{name}: {id}");
        }
        sqlx::query("DELETE FROM stripe.customers WHERE _account_id <> $1")
            .bind(&platform)
            .execute(pool)
            .await?;
        let report = Oracle::new(&sim)
            .only(&["customer", "product", "price"])
            .check(pool)
            .await?;
        report.assert_consistent(&format!("differential, {name}"));
    }

    serve_sync.close().await;
    sql_sync.close().await;
    serve_task.abort();
    tee_task.abort();
    sim.shutdown().await;
    db_serve.drop_db().await?;
    db_sql.drop_db().await?;
    Ok(())
}

/// A database where pgcrypto cannot be had: `migrate` still succeeds,
/// `apply_event` works, and `process_webhook` names the extension.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_pgcrypto_apply_event_works_and_process_webhook_names_the_extension() -> Result<()>
{
    let sim = start(SimConfig::new(fixtures()), "127.0.0.1:0".parse()?).await?;
    let db = TestDb::new().await?;
    // The database's owner runs the migrations (pgcrypto is a trusted
    // extension, which an owner may create).
    let role = format!("{}_owner", db.name);
    let mut admin = sqlx::PgPool::connect(&db.url).await?;
    for sql in [
        format!("CREATE ROLE \"{role}\" LOGIN"),
        format!("ALTER DATABASE \"{}\" OWNER TO \"{role}\"", db.name),
        format!("ALTER SCHEMA public OWNER TO \"{role}\""),
        // CREATE EXTENSION fails, as it fails where the server lacks the
        // extension: a function of the same name is in its way.
        "CREATE SCHEMA extensions".to_string(),
        "CREATE FUNCTION extensions.hmac(bytea, bytea, text) RETURNS bytea LANGUAGE sql AS 'SELECT NULL::bytea'".to_string(),
    ] {
        sqlx::query(&sql).execute(&admin).await?;
    }
    admin.close().await;
    let url = db.url.replacen("postgres@", &format!("{role}@"), 1);
    let mut cfg = stripe_sync::Config::new(&url, "sk_test_runtime_tests");
    cfg.database = stripe_sync::Database::Url {
        url: url.clone(),
        max_connections: 2,
    };
    cfg.stripe_api_base = sim.base_url();
    let sync = StripeSync::new(cfg).await?;
    sync.migrate().await?;
    sync.account_id().await?;
    let has: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pgcrypto')")
            .fetch_one(sync.pool())
            .await?;
    assert!(!has, "pgcrypto was created despite the function in its way");
    let ev = json!({"id": "evt_nopg", "object": "event", "type": "customer.created", "created": now(),
        "data": {"object": {"id": "cus_nopg", "object": "customer", "name": "x"}}});
    let o: String = sqlx::query_scalar("SELECT stripe_sync.apply_event($1)")
        .bind(&ev)
        .fetch_one(sync.pool())
        .await?;
    assert_eq!(o, "applied");
    sqlx::query("SELECT stripe_sync.add_webhook_secret('whsec_nopg')")
        .execute(sync.pool())
        .await?;
    let body = serde_json::to_vec(&ev)?;
    let r = process_webhook(sync.pool(), &body, &signed_now(&body, "whsec_nopg")).await?;
    match r {
        SqlAnswer::Raised(code, msg) => {
            assert_eq!(code, "0A000");
            assert!(msg.contains("pgcrypto"), "{msg}");
        }
        other => panic!("expected a refusal naming pgcrypto, got {other:?}"),
    }
    sync.close().await;
    admin = sqlx::PgPool::connect(&stripe_sync_tests::server_url()).await?;
    sim.shutdown().await;
    db.drop_db().await?;
    sqlx::query(&format!("DROP ROLE IF EXISTS \"{role}\""))
        .execute(&admin)
        .await?;
    admin.close().await;
    Ok(())
}

/// SQL cannot call Stripe: a truncated summary applied by
/// `stripe_sync.apply_event` writes what it holds, soft-deletes nothing and is
/// left pending; the next `sync` lists the rest from the API, soft-deletes
/// what the owner lost and clears the pending reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_summary_the_sql_path_left_pending_is_listed_by_sync() -> Result<()> {
    let sc = SimConfig::new(fixtures())
        .with_count("customer", 1)
        // Entitlements come from features (none: none to list).
        .with_count("entitlements.feature", 1)
        .with_count("entitlements.active_entitlement", 15);
    let e = crate::support::env_with_account(sc, |_| {}).await?;
    let rep = e.sync.backfill(stripe_sync::BackfillRequest::all()).await?;
    assert!(rep.succeeded);
    let cus = e.sim.objects("customer")[0]["id"]
        .as_str()
        .context("customer id")?
        .to_string();
    let mut ents = e.sim.objects("entitlements.active_entitlement");
    ents.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    // An entitlement the customer lost since.
    sqlx::query(
        "INSERT INTO stripe.entitlements_active_entitlements (id, customer, _raw_data, _account_id, _updated_at)
         VALUES ('ent_lost', $1, '{\"id\": \"ent_lost\"}', $2, now() - interval '1 day')",
    )
    .bind(&cus)
    .bind(e.sim.account_id())
    .execute(&e.db.pool)
    .await?;
    let lost_deleted = || async {
        let d: Option<chrono::DateTime<chrono::Utc>> = sqlx::query_scalar(
            "SELECT _deleted_at FROM stripe.entitlements_active_entitlements WHERE id = 'ent_lost'",
        )
        .fetch_one(&e.db.pool)
        .await?;
        anyhow::Ok(d.is_some())
    };
    let reason = || async {
        let r: Option<String> = sqlx::query_scalar(
            "SELECT reason FROM stripe_sync.events WHERE id = 'evt_sql_pending'",
        )
        .fetch_one(&e.db.pool)
        .await?;
        anyhow::Ok(r)
    };

    let ev = json!({"id": "evt_sql_pending", "object": "event", "type": "entitlements.active_entitlement_summary.updated",
        "created": now() - 5, "livemode": false,
        "data": {"object": {"object": "entitlements.active_entitlement_summary", "customer": cus, "livemode": false,
            "entitlements": {"object": "list", "data": ents[..10], "has_more": true, "url": "/v1/customer/entitlements"}}}});
    let outcome: String = sqlx::query_scalar("SELECT stripe_sync.apply_event($1)")
        .bind(&ev)
        .fetch_one(&e.db.pool)
        .await?;
    assert_eq!(
        outcome, "unchanged",
        "the backfill wrote the same ten already"
    );
    assert!(!lost_deleted().await?, "a truncated list deletes nothing");
    let pending = reason().await?;
    assert!(
        pending
            .as_deref()
            .is_some_and(|r| r.starts_with("pending:")),
        "{pending:?}"
    );

    e.sync.sync_events().await?;
    assert!(
        lost_deleted().await?,
        "the listed rest shows the lost one gone"
    );
    assert_eq!(reason().await?, None);
    let live: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM stripe.entitlements_active_entitlements WHERE customer = $1 AND _deleted_at IS NULL",
    )
    .bind(&cus)
    .fetch_one(&e.db.pool)
    .await?;
    assert_eq!(live, 15);
    e.finish().await
}
