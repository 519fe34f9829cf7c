//! Golden tests: the trimmed specs under tests/golden/spec produce exactly the
//! files under tests/golden/expected. `UPDATE_GOLDEN=1 cargo test -p
//! stripe-sync-codegen golden::` rewrites them on purpose.

use crate::common;

use std::path::Path;

use common::*;
use stripe_sync_embedded_pg::testing::TestDb;

#[test]
fn golden_output_matches_the_checked_in_files() {
    let output = generate_from(&golden_inputs());
    let expected = golden_dir().join("expected");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(&expected);
        for (path, text) in &output.files {
            let p = expected.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
    }
    let mut differ = Vec::new();
    for (path, text) in &output.files {
        let committed = std::fs::read_to_string(expected.join(path)).unwrap_or_default();
        if committed != *text {
            differ.push(path.display().to_string());
        }
    }
    assert!(
        differ.is_empty(),
        "golden files differ (UPDATE_GOLDEN=1 rewrites them): {differ:?}"
    );
    assert!(output
        .files
        .contains_key(Path::new("migrations/0003_stripe_api_2024_02_01.sql")));
}

#[test]
fn generation_is_deterministic_across_runs() {
    let a = generate_from(&golden_inputs());
    let b = generate_from(&golden_inputs());
    assert_eq!(a.files, b.files);
}

/// Reverses every mapping of a YAML or JSON document, recursively.
fn shuffle_yaml(v: serde_yaml::Value) -> serde_yaml::Value {
    match v {
        serde_yaml::Value::Mapping(m) => {
            let mut entries: Vec<_> = m.into_iter().map(|(k, v)| (k, shuffle_yaml(v))).collect();
            entries.reverse();
            serde_yaml::Value::Mapping(entries.into_iter().collect())
        }
        serde_yaml::Value::Sequence(s) => {
            serde_yaml::Value::Sequence(s.into_iter().map(shuffle_yaml).collect())
        }
        other => other,
    }
}

#[test]
fn generation_is_deterministic_regardless_of_spec_key_order() {
    let inputs = golden_inputs();
    let shuffled: Vec<(Vec<u8>, Vec<u8>)> = inputs
        .iter()
        .map(|(s, f)| {
            let v: serde_yaml::Value = serde_yaml::from_slice(s).unwrap();
            let reversed = serde_yaml::to_string(&shuffle_yaml(v)).unwrap();
            assert_ne!(reversed.as_bytes(), s.as_slice());
            (reversed.into_bytes(), f.clone())
        })
        .collect();
    assert_eq!(generate_from(&inputs).files, generate_from(&shuffled).files);
}

#[test]
fn real_spec_generation_is_deterministic_regardless_of_key_order() {
    let dir = stripe_sync_embedded_pg::testing::spec_dir().join("2023-08-16");
    let spec =
        std::fs::read(dir.join("spec3.yaml")).expect("Stripe's 2023-08-16 spec in ../shared");
    let fixtures = std::fs::read(dir.join("fixtures3.json")).unwrap();
    let v: serde_yaml::Value = serde_yaml::from_slice(&spec).unwrap();
    let shuffled = serde_yaml::to_string(&shuffle_yaml(v))
        .unwrap()
        .into_bytes();
    let a = generate_from(&[(spec, fixtures.clone())]);
    let b = generate_from(&[(shuffled, fixtures)]);
    assert_eq!(a.files, b.files);
    assert!(
        a.summary.tables.len() >= 90,
        "{} tables",
        a.summary.tables.len()
    );
}

#[test]
fn no_description_text_reaches_generated_files() {
    let output = generate_from(&golden_inputs());
    for (path, text) in &output.files {
        assert!(
            !text.contains("must never reach"),
            "{} copies a description",
            path.display()
        );
    }
}

#[test]
fn golden_ir_handles_every_quirk() {
    let (spec, fixtures) = &golden_inputs()[0];
    let api = stripe_sync_codegen::load_bytes(spec, fixtures).unwrap().api;
    use stripe_sync_codegen::ir::ColumnType::*;
    let customer = &api.resources["customer"];
    let t = |r: &stripe_sync_codegen::ir::Resource, f: &str| r.fields[f].column_type;
    assert_eq!(t(customer, "created"), Timestamp);
    assert_eq!(
        t(customer, "tax_exempt"),
        Text,
        "the emptyable branch is dropped"
    );
    assert_eq!(t(customer, "default_source"), Ref);
    assert_eq!(
        customer.fields["default_source"].references,
        vec!["card".to_string()]
    );
    assert_eq!(t(customer, "metadata"), Jsonb);
    assert_eq!(t(customer, "discount_rate"), Numeric);
    assert_eq!(t(customer, "balance"), BigInt);
    assert_eq!(t(customer, "livemode"), Boolean);
    assert_eq!(customer.id_prefixes, vec!["cus".to_string()]);
    assert_eq!(
        customer.retrieve_path.as_deref(),
        Some("/v1/customers/{customer}")
    );
    assert!(customer.list_endpoints[0].supports_created);
    let (spec2, fixtures2) = &golden_inputs()[1];
    let api2 = stripe_sync_codegen::load_bytes(spec2, fixtures2)
        .unwrap()
        .api;
    assert_eq!(
        api2.resources["customer"].list_endpoints[0].create,
        Some(stripe_sync_codegen::ir::CreateEndpoint {
            required: vec!["email".to_string(), "name".to_string()],
            accepts_id: true,
        }),
        "a create's required parameters are sorted; an `id` parameter names the new object"
    );
    assert_eq!(
        api2.resources["invoice"].list_endpoints[0].create, None,
        "a list path without POST has no create"
    );
    let invoice = &api.resources["invoice"];
    assert_eq!(t(invoice, "lines"), Jsonb);
    let lines = &invoice.embedded_lists["lines"];
    assert_eq!(lines.items, vec!["line_item".to_string()]);
    assert!(!lines.includable, "invoice lines come with every invoice");
    assert!(lines.complete && lines.expandable_in_lists);
    assert_eq!(
        invoice.fields["customer"].references,
        vec!["customer".to_string()],
        "deleted_* variants are not references"
    );
    let lines = &api.resources["line_item"].list_endpoints[0];
    assert_eq!(lines.params[0].object.as_deref(), Some("invoice"));
    assert!(lines.params[0].in_path);
    let items = &api.resources["subscription_item"].list_endpoints[0];
    assert_eq!(items.params[0].name, "subscription");
    assert!(!items.params[0].in_path);
    assert!(!api.resources.contains_key("deleted_customer"));
    assert!(
        !api.resources.contains_key("card"),
        "card is neither listed nor carried by an event"
    );
    assert_eq!(
        api.events["customer.deleted"].object.as_deref(),
        Some("customer")
    );
    assert!(api.events["customer.deleted"].is_delete);
    assert_eq!(api.events["balance.available"].object, None);
    assert!(!api.events.contains_key("*"));
}

