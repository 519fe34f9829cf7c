//! Reads one Stripe OpenAPI spec (plus its fixtures) into the [`Api`] IR.
//!
//! The quirks of Stripe's spec are handled here, each once: emptyable `anyOf`
//! branches, `x-expansionResources`, list envelopes, `deleted_*` variants and
//! `format: unix-time` integers.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{anyhow, Context, Result};
use openapiv3::{
    IntegerType, OpenAPI, Operation, Parameter, ReferenceOr, Schema, SchemaKind, StatusCode, Type,
    VariantOrUnknownOrEmpty,
};

use crate::ir::{
    Api, ColumnType, CreateEndpoint, Embedded, EventType, Field, ListEndpoint, Owner, Param,
    Resource, Skipped, Summary,
};
use crate::naming::table_name;
use crate::overrides;

type Props = indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>;

/// Builds the IR of one API version from its parsed spec and its fixtures file.
pub fn parse(spec: &OpenAPI, fixtures: &serde_json::Value) -> Result<Api> {
    let schemas = &spec
        .components
        .as_ref()
        .ok_or_else(|| anyhow!("the spec has no components"))?
        .schemas;
    let reader = Reader { schemas };
    let version = spec.info.version.clone();
    let mut skipped = Vec::new();
    for (path_prefix, schema_prefix, reason) in overrides::SKIPPED_PREFIXES {
        let paths: Vec<&String> = spec
            .paths
            .paths
            .keys()
            .filter(|p| p.starts_with(path_prefix))
            .collect();
        let skipped_schemas = schemas
            .keys()
            .filter(|s| s.starts_with(schema_prefix))
            .count();
        if !paths.is_empty() || skipped_schemas > 0 {
            skipped.push(Skipped {
                what: format!(
                    "{} {path_prefix}... paths and {skipped_schemas} {schema_prefix}* schemas",
                    paths.len()
                ),
                reason: reason.to_string(),
            });
        }
    }
    let is_skipped_path = |p: &str| {
        overrides::SKIPPED_PREFIXES
            .iter()
            .any(|(prefix, _, _)| p.starts_with(prefix))
    };

    // List endpoints and retrieve paths, by the object they return.
    let mut lists: BTreeMap<String, Vec<ListEndpoint>> = BTreeMap::new();
    let mut retrieve: BTreeMap<String, String> = BTreeMap::new();
    let mut raw_lists = Vec::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        if is_skipped_path(path) {
            continue;
        }
        let Some(get) = &item.get else { continue };
        let Some(schema) = response_schema(get) else {
            continue;
        };
        if let Some(items) = reader.list_items(schema) {
            if overrides::EXCLUDED_LIST_PATHS
                .iter()
                .any(|(p, _)| p == path)
            {
                continue;
            }
            let create = item.post.as_ref().map(|post| reader.create(post));
            raw_lists.push((path.clone(), get, create, items));
        } else if path.ends_with('}') {
            if let Some(object) = reader.object_of(schema) {
                retrieve
                    .entry(object)
                    .and_modify(|p: &mut String| {
                        if path.len() < p.len() {
                            *p = path.clone()
                        }
                    })
                    .or_insert_with(|| path.clone());
            }
        }
    }
    // A path parameter names its parent by the path before it: the object
    // listed at that path, or else the one whose retrieve path is `<prefix>/{param}`.
    let mut parent_of_prefix: BTreeMap<String, String> = retrieve
        .iter()
        .filter_map(|(object, path)| {
            let prefix = path.rsplit_once("/{")?.0;
            Some((prefix.to_string(), object.clone()))
        })
        .collect();
    for (path, _, _, items) in &raw_lists {
        if let ([one], false) = (items.as_slice(), path.contains('{')) {
            parent_of_prefix.insert(path.clone(), one.clone());
        }
    }
    for (path, get, create, items) in raw_lists {
        let endpoint = list_endpoint(&path, get, create, &parent_of_prefix);
        for object in items {
            lists.entry(object).or_default().push(endpoint.clone());
        }
    }

    let events = parse_events(spec, &reader)?;

    // Which objects get a table: listable ones, and those events carry.
    let mut candidates: BTreeSet<String> = lists.keys().cloned().collect();
    candidates.extend(events.values().filter_map(|e| e.object.clone()));
    let prefixes = id_prefixes(fixtures);

    let mut resources = BTreeMap::new();
    for object in candidates {
        if overrides::EXCLUDED_OBJECTS
            .iter()
            .any(|(o, _)| *o == object)
        {
            continue;
        }
        let Some(schema_name) = reader.schema_name_of(&object) else {
            continue;
        };
        let Some(props) = reader.properties_of_name(schema_name) else {
            continue;
        };
        if !props.contains_key("id") {
            continue;
        }
        let mut fields = BTreeMap::new();
        let mut embedded_lists = BTreeMap::new();
        let (expandable, required) = reader.expandable_and_required(schema_name);
        for (name, prop) in props {
            fields.insert(name.clone(), reader.field(prop));
            if let Some(items) = reader.list_items_of_prop(prop) {
                let is = |table: &[(&str, &str, &str)]| {
                    table.iter().any(|(o, f, _)| *o == object && f == name)
                };
                embedded_lists.insert(
                    name.clone(),
                    Embedded {
                        items,
                        includable: expandable.contains(name) && !required.contains(name),
                        expandable_in_lists: !is(overrides::NOT_EXPANDABLE_IN_LISTS),
                        complete: !is(overrides::FILTERED_EMBEDDED_LISTS),
                    },
                );
            }
        }
        // One level down: lists inside a plain object (not a resource)
        // property, e.g. `payment_intent.amount_details.line_items`, asked
        // for with `expand[]=data.amount_details.line_items` (three levels,
        // within Stripe's four).
        for (name, prop) in props {
            if embedded_lists.contains_key(name) {
                continue;
            }
            for inner in reader.object_schemas_of_prop(prop) {
                let Some(inner_props) = props_of(inner) else {
                    continue;
                };
                let (inner_expandable, inner_required) = expandable_and_required_of(inner);
                for (inner_name, inner_prop) in inner_props {
                    if let Some(items) = reader.list_items_of_prop(inner_prop) {
                        let field = format!("{name}.{inner_name}");
                        let is = |table: &[(&str, &str, &str)]| {
                            table.iter().any(|(o, f, _)| *o == object && *f == field)
                        };
                        embedded_lists.insert(
                            field.clone(),
                            Embedded {
                                items,
                                includable: inner_expandable.contains(inner_name)
                                    && !inner_required.contains(inner_name),
                                expandable_in_lists: !is(overrides::NOT_EXPANDABLE_IN_LISTS),
                                complete: !is(overrides::FILTERED_EMBEDDED_LISTS),
                            },
                        );
                    }
                }
            }
        }
        let owner = overrides::OWNER_COLUMNS
            .iter()
            .find(|(o, _, _, _)| *o == object)
            .map(|(_, column, owner, _)| Owner {
                column: column.to_string(),
                object: owner.to_string(),
            });
        if let Some(o) = &owner {
            fields.entry(o.column.clone()).or_insert_with(|| Field {
                column_type: ColumnType::Ref,
                references: vec![o.object.clone()],
            });
        }
        let mut list_endpoints = lists.remove(&object).unwrap_or_default();
        for (path, reason) in overrides::UNMIRRORABLE_LISTS {
            if list_endpoints.iter().any(|e| e.path == *path) {
                skipped.push(Skipped {
                    what: format!("list {path}"),
                    reason: reason.to_string(),
                });
            }
        }
        list_endpoints.retain(|e| {
            !overrides::UNMIRRORABLE_LISTS
                .iter()
                .any(|(p, _)| *p == e.path)
        });
        // Preferred first: complete before partial, then fewest parameters
        // to fill, then shortest path.
        list_endpoints.sort_by(|a, b| {
            (a.partial, a.params.len(), a.path.len(), &a.path).cmp(&(
                b.partial,
                b.params.len(),
                b.path.len(),
                &b.path,
            ))
        });
        resources.insert(
            object.clone(),
            Resource {
                table: table_name(&object),
                fields,
                list_endpoints,
                retrieve_path: retrieve.get(&object).cloned(),
                embedded_lists,
                id_prefixes: prefixes.get(&object).cloned().into_iter().collect(),
                owner,
                object,
            },
        );
    }
    // Embedded lists only matter when their items have a table.
    let tabled: BTreeSet<String> = resources.keys().cloned().collect();
    for r in resources.values_mut() {
        for e in r.embedded_lists.values_mut() {
            e.items.retain(|item| tabled.contains(item));
        }
        r.embedded_lists.retain(|_, e| !e.items.is_empty());
    }
    let mut tables = BTreeMap::new();
    for r in resources.values() {
        if let Some(other) = tables.insert(r.table.clone(), r.object.clone()) {
            return Err(anyhow!(
                "objects `{other}` and `{}` both map to table `{}`: add a rename to overrides::TABLE_RENAMES",
                r.object,
                r.table
            ));
        }
    }
    skipped.sort();
    skipped.dedup();
    let summaries = overrides::LIST_SUMMARIES
        .iter()
        .filter(|(_, _, _, item, _)| resources.contains_key(*item))
        .map(|(object, owner_field, list_field, item, _)| Summary {
            object: object.to_string(),
            owner_field: owner_field.to_string(),
            list_field: list_field.to_string(),
            item_object: item.to_string(),
        })
        .collect();
    let paths = spec
        .paths
        .paths
        .keys()
        .filter(|p| !is_skipped_path(p))
        .cloned()
        .collect::<BTreeSet<String>>()
        .into_iter()
        .collect();
    Ok(Api {
        version,
        skipped,
        resources,
        events,
        summaries,
        paths,
    })
}

