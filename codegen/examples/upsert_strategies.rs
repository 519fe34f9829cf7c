//! Measures the two ways to write a batch of objects that the schema issue
//! asked us to compare, on the real `stripe.customers` table:
//!
//! - **json**: the generated upsert. One `text[]` of whole objects; PostgreSQL
//!   parses each once and reads the typed columns out of it.
//! - **typed**: the engine parses each object and binds one typed array per
//!   column (`UNNEST($1::text[], $2::bigint[], …)`), plus the raw JSON.
//!
//! `cargo run --release -p stripe-sync-codegen --example upsert_strategies -- [ROWS]`
//! (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; it
//! creates and drops its own database). It prints rows/s for each, with the
//! engine's own CPU time, since engine and database share the machine's cores.

use std::time::Instant;

use stripe_sync_embedded_pg::testing::{spec_dir, TestDb};
use stripe_sync_generated::ColumnType;

const BATCH: usize = 1000;

fn customers(n: usize) -> Vec<String> {
    let fixtures: serde_json::Value = serde_json::from_slice(
        &std::fs::read(spec_dir().join("2023-08-16/fixtures3.json")).expect("fixtures"),
    )
    .unwrap();
    let template = fixtures["resources"]["customer"].clone();
    (0..n)
        .map(|i| {
            let mut c = template.clone();
            c["id"] = format!("cus_bench{i:08}").into();
            c["email"] = format!("user{i}@example.com").into();
            c["created"] = (1_600_000_000 + i as i64).into();
            c["metadata"] = serde_json::json!({"n": i.to_string()});
            c.to_string()
        })
        .collect()
}

fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks: f64 = fields
        .get(11)
        .and_then(|u| u.parse::<f64>().ok())
        .unwrap_or(0.0)
        + fields
            .get(12)
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or(0.0);
    ticks / 100.0
}

async fn json_strategy(pool: &sqlx::PgPool, rows: &[String]) {
    let r = stripe_sync_generated::resource("customer").unwrap();
    for chunk in rows.chunks(BATCH) {
        let now = chrono::Utc::now();
        sqlx::query(r.upsert_sql)
            .bind(chunk.to_vec())
            .bind(vec!["acct_bench".to_string(); chunk.len()])
            .bind(vec![now; chunk.len()])
            .execute(pool)
            .await
            .unwrap();
    }
}

fn typed_sql() -> String {
    let r = stripe_sync_generated::resource("customer").unwrap();
    let mut names = Vec::new();
    let mut unnest = Vec::new();
    for (i, c) in r.columns.iter().enumerate() {
        names.push(format!("\"{}\"", c.name));
        let ty = match c.column_type {
            ColumnType::Text | ColumnType::Ref => "text",
            ColumnType::BigInt => "bigint",
            ColumnType::Timestamp => "timestamptz",
            ColumnType::Numeric => "numeric",
            ColumnType::Boolean => "boolean",
            ColumnType::Jsonb => "jsonb",
        };
        unnest.push(format!("${}::{ty}[]", i + 1));
    }
    let n = r.columns.len();
    names.extend(["\"_raw_data\"", "\"_account_id\"", "\"_updated_at\""].map(String::from));
    unnest.extend([
        format!("${}::jsonb[]", n + 1),
        format!("${}::text[]", n + 2),
        format!("${}::timestamptz[]", n + 3),
    ]);
    let sets: Vec<String> = names
        .iter()
        .skip(1)
        .map(|c| format!("{c} = EXCLUDED.{c}"))
        .collect();
    format!(
        "INSERT INTO stripe.customers AS t ({}) SELECT * FROM unnest({}) ON CONFLICT (id) DO UPDATE SET {} \
         WHERE t._deleted_at IS NULL AND t._updated_at <= EXCLUDED._updated_at AND t._raw_data IS DISTINCT FROM EXCLUDED._raw_data",
        names.join(", "),
        unnest.join(", "),
        sets.join(", ")
    )
}

async fn typed_strategy(pool: &sqlx::PgPool, rows: &[String]) {
    let r = stripe_sync_generated::resource("customer").unwrap();
    let sql = typed_sql();
    for chunk in rows.chunks(BATCH) {
        let values: Vec<serde_json::Value> = chunk
            .iter()
            .map(|s| serde_json::from_str(s).unwrap())
            .collect();
        let mut q = sqlx::query(&sql);
        for c in r.columns {
            let get = |v: &serde_json::Value| v.get(c.name).filter(|x| !x.is_null()).cloned();
            q = match c.column_type {
                ColumnType::Text => q.bind(
                    values
                        .iter()
                        .map(|v| {
                            get(v).map(|x| {
                                x.as_str()
                                    .map(String::from)
                                    .unwrap_or_else(|| x.to_string())
                            })
                        })
                        .collect::<Vec<_>>(),
                ),
                ColumnType::Ref => q.bind(
                    values
                        .iter()
                        .map(|v| {
                            get(v).and_then(|x| {
                                x.as_str()
                                    .map(String::from)
                                    .or_else(|| x.get("id")?.as_str().map(String::from))
                            })
                        })
                        .collect::<Vec<_>>(),
                ),
                ColumnType::BigInt => q.bind(
                    values
                        .iter()
                        .map(|v| get(v).and_then(|x| x.as_i64()))
                        .collect::<Vec<_>>(),
                ),
                ColumnType::Timestamp => q.bind(
                    values
                        .iter()
                        .map(|v| {
                            get(v)
                                .and_then(|x| x.as_i64())
                                .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                        })
                        .collect::<Vec<_>>(),
                ),
                ColumnType::Numeric => q.bind(
                    values
                        .iter()
                        .map(|v| {
                            get(v).and_then(|x| x.to_string().parse::<rust_decimal::Decimal>().ok())
                        })
                        .collect::<Vec<_>>(),
                ),
                ColumnType::Boolean => q.bind(
                    values
                        .iter()
                        .map(|v| get(v).and_then(|x| x.as_bool()))
                        .collect::<Vec<_>>(),
                ),
                ColumnType::Jsonb => q.bind(values.iter().map(get).collect::<Vec<_>>()),
            };
        }
        let now = chrono::Utc::now();
        q.bind(values)
            .bind(vec!["acct_bench".to_string(); chunk.len()])
            .bind(vec![now; chunk.len()])
            .execute(pool)
            .await
            .unwrap();
    }
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let rows = customers(n);
    let db = TestDb::new().await.expect("PostgreSQL (set DATABASE_URL)");
    for dir in [std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations")] {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for p in paths {
            sqlx::raw_sql(&std::fs::read_to_string(p).unwrap())
                .execute(&db.pool)
                .await
                .unwrap();
        }
    }
    println!("{n} customers, batches of {BATCH}, into an empty table, best of 3 rounds");
    println!("{:<8} {:>12} {:>16}", "strategy", "rows/s", "engine CPU s");
    for name in ["json", "typed"] {
        let mut best = (0.0f64, 0.0f64);
        for _ in 0..3 {
            sqlx::query("TRUNCATE stripe.customers")
                .execute(&db.pool)
                .await
                .unwrap();
            let (t0, c0) = (Instant::now(), cpu_seconds());
            match name {
                "json" => json_strategy(&db.pool, &rows).await,
                _ => typed_strategy(&db.pool, &rows).await,
            }
            let rate = n as f64 / t0.elapsed().as_secs_f64();
            if rate > best.0 {
                best = (rate, cpu_seconds() - c0);
            }
        }
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe.customers")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(count as usize, n);
        println!("{name:<8} {:>12.0} {:>16.2}", best.0, best.1);
    }
    db.drop_db().await.unwrap();
}
