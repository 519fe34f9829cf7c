//! The migration chain, applied with plain `psql` as any migration tool
//! would, gives the schema of a fresh generation from 2023-08-16 alone, plus
//! exactly what the additive rules keep (removed columns and tables, widened
//! types); and rows written after the first step survive every later step.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::{apply_sql, committed_migration_paths};
use stripe_sync_codegen::lock::Lock;
use stripe_sync_codegen::{load, sql, Versions, LATER_BOOKKEEPING_MIGRATIONS};
use stripe_sync_embedded_pg::testing::{spec_dir, TestDb};

fn psql(url: &str, file: &Path) {
    let out = std::process::Command::new("psql")
        .args([
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "--single-transaction",
            "-f",
        ])
        .arg(file)
        .arg(url)
        .output()
        .expect("psql on PATH");
    assert!(
        out.status.success(),
        "psql -f {} failed: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn columns(pool: &sqlx::PgPool) -> BTreeMap<(String, String), String> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns WHERE table_schema = 'stripe'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter().map(|(t, c, d)| ((t, c), d)).collect()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[tokio::test]
async fn chain_applied_with_psql_equals_a_fresh_latest_schema_plus_what_is_kept() {
    let paths = committed_migration_paths();
    let versions = Versions::read(&root()).unwrap();
    assert_eq!(
        paths.len(),
        versions.versions.len() + 1 + LATER_BOOKKEEPING_MIGRATIONS.len() + 2,
        "bookkeeping + one migration per API version + later bookkeeping + the SQL entry points + the privileges"
    );
    assert!(
        versions.versions.len() >= 6,
        "the chain reaches 2026-04-22.dahlia"
    );
    let chain = TestDb::new().await.unwrap();
    for p in &paths {
        psql(&chain.url, p);
    }
    let latest = versions.versions.last().unwrap();
    let api = load(&spec_dir(), &latest.version, Some(latest))
        .unwrap()
        .api;
    let (fresh_lock, changes) = Lock::default().apply(&api);
    let fresh = TestDb::new().await.unwrap();
    let mut fresh_sql = vec![
        sql::BOOKKEEPING.to_string(),
        sql::migration(&api.version, &changes),
    ];
    // The bookkeeping migrations after the privileges one need its schema.
    let (after, before): (Vec<_>, Vec<_>) = stripe_sync_codegen::LATER_BOOKKEEPING_MIGRATIONS
        .iter()
        .partition(|(name, _)| *name > stripe_sync_codegen::sql_registry::PRIVILEGES_MIGRATION);
    fresh_sql.extend(before.iter().map(|(_, text)| text.to_string()));
    fresh_sql.push(stripe_sync_codegen::sql_registry::migration(
        &api,
        &fresh_lock,
    ));
    fresh_sql.push(stripe_sync_codegen::sql_registry::privileges_migration(
        &api,
        &fresh_lock,
    ));
    fresh_sql.extend(after.iter().map(|(_, text)| text.to_string()));
    apply_sql(&fresh.pool, &fresh_sql).await;

    let chain_cols = columns(&chain.pool).await;
    let fresh_cols = columns(&fresh.pool).await;
    let lock: Lock = serde_json::from_str(
        &std::fs::read_to_string(root().join("spec/schema.lock.json")).unwrap(),
    )
    .unwrap();
    // Every fresh column exists in the chain, with the same type unless the lock records a widening.
    for ((t, c), ty) in &fresh_cols {
        let chained = chain_cols
            .get(&(t.clone(), c.clone()))
            .unwrap_or_else(|| panic!("chain lacks {t}.{c}"));
        if chained != ty {
            let widened = lock
                .tables
                .get(t)
                .and_then(|tl| tl.columns.get(c))
                .is_some_and(|col| !col.widened_from.is_empty());
            assert!(
                widened,
                "{t}.{c}: chain has {chained}, fresh has {ty}, and the lock records no widening"
            );
        }
    }
    // Every extra chain column is one the lock says the latest spec dropped.
    let extra: BTreeSet<_> = chain_cols
        .keys()
        .filter(|k| !fresh_cols.contains_key(*k))
        .cloned()
        .collect();
    for (t, c) in &extra {
        let tl = lock
            .tables
            .get(t)
            .unwrap_or_else(|| panic!("extra table {t} not in the lock"));
        let kept = tl.gone_in.is_some()
            || tl
                .columns
                .get(c)
                .is_some_and(|col| col.removed_in.is_some());
        assert!(
            kept,
            "{t}.{c} is in the chain but neither fresh nor recorded as removed"
        );
    }
    assert_eq!(
        fresh_lock.tables.len() + lock.tables.values().filter(|t| t.gone_in.is_some()).count(),
        lock.tables.len()
    );
    println!(
        "fresh: {} columns; chain: {} columns ({} kept from older versions)",
        fresh_cols.len(),
        chain_cols.len(),
        extra.len()
    );
    chain.drop_db().await.unwrap();
    fresh.drop_db().await.unwrap();
}

#[tokio::test]
async fn rows_written_after_the_first_version_survive_every_later_step() {
    let paths = committed_migration_paths();
    let db = TestDb::new().await.unwrap();
    psql(&db.url, &paths[0]);
    psql(&db.url, &paths[1]);
    let versions = Versions::read(&root()).unwrap();
    let first = &versions.versions[0];
    let loaded = load(&spec_dir(), &first.version, Some(first)).unwrap();
    let (lock, _) = Lock::default().apply(&loaded.api);
    let mut written = BTreeMap::new();
    for (object, value) in loaded.fixtures["resources"].as_object().unwrap() {
        let Some(r) = loaded.api.resources.get(object) else {
            continue;
        };
        let cols = stripe_sync_codegen::rust::table_columns(&lock.tables[&r.table]);
        let n = sqlx::query(&sql::upsert(&r.table, &cols))
            .bind(vec![value.to_string()])
            .bind(vec!["acct_1".to_string()])
            .bind(vec![chrono::Utc::now()])
            .execute(&db.pool)
            .await
            .unwrap()
            .rows_affected();
        assert_eq!(n, 1, "{object}");
        written.insert(r.table.clone(), value.clone());
    }
    assert!(written.len() > 80, "{} tables written", written.len());
    for p in &paths[2..] {
        psql(&db.url, p);
    }
    for (table, value) in &written {
        let raw: serde_json::Value = sqlx::query_scalar(&format!(
            "SELECT _raw_data FROM stripe.\"{table}\" WHERE id = $1"
        ))
        .bind(value["id"].as_str().unwrap())
        .fetch_one(&db.pool)
        .await
        .unwrap_or_else(|e| panic!("{table}: row lost after migrating: {e}"));
        assert_eq!(&raw, value, "{table}");
    }
    // A widened column was re-read from _raw_data, so it holds the value in its new type.
    let final_lock: Lock = serde_json::from_str(
        &std::fs::read_to_string(root().join("spec/schema.lock.json")).unwrap(),
    )
    .unwrap();
    let mut widened = 0;
    for (table, tl) in &final_lock.tables {
        for (column, col) in tl
            .columns
            .iter()
            .filter(|(_, c)| !c.widened_from.is_empty())
        {
            let expr = sql::extract("_raw_data", column, col.column_type);
            let wrong: i64 = sqlx::query_scalar(&format!(
                "SELECT count(*) FROM stripe.\"{table}\" WHERE \"{column}\" IS DISTINCT FROM {expr}"
            ))
            .fetch_one(&db.pool)
            .await
            .unwrap();
            assert_eq!(wrong, 0, "{table}.{column} was not re-read from _raw_data");
            widened += 1;
        }
    }
    assert!(widened > 0, "the chain widens at least one column");
    db.drop_db().await.unwrap();
}
