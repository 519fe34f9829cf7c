//! Writes: create (`POST` to a list path), update (`POST` to an object's
//! path) and delete, generic over the registry; the few object-specific
//! behaviours are in [`crate::rules`]. Each write records an event and
//! delivers it, unless made [`Announce::Quietly`].

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use rand::Rng;
use serde_json::{json, Map, Value};
use stripe_sync_generated::{resource, ColumnType, ListEndpoint, Resource, EVENT_TYPES};

use crate::error::ApiError;
use crate::form::{self, require, str_param};
use crate::rules;
use crate::seed::{from_template, new_id, param_object, refresh_embedded};
use crate::state::State;
use crate::store::{deleted_stub, AccountStore, Entry};
use crate::webhooks;

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

/// Whether a write announces itself: records its events (and its parents'
/// refresh events) in `/v1/events` and delivers them to the webhook
/// endpoints. A quiet write (the `Simulator-Quiet: true` header) makes the
/// mirror drift from the simulator on purpose.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Announce {
    /// Record the write's events and deliver them, as Stripe does.
    #[default]
    Events,
    /// Make the write without recording or delivering any event.
    Quietly,
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
    let created = state.now();
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
        state
            .webhooks
            .dispatch(&state.config.api_version, &p.event, p.targets);
    }
}

/// Checks that references given as parameters exist: the registry's
/// reference columns whose name is a parameter.
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

