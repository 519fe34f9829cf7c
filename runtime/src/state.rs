//! `_sync_state`: where each resource's progress is stored, one row per
//! (account, resource, scope), and the only code that reads or writes it.
//!
//! Every kind of cursor has a type here; the `cursor` jsonb column holds one
//! of them, tagged with its `kind`:
//!
//! | kind | row | type |
//! |---|---|---|
//! | `slices` | a top-level list's whole-resource row (scope `''`) while its slices run | [`SlicesCursor`] |
//! | `slice` | one `created` slice of a top-level list (scope `r<run>:<lt>`) | [`SliceCursor`] |
//! | `parents` | a nested list's whole-resource row: the walk over its parents | [`ParentsCursor`] |
//! | `events` | the events catch-up (resource `_events`) | [`EventsCursor`] |
//!
//! A row with nothing to resume (a complete nested list) holds `{}`.
//!
//! Rows written by releases before the tag hold the same fields without
//! `kind`: they are read by the same types (a field those releases could
//! leave out has the serde default they assumed), so an interrupted run of
//! an older release resumes. A cursor that cannot be read (another kind
//! than expected, or fields of the wrong type) is never a panic nor a hard
//! error: [`Row::cursor`] logs a warning naming the resource and scope and
//! returns `None`, and the caller starts that resource over, as if it had no
//! cursor. Starting over only costs requests; trusting a misread cursor
//! could skip objects.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{PgConnection, PgExecutor, Postgres, Row as _};

use crate::error::{Error, Result};
use crate::schema::Schema;

/// A cursor type: its `kind` tag, and its fields through serde.
pub(crate) trait Cursor: Serialize + DeserializeOwned {
    /// The value of the stored `kind` field.
    const KIND: &'static str;
}

/// The whole-resource row of a top-level list while its slices run: the
/// plan of the run that cut them, kept so that a resumed run finishes it as
/// planned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SlicesCursor {
    /// When the planning run started (unix seconds): once every slice is
    /// done, the next incremental run starts from here.
    pub started: i64,
    /// Whether the run listed a requested `created` range only (then its
    /// completion says nothing about the rest of the list, and sets no high
    /// water).
    pub explicit: bool,
}

impl Cursor for SlicesCursor {
    const KIND: &'static str = "slices";
}

/// One `created` slice of a top-level list (or the whole list when it has
/// no `created` filter): its bounds and the last object committed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SliceCursor {
    /// `created[gte]`, when bounded below.
    pub gte: Option<i64>,
    /// `created[lt]`, when bounded above.
    pub lt: Option<i64>,
    /// The last object committed: the slice goes on after it.
    pub starting_after: Option<String>,
}

impl Cursor for SliceCursor {
    const KIND: &'static str = "slice";
}

/// A nested list's walk over its parents' ids (in id order).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ParentsCursor {
    /// The last parent whose children are committed (`""`: none yet).
    pub parent_after: String,
    /// Only parents written since this time (unix seconds): an incremental
    /// walk. `None`: every parent.
    pub since: Option<i64>,
    /// When the walk started (unix seconds): once it is done, the next
    /// incremental walk visits parents written since.
    pub started: i64,
}

impl Cursor for ParentsCursor {
    const KIND: &'static str = "parents";
}

/// The events catch-up: the newest event applied.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventsCursor {
    /// The `created` of the newest event applied (unix seconds).
    pub created: i64,
    /// The events of that second already applied (sorted): a same-second
    /// event not among them is still to apply.
    #[serde(default)]
    pub ids: Vec<String>,
    /// The newest event applied: the catch-up lists `ending_before` it.
    #[serde(default)]
    pub last_id: Option<String>,
}

impl Cursor for EventsCursor {
    const KIND: &'static str = "events";
}

