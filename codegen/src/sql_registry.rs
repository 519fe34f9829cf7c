//! The SQL registry emitter: what `stripe_sync.apply_event` and
//! `stripe_sync.process_webhook` route and write with
//! (`codegen/sql/privileges.sql`). It holds what the Rust registry holds,
//! from the same functions: every table's upsert and soft-delete statement
//! (as functions `stripe_sync._upsert_<table>`, `_delete_<table>`), the
//! owner and embedded-list statements in static dispatchers, and, as data
//! rows of the `stripe_sync.sql_*` tables, the event routes, the embedded
//! lists and the summaries. The migration that creates the entry points
//! fills it for the version pinned then; every later version's migration
//! refills it. The released migration 0011 kept SQL text in its registry
//! (`legacy_refill`, kept only so that 0011 regenerates unchanged).

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

/// The migration number of the privileges migration, after which the
/// registry is refilled in `stripe_sync` with static dispatchers.
pub const PRIVILEGES_NUMBER: usize = 13;

/// The file name of the privileges migration.
pub const PRIVILEGES_MIGRATION: &str = "0013_stripe_sync_privileges.sql";

fn opt(s: Option<&str>) -> String {
    s.map(lit).unwrap_or_else(|| "NULL".to_string())
}

/// The registry as the released migration 0011 fills it: tables in schema
/// `stripe`, and SQL text in the registry rows (which 0013 drops). Kept so
/// that 0011 regenerates byte for byte; nothing after 0011 uses it.
fn legacy_refill(api: &Api, lock: &Lock) -> String {
    let mut out = head(api, "stripe", "stripe._sql");
    let mut lists = Vec::new();
    for (table, tl) in sorted_tables(lock) {
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
        for (kind, statement) in [("upsert", &upsert), ("delete", &delete)] {
            table_function(&mut out, "stripe", kind, table, statement);
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
            for (i, e) in embedded_entries(api, r, sql::LEGACY_MEMBERS_TABLE)
                .into_iter()
                .enumerate()
            {
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
    routes_and_summaries(&mut out, api, lock, "stripe._sql");
    out
}

/// The statements replacing the registry of the SQL entry points with
/// that of `api` (the newest version of the chain so far) and `lock` (its
/// tables): per table, the upsert and the soft delete as functions with
/// static SQL (`stripe_sync._upsert_<table>`, `_delete_<table>`); the
/// registry's data rows; and the static dispatchers that pick a table's
/// statement by name, so that no SQL text is ever read from a table.
pub fn refill(api: &Api, lock: &Lock) -> String {
    let mut out = head(api, "stripe_sync", "stripe_sync.sql");
    let mut d = Dispatch::default();
    let mut lists = Vec::new();
    for (table, tl) in sorted_tables(lock) {
        let r = api.resource_by_table(table);
        let cols = table_columns(tl);
        let owner = r.and_then(|r| r.owner.as_ref());
        let upsert = sql::upsert_with_owner(table, &cols, owner.map(|o| o.column.as_str()));
        let delete = sql::soft_delete(table, &cols);
        let key = lit(table);
        for (kind, statement, arms) in [
            ("upsert", &upsert, &mut d.upsert),
            ("delete", &delete, &mut d.delete),
        ] {
            table_function(&mut out, "stripe_sync", kind, table, statement);
            let _ = writeln!(
                arms,
                "    WHEN {key} THEN RETURN stripe_sync.{}($2, $3, $4);",
                quote_ident(&format!("_{kind}_{table}"))
            );
        }
        let _ = writeln!(
            d.row_version,
            "    WHEN {key} THEN RETURN (SELECT ARRAY[\"_updated_at\", \"_deleted_at\"] FROM {}.{} WHERE \"id\" = $2);",
            quote_ident(sql::SCHEMA),
            quote_ident(table)
        );
        if let Some(o) = owner {
            let _ = writeln!(
                d.set_owner,
                "    WHEN {key} THEN {};",
                sql::set_owner(table, &o.column)
            );
            let _ = writeln!(
                d.missing_owned,
                "    WHEN {key} THEN {};\n        GET DIAGNOSTICS n = ROW_COUNT;",
                sql::soft_delete_missing(table, &o.column)
            );
        }
        let none = |s: Option<&str>| s.map(lit).unwrap_or_else(|| "NULL".to_string());
        let _ = writeln!(
            out,
            "INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ({}, {}, {}, {});",
            lit(&tl.object),
            lit(table),
            none(owner.map(|o| o.column.as_str())),
            none(owner.map(|o| o.object.as_str())),
        );
        if let Some(r) = r {
            for (i, e) in embedded_entries(api, r, sql::MEMBERS_TABLE)
                .into_iter()
                .enumerate()
            {
                let entry = lit(&format!("{}/{i}", tl.object));
                lists.push(format!(
                    "({}, {i}, {}, {}, {})",
                    lit(&tl.object),
                    lit(&e.field),
                    lit(&e.item),
                    e.complete,
                ));
                let _ = writeln!(
                    d.missing_children,
                    "    WHEN {entry} THEN {};\n        GET DIAGNOSTICS n = ROW_COUNT;",
                    e.missing_sql
                );
                if let Some(record) = &e.record_sql {
                    let _ = writeln!(d.record_members, "    WHEN {entry} THEN {record};");
                }
            }
        }
    }
    if !lists.is_empty() {
        let _ = writeln!(
            out,
            "INSERT INTO stripe_sync.sql_embedded_lists (parent_object, position, field, item_object, complete) VALUES\n{};",
            lists.join(",\n")
        );
    }
    routes_and_summaries(&mut out, api, lock, "stripe_sync.sql");
    out.push_str(&d.functions());
    out.push_str("SELECT stripe_sync.grant_privileges();\n");
    out
}

/// The arms of the static dispatchers, one per table (or embedded list).
#[derive(Default)]
struct Dispatch {
    upsert: String,
    delete: String,
    row_version: String,
    set_owner: String,
    missing_owned: String,
    missing_children: String,
    record_members: String,
}

impl Dispatch {
    /// The dispatcher functions. Their parameters are positional, in the
    /// order of the statements' `$n`, so that each arm is the very statement
    /// the Rust path runs; the table (or `<parent object>/<position>` of an
    /// embedded list) comes last.
    fn functions(&self) -> String {
        let function = |signature: &str,
                        returns: &str,
                        declare: &str,
                        case: &str,
                        arms: &str,
                        otherwise: &str,
                        tail: &str| {
            // A CASE needs one WHEN at least: with no arms, only the fallback.
            let body = if arms.is_empty() {
                format!("    {otherwise}\n")
            } else {
                format!("    CASE {case}\n{arms}    ELSE {otherwise}\n    END CASE;\n")
            };
            format!(
                "CREATE OR REPLACE FUNCTION stripe_sync.{signature} RETURNS {returns}\n\
                 LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$\n\
                 {declare}BEGIN\n{body}{tail}END\n$fn$;\n"
            )
        };
        let no_table = |n: usize| {
            format!("RAISE EXCEPTION 'stripe-sync: no table %', ${n} USING ERRCODE = 'SW404';")
        };
        let mut out = String::from(
            "-- The static dispatchers: a table's statement picked by the table's name.\n",
        );
        out.push_str(&function(
            "_upsert(text, text[], text[], timestamptz[])",
            "bigint",
            "",
            "$1",
            &self.upsert,
            &no_table(1),
            "",
        ));
        out.push_str(&function(
            "_delete(text, text[], text[], timestamptz[])",
            "bigint",
            "",
            "$1",
            &self.delete,
            &no_table(1),
            "",
        ));
        out.push_str(&function(
            "_row_version(text, text)",
            "timestamptz[]",
            "",
            "$1",
            &self.row_version,
            &no_table(1),
            "",
        ));
        out.push_str(&function(
            "_set_owner(text, text[], text, text)",
            "void",
            "",
            "$4",
            &self.set_owner,
            &no_table(4),
            "",
        ));
        out.push_str(&function(
            "_delete_missing_owned(text, text, text[], timestamptz, text)",
            "bigint",
            "DECLARE n bigint := 0;\n",
            "$5",
            &self.missing_owned,
            &no_table(5),
            "    RETURN n;\n",
        ));
        out.push_str(&function(
            "_delete_missing_children(text, text[], text[], timestamptz, text, integer)",
            "bigint",
            "DECLARE n bigint := 0;\n",
            "$5 || '/' || $6",
            &self.missing_children,
            "RAISE EXCEPTION 'stripe-sync: no embedded list %/%', $5, $6 USING ERRCODE = 'SW404';",
            "    RETURN n;\n",
        ));
        out.push_str(&function(
            "_record_members(text, text[], text[], text, integer)",
            "void",
            "",
            "$4 || '/' || $5",
            &self.record_members,
            "NULL; -- the items name their parent: nothing to record",
            "",
        ));
        out
    }
}

/// The start of a refill: what it is, and the registry's rows deleted
/// (`entry_schema`: where the entry points live; `registry`: the prefix of
/// the registry's tables, `<registry>_resources` and so on).
fn head(api: &Api, entry_schema: &str, registry: &str) -> String {
    format!(
        "-- The registry of API version {} for {entry_schema}.apply_event and {entry_schema}.process_webhook\n\
         -- (generated from the same registry as the Rust upserts).\n\
         DELETE FROM {registry}_embedded_lists;\nDELETE FROM {registry}_summaries;\n\
         DELETE FROM {registry}_event_types;\nDELETE FROM {registry}_resources;\n",
        api.version
    )
}

/// The snapshot's tables, by object name.
fn sorted_tables(lock: &Lock) -> Vec<(&String, &crate::lock::TableLock)> {
    let mut tables: Vec<_> = lock.tables.iter().collect();
    tables.sort_by(|a, b| a.1.object.cmp(&b.1.object));
    tables
}

/// One of the two statements every event runs (`kind`: upsert or delete) as
/// a function with static SQL in `schema`, so that each connection plans it
/// once (planning the upsert costs more than running it).
fn table_function(out: &mut String, schema: &str, kind: &str, table: &str, statement: &str) {
    let _ = writeln!(
        out,
        "CREATE OR REPLACE FUNCTION {schema}.{}(text[], text[], timestamptz[]) RETURNS bigint\n\
         LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$\n\
         DECLARE n bigint;\nBEGIN\n{statement};\nGET DIAGNOSTICS n = ROW_COUNT;\nRETURN n;\nEND\n$fn$;",
        quote_ident(&format!("_{kind}_{table}")),
    );
}

/// The registry rows of the event routes and the summaries, into the
/// tables named `<prefix>_event_types` and `<prefix>_summaries`.
fn routes_and_summaries(out: &mut String, api: &Api, lock: &Lock, prefix: &str) {
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
            "INSERT INTO {prefix}_event_types (name, table_name, is_delete) VALUES\n{};",
            routes.join(",\n"),
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
            "INSERT INTO {prefix}_summaries (object, owner_field, list_field, item_object) VALUES\n{};",
            summaries.join(",\n"),
        );
    }
}

/// The statements dropping the per-table functions the released migration
/// 0011 created in schema `stripe` (0013 recreates them in `stripe_sync`).
fn legacy_drops(lock: &Lock) -> String {
    let mut out = String::from("-- The per-table functions of 0011 leave the mirror's schema.\n");
    for table in lock.tables.keys() {
        for kind in ["upsert", "delete"] {
            let _ = writeln!(
                out,
                "DROP FUNCTION IF EXISTS stripe.{}(text[], text[], timestamptz[]);",
                quote_ident(&format!("_{kind}_{table}"))
            );
        }
    }
    out
}

/// The migration creating the SQL entry points, with the registry of the
/// version pinned when it was released.
pub fn migration(api: &Api, lock: &Lock) -> String {
    format!("{}\n{}", sql::SQL_EVENTS, legacy_refill(api, lock))
}

/// The migration moving the engine's objects to `stripe_sync` and making
/// the entry points static, with the registry of the version pinned when it
/// was released (`lock`: its tables, whose 0011 functions it drops).
pub fn privileges_migration(api: &Api, lock: &Lock) -> String {
    format!(
        "{}\n{}\n{}",
        sql::PRIVILEGES,
        legacy_drops(lock),
        refill(api, lock)
    )
}

/// The migration of an API version named `file`: its schema `changes`, and,
/// after the SQL entry points, the refilled registry of `api` and `lock`
/// (the schema after the changes).
pub fn version_migration(file: &str, api: &Api, lock: &Lock, changes: &[Change]) -> String {
    let text = sql::migration(&api.version, changes);
    match number(file) {
        Some(n) if n > PRIVILEGES_NUMBER => format!("{text}\n{}", refill(api, lock)),
        Some(n) if n > SQL_EVENTS_NUMBER => format!("{text}\n{}", legacy_refill(api, lock)),
        _ => text,
    }
}

/// Whether a version migration named `file` comes after the SQL entry
/// points, and so refills their registry.
pub fn refills(file: &str) -> bool {
    number(file).is_some_and(|n| n > SQL_EVENTS_NUMBER)
}

/// Whether a version migration named `file` comes before the privileges
/// migration, whose registry is the last such version's.
pub fn before_privileges(file: &str) -> bool {
    number(file).is_some_and(|n| n < PRIVILEGES_NUMBER)
}

fn number(file: &str) -> Option<usize> {
    file.split('_').next().and_then(|n| n.parse::<usize>().ok())
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
