//! The token buckets that pace requests to Stripe: one for the account's
//! global budget, and one per endpoint.
//!
//! Stripe limits an account's requests per second globally (100 in live
//! mode, 25 in test mode) and, separately, per endpoint: 25 per second
//! (20 for the Files API) even in live mode. An endpoint is a named
//! operation, a method and a path template ([`endpoint_key`]): every
//! `GET /v1/customers/{customer}/balance_transactions` shares one budget,
//! whatever the customer. A request takes a token from both buckets.
//!
//! Callers reserve a token and sleep until it is theirs: a bucket never
//! grants more than `rate` requests per second on average, with a burst of
//! at most `burst` requests, and waiters are served in arrival order.
//!
//! When Stripe answers 429 anyway (another integration spends the same
//! account's budget, or the limits are lower than documented), its
//! `Stripe-Rate-Limited-Reason` header names the budget ([`Budget::of_reason`]),
//! and that bucket pauses ([`RateLimiter::slow_down`]): the other
//! endpoints keep their pace.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::config::Config;

/// A token bucket. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct RateLimiter {
    /// The rate in tokens per second, as `f64` bits ([`RateLimiter::set_rate`]
    /// changes it while the bucket is shared).
    rate: AtomicU64,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Tokens available; negative when callers have reserved future tokens.
    tokens: f64,
    last: Instant,
    /// How far every pause so far has pushed the schedule, in total.
    /// Waiters compare it with its value when they reserved: the difference
    /// is how much later their token now comes.
    shifted: Duration,
    /// How many times the bucket was slowed down: a 429 for a request sent
    /// before the latest slowdown was caused by the same excess and does not
    /// slow the bucket again.
    slowdowns: u64,
}

/// A token reserved by [`RateLimiter::reserve_ticket`]: wait
/// [`Ticket::wait`], then [`RateLimiter::redeem`] it.
#[derive(Clone, Copy, Debug)]
pub struct Ticket {
    /// How long to wait before redeeming.
    pub wait: Duration,
    /// The bucket's total pause when the ticket was issued.
    shifted: Duration,
}

/// A token that was used: which slowdowns its bucket had had, so a 429 for
/// this request slows the bucket only if nothing slowed it since.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grant {
    slowdowns: u64,
}

impl RateLimiter {
    /// A bucket granting `per_second` tokens a second, with a burst of a fifth
    /// of a second's worth (at least one).
    pub fn new(per_second: u32) -> Self {
        let rate = f64::from(per_second.max(1));
        let burst = (rate / 5.0).max(1.0);
        RateLimiter {
            rate: AtomicU64::new(rate.to_bits()),
            state: Mutex::new(State {
                tokens: burst,
                last: Instant::now(),
                shifted: Duration::ZERO,
                slowdowns: 0,
            }),
        }
    }

    /// The rate, in tokens per second.
    pub fn rate(&self) -> f64 {
        f64::from_bits(self.rate.load(Ordering::Relaxed))
    }

    /// Changes the rate (at least one token a second); tokens already
    /// reserved keep their place.
    pub fn set_rate(&self, per_second: f64) {
        let rate = per_second.max(1.0);
        self.rate.store(rate.to_bits(), Ordering::Relaxed);
    }

