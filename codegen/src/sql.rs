//! The SQL emitter: migrations from [`Change`]s, and the per-table upsert
//! and soft-delete statements.

use std::fmt::Write;

use crate::ir::ColumnType;
use crate::lock::Change;
use crate::naming::{index_name, quote_ident};

/// The schema every table lives in.
pub const SCHEMA: &str = "stripe";

/// The schema of the engine's own objects (never exposed): the mirror's
/// name with `_sync` appended.
pub const ENGINE_SCHEMA: &str = "stripe_sync";

/// Where the parents of children listed under them are recorded.
pub const MEMBERS_TABLE: &str = "\"stripe_sync\".\"list_members\"";

/// [`MEMBERS_TABLE`] before migration 0013 moved it, as the released
/// migration 0011 names it.
pub const LEGACY_MEMBERS_TABLE: &str = "\"stripe\".\"_list_members\"";

/// The first migration: schema, bookkeeping tables and typed JSON readers.
pub const BOOKKEEPING: &str = include_str!("../sql/bookkeeping.sql");

/// A later bookkeeping migration: `_list_members` (the parent each child
/// without a parent field was listed under) and the requests a backfill
/// expects per object type.
pub const MEMBERSHIP_AND_PLAN: &str = include_str!("../sql/membership_and_plan.sql");

/// A later bookkeeping migration: the account each API key acts for, kept
/// so that webhooks never wait on `GET /v1/account`.
pub const ACCOUNTS: &str = include_str!("../sql/accounts.sql");
/// The fourth bookkeeping migration: the accounts mirrored through the work
/// queue, the queue itself and the live workers.
pub const CONNECT: &str = include_str!("../sql/connect.sql");
/// The fifth bookkeeping migration: `stripe.apply_event` and
/// `stripe.process_webhook`, whose registry rows [`crate::sql_registry`]
/// appends.
pub const SQL_EVENTS: &str = include_str!("../sql/sql_events.sql");
/// The sixth bookkeeping migration: the quarantine (schema `stripe_sync`),
/// the storable escape, range-safe typed readers, counted rejections and a
/// `process_webhook` that commits durably and quarantines.
pub const QUARANTINE: &str = include_str!("../sql/quarantine.sql");
/// The seventh bookkeeping migration: the engine's objects move to schema
/// `stripe_sync`, the entry points become static, the roles and their
/// grants. [`crate::sql_registry`] appends the generated functions.
pub const PRIVILEGES: &str = include_str!("../sql/privileges.sql");
/// The eighth bookkeeping migration: what events leave for the API to read
/// (`stripe_sync.truncated_lists`, `stripe_sync.refetches`), noted by the
/// SQL path too.
pub const PENDING_READS: &str = include_str!("../sql/pending_reads.sql");
/// The ninth bookkeeping migration: what `stripe-sync verify` compared and
/// found, per run and type, and each difference with its repair.
pub const VERIFY: &str = include_str!("../sql/verify.sql");
/// The tenth bookkeeping migration: the ledger's index by account and
/// commit time, which freshness reads.
pub const FRESHNESS: &str = include_str!("../sql/freshness.sql");
/// The eleventh bookkeeping migration: the change log, its triggers on
/// every mirrored table, and the functions that read it.
pub const CHANGES: &str = include_str!("../sql/changes.sql");
/// The twelfth bookkeeping migration: the change log's triggers only
/// capture; the numbering merges, describes and orders.
pub const CHANGE_CAPTURE: &str = include_str!("../sql/change_capture.sql");
/// The thirteenth bookkeeping migration: the SQL path checks for planted
/// triggers once per change of `pg_trigger`, not on every call.
pub const TRIGGER_CHECK: &str = include_str!("../sql/trigger_check.sql");
/// The fourteenth bookkeeping migration: the helpers every event calls, as
/// plpgsql, planned once per session rather than on every call.
pub const CACHED_HELPERS: &str = include_str!("../sql/cached_helpers.sql");
/// The fifteenth bookkeeping migration: the change log captured one row per
/// writing statement, each entry's event found when it is numbered.
pub const BATCHED_CAPTURE: &str = include_str!("../sql/batched_capture.sql");

/// System columns every table has after its typed columns.
pub const SYSTEM_COLUMNS: &[(&str, &str)] = &[
    ("_raw_data", "jsonb NOT NULL"),
    ("_account_id", "text NOT NULL"),
    ("_updated_at", "timestamptz NOT NULL"),
    ("_synced_at", "timestamptz NOT NULL DEFAULT now()"),
    ("_deleted_at", "timestamptz"),
];

