//! HTTP: the route table built from the registry, auth, reads, and the
//! `/_simulator` control API. Writes are in [`crate::writes`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};

use axum::body::{Body, Bytes};
use axum::extract::State as AxState;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use serde_json::{json, Map, Value};
use stripe_sync_generated::{Resource, RESOURCES};

use crate::error::ApiError;
use crate::seed::param_object;
use crate::state::State;
use crate::store::{deleted_stub, AccountStore, CreatedFilter, ListQuery};
use crate::writes::Announce;
use crate::{faults, form, writes};

#[cfg(test)]
mod tests {
    #[test]
    fn basic_auth_is_decoded() {
        assert_eq!(
            super::base64_decode("c2tfdGVzdF94Og==").as_deref(),
            Some("sk_test_x:")
        );
        assert_eq!(super::base64_decode("!!"), None);
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Lit(String),
    Var(String),
}

/// What a route pattern serves.
#[derive(Clone, Debug)]
pub(crate) enum Target {
    /// A list endpoint of one or more resources (`/v1/customers/{customer}/sources`
    /// lists cards, bank accounts and sources), with the endpoint index.
    List(Vec<(&'static Resource, usize)>),
    /// One object of one of these resources, the id in the last segment.
    Item(Vec<&'static Resource>),
}

struct Route {
    segs: Vec<Seg>,
    target: Target,
}

/// The route table, built once from the registry.
pub struct Routes {
    routes: Vec<Route>,
}

fn parse_pattern(p: &str) -> Vec<Seg> {
    p.trim_matches('/')
        .split('/')
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                Seg::Var(s[1..s.len() - 1].to_string())
            } else {
                Seg::Lit(s.to_string())
            }
        })
        .collect()
}

impl Routes {
    /// The table of the registry's routes, built on first use.
    pub(crate) fn table() -> &'static Routes {
        static TABLE: OnceLock<Routes> = OnceLock::new();
        TABLE.get_or_init(Routes::build)
    }

    /// Builds list and item routes for every resource of the registry.
    pub fn build() -> Routes {
        let mut by_pattern: Vec<(Vec<Seg>, Target)> = Vec::new();
        let mut add = |segs: Vec<Seg>, t: Target| {
            if let Some((_, existing)) = by_pattern.iter_mut().find(|(s, _)| *s == segs) {
                match (existing, t) {
                    (Target::List(a), Target::List(b)) => a.extend(b),
                    (Target::Item(a), Target::Item(b)) => {
                        for r in b {
                            if !a.iter().any(|x| x.object == r.object) {
                                a.push(r);
                            }
                        }
                    }
                    _ => {}
                }
            } else {
                by_pattern.push((segs, t));
            }
        };
        for r in RESOURCES {
            for (i, e) in r.list_endpoints.iter().enumerate() {
                add(parse_pattern(e.path), Target::List(vec![(r, i)]));
                let mut item = parse_pattern(e.path);
                item.push(Seg::Var("id".into()));
                add(item, Target::Item(vec![r]));
            }
            if let Some(p) = r.retrieve_path {
                add(parse_pattern(p), Target::Item(vec![r]));
            }
        }
        Routes {
            routes: by_pattern
                .into_iter()
                .map(|(segs, target)| Route { segs, target })
                .collect(),
        }
    }

    /// The best route for `path` (most literal segments), with its captures.
    pub(crate) fn find(&self, path: &str) -> Option<(&Target, HashMap<String, String>)> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut best: Option<(usize, &Route)> = None;
        for r in &self.routes {
            if r.segs.len() != parts.len() {
                continue;
            }
            let mut lits = 0;
            let ok = r.segs.iter().zip(&parts).all(|(s, p)| match s {
                Seg::Lit(l) => {
                    lits += 1;
                    l == p
                }
                Seg::Var(_) => !p.is_empty(),
            });
            let better = match best {
                None => true,
                Some((b, _)) => lits > b,
            };
            if ok && better {
                best = Some((lits, r));
            }
        }
        let (_, r) = best?;
        let caps = r
            .segs
            .iter()
            .zip(&parts)
            .filter_map(|(s, p)| match s {
                Seg::Var(v) => Some((v.clone(), percent_decode(p))),
                Seg::Lit(_) => None,
            })
            .collect();
        Some((&r.target, caps))
    }
}

