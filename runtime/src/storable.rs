//! JSON text made storable in PostgreSQL, losslessly.
//!
//! `jsonb` (and `text`) can't hold U+0000, and `jsonb` refuses a lone UTF-16
//! surrogate escape (`\ud800` not followed by a low surrogate). Stripe's
//! JSON may carry either (a description sent as `a%00b`); refusing the cast
//! would refuse the whole event, page or batch. So before any JSON text
//! reaches PostgreSQL, characters are rewritten with U+E000 (a private-use
//! character) as the escape:
//!
//! | in the object | stored as |
//! |---|---|
//! | U+0000 | U+E000 `0` |
//! | a lone surrogate `\udXYZ` | U+E000 `dXYZ` (hex digits in lower case) |
//! | U+E000 itself | U+E000 U+E000 |
//!
//! Reading a stored string back: U+E000 followed by U+E000, `0` or `d` and
//! three hex digits is the character above; nothing else follows U+E000 in a
//! stored string. Typed `text` columns hold the same form as `_raw_data`.
//!
//! Text holding none of these is passed through untouched (the common case
//! costs one scan for `\u` and U+E000). The same rule is written in SQL
//! (`stripe._storable_json`, used by `stripe_sync.process_webhook`), and the
//! differential test feeds both the same bodies.

use std::borrow::Cow;

/// The escape character.
pub const ESCAPE: char = '\u{E000}';

/// Whether `text` holds anything [`storable_json`] rewrites: a `\u0000`,
/// `\ue000` or surrogate escape, or a raw U+E000 (a cheap test: a `\u`
/// escape of another character gives a false positive, never a miss).
fn needs_rewrite(text: &str) -> bool {
    // Substring searches (memchr-based), not a byte loop: every API page
    // and webhook body passes here.
    text.contains(ESCAPE)
        || text.match_indices("\\u").any(|(i, _)| {
            matches!(
                text.as_bytes().get(i + 2),
                Some(b'0' | b'd' | b'D' | b'e' | b'E')
            )
        })
}

/// The JSON text `text` with U+0000, lone surrogates and U+E000 escaped as
/// the module says; borrowed when there is nothing to rewrite.
///
/// Works on the text, not on parsed values: a backslash in JSON text always
/// starts an escape, so splitting at backslashes gives each escape at the
/// start of a piece (an escaped backslash leaves an empty piece, and the
/// piece after it starts no escape).
pub fn storable_json(text: &str) -> Cow<'_, str> {
    if !needs_rewrite(text) {
        return Cow::Borrowed(text);
    }
    let pieces: Vec<&str> = text.split('\\').collect();
    let mut out = String::with_capacity(text.len() + 16);
    // Whether the current piece follows a backslash that starts an escape.
    let mut escaped = false;
    // Whether the previous piece was exactly a high surrogate escape.
    let mut after_high = false;
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            out.push('\\');
        }
        if !escaped {
            // Plain text (the first piece, or the one after an escaped
            // backslash): the backslash after it starts an escape.
            out.push_str(piece);
            after_high = false;
            escaped = true;
            continue;
        }
        // `piece` follows an escape-starting backslash.
        if piece.is_empty() {
            // `\\`: the next backslash is the escaped character, and the
            // piece after it starts no escape.
            escaped = false;
            after_high = false;
            continue;
        }
        let unit = unicode_escape(piece);
        let high = matches!(unit, Some(u) if (0xD800..0xDC00).contains(&u));
        let low = matches!(unit, Some(u) if (0xDC00..0xE000).contains(&u));
        let next_is_low = high
            && piece.len() == 5
            && pieces
                .get(i + 1)
                .and_then(|p| unicode_escape(p))
                .is_some_and(|u| (0xDC00..0xE000).contains(&u));
        // A `u` escape is five ASCII bytes: the rest starts after them.
        let rest = if unit.is_some() { &piece[5..] } else { "" };
        match unit {
            Some(0) => {
                out.push_str("ue000");
                out.push('0');
                out.push_str(rest);
            }
            Some(0xE000) => {
                out.push_str("ue000\\ue000");
                out.push_str(rest);
            }
            Some(u) if (high && !next_is_low) || (low && !after_high) => {
                out.push_str("ue000");
                out.push_str(&format!("{u:04x}"));
                out.push_str(rest);
            }
            _ => out.push_str(piece),
        }
        after_high = high && piece.len() == 5;
        escaped = true;
    }
    let out = out.replace(ESCAPE, "\\ue000\\ue000");
    // Other `\u` escapes pass the cheap test but change nothing.
    if out == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(out)
    }
}

