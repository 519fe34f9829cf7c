//! The consistency oracle: after a scenario, compare every table with the
//! simulator's objects and count what drifted.
//!
//! For each resource of the generated registry (or the ones a scenario
//! names) and each account, the simulator's objects (deleted ones
//! included) are compared with the table's rows:
//!
//! - **missing**: a live simulator object has no row;
//! - **stale**: a row exists but its `_raw_data` differs from the object, or
//!   it is soft-deleted while the object is live, or it is live while the
//!   object is deleted, or it is attributed to another account;
//! - **extra**: a row whose id the simulator never had.
//!
//! A deleted object with no row is fine: it was deleted before anything
//! could see it. Every scenario ends with [`OracleReport::assert_consistent`].
//!
//! [`acknowledged_events`] checks the other half of "nothing is lost":
//! every event the simulator delivered and got a 2xx for is in the
//! `_events` ledger.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use anyhow::{Context, Result};
use serde_json::Value;
use sqlx::PgPool;
use stripe_sync_generated::{Resource, RESOURCES};
use stripe_sync_simulator::SimHandle;

/// How a row drifted from the simulator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Drift {
    /// A live object has no row.
    Missing,
    /// The row differs from the object (data, deleted state or account).
    Stale,
    /// A row the simulator has no object for.
    Extra,
}

/// One drifted row.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The table.
    pub table: &'static str,
    /// The account.
    pub account: String,
    /// The object id.
    pub id: String,
    /// What is wrong.
    pub drift: Drift,
    /// A short explanation.
    pub detail: String,
}

/// What a check compared and found.
#[derive(Clone, Debug, Default)]
pub struct OracleReport {
    /// Tables compared (per account).
    pub tables: usize,
    /// Simulator objects compared, deleted ones included.
    pub objects: usize,
    /// Of those, deleted ones.
    pub deleted_objects: usize,
    /// Database rows compared.
    pub rows: usize,
    /// Live objects without a row.
    pub missing: usize,
    /// Rows that differ from their object.
    pub stale: usize,
    /// Rows without an object.
    pub extra: usize,
    /// The first findings (at most 50), for the failure message.
    pub findings: Vec<Finding>,
}

impl OracleReport {
    /// Whether missing, stale and extra are all zero.
    pub fn is_consistent(&self) -> bool {
        self.missing == 0 && self.stale == 0 && self.extra == 0
    }

    /// Panics, listing the findings, unless the database equals the simulator.
    /// Prints the figures either way (`--nocapture` shows them).
    pub fn assert_consistent(&self, scenario: &str) {
        println!("oracle[{scenario}]: {self}");
        assert!(
            self.is_consistent(),
            "oracle[{scenario}]: {self}\n{}",
            self.findings
                .iter()
                .map(|f| format!(
                    "  {:?} {}.{} ({}): {}",
                    f.drift, f.table, f.id, f.account, f.detail
                ))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    fn push(&mut self, f: Finding) {
        match f.drift {
            Drift::Missing => self.missing += 1,
            Drift::Stale => self.stale += 1,
            Drift::Extra => self.extra += 1,
        }
        if self.findings.len() < 50 {
            self.findings.push(f);
        }
    }
}

impl fmt::Display for OracleReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} tables, {} objects ({} deleted), {} rows: missing {}, stale {}, extra {}",
            self.tables,
            self.objects,
            self.deleted_objects,
            self.rows,
            self.missing,
            self.stale,
            self.extra
        )
    }
}

/// What to compare: which resources, which accounts.
pub struct Oracle<'a> {
    sim: &'a SimHandle,
    resources: Vec<&'static Resource>,
    accounts: Vec<String>,
    schema: stripe_sync::Schema,
}

impl<'a> Oracle<'a> {
    /// Every resource of the registry, in the simulator's platform account.
    pub fn new(sim: &'a SimHandle) -> Self {
        Oracle {
            sim,
            resources: RESOURCES.iter().collect(),
            accounts: vec![sim.account_id().to_string()],
            schema: stripe_sync::Schema::default(),
        }
    }

