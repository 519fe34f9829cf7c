//! Embedded lists at Stripe's real cost: children read from their parents'
//! list (`expand[]=data.tax_ids`), per-parent requests only for parents
//! whose embedded list has more, a plan that makes no list request, and
//! complete lists that say which children still belong to their parent.
//! Real PostgreSQL, the simulator over HTTP.

use crate::support;

use anyhow::Result;
use serde_json::Value;
use stripe_sync::{BackfillRequest, ListSource};
use stripe_sync_simulator::SimConfig;
use support::{env, fixtures, Env};

const TAX_IDS_UNDER_A_CUSTOMER: &str = "GET /v1/customers/{customer}/tax_ids";

/// Requests the simulator answered for one endpoint.
fn requests_to(e: &Env, endpoint: &str) -> u64 {
    e.sim
        .requests_by_endpoint()
        .get(endpoint)
        .copied()
        .unwrap_or(0)
}

async fn add_tax_ids(e: &Env, customer: &str, n: usize) -> Result<()> {
    for i in 0..n {
        e.post(
            &format!("/v1/customers/{customer}/tax_ids"),
            &[("type", "eu_vat"), ("value", &format!("DE{:09}", i + 1))],
        )
        .await?;
    }
    Ok(())
}

fn customer_ids(e: &Env) -> Vec<String> {
    e.sim
        .objects("customer")
        .iter()
        .filter_map(|c| c["id"].as_str().map(String::from))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tax_ids_come_from_the_customer_list_and_only_long_lists_are_continued() -> Result<()> {
    let e = env(
        SimConfig::new(fixtures()).with_count("customer", 30),
        |_| {},
    )
    .await?;
    let ids = customer_ids(&e);
    let (many, few) = (&ids[0], &ids[1]);
    add_tax_ids(&e, many, 12).await?;
    add_tax_ids(&e, few, 3).await?;

    let req = BackfillRequest::objects(["customer", "tax_id"]);
    let rep = e.sync.backfill(req.clone()).await?;
    assert!(rep.succeeded);
    assert!(matches!(
        rep.object("tax_id").unwrap().source,
        Some(ListSource::FromParent {
            parent: "customer",
            field: "tax_ids",
            ..
        })
    ));
    // Every tax id, from the embedded first page of ten plus the
    // continuation of the one customer whose list has more.
    assert_eq!(e.db_ids("tax_ids").await?, e.sim_ids("tax_id"));
    assert_eq!(e.db_ids("tax_ids").await?.len(), 15);
    assert_eq!(
        requests_to(&e, TAX_IDS_UNDER_A_CUSTOMER),
        1,
        "only the customer with more than ten tax ids is listed on its own: {:?}",
        e.sim.requests_by_endpoint()
    );
    assert_eq!(rep.object("tax_id").unwrap().requests, 1);

    // An incremental run: a new customer with a long list is read from the
    // customer list and continued; old customers cost nothing.
    let new = e
        .post("/v1/customers", &[("email", "new@example.com")])
        .await?;
    let new_id = new["id"].as_str().unwrap().to_string();
    add_tax_ids(&e, &new_id, 11).await?;
    let rep = e.sync.backfill(req.clone()).await?;
    assert!(rep.succeeded);
    assert_eq!(e.db_ids("tax_ids").await?, e.sim_ids("tax_id"));
    assert_eq!(requests_to(&e, TAX_IDS_UNDER_A_CUSTOMER), 2);

    // A parent whose embedded list grew past ten: a full run reads the
    // first page from the parent and continues it.
    add_tax_ids(&e, few, 9).await?;
    let rep = e
        .sync
        .backfill(BackfillRequest {
            full: true,
            ..req.clone()
        })
        .await?;
    assert!(rep.succeeded);
    assert_eq!(e.db_ids("tax_ids").await?, e.sim_ids("tax_id"));
    assert_eq!(e.db_ids("tax_ids").await?.len(), 35);
    // many (12), new (11) and few (now 12) have more than ten.
    assert_eq!(requests_to(&e, TAX_IDS_UNDER_A_CUSTOMER), 2 + 3);
    e.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_reads_first_pages_and_foresees_the_lists_under_them() -> Result<()> {
    let e = env(SimConfig::new(fixtures()).with_count("customer", 40), |c| {
        c.endpoint_requests_per_second = Some(10)
    })
    .await?;
    let req = BackfillRequest::all();
    let before = e.sim.list_requests();
    let plan = e.sync.backfill_plan(&req).await?;
    // One page per top-level list: each holds one page at most here.
    let top = plan
        .resources
        .iter()
        .filter(|r| matches!(r.source, ListSource::TopLevel { .. }))
        .count() as u64;
    assert_eq!(
        e.sim.list_requests() - before,
        top,
        "one first page per top-level list"
    );
    // Nothing is in the database yet: per-customer lists are foreseen from
    // the customers' first page, the whole list.
    let cbt = plan
        .resources
        .iter()
        .find(|r| r.object == "customer_balance_transaction")
        .unwrap();
    assert!(matches!(
        cbt.source,
        ListSource::PerParent {
            parent: "customer",
            ..
        }
    ));
    assert_eq!(cbt.expected_requests, Some(40));
    // No feature: no entitlement list is foreseen.
    let ent = plan
        .resources
        .iter()
        .find(|r| r.object == "entitlements.active_entitlement")
        .unwrap();
    assert_eq!(ent.expected_requests, Some(0));
    // Top-level lists come first in the plan, as in the run.
    let first_nested = plan
        .resources
        .iter()
        .position(|r| !matches!(r.source, ListSource::TopLevel { .. }))
        .unwrap();
    assert!(plan.resources[first_nested..]
        .iter()
        .all(|r| !matches!(r.source, ListSource::TopLevel { .. })));

    e.sync
        .backfill(BackfillRequest::objects(["customer"]))
        .await?;
    let before = e.sim.list_requests();
    let plan = e
        .sync
        .backfill_plan(&BackfillRequest::objects([
            "customer_balance_transaction",
            "tax_id",
        ]))
        .await?;
    assert_eq!(
        e.sim.list_requests(),
        before,
        "no top-level list: nothing read"
    );
    let expected = |o: &str| {
        plan.resources
            .iter()
            .find(|r| r.object == o)
            .and_then(|r| r.expected_requests)
    };
    // One request per customer in the database: customers are not in this
    // run, so their lists hold no embedded tax ids either.
    assert_eq!(expected("customer_balance_transaction"), Some(40));
    assert_eq!(expected("tax_id"), Some(40));
    // 2,000 requests/s in all, but 10/s per endpoint: 40 requests on each
    // of two endpoints take 4 s, not 80 / 2,000.
    assert_eq!(plan.requests_per_second, 2000);
    assert_eq!(plan.endpoint_requests_per_second, 10);
    assert!(
        (plan.eta().as_secs_f64() - 4.0).abs() < 0.01,
        "{:?}",
        plan.eta()
    );
    e.finish().await
}

/// Many pages of customers: the plan's estimate of the per-customer lists
/// (from a few pages of the customers' list) is within 30% of the requests
/// the run makes, and costs a handful of pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_foresees_per_parent_lists_within_thirty_percent() -> Result<()> {
    let e = env(
        SimConfig::new(fixtures()).with_count("customer", 1_500),
        |_| {},
    )
    .await?;
    let req = BackfillRequest::objects(["customer", "customer_balance_transaction"]);
    let before = e.sim.list_requests();
    let plan = e.sync.backfill_plan(&req).await?;
    let read = e.sim.list_requests() - before;
    assert!(read <= 4, "the plan read {read} pages");
    let foreseen = plan
        .resources
        .iter()
        .find(|r| r.object == "customer_balance_transaction")
        .and_then(|r| r.expected_requests)
        .unwrap() as f64;
    e.sync.backfill(req).await?;
    let made = *e
        .sim
        .requests_by_endpoint()
        .get("GET /v1/customers/{customer}/balance_transactions")
        .unwrap() as f64;
    println!("per-customer lists: foreseen {foreseen}, made {made}");
    assert!(
        (foreseen - made).abs() <= 0.3 * made,
        "foreseen {foreseen}, made {made}"
    );
    e.finish().await
}

/// The simulator's newest event of `ty` about `id`, as it would be delivered.
async fn latest_event(e: &Env, ty: &str, id: &str) -> Result<Value> {
    let page = e
        .sync
        .client()
        .get_json(
            "/v1/events",
            &[
                ("type".to_string(), ty.to_string()),
                ("limit".to_string(), "100".to_string()),
            ],
        )
        .await?;
    page["data"]
        .as_array()
        .and_then(|d| d.iter().find(|ev| ev["data"]["object"]["id"] == id))
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("no {ty} event for {id}"))
}

