//! The schema snapshot (`spec/schema.lock.json`): every table and column the
//! migrations have created so far, with the version that added it, and every
//! webhook event type with the versions that knew it. The next API version's
//! migration is the difference between this snapshot and the new spec, so a
//! bump needs only the new spec.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ir::{Api, ColumnType};

/// The snapshot format version, bumped when this file's shape changes.
/// Format 2 added [`Lock::events`].
pub const FORMAT: u32 = 2;

/// What the migrations have created, cumulatively.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    /// Snapshot format.
    pub format: u32,
    /// API versions applied, oldest first.
    pub versions: Vec<String>,
    /// Tables by name.
    pub tables: BTreeMap<String, TableLock>,
    /// Every webhook event type any version listed, by name: an older version
    /// pinned at run time subscribes to its own types, which only this records
    /// once a bump has only the newest spec.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub events: BTreeMap<String, EventLock>,
}

/// One event type of the snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventLock {
    /// The first version whose `enabled_events` lists it.
    pub since: String,
    /// Set when a later version no longer lists it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gone_in: Option<String>,
    /// Versions after `since` that did not list it although a later one
    /// lists it again (an event type that came back); usually empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent_in: Vec<String>,
}

impl EventLock {
    /// Whether `version`, one of `versions` (oldest first), lists this event type.
    pub fn in_version(&self, versions: &[String], version: &str) -> bool {
        let pos = |v: &str| versions.iter().position(|x| x == v);
        let (Some(at), Some(since)) = (pos(version), pos(&self.since)) else {
            return false;
        };
        let before_gone = match &self.gone_in {
            Some(g) => pos(g).is_some_and(|g| at < g),
            None => true,
        };
        at >= since && before_gone && !self.absent_in.iter().any(|a| a == version)
    }
}

/// One table of the snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableLock {
    /// The object string stored in the table.
    pub object: String,
    /// The version whose migration created it.
    pub since: String,
    /// Set when the latest spec no longer has the object; the table stays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gone_in: Option<String>,
    /// Columns by name, `id` included.
    pub columns: BTreeMap<String, ColumnLock>,
}

/// One column of the snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnLock {
    /// The column's current type.
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    /// The version that added it.
    pub since: String,
    /// Set when the latest spec no longer has the property; the column stays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_in: Option<String>,
    /// Earlier types, when a later spec changed the type and the column was widened.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub widened_from: Vec<Widening>,
    /// For references: the objects the id can point to, in any version so
    /// far (a reference the newest spec dropped still links older payloads).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
}

/// A type change the migrations applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Widening {
    /// The type before.
    pub from: ColumnType,
    /// The version whose migration widened it.
    pub version: String,
}

/// One schema change of a migration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A new table with its columns (`id` first, then by name).
    CreateTable {
        table: String,
        object: String,
        columns: Vec<(String, ColumnType)>,
    },
    /// A new column on an existing table.
    AddColumn {
        table: String,
        column: String,
        column_type: ColumnType,
    },
    /// A column whose type must widen to hold the new spec's values.
    WidenColumn {
        table: String,
        column: String,
        from: ColumnType,
        to: ColumnType,
    },
    /// A property the new spec dropped: the column stays, with its data.
    ColumnRemoved { table: String, column: String },
    /// An object the new spec no longer lists: the table stays, with its data.
    TableRemoved { table: String },
    /// An index on a reference column or `created`.
    AddIndex { table: String, column: String },
}

/// Whether a column of this name and type is indexed: references and `created`.
pub fn indexed(column: &str, column_type: ColumnType) -> bool {
    column_type == ColumnType::Ref || (column == "created" && column_type == ColumnType::Timestamp)
}

