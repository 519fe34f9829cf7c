//! `verify`: proves the mirror equals Stripe, or says where it does not.
//!
//! Per account, each named type's top-level list is read window by window
//! over `created` ([`windows`]), with the backfill's list parameters
//! (`status=all` and the like), and compared with the mirror's rows of the
//! same window ([`compare`]):
//!
//! * **missing**: listed by Stripe, absent or soft-deleted in the mirror;
//! * **stale**: in both, and a property Stripe sent differs;
//! * **extra**: live in the mirror, not in Stripe's list of its window.
//!
//! Nothing counts until it is read again ([`confirm`]): at least two
//! seconds after its page, a retrieve, then the mirror's row again. With
//! `children`, the embedded lists of the listed parents (complete ones)
//! are compared with their tables too (missing and stale items).
//!
//! Without a budget a run lists every window once: the backfill's pages
//! plus one partial page per 20, then one retrieve per candidate. With a
//! budget it lists a random sample of smaller windows and states, per type,
//! a one-sided 95% Clopper–Pearson bound on the share that differs
//! ([`bound`]). Every request goes through the account's and endpoint's
//! budgets as any other.
//!
//! `repair` writes Stripe's state over each confirmed difference under the
//! usual version rule. Runs are `sync_runs` of kind `verify`; what each
//! found is kept in `stripe_sync.verify_objects` and
//! `stripe_sync.verify_differences` ([`record`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use stripe_sync_generated::{resource, Resource};

use crate::backfill;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::listing::Listing;
use crate::objects;
use crate::store::{self, RunKind, RunStatus};

pub mod bound;
mod compare;
mod confirm;
mod record;
mod windows;

use confirm::{Current, Reread};
use windows::{TypePlan, Window};

/// What to verify.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct VerifyRequest {
    /// Object strings or tables with a top-level list; `None`: every one.
    pub objects: Option<Vec<String>>,
    /// At most this many requests per account: windows are sampled.
    pub budget: Option<u64>,
    /// Write Stripe's state over each confirmed difference.
    pub repair: bool,
    /// Also compare the items of the listed parents' embedded lists.
    pub children: bool,
}

/// How the mirror differs from Stripe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DifferenceKind {
    /// Live at Stripe; no row, or a soft-deleted one.
    Missing,
    /// In both, with different content.
    Stale,
    /// Live in the mirror; gone at Stripe.
    Extra,
}

impl DifferenceKind {
    /// The value stored in `verify_differences.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            DifferenceKind::Missing => "missing",
            DifferenceKind::Stale => "stale",
            DifferenceKind::Extra => "extra",
        }
    }
}

/// One confirmed difference.
#[derive(Clone, Debug)]
pub struct Difference {
    /// The object string.
    pub object: String,
    /// The object's id.
    pub id: String,
    /// What differs.
    pub kind: DifferenceKind,
    /// The parent whose embedded list holds it (children only).
    pub parent_id: Option<String>,
    /// A short explanation (the properties that differ).
    pub detail: String,
    /// The row's version when found (`None`: no row).
    pub stored_version: Option<DateTime<Utc>>,
    /// The version the repair wrote (`None`: not repaired).
    pub repaired_version: Option<DateTime<Utc>>,
}

/// What a run compared and found for one type.
#[derive(Clone, Debug, Default)]
pub struct TypeReport {
    /// The object string.
    pub object: String,
    /// Live rows in the mirror when the run planned it (0 for children).
    pub mirror_rows: u64,
    /// Windows its list was cut into (0 for children).
    pub windows: u64,
    /// Windows listed in full and compared.
    pub windows_checked: u64,
    /// Objects compared.
    pub checked: u64,
    /// Confirmed missing.
    pub missing: u64,
    /// Confirmed stale.
    pub stale: u64,
    /// Confirmed extra.
    pub extra: u64,
    /// Differences repaired.
    pub repaired: u64,
    /// Candidates left unconfirmed: the budget ran out.
    pub unconfirmed: u64,
    /// Requests made for it (pages and retrieves).
    pub requests: u64,
    /// At [`bound::CONFIDENCE`], fewer than this share of its objects differ.
    pub upper_bound: Option<f64>,
    /// Why it was not verified (the key may not read it).
    pub skipped: Option<String>,
}

