//! Keeping a verify's results: each confirmed difference as it is found
//! (with its repair), each type's counts at the end, in
//! `stripe_sync.verify_differences` and `stripe_sync.verify_objects`.

use sqlx::PgPool;

use crate::error::Result;
use crate::schema::Schema;

use super::{Difference, TypeReport};

/// Records one confirmed difference of run `run_id`.
pub async fn difference(
    schema: &Schema,
    pool: &PgPool,
    run_id: i64,
    account: &str,
    d: &Difference,
) -> Result<()> {
    sqlx::query(&schema.sql(
        "INSERT INTO stripe_sync.verify_differences
             (run_id, account_id, object, id, kind, parent_id, detail, stored_version,
              repaired_version, repaired_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $9 IS NULL THEN NULL ELSE now() END)
         ON CONFLICT (run_id, object, id) DO NOTHING",
    ))
    .bind(run_id)
    .bind(account)
    .bind(&d.object)
    .bind(&d.id)
    .bind(d.kind.as_str())
    .bind(&d.parent_id)
    .bind(&d.detail)
    .bind(d.stored_version)
    .bind(d.repaired_version)
    .execute(pool)
    .await?;
    Ok(())
}

/// Records a type's counts for run `run_id`.
pub async fn type_report(
    schema: &Schema,
    pool: &PgPool,
    run_id: i64,
    account: &str,
    t: &TypeReport,
) -> Result<()> {
    sqlx::query(&schema.sql(
        "INSERT INTO stripe_sync.verify_objects
             (run_id, account_id, object, mirror_rows, windows, windows_checked, checked,
              missing, stale, extra, repaired, unconfirmed, requests, upper_bound)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (run_id, object) DO NOTHING",
    ))
    .bind(run_id)
    .bind(account)
    .bind(&t.object)
    .bind(t.mirror_rows as i64)
    .bind(t.windows as i32)
    .bind(t.windows_checked as i32)
    .bind(t.checked as i64)
    .bind(t.missing as i64)
    .bind(t.stale as i64)
    .bind(t.extra as i64)
    .bind(t.repaired as i64)
    .bind(t.unconfirmed as i64)
    .bind(t.requests as i64)
    .bind(t.upper_bound)
    .execute(pool)
    .await?;
    Ok(())
}
