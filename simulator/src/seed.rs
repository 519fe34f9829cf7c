//! Seeding: objects built from the fixture templates with fresh ids, a
//! spread of `created`, and references that hold together (prices point at
//! products, invoices at subscriptions and their customers, charges at payment
//! intents and their invoices, …). Deterministic for a given seed.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use anyhow::{bail, Result};
use bytes::Bytes;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};
use stripe_sync_generated::{resource, ColumnType, Resource};

use crate::config::SimConfig;
use crate::store::{AccountStore, Entry};

// The account shapes, where they have always been reachable.
pub use crate::shapes::{
    billing_account_concentration, billing_account_counts, concentrated_parents,
    small_account_counts, spread,
};

const TWO_YEARS: i64 = 2 * 365 * 86_400;
const MONTH: i64 = 30 * 86_400;

/// The object a list parameter takes ids of: the registry's, else the
/// resource named like the parameter.
pub fn param_object(p: &stripe_sync_generated::Param) -> Option<&'static str> {
    p.object.or_else(|| resource(p.name).map(|r| r.object))
}

/// The objects a resource is listed under (its parents), in endpoint order.
pub fn parent_objects(r: &Resource) -> Vec<&'static str> {
    let mut v = Vec::new();
    for e in r.list_endpoints {
        if e.params.len() == 1 {
            if let Some(o) = param_object(&e.params[0]) {
                if o != r.object && !v.contains(&o) {
                    v.push(o);
                }
            }
        }
    }
    v
}

/// Anchors: the object a seeded object hangs off, its field, and the chance
/// of using it; other references are copied from the anchor when it has them.
fn anchors(object: &str) -> &'static [(&'static str, &'static str, f64)] {
    match object {
        "price" | "plan" => &[("product", "product", 1.0)],
        "payment_method" => &[("customer", "customer", 0.9)],
        "subscription"
        | "subscription_schedule"
        | "setup_intent"
        | "quote"
        | "checkout.session"
        | "invoiceitem" => &[("customer", "customer", 1.0)],
        "invoice" => &[
            ("subscription", "subscription", 0.7),
            ("customer", "customer", 1.0),
        ],
        "payment_intent" => &[("invoice", "invoice", 0.8), ("customer", "customer", 0.9)],
        "charge" => &[("payment_intent", "payment_intent", 1.0)],
        "dispute" | "review" => &[("charge", "charge", 1.0)],
        "credit_note" => &[("invoice", "invoice", 1.0)],
        "promotion_code" => &[("coupon", "coupon", 1.0)],
        "application_fee" => &[("charge", "charge", 1.0)],
        _ => &[],
    }
}

/// The preferred seeding order (parents first); other objects follow by name.
const ORDER: &[&str] = &[
    "account",
    "product",
    "price",
    "plan",
    "coupon",
    "tax_rate",
    "customer",
    "payment_method",
    "tax_id",
    "subscription",
    "subscription_item",
    "invoice",
    "line_item",
    "invoiceitem",
    "payment_intent",
    "charge",
    "refund",
];

fn deps(object: &str) -> Vec<&'static str> {
    let mut d: Vec<&'static str> = anchors(object).iter().map(|a| a.0).collect();
    if let Some(r) = resource(object) {
        d.extend(parent_objects(r));
    }
    d
}

/// The order objects are seeded in: parents and anchors before dependants.
pub fn seed_order(counts: &BTreeMap<String, usize>) -> Vec<String> {
    let mut remaining: Vec<String> = counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, _)| k.clone())
        .collect();
    remaining.sort_by_key(|o| {
        (
            ORDER.iter().position(|x| x == o).unwrap_or(usize::MAX),
            o.clone(),
        )
    });
    let mut order = Vec::new();
    while !remaining.is_empty() {
        let pos = remaining
            .iter()
            .position(|o| {
                deps(o)
                    .iter()
                    .all(|d| *d == o.as_str() || !remaining.iter().any(|r| r == d))
            })
            .unwrap_or(0);
        order.push(remaining.remove(pos));
    }
    order
}

const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The id prefix the simulator gives new objects of `object`.
pub fn id_prefix(object: &str) -> String {
    match resource(object).and_then(|r| r.id_prefixes.first()) {
        Some(p) => (*p).to_string(),
        None => object.rsplit('.').next().unwrap_or(object).to_string(),
    }
}

