//! `status` per account (issue 17, item 5): the status JSON lists every
//! account of the work queue with its state, lease, open jobs, last run and
//! errors, and a summary; a database migrated before the queue's tables
//! still has a status.

use anyhow::Result;
use serde_json::{json, Value};
use stripe_sync::status::collect_status;
use stripe_sync::Schema;
use stripe_sync_tests::TestDb;

/// The entry of `account` in the status's `accounts`.
fn entry<'a>(status: &'a Value, account: &str) -> &'a Value {
    status["accounts"]
        .as_array()
        .expect("accounts is a list")
        .iter()
        .find(|a| a["account_id"] == account)
        .unwrap_or_else(|| panic!("{account} missing from {status:#}"))
}

/// The kinds of an entry's open jobs.
fn pending_kinds(a: &Value) -> Vec<&str> {
    a["pending"]
        .as_array()
        .expect("pending is a list")
        .iter()
        .map(|j| j["kind"].as_str().expect("kind"))
        .collect()
}

async fn seed(pool: &sqlx::PgPool) -> Result<()> {
    sqlx::raw_sql(
        "INSERT INTO stripe_sync.sync_accounts (account_id, key_id, connected, state, reason, lease_owner, lease_until) VALUES
           ('acct_platform', 'key_a', false, 'active', NULL, 'host:1:w1', now() + interval '1 hour'),
           ('acct_a_done', 'key_a', true, 'active', NULL, 'host:2:gone', now() - interval '1 minute'),
           ('acct_b_revoked', 'key_a', true, 'revoked', 'access revoked: account_invalid', NULL, NULL),
           ('acct_c_failed', 'key_a', true, 'active', NULL, NULL, NULL),
           ('acct_d_pending', 'key_a', true, 'active', NULL, NULL, NULL);
         INSERT INTO stripe_sync.sync_work (account_id, kind, state, attempts, error, finished_at) VALUES
           ('acct_a_done', 'backfill', 'done', 1, NULL, now()),
           ('acct_b_revoked', 'events', 'cancelled', 0, 'access revoked: account_invalid', now()),
           ('acct_c_failed', 'backfill', 'failed', 1, 'an older failure', now()),
           ('acct_c_failed', 'backfill', 'failed', 3, 'charges: 500 from Stripe', now()),
           ('acct_c_failed', 'events', 'done', 1, NULL, now());
         INSERT INTO stripe_sync.sync_work (account_id, kind, state, attempts, error, not_before) VALUES
           ('acct_d_pending', 'backfill', 'pending', 1, 'timed out', now() + interval '5 minutes'),
           ('acct_d_pending', 'events', 'pending', 0, NULL, now()),
           ('acct_platform', 'events', 'running', 1, NULL, now());
         INSERT INTO stripe_sync.sync_runs (kind, account_id, status, finished_at, fetched, written, error) VALUES
           ('backfill', 'acct_a_done', 'failed', now(), 1, 1, 'an earlier run failed'),
           ('backfill', 'acct_a_done', 'succeeded', now(), 42, 40, NULL),
           ('backfill', 'acct_c_failed', 'failed', now(), 3, 3, 'charges: 500 from Stripe'),
           ('backfill', 'acct_not_queued', 'succeeded', now(), 7, 7, NULL);
         INSERT INTO stripe_sync.sync_workers (id, heartbeat_at) VALUES
           ('host:1:w1', now()), ('host:2:gone', now() - interval '10 minutes');",
    )
    .execute(pool)
    .await?;
    Ok(())
}

