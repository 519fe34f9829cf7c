//! Writes: create (`POST` to a list path), update (`POST` to an object's
//! path) and delete, generic over the registry with specific rules for the
//! main billing objects. Each write records an event and delivers it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use rand::Rng;
use serde_json::{json, Map, Value};
use stripe_sync_generated::{resource, ColumnType, ListEndpoint, Resource, EVENT_TYPES};

use crate::error::ApiError;
use crate::seed::{from_template, new_id, param_object, refresh_embedded};
use crate::store::{deleted_stub, AccountStore, Entry};
use crate::webhooks::{self, EndpointSecret};
use crate::State;

/// The unix time now.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// What a write did, for choosing the event type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Created.
    Created,
    /// Updated.
    Updated,
    /// Deleted.
    Deleted,
}

/// The event type recorded when `object` is created, updated or deleted.
pub fn event_type_for(object: &str, action: Action) -> Option<&'static str> {
    let types: Vec<&'static stripe_sync_generated::EventType> = EVENT_TYPES
        .iter()
        .filter(|e| e.object == Some(object))
        .collect();
    let by_suffix = |suffix: &str| {
        types
            .iter()
            .find(|e| !e.is_delete && e.name.ends_with(suffix))
            .map(|e| e.name)
    };
    match action {
        Action::Deleted => types.iter().find(|e| e.is_delete).map(|e| e.name),
        Action::Created => by_suffix(".created")
            .or_else(|| by_suffix(".updated"))
            .or_else(|| types.iter().find(|e| !e.is_delete).map(|e| e.name)),
        Action::Updated => by_suffix(".updated")
            .or_else(|| by_suffix(".succeeded"))
            .or_else(|| types.iter().find(|e| !e.is_delete).map(|e| e.name)),
    }
}

struct Pending {
    event: Value,
    targets: Vec<webhooks::Target>,
}

/// Records an event in the account's store (no delivery yet).
fn record_event(
    state: &State,
    endpoints: &[webhooks::Endpoint],
    store: &mut AccountStore,
    account: &str,
    event_type: &str,
    object: Value,
    previous: Option<Value>,
) -> Pending {
    let targets = webhooks::targets(endpoints, event_type, account != state.config.account_id);
    let created = now();
    let id = new_id("event", &mut rand::thread_rng());
    let id = format!("evt_{}", id.split_once('_').map(|x| x.1).unwrap_or(&id));
    let mut data = json!({ "object": object });
    if let Some(p) = previous {
        data["previous_attributes"] = p;
    }
    let mut event = json!({
        "id": id,
        "object": "event",
        "api_version": state.config.api_version,
        "created": created,
        "data": data,
        "livemode": false,
        "pending_webhooks": targets.len(),
        "request": {"id": format!("req_{:014x}", rand::thread_rng().gen::<u64>() >> 8), "idempotency_key": null},
        "type": event_type,
    });
    if account != state.config.account_id {
        event["account"] = json!(account);
    }
    let coll = store.coll_mut("event");
    let key = coll.next_key(created);
    coll.put(Entry {
        id: id.clone(),
        key,
        json: Bytes::from(serde_json::to_vec(&event).unwrap_or_default()),
        deleted: false,
        parents: Vec::new(),
        tag: Some(event_type.to_string()),
    });
    Pending { event, targets }
}

fn deliver_all(state: &Arc<State>, pending: Vec<Pending>) {
    for p in pending {
        webhooks::dispatch(state, &p.event, p.targets);
    }
}

fn str_param<'a>(params: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    params
        .get(name)
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty())
}

fn require<'a>(params: &'a Map<String, Value>, name: &str) -> Result<&'a Value, ApiError> {
    match params.get(name) {
        None | Some(Value::Null) => Err(ApiError::missing(name)),
        Some(Value::String(s)) if s.is_empty() => Err(ApiError::missing(name)),
        Some(v) => Ok(v),
    }
}

/// Checks that references given as parameters exist.
fn check_refs(
    store: &AccountStore,
    res: &Resource,
    params: &Map<String, Value>,
) -> Result<(), ApiError> {
    for col in res.columns {
        if col.column_type != ColumnType::Ref || col.references.is_empty() {
            continue;
        }
        let Some(id) = str_param(params, col.name) else {
            continue;
        };
        let known = col.references.iter().any(|t| {
            store
                .coll(t)
                .is_some_and(|c| c.get(id).is_some_and(|e| !e.deleted))
        });
        if !known && col.references.iter().all(|t| resource(t).is_some()) {
            return Err(ApiError::no_such(col.references[0], id).with_param(col.name));
        }
    }
    Ok(())
}

fn get_live(store: &AccountStore, object: &str, id: &str) -> Result<Value, ApiError> {
    match store.coll(object).and_then(|c| c.get(id)) {
        Some(e) if !e.deleted => Ok(e.value()),
        _ => Err(ApiError::no_such(object, id)),
    }
}

