//! The key's own account: resolved once (`GET /v1/account`), stored in
//! `_accounts`, and read from there, so that a webhook never waits on
//! Stripe's API for it; with none stored, the webhook is recorded and
//! answered, and applied once the account is known.

use crate::support;

use anyhow::Result;
use serde_json::{json, Value};
use stripe_sync::webhook::sign;
use stripe_sync::{EventOutcome, StripeSync};
use stripe_sync_simulator::{Faults, SimConfig};
use stripe_sync_tests::wait_for;
use support::{config_for, env, fixtures, Env};

const SECRET: &str = "whsec_runtime_accounts_secret";

fn customer_created(event_id: &str, customer_id: &str) -> Vec<u8> {
    let now = chrono::Utc::now().timestamp();
    serde_json::to_vec(&json!({
        "id": event_id, "object": "event", "type": "customer.created", "created": now,
        "api_version": "2023-08-16", "livemode": false, "pending_webhooks": 1,
        "data": {"object": {"id": customer_id, "object": "customer", "name": "Ada",
                            "created": now, "livemode": false, "metadata": {}}},
    }))
    .unwrap()
}

fn signature(body: &[u8]) -> String {
    let t = chrono::Utc::now().timestamp();
    format!("t={t},v1={}", sign(body, t, SECRET))
}

/// Requests the simulator answered for `GET /v1/account`.
fn account_requests(e: &Env) -> u64 {
    e.sim
        .requests_by_endpoint()
        .iter()
        .filter(|(k, _)| k.ends_with("/v1/account"))
        .map(|(_, n)| *n)
        .sum()
}

async fn account_of_customer(e: &Env, id: &str) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT _account_id FROM stripe.customers WHERE id = $1")
            .bind(id)
            .fetch_optional(&e.db.pool)
            .await?,
    )
}

/// The account is asked once and stored; a second engine on the same
/// database (another process, a restart) applies a webhook with the stored
/// id while every request to the API would fail, and asks nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_account_applies_webhooks_while_the_api_is_unreachable() -> Result<()> {
    let e = env(SimConfig::new(fixtures()), |c| {
        c.stripe_webhook_secret = Some(SECRET.into())
    })
    .await?;
    let account = e.sync.account_id().await?;
    let stored: Vec<(String, String)> =
        sqlx::query_as("SELECT key_id, account_id FROM stripe_sync.accounts")
            .fetch_all(&e.db.pool)
            .await?;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].1, account);
    assert!(stored[0].0.starts_with("sha256:") && !stored[0].0.contains("sk_test"));
    let asked = account_requests(&e);
    assert_eq!(asked, 1, "GET /v1/account once");

    // Every API request fails at once, with no retry: a webhook that asked
    // would fail.
    e.sim.set_faults(Faults {
        rate_500: 1.0,
        ..Faults::default()
    });
    let mut cfg = config_for(&e.db, &e.sim);
    cfg.stripe_webhook_secret = Some(SECRET.into());
    cfg.max_retries = 0;
    let restarted = StripeSync::new(cfg).await?;
    let body = customer_created("evt_stored_1", "cus_stored_1");
    let out = restarted.process_webhook(&body, &signature(&body)).await?;
    assert_eq!(out.event.outcome, EventOutcome::Applied);
    assert_eq!(
        account_of_customer(&e, "cus_stored_1").await?.as_deref(),
        Some(account.as_str())
    );
    assert_eq!(account_requests(&e), asked, "no request for the account");
    restarted.close().await;
    e.finish().await
}

