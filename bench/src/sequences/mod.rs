//! `sequences`: randomized sequences of operations that must converge
//! (issue 30).
//!
//! From a seed, [`generate`] makes a random interleaving of Stripe-side
//! changes (creates, updates, deletes, several changes in one second, items
//! leaving a subscription, a subscription growing past ten items, values
//! PostgreSQL can't hold), webhook delivery faults (failed and redelivered,
//! dropped, duplicated, held and released newest first), commands in
//! process (incremental and `--full` backfills, `sync`, the Connect
//! queue's enqueue and worker) and as new `stripe-sync` processes
//! (`backfill`, `sync`, `sync --follow`, `sync --connected-accounts`,
//! `worker`; run to their end, or SIGINT or SIGKILL at a random point),
//! `serve` restarts and PostgreSQL restarts and crashes (while a command
//! runs, or not), over a platform and two connected accounts. [`run`]
//! plays them against a fresh simulator and two fresh databases on a
//! private PostgreSQL, one fed by a `serve` process, the other by
//! `stripe_sync.process_webhook`; lets everything settle; and runs the
//! consistency oracle on both: 0 missing, 0 stale, 0 extra for every
//! account and touched object type.
//!
//! A seed gives the same operations on any machine, and the runner dates
//! every Stripe-side write in the simulated second the operations say
//! (`tick`s), so a replay (`--seed S`) dates them alike; which of several
//! concurrent deliveries a delivery fault hits can still vary.
//! `STRIPE_SYNC_SEQUENCES_TRACE=1` prints each operation's time;
//! `STRIPE_SYNC_SEQUENCES_KEEP=1` keeps each seed's two databases for
//! inspection (the next run drops them).
//!
//! The processes are this binary (`child-cli`, the command line's own
//! `run`), so the driver needs nothing beside it.

pub mod generate;
pub mod ops;
pub mod procs;
pub mod run;
pub mod tee;
pub mod world;

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::Result;
use generate::GenOptions;

/// `sequences` options.
#[derive(clap::Args, Clone, Debug)]
pub struct SequencesOptions {
    /// Run this many seeds, from `--from`.
    #[arg(long, default_value_t = 20, conflicts_with = "seed")]
    pub seeds: u64,
    /// The first seed of `--seeds`.
    #[arg(long, default_value_t = 1)]
    pub from: u64,
    /// Run exactly this seed (replays a failure).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Run the gate's fixed set ([`gate`]): each seed that found a bug, as
    /// it found it, and a few more.
    #[arg(long, conflicts_with_all = ["seed", "seeds", "from"])]
    pub gate: bool,
    /// Never grow a subscription past the ten items Stripe embeds (how
    /// seed 30 found a same-second bug that growing hid).
    #[arg(long)]
    pub no_grow: bool,
    /// No processes, restarts or refused values: the other operations of
    /// a seed are the same (how the seeds found before these existed replay).
    #[arg(long)]
    pub no_processes: bool,
    /// Seeds run at once, each lane on its own private PostgreSQL (seeds
    /// spend most of their time waiting on clocks, deliveries and restarts).
    #[arg(long, default_value_t = 4)]
    pub jobs: usize,
    /// Print every seed's operations, not only a failed one's.
    #[arg(long)]
    pub verbose: bool,
}

/// How a seed that found something generates: as it did then.
const BEFORE_PROCESSES: GenOptions = GenOptions {
    grow: true,
    processes: false,
};

/// The seeds that found a bug, each with the options it found it with, and
/// what it found.
pub const FOUND: &[(u64, GenOptions, &str)] = &[
    (
        6,
        BEFORE_PROCESSES,
        "an item past the first page of a subscription's items never reached the mirror by events",
    ),
    (7, BEFORE_PROCESSES, "the same, its update dropped and caught up"),
    (
        42,
        BEFORE_PROCESSES,
        "the same on a connected account: serve listed it with the platform's client",
    ),
    (
        53,
        BEFORE_PROCESSES,
        "the same, listed by serve before the fix to versions by Stripe's clock",
    ),
    (
        96,
        BEFORE_PROCESSES,
        "an item past the first page deleted, live in the mirror",
    ),
    (100, BEFORE_PROCESSES, "the same on the platform, with held deliveries"),
    (133, BEFORE_PROCESSES, "both of the above in one sequence"),
    (
        73,
        BEFORE_PROCESSES,
        "a late event's complete list soft-deleted an item a newer state of its subscription holds",
    ),
    (
        101,
        BEFORE_PROCESSES,
        "four updates in one second, the first dropped and caught up last: it won the tie",
    ),
    (128, BEFORE_PROCESSES, "the same with duplicated and held deliveries"),
    (
        30,
        GenOptions { grow: false, processes: false },
        "a same-second update of an item reverted by a late event",
    ),
    (318, BEFORE_PROCESSES, "the simulator: a change to an item past the first ten sent no subscription event (Stripe sends one)"),
    (333, BEFORE_PROCESSES, "the same, another item"),
    (35, BEFORE_PROCESSES, "the driver: the simulator's clock went back a second, so a read was dated after the next write"),
];

/// Seeds the gate runs beyond [`FOUND`], with every operation.
pub const GATE_MORE: std::ops::RangeInclusive<u64> = 1..=6;