/// The stored form of a cursor: its fields and `kind`.
fn encode<C: Cursor>(cursor: &C) -> Result<Value> {
    let mut v = serde_json::to_value(cursor)
        .map_err(|e| Error::InvalidPayload(format!("{} cursor: {e}", C::KIND)))?;
    match v.as_object_mut() {
        Some(o) => {
            o.insert("kind".into(), Value::from(C::KIND));
            Ok(v)
        }
        None => Err(Error::InvalidPayload(format!(
            "{} cursor is not a JSON object",
            C::KIND
        ))),
    }
}

/// Reads a stored cursor: `Ok(None)` for `{}` (nothing to resume), `Err`
/// with the reason when it is not a `C` (another `kind`, a field of the
/// wrong type). A cursor without `kind` is one written before the tag, with
/// the same fields.
fn decode<C: Cursor>(v: &Value) -> std::result::Result<Option<C>, String> {
    let Some(o) = v.as_object() else {
        return Err(format!("not a JSON object: {v}"));
    };
    if o.is_empty() {
        return Ok(None);
    }
    let mut fields = o.clone();
    match fields.remove("kind") {
        None => {}
        Some(k) if k == C::KIND => {}
        Some(k) => return Err(format!("a {k} cursor where a {:?} one belongs", C::KIND)),
    }
    // Unknown fields are refused (`deny_unknown_fields`): a cursor of
    // another shape is not read as an empty one of this shape.
    C::deserialize(Value::Object(fields))
        .map(Some)
        .map_err(|e| format!("not a {:?} cursor: {e}", C::KIND))
}

/// A row's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    /// Not started (a slice waiting for a worker).
    Pending,
    /// In progress, or interrupted while in progress.
    Running,
    /// Done.
    Complete,
    /// Stopped by an error; the cursor keeps what was done.
    Failed,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Running => "running",
            Status::Complete => "complete",
            Status::Failed => "failed",
        }
    }

    /// An unknown value reads as `Failed`: not complete, so resumed or
    /// started over, never skipped.
    fn parse(s: &str) -> Status {
        match s {
            "pending" => Status::Pending,
            "running" => Status::Running,
            "complete" => Status::Complete,
            _ => Status::Failed,
        }
    }
}

/// Which row: an account's resource (a table, or `_events`) and a scope
/// within it (`""` for the whole resource).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Key<'a> {
    pub account: &'a str,
    pub resource: &'a str,
    pub scope: &'a str,
}

impl<'a> Key<'a> {
    /// The whole-resource row.
    pub fn root(account: &'a str, resource: &'a str) -> Self {
        Key {
            account,
            resource,
            scope: "",
        }
    }

    /// The row of one scope (a slice) of the resource.
    pub fn scope(self, scope: &'a str) -> Self {
        Key { scope, ..self }
    }
}

/// What a save writes besides the key and the cursor.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Progress<'a> {
    pub status: Status,
    /// The run writing the row.
    pub run_id: i64,
    /// The process working on the row, claimed for five minutes.
    pub claimed_by: Option<&'a str>,
    pub error: Option<&'a str>,
    /// For a whole-resource row: when the backfill now complete started
    /// (`None` keeps the stored one).
    pub high_water: Option<DateTime<Utc>>,
}

impl<'a> Progress<'a> {
    /// `status` by `run_id`, unclaimed, without error or high water.
    pub fn new(status: Status, run_id: i64) -> Self {
        Progress {
            status,
            run_id,
            claimed_by: None,
            error: None,
            high_water: None,
        }
    }

    /// Claimed by the process `instance`.
    pub fn claimed_by(self, instance: &'a str) -> Self {
        Progress {
            claimed_by: Some(instance),
            ..self
        }
    }

    /// With the error that stopped it.
    pub fn error(self, error: &'a str) -> Self {
        Progress {
            error: Some(error),
            ..self
        }
    }

    /// With the high water of a complete backfill.
    pub fn high_water(self, high_water: Option<DateTime<Utc>>) -> Self {
        Progress { high_water, ..self }
    }
}

