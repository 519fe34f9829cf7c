//! Bad input: one clear line, the fix, exit code 2, no secrets printed.

use crate::common;

use common::{cmd, run};

#[test]
fn missing_database_url() {
    let (code, _, err) = run(cmd().env("STRIPE_SECRET_KEY", "sk_test_x").arg("migrate"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("DATABASE_URL"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn missing_stripe_key() {
    let (code, _, err) = run(cmd()
        .env(
            "DATABASE_URL",
            "postgres://postgres@127.0.0.1:5432/postgres",
        )
        .args(["backfill", "customer"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("STRIPE_SECRET_KEY"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn stripe_api_key_alias_is_accepted() {
    // With the alias set the key check passes and the (absent) database is the next error.
    let (code, _, err) = run(cmd()
        .env("STRIPE_API_KEY", "sk_test_x")
        .env("DATABASE_URL", "postgres://u:hunter2@127.0.0.1:1/db")
        .args(["backfill", "customer"]));
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains("STRIPE_SECRET_KEY"), "{err}");
    assert!(err.contains("127.0.0.1:1"), "{err}");
}

#[test]
fn unreachable_database_names_host_and_port_not_password() {
    for sub in [vec!["migrate"], vec!["status"], vec!["backfill", "all"]] {
        let (code, out, err) = run(cmd()
            .env("DATABASE_URL", "postgres://someone:hunter2@127.0.0.1:1/db")
            .env("STRIPE_SECRET_KEY", "sk_test_secretkey")
            .args(&sub));
        assert_eq!(code, 2, "{sub:?}: {err}");
        assert!(err.contains("127.0.0.1:1"), "{err}");
        assert!(
            !err.contains("hunter2") && !out.contains("hunter2"),
            "{err}"
        );
        assert!(!err.contains("sk_test_secretkey"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

#[test]
fn invalid_database_url() {
    let (code, _, err) = run(cmd().env("DATABASE_URL", "not a url").arg("migrate"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("DATABASE_URL"), "{err}");
}

#[test]
fn bad_flags_exit_2() {
    for args in [
        vec!["backfill", "--created-after", "yesterday"],
        vec!["backfill", "--concurrency", "0"],
        vec!["serve", "--listen", "nowhere"],
        vec!["frobnicate"],
    ] {
        let (code, _, err) = run(cmd().args(&args));
        assert_eq!(code, 2, "{args:?}: {err}");
    }
}

#[test]
fn webhook_create_needs_a_url() {
    let (code, _, err) = run(cmd()
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/db")
        .env("STRIPE_SECRET_KEY", "sk_test_x")
        .args(["webhook", "create", "example.com/hook"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("URL"), "{err}");
}

#[test]
fn bad_api_base() {
    let (code, _, err) = run(cmd()
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/db")
        .env("STRIPE_SECRET_KEY", "sk_test_x")
        .env("STRIPE_API_BASE", "api.stripe.com")
        .args(["sync"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("STRIPE_API_BASE"), "{err}");
}

#[test]
fn demo_without_fixtures_names_the_setting() {
    let (code, _, err) = run(cmd()
        .env("STRIPE_OPENAPI_DIR", "/nonexistent/specs")
        .arg("demo"));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("STRIPE_OPENAPI_DIR") && err.contains("--openapi-dir"),
        "{err}"
    );
}

#[test]
fn help_lists_every_subcommand() {
    let (code, out, _) = run(cmd().arg("--help"));
    assert_eq!(code, 0);
    for s in [
        "migrate", "backfill", "sync", "serve", "webhook", "status", "demo", "simulate",
    ] {
        assert!(out.contains(s), "{s} missing from --help");
    }
}

#[test]
fn each_subcommand_shows_only_its_own_options() {
    let help = |args: &[&str]| {
        let (code, out, err) = run(cmd().args(args).arg("--help"));
        assert_eq!(code, 0, "{err}");
        out
    };
    // Pacing is for the commands that make many requests.
    for sub in [
        &["webhook", "list"][..],
        &["webhook", "delete"],
        &["webhook", "create"],
    ] {
        let out = help(sub);
        assert!(out.contains("--stripe-key"), "{sub:?}: {out}");
        assert!(
            !out.contains("--rate-limit") && !out.contains("--max-retries"),
            "{sub:?}: {out}"
        );
    }
    for sub in ["backfill", "sync", "worker", "serve", "verify"] {
        let out = help(&[sub]);
        assert!(
            out.contains("--rate-limit") && out.contains("--max-retries"),
            "{sub}: {out}"
        );
    }
    // The queue's options, in backfill and sync, under their own heading.
    for sub in ["backfill", "sync"] {
        let out = help(&[sub]);
        let heading = out
            .find("With --connected-accounts: how this process works the queue:")
            .unwrap_or_else(|| panic!("{sub}: {out}"));
        for flag in [
            "--accounts-at-once",
            "--lease-seconds",
            "--max-attempts",
            "--retry-delay-seconds",
            "--platform-rate-limit",
        ] {
            assert!(
                out.find(flag).is_some_and(|i| i > heading),
                "{sub}: {flag} outside the heading"
            );
        }
    }
    // Environment variables by name, never as "NAME=" (read as set to empty).
    let out = help(&["backfill"]);
    assert!(out.contains("[env: STRIPE_API_VERSION]"), "{out}");
    for sub in ["backfill", "serve", "simulate", "demo", "sync", "changes"] {
        let out = help(&[sub]);
        assert!(!out.contains("=]"), "{sub}: {out}");
    }
    // One --api-version for the simulator.
    let out = help(&["simulate"]);
    assert_eq!(out.matches("--api-version").count(), 1, "{out}");
    assert!(!out.contains("sim-api-version"), "{out}");
}

#[test]
fn an_unknown_object_type_gets_a_suggestion() {
    for (typo, meant) in [
        ("custmer", "did you mean customer?"),
        ("checkout_session", "did you mean checkout.session?"),
        ("subscription_itms", "subscription_item"),
    ] {
        let (code, _, err) = run(cmd()
            .env("STRIPE_SECRET_KEY", "sk_test_x")
            .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/db")
            .args(["backfill", "customer", typo]));
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(&format!("{typo:?}")) && err.contains(meant),
            "{typo}: {err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains("stripe-sync backfill --plan"), "{err}");
        assert!(err.len() < 300, "one short line: {err}");
    }
    let (_, _, err) = run(cmd()
        .env("STRIPE_SECRET_KEY", "sk_test_x")
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/db")
        .args(["backfill", "zzzqq"]));
    assert!(
        err.contains("no object type or table has a name close to it"),
        "{err}"
    );
}

#[test]
fn unknown_api_version_lists_the_supported_ones() {
    // By flag or by environment variable.
    for (sub, by_flag) in [
        (vec!["backfill", "customer"], true),
        (vec!["sync"], false),
        (vec!["webhook", "list"], false),
        (vec!["serve"], true),
        (vec!["status"], false),
    ] {
        let mut c = cmd();
        c.env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/db")
            .env("STRIPE_SECRET_KEY", "sk_test_x")
            .args(&sub);
        if by_flag {
            c.args(["--api-version", "2019-01-01"]);
        } else {
            c.env("STRIPE_API_VERSION", "2019-01-01");
        }
        let (code, _, err) = run(&mut c);
        assert_eq!(code, 2, "{sub:?}: {err}");
        assert!(
            err.contains("unknown Stripe API version \"2019-01-01\"")
                && err.contains("--api-version")
                && err.contains("STRIPE_API_VERSION"),
            "{sub:?}: {err}"
        );
        for v in stripe_sync_generated::API_VERSIONS {
            assert!(err.contains(v), "{sub:?}: {err} should name {v}");
        }
        assert!(
            !err.contains("127.0.0.1:1"),
            "refused before the database: {err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

#[test]
fn a_supported_api_version_passes_the_check() {
    // The pin is fine, so the (absent) database is the next error.
    let (code, _, err) = run(cmd()
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/db")
        .env("STRIPE_SECRET_KEY", "sk_test_x")
        .env("STRIPE_API_VERSION", "2023-08-16")
        .args(["backfill", "customer"]));
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains("API version"), "{err}");
    assert!(err.contains("127.0.0.1:1"), "{err}");
}

/// A command on a database stripe-sync never migrated, or migrated by an
/// earlier release, says so in one line with the fix, before any request.
#[tokio::test(flavor = "multi_thread")]
async fn commands_on_an_unmigrated_or_older_database_say_so_in_one_line() {
    let db = stripe_sync_tests::TestDb::new().await.unwrap();
    let go = |args: &[&str]| {
        let mut c = cmd();
        c.env("DATABASE_URL", &db.url)
            .env("STRIPE_SECRET_KEY", "sk_test_x")
            .env("STRIPE_API_BASE", "http://127.0.0.1:1")
            .args(args);
        run(&mut c)
    };
    for args in [
        &["backfill", "customer"][..],
        &["sync"],
        &["verify"],
        &["webhook", "list"],
    ] {
        let (code, _, err) = go(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains("no stripe-sync tables yet: run `stripe-sync migrate` first"),
            "{args:?}: {err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    // An earlier release's database: migrations 0001-0012.
    stripe_sync::migrate::migrator_until(12)
        .run(&db.pool)
        .await
        .unwrap();
    let (code, _, err) = go(&["backfill", "customer"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("migrated up to 0012_stripe_sync_quarantine")
            && err.contains("run `stripe-sync migrate`"),
        "{err}"
    );
    db.drop_db().await.unwrap();
}