/// A response body made storable: the same bytes when it is not UTF-8 or
/// holds nothing to rewrite.
pub fn storable_bytes(body: bytes::Bytes) -> bytes::Bytes {
    match std::str::from_utf8(&body).map(storable_json) {
        Ok(Cow::Owned(s)) => bytes::Bytes::from(s),
        _ => body,
    }
}

/// The code unit of a piece starting with a `u` escape (`uXXXX…`).
fn unicode_escape(piece: &str) -> Option<u32> {
    let hex = piece.strip_prefix('u')?.get(..4)?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(hex, 16).ok()
}

/// A string read back from its stored form: the characters the escape
/// stands for, with each lone surrogate given as U+FFFD (a Rust string
/// can't hold one).
pub fn unescape(stored: &str) -> String {
    let mut out = String::with_capacity(stored.len());
    let mut chars = stored.chars().peekable();
    while let Some(c) = chars.next() {
        if c != ESCAPE {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some(&ESCAPE) => {
                chars.next();
                out.push(ESCAPE);
            }
            Some('0') => {
                chars.next();
                out.push('\0');
            }
            Some('d') => {
                for _ in 0..4 {
                    chars.next();
                }
                out.push(char::REPLACEMENT_CHARACTER);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn value(text: &str) -> serde_json::Value {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn text_without_escapes_is_borrowed() {
        let t = r#"{"id":"cus_1","name":"a\nb","url":"https:\/\/x","e":"\u00e9"}"#;
        assert!(matches!(storable_json(t), Cow::Borrowed(_)));
    }

    #[test]
    fn nul_surrogates_and_the_escape_itself_are_rewritten() {
        let cases = [
            (r#""a\u0000b""#, "a\u{E000}0b"),
            (r#""\u0000""#, "\u{E000}0"),
            (r#""x\\u0000""#, "x\\u0000"),
            (r#""x\\\u0000""#, "x\\\u{E000}0"),
            (r#""\ud83d\ude00""#, "\u{1F600}"),
            (r#""\uD83D\uDE00!""#, "\u{1F600}!"),
            (r#""a\ud800b""#, "a\u{E000}d800b"),
            (r#""a\udc00""#, "a\u{E000}dc00"),
            (r#""\ud800\ud800\udc00""#, "\u{E000}d800\u{10000}"),
            (r#""\ue000""#, "\u{E000}\u{E000}"),
            ("\"\u{E000}\"", "\u{E000}\u{E000}"),
            (r#""\u0041\n""#, "A\n"),
        ];
        for (input, stored) in cases {
            let out = storable_json(input);
            assert_eq!(
                value(&out),
                serde_json::Value::from(stored),
                "{input} -> {out}"
            );
        }
    }

    #[test]
    fn keys_are_rewritten_too() {
        let out = storable_json(r#"{"k\u0000":1}"#);
        assert_eq!(value(&out), serde_json::json!({"k\u{E000}0": 1}));
    }

    proptest! {
        /// Any string (NUL and U+E000 included) survives: stored, then read
        /// back, it is the string sent; and what is stored holds no NUL.
        #[test]
        fn round_trips(s in "(\\PC|\u{0}|\u{E000}|\\\\|\")*") {
            let text = serde_json::to_string(&serde_json::json!({"v": s, "k": [s.clone()]})).unwrap();
            let stored = storable_json(&text);
            let v = value(&stored);
            let back = unescape(v["v"].as_str().unwrap());
            prop_assert_eq!(&back, &s);
            prop_assert!(!v["v"].as_str().unwrap().contains('\0'));
            prop_assert_eq!(unescape(v["k"][0].as_str().unwrap()), s);
        }
    }
}
