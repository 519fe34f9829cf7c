//! The Stripe simulator over real HTTP: paging, filters, required
//! parameters, writes and events, signed webhook delivery with retries,
//! injected faults, auth, Connect, and seeding.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Result;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use stripe_sync_simulator::{start, Faults, SimConfig, SimHandle, WebhookRetry};
use stripe_sync_tests::spec_dir;

fn fixtures() -> std::path::PathBuf {
    spec_dir()
        .join(stripe_sync_generated::API_VERSION)
        .join("fixtures3.json")
}

struct Api {
    base: String,
    http: reqwest::Client,
    account: Option<String>,
}

impl Api {
    fn new(sim: &SimHandle) -> Api {
        Api {
            base: sim.base_url(),
            http: reqwest::Client::new(),
            account: None,
        }
    }

    fn req(&self, m: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let r = self
            .http
            .request(m, format!("{}{}", self.base, path))
            .bearer_auth("sk_test_simulator");
        match &self.account {
            Some(a) => r.header("Stripe-Account", a),
            None => r,
        }
    }

    async fn get(&self, path: &str) -> Result<(u16, Value)> {
        let r = self.req(reqwest::Method::GET, path).send().await?;
        Ok((r.status().as_u16(), r.json().await?))
    }

    async fn ok(&self, path: &str) -> Result<Value> {
        let (s, v) = self.get(path).await?;
        assert_eq!(s, 200, "GET {path}: {v}");
        Ok(v)
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Result<(u16, Value)> {
        let r = self
            .req(reqwest::Method::POST, path)
            .form(form)
            .send()
            .await?;
        Ok((r.status().as_u16(), r.json().await?))
    }

    async fn created(&self, path: &str, form: &[(&str, &str)]) -> Result<Value> {
        let (s, v) = self.post(path, form).await?;
        assert_eq!(s, 200, "POST {path}: {v}");
        Ok(v)
    }

    async fn delete(&self, path: &str) -> Result<(u16, Value)> {
        let r = self.req(reqwest::Method::DELETE, path).send().await?;
        Ok((r.status().as_u16(), r.json().await?))
    }
}

fn ids(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect()
}

fn live(objects: &[Value]) -> Vec<&Value> {
    objects
        .iter()
        .filter(|o| o["deleted"] != Value::Bool(true))
        .collect()
}

fn assert_error(status: u16, v: &Value, want_status: u16, want_type: &str, want_code: &str) {
    assert_eq!(status, want_status, "{v}");
    assert_eq!(v["error"]["type"], want_type, "{v}");
    assert_eq!(v["error"]["code"], want_code, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{v}"
    );
}

fn sep(path: &str) -> &'static str {
    if path.contains('?') {
        "&"
    } else {
        "?"
    }
}

