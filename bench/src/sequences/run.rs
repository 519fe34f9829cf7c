//! Runs one sequence: each operation against the simulator, the webhook
//! tee or both engines; then settles (held deliveries released, every
//! delivery answered, a final catch-up and worker run) and compares both
//! databases with the simulator with the consistency oracle.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;
use stripe_sync::{BackfillRequest, WorkerOptions};
use stripe_sync_tests::oracle::Oracle;

use super::generate::SEEDED;
use super::ops::{Kind, Obj, Op, Stop};
use super::procs;
use super::tee::TeeCounts;
use super::world::{Side, Template, World, KEY};

/// How long any awaited condition may take before the seed fails.
const WAIT_LIMIT: Duration = Duration::from_secs(60);

/// What a seed found: nothing, or what to print.
pub type Verdict = Option<String>;

/// The driver's view of a running sequence: handles to Stripe ids, and
/// the simulated second the next writes are dated in.
struct Runner<'a> {
    w: &'a World,
    ids: HashMap<Obj, String>,
    /// The second of the first tick (unix time).
    base: i64,
    /// Ticks so far: writes are dated `base + tick`.
    tick: i64,
    /// The simulator's clock offset last set.
    offset: i64,
}

/// Seconds the simulated clock starts ahead of the real one: events are
/// dated after any fetch of the seed's commands (whose version is the real
/// second before), however the seconds of the real clock fall.
const AHEAD: i64 = 30;

fn real_now() -> (i64, u32) {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (d.as_secs() as i64, d.subsec_millis())
}

/// A backfill of the kinds a sequence touches.
fn request(full: bool) -> BackfillRequest {
    let mut r = BackfillRequest::objects(Kind::ALL.iter().map(|k| k.object()));
    r.full = full;
    r
}

fn worker_options() -> WorkerOptions {
    WorkerOptions {
        // One slot: a second would wait up to a second for the first's
        // account before the queue reads empty.
        accounts_at_once: 1,
        lease: Duration::from_secs(30),
        max_attempts: 2,
        retry_delay: Duration::from_millis(100),
        ..WorkerOptions::default()
    }
}

impl<'a> Runner<'a> {
    /// Maps the seeded objects to their handles: by kind, oldest first.
    fn new(w: &'a World) -> Result<Self> {
        let mut ids = HashMap::new();
        for (acct, account) in w.accounts.iter().enumerate() {
            for (kind, count) in SEEDED {
                let mut objs: Vec<(i64, String)> = w
                    .sim
                    .objects_of(account, kind.object())
                    .iter()
                    .filter_map(|o| {
                        Some((
                            o.get("created")?.as_i64().unwrap_or(0),
                            o.get("id")?.as_str()?.to_string(),
                        ))
                    })
                    .collect();
                objs.sort();
                anyhow::ensure!(
                    objs.len() >= usize::from(count),
                    "{account} has {} seeded {}, expected {count}",
                    objs.len(),
                    kind.object()
                );
                for (n, (_, id)) in objs.into_iter().take(usize::from(count)).enumerate() {
                    let obj = Obj {
                        acct: acct as u8,
                        kind,
                        n: n as u16,
                    };
                    ids.insert(obj, id);
                }
            }
        }
        Ok(Runner {
            w,
            ids,
            base: real_now().0 + AHEAD,
            tick: 0,
            offset: 0,
        })
    }

    fn id(&self, obj: &Obj) -> Result<&str> {
        self.ids
            .get(obj)
            .map(String::as_str)
            .ok_or_else(|| anyhow!("driver: no id for {obj}"))
    }

    /// Dates the next write `base + tick` whatever the real clock says, so
    /// that which writes share a second depends on the operations (a
    /// replay dates them alike), except that the simulator's clock never
    /// goes back: when a whole second passed on it since the last write,
    /// the dates move on with it. Not within the last 50 ms of a real
    /// second, which could pass before the simulator reads its clock.
    async fn pin_clock(&mut self) {
        let (mut now, ms) = real_now();
        if ms > 950 {
            tokio::time::sleep(Duration::from_millis(u64::from(1000 - ms))).await;
            now = real_now().0;
        }
        // A slow machine: keep the dates ahead of the real clock.
        if self.base + self.tick < now + 2 {
            self.base = now + 2 - self.tick;
        }
        // Stripe's clock never goes back: a second that has passed on the
        // simulator's clock since the last write (a read was dated by it)
        // is never written in again.
        let sim_now = now + self.offset;
        if self.base + self.tick < sim_now {
            self.base = sim_now - self.tick;
        }
        self.offset = self.base + self.tick - now;
        self.w.sim.set_clock_offset(self.offset);
    }