/// A fresh id for `object`, e.g. `cus_Oaxlz8kB0PJWGa`.
pub fn new_id(object: &str, rng: &mut impl Rng) -> String {
    let len = match object {
        "customer" | "product" | "subscription_item" => 14,
        _ => 24,
    };
    let tail: String = (0..len)
        .map(|_| ALNUM[rng.gen_range(0..ALNUM.len())] as char)
        .collect();
    if object == "coupon" {
        return tail[..8].to_uppercase();
    }
    format!("{}_{}", id_prefix(object), tail)
}

/// Builds a new object from its template: fresh id, `created`, test mode.
pub fn from_template(template: &Value, object: &str, id: &str, created: i64) -> Map<String, Value> {
    let mut m = template.as_object().cloned().unwrap_or_default();
    m.insert("id".into(), json!(id));
    m.insert("object".into(), json!(object));
    if m.contains_key("created") || resource(object).is_some_and(|r| r.has_created) {
        m.insert("created".into(), json!(created));
    }
    if m.contains_key("livemode") {
        m.insert("livemode".into(), json!(false));
    }
    m
}

/// Seeds the platform account and every connected account.
pub fn seed_all(
    cfg: &SimConfig,
    templates: &HashMap<String, Value>,
) -> Result<HashMap<String, AccountStore>> {
    for (object, n) in &cfg.counts {
        if *n > 0 && !templates.contains_key(object) {
            bail!("cannot seed `{object}`: fixtures3.json has no template for it");
        }
        if *n > 0 && resource(object).is_none() {
            bail!("cannot seed `{object}`: the registry has no such resource");
        }
    }
    let mut out = HashMap::new();
    let account_tpl = templates
        .get("account")
        .cloned()
        .unwrap_or_else(|| json!({"object": "account"}));
    let connected = cfg.connected_account_ids();
    let mut accounts: Vec<String> = vec![cfg.account_id.clone()];
    accounts.extend(connected.iter().cloned());
    let small = crate::shapes::connected_account_counts();
    for (i, acct) in accounts.iter().enumerate() {
        let mut rng = StdRng::seed_from_u64(
            cfg.seed
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add(i as u64),
        );
        let mut store = AccountStore::default();
        let mut me = from_template(
            &account_tpl,
            "account",
            acct,
            cfg.epoch - TWO_YEARS - 86_400,
        );
        me.insert("id".into(), json!(acct));
        store.me = Value::Object(me);
        // Named accounts are seeded like the platform, generated ones small.
        let mut counts = if i > cfg.connected_accounts.len() {
            small.clone()
        } else {
            cfg.counts.clone()
        };
        if i == 0 {
            // The platform lists its connected accounts at /v1/accounts.
            let coll = store.coll_mut("account");
            for (j, c) in connected.iter().enumerate() {
                let created = cfg.epoch - TWO_YEARS + (j as i64) * 3600;
                let m = from_template(&account_tpl, "account", c, created);
                let key = coll.next_key(created);
                coll.put(Entry {
                    id: c.clone(),
                    key,
                    json: Bytes::from(serde_json::to_vec(&m)?),
                    deleted: false,
                    parents: Vec::new(),
                    tag: None,
                });
            }
        } else {
            counts.remove("account");
        }
        let mut seeder = Seeder {
            cfg,
            templates,
            rng: &mut rng,
            ids: HashMap::new(),
            store: &mut store,
        };
        seeder.ids.insert(
            "account",
            seeder
                .store
                .coll("account")
                .map(|c| c.live().map(|e| (e.id.clone(), e.created())).collect())
                .unwrap_or_default(),
        );
        for object in seed_order(&counts) {
            let n = counts[&object];
            seeder.seed(&object, n)?;
        }
        seeder.embed_all();
        out.insert(acct.clone(), store);
    }
    Ok(out)
}

struct Seeder<'a> {
    cfg: &'a SimConfig,
    templates: &'a HashMap<String, Value>,
    rng: &'a mut StdRng,
    ids: HashMap<&'static str, Vec<(String, i64)>>,
    store: &'a mut AccountStore,
}

