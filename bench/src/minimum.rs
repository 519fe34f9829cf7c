//! The fewest requests `backfill all` needs for an account: a property of the
//! account and of Stripe's API (the generated registry), not of the engine,
//! so that the engine's request count can be judged against it.
//!
//! * Every top-level list costs its pages: `max(1, ceil(objects / 100))`
//!   (an empty list still takes one request to learn it is empty).
//! * A list under parents (`/v1/customers/{customer}/balance_transactions`)
//!   that no parent carries costs at least one request per parent, and one
//!   more per further 100 children.
//! * A list the parent carries completely (`invoice.lines`, always sent; or
//!   `customer.tax_ids`, sent when a list of customers asks for it with
//!   `expand[]=data.tax_ids`) costs nothing beyond the parent's own pages,
//!   except for parents whose embedded first page of 10 says `has_more`:
//!   they continue after the tenth child, `ceil((children − 10) / 100)`
//!   requests each.
//!
//! The lists are found as the engine finds them (a top-level list endpoint
//! with no parameter and not partial; else list endpoints with one
//! parameter a parent's ids fill), but every parent type a resource can be
//! listed under is counted, not only the first.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use stripe_sync_generated::{resource, ListEndpoint, Param, Resource, RESOURCES};

/// Stripe's largest page.
const PAGE: u64 = 100;
/// The first page of an embedded list.
const EMBEDDED_PAGE: u64 = 10;

/// How a list is paid for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Kind {
    /// A top-level list: its pages.
    TopLevel,
    /// A list under each parent that no parent carries: a request per parent
    /// at least.
    PerParent,
    /// A list the parents carry: continuations of first pages that say
    /// `has_more`.
    Continuation,
}

/// The least one list costs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ListCost {
    /// How it is paid for.
    pub kind: Kind,
    /// Stripe's endpoint, `GET /v1/customers/{customer}/balance_transactions`
    /// (the simulator counts requests under the same name).
    pub endpoint: String,
    /// The objects it lists.
    pub objects: Vec<String>,
    /// The parent object, for lists under parents.
    pub parent: Option<String>,
    /// The parent's field carrying the list, for [`Kind::Continuation`].
    pub field: Option<String>,
    /// Objects listed (top-level), or parents (lists under parents).
    pub count: u64,
    /// Children in all, for lists under parents.
    pub children: u64,
    /// The fewest requests.
    pub requests: u64,
}

/// The fewest requests an account needs, list by list.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Minimum {
    /// Every list `backfill all` reads, top-level ones first.
    pub lists: Vec<ListCost>,
    /// Live children whose payload names no parent, by object, and that no
    /// exact count placed: counted as if their parent needed no
    /// continuation (so the minimum may be a little low).
    pub unattributed: BTreeMap<String, u64>,
    /// Lists parents carry with such children: [`count_carried`] counts
    /// them through the API, for [`compute`] to be exact.
    pub unplaced: Vec<CarriedList>,
}

/// A list parents carry, and how to read it through the API.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CarriedList {
    /// The parent object.
    pub parent: String,
    /// Its field carrying the list (`sources`, `amount_details.line_items`).
    pub field: String,
    /// Whether the parent carries it only when asked (`expand[]`).
    pub includable: bool,
    /// The parent's top-level list path.
    pub parent_list: String,
    /// Query parameters that list always takes (`status=all`).
    pub parent_list_params: Vec<(String, String)>,
    /// The list under one parent (`/v1/customers/{customer}/sources`).
    pub continuation: String,
    /// Its parameter the parent's id fills.
    pub param: String,
}

/// Children per parent id of carried lists, by (parent object, field).
pub type Exact = BTreeMap<(String, String), BTreeMap<String, u64>>;

impl Minimum {
    /// The fewest requests in all.
    pub fn total(&self) -> u64 {
        self.lists.iter().map(|l| l.requests).sum()
    }

    /// The fewest requests of one kind of list.
    pub fn of(&self, kind: Kind) -> u64 {
        self.lists
            .iter()
            .filter(|l| l.kind == kind)
            .map(|l| l.requests)
            .sum()
    }