fn response_schema(op: &Operation) -> Option<&ReferenceOr<Schema>> {
    let ReferenceOr::Item(resp) = op.responses.responses.get(&StatusCode::Code(200))? else {
        return None;
    };
    resp.content.get("application/json")?.schema.as_ref()
}

fn list_endpoint(
    path: &str,
    get: &Operation,
    create: Option<CreateEndpoint>,
    parent_of_prefix: &BTreeMap<String, String>,
) -> ListEndpoint {
    let mut params = Vec::new();
    let mut supports_created = false;
    for p in &get.parameters {
        let ReferenceOr::Item(p) = p else { continue };
        match p {
            Parameter::Path { parameter_data, .. } => {
                let name = &parameter_data.name;
                let prefix = path.split(&format!("/{{{name}}}")).next().unwrap_or("");
                params.push(Param {
                    name: name.clone(),
                    object: parent_of_prefix.get(prefix).cloned(),
                    in_path: true,
                });
            }
            Parameter::Query { parameter_data, .. } => {
                let name = &parameter_data.name;
                if name == "created" {
                    supports_created = true;
                }
                if parameter_data.required {
                    let on_path = overrides::PATH_PARAM_OBJECTS
                        .iter()
                        .find(|(p, n, _)| *p == path && n == name);
                    let object = match (
                        on_path,
                        overrides::PARAM_OBJECTS.iter().find(|(n, _)| n == name),
                    ) {
                        (Some((_, _, object)), _) => Some(object.to_string()),
                        (None, Some((_, object))) => object.map(str::to_string),
                        (None, None) => Some(name.clone()),
                    };
                    params.push(Param {
                        name: name.clone(),
                        object,
                        in_path: false,
                    });
                }
            }
            _ => {}
        }
    }
    params.sort();
    let fixed_params = overrides::LIST_FIXED_PARAMS
        .iter()
        .filter(|(p, _, _)| *p == path)
        .map(|(_, k, v)| (k.to_string(), v.to_string()))
        .collect();
    ListEndpoint {
        path: path.to_string(),
        params,
        fixed_params,
        supports_created,
        partial: overrides::PARTIAL_LISTS.iter().any(|(p, _)| *p == path),
        create,
    }
}

