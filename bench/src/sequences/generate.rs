//! From a seed, a sequence of operations that must converge: the same seed
//! always gives the same operations, whatever the machine.
//!
//! The generator keeps a model of what each account holds (which handles
//! are live, which subscription holds which items) so that every operation
//! is one the simulator accepts, and of the simulated second each object
//! was last written in. Two changes of one object within one second may be
//! applied in either order (Stripe's versions are whole seconds, a
//! documented limit no catch-up fixes), so an object written twice in one
//! second is written again in a later second before the sequence ends.
//! Every account gets a first backfill early on (changes before an
//! account's first backfill began reach the mirror only through it).

use std::collections::{BTreeMap, BTreeSet};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::ops::{Acct, Cmd, Delivery, Kind, Obj, Op, Stop};

/// Accounts a sequence uses: the platform and two connected accounts.
pub const ACCOUNTS: Acct = 3;

/// Objects the simulator seeds in every account, by kind (the simulator's
/// connected-account shape; the platform is seeded alike). Handles
/// `0..count` name them.
pub const SEEDED: [(Kind, u16); 5] = [
    (Kind::Product, 1),
    (Kind::Price, 1),
    (Kind::Customer, 2),
    (Kind::Subscription, 1),
    (Kind::Invoice, 1),
];

/// What the generator knows of one object.
#[derive(Clone, Debug)]
struct Known {
    live: bool,
    /// The simulated second it was last written in (`None`: seeded).
    last: Option<u32>,
    /// Written twice in `last`: needs a write in a later second.
    tied: bool,
    /// An item's subscription.
    parent: Option<Obj>,
}

/// What the generator may make beyond the defaults.
#[derive(Clone, Copy, Debug)]
pub struct GenOptions {
    /// Grow one subscription past the ten items Stripe embeds (at most once
    /// per sequence).
    pub grow: bool,
    /// Add commands in new processes, their interruptions, `serve` and
    /// PostgreSQL restarts and values PostgreSQL refuses, drawn from a
    /// second generator: without them a seed's other operations are the
    /// same (how the seeds found before these existed replay).
    pub processes: bool,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            grow: true,
            processes: true,
        }
    }
}

/// The second generator's seed, from the seed.
const EXTRA_STREAM: u64 = 0x005e_ed0f_fa17;

struct Model {
    rng: StdRng,
    /// The second generator (processes, restarts, refused values), if any.
    extra: Option<StdRng>,
    options: GenOptions,
    ops: Vec<Op>,
    objs: BTreeMap<Obj, Known>,
    tick: u32,
    value: u32,
    /// Operations since deliveries were held (`None`: none held).
    held_for: Option<u32>,
    grown: bool,
    /// A backfill of the platform has run (`sync` needs its cursor).
    platform_backfilled: bool,
    /// A backfill of every account was queued, and worked once.
    queued: bool,
    worked: bool,
}

impl Model {
    fn live(&self, acct: Acct, kind: Kind) -> Vec<Obj> {
        self.objs
            .iter()
            .filter(|(o, k)| o.acct == acct && o.kind == kind && k.live)
            .map(|(o, _)| *o)
            .collect()
    }

    fn pick(&mut self, acct: Acct, kind: Kind) -> Option<Obj> {
        let live = self.live(acct, kind);
        live.choose(&mut self.rng).copied()
    }

    fn next_handle(&self, acct: Acct, kind: Kind) -> Obj {
        let n = self
            .objs
            .keys()
            .filter(|o| o.acct == acct && o.kind == kind)
            .count() as u16;
        Obj { acct, kind, n }
    }

    /// Records a write of `obj` in the current second (an item's write is
    /// its subscription's event).
    fn written(&mut self, obj: Obj) {
        let tick = self.tick;
        let target = match self.objs.get(&obj).and_then(|k| k.parent) {
            Some(p) if obj.kind == Kind::Item => p,
            _ => obj,
        };
        if let Some(k) = self.objs.get_mut(&target) {
            k.tied = k.last == Some(tick);
            k.last = Some(tick);
        }
    }

    fn next_value(&mut self) -> u32 {
        self.value += 1;
        self.value
    }

    fn acct(&mut self) -> Acct {
        self.rng.gen_range(0..ACCOUNTS)
    }

