//! The SQL registry emitter: the rows of the `_sql_*` tables that
//! `stripe.apply_event` and `stripe.process_webhook` route and write with
//! (`codegen/sql/sql_events.sql`). They hold what the Rust registry holds,
//! from the same functions: every table's upsert and soft-delete statement
//! (as functions `stripe._upsert_<table>`, `stripe._delete_<table>`),
//! the event routes, the embedded lists and the summaries. The migration
//! that creates the functions fills them for the version pinned then; every
//! later version's migration refills them.

use std::fmt::Write;

use crate::ir::Api;
use crate::lock::{Change, Lock};
use crate::naming::quote_ident;
use crate::rust::{embedded_entries, event_route, table_columns};
use crate::sql;
use crate::sql::literal as lit;

/// The migration number of the SQL entry points: version migrations
/// numbered after it refill the registry.
pub const SQL_EVENTS_NUMBER: usize = 11;

/// The file name of the migration creating the SQL entry points.
pub const SQL_EVENTS_MIGRATION: &str = "0011_stripe_sync_sql_events.sql";

fn opt(s: Option<&str>) -> String {
    s.map(lit).unwrap_or_else(|| "NULL".to_string())
}

/// The statements replacing the registry rows with those of `api` (the
/// newest version of the chain so far) and `lock` (its tables).
pub fn refill(api: &Api, lock: &Lock) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "-- The registry of API version {} for stripe.apply_event and stripe.process_webhook\n\
         -- (generated from the same registry as the Rust upserts).",
        api.version
    );
    out.push_str(
        "DELETE FROM stripe._sql_embedded_lists;\nDELETE FROM stripe._sql_summaries;\n\
         DELETE FROM stripe._sql_event_types;\nDELETE FROM stripe._sql_resources;\n",
    );
    let mut tables: Vec<(&String, &crate::lock::TableLock)> = lock.tables.iter().collect();
    tables.sort_by(|a, b| a.1.object.cmp(&b.1.object));
    let mut lists = Vec::new();
    for (table, tl) in tables {
        let r = api.resource_by_table(table);
        let cols = table_columns(tl);
        let owner = r.and_then(|r| r.owner.as_ref());
        let upsert = sql::upsert_with_owner(table, &cols, owner.map(|o| o.column.as_str()));
        let delete = sql::soft_delete(table, &cols);
        let (oc, oo, os, om) = match owner {
            Some(o) => (
                lit(&o.column),
                lit(&o.object),
                lit(&sql::set_owner(table, &o.column)),
                lit(&sql::soft_delete_missing(table, &o.column)),
            ),
            None => Default::default(),
        };
        let none = |s: String| if s.is_empty() { "NULL".to_string() } else { s };
        // The two statements every event runs are functions with static SQL,
        // so that each connection plans them once (planning the upsert costs
        // more than running it).
        for (kind, statement) in [("upsert", &upsert), ("delete", &delete)] {
            let _ = writeln!(
                out,
                "CREATE OR REPLACE FUNCTION stripe.{}(text[], text[], timestamptz[]) RETURNS bigint\n\
                 LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$\n\
                 DECLARE n bigint;\nBEGIN\n{statement};\nGET DIAGNOSTICS n = ROW_COUNT;\nRETURN n;\nEND\n$fn$;",
                quote_ident(&format!("_{kind}_{table}")),
            );
        }
        let _ = writeln!(
            out,
            "INSERT INTO stripe._sql_resources (object, table_name, owner_column, owner_object, owner_set_sql, owner_missing_sql) VALUES ({}, {}, {}, {}, {}, {});",
            lit(&tl.object),
            lit(table),
            none(oc),
            none(oo),
            none(os),
            none(om),
        );
        if let Some(r) = r {
            for (i, e) in embedded_entries(api, r).into_iter().enumerate() {
                lists.push(format!(
                    "({}, {i}, {}, {}, {}, {}, {})",
                    lit(&tl.object),
                    lit(&e.field),
                    lit(&e.item),
                    e.complete,
                    lit(&e.missing_sql),
                    opt(e.record_sql.as_deref()),
                ));
            }
        }
    }
    if !lists.is_empty() {
        let _ = writeln!(
            out,
            "INSERT INTO stripe._sql_embedded_lists (parent_object, position, field, item_object, complete, missing_sql, record_sql) VALUES\n{};",
            lists.join(",\n")
        );
    }
    let routes: Vec<String> = api
        .events
        .iter()
        .map(|(name, e)| {
            let (_, table) = event_route(api, lock, name);
            format!(
                "({}, {}, {})",
                lit(name),
                opt(table.as_deref()),
                e.is_delete
            )
        })
        .collect();
    if !routes.is_empty() {
        let _ = writeln!(
            out,
            "INSERT INTO stripe._sql_event_types (name, table_name, is_delete) VALUES\n{};",
            routes.join(",\n")
        );
    }
    let summaries: Vec<String> = api
        .summaries
        .iter()
        .map(|s| {
            format!(
                "({}, {}, {}, {})",
                lit(&s.object),
                lit(&s.owner_field),
                lit(&s.list_field),
                lit(&s.item_object)
            )
        })
        .collect();
    if !summaries.is_empty() {
        let _ = writeln!(
            out,
            "INSERT INTO stripe._sql_summaries (object, owner_field, list_field, item_object) VALUES\n{};",
            summaries.join(",\n")
        );
    }
    out
}

/// The migration creating the SQL entry points, with the registry of the
/// version pinned when it was released.
pub fn migration(api: &Api, lock: &Lock) -> String {
    format!("{}\n{}", sql::SQL_EVENTS, refill(api, lock))
}

/// The migration of an API version named `file`: its schema `changes`, and,
/// after the SQL entry points, the refilled registry of `api` and `lock`
/// (the schema after the changes).
pub fn version_migration(file: &str, api: &Api, lock: &Lock, changes: &[Change]) -> String {
    let text = sql::migration(&api.version, changes);
    if refills(file) {
        format!("{text}\n{}", refill(api, lock))
    } else {
        text
    }
}

/// Whether a version migration named `file` comes after the SQL entry
/// points, and so refills their registry.
pub fn refills(file: &str) -> bool {
    file.split('_')
        .next()
        .and_then(|n| n.parse::<usize>().ok())
        .is_some_and(|n| n > SQL_EVENTS_NUMBER)
}

#[cfg(test)]
mod tests {
    use super::refills;

    #[test]
    fn only_version_migrations_after_the_sql_entry_points_refill_the_registry() {
        assert!(!refills("0007_stripe_api_2026_04_22_dahlia.sql"));
        assert!(!refills("0011_stripe_sync_sql_events.sql"));
        assert!(refills("0012_stripe_api_2026_05_28_dahlia.sql"));
        assert!(!refills("not_a_migration.sql"));
    }
}
