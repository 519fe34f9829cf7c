//! Helpers shared by the end-to-end tests: waiting for an event, and the
//! consistency oracle. A database per test comes from
//! [`stripe_sync_embedded_pg::testing`], re-exported here.

pub use stripe_sync_embedded_pg::testing::{server_url, spec_dir, TestDb};

pub mod oracle;

use anyhow::Result;

/// The upper bound of every wait in the tests. Tests wait for the event
/// they mean (a row, a request count, a delivery); this bound only turns a
/// hang into a clear failure, so it is far longer than any healthy wait,
/// even on a loaded machine.
pub const WAIT_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Polls `check` every 20 ms until it returns `Some`, and returns that
/// value; fails naming `what` if [`WAIT_LIMIT`] passes first.
pub async fn wait_for<T, F, Fut>(what: &str, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>>>,
{
    let t0 = std::time::Instant::now();
    loop {
        if let Some(v) = check().await? {
            return Ok(v);
        }
        anyhow::ensure!(
            t0.elapsed() < WAIT_LIMIT,
            "timed out after {} s waiting for {what}",
            WAIT_LIMIT.as_secs()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Serves `app` on an ephemeral port of 127.0.0.1 (a webhook receiver for
/// the simulator's deliveries, say): its base URL and the server's task.
pub async fn serve_locally(app: axum::Router) -> Result<(String, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((base, task))
}

/// A thin receiver in front of `stripe_sync.process_webhook`, as any serverless
/// handler (the Supabase Edge Function) is: `POST /webhooks` passes the raw
/// body and the `Stripe-Signature` header to the database and answers by
/// the README's SQLSTATE table (200; 400 for a rejection or a bad
/// signature; 413; 5xx for anything else, so that Stripe retries); `GET
/// /health` answers `ok`.
pub fn sql_receiver(pool: sqlx::PgPool) -> axum::Router {
    sql_receiver_in(pool, stripe_sync::Schema::default())
}

/// [`sql_receiver`] for the mirror in `schema` (its `NAME_sync.process_webhook`).
pub fn sql_receiver_in(pool: sqlx::PgPool, schema: stripe_sync::Schema) -> axum::Router {
    use axum::http::{HeaderMap, StatusCode};
    async fn webhook(
        axum::extract::State((pool, schema)): axum::extract::State<(
            sqlx::PgPool,
            stripe_sync::Schema,
        )>,
        headers: HeaderMap,
        body: axum::body::Bytes,
    ) -> StatusCode {
        let sig = headers
            .get("stripe-signature")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let r: Result<String, sqlx::Error> =
            sqlx::query_scalar(&schema.sql("SELECT stripe_sync.process_webhook($1, $2)"))
                .bind(&body[..])
                .bind(sig)
                .fetch_one(&pool)
                .await;
        match r {
            Ok(o) if o.starts_with("rejected") => StatusCode::BAD_REQUEST,
            Ok(_) => StatusCode::OK,
            Err(sqlx::Error::Database(e)) => match e.code().as_deref() {
                Some("SW401" | "SW400") => StatusCode::BAD_REQUEST,
                Some("SW413") => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
            Err(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
    axum::Router::new()
        .route("/webhooks", axum::routing::post(webhook))
        .route("/health", axum::routing::get(|| async { "ok" }))
        .with_state((pool, schema))
}

/// Every entry of the change log, in order, once every entry written is
/// numbered. (Numbering waits for transactions older than the oldest one
/// running in the whole cluster, so other tests' open transactions can hold
/// it back for a moment.)
pub async fn changes_settled(pool: &sqlx::PgPool) -> Result<Vec<stripe_sync::changes::Change>> {
    wait_for("every change log entry numbered", || async {
        let read =
            stripe_sync::changes::after(&stripe_sync::Schema::default(), pool, 0, 10_000_000)
                .await?;
        let waiting: i64 = sqlx::query_scalar(
            "SELECT (SELECT count(*) FROM stripe_sync.changes WHERE seq IS NULL)
                      + (SELECT count(*) FROM stripe_sync.change_batches)",
        )
        .fetch_one(pool)
        .await?;
        Ok((waiting == 0).then_some(read))
    })
    .await
}

/// A small deterministic generator (SplitMix64): scenarios are reproducible
/// from their seed, and the seed is printed on failure.
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Shuffles `v` in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}
