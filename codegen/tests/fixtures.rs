//! Stripe's own fixtures, for each of the six API versions: every object
//! whose type has a table parses into its generated row struct, goes through
//! the generated upsert, and reads back with `_raw_data` equal to the fixture
//! and every typed column equal to the fixture's value.

use crate::common;

use common::{apply_sql, committed_migration_paths};
use stripe_sync_embedded_pg::testing::{spec_dir, TestDb};
use stripe_sync_generated::resources::Row;

fn committed_migrations() -> Vec<String> {
    committed_migration_paths()
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

async fn round_trip(version: &str) {
    let db = TestDb::new().await.unwrap();
    apply_sql(&db.pool, &committed_migrations()).await;
    let path = spec_dir().join(version).join("fixtures3.json");
    let fixtures: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let mut checked = Vec::new();
    for (object, value) in fixtures["resources"].as_object().unwrap() {
        let Some(resource) = stripe_sync_generated::resource(object) else {
            continue;
        };
        let json = value.to_string();
        let parsed = Row::from_api(object, &json)
            .expect("a row type for every table")
            .unwrap_or_else(|e| {
                panic!("{version} {object} does not parse into its row struct: {e}")
            });
        let written = sqlx::query(resource.upsert_sql)
            .bind(vec![json])
            .bind(vec!["acct_fixtures".to_string()])
            .bind(vec![chrono::Utc::now()])
            .execute(&db.pool)
            .await
            .unwrap_or_else(|e| panic!("{version} {object}: upsert fails: {e}"))
            .rows_affected();
        assert_eq!(written, 1, "{version} {object}");
        let id = value["id"].as_str().unwrap();
        let stored = Row::fetch(&db.pool, object, id)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!(
            parsed, stored,
            "{version} {object}: typed columns differ from the fixture"
        );
        let raw: serde_json::Value = sqlx::query_scalar(&format!(
            "SELECT _raw_data FROM stripe.\"{}\" WHERE id = $1",
            resource.table
        ))
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(
            &raw, value,
            "{version} {object}: _raw_data differs from the fixture"
        );
        checked.push(object.clone());
    }
    println!("{version}: {} fixture objects round-tripped", checked.len());
    assert!(
        checked.len() >= 70,
        "{version}: only {} objects checked",
        checked.len()
    );
    db.drop_db().await.unwrap();
}

/// Every version of the chain, read from `spec/versions.json`: a bump adds
/// its version here with no code change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixtures_of_every_version_of_the_chain_round_trip() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let versions = stripe_sync_codegen::Versions::read(&root).unwrap();
    assert!(versions.versions.len() >= 6);
    // One database per version, all at once.
    let runs: Vec<_> = versions
        .versions
        .into_iter()
        .map(|v| tokio::spawn(async move { round_trip(&v.version).await }))
        .collect();
    for r in runs {
        r.await.expect("a version's round trip failed");
    }
}
