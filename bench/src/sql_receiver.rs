//! The thin receiver of the `process_webhook` half of the webhooks scenario:
//! what any serverless handler would be. It reads the raw body and the
//! `Stripe-Signature` header, runs `SELECT stripe_sync.process_webhook($1, $2)`
//! and answers by the SQLSTATE table in the README; nothing else
//! ([`stripe_sync_tests::sql_receiver`], which the crash test runs too).

use anyhow::Result;

/// `child-sql-receiver`: serves `POST /webhooks` and `GET /health` on
/// `listen` over a pool of `connections` to `DATABASE_URL`.
pub async fn child_sql_receiver(listen: &str, connections: u32) -> Result<()> {
    let url = std::env::var("DATABASE_URL")?;
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(connections)
        .connect(&url)
        .await?;
    let app = stripe_sync_tests::sql_receiver(pool);
    let listener = tokio::net::TcpListener::bind(listen).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