/// One row of `_sync_state` as loaded. Its cursor is read with
/// [`Row::cursor`].
#[derive(Clone, Debug)]
pub(crate) struct Row {
    /// The scope (`""` for the whole resource).
    pub scope: String,
    pub status: Status,
    cursor: Value,
    /// For the whole-resource row: when the last complete backfill started.
    pub high_water: Option<DateTime<Utc>>,
    /// The run that wrote the row last.
    pub run_id: Option<i64>,
    /// When the row was written last (the database's clock).
    pub updated_at: DateTime<Utc>,
}

impl Row {
    /// The row's cursor as a `C`; `None` when it holds none (`{}`) or one
    /// that cannot be read, which is logged as a warning naming `resource`
    /// and the scope: the caller starts over.
    pub fn cursor<C: Cursor>(&self, resource: &str) -> Option<C> {
        match decode(&self.cursor) {
            Ok(c) => c,
            Err(why) => {
                tracing::warn!(
                    resource,
                    scope = %self.scope,
                    reason = %why,
                    "unreadable cursor in _sync_state ignored: starting over"
                );
                None
            }
        }
    }
}

/// Every row of an account's resource, in scope order.
pub(crate) async fn load<'c>(
    schema: &Schema,
    ex: impl PgExecutor<'c>,
    account: &str,
    resource: &str,
) -> Result<Vec<Row>> {
    let rows = sqlx::query(
        &schema.sql("SELECT scope, status, cursor, high_water, run_id, updated_at FROM stripe_sync.sync_state WHERE account_id = $1 AND resource = $2 ORDER BY scope"),
    )
    .bind(account)
    .bind(resource)
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Row {
                scope: r.try_get(0)?,
                status: Status::parse(r.try_get(1)?),
                cursor: r.try_get(2)?,
                high_water: r.try_get(3)?,
                run_id: r.try_get(4)?,
                updated_at: r.try_get(5)?,
            })
        })
        .collect()
}

