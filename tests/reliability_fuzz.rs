//! Hostile input on the webhook path, with proptest: the `Stripe-Signature`
//! parser and verifier, JSON bodies, event shapes and sizes.
//!
//! Properties:
//! - nothing panics;
//! - nothing is written unless the signature is valid (and within the
//!   replay window);
//! - a validly signed body that is not an event is refused and recorded in
//!   `_webhook_rejections` with its reason;
//! - a validly signed event of any shape is either recorded in the ledger
//!   or rejected with a reason, never a database error (hostile ids and
//!   types are bound parameters, not SQL);
//! - bodies over the limit are refused (413): read to their end (so that the
//!   sender sees the answer) but not kept, and nothing is written;
//! - the SQL path (`stripe_sync.process_webhook`, in a database of its own, fed
//!   every delivery in the same order) answers each one as the Rust path
//!   does: the same refusal, the same rejection, the same outcome.
//!
//! The fast tests run a few thousand cases; the `#[ignore]`d `*_long` ones
//! (run by `.ci/run`) run far more. `RELIABILITY_FUZZ_CASES` overrides the
//! database-level count.

use crate::support;

use crate::rsupport;

use std::time::Duration;

use crate::runtime_sql_events::{process_webhook, SqlAnswer};
use anyhow::Result;
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::test_runner::{Config as PtConfig, TestCaseError, TestRunner};
use serde_json::{json, Map, Value};
use sqlx::PgPool;
use stripe_sync::webhook::{parse_signature_header, sign, verify_signature};
use stripe_sync::{Error, WebhookError};
use stripe_sync_simulator::SimConfig;
use stripe_sync_tests::TestDb;
use support::{env, env_with_account, fixtures, Env};

const SECRET: &str = "whsec_fuzz_secret";
const TOL: Duration = Duration::from_secs(300);
const NOW: i64 = 1_800_000_000;

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(PtConfig {
        cases,
        failure_persistence: None,
        ..PtConfig::default()
    })
}

/// Headers: arbitrary text, text over the header's own alphabet, and
/// well-formed headers with wrong or garbled signatures.
fn header_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[tv01=,; a-fA-F0-9xX\\-+]{0,160}",
        (
            any::<i64>(),
            vec("[0-9a-fA-F]{0,80}", 0..4),
            vec("[a-z0-9]{1,3}=[^,]{0,10}", 0..3)
        )
            .prop_map(|(t, sigs, junk)| {
                let mut parts = vec![format!("t={t}")];
                parts.extend(sigs.into_iter().map(|s| format!("v1={s}")));
                parts.extend(junk);
                parts.join(",")
            }),
    ]
}

