//! Hostile clients against `serve`'s webhook route (issue 13): many `v1`
//! entries, huge headers, slow senders, many concurrent 1 MiB bodies, more
//! connections than the cap. Each is refused with its documented status (or a
//! closed connection) well within a generous bound, and signed deliveries
//! sent at the same time are all answered 200 and are in `_events`.
//!
//! Nothing here waits for the clock: every wait is for an event (an answer, a
//! closed connection) under an upper bound that fails with a message.

use crate::support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::json;
use stripe_sync::metrics::Metrics;
use stripe_sync::server::{router_with_limits, serve_with_limits, AppState, ServerLimits};
use stripe_sync::webhook::sign;
use stripe_sync_simulator::SimConfig;
use support::{env, fixtures, Env};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SECRET: &str = "whsec_hostile_tests_secret";
/// The upper bound on any one refusal; the real figures are milliseconds
/// (or the configured timeouts). Only a hang reaches it, on any machine.
const QUICK: Duration = stripe_sync_tests::WAIT_LIMIT;
const MIB: usize = 1024 * 1024;

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

struct Server {
    env: Env,
    addr: SocketAddr,
    metrics: Arc<Metrics>,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn start(limits: ServerLimits) -> Result<Server> {
    let env = env(SimConfig::new(fixtures()), |c| {
        c.stripe_webhook_secret = Some(SECRET.into())
    })
    .await?;
    let metrics = Arc::new(Metrics::new());
    let state = Arc::new(AppState {
        sync: env.sync.clone(),
        admin_key: None,
        metrics: metrics.clone(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = router_with_limits(state, &limits);
    let task = tokio::spawn(async move {
        serve_with_limits(listener, app, &limits, async {
            let _ = stopped.await;
        })
        .await
    });
    Ok(Server {
        env,
        addr,
        metrics,
        stop,
        task,
    })
}

impl Server {
    async fn finish(self) -> Result<()> {
        let _ = self.stop.send(());
        self.task.await??;
        self.env.finish().await
    }
}

/// `n` signed deliveries, one after another, while the hostile clients run;
/// each must be answered 200. Returns their event ids.
async fn signed_deliveries(addr: SocketAddr, n: usize, tag: &str) -> Result<Vec<String>> {
    // A new connection per delivery: a pooled connection left idle past the
    // header timeout may be closed by the server just as it is reused.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()?;
    let mut ids = Vec::new();
    for i in 0..n {
        let id = format!("evt_hostile_{tag}_{i}");
        let body = serde_json::to_vec(&json!({
            "id": id, "object": "event", "type": "customer.updated", "created": now(),
            "api_version": "2023-08-16", "livemode": false, "pending_webhooks": 1,
            "data": {"object": {"id": format!("cus_hostile_{tag}_{i}"), "object": "customer",
                                 "name": "signed", "created": 1_700_000_000, "livemode": false,
                                 "metadata": {}}},
        }))?;
        let t = now();
        let r = http
            .post(format!("http://{addr}/webhooks"))
            .header(
                "Stripe-Signature",
                format!("t={t},v1={}", sign(&body, t, SECRET)),
            )
            .body(body)
            .send()
            .await?;
        let status = r.status().as_u16();
        let text = r.text().await?;
        if status != 200 {
            bail!("signed delivery {id} answered {status} during hostile traffic: {text}");
        }
        ids.push(id);
    }
    Ok(ids)
}

async fn assert_committed(s: &Server, ids: &[String]) -> Result<()> {
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe._events WHERE id = ANY($1)")
        .bind(ids)
        .fetch_one(&s.env.db.pool)
        .await?;
    assert_eq!(
        n as usize,
        ids.len(),
        "signed deliveries missing from _events"
    );
    Ok(())
}

/// A header of `n` `v1` entries that match nothing (68 bytes each).
fn v1_entries(n: usize) -> String {
    let mut h = format!("t={}", now());
    for i in 0..n {
        h.push_str(&format!(",v1={:064x}", i));
    }
    h
}

/// Writes `head` and `body` on a raw connection while reading the answer
/// concurrently (a server that answers early and closes is still heard),
/// and returns the status (`None`: closed without an answer) and how long it
/// took.
async fn raw_request(
    addr: SocketAddr,
    head: String,
    body: Vec<u8>,
) -> Result<(Option<u16>, Duration)> {
    let started = Instant::now();
    let stream = TcpStream::connect(addr).await?;
    let (mut rd, mut wr) = stream.into_split();
    let writer = tokio::spawn(async move {
        // The server may close while we write: that is its answer, not an error.
        let _ = wr.write_all(head.as_bytes()).await;
        let _ = wr.write_all(&body).await;
        wr
    });
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let read = tokio::time::timeout(QUICK, async {
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    got.extend_from_slice(&buf[..n]);
                    if got.windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
            }
        }
    })
    .await;
    if read.is_err() {
        bail!("no answer and no close within {QUICK:?}");
    }
    writer.abort();
    let text = String::from_utf8_lossy(&got);
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|r| r.get(..3))
        .and_then(|c| c.parse().ok());
    Ok((status, started.elapsed()))
}

fn post_head(addr: SocketAddr, signature: &str, content_length: usize, extra: &str) -> String {
    format!(
        "POST /webhooks HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Stripe-Signature: {signature}\r\nContent-Length: {content_length}\r\n{extra}\r\n"
    )
}

/// Too many `v1` entries (just over the cap, 100) get 400 before any
/// hashing; 1,000 and 5,000 entries (68 KB and 340 KB of header) and a
/// 64 KiB junk header are over the header limit: 431. Each with a 1 MiB body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signature_and_header_floods_are_refused_while_signed_deliveries_commit() -> Result<()> {
    let s = start(ServerLimits::default()).await?;
    let addr = s.addr;
    let signed = tokio::spawn(async move { signed_deliveries(addr, 30, "flood").await });
    let body = vec![b'{'; MIB];
    let cases = [
        (
            v1_entries(stripe_sync::webhook::MAX_V1_SIGNATURES + 1),
            String::new(),
            400,
        ),
        (v1_entries(100), String::new(), 400),
        (v1_entries(1_000), String::new(), 431),
        (v1_entries(5_000), String::new(), 431),
        (
            v1_entries(1),
            format!("X-Junk: {}\r\n", "a".repeat(64 * 1024)),
            431,
        ),
    ];
    let mut tasks = Vec::new();
    for (sig, extra, want) in cases {
        let (head, body) = (post_head(addr, &sig, body.len(), &extra), body.clone());
        let entries = sig.matches("v1=").count();
        tasks.push(tokio::spawn(async move {
            let (status, took) = raw_request(addr, head, body).await?;
            anyhow::ensure!(
                status == Some(want),
                "{entries} v1 entries, {} header bytes: got {status:?}, want {want}",
                extra.len()
            );
            anyhow::ensure!(took < QUICK, "refused after {took:?}");
            Ok::<_, anyhow::Error>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let ids = signed.await??;
    assert_committed(&s, &ids).await?;
    let metrics = s.metrics.render();
    assert!(metrics.contains("outcome=\"bad_signature\""), "{metrics}");
    s.finish().await
}

/// Slow senders are cut off: a client that never finishes its headers (or
/// never sends any) is disconnected after the header timeout; one that sends
/// 1,000,000 of a declared 1,048,000 body bytes and goes quiet gets 408 at
/// the body timeout. 40 concurrent 1 MiB unsigned bodies get 400 and never
/// hold more than the in-flight budget. Signed deliveries commit meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_senders_are_cut_off_and_bodies_stay_within_the_budget() -> Result<()> {
    let limits = ServerLimits {
        // Short enough for a quick test, long enough that the 40 honest-speed
        // bodies below get budget and finish well within it on a loaded machine.
        header_timeout: Duration::from_secs(1),
        body_timeout: Duration::from_secs(5),
        max_body_bytes_in_flight: 4 * MIB,
        ..ServerLimits::default()
    };
    let s = start(limits.clone()).await?;
    let addr = s.addr;
    let signed = tokio::spawn(async move { signed_deliveries(addr, 30, "slow").await });

    // Headers that never end, and a connection that sends nothing.
    let mut quiet = Vec::new();
    for partial in ["POST /webhooks HTTP/1.1\r\nHost: x\r\nStripe-Sig", ""] {
        quiet.push(tokio::spawn(async move {
            let started = Instant::now();
            let mut c = TcpStream::connect(addr).await?;
            c.write_all(partial.as_bytes()).await?;
            let mut buf = [0u8; 256];
            let closed = tokio::time::timeout(QUICK, async {
                loop {
                    match c.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                }
            })
            .await;
            anyhow::ensure!(
                closed.is_ok(),
                "{partial:?}: the server kept a silent connection open for {QUICK:?}"
            );
            Ok::<_, anyhow::Error>(started.elapsed())
        }));
    }

    // A body that stops short of its declared length.
    let slow_body = tokio::spawn(async move {
        let head = post_head(addr, &v1_entries(1), 1_048_000, "");
        raw_request(addr, head, vec![b' '; 1_000_000]).await
    });

    // 40 full-speed 1 MiB bodies with a well-formed but wrong signature.
    let http = reqwest::Client::new();
    let mut floods = Vec::new();
    for _ in 0..40 {
        let http = http.clone();
        floods.push(tokio::spawn(async move {
            let r = http
                .post(format!("http://{addr}/webhooks"))
                .header("Stripe-Signature", v1_entries(1))
                .body(vec![b' '; MIB])
                .send()
                .await?;
            Ok::<_, anyhow::Error>(r.status().as_u16())
        }));
    }

    for q in quiet {
        let took = q.await??;
        assert!(took < QUICK, "a silent connection lasted {took:?}");
    }
    let (status, took) = slow_body.await??;
    assert_eq!(status, Some(408), "a body that stopped short");
    assert!(took < QUICK, "the short body was answered after {took:?}");
    for f in floods {
        assert_eq!(f.await??, 400, "an unsigned 1 MiB body");
    }
    let ids = signed.await??;
    assert_committed(&s, &ids).await?;

    let peak = budget(&s, "peak").await?;
    assert_eq!(budget(&s, "in_use").await?, 0, "budget still held");
    assert!(
        peak > 0 && peak <= limits.max_body_bytes_in_flight,
        "body bytes in flight peaked at {peak}, budget {}",
        limits.max_body_bytes_in_flight
    );
    s.finish().await
}

/// One value of the `stripe_sync_webhook_body_budget_bytes` gauge from
/// `/metrics`.
async fn budget(s: &Server, state: &str) -> Result<usize> {
    let text = reqwest::get(format!("http://{}/metrics", s.addr))
        .await?
        .text()
        .await?;
    let key = format!("stripe_sync_webhook_body_budget_bytes{{state=\"{state}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&key))
        .and_then(|v| v.trim().parse().ok())
        .with_context(|| format!("no {key} in /metrics: {text}"))
}

/// At the connection cap the server stops accepting: a request on one more
/// connection is answered only after one of the connections holding the
/// cap has been closed (here, by the header timeout).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_wait_to_be_accepted() -> Result<()> {
    let limits = ServerLimits {
        max_connections: 4,
        header_timeout: Duration::from_millis(800),
        ..ServerLimits::default()
    };
    let s = start(limits).await?;
    let addr = s.addr;
    // Four connections that say nothing hold the cap until the timeout.
    let mut holders = Vec::new();
    for _ in 0..4 {
        holders.push(TcpStream::connect(addr).await?);
    }
    // A fifth connection's request waits in the backlog until one of them is
    // closed: the server closes it before it accepts the next, so when the
    // fifth is answered, that close (a FIN over loopback) has arrived.
    let head = format!("GET /health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let (status, _) = raw_request(addr, head, Vec::new()).await?;
    assert_eq!(status, Some(200));
    let mut buf = [0u8; 64];
    let closed = holders
        .iter()
        .filter(|h| !matches!(h.try_read(&mut buf), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock))
        .count();
    assert!(
        closed >= 1,
        "the fifth connection was served while four connections held the cap of 4"
    );
    s.finish().await
}
