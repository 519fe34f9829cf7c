//! Names: tables, Rust items and SQL identifiers, each from one rule.

use heck::ToUpperCamelCase;
use sha2::{Digest, Sha256};

use crate::overrides::TABLE_RENAMES;

/// PostgreSQL truncates identifiers longer than this many bytes.
pub const MAX_IDENTIFIER: usize = 63;

/// The table of an object: dots to underscores, the last word pluralised,
/// unless `overrides::TABLE_RENAMES` says otherwise.
pub fn table_name(object: &str) -> String {
    if let Some((_, t)) = TABLE_RENAMES.iter().find(|(o, _)| *o == object) {
        return t.to_string();
    }
    shorten(&pluralize(&object.replace('.', "_")))
}

/// English plural of a snake_case name's last word.
pub fn pluralize(name: &str) -> String {
    let consonant_y = name.ends_with('y')
        && !matches!(name.chars().rev().nth(1), Some('a' | 'e' | 'i' | 'o' | 'u'));
    if consonant_y {
        format!("{}ies", &name[..name.len() - 1])
    } else if ["s", "x", "ch", "sh"].iter().any(|s| name.ends_with(s)) {
        format!("{name}es")
    } else {
        format!("{name}s")
    }
}

/// The Rust type name of an object's row struct (`checkout.session` → `CheckoutSession`).
pub fn struct_name(object: &str) -> String {
    object.replace('.', "_").to_upper_camel_case()
}

/// The Rust module an object's row struct lives in: its namespace, or `core`.
pub fn area(object: &str) -> String {
    match object.split_once('.') {
        Some((ns, _)) => ns.to_string(),
        None => "core".to_string(),
    }
}

/// A Rust field name for a property: the name itself, or with a trailing `_`
/// when it is a keyword (`type` → `type_`).
pub fn field_name(property: &str) -> String {
    if syn::parse_str::<syn::Ident>(property).is_ok() {
        property.to_string()
    } else {
        format!("{property}_")
    }
}

/// An identifier of at most 63 bytes: longer ones keep a readable head and
/// end with a hash of the whole, so that they stay unique and deterministic.
pub fn shorten(name: &str) -> String {
    if name.len() <= MAX_IDENTIFIER {
        return name.to_string();
    }
    let hash = hex::encode(&Sha256::digest(name.as_bytes())[..4]);
    let mut head = MAX_IDENTIFIER - hash.len() - 1;
    while !name.is_char_boundary(head) {
        head -= 1;
    }
    format!("{}_{hash}", &name[..head])
}

/// A quoted SQL identifier. Every generated identifier is quoted, so that
/// properties named like keywords (`type`, `default`, `order`) need no list.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", shorten(name).replace('"', "\"\""))
}

/// The name of an index on `table(column)`.
pub fn index_name(table: &str, column: &str) -> String {
    shorten(&format!("{table}_{column}_idx"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_follow_english_endings() {
        assert_eq!(table_name("customer"), "customers");
        assert_eq!(table_name("checkout.session"), "checkout_sessions");
        assert_eq!(
            table_name("issuing.authorization"),
            "issuing_authorizations"
        );
        assert_eq!(table_name("capability"), "capabilities");
        assert_eq!(table_name("tax"), "taxes");
        assert_eq!(
            table_name("treasury.transaction_entry"),
            "treasury_transaction_entries"
        );
        assert_eq!(table_name("apple_pay_domain"), "apple_pay_domains");
        assert_eq!(table_name("line_item"), "invoice_line_items");
    }

    #[test]
    fn long_identifiers_are_shortened_deterministically_and_stay_unique() {
        let a = "a".repeat(70);
        let b = format!("{}b", "a".repeat(69));
        assert_eq!(shorten(&a).len(), MAX_IDENTIFIER);
        assert_eq!(shorten(&a), shorten(&a));
        assert_ne!(shorten(&a), shorten(&b));
        assert_eq!(shorten("short"), "short");
    }

    #[test]
    fn keywords_get_a_trailing_underscore() {
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("amount"), "amount");
    }
}