/// Every event type that `POST /v1/webhook_endpoints` accepts, with the object it carries.
fn parse_events(spec: &OpenAPI, reader: &Reader) -> Result<BTreeMap<String, EventType>> {
    let item = match spec.paths.paths.get("/v1/webhook_endpoints") {
        Some(ReferenceOr::Item(item)) => item,
        _ => return Err(anyhow!("the spec has no /v1/webhook_endpoints path")),
    };
    let body = match item.post.as_ref().and_then(|p| p.request_body.as_ref()) {
        Some(ReferenceOr::Item(body)) => body,
        _ => return Err(anyhow!("POST /v1/webhook_endpoints has no request body")),
    };
    let schema = body
        .content
        .get("application/x-www-form-urlencoded")
        .and_then(|m| m.schema.as_ref())
        .ok_or_else(|| anyhow!("POST /v1/webhook_endpoints has no form body"))?;
    let props = reader.properties(schema).context("webhook endpoint form")?;
    let enabled = props
        .get("enabled_events")
        .ok_or_else(|| anyhow!("POST /v1/webhook_endpoints has no enabled_events"))?;
    let names = reader.string_enum_items(enabled);
    if names.is_empty() {
        return Err(anyhow!("enabled_events lists no event types"));
    }
    let known: BTreeSet<String> = reader
        .schemas
        .values()
        .filter_map(|s| match s {
            ReferenceOr::Item(s) => s
                .schema_data
                .extensions
                .get("x-resourceId")?
                .as_str()
                .map(String::from),
            _ => None,
        })
        .collect();
    let mut events = BTreeMap::new();
    for name in names {
        if name == "*" {
            continue;
        }
        let (prefix, action) = name.rsplit_once('.').unwrap_or((name.as_str(), ""));
        events.insert(
            name.clone(),
            EventType {
                object: event_object(prefix, &known),
                is_delete: action == "deleted",
            },
        );
    }
    Ok(events)
}

