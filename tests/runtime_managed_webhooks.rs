//! Managed webhook endpoints, and signed delivery from the simulator into
//! `process_webhook` with the stored secret.

use crate::support;

use anyhow::Result;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;
use stripe_sync::StripeSync;
use stripe_sync_simulator::SimConfig;
use support::{config_for, env, fixtures};

/// A local webhook endpoint that hands each delivery to `process_webhook`
/// (400 on a bad signature, 500 on any other failure): its URL and task.
async fn receiver(sync: StripeSync) -> Result<(String, tokio::task::JoinHandle<()>)> {
    let app = axum::Router::new().route(
        "/webhook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let sync = sync.clone();
            async move {
                let sig = headers
                    .get("stripe-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                match sync.process_webhook(&body, sig).await {
                    Ok(_) => StatusCode::OK,
                    Err(stripe_sync::Error::Webhook(_)) => StatusCode::BAD_REQUEST,
                    Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
                }
            }
        }),
    );
    let (base, task) = stripe_sync_tests::serve_locally(app).await?;
    Ok((format!("{base}/webhook"), task))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managed_webhook_is_created_once_and_reused() -> Result<()> {
    let e = env(SimConfig::new(fixtures()), |_| {}).await?;
    let url = "https://example.com/stripe/webhooks";
    let other = StripeSync::new(config_for(&e.db, &e.sim)).await?;
    // Concurrent callers get the same endpoint.
    let (a, b) = tokio::join!(
        e.sync.find_or_create_managed_webhook(url),
        other.find_or_create_managed_webhook(url)
    );
    let (a, b) = (a?, b?);
    assert_eq!(a.id, b.id);
    assert!(a.secret.starts_with("whsec_"));
    assert_eq!(a.api_version, stripe_sync_generated::API_VERSION);
    assert_eq!(Some(a.secret.clone()), e.sim.webhook_secret(&a.id));
    assert!(
        !format!("{a:?}").contains(&a.secret),
        "Debug must not show the secret"
    );
    let again = e.sync.find_or_create_managed_webhook(url).await?;
    assert_eq!(again.id, a.id);

    let remote = e
        .sync
        .client()
        .get_json("/v1/webhook_endpoints", &[("limit".into(), "100".into())])
        .await?;
    let remote = remote["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(remote.len(), 1);
    assert_eq!(remote[0]["metadata"]["managed_by"], "stripe-sync");
    assert!(
        remote[0]["enabled_events"]
            .as_array()
            .map(|v| v.len())
            .unwrap_or(0)
            > 50
    );
    assert_eq!(e.sync.list_managed_webhooks().await?.len(), 1);

    // Gone from Stripe: recreated.
    e.sync
        .client()
        .delete_json(&format!("/v1/webhook_endpoints/{}", a.id))
        .await?;
    let fresh = e.sync.find_or_create_managed_webhook(url).await?;
    assert_ne!(fresh.id, a.id);
    assert_eq!(e.sync.list_managed_webhooks().await?.len(), 1);

    e.sync.delete_managed_webhook(&fresh.id).await?;
    assert!(e.sync.list_managed_webhooks().await?.is_empty());
    let remote = e
        .sync
        .client()
        .get_json("/v1/webhook_endpoints", &[])
        .await?;
    assert_eq!(remote["data"].as_array().map(Vec::len), Some(0));
    other.close().await;
    e.finish().await
}

/// The simulator delivers signed events to a local endpoint that calls
/// `process_webhook`, verified with the managed endpoint's stored secret.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivered_webhooks_are_verified_with_the_managed_secret() -> Result<()> {
    let e = env(SimConfig::new(fixtures()), |_| {}).await?;
    let (url, server) = receiver(e.sync.clone()).await?;
    e.sync.find_or_create_managed_webhook(&url).await?;
    let created = e.post("/v1/customers", &[("name", "delivered")]).await?;
    let id = created["id"].as_str().unwrap().to_string();
    let applied = stripe_sync_tests::wait_for("the delivered event to be applied", || async {
        Ok(e.db_ids("customers").await?.contains(&id).then_some(()))
    })
    .await;
    assert!(
        applied.is_ok(),
        "{applied:?}; deliveries: {:?}",
        e.sim.deliveries()
    );
    let raw: Value = sqlx::query_scalar("SELECT _raw_data FROM stripe.customers WHERE id = $1")
        .bind(&id)
        .fetch_one(&e.db.pool)
        .await?;
    assert_eq!(raw["name"], "delivered");
    let source: String = sqlx::query_scalar("SELECT source FROM stripe_sync.events LIMIT 1")
        .fetch_one(&e.db.pool)
        .await?;
    assert_eq!(source, "webhook");
    server.abort();
    e.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_managed_webhook_is_replaced() -> Result<()> {
    let e = env(SimConfig::new(fixtures()), |_| {}).await?;
    let url = "https://example.com/hooks";
    let first = e.sync.find_or_create_managed_webhook(url).await?;
    e.post(
        &format!("/v1/webhook_endpoints/{}", first.id),
        &[("disabled", "true")],
    )
    .await?;
    let second = e.sync.find_or_create_managed_webhook(url).await?;
    assert_ne!(second.id, first.id);
    assert_eq!(second.status, "enabled");
    let stored = e.sync.list_managed_webhooks().await?;
    assert_eq!(
        stored.iter().map(|w| w.id.clone()).collect::<Vec<_>>(),
        vec![second.id.clone()]
    );
    let remote = e
        .sync
        .client()
        .get_json("/v1/webhook_endpoints", &[])
        .await?;
    let ids: Vec<&str> = remote["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        vec![second.id.as_str()],
        "the disabled endpoint is deleted"
    );
    e.finish().await
}

/// A managed webhook made with a pinned older version carries that version
/// and only event types it knows, including ones the newest dropped; one
/// made with the default carries the newest. Changing the pin replaces it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managed_webhooks_carry_the_pinned_api_version_and_its_event_types() -> Result<()> {
    const PINNED: &str = "2023-08-16";
    let e = env(SimConfig::new(fixtures()), |c| {
        c.api_version = PINNED.into()
    })
    .await?;
    let url = "https://example.com/pinned";
    let w = e.sync.find_or_create_managed_webhook(url).await?;
    assert_eq!(w.api_version, PINNED);
    let known = stripe_sync_generated::event_types_of(PINNED).expect("a version of the chain");
    assert!(!w.enabled_events.is_empty());
    for t in &w.enabled_events {
        assert!(
            known.contains(&t.as_str()),
            "{t} is not a {PINNED} event type"
        );
    }
    assert_eq!(
        w.enabled_events,
        stripe_sync::managed_webhooks::routed_event_types_of(PINNED).unwrap()
    );
    // Every event type of the pinned version, with a table or not.
    assert_eq!(w.enabled_events.len(), known.len());
    // sku.* went with 2024-04-10, yet 2023-08-16 knows it (and its table stays);
    // billing.alert.triggered came later.
    assert!(w.enabled_events.iter().any(|t| t == "sku.created"));
    assert!(!w
        .enabled_events
        .iter()
        .any(|t| t == "billing.alert.triggered"));
    assert!(stripe_sync_generated::event_type("billing.alert.triggered")
        .is_some_and(|t| t.table.is_some()));

    let stored: (String, Vec<String>) = sqlx::query_as(
        "SELECT api_version, enabled_events FROM stripe_sync.managed_webhooks WHERE id = $1",
    )
    .bind(&w.id)
    .fetch_one(&e.db.pool)
    .await?;
    assert_eq!(stored, (PINNED.to_string(), w.enabled_events.clone()));
    let remote = e
        .sync
        .client()
        .get_json(&format!("/v1/webhook_endpoints/{}", w.id), &[])
        .await?;
    assert_eq!(remote["api_version"], PINNED);
    assert_eq!(
        remote["enabled_events"],
        serde_json::json!(w.enabled_events)
    );

    // The same URL with the default pin: replaced by an endpoint of the newest version.
    let newest = StripeSync::new(config_for(&e.db, &e.sim)).await?;
    let n = newest.find_or_create_managed_webhook(url).await?;
    assert_ne!(n.id, w.id);
    assert_eq!(n.api_version, stripe_sync_generated::API_VERSION);
    assert_eq!(
        n.enabled_events,
        stripe_sync::managed_webhooks::routed_event_types()
    );
    assert!(n
        .enabled_events
        .iter()
        .any(|t| t == "billing.alert.triggered"));
    assert!(!n.enabled_events.iter().any(|t| t == "sku.created"));
    // The summary event has no table of its own and is subscribed all the same.
    assert!(n
        .enabled_events
        .iter()
        .any(|t| t == "entitlements.active_entitlement_summary.updated"));
    let stored: Vec<(String, String)> =
        sqlx::query_as("SELECT id, api_version FROM stripe_sync.managed_webhooks")
            .fetch_all(&e.db.pool)
            .await?;
    assert_eq!(
        stored,
        vec![(n.id.clone(), stripe_sync_generated::API_VERSION.to_string())]
    );
    let remote = newest
        .client()
        .get_json(&format!("/v1/webhook_endpoints/{}", n.id), &[])
        .await?;
    assert_eq!(remote["api_version"], stripe_sync_generated::API_VERSION);
    newest.close().await;
    e.finish().await
}

