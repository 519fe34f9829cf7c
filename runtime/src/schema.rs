//! [`Schema`]: the name of the mirror's schema (`stripe` unless chosen), and
//! of the engine's own schema beside it (the name with `_sync` appended).
//!
//! Every SQL text of the engine — the migrations, the generated upserts, the
//! runtime's statements — is written with the default names (`stripe`,
//! `stripe_sync`, and the roles `stripe_sync_reader`, …). [`Schema::sql`]
//! turns such a text into the same text for another name, so two mirrors in
//! one database share no table, function, cursor, role or advisory lock,
//! and the migration files stay plain SQL (`stripe-sync migrations export
//! --schema NAME` writes them with the name in place).
//!
//! The rename is lexical and deliberately narrow. It replaces:
//! - `stripe_sync` at the start of an identifier (`stripe_sync.accounts`,
//!   `"stripe_sync"`, `stripe_sync_writer`, the setting
//!   `stripe_sync.change_source`) with `NAME_sync`;
//! - `stripe` as a whole identifier where SQL names a schema: before a dot
//!   (`stripe.customers`, `stripe.%I`), quoted (`"stripe"`), as a string
//!   literal (`'stripe'`), and after the keyword `SCHEMA` (or in its list).
//!
//! Everything else stays: `stripe-sync`, `Stripe-Signature`,
//! `api.stripe.com`, a column such as `stripe_s700`. The names are checked
//! by [`Schema::new`], so what is substituted is always a plain, unquoted
//! lowercase identifier.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock};

/// The mirror's schema when none is chosen.
pub const DEFAULT_SCHEMA: &str = "stripe";

/// What is appended to the mirror's schema name to name the engine's.
const ENGINE_SUFFIX: &str = "_sync";

/// The longest suffix the engine appends to the name: the Edge Function's
/// role, `NAME_sync_webhook`, must fit PostgreSQL's 63-byte identifiers.
const LONGEST_SUFFIX: &str = "_sync_webhook";

/// PostgreSQL's reserved key words (and those that cannot name a schema):
/// a schema named so would need quoting everywhere.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "notnull",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

/// A name [`Schema::new`] refused, and why (the message names the rule).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("schema name {name:?} cannot be used: {why} (for example --schema stripe_test)")]
pub struct BadSchemaName {
    /// The name given.
    pub name: String,
    /// The rule it breaks.
    pub why: String,
}

/// The mirror's schema and the engine's beside it.
#[derive(Clone, PartialEq, Eq)]
pub struct Schema {
    mirror: String,
    engine: String,
}

impl Default for Schema {
    fn default() -> Self {
        Schema {
            mirror: DEFAULT_SCHEMA.into(),
            engine: format!("{DEFAULT_SCHEMA}{ENGINE_SUFFIX}"),
        }
    }
}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Schema({})", self.mirror)
    }
}

impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.mirror)
    }
}

impl Schema {
    /// The schema named `name`; refused (with the rule in the message)
    /// unless it is a plain lowercase identifier short enough for the
    /// engine's names, not a reserved word, `public` or `pg_…`.
    pub fn new(name: &str) -> Result<Schema, BadSchemaName> {
        let max = 63 - LONGEST_SUFFIX.len();
        let plain = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        let why = if name.is_empty() {
            Some("it is empty".to_string())
        } else if !plain {
            Some("use lowercase letters, digits and `_`, starting with a letter or `_`".into())
        } else if name.len() > max {
            Some(format!(
                "it is {} bytes; at most {max} leave room for `{name}{LONGEST_SUFFIX}`",
                name.len()
            ))
        } else if RESERVED.contains(&name) {
            Some("it is a reserved word of SQL".into())
        } else if name == "public" || name.starts_with("pg_") || name == "information_schema" {
            Some("PostgreSQL or your application already uses it".into())
        } else if name.ends_with(ENGINE_SUFFIX) || name.starts_with("stripe_sync") {
            Some(format!(
                "names ending in `{ENGINE_SUFFIX}` are the engine's own schemas"
            ))
        } else {
            None
        };
        match why {
            Some(why) => Err(BadSchemaName {
                name: name.into(),
                why,
            }),
            None => Ok(Schema {
                mirror: name.into(),
                engine: format!("{name}{ENGINE_SUFFIX}"),
            }),
        }
    }