fn percent_decode(s: &str) -> String {
    form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_string())
}

/// The axum app: everything goes through [`handle`].
pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .fallback(handle)
        .layer(axum::middleware::map_response_with_state(
            state.clone(),
            date_header,
        ))
        .with_state(state)
}

/// Every answer's `Date` header reads the simulated clock, as Stripe's
/// reads Stripe's: a client can tell how far its clock is from the one
/// that dates objects and events ([`crate::SimHandle::set_clock_offset`]).
async fn date_header(AxState(state): AxState<Arc<State>>, mut r: Response) -> Response {
    let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(state.now().max(0) as u64);
    if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(now)) {
        r.headers_mut().insert(axum::http::header::DATE, v);
    }
    r
}

/// A JSON response.
pub(crate) fn respond(status: u16, body: impl Into<Body>) -> Response {
    let mut r = Response::new(body.into());
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r.headers_mut().insert(
        "stripe-version",
        HeaderValue::from_static(stripe_sync_generated::API_VERSION),
    );
    r
}

fn error_response(e: &ApiError) -> Response {
    let mut r = respond(e.status, e.body());
    if e.status == 429 {
        r.headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
        // Which limit was exceeded, as Stripe says it.
        if let Some(reason) = faults::RateLimitReason::of(e) {
            r.headers_mut().insert(
                "stripe-rate-limited-reason",
                HeaderValue::from_static(reason.header_value()),
            );
        }
    }
    r
}

fn base64_decode(s: &str) -> Option<String> {
    let mut bits: u32 = 0;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The account a request's key acts as without `Stripe-Account`: the
/// platform, or the account [`crate::SimConfig::key_accounts`] maps the key to.
fn key_account<'a>(state: &'a State, headers: &HeaderMap) -> &'a str {
    let key = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|a| a.strip_prefix("Bearer "))
        .map(str::trim);
    key.and_then(|k| state.config.key_accounts.get(k))
        .filter(|a| state.accounts.contains_key(a.as_str()))
        .unwrap_or(&state.config.account_id)
}

/// The request's API key: Bearer, or the basic-auth user (`curl -u sk_test_…:`).
fn request_key(headers: &HeaderMap) -> String {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Some(b) = auth.strip_prefix("Basic ") {
        let basic = base64_decode(b.trim()).unwrap_or_default();
        basic.split(':').next().unwrap_or("").trim().to_string()
    } else {
        auth.strip_prefix("Bearer ")
            .map(str::trim)
            .unwrap_or("")
            .to_string()
    }
}

/// What a restricted key may use, or `Ok` for any other key: Stripe's 403
/// naming the permission that would allow the request.
fn permit(
    permits: Option<&std::collections::BTreeSet<String>>,
    key: &str,
    account: &str,
    object: &str,
    write: bool,
) -> Result<(), ApiError> {
    match permits {
        Some(p) if !p.contains(object) => {
            let shown: String = key.chars().take(8).collect();
            let tail = key_tail(key);
            Err(ApiError {
                status: 403,
                kind: "invalid_request_error",
                code: "",
                message: format!(
                    "The provided key '{shown}***{tail}' does not have the required permissions for this endpoint on account '{account}'. Having the 'rak_{}_{}' permission would allow this request to continue.",
                    object.replace('.', "_"),
                    if write { "write" } else { "read" }
                ),
                param: None,
            })
        }
        _ => Ok(()),
    }
}

/// A key's last four characters, all Stripe's errors show of it.
fn key_tail(key: &str) -> String {
    let n = key.chars().count();
    key.chars().skip(n.saturating_sub(4)).collect()
}

fn check_auth(state: &State, headers: &HeaderMap) -> Result<(), ApiError> {
    let key = request_key(headers);
    let key = key.as_str();
    if key.is_empty() {
        return Err(ApiError {
            status: 401,
            kind: "invalid_request_error",
            code: "api_key_missing",
            message: "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').".into(),
            param: None,
        });
    }
    if let Some(expected) = &state.config.api_key {
        if key != expected {
            return Err(ApiError {
                status: 401,
                kind: "invalid_request_error",
                code: "api_key_invalid",
                message: format!("Invalid API Key provided: ****{}", key_tail(key)),
                param: None,
            });
        }
    }
    Ok(())
}