/// The parent a create names, from the list path or a required list
/// parameter (`/v1/customers/{customer}/tax_ids`, `subscription=` for
/// subscription items), which must exist.
struct Parents {
    /// The parent it is listed under: (object, id).
    listed_under: Vec<(&'static str, String)>,
    /// Fields of the new object naming it: the parameter, and the parent
    /// object's last word (`value_list` for `radar.value_list`).
    fields: Vec<(&'static str, String)>,
}

fn parents_of(
    store: &AccountStore,
    ep: &ListEndpoint,
    object: &str,
    caps: &HashMap<String, String>,
    params: &Map<String, Value>,
) -> Result<Parents, ApiError> {
    let mut parents = Parents {
        listed_under: Vec::new(),
        fields: Vec::new(),
    };
    for p in ep.params {
        let v = if p.in_path {
            caps.get(p.name).cloned()
        } else {
            str_param(params, p.name).map(String::from)
        };
        let Some(v) = v else {
            return Err(ApiError::missing(p.name));
        };
        if let Some(o) = param_object(p) {
            store.live_value(o, &v).map_err(|e| e.with_param(p.name))?;
            if parents.listed_under.is_empty() && o != object {
                parents.listed_under.push((o, v.clone()));
            }
            parents.fields.push((p.name, v.clone()));
            parents.fields.push((o.rsplit('.').next().unwrap_or(o), v));
        }
    }
    Ok(parents)
}

/// The new object's id: the caller's `id` where the create takes one (the
/// registry's `accepts_id`, or [`rules::also_accepts_id`]) and it is not
/// taken, else a fresh one.
fn id_for_new(
    store: &AccountStore,
    ep: &ListEndpoint,
    object: &str,
    params: &Map<String, Value>,
) -> Result<String, ApiError> {
    let accepts_id = ep.create.is_some_and(|c| c.accepts_id) || rules::also_accepts_id(object);
    match str_param(params, "id") {
        Some(given) if accepts_id => {
            if store.coll(object).is_some_and(|c| c.get(given).is_some()) {
                return Err(ApiError::invalid(
                    "resource_already_exists",
                    format!("{object} already exists: {given}"),
                )
                .with_param("id"));
            }
            Ok(given.to_string())
        }
        _ => Ok(new_id(object, &mut rand::thread_rng())),
    }
}

/// Checks the create's required parameters: the spec's (the registry's
/// `required`), then the simulator's ([`rules::also_required`]).
fn check_required(
    ep: &ListEndpoint,
    object: &str,
    params: &Map<String, Value>,
) -> Result<(), ApiError> {
    let spec = ep.create.map_or(&[][..], |c| c.required);
    for name in spec.iter().chain(rules::also_required(object)) {
        require(params, name)?;
    }
    Ok(())
}

/// A new object before its rule: the template under a fresh identity,
/// without the fixture's ids of other objects, naming its parents, with
/// empty metadata, and the parameters merged in.
fn new_object(
    template: &Value,
    res: &Resource,
    id: &str,
    created: i64,
    parents: &Parents,
    params: &Map<String, Value>,
) -> Map<String, Value> {
    let mut m = from_template(template, res.object, id, created);
    clear_fixture_ids(res, &mut m);
    for (k, v) in &parents.fields {
        if m.contains_key(*k) {
            m.insert((*k).to_string(), json!(v));
        }
    }
    if m.contains_key("metadata") {
        m.insert("metadata".into(), json!({}));
    }
    form::merge(&mut m, params);
    m
}

/// Clears the template's ids of other objects, which name fixture objects
/// that do not exist: the registry's references, and the plain id fields
/// the spec does not mark ([`rules::PLAIN_ID_FIELDS`]).
fn clear_fixture_ids(res: &Resource, m: &mut Map<String, Value>) {
    let references = res
        .columns
        .iter()
        .filter(|c| c.column_type == ColumnType::Ref)
        .map(|c| c.name);
    for k in references.chain(rules::PLAIN_ID_FIELDS.iter().copied()) {
        if m.get(k).is_some_and(|v| v.is_string()) {
            m.insert(k.into(), Value::Null);
        }
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
/// after a line changes) and records the parents' update events, unless
/// `announce` is [`Announce::Quietly`].
fn refresh_parents(
    state: &State,
    endpoints: &[webhooks::Endpoint],
    store: &mut AccountStore,
    account: &str,
    parents: &[(&'static str, String)],
    announce: Announce,
    out: &mut Vec<Pending>,
) {
    for (pobj, pid) in parents {
        // A child past the first page of its parent's embedded list leaves
        // the list unchanged, yet Stripe's parent changed all the same:
        // its update event comes either way (with nothing in
        // `previous_attributes`).
        let changed = refresh_embedded(store, pobj, pid).or_else(|| {
            let e = store.coll(pobj)?.get(pid)?;
            (!e.deleted).then(|| (e.value(), e.value()))
        });
        if let (Some((old, new)), Announce::Events) = (changed, announce) {
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

/// `POST` to a list path: creates an object. What the spec says (parents
/// on the path, references, caller-given ids, required parameters) comes
/// from the registry; what it cannot say, from [`rules`].
pub(crate) fn create(
    state: &Arc<State>,
    account: &str,
    res: &'static Resource,
    ep: &'static ListEndpoint,
    caps: &HashMap<String, String>,
    params: Map<String, Value>,
    announce: Announce,
) -> Result<(u16, Vec<u8>), ApiError> {
    let lock = state
        .account(account)
        .ok_or_else(|| ApiError::no_such("account", account))?;
    let endpoints = state.webhook_endpoints();
    let mut pending = Vec::new();
    let created = state.now();
    let object = res.object;
    let template = state
        .templates
        .get(object)
        .cloned()
        .unwrap_or_else(|| json!({"id": "", "object": object}));
    let (mut out, secret) = {
        let mut store = lock.write().unwrap_or_else(|e| e.into_inner());
        let store = &mut *store;
        let parents = parents_of(store, ep, object, caps, &params)?;
        check_refs(store, res, &params)?;
        let id = id_for_new(store, ep, object, &params)?;
        let m = new_object(&template, res, &id, created, &parents, &params);
        check_required(ep, object, &params)?;
        let mut draft = rules::Draft {
            id: &id,
            created,
            params: &params,
            store,
            templates: &state.templates,
            object: m,
            children: Vec::new(),
            secret: None,
        };
        rules::shape_new(object, &mut draft)?;
        let rules::Draft {
            object: m,
            children,
            secret,
            ..
        } = draft;
        let v = Value::Object(m);
        let listed_under = parents.listed_under;
        put(store, object, &id, &v, listed_under.clone(), created, false);
        for (cobj, child) in &children {
            let cid = child.get("id").and_then(|x| x.as_str()).unwrap_or("");
            let parent = vec![(object, id.clone())];
            put(store, cobj, cid, child, parent, created, false);
        }
        let v = refresh_embedded(store, object, &id)
            .map(|(_, n)| n)
            .unwrap_or(v);
        if let (Some(t), Announce::Events) = (event_type_for(object, Action::Created), announce) {
            let e = record_event(state, &endpoints, store, account, t, v.clone(), None);
            pending.push(e);
        }
        refresh_parents(
            state,
            &endpoints,
            store,
            account,
            &listed_under,
            announce,
            &mut pending,
        );
        (v, secret)
    };
    if let Some(sec) = secret {
        out["secret"] = json!(sec.secret);
        let id = out["id"].as_str().unwrap_or("").to_string();
        let mut secrets = state.webhooks.secrets();
        secrets.insert(id, sec);
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
    announce: Announce,
) -> Result<(u16, Vec<u8>), ApiError> {
    let lock = state
        .account(account)
        .ok_or_else(|| ApiError::no_such("account", account))?;
    let endpoints = state.webhook_endpoints();
    let object = res.object;
    let mut pending = Vec::new();
    let new = {
        let mut store = lock.write().unwrap_or_else(|e| e.into_inner());
        let store = &mut *store;
        let entry = store.live_entry(object, id)?;
        check_refs(store, res, &params)?;
        let old = entry.value();
        let mut m = old.as_object().cloned().unwrap_or_default();
        form::merge(&mut m, &params);
        rules::shape_update(object, &params, &mut m, state.now());
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
            if let (Some(t), Announce::Events) = (event_type_for(object, Action::Updated), announce)
            {
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
                announce,
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
    announce: Announce,
) -> Result<(u16, Vec<u8>), ApiError> {
    let lock = state
        .account(account)
        .ok_or_else(|| ApiError::no_such("account", account))?;
    let endpoints = state.webhook_endpoints();
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
        let entry = store.live_entry(object, id)?;
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
        if let (Some(t), Announce::Events) = (delete_type, announce) {
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
            announce,
            &mut pending,
        );
    }
    if object == "webhook_endpoint" {
        state.webhooks.secrets().remove(id);
    }
    deliver_all(state, pending);
    Ok((200, deleted_stub(object, id).to_string().into_bytes()))
}

/// Connected account `account` revokes the platform's access: marks it
/// revoked and records, in the platform's events, an
/// `account.application.deauthorized` event carrying `account`, delivered to
/// the Connect endpoints. `None` when `account` is the platform, unknown, or
/// already revoked.
pub(crate) fn revoke_account(state: &Arc<State>, account: &str) -> Option<Value> {
    if account == state.config.account_id || state.account(account).is_none() {
        return None;
    }
    if !state
        .revoked
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .insert(account.to_string())
    {
        return None;
    }
    let endpoints = state.webhook_endpoints();
    let application = json!({
        "id": format!("ca_{}", state.config.account_id.trim_start_matches("acct_")),
        "object": "application",
        "name": "stripe-sync simulator",
    });
    let pending = {
        let mut store = state
            .account(&state.config.account_id)?
            .write()
            .unwrap_or_else(|e| e.into_inner());
        // Recorded in the platform's store, on behalf of `account`: the
        // event names it and goes to the Connect endpoints.
        record_event(
            state,
            &endpoints,
            &mut store,
            account,
            "account.application.deauthorized",
            application,
            None,
        )
    };
    let event = pending.event.clone();
    deliver_all(state, vec![pending]);
    Some(event)
}