    /// A create in a random account, if its parents exist.
    fn create(&mut self, kind: Kind) -> bool {
        let acct = self.acct();
        let parents = match kind {
            Kind::Customer | Kind::Product => vec![],
            Kind::Price => match self.pick(acct, Kind::Product) {
                Some(p) => vec![p],
                None => return false,
            },
            Kind::Subscription => {
                let (Some(c), Some(p)) = (
                    self.pick(acct, Kind::Customer),
                    self.pick(acct, Kind::Price),
                ) else {
                    return false;
                };
                let mut v = vec![c, p];
                if let Some(p2) = self.pick(acct, Kind::Price).filter(|p2| *p2 != p) {
                    v.push(p2);
                }
                v
            }
            Kind::Item => {
                let (Some(s), Some(p)) = (
                    self.pick(acct, Kind::Subscription),
                    self.pick(acct, Kind::Price),
                ) else {
                    return false;
                };
                vec![s, p]
            }
            Kind::Invoice => match self.pick(acct, Kind::Customer) {
                Some(c) => vec![c],
                None => return false,
            },
        };
        self.push_create(acct, kind, parents);
        true
    }

    fn push_create(&mut self, acct: Acct, kind: Kind, parents: Vec<Obj>) -> Obj {
        let obj = self.next_handle(acct, kind);
        let parent = (kind == Kind::Item).then(|| parents[0]);
        self.objs.insert(
            obj,
            Known {
                live: true,
                last: None,
                tied: false,
                parent,
            },
        );
        self.written(obj);
        self.ops.push(Op::Create { obj, parents });
        obj
    }

    /// A live object of a random kind in a random account. Not an item of
    /// a deleted subscription: Stripe refuses changes to a canceled
    /// subscription's items (the simulator takes them, and records no event).
    fn any_live(&mut self, deletable: bool) -> Option<Obj> {
        let parent_live = |k: &Known| {
            k.parent
                .is_none_or(|p| self.objs.get(&p).is_some_and(|pk| pk.live))
        };
        let live: Vec<Obj> = self
            .objs
            .iter()
            .filter(|(o, k)| k.live && parent_live(k) && (!deletable || o.kind.deletable()))
            .map(|(o, _)| *o)
            .collect();
        live.choose(&mut self.rng).copied()
    }

    /// One random operation (some kinds are several ops, like growing a
    /// subscription past ten items).
    fn step(&mut self) {
        let roll = self.rng.gen_range(0..100);
        match roll {
            0..=19 => {
                let kind = *[
                    Kind::Customer,
                    Kind::Product,
                    Kind::Price,
                    Kind::Price,
                    Kind::Subscription,
                    Kind::Item,
                    Kind::Item,
                    Kind::Invoice,
                ]
                .choose(&mut self.rng)
                .unwrap_or(&Kind::Customer);
                if !self.create(kind) {
                    self.create(Kind::Customer);
                }
            }
            20..=37 => {
                if let Some(obj) = self.any_live(false) {
                    let value = self.next_value();
                    self.written(obj);
                    self.ops.push(Op::Update { obj, value });
                }
            }
            38..=42 => {
                if let Some(obj) = self.any_live(false) {
                    let count = self.rng.gen_range(2..=4);
                    let value = self.next_value();
                    self.value += u32::from(count);
                    self.written(obj);
                    self.written(obj);
                    self.ops.push(Op::Burst { obj, count, value });
                }
            }
            43..=49 => {
                if let Some(obj) = self.any_live(true) {
                    self.written(obj);
                    if let Some(k) = self.objs.get_mut(&obj) {
                        k.live = false;
                        k.tied = false;
                    }
                    self.ops.push(Op::Delete { obj });
                }
            }
            50..=51 if !self.grown && self.options.grow => self.grow(),
            52..=65 => {
                self.tick += 1;
                self.ops.push(Op::Tick);
            }
            66..=75 => {
                let n = self.rng.gen_range(1..=3);
                let d = match self.rng.gen_range(0..4) {
                    0 => Delivery::Fail(n),
                    1 => Delivery::Drop(n),
                    2 => Delivery::Duplicate(n),
                    _ if self.held_for.is_none() => {
                        self.held_for = Some(0);
                        Delivery::Hold(n)
                    }
                    _ => Delivery::Duplicate(n),
                };
                self.ops.push(Op::Deliver(d));
            }
            76..=80 => {
                let full = self.rng.gen_bool(0.3);
                self.ops.push(Op::Backfill { full });
                self.platform_backfilled = true;
            }
            // A catch-up needs the cursor an account's first backfill sets
            // (without one `sync` refuses, asking for a full backfill).
            81..=87 if self.platform_backfilled => self.ops.push(Op::Sync),
            88..=91 => {
                let full = self.rng.gen_bool(0.3);
                self.enqueue(full);
            }
            92..=93 if self.worked => self.ops.push(Op::EnqueueEvents),
            94..=99 => self.worker(),
            _ => {
                self.tick += 1;
                self.ops.push(Op::Tick);
            }
        }
    }