/// The object an event type prefix carries: the prefix itself, its first
/// `_` read as a namespace dot (`issuing_card` → `issuing.card`), its last
/// word (`customer.subscription` → `subscription`), or an override.
pub fn event_object(prefix: &str, known: &BTreeSet<String>) -> Option<String> {
    if let Some((_, object)) = overrides::EVENT_OBJECTS.iter().find(|(p, _)| *p == prefix) {
        return Some(object.to_string());
    }
    let namespaced = prefix.replacen('_', ".", 1);
    let last = prefix.rsplit('.').next().unwrap_or(prefix);
    let found = [prefix, namespaced.as_str(), last]
        .into_iter()
        .find(|c| known.contains(*c));
    found.map(String::from)
}

/// Id prefixes by object, from the fixtures' example ids (`cus_…` → `cus`).
fn id_prefixes(fixtures: &serde_json::Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(resources) = fixtures.get("resources").and_then(|r| r.as_object()) {
        for (object, value) in resources {
            if let Some((prefix, _)) = value
                .get("id")
                .and_then(|i| i.as_str())
                .and_then(|i| i.split_once('_'))
            {
                out.insert(object.clone(), prefix.to_string());
            }
        }
    }
    out
}

struct Reader<'a> {
    schemas: &'a indexmap::IndexMap<String, ReferenceOr<Schema>>,
}

impl<'a> Reader<'a> {
    fn resolve<'s>(&'s self, r: &'s ReferenceOr<Schema>) -> Option<&'s Schema> {
        match r {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { reference } => match self.schemas.get(ref_name(reference))? {
                ReferenceOr::Item(s) => Some(s),
                _ => None,
            },
        }
    }

    fn resolve_box<'s>(&'s self, r: &'s ReferenceOr<Box<Schema>>) -> Option<&'s Schema> {
        match r {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { reference } => match self.schemas.get(ref_name(reference))? {
                ReferenceOr::Item(s) => Some(s),
                _ => None,
            },
        }
    }

