//! In-memory object storage: one [`Collection`] per object type, kept in
//! Stripe's list order (newest `created` first) so list pages are a range scan
//! over pre-serialized JSON.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::Arc;

use bytes::Bytes;
use serde_json::{json, Value};

use crate::error::ApiError;

/// What Stripe returns for a deleted object (a retrieve after the delete,
/// and the delete itself).
pub fn deleted_stub(object: &str, id: &str) -> Value {
    json!({"id": id, "object": object, "deleted": true})
}

/// The sort key of an object: `created` descending, then insertion order
/// descending, so ascending iteration is Stripe's newest-first order.
pub type Key = (Reverse<i64>, Reverse<u64>);

/// One stored object.
#[derive(Debug)]
pub struct Entry {
    /// The object id.
    pub id: String,
    /// Its position in list order.
    pub key: Key,
    /// The object as JSON, exactly as the API returns it.
    pub json: Bytes,
    /// Whether it was deleted (then it is in no list).
    pub deleted: bool,
    /// The parents it is listed under: (parent object, parent id).
    pub parents: Vec<(&'static str, String)>,
    /// A free tag used for filtering (the event type for events).
    pub tag: Option<String>,
}

impl Entry {
    /// The `created` time the entry is ordered by.
    pub fn created(&self) -> i64 {
        self.key.0 .0
    }

    /// The JSON parsed back into a value.
    pub fn value(&self) -> Value {
        serde_json::from_slice(&self.json).unwrap_or(Value::Null)
    }
}

/// The `created[...]` filter of a list request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CreatedFilter {
    /// `created[gt]`.
    pub gt: Option<i64>,
    /// `created[gte]` (and `created=` exact, with `lte`).
    pub gte: Option<i64>,
    /// `created[lt]`.
    pub lt: Option<i64>,
    /// `created[lte]`.
    pub lte: Option<i64>,
}

impl CreatedFilter {
    fn bounds(&self) -> (i64, i64) {
        let mut lo = i64::MIN;
        let mut hi = i64::MAX;
        if let Some(v) = self.gt {
            lo = lo.max(v.saturating_add(1));
        }
        if let Some(v) = self.gte {
            lo = lo.max(v);
        }
        if let Some(v) = self.lt {
            hi = hi.min(v.saturating_sub(1));
        }
        if let Some(v) = self.lte {
            hi = hi.min(v);
        }
        (lo, hi)
    }
}

/// The paging part of a list request.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    /// Page size, 1..=100.
    pub limit: usize,
    /// Cursor: objects after (older than) this id.
    pub starting_after: Option<String>,
    /// Cursor: objects before (newer than) this id.
    pub ending_before: Option<String>,
    /// `created` filters.
    pub created: CreatedFilter,
    /// Only entries with this tag (event `type`).
    pub tags: Option<Vec<String>>,
    /// Only entries created under no parent: a partial list's default
    /// (`/v1/tax_ids` lists the account's own tax ids, not customers').
    pub unowned_only: bool,
}

/// One page of a list.
pub struct Page {
    /// The entries, newest first.
    pub data: Vec<Arc<Entry>>,
    /// Whether more entries exist in the paging direction.
    pub has_more: bool,
}

impl Page {
    /// Serializes the page as Stripe's list envelope.
    pub fn to_json(&self, url: &str) -> Vec<u8> {
        self.to_json_with(url, |e| Cow::Borrowed(&e.json[..]))
    }

    /// Serializes the page as Stripe's list envelope, each entry as `item`
    /// gives it (an expanded copy; the stored JSON as is otherwise).
    pub fn to_json_with<'a>(
        &'a self,
        url: &str,
        mut item: impl FnMut(&'a Entry) -> Cow<'a, [u8]>,
    ) -> Vec<u8> {
        let size: usize = self.data.iter().map(|e| e.json.len() + 1).sum();
        let mut out = Vec::with_capacity(size + url.len() + 64);
        out.extend_from_slice(b"{\"object\":\"list\",\"data\":[");
        for (i, e) in self.data.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&item(e));
        }
        out.extend_from_slice(b"],\"has_more\":");
        out.extend_from_slice(if self.has_more { b"true" } else { b"false" });
        out.extend_from_slice(b",\"url\":");
        out.extend_from_slice(Value::String(url.to_string()).to_string().as_bytes());
        out.push(b'}');
        out
    }
}

type Ordered = BTreeMap<Key, Arc<Entry>>;