/// The gate's set: the seeds of [`FOUND`] as they found what they found,
/// then [`GATE_MORE`].
pub fn gate() -> Vec<(u64, GenOptions)> {
    let mut v: Vec<(u64, GenOptions)> = FOUND.iter().map(|&(s, g, _)| (s, g)).collect();
    v.extend(GATE_MORE.map(|s| (s, GenOptions::default())));
    v
}

/// What a run of seeds came to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Seeds run.
    pub seeds: usize,
    /// Operations run.
    pub operations: usize,
    /// Seeds that failed.
    pub failures: usize,
}

/// Runs the seeds the options name, one line each, then `N seeds, M
/// operations, F failures`; exits non-zero when any seed failed.
pub async fn sequences(o: &SequencesOptions) -> Result<()> {
    let options = GenOptions {
        grow: !o.no_grow,
        processes: !o.no_processes,
    };
    let seeds: Vec<(u64, GenOptions)> = match o.seed {
        _ if o.gate => gate(),
        Some(s) => vec![(s, options)],
        None => (o.from..o.from.saturating_add(o.seeds))
            .map(|s| (s, options))
            .collect(),
    };
    if run_seeds(&seeds, o.jobs, o.verbose).await?.failures > 0 {
        std::process::exit(1);
    }
    Ok(())
}

/// Runs `seeds` (each with how it generates), `jobs` at a time (each lane
/// on its own private PostgreSQL: a restart in one seed must not cut
/// another's connections), printing a block per seed as it ends (a failed
/// one's findings, operations and replay command too) and the tally last.
pub async fn run_seeds(seeds: &[(u64, GenOptions)], jobs: usize, verbose: bool) -> Result<Tally> {
    let t0 = Instant::now();
    let queue: Mutex<VecDeque<(u64, GenOptions)>> = Mutex::new(seeds.iter().copied().collect());
    let counts = tee::TeeCounts::default();
    // Futures of this task, not spawned tasks: a lane's future holds
    // borrows the runtime can't prove `Send` for every lifetime.
    let lanes = (0..jobs.clamp(1, seeds.len().max(1))).map(|_| lane(&queue, &counts, verbose));
    let mut tally = Tally::default();
    let mut error = None;
    for r in futures::future::join_all(lanes).await {
        match r {
            Ok(t) => {
                tally.seeds += t.seeds;
                tally.operations += t.operations;
                tally.failures += t.failures;
            }
            Err(e) => {
                // The other lanes stop at their next seed.
                queue
                    .lock()
                    .map_err(|_| anyhow::anyhow!("poisoned"))?
                    .clear();
                error.get_or_insert(e);
            }
        }
    }
    if let Some(e) = error {
        return Err(e);
    }
    println!("{counts}; {:.1} s in all", t0.elapsed().as_secs_f64());
    println!(
        "{} seeds, {} operations, {} failures",
        tally.seeds, tally.operations, tally.failures
    );
    Ok(tally)
}

/// One lane: its own private PostgreSQL and template, and the seeds it
/// takes from `queue` until it is empty.
async fn lane(
    queue: &Mutex<VecDeque<(u64, GenOptions)>>,
    counts: &tee::TeeCounts,
    verbose: bool,
) -> Result<Tally> {
    let template = world::Template::create().await?;
    let mut tally = Tally::default();
    loop {
        let next = queue
            .lock()
            .map_err(|_| anyhow::anyhow!("poisoned"))?
            .pop_front();
        let Some((seed, options)) = next else {
            break;
        };
        let fail = |e: anyhow::Error| {
            // The other lanes stop at their next seed.
            if let Ok(mut q) = queue.lock() {
                q.clear();
            }
            e.context(format!("seed {seed}"))
        };
        let ops = generate::generate(seed, options);
        tally.seeds += 1;
        tally.operations += ops.len();
        let started = Instant::now();
        let verdict = match run::run_sequence(seed, &ops, &template, counts).await {
            Ok(v) => v,
            Err(e) => {
                template.finish();
                return Err(fail(e));
            }
        };
        let secs = started.elapsed().as_secs_f64();
        let mut out = String::new();
        match verdict {
            None => {
                out.push_str(&format!(
                    "seed {seed}: {} ops, ok ({secs:.1} s)\n",
                    ops.len()
                ));
                if verbose {
                    out.push_str(&ops_text(&ops));
                }
            }
            Some(findings) => {
                tally.failures += 1;
                out.push_str(&format!(
                    "seed {seed}: FAILED ({} ops, {secs:.1} s)\n{findings}",
                    ops.len()
                ));
                out.push_str(&ops_text(&ops));
                let mut flags = String::new();
                if !options.grow {
                    flags.push_str(" --no-grow");
                }
                if !options.processes {
                    flags.push_str(" --no-processes");
                }
                out.push_str(&format!(
                    "  replay: cargo run --release -p stripe-sync-bench -- sequences --seed {seed}{flags}\n"
                ));
            }
        }
        // One write per seed: lanes' blocks never interleave.
        print!("{out}");
    }
    template.finish();
    Ok(tally)
}

fn ops_text(ops: &[ops::Op]) -> String {
    ops.iter()
        .enumerate()
        .map(|(i, op)| format!("  {:>3}. {op}\n", i + 1))
        .collect()
}
