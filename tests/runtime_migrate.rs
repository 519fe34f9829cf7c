//! The engine's migrations beside an app's own sqlx migrations in the same
//! database: sqlx keeps its bookkeeping in an unqualified
//! `_sqlx_migrations`, so the engine keeps its own in `stripe_sync` and the
//! app's stays in `public`; each migrator sees only its own rows, in either
//! order.

use std::path::Path;

use anyhow::Result;
use sqlx::migrate::Migrator;
use stripe_sync_tests::TestDb;

/// An app's migrations, as files in a directory of its own.
async fn app_migrator(dir: &Path) -> Result<Migrator> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join("20240101000000_app_users.sql"),
        "CREATE TABLE public.app_users (id bigserial PRIMARY KEY, stripe_customer text);",
    )?;
    std::fs::write(
        dir.join("20240102000000_app_orders.sql"),
        "CREATE TABLE public.app_orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES public.app_users (id));",
    )?;
    Ok(Migrator::new(dir).await?)
}

async fn versions(db: &TestDb, schema: &str) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT version FROM {schema}._sqlx_migrations ORDER BY version"
    ))
    .fetch_all(&db.pool)
    .await?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apps_sqlx_migrations_and_the_engines_stay_apart_in_either_order() -> Result<()> {
    let engine_versions: Vec<i64> = stripe_sync::migrate::migrator()
        .iter()
        .map(|m| m.version)
        .collect();
    for app_first in [true, false] {
        let db = TestDb::new().await?;
        let dir = std::env::temp_dir().join(format!(
            "stripe-sync-app-migrations-{}-{app_first}",
            std::process::id()
        ));
        let app = app_migrator(&dir).await?;
        if app_first {
            app.run(&db.pool).await?;
            stripe_sync::migrate(&db.pool).await?;
        } else {
            stripe_sync::migrate(&db.pool).await?;
            app.run(&db.pool).await?;
        }
        // Both again, in the other order: neither finds the other's rows.
        app.run(&db.pool).await?;
        stripe_sync::migrate(&db.pool).await?;
        app.run(&db.pool).await?;
        assert_eq!(
            versions(&db, "public").await?,
            [20240101000000, 20240102000000]
        );
        assert_eq!(versions(&db, "stripe_sync").await?, engine_versions);
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM public.app_users")
            .fetch_one(&db.pool)
            .await?;
        assert_eq!(n, 0);
        std::fs::remove_dir_all(&dir)?;
        db.drop_db().await?;
    }
    Ok(())
}