    /// The mirror's schema, e.g. `stripe`.
    pub fn mirror(&self) -> &str {
        &self.mirror
    }

    /// The engine's own schema, e.g. `stripe_sync`.
    pub fn engine(&self) -> &str {
        &self.engine
    }

    /// Whether this is the default (`stripe`): its SQL is written as is.
    pub fn is_default(&self) -> bool {
        self.mirror == DEFAULT_SCHEMA
    }

    /// `sql` (written with the default names) for this schema; borrowed,
    /// untouched, for the default.
    pub fn sql<'a>(&self, sql: &'a str) -> Cow<'a, str> {
        if !self.renames(sql) {
            return Cow::Borrowed(sql);
        }
        Cow::Owned(rename(sql, &self.mirror))
    }

    /// Whether `sql` reads differently in this schema: never in the
    /// default's, nor where it names no default name.
    fn renames(&self, sql: &str) -> bool {
        !self.is_default() && sql.contains(DEFAULT_SCHEMA)
    }

    /// [`Schema::sql`] for a statement that lives as long as the program
    /// (the generated upserts, run on every batch): renamed once per schema
    /// and kept, so a batch pays a map lookup, not a rename. The kept texts
    /// are bounded by the program's statements times the schemas it uses.
    pub fn sql_static(&self, sql: &'static str) -> &'static str {
        type Renamed = HashMap<(String, usize), &'static str>;
        static RENAMED: OnceLock<Mutex<Renamed>> = OnceLock::new();
        if !self.renames(sql) {
            return sql;
        }
        let key = (self.mirror.clone(), sql.as_ptr() as usize);
        let mut renamed = RENAMED
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        renamed
            .entry(key)
            .or_insert_with(|| Box::leak(rename(sql, &self.mirror).into_boxed_str()))
    }
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Whether the text before `at` ends with the keyword `SCHEMA` (or with
/// `SCHEMA a, b, ` listing schemas), ignoring case and whitespace.
fn after_schema_keyword(text: &[u8], at: usize) -> bool {
    let mut i = at;
    loop {
        while i > 0 && (text[i - 1] as char).is_ascii_whitespace() {
            i -= 1;
        }
        let end = i;
        while i > 0 && is_ident(text[i - 1]) {
            i -= 1;
        }
        let word = &text[i..end];
        if word.eq_ignore_ascii_case(b"schema") {
            return i == 0 || !is_ident(text[i - 1]);
        }
        // `SCHEMA IF NOT EXISTS stripe`, `SCHEMA IF EXISTS stripe`.
        if [&b"exists"[..], b"not", b"if"]
            .iter()
            .any(|w| word.eq_ignore_ascii_case(w))
        {
            continue;
        }
        // `SCHEMA stripe_sync, stripe`: step back over a listed name.
        if !word.is_empty() {
            return false;
        }
        if i > 0 && text[i - 1] == b',' {
            i -= 1;
            while i > 0 && (text[i - 1] as char).is_ascii_whitespace() {
                i -= 1;
            }
            let end = i;
            while i > 0 && (is_ident(text[i - 1]) || text[i - 1] == b'"') {
                i -= 1;
            }
            if i == end {
                return false;
            }
            continue;
        }
        return false;
    }
}

/// The rename described in the module's documentation.
fn rename(sql: &str, name: &str) -> String {
    let text = sql.as_bytes();
    let word = DEFAULT_SCHEMA.as_bytes();
    let engine = format!("{DEFAULT_SCHEMA}{ENGINE_SUFFIX}");
    let mut out = String::with_capacity(sql.len() + sql.len() / 16);
    let mut copied = 0;
    let mut i = 0;
    while let Some(off) = sql[i..].find(DEFAULT_SCHEMA) {
        let at = i + off;
        let end = at + word.len();
        i = end;
        let before = at.checked_sub(1).map(|p| text[p]);
        if before.is_some_and(|b| is_ident(b) || matches!(b, b'.' | b'-' | b'/' | b'$')) {
            continue;
        }
        let after = text.get(end).copied();
        let replacement = if sql[at..].starts_with(&engine)
            && !text
                .get(at + engine.len())
                .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            i = at + engine.len();
            Some((at + engine.len(), format!("{name}{ENGINE_SUFFIX}")))
        } else {
            let schema_position = match after {
                Some(b'.') => {
                    let rest = &text[end + 1..];
                    // `stripe.com` is a host, not a table.
                    !rest.starts_with(b"com") || rest.get(3).is_some_and(|&c| is_ident(c))
                }
                Some(b'"') => before == Some(b'"'),
                Some(b'\'') => before == Some(b'\''),
                Some(c) if is_ident(c) => false,
                _ => after_schema_keyword(text, at),
            };
            schema_position.then(|| (end, name.to_string()))
        };
        if let Some((until, with)) = replacement {
            out.push_str(&sql[copied..at]);
            out.push_str(&with);
            copied = until;
        }
    }
    out.push_str(&sql[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acme(sql: &str) -> String {
        Schema::new("acme").unwrap().sql(sql).into_owned()
    }

    #[test]
    fn names_of_schemas_roles_and_settings_are_renamed() {
        assert_eq!(
            acme("SELECT * FROM stripe.customers JOIN \"stripe\".\"prices\" USING (id)"),
            "SELECT * FROM acme.customers JOIN \"acme\".\"prices\" USING (id)"
        );
        assert_eq!(
            acme("GRANT USAGE ON SCHEMA stripe, stripe_sync TO stripe_sync_writer;"),
            "GRANT USAGE ON SCHEMA acme, acme_sync TO acme_sync_writer;"
        );
        assert_eq!(
            acme("GRANT SELECT ON ALL TABLES IN SCHEMA stripe_sync, stripe TO x"),
            "GRANT SELECT ON ALL TABLES IN SCHEMA acme_sync, acme TO x"
        );
        assert_eq!(
            acme("CREATE SCHEMA IF NOT EXISTS stripe;\nWHERE nspname = 'stripe'"),
            "CREATE SCHEMA IF NOT EXISTS acme;\nWHERE nspname = 'acme'"
        );
        assert_eq!(
            acme("EXECUTE format('UPDATE stripe.%I', t); current_setting('stripe_sync.change_source')"),
            "EXECUTE format('UPDATE acme.%I', t); current_setting('acme_sync.change_source')"
        );
    }

    #[test]
    fn words_that_are_not_schema_names_stay() {
        for kept in [
            "RAISE EXCEPTION 'missing Stripe-Signature header'",
            "-- run `stripe-sync migrate`",
            "https://api.stripe.com/v1 and https://stripe.com/docs",
            "\"stripe_s700\" jsonb, stripe_account text",
            "the stripe mirror",
        ] {
            assert_eq!(acme(kept), kept);
        }
    }

    #[test]
    fn bad_names_are_refused_with_the_rule() {
        for bad in [
            "",
            "Acme",
            "1x",
            "a-b",
            "select",
            "public",
            "pg_x",
            "x_sync",
            "stripe_sync_x",
        ] {
            let e = Schema::new(bad).unwrap_err().to_string();
            assert!(e.contains("cannot be used"), "{bad}: {e}");
        }
        let long = "a".repeat(51);
        assert!(Schema::new(&long).is_err());
        assert!(Schema::new(&"a".repeat(50)).is_ok());
        assert_eq!(Schema::new("stripe").unwrap(), Schema::default());
    }
}
