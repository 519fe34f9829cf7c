//! Backfill: list every selected resource from the API into its table.
//!
//! * Top-level lists with `created` filters are cut into `created` slices on
//!   the fly (a slice halves when a worker is idle) and fetched concurrently;
//!   every other list is one stream.
//! * Nested lists (invoice lines, subscription items, customer tax ids, …)
//!   iterate their parents' ids from the database, parents first.
//! * Pages are split into per-object JSON texts without building `Value`
//!   trees, and stream through a bounded channel into batched upserts: one
//!   execution of the generated upsert per batch of pages, in one transaction
//!   with the slice's cursor, so a crash never skips a page.
//! * Cursors live in `_sync_state` (one row per resource, one per slice): an
//!   interrupted backfill resumes where it stopped; a later one fetches only
//!   objects created since the last complete one started, unless `full`.
//! * A session advisory lock per (account, resource) keeps two processes from
//!   backfilling the same resource at once; it dies with its connection.
//! * Every run is recorded in `_sync_runs` / `_sync_run_objects`.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::json;
use serde_json::value::RawValue;
use stripe_sync_generated::{
    resource, resource_by_table, ListEndpoint, Param, Resource, BACKFILL_ORDER,
};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

use crate::context::Context;
use crate::error::{Error, Result};
use crate::events::expand_list;
use crate::objects;
use crate::quarantine;
use crate::state::{self, Key, ParentsCursor, Progress, SliceCursor, SlicesCursor, Status};
use crate::store;

/// What to backfill.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct BackfillRequest {
    /// Object strings (`customer`, `checkout.session`) or table names; `None`
    /// means every resource with a list endpoint.
    pub objects: Option<Vec<String>>,
    /// Only objects created at or after this unix time (where the list
    /// supports `created` filters).
    pub created_gte: Option<i64>,
    /// Only objects created before this unix time.
    pub created_lt: Option<i64>,
    /// Ignore the cursors of complete backfills and fetch everything again
    /// (an interrupted backfill is resumed unless this is set).
    pub full: bool,
}

impl BackfillRequest {
    /// Every resource, incrementally.
    pub fn all() -> Self {
        BackfillRequest::default()
    }

    /// These objects (object strings or tables), incrementally.
    pub fn objects<I: IntoIterator<Item = S>, S: Into<String>>(objects: I) -> Self {
        BackfillRequest {
            objects: Some(objects.into_iter().map(Into::into).collect()),
            ..Default::default()
        }
    }

    /// Whether the request names a `created` range (a one-off slice of
    /// history rather than the resource as a whole).
    fn has_created_range(&self) -> bool {
        self.created_gte.is_some() || self.created_lt.is_some()
    }
}

/// The status of one object type in a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectStatus {
    /// Every page was fetched and written.
    Succeeded,
    /// Something failed; the cursor keeps what was done for the next run.
    Failed,
    /// Not fetched: no usable list endpoint, the key lacks permission, or the
    /// endpoint does not exist on this account.
    Skipped,
    /// Not fetched: another process completed it while this run waited for
    /// it (two backfills at once split the work).
    DoneByOtherRun,
    /// Stopped by an [`store::Interrupt`] after writing what it had fetched;
    /// the next run resumes from the cursor.
    Interrupted,
}

impl ObjectStatus {
    /// The value stored in `_sync_run_objects.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectStatus::Succeeded => "succeeded",
            ObjectStatus::Failed => "failed",
            ObjectStatus::Skipped => "skipped",
            ObjectStatus::DoneByOtherRun => "done_by_other_run",
            ObjectStatus::Interrupted => "interrupted",
        }
    }
}

/// The result of one object type.
#[derive(Clone, Debug)]
pub struct ObjectReport {
    /// The object string.
    pub object: String,
    /// The table.
    pub table: String,
    /// What happened.
    pub status: ObjectStatus,
    /// HTTP requests made (retries not counted).
    pub requests: u64,
    /// Objects listed.
    pub fetched: u64,
    /// Rows written (new or changed; embedded list items included).
    pub written: u64,
    /// Why it failed or was skipped.
    pub error: Option<String>,
    /// How long it took.
    pub duration: Duration,
    /// How it was listed (`None`: it has no usable list).
    pub source: Option<ListSource>,
    /// When it finished, from the start of the run.
    pub finished_after: Duration,
}

/// How a resource is listed in a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListSource {
    /// Its own top-level list, e.g. `/v1/customers`.
    TopLevel {
        /// The list's path.
        path: &'static str,
    },
    /// From its parent's list, where Stripe embeds it: always (`invoice.lines`)
    /// or when asked with `expand[]=data.<field>` (`customer.tax_ids`). Only
    /// parents whose embedded list says `has_more` are listed one by one, after
    /// every top-level list.
    FromParent {
        /// The parent's object.
        parent: &'static str,
        /// The parent's property holding the list.
        field: &'static str,
        /// The list under one parent, for the parents with more.
        path: &'static str,
    },
    /// A list under each parent, with no cheaper source: one request per
    /// parent at least, after every top-level list.
    PerParent {
        /// The parent's object.
        parent: &'static str,
        /// The list under one parent.
        path: &'static str,
    },
}

impl ListSource {
    /// One line for people: `top-level /v1/customers`,
    /// `from customer.tax_ids (expand[]=data.tax_ids)`, `per customer: GET …`.
    pub fn describe(&self) -> String {
        match self {
            ListSource::TopLevel { path } => format!("top-level {path}"),
            ListSource::FromParent {
                parent,
                field,
                path,
            } => {
                let asked = resource(parent)
                    .and_then(|p| p.embedded_lists.iter().find(|e| e.field == *field))
                    .is_some_and(|e| e.includable);
                if asked {
                    format!("from {parent}.{field} (expand[]=data.{field}); more: {path}")
                } else {
                    format!("from {parent}.{field}; more: {path}")
                }
            }
            ListSource::PerParent { parent, path } => format!("per {parent}: {path}"),
        }
    }

    /// The path template its requests go to.
    pub fn path(&self) -> &'static str {
        match self {
            ListSource::TopLevel { path }
            | ListSource::FromParent { path, .. }
            | ListSource::PerParent { path, .. } => path,
        }
    }
}

/// The result of a backfill run.
#[derive(Clone, Debug)]
pub struct BackfillReport {
    /// The `_sync_runs` id.
    pub run_id: i64,
    /// `false` when any object type failed or the run was interrupted.
    pub succeeded: bool,
    /// How the run ended (succeeded, failed or interrupted).
    pub status: store::RunStatus,
    /// Per object type, in backfill order.
    pub objects: Vec<ObjectReport>,
    /// Objects listed, in total.
    pub fetched: u64,
    /// Rows written, in total.
    pub written: u64,
    /// How long the run took.
    pub duration: Duration,
}

impl BackfillReport {
    /// The report of one object type (object string or table).
    pub fn object(&self, name: &str) -> Option<&ObjectReport> {
        self.objects
            .iter()
            .find(|o| o.object == name || o.table == name)
    }
}

/// How a resource is listed.
#[derive(Clone, Copy, Debug)]
enum ListPlan {
    /// A top-level list.
    TopLevel {
        endpoint: &'static ListEndpoint,
        created: bool,
    },
    /// A list under each object of a parent.
    Nested(NestedList),
}

