//! The simulator as a Connect platform over real HTTP: generated connected
//! accounts listed at `/v1/accounts`, each with its own objects; rate limits
//! per account (and an optional platform-wide cap); revoking an account's
//! access (403 for it alone, an `account.application.deauthorized` event to
//! the Connect endpoints).

use std::sync::{Arc, Mutex};

use anyhow::Result;
use serde_json::Value;
use stripe_sync_simulator::{start, SimConfig, SimHandle};
use stripe_sync_tests::spec_dir;

fn fixtures() -> std::path::PathBuf {
    spec_dir()
        .join(stripe_sync_generated::API_VERSION)
        .join("fixtures3.json")
}

/// A `GET` as the platform (`account: None`) or a connected account:
/// (status, `Stripe-Rate-Limited-Reason`, body).
async fn get(
    http: &reqwest::Client,
    sim: &SimHandle,
    account: Option<&str>,
    path: &str,
) -> Result<(u16, Option<String>, Value)> {
    let mut r = http
        .get(format!("{}{path}", sim.base_url()))
        .bearer_auth("sk_test_simulator");
    if let Some(a) = account {
        r = r.header("Stripe-Account", a);
    }
    let r = r.send().await?;
    let reason = r
        .headers()
        .get("stripe-rate-limited-reason")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    Ok((r.status().as_u16(), reason, r.json().await?))
}

