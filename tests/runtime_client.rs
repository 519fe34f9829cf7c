//! The Stripe client over real HTTP: headers, idempotency keys, retries,
//! `Retry-After`, and what is not retried.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Result;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use stripe_sync::{ClientError, Config, StripeClient};

#[derive(Clone, Debug)]
struct Seen {
    auth: String,
    version: String,
    idempotency: Option<String>,
}

/// A tiny server answering from a script of (status, extra header) pairs,
/// then 200, and recording every request's headers.
async fn scripted(
    script: Vec<(u16, Option<(&'static str, &'static str)>)>,
) -> Result<(String, Arc<Mutex<Vec<Seen>>>)> {
    let seen = Arc::new(Mutex::new(Vec::<Seen>::new()));
    let script = Arc::new(Mutex::new(script.into_iter()));
    let s2 = seen.clone();
    let handler = move |headers: HeaderMap| {
        let seen = s2.clone();
        let script = script.clone();
        async move {
            let h = |k: &str| {
                headers
                    .get(k)
                    .and_then(|v| v.to_str().ok())
                    .map(String::from)
            };
            seen.lock().unwrap().push(Seen {
                auth: h("authorization").unwrap_or_default(),
                version: h("stripe-version").unwrap_or_default(),
                idempotency: h("idempotency-key"),
            });
            let next = script.lock().unwrap().next();
            match next {
                Some((status, header)) => {
                    let mut r = (
                        StatusCode::from_u16(status).unwrap(),
                        r#"{"error":{"type":"api_error","message":"scripted"}}"#,
                    )
                        .into_response();
                    if let Some((k, v)) = header {
                        r.headers_mut().insert(k, v.parse().unwrap());
                    }
                    r
                }
                None => (StatusCode::OK, r#"{"id":"obj_1","object":"thing"}"#).into_response(),
            }
        }
    };
    let app = axum::Router::new().fallback(handler);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((base, seen))
}

fn client(base: &str, max_retries: u32) -> StripeClient {
    let mut c = Config::new("postgres://unused", "sk_test_client_tests");
    c.stripe_api_base = base.to_string();
    c.max_retries = max_retries;
    c.initial_retry_delay = Duration::from_millis(5);
    c.max_retry_delay = Duration::from_secs(2);
    c.max_requests_per_second = Some(1000);
    StripeClient::new(&c).unwrap()
}

#[tokio::test]
async fn posts_are_retried_with_one_idempotency_key_and_pinned_headers() -> Result<()> {
    let (base, seen) = scripted(vec![
        (500, None),
        (409, Some(("stripe-should-retry", "true"))),
        (503, None),
    ])
    .await?;
    let c = client(&base, 5);
    let v = c
        .post_json("/v1/customers", &[("name".into(), "x".into())])
        .await?;
    assert_eq!(v["id"], "obj_1");
    let log = seen.lock().unwrap().clone();
    assert_eq!(log.len(), 4);
    let key = log[0]
        .idempotency
        .clone()
        .expect("POSTs carry an Idempotency-Key");
    for s in &log {
        assert_eq!(
            s.idempotency.as_deref(),
            Some(key.as_str()),
            "the same key on every retry"
        );
        assert_eq!(s.auth, "Bearer sk_test_client_tests");
        assert_eq!(s.version, stripe_sync_generated::API_VERSION);
    }
    // A second POST gets a new key; GETs carry none.
    c.post_json("/v1/customers", &[]).await?;
    c.get_json("/v1/customers/cus_1", &[]).await?;
    let log = seen.lock().unwrap().clone();
    assert_eq!(log.len(), 6);
    assert!(log[4].idempotency.is_some() && log[4].idempotency.as_deref() != Some(key.as_str()));
    assert_eq!(log[5].idempotency, None);
    Ok(())
}

#[tokio::test]
async fn client_errors_are_not_retried_and_are_typed() -> Result<()> {
    let (base, seen) = scripted(vec![
        (400, None),
        (404, None),
        (500, Some(("stripe-should-retry", "false"))),
    ])
    .await?;
    let c = client(&base, 5);
    let e = c.get_json("/v1/x", &[]).await.unwrap_err();
    assert_eq!(e.status(), Some(400));
    let e = c.get_json("/v1/x", &[]).await.unwrap_err();
    assert!(e.is_not_found());
    let e = c.get_json("/v1/x", &[]).await.unwrap_err();
    assert_eq!(e.status(), Some(500), "Stripe-Should-Retry: false wins");
    assert_eq!(seen.lock().unwrap().len(), 3);
    assert!(!e.to_string().contains("sk_test_client_tests"));
    Ok(())
}

#[tokio::test]
async fn retry_after_is_honoured_and_retries_run_out() -> Result<()> {
    let (base, seen) = scripted(vec![(429, Some(("retry-after", "1")))]).await?;
    let c = client(&base, 3);
    let t0 = Instant::now();
    c.get_json("/v1/x", &[]).await?;
    assert!(
        t0.elapsed() >= Duration::from_millis(950),
        "{:?}",
        t0.elapsed()
    );
    assert_eq!(seen.lock().unwrap().len(), 2);

    let (base, seen) = scripted(vec![(500, None); 10]).await?;
    let c = client(&base, 2);
    let e = c.get_json("/v1/x", &[]).await.unwrap_err();
    assert_eq!(e.status(), Some(500));
    assert_eq!(
        seen.lock().unwrap().len(),
        3,
        "one attempt plus two retries"
    );
    Ok(())
}

#[tokio::test]
async fn connection_errors_are_retried() -> Result<()> {
    // A port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let base = format!("http://{}", listener.local_addr()?);
    drop(listener);
    let c = client(&base, 2);
    let e = c.get_json("/v1/x", &[]).await.unwrap_err();
    assert!(matches!(e, ClientError::Transport { .. }), "{e:?}");
    assert_eq!(c.request_count(), 3);
    Ok(())
}

/// The simulator's count of the API requests it received, by `Stripe-Version`.
async fn stripe_versions_seen(sim: &stripe_sync_simulator::SimHandle) -> Result<serde_json::Value> {
    let stats: serde_json::Value = reqwest::get(format!("{}/_simulator/stats", sim.base_url()))
        .await?
        .json()
        .await?;
    Ok(stats["stripe_versions"].clone())
}

#[tokio::test]
async fn a_pinned_api_version_is_sent_as_stripe_version() -> Result<()> {
    let fixtures = stripe_sync_tests::spec_dir()
        .join(stripe_sync_generated::API_VERSION)
        .join("fixtures3.json");
    let sim = stripe_sync_simulator::start(
        stripe_sync_simulator::SimConfig::small_account(fixtures),
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let mut config = Config::new("postgres://unused", "sk_test_client_tests");
    config.stripe_api_base = sim.base_url();
    config.api_version = "2023-08-16".into();
    let pinned = StripeClient::new(&config)?;
    pinned.get_json("/v1/customers", &[]).await?;
    pinned
        .post_json("/v1/customers", &[("name".into(), "pinned".into())])
        .await?;
    assert_eq!(
        stripe_versions_seen(&sim).await?,
        serde_json::json!({"2023-08-16": 2}),
        "every request carries the pinned version"
    );
    // The default pins the newest.
    let default = StripeClient::new(&Config {
        api_version: stripe_sync_generated::API_VERSION.into(),
        ..config.clone()
    })?;
    assert_eq!(
        Config::new("postgres://unused", "sk_test_x").api_version,
        stripe_sync_generated::API_VERSION
    );
    default.get_json("/v1/customers", &[]).await?;
    let seen = stripe_versions_seen(&sim).await?;
    assert_eq!(seen["2023-08-16"], 2, "{seen}");
    assert_eq!(seen[stripe_sync_generated::API_VERSION], 1, "{seen}");
    sim.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn an_unknown_api_version_is_refused_naming_the_supported_ones() -> Result<()> {
    let mut config = Config::new(stripe_sync_tests::server_url(), "sk_test_client_tests");
    config.api_version = "2019-01-01".into();
    let check = |message: String| {
        assert!(
            message.contains("unknown Stripe API version \"2019-01-01\""),
            "{message}"
        );
        for v in stripe_sync_generated::API_VERSIONS {
            assert!(message.contains(v), "{message} should name {v}");
        }
    };
    check(StripeClient::new(&config).unwrap_err().to_string());
    // The library refuses it at startup too, before any API call or
    // database connection (nothing listens on port 1).
    let mut unreachable = Config::new("postgres://nobody@127.0.0.1:1/none", "sk_test_client_tests");
    unreachable.api_version = config.api_version.clone();
    match stripe_sync::StripeSync::new(unreachable).await {
        Ok(_) => panic!("an unknown API version must be refused"),
        Err(e) => check(e.to_string()),
    }
    Ok(())
}