    /// The schema name whose `x-resourceId` is `object` (usually the same string).
    fn schema_name_of(&self, object: &str) -> Option<&'a str> {
        if let Some((name, _)) = self.schemas.get_key_value(object) {
            if resource_id(self.schemas.get(object)?) == Some(object) {
                return Some(name.as_str());
            }
        }
        self.schemas
            .iter()
            .find(|(_, s)| resource_id(s) == Some(object))
            .map(|(n, _)| n.as_str())
    }

    fn properties_of_name(&self, name: &str) -> Option<&'a Props> {
        match self.schemas.get(name)? {
            ReferenceOr::Item(s) => props_of(s),
            _ => None,
        }
    }

    fn properties<'s>(&'s self, r: &'s ReferenceOr<Schema>) -> Option<&'s Props> {
        props_of(self.resolve(r)?)
    }

    /// The branches of an `anyOf`/`oneOf` that are not "emptyable" (`enum: [""]`).
    fn branches<'s>(&'s self, s: &'s Schema) -> Option<Vec<&'s Schema>> {
        let list = match &s.schema_kind {
            SchemaKind::AnyOf { any_of } => any_of,
            SchemaKind::OneOf { one_of } => one_of,
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => all_of,
            _ => return None,
        };
        Some(
            list.iter()
                .filter_map(|b| self.resolve(b))
                .filter(|b| !is_emptyable(b))
                .collect(),
        )
    }

    /// The column type and references of one top-level property.
    fn field(&self, prop: &ReferenceOr<Box<Schema>>) -> Field {
        let Some(schema) = self.resolve_box(prop) else {
            return Field {
                column_type: ColumnType::Jsonb,
                references: vec![],
            };
        };
        if let Some(expansion) = schema.schema_data.extensions.get("x-expansionResources") {
            let mut references: Vec<String> = expansion
                .get("oneOf")
                .and_then(|o| o.as_array())
                .into_iter()
                .flatten()
                .filter_map(|r| r.get("$ref")?.as_str())
                .filter_map(|r| self.schemas.get(ref_name(r)).and_then(resource_id))
                .filter(|o| !o.starts_with("deleted_"))
                .map(String::from)
                .collect();
            references.sort();
            references.dedup();
            return Field {
                column_type: ColumnType::Ref,
                references,
            };
        }
        Field {
            column_type: self.column_type(schema),
            references: vec![],
        }
    }

    fn column_type(&self, s: &Schema) -> ColumnType {
        match &s.schema_kind {
            SchemaKind::Type(Type::String(_)) => ColumnType::Text,
            SchemaKind::Type(Type::Integer(IntegerType { format, .. })) => match format {
                VariantOrUnknownOrEmpty::Unknown(f) if f == "unix-time" => ColumnType::Timestamp,
                _ => ColumnType::BigInt,
            },
            SchemaKind::Type(Type::Number(_)) => ColumnType::Numeric,
            SchemaKind::Type(Type::Boolean(_)) => ColumnType::Boolean,
            SchemaKind::Type(Type::Object(_)) | SchemaKind::Type(Type::Array(_)) => {
                ColumnType::Jsonb
            }
            SchemaKind::Any(any) => match (any.typ.as_deref(), any.format.as_deref()) {
                (Some("string"), _) => ColumnType::Text,
                (Some("integer"), Some("unix-time")) => ColumnType::Timestamp,
                (Some("integer"), _) => ColumnType::BigInt,
                (Some("number"), _) => ColumnType::Numeric,
                (Some("boolean"), _) => ColumnType::Boolean,
                _ => ColumnType::Jsonb,
            },
            _ => match self.branches(s) {
                Some(branches) if !branches.is_empty() => {
                    let types: BTreeSet<ColumnType> =
                        branches.iter().map(|b| self.column_type(b)).collect();
                    if types.len() == 1 {
                        *types.iter().next().unwrap_or(&ColumnType::Jsonb)
                    } else {
                        ColumnType::Jsonb
                    }
                }
                _ => ColumnType::Jsonb,
            },
        }
    }

    /// For a list envelope (`object: list`, `data: [X]`), the objects X.
    fn list_items(&self, r: &ReferenceOr<Schema>) -> Option<Vec<String>> {
        let s = self.resolve(r)?;
        self.envelope_items(s)
    }

    fn envelope_items(&self, s: &Schema) -> Option<Vec<String>> {
        if let Some(branches) = self.branches(s) {
            return match branches.as_slice() {
                [one] => self.envelope_items(one),
                _ => None,
            };
        }
        let props = props_of(s)?;
        let is_list = match props.get("object").and_then(|o| self.resolve_box(o)) {
            Some(Schema {
                schema_kind: SchemaKind::Type(Type::String(t)),
                ..
            }) => t.enumeration == [Some("list".to_string())],
            _ => false,
        };
        if !is_list {
            return None;
        }
        let data = self.resolve_box(props.get("data")?)?;
        let items = match &data.schema_kind {
            SchemaKind::Type(Type::Array(a)) => a.items.as_ref()?,
            _ => return None,
        };
        let mut objects = Vec::new();
        match items {
            ReferenceOr::Reference { reference } => {
                objects.extend(self.object_name_of_ref(reference))
            }
            ReferenceOr::Item(s) => {
                for b in self.branches(s).unwrap_or_default() {
                    objects.extend(self.object_of_schema(b));
                }
            }
        }
        objects.sort();
        objects.dedup();
        Some(objects)
    }

    /// For a property holding a list envelope, the objects of its items.
    fn list_items_of_prop(&self, prop: &ReferenceOr<Box<Schema>>) -> Option<Vec<String>> {
        self.envelope_items(self.resolve_box(prop)?)
            .filter(|items| !items.is_empty())
    }

    /// What a create (`POST` to a list path) takes: its form body's required
    /// parameters, and whether one of them may be `id`.
    fn create(&self, post: &Operation) -> CreateEndpoint {
        let schema = match &post.request_body {
            Some(ReferenceOr::Item(body)) => body
                .content
                .get("application/x-www-form-urlencoded")
                .and_then(|m| m.schema.as_ref())
                .and_then(|s| self.resolve(s)),
            _ => None,
        };
        let Some(schema) = schema else {
            return CreateEndpoint {
                required: Vec::new(),
                accepts_id: false,
            };
        };
        let (_, required) = expandable_and_required_of(schema);
        CreateEndpoint {
            required: required.into_iter().collect(),
            accepts_id: props_of(schema).is_some_and(|p| p.contains_key("id")),
        }
    }

    /// A schema's `x-expandableFields` and `required` properties.
    fn expandable_and_required(&self, name: &str) -> (BTreeSet<String>, BTreeSet<String>) {
        match self.schemas.get(name) {
            Some(ReferenceOr::Item(s)) => expandable_and_required_of(s),
            _ => Default::default(),
        }
    }

    /// The object schemas a property holds when it is a plain object (each
    /// branch of an `anyOf`; none that is a resource with an id of its own).
    fn object_schemas_of_prop<'s>(&'s self, prop: &'s ReferenceOr<Box<Schema>>) -> Vec<&'s Schema> {
        let Some(s) = self.resolve_box(prop) else {
            return Vec::new();
        };
        let all = self.branches(s).unwrap_or_else(|| vec![s]);
        all.into_iter()
            .filter(|s| {
                props_of(s).is_some_and(|p| !p.contains_key("id"))
                    && !s.schema_data.extensions.contains_key("x-resourceId")
            })
            .collect()
    }
}