    /// The most tokens held: a fifth of a second's worth, at least one.
    fn burst(&self) -> f64 {
        (self.rate() / 5.0).max(1.0)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds the tokens earned since the last update, up to the burst.
    fn refill(&self, s: &mut State, now: Instant) {
        let elapsed = now.saturating_duration_since(s.last).as_secs_f64();
        s.last = s.last.max(now);
        s.tokens = (s.tokens + elapsed * self.rate()).min(self.burst());
    }

    /// Reserves one token and returns how long the caller must wait before
    /// using it (zero when a token is available now).
    pub fn reserve(&self, now: Instant) -> Duration {
        self.reserve_ticket(now).wait
    }

    /// Reserves one token: wait [`Ticket::wait`], then [`RateLimiter::redeem`]
    /// the ticket (a pause since may have pushed the token out).
    pub fn reserve_ticket(&self, now: Instant) -> Ticket {
        let mut s = self.lock();
        self.refill(&mut s, now);
        s.tokens -= 1.0;
        let wait = if s.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-s.tokens / self.rate())
        };
        Ticket {
            wait,
            shifted: s.shifted,
        }
    }

    /// Uses a ticket whose wait is over: the grant, or, when a pause pushed
    /// the schedule since the ticket was issued, the new ticket to wait for
    /// (the same place in the queue, later).
    pub fn redeem(&self, ticket: Ticket) -> Result<Grant, Ticket> {
        let s = self.lock();
        let extra = s.shifted.saturating_sub(ticket.shifted);
        if extra.is_zero() {
            Ok(Grant {
                slowdowns: s.slowdowns,
            })
        } else {
            Err(Ticket {
                wait: extra,
                shifted: s.shifted,
            })
        }
    }

    /// Waits for a token, in arrival order.
    pub async fn acquire(&self) -> Grant {
        let mut ticket = self.reserve_ticket(Instant::now());
        loop {
            if !ticket.wait.is_zero() {
                tokio::time::sleep(ticket.wait).await;
            }
            match self.redeem(ticket) {
                Ok(grant) => return grant,
                Err(later) => ticket = later,
            }
        }
    }

    /// Pauses the bucket for `pause` because the request sent with `grant`
    /// was refused for exceeding this budget: the burst is spent, and every
    /// token not yet used, reserved or not, comes `pause` later (waiters keep
    /// their order). Returns whether it paused: a request sent before the
    /// latest pause reports the same excess, and does not pause it again.
    pub fn slow_down(&self, grant: Grant, pause: Duration, now: Instant) -> bool {
        let mut s = self.lock();
        if grant.slowdowns != s.slowdowns {
            return false;
        }
        self.refill(&mut s, now);
        s.tokens = s.tokens.min(0.0) - pause.as_secs_f64() * self.rate();
        s.shifted = s.shifted.saturating_add(pause);
        s.slowdowns += 1;
        true
    }
}

/// Which of Stripe's budgets a 429 says was exceeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    /// The account's budget, shared by every request.
    Global,
    /// The budget of the request's endpoint.
    Endpoint,
}

impl Budget {
    /// The budget a `Stripe-Rate-Limited-Reason` value names: `global-rate`
    /// and `global-concurrency` the account's, `endpoint-rate` and
    /// `endpoint-concurrency` the endpoint's. `resource-specific` (a limit
    /// on one object, such as updates of one PaymentIntent per hour) and
    /// unknown values name neither: pacing other requests would not help.
    pub fn of_reason(reason: &str) -> Option<Budget> {
        match reason.trim() {
            "global-rate" | "global-concurrency" => Some(Budget::Global),
            "endpoint-rate" | "endpoint-concurrency" => Some(Budget::Endpoint),
            _ => None,
        }
    }
}

/// The endpoint a request counts against: the method and the path template,
/// `GET /v1/customers/{customer}/tax_ids`; the concrete path when the
/// template is unknown.
pub fn endpoint_key(method: &str, path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    match path_template(path) {
        Some(t) => format!("{method} {t}"),
        None => format!("{method} {path}"),
    }
}

/// The path template of a concrete path, from the spec's paths.
fn path_template(path: &str) -> Option<&'static str> {
    stripe_sync_generated::registry::endpoint_template(path)
}