    /// Compare the mirror in `schema` instead of `stripe`.
    pub fn schema(mut self, schema: &stripe_sync::Schema) -> Self {
        self.schema = schema.clone();
        self
    }

    /// Only these object types (`customer`, `invoice`…): for scenarios that
    /// sync part of the account. Panics on an unknown object type.
    pub fn only(mut self, objects: &[&str]) -> Self {
        self.resources = objects
            .iter()
            .map(|o| {
                stripe_sync_generated::resource(o)
                    .unwrap_or_else(|| panic!("oracle: no resource for object {o:?}"))
            })
            .collect();
        self
    }

    /// Compare these accounts instead of the platform account.
    pub fn accounts(mut self, accounts: &[&str]) -> Self {
        self.accounts = accounts.iter().map(|a| a.to_string()).collect();
        self
    }

    /// Runs the comparison against the database behind `pool`.
    pub async fn check(&self, pool: &PgPool) -> Result<OracleReport> {
        let mut report = OracleReport::default();
        for res in &self.resources {
            // Rows of every account at once: a row of an account the oracle
            // does not compare is reported as extra.
            let sql = format!(
                "SELECT id, _account_id, _raw_data, _deleted_at IS NOT NULL FROM {}",
                stripe_sync::store::table_ident(&self.schema, res)
            );
            let rows: Vec<(String, String, Value, bool)> = sqlx::query_as(&sql)
                .fetch_all(pool)
                .await
                .with_context(|| format!("oracle: reading {}.{}", self.schema, res.table))?;
            report.rows += rows.len();
            let mut db: BTreeMap<String, (String, Value, bool)> = rows
                .into_iter()
                .map(|(id, acct, raw, del)| (id, (acct, raw, del)))
                .collect();
            let mut seen = BTreeSet::new();
            for account in &self.accounts {
                report.tables += 1;
                for obj in self.sim.objects_of(account, res.object) {
                    let Some(id) = obj.get("id").and_then(Value::as_str).map(String::from) else {
                        continue;
                    };
                    report.objects += 1;
                    let deleted = obj.get("deleted").and_then(Value::as_bool) == Some(true);
                    if deleted {
                        report.deleted_objects += 1;
                    }
                    seen.insert(id.clone());
                    let finding = |drift, detail: String| Finding {
                        table: res.table,
                        account: account.clone(),
                        id: id.clone(),
                        drift,
                        detail,
                    };
                    match db.remove(&id) {
                        None if deleted => {}
                        None => report.push(finding(Drift::Missing, "no row".into())),
                        Some((acct, _, _)) if &acct != account => report.push(finding(
                            Drift::Stale,
                            format!("attributed to account {acct}"),
                        )),
                        Some((_, _, row_deleted)) if deleted && !row_deleted => report.push(
                            finding(Drift::Stale, "deleted in Stripe, live in the table".into()),
                        ),
                        Some((_, _, true)) if !deleted => report.push(finding(
                            Drift::Stale,
                            "live in Stripe, soft-deleted in the table".into(),
                        )),
                        Some((_, raw, _))
                            if !deleted && as_listed(res, unescaped(raw.clone()), &obj) != obj =>
                        {
                            report.push(finding(Drift::Stale, json_diff(&unescaped(raw), &obj)))
                        }
                        Some(_) => {}
                    }
                }
            }
            for (id, (acct, _, _)) in db {
                report.push(Finding {
                    table: res.table,
                    account: acct,
                    detail: if seen.contains(&id) {
                        "id seen in another account".into()
                    } else {
                        "no such object in the simulator".into()
                    },
                    id,
                    drift: Drift::Extra,
                });
            }
        }
        Ok(report)
    }
}