impl Seeder<'_> {
    fn pick(&mut self, object: &str) -> Option<(String, i64)> {
        let v = self.ids.get(object)?;
        if v.is_empty() {
            return None;
        }
        let i = self.rng.gen_range(0..v.len());
        Some(v[i].clone())
    }

    /// The parent of each of `n` children concentrated on `fraction` of the
    /// parents of the first seeded parent type: that many parents chosen at
    /// random, the children spread over them by [`spread`] (in the chosen
    /// order, so the heavy ones are random parents too). Empty when no
    /// parent type is seeded.
    fn concentrated(
        &mut self,
        parents: &[&'static str],
        fraction: f64,
        n: usize,
    ) -> Vec<(&'static str, String, i64)> {
        let Some((pobj, pool)) = parents
            .iter()
            .find_map(|p| self.ids.get(p).filter(|v| !v.is_empty()).map(|v| (*p, v)))
        else {
            return Vec::new();
        };
        let k = concentrated_parents(fraction, pool.len()).min(n);
        // A partial Fisher-Yates shuffle: the first `k` of a random permutation.
        let mut idx: Vec<usize> = (0..pool.len()).collect();
        for j in 0..k {
            let r = self.rng.gen_range(j..idx.len());
            idx.swap(j, r);
        }
        let mut out = Vec::with_capacity(n);
        for (j, c) in spread(n, k).into_iter().enumerate() {
            let (pid, created) = &pool[idx[j]];
            for _ in 0..c {
                out.push((pobj, pid.clone(), *created));
            }
        }
        out
    }

    fn value_of(&self, object: &str, id: &str) -> Option<Value> {
        self.store.coll(object)?.get(id).map(|e| e.value())
    }

    fn seed(&mut self, object: &str, n: usize) -> Result<()> {
        let Some(res) = resource(object) else {
            bail!("no resource `{object}`")
        };
        let template = &self.templates[object];
        let parents = parent_objects(res);
        let has_top_level = res.list_endpoints.iter().any(|e| e.params.is_empty());
        let concentrated = self
            .cfg
            .concentration
            .get(object)
            .map(|f| self.concentrated(&parents, *f, n));
        let mut made = Vec::with_capacity(n);
        for i in 0..n {
            let id = new_id(object, &mut *self.rng);
            // The parent it is listed under.
            let avail: Vec<&'static str> = parents
                .iter()
                .copied()
                .filter(|p| self.ids.get(p).is_some_and(|v| !v.is_empty()))
                .collect();
            let parent = if let Some(assigned) = concentrated.as_ref().filter(|a| !a.is_empty()) {
                assigned.get(i).cloned()
            } else if avail.is_empty() {
                None
            } else {
                let p = avail[self.rng.gen_range(0..avail.len())];
                self.pick(p).map(|(pid, c)| (p, pid, c))
            };
            if parent.is_none() && !parents.is_empty() && !has_top_level {
                bail!("cannot seed `{object}`: it is only listed under {parents:?}, and none of those is seeded");
            }
            // The anchor it hangs off.
            let mut anchor: Option<(&'static str, String, i64, &'static str)> = None;
            for (aobj, field, p) in anchors(object) {
                if self.rng.gen_bool(*p) {
                    let same = parent
                        .as_ref()
                        .filter(|p| p.0 == *aobj)
                        .map(|p| (p.1.clone(), p.2));
                    if let Some((aid, c)) = same.or_else(|| self.pick(aobj)) {
                        anchor = Some((aobj, aid, c, field));
                        break;
                    }
                }
            }
            let base = parent
                .as_ref()
                .map(|p| p.2)
                .into_iter()
                .chain(anchor.as_ref().map(|a| a.2))
                .max();
            let created = match base {
                Some(b) if b < self.cfg.epoch => {
                    b + self.rng.gen_range(0..=(self.cfg.epoch - b).min(MONTH))
                }
                Some(b) => b,
                None => self.cfg.epoch - self.rng.gen_range(0..TWO_YEARS),
            };
            let mut m = from_template(template, object, &id, created);
            let anchor_val = anchor.as_ref().and_then(|a| self.value_of(a.0, &a.1));
            let parent_val = parent.as_ref().and_then(|p| self.value_of(p.0, &p.1));
            if let Some((_, aid, _, field)) = &anchor {
                if m.get(*field).is_some_and(|v| v.is_string() || v.is_null()) {
                    m.insert((*field).to_string(), json!(aid));
                }
            }
            if let Some((pobj, pid, _)) = &parent {
                for e in res.list_endpoints {
                    if let [p] = e.params {
                        if param_object(p) == Some(*pobj)
                            && m.get(p.name).is_some_and(|v| v.is_string() || v.is_null())
                        {
                            m.insert(p.name.to_string(), json!(pid));
                        }
                    }
                }
                let short = pobj.rsplit('.').next().unwrap_or(pobj);
                if m.get(short).is_some_and(|v| v.is_string() || v.is_null()) {
                    m.insert(short.to_string(), json!(pid));
                }
                // A tax id says whose it is in `owner` too.
                if let Some(owner) = m.get_mut("owner").and_then(Value::as_object_mut) {
                    if owner
                        .get(short)
                        .is_some_and(|v| v.is_string() || v.is_null())
                    {
                        owner.insert(short.to_string(), json!(pid));
                    }
                }
            }
            for col in res.columns {
                if col.column_type != ColumnType::Ref
                    || col.references.is_empty()
                    || !m.contains_key(col.name)
                {
                    continue;
                }
                if anchor.as_ref().is_some_and(|a| a.3 == col.name) {
                    continue;
                }
                if parent
                    .as_ref()
                    .is_some_and(|p| m.get(col.name) == Some(&json!(p.1)))
                {
                    continue;
                }
                let copied = [&anchor_val, &parent_val]
                    .into_iter()
                    .flatten()
                    .find_map(|v| v.get(col.name).filter(|x| x.is_string()).cloned());
                if let Some(v) = copied {
                    m.insert(col.name.to_string(), v);
                    continue;
                }
                if m.get(col.name).is_some_and(|v| v.is_null()) {
                    continue;
                }
                let targets: Vec<&str> = col
                    .references
                    .iter()
                    .copied()
                    .filter(|t| self.ids.get(t).is_some_and(|v| !v.is_empty()))
                    .collect();
                if let Some(t) = targets.first() {
                    if let Some((rid, _)) = self.pick(t) {
                        m.insert(col.name.to_string(), json!(rid));
                    }
                }
            }
            // Items embed the price they bill.
            if matches!(
                object,
                "subscription_item" | "line_item" | "item" | "invoiceitem"
            ) && m.get("price").is_some_and(|v| v.is_object())
            {
                if let Some((pid, _)) = self.pick("price") {
                    if let Some(pv) = self.value_of("price", &pid) {
                        m.insert("price".into(), pv);
                    }
                }
            }
            self.flavour(object, &mut m, i);
            let coll = self.store.coll_mut(object);
            let key = coll.next_key(created);
            coll.put(Entry {
                json: Bytes::from(serde_json::to_vec(&m)?),
                id: id.clone(),
                key,
                deleted: false,
                parents: parent.map(|(o, pid, _)| vec![(o, pid)]).unwrap_or_default(),
                tag: None,
            });
            made.push((id, created));
        }
        let obj: &'static str = res.object;
        self.ids.entry(obj).or_default().extend(made);
        Ok(())
    }

    /// A little variety so objects are not all alike.
    fn flavour(&mut self, object: &str, m: &mut Map<String, Value>, i: usize) {
        match object {
            "customer" => {
                m.insert("email".into(), json!(format!("customer{i}@example.com")));
                m.insert("name".into(), json!(format!("Customer {i}")));
            }
            "product" => {
                m.insert("name".into(), json!(format!("Product {i}")));
            }
            "price" => {
                let amount = self.rng.gen_range(1..200) * 100;
                m.insert("unit_amount".into(), json!(amount));
                m.insert("unit_amount_decimal".into(), json!(amount.to_string()));
            }
            "payment_intent" | "charge" | "invoiceitem" => {
                let amount = self.rng.gen_range(5..500) * 100;
                m.insert("amount".into(), json!(amount));
            }
            "subscription" => {
                let statuses = [
                    "active", "active", "active", "trialing", "past_due", "canceled",
                ];
                m.insert(
                    "status".into(),
                    json!(statuses[self.rng.gen_range(0..statuses.len())]),
                );
            }
            "invoice" => {
                let statuses = [
                    "paid",
                    "paid",
                    "paid",
                    "open",
                    "draft",
                    "void",
                    "uncollectible",
                ];
                m.insert(
                    "status".into(),
                    json!(statuses[self.rng.gen_range(0..statuses.len())]),
                );
            }
            _ => {}
        }
    }

    /// Fills every embedded list (`invoice.lines`, `subscription.items`, …).
    fn embed_all(&mut self) {
        let objects: Vec<String> = self.store.collections.keys().cloned().collect();
        for object in objects {
            let Some(res) = resource(&object) else {
                continue;
            };
            if res.embedded_lists.is_empty() {
                continue;
            }
            let ids: Vec<String> = self
                .store
                .coll(&object)
                .map(|c| c.live().map(|e| e.id.clone()).collect())
                .unwrap_or_default();
            for id in ids {
                refresh_embedded(self.store, res.object, &id);
            }
        }
    }
}