    async fn call(
        &mut self,
        method: reqwest::Method,
        acct: u8,
        path: &str,
        form: &[(String, String)],
    ) -> Result<Value> {
        self.pin_clock().await;
        let mut r = self
            .w
            .http
            .request(method.clone(), format!("{}{path}", self.w.sim.base_url()))
            .bearer_auth(KEY);
        if acct > 0 {
            r = r.header("Stripe-Account", &self.w.accounts[usize::from(acct)]);
        }
        if !form.is_empty() {
            r = r.form(form);
        }
        let resp = r.send().await?;
        let status = resp.status();
        let v: Value = resp.json().await?;
        anyhow::ensure!(status.is_success(), "{method} {path}: {status} {v}");
        Ok(v)
    }

    fn create_form(&self, obj: &Obj, parents: &[Obj]) -> Result<Vec<(String, String)>> {
        let p = |i: usize| -> Result<String> {
            parents
                .get(i)
                .ok_or_else(|| anyhow!("driver: {obj} lacks parent {i}"))
                .and_then(|o| self.id(o).map(String::from))
        };
        let kv = |k: &str, v: String| (k.to_string(), v);
        Ok(match obj.kind {
            Kind::Customer => vec![
                kv("name", format!("{obj}")),
                kv("email", format!("c{}@example.com", obj.n)),
            ],
            Kind::Product => vec![kv("name", format!("{obj}"))],
            Kind::Price => vec![
                kv("product", p(0)?),
                kv("unit_amount", (500 + obj.n).to_string()),
                kv("currency", "usd".into()),
                kv("recurring[interval]", "month".into()),
            ],
            Kind::Subscription => {
                let mut f = vec![kv("customer", p(0)?)];
                for i in 1..parents.len() {
                    f.push(kv(&format!("items[{}][price]", i - 1), p(i)?));
                }
                f
            }
            Kind::Item => vec![
                kv("subscription", p(0)?),
                kv("price", p(1)?),
                kv("quantity", "1".into()),
            ],
            Kind::Invoice => vec![kv("customer", p(0)?)],
        })
    }

    /// The change of `update`: with `refused`, a text PostgreSQL can't
    /// hold (a NUL) holding the engine's escape character too.
    fn update_form(obj: &Obj, value: u32, refused: bool) -> Vec<(String, String)> {
        let text = |s: String| {
            if refused {
                format!("{s} nul\0 esc\u{E000}0 end")
            } else {
                s
            }
        };
        let (k, v) = match obj.kind {
            Kind::Customer | Kind::Product => ("name", text(format!("{obj} v{value}"))),
            Kind::Item => ("quantity", (value % 50 + 2).to_string()),
            Kind::Invoice => ("description", text(format!("v{value}"))),
            Kind::Price | Kind::Subscription => ("metadata[seq]", text(format!("v{value}"))),
        };
        vec![(k.to_string(), v)]
    }

    async fn update(&mut self, obj: &Obj, value: u32, refused: bool) -> Result<()> {
        let path = format!("{}/{}", obj.kind.path(), self.id(obj)?);
        self.call(
            reqwest::Method::POST,
            obj.acct,
            &path,
            &Self::update_form(obj, value, refused),
        )
        .await?;
        Ok(())
    }