async fn deleted_at(
    e: &Env,
    table: &str,
    id: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT _deleted_at FROM stripe.{table} WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(&e.db.pool)
    .await?)
}

/// A subscription with two items, its id and the items' ids.
async fn subscription_with_two_items(e: &Env) -> Result<(String, Vec<String>)> {
    let customer = e
        .post("/v1/customers", &[("email", "two@example.com")])
        .await?;
    let prices = e.sim.objects("price");
    let price = |i: usize| prices[i]["id"].as_str().unwrap().to_string();
    let (p0, p1) = (price(0), price(1));
    let sub = e
        .post(
            "/v1/subscriptions",
            &[
                ("customer", customer["id"].as_str().unwrap()),
                ("items[0][price]", p0.as_str()),
                ("items[1][price]", p1.as_str()),
            ],
        )
        .await?;
    let sub_id = sub["id"].as_str().unwrap().to_string();
    let items: Vec<String> = sub["items"]["data"]
        .as_array()
        .map(|d| {
            d.iter()
                .filter_map(|i| i["id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(items.len(), 2, "the simulator made two items: {sub}");
    Ok((sub_id, items))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_subscription_item_is_soft_deleted_by_its_subscriptions_list() -> Result<()> {
    let e = env(
        SimConfig::new(fixtures())
            .with_count("product", 2)
            .with_count("price", 2),
        |_| {},
    )
    .await?;
    let (sub, items) = subscription_with_two_items(&e).await?;
    let req = BackfillRequest::objects(["customer", "subscription", "subscription_item"]);
    assert!(e.sync.backfill(req.clone()).await?.succeeded);
    let created = latest_event(&e, "customer.subscription.created", &sub).await?;
    assert_eq!(e.db_ids("subscription_items").await?.len(), 2);

    // Stripe sends no event for the item, only the subscription's update
    // whose `items` no longer hold it.
    e.sync
        .client()
        .delete_json(&format!("/v1/subscription_items/{}", items[1]))
        .await?;
    let updated = latest_event(&e, "customer.subscription.updated", &sub).await?;
    e.sync.process_event(&updated).await?;
    assert!(deleted_at(&e, "subscription_items", &items[1])
        .await?
        .is_some());
    assert!(deleted_at(&e, "subscription_items", &items[0])
        .await?
        .is_none());

    // An older subscription event arriving late does not bring it back.
    let late = e.sync.process_event(&created).await?;
    assert!(
        deleted_at(&e, "subscription_items", &items[1])
            .await?
            .is_some(),
        "{late:?}"
    );
    assert!(deleted_at(&e, "subscription_items", &items[0])
        .await?
        .is_none());
    e.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_backfill_soft_deletes_a_removed_subscription_item() -> Result<()> {
    let e = env(
        SimConfig::new(fixtures())
            .with_count("product", 2)
            .with_count("price", 2),
        |_| {},
    )
    .await?;
    let (_, items) = subscription_with_two_items(&e).await?;
    let req = BackfillRequest::objects(["customer", "subscription", "subscription_item"]);
    assert!(e.sync.backfill(req.clone()).await?.succeeded);
    e.sync
        .client()
        .delete_json(&format!("/v1/subscription_items/{}", items[0]))
        .await?;
    let rep = e
        .sync
        .backfill(BackfillRequest { full: true, ..req })
        .await?;
    assert!(rep.succeeded);
    assert!(deleted_at(&e, "subscription_items", &items[0])
        .await?
        .is_some());
    assert!(deleted_at(&e, "subscription_items", &items[1])
        .await?
        .is_none());
    assert_eq!(
        e.db_ids("subscription_items").await?,
        e.sim_ids("subscription_item")
    );
    e.finish().await
}

/// Stripe embeds ten of a subscription's items: a change to the eleventh
/// comes as a `customer.subscription.updated` whose `items` do not hold
/// it. The event notes the truncated list, and the next `sync` lists the
/// rest from the list's URL (found by the sequence driver, seed 6).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_to_an_item_past_the_first_ten_reaches_the_mirror_by_the_next_sync() -> Result<()>
{
    let e = env(
        SimConfig::new(fixtures())
            .with_count("product", 2)
            .with_count("price", 2),
        |_| {},
    )
    .await?;
    let (sub, _) = subscription_with_two_items(&e).await?;
    let price = e.sim.objects("price")[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for _ in 0..10 {
        e.post(
            "/v1/subscription_items",
            &[("subscription", sub.as_str()), ("price", price.as_str())],
        )
        .await?;
    }
    let req = BackfillRequest::objects(["customer", "subscription", "subscription_item"]);
    assert!(e.sync.backfill(req).await?.succeeded);
    assert_eq!(e.db_ids("subscription_items").await?.len(), 12);

    // An item the subscription's embedded first page leaves out.
    let embedded: Vec<String> = e
        .sync
        .client()
        .get_json(&format!("/v1/subscriptions/{sub}"), &[])
        .await?["items"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["id"].as_str().map(String::from))
        .collect();
    assert_eq!(embedded.len(), 10);
    let past = e
        .sim_ids("subscription_item")
        .into_iter()
        .find(|id| !embedded.contains(id))
        .unwrap();
    e.post(
        &format!("/v1/subscription_items/{past}"),
        &[("quantity", "7")],
    )
    .await?;
    let updated = latest_event(&e, "customer.subscription.updated", &sub).await?;
    assert_eq!(updated["data"]["object"]["items"]["has_more"], true);
    e.sync.process_event(&updated).await?;
    let quantity = || async {
        sqlx::query_scalar::<_, Option<i64>>(
            "SELECT quantity FROM stripe.subscription_items WHERE id = $1",
        )
        .bind(&past)
        .fetch_one(&e.db.pool)
        .await
    };
    assert_eq!(quantity().await?, Some(1), "the event does not hold it");
    let noted: Vec<(String, String, String)> =
        sqlx::query_as("SELECT parent_id, field, url FROM stripe_sync.truncated_lists")
            .fetch_all(&e.db.pool)
            .await?;
    assert_eq!(
        noted,
        vec![(
            sub.clone(),
            "items".to_string(),
            format!("/v1/subscription_items?subscription={sub}")
        )]
    );

    e.sync.sync_events().await?;
    assert_eq!(quantity().await?, Some(7));
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe_sync.truncated_lists")
        .fetch_one(&e.db.pool)
        .await?;
    assert_eq!(left, 0, "the note is removed once listed");
    e.finish().await
}
