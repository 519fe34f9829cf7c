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
use crate::listing::Listing;
use crate::objects;
use crate::quarantine;
use crate::state::{self, Key, ParentsCursor, Progress, SliceCursor, SlicesCursor, Status};
use crate::store;

mod nested;
mod plan;
mod slices;
use nested::*;
pub(crate) use plan::plan;
use plan::*;
use slices::*;

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
    /// Not fetched: no usable list endpoint, or the endpoint does not exist
    /// on this account (404).
    Skipped,
    /// Not fetched: the key may not read it (403; a restricted key without
    /// the type's `rak_<object>_read`). The error names the permission.
    NotPermitted,
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
            ObjectStatus::NotPermitted => "not_permitted",
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

/// How one resource will be listed, and the requests that will take.
#[derive(Clone, Debug)]
pub struct PlannedResource {
    /// The object string.
    pub object: &'static str,
    /// The table.
    pub table: &'static str,
    /// How it is listed.
    pub source: ListSource,
    /// Requests expected: for a top-level list listed from the start, the
    /// pages its first page foresees (one for an incremental one); for a
    /// per-parent list, one per parent (foreseen by the parent list's first
    /// page, or in the database); for a list read from parents, the parents
    /// in the database whose embedded list has more. `None` when unknown (a
    /// list read from parents this run lists first).
    pub expected_requests: Option<u64>,
}

/// A type the key was not permitted to read.
#[derive(Clone, Debug)]
pub struct NotPermitted {
    /// The object string.
    pub object: String,
    /// The permission Stripe named (`rak_product_read`), when it named one.
    pub permission: Option<String>,
    /// When it was refused.
    pub at: DateTime<Utc>,
}