fn ids(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|o| o["id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_connected_accounts_are_listed_across_pages_with_their_own_customers(
) -> Result<()> {
    let cfg = SimConfig::new(fixtures())
        .with_count("customer", 3)
        .with_connected_accounts(50);
    let sim = start(cfg, "127.0.0.1:0".parse()?).await?;
    let http = reqwest::Client::new();
    // Walk /v1/accounts 20 at a time: three pages, 50 accounts, each once.
    let mut listed = Vec::new();
    let mut pages = 0;
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(a) => format!("/v1/accounts?limit=20&starting_after={a}"),
            None => "/v1/accounts?limit=20".to_string(),
        };
        let (s, _, page) = get(&http, &sim, None, &path).await?;
        assert_eq!(s, 200, "{page}");
        pages += 1;
        listed.extend(ids(&page));
        after = listed.last().cloned();
        if page["has_more"] != true {
            break;
        }
    }
    assert_eq!(pages, 3);
    let mut sorted = listed.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 50, "{listed:?}");
    // Ids derive from the seed (1 by default).
    assert!(sorted.contains(&"acct_1Conn0001000001".to_string()));
    assert!(sorted.contains(&"acct_1Conn0001000050".to_string()));
    assert_eq!(sim.connected_accounts(), {
        let mut v = sorted.clone();
        v.sort();
        v
    });
    // 100 is the most a page holds.
    let (_, _, all) = get(&http, &sim, None, "/v1/accounts?limit=100").await?;
    assert_eq!(
        (ids(&all).len(), all["has_more"].clone()),
        (50, false.into())
    );

    let platform: Vec<String> = ids(&get(&http, &sim, None, "/v1/customers?limit=100").await?.2);
    assert_eq!(platform.len(), 3);
    for acct in &sorted {
        let (s, _, me) = get(&http, &sim, Some(acct), "/v1/account").await?;
        assert_eq!((s, me["id"].as_str()), (200, Some(acct.as_str())));
        let (s, _, customers) = get(&http, &sim, Some(acct), "/v1/customers?limit=100").await?;
        assert_eq!(s, 200, "{customers}");
        let c = ids(&customers);
        assert!(!c.is_empty(), "{acct} has no customer");
        assert!(c.iter().all(|id| !platform.contains(id)));
        // The small billing graph holds together: the subscription's
        // customer is the account's own.
        let subs = sim.objects_of(acct, "subscription");
        assert_eq!(subs.len(), 1, "{acct}");
        assert!(c.contains(&subs[0]["customer"].as_str().unwrap_or("").to_string()));
        assert_eq!(sim.objects_of(acct, "invoice").len(), 1);
    }
    sim.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_connected_accounts_are_seeded() -> Result<()> {
    // How long seeding takes is a benchmark's question, not a test's.
    let sim = start(
        SimConfig::new(fixtures()).with_connected_accounts(1000),
        "127.0.0.1:0".parse()?,
    )
    .await?;
    assert_eq!(sim.objects("account").len(), 1000);
    assert_eq!(sim.objects_of("acct_1Conn0001001000", "customer").len(), 2);
    sim.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_account_has_its_own_rate_limits() -> Result<()> {
    let mut cfg = SimConfig::new(fixtures()).with_connected_accounts(2);
    cfg.rate_limit_per_sec = Some(2);
    let sim = start(cfg, "127.0.0.1:0".parse()?).await?;
    let http = reqwest::Client::new();
    let (a, b) = ("acct_1Conn0001000001", "acct_1Conn0001000002");
    // A bursts past its 2/s until refused…
    let mut refused = None;
    for _ in 0..50 {
        let (s, reason, body) = get(&http, &sim, Some(a), "/v1/customers").await?;
        if s == 429 {
            refused = Some((reason, body));
            break;
        }
    }
    let (reason, body) = refused.expect("a burst of 50 at 2/s is refused");
    assert_eq!(reason.as_deref(), Some("global-rate"));
    assert_eq!(body["error"]["code"], "rate_limit");
    assert_eq!(body["error"]["type"], "invalid_request_error");
    // …while B, and the platform, have their whole budgets at that moment.
    for _ in 0..2 {
        let (s, _, v) = get(&http, &sim, Some(b), "/v1/customers").await?;
        assert_eq!(s, 200, "{v}");
        let (s, _, v) = get(&http, &sim, None, "/v1/customers").await?;
        assert_eq!(s, 200, "{v}");
    }
    assert!(sim.fault_stats().global_rate_limited >= 1);
    sim.shutdown().await;

    // Per-endpoint budgets are per account too.
    let mut cfg = SimConfig::new(fixtures()).with_connected_accounts(2);
    cfg.endpoint_rate_limit_per_sec = Some(2);
    let sim = start(cfg, "127.0.0.1:0".parse()?).await?;
    let mut refused = None;
    for _ in 0..50 {
        let (s, reason, _) = get(&http, &sim, Some(a), "/v1/products").await?;
        if s == 429 {
            refused = reason;
            break;
        }
    }
    assert_eq!(refused.as_deref(), Some("endpoint-rate"));
    for _ in 0..2 {
        assert_eq!(get(&http, &sim, Some(b), "/v1/products").await?.0, 200);
    }
    // A's other endpoints have their own budgets.
    assert_eq!(get(&http, &sim, Some(a), "/v1/prices").await?.0, 200);
    sim.shutdown().await;

    // The optional platform-wide cap counts every account together.
    let mut cfg = SimConfig::new(fixtures()).with_connected_accounts(2);
    cfg.platform_rate_limit_per_sec = Some(3);
    let sim = start(cfg, "127.0.0.1:0".parse()?).await?;
    let mut refused = None;
    'burst: for _ in 0..20 {
        for acct in [None, Some(a), Some(b)] {
            let (s, reason, _) = get(&http, &sim, acct, "/v1/customers").await?;
            if s == 429 {
                refused = reason;
                break 'burst;
            }
        }
    }
    assert_eq!(refused.as_deref(), Some("global-rate"));
    sim.shutdown().await;
    Ok(())
}

/// Deliveries a receiver got: event bodies.
type Received = Arc<Mutex<Vec<Value>>>;

