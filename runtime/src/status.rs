//! What a mirror holds and what a run did, as JSON: the `status` command,
//! the admin API's `GET /status` and a backfill's report all come from here,
//! so the CLI and the server say the same thing.

use serde_json::{json, Value};
use sqlx::PgPool;

use crate::backfill::BackfillReport;

/// Every valid object name (object strings of the backfillable resources).
pub fn valid_object_names() -> Vec<&'static str> {
    stripe_sync_generated::BACKFILL_ORDER
        .iter()
        .filter_map(|t| stripe_sync_generated::resource_by_table(t))
        .map(|r| r.object)
        .collect()
}

/// Checks object names (object strings or tables); the error lists the valid ones.
pub fn validate_objects(names: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for n in names {
        let r = stripe_sync_generated::resource(n)
            .or_else(|| stripe_sync_generated::resource_by_table(n));
        match r {
            Some(r) => out.push(r.object.to_string()),
            None => {
                return Err(format!(
                    "unknown object {n:?}; valid names (or their table names, or `all`): {}",
                    valid_object_names().join(", ")
                ))
            }
        }
    }
    Ok(out)
}

/// The report as JSON (also the admin API's answer).
pub fn report_json(rep: &BackfillReport) -> Value {
    json!({
        "run_id": rep.run_id,
        "succeeded": rep.succeeded,
        "fetched": rep.fetched,
        "written": rep.written,
        "duration_ms": rep.duration.as_millis() as u64,
        "objects": rep.objects.iter().map(|o| json!({
            "object": o.object, "table": o.table, "status": o.status.as_str(),
            "requests": o.requests, "fetched": o.fetched, "written": o.written,
            "error": o.error, "duration_ms": o.duration.as_millis() as u64,
            "finished_after_ms": o.finished_after.as_millis() as u64,
            "source": o.source.map(|s| s.describe()),
        })).collect::<Vec<_>>(),
    })
}

type RunRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    i64,
    i64,
    Option<String>,
);

/// Everything `status` shows, as JSON, for the newest API version: see
/// [`collect_status_for`].
pub async fn collect_status(pool: &PgPool) -> Result<Value, String> {
    collect_status_for(pool, stripe_sync_generated::API_VERSION).await
}

/// Everything `status` shows, as JSON: the pinned API version, last runs,
/// cursors, rows per table, event lag. Errors are strings without secrets.
pub async fn collect_status_for(pool: &PgPool, api_version: &str) -> Result<Value, String> {
    let e = |e: sqlx::Error| format!("reading status failed: {e}; has `stripe-sync migrate` run?");
    let runs: Vec<RunRow> =
        sqlx::query_as(
            "SELECT id, kind, status, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
             to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), fetched, written, error \
             FROM stripe._sync_runs ORDER BY id DESC LIMIT 10",
        )
        .fetch_all(pool)
        .await
        .map_err(e)?;
    let cursors: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT account_id, resource, status, \
         to_char(high_water AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') \
         FROM stripe._sync_state WHERE scope = '' ORDER BY resource, account_id",
    )
    .fetch_all(pool)
    .await
    .map_err(e)?;
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'stripe' AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_%' \
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .map_err(e)?;
    let mut counts = serde_json::Map::new();
    for (t,) in tables {
        let sql = format!("SELECT count(*) FROM stripe.\"{}\"", t.replace('"', "\"\""));
        let (n,): (i64,) = sqlx::query_as(&sql).fetch_one(pool).await.map_err(e)?;
        if n > 0 {
            counts.insert(t, json!(n));
        }
    }
    let (events, unattributed, last_created, last_received, lag): (
        i64,
        i64,
        Option<String>,
        Option<String>,
        Option<f64>,
    ) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE outcome = 'unattributed'), \
             to_char(max(created) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
             to_char(max(received_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
             extract(epoch FROM now() - max(created))::float8 FROM stripe._events",
    )
    .fetch_one(pool)
    .await
    .map_err(e)?;
    Ok(json!({
        "api_version": api_version,
        "runs": runs.into_iter().map(|r| json!({
            "id": r.0, "kind": r.1, "status": r.2, "started_at": r.3, "finished_at": r.4,
            "fetched": r.5, "written": r.6, "error": r.7,
        })).collect::<Vec<_>>(),
        "cursors": cursors.into_iter().map(|c| json!({
            "account": c.0, "resource": c.1, "status": c.2, "high_water": c.3,
        })).collect::<Vec<_>>(),
        "rows": counts,
        "events": {
            "total": events,
            "unattributed": unattributed,
            "last_created": last_created,
            "last_received": last_received,
            "lag_seconds": lag,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names_validate() {
        assert_eq!(
            validate_objects(&["customers".into(), "customer".into()]).unwrap(),
            vec!["customer".to_string(), "customer".to_string()]
        );
        let e = validate_objects(&["custmer".into()]).unwrap_err();
        assert!(e.contains("custmer") && e.contains("customer"));
    }
}