/// The permission a 403's message names: Stripe's says "Having the
/// 'rak_product_read' permission would allow this request to continue".
pub fn needed_permission(error: &str) -> Option<&str> {
    let start = error.find("rak_")?;
    let rest = &error[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

/// What a backfill will do, before it makes a list request.
#[derive(Clone, Debug)]
pub struct BackfillPlan {
    /// Every selected resource, in backfill order: top-level lists (level 0)
    /// first, then lists read from parents and per-parent lists.
    pub resources: Vec<PlannedResource>,
    /// Selected types the key was not permitted to read at their last run,
    /// with the permission they need; the backfill asks again (one request
    /// each), since the key may have been given it since.
    pub not_permitted: Vec<NotPermitted>,
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

    /// The plan as JSON (`backfill --plan --json`): every resource with how
    /// it is listed and its expected requests (`null`: unknown), the rates,
    /// the requests known and the whole run's estimate, `eta_seconds`.
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "resources": self.resources.iter().map(|r| json!({
                "object": r.object,
                "table": r.table,
                "listed": r.source.describe(),
                "expected_requests": r.expected_requests,
            })).collect::<Vec<_>>(),
            "not_permitted": self.not_permitted.iter().map(|n| json!({
                "object": n.object, "permission": n.permission,
            })).collect::<Vec<_>>(),
            "requests_per_second": self.requests_per_second,
            "endpoint_requests_per_second": self.endpoint_requests_per_second,
            "known_requests": self.known_requests(),
            "unknown": self.unknown(),
            "eta_seconds": self.eta().as_secs_f64(),
        })
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
    let schema = &inner.config.schema;
    let started = Instant::now();
    let selected = select(&req)?;
    let account = inner.account_id().await?;
    // `started_at` is the database's clock, which also stamps `_sync_state.updated_at`.
    let (run_id, started_at) = store::start_run(
        schema,
        &inner.pool,
        store::RunKind::Backfill,
        &account,
        &json!(req),
    )
    .await?;
    tracing::info!(run_id, resources = selected.len(), "backfill started");
    // From here on, every change on Stripe reaches the mirror through the
    // events catch-up, whatever the backfill lists.
    let full_all = req.full && req.objects.is_none();
    crate::events::anchor(schema, &inner.pool, &account, run_id, started_at, full_all).await?;
    let _heartbeat = store::keep_alive(schema, &inner.pool, run_id);
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
        schema,
        &inner.pool,
        run_id,
        status,
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

/// Why `res` can hold nothing in this account, when it needs an object
/// ([`Resource::needs`]) whose complete list found none: no row of it for
/// the account, live or deleted. `None` when it may hold something, or the
/// needed object was never listed to the end.
async fn nothing_to_list(ctx: &Arc<RunCtx>, res: &'static Resource) -> Option<String> {
    let schema = &ctx.inner.config.schema;
    let needs = res.needs?;
    let needed = resource(needs.object)?;
    let pool = &ctx.inner.pool;
    let states = state::load(schema, pool, &ctx.account, needed.table)
        .await
        .ok()?;
    states
        .iter()
        .find(|s| s.scope.is_empty() && s.status == Status::Complete)?;
    let any = store::has_rows(schema, pool, needed, &ctx.account)
        .await
        .ok()?;
    (!any).then(|| {
        format!(
            "the account has no {} (its complete list found none), so none of these: {}",
            needs.object, needs.reason
        )
    })
}

async fn backfill_resource(
    ctx: &Arc<RunCtx>,
    res: &'static Resource,
    sem: &Arc<Semaphore>,
    mut permit: Option<OwnedSemaphorePermit>,
) -> ObjectReport {
    let schema = &ctx.inner.config.schema;
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
    let _ = store::record_run_object(schema, pool, ctx.run_id, &running).await;
    let nothing = nothing_to_list(ctx, res).await;
    let (status, error) = match list_plan(res) {
        None => (
            ObjectStatus::Skipped,
            Some("cannot be listed: no list endpoint whose path ids another list gives; webhooks and events still write it when Stripe sends one".to_string()),
        ),
        Some(_) if nothing.is_some() => (ObjectStatus::Skipped, nothing),
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
                    if matches!(status, ObjectStatus::Skipped | ObjectStatus::NotPermitted) {
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
    if let Err(e) = store::record_run_object(schema, pool, ctx.run_id, &result).await {
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
    let schema = &ctx.inner.config.schema;
    let pool = &ctx.inner.pool;
    let key = format!("stripe-sync:backfill:{}:{}", ctx.account, res.table);
    let mut waited = false;
    loop {
        // A queued job's account is leased to this worker alone: no other
        // worker lists it, so no lock (and no connection held for one).
        let lock = if ctx.leased {
            Some(None)
        } else {
            store::try_advisory_lock(schema, pool, &key)
                .await?
                .map(Some)
        };
        if let Some(lock) = lock {
            // Completed by another run since this work began: the run this
            // one waited for, or a taken-over job's earlier run.
            let since = ctx.completed_since.or(waited.then_some(ctx.started_at));
            if let (Some(since), false) = (since, ctx.req.has_created_range()) {
                let states = state::load(schema, pool, &ctx.account, res.table).await?;
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
    let schema = &ctx.inner.config.schema;
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
            let _ = store::record_run_object(schema, &ctx.inner.pool, ctx.run_id, &running).await;
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

/// How an error ends an object type's backfill: a permission error (403)
/// marks the type not permitted, an endpoint this account does not have
/// (404) skips it; losing
/// access to the whole account (401, 403 `account_invalid`) and anything
/// else fails it (and so the run).
fn classify(e: &Error) -> ObjectStatus {
    match e {
        Error::Stripe(c) if c.is_account_access_lost() => ObjectStatus::Failed,
        Error::Stripe(c) if c.is_permission_error() => ObjectStatus::NotPermitted,
        Error::Stripe(c) if c.is_not_found() => ObjectStatus::Skipped,
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

#[cfg(test)]
mod tests;

/// The top-level list of `res`, as a backfill lists it: the endpoint and
/// whether it filters by `created` (`None`: it is listed under parents, or
/// not at all).
pub(crate) fn top_level_list(res: &'static Resource) -> Option<(&'static ListEndpoint, bool)> {
    match list_plan(res)? {
        ListPlan::TopLevel { endpoint, created } => Some((endpoint, created)),
        ListPlan::Nested(_) => None,
    }
}

/// The `expand[]` parameters a backfill of every resource lists `res` with.
pub(crate) fn list_expansions(res: &'static Resource) -> Vec<(String, String)> {
    // Every listable resource, worked out once per process (it never changes).
    static ALL: std::sync::OnceLock<Vec<&'static Resource>> = std::sync::OnceLock::new();
    let all = ALL.get_or_init(|| select(&BackfillRequest::all()).unwrap_or_default());
    expansions(res, all)
}

/// The resources `objects` names (object strings or tables; `None`: every
/// listable one), in backfill order.
pub(crate) fn select_resources(objects: Option<&[String]>) -> Result<Vec<&'static Resource>> {
    select(&BackfillRequest {
        objects: objects.map(<[String]>::to_vec),
        ..Default::default()
    })
}