impl Lock {
    /// Applies the next API version: returns the new snapshot and the changes
    /// its migration must make. Nothing is ever dropped or narrowed.
    pub fn apply(&self, api: &Api) -> (Lock, Vec<Change>) {
        let v = &api.version;
        let mut next = self.clone();
        next.format = FORMAT;
        next.versions.push(v.clone());
        let mut changes = Vec::new();
        for r in api.resources.values() {
            let Some(table) = next.tables.get_mut(&r.table) else {
                let mut columns: Vec<(String, ColumnType)> = r
                    .fields
                    .iter()
                    .map(|(n, f)| {
                        (
                            n.clone(),
                            if n == "id" {
                                ColumnType::Text
                            } else {
                                f.column_type
                            },
                        )
                    })
                    .collect();
                columns.sort_by_key(|(n, _)| (n != "id", n.clone()));
                changes.push(Change::CreateTable {
                    table: r.table.clone(),
                    object: r.object.clone(),
                    columns: columns.clone(),
                });
                for (n, t) in &columns {
                    if indexed(n, *t) {
                        changes.push(Change::AddIndex {
                            table: r.table.clone(),
                            column: n.clone(),
                        });
                    }
                }
                let cols = columns
                    .into_iter()
                    .map(|(n, t)| {
                        let references = r
                            .fields
                            .get(&n)
                            .map(|f| f.references.clone())
                            .unwrap_or_default();
                        (
                            n,
                            ColumnLock {
                                column_type: t,
                                since: v.clone(),
                                removed_in: None,
                                widened_from: vec![],
                                references,
                            },
                        )
                    })
                    .collect();
                next.tables.insert(
                    r.table.clone(),
                    TableLock {
                        object: r.object.clone(),
                        since: v.clone(),
                        gone_in: None,
                        columns: cols,
                    },
                );
                continue;
            };
            table.gone_in = None;
            for (name, field) in &r.fields {
                if name == "id" {
                    continue;
                }
                match table.columns.get_mut(name) {
                    None => {
                        changes.push(Change::AddColumn {
                            table: r.table.clone(),
                            column: name.clone(),
                            column_type: field.column_type,
                        });
                        if indexed(name, field.column_type) {
                            changes.push(Change::AddIndex {
                                table: r.table.clone(),
                                column: name.clone(),
                            });
                        }
                        table.columns.insert(
                            name.clone(),
                            ColumnLock {
                                column_type: field.column_type,
                                since: v.clone(),
                                removed_in: None,
                                widened_from: vec![],
                                references: field.references.clone(),
                            },
                        );
                    }
                    Some(col) => {
                        col.removed_in = None;
                        col.references.extend(field.references.iter().cloned());
                        col.references.sort();
                        col.references.dedup();
                        let to = col.column_type.widen(field.column_type);
                        if to != col.column_type {
                            changes.push(Change::WidenColumn {
                                table: r.table.clone(),
                                column: name.clone(),
                                from: col.column_type,
                                to,
                            });
                            if indexed(name, to) && !indexed(name, col.column_type) {
                                changes.push(Change::AddIndex {
                                    table: r.table.clone(),
                                    column: name.clone(),
                                });
                            }
                            col.widened_from.push(Widening {
                                from: col.column_type,
                                version: v.clone(),
                            });
                            col.column_type = to;
                        }
                    }
                }
            }
            for (name, col) in table.columns.iter_mut() {
                if name != "id" && !r.fields.contains_key(name) && col.removed_in.is_none() {
                    col.removed_in = Some(v.clone());
                    changes.push(Change::ColumnRemoved {
                        table: r.table.clone(),
                        column: name.clone(),
                    });
                }
            }
        }
        for (name, table) in next.tables.iter_mut() {
            if table.gone_in.is_none() && api.resource_by_table(name).is_none() {
                table.gone_in = Some(v.clone());
                changes.push(Change::TableRemoved {
                    table: name.clone(),
                });
            }
        }
        next.apply_events(api, &self.versions);
        (next, changes)
    }
}

impl Lock {
    /// Records which event types version `api.version` lists. `before` are
    /// the versions applied before it, oldest first. Event types need no
    /// migration: only the snapshot changes.
    fn apply_events(&mut self, api: &Api, before: &[String]) {
        let v = &api.version;
        for name in api.events.keys() {
            match self.events.get_mut(name) {
                None => {
                    self.events.insert(
                        name.clone(),
                        EventLock {
                            since: v.clone(),
                            gone_in: None,
                            absent_in: vec![],
                        },
                    );
                }
                Some(e) => {
                    // Back after a gap: the versions in between did not list it.
                    if let Some(gone) = e.gone_in.take() {
                        let from = before
                            .iter()
                            .position(|x| *x == gone)
                            .unwrap_or(before.len());
                        e.absent_in.extend(before[from..].iter().cloned());
                    }
                }
            }
        }
        for (name, e) in self.events.iter_mut() {
            if e.gone_in.is_none() && !api.events.contains_key(name) {
                e.gone_in = Some(v.clone());
            }
        }
    }

    /// The event types `version` lists, sorted; `None` for a version the
    /// snapshot does not hold.
    pub fn event_types_of(&self, version: &str) -> Option<Vec<&str>> {
        if !self.versions.iter().any(|v| v == version) {
            return None;
        }
        Some(
            self.events
                .iter()
                .filter(|(_, e)| e.in_version(&self.versions, version))
                .map(|(n, _)| n.as_str())
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::EventType;

    fn api(version: &str, events: &[&str]) -> Api {
        Api {
            version: version.into(),
            skipped: vec![],
            summaries: vec![],
            paths: vec![],
            resources: BTreeMap::new(),
            events: events
                .iter()
                .map(|e| {
                    (
                        e.to_string(),
                        EventType {
                            object: None,
                            is_delete: false,
                        },
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn event_types_record_the_versions_that_list_them() {
        let mut lock = Lock::default();
        for (v, events) in [
            ("1", &["a.created", "sku.created", "back.again"][..]),
            ("2", &["a.created", "sku.created"][..]),
            ("3", &["a.created", "back.again", "new.one"][..]),
        ] {
            let (next, changes) = lock.apply(&api(v, events));
            assert!(changes.is_empty(), "event types need no migration");
            lock = next;
        }
        assert_eq!(lock.events["sku.created"].since, "1");
        assert_eq!(lock.events["sku.created"].gone_in.as_deref(), Some("3"));
        assert_eq!(lock.events["new.one"].since, "3");
        assert_eq!(lock.events["back.again"].gone_in, None);
        assert_eq!(lock.events["back.again"].absent_in, vec!["2".to_string()]);
        assert_eq!(
            lock.event_types_of("1"),
            Some(vec!["a.created", "back.again", "sku.created"])
        );
        assert_eq!(
            lock.event_types_of("2"),
            Some(vec!["a.created", "sku.created"])
        );
        assert_eq!(
            lock.event_types_of("3"),
            Some(vec!["a.created", "back.again", "new.one"])
        );
        assert_eq!(lock.event_types_of("4"), None);
        // The snapshot round-trips through its JSON.
        let json = serde_json::to_string(&lock).unwrap();
        assert_eq!(serde_json::from_str::<Lock>(&json).unwrap(), lock);
    }
}