/// The account a request acts on: `Stripe-Account`, else the platform.
/// A write's [`Announce`]: [`Announce::Quietly`] when the request carries
/// `Simulator-Quiet: true` (or `1`), for tests that make a mirror drift.
fn announce(headers: &HeaderMap) -> Announce {
    let quiet = headers
        .get("simulator-quiet")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
    if quiet {
        Announce::Quietly
    } else {
        Announce::Events
    }
}

fn request_account(state: &State, headers: &HeaderMap) -> Result<String, ApiError> {
    match headers.get("stripe-account").and_then(|v| v.to_str().ok()).map(str::trim) {
        None | Some("") => Ok(key_account(state, headers).to_string()),
        Some(a) if state.is_revoked(a) => Err(ApiError {
            status: 403,
            kind: "invalid_request_error",
            code: "account_invalid",
            message: format!("The provided key does not have access to account '{a}': the application's access to it was revoked (the account deauthorized the platform)."),
            param: None,
        }),
        Some(a) if state.accounts.contains_key(a) => Ok(a.to_string()),
        Some(a) => Err(ApiError {
            status: 403,
            kind: "invalid_request_error",
            code: "account_invalid",
            message: format!("The provided key does not have access to account '{a}' (or that account does not exist)."),
            param: None,
        }),
    }
}

async fn handle(
    AxState(state): AxState<Arc<State>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let query = uri.query().unwrap_or("").to_string();
    if let Some(rest) = path.strip_prefix("/_simulator/") {
        return match control(&state, &method, rest, &query, &body) {
            Ok((status, v)) => respond(status, v.to_string()),
            Err(e) => error_response(&e),
        };
    }
    state.requests.fetch_add(1, Ordering::Relaxed);
    *state
        .requests_by_endpoint
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(endpoint_name(&method, &path))
        .or_insert(0) += 1;
    let stripe_version = headers
        .get("stripe-version")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty());
    if let Some(v) = stripe_version {
        *state
            .stripe_versions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(v.to_string())
            .or_insert(0) += 1;
    }
    // Rate limits are per account: a known `Stripe-Account`'s, else the
    // platform's (an unknown one is refused after the limits, as the platform).
    let limited_account = headers
        .get("stripe-account")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|a| state.accounts.contains_key(*a))
        .unwrap_or_else(|| key_account(&state, &headers))
        .to_string();
    let limits = faults::RateLimits {
        global: state.config.rate_limit_per_sec,
        endpoint: state.config.endpoint_rate_limit_per_sec,
        platform: state.config.platform_rate_limit_per_sec,
    };
    let result = async {
        state.faults.apply(&path, &limited_account, limits).await?;
        check_auth(&state, &headers)?;
        let account = request_account(&state, &headers)?;
        let is_json = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("application/json"));
        let request = Request {
            method: &method,
            path: &path,
            query: &query,
            body: &body,
            is_json,
            stripe_version,
            announce: announce(&headers),
            key: request_key(&headers),
        };
        dispatch(&state, &account, &request)
    }
    .await;
    let mut resp = match result {
        Ok((status, body)) => respond(status, body),
        Err(e) => error_response(&e),
    };
    let rid = format!("req_{:016x}", rand::random::<u64>());
    if let Ok(v) = HeaderValue::from_str(&rid) {
        resp.headers_mut().insert("request-id", v);
    }
    resp
}

/// One API request, as [`dispatch`] reads it.
struct Request<'a> {
    method: &'a Method,
    path: &'a str,
    query: &'a str,
    body: &'a [u8],
    is_json: bool,
    /// The `Stripe-Version` header, when sent.
    stripe_version: Option<&'a str>,
    /// Whether a write records and delivers its events (`Simulator-Quiet`).
    announce: Announce,
    /// The API key (a restricted key may use only some objects).
    key: String,
}