fn table_ident(table: &str) -> String {
    format!("{}.{}", quote_ident(SCHEMA), quote_ident(table))
}

/// A SQL string literal (`'` doubled).
pub fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The SQL expression reading one property of the JSON object `obj` as a column of type `t`.
///
/// A value of another JSON type than the column's (an object where the spec
/// says string, a string where it says integer, ...) reads as NULL; it stays
/// in `_raw_data`, and the row is still written.
pub fn extract(obj: &str, property: &str, t: ColumnType) -> String {
    let v = format!("{obj} -> {}", literal(property));
    match t {
        ColumnType::Text => format!(
            "CASE jsonb_typeof({v}) WHEN 'string' THEN {obj} ->> {} END",
            literal(property)
        ),
        ColumnType::Ref => format!("{SCHEMA}._ref_id({v})"),
        ColumnType::BigInt => format!("{SCHEMA}._bigint({v})"),
        ColumnType::Timestamp => format!("{SCHEMA}._timestamp({v})"),
        ColumnType::Numeric => format!("{SCHEMA}._numeric({v})"),
        ColumnType::Boolean => format!("{SCHEMA}._boolean({v})"),
        ColumnType::Jsonb => format!("{SCHEMA}._jsonb({v})"),
    }
}

/// One migration's SQL for `version`.
pub fn migration(version: &str, changes: &[Change]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "-- Generated by stripe-sync-codegen from Stripe API version {version}. Do not edit.\n\
         -- Additive only: tables and columns are never dropped, types only widen.\n\
         -- Safe inside one transaction (e.g. `psql -1 -f`)."
    );
    if changes.is_empty() {
        out.push_str("\n-- No schema changes in this version.\nSELECT 1;\n");
    }
    for change in changes {
        out.push('\n');
        match change {
            Change::CreateTable {
                table,
                object,
                columns,
            } => {
                let _ = writeln!(out, "-- {object}");
                let _ = writeln!(out, "CREATE TABLE IF NOT EXISTS {} (", table_ident(table));
                let mut lines: Vec<String> = columns
                    .iter()
                    .map(|(name, t)| {
                        let not_null = if name == "id" { " NOT NULL" } else { "" };
                        format!("    {} {}{not_null}", quote_ident(name), t.sql())
                    })
                    .collect();
                lines.extend(
                    SYSTEM_COLUMNS
                        .iter()
                        .map(|(n, d)| format!("    {} {d}", quote_ident(n))),
                );
                lines.push(format!("    PRIMARY KEY ({})", quote_ident("id")));
                let _ = writeln!(out, "{}\n);", lines.join(",\n"));
                let _ = writeln!(
                    out,
                    "CREATE INDEX IF NOT EXISTS {} ON {} ({});",
                    quote_ident(&index_name(table, "_account_id")),
                    table_ident(table),
                    quote_ident("_account_id")
                );
            }
            Change::AddColumn {
                table,
                column,
                column_type,
            } => {
                let _ = writeln!(
                    out,
                    "ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {};",
                    table_ident(table),
                    quote_ident(column),
                    column_type.sql()
                );
            }
            Change::WidenColumn {
                table,
                column,
                from,
                to,
            } => {
                let _ = writeln!(
                    out,
                    "-- {table}.{column}: {from:?} -> {to:?}, re-read from _raw_data"
                );
                if from.sql() == to.sql() {
                    let _ = writeln!(
                        out,
                        "UPDATE {} SET {} = {} WHERE {} IS NOT NULL;",
                        table_ident(table),
                        quote_ident(column),
                        extract("_raw_data", column, *to),
                        quote_ident(column)
                    );
                } else {
                    let _ = writeln!(
                        out,
                        "ALTER TABLE {} ALTER COLUMN {} TYPE {} USING {};",
                        table_ident(table),
                        quote_ident(column),
                        to.sql(),
                        extract("_raw_data", column, *to)
                    );
                }
            }
            Change::ColumnRemoved { table, column } => {
                let _ = writeln!(
                    out,
                    "-- {table}.{column}: no longer in the spec; the column and its data are kept."
                );
            }
            Change::TableRemoved { table } => {
                let _ = writeln!(
                    out,
                    "-- {table}: no longer in the spec; the table and its data are kept."
                );
            }
            Change::AddIndex { table, column } => {
                let _ = writeln!(
                    out,
                    "CREATE INDEX IF NOT EXISTS {} ON {} ({});",
                    quote_ident(&index_name(table, column)),
                    table_ident(table),
                    quote_ident(column)
                );
            }
        }
    }
    out
}

