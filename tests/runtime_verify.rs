//! `verify` against drift made on purpose: a 5,000-customer billing account
//! backfilled, then made to differ from the mirror in every way verify
//! knows (the simulator's quiet writes send no event; the mirror's rows are
//! changed behind the engine's back), while webhooks of other changes
//! arrive through the webhook server.

use crate::support;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{ensure, Result};
use serde_json::Value;
use stripe_sync::server::{router, AppState, DEFAULT_MAX_BODY_BYTES};
use stripe_sync::verify::{DifferenceKind, VerifyReport, VerifyRequest};
use stripe_sync::BackfillRequest;
use stripe_sync_simulator::SimConfig;
use stripe_sync_tests::oracle::Oracle;
use support::{env_with_account, fixtures, Env};

/// What the mirror holds: customers and subscriptions with the children
/// their lists embed.
const TYPES: [&str; 7] = [
    "customer",
    "tax_id",
    "card",
    "bank_account",
    "source",
    "subscription",
    "subscription_item",
];

/// A write at the simulator that records no event and sends no webhook.
async fn quiet(
    e: &Env,
    method: reqwest::Method,
    path: &str,
    form: &[(&str, &str)],
) -> Result<Value> {
    let r = reqwest::Client::new()
        .request(method, format!("{}{path}", e.sim.base_url()))
        .bearer_auth("sk_test_runtime_tests")
        .header("Simulator-Quiet", "true")
        .form(form)
        .send()
        .await?;
    ensure!(r.status().is_success(), "{path}: {}", r.status());
    Ok(r.json().await?)
}

fn found(r: &VerifyReport) -> BTreeSet<(String, String, DifferenceKind)> {
    r.differences
        .iter()
        .map(|d| (d.object.clone(), d.id.clone(), d.kind))
        .collect()
}