/// The URL of the list of `child` objects under parent `parent_object` `parent_id`.
pub fn child_list_url(child: &Resource, parent_object: &str, parent_id: &str) -> Option<String> {
    for e in child.list_endpoints {
        if let [p] = e.params {
            if param_object(p) == Some(parent_object) {
                return Some(if p.in_path {
                    e.path.replace(&format!("{{{}}}", p.name), parent_id)
                } else {
                    format!("{}?{}={}", e.path, p.name, parent_id)
                });
            }
        }
    }
    None
}

/// How many children an embedded list shows; `has_more` and the list's
/// `url` lead to the rest.
pub const EMBEDDED_PAGE: usize = 10;

/// Whether a child belongs in its parent's embedded list. Stripe documents
/// `customer.subscriptions` as the customer's *current* subscriptions: the
/// canceled ones are not in it (a client that reads it as complete loses
/// them).
fn embedded_keeps(parent_object: &str, field: &str, child: &Entry) -> bool {
    match (parent_object, field) {
        ("customer", "subscriptions") => {
            child.value().get("status").and_then(Value::as_str) != Some("canceled")
        }
        _ => true,
    }
}

/// The URL of the embedded list `field` of `parent_object` `parent_id`:
/// the list endpoint of one of its child objects ending in `/{field}` (the
/// shared `/v1/customers/{customer}/sources`, not `/cards`), else the first
/// one [`child_list_url`] finds.
fn embedded_list_url(
    children: &[&'static Resource],
    field: &str,
    parent_object: &str,
    parent_id: &str,
) -> Option<String> {
    let suffix = format!("/{field}");
    for child in children {
        for e in child.list_endpoints {
            if let [p] = e.params {
                if p.in_path && param_object(p) == Some(parent_object) && e.path.ends_with(&suffix)
                {
                    return Some(e.path.replace(&format!("{{{}}}", p.name), parent_id));
                }
            }
        }
    }
    children
        .iter()
        .find_map(|c| child_list_url(c, parent_object, parent_id))
}

/// The list envelope Stripe embeds as `field` of `object` `id` (on
/// `expand[]`, or always for lists like `invoice.lines`): the first
/// [`EMBEDDED_PAGE`] live children, of every object the registry lists
/// under that field (customer `sources` holds cards, bank accounts and
/// sources), in the order their list endpoint returns them, with
/// `has_more`, `total_count` and the list's `url`. `None` when `field` is
/// not an embedded list of `object`.
pub fn embedded_list(store: &AccountStore, object: &str, id: &str, field: &str) -> Option<Value> {
    let res = resource(object)?;
    let mut children: Vec<&'static Resource> = Vec::new();
    for emb in res.embedded_lists.iter().filter(|e| e.field == field) {
        if let Some(c) = resource(emb.object) {
            if !children.iter().any(|x| x.object == c.object) {
                children.push(c);
            }
        }
    }
    let url = embedded_list_url(&children, field, res.object, id)?;
    let mut entries: Vec<&Arc<Entry>> = children
        .iter()
        .filter_map(|c| store.coll(c.object)?.live_children((res.object, id)))
        .flat_map(|set| set.values())
        .filter(|e| embedded_keeps(res.object, field, e))
        .collect();
    entries.sort_by_key(|e| e.key);
    let total = entries.len();
    let data: Vec<Value> = entries
        .iter()
        .take(EMBEDDED_PAGE)
        .map(|e| e.value())
        .collect();
    Some(json!({
        "object": "list",
        "data": data,
        "has_more": total > EMBEDDED_PAGE,
        "total_count": total,
        "url": url,
    }))
}

/// Rebuilds the embedded lists of one parent object from its children;
/// returns the (old, new) object when it changed. Only lists the object
/// already has are rebuilt: those Stripe includes only on `expand[]`
/// (`customer.tax_ids`) stay absent.
pub fn refresh_embedded(
    store: &mut AccountStore,
    object: &'static str,
    id: &str,
) -> Option<(Value, Value)> {
    let res = resource(object)?;
    let entry = store.coll(object)?.get(id)?.clone();
    if entry.deleted {
        return None;
    }
    let old = entry.value();
    let mut new = old.clone();
    for (i, emb) in res.embedded_lists.iter().enumerate() {
        let seen = res.embedded_lists[..i].iter().any(|e| e.field == emb.field);
        if seen || new.get(emb.field).is_none() {
            continue;
        }
        if let Some(list) = embedded_list(store, object, id, emb.field) {
            new[emb.field] = list;
        }
    }
    if new == old {
        return None;
    }
    let json = Bytes::from(serde_json::to_vec(&new).ok()?);
    let coll = store.coll_mut(object);
    coll.put(Entry {
        id: entry.id.clone(),
        key: entry.key,
        json,
        deleted: false,
        parents: entry.parents.clone(),
        tag: None,
    });
    Some((old, new))
}
