//! Applying the embedded migrations, with sqlx's bookkeeping
//! (`_sqlx_migrations`) in the engine's own schema, and the engine's roles
//! granted afterwards.
//!
//! The mirror (schema `stripe`) holds mirrored data only; what the engine
//! keeps for itself lives in [`ENGINE_SCHEMA`], which is never exposed (see
//! migration `0013_stripe_sync_privileges.sql`). sqlx names its table
//! unqualified, so the migrations run on a connection of their own whose
//! search path is that schema. A database migrated before the bookkeeping
//! moved has it wherever the search path pointed (usually `public`): this
//! module moves the rows of these migrations from there first, leaving any
//! other tool's rows where they are.

use std::borrow::Cow;

use sqlx::migrate::{Migration, Migrator};
use sqlx::{Connection, PgConnection, PgPool, Row};

use crate::error::Result;
use crate::schema::Schema;

/// The schema of the engine's own objects for the default mirror
/// (`stripe`): the mirror's name with `_sync` appended ([`Schema::engine`]
/// for another).
pub const ENGINE_SCHEMA: &str = "stripe_sync";

/// The engine's group roles the migrations create where the migrating role
/// may create roles. The Edge Function's login role (`stripe_sync_webhook`)
/// is created by `stripe-sync supabase install`.
pub const ROLES: &[EngineRole] = &[EngineRole::Reader, EngineRole::Writer];

/// One of the engine's roles (all NOLOGIN: grant them to a login role).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineRole {
    /// SELECT on the mirrored tables, nothing else: for an app.
    Reader,
    /// What `serve`, `sync`, `backfill` and the workers need.
    Writer,
}

impl EngineRole {
    /// The role's name for `schema`'s mirror (`stripe_sync_reader` for
    /// the default): roles are the cluster's, so each mirror has its own.
    pub fn name(self, schema: &Schema) -> String {
        let suffix = match self {
            EngineRole::Reader => "reader",
            EngineRole::Writer => "writer",
        };
        format!("{}_{suffix}", schema.engine())
    }
}

/// The statements a role allowed to create roles runs where the migrating
/// role could not create [`ROLES`]; `SELECT stripe_sync.grant_privileges()`
/// (or `stripe-sync migrate` again) grants them afterwards.
pub fn role_statements(missing: &[EngineRole], schema: &Schema) -> String {
    let mut out = String::new();
    for r in missing {
        out.push_str(&format!("CREATE ROLE {} NOLOGIN;\n", r.name(schema)));
    }
    out.push_str(&format!(
        "SELECT {}.grant_privileges();  -- as the role that ran the migrations\n",
        schema.engine()
    ));
    out
}

static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// The embedded migrations, as written (for the default schema).
pub fn migrator() -> &'static Migrator {
    &MIGRATOR
}

/// The embedded migrations for `schema`: the files as written for the
/// default, else each renamed by [`Schema::sql`] (their checksums are of
/// the renamed text, so each mirror's bookkeeping checks its own).
pub fn migrator_for(schema: &Schema) -> Migrator {
    if schema.is_default() {
        return migrator_until(i64::MAX);
    }
    Migrator {
        migrations: MIGRATOR
            .migrations
            .iter()
            .map(|m| {
                Migration::new(
                    m.version,
                    m.description.clone(),
                    m.migration_type,
                    Cow::Owned(schema.sql(&m.sql).into_owned()),
                    m.no_tx,
                )
            })
            .collect(),
        ignore_missing: MIGRATOR.ignore_missing,
        locking: MIGRATOR.locking,
        no_tx: MIGRATOR.no_tx,
    }
}

/// The migration files for `schema`, named as in `migrations/`: what
/// `stripe-sync migrations export` writes for another migration tool.
pub fn migration_files(schema: &Schema) -> Vec<(String, String)> {
    migrator_for(schema)
        .migrations
        .iter()
        .map(|m| (format!("{}.sql", migration_name(m)), m.sql.to_string()))
        .collect()
}

/// The embedded migrations up to `version`, run as an earlier release ran
/// them (sqlx's bookkeeping wherever the search path points): to build a
/// database as that release left it, e.g. to test an upgrade.
pub fn migrator_until(version: i64) -> Migrator {
    Migrator {
        migrations: MIGRATOR
            .migrations
            .iter()
            .filter(|m| m.version <= version)
            .cloned()
            .collect(),
        ignore_missing: MIGRATOR.ignore_missing,
        locking: MIGRATOR.locking,
        no_tx: MIGRATOR.no_tx,
    }
}

/// Serializes this module's own steps between concurrent `migrate`s of one
/// database (sqlx's lock covers only the migrations themselves).
const LOCK_KEY: i64 = 0x5354_5250_5359_4e43; // "STRPSYNC"

/// Applies the embedded migrations to `pool`'s database for the default
/// schema (see [`migrate_schema`]).
pub async fn migrate(pool: &PgPool) -> Result<()> {
    migrate_schema(pool, &Schema::default()).await
}