    /// How many lists of one kind there are.
    pub fn lists_of(&self, kind: Kind) -> usize {
        self.lists.iter().filter(|l| l.kind == kind).count()
    }

    /// The kind of list an endpoint serves, if `backfill all` reads it.
    pub fn kind_of(&self, endpoint: &str) -> Option<Kind> {
        self.lists
            .iter()
            .find(|l| l.endpoint == endpoint)
            .map(|l| l.kind)
    }
}

/// The top-level list of a resource, as the engine picks it.
pub fn top_level_endpoint(res: &Resource) -> Option<&'static ListEndpoint> {
    res.list_endpoints
        .iter()
        .find(|e| e.params.is_empty() && !e.path.contains('{') && !e.partial)
}

/// The list endpoints of a resource under a parent, one per parent type
/// (the first the registry lists), with the parameter the parent's ids fill.
fn parent_endpoints(
    res: &'static Resource,
) -> Vec<(&'static ListEndpoint, &'static Param, &'static Resource)> {
    let mut out: Vec<(&'static ListEndpoint, &'static Param, &'static Resource)> = Vec::new();
    for e in res.list_endpoints {
        let [param] = e.params else { continue };
        let Some(parent) = param.object.and_then(resource) else {
            continue;
        };
        if parent.object == res.object
            || (param.in_path && !e.path.contains(&format!("{{{}}}", param.name)))
            || out.iter().any(|(_, _, p)| p.object == parent.object)
        {
            continue;
        }
        out.push((e, param, parent));
    }
    out
}

/// Whether `backfill all` can list a resource at all.
fn listable(res: &'static Resource) -> bool {
    top_level_endpoint(res).is_some() || !parent_endpoints(res).is_empty()
}

/// Stripe's endpoint name of a list path: `GET` and the spec's template
/// (whose placeholder names may differ from the registry's).
pub fn endpoint_name(path: &str) -> String {
    let concrete: String = path
        .split('/')
        .map(|s| if s.starts_with('{') { "x1" } else { s })
        .collect::<Vec<_>>()
        .join("/");
    let template = stripe_sync_generated::registry::endpoint_template(&concrete).unwrap_or(path);
    format!("GET {template}")
}

/// The id in a reference field (an id, or an expanded object).
fn reference(v: &Value, field: &str) -> Option<String> {
    match v.get(field)? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("id")?.as_str().map(String::from),
        _ => None,
    }
}

/// Children under parents, as they accumulate for one list.
#[derive(Default)]
struct Group {
    objects: Vec<String>,
    endpoint: String,
    /// How to count it through the API, for lists parents carry.
    carried: Option<CarriedList>,
    /// Children per parent id.
    per_parent: BTreeMap<String, u64>,
    children: u64,
}