    /// Now and then, from the second generator: a value PostgreSQL
    /// refuses, a command in a new process (run to its end, interrupted or
    /// killed), a `serve` restart or a PostgreSQL restart or crash. Leaves
    /// the model as it was but for the seconds written, so the first
    /// generator draws the same.
    fn extra_step(&mut self) {
        let Some(mut rng) = self.extra.take() else {
            return;
        };
        let roll = rng.gen_range(0..100);
        // Commands each may run now: a catch-up needs the cursors of the
        // first backfills.
        let mut cmds = vec![
            Cmd::Backfill { full: false },
            Cmd::Backfill { full: true },
            Cmd::Worker,
        ];
        if self.platform_backfilled {
            cmds.push(Cmd::Sync);
            cmds.push(Cmd::SyncFollow);
        }
        if self.worked {
            cmds.push(Cmd::SyncConnected);
        }
        match roll {
            0..=3 => {
                let live: Vec<Obj> = self
                    .objs
                    .iter()
                    .filter(|(o, k)| k.live && o.kind != Kind::Item && k.parent.is_none())
                    .map(|(o, _)| *o)
                    .collect();
                if let Some(obj) = live.choose(&mut rng).copied() {
                    // Not from the first generator's counter of values.
                    let value = rng.gen_range(100_000..1_000_000);
                    // Written in a second of its own (the runner ticks
                    // before and after): it ties with nothing.
                    self.ops.push(Op::UpdateRefused { obj, value });
                }
            }
            4..=10 => {
                let cmd = *cmds.choose(&mut rng).unwrap_or(&Cmd::Worker);
                let ms = rng.gen_range(0..1500);
                let stop = match rng.gen_range(0..10) {
                    _ if cmd.follows() => {
                        let ms = rng.gen_range(500..2500);
                        if rng.gen_bool(0.5) {
                            Stop::Interrupt(ms)
                        } else {
                            Stop::Kill(ms)
                        }
                    }
                    0..=5 => Stop::Finish,
                    6..=7 => Stop::Interrupt(ms),
                    _ => Stop::Kill(ms),
                };
                self.ops.push(Op::Process { cmd, stop });
            }
            11..=12 => self.ops.push(Op::RestartServe {
                kill: rng.gen_bool(0.5),
            }),
            13..=14 => {
                let during = rng
                    .gen_bool(0.6)
                    .then(|| *cmds.choose(&mut rng).unwrap_or(&Cmd::Worker))
                    .filter(|c| !c.follows());
                self.ops.push(Op::RestartPostgres {
                    crash: rng.gen_bool(0.5),
                    during,
                    after_ms: rng.gen_range(0..800),
                });
            }
            _ => {}
        }
        self.extra = Some(rng);
    }

    fn enqueue(&mut self, full: bool) {
        self.ops.push(Op::Enqueue { full });
        self.queued = true;
    }

    /// The queue's backfills include the platform's.
    fn worker(&mut self) {
        self.ops.push(Op::Worker);
        if self.queued {
            self.worked = true;
            self.platform_backfilled = true;
        }
    }

    /// Adds items to a subscription until it holds more than ten (Stripe
    /// embeds ten), one second apart.
    fn grow(&mut self) {
        self.grown = true;
        let acct = self.acct();
        let (Some(sub), Some(price)) = (
            self.pick(acct, Kind::Subscription),
            self.pick(acct, Kind::Price),
        ) else {
            return;
        };
        let have = self
            .objs
            .values()
            .filter(|k| k.live && k.parent == Some(sub))
            .count();
        for _ in have..11 {
            self.tick += 1;
            self.ops.push(Op::Tick);
            self.push_create(acct, Kind::Item, vec![sub, price]);
        }
    }
}

