//! One object never stops a path (issue 28, items 2 and 3): values
//! PostgreSQL can't hold are escaped losslessly, what it refuses for good
//! is quarantined and the path goes on, and `serve` and
//! `stripe_sync.process_webhook` answer each input alike.

use crate::rsupport::signed_now;
use crate::runtime_sql_events::{differences, process_webhook, snapshot, SqlAnswer};
use crate::support::{config_for, env, fixtures};

use std::sync::Arc;

use anyhow::Result;
use proptest::prelude::*;
use serde_json::{json, Value};
use sqlx::PgPool;
use stripe_sync::server::{router, AppState, DEFAULT_MAX_BODY_BYTES};
use stripe_sync::storable::storable_json;
use stripe_sync::Schema;
use stripe_sync::{BackfillRequest, StripeSync};
use stripe_sync_simulator::SimConfig;
use stripe_sync_tests::TestDb;

const SECRET: &str = "whsec_quarantine_tests";

/// `serve` over HTTP on one database and `process_webhook` on another,
/// both trusting [`SECRET`].
struct TwoPaths {
    serve_url: String,
    serve_db: TestDb,
    sql_db: TestDb,
    _task: tokio::task::JoinHandle<()>,
    http: reqwest::Client,
}

impl TwoPaths {
    async fn new(sim: &stripe_sync_simulator::SimHandle) -> Result<TwoPaths> {
        let (serve_db, sql_db) = (TestDb::new().await?, TestDb::new().await?);
        let mut cfg = config_for(&serve_db, sim);
        cfg.stripe_webhook_secret = Some(SECRET.into());
        let sync = StripeSync::new(cfg).await?;
        sync.migrate().await?;
        sync.account_id().await?;
        let state = Arc::new(AppState {
            sync,
            admin_key: None,
            metrics: Arc::new(stripe_sync::metrics::Metrics::new()),
        });
        let (base, task) =
            stripe_sync_tests::serve_locally(router(state, DEFAULT_MAX_BODY_BYTES)).await?;
        let sql = StripeSync::new(config_for(&sql_db, sim)).await?;
        sql.migrate().await?;
        sql.account_id().await?;
        sqlx::query("SELECT stripe_sync.add_webhook_secret($1)")
            .bind(SECRET)
            .execute(&sql_db.pool)
            .await?;
        sql.close().await;
        Ok(TwoPaths {
            serve_url: format!("{base}/webhooks"),
            serve_db,
            sql_db,
            _task: task,
            http: reqwest::Client::new(),
        })
    }

    /// Delivers `body` signed to both: `serve`'s status and outcome, and
    /// what `process_webhook` said.
    async fn deliver(&self, body: &[u8]) -> Result<((u16, String), SqlAnswer)> {
        let sig = signed_now(body, SECRET);
        let r = self
            .http
            .post(&self.serve_url)
            .header("Stripe-Signature", &sig)
            .body(body.to_vec())
            .send()
            .await?;
        let status = r.status().as_u16();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        let outcome = v["outcome"].as_str().unwrap_or("").to_string();
        let sql = process_webhook(&self.sql_db.pool, body, &sig).await?;
        Ok(((status, outcome), sql))
    }

    async fn finish(self) -> Result<()> {
        self.serve_db.drop_db().await?;
        self.sql_db.drop_db().await
    }
}

async fn scalar<T>(pool: &PgPool, sql: &str) -> Result<T>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Unpin,
{
    Ok(sqlx::query_scalar(sql).fetch_one(pool).await?)
}

fn event(id: &str, object: Value) -> Vec<u8> {
    let created = chrono::Utc::now().timestamp();
    serde_json::to_vec(&json!({
        "id": id, "object": "event", "type": "customer.updated", "created": created,
        "api_version": stripe_sync_generated::API_VERSION, "livemode": false,
        "data": {"object": object},
    }))
    .unwrap()
}

/// `n` characters no compression shrinks (a long id of one repeated
/// character would fit an index compressed).
fn incompressible(n: usize) -> String {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(
                b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                    [(x % 62) as usize],
            )
        })
        .collect()
}

fn customer(id: &str) -> Value {
    json!({"id": id, "object": "customer", "created": 1_700_000_000, "name": "n", "metadata": {}})
}

