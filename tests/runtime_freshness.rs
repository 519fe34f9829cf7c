//! Freshness (issue 33) against a simulator that stops delivering webhooks,
//! and the alert rules of `deploy/prometheus/` evaluated by promtool on the
//! values `/metrics` gave.
//!
//! While the simulator delivers, each change is committed within a second
//! or two of its event's `created`. Then its webhook endpoint is disabled:
//! nothing is delivered, and changes reach the mirror only through the
//! catch-up from `/v1/events`. The simulator's clock is set back
//! [`CATCH_UP_MARGIN_SECS`] − 1 s for those changes (as if made that long
//! before the catch-up, while nothing was delivered; the furthest back a
//! catch-up that starts [`CATCH_UP_MARGIN_SECS`] before the backfill still
//! lists), and the catch-up runs 2 s later: their lag is then over 300 s,
//! the threshold of `StripeSyncEventLagHigh`.

use crate::support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use stripe_sync::events::CATCH_UP_MARGIN_SECS;
use stripe_sync::freshness;
use stripe_sync::metrics::{Metrics, EXPORTED};
use stripe_sync::server::{router, AppState, DEFAULT_MAX_BODY_BYTES};
use stripe_sync::store::{self, RunKind, RunStatus};
use stripe_sync::BackfillRequest;
use stripe_sync::Schema;
use stripe_sync_simulator::SimConfig;
use stripe_sync_tests::wait_for;
use support::{env_with_account, fixtures, Env};

/// The rules, their tests and the dashboard.
fn deploy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy")
}

/// `promtool ARGS` in `dir`; its output, or an error with it.
fn promtool(dir: &Path, args: &[&str]) -> Result<String> {
    let out = std::process::Command::new("promtool")
        .args(args)
        .current_dir(dir)
        .output()
        .context("running promtool (Debian's prometheus package has it: apt-get install prometheus; .ci/run installs it)")?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    ensure!(out.status.success(), "promtool {args:?}:\n{text}");
    Ok(text)
}

/// The metric names an expression refers to.
fn metric_names(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = expr;
    while let Some(i) = rest.find("stripe_sync_") {
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        out.push(tail[..end].to_string());
        rest = &tail[end..];
    }
    out
}

/// Whether `name` is exported: one of [`EXPORTED`], or a histogram's series.
fn exported(name: &str) -> bool {
    EXPORTED.contains(&name)
        || ["_bucket", "_sum", "_count"].iter().any(|s| {
            name.strip_suffix(s)
                .is_some_and(|base| EXPORTED.contains(&base))
        })
}

/// The samples of a scrape: `name{labels}` → value.
fn samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (k, v) = l.rsplit_once(' ')?;
            Some((k.to_string(), v.parse().ok()?))
        })
        .collect()
}

/// A webhook server for `e` with `metrics`; its `/webhooks` URL and base.
async fn serve(e: &Env, metrics: Arc<Metrics>) -> Result<(String, tokio::task::JoinHandle<()>)> {
    let state = Arc::new(AppState {
        sync: e.sync.clone(),
        admin_key: None,
        metrics,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router(state, DEFAULT_MAX_BODY_BYTES)).await;
    });
    Ok((base, server))
}

/// `POST` each of `paths` at the simulator with `name` (events recorded,
/// webhooks sent to the enabled endpoints).
async fn post_names(e: &Env, paths: &[String], name: &str) -> Result<()> {
    let http = reqwest::Client::new();
    for path in paths {
        http.post(format!("{}{path}", e.sim.base_url()))
            .bearer_auth("sk_test_runtime_tests")
            .form(&[("name", name)])
            .send()
            .await?
            .error_for_status()?;
    }
    Ok(())
}

/// The `/metrics` text after the database's gauges are read.
async fn scrape(e: &Env, metrics: &Metrics, base: &str) -> Result<String> {
    metrics
        .refresh_gauges(&Schema::default(), &e.db.pool)
        .await?;
    Ok(reqwest::get(format!("{base}/metrics"))
        .await?
        .text()
        .await?)
}

