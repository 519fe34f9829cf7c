//! The database's privileges (migration 0013): the mirror (`stripe`) can be
//! exposed to an app with the grants Supabase documents for an exposed
//! schema, and nothing of the engine's (`stripe_sync`) comes with it: no
//! secret, no entry point, nothing a later webhook executes. The engine's
//! roles read, write and nothing more; a database of the previous release
//! upgrades with nothing lost and carries on.

use crate::rsupport::signed_now;
use crate::runtime_sql_events::{process_webhook, SqlAnswer};
use crate::support::{config_for, config_for_url, env_with_account, Env};

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use serde_json::{json, Value};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use stripe_sync::server::{router, AppState, DEFAULT_MAX_BODY_BYTES};
use stripe_sync::{BackfillRequest, Database, StripeSync, WorkerOptions};
use stripe_sync_simulator::SimConfig;
use stripe_sync_tests::TestDb;

use crate::support::fixtures;

/// The roles Supabase gives every project.
const SUPABASE_ROLES: [&str; 3] = ["anon", "authenticated", "service_role"];

/// What Supabase documents for exposing a custom schema to its API
/// ("Using custom schemas"), default privileges included.
const SUPABASE_GRANTS: &[&str] = &[
    "GRANT USAGE ON SCHEMA stripe TO anon, authenticated, service_role",
    "GRANT ALL ON ALL TABLES IN SCHEMA stripe TO anon, authenticated, service_role",
    "GRANT ALL ON ALL ROUTINES IN SCHEMA stripe TO anon, authenticated, service_role",
    "GRANT ALL ON ALL SEQUENCES IN SCHEMA stripe TO anon, authenticated, service_role",
    "ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA stripe GRANT ALL ON TABLES TO anon, authenticated, service_role",
    "ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA stripe GRANT ALL ON ROUTINES TO anon, authenticated, service_role",
    "ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA stripe GRANT ALL ON SEQUENCES TO anon, authenticated, service_role",
];

/// What the README ("Exposing the mirror to your app") gives Supabase's API
/// roles: SELECT only.
const README_SUPABASE_GRANTS: &[&str] = &[
    "GRANT USAGE ON SCHEMA stripe TO anon, authenticated, service_role",
    "GRANT SELECT ON ALL TABLES IN SCHEMA stripe TO anon, authenticated, service_role",
    "ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA stripe GRANT SELECT ON TABLES TO anon, authenticated, service_role",
];

/// The mirror's pure typed readers, the only functions left in `stripe`.
const CONVERTERS: [&str; 6] = [
    "_bigint",
    "_boolean",
    "_jsonb",
    "_numeric",
    "_ref_id",
    "_timestamp",
];

/// Creates a cluster-wide role unless it exists (tests running at once may
/// race to create it: a duplicate is fine).
async fn ensure_role(pool: &PgPool, name: &str, options: &str) -> Result<()> {
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
            .bind(name)
            .fetch_one(pool)
            .await?;
    if !exists {
        if let Err(e) = sqlx::query(&format!("CREATE ROLE {name} {options}"))
            .execute(pool)
            .await
        {
            let code = e
                .as_database_error()
                .and_then(|d| d.code())
                .unwrap_or_default();
            anyhow::ensure!(
                ["42710", "23505", "XX000"].contains(&code.as_ref()),
                "CREATE ROLE {name}: {e}"
            );
        }
    }
    Ok(())
}

/// A connection to `db` acting as `role`.
async fn as_role(db: &TestDb, role: &str) -> Result<PgConnection> {
    let mut c = PgConnection::connect(&db.url).await?;
    sqlx::query(&format!("SET ROLE {role}"))
        .execute(&mut c)
        .await?;
    Ok(c)
}

/// The SQLSTATE of a failed statement ("" when it succeeded).
async fn sqlstate(conn: &mut PgConnection, sql: &str) -> String {
    match sqlx::query(sql).execute(&mut *conn).await {
        Ok(_) => String::new(),
        Err(e) => e
            .as_database_error()
            .and_then(|d| d.code())
            .map(|c| c.to_string())
            .unwrap_or_else(|| format!("not a database error: {e}")),
    }
}

/// Every secret the engine keeps (read as the owner).
async fn secrets(pool: &PgPool) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT secret FROM stripe_sync.webhook_secrets UNION SELECT secret FROM stripe_sync.managed_webhooks",
    )
    .fetch_all(pool)
    .await?)
}

