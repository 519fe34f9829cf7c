//! Scenario `webhooks-hostile`: the server CPU one unsigned request costs.
//!
//! `serve` runs as its own process (this binary's `child-serve`, or any
//! `stripe-sync` binary given with `--serve-bin`, e.g. an older build to
//! compare with); the scenario POSTs 1 MiB bodies whose `Stripe-Signature`
//! carries 1, 100, 1,000 and 5,000 `v1` entries matching nothing, one at a
//! time, and divides the server's CPU time (from `/proc/<pid>/stat`) by the
//! number of requests.
//!
//! With `--slow-senders N` it measures memory instead: N connections each
//! send the headers and most of a declared ~1 MiB body (to `/webhooks`, or
//! the path given with `--route`), then go quiet; the server's RSS is
//! sampled from `/proc/<pid>/status` (VmRSS, VmHWM), and the connections it
//! has answered (with which status) or closed are counted 12 s and 30 s
//! after the last one opened. Each `--signed-after S` sends one signed
//! delivery to `/webhooks` S seconds after the last one opened, and reports
//! its answer (or that none came in 8 s).

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
    /// Instead of the CPU table: open this many connections that each send
    /// the headers and `--slow-body-bytes` of a declared
    /// `--slow-content-length`, then go quiet; report serve's RSS and how
    /// many connections it answered or closed after 12 s and 30 s.
    #[arg(long)]
    pub slow_senders: Option<usize>,
    /// Body bytes each slow sender sends before going quiet.
    #[arg(long, default_value_t = 1_000_000)]
    pub slow_body_bytes: usize,
    /// The `Content-Length` each slow sender declares.
    #[arg(long, default_value_t = 1_048_000)]
    pub slow_content_length: usize,
    /// The path the slow senders POST to (with a `Stripe-Signature` that
    /// matches nothing and no admin key).
    #[arg(long, default_value = "/webhooks")]
    pub route: String,
    /// With `--slow-senders`: send a signed delivery to `/webhooks` this
    /// many seconds after the last slow connection opened (repeatable).
    #[arg(long)]
    pub signed_after: Vec<u64>,
}

/// How long a signed delivery may take before it counts as not answered.
const SIGNED_TIMEOUT: Duration = Duration::from_secs(8);

/// One signed `customer.updated` delivery to `/webhooks`: its status, or
/// what became of it, and how long it took.
async fn signed_delivery(listen: &str, n: u64) -> (String, Duration) {
    let body = serde_json::json!({
        "id": format!("evt_bench_hostile_{n}"), "object": "event", "type": "customer.updated",
        "created": chrono::Utc::now().timestamp(), "api_version": "2023-08-16",
        "livemode": false, "pending_webhooks": 1,
        "data": {"object": {"id": format!("cus_bench_hostile_{n}"), "object": "customer",
                            "created": 1_700_000_000, "livemode": false, "metadata": {}}},
    })
    .to_string();
    let t = chrono::Utc::now().timestamp();
    let signature = stripe_sync::webhook::sign(body.as_bytes(), t, WEBHOOK_SECRET);
    let started = Instant::now();
    let sent = async {
        reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .timeout(SIGNED_TIMEOUT)
            .build()?
            .post(format!("http://{listen}/webhooks"))
            .header("Stripe-Signature", format!("t={t},v1={signature}"))
            .body(body)
            .send()
            .await
    };
    let outcome = match sent.await {
        Ok(r) => r.status().as_u16().to_string(),
        Err(e) if e.is_timeout() => format!("no answer in {SIGNED_TIMEOUT:?}"),
        Err(e) => format!("failed: {e}"),
    };
    (outcome, started.elapsed())
}

/// The webhook secret `serve` runs with.
const WEBHOOK_SECRET: &str = "whsec_bench";

