//! The operations a sequence is made of, and their one-line form.
//!
//! Objects are named by handles the generator hands out (`a1:cus3` is the
//! fourth customer of the first connected account), never by Stripe ids:
//! the simulator picks ids at random, so the runner maps each handle to the
//! id the simulator gave when it ran the operation. Handles below the seeded
//! count of a type name the objects the simulator seeded, oldest first.

use std::fmt;

/// An account: `0` is the platform, `1..` its connected accounts, in the
/// order the simulator lists them.
pub type Acct = u8;

/// The object types a sequence touches (all mirrored by the engine).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `customer`.
    Customer,
    /// `product`.
    Product,
    /// `price`.
    Price,
    /// `subscription`.
    Subscription,
    /// `subscription_item`, listed in its subscription's `items`.
    Item,
    /// `invoice` (a draft).
    Invoice,
}

impl Kind {
    /// Every kind, in the order the oracle reports them.
    pub const ALL: [Kind; 6] = [
        Kind::Customer,
        Kind::Product,
        Kind::Price,
        Kind::Subscription,
        Kind::Item,
        Kind::Invoice,
    ];

    /// Stripe's object string.
    pub fn object(self) -> &'static str {
        match self {
            Kind::Customer => "customer",
            Kind::Product => "product",
            Kind::Price => "price",
            Kind::Subscription => "subscription",
            Kind::Item => "subscription_item",
            Kind::Invoice => "invoice",
        }
    }

    /// The API path objects of this kind are created under.
    pub fn path(self) -> &'static str {
        match self {
            Kind::Customer => "/v1/customers",
            Kind::Product => "/v1/products",
            Kind::Price => "/v1/prices",
            Kind::Subscription => "/v1/subscriptions",
            Kind::Item => "/v1/subscription_items",
            Kind::Invoice => "/v1/invoices",
        }
    }

    fn short(self) -> &'static str {
        match self {
            Kind::Customer => "cus",
            Kind::Product => "prod",
            Kind::Price => "price",
            Kind::Subscription => "sub",
            Kind::Item => "si",
            Kind::Invoice => "inv",
        }
    }

    /// Whether Stripe deletes objects of this kind (prices are only archived).
    pub fn deletable(self) -> bool {
        !matches!(self, Kind::Price)
    }
}

/// One object of one account, by handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Obj {
    /// Its account.
    pub acct: Acct,
    /// Its type.
    pub kind: Kind,
    /// Its handle among the account's objects of that type.
    pub n: u16,
}

impl fmt::Display for Obj {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a{}:{}{}", self.acct, self.kind.short(), self.n)
    }
}

/// What the webhook receiver does to the next deliveries that reach it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Answer 500 without applying them: the simulator delivers them again.
    Fail(u8),
    /// Answer 200 without applying them: lost to webhooks, only a catch-up
    /// from `/v1/events` brings them.
    Drop(u8),
    /// Apply each twice.
    Duplicate(u8),
    /// Keep them unanswered until [`Op::Release`].
    Hold(u8),
}

/// One step of a sequence. `Debug` prints the compact one-line form of
/// `Display` (`update a1:cus3 v17`).
#[derive(Clone, PartialEq, Eq)]
pub enum Op {
    /// Creates `obj` with the given parents (a price's product, a
    /// subscription's customer and prices, an item's subscription and
    /// price, an invoice's customer).
    Create {
        /// The new object's handle.
        obj: Obj,
        /// The objects it names.
        parents: Vec<Obj>,
    },
    /// Changes one field of `obj` to a value made from `value`.
    Update {
        /// The object.
        obj: Obj,
        /// Distinguishes the new value.
        value: u32,
    },
    /// `count` updates of `obj` in the same (simulated) second.
    Burst {
        /// The object.
        obj: Obj,
        /// How many updates.
        count: u8,
        /// The first value.
        value: u32,
    },
    /// Deletes `obj` (removing an item takes it out of its subscription's list).
    Delete {
        /// The object.
        obj: Obj,
    },
    /// Moves the simulator's clock one second on: later writes are dated
    /// in a later second than earlier ones.
    Tick,
    /// Sets what the webhook receiver does with the next deliveries.
    Deliver(Delivery),
    /// Applies the held deliveries, newest first, and answers them.
    Release,
    /// `backfill` of the platform's touched types on both databases
    /// (`full`: `--full`).
    Backfill {
        /// Ignore the cursors.
        full: bool,
    },
    /// `sync`: the platform's catch-up from `/v1/events`, on both databases.
    Sync,
    /// Queues a backfill of every account (platform and connected), on both databases.
    Enqueue {
        /// Ignore the cursors.
        full: bool,
    },
    /// Queues an events catch-up of every account the queue knows, on both databases.
    EnqueueEvents,
    /// Works the queue until it is empty, on both databases.
    Worker,
    /// Changes one field of `obj` to a value PostgreSQL can't hold as text
    /// (a NUL, and the engine's own escape character U+E000), in a second
    /// of its own (the clock moves on before and after).
    UpdateRefused {
        /// The object.
        obj: Obj,
        /// Distinguishes the new value.
        value: u32,
    },
    /// Runs `stripe-sync <cmd>` as a new process on each database at once,
    /// ended as `stop` says.
    Process {
        /// The command.
        cmd: Cmd,
        /// How it ends.
        stop: Stop,
    },
    /// Stops the `serve` process (SIGINT, or SIGKILL with `kill`) and
    /// starts a new one on the same address; deliveries meanwhile fail and
    /// are redelivered.
    RestartServe {
        /// SIGKILL instead of SIGINT.
        kill: bool,
    },
    /// Restarts PostgreSQL (`pg_ctl -m fast`, or `-m immediate`: a crash)
    /// `after_ms` after `during` started on both databases (if any), then
    /// waits for those processes, whatever they exit with.
    RestartPostgres {
        /// A crash instead of an operator's restart.
        crash: bool,
        /// A command running meanwhile.
        during: Option<Cmd>,
        /// Milliseconds between starting `during` and the restart.
        after_ms: u16,
    },
}

