//! Webhook processing end to end: signature checks, the event ledger,
//! ordering, deletes, routing and Connect attribution, against real
//! PostgreSQL (and the simulator for the account lookup and re-fetches).

use crate::support;

use anyhow::Result;
use serde_json::{json, Value};
use stripe_sync::webhook::sign;
use stripe_sync::{Error, EventOutcome, WebhookError};
use stripe_sync_simulator::SimConfig;
use support::{env, env_with_account, fixtures, Env};

const SECRET: &str = "whsec_runtime_tests_secret";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn event(id: &str, ty: &str, created: i64, object: Value) -> Value {
    json!({
        "id": id, "object": "event", "type": ty, "created": created,
        "api_version": "2023-08-16", "livemode": false, "pending_webhooks": 1,
        "data": {"object": object},
    })
}

fn customer(id: &str, name: &str) -> Value {
    json!({"id": id, "object": "customer", "name": name, "email": format!("{name}@example.com"),
           "created": 1_700_000_000, "livemode": false, "metadata": {}})
}

fn header(body: &[u8], secret: &str, t: i64) -> String {
    format!("t={t},v1={}", sign(body, t, secret))
}

async fn webhook_env() -> Result<Env> {
    env_with_account(SimConfig::new(fixtures()), |c| {
        c.stripe_webhook_secret = Some(SECRET.into())
    })
    .await
}

async fn deliver(e: &Env, ev: &Value) -> Result<stripe_sync::EventResult, Error> {
    let body = serde_json::to_vec(ev).unwrap();
    let h = header(&body, SECRET, now());
    e.sync.process_webhook(&body, &h).await.map(|o| o.event)
}