/// Creates or replaces a row with `cursor` (`None`: nothing to resume,
/// stored as `{}`).
pub(crate) async fn save<'c, C: Cursor>(
    schema: &Schema,
    ex: impl PgExecutor<'c>,
    key: Key<'_>,
    cursor: Option<&C>,
    progress: Progress<'_>,
) -> Result<()> {
    let cursor = match cursor {
        Some(c) => encode(c)?,
        None => Value::Object(Default::default()),
    };
    sqlx::query(
        &schema.sql("INSERT INTO stripe_sync.sync_state (account_id, resource, scope, status, cursor, high_water, run_id, claimed_by, claimed_until, error, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $8::text IS NULL THEN NULL ELSE now() + interval '5 minutes' END, $9, now())
         ON CONFLICT (account_id, resource, scope) DO UPDATE SET status = EXCLUDED.status, cursor = EXCLUDED.cursor,
           high_water = COALESCE(EXCLUDED.high_water, stripe_sync.sync_state.high_water), run_id = EXCLUDED.run_id,
           claimed_by = EXCLUDED.claimed_by, claimed_until = EXCLUDED.claimed_until, error = EXCLUDED.error, updated_at = now()"),
    )
    .bind(key.account)
    .bind(key.resource)
    .bind(key.scope)
    .bind(progress.status.as_str())
    .bind(&cursor)
    .bind(progress.high_water)
    .bind(progress.run_id)
    .bind(progress.claimed_by)
    .bind(progress.error)
    .execute(ex)
    .await?;
    Ok(())
}

/// Creates a row with `cursor` unless the key has one already (whatever it
/// holds); the row found is left as it is.
pub(crate) async fn save_if_absent<'c, C: Cursor>(
    schema: &Schema,
    ex: impl PgExecutor<'c>,
    key: Key<'_>,
    cursor: &C,
    progress: Progress<'_>,
) -> Result<()> {
    keyed(
        &schema.sql("INSERT INTO stripe_sync.sync_state (account_id, resource, scope, status, cursor, run_id, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, now()) ON CONFLICT (account_id, resource, scope) DO NOTHING"),
        key,
    )
    .bind(progress.status.as_str())
    .bind(encode(cursor)?)
    .bind(progress.run_id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Sets a row's status (and error) and releases its claim, keeping its
/// cursor.
pub(crate) async fn mark<'c>(
    schema: &Schema,
    ex: impl PgExecutor<'c>,
    key: Key<'_>,
    status: Status,
    error: Option<&str>,
) -> Result<()> {
    keyed(
        &schema.sql("UPDATE stripe_sync.sync_state SET status = $4, error = $5, claimed_by = NULL, claimed_until = NULL, updated_at = now()
         WHERE account_id = $1 AND resource = $2 AND scope = $3"),
        key,
    )
    .bind(status.as_str())
    .bind(error)
    .execute(ex)
    .await?;
    Ok(())
}

/// Deletes the slice rows of a resource (every scope but `""`).
pub(crate) async fn clear_slices<'c>(
    schema: &Schema,
    ex: impl PgExecutor<'c>,
    account: &str,
    resource: &str,
) -> Result<()> {
    sqlx::query(
        &schema.sql("DELETE FROM stripe_sync.sync_state WHERE account_id = $1 AND resource = $2 AND scope <> ''"),
    )
    .bind(account)
    .bind(resource)
    .execute(ex)
    .await?;
    Ok(())
}

/// A statement on one row: `$1`, `$2`, `$3` bound to the key.
fn keyed<'q>(sql: &'q str, key: Key<'q>) -> Query<'q, Postgres, PgArguments> {
    sqlx::query(sql)
        .bind(key.account)
        .bind(key.resource)
        .bind(key.scope)
}

/// Changes a stored slice's cursor with `change`, under the row's lock.
///
/// Why read, change and write rather than write the whole cursor: a slice's
/// progress (`starting_after`, by its writer) and its lower bound (`gte`, by
/// a split in its fetcher) move in separate transactions, and neither knows
/// the other's latest value. The row lock orders them, and each keeps what
/// the other stored. Returns the cursor to store, `None` when the row is
/// gone.
async fn update_slice(
    schema: &Schema,
    conn: &mut PgConnection,
    key: Key<'_>,
    change: impl FnOnce(&mut SliceCursor),
) -> Result<Option<Value>> {
    let stored: Option<Value> = sqlx::query_scalar(
        &schema.sql("SELECT cursor FROM stripe_sync.sync_state WHERE account_id = $1 AND resource = $2 AND scope = $3 FOR UPDATE"),
    )
    .bind(key.account)
    .bind(key.resource)
    .bind(key.scope)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(stored) = stored else {
        return Ok(None);
    };
    // This run wrote the row (or resumed it after reading it): a cursor it
    // cannot read now is a bug, not old data, so it is an error.
    let mut slice = decode::<SliceCursor>(&stored)
        .map_err(|why| {
            Error::InvalidPayload(format!(
                "{} slice {}: cursor changed under the run: {why}",
                key.resource, key.scope
            ))
        })?
        .unwrap_or_default();
    change(&mut slice);
    Ok(Some(encode(&slice)?))
}

/// Records a slice's progress: its status and claim, and the last object
/// committed (`after`; `None` keeps the stored one), leaving its `created`
/// bounds as stored (a split narrows those on its own, see
/// [`narrow_slice`]).
pub(crate) async fn advance_slice(
    schema: &Schema,
    conn: &mut PgConnection,
    key: Key<'_>,
    after: Option<&str>,
    status: Status,
    claimed_by: Option<&str>,
) -> Result<()> {
    let cursor = match after {
        Some(a) => {
            update_slice(schema, conn, key, |s| {
                s.starting_after = Some(a.to_string())
            })
            .await?
        }
        None => None,
    };
    keyed(
        &schema.sql("UPDATE stripe_sync.sync_state SET status = $4, cursor = coalesce($5, cursor),
           claimed_by = $6, claimed_until = CASE WHEN $6::text IS NULL THEN NULL ELSE now() + interval '5 minutes' END,
           error = NULL, updated_at = now()
         WHERE account_id = $1 AND resource = $2 AND scope = $3"),
        key,
    )
    .bind(status.as_str())
    .bind(cursor)
    .bind(claimed_by)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves a slice's lower `created` bound up to `gte` (after its older part
/// became a slice of its own), keeping its progress.
pub(crate) async fn narrow_slice(
    schema: &Schema,
    conn: &mut PgConnection,
    key: Key<'_>,
    gte: i64,
) -> Result<()> {
    let Some(cursor) = update_slice(schema, conn, key, |s| s.gte = Some(gte)).await? else {
        return Ok(());
    };
    keyed(
        &schema.sql(
            "UPDATE stripe_sync.sync_state SET cursor = $4, updated_at = now()
         WHERE account_id = $1 AND resource = $2 AND scope = $3",
        ),
        key,
    )
    .bind(cursor)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The shapes the release before the `kind` tag wrote, copied from its
    /// `json!` literals, read as the same cursors.
    #[test]
    fn untagged_cursors_of_the_previous_release_are_read() {
        let slices: SlicesCursor = decode(&json!({"started": 1_700_000_000, "explicit": false}))
            .unwrap()
            .unwrap();
        assert_eq!(
            slices,
            SlicesCursor {
                started: 1_700_000_000,
                explicit: false
            }
        );
        let slice: SliceCursor =
            decode(&json!({"gte": null, "lt": 1_700_000_001, "starting_after": "cus_1"}))
                .unwrap()
                .unwrap();
        assert_eq!(slice.lt, Some(1_700_000_001));
        assert_eq!(slice.starting_after.as_deref(), Some("cus_1"));
        // A slice split by `jsonb_set` before its first page, and one
        // narrowed after: both keys as the SQL left them.
        let split: SliceCursor = decode(&json!({"gte": 5, "lt": 9, "starting_after": null}))
            .unwrap()
            .unwrap();
        assert_eq!((split.gte, split.starting_after), (Some(5), None));
        let parents: ParentsCursor =
            decode(&json!({"parent_after": "in_1", "since": null, "started": 1_700_000_000}))
                .unwrap()
                .unwrap();
        assert_eq!(parents.parent_after, "in_1");
        assert_eq!(decode::<ParentsCursor>(&json!({})), Ok(None));
        let events: EventsCursor =
            decode(&json!({"created": 1_700_000_000, "ids": ["evt_1"], "last_id": "evt_1"}))
                .unwrap()
                .unwrap();
        assert_eq!(events.last_id.as_deref(), Some("evt_1"));
        let bare: EventsCursor = decode(&json!({"created": 5, "ids": []})).unwrap().unwrap();
        assert_eq!(bare.last_id, None);
    }

    #[test]
    fn cursors_round_trip_with_their_kind() {
        let c = ParentsCursor {
            parent_after: "cus_9".into(),
            since: Some(3),
            started: 4,
        };
        let v = encode(&c).unwrap();
        assert_eq!(v["kind"], "parents");
        assert_eq!(decode::<ParentsCursor>(&v), Ok(Some(c)));
    }

    #[test]
    fn another_kind_or_garbage_is_unreadable_not_a_panic() {
        let slice = encode(&SliceCursor::default()).unwrap();
        assert!(decode::<ParentsCursor>(&slice).is_err());
        for garbage in [
            json!("cus_1"),
            json!([1, 2]),
            json!(null),
            json!({"parent_after": 7, "started": 1}),
            json!({"created": "yesterday"}),
            json!({"kind": "slice", "gte": "x"}),
            json!({"lt": 4, "parent_after": "cus_1"}),
        ] {
            assert!(decode::<ParentsCursor>(&garbage).is_err(), "{garbage}");
            assert!(decode::<EventsCursor>(&garbage).is_err(), "{garbage}");
            assert!(decode::<SliceCursor>(&garbage).is_err(), "{garbage}");
        }
    }
}