fn check_header_never_accepts_a_forgery(runner: &mut TestRunner) {
    runner
        .run(
            &(header_strategy(), vec(any::<u8>(), 0..256)),
            |(header, body)| {
                let _ = parse_signature_header(&header);
                let r = verify_signature(&body, &header, &[SECRET.into()], TOL, NOW);
                // A random header can only pass by carrying the real signature.
                if r.is_ok() {
                    let p = parse_signature_header(&header).unwrap();
                    let real = hex_decode(&sign(&body, p.timestamp, SECRET));
                    prop_assert!(p.v1.contains(&real), "accepted a forgery: {header:?}");
                }
                Ok(())
            },
        )
        .unwrap();
}

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// A valid signature passes exactly when it is inside the replay window,
/// whatever else the header holds; any change to the body, the timestamp or
/// the signature fails it.
fn check_valid_signatures_and_the_replay_window(runner: &mut TestRunner) {
    runner
        .run(
            &(
                vec(any::<u8>(), 0..512),
                -1_000i64..1_000,
                // Other schemes and keys, which must be ignored (`t` and
                // `v1` are the header's own: a second `t` replaces the first).
                vec("(v0|v2|x|ts|sig|k9)=[^,]{0,10}", 0..3),
                any::<prop::sample::Index>(),
                any::<u8>(),
            ),
            |(body, offset, junk, at, flip)| {
                let t = NOW + offset;
                let sig = sign(&body, t, SECRET);
                let mut parts = vec![format!("t={t}"), format!("v1={sig}")];
                parts.extend(junk);
                let header = parts.join(" , ");
                let r = verify_signature(&body, &header, &[SECRET.into()], TOL, NOW);
                if offset.unsigned_abs() <= TOL.as_secs() {
                    prop_assert_eq!(r, Ok(()));
                } else {
                    let outside = matches!(r, Err(WebhookError::TimestampOutsideTolerance { .. }));
                    prop_assert!(outside, "{:?}", r);
                }
                // Tampering with the body.
                if !body.is_empty() && flip != 0 {
                    let mut b = body.clone();
                    let i = at.index(b.len());
                    b[i] ^= flip;
                    let r = verify_signature(&b, &header, &[SECRET.into()], TOL, NOW);
                    prop_assert_eq!(r, Err(WebhookError::SignatureMismatch));
                }
                // Replaying the signature under another timestamp.
                let moved = format!("t={},v1={sig}", t + 1);
                let r = verify_signature(&body, &moved, &[SECRET.into()], TOL, NOW);
                prop_assert_eq!(r, Err(WebhookError::SignatureMismatch));
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn signature_header_fuzz() {
    check_header_never_accepts_a_forgery(&mut runner(5_000));
    check_valid_signatures_and_the_replay_window(&mut runner(5_000));
}

#[test]
#[ignore = "long fuzz: run by .ci/run with --ignored"]
fn signature_header_fuzz_long() {
    check_header_never_accepts_a_forgery(&mut runner(100_000));
    check_valid_signatures_and_the_replay_window(&mut runner(100_000));
}

/// Arbitrary JSON, a few levels deep. Strings exclude NUL: PostgreSQL's
/// `jsonb` and `text` cannot hold it, and Stripe never sends it.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e15f64..1e15).prop_map(Value::from),
        "[^\\x00]{0,24}".prop_map(Value::from),
        hostile_string().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 32, 5, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(Value::Array),
            btree_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// Strings meant to break SQL built by hand, paths and parsers.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("x'; DROP TABLE stripe.customers; --".to_string()),
        Just("\"; DELETE FROM stripe_sync.events; --".to_string()),
        Just("../../etc/passwd".to_string()),
        Just("cus_\u{202e}evil".to_string()),
        Just("𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃ \u{feff}".to_string()),
        Just("a".repeat(5_000)),
        Just("%s%n%x{}{0}$1".to_string()),
        "[a-z]{2,8}_[A-Za-z0-9'\";\\\\-]{0,20}",
    ]
}

fn object_strategy() -> impl Strategy<Value = Value> {
    let known = prop::sample::select(
        stripe_sync_generated::RESOURCES
            .iter()
            .map(|r| r.object)
            .collect::<Vec<_>>(),
    );
    (
        prop_oneof![
            known.prop_map(String::from),
            hostile_string(),
            "[a-z_.]{1,20}"
        ],
        prop_oneof![
            hostile_string(),
            "[a-z]{2,5}_[A-Za-z0-9]{1,24}",
            Just(String::new())
        ],
        btree_map("[a-z_]{1,16}", json_value(), 0..8),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(object, id, fields, with_id, deleted)| {
            let mut m: Map<String, Value> = fields.into_iter().collect();
            m.insert("object".into(), json!(object));
            if with_id {
                m.insert("id".into(), json!(id));
            }
            if deleted {
                m.insert("deleted".into(), json!(true));
            }
            Value::Object(m)
        })
}

fn event_strategy() -> impl Strategy<Value = Value> {
    let types = prop::sample::select(
        stripe_sync_generated::EVENT_TYPES
            .iter()
            .map(|t| t.name)
            .collect::<Vec<_>>(),
    );
    (
        prop_oneof!["evt_[A-Za-z0-9]{4,24}", hostile_string()],
        prop_oneof![types.prop_map(String::from), hostile_string()],
        prop_oneof![(0i64..4_000_000_000).prop_map(Value::from), json_value()],
        prop_oneof![
            4 => object_strategy().prop_map(|o| json!({"object": o})),
            1 => json_value(),
        ],
        prop_oneof![
            Just(None),
            hostile_string().prop_map(Some),
            Just(Some("acct_1Fuzz".to_string()))
        ],
        btree_map("[a-z_]{1,12}", json_value(), 0..3),
        0u8..8,
    )
        .prop_map(|(id, ty, created, data, account, extra, drop)| {
            let mut m: Map<String, Value> = extra.into_iter().collect();
            m.insert("id".into(), json!(id));
            m.insert("object".into(), json!("event"));
            m.insert("type".into(), json!(ty));
            m.insert("created".into(), created);
            m.insert("data".into(), data);
            if let Some(a) = account {
                m.insert("account".into(), json!(a));
            }
            // Sometimes a required field is missing.
            match drop {
                0 => {
                    m.remove("id");
                }
                1 => {
                    m.remove("type");
                }
                2 => {
                    m.remove("data");
                }
                _ => {}
            }
            Value::Object(m)
        })
}

/// One delivery the fuzzer makes.
#[derive(Debug, Clone)]
enum Delivery {
    /// A well-formed event whose signature is wrong, tampered, stale or
    /// missing: nothing may be written.
    Forged {
        event: Value,
        header: String,
        how: &'static str,
    },
    /// Validly signed bytes that may not be JSON at all.
    SignedBytes(Vec<u8>),
    /// A validly signed JSON value of any shape.
    SignedEvent(Value),
}

fn delivery_strategy() -> impl Strategy<Value = Delivery> {
    let forged = (
        "[A-Za-z0-9]{6,16}",
        0u8..5,
        header_strategy(),
        -100_000i64..-301,
    )
        .prop_map(|(n, how, junk_header, stale)| {
            let now = chrono::Utc::now().timestamp();
            let event = json!({"id": format!("evt_forged_{n}"), "object": "event",
                "type": "customer.created", "created": now,
                "data": {"object": {"id": format!("cus_forged_{n}"), "object": "customer"}}});
            let body = serde_json::to_vec(&event).unwrap();
            let (header, how) = match how {
                0 => (
                    format!("t={now},v1={}", sign(&body, now, "whsec_wrong")),
                    "wrong secret",
                ),
                1 => {
                    let other = serde_json::to_vec(&json!({"id": "evt_other"})).unwrap();
                    (
                        format!("t={now},v1={}", sign(&other, now, SECRET)),
                        "signature of another body",
                    )
                }
                2 => (
                    format!("t={},v1={}", now + stale, sign(&body, now + stale, SECRET)),
                    "replayed outside the window",
                ),
                3 => (String::new(), "no header"),
                _ => (junk_header, "junk header"),
            };
            Delivery::Forged { event, header, how }
        });
    prop_oneof![
        2 => forged,
        2 => vec(any::<u8>().prop_filter("NUL", |b| *b != 0), 0..400).prop_map(Delivery::SignedBytes),
        1 => json_value().prop_map(|v| Delivery::SignedBytes(serde_json::to_vec(&v).unwrap())),
        5 => event_strategy().prop_map(Delivery::SignedEvent),
    ]
}

async fn counts(e: &Env) -> Result<(i64, i64)> {
    pool_counts(&e.db.pool).await
}

async fn pool_counts(pool: &PgPool) -> Result<(i64, i64)> {
    Ok(sqlx::query_as(
        // A body rejected again is counted on its row.
        "SELECT (SELECT count(*) FROM stripe_sync.events), (SELECT coalesce(sum(count), 0)::bigint FROM stripe_sync.webhook_rejections)",
    )
    .fetch_one(pool)
    .await?)
}

/// The same delivery through `stripe_sync.process_webhook`; `rust` is what the
/// Rust path answered: a refusal (`None`), a rejection (`Some(None)`) or an
/// outcome (`Some(Some(outcome))`).
async fn same_on_sql(
    sql: &PgPool,
    body: &[u8],
    header: &str,
    rust: Option<Option<&str>>,
) -> Result<(), TestCaseError> {
    let fail = |m: String| TestCaseError::fail(m);
    let before = pool_counts(sql).await.map_err(|x| fail(x.to_string()))?;
    let answer = process_webhook(sql, body, header)
        .await
        .map_err(|x| fail(x.to_string()))?;
    let after = pool_counts(sql).await.map_err(|x| fail(x.to_string()))?;
    match rust {
        None => {
            // PostgreSQL text holds no NUL (nor can an HTTP header): such a
            // header is refused before the function runs.
            let nul = header.contains('\0');
            prop_assert!(
                matches!(&answer, SqlAnswer::Raised(code, _) if code == "SW401" || (nul && code == "22021")),
                "refused by Rust, SQL answered {:?}",
                answer
            );
            prop_assert_eq!(before, after, "the SQL path wrote a refused delivery");
        }
        Some(None) => {
            prop_assert!(
                matches!(&answer, SqlAnswer::Outcome(o) if o.starts_with("rejected: ")),
                "rejected by Rust, SQL answered {:?}",
                answer
            );
            prop_assert_eq!(after, (before.0, before.1 + 1));
        }
        Some(Some(outcome)) => {
            prop_assert_eq!(
                &answer,
                &SqlAnswer::Outcome(outcome.to_string()),
                "Rust answered {}",
                outcome
            );
            prop_assert_eq!(after.1, before.1);
        }
    }
    Ok(())
}

/// What the fuzz run saw.
#[derive(Default, Debug)]
struct Tally {
    cases: u32,
    forged: u32,
    rejected: u32,
    recorded: u32,
}

async fn one_delivery(
    e: &Env,
    sql: &PgPool,
    d: &Delivery,
    tally: &mut Tally,
) -> Result<(), TestCaseError> {
    let fail = |m: String| TestCaseError::fail(m);
    let before = counts(e).await.map_err(|x| fail(x.to_string()))?;
    tally.cases += 1;
    match d {
        Delivery::Forged { event, header, how } => {
            tally.forged += 1;
            let body = serde_json::to_vec(event).unwrap();
            let r = e.sync.process_webhook(&body, header).await;
            let refused = matches!(&r, Err(Error::Webhook(w)) if !matches!(w, WebhookError::InvalidPayload(_)));
            prop_assert!(refused, "{how}: {r:?}");
            same_on_sql(sql, &body, header, None).await?;
            let after = counts(e).await.map_err(|x| fail(x.to_string()))?;
            prop_assert_eq!(before, after, "{} wrote something", how);
            let id = event["data"]["object"]["id"].as_str().unwrap();
            let n: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe.customers WHERE id = $1")
                .bind(id)
                .fetch_one(&e.db.pool)
                .await
                .map_err(|x| fail(x.to_string()))?;
            prop_assert_eq!(n, 0);
        }
        Delivery::SignedBytes(body) => {
            let header = rsupport::signed_now(body, SECRET);
            let r = e.sync.process_webhook(body, &header).await;
            let rust = rust_answer(&r);
            check_signed_outcome(e, r, before, tally).await?;
            same_on_sql(sql, body, &header, Some(rust.as_deref())).await?;
        }
        Delivery::SignedEvent(ev) => {
            let body = serde_json::to_vec(ev).unwrap();
            let header = rsupport::signed_now(&body, SECRET);
            let r = e.sync.process_webhook(&body, &header).await;
            let rust = rust_answer(&r);
            check_signed_outcome(e, r, before, tally).await?;
            same_on_sql(sql, &body, &header, Some(rust.as_deref())).await?;
        }
    }
    Ok(())
}

/// The Rust path's answer to a signed delivery, as [`same_on_sql`] takes
/// it: the outcome, or `None` for a rejection.
fn rust_answer(r: &stripe_sync::Result<stripe_sync::WebhookOutcome>) -> Option<String> {
    r.as_ref()
        .ok()
        .map(|o| o.event.outcome.as_str().to_string())
}

/// A validly signed body ends as a ledger row (accepted) or a rejection row
/// with its reason: never a database error, never silence.
async fn check_signed_outcome(
    e: &Env,
    r: stripe_sync::Result<stripe_sync::WebhookOutcome>,
    before: (i64, i64),
    tally: &mut Tally,
) -> Result<(), TestCaseError> {
    let fail = |m: String| TestCaseError::fail(m);
    let after = counts(e).await.map_err(|x| fail(x.to_string()))?;
    match r {
        Ok(out) => {
            tally.recorded += 1;
            let id = out.event.event_id.clone();
            let n: i64 =
                sqlx::query_scalar("SELECT count(*) FROM stripe_sync.events WHERE id = $1")
                    .bind(&id)
                    .fetch_one(&e.db.pool)
                    .await
                    .map_err(|x| fail(x.to_string()))?;
            prop_assert_eq!(n, 1, "event {:?} acknowledged but not in the ledger", id);
            prop_assert_eq!(after.1, before.1);
        }
        Err(Error::Webhook(WebhookError::InvalidPayload(why))) => {
            tally.rejected += 1;
            prop_assert!(!why.is_empty());
            prop_assert_eq!(
                after,
                (before.0, before.1 + 1),
                "rejection not recorded: {}",
                why
            );
            let last: String = sqlx::query_scalar(
                "SELECT reason FROM stripe_sync.webhook_rejections ORDER BY last_received_at DESC, id DESC LIMIT 1",
            )
            .fetch_one(&e.db.pool)
            .await
            .map_err(|x| fail(x.to_string()))?;
            prop_assert_eq!(last, why);
        }
        Err(other) => return Err(fail(format!("signed delivery failed: {other:?}"))),
    }
    Ok(())
}

fn fuzz_webhook_path(default_cases: u32) -> Result<()> {
    let cases = std::env::var("RELIABILITY_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    // The account known up front, on both paths: events naming none are
    // applied as the account's (with none known, the Rust path would learn
    // it from the API in the background, which SQL cannot).
    let e = rt.block_on(env_with_account(SimConfig::new(fixtures()), |c| {
        c.stripe_webhook_secret = Some(SECRET.into())
    }))?;
    let account = rt.block_on(e.sync.account_id())?;
    // The SQL path's database: migrated, the same secret, for the same account.
    let sql = rt.block_on(TestDb::new())?;
    rt.block_on(async {
        stripe_sync::sync::migrate(&sql.pool).await?;
        sqlx::query("SELECT stripe_sync.add_webhook_secret($1, $2)")
            .bind(SECRET)
            .bind(&account)
            .execute(&sql.pool)
            .await?;
        Ok::<_, anyhow::Error>(())
    })?;
    let tally = std::cell::RefCell::new(Tally::default());
    let result = runner(cases).run(&delivery_strategy(), |d| {
        rt.block_on(one_delivery(&e, &sql.pool, &d, &mut tally.borrow_mut()))
    });
    let tally = tally.into_inner();
    // The data tables hold nothing a forged delivery carried.
    let forged: i64 = rt.block_on(
        sqlx::query_scalar("SELECT count(*) FROM stripe.customers WHERE id LIKE 'cus_forged_%'")
            .fetch_one(&e.db.pool),
    )?;
    println!(
        "webhook fuzz: {} cases ({} forged, {} signed and recorded, {} signed and rejected)",
        tally.cases, tally.forged, tally.recorded, tally.rejected
    );
    rt.block_on(e.finish())?;
    rt.block_on(sql.drop_db())?;
    result.map_err(|x| anyhow::anyhow!("{x}"))?;
    assert_eq!(forged, 0);
    assert!(
        tally.forged > 0 && tally.recorded > 0 && tally.rejected > 0,
        "{tally:?}"
    );
    Ok(())
}

#[test]
fn webhook_path_fuzz() -> Result<()> {
    fuzz_webhook_path(600)
}

#[test]
#[ignore = "long fuzz: run by .ci/run with --ignored"]
fn webhook_path_fuzz_long() -> Result<()> {
    fuzz_webhook_path(10_000)
}

/// Bodies around the size limit through the real server: one byte over is
/// refused with 413 and leaves no trace; at the limit the body is read (and,
/// not being an event, rejected with a reason).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_are_refused_at_the_limit() -> Result<()> {
    let e = env(SimConfig::new(fixtures()), |c| {
        c.stripe_webhook_secret = Some(SECRET.into())
    })
    .await?;
    let (addr, _stop) = rsupport::start_server(e.sync.clone()).await?;
    let url = format!("http://{addr}/webhooks");
    let limit = stripe_sync::server::DEFAULT_MAX_BODY_BYTES;
    for (size, want) in [
        (limit + 1, 413),
        (limit * 4, 413),
        (limit, 400),
        (limit - 1, 400),
    ] {
        let body = vec![b' '; size];
        let r = reqwest::Client::new()
            .post(&url)
            .header("stripe-signature", rsupport::signed_now(&body, SECRET))
            .body(body)
            .send()
            .await?;
        assert_eq!(r.status().as_u16(), want, "{size} bytes");
    }
    let (events, rejections) = counts(&e).await?;
    assert_eq!(events, 0);
    assert_eq!(
        rejections, 2,
        "the two bodies within the limit are recorded"
    );
    e.finish().await
}