/// A list under each object of `parent`, filling `param` with its id.
#[derive(Clone, Copy, Debug)]
struct NestedList {
    endpoint: &'static ListEndpoint,
    param: &'static Param,
    parent: &'static Resource,
    /// The parent's embedded list of these items, if any: parents whose
    /// embedded list is complete are skipped.
    embedded_field: Option<&'static str>,
}

/// The parent object filling a list parameter, as the registry links it.
fn param_parent(p: &'static Param) -> Option<&'static Resource> {
    p.object.and_then(resource)
}

fn list_plan(res: &'static Resource) -> Option<ListPlan> {
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

fn level(res: &'static Resource, depth: usize) -> usize {
    match list_plan(res) {
        Some(ListPlan::Nested(NestedList { parent, .. })) if depth < 8 => {
            1 + level(parent, depth + 1)
        }
        _ => 0,
    }
}

/// How `res` is listed when the run backfills `selected`.
fn source_of(res: &'static Resource, selected: &[&'static Resource]) -> Option<ListSource> {
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
fn expansions(res: &'static Resource, selected: &[&'static Resource]) -> Vec<(String, String)> {
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
fn select(req: &BackfillRequest) -> Result<Vec<&'static Resource>> {
    let ordered = || BACKFILL_ORDER.iter().filter_map(|t| resource_by_table(t));
    match &req.objects {
        None => Ok(ordered().filter(|r| list_plan(r).is_some()).collect()),
        Some(names) => {
            let mut wanted = Vec::new();
            for n in names {
                let r = resource(n)
                    .or_else(|| resource_by_table(n))
                    .ok_or_else(|| Error::Unsupported(format!("unknown object or table {n:?}")))?;
                wanted.push(r.table);
            }
            Ok(ordered().filter(|r| wanted.contains(&r.table)).collect())
        }
    }
}

/// How one resource will be listed, and the requests that will take.
#[derive(Clone, Debug)]
pub struct PlannedResource {
    /// The object string.
    pub object: &'static str,
    /// The table.
    pub table: &'static str,
    /// How it is listed.
    pub source: ListSource,
    /// Requests expected, when they can be known before listing: parents in
    /// the database for per-parent lists, parents whose embedded list has
    /// more for lists read from parents. `None` for top-level lists (known
    /// once their first page is in) and for children of parents this run
    /// lists first.
    pub expected_requests: Option<u64>,
}

/// What a backfill will do, before it makes a list request.
#[derive(Clone, Debug)]
pub struct BackfillPlan {
    /// Every selected resource, in backfill order: top-level lists (level 0)
    /// first, then lists read from parents and per-parent lists.
    pub resources: Vec<PlannedResource>,
    /// The account's budget, requests per second.
    pub requests_per_second: u32,
    /// Each endpoint's budget, requests per second (the Files API's, 20/s
    /// at Stripe, lists nothing a backfill reads).
    pub endpoint_requests_per_second: u32,
}

impl BackfillPlan {
    /// Requests the plan can count.
    pub fn known_requests(&self) -> u64 {
        self.resources
            .iter()
            .filter_map(|r| r.expected_requests)
            .sum()
    }

    /// Resources whose requests are not known yet.
    pub fn unknown(&self) -> usize {
        self.resources
            .iter()
            .filter(|r| r.expected_requests.is_none())
            .count()
    }

    /// How long the known requests take at the configured rates: the
    /// account's budget shared by all, and no endpoint faster than its own
    /// budget (a per-parent list runs at 25/s however many parents it has).
    pub fn eta(&self) -> Duration {
        let global = self.known_requests() as f64 / f64::from(self.requests_per_second.max(1));
        let mut by_endpoint: BTreeMap<&str, u64> = BTreeMap::new();
        for r in &self.resources {
            *by_endpoint.entry(r.source.path()).or_default() += r.expected_requests.unwrap_or(0);
        }
        let slowest = by_endpoint
            .values()
            .map(|n| *n as f64 / f64::from(self.endpoint_requests_per_second.max(1)))
            .fold(0.0, f64::max);
        Duration::from_secs_f64(global.max(slowest))
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
    Ok(BackfillPlan {
        resources,
        requests_per_second: inner.config.requests_per_second(),
        endpoint_requests_per_second: crate::ratelimit::EndpointLimiters::for_config(&inner.config)
            .rate_of("GET /v1/customers"),
    })
}

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    fetched: AtomicU64,
    written: AtomicU64,
    /// Requests expected in all, once known (0: not known yet).
    expected: AtomicU64,
}

struct RunCtx {
    inner: Arc<Context>,
    account: String,
    run_id: i64,
    req: BackfillRequest,
    /// When this run started: a resource another run completed after this
    /// is not fetched again.
    started_at: DateTime<Utc>,
    /// When the work this run continues began (see [`backfill_since`]).
    completed_since: Option<DateTime<Utc>>,
    /// The account is leased to this worker (a queued job): resources
    /// take no advisory lock.
    leased: bool,
    /// The resources this run backfills.
    selected: Vec<&'static Resource>,
    /// When this run started, for `ObjectReport::finished_after`.
    began: Instant,
    /// When the PostgreSQL server started, as the run began. Every write that
    /// moves a cursor checks it is unchanged ([`store::ensure_same_server`]):
    /// pages commit without waiting for the WAL flush, so after a server
    /// crash the last of them may be gone, and no cursor may move past them.
    server_started: DateTime<Utc>,
    /// Stops the run: no new request or lock wait, pages fetched are written.
    interrupt: store::Interrupt,
}

impl RunCtx {
    /// `work` unless the run is interrupted first (checked before it
    /// starts): an interrupted run stops waiting on the API or for a lock.
    async fn unless_interrupted<T>(
        &self,
        work: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        tokio::select! {
            biased;
            _ = self.interrupt.interrupted() => Err(interrupted()),
            r = work => r,
        }
    }
}

/// The error an interrupted resource stops with (a cancelled task).
fn interrupted() -> Error {
    Error::Task("interrupted".into())
}

/// Runs a backfill, until it is done or `interrupt` stops it.
pub(crate) async fn backfill(
    inner: &Arc<Context>,
    req: BackfillRequest,
    interrupt: store::Interrupt,
) -> Result<BackfillReport> {
    run(inner, req, None, false, interrupt).await
}

/// Runs the backfill of a queued job, whose account is leased to this
/// worker: resources take no advisory lock (the lease keeps other workers
/// off the account; a plain `backfill` of the same account at the same
/// time is not kept off). When the job continues work begun at
/// `completed_since` (taken over from a worker that died, or tried again),
/// a resource some run completed since then is not listed again.
pub(crate) async fn backfill_leased(
    inner: &Arc<Context>,
    req: BackfillRequest,
    completed_since: Option<DateTime<Utc>>,
) -> Result<BackfillReport> {
    run(inner, req, completed_since, true, store::Interrupt::new()).await
}

async fn run(
    inner: &Arc<Context>,
    req: BackfillRequest,
    completed_since: Option<DateTime<Utc>>,
    leased: bool,
    interrupt: store::Interrupt,
) -> Result<BackfillReport> {
    let started = Instant::now();
    let selected = select(&req)?;
    let account = inner.account_id().await?;
    // `started_at` is the database's clock, which also stamps `_sync_state.updated_at`.
    let (run_id, started_at) =
        store::start_run(&inner.pool, "backfill", &account, &json!(req)).await?;
    tracing::info!(run_id, resources = selected.len(), "backfill started");
    // From here on, every change on Stripe reaches the mirror through the
    // events catch-up, whatever the backfill lists.
    let full_all = req.full && req.objects.is_none();
    crate::events::anchor(&inner.pool, &account, run_id, started_at, full_all).await?;
    let _heartbeat = store::keep_alive(&inner.pool, run_id);
    let server_started = store::server_started_at(&inner.pool).await?;
    let ctx = Arc::new(RunCtx {
        inner: inner.clone(),
        account,
        run_id,
        req,
        started_at,
        completed_since,
        leased,
        selected: selected.clone(),
        began: started,
        server_started,
        interrupt,
    });

    let mut by_level: BTreeMap<usize, Vec<&'static Resource>> = BTreeMap::new();
    for r in &selected {
        by_level.entry(level(r, 0)).or_default().push(r);
    }
    let concurrency = inner.config.backfill_concurrency.max(1);
    let mut reports: Vec<ObjectReport> = Vec::new();
    for (_, resources) in by_level {
        if ctx.interrupt.is_interrupted() {
            break;
        }
        let sem = Arc::new(tokio::sync::Semaphore::new(concurrency));
        let mut set = tokio::task::JoinSet::new();
        for res in resources {
            let ctx = ctx.clone();
            let sem = sem.clone();
            set.spawn(async move {
                let permit = sem.clone().acquire_owned().await.ok();
                backfill_resource(&ctx, res, &sem, permit).await
            });
        }
        while let Some(r) = set.join_next().await {
            match r {
                Ok(rep) => reports.push(rep),
                Err(e) => {
                    return Err(Error::Task(format!("backfill task: {e}")));
                }
            }
        }
    }
    let order: Vec<&str> = selected.iter().map(|r| r.table).collect();
    reports.sort_by_key(|r| {
        order
            .iter()
            .position(|t| *t == r.table)
            .unwrap_or(usize::MAX)
    });
    let stopped = ctx.interrupt.is_interrupted()
        && (reports.len() < selected.len()
            || reports
                .iter()
                .any(|r| r.status == ObjectStatus::Interrupted));
    let status = if stopped {
        store::RunStatus::Interrupted
    } else if reports.iter().any(|r| r.status == ObjectStatus::Failed) {
        store::RunStatus::Failed
    } else {
        store::RunStatus::Succeeded
    };
    let succeeded = status == store::RunStatus::Succeeded;
    let fetched = reports.iter().map(|r| r.fetched).sum();
    let written = reports.iter().map(|r| r.written).sum();
    let failed: Vec<&str> = reports
        .iter()
        .filter(|r| r.status == ObjectStatus::Failed)
        .map(|r| r.object.as_str())
        .collect();
    let error = (!failed.is_empty()).then(|| format!("failed: {}", failed.join(", ")));
    store::finish_run(
        &inner.pool,
        run_id,
        status.as_str(),
        fetched as i64,
        written as i64,
        error.as_deref(),
    )
    .await?;
    tracing::info!(run_id, %status, fetched, written, elapsed = ?started.elapsed(), "backfill finished");
    Ok(BackfillReport {
        run_id,
        succeeded,
        status,
        objects: reports,
        fetched,
        written,
        duration: started.elapsed(),
    })
}

/// Aborts the task when dropped.
pub(crate) struct AbortOnDrop(pub(crate) tokio::task::JoinHandle<()>);
impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn backfill_resource(
    ctx: &Arc<RunCtx>,
    res: &'static Resource,
    sem: &Arc<Semaphore>,
    mut permit: Option<OwnedSemaphorePermit>,
) -> ObjectReport {
    let started = Instant::now();
    let counters = Arc::new(Counters::default());
    let pool = &ctx.inner.pool;
    let running = store::RunObject {
        resource: res.object,
        status: "running",
        requests: 0,
        fetched: 0,
        written: 0,
        error: None,
        finished: false,
        expected_requests: None,
    };
    let _ = store::record_run_object(pool, ctx.run_id, &running).await;
    let (status, error) = match list_plan(res) {
        None => (
            ObjectStatus::Skipped,
            Some("no list endpoint whose parameters can be filled".to_string()),
        ),
        Some(plan) => {
            let result = match claim(ctx, res, sem, &mut permit).await {
                Err(e) => Err(e),
                Ok(Claim::DoneBy(other)) => {
                    tracing::info!(
                        resource = res.object,
                        other_run = other,
                        "another process completed this resource while this run waited; not fetching it again"
                    );
                    Ok(Some(other))
                }
                Ok(Claim::Held(_lock)) => {
                    let (stop, stopped) = tokio::sync::watch::channel(false);
                    let mut progress = AbortOnDrop(tokio::spawn(report_progress(
                        ctx.clone(),
                        res,
                        counters.clone(),
                        stopped,
                    )));
                    let result = match plan {
                        ListPlan::TopLevel { endpoint, created } => {
                            top_level(ctx, res, endpoint, created, &counters).await
                        }
                        ListPlan::Nested(list) => nested(ctx, res, list, &counters).await,
                    };
                    // Stop the progress writer and wait for it, so that no
                    // late "running" row lands after the final one.
                    let _ = stop.send(true);
                    let _ = (&mut progress.0).await;
                    result.map(|()| None)
                }
            };
            match result {
                Ok(None) => (ObjectStatus::Succeeded, None),
                Ok(Some(other)) => (
                    ObjectStatus::DoneByOtherRun,
                    Some(format!("completed by run {other} while this run waited")),
                ),
                Err(_) if ctx.interrupt.is_interrupted() => {
                    tracing::info!(
                        resource = res.object,
                        "interrupted; the next run resumes from the cursor"
                    );
                    (
                        ObjectStatus::Interrupted,
                        Some("interrupted; the next run resumes from the cursor".to_string()),
                    )
                }
                Err(e) => {
                    let status = classify(&e);
                    if status == ObjectStatus::Skipped {
                        tracing::warn!(resource = res.object, error = %e, "skipping object type");
                    } else {
                        tracing::error!(resource = res.object, error = %e, "backfill of object type failed");
                    }
                    (status, Some(e.to_string()))
                }
            }
        }
    };
    let rep = ObjectReport {
        object: res.object.to_string(),
        table: res.table.to_string(),
        status,
        requests: counters.requests.load(Ordering::Relaxed),
        fetched: counters.fetched.load(Ordering::Relaxed),
        written: counters.written.load(Ordering::Relaxed),
        error,
        duration: started.elapsed(),
        source: source_of(res, &ctx.selected),
        finished_after: ctx.began.elapsed(),
    };
    let expected = counters.expected.load(Ordering::Relaxed);
    let result = store::RunObject {
        resource: res.object,
        status: status.as_str(),
        requests: rep.requests as i64,
        fetched: rep.fetched as i64,
        written: rep.written as i64,
        error: rep.error.as_deref(),
        finished: true,
        expected_requests: (expected > 0).then_some(expected.max(rep.requests) as i64),
    };
    if let Err(e) = store::record_run_object(pool, ctx.run_id, &result).await {
        tracing::error!(error = %e, "could not record the object's result");
    }
    rep
}

/// How a resource was claimed for this run.
enum Claim {
    /// This process holds the resource's lock (`None`: the run needs none,
    /// its account is leased to this worker).
    Held(Option<store::AdvisoryLock>),
    /// Another run completed the resource after this run started.
    DoneBy(i64),
}

/// Takes the resource's advisory lock. While another process holds it, this
/// task gives its concurrency slot to the run's other resources and polls,
/// so two processes backfilling at once split the work by resource; when the
/// lock comes free, a resource the other run completed after this run began
/// is not fetched again.
async fn claim(
    ctx: &Arc<RunCtx>,
    res: &'static Resource,
    sem: &Arc<Semaphore>,
    permit: &mut Option<OwnedSemaphorePermit>,
) -> Result<Claim> {
    let pool = &ctx.inner.pool;
    let key = format!("stripe-sync:backfill:{}:{}", ctx.account, res.table);
    let mut waited = false;
    loop {
        // A queued job's account is leased to this worker alone: no other
        // worker lists it, so no lock (and no connection held for one).
        let lock = if ctx.leased {
            Some(None)
        } else {
            store::try_advisory_lock(pool, &key).await?.map(Some)
        };
        if let Some(lock) = lock {
            // Completed by another run since this work began: the run this
            // one waited for, or a taken-over job's earlier run.
            let since = ctx.completed_since.or(waited.then_some(ctx.started_at));
            if let (Some(since), false) = (since, ctx.req.has_created_range()) {
                let states = state::load(pool, &ctx.account, res.table).await?;
                if let Some(root) = states.iter().find(|s| s.scope.is_empty()) {
                    if root.status == Status::Complete
                        && root.run_id != Some(ctx.run_id)
                        && root.updated_at >= since
                    {
                        return Ok(Claim::DoneBy(root.run_id.unwrap_or_default()));
                    }
                }
            }
            if permit.is_none() {
                *permit = sem.clone().acquire_owned().await.ok();
            }
            return Ok(Claim::Held(lock));
        }
        if !waited {
            tracing::info!(
                resource = res.object,
                "another process is backfilling this resource; doing other resources meanwhile"
            );
            waited = true;
        }
        permit.take();
        ctx.unless_interrupted(async {
            tokio::time::sleep(Duration::from_millis(250)).await;
            Ok(())
        })
        .await?;
    }
}

/// While a resource runs, writes its counts to `_sync_run_objects` every
/// second (what `status`, the progress bars and other processes see) and
/// logs them every 10 seconds.
async fn report_progress(
    ctx: Arc<RunCtx>,
    res: &'static Resource,
    counters: Arc<Counters>,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    let started = Instant::now();
    let mut tick = 0u64;
    let mut last = (0, 0, 0, 0);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stopped.changed() => return,
        }
        tick += 1;
        let now = (
            counters.requests.load(Ordering::Relaxed),
            counters.fetched.load(Ordering::Relaxed),
            counters.written.load(Ordering::Relaxed),
            counters.expected.load(Ordering::Relaxed),
        );
        if now != last {
            last = now;
            let running = store::RunObject {
                resource: res.object,
                status: "running",
                requests: now.0 as i64,
                fetched: now.1 as i64,
                written: now.2 as i64,
                error: None,
                finished: false,
                expected_requests: (now.3 > 0).then_some(now.3.max(now.0) as i64),
            };
            let _ = store::record_run_object(&ctx.inner.pool, ctx.run_id, &running).await;
        }
        if tick.is_multiple_of(10) {
            tracing::info!(
                resource = res.object,
                requests = now.0,
                expected_requests = now.3,
                fetched = now.1,
                written = now.2,
                elapsed_s = started.elapsed().as_secs(),
                "backfill progress"
            );
        }
    }
}