    /// Where the two sides' processes connect.
    fn targets(&self) -> [(&'static str, procs::Target); 2] {
        [
            (self.w.sides[0].name, self.w.target(0)),
            (self.w.sides[1].name, self.w.target(1)),
        ]
    }

    /// Waits until every delivery so far was answered, except the held ones.
    async fn quiet(&self) -> Result<()> {
        let t0 = Instant::now();
        loop {
            let held = self.w.tee.held().await as u64;
            if self.w.sim.deliveries_in_flight() <= held {
                return Ok(());
            }
            if t0.elapsed() > WAIT_LIMIT {
                bail!(
                    "driver: {} deliveries still in flight after {} s ({held} held)",
                    self.w.sim.deliveries_in_flight(),
                    WAIT_LIMIT.as_secs()
                );
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Runs `f` on both sides at once.
    async fn both<F, Fut>(&self, f: F) -> Result<()>
    where
        F: Fn(&'a Side) -> Fut,
        Fut: std::future::Future<Output = Result<()>>,
    {
        let [a, b] = &self.w.sides;
        let (ra, rb) = tokio::join!(f(a), f(b));
        ra.with_context(|| format!("on the {} side", a.name))?;
        rb.with_context(|| format!("on the {} side", b.name))
    }

    async fn run(&mut self, op: &Op) -> Result<()> {
        match op {
            Op::Create { obj, parents } => {
                let form = self.create_form(obj, parents)?;
                let v = self
                    .call(reqwest::Method::POST, obj.acct, obj.kind.path(), &form)
                    .await?;
                let id = v["id"]
                    .as_str()
                    .ok_or_else(|| anyhow!("create {obj}: no id in {v}"))?;
                self.ids.insert(*obj, id.to_string());
                self.quiet().await?;
            }
            Op::Update { obj, value } => {
                self.update(obj, *value, false).await?;
                self.quiet().await?;
            }
            Op::UpdateRefused { obj, value } => {
                self.tick += 1;
                self.update(obj, *value, true).await?;
                self.tick += 1;
                self.quiet().await?;
            }
            Op::Burst { obj, count, value } => {
                for i in 0..u32::from(*count) {
                    self.update(obj, value + i, false).await?;
                }
                self.quiet().await?;
            }
            Op::Delete { obj } => {
                let path = format!("{}/{}", obj.kind.path(), self.id(obj)?);
                self.call(reqwest::Method::DELETE, obj.acct, &path, &[])
                    .await?;
                self.quiet().await?;
            }
            Op::Tick => self.tick += 1,
            Op::Deliver(d) => self.w.tee.set(*d).await,
            Op::Release => {
                self.w.tee.release().await;
                self.quiet().await?;
            }
            Op::Backfill { full } => {
                let full = *full;
                self.both(|s| async move {
                    let r = s.sync.backfill(request(full)).await?;
                    anyhow::ensure!(r.succeeded, "backfill run {} {:?}", r.run_id, r.status);
                    Ok(())
                })
                .await?
            }
            Op::Sync => {
                self.both(|s| async move {
                    s.sync.sync_events().await?;
                    Ok(())
                })
                .await?
            }
            Op::Enqueue { full } => {
                let full = *full;
                self.both(|s| async move {
                    s.sync.enqueue_backfill(&request(full), true, &[]).await?;
                    Ok(())
                })
                .await?
            }
            Op::EnqueueEvents => {
                self.both(|s| async move {
                    s.sync.enqueue_events(&[]).await?;
                    Ok(())
                })
                .await?
            }
            Op::Worker => self.both(work).await?,
            Op::Process { cmd, stop } => {
                procs::run_all(&self.targets(), &cmd.args(), *stop).await?;
            }
            Op::RestartServe { kill } => self.w.serve.restart(*kill).await?,
            Op::RestartPostgres {
                crash,
                during,
                after_ms,
            } => {
                let args = during.map(|c| c.args()).unwrap_or_default();
                let children = match during {
                    Some(_) => procs::spawn_all(&self.targets(), &args)?,
                    None => Vec::new(),
                };
                tokio::time::sleep(Duration::from_millis(u64::from(*after_ms))).await;
                let pg = self.w.pg.clone();
                let crash = *crash;
                tokio::task::spawn_blocking(move || {
                    if crash {
                        pg.crash_server()?;
                    } else {
                        pg.stop_server()?;
                    }
                    pg.start_server()
                })
                .await?
                .map_err(|e| anyhow!("restarting PostgreSQL: {e}"))?;
                procs::end_all(children, &args, Stop::Finish, true).await?;
            }
        }
        Ok(())
    }

    /// Releases what is held, waits for every delivery to be answered, then
    /// the final catch-up: `sync`, and an events job per account worked.
    async fn settle(&mut self) -> Result<()> {
        self.w.tee.settle().await;
        let t0 = Instant::now();
        while self.w.sim.deliveries_in_flight() > 0 || self.w.tee.held().await > 0 {
            if t0.elapsed() > WAIT_LIMIT {
                bail!(
                    "driver: deliveries still in flight after {} s",
                    WAIT_LIMIT.as_secs()
                );
            }
            self.w.tee.release().await;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // Time passes before the final catch-up, as it would: Stripe's
        // clock past the last second written, objects whose events share
        // a second are read at once instead of after a wait.
        self.tick += 3;
        self.pin_clock().await;
        self.both(|s| async move {
            s.sync.sync_events().await?;
            s.sync.enqueue_events(&[]).await?;
            work(s).await
        })
        .await
    }

    /// The oracle on both sides: `None` when both equal the simulator.
    async fn check(&self) -> Result<Verdict> {
        let accounts: Vec<&str> = self.w.accounts.iter().map(String::as_str).collect();
        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.object()).collect();
        let mut out = String::new();
        for side in &self.w.sides {
            let r = Oracle::new(&self.w.sim)
                .only(&kinds)
                .accounts(&accounts)
                .check(&side.db.pool)
                .await?;
            // Every event acknowledged to the simulator is in the ledger
            // (dropped ones too: the final catch-up lists them).
            let events = acknowledged(&self.w.sim, &side.db.pool).await?;
            if !events.is_empty() {
                out.push_str(&format!(
                    "  {}: {} acknowledged events not in the ledger: {}\n",
                    side.name,
                    events.len(),
                    events.join(", ")
                ));
            }
            if !r.is_consistent() {
                out.push_str(&format!("  {}: {r}\n", side.name));
                for f in &r.findings {
                    let acct = self
                        .w
                        .accounts
                        .iter()
                        .position(|a| *a == f.account)
                        .map_or(f.account.clone(), |i| format!("a{i}"));
                    let handle = self
                        .ids
                        .iter()
                        .find(|(_, id)| **id == f.id)
                        .map_or(String::new(), |(o, _)| format!(" = {o}"));
                    out.push_str(&format!(
                        "    {:?} {} {}{handle} ({acct}): {}\n",
                        f.drift, f.table, f.id, f.detail
                    ));
                }
            }
        }
        Ok((!out.is_empty()).then_some(out))
    }
}

/// Events the simulator got a 2xx for that are not in the ledger (as
/// `stripe_sync_tests::oracle::acknowledged_events`, without its printing).
async fn acknowledged(
    sim: &stripe_sync_simulator::SimHandle,
    pool: &sqlx::PgPool,
) -> Result<Vec<String>> {
    let acked: std::collections::BTreeSet<String> = sim
        .deliveries()
        .into_iter()
        .filter(|d| d.succeeded)
        .map(|d| d.event_id)
        .collect();
    let ids: Vec<String> = acked.iter().cloned().collect();
    let found: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM stripe_sync.events WHERE id = ANY($1) AND outcome <> 'failed'",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    let found: std::collections::BTreeSet<String> = found.into_iter().collect();
    Ok(acked.difference(&found).cloned().collect())
}

/// Works the queue until it is empty; a failed job fails the seed.
async fn work(s: &Side) -> Result<()> {
    let r = s.sync.run_worker(worker_options()).await?;
    anyhow::ensure!(
        r.jobs_failed == 0 && r.revoked == 0,
        "worker: {} jobs failed, {} accounts revoked",
        r.jobs_failed,
        r.revoked
    );
    Ok(())
}

/// Runs `ops` in a fresh world, settles, and checks both databases; adds
/// what the webhook receiver did to `counts`.
/// An error of an operation is a finding too (with the operation's number).
pub async fn run_sequence(
    seed: u64,
    ops: &[Op],
    template: &Template,
    counts: &TeeCounts,
) -> Result<Verdict> {
    let t0 = Instant::now();
    let world = World::start(seed, template)
        .await
        .with_context(|| format!("seed {seed}: starting the simulator and databases"))?;
    if std::env::var_os("STRIPE_SYNC_SEQUENCES_TRACE").is_some() {
        eprintln!("  started in {:.3} s", t0.elapsed().as_secs_f64());
    }
    let verdict = drive(&world, ops).await;
    counts.add(&world.tee.counts);
    let t0 = Instant::now();
    let finished = world.finish(template).await;
    if std::env::var_os("STRIPE_SYNC_SEQUENCES_TRACE").is_some() {
        eprintln!("  finished in {:.3} s", t0.elapsed().as_secs_f64());
    }
    let verdict = verdict?;
    finished?;
    Ok(verdict)
}

async fn drive(world: &World, ops: &[Op]) -> Result<Verdict> {
    let trace = std::env::var_os("STRIPE_SYNC_SEQUENCES_TRACE").is_some();
    let mut r = Runner::new(world)?;
    for (i, op) in ops.iter().enumerate() {
        let t0 = Instant::now();
        let result = r.run(op).await;
        if trace {
            eprintln!("  {:>3}. {op}: {:.3} s", i + 1, t0.elapsed().as_secs_f64());
        }
        if let Err(e) = result {
            // Let the receiver answer what it holds before the world stops.
            world.tee.settle().await;
            return Ok(Some(format!(
                "  operation {} ({op}) failed: {e:#}\n",
                i + 1
            )));
        }
    }
    let t0 = Instant::now();
    let settled = r.settle().await;
    if trace {
        eprintln!("  settled in {:.3} s", t0.elapsed().as_secs_f64());
    }
    if let Err(e) = settled {
        return Ok(Some(format!("  settling failed: {e:#}\n")));
    }
    let t0 = Instant::now();
    let verdict = r.check().await;
    if trace {
        eprintln!("  checked in {:.3} s", t0.elapsed().as_secs_f64());
    }
    verdict
}
