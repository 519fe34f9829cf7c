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
        }
    }
}

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