/// How an error ends an object type's backfill: a permission error (403) or
/// an endpoint this account does not have (404) skips the type; losing
/// access to the whole account (401, 403 `account_invalid`) and anything
/// else fails it (and so the run).
fn classify(e: &Error) -> ObjectStatus {
    match e {
        Error::Stripe(c) if c.is_account_access_lost() => ObjectStatus::Failed,
        Error::Stripe(c) if c.is_permission_error() || c.is_not_found() => ObjectStatus::Skipped,
        _ => ObjectStatus::Failed,
    }
}

/// One `created` slice of a top-level list (or the whole list).
#[derive(Clone, Debug)]
struct Slice {
    scope: String,
    gte: Option<i64>,
    lt: Option<i64>,
    after: Option<String>,
}

impl Slice {
    fn cursor(&self) -> SliceCursor {
        SliceCursor {
            gte: self.gte,
            lt: self.lt,
            starting_after: self.after.clone(),
        }
    }

    /// The slice a stored row holds; `None` when its cursor is unreadable.
    fn from_row(row: &state::Row, resource: &str) -> Option<Slice> {
        let c: SliceCursor = row.cursor(resource)?;
        Some(Slice {
            scope: row.scope.clone(),
            gte: c.gte,
            lt: c.lt,
            after: c.starting_after,
        })
    }
}