fn dispatch(
    state: &Arc<State>,
    account: &str,
    request: &Request<'_>,
) -> Result<(u16, Vec<u8>), ApiError> {
    let Request {
        method,
        path,
        query,
        body,
        is_json,
        stripe_version,
        announce,
        ref key,
    } = *request;
    let permits = state.config.restricted_keys.get(key.as_str());
    let permit = |object: &str, write: bool| permit(permits, key, account, object, write);
    let q = form::decode(query.as_bytes())?;
    let expand = expand_paths(&q)?;
    let params = || {
        if is_json {
            form::decode_json(body)
        } else {
            form::decode(body)
        }
    };
    let store_lock = state
        .account(account)
        .ok_or_else(|| ApiError::no_such("account", account))?;
    if path == "/v1/account" && method == Method::GET {
        permit("account", false)?;
        let s = store_lock.read().unwrap_or_else(|e| e.into_inner());
        return Ok((200, serde_json::to_vec(&s.me).unwrap_or_default()));
    }
    if path == "/v1/events" && method == Method::GET {
        permit("event", false)?;
        let mut lq = list_query(&q, true)?;
        lq.tags = event_types_filter(&q)?;
        let s = store_lock.read().unwrap_or_else(|e| e.into_inner());
        let page = match s.coll("event") {
            Some(c) => c.page("event", None, &lq)?,
            None => crate::store::Page {
                data: vec![],
                has_more: false,
            },
        };
        state.list_requests.fetch_add(1, Ordering::Relaxed);
        state.record_page(account, path, query);
        return Ok((200, page.to_json(path)));
    }
    if let Some(id) = path.strip_prefix("/v1/events/") {
        if method == Method::GET && !id.contains('/') {
            permit("event", false)?;
            let s = store_lock.read().unwrap_or_else(|e| e.into_inner());
            return match s.coll("event").and_then(|c| c.get(id)) {
                Some(e) => Ok((200, e.json.to_vec())),
                None => Err(ApiError::no_such("event", id)),
            };
        }
    }
    let Some((target, caps)) = Routes::table().find(path) else {
        return Err(ApiError::unrecognized(method.as_str(), path));
    };
    match (target, method) {
        (Target::List(eps), &Method::GET) => {
            let (res, ep) = choose_endpoint(eps, &q);
            // A list under a parent (an invoice's lines) is the parent's to read.
            let parent = ep.params.iter().find_map(|p| p.object);
            if parent.is_none_or(|p| permit(p, false).is_err()) {
                permit(res.object, false)?;
            }
            let s = store_lock.read().unwrap_or_else(|e| e.into_inner());
            // Without `object=`, a path several resources share lists them all.
            let mut merged: Vec<&'static str> = Vec::new();
            if !q.contains_key("object") {
                for (r, _) in eps {
                    if !merged.contains(&r.object) {
                        merged.push(r.object);
                    }
                }
            }
            let page = list(&s, res, ep, &merged, &caps, &q, path, &expand)?;
            state.list_requests.fetch_add(1, Ordering::Relaxed);
            state.record_page(account, path, query);
            Ok(page)
        }
        (Target::List(eps), &Method::POST) => {
            let (res, ep) = choose_endpoint(eps, &q);
            permit(res.object, true)?;
            if res.object == "webhook_endpoint" {
                return create_webhook_endpoint(
                    state,
                    account,
                    (res, ep),
                    &caps,
                    params()?,
                    stripe_version,
                    announce,
                );
            }
            writes::create(state, account, res, ep, &caps, params()?, announce)
        }
        (Target::Item(rs), m) => {
            let id = path
                .rsplit('/')
                .next()
                .map(percent_decode)
                .unwrap_or_default();
            let res = {
                let s = store_lock.read().unwrap_or_else(|e| e.into_inner());
                rs.iter()
                    .copied()
                    .find(|r| s.coll(r.object).is_some_and(|c| c.get(&id).is_some()))
                    .unwrap_or(rs[0])
            };
            permit(res.object, *m != Method::GET)?;
            match *m {
                Method::GET => {
                    let s = store_lock.read().unwrap_or_else(|e| e.into_inner());
                    match s.coll(res.object).and_then(|c| c.get(&id)) {
                        Some(e) if e.deleted => {
                            Ok((200, deleted_stub(res.object, &id).to_string().into_bytes()))
                        }
                        Some(e) => {
                            let paths: Vec<&str> = expand.iter().map(String::as_str).collect();
                            Ok((200, expanded(&s, e, &paths, false).into_owned()))
                        }
                        None => Err(ApiError::no_such(res.object, &id)),
                    }
                }
                Method::POST => writes::update(state, account, res, &id, params()?, announce),
                Method::DELETE => writes::delete(state, account, res, &id, announce),
                _ => Err(ApiError::unrecognized(method.as_str(), path)),
            }
        }
        _ => Err(ApiError::unrecognized(method.as_str(), path)),
    }
}