/// Runs the scenario: the CPU table, or with `--slow-senders` the memory
/// and the fate of that many connections that stop sending mid-body.
pub async fn webhooks_hostile(o: &HostileOptions) -> Result<()> {
    let db = crate::harness::migrated_db().await?;
    let (child, listen) = start_serve(o, &db.url).await?;
    if let Some(n) = o.slow_senders {
        slow_senders(o, n, &child, &listen).await?;
    } else {
        cpu_per_request(o, &child, &listen).await;
    }
    drop(child);
    db.drop_db().await
}

/// Starts `serve` (this binary's `child-serve` or `--serve-bin`) on a free
/// loopback port and waits for `/health`; the process and its address.
async fn start_serve(o: &HostileOptions, database_url: &str) -> Result<(KillOnDrop, String)> {
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
        .env("DATABASE_URL", database_url)
        .env("STRIPE_SECRET_KEY", "sk_test_bench")
        .env("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let child = KillOnDrop(child);
    // No pooling: the health check leaves no idle connection on the server.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()?;
    let base = format!("http://{listen}");
    for _ in 0..200 {
        if http
            .get(format!("{base}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Ok((child, listen));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("serve did not come up on {listen}")
}

/// The CPU table: requests one at a time per `v1` count, one line each.
async fn cpu_per_request(o: &HostileOptions, child: &KillOnDrop, listen: &str) {
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
                .entry(request(listen, &head, &body).await)
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

/// What became of one slow sender's connection, as seen by the client.
#[derive(Default)]
struct Fate {
    /// When the head and all the body bytes were handed to the kernel.
    sent: Option<Instant>,
    /// When the first response line arrived, and its status code.
    answered: Option<(Instant, String)>,
    /// When the server closed the connection (end of stream or reset).
    closed: Option<Instant>,
}

/// Counts of [`Fate`]s at one moment.
fn tally(fates: &[Fate], at: Instant) -> String {
    let mut statuses = std::collections::BTreeMap::<&str, usize>::new();
    let (mut sent, mut closed, mut open) = (0, 0, 0);
    for f in fates {
        sent += usize::from(f.sent.is_some_and(|t| t <= at));
        match &f.answered {
            Some((t, s)) if *t <= at => *statuses.entry(s.as_str()).or_default() += 1,
            _ => {}
        }
        if f.closed.is_some_and(|t| t <= at) {
            closed += 1;
        } else {
            open += 1;
        }
    }
    format!(
        "body fully sent {sent}, answered {statuses:?}, closed by serve {closed}, still open {open}"
    )
}

/// The slow-sender mode: `n` connections to `route` each send the headers
/// (a well-formed `Stripe-Signature` with one `v1` matching nothing) and
/// `slow_body_bytes` of a declared `slow_content_length`, then go quiet. The
/// server's VmRSS is sampled every 20 ms; the connections are counted 12 s
/// and 30 s after the last one opened, then all are dropped; the signed
/// deliveries of `signed_after` are sent meanwhile.
async fn slow_senders(
    o: &HostileOptions,
    n: usize,
    child: &KillOnDrop,
    listen: &str,
) -> Result<()> {
    use std::sync::{Arc, Mutex};
    let pid = child.0.id();
    let mib = |field| proc_stats::status_mib(pid, field).unwrap_or(f64::NAN);
    let load = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at start: {}", load().trim());
    tokio::time::sleep(Duration::from_secs(1)).await;
    println!(
        "serve before: VmRSS {:.1} MiB, VmHWM {:.1} MiB",
        mib("VmRSS"),
        mib("VmHWM")
    );
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut peak = 0f64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(proc_stats::status_mib(pid, "VmRSS").unwrap_or(0.0));
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            peak
        })
    };
    let head: Arc<[u8]> = format!(
        "POST {} HTTP/1.1\r\nHost: {listen}\r\n\
         Stripe-Signature: t={},v1={:064x}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        o.route,
        chrono::Utc::now().timestamp(),
        0,
        o.slow_content_length
    )
    .into_bytes()
    .into();
    let body: Arc<[u8]> = vec![b' '; o.slow_body_bytes.min(o.slow_content_length)].into();
    let fates: Arc<Mutex<Vec<Fate>>> =
        Arc::new(Mutex::new((0..n).map(|_| Fate::default()).collect()));
    let mut tasks = Vec::with_capacity(n);
    let mut refused = 0usize;
    let t0 = Instant::now();
    for i in 0..n {
        let Ok(stream) = tokio::net::TcpStream::connect(listen).await else {
            refused += 1;
            continue;
        };
        let (head, body, fates) = (head.clone(), body.clone(), fates.clone());
        tasks.push(tokio::spawn(async move {
            let (mut rd, mut wr) = stream.into_split();
            let writer = async {
                if wr.write_all(&head).await.is_ok() && wr.write_all(&body).await.is_ok() {
                    fates.lock().unwrap()[i].sent = Some(Instant::now());
                }
                // Quiet, but the write half stays open: no FIN, no end of body.
                std::future::pending::<()>().await
            };
            let reader = async {
                let mut first = Vec::new();
                let mut buf = [0u8; 4096];
                loop {
                    match rd.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(k) => {
                            if fates.lock().unwrap()[i].answered.is_some() {
                                continue;
                            }
                            first.extend_from_slice(&buf[..k]);
                            // "HTTP/1.1 503" is 12 bytes: enough to name the status.
                            if first.len() >= 12 {
                                let line = String::from_utf8_lossy(&first);
                                let code = line.split_whitespace().nth(1).unwrap_or("?");
                                fates.lock().unwrap()[i].answered =
                                    Some((Instant::now(), code.to_string()));
                            }
                        }
                    }
                }
                fates.lock().unwrap()[i].closed = Some(Instant::now());
            };
            tokio::select! {
                () = writer => {}
                () = reader => {}
            }
        }));
    }
    let opened = Instant::now();
    println!(
        "{} of {n} connections to {} opened in {:.2} s ({refused} refused)",
        tasks.len(),
        o.route,
        (opened - t0).as_secs_f64()
    );
    let signed: Vec<_> = o
        .signed_after
        .iter()
        .map(|&secs| {
            let listen = listen.to_string();
            tokio::spawn(async move {
                tokio::time::sleep_until((opened + Duration::from_secs(secs)).into()).await;
                let (outcome, took) = signed_delivery(&listen, secs).await;
                println!(
                    "signed delivery {secs} s after the last open: {outcome} after {:.2} s",
                    took.as_secs_f64()
                );
            })
        })
        .collect();
    for secs in [12u64, 30] {
        tokio::time::sleep_until((opened + Duration::from_secs(secs)).into()).await;
        let now = Instant::now();
        let line = tally(&fates.lock().unwrap(), now);
        println!(
            "after {secs:>2} s: {line}; serve VmRSS {:.1} MiB",
            mib("VmRSS")
        );
    }
    {
        let fates = fates.lock().unwrap();
        let last = |f: fn(&Fate) -> Option<Instant>| {
            fates
                .iter()
                .filter_map(f)
                .max()
                .map(|t| format!("{:.2} s", (t - t0).as_secs_f64()))
                .unwrap_or_else(|| "-".into())
        };
        println!(
            "last body fully sent at {}, last answer at {}, last close at {} (after the first open)",
            last(|f| f.sent),
            last(|f| f.answered.as_ref().map(|a| a.0)),
            last(|f| f.closed)
        );
    }
    for s in signed {
        let _ = s.await;
    }
    for t in &tasks {
        t.abort();
    }
    for t in tasks {
        let _ = t.await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.await.unwrap_or(f64::NAN);
    println!(
        "serve peak: VmRSS sampled {peak:.1} MiB, VmHWM {:.1} MiB; 2 s after the client dropped all: VmRSS {:.1} MiB",
        mib("VmHWM"),
        mib("VmRSS")
    );
    println!("load average at end: {}", load().trim());
    Ok(())
}
