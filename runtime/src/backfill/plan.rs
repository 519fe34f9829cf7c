//! How each resource is listed (top-level, under its parents, or from a
//! parent's expansion) and the plan `backfill --plan` prints: the requests
//! it takes and an ETA, estimated from the first page of each top-level
//! list the run lists from the start (one request each) and from the
//! database for the rest.

use super::*;

/// The parent object filling a list parameter, as the registry links it.
pub(super) fn param_parent(p: &'static Param) -> Option<&'static Resource> {
    p.object.and_then(resource)
}

pub(super) fn list_plan(res: &'static Resource) -> Option<ListPlan> {
    if let Some(endpoint) = res
        .list_endpoints
        .iter()
        .find(|e| e.params.is_empty() && !e.path.contains('{') && !e.partial)
    {
        return Some(ListPlan::TopLevel {
            endpoint,
            created: endpoint.supports_created,
        });
    }
    for endpoint in res.list_endpoints {
        let [param] = endpoint.params else { continue };
        let Some(parent) = param_parent(param) else {
            continue;
        };
        if parent.object == res.object {
            continue;
        }
        if param.in_path && !endpoint.path.contains(&format!("{{{}}}", param.name)) {
            continue;
        }
        // Only a complete list can stand for the parent's children: a
        // filtered one (`customer.subscriptions`) never skips a parent.
        let embedded_field = parent
            .embedded_lists
            .iter()
            .find(|e| e.object == res.object && e.complete)
            .map(|e| e.field);
        return Some(ListPlan::Nested(NestedList {
            endpoint,
            param,
            parent,
            embedded_field,
        }));
    }
    None
}

pub(super) fn level(res: &'static Resource, depth: usize) -> usize {
    match list_plan(res) {
        Some(ListPlan::Nested(NestedList { parent, .. })) if depth < 8 => {
            1 + level(parent, depth + 1)
        }
        _ => 0,
    }
}

/// How `res` is listed when the run backfills `selected`.
pub(super) fn source_of(
    res: &'static Resource,
    selected: &[&'static Resource],
) -> Option<ListSource> {
    Some(match list_plan(res)? {
        ListPlan::TopLevel { endpoint, .. } => ListSource::TopLevel {
            path: endpoint.path,
        },
        ListPlan::Nested(NestedList {
            endpoint,
            parent,
            embedded_field,
            ..
        }) => {
            let from_parent = embedded_field.filter(|f| {
                selected.iter().any(|s| s.table == parent.table)
                    && matches!(list_plan(parent), Some(ListPlan::TopLevel { .. }))
                    && parent.embedded_lists.iter().any(|e| {
                        e.field == *f
                            && e.object == res.object
                            && (!e.includable || e.expandable_in_lists)
                    })
            });
            match from_parent {
                Some(field) => ListSource::FromParent {
                    parent: parent.object,
                    field,
                    path: endpoint.path,
                },
                None => ListSource::PerParent {
                    parent: parent.object,
                    path: endpoint.path,
                },
            }
        }
    })
}

/// The `expand[]` parameters of a top-level list of `res`: its includable
/// embedded lists whose items this run takes from it (one per property;
/// `data.<field>` is two levels, within Stripe's four).
pub(super) fn expansions(
    res: &'static Resource,
    selected: &[&'static Resource],
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for e in res
        .embedded_lists
        .iter()
        .filter(|e| e.includable && e.expandable_in_lists && e.complete)
    {
        let Some(child) = selected.iter().find(|s| s.object == e.object) else {
            continue;
        };
        // Children with a list of their own come from it; any other parent
        // embedding them gives them (a line item belongs to a quote, a
        // Checkout Session or a Payment Link), though only the parent their
        // plan names is listed one by one for the rest.
        let takes = !matches!(list_plan(child), Some(ListPlan::TopLevel { .. }) | None);
        let param = ("expand[]".to_string(), format!("data.{}", e.field));
        if takes && !out.contains(&param) {
            out.push(param);
        }
    }
    out
}

/// The resources a request selects, in backfill order.
pub(super) fn select(req: &BackfillRequest) -> Result<Vec<&'static Resource>> {
    let ordered = || BACKFILL_ORDER.iter().filter_map(|t| resource_by_table(t));
    match &req.objects {
        None => Ok(ordered().filter(|r| list_plan(r).is_some()).collect()),
        Some(names) => {
            let mut wanted = Vec::new();
            for n in names {
                let r = resource(n)
                    .or_else(|| resource_by_table(n))
                    .ok_or_else(|| Error::Unsupported(crate::objects::unknown_object(n)))?;
                wanted.push(r.table);
            }
            Ok(ordered().filter(|r| wanted.contains(&r.table)).collect())
        }
    }
}

/// What the first page of a top-level list says of the whole list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Probe {
    /// Objects, estimated.
    objects: u64,
    /// Pages, estimated.
    pages: u64,
}

/// Reads the first page of `endpoint`'s list and estimates its size: exact
/// when it is the only page. Else, for a list that filters by `created`, the
/// density of objects over time is sampled with [`SAMPLES`] more pages, each
/// the newest objects before a point spread from the first page's oldest
/// object back to the account's `created`, and summed piecewise (objects
/// are rarely spread evenly over an account's life: a recent burst would
/// make the first page alone foresee far too many); without `created`, from
/// how much of the account's life the first page covers. A list the key may not
/// read, or that fails, counts as one empty page (the run says why).
async fn probe(inner: &Arc<Context>, endpoint: &'static ListEndpoint) -> Probe {
    let empty = Probe {
        objects: 0,
        pages: 1,
    };
    let Some(first) = sample(inner, endpoint, None).await else {
        return empty;
    };
    if !first.has_more {
        return Probe {
            objects: first.n,
            pages: 1,
        };
    }
    let oldest = inner.account_created().await;
    let (Some(newest), Some(page_oldest), Some(oldest)) = (first.newest, first.oldest, oldest)
    else {
        // Without dates, at least one more page.
        return Probe {
            objects: 2 * first.n,
            pages: 2,
        };
    };
    if !endpoint.supports_created {
        let more = slices::estimate_pages(Some(newest), Some(page_oldest), Some(oldest))
            .unwrap_or(1)
            .max(1);
        return Probe {
            objects: first.n * (1 + more),
            pages: 1 + more,
        };
    }
    // Points from the first page's oldest object back to the account's
    // start; at each, the density of the objects just before it (the n
    // objects of a page of them over the time they span). Between two
    // points, the mean of their densities; past the last, half its density
    // (tailing off to the account's start). A page that is the last one
    // counts exactly.
    let mut total = first.n as f64;
    let mut above: Option<(i64, f64)> = None;
    for k in 0..SAMPLES as i64 {
        let at = page_oldest - (page_oldest - oldest) * k / SAMPLES as i64;
        let Some(b) = sample(inner, endpoint, Some(at)).await else {
            break;
        };
        let d = b.n as f64 / (at - b.oldest.unwrap_or(at - 1)).max(1) as f64;
        if let Some((upper, upper_d)) = above {
            total += (upper_d + d) / 2.0 * (upper - at).max(0) as f64;
        }
        if !b.has_more {
            total += b.n as f64;
            above = None;
            break;
        }
        above = Some((at, d));
    }
    if let Some((upper, upper_d)) = above {
        total += upper_d / 2.0 * (upper - oldest).max(0) as f64;
    }
    let objects = total.round().max(first.n as f64) as u64;
    Probe {
        objects,
        pages: objects.div_ceil(crate::listing::PAGE_SIZE).max(2),
    }
}

/// Pages read per list to sample its density, besides its first.
const SAMPLES: u64 = 3;

/// One page of a list: its size, whether more follow, and the `created` of
/// its first and last objects.
struct Sample {
    n: u64,
    has_more: bool,
    newest: Option<i64>,
    oldest: Option<i64>,
}

/// The first page of `endpoint`'s list, of the objects created before
/// `before` when given. `None` when it could not be read.
async fn sample(
    inner: &Arc<Context>,
    endpoint: &'static ListEndpoint,
    before: Option<i64>,
) -> Option<Sample> {
    let page = match Listing::of(endpoint)
        .created(None, before)
        .next_page(&inner.client)
        .await
    {
        Ok(page) => page?,
        Err(e) => {
            tracing::debug!(list = endpoint.path, error = %e, "plan: a page not read");
            return None;
        }
    };
    let created = |i: Option<&Box<RawValue>>| i.and_then(|i| objects::head(i.get()).ok()?.created);
    Some(Sample {
        n: page.items.len() as u64,
        has_more: page.has_more && !page.items.is_empty(),
        newest: created(page.items.first()),
        oldest: created(page.items.last()),
    })
}

/// The plan of a backfill: how each selected resource is listed and what it
/// costs. Each top-level list the run lists from the start (no complete
/// cursor, or `full`) has its first page read, one request each, and its
/// size estimated from it; the lists under its objects are estimated from
/// that. The rest come from the database: an incremental top-level list is
/// one page, a per-parent list one request per parent written since.
pub(crate) async fn plan(inner: &Arc<Context>, req: &BackfillRequest) -> Result<BackfillPlan> {
    let schema = &inner.config.schema;
    let selected = select(req)?;
    let account = inner.account_id().await?;
    let pool = &inner.pool;
    let mut complete: BTreeMap<&'static str, Option<DateTime<Utc>>> = BTreeMap::new();
    for r in &selected {
        let states = state::load(schema, pool, &account, r.table).await?;
        if let Some(root) = states
            .iter()
            .find(|s| s.scope.is_empty() && s.status == Status::Complete)
        {
            complete.insert(r.table, root.high_water);
        }
    }
    // The first page of each top-level list listed from the start.
    let mut probed: BTreeMap<&'static str, Probe> = BTreeMap::new();
    for r in &selected {
        if let Some(ListPlan::TopLevel { endpoint, .. }) = list_plan(r) {
            if req.full || !complete.contains_key(r.table) {
                probed.insert(r.table, probe(inner, endpoint).await);
            }
        }
    }
    // Whether a resource needing another can hold nothing: the other's
    // first page found none, or its complete list wrote no row.
    let mut nothing: BTreeMap<&'static str, bool> = BTreeMap::new();
    for r in &selected {
        let Some(needed) = r.needs.and_then(|n| resource(n.object)) else {
            continue;
        };
        let none = match probed.get(needed.table) {
            Some(p) => p.objects == 0,
            None if complete.contains_key(needed.table) => {
                !store::has_rows(schema, pool, needed, &account).await?
            }
            None => false,
        };
        nothing.insert(r.table, none);
    }
    let mut resources = Vec::new();
    for r in &selected {
        let Some(source) = source_of(r, &selected) else {
            continue;
        };
        let expected_requests = match (source, list_plan(r)) {
            _ if nothing.get(r.table) == Some(&true) => Some(0),
            // Incremental: what was created since its last run, a page.
            (ListSource::TopLevel { .. }, _) => Some(probed.get(r.table).map_or(1, |p| p.pages)),
            (
                _,
                Some(ListPlan::Nested(NestedList {
                    parent,
                    embedded_field,
                    ..
                })),
            ) => {
                let parent_first_listed = selected.iter().any(|s| s.table == parent.table)
                    && (req.full || !complete.contains_key(parent.table));
                if parent_first_listed {
                    // One request per parent the first page foresees; lists
                    // read from parents: only those with more, unknown.
                    match source {
                        ListSource::PerParent { .. } => probed.get(parent.table).map(|p| p.objects),
                        _ => None,
                    }
                } else {
                    // As the run walks them: after the last parent done when
                    // resuming, else the parents written since the last
                    // complete run (every one with `full`).
                    let root = state::load(schema, pool, &account, r.table)
                        .await?
                        .into_iter()
                        .find(|s| s.scope.is_empty());
                    let at = |secs: Option<i64>| {
                        secs.and_then(|t| chrono::TimeZone::timestamp_opt(&Utc, t, 0).single())
                    };
                    let (after, since) = match root {
                        Some(s) if s.status != Status::Complete && !req.full => {
                            match s.cursor::<ParentsCursor>(r.table) {
                                Some(c) => (c.parent_after, at(c.since)),
                                None => (String::new(), None),
                            }
                        }
                        Some(s) if !req.full => (String::new(), s.high_water),
                        _ => (String::new(), None),
                    };
                    let parents = store::Parents {
                        resource: parent,
                        account: &account,
                        skip_complete_list: embedded_field,
                        synced_since: since,
                    };
                    let n = store::count_parents(schema, pool, &parents, &after).await?;
                    Some(n.max(0) as u64)
                }
            }
            _ => None,
        };
        resources.push(PlannedResource {
            object: r.object,
            table: r.table,
            source,
            expected_requests,
        });
    }
    resources.sort_by_key(|p| {
        (
            !matches!(p.source, ListSource::TopLevel { .. }),
            selected.iter().position(|s| s.table == p.table),
        )
    });
    let objects: Vec<&str> = selected.iter().map(|r| r.object).collect();
    let not_permitted = store::last_results(schema, pool, &account, &objects)
        .await?
        .into_iter()
        .filter(|(_, status, _, _)| status == ObjectStatus::NotPermitted.as_str())
        .map(|(object, _, error, at)| NotPermitted {
            permission: error
                .as_deref()
                .and_then(needed_permission)
                .map(str::to_string),
            object,
            at,
        })
        .collect();
    Ok(BackfillPlan {
        resources,
        not_permitted,
        requests_per_second: inner.config.requests_per_second(),
        endpoint_requests_per_second: crate::ratelimit::EndpointLimiters::for_config(&inner.config)
            .rate_of("GET /v1/customers"),
    })
}
