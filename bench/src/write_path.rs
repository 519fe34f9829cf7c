//! The change log's cost on the database alone: `serve`'s group commit
//! (a ledger insert of 16 events, one upsert of their 16 customers, the
//! ledger's outcomes, one durable commit), run through the engine's own
//! store functions by 4 connections for a fixed time, with the log on and
//! off in alternating pairs. Nothing else shares the time (no HTTP, no
//! signature checks, no JSON parsing in a receiver), so the spread between
//! runs is far smaller than the whole webhook scenario's on a 2-core machine.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use chrono::Utc;
use stripe_sync::store::{self, ChangeSource, Commit};

use crate::harness::{
    customer_template, measure, median, migrated_db, pair_order, Measure, Options,
};
use crate::proc_stats;
use stripe_sync::Schema;

/// Events per transaction: about what `serve` commits together under load.
const BATCH: usize = 16;
/// Customers the transactions update, picked at random.
const CUSTOMERS: usize = 50_000;
/// Connections writing at once.
const CLIENTS: usize = 4;

/// The log on and off in `pairs` alternating pairs (on, off; off, on; …):
/// transactions per second of each run, and the median of the pairs'
/// on / off ratios.
pub(crate) async fn change_log_write_path(o: &Options) -> Result<Vec<Measure>> {
    let (pairs, secs) = if o.quick { (1, 3.0) } else { (3, 15.0) };
    let db = migrated_db().await?;
    let customers = stripe_sync_generated::registry::resource("customer")
        .ok_or_else(|| anyhow!("no customer resource"))?;
    let template = Arc::new(customer_template()?);
    // The customers the events update, written as a backfill would.
    for chunk in (0..CUSTOMERS).collect::<Vec<_>>().chunks(1_000) {
        let texts: Vec<String> = chunk
            .iter()
            .map(|&i| customer(&template, i, "seed@example.com"))
            .collect();
        let mut tx = store::begin_write(
            &Schema::default(),
            &db.pool,
            Commit::Relaxed,
            false,
            ChangeSource::Backfill,
        )
        .await?;
        store::upsert_objects(
            &Schema::default(),
            &mut *tx,
            customers,
            &texts,
            "acct_bench",
            Utc::now(),
        )
        .await?;
        tx.commit().await?;
    }
    let name = format!("change log write path {BATCH} events/tx x{CLIENTS}");
    let mut out = Vec::new();
    let mut ratios = Vec::new();
    let counter = Arc::new(AtomicU64::new(0));
    for pair in 0..pairs {
        let (mut on, mut off) = (0.0, 0.0);
        for log in pair_order(pair) {
            sqlx::query("SELECT stripe_sync.set_change_log($1)")
                .bind(log)
                .execute(&db.pool)
                .await?;
            sqlx::query(
                "TRUNCATE stripe_sync.changes, stripe_sync.change_batches, stripe_sync.events",
            )
            .execute(&db.pool)
            .await?;
            sqlx::query("VACUUM ANALYZE stripe.customers")
                .execute(&db.pool)
                .await?;
            let _ = sqlx::query("CHECKPOINT").execute(&db.pool).await;
            let cpu0 = proc_stats::postgres_cpu(&db.pool, &db.name).await;
            let deadline = Instant::now() + Duration::from_secs_f64(secs);
            let t0 = Instant::now();
            let mut tasks = Vec::new();
            for client in 0..CLIENTS {
                let (pool, counter, template) =
                    (db.pool.clone(), counter.clone(), template.clone());
                tasks.push(tokio::spawn(async move {
                    let mut done = 0u64;
                    while Instant::now() < deadline {
                        let k = counter.fetch_add(1, Ordering::Relaxed);
                        // A spread of 16 neighbours somewhere among the customers.
                        let base = (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 20) as usize % (CUSTOMERS - BATCH);
                        let ids: Vec<String> = (0..BATCH).map(|g| format!("evt_wp{client}_{k}_{g}")).collect();
                        let objects: Vec<String> = (0..BATCH)
                            .map(|g| customer(&template, base + g, &format!("v{k}@example.com")))
                            .collect();
                        let object_ids: Vec<String> = (0..BATCH).map(|g| format!("cus_wp{:05}", base + g)).collect();
                        let mut tx = store::begin_write(&Schema::default(), &pool, Commit::Durable, false, ChangeSource::Webhook).await?;
                        sqlx::query(
                            "INSERT INTO stripe_sync.events (id, type, created, account_id, livemode, object_type, object_id, source, outcome, _raw_data)
                             SELECT u.i, 'customer.updated', now(), 'acct_bench', false, 'customer', u.o, 'webhook', 'pending',
                                    jsonb_build_object('id', u.i, 'object', 'event', 'data', jsonb_build_object('object', u.r::jsonb))
                               FROM unnest($1::text[], $2::text[], $3::text[]) AS u (i, o, r) ORDER BY u.i",
                        )
                        .bind(&ids)
                        .bind(&object_ids)
                        .bind(&objects)
                        .execute(&mut *tx)
                        .await?;
                        store::upsert_objects(&Schema::default(), &mut *tx, customers, &objects, "acct_bench", Utc::now()).await?;
                        sqlx::query("UPDATE stripe_sync.events SET outcome = 'applied', processed_at = now() WHERE id = ANY($1::text[])")
                            .bind(&ids)
                            .execute(&mut *tx)
                            .await?;
                        tx.commit().await?;
                        done += 1;
                    }
                    anyhow::Ok(done)
                }));
            }
            let mut transactions = 0;
            for t in tasks {
                transactions += t.await??;
            }
            let rate = transactions as f64 / t0.elapsed().as_secs_f64();
            let cpu = proc_stats::postgres_cpu_between(
                &cpu0,
                &proc_stats::postgres_cpu(&db.pool, &db.name).await,
            ) / transactions.max(1) as f64;
            *if log { &mut on } else { &mut off } = cpu;
            let side = if log { "on" } else { "off" };
            out.push(measure(
                &name,
                &format!("transactions/s, log {side}"),
                rate,
                "tx/s",
                None,
            ));
            out.push(measure(
                &name,
                &format!("PostgreSQL CPU per transaction, log {side}"),
                1e6 * cpu,
                "us",
                None,
            ));
        }
        // Throughput moves with whatever else the machine runs; the CPU
        // PostgreSQL spends per transaction much less.
        ratios.push(100.0 * off / on.max(f64::MIN_POSITIVE));
    }
    let median = median(&mut ratios);
    out.push(measure(
        "change log",
        &format!(
            "write path: CPU off / on (median of {pairs} pairs; spread {:.0}-{:.0}%)",
            ratios[0],
            ratios[ratios.len() - 1]
        ),
        median,
        "%",
        Some(">= 90"),
    ));
    db.drop_db().await?;
    Ok(out)
}

/// The bench's customer template with this id and email, as JSON text.
fn customer(template: &serde_json::Value, i: usize, email: &str) -> String {
    let mut c = template.clone();
    c["id"] = format!("cus_wp{i:05}").into();
    c["email"] = email.into();
    c.to_string()
}