/// A `customer.updated` event for `customer` as Stripe sends it, created now.
fn customer_updated(customer: &Value, name: &str) -> Vec<u8> {
    let mut object = customer.clone();
    object["name"] = json!(name);
    let now = chrono::Utc::now().timestamp();
    serde_json::to_vec(&json!({
        "id": format!("evt_priv_{name}"),
        "object": "event",
        "type": "customer.updated",
        "created": now,
        "api_version": stripe_sync_generated::API_VERSION,
        "livemode": false,
        "data": {"object": object},
    }))
    .unwrap()
}

/// With Supabase's documented grants on the mirror (and `migrate` run
/// again afterwards), anon, authenticated and service_role read the mirror
/// and nothing else: no secret anywhere, no entry point, and whatever they
/// write is never run by a genuine webhook, through `serve` or through
/// `process_webhook`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supabase_grants_on_the_mirror_give_away_no_secret_no_entry_point_and_nothing_a_webhook_runs(
) -> Result<()> {
    let e = env_with_account(SimConfig::new(fixtures()), |_| {}).await?;
    for i in 0..3 {
        e.post(
            "/v1/customers",
            &[("email", &format!("priv{i}@example.com"))],
        )
        .await?;
    }
    let mut req = BackfillRequest::all();
    req.objects = Some(vec!["customer".into()]);
    e.sync.backfill(req).await?;
    let customers = e.count("SELECT count(*) FROM stripe.customers").await?;
    assert!(customers >= 3, "{customers} customers mirrored");
    // Secrets in both places the engine keeps them.
    sqlx::query("SELECT stripe_sync.add_webhook_secret('whsec_priv_added')")
        .execute(&e.db.pool)
        .await?;
    let (hook_url, hook_task) = stripe_sync_tests::serve_locally(axum::Router::new()).await?;
    e.sync
        .find_or_create_managed_webhook(&format!("{hook_url}/webhooks"))
        .await?;
    let secrets = secrets(&e.db.pool).await?;
    assert_eq!(secrets.len(), 2, "{secrets:?}");

    for r in SUPABASE_ROLES {
        ensure_role(&e.db.pool, r, "NOLOGIN").await?;
    }
    for g in SUPABASE_GRANTS {
        sqlx::query(g).execute(&e.db.pool).await?;
    }
    e.sync.migrate().await?;

    let mirrored: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c WHERE c.relnamespace = 'stripe'::regnamespace AND c.relkind = 'r' ORDER BY 1",
    )
    .fetch_all(&e.db.pool)
    .await?;
    assert!(mirrored.len() > 100, "{} mirrored tables", mirrored.len());
    assert!(
        mirrored.iter().all(|t| !t.starts_with('_')),
        "an engine table is left in the mirror: {mirrored:?}"
    );
    let in_mirror: Vec<(String, bool, String)> = sqlx::query_as(
        "SELECT p.proname::text, p.prosecdef, p.provolatile::text FROM pg_proc p
          WHERE p.pronamespace = 'stripe'::regnamespace ORDER BY 1",
    )
    .fetch_all(&e.db.pool)
    .await?;
    assert_eq!(
        in_mirror,
        CONVERTERS
            .iter()
            .map(|n| (n.to_string(), false, "i".to_string()))
            .collect::<Vec<_>>(),
        "the mirror's only functions are its pure typed readers"
    );

    for role in SUPABASE_ROLES {
        let mut c = as_role(&e.db, role).await?;
        // It reads the mirrored data it was granted.
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM stripe.customers WHERE id NOT LIKE 'planted%'",
        )
        .fetch_one(&mut c)
        .await?;
        assert_eq!(n, customers, "{role} reads the mirror");
        // It reads no secret, anywhere it can read.
        let readable: Vec<String> = sqlx::query_scalar(
            "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f')
                AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
                AND has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT')",
        )
        .fetch_all(&mut c)
        .await?;
        assert!(
            readable.len() > 100,
            "{role} reads {} relations",
            readable.len()
        );
        for rel in &readable {
            for s in &secrets {
                let hits: i64 = sqlx::query_scalar(&format!(
                    "SELECT count(*) FROM {rel} t WHERE strpos(t::text, $1) > 0"
                ))
                .bind(s)
                .fetch_one(&mut c)
                .await?;
                assert_eq!(hits, 0, "{role} reads a webhook secret in {rel}");
            }
        }
        for sql in [
            "SELECT secret FROM stripe_sync.webhook_secrets",
            "SELECT secret FROM stripe_sync.managed_webhooks",
            "SELECT * FROM stripe_sync.events",
        ] {
            assert_eq!(sqlstate(&mut c, sql).await, "42501", "{role}: {sql}");
        }
        // Each entry point is refused; nothing in stripe_sync is usable.
        for sql in [
            "SELECT stripe_sync.process_webhook('\\x7b7d'::bytea, 't=1,v1=00')",
            "SELECT stripe_sync.apply_event('{}'::jsonb)",
            "SELECT stripe_sync._apply_event('{}'::jsonb, 'sql', NULL, NULL)",
            "SELECT stripe_sync.add_webhook_secret('whsec_planted')",
        ] {
            assert_eq!(sqlstate(&mut c, sql).await, "42501", "{role}: {sql}");
        }
        let (functions, usable): (i64, i64) = sqlx::query_as(
            "SELECT count(*), count(*) FILTER (WHERE has_function_privilege(p.oid, 'EXECUTE'))
               FROM pg_proc p WHERE p.pronamespace = 'stripe_sync'::regnamespace",
        )
        .fetch_one(&mut c)
        .await?;
        assert!(functions > 250, "{functions} functions in stripe_sync");
        let schema: bool =
            sqlx::query_scalar("SELECT has_schema_privilege('stripe_sync', 'USAGE')")
                .fetch_one(&mut c)
                .await?;
        assert!(
            !schema && usable == 0,
            "{role}: USAGE {schema}, {usable} functions executable"
        );

        // It writes whatever it can: a row in every mirrored table...
        let mut written = 0;
        for t in &mirrored {
            let planted = sqlstate(
                &mut c,
                &format!(
                    "INSERT INTO stripe.\"{t}\" (id, _raw_data, _account_id, _updated_at)
                     VALUES ('planted_{role}', '{{\"id\": \"planted\"}}', 'acct_planted', now())"
                ),
            )
            .await;
            if planted.is_empty() {
                written += 1;
            }
        }
        assert_eq!(
            written,
            mirrored.len(),
            "{role} was granted ALL on the mirror"
        );
        // ...but no code a webhook would run: no trigger (a trigger runs as
        // whoever writes the row, and process_webhook writes as the owner),
        // no function in the mirror, nothing in the engine's schema.
        sqlx::query(
            "CREATE FUNCTION pg_temp.planted() RETURNS trigger LANGUAGE plpgsql AS
             $$ BEGIN CREATE TABLE public.pwned (); RETURN NEW; END $$",
        )
        .execute(&mut c)
        .await?;
        for sql in [
            "CREATE TRIGGER planted BEFORE INSERT OR UPDATE ON stripe.customers FOR EACH ROW EXECUTE FUNCTION pg_temp.planted()",
            "CREATE OR REPLACE FUNCTION stripe._jsonb(v jsonb) RETURNS jsonb LANGUAGE sql AS $$ SELECT v $$",
            "CREATE FUNCTION stripe.planted() RETURNS void LANGUAGE sql AS $$ SELECT $$",
            "CREATE TABLE stripe.planted (id text)",
            "UPDATE stripe_sync.sql_embedded_lists SET field = 'planted'",
            "UPDATE stripe_sync.sql_resources SET table_name = 'planted'",
            "INSERT INTO stripe_sync.webhook_secrets (secret) VALUES ('whsec_planted')",
        ] {
            assert_eq!(sqlstate(&mut c, sql).await, "42501", "{role}: {sql}");
        }
        // The registry of 0011 (SQL text a webhook executed) is gone.
        assert_eq!(
            sqlstate(
                &mut c,
                "UPDATE stripe._sql_embedded_lists SET missing_sql = 'SELECT 1'"
            )
            .await,
            "42P01",
            "{role}"
        );
        c.close().await?;
    }

    // A genuine signed webhook, through serve and through process_webhook:
    // applied, and nothing planted ran.
    let target: Value = e.sim.objects("customer")[0].clone();
    let id = target["id"].as_str().context("customer id")?.to_string();
    let mut cfg = config_for(&e.db, &e.sim);
    cfg.stripe_webhook_secret = Some("whsec_priv_added".into());
    let serve_sync = StripeSync::new(cfg).await?;
    let state = Arc::new(AppState {
        sync: serve_sync.clone(),
        admin_key: None,
        metrics: Arc::new(stripe_sync::metrics::Metrics::new()),
    });
    let (serve, serve_task) =
        stripe_sync_tests::serve_locally(router(state, DEFAULT_MAX_BODY_BYTES)).await?;
    let body = customer_updated(&target, "through_serve");
    let r = reqwest::Client::new()
        .post(format!("{serve}/webhooks"))
        .header("Stripe-Signature", signed_now(&body, "whsec_priv_added"))
        .body(body)
        .send()
        .await?;
    assert_eq!(r.status(), 200, "{}", r.text().await?);
    let body = customer_updated(&target, "through_sql");
    let answer = process_webhook(&e.db.pool, &body, &signed_now(&body, "whsec_priv_added")).await?;
    assert_eq!(answer, SqlAnswer::Outcome("applied".into()));
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM stripe.customers WHERE id = $1")
            .bind(&id)
            .fetch_one(&e.db.pool)
            .await?;
    assert_eq!(name.as_deref(), Some("through_sql"));
    let pwned: bool = sqlx::query_scalar("SELECT to_regclass('public.pwned') IS NOT NULL")
        .fetch_one(&e.db.pool)
        .await?;
    let triggers: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
          WHERE c.relnamespace IN ('stripe'::regnamespace, 'stripe_sync'::regnamespace) AND NOT t.tgisinternal
            AND t.tgfoid NOT IN ('stripe_sync._log_inserts()'::regprocedure, 'stripe_sync._log_updates()'::regprocedure,
                                 'stripe_sync._note_change_source()'::regprocedure,
                                 'stripe_sync._note_event_tx()'::regprocedure)",
    )
    .fetch_one(&e.db.pool)
    .await?;
    assert!(
        !pwned && triggers == 0,
        "planted code ran: pwned {pwned}, {triggers} triggers besides the change log's"
    );

    // A grant made after the last `migrate` (GRANT ALL, as Supabase's guide
    // has it, run after install) gives TRIGGER back until the next one:
    // process_webhook then refuses to write while a trigger planted with it
    // would run as the owner, and writes once it is gone.
    sqlx::query("GRANT ALL ON ALL TABLES IN SCHEMA stripe TO anon")
        .execute(&e.db.pool)
        .await?;
    let mut c = as_role(&e.db, "anon").await?;
    for sql in [
        "CREATE FUNCTION pg_temp.planted() RETURNS trigger LANGUAGE plpgsql AS
         $$ BEGIN CREATE TABLE public.pwned (); RETURN NEW; END $$",
        "CREATE TRIGGER planted BEFORE INSERT OR UPDATE ON stripe.customers FOR EACH ROW EXECUTE FUNCTION pg_temp.planted()",
    ] {
        sqlx::query(sql).execute(&mut c).await?;
    }
    let body = customer_updated(&target, "while_planted");
    let signature = signed_now(&body, "whsec_priv_added");
    refused_for(
        process_webhook(&e.db.pool, &body, &signature).await?,
        "trigger planted on stripe.customers",
    );
    // The fix the refusal's hint gives: the owner drops the trigger (a
    // session's end would drop it too, with its temporary function, but
    // only once the backend has cleaned up, some time after the close).
    sqlx::query("DROP TRIGGER planted ON stripe.customers")
        .execute(&e.db.pool)
        .await?;
    assert_eq!(
        process_webhook(&e.db.pool, &body, &signature).await?,
        SqlAnswer::Outcome("applied".into()),
        "written once the trigger is gone"
    );
    // The check runs in full only when pg_trigger changed since the last
    // that passed: a trigger replaced in place (CREATE OR REPLACE TRIGGER
    // keeps its row's id and count) is a change it sees.
    sqlx::query(
        "CREATE OR REPLACE TRIGGER stripe_sync_log_updates AFTER UPDATE ON stripe.customers
         REFERENCING OLD TABLE AS previous NEW TABLE AS updated
         FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.planted()",
    )
    .execute(&mut c)
    .await?;
    let body = customer_updated(&target, "while_replaced");
    let signature = signed_now(&body, "whsec_priv_added");
    refused_for(
        process_webhook(&e.db.pool, &body, &signature).await?,
        "trigger stripe_sync_log_updates on stripe.customers",
    );
    // Dropped by the owner; the next `migrate` (below) puts the log's back.
    sqlx::query("DROP TRIGGER stripe_sync_log_updates ON stripe.customers")
        .execute(&e.db.pool)
        .await?;
    c.close().await?;
    let pwned: bool = sqlx::query_scalar("SELECT to_regclass('public.pwned') IS NOT NULL")
        .fetch_one(&e.db.pool)
        .await?;
    assert!(!pwned, "the planted trigger ran");
    e.sync.migrate().await?;
    let restored: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'stripe.customers'::regclass
                         AND tgname = 'stripe_sync_log_updates'
                         AND tgfoid = 'stripe_sync._log_updates()'::regprocedure)",
    )
    .fetch_one(&e.db.pool)
    .await?;
    assert!(restored, "migrate put the change log's trigger back");
    let mut c = as_role(&e.db, "anon").await?;
    sqlx::query(
        "CREATE FUNCTION pg_temp.planted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    )
    .execute(&mut c)
    .await?;
    assert_eq!(
        sqlstate(
            &mut c,
            "CREATE TRIGGER planted BEFORE INSERT ON stripe.customers FOR EACH ROW EXECUTE FUNCTION pg_temp.planted()"
        )
        .await,
        "42501",
        "migrate took TRIGGER back"
    );
    c.close().await?;

    serve_task.abort();
    hook_task.abort();
    serve_sync.close().await;
    e.finish().await
}

