//! The library's typed errors.

use crate::client::ClientError;
use crate::webhook::WebhookError;

/// Everything [`crate::StripeSync`] can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration is unusable (missing key, bad URL, …).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A Stripe API call failed (after retries, where retrying made sense).
    #[error(transparent)]
    Stripe(#[from] ClientError),
    /// A webhook was rejected before anything was written.
    #[error(transparent)]
    Webhook(#[from] WebhookError),
    /// A database statement failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying the migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// An event or object could not be read.
    #[error("invalid payload: {0}")]
    InvalidPayload(String),
    /// The id's prefix or object type is not something this library can sync.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// A background task of the library panicked or was cancelled.
    #[error("internal task failure: {0}")]
    Task(String),
    /// The events catch-up stopped at an event it could not apply; the cursor
    /// stays before it, so the next catch-up retries it.
    #[error("events catch-up stopped: {0}")]
    EventsCatchUpStopped(String),
    /// The events cursor is older than Stripe's 30-day event retention (or
    /// there is no cursor and no backfill to start from): events in between
    /// may be lost, so a full backfill is needed.
    #[error("events catch-up impossible: {0}; run a full backfill")]
    FullBackfillNeeded(String),
    /// PostgreSQL restarted while a backfill was writing. Its pages commit
    /// without waiting for the WAL flush, so the last ones before a crash may
    /// be gone while this process still counts them as written; going on
    /// would move the cursor past them. The resource stops here, and the next
    /// run resumes from the cursors that survived (rows and cursors commit
    /// together).
    #[error("PostgreSQL restarted during the backfill (it had started at {was}, now at {now}): pages written just before may be lost, so this object type stopped; run the backfill again to resume from its saved cursors")]
    DatabaseRestarted {
        /// The server's start time when the run began.
        was: chrono::DateTime<chrono::Utc>,
        /// Its start time now.
        now: chrono::DateTime<chrono::Utc>,
    },
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