/// The operations of `seed`: at least 30, over three accounts and six
/// object types, ending so that the mirror must equal the simulator once
/// the deliveries are settled and a final catch-up has run.
pub fn generate(seed: u64, options: GenOptions) -> Vec<Op> {
    let mut m = Model {
        rng: StdRng::seed_from_u64(seed),
        extra: options
            .processes
            .then(|| StdRng::seed_from_u64(seed ^ EXTRA_STREAM)),
        options,
        ops: Vec::new(),
        objs: BTreeMap::new(),
        tick: 0,
        value: 0,
        held_for: None,
        grown: false,
        platform_backfilled: false,
        queued: false,
        worked: false,
    };
    for acct in 0..ACCOUNTS {
        for (kind, count) in SEEDED {
            for n in 0..count {
                m.objs.insert(
                    Obj { acct, kind, n },
                    Known {
                        live: true,
                        last: None,
                        tied: false,
                        parent: None,
                    },
                );
            }
        }
    }
    let steps = m.rng.gen_range(30..=45);
    let first_backfill = m.rng.gen_range(0..6);
    let first_enqueue = m.rng.gen_range(0..6);
    for i in 0..steps {
        if i == first_backfill {
            m.ops.push(Op::Backfill { full: false });
            m.platform_backfilled = true;
        }
        if i == first_enqueue {
            m.enqueue(false);
            m.worker();
        }
        m.step();
        m.extra_step();
        if let Some(n) = m.held_for.as_mut() {
            *n += 1;
            // Held deliveries are answered within a few operations (the
            // simulator gives up on an answer after 10 s).
            if *n >= 3 || (*n >= 1 && m.rng.gen_bool(0.4)) {
                m.ops.push(Op::Release);
                m.held_for = None;
            }
        }
    }
    if m.held_for.take().is_some() {
        m.ops.push(Op::Release);
    }
    // Every account and at least three kinds touched by a create.
    for acct in 0..ACCOUNTS {
        let created = |m: &Model, kind| {
            m.ops.iter().any(
                |o| matches!(o, Op::Create { obj, .. } if obj.acct == acct && obj.kind == kind),
            )
        };
        if !created(&m, Kind::Customer) {
            m.push_create(acct, Kind::Customer, vec![]);
        }
    }
    if touched(&m.ops).1.len() < 3 {
        let product = m.push_create(0, Kind::Product, vec![]);
        m.push_create(0, Kind::Price, vec![product]);
    }
    // Objects written twice in one second: once more, a second later.
    let tied: Vec<Obj> = m
        .objs
        .iter()
        .filter(|(_, k)| k.live && k.tied)
        .map(|(o, _)| *o)
        .collect();
    if !tied.is_empty() {
        m.tick += 1;
        m.ops.push(Op::Tick);
        for obj in tied {
            let value = m.next_value();
            m.ops.push(Op::Update { obj, value });
        }
    }
    m.ops
}

/// The accounts and the kinds a sequence changes on the Stripe side.
pub fn touched(ops: &[Op]) -> (BTreeSet<Acct>, BTreeSet<Kind>) {
    let mut accounts = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    for op in ops {
        if let Op::Create { obj, .. }
        | Op::Update { obj, .. }
        | Op::Burst { obj, .. }
        | Op::Delete { obj } = op
        {
            accounts.insert(obj.acct);
            kinds.insert(obj.kind);
        }
    }
    (accounts, kinds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_always_gives_the_same_operations() {
        for seed in 1..500 {
            let a = generate(seed, GenOptions::default());
            assert_eq!(a, generate(seed, GenOptions::default()));
            assert!(a.len() >= 30, "seed {seed}: {} ops", a.len());
            let (accounts, kinds) = touched(&a);
            assert!(
                accounts.len() >= 2 && kinds.len() >= 3,
                "seed {seed}: {a:?}"
            );
        }
        assert_ne!(
            generate(1, GenOptions::default()),
            generate(2, GenOptions::default())
        );
    }

    /// The second generator only adds operations: without it a seed gives
    /// what it gave before processes and restarts existed, so the seeds
    /// found then still replay what they found.
    #[test]
    fn processes_only_add_operations() {
        let extra = |o: &Op| {
            matches!(
                o,
                Op::UpdateRefused { .. }
                    | Op::Process { .. }
                    | Op::RestartServe { .. }
                    | Op::RestartPostgres { .. }
            )
        };
        let mut added = 0;
        for seed in 1..200 {
            let without = generate(
                seed,
                GenOptions {
                    processes: false,
                    ..GenOptions::default()
                },
            );
            let with = generate(seed, GenOptions::default());
            let (base, extras): (Vec<Op>, Vec<Op>) = with.into_iter().partition(|o| !extra(o));
            added += extras.len();
            assert_eq!(base, without, "seed {seed}");
        }
        assert!(added > 200, "{added} operations added over 199 seeds");
    }
}