/// A schema's `x-expandableFields` and `required` properties.
fn expandable_and_required_of(s: &Schema) -> (BTreeSet<String>, BTreeSet<String>) {
    let expandable = s
        .schema_data
        .extensions
        .get("x-expandableFields")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let required = match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o.required.iter().cloned().collect(),
        SchemaKind::Any(a) => a.required.iter().cloned().collect(),
        _ => BTreeSet::new(),
    };
    (expandable, required)
}

impl<'a> Reader<'a> {
    fn object_name_of_ref(&self, reference: &str) -> Option<String> {
        self.schemas
            .get(ref_name(reference))
            .and_then(resource_id)
            .map(String::from)
    }

    fn object_of_schema(&self, s: &Schema) -> Option<String> {
        s.schema_data
            .extensions
            .get("x-resourceId")?
            .as_str()
            .map(String::from)
    }

    /// The object a retrieve endpoint returns: a `$ref` to a resource, or an
    /// `anyOf` of it and its `deleted_*` variant (`GET /v1/customers/{customer}`).
    fn object_of(&self, r: &ReferenceOr<Schema>) -> Option<String> {
        match r {
            ReferenceOr::Reference { reference } => self.object_name_of_ref(reference),
            ReferenceOr::Item(s) => {
                let SchemaKind::AnyOf { any_of } = &s.schema_kind else {
                    return None;
                };
                let objects: Vec<String> = any_of
                    .iter()
                    .filter_map(|b| match b {
                        ReferenceOr::Reference { reference } => self.object_name_of_ref(reference),
                        ReferenceOr::Item(_) => None,
                    })
                    .filter(|o| !o.starts_with("deleted_"))
                    .collect();
                match objects.as_slice() {
                    [one] => Some(one.clone()),
                    _ => None,
                }
            }
        }
    }

    fn string_enum_items(&self, prop: &ReferenceOr<Box<Schema>>) -> Vec<String> {
        let Some(s) = self.resolve_box(prop) else {
            return vec![];
        };
        let items = match &s.schema_kind {
            SchemaKind::Type(Type::Array(a)) => a.items.as_ref(),
            _ => None,
        };
        match items.and_then(|i| self.resolve_box(i)) {
            Some(Schema {
                schema_kind: SchemaKind::Type(Type::String(t)),
                ..
            }) => {
                let mut v: Vec<String> = t.enumeration.iter().flatten().cloned().collect();
                v.sort();
                v.dedup();
                v
            }
            _ => vec![],
        }
    }
}

fn props_of(s: &Schema) -> Option<&Props> {
    match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => Some(&o.properties),
        SchemaKind::Any(a) if !a.properties.is_empty() => Some(&a.properties),
        _ => None,
    }
}

fn resource_id(s: &ReferenceOr<Schema>) -> Option<&str> {
    match s {
        ReferenceOr::Item(s) => s.schema_data.extensions.get("x-resourceId")?.as_str(),
        _ => None,
    }
}

fn ref_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

/// Stripe marks "may be set to empty string to clear" with an `enum: [""]` branch.
fn is_emptyable(s: &Schema) -> bool {
    match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => t.enumeration == [Some(String::new())],
        _ => false,
    }
}