/// Asserts process_webhook refused to write (SW500) because of the trigger
/// `named` ("trigger X on T").
fn refused_for(answer: SqlAnswer, named: &str) {
    match answer {
        SqlAnswer::Raised(code, message) => {
            assert_eq!(code, "SW500", "{message}");
            assert!(message.contains(named), "{message}");
        }
        other => panic!("written despite {named}: {other:?}"),
    }
}

/// A session setting can tighten what process_webhook checks, never widen
/// it: the tolerance of 300 s holds whatever a caller sets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_can_tighten_the_webhook_tolerance_but_never_widen_it() -> Result<()> {
    let e = env_with_account(SimConfig::new(fixtures()), |_| {}).await?;
    sqlx::query("SELECT stripe_sync.add_webhook_secret('whsec_tolerance')")
        .execute(&e.db.pool)
        .await?;
    let customer = e
        .post("/v1/customers", &[("email", "t@example.com")])
        .await?;
    let signed_ago = |body: &[u8], secs: i64| {
        let t = chrono::Utc::now().timestamp() - secs;
        format!(
            "t={t},v1={}",
            stripe_sync::webhook::sign(body, t, "whsec_tolerance")
        )
    };
    let mut c = PgConnection::connect(&e.db.url).await?;
    // Signed 1,000 s ago: outside 300 s, whatever the caller widens it to.
    let body = customer_updated(&customer, "widened");
    let sig = signed_ago(&body, 1000);
    assert_eq!(call(&mut c, Some("100000"), body, sig).await?, "SW401");
    // Signed 60 s ago: inside 300 s, outside a tolerance tightened to 5 s.
    let body = customer_updated(&customer, "tightened");
    let sig = signed_ago(&body, 60);
    assert_eq!(
        call(&mut c, Some("5"), body.clone(), sig.clone()).await?,
        "SW401"
    );
    assert_eq!(call(&mut c, None, body, sig).await?, "applied");
    // Nonsense reads as the default.
    let body = customer_updated(&customer, "nonsense");
    let sig = signed_ago(&body, 60);
    assert_eq!(call(&mut c, Some("-1; DROP"), body, sig).await?, "applied");
    drop(c);
    e.finish().await
}

