//! Hostile clients against `serve` (issues 13 and 27): many `v1` entries,
//! huge headers, slow senders, many concurrent 1 MiB bodies, more
//! connections than the cap, on `/webhooks`, on the admin routes (with the
//! admin API disabled and enabled, without a key and with a wrong one), on
//! the public routes and on unknown paths. Each is refused with its
//! documented status (or a closed connection) well within a generous bound,
//! and signed deliveries sent at the same time are all answered 200 and are
//! in `_events`.
//!
//! Nothing here waits for the clock: every wait is for an event (an answer, a
//! closed connection) under an upper bound that fails with a message.

use crate::support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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
const ADMIN_KEY: &str = "admin_key_hostile_tests";
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

async fn start(limits: ServerLimits, admin_key: Option<&str>) -> Result<Server> {
    let env = env(SimConfig::new(fixtures()), |c| {
        c.stripe_webhook_secret = Some(SECRET.into())
    })
    .await?;
    let metrics = Arc::new(Metrics::new());
    let state = Arc::new(AppState {
        sync: env.sync.clone(),
        admin_key: admin_key.map(String::from),
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
    // The timeout only turns a delivery the server never answers into a failure.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(QUICK)
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
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe_sync.events WHERE id = ANY($1)")
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
/// took. With `until_closed`, it reads on after the answer until the server
/// closes the connection (the client never ends its side: the body it
/// declared may be unfinished), and fails if the server holds it open.
async fn raw_request(
    addr: SocketAddr,
    head: String,
    body: Vec<u8>,
    until_closed: bool,
) -> Result<(Option<u16>, Duration)> {
    let started = Instant::now();
    let stream = TcpStream::connect(addr).await?;
    let (mut rd, mut wr) = stream.into_split();
    let writer = tokio::spawn(async move {
        // One write: the server has the head and the body's first bytes
        // together. It may close while we write: that is its answer, not an
        // error. The write half is returned, not dropped, so no FIN is sent.
        let _ = wr.write_all(&[head.into_bytes(), body].concat()).await;
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
                    if !until_closed && got.windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
            }
        }
    })
    .await;
    writer.abort();
    if read.is_err() {
        let wanted = if until_closed {
            "no close"
        } else {
            "no answer and no close"
        };
        bail!(
            "{wanted} within {QUICK:?}; answer so far: {:?}",
            String::from_utf8_lossy(&got[..got.len().min(200)])
        );
    }
    let text = String::from_utf8_lossy(&got);
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|r| r.get(..3))
        .and_then(|c| c.parse().ok());
    Ok((status, started.elapsed()))
}

/// A request head: `request` is the method and path (`"POST /webhooks"`),
/// `extra` more header lines, each ending in CRLF.
fn head(addr: SocketAddr, request: &str, content_length: usize, extra: &str) -> String {
    format!(
        "{request} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {content_length}\r\n{extra}\r\n"
    )
}

