//! The commands that share work through the database's queue:
//! `backfill --connected-accounts` (or `--enqueue-only`), `worker`, and
//! `sync --connected-accounts`.
//!
//! SIGINT or SIGTERM stops the work: the jobs in flight are dropped and
//! their runs recorded interrupted (with their per-object counts, current
//! to the second); their accounts are claimed again, by this command run
//! again or by another worker, once their leases expire.

use std::time::{Duration, Instant};

use clap::Args;
use stripe_sync::store::{self, Interrupt, InterruptedRun};
use stripe_sync::{BackfillRequest, EnqueueReport, StripeSync, WorkerOptions, WorkerReport};

use crate::options::{engine, other_keys, outln, CliError, CliResult, GlobalOpts};
use crate::report::{interrupted, StopSignal, StopSignals};

/// How a process works the shared queue.
#[derive(Args, Debug, Clone)]
pub struct QueueOpts {
    /// Accounts this process works at once (the database pool holds this × (--concurrency + 1) + 2 connections).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub accounts_at_once: u16,
    /// Seconds a worker holds an account between renewals; a dead worker's accounts are taken over after this.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(2..))]
    pub lease_seconds: u64,
    /// Attempts of an account's job before it is recorded as failed.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_attempts: u32,
    /// Seconds before a failed job is tried again.
    #[arg(long, default_value_t = 60)]
    pub retry_delay_seconds: u64,
    /// Requests per second over all connected accounts together, split between the live workers.
    #[arg(long, env = "STRIPE_SYNC_PLATFORM_RATE_LIMIT", hide_env_values = true)]
    pub platform_rate_limit: Option<u32>,
}

impl QueueOpts {
    /// `g` with a database pool big enough for this many accounts at once
    /// with `concurrency` list streams each (every stream holds a
    /// connection for its resource's lock while it writes on another).
    fn sized(&self, g: &GlobalOpts, concurrency: usize) -> GlobalOpts {
        let mut g = g.clone();
        let n = usize::from(self.accounts_at_once) * (concurrency + 1) + 2;
        g.max_connections = Some(n.max(10) as u32);
        g
    }

    fn options(&self, follow: bool, g: &GlobalOpts) -> CliResult<WorkerOptions> {
        Ok(WorkerOptions {
            follow,
            accounts_at_once: self.accounts_at_once as usize,
            lease: Duration::from_secs(self.lease_seconds),
            max_attempts: self.max_attempts,
            retry_delay: Duration::from_secs(self.retry_delay_seconds),
            platform_requests_per_second: self.platform_rate_limit,
            other_keys: other_keys(g)?,
        })
    }
}

/// `backfill --connected-accounts` / `--enqueue-only`: queues the accounts'
/// backfills, then (unless `enqueue_only`) works the queue until it is empty.
pub async fn backfill_accounts(
    g: &GlobalOpts,
    concurrency: usize,
    req: BackfillRequest,
    connected: bool,
    enqueue_only: bool,
    q: &QueueOpts,
) -> CliResult {
    let sync = engine(&q.sized(g, concurrency), Some(concurrency)).await?;
    let mut stop = StopSignals::listen(&Interrupt::new())?;
    let r = async {
        let queued = sync
            .enqueue_backfill(&req, connected, &other_keys(g)?)
            .await?;
        print_enqueued(&queued);
        if enqueue_only {
            return Ok(());
        }
        match work_until_stopped(&sync, q.options(false, g)?, &mut stop).await? {
            Worked::Done(rep) => finish(&rep),
            Worked::Stopped(signal, runs) => Err(stopped(signal, &runs, q)),
        }
    }
    .await;
    sync.close().await;
    r
}

/// `worker [--follow]`.
pub async fn worker(g: &GlobalOpts, concurrency: usize, follow: bool, q: &QueueOpts) -> CliResult {
    let sync = engine(&q.sized(g, concurrency), Some(concurrency)).await?;
    let opts = q.options(follow, g)?;
    let mut stop = StopSignals::listen(&Interrupt::new())?;
    let r = match work_until_stopped(&sync, opts, &mut stop).await {
        Ok(Worked::Done(rep)) => finish(&rep),
        // Nothing was in flight: a normal stop.
        Ok(Worked::Stopped(signal, runs)) if runs.is_empty() => {
            outln!("stopped by {}: no job was in flight", signal.name());
            Ok(())
        }
        Ok(Worked::Stopped(signal, runs)) => Err(stopped(signal, &runs, q)),
        Err(e) => Err(e),
    };
    sync.close().await;
    r
}

