//! Connect platforms and several accounts: queueing every account's work
//! ([`enqueue_backfill`], [`enqueue_events`]) and working the queue
//! ([`run`]) in any number of processes, through [`crate::queue`].
//!
//! A worker claims an account (its lease), builds a context acting as that
//! account (its key, `Stripe-Account` for a connected account, the
//! account's own rate-limit buckets, and the platform-wide cap shared by
//! every connected account this process works), runs the account's jobs
//! one after the other with the ordinary backfill and events code, renews
//! the lease meanwhile and releases it at the end. A failed job is tried
//! again after a delay, up to a number of attempts; an account whose
//! access is lost (401, or 403 `account_invalid`, checked with one
//! `GET /v1/account` after a failure) is marked revoked and never claimed
//! again. Nothing of one account's failure touches another's work.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::backfill::{self, AbortOnDrop, BackfillRequest};
use crate::client::StripeClient;
use crate::config::{Config, Database};
use crate::context::{key_id, Context};
use crate::error::{Error, Result};
use crate::events;
use crate::queue::{self, kind, Job, JobEnd, QueuedAccount};
use crate::ratelimit::RateLimiter;

/// How a worker works the queue.
#[derive(Clone, Debug)]
pub struct WorkerOptions {
    /// Keep waiting for new work when the queue is empty (else stop).
    pub follow: bool,
    /// Accounts worked at once by this process. Each runs
    /// [`Config::backfill_concurrency`] list streams, and each stream holds
    /// a connection for its resource's lock: size the pool for
    /// `accounts_at_once × (backfill_concurrency + 1) + 2`.
    pub accounts_at_once: usize,
    /// How long a claim holds an account without renewal; a dead worker's
    /// accounts are taken over after this.
    pub lease: Duration,
    /// Attempts of a job before it is recorded as failed.
    pub max_attempts: u32,
    /// Wait before a failed job is tried again.
    pub retry_delay: Duration,
    /// Requests per second over all connected accounts, shared by the live
    /// workers (each takes its share); `None`: no cap beyond each account's.
    pub platform_requests_per_second: Option<u32>,
    /// Secret keys of other, independent accounts mirrored into the same
    /// database (the engine's own key is always used).
    pub other_keys: Vec<String>,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            follow: false,
            accounts_at_once: 4,
            lease: Duration::from_secs(60),
            max_attempts: 3,
            retry_delay: Duration::from_secs(60),
            platform_requests_per_second: None,
            other_keys: Vec::new(),
        }
    }
}

/// What a worker did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkerReport {
    /// Accounts claimed (an account claimed twice counts twice).
    pub accounts: u64,
    /// Jobs that completed.
    pub jobs_done: u64,
    /// Jobs recorded as failed for good.
    pub jobs_failed: u64,
    /// Jobs that failed and were queued again.
    pub jobs_retried: u64,
    /// Accounts found revoked.
    pub revoked: u64,
    /// HTTP requests sent for the accounts' work.
    pub requests: u64,
    /// Objects listed.
    pub fetched: u64,
    /// Rows written.
    pub written: u64,
}

/// What queueing found and queued.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnqueueReport {
    /// The platform (key) accounts.
    pub platforms: Vec<String>,
    /// Connected accounts listed by `/v1/accounts`.
    pub connected: u64,
    /// Accounts seen for the first time.
    pub new_accounts: u64,
    /// Jobs queued (an account with an open job of the kind is not queued
    /// twice; a revoked account is not queued).
    pub queued: u64,
}

/// Every key a worker or enqueuer acts with, by key id.
fn keys(base: &Config, other: &[String]) -> HashMap<String, String> {
    std::iter::once(&base.stripe_secret_key)
        .chain(other)
        .map(|k| (key_id(k), k.clone()))
        .collect()
}

/// A context acting as `account` with `key`: its own client and buckets
/// (and `platform`'s cap), sharing `base`'s pool and, for the same key,
/// its connections.
fn account_context(
    base: &Context,
    key: &str,
    account: Option<&str>,
    platform: Option<Arc<RateLimiter>>,
) -> Result<Context> {
    let mut config = base.config.clone();
    config.database = Database::Pool(base.pool.clone());
    config.stripe_secret_key = key.to_string();
    config.stripe_account = account.map(String::from);
    let client = if key == base.config.stripe_secret_key {
        base.client.for_account(account, &config, platform)?
    } else {
        StripeClient::new(&config)?.for_account(account, &config, platform)?
    };
    Ok(Context::new(base.pool.clone(), client, config))
}