/// `POST /v1/webhook_endpoints`. Like Stripe, `enabled_events` is checked
/// against the event types of the endpoint's API version (`api_version`,
/// else the request's `Stripe-Version`; the newest for a version this build
/// does not know), so an endpoint of an older version may name types the
/// newest dropped (`sku.created`). [`writes::create`] knows only the newest
/// version's types: it gets those, and the rest are set right after.
fn create_webhook_endpoint(
    state: &Arc<State>,
    account: &str,
    (res, ep): (
        &'static Resource,
        &'static stripe_sync_generated::ListEndpoint,
    ),
    caps: &HashMap<String, String>,
    mut params: Map<String, Value>,
    stripe_version: Option<&str>,
    announce: Announce,
) -> Result<(u16, Vec<u8>), ApiError> {
    let version = params
        .get("api_version")
        .and_then(Value::as_str)
        .or(stripe_version)
        .unwrap_or(stripe_sync_generated::API_VERSION);
    let (Some(known), Some(Value::Array(events))) = (
        stripe_sync_generated::event_types_of(version),
        params.get("enabled_events").cloned(),
    ) else {
        return writes::create(state, account, res, ep, caps, params, announce);
    };
    for name in events.iter().map(|e| e.as_str().unwrap_or("")) {
        if name != "*" && known.binary_search(&name).is_err() {
            return Err(ApiError::bad_param(
                "enabled_events",
                format!("Invalid event type for API version {version}: {name}"),
            ));
        }
    }
    let newest = |e: &Value| {
        e.as_str()
            .is_some_and(|n| n == "*" || stripe_sync_generated::event_type(n).is_some())
    };
    if events.iter().all(newest) {
        return writes::create(state, account, res, ep, caps, params, announce);
    }
    params.insert(
        "enabled_events".into(),
        Value::Array(events.iter().filter(|e| newest(e)).cloned().collect()),
    );
    let (status, body) = writes::create(state, account, res, ep, caps, params, announce)?;
    let mut created: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::invalid("internal", format!("created endpoint: {e}")))?;
    let id = created["id"].as_str().unwrap_or_default().to_string();
    let mut all = Map::new();
    all.insert("enabled_events".into(), Value::Array(events.clone()));
    writes::update(state, account, res, &id, all, announce)?;
    created["enabled_events"] = Value::Array(events);
    Ok((status, serde_json::to_vec(&created).unwrap_or_default()))
}