async fn name_of(e: &Env, id: &str) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT name FROM stripe.customers WHERE id = $1")
            .bind(id)
            .fetch_one(&e.db.pool)
            .await?,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signature_failures_write_nothing() -> Result<()> {
    let e = webhook_env().await?;
    let body = serde_json::to_vec(&event(
        "evt_sig",
        "customer.created",
        now(),
        customer("cus_sig", "a"),
    ))?;
    let t = now();
    let cases: Vec<(&str, Vec<u8>, String)> = vec![
        (
            "wrong secret",
            body.clone(),
            header(&body, "whsec_wrong", t),
        ),
        (
            "tampered body",
            serde_json::to_vec(&event(
                "evt_sig",
                "customer.created",
                t,
                customer("cus_sig", "evil"),
            ))?,
            header(&body, SECRET, t),
        ),
        (
            "old timestamp",
            body.clone(),
            header(&body, SECRET, t - 301),
        ),
        ("missing header", body.clone(), String::new()),
        ("malformed header", body.clone(), "garbage".into()),
    ];
    for (what, b, h) in cases {
        let r = e.sync.process_webhook(&b, &h).await;
        match r {
            Err(Error::Webhook(w)) => assert!(
                !matches!(w, WebhookError::InvalidPayload(_)),
                "{what}: {w:?}"
            ),
            other => panic!("{what}: expected a webhook error, got {other:?}"),
        }
    }
    assert_eq!(e.count("SELECT count(*) FROM stripe_sync.events").await?, 0);
    assert_eq!(e.count("SELECT count(*) FROM stripe.customers").await?, 0);
    assert_eq!(
        e.count("SELECT count(*) FROM stripe_sync.webhook_rejections")
            .await?,
        0
    );
    // The same body, correctly signed, goes through.
    let r = e
        .sync
        .process_webhook(&body, &header(&body, SECRET, now()))
        .await?;
    assert_eq!(r.event.outcome, EventOutcome::Applied);
    e.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_are_recorded_and_duplicates_are_no_ops() -> Result<()> {
    let e = webhook_env().await?;
    let ev = event(
        "evt_dup",
        "customer.created",
        now(),
        customer("cus_dup", "first"),
    );
    assert_eq!(deliver(&e, &ev).await?.outcome, EventOutcome::Applied);
    assert_eq!(deliver(&e, &ev).await?.outcome, EventOutcome::Duplicate);
    assert_eq!(deliver(&e, &ev).await?.outcome, EventOutcome::Duplicate);
    type LedgerRow = (
        String,
        String,
        String,
        Option<chrono::DateTime<chrono::Utc>>,
        String,
    );
    let rows: Vec<LedgerRow> = sqlx::query_as(
        "SELECT id, type, outcome, processed_at, account_id FROM stripe_sync.events",
    )
    .fetch_all(&e.db.pool)
    .await?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1, "customer.created");
    assert_eq!(rows[0].2, "applied");
    assert!(rows[0].3.is_some());
    assert_eq!(rows[0].4, e.sim.account_id());
    let acct: String =
        sqlx::query_scalar("SELECT _account_id FROM stripe.customers WHERE id = 'cus_dup'")
            .fetch_one(&e.db.pool)
            .await?;
    assert_eq!(acct, e.sim.account_id());
    e.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn older_event_after_newer_is_ignored_and_same_second_tie_goes_to_later_arrival() -> Result<()>
{
    let e = webhook_env().await?;
    let t = now() - 100;
    let newer = event(
        "evt_new",
        "customer.updated",
        t + 10,
        customer("cus_ord", "newer"),
    );
    let older = event(
        "evt_old",
        "customer.updated",
        t,
        customer("cus_ord", "older"),
    );
    assert_eq!(deliver(&e, &newer).await?.outcome, EventOutcome::Applied);
    assert_eq!(deliver(&e, &older).await?.outcome, EventOutcome::Stale);
    assert_eq!(name_of(&e, "cus_ord").await?.as_deref(), Some("newer"));
    let outcome: String =
        sqlx::query_scalar("SELECT outcome FROM stripe_sync.events WHERE id = 'evt_old'")
            .fetch_one(&e.db.pool)
            .await?;
    assert_eq!(outcome, "stale");

    // Same second: the later arrival wins.
    let a = event(
        "evt_tie_a",
        "customer.updated",
        t + 20,
        customer("cus_ord", "tie-a"),
    );
    let b = event(
        "evt_tie_b",
        "customer.updated",
        t + 20,
        customer("cus_ord", "tie-b"),
    );
    assert_eq!(deliver(&e, &a).await?.outcome, EventOutcome::Applied);
    assert_eq!(deliver(&e, &b).await?.outcome, EventOutcome::Applied);
    assert_eq!(name_of(&e, "cus_ord").await?.as_deref(), Some("tie-b"));
    // An identical payload changes nothing.
    let c = event(
        "evt_tie_c",
        "customer.updated",
        t + 20,
        customer("cus_ord", "tie-b"),
    );
    assert_eq!(deliver(&e, &c).await?.outcome, EventOutcome::Unchanged);
    e.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletes_are_soft_and_final() -> Result<()> {
    let e = webhook_env().await?;
    let t = now() - 100;
    deliver(
        &e,
        &event("evt_c", "customer.created", t, customer("cus_del", "x")),
    )
    .await?;
    let del = event(
        "evt_d",
        "customer.deleted",
        t + 5,
        json!({"id": "cus_del", "object": "customer", "deleted": true}),
    );
    assert_eq!(deliver(&e, &del).await?.outcome, EventOutcome::Applied);
    let (deleted_at, name): (Option<chrono::DateTime<chrono::Utc>>, Option<String>) =
        sqlx::query_as("SELECT _deleted_at, name FROM stripe.customers WHERE id = 'cus_del'")
            .fetch_one(&e.db.pool)
            .await?;
    assert!(deleted_at.is_some(), "the row stays, marked deleted");
    assert_eq!(name.as_deref(), Some("x"));
    // A later (or stale) update does not bring it back.
    let upd = event(
        "evt_u",
        "customer.updated",
        t + 10,
        customer("cus_del", "zombie"),
    );
    assert_eq!(deliver(&e, &upd).await?.outcome, EventOutcome::Stale);
    let still: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT _deleted_at FROM stripe.customers WHERE id = 'cus_del'")
            .fetch_one(&e.db.pool)
            .await?;
    assert!(still.is_some());
    // `deleted: true` in an object of a non-delete event also deletes.
    deliver(
        &e,
        &event(
            "evt_p",
            "product.created",
            t,
            json!({"id": "prod_x", "object": "product", "name": "p"}),
        ),
    )
    .await?;
    deliver(
        &e,
        &event(
            "evt_p2",
            "product.updated",
            t + 1,
            json!({"id": "prod_x", "object": "product", "deleted": true}),
        ),
    )
    .await?;
    let gone: i64 = e
        .count(
            "SELECT count(*) FROM stripe.products WHERE id = 'prod_x' AND _deleted_at IS NOT NULL",
        )
        .await?;
    assert_eq!(gone, 1);
    e.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_without_id_or_table_are_recorded_and_acknowledged() -> Result<()> {
    let e = webhook_env().await?;
    let upcoming = event(
        "evt_up",
        "invoice.upcoming",
        now(),
        json!({"object": "invoice", "customer": "cus_1", "total": 100}),
    );
    assert_eq!(deliver(&e, &upcoming).await?.outcome, EventOutcome::NoId);
    let odd = event(
        "evt_odd",
        "something.new",
        now(),
        json!({"id": "zz_1", "object": "brand_new_thing"}),
    );
    assert_eq!(deliver(&e, &odd).await?.outcome, EventOutcome::NoTable);
    let outcomes: Vec<(String, String)> =
        sqlx::query_as("SELECT id, outcome FROM stripe_sync.events ORDER BY id")
            .fetch_all(&e.db.pool)
            .await?;
    assert_eq!(
        outcomes,
        vec![
            ("evt_odd".into(), "no_table".into()),
            ("evt_up".into(), "no_id".into())
        ]
    );
    e.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_lists_go_to_their_own_tables() -> Result<()> {
    let e = webhook_env().await?;
    let invoice = json!({
        "id": "in_emb", "object": "invoice", "customer": "cus_1", "created": 1_700_000_000,
        "lines": {"object": "list", "has_more": false, "url": "/v1/invoices/in_emb/lines", "data": [
            {"id": "il_1", "object": "line_item", "amount": 100, "invoice": "in_emb"},
            {"id": "il_2", "object": "line_item", "amount": 200, "invoice": "in_emb"}
        ]}
    });
    assert_eq!(
        deliver(&e, &event("evt_inv", "invoice.created", now(), invoice))
            .await?
            .outcome,
        EventOutcome::Applied
    );
    let ids = e.db_ids("invoice_line_items").await?;
    assert_eq!(
        ids.into_iter().collect::<Vec<_>>(),
        vec!["il_1".to_string(), "il_2".to_string()]
    );
    e.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_events_are_attributed_to_their_account() -> Result<()> {
    let e = webhook_env().await?;
    let mut ev = event(
        "evt_conn",
        "customer.created",
        now(),
        customer("cus_conn", "c"),
    );
    ev["account"] = json!("acct_1Connected0042");
    deliver(&e, &ev).await?;
    let a: String =
        sqlx::query_scalar("SELECT _account_id FROM stripe.customers WHERE id = 'cus_conn'")
            .fetch_one(&e.db.pool)
            .await?;
    assert_eq!(a, "acct_1Connected0042");
    let a: String =
        sqlx::query_scalar("SELECT account_id FROM stripe_sync.events WHERE id = 'evt_conn'")
            .fetch_one(&e.db.pool)
            .await?;
    assert_eq!(a, "acct_1Connected0042");
    e.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_bodies_that_are_not_events_are_kept_as_rejections() -> Result<()> {
    let e = webhook_env().await?;
    let refuse = |body: &'static [u8]| {
        let e = &e;
        async move {
            let r = e
                .sync
                .process_webhook(body, &header(body, SECRET, now()))
                .await;
            assert!(
                matches!(r, Err(Error::Webhook(WebhookError::InvalidPayload(_)))),
                "{r:?}"
            );
        }
    };
    refuse(b"{\"hello\": \"world\"}").await;
    assert_eq!(
        e.count("SELECT count(*) FROM stripe_sync.webhook_rejections")
            .await?,
        1
    );
    // Raw NUL bytes (which PostgreSQL text cannot hold) and invalid UTF-8
    // are kept too, with the reason.
    refuse(b"{\"id\": \"evt_\0\xff\"}").await;
    let (reason, kept): (String, String) = sqlx::query_as(
        "SELECT reason, body FROM stripe_sync.webhook_rejections ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&e.db.pool)
    .await?;
    assert!(!reason.is_empty());
    assert_eq!(kept, "{\"id\": \"evt_\u{FFFD}\u{FFFD}\"}");
    assert_eq!(e.count("SELECT count(*) FROM stripe_sync.events").await?, 0);
    e.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revalidated_objects_are_fetched_from_the_api() -> Result<()> {
    let e = env_with_account(SimConfig::new(fixtures()).with_count("customer", 3), |c| {
        c.stripe_webhook_secret = Some(SECRET.into());
        c.revalidate_objects_via_stripe_api = vec!["customer".into()];
    })
    .await?;
    let real = e.sim.objects("customer").into_iter().next().unwrap();
    let id = real["id"].as_str().unwrap();
    let lie = event(
        "evt_lie",
        "customer.updated",
        now() - 50,
        customer(id, "forged"),
    );
    assert_eq!(deliver(&e, &lie).await?.outcome, EventOutcome::Applied);
    let raw: Value = sqlx::query_scalar("SELECT _raw_data FROM stripe.customers WHERE id = $1")
        .bind(id)
        .fetch_one(&e.db.pool)
        .await?;
    assert_eq!(raw, real);
    e.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_expand_lists_fetches_the_items_the_payload_left_out() -> Result<()> {
    let e = env_with_account(SimConfig::small_account(fixtures()), |c| {
        c.stripe_webhook_secret = Some(SECRET.into());
        c.auto_expand_lists = true;
    })
    .await?;
    let invoice = e
        .sim
        .objects("invoice")
        .into_iter()
        .find(|i| i["lines"]["data"].as_array().is_some_and(|d| d.len() >= 2))
        .expect("an invoice with two lines or more");
    let all: Vec<String> = invoice["lines"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect();
    let mut truncated = invoice.clone();
    truncated["lines"]["data"] = json!([invoice["lines"]["data"][0].clone()]);
    truncated["lines"]["has_more"] = json!(true);
    let ev = event("evt_exp", "invoice.updated", now(), truncated);
    assert_eq!(deliver(&e, &ev).await?.outcome, EventOutcome::Applied);
    let stored = e.db_ids("invoice_line_items").await?;
    for id in &all {
        assert!(stored.contains(id), "line {id} missing: {stored:?}");
    }
    e.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn related_entities_missing_from_the_database_are_fetched_first() -> Result<()> {
    let e = env_with_account(SimConfig::small_account(fixtures()), |c| {
        c.stripe_webhook_secret = Some(SECRET.into());
        c.backfill_related_entities = true;
    })
    .await?;
    let sub = e
        .sim
        .objects("subscription")
        .into_iter()
        .find(|s| s["customer"].is_string())
        .expect("a subscription with a customer");
    let customer = sub["customer"].as_str().unwrap().to_string();
    assert!(!e.db_ids("customers").await?.contains(&customer));
    let ev = event(
        "evt_rel",
        "customer.subscription.updated",
        now(),
        sub.clone(),
    );
    assert_eq!(deliver(&e, &ev).await?.outcome, EventOutcome::Applied);
    assert!(e.db_ids("customers").await?.contains(&customer));
    assert!(e
        .db_ids("subscriptions")
        .await?
        .contains(sub["id"].as_str().unwrap()));
    e.finish().await
}

/// Webhooks POSTed concurrently to the server are committed in groups; the
/// outcomes are those of one-by-one processing (staleness, duplicates), and
/// an event the database refuses fails alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_webhooks_commit_in_groups_with_one_by_one_outcomes() -> Result<()> {
    use std::sync::Arc;
    use stripe_sync::server::{router, AppState, DEFAULT_MAX_BODY_BYTES};

    let e = webhook_env().await?;
    let metrics = Arc::new(stripe_sync::metrics::Metrics::new());
    let state = Arc::new(AppState {
        sync: e.sync.clone(),
        admin_key: None,
        metrics: metrics.clone(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks", listener.local_addr()?);
    let app = router(state, DEFAULT_MAX_BODY_BYTES);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let t = now();
    let mut bodies = Vec::new();
    for i in 0..20 {
        let id = format!("cus_grp{i:02}");
        let old = event(
            &format!("evt_grp{i:02}_old"),
            "customer.updated",
            t - 10,
            customer(&id, "old"),
        );
        let new = event(
            &format!("evt_grp{i:02}_new"),
            "customer.updated",
            t,
            customer(&id, "new"),
        );
        // The newer event is delivered twice, and sometimes before the older one.
        if i % 2 == 0 {
            bodies.extend([new.clone(), old, new]);
        } else {
            bodies.extend([old, new.clone(), new]);
        }
    }
    // A trigger refuses this customer with an error that is not the data's
    // (a permanent one would be quarantined and answered 200): the event
    // can't be committed, and its group commits without it.
    sqlx::query(
        "CREATE FUNCTION public.refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.id = 'cus_grp_poison' THEN RAISE EXCEPTION 'poison'; END IF; RETURN NEW; END $$",
    )
    .execute(&e.db.pool)
    .await?;
    sqlx::query(
        "CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON stripe.customers
         FOR EACH ROW EXECUTE FUNCTION public.refuse_poison()",
    )
    .execute(&e.db.pool)
    .await?;
    let poison = event(
        "evt_grp_poison",
        "customer.updated",
        t,
        customer("cus_grp_poison", "poison"),
    );
    bodies.insert(17, poison);

    let http = reqwest::Client::new();
    let mut tasks = Vec::new();
    for ev in bodies {
        let (http, url) = (http.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let body = serde_json::to_vec(&ev)?;
            let sig = header(&body, SECRET, now());
            let r = http
                .post(&url)
                .header("Stripe-Signature", sig)
                .body(body)
                .send()
                .await?;
            let status = r.status().as_u16();
            let v: Value = r.json().await?;
            Ok::<_, anyhow::Error>((ev["id"].as_str().unwrap_or_default().to_string(), status, v))
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await??);
    }
    server.abort();

    let mut applied_new = std::collections::HashMap::<String, (u32, u32)>::new();
    for (id, status, v) in &answers {
        if id == "evt_grp_poison" {
            assert!(status >= &500, "the poison event was acknowledged: {v}");
            continue;
        }
        assert_eq!(*status, 200, "{id}: {v}");
        let outcome = v["outcome"].as_str().unwrap_or_default();
        if id.ends_with("_new") {
            let c = applied_new.entry(id.clone()).or_default();
            match outcome {
                "applied" => c.0 += 1,
                "duplicate" => c.1 += 1,
                other => panic!("{id}: {other}"),
            }
        } else {
            assert!(matches!(outcome, "applied" | "stale"), "{id}: {outcome}");
        }
    }
    assert_eq!(applied_new.len(), 20);
    assert!(
        applied_new.values().all(|c| *c == (1, 1)),
        "{applied_new:?}"
    );
    // The poison is in the ledger as failed, so that a redelivery tries it again.
    assert_eq!(
        e.count("SELECT count(*) FROM stripe_sync.events").await?,
        41
    );
    assert_eq!(
        e.count(
            "SELECT count(*) FROM stripe_sync.events WHERE outcome NOT IN ('applied', 'stale')"
        )
        .await?,
        1
    );
    assert_eq!(
        e.count("SELECT count(*) FROM stripe_sync.events WHERE id = 'evt_grp_poison' AND outcome = 'failed'")
            .await?,
        1
    );
    assert_eq!(
        e.count("SELECT count(*) FROM stripe.customers WHERE id LIKE 'cus_grp%' AND name = 'new'")
            .await?,
        20
    );
    assert_eq!(
        e.count("SELECT count(*) FROM stripe.customers WHERE id = 'cus_grp_poison'")
            .await?,
        0
    );
    let text = metrics.render();
    assert!(
        text.contains("stripe_sync_webhook_group_commits_total"),
        "{text}"
    );
    e.finish().await
}

fn fixture_of(version: &str, object: &str) -> Value {
    let path = stripe_sync_tests::spec_dir()
        .join(version)
        .join("fixtures3.json");
    let v: Value = serde_json::from_slice(&std::fs::read(&path).expect("fixtures")).unwrap();
    v["resources"][object].clone()
}

/// The upsert fills every column the table has, whatever the payload's API
/// version: an invoice at 2023-08-16 fills `subscription`, the same invoice
/// at 2026-04-22.dahlia (where it moved under `parent`) fills `parent`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payload_of_any_version_fills_its_columns() -> Result<()> {
    let e = webhook_env().await?;
    let mut old = fixture_of("2023-08-16", "invoice");
    old["id"] = json!("in_versions");
    old["subscription"] = json!("sub_from_2023");
    let mut new = fixture_of("2026-04-22.dahlia", "invoice");
    new["id"] = json!("in_versions");
    assert!(
        matches!(new.get("subscription"), None | Some(Value::Null)),
        "dahlia moved it"
    );
    assert!(new["parent"].is_object());
    let row = |e: &Env| {
        let pool = e.db.pool.clone();
        async move {
            sqlx::query_as::<_, (Option<String>, Option<Value>)>(
                "SELECT subscription, parent FROM stripe.invoices WHERE id = 'in_versions'",
            )
            .fetch_one(&pool)
            .await
        }
    };
    let mut ev = event("evt_inv_2023", "invoice.updated", now() - 10, old);
    ev["api_version"] = json!("2023-08-16");
    assert_eq!(deliver(&e, &ev).await?.outcome, EventOutcome::Applied);
    let (sub, parent) = row(&e).await?;
    assert_eq!(sub.as_deref(), Some("sub_from_2023"));
    assert_eq!(parent, None);

    let mut ev = event("evt_inv_dahlia", "invoice.updated", now(), new.clone());
    ev["api_version"] = json!("2026-04-22.dahlia");
    assert_eq!(deliver(&e, &ev).await?.outcome, EventOutcome::Applied);
    let (sub, parent) = row(&e).await?;
    assert_eq!(sub, None, "the dahlia payload has no subscription field");
    assert_eq!(parent, Some(new["parent"].clone()));
    let api_version: String = sqlx::query_scalar(
        "SELECT api_version FROM stripe_sync.events WHERE id = 'evt_inv_dahlia'",
    )
    .fetch_one(&e.db.pool)
    .await?;
    assert_eq!(api_version, "2026-04-22.dahlia");
    Ok(())
}

fn entitlement_summary(customer: &str, items: &[Value], has_more: bool) -> Value {
    json!({
        "object": "entitlements.active_entitlement_summary",
        "customer": customer,
        "livemode": false,
        "entitlements": {
            "object": "list", "data": items, "has_more": has_more,
            "url": "/v1/customer/entitlements",
        },
    })
}

/// `entitlements.active_entitlement_summary.updated` replaces a customer's
/// active entitlements. A truncated summary (Stripe sends the first ten) is
/// completed from the API after the event is committed, never while the
/// webhook waits, and nothing is soft-deleted before the list is complete;
/// a later summary without one of them soft-deletes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entitlement_summary_replaces_the_customers_entitlements() -> Result<()> {
    let sc = SimConfig::new(fixtures())
        .with_count("customer", 1)
        // Entitlements come from features (none: none to list).
        .with_count("entitlements.feature", 1)
        .with_count("entitlements.active_entitlement", 15);
    let e = env(sc, |c| {
        c.stripe_webhook_secret = Some(SECRET.into());
        c.request_timeout = std::time::Duration::from_secs(300);
    })
    .await?;
    e.sync.account_id().await?;
    let cus = e.sim.objects("customer")[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut ents = e.sim.objects("entitlements.active_entitlement");
    ents.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    assert_eq!(ents.len(), 15);
    assert!(
        ents.iter().all(|x| x.get("customer").is_none()),
        "the object does not carry it"
    );
    // An entitlement the customer lost before this summary.
    let acct = e.sim.account_id().to_string();
    sqlx::query(
        "INSERT INTO stripe.entitlements_active_entitlements (id, customer, _raw_data, _account_id, _updated_at)
         VALUES ('ent_lost', $1, '{\"id\": \"ent_lost\"}', $2, now() - interval '1 day')",
    )
    .bind(&cus)
    .bind(&acct)
    .execute(&e.db.pool)
    .await?;
    let live = |e: &Env| {
        let (pool, cus) = (e.db.pool.clone(), cus.clone());
        async move {
            let ids: Vec<String> = sqlx::query_scalar(
                "SELECT id FROM stripe.entitlements_active_entitlements WHERE customer = $1 AND _deleted_at IS NULL ORDER BY id",
            )
            .bind(&cus)
            .fetch_all(&pool)
            .await?;
            anyhow::Ok(ids)
        }
    };

    // The rest of the list is held at the simulator until released.
    e.sim.set_faults(stripe_sync_simulator::Faults {
        rate_hang: 1.0,
        hang: std::time::Duration::from_secs(250),
        path: Some("/v1/entitlements/active_entitlements".into()),
        ..Default::default()
    });
    let ev = event(
        "evt_ent_1",
        "entitlements.active_entitlement_summary.updated",
        now() - 5,
        entitlement_summary(&cus, &ents[..10], true),
    );
    let r = deliver(&e, &ev).await?;
    assert_eq!(r.outcome, EventOutcome::Applied);
    // The webhook answered while the list request is held: the first ten
    // are stored, and the lost one is not soft-deleted yet.
    stripe_sync_tests::wait_for("the rest of the list to be requested", || {
        let n = e.sim.fault_stats().injected;
        async move { Ok((n >= 1).then_some(())) }
    })
    .await?;
    let mut first: Vec<String> = ents[..10]
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect();
    first.push("ent_lost".into());
    first.sort();
    assert_eq!(live(&e).await?, first);
    let reason: Option<String> =
        sqlx::query_scalar("SELECT reason FROM stripe_sync.events WHERE id = 'evt_ent_1'")
            .fetch_one(&e.db.pool)
            .await?;
    assert!(reason.is_some_and(|r| r.starts_with("pending")));

    e.sim.set_faults(stripe_sync_simulator::Faults::default());
    let all: Vec<String> = ents
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect();
    stripe_sync_tests::wait_for("every entitlement, and the lost one soft-deleted", || {
        let (live, all) = (live(&e), all.clone());
        async move { Ok((live.await? == all).then_some(())) }
    })
    .await?;
    stripe_sync_tests::wait_for("the event's pending reason to clear", || {
        let pool = e.db.pool.clone();
        async move {
            let reason: Option<String> =
                sqlx::query_scalar("SELECT reason FROM stripe_sync.events WHERE id = 'evt_ent_1'")
                    .fetch_one(&pool)
                    .await?;
            Ok(reason.is_none().then_some(()))
        }
    })
    .await?;
    let lost: Option<chrono::DateTime<chrono::Utc>> = sqlx::query_scalar(
        "SELECT _deleted_at FROM stripe.entitlements_active_entitlements WHERE id = 'ent_lost'",
    )
    .fetch_one(&e.db.pool)
    .await?;
    assert!(lost.is_some());

    // A complete summary without the last one soft-deletes it.
    let ev = event(
        "evt_ent_2",
        "entitlements.active_entitlement_summary.updated",
        now() + 1,
        entitlement_summary(&cus, &ents[..14], false),
    );
    assert_eq!(deliver(&e, &ev).await?.outcome, EventOutcome::Applied);
    assert_eq!(live(&e).await?, all[..14].to_vec());
    // A duplicate delivery changes nothing.
    assert_eq!(deliver(&e, &ev).await?.outcome, EventOutcome::Duplicate);
    assert_eq!(live(&e).await?, all[..14].to_vec());
    Ok(())
}

fn list(url: &str, items: Vec<Value>) -> Value {
    json!({"object": "list", "has_more": false, "url": url, "data": items})
}

fn tax_id(id: &str, customer: &str) -> Value {
    json!({"id": id, "object": "tax_id", "customer": customer, "type": "eu_vat",
           "value": "DE123456789", "created": 1_700_000_000, "livemode": false})
}

async fn live(e: &Env, table: &str) -> Result<Vec<String>> {
    Ok(e.db_ids(table).await?.into_iter().collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_update_without_tax_ids_leaves_them_alone() -> Result<()> {
    let e = webhook_env().await?;
    let t = now() - 100;
    let mut c = customer("cus_tax", "t");
    c["tax_ids"] = list(
        "/v1/customers/cus_tax/tax_ids",
        vec![tax_id("txi_1", "cus_tax"), tax_id("txi_2", "cus_tax")],
    );
    deliver(&e, &event("evt_tax_1", "customer.created", t, c)).await?;
    assert_eq!(live(&e, "tax_ids").await?, ["txi_1", "txi_2"]);
    // Webhook payloads never carry includable lists: absent proves nothing.
    deliver(
        &e,
        &event(
            "evt_tax_2",
            "customer.updated",
            t + 1,
            customer("cus_tax", "u"),
        ),
    )
    .await?;
    let mut c = customer("cus_tax", "v");
    c["tax_ids"] = Value::Null;
    deliver(&e, &event("evt_tax_3", "customer.updated", t + 2, c)).await?;
    assert_eq!(live(&e, "tax_ids").await?, ["txi_1", "txi_2"]);
    // A complete list without one of them does decide.
    let mut c = customer("cus_tax", "w");
    c["tax_ids"] = list(
        "/v1/customers/cus_tax/tax_ids",
        vec![tax_id("txi_2", "cus_tax")],
    );
    deliver(&e, &event("evt_tax_4", "customer.updated", t + 3, c)).await?;
    assert_eq!(live(&e, "tax_ids").await?, ["txi_2"]);
    e.finish().await
}

fn subscription(id: &str, items: &[&str]) -> Value {
    let items = items
        .iter()
        .map(|i| json!({"id": i, "object": "subscription_item", "subscription": id, "quantity": 1}))
        .collect();
    json!({"id": id, "object": "subscription", "customer": "cus_1", "status": "active",
           "created": 1_700_000_000, "livemode": false,
           "items": list(&format!("/v1/subscription_items?subscription={id}"), items)})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_subscription_never_deletes_a_newer_item_nor_revives_a_removed_one() -> Result<()>
{
    let e = webhook_env().await?;
    let t = now() - 100;
    let ty = "customer.subscription.updated";
    deliver(
        &e,
        &event("evt_s1", ty, t, subscription("sub_m", &["si_a", "si_b"])),
    )
    .await?;
    assert_eq!(live(&e, "subscription_items").await?, ["si_a", "si_b"]);
    // Newer: si_b removed, si_c added.
    deliver(
        &e,
        &event(
            "evt_s3",
            ty,
            t + 20,
            subscription("sub_m", &["si_a", "si_c"]),
        ),
    )
    .await?;
    assert_eq!(live(&e, "subscription_items").await?, ["si_a", "si_c"]);
    // Older, arriving late: it neither revives si_b nor deletes the newer si_c.
    deliver(
        &e,
        &event(
            "evt_s2",
            ty,
            t + 10,
            subscription("sub_m", &["si_a", "si_b"]),
        ),
    )
    .await?;
    assert_eq!(live(&e, "subscription_items").await?, ["si_a", "si_c"]);
    // A list with more items than it holds decides nothing.
    let mut partial = subscription("sub_m", &["si_a"]);
    partial["items"]["has_more"] = json!(true);
    deliver(&e, &event("evt_s4", ty, t + 30, partial)).await?;
    assert_eq!(live(&e, "subscription_items").await?, ["si_a", "si_c"]);
    e.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn line_items_without_a_parent_field_follow_their_sessions_list() -> Result<()> {
    let e = webhook_env().await?;
    let t = now() - 100;
    let session = |items: &[&str]| {
        let items = items
            .iter()
            .map(|i| json!({"id": i, "object": "item", "amount_total": 100, "quantity": 1}))
            .collect();
        json!({"id": "cs_m", "object": "checkout.session", "status": "open", "created": 1_700_000_000,
               "livemode": false, "line_items": list("/v1/checkout/sessions/cs_m/line_items", items)})
    };
    let ty = "checkout.session.completed";
    deliver(&e, &event("evt_cs1", ty, t, session(&["li_1", "li_2"]))).await?;
    // Another session's item is never touched by this one's list.
    let mut other = session(&["li_9"]);
    other["id"] = json!("cs_other");
    deliver(&e, &event("evt_cs0", ty, t, other)).await?;
    assert_eq!(live(&e, "line_items").await?, ["li_1", "li_2", "li_9"]);
    deliver(&e, &event("evt_cs2", ty, t + 10, session(&["li_2"]))).await?;
    assert_eq!(live(&e, "line_items").await?, ["li_2", "li_9"]);
    e.finish().await
}

/// The look-up for other events of the same object and second
/// (`events::refetch::note_ties`, after each applied event) is planned on
/// every call, never kept prepared on a connection: a plan kept from an
/// empty ledger read the account's whole ledger for every event (see
/// Performance in the book). Each of the engine's connections is asked
/// which statements it holds prepared; the ledger's own insert, which is
/// kept, shows the question sees them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_second_look_up_is_never_kept_prepared() -> Result<()> {
    let e = webhook_env().await?;
    let t = now();
    for (i, name) in ["first", "second", "third"].iter().enumerate() {
        let ev = event(
            &format!("evt_ties_{i}"),
            "customer.updated",
            t,
            customer("cus_ties", name),
        );
        deliver(&e, &ev).await?;
    }
    let pool = e.sync.pool();
    let mut held = Vec::new();
    for _ in 0..pool.size() {
        held.push(pool.acquire().await?);
    }
    let (mut ledger, mut ties) = (0i64, 0i64);
    for c in &mut held {
        let (l, r): (i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE statement LIKE '%INSERT INTO stripe_sync.events%'),
                    count(*) FILTER (WHERE statement LIKE '%INSERT INTO stripe_sync.refetches%')
               FROM pg_prepared_statements
              WHERE statement NOT LIKE '%pg_prepared_statements%'",
        )
        .fetch_one(&mut **c)
        .await?;
        ledger += l;
        ties += r;
    }
    let noted: i64 =
        sqlx::query_scalar("SELECT count(*) FROM stripe_sync.refetches WHERE id = 'cus_ties'")
            .fetch_one(&e.db.pool)
            .await?;
    anyhow::ensure!(noted == 1, "the tie was noted: {noted}");
    anyhow::ensure!(ledger > 0, "the ledger's insert is kept prepared somewhere");
    anyhow::ensure!(
        ties == 0,
        "the look-up is kept prepared ({ties} statements)"
    );
    drop(held);
    e.finish().await
}