/// Lists the connected accounts of the platform `ctx` (acting as
/// `platform`) acts as, every page of `GET /v1/accounts`, and writes them
/// to the platform's `accounts` rows as it goes. Written here because a
/// platform's incremental backfill lists by `created`, and an account that
/// existed before it connected (an OAuth-connected Standard account) is
/// older than what the last run saw.
async fn connected_accounts(ctx: &Context, platform: &str) -> Result<Vec<String>> {
    let schema = &ctx.config.schema;
    let resource = stripe_sync_generated::resource("account");
    let mut ids = Vec::new();
    let mut listing = crate::listing::Listing::at("/v1/accounts", Vec::new());
    loop {
        let version = ctx.client.fetch_version();
        let Some(page) = listing.next_page(&ctx.client).await? else {
            return Ok(ids);
        };
        for item in &page.items {
            #[derive(serde::Deserialize)]
            struct Id {
                id: String,
            }
            let o: Id = serde_json::from_str(item.get()).map_err(|e| {
                Error::InvalidPayload(format!("GET /v1/accounts: an item without an id: {e}"))
            })?;
            ids.push(o.id);
        }
        if let Some(res) = resource {
            let texts: Vec<&str> = page.items.iter().map(|i| i.get()).collect();
            crate::store::upsert_objects(schema, &ctx.pool, res, &texts, platform, version).await?;
        }
    }
}

/// A context acting as each connected account of the platform `base`
/// acts as (every page of `GET /v1/accounts`), each with its own budgets.
pub(crate) async fn connected_contexts(base: &Context) -> Result<Vec<Context>> {
    let platform = base.account_id().await?;
    let ids = connected_accounts(base, &platform).await?;
    let key = base.config.stripe_secret_key.clone();
    ids.iter()
        .map(|id| account_context(base, &key, Some(id), None))
        .collect()
}

/// Records each key's account and, with `connected`, every connected
/// account of each, and queues a backfill (`req`) of each active one.
pub(crate) async fn enqueue_backfill(
    base: &Context,
    other_keys: &[String],
    req: &BackfillRequest,
    connected: bool,
) -> Result<EnqueueReport> {
    let schema = &base.config.schema;
    let request = serde_json::to_value(req).map_err(|e| Error::Task(e.to_string()))?;
    let mut report = EnqueueReport::default();
    let mut keys: Vec<(String, String)> = keys(&base.config, other_keys).into_iter().collect();
    keys.sort();
    for (kid, key) in keys {
        let platform = account_context(base, &key, None, None)?;
        let account = platform.account_id().await?;
        let mut accounts = vec![QueuedAccount {
            account_id: account.clone(),
            key_id: kid.clone(),
            connected: false,
        }];
        report.platforms.push(account.clone());
        if connected {
            let ids = connected_accounts(&platform, &account).await?;
            report.connected += ids.len() as u64;
            accounts.extend(ids.into_iter().map(|account_id| QueuedAccount {
                account_id,
                key_id: kid.clone(),
                connected: true,
            }));
        }
        for a in &accounts {
            if queue::register_account(schema, &base.pool, a).await? {
                report.new_accounts += 1;
            }
            if queue::enqueue(schema, &base.pool, &a.account_id, kind::BACKFILL, &request).await? {
                report.queued += 1;
            }
        }
    }
    Ok(report)
}

