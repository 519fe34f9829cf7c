//! Stripe's form encoding: `metadata[plan]=pro&items[0][price]=price_1&expand[]=x`
//! decoded into nested JSON (all leaves strings), and merged into objects
//! with the types the object already has.

use serde_json::{Map, Value};

use crate::error::ApiError;

/// Decodes a form body (or query string) into a nested JSON object.
pub fn decode(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let mut root = Value::Object(Map::new());
    for (k, v) in form_urlencoded::parse(body) {
        let path = split_key(&k).ok_or_else(|| {
            ApiError::invalid("parameter_invalid", format!("Invalid parameter name: {k}"))
        })?;
        insert(&mut root, &path, Value::String(v.into_owned())).map_err(|_| {
            ApiError::invalid(
                "parameter_invalid",
                format!("Invalid array or hash parameter: {k}"),
            )
        })?;
    }
    let root = arrays(root);
    match root {
        Value::Object(m) => Ok(m),
        _ => Ok(Map::new()),
    }
}

/// A non-empty string parameter.
pub fn str_param<'a>(params: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    params
        .get(name)
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty())
}

/// A required parameter: absent, null and empty are Stripe's `parameter_missing`.
pub fn require<'a>(params: &'a Map<String, Value>, name: &str) -> Result<&'a Value, ApiError> {
    match params.get(name) {
        None | Some(Value::Null) => Err(ApiError::missing(name)),
        Some(Value::String(s)) if s.is_empty() => Err(ApiError::missing(name)),
        Some(v) => Ok(v),
    }
}

/// Decodes a JSON body into an object (for clients that send JSON).
pub fn decode_json(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(ApiError::invalid(
            "parameter_invalid",
            "The request body is not a JSON object.",
        )),
    }
}

fn split_key(k: &str) -> Option<Vec<String>> {
    let (head, mut rest) = match k.find('[') {
        Some(i) => (&k[..i], &k[i..]),
        None => (k, ""),
    };
    if head.is_empty() {
        return None;
    }
    let mut parts = vec![head.to_string()];
    while !rest.is_empty() {
        let close = rest.find(']')?;
        if !rest.starts_with('[') {
            return None;
        }
        parts.push(rest[1..close].to_string());
        rest = &rest[close + 1..];
    }
    Some(parts)
}

/// Marks `[]` appends: they become keys that sort after every index.
const APPEND: &str = "\u{0}append";

fn insert(node: &mut Value, path: &[String], v: Value) -> Result<(), ()> {
    let Value::Object(map) = node else {
        return Err(());
    };
    let key = if path[0].is_empty() {
        format!("{APPEND}{:08}", map.len())
    } else {
        path[0].clone()
    };
    if path.len() == 1 {
        if map.get(&key).is_some_and(|old| old.is_object()) {
            return Err(());
        }
        map.insert(key, v);
        return Ok(());
    }
    let child = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    insert(child, &path[1..], v)
}

/// Turns objects whose keys are all indices (or appends) into arrays.
fn arrays(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let is_array = !m.is_empty()
                && m.keys()
                    .all(|k| k.starts_with(APPEND) || k.parse::<usize>().is_ok());
            if is_array {
                let mut items: Vec<(usize, String, Value)> = m
                    .into_iter()
                    .map(|(k, v)| match k.parse::<usize>() {
                        Ok(i) => (i, k, v),
                        Err(_) => (usize::MAX, k, v),
                    })
                    .collect();
                items.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
                Value::Array(items.into_iter().map(|(_, _, v)| arrays(v)).collect())
            } else {
                Value::Object(m.into_iter().map(|(k, v)| (k, arrays(v))).collect())
            }
        }
        other => other,
    }
}

/// Coerces a string parameter to the type of the value it replaces.
pub fn coerce(new: Value, old: Option<&Value>) -> Value {
    match (new, old) {
        (Value::String(s), _) if s.is_empty() => Value::Null,
        (Value::String(s), Some(Value::Number(_))) => {
            if let Ok(i) = s.parse::<i64>() {
                Value::from(i)
            } else if let Some(n) = s.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
                Value::Number(n)
            } else {
                Value::String(s)
            }
        }
        (Value::String(s), Some(Value::Bool(_))) => match s.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(s),
        },
        (Value::Object(m), Some(Value::Object(o))) => {
            let mut out = o.clone();
            for (k, v) in m {
                let c = coerce(v, o.get(&k));
                out.insert(k, c);
            }
            Value::Object(out)
        }
        (Value::Object(m), _) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (k.clone(), coerce(v, None)))
                .collect(),
        ),
        (Value::Array(a), Some(Value::Array(o))) => {
            let proto = o.first();
            Value::Array(a.into_iter().map(|v| coerce(v, proto)).collect())
        }
        (other, _) => other,
    }
}

/// Merges `params` into `obj`: only properties the object has (plus
/// `metadata`, merged key by key, `""` deleting a key) are taken.
pub fn merge(obj: &mut Map<String, Value>, params: &Map<String, Value>) {
    for (k, v) in params {
        if k == "metadata" {
            let md = obj
                .entry("metadata")
                .or_insert_with(|| Value::Object(Map::new()));
            if !md.is_object() {
                *md = Value::Object(Map::new());
            }
            match v {
                Value::Object(m) => {
                    if let Value::Object(md) = md {
                        for (mk, mv) in m {
                            match mv {
                                Value::String(s) if s.is_empty() => {
                                    md.remove(mk);
                                }
                                Value::String(s) => {
                                    md.insert(mk.clone(), Value::String(s.clone()));
                                }
                                other => {
                                    md.insert(mk.clone(), Value::String(other.to_string()));
                                }
                            }
                        }
                    }
                }
                Value::String(s) if s.is_empty() => *md = Value::Object(Map::new()),
                _ => {}
            }
            continue;
        }
        if matches!(
            k.as_str(),
            "id" | "object" | "created" | "livemode" | "expand"
        ) {
            continue;
        }
        if let Some(old) = obj.get(k) {
            let c = coerce(v.clone(), Some(old));
            obj.insert(k.clone(), c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_brackets_and_arrays() {
        let m = decode(b"email=a%40b.c&metadata[plan]=pro&items[0][price]=p1&items[1][price]=p2&expand[]=x&expand[]=y").unwrap();
        assert_eq!(
            Value::Object(m),
            json!({"email": "a@b.c", "metadata": {"plan": "pro"}, "items": [{"price": "p1"}, {"price": "p2"}], "expand": ["x", "y"]})
        );
        assert!(decode(b"a[b=1").is_err());
        assert!(decode(b"a=1&a[b]=2").is_err());
    }

    #[test]
    fn merges_with_types() {
        let mut obj = json!({"balance": 0, "delinquent": false, "email": null, "metadata": {"a": "1", "b": "2"}})
            .as_object()
            .unwrap()
            .clone();
        let p = decode(
            b"balance=500&delinquent=true&email=x%40y.z&metadata[a]=&metadata[c]=3&unknown=1",
        )
        .unwrap();
        merge(&mut obj, &p);
        assert_eq!(
            Value::Object(obj),
            json!({"balance": 500, "delinquent": true, "email": "x@y.z", "metadata": {"b": "2", "c": "3"}})
        );
    }
}
