//! Reading Stripe objects cheaply: the few fields the runtime needs (id,
//! object, created, deleted), the embedded lists whose items have their own
//! tables, the objects an object references, and where to fetch one object.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use stripe_sync_generated::{resource, resource_for_id, ColumnType, EmbeddedList, Resource};

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

/// Parses `T` from `raw` only when it is a JSON object (by its first
/// character): serde reads a struct from an array too (`["cus_1"]` as an
/// object with that id), which no Stripe object is, and which the SQL path
/// (`jsonb`) refuses as well.
pub fn from_object_str<'a, T: Deserialize<'a>>(raw: &'a str) -> Result<T, serde_json::Error> {
    if !raw.trim_start().starts_with('{') {
        return Err(<serde_json::Error as serde::de::Error>::custom(
            "not a JSON object",
        ));
    }
    serde_json::from_str(raw)
}

/// Deserializes `T` from a JSON object only (never from an array), for
/// fields that must be objects: see [`from_object_str`].
pub(crate) fn map_only<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct V<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_map(V(std::marker::PhantomData))
}

/// Reads an object's [`Head`] without building a `Value` tree. Fields of
/// unexpected types, or anything but a JSON object, make it fail rather
/// than guess.
pub fn head(raw: &str) -> Result<Head, serde_json::Error> {
    let h: HeadRaw<'_> = from_object_str(raw)?;
    Ok(Head {
        id: h.id.map(Cow::into_owned),
        object: h.object.map(Cow::into_owned),
        created: h.created.and_then(|n| n.as_i64()),
        deleted: h.deleted.unwrap_or(false),
    })
}

/// The items of one embedded list property of an object (`invoice.lines`,
/// `customer.sources`, …).
#[derive(Debug)]
pub struct EmbeddedItems {
    /// The registry's entries for the property: one per item object (a mixed
    /// list such as `customer.sources` has several).
    pub lists: Vec<&'static EmbeddedList>,
    /// The items as JSON text.
    pub items: Vec<String>,
    /// Whether the API left items out.
    pub has_more: bool,
    /// The list's URL, to fetch the rest.
    pub url: Option<String>,
}

impl EmbeddedItems {
    /// The property, e.g. `lines`.
    pub fn field(&self) -> &'static str {
        self.lists.first().map(|l| l.field).unwrap_or_default()
    }

    /// The URL path the rest of the list is listed from, when Stripe gave
    /// one under `/v1/`.
    pub fn rest_url(&self) -> Option<&str> {
        self.url.as_deref().filter(|u| u.starts_with("/v1/"))
    }

    /// The items' resource when the list holds one object (the first
    /// entry's otherwise).
    pub fn resource(&self) -> Option<&'static Resource> {
        self.lists.first().and_then(|l| resource(l.object))
    }

    /// The items as the children of `parent_id`, by item object. `complete`
    /// says whether `items` are all of the parent's children (the list said
    /// `has_more: false`, or the rest was fetched); a list Stripe documents
    /// as filtered is never complete. Items of an object no entry names are
    /// left out.
    pub fn into_children(self, parent_id: &str, complete: bool) -> Vec<Children> {
        let mut out: Vec<Children> = Vec::new();
        for l in &self.lists {
            if let Some(res) = resource(l.object) {
                out.push(Children {
                    list: l,
                    resource: res,
                    parent_id: parent_id.to_string(),
                    items: Vec::new(),
                    ids: Vec::new(),
                    complete: complete && l.complete,
                });
            }
        }
        for text in self.items {
            let Ok(h) = head(&text) else { continue };
            let slot = match out.as_slice() {
                [_] => Some(0),
                _ => h
                    .object
                    .as_deref()
                    .and_then(|o| out.iter().position(|c| c.list.object == o)),
            };
            if let Some(i) = slot {
                if let Some(id) = h.id {
                    out[i].ids.push(id);
                }
                out[i].items.push(text);
            }
        }
        out
    }
}