/// Walks a list forward with `starting_after`; returns ids in order.
async fn walk_forward(api: &Api, path: &str, limit: usize) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut url = format!("{path}{}limit={limit}", sep(path));
        if let Some(a) = &after {
            url.push_str(&format!("&starting_after={a}"));
        }
        let page = api.ok(&url).await?;
        let got = ids(&page);
        assert!(got.len() <= limit);
        out.extend(got.iter().cloned());
        if page["has_more"] != Value::Bool(true) {
            return Ok(out);
        }
        assert_eq!(got.len(), limit, "a page with has_more is full");
        after = got.last().cloned();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagination_walks_every_object_once_in_both_directions() -> Result<()> {
    let sim = start(
        SimConfig::new(fixtures()).with_count("customer", 257),
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let api = Api::new(&sim);
    let oracle = sim.objects("customer");
    let expected: BTreeSet<String> = oracle
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(expected.len(), 257);

    for limit in [1, 7, 10, 100] {
        let forward = walk_forward(&api, "/v1/customers", limit).await?;
        assert_eq!(
            forward.len(),
            257,
            "limit {limit}: every object exactly once"
        );
        assert_eq!(forward.iter().cloned().collect::<BTreeSet<_>>(), expected);
        // Newest first: `created` never increases along the walk.
        let created: HashMap<String, i64> = oracle
            .iter()
            .map(|o| {
                (
                    o["id"].as_str().unwrap().to_string(),
                    o["created"].as_i64().unwrap(),
                )
            })
            .collect();
        assert!(
            forward.windows(2).all(|w| created[&w[0]] >= created[&w[1]]),
            "newest first"
        );

        // Backward from the oldest object with `ending_before`.
        let mut backward: Vec<String> = vec![forward.last().unwrap().clone()];
        let mut before = forward.last().unwrap().clone();
        loop {
            let page = api
                .ok(&format!(
                    "/v1/customers?limit={limit}&ending_before={before}"
                ))
                .await?;
            let got = ids(&page);
            // Each page is itself newest first; prepend it.
            for id in got.iter().rev() {
                backward.push(id.clone());
            }
            if page["has_more"] != Value::Bool(true) {
                break;
            }
            before = got.first().unwrap().clone();
        }
        backward.reverse();
        assert_eq!(
            backward, forward,
            "limit {limit}: the backward walk sees the same objects in the same order"
        );
    }

    // The default page size is 10; a page past the end is empty.
    let page = api.ok("/v1/customers").await?;
    assert_eq!(ids(&page).len(), 10);
    assert_eq!(page["object"], "list");
    assert_eq!(page["url"], "/v1/customers");
    let oldest = walk_forward(&api, "/v1/customers", 100)
        .await?
        .pop()
        .unwrap();
    let past = api
        .ok(&format!("/v1/customers?starting_after={oldest}"))
        .await?;
    assert_eq!(ids(&past).len(), 0);
    assert_eq!(past["has_more"], false);

    // Bad paging parameters are Stripe-shaped 400s.
    for bad in [
        "limit=0",
        "limit=101",
        "limit=abc",
        "starting_after=cus_nope",
        "starting_after=a&ending_before=b",
    ] {
        let (s, v) = api.get(&format!("/v1/customers?{bad}")).await?;
        assert_eq!(s, 400, "{bad}: {v}");
        assert_eq!(v["error"]["type"], "invalid_request_error");
    }
    sim.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn created_filters_select_the_right_objects() -> Result<()> {
    let sim = start(
        SimConfig::new(fixtures())
            .with_count("customer", 300)
            .with_count("subscription", 20)
            .with_count("subscription_item", 30)
            .with_count("product", 3)
            .with_count("price", 5),
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let api = Api::new(&sim);
    let oracle = sim.objects("customer");
    let mut created: Vec<i64> = oracle
        .iter()
        .map(|o| o["created"].as_i64().unwrap())
        .collect();
    created.sort_unstable();
    // A realistic spread: not all in the same second.
    assert!(created.last().unwrap() - created.first().unwrap() > 86_400 * 100);
    let (a, b) = (created[50], created[200]);
    let count = |f: &dyn Fn(i64) -> bool| created.iter().filter(|c| f(**c)).count();
    let cases: Vec<(String, usize)> = vec![
        (format!("created[gte]={a}"), count(&|c| c >= a)),
        (format!("created[gt]={a}"), count(&|c| c > a)),
        (format!("created[lte]={b}"), count(&|c| c <= b)),
        (format!("created[lt]={b}"), count(&|c| c < b)),
        (
            format!("created[gte]={a}&created[lt]={b}"),
            count(&|c| c >= a && c < b),
        ),
        (
            format!("created[gt]={a}&created[lte]={b}"),
            count(&|c| c > a && c <= b),
        ),
        (format!("created={a}"), count(&|c| c == a)),
        (format!("created[gt]={b}&created[lt]={a}"), 0),
    ];
    for (q, want) in cases {
        let got = walk_forward(&api, &format!("/v1/customers?{q}"), 33).await?;
        assert_eq!(got.len(), want, "{q}");
        assert_eq!(
            got.iter().collect::<BTreeSet<_>>().len(),
            want,
            "{q}: no duplicates"
        );
    }
    // A cursor combined with a filter stays inside the filter.
    let first = api
        .ok(&format!("/v1/customers?limit=5&created[lte]={b}"))
        .await?;
    let next = api
        .ok(&format!(
            "/v1/customers?limit=5&created[lte]={b}&starting_after={}",
            ids(&first)[4]
        ))
        .await?;
    let by_id: HashMap<&str, i64> = oracle
        .iter()
        .map(|o| (o["id"].as_str().unwrap(), o["created"].as_i64().unwrap()))
        .collect();
    assert!(ids(&next).iter().all(|id| by_id[id.as_str()] <= b));

    let (s, v) = api.get("/v1/customers?created[gte]=notanumber").await?;
    assert_error(s, &v, 400, "invalid_request_error", "parameter_invalid");
    let (s, v) = api.get("/v1/customers?created[foo]=1").await?;
    assert_error(s, &v, 400, "invalid_request_error", "parameter_unknown");
    // Subscription items do not take `created` (the registry says so).
    let sub = sim.objects("subscription")[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, v) = api
        .get(&format!(
            "/v1/subscription_items?subscription={sub}&created[gte]=1"
        ))
        .await?;
    assert_error(s, &v, 400, "invalid_request_error", "parameter_unknown");
    sim.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn required_parameters_and_nested_lists() -> Result<()> {
    let sim = start(SimConfig::small_account(fixtures()), "127.0.0.1:0".parse()?).await?;
    let api = Api::new(&sim);
    let (s, v) = api.get("/v1/subscription_items").await?;
    assert_error(s, &v, 400, "invalid_request_error", "parameter_missing");
    assert_eq!(v["error"]["param"], "subscription");
    let (s, v) = api
        .get("/v1/subscription_items?subscription=sub_doesnotexist")
        .await?;
    assert_error(s, &v, 404, "invalid_request_error", "resource_missing");

    // Each subscription lists exactly its items, and embeds them.
    let items = sim.objects("subscription_item");
    let mut seen = 0;
    for sub in sim.objects("subscription") {
        let id = sub["id"].as_str().unwrap();
        let want: BTreeSet<String> = items
            .iter()
            .filter(|i| i["subscription"] == id)
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        let got = walk_forward(
            &api,
            &format!("/v1/subscription_items?subscription={id}"),
            2,
        )
        .await?;
        assert_eq!(got.iter().cloned().collect::<BTreeSet<_>>(), want, "{id}");
        seen += got.len();
        let embedded = &sub["items"];
        assert_eq!(embedded["object"], "list");
        assert_eq!(
            embedded["url"],
            format!("/v1/subscription_items?subscription={id}")
        );
        assert_eq!(
            embedded["total_count"].as_u64().unwrap() as usize,
            want.len()
        );
    }
    assert_eq!(
        seen,
        items.len(),
        "every item belongs to exactly one subscription"
    );

    // Invoice lines: /v1/invoices/{id}/lines, and the embedded first page.
    let lines = sim.objects("line_item");
    let mut seen = 0;
    for inv in sim.objects("invoice") {
        let id = inv["id"].as_str().unwrap();
        let got = walk_forward(&api, &format!("/v1/invoices/{id}/lines"), 3).await?;
        seen += got.len();
        let embedded: Vec<String> = ids(&inv["lines"]);
        assert_eq!(embedded, got.iter().take(10).cloned().collect::<Vec<_>>());
        assert_eq!(inv["lines"]["has_more"], got.len() > 10);
    }
    assert_eq!(seen, lines.len());
    let (s, v) = api.get("/v1/invoices/in_nope/lines").await?;
    assert_error(s, &v, 404, "invalid_request_error", "resource_missing");

    // GET by id, including a resource without a retrieve path in the registry.
    let cus = &sim.objects("customer")[0];
    let got = api
        .ok(&format!("/v1/customers/{}", cus["id"].as_str().unwrap()))
        .await?;
    assert_eq!(&got, cus);
    let inv = &sim.objects("invoice")[0];
    assert_eq!(
        &api.ok(&format!("/v1/invoices/{}", inv["id"].as_str().unwrap()))
            .await?,
        inv
    );
    let (s, v) = api.get("/v1/customers/cus_nope").await?;
    assert_error(s, &v, 404, "invalid_request_error", "resource_missing");
    let (s, v) = api.get("/v1/no_such_thing").await?;
    assert_error(s, &v, 404, "invalid_request_error", "resource_missing");

    // The account.
    let acct = api.ok("/v1/account").await?;
    assert_eq!(acct["id"], sim.account_id());
    assert_eq!(acct["object"], "account");
    sim.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeding_is_deterministic_with_consistent_references() -> Result<()> {
    let a = start(SimConfig::small_account(fixtures()), "127.0.0.1:0".parse()?).await?;
    let b = start(SimConfig::small_account(fixtures()), "127.0.0.1:0".parse()?).await?;
    let mut other = SimConfig::small_account(fixtures());
    other.seed = 99;
    let c = start(other, "127.0.0.1:0".parse()?).await?;
    let counts = stripe_sync_simulator::seed::small_account_counts();
    let total: usize = counts.values().sum();
    assert!(
        (300..2000).contains(&total),
        "a few hundred objects: {total}"
    );
    for (object, n) in &counts {
        let objs = a.objects(object);
        assert_eq!(objs.len(), *n, "{object}");
        assert_eq!(objs, b.objects(object), "{object}: same seed, same objects");
        assert_ne!(
            objs,
            c.objects(object),
            "{object}: another seed, other objects"
        );
        for o in &objs {
            let id = o["id"].as_str().unwrap();
            assert_eq!(o["object"], object.as_str());
            let prefix = stripe_sync_generated::resource(object).unwrap().id_prefixes;
            if !prefix.is_empty() && *object != "coupon" {
                assert!(
                    prefix.iter().any(|p| id.starts_with(&format!("{p}_"))),
                    "{object} id {id}"
                );
            }
        }
    }
    let ids = |o: &str| -> BTreeSet<String> {
        a.objects(o)
            .iter()
            .map(|x| x["id"].as_str().unwrap().to_string())
            .collect()
    };
    let by_id = |o: &str| -> HashMap<String, Value> {
        a.objects(o)
            .into_iter()
            .map(|x| (x["id"].as_str().unwrap().to_string(), x))
            .collect()
    };
    let (customers, products, prices) = (ids("customer"), ids("product"), ids("price"));
    let subs = by_id("subscription");
    let invoices = by_id("invoice");
    let intents = by_id("payment_intent");
    for p in a.objects("price") {
        assert!(products.contains(p["product"].as_str().unwrap()));
    }
    for s in subs.values() {
        assert!(customers.contains(s["customer"].as_str().unwrap()));
    }
    for i in a.objects("subscription_item") {
        assert!(subs.contains_key(i["subscription"].as_str().unwrap()));
        assert!(prices.contains(i["price"]["id"].as_str().unwrap()));
    }
    for inv in invoices.values() {
        let cus = inv["customer"].as_str().unwrap();
        assert!(customers.contains(cus));
        if let Some(sub) = inv["subscription"].as_str() {
            assert_eq!(
                subs[sub]["customer"], cus,
                "an invoice's customer is its subscription's"
            );
            assert!(inv["created"].as_i64() >= subs[sub]["created"].as_i64());
        }
    }
    for pi in intents.values() {
        if let Some(inv) = pi["invoice"].as_str() {
            assert_eq!(invoices[inv]["customer"], pi["customer"]);
        }
    }
    for ch in a.objects("charge") {
        let pi = &intents[ch["payment_intent"].as_str().unwrap()];
        assert_eq!(
            ch["customer"], pi["customer"],
            "a charge's customer is its payment intent's"
        );
        assert_eq!(ch["invoice"], pi["invoice"]);
    }
    let charges = ids("charge");
    for r in a.objects("refund") {
        assert!(charges.contains(r["charge"].as_str().unwrap()));
    }
    for sim in [a, b, c] {
        sim.shutdown().await;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_record_events_with_stripe_paging() -> Result<()> {
    let sim = start(
        SimConfig::new(fixtures()).with_count("customer", 5),
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let api = Api::new(&sim);
    // Seeding records no events.
    assert_eq!(ids(&api.ok("/v1/events").await?).len(), 0);

    let cus = api
        .created(
            "/v1/customers",
            &[
                ("email", "a@example.com"),
                ("name", "A"),
                ("metadata[plan]", "pro"),
            ],
        )
        .await?;
    let cus_id = cus["id"].as_str().unwrap().to_string();
    assert!(cus_id.starts_with("cus_"));
    assert_eq!(cus["email"], "a@example.com");
    assert_eq!(cus["metadata"]["plan"], "pro");
    assert_eq!(api.ok(&format!("/v1/customers/{cus_id}")).await?, cus);
    assert_eq!(
        ids(&api.ok("/v1/customers?limit=1").await?),
        vec![cus_id.clone()],
        "the new customer is the newest"
    );

    let upd = api
        .created(
            &format!("/v1/customers/{cus_id}"),
            &[("name", "B"), ("balance", "500")],
        )
        .await?;
    assert_eq!(upd["name"], "B");
    assert_eq!(upd["balance"], 500);

    let prod = api.created("/v1/products", &[("name", "Gold")]).await?;
    let prod_id = prod["id"].as_str().unwrap();
    let price = api
        .created(
            "/v1/prices",
            &[
                ("product", prod_id),
                ("currency", "usd"),
                ("unit_amount", "1500"),
                ("recurring[interval]", "month"),
            ],
        )
        .await?;
    assert_eq!(price["unit_amount"], 1500);
    assert_eq!(price["recurring"]["interval"], "month");
    let price_id = price["id"].as_str().unwrap();
    let sub = api
        .created(
            "/v1/subscriptions",
            &[
                ("customer", &cus_id),
                ("items[0][price]", price_id),
                ("items[0][quantity]", "2"),
            ],
        )
        .await?;
    let sub_id = sub["id"].as_str().unwrap();
    assert_eq!(sub["items"]["data"][0]["price"]["id"], price_id);
    assert_eq!(sub["items"]["data"][0]["quantity"], 2);
    let items = api
        .ok(&format!("/v1/subscription_items?subscription={sub_id}"))
        .await?;
    assert_eq!(ids(&items).len(), 1);
    let inv = api
        .created("/v1/invoices", &[("customer", &cus_id)])
        .await?;
    assert_eq!(inv["status"], "draft");
    let pi = api
        .created(
            "/v1/payment_intents",
            &[
                ("amount", "2000"),
                ("currency", "usd"),
                ("customer", &cus_id),
            ],
        )
        .await?;
    assert_eq!(pi["amount"], 2000);
    let pi_id = pi["id"].as_str().unwrap();
    api.created(
        &format!("/v1/payment_intents/{pi_id}"),
        &[("description", "paid")],
    )
    .await?;
    // A generic write on a resource without specific rules.
    let rate = api
        .created(
            "/v1/tax_rates",
            &[
                ("display_name", "VAT"),
                ("percentage", "20"),
                ("inclusive", "false"),
            ],
        )
        .await?;
    assert!(rate["id"].as_str().unwrap().starts_with("txr_"));

    // Bad writes are 400s, not panics.
    let (s, v) = api
        .post(
            "/v1/subscriptions",
            &[("customer", "cus_nope"), ("items[0][price]", price_id)],
        )
        .await?;
    assert_error(s, &v, 404, "invalid_request_error", "resource_missing");
    let (s, v) = api
        .post("/v1/payment_intents", &[("currency", "usd")])
        .await?;
    assert_error(s, &v, 400, "invalid_request_error", "parameter_missing");
    let (s, v) = api
        .post("/v1/invoices", &[("customer", "cus_nope")])
        .await?;
    assert_eq!(s, 404, "{v}");
    let (s, v) = api
        .post("/v1/customers", &[("metadata[a]", "1"), ("metadata", "x")])
        .await?;
    assert_error(s, &v, 400, "invalid_request_error", "parameter_invalid");

    // Delete: gone from lists, a stub by id, deleted in the oracle.
    let (s, del) = api.delete(&format!("/v1/customers/{cus_id}")).await?;
    assert_eq!(s, 200);
    assert_eq!(
        del,
        serde_json::json!({"id": cus_id, "object": "customer", "deleted": true})
    );
    assert_eq!(api.ok(&format!("/v1/customers/{cus_id}")).await?, del);
    assert!(!walk_forward(&api, "/v1/customers", 100)
        .await?
        .contains(&cus_id));
    let o = sim
        .objects("customer")
        .into_iter()
        .find(|o| o["id"] == cus_id.as_str())
        .unwrap();
    assert_eq!(o["deleted"], true);
    assert_eq!(live(&sim.objects("customer")).len(), 5);
    let (s, v) = api.delete(&format!("/v1/customers/{cus_id}")).await?;
    assert_error(s, &v, 404, "invalid_request_error", "resource_missing");
    let (s, v) = api.delete(&format!("/v1/payment_intents/{pi_id}")).await?;
    assert_eq!(s, 400, "payment intents cannot be deleted: {v}");

    // The events, newest first, paged like any list.
    let types: Vec<String> = {
        let mut all = Vec::new();
        for id in walk_forward(&api, "/v1/events", 3).await? {
            let ev = api.ok(&format!("/v1/events/{id}")).await?;
            all.push(ev["type"].as_str().unwrap().to_string());
        }
        all
    };
    assert_eq!(
        types,
        [
            "customer.deleted",
            "tax_rate.created",
            "payment_intent.succeeded",
            "payment_intent.created",
            "invoice.created",
            "customer.subscription.created",
            "price.created",
            "product.created",
            "customer.updated",
            "customer.created",
        ]
    );
    let evs = api.ok("/v1/events?type=customer.updated").await?;
    let ev = &evs["data"][0];
    assert_eq!(ev["object"], "event");
    assert!(ev["id"].as_str().unwrap().starts_with("evt_"));
    assert_eq!(ev["api_version"], stripe_sync_generated::API_VERSION);
    assert_eq!(ev["data"]["object"]["name"], "B");
    assert_eq!(
        ev["data"]["previous_attributes"],
        serde_json::json!({"name": "A", "balance": 0})
    );
    assert_eq!(ev["livemode"], false);
    assert!(ev["request"]["id"].as_str().unwrap().starts_with("req_"));
    assert!(ev.get("account").is_none());
    let evs = api.ok("/v1/events?type=customer.*").await?;
    assert_eq!(ids(&evs).len(), 4);
    assert_eq!(
        ids(&api
            .ok("/v1/events?types[]=price.created&types[]=product.created")
            .await?)
        .len(),
        2
    );
    sim.shutdown().await;
    Ok(())
}

/// Deliveries a receiver got: (Stripe-Signature, body).
type Received = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A local receiver that fails the first `fail_first` deliveries with 500.
async fn receiver(fail_first: usize) -> Result<(String, Received, tokio::task::JoinHandle<()>)> {
    let got: Received = Arc::default();
    let calls = Arc::new(AtomicUsize::new(0));
    let g = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let g = g.clone();
                let calls = calls.clone();
                async move {
                    let n = calls.fetch_add(1, Ordering::SeqCst);
                    let sig = headers
                        .get("stripe-signature")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string();
                    g.lock().unwrap().push((sig, body.to_vec()));
                    if n < fail_first {
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        axum::http::StatusCode::OK
                    }
                }
            },
        ),
    );
    let (base, task) = stripe_sync_tests::serve_locally(app).await?;
    Ok((format!("{base}/hook"), got, task))
}

/// Waits until the simulator has no delivery left to attempt (each one
/// succeeded or used up its attempts).
async fn deliveries_over(sim: &SimHandle) -> Result<()> {
    stripe_sync_tests::wait_for("the simulator's deliveries to end", || async {
        Ok((sim.deliveries_in_flight() == 0).then_some(()))
    })
    .await
}

fn independent_hmac(secret: &str, t: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_are_signed_versioned_and_retried() -> Result<()> {
    let mut cfg = SimConfig::new(fixtures());
    cfg.webhook_retry = WebhookRetry {
        max_attempts: 4,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
    };
    let sim = start(cfg, "127.0.0.1:0".parse()?).await?;
    let api = Api::new(&sim);
    let (url, got, task) = receiver(2).await?;

    let we = api
        .created(
            "/v1/webhook_endpoints",
            &[
                ("url", &url),
                ("enabled_events[]", "customer.created"),
                ("api_version", "2022-11-15"),
            ],
        )
        .await?;
    let secret = we["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"), "{we}");
    assert_eq!(we["status"], "enabled");
    let we_id = we["id"].as_str().unwrap().to_string();
    assert!(we_id.starts_with("we_"));
    assert_eq!(sim.webhook_secret(&we_id), Some(secret.clone()));
    // The secret is shown on creation only; CRUD works like any resource.
    let fetched = api.ok(&format!("/v1/webhook_endpoints/{we_id}")).await?;
    assert!(fetched.get("secret").is_none());
    assert_eq!(
        ids(&api.ok("/v1/webhook_endpoints").await?),
        vec![we_id.clone()]
    );
    let (s, v) = api
        .post(
            "/v1/webhook_endpoints",
            &[("url", &url), ("enabled_events[]", "not.an.event")],
        )
        .await?;
    assert_error(s, &v, 400, "invalid_request_error", "parameter_invalid");

    // Not subscribed: no delivery. Subscribed: delivered after 2 failures.
    api.created("/v1/products", &[("name", "ignored")]).await?;
    let cus = api.created("/v1/customers", &[("name", "hooked")]).await?;
    // Every delivery task has ended: whatever arrived is all that will.
    deliveries_over(&sim).await?;
    let delivered = got.lock().unwrap().clone();
    assert_eq!(
        delivered.len(),
        3,
        "two failures, then success, then nothing more"
    );
    let (sig, body) = &delivered[2];
    // `t=…,v1=…`, HMAC-SHA256 over `t.body` with the endpoint secret.
    let parts: HashMap<&str, &str> = sig.split(',').filter_map(|p| p.split_once('=')).collect();
    let t = parts["t"];
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    assert!((now - t.parse::<i64>()?).abs() < 60);
    assert_eq!(parts["v1"], independent_hmac(&secret, t, body));
    assert_ne!(parts["v1"], independent_hmac("whsec_other", t, body));
    // And the engine's verifier accepts it.
    stripe_sync::webhook::verify_signature(
        body,
        sig,
        std::slice::from_ref(&secret),
        Duration::from_secs(300),
        now,
    )
    .map_err(|e| anyhow::anyhow!("engine verifier rejected the simulator's signature: {e:?}"))?;
    let ev: Value = serde_json::from_slice(body)?;
    assert_eq!(ev["type"], "customer.created");
    assert_eq!(
        ev["api_version"], "2022-11-15",
        "delivered at the endpoint's version"
    );
    assert_eq!(ev["data"]["object"]["id"], cus["id"]);
    assert_eq!(ev["pending_webhooks"], 1);
    let attempts = sim.deliveries();
    assert_eq!(
        attempts
            .iter()
            .map(|d| (d.attempt, d.succeeded))
            .collect::<Vec<_>>(),
        vec![(1, false), (2, false), (3, true)]
    );
    assert_eq!(attempts[0].status, Some(500));

    // Disabled endpoints get nothing; deleted ones neither.
    api.created(
        &format!("/v1/webhook_endpoints/{we_id}"),
        &[("disabled", "true")],
    )
    .await?;
    api.created("/v1/customers", &[("name", "not delivered")])
        .await?;
    deliveries_over(&sim).await?;
    assert_eq!(got.lock().unwrap().len(), 3);
    let (s, _) = api
        .delete(&format!("/v1/webhook_endpoints/{we_id}"))
        .await?;
    assert_eq!(s, 200);

    // An endpoint that never answers 2xx gets max_attempts attempts.
    let (url2, got2, task2) = receiver(usize::MAX).await?;
    api.created(
        "/v1/webhook_endpoints",
        &[("url", &url2), ("enabled_events[]", "*")],
    )
    .await?;
    api.created("/v1/products", &[("name", "failing")]).await?;
    deliveries_over(&sim).await?;
    assert_eq!(got2.lock().unwrap().len(), 4);
    task.abort();
    task2.abort();
    sim.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_auth_and_rate_limits() -> Result<()> {
    let mut cfg = SimConfig::new(fixtures()).with_count("customer", 20);
    cfg.api_key = Some("sk_test_right".into());
    let sim = start(cfg, "127.0.0.1:0".parse()?).await?;
    let http = reqwest::Client::new();
    let url = format!("{}/v1/customers", sim.base_url());
    let r = http.get(&url).send().await?;
    let (s, v) = (r.status().as_u16(), r.json::<Value>().await?);
    assert_error(s, &v, 401, "invalid_request_error", "api_key_missing");
    let r = http.get(&url).bearer_auth("sk_test_wrong").send().await?;
    let (s, v) = (r.status().as_u16(), r.json::<Value>().await?);
    assert_error(s, &v, 401, "invalid_request_error", "api_key_invalid");
    assert_eq!(
        http.get(&url)
            .bearer_auth("sk_test_right")
            .send()
            .await?
            .status(),
        200
    );

    let before = sim.request_count();
    sim.set_faults(Faults {
        rate_429: 1.0,
        ..Default::default()
    });
    let r = http.get(&url).bearer_auth("sk_test_right").send().await?;
    let (s, v) = (r.status().as_u16(), r.json::<Value>().await?);
    assert_error(s, &v, 429, "invalid_request_error", "rate_limit");
    sim.set_faults(Faults {
        rate_500: 1.0,
        ..Default::default()
    });
    let r = http.get(&url).bearer_auth("sk_test_right").send().await?;
    let (s, v) = (r.status().as_u16(), r.json::<Value>().await?);
    assert_error(s, &v, 500, "api_error", "api_error");
    // Half the requests fail, roughly.
    sim.set_faults(Faults {
        rate_429: 0.25,
        rate_500: 0.25,
        ..Default::default()
    });
    let mut failed = 0;
    for _ in 0..200 {
        if !http
            .get(&url)
            .bearer_auth("sk_test_right")
            .send()
            .await?
            .status()
            .is_success()
        {
            failed += 1;
        }
    }
    assert!((60..140).contains(&failed), "{failed} of 200 failed");
    // Latency, set through the control API.
    let r = http
        .post(format!("{}/_simulator/faults", sim.base_url()))
        .body(r#"{"latency": 150}"#)
        .send()
        .await?;
    assert_eq!(r.status(), 200);
    let t = std::time::Instant::now();
    assert_eq!(
        http.get(&url)
            .bearer_auth("sk_test_right")
            .send()
            .await?
            .status(),
        200
    );
    assert!(t.elapsed() >= Duration::from_millis(150));
    sim.set_faults(Faults::default());
    assert_eq!(sim.request_count() - before, 203);
    let stats: Value = http
        .get(format!("{}/_simulator/stats", sim.base_url()))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(stats["requests"].as_u64().unwrap(), sim.request_count());
    let oracle: Value = http
        .get(format!("{}/_simulator/objects/customer", sim.base_url()))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(oracle.as_array().unwrap().len(), 20);
    sim.shutdown().await;

    // Rate limiting per second, off by default.
    let mut cfg = SimConfig::new(fixtures()).with_count("customer", 5);
    cfg.rate_limit_per_sec = Some(10);
    let sim = start(cfg, "127.0.0.1:0".parse()?).await?;
    let url = format!("{}/v1/customers", sim.base_url());
    let mut limited = 0;
    for _ in 0..30 {
        let r = http.get(&url).bearer_auth("sk").send().await?;
        if r.status() == 429 {
            limited += 1;
            let v: Value = r.json().await?;
            assert_eq!(v["error"]["code"], "rate_limit");
        }
    }
    assert!(limited >= 10, "{limited} of 30 limited at 10/s");
    sim.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connected_accounts_have_their_own_objects_and_events() -> Result<()> {
    let mut cfg = SimConfig::new(fixtures()).with_count("customer", 12);
    cfg.connected_accounts = vec!["acct_1ConnectedSim0001".into()];
    let sim = start(cfg, "127.0.0.1:0".parse()?).await?;
    let mut api = Api::new(&sim);
    let platform = walk_forward(&api, "/v1/customers", 100).await?;
    // The platform lists its connected accounts.
    assert_eq!(
        ids(&api.ok("/v1/accounts").await?),
        vec!["acct_1ConnectedSim0001".to_string()]
    );
    api.account = Some("acct_1ConnectedSim0001".into());
    let connected = walk_forward(&api, "/v1/customers", 100).await?;
    assert_eq!(connected.len(), 12);
    assert!(connected.iter().all(|id| !platform.contains(id)));
    assert_eq!(api.ok("/v1/account").await?["id"], "acct_1ConnectedSim0001");
    let c = api
        .created("/v1/customers", &[("name", "connected")])
        .await?;
    let ev = &api.ok("/v1/events").await?["data"][0];
    assert_eq!(ev["account"], "acct_1ConnectedSim0001");
    assert_eq!(ev["data"]["object"]["id"], c["id"]);
    assert_eq!(
        sim.objects_of("acct_1ConnectedSim0001", "customer").len(),
        13
    );
    assert_eq!(sim.objects("customer").len(), 12);
    api.account = Some("acct_unknown".into());
    let (s, v) = api.get("/v1/customers").await?;
    assert_error(s, &v, 403, "invalid_request_error", "account_invalid");
    api.account = None;
    assert_eq!(
        ids(&api.ok("/v1/events").await?).len(),
        0,
        "the platform saw no write"
    );
    sim.shutdown().await;
    Ok(())
}

/// Every resource the registry lists with a fixture template can be seeded,
/// and every list endpoint of it answers, with its parameters filled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_registry_resource_is_seeded_and_listed() -> Result<()> {
    let fixtures_json: Value = serde_json::from_slice(&std::fs::read(fixtures())?)?;
    let templates = fixtures_json["resources"].as_object().unwrap();
    let mut cfg = SimConfig::new(fixtures());
    for r in stripe_sync_generated::RESOURCES {
        if templates.contains_key(r.object) && !r.list_endpoints.is_empty() {
            cfg.counts.insert(r.object.to_string(), 4);
        }
    }
    // Objects listed only under parents the registry has no resource for
    // (e.g. tax.transaction) cannot be seeded.
    let seedable: Vec<String> = cfg
        .counts
        .keys()
        .filter(|o| {
            let r = stripe_sync_generated::resource(o).unwrap();
            r.list_endpoints.iter().any(|e| e.params.is_empty())
                || stripe_sync_simulator::seed::parent_objects(r)
                    .iter()
                    .any(|p| cfg.counts.contains_key(*p))
        })
        .cloned()
        .collect();
    cfg.counts.retain(|o, _| seedable.contains(o));
    assert!(cfg.counts.len() > 60, "{}", cfg.counts.len());
    let sim = start(cfg.clone(), "127.0.0.1:0".parse()?).await?;
    let api = Api::new(&sim);
    let mut listed = 0;
    for object in cfg.counts.keys() {
        let r = stripe_sync_generated::resource(object).unwrap();
        let objs = sim.objects(object);
        assert_eq!(objs.len(), 4, "{object}");
        for o in &objs {
            assert_eq!(o["object"], object.as_str());
        }
        for ep in r.list_endpoints {
            // Fill parameters from the first object's parents when possible.
            let mut path = ep.path.to_string();
            let mut query: Vec<String> = ep
                .fixed_params
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let mut fillable = true;
            for p in ep.params {
                let parent = stripe_sync_simulator::seed::param_object(p);
                let value = parent.and_then(|po| {
                    let field = objs.iter().find_map(|o| {
                        o.get(p.name)
                            .or_else(|| o.get(po.rsplit('.').next().unwrap()))
                            .and_then(|v| v.as_str())
                            .map(String::from)
                    });
                    field.or_else(|| {
                        sim.objects(po)
                            .first()
                            .and_then(|x| x["id"].as_str().map(String::from))
                    })
                });
                match (value, p.in_path) {
                    (Some(v), true) => path = path.replace(&format!("{{{}}}", p.name), &v),
                    (Some(v), false) => query.push(format!("{}={v}", p.name)),
                    (None, false) => query.push(format!("{}=x", p.name)),
                    (None, true) => fillable = false,
                }
            }
            if !fillable {
                continue;
            }
            // Paths several resources share (customer sources, external
            // accounts) take Stripe's `object` filter.
            let shared = stripe_sync_generated::RESOURCES.iter().any(|o| {
                o.object != r.object && o.list_endpoints.iter().any(|e| e.path == ep.path)
            });
            if shared {
                query.push(format!("object={object}"));
            }
            let url = if query.is_empty() {
                path.clone()
            } else {
                format!("{path}?{}", query.join("&"))
            };
            let (s, v) = api.get(&url).await?;
            assert!(s == 200 || s == 404, "{object} {url}: {s} {v}");
            if s == 200 {
                listed += 1;
                for item in v["data"].as_array().unwrap() {
                    let id = item["id"].as_str().unwrap();
                    assert!(
                        objs.iter().any(|o| o["id"] == id),
                        "{object} {url}: {id} is not a {object}"
                    );
                }
                // A partial list (`/v1/tax_ids`) shows only the account's
                // own by default; its test is the_top_level_tax_id_list_holds_only_the_accounts_own.
                if ep.params.is_empty() && !ep.partial {
                    let all = walk_forward(&api, &url, 3).await?;
                    assert_eq!(all.len(), 4, "{object} {url}");
                }
            }
        }
        // GET by id on the first list path.
        let top = r.list_endpoints.iter().find(|e| e.params.is_empty());
        if let Some(ep) = top {
            let id = objs[0]["id"].as_str().unwrap();
            assert_eq!(
                api.ok(&format!("{}/{id}", ep.path)).await?,
                objs[0],
                "{object}"
            );
        }
    }
    assert!(listed > 60, "{listed} list endpoints answered");
    sim.shutdown().await;
    Ok(())
}

/// `/v1/customers/{customer}/sources` lists cards, bank accounts and sources
/// together, as Stripe does, and `object=` selects one kind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_list_paths_merge_object_types() -> Result<()> {
    let cfg = SimConfig::new(fixtures())
        .with_count("customer", 4)
        .with_count("card", 13)
        .with_count("bank_account", 7)
        .with_count("source", 5);
    let sim = start(cfg, "127.0.0.1:0".parse()?).await?;
    let api = Api::new(&sim);
    let mut kinds: HashMap<String, String> = HashMap::new();
    for o in ["card", "bank_account", "source"] {
        for x in sim.objects(o) {
            kinds.insert(x["id"].as_str().unwrap().to_string(), o.to_string());
        }
    }
    let mut seen: Vec<String> = Vec::new();
    for cus in sim.objects("customer") {
        let cid = cus["id"].as_str().unwrap();
        let path = format!("/v1/customers/{cid}/sources");
        let forward = walk_forward(&api, &path, 2).await?;
        // Backward from the oldest gives the same sequence.
        if let Some(last) = forward.last() {
            let mut back = vec![last.clone()];
            let mut before = last.clone();
            loop {
                let page = api
                    .ok(&format!("{path}?limit=2&ending_before={before}"))
                    .await?;
                let got = ids(&page);
                back.extend(got.iter().rev().cloned());
                if page["has_more"] != Value::Bool(true) {
                    break;
                }
                before = got.first().unwrap().clone();
            }
            back.reverse();
            assert_eq!(back, forward, "{path}");
        }
        for kind in ["card", "bank_account", "source"] {
            let only = walk_forward(&api, &format!("{path}?object={kind}"), 3).await?;
            assert!(
                only.iter().all(|id| kinds[id] == kind),
                "{path}?object={kind}"
            );
            assert_eq!(
                only.len(),
                forward.iter().filter(|id| kinds[*id] == kind).count()
            );
        }
        seen.extend(forward);
    }
    assert_eq!(seen.len(), 25, "every card, bank account and source once");
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), 25);
    sim.shutdown().await;
    Ok(())
}

/// `/v1/tax_ids` defaults to `owner[type]=self`, as Stripe's does: it lists
/// the account's own tax ids, not its customers' (those are listed under
/// each customer).
#[tokio::test]
async fn the_top_level_tax_id_list_holds_only_the_accounts_own() -> Result<()> {
    let sim = start(
        SimConfig::new(fixtures())
            .with_count("customer", 3)
            .with_count("tax_id", 6),
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let api = Api::new(&sim);
    let all = sim.objects("tax_id");
    assert_eq!(all.len(), 6);
    let top = api.ok("/v1/tax_ids?limit=100").await?;
    assert_eq!(top["data"].as_array().unwrap().len(), 0, "{top}");
    let mut under = 0;
    for c in sim.objects("customer") {
        let id = c["id"].as_str().unwrap();
        let v = api
            .ok(&format!("/v1/customers/{id}/tax_ids?limit=100"))
            .await?;
        under += v["data"].as_array().unwrap().len();
    }
    assert_eq!(under, 6, "customers' tax ids are listed under them");
    let (s, own) = api
        .post(
            "/v1/tax_ids",
            &[("type", "eu_vat"), ("value", "DE123456789")],
        )
        .await?;
    assert_eq!(s, 200, "{own}");
    let top = api.ok("/v1/tax_ids?limit=100").await?;
    let ids: Vec<&str> = top["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert_eq!(ids, vec![own["id"].as_str().unwrap()]);
    sim.shutdown().await;
    Ok(())
}

/// Live objects of `object` grouped by their `customer`, each group in the
/// order the API lists them (newest first).
fn by_customer(sim: &SimHandle, object: &str) -> HashMap<String, Vec<Value>> {
    let mut out: HashMap<String, Vec<Value>> = HashMap::new();
    for o in live(&sim.objects(object)) {
        if let Some(c) = o["customer"].as_str() {
            out.entry(c.to_string()).or_default().push(o.clone());
        }
    }
    out
}

/// `expand[]=data.tax_ids` on a customer list, and `expand[]=tax_ids` on a
/// retrieve, embed Stripe's list envelope: the first 10 tax ids in list
/// order, `has_more`, `total_count`, and the `url` whose pages give the
/// rest. Without `expand[]` the field is absent, as Stripe leaves it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expand_embeds_the_first_page_of_a_customers_children() -> Result<()> {
    let sim = start(
        SimConfig::billing_account(fixtures(), 300),
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let api = Api::new(&sim);
    let tax_ids = by_customer(&sim, "tax_id");
    assert!(tax_ids.values().any(|v| v.len() > 10), "a heavy customer");

    // Every customer, expanded, over every page of the list.
    let mut seen = 0;
    let mut after: Option<String> = None;
    loop {
        let cursor = after
            .as_ref()
            .map(|a| format!("&starting_after={a}"))
            .unwrap_or_default();
        let page = api
            .ok(&format!(
                "/v1/customers?limit=100&expand[]=data.tax_ids&expand[]=data.sources{cursor}"
            ))
            .await?;
        for c in page["data"].as_array().unwrap() {
            let id = c["id"].as_str().unwrap();
            let want: Vec<&str> = tax_ids
                .get(id)
                .map(|v| v.iter().map(|t| t["id"].as_str().unwrap()).collect())
                .unwrap_or_default();
            let emb = &c["tax_ids"];
            assert_eq!(emb["object"], "list", "{c}");
            assert_eq!(emb["url"], format!("/v1/customers/{id}/tax_ids"));
            assert_eq!(emb["total_count"], want.len());
            assert_eq!(emb["has_more"], want.len() > 10);
            let first = ids(emb);
            assert_eq!(first, want[..want.len().min(10)], "{id}");
            // The list endpoint gives them in the same order.
            let listed = walk_forward(&api, &format!("/v1/customers/{id}/tax_ids"), 100).await?;
            assert_eq!(listed, want, "{id}");
            assert_eq!(c["sources"]["url"], format!("/v1/customers/{id}/sources"));
            seen += 1;
        }
        if page["has_more"] != Value::Bool(true) {
            break;
        }
        after = page["data"].as_array().unwrap().last().unwrap()["id"]
            .as_str()
            .map(String::from);
    }
    assert_eq!(seen, 300);

    // The heaviest customer: the rest of its tax ids follow from the url.
    let (heavy, all) = tax_ids.iter().max_by_key(|(_, v)| v.len()).unwrap();
    let all: Vec<String> = all
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    for path in [
        format!("/v1/customers/{heavy}?expand[]=tax_ids"),
        format!("/v1/customers/{heavy}?expand[0]=tax_ids&expand[1]=nonexistent"),
    ] {
        let c = api.ok(&path).await?;
        let emb = &c["tax_ids"];
        assert_eq!(emb["has_more"], true, "{path}");
        assert_eq!(emb["total_count"], all.len());
        let mut got = ids(emb);
        let url = emb["url"].as_str().unwrap();
        let rest = api
            .ok(&format!(
                "{url}?limit=100&starting_after={}",
                got.last().unwrap()
            ))
            .await?;
        got.extend(ids(&rest));
        assert_eq!(got, all, "{path}");
        assert!(
            c.get("nonexistent").is_none(),
            "unknown expansions are ignored"
        );
    }
    let plain = api.ok(&format!("/v1/customers/{heavy}")).await?;
    assert!(plain.get("tax_ids").is_none(), "{plain}");
    assert!(plain.get("subscriptions").is_none(), "{plain}");
    let page = api.ok("/v1/customers?limit=3").await?;
    assert!(page["data"][0].get("tax_ids").is_none());
    // Lists the template already has keep coming without expand.
    let invoices = api.ok("/v1/invoices?limit=1").await?;
    assert_eq!(invoices["data"][0]["lines"]["object"], "list");
    sim.shutdown().await;
    Ok(())
}

/// Stripe refuses an expansion deeper than 4 levels, `data` counting as one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expansions_deeper_than_four_levels_are_refused() -> Result<()> {
    let sim = start(
        SimConfig::new(fixtures())
            .with_count("customer", 2)
            .with_count("tax_id", 3),
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let api = Api::new(&sim);
    let id = sim.objects("customer")[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for path in [
        "/v1/customers?expand[]=data.tax_ids.data.owner.customer".to_string(),
        "/v1/customers?expand[]=data.tax_ids&expand[]=data.a.b.c.d".to_string(),
        format!("/v1/customers/{id}?expand[]=tax_ids.data.owner.customer.x"),
    ] {
        let (s, v) = api.get(&path).await?;
        assert_error(s, &v, 400, "invalid_request_error", "parameter_invalid");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(
            msg.contains("cannot expand more than 4 levels"),
            "{path}: {msg}"
        );
        assert_eq!(v["error"]["param"], "expand");
    }
    for path in [
        "/v1/customers?expand[]=data.tax_ids.data.owner".to_string(),
        format!("/v1/customers/{id}?expand[]=tax_ids.data.owner.customer"),
    ] {
        let v = api.ok(&path).await?;
        assert_ne!(v["object"], Value::Null, "{path}");
    }
    sim.shutdown().await;
    Ok(())
}

/// `customer.subscriptions` holds the customer's current subscriptions
/// only, as Stripe documents: a client that trusted it as complete would
/// lose the canceled ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_customer_subscriptions_leave_out_canceled_ones() -> Result<()> {
    let sim = start(
        SimConfig::new(fixtures())
            .with_count("customer", 3)
            .with_count("subscription", 45),
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let api = Api::new(&sim);
    let subs = by_customer(&sim, "subscription");
    let mut checked = 0;
    for (cus, all) in &subs {
        let canceled = all.iter().filter(|s| s["status"] == "canceled").count();
        if canceled == 0 {
            continue;
        }
        let current: Vec<&str> = all
            .iter()
            .filter(|s| s["status"] != "canceled")
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        let c = api
            .ok(&format!("/v1/customers/{cus}?expand[]=subscriptions"))
            .await?;
        let emb = &c["subscriptions"];
        assert_eq!(emb["total_count"], current.len(), "{emb}");
        assert_eq!(emb["has_more"], current.len() > 10);
        assert_eq!(ids(emb), current[..current.len().min(10)]);
        assert!(emb["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] != "canceled"));
        // The customer's own list has them all.
        let listed = walk_forward(&api, &format!("/v1/customers/{cus}/subscriptions"), 100).await?;
        assert_eq!(listed.len(), all.len());
        checked += 1;
    }
    assert!(checked > 0, "some customer has a canceled subscription");
    sim.shutdown().await;
    Ok(())
}

/// A billing account's per-customer children are sparse: on the fraction of
/// customers the config names, a few customers holding many.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn billing_account_concentrates_sparse_children_on_few_customers() -> Result<()> {
    let cfg = SimConfig::billing_account(fixtures(), 500);
    let counts = cfg.counts.clone();
    let fractions = cfg.concentration.clone();
    let sim = start(cfg.clone(), "127.0.0.1:0".parse()?).await?;
    let again = start(cfg, "127.0.0.1:0".parse()?).await?;
    let api = Api::new(&sim);
    for (object, n) in &counts {
        assert_eq!(live(&sim.objects(object)).len(), *n, "{object}");
    }
    for object in [
        "tax_id",
        "card",
        "bank_account",
        "customer_balance_transaction",
        "customer_cash_balance_transaction",
    ] {
        let holders = by_customer(&sim, object);
        let want = stripe_sync_simulator::seed::concentrated_parents(fractions[object], 500);
        assert_eq!(holders.len(), want, "{object} on {want} of 500 customers");
        assert!(holders.len() <= 10, "{object}: sparse");
        let total: usize = holders.values().map(Vec::len).sum();
        assert_eq!(total, counts[object], "{object}: every one has a customer");
    }
    let tax = by_customer(&sim, "tax_id");
    assert!(
        tax.values().filter(|v| v.len() >= 12).count() >= 2,
        "two customers with a first page of 10 and more"
    );
    for (cus, v) in &tax {
        let listed = walk_forward(&api, &format!("/v1/customers/{cus}/tax_ids"), 100).await?;
        assert_eq!(listed.len(), v.len(), "{cus}");
        assert!(v.iter().all(|t| t["owner"]["customer"] == cus.as_str()));
    }
    // Deterministic for the seed.
    let ids_of = |s: &SimHandle| -> Vec<String> {
        s.objects("tax_id")
            .iter()
            .map(|t| format!("{} {}", t["id"], t["customer"]))
            .collect()
    };
    assert_eq!(ids_of(&sim), ids_of(&again));
    sim.shutdown().await;
    again.shutdown().await;
    Ok(())
}

/// Requests are counted by Stripe's endpoint (method and path template),
/// and list requests in total, for tests and benchmarks to read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_are_counted_by_endpoint() -> Result<()> {
    let sim = start(
        SimConfig::new(fixtures())
            .with_count("customer", 3)
            .with_count("tax_id", 4),
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let api = Api::new(&sim);
    api.ok("/v1/customers").await?;
    api.ok("/v1/customers?limit=1&expand[]=data.tax_ids")
        .await?;
    let customers = sim.objects("customer");
    for c in &customers {
        let id = c["id"].as_str().unwrap();
        api.ok(&format!("/v1/customers/{id}/tax_ids")).await?;
    }
    let first = customers[0]["id"].as_str().unwrap();
    api.ok(&format!("/v1/customers/{first}")).await?;
    api.created("/v1/customers", &[("email", "a@b.c")]).await?;
    api.ok("/v1/events").await?;
    let (s, _) = api.get("/v1/no_such_thing").await?;
    assert_eq!(s, 404);
    api.http
        .get(format!("{}/_simulator/stats", sim.base_url()))
        .send()
        .await?;

    let by = sim.requests_by_endpoint();
    let want: Vec<(&str, u64)> = vec![
        ("GET /v1/customers", 2),
        ("GET /v1/customers/{customer}", 1),
        ("GET /v1/customers/{customer}/tax_ids", 3),
        ("GET /v1/events", 1),
        ("GET /v1/no_such_thing", 1),
        ("POST /v1/customers", 1),
    ];
    assert_eq!(
        by.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(),
        want
    );
    assert_eq!(by.values().sum::<u64>(), sim.request_count());
    assert_eq!(
        sim.list_requests(),
        6,
        "two customer pages, three tax id lists, events"
    );
    let stats: Value = api
        .http
        .get(format!("{}/_simulator/stats", sim.base_url()))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(
        stats["requests_by_endpoint"]["GET /v1/customers/{customer}/tax_ids"], 3,
        "{stats}"
    );
    assert_eq!(stats["list_requests"], 6);
    sim.shutdown().await;
    Ok(())
}

/// An embedded list one object down (`payment_intent.amount_details.line_items`)
/// expands like any other: `expand[]=data.amount_details.line_items` on
/// the list, `expand[]=amount_details.line_items` on a retrieve.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expand_reaches_a_list_one_object_down() -> Result<()> {
    let sim = start(
        SimConfig::new(fixtures())
            .with_count("payment_intent", 3)
            .with_count("payment_intent_amount_details_line_item", 14),
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let api = Api::new(&sim);
    let page = api
        .ok("/v1/payment_intents?limit=10&expand[]=data.amount_details.line_items")
        .await?;
    let mut total = 0;
    for pi in page["data"].as_array().unwrap() {
        let id = pi["id"].as_str().unwrap();
        let url = format!("/v1/payment_intents/{id}/amount_details_line_items");
        let listed = walk_forward(&api, &url, 100).await?;
        let emb = &pi["amount_details"]["line_items"];
        assert_eq!(emb["url"], url.as_str(), "{pi}");
        assert_eq!(emb["total_count"], listed.len());
        assert_eq!(ids(emb), listed[..listed.len().min(10)]);
        let one = api
            .ok(&format!(
                "/v1/payment_intents/{id}?expand[]=amount_details.line_items"
            ))
            .await?;
        assert_eq!(one["amount_details"]["line_items"], *emb);
        let plain = api.ok(&format!("/v1/payment_intents/{id}")).await?;
        assert!(plain["amount_details"].get("line_items").is_none());
        total += listed.len();
    }
    assert_eq!(total, 14);
    sim.shutdown().await;
    Ok(())
}

/// Creates follow Stripe's spec through the registry, for objects with no
/// rule of their own: its required body parameters, its caller-given ids,
/// and no fixture ids of objects that do not exist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_follow_the_specs_required_parameters_and_ids() -> Result<()> {
    let sim = start(SimConfig::new(fixtures()), "127.0.0.1:0".parse()?).await?;
    let api = Api::new(&sim);
    // `POST /v1/plans` requires `currency` and `interval`.
    let (s, v) = api.post("/v1/plans", &[("currency", "usd")]).await?;
    assert_error(s, &v, 400, "invalid_request_error", "parameter_missing");
    assert_eq!(v["error"]["param"], "interval", "{v}");
    let plan = api
        .created(
            "/v1/plans",
            &[
                ("id", "gold-monthly"),
                ("currency", "usd"),
                ("interval", "month"),
            ],
        )
        .await?;
    assert_eq!(plan["id"], "gold-monthly", "plans take the caller's id");
    assert_eq!(
        plan["product"],
        Value::Null,
        "the fixture's product does not exist"
    );
    let (s, v) = api
        .post(
            "/v1/plans",
            &[
                ("id", "gold-monthly"),
                ("currency", "usd"),
                ("interval", "month"),
            ],
        )
        .await?;
    assert_error(
        s,
        &v,
        400,
        "invalid_request_error",
        "resource_already_exists",
    );
    // A create whose spec has no `id` makes its own.
    let rate = api
        .created(
            "/v1/tax_rates",
            &[
                ("id", "txr_mine"),
                ("display_name", "VAT"),
                ("percentage", "20"),
                ("inclusive", "false"),
            ],
        )
        .await?;
    assert_ne!(rate["id"], "txr_mine");
    sim.shutdown().await;
    Ok(())
}

/// Drift: a write with `Simulator-Quiet: true` (or `1`) is made as usual but
/// records no event, not even its parents' refresh events, and delivers no
/// webhook, so tests can make a mirror miss a change on purpose.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_writes_record_and_deliver_no_events() -> Result<()> {
    let sim = start(
        SimConfig::new(fixtures()).with_count("customer", 1),
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let api = Api::new(&sim);
    let (url, got, task) = receiver(0).await?;
    api.created(
        "/v1/webhook_endpoints",
        &[("url", &url), ("enabled_events[]", "*")],
    )
    .await?;
    let seeded = ids(&api.ok("/v1/customers").await?);
    assert_eq!(seeded.len(), 1);
    let event_types = || async {
        let evs = api.ok("/v1/events?limit=100").await?;
        let types: Vec<String> = evs["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_string())
            .collect();
        anyhow::Ok(types)
    };
    let quietly = |m: reqwest::Method, path: &str, value: &'static str| {
        api.req(m, path).header("Simulator-Quiet", value)
    };

    // Announced as usual.
    let cus = api.created("/v1/customers", &[("name", "A")]).await?;
    let cus_id = cus["id"].as_str().unwrap().to_string();
    deliveries_over(&sim).await?;
    assert_eq!(event_types().await?, ["customer.created"]);
    assert_eq!(got.lock().unwrap().len(), 1);
    let delivered_before = sim.deliveries().len();

    // A quiet update: the object changes, no `customer.updated`.
    let r = quietly(
        reqwest::Method::POST,
        &format!("/v1/customers/{cus_id}"),
        "true",
    )
    .form(&[("name", "drifted")])
    .send()
    .await?;
    assert_eq!(r.status().as_u16(), 200);
    let upd: Value = r.json().await?;
    assert_eq!(upd["name"], "drifted");
    let fetched = api.ok(&format!("/v1/customers/{cus_id}")).await?;
    assert_eq!(fetched["name"], "drifted");

    // A quiet delete: the object is gone, no `customer.deleted`.
    let r = quietly(
        reqwest::Method::DELETE,
        &format!("/v1/customers/{}", seeded[0]),
        "1",
    )
    .send()
    .await?;
    assert_eq!(r.status().as_u16(), 200);
    let gone = api.ok(&format!("/v1/customers/{}", seeded[0])).await?;
    assert_eq!(gone["deleted"], true, "{gone}");

    // A quiet create: listed, no new `customer.created`.
    let r = quietly(reqwest::Method::POST, "/v1/customers", "TRUE")
        .form(&[("name", "unannounced")])
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 200);
    let new: Value = r.json().await?;
    let new_id = new["id"].as_str().unwrap().to_string();
    assert_eq!(
        ids(&api.ok("/v1/customers").await?),
        vec![new_id.clone(), cus_id.clone()]
    );

    // A quiet child create refreshes its parent's embedded list, but
    // records neither its own event nor the parent's `customer.updated`.
    let r = quietly(
        reqwest::Method::POST,
        &format!("/v1/customers/{cus_id}/tax_ids"),
        "true",
    )
    .form(&[("type", "eu_vat"), ("value", "DE123456789")])
    .send()
    .await?;
    assert_eq!(r.status().as_u16(), 200);
    let tax_id: Value = r.json().await?;
    let embedded = api
        .ok(&format!("/v1/customers/{cus_id}?expand[]=tax_ids"))
        .await?;
    assert_eq!(embedded["tax_ids"]["data"][0]["id"], tax_id["id"]);

    deliveries_over(&sim).await?;
    assert_eq!(event_types().await?, ["customer.created"]);
    assert_eq!(
        sim.deliveries().len(),
        delivered_before,
        "quiet writes deliver nothing"
    );
    assert_eq!(got.lock().unwrap().len(), 1);

    // Without the header (or with another value), writes announce again.
    let r = quietly(
        reqwest::Method::POST,
        &format!("/v1/customers/{new_id}"),
        "false",
    )
    .form(&[("name", "announced")])
    .send()
    .await?;
    assert_eq!(r.status().as_u16(), 200);
    deliveries_over(&sim).await?;
    assert_eq!(
        event_types().await?,
        ["customer.updated", "customer.created"]
    );
    assert_eq!(got.lock().unwrap().len(), 2);
    task.abort();
    sim.shutdown().await;
    Ok(())
}