impl TypeReport {
    /// Missing, stale and extra.
    pub fn differences(&self) -> u64 {
        self.missing + self.stale + self.extra
    }

    /// The share of its objects compared (1 when every window was).
    pub fn fraction(&self) -> f64 {
        if self.windows > 0 && self.windows_checked == self.windows {
            return 1.0;
        }
        let total = self.mirror_rows.max(self.checked);
        if total == 0 {
            0.0
        } else {
            self.checked as f64 / total as f64
        }
    }
}

/// The result of verifying one account.
#[derive(Clone, Debug)]
pub struct VerifyReport {
    /// The `sync_runs` id.
    pub run_id: i64,
    /// The account.
    pub account: String,
    /// How the run ended.
    pub status: RunStatus,
    /// Whether windows were sampled (a budget smaller than a full run).
    pub sampled: bool,
    /// Requests made.
    pub requests: u64,
    /// Per type: the named ones in backfill order, then children.
    pub types: Vec<TypeReport>,
    /// The confirmed differences.
    pub differences: Vec<Difference>,
    /// Errors that failed the run.
    pub errors: Vec<String>,
    /// How long it took.
    pub duration: Duration,
}

impl VerifyReport {
    /// Confirmed differences in all.
    pub fn difference_count(&self) -> u64 {
        self.types.iter().map(TypeReport::differences).sum()
    }
}

/// The request budget of a run.
struct Budget {
    limit: Option<u64>,
    spent: AtomicU64,
}

impl Budget {
    /// Takes one request; `false` when none is left.
    fn take(&self) -> bool {
        match self.limit {
            None => {
                self.spent.fetch_add(1, Ordering::Relaxed);
                true
            }
            Some(limit) => self
                .spent
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |s| {
                    (s < limit).then_some(s + 1)
                })
                .is_ok(),
        }
    }
}

struct Run {
    inner: Arc<Context>,
    account: String,
    run_id: i64,
    req: VerifyRequest,
    budget: Budget,
}

/// What one window found.
struct WindowOutcome {
    res: &'static Resource,
    /// Listed in full and compared.
    complete: bool,
    checked: u64,
    requests: u64,
    unconfirmed: u64,
    /// Per child object: items compared, requests.
    children: BTreeMap<&'static str, (u64, u64)>,
    findings: Vec<Difference>,
}