async fn verify(e: &Env, budget: Option<u64>, repair: bool) -> Result<VerifyReport> {
    let req = VerifyRequest {
        objects: Some(vec!["customer".into(), "subscription".into()]),
        budget,
        repair,
        children: true,
    };
    let mut reports = e.sync.verify(req, false).await?;
    ensure!(reports.len() == 1);
    let r = reports.remove(0);
    ensure!(r.errors.is_empty(), "{:?}", r.errors);
    for t in &r.types {
        println!(
            "verify[{}]: {} checked, missing {}, stale {}, extra {}, repaired {}, {} requests, bound {:?}",
            t.object, t.checked, t.missing, t.stale, t.extra, t.repaired, t.requests, t.upper_bound
        );
    }
    Ok(r)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_finds_exactly_the_injected_drift_and_repair_clears_it() -> Result<()> {
    let e = env_with_account(SimConfig::billing_account(fixtures(), 5_000), |_| {}).await?;
    // Webhooks reach the engine through its server, as in production.
    let state = Arc::new(AppState {
        sync: e.sync.clone(),
        admin_key: None,
        metrics: Arc::new(stripe_sync::metrics::Metrics::new()),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks", listener.local_addr()?);
    let server =
        tokio::spawn(
            async move { axum::serve(listener, router(state, DEFAULT_MAX_BODY_BYTES)).await },
        );
    e.sync.find_or_create_managed_webhook(&url).await?;
    let backfill = e.sync.backfill(BackfillRequest::objects(TYPES)).await?;
    ensure!(backfill.succeeded);
    let pool = &e.db.pool;

    // A clean mirror: nothing differs, and a full verify lists about the
    // backfill's pages.
    let clean = verify(&e, None, false).await?;
    ensure!(found(&clean).is_empty(), "{:?}", clean.differences);
    let customers = clean.types.iter().find(|t| t.object == "customer").unwrap();
    ensure!(customers.checked == 5_000, "{customers:?}");
    let backfill_pages = backfill.object("customer").unwrap().requests;
    println!(
        "requests: backfill listed customers in {backfill_pages} pages, verify in {}",
        customers.requests
    );
    // 5,000 customers are 50 full pages; the backfill's slices list more.
    ensure!(customers.requests as f64 <= 1.1 * 50.0);
    ensure!(customers.requests <= backfill_pages);

    // The drift, one of each kind.
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM stripe.customers ORDER BY created, id LIMIT 40")
            .fetch_all(pool)
            .await?;
    let new = quiet(
        &e,
        reqwest::Method::POST,
        "/v1/customers",
        &[("name", "quietly made")],
    )
    .await?;
    let new_id = new["id"].as_str().unwrap().to_string();
    sqlx::query("DELETE FROM stripe.customers WHERE id = $1")
        .bind(&ids[0])
        .execute(pool)
        .await?;
    quiet(
        &e,
        reqwest::Method::POST,
        &format!("/v1/customers/{}", ids[1]),
        &[("name", "renamed quietly")],
    )
    .await?;
    quiet(
        &e,
        reqwest::Method::DELETE,
        &format!("/v1/customers/{}", ids[2]),
        &[],
    )
    .await?;
    sqlx::query("UPDATE stripe.customers SET _deleted_at = now() WHERE id = $1")
        .bind(&ids[3])
        .execute(pool)
        .await?;
    // A subscription's item gone from the mirror (its list holds every item).
    let (item, sub): (String, String) = sqlx::query_as(
        "SELECT i.id, i.subscription FROM stripe.subscription_items i
           JOIN stripe.subscriptions s ON s.id = i.subscription
          WHERE (s._raw_data -> 'items' ->> 'has_more')::boolean IS FALSE
          ORDER BY i.id LIMIT 1",
    )
    .fetch_one(pool)
    .await?;
    sqlx::query("DELETE FROM stripe.subscription_items WHERE id = $1")
        .bind(&item)
        .execute(pool)
        .await?;
    let injected: BTreeSet<(String, String, DifferenceKind)> = [
        ("customer", new_id.clone(), DifferenceKind::Missing),
        ("customer", ids[0].clone(), DifferenceKind::Missing),
        ("customer", ids[1].clone(), DifferenceKind::Stale),
        ("customer", ids[2].clone(), DifferenceKind::Extra),
        ("customer", ids[3].clone(), DifferenceKind::Missing),
        ("subscription_item", item.clone(), DifferenceKind::Missing),
    ]
    .into_iter()
    .map(|(o, id, k)| (o.to_string(), id, k))
    .collect();
    println!("injected: {injected:?} (item of {sub})");

    // Other customers change while verify runs; their webhooks arrive.
    let busy: Vec<String> = ids[10..40].to_vec();
    let base = e.sim.base_url();
    let changes = tokio::spawn(async move {
        let http = reqwest::Client::new();
        for round in 0..4 {
            for id in &busy {
                http.post(format!("{base}/v1/customers/{id}"))
                    .bearer_auth("sk_test_runtime_tests")
                    .form(&[("name", format!("busy {round}"))])
                    .send()
                    .await?
                    .error_for_status()?;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        Ok::<_, anyhow::Error>(())
    });
    let drifted = verify(&e, None, false).await?;
    changes.await??;
    ensure!(
        found(&drifted) == injected,
        "found {:?}\ninjected {injected:?}",
        found(&drifted)
    );

    // A budget is never overspent, and a sample states its bound.
    for budget in [12, 40] {
        let sampled = verify(&e, Some(budget), false).await?;
        println!(
            "budget {budget}: {} requests, sampled {}",
            sampled.requests, sampled.sampled
        );
        ensure!(
            sampled.requests <= budget,
            "{} > {budget}",
            sampled.requests
        );
        ensure!(sampled.sampled);
        ensure!(
            found(&sampled).is_subset(&injected),
            "{:?}",
            found(&sampled)
        );
        // The windows are drawn at random: every type drawn states its
        // share and bound, and some type is drawn.
        let drawn: Vec<_> = sampled
            .types
            .iter()
            .filter(|t| t.windows > 0 && t.windows_checked > 0)
            .collect();
        ensure!(!drawn.is_empty(), "{:?}", sampled.types);
        for t in drawn {
            ensure!(t.fraction() < 1.0 && t.upper_bound.is_some(), "{t:?}");
        }
    }

    // Repair writes exactly the differences; then the mirror equals Stripe.
    // The busy customers' webhooks are all acknowledged (the server commits
    // before it answers) first, so the repair sees only the injected drift.
    stripe_sync_tests::wait_for("every webhook delivery settled", || async {
        Ok((e.sim.deliveries_in_flight() == 0).then_some(()))
    })
    .await?;
    let repaired = verify(&e, None, true).await?;
    ensure!(found(&repaired) == injected, "{:?}", found(&repaired));
    ensure!(repaired
        .differences
        .iter()
        .all(|d| d.repaired_version.is_some()));
    let recorded: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM stripe_sync.verify_differences WHERE run_id = $1 AND repaired_at IS NOT NULL",
    )
    .bind(repaired.run_id)
    .fetch_one(pool)
    .await?;
    ensure!(recorded == injected.len() as i64);
    // Each repair is one entry of the change log, from `repair`.
    let repairs: Vec<(String, String)> = stripe_sync_tests::changes_settled(pool)
        .await?
        .into_iter()
        .filter(|c| c.source.as_deref() == Some("repair"))
        .map(|c| (c.table, c.id))
        .collect();
    let mut wanted: Vec<(String, String)> = repaired
        .differences
        .iter()
        .map(|d| {
            let table = stripe_sync_generated::resource(&d.object).map_or("?", |r| r.table);
            (table.to_string(), d.id.clone())
        })
        .collect();
    wanted.sort();
    let mut got = repairs.clone();
    got.sort();
    ensure!(
        got == wanted,
        "repair entries {got:?}, differences {wanted:?}"
    );
    Oracle::new(&e.sim)
        .only(&TYPES)
        .check(pool)
        .await?
        .assert_consistent("verify --repair");
    let after = verify(&e, None, false).await?;
    ensure!(found(&after).is_empty(), "{:?}", after.differences);
    let status = stripe_sync::status::collect_status(&stripe_sync::Schema::default(), pool)
        .await
        .map_err(anyhow::Error::msg)?;
    let last: Vec<&Value> = status["verify"].as_array().unwrap().iter().collect();
    ensure!(last
        .iter()
        .any(|v| v["object"] == "customer" && v["run_id"] == after.run_id && v["missing"] == 0));
    server.abort();
    e.finish().await
}