/// `sync --connected-accounts`: the accounts' backfills through the queue
/// (unless `events_only`), then a catch-up from `/v1/events` of each;
/// with `follow`, a catch-up round every `interval`, stretched so that the
/// rounds spend at most `events_budget` requests per second.
pub async fn sync_accounts(
    g: &GlobalOpts,
    events_only: bool,
    follow: bool,
    interval: Duration,
    events_budget: f64,
    q: &QueueOpts,
) -> CliResult {
    let sync = engine(&q.sized(g, 6), None).await?;
    let mut stop = StopSignals::listen(&Interrupt::new())?;
    let r = async {
        let others = other_keys(g)?;
        if !events_only {
            print_enqueued(
                &sync
                    .enqueue_backfill(&BackfillRequest::all(), true, &others)
                    .await?,
            );
            match work_until_stopped(&sync, q.options(false, g)?, &mut stop).await? {
                Worked::Done(rep) => finish(&rep)?,
                Worked::Stopped(signal, runs) => return Err(stopped(signal, &runs, q)),
            }
        }
        loop {
            let started = Instant::now();
            let queued = sync.enqueue_events(&others).await?;
            let rep = match work_until_stopped(&sync, q.options(false, g)?, &mut stop).await? {
                Worked::Done(rep) => rep,
                Worked::Stopped(signal, runs) => return Err(stopped(signal, &runs, q)),
            };
            outln!(
                "catch-up: {queued} accounts, {} events applied, {} requests in {:.1?}",
                rep.written,
                rep.requests,
                started.elapsed()
            );
            if !follow {
                return finish(&rep);
            }
            // One round costs at least one request per account.
            let spread = Duration::from_secs_f64(queued as f64 / events_budget.max(0.001));
            let wait = interval.max(spread).saturating_sub(started.elapsed());
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.wait() => return Ok(()),
            }
        }
    }
    .await;
    sync.close().await;
    r
}

/// How [`work_until_stopped`] ended.
enum Worked {
    /// The queue was worked until empty (or the worker's end).
    Done(WorkerReport),
    /// A signal stopped it; the runs in flight, recorded interrupted.
    Stopped(StopSignal, Vec<InterruptedRun>),
}

/// [`work`] until it ends or `stop` gets a signal. On a signal the work is
/// dropped (its jobs in flight are cancelled) and the runs this process
/// had open are recorded interrupted.
async fn work_until_stopped(
    sync: &StripeSync,
    opts: WorkerOptions,
    stop: &mut StopSignals,
) -> CliResult<Worked> {
    tokio::select! {
        r = work(sync, opts) => Ok(Worked::Done(r?)),
        signal = stop.wait() => Ok(Worked::Stopped(signal, store::interrupt_open_runs().await?)),
    }
}

/// The error of work a signal stopped with `runs` in flight.
fn stopped(signal: StopSignal, runs: &[InterruptedRun], q: &QueueOpts) -> CliError {
    interrupted(
        signal,
        runs,
        &format!(
            " (the accounts this worker held are claimed again once their leases expire, within {} s)",
            q.lease_seconds
        ),
    )
}

async fn work(sync: &StripeSync, opts: WorkerOptions) -> CliResult<WorkerReport> {
    let t = Instant::now();
    let rep = sync.run_worker(opts).await?;
    outln!(
        "worker: {} accounts, {} jobs done, {} failed, {} retried later, {} revoked; {} requests, {} objects listed, {} rows written in {:.1?}",
        rep.accounts,
        rep.jobs_done,
        rep.jobs_failed,
        rep.jobs_retried,
        rep.revoked,
        rep.requests,
        rep.fetched,
        rep.written,
        t.elapsed()
    );
    Ok(rep)
}

fn print_enqueued(r: &EnqueueReport) {
    outln!(
        "queued {} backfills: platform {}, {} connected accounts listed, {} accounts new",
        r.queued,
        r.platforms.join(", "),
        r.connected,
        r.new_accounts
    );
}

fn finish(rep: &WorkerReport) -> CliResult {
    if rep.jobs_failed > 0 {
        return Err(CliError::failed(format!(
            "{} jobs failed for good (see `stripe-sync status` for each account's error)",
            rep.jobs_failed
        )));
    }
    Ok(())
}