#[tokio::test]
async fn status_lists_each_account_with_its_state_jobs_runs_and_errors() -> Result<()> {
    let db = TestDb::new().await?;
    stripe_sync::migrate(&db.pool).await?;
    let empty = collect_status(&Schema::default(), &db.pool)
        .await
        .map_err(anyhow::Error::msg)?;
    assert_eq!(empty["accounts"], json!([]));
    assert_eq!(empty["accounts_summary"]["total"], 0);

    seed(&db.pool).await?;
    let v = collect_status(&Schema::default(), &db.pool)
        .await
        .map_err(anyhow::Error::msg)?;

    // Platforms first, then by account id; only the queue's accounts.
    let order: Vec<&str> = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "acct_platform",
            "acct_a_done",
            "acct_b_revoked",
            "acct_c_failed",
            "acct_d_pending"
        ]
    );

    let p = entry(&v, "acct_platform");
    assert_eq!(p["connected"], false);
    assert_eq!(p["working"], true);
    assert_eq!(p["lease_owner"], "host:1:w1");
    assert!(p["lease_until"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert_eq!(pending_kinds(p), ["events"]);
    assert_eq!(p["pending"][0]["state"], "running");
    assert_eq!(p["last_run"], Value::Null);

    let a = entry(&v, "acct_a_done");
    assert_eq!(a["state"], "active");
    assert_eq!(a["reason"], Value::Null);
    // An expired lease is no lease: its worker is gone.
    assert_eq!(a["working"], false);
    assert_eq!(a["lease_owner"], Value::Null);
    assert_eq!(pending_kinds(a), Vec::<&str>::new());
    assert_eq!(a["last_run"]["status"], "succeeded");
    assert_eq!(a["last_run"]["kind"], "backfill");
    assert_eq!(a["last_run"]["fetched"], 42);
    assert_eq!(a["last_run"]["written"], 40);
    assert!(a["last_run"]["finished_at"].is_string());
    // The earlier run's error is history: the last run succeeded.
    assert_eq!(a["errors"], json!([]));

    let b = entry(&v, "acct_b_revoked");
    assert_eq!(b["state"], "revoked");
    assert_eq!(b["reason"], "access revoked: account_invalid");
    assert_eq!(b["last_run"], Value::Null);
    assert_eq!(b["errors"][0]["source"], "job");
    assert_eq!(b["errors"][0]["state"], "cancelled");

    let c = entry(&v, "acct_c_failed");
    assert_eq!(c["state"], "active");
    assert_eq!(pending_kinds(c), Vec::<&str>::new());
    assert_eq!(c["last_run"]["status"], "failed");
    let errors = c["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{errors:?}");
    // The newest failed job, not the older one.
    assert_eq!(errors[0]["source"], "job");
    assert_eq!(errors[0]["kind"], "backfill");
    assert_eq!(errors[0]["state"], "failed");
    assert_eq!(errors[0]["error"], "charges: 500 from Stripe");
    assert_eq!(errors[1]["source"], "run");
    assert_eq!(errors[1]["error"], "charges: 500 from Stripe");

    let d = entry(&v, "acct_d_pending");
    assert_eq!(pending_kinds(d), ["backfill", "events"]);
    assert_eq!(d["pending"][0]["attempts"], 1);
    assert_eq!(d["pending"][0]["error"], "timed out");
    assert!(d["pending"][0]["not_before"].is_string());
    assert_eq!(d["last_run"], Value::Null);
    assert_eq!(d["errors"], json!([]));

    let s = &v["accounts_summary"];
    assert_eq!(s["total"], 5);
    assert_eq!(
        s["by_state"],
        json!({"active": 4, "revoked": 1, "failed": 0})
    );
    assert_eq!(s["working"], 1);
    assert_eq!(s["open_jobs"], 3);
    assert_eq!(s["failed_jobs"], 2);
    assert_eq!(s["live_workers"], 1);
    // The rest of the status is still there.
    assert_eq!(v["runs"].as_array().map(Vec::len), Some(4));

    db.drop_db().await
}

#[tokio::test]
async fn status_of_a_database_migrated_before_the_queue_has_no_accounts() -> Result<()> {
    let db = TestDb::new().await?;
    stripe_sync::migrate(&db.pool).await?;
    // As before migration 0010.
    sqlx::raw_sql(
        "DROP TABLE stripe_sync.sync_work, stripe_sync.sync_workers, stripe_sync.sync_accounts;
         INSERT INTO stripe_sync.sync_runs (kind, account_id, status) VALUES ('backfill', 'acct_1', 'running');",
    )
    .execute(&db.pool)
    .await?;
    let v = collect_status(&Schema::default(), &db.pool)
        .await
        .map_err(anyhow::Error::msg)?;
    assert_eq!(v["accounts"], json!([]));
    assert_eq!(v["accounts_summary"]["total"], 0);
    assert_eq!(v["runs"].as_array().map(Vec::len), Some(1));
    db.drop_db().await
}
