//! `stripe-sync demo` as a subprocess, with no DATABASE_URL: a private
//! PostgreSQL, the simulator, backfill, webhooks, the report.

use crate::common;

use std::time::Instant;

use common::{cmd, run_async};

/// How long the demo takes is a measurement for the README (`cargo run
/// --release -- demo`), not something a test on a shared machine can hold
/// it to; the limit here only turns a hang into a failure.
#[tokio::test(flavor = "multi_thread")]
async fn demo_runs_the_whole_pipeline() {
    // The CI machine has PostgreSQL's binaries; their absence is a failure here.
    stripe_sync_embedded_pg::find_binaries().expect("PostgreSQL binaries for the private server");
    let mut c = cmd();
    c.env("STRIPE_OPENAPI_DIR", stripe_sync_tests::spec_dir())
        .args(["demo", "--changes", "30"]);
    let t = Instant::now();
    let limit = stripe_sync_tests::WAIT_LIMIT;
    let (code, out, err) = tokio::time::timeout(limit, run_async(c))
        .await
        .unwrap_or_else(|_| panic!("the demo did not finish within {} s", limit.as_secs()));
    println!("demo took {:?}", t.elapsed());
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("private PostgreSQL on 127.0.0.1:"), "{out}");
    assert!(out.contains("run 1: succeeded"), "{out}");
    assert!(
        out.contains("30 changes made on the simulator; 30 signed webhooks received"),
        "{out}"
    );
    assert!(
        out.contains("stripe.customers") && out.contains("stripe.invoices"),
        "{out}"
    );
    assert!(
        out.contains("Throughput:") && out.contains("SELECT"),
        "{out}"
    );
    // The private server and its directory are gone.
    let port: u16 = out
        .split("private PostgreSQL on 127.0.0.1:")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .expect("port in the output");
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
    // (Other private servers, such as the tests' own, may be running: only
    // a directory of the demo's server, found by its port, counts.)
    let left = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("stripe-sync-demo-pg-")
                && std::fs::read_to_string(e.path().join("data/postmaster.pid"))
                    .is_ok_and(|pid| pid.lines().nth(3) == Some(port.to_string().as_str()))
        });
    assert!(!left, "a demo PostgreSQL directory was left behind");
}

/// With no DATABASE_URL and no PostgreSQL binaries, the demo says how to get
/// one or the other, and exits with 2.
#[tokio::test(flavor = "multi_thread")]
async fn demo_without_database_or_binaries_says_how_to_get_one() {
    let mut c = cmd();
    c.env("STRIPE_OPENAPI_DIR", stripe_sync_tests::spec_dir())
        .env("STRIPE_SYNC_PG_BINDIR", "/nonexistent/postgresql/bin")
        .arg("demo");
    let (code, out, err) = run_async(c).await;
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(
        err.contains("no PostgreSQL binaries (initdb, pg_ctl)"),
        "{err}"
    );
    assert!(err.contains("apt-get install postgresql"), "{err}");
    assert!(err.contains("set DATABASE_URL="), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

/// `--api-version` pins the demo: the simulator is seeded from that
/// version's fixtures and speaks it, and the mirror sends it.
#[tokio::test(flavor = "multi_thread")]
async fn demo_speaks_a_pinned_api_version() {
    stripe_sync_embedded_pg::find_binaries().expect("PostgreSQL binaries for the private server");
    // Nothing beside the binary: no STRIPE_OPENAPI_DIR, and no
    // ../shared/stripe-openapi from where it runs, so the fixtures it
    // seeds from are the ones embedded in it.
    let mut c = cmd();
    c.current_dir(std::env::temp_dir()).args([
        "demo",
        "--changes",
        "5",
        "--api-version",
        "2023-08-16",
    ]);
    let limit = stripe_sync_tests::WAIT_LIMIT;
    let (code, out, err) = tokio::time::timeout(limit, run_async(c))
        .await
        .unwrap_or_else(|_| panic!("the demo did not finish within {} s", limit.as_secs()));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("speaking API version 2023-08-16"), "{out}");
    assert!(out.contains("run 1: succeeded"), "{out}");
    assert!(
        out.contains("5 changes made on the simulator; 5 signed webhooks received"),
        "{out}"
    );
}