/// Computes the minimum from the account's objects: `objects(o)` returns
/// every object of type `o` (deleted ones marked `"deleted": true`, as the
/// simulator's control API gives them). Children of a carried list are
/// placed under their parent by their own fields (`tax_id.customer`), or by
/// `exact` when it counts that list (a source names no customer).
pub fn compute(mut objects: impl FnMut(&str) -> Vec<Value>, exact: &Exact) -> Minimum {
    let mut live: BTreeMap<&'static str, Vec<Value>> = BTreeMap::new();
    for res in RESOURCES.iter().filter(|r| listable(r)) {
        let objs: Vec<Value> = objects(res.object)
            .into_iter()
            .filter(|o| o.get("deleted").and_then(Value::as_bool) != Some(true))
            .collect();
        live.insert(res.object, objs);
    }
    let count = |o: &str| live.get(o).map_or(0, |v| v.len() as u64);

    let mut top: BTreeMap<String, (Vec<String>, u64)> = BTreeMap::new();
    // (endpoint, parent) → per-parent list; (parent, field) → carried list.
    let mut per_parent: BTreeMap<(String, &'static str), Group> = BTreeMap::new();
    let mut carried: BTreeMap<(&'static str, &'static str), Group> = BTreeMap::new();
    let mut unattributed = BTreeMap::new();
    for res in RESOURCES.iter().filter(|r| listable(r)) {
        if let Some(e) = top_level_endpoint(res) {
            let t = top.entry(endpoint_name(e.path)).or_default();
            t.0.push(res.object.to_string());
            t.1 += count(res.object);
            continue;
        }
        // Children found under some parent.
        let mut placed = std::collections::BTreeSet::new();
        for (e, param, parent) in parent_endpoints(res) {
            let embedded = parent.embedded_lists.iter().find(|l| {
                l.object == res.object && l.complete && (!l.includable || l.expandable_in_lists)
            });
            // The children's field naming their parent.
            let fields: Vec<&str> = embedded
                .and_then(|l| l.parent_column)
                .into_iter()
                .chain([param.name, parent.object.rsplit('.').next().unwrap_or("")])
                .collect();
            let group = match embedded {
                Some(l) => {
                    let g = carried.entry((parent.object, l.field)).or_default();
                    // Continue on the list named like the field
                    // (`/v1/customers/{customer}/sources`), if there is one.
                    if g.endpoint.is_empty() || e.path.ends_with(&format!("/{}", l.field)) {
                        g.endpoint = endpoint_name(e.path);
                        g.carried = top_level_endpoint(parent).map(|top| CarriedList {
                            parent: parent.object.to_string(),
                            field: l.field.to_string(),
                            includable: l.includable,
                            parent_list: top.path.to_string(),
                            parent_list_params: top
                                .fixed_params
                                .iter()
                                .map(|(k, v)| (k.to_string(), v.to_string()))
                                .collect(),
                            continuation: e.path.to_string(),
                            param: param.name.to_string(),
                        });
                    }
                    if let Some(counts) =
                        exact.get(&(parent.object.to_string(), l.field.to_string()))
                    {
                        // Counted through the API: every child is placed.
                        g.per_parent.clone_from(counts);
                        g.children = counts.values().sum();
                        g.objects.push(res.object.to_string());
                        placed.extend(0..count(res.object) as usize);
                        continue;
                    }
                    g
                }
                None => {
                    let g = per_parent
                        .entry((endpoint_name(e.path), parent.object))
                        .or_default();
                    g.endpoint = endpoint_name(e.path);
                    g
                }
            };
            group.objects.push(res.object.to_string());
            for (i, child) in live.get(res.object).into_iter().flatten().enumerate() {
                // The first of the fields that names an object of this parent type.
                let Some(id) = fields
                    .iter()
                    .filter_map(|f| reference(child, f))
                    .find(|id| !id.is_empty() && parent_ids_match(parent, id))
                else {
                    continue;
                };
                *group.per_parent.entry(id).or_default() += 1;
                group.children += 1;
                placed.insert(i);
            }
        }
        let lost = count(res.object) - placed.len() as u64;
        if lost > 0 {
            unattributed.insert(res.object.to_string(), lost);
        }
    }
    let unplaced = carried
        .values()
        .filter(|g| g.objects.iter().any(|o| unattributed.contains_key(o)))
        .filter_map(|g| g.carried.clone())
        .collect();

    let mut lists = Vec::new();
    for (endpoint, (objects, n)) in top {
        lists.push(ListCost {
            kind: Kind::TopLevel,
            endpoint,
            objects,
            parent: None,
            field: None,
            count: n,
            children: 0,
            requests: n.div_ceil(PAGE).max(1),
        });
    }
    for ((endpoint, parent), g) in per_parent {
        // Lists of objects that each need another the account has none of
        // are skipped (`Resource::needs`: entitlements without features).
        let needless = !g.objects.is_empty()
            && g.objects.iter().all(|o| {
                stripe_sync_generated::resource(o)
                    .and_then(|r| r.needs)
                    .is_some_and(|n| count(n.object) == 0)
            });
        let parents = if listable_object(parent) && !needless {
            count(parent)
        } else {
            0
        };
        // One request per parent, and one per further 100 children.
        let more: u64 = g
            .per_parent
            .values()
            .map(|k| k.div_ceil(PAGE).saturating_sub(1))
            .sum();
        lists.push(ListCost {
            kind: Kind::PerParent,
            endpoint,
            objects: g.objects,
            parent: Some(parent.to_string()),
            field: None,
            count: parents,
            children: g.children,
            requests: parents + more,
        });
    }
    for ((parent, field), g) in carried {
        let continuations: u64 = g
            .per_parent
            .values()
            .filter(|k| **k > EMBEDDED_PAGE)
            .map(|k| (k - EMBEDDED_PAGE).div_ceil(PAGE))
            .sum();
        lists.push(ListCost {
            kind: Kind::Continuation,
            endpoint: g.endpoint,
            objects: g.objects,
            parent: Some(parent.to_string()),
            field: Some(field.to_string()),
            count: if listable_object(parent) {
                count(parent)
            } else {
                0
            },
            children: g.children,
            requests: continuations,
        });
    }
    Minimum {
        lists,
        unattributed,
        unplaced,
    }
}

/// Counts the children of a carried list per parent through the API at
/// `api` (a simulator without rate limits): every parent from its list
/// (asking for the field when it is includable), and the rest of each
/// first page that says `has_more` from the list under that parent.
pub async fn count_carried(api: &str, list: &CarriedList) -> Result<BTreeMap<String, u64>> {
    let http = reqwest::Client::new();
    let get = |path: String, query: Vec<(String, String)>| {
        let http = http.clone();
        async move {
            let resp = http
                .get(format!("{api}{path}"))
                .bearer_auth("sk_test_minimum")
                .query(&query)
                .send()
                .await?;
            if !resp.status().is_success() {
                bail!("GET {path}: {}", resp.status());
            }
            Ok::<Value, anyhow::Error>(resp.json().await?)
        }
    };
    let mut out = BTreeMap::new();
    let mut after: Option<String> = None;
    loop {
        let mut query = list.parent_list_params.clone();
        query.push(("limit".into(), PAGE.to_string()));
        if list.includable {
            query.push(("expand[]".into(), format!("data.{}", list.field)));
        }
        if let Some(a) = &after {
            query.push(("starting_after".into(), a.clone()));
        }
        let page = get(list.parent_list.clone(), query).await?;
        let parents = page["data"].as_array().cloned().unwrap_or_default();
        for p in &parents {
            let Some(id) = p["id"].as_str() else { continue };
            let carried = list.field.split('.').fold(p, |v, f| &v[f]);
            let first = carried["data"].as_array().cloned().unwrap_or_default();
            let mut n = first.len() as u64;
            let mut more = carried["has_more"].as_bool() == Some(true);
            let mut last = first
                .last()
                .and_then(|c| c["id"].as_str())
                .map(String::from);
            while more {
                let placeholder = format!("{{{}}}", list.param);
                let (path, mut query) = if list.continuation.contains(&placeholder) {
                    (list.continuation.replace(&placeholder, id), vec![])
                } else {
                    (
                        list.continuation.clone(),
                        vec![(list.param.clone(), id.to_string())],
                    )
                };
                query.push(("limit".into(), PAGE.to_string()));
                if let Some(l) = &last {
                    query.push(("starting_after".into(), l.clone()));
                }
                let page = get(path, query).await?;
                let data = page["data"].as_array().cloned().unwrap_or_default();
                n += data.len() as u64;
                more = page["has_more"].as_bool() == Some(true) && !data.is_empty();
                last = data.last().and_then(|c| c["id"].as_str()).map(String::from);
            }
            if n > 0 {
                out.insert(id.to_string(), n);
            }
        }
        if page["has_more"].as_bool() != Some(true) || parents.is_empty() {
            return Ok(out);
        }
        after = parents
            .last()
            .and_then(|p| p["id"].as_str())
            .map(String::from);
    }
}

fn listable_object(object: &str) -> bool {
    resource(object).is_some_and(listable)
}

/// Whether `id` can be an id of `parent` (by its prefixes, when it has any):
/// a child's `customer` field must not count it under an account.
fn parent_ids_match(parent: &Resource, id: &str) -> bool {
    parent.id_prefixes.is_empty()
        || parent
            .id_prefixes
            .iter()
            .any(|p| id.strip_prefix(p).is_some_and(|r| r.starts_with('_')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn account(objects: &[(&str, Vec<Value>)]) -> Minimum {
        compute(
            |o| {
                objects
                    .iter()
                    .find(|(name, _)| *name == o)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            },
            &Exact::new(),
        )
    }

    fn customers(n: usize) -> Vec<Value> {
        (0..n)
            .map(|i| json!({"id": format!("cus_{i}"), "object": "customer"}))
            .collect()
    }

    #[test]
    fn an_empty_account_costs_one_page_per_top_level_list_and_nothing_else() {
        let m = account(&[]);
        assert_eq!(m.of(Kind::TopLevel), m.lists_of(Kind::TopLevel) as u64);
        assert!(m.lists_of(Kind::TopLevel) > 50);
        assert_eq!(m.of(Kind::PerParent), 0);
        assert_eq!(m.of(Kind::Continuation), 0);
        assert_eq!(m.total(), m.of(Kind::TopLevel));
    }

    #[test]
    fn customers_cost_pages_and_one_request_each_for_their_uncarried_lists() {
        let mut tax_ids: Vec<Value> = (0..23)
            .map(|i| json!({"id": format!("txi_a{i}"), "customer": "cus_0"}))
            .collect();
        tax_ids.extend((0..5).map(|i| json!({"id": format!("txi_b{i}"), "customer": "cus_1"})));
        let balance: Vec<Value> = (0..150)
            .map(|i| json!({"id": format!("cbtxn_{i}"), "customer": "cus_2"}))
            .collect();
        let m = account(&[
            ("customer", customers(250)),
            ("tax_id", tax_ids),
            ("customer_balance_transaction", balance),
        ]);
        let list = |e: &str| {
            m.lists
                .iter()
                .find(|l| l.endpoint == e)
                .unwrap_or_else(|| panic!("no list {e}: {:?}", m.lists))
        };
        assert_eq!(list("GET /v1/customers").requests, 3);
        // One request per customer, and one more for the customer with 150.
        let b = list("GET /v1/customers/{customer}/balance_transactions");
        assert_eq!((b.kind, b.count, b.requests), (Kind::PerParent, 250, 251));
        // Tax ids come with the customers; the one with 23 continues once.
        let t = list("GET /v1/customers/{customer}/tax_ids");
        assert_eq!(
            (t.kind, t.children, t.requests),
            (Kind::Continuation, 28, 1)
        );
        assert!(m.unattributed.is_empty());
        assert_eq!(
            m.kind_of("GET /v1/customers/{customer}/tax_ids"),
            Some(Kind::Continuation)
        );
    }

    #[test]
    fn children_naming_no_parent_are_placed_by_an_exact_count() {
        let sources: Vec<Value> = (0..13)
            .map(|i| json!({"id": format!("src_{i}"), "object": "source"}))
            .collect();
        let objects = [("customer", customers(20)), ("source", sources)];
        let m = account(&objects);
        assert_eq!(m.unattributed.get("source"), Some(&13));
        let u = m
            .unplaced
            .iter()
            .find(|u| u.parent == "customer" && u.field == "sources")
            .expect("customer.sources is to be counted");
        assert_eq!(u.parent_list, "/v1/customers");
        assert!(u.includable);
        let exact: Exact = [(
            ("customer".to_string(), "sources".to_string()),
            [("cus_3".to_string(), 13)].into_iter().collect(),
        )]
        .into_iter()
        .collect();
        let m = compute(
            |o| {
                objects
                    .iter()
                    .find(|(name, _)| *name == o)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            },
            &exact,
        );
        assert!(m.unattributed.is_empty(), "{:?}", m.unattributed);
        assert!(m.unplaced.is_empty());
        assert_eq!(m.of(Kind::Continuation), 1);
    }
}
