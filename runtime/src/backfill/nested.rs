//! Lists under a parent (invoice lines, tax ids, ...): the walk over the
//! parents written since the last complete run, and one parent's pages.

use super::*;

pub(super) async fn nested(
    ctx: &Arc<RunCtx>,
    res: &'static Resource,
    list: NestedList,
    counters: &Arc<Counters>,
) -> Result<()> {
    let schema = &ctx.inner.config.schema;
    let NestedList {
        parent,
        embedded_field,
        ..
    } = list;
    let pool = &ctx.inner.pool;
    let account = &ctx.account;
    let key = Key::root(account, res.table);
    let states = state::load(schema, pool, account, res.table).await?;
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
    let parents = store::Parents {
        resource: parent,
        account,
        skip_complete_list: embedded_field,
        synced_since: since,
    };
    let counted = store::count_parents(schema, pool, &parents, &after).await?;
    counters.expected.store(
        counters.requests.load(Ordering::Relaxed) + counted.max(0) as u64,
        Ordering::Relaxed,
    );
    loop {
        let ids = store::ids_after(schema, pool, &parents, &after, concurrency as i64 * 4).await?;
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
            state::save(schema, pool, key, Some(&cursor(&after)), failed).await?;
            return Err(e);
        }
        after = last;
        // Not past parents whose rows a server crash may have taken.
        let mut tx = pool.begin().await?;
        store::ensure_same_server(&mut *tx, ctx.server_started).await?;
        let running = Progress::new(Status::Running, ctx.run_id).claimed_by(&ctx.inner.instance);
        state::save(schema, &mut *tx, key, Some(&cursor(&after)), running).await?;
        tx.commit().await?;
    }
    // Durable and on the same server, as for top-level lists.
    let mut tx = ctx
        .inner
        .begin_write(store::Commit::Durable, store::ChangeSource::Backfill)
        .await?;
    store::ensure_same_server(&mut *tx, ctx.server_started).await?;
    // Nothing to resume: the next run reads only the high water.
    let complete = Progress::new(Status::Complete, ctx.run_id).high_water(Some(started));
    state::save::<ParentsCursor>(schema, &mut *tx, key, None, complete).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn list_under_parent(
    ctx: &RunCtx,
    res: &'static Resource,
    list: NestedList,
    parent_id: &str,
    counters: &Counters,
) -> Result<()> {
    let schema = &ctx.inner.config.schema;
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
    let (path, base) = if param.in_path {
        let path = endpoint
            .path
            .replace(&format!("{{{}}}", param.name), parent_id);
        (path, Vec::new())
    } else {
        let base = vec![(param.name.to_string(), parent_id.to_string())];
        (endpoint.path.to_string(), base)
    };
    let fixed = Listing::of(endpoint);
    // The parent's list of these children, when it is one: a complete
    // listing then also says which stored children no longer belong to it.
    let membership = param_parent(param)
        .and_then(|p| {
            p.embedded_lists
                .iter()
                .find(|e| e.object == res.object && e.complete)
        })
        .filter(|_| !endpoint.partial);
    let listed_at = inner.client.fetch_version();
    let mut ids: Vec<String> = Vec::new();
    let mut listing = Listing::at(&path, fixed.query()).with(&base);
    loop {
        let q = listing.query();
        let after = listing.cursor().map(str::to_owned);
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
        listing.advance(&page);
        let fetched_at = inner.client.fetch_version();
        let n = page.items.len() as u64;
        let Prepared {
            groups,
            memberships,
            ..
        } = ctx
            .unless_interrupted(prepare_page(inner, res, page.items, fetched_at))
            .await?;
        for g in groups.iter().filter(|g| g.res.table == res.table) {
            ids.extend(
                g.texts
                    .iter()
                    .filter_map(|t| objects::head(t).ok().and_then(|h| h.id)),
            );
        }
        let write_page = || async {
            let mut tx = inner
                .begin_write(store::Commit::Relaxed, store::ChangeSource::Backfill)
                .await?;
            store::ensure_same_server(&mut *tx, ctx.server_started).await?;
            let mut written = 0;
            for g in &groups {
                written += quarantine::upsert_rows(
                    schema,
                    &mut tx,
                    g.res,
                    &g.texts,
                    &ctx.account,
                    &g.versions,
                )
                .await?
                .0;
                // Items that do not carry the parent they were listed under
                // (an active entitlement's customer) get it from the list.
                if let Some(owner) = g.res.owner.filter(|o| param.object == Some(o.object)) {
                    store::set_owner(schema, &mut *tx, &owner, parent_id, &g.texts, &ctx.account)
                        .await?;
                }
            }
            written += store::apply_fetched_membership(schema, &mut tx, &memberships, &ctx.account)
                .await?;
            tx.commit().await?;
            Ok::<u64, Error>(written)
        };
        let written = store::retry_conflicts(res.object, write_page).await?;
        counters.fetched.fetch_add(n, Ordering::Relaxed);
        counters.written.fetch_add(written, Ordering::Relaxed);
        if listing.is_done() {
            break;
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
        let deleted = store::retry_conflicts(res.object, || async {
            let mut tx = inner
                .begin_write(store::Commit::Relaxed, store::ChangeSource::Backfill)
                .await?;
            store::ensure_same_server(&mut *tx, ctx.server_started).await?;
            let deleted = store::apply_membership(
                schema,
                &mut tx,
                &[&children],
                &ctx.account,
                listed_at,
                true,
            )
            .await?;
            tx.commit().await?;
            Ok::<u64, Error>(deleted)
        })
        .await?;
        counters.written.fetch_add(deleted, Ordering::Relaxed);
    }
    Ok(())
}

/// Whether a 404 says the URL itself is unknown (the endpoint does not exist
/// here), rather than that the parent object is missing.
pub(super) fn is_unknown_endpoint(e: &crate::client::ClientError) -> bool {
    match e {
        crate::client::ClientError::Api { message, .. } => {
            message.contains("Unrecognized request URL")
        }
        _ => false,
    }
}