/// A difference to read again.
struct Candidate {
    res: &'static Resource,
    id: String,
    parent: Option<(String, &'static str)>,
    /// Listed by Stripe with no row in the mirror: its listed JSON. The
    /// list proves it exists, so only the row is read again (a webhook may
    /// have written it meanwhile), with no request.
    unmirrored: Option<String>,
}

/// Verifies the account `inner` acts as.
pub(crate) async fn verify(inner: &Arc<Context>, req: VerifyRequest) -> Result<VerifyReport> {
    let schema = &inner.config.schema;
    let started = Instant::now();
    let selected: Vec<&'static Resource> = backfill::select_resources(req.objects.as_deref())?
        .into_iter()
        .filter(|r| backfill::top_level_list(r).is_some())
        .collect();
    if selected.is_empty() {
        return Err(Error::Unsupported(
            "none of these types has a top-level list: a child is verified through its parent with --children (e.g. verify subscription --children)".into(),
        ));
    }
    let account = inner.account_id().await?;
    let (run_id, _) =
        store::start_run(schema, &inner.pool, RunKind::Verify, &account, &json!(req)).await?;
    let _heartbeat = store::keep_alive(schema, &inner.pool, run_id);
    tracing::info!(run_id, types = selected.len(), budget = ?req.budget, "verify started");
    let per_window = if req.budget.is_some() {
        windows::SAMPLED_WINDOW_ROWS
    } else {
        windows::FULL_WINDOW_ROWS
    };
    let mut plans: Vec<TypePlan> = Vec::new();
    let mut unmirrored: Vec<TypeReport> = Vec::new();
    for res in &selected {
        if let Some((endpoint, created)) = backfill::top_level_list(res) {
            let plan = windows::plan_type(
                schema,
                &inner.pool,
                &account,
                res,
                endpoint,
                created,
                per_window,
            )
            .await?;
            // No row and never backfilled for this account: not mirrored,
            // rather than every object missing (and listed for nothing).
            if plan.rows == 0 && !ever_backfilled(inner, &account, res).await? {
                unmirrored.push(TypeReport {
                    object: res.object.to_string(),
                    skipped: Some(format!(
                        "not mirrored: no row, and no backfill of it for this account (`stripe-sync backfill {}` mirrors it)",
                        res.object
                    )),
                    ..Default::default()
                });
                continue;
            }
            plans.push(plan);
        }
    }
    let chosen = windows::sample(&plans, req.budget);
    let all_windows: usize = plans.iter().map(|p| p.windows.len()).sum();
    let sampled = chosen.len() < all_windows;
    let run = Arc::new(Run {
        inner: inner.clone(),
        account: account.clone(),
        run_id,
        budget: Budget {
            limit: req.budget,
            spent: AtomicU64::new(0),
        },
        req,
    });
    let outcomes = run_windows(&run, chosen).await;
    let mut report = VerifyReport {
        run_id,
        account,
        status: RunStatus::Succeeded,
        sampled,
        requests: run.budget.spent.load(Ordering::Relaxed),
        types: Vec::new(),
        differences: Vec::new(),
        errors: Vec::new(),
        duration: Duration::ZERO,
    };
    tally(&mut report, &plans, outcomes);
    report.types.extend(unmirrored);
    for t in &report.types {
        record::type_report(schema, &inner.pool, run_id, &report.account, t).await?;
    }
    if !report.errors.is_empty() {
        report.status = RunStatus::Failed;
    }
    let checked: u64 = report.types.iter().map(|t| t.checked).sum();
    let repaired: u64 = report.types.iter().map(|t| t.repaired).sum();
    let error = (!report.errors.is_empty()).then(|| report.errors.join("; "));
    store::finish_run(
        schema,
        &inner.pool,
        run_id,
        report.status,
        checked as i64,
        repaired as i64,
        error.as_deref(),
    )
    .await?;
    report.duration = started.elapsed();
    tracing::info!(
        run_id,
        checked,
        differences = report.difference_count(),
        repaired,
        requests = report.requests,
        elapsed = ?report.duration,
        "verify finished"
    );
    Ok(report)
}

/// Whether a backfill of `res` ever started for `account` (it has a cursor).
async fn ever_backfilled(inner: &Context, account: &str, res: &Resource) -> Result<bool> {
    let schema = &inner.config.schema;
    let states = crate::state::load(schema, &inner.pool, account, res.table).await?;
    Ok(states.iter().any(|s| s.scope.is_empty()))
}

/// Runs the windows, as many at once as the backfill's concurrency.
async fn run_windows(
    run: &Arc<Run>,
    chosen: Vec<Window>,
) -> Vec<(&'static Resource, Result<WindowOutcome>)> {
    let sem = Arc::new(tokio::sync::Semaphore::new(
        run.inner.config.backfill_concurrency.max(1),
    ));
    let mut set = tokio::task::JoinSet::new();
    for w in chosen {
        let run = run.clone();
        let sem = sem.clone();
        set.spawn(async move {
            let _permit = sem.acquire_owned().await;
            let res = w.res;
            (res, verify_window(&run, &w).await)
        });
    }
    let mut out = Vec::new();
    while let Some(r) = set.join_next().await {
        match r {
            Ok(o) => out.push(o),
            Err(e) => tracing::error!(error = %e, "verify window task failed"),
        }
    }
    out
}

/// Folds the windows' outcomes into per-type reports.
fn tally(
    report: &mut VerifyReport,
    plans: &[TypePlan],
    outcomes: Vec<(&'static Resource, Result<WindowOutcome>)>,
) {
    let mut types: BTreeMap<&'static str, TypeReport> = BTreeMap::new();
    let mut order: Vec<&'static str> = Vec::new();
    for p in plans {
        order.push(p.res.object);
        types.insert(
            p.res.object,
            TypeReport {
                object: p.res.object.to_string(),
                mirror_rows: p.rows.max(0) as u64,
                windows: p.windows.len() as u64,
                ..Default::default()
            },
        );
    }
    for (res, outcome) in outcomes {
        let o = match outcome {
            Ok(o) => o,
            Err(e) => {
                let t = types.entry(res.object).or_default();
                match &e {
                    Error::Stripe(c) if c.is_permission_error() || c.is_not_found() => {
                        t.skipped = Some(e.to_string());
                    }
                    _ => report.errors.push(format!("{}: {e}", res.object)),
                }
                continue;
            }
        };
        let t = types.entry(o.res.object).or_default();
        t.requests += o.requests;
        t.unconfirmed += o.unconfirmed;
        if o.complete {
            t.windows_checked += 1;
            t.checked += o.checked;
        }
        for (child, (checked, requests)) in o.children {
            let c = types.entry(child).or_insert_with(|| TypeReport {
                object: child.to_string(),
                ..Default::default()
            });
            if !order.contains(&child) {
                order.push(child);
            }
            c.checked += checked;
            c.requests += requests;
        }
        for d in o.findings {
            let Some(object) = resource(&d.object).map(|r| r.object) else {
                continue;
            };
            let t = types.entry(object).or_default();
            match d.kind {
                DifferenceKind::Missing => t.missing += 1,
                DifferenceKind::Stale => t.stale += 1,
                DifferenceKind::Extra => t.extra += 1,
            }
            if d.repaired_version.is_some() {
                t.repaired += 1;
            }
            report.differences.push(d);
        }
    }
    for object in order {
        if let Some(mut t) = types.remove(object) {
            t.object = object.to_string();
            t.upper_bound = bound::upper_bound(t.differences(), t.checked, bound::CONFIDENCE);
            report.types.push(t);
        }
    }
}

/// Lists one window, compares it with the mirror, and confirms (and
/// repairs) what differs. A window the budget cannot list to its end is
/// not compared.
async fn verify_window(run: &Run, w: &Window) -> Result<WindowOutcome> {
    let inner = &run.inner;
    let schema = &inner.config.schema;
    let expand = if run.req.children {
        backfill::list_expansions(w.res)
    } else {
        Vec::new()
    };
    let mut listing = Listing::of(w.endpoint).created(w.gte, w.lt).with(&expand);
    let mut out = WindowOutcome {
        res: w.res,
        complete: false,
        checked: 0,
        requests: 0,
        unconfirmed: 0,
        children: BTreeMap::new(),
        findings: Vec::new(),
    };
    let mut listed: HashMap<String, String> = HashMap::new();
    // Children: (resource, parent id, field) -> item texts by id.
    let mut children: Vec<(&'static Resource, String, &'static str, String, String)> = Vec::new();
    while !listing.is_done() {
        if !run.budget.take() {
            return Ok(out);
        }
        out.requests += 1;
        let Some(page) = listing.next_page(&inner.client).await? else {
            break;
        };
        for item in page.items {
            let text: String = item.get().to_owned();
            let head = objects::head(&text)
                .map_err(|e| Error::InvalidPayload(format!("list item: {e}")))?;
            if head.object.as_deref().is_some_and(|o| o != w.res.object) {
                continue;
            }
            let Some(id) = head.id else { continue };
            if run.req.children {
                for emb in objects::embedded_lists(w.res, &text) {
                    if emb.has_more {
                        continue;
                    }
                    let field = emb.field();
                    for t in emb.items {
                        let h = objects::head(&t).ok();
                        let child = h
                            .as_ref()
                            .and_then(|h| h.object.as_deref())
                            .and_then(resource);
                        if let (Some(cres), Some(cid)) = (child, h.and_then(|h| h.id)) {
                            children.push((cres, id.clone(), field, cid, t));
                        }
                    }
                }
            }
            listed.insert(id, text);
        }
    }
    out.complete = true;
    let listed_at = Instant::now();
    let pool = &inner.pool;
    let stored = compare::stored_window(schema, pool, &run.account, w).await?;
    let mut candidates: Vec<Candidate> = Vec::new();
    for (id, text) in &listed {
        let differs = match stored.get(id) {
            None => true,
            Some(s) if s.deleted => true,
            Some(s) => {
                let v: Value =
                    serde_json::from_str(text).map_err(|e| Error::InvalidPayload(e.to_string()))?;
                compare::differs(w.res, &v, &s.raw).is_some()
            }
        };
        if differs {
            candidates.push(Candidate {
                res: w.res,
                id: id.clone(),
                parent: None,
                unmirrored: (!stored.contains_key(id)).then(|| text.clone()),
            });
        }
    }
    let mut checked = listed.len() as u64;
    for (id, s) in &stored {
        if !s.deleted && !listed.contains_key(id) {
            checked += 1;
            candidates.push(Candidate {
                res: w.res,
                id: id.clone(),
                parent: None,
                unmirrored: None,
            });
        }
    }
    out.checked = checked;
    let mut by_child: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for (cres, _, _, cid, _) in &children {
        by_child.entry(cres.table).or_default().push(cid.clone());
    }
    let mut stored_children: HashMap<&'static str, HashMap<String, compare::Stored>> =
        HashMap::new();
    for (table, ids) in by_child {
        if let Some(cres) = stripe_sync_generated::resource_by_table(table) {
            stored_children.insert(
                table,
                compare::stored_ids(schema, pool, &run.account, cres, &ids).await?,
            );
        }
    }
    for (cres, parent_id, field, cid, text) in &children {
        out.children.entry(cres.object).or_default().0 += 1;
        let s = stored_children.get(cres.table).and_then(|m| m.get(cid));
        let differs = match s {
            None => true,
            Some(s) if s.deleted => true,
            Some(s) => {
                let v: Value =
                    serde_json::from_str(text).map_err(|e| Error::InvalidPayload(e.to_string()))?;
                compare::differs(cres, &v, &s.raw).is_some()
            }
        };
        if differs {
            candidates.push(Candidate {
                res: cres,
                id: cid.clone(),
                parent: Some((parent_id.clone(), field)),
                unmirrored: s.is_none().then(|| text.clone()),
            });
        }
    }
    if !candidates.is_empty() {
        let wait = confirm::SETTLE.saturating_sub(listed_at.elapsed());
        tokio::time::sleep(wait).await;
    }
    // Stripe's current version of each candidate first, then their rows read
    // in one query per type: each row is read after its object's re-read.
    let mut confirmed = Vec::with_capacity(candidates.len());
    for c in candidates {
        let now = match &c.unmirrored {
            Some(listed) => Current::Live(listed.clone()),
            None => {
                if !run.budget.take() {
                    out.unconfirmed += 1;
                    continue;
                }
                match &c.parent {
                    Some(_) => out.children.entry(c.res.object).or_default().1 += 1,
                    None => out.requests += 1,
                }
                let how = match &c.parent {
                    Some((parent_id, field)) => Reread::Parent {
                        parent: w.res,
                        parent_id,
                        field,
                    },
                    None => Reread::Retrieve,
                };
                confirm::current(inner, c.res, &c.id, how).await?
            }
        };
        confirmed.push((c, now));
    }
    let mut stored_rows: HashMap<&'static str, HashMap<String, compare::Stored>> = HashMap::new();
    for (c, _) in &confirmed {
        if stored_rows.contains_key(c.res.table) {
            continue;
        }
        let ids: Vec<String> = confirmed
            .iter()
            .filter(|(o, _)| o.res.table == c.res.table)
            .map(|(o, _)| o.id.clone())
            .collect();
        stored_rows.insert(
            c.res.table,
            compare::stored_ids(schema, pool, &run.account, c.res, &ids).await?,
        );
    }
    for (c, now) in confirmed {
        let stored = stored_rows.get(c.res.table).and_then(|m| m.get(&c.id));
        if c.unmirrored.is_some() && stored.is_some() {
            // Written since the list (by a webhook): no longer missing.
            continue;
        }
        let Some((kind, detail)) = confirm::judge(c.res, &now, stored)? else {
            continue;
        };
        let repaired_version = if run.req.repair {
            confirm::repair(inner, &run.account, c.res, &c.id, kind, &now, stored).await?
        } else {
            None
        };
        let d = Difference {
            object: c.res.object.to_string(),
            id: c.id.clone(),
            kind,
            parent_id: c.parent.as_ref().map(|p| p.0.clone()),
            detail,
            stored_version: stored.map(|s| s.version),
            repaired_version,
        };
        tracing::info!(object = %d.object, id = %d.id, kind = d.kind.as_str(), detail = %d.detail, repaired = d.repaired_version.is_some(), "difference");
        record::difference(schema, pool, run.run_id, &run.account, &d).await?;
        out.findings.push(d);
    }
    Ok(out)
}

/// `verify --json`: `{"types": {object: {"checked", "missing", "stale",
/// "extra", "repaired", "unconfirmed"}}, "accounts": {account: {"run_id",
/// "status", "requests", "sampled", "types": {…}}}}`, counts summed over
/// the accounts under `types`; sampled types carry `fraction` and
/// `upper_bound` under `coverage`.
pub fn report_json(reports: &[VerifyReport]) -> Value {
    let counts = |t: &TypeReport| {
        json!({
            "checked": t.checked,
            "missing": t.missing,
            "stale": t.stale,
            "extra": t.extra,
            "repaired": t.repaired,
            "unconfirmed": t.unconfirmed,
        })
    };
    let mut total: BTreeMap<String, TypeReport> = BTreeMap::new();
    let mut accounts = serde_json::Map::new();
    for r in reports {
        let mut types = serde_json::Map::new();
        let mut coverage = serde_json::Map::new();
        for t in &r.types {
            types.insert(t.object.clone(), counts(t));
            if r.sampled {
                coverage.insert(
                    t.object.clone(),
                    json!({"fraction": t.fraction(), "upper_bound": t.upper_bound}),
                );
            }
            let s = total.entry(t.object.clone()).or_default();
            s.object = t.object.clone();
            s.checked += t.checked;
            s.missing += t.missing;
            s.stale += t.stale;
            s.extra += t.extra;
            s.repaired += t.repaired;
            s.unconfirmed += t.unconfirmed;
        }
        let mut a = json!({
            "run_id": r.run_id,
            "status": r.status.as_str(),
            "requests": r.requests,
            "sampled": r.sampled,
            "types": types,
        });
        if r.sampled {
            a["coverage"] = Value::Object(coverage);
            a["method"] = json!(bound::METHOD);
        }
        if !r.errors.is_empty() {
            a["errors"] = json!(r.errors);
        }
        accounts.insert(r.account.clone(), a);
    }
    let types: serde_json::Map<String, Value> =
        total.iter().map(|(k, t)| (k.clone(), counts(t))).collect();
    json!({"types": types, "accounts": accounts})
}
