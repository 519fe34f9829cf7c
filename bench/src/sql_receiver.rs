//! The thin receiver of the `process_webhook` half of the webhooks scenario:
//! what any serverless handler would be. It reads the raw body and the
//! `Stripe-Signature` header, runs `SELECT stripe.process_webhook($1, $2)`
//! and answers by the SQLSTATE table in the README; nothing else.

use anyhow::Result;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use sqlx::PgPool;

async fn webhook(State(pool): State<PgPool>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let sig = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let r: Result<String, sqlx::Error> =
        sqlx::query_scalar("SELECT stripe.process_webhook($1, $2)")
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

/// `child-sql-receiver`: serves `POST /webhooks` and `GET /health` on
/// `listen` over a pool of `connections` to `DATABASE_URL`.
pub async fn child_sql_receiver(listen: &str, connections: u32) -> Result<()> {
    let url = std::env::var("DATABASE_URL")?;
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(connections)
        .connect(&url)
        .await?;
    let app = Router::new()
        .route("/webhooks", post(webhook))
        .route("/health", get(|| async { "ok" }))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(listen).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
