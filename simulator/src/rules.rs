//! What Stripe's spec cannot say about creating and updating objects, as
//! small tables and one named function per behaviour: a subscription's
//! items become subscription items, a new invoice is a draft with zero
//! totals, a payment intent gets a client secret, a webhook endpoint a
//! signing secret. What the spec does say (a create's required parameters,
//! which creates take a caller-given `id`, which fields reference other
//! objects) comes from the registry instead.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::form::{require, str_param};
use crate::seed::{from_template, new_id};
use crate::store::AccountStore;
use crate::webhooks::EndpointSecret;

/// Parameters required beyond the spec's `required`, by object: each is one
/// side of a choice the spec cannot mark as required (Stripe takes either),
/// and the only side the simulator models. Checked after the spec's, in
/// this order. (object, parameters, reason).
const ALSO_REQUIRED: &[(&str, &[&str], &str)] = &[
    (
        "price",
        &["product"],
        "or `product_data`, which the simulator does not build",
    ),
    (
        "subscription",
        &["customer", "items"],
        "`customer` or `customer_account` (accounts as customers are not modelled); Stripe refuses a subscription without items",
    ),
    (
        "invoice",
        &["customer"],
        "or `customer_account`, which the simulator does not model",
    ),
];

/// Objects whose create takes a caller-given `id` though Stripe's spec has
/// none: (object, reason).
const ALSO_ACCEPTS_ID: &[(&str, &str)] = &[
    (
        "price",
        "the simulator took one before its creates followed the spec, and callers may rely on it; Stripe's own create takes no `id`",
    ),
    (
        "tax_code",
        "Stripe has no create for tax codes; the simulator's lets a test add one under Stripe's own id (`txcd_…`)",
    ),
];

/// Fields a template may hold another object's id in that the spec gives as
/// a plain string, not an expandable reference (`charge.payment_method`,
/// `subscription_item.subscription`, `line_item.invoice`,
/// `billing_portal.session.customer`): cleared on create with the
/// registry's references, since the fixture objects they name do not exist.
pub(crate) const PLAIN_ID_FIELDS: &[&str] =
    &["customer", "invoice", "payment_method", "subscription"];

/// The parameters `object`'s create requires beyond the spec's, in order.
pub(crate) fn also_required(object: &str) -> &'static [&'static str] {
    ALSO_REQUIRED
        .iter()
        .find(|(o, _, _)| *o == object)
        .map_or(&[], |(_, params, _)| params)
}

/// Whether `object`'s create takes a caller-given `id` though the spec's does not.
pub(crate) fn also_accepts_id(object: &str) -> bool {
    ALSO_ACCEPTS_ID.iter().any(|(o, _)| *o == object)
}

/// An object being created, as a create rule sees and shapes it.
pub(crate) struct Draft<'a> {
    /// The new object's id.
    pub id: &'a str,
    /// Its `created`.
    pub created: i64,
    /// The request's parameters (required ones already checked).
    pub params: &'a Map<String, Value>,
    /// The account's objects, as they were before this create.
    pub store: &'a AccountStore,
    /// Fixture templates by object string, for children.
    pub templates: &'a HashMap<String, Value>,
    /// The object so far: its template with the parameters merged in.
    pub object: Map<String, Value>,
    /// Objects created with it and stored as its children: (object, value).
    pub children: Vec<(&'static str, Value)>,
    /// A webhook endpoint's signing secret, returned once with the object.
    pub secret: Option<EndpointSecret>,
}

/// Shapes a new object beyond its template and parameters; an error refuses the create.
type CreateRule = fn(&mut Draft) -> Result<(), ApiError>;

/// The create rule of each object that has one.
const CREATE_RULES: &[(&str, CreateRule)] = &[
    ("invoice", open_draft_invoice),
    ("payment_intent", await_payment_method),
    ("price", price_defaults),
    ("product", no_default_price_yet),
    ("subscription", start_subscription),
    ("webhook_endpoint", enable_webhook_endpoint),
];

/// Applies `object`'s create rule, if it has one.
pub(crate) fn shape_new(object: &str, draft: &mut Draft) -> Result<(), ApiError> {
    match CREATE_RULES.iter().find(|(o, _)| *o == object) {
        Some((_, rule)) => rule(draft),
        None => Ok(()),
    }
}

/// A new product has no default price, and was last updated when created.
fn no_default_price_yet(d: &mut Draft) -> Result<(), ApiError> {
    d.object.insert("default_price".into(), Value::Null);
    d.object.insert("updated".into(), json!(d.created));
    Ok(())
}

/// `unit_amount_decimal` follows `unit_amount`; a price without `recurring` is one-time.
fn price_defaults(d: &mut Draft) -> Result<(), ApiError> {
    if d.params.get("unit_amount").is_some() {
        let decimal = d
            .object
            .get("unit_amount")
            .map(|v| v.to_string())
            .unwrap_or_default();
        d.object
            .insert("unit_amount_decimal".into(), json!(decimal));
    }
    if d.params.get("recurring").is_none() {
        d.object.insert("recurring".into(), Value::Null);
        d.object.insert("type".into(), json!("one_time"));
    }
    Ok(())
}