struct Queue {
    slices: VecDeque<Slice>,
    active: usize,
    idle: usize,
}

struct SliceCtx {
    run: Arc<RunCtx>,
    res: &'static Resource,
    endpoint: &'static ListEndpoint,
    created: bool,
    /// `expand[]` parameters: embedded lists this run takes from these objects.
    expand: Vec<(String, String)>,
    /// The oldest an object can be (the request's `created` bound or the
    /// account's creation), for the estimate made from the first page.
    oldest: Option<i64>,
    counters: Arc<Counters>,
    queue: Mutex<Queue>,
    stop: AtomicBool,
    error: Mutex<Option<Error>>,
}

impl SliceCtx {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        match self.queue.lock() {
            Ok(q) => q,
            Err(p) => p.into_inner(),
        }
    }
}

async fn top_level(
    ctx: &Arc<RunCtx>,
    res: &'static Resource,
    endpoint: &'static ListEndpoint,
    created: bool,
    counters: &Arc<Counters>,
) -> Result<()> {
    let pool = &ctx.inner.pool;
    let account = &ctx.account;
    let req = &ctx.req;
    let key = Key::root(account, res.table);
    let states = state::load(pool, account, res.table).await?;
    let root = states.iter().find(|s| s.scope.is_empty());
    let pending: Vec<&state::Row> = states
        .iter()
        .filter(|s| !s.scope.is_empty() && s.status != Status::Complete)
        .collect();
    // An interrupted run is resumed only when every cursor of it reads: a
    // slice that does not is a range that cannot be placed, so the resource
    // starts over (each unreadable cursor is logged).
    let interrupted = if pending.is_empty() || req.full {
        None
    } else {
        let plan = root.and_then(|r| r.cursor::<SlicesCursor>(res.table));
        let slices: Option<Vec<Slice>> = pending
            .iter()
            .map(|r| Slice::from_row(r, res.table))
            .collect();
        plan.zip(slices)
    };
    let explicit = req.has_created_range();
    let now = Utc::now().timestamp();
    let mut slices = Vec::new();
    let plan = match interrupted {
        Some((plan, pending)) => {
            tracing::info!(
                resource = res.object,
                slices = pending.len(),
                "resuming an interrupted backfill"
            );
            slices.extend(pending);
            plan
        }
        None => {
            state::clear_slices(pool, account, res.table).await?;
            SlicesCursor {
                started: now,
                explicit,
            }
        }
    };
    if slices.is_empty() || explicit {
        let slice = if created {
            let incremental_from = match &root {
                Some(r) if !req.full && r.status == Status::Complete => {
                    r.high_water.map(|h| h.timestamp() - 60)
                }
                _ => None,
            };
            let gte = if explicit {
                req.created_gte
            } else {
                incremental_from
            };
            let lt = if explicit { req.created_lt } else { None }.unwrap_or(now + 1);
            Slice {
                scope: format!("r{}:{}", ctx.run_id, lt),
                gte,
                lt: Some(lt),
                after: None,
            }
        } else {
            Slice {
                scope: format!("r{}:all", ctx.run_id),
                gte: None,
                lt: None,
                after: None,
            }
        };
        slices.push(slice);
    }
    let running = Progress::new(Status::Running, ctx.run_id).claimed_by(&ctx.inner.instance);
    state::save(pool, key, Some(&plan), running).await?;
    for s in &slices {
        let pending = Progress::new(Status::Pending, ctx.run_id);
        state::save(pool, key.scope(&s.scope), Some(&s.cursor()), pending).await?;
    }

    let oldest = match req.created_gte {
        Some(g) => Some(g),
        None => ctx.inner.account_created().await,
    };
    let sc = Arc::new(SliceCtx {
        run: ctx.clone(),
        res,
        endpoint,
        created,
        expand: expansions(res, &ctx.selected),
        oldest,
        counters: counters.clone(),
        queue: Mutex::new(Queue {
            slices: slices.into(),
            active: 0,
            idle: 0,
        }),
        stop: AtomicBool::new(false),
        error: Mutex::new(None),
    });
    let workers = if created {
        ctx.inner.config.backfill_concurrency.max(1)
    } else {
        1
    };
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let sc = sc.clone();
        set.spawn(async move { slice_worker(&sc).await });
    }
    while set.join_next().await.is_some() {}
    let err = match sc.error.lock() {
        Ok(mut e) => e.take(),
        Err(p) => p.into_inner().take(),
    };
    if let Some(e) = err {
        let message = e.to_string();
        let failed = Progress::new(Status::Failed, ctx.run_id).error(&message);
        state::save(pool, key, Some(&plan), failed).await?;
        return Err(e);
    }
    let high_water = (!plan.explicit)
        .then(|| chrono::TimeZone::timestamp_opt(&Utc, plan.started, 0).single())
        .flatten();
    // Durable, and on the server the pages were written to: its commit
    // flushes every page before it, so "complete" is never stored while a
    // page it counts could still be lost.
    let mut tx = ctx.inner.begin_write(store::Commit::Durable).await?;
    store::ensure_same_server(&mut *tx, ctx.server_started).await?;
    let complete = Progress::new(Status::Complete, ctx.run_id).high_water(high_water);
    state::save(&mut *tx, key, Some(&plan), complete).await?;
    state::clear_slices(&mut *tx, account, res.table).await?;
    tx.commit().await?;
    Ok(())
}

