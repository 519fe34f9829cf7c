//! What was done with one event ([`EventResult`]): produced by
//! [`crate::events`], and carried by a webhook's answer
//! ([`crate::webhook::WebhookOutcome`]). It lives apart from both so that
//! signature verification does not depend on applying events.

/// What was done with one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventOutcome {
    /// The object was written (created, updated or soft-deleted).
    Applied,
    /// The object was already in this state.
    Unchanged,
    /// A newer version (or a deletion) is already stored; the event was ignored.
    Stale,
    /// The event's object has no table; recorded and acknowledged.
    NoTable,
    /// The event's object has no id (e.g. `invoice.upcoming`); recorded and acknowledged.
    NoId,
    /// The event was already processed; nothing was done.
    Duplicate,
    /// The event names no account and this key's account was never
    /// resolved (Stripe's API unreachable so far): recorded in the ledger
    /// and answered, and applied in the background once the account is
    /// known.
    Unattributed,
    /// The database refused the event for good (see [`crate::quarantine`]):
    /// it is kept in `stripe_sync.quarantine` with its reason, answered,
    /// and written again by `stripe-sync quarantine retry`.
    Quarantined,
}

impl EventOutcome {
    /// The value stored in `_events.outcome`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventOutcome::Applied => "applied",
            EventOutcome::Unchanged => "unchanged",
            EventOutcome::Stale => "stale",
            EventOutcome::NoTable => "no_table",
            EventOutcome::NoId => "no_id",
            EventOutcome::Duplicate => "duplicate",
            EventOutcome::Unattributed => "unattributed",
            EventOutcome::Quarantined => "quarantined",
        }
    }
}

/// The result of processing one event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventResult {
    /// The event id.
    pub event_id: String,
    /// The event type.
    pub event_type: String,
    /// `data.object.object`.
    pub object_type: Option<String>,
    /// `data.object.id`.
    pub object_id: Option<String>,
    /// What was done.
    pub outcome: EventOutcome,
}