/// A `stripe-sync` command a sequence runs as a process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmd {
    /// `backfill <the touched types>` (`--full`).
    Backfill {
        /// `--full`.
        full: bool,
    },
    /// `sync --events-only`: the platform's catch-up.
    Sync,
    /// `sync --events-only --follow --interval 1`: runs until stopped.
    SyncFollow,
    /// `sync --events-only --connected-accounts`: every account's catch-up
    /// through the queue.
    SyncConnected,
    /// `worker`: works the queue until it is empty.
    Worker,
}

impl Cmd {
    /// The command's arguments after `stripe-sync`, without the connection
    /// options.
    pub fn args(self) -> Vec<String> {
        let mut v: Vec<String> = match self {
            Cmd::Backfill { full } => {
                let mut v = vec!["backfill".to_string()];
                v.extend(Kind::ALL.iter().map(|k| k.object().to_string()));
                if full {
                    v.push("--full".into());
                }
                v
            }
            Cmd::Sync => vec!["sync".into(), "--events-only".into()],
            Cmd::SyncFollow => ["sync", "--events-only", "--follow", "--interval", "1"]
                .map(String::from)
                .to_vec(),
            Cmd::SyncConnected => [
                "sync",
                "--events-only",
                "--connected-accounts",
                "--events-budget",
                "1000",
            ]
            .map(String::from)
            .to_vec(),
            Cmd::Worker => vec!["worker".into()],
        };
        // A taken-over account's lease expires in two seconds, a failed job
        // is tried again after one (the defaults are a minute).
        if matches!(self, Cmd::SyncConnected | Cmd::Worker) {
            v.extend(
                [
                    "--lease-seconds",
                    "2",
                    "--retry-delay-seconds",
                    "1",
                    "--max-attempts",
                    "5",
                ]
                .map(String::from),
            );
        }
        v
    }

    /// Whether it runs until stopped.
    pub fn follows(self) -> bool {
        matches!(self, Cmd::SyncFollow)
    }
}

impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let args = self.args();
        let shown: Vec<&str> = args
            .iter()
            .map(String::as_str)
            .take_while(|a| !a.starts_with("--lease") && *a != "--events-budget")
            .filter(|a| !Kind::ALL.iter().any(|k| k.object() == *a))
            .collect();
        write!(f, "{}", shown.join(" "))
    }
}

/// How a spawned command ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// It runs to its end and must exit 0.
    Finish,
    /// SIGINT after this many milliseconds: it must exit within 30 s, 0 or 130.
    Interrupt(u16),
    /// SIGKILL after this many milliseconds.
    Kill(u16),
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Create { obj, parents } => {
                write!(f, "create {obj}")?;
                if !parents.is_empty() {
                    let p: Vec<String> = parents.iter().map(|p| p.to_string()).collect();
                    write!(f, " ({})", p.join(", "))?;
                }
                Ok(())
            }
            Op::Update { obj, value } => write!(f, "update {obj} v{value}"),
            Op::Burst { obj, count, value } => write!(f, "burst {obj} x{count} v{value}.."),
            Op::Delete { obj } => write!(f, "delete {obj}"),
            Op::Tick => write!(f, "tick"),
            Op::Deliver(d) => match d {
                Delivery::Fail(n) => write!(f, "deliver: fail next {n} (5xx, redelivered)"),
                Delivery::Drop(n) => write!(f, "deliver: drop next {n}"),
                Delivery::Duplicate(n) => write!(f, "deliver: duplicate next {n}"),
                Delivery::Hold(n) => write!(f, "deliver: hold next {n}"),
            },
            Op::Release => write!(f, "release held, newest first"),
            Op::Backfill { full } => write!(f, "backfill{}", if *full { " --full" } else { "" }),
            Op::Sync => write!(f, "sync"),
            Op::Enqueue { full } => write!(
                f,
                "enqueue backfill --connected-accounts{}",
                if *full { " --full" } else { "" }
            ),
            Op::EnqueueEvents => write!(f, "enqueue events"),
            Op::Worker => write!(f, "worker"),
            Op::UpdateRefused { obj, value } => {
                write!(f, "update {obj} v{value} with a NUL and U+E000")
            }
            Op::Process { cmd, stop } => match stop {
                Stop::Finish => write!(f, "process: stripe-sync {cmd}"),
                Stop::Interrupt(ms) => write!(f, "process: stripe-sync {cmd}, SIGINT at {ms} ms"),
                Stop::Kill(ms) => write!(f, "process: stripe-sync {cmd}, SIGKILL at {ms} ms"),
            },
            Op::RestartServe { kill } => write!(
                f,
                "restart serve ({})",
                if *kill { "SIGKILL" } else { "SIGINT" }
            ),
            Op::RestartPostgres {
                crash,
                during,
                after_ms,
            } => {
                write!(f, "PostgreSQL {}", if *crash { "crash" } else { "restart" })?;
                match during {
                    Some(cmd) => write!(f, " {after_ms} ms into stripe-sync {cmd}"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