/// A local webhook receiver answering 200 to everything.
async fn receiver() -> Result<(String, Received, tokio::task::JoinHandle<()>)> {
    let got: Received = Arc::default();
    let g = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: axum::body::Bytes| {
            let g = g.clone();
            async move {
                if let Ok(v) = serde_json::from_slice(&body) {
                    g.lock().unwrap().push(v);
                }
                axum::http::StatusCode::OK
            }
        }),
    );
    let (base, task) = stripe_sync_tests::serve_locally(app).await?;
    Ok((format!("{base}/hook"), got, task))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_account_is_refused_and_the_platform_is_told() -> Result<()> {
    let sim = start(
        SimConfig::new(fixtures()).with_connected_accounts(3),
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let http = reqwest::Client::new();
    let (a, b, c) = (
        "acct_1Conn0001000001",
        "acct_1Conn0001000002",
        "acct_1Conn0001000003",
    );
    // A Connect endpoint and a platform endpoint, both for every event.
    let (connect_url, connect_got, t1) = receiver().await?;
    let (platform_url, platform_got, t2) = receiver().await?;
    for (url, connect) in [(&connect_url, "true"), (&platform_url, "false")] {
        let r = http
            .post(format!("{}/v1/webhook_endpoints", sim.base_url()))
            .bearer_auth("sk_test_simulator")
            .form(&[
                ("url", url.as_str()),
                ("enabled_events[]", "*"),
                ("connect", connect),
            ])
            .send()
            .await?;
        assert_eq!(r.status(), 200);
    }

    // Revoked through the control API.
    let r = http
        .post(format!("{}/_simulator/accounts/{a}/revoke", sim.base_url()))
        .send()
        .await?;
    assert_eq!(r.status(), 200);
    let event: Value = r.json().await?;
    assert_eq!(event["type"], "account.application.deauthorized");
    assert_eq!(event["account"], a);
    assert_eq!(event["data"]["object"]["object"], "application");
    for path in ["/v1/customers", "/v1/account", "/v1/events"] {
        let (s, _, v) = get(&http, &sim, Some(a), path).await?;
        assert_eq!(s, 403, "{path}: {v}");
        assert_eq!(v["error"]["type"], "invalid_request_error");
        assert_eq!(v["error"]["code"], "account_invalid");
        let message = v["error"]["message"].as_str().unwrap_or("");
        assert!(
            message.contains(a) && message.contains("revoked"),
            "{message}"
        );
    }
    // The other accounts and the platform are served.
    assert_eq!(get(&http, &sim, Some(b), "/v1/customers").await?.0, 200);
    assert_eq!(get(&http, &sim, None, "/v1/customers").await?.0, 200);
    // Revoking twice is refused.
    let r = http
        .post(format!("{}/_simulator/accounts/{a}/revoke", sim.base_url()))
        .send()
        .await?;
    assert_eq!(r.status(), 400);
    let r = http
        .post(format!(
            "{}/_simulator/accounts/acct_nope/revoke",
            sim.base_url()
        ))
        .send()
        .await?;
    assert_eq!(r.status(), 404);

    // Revoked through the handle.
    let event = sim.revoke_account(c).expect("c is a connected account");
    assert_eq!(event["account"], c);
    assert!(sim.revoke_account(c).is_none());
    assert!(sim.revoke_account(sim.account_id()).is_none());
    assert_eq!(get(&http, &sim, Some(c), "/v1/customers").await?.0, 403);

    // The platform records the events…
    let (s, _, events) = get(
        &http,
        &sim,
        None,
        "/v1/events?type=account.application.deauthorized",
    )
    .await?;
    assert_eq!(s, 200, "{events}");
    let mut accounts: Vec<String> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["account"].as_str().unwrap_or("").to_string())
        .collect();
    accounts.sort();
    assert_eq!(accounts, [a, c]);
    // …and delivers them to the Connect endpoint only.
    let delivered = stripe_sync_tests::wait_for("both deauthorizations delivered", || async {
        let got = connect_got.lock().unwrap().clone();
        Ok((got.len() >= 2).then_some(got))
    })
    .await?;
    let mut delivered: Vec<(String, String)> = delivered
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap_or("").to_string(),
                e["account"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    delivered.sort();
    assert_eq!(
        delivered,
        [
            (
                "account.application.deauthorized".to_string(),
                a.to_string()
            ),
            (
                "account.application.deauthorized".to_string(),
                c.to_string()
            ),
        ]
    );
    stripe_sync_tests::wait_for("the simulator's deliveries to end", || async {
        Ok((sim.deliveries_in_flight() == 0).then_some(()))
    })
    .await?;
    assert!(platform_got.lock().unwrap().is_empty());
    assert_eq!(connect_got.lock().unwrap().len(), 2);
    sim.shutdown().await;
    t1.abort();
    t2.abort();
    Ok(())
}
