//! What the CLI prints about a run: progress bars while a backfill runs,
//! the plan, the summary table, and how a run stopped
//! by SIGINT or SIGTERM ends ([`StopSignals`], [`interrupted`]). The JSON
//! forms come from the library's [`stripe_sync::status`].

use std::collections::BTreeMap;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use stripe_sync::store::{Interrupt, InterruptedRun, RunStatus};
use stripe_sync::{
    BackfillPlan, BackfillReport, BackfillRequest, ListSource, ObjectStatus, PlannedResource,
    StripeSync,
};

use stripe_sync::objects::valid_object_names;

use crate::options::{outln, CliError, CliResult};

/// The object types that failed, comma-separated.
pub fn failed_names(rep: &BackfillReport) -> String {
    rep.objects
        .iter()
        .filter(|o| o.status == ObjectStatus::Failed)
        .map(|o| o.object.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs a backfill; with `bars`, shows one progress bar per object type,
/// fed from the run's `_sync_run_objects` rows, whose counts the backfill
/// updates every second. Without bars, progress goes to the logs.
pub async fn backfill_with_progress(
    sync: &StripeSync,
    req: BackfillRequest,
    bars: bool,
) -> CliResult<BackfillReport> {
    backfill_until_interrupted(sync, req, bars, &Interrupt::new()).await
}

/// [`backfill_with_progress`], stopped by `interrupt`: the report then has
/// [`RunStatus::Interrupted`] (see [`StripeSync::backfill_with_interrupt`]).
pub async fn backfill_until_interrupted(
    sync: &StripeSync,
    req: BackfillRequest,
    bars: bool,
    interrupt: &Interrupt,
) -> CliResult<BackfillReport> {
    if !bars {
        return Ok(sync.backfill_with_interrupt(req, interrupt).await?);
    }
    let names: Vec<String> = match &req.objects {
        Some(o) => o.clone(),
        None => valid_object_names().iter().map(|s| s.to_string()).collect(),
    };
    let mp = MultiProgress::new();
    let total = mp.add(ProgressBar::new(names.len() as u64));
    total.set_style(
        ProgressStyle::with_template(
            "{spinner} backfill [{elapsed_precise}] [{bar:30}] {pos}/{len} object types {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    total.enable_steady_tick(Duration::from_millis(120));
    let started = chrono::Utc::now() - chrono::Duration::seconds(1);
    let pool = sync.pool().clone();
    let schema = sync.config().schema.clone();
    let mp2 = mp.clone();
    let total2 = total.clone();
    let rate = sync.config().requests_per_second().max(1);
    let poll = tokio::spawn(async move {
        let obj_style = ProgressStyle::with_template("  {spinner} {prefix:<32} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let mut bars: std::collections::HashMap<String, ProgressBar> = Default::default();
        loop {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let rows: Vec<(String, String, i64, i64, i64, Option<i64>)> = sqlx::query_as(&schema.sql(
                "SELECT o.resource, o.status, o.fetched, o.written, o.requests, o.expected_requests FROM stripe_sync.sync_run_objects o \
                 WHERE o.run_id = (SELECT max(id) FROM stripe_sync.sync_runs WHERE kind = 'backfill' AND started_at >= $1)",
            ))
            .bind(started)
            .fetch_all(&pool)
            .await
            .unwrap_or_default();
            let mut done = 0;
            let mut remaining = 0i64;
            for (res, status, fetched, written, requests, expected) in rows {
                let finished = status != "running";
                if finished {
                    done += 1;
                } else if let Some(e) = expected {
                    remaining += (e - requests).max(0);
                }
                let b = bars.entry(res.clone()).or_insert_with(|| {
                    let b = mp2.insert_before(&total2, ProgressBar::new_spinner());
                    b.set_style(obj_style.clone());
                    b.set_prefix(res.clone());
                    b.enable_steady_tick(Duration::from_millis(120));
                    b
                });
                if b.is_finished() {
                    continue;
                }
                if finished {
                    let mark = match status.as_str() {
                        "succeeded" | "done_by_other_run" => "✔",
                        "skipped" | "not_permitted" => "–",
                        _ => "✘",
                    };
                    b.finish_with_message(format!(
                        "{mark} {status}: {fetched} fetched, {written} written"
                    ));
                    // Keep the screen short: finished bars that did nothing vanish.
                    if fetched == 0 && status != "failed" {
                        b.finish_and_clear();
                    }
                } else {
                    let requests = match expected {
                        Some(e) => format!("{requests}/{e} requests"),
                        None => format!("{requests} requests"),
                    };
                    b.set_message(format!(
                        "running: {requests}, {fetched} fetched, {written} written"
                    ));
                }
            }
            total2.set_position(done);
            if remaining > 0 {
                total2.set_message(format!(
                    "{remaining} requests left in the lists running: ~{} at {rate}/s",
                    human_duration(Duration::from_secs_f64(remaining as f64 / f64::from(rate)))
                ));
            }
        }
    });
    let res = sync.backfill_with_interrupt(req, interrupt).await;
    poll.abort();
    let _ = poll.await;
    total.finish_and_clear();
    let _ = mp.clear();
    Ok(res?)
}

/// Prints a backfill's plan: how many top-level lists there are, then every
/// list read from parents or per parent with its requests, and the ETA of
/// the requests known. `all` also lists the top-level lists one by one.
pub fn print_plan(plan: &BackfillPlan, all: bool) {
    let top: Vec<&PlannedResource> = plan
        .resources
        .iter()
        .filter(|r| matches!(r.source, ListSource::TopLevel { .. }))
        .collect();
    let requests = |r: &PlannedResource| match r.expected_requests {
        Some(n) => format!("about {n} requests"),
        None => "requests known once its parents are listed".to_string(),
    };
    outln!(
        "plan: {} object types at {} requests/s ({} per endpoint)",
        plan.resources.len(),
        plan.requests_per_second,
        plan.endpoint_requests_per_second
    );
    outln!(
        "  first {} top-level lists: about {} requests (sizes from pages read for this plan: the first of each new list, a few more of a long one)",
        top.len(),
        top.iter().filter_map(|r| r.expected_requests).sum::<u64>()
    );
    if all {
        for r in &top {
            outln!(
                "    {:<40} {}: {}",
                r.object,
                r.source.describe(),
                requests(r)
            );
        }
    }
    outln!("  then, after every top-level list:");
    for r in plan
        .resources
        .iter()
        .filter(|r| !matches!(r.source, ListSource::TopLevel { .. }))
    {
        outln!(
            "    {:<40} {}: {}",
            r.object,
            r.source.describe(),
            requests(r)
        );
    }
    if !plan.not_permitted.is_empty() {
        outln!(
            "  not permitted with this key at their last run, asked again (one request each): {}",
            plan.not_permitted
                .iter()
                .map(|n| named_permission(&n.object, n.permission.as_deref()))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    outln!(
        "  estimate: about {} requests, {} at these rates{}",
        plan.known_requests(),
        human_duration(plan.eta()),
        match plan.unknown() {
            0 => String::new(),
            n => format!("; {n} lists from parents counted once their parents are listed"),
        }
    );
}

/// The plan's error, printed at the end of a run: the estimate against the
/// time the run took.
pub fn print_plan_error(plan: &BackfillPlan, took: Duration) {
    let eta = plan.eta().as_secs_f64();
    let took_s = took.as_secs_f64().max(0.001);
    outln!(
        "the plan estimated {}, the run took {} ({:+.0}%)",
        human_duration(plan.eta()),
        human_duration(took),
        100.0 * (eta - took_s) / took_s
    );
}

/// `1h 02m`, `3m 05s`, `12 s`.
fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}h {:02}m", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}

/// Prints the summary table of a backfill: the object types that did
/// something or failed, then totals.
pub fn print_summary(rep: &BackfillReport) {
    outln!(
        "{:<34} {:<9} {:>9} {:>9} {:>9}  error",
        "object",
        "status",
        "requests",
        "fetched",
        "written"
    );
    let mut skipped: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut not_permitted = Vec::new();
    for o in &rep.objects {
        match o.status {
            ObjectStatus::Skipped => skipped
                .entry(
                    o.error
                        .as_deref()
                        .and_then(|e| e.lines().next())
                        .unwrap_or("no reason recorded"),
                )
                .or_default()
                .push(&o.object),
            ObjectStatus::NotPermitted => not_permitted.push(named_permission(
                &o.object,
                o.error.as_deref().and_then(stripe_sync::needed_permission),
            )),
            _ => {}
        }
        if matches!(o.status, ObjectStatus::Skipped | ObjectStatus::NotPermitted)
            || (o.fetched == 0 && o.status != ObjectStatus::Failed)
        {
            continue;
        }
        let err = o
            .error
            .as_deref()
            .map(|e| e.lines().next().unwrap_or(""))
            .unwrap_or("");
        outln!(
            "{:<34} {:<9} {:>9} {:>9} {:>9}  {}",
            o.object,
            o.status.as_str(),
            o.requests,
            o.fetched,
            o.written,
            err
        );
    }
    if !not_permitted.is_empty() {
        outln!(
            "not permitted with this key ({}), the other types went on: {}",
            not_permitted.len(),
            not_permitted.join(", ")
        );
    }
    for (reason, objects) in &skipped {
        outln!(
            "skipped ({}): {} — {reason}",
            objects.len(),
            objects.join(", ")
        );
    }
    let secs = rep.duration.as_secs_f64().max(0.001);
    outln!(
        "run {}: {} — {} objects fetched, {} rows written in {:.1} s ({:.0} objects/s); {} object types empty, {} skipped, {} not permitted",
        rep.run_id,
        match rep.status {
            RunStatus::Succeeded => "succeeded",
            RunStatus::Interrupted => "INTERRUPTED",
            _ => "FAILED",
        },
        rep.fetched,
        rep.written,
        secs,
        rep.fetched as f64 / secs,
        rep.objects
            .iter()
            .filter(|o| o.fetched == 0 && o.status == ObjectStatus::Succeeded)
            .count(),
        skipped.values().map(Vec::len).sum::<usize>(),
        not_permitted.len()
    );
}

/// `product (needs rak_product_read)`, or the object alone when Stripe named no permission.
fn named_permission(object: &str, permission: Option<&str>) -> String {
    match permission {
        Some(p) => format!("{object} (needs {p})"),
        None => object.to_string(),
    }
}

/// A signal asking a command to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopSignal {
    /// SIGINT (Ctrl-C).
    Int,
    /// SIGTERM (`kill`, a container or service manager stopping).
    Term,
}

impl StopSignal {
    /// `SIGINT` or `SIGTERM`.
    pub fn name(self) -> &'static str {
        match self {
            StopSignal::Int => "SIGINT",
            StopSignal::Term => "SIGTERM",
        }
    }

    /// The exit code of a command it stopped: 128 + the signal's number,
    /// what a shell reports for a process the signal ended.
    pub fn exit_code(self) -> i32 {
        match self {
            StopSignal::Int => 130,
            StopSignal::Term => 143,
        }
    }

    /// The signal an exit code stands for, if one does.
    pub fn of_exit_code(code: i32) -> Option<StopSignal> {
        [StopSignal::Int, StopSignal::Term]
            .into_iter()
            .find(|s| s.exit_code() == code)
    }
}

/// SIGINT and SIGTERM, caught from [`StopSignals::listen`] on by a task:
/// the first one triggers the [`Interrupt`] (runs given it stop and record
/// themselves interrupted) and is what [`StopSignals::wait`] returns; a
/// second one ends the process at once, with the signal's exit code.
pub struct StopSignals {
    first: tokio::sync::watch::Receiver<Option<StopSignal>>,
}

impl StopSignals {
    /// Starts catching the signals (before this, they end the process).
    pub fn listen(interrupt: &Interrupt) -> CliResult<StopSignals> {
        let (tx, first) = tokio::sync::watch::channel(None);
        let mut signals = Signals::new()?;
        let interrupt = interrupt.clone();
        tokio::spawn(async move {
            let sig = signals.recv().await;
            tracing::info!(
                signal = sig.name(),
                "stopping: runs in flight record themselves interrupted"
            );
            interrupt.interrupt();
            let _ = tx.send(Some(sig));
            let again = signals.recv().await;
            eprintln!("stripe-sync: {} again: stopping now", again.name());
            std::process::exit(again.exit_code());
        });
        Ok(StopSignals { first })
    }

    /// The signal received, if one was.
    pub fn received(&self) -> Option<StopSignal> {
        *self.first.borrow()
    }

    /// Waits for the first signal (at once if it came already).
    pub async fn wait(&mut self) -> StopSignal {
        match self.first.wait_for(Option::is_some).await {
            Ok(s) => s.unwrap_or(StopSignal::Int),
            // The task never ends without sending first.
            Err(_) => std::future::pending().await,
        }
    }
}

/// The signal streams themselves.
struct Signals {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Signals {
    #[cfg(unix)]
    fn new() -> CliResult<Signals> {
        use tokio::signal::unix::{signal, SignalKind};
        let catch = |kind: SignalKind| {
            signal(kind).map_err(|e| CliError::failed(format!("cannot catch signals: {e}")))
        };
        Ok(Signals {
            int: catch(SignalKind::interrupt())?,
            term: catch(SignalKind::terminate())?,
        })
    }

    #[cfg(not(unix))]
    fn new() -> CliResult<Signals> {
        Ok(Signals {})
    }

    #[cfg(unix)]
    async fn recv(&mut self) -> StopSignal {
        tokio::select! {
            _ = self.int.recv() => StopSignal::Int,
            _ = self.term.recv() => StopSignal::Term,
        }
    }

    #[cfg(not(unix))]
    async fn recv(&mut self) -> StopSignal {
        let _ = tokio::signal::ctrl_c().await;
        StopSignal::Int
    }
}

/// The error a command stopped by `signal` ends with (its exit code is the
/// signal's): which runs were recorded interrupted, with their counts, and
/// that the same command run again resumes them. `then` says what else
/// resuming involves, if anything.
pub fn interrupted(signal: StopSignal, runs: &[InterruptedRun], then: &str) -> CliError {
    let runs = if runs.is_empty() {
        "no run was in flight".to_string()
    } else {
        runs.iter()
            .map(|r| {
                format!(
                    "{} run {} recorded as interrupted ({} objects fetched, {} rows written)",
                    r.kind, r.run_id, r.fetched, r.written
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    CliError {
        code: signal.exit_code(),
        message: format!(
            "interrupted by {}: {runs}; run the same command again to resume where it stopped{then}",
            signal.name()
        ),
    }
}

/// The run a backfill report stands for, as [`interrupted`] lists it.
pub fn interrupted_run(rep: &BackfillReport) -> InterruptedRun {
    InterruptedRun {
        run_id: rep.run_id,
        kind: "backfill".to_string(),
        fetched: rep.fetched as i64,
        written: rep.written as i64,
    }
}