/// Whether an endpoint belongs to the Files API (`/v1/files…`), whose
/// budget is 20 requests per second.
fn is_files(key: &str) -> bool {
    let path = key.split_once(' ').map_or(key, |(_, p)| p);
    path.strip_prefix("/v1/files")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Stripe's global budget in live mode, per second.
pub const STRIPE_LIVE_RATE: u32 = 100;
/// Stripe's budget of one endpoint, per second.
pub const STRIPE_ENDPOINT_RATE: u32 = 25;
/// Stripe's budget of a Files API endpoint, per second.
pub const STRIPE_FILES_RATE: u32 = 20;

/// Buckets kept before idle ones are dropped: endpoints are templates, so
/// few, but a path without a known template is its own endpoint.
const MAX_IDLE_ENDPOINTS: usize = 1024;

/// One bucket per endpoint, created on first use.
#[derive(Debug)]
pub struct EndpointLimiters {
    per_second: u32,
    files_per_second: u32,
    buckets: Mutex<HashMap<String, Arc<RateLimiter>>>,
}

impl EndpointLimiters {
    /// Buckets of `per_second` tokens a second, `files_per_second` for the
    /// Files API.
    pub fn new(per_second: u32, files_per_second: u32) -> Self {
        EndpointLimiters {
            per_second: per_second.max(1),
            files_per_second: files_per_second.max(1),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// The buckets [`Config::endpoint_requests_per_second`] asks for: that
    /// rate for every endpoint when set; else Stripe's
    /// ([`STRIPE_ENDPOINT_RATE`], [`STRIPE_FILES_RATE`]), scaled up by as
    /// much as [`Config::max_requests_per_second`] raises the shared limit
    /// above Stripe's live 100/s (an account with a raised limit, or a
    /// simulator, is not held to Stripe's defaults on one endpoint alone).
    pub fn for_config(config: &Config) -> Self {
        if let Some(n) = config.endpoint_requests_per_second {
            return EndpointLimiters::new(n, n);
        }
        let scale = |stripe: u32| match config.max_requests_per_second {
            Some(global) if global > STRIPE_LIVE_RATE => {
                let scaled = u64::from(stripe) * u64::from(global) / u64::from(STRIPE_LIVE_RATE);
                u32::try_from(scaled).unwrap_or(u32::MAX)
            }
            _ => stripe,
        };
        EndpointLimiters::new(scale(STRIPE_ENDPOINT_RATE), scale(STRIPE_FILES_RATE))
    }

    /// The rate of an endpoint ([`endpoint_key`]).
    pub fn rate_of(&self, key: &str) -> u32 {
        if is_files(key) {
            self.files_per_second
        } else {
            self.per_second
        }
    }

    /// The bucket of an endpoint ([`endpoint_key`]).
    pub fn limiter(&self, key: &str) -> Arc<RateLimiter> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(b) = buckets.get(key) {
            return b.clone();
        }
        if buckets.len() >= MAX_IDLE_ENDPOINTS {
            // No request waits on a bucket nobody holds: dropping one at
            // worst lets its endpoint burst once more.
            buckets.retain(|_, b| Arc::strong_count(b) > 1);
        }
        let b = Arc::new(RateLimiter::new(self.rate_of(key)));
        buckets.insert(key.to_string(), b.clone());
        b
    }

    /// How many endpoints have a bucket.
    pub fn len(&self) -> usize {
        self.buckets.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether no endpoint has a bucket yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_paced() {
        let rl = RateLimiter::new(10); // burst 2
        let t0 = Instant::now();
        assert_eq!(rl.reserve(t0), Duration::ZERO);
        assert_eq!(rl.reserve(t0), Duration::ZERO);
        let w = rl.reserve(t0);
        assert!((w.as_secs_f64() - 0.1).abs() < 1e-6, "{w:?}");
        let w = rl.reserve(t0);
        assert!((w.as_secs_f64() - 0.2).abs() < 1e-6, "{w:?}");
    }

    #[test]
    fn refills_over_time_up_to_burst() {
        let rl = RateLimiter::new(100); // burst 20
        let t0 = Instant::now();
        for _ in 0..20 {
            assert_eq!(rl.reserve(t0), Duration::ZERO);
        }
        assert!(rl.reserve(t0) > Duration::ZERO);
        // A long pause refills only up to the burst.
        let later = t0 + Duration::from_secs(10);
        for _ in 0..20 {
            assert_eq!(rl.reserve(later), Duration::ZERO);
        }
        assert!(rl.reserve(later) > Duration::ZERO);
    }

    #[test]
    fn average_rate_is_bounded() {
        let rl = RateLimiter::new(25);
        let t0 = Instant::now();
        // 1000 reservations at once: the last must wait ~ (1000 - burst) / rate.
        let mut last = Duration::ZERO;
        for _ in 0..1000 {
            last = rl.reserve(t0);
        }
        let expected = (1000.0 - 5.0) / 25.0;
        assert!((last.as_secs_f64() - expected).abs() < 1e-6, "{last:?}");
    }

    fn secs(d: Duration) -> f64 {
        d.as_secs_f64()
    }

    #[test]
    fn a_slowdown_spends_the_burst_and_pushes_new_tokens_out() {
        let rl = RateLimiter::new(10); // burst 2
        let t0 = Instant::now();
        let grant = rl.redeem(rl.reserve_ticket(t0)).unwrap();
        assert!(rl.slow_down(grant, Duration::from_secs(1), t0));
        // The burst token left is gone, and the next token comes a pause
        // later than it would have (0.1 s).
        let w = rl.reserve(t0);
        assert!((secs(w) - 1.1).abs() < 1e-6, "{w:?}");
        let w = rl.reserve(t0);
        assert!((secs(w) - 1.2).abs() < 1e-6, "{w:?}");
        // After the pause the bucket is paced as before, not faster.
        let t1 = t0 + Duration::from_secs(5);
        assert_eq!(rl.reserve(t1), Duration::ZERO);
        assert_eq!(rl.reserve(t1), Duration::ZERO);
        assert!(rl.reserve(t1) > Duration::ZERO);
    }

    #[test]
    fn waiters_keep_their_order_and_are_pushed_by_the_pause() {
        let rl = RateLimiter::new(10); // burst 2
        let t0 = Instant::now();
        let tickets: Vec<Ticket> = (0..5).map(|_| rl.reserve_ticket(t0)).collect();
        let waits: Vec<f64> = tickets.iter().map(|t| secs(t.wait)).collect();
        let grant = rl.redeem(tickets[0]).unwrap();
        assert!(rl.slow_down(grant, Duration::from_millis(500), t0));
        // Every waiter is told to wait the pause more, so their order and
        // spacing are kept.
        let mut redone = Vec::new();
        for (t, w) in tickets[1..].iter().zip(&waits[1..]) {
            let later = rl.redeem(*t).expect_err("a pause pushes reserved tokens");
            assert!((secs(later.wait) - 0.5).abs() < 1e-6, "{later:?}");
            redone.push(w + secs(later.wait));
            // Once the extra wait is over the token is theirs.
            assert!(rl.redeem(later).is_ok());
        }
        assert!(redone.windows(2).all(|p| p[0] <= p[1]), "{redone:?}");
        // A newcomer queues after them: the queue ended 0.3 s out, now 0.8 s.
        let w = rl.reserve(t0);
        assert!((secs(w) - 0.9).abs() < 1e-6, "{w:?}");
    }

    #[test]
    fn a_burst_of_429s_for_the_same_excess_pauses_once() {
        let rl = RateLimiter::new(10);
        let t0 = Instant::now();
        let a = rl.redeem(rl.reserve_ticket(t0)).unwrap();
        let b = rl.redeem(rl.reserve_ticket(t0)).unwrap();
        assert!(rl.slow_down(a, Duration::from_secs(1), t0));
        assert!(
            !rl.slow_down(b, Duration::from_secs(1), t0),
            "b was sent before the pause"
        );
        let w = rl.reserve(t0);
        assert!((secs(w) - 1.1).abs() < 1e-6, "one pause, not two: {w:?}");
        // A request sent after the pause that is refused again pauses it again.
        let t1 = t0 + Duration::from_secs(2);
        let c = rl.redeem(rl.reserve_ticket(t1)).unwrap();
        assert!(rl.slow_down(c, Duration::from_secs(1), t1));
    }

    #[test]
    fn reasons_name_budgets() {
        assert_eq!(Budget::of_reason("global-rate"), Some(Budget::Global));
        assert_eq!(
            Budget::of_reason("global-concurrency"),
            Some(Budget::Global)
        );
        assert_eq!(Budget::of_reason("endpoint-rate"), Some(Budget::Endpoint));
        assert_eq!(
            Budget::of_reason(" endpoint-concurrency"),
            Some(Budget::Endpoint)
        );
        assert_eq!(Budget::of_reason("resource-specific"), None);
        assert_eq!(Budget::of_reason("something-new"), None);
    }

    #[test]
    fn endpoints_are_method_and_template() {
        let a = endpoint_key("GET", "/v1/customers/cus_1/tax_ids");
        let b = endpoint_key("GET", "/v1/customers/cus_2/tax_ids");
        assert_eq!(a, b);
        assert_eq!(a, "GET /v1/customers/{customer}/tax_ids");
        assert_ne!(a, endpoint_key("POST", "/v1/customers/cus_1/tax_ids"));
        assert_eq!(endpoint_key("GET", "/v1/customers"), "GET /v1/customers");
        assert_eq!(
            endpoint_key("GET", "/v1/customers?limit=100"),
            "GET /v1/customers"
        );
        // No template: the path is its own endpoint.
        assert_eq!(
            endpoint_key("GET", "/v1/nothing/here"),
            "GET /v1/nothing/here"
        );
    }

    #[test]
    fn files_have_their_own_rate_and_buckets_are_shared() {
        let e = EndpointLimiters::new(25, 20);
        assert_eq!(e.rate_of("GET /v1/files"), 20);
        assert_eq!(e.rate_of("GET /v1/files/{file}"), 20);
        assert_eq!(e.rate_of("GET /v1/file_links"), 25);
        assert_eq!(e.rate_of("GET /v1/customers"), 25);
        let a = e.limiter("GET /v1/customers");
        let b = e.limiter("GET /v1/customers");
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(a.rate(), 25.0);
        assert_eq!(e.limiter("GET /v1/files").rate(), 20.0);
        assert_eq!(e.len(), 2);
    }

    #[test]
    fn a_slowed_endpoint_leaves_the_others_alone() {
        let e = EndpointLimiters::new(25, 20);
        let global = RateLimiter::new(100);
        let t0 = Instant::now();
        let slow = e.limiter("GET /v1/customers");
        let other = e.limiter("GET /v1/products");
        let grant = slow.redeem(slow.reserve_ticket(t0)).unwrap();
        global.reserve(t0);
        // An `endpoint-rate` 429 on customers.
        match Budget::of_reason("endpoint-rate") {
            Some(Budget::Endpoint) => assert!(slow.slow_down(grant, Duration::from_secs(1), t0)),
            budget => panic!("endpoint-rate names {budget:?}"),
        }
        assert!(slow.reserve(t0) >= Duration::from_secs(1));
        // Products and the global budget are untouched: their burst is there.
        for _ in 0..5 {
            assert_eq!(other.reserve(t0), Duration::ZERO);
        }
        for _ in 0..19 {
            assert_eq!(global.reserve(t0), Duration::ZERO);
        }
    }

    #[test]
    fn endpoint_rates_follow_the_config() {
        let mut c = Config::new("postgres://x", "sk_live_x");
        let e = EndpointLimiters::for_config(&c);
        assert_eq!(
            (e.rate_of("GET /v1/customers"), e.rate_of("GET /v1/files")),
            (25, 20)
        );
        c.max_requests_per_second = Some(50);
        let e = EndpointLimiters::for_config(&c);
        assert_eq!(e.rate_of("GET /v1/customers"), 25);
        c.max_requests_per_second = Some(2000);
        let e = EndpointLimiters::for_config(&c);
        assert_eq!(
            (e.rate_of("GET /v1/customers"), e.rate_of("GET /v1/files")),
            (500, 400)
        );
        c.max_requests_per_second = Some(u32::MAX);
        assert!(EndpointLimiters::for_config(&c).rate_of("GET /v1/x") > 25);
        c.endpoint_requests_per_second = Some(7);
        let e = EndpointLimiters::for_config(&c);
        assert_eq!(
            (e.rate_of("GET /v1/customers"), e.rate_of("GET /v1/files")),
            (7, 7)
        );
    }

    #[test]
    fn idle_buckets_are_dropped_when_there_are_many() {
        let e = EndpointLimiters::new(25, 20);
        let held = e.limiter("GET /v1/held");
        for i in 0..MAX_IDLE_ENDPOINTS + 10 {
            e.limiter(&format!("GET /v1/unknown/{i}"));
        }
        assert!(e.len() <= MAX_IDLE_ENDPOINTS);
        assert!(Arc::ptr_eq(&held, &e.limiter("GET /v1/held")));
    }
}
