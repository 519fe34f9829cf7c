//! Scenario `webhooks-hostile`: the server CPU one unsigned request costs.
//!
//! `serve` runs as its own process (this binary's `child-serve`, or any
//! `stripe-sync` binary given with `--serve-bin`, e.g. an older build to
//! compare with); the scenario POSTs 1 MiB bodies whose `Stripe-Signature`
//! carries 1, 100, 1,000 and 5,000 `v1` entries matching nothing, one at a
//! time, and divides the server's CPU time (from `/proc/<pid>/stat`) by the
//! number of requests.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::proc_stats;

/// Options of `webhooks-hostile`.
#[derive(clap::Args, Clone, Debug)]
pub struct HostileOptions {
    /// The `stripe-sync` binary to run as the server; this benchmark's own
    /// `child-serve` (the current code) when absent.
    #[arg(long)]
    pub serve_bin: Option<PathBuf>,
    /// Requests per `v1` count.
    #[arg(long, default_value_t = 20)]
    pub requests: usize,
}

/// Runs the scenario and prints one line per `v1` count.
pub async fn webhooks_hostile(o: &HostileOptions) -> Result<()> {
    let db = crate::scenarios::migrated_db().await?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut cmd = match &o.serve_bin {
        Some(bin) => {
            let mut c = Command::new(bin);
            c.args(["serve", "--listen", &listen]);
            c
        }
        None => {
            let mut c = Command::new(std::env::current_exe()?);
            c.args(["child-serve", "--listen", &listen]);
            c
        }
    };
    let child = cmd
        .env("DATABASE_URL", &db.url)
        .env("STRIPE_SECRET_KEY", "sk_test_bench")
        .env("STRIPE_WEBHOOK_SECRET", "whsec_bench")
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let child = KillOnDrop(child);
    let http = reqwest::Client::new();
    let base = format!("http://{listen}");
    let mut up = false;
    for _ in 0..200 {
        if http
            .get(format!("{base}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if !up {
        bail!("serve did not come up on {listen}");
    }
    let pid = child.0.id();
    let body = vec![b' '; 1024 * 1024];
    println!(
        "{:>8} {:>10} {:>14} {:>14}  statuses",
        "v1", "header", "cpu/request", "wall/request"
    );
    for n in [1usize, 100, 1_000, 5_000] {
        let mut sig = format!("t={}", chrono::Utc::now().timestamp());
        for i in 0..n {
            sig.push_str(&format!(",v1={i:064x}"));
        }
        let head = format!(
            "POST /webhooks HTTP/1.1\r\nHost: {listen}\r\nStripe-Signature: {sig}\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let mut statuses = std::collections::BTreeMap::<String, usize>::new();
        let cpu0 = proc_stats::cpu_seconds(pid);
        let t0 = Instant::now();
        for _ in 0..o.requests {
            *statuses
                .entry(request(&listen, &head, &body).await)
                .or_default() += 1;
        }
        let wall = t0.elapsed().as_secs_f64() / o.requests as f64;
        let cpu = (proc_stats::cpu_seconds(pid) - cpu0) / o.requests as f64;
        println!(
            "{n:>8} {:>9}B {:>11.2} ms {:>11.2} ms  {statuses:?}",
            sig.len(),
            cpu * 1000.0,
            wall * 1000.0
        );
    }
    drop(child);
    db.drop_db().await
}

/// One request on its own connection, reading the answer while writing (a
/// server that answers early is still heard); the status, or how it ended.
async fn request(listen: &str, head: &str, body: &[u8]) -> String {
    let Ok(stream) = tokio::net::TcpStream::connect(listen).await else {
        return "connect failed".into();
    };
    let (mut rd, mut wr) = stream.into_split();
    let (head, body) = (head.as_bytes().to_vec(), body.to_vec());
    let writer = tokio::spawn(async move {
        let _ = wr.write_all(&head).await;
        let _ = wr.write_all(&body).await;
        wr
    });
    let mut got = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(60), rd.read_to_end(&mut got)).await;
    writer.abort();
    let text = String::from_utf8_lossy(&got);
    match text.strip_prefix("HTTP/1.1 ").and_then(|r| r.get(..3)) {
        Some(code) => code.to_string(),
        None => "closed".into(),
    }
}

/// Kills the server when dropped.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
