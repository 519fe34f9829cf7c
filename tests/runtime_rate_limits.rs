//! Stripe's two request budgets, end to end: the account's (100/s live) and
//! each endpoint's (25/s), enforced by the simulator as Stripe does, paced by
//! the client so that a backfill is never refused. Counts, not durations.

use crate::support;

use std::time::{Duration, Instant};

use anyhow::Result;
use stripe_sync::ratelimit::{endpoint_key, Budget, EndpointLimiters, RateLimiter};
use stripe_sync::BackfillRequest;
use stripe_sync_simulator::{start, SimConfig};
use support::{env, fixtures};

/// Top-level lists backfilled together: customers enough for six `created`
/// slices fetched at once, and four more lists beside them, so that five
/// endpoints at 25/s would together exceed the account's 100/s.
const SEEDED: [(&str, usize); 5] = [
    ("customer", 6000),
    ("product", 1500),
    ("price", 1500),
    ("coupon", 1500),
    ("tax_rate", 1500),
];

/// A live-mode key with Stripe's default budgets against a simulator
/// enforcing them: the six slices of the customer list share one endpoint
/// budget, the five lists the global one, and not one request is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backfill_paced_by_both_budgets_gets_no_429() -> Result<()> {
    let mut sc = SimConfig::new(fixtures());
    for (object, n) in SEEDED {
        sc = sc.with_count(object, n);
    }
    sc.rate_limit_per_sec = Some(100);
    sc.endpoint_rate_limit_per_sec = Some(25);
    let e = env(sc, |c| {
        c.stripe_secret_key = "sk_live_rate_limit_tests".into();
        // Stripe's budgets: 100/s for a live key, 25/s per endpoint.
        c.max_requests_per_second = None;
        c.endpoint_requests_per_second = None;
        c.backfill_concurrency = 6;
    })
    .await?;
    assert_eq!(e.sync.config().requests_per_second(), 100);
    let before = (e.sim.request_count(), e.sync.client().request_count());
    let report = e
        .sync
        .backfill(BackfillRequest::objects(SEEDED.map(|(o, _)| o)))
        .await?;
    let stats = e.sim.fault_stats();
    let served = e.sim.request_count() - before.0;
    let sent = e.sync.client().request_count() - before.1;
    println!(
        "{served} requests served, {} refused for the endpoint budget, {} for the global one",
        stats.endpoint_rate_limited, stats.global_rate_limited
    );
    assert!(report.succeeded, "{:?}", report.objects);
    assert_eq!(
        (stats.endpoint_rate_limited, stats.global_rate_limited),
        (0, 0),
        "no request exceeds a budget"
    );
    // Every page was fetched once: nothing was retried.
    assert_eq!(sent, served);
    let pages: u64 = SEEDED.iter().map(|(_, n)| n.div_ceil(100) as u64).sum();
    assert!(served >= pages, "{served} requests for {pages} pages");
    for (object, n) in SEEDED {
        let table = stripe_sync_generated::resource(object)
            .expect("seeded objects have tables")
            .table;
        let db = e.db_ids(table).await?;
        assert_eq!(db.len(), n, "{object}");
        assert_eq!(db, e.sim_ids(object), "{object}");
    }
    e.finish().await
}

