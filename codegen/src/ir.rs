//! The intermediate representation: what the generator knows about one API
//! version, independent of how the spec spelled it and of the output formats.
//!
//! Every collection is a `BTreeMap` or a sorted `Vec`, so the order in which
//! the spec was walked can never show in the output.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The column type chosen for one top-level property.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// Strings and enums.
    Text,
    /// An expandable reference: the id, whether the API sent the id or the object.
    Ref,
    /// Integers.
    BigInt,
    /// Integers with `format: unix-time`.
    Timestamp,
    /// Numbers.
    Numeric,
    /// Booleans.
    Boolean,
    /// Objects, arrays, free-form and mixed values.
    Jsonb,
}

impl ColumnType {
    /// The PostgreSQL type of the column.
    pub fn sql(self) -> &'static str {
        match self {
            ColumnType::Text | ColumnType::Ref => "text",
            ColumnType::BigInt => "bigint",
            ColumnType::Timestamp => "timestamptz",
            ColumnType::Numeric => "numeric",
            ColumnType::Boolean => "boolean",
            ColumnType::Jsonb => "jsonb",
        }
    }

    /// The type a column must have to hold values of both `self` and `other`.
    /// Columns only ever widen, so that no stored value is lost.
    pub fn widen(self, other: ColumnType) -> ColumnType {
        use ColumnType::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Text, Ref) | (Ref, Text) => Ref,
            (BigInt, Numeric) | (Numeric, BigInt) => Numeric,
            _ => Jsonb,
        }
    }
}

/// One top-level property of a resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The column type.
    pub column_type: ColumnType,
    /// For expandable references: the objects the id can point to.
    pub references: Vec<String>,
}

/// A path parameter of a nested list endpoint, filled from a parent object.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Param {
    /// The parameter's name, e.g. `invoice` or `subscription`.
    pub name: String,
    /// Where the value comes from: the object whose ids fill it, if known.
    pub object: Option<String>,
    /// True for a path parameter, false for a required query parameter.
    pub in_path: bool,
}

/// A GET endpoint that returns a list envelope of the resource.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ListEndpoint {
    /// The path, e.g. `/v1/invoices/{invoice}/lines`.
    pub path: String,
    /// Parameters that must be filled: path parameters and required query parameters.
    pub params: Vec<Param>,
    /// Query parameters always sent, so that nothing is hidden by default
    /// (e.g. `status=all` for subscriptions).
    pub fixed_params: Vec<(String, String)>,
    /// Whether the endpoint accepts `created[gte]` and friends.
    pub supports_created: bool,
    /// Whether the list, as the backfill calls it, returns only some of the
    /// objects (`overrides::PARTIAL_LISTS`), so it is never read as all of them.
    pub partial: bool,
    /// What `POST` to the same path (creating an object) takes, when the API has it.
    pub create: Option<CreateEndpoint>,
}

/// The create endpoint of a list path: `POST` with a form body.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CreateEndpoint {
    /// Body parameters the spec marks required, sorted. A choice between
    /// parameters (`customer` or `customer_account`) is never marked, so it
    /// is not here.
    pub required: Vec<String>,
    /// Whether the body takes an `id`: the caller names the new object
    /// (coupons, plans, products).
    pub accepts_id: bool,
}

/// A resource: an object with an id that gets a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// The object string, e.g. `checkout.session`.
    pub object: String,
    /// The table name in schema `stripe`.
    pub table: String,
    /// Top-level properties, by name.
    pub fields: BTreeMap<String, Field>,
    /// List endpoints, the preferred one first.
    pub list_endpoints: Vec<ListEndpoint>,
    /// `GET` path for one object, e.g. `/v1/customers/{customer}`.
    pub retrieve_path: Option<String>,
    /// Properties holding an embedded list envelope, by field.
    pub embedded_lists: BTreeMap<String, Embedded>,
    /// Id prefixes seen in the fixtures, e.g. `cus`.
    pub id_prefixes: Vec<String>,
    /// A column the object does not carry, filled with the owner its list
    /// or summary was for (`overrides::OWNER_COLUMNS`).
    pub owner: Option<Owner>,
}

/// A property of a parent holding a list envelope of objects that have
/// their own table (`invoice.lines`, `customer.tax_ids`, `customer.sources`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Embedded {
    /// The items' objects, sorted (several for a mixed list such as
    /// `customer.sources`: bank accounts, cards, sources).
    pub items: Vec<String>,
    /// Whether the API sends the list only when asked (`expand[]`): the
    /// property is expandable (`x-expandableFields`) and not `required`.
    pub includable: bool,
    /// Whether a list of parents may ask for it (`expand[]=data.<field>`);
    /// false where Stripe documents that it cannot
    /// (`overrides::NOT_EXPANDABLE_IN_LISTS`).
    pub expandable_in_lists: bool,
    /// Whether a complete list (`has_more: false`) holds all of the parent's
    /// children; false for lists Stripe documents as filtered
    /// (`overrides::FILTERED_EMBEDDED_LISTS`).
    pub complete: bool,
}

/// A column holding the owner an object was listed under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    /// The column, e.g. `customer`.
    pub column: String,
    /// The owner's object, e.g. `customer`.
    pub object: String,
}

/// An object holding an owner's complete list of items (`overrides::LIST_SUMMARIES`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Summary {
    /// The summary's object string, e.g. `entitlements.active_entitlement_summary`.
    pub object: String,
    /// The summary's field holding the owner's id, e.g. `customer`.
    pub owner_field: String,
    /// The summary's field holding the list envelope, e.g. `entitlements`.
    pub list_field: String,
    /// The items' object, e.g. `entitlements.active_entitlement`.
    pub item_object: String,
}

/// One webhook event type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventType {
    /// The object the event carries in `data.object`, when it is known.
    pub object: Option<String>,
    /// True for `*.deleted` events.
    pub is_delete: bool,
}

/// Something the generator left out on purpose, with its reason.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    /// What was left out: a path, or a count of paths and schemas.
    pub what: String,
    /// Why.
    pub reason: String,
}

/// Everything the generator knows about one API version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Api {
    /// The API version, e.g. `2023-08-16`.
    pub version: String,
    /// What was left out on purpose, sorted.
    pub skipped: Vec<Skipped>,
    /// Resources that get a table, by object string.
    pub resources: BTreeMap<String, Resource>,
    /// Every event type the webhook endpoint API accepts.
    pub events: BTreeMap<String, EventType>,
    /// Summaries of items whose object has a table, sorted.
    pub summaries: Vec<Summary>,
    /// Every path of the API the generator reads (skipped prefixes left
    /// out), sorted: the endpoints a rate limit is counted by.
    pub paths: Vec<String>,
}

impl Api {
    /// The resource whose table is `table`.
    pub fn resource_by_table(&self, table: &str) -> Option<&Resource> {
        self.resources.values().find(|r| r.table == table)
    }
}
