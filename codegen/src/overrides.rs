//! The few places where the spec alone does not give the right answer.
//! Each entry carries its reason; everything else follows the uniform rules.

/// Table names that would collide or read badly under the uniform rule
/// (object string, dots to underscores, last word pluralised).
pub const TABLE_RENAMES: &[(&str, &str)] = &[
    // `line_item` is an invoice line; `item` is a Checkout/Payment Link/Quote line.
    ("line_item", "invoice_line_items"),
    ("item", "line_items"),
    // `invoiceitems` reads as one word.
    ("invoiceitem", "invoice_items"),
    // `fee_refunds` hides that these are application fee refunds.
    ("fee_refund", "application_fee_refunds"),
    // `test_helpers_test_clocks` repeats itself.
    ("test_helpers.test_clock", "test_clocks"),
];

/// Objects that are listable but do not get a table of their own.
pub const EXCLUDED_OBJECTS: &[(&str, &str)] = &[(
    "event",
    "events are stored in the `_events` ledger, with their payload",
)];

/// List paths that are not a listing of stored objects.
pub const EXCLUDED_LIST_PATHS: &[(&str, &str)] = &[
    (
        "/v1/invoices/upcoming/lines",
        "a preview computed on request",
    ),
    (
        "/v1/credit_notes/preview/lines",
        "a preview computed on request",
    ),
    (
        "/v1/balance/history",
        "an older alias of /v1/balance_transactions",
    ),
    (
        "/v1/linked_accounts",
        "an older alias of /v1/financial_connections/accounts",
    ),
    (
        "/v1/linked_accounts/{account}/owners",
        "an older alias of /v1/financial_connections/accounts/{account}/owners",
    ),
    (
        "/v1/accounts/{account}/people",
        "an alias of /v1/accounts/{account}/persons",
    ),
];

/// Query parameters sent on every call of a list path, because the default
/// hides objects (listing subscriptions without `status=all` misses canceled
/// ones, a known bug of the existing engines).
pub const LIST_FIXED_PARAMS: &[(&str, &str, &str)] = &[
    ("/v1/subscriptions", "status", "all"),
    ("/v1/customers/{customer}/subscriptions", "status", "all"),
    ("/v1/apps/secrets", "scope[type]", "account"),
];

/// List endpoints a mirror cannot use, with the reason. The object keeps its
/// table (events and other lists may still carry it); the backfill skips it,
/// and the generator prints each entry.
pub const UNMIRRORABLE_LISTS: &[(&str, &str)] = &[
    (
        "/v1/billing/meters/{id}/event_summaries",
        "needs a time window (start_time, end_time) and a customer: summaries are computed for the window asked, not stored objects a mirror could enumerate",
    ),
    (
        "/v1/payment_attempt_records",
        "needs a payment_record id, and payment records cannot be listed (they are only retrieved by id)",
    ),
];

/// Top-level lists that by default return only some of the objects, so the
/// backfill must not read them as the full set.
pub const PARTIAL_LISTS: &[(&str, &str)] = &[(
    "/v1/tax_ids",
    "defaults to owner[type]=self: it lists the account's own tax ids, not customers' (those come from /v1/customers/{customer}/tax_ids)",
)];

/// Embedded lists Stripe documents as filtered: they never hold all of the
/// parent's children, so they are neither read as the full set nor used to
/// decide which children still belong to the parent. (parent object, field,
/// reason).
pub const FILTERED_EMBEDDED_LISTS: &[(&str, &str, &str)] = &[
    (
        "customer",
        "subscriptions",
        "documented as \"the customer's current subscriptions\": canceled ones are left out (subscriptions come from /v1/subscriptions?status=all)",
    ),
    (
        "account",
        "external_accounts",
        "only returned for requests where controller[is_controller] is true",
    ),
];

/// Embedded lists a list of parents cannot ask for with
/// `expand[]=data.<field>`, as Stripe documents: (parent object, field, reason).
pub const NOT_EXPANDABLE_IN_LISTS: &[(&str, &str, &str)] = &[(
    "treasury.transaction",
    "entries",
    "documented: \"This cannot be expanded in any list endpoints\"",
)];

/// Required query parameters, on one list path, whose name is not the object
/// they take an id of.
pub const PATH_PARAM_OBJECTS: &[(&str, &str, &str)] = &[
    // An issuing card, not a payment card.
    ("/v1/issuing/tokens", "card", "issuing.card"),
    // A Financial Connections account, not a Connect account.
    (
        "/v1/financial_connections/transactions",
        "account",
        "financial_connections.account",
    ),
];

/// Required list parameters whose name is not the object it takes an id of.
pub const PARAM_OBJECTS: &[(&str, Option<&str>)] = &[
    ("financial_account", Some("treasury.financial_account")),
    ("value_list", Some("radar.value_list")),
    // Filled by `LIST_FIXED_PARAMS`.
    ("scope", None),
    // An ownership id, only found inside a financial connections account.
    ("ownership", None),
];

/// What the generator leaves out on purpose: paths and schemas with these
/// prefixes. The v2 API pages with `next_page_url`, takes JSON bodies and
/// dates as RFC 3339 strings, unlike v1; it gets no tables yet.
pub const SKIPPED_PREFIXES: &[(&str, &str, &str)] = &[(
    "/v2/",
    "v2.",
    "the v2 API (JSON bodies, next_page_url paging, RFC 3339 dates) is not mirrored yet",
)];

/// Event type prefixes whose object the uniform rule cannot find
/// (prefix as is, first `_` as a namespace dot, or its last word).
pub const EVENT_OBJECTS: &[(&str, &str)] = &[
    ("application_fee.refund", "fee_refund"),
    ("source.transaction", "source_transaction"),
];

/// Columns an object does not carry but a mirror must keep: the owner a list
/// or summary was for. (item object, column, owner object, reason). The
/// column is a reference filled from the list's parameter or the summary's
/// owner field, and never cleared by a payload that lacks it.
pub const OWNER_COLUMNS: &[(&str, &str, &str, &str)] = &[(
    "entitlements.active_entitlement",
    "customer",
    "customer",
    "an active entitlement does not carry its customer; it is the customer its list (customer=...) or summary event was for",
)];

/// Objects with no schema in the spec that hold an owner's complete list of
/// another object: (summary object, owner field, list field, item object,
/// reason). A summary event replaces the owner's items: items no longer in
/// it are soft-deleted; when its list is truncated (`has_more`), the rest is
/// listed from the API after the event is committed, and nothing is
/// soft-deleted until then.
pub const LIST_SUMMARIES: &[(&str, &str, &str, &str, &str)] = &[(
    "entitlements.active_entitlement_summary",
    "customer",
    "entitlements",
    "entitlements.active_entitlement",
    "entitlements.active_entitlement_summary.updated carries a customer's complete set of active entitlements (the first ten inline); the spec gives the summary no schema",
)];

/// Lists that hold nothing while the account has none of another object:
/// (object, the object each one needs, why). The backfill skips such a list,
/// saying so, once the needed object's complete list found none: 2,000
/// customers without a feature cost 2,000 empty entitlement lists otherwise.
pub const LIST_NEEDS: &[(&str, &str, &str)] = &[(
    "entitlements.active_entitlement",
    "entitlements.feature",
    "an active entitlement is a feature a customer has through a product",
)];