/// Reads one row's typed columns by id (`$1`).
pub fn select_by_id(table: &str, columns: &[(String, ColumnType)]) -> String {
    let names: Vec<String> = columns.iter().map(|(n, _)| quote_ident(n)).collect();
    format!(
        "SELECT {} FROM {} WHERE {} = $1",
        names.join(", "),
        table_ident(table),
        quote_ident("id")
    )
}

/// The rows a batch statement reads: `$1` the objects as JSON text, `$2` the
/// account ids, `$3` the fallback versions (the event's `created`, or when the
/// page was fetched), zipped by position.
///
/// Why one JSON text array rather than one typed array per column: the engine
/// then never parses an object beyond splitting a page, and PostgreSQL parses
/// each object exactly once (it must anyway, for `_raw_data`). The typed
/// alternative (`UNNEST($1::text[], $2::bigint[], …)`) was measured against
/// this one with `cargo run --release -p stripe-sync-codegen --example upsert_strategies`;
/// the numbers are in the README's Performance section.
fn batch_source(columns: &[(String, ColumnType)], version: &str, deleted: bool) -> String {
    let mut cols: Vec<String> = columns.iter().map(|(n, t)| extract("s.r", n, *t)).collect();
    cols.extend(["s.r".to_string(), "s.a".to_string(), version.to_string()]);
    if deleted {
        cols.push(version.to_string());
    }
    format!(
        "SELECT DISTINCT ON (s.r ->> 'id') {cols}\n\
         FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)\n\
         WHERE s.r ->> 'id' IS NOT NULL\n\
         ORDER BY s.r ->> 'id', {version} DESC, s.n DESC",
        cols = cols.join(", "),
    )
}

/// The version of an incoming row: the object's own `updated` when it has
/// one, else the fallback the caller passed.
fn version_expr(columns: &[(String, ColumnType)]) -> String {
    if columns
        .iter()
        .any(|(n, t)| n == "updated" && *t == ColumnType::Timestamp)
    {
        format!(
            "COALESCE({}, s.u)",
            extract("s.r", "updated", ColumnType::Timestamp)
        )
    } else {
        "s.u".to_string()
    }
}

fn insert_head(table: &str, columns: &[(String, ColumnType)]) -> String {
    let mut names: Vec<String> = columns.iter().map(|(n, _)| quote_ident(n)).collect();
    names.extend(
        ["_raw_data", "_account_id", "_updated_at"]
            .iter()
            .map(|n| quote_ident(n)),
    );
    format!(
        "INSERT INTO {} AS t ({})",
        table_ident(table),
        names.join(", ")
    )
}

/// The batch upsert of one table.
///
/// - A row is updated only when the incoming version is `>=` the stored one:
///   ties go to the later arrival, because a strict `>` loses same-second
///   updates (a known bug of the existing engines).
/// - Unchanged objects (`_raw_data IS NOT DISTINCT FROM`) write nothing, so a
///   re-sync leaves no dead tuples.
/// - A soft-deleted row is never brought back: deletes are final in Stripe.
/// - Within one batch, the newest copy of an id wins (PostgreSQL cannot
///   update one row twice in one statement).
pub fn upsert(table: &str, columns: &[(String, ColumnType)]) -> String {
    upsert_with_owner(table, columns, None)
}

/// [`upsert`] for a table with an owner column (`overrides::OWNER_COLUMNS`):
/// the object does not carry it, so a payload never clears it.
pub fn upsert_with_owner(
    table: &str,
    columns: &[(String, ColumnType)],
    owner: Option<&str>,
) -> String {
    let version = version_expr(columns);
    let mut sets: Vec<String> = columns
        .iter()
        .filter(|(n, _)| n != "id")
        .map(|(n, _)| {
            if Some(n.as_str()) == owner {
                format!("{0} = COALESCE(EXCLUDED.{0}, t.{0})", quote_ident(n))
            } else {
                format!("{0} = EXCLUDED.{0}", quote_ident(n))
            }
        })
        .collect();
    for n in ["_raw_data", "_account_id", "_updated_at"] {
        sets.push(format!("{0} = EXCLUDED.{0}", quote_ident(n)));
    }
    sets.push(format!("{} = now()", quote_ident("_synced_at")));
    format!(
        "{head}\n{source}\nON CONFLICT ({id}) DO UPDATE SET {sets}\n\
         WHERE t.\"_deleted_at\" IS NULL AND t.\"_updated_at\" <= EXCLUDED.\"_updated_at\" AND t.\"_raw_data\" IS DISTINCT FROM EXCLUDED.\"_raw_data\"",
        head = insert_head(table, columns),
        source = batch_source(columns, &version, false),
        id = quote_ident("id"),
        sets = sets.join(", "),
    )
}

