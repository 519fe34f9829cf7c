//! What the CLI prints about a run: progress bars while a backfill runs,
//! the plan, the summary table, and `status` as tables. The JSON forms come
//! from the library's [`stripe_sync::status`].

use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use serde_json::Value;
use stripe_sync::{
    BackfillPlan, BackfillReport, BackfillRequest, ListSource, ObjectStatus, PlannedResource,
    StripeSync,
};

use stripe_sync::status::valid_object_names;

use crate::options::{outln, CliResult};

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
    if !bars {
        return Ok(sync.backfill(req).await?);
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
                "SELECT o.resource, o.status, o.fetched, o.written, o.requests, o.expected_requests FROM stripe._sync_run_objects o \
                 WHERE o.run_id = (SELECT max(id) FROM stripe._sync_runs WHERE kind = 'backfill' AND started_at >= $1)",
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
                        "skipped" => "–",
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
    let res = sync.backfill(req).await;
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
    for o in &rep.objects {
        if o.status == ObjectStatus::Skipped || (o.fetched == 0 && o.status != ObjectStatus::Failed)
        {
            if o.status == ObjectStatus::Skipped {
                skipped += 1;
            }
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
    let secs = rep.duration.as_secs_f64().max(0.001);
    outln!(
        "run {}: {} — {} objects fetched, {} rows written in {:.1} s ({:.0} objects/s); {} object types empty, {} skipped",
        rep.run_id,
        if rep.succeeded { "succeeded" } else { "FAILED" },
        rep.fetched,
        rep.written,
        secs,
        rep.fetched as f64 / secs,
        rep.objects
            .iter()
            .filter(|o| o.fetched == 0 && o.status == ObjectStatus::Succeeded)
            .count(),
        skipped
    );
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
}