fn choose_endpoint(
    eps: &[(&'static Resource, usize)],
    q: &Map<String, Value>,
) -> (
    &'static Resource,
    &'static stripe_sync_generated::ListEndpoint,
) {
    let wanted = q.get("object").and_then(|v| v.as_str());
    let (r, i) = eps
        .iter()
        .find(|(r, _)| Some(r.object) == wanted)
        .or_else(|| eps.iter().find(|(_, i)| *i == 0))
        .unwrap_or(&eps[0]);
    (r, &r.list_endpoints[*i])
}

fn int_param(v: &Value, name: &str) -> Result<i64, ApiError> {
    v.as_str()
        .and_then(|s| s.parse::<i64>().ok())
        .or_else(|| v.as_i64())
        .ok_or_else(|| {
            ApiError::bad_param(
                name,
                format!("Invalid integer: {}", v.as_str().unwrap_or(&v.to_string())),
            )
        })
}

/// Parses `limit`, cursors and `created` of a list request.
pub(crate) fn list_query(
    q: &Map<String, Value>,
    supports_created: bool,
) -> Result<ListQuery, ApiError> {
    let limit = match q.get("limit") {
        None => 10,
        Some(v) => {
            let n = int_param(v, "limit")?;
            if !(1..=100).contains(&n) {
                return Err(ApiError::bad_param(
                    "limit",
                    format!("Invalid limit: must be between 1 and 100 (got {n})."),
                ));
            }
            n as usize
        }
    };
    let cursor = |name: &str| -> Result<Option<String>, ApiError> {
        match q.get(name) {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::bad_param(
                name,
                format!("Invalid {name}: must be an object id."),
            )),
        }
    };
    let starting_after = cursor("starting_after")?;
    let ending_before = cursor("ending_before")?;
    if starting_after.is_some() && ending_before.is_some() {
        return Err(ApiError::invalid(
            "parameter_invalid",
            "You may only specify one of these parameters: ending_before, starting_after.",
        ));
    }
    let mut created = CreatedFilter::default();
    if let Some(c) = q.get("created") {
        if !supports_created {
            return Err(ApiError::invalid(
                "parameter_unknown",
                "Received unknown parameter: created",
            )
            .with_param("created"));
        }
        match c {
            Value::Object(m) => {
                for (k, v) in m {
                    let n = Some(int_param(v, &format!("created[{k}]"))?);
                    match k.as_str() {
                        "gt" => created.gt = n,
                        "gte" => created.gte = n,
                        "lt" => created.lt = n,
                        "lte" => created.lte = n,
                        _ => {
                            return Err(ApiError::invalid(
                                "parameter_unknown",
                                format!("Received unknown parameter: created[{k}]"),
                            )
                            .with_param(&format!("created[{k}]")))
                        }
                    }
                }
            }
            v => {
                let n = int_param(v, "created")?;
                created.gte = Some(n);
                created.lte = Some(n);
            }
        }
    }
    Ok(ListQuery {
        limit,
        starting_after,
        ending_before,
        created,
        tags: None,
        unowned_only: false,
    })
}

fn event_types_filter(q: &Map<String, Value>) -> Result<Option<Vec<String>>, ApiError> {
    let mut out = Vec::new();
    if let Some(t) = q.get("type").and_then(|v| v.as_str()) {
        out.push(t.to_string());
    }
    if let Some(Value::Array(ts)) = q.get("types") {
        out.extend(ts.iter().filter_map(|v| v.as_str().map(String::from)));
    }
    if out.is_empty() {
        return Ok(None);
    }
    // Wildcards (`customer.*`) are expanded against the known event types.
    let mut expanded = Vec::new();
    for t in out {
        if let Some(prefix) = t.strip_suffix('*') {
            expanded.extend(
                stripe_sync_generated::EVENT_TYPES
                    .iter()
                    .filter(|e| e.name.starts_with(prefix))
                    .map(|e| e.name.to_string()),
            );
        } else {
            expanded.push(t);
        }
    }
    Ok(Some(expanded))
}

/// Stripe's limit on `expand[]`: a path of at most this many properties
/// (`data` counts, so a list allows `data.a.b.c`).
const MAX_EXPAND_DEPTH: usize = 4;

/// The `expand[]` paths of a request, refused as Stripe does when one is
/// deeper than [`MAX_EXPAND_DEPTH`].
fn expand_paths(q: &Map<String, Value>) -> Result<Vec<String>, ApiError> {
    let paths: Vec<String> = match q.get("expand") {
        None => Vec::new(),
        Some(Value::String(p)) => vec![p.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        Some(_) => {
            return Err(ApiError::bad_param(
                "expand",
                "Invalid array: expand must be an array of strings.",
            ))
        }
    };
    if let Some(p) = paths
        .iter()
        .find(|p| p.split('.').count() > MAX_EXPAND_DEPTH)
    {
        return Err(ApiError::bad_param(
            "expand",
            format!(
                "You cannot expand more than {MAX_EXPAND_DEPTH} levels of a property. Property: {p}"
            ),
        ));
    }
    Ok(paths)
}

/// Whether expansion `path` asks for property `field` (itself, or
/// something inside it: `tax_ids.data.owner`). Both may be dotted:
/// `amount_details.line_items` is a list one object down.
fn expands(path: &str, field: &str) -> bool {
    path.strip_prefix(field)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// Sets the dotted property `field` of `v` when every object on the way is
/// there (a `null` `amount_details` gets no `line_items`).
fn set_dotted(v: &mut Value, field: &str, x: Value) -> bool {
    let mut cur = v;
    let mut parts = field.split('.').peekable();
    while let Some(p) = parts.next() {
        let Some(m) = cur.as_object_mut() else {
            return false;
        };
        if parts.peek().is_none() {
            m.insert(p.to_string(), x);
            return true;
        }
        match m.get_mut(p) {
            Some(next) => cur = next,
            None => return false,
        }
    }
    false
}

/// An object's JSON with the embedded lists the expansion `paths` ask for
/// filled in (`customer.tax_ids` on `expand[]=tax_ids`), or as stored when
/// none is an embedded list of it. On a list (`in_list`), only lists the
/// registry says a list may expand. Other expansions are ignored.
fn expanded<'a>(
    s: &AccountStore,
    e: &'a crate::store::Entry,
    paths: &[&str],
    in_list: bool,
) -> Cow<'a, [u8]> {
    if paths.is_empty() {
        return Cow::Borrowed(&e.json[..]);
    }
    let mut v = e.value();
    let Some(res) = v
        .get("object")
        .and_then(Value::as_str)
        .and_then(stripe_sync_generated::resource)
    else {
        return Cow::Borrowed(&e.json[..]);
    };
    let mut changed = false;
    for (i, emb) in res.embedded_lists.iter().enumerate() {
        // One list per field, however many child objects it holds.
        let seen = res.embedded_lists[..i].iter().any(|x| x.field == emb.field);
        if seen
            || (in_list && !emb.expandable_in_lists)
            || !paths.iter().any(|p| expands(p, emb.field))
        {
            continue;
        }
        if let Some(list) = crate::seed::embedded_list(s, res.object, &e.id, emb.field) {
            changed |= set_dotted(&mut v, emb.field, list);
        }
    }
    if !changed {
        return Cow::Borrowed(&e.json[..]);
    }
    match serde_json::to_vec(&v) {
        Ok(b) => Cow::Owned(b),
        Err(_) => Cow::Borrowed(&e.json[..]),
    }
}

/// The endpoint a request counts under: `"GET /v1/customers/{customer}/tax_ids"`
/// (Stripe's operation), or the concrete path when the API has no such operation.
pub(crate) fn endpoint_name(method: &Method, path: &str) -> String {
    let template = stripe_sync_generated::registry::endpoint_template(path).unwrap_or(path);
    format!("{method} {template}")
}

#[allow(clippy::too_many_arguments)]
fn list(
    s: &AccountStore,
    res: &'static Resource,
    ep: &'static stripe_sync_generated::ListEndpoint,
    merged: &[&'static str],
    caps: &HashMap<String, String>,
    q: &Map<String, Value>,
    path: &str,
    expand: &[String],
) -> Result<(u16, Vec<u8>), ApiError> {
    let mut lq = list_query(q, ep.supports_created)?;
    // A partial list (the registry says which) shows by default only what
    // Stripe's does: `/v1/tax_ids` without `owner` lists the account's own
    // tax ids, not its customers'.
    lq.unowned_only = ep.partial && !q.contains_key("owner");
    let mut parent: Option<(&'static str, String)> = None;
    for p in ep.params {
        let v = if p.in_path {
            caps.get(p.name).cloned()
        } else {
            match q.get(p.name) {
                Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                Some(Value::Object(_)) => Some(String::new()),
                _ => None,
            }
        };
        let Some(v) = v else {
            return Err(ApiError::missing(p.name));
        };
        if let Some(o) = param_object(p) {
            if o != res.object && parent.is_none() {
                if s.coll(o).and_then(|c| c.get(&v)).is_none() {
                    return Err(ApiError::no_such(o, &v).with_param(p.name));
                }
                parent = Some((o, v));
            }
        }
    }
    let page = match s.coll(res.object) {
        _ if merged.len() > 1 => s.page_merged(
            merged,
            parent.as_ref().map(|(o, id)| (*o, id.as_str())),
            &lq,
        )?,
        Some(c) => c.page(
            res.object,
            parent.as_ref().map(|(o, id)| (*o, id.as_str())),
            &lq,
        )?,
        None => {
            if let Some(id) = lq.starting_after.as_ref().or(lq.ending_before.as_ref()) {
                let p = if lq.starting_after.is_some() {
                    "starting_after"
                } else {
                    "ending_before"
                };
                return Err(ApiError::no_such(res.object, id).with_param(p));
            }
            crate::store::Page {
                data: vec![],
                has_more: false,
            }
        }
    };
    // On a list, `expand[]=data.tax_ids` expands each object's `tax_ids`.
    let paths: Vec<&str> = expand
        .iter()
        .filter_map(|p| p.strip_prefix("data."))
        .collect();
    Ok((
        200,
        page.to_json_with(path, |e| expanded(s, e, &paths, true)),
    ))
}

/// Every object of `object` in `account`, deleted ones with `"deleted": true`.
pub(crate) fn oracle(state: &State, account: &str, object: &str) -> Vec<Value> {
    let Some(lock) = state.account(account) else {
        return Vec::new();
    };
    let s = lock.read().unwrap_or_else(|e| e.into_inner());
    let Some(c) = s.coll(object) else {
        return Vec::new();
    };
    c.all()
        .into_iter()
        .map(|e| {
            let mut v = e.value();
            if e.deleted {
                v["deleted"] = json!(true);
            }
            v
        })
        .collect()
}

/// The control API under `/_simulator/`.
fn control(
    state: &Arc<State>,
    method: &Method,
    rest: &str,
    query: &str,
    body: &[u8],
) -> Result<(u16, Value), ApiError> {
    let q = form::decode(query.as_bytes())?;
    let account = q
        .get("account")
        .and_then(|v| v.as_str())
        .unwrap_or(&state.config.account_id)
        .to_string();
    match (method, rest) {
        (&Method::GET, "stats") => Ok((200, {
            let f = state.faults.stats();
            json!({
                "requests": state.requests.load(Ordering::Relaxed),
                "faulted": f.faulted,
                "injected": f.injected,
                "deliveries_in_flight": state.webhooks.in_flight(),
                "stripe_versions": *state.stripe_versions.lock().unwrap_or_else(|e| e.into_inner()),
                "requests_by_endpoint": *state.requests_by_endpoint.lock().unwrap_or_else(|e| e.into_inner()),
                "list_requests": state.list_requests.load(Ordering::Relaxed),
            })
        })),
        (&Method::GET, "faults") => Ok((
            200,
            serde_json::to_value(state.faults.get()).unwrap_or_default(),
        )),
        (&Method::POST, "faults") => {
            let f: faults::Faults = serde_json::from_slice(body).map_err(|e| {
                ApiError::invalid(
                    "parameter_invalid",
                    format!(
                        "faults: {e} (expected {{\"rate_429\", \"rate_500\", \"latency\" (ms), \"rate_hang\", \"hang\" (ms), \"forbidden\" [path prefixes], \"path\", \"start_after_requests\", \"stop_after_requests\", \"stop_after\" (ms)}})"
                    ),
                )
            })?;
            state.faults.set(f.clone());
            Ok((200, serde_json::to_value(f).unwrap_or_default()))
        }
        (&Method::GET, "deliveries") => Ok((
            200,
            serde_json::to_value(&*state.webhooks.log()).unwrap_or_default(),
        )),
        (&Method::GET, r) if r.starts_with("objects/") => {
            let object = &r["objects/".len()..];
            Ok((200, Value::Array(oracle(state, &account, object))))
        }
        (&Method::POST, r) if r.starts_with("accounts/") && r.ends_with("/revoke") => {
            let id = &r["accounts/".len()..r.len() - "/revoke".len()];
            match writes::revoke_account(state, id) {
                Some(event) => Ok((200, event)),
                None if state.is_revoked(id) => Err(ApiError::invalid(
                    "account_invalid",
                    format!("connected account '{id}' is already revoked"),
                )),
                None => Err(ApiError::no_such("account", id)),
            }
        }
        (&Method::GET, r) if r.starts_with("webhook_secrets/") => {
            let id = &r["webhook_secrets/".len()..];
            match state.webhooks.secrets().get(id) {
                Some(s) => Ok((200, json!({"id": id, "secret": s.secret}))),
                None => Err(ApiError::no_such("webhook_endpoint", id)),
            }
        }
        _ => Err(ApiError::unrecognized(
            method.as_str(),
            &format!("/_simulator/{rest}"),
        )),
    }
}
