//! Webhook signature verification (`Stripe-Signature`), done on the raw body
//! before anything is parsed or written.
//!
//! Whoever can reach a webhook endpoint can send anything, so what a request
//! costs before its signature is known to be good is bounded: the header is
//! refused unread past [`MAX_SIGNATURE_HEADER_BYTES`] and past
//! [`MAX_V1_SIGNATURES`] candidates, and each secret's MAC is computed once
//! however many candidates there are (one HMAC over the body per secret).

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::constant_time::constant_time_eq;
use crate::event_result::EventResult;

/// The longest `Stripe-Signature` header looked at, in bytes. Stripe's is
/// about 150 bytes (a timestamp and one or two signatures).
pub const MAX_SIGNATURE_HEADER_BYTES: usize = 4096;

/// The most `v1` signatures a header may carry. Stripe sends one, or two
/// while a secret is being rolled.
pub const MAX_V1_SIGNATURES: usize = 8;

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
    /// The header is longer than [`MAX_SIGNATURE_HEADER_BYTES`]; refused
    /// before it is parsed.
    #[error(
        "Stripe-Signature header of {bytes} bytes, over the limit of {MAX_SIGNATURE_HEADER_BYTES}"
    )]
    SignatureHeaderTooLarge {
        /// The header's length.
        bytes: usize,
    },
    /// The header carries more than [`MAX_V1_SIGNATURES`] `v1` signatures;
    /// refused before any hashing.
    #[error("Stripe-Signature header with more than {MAX_V1_SIGNATURES} v1 signatures")]
    TooManySignatures,
    /// The body is longer than the limit; refused before any hashing.
    #[error("webhook body of {bytes} bytes, over the limit of {limit}")]
    PayloadTooLarge {
        /// The body's length.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
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
/// signatures that are not hex are dropped. A header over
/// [`MAX_SIGNATURE_HEADER_BYTES`] or with more than [`MAX_V1_SIGNATURES`]
/// `v1` entries (hex or not) is refused.
pub fn parse_signature_header(header: &str) -> Result<SignatureHeader, WebhookError> {
    if header.len() > MAX_SIGNATURE_HEADER_BYTES {
        return Err(WebhookError::SignatureHeaderTooLarge {
            bytes: header.len(),
        });
    }
    if header.trim().is_empty() {
        return Err(WebhookError::MissingSignature);
    }
    let mut v1_entries = 0usize;
    let mut timestamp = None;
    let mut v1 = Vec::new();
    for part in header.split(',') {
        let Some((k, v)) = part.trim().split_once('=') else {
            continue;
        };
        match k {
            "t" => timestamp = v.trim().parse::<i64>().ok(),
            "v1" => {
                v1_entries += 1;
                if v1_entries > MAX_V1_SIGNATURES {
                    return Err(WebhookError::TooManySignatures);
                }
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
///
/// The header is parsed (and refused when over its limits) before any
/// hashing; then each secret's MAC over the body is computed once and
/// compared with every `v1` candidate, so the work is one HMAC per secret
/// whatever the header holds.
pub fn verify_signature(
    body: &[u8],
    header: &str,
    secrets: &[String],
    tolerance: Duration,
    now: i64,
) -> Result<(), WebhookError> {
    verify_parsed(
        body,
        &parse_signature_header(header)?,
        secrets,
        tolerance,
        now,
    )
}

/// [`verify_signature`] for a header already parsed (and so already within
/// its limits) by [`parse_signature_header`].
pub fn verify_parsed(
    body: &[u8],
    parsed: &SignatureHeader,
    secrets: &[String],
    tolerance: Duration,
    now: i64,
) -> Result<(), WebhookError> {
    verify_which(body, parsed, secrets, tolerance, now).map(|_| ())
}

/// [`verify_parsed`], returning the index of the first secret that signed
/// the body (which endpoint, and so which account, it came from).
pub fn verify_which(
    body: &[u8],
    parsed: &SignatureHeader,
    secrets: &[String],
    tolerance: Duration,
    now: i64,
) -> Result<usize, WebhookError> {
    if secrets.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    let ts = parsed.timestamp.to_string();
    let matched = secrets.iter().position(|secret| {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
            return false;
        };
        mac.update(ts.as_bytes());
        mac.update(b".");
        mac.update(body);
        let expected = mac.finalize().into_bytes();
        // Every candidate is compared (no early exit), each in constant time.
        parsed
            .v1
            .iter()
            .fold(false, |found, sig| found | constant_time_eq(&expected, sig))
    });
    let Some(index) = matched else {
        return Err(WebhookError::SignatureMismatch);
    };
    let age = now.saturating_sub(parsed.timestamp);
    let tolerance_secs = tolerance.as_secs();
    if age.unsigned_abs() > tolerance_secs {
        return Err(WebhookError::TimestampOutsideTolerance {
            age_secs: age,
            tolerance_secs,
        });
    }
    Ok(index)
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
    fn header_limits_are_refused_before_hashing() {
        let sig = sign(BODY, 1000, SECRET);
        // Stripe's own shapes: one signature, or two during a secret roll.
        let rolled = format!("t=1000,v1={},v1={sig}", "00".repeat(32));
        assert_eq!(
            verify_signature(BODY, &rolled, &[SECRET.into()], TOL, 1000),
            Ok(())
        );
        // The most candidates allowed, the real one last, still verify.
        let mut parts = vec!["t=1000".to_string()];
        parts.extend((1..MAX_V1_SIGNATURES).map(|_| format!("v1={}", "11".repeat(32))));
        parts.push(format!("v1={sig}"));
        let at_cap = parts.join(",");
        assert_eq!(
            verify_signature(BODY, &at_cap, &[SECRET.into()], TOL, 1000),
            Ok(())
        );
        // One more (even one that is not hex) is refused, real signature or not.
        let over = format!("{at_cap},v1=zz");
        assert_eq!(
            parse_signature_header(&over),
            Err(WebhookError::TooManySignatures)
        );
        assert_eq!(
            verify_signature(BODY, &over, &[SECRET.into()], TOL, 1000),
            Err(WebhookError::TooManySignatures)
        );
        // Length: refused at one byte over, whatever it holds.
        let padded = format!(
            "t=1000,v1={sig},x={}",
            "a".repeat(MAX_SIGNATURE_HEADER_BYTES)
        );
        let too_long = &padded[..MAX_SIGNATURE_HEADER_BYTES + 1];
        assert_eq!(
            verify_signature(BODY, too_long, &[SECRET.into()], TOL, 1000),
            Err(WebhookError::SignatureHeaderTooLarge {
                bytes: MAX_SIGNATURE_HEADER_BYTES + 1
            })
        );
        let at_limit = &padded[..MAX_SIGNATURE_HEADER_BYTES];
        assert_eq!(
            verify_signature(BODY, at_limit, &[SECRET.into()], TOL, 1000),
            Ok(())
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