/// The rule's annotations with `{{ $labels.NAME }}` filled in from `labels`.
fn rendered_annotations(
    rules: &serde_yaml::Value,
    alert: &str,
    labels: &BTreeMap<String, String>,
) -> Result<(BTreeMap<String, String>, BTreeMap<String, String>)> {
    let rule = rules["groups"]
        .as_sequence()
        .into_iter()
        .flatten()
        .flat_map(|g| g["rules"].as_sequence().into_iter().flatten())
        .find(|r| r["alert"].as_str() == Some(alert))
        .with_context(|| format!("no alert {alert} in the rules"))?;
    let mut annotations = BTreeMap::new();
    for (k, v) in rule["annotations"].as_mapping().into_iter().flatten() {
        let mut text = v.as_str().unwrap_or_default().to_string();
        for (name, value) in labels {
            for form in [
                format!("{{{{ $labels.{name} }}}}"),
                format!("{{{{$labels.{name}}}}}"),
            ] {
                text = text.replace(&form, value);
            }
        }
        ensure!(
            !text.contains("{{"),
            "{alert}: an annotation this test cannot render: {text}"
        );
        annotations.insert(k.as_str().unwrap_or_default().to_string(), text);
    }
    let mut all = labels.clone();
    for (k, v) in rule["labels"].as_mapping().into_iter().flatten() {
        all.insert(
            k.as_str().unwrap_or_default().to_string(),
            v.as_str().unwrap_or_default().to_string(),
        );
    }
    Ok((all, annotations))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_simulator_that_stops_delivering_raises_the_lag_and_the_alert_fires_on_it() -> Result<()>
{
    let e = env_with_account(SimConfig::small_account(fixtures()), |_| {}).await?;
    let account = e.sim.account_id().to_string();
    let metrics = Arc::new(Metrics::new());
    let (base, server) = serve(&e, metrics.clone()).await?;
    let endpoint = e
        .sync
        .find_or_create_managed_webhook(&format!("{base}/webhooks"))
        .await?;
    ensure!(
        e.sync
            .backfill(BackfillRequest::objects(["customer"]))
            .await?
            .succeeded
    );
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM stripe.customers ORDER BY id LIMIT 20")
            .fetch_all(&e.db.pool)
            .await?;
    ensure!(ids.len() == 20, "{} customers", ids.len());
    let webhook_events = || async {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM stripe_sync.events WHERE source = 'webhook' AND processed_at IS NOT NULL",
        )
        .fetch_one(&e.db.pool)
        .await?;
        anyhow::Ok(n)
    };

    // Delivering: 20 changes, each committed when its webhook arrives.
    let renames: Vec<String> = ids.iter().map(|id| format!("/v1/customers/{id}")).collect();
    post_names(&e, &renames, "delivered").await?;
    wait_for("20 webhooks committed", || async {
        Ok((e.sim.deliveries_in_flight() == 0 && webhook_events().await? >= 20).then_some(()))
    })
    .await?;
    let delivering = scrape(&e, &metrics, &base).await?;
    let fresh = freshness::collect(&Schema::default(), &e.db.pool).await?;
    let f = fresh
        .iter()
        .find(|f| f.account == account)
        .context("the account")?;
    println!("delivering: {f:?}");
    ensure!(f.events_in_window >= 20, "{f:?}");
    ensure!(f.lag_p95_seconds.is_some_and(|l| l < 5.0), "{f:?}");
    ensure!(f.last_run_failed.values().all(|failed| !failed), "{f:?}");

    // Stopped: the endpoint is disabled; 20 new customers, stamped
    // CATCH_UP_MARGIN_SECS - 1 s back by the simulator's clock (new ones:
    // a change to a backfilled customer stamped before its backfill would
    // rightly be stale).
    let deliveries_before = e.sim.deliveries().len();
    reqwest::Client::new()
        .post(format!(
            "{}/v1/webhook_endpoints/{}",
            e.sim.base_url(),
            endpoint.id
        ))
        .bearer_auth("sk_test_runtime_tests")
        .form(&[("disabled", "true")])
        .send()
        .await?
        .error_for_status()?;
    e.sim.set_clock_offset(-(CATCH_UP_MARGIN_SECS - 1));
    post_names(&e, &vec!["/v1/customers".to_string(); 20], "not delivered").await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    ensure!(
        e.sim.deliveries().len() == deliveries_before,
        "the disabled endpoint got deliveries"
    );
    let early: i64 =
        sqlx::query_scalar("SELECT count(*) FROM stripe.customers WHERE name = 'not delivered'")
            .fetch_one(&e.db.pool)
            .await?;
    ensure!(early == 0, "{early} changes reached the mirror undelivered");
    let caught_up = e.sync.sync_events().await?;
    ensure!(caught_up.applied >= 20, "{caught_up:?}");
    let arrived: i64 =
        sqlx::query_scalar("SELECT count(*) FROM stripe.customers WHERE name = 'not delivered'")
            .fetch_one(&e.db.pool)
            .await?;
    ensure!(arrived == 20, "{arrived} of 20 changes caught up");
    let stopped = scrape(&e, &metrics, &base).await?;
    let fresh = freshness::collect(&Schema::default(), &e.db.pool).await?;
    let f = fresh
        .iter()
        .find(|f| f.account == account)
        .context("the account")?;
    println!("after the stop and a catch-up: {f:?}");
    ensure!(f.events_in_window >= 40, "{f:?}");
    ensure!(f.lag_p95_seconds.is_some_and(|l| l > 300.0), "{f:?}");
    ensure!(f.last_catch_up_at.is_some(), "{f:?}");
    // `status --json` shows the same under freshness.<account>.
    let status = stripe_sync::status::collect_status(&Schema::default(), &e.db.pool)
        .await
        .map_err(anyhow::Error::msg)?;
    let shown = &status["freshness"][account.as_str()];
    ensure!(
        shown["lag_p95_seconds"].as_f64() == f.lag_p95_seconds
            && shown["events_in_window"] == f.events_in_window
            && shown["seconds_since_last_catch_up"].as_f64().is_some(),
        "{shown}"
    );

    // Every exported name is in the scrape, and the rules and the dashboard
    // use only exported names.
    for name in EXPORTED {
        ensure!(
            stopped.contains(&format!("# TYPE {name} ")),
            "/metrics lacks {name}:\n{stopped}"
        );
    }
    let rules_text = std::fs::read_to_string(deploy().join("prometheus/stripe-sync.rules.yml"))?;
    let dashboard = std::fs::read_to_string(deploy().join("grafana/stripe-sync.json"))?;
    let dashboard_json: serde_json::Value = serde_json::from_str(&dashboard)?;
    for (file, text) in [("rules", &rules_text), ("dashboard", &dashboard)] {
        let names = metric_names(text);
        ensure!(!names.is_empty(), "{file} names no metric");
        let unknown: Vec<&String> = names.iter().filter(|n| !exported(n)).collect();
        ensure!(
            unknown.is_empty(),
            "{file} uses metrics /metrics does not export: {unknown:?}"
        );
    }
    ensure!(dashboard_json["panels"]
        .as_array()
        .is_some_and(|p| !p.is_empty()));

    // The rules on these values: promtool evaluates StripeSyncEventLagHigh
    // with each scrape's p95 held for 15 minutes.
    let rules: serde_yaml::Value = serde_yaml::from_str(&rules_text)?;
    let key = format!("stripe_sync_event_lag_seconds{{account=\"{account}\",quantile=\"0.95\"}}");
    let (before, after) = (samples(&delivering), samples(&stopped));
    let (Some(low), Some(high)) = (before.get(&key), after.get(&key)) else {
        bail!("no {key} in the scrapes:\n{delivering}\n{stopped}");
    };
    println!("scraped p95 lag: {low} s delivering, {high} s after the stop");
    let labels: BTreeMap<String, String> = [
        ("account".to_string(), account.clone()),
        ("quantile".to_string(), "0.95".to_string()),
    ]
    .into();
    let (exp_labels, exp_annotations) =
        rendered_annotations(&rules, "StripeSyncEventLagHigh", &labels)?;
    let case = |value: f64, firing: bool| {
        serde_json::json!({
            "interval": "1m",
            "input_series": [{
                "series": key,
                "values": format!("{value}+0x15"),
            }],
            "alert_rule_test": [{
                "eval_time": "11m",
                "alertname": "StripeSyncEventLagHigh",
                "exp_alerts": if firing {
                    serde_json::json!([{"exp_labels": exp_labels, "exp_annotations": exp_annotations}])
                } else {
                    serde_json::json!([])
                },
            }],
        })
    };
    let test = serde_json::json!({
        "rule_files": [deploy().join("prometheus/stripe-sync.rules.yml")],
        "evaluation_interval": "1m",
        "tests": [case(*low, false), case(*high, true)],
    });
    let dir = std::env::temp_dir().join(format!("stripe-sync-freshness-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("scraped.test.yml"), serde_yaml::to_string(&test)?)?;
    let out = promtool(&dir, &["test", "rules", "scraped.test.yml"])?;
    println!("{out}");
    let _ = std::fs::remove_dir_all(&dir);

    // A live run whose counts do not move: its time without progress grows
    // between two reads; once it fails, the account's last backfill failed.
    let (run_id, _) = store::start_run(
        &Schema::default(),
        &e.db.pool,
        RunKind::Backfill,
        &account,
        &serde_json::json!({}),
    )
    .await?;
    let stalled = "stripe_sync_run_seconds_without_progress{kind=\"backfill\"}";
    let first = samples(&scrape(&e, &metrics, &base).await?)[stalled];
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let second = samples(&scrape(&e, &metrics, &base).await?)[stalled];
    ensure!(second >= first + 1.4, "{first} then {second}");
    store::finish_run(
        &Schema::default(),
        &e.db.pool,
        run_id,
        RunStatus::Failed,
        0,
        0,
        Some("test"),
    )
    .await?;
    let after = samples(&scrape(&e, &metrics, &base).await?);
    ensure!(after[stalled] == 0.0);
    let failed = format!("stripe_sync_last_run_failed{{account=\"{account}\",kind=\"backfill\"}}");
    ensure!(after.get(&failed) == Some(&1.0), "{after:?}");

    server.abort();
    e.finish().await
}

/// The committed rules pass `promtool check rules`, and their unit tests
/// (`stripe-sync.rules.test.yml`: each alert firing and not) pass `promtool
/// test rules`.
#[test]
fn the_alert_rules_check_and_their_tests_pass() -> Result<()> {
    let dir = deploy().join("prometheus");
    let checked = promtool(&dir, &["check", "rules", "stripe-sync.rules.yml"])?;
    println!("{checked}");
    let tested = promtool(&dir, &["test", "rules", "stripe-sync.rules.test.yml"])?;
    println!("{tested}");
    ensure!(tested.contains("SUCCESS"), "{tested}");
    Ok(())
}
