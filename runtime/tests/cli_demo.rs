//! `stripe-sync demo` as a subprocess, with no DATABASE_URL: a private
//! PostgreSQL, the simulator, backfill, webhooks, the report.

mod common;

use std::time::Instant;

use common::{cmd, run_async};

#[tokio::test(flavor = "multi_thread")]
async fn demo_runs_the_whole_pipeline_in_under_a_minute() {
    if stripe_sync::embedded_pg::find_binaries().is_err() {
        eprintln!("skipped: no PostgreSQL binaries on this machine");
        return;
    }
    let mut c = cmd();
    c.env("STRIPE_OPENAPI_DIR", stripe_sync_tests::spec_dir())
        .args(["demo", "--changes", "30"]);
    let t = Instant::now();
    let (code, out, err) = run_async(c).await;
    let took = t.elapsed();
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(took.as_secs() < 60, "demo took {took:?}");
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
    let left = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("stripe-sync-demo-pg-")
                && e.path().join("data/postmaster.pid").exists()
        });
    assert!(!left, "a demo PostgreSQL directory was left behind");
}