/// process_webhook on `c` with the session's tolerance `setting` (RESET when
/// None): its outcome, or the SQLSTATE it raised.
async fn call(
    c: &mut PgConnection,
    setting: Option<&str>,
    body: Vec<u8>,
    sig: String,
) -> Result<String> {
    match setting {
        Some(v) => {
            sqlx::query("SELECT set_config('stripe_sync.webhook_tolerance_secs', $1, false)")
                .bind(v)
                .execute(&mut *c)
                .await
                .map(|_| ())?
        }
        None => sqlx::query("RESET stripe_sync.webhook_tolerance_secs")
            .execute(&mut *c)
            .await
            .map(|_| ())?,
    }
    let r: Result<String, sqlx::Error> =
        sqlx::query_scalar("SELECT stripe_sync.process_webhook($1, $2)")
            .bind(body)
            .bind(sig)
            .fetch_one(&mut *c)
            .await;
    Ok(match r {
        Ok(o) => o,
        Err(e) => e
            .as_database_error()
            .and_then(|d| d.code())
            .map(|c| c.to_string())
            .unwrap_or_default(),
    })
}

/// A pool connected to `db` as the login role `user`.
async fn pool_as(db: &TestDb, user: &str) -> Result<PgPool> {
    let options = PgConnectOptions::from_str(&db.url)?.username(user);
    Ok(PgPoolOptions::new()
        .max_connections(10)
        .connect_with(options)
        .await?)
}