#[tokio::test]
async fn golden_migrations_apply_and_upserts_follow_the_version_rule() {
    let output = generate_from(&golden_inputs());
    let migrations: Vec<String> = output
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("migrations"))
        .map(|(_, t)| t.clone())
        .collect();
    // Bookkeeping 0001, the two versions, the later bookkeeping 0008, 0009,
    // 0010, the SQL entry points 0011, the quarantine 0012 and the
    // privileges 0013, the pending reads 0014, verify's 0015, freshness's 0016, the change log's 0017 and its capture 0018, the trigger check 0019, the cached helpers 0020, the batched capture 0021 (applied
    // twice below: it must be idempotent, its rejection counts and moved
    // tables included).
    assert_eq!(migrations.len(), 17);
    let db = TestDb::new().await.unwrap();
    apply_sql(&db.pool, &migrations).await;
    // Applying twice is harmless: every statement is idempotent.
    apply_sql(&db.pool, &migrations).await;
    let v2 = &output.files[Path::new("migrations/0003_stripe_api_2024_02_01.sql")];
    assert!(
        v2.contains("ALTER COLUMN \"status_note\" TYPE jsonb"),
        "{v2}"
    );
    assert!(
        v2.contains("customers.balance: no longer in the spec"),
        "{v2}"
    );
    assert!(
        v2.contains("ADD COLUMN IF NOT EXISTS \"phone\" text"),
        "{v2}"
    );

    let lock: stripe_sync_codegen::lock::Lock =
        serde_json::from_str(&output.files[Path::new("spec/schema.lock.json")]).unwrap();
    let cols = stripe_sync_codegen::rust::table_columns(&lock.tables["customers"]);
    let upsert = stripe_sync_codegen::sql::upsert("customers", &cols);
    let delete = stripe_sync_codegen::sql::soft_delete("customers", &cols);
    let write = |sql: String, objs: Vec<serde_json::Value>, version: i64| {
        let pool = db.pool.clone();
        async move {
            let n = objs.len();
            let at = chrono::DateTime::from_timestamp(version, 0).unwrap();
            sqlx::query(&sql)
                .bind(objs.iter().map(|o| o.to_string()).collect::<Vec<_>>())
                .bind(vec!["acct_1".to_string(); n])
                .bind(vec![at; n])
                .execute(&pool)
                .await
                .unwrap()
                .rows_affected()
        }
    };
    let c = |email: &str| serde_json::json!({"id": "cus_1", "object": "customer", "email": email, "created": 1700000000});
    let email = || async {
        sqlx::query_scalar::<_, Option<String>>(
            "SELECT email FROM stripe.customers WHERE id = 'cus_1'",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap()
    };
    assert_eq!(write(upsert.clone(), vec![c("v10")], 10).await, 1);
    assert_eq!(
        write(upsert.clone(), vec![c("v10")], 10).await,
        0,
        "an unchanged object writes nothing"
    );
    assert_eq!(
        write(upsert.clone(), vec![c("v5")], 5).await,
        0,
        "an older version is ignored"
    );
    assert_eq!(email().await.as_deref(), Some("v10"));
    assert_eq!(
        write(upsert.clone(), vec![c("v10b")], 10).await,
        1,
        "a same-second tie goes to the later arrival"
    );
    assert_eq!(email().await.as_deref(), Some("v10b"));
    assert_eq!(
        write(upsert.clone(), vec![c("old"), c("new")], 11).await,
        1,
        "duplicates in one batch: the last wins"
    );
    assert_eq!(email().await.as_deref(), Some("new"));
    let stub = serde_json::json!({"id": "cus_1", "object": "customer", "deleted": true});
    assert_eq!(write(delete.clone(), vec![stub], 12).await, 1);
    assert_eq!(
        write(upsert.clone(), vec![c("after delete")], 13).await,
        0,
        "a deleted row is never brought back"
    );
    let (email, deleted, raw): (Option<String>, bool, serde_json::Value) = sqlx::query_as(
        "SELECT email, _deleted_at IS NOT NULL, _raw_data FROM stripe.customers WHERE id = 'cus_1'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        email.as_deref(),
        Some("new"),
        "the last full object is kept"
    );
    assert!(deleted);
    assert_eq!(raw["deleted"], serde_json::json!(true));
    assert_eq!(raw["email"], serde_json::json!("new"));
    db.drop_db().await.unwrap();
}
