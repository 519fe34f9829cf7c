//! `stripe-sync serve` as a subprocess: webhooks (signed, bad signature,
//! database down), health, readiness, metrics, admin auth, graceful shutdown.

use crate::common;

use std::process::{Child, Stdio};

use common::{cmd_with, free_port, signal, simulator, wait_exit, wait_http_ok};
use serde_json::json;
use stripe_sync_tests::TestDb;

const SECRET: &str = "whsec_cli_test";
const ADMIN: &str = "admin-key-for-tests";

/// Starts `serve`; its stderr is collected by a thread (so a full pipe never
/// blocks it) and returned when the thread is joined.
fn start(
    db_url: &str,
    base: &str,
    port: u16,
    admin: Option<&str>,
) -> (Child, std::thread::JoinHandle<String>) {
    let mut c = cmd_with(db_url, base);
    c.env("STRIPE_WEBHOOK_SECRET", SECRET)
        .env("STRIPE_SYNC_NUMBER_CHANGES_EVERY", "0.2")
        .args([
            "serve",
            "--migrate",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(k) = admin {
        c.env("STRIPE_SYNC_API_KEY", k);
    }
    let mut child = c.spawn().expect("spawn serve");
    let mut err = child.stderr.take().expect("stderr");
    let drain = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut err, &mut s);
        s
    });
    (child, drain)
}

fn event(id: &str, customer: &str) -> Vec<u8> {
    let now = chrono::Utc::now().timestamp();
    serde_json::to_vec(&json!({
        "id": id, "object": "event", "type": "customer.created", "created": now,
        "api_version": stripe_sync_generated::API_VERSION, "livemode": false,
        "account": "acct_1SimulatorPlatform0",
        "data": {"object": {"id": customer, "object": "customer", "created": now,
                            "email": "x@example.com", "livemode": false, "metadata": {}}}
    }))
    .unwrap()
}