/// The reader reads the mirror and nothing else; the writer runs a
/// backfill, an events catch-up, the workers and the SQL entry points
/// without any privilege beyond its role's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reader_reads_the_mirror_only_and_the_writer_runs_everything() -> Result<()> {
    let e = env_with_account(SimConfig::new(fixtures()), |_| {}).await?;
    ensure_role(
        &e.db.pool,
        "stripe_sync_test_reader",
        "LOGIN IN ROLE stripe_sync_reader",
    )
    .await?;
    ensure_role(
        &e.db.pool,
        "stripe_sync_test_writer",
        "LOGIN IN ROLE stripe_sync_writer",
    )
    .await?;
    for i in 0..3 {
        e.post("/v1/customers", &[("email", &format!("w{i}@example.com"))])
            .await?;
    }

    // The writer: a backfill, a catch-up, queued work and the SQL entry points.
    let mut cfg = config_for(&e.db, &e.sim);
    cfg.database = Database::Pool(pool_as(&e.db, "stripe_sync_test_writer").await?);
    let writer = StripeSync::new(cfg).await?;
    let user: String = sqlx::query_scalar("SELECT current_user::text")
        .fetch_one(writer.pool())
        .await?;
    assert_eq!(user, "stripe_sync_test_writer");
    let mut req = BackfillRequest::all();
    req.objects = Some(vec!["customer".into(), "product".into()]);
    let report = writer.backfill(req).await?;
    assert!(report.succeeded, "{report:?}");
    e.post("/v1/customers", &[("email", "after@example.com")])
        .await?;
    writer.sync_events().await?;
    assert_eq!(e.db_ids("customers").await?, e.sim_ids("customer"));
    let mut queued = BackfillRequest::all();
    queued.objects = Some(vec!["customer".into()]);
    assert!(writer.enqueue_backfill(&queued, false, &[]).await?.queued > 0);
    let done = writer
        .run_worker(WorkerOptions {
            max_attempts: 1,
            ..WorkerOptions::default()
        })
        .await?;
    assert!(done.jobs_failed == 0 && done.jobs_done > 0, "{done:?}");
    sqlx::query("SELECT stripe_sync.add_webhook_secret('whsec_writer')")
        .execute(writer.pool())
        .await?;
    let customer = e.sim.objects("customer")[0].clone();
    let body = customer_updated(&customer, "by_writer");
    assert_eq!(
        process_webhook(writer.pool(), &body, &signed_now(&body, "whsec_writer")).await?,
        SqlAnswer::Outcome("applied".into())
    );
    writer.close().await;

    // The reader: the mirror, nothing else.
    let reader = pool_as(&e.db, "stripe_sync_test_reader").await?;
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe.customers")
        .fetch_one(&reader)
        .await?;
    assert_eq!(n, 4);
    let mut c = reader.acquire().await?;
    for sql in [
        "SELECT count(*) FROM stripe_sync.events",
        "SELECT secret FROM stripe_sync.webhook_secrets",
        "UPDATE stripe.customers SET name = 'reader'",
        "DELETE FROM stripe.customers",
        "SELECT stripe_sync.apply_event('{}'::jsonb)",
        "SELECT stripe_sync.process_webhook('\\x7b7d'::bytea, 't=1,v1=00')",
    ] {
        assert_eq!(sqlstate(&mut c, sql).await, "42501", "reader: {sql}");
    }
    drop(c);
    reader.close().await;

    // The grants the README gives for Supabase's API roles: SELECT only.
    for r in SUPABASE_ROLES {
        ensure_role(&e.db.pool, r, "NOLOGIN").await?;
    }
    for g in README_SUPABASE_GRANTS {
        sqlx::query(g).execute(&e.db.pool).await?;
    }
    for role in SUPABASE_ROLES {
        let mut c = as_role(&e.db, role).await?;
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe.customers")
            .fetch_one(&mut c)
            .await?;
        assert_eq!(n, 4, "{role} reads the mirror");
        for sql in [
            "UPDATE stripe.customers SET _updated_at = now() + interval '1 year'",
            "CREATE TRIGGER planted BEFORE INSERT ON stripe.customers FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()",
            "SELECT count(*) FROM stripe_sync.events",
        ] {
            assert_eq!(sqlstate(&mut c, sql).await, "42501", "{role}: {sql}");
        }
        c.close().await?;
    }
    e.finish().await
}