/// Queues a catch-up from `/v1/events` for every active account of the
/// keys (as recorded by [`enqueue_backfill`]).
pub(crate) async fn enqueue_events(base: &Context, other_keys: &[String]) -> Result<u64> {
    let schema = &base.config.schema;
    let kids: Vec<String> = keys(&base.config, other_keys).into_keys().collect();
    let accounts: Vec<(String,)> = sqlx::query_as(
        &schema.sql("SELECT account_id FROM stripe_sync.sync_accounts WHERE key_id = ANY($1) AND state = 'active'
          ORDER BY account_id"),
    )
    .bind(&kids)
    .fetch_all(&base.pool)
    .await?;
    let mut queued = 0;
    for (a,) in accounts {
        if queue::enqueue(schema, &base.pool, &a, kind::EVENTS, &json!({})).await? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// Marks a connected account revoked because an
/// `account.application.deauthorized` event said so (logged on failure;
/// an event naming the key's own account is not a revocation of it).
pub(crate) async fn revoked_by_event(base: &Context, account: &str, event_id: &str) {
    let schema = &base.config.schema;
    if let Ok(Some(own)) = base.known_account_id().await {
        if own == account {
            return;
        }
    }
    let reason = format!("access revoked: account.application.deauthorized ({event_id})");
    let kid = key_id(&base.config.stripe_secret_key);
    match queue::mark_revoked(schema, &base.pool, account, &kid, &reason).await {
        Ok(true) => tracing::warn!(
            account,
            event_id,
            "connected account revoked the platform's access; it is no longer synced"
        ),
        Ok(false) => {}
        Err(e) => tracing::warn!(account, error = %e, "could not mark the account revoked"),
    }
}

struct Worker {
    base: Arc<Context>,
    opts: WorkerOptions,
    id: String,
    keys: HashMap<String, String>,
    key_ids: Vec<String>,
    platform: Option<Arc<RateLimiter>>,
    report: Counters,
}

#[derive(Default)]
struct Counters {
    accounts: AtomicU64,
    done: AtomicU64,
    failed: AtomicU64,
    retried: AtomicU64,
    revoked: AtomicU64,
    requests: AtomicU64,
    fetched: AtomicU64,
    written: AtomicU64,
}

/// Works the queue until it is empty (or, with `follow`, until the future
/// is dropped).
pub(crate) async fn run(base: Arc<Context>, opts: WorkerOptions) -> Result<WorkerReport> {
    let schema = base.config.schema.clone();
    let schema = &schema;
    let keys = keys(&base.config, &opts.other_keys);
    let mut key_ids: Vec<String> = keys.keys().cloned().collect();
    key_ids.sort();
    let id = format!(
        "worker-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    );
    let mut opts = opts;
    opts.accounts_at_once = fitting_accounts(
        opts.accounts_at_once,
        base.config.backfill_concurrency,
        base.pool.options().get_max_connections(),
    );
    let platform = opts
        .platform_requests_per_second
        .map(|n| Arc::new(RateLimiter::new(n)));
    let w = Arc::new(Worker {
        base,
        opts,
        id,
        keys,
        key_ids,
        platform,
        report: Counters::default(),
    });
    let beat = tokio::spawn(heartbeat(w.clone()));
    let _stop_beat = AbortOnDrop(beat);
    tracing::info!(worker = %w.id, accounts_at_once = w.opts.accounts_at_once, "worker started");
    let mut slots = tokio::task::JoinSet::new();
    for _ in 0..w.opts.accounts_at_once.max(1) {
        let w = w.clone();
        slots.spawn(async move { slot(&w).await });
    }
    let mut first_error = None;
    while let Some(r) = slots.join_next().await {
        let r = r
            .map_err(|e| Error::Task(format!("worker task: {e}")))
            .and_then(|r| r);
        if let Err(e) = r {
            first_error.get_or_insert(e);
        }
    }
    let _ = queue::worker_gone(schema, &w.base.pool, &w.id).await;
    if let Some(e) = first_error {
        return Err(e);
    }
    let c = &w.report;
    let report = WorkerReport {
        accounts: c.accounts.load(Ordering::Relaxed),
        jobs_done: c.done.load(Ordering::Relaxed),
        jobs_failed: c.failed.load(Ordering::Relaxed),
        jobs_retried: c.retried.load(Ordering::Relaxed),
        revoked: c.revoked.load(Ordering::Relaxed),
        requests: c.requests.load(Ordering::Relaxed),
        fetched: c.fetched.load(Ordering::Relaxed),
        written: c.written.load(Ordering::Relaxed),
    };
    tracing::info!(worker = %w.id, ?report, "worker finished");
    Ok(report)
}

/// How many accounts at once a pool of `pool_size` connections can carry
/// with `concurrency` list streams each (a stream writes on one connection
/// at a time; one more per account for its run's bookkeeping): fewer than
/// asked, with a warning, when the pool is too small, rather than streams
/// waiting on each other for connections.
fn fitting_accounts(asked: usize, concurrency: usize, pool_size: u32) -> usize {
    let per_account = concurrency.max(1) + 1;
    let fit = (pool_size as usize).saturating_sub(2) / per_account;
    let n = asked.max(1).min(fit.max(1));
    if n < asked {
        tracing::warn!(
            asked,
            working = n,
            pool_size,
            "the database pool is too small for this many accounts at once; give it accounts × (backfill_concurrency + 1) + 2 connections"
        );
    }
    n
}

/// How often a worker beats and renews its leases: a third of the lease,
/// at most every 5 s.
fn beat_interval(lease: Duration) -> Duration {
    (lease / 3).clamp(Duration::from_millis(200), Duration::from_secs(5))
}

/// Keeps the worker's row alive and its share of the platform cap current.
async fn heartbeat(w: Arc<Worker>) {
    let schema = &w.base.config.schema;
    let every = beat_interval(w.opts.lease);
    loop {
        if let Err(e) = queue::worker_heartbeat(schema, &w.base.pool, &w.id).await {
            tracing::warn!(error = %e, "worker heartbeat failed");
        }
        if let (Some(p), Some(cap)) = (&w.platform, w.opts.platform_requests_per_second) {
            if let Ok(n) = queue::live_workers(schema, &w.base.pool, every * 3).await {
                p.set_rate(f64::from(cap) / n as f64);
            }
        }
        tokio::time::sleep(every).await;
    }
}

/// What one turn of a slot did.
enum Turn {
    /// Worked an account.
    Worked,
    /// Nothing claimable now; look again after this.
    Wait(Duration),
    /// The queue is empty (and the worker does not follow).
    Empty,
}

/// Consecutive database failures after which a slot gives up (with the
/// backoff, about two minutes of an unreachable database).
const MAX_CONSECUTIVE_FAILURES: u32 = 30;

/// One account at a time, until the queue is empty. A database error (a
/// restart, a lost connection) is retried with a backoff: the accounts
/// this slot held are taken over when their leases expire.
async fn slot(w: &Arc<Worker>) -> Result<()> {
    let mut failures = 0u32;
    loop {
        match turn(w).await {
            Ok(Turn::Worked) => failures = 0,
            Ok(Turn::Wait(d)) => {
                failures = 0;
                tokio::time::sleep(d).await;
            }
            Ok(Turn::Empty) => return Ok(()),
            Err(e) => {
                failures += 1;
                if failures >= MAX_CONSECUTIVE_FAILURES {
                    return Err(e);
                }
                let backoff =
                    Duration::from_millis(100 << failures.min(6)).min(Duration::from_secs(5));
                tracing::warn!(error = %e, ?backoff, failures, "queue step failed (is the database reachable?); retrying");
                tokio::time::sleep(backoff).await;
            }
        }
    }
}

async fn turn(w: &Arc<Worker>) -> Result<Turn> {
    let schema = &w.base.config.schema;
    if let Some((account, jobs)) =
        queue::claim(schema, &w.base.pool, &w.id, &w.key_ids, w.opts.lease).await?
    {
        w.report.accounts.fetch_add(1, Ordering::Relaxed);
        work_account(w, account, jobs).await?;
        return Ok(Turn::Worked);
    }
    let (open, next) = queue::open_work(schema, &w.base.pool, &w.key_ids).await?;
    if open == 0 && !w.opts.follow {
        return Ok(Turn::Empty);
    }
    // Open work held by another worker (whose lease may expire) or not
    // ready yet: look again soon.
    let until_next = next
        .map(|t| (t - chrono::Utc::now()).to_std().unwrap_or_default())
        .unwrap_or(Duration::from_secs(1));
    Ok(Turn::Wait(
        until_next.clamp(Duration::from_millis(200), Duration::from_secs(1)),
    ))
}

/// Runs a claimed account's jobs under its lease.
async fn work_account(w: &Arc<Worker>, account: QueuedAccount, jobs: Vec<Job>) -> Result<()> {
    let schema = &w.base.config.schema;
    let Some(key) = w.keys.get(&account.key_id) else {
        // Not claimable by this worker (claim filters on its keys).
        queue::release(schema, &w.base.pool, &w.id, &account.account_id).await?;
        return Ok(());
    };
    let platform = account.connected.then(|| w.platform.clone()).flatten();
    let ctx = Arc::new(account_context(
        &w.base,
        key,
        account.connected.then_some(account.account_id.as_str()),
        platform,
    )?);
    let (lost_tx, mut lost) = tokio::sync::watch::channel(false);
    let renewal = {
        let pool = w.base.pool.clone();
        let (owner, acct, lease) = (w.id.clone(), account.account_id.clone(), w.opts.lease);
        let schema = schema.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(beat_interval(lease)).await;
                match queue::renew(&schema, &pool, &owner, &acct, lease).await {
                    Ok(true) => {}
                    Ok(false) => {
                        let _ = lost_tx.send(true);
                        return;
                    }
                    Err(e) => tracing::warn!(account = %acct, error = %e, "lease renewal failed"),
                }
            }
        })
    };
    let _stop_renewal = AbortOnDrop(renewal);
    let started = std::time::Instant::now();
    for job in jobs {
        let outcome = tokio::select! {
            o = run_job(&ctx, &job) => o,
            _ = lost.wait_for(|l| *l) => {
                tracing::warn!(account = %account.account_id, "lease lost (renewal late); leaving the account to its new worker");
                w.report.requests.fetch_add(ctx.client.request_count(), Ordering::Relaxed);
                return Ok(());
            }
        };
        let c = &w.report;
        match outcome {
            Ok(done) => {
                c.fetched.fetch_add(done.fetched, Ordering::Relaxed);
                c.written.fetch_add(done.written, Ordering::Relaxed);
                queue::finish(
                    schema,
                    &w.base.pool,
                    &w.id,
                    job.id,
                    done.run_id,
                    JobEnd::Done,
                )
                .await?;
                c.done.fetch_add(1, Ordering::Relaxed);
            }
            Err((run_id, why)) => {
                if let Some(lost) = access_lost(&ctx).await {
                    let reason = format!("access revoked: {lost}");
                    queue::mark_revoked(
                        schema,
                        &w.base.pool,
                        &account.account_id,
                        &account.key_id,
                        &reason,
                    )
                    .await?;
                    c.revoked.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(account = %account.account_id, %reason, "account no longer synced");
                    break;
                }
                let end = if job.attempts as u32 >= w.opts.max_attempts.max(1) {
                    c.failed.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(account = %account.account_id, job = %job.kind, attempts = job.attempts, error = %why, "job failed for good");
                    JobEnd::Failed(&why)
                } else {
                    c.retried.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(account = %account.account_id, job = %job.kind, attempts = job.attempts, error = %why, retry_in = ?w.opts.retry_delay, "job failed; will be tried again");
                    JobEnd::Retry(&why, w.opts.retry_delay)
                };
                queue::finish(schema, &w.base.pool, &w.id, job.id, run_id, end).await?;
            }
        }
    }
    let requests = ctx.client.request_count();
    w.report.requests.fetch_add(requests, Ordering::Relaxed);
    tracing::info!(account = %account.account_id, requests, elapsed = ?started.elapsed(), "account done");
    queue::release(schema, &w.base.pool, &w.id, &account.account_id).await
}

struct Done {
    run_id: Option<i64>,
    fetched: u64,
    written: u64,
}

/// Runs one job; the error carries the run (when one started) and why.
async fn run_job(
    ctx: &Arc<Context>,
    job: &Job,
) -> std::result::Result<Done, (Option<i64>, String)> {
    match job.kind.as_str() {
        kind::BACKFILL => {
            let req: BackfillRequest = serde_json::from_value(job.request.clone())
                .map_err(|e| (None, format!("unreadable backfill request: {e}")))?;
            // Taken over: what the earlier attempt completed is not listed again.
            let since = (job.attempts > 1).then_some(job.started_at);
            match backfill::backfill_leased(ctx, req, since).await {
                Ok(rep) if rep.succeeded => Ok(Done {
                    run_id: Some(rep.run_id),
                    fetched: rep.fetched,
                    written: rep.written,
                }),
                Ok(rep) => {
                    let why = rep
                        .objects
                        .iter()
                        .filter(|o| o.status == backfill::ObjectStatus::Failed)
                        .map(|o| {
                            format!("{}: {}", o.object, o.error.as_deref().unwrap_or("failed"))
                        })
                        .take(3)
                        .collect::<Vec<_>>()
                        .join("; ");
                    Err((Some(rep.run_id), why))
                }
                Err(e) => Err((None, e.to_string())),
            }
        }
        kind::EVENTS => match events::sync_events(ctx).await {
            Ok(rep) => Ok(Done {
                run_id: Some(rep.run_id),
                fetched: rep.fetched,
                written: rep.applied,
            }),
            Err(e) => Err((None, e.to_string())),
        },
        other => Err((None, format!("unknown kind of work {other:?}"))),
    }
}

/// After a failure: whether the key lost access to the account
/// (`GET /v1/account` answered 401, or 403 `account_invalid`), and Stripe's
/// words for it.
async fn access_lost(ctx: &Context) -> Option<String> {
    match ctx.client.get_json("/v1/account", &[]).await {
        Err(e) if e.is_account_access_lost() => Some(e.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::fitting_accounts;

    #[test]
    fn accounts_at_once_fit_the_pool() {
        // 4 accounts × (3 streams + 1) + 2 = 18 connections.
        assert_eq!(fitting_accounts(4, 3, 18), 4);
        assert_eq!(fitting_accounts(4, 3, 10), 2);
        assert_eq!(fitting_accounts(4, 6, 5), 1);
        assert_eq!(fitting_accounts(0, 3, 100), 1);
    }
}