async fn slice_worker(sc: &Arc<SliceCtx>) {
    loop {
        let mut registered_idle = false;
        let next = loop {
            {
                let mut q = sc.lock();
                if let Some(s) = q.slices.pop_front() {
                    if registered_idle {
                        q.idle -= 1;
                    }
                    q.active += 1;
                    break Some(s);
                }
                if q.active == 0 || sc.stop.load(Ordering::Relaxed) {
                    if registered_idle {
                        q.idle -= 1;
                    }
                    break None;
                }
                if !registered_idle {
                    q.idle += 1;
                    registered_idle = true;
                }
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        let Some(slice) = next else { return };
        let scope = slice.scope.clone();
        let r = run_slice(sc, slice).await;
        sc.lock().active -= 1;
        if let Err(e) = r {
            sc.stop.store(true, Ordering::Relaxed);
            let msg = e.to_string();
            let key = Key::root(&sc.run.account, sc.res.table).scope(&scope);
            let _ = state::mark(&sc.run.inner.pool, key, Status::Failed, Some(&msg)).await;
            let mut slot = match sc.error.lock() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            if slot.is_none() {
                *slot = Some(e);
            }
            return;
        }
    }
}

/// A fetched page, ready to write.
struct PageMsg {
    groups: Vec<Group>,
    /// What the page's embedded lists say about membership (items already
    /// in `groups`), with the page's fetch time.
    memberships: Vec<(objects::Children, DateTime<Utc>)>,
    fetched: u64,
    /// The page's last object: where the slice goes on from.
    after: Option<String>,
    done: bool,
}

/// Objects of one resource, with their fallback versions.
struct Group {
    res: &'static Resource,
    texts: Vec<String>,
    versions: Vec<DateTime<Utc>>,
}

/// A page split for writing: its items by resource (embedded lists' items
/// included), what the embedded lists say about membership, and the page's
/// last item.
struct Prepared {
    groups: Vec<Group>,
    memberships: Vec<(objects::Children, DateTime<Utc>)>,
    last: Option<objects::Head>,
}

/// Splits a page's items by object (a list can mix objects, e.g. sources) and
/// pulls out embedded lists, as children of their parent item.
async fn prepare_page(
    inner: &Context,
    default: &'static Resource,
    items: Vec<Box<RawValue>>,
    fetched_at: DateTime<Utc>,
) -> Result<Prepared> {
    let mut groups: Vec<Group> = Vec::new();
    let mut last = None;
    let add = |groups: &mut Vec<Group>, res: &'static Resource, text: String| match groups
        .iter_mut()
        .find(|g| g.res.table == res.table)
    {
        Some(g) => {
            g.texts.push(text);
            g.versions.push(fetched_at);
        }
        None => groups.push(Group {
            res,
            texts: vec![text],
            versions: vec![fetched_at],
        }),
    };
    let mut embedded = Vec::new();
    for item in items {
        let text: String = Box::<str>::from(item).into();
        let head =
            objects::head(&text).map_err(|e| Error::InvalidPayload(format!("list item: {e}")))?;
        let res = match head.object.as_deref() {
            Some(o) if o == default.object => default,
            Some(o) => match resource(o) {
                Some(r) => r,
                None => {
                    last = Some(head);
                    continue;
                }
            },
            None => default,
        };
        if let Some(id) = &head.id {
            for emb in objects::embedded_lists(res, &text) {
                embedded.push((emb, id.clone()));
            }
        }
        add(&mut groups, res, text);
        last = Some(head);
    }
    let mut memberships = Vec::new();
    for (emb, parent_id) in embedded {
        for mut c in expand_list(inner, emb, &parent_id).await? {
            for t in std::mem::take(&mut c.items) {
                add(&mut groups, c.resource, t);
            }
            memberships.push((c, fetched_at));
        }
    }
    Ok(Prepared {
        groups,
        memberships,
        last,
    })
}

fn base_query(endpoint: &ListEndpoint) -> Vec<(String, String)> {
    let mut q = vec![("limit".to_string(), "100".to_string())];
    for (k, v) in endpoint.fixed_params {
        q.push((k.to_string(), v.to_string()));
    }
    q
}

async fn run_slice(sc: &Arc<SliceCtx>, mut slice: Slice) -> Result<()> {
    let inner = &sc.run.inner;
    let (tx, mut rx) = mpsc::channel::<PageMsg>(4);
    let scope = slice.scope.clone();
    let fetch = async {
        let tx = tx;
        loop {
            if sc.stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            if sc.run.interrupt.is_interrupted() {
                return Err(interrupted());
            }
            let mut q = base_query(sc.endpoint);
            if sc.created {
                if let Some(g) = slice.gte {
                    q.push(("created[gte]".into(), g.to_string()));
                }
                if let Some(l) = slice.lt {
                    q.push(("created[lt]".into(), l.to_string()));
                }
            }
            if let Some(a) = &slice.after {
                q.push(("starting_after".into(), a.clone()));
            }
            q.extend(sc.expand.iter().cloned());
            let requests = sc.counters.requests.fetch_add(1, Ordering::Relaxed) + 1;
            let page = sc
                .run
                .unless_interrupted(async {
                    Ok(inner.client.list_page(sc.endpoint.path, &q).await?)
                })
                .await?;
            let fetched_at = store::fetch_version();
            let n = page.items.len() as u64;
            let has_more = page.has_more;
            let first_created = page
                .items
                .first()
                .and_then(|i| objects::head(i.get()).ok())
                .and_then(|h| h.created);
            let Prepared {
                groups,
                memberships,
                last,
            } = sc
                .run
                .unless_interrupted(prepare_page(inner, sc.res, page.items, fetched_at))
                .await?;
            let last_id = last.as_ref().and_then(|h| h.id.clone());
            let done = !has_more || n == 0 || last_id.is_none();
            if sc.counters.expected.load(Ordering::Relaxed) == 0 {
                let newest = slice.lt.or(first_created);
                let estimate = if done && slice.after.is_none() {
                    Some(requests)
                } else {
                    estimate_pages(newest, last.as_ref().and_then(|h| h.created), sc.oldest)
                        .map(|p| p + requests - 1)
                };
                if let Some(e) = estimate {
                    sc.counters.expected.store(e, Ordering::Relaxed);
                }
            }
            if let Some(id) = last_id {
                slice.after = Some(id);
            }
            if !done && sc.created {
                if let Some(lc) = last.as_ref().and_then(|h| h.created) {
                    maybe_split(sc, &mut slice, first_created, lc).await?;
                }
            }
            let msg = PageMsg {
                groups,
                memberships,
                fetched: n,
                after: slice.after.clone(),
                done,
            };
            if tx.send(msg).await.is_err() {
                return Ok(()); // the writer failed; its error is reported
            }
            if done {
                return Ok(());
            }
        }
    };
    // The writer owns the receiver: when it fails, the receiver is dropped
    // and the fetcher's next send fails, so the fetcher stops too instead of
    // waiting forever on a full channel.
    let write = async move {
        while let Some(first) = rx.recv().await {
            let mut batch = vec![first];
            let mut count: usize = batch[0].groups.iter().map(|g| g.texts.len()).sum();
            while count < 1000 {
                match rx.try_recv() {
                    Ok(m) => {
                        count += m.groups.iter().map(|g| g.texts.len()).sum::<usize>();
                        batch.push(m);
                    }
                    Err(_) => break,
                }
            }
            let last = batch.last().map(|m| (m.after.clone(), m.done));
            let fetched: u64 = batch.iter().map(|m| m.fetched).sum();
            let mut merged: Vec<Group> = Vec::new();
            let mut memberships = Vec::new();
            for mut m in batch {
                memberships.append(&mut m.memberships);
                for g in m.groups {
                    match merged.iter_mut().find(|x| x.res.table == g.res.table) {
                        Some(x) => {
                            x.texts.extend(g.texts);
                            x.versions.extend(g.versions);
                        }
                        None => merged.push(g),
                    }
                }
            }
            let mut dbtx = inner.begin_write(store::Commit::Relaxed).await?;
            store::ensure_same_server(&mut *dbtx, sc.run.server_started).await?;
            let mut written = 0;
            for g in &merged {
                // An object the database refuses is quarantined; the rest of
                // the page is written and the cursor moves past it.
                written += quarantine::upsert_rows(
                    &mut dbtx,
                    g.res,
                    &g.texts,
                    &sc.run.account,
                    &g.versions,
                )
                .await?
                .0;
            }
            // One statement per list for the whole batch.
            written +=
                store::apply_fetched_membership(&mut dbtx, &memberships, &sc.run.account).await?;
            if let Some((after, done)) = last {
                state::advance_slice(
                    &mut dbtx,
                    Key::root(&sc.run.account, sc.res.table).scope(&scope),
                    after.as_deref(),
                    if done {
                        Status::Complete
                    } else {
                        Status::Running
                    },
                    (!done).then_some(inner.instance.as_str()),
                )
                .await?;
            }
            dbtx.commit().await?;
            sc.counters.fetched.fetch_add(fetched, Ordering::Relaxed);
            sc.counters.written.fetch_add(written, Ordering::Relaxed);
        }
        Ok::<(), Error>(())
    };
    let (f, w) = tokio::join!(fetch, write);
    w?;
    f
}

/// The pages a newest-first list still holds after its first page, from how
/// much of the time range that page covered: `newest` (the range's upper
/// bound), `page_oldest` (the page's last item) and `oldest` (the range's
/// lower bound, e.g. the account's creation). `None` when a bound is unknown.
fn estimate_pages(
    newest: Option<i64>,
    page_oldest: Option<i64>,
    oldest: Option<i64>,
) -> Option<u64> {
    let (newest, page_oldest, oldest) = (newest?, page_oldest?, oldest?);
    let covered = (newest - page_oldest).max(1) as f64;
    let remaining = (page_oldest - oldest).max(0) as f64;
    Some((remaining / covered).ceil().min(1e9) as u64)
}

/// A slice is split only when each half holds at least this many pages, by
/// the estimate of the page just fetched: a split costs a partial last page.
const MIN_PAGES_TO_SPLIT: u64 = 4;

/// Gives the older half of the slice's remaining range to an idle worker,
/// when the range still holds enough pages for both halves.
async fn maybe_split(
    sc: &Arc<SliceCtx>,
    slice: &mut Slice,
    page_first: Option<i64>,
    last_created: i64,
) -> Result<()> {
    {
        let q = sc.lock();
        if q.idle == 0 || !q.slices.is_empty() {
            return Ok(());
        }
    }
    let gte = slice.gte.unwrap_or(0);
    if last_created - gte < 2 {
        return Ok(());
    }
    let lowest = slice.gte.or(sc.oldest);
    if let Some(pages) = estimate_pages(page_first, Some(last_created), lowest) {
        if pages < 2 * MIN_PAGES_TO_SPLIT {
            return Ok(());
        }
    }
    let mid = gte + (last_created - gte) / 2;
    let new = Slice {
        scope: format!("r{}:{}", sc.run.run_id, mid),
        gte: slice.gte,
        lt: Some(mid),
        after: None,
    };
    // The new slice and this one's narrower range are stored together, so
    // after a crash neither is fetched twice. (This slice's progress is
    // stored by its writer, which leaves the bounds alone.)
    let key = Key::root(&sc.run.account, sc.res.table);
    let mut tx = sc.run.inner.pool.begin().await?;
    let pending = Progress::new(Status::Pending, sc.run.run_id);
    state::save(
        &mut *tx,
        key.scope(&new.scope),
        Some(&new.cursor()),
        pending,
    )
    .await?;
    state::narrow_slice(&mut tx, key.scope(&slice.scope), mid).await?;
    tx.commit().await?;
    slice.gte = Some(mid);
    sc.lock().slices.push_back(new);
    Ok(())
}

async fn nested(
    ctx: &Arc<RunCtx>,
    res: &'static Resource,
    list: NestedList,
    counters: &Arc<Counters>,
) -> Result<()> {
    let NestedList {
        parent,
        embedded_field,
        ..
    } = list;
    let pool = &ctx.inner.pool;
    let account = &ctx.account;
    let key = Key::root(account, res.table);
    let states = state::load(pool, account, res.table).await?;
    let root = states.iter().find(|s| s.scope.is_empty());
    let at =
        |secs: Option<i64>| secs.and_then(|t| chrono::TimeZone::timestamp_opt(&Utc, t, 0).single());
    // The database's clock, which stamps `_synced_at`, taken before the
    // earliest write still in flight: a parent written by a transaction that
    // began before this point counts as written after it.
    let now: DateTime<Utc> = sqlx::query_scalar(
        "SELECT least(now(), (SELECT min(xact_start) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()))",
    )
    .fetch_one(pool)
    .await?;
    // `after`: the last parent done; `since`: only parents written since
    // (incremental); `started`: what the next incremental run starts from.
    let (mut after, since, started) = match root {
        Some(r) if r.status != Status::Complete && !ctx.req.full => {
            match r.cursor::<ParentsCursor>(res.table) {
                Some(c) => (
                    c.parent_after,
                    at(c.since),
                    at(Some(c.started)).unwrap_or(now),
                ),
                // Nothing readable to resume: every parent, from the first.
                None => (String::new(), None, now),
            }
        }
        // Incremental: a parent not written since the last complete run is
        // unchanged, and so is the list under it (changes there arrive by
        // webhooks or `sync_events`; `full` lists under every parent).
        Some(r) if r.status == Status::Complete && !ctx.req.full => {
            (String::new(), r.high_water, now)
        }
        _ => (String::new(), None, now),
    };
    let cursor = |after: &str| ParentsCursor {
        parent_after: after.to_string(),
        since: since.map(|t| t.timestamp()),
        started: started.timestamp(),
    };
    let concurrency = ctx.inner.config.backfill_concurrency.max(1);
    let parents = store::count_parents(pool, parent, account, embedded_field, since).await?;
    counters.expected.store(
        counters.requests.load(Ordering::Relaxed) + parents.max(0) as u64,
        Ordering::Relaxed,
    );
    loop {
        let ids = store::ids_after(
            pool,
            parent,
            account,
            &after,
            concurrency as i64 * 4,
            embedded_field,
            since,
        )
        .await?;
        let Some(last) = ids.last().cloned() else {
            break;
        };
        let sem = Arc::new(tokio::sync::Semaphore::new(concurrency));
        let mut set = tokio::task::JoinSet::new();
        for id in ids {
            let ctx = ctx.clone();
            let counters = counters.clone();
            let sem = sem.clone();
            set.spawn(async move {
                let _p = sem.acquire_owned().await;
                list_under_parent(&ctx, res, list, &id, &counters).await
            });
        }
        let mut first_err = None;
        while let Some(r) = set.join_next().await {
            let r = r
                .map_err(|e| Error::Unsupported(format!("task failed: {e}")))
                .and_then(|r| r);
            if let Err(e) = r {
                first_err.get_or_insert(e);
            }
        }
        if let Some(e) = first_err {
            let message = e.to_string();
            let failed = Progress::new(Status::Failed, ctx.run_id).error(&message);
            state::save(pool, key, Some(&cursor(&after)), failed).await?;
            return Err(e);
        }
        after = last;
        // Not past parents whose rows a server crash may have taken.
        let mut tx = pool.begin().await?;
        store::ensure_same_server(&mut *tx, ctx.server_started).await?;
        let running = Progress::new(Status::Running, ctx.run_id).claimed_by(&ctx.inner.instance);
        state::save(&mut *tx, key, Some(&cursor(&after)), running).await?;
        tx.commit().await?;
    }
    // Durable and on the same server, as for top-level lists.
    let mut tx = ctx.inner.begin_write(store::Commit::Durable).await?;
    store::ensure_same_server(&mut *tx, ctx.server_started).await?;
    // Nothing to resume: the next run reads only the high water.
    let complete = Progress::new(Status::Complete, ctx.run_id).high_water(Some(started));
    state::save::<ParentsCursor>(&mut *tx, key, None, complete).await?;
    tx.commit().await?;
    Ok(())
}

async fn list_under_parent(
    ctx: &RunCtx,
    res: &'static Resource,
    list: NestedList,
    parent_id: &str,
    counters: &Counters,
) -> Result<()> {
    let NestedList {
        endpoint, param, ..
    } = list;
    let inner = &ctx.inner;
    if !parent_id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Ok(());
    }
    let mut base = base_query(endpoint);
    let path = if param.in_path {
        endpoint
            .path
            .replace(&format!("{{{}}}", param.name), parent_id)
    } else {
        base.push((param.name.to_string(), parent_id.to_string()));
        endpoint.path.to_string()
    };
    // The parent's list of these children, when it is one: a complete
    // listing then also says which stored children no longer belong to it.
    let membership = param_parent(param)
        .and_then(|p| {
            p.embedded_lists
                .iter()
                .find(|e| e.object == res.object && e.complete)
        })
        .filter(|_| !endpoint.partial);
    let listed_at = store::fetch_version();
    let mut ids: Vec<String> = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut q = base.clone();
        if let Some(a) = &after {
            q.push(("starting_after".into(), a.clone()));
        }
        if ctx.interrupt.is_interrupted() {
            return Err(interrupted());
        }
        counters.requests.fetch_add(1, Ordering::Relaxed);
        let page = match ctx
            .unless_interrupted(async { Ok(inner.client.list_page(&path, &q).await?) })
            .await
        {
            Ok(p) => p,
            // The parent is gone upstream: nothing to list under it.
            Err(Error::Stripe(e))
                if e.is_not_found() && after.is_none() && !is_unknown_endpoint(&e) =>
            {
                return Ok(())
            }
            Err(e) => return Err(e),
        };
        let fetched_at = store::fetch_version();
        let n = page.items.len() as u64;
        let has_more = page.has_more;
        let Prepared {
            groups,
            memberships,
            last,
        } = ctx
            .unless_interrupted(prepare_page(inner, res, page.items, fetched_at))
            .await?;
        let mut tx = inner.begin_write(store::Commit::Relaxed).await?;
        store::ensure_same_server(&mut *tx, ctx.server_started).await?;
        let mut written = 0;
        for g in &groups {
            if g.res.table == res.table {
                ids.extend(
                    g.texts
                        .iter()
                        .filter_map(|t| objects::head(t).ok().and_then(|h| h.id)),
                );
            }
            written += quarantine::upsert_rows(&mut tx, g.res, &g.texts, &ctx.account, &g.versions)
                .await?
                .0;
            // Items that do not carry the parent they were listed under
            // (an active entitlement's customer) get it from the list.
            if let Some(owner) = g.res.owner.filter(|o| param.object == Some(o.object)) {
                store::set_owner(&mut *tx, &owner, parent_id, &g.texts, &ctx.account).await?;
            }
        }
        written += store::apply_fetched_membership(&mut tx, &memberships, &ctx.account).await?;
        tx.commit().await?;
        counters.fetched.fetch_add(n, Ordering::Relaxed);
        counters.written.fetch_add(written, Ordering::Relaxed);
        match last.and_then(|h| h.id) {
            Some(id) if has_more && n > 0 => after = Some(id),
            _ => break,
        }
    }
    if let Some(list) = membership {
        let children = objects::Children {
            list,
            resource: res,
            parent_id: parent_id.to_string(),
            items: Vec::new(),
            ids,
            complete: true,
        };
        let mut tx = inner.begin_write(store::Commit::Relaxed).await?;
        store::ensure_same_server(&mut *tx, ctx.server_started).await?;
        let deleted =
            store::apply_membership(&mut tx, &[&children], &ctx.account, listed_at).await?;
        tx.commit().await?;
        counters.written.fetch_add(deleted, Ordering::Relaxed);
    }
    Ok(())
}