/// The engine's tables, as the previous release named them in `stripe`,
/// and as 0013 names them in `stripe_sync`, parents first.
const MOVED: &[(&str, &str)] = &[
    ("_accounts", "accounts"),
    ("_sync_accounts", "sync_accounts"),
    ("_sync_work", "sync_work"),
    ("_sync_workers", "sync_workers"),
    ("_sync_runs", "sync_runs"),
    ("_sync_run_objects", "sync_run_objects"),
    ("_sync_state", "sync_state"),
    ("_events", "events"),
    ("_webhook_rejections", "webhook_rejections"),
    ("_webhook_secrets", "webhook_secrets"),
    ("_managed_webhooks", "managed_webhooks"),
    ("_list_members", "list_members"),
];

/// Rows without the columns later migrations added to the moved tables,
/// which the previous release had no value for: the ledger's `tx` (0021,
/// the transaction that recorded the event, NULL for rows recorded before).
fn without_later_columns(mut rows: Vec<Value>) -> Vec<Value> {
    for r in &mut rows {
        if let Some(o) = r.as_object_mut() {
            o.remove("tx");
        }
    }
    rows.sort_by_key(|r| r.to_string());
    rows
}

/// Every row of `table`, as sorted JSON.
async fn rows(pool: &PgPool, table: &str) -> Result<Vec<Value>> {
    let mut v: Vec<Value> = sqlx::query_scalar(&format!("SELECT to_jsonb(t) FROM {table} t"))
        .fetch_all(pool)
        .await?;
    v.sort_by_key(|r| r.to_string());
    Ok(v)
}