/// A Connect platform: its own managed endpoint and its Connect endpoint
/// (`connect=true`) at the same URL, each with its own secret, both taken
/// by one handler. A change on the platform and one on a connected account
/// each arrive through their endpoint and land in their account's rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_receiver_takes_the_platform_and_connect_endpoints() -> Result<()> {
    let connected = "acct_1ConnectedForHooks";
    let mut sc = SimConfig::new(fixtures());
    sc.connected_accounts = vec![connected.to_string()];
    let e = env(sc, |_| {}).await?;
    let (url, server) = receiver(e.sync.clone()).await?;
    let own = e.sync.find_or_create_managed_webhook(&url).await?;
    let connect = e.sync.find_or_create_connect_webhook(&url).await?;
    assert_ne!(own.id, connect.id);
    assert_ne!(own.secret, connect.secret);
    assert!(!own.connect && connect.connect);
    // Both are kept: asking again reuses each, and neither deletes the other.
    assert_eq!(
        e.sync.find_or_create_managed_webhook(&url).await?.id,
        own.id
    );
    assert_eq!(
        e.sync.find_or_create_connect_webhook(&url).await?.id,
        connect.id
    );
    assert_eq!(e.sync.list_managed_webhooks().await?.len(), 2);

    let platform = e.sync.account_id().await?;
    let mine = e.post("/v1/customers", &[("name", "platform's")]).await?;
    let theirs: Value = reqwest::Client::new()
        .post(format!("{}/v1/customers", e.sim.base_url()))
        .basic_auth("sk_test_runtime_tests", Some(""))
        .header("Stripe-Account", connected)
        .form(&[("name", "connected account's")])
        .send()
        .await?
        .json()
        .await?;
    for (customer, account) in [(&mine, platform.as_str()), (&theirs, connected)] {
        let id = customer["id"].as_str().unwrap_or_default().to_string();
        let stored = stripe_sync_tests::wait_for("the delivered event to be applied", || async {
            Ok(sqlx::query_scalar::<_, String>(
                "SELECT _account_id FROM stripe.customers WHERE id = $1",
            )
            .bind(&id)
            .fetch_optional(&e.db.pool)
            .await?)
        })
        .await;
        assert_eq!(
            stored.ok().as_deref(),
            Some(account),
            "{id}; deliveries: {:?}",
            e.sim.deliveries()
        );
    }
    server.abort();
    e.finish().await
}
