//! Helpers for the generator's tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use sqlx::PgPool;
use stripe_sync_codegen::{generate_chain, load_bytes, Loaded, Output};

/// The golden test specs: two small versions with every quirk.
pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The golden specs, oldest first, as (spec bytes, fixtures bytes).
pub fn golden_inputs() -> Vec<(Vec<u8>, Vec<u8>)> {
    ["2024-01-01", "2024-02-01"]
        .iter()
        .map(|v| {
            let d = golden_dir().join("spec").join(v);
            (
                std::fs::read(d.join("spec3.yaml")).unwrap(),
                std::fs::read(d.join("fixtures3.json")).unwrap(),
            )
        })
        .collect()
}

/// Runs the whole generator over specs held in memory.
pub fn generate_from(inputs: &[(Vec<u8>, Vec<u8>)]) -> Output {
    let loaded: Vec<Loaded> = inputs
        .iter()
        .map(|(s, f)| load_bytes(s, f).expect("golden spec parses"))
        .collect();
    generate_chain(&loaded, Instant::now()).expect("generation succeeds")
}

/// The committed migration files (`migrations/`), in the order they apply.
pub fn committed_migration_paths() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
}

/// Applies SQL files, in order, to a database.
pub async fn apply_sql(pool: &PgPool, files: &[String]) {
    for sql in files {
        sqlx::raw_sql(sql)
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("migration fails: {e}\n{}", &sql[..sql.len().min(400)]));
    }
}
