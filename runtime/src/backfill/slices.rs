//! A top-level list in `created` slices: idle streams split the busiest
//! slice, each slice fetches its pages while a writer commits them with the
//! cursor (an object the database refuses is quarantined, the rest written).

use super::*;

pub(super) async fn top_level(
    ctx: &Arc<RunCtx>,
    res: &'static Resource,
    endpoint: &'static ListEndpoint,
    created: bool,
    counters: &Arc<Counters>,
) -> Result<()> {
    let schema = &ctx.inner.config.schema;
    let pool = &ctx.inner.pool;
    let account = &ctx.account;
    let req = &ctx.req;
    let key = Key::root(account, res.table);
    let states = state::load(schema, pool, account, res.table).await?;
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
            state::clear_slices(schema, pool, account, res.table).await?;
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
    state::save(schema, pool, key, Some(&plan), running).await?;
    for s in &slices {
        let pending = Progress::new(Status::Pending, ctx.run_id);
        state::save(
            schema,
            pool,
            key.scope(&s.scope),
            Some(&s.cursor()),
            pending,
        )
        .await?;
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
        state::save(schema, pool, key, Some(&plan), failed).await?;
        return Err(e);
    }
    let high_water = (!plan.explicit)
        .then(|| chrono::TimeZone::timestamp_opt(&Utc, plan.started, 0).single())
        .flatten();
    // Durable, and on the server the pages were written to: its commit
    // flushes every page before it, so "complete" is never stored while a
    // page it counts could still be lost.
    let mut tx = ctx
        .inner
        .begin_write(store::Commit::Durable, store::ChangeSource::Backfill)
        .await?;
    store::ensure_same_server(&mut *tx, ctx.server_started).await?;
    let complete = Progress::new(Status::Complete, ctx.run_id).high_water(high_water);
    state::save(schema, &mut *tx, key, Some(&plan), complete).await?;
    state::clear_slices(schema, &mut *tx, account, res.table).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn slice_worker(sc: &Arc<SliceCtx>) {
    let schema = &sc.run.inner.config.schema;
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
            let _ = state::mark(schema, &sc.run.inner.pool, key, Status::Failed, Some(&msg)).await;
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

/// Splits a page's items by object (a list can mix objects, e.g. sources) and
/// pulls out embedded lists, as children of their parent item.
pub(super) async fn prepare_page(
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

pub(super) async fn run_slice(sc: &Arc<SliceCtx>, mut slice: Slice) -> Result<()> {
    let schema = &sc.run.inner.config.schema;
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
            let (gte, lt) = if sc.created {
                (slice.gte, slice.lt)
            } else {
                (None, None)
            };
            let q = Listing::of(sc.endpoint)
                .with(&sc.expand)
                .created(gte, lt)
                .after(slice.after.clone())
                .query();
            let requests = sc.counters.requests.fetch_add(1, Ordering::Relaxed) + 1;
            let page = sc
                .run
                .unless_interrupted(async {
                    Ok(inner.client.list_page(sc.endpoint.path, &q).await?)
                })
                .await?;
            let fetched_at = inner.client.fetch_version();
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
            let write_batch = || async {
                let mut dbtx = inner
                    .begin_write(store::Commit::Relaxed, store::ChangeSource::Backfill)
                    .await?;
                store::ensure_same_server(&mut *dbtx, sc.run.server_started).await?;
                let mut written = 0;
                for g in &merged {
                    // An object the database refuses is quarantined; the
                    // rest of the page is written and the cursor moves past it.
                    written += quarantine::upsert_rows(
                        schema,
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
                written += store::apply_fetched_membership(
                    schema,
                    &mut dbtx,
                    &memberships,
                    &sc.run.account,
                )
                .await?;
                if let Some((after, done)) = &last {
                    state::advance_slice(
                        schema,
                        &mut dbtx,
                        Key::root(&sc.run.account, sc.res.table).scope(&scope),
                        after.as_deref(),
                        if *done {
                            Status::Complete
                        } else {
                            Status::Running
                        },
                        (!*done).then_some(inner.instance.as_str()),
                    )
                    .await?;
                }
                dbtx.commit().await?;
                Ok::<u64, Error>(written)
            };
            let written = store::retry_conflicts(sc.res.object, write_batch).await?;
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
pub(super) fn estimate_pages(
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
pub(super) const MIN_PAGES_TO_SPLIT: u64 = 4;

/// Gives the older half of the slice's remaining range to an idle worker,
/// when the range still holds enough pages for both halves.
pub(super) async fn maybe_split(
    sc: &Arc<SliceCtx>,
    slice: &mut Slice,
    page_first: Option<i64>,
    last_created: i64,
) -> Result<()> {
    let schema = &sc.run.inner.config.schema;
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
        schema,
        &mut *tx,
        key.scope(&new.scope),
        Some(&new.cursor()),
        pending,
    )
    .await?;
    state::narrow_slice(schema, &mut tx, key.scope(&slice.scope), mid).await?;
    tx.commit().await?;
    slice.gte = Some(mid);
    sc.lock().slices.push_back(new);
    Ok(())
}