/// Applies the embedded migrations for `schema` to `pool`'s database, then
/// grants the engine's roles their privileges (when the connected role owns
/// the engine's schema). Safe to run concurrently.
pub async fn migrate_schema(pool: &PgPool, schema: &Schema) -> Result<()> {
    // A connection of its own: its search path points sqlx at the engine's
    // schema, and it is closed afterwards, never returned to the pool.
    let options = (*pool.connect_options()).clone();
    let mut conn = PgConnection::connect_with(&options).await?;
    let result = async {
        move_bookkeeping(&mut conn, schema).await?;
        sqlx::query(&schema.sql("SET search_path TO stripe_sync"))
            .execute(&mut conn)
            .await?;
        migrator_for(schema).run(&mut conn).await?;
        sqlx::query("RESET search_path").execute(&mut conn).await?;
        grant_privileges(&mut conn, schema).await
    }
    .await;
    let _ = conn.close().await;
    result
}

/// Moves this crate's rows of sqlx's bookkeeping from where an earlier
/// release kept it (the first schema of the search path) into
/// [`ENGINE_SCHEMA`]; drops the old table if nothing else is left in it.
/// Only the default schema has such a past.
async fn move_bookkeeping(conn: &mut PgConnection, schema: &Schema) -> Result<()> {
    let mut tx = locked(conn).await?;
    sqlx::query(&schema.sql("CREATE SCHEMA IF NOT EXISTS stripe_sync"))
        .execute(&mut *tx)
        .await?;
    if !schema.is_default() {
        tx.commit().await?;
        return Ok(());
    }
    let old: Option<String> = sqlx::query_scalar(
        "SELECT c.oid::regclass::text FROM pg_class c WHERE c.oid = to_regclass('_sqlx_migrations') \
         AND c.relnamespace <> 'stripe_sync'::regnamespace",
    )
    .fetch_optional(&mut *tx)
    .await?
    .flatten();
    let moved: bool =
        sqlx::query_scalar("SELECT to_regclass('stripe_sync._sqlx_migrations') IS NOT NULL")
            .fetch_one(&mut *tx)
            .await?;
    if let (Some(old), false) = (old, moved) {
        let versions: Vec<i64> = MIGRATOR.migrations.iter().map(|m| m.version).collect();
        let checksums: Vec<Vec<u8>> = MIGRATOR
            .migrations
            .iter()
            .map(|m| m.checksum.to_vec())
            .collect();
        // `old` is a name read from the catalog, quoted by regclass.
        sqlx::query(&format!(
            "CREATE TABLE stripe_sync._sqlx_migrations (LIKE {old} INCLUDING ALL)"
        ))
        .execute(&mut *tx)
        .await?;
        // Ours: the rows whose version and checksum are this crate's.
        sqlx::query(&format!(
            "WITH ours AS (
                 DELETE FROM {old} o USING unnest($1::bigint[], $2::bytea[]) AS m (version, checksum)
                  WHERE m.version = o.version AND m.checksum = o.checksum
              RETURNING o.*)
             INSERT INTO stripe_sync._sqlx_migrations SELECT * FROM ours"
        ))
        .bind(&versions)
        .bind(&checksums)
        .execute(&mut *tx)
        .await?;
        let left: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {old}"))
            .fetch_one(&mut *tx)
            .await?;
        if left == 0 {
            sqlx::query(&format!("DROP TABLE {old}"))
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Runs `stripe_sync.enable_change_log()` (the change log's triggers on
/// every mirrored table) and `stripe_sync.grant_privileges()` when the
/// connected role owns the engine's schema (only the owner may grant on its
/// objects).
async fn grant_privileges(conn: &mut PgConnection, schema: &Schema) -> Result<()> {
    let mut tx = locked(conn).await?;
    let owner: bool = sqlx::query_scalar(
        "SELECT pg_has_role(current_user, n.nspowner, 'USAGE') FROM pg_namespace n WHERE n.nspname = $1",
    )
    .bind(schema.engine())
    .fetch_optional(&mut *tx)
    .await?
    .unwrap_or(false);
    if owner {
        // The change log's triggers on tables later versions added.
        sqlx::query(&schema.sql("SELECT stripe_sync.enable_change_log()"))
            .execute(&mut *tx)
            .await?;
        sqlx::query(&schema.sql("SELECT stripe_sync.grant_privileges()"))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A transaction holding [`LOCK_KEY`] until it ends.
async fn locked(conn: &mut PgConnection) -> Result<sqlx::Transaction<'_, sqlx::Postgres>> {
    let mut tx = conn.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(LOCK_KEY)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// The engine's roles that do not exist in `pool`'s cluster (the migrating
/// role could not create them): [`role_statements`] says how to.
pub async fn missing_roles(pool: &PgPool, schema: &Schema) -> Result<Vec<EngineRole>> {
    let names: Vec<String> = ROLES.iter().map(|r| r.name(schema)).collect();
    let rows = sqlx::query("SELECT rolname::text FROM pg_roles WHERE rolname = ANY($1)")
        .bind(&names)
        .fetch_all(pool)
        .await?;
    let present: Vec<String> = rows.iter().map(|r| r.get::<String, _>(0)).collect();
    Ok(ROLES
        .iter()
        .copied()
        .filter(|r| !present.contains(&r.name(schema)))
        .collect())
}

/// How far a database's migrations are, against this binary's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemaState {
    /// Every embedded migration is applied (and none unknown).
    Current,
    /// Never migrated by stripe-sync: no bookkeeping of its own anywhere.
    Unmigrated,
    /// Migrated by an earlier release: `applied` is its newest migration.
    Behind {
        /// The newest migration applied, e.g. `"0013_stripe_sync_privileges"`.
        applied: String,
        /// This binary's newest.
        latest: String,
    },
    /// Migrated by a newer release than this binary.
    Ahead {
        /// The newest migration version applied.
        applied: i64,
        /// This binary's newest.
        latest: String,
    },
}

impl SchemaState {
    /// One line for people, with the fix; `None` when current.
    pub fn problem(&self) -> Option<String> {
        match self {
            SchemaState::Current => None,
            SchemaState::Unmigrated => Some(
                "this database has no stripe-sync tables yet: run `stripe-sync migrate` first"
                    .into(),
            ),
            SchemaState::Behind { applied, latest } => Some(format!(
                "this database is migrated up to {applied}, this stripe-sync needs {latest}: run `stripe-sync migrate`"
            )),
            SchemaState::Ahead { applied, latest } => Some(format!(
                "this database was migrated by a newer stripe-sync (migration {applied:04}; this one knows up to {latest}): use that release or a newer one"
            )),
        }
    }
}

/// A migration's name as its file has it: `0013_stripe_sync_privileges`.
fn migration_name(m: &sqlx::migrate::Migration) -> String {
    format!("{:04}_{}", m.version, m.description.replace(' ', "_"))
}

/// How far `pool`'s database is migrated for `schema` (reads sqlx's
/// bookkeeping in its engine schema, or, for the default, where an earlier
/// release kept it).
pub async fn schema_state(pool: &PgPool, schema: &Schema) -> Result<SchemaState> {
    let latest = MIGRATOR
        .migrations
        .iter()
        .max_by_key(|m| m.version)
        .map(migration_name)
        .unwrap_or_default();
    let latest_version = MIGRATOR
        .migrations
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0);
    // Ours where it lives now, else where an earlier release kept it.
    let sql = if schema.is_default() {
        "SELECT coalesce(to_regclass('stripe_sync._sqlx_migrations'), to_regclass('_sqlx_migrations'))::text"
    } else {
        "SELECT to_regclass('stripe_sync._sqlx_migrations')::text"
    };
    let table: Option<String> = sqlx::query_scalar(&schema.sql(sql)).fetch_one(pool).await?;
    let Some(table) = table else {
        return Ok(SchemaState::Unmigrated);
    };
    let versions: Vec<i64> = MIGRATOR.migrations.iter().map(|m| m.version).collect();
    // `table` is a name read from the catalog, quoted by regclass. Only
    // this crate's rows count, and those a newer release added (numbered
    // like ours; an app's sqlx versions, which may share an old table, are
    // timestamps).
    let applied: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT version FROM {table} WHERE success AND (version = ANY($1) OR version < 1000000) ORDER BY version"
    ))
    .bind(&versions)
    .fetch_all(pool)
    .await?;
    let Some(&newest) = applied.last() else {
        return Ok(SchemaState::Unmigrated);
    };
    if newest > latest_version {
        return Ok(SchemaState::Ahead {
            applied: newest,
            latest,
        });
    }
    if versions.iter().all(|v| applied.contains(v)) {
        return Ok(SchemaState::Current);
    }
    let applied_name = MIGRATOR
        .migrations
        .iter()
        .find(|m| m.version == newest)
        .map(migration_name)
        .unwrap_or_else(|| format!("{newest:04}"));
    Ok(SchemaState::Behind {
        applied: applied_name,
        latest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every embedded migration, renamed, names no default schema or role
    /// left: each `stripe` that stays is prose (`stripe-sync`, a URL, a
    /// column such as `stripe_s700`).
    #[test]
    fn renamed_migrations_keep_no_default_name() {
        let schema = Schema::new("acme").unwrap();
        for m in migrator().migrations.iter() {
            // Comments may say anything.
            let renamed: String = schema
                .sql(&m.sql)
                .lines()
                .map(|l| l.split("--").next().unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\n");
            assert!(!renamed.contains("stripe_sync"), "{}", m.description);
            for (at, _) in renamed.match_indices("stripe") {
                let before = renamed[..at].chars().last();
                let after = renamed[at + 6..].chars().next();
                let prose = matches!(after, Some('-') | Some('_') | Some(' ') | Some('`'))
                    || before.is_some_and(|c| c == '.' || c == '/' || c.is_alphanumeric())
                    || renamed[at..].starts_with("stripe.com");
                assert!(
                    prose,
                    "{}: `stripe` left at {}",
                    m.description,
                    &renamed[at.saturating_sub(40)..(at + 40).min(renamed.len())]
                );
            }
        }
    }
}