/// Each of `items[n][price]` (with `items[n][quantity]`, 1 by default)
/// becomes a subscription item embedding its price; the subscription is
/// active, its first period starting now.
fn start_subscription(d: &mut Draft) -> Result<(), ApiError> {
    let items = match require(d.params, "items")? {
        Value::Array(a) if !a.is_empty() => a,
        _ => return Err(ApiError::bad_param("items", "Invalid array: items")),
    };
    let template = d
        .templates
        .get("subscription_item")
        .cloned()
        .unwrap_or_else(|| json!({}));
    for (i, item) in items.iter().enumerate() {
        let param = format!("items[{i}][price]");
        let price_id = item
            .get("price")
            .and_then(|v| v.as_str())
            .ok_or_else(|| ApiError::missing(&param))?;
        let price = d
            .store
            .live_value("price", price_id)
            .map_err(|e| e.with_param(&param))?;
        let quantity = item
            .get("quantity")
            .and_then(|v| v.as_str())
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(1);
        let id = new_id("subscription_item", &mut rand::thread_rng());
        let mut si = from_template(&template, "subscription_item", &id, d.created);
        si.insert("price".into(), price);
        si.insert("quantity".into(), json!(quantity));
        si.insert("subscription".into(), json!(d.id));
        si.insert("metadata".into(), json!({}));
        if si.contains_key("plan") {
            si.insert("plan".into(), Value::Null);
        }
        d.children.push(("subscription_item", Value::Object(si)));
    }
    let m = &mut d.object;
    m.insert("status".into(), json!("active"));
    for k in [
        "cancel_at",
        "canceled_at",
        "ended_at",
        "trial_end",
        "trial_start",
    ] {
        if !d.params.contains_key(k) {
            m.insert(k.into(), Value::Null);
        }
    }
    m.insert("start_date".into(), json!(d.created));
    m.insert("current_period_start".into(), json!(d.created));
    m.insert("current_period_end".into(), json!(d.created + 30 * 86_400));
    m.insert("billing_cycle_anchor".into(), json!(d.created));
    Ok(())
}

/// A new invoice is a draft, and owes nothing yet.
fn open_draft_invoice(d: &mut Draft) -> Result<(), ApiError> {
    d.object.insert("status".into(), json!("draft"));
    for k in [
        "amount_due",
        "amount_paid",
        "amount_remaining",
        "subtotal",
        "subtotal_excluding_tax",
        "total",
        "total_excluding_tax",
    ] {
        if d.object.contains_key(k) {
            d.object.insert(k.into(), json!(0));
        }
    }
    Ok(())
}

/// A payment intent's amount is at least 1; it starts waiting for a
/// payment method, with a client secret.
fn await_payment_method(d: &mut Draft) -> Result<(), ApiError> {
    if d.object.get("amount").and_then(|v| v.as_i64()).unwrap_or(0) <= 0 {
        return Err(ApiError::bad_param(
            "amount",
            "This value must be greater than or equal to 1.",
        ));
    }
    d.object
        .insert("status".into(), json!("requires_payment_method"));
    d.object.insert("canceled_at".into(), Value::Null);
    let tail = new_id("x", &mut rand::thread_rng());
    d.object.insert(
        "client_secret".into(),
        json!(format!("{}_secret_{tail}", d.id)),
    );
    Ok(())
}

/// A webhook endpoint's `enabled_events` must be known event types (or
/// `*`); it starts enabled, with a `whsec_` signing secret returned once
/// (`connect=true`: it receives connected accounts' events).
fn enable_webhook_endpoint(d: &mut Draft) -> Result<(), ApiError> {
    let events = match require(d.params, "enabled_events")? {
        Value::Array(a) => a.clone(),
        _ => return Err(ApiError::bad_param("enabled_events", "Invalid array")),
    };
    for e in &events {
        let name = e.as_str().unwrap_or("");
        if name != "*" && stripe_sync_generated::event_type(name).is_none() {
            return Err(ApiError::bad_param(
                "enabled_events",
                format!("Invalid event type: {name}"),
            ));
        }
    }
    let m = &mut d.object;
    m.insert("enabled_events".into(), Value::Array(events));
    m.insert("status".into(), json!("enabled"));
    let api_version = str_param(d.params, "api_version").map(String::from);
    m.insert("api_version".into(), json!(api_version));
    let tail: String = new_id("x", &mut rand::thread_rng())
        .split_once('_')
        .map(|x| x.1.to_string())
        .unwrap_or_default();
    d.secret = Some(EndpointSecret {
        secret: format!("whsec_{tail}"),
        connect: str_param(d.params, "connect") == Some("true")
            || d.params.get("connect") == Some(&Value::Bool(true)),
    });
    Ok(())
}

/// Adjusts an updated object beyond merging the parameters: (request
/// parameters, the object with them merged, now).
type UpdateRule = fn(&Map<String, Value>, &mut Map<String, Value>, i64);

/// The update rule of each object that has one.
const UPDATE_RULES: &[(&str, UpdateRule)] = &[
    ("product", touch_product),
    ("webhook_endpoint", reconfigure_webhook_endpoint),
];

/// Applies `object`'s update rule, if it has one.
pub(crate) fn shape_update(
    object: &str,
    params: &Map<String, Value>,
    m: &mut Map<String, Value>,
    now: i64,
) {
    if let Some((_, rule)) = UPDATE_RULES.iter().find(|(o, _)| *o == object) {
        rule(params, m, now);
    }
}

/// A product records when it was last updated.
fn touch_product(_: &Map<String, Value>, m: &mut Map<String, Value>, now: i64) {
    if m.contains_key("updated") {
        m.insert("updated".into(), json!(now));
    }
}

/// `disabled=true|false` sets a webhook endpoint's status; `enabled_events`
/// replaces the list (not merged item by item).
fn reconfigure_webhook_endpoint(params: &Map<String, Value>, m: &mut Map<String, Value>, _: i64) {
    if let Some(d) = params.get("disabled").and_then(|v| v.as_str()) {
        m.insert(
            "status".into(),
            json!(if d == "true" { "disabled" } else { "enabled" }),
        );
    }
    if let Some(Value::Array(events)) = params.get("enabled_events") {
        m.insert("enabled_events".into(), Value::Array(events.clone()));
    }
}
