//! The golden Rust compiles (it is mounted here as a module) and works: each
//! golden fixture parses into its row struct, goes through the golden upsert,
//! and reads back equal.

use crate::common;

#[allow(dead_code, unused_imports)]
#[rustfmt::skip]
#[path = "golden/expected/generated/src/lib.rs"]
mod golden_generated;

use common::*;
use golden_generated::resources::Row;
use stripe_sync_embedded_pg::testing::TestDb;

#[tokio::test]
async fn golden_rows_round_trip_through_postgres() {
    let output = generate_from(&golden_inputs());
    let migrations: Vec<String> = output
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("migrations"))
        .map(|(_, t)| t.clone())
        .collect();
    let db = TestDb::new().await.unwrap();
    apply_sql(&db.pool, &migrations).await;
    let fixtures: serde_json::Value = serde_json::from_slice(
        &std::fs::read(golden_dir().join("spec/2024-02-01/fixtures3.json")).unwrap(),
    )
    .unwrap();
    let mut checked = 0;
    for (object, value) in fixtures["resources"].as_object().unwrap() {
        let r =
            golden_generated::resource(object).unwrap_or_else(|| panic!("{object} has a table"));
        let json = value.to_string();
        sqlx::query(r.upsert_sql)
            .bind(vec![json.clone()])
            .bind(vec!["acct_1".to_string()])
            .bind(vec![chrono::Utc::now()])
            .execute(&db.pool)
            .await
            .unwrap();
        let parsed = Row::from_api(object, &json).unwrap().unwrap();
        let id = value["id"].as_str().unwrap();
        let stored = Row::fetch(&db.pool, object, id)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!(parsed, stored, "{object}");
        checked += 1;
    }
    assert_eq!(checked, 5);
    let create = golden_generated::resource("customer")
        .unwrap()
        .list_endpoints[0]
        .create
        .unwrap();
    assert_eq!(create.required, ["email", "name"]);
    assert!(create.accepts_id);
    let r = golden_generated::resource_for_id("txi_123").unwrap();
    assert_eq!(r.table, "tax_ids");
    let e = golden_generated::event_type("customer.deleted").unwrap();
    assert!(e.is_delete);
    assert_eq!(e.table, Some("customers"));
    let pos = |t: &str| {
        golden_generated::BACKFILL_ORDER
            .iter()
            .position(|x| *x == t)
            .unwrap()
    };
    assert!(
        pos("invoices") < pos("invoice_line_items"),
        "parents come before their nested lists"
    );
    db.drop_db().await.unwrap();
}