fn put(
    store: &mut AccountStore,
    object: &str,
    id: &str,
    v: &Value,
    parents: Vec<(&'static str, String)>,
    created: i64,
    deleted: bool,
) {
    let coll = store.coll_mut(object);
    let key = match coll.get(id) {
        Some(e) => e.key,
        None => coll.next_key(created),
    };
    coll.put(Entry {
        id: id.to_string(),
        key,
        json: Bytes::from(serde_json::to_vec(v).unwrap_or_default()),
        deleted,
        parents,
        tag: None,
    });
}

/// Refreshes the embedded lists of a child's parents (e.g. `invoice.lines`
/// after a line changes) and records the parents' update events.
fn refresh_parents(
    state: &State,
    endpoints: &[webhooks::Endpoint],
    store: &mut AccountStore,
    account: &str,
    parents: &[(&'static str, String)],
    out: &mut Vec<Pending>,
) {
    for (pobj, pid) in parents {
        if let Some((old, new)) = refresh_embedded(store, pobj, pid) {
            if let Some(t) = event_type_for(pobj, Action::Updated) {
                let prev = previous_attributes(&old, &new);
                out.push(record_event(
                    state,
                    endpoints,
                    store,
                    account,
                    t,
                    new,
                    Some(prev),
                ));
            }
        }
    }
}

fn previous_attributes(old: &Value, new: &Value) -> Value {
    let mut prev = Map::new();
    if let (Some(o), Some(n)) = (old.as_object(), new.as_object()) {
        for (k, nv) in n {
            let ov = o.get(k).cloned().unwrap_or(Value::Null);
            if &ov != nv {
                prev.insert(k.clone(), ov);
            }
        }
    }
    Value::Object(prev)
}

/// `POST` to a list path: creates an object.
pub(crate) fn create(
    state: &Arc<State>,
    account: &str,
    res: &'static Resource,
    ep: &'static ListEndpoint,
    caps: &HashMap<String, String>,
    params: Map<String, Value>,
) -> Result<(u16, Vec<u8>), ApiError> {
    let lock = state
        .account(account)
        .ok_or_else(|| ApiError::no_such("account", account))?;
    let endpoints = webhooks::snapshot(state);
    let mut pending = Vec::new();
    let created = now();
    let object = res.object;
    let template = state
        .templates
        .get(object)
        .cloned()
        .unwrap_or_else(|| json!({"id": "", "object": object}));
    let mut webhook_secret: Option<EndpointSecret> = None;
    let result = {
        let mut store = lock.write().unwrap_or_else(|e| e.into_inner());
        let store = &mut *store;
        // The parent, from the path or a required parameter.
        let mut parents: Vec<(&'static str, String)> = Vec::new();
        let mut parent_fields: Vec<(&'static str, String)> = Vec::new();
        for p in ep.params {
            let v = if p.in_path {
                caps.get(p.name).cloned()
            } else {
                str_param(&params, p.name).map(String::from)
            };
            let Some(v) = v else {
                return Err(ApiError::missing(p.name));
            };
            if let Some(o) = param_object(p) {
                get_live(store, o, &v).map_err(|e| e.with_param(p.name))?;
                if parents.is_empty() && o != object {
                    parents.push((o, v.clone()));
                }
                parent_fields.push((p.name, v.clone()));
                parent_fields.push((o.rsplit('.').next().unwrap_or(o), v));
            }
        }
        check_refs(store, res, &params)?;
        let id = match str_param(&params, "id") {
            Some(given)
                if matches!(object, "coupon" | "plan" | "product" | "price" | "tax_code") =>
            {
                if store.coll(object).is_some_and(|c| c.get(given).is_some()) {
                    return Err(ApiError::invalid(
                        "resource_already_exists",
                        format!("{object} already exists: {given}"),
                    )
                    .with_param("id"));
                }
                given.to_string()
            }
            _ => new_id(object, &mut rand::thread_rng()),
        };
        let mut m = from_template(&template, object, &id, created);
        // Fixture values that would point at objects that do not exist, or describe the fixture.
        for k in [
            "customer",
            "subscription",
            "invoice",
            "payment_intent",
            "charge",
            "latest_invoice",
            "latest_charge",
            "default_price",
            "balance_transaction",
            "payment_method",
            "application",
            "test_clock",
            "schedule",
        ] {
            if m.get(k).is_some_and(|v| v.is_string()) {
                m.insert(k.into(), Value::Null);
            }
        }
        for (k, v) in &parent_fields {
            if m.contains_key(*k) {
                m.insert((*k).to_string(), json!(v));
            }
        }
        if m.contains_key("metadata") {
            m.insert("metadata".into(), json!({}));
        }
        crate::form::merge(&mut m, &params);
        let mut children: Vec<(&'static str, Value)> = Vec::new();
        match object {
            "customer" => {}
            "product" => {
                require(&params, "name")?;
                m.insert("default_price".into(), Value::Null);
                m.insert("updated".into(), json!(created));
            }
            "price" => {
                require(&params, "currency")?;
                let product = require(&params, "product")?
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                get_live(store, "product", &product).map_err(|e| e.with_param("product"))?;
                if params.get("unit_amount").is_some() {
                    m.insert(
                        "unit_amount_decimal".into(),
                        json!(m
                            .get("unit_amount")
                            .map(|v| v.to_string())
                            .unwrap_or_default()),
                    );
                }
                if params.get("recurring").is_none() {
                    m.insert("recurring".into(), Value::Null);
                    m.insert("type".into(), json!("one_time"));
                }
            }
            "subscription" => {
                let customer = require(&params, "customer")?
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                get_live(store, "customer", &customer).map_err(|e| e.with_param("customer"))?;
                let items = match require(&params, "items")? {
                    Value::Array(a) if !a.is_empty() => a.clone(),
                    _ => return Err(ApiError::bad_param("items", "Invalid array: items")),
                };
                let si_tpl = state
                    .templates
                    .get("subscription_item")
                    .cloned()
                    .unwrap_or_else(|| json!({}));
                for (i, it) in items.iter().enumerate() {
                    let price_id = it
                        .get("price")
                        .and_then(|v| v.as_str())
                        .ok_or_else(|| ApiError::missing(&format!("items[{i}][price]")))?;
                    let price = get_live(store, "price", price_id)
                        .map_err(|e| e.with_param(&format!("items[{i}][price]")))?;
                    let quantity = it
                        .get("quantity")
                        .and_then(|v| v.as_str())
                        .and_then(|s| s.parse::<i64>().ok())
                        .unwrap_or(1);
                    let si_id = new_id("subscription_item", &mut rand::thread_rng());
                    let mut si = from_template(&si_tpl, "subscription_item", &si_id, created);
                    si.insert("price".into(), price.clone());
                    si.insert("quantity".into(), json!(quantity));
                    si.insert("subscription".into(), json!(id));
                    si.insert("metadata".into(), json!({}));
                    if si.contains_key("plan") {
                        si.insert("plan".into(), Value::Null);
                    }
                    children.push(("subscription_item", Value::Object(si)));
                }
                m.insert("status".into(), json!("active"));
                for k in [
                    "cancel_at",
                    "canceled_at",
                    "ended_at",
                    "trial_end",
                    "trial_start",
                ] {
                    if !params.contains_key(k) {
                        m.insert(k.into(), Value::Null);
                    }
                }
                m.insert("start_date".into(), json!(created));
                m.insert("current_period_start".into(), json!(created));
                m.insert("current_period_end".into(), json!(created + 30 * 86_400));
                m.insert("billing_cycle_anchor".into(), json!(created));
            }
            "invoice" => {
                let customer = require(&params, "customer")?
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                get_live(store, "customer", &customer).map_err(|e| e.with_param("customer"))?;
                m.insert("status".into(), json!("draft"));
                for k in [
                    "amount_due",
                    "amount_paid",
                    "amount_remaining",
                    "subtotal",
                    "subtotal_excluding_tax",
                    "total",
                    "total_excluding_tax",
                ] {
                    if m.contains_key(k) {
                        m.insert(k.into(), json!(0));
                    }
                }
            }
            "payment_intent" => {
                require(&params, "amount")?;
                require(&params, "currency")?;
                if m.get("amount").and_then(|v| v.as_i64()).unwrap_or(0) <= 0 {
                    return Err(ApiError::bad_param(
                        "amount",
                        "This value must be greater than or equal to 1.",
                    ));
                }
                m.insert("status".into(), json!("requires_payment_method"));
                m.insert("canceled_at".into(), Value::Null);
                m.insert(
                    "client_secret".into(),
                    json!(format!(
                        "{id}_secret_{}",
                        new_id("x", &mut rand::thread_rng())
                    )),
                );
            }
            "webhook_endpoint" => {
                require(&params, "url")?;
                let events = match require(&params, "enabled_events")? {
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
                m.insert("enabled_events".into(), Value::Array(events));
                m.insert("status".into(), json!("enabled"));
                let api_version = str_param(&params, "api_version").map(String::from);
                m.insert("api_version".into(), json!(api_version));
                let tail: String = new_id("x", &mut rand::thread_rng())
                    .split_once('_')
                    .map(|x| x.1.to_string())
                    .unwrap_or_default();
                webhook_secret = Some(EndpointSecret {
                    secret: format!("whsec_{tail}"),
                    connect: str_param(&params, "connect") == Some("true")
                        || params.get("connect") == Some(&Value::Bool(true)),
                });
            }
            _ => {}
        }
        let v = Value::Object(m);
        put(store, object, &id, &v, parents.clone(), created, false);
        for (cobj, child) in &children {
            let cid = child
                .get("id")
                .and_then(|x| x.as_str())
                .unwrap_or("")
                .to_string();
            put(
                store,
                cobj,
                &cid,
                child,
                vec![(object, id.clone())],
                created,
                false,
            );
        }
        let v = refresh_embedded(store, object, &id)
            .map(|(_, n)| n)
            .unwrap_or(v);
        if let Some(t) = event_type_for(object, Action::Created) {
            pending.push(record_event(
                state,
                &endpoints,
                store,
                account,
                t,
                v.clone(),
                None,
            ));
        }
        refresh_parents(state, &endpoints, store, account, &parents, &mut pending);
        v
    };
    let mut out = result;
    if let Some(sec) = webhook_secret {
        out["secret"] = json!(sec.secret);
        let id = out
            .get("id")
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .to_string();
        state
            .secrets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, sec);
    }
    deliver_all(state, pending);
    Ok((200, serde_json::to_vec(&out).unwrap_or_default()))
}

/// `POST` to an object's path: updates it.
pub(crate) fn update(
    state: &Arc<State>,
    account: &str,
    res: &'static Resource,
    id: &str,
    params: Map<String, Value>,
) -> Result<(u16, Vec<u8>), ApiError> {
    let lock = state
        .account(account)
        .ok_or_else(|| ApiError::no_such("account", account))?;
    let endpoints = webhooks::snapshot(state);
    let object = res.object;
    let mut pending = Vec::new();
    let new = {
        let mut store = lock.write().unwrap_or_else(|e| e.into_inner());
        let store = &mut *store;
        let entry = match store.coll(object).and_then(|c| c.get(id)) {
            Some(e) if !e.deleted => e.clone(),
            _ => return Err(ApiError::no_such(object, id)),
        };
        check_refs(store, res, &params)?;
        let old = entry.value();
        let mut m = old.as_object().cloned().unwrap_or_default();
        crate::form::merge(&mut m, &params);
        if object == "webhook_endpoint" {
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
        if object == "product" && m.contains_key("updated") {
            m.insert("updated".into(), json!(now()));
        }
        let new = Value::Object(m);
        if new != old {
            put(
                store,
                object,
                id,
                &new,
                entry.parents.clone(),
                entry.created(),
                false,
            );
            if let Some(t) = event_type_for(object, Action::Updated) {
                let prev = previous_attributes(&old, &new);
                pending.push(record_event(
                    state,
                    &endpoints,
                    store,
                    account,
                    t,
                    new.clone(),
                    Some(prev),
                ));
            }
            refresh_parents(
                state,
                &endpoints,
                store,
                account,
                &entry.parents,
                &mut pending,
            );
        }
        new
    };
    deliver_all(state, pending);
    Ok((200, serde_json::to_vec(&new).unwrap_or_default()))
}

/// `DELETE`: deletes an object (it leaves every list; `GET` answers a stub).
pub(crate) fn delete(
    state: &Arc<State>,
    account: &str,
    res: &'static Resource,
    id: &str,
) -> Result<(u16, Vec<u8>), ApiError> {
    let lock = state
        .account(account)
        .ok_or_else(|| ApiError::no_such("account", account))?;
    let endpoints = webhooks::snapshot(state);
    let object = res.object;
    let has_events = EVENT_TYPES.iter().any(|e| e.object == Some(object));
    let delete_type = event_type_for(object, Action::Deleted);
    if has_events && delete_type.is_none() {
        return Err(ApiError::invalid(
            "resource_not_deletable",
            format!("Objects of type {object} cannot be deleted."),
        ));
    }
    let mut pending = Vec::new();
    {
        let mut store = lock.write().unwrap_or_else(|e| e.into_inner());
        let store = &mut *store;
        let entry = match store.coll(object).and_then(|c| c.get(id)) {
            Some(e) if !e.deleted => e.clone(),
            _ => return Err(ApiError::no_such(object, id)),
        };
        let v = entry.value();
        put(
            store,
            object,
            id,
            &v,
            entry.parents.clone(),
            entry.created(),
            true,
        );
        if let Some(t) = delete_type {
            let mut last = v.clone();
            last["deleted"] = json!(true);
            pending.push(record_event(
                state, &endpoints, store, account, t, last, None,
            ));
        }
        refresh_parents(
            state,
            &endpoints,
            store,
            account,
            &entry.parents,
            &mut pending,
        );
    }
    if object == "webhook_endpoint" {
        state
            .secrets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
    }
    deliver_all(state, pending);
    Ok((200, deleted_stub(object, id).to_string().into_bytes()))
}