/// Too many `v1` entries (just over the cap, 100) get 400 before any
/// hashing; 1,000 and 5,000 entries (68 KB and 340 KB of header) and a
/// 64 KiB junk header are over the header limit: 431. Each with a 1 MiB body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signature_and_header_floods_are_refused_while_signed_deliveries_commit() -> Result<()> {
    let s = start(ServerLimits::default(), None).await?;
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
        let head = head(
            addr,
            "POST /webhooks",
            body.len(),
            &format!("Stripe-Signature: {sig}\r\n{extra}"),
        );
        let (body, entries) = (body.clone(), sig.matches("v1=").count());
        tasks.push(tokio::spawn(async move {
            let (status, took) = raw_request(addr, head, body, false).await?;
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

/// Slow senders are cut off, on `/webhooks` and on an authorized `POST
/// /backfill` alike (they share the bounds): a client that never finishes
/// its headers (or never sends any) is disconnected after the header
/// timeout; one that sends 1,000,000 of a declared 1,048,000 body bytes and
/// goes quiet holds budget for them and gets 408 at the body timeout; a
/// body over the limit gets 413; 20 concurrent 1 MiB bodies on each route
/// (a wrong signature, invalid JSON) get 400 and never hold more than the
/// in-flight budget. Signed deliveries commit meanwhile.
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
    let s = start(limits.clone(), Some(ADMIN_KEY)).await?;
    let addr = s.addr;
    let signed = tokio::spawn(async move { signed_deliveries(addr, 30, "slow").await });
    // The routes that read a body, and the header that gets it read.
    let routes = [
        ("/webhooks", "Stripe-Signature", v1_entries(1)),
        ("/backfill", "Authorization", format!("Bearer {ADMIN_KEY}")),
    ];
    let post = |path: &str, name: &str, value: &str, content_length| {
        let header = format!("{name}: {value}\r\n");
        head(addr, &format!("POST {path}"), content_length, &header)
    };

    // A body that stops short of its declared length, on each route; both
    // hold budget for it until they are cut off.
    let mut short = Vec::new();
    for (path, name, value) in &routes {
        let head = post(path, name, value, 1_048_000);
        let request = raw_request(addr, head, vec![b' '; 1_000_000], false);
        short.push((*path, tokio::spawn(request)));
    }
    stripe_sync_tests::wait_for("both short bodies to hold budget", || async {
        Ok((budget(&s, "in_use").await? >= 2_000_000).then_some(()))
    })
    .await?;

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

    // On each route, a body over the limit, and 20 full-speed 1 MiB bodies
    // that are refused once read (a wrong signature, invalid JSON).
    let http = reqwest::Client::new();
    let (mut oversized, mut floods) = (Vec::new(), Vec::new());
    for (path, name, value) in &routes {
        let big = 2 * MIB;
        let request = raw_request(addr, post(path, name, value, big), vec![b'x'; big], false);
        oversized.push((*path, tokio::spawn(request)));
        for _ in 0..20 {
            let rq = http
                .post(format!("http://{addr}{path}"))
                .header(*name, value)
                .body(vec![b'x'; MIB]);
            floods.push((
                *path,
                tokio::spawn(
                    async move { Ok::<_, anyhow::Error>(rq.send().await?.status().as_u16()) },
                ),
            ));
        }
    }

    for q in quiet {
        let took = q.await??;
        assert!(took < QUICK, "a silent connection lasted {took:?}");
    }
    for (path, request) in short {
        let (status, took) = request.await??;
        assert_eq!(status, Some(408), "{path}: a body that stopped short");
        assert!(
            took < QUICK,
            "{path}: the short body was answered after {took:?}"
        );
    }
    for (path, request) in oversized {
        assert_eq!(
            request.await??.0,
            Some(413),
            "{path}: a body over the limit"
        );
    }
    for (path, f) in floods {
        assert_eq!(f.await??, 400, "{path}: a refused 1 MiB body");
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

/// Long enough never to pass during a test: what ends a connection in the
/// tests of unread bodies is the server not waiting for the body.
const NEVER: Duration = Duration::from_secs(3600);

/// Requests that declare a 1,000-byte body, send 10 bytes of it and go
/// quiet, on every route that does not read a body for them: the admin
/// routes without a key and with a wrong one, the public routes, an
/// unknown path. Each is answered at once and its connection closed,
/// without taking budget, though the header and body timeouts are an hour.
/// Then 64 such clients, 8 times the connection cap, each reconnecting as
/// soon as it is closed, run while signed deliveries are sent: every
/// delivery is answered 200 and is in `_events`.
async fn unread_bodies_hold_no_connection(admin_key: Option<&str>) -> Result<()> {
    let limits = ServerLimits {
        header_timeout: NEVER,
        body_timeout: NEVER,
        max_connections: 8,
        ..ServerLimits::default()
    };
    let s = start(limits, admin_key).await?;
    let addr = s.addr;
    let admin = if admin_key.is_some() { 401 } else { 404 };
    let mut cases = Vec::new();
    for auth in ["", "Authorization: Bearer wrong\r\n"] {
        for (request, want) in [
            ("POST /backfill", admin),
            ("POST /sync/customer", admin),
            ("GET /status", admin),
            ("POST /no/such/path", 404),
            ("GET /health", 200),
            ("GET /ready", 200),
            ("GET /metrics", 200),
        ] {
            cases.push((head(addr, request, 1_000, auth), want));
        }
    }
    // Each alone: its own answer, then the close.
    for (head, want) in &cases {
        let (status, _) = raw_request(addr, head.clone(), vec![b'{'; 10], true).await?;
        anyhow::ensure!(
            status == Some(*want),
            "{head:?}: got {status:?}, want {want}"
        );
    }
    assert_eq!(budget(&s, "peak").await?, 0, "an unread body took budget");

    let stop = Arc::new(AtomicBool::new(false));
    let started = Arc::new(AtomicUsize::new(0));
    let mut attackers = Vec::new();
    for i in 0..64 {
        let (head, want) = cases[i % cases.len()].clone();
        let (stop, started) = (stop.clone(), started.clone());
        attackers.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                started.fetch_add(1, Ordering::SeqCst);
                let (status, _) = raw_request(addr, head.clone(), vec![b'{'; 10], true).await?;
                // A server that closes just before the client reads may
                // reset the connection: closed, without the answer.
                anyhow::ensure!(
                    status.is_none() || status == Some(want),
                    "{head:?}: got {status:?}, want {want}"
                );
            }
            Ok::<_, anyhow::Error>(())
        }));
    }
    stripe_sync_tests::wait_for("every attacker's first request", || async {
        Ok((started.load(Ordering::SeqCst) >= 64).then_some(()))
    })
    .await?;
    let ids = signed_deliveries(addr, 10, "unread").await;
    stop.store(true, Ordering::SeqCst);
    // A delivery that failed is the outage this test is about: said first.
    let ids = ids?;
    for a in attackers {
        a.await??;
    }
    assert_committed(&s, &ids).await?;
    s.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unread_bodies_hold_no_connection_with_the_admin_api_disabled() -> Result<()> {
    unread_bodies_hold_no_connection(None).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unread_bodies_hold_no_connection_with_the_admin_api_enabled() -> Result<()> {
    unread_bodies_hold_no_connection(Some(ADMIN_KEY)).await
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
    let s = start(limits, None).await?;
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
    let (status, _) = raw_request(addr, head, Vec::new(), false).await?;
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