/// Every object of one type in one account.
#[derive(Default)]
pub struct Collection {
    live: Ordered,
    all: HashMap<String, Arc<Entry>>,
    by_parent: HashMap<(&'static str, String), Ordered>,
}

/// Creation order, shared by every collection so keys are unique across
/// object types (lists that mix types, like customer sources, merge by key).
static NEXT_SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Collection {
    /// A key for a new entry created at `created`.
    pub fn next_key(&mut self, created: i64) -> Key {
        let seq = NEXT_SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        (Reverse(created), Reverse(seq))
    }

    /// Number of live (not deleted) entries.
    pub fn len(&self) -> usize {
        self.live.len()
    }

    /// Whether no live entry exists.
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    /// The entry with this id, deleted or not.
    pub fn get(&self, id: &str) -> Option<&Arc<Entry>> {
        self.all.get(id)
    }

    /// Live entries in list order.
    pub fn live(&self) -> impl Iterator<Item = &Arc<Entry>> {
        self.live.values()
    }

    /// Every entry, deleted ones included, in list order of their keys.
    pub fn all(&self) -> Vec<Arc<Entry>> {
        let mut v: Vec<_> = self.all.values().cloned().collect();
        v.sort_by_key(|e| e.key);
        v
    }

    /// The live entries listed under `parent`.
    pub fn live_children(&self, parent: (&'static str, &str)) -> Option<&Ordered> {
        self.by_parent.get(&(parent.0, parent.1.to_string()))
    }

    /// Inserts or replaces an entry (same id replaces, keeping nothing of the old one).
    pub fn put(&mut self, entry: Entry) -> Arc<Entry> {
        self.unlink(&entry.id);
        let e = Arc::new(entry);
        if !e.deleted {
            self.live.insert(e.key, e.clone());
            for p in &e.parents {
                self.by_parent
                    .entry((p.0, p.1.clone()))
                    .or_default()
                    .insert(e.key, e.clone());
            }
        }
        self.all.insert(e.id.clone(), e.clone());
        e
    }

    fn unlink(&mut self, id: &str) {
        if let Some(old) = self.all.get(id) {
            self.live.remove(&old.key);
            for p in &old.parents {
                if let Some(m) = self.by_parent.get_mut(&(p.0, p.1.clone())) {
                    m.remove(&old.key);
                }
            }
        }
    }

    /// One page of the live entries, optionally only those under `parent`.
    pub fn page(
        &self,
        object: &str,
        parent: Option<(&'static str, &str)>,
        q: &ListQuery,
    ) -> Result<Page, ApiError> {
        let cursor = |param: &str, id: &str| -> Result<Key, ApiError> {
            self.all
                .get(id)
                .map(|e| e.key)
                .ok_or_else(|| ApiError::no_such(object, id).with_param(param))
        };
        let after = q
            .starting_after
            .as_deref()
            .map(|id| cursor("starting_after", id))
            .transpose()?;
        let before = q
            .ending_before
            .as_deref()
            .map(|id| cursor("ending_before", id))
            .transpose()?;
        Ok(self.page_keys(parent, q, after, before))
    }

    /// The key of an entry, deleted or not.
    pub fn key_of(&self, id: &str) -> Option<Key> {
        self.all.get(id).map(|e| e.key)
    }

    /// One page with cursors given as keys (`after`: starting_after,
    /// `before`: ending_before).
    pub fn page_keys(
        &self,
        parent: Option<(&'static str, &str)>,
        q: &ListQuery,
        after: Option<Key>,
        before: Option<Key>,
    ) -> Page {
        let empty = Ordered::new();
        let set = match parent {
            None => &self.live,
            Some((o, id)) => self.by_parent.get(&(o, id.to_string())).unwrap_or(&empty),
        };
        let (lo, hi) = q.created.bounds();
        // Key order: created descending, so `hi` is where the range starts.
        let mut start: Bound<Key> = Bound::Included((Reverse(hi), Reverse(u64::MAX)));
        let mut end: Bound<Key> = Bound::Included((Reverse(lo), Reverse(0)));
        if let Some(k) = after {
            if let Bound::Included(s) = start {
                if k >= s {
                    start = Bound::Excluded(k);
                }
            }
        }
        if let Some(k) = before {
            if let Bound::Included(e) = end {
                if k <= e {
                    end = Bound::Excluded(k);
                }
            }
        }
        let (s, s_incl) = match start {
            Bound::Included(k) => (k, true),
            Bound::Excluded(k) => (k, false),
            Bound::Unbounded => unreachable!(),
        };
        let (e, e_incl) = match end {
            Bound::Included(k) => (k, true),
            Bound::Excluded(k) => (k, false),
            Bound::Unbounded => unreachable!(),
        };
        if lo > hi || s > e || (s == e && !(s_incl && e_incl)) {
            return Page {
                data: Vec::new(),
                has_more: false,
            };
        }
        let range = set.range((start, end));
        let keep = |e: &Arc<Entry>| {
            (!q.unowned_only || e.parents.is_empty())
                && match &q.tags {
                    None => true,
                    Some(tags) => e.tag.as_ref().is_some_and(|t| tags.iter().any(|x| x == t)),
                }
        };
        let limit = q.limit.max(1);
        if before.is_some() {
            let mut data: Vec<Arc<Entry>> = Vec::with_capacity(limit + 1);
            for (_, e) in range.rev() {
                if keep(e) {
                    data.push(e.clone());
                    if data.len() > limit {
                        break;
                    }
                }
            }
            let has_more = data.len() > limit;
            data.truncate(limit);
            data.reverse();
            Page { data, has_more }
        } else {
            let mut data: Vec<Arc<Entry>> = Vec::with_capacity(limit + 1);
            for (_, e) in range {
                if keep(e) {
                    data.push(e.clone());
                    if data.len() > limit {
                        break;
                    }
                }
            }
            let has_more = data.len() > limit;
            data.truncate(limit);
            Page { data, has_more }
        }
    }
}

/// Every collection of one account (the platform or a connected account).
#[derive(Default)]
pub struct AccountStore {
    /// The account's own object (`GET /v1/account`).
    pub me: Value,
    /// Collections by object string (`"customer"`, `"event"`, …).
    pub collections: HashMap<String, Collection>,
}

impl AccountStore {
    /// The collection of `object`, created empty if needed.
    pub fn coll_mut(&mut self, object: &str) -> &mut Collection {
        if !self.collections.contains_key(object) {
            self.collections
                .insert(object.to_string(), Collection::default());
        }
        self.collections.get_mut(object).expect("just inserted")
    }

    /// The collection of `object`, if it has one.
    pub fn coll(&self, object: &str) -> Option<&Collection> {
        self.collections.get(object)
    }

    /// The live (not deleted) entry `id` of type `object`; else Stripe's
    /// `resource_missing` error.
    pub fn live_entry(&self, object: &str, id: &str) -> Result<Arc<Entry>, ApiError> {
        match self.coll(object).and_then(|c| c.get(id)) {
            Some(e) if !e.deleted => Ok(e.clone()),
            _ => Err(ApiError::no_such(object, id)),
        }
    }

    /// The live object `id` of type `object`, as [`AccountStore::live_entry`].
    pub fn live_value(&self, object: &str, id: &str) -> Result<Value, ApiError> {
        self.live_entry(object, id).map(|e| e.value())
    }
}

impl AccountStore {
    /// One page over several object types merged in list order (Stripe's
    /// `/v1/customers/{customer}/sources` lists cards, bank accounts and
    /// sources together).
    pub fn page_merged(
        &self,
        objects: &[&'static str],
        parent: Option<(&'static str, &str)>,
        q: &ListQuery,
    ) -> Result<Page, ApiError> {
        let find = |param: &str, id: &str| -> Result<Key, ApiError> {
            objects
                .iter()
                .find_map(|o| self.coll(o).and_then(|c| c.key_of(id)))
                .ok_or_else(|| {
                    ApiError::no_such(objects.first().copied().unwrap_or("object"), id)
                        .with_param(param)
                })
        };
        let after = q
            .starting_after
            .as_deref()
            .map(|id| find("starting_after", id))
            .transpose()?;
        let before = q
            .ending_before
            .as_deref()
            .map(|id| find("ending_before", id))
            .transpose()?;
        let mut all: Vec<Arc<Entry>> = Vec::new();
        let mut more = false;
        for o in objects {
            if let Some(c) = self.coll(o) {
                let p = c.page_keys(parent, q, after, before);
                more |= p.has_more;
                all.extend(p.data);
            }
        }
        all.sort_by_key(|e| e.key);
        let limit = q.limit.max(1);
        if all.len() > limit {
            more = true;
            if before.is_some() {
                all.drain(..all.len() - limit);
            } else {
                all.truncate(limit);
            }
        }
        Ok(Page {
            data: all,
            has_more: more,
        })
    }
}
