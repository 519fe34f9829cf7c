//! Webhook signature verification (`Stripe-Signature`), done on the raw body
//! before anything is parsed or written.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::events::EventResult;

/// Why a webhook was rejected. Nothing is written for a rejected webhook
/// (except [`WebhookError::InvalidPayload`], whose validly signed body is
/// kept in `_webhook_rejections`).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WebhookError {
    /// No `Stripe-Signature` header (or an empty one).
    #[error("missing Stripe-Signature header")]
    MissingSignature,
    /// The header has no timestamp or no `v1` signature.
    #[error("malformed Stripe-Signature header")]
    MalformedSignature,
    /// No `v1` signature matches the body under any known secret.
    #[error("no signature matches the payload")]
    SignatureMismatch,
    /// The signature's timestamp is further from now than the tolerance.
    #[error("signature timestamp outside the tolerance ({age_secs} s away, tolerance {tolerance_secs} s)")]
    TimestampOutsideTolerance {
        /// How far the timestamp is from now, in seconds.
        age_secs: i64,
        /// The configured tolerance, in seconds.
        tolerance_secs: u64,
    },
    /// No webhook secret is configured and no managed webhook is stored.
    #[error("no webhook secret configured and no managed webhook stored")]
    NoSecret,
    /// The body is validly signed but is not an event.
    #[error("signed payload is not a Stripe event: {0}")]
    InvalidPayload(String),
}

/// What happened to a verified webhook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookOutcome {
    /// The event and what was done with it.
    pub event: EventResult,
}

/// A parsed `Stripe-Signature` header: `t=…,v1=…[,v1=…][,v0=…]`.
#[derive(Debug, PartialEq, Eq)]
pub struct SignatureHeader {
    /// The signing timestamp (unix seconds).
    pub timestamp: i64,
    /// Every `v1` signature, hex-decoded.
    pub v1: Vec<Vec<u8>>,
}

/// Parses a `Stripe-Signature` header. Unknown schemes (`v0`) are ignored;
/// signatures that are not hex are dropped.
pub fn parse_signature_header(header: &str) -> Result<SignatureHeader, WebhookError> {
    if header.trim().is_empty() {
        return Err(WebhookError::MissingSignature);
    }
    let mut timestamp = None;
    let mut v1 = Vec::new();
    for part in header.split(',') {
        let Some((k, v)) = part.trim().split_once('=') else {
            continue;
        };
        match k {
            "t" => timestamp = v.trim().parse::<i64>().ok(),
            "v1" => {
                if let Ok(sig) = hex::decode(v.trim()) {
                    v1.push(sig);
                }
            }
            _ => {}
        }
    }
    match timestamp {
        Some(timestamp) if !v1.is_empty() => Ok(SignatureHeader { timestamp, v1 }),
        _ => Err(WebhookError::MalformedSignature),
    }
}

/// Computes the `v1` signature of `body` signed at `timestamp` with `secret`
/// (HMAC-SHA256 over `"{t}.{body}"`), hex-encoded. Useful for tests and for
/// signing forwarded events.
pub fn sign(body: &[u8], timestamp: i64, secret: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Verifies `header` against `body` with any of `secrets` (several are
/// accepted during secret rotation), in constant time per comparison, and
/// checks the timestamp is within `tolerance` of `now` (unix seconds).
pub fn verify_signature(
    body: &[u8],
    header: &str,
    secrets: &[String],
    tolerance: Duration,
    now: i64,
) -> Result<(), WebhookError> {
    let parsed = parse_signature_header(header)?;
    if secrets.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    let ts = parsed.timestamp.to_string();
    let matched = secrets.iter().any(|secret| {
        parsed.v1.iter().any(|sig| {
            let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
                return false;
            };
            mac.update(ts.as_bytes());
            mac.update(b".");
            mac.update(body);
            mac.verify_slice(sig).is_ok()
        })
    });
    if !matched {
        return Err(WebhookError::SignatureMismatch);
    }
    let age = now.saturating_sub(parsed.timestamp);
    let tolerance_secs = tolerance.as_secs();
    if age.unsigned_abs() > tolerance_secs {
        return Err(WebhookError::TimestampOutsideTolerance {
            age_secs: age,
            tolerance_secs,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const BODY: &[u8] = br#"{"id":"evt_1","object":"event"}"#;
    const TOL: Duration = Duration::from_secs(300);

    #[test]
    fn valid_signature_passes() {
        let sig = sign(BODY, 1000, SECRET);
        let header = format!("t=1000,v1={sig}");
        assert_eq!(
            verify_signature(BODY, &header, &[SECRET.into()], TOL, 1100),
            Ok(())
        );
    }

    #[test]
    fn any_of_several_v1_and_secrets() {
        let sig = sign(BODY, 1000, SECRET);
        let header = format!("t=1000,v1={},v1={sig},v0=abc", "00".repeat(32));
        assert_eq!(
            verify_signature(
                BODY,
                &header,
                &["whsec_other".into(), SECRET.into()],
                TOL,
                1000
            ),
            Ok(())
        );
    }

    #[test]
    fn wrong_secret_tampered_body_old_timestamp_missing_header() {
        let sig = sign(BODY, 1000, SECRET);
        let header = format!("t=1000,v1={sig}");
        assert_eq!(
            verify_signature(BODY, &header, &["whsec_wrong".into()], TOL, 1000),
            Err(WebhookError::SignatureMismatch)
        );
        assert_eq!(
            verify_signature(
                br#"{"id":"evt_2","object":"event"}"#,
                &header,
                &[SECRET.into()],
                TOL,
                1000
            ),
            Err(WebhookError::SignatureMismatch)
        );
        assert!(matches!(
            verify_signature(BODY, &header, &[SECRET.into()], TOL, 1000 + 301),
            Err(WebhookError::TimestampOutsideTolerance { .. })
        ));
        assert!(matches!(
            verify_signature(BODY, &header, &[SECRET.into()], TOL, 1000 - 301),
            Err(WebhookError::TimestampOutsideTolerance { .. })
        ));
        assert_eq!(
            verify_signature(BODY, "", &[SECRET.into()], TOL, 1000),
            Err(WebhookError::MissingSignature)
        );
    }

    #[test]
    fn malformed_headers() {
        assert_eq!(
            parse_signature_header("t=1"),
            Err(WebhookError::MalformedSignature)
        );
        assert_eq!(
            parse_signature_header("v1=abcd"),
            Err(WebhookError::MalformedSignature)
        );
        assert_eq!(
            parse_signature_header("t=x,v1=abcd"),
            Err(WebhookError::MalformedSignature)
        );
        assert_eq!(
            parse_signature_header("t=1,v1=zz"),
            Err(WebhookError::MalformedSignature)
        );
        assert_eq!(
            parse_signature_header("garbage"),
            Err(WebhookError::MalformedSignature)
        );
        let h = parse_signature_header(" t=5 , v1=ab ,v1=cd").unwrap();
        assert_eq!(
            h,
            SignatureHeader {
                timestamp: 5,
                v1: vec![vec![0xab], vec![0xcd]]
            }
        );
    }

    #[test]
    fn signature_for_wrong_timestamp_fails() {
        let sig = sign(BODY, 1000, SECRET);
        let header = format!("t=1001,v1={sig}");
        assert_eq!(
            verify_signature(BODY, &header, &[SECRET.into()], TOL, 1001),
            Err(WebhookError::SignatureMismatch)
        );
    }
}