/// The simulator's 429s name the budget exceeded, and the client's reading
/// of them slows that budget only: an `endpoint-rate` 429 on customers leaves
/// products and the global budget alone, a `global-rate` one slows the
/// global budget.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_rate_429_slows_only_that_endpoint() -> Result<()> {
    // Budgets of one request a second: the second of two requests made at
    // once is refused.
    let reason_of = |global: Option<u32>, endpoint: Option<u32>| async move {
        let mut sc = SimConfig::new(fixtures()).with_count("customer", 1);
        sc.rate_limit_per_sec = global;
        sc.endpoint_rate_limit_per_sec = endpoint;
        let sim = start(sc, "127.0.0.1:0".parse()?).await?;
        let http = reqwest::Client::new();
        let url = format!("{}/v1/customers", sim.base_url());
        let first = http.get(&url).bearer_auth("sk_live_x").send().await?;
        let second = http.get(&url).bearer_auth("sk_live_x").send().await?;
        let stats = sim.fault_stats();
        sim.shutdown().await;
        assert_eq!(first.status(), 200);
        assert_eq!(second.status(), 429);
        let reason = second
            .headers()
            .get("stripe-rate-limited-reason")
            .and_then(|v| v.to_str().ok())
            .map(String::from);
        anyhow::Ok((reason, stats))
    };
    let (reason, stats) = reason_of(None, Some(1)).await?;
    assert_eq!(reason.as_deref(), Some("endpoint-rate"));
    assert_eq!(
        (stats.endpoint_rate_limited, stats.global_rate_limited),
        (1, 0)
    );
    let endpoint_reason = reason.unwrap_or_default();
    let (reason, stats) = reason_of(Some(1), Some(25)).await?;
    assert_eq!(reason.as_deref(), Some("global-rate"));
    assert_eq!(
        (stats.endpoint_rate_limited, stats.global_rate_limited),
        (0, 1)
    );
    let global_reason = reason.unwrap_or_default();

    // The client's buckets: Stripe's live budgets.
    let endpoints = EndpointLimiters::new(25, 20);
    let global = RateLimiter::new(100);
    let customers = endpoints.limiter(&endpoint_key("GET", "/v1/customers/cus_1"));
    let products = endpoints.limiter(&endpoint_key("GET", "/v1/products/prod_1"));
    let t0 = Instant::now();
    let sent = |bucket: &RateLimiter| {
        bucket
            .redeem(bucket.reserve_ticket(t0))
            .expect("no pause yet")
    };
    let (customer_grant, global_grant) = (sent(&customers), sent(&global));
    let pause = Duration::from_secs(1);
    let slow = |reason: &str| match Budget::of_reason(reason) {
        Some(Budget::Endpoint) => customers.slow_down(customer_grant, pause, t0),
        Some(Budget::Global) => global.slow_down(global_grant, pause, t0),
        None => false,
    };
    assert!(slow(&endpoint_reason));
    // Customers wait out the pause; another customer is the same endpoint.
    assert!(customers.reserve(t0) >= pause);
    assert!(
        endpoints
            .limiter(&endpoint_key("GET", "/v1/customers/cus_2"))
            .reserve(t0)
            >= pause
    );
    // Products and the global budget still have their whole burst.
    for _ in 0..5 {
        assert_eq!(products.reserve(t0), Duration::ZERO);
    }
    for _ in 0..19 {
        assert_eq!(global.reserve(t0), Duration::ZERO);
    }
    // A `global-rate` 429 slows the global budget.
    assert!(slow(&global_reason));
    assert!(global.reserve(t0) >= pause);
    Ok(())
}

/// The client, over HTTP, on a 429 naming a budget: it pauses that budget and
/// retries through it, and the request succeeds. The simulator allows one
/// request a second, the client's own budget is far higher, so the second of
/// two requests sent at once is refused once, and its retry, held back for
/// the simulator's `Retry-After`, gets through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_naming_a_budget_is_retried_through_that_budget() -> Result<()> {
    for (global, endpoint, paths) in [
        (None, Some(1), ["/v1/customers", "/v1/customers"]),
        (Some(1), None, ["/v1/customers", "/v1/products"]),
    ] {
        let mut sc = SimConfig::new(fixtures())
            .with_count("customer", 1)
            .with_count("product", 1);
        sc.rate_limit_per_sec = global;
        sc.endpoint_rate_limit_per_sec = endpoint;
        let sim = start(sc, "127.0.0.1:0".parse()?).await?;
        let mut config = stripe_sync::Config::new("postgres://unused", "sk_live_x");
        config.stripe_api_base = sim.base_url();
        config.max_requests_per_second = Some(1000);
        config.endpoint_requests_per_second = Some(1000);
        config.initial_retry_delay = Duration::from_millis(5);
        // Long enough for the simulator's `Retry-After: 1`.
        config.max_retry_delay = Duration::from_secs(2);
        config.max_retries = 3;
        let client = stripe_sync::StripeClient::new(&config)?;
        let (a, b) = tokio::join!(
            client.list_page(paths[0], &[]),
            client.list_page(paths[1], &[])
        );
        assert_eq!(a?.items.len() + b?.items.len(), 2);
        let stats = sim.fault_stats();
        assert_eq!(
            (stats.global_rate_limited, stats.endpoint_rate_limited),
            (u64::from(global.is_some()), u64::from(endpoint.is_some())),
            "{paths:?}"
        );
        assert_eq!(client.request_count(), 3, "{paths:?}");
        assert_eq!(sim.request_count(), 3, "{paths:?}");
        sim.shutdown().await;
    }
    Ok(())
}