/// The batch soft delete of one table: the row stays, `_deleted_at` is set,
/// and the delete payload is merged into `_raw_data` (a `deleted_*` stub
/// carries only the id, so the last full object is kept). A row not yet
/// stored is inserted from the payload. Deletes apply whatever their version:
/// a deleted Stripe object never comes back.
pub fn soft_delete(table: &str, columns: &[(String, ColumnType)]) -> String {
    let version = version_expr(columns);
    let mut head = insert_head(table, columns);
    head.pop();
    format!(
        "{head}, \"_deleted_at\")\n{source}\nON CONFLICT ({id}) DO UPDATE SET \"_raw_data\" = t.\"_raw_data\" || EXCLUDED.\"_raw_data\", \"_deleted_at\" = EXCLUDED.\"_deleted_at\", \"_updated_at\" = GREATEST(t.\"_updated_at\", EXCLUDED.\"_updated_at\"), \"_synced_at\" = now()\n\
         WHERE t.\"_deleted_at\" IS NULL",
        source = batch_source(columns, &version, true),
        id = quote_ident("id"),
    )
}

/// Sets the owner column of rows just written: `$1` the owner's id, `$2` the
/// rows' ids, `$3` the account.
pub fn set_owner(table: &str, column: &str) -> String {
    format!(
        "UPDATE {t} SET {c} = $1 WHERE {id} = ANY($2::text[]) AND \"_account_id\" = $3 AND {c} IS DISTINCT FROM $1",
        t = table_ident(table),
        c = quote_ident(column),
        id = quote_ident("id"),
    )
}

/// Soft-deletes an owner's rows missing from its complete list: `$1` the
/// account, `$2` the owner's id, `$3` the ids still present, `$4` the list's
/// version. A row written by a newer list (`_updated_at` after `$4`) stays.
pub fn soft_delete_missing(table: &str, column: &str) -> String {
    format!(
        "UPDATE {t} SET \"_deleted_at\" = $4, \"_synced_at\" = now() WHERE \"_account_id\" = $1 AND {c} = $2 AND {id} <> ALL($3::text[]) AND \"_deleted_at\" IS NULL AND \"_updated_at\" <= $4",
        t = table_ident(table),
        c = quote_ident(column),
        id = quote_ident("id"),
    )
}

/// Records the parents items were listed under, for children whose payload
/// does not name it: `$1` the account, `$2 text[]` each item's parent id,
/// `$3 text[]` the items' ids. `members`: [`MEMBERS_TABLE`] (or, for the
/// released migration 0011, [`LEGACY_MEMBERS_TABLE`]).
pub fn record_members(child_table: &str, members: &str) -> String {
    format!(
        "INSERT INTO {members} (account_id, child_table, parent_id, child_id) SELECT $1, {t}, m.p, m.c FROM unnest($2::text[], $3::text[]) AS m (p, c) ON CONFLICT DO NOTHING",
        t = literal(child_table),
    )
}

/// Soft-deletes the children of complete lists that are missing from them,
/// for a batch of parents at once: `$1` the account, `$2 text[]` the
/// parents' ids, `$3 text[]` every id their lists hold, `$4` the lists'
/// version (a child written after it stays). A child belongs to one parent,
/// so one statement per batch decides the same as one per parent.
pub fn soft_delete_missing_children(child_table: &str, column: &str) -> String {
    format!(
        "UPDATE {t} SET \"_deleted_at\" = $4, \"_synced_at\" = now() WHERE \"_account_id\" = $1 AND {c} = ANY($2::text[]) AND {id} <> ALL($3::text[]) AND \"_deleted_at\" IS NULL AND \"_updated_at\" <= $4",
        t = table_ident(child_table),
        c = quote_ident(column),
        id = quote_ident("id"),
    )
}

/// As [`soft_delete_missing_children`], for children recorded under their
/// parents in `members` (see [`record_members`]).
pub fn soft_delete_missing_members(child_table: &str, members: &str) -> String {
    format!(
        "UPDATE {t} SET \"_deleted_at\" = $4, \"_synced_at\" = now() WHERE \"_account_id\" = $1 AND {id} IN (SELECT child_id FROM {members} WHERE account_id = $1 AND child_table = {lit} AND parent_id = ANY($2::text[])) AND {id} <> ALL($3::text[]) AND \"_deleted_at\" IS NULL AND \"_updated_at\" <= $4",
        t = table_ident(child_table),
        lit = literal(child_table),
        id = quote_ident("id"),
    )
}