/// With no stored account and the API failing, a webhook is recorded
/// (outcome `unattributed`) and answered, without its object; once the API
/// answers, the background task resolves the account and applies it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_known_account_webhooks_are_recorded_then_applied() -> Result<()> {
    let e = env(SimConfig::new(fixtures()), |c| {
        c.stripe_webhook_secret = Some(SECRET.into());
        c.max_retries = 0;
    })
    .await?;
    e.sim.set_faults(Faults {
        rate_500: 1.0,
        path: Some("/v1/account".into()),
        ..Faults::default()
    });
    let body = customer_created("evt_unknown_1", "cus_unknown_1");
    let out = e.sync.process_webhook(&body, &signature(&body)).await?;
    assert_eq!(out.event.outcome, EventOutcome::Unattributed);
    let (outcome, account): (String, String) = sqlx::query_as(
        "SELECT outcome, account_id FROM stripe_sync.events WHERE id = 'evt_unknown_1'",
    )
    .fetch_one(&e.db.pool)
    .await?;
    assert_eq!((outcome.as_str(), account.as_str()), ("unattributed", ""));
    assert_eq!(account_of_customer(&e, "cus_unknown_1").await?, None);
    // A redelivery meanwhile is recorded the same way, not lost.
    let again = e.sync.process_webhook(&body, &signature(&body)).await?;
    assert_eq!(again.event.outcome, EventOutcome::Unattributed);

    // The task keeps asking while the API fails; it asked at least once.
    wait_for("the account to be asked for", || async {
        Ok((account_requests(&e) >= 1).then_some(()))
    })
    .await?;
    e.sim.set_faults(Faults::default());
    let expected: Value = e.sync.client().get_json("/v1/account", &[]).await?;
    let expected = expected["id"].as_str().unwrap_or_default().to_string();
    let applied = wait_for("the recorded webhook to be applied", || async {
        account_of_customer(&e, "cus_unknown_1").await
    })
    .await?;
    assert_eq!(applied, expected);
    let (outcome, account): (String, String) = sqlx::query_as(
        "SELECT outcome, account_id FROM stripe_sync.events WHERE id = 'evt_unknown_1'",
    )
    .fetch_one(&e.db.pool)
    .await?;
    assert_eq!(
        (outcome.as_str(), account.as_str()),
        ("applied", expected.as_str())
    );
    e.finish().await
}

/// A restricted key the simulator limits to customers and invoices: with
/// its account named (`account_id`), a backfill of every type makes no
/// `GET /v1/account`, mirrors those two, and reports each other type
/// skipped with the permission Stripe says it needs; without the account
/// named, the refused `GET /v1/account` names the fix.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restricted_key_mirrors_what_it_may_read_and_names_the_rest() -> Result<()> {
    const KEY: &str = "rk_test_customers_and_invoices";
    let mut sim_config = SimConfig::small_account(fixtures());
    sim_config.restricted_keys.insert(
        KEY.to_string(),
        ["customer", "invoice"]
            .into_iter()
            .map(String::from)
            .collect(),
    );
    let e = env(sim_config, |c| c.stripe_secret_key = KEY.into()).await?;
    let refused = e
        .sync
        .backfill(stripe_sync::BackfillRequest::objects(["customer"]))
        .await
        .expect_err("the account can't be read with this key");
    let message = refused.to_string();
    assert!(
        message.contains("403") && message.contains("STRIPE_ACCOUNT_ID"),
        "{message}"
    );
    e.sync.close().await;

    let mut config = config_for(&e.db, &e.sim);
    config.stripe_secret_key = KEY.into();
    config.account_id = Some(e.sim.account_id().to_string());
    let sync = StripeSync::new(config).await?;
    let before = e.sim.requests_by_endpoint();
    let report = sync.backfill(stripe_sync::BackfillRequest::all()).await?;
    let after = e.sim.requests_by_endpoint();
    let asked = |k: &str| after.get(k).copied().unwrap_or(0) - before.get(k).copied().unwrap_or(0);
    assert_eq!(asked("GET /v1/account"), 0, "{after:?}");
    for (object, table) in [("customer", "customers"), ("invoice", "invoices")] {
        let o = report.object(object).unwrap();
        assert_eq!(o.status, stripe_sync::ObjectStatus::Succeeded, "{o:?}");
        assert_eq!(e.db_ids(table).await?, e.sim_ids(object), "{object}");
    }
    let product = report.object("product").unwrap();
    assert_eq!(
        product.status,
        stripe_sync::ObjectStatus::NotPermitted,
        "{product:?}"
    );
    assert!(
        product
            .error
            .as_deref()
            .unwrap_or("")
            .contains("rak_product_read"),
        "{product:?}"
    );
    let skipped = report
        .objects
        .iter()
        .filter(|o| o.status == stripe_sync::ObjectStatus::NotPermitted)
        .count();
    let failed: Vec<&str> = report
        .objects
        .iter()
        .filter(|o| o.status == stripe_sync::ObjectStatus::Failed)
        .map(|o| o.object.as_str())
        .collect();
    println!(
        "restricted key: {} types skipped, failed {failed:?}",
        skipped
    );
    assert!(failed.is_empty(), "{failed:?}");
    sync.close().await;
    e.sim.shutdown().await;
    e.db.drop_db().await?;
    Ok(())
}
