//! What the CLI prints about a run: progress bars while a backfill runs,
//! the plan, the summary table, `status` as tables, and how a run stopped
//! by SIGINT or SIGTERM ends ([`StopSignals`], [`interrupted`]). The JSON
//! forms come from the library's [`stripe_sync::status`].

use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use serde_json::Value;
use stripe_sync::store::{Interrupt, InterruptedRun, RunStatus};
use stripe_sync::{
    BackfillPlan, BackfillReport, BackfillRequest, ListSource, ObjectStatus, PlannedResource,
    StripeSync,
};

use stripe_sync::status::valid_object_names;

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
    let mp2 = mp.clone();
    let total2 = total.clone();
    let rate = sync.config().requests_per_second().max(1);
    let poll = tokio::spawn(async move {
        let obj_style = ProgressStyle::with_template("  {spinner} {prefix:<32} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let mut bars: std::collections::HashMap<String, ProgressBar> = Default::default();
        loop {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let rows: Vec<(String, String, i64, i64, i64, Option<i64>)> = sqlx::query_as(
                "SELECT o.resource, o.status, o.fetched, o.written, o.requests, o.expected_requests FROM stripe_sync.sync_run_objects o \
                 WHERE o.run_id = (SELECT max(id) FROM stripe_sync.sync_runs WHERE kind = 'backfill' AND started_at >= $1)",
            )
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
    outln!(
        "plan: {} object types at {} requests/s ({} per endpoint)",
        plan.resources.len(),
        plan.requests_per_second,
        plan.endpoint_requests_per_second
    );
    outln!(
        "  first {} top-level lists: at least {} requests, the rest estimated from each one's first page",
        top.len(),
        top.len()
    );
    if all {
        for r in &top {
            outln!("    {:<40} {}", r.object, r.source.describe());
        }
    }
    outln!("  then, after every top-level list:");
    for r in plan
        .resources
        .iter()
        .filter(|r| !matches!(r.source, ListSource::TopLevel { .. }))
    {
        let n = match r.expected_requests {
            Some(n) => format!("{n} requests"),
            None => "requests known once its parents are listed".to_string(),
        };
        outln!("    {:<40} {}: {}", r.object, r.source.describe(), n);
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
    let known = plan.known_requests() + top.len() as u64;
    outln!(
        "  known so far: {} requests, {} at these rates{}",
        known,
        human_duration(plan.eta().max(Duration::from_secs_f64(
            known as f64 / f64::from(plan.requests_per_second.max(1))
        ))),
        if plan.unknown() > top.len() {
            format!(
                "; {} lists wait for their parents",
                plan.unknown() - top.len()
            )
        } else {
            String::new()
        }
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
    let mut skipped = 0;
    let mut not_permitted = Vec::new();
    for o in &rep.objects {
        match o.status {
            ObjectStatus::Skipped => skipped += 1,
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
        skipped,
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

/// Prints `status` as tables.
pub fn print_status(v: &Value) {
    let s = |x: &Value| match x {
        Value::Null => "-".to_string(),
        Value::String(s) => s.clone(),
        o => o.to_string(),
    };
    outln!("Stripe API version: {}", s(&v["api_version"]));
    outln!("Last runs:");
    outln!(
        "  {:>5} {:<9} {:<12} {:<21} {:<21} {:>8} {:>8}",
        "id",
        "kind",
        "status",
        "started",
        "finished",
        "fetched",
        "written"
    );
    for r in v["runs"].as_array().into_iter().flatten() {
        outln!(
            "  {:>5} {:<9} {:<12} {:<21} {:<21} {:>8} {:>8}",
            s(&r["id"]),
            s(&r["kind"]),
            s(&r["status"]),
            s(&r["started_at"]),
            s(&r["finished_at"]),
            s(&r["fetched"]),
            s(&r["written"])
        );
    }
    let abandoned = v["runs"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|r| r["status"] == RunStatus::Abandoned.as_str());
    if abandoned {
        outln!(
            "  abandoned: no heartbeat for over {} s, its process died (counts as of its last heartbeat); run the same command again to resume",
            stripe_sync::store::ABANDONED_AFTER.as_secs()
        );
    }
    outln!("Cursors:");
    for c in v["cursors"].as_array().into_iter().flatten() {
        outln!(
            "  {:<34} {:<10} high water {}",
            s(&c["resource"]),
            s(&c["status"]),
            s(&c["high_water"])
        );
    }
    outln!("Rows per table:");
    if let Some(m) = v["rows"].as_object() {
        if m.is_empty() {
            outln!("  (all tables empty)");
        }
        for (t, n) in m {
            outln!("  {t:<34} {n:>9}");
        }
    }
    let ev = &v["events"];
    outln!(
        "Events: {} recorded; newest created {}, last received {}, lag {}",
        s(&ev["total"]),
        s(&ev["last_created"]),
        s(&ev["last_received"]),
        ev["lag_seconds"]
            .as_f64()
            .map(|l| format!("{l:.0} s"))
            .unwrap_or_else(|| "-".into())
    );
    if ev["unattributed"].as_i64().is_some_and(|n| n > 0) {
        outln!(
            "  {} webhooks wait for the key's account to be known (GET /v1/account has not succeeded yet)",
            s(&ev["unattributed"])
        );
    }
    if v["quarantined"].as_i64().is_some_and(|n| n > 0) {
        outln!(
            "Quarantined: {} objects or events the database refused; `stripe-sync quarantine list` shows why, `quarantine retry` writes them once fixed",
            s(&v["quarantined"])
        );
    }
    print_verify(v);
    print_accounts(v);
}

/// The last verify of each account and type, differences first.
fn print_verify(v: &Value) {
    let Some(rows) = v["verify"].as_array().filter(|r| !r.is_empty()) else {
        outln!("Verify: never run (`stripe-sync verify` compares the mirror with Stripe)");
        return;
    };
    let n = |r: &Value, k: &str| r[k].as_i64().unwrap_or(0);
    let differing: Vec<&Value> = rows
        .iter()
        .filter(|r| n(r, "missing") + n(r, "stale") + n(r, "extra") > n(r, "repaired"))
        .collect();
    outln!(
        "Verify: last run per account and type, {} types, {} with unrepaired differences",
        rows.len(),
        differing.len()
    );
    outln!(
        "  {:<24} {:<28} {:>6} {:<21} {:>8} {:>8} {:>6} {:>6} {:>8}",
        "account",
        "type",
        "run",
        "finished",
        "checked",
        "missing",
        "stale",
        "extra",
        "repaired"
    );
    let shown = rows
        .iter()
        .filter(|r| differing.contains(r))
        .chain(rows.iter().filter(|r| !differing.contains(r)));
    for r in shown.take(30) {
        outln!(
            "  {:<24} {:<28} {:>6} {:<21} {:>8} {:>8} {:>6} {:>6} {:>8}{}",
            r["account"].as_str().unwrap_or("-"),
            r["object"].as_str().unwrap_or("-"),
            n(r, "run_id"),
            r["finished_at"].as_str().unwrap_or("-"),
            n(r, "checked"),
            n(r, "missing"),
            n(r, "stale"),
            n(r, "extra"),
            n(r, "repaired"),
            if r["sampled"] == true {
                "  (sampled)"
            } else {
                ""
            }
        );
    }
    if rows.len() > 30 {
        outln!("  … {} more in `status --json`", rows.len() - 30);
    }
}

/// Accounts shown in the human table; `status --json` lists all.
const ACCOUNTS_SHOWN: usize = 50;
/// Errors longer than this many characters are cut in the human table.
const ERROR_SHOWN: usize = 60;

/// The "Accounts" section of `status`, when the work queue has accounts:
/// the summary, then a table of up to [`ACCOUNTS_SHOWN`] accounts, revoked
/// and failed ones first so they are not lost below the active ones.
fn print_accounts(v: &Value) {
    let Some(accounts) = v["accounts"].as_array().filter(|a| !a.is_empty()) else {
        return;
    };
    let sum = &v["accounts_summary"];
    let n = |x: &Value| x.as_i64().unwrap_or(0);
    let states = sum["by_state"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(_, c)| n(c) > 0)
                .map(|(st, c)| format!("{} {st}", n(c)))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    outln!(
        "Accounts: {} ({states}); {} being worked on, {} open jobs, {} failed jobs, {} live workers",
        accounts.len(),
        n(&sum["working"]),
        n(&sum["open_jobs"]),
        n(&sum["failed_jobs"]),
        n(&sum["live_workers"])
    );
    let mut sorted: Vec<&Value> = accounts.iter().collect();
    // Stable: within each group, the JSON's order (platforms, then by id).
    sorted.sort_by_key(|a| match a["state"].as_str() {
        Some("revoked") => 0,
        Some("failed") => 1,
        _ => 2,
    });
    outln!(
        "  {:<32} {:<8} {:<32} {:<24} error",
        "account",
        "state",
        "last run",
        "pending"
    );
    for a in sorted.iter().take(ACCOUNTS_SHOWN) {
        outln!("{}", account_line(a));
    }
    if sorted.len() > ACCOUNTS_SHOWN {
        outln!(
            "  … and {} more (status --json lists all)",
            sorted.len() - ACCOUNTS_SHOWN
        );
    }
    if n(&sum["working"]) > 0 {
        outln!("  state*: a worker holds the account's lease now");
    }
}

/// One account's row of the "Accounts" table.
fn account_line(a: &Value) -> String {
    let str_of = |x: &Value| x.as_str().unwrap_or("-").to_string();
    let mut account = str_of(&a["account_id"]);
    if a["connected"] == Value::Bool(false) {
        account.push_str(" (platform)");
    }
    let mut state = str_of(&a["state"]);
    if a["working"] == Value::Bool(true) {
        state.push('*');
    }
    let run = &a["last_run"];
    let last_run = if run.is_null() {
        "never".to_string()
    } else {
        format!(
            "{} {}",
            str_of(&run["status"]),
            run["finished_at"].as_str().unwrap_or("(running)")
        )
    };
    let pending = a["pending"]
        .as_array()
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.iter()
                .map(|j| {
                    let kind = str_of(&j["kind"]);
                    match j["attempts"].as_i64() {
                        Some(n) if n > 0 => format!("{kind}({n})"),
                        _ => kind,
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_else(|| "-".to_string());
    // The reason of a revoked or failed account, else its first error.
    let error = a["reason"]
        .as_str()
        .or_else(|| {
            a["errors"]
                .as_array()
                .and_then(|e| e.first())
                .and_then(|e| e["error"].as_str())
        })
        .map(|e| truncate(e.lines().next().unwrap_or(""), ERROR_SHOWN))
        .unwrap_or_default();
    format!("  {account:<32} {state:<8} {last_run:<32} {pending:<24} {error}")
}

/// `s` cut to `max` characters, with `…` when cut.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn account_rows_show_state_run_pending_and_a_cut_error() {
        let revoked = json!({
            "account_id": "acct_1", "connected": true, "state": "revoked",
            "reason": format!("access revoked: {}", "x".repeat(100)), "working": false,
            "pending": [], "last_run": null, "errors": [],
        });
        let line = account_line(&revoked);
        assert!(line.contains("acct_1") && line.contains("revoked") && line.contains("never"));
        assert!(line.ends_with('…'), "{line}");
        assert_eq!(
            line.split_once("access revoked").unwrap().1.chars().count() + 14,
            60
        );

        let busy = json!({
            "account_id": "acct_p", "connected": false, "state": "active", "reason": null,
            "working": true,
            "pending": [{"kind": "backfill", "attempts": 2}, {"kind": "events", "attempts": 0}],
            "last_run": {"status": "failed", "finished_at": "2026-01-02T03:04:05Z"},
            "errors": [{"error": "boom\nsecond line"}],
        });
        let line = account_line(&busy);
        assert!(
            line.contains("acct_p (platform)") && line.contains("active*"),
            "{line}"
        );
        assert!(line.contains("failed 2026-01-02T03:04:05Z"), "{line}");
        assert!(line.contains("backfill(2), events"), "{line}");
        assert!(line.ends_with("boom"), "{line}");
    }
}