/// A database as the previous release (migrations 0001–0012, sqlx's
/// bookkeeping in `public`) left it, holding the state a real run wrote:
/// secrets, cursors, runs, the ledger, queued work. `migrate` moves all of
/// it, and webhooks (serve and process_webhook), `sync` and the workers
/// carry on from where it stood.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_of_the_previous_release_upgrades_with_nothing_lost() -> Result<()> {
    // The state a run of the engine writes, made by the engine itself.
    let e: Env = env_with_account(SimConfig::new(fixtures()), |_| {}).await?;
    for i in 0..3 {
        e.post("/v1/customers", &[("email", &format!("u{i}@example.com"))])
            .await?;
    }
    e.post("/v1/products", &[("name", "Upgrade")]).await?;
    e.sync.backfill(BackfillRequest::all()).await?;
    e.sync.sync_events().await?;
    sqlx::query("SELECT stripe_sync.add_webhook_secret('whsec_upgrade')")
        .execute(&e.db.pool)
        .await?;
    let customer = e.sim.objects("customer")[0].clone();
    let body = customer_updated(&customer, "before_upgrade");
    process_webhook(&e.db.pool, &body, &signed_now(&body, "whsec_upgrade")).await?;
    let (hook_url, hook_task) = stripe_sync_tests::serve_locally(axum::Router::new()).await?;
    e.sync
        .find_or_create_managed_webhook(&format!("{hook_url}/webhooks"))
        .await?;
    let mut queued = BackfillRequest::all();
    queued.objects = Some(vec!["customer".into()]);
    assert!(
        e.sync.enqueue_backfill(&queued, false, &[]).await?.queued > 0,
        "queued work"
    );

    // The previous release's database, holding that state.
    let old = TestDb::new().await?;
    let m = stripe_sync::migrate::migrator();
    // The previous release: migrations 0001-0012.
    stripe_sync::migrate::migrator_until(12)
        .run(&old.pool)
        .await?;
    let mut before = BTreeMap::new();
    for (was, now) in MOVED {
        let data = rows(&e.db.pool, &format!("stripe_sync.{now}")).await?;
        sqlx::query(&format!(
            "INSERT INTO stripe.{was} SELECT * FROM jsonb_populate_recordset(NULL::stripe.{was}, $1)"
        ))
        .bind(Value::Array(data.clone()))
        .execute(&old.pool)
        .await
        .with_context(|| format!("copying {now}"))?;
        before.insert(*now, data);
    }
    for seq in ["_sync_runs", "_sync_work", "_webhook_rejections"] {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('stripe.{seq}', 'id'), coalesce(max(id), 1)) FROM stripe.{seq}"
        ))
        .execute(&old.pool)
        .await?;
    }
    let mirrored: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c WHERE c.relnamespace = 'stripe'::regnamespace AND c.relkind = 'r'",
    )
    .fetch_all(&e.db.pool)
    .await?;
    for t in &mirrored {
        let data = rows(&e.db.pool, &format!("stripe.\"{t}\"")).await?;
        if !data.is_empty() {
            sqlx::query(&format!(
                "INSERT INTO stripe.\"{t}\" SELECT * FROM jsonb_populate_recordset(NULL::stripe.\"{t}\", $1)"
            ))
            .bind(Value::Array(data))
            .execute(&old.pool)
            .await?;
        }
    }
    let old_bookkeeping: i64 = sqlx::query_scalar("SELECT count(*) FROM public._sqlx_migrations")
        .fetch_one(&old.pool)
        .await?;
    assert_eq!(old_bookkeeping, 12);

    stripe_sync::migrate(&old.pool).await?;

    for (_, now) in MOVED {
        let after = rows(&old.pool, &format!("stripe_sync.{now}")).await?;
        assert_eq!(
            without_later_columns(after.clone()),
            without_later_columns(before[now].clone()),
            "stripe_sync.{now} after the upgrade"
        );
        assert!(
            !after.is_empty()
                || *now == "webhook_rejections"
                || *now == "sync_workers"
                || *now == "list_members",
            "{now} held rows"
        );
    }
    let moved: (Option<String>, i64) = sqlx::query_as(
        "SELECT to_regclass('public._sqlx_migrations')::text, (SELECT count(*) FROM stripe_sync._sqlx_migrations)",
    )
    .fetch_one(&old.pool)
    .await?;
    assert_eq!(
        moved,
        (None, m.migrations.len() as i64),
        "sqlx's bookkeeping moved"
    );

    // It carries on: a webhook with the old secret (both paths), a catch-up
    // from the old cursor, the queued work.
    let mut cfg = config_for_url(&old.url, &e.sim);
    cfg.stripe_webhook_secret = Some("whsec_upgrade".into());
    let sync = StripeSync::new(cfg).await?;
    let body = customer_updated(&customer, "after_upgrade");
    assert_eq!(
        process_webhook(&old.pool, &body, &signed_now(&body, "whsec_upgrade")).await?,
        SqlAnswer::Outcome("applied".into())
    );
    let body = customer_updated(&customer, "after_upgrade_serve");
    let outcome = sync
        .process_webhook(&body, &signed_now(&body, "whsec_upgrade"))
        .await?;
    assert_eq!(outcome.event.outcome, stripe_sync::EventOutcome::Applied);
    e.post("/v1/customers", &[("email", "after@example.com")])
        .await?;
    let report = sync.sync_events().await?;
    assert!(
        report.fetched >= 1 && report.fetched < 20,
        "resumed from the cursor: {report:?}"
    );
    let ids: std::collections::BTreeSet<String> =
        sqlx::query_scalar("SELECT id FROM stripe.customers")
            .fetch_all(&old.pool)
            .await?
            .into_iter()
            .collect();
    assert_eq!(ids, e.sim_ids("customer"));
    let done = sync
        .run_worker(WorkerOptions {
            max_attempts: 1,
            ..WorkerOptions::default()
        })
        .await?;
    assert!(done.jobs_failed == 0 && done.jobs_done > 0, "{done:?}");
    let open: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM stripe_sync.sync_work WHERE state IN ('pending', 'running')",
    )
    .fetch_one(&old.pool)
    .await?;
    assert_eq!(open, 0, "the queued work was done");

    sync.close().await;
    hook_task.abort();
    old.drop_db().await?;
    e.finish().await
}
