//! Reading Stripe objects cheaply: the few fields the runtime needs (id,
//! object, created, deleted), the embedded lists whose items have their own
//! tables, the objects an object references, and where to fetch one object.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use stripe_sync_generated::{resource, resource_for_id, ColumnType, Resource};

/// The fields of an object the runtime routes and pages by.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Head {
    /// `id`.
    pub id: Option<String>,
    /// `object`, e.g. `customer`.
    pub object: Option<String>,
    /// `created`, unix seconds.
    pub created: Option<i64>,
    /// `deleted: true`.
    pub deleted: bool,
}

#[derive(Deserialize)]
struct HeadRaw<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    object: Option<Cow<'a, str>>,
    #[serde(default)]
    created: Option<serde_json::Number>,
    #[serde(default)]
    deleted: Option<bool>,
}

/// Reads an object's [`Head`] without building a `Value` tree. Fields of
/// unexpected types make it fail rather than guess.
pub fn head(raw: &str) -> Result<Head, serde_json::Error> {
    let h: HeadRaw<'_> = serde_json::from_str(raw)?;
    Ok(Head {
        id: h.id.map(Cow::into_owned),
        object: h.object.map(Cow::into_owned),
        created: h.created.and_then(|n| n.as_i64()),
        deleted: h.deleted.unwrap_or(false),
    })
}

/// The items of one embedded list of an object.
#[derive(Debug)]
pub struct EmbeddedItems {
    /// The items' resource.
    pub resource: &'static Resource,
    /// The items as JSON text.
    pub items: Vec<String>,
    /// Whether the API left items out.
    pub has_more: bool,
    /// The list's URL, to fetch the rest.
    pub url: Option<String>,
}

#[derive(Deserialize)]
struct ListRaw<'a> {
    #[serde(borrow, default)]
    data: Vec<&'a RawValue>,
    #[serde(default)]
    has_more: bool,
    #[serde(default)]
    url: Option<String>,
}

/// The embedded lists (registry `embedded_lists`) present in an object.
/// Objects without any list envelope are skipped after a substring check,
/// without parsing.
pub fn embedded_lists(parent: &Resource, raw: &str) -> Vec<EmbeddedItems> {
    if parent.embedded_lists.is_empty() || !raw.contains("\"list\"") {
        return Vec::new();
    }
    let Ok(fields) = serde_json::from_str::<std::collections::HashMap<String, &RawValue>>(raw)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for emb in parent.embedded_lists {
        let (Some(v), Some(res)) = (fields.get(emb.field), resource(emb.object)) else {
            continue;
        };
        let Ok(list) = serde_json::from_str::<ListRaw<'_>>(v.get()) else {
            continue;
        };
        out.push(EmbeddedItems {
            resource: res,
            items: list.data.iter().map(|r| r.get().to_owned()).collect(),
            has_more: list.has_more,
            url: list.url,
        });
    }
    out
}

/// The objects `value` references through its typed reference columns, as
/// `(resource, id)` pairs, where the id's prefix names a resource the column
/// may point to.
pub fn references(res: &Resource, value: &Value) -> Vec<(&'static Resource, String)> {
    let mut out = Vec::new();
    for col in res.columns {
        if col.column_type != ColumnType::Ref || col.references.is_empty() {
            continue;
        }
        let id = match value.get(col.name) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Object(o)) => match o.get("id").and_then(Value::as_str) {
                Some(s) => s.to_string(),
                None => continue,
            },
            _ => continue,
        };
        if let Some(target) = resource_for_id(&id) {
            if col.references.contains(&target.object) {
                out.push((target, id));
            }
        }
    }
    out
}

/// The `GET` path of one object: the registry's `retrieve_path` when it has a
/// single placeholder, else `{list path}/{id}` for a top-level list.
pub fn retrieve_path(res: &Resource, id: &str) -> Option<String> {
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        || id.is_empty()
    {
        return None;
    }
    if let Some(p) = res.retrieve_path {
        if p.matches('{').count() == 1 {
            let start = p.find('{')?;
            let end = p[start..].find('}')? + start;
            return Some(format!("{}{}{}", &p[..start], id, &p[end + 1..]));
        }
    }
    res.list_endpoints
        .iter()
        .find(|e| e.params.is_empty() && !e.path.contains('{'))
        .map(|e| format!("{}/{}", e.path, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_reads_routing_fields() {
        let h =
            head(r#"{"id":"cus_1","object":"customer","created":17,"deleted":true,"x":{"y":[1]}}"#)
                .unwrap();
        assert_eq!(h.id.as_deref(), Some("cus_1"));
        assert_eq!(h.object.as_deref(), Some("customer"));
        assert_eq!(h.created, Some(17));
        assert!(h.deleted);
        let h = head(r#"{"object":"invoice"}"#).unwrap();
        assert_eq!(h.id, None);
        assert!(head("[1]").is_err());
    }

    #[test]
    fn embedded_lists_are_split() {
        let inv = resource("invoice").unwrap();
        let raw = r#"{"id":"in_1","object":"invoice","lines":{"object":"list","data":[{"id":"il_1"},{"id":"il_2"}],"has_more":true,"url":"/v1/invoices/in_1/lines"}}"#;
        let lists = embedded_lists(inv, raw);
        assert_eq!(lists.len(), 1);
        assert_eq!(lists[0].resource.object, "line_item");
        assert_eq!(lists[0].items, vec![r#"{"id":"il_1"}"#, r#"{"id":"il_2"}"#]);
        assert!(lists[0].has_more);
        assert_eq!(lists[0].url.as_deref(), Some("/v1/invoices/in_1/lines"));
        assert!(embedded_lists(inv, r#"{"id":"in_2"}"#).is_empty());
    }

    #[test]
    fn retrieve_paths() {
        assert_eq!(
            retrieve_path(resource("customer").unwrap(), "cus_1").as_deref(),
            Some("/v1/customers/cus_1")
        );
        assert_eq!(
            retrieve_path(resource("invoice").unwrap(), "in_1").as_deref(),
            Some("/v1/invoices/in_1")
        );
        assert_eq!(retrieve_path(resource("customer").unwrap(), "../x"), None);
    }

    #[test]
    fn references_by_prefix() {
        let sub = resource("subscription").unwrap();
        let v: Value =
            serde_json::json!({"id":"sub_1","customer":"cus_9","latest_invoice":{"id":"in_3"}});
        let refs = references(sub, &v);
        assert!(refs
            .iter()
            .any(|(r, id)| r.object == "customer" && id == "cus_9"));
    }
}