/// Children of one object listed under one parent, and whether they are all
/// of them: a complete list also says which stored children no longer
/// belong to the parent.
#[derive(Debug)]
pub struct Children {
    /// The registry entry of the list (parent field, item object, SQL).
    pub list: &'static EmbeddedList,
    /// The items' resource.
    pub resource: &'static Resource,
    /// The parent's id.
    pub parent_id: String,
    /// The items as JSON text.
    pub items: Vec<String>,
    /// The items' ids.
    pub ids: Vec<String>,
    /// Whether `items` are every child of this object the parent has.
    pub complete: bool,
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

/// The embedded lists (registry `embedded_lists`) present in an object, one
/// per property. An absent or `null` property proves nothing and gives no
/// entry. Objects without any list envelope are skipped after a substring
/// check, without parsing.
pub fn embedded_lists(parent: &Resource, raw: &str) -> Vec<EmbeddedItems> {
    if parent.embedded_lists.is_empty() || !raw.contains("\"list\"") {
        return Vec::new();
    }
    let Ok(fields) = serde_json::from_str::<std::collections::HashMap<String, &RawValue>>(raw)
    else {
        return Vec::new();
    };
    let mut out: Vec<EmbeddedItems> = Vec::new();
    for emb in parent.embedded_lists {
        if let Some(e) = out.iter_mut().find(|e| e.field() == emb.field) {
            e.lists.push(emb);
            continue;
        }
        // `amount_details.line_items`: a list one object down.
        let v = match emb.field.split_once('.') {
            None => fields.get(emb.field).copied(),
            Some((outer, inner)) => fields.get(outer).and_then(|o| {
                serde_json::from_str::<std::collections::HashMap<&str, &RawValue>>(o.get())
                    .ok()?
                    .get(inner)
                    .copied()
            }),
        };
        let Some(v) = v else {
            continue;
        };
        let Ok(list) = from_object_str::<ListRaw<'_>>(v.get()) else {
            continue;
        };
        out.push(EmbeddedItems {
            lists: vec![emb],
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

/// Every valid object name (object strings of the backfillable resources).
pub fn valid_object_names() -> Vec<&'static str> {
    stripe_sync_generated::BACKFILL_ORDER
        .iter()
        .filter_map(|t| stripe_sync_generated::resource_by_table(t))
        .map(|r| r.object)
        .collect()
}

/// Checks object names (object strings or tables); an unknown one's error
/// names the closest valid names.
pub fn validate_objects(names: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for n in names {
        let r = stripe_sync_generated::resource(n)
            .or_else(|| stripe_sync_generated::resource_by_table(n));
        match r {
            Some(r) => out.push(r.object.to_string()),
            None => return Err(unknown_object(n)),
        }
    }
    Ok(out)
}

/// The error of an unknown object name: the (at most three) object types or
/// tables closest to it, and where every name is listed.
pub fn unknown_object(name: &str) -> String {
    let mut close: Vec<(f64, &'static str)> = valid_object_names()
        .into_iter()
        .flat_map(|o| {
            let table = stripe_sync_generated::resource(o).map(|r| r.table);
            [Some(o), table].into_iter().flatten()
        })
        .map(|c| (strsim::jaro_winkler(&name.to_lowercase(), c), c))
        .filter(|(score, _)| *score >= 0.85)
        .collect();
    close.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    // Those about as close as the closest.
    let best = close.first().map_or(0.0, |c| c.0);
    let mut names: Vec<&str> = Vec::new();
    for (_, c) in close.into_iter().filter(|c| c.0 >= best - 0.04) {
        // A type and its table are one suggestion: the type.
        let object = stripe_sync_generated::resource_by_table(c).map_or(c, |r| r.object);
        if !names.contains(&object) && names.len() < 3 {
            names.push(object);
        }
    }
    let hint = match names.as_slice() {
        [] => "no object type or table has a name close to it".to_string(),
        [one] => format!("did you mean {one}?"),
        many => format!("did you mean one of {}?", many.join(", ")),
    };
    format!(
        "unknown object {name:?}: {hint} (every object type, and how it is listed: stripe-sync backfill --plan)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names_validate_and_typos_get_the_closest() {
        assert_eq!(
            validate_objects(&["customers".into(), "customer".into()]).unwrap(),
            vec!["customer".to_string(), "customer".to_string()]
        );
        let e = validate_objects(&["custmer".into()]).unwrap_err();
        assert!(e.contains("\"custmer\": did you mean customer?"), "{e}");
        let e = validate_objects(&["invoice_itms".into()]).unwrap_err();
        assert!(e.contains("invoiceitem"), "{e}");
    }

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
        assert_eq!(lists[0].resource().unwrap().object, "line_item");
        assert_eq!(lists[0].items, vec![r#"{"id":"il_1"}"#, r#"{"id":"il_2"}"#]);
        assert!(lists[0].has_more);
        assert_eq!(lists[0].url.as_deref(), Some("/v1/invoices/in_1/lines"));
        assert!(embedded_lists(inv, r#"{"id":"in_2"}"#).is_empty());
        // An absent or null list proves nothing.
        assert!(embedded_lists(inv, r#"{"id":"in_3","lines":null,"x":"list"}"#).is_empty());
    }

    #[test]
    fn a_list_one_object_down_is_found() {
        let pi = resource("payment_intent").unwrap();
        let raw = r#"{"id":"pi_1","object":"payment_intent","amount_details":{"tip":{},"line_items":{"object":"list","data":[{"id":"uli_1","object":"payment_intent_amount_details_line_item"}],"has_more":false}}}"#;
        let lists = embedded_lists(pi, raw);
        assert_eq!(lists.len(), 1);
        assert_eq!(lists[0].field(), "amount_details.line_items");
        assert_eq!(lists[0].items.len(), 1);
        assert!(embedded_lists(pi, r#"{"id":"pi_2","amount_details":{"tip":"list"}}"#).is_empty());
    }

    #[test]
    fn a_mixed_list_is_split_by_object() {
        let cus = resource("customer").unwrap();
        let raw = r#"{"id":"cus_1","object":"customer","sources":{"object":"list","data":[{"id":"card_1","object":"card"},{"id":"ba_1","object":"bank_account"},{"id":"x_1","object":"alien"}],"has_more":false,"url":"/v1/customers/cus_1/sources"}}"#;
        let lists = embedded_lists(cus, raw);
        assert_eq!(lists.len(), 1);
        assert_eq!(lists[0].field(), "sources");
        let children = lists
            .into_iter()
            .next()
            .unwrap()
            .into_children("cus_1", true);
        let by: Vec<(&str, Vec<String>)> = children
            .iter()
            .map(|c| (c.list.object, c.ids.clone()))
            .collect();
        assert!(by.contains(&("card", vec!["card_1".to_string()])));
        assert!(by.contains(&("bank_account", vec!["ba_1".to_string()])));
        assert!(by.contains(&("source", vec![])));
        assert!(children
            .iter()
            .all(|c| c.complete && c.parent_id == "cus_1"));
        // A filtered list is never complete.
        let raw = r#"{"id":"cus_1","subscriptions":{"object":"list","data":[],"has_more":false}}"#;
        let subs = embedded_lists(cus, raw).into_iter().next().unwrap();
        assert!(!subs.into_children("cus_1", true)[0].complete);
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