/// The body with `marker` (a quoted JSON string) replaced by `raw`: JSON
/// text serde would never write (a lone surrogate, deep nesting, a number
/// past every type).
fn with_raw(body: &[u8], marker: &str, raw: &str) -> Vec<u8> {
    String::from_utf8(body.to_vec())
        .unwrap()
        .replacen(&format!("\"{marker}\""), raw, 1)
        .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_postgres_refuses_are_stored_escaped_or_quarantined_alike_by_both_paths(
) -> Result<()> {
    let sim =
        stripe_sync_simulator::start(SimConfig::new(fixtures()), "127.0.0.1:0".parse()?).await?;
    let p = TwoPaths::new(&sim).await?;

    // Storable after the escape: applied, the value kept losslessly.
    let mut nul = customer("cus_nul");
    nul["description"] = json!("a\u{0}b");
    let surrogate = with_raw(
        &event("evt_surrogate", customer("cus_surrogate")),
        "n",
        r#""x\ud800y""#,
    );
    let mut big = customer("cus_big");
    big["balance"] = json!(1e30);
    big["created"] = json!(99_999_999_999_999i64);
    for (body, id, column, stored) in [
        (
            event("evt_nul", nul),
            "cus_nul",
            "description",
            Some("a\u{E000}0b"),
        ),
        (surrogate, "cus_surrogate", "name", Some("x\u{E000}d800y")),
        (event("evt_big", big), "cus_big", "balance::text", None),
    ] {
        let (serve, sql) = p.deliver(&body).await?;
        assert_eq!(serve, (200, "applied".to_string()), "{id}");
        assert_eq!(sql, SqlAnswer::Outcome("applied".into()), "{id}");
        for db in [&p.serve_db, &p.sql_db] {
            let v: Option<String> = scalar(
                &db.pool,
                &format!("SELECT {column} FROM stripe.customers WHERE id = '{id}'"),
            )
            .await?;
            assert_eq!(v.as_deref(), stored, "{id}.{column}");
        }
    }
    let created: Option<String> = scalar(
        &p.sql_db.pool,
        "SELECT created::text FROM stripe.customers WHERE id = 'cus_big'",
    )
    .await?;
    assert_eq!(created, None, "a time no timestamp holds reads as NULL");

    // Refused for good: quarantined, answered 200, the ledger says so, and
    // a redelivery is a duplicate.
    let long_id = format!("cus_{}", incompressible(10_000));
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let huge = "1e1000000";
    let cases = [
        ("evt_long_id", event("evt_long_id", customer(&long_id))),
        (
            "evt_deep",
            with_raw(&event("evt_deep", customer("cus_deep")), "n", &deep),
        ),
        (
            "evt_huge",
            with_raw(&event("evt_huge", customer("cus_huge")), "n", huge),
        ),
    ];
    for (id, body) in &cases {
        let (serve, sql) = p.deliver(body).await?;
        assert_eq!(serve, (200, "quarantined".to_string()), "{id}");
        assert_eq!(sql, SqlAnswer::Outcome("quarantined".into()), "{id}");
        let (serve, sql) = p.deliver(body).await?;
        assert_eq!(serve.0, 200, "{id} again");
        assert!(matches!(sql, SqlAnswer::Outcome(_)), "{id} again: {sql:?}");
    }
    for db in [&p.serve_db, &p.sql_db] {
        let q: Vec<(String, String, i32)> = sqlx::query_as(
            "SELECT coalesce(event_id, ''), sqlstate, attempts FROM stripe_sync.quarantine ORDER BY id",
        )
        .fetch_all(&db.pool)
        .await?;
        let states: Vec<&str> = q.iter().map(|r| r.1.as_str()).collect();
        assert_eq!(states, ["54000", "54001", "22003"], "{q:?}");
        // The long id's event is in the ledger (its object id cut), quarantined.
        let ledger: String = scalar(
            &db.pool,
            "SELECT outcome FROM stripe_sync.events WHERE id = 'evt_long_id'",
        )
        .await?;
        assert_eq!(ledger, "quarantined");
        // Stored bodies are the exact signed text (made storable).
        let body: String = scalar(
            &db.pool,
            "SELECT body FROM stripe_sync.quarantine WHERE event_id = 'evt_long_id'",
        )
        .await?;
        assert_eq!(body.as_bytes(), cases[0].1.as_slice());
    }

    // An event from the future is refused by both, and a rejected body
    // delivered twice is one row counted twice.
    let mut future: Value = serde_json::from_slice(&event("evt_future", customer("cus_f")))?;
    future["created"] = json!(chrono::Utc::now().timestamp() + 3600);
    let future = serde_json::to_vec(&future)?;
    for _ in 0..2 {
        let (serve, sql) = p.deliver(&future).await?;
        assert_eq!(serve.0, 400);
        assert!(
            matches!(&sql, SqlAnswer::Outcome(o) if o.starts_with("rejected: event created later")),
            "{sql:?}"
        );
    }
    for db in [&p.serve_db, &p.sql_db] {
        let rows: Vec<i64> = sqlx::query_scalar("SELECT count FROM stripe_sync.webhook_rejections")
            .fetch_all(&db.pool)
            .await?;
        assert_eq!(rows, [2]);
        let customer: i64 = scalar(
            &db.pool,
            "SELECT count(*) FROM stripe.customers WHERE id = 'cus_f'",
        )
        .await?;
        assert_eq!(customer, 0);
    }
    // Both databases end equal, table by table (ledger and rejections
    // included), and hold the same quarantine.
    let (a, b) = (
        snapshot(&p.serve_db.pool).await?,
        snapshot(&p.sql_db.pool).await?,
    );
    let diff = differences(&a, &b);
    assert!(diff.is_empty(), "{}", diff.join("\n"));
    let quarantine = |pool: PgPool| async move {
        sqlx::query_scalar::<_, Value>(
            "SELECT jsonb_build_object('kind', kind, 'source', source, 'account', account_id, 'object', left(object_id, 20),
                    'event', event_id, 'sqlstate', sqlstate, 'body', encode(body_sha256, 'hex'), 'attempts', attempts)
               FROM stripe_sync.quarantine ORDER BY id",
        )
        .fetch_all(&pool)
        .await
    };
    assert_eq!(
        quarantine(p.serve_db.pool.clone()).await?,
        quarantine(p.sql_db.pool.clone()).await?
    );
    p.finish().await?;
    sim.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_webhook_commits_durably_whatever_the_server_default() -> Result<()> {
    let db = TestDb::new().await?;
    stripe_sync::sync::migrate(&db.pool).await?;
    sqlx::query("SELECT stripe_sync.add_webhook_secret($1)")
        .bind(SECRET)
        .execute(&db.pool)
        .await?;
    let mut conn = db.pool.acquire().await?;
    sqlx::query("SET synchronous_commit = off")
        .execute(&mut *conn)
        .await?;
    let body = event("evt_durable", customer("cus_durable"));
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let outcome: String = sqlx::query_scalar("SELECT stripe_sync.process_webhook($1, $2)")
        .bind(&body)
        .bind(signed_now(&body, SECRET))
        .fetch_one(&mut *tx)
        .await?;
    // The setting the commit will run with, read inside the transaction.
    let setting: String = sqlx::query_scalar("SELECT current_setting('synchronous_commit')")
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    assert_eq!(outcome, "unattributed");
    assert_eq!(setting, "on");
    drop(conn);
    db.drop_db().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backfill_and_catch_up_quarantine_one_object_and_go_on() -> Result<()> {
    let e = env(
        SimConfig::new(fixtures())
            .with_count("product", 30)
            .with_count("customer", 20),
        |_| {},
    )
    .await?;
    // A product whose id no index holds; a customer a constraint of the
    // user's refuses (fixable); a customer whose description holds U+0000.
    let long_id = format!("prod_{}", incompressible(10_000));
    e.post("/v1/products", &[("name", "too long"), ("id", &long_id)])
        .await?;
    sqlx::query(
        "ALTER TABLE stripe.customers ADD CONSTRAINT not_refused CHECK (name IS DISTINCT FROM 'refused')",
    )
    .execute(&e.db.pool)
    .await?;
    let ids: Vec<String> = e.sim_ids("customer").into_iter().collect();
    e.post(
        &format!("/v1/customers/{}", ids[0]),
        &[("description", "a\u{0}b")],
    )
    .await?;
    e.post(&format!("/v1/customers/{}", ids[2]), &[("name", "refused")])
        .await?;

    let rep = e
        .sync
        .backfill(BackfillRequest::objects(["product", "customer"]))
        .await?;
    assert!(rep.succeeded, "{rep:?}");
    let products = e.sim_ids("product").len() as i64;
    let customers = e.sim_ids("customer").len() as i64;
    assert_eq!(
        e.count("SELECT count(*) FROM stripe.products").await?,
        products - 1
    );
    assert_eq!(
        e.count("SELECT count(*) FROM stripe.customers").await?,
        customers - 1
    );
    let desc: Option<String> =
        sqlx::query_scalar("SELECT description FROM stripe.customers WHERE id = $1")
            .bind(&ids[0])
            .fetch_one(&e.db.pool)
            .await?;
    assert_eq!(desc.as_deref(), Some("a\u{E000}0b"));
    let q = stripe_sync::quarantine::list(&Schema::default(), &e.db.pool).await?;
    let mut states: Vec<(&str, &str)> = q
        .iter()
        .map(|r| (r.kind.as_str(), r.sqlstate.as_str()))
        .collect();
    // Products and customers are listed at once: either may come first.
    states.sort_unstable();
    assert_eq!(states, [("object", "23514"), ("object", "54000")], "{q:?}");

    // The catch-up: what the database refuses is quarantined, the change
    // after it is applied and the cursor moves past all of them.
    e.post(
        &format!("/v1/products/{long_id}"),
        &[("name", "still too long")],
    )
    .await?;
    e.post(
        &format!("/v1/customers/{}", ids[1]),
        &[("name", "after it")],
    )
    .await?;
    let r = e.sync.sync_events().await?;
    assert!(r.applied >= 1, "{r:?}");
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM stripe.customers WHERE id = $1")
            .bind(&ids[1])
            .fetch_one(&e.db.pool)
            .await?;
    assert_eq!(name.as_deref(), Some("after it"));
    let quarantined_events = e
        .count("SELECT count(*) FROM stripe_sync.events WHERE outcome = 'quarantined'")
        .await?;
    assert_eq!(
        quarantined_events, 3,
        "product created and updated, the refused customer"
    );
    let again = e.sync.sync_events().await?;
    assert_eq!(again.fetched, 0, "{again:?}");

    // Once the cause is fixed, retry writes what it can; the long id stays.
    sqlx::query("ALTER TABLE stripe.customers DROP CONSTRAINT not_refused")
        .execute(&e.db.pool)
        .await?;
    let open = stripe_sync::quarantine::count(&Schema::default(), &e.db.pool).await?;
    let retried = e.sync.retry_quarantined().await?;
    assert_eq!(
        retried.written, 2,
        "the customer, as object and as event: {retried:?}"
    );
    assert_eq!(retried.still_quarantined as i64, open - 2);
    assert_eq!(
        e.count("SELECT count(*) FROM stripe.customers").await?,
        customers
    );
    assert_eq!(
        stripe_sync::quarantine::count(&Schema::default(), &e.db.pool).await?,
        open - 2
    );
    // /metrics counts what is still there.
    let metrics = stripe_sync::metrics::Metrics::new();
    metrics
        .refresh_gauges(&Schema::default(), &e.db.pool)
        .await?;
    let text = metrics.render();
    assert!(
        text.contains(&format!("\nstripe_sync_quarantined {}\n", open - 2)),
        "{text}"
    );
    e.finish().await
}

/// The pieces JSON text is made of, hostile ones included.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z \u{e9}\u{1F600}]{0,3}",
        Just(r"\u0000".to_string()),
        Just(r"\ud800".to_string()),
        Just(r"\uDBFF".to_string()),
        Just(r"\udc00".to_string()),
        Just(r"\ud83d\ude00".to_string()),
        Just(r"\\".to_string()),
        Just(r"\\u0000".to_string()),
        Just(r"\ue000".to_string()),
        Just(r"\uE000".to_string()),
        Just("\u{E000}".to_string()),
        Just(r"\n".to_string()),
        Just(r#"\""#.to_string()),
        Just(r"\u00e9".to_string()),
    ]
}

#[test]
fn the_storable_escape_is_the_same_in_rust_and_sql() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::new()).unwrap();
    rt.block_on(stripe_sync::sync::migrate(&db.pool)).unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(500));
    runner
        .run(&proptest::collection::vec(piece(), 0..12), |pieces| {
            let text = format!("{{\"k{}\":\"{}\"}}", pieces.concat(), pieces.concat());
            let sql: String = rt
                .block_on(
                    sqlx::query_scalar("SELECT stripe_sync.storable_json($1)")
                        .bind(&text)
                        .fetch_one(&db.pool),
                )
                .unwrap();
            let rust = storable_json(&text);
            prop_assert_eq!(&sql, rust.as_ref());
            // And PostgreSQL holds the result.
            let ok: bool = rt
                .block_on(
                    sqlx::query_scalar("SELECT $1::jsonb IS NOT NULL")
                        .bind(rust.as_ref())
                        .fetch_one(&db.pool),
                )
                .unwrap();
            prop_assert!(ok);
            Ok(())
        })
        .unwrap();
    rt.block_on(db.drop_db()).unwrap();
}