/// A stored object as the simulator holds it: without the lists Stripe
/// includes only on request (`customer.tax_ids`, asked for with `expand[]`
/// by the backfill), where the simulator's object has none. Their items are
/// compared through their own tables.
fn as_listed(res: &stripe_sync_generated::Resource, mut raw: Value, obj: &Value) -> Value {
    for e in res.embedded_lists.iter().filter(|e| e.includable) {
        match e.field.split_once('.') {
            None if obj.get(e.field).is_none() => {
                if let Some(m) = raw.as_object_mut() {
                    m.remove(e.field);
                }
            }
            Some((outer, inner)) if obj.get(outer).and_then(|o| o.get(inner)).is_none() => {
                if let Some(m) = raw.get_mut(outer).and_then(Value::as_object_mut) {
                    m.remove(inner);
                }
            }
            _ => {}
        }
    }
    raw
}

/// A stored `_raw_data` with its strings (and keys) read back from the
/// form PostgreSQL can hold ([`stripe_sync::storable`]: a NUL or U+E000 is
/// stored escaped).
fn unescaped(v: Value) -> Value {
    use stripe_sync::storable::unescape;
    match v {
        Value::String(s) => Value::String(unescape(&s)),
        Value::Array(a) => Value::Array(a.into_iter().map(unescaped).collect()),
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (unescape(&k), unescaped(v)))
                .collect(),
        ),
        other => other,
    }
}

/// The first top-level keys where `stored` and `expected` differ.
fn json_diff(stored: &Value, expected: &Value) -> String {
    let (Some(a), Some(b)) = (stored.as_object(), expected.as_object()) else {
        return "stored _raw_data is not an object".into();
    };
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let diff: Vec<String> = keys
        .into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .take(5)
        .map(|k| {
            format!(
                "{k}: stored {} expected {}",
                short(a.get(k)),
                short(b.get(k))
            )
        })
        .collect();
    format!("_raw_data differs: {}", diff.join("; "))
}

fn short(v: Option<&Value>) -> String {
    let s = v.map_or("(absent)".to_string(), Value::to_string);
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

/// Events checked by [`acknowledged_events`].
#[derive(Clone, Debug, Default)]
pub struct EventsReport {
    /// Distinct events the simulator got a 2xx for.
    pub acknowledged: usize,
    /// Delivery attempts in all (failed ones included).
    pub attempts: usize,
    /// Attempts answered with a 5xx (or no answer).
    pub failed_attempts: usize,
    /// Acknowledged events missing from the `_events` ledger (must be empty).
    pub lost: Vec<String>,
}

/// Every event the simulator delivered with a 2xx answer is in the
/// `_events` ledger with an outcome that is not `failed`.
pub async fn acknowledged_events(pool: &PgPool, sim: &SimHandle) -> Result<EventsReport> {
    acknowledged_events_in(&stripe_sync::Schema::default(), pool, sim).await
}

/// [`acknowledged_events`] for the mirror in `schema`.
pub async fn acknowledged_events_in(
    schema: &stripe_sync::Schema,
    pool: &PgPool,
    sim: &SimHandle,
) -> Result<EventsReport> {
    let deliveries = sim.deliveries();
    let acked: BTreeSet<String> = deliveries
        .iter()
        .filter(|d| d.succeeded)
        .map(|d| d.event_id.clone())
        .collect();
    let ids: Vec<String> = acked.iter().cloned().collect();
    let found: Vec<String> = sqlx::query_scalar(
        &schema.sql("SELECT id FROM stripe_sync.events WHERE id = ANY($1) AND outcome <> 'failed'"),
    )
    .bind(&ids)
    .fetch_all(pool)
    .await
    .context("oracle: reading the _events ledger")?;
    let found: BTreeSet<String> = found.into_iter().collect();
    let report = EventsReport {
        acknowledged: acked.len(),
        attempts: deliveries.len(),
        failed_attempts: deliveries.iter().filter(|d| !d.succeeded).count(),
        lost: acked.difference(&found).cloned().collect(),
    };
    println!(
        "oracle[events]: {} acknowledged, {} attempts ({} failed), lost {}",
        report.acknowledged,
        report.attempts,
        report.failed_attempts,
        report.lost.len()
    );
    Ok(report)
}
