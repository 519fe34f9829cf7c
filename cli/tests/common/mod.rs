//! Helpers of the CLI tests: run the real `stripe-sync` binary as a
//! subprocess with a clean environment.
#![allow(dead_code)]

use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use stripe_sync_simulator::{SimConfig, SimHandle};

/// Every variable the binary reads, removed so the host's settings do not leak in.
pub const VARS: &[&str] = &[
    "DATABASE_URL",
    "STRIPE_SECRET_KEY",
    "STRIPE_API_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_API_BASE",
    "STRIPE_SYNC_API_KEY",
    "STRIPE_SYNC_PG_BINDIR",
    "STRIPE_ACCOUNT",
    "STRIPE_ACCOUNT_ID",
    "STRIPE_OPENAPI_DIR",
    "STRIPE_FIXTURES",
    "STRIPE_API_VERSION",
    "LISTEN",
    "RUST_LOG",
];

/// A command for the binary with a clean environment.
pub fn cmd() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_stripe-sync"));
    for v in VARS {
        c.env_remove(v);
    }
    c.stdin(Stdio::null());
    c
}

/// A command configured for `db_url` and the simulator at `api_base`.
pub fn cmd_with(db_url: &str, api_base: &str) -> Command {
    let mut c = cmd();
    c.env("DATABASE_URL", db_url)
        .env("STRIPE_SECRET_KEY", "sk_test_cli")
        .env("STRIPE_API_BASE", api_base)
        // The simulator has no rate limit; the default for test keys is 25/s.
        .args(["--rate-limit", "1000"]);
    c
}

/// Runs it and returns (exit code, stdout, stderr).
pub fn run(c: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = c.output().expect("run stripe-sync");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// Runs it off the async runtime's threads.
pub async fn run_async(mut c: Command) -> (i32, String, String) {
    tokio::task::spawn_blocking(move || run(&mut c))
        .await
        .expect("join")
}

/// Stripe's fixtures for the simulator.
pub fn fixtures() -> std::path::PathBuf {
    stripe_sync_tests::spec_dir()
        .join(stripe_sync_generated::API_VERSION)
        .join("fixtures3.json")
}

/// A simulator with a small account on an ephemeral port.
pub async fn simulator() -> SimHandle {
    stripe_sync_simulator::start(
        SimConfig::small_account(fixtures()),
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .expect("start simulator")
}

/// A free port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Sends `sig` (e.g. "TERM", "INT") to the child.
pub fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(child.id().to_string())
        .status()
        .expect("kill")
        .success();
    assert!(ok, "kill -{sig} failed");
}

/// Waits for the child to exit (at most `secs`), returning its exit code.
pub async fn wait_exit(child: &mut Child, secs: u64) -> i32 {
    for _ in 0..secs * 20 {
        if let Some(s) = child.try_wait().expect("try_wait") {
            return s.code().unwrap_or(-1);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    panic!("stripe-sync did not exit within {secs} s");
}

/// Polls `url` until it answers 200 (at most 120 s: `serve --migrate`
/// migrates first, slow when other tests load the machine).
pub async fn wait_http_ok(url: &str) {
    let http = reqwest::Client::new();
    for _ in 0..2400 {
        if let Ok(r) = http.get(url).send().await {
            if r.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} never answered 200");
}

/// The child's stdout, line by line, read by a thread (so a full pipe
/// never blocks it). Its stderr, if piped, is drained and dropped.
pub fn stdout_lines(child: &mut Child) -> tokio::sync::mpsc::UnboundedReceiver<String> {
    use std::io::BufRead;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    if let Some(out) = child.stdout.take() {
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    if let Some(mut err) = child.stderr.take() {
        std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
    }
    rx
}

/// Waits for a line containing `text` (at most
/// [`stripe_sync_tests::WAIT_LIMIT`]) and returns it.
pub async fn wait_line(
    lines: &mut tokio::sync::mpsc::UnboundedReceiver<String>,
    text: &str,
) -> String {
    let limit = stripe_sync_tests::WAIT_LIMIT;
    let found = tokio::time::timeout(limit, async {
        while let Some(line) = lines.recv().await {
            if line.contains(text) {
                return Some(line);
            }
        }
        None
    })
    .await;
    match found {
        Ok(Some(line)) => line,
        Ok(None) => panic!("the output ended without a line containing {text:?}"),
        Err(_) => panic!("no line containing {text:?} within {} s", limit.as_secs()),
    }
}
