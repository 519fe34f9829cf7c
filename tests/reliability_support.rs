//! Helpers of the reliability scenarios: the engine's webhook server on an
//! ephemeral port, a deterministic random source, simulator writes, and
//! signed deliveries.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Result;
use serde_json::Value;
use stripe_sync::server::{router, serve, AppState, DEFAULT_MAX_BODY_BYTES};
use stripe_sync::StripeSync;

pub use stripe_sync_tests::Rng;

/// The engine's webhook server (`stripe-sync serve`'s router) on an
/// ephemeral port of 127.0.0.1, until the returned sender is dropped or fired.
pub async fn start_server(
    sync: StripeSync,
) -> Result<(SocketAddr, tokio::sync::oneshot::Sender<()>)> {
    let state = Arc::new(AppState {
        sync,
        admin_key: None,
        metrics: Arc::new(stripe_sync::metrics::Metrics::new()),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = serve(listener, router(state, DEFAULT_MAX_BODY_BYTES), async {
            let _ = rx.await;
        })
        .await;
    });
    Ok((addr, tx))
}

/// `t=…,v1=…` for `body` signed now with `secret`.
pub fn signed_now(body: &[u8], secret: &str) -> String {
    let t = chrono::Utc::now().timestamp();
    format!("t={t},v1={}", stripe_sync::webhook::sign(body, t, secret))
}

/// Every event the simulator recorded, oldest first (Stripe's order).
pub fn events_oldest_first(sim: &stripe_sync_simulator::SimHandle) -> Vec<Value> {
    let mut v = sim.objects("event");
    v.reverse();
    v
}

/// Makes `n` rounds of changes on the simulator through the API: creates
/// customers and products, updates them several times (often within the
/// same second), deletes some. Returns how many writes were made.
pub async fn churn(sync: &StripeSync, rng: &mut Rng, n: usize) -> Result<usize> {
    let c = sync.client();
    let mut customers: Vec<String> = Vec::new();
    let mut products: Vec<String> = Vec::new();
    let mut writes = 0;
    for i in 0..n {
        // Spread the changes over a few seconds, so event versions differ.
        if i % 40 == 39 {
            tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        }
        let form = |pairs: &[(&str, String)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect()
        };
        match rng.below(10) {
            0..=2 => {
                let v = c
                    .post_json(
                        "/v1/customers",
                        &form(&[
                            ("email", format!("churn{i}@example.com")),
                            ("name", format!("churn {i}")),
                        ]),
                    )
                    .await?;
                customers.push(v["id"].as_str().unwrap_or_default().to_string());
            }
            3 => {
                let v = c
                    .post_json("/v1/products", &form(&[("name", format!("product {i}"))]))
                    .await?;
                products.push(v["id"].as_str().unwrap_or_default().to_string());
            }
            4..=7 if !customers.is_empty() => {
                let id = &customers[rng.below(customers.len())];
                c.post_json(
                    &format!("/v1/customers/{id}"),
                    &form(&[
                        ("metadata[step]", i.to_string()),
                        ("name", format!("renamed {i}")),
                    ]),
                )
                .await?;
            }
            8 if !products.is_empty() => {
                let id = &products[rng.below(products.len())];
                c.post_json(
                    &format!("/v1/products/{id}"),
                    &form(&[("metadata[step]", i.to_string())]),
                )
                .await?;
            }
            9 if customers.len() > 3 => {
                let id = customers.swap_remove(rng.below(customers.len()));
                c.delete_json(&format!("/v1/customers/{id}")).await?;
            }
            _ => continue,
        }
        writes += 1;
    }
    Ok(writes)
}

/// Webhook-friendly traffic: creates `n` customers, then `rounds` rounds
/// that update each of them (deleting every fifth in the last round), a
/// little over a second apart, so no object changes twice within one
/// second. Stripe's event payloads carry versions in whole seconds; two
/// changes of one object within a second can only be ordered by refetching
/// (`revalidate_objects_via_stripe_api`), which scenarios with concurrent
/// deliveries would otherwise need.
pub async fn paced_traffic(sync: &StripeSync, n: usize, rounds: usize) -> Result<usize> {
    let c = sync.client();
    let form = |pairs: &[(&str, String)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    };
    let mut ids = Vec::new();
    for i in 0..n {
        let v = c
            .post_json(
                "/v1/customers",
                &form(&[("email", format!("paced{i}@example.com"))]),
            )
            .await?;
        ids.push(v["id"].as_str().unwrap_or_default().to_string());
    }
    let mut writes = n;
    for round in 1..=rounds {
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        for (k, id) in ids.iter().enumerate() {
            if round == rounds && k % 5 == 0 {
                c.delete_json(&format!("/v1/customers/{id}")).await?;
            } else {
                c.post_json(
                    &format!("/v1/customers/{id}"),
                    &form(&[("metadata[round]", round.to_string())]),
                )
                .await?;
            }
            writes += 1;
        }
    }
    Ok(writes)
}

/// Waits (at most `secs`) until every event the simulator recorded has had
/// a 2xx delivery to each of `endpoints` endpoints; returns the event count.
pub async fn wait_all_acknowledged(
    sim: &stripe_sync_simulator::SimHandle,
    endpoints: usize,
    secs: u64,
) -> Result<usize> {
    use std::collections::{BTreeMap, BTreeSet};
    let events: BTreeSet<String> = sim
        .objects("event")
        .iter()
        .filter_map(|e| e["id"].as_str().map(String::from))
        .collect();
    let t0 = std::time::Instant::now();
    loop {
        let mut acked: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for d in sim.deliveries().into_iter().filter(|d| d.succeeded) {
            acked.entry(d.event_id).or_default().insert(d.endpoint_id);
        }
        let missing = events
            .iter()
            .filter(|e| acked.get(*e).map_or(0, BTreeSet::len) < endpoints)
            .count();
        if missing == 0 {
            return Ok(events.len());
        }
        anyhow::ensure!(
            t0.elapsed() < std::time::Duration::from_secs(secs),
            "{missing} of {} events were never acknowledged by every endpoint",
            events.len()
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}
