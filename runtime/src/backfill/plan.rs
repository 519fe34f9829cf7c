//! How each resource is listed (top-level, under its parents, or from a
//! parent's expansion) and the plan `backfill --plan` prints: the requests
//! it takes and an ETA, with no list request made.

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

/// The plan of a backfill: how each selected resource is listed and what it
/// costs, from the database alone (no list request).
pub(crate) async fn plan(inner: &Arc<Context>, req: &BackfillRequest) -> Result<BackfillPlan> {
    let selected = select(req)?;
    let account = inner.account_id().await?;
    let pool = &inner.pool;
    let mut complete: BTreeMap<&'static str, Option<DateTime<Utc>>> = BTreeMap::new();
    for r in &selected {
        let states = state::load(pool, &account, r.table).await?;
        if let Some(root) = states
            .iter()
            .find(|s| s.scope.is_empty() && s.status == Status::Complete)
        {
            complete.insert(r.table, root.high_water);
        }
    }
    let mut resources = Vec::new();
    for r in &selected {
        let Some(source) = source_of(r, &selected) else {
            continue;
        };
        let expected_requests = match (source, list_plan(r)) {
            (ListSource::TopLevel { .. }, _) => None,
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
                    None
                } else {
                    let since = complete
                        .get(r.table)
                        .copied()
                        .flatten()
                        .filter(|_| !req.full);
                    let n =
                        store::count_parents(pool, parent, &account, embedded_field, since).await?;
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
    let not_permitted = store::last_results(pool, &account, &objects)
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
