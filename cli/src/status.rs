//! `status` as tables: last runs, cursors, rows, events, freshness per
//! account, the last verify, and the work queue's accounts. The JSON it
//! prints from is the library's [`stripe_sync::status::collect_status`].

use serde_json::Value;
use stripe_sync::store::RunStatus;

use crate::options::outln;

/// Prints `status` as tables.
pub fn print_status(v: &Value) {
    let s = |x: &Value| match x {
        Value::Null => "-".to_string(),
        Value::String(s) => s.clone(),
        o => o.to_string(),
    };
    outln!("Stripe API version: {}", s(&v["api_version"]));
    print_account_lines(v);
    outln!("Last runs:");
    outln!(
        "  {:>5} {:<9} {:<24} {:<12} {:<21} {:<21} {:>8} {:>8}",
        "id",
        "kind",
        "account",
        "status",
        "started",
        "finished",
        "fetched",
        "written"
    );
    for r in v["runs"].as_array().into_iter().flatten() {
        outln!(
            "  {:>5} {:<9} {:<24} {:<12} {:<21} {:<21} {:>8} {:>8}",
            s(&r["id"]),
            s(&r["kind"]),
            s(&r["account"]),
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
    let cursors: Vec<&Value> = v["cursors"].as_array().into_iter().flatten().collect();
    let open: Vec<&&Value> = cursors
        .iter()
        .filter(|c| c["status"] != "complete")
        .collect();
    outln!(
        "Cursors: {} complete, {} not (each listed; `status --json` has every cursor's high water)",
        cursors.len() - open.len(),
        open.len()
    );
    for c in open.iter().take(CURSORS_SHOWN) {
        outln!(
            "  {:<24} {:<34} {:<10} high water {}",
            s(&c["account"]),
            s(&c["resource"]),
            s(&c["status"]),
            s(&c["high_water"])
        );
    }
    if open.len() > CURSORS_SHOWN {
        outln!("  … {} more in `status --json`", open.len() - CURSORS_SHOWN);
    }
    let accounts_with_rows = v["rows_by_account"].as_object().map_or(0, |m| m.len());
    match v["rows_by_account"].as_object() {
        Some(m) if m.len() == 1 => {
            outln!(
                "Rows per table ({}):",
                m.keys().next().map_or("", |k| k.as_str())
            )
        }
        _ => outln!(
            "Rows per table (all {accounts_with_rows} accounts; `status --account acct_…` for one):"
        ),
    }
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
    print_freshness(v);
    print_verify(v);
    print_accounts(v);
}

/// Cursors listed in the human table (those not complete).
const CURSORS_SHOWN: usize = 40;

/// One line per account, first: its rows, cursors, last run, freshness and
/// last verify, from every part of the status that names accounts.
fn print_account_lines(v: &Value) {
    #[derive(Default)]
    struct Line {
        platform: Option<bool>,
        rows: i64,
        tables: usize,
        cursors: usize,
        complete: usize,
        last_run: Option<String>,
        lag: Option<String>,
        differences: i64,
        verified: bool,
    }
    let mut lines: std::collections::BTreeMap<String, Line> = Default::default();
    let list = |k: &str| v[k].as_array().into_iter().flatten();
    for a in list("accounts") {
        if let Some(id) = a["account_id"].as_str() {
            lines.entry(id.to_string()).or_default().platform =
                a["connected"].as_bool().map(|c| !c);
        }
    }
    if let Some(m) = v["rows_by_account"].as_object() {
        for (id, tables) in m {
            let l = lines.entry(id.clone()).or_default();
            let t = tables.as_object();
            l.rows = t.map_or(0, |t| t.values().filter_map(Value::as_i64).sum());
            l.tables = t.map_or(0, |t| t.len());
        }
    }
    for c in list("cursors") {
        if let Some(id) = c["account"].as_str() {
            let l = lines.entry(id.to_string()).or_default();
            l.cursors += 1;
            l.complete += usize::from(c["status"] == "complete");
        }
    }
    // Runs are newest first: the first one seen is the account's last.
    for r in list("runs") {
        if let Some(id) = r["account"].as_str() {
            let l = lines.entry(id.to_string()).or_default();
            if l.last_run.is_none() {
                l.last_run = Some(format!(
                    "last {} {} {}",
                    r["kind"].as_str().unwrap_or("-"),
                    r["status"].as_str().unwrap_or("-"),
                    r["finished_at"].as_str().unwrap_or("(not finished)")
                ));
            }
        }
    }
    if let Some(m) = v["freshness"].as_object() {
        for (id, f) in m {
            lines.entry(id.clone()).or_default().lag = Some(match f["lag_p95_seconds"].as_f64() {
                Some(p95) => format!("lag p95 {p95:.1} s"),
                None => "no events in the last 15 min".to_string(),
            });
        }
    }
    for r in list("verify") {
        if let Some(id) = r["account"].as_str() {
            let l = lines.entry(id.to_string()).or_default();
            l.verified = true;
            let n = |k: &str| r[k].as_i64().unwrap_or(0);
            l.differences += (n("missing") + n("stale") + n("extra") - n("repaired")).max(0);
        }
    }
    if lines.is_empty() {
        outln!("Accounts: none mirrored yet (`stripe-sync backfill` starts)");
        return;
    }
    outln!("Accounts ({}):", lines.len());
    for (id, l) in lines.iter().take(ACCOUNTS_SHOWN) {
        let mut parts = vec![format!("{} rows in {} tables", l.rows, l.tables)];
        if l.cursors > 0 {
            parts.push(format!("cursors {}/{} complete", l.complete, l.cursors));
        }
        parts.extend(l.last_run.clone());
        parts.extend(l.lag.clone());
        parts.push(if l.verified {
            format!("verify: {} unrepaired differences", l.differences)
        } else {
            "never verified".to_string()
        });
        outln!(
            "  {id}{}: {}",
            match l.platform {
                Some(true) => " (platform)",
                Some(false) => " (connected)",
                None => "",
            },
            parts.join("; ")
        );
    }
    if lines.len() > ACCOUNTS_SHOWN {
        outln!(
            "  … {} more: `status --account acct_…`, or `status --json`",
            lines.len() - ACCOUNTS_SHOWN
        );
    }
}

/// Freshness per account: how far behind Stripe each one is.
fn print_freshness(v: &Value) {
    let Some(all) = v["freshness"].as_object().filter(|m| !m.is_empty()) else {
        return;
    };
    let secs = |x: &Value| match x.as_f64() {
        Some(s) => format!("{} ago", age(s)),
        None => "never".to_string(),
    };
    outln!(
        "Freshness (lag from an event's created to its commit, over the last {} min):",
        stripe_sync::freshness::WINDOW.as_secs() / 60
    );
    for (account, f) in all.iter().take(ACCOUNTS_SHOWN) {
        let lag = match (f["lag_p50_seconds"].as_f64(), f["lag_p95_seconds"].as_f64()) {
            (Some(p50), Some(p95)) => format!(
                "lag p50 {p50:.1} s, p95 {p95:.1} s over {} events",
                f["events_in_window"]
            ),
            _ => "no events in the window".to_string(),
        };
        let failed: Vec<&str> = f["last_run_failed"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, v)| **v == true)
            .map(|(k, _)| k.as_str())
            .collect();
        outln!(
            "  {account}: {lag}; last event {}, last catch-up {}, last verify {}{}{}",
            secs(&f["seconds_since_last_event"]),
            secs(&f["seconds_since_last_catch_up"]),
            secs(&f["seconds_since_last_verify"]),
            match f["verify_differences"].as_i64() {
                Some(n) if n > 0 => format!(
                    " ({n} differences, {} repaired)",
                    f["verify_repaired"].as_i64().unwrap_or(0)
                ),
                _ => String::new(),
            },
            if failed.is_empty() {
                String::new()
            } else {
                format!("; last {} run FAILED", failed.join(" and "))
            }
        );
    }
    if all.len() > ACCOUNTS_SHOWN {
        outln!("  … {} more in `status --json`", all.len() - ACCOUNTS_SHOWN);
    }
}

/// `42 s`, `3m 05s`, `2h 10m`, `3d 4h`.
fn age(s: f64) -> String {
    let s = s.max(0.0) as u64;
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{}m {:02}s", s / 60, s % 60),
        3600..=86399 => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d {}h", s / 86400, (s % 86400) / 3600),
    }
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