fn signed(body: &[u8], secret: &str) -> String {
    let t = chrono::Utc::now().timestamp();
    format!("t={t},v1={}", stripe_sync::webhook::sign(body, t, secret))
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_end_to_end() {
    let db = TestDb::new().await.unwrap();
    let sim = simulator().await;
    let port = free_port();
    let (mut child, drain) = start(&db.url, &sim.base_url(), port, Some(ADMIN));
    let base = format!("http://127.0.0.1:{port}");
    wait_http_ok(&format!("{base}/health")).await;
    let http = reqwest::Client::new();

    assert_eq!(
        http.get(format!("{base}/ready"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // A signed event: 200 once committed, and the row is there.
    let body = event("evt_cli_1", "cus_cli_1");
    let r = http
        .post(format!("{base}/webhooks"))
        .header("stripe-signature", signed(&body, SECRET))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let (n,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM stripe.customers WHERE id = 'cus_cli_1'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(n, 1);
    // A duplicate delivery is fine too.
    let r = http
        .post(format!("{base}/webhooks"))
        .header("stripe-signature", signed(&body, SECRET))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // The change log is numbered in the background with nobody reading it
    // (every 0.2 s here): the creation gets position 1.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let numbered: Option<(i64, String)> = sqlx::query_as(
            "SELECT seq, op FROM stripe_sync.changes WHERE object_id = 'cus_cli_1' AND seq IS NOT NULL",
        )
        .fetch_optional(&db.pool)
        .await
        .unwrap();
        if let Some(entry) = numbered {
            assert_eq!(entry, (1, "created".to_string()));
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "serve did not number the change log within 10 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Bad signature, missing signature: 400, nothing written.
    let bad = event("evt_cli_2", "cus_cli_2");
    for sig in [Some(signed(&bad, "whsec_wrong")), None] {
        let mut rq = http.post(format!("{base}/webhooks")).body(bad.clone());
        if let Some(s) = sig {
            rq = rq.header("stripe-signature", s);
        }
        assert_eq!(rq.send().await.unwrap().status(), 400);
    }
    let (n,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM stripe.customers WHERE id = 'cus_cli_2'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(n, 0);

    // Body size limit.
    let huge = vec![b'x'; 2 * 1024 * 1024];
    // Its own client, so that the 413 leaves the shared one alone.
    let r = reqwest::Client::new()
        .post(format!("{base}/webhooks"))
        .header("stripe-signature", signed(&huge, SECRET))
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);

    // Metrics.
    let m = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        m.contains(
            "stripe_sync_webhook_events_total{type=\"customer.created\",outcome=\"applied\"} 1"
        ),
        "{m}"
    );
    assert!(m.contains("outcome=\"duplicate\"} 1"), "{m}");
    assert!(m.contains("outcome=\"bad_signature\"} 2"), "{m}");
    assert!(
        m.contains("stripe_sync_rows_written_total{source=\"webhook\"} 1"),
        "{m}"
    );
    assert!(
        m.contains("stripe_sync_webhook_duration_seconds_count"),
        "{m}"
    );
    assert!(m.contains("stripe_sync_errors_total"), "{m}");

    // Admin routes: bearer token, constant-time compared.
    for auth in [None, Some("Bearer wrong"), Some("admin-key-for-tests")] {
        let mut rq = http.get(format!("{base}/status"));
        if let Some(a) = auth {
            rq = rq.header("authorization", a);
        }
        assert_eq!(rq.send().await.unwrap().status(), 401, "{auth:?}");
    }
    let st: serde_json::Value = http
        .get(format!("{base}/status"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(st["rows"]["customers"], 1);
    let r = http
        .post(format!("{base}/backfill"))
        .bearer_auth(ADMIN)
        .json(&json!({"objects": ["product"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let rep: serde_json::Value = r.json().await.unwrap();
    assert_eq!(rep["succeeded"], true);
    assert_eq!(rep["fetched"], 12);
    let r = http
        .post(format!("{base}/backfill"))
        .bearer_auth(ADMIN)
        .json(&json!({"objects": ["nope"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = http
        .post(format!("{base}/sync/customer"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM stripe.customers")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(n, 81);
    let one = sim.objects("customer")[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = http
        .post(format!("{base}/sync/{one}"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["table"], "customers");

    // Graceful shutdown on SIGTERM drains the request in flight: a slow
    // admin backfill started before the signal still gets its answer.
    sim.set_faults(stripe_sync_simulator::Faults {
        latency: std::time::Duration::from_millis(700),
        path: Some("/v1/coupons".into()),
        ..Default::default()
    });
    let slow = tokio::spawn({
        let http = http.clone();
        let url = format!("{base}/backfill");
        async move {
            http.post(url)
                .bearer_auth(ADMIN)
                .json(&json!({"objects": ["coupon"], "full": true}))
                .send()
                .await
                .map(|r| r.status().as_u16())
        }
    });
    // The signal comes once the backfill's request has reached the
    // simulator, so the admin request is surely in flight.
    stripe_sync_tests::wait_for("the admin backfill's request at the simulator", || async {
        Ok((sim.fault_stats().faulted > 0).then_some(()))
    })
    .await
    .unwrap();
    signal(&child, "TERM");
    assert_eq!(
        slow.await.unwrap().expect("in-flight request answered"),
        200
    );
    assert_eq!(wait_exit(&mut child, 20).await, 0);
    let err = drain.join().unwrap();
    assert!(err.contains("shutdown requested"), "{err}");
    assert!(
        !err.contains(SECRET) && !err.contains(ADMIN) && !err.contains("sk_test_cli"),
        "{err}"
    );
    sim.shutdown().await;
    db.drop_db().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_disabled_without_key_and_5xx_when_database_fails() {
    let db = TestDb::new().await.unwrap();
    let sim = simulator().await;
    let port = free_port();
    let (mut child, _drain) = start(&db.url, &sim.base_url(), port, None);
    let base = format!("http://127.0.0.1:{port}");
    wait_http_ok(&format!("{base}/health")).await;
    let http = reqwest::Client::new();
    for (m, path) in [
        ("GET", "/status"),
        ("POST", "/backfill"),
        ("POST", "/sync/customer"),
    ] {
        let rq = if m == "GET" {
            http.get(format!("{base}{path}"))
        } else {
            http.post(format!("{base}{path}"))
        };
        let r = rq.bearer_auth("anything").send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }

    // The database goes away: readiness fails and webhooks answer 5xx (Stripe retries).
    let url = db.url.clone();
    db.drop_db().await.unwrap();
    let _ = url;
    let r = http.get(format!("{base}/ready")).send().await.unwrap();
    assert_eq!(r.status(), 503);
    let body = event("evt_cli_db", "cus_cli_db");
    let r = http
        .post(format!("{base}/webhooks"))
        .header("stripe-signature", signed(&body, SECRET))
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_server_error(), "{}", r.status());
    assert_eq!(
        http.get(format!("{base}/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    signal(&child, "TERM");
    assert_eq!(wait_exit(&mut child, 20).await, 0);
    sim.shutdown().await;
}