/// Whether a 404 says the URL itself is unknown (the endpoint does not exist
/// here), rather than that the parent object is missing.
fn is_unknown_endpoint(e: &crate::client::ClientError) -> bool {
    match e {
        crate::client::ClientError::Api { message, .. } => {
            message.contains("Unrecognized request URL")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_follow_the_registry() {
        let cus = resource("customer").unwrap();
        assert!(matches!(
            list_plan(cus),
            Some(ListPlan::TopLevel { created: true, .. })
        ));
        let si = resource("subscription_item").unwrap();
        match list_plan(si) {
            Some(ListPlan::Nested(NestedList { parent, param, .. })) => {
                assert_eq!(parent.object, "subscription");
                assert_eq!(param.name, "subscription");
                assert!(!param.in_path);
            }
            other => panic!("{other:?}"),
        }
        let li = resource("line_item").unwrap();
        match list_plan(li) {
            Some(ListPlan::Nested(NestedList {
                parent,
                embedded_field,
                ..
            })) => {
                assert_eq!(parent.object, "invoice");
                assert_eq!(embedded_field, Some("lines"));
            }
            other => panic!("{other:?}"),
        }
        let tax_id = resource("tax_id").unwrap();
        assert!(
            matches!(list_plan(tax_id), Some(ListPlan::Nested(NestedList { parent, .. })) if parent.object == "customer")
        );
        assert_eq!(level(cus, 0), 0);
        assert_eq!(level(si, 0), 1);
    }

    #[test]
    fn embedded_lists_come_from_their_parents_when_the_parent_is_listed() {
        let all = select(&BackfillRequest::all()).unwrap();
        let tax_id = resource("tax_id").unwrap();
        assert!(matches!(
            source_of(tax_id, &all),
            Some(ListSource::FromParent {
                parent: "customer",
                field: "tax_ids",
                ..
            })
        ));
        for o in ["card", "bank_account", "source"] {
            assert!(
                matches!(
                    source_of(resource(o).unwrap(), &all),
                    Some(ListSource::FromParent {
                        parent: "customer",
                        field: "sources",
                        ..
                    })
                ),
                "{o}"
            );
        }
        // Without its parent in the run, a child is listed per parent.
        let alone = select(&BackfillRequest::objects(["tax_id"])).unwrap();
        assert!(matches!(
            source_of(tax_id, &alone),
            Some(ListSource::PerParent {
                parent: "customer",
                ..
            })
        ));
        // No cheaper source: one request per customer.
        assert!(matches!(
            source_of(resource("customer_balance_transaction").unwrap(), &all),
            Some(ListSource::PerParent {
                parent: "customer",
                ..
            })
        ));
        // A list embedded by default is read without asking.
        assert!(matches!(
            source_of(resource("subscription_item").unwrap(), &all),
            Some(ListSource::FromParent {
                parent: "subscription",
                field: "items",
                ..
            })
        ));
        // Subscriptions have their own list: the filtered customer.subscriptions is never asked for.
        let cus = expansions(resource("customer").unwrap(), &all);
        assert!(cus.contains(&("expand[]".to_string(), "data.tax_ids".to_string())));
        assert!(cus.contains(&("expand[]".to_string(), "data.sources".to_string())));
        assert!(!cus.iter().any(|(_, v)| v == "data.subscriptions"));
        assert_eq!(cus.len(), 2, "{cus:?}");
        // Default-embedded lists are never asked for; treasury entries cannot be.
        assert!(expansions(resource("invoice").unwrap(), &all)
            .iter()
            .all(|(_, v)| v != "data.lines"));
        assert!(expansions(resource("treasury.transaction").unwrap(), &all).is_empty());
        // One object down, and every parent that embeds a child.
        assert_eq!(
            expansions(resource("payment_intent").unwrap(), &all),
            [(
                "expand[]".to_string(),
                "data.amount_details.line_items".to_string()
            )]
        );
        assert_eq!(
            expansions(resource("checkout.session").unwrap(), &all),
            [("expand[]".to_string(), "data.line_items".to_string())]
        );
    }

    #[test]
    fn pages_are_estimated_from_the_range_the_first_page_covered() {
        // The first page covered 10 of 1,000 seconds: about 99 more pages.
        assert_eq!(estimate_pages(Some(1_000), Some(990), Some(0)), Some(99));
        assert_eq!(estimate_pages(Some(1_000), Some(990), None), None);
        // All objects created at once still gives an answer.
        assert_eq!(estimate_pages(Some(500), Some(500), Some(400)), Some(100));
    }

    #[test]
    fn permission_errors_skip_other_errors_fail() {
        let api = |status| {
            Error::Stripe(crate::client::ClientError::Api {
                path: "GET /v1/issuing/cards".into(),
                status,
                error_type: "invalid_request_error".into(),
                code: None,
                message: "x".into(),
            })
        };
        assert_eq!(classify(&api(403)), ObjectStatus::Skipped);
        assert_eq!(classify(&api(404)), ObjectStatus::Skipped);
        assert_eq!(classify(&api(400)), ObjectStatus::Failed);
        assert_eq!(classify(&api(500)), ObjectStatus::Failed);
        assert_eq!(
            classify(&Error::InvalidPayload("x".into())),
            ObjectStatus::Failed
        );
    }

    #[test]
    fn selection_is_in_backfill_order() {
        let sel = select(&BackfillRequest::objects([
            "subscription_items",
            "customer",
            "subscription",
        ]))
        .unwrap();
        let names: Vec<&str> = sel.iter().map(|r| r.object).collect();
        assert_eq!(names, vec!["customer", "subscription", "subscription_item"]);
        assert!(select(&BackfillRequest::objects(["nope"])).is_err());
        assert!(!select(&BackfillRequest::all()).unwrap().is_empty());
    }
}
